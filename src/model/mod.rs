//! The call center on top of the engine: callers arrive, wait in one first-come-first-served
//! line, are answered by a free agent or hang up when their patience runs out first; agents
//! follow the staffing of each interval.
//!
//! One mechanism, one file: [`arrivals`], [`queue`], [`agents`], [`abandonment`], [`lines`],
//! [`balking`], [`callback`], [`retrials`] (with [`customers`] to follow a customer across
//! attempts, and [`carry`] to hand them on to the next morning in a run of several days), [`proactive`] and [`costs`]; the one event loop that ties them together is
//! [`replication`], which an [`observer`] can watch call by call; [`routing`] says how calls
//! of several types meet skilled agent groups (a single queue is one type and one group). [`config`] is the validated scenario the
//! model runs and [`dist`] its time distributions.

pub mod abandonment;
pub mod agents;
pub mod arrivals;
pub mod balking;
pub mod callback;
pub mod carry;
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
pub use routing::SkillModel;
