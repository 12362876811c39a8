//! Proactive contact: reaching customers before they call ("deliver the pizza before it is
//! ordered"). A share of inbound demand is *predictable* (a known delay, an outage, an order
//! status): the company knows those customers' need first. A campaign covers a share of them
//! through a channel:
//!
//! - `message` (SMS, e-mail): every covered customer gets a message, at `cost_per_contact`,
//!   with no agent time, and is reached;
//! - `agent_call`: an agent calls the customer, only while an agent is idle and nobody waits
//!   in the inbound line (call blending), within the `deadline` before the moment the customer
//!   would call (that is when their need becomes known); the customer picks up with
//!   `answer_probability` and is then reached. A contact not placed before the customer calls
//!   is not made. An unanswered outbound call takes no agent time.
//!
//! A reached customer does not call at all with probability `deflection` (the call is
//! deflected); the others still call, with their handle time multiplied by
//! `handle_time_factor`. A reached customer who still ends up lost churns less: churn ×
//! (1 − `churn_reduction`).
//!
//! Every arrival draws the same three numbers from the proactive stream whether or not it is
//! predictable, covered or reached, so scenarios that differ only in coverage see the same
//! callers (common random numbers), and coverage 0 is the model without proactive contact.

use super::dist::{Dist, unit_interval};
use rand::Rng;

/// How covered customers are contacted.
#[derive(Debug, Clone)]
pub enum Channel {
    /// A message: no agent time, always reaches the customer.
    Message,
    /// An outbound agent call placed in idle time.
    AgentCall {
        /// Talk time of an answered outbound call.
        handle_time: Dist,
        /// Probability that the customer picks up.
        answer_probability: f64,
        /// How long before the customer would call the contact may be placed, seconds.
        deadline_s: f64,
    },
}

/// The `[proactive]` section.
#[derive(Debug, Clone)]
pub struct ProactivePolicy {
    /// Share of inbound demand that is predictable, per interval.
    pub predictable_share: Vec<f64>,
    /// Share of the predictable customers the campaign covers.
    pub coverage: f64,
    /// The channel.
    pub channel: Channel,
    /// Probability that a reached customer does not call at all.
    pub deflection: f64,
    /// Share of churn removed for reached customers who are lost anyway.
    pub churn_reduction: f64,
    /// Cost of one contact (message, or outbound call attempt).
    pub cost_per_contact: f64,
    /// Handle time of a reached customer who still calls, relative to their own (≤ 1 faster).
    pub handle_time_factor: f64,
}

/// What proactive contact decided for one arriving customer, before any outbound call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Targeting {
    /// The campaign covers this customer (their need was predictable).
    pub covered: bool,
    /// A message reached them (message channel only; agent calls decide later).
    pub reached: bool,
    /// Reached and will not call.
    pub deflected: bool,
}

impl ProactivePolicy {
    /// Decides, for a customer who would call in interval `interval` (`None`: warm-up, the
    /// first interval's share applies), whether the campaign covers them and, for messages,
    /// whether they are reached and deflected. Always draws three numbers.
    pub fn target<R: Rng + ?Sized>(&self, interval: Option<usize>, rng: &mut R) -> Targeting {
        let (u_predictable, u_covered, u_deflected) =
            (unit_interval(rng), unit_interval(rng), unit_interval(rng));
        let share = self.predictable_share[interval.unwrap_or(0)];
        let covered = u_predictable < share && u_covered < self.coverage;
        match self.channel {
            Channel::Message if covered => Targeting {
                covered,
                reached: true,
                deflected: u_deflected < self.deflection,
            },
            _ => Targeting {
                covered,
                ..Targeting::default()
            },
        }
    }

    /// An outbound call to a covered customer: `None` if they do not pick up, otherwise
    /// `Some((talk time in seconds, deflected))`.
    pub fn outbound_call<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<(f64, bool)> {
        let Channel::AgentCall {
            handle_time,
            answer_probability,
            ..
        } = &self.channel
        else {
            return None;
        };
        if unit_interval(rng) >= *answer_probability {
            return None;
        }
        let deflected = unit_interval(rng) < self.deflection;
        Some((handle_time.sample(rng), deflected))
    }

    /// The lead time of agent calls, seconds; `None` for messages.
    pub fn deadline_s(&self) -> Option<f64> {
        match self.channel {
            Channel::AgentCall { deadline_s, .. } => Some(deadline_s),
            Channel::Message => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, streams};

    fn policy(coverage: f64) -> ProactivePolicy {
        ProactivePolicy {
            predictable_share: vec![0.3],
            coverage,
            channel: Channel::Message,
            deflection: 0.7,
            churn_reduction: 0.5,
            cost_per_contact: 0.05,
            handle_time_factor: 1.0,
        }
    }

    #[test]
    fn shares_of_covered_and_deflected() {
        let p = policy(0.8);
        let mut rng = streams(3, 0, Stream(8));
        let n = 200_000;
        let t: Vec<Targeting> = (0..n).map(|_| p.target(Some(0), &mut rng)).collect();
        let covered = t.iter().filter(|x| x.covered).count() as f64 / n as f64;
        let deflected = t.iter().filter(|x| x.deflected).count() as f64 / n as f64;
        // binomial standard errors ≈ 0.001; 4 of them
        assert!((covered - 0.24).abs() < 0.004, "{covered}");
        assert!((deflected - 0.168).abs() < 0.004, "{deflected}");
        assert!(t.iter().all(|x| x.reached == x.covered));
    }

    #[test]
    fn coverage_zero_reaches_nobody_but_draws_the_same_numbers() {
        let mut a = streams(3, 0, Stream(8));
        let mut b = streams(3, 0, Stream(8));
        for _ in 0..1000 {
            assert_eq!(policy(0.0).target(None, &mut a), Targeting::default());
            policy(1.0).target(None, &mut b);
        }
        assert_eq!(a.next_u64(), b.next_u64(), "streams stay aligned");
    }
}
