//! `comparison.csv`: every scenario of a run against the first, KPI by KPI, with the 95% CI
//! of the difference from paired replications (common random numbers), and the unpaired CI
//! for reference.

use crate::simulate::ScenarioResult;
use crate::stats::{Kpi, MeanCi, paired_difference, unpaired_difference};
use std::io;

/// One KPI of one scenario against the baseline.
#[derive(Debug, Clone)]
pub struct Difference {
    /// The scenario compared with the baseline.
    pub scenario: String,
    /// The KPI.
    pub kpi: Kpi,
    /// The baseline's mean.
    pub baseline: f64,
    /// The scenario's mean.
    pub value: f64,
    /// Scenario − baseline, with the 95% half-width of paired replications (the unpaired
    /// one when the two runs do not share seed and replications).
    pub paired: MeanCi,
    /// Scenario − baseline, with the 95% half-width of two independent samples.
    pub unpaired: MeanCi,
}

/// Every scenario after the first against the first, for the KPIs both produce.
pub fn differences(results: &[ScenarioResult]) -> Vec<Difference> {
    let Some((base, others)) = results.split_first() else {
        return Vec::new();
    };
    others
        .iter()
        .flat_map(|other| against(base, other))
        .collect()
}

/// Every KPI of `other` against `base`: paired when both ran the same seed and
/// replications, else unpaired.
pub fn against(base: &ScenarioResult, other: &ScenarioResult) -> Vec<Difference> {
    let pairable = base.scenario.seed == other.scenario.seed
        && base.scenario.replications == other.scenario.replications;
    let mut out = Vec::new();
    for (kpi, b) in base.total.iter() {
        let (Some(o), Some(xs), Some(ys)) = (
            other.total.get(kpi),
            base.per_replication(kpi),
            other.per_replication(kpi),
        ) else {
            continue;
        };
        let unpaired = unpaired_difference(&xs, &ys);
        out.push(Difference {
            scenario: other.scenario.name.clone(),
            kpi,
            baseline: b.mean,
            value: o.mean,
            paired: if pairable {
                paired_difference(&xs, &ys)
            } else {
                unpaired
            },
            unpaired,
        });
    }
    out
}

/// The CSV text: `baseline, scenario, kpi, baseline_mean, scenario_mean, difference,
/// difference_ci95, unpaired_ci95`.
pub fn comparison_csv(baseline: &str, diffs: &[Difference]) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "baseline",
        "scenario",
        "kpi",
        "baseline_mean",
        "scenario_mean",
        "difference",
        "difference_ci95",
        "unpaired_ci95",
    ])?;
    let num = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    for d in diffs {
        w.write_record([
            baseline.to_string(),
            d.scenario.clone(),
            d.kpi.name().to_string(),
            num(d.baseline),
            num(d.value),
            num(d.paired.mean),
            num(d.paired.ci95),
            num(d.unpaired.ci95),
        ])?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}
