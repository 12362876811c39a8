//! Arrivals: a Poisson process whose rate is constant within each interval, optionally scaled
//! for the whole day by a busyness factor (gamma with mean 1), which makes day totals
//! over-dispersed the way real days are.

use super::config::Scenario;
use rand::Rng;
use rand_distr::{Distribution, Exp1};

/// The arrival times of one replication, generated one at a time.
#[derive(Debug)]
pub struct ArrivalProcess {
    /// (end time, rate in calls per second) of each segment of constant rate, in time order.
    segments: Vec<(f64, f64)>,
    segment: usize,
    now: f64,
}

impl ArrivalProcess {
    /// The arrival process of `scenario` with every rate multiplied by `busyness` (1 for an
    /// ordinary day).
    pub fn new(scenario: &Scenario, busyness: f64) -> Self {
        let start = scenario.measure_start_s();
        let mut segments = Vec::with_capacity(scenario.intervals() + 1);
        if start > 0.0 {
            // steady-state warm-up runs at the first interval's rate
            segments.push((start, scenario.arrival_rate[0] * busyness));
        }
        for (k, rate) in scenario.arrival_rate.iter().enumerate() {
            let end = start + scenario.interval_s * (k + 1) as f64;
            segments.push((end, rate * busyness));
        }
        ArrivalProcess {
            segments,
            segment: 0,
            now: 0.0,
        }
    }

    /// The next arrival time in seconds, or `None` once arrivals have stopped (close).
    ///
    /// Inversion of the cumulative rate: one unit-exponential draw is spent across segments,
    /// so a rate change at an interval boundary is exact.
    #[inline]
    pub fn next<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<f64> {
        let mut need: f64 = Exp1.sample(rng);
        while let Some(&(end, rate)) = self.segments.get(self.segment) {
            if rate > 0.0 {
                let t = self.now + need / rate;
                if t < end {
                    self.now = t;
                    return Some(t);
                }
                need -= (end - self.now) * rate;
            }
            self.now = end;
            self.segment += 1;
        }
        None
    }
}

/// How the replications draw their days' busyness factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DaySampling {
    /// Each day its own gamma draw, independent of the others.
    #[default]
    Independent,
    /// In each block of [`STRATA`] consecutive replications, replication `j` of the block
    /// draws from the `j`-th of [`STRATA`] equally likely slices of the gamma (inversion at
    /// `(j + U) ÷ STRATA`): every block has one quiet day, one busy day, and one of each
    /// in between.
    Stratified,
    /// Pairs of replications: the second draws its busyness by inversion at `1 − U`, `U`
    /// the first's.
    Antithetic,
}

/// Replications in one block of stratified days.
pub const STRATA: u64 = 10;

/// The busyness factor of replication `replication` drawn as `sampling` says; `uniform(r)`
/// is the uniform draw of replication `r`'s busyness stream.
pub fn sampled_busyness(
    cv: f64,
    sampling: DaySampling,
    replication: u64,
    uniform: impl Fn(u64) -> f64,
) -> f64 {
    let p = match sampling {
        DaySampling::Independent => unreachable!(),
        DaySampling::Stratified => {
            ((replication % STRATA) as f64 + uniform(replication)) / STRATA as f64
        }
        DaySampling::Antithetic => {
            let u = uniform(replication - replication % 2);
            if replication % 2 == 0 { u } else { 1.0 - u }
        }
    };
    crate::plan::busyness_quantile(cv, p)
}

/// The day-level busyness factor: gamma with mean 1 and coefficient of variation `cv`
/// (1 when `cv` is 0).
pub fn busyness_factor<R: Rng + ?Sized>(cv: f64, rng: &mut R) -> f64 {
    if cv <= 0.0 {
        return 1.0;
    }
    let shape = 1.0 / (cv * cv);
    match rand_distr::Gamma::new(shape, 1.0 / shape) {
        Ok(g) => g.sample(rng),
        Err(_) => 1.0, // unreachable: validation keeps cv finite and positive
    }
}
