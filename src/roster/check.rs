//! The roster checked by simulation: in each day, the heads each agent group has present in
//! each interval, less shrinkage (rounded down), become that group's agents per interval,
//! simulated with the seeds of the plan's final check. The two runs then see the same callers
//! (common random numbers), so the service level the roster gives and the plan's differ only
//! by the staffing: over-coverage usually lifts it.

use super::{DayCheck, GroupRoster, RosterError, on_phones};
use crate::plan::skills::staffed;
use crate::simulate::{RunError, ScenarioResult, simulate_fold};

/// The heads each group's shifts cover per interval of the grid (`[g][t]`).
pub fn covered(groups: &[GroupRoster]) -> Vec<&[u32]> {
    groups.iter().map(|g| g.solved.covered.as_slice()).collect()
}

/// Agents on the phones of each group (`[k][g]`) in each of the day's intervals, from the
/// heads each group covers in each interval of the grid (`covered[g][t]`: the roster's shifts
/// or the people assigned their tours) less shrinkage.
pub fn day_agents(day: &DayCheck, covered: &[&[u32]], shrinkage: f64) -> Vec<Vec<u32>> {
    day.slots
        .iter()
        .map(|&t| covered.iter().map(|c| on_phones(c[t], shrinkage)).collect())
        .collect()
}

/// Simulates every day (all days in one parallel batch) with the heads `covered[g][t]` less
/// shrinkage, with the seeds of the plan's final check, and stores the results in `days`;
/// for one queue with targets, each day also judged against the plan's targets as the plan's
/// final check judges its own ([`crate::plan::Plan::day_judge`]): the share of days on which
/// each interval met every target, and the intervals short by the plan's criterion.
pub fn check_days(
    days: &mut [DayCheck],
    covered: &[&[u32]],
    shrinkage: f64,
) -> Result<(), RosterError> {
    let scenarios: Vec<_> = days
        .iter()
        .map(|d| staffed(&d.plan.check.scenario, &day_agents(d, covered, shrinkage)))
        .collect();
    let mut judges = days
        .iter()
        .map(|d| d.plan.day_judge())
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Option<Result<ScenarioResult, RunError>>> =
        (0..days.len()).map(|_| None).collect();
    simulate_fold(
        &scenarios,
        || true,
        |s, result| results[s] = Some(result),
        |s, day| {
            if let Some(judge) = &mut judges[s] {
                judge.add(day);
            }
        },
    );
    for ((day, result), judge) in days.iter_mut().zip(results).zip(judges) {
        let result =
            result.unwrap_or_else(|| unreachable!("never stopped: every day has its result"))?;
        (day.days_met, day.short) = match judge {
            Some(judge) => (judge.shares(), Some(judge.short(&result))),
            None => (Vec::new(), None),
        };
        day.check = Some(result);
    }
    Ok(())
}
