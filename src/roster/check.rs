//! The roster checked by simulation: in each day, the heads each agent group has present in
//! each interval, less shrinkage (rounded down), become that group's agents per interval,
//! simulated with the seeds of the plan's final check. The two runs then see the same callers
//! (common random numbers), so the service level the roster gives and the plan's differ only
//! by the staffing: over-coverage usually lifts it.

use super::{DayCheck, GroupRoster, on_phones};
use crate::plan::skills::staffed;
use crate::simulate::simulate;

/// Agents on the phones of each group (`[k][g]`) in each of the day's intervals, from the
/// groups' coverage less shrinkage.
pub fn day_agents(day: &DayCheck, groups: &[GroupRoster], shrinkage: f64) -> Vec<Vec<u32>> {
    day.slots
        .iter()
        .map(|&t| {
            groups
                .iter()
                .map(|g| on_phones(g.solved.covered[t], shrinkage))
                .collect()
        })
        .collect()
}

/// Simulates every day of the roster (all days in one parallel batch) with the seeds of the
/// plan's final check, and stores the results in `days`.
pub fn check_days(
    days: &mut [DayCheck],
    groups: &[GroupRoster],
    shrinkage: f64,
) -> Result<(), crate::simulate::RunError> {
    let scenarios: Vec<_> = days
        .iter()
        .map(|d| staffed(&d.plan.check.scenario, &day_agents(d, groups, shrinkage)))
        .collect();
    for (day, result) in days.iter_mut().zip(simulate(&scenarios)) {
        day.check = Some(result?);
    }
    Ok(())
}
