//! Callbacks (virtual hold): a caller whose expected wait is long is offered a callback. One
//! who accepts hangs up but keeps their place in line; when that place comes up, an agent
//! calls them back. The customer answers with a probability; if not, the callback is tried
//! again after a delay, up to a limit, and the customer is lost after the last failure.
//! A caller waiting for a callback never abandons and holds no line.
//!
//! Expected wait, as announced to a caller who finds every agent busy: the callers ahead of
//! them, plus themselves, each need one agent to come free, and with `n` agents present
//! agents come free at `n ÷ mean handle time` per second, so
//! `expected wait = (callers ahead + 1) × mean handle time ÷ agents present`.

use super::dist::{Dist, unit_interval};
use rand::Rng;

/// The `[callback]` section.
#[derive(Debug, Clone)]
pub struct CallbackPolicy {
    /// Offer a callback when the expected wait exceeds this, seconds.
    pub offer_when_wait_exceeds_s: f64,
    /// Probability that a caller accepts the offer.
    pub accept_probability: f64,
    /// Probability that the customer picks up when called back.
    pub answer_probability: f64,
    /// Time until the next callback attempt after one went unanswered, seconds.
    pub retry_delay: Dist,
    /// Callback attempts at most (≥ 1).
    pub max_attempts: u32,
    /// Talk time of a callback; `None`: the customer's own handle time.
    pub talk_time: Option<Dist>,
}

/// The wait announced to a caller with `ahead` callers before them, when `agents` agents are
/// present and a call takes `mean_handle_s` seconds on average (infinite with no agents).
#[inline]
pub fn expected_wait_s(ahead: usize, agents: u32, mean_handle_s: f64) -> f64 {
    if agents == 0 {
        f64::INFINITY
    } else {
        (ahead + 1) as f64 * mean_handle_s / agents as f64
    }
}

impl CallbackPolicy {
    /// Is a callback offered for an expected wait of `wait_s` seconds?
    #[inline]
    pub fn offered(&self, wait_s: f64) -> bool {
        wait_s > self.offer_when_wait_exceeds_s
    }

    /// Does the caller accept the offer? Draws one number.
    pub fn accepts<R: Rng + ?Sized>(&self, rng: &mut R) -> bool {
        unit_interval(rng) < self.accept_probability
    }

    /// Does the customer pick up the agent's call? Draws one number.
    pub fn answers<R: Rng + ?Sized>(&self, rng: &mut R) -> bool {
        unit_interval(rng) < self.answer_probability
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_wait_counts_everyone_ahead() {
        assert_eq!(expected_wait_s(0, 4, 240.0), 60.0);
        assert_eq!(expected_wait_s(3, 4, 240.0), 240.0);
        assert!(expected_wait_s(3, 0, 240.0).is_infinite());
    }
}
