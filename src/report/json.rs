//! `summary.json`: one scenario's KPIs for the whole run, each a mean with its 95% half-width.

use crate::model::RunKind;
use crate::simulate::{KpiSet, ScenarioResult};
use crate::stats::MeanCi;
use serde::Serialize;
use serde::ser::SerializeMap;

/// The summary of one scenario, as written to `summary.json` and printed by `run --json`.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Scenario name (its output folder).
    pub scenario: String,
    /// Replications averaged.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// `working_day` or `steady_state`.
    pub kind: &'static str,
    /// Service-level threshold, seconds: `service_level` counts calls answered within it.
    pub service_level_threshold_s: f64,
    /// Calls simulated over all replications, warm-ups included.
    pub calls_simulated: u64,
    /// Whole-run KPIs by name: `{"mean": .., "ci95": ..}` (null where undefined).
    pub kpis: Kpis,
}

/// KPIs serialized as a JSON object in output order.
#[derive(Debug)]
pub struct Kpis(pub KpiSet);

impl Serialize for Kpis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.kpis().len()))?;
        for (kpi, value) in self.0.iter() {
            map.serialize_entry::<str, MeanCi>(kpi.name(), &value)?;
        }
        map.end()
    }
}

/// The summary of `result`.
pub fn summary_json(result: &ScenarioResult) -> Summary {
    let sc = &result.scenario;
    Summary {
        scenario: sc.name.clone(),
        replications: sc.replications,
        seed: sc.seed,
        kind: match sc.kind {
            RunKind::WorkingDay { .. } => "working_day",
            RunKind::SteadyState { .. } => "steady_state",
        },
        service_level_threshold_s: sc.service_level.threshold_s,
        calls_simulated: result.calls_simulated,
        kpis: Kpis(result.total.clone()),
    }
}
