//! Simulation refinement of a staffing against targets, over the whole day at once so that
//! what carries from one interval to the next (a backlog after a peak, retrials, callbacks)
//! is accounted for.
//!
//! Each round simulates the day with the current staffing (the same seeds every round) and
//! then does one of three things:
//! 1. if the previous round lowered some intervals and an interval now misses, the lowering
//!    to blame (that interval's own, else the nearest earlier one) is undone, and that interval
//!    is marked tight (or, after a step of several agents, allowed only single steps);
//! 2. else, if intervals miss, each is raised by the step Erlang predicts is enough;
//! 3. else every interval not yet tight is lowered by the step Erlang predicts it can spare
//!    (at least one agent: the simulation decides).
//!
//! It ends when every interval meets the targets and none can be lowered. Tight marks only
//! accumulate, so it ends; a cap on the rounds falls back to raising only.

use super::PlanError;
use super::evaluate::{Evaluation, Evaluator};
use super::guide::Guide;
use crate::simulate::KpiSet;

/// Rounds of lowering and raising before the refinement only raises.
const MAX_ROUNDS: usize = 40;

/// Bounds of the search per interval.
pub(crate) struct Bounds<'a> {
    /// Fewest agents per interval.
    pub floor: &'a [u32],
    /// Most agents per interval; beyond it the targets are called infeasible.
    pub cap: &'a [u32],
}

/// Intervals whose simulated KPIs, as the criterion reads them, miss a target.
pub(crate) fn missing(guide: &Guide, evaluation: &Evaluation) -> Vec<usize> {
    missing_of(guide, &evaluation.judged)
}

/// The intervals of `judged` (each interval's KPIs as the criterion reads them) that miss a
/// target.
pub(crate) fn missing_of(guide: &Guide, judged: &[KpiSet]) -> Vec<usize> {
    (0..judged.len())
        .filter(|&k| !guide.meets(&judged[k]))
        .collect()
}

/// Raises every interval in `missing` by its Erlang step; an error past the cap.
pub(crate) fn raise(
    guide: &Guide,
    evaluation: &Evaluation,
    agents: &mut [u32],
    missing: &[usize],
    cap: &[u32],
) -> Result<(), PlanError> {
    for &k in missing {
        let step = guide.step_up(k, &evaluation.judged[k], agents[k]);
        if agents[k] >= cap[k] {
            return Err(PlanError::Infeasible {
                interval: k,
                agents: agents[k],
            });
        }
        agents[k] = agents[k].saturating_add(step).min(cap[k]);
    }
    Ok(())
}

/// Refines `start` until every interval meets the guide's targets with as few agents as the
/// search finds; returns the agents on the phones per interval.
pub(crate) fn refine(
    guide: &Guide,
    eval: &mut Evaluator,
    start: Vec<u32>,
    bounds: &Bounds,
) -> Result<Vec<u32>, PlanError> {
    let n = start.len();
    let mut agents: Vec<u32> = start
        .iter()
        .enumerate()
        .map(|(k, &a)| a.clamp(bounds.floor[k], bounds.cap[k]))
        .collect();
    let mut tight = vec![false; n];
    let mut single_steps = vec![false; n];
    // Lowerings of the last round not yet confirmed: (interval, agents taken away).
    let mut lowered: Vec<(usize, u32)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let evaluation = eval.run(&agents)?;
        let miss = missing(guide, &evaluation);
        if !miss.is_empty() && !lowered.is_empty() {
            let blamed: Vec<usize> = miss
                .iter()
                .filter_map(|&j| lowered.iter().rev().find(|(k, _)| *k <= j).map(|(k, _)| *k))
                .collect();
            if !blamed.is_empty() {
                lowered.retain(|&(k, step)| {
                    if !blamed.contains(&k) {
                        return true;
                    }
                    agents[k] += step;
                    if step > 1 {
                        single_steps[k] = true;
                    } else {
                        tight[k] = true;
                    }
                    false
                });
                continue;
            }
        }
        lowered.clear();
        if !miss.is_empty() {
            raise(guide, &evaluation, &mut agents, &miss, bounds.cap)?;
            continue;
        }
        for k in 0..n {
            if tight[k] || agents[k] <= bounds.floor[k] {
                continue;
            }
            let mut step = guide
                .step_down(k, &evaluation.judged[k], agents[k], bounds.floor[k])
                .max(1);
            if single_steps[k] {
                step = 1;
            }
            agents[k] -= step;
            lowered.push((k, step));
        }
        if lowered.is_empty() {
            return Ok(agents);
        }
    }
    // Out of rounds: undo unconfirmed lowerings and raise until every interval meets.
    for &(k, step) in &lowered {
        agents[k] += step;
    }
    loop {
        let evaluation = eval.run(&agents)?;
        let miss = missing(guide, &evaluation);
        if miss.is_empty() {
            return Ok(agents);
        }
        raise(guide, &evaluation, &mut agents, &miss, bounds.cap)?;
    }
}
