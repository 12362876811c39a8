//! Arrivals: a Poisson process whose rate is constant within each interval, optionally scaled
//! for the whole day by a busyness factor (gamma with mean 1), which makes day totals
//! over-dispersed the way real days are.

use super::config::Scenario;
use rand::Rng;
use rand_distr::{Distribution, Exp1, Open01};

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

/// Replications in one block of stratified days ([`stratified_busyness`]).
pub const STRATA: u32 = 10;

/// The busyness factor of replication `replication` with stratified days: replication `j` of
/// each block of [`STRATA`] draws from the `j`-th of [`STRATA`] equally likely slices of the
/// gamma, by inversion at `(j + U) ÷ STRATA`, `U` uniform on (0, 1) drawn from `rng`. Every
/// block then has one of the quietest tenth of days, one of the busiest tenth, and one of each
/// tenth between.
pub fn stratified_busyness<R: Rng + ?Sized>(cv: f64, replication: u64, rng: &mut R) -> f64 {
    let u: f64 = Open01.sample(rng);
    let slice = (replication % u64::from(STRATA)) as f64;
    busyness_quantile(cv, (slice + u) / f64::from(STRATA))
}

/// The `p`-quantile of the day-level busyness factor (gamma with mean 1 and coefficient of
/// variation `cv`); 1 when `cv` is 0 or `p` is outside (0, 1).
pub fn busyness_quantile(cv: f64, p: f64) -> f64 {
    if !(cv > 0.0 && cv.is_finite() && p > 0.0 && p < 1.0) {
        return 1.0;
    }
    let shape = 1.0 / (cv * cv);
    match statrs::distribution::Gamma::new(shape, shape) {
        Ok(g) => {
            let q = statrs::distribution::ContinuousCDF::inverse_cdf(&g, p);
            if q.is_finite() && q > 0.0 { q } else { 1.0 }
        }
        Err(_) => 1.0,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Gamma};

    #[test]
    fn busyness_quantiles_are_those_of_the_gamma_day_factor() {
        assert_eq!(busyness_quantile(0.0, 0.9), 1.0);
        // cv 1: exponential with mean 1, p-quantile −ln(1 − p)
        let q = busyness_quantile(1.0, 0.9);
        assert!((q - 10f64.ln()).abs() < 1e-6, "{q}");
        // small cv: about normal, 1 + 1.2816 cv
        let q = busyness_quantile(0.05, 0.9);
        assert!((q - (1.0 + 1.2816 * 0.05)).abs() < 2e-3, "{q}");
        assert!(busyness_quantile(0.2, 0.5) < 1.0); // the median is below the mean
    }

    #[test]
    fn each_block_of_stratified_days_has_one_day_in_each_tenth() {
        let cv = 0.15;
        let gamma = Gamma::new(1.0 / (cv * cv), 1.0 / (cv * cv)).unwrap();
        let mut rng = crate::engine::streams(5, 0, crate::engine::Stream(3));
        for r in 0..3 * u64::from(STRATA) {
            let p = gamma.cdf(stratified_busyness(cv, r, &mut rng));
            let slice = (p * f64::from(STRATA)).floor() as u64;
            assert_eq!(slice, r % u64::from(STRATA), "replication {r}: p = {p}");
        }
        assert_eq!(stratified_busyness(0.0, 3, &mut rng), 1.0);
    }
}
