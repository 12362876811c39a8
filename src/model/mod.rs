//! The call center on top of the engine: callers arrive, wait in one first-come-first-served
//! line, are answered by a free agent or hang up when their patience runs out first; agents
//! follow the staffing of each interval.
//!
//! One mechanism, one file: [`arrivals`], [`queue`], [`agents`], [`abandonment`], [`lines`],
//! [`balking`], [`callback`], [`retrials`] (with [`customers`] to follow a customer across
//! attempts), [`proactive`] and [`costs`]; the event loop that ties them together is
//! [`replication`], which an [`observer`] can watch call by call. Several call types served by
//! skilled agent groups run in [`routing`] instead. [`config`] is the validated scenario the
//! model runs and [`dist`] its time distributions.

pub mod abandonment;
pub mod agents;
pub mod arrivals;
pub mod balking;
pub mod callback;
pub mod config;
pub mod costs;
pub mod customers;
pub mod dist;
pub mod lines;
pub mod observer;
pub mod proactive;
pub mod queue;
pub mod replication;
pub mod retrials;
pub mod routing;
#[cfg(test)]
pub(crate) mod test_support;

pub use config::{RunKind, Scenario, ServiceLevelGoal};
pub use dist::Dist;
pub use observer::{CallEvent, NoObserver, Observer};
pub use replication::{ReplicationOutcome, run_replication, run_replication_observed};

/// Runs replication `replication` of `scenario` with `observer` seeing every call attempt
/// and the agents' levels: the single-queue loop, or the multi-skill loop (all call types
/// and agent groups together) when the scenario has call types. The same calls as that
/// replication of `callsim run`.
pub fn observe_replication<O: Observer>(scenario: &Scenario, replication: u64, observer: &mut O) {
    match &scenario.skills {
        Some(model) => {
            routing::run_skill_replication_observed(scenario, model, replication, observer);
        }
        None => {
            run_replication_observed(scenario, replication, observer);
        }
    }
}
