//! The roster checked by simulation: in each day, the heads the roster has present in each
//! interval, less shrinkage (rounded down), become the scenario's agents per interval
//! (`staffing.per_interval`), simulated with the seeds of the plan's final check. The two
//! runs then see the same callers (common random numbers), so the service level the roster
//! gives and the plan's differ only by the staffing: over-coverage usually lifts it.

use super::{DayCheck, on_phones};
use crate::simulate::simulate;

/// Agents on the phones in each of the day's intervals, from the roster's coverage.
pub fn day_agents(day: &DayCheck, covered: &[u32], shrinkage: f64) -> Vec<u32> {
    day.slots
        .iter()
        .map(|&t| on_phones(covered[t], shrinkage))
        .collect()
}

/// Simulates every day of the roster (all days in one parallel batch) and stores the
/// results in `days`.
pub fn check_days(
    days: &mut [DayCheck],
    covered: &[u32],
    shrinkage: f64,
) -> Result<(), crate::simulate::RunError> {
    let scenarios: Vec<_> = days
        .iter()
        .map(|d| {
            let mut s = d.plan.check.scenario.clone();
            s.agents = day_agents(d, covered, shrinkage);
            s
        })
        .collect();
    for (day, result) in days.iter_mut().zip(simulate(&scenarios)) {
        day.check = Some(result?);
    }
    Ok(())
}
