//! Retrials: a caller who abandoned, balked or was blocked may call again later. Those who do
//! not are lost customers.
//!
//! The probability of calling again may depend on how many attempts the customer has made
//! (people give up as they fail): `probability[k]` applies after the (k+1)-th failed attempt,
//! the last value for any later one. Nobody makes more than `max_attempts` attempts.

use super::dist::{Dist, unit_interval};
use rand::Rng;

/// The `[retrials]` section.
#[derive(Debug, Clone)]
pub struct RetrialPolicy {
    /// Probability of calling again after the 1st, 2nd, ... failed attempt (the last value
    /// repeats), each in [0, 1].
    pub probability: Vec<f64>,
    /// Time from the failed attempt to the next one, seconds.
    pub delay: Dist,
    /// Attempts per customer at most, the first included (≥ 1).
    pub max_attempts: u32,
}

impl RetrialPolicy {
    /// After the customer's `attempts`-th attempt failed: `Some(delay in seconds)` if they
    /// call again, `None` if they give up. Draws from `rng` only when a retrial is possible,
    /// so a probability of 0 consumes nothing.
    pub fn next_attempt<R: Rng + ?Sized>(&self, attempts: u32, rng: &mut R) -> Option<f64> {
        if attempts >= self.max_attempts {
            return None;
        }
        let i = (attempts as usize)
            .saturating_sub(1)
            .min(self.probability.len() - 1);
        let p = self.probability[i];
        if p <= 0.0 || unit_interval(rng) >= p {
            return None;
        }
        Some(self.delay.sample(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, streams};

    #[test]
    fn probabilities_by_attempt_and_the_limit() {
        let policy = RetrialPolicy {
            probability: vec![1.0, 0.0],
            delay: Dist::deterministic(60.0).unwrap(),
            max_attempts: 3,
        };
        let mut rng = streams(1, 0, Stream(4));
        assert_eq!(policy.next_attempt(1, &mut rng), Some(60.0));
        assert_eq!(policy.next_attempt(2, &mut rng), None, "second value: 0");
        let always = RetrialPolicy {
            probability: vec![1.0],
            ..policy.clone()
        };
        assert_eq!(
            always.next_attempt(2, &mut rng),
            Some(60.0),
            "last value repeats"
        );
        assert_eq!(
            always.next_attempt(3, &mut rng),
            None,
            "max_attempts reached"
        );
    }

    #[test]
    fn share_of_retrials_matches_the_probability() {
        let policy = RetrialPolicy {
            probability: vec![0.3],
            delay: Dist::exponential(600.0).unwrap(),
            max_attempts: 10,
        };
        let mut rng = streams(2, 0, Stream(4));
        let n = 100_000;
        let yes = (0..n)
            .filter(|_| policy.next_attempt(1, &mut rng).is_some())
            .count();
        // binomial: sd = sqrt(n p (1-p)) ≈ 145; 4 sd
        assert!((yes as f64 - 30_000.0).abs() < 580.0, "{yes}");
    }
}
