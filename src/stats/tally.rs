//! What one replication counts for one interval (or the whole run), and the KPIs derived
//! from it. The KPI names are the output contract (DESIGN.md).

use super::WaitHistogram;

/// Counters and sums of one interval of one replication. Calls are counted in the interval in
/// which they arrive; agent time in the interval in which it is spent.
#[derive(Debug, Clone, Default)]
pub struct IntervalTally {
    /// Call attempts that arrived.
    pub offered: u64,
    /// Calls that found no free agent and had to wait (put on hold).
    pub queued: u64,
    /// Calls answered by an agent.
    pub answered: u64,
    /// Calls whose caller hung up while waiting.
    pub abandoned: u64,
    /// Calls answered within the service-level threshold.
    pub answered_in_threshold: u64,
    /// Sum of the waits of answered calls (seconds).
    pub wait_answered_s: f64,
    /// Sum of the time in queue of all callers who queued, answered or abandoned (seconds).
    pub wait_all_s: f64,
    /// Waits of answered calls, for percentiles.
    pub waits: WaitHistogram,
    /// Agent time spent talking (agent-seconds).
    pub busy_agent_s: f64,
    /// Agent time available: staffed agents plus those finishing a call after their shift
    /// (agent-seconds).
    pub available_agent_s: f64,
    /// Longest queue seen (callers waiting).
    pub max_queue: u64,
    /// Length of the measured time (seconds).
    pub duration_s: f64,
}

impl IntervalTally {
    /// Adds another tally (used to build the whole run from its intervals).
    pub fn merge(&mut self, other: &IntervalTally) {
        self.offered += other.offered;
        self.queued += other.queued;
        self.answered += other.answered;
        self.abandoned += other.abandoned;
        self.answered_in_threshold += other.answered_in_threshold;
        self.wait_answered_s += other.wait_answered_s;
        self.wait_all_s += other.wait_all_s;
        self.waits.merge(&other.waits);
        self.busy_agent_s += other.busy_agent_s;
        self.available_agent_s += other.available_agent_s;
        self.max_queue = self.max_queue.max(other.max_queue);
        self.duration_s += other.duration_s;
    }
}

/// A key performance indicator, as named in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kpi {
    /// Call attempts that arrived.
    Offered,
    /// Calls answered.
    Answered,
    /// Calls abandoned while waiting.
    Abandoned,
    /// Calls that found no free agent ÷ offered: the share put on hold.
    ProbWait,
    /// Answered within the threshold ÷ offered (abandoned calls count as not in time).
    ServiceLevel,
    /// Answered within the threshold ÷ answered.
    ServiceLevelAnswered,
    /// Average speed of answer: mean wait of answered calls (seconds).
    AsaS,
    /// Mean time in queue of all callers who queued, abandoned ones included (seconds).
    MeanWaitS,
    /// Abandoned ÷ offered.
    AbandonRate,
    /// Busy agent time ÷ available agent time.
    Occupancy,
    /// Median wait of answered calls (seconds).
    WaitP50S,
    /// 90th percentile of the wait of answered calls (seconds).
    WaitP90S,
    /// 99th percentile of the wait of answered calls (seconds).
    WaitP99S,
    /// Longest queue (callers waiting at once).
    MaxQueue,
    /// Mean number of agents available (staffed, plus overtime finishing calls).
    Agents,
}

impl Kpi {
    /// Every KPI, in output order.
    pub const ALL: [Kpi; 15] = [
        Kpi::Offered,
        Kpi::Answered,
        Kpi::Abandoned,
        Kpi::ProbWait,
        Kpi::ServiceLevel,
        Kpi::ServiceLevelAnswered,
        Kpi::AsaS,
        Kpi::MeanWaitS,
        Kpi::AbandonRate,
        Kpi::Occupancy,
        Kpi::WaitP50S,
        Kpi::WaitP90S,
        Kpi::WaitP99S,
        Kpi::MaxQueue,
        Kpi::Agents,
    ];

    /// The KPI's name in JSON and CSV output.
    pub fn name(self) -> &'static str {
        match self {
            Kpi::Offered => "offered",
            Kpi::Answered => "answered",
            Kpi::Abandoned => "abandoned",
            Kpi::ProbWait => "prob_wait",
            Kpi::ServiceLevel => "service_level",
            Kpi::ServiceLevelAnswered => "service_level_answered",
            Kpi::AsaS => "asa_s",
            Kpi::MeanWaitS => "mean_wait_s",
            Kpi::AbandonRate => "abandon_rate",
            Kpi::Occupancy => "occupancy",
            Kpi::WaitP50S => "wait_p50_s",
            Kpi::WaitP90S => "wait_p90_s",
            Kpi::WaitP99S => "wait_p99_s",
            Kpi::MaxQueue => "max_queue",
            Kpi::Agents => "agents",
        }
    }

    /// The KPI's value for one tally; NaN where it is undefined (a ratio over zero calls).
    pub fn value(self, t: &IntervalTally) -> f64 {
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { f64::NAN };
        let queued = (t.answered + t.abandoned) as f64;
        match self {
            Kpi::Offered => t.offered as f64,
            Kpi::Answered => t.answered as f64,
            Kpi::Abandoned => t.abandoned as f64,
            Kpi::ProbWait => ratio(t.queued as f64, t.offered as f64),
            Kpi::ServiceLevel => ratio(t.answered_in_threshold as f64, t.offered as f64),
            Kpi::ServiceLevelAnswered => ratio(t.answered_in_threshold as f64, t.answered as f64),
            Kpi::AsaS => ratio(t.wait_answered_s, t.answered as f64),
            Kpi::MeanWaitS => ratio(t.wait_all_s, queued),
            Kpi::AbandonRate => ratio(t.abandoned as f64, t.offered as f64),
            Kpi::Occupancy => ratio(t.busy_agent_s, t.available_agent_s),
            Kpi::WaitP50S => t.waits.quantile(0.5),
            Kpi::WaitP90S => t.waits.quantile(0.9),
            Kpi::WaitP99S => t.waits.quantile(0.99),
            Kpi::MaxQueue => t.max_queue as f64,
            Kpi::Agents => ratio(t.available_agent_s, t.duration_s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpis_of_a_hand_made_tally() {
        let mut t = IntervalTally {
            offered: 10,
            queued: 5,
            answered: 8,
            abandoned: 2,
            answered_in_threshold: 6,
            wait_answered_s: 80.0,
            wait_all_s: 120.0,
            busy_agent_s: 900.0,
            available_agent_s: 1800.0,
            max_queue: 3,
            duration_s: 900.0,
            ..Default::default()
        };
        t.waits.record(0.0);
        let v = |k: Kpi| k.value(&t);
        assert_eq!(v(Kpi::ProbWait), 0.5);
        assert_eq!(v(Kpi::ServiceLevel), 0.6);
        assert_eq!(v(Kpi::ServiceLevelAnswered), 0.75);
        assert_eq!(v(Kpi::AsaS), 10.0);
        assert_eq!(v(Kpi::MeanWaitS), 12.0);
        assert_eq!(v(Kpi::AbandonRate), 0.2);
        assert_eq!(v(Kpi::Occupancy), 0.5);
        assert_eq!(v(Kpi::Agents), 2.0);
        assert_eq!(v(Kpi::WaitP50S), 0.0);
        assert!(Kpi::AsaS.value(&IntervalTally::default()).is_nan());
        let names: std::collections::HashSet<_> = Kpi::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), Kpi::ALL.len());
    }
}
