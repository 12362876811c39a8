//! Several call types served by skilled agent groups (multi-skill routing).
//!
//! A scenario with `[[call_type]]` and `[[agent_group]]` sections: [`config`] is the validated
//! description (types with their mechanisms, groups with a rank, delay and handle-time factor
//! per skill, the tie-breaking policy), `group` the free agents of groups of the same skills,
//! and `router` how the one event loop ([`crate::model::replication`]) routes calls: a single
//! queue is one type served by one group.
//!
//! Routing: an arriving call goes to a free agent of the best-ranked group that takes its type
//! at once (ties by `agent_select`); otherwise it waits in its type's line and becomes
//! eligible for delayed groups as its wait passes each delay. A freed agent takes the head
//! call of the best-ranked eligible line of its group (ties by `call_select`).

pub mod config;
pub(crate) mod group;
pub(crate) mod mix;
pub(crate) mod router;
pub(crate) mod table;

pub use super::replication::MAX_TYPES_OR_GROUPS;
pub use config::{AgentGroup, AgentSelect, CallSelect, CallType, RoutingPolicy, Skill, SkillModel};
