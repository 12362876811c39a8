//! Scenarios built in code for the model's unit tests (the single-queue loop and the
//! multi-skill loop share them, so that both are tested on the same call center).

use super::routing::{AgentGroup, CallType, Skill, SkillModel};
use super::{Dist, RunKind, Scenario, ServiceLevelGoal};

/// A working day that opens at 09:00.
pub(crate) const NINE_TO_CLOSE: RunKind = RunKind::WorkingDay {
    open_s: 9.0 * 3600.0,
};

/// A call center of half-hour intervals: `calls_per_interval` mean calls offered and `agents`
/// on the phones in each interval, exponential talk time of 240 s mean, callers' `patience`
/// (`None`: nobody abandons), no day-level busyness, a 80% in 20 s goal, seed 11, one
/// replication, and none of the optional mechanisms.
pub(crate) fn scenario(
    kind: RunKind,
    calls_per_interval: &[f64],
    agents: &[u32],
    patience: Option<Dist>,
) -> Scenario {
    let interval_s = 1800.0;
    Scenario {
        name: "t".into(),
        description: String::new(),
        source: None,
        seed: 11,
        replications: 1,
        precision: None,
        control_variate: false,
        stratified_days: false,
        days: 1,
        carry_over: true,
        kind,
        interval_s,
        arrival_rate: calls_per_interval.iter().map(|c| c / interval_s).collect(),
        busyness_cv: 0.0,
        handle_time: Dist::exponential(240.0).unwrap(),
        patience,
        agents: agents.to_vec(),
        service_level: ServiceLevelGoal {
            threshold_s: 20.0,
            target: 0.8,
        },
        lines: None,
        balking: None,
        callback: None,
        retrials: None,
        proactive: None,
        costs: None,
        skills: None,
    }
}

/// [`scenario`] on a working day that opens at 09:00.
pub(crate) fn day(calls_per_interval: &[f64], agents: &[u32], patience: Option<Dist>) -> Scenario {
    scenario(NINE_TO_CLOSE, calls_per_interval, agents, patience)
}

/// A skill for call type `call_type` at `rank`, taken once a call has waited `delay_s`
/// seconds, talk time as drawn.
pub(crate) fn skill(call_type: usize, rank: u32, delay_s: f64) -> Skill {
    Skill {
        call_type,
        rank,
        delay_s,
        handle_time_factor: 1.0,
    }
}

/// The center of `scenario` with a second call type like its first (named "support") and
/// groups `g0`, `g1`, ... with `staffing[g]` agents per interval, group `g` taking
/// `skills(g)`.
pub(crate) fn two_types(
    scenario: &Scenario,
    staffing: &[[u32; 4]],
    skills: impl Fn(usize) -> Vec<Skill>,
) -> SkillModel {
    let mut model = SkillModel::single(scenario);
    model.types.push(CallType {
        name: "support".into(),
        ..model.types[0].clone()
    });
    model.groups = (staffing.iter().enumerate())
        .map(|(g, agents)| AgentGroup {
            name: format!("g{g}"),
            agents: agents.to_vec(),
            skills: skills(g),
        })
        .collect();
    model
}
