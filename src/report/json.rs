//! `summary.json`: one scenario's KPIs for the whole run, each a mean with its 95% half-width.

use crate::model::RunKind;
use crate::simulate::{GroupKpis, KpiSet, ScenarioResult, SkillResult};
use crate::stats::{MeanCi, PrecisionReached};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

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
    /// A run of several days: the days each replication ran, one after the other (`kpis`
    /// are then the whole run's: the week's totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// A run of several days: whether customers still due at closing came back the next
    /// morning (true) or each day stood alone (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carry_over: Option<bool>,
    /// Service-level threshold, seconds: `service_level` counts calls answered within it.
    pub service_level_threshold_s: f64,
    /// Calls simulated over all replications, warm-ups included.
    pub calls_simulated: u64,
    /// Whole-run KPIs by name: `{"mean": .., "ci95": ..}` (null where undefined).
    pub kpis: Kpis,
    /// A run of several days: each day's KPIs, in day order (as in `days.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_day: Option<Vec<Kpis>>,
    /// Multi-skill scenarios: whole-run KPIs of each call type, by type name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_type: Option<ByType>,
    /// Multi-skill scenarios: whole-run KPIs of each agent group, by group name, with the
    /// calls it handled of each type (`handled_by_type`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_group: Option<ByGroup>,
    /// Run to a precision: whether it was reached, and each named KPI's half-width allowed
    /// and reached (`replications` is then the number it took).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionJson>,
    /// How the whole-run means and CIs were estimated when not by the plain mean:
    /// `{"method": "control_variate", "control": "customers", "expected": ..}` (every KPI but
    /// `customers` corrected by it); with stratified days `{"method": "stratified_days",
    /// "strata": 10}`, or `"stratified_days_control_variate"` with the control's fields too.
    /// Absent: plain means over the replications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimator: Option<serde_json::Value>,
}

/// `precision`: `{"met": true, "max_replications": 10000, "kpis": [{"allowed": 0.005,
/// "asked": "±0.005", "kpi": "service_level", "reached": 0.0048}, ...]}`. Written in
/// `summary.json` and, for each point of a sweep run to a precision, in its point file and
/// `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionJson {
    /// True when every KPI reached its half-width; false when the run stopped at the maximum.
    pub met: bool,
    /// Most replications the run could take.
    pub max_replications: u32,
    /// Per KPI named, in the KPIs' output order: the half-width asked (as written), allowed
    /// (in the KPI's unit) and reached.
    pub kpis: Vec<PrecisionKpiJson>,
}

/// One KPI of [`PrecisionJson`] (fields in the order `summary.json` has always had them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionKpiJson {
    /// The half-width allowed, in the KPI's unit (a share for rates); null where undefined.
    pub allowed: Option<f64>,
    /// The half-width asked, as written (`±0.005`, `±2%`).
    pub asked: String,
    /// KPI name, as in `summary.json`.
    pub kpi: String,
    /// The 95% half-width reached, in the KPI's unit; null where undefined.
    pub reached: Option<f64>,
}

impl PrecisionJson {
    /// How far a run got (`reached`) towards its precision, with its `max_replications`.
    pub fn of(reached: &PrecisionReached, max_replications: u32) -> Self {
        let finite = |x: f64| x.is_finite().then_some(x);
        PrecisionJson {
            met: reached.met,
            max_replications,
            kpis: reached
                .kpis
                .iter()
                .map(|(kpi, asked, allowed, got)| PrecisionKpiJson {
                    allowed: finite(*allowed),
                    asked: asked.to_string(),
                    kpi: kpi.name().into(),
                    reached: finite(*got),
                })
                .collect(),
        }
    }
}

/// `by_type`: `{"<type>": {"offered": {"mean": .., "ci95": ..}, ...}, ...}` in file order.
#[derive(Debug)]
pub struct ByType(pub SkillResult);

impl Serialize for ByType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.by_type.len()))?;
        for t in &self.0.by_type {
            map.serialize_entry(&t.name, &Kpis(t.total.clone()))?;
        }
        map.end()
    }
}

/// `by_group`: `{"<group>": {"occupancy": {..}, "busy_agents": {..}, "staffed_agents": {..},
/// "handled": {..}, "handled_by_type": {"<type>": {..}, ...}}, ...}` in file order.
#[derive(Debug)]
pub struct ByGroup(pub SkillResult);

/// One group's entry of `by_group`.
#[derive(Serialize)]
struct GroupEntry<'a> {
    #[serde(flatten)]
    kpis: &'a GroupKpis,
    handled_by_type: HandledByType<'a>,
}

/// Calls one group handled of each type.
struct HandledByType<'a>(&'a SkillResult, usize);

impl Serialize for HandledByType<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let HandledByType(result, g) = *self;
        let mut map = s.serialize_map(Some(result.by_type.len()))?;
        for (t, ty) in result.by_type.iter().enumerate() {
            map.serialize_entry(&ty.name, &result.handled[t][g])?;
        }
        map.end()
    }
}

impl Serialize for ByGroup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.by_group.len()))?;
        for (g, group) in self.0.by_group.iter().enumerate() {
            let entry = GroupEntry {
                kpis: &group.total,
                handled_by_type: HandledByType(&self.0, g),
            };
            map.serialize_entry(&group.name, &entry)?;
        }
        map.end()
    }
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
        days: (sc.days > 1).then_some(sc.days),
        carry_over: (sc.days > 1).then_some(sc.carry_over),
        service_level_threshold_s: sc.service_level.threshold_s,
        calls_simulated: result.calls_simulated,
        kpis: Kpis(result.total.clone()),
        by_day: (sc.days > 1).then(|| result.days.iter().cloned().map(Kpis).collect()),
        by_type: result.skills.clone().map(ByType),
        by_group: result.skills.clone().map(ByGroup),
        estimator: estimator(result),
        precision: result
            .precision
            .as_ref()
            .map(|r| PrecisionJson::of(r, sc.precision.as_ref().map_or(0, |p| p.max_replications))),
    }
}

/// `estimator`: how `result`'s whole-run KPIs were estimated (`None`: plain means).
fn estimator(result: &ScenarioResult) -> Option<serde_json::Value> {
    let strata = crate::simulate::strata(&result.scenario);
    let mut e = match (result.control_expected, strata > 1) {
        (None, false) => return None,
        (None, true) => serde_json::json!({"method": "stratified_days"}),
        (Some(mu), stratified) => serde_json::json!({
            "method": if stratified { "stratified_days_control_variate" } else { "control_variate" },
            "control": "customers",
            "expected": mu,
        }),
    };
    if strata > 1 {
        e["strata"] = strata.into();
    }
    Some(e)
}
