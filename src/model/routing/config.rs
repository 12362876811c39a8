//! The validated multi-skill description: call types, agent groups with their skills, and
//! the routing policy. Built by [`crate::scenario`] from `[[call_type]]`, `[[agent_group]]`
//! and `[routing]`.

use crate::model::balking::BalkingCurve;
use crate::model::callback::CallbackPolicy;
use crate::model::config::{Scenario, ServiceLevelGoal};
use crate::model::dist::Dist;
use crate::model::proactive::ProactivePolicy;
use crate::model::retrials::RetrialPolicy;

/// One kind of call (billing, technical, another language), with its own demand and needs.
#[derive(Debug, Clone)]
pub struct CallType {
    /// Name used in outputs (`by_type` of `summary.json`).
    pub name: String,
    /// Mean arrival rate in each interval, calls per second (before the busyness factor).
    pub arrival_rate: Vec<f64>,
    /// Talk time of a call of this type (before a group's `handle_time_factor`).
    pub handle_time: Dist,
    /// How long its callers are willing to wait; `None`: nobody abandons.
    pub patience: Option<Dist>,
    /// Service-level goal of this type (threshold and target).
    pub service_level: ServiceLevelGoal,
    /// Weight of its waiting time under `call_select = "weighted_wait"` (default 1).
    pub weight: f64,
    /// Hanging up on the announced wait; `None`: its callers never balk.
    pub balking: Option<BalkingCurve>,
    /// Virtual hold offered to its callers; `None`: no callbacks.
    pub callback: Option<CallbackPolicy>,
    /// Its callers calling again after a failed attempt; `None`: nobody calls again.
    pub retrials: Option<RetrialPolicy>,
    /// Contacting its customers before they call; `None`: no campaign for this type.
    pub proactive: Option<ProactivePolicy>,
}

impl CallType {
    /// True when its customers can make more than one attempt (retrials, or callbacks that
    /// may be retried), so that they are followed across attempts.
    pub fn tracks_customers(&self) -> bool {
        self.retrials.is_some() || self.callback.is_some()
    }
}

/// A call type a group can take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skill {
    /// Index of the call type in [`SkillModel::types`].
    pub call_type: usize,
    /// Rank of the type for this group: 1 = primary; larger = taken only when nothing of a
    /// better rank is eligible.
    pub rank: u32,
    /// The group takes a call of this type only once it has waited this long (seconds).
    pub delay_s: f64,
    /// Talk time of this group on this type ÷ the type's handle time (1 = as drawn).
    pub handle_time_factor: f64,
}

/// Agents with the same skills: interchangeable within the group.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    /// Name used in outputs (`by_group` of `summary.json`).
    pub name: String,
    /// Agents on the phones in each interval.
    pub agents: Vec<u32>,
    /// The call types the group takes, sorted by rank (then by type index).
    pub skills: Vec<Skill>,
}

impl AgentGroup {
    /// The group's skill for call type `t`, if it takes that type.
    pub fn skill(&self, t: usize) -> Option<&Skill> {
        self.skills.iter().find(|s| s.call_type == t)
    }
}

/// Which free agent takes an arriving call when several groups of the best rank have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentSelect {
    /// The agent who has been idle longest (fairest to agents).
    LongestIdle,
    /// An agent of the group with the most free agents.
    MostFreeGroup,
}

/// Which waiting call a freed agent takes when queues of the same rank have eligible calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallSelect {
    /// The call that has waited longest (with equal ranks: one global FIFO).
    Oldest,
    /// The head of the longest queue.
    LongestQueue,
    /// The head whose wait × its type's `weight` is largest.
    WeightedWait,
}

/// `[routing]`: how ties between groups and between queues of the same rank are broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingPolicy {
    /// Tie-break between groups for an arriving call.
    pub agent_select: AgentSelect,
    /// Tie-break between queues for a freed agent.
    pub call_select: CallSelect,
}

impl Default for RoutingPolicy {
    fn default() -> Self {
        RoutingPolicy {
            agent_select: AgentSelect::LongestIdle,
            call_select: CallSelect::Oldest,
        }
    }
}

/// Several call types served by skilled agent groups.
#[derive(Debug, Clone)]
pub struct SkillModel {
    /// The call types, in file order.
    pub types: Vec<CallType>,
    /// The agent groups, in file order.
    pub groups: Vec<AgentGroup>,
    /// Tie-breaking rules.
    pub routing: RoutingPolicy,
}

impl SkillModel {
    /// A single-queue scenario seen as one call type served by one group (primary skill, no
    /// delay), with the scenario's mechanisms: routed through the skills router it gives the
    /// one-queue router's results, bit for bit.
    pub fn single(scenario: &Scenario) -> SkillModel {
        SkillModel {
            types: vec![CallType {
                name: scenario.name.clone(),
                arrival_rate: scenario.arrival_rate.clone(),
                handle_time: scenario.handle_time.clone(),
                patience: scenario.patience.clone(),
                service_level: scenario.service_level,
                weight: 1.0,
                balking: scenario.balking.clone(),
                callback: scenario.callback.clone(),
                retrials: scenario.retrials.clone(),
                proactive: scenario.proactive.clone(),
            }],
            groups: vec![AgentGroup {
                name: "agents".into(),
                agents: scenario.agents.clone(),
                skills: vec![Skill {
                    call_type: 0,
                    rank: 1,
                    delay_s: 0.0,
                    handle_time_factor: 1.0,
                }],
            }],
            routing: RoutingPolicy::default(),
        }
    }

    /// Offered load of type `t` in interval `k`, in Erlangs (calls per second × mean handle
    /// time in seconds).
    pub fn load(&self, t: usize, k: usize) -> f64 {
        let ty = &self.types[t];
        ty.arrival_rate[k] * ty.handle_time.mean()
    }
}
