//! The covering program: choose how many of each candidate shift to roster so that every
//! interval has at least its required heads present (not on break), at the least cost.
//!
//! minimise Σⱼ costⱼ·xⱼ subject to Σ_{j covers t} xⱼ ≥ requiredₜ for every interval t, xⱼ ≥ 0.
//!
//! Solved with `good_lp` and the pure-Rust `microlp` simplex. Without breaks, on a day, every
//! column covers consecutive intervals: the matrix has the consecutive-ones property, is
//! totally unimodular, and the LP optimum is integral: it is checked, and then the roster is
//! optimal. Otherwise (breaks, or a week that wraps around) the LP optimum may be fractional:
//! its cost is a lower bound of every roster, the roster is rounded from it (whole parts kept,
//! then the shift covering the most still-short intervals per unit of cost added until every
//! interval is covered, then shifts no interval needs removed), and the gap to the bound is
//! reported. Everything is deterministic: the same requirement and rules give the same roster.
//!
//! With `max_shift_types`, the shift type (start time of day × length) used least in the
//! roster is dropped and the program solved again, while the types exceed the limit; a type
//! whose removal leaves an interval uncovered is kept (a heuristic; the bound reported is the
//! LP bound without the limit).

use super::RosterError;
use super::grid::{Requirement, Shift, coverage};
use good_lp::{Expression, Solution, SolverModel, Variable, variable, variables};

#[cfg(not(feature = "highs"))]
use good_lp::microlp as lp_solver;
#[cfg(feature = "highs")]
use good_lp::solvers::highs::highs as lp_solver;

/// With the `highs` feature: seconds HiGHS may spend on the integer program of one roster
/// before its best roster so far is taken (or, with none, the dive).
#[cfg(feature = "highs")]
pub const MIP_TIME_LIMIT_S: f64 = 60.0;
use std::collections::BTreeMap;

/// Tolerance when reading LP values as whole numbers.
const INTEGRAL_TOL: f64 = 1e-6;

/// A roster: how many of each shift, and what it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// The shifts rostered, with their counts (only counts > 0), in grid order.
    pub shifts: Vec<(Shift, u32)>,
    /// Heads present (on shift, not on break) in each interval.
    pub covered: Vec<u32>,
    /// Total cost of the roster.
    pub cost: f64,
    /// Paid hours of the roster.
    pub paid_hours: f64,
    /// Cost of the LP optimum without a limit on shift types: no roster costs less.
    pub lp_bound: f64,
    /// True when the LP optimum (without a limit on shift types) was integral: without that
    /// limit the roster is then optimal, gap 0.
    pub lp_integral: bool,
    /// Candidate shifts (columns of the program).
    pub columns: usize,
    /// LP solves made.
    pub lp_solves: usize,
}

impl Solved {
    /// (cost − LP bound) ÷ LP bound: how far the roster may be from the optimum at most.
    pub fn gap(&self) -> f64 {
        gap(self.cost, self.lp_bound)
    }

    /// Distinct shift types (start time of day × length) in the roster.
    pub fn shift_types(&self, req: &Requirement) -> usize {
        let mut kinds: Vec<_> = self.shifts.iter().map(|(s, _)| s.kind(req)).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds.len()
    }
}

/// (`cost` − `lp_bound`) ÷ `lp_bound`, 0 for a bound of 0: how far a roster of `cost` may
/// be from the optimum at most.
pub fn gap(cost: f64, lp_bound: f64) -> f64 {
    if lp_bound > 0.0 {
        (cost - lp_bound).max(0.0) / lp_bound
    } else {
        0.0
    }
}

/// The LP relaxation over the columns `allowed`: its cost and the value of every column.
fn solve_lp(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
) -> Result<(f64, Vec<f64>), RosterError> {
    solve_program(req, shifts, allowed, false)
}

/// The covering program over the columns `allowed`, in whole shifts when `integer` (HiGHS
/// only: one thread, a fixed seed, `MIP_TIME_LIMIT_S`), else its LP relaxation: its cost
/// and the value of every column.
fn solve_program(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
    integer: bool,
) -> Result<(f64, Vec<f64>), RosterError> {
    let n = req.len();
    let mut vars = variables!();
    let xs: Vec<Option<Variable>> = allowed
        .iter()
        .map(|&a| {
            a.then(|| {
                let x = variable().min(0.0);
                vars.add(if integer { x.integer() } else { x })
            })
        })
        .collect();
    let mut rows: Vec<Expression> = (0..n).map(|_| Expression::with_capacity(16)).collect();
    let mut objective = Expression::with_capacity(shifts.len());
    for (s, x) in shifts.iter().zip(&xs) {
        let Some(x) = *x else { continue };
        objective.add_mul(s.cost, x);
        for t in s.covered(n, req.week) {
            rows[t].add_mul(1.0, x);
        }
    }
    let model = vars.minimise(objective.clone()).using(lp_solver);
    #[cfg(feature = "highs")]
    let model = model
        .set_threads(1)
        .set_option("random_seed", 0)
        .set_time_limit(MIP_TIME_LIMIT_S);
    let mut model = model;
    for (t, row) in rows.into_iter().enumerate() {
        if req.heads[t] > 0 {
            model = model.with(row.geq(f64::from(req.heads[t])));
        }
    }
    let solution = model.solve().map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => RosterError::Infeasible,
        other => RosterError::Solver(other.to_string()),
    })?;
    let values: Vec<f64> = xs
        .iter()
        .map(|x| x.map_or(0.0, |x| solution.value(x).max(0.0)))
        .collect();
    let cost = shifts.iter().zip(&values).map(|(s, v)| s.cost * v).sum();
    Ok((cost, values))
}

/// The roster of `allowed` columns: the LP, and when its optimum is fractional, the integer
/// program with HiGHS (feature `highs`) or else a [`dive`]; then shifts no interval needs
/// are removed. Returns the counts, the first LP's cost, whether it was integral, and the
/// solves made.
fn roster_of(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
) -> Result<(Vec<u32>, f64, bool, usize), RosterError> {
    let (lp, values) = solve_lp(req, shifts, allowed)?;
    let integral = is_integral(&values);
    let (mut counts, solves) = whole_roster(req, shifts, allowed, values)?;
    prune(req, shifts, &mut counts);
    Ok((counts, lp, integral, solves + 1))
}

/// True when every value is a whole number (within [`INTEGRAL_TOL`]).
fn is_integral(values: &[f64]) -> bool {
    values.iter().all(|v| (v - v.round()).abs() <= INTEGRAL_TOL)
}

/// Whole shifts from the LP `values`: with HiGHS, its integer program (the dive when it
/// finds no roster in its time); else the dive. Returns the counts and the solves made.
#[cfg(feature = "highs")]
fn whole_roster(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
    values: Vec<f64>,
) -> Result<(Vec<u32>, usize), RosterError> {
    if !is_integral(&values)
        && let Ok((_, whole)) = solve_program(req, shifts, allowed, true)
    {
        return Ok((whole.iter().map(|v| v.round() as u32).collect(), 1));
    }
    dive(req, shifts, allowed, values)
}

/// Whole shifts from the LP `values`, by the dive. Returns the counts and the solves made.
#[cfg(not(feature = "highs"))]
fn whole_roster(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
    values: Vec<f64>,
) -> Result<(Vec<u32>, usize), RosterError> {
    dive(req, shifts, allowed, values)
}

/// The dive from the LP `values`: the whole parts of the LP values are rostered and the
/// shift with the largest fractional part is rounded up, the LP is solved again for what is
/// left uncovered, and so on until the LP of the rest is integral. Returns the counts and
/// the LP solves made.
fn dive(
    req: &Requirement,
    shifts: &[Shift],
    allowed: &[bool],
    mut values: Vec<f64>,
) -> Result<(Vec<u32>, usize), RosterError> {
    let mut solves = 0;
    let mut counts = vec![0u32; shifts.len()];
    let mut rest = req.clone();
    loop {
        if is_integral(&values) {
            for (c, v) in counts.iter_mut().zip(&values) {
                *c += v.round() as u32;
            }
            break;
        }
        let mut up: Option<(f64, usize)> = None;
        for (j, v) in values.iter().enumerate() {
            counts[j] += (v + INTEGRAL_TOL).floor() as u32;
            let frac = v - (v + INTEGRAL_TOL).floor();
            if frac > INTEGRAL_TOL && up.is_none_or(|(f, _)| frac > f) {
                up = Some((frac, j));
            }
        }
        if let Some((_, j)) = up {
            counts[j] += 1;
        }
        let cov = coverage(req, shifts, &counts);
        for (t, h) in rest.heads.iter_mut().enumerate() {
            *h = req.heads[t].saturating_sub(cov[t]);
        }
        if rest.heads.iter().all(|&h| h == 0) {
            break;
        }
        values = solve_lp(&rest, shifts, allowed)?.1;
        solves += 1;
    }
    Ok((counts, solves))
}

/// Removes shifts no interval needs (every interval they cover has a head to spare),
/// dearest first.
fn prune(req: &Requirement, shifts: &[Shift], counts: &mut [u32]) {
    let n = req.len();
    let mut cov = coverage(req, shifts, counts);
    let mut order: Vec<usize> = (0..shifts.len()).collect();
    order.sort_by(|&a, &b| shifts[b].cost.total_cmp(&shifts[a].cost).then(a.cmp(&b)));
    for j in order {
        while counts[j] > 0
            && shifts[j]
                .covered(n, req.week)
                .all(|t| cov[t] > req.heads[t])
        {
            counts[j] -= 1;
            for t in shifts[j].covered(n, req.week) {
                cov[t] -= 1;
            }
        }
    }
}

/// Solves the covering program for `req` over the candidate `shifts`, with at most
/// `max_types` distinct shift types when given.
pub fn solve(
    req: &Requirement,
    shifts: Vec<Shift>,
    max_types: Option<usize>,
) -> Result<Solved, RosterError> {
    let mut allowed = vec![true; shifts.len()];
    let (mut counts, lp_bound, lp_integral, mut lp_solves) = roster_of(req, &shifts, &allowed)?;
    if let Some(limit) = max_types {
        // Types that cannot be dropped (an interval would be left uncovered).
        let mut kept: Vec<(u64, usize)> = Vec::new();
        loop {
            let mut usage: BTreeMap<(u64, usize), f64> = BTreeMap::new();
            for (s, &c) in shifts.iter().zip(&counts) {
                if c > 0 {
                    *usage.entry(s.kind(req)).or_default() += f64::from(c) * s.paid_hours;
                }
            }
            if usage.len() <= limit {
                break;
            }
            let mut candidates: Vec<_> = usage.iter().filter(|(k, _)| !kept.contains(k)).collect();
            candidates.sort_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(b.0)));
            let Some(&(&drop, _)) = candidates.first() else {
                return Err(RosterError::TooManyTypes {
                    limit,
                    needed: usage.len(),
                });
            };
            let trial: Vec<bool> = shifts
                .iter()
                .zip(&allowed)
                .map(|(s, &a)| a && s.kind(req) != drop)
                .collect();
            match roster_of(req, &shifts, &trial) {
                Ok((c, _, _, solves)) => {
                    lp_solves += solves;
                    allowed = trial;
                    counts = c;
                }
                Err(RosterError::Infeasible) => kept.push(drop),
                Err(e) => return Err(e),
            }
        }
    }
    let covered = coverage(req, &shifts, &counts);
    let cost = shifts
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s.cost * f64::from(c))
        .sum();
    let paid_hours = shifts
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s.paid_hours * f64::from(c))
        .sum();
    let columns = shifts.len();
    let rostered = shifts
        .into_iter()
        .zip(counts)
        .filter(|(_, c)| *c > 0)
        .collect();
    Ok(Solved {
        shifts: rostered,
        covered,
        cost,
        paid_hours,
        lp_bound,
        lp_integral,
        columns,
        lp_solves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::grid::candidates;
    use crate::roster::rules::{BreakRule, ShiftRules};

    fn solve_day(heads: Vec<u32>, rules: &ShiftRules) -> Solved {
        let req = Requirement::day(3600.0, 8.0 * 3600.0, heads);
        let shifts = candidates(&req, rules, None).unwrap();
        solve(&req, shifts, rules.max_shift_types).unwrap()
    }

    #[test]
    fn a_hand_computed_optimum() {
        // Hours 08-14, requirement [2, 3, 3, 1, 1, 2]; shifts of 2 h or 3 h, cost = hours.
        // By hand: the 2 heads of interval 5 come from shifts starting at 3 (3 h) or 4 (2 h),
        // and each also covers interval 4, which needs only 1: at least one hour spare, so
        // at least 12 + 1 = 13 paid hours. 2 × 08-11 + 09-11 + 11-14 + 12-14 has exactly 13.
        let solved = solve_day(
            vec![2, 3, 3, 1, 1, 2],
            &ShiftRules::lengths_only(&[2.0, 3.0]),
        );
        assert!(solved.lp_integral);
        assert_eq!(solved.paid_hours, 13.0);
        assert_eq!(solved.cost, solved.lp_bound);
        assert!(
            solved
                .covered
                .iter()
                .zip([2, 3, 3, 1, 1, 2])
                .all(|(c, r)| *c >= r)
        );
    }

    #[test]
    fn contiguous_shifts_reach_the_lp_bound() {
        let heads = vec![3, 5, 9, 12, 14, 13, 11, 12, 15, 13, 9, 6, 4, 2];
        let solved = solve_day(heads.clone(), &ShiftRules::lengths_only(&[4.0, 6.0, 8.0]));
        assert!(solved.lp_integral);
        assert_eq!(solved.gap(), 0.0);
        assert!(solved.covered.iter().zip(&heads).all(|(c, r)| c >= r));
    }

    /// A 14-hour day of hourly requirements, 4- and 8-hour shifts, the 8-hour ones with a
    /// one-hour break starting 3 to 5 hours in.
    fn day_with_breaks() -> (ShiftRules, Vec<u32>) {
        let mut r = ShiftRules::lengths_only(&[4.0, 8.0]);
        r.break_rule = Some(BreakRule {
            length_s: 3600.0,
            earliest_s: 3.0 * 3600.0,
            latest_end_s: 6.0 * 3600.0,
            for_shifts_over_s: 5.0 * 3600.0,
        });
        (r, vec![3, 5, 9, 12, 14, 13, 11, 12, 15, 13, 9, 6, 4, 2])
    }

    #[test]
    fn breaks_give_a_bounded_gap_and_full_cover() {
        let (r, heads) = day_with_breaks();
        let solved = solve_day(heads.clone(), &r);
        assert!(solved.covered.iter().zip(&heads).all(|(c, h)| c >= h));
        assert!(solved.cost >= solved.lp_bound - 1e-9);
        for (s, _) in &solved.shifts {
            if let Some((b, len)) = s.break_at {
                assert!(s.length == 8 && (3..=5).contains(&b) && b + len <= 6);
            }
        }
    }

    /// With HiGHS the integer program itself is solved: whole shifts, full cover, never
    /// dearer than the dive from the same LP nor cheaper than the LP bound.
    #[cfg(feature = "highs")]
    #[test]
    fn highs_rosters_whole_shifts_no_dearer_than_the_dive() {
        let (r, heads) = day_with_breaks();
        let req = Requirement::day(3600.0, 8.0 * 3600.0, heads.clone());
        let shifts = candidates(&req, &r, None).unwrap();
        let allowed = vec![true; shifts.len()];
        let (_, values) = solve_lp(&req, &shifts, &allowed).unwrap();
        let (mut dived, _) = dive(&req, &shifts, &allowed, values).unwrap();
        prune(&req, &shifts, &mut dived);
        let dive_cost: f64 = shifts
            .iter()
            .zip(&dived)
            .map(|(s, &c)| s.cost * f64::from(c))
            .sum();
        let solved = solve(&req, shifts, None).unwrap();
        assert!(solved.covered.iter().zip(&heads).all(|(c, h)| c >= h));
        assert!(solved.cost >= solved.lp_bound - 1e-6);
        assert!(
            solved.cost <= dive_cost + 1e-6,
            "{} > {dive_cost}",
            solved.cost
        );
    }

    #[test]
    fn the_number_of_shift_types_is_limited() {
        let heads = vec![3, 5, 9, 12, 14, 13, 11, 12, 15, 13, 9, 6, 4, 2];
        let free = solve_day(heads.clone(), &ShiftRules::lengths_only(&[4.0, 6.0, 8.0]));
        let mut r = ShiftRules::lengths_only(&[4.0, 6.0, 8.0]);
        r.max_shift_types = Some(3);
        let limited = solve_day(heads.clone(), &r);
        let req = Requirement::day(3600.0, 8.0 * 3600.0, heads.clone());
        assert!(free.shift_types(&req) > 3);
        assert!(limited.shift_types(&req) <= 3);
        assert!(limited.cost >= free.cost);
        assert!(limited.covered.iter().zip(&heads).all(|(c, h)| c >= h));
    }
}
