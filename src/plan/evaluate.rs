//! Evaluating a staffing: the whole day simulated with the given agents per interval, every
//! replication in parallel on the current rayon pool. An evaluator keeps its seed, so two
//! staffings it evaluates see exactly the same callers (common random numbers): their
//! difference is the staffing's effect, not noise. Each simulated day is also judged against
//! the targets as it is folded: the share of days on which each interval met them, and, for
//! [`super::Criterion::ShareOfDays`], the day values the criterion reads.

use super::PLANNED_KPIS;
use super::guide::Guide;
use crate::model::Scenario;
use crate::simulate::{ContinuedRun, KpiSet, ReplicationKpis, RunError, ScenarioResult};
use crate::stats::{Kpi, MeanCi};

/// One staffing simulated: the averages, and the days judged against the targets.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// Means and 95% CIs over the replications, as `callsim run` reports them.
    pub(crate) result: ScenarioResult,
    /// Per interval, the KPIs as the criterion reads them against the targets: the means with
    /// their CIs ([`super::Criterion::Mean`], [`super::Criterion::Ci95`]), or for
    /// [`super::Criterion::ShareOfDays`]`(p)` the value reached on at least a share `p` of the days
    /// (the service level's (1 − p)-quantile over the days, the limits' p-quantile), so that
    /// it meets its target exactly when the target is met on at least that share of days.
    pub(crate) judged: Vec<KpiSet>,
    /// Per interval, the share of simulated days on which it met every target at once.
    pub(crate) days_met: Vec<f64>,
}

/// Simulates staffings of one scenario with fixed seeds.
#[derive(Debug, Clone)]
pub(crate) struct Evaluator {
    /// The scenario with the planner's threshold, seed and replications; agents replaced.
    base: Scenario,
    /// The targets and the criterion each day is judged by.
    guide: Guide,
    /// Number of days simulated so far (each with every replication; a top-up counts as one).
    pub(crate) evaluations: usize,
    /// Replications simulated so far, over every evaluation (a top-up's new ones only).
    pub(crate) replications_run: u64,
    /// The last staffing evaluated and its days so far, which a top-up takes on.
    last: Option<Folded>,
}

/// One staffing's days folded so far: the averages, and each day judged against the targets.
#[derive(Debug, Clone)]
struct Folded {
    /// Agents on the phones in each interval.
    agents: Vec<u32>,
    /// The days so far, which more days continue.
    run: ContinuedRun,
    /// Each day so far judged against the targets.
    judge: DayJudge,
}

impl Evaluator {
    /// An evaluator of `base` (its seed and replications are used as they are), judging
    /// days by `guide`'s targets and criterion.
    pub(crate) fn new(base: Scenario, guide: &Guide) -> Self {
        Self {
            base,
            guide: guide.clone(),
            evaluations: 0,
            replications_run: 0,
            last: None,
        }
    }

    /// Simulates every replication with `agents` on the phones in each interval, folded as
    /// they finish (memory does not grow with the replications, but for the day values that
    /// [`super::Criterion::ShareOfDays`] sorts: four numbers per interval and day).
    pub(crate) fn run(&mut self, agents: &[u32]) -> Result<Evaluation, RunError> {
        self.last = None;
        self.fold(agents)
    }

    /// Takes the evaluation of `agents` on to `replications` days, as later evaluations will
    /// run (more fresh days for a final check topped up to a precision): after the last
    /// evaluation, of the same agents, only the days it has not run (replication `r` draws
    /// the numbers of replication `r`, so the result is, to the bit, that of a run of
    /// `replications` from the first day); after another staffing, all of them.
    pub(crate) fn top_up(
        &mut self,
        agents: &[u32],
        replications: u32,
    ) -> Result<Evaluation, RunError> {
        self.base.replications = replications;
        self.fold(agents)
    }

    /// Folds the days of `agents` not folded yet, up to the base's replications.
    fn fold(&mut self, agents: &[u32]) -> Result<Evaluation, RunError> {
        let n = self.base.intervals();
        let mut last = match self.last.take() {
            Some(last) if last.agents == agents => last,
            _ => {
                let mut scenario = self.base.clone();
                scenario.agents = agents.to_vec();
                Folded {
                    agents: agents.to_vec(),
                    run: ContinuedRun::new(scenario),
                    judge: DayJudge::new(self.guide.clone(), n),
                }
            }
        };
        let judge = &mut last.judge;
        let mut days = 0u64;
        let result = last.run.run_to(self.base.replications, |day| {
            days += 1;
            judge.add(day);
        })?;
        self.evaluations += 1;
        self.replications_run += days;
        let judged = last.judge.judged(&result);
        let days_met = last.judge.shares();
        self.last = Some(last);
        Ok(Evaluation {
            result,
            judged,
            days_met,
        })
    }
}

/// Each simulated day of one queue judged against a plan's targets as a run is folded (a
/// plan's evaluations and final check, or a roster's check with the same seeds and
/// targets): the days on which each interval met every target at once (a day without calls
/// in the interval meets), and for [`super::Criterion::ShareOfDays`] the day values it reads.
#[derive(Debug, Clone)]
pub struct DayJudge {
    /// The targets and the criterion each day is judged by.
    guide: Guide,
    /// Per interval, the days on which it met every target.
    met: Vec<u64>,
    /// Days judged.
    days: u64,
    /// The day values [`super::Criterion::ShareOfDays`] reads (empty without it).
    values: DayValues,
}

impl DayJudge {
    /// No day judged yet, of `intervals` intervals, against `guide`'s targets and criterion.
    pub(crate) fn new(guide: Guide, intervals: usize) -> Self {
        let kept = match guide.criterion().share_of_days() {
            Some(_) => intervals,
            None => 0,
        };
        Self {
            guide,
            met: vec![0; intervals],
            days: 0,
            values: DayValues::new(kept),
        }
    }

    /// Judges one simulated day.
    pub fn add(&mut self, day: &ReplicationKpis) {
        self.days += 1;
        for (met, row) in self.met.iter_mut().zip(&day.intervals) {
            *met += u64::from(self.guide.day_meets(row));
        }
        self.values.add(day);
    }

    /// Per interval, the share of the days judged on which it met every target (0 with no
    /// day).
    pub fn shares(&self) -> Vec<f64> {
        let days = self.days.max(1) as f64;
        self.met.iter().map(|&m| m as f64 / days).collect()
    }

    /// The intervals of `result` (the run of the days judged) as the criterion reads them
    /// (see [`Evaluation::judged`]).
    pub(crate) fn judged(&self, result: &ScenarioResult) -> Vec<KpiSet> {
        match self.guide.criterion().share_of_days() {
            Some(p) => self.values.judged(result, p),
            None => result.intervals.clone(),
        }
    }

    /// The intervals of `result` (the run of the days judged) that miss a target as the
    /// criterion reads it: the mean, the whole 95% CI, or the share of days (each target on
    /// at least `ceil(p × n)` of the `n` days), as the plan's final check judges its own.
    pub fn short(&self, result: &ScenarioResult) -> Vec<usize> {
        super::refine::missing_of(&self.guide, &self.judged(result))
    }
}

/// The values of the target KPIs of each interval on each simulated day.
#[derive(Debug, Clone)]
struct DayValues {
    /// `by_interval[k][d]`: interval `k` on day `d`, in [`PLANNED_KPIS`] order.
    by_interval: Vec<Vec<[f64; 4]>>,
}

impl DayValues {
    /// Room for `intervals` intervals (0: keep nothing).
    fn new(intervals: usize) -> Self {
        Self {
            by_interval: vec![Vec::new(); intervals],
        }
    }

    /// Keeps one day's values.
    fn add(&mut self, day: &ReplicationKpis) {
        for (days, row) in self.by_interval.iter_mut().zip(&day.intervals) {
            days.push(PLANNED_KPIS.map(|kpi| row[kpi.index()]));
        }
    }

    /// The intervals of `result` with each target KPI replaced by the value reached on at
    /// least a share `p` of the days (see [`Evaluation::judged`]).
    fn judged(&self, result: &ScenarioResult, p: f64) -> Vec<KpiSet> {
        result
            .intervals
            .iter()
            .zip(&self.by_interval)
            .map(|(means, days)| {
                let values = means.iter().map(|(kpi, v)| {
                    match PLANNED_KPIS.iter().position(|&t| t == kpi) {
                        Some(i) => MeanCi {
                            mean: reached_on_share(
                                days.iter().map(|d| d[i]),
                                p,
                                kpi == Kpi::ServiceLevel,
                            ),
                            ci95: f64::NAN,
                            n: days.len(),
                        },
                        None => v,
                    }
                });
                KpiSet::new(means.kpis().to_vec(), values.collect())
            })
            .collect()
    }
}

/// The value a KPI reaches on at least a share `p` of the days: for a KPI that must stay
/// high (the service level), the largest `x` with `value >= x` on at least `ceil(p·n)` days;
/// for one that must stay low, the smallest `x` with `value <= x` on that many days. A day
/// where the KPI is undefined (no calls) counts as meeting any target; NaN when too few days
/// have a value to decide (every target is then met).
pub(crate) fn reached_on_share(days: impl Iterator<Item = f64>, p: f64, high_is_good: bool) -> f64 {
    let mut values: Vec<f64> = days
        .map(|v| match (v.is_nan(), high_is_good) {
            (false, _) => v,
            (true, true) => f64::INFINITY,
            (true, false) => f64::NEG_INFINITY,
        })
        .collect();
    if values.is_empty() {
        return f64::NAN;
    }
    // the number of days that must meet: ceil(p·n), at least 1 (a hair below p·n is p·n,
    // so that 0.9 × 10 days asks for 9, not 10)
    let n = values.len();
    let need = ((p * n as f64 - 1e-9).ceil() as usize).clamp(1, n);
    if high_is_good {
        values.sort_by(|a, b| b.total_cmp(a));
    } else {
        values.sort_by(|a, b| a.total_cmp(b));
    }
    let x = values[need - 1];
    if x.is_finite() { x } else { f64::NAN }
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

#[cfg(test)]
mod tests {
    use super::reached_on_share;

    #[test]
    fn the_value_reached_on_a_share_of_days_is_an_order_statistic() {
        // ten days of service level 0.50, 0.55, ..., 0.95
        let sl: Vec<f64> = (0..10).map(|d| 0.5 + 0.05 * f64::from(d)).collect();
        // met on 9 of 10 days: every day but the worst reaches 0.55
        let x = reached_on_share(sl.iter().copied(), 0.9, true);
        assert!((x - 0.55).abs() < 1e-12);
        // on every day: the worst
        assert!((reached_on_share(sl.iter().copied(), 1.0, true) - 0.5).abs() < 1e-12);
        // a limit (abandonment) kept on 9 of 10 days: every day but the worst
        let x = reached_on_share(sl.iter().copied(), 0.9, false);
        assert!((x - 0.9).abs() < 1e-12);
        // 0.85 of 10 days asks for 9 days (ceil 8.5)
        assert!((reached_on_share(sl.iter().copied(), 0.85, true) - 0.55).abs() < 1e-12);
    }

    #[test]
    fn a_day_without_calls_meets_and_too_few_values_decide_nothing() {
        let days = [f64::NAN, 0.2, f64::NAN, f64::NAN];
        // three of four days have no calls: on 75% of days the service level is "met"
        assert!(reached_on_share(days.iter().copied(), 0.75, true).is_nan());
        // on every day, the one day with calls decides
        assert!((reached_on_share(days.iter().copied(), 1.0, true) - 0.2).abs() < 1e-12);
        assert!(reached_on_share(std::iter::empty(), 0.9, true).is_nan());
    }
}
