//! KPIs of a multi-skill center per call type, per agent group, and the type × group matrix
//! of calls handled: the values of one replication, and their means with 95% confidence
//! half-widths over replications.

use super::KpiSet;
use crate::model::ReplicationOutcome;
use crate::model::Scenario;
use crate::model::routing::SkillModel;
use crate::stats::{IntervalTally, Kpi, MeanCi, Mechanism, mean_ci};
use serde::Serialize;

/// The KPIs reported for every call type, in output order (their values are taken from rows
/// in [`Kpi::ALL`] order, like the whole center's); [`type_kpis`] adds those of the
/// mechanisms a scenario has.
pub const TYPE_KPIS: &[Kpi] = &[
    Kpi::Offered,
    Kpi::Answered,
    Kpi::Abandoned,
    Kpi::ServiceLevel,
    Kpi::ServiceLevelAnswered,
    Kpi::AsaS,
    Kpi::AbandonRate,
    Kpi::ProbWait,
    Kpi::WaitP90S,
];

/// The KPIs reported for each call type of `scenario`: [`TYPE_KPIS`], the customers (served
/// and lost), and the KPIs of the mechanisms the scenario has, except those of agent time
/// (agents belong to groups, not to types).
pub fn type_kpis(scenario: &Scenario) -> Vec<Kpi> {
    let per_type = |k: &Kpi| {
        k.mechanism() != Mechanism::Base
            && !matches!(
                k,
                Kpi::CostAgents
                    | Kpi::TotalCost
                    | Kpi::CostPerCallHandled
                    | Kpi::ProactiveAgentHours
            )
    };
    let mut kpis = TYPE_KPIS.to_vec();
    kpis.extend([Kpi::Customers, Kpi::ServedCustomers, Kpi::LostCustomers]);
    kpis.extend(super::kpis_of(scenario).iter().filter(|k| per_type(k)));
    kpis
}

/// Names of the KPIs of an agent group, in the order of [`group_row`].
pub const GROUP_KPIS: [&str; 4] = ["occupancy", "busy_agents", "staffed_agents", "handled"];

/// An agent group's KPIs of one tally: occupancy (busy ÷ available agent time), mean busy
/// agents, mean staffed agents (overtime included), calls handled.
pub fn group_row(t: &IntervalTally) -> [f64; 4] {
    let per_second = |x: f64| {
        if t.duration_s > 0.0 {
            x / t.duration_s
        } else {
            f64::NAN
        }
    };
    [
        Kpi::Occupancy.value(t),
        per_second(t.busy_agent_s),
        per_second(t.available_agent_s),
        t.answered as f64,
    ]
}

/// The KPI values of one tally in [`Kpi::ALL`] order.
pub fn kpi_row(t: &IntervalTally) -> Vec<f64> {
    Kpi::ALL.iter().map(|k| k.value(t)).collect()
}

/// One row for the whole run and one per interval.
#[derive(Debug, Clone)]
pub struct Rows<R> {
    /// Whole run.
    pub total: R,
    /// Each reporting interval.
    pub intervals: Vec<R>,
}

fn rows<R>(tallies: &[IntervalTally], row: impl Fn(&IntervalTally) -> R) -> Rows<R> {
    let mut whole = IntervalTally::default();
    for t in tallies {
        whole.merge(t);
    }
    Rows {
        total: row(&whole),
        intervals: tallies.iter().map(row).collect(),
    }
}

/// The per-type and per-group KPI values of one replication.
#[derive(Debug, Clone)]
pub struct SkillReplication {
    /// Per call type: rows in [`Kpi::ALL`] order.
    pub by_type: Vec<Rows<Vec<f64>>>,
    /// Per agent group: rows of [`GROUP_KPIS`].
    pub by_group: Vec<Rows<[f64; 4]>>,
    /// Calls handled by type and group, `handled[t][g]`.
    pub handled: Vec<Vec<f64>>,
}

impl SkillReplication {
    /// Reduces one replication's outcome to KPI values.
    pub fn of(outcome: &ReplicationOutcome) -> Self {
        SkillReplication {
            by_type: outcome.by_type.iter().map(|t| rows(t, kpi_row)).collect(),
            by_group: outcome
                .by_group
                .iter()
                .map(|g| rows(g, group_row))
                .collect(),
            handled: outcome
                .handled
                .iter()
                .map(|row| row.iter().map(|&n| n as f64).collect())
                .collect(),
        }
    }
}

/// An agent group's KPIs, each a mean over replications with its 95% half-width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupKpis {
    /// Busy agent time ÷ available agent time.
    pub occupancy: MeanCi,
    /// Mean number of the group's agents on a call.
    pub busy_agents: MeanCi,
    /// Mean number of the group's agents at work (staffed, plus overtime finishing calls).
    pub staffed_agents: MeanCi,
    /// Calls the group answered (counted in the interval they arrived in).
    pub handled: MeanCi,
}

impl GroupKpis {
    fn from_replications<'a>(rows: impl Iterator<Item = &'a [f64; 4]> + Clone) -> Self {
        let at = |i: usize| mean_ci(rows.clone().map(|r| r[i]));
        GroupKpis {
            occupancy: at(0),
            busy_agents: at(1),
            staffed_agents: at(2),
            handled: at(3),
        }
    }

    /// (name, value) pairs in [`GROUP_KPIS`] order.
    pub fn iter(&self) -> [(&'static str, MeanCi); 4] {
        [
            (GROUP_KPIS[0], self.occupancy),
            (GROUP_KPIS[1], self.busy_agents),
            (GROUP_KPIS[2], self.staffed_agents),
            (GROUP_KPIS[3], self.handled),
        ]
    }
}

/// One call type's results.
#[derive(Debug, Clone)]
pub struct TypeResult {
    /// The type's name.
    pub name: String,
    /// Its KPIs over the whole run ([`type_kpis`]).
    pub total: KpiSet,
    /// Its KPIs in each interval.
    pub intervals: Vec<KpiSet>,
}

/// One agent group's results.
#[derive(Debug, Clone)]
pub struct GroupResult {
    /// The group's name.
    pub name: String,
    /// Its KPIs over the whole run.
    pub total: GroupKpis,
    /// Its KPIs in each interval.
    pub intervals: Vec<GroupKpis>,
}

/// What a multi-skill scenario gave beyond the whole center's KPIs.
#[derive(Debug, Clone)]
pub struct SkillResult {
    /// Per call type, in file order.
    pub by_type: Vec<TypeResult>,
    /// Per agent group, in file order.
    pub by_group: Vec<GroupResult>,
    /// Calls handled over the whole run by type and group, `handled[t][g]`.
    pub handled: Vec<Vec<MeanCi>>,
}

impl SkillResult {
    /// Averages the replications of a multi-skill scenario.
    pub fn of(model: &SkillModel, kpis: &[Kpi], reps: &[&SkillReplication]) -> Self {
        let n = reps
            .first()
            .map_or(0, |r| r.by_type.first().map_or(0, |t| t.intervals.len()));
        let by_type = model
            .types
            .iter()
            .enumerate()
            .map(|(t, ty)| TypeResult {
                name: ty.name.clone(),
                total: KpiSet::from_replications(kpis, reps.iter().map(|r| &r.by_type[t].total)),
                intervals: (0..n)
                    .map(|k| {
                        KpiSet::from_replications(
                            kpis,
                            reps.iter().map(move |r| &r.by_type[t].intervals[k]),
                        )
                    })
                    .collect(),
            })
            .collect();
        let by_group = model
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| GroupResult {
                name: group.name.clone(),
                total: GroupKpis::from_replications(reps.iter().map(|r| &r.by_group[g].total)),
                intervals: (0..n)
                    .map(|k| {
                        GroupKpis::from_replications(
                            reps.iter().map(move |r| &r.by_group[g].intervals[k]),
                        )
                    })
                    .collect(),
            })
            .collect();
        let handled = (0..model.types.len())
            .map(|t| {
                (0..model.groups.len())
                    .map(|g| mean_ci(reps.iter().map(|r| r.handled[t][g])))
                    .collect()
            })
            .collect();
        SkillResult {
            by_type,
            by_group,
            handled,
        }
    }
}
