//! KPIs of a multi-skill center per call type, per agent group, and the type × group matrix
//! of calls handled: the values of one replication, and their means with 95% confidence
//! half-widths over replications.

use super::{KpiSet, RowsTally};
use crate::model::ReplicationOutcome;
use crate::model::Scenario;
use crate::model::routing::SkillModel;
use crate::stats::{IntervalTally, Kpi, MeanCi, MeanCiTally, Mechanism};
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
    Rows {
        total: row(&IntervalTally::whole(tallies)),
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
    fn from_tallies(t: &[MeanCiTally; 4]) -> Self {
        GroupKpis {
            occupancy: t[0].mean_ci(),
            busy_agents: t[1].mean_ci(),
            staffed_agents: t[2].mean_ci(),
            handled: t[3].mean_ci(),
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

/// The per-type and per-group KPI values of a multi-skill scenario's replications, folded
/// in replication order without keeping them.
#[derive(Debug, Clone)]
pub struct SkillTally {
    by_type: Vec<RowsTally>,
    by_group: Vec<([MeanCiTally; 4], Vec<[MeanCiTally; 4]>)>,
    handled: Vec<Vec<MeanCiTally>>,
}

impl SkillTally {
    /// The tally of no replication of `model`'s types and groups over `intervals` intervals.
    pub fn new(model: &SkillModel, intervals: usize) -> Self {
        let four = [MeanCiTally::new(); 4];
        SkillTally {
            by_type: model
                .types
                .iter()
                .map(|_| RowsTally::new(intervals))
                .collect(),
            by_group: model
                .groups
                .iter()
                .map(|_| (four, vec![four; intervals]))
                .collect(),
            handled: model
                .types
                .iter()
                .map(|_| vec![MeanCiTally::new(); model.groups.len()])
                .collect(),
        }
    }

    /// Adds the next replication.
    pub fn add(&mut self, rep: &SkillReplication) {
        for (tally, rows) in self.by_type.iter_mut().zip(&rep.by_type) {
            tally.add(&rows.total, &rows.intervals);
        }
        let add = |tallies: &mut [MeanCiTally; 4], row: &[f64; 4]| {
            for (t, x) in tallies.iter_mut().zip(row) {
                t.add(*x);
            }
        };
        for ((total, intervals), rows) in self.by_group.iter_mut().zip(&rep.by_group) {
            add(total, &rows.total);
            for (t, row) in intervals.iter_mut().zip(&rows.intervals) {
                add(t, row);
            }
        }
        for (tallies, row) in self.handled.iter_mut().zip(&rep.handled) {
            for (t, x) in tallies.iter_mut().zip(row) {
                t.add(*x);
            }
        }
    }

    /// The averages: `kpis` of each type ([`type_kpis`]), each group's, and the handled matrix.
    pub fn finish(self, scenario: &Scenario, kpis: &[Kpi]) -> SkillResult {
        let Some(model) = &scenario.skills else {
            return SkillResult {
                by_type: Vec::new(),
                by_group: Vec::new(),
                handled: Vec::new(),
            };
        };
        SkillResult {
            by_type: model
                .types
                .iter()
                .zip(&self.by_type)
                .map(|(ty, tally)| {
                    let (total, intervals) = tally.sets(kpis);
                    TypeResult {
                        name: ty.name.clone(),
                        total,
                        intervals,
                    }
                })
                .collect(),
            by_group: model
                .groups
                .iter()
                .zip(&self.by_group)
                .map(|(group, (total, intervals))| GroupResult {
                    name: group.name.clone(),
                    total: GroupKpis::from_tallies(total),
                    intervals: intervals.iter().map(GroupKpis::from_tallies).collect(),
                })
                .collect(),
            handled: self
                .handled
                .iter()
                .map(|row| row.iter().map(MeanCiTally::mean_ci).collect())
                .collect(),
        }
    }
}
