//! Costs: what a day costs in agents, telephony, proactive contact and lost customers.
//!
//! - **Agents**: paid hours × `agent_per_hour`, where paid hours = staffed hours ÷
//!   (1 − `shrinkage`): agents on the phones are only part of the paid time (breaks, training,
//!   absence). Staffed hours include overtime after closing. Agent time spent on proactive
//!   calls is part of it: blending uses time the agents are paid for anyway.
//! - **Telephony**: `per_minute` × minutes of waiting and talking (toll-free lines cost while
//!   callers wait).
//! - **Proactive contact**: `cost_per_contact` of `[proactive]` × contacts made.
//! - **Lost customers**: `lost_customer_value` × `churn` per lost customer; for customers a
//!   proactive contact reached, churn × (1 − `churn_reduction`).

use crate::stats::IntervalTally;

/// The `[costs]` section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostModel {
    /// Cost of one paid agent hour (currency units per hour).
    pub agent_per_hour: f64,
    /// Share of paid time not spent on the phones, in [0, 1).
    pub shrinkage: f64,
    /// Telephony cost per minute of waiting or talking.
    pub per_minute: f64,
    /// Value of a customer (e.g. lifetime value) lost when they churn.
    pub lost_customer_value: f64,
    /// Probability that a lost customer takes their business elsewhere, in [0, 1].
    pub churn: f64,
}

impl CostModel {
    /// Fills the cost fields of `t` from its counts. `cost_per_contact` is the price of one
    /// proactive contact, `churn_reduction` the share of churn a proactive contact removes.
    pub fn apply(&self, t: &mut IntervalTally, cost_per_contact: f64, churn_reduction: f64) {
        let paid_hours = t.available_agent_s / 3600.0 / (1.0 - self.shrinkage);
        t.cost_agents = paid_hours * self.agent_per_hour;
        t.cost_telephony = self.per_minute * (t.wait_all_s + t.busy_agent_s) / 60.0;
        t.cost_proactive = cost_per_contact * t.proactive_contacts as f64;
        let reached = t.lost_reached_customers as f64;
        let others = t.lost_customers as f64 - reached;
        let loss = self.lost_customer_value * self.churn;
        t.cost_lost_customers = loss * (others + reached * (1.0 - churn_reduction));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_arithmetic() {
        let costs = CostModel {
            agent_per_hour: 20.0,
            shrinkage: 0.2,
            per_minute: 0.02,
            lost_customer_value: 400.0,
            churn: 0.3,
        };
        let mut t = IntervalTally {
            available_agent_s: 4.0 * 3600.0, // 4 staffed hours → 5 paid hours
            wait_all_s: 600.0,
            busy_agent_s: 3000.0, // 60 minutes waiting and talking
            proactive_contacts: 10,
            lost_customers: 3,
            lost_reached_customers: 1,
            ..Default::default()
        };
        costs.apply(&mut t, 0.05, 0.5);
        assert!((t.cost_agents - 100.0).abs() < 1e-9);
        assert!((t.cost_telephony - 1.2).abs() < 1e-12);
        assert!((t.cost_proactive - 0.5).abs() < 1e-12);
        // 2 × 120 + 1 × 120 × 0.5
        assert!((t.cost_lost_customers - 300.0).abs() < 1e-9);
    }
}
