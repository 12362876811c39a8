//! The analytic side of the planner: each interval as a stationary Erlang queue (Erlang A
//! with the mean patience, Erlang C without patience). It gives the starting staffing and
//! the size of each step the simulation refinement takes.

use super::{Criterion, PlanError};
use crate::erlang::{self, Kpis, Model, Targets, Traffic};
use crate::model::Scenario;
use crate::simulate::KpiSet;
use crate::stats::Kpi;

/// The Erlang view of every interval of a scenario, with the targets to meet.
#[derive(Debug, Clone)]
pub(crate) struct Guide {
    /// Traffic of each interval (rate before the day-level busyness factor).
    traffic: Vec<Traffic>,
    /// Erlang A with the mean patience, or Erlang C.
    model: Model,
    /// Targets the plan must meet (may be empty in cost mode).
    targets: Targets,
    /// How a simulated KPI is read against a target.
    criterion: Criterion,
}

impl Guide {
    /// The Erlang view of `scenario`'s intervals.
    pub(crate) fn new(
        scenario: &Scenario,
        targets: Targets,
        criterion: Criterion,
    ) -> Result<Self, PlanError> {
        let aht_s = scenario.handle_time.mean();
        let traffic = scenario
            .arrival_rate
            .iter()
            .map(|&rate| Traffic::new(rate, aht_s))
            .collect::<Result<Vec<_>, _>>()?;
        let model = match &scenario.patience {
            Some(p) if p.mean().is_finite() && p.mean() > 0.0 => Model::ErlangA {
                patience_s: p.mean(),
            },
            _ => Model::ErlangC,
        };
        Ok(Self {
            traffic,
            model,
            targets,
            criterion,
        })
    }

    /// How a simulated KPI is read against its target.
    pub(crate) fn criterion(&self) -> Criterion {
        self.criterion
    }

    /// Erlang A or C, as used for every interval.
    pub(crate) fn model(&self) -> Model {
        self.model
    }

    /// Offered load of interval `k`, Erlangs.
    pub(crate) fn load(&self, k: usize) -> f64 {
        self.traffic[k].offered_load()
    }

    /// The Erlang requirement of every interval (at least `min_agents`): the fewest agents
    /// that meet the targets if the interval were a stationary queue of its own. Without
    /// targets (cost mode), the scenario's service level `fallback` is used.
    pub(crate) fn requirement(
        &self,
        fallback: &Targets,
        min_agents: u32,
    ) -> Result<Vec<u32>, PlanError> {
        self.requirement_at(1.0, fallback, min_agents)
    }

    /// [`Guide::requirement`] with every arrival rate multiplied by `busyness` (a day busier
    /// or quieter than the average).
    pub(crate) fn requirement_at(
        &self,
        busyness: f64,
        fallback: &Targets,
        min_agents: u32,
    ) -> Result<Vec<u32>, PlanError> {
        let targets = if self.targets.any() {
            &self.targets
        } else {
            fallback
        };
        self.traffic
            .iter()
            .map(|t| {
                if t.arrival_rate_per_s == 0.0 {
                    return Ok(min_agents);
                }
                let busy = Traffic::new(t.arrival_rate_per_s * busyness, t.aht_s)?;
                Ok(erlang::required_agents(&busy, self.model, targets)?.max(min_agents))
            })
            .collect()
    }

    /// Erlang KPIs of interval `k` with `agents` agents; `None` where Erlang C is unstable.
    fn kpis(&self, k: usize, agents: u32) -> Option<Kpis> {
        if agents == 0 {
            return None;
        }
        erlang::kpis(
            &self.traffic[k],
            agents,
            self.model,
            self.targets.threshold_s,
        )
        .ok()
    }

    /// Whether `sim` (the KPIs of one interval as the criterion reads them: see
    /// [`super::evaluate::Evaluation::judged`]) meets every target. An interval without calls
    /// (undefined KPIs) meets everything.
    pub(crate) fn meets(&self, sim: &KpiSet) -> bool {
        self.predicted_meets(sim, &Scale::default())
    }

    /// Whether one simulated day of one interval (its KPI values in [`Kpi::ALL`] order) met
    /// every target; undefined values (no calls) meet.
    pub(crate) fn day_meets(&self, day: &[f64]) -> bool {
        self.within(|kpi| day.get(kpi.index()).copied(), &Scale::default())
    }

    /// Whether the simulated KPIs, scaled as Erlang predicts for another staffing, meet every
    /// target.
    fn predicted_meets(&self, sim: &KpiSet, scale: &Scale) -> bool {
        self.within(
            |kpi| {
                sim.get(kpi).map(|v| match kpi {
                    Kpi::ServiceLevel => self.criterion.low(v),
                    _ => self.criterion.high(v),
                })
            },
            scale,
        )
    }

    /// Whether the values `value` gives (the service level, abandonment, ASA, occupancy),
    /// scaled by `scale`, meet every target; a value that is absent or undefined meets.
    fn within(&self, value: impl Fn(Kpi) -> Option<f64>, scale: &Scale) -> bool {
        let t = &self.targets;
        let value = |kpi: Kpi| value(kpi).filter(|v| !v.is_nan());
        let at_most = |v: Option<f64>, factor: f64, max: Option<f64>| {
            max.is_none_or(|max| v.is_none_or(|v| v * factor <= max))
        };
        // The service level through its complement: the share not answered in time.
        let late = value(Kpi::ServiceLevel).map(|sl| 1.0 - sl);
        at_most(late, scale.late, t.service_level.map(|sl| 1.0 - sl))
            && at_most(value(Kpi::AbandonRate), scale.abandon, t.max_abandon)
            && at_most(value(Kpi::AsaS), scale.asa, t.max_asa_s)
            && at_most(value(Kpi::Occupancy), scale.occupancy, t.max_occupancy)
    }

    /// Whether interval `k`, simulated as `sim` with `from` agents, would meet the targets
    /// with `to` agents: each simulated KPI scaled by Erlang's ratio between `to` and `from`.
    /// Ratios, not differences: these are tail quantities that shrink about geometrically
    /// with each agent, whatever their level.
    fn would_meet(&self, k: usize, sim: &KpiSet, from: u32, to: u32) -> bool {
        let (Some(a), Some(b)) = (self.kpis(k, from), self.kpis(k, to)) else {
            return false;
        };
        let ratio = |new: f64, old: f64| {
            if old > 1e-12 && new.is_finite() {
                new / old
            } else if new <= old {
                1.0
            } else {
                f64::INFINITY
            }
        };
        let scale = Scale {
            late: ratio(1.0 - b.service_level, 1.0 - a.service_level),
            abandon: ratio(b.abandon_rate, a.abandon_rate),
            asa: ratio(b.asa_s, a.asa_s),
            occupancy: f64::from(from) / f64::from(to),
        };
        self.predicted_meets(sim, &scale)
    }

    /// Agents to add to interval `k` (simulated as `sim` with `agents`, missing a target):
    /// the fewest Erlang predicts are enough, at least 1.
    pub(crate) fn step_up(&self, k: usize, sim: &KpiSet, agents: u32) -> u32 {
        let limit = agents.max(8);
        (1..=limit)
            .find(|&d| self.would_meet(k, sim, agents, agents + d))
            .unwrap_or((agents / 4).max(1))
    }

    /// Agents interval `k` (simulated as `sim` with `agents`, meeting the targets) can give up
    /// according to Erlang, down to `floor`; 0 when it has no room to spare.
    pub(crate) fn step_down(&self, k: usize, sim: &KpiSet, agents: u32, floor: u32) -> u32 {
        let mut d = 0;
        while agents - d > floor && self.would_meet(k, sim, agents, agents - d - 1) {
            d += 1;
        }
        d
    }
}

/// Factors Erlang predicts for the simulated KPIs of an interval under another staffing.
#[derive(Debug, Clone, Copy)]
struct Scale {
    /// Share not answered in time (1 − service level).
    late: f64,
    /// Abandonment rate.
    abandon: f64,
    /// ASA.
    asa: f64,
    /// Occupancy (busy time stays, agents change).
    occupancy: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            late: 1.0,
            abandon: 1.0,
            asa: 1.0,
            occupancy: 1.0,
        }
    }
}
