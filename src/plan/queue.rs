//! The plan of a single queue (one call type, one agent group): the Erlang start, the
//! simulation refinement against the targets, the cost search, the final check with fresh
//! seeds (see the steps in [`super`]).

use super::evaluate::{Evaluator, fresh_seed};
use super::guide::Guide;
use super::refine::{self, Bounds, missing};
use super::{
    Criterion, Goal, Plan, PlanError, PlanOptions, check_precision, check_replications, column,
    cost, scheduled_of, shrinkage_of,
};
use crate::erlang::Targets;
use crate::model::Scenario;
use crate::model::arrivals::busyness_quantile;

/// Moves along the fresh-seed cost curve at most, in cost optimisation.
const MAX_CURVE_MOVES: usize = 5;

/// Rounds of the final check (each may raise the intervals that missed) before giving up.
const MAX_CHECK_ROUNDS: usize = 20;

/// Checks the options against the single-queue `scenario`; returns the shrinkage.
fn validate(scenario: &Scenario, options: &PlanOptions) -> Result<f64, PlanError> {
    let t = &options.targets;
    if options.goal == Goal::Targets || t.any() {
        t.validate()?;
    } else if !(t.threshold_s.is_finite() && t.threshold_s >= 0.0) {
        return Err(PlanError::Invalid(format!(
            "the service-level threshold must be a number of seconds >= 0 (e.g. 20s), got {}",
            t.threshold_s
        )));
    }
    check_replications(options)?;
    if options.goal == Goal::Cost && scenario.costs.is_none() {
        return Err(PlanError::Invalid(format!(
            "--optimize cost needs prices: add a [costs] section to the scenario {} \
             (agent_per_hour, shrinkage, per_minute, lost_customer_value, churn)",
            scenario.name
        )));
    }
    shrinkage_of(scenario, options)
}

/// Plans the single-queue `scenario` (see [`super::plan`]).
pub(super) fn plan_queue(scenario: &Scenario, options: &PlanOptions) -> Result<Plan, PlanError> {
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
    // Staffing for a share of days starts from Erlang on a day that busy: the day factor's
    // quantile (the simulation then adds what the noise within each interval asks for).
    let start = match options.criterion.share_of_days() {
        Some(p) => guide.requirement_at(
            busyness_quantile(base.busyness_cv, p),
            &fallback,
            min_agents,
        )?,
        None => erlang_agents.clone(),
    };
    let floor = vec![min_agents; n];
    let cap: Vec<u32> = erlang_agents
        .iter()
        .enumerate()
        .map(|(k, &e)| {
            let by_load = (guide.load(k) * 4.0).ceil().min(f64::from(u32::MAX / 2)) as u32;
            e.max(start[k])
                .saturating_mul(4)
                .max(by_load)
                .saturating_add(50)
        })
        .collect();
    let mut eval = Evaluator::new(base.clone(), &guide);
    let needs_refinement = options.goal == Goal::Targets || options.targets.any();
    let targets_plan = if needs_refinement {
        let bounds = Bounds {
            floor: &floor,
            cap: &cap,
        };
        Some(refine::refine(&guide, &mut eval, start.clone(), &bounds)?)
    } else {
        None
    };
    let mut fresh = base.clone();
    fresh.seed = fresh_seed(base.seed);
    let mut check_eval = Evaluator::new(fresh, &guide);
    let (mut agents, cost_curve) = match options.goal {
        Goal::Targets => (targets_plan.clone().unwrap_or_default(), Vec::new()),
        Goal::Cost => {
            let (floor, start) = match &targets_plan {
                Some(p) => (p.clone(), p.clone()),
                None => (floor.clone(), start.clone()),
            };
            let mut agents = cost::minimise(&mut eval, start, &floor, &cap)?;
            // Follow the fresh-seed cost curve while its cheapest point is a shift away; an
            // optimum at the curve's edge may lie further, so the curve is drawn again there.
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
    // Final check with fresh seeds; raise what misses there, and top the check up with more
    // fresh days while its widest interval is less precise than asked.
    // A top-up runs only the new days of the same staffing; a raised staffing is checked
    // again from the first day, with as many days as the check has reached.
    let mut raised_by_check = 0;
    let mut check_rounds = 0;
    let check_days_before = check_eval.replications_run;
    let mut evaluation = check_eval.run(&agents)?;
    let (check, precision) = loop {
        let miss = missing(&guide, &evaluation);
        if miss.is_empty() {
            match check_precision(options, &evaluation.result) {
                (reached, None) => break (evaluation, reached),
                (_, Some(more)) => {
                    evaluation = check_eval.top_up(&agents, more)?;
                    continue;
                }
            }
        }
        check_rounds += 1;
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
        evaluation = check_eval.run(&agents)?;
    };
    let planned = column(&agents);
    Ok(Plan {
        options: options.clone(),
        models: vec![guide.model()],
        loads: (0..n).map(|k| vec![guide.load(k)]).collect(),
        needs: column(&erlang_agents),
        start: column(&start),
        scheduled: scheduled_of(&planned, shrinkage)?,
        planned,
        shrinkage,
        seed: base.seed,
        check: check.result,
        // without a target every day "meets": nothing to say
        days_met: if options.targets.any() {
            check.days_met
        } else {
            Vec::new()
        },
        evaluations: eval.evaluations + check_eval.evaluations,
        check_days_run: check_eval.replications_run - check_days_before,
        precision,
        raised_by_check,
        capped: false,
        targets_plan: if options.goal == Goal::Cost {
            targets_plan
        } else {
            None
        },
        cost_curve,
    })
}

/// The staffing of a pilot for `--precision`: Erlang's requirement of each interval.
pub(super) fn pilot_staffing(
    scenario: &Scenario,
    options: &PlanOptions,
) -> Result<Vec<u32>, PlanError> {
    let mut base = scenario.clone();
    base.service_level.threshold_s = options.targets.threshold_s;
    let fallback = Targets {
        service_level: Some(scenario.service_level.target),
        ..Targets::new(options.targets.threshold_s)
    };
    let guide = Guide::new(&base, options.targets, Criterion::Mean)?;
    guide.requirement(&fallback, options.min_agents.max(1))
}
