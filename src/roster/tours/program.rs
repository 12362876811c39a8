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
//! after each step, until it is integral. Deterministic: the same week gives the same tours.

use super::super::RosterError;
use super::super::grid::{DAY_S, Requirement, Shift};
use super::{Contract, Pattern, WEEK_DAYS, works};
use good_lp::{Expression, Solution, SolverModel, Variable, variable, variables};

#[cfg(not(feature = "highs"))]
use good_lp::microlp as lp_solver;
#[cfg(feature = "highs")]
use good_lp::solvers::highs::highs as lp_solver;

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

impl Program<'_> {
    /// Shift columns: each candidate once per class.
    fn columns(&self) -> usize {
        self.shifts.len() * self.classes
    }

    /// The cost of the relaxation with one block, the whole day: no tour roster costs less.
    /// Returns it and the solves made (1).
    pub fn bound(&self) -> Result<(f64, usize), RosterError> {
        let lower = vec![0.0; self.columns() + self.patterns.len()];
        let (cost, _) = self.lp(per_day(self.req), &lower, &[])?;
        Ok((cost, 1))
    }

    /// True when every `class_days` shifts of `paid_hours` each add up to the class's
    /// contract hours: however such shifts are dealt, each person's week fits.
    pub fn safe(&self, class: usize, paid_hours: f64) -> bool {
        let c = &self.contracts[self.class_contract[class]];
        let n = f64::from(self.class_days[class]);
        paid_hours * n >= c.hours_min - 1e-9 && paid_hours * n <= c.hours_max + 1e-9
    }

    /// The program with blocks `width` intervals wide, dived to whole numbers; the people
    /// of a class in a block marked in `safe_only` (at `block * classes + class`) work only
    /// shifts of [`Program::safe`] lengths. `None` when the dive does not reach whole
    /// numbers within [`MAX_SOLVES`] solves or runs away ([`MAX_RISE`]).
    pub fn whole(&self, width: usize, safe_only: &[bool]) -> Result<Option<Whole>, RosterError> {
        let nb = blocks(self.req, width);
        let mut lower = vec![0.0; self.columns() + self.patterns.len() * nb];
        let mut solves = 0;
        let mut first = None;
        loop {
            let (cost, values) = self.lp(width, &lower, safe_only)?;
            solves += 1;
            let first = *first.get_or_insert(cost);
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
                    lower[i] = (values[i] + INTEGRAL_TOL).ceil();
                }
                continue;
            }
            // whole people: the shifts' whole parts kept, the largest fraction rounded up
            for (i, lo) in lower.iter_mut().enumerate().take(columns) {
                *lo = (values[i] + INTEGRAL_TOL).floor();
            }
            if let Some(&i) = shifts
                .iter()
                .max_by(|&&a, &&b| frac(a).total_cmp(&frac(b)).then(b.cmp(&a)))
            {
                lower[i] = (values[i] + INTEGRAL_TOL).ceil();
            }
        }
    }

    /// The LP with blocks `width` intervals wide and every value at least `lower` (shifts
    /// first, then people by pattern and block), the shifts of the (block, class) pairs
    /// marked in `safe_only` of safe lengths only: its cost and values in the same order.
    fn lp(
        &self,
        width: usize,
        lower: &[f64],
        safe_only: &[bool],
    ) -> Result<(f64, Vec<f64>), RosterError> {
        let req = self.req;
        let n = req.len();
        let nb = blocks(req, width);
        let nc = self.classes;
        let ns = self.shifts.len();
        let barred = |i: usize| {
            let (c, s) = (i / ns, &self.shifts[i % ns]);
            i < self.columns()
                && safe_only
                    .get(block_of(req, s, width) * nc + c)
                    .is_some_and(|&only| only && !self.safe(c, s.paid_hours))
        };
        let mut vars = variables!();
        let vs: Vec<Variable> = lower
            .iter()
            .enumerate()
            .map(|(i, &lo)| {
                if barred(i) {
                    vars.add(variable().min(0.0).max(0.0))
                } else {
                    vars.add(variable().min(lo))
                }
            })
            .collect();
        let (xs, ys) = vs.split_at(self.columns());
        let empty =
            |k: usize| -> Vec<Expression> { (0..k).map(|_| Expression::default()).collect() };
        let mut cover = empty(n);
        // rows by (day, block, contract) and (block, contract)
        let mut link = empty(WEEK_DAYS * nb * nc);
        let mut hours_lo = empty(nb * nc);
        let mut hours_hi = empty(nb * nc);
        let mut objective = Expression::with_capacity(vs.len());
        for (c, xs) in xs.chunks(self.shifts.len()).enumerate() {
            for (s, &x) in self.shifts.iter().zip(xs) {
                objective.add_mul(s.cost, x);
                for t in s.covered(n, true) {
                    cover[t].add_mul(1.0, x);
                }
                let b = block_of(req, s, width);
                link[(req.day_of(s.start) * nb + b) * nc + c].add_mul(1.0, x);
                hours_lo[b * nc + c].add_mul(s.paid_hours, x);
                hours_hi[b * nc + c].add_mul(s.paid_hours, x);
            }
        }
        for (p, (pattern, &penalty)) in self.patterns.iter().zip(self.penalties).enumerate() {
            let c = pattern.class;
            let contract = &self.contracts[pattern.contract];
            for b in 0..nb {
                let y = ys[p * nb + b];
                if penalty != 0.0 {
                    objective.add_mul(penalty, y);
                }
                for d in (0..WEEK_DAYS).filter(|&d| works(pattern.days, d)) {
                    link[(d * nb + b) * nc + c].add_mul(-1.0, y);
                }
                hours_lo[b * nc + c].add_mul(-contract.hours_min, y);
                hours_hi[b * nc + c].add_mul(-contract.hours_max, y);
            }
        }
        let mut model = vars.minimise(objective.clone()).using(lp_solver);
        for (t, row) in cover.into_iter().enumerate() {
            if req.heads[t] > 0 {
                model = model.with(row.geq(f64::from(req.heads[t])));
            }
        }
        for row in link {
            model = model.with(row.eq(0.0));
        }
        for (lo, hi) in hours_lo.into_iter().zip(hours_hi) {
            model = model.with(lo.geq(0.0)).with(hi.leq(0.0));
        }
        let solution = model.solve().map_err(|e| match e {
            good_lp::ResolutionError::Infeasible => RosterError::Tours(
                "no tours cover the requirement under the rules: every interval that needs \
                 heads must be reachable by a shift on a day some contract works; widen the \
                 contracts' days or hours, min_rest or start_band"
                    .into(),
            ),
            other => RosterError::Solver(other.to_string()),
        })?;
        let values: Vec<f64> = vs.iter().map(|&v| solution.value(v).max(0.0)).collect();
        let cost = objective.eval_with(&solution);
        Ok((cost, values))
    }
}
