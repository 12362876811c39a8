//! Runs scenarios: every (scenario, replication) pair is one task on the rayon pool, start to
//! end on one thread. Each task reduces its replication to KPI values at once (the histograms
//! are dropped there), and the KPIs are averaged over replications in replication order, so
//! the output is bit-identical for any number of threads.

use crate::model::replication::{Stopped, run_replication_until};
use crate::model::routing::CallType;
use crate::model::{NoObserver, ReplicationOutcome, Scenario};
use crate::stats::{IntervalTally, Kpi, MeanCi, Mechanism, WaitHistogram, mean_ci};
use rayon::prelude::*;

pub mod skills;
use skills::SkillReplication;
pub use skills::{GroupKpis, SkillResult};

/// The KPI values of one replication: the whole run and each interval, in [`Kpi::ALL`] order.
#[derive(Debug, Clone)]
pub struct ReplicationKpis {
    /// Whole run.
    pub total: Vec<f64>,
    /// One row per reporting interval.
    pub intervals: Vec<Vec<f64>>,
    /// Calls simulated, warm-up included.
    pub calls: u64,
    /// Waits of the answered calls of the whole run.
    pub waits: WaitHistogram,
    /// Per call type and agent group (multi-skill scenarios only).
    pub skills: Option<SkillReplication>,
}

/// The KPIs a scenario produces, each as a mean over replications with its 95% half-width,
/// in output order. KPIs of mechanisms a scenario does not use are absent.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiSet {
    kpis: Vec<Kpi>,
    values: Vec<MeanCi>,
}

impl KpiSet {
    /// The value of one KPI, if the scenario produces it.
    pub fn get(&self, kpi: Kpi) -> Option<MeanCi> {
        let i = self.kpis.iter().position(|k| *k == kpi)?;
        Some(self.values[i])
    }

    /// (KPI, value) pairs in output order.
    pub fn iter(&self) -> impl Iterator<Item = (Kpi, MeanCi)> + '_ {
        self.kpis.iter().copied().zip(self.values.iter().copied())
    }

    /// The KPIs present, in output order.
    pub fn kpis(&self) -> &[Kpi] {
        &self.kpis
    }

    /// Averages `rows` (one per replication, values in [`Kpi::ALL`] order) for `kpis`.
    pub(crate) fn from_replications<'a>(
        kpis: &[Kpi],
        rows: impl Iterator<Item = &'a Vec<f64>> + Clone,
    ) -> Self {
        let values = kpis
            .iter()
            .map(|kpi| mean_ci(rows.clone().map(|r| r[kpi.index()])))
            .collect();
        KpiSet {
            kpis: kpis.to_vec(),
            values,
        }
    }
}

/// The KPIs `scenario` produces: those of the base model, and those of each mechanism that
/// the scenario, or one of its call types, has.
pub fn kpis_of(scenario: &Scenario) -> Vec<Kpi> {
    let types = scenario.skills.as_ref().map_or(&[][..], |m| &m.types[..]);
    let any = |has: fn(&CallType) -> bool| types.iter().any(has);
    Kpi::ALL
        .iter()
        .copied()
        .filter(|k| match k.mechanism() {
            Mechanism::Base => true,
            Mechanism::Lines => scenario.lines.is_some(),
            Mechanism::Balking => scenario.balking.is_some() || any(|t| t.balking.is_some()),
            Mechanism::Retrials => scenario.retrials.is_some() || any(|t| t.retrials.is_some()),
            Mechanism::Callback => scenario.callback.is_some() || any(|t| t.callback.is_some()),
            Mechanism::Proactive => scenario.proactive.is_some() || any(|t| t.proactive.is_some()),
            Mechanism::Costs => scenario.costs.is_some(),
        })
        .collect()
}

/// What running one scenario gave.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The scenario as it was run (after command-line overrides).
    pub scenario: Scenario,
    /// KPIs of the whole run (day, or measured steady-state window).
    pub total: KpiSet,
    /// KPIs of each reporting interval.
    pub intervals: Vec<KpiSet>,
    /// Calls simulated over all replications, warm-ups included.
    pub calls_simulated: u64,
    /// Waits of answered calls pooled over all replications (for the wait distribution).
    pub waits: WaitHistogram,
    /// The whole-run KPI values of each replication, in [`Kpi::ALL`] order (for paired
    /// comparisons between scenarios).
    pub replications: Vec<Vec<f64>>,
    /// KPIs per call type and agent group (multi-skill scenarios); `None` for one queue.
    pub skills: Option<SkillResult>,
}

impl ScenarioResult {
    /// The values of `kpi` in each replication, if the scenario produces it.
    pub fn per_replication(&self, kpi: Kpi) -> Option<Vec<f64>> {
        self.total.get(kpi)?;
        Some(self.replications.iter().map(|r| r[kpi.index()]).collect())
    }
}

/// A scenario whose simulation stopped before its end: which one, in which replication, and
/// why (it ran away, or was interrupted).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("scenario {scenario}, replication {replication}: {why}")]
pub struct RunError {
    /// The scenario's name.
    pub scenario: String,
    /// The replication that stopped.
    pub replication: u64,
    /// Why it stopped.
    pub why: Stopped,
}

/// Runs replication `replication` of `scenario` and keeps only its KPI values.
pub fn replication_kpis(
    scenario: &Scenario,
    replication: u64,
) -> Result<ReplicationKpis, RunError> {
    replication_kpis_until(scenario, replication, &|| true)
}

/// [`replication_kpis`], asking `go_on` now and then inside the replication whether to go on.
fn replication_kpis_until(
    scenario: &Scenario,
    replication: u64,
    go_on: &dyn Fn() -> bool,
) -> Result<ReplicationKpis, RunError> {
    let outcome =
        run_replication_until(scenario, replication, &mut NoObserver, go_on).map_err(|why| {
            RunError {
                scenario: scenario.name.clone(),
                replication,
                why,
            }
        })?;
    let mut kpis = outcome_kpis(&outcome);
    if scenario.skills.is_some() {
        kpis.skills = Some(SkillReplication::of(&outcome));
    }
    Ok(kpis)
}

/// The KPI values of one replication's outcome (the whole center).
fn outcome_kpis(outcome: &ReplicationOutcome) -> ReplicationKpis {
    let values = |t: &IntervalTally| Kpi::ALL.iter().map(|k| k.value(t)).collect();
    let mut whole = IntervalTally::default();
    for t in &outcome.intervals {
        whole.merge(t);
    }
    ReplicationKpis {
        total: values(&whole),
        intervals: outcome.intervals.iter().map(values).collect(),
        calls: outcome.calls,
        waits: whole.waits,
        skills: None,
    }
}

/// Runs every replication of every scenario in parallel on the current rayon pool: each
/// scenario's result, or why it has none (a scenario that runs away loses only its own).
pub fn simulate(scenarios: &[Scenario]) -> Vec<Result<ScenarioResult, RunError>> {
    // never stopped, so every replication is there
    simulate_while(scenarios, || true).unwrap_or_default()
}

/// [`simulate`] of one scenario.
pub fn simulate_one(scenario: &Scenario) -> Result<ScenarioResult, RunError> {
    simulate(std::slice::from_ref(scenario))
        .pop()
        .unwrap_or_else(|| unreachable!("one scenario, one result"))
}

/// [`simulate`], checking `go_on` before each replication starts and every 65,536 calls
/// inside one: once it says no (a newer what-if on the live page, or a time limit passed),
/// the remaining work is skipped and `None` is returned. A run that is not stopped gives
/// exactly what [`simulate`] gives.
pub fn simulate_while(
    scenarios: &[Scenario],
    go_on: impl Fn() -> bool + Sync,
) -> Option<Vec<Result<ScenarioResult, RunError>>> {
    let tasks: Vec<(usize, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(s, sc)| (0..sc.replications as u64).map(move |r| (s, r)))
        .collect();
    let results: Vec<Result<ReplicationKpis, RunError>> = tasks
        .par_iter()
        .map(|&(s, r)| {
            if !go_on() {
                return None;
            }
            match replication_kpis_until(&scenarios[s], r, &go_on) {
                Err(e) if e.why == Stopped::Interrupted => None,
                done => Some(done),
            }
        })
        .collect::<Option<_>>()?;
    let mut rest = results.as_slice();
    Some(
        scenarios
            .iter()
            .map(|sc| {
                let (reps, tail) = rest.split_at(sc.replications as usize);
                rest = tail;
                let reps: Vec<ReplicationKpis> = reps.iter().cloned().collect::<Result<_, _>>()?;
                Ok(summarize(sc, &reps))
            })
            .collect(),
    )
}

/// Averages the replications of one scenario.
pub fn summarize(scenario: &Scenario, reps: &[ReplicationKpis]) -> ScenarioResult {
    let kpis = kpis_of(scenario);
    ScenarioResult {
        scenario: scenario.clone(),
        total: KpiSet::from_replications(&kpis, reps.iter().map(|r| &r.total)),
        intervals: (0..scenario.intervals())
            .map(|k| KpiSet::from_replications(&kpis, reps.iter().map(move |r| &r.intervals[k])))
            .collect(),
        calls_simulated: reps.iter().map(|r| r.calls).sum(),
        waits: reps.iter().fold(WaitHistogram::default(), |mut all, r| {
            all.merge(&r.waits);
            all
        }),
        replications: reps.iter().map(|r| r.total.clone()).collect(),
        skills: scenario.skills.as_ref().map(|model| {
            let per_rep: Vec<&SkillReplication> =
                reps.iter().filter_map(|r| r.skills.as_ref()).collect();
            SkillResult::of(model, &skills::type_kpis(scenario), &per_rep)
        }),
    }
}
