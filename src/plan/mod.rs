//! The staffing planner: how many agents each interval needs to meet the targets (or to
//! cost the least), found by simulation rather than by formula alone.
//!
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
//!    reported KPIs are those of an independent run that meets every target.
//! 4. **Cost** (`Goal::Cost`, [`cost`]): total cost (agents + telephony + proactive + lost
//!    customers) minimised over the per-interval staffing, never below the plan for the hard
//!    targets if any are given; the cost curve of the whole staffing shifted around the optimum.
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
pub mod refine;
pub mod skills;

pub use cost::CostPoint;

/// Moves along the fresh-seed cost curve at most, in cost optimisation.
const MAX_CURVE_MOVES: usize = 5;

use crate::erlang::{ErlangError, Model, Targets, scheduled_agents};
use crate::model::Scenario;
use crate::simulate::ScenarioResult;
use crate::stats::{Kpi, MeanCi};
use evaluate::{Evaluator, fresh_seed};
use guide::Guide;
use refine::{Bounds, missing};

/// Rounds of the final check (each may raise the intervals that missed) before giving up.
const MAX_CHECK_ROUNDS: usize = 20;

/// What can go wrong while planning.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A target, the threshold or the shrinkage is out of range, or the analytic start failed.
    #[error("{0}")]
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
    #[error("{0}")]
    Run(#[from] crate::simulate::RunError),
}

/// How a simulated KPI is read against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Criterion {
    /// The mean over replications meets the target.
    #[default]
    Mean,
    /// The whole 95% confidence interval meets it (the pessimistic end).
    Ci95,
}

impl Criterion {
    /// The value compared with a minimum (service level).
    pub fn low(self, v: MeanCi) -> f64 {
        match self {
            Criterion::Mean => v.mean,
            Criterion::Ci95 => v.mean - finite_or_zero(v.ci95),
        }
    }

    /// The value compared with a maximum (abandonment, ASA, occupancy).
    pub fn high(self, v: MeanCi) -> f64 {
        match self {
            Criterion::Mean => v.mean,
            Criterion::Ci95 => v.mean + finite_or_zero(v.ci95),
        }
    }

    /// `"mean"` or `"ci95"`.
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Mean => "mean",
            Criterion::Ci95 => "ci95",
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
        }
    }
}

/// A staffing plan, checked with fresh seeds.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The options it was made with (targets, criterion, goal).
    pub options: PlanOptions,
    /// Erlang A or C, as used for the analytic start.
    pub model: Model,
    /// Offered load of each interval, Erlangs (arrival rate × mean handle time).
    pub load_erlangs: Vec<f64>,
    /// The Erlang requirement of each interval: agents on the phones.
    pub erlang_agents: Vec<u32>,
    /// The plan: agents on the phones in each interval.
    pub planned_agents: Vec<u32>,
    /// Heads to schedule in each interval: planned ÷ (1 − shrinkage), rounded up.
    pub scheduled_agents: Vec<u32>,
    /// Shrinkage used, a share of paid time.
    pub shrinkage: f64,
    /// Seed of the refinement (the scenario's); the final check's is in `check.scenario`.
    pub seed: u64,
    /// The final check: the plan simulated with fresh seeds (its scenario holds the plan).
    pub check: ScenarioResult,
    /// Whole-day simulations with the refinement's seeds.
    pub evaluations: usize,
    /// Rounds of the refinement (targets), of the cost search, and of the final check.
    pub rounds: usize,
    /// Intervals the final check found short and raised (counted once per raise).
    pub raised_by_check: usize,
    /// The plan for the targets alone, when the goal is cost and hard targets were given.
    pub targets_plan: Option<Vec<u32>>,
    /// Total cost of the staffing shifted by −3 … +3 agents in every interval (cost goal).
    pub cost_curve: Vec<CostPoint>,
}

impl Plan {
    /// Agent-hours on the phones over the day (planned agents × interval length).
    pub fn agent_hours(&self) -> f64 {
        self.hours(&self.planned_agents)
    }

    /// Scheduled agent-hours over the day (heads × interval length).
    pub fn scheduled_hours(&self) -> f64 {
        self.hours(&self.scheduled_agents)
    }

    /// Agent-hours of the Erlang requirement.
    pub fn erlang_hours(&self) -> f64 {
        self.hours(&self.erlang_agents)
    }

    fn hours(&self, agents: &[u32]) -> f64 {
        let sum: u64 = agents.iter().map(|&a| u64::from(a)).sum();
        sum as f64 * self.check.scenario.interval_s / 3600.0
    }

    /// Total cost of the day in the final check (with `[costs]`).
    pub fn cost_per_day(&self) -> Option<MeanCi> {
        self.check.total.get(Kpi::TotalCost)
    }
}

/// Checks the options against the scenario.
fn validate(scenario: &Scenario, options: &PlanOptions) -> Result<f64, PlanError> {
    if scenario.skills.is_some() {
        return Err(PlanError::Invalid(format!(
            "{} has several call types: plan it with skills::plan_skills (each type's own \
             target, agents per group)",
            scenario.name
        )));
    }
    let t = &options.targets;
    if options.goal == Goal::Targets || t.any() {
        t.validate()?;
    } else if !(t.threshold_s.is_finite() && t.threshold_s >= 0.0) {
        return Err(PlanError::Invalid(format!(
            "the service-level threshold must be a number of seconds >= 0 (e.g. 20s), got {}",
            t.threshold_s
        )));
    }
    if options.replications < 2 {
        return Err(PlanError::Invalid(format!(
            "the planner needs at least 2 replications per evaluation (10 is a good start), got {}",
            options.replications
        )));
    }
    if options.goal == Goal::Cost && scenario.costs.is_none() {
        return Err(PlanError::Invalid(format!(
            "--optimize cost needs prices: add a [costs] section to the scenario {} \
             (agent_per_hour, shrinkage, per_minute, lost_customer_value, churn)",
            scenario.name
        )));
    }
    let shrinkage = options
        .shrinkage
        .or(scenario.costs.map(|c| c.shrinkage))
        .unwrap_or(0.0);
    scheduled_agents(1, shrinkage)?;
    Ok(shrinkage)
}

/// Plans the staffing of `scenario` (its `agents` are ignored; its seed drives the
/// refinement, a seed derived from it the final check). Runs on the current rayon pool.
pub fn plan(scenario: &Scenario, options: &PlanOptions) -> Result<Plan, PlanError> {
    let shrinkage = validate(scenario, options)?;
    let mut base = scenario.clone();
    base.service_level.threshold_s = options.targets.threshold_s;
    base.replications = options.replications;
    let guide = Guide::new(&base, options.targets, options.criterion)?;
    let n = base.intervals();
    let min_agents = options.min_agents.max(1);
    let fallback = Targets {
        service_level: Some(scenario.service_level.target),
        ..Targets::new(options.targets.threshold_s)
    };
    let erlang_agents = guide.requirement(&fallback, min_agents)?;
    let floor = vec![min_agents; n];
    let cap: Vec<u32> = erlang_agents
        .iter()
        .enumerate()
        .map(|(k, &e)| {
            let by_load = (guide.load(k) * 4.0).ceil().min(f64::from(u32::MAX / 2)) as u32;
            e.saturating_mul(4).max(by_load).saturating_add(50)
        })
        .collect();
    let mut eval = Evaluator::new(base.clone());
    let mut rounds = 0;
    let needs_refinement = options.goal == Goal::Targets || options.targets.any();
    let targets_plan = if needs_refinement {
        let bounds = Bounds {
            floor: &floor,
            cap: &cap,
        };
        let refined = refine::refine(&guide, &mut eval, erlang_agents.clone(), &bounds)?;
        rounds += refined.rounds;
        Some(refined.agents)
    } else {
        None
    };
    let mut fresh = base.clone();
    fresh.seed = fresh_seed(base.seed);
    let mut check_eval = Evaluator::new(fresh);
    let (mut agents, cost_curve) = match options.goal {
        Goal::Targets => (targets_plan.clone().unwrap_or_default(), Vec::new()),
        Goal::Cost => {
            let (floor, start) = match &targets_plan {
                Some(p) => (p.clone(), p.clone()),
                None => (floor.clone(), erlang_agents.clone()),
            };
            let found = cost::minimise(&mut eval, start, &floor, &cap)?;
            rounds += found.rounds;
            // Follow the fresh-seed cost curve while its cheapest point is a shift away; an
            // optimum at the curve's edge may lie further, so the curve is drawn again there.
            let mut agents = found.agents;
            let mut curve = cost::curve(&mut check_eval, &agents, min_agents)?;
            for _ in 0..MAX_CURVE_MOVES {
                let (moved, shift) = cost::follow_curve(&agents, &curve, &floor, &cap);
                if shift == 0 {
                    break;
                }
                agents = moved;
                curve = cost::curve(&mut check_eval, &agents, min_agents)?;
            }
            (agents, curve)
        }
    };
    // Final check with fresh seeds; raise what misses there.
    let mut raised_by_check = 0;
    let mut check_rounds = 0;
    let check = loop {
        rounds += 1;
        check_rounds += 1;
        let result = check_eval.run(&agents)?;
        let miss = missing(&guide, &result);
        if miss.is_empty() {
            break result;
        }
        if check_rounds >= MAX_CHECK_ROUNDS {
            return Err(PlanError::Infeasible {
                interval: miss[0],
                agents: agents[miss[0]],
            });
        }
        raised_by_check += miss.len();
        // Misses with fresh callers are of the size of the noise: one agent at a time.
        for &k in &miss {
            if agents[k] >= cap[k] {
                return Err(PlanError::Infeasible {
                    interval: k,
                    agents: agents[k],
                });
            }
            agents[k] += 1;
        }
    };
    let scheduled = agents
        .iter()
        .map(|&a| scheduled_agents(a, shrinkage))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        options: options.clone(),
        model: guide.model(),
        load_erlangs: (0..n).map(|k| guide.load(k)).collect(),
        erlang_agents,
        planned_agents: agents,
        scheduled_agents: scheduled,
        shrinkage,
        seed: base.seed,
        check,
        evaluations: eval.evaluations + check_eval.evaluations,
        rounds,
        raised_by_check,
        targets_plan: if options.goal == Goal::Cost {
            targets_plan
        } else {
            None
        },
        cost_curve,
    })
}

#[cfg(test)]
mod tests;
