//! The aggregate program of a week's tours: how many of each candidate shift worked by people
//! of each class q (x_qj: a contract and a number of days worked) and how many people of each days-off pattern p (of class q_p)
//! and start block b (y_pb), at the least cost:
//!
//! minimise Σ_cj costⱼ·x_qj + Σ_pb penalty_p·y_pb subject to
//! - cover: Σ_{c, j covers t} x_qj ≥ requiredₜ for every interval t;
//! - one shift per person and day: Σ_{j starts on day d in block b} x_qj = Σ_{p of q works d}
//!   y_pb for every class q;
//! - weekly hours per block and class: Σ_{p of q} hours_min·y_pb ≤ Σ_{j in b}
//!   paid_hoursⱼ·x_qj ≤ Σ_{p of q} hours_max·y_pb;
//! - x, y ≥ 0.
//!
//! With one block (the whole day) every tour roster is a solution of its relaxation, so the
//! relaxation's cost is a lower bound of every tour roster. With blocks narrower than the day
//! the program is dived to whole numbers: first the people (those of a pattern and block
//! with a fractional part of at least a half rounded up, or with none the largest quarter
//! of the fractional parts, the shifts left free), then, with whole people, the shifts (whole
//! parts kept as lower bounds, the largest fractional part rounded up), the LP solved again
//! after each step, until it is integral. Each dive builds and solves its LP once, with
//! microlp directly; every step re-solves it from the last basis by dual simplex (a lower
//! bound raised is a row added), not from scratch. Deterministic: the same week gives the
//! same tours.

use super::super::RosterError;
use super::super::grid::{DAY_S, Requirement, Shift};
use super::{Contract, Pattern, WEEK_DAYS, hours_reachable, works};
use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, Solution, Variable};

/// Tolerance when reading LP values as whole numbers.
const INTEGRAL_TOL: f64 = 1e-6;
/// People of a pattern whose fractional part is at least this are rounded up together in
/// one step of the dive.
const HALF: f64 = 0.5;
/// Most LP solves of one dive.
const MAX_SOLVES: usize = 400;
/// A dive whose LP costs this many times its first LP has run away (rounding a shift up
/// calls for part of one more person, whose shifts call for part of another, ...): it stops.
const MAX_RISE: f64 = 1.25;

/// The week, its candidate shifts and the people the rules allow.
pub(super) struct Program<'a> {
    /// The week's requirement.
    pub req: &'a Requirement,
    /// The candidate shifts.
    pub shifts: &'a [Shift],
    /// The days-off patterns allowed.
    pub patterns: &'a [Pattern],
    /// Extra cost of one person of each pattern.
    pub penalties: &'a [f64],
    /// The contracts.
    pub contracts: &'a [Contract],
    /// Classes of the patterns (see [`Pattern::class`]).
    pub classes: usize,
    /// Number of days worked by the people of each class.
    pub class_days: Vec<u32>,
    /// Contract of each class.
    pub class_contract: Vec<usize>,
    /// True for each candidate `j` of class `c` (at `c * shifts + j`) that some week of the
    /// class can hold: its paid hours and the class's other days' shifts add up to the
    /// contract (a 4-day part time of 20 to 24 hours holds only 6-hour shifts). The others
    /// are no columns of the program.
    pub usable: Vec<bool>,
    /// Most tours of each contract (the staff list's people); `None`: any number.
    pub caps: Option<&'a [u32]>,
    /// Cost of one head short in one interval: above any week of shifts, so that the
    /// program covers all it can and is never infeasible for want of people.
    pub short_cost: f64,
}

/// Whole numbers from the program: people of each pattern and block (`y[p * blocks + b]`)
/// and of each candidate shift and contract, with the LP solves made.
pub(super) struct Whole {
    /// Count of each candidate shift `j` worked by people of contract `c`, at
    /// `c * shifts + j`.
    pub x: Vec<u32>,
    /// People of pattern `p` in block `b`, at `p * blocks + b`.
    pub y: Vec<u32>,
    /// LP solves made.
    pub solves: usize,
}

/// Intervals in a day of `req`.
pub(super) fn per_day(req: &Requirement) -> usize {
    (DAY_S / req.interval_s).round() as usize
}

/// The start block of `shift` for blocks `width` intervals wide.
pub(super) fn block_of(req: &Requirement, shift: &Shift, width: usize) -> usize {
    (shift.start % per_day(req)) / width
}

/// Start blocks in a day for blocks `width` intervals wide.
pub(super) fn blocks(req: &Requirement, width: usize) -> usize {
    per_day(req).div_ceil(width)
}

impl<'a> Program<'a> {
    /// The program of `patterns` (with their extra costs `penalties`) on the candidate
    /// `shifts` of the week `req`, at most `caps` tours of each contract, each head short
    /// of an interval at `short_cost`.
    pub(super) fn new(
        req: &'a Requirement,
        shifts: &'a [Shift],
        (patterns, penalties): (&'a [Pattern], &'a [f64]),
        contracts: &'a [Contract],
        caps: Option<&'a [u32]>,
        short_cost: f64,
    ) -> Self {
        let classes = patterns.iter().map(|p| p.class + 1).max().unwrap_or(0);
        let mut class_days = vec![0; classes];
        let mut class_contract = vec![0; classes];
        for p in patterns {
            class_days[p.class] = super::day_count(p.days);
            class_contract[p.class] = p.contract;
        }
        let mut lengths_h: Vec<f64> = shifts.iter().map(|s| s.paid_hours).collect();
        lengths_h.sort_by(f64::total_cmp);
        lengths_h.dedup();
        // per class, the lengths some week of the class holds
        let holds: Vec<Vec<bool>> = (0..classes)
            .map(|c| {
                let contract = &contracts[class_contract[c]];
                let others = class_days[c].saturating_sub(1);
                lengths_h
                    .iter()
                    .map(|&h| {
                        hours_reachable(
                            &lengths_h,
                            others,
                            (contract.hours_min - h, contract.hours_max - h),
                        )
                    })
                    .collect()
            })
            .collect();
        let mut program = Program {
            req,
            shifts,
            patterns,
            penalties,
            contracts,
            classes,
            class_days,
            class_contract,
            usable: Vec::new(),
            caps,
            short_cost,
        };
        // a contract nobody of the staff list has: no columns at all
        let usable = (0..classes)
            .flat_map(|c| {
                let (holds, lengths_h) = (&holds[c], &lengths_h);
                let staffed = program.staffed(program.class_contract[c]);
                shifts.iter().map(move |s| {
                    staffed
                        && lengths_h
                            .iter()
                            .position(|&h| h == s.paid_hours)
                            .is_some_and(|k| holds[k])
                })
            })
            .collect();
        program.usable = usable;
        program
    }

    /// True unless the staff list's caps leave nobody of `contract` (index in the
    /// contracts): such a contract has no columns, neither shifts nor people.
    fn staffed(&self, contract: usize) -> bool {
        self.caps.is_none_or(|caps| caps.get(contract) != Some(&0))
    }

    /// Shift columns: each candidate once per class (those not [`Program::usable`] never
    /// valued).
    fn columns(&self) -> usize {
        self.shifts.len() * self.classes
    }

    /// The cost of the relaxation with one block, the whole day: no tour roster costs less.
    /// Returns it and the solves made (1).
    pub(super) fn bound(&self) -> Result<(f64, usize), RosterError> {
        let lp = self
            .lp(per_day(self.req), &[], &[])?
            .ok_or_else(infeasible)?;
        Ok((lp.cost(), 1))
    }

    /// True when every `class_days` shifts of `paid_hours` each add up to the class's
    /// contract hours: however such shifts are dealt, each person's week fits.
    pub(super) fn safe(&self, class: usize, paid_hours: f64) -> bool {
        let c = &self.contracts[self.class_contract[class]];
        let n = f64::from(self.class_days[class]);
        paid_hours * n >= c.hours_min - 1e-9 && paid_hours * n <= c.hours_max + 1e-9
    }

    /// The program with blocks `width` intervals wide, dived to whole numbers; the people
    /// of a class in a block marked in `safe_only` (at `block * classes + class`) work only
    /// shifts of [`Program::safe`] lengths. `None` when the dive does not reach whole
    /// numbers within [`MAX_SOLVES`] solves or runs away ([`MAX_RISE`]). The LP is built
    /// and solved once; each step re-solves it from the last one's basis (a bound raised is
    /// a row added, dual simplex), not from scratch.
    pub(super) fn whole(
        &self,
        width: usize,
        safe_only: &[bool],
    ) -> Result<Option<Whole>, RosterError> {
        let mut lp = self.lp(width, safe_only, &[])?.ok_or_else(infeasible)?;
        let mut solves = 1;
        let first = lp.cost();
        loop {
            let cost = lp.cost();
            let values = lp.values();
            let frac = |i: usize| values[i] - (values[i] + INTEGRAL_TOL).floor();
            let columns = self.columns();
            let people: Vec<usize> = (columns..values.len())
                .filter(|&i| frac(i) > INTEGRAL_TOL)
                .collect();
            let shifts: Vec<usize> = (0..columns).filter(|&i| frac(i) > INTEGRAL_TOL).collect();
            if people.is_empty() && shifts.is_empty() {
                let whole: Vec<u32> = values.iter().map(|v| v.round() as u32).collect();
                let (x, y) = whole.split_at(columns);
                return Ok(Some(Whole {
                    x: x.to_vec(),
                    y: y.to_vec(),
                    solves,
                }));
            }
            if solves >= MAX_SOLVES || cost > first * MAX_RISE {
                return Ok(None);
            }
            solves += 1;
            if !people.is_empty() {
                // people first, the shifts left free: the halves and more rounded up, or
                // with none, the largest quarter
                let mut up: Vec<usize> = people
                    .iter()
                    .copied()
                    .filter(|&i| frac(i) >= HALF)
                    .collect();
                if up.is_empty() {
                    let mut by_frac = people;
                    by_frac.sort_by(|&a, &b| frac(b).total_cmp(&frac(a)).then(a.cmp(&b)));
                    by_frac.truncate(by_frac.len().div_ceil(4));
                    up = by_frac;
                }
                for i in up {
                    if !self.round(&mut lp, i, values[i])? {
                        return Ok(None);
                    }
                }
                continue;
            }
            // whole people: the shifts' whole parts kept, the largest fraction rounded up
            let largest = shifts
                .iter()
                .copied()
                .max_by(|&a, &b| frac(a).total_cmp(&frac(b)).then(b.cmp(&a)));
            for (i, &v) in values.iter().enumerate().take(columns) {
                if Some(i) != largest {
                    let whole = (v + INTEGRAL_TOL).floor();
                    if !self.restrict(&mut lp, i, (whole, f64::INFINITY))? {
                        return Ok(None);
                    }
                }
            }
            if let Some(i) = largest
                && !self.round(&mut lp, i, values[i])?
            {
                return Ok(None);
            }
        }
    }

    /// The relaxation with blocks `width` intervals wide, solved: the columns (the shifts
    /// of a (block, class) pair marked in `safe_only` of safe lengths only), the rows of
    /// cover, one shift per person and day, and weekly hours.
    fn lp(
        &self,
        width: usize,
        safe_only: &[bool],
        bounds: &[(f64, f64)],
    ) -> Result<Option<Lp>, RosterError> {
        let bound = |i: usize| bounds.get(i).copied().unwrap_or((0.0, f64::INFINITY));
        let req = self.req;
        let n = req.len();
        let nb = blocks(req, width);
        let nc = self.classes;
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let mut cover = vec![LinearExpr::empty(); n];
        // rows by (day, block, class) and (block, class)
        let mut link = vec![LinearExpr::empty(); WEEK_DAYS * nb * nc];
        let mut hours = vec![LinearExpr::empty(); nb * nc];
        let mut vars: Vec<Option<Variable>> = Vec::with_capacity(self.columns());
        for c in 0..nc {
            for (j, s) in self.shifts.iter().enumerate() {
                let b = block_of(req, s, width);
                let barred = safe_only
                    .get(b * nc + c)
                    .is_some_and(|&only| only && !self.safe(c, s.paid_hours));
                if barred || !self.usable[c * self.shifts.len() + j] {
                    vars.push(None);
                    continue;
                }
                let x = problem.add_var(s.cost, bound(vars.len()));
                vars.push(Some(x));
                for t in s.covered(n, true) {
                    cover[t].add(x, 1.0);
                }
                link[(req.day_of(s.start) * nb + b) * nc + c].add(x, 1.0);
                hours[b * nc + c].add(x, s.paid_hours);
            }
        }
        // the hours' rows twice: within the least and the most hours of the contract
        let mut hours_lo = hours.clone();
        let mut hours_hi = hours;
        let mut per_contract = vec![LinearExpr::empty(); self.contracts.len()];
        for (p, (pattern, &penalty)) in self.patterns.iter().zip(self.penalties).enumerate() {
            let c = pattern.class;
            let contract = &self.contracts[pattern.contract];
            let staffed = self.staffed(pattern.contract);
            for b in 0..nb {
                if !staffed {
                    vars.push(None);
                    continue;
                }
                let y = problem.add_var(penalty, bound(vars.len()));
                vars.push(Some(y));
                debug_assert_eq!(vars.len(), self.columns() + p * nb + b + 1);
                for d in (0..WEEK_DAYS).filter(|&d| works(pattern.days, d)) {
                    link[(d * nb + b) * nc + c].add(y, -1.0);
                }
                hours_lo[b * nc + c].add(y, -contract.hours_min);
                hours_hi[b * nc + c].add(y, -contract.hours_max);
                per_contract[pattern.contract].add(y, 1.0);
            }
        }
        // heads short of each interval, at a cost above any week of shifts
        for (t, row) in cover.iter_mut().enumerate() {
            if req.heads[t] > 0 {
                row.add(problem.add_var(self.short_cost, (0.0, f64::INFINITY)), 1.0);
            }
        }
        if let Some(caps) = self.caps {
            for (row, &cap) in per_contract.into_iter().zip(caps) {
                problem.add_constraint(row, ComparisonOp::Le, f64::from(cap));
            }
        }
        for (t, row) in cover.into_iter().enumerate() {
            if req.heads[t] > 0 {
                problem.add_constraint(row, ComparisonOp::Ge, f64::from(req.heads[t]));
            }
        }
        for row in link {
            problem.add_constraint(row, ComparisonOp::Eq, 0.0);
        }
        for (lo, hi) in hours_lo.into_iter().zip(hours_hi) {
            problem.add_constraint(lo, ComparisonOp::Ge, 0.0);
            problem.add_constraint(hi, ComparisonOp::Le, 0.0);
        }
        let solution = match problem.solve() {
            Err(microlp::Error::Infeasible) => return Ok(None),
            outcome => solved(outcome)?,
        };
        Ok(Some(Lp {
            width,
            safe_only: safe_only.to_vec(),
            bounds: (0..vars.len()).map(bound).collect(),
            vars,
            solution,
        }))
    }

    /// Column `i` of `lp` within `bound` (the least raised or the most lowered) from now
    /// on, re-solved from the last basis, or from scratch when that re-solve fails
    /// numerically; false when the program cannot have it.
    fn restrict(&self, lp: &mut Lp, i: usize, bound: (f64, f64)) -> Result<bool, RosterError> {
        let Some(v) = lp.vars[i] else {
            return Ok(true);
        };
        let (least, most) = lp.bounds[i];
        let edit = if bound.0 > least + INTEGRAL_TOL {
            (ComparisonOp::Ge, bound.0)
        } else if bound.1 < most - INTEGRAL_TOL {
            (ComparisonOp::Le, bound.1)
        } else {
            return Ok(true);
        };
        let mut bounds = lp.bounds.clone();
        bounds[i] = (bound.0.max(least), bound.1.min(most));
        match lp
            .solution
            .clone()
            .add_constraint([(v, 1.0)], edit.0, edit.1)
        {
            Err(microlp::Error::Infeasible) => return Ok(false),
            Ok(microlp::SolveOutcome::Solution(solution)) => {
                lp.solution = solution;
                lp.bounds = bounds;
                return Ok(true);
            }
            _ => {}
        }
        match self.lp(lp.width, &lp.safe_only, &bounds)? {
            Some(fresh) => {
                *lp = fresh;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Column `i` of `lp`, now at the fractional `value`, rounded: up (at least the next
    /// whole number from now on), or where the program cannot have that (the staff list's
    /// caps, the contracts' hours), down (at most the whole number below). False when it
    /// can have neither.
    fn round(&self, lp: &mut Lp, i: usize, value: f64) -> Result<bool, RosterError> {
        let (down, up) = (
            (value + INTEGRAL_TOL).floor(),
            (value + INTEGRAL_TOL).ceil(),
        );
        Ok(self.restrict(lp, i, (up, f64::INFINITY))? || self.restrict(lp, i, (0.0, down))?)
    }
}

/// The program's relaxation for one block width, solved, with the bounds its dive has set:
/// re-solved in place from its last basis after each change.
struct Lp {
    /// Width of a start block, intervals.
    width: usize,
    /// The (block, class) pairs on safe lengths only.
    safe_only: Vec<bool>,
    /// The columns: shifts by class (`None`: no column, see [`Program::usable`]), then
    /// people by pattern and block.
    vars: Vec<Option<Variable>>,
    /// The least and most of each column.
    bounds: Vec<(f64, f64)>,
    /// The last solution.
    solution: Solution,
}

impl Lp {
    /// The objective of the last solution.
    fn cost(&self) -> f64 {
        self.solution.objective()
    }

    /// The value of each column in the last solution (0 for a column that is none).
    fn values(&self) -> Vec<f64> {
        self.vars
            .iter()
            .map(|v| v.map_or(0.0, |v| self.solution.var_value(v).max(0.0)))
            .collect()
    }
}

/// The solution of a solve or edit, or why there is none.
fn solved(outcome: Result<microlp::SolveOutcome, microlp::Error>) -> Result<Solution, RosterError> {
    match outcome {
        Ok(outcome) => outcome
            .into_solution()
            .map_err(|_| RosterError::Solver("the LP stopped before an optimum".into())),
        Err(microlp::Error::Infeasible) => Err(infeasible()),
        Err(other) => Err(RosterError::Solver(other.to_string())),
    }
}

/// The error of a program no tours can meet.
fn infeasible() -> RosterError {
    RosterError::Tours(
        "no tours cover the requirement under the rules: every interval that needs heads must \
         be reachable by a shift on a day some contract works; widen the contracts' days or \
         hours, min_rest or start_band"
            .into(),
    )
}
