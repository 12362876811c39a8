//! The staffing planner: how many agents each interval needs to meet the targets (or to
//! cost the least), found by simulation rather than by formula alone. One entry point,
//! [`plan`], for every center: a single queue is one call type served by one agent group, and
//! one [`Plan`] (agents per interval and group) is what it returns, whatever the center.
//!
//! **One queue** ([`queue`]):
//! 1. **Analytic start**: each interval as a stationary Erlang queue of its own (Erlang A
//!    with the mean patience; Erlang C without patience) gives the classic requirement
//!    ([`Plan::erlang_agents`]).
//! 2. **Refinement** ([`refine`]): the whole day is simulated with the current staffing,
//!    always with the same seeds (common random numbers), so that two staffings differ only by
//!    their effect. Intervals that miss a target are raised, those with room to spare lowered,
//!    by the step Erlang predicts, until no interval misses and none can be lowered. Whatever
//!    carries across intervals (a backlog after a peak, retrials, callbacks) is in the
//!    simulation, not in the formula.
//! 3. **Final check**: the plan is simulated again with fresh seeds (callers the refinement
//!    never saw); an interval that misses there is raised and the check repeated, so the
//!    reported KPIs are those of an independent run that meets every target. At a precision
//!    ([`PlanOptions::precision`]) the check is topped up with more fresh days while its
//!    widest interval is less precise than asked, up to the maximum (`check_precision`).
//! 4. **Cost** (`Goal::Cost`, [`cost`]): total cost (agents + telephony + proactive + lost
//!    customers) minimised over the per-interval staffing, never below the plan for the hard
//!    targets if any are given; the cost curve of the whole staffing shifted around the optimum.
//!
//! **Call types and agent groups** ([`skills`]): each type's Erlang need, the split-capacity
//! program's agents per group as the start, a refinement by simulation, a fresh-seed check.
//! Each type's target is its own `[[call_type]]` service level, met by the mean, with the
//! fewest agents: the options this planner cannot honour (the cost goal, the 95% CI
//! criterion, abandonment, ASA and occupancy limits, a center-wide target) are a
//! [`PlanError::NotForCallTypes`], never ignored.
//!
//! **What "meets" means**: an interval meets a target when the mean over replications of its
//! KPI does ([`Criterion::Mean`]), or, more cautiously, when the whole 95% confidence interval
//! does ([`Criterion::Ci95`]: the lower bound of the service level, the upper bound of
//! abandonment, ASA and occupancy). An interval without calls meets every target. The KPIs are
//! those of `callsim run`: service level = answered within the threshold ÷ (offered − callbacks
//! accepted), abandonment = abandoned ÷ offered, ASA in seconds, occupancy = busy ÷ available
//! agent time.

pub mod cost;
mod evaluate;
mod guide;
pub mod output;
pub mod queue;
pub mod refine;
pub mod skills;

pub use cost::CostPoint;
pub use evaluate::DayJudge;

use crate::erlang::{ErlangError, Model, Targets, scheduled_agents};
use crate::model::Scenario;
use crate::simulate::{KpiSet, ScenarioResult};
use crate::stats::precision::{HalfWidth, PrecisionReached, replications_to_reach};
use crate::stats::{Kpi, MeanCi, Precision};

/// The KPIs an interval is planned by: the service level, and the limits on abandonment,
/// ASA and occupancy.
pub const PLANNED_KPIS: [Kpi; 4] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaS,
    Kpi::Occupancy,
];

/// What can go wrong while planning.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A target, the threshold or the shrinkage is out of range, or the analytic start failed.
    #[error(transparent)]
    Erlang(#[from] ErlangError),
    /// The options do not make sense together.
    #[error("{0}")]
    Invalid(String),
    /// No staffing up to the search limit meets the targets in one interval.
    #[error(
        "interval {interval} still misses the targets with {agents} agents, the most the planner \
         tries; loosen the targets (--target-sl, --max-abandon, --max-asa, --max-occupancy) or \
         check what limits it in the scenario ([lines] that block calls, or a service level \
         that abandonment makes unreachable)"
    )]
    Infeasible {
        /// The interval (0-based).
        interval: usize,
        /// Agents reached.
        agents: u32,
    },
    /// A simulated staffing ran away (see [`crate::simulate::RunError`]).
    #[error(transparent)]
    Run(#[from] crate::simulate::RunError),
    /// An option the plan of a center with call types cannot honour: there each type's
    /// target is its own, met by the mean over replications, with the fewest agents.
    #[error(
        "{scenario} has several call types: {option} applies to a plan of one queue (each \
         call type's target is its own [[call_type]] service_level, met by the mean over \
         replications, with the fewest agents)"
    )]
    NotForCallTypes {
        /// The scenario's name.
        scenario: String,
        /// The option, in words and as the command line spells it.
        option: &'static str,
    },
}

/// How a simulated KPI is read against its target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Criterion {
    /// The mean over replications meets the target.
    #[default]
    Mean,
    /// The whole 95% confidence interval meets it (the pessimistic end).
    Ci95,
    /// Each target is met on at least this share of the simulated days, in (0, 1): in each
    /// interval, the service level is at least its target on that share of days (and each
    /// limit, abandonment, ASA, occupancy, is kept on that share of days). A day without calls
    /// in the interval meets every target. With the day-level busyness of a forecast, this
    /// staffs for most days rather than for the average day.
    ShareOfDays(f64),
}

impl Criterion {
    /// The value compared with a minimum (service level). For [`Criterion::ShareOfDays`] the
    /// value read is already the day quantile (from the evaluation's day values, in
    /// `plan::evaluate`), so it is taken as is.
    pub fn low(self, v: MeanCi) -> f64 {
        match self {
            Criterion::Mean | Criterion::ShareOfDays(_) => v.mean,
            Criterion::Ci95 => v.mean - finite_or_zero(v.ci95),
        }
    }

    /// The value compared with a maximum (abandonment, ASA, occupancy).
    pub fn high(self, v: MeanCi) -> f64 {
        match self {
            Criterion::Mean | Criterion::ShareOfDays(_) => v.mean,
            Criterion::Ci95 => v.mean + finite_or_zero(v.ci95),
        }
    }

    /// `"mean"`, `"ci95"` or `"days"` (as in plan.json).
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Mean => "mean",
            Criterion::Ci95 => "ci95",
            Criterion::ShareOfDays(_) => "days",
        }
    }

    /// The share of days of [`Criterion::ShareOfDays`]; `None` for the others.
    pub fn share_of_days(self) -> Option<f64> {
        match self {
            Criterion::ShareOfDays(p) => Some(p),
            _ => None,
        }
    }

    /// In words, for tables: "mean", "95% CI", "90% of days".
    pub fn describe(self) -> String {
        match self {
            Criterion::Mean => "mean".into(),
            Criterion::Ci95 => "95% CI".into(),
            Criterion::ShareOfDays(p) => {
                let pct = format!("{:.1}", p * 100.0);
                format!("{}% of days", pct.trim_end_matches(".0"))
            }
        }
    }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// What the plan optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Goal {
    /// The fewest agents that meet the targets.
    #[default]
    Targets,
    /// The least total cost; the targets (if any) are hard constraints. Needs `[costs]`.
    Cost,
}

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Threshold (seconds) and targets. With [`Goal::Targets`] at least one target must be
    /// set; with [`Goal::Cost`] the targets set are hard constraints, and none is fine.
    pub targets: Targets,
    /// How a simulated KPI is read against its target.
    pub criterion: Criterion,
    /// Fewest agents or least cost.
    pub goal: Goal,
    /// Replications per evaluation of a staffing (the final check uses as many).
    pub replications: u32,
    /// Share of paid time off the phones, in [0, 1), for scheduled agents; `None`: that of
    /// `[costs]`, or 0 without it.
    pub shrinkage: Option<f64>,
    /// Fewest agents on the phones in any interval (at least 1).
    pub min_agents: u32,
    /// The 95% half-width each interval's KPIs must reach in the final check (`plan
    /// --precision`, see `check_precision`): the check is topped up with fresh days until
    /// the widest interval is that precise or the maximum of replications is reached. `None`:
    /// the check runs `replications` days.
    pub precision: Option<Precision>,
}

impl PlanOptions {
    /// Options with the scenario's service-level goal as the only target.
    pub fn for_scenario(scenario: &Scenario) -> Self {
        Self {
            targets: Targets {
                service_level: Some(scenario.service_level.target),
                ..Targets::new(scenario.service_level.threshold_s)
            },
            criterion: Criterion::Mean,
            goal: Goal::Targets,
            replications: scenario.replications,
            shrinkage: None,
            min_agents: 1,
            precision: None,
        }
    }
}

/// A staffing plan of any center, checked with fresh seeds: agents per interval and agent
/// group (a single queue is one call type served by one group). Matrices are indexed
/// `[interval][group]` or `[interval][call type]`; the `*_agents()` and `*_hours()` methods
/// give the totals over groups (or types) that a single queue reads as its own.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The options it was made with (targets, criterion, goal).
    pub options: PlanOptions,
    /// Erlang A (with the mean patience) or C of each call type's analytic need.
    pub models: Vec<Model>,
    /// `loads[k][t]`: offered load of type `t` in interval `k`, Erlangs (arrival rate × mean
    /// handle time).
    pub loads: Vec<Vec<f64>>,
    /// `needs[k][t]`: agents on the phones type `t` needs on its own in interval `k` by
    /// Erlang (one queue: against every target of the options, at least their minimum; call
    /// types: against the type's own service level), as if each queue were planned separately.
    pub needs: Vec<Vec<u32>>,
    /// `start[k][g]`: the analytic start of group `g` in interval `k`: one queue, its Erlang
    /// need; call types, the split-capacity program's agents (see [`skills`]).
    pub start: Vec<Vec<u32>>,
    /// `planned[k][g]`: the plan, agents of group `g` on the phones in interval `k`.
    pub planned: Vec<Vec<u32>>,
    /// `scheduled[k][g]`: heads to schedule, planned ÷ (1 − shrinkage), rounded up.
    pub scheduled: Vec<Vec<u32>>,
    /// Shrinkage used, a share of paid time.
    pub shrinkage: f64,
    /// Seed of the refinement (the scenario's); the final check's is in `check.scenario`.
    pub seed: u64,
    /// The final check: the plan simulated with fresh seeds (its scenario holds the plan).
    pub check: ScenarioResult,
    /// Per interval, the share of the final check's days on which it met every target at
    /// once (one queue with targets; empty for call types and for a cost plan without one).
    pub days_met: Vec<f64>,
    /// With [`PlanOptions::precision`]: how precise the final check's widest interval got
    /// (its replications, each KPI's widest 95% half-width against the one allowed, met or
    /// not); see `check_precision`.
    pub precision: Option<PrecisionReached>,
    /// Whole-day simulations run (refinement, cost search and final check; a top-up of the
    /// final check counts as one).
    pub evaluations: usize,
    /// Days (replications) the final check simulated in all, each once: a top-up runs only
    /// the days it adds, and a staffing raised by the check is checked again from the first
    /// day (one queue). Without a raise, the final check's replications.
    pub check_days_run: u64,
    /// Intervals the final check found short and raised (counted once per raise; one queue).
    pub raised_by_check: usize,
    /// True when the refinement stopped lowering at its cap of simulations (call types).
    pub capped: bool,
    /// Agents per interval of the plan for the hard targets alone, when the goal is cost and
    /// hard targets were given (one queue: call types have no cost goal).
    pub targets_plan: Option<Vec<u32>>,
    /// Total cost of the staffing shifted by −3 … +3 agents in every interval (cost goal, one
    /// queue).
    pub cost_curve: Vec<CostPoint>,
}

/// The total of each row: agents per interval over groups (or types).
fn totals(rows: &[Vec<u32>]) -> Vec<u32> {
    rows.iter().map(|row| row.iter().sum()).collect()
}

/// A per-interval column as rows of one group (or type).
fn column<T: Copy>(values: &[T]) -> Vec<Vec<T>> {
    values.iter().map(|&v| vec![v]).collect()
}

impl Plan {
    /// True for a center with call types and agent groups (files `plan-groups.csv` and
    /// `plan-types.csv`); false for one queue (`plan.csv`, `plan.json`).
    pub fn has_call_types(&self) -> bool {
        self.check.scenario.skills.is_some()
    }

    /// Agents on the phones in each interval, every group together.
    pub fn planned_agents(&self) -> Vec<u32> {
        totals(&self.planned)
    }

    /// Heads to schedule in each interval, every group together.
    pub fn scheduled_agents(&self) -> Vec<u32> {
        totals(&self.scheduled)
    }

    /// The Erlang need of each interval, every type planned on its own and added up (one
    /// queue: the classic Erlang requirement).
    pub fn erlang_agents(&self) -> Vec<u32> {
        totals(&self.needs)
    }

    /// Offered load of each interval, Erlangs, every type together.
    pub fn load_erlangs(&self) -> Vec<f64> {
        self.loads.iter().map(|row| row.iter().sum()).collect()
    }

    /// Agent-hours on the phones over the day (planned agents × interval length).
    pub fn agent_hours(&self) -> f64 {
        self.hours(&self.planned)
    }

    /// Scheduled agent-hours over the day (heads × interval length).
    pub fn scheduled_hours(&self) -> f64 {
        self.hours(&self.scheduled)
    }

    /// Agent-hours of the Erlang needs (each queue planned separately).
    pub fn erlang_hours(&self) -> f64 {
        self.hours(&self.needs)
    }

    /// Agent-hours over the day of a staffing `[interval][group]` of this plan's day.
    pub fn hours(&self, staffing: &[Vec<u32>]) -> f64 {
        let sum: u64 = staffing.iter().flatten().map(|&a| u64::from(a)).sum();
        sum as f64 * self.check.scenario.interval_s / 3600.0
    }

    /// The service-level target intervals are held to: the plan's own, else (a cost plan
    /// with no hard target) the scenario's `[service_level]` target, shown for reference.
    pub fn service_level_target(&self) -> f64 {
        self.options
            .targets
            .service_level
            .unwrap_or(self.check.scenario.service_level.target)
    }

    /// A judge of days against this plan's targets and criterion, as its final check judges
    /// its own ([`Plan::days_met`], the intervals it raises): for another staffing simulated
    /// with the final check's seeds (a roster's check). `None` where the plan judges no days
    /// (call types, or a cost plan without a target).
    pub fn day_judge(&self) -> Result<Option<DayJudge>, PlanError> {
        if self.days_met.is_empty() {
            return Ok(None);
        }
        let guide = guide::Guide::new(
            &self.check.scenario,
            self.options.targets,
            self.options.criterion,
        )?;
        Ok(Some(DayJudge::new(guide, self.days_met.len())))
    }

    /// Total cost of the day in the final check (with `[costs]`).
    pub fn cost_per_day(&self) -> Option<MeanCi> {
        self.check.total.get(Kpi::TotalCost)
    }
}

/// The note on stderr of a command that plans a scenario `file` holding its own `[precision]`
/// (`callsim plan`, `callsim roster`), which [`plan`] ignores: that section asks for the
/// whole day's KPIs of `callsim run`, a plan judges each interval. `instead`: what the command
/// does instead (the replications it simulates, or the precision it is held to).
pub fn own_precision_note(file: &std::path::Path, instead: &str) -> String {
    format!(
        "note: the [precision] of {} is for `callsim run` (the whole day's KPIs), not for a \
         plan: {instead}",
        file.display()
    )
}

/// Plans the staffing of `scenario`, one queue or call types and agent groups (its staffing
/// is ignored; its seed drives the refinement, a seed derived from it the final check). Its
/// own `[precision]` is ignored too: it asks for the whole day's KPIs of `callsim run`, a plan
/// judges each interval; every evaluation runs `options.replications` days, and only
/// `options.precision` holds the final check to a precision. Runs on the current rayon pool.
pub fn plan(scenario: &Scenario, options: &PlanOptions) -> Result<Plan, PlanError> {
    let mut scenario = scenario.clone();
    scenario.precision = None;
    match &scenario.skills {
        None => queue::plan_queue(&scenario, options),
        Some(model) => skills::plan_types(&scenario, model, options),
    }
}

/// How many replications a plan needs for its intervals' KPIs to be as precise as asked
/// (`plan --precision`): a pilot simulates the plan's analytic start with the options'
/// replications and the scenario's seed; each named KPI's widest 95% half-width over the
/// intervals (and, with call types, over the types; see [`precision_reached`]) scales the
/// replications by (widest ÷ allowed)² and a tenth more, at least the pilot's, at most the
/// maximum. The final check then tops itself up if its own widest interval falls short
/// (`check_precision`).
#[derive(Debug, Clone, PartialEq)]
pub struct PilotPrecision {
    /// Replications the plan should use for every evaluation (and its final check, to start).
    pub replications: u32,
    /// The pilot: its replications, each named KPI's widest half-width against the one
    /// allowed (in the KPI's unit).
    pub pilot: PrecisionReached,
}

/// The replications a plan of `scenario` needs for `precision` (see [`PilotPrecision`]);
/// the KPIs an interval is planned by: service level, abandonment, ASA, occupancy (call
/// types: each type's service level).
pub fn replications_for(
    scenario: &Scenario,
    options: &PlanOptions,
    precision: &Precision,
) -> Result<PilotPrecision, PlanError> {
    check_replications(options)?;
    let mut pilot = match &scenario.skills {
        None => {
            let mut sc = scenario.clone();
            sc.agents = queue::pilot_staffing(scenario, options)?;
            sc
        }
        Some(model) => skills::staffed(scenario, &skills::pilot_staffing(scenario, model)?),
    };
    pilot.service_level.threshold_s = options.targets.threshold_s;
    pilot.replications = options.replications;
    pilot.precision = None;
    let result = crate::simulate::simulate_one(&pilot)?;
    let reached = precision_reached(&result, precision);
    let n = f64::from(options.replications);
    let max = f64::from(precision.max_replications);
    let needed = reached
        .kpis
        .iter()
        .map(|&(_, _, allowed, hw)| match hw > allowed {
            // precise enough already, or no interval with a band to size from
            false => n,
            true if allowed > 0.0 => replications_to_reach(n, hw, allowed),
            true => max,
        })
        .fold(n, f64::max)
        .ceil()
        .min(max);
    Ok(PilotPrecision {
        replications: needed as u32,
        pilot: reached,
    })
}

/// Every interval's KPIs in `result`: the center's, or with call types each type's.
fn interval_sets(result: &ScenarioResult) -> Vec<&KpiSet> {
    match &result.skills {
        None => result.intervals.iter().collect(),
        Some(s) => s.by_type.iter().flat_map(|t| t.intervals.iter()).collect(),
    }
}

/// How far a 95% half-width `hw` is from the one `allowed` (a ratio; above 1: too wide).
/// A band of zero is never too wide, even where nothing is allowed (a relative half-width of
/// a KPI whose mean is 0); a band where nothing is allowed is infinitely too wide.
fn excess(hw: f64, allowed: f64) -> f64 {
    if hw == 0.0 { 0.0 } else { hw / allowed }
}

/// The interval's `kpi` (mean and 95% half-width) whose band is the widest against the
/// half-width `half` allows around its own mean; intervals without a band (no calls, or a
/// single day with calls) are left out. `None` when no interval has one.
fn widest_interval(sets: &[&KpiSet], kpi: Kpi, half: HalfWidth) -> Option<MeanCi> {
    sets.iter()
        .filter_map(|set| set.get(kpi))
        .filter(|v| v.ci95.is_finite() && v.mean.is_finite())
        .max_by(|a, b| {
            excess(a.ci95, half.allowed(a.mean)).total_cmp(&excess(b.ci95, half.allowed(b.mean)))
        })
}

/// Where the intervals of `result` stand against `precision`: for each named KPI, the widest
/// interval's 95% half-width against the one allowed there (with call types, over every
/// type's intervals), judged by the rule of runs to a precision ([`Precision::reached`]): met
/// when every interval's band is within what is asked; a KPI no interval has a band for
/// counts as met.
pub fn precision_reached(result: &ScenarioResult, precision: &Precision) -> PrecisionReached {
    let sets = interval_sets(result);
    precision.reached(result.scenario.replications, |kpi| {
        let &(_, half) = precision.targets.iter().find(|(k, _)| *k == kpi)?;
        widest_interval(&sets, kpi, half)
    })
}

/// The final check's precision (`options.precision`) after a check of `result`: where its
/// widest intervals stand, and, when they are too wide and the maximum allows, the
/// replications to top the check up to (the rule of runs to a precision,
/// [`Precision::next_total`]: at most twice the days so far, at least 10 more). `(None,
/// None)` without a precision.
pub(crate) fn check_precision(
    options: &PlanOptions,
    result: &ScenarioResult,
) -> (Option<PrecisionReached>, Option<u32>) {
    let Some(precision) = &options.precision else {
        return (None, None);
    };
    let reached = precision_reached(result, precision);
    let more = (!reached.met)
        .then(|| precision.next_total(&reached))
        .filter(|&n| n > reached.replications);
    (Some(reached), more)
}

/// Checks the replications of `options`.
fn check_replications(options: &PlanOptions) -> Result<(), PlanError> {
    if options.replications < 2 {
        return Err(PlanError::Invalid(format!(
            "the planner needs at least 2 replications per evaluation (10 is a good start), got {}",
            options.replications
        )));
    }
    Ok(())
}

/// The shrinkage of `options` (else that of `[costs]`, else 0), checked.
fn shrinkage_of(scenario: &Scenario, options: &PlanOptions) -> Result<f64, PlanError> {
    let shrinkage = options
        .shrinkage
        .or(scenario.costs.map(|c| c.shrinkage))
        .unwrap_or(0.0);
    scheduled_agents(1, shrinkage)?;
    Ok(shrinkage)
}

/// Heads to schedule for each of `planned[k][g]`, with `shrinkage`.
fn scheduled_of(planned: &[Vec<u32>], shrinkage: f64) -> Result<Vec<Vec<u32>>, PlanError> {
    planned
        .iter()
        .map(|row| {
            row.iter()
                .map(|&a| scheduled_agents(a, shrinkage))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()
        .map_err(PlanError::from)
}
#[cfg(test)]
mod tests;
