//! The roster checked by simulation: in each day, the heads each agent group has present in
//! each interval, less shrinkage (rounded down), become that group's agents per interval,
//! simulated with the seeds of the plan's final check. The two runs then see the same callers
//! (common random numbers), so the service level the roster gives and the plan's differ only
//! by the staffing: over-coverage usually lifts it.

use super::{DayCheck, GroupRoster, on_phones};
use crate::plan::skills::staffed;
use crate::simulate::simulate;

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
/// shrinkage, with the seeds of the plan's final check, and stores the results in `days`.
pub fn check_days(
    days: &mut [DayCheck],
    covered: &[&[u32]],
    shrinkage: f64,
) -> Result<(), crate::simulate::RunError> {
    let scenarios: Vec<_> = days
        .iter()
        .map(|d| staffed(&d.plan.check.scenario, &day_agents(d, covered, shrinkage)))
        .collect();
    for (day, result) in days.iter_mut().zip(simulate(&scenarios)) {
        day.check = Some(result?);
    }
    Ok(())
}
