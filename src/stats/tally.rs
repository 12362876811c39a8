//! What one replication counts for one interval (or the whole run), and the KPIs derived
//! from it. The KPI names are the output contract (DESIGN.md).

use super::WaitHistogram;

/// Counters and sums of one interval of one replication. Call attempts are counted in the
/// interval in which they arrive; customers in the interval of their first attempt; agent
/// time in the interval in which it is spent.
///
/// Every attempt ends exactly once: `offered = answered + abandoned + balked + blocked +
/// callbacks_accepted`; every customer ends exactly once: `customers + carried_in =
/// served_customers + lost_customers + carried_over` (the carried are 0 on a day alone).
#[derive(Debug, Clone, Default)]
pub struct IntervalTally {
    /// Call attempts that arrived (first attempts and retrials).
    pub offered: u64,
    /// Attempts that found no free agent and had to wait (put on hold).
    pub queued: u64,
    /// Calls answered by an agent.
    pub answered: u64,
    /// Callers who hung up while waiting in the queue.
    pub abandoned: u64,
    /// Callers who hung up at once on hearing the announced wait.
    pub balked: u64,
    /// Callers who found every line busy (busy signal).
    pub blocked: u64,
    /// Calls answered within the service-level threshold.
    pub answered_in_threshold: u64,
    /// Sum of the waits of answered calls (seconds).
    pub wait_answered_s: f64,
    /// Sum of the time in queue of all callers who queued, answered or abandoned (seconds).
    pub wait_all_s: f64,
    /// Waits of answered calls, for percentiles.
    pub waits: WaitHistogram,
    /// Retrial attempts among the offered calls.
    pub retrials: u64,
    /// Callbacks offered to callers facing a long expected wait.
    pub callbacks_offered: u64,
    /// Callback offers accepted (the attempt ends; an agent calls back later).
    pub callbacks_accepted: u64,
    /// Callbacks in which the customer answered and was served.
    pub callbacks_completed: u64,
    /// Callback requests given up after every callback attempt went unanswered.
    pub callbacks_failed: u64,
    /// Sum of the times from callback request to talk (seconds), completed callbacks.
    pub callback_delay_s: f64,
    /// Times from callback request to talk, for percentiles.
    pub callback_delays: WaitHistogram,
    /// Distinct customers (first attempts).
    pub customers: u64,
    /// Customers who were served in the end (answered, or reached by a callback).
    pub served_customers: u64,
    /// Customers served on their first call, without calling again or a callback.
    pub served_first_attempt: u64,
    /// Customers never served: gave up for good, ran out of attempts or callbacks.
    pub lost_customers: u64,
    /// Attempts made by the customers counted here, summed.
    pub customer_attempts: u64,
    /// Customers from an earlier day who came back this day (a run of several days that
    /// carry over): counted in the interval they came back in, as its customers are.
    pub carried_in: u64,
    /// Customers still due to call again, or to be called back, at closing, handed on to
    /// the next morning.
    pub carried_over: u64,
    /// Callbacks handed on by the day before, made first this morning.
    pub callbacks_carried_in: u64,
    /// Callbacks promised but not made by closing, handed on to the next morning.
    pub callbacks_carried_over: u64,
    /// Customers a proactive contact could have reached (their need was predictable).
    pub proactive_targets: u64,
    /// Proactive contacts made (messages sent, or outbound calls placed).
    pub proactive_contacts: u64,
    /// Customers a proactive contact reached.
    pub proactive_reached: u64,
    /// Customers who did not call because a proactive contact answered their need.
    pub calls_deflected: u64,
    /// Agent time spent on proactive outbound calls (agent-seconds).
    pub proactive_agent_s: f64,
    /// Lost customers whom a proactive contact had reached (they churn less).
    pub lost_reached_customers: u64,
    /// Cost of the agents' paid hours.
    pub cost_agents: f64,
    /// Cost of telephony (minutes of waiting and talking).
    pub cost_telephony: f64,
    /// Cost of proactive contacts.
    pub cost_proactive: f64,
    /// Value lost with the customers who churn.
    pub cost_lost_customers: f64,
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
    /// The whole of `intervals` (a day's, or a run's): every tally merged in the order given.
    pub fn whole(intervals: &[IntervalTally]) -> IntervalTally {
        let mut whole = IntervalTally::default();
        for t in intervals {
            whole.merge(t);
        }
        whole
    }

    /// Adds another tally (used to build the whole run from its intervals).
    pub fn merge(&mut self, other: &IntervalTally) {
        self.add_calls(other);
        self.cost_agents += other.cost_agents;
        self.cost_telephony += other.cost_telephony;
        self.cost_proactive += other.cost_proactive;
        self.cost_lost_customers += other.cost_lost_customers;
        self.busy_agent_s += other.busy_agent_s;
        self.available_agent_s += other.available_agent_s;
        self.max_queue = self.max_queue.max(other.max_queue);
        self.duration_s += other.duration_s;
    }

    /// Adds the calls and customers of another tally: its counts, sums and histograms of
    /// waits and delays, not its agent time, costs, longest queue or duration (the whole
    /// center's calls are its call types').
    pub fn add_calls(&mut self, other: &IntervalTally) {
        self.offered += other.offered;
        self.queued += other.queued;
        self.answered += other.answered;
        self.abandoned += other.abandoned;
        self.balked += other.balked;
        self.blocked += other.blocked;
        self.answered_in_threshold += other.answered_in_threshold;
        self.wait_answered_s += other.wait_answered_s;
        self.wait_all_s += other.wait_all_s;
        self.waits.merge(&other.waits);
        self.retrials += other.retrials;
        self.callbacks_offered += other.callbacks_offered;
        self.callbacks_accepted += other.callbacks_accepted;
        self.callbacks_completed += other.callbacks_completed;
        self.callbacks_failed += other.callbacks_failed;
        self.callback_delay_s += other.callback_delay_s;
        self.callback_delays.merge(&other.callback_delays);
        self.customers += other.customers;
        self.served_customers += other.served_customers;
        self.served_first_attempt += other.served_first_attempt;
        self.lost_customers += other.lost_customers;
        self.customer_attempts += other.customer_attempts;
        self.carried_in += other.carried_in;
        self.carried_over += other.carried_over;
        self.callbacks_carried_in += other.callbacks_carried_in;
        self.callbacks_carried_over += other.callbacks_carried_over;
        self.proactive_targets += other.proactive_targets;
        self.proactive_contacts += other.proactive_contacts;
        self.proactive_reached += other.proactive_reached;
        self.calls_deflected += other.calls_deflected;
        self.proactive_agent_s += other.proactive_agent_s;
        self.lost_reached_customers += other.lost_reached_customers;
    }

    /// Agents + telephony + proactive contact + lost customers.
    pub fn total_cost(&self) -> f64 {
        self.cost_agents + self.cost_telephony + self.cost_proactive + self.cost_lost_customers
    }

    /// The accounting identities: every attempt, every customer and every accepted callback
    /// ends exactly once (customers and callbacks from the day before count with those of
    /// the day; those handed on to the next morning end there).
    pub fn balances(&self) -> bool {
        self.offered
            == self.answered + self.abandoned + self.balked + self.blocked + self.callbacks_accepted
            && self.customers + self.carried_in
                == self.served_customers + self.lost_customers + self.carried_over
            && self.callbacks_accepted + self.callbacks_carried_in
                == self.callbacks_completed + self.callbacks_failed + self.callbacks_carried_over
    }
}

/// The mechanism a KPI belongs to: KPIs of a mechanism a scenario does not use are absent
/// from its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// The base queue: always present.
    Base,
    /// `[lines]`: busy signals.
    Lines,
    /// `[balking]`: hanging up on the announced wait.
    Balking,
    /// `[retrials]`: calling again.
    Retrials,
    /// `[callback]`: virtual hold.
    Callback,
    /// `[proactive]`: contacting customers before they call.
    Proactive,
    /// `[costs]`: the price of everything.
    Costs,
    /// `[time] days`: a run of several days, customers carried over from one to the next.
    Days,
}

impl Mechanism {
    /// The scenario section that turns it on (`[lines]`, `[time] days`); empty for the base.
    pub fn section(self) -> &'static str {
        match self {
            Mechanism::Base => "",
            Mechanism::Lines => "[lines]",
            Mechanism::Balking => "[balking]",
            Mechanism::Retrials => "[retrials]",
            Mechanism::Callback => "[callback]",
            Mechanism::Proactive => "[proactive]",
            Mechanism::Costs => "[costs]",
            Mechanism::Days => "[time] days",
        }
    }
}

macro_rules! kpis {
    ($($variant:ident $name:literal $mechanism:ident $(+ $also:ident)* : $doc:literal,)*) => {
        /// A key performance indicator, as named in every output.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kpi {
            $(#[doc = $doc] $variant,)*
        }

        impl Kpi {
            /// Every KPI, in output order.
            pub const ALL: &'static [Kpi] = &[$(Kpi::$variant,)*];

            /// The KPI's position in [`Kpi::ALL`] (the order of per-replication values).
            pub fn index(self) -> usize {
                self as usize
            }

            /// The KPI's name in JSON and CSV output.
            pub fn name(self) -> &'static str {
                match self { $(Kpi::$variant => $name,)* }
            }

            /// What it means, in one sentence for people (the HTML page's "meaning" column;
            /// its doc comment is the same text).
            pub fn meaning(self) -> &'static str {
                match self { $(Kpi::$variant => $doc,)* }
            }

            /// The mechanism that produces it.
            pub fn mechanism(self) -> Mechanism {
                match self { $(Kpi::$variant => Mechanism::$mechanism,)* }
            }

            /// Every mechanism a scenario must have for it to be produced: its own, and any
            /// other it counts the work of (callbacks carried over need callbacks).
            pub fn mechanisms(self) -> &'static [Mechanism] {
                match self { $(Kpi::$variant => &[Mechanism::$mechanism $(, Mechanism::$also)*],)* }
            }
        }
    };
}

kpis! {
    Offered "offered" Base: "Call attempts that arrived (first attempts and retrials).",
    Answered "answered" Base: "Calls answered.",
    Abandoned "abandoned" Base: "Callers who hung up: while waiting, or at once on the announced wait (balked).",
    ProbWait "prob_wait" Base: "Attempts put on hold (no free agent, and the caller waited in line: not balked, no callback) ÷ offered.",
    ServiceLevel "service_level" Base: "Answered within the threshold ÷ (offered − callbacks accepted); abandoned and blocked calls count as not in time.",
    ServiceLevelAnswered "service_level_answered" Base: "Answered within the threshold ÷ answered.",
    AsaS "asa_s" Base: "Average speed of answer: mean wait of answered calls (seconds).",
    MeanWaitS "mean_wait_s" Base: "Mean time in queue of all callers who queued, abandoned ones included (seconds).",
    AbandonRate "abandon_rate" Base: "Abandoned (balked included) ÷ offered.",
    Occupancy "occupancy" Base: "Busy agent time ÷ available agent time.",
    WaitP50S "wait_p50_s" Base: "Median wait of answered calls (seconds).",
    WaitP90S "wait_p90_s" Base: "90th percentile of the wait of answered calls (seconds).",
    WaitP99S "wait_p99_s" Base: "99th percentile of the wait of answered calls (seconds).",
    MaxQueue "max_queue" Base: "Longest queue (callers waiting at once).",
    Agents "agents" Base: "Mean number of agents available (staffed, plus overtime finishing calls, until the last agent has gone home).",
    Customers "customers" Base: "Distinct customers who called (counted at their first attempt).",
    ServedCustomers "served_customers" Base: "Customers served in the end.",
    LostCustomers "lost_customers" Base: "Customers never served: gave up for good, or ran out of attempts.",
    ServedFirstAttempt "served_first_attempt" Base: "Customers served on their first call.",
    AttemptsPerCustomer "attempts_per_customer" Base: "Call attempts per customer.",
    Blocked "blocked" Lines: "Callers who found every line busy (busy signal).",
    BlockedRate "blocked_rate" Lines: "Blocked ÷ offered: the share of attempts that heard a busy signal.",
    Balked "balked" Balking: "Callers who hung up at once on hearing the announced wait.",
    Retrials "retrials" Retrials: "Attempts that were a customer calling again.",
    CallbacksOffered "callbacks_offered" Callback: "Callbacks offered because the expected wait was long.",
    CallbacksAccepted "callbacks_accepted" Callback: "Callback offers accepted.",
    CallbacksCompleted "callbacks_completed" Callback: "Callbacks that reached the customer, who was then served.",
    CallbacksFailed "callbacks_failed" Callback: "Callback requests given up: every attempt went unanswered, or the center closed before the next.",
    CallbackDelayS "callback_delay_s" Callback: "Mean time from callback request to talk, completed callbacks (seconds).",
    CallbackDelayP90S "callback_delay_p90_s" Callback: "90th percentile of the callback delay (seconds).",
    ProactiveContacts "proactive_contacts" Proactive: "Proactive contacts made (messages sent, or outbound calls placed).",
    ProactiveReached "proactive_reached" Proactive: "Customers a proactive contact reached.",
    CallsDeflected "calls_deflected" Proactive: "Calls that did not happen because a proactive contact answered the need.",
    ProactiveAgentHours "proactive_agent_hours" Proactive: "Agent time spent on proactive outbound calls (hours).",
    CostAgents "cost_agents" Costs: "Cost of the agents: paid hours (staffed ÷ (1 − shrinkage)) × hourly cost.",
    CostTelephony "cost_telephony" Costs: "Telephony: minutes of waiting and talking × cost per minute.",
    CostProactive "cost_proactive" Costs: "Proactive contacts × cost per contact.",
    CostLostCustomers "cost_lost_customers" Costs: "Lost customers × customer value × churn probability.",
    TotalCost "total_cost" Costs: "Agents + telephony + proactive contact + lost customers.",
    CostPerCallHandled "cost_per_call_handled" Costs: "Total cost ÷ calls handled (answered, and completed callbacks).",
    CarriedOver "carried_over" Days: "Customers still due to call again, or to be called back, at closing, handed on to the next morning.",
    CarriedIn "carried_in" Days: "Customers from an earlier day who called again, or were called back, this day.",
    CallbacksCarriedOver "callbacks_carried_over" Days + Callback: "Callbacks promised but not made by closing, made first the next morning.",
}

impl Kpi {
    /// True for a share (a ratio of calls or of time in [0, 1]), shown as a percentage.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Kpi::ProbWait
                | Kpi::ServiceLevel
                | Kpi::ServiceLevelAnswered
                | Kpi::AbandonRate
                | Kpi::Occupancy
                | Kpi::BlockedRate
        )
    }

    /// The KPI named `name` in outputs, if there is one.
    pub fn named(name: &str) -> Option<Kpi> {
        Kpi::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// A mean and its 95% half-width as people read them, in one format for this KPI
    /// everywhere: shares as percentages; the half-width to two significant digits and the
    /// mean to the same decimals (`183.3 ± 4.9`, `33.6% ± 3.1%`, `325 ± 19`); without a
    /// half-width, the mean to about four significant digits. Undefined values are `–`.
    pub fn format(self, mean: f64, ci95: f64) -> (String, String) {
        let (scale, unit) = if self.is_share() {
            (100.0, "%")
        } else {
            (1.0, "")
        };
        let (m, c) = (mean * scale, ci95 * scale);
        if !m.is_finite() {
            return ("–".into(), "–".into());
        }
        let decimals = if c.is_finite() && c > 0.0 {
            // two significant digits of the half-width, at most 6 decimals
            (1 - c.log10().floor() as i32).clamp(0, 6) as usize
        } else {
            let size = m.abs().max(1e-9).log10().floor() as i32;
            (3 - size).clamp(0, 3) as usize
        };
        let number = |x: f64| crate::units::thousands(x, decimals);
        let ci = if c.is_finite() {
            format!("{}{unit}", number(c))
        } else {
            "–".into()
        };
        (format!("{}{unit}", number(m)), ci)
    }

    /// The KPI's value for one tally; NaN where it is undefined (a ratio over zero calls).
    pub fn value(self, t: &IntervalTally) -> f64 {
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { f64::NAN };
        let queued = (t.answered + t.abandoned) as f64;
        let abandoned = (t.abandoned + t.balked) as f64;
        match self {
            Kpi::Offered => t.offered as f64,
            Kpi::Answered => t.answered as f64,
            Kpi::Abandoned => abandoned,
            Kpi::ProbWait => ratio(t.queued as f64, t.offered as f64),
            Kpi::ServiceLevel => ratio(
                t.answered_in_threshold as f64,
                (t.offered - t.callbacks_accepted) as f64,
            ),
            Kpi::ServiceLevelAnswered => ratio(t.answered_in_threshold as f64, t.answered as f64),
            Kpi::AsaS => ratio(t.wait_answered_s, t.answered as f64),
            Kpi::MeanWaitS => ratio(t.wait_all_s, queued),
            Kpi::AbandonRate => ratio(abandoned, t.offered as f64),
            Kpi::Occupancy => ratio(t.busy_agent_s, t.available_agent_s),
            Kpi::WaitP50S => t.waits.quantile(0.5),
            Kpi::WaitP90S => t.waits.quantile(0.9),
            Kpi::WaitP99S => t.waits.quantile(0.99),
            Kpi::MaxQueue => t.max_queue as f64,
            Kpi::Agents => ratio(t.available_agent_s, t.duration_s),
            Kpi::Customers => t.customers as f64,
            Kpi::ServedCustomers => t.served_customers as f64,
            Kpi::LostCustomers => t.lost_customers as f64,
            Kpi::ServedFirstAttempt => t.served_first_attempt as f64,
            Kpi::AttemptsPerCustomer => ratio(t.customer_attempts as f64, t.customers as f64),
            Kpi::Blocked => t.blocked as f64,
            Kpi::BlockedRate => ratio(t.blocked as f64, t.offered as f64),
            Kpi::Balked => t.balked as f64,
            Kpi::Retrials => t.retrials as f64,
            Kpi::CallbacksOffered => t.callbacks_offered as f64,
            Kpi::CallbacksAccepted => t.callbacks_accepted as f64,
            Kpi::CallbacksCompleted => t.callbacks_completed as f64,
            Kpi::CallbacksFailed => t.callbacks_failed as f64,
            Kpi::CallbackDelayS => ratio(t.callback_delay_s, t.callbacks_completed as f64),
            Kpi::CallbackDelayP90S => t.callback_delays.quantile(0.9),
            Kpi::ProactiveContacts => t.proactive_contacts as f64,
            Kpi::ProactiveReached => t.proactive_reached as f64,
            Kpi::CallsDeflected => t.calls_deflected as f64,
            Kpi::ProactiveAgentHours => t.proactive_agent_s / 3600.0,
            Kpi::CostAgents => t.cost_agents,
            Kpi::CostTelephony => t.cost_telephony,
            Kpi::CostProactive => t.cost_proactive,
            Kpi::CostLostCustomers => t.cost_lost_customers,
            Kpi::TotalCost => t.total_cost(),
            Kpi::CostPerCallHandled => {
                ratio(t.total_cost(), (t.answered + t.callbacks_completed) as f64)
            }
            Kpi::CarriedOver => t.carried_over as f64,
            Kpi::CarriedIn => t.carried_in as f64,
            Kpi::CallbacksCarriedOver => t.callbacks_carried_over as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The README's KPI table is the KPIs' one definition, row for row: name, meaning, and
    /// the section that turns it on (the README is the contract; a KPI added or reworded here
    /// must be there too).
    #[test]
    fn the_readme_kpi_table_is_the_definition() {
        let mut table = String::from("| KPI | meaning | only with |\n| --- | --- | --- |\n");
        for &kpi in Kpi::ALL {
            let sections: Vec<String> = kpi
                .mechanisms()
                .iter()
                .filter(|m| !m.section().is_empty())
                .map(|m| format!("`{}`", m.section()))
                .collect();
            table.push_str(&format!(
                "| `{}` | {} | {} |\n",
                kpi.name(),
                kpi.meaning(),
                sections.join(", ")
            ));
        }
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&table),
            "README.md's KPI table should read:\n{table}"
        );
    }

    use super::*;

    #[test]
    fn one_format_per_kpi() {
        assert_eq!(
            Kpi::ServiceLevel.format(0.336, 0.031),
            ("33.6%".into(), "3.1%".into())
        );
        assert_eq!(
            Kpi::Answered.format(183.3, 4.883),
            ("183.3".into(), "4.9".into())
        );
        assert_eq!(
            Kpi::Offered.format(324.8, 19.3),
            ("325".into(), "19".into())
        );
        assert_eq!(
            Kpi::TotalCost.format(22739.0, 1209.0),
            ("22\u{2009}739".into(), "1\u{2009}209".into())
        );
        assert_eq!(
            Kpi::AsaS.format(0.1234, f64::NAN),
            ("0.123".into(), "–".into())
        );
        assert_eq!(
            Kpi::AttemptsPerCustomer.format(1.0, 0.0),
            ("1.000".into(), "0.000".into())
        );
        assert_eq!(Kpi::AsaS.format(f64::NAN, f64::NAN).0, "–");
        assert_eq!(Kpi::named("abandon_rate"), Some(Kpi::AbandonRate));
    }

    #[test]
    fn kpis_of_a_hand_made_tally() {
        let mut t = IntervalTally {
            offered: 12,
            queued: 5,
            answered: 8,
            abandoned: 1,
            balked: 1,
            blocked: 1,
            callbacks_accepted: 1,
            callbacks_completed: 1,
            answered_in_threshold: 6,
            wait_answered_s: 80.0,
            wait_all_s: 108.0,
            busy_agent_s: 900.0,
            available_agent_s: 1800.0,
            max_queue: 3,
            duration_s: 900.0,
            customers: 10,
            served_customers: 9,
            lost_customers: 1,
            customer_attempts: 12,
            ..Default::default()
        };
        t.waits.record(0.0);
        assert!(t.balances());
        let v = |k: Kpi| k.value(&t);
        assert_eq!(v(Kpi::Abandoned), 2.0);
        assert_eq!(v(Kpi::ProbWait), 5.0 / 12.0);
        assert_eq!(
            v(Kpi::ServiceLevel),
            6.0 / 11.0,
            "callbacks leave the denominator"
        );
        assert_eq!(v(Kpi::ServiceLevelAnswered), 0.75);
        assert_eq!(v(Kpi::AsaS), 10.0);
        assert_eq!(v(Kpi::MeanWaitS), 12.0);
        assert_eq!(v(Kpi::AbandonRate), 2.0 / 12.0);
        assert_eq!(v(Kpi::Occupancy), 0.5);
        assert_eq!(v(Kpi::Agents), 2.0);
        assert_eq!(v(Kpi::WaitP50S), 0.0);
        assert_eq!(v(Kpi::AttemptsPerCustomer), 1.2);
        assert!(Kpi::AsaS.value(&IntervalTally::default()).is_nan());
        t.lost_customers = 2;
        assert!(!t.balances());
        assert!(Kpi::ALL.iter().enumerate().all(|(i, k)| k.index() == i));
        let names: std::collections::HashSet<_> = Kpi::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), Kpi::ALL.len());
    }
}
