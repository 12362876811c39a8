//! The scenario file exactly as written: a serde mirror of the TOML, with the place of every
//! value kept (`Spanned`) so that validation can point at it. Unknown keys are errors.
//! Nothing is checked here beyond TOML types; [`super::validate`] does the rest.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A value with its byte range in the file.
pub(crate) type S<T> = Spanned<T>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<S<String>>,
    pub description: Option<S<String>>,
    pub seed: Option<S<i64>>,
    pub replications: Option<S<i64>>,
    pub time: S<RawTime>,
    pub arrivals: Option<S<RawArrivals>>,
    pub handle_time: Option<S<RawDist>>,
    pub patience: Option<S<RawDist>>,
    pub staffing: Option<S<RawStaffing>>,
    pub service_level: Option<S<RawServiceLevel>>,
    pub lines: Option<S<RawLines>>,
    pub balking: Option<S<RawBalking>>,
    pub callback: Option<S<RawCallback>>,
    pub retrials: Option<S<RawRetrials>>,
    pub proactive: Option<S<RawProactive>>,
    pub costs: Option<S<RawCosts>>,
    pub call_type: Option<Vec<S<RawCallType>>>,
    pub agent_group: Option<Vec<S<RawAgentGroup>>>,
    pub routing: Option<S<RawRouting>>,
    pub roster: Option<S<RawRoster>>,
    /// `[precision]`: KPI name → 95% half-width (a number in the KPI's unit, or `"2%"` of
    /// its mean; read like a duration, a number or a string), and `max_replications`.
    pub precision: Option<S<BTreeMap<S<String>, S<RawDuration>>>>,
}

/// `[[call_type]]`: one kind of call with its own demand, talk time, patience and goal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallType {
    pub name: S<String>,
    pub arrivals: S<RawArrivals>,
    pub handle_time: S<RawDist>,
    pub patience: Option<S<RawDist>>,
    pub service_level: Option<S<RawServiceLevel>>,
    pub weight: Option<S<f64>>,
    /// The type's own `[balking]`, `[callback]`, `[retrials]` or `[proactive]`, in place of
    /// the center's.
    pub balking: Option<S<RawBalking>>,
    pub callback: Option<S<RawCallback>>,
    pub retrials: Option<S<RawRetrials>>,
    pub proactive: Option<S<RawProactive>>,
}

/// A table keyed by call-type name, such as `{ billing = 1, tech = 2 }`.
pub(crate) type ByType<T> = S<BTreeMap<S<String>, S<T>>>;

/// `[[agent_group]]`: agents with the same skills.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgentGroup {
    pub name: S<String>,
    pub staffing: S<RawStaffing>,
    pub skills: ByType<i64>,
    pub delay: Option<ByType<RawDuration>>,
    pub handle_time_factor: Option<ByType<f64>>,
}

/// `[routing]`: tie-breaking between groups and between queues.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    pub agent_select: Option<S<String>>,
    pub call_select: Option<S<String>>,
}

/// `[roster]`, or the top level of a shift file (`callsim roster --shifts FILE`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoster {
    pub shift_lengths: S<Vec<S<RawDuration>>>,
    pub starts: Option<S<RawStarts>>,
    pub open: Option<S<String>>,
    pub close: Option<S<String>>,
    #[serde(rename = "break")]
    pub break_rule: Option<S<RawBreak>>,
    pub max_shift_types: Option<S<i64>>,
    pub cost_per_hour: Option<S<RawProbabilities>>,
    pub week: Option<S<Vec<S<f64>>>>,
    /// Tours of a week: `[[roster.contract]]`s, `days_off`, `min_rest`,
    /// `max_consecutive_days`, `start_band`.
    pub contract: Option<Vec<S<RawContract>>>,
    pub days_off: Option<S<String>>,
    pub min_rest: Option<S<RawDuration>>,
    pub max_consecutive_days: Option<S<i64>>,
    pub start_band: Option<S<RawDuration>>,
}

/// `[[roster.contract]] name = "full-time", days = 5 (or [4, 5]), hours = ["38h", "40h"]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    pub name: S<String>,
    pub days: S<RawRange<i64>>,
    pub hours: Option<S<RawRange<RawDuration>>>,
}

/// One value, or a range written as a list `[least, most]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawRange<T> {
    One(T),
    Many(Vec<T>),
}

/// `[roster] starts = { from = "07:00", to = "11:00", every = "30m" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStarts {
    pub from: Option<S<String>>,
    pub to: Option<S<String>>,
    pub every: Option<S<RawDuration>>,
}

/// `[roster] break = { length = "30m", window = ["2h", "5h"], for_shifts_over = "5h" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    pub length: S<RawDuration>,
    pub window: S<Vec<S<RawDuration>>>,
    pub for_shifts_over: Option<S<RawDuration>>,
}

/// `[proactive]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProactive {
    pub predictable_share: S<RawProbabilities>,
    pub coverage: S<f64>,
    pub channel: S<String>,
    pub deflection: S<f64>,
    pub churn_reduction: Option<S<f64>>,
    pub cost_per_contact: Option<S<f64>>,
    pub handle_time_factor: Option<S<f64>>,
    pub handle_time: Option<S<RawDist>>,
    pub answer_probability: Option<S<f64>>,
    pub deadline: Option<S<RawDuration>>,
}

/// `[costs]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    pub agent_per_hour: Option<S<f64>>,
    pub shrinkage: Option<S<f64>>,
    pub per_minute: Option<S<f64>>,
    pub lost_customer_value: Option<S<f64>>,
    pub churn: Option<S<f64>>,
}

/// `[lines]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLines {
    pub capacity: S<i64>,
}

/// `[balking]`: announced waits and the probability of hanging up at each.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBalking {
    pub announced_wait: S<Vec<S<RawDuration>>>,
    pub probability: S<Vec<S<f64>>>,
}

/// `[callback]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallback {
    pub offer_when_wait_exceeds: S<RawDuration>,
    pub accept_probability: S<f64>,
    pub answer_probability: Option<S<f64>>,
    pub retry_delay: Option<S<RawDist>>,
    pub max_attempts: Option<S<i64>>,
    pub talk_time: Option<S<RawDist>>,
}

/// `[retrials]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetrials {
    pub probability: S<RawProbabilities>,
    pub delay: S<RawDist>,
    pub max_attempts: Option<S<i64>>,
}

/// One probability, or a list (one per attempt number, or per interval).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawProbabilities {
    One(f64),
    Many(Vec<f64>),
}

/// `[time]`: a working day (open, interval, intervals or close; days and carry_over for a
/// run of several days) or a steady state (horizon, warmup, optional interval).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTime {
    pub open: Option<S<String>>,
    pub close: Option<S<String>>,
    pub interval: Option<S<RawDuration>>,
    pub intervals: Option<S<i64>>,
    pub horizon: Option<S<RawDuration>>,
    pub warmup: Option<S<RawDuration>>,
    /// Consecutive working days per replication.
    pub days: Option<S<i64>>,
    /// With several days: customers still due at closing come back the next morning.
    pub carry_over: Option<S<bool>>,
}

/// `[arrivals]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub calls_per_hour: Option<S<f64>>,
    pub per_interval: Option<S<Vec<S<f64>>>>,
    pub busyness_cv: Option<S<f64>>,
}

/// A distribution table: `[handle_time]`, `[patience]`, or an inline `{ distribution = ... }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub distribution: S<String>,
    pub mean: Option<S<RawDuration>>,
    pub cv: Option<S<f64>>,
    pub shape: Option<S<f64>>,
    pub min: Option<S<RawDuration>>,
    pub max: Option<S<RawDuration>>,
    pub file: Option<S<String>>,
}

/// `[staffing]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaffing {
    pub agents: Option<S<i64>>,
    pub per_interval: Option<S<Vec<S<i64>>>>,
}

/// `[service_level]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    pub threshold: Option<S<RawDuration>>,
    pub target: Option<S<f64>>,
}

/// A duration as written: a number of seconds, or a string such as `"4m"` parsed later (so
/// that a bad string is reported with the others, not as the first serde error).
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    Seconds(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration: a number of seconds or a string such as \"4m\"")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
