//! Balking: callers told the expected wait on arrival may hang up at once. The probability
//! grows with the announced wait: linear between the given points, from 0 at a wait of 0,
//! and constant beyond the last point. A balked caller counts as abandoned at time 0 (and
//! may call again, with `[retrials]`).

use super::dist::unit_interval;
use rand::Rng;

/// The `[balking]` section: (announced wait in seconds, probability of hanging up) points,
/// waits strictly increasing.
#[derive(Debug, Clone, PartialEq)]
pub struct BalkingCurve {
    /// Announced waits, seconds, strictly increasing.
    pub announced_wait_s: Vec<f64>,
    /// Probability of hanging up at each announced wait, in [0, 1].
    pub probability: Vec<f64>,
}

impl BalkingCurve {
    /// Probability that a caller told `wait_s` seconds hangs up at once.
    pub fn probability_at(&self, wait_s: f64) -> f64 {
        let mut previous = (0.0, 0.0);
        for (&w, &p) in self.announced_wait_s.iter().zip(&self.probability) {
            if wait_s <= w {
                let (w0, p0) = previous;
                return if w > w0 {
                    p0 + (p - p0) * (wait_s - w0) / (w - w0)
                } else {
                    p
                };
            }
            previous = (w, p);
        }
        previous.1
    }

    /// Does a caller told `wait_s` seconds hang up at once? Draws one number.
    pub fn balks<R: Rng + ?Sized>(&self, wait_s: f64, rng: &mut R) -> bool {
        unit_interval(rng) < self.probability_at(wait_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_between_points() {
        let curve = BalkingCurve {
            announced_wait_s: vec![30.0, 120.0, 300.0],
            probability: vec![0.05, 0.2, 0.5],
        };
        assert_eq!(curve.probability_at(0.0), 0.0);
        assert!((curve.probability_at(15.0) - 0.025).abs() < 1e-12);
        assert!((curve.probability_at(30.0) - 0.05).abs() < 1e-12);
        assert!((curve.probability_at(75.0) - 0.125).abs() < 1e-12);
        assert!((curve.probability_at(210.0) - 0.35).abs() < 1e-12);
        assert_eq!(curve.probability_at(1e6), 0.5);
        let zero_start = BalkingCurve {
            announced_wait_s: vec![0.0, 60.0],
            probability: vec![0.1, 0.3],
        };
        assert!((zero_start.probability_at(0.0) - 0.1).abs() < 1e-12);
    }
}
