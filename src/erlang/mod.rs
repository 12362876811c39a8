//! Analytic Erlang B, C and A: the steady-state formulas planners use to size a call center.
//!
//! Callers arrive at random (Poisson) at a constant rate, handle times are exponential with
//! mean AHT (seconds), and `agents` agents answer first come, first served. The offered load
//! in Erlangs is `A = arrival rate (calls per second) × AHT (seconds)`.
//!
//! - [`erlang_b`]: blocking with `c` lines and no queue (M/M/c/c).
//! - [`erlang_c`]: infinite patience (M/M/c): probability of waiting, service level, ASA,
//!   occupancy. Unstable when the load reaches the number of agents ([`ErlangError::Unstable`]).
//! - [`erlang_a`]: exponential patience (M/M/c+M): adds abandonment, and is defined for any
//!   load, also above the number of agents.
//! - [`lines_abandon`]: finite trunk lines with abandonment (M/M/c/N+M, no redials); with as
//!   many lines as agents it is Erlang B.
//! - [`staffing`]: the inverse problems (agents for a service-level, abandonment or ASA target
//!   under a maximum occupancy; maximum calls per hour for a given staff) and shrinkage.
//!
//! Everything is numerically stable from 1 to tens of thousands of agents: no factorials and
//! no powers that overflow. Erlang B uses the recursion `B_k = A B_{k-1} / (k + A B_{k-1})`;
//! Erlang A and finite lines sum the birth–death chain starting from its most likely state
//! (so every term is at most 1), and the waiting-time distribution of a caller who finds `j`
//! callers ahead is written with negative-binomial sums of positive terms, so that no
//! probability is obtained as a difference of nearly equal numbers. The results agree with
//! independent 60-digit values (`tests/data/golden/`) to a relative 1e-9.

mod abandon;
mod classic;
pub mod staffing;

pub use abandon::{ErlangA, FiniteLines, erlang_a, lines_abandon};
pub use classic::{ErlangC, erlang_b, erlang_c};
pub use staffing::{
    Kpis, Model, SlDefinition, Targets, kpis, max_calls_per_hour, required_agents, scheduled_agents,
};

/// What can go wrong in an analytic calculation: bad input, an unstable queue, a target that
/// no staffing can reach.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    /// Erlang C (no abandonment) has no steady state when the offered load is at or above the
    /// number of agents: the queue grows without end.
    #[error(
        "unstable queue: the offered load of {load_erlangs:.4} Erlangs needs more than {agents} \
         agents (Erlang C has no steady state when load >= agents); add agents (at least {min_agents}), \
         lower the calls per hour or the handle time, or give a patience so that callers may \
         abandon (Erlang A)"
    )]
    Unstable {
        /// Offered load in Erlangs.
        load_erlangs: f64,
        /// Number of agents given.
        agents: u32,
        /// The smallest stable number of agents.
        min_agents: u64,
    },
    /// An input is out of range (negative rate, zero agents, probability outside (0, 1), ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// No number of agents (or arrival rate) up to the search limit meets the target.
    #[error("target cannot be met: {0}")]
    Infeasible(String),
}

/// Offered traffic of one interval: how many calls arrive and how long they take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Poisson arrival rate, calls per second.
    pub arrival_rate_per_s: f64,
    /// Average handle time (talk + hold + wrap-up), seconds; handle times are exponential.
    pub aht_s: f64,
}

impl Traffic {
    /// Traffic from an arrival rate in calls per second and an AHT in seconds.
    /// The rate must be finite and >= 0, the AHT finite and > 0.
    pub fn new(arrival_rate_per_s: f64, aht_s: f64) -> Result<Self, ErlangError> {
        if !(arrival_rate_per_s.is_finite() && arrival_rate_per_s >= 0.0) {
            return Err(ErlangError::InvalidInput(format!(
                "the arrival rate must be a finite number >= 0, got {arrival_rate_per_s}"
            )));
        }
        if !(aht_s.is_finite() && aht_s > 0.0) {
            return Err(ErlangError::InvalidInput(format!(
                "the average handle time must be a finite number of seconds > 0, got {aht_s}"
            )));
        }
        Ok(Self {
            arrival_rate_per_s,
            aht_s,
        })
    }

    /// Traffic from calls per hour and an AHT in seconds.
    pub fn from_calls_per_hour(calls_per_hour: f64, aht_s: f64) -> Result<Self, ErlangError> {
        if !(calls_per_hour.is_finite() && calls_per_hour >= 0.0) {
            return Err(ErlangError::InvalidInput(format!(
                "calls per hour must be a finite number >= 0, got {calls_per_hour}"
            )));
        }
        Self::new(calls_per_hour / 3600.0, aht_s)
    }

    /// Offered load in Erlangs: arrival rate × AHT (the number of agents the calls would keep
    /// busy on average if nobody waited or abandoned).
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate_per_s * self.aht_s
    }

    /// Arrival rate in calls per hour.
    pub fn calls_per_hour(&self) -> f64 {
        self.arrival_rate_per_s * 3600.0
    }

    /// Service rate of one agent, calls per second (1 / AHT).
    pub(crate) fn service_rate(&self) -> f64 {
        1.0 / self.aht_s
    }
}

/// Checks a number of agents (>= 1).
pub(crate) fn check_agents(agents: u32) -> Result<(), ErlangError> {
    if agents == 0 {
        return Err(ErlangError::InvalidInput(
            "the number of agents must be at least 1".into(),
        ));
    }
    Ok(())
}

/// Checks a service-level threshold in seconds (finite, >= 0).
pub(crate) fn check_threshold(threshold_s: f64) -> Result<(), ErlangError> {
    if !(threshold_s.is_finite() && threshold_s >= 0.0) {
        return Err(ErlangError::InvalidInput(format!(
            "the service-level threshold must be a finite number of seconds >= 0, got {threshold_s}"
        )));
    }
    Ok(())
}

/// Checks a mean patience in seconds (> 0; may be infinite).
pub(crate) fn check_patience(patience_s: f64) -> Result<(), ErlangError> {
    if patience_s.is_nan() || patience_s <= 0.0 {
        return Err(ErlangError::InvalidInput(format!(
            "the mean patience must be a number of seconds > 0, got {patience_s}"
        )));
    }
    Ok(())
}
