//! Rostering: from the staffing plan (heads per half hour) to shifts people can work, at the
//! least paid cost, then checked by simulation.
//!
//! 1. **Requirement** ([`grid`]): the plan's scheduled heads per interval (planned agents ÷
//!    (1 − shrinkage), rounded up), for one day, or for a week (7 × 24 h, wrapping around)
//!    where each weekday is the scenario with its calls scaled by that day's factor in
//!    `[roster] week`, planned on its own.
//! 2. **Shifts** ([`rules`], [`grid`]): every start × length × break position the rules
//!    allow inside the opening hours.
//! 3. **Covering program** ([`model`]): least cost with every interval covered; the LP
//!    bound and the gap are reported.
//! 4. **Check** ([`check`]): the roster's coverage, less shrinkage, becomes the scenario's
//!    agents per interval and is simulated with the plan's final-check seeds, so the service
//!    level the roster gives is compared with the plan's on the same callers.
//!
//! A scenario with call types and agent groups ([`skills`]) is planned per group, and each
//! group gets its own shifts (its people are not interchangeable with another group's); the
//! check simulates every group's coverage together and reports each call type's service
//! level.

pub mod check;
pub mod grid;
pub mod model;
pub mod output;
pub mod rules;
pub mod skills;

use crate::model::{RunKind, Scenario};
use crate::plan::{Plan, PlanError, PlanOptions};
use crate::simulate::ScenarioResult;
use grid::{DAY_S, Requirement};
use model::Solved;
use rules::ShiftRules;

/// What can go wrong while rostering.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The rules do not fit the plan's interval grid.
    #[error("shift rules: {0}")]
    Rules(String),
    /// An interval requires heads that no allowed shift can cover.
    #[error(
        "{interval} requires {heads} heads, but no allowed shift covers it: widen the opening \
         hours (open, close), the start times (starts) or the shift lengths (shift_lengths)"
    )]
    Uncoverable {
        /// The interval, as people read it (`"06:00"`, `"Tue 03:00"`).
        interval: String,
        /// Heads it requires.
        heads: u32,
    },
    /// The covering program has no solution.
    #[error("no roster covers the requirement with the shifts allowed")]
    Infeasible,
    /// Fewer shift types than the roster needs.
    #[error(
        "max_shift_types = {limit} is too few: every one of the {needed} shift types left is \
         needed to cover some interval; raise max_shift_types"
    )]
    TooManyTypes {
        /// The limit.
        limit: usize,
        /// Types the roster still uses.
        needed: usize,
    },
    /// The LP solver failed.
    #[error("the LP solver failed: {0}")]
    Solver(String),
    /// Planning a day failed.
    #[error("{0}")]
    Plan(#[from] PlanError),
    /// Simulating the roster ran away.
    #[error("{0}")]
    Run(#[from] crate::simulate::RunError),
    /// The scenario cannot be rostered.
    #[error("{0}")]
    Scenario(String),
    /// Rostering one agent group of a multi-skill scenario failed.
    #[error("agent group {group}: {source}")]
    Group {
        /// The group's name.
        group: String,
        /// What went wrong.
        source: Box<RosterError>,
    },
}

/// One day of the roster checked by simulation.
#[derive(Debug, Clone)]
pub struct DayCheck {
    /// `day`, or the weekday (`Mon` … `Sun`).
    pub day: String,
    /// The plan of that day (its final check: the plan's KPIs with fresh seeds).
    pub plan: Plan,
    /// For each of the plan's intervals, the interval of the roster's grid it is.
    pub slots: Vec<usize>,
    /// The roster's coverage less shrinkage simulated with the plan's final-check seeds; `None`
    /// when not checked.
    pub check: Option<ScenarioResult>,
}

/// A roster and everything known about it.
#[derive(Debug, Clone)]
pub struct Roster {
    /// Name of the scenario (or plan) rostered.
    pub name: String,
    /// The requirement covered.
    pub requirement: Requirement,
    /// The rules used.
    pub rules: ShiftRules,
    /// The shifts and the program's figures.
    pub solved: Solved,
    /// Shrinkage: share of paid time off the phones besides the rostered breaks.
    pub shrinkage: f64,
    /// The days planned and checked (empty for a roster of a plan table).
    pub days: Vec<DayCheck>,
    /// Seconds the covering program took (wall clock: printed, never written to a file).
    pub solve_s: f64,
}

/// Agents on the phones out of `heads` present: heads × (1 − shrinkage), rounded down.
pub fn on_phones(heads: u32, shrinkage: f64) -> u32 {
    (f64::from(heads) * (1.0 - shrinkage) + 1e-9)
        .floor()
        .max(0.0) as u32
}

/// Rosters a requirement: candidate shifts, then the covering program.
pub fn solve(
    req: &Requirement,
    rules: &ShiftRules,
    agent_per_hour: Option<f64>,
) -> Result<Solved, RosterError> {
    let shifts = grid::candidates(req, rules, agent_per_hour)?;
    model::solve(req, shifts, rules.max_shift_types)
}

/// The scenario of weekday `factor`: its calls (of every call type) scaled.
fn scaled(scenario: &Scenario, factor: f64) -> Scenario {
    let mut s = scenario.clone();
    for r in &mut s.arrival_rate {
        *r *= factor;
    }
    if let Some(model) = &mut s.skills {
        for r in model
            .types
            .iter_mut()
            .flat_map(|t| t.arrival_rate.iter_mut())
        {
            *r *= factor;
        }
    }
    s
}

/// Where the planned days lie on the roster's grid.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The grid, with no heads required yet.
    pub grid: Requirement,
    /// Each day planned: its name (`day`, or `Mon` … `Sun`), the factor on its calls, and
    /// for each of the scenario's intervals the interval of the grid it is.
    pub days: Vec<(String, f64, Vec<usize>)>,
}

impl Layout {
    /// The grid of `scenario` under `rules`: its working day, or a week of 7 × 24 h from
    /// Monday 00:00 in which each weekday is the working day with its calls scaled by that
    /// day's factor in `[roster] week`.
    pub fn of(scenario: &Scenario, rules: &ShiftRules) -> Result<Self, RosterError> {
        let RunKind::WorkingDay { open_s } = scenario.kind else {
            return Err(RosterError::Scenario(format!(
                "{} is a steady state: a roster needs a working day ([time] open, interval, \
                 intervals or close)",
                scenario.name
            )));
        };
        let n = scenario.intervals();
        let i_s = scenario.interval_s;
        let Some(factors) = rules.week else {
            return Ok(Layout {
                grid: Requirement::day(i_s, open_s, vec![0; n]),
                days: vec![("day".into(), 1.0, (0..n).collect())],
            });
        };
        let per_day = DAY_S / i_s;
        if per_day.fract() != 0.0 || n as f64 > per_day {
            return Err(RosterError::Scenario(format!(
                "a week roster needs a day of at most 24 hours in intervals that divide 24 \
                 hours; {} has {n} intervals of {} s",
                scenario.name, i_s
            )));
        }
        let per_day = per_day as usize;
        let slots_n = 7 * per_day;
        let mut open = vec![false; slots_n];
        let first = (open_s / i_s).round() as usize;
        let mut days = Vec::with_capacity(7);
        for (d, &factor) in factors.iter().enumerate() {
            let slots: Vec<usize> = (0..n)
                .map(|k| (d * per_day + first + k) % slots_n)
                .collect();
            for &t in &slots {
                if open[t] {
                    return Err(RosterError::Scenario(format!(
                        "the days of {} overlap in a week (a day longer than 24 hours)",
                        scenario.name
                    )));
                }
                open[t] = true;
            }
            days.push((crate::units::WEEKDAYS[d].to_string(), factor, slots));
        }
        let grid = Requirement {
            interval_s: i_s,
            start_clock_s: 0.0,
            heads: vec![0; slots_n],
            week: true,
            default_open: open,
        };
        Ok(Layout { grid, days })
    }

    /// Plans every day with `plan` on the scenario scaled by the day's factor; days with
    /// the same factor share one plan.
    pub fn plan_days<P: Clone>(
        &self,
        scenario: &Scenario,
        mut plan: impl FnMut(&Scenario) -> Result<P, RosterError>,
    ) -> Result<Vec<P>, RosterError> {
        let mut plans: Vec<P> = Vec::with_capacity(self.days.len());
        for (d, (_, factor, _)) in self.days.iter().enumerate() {
            let earlier = self.days[..d].iter().position(|(_, f, _)| f == factor);
            let p = match earlier {
                Some(e) => plans[e].clone(),
                None if *factor == 1.0 => plan(scenario)?,
                None => plan(&scaled(scenario, *factor))?,
            };
            plans.push(p);
        }
        Ok(plans)
    }

    /// The requirement: heads of day `d` in its interval `k` from `heads(d, k)`.
    pub fn requirement(&self, heads: impl Fn(usize, usize) -> u32) -> Requirement {
        let mut req = self.grid.clone();
        for (d, (_, _, slots)) in self.days.iter().enumerate() {
            for (k, &t) in slots.iter().enumerate() {
                req.heads[t] = heads(d, k);
            }
        }
        req
    }
}

/// Plans the day(s) of the single-queue `scenario` under `rules` (one day, or each weekday
/// of a week, distinct factors planned once) and builds the requirement: scheduled heads
/// per interval.
pub fn plan_days(
    scenario: &Scenario,
    rules: &ShiftRules,
    options: &PlanOptions,
) -> Result<(Requirement, Vec<DayCheck>), RosterError> {
    if scenario.skills.is_some() {
        return Err(RosterError::Scenario(format!(
            "{} has call types and agent groups: roster it per agent group (roster::skills)",
            scenario.name
        )));
    }
    let layout = Layout::of(scenario, rules)?;
    let plans = layout.plan_days(scenario, |sc| Ok(crate::plan::plan(sc, options)?))?;
    let heads: Vec<Vec<u32>> = plans.iter().map(Plan::scheduled_agents).collect();
    let req = layout.requirement(|d, k| heads[d][k]);
    let days = layout
        .days
        .into_iter()
        .zip(plans)
        .map(|((day, _, slots), plan)| DayCheck {
            day,
            plan,
            slots,
            check: None,
        })
        .collect();
    Ok((req, days))
}

/// Plans, rosters and checks `scenario` with `rules`: the whole pipeline of `callsim roster
/// FILE` for a scenario file. `check` simulates the roster.
pub fn roster_scenario(
    scenario: &Scenario,
    rules: &ShiftRules,
    options: &PlanOptions,
    check: bool,
) -> Result<Roster, RosterError> {
    let (requirement, mut days) = plan_days(scenario, rules, options)?;
    let agent_per_hour = scenario.costs.map(|c| c.agent_per_hour);
    let started = std::time::Instant::now();
    let solved = solve(&requirement, rules, agent_per_hour)?;
    let solve_s = started.elapsed().as_secs_f64();
    let shrinkage = days.first().map_or(0.0, |d| d.plan.shrinkage);
    if check {
        check::check_days(&mut days, &solved.covered, shrinkage)?;
    }
    Ok(Roster {
        name: scenario.name.clone(),
        requirement,
        rules: rules.clone(),
        solved,
        shrinkage,
        days,
        solve_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_on_the_phones_never_fall_below_the_plan() {
        for planned in 0..200u32 {
            for s in [0.0, 0.1, 0.25, 0.3, 0.35] {
                let heads = crate::erlang::scheduled_agents(planned, s).unwrap();
                assert!(on_phones(heads, s) >= planned, "{planned} {s}");
            }
        }
    }
}
