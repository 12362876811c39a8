//! The distribution of an interval's calls: Poisson with mean `μB`, the day's busyness `B`
//! gamma with mean 1 and coefficient of variation `cv` — a negative binomial (Poisson when
//! `cv` is 0).

use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};

/// The calls of an interval: expected `mu`, busyness cv `cv`.
#[derive(Debug, Clone, Copy)]
pub struct IntervalCalls {
    mu: f64,
    cv: f64,
}

impl IntervalCalls {
    /// Calls with mean `mu` ≥ 0 and a busyness cv `cv` ≥ 0 (non-finite values count as 0).
    pub fn new(mu: f64, cv: f64) -> Self {
        let clean = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
        IntervalCalls {
            mu: clean(mu),
            cv: clean(cv),
        }
    }

    /// `P(calls ≤ x)`; 0 below 0.
    pub fn cdf(&self, x: i64) -> f64 {
        if x < 0 {
            return 0.0;
        }
        if self.mu == 0.0 {
            return 1.0;
        }
        let x = x as u64;
        let shape = 1.0 / (self.cv * self.cv);
        if self.cv < 1e-6 {
            Poisson::new(self.mu).map_or(1.0, |p| p.cdf(x))
        } else {
            NegativeBinomial::new(shape, shape / (shape + self.mu)).map_or(1.0, |nb| nb.cdf(x))
        }
    }

    /// The smallest count `x` with `P(calls ≤ x) ≥ q`, for `q` in (0, 1).
    pub fn quantile(&self, q: f64) -> u64 {
        if self.mu == 0.0 {
            return 0;
        }
        let sd = (self.mu + (self.cv * self.mu).powi(2)).sqrt();
        let mut hi = (self.mu + 10.0 * sd).ceil().max(1.0) as i64;
        for _ in 0..64 {
            if self.cdf(hi) >= q {
                break;
            }
            hi = hi.saturating_mul(2);
        }
        let mut lo = -1i64; // cdf(lo) < q
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.cdf(mid) >= q {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi.max(0) as u64
    }

    /// How far a count `y` lies inside the central `1 − 2·tail` interval, as the expectation
    /// of the randomized PIT: the share of the jump of the distribution function at `y`,
    /// `[F(y−1), F(y)]`, that lies in `[tail, 1 − tail]`. Averaged over counts drawn from this
    /// distribution it is exactly `1 − 2·tail`, although counts are whole numbers.
    pub fn inside(&self, y: u64, tail: f64) -> f64 {
        let (below, upto) = (self.cdf(y as i64 - 1), self.cdf(y as i64));
        let jump = upto - below;
        if jump <= 0.0 {
            return f64::from(u8::from(below >= tail && below <= 1.0 - tail));
        }
        let overlap = (upto.min(1.0 - tail) - below.max(tail)).max(0.0);
        overlap / jump
    }
}

/// p10, p50 and p90 of the calls of an interval with mean `mu` and busyness cv `cv`.
pub fn counts_quantiles(mu: f64, cv: f64) -> [u64; 3] {
    let calls = IntervalCalls::new(mu, cv);
    [0.1, 0.5, 0.9].map(|q| calls.quantile(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_quantiles_are_the_textbook_ones() {
        // Poisson(10): P(≤5) = 0.067, P(≤6) = 0.130; P(≤9) = 0.458, P(≤10) = 0.583;
        // P(≤13) = 0.864, P(≤14) = 0.917
        assert_eq!(counts_quantiles(10.0, 0.0), [6, 10, 14]);
        assert_eq!(counts_quantiles(0.0, 0.3), [0, 0, 0]);
    }

    #[test]
    fn busyness_widens_the_interval() {
        let [lo, _, hi] = counts_quantiles(100.0, 0.0);
        let [wlo, _, whi] = counts_quantiles(100.0, 0.2);
        assert!(wlo < lo && whi > hi, "{wlo}..{whi} against {lo}..{hi}");
    }

    #[test]
    fn the_inside_weight_averages_to_the_nominal_share() {
        for (mu, cv) in [(3.0, 0.0), (40.0, 0.1), (500.0, 0.3)] {
            let calls = IntervalCalls::new(mu, cv);
            let top = calls.quantile(1.0 - 1e-12);
            let mean: f64 = (0..=top)
                .map(|y| (calls.cdf(y as i64) - calls.cdf(y as i64 - 1)) * calls.inside(y, 0.1))
                .sum();
            assert!((mean - 0.8).abs() < 1e-6, "mu {mu} cv {cv}: {mean}");
        }
    }
}
