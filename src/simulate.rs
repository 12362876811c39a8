//! Runs scenarios: every (scenario, replication) pair is one task on the rayon pool, start to
//! end on one thread. Each task reduces its replication to KPI values at once (the histograms
//! are dropped there). Tasks run in chunks of [`CHUNK`] (fixed: never by thread count or
//! timing), and each chunk is folded into streaming tallies in replication order before the
//! next starts, so memory does not grow with the replications (only the whole-run KPI values
//! of each replication are kept, for paired comparisons) and the output is bit-identical for
//! any number of threads. A scenario is handed over as soon as its last replication is in.

use crate::model::arrivals::STRATA;
use crate::model::replication::Stopped;
use crate::model::routing::CallType;
use crate::model::{ReplicationOutcome, Scenario};
use crate::stats::{
    IntervalTally, Kpi, MeanCi, MeanCiTally, Mechanism, Precision, PrecisionReached, WaitHistogram,
    control_variate_mean, precision, stratified_mean,
};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

pub mod days;
pub mod record;
pub mod skills;
pub use skills::{GroupKpis, SkillResult};
use skills::{SkillReplication, SkillTally};

/// Replications run at once before they are folded into the tallies (a fixed number, so that
/// results never depend on the number of threads).
pub const CHUNK: usize = 256;

/// The KPI values of one replication: the whole run and each interval, in [`Kpi::ALL`] order.
#[derive(Debug, Clone)]
pub struct ReplicationKpis {
    /// Whole run.
    pub total: Vec<f64>,
    /// One row per reporting interval (of every day, one after the other).
    pub intervals: Vec<Vec<f64>>,
    /// One row per day, with several days ([`Scenario::days`]); empty for a day alone.
    pub days: Vec<Vec<f64>>,
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

    /// A set of `kpis` with their `values`, in the same order.
    pub(crate) fn new(kpis: Vec<Kpi>, values: Vec<MeanCi>) -> Self {
        debug_assert_eq!(kpis.len(), values.len());
        KpiSet { kpis, values }
    }

    /// The means of `kpis` from `tallies` (one per KPI, in [`Kpi::ALL`] order).
    pub(crate) fn from_tallies(kpis: &[Kpi], tallies: &[MeanCiTally]) -> Self {
        KpiSet {
            kpis: kpis.to_vec(),
            values: kpis.iter().map(|k| tallies[k.index()].mean_ci()).collect(),
        }
    }
}

/// Streaming tallies of rows of KPI values in [`Kpi::ALL`] order: the whole run and each
/// interval.
#[derive(Debug, Clone)]
pub(crate) struct RowsTally {
    total: Vec<MeanCiTally>,
    intervals: Vec<Vec<MeanCiTally>>,
}

impl RowsTally {
    /// Tallies of `intervals` intervals.
    pub(crate) fn new(intervals: usize) -> Self {
        let row = || vec![MeanCiTally::new(); Kpi::ALL.len()];
        RowsTally {
            total: row(),
            intervals: (0..intervals).map(|_| row()).collect(),
        }
    }

    /// Adds one replication's rows.
    pub(crate) fn add(&mut self, total: &[f64], intervals: &[Vec<f64>]) {
        let add = |tallies: &mut [MeanCiTally], row: &[f64]| {
            for (t, x) in tallies.iter_mut().zip(row) {
                t.add(*x);
            }
        };
        add(&mut self.total, total);
        for (tallies, row) in self.intervals.iter_mut().zip(intervals) {
            add(tallies, row);
        }
    }

    /// The means of `kpis`: the whole run and each interval.
    pub(crate) fn sets(&self, kpis: &[Kpi]) -> (KpiSet, Vec<KpiSet>) {
        (
            KpiSet::from_tallies(kpis, &self.total),
            self.intervals
                .iter()
                .map(|t| KpiSet::from_tallies(kpis, t))
                .collect(),
        )
    }
}

/// The KPIs `scenario` produces: those of the base model, and those whose every mechanism
/// ([`Kpi::mechanisms`]) the scenario, or one of its call types, has.
pub fn kpis_of(scenario: &Scenario) -> Vec<Kpi> {
    let types = scenario.skills.as_ref().map_or(&[][..], |m| &m.types[..]);
    let any = |has: fn(&CallType) -> bool| types.iter().any(has);
    let has = |m: &Mechanism| match m {
        Mechanism::Base => true,
        Mechanism::Lines => scenario.lines.is_some(),
        Mechanism::Balking => scenario.balking.is_some() || any(|t| t.balking.is_some()),
        Mechanism::Retrials => scenario.retrials.is_some() || any(|t| t.retrials.is_some()),
        Mechanism::Callback => scenario.callback.is_some() || any(|t| t.callback.is_some()),
        Mechanism::Proactive => scenario.proactive.is_some() || any(|t| t.proactive.is_some()),
        Mechanism::Costs => scenario.costs.is_some(),
        Mechanism::Days => scenario.days > 1,
    };
    Kpi::ALL
        .iter()
        .copied()
        .filter(|k| k.mechanisms().iter().all(has))
        .collect()
}

/// What running one scenario gave.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The scenario as it was run (after command-line overrides).
    pub scenario: Scenario,
    /// KPIs of the whole run (day, or measured steady-state window).
    pub total: KpiSet,
    /// KPIs of each reporting interval (of every day, one after the other:
    /// [`Scenario::run_intervals`]).
    pub intervals: Vec<KpiSet>,
    /// KPIs of each whole day, with several days ([`Scenario::days`]); empty for a day alone.
    pub days: Vec<KpiSet>,
    /// Calls simulated over all replications, warm-ups included.
    pub calls_simulated: u64,
    /// Waits of answered calls pooled over all replications (for the wait distribution).
    pub waits: WaitHistogram,
    /// The whole-run KPI values of each replication, in [`Kpi::ALL`] order (for paired
    /// comparisons between scenarios).
    pub replications: Vec<Vec<f64>>,
    /// KPIs per call type and agent group (multi-skill scenarios); `None` for one queue.
    pub skills: Option<SkillResult>,
    /// With a [`Scenario::precision`]: the replications it took and the half-widths reached
    /// (`scenario.replications` is then the replications run).
    pub precision: Option<PrecisionReached>,
    /// With a control variate: the customers expected per replication, by which the
    /// whole-run KPIs were corrected (`None`: plain means).
    pub control_expected: Option<f64>,
}

/// The customers expected to call in one replication's measured time: the arrival rates ×
/// the intervals' length (the day's busyness has mean 1); `None` when proactive contact can
/// take calls away before they are made (the count of those who call is then not known).
pub fn expected_customers(scenario: &Scenario) -> Option<f64> {
    let proactive = scenario.proactive.is_some()
        || scenario
            .skills
            .as_ref()
            .is_some_and(|m| m.types.iter().any(|t| t.proactive.is_some()));
    (!proactive).then(|| {
        scenario.arrival_rate.iter().sum::<f64>() * scenario.interval_s * f64::from(scenario.days)
    })
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
    let days = days::run_days(scenario, replication, go_on).map_err(|why| RunError {
        scenario: scenario.name.clone(),
        replication,
        why,
    })?;
    // each day's whole, with several days (one day alone is the whole run)
    let day_rows: Vec<Vec<f64>> = if days.len() > 1 {
        days.iter()
            .map(|day| kpi_values(&IntervalTally::whole(&day.intervals)))
            .collect()
    } else {
        Vec::new()
    };
    let outcome = days::one_after_the_other(days);
    let mut kpis = outcome_kpis(&outcome);
    kpis.days = day_rows;
    if scenario.skills.is_some() {
        kpis.skills = Some(SkillReplication::of(&outcome));
    }
    Ok(kpis)
}

/// The value of every KPI of one tally, in [`Kpi::ALL`] order.
fn kpi_values(t: &IntervalTally) -> Vec<f64> {
    Kpi::ALL.iter().map(|k| k.value(t)).collect()
}

/// The KPI values of one replication's outcome (the whole center).
fn outcome_kpis(outcome: &ReplicationOutcome) -> ReplicationKpis {
    let whole = IntervalTally::whole(&outcome.intervals);
    ReplicationKpis {
        total: kpi_values(&whole),
        intervals: outcome.intervals.iter().map(kpi_values).collect(),
        days: Vec::new(),
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
    simulate_one_visiting(scenario, |_| {})
}

/// [`simulate`], checking `go_on` before each replication starts and every 65,536 calls
/// inside one: once it says no (a newer what-if on the live page, or a time limit passed),
/// the remaining work is skipped and `None` is returned. A run that is not stopped gives
/// exactly what [`simulate`] gives.
pub fn simulate_while(
    scenarios: &[Scenario],
    go_on: impl Fn() -> bool + Sync,
) -> Option<Vec<Result<ScenarioResult, RunError>>> {
    let mut results: Vec<Option<Result<ScenarioResult, RunError>>> = vec![None; scenarios.len()];
    simulate_each(scenarios, go_on, |s, result| results[s] = Some(result))?;
    results.into_iter().collect()
}

/// [`simulate_one`], showing each replication's KPI values to `visit` as it is folded, in
/// replication order whatever the threads (to count, say, the days on which an interval met a
/// target, without keeping the days).
pub fn simulate_one_visiting(
    scenario: &Scenario,
    mut visit: impl FnMut(&ReplicationKpis),
) -> Result<ScenarioResult, RunError> {
    let mut result = None;
    simulate_fold(
        std::slice::from_ref(scenario),
        || true,
        |_, r| result = Some(r),
        |_, kpis| visit(kpis),
    );
    result.unwrap_or_else(|| unreachable!("one scenario, never stopped: one result"))
}

/// [`simulate_while`], handing each scenario's result (or why it has none) to `done` as soon
/// as its last replication is in, in the order of `scenarios`; `None` when stopped (the
/// scenarios handed over by then stay handed over).
pub fn simulate_each(
    scenarios: &[Scenario],
    go_on: impl Fn() -> bool + Sync,
    done: impl FnMut(usize, Result<ScenarioResult, RunError>),
) -> Option<()> {
    simulate_fold(scenarios, go_on, done, |_, _| {})
}

/// [`simulate_each`], showing each replication (scenario index, KPI values) to `visit` as it
/// is folded into its scenario's tally, in replication order. `done` and `visit` are called
/// on the calling thread, never at the same time.
pub fn simulate_fold(
    scenarios: &[Scenario],
    go_on: impl Fn() -> bool + Sync,
    mut done: impl FnMut(usize, Result<ScenarioResult, RunError>),
    visit: impl FnMut(usize, &ReplicationKpis),
) -> Option<()> {
    let tallies = scenarios.iter().map(ScenarioTally::new).collect();
    fold_into(
        scenarios,
        tallies,
        go_on,
        |s, t| done(s, t.map(|t| t.finish(&scenarios[s]))),
        visit,
    )
}

/// [`simulate_fold`] from where `tallies` (one per scenario) stand: each scenario's
/// replications from the number its tally holds on, folded into it in replication order;
/// each tally (or its scenario's first error) is handed to `done` once its last replication
/// is in. Replication `r` draws the random numbers of replication `r` whatever ran before, so
/// a tally of `n` replications taken on to `m` holds, to the bit, those of a run of `m` from
/// the first.
fn fold_into(
    scenarios: &[Scenario],
    tallies: Vec<ScenarioTally>,
    go_on: impl Fn() -> bool + Sync,
    mut done: impl FnMut(usize, Result<ScenarioTally, RunError>),
    mut visit: impl FnMut(usize, &ReplicationKpis),
) -> Option<()> {
    // the first replication each scenario runs: the one after those its tally holds
    let first: Vec<u64> = tallies
        .iter()
        .map(|t| t.replications.len() as u64)
        .collect();
    // each scenario's tally (or its first error, in replication order) until handed over
    let mut tallies: Vec<Option<Result<ScenarioTally, RunError>>> =
        tallies.into_iter().map(|t| Some(Ok(t))).collect();
    let failed = |t: &Option<Result<ScenarioTally, RunError>>| matches!(t, Some(Err(_)));
    // replications each scenario runs: final, or (to a precision) the end of its current
    // batch, which the fold of that batch settles or extends
    let mut batches: Vec<Batches> = scenarios.iter().map(Batches::of).collect();
    // the next (scenario, replication) to run
    let start = |s: usize| (s, first.get(s).copied().unwrap_or(0));
    let mut next = start(0);
    let mut chunk: Vec<(usize, u64)> = Vec::with_capacity(CHUNK);
    loop {
        // past every scenario whose replications are all decided and scheduled
        while next.0 < scenarios.len() && batches[next.0].settled && next.1 >= batches[next.0].limit
        {
            next = start(next.0 + 1);
        }
        if next.0 >= scenarios.len() {
            break;
        }
        chunk.clear();
        while chunk.len() < CHUNK && next.0 < scenarios.len() {
            let b = &batches[next.0];
            if next.1 >= b.limit {
                if !b.settled {
                    break; // the batch's fold decides whether more replications follow
                }
                next = start(next.0 + 1);
                continue;
            }
            // a scenario that failed runs no more replications
            if !failed(&tallies[next.0]) {
                chunk.push(next);
            }
            next.1 += 1;
        }
        // a replication after one of the same scenario that already failed is skipped: the
        // scenario's error is its first failing replication's, whatever the threads
        let first_failure: Vec<AtomicU64> =
            scenarios.iter().map(|_| AtomicU64::new(u64::MAX)).collect();
        let ran: Vec<Option<Result<ReplicationKpis, RunError>>> = chunk
            .par_iter()
            .map(|&(s, r)| {
                if !go_on() {
                    return None;
                }
                if first_failure[s].load(Ordering::Relaxed) < r {
                    return Some(None);
                }
                match replication_kpis_until(&scenarios[s], r, &go_on) {
                    Err(e) if e.why == Stopped::Interrupted => None,
                    Err(e) => {
                        first_failure[s].fetch_min(r, Ordering::Relaxed);
                        Some(Some(Err(e)))
                    }
                    Ok(kpis) => Some(Some(Ok(kpis))),
                }
            })
            .collect::<Option<_>>()?;
        for (&(s, _), kpis) in chunk.iter().zip(ran) {
            match (&mut tallies[s], kpis) {
                (Some(Ok(tally)), Some(Ok(kpis))) => {
                    tally.add(&kpis);
                    visit(s, &kpis);
                }
                (t @ Some(Ok(_)), Some(Err(e))) => *t = Some(Err(e)),
                _ => {} // skipped, or after its first error, which stands
            }
        }
        // a batch all in: precise enough (or at the maximum, or failed), else a next batch
        if next.0 < scenarios.len() && next.1 >= batches[next.0].limit {
            let s = next.0;
            match &mut tallies[s] {
                Some(Ok(tally)) => batches[s].decide(tally),
                _ => batches[s].settled = true,
            }
        }
        // hand over every scenario before `next`: all its replications are in (or skipped)
        let finished = if next.0 < scenarios.len()
            && batches[next.0].settled
            && next.1 >= batches[next.0].limit
        {
            next.0 + 1
        } else {
            next.0
        };
        for (s, tally) in tallies.iter_mut().enumerate().take(finished) {
            if let Some(t) = tally.take() {
                done(s, t);
            }
        }
    }
    // scenarios with no replication to run at the end
    for (s, tally) in tallies.iter_mut().enumerate() {
        if let Some(t) = tally.take() {
            done(s, t);
        }
    }
    Some(())
}

/// One scenario's run that can be taken further, day by day: replications `0..n` folded,
/// then `n..m` on top of them when more are wanted (a final check topped up with fresh
/// days), never running a replication twice. Replication `r` draws the random numbers of
/// replication `r`, so the result after `m` is, to the bit, that of a run of `m` replications
/// from the first. The scenario's own `[precision]` is not used: it runs the replications
/// asked.
#[derive(Debug, Clone)]
pub struct ContinuedRun {
    scenario: Scenario,
    tally: ScenarioTally,
}

impl ContinuedRun {
    /// No replication of `scenario` yet (its `replications` and `precision` are not used).
    pub fn new(mut scenario: Scenario) -> Self {
        scenario.precision = None;
        scenario.replications = 0;
        ContinuedRun {
            tally: ScenarioTally::new(&scenario),
            scenario,
        }
    }

    /// Replications folded so far.
    pub fn replications(&self) -> u32 {
        self.scenario.replications
    }

    /// Runs on to `replications` (only those not run yet; none when there are that many
    /// already), showing each new one to `visit` in replication order whatever the threads,
    /// and gives the averages over all of them. After an error it starts again from none.
    pub fn run_to(
        &mut self,
        replications: u32,
        mut visit: impl FnMut(&ReplicationKpis),
    ) -> Result<ScenarioResult, RunError> {
        self.scenario.replications = self.scenario.replications.max(replications);
        let tally = std::mem::replace(&mut self.tally, ScenarioTally::new(&self.scenario));
        let mut folded = None;
        fold_into(
            std::slice::from_ref(&self.scenario),
            vec![tally],
            || true,
            |_, t| folded = Some(t),
            |_, kpis| visit(kpis),
        );
        let Some(tally) = folded else {
            unreachable!("one scenario, never stopped: one tally")
        };
        let tally = match tally {
            Ok(t) => t,
            Err(e) => {
                self.scenario.replications = 0;
                return Err(e);
            }
        };
        self.tally = tally;
        Ok(self.tally.clone().finish(&self.scenario))
    }
}

/// How many replications a scenario runs: all of them at once, or (to a precision) batch
/// after batch until the whole-run KPIs are precise enough.
#[derive(Debug, Clone, Copy)]
struct Batches {
    /// Replications to run so far (the end of the current batch).
    limit: u64,
    /// True once `limit` is final.
    settled: bool,
}

impl Batches {
    /// The first batch of `scenario`: every replication, or (to a precision) its
    /// replications, at least [`precision::MIN_FIRST_BATCH`], at most the maximum.
    fn of(scenario: &Scenario) -> Self {
        match &scenario.precision {
            None => Batches {
                limit: u64::from(scenario.replications),
                settled: true,
            },
            Some(p) => Batches {
                limit: u64::from(
                    scenario
                        .replications
                        .max(precision::MIN_FIRST_BATCH)
                        .min(p.max_replications),
                ),
                settled: false,
            },
        }
    }

    /// After a batch is folded into `tally`: stop (precise enough, or at the maximum) and
    /// record how far it got, or extend to the next batch.
    fn decide(&mut self, tally: &mut ScenarioTally) {
        let Some(p) = &tally.precision else {
            self.settled = true;
            return;
        };
        let n = tally.replications.len() as u32;
        let reached = p.reached(n, |kpi| Some(tally.total(kpi)));
        if reached.met || n >= p.max_replications {
            self.settled = true;
        } else {
            // whole blocks of stratified days
            self.limit = u64::from(p.next_total(&reached).next_multiple_of(tally.strata))
                .min(u64::from(p.max_replications));
        }
        tally.reached = Some(reached);
    }
}

/// Replications per block of `scenario`'s days: [`STRATA`] when they are stratified, else 1.
pub fn strata(scenario: &Scenario) -> u32 {
    if scenario.stratified_days { STRATA } else { 1 }
}

/// A scenario's replications folded in replication order, without keeping them (but their
/// whole-run KPI values, for paired comparisons).
#[derive(Debug, Clone)]
pub struct ScenarioTally {
    rows: RowsTally,
    /// Each day's KPIs, with several days.
    days: Vec<Vec<MeanCiTally>>,
    calls: u64,
    waits: WaitHistogram,
    replications: Vec<Vec<f64>>,
    skills: Option<SkillTally>,
    /// The precision asked, if any, and how far the last batch got.
    precision: Option<Precision>,
    reached: Option<PrecisionReached>,
    /// With a control variate: the customers expected per replication.
    control: Option<f64>,
    /// Replications per block of stratified days (1: independent days).
    strata: u32,
}

impl ScenarioTally {
    /// The tally of no replication of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        ScenarioTally {
            rows: RowsTally::new(scenario.run_intervals()),
            // one row per day with several days; none for a day alone
            days: vec![
                vec![MeanCiTally::new(); Kpi::ALL.len()];
                if scenario.days > 1 {
                    scenario.days as usize
                } else {
                    0
                }
            ],
            calls: 0,
            waits: WaitHistogram::default(),
            replications: Vec::new(),
            skills: scenario
                .skills
                .as_ref()
                .map(|model| SkillTally::new(model, scenario.run_intervals())),
            precision: scenario.precision.clone(),
            reached: None,
            control: scenario
                .control_variate
                .then(|| expected_customers(scenario))
                .flatten(),
            strata: strata(scenario),
        }
    }

    /// The whole-run value of `kpi` so far: its mean over the replications; with stratified
    /// days the stratified mean; with a control variate either corrected by the customers who
    /// called (`customers` itself, whose mean is the control's, is not).
    fn total(&self, kpi: Kpi) -> MeanCi {
        let column =
            |k: Kpi| -> Vec<f64> { self.replications.iter().map(|r| r[k.index()]).collect() };
        let control = self.control.filter(|_| kpi != Kpi::Customers);
        if self.strata > 1 {
            let x = control.map(|mu| (column(Kpi::Customers), mu));
            let x = x.as_ref().map(|(x, mu)| (x.as_slice(), *mu));
            return stratified_mean(&column(kpi), x, self.strata as usize);
        }
        match control {
            Some(mu) => control_variate_mean(&column(kpi), &column(Kpi::Customers), mu),
            None => self.rows.total[kpi.index()].mean_ci(),
        }
    }

    /// Adds the next replication (they must come in replication order).
    pub fn add(&mut self, kpis: &ReplicationKpis) {
        self.rows.add(&kpis.total, &kpis.intervals);
        for (tallies, row) in self.days.iter_mut().zip(&kpis.days) {
            for (t, x) in tallies.iter_mut().zip(row) {
                t.add(*x);
            }
        }
        self.calls += kpis.calls;
        self.waits.merge(&kpis.waits);
        self.replications.push(kpis.total.clone());
        if let (Some(tally), Some(rep)) = (&mut self.skills, &kpis.skills) {
            tally.add(rep);
        }
    }

    /// The averages over the replications added.
    pub fn finish(self, scenario: &Scenario) -> ScenarioResult {
        let kpis = kpis_of(scenario);
        let (mut total, intervals) = self.rows.sets(&kpis);
        if self.control.is_some() || self.strata > 1 {
            total = KpiSet::new(kpis.clone(), kpis.iter().map(|&k| self.total(k)).collect());
        }
        let skills = self
            .skills
            .map(|t| t.finish(scenario, &skills::type_kpis(scenario)));
        let mut scenario = scenario.clone();
        if scenario.precision.is_some() {
            // the replications it took
            scenario.replications = self.replications.len() as u32;
        }
        ScenarioResult {
            scenario,
            // empty for a day alone, as `new` left it
            days: self
                .days
                .iter()
                .map(|t| KpiSet::from_tallies(&kpis, t))
                .collect(),
            precision: self.reached,
            control_expected: self.control,
            total,
            intervals,
            calls_simulated: self.calls,
            waits: self.waits,
            replications: self.replications,
            skills,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support;
    use crate::stats::mean_ci;

    fn small(name: &str, replications: u32) -> Scenario {
        let patience = crate::model::Dist::exponential(60.0).ok();
        let mut sc = test_support::day(&[20.0, 30.0], &[2, 3], patience);
        sc.name = name.into();
        sc.replications = replications;
        sc.busyness_cv = 0.1;
        sc
    }

    /// Replications folded in chunks give the two-pass means to the bit and half-widths to
    /// 1e-12, the same bits for 1 and 2 threads, and each scenario is handed over, in order,
    /// as soon as its replications are in.
    #[test]
    fn chunks_stream_in_replication_order() {
        let scenarios = [
            small("a", (CHUNK + 44) as u32),
            small("b", 300),
            small("c", 3),
        ];
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let started = std::sync::atomic::AtomicUsize::new(0);
            let mut handed = Vec::new();
            pool.install(|| {
                simulate_each(
                    &scenarios,
                    || {
                        started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        true
                    },
                    |s, r| {
                        handed.push((
                            s,
                            started.load(std::sync::atomic::Ordering::Relaxed),
                            r.unwrap(),
                        ))
                    },
                )
            })
            .unwrap();
            handed
        };
        let one = run(1);
        let two = run(2);
        assert_eq!(one.iter().map(|h| h.0).collect::<Vec<_>>(), [0, 1, 2]);
        // each scenario was handed over once the chunk holding its last replication was
        // folded, before any later chunk started: never more than one chunk of replications
        // (their interval rows and histograms) held, whatever the replications
        let all: usize = scenarios.iter().map(|s| s.replications as usize).sum();
        for handed in [&one, &two] {
            let mut through = 0; // replications of the scenarios handed over so far
            for (s, started, _) in handed {
                through += scenarios[*s].replications as usize;
                assert_eq!(*started, (through.div_ceil(CHUNK) * CHUNK).min(all), "{s}");
            }
        }
        assert!(one[0].1 < all, "{} of {all}", one[0].1);
        for ((_, _, x), (_, _, y)) in one.iter().zip(&two) {
            for ((_, u), (_, v)) in x.total.iter().zip(y.total.iter()) {
                assert_eq!(
                    (u.mean.to_bits(), u.ci95.to_bits()),
                    (v.mean.to_bits(), v.ci95.to_bits())
                );
            }
        }
        // against the two-pass mean and half-width of the same replications
        let a = &one[0].2;
        for (kpi, v) in a.total.iter() {
            let whole = mean_ci(a.replications.iter().map(|r| r[kpi.index()]));
            assert_eq!(v.mean.to_bits(), whole.mean.to_bits(), "{kpi:?}");
            assert!(
                (v.ci95 - whole.ci95).abs() <= 1e-12 * whole.ci95.abs().max(1e-300)
                    || v.ci95 == whole.ci95,
                "{kpi:?}: {} against {}",
                v.ci95,
                whole.ci95
            );
        }
    }

    /// Issue 22: a run to a precision stops at the first batch where every named KPI's
    /// half-width is within its target (not before: the batch before was too wide), the same
    /// replications and bits for 1 and 2 threads, before and after scenarios of fixed
    /// replications; at its maximum it stops and says it did not get there.
    #[test]
    fn runs_to_a_precision_stop_when_precise_enough_whatever_the_threads() {
        let precision = Precision::parse("service_level=0.02,asa_s=10%", 2_000).unwrap();
        let mut precise = small("precise", 10);
        precise.precision = Some(precision.clone());
        let mut capped = small("capped", 10);
        capped.precision = Some(Precision::parse("service_level=0.0001", 60).unwrap());
        let scenarios = [small("before", 30), precise, capped, small("after", 7)];
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| simulate(&scenarios))
                .into_iter()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
        };
        let (one, two) = (run(1), run(2));
        let bits = |r: &ScenarioResult| -> Vec<Vec<u64>> {
            r.replications
                .iter()
                .map(|row| row.iter().map(|x| x.to_bits()).collect())
                .collect()
        };
        for (x, y) in one.iter().zip(&two) {
            assert_eq!(bits(x), bits(y), "{}", x.scenario.name);
            assert_eq!(x.precision, y.precision);
        }
        // fixed scenarios are untouched, and report no precision
        assert_eq!(one[0].replications.len(), 30);
        assert_eq!(one[3].replications.len(), 7);
        assert!(one[0].precision.is_none());
        let got = &one[1];
        let reached = got.precision.as_ref().unwrap();
        let n = got.replications.len();
        assert!(reached.met && n > 10 && n < 2_000, "{n}");
        assert_eq!(got.scenario.replications as usize, n);
        for &(kpi, half) in &precision.targets {
            let v = got.total.get(kpi).unwrap();
            assert!(v.ci95 <= half.allowed(v.mean), "{kpi:?}: {v:?}");
        }
        // the batch before the last was not precise enough (else it would have stopped)
        let mut fewer = scenarios[1].clone();
        let schedule = batch_ends(&fewer, got);
        let before = *schedule.iter().rev().nth(1).unwrap();
        fewer.precision = None;
        fewer.replications = before as u32;
        let earlier = simulate_one(&fewer).unwrap();
        assert!(
            precision.targets.iter().any(|&(kpi, half)| {
                let v = earlier.total.get(kpi).unwrap();
                v.ci95 > half.allowed(v.mean)
            }),
            "{schedule:?}"
        );
        // the maximum stops a precision that cannot be had
        let capped = &one[2];
        assert_eq!(capped.replications.len(), 60);
        assert!(!capped.precision.as_ref().unwrap().met);
    }

    /// A run taken on from 30 replications to 300 (past a chunk) runs only the 270 new ones
    /// and gives, to the bit, the run of 300 from the first, for 1 and 2 threads; asked for
    /// fewer than it has, it runs nothing. The scenario's own precision is not used.
    #[test]
    fn a_continued_run_runs_each_replication_once_and_equals_a_run_from_the_first() {
        let mut scenario = small("continued", 30);
        scenario.precision = Some(Precision::parse("service_level=0.5", 40).unwrap());
        let mut whole = scenario.clone();
        whole.precision = None;
        whole.replications = 300;
        let from_the_first = format!("{:?}", simulate_one(&whole).unwrap());
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut run = ContinuedRun::new(scenario.clone());
            let ran = AtomicU64::new(0);
            let count = |_: &ReplicationKpis| {
                ran.fetch_add(1, Ordering::Relaxed);
            };
            pool.install(|| run.run_to(30, count)).unwrap();
            assert_eq!(ran.load(Ordering::Relaxed), 30);
            let topped = pool.install(|| run.run_to(300, count)).unwrap();
            assert_eq!(ran.load(Ordering::Relaxed), 300, "{threads} thread(s)");
            assert_eq!(format!("{topped:?}"), from_the_first, "{threads} thread(s)");
            let again = run.run_to(10, count).unwrap();
            assert_eq!(ran.load(Ordering::Relaxed), 300);
            assert_eq!(format!("{again:?}"), from_the_first);
            assert_eq!(run.replications(), 300);
        }
    }

    /// The ends of the batches a run to a precision went through: replaying its decisions on
    /// the replications it kept (the whole-run values, in order).
    fn batch_ends(scenario: &Scenario, result: &ScenarioResult) -> Vec<usize> {
        let p = scenario.precision.clone().unwrap();
        let mut ends = vec![scenario.replications.max(precision::MIN_FIRST_BATCH) as usize];
        loop {
            let n = *ends.last().unwrap();
            let total = |kpi: Kpi| {
                Some(mean_ci(
                    result.replications[..n].iter().map(|r| r[kpi.index()]),
                ))
            };
            let reached = p.reached(n as u32, total);
            if reached.met || n >= result.replications.len() {
                return ends;
            }
            ends.push(p.next_total(&reached) as usize);
        }
    }
}
