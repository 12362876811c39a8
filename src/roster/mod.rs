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
//!    bound and the gap are reported. With tour rules (a week only), [`tours`] builds
//!    people's weeks instead (days off, rest, start band, weekly hours), and the group's
//!    shifts and coverage are those of its tours.
//! 4. **Check** ([`check`]): the roster's coverage, less shrinkage, becomes the scenario's
//!    agents per interval and is simulated with the plan's final-check seeds, so the service
//!    level the roster gives is compared with the plan's on the same callers.
//!
//! Every center is rostered the same way: a single queue is one agent group. With call types
//! and agent groups, the plan gives agents per group, and each group gets its own shifts (its
//! people are not interchangeable with another group's); the check simulates every group's
//! coverage together and reports each call type's service level.

pub mod agents;
pub mod assign;
pub mod check;
pub mod grid;
pub mod model;
pub mod output;
pub mod rules;
pub mod tours;
pub mod week_output;

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
    /// Planning a day failed (its message as it is: said once, as `callsim plan` says it).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Simulating the roster ran away.
    #[error(transparent)]
    Run(#[from] crate::simulate::RunError),
    /// The scenario cannot be rostered.
    #[error("{0}")]
    Scenario(String),
    /// The week's tours cannot meet the tour rules.
    #[error("tours: {0}")]
    Tours(String),
    /// Rostering one agent group of a multi-skill scenario failed.
    #[error("agent group {group}: {error}")]
    Group {
        /// The group's name.
        group: String,
        /// What went wrong (in the message, not a source of its own: said once).
        error: Box<RosterError>,
    },
}

/// One day of the roster: its plan and its check by simulation.
#[derive(Debug, Clone)]
pub struct DayCheck {
    /// `day`, or the weekday (`Mon` … `Sun`).
    pub day: String,
    /// The plan of that day: agents per interval and group, and its final check with fresh
    /// seeds.
    pub plan: Plan,
    /// For each of the plan's intervals, the interval of the roster's grid it is.
    pub slots: Vec<usize>,
    /// The roster's coverage less shrinkage simulated with the seeds of the plan's final
    /// check; `None` when not checked.
    pub check: Option<ScenarioResult>,
    /// For each of the plan's intervals, the share of the check's days on which the roster's
    /// staffing met every target of the plan (one queue with targets, as
    /// [`Plan::days_met`] for the plan's); empty when not checked or for call types.
    pub days_met: Vec<f64>,
    /// The plan's intervals in which the roster's check misses a target of the plan as the
    /// plan's criterion reads it (the mean, the whole 95% CI, or `--confidence`'s share of
    /// days, each target on its own), as the plan's final check judges its own staffing;
    /// `None` when not judged (not checked, or call types).
    pub short: Option<Vec<usize>>,
}

/// The shifts of one agent group (a single queue: its one group, every agent).
#[derive(Debug, Clone)]
pub struct GroupRoster {
    /// The group's name (`[[agent_group]] name`; `agents` for a single queue).
    pub name: String,
    /// Heads of this group required per interval of the grid.
    pub requirement: Requirement,
    /// The group's shifts and the program's figures (with tours: the tours' shifts, counted
    /// by kind, and their coverage).
    pub solved: Solved,
    /// The group's week of tours, when the rules give tour rules.
    pub tours: Option<tours::TourRoster>,
}

/// A roster of any center, and everything known about it: shifts per agent group on a grid
/// of one day or a week (a single queue is one group), the days planned and their checks.
#[derive(Debug, Clone)]
pub struct Roster {
    /// Name of the scenario (or plan) rostered.
    pub name: String,
    /// The intervals rostered (a day, or a week of 7 × 24 h from Monday 00:00); its heads
    /// are not read: each group's requirement holds its own.
    pub grid: Requirement,
    /// The rules used (the same for every group).
    pub rules: ShiftRules,
    /// Shrinkage: share of paid time off the phones besides the rostered breaks.
    pub shrinkage: f64,
    /// The shifts of each group, in the order of the scenario's `[[agent_group]]`s.
    pub groups: Vec<GroupRoster>,
    /// The days planned and checked (empty for a roster of a plan table).
    pub days: Vec<DayCheck>,
    /// Seconds the covering programs took (wall clock: printed, never written to a file).
    pub solve_s: f64,
}

impl Roster {
    /// True for a center with call types and agent groups (its files gain an `agent_group`
    /// column and each type's service level); false for one queue or a plan table.
    pub fn has_call_types(&self) -> bool {
        self.days.first().is_some_and(|d| d.plan.has_call_types())
    }
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

/// Rosters the requirement of agent group `group`: with tour rules, the week's tours (and
/// their shifts as a [`Solved`]), else the covering program's shifts.
fn solve_group(
    req: &Requirement,
    rules: &ShiftRules,
    agent_per_hour: Option<f64>,
    group: usize,
) -> Result<(Solved, Option<tours::TourRoster>), RosterError> {
    let Some(tour_rules) = &rules.tours else {
        return Ok((solve(req, rules, agent_per_hour)?, None));
    };
    let shifts = grid::candidates(req, rules, agent_per_hour)?;
    let t = tours::solve(req, &shifts, tour_rules, group)?;
    Ok((t.solved(req), Some(t)))
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

/// A day on the roster's grid: its name, the factor on its calls, and for each of the
/// scenario's intervals the interval of the grid it is.
type DayOnGrid = (String, f64, Vec<usize>);

/// The grid of `scenario` under `rules` and where its days lie on it: its working day, or a
/// week of 7 × 24 h from Monday 00:00 in which each weekday is the working day with its calls
/// scaled by that day's factor in `[roster] week`. Each day: its name (`day`, or `Mon` …
/// `Sun`), the factor on its calls, and for each of the scenario's intervals the interval of
/// the grid it is.
fn layout(
    scenario: &Scenario,
    rules: &ShiftRules,
) -> Result<(Requirement, Vec<DayOnGrid>), RosterError> {
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
        return Ok((
            Requirement::day(i_s, open_s, vec![0; n]),
            vec![("day".into(), 1.0, (0..n).collect())],
        ));
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
    Ok((grid, days))
}

/// Plans the day(s) of `scenario` under `rules` with `options` (one day, or each weekday of a
/// week, days with the same factor on their calls planned once): the roster's grid and its
/// days, not yet checked. Runs on the current rayon pool.
pub fn plan_days(
    scenario: &Scenario,
    rules: &ShiftRules,
    options: &PlanOptions,
) -> Result<(Requirement, Vec<DayCheck>), RosterError> {
    let (grid, layout) = layout(scenario, rules)?;
    let mut days: Vec<DayCheck> = Vec::with_capacity(layout.len());
    let mut factors: Vec<f64> = Vec::with_capacity(layout.len());
    for (day, factor, slots) in layout {
        let plan = match factors.iter().position(|&f| f == factor) {
            Some(e) => days[e].plan.clone(),
            None if factor == 1.0 => crate::plan::plan(scenario, options)?,
            None => crate::plan::plan(&scaled(scenario, factor), options)?,
        };
        factors.push(factor);
        days.push(DayCheck {
            day,
            plan,
            slots,
            check: None,
            days_met: Vec::new(),
            short: None,
        });
    }
    Ok((grid, days))
}

/// Each agent group's requirement on `grid`: the heads its plan schedules in each interval of
/// each day (planned agents ÷ (1 − shrinkage), rounded up), none outside the days.
pub fn requirements(grid: &Requirement, days: &[DayCheck]) -> Vec<Requirement> {
    let groups = days
        .first()
        .map_or(0, |d| d.plan.planned.first().map_or(0, Vec::len));
    (0..groups)
        .map(|g| {
            let mut req = grid.clone();
            for day in days {
                for (k, &t) in day.slots.iter().enumerate() {
                    req.heads[t] = day.plan.scheduled[k][g];
                }
            }
            req
        })
        .collect()
}

/// The agent groups' names: a single queue's one group is `agents`.
fn group_names(scenario: &Scenario) -> Vec<String> {
    match &scenario.skills {
        Some(model) => model.groups.iter().map(|g| g.name.clone()).collect(),
        None => vec!["agents".into()],
    }
}

/// Rosters the planned `days` of `scenario` on `grid` under `rules`: each group its own
/// covering program (a group's people take only its skills; the programs share no variable,
/// so their optima add up to the optimum of the whole roster, and `max_shift_types` counts
/// per group), then, with `check`, every day simulated with the roster's coverage.
pub fn roster_days(
    scenario: &Scenario,
    grid: Requirement,
    mut days: Vec<DayCheck>,
    rules: &ShiftRules,
    check: bool,
) -> Result<Roster, RosterError> {
    let agent_per_hour = scenario.costs.map(|c| c.agent_per_hour);
    let started = std::time::Instant::now();
    let groups = group_names(scenario)
        .into_iter()
        .zip(requirements(&grid, &days))
        .enumerate()
        .map(
            |(g, (name, requirement))| match solve_group(&requirement, rules, agent_per_hour, g) {
                Ok((solved, tours)) => Ok(GroupRoster {
                    name,
                    requirement,
                    solved,
                    tours,
                }),
                Err(e) if scenario.skills.is_some() => Err(RosterError::Group {
                    group: name,
                    error: Box::new(e),
                }),
                Err(e) => Err(e),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let solve_s = started.elapsed().as_secs_f64();
    let shrinkage = days.first().map_or(0.0, |d| d.plan.shrinkage);
    if check {
        check::check_days(&mut days, &check::covered(&groups), shrinkage)?;
    }
    Ok(Roster {
        name: scenario.name.clone(),
        grid,
        rules: rules.clone(),
        shrinkage,
        groups,
        days,
        solve_s,
    })
}

/// Plans, rosters and checks `scenario` with `rules`: the whole pipeline of `callsim roster
/// FILE` for a scenario file, one queue or call types and agent groups. `check` simulates
/// the roster.
pub fn roster_scenario(
    scenario: &Scenario,
    rules: &ShiftRules,
    options: &PlanOptions,
    check: bool,
) -> Result<Roster, RosterError> {
    let (grid, days) = plan_days(scenario, rules, options)?;
    roster_days(scenario, grid, days, rules, check)
}

#[cfg(test)]
mod tests;
