//! Evaluating a staffing: the whole day simulated with the given agents per interval, every
//! replication in parallel on the current rayon pool. An evaluator keeps its seed, so two
//! staffings it evaluates see exactly the same callers (common random numbers): their
//! difference is the staffing's effect, not noise.

use crate::model::Scenario;
use crate::simulate::{RunError, ScenarioResult, simulate_one};

/// Simulates staffings of one scenario with fixed seeds.
#[derive(Debug, Clone)]
pub(crate) struct Evaluator {
    /// The scenario with the planner's threshold, seed and replications; agents replaced.
    base: Scenario,
    /// Number of days simulated so far (each with every replication).
    pub(crate) evaluations: usize,
}

impl Evaluator {
    /// An evaluator of `base` (its seed and replications are used as they are).
    pub(crate) fn new(base: Scenario) -> Self {
        Self {
            base,
            evaluations: 0,
        }
    }

    /// Simulates every replication with `agents` on the phones in each interval, folded as
    /// they finish (memory does not grow with the replications).
    pub(crate) fn run(&mut self, agents: &[u32]) -> Result<ScenarioResult, RunError> {
        let mut scenario = self.base.clone();
        scenario.agents = agents.to_vec();
        let result = simulate_one(&scenario)?;
        self.evaluations += 1;
        Ok(result)
    }
}

/// A seed for the final check that shares no stream with `seed` (SplitMix64 finaliser of a
/// shifted seed), so the check sees callers the refinement never saw.
pub(crate) fn fresh_seed(seed: u64) -> u64 {
    let mut z = seed ^ 0x5DEE_CE66_D1CE_5EED;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
