//! From the file as written (`RawScenario`) to a validated [`Scenario`]: every value is
//! checked, and every problem is collected (not only the first) with its file, line and key.

use super::diagnostic::Diagnostic;
use super::duration::parse_duration;
use super::raw::{
    RawArrivals, RawBalking, RawCallback, RawContract, RawCosts, RawDist, RawDuration, RawLines,
    RawProactive, RawProbabilities, RawRange, RawRetrials, RawRoster, RawScenario, RawServiceLevel,
    RawStaffing, RawTime, S,
};
use crate::model::balking::BalkingCurve;
use crate::model::callback::CallbackPolicy;
use crate::model::costs::CostModel;
use crate::model::lines::Lines;
use crate::model::proactive::{Channel, ProactivePolicy};
use crate::model::retrials::RetrialPolicy;
use crate::model::{Dist, RunKind, Scenario, ServiceLevelGoal};
use crate::roster::rules::{BreakRule, OpeningHours, ShiftRules, StartTimes};
use crate::roster::tours::{Contract, DaysOff, TourRules};
use crate::stats::{HalfWidth, Kpi, Precision, precision};
use crate::units::{format_clock, format_duration, parse_clock};
use std::ops::Range;
use std::path::{Path, PathBuf};

mod skills;

/// Hours in a day, the longest `min_rest` and `start_band`.
const DAY_H: f64 = 24.0;
/// Hours in a week, the most a contract's hours may be.
const WEEK_H: f64 = 168.0;

/// Replications when the file does not say.
pub const DEFAULT_REPLICATIONS: u32 = 10;
/// Seed when the file does not say.
pub const DEFAULT_SEED: u64 = 1;
/// Service-level threshold when the file has no `[service_level]`: 20 seconds.
pub const DEFAULT_THRESHOLD_S: f64 = 20.0;
/// Service-level target when the file has no `[service_level]`: 80%.
pub const DEFAULT_TARGET: f64 = 0.8;
/// Attempts per customer at most when `[retrials]` does not say.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
/// Mean delay before an unanswered callback is tried again when `[callback]` does not say:
/// exponential, 5 minutes.
pub const DEFAULT_CALLBACK_RETRY_S: f64 = 300.0;

// Upper bounds, far beyond any real call center, so that a typo (1e300) is an error and not
// a run that exhausts the machine (README, "Limits").
/// Longest duration of any kind (patience, handle time, horizon, warm-up, delays): a year.
pub const MAX_DURATION_S: f64 = 365.0 * 86_400.0;
/// Most calls per hour of `calls_per_hour`: ten million.
pub const MAX_CALLS_PER_HOUR: f64 = 1e7;
/// Most expected calls of one interval in `per_interval`: ten million.
pub const MAX_CALLS_PER_INTERVAL: f64 = 1e7;
/// Largest `busyness_cv`.
pub const MAX_BUSYNESS_CV: f64 = 10.0;
/// Most replications.
pub const MAX_REPLICATIONS: i64 = 1_000_000;
/// Most consecutive days of a run (`[time] days`): a year.
pub const MAX_DAYS: i64 = 366;

/// Collects problems while reading one file.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    base_dir: &'a Path,
    problems: Vec<Diagnostic>,
    /// Put before every key named in a problem (`call_type[billing].` while a type's own
    /// sections are checked).
    key_prefix: String,
}

/// Who calls, how long they talk and wait, and who answers: of a single queue, or of several
/// call types and agent groups (`skills`).
struct Demand {
    arrival_rate: Vec<f64>,
    busyness_cv: f64,
    handle_time: Dist,
    patience: Option<Dist>,
    agents: Vec<u32>,
    skills: Option<crate::model::routing::SkillModel>,
}

/// The reporting layout derived from `[time]`.
struct Timeline {
    kind: RunKind,
    interval_s: f64,
    intervals: usize,
    days: u32,
    carry_over: bool,
}

impl Checker<'_> {
    fn problem(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        let key = format!("{}{key}", self.key_prefix);
        self.problems.push(Diagnostic::at(
            self.file,
            self.text,
            span,
            &key,
            message.into(),
        ));
    }

    /// A duration in seconds, ≥ 0 (> 0 when `positive`).
    fn duration(&mut self, value: &S<RawDuration>, key: &str, positive: bool) -> Option<f64> {
        let parsed = match value.get_ref() {
            RawDuration::Seconds(x) => Ok(*x),
            RawDuration::Text(t) => parse_duration(t),
        };
        match parsed {
            Ok(x) if x <= MAX_DURATION_S && (x > 0.0 || (!positive && x == 0.0)) => Some(x),
            Ok(x) if x > MAX_DURATION_S => {
                self.problem(
                    value.span(),
                    key,
                    format!(
                        "expected a duration of at most a year ({MAX_DURATION_S} s), got {x} s"
                    ),
                );
                None
            }
            Ok(x) => {
                let bound = if positive { "> 0" } else { "≥ 0" };
                self.problem(
                    value.span(),
                    key,
                    format!("expected a duration {bound}, got {x} s"),
                );
                None
            }
            Err(message) => {
                self.problem(value.span(), key, message.to_string());
                None
            }
        }
    }

    /// A whole number within `range`.
    fn whole(&mut self, value: &S<i64>, key: &str, range: Range<i64>, what: &str) -> Option<i64> {
        let v = *value.get_ref();
        if range.contains(&v) {
            Some(v)
        } else {
            self.problem(
                value.span(),
                key,
                format!(
                    "expected {what}, a whole number from {} to {}, got {v}",
                    range.start,
                    range.end - 1
                ),
            );
            None
        }
    }

    /// A number ≥ 0 (finite).
    fn non_negative(&mut self, value: &S<f64>, key: &str) -> Option<f64> {
        let v = *value.get_ref();
        if v.is_finite() && v >= 0.0 {
            Some(v)
        } else {
            self.problem(value.span(), key, format!("expected a number ≥ 0, got {v}"));
            None
        }
    }

    /// A number from 0 to `max`.
    fn bounded(&mut self, value: &S<f64>, key: &str, max: f64) -> Option<f64> {
        let v = self.non_negative(value, key)?;
        if v <= max {
            return Some(v);
        }
        self.problem(
            value.span(),
            key,
            format!("expected a number ≤ {max}, got {v}"),
        );
        None
    }

    /// A probability in [0, 1].
    fn probability(&mut self, value: &S<f64>, key: &str) -> Option<f64> {
        let v = *value.get_ref();
        if (0.0..=1.0).contains(&v) {
            Some(v)
        } else {
            self.problem(
                value.span(),
                key,
                format!("expected a probability between 0 and 1, got {v}"),
            );
            None
        }
    }

    /// A count of attempts ≥ 1, or `default` when absent.
    fn attempts(&mut self, value: Option<&S<i64>>, key: &str, default: u32) -> Option<u32> {
        match value {
            Some(v) => self
                .whole(v, key, 1..1_000_001, "a number of attempts")
                .map(|n| n as u32),
            None => Some(default),
        }
    }

    /// A `[service_level]` table written at `key`; `default` (threshold in seconds, target)
    /// for what it does not set.
    fn service_level(
        &mut self,
        sl: Option<&S<RawServiceLevel>>,
        key: &str,
        default: (f64, f64),
    ) -> Option<ServiceLevelGoal> {
        let sl = sl.map(|s| s.get_ref());
        let threshold = match sl.and_then(|s| s.threshold.as_ref()) {
            Some(t) => self.duration(t, &format!("{key}.threshold"), false),
            None => Some(default.0),
        };
        let target = match sl.and_then(|s| s.target.as_ref()) {
            Some(t) => {
                let v = *t.get_ref();
                if v > 0.0 && v <= 1.0 {
                    Some(v)
                } else {
                    self.problem(
                        t.span(),
                        &format!("{key}.target"),
                        format!("expected a share of calls between 0 and 1 (such as 0.8), got {v}"),
                    );
                    None
                }
            }
            None => Some(default.1),
        };
        Some(ServiceLevelGoal {
            threshold_s: threshold?,
            target: target?,
        })
    }

    /// The demand and staffing of a single queue: `[arrivals]`, `[handle_time]`,
    /// `[patience]` and `[staffing]`.
    fn single_demand(&mut self, raw: &RawScenario, line: Option<&Timeline>) -> Option<Demand> {
        let n = line.map(|t| t.intervals);
        for (section, span) in [
            (
                "agent_group",
                raw.agent_group
                    .as_ref()
                    .and_then(|g| g.first())
                    .map(|g| g.span()),
            ),
            ("routing", raw.routing.as_ref().map(|r| r.span())),
        ] {
            if let Some(span) = span {
                self.problem(
                    span,
                    section,
                    format!(
                        "[{section}] belongs to a center with several call types: add \
                         [[call_type]] sections, or remove [{section}]"
                    ),
                );
            }
        }
        let missing = |c: &mut Self, section: &str, example: &str| {
            c.problem(
                0..0,
                section,
                format!("missing section [{section}]: expected {example}"),
            );
        };
        let arrivals = match &raw.arrivals {
            Some(a) => {
                let rate = self.arrivals(a, "arrivals", line);
                let cv = match &a.get_ref().busyness_cv {
                    Some(v) => self.bounded(v, "arrivals.busyness_cv", MAX_BUSYNESS_CV),
                    None => Some(0.0),
                };
                rate.zip(cv)
            }
            None => {
                missing(
                    self,
                    "arrivals",
                    "calls_per_hour = X or per_interval = [...]",
                );
                None
            }
        };
        let handle_time = match &raw.handle_time {
            Some(h) => self.dist(h, "handle_time", false).flatten(),
            None => {
                missing(
                    self,
                    "handle_time",
                    "distribution = \"exponential\", mean = \"4m\"",
                );
                None
            }
        };
        let patience = match &raw.patience {
            Some(p) => self.dist(p, "patience", true),
            None => Some(None),
        };
        let agents = match &raw.staffing {
            Some(st) => self.staffing(st, "staffing", n, false),
            None => {
                missing(self, "staffing", "agents = N or per_interval = [...]");
                None
            }
        };
        let (arrival_rate, busyness_cv) = arrivals?;
        Some(Demand {
            arrival_rate,
            busyness_cv,
            handle_time: handle_time?,
            patience: patience?,
            agents: agents?,
            skills: None,
        })
    }

    fn lines(&mut self, lines: &S<RawLines>) -> Option<Lines> {
        let capacity = self.whole(
            &lines.get_ref().capacity,
            "lines.capacity",
            1..100_000_001,
            "the number of lines",
        )?;
        Some(Lines {
            capacity: capacity as u32,
        })
    }

    fn balking(&mut self, balking: &S<RawBalking>) -> Option<BalkingCurve> {
        let b = balking.get_ref();
        let waits: Vec<Option<f64>> = b
            .announced_wait
            .get_ref()
            .iter()
            .map(|w| self.duration(w, "balking.announced_wait", false))
            .collect();
        let probability: Vec<Option<f64>> = b
            .probability
            .get_ref()
            .iter()
            .map(|p| self.probability(p, "balking.probability"))
            .collect();
        if waits.is_empty() || waits.len() != probability.len() {
            self.problem(
                b.probability.span(),
                "balking.probability",
                format!(
                    "expected one probability per announced wait ({} waits), got {}",
                    waits.len(),
                    probability.len()
                ),
            );
            return None;
        }
        let waits: Vec<f64> = waits.into_iter().collect::<Option<_>>()?;
        if waits.windows(2).any(|w| w[0] >= w[1]) {
            self.problem(
                b.announced_wait.span(),
                "balking.announced_wait",
                "expected announced waits in increasing order",
            );
            return None;
        }
        Some(BalkingCurve {
            announced_wait_s: waits,
            probability: probability.into_iter().collect::<Option<_>>()?,
        })
    }

    fn callback(&mut self, callback: &S<RawCallback>) -> Option<CallbackPolicy> {
        let cb = callback.get_ref();
        let threshold = self.duration(
            &cb.offer_when_wait_exceeds,
            "callback.offer_when_wait_exceeds",
            false,
        );
        let accept = self.probability(&cb.accept_probability, "callback.accept_probability");
        let answer = match &cb.answer_probability {
            Some(p) => self.probability(p, "callback.answer_probability"),
            None => Some(1.0),
        };
        let max_attempts = self.attempts(cb.max_attempts.as_ref(), "callback.max_attempts", 3);
        let retry_delay = match &cb.retry_delay {
            Some(d) => self.dist(d, "callback.retry_delay", false).flatten(),
            None => Dist::exponential(DEFAULT_CALLBACK_RETRY_S).ok(),
        };
        let talk_time = match &cb.talk_time {
            Some(d) => Some(self.dist(d, "callback.talk_time", false).flatten()?),
            None => None,
        };
        Some(CallbackPolicy {
            offer_when_wait_exceeds_s: threshold?,
            accept_probability: accept?,
            answer_probability: answer?,
            retry_delay: retry_delay?,
            max_attempts: max_attempts?,
            talk_time,
        })
    }

    fn retrials(&mut self, retrials: &S<RawRetrials>) -> Option<RetrialPolicy> {
        let r = retrials.get_ref();
        let span = r.probability.span();
        let given = match r.probability.get_ref() {
            RawProbabilities::One(p) => vec![*p],
            RawProbabilities::Many(ps) => ps.clone(),
        };
        let bad: Vec<f64> = given
            .iter()
            .copied()
            .filter(|p| !(0.0..=1.0).contains(p))
            .collect();
        if given.is_empty() || !bad.is_empty() {
            self.problem(
                span.clone(),
                "retrials.probability",
                format!(
                    "expected a probability between 0 and 1, or a list of them (one per attempt \
                     number), got {}",
                    if given.is_empty() {
                        "an empty list".to_string()
                    } else {
                        format!("{bad:?}")
                    }
                ),
            );
        }
        let delay = self.dist(&r.delay, "retrials.delay", false).flatten();
        let max_attempts = self.attempts(
            r.max_attempts.as_ref(),
            "retrials.max_attempts",
            DEFAULT_MAX_ATTEMPTS,
        );
        if given.is_empty() || !bad.is_empty() {
            return None;
        }
        Some(RetrialPolicy {
            probability: given,
            delay: delay?,
            max_attempts: max_attempts?,
        })
    }

    /// An optional number ≥ 0, `default` when absent.
    fn non_negative_or(&mut self, value: Option<&S<f64>>, key: &str, default: f64) -> Option<f64> {
        match value {
            Some(v) => self.non_negative(v, key),
            None => Some(default),
        }
    }

    /// An optional probability, `default` when absent.
    fn probability_or(&mut self, value: Option<&S<f64>>, key: &str, default: f64) -> Option<f64> {
        match value {
            Some(v) => self.probability(v, key),
            None => Some(default),
        }
    }

    fn proactive(
        &mut self,
        proactive: &S<RawProactive>,
        n: Option<usize>,
    ) -> Option<ProactivePolicy> {
        let p = proactive.get_ref();
        let shares = match p.predictable_share.get_ref() {
            RawProbabilities::One(x) => n.map(|n| vec![*x; n]),
            RawProbabilities::Many(xs) => {
                if let Some(n) = n
                    && xs.len() != n
                {
                    self.problem(
                        p.predictable_share.span(),
                        "proactive.predictable_share",
                        format!(
                            "expected one share, or one per interval ({n} values), got {}",
                            xs.len()
                        ),
                    );
                    None
                } else {
                    Some(xs.clone())
                }
            }
        };
        if let Some(bad) = shares.iter().flatten().find(|x| !(0.0..=1.0).contains(*x)) {
            self.problem(
                p.predictable_share.span(),
                "proactive.predictable_share",
                format!("expected shares between 0 and 1, got {bad}"),
            );
        }
        let coverage = self.probability(&p.coverage, "proactive.coverage");
        let deflection = self.probability(&p.deflection, "proactive.deflection");
        let churn_reduction =
            self.probability_or(p.churn_reduction.as_ref(), "proactive.churn_reduction", 0.0);
        let cost_per_contact = self.non_negative_or(
            p.cost_per_contact.as_ref(),
            "proactive.cost_per_contact",
            0.0,
        );
        let factor = self.non_negative_or(
            p.handle_time_factor.as_ref(),
            "proactive.handle_time_factor",
            1.0,
        );
        let agent_call_keys = [
            ("handle_time", p.handle_time.as_ref().map(|v| v.span())),
            (
                "answer_probability",
                p.answer_probability.as_ref().map(|v| v.span()),
            ),
            ("deadline", p.deadline.as_ref().map(|v| v.span())),
        ];
        let channel = match p.channel.get_ref().as_str() {
            "message" => {
                for (key, span) in agent_call_keys {
                    if let Some(span) = span {
                        self.problem(span, &format!("proactive.{key}"), format!("`{key}` is for channel = \"agent_call\"; a message takes no agent time"));
                    }
                }
                Some(Channel::Message)
            }
            "agent_call" => {
                let handle_time = match &p.handle_time {
                    Some(d) => self.dist(d, "proactive.handle_time", false).flatten(),
                    None => {
                        self.problem(proactive.span(), "proactive.handle_time", "channel = \"agent_call\" needs handle_time = { distribution = ..., mean = ... }");
                        None
                    }
                };
                let answer = self.probability_or(
                    p.answer_probability.as_ref(),
                    "proactive.answer_probability",
                    1.0,
                );
                let deadline = match &p.deadline {
                    Some(d) => self.duration(d, "proactive.deadline", true),
                    None => {
                        self.problem(proactive.span(), "proactive.deadline", "channel = \"agent_call\" needs a deadline: how long before the customer would call the contact may be made, such as deadline = \"2h\"");
                        None
                    }
                };
                match (handle_time, answer, deadline) {
                    (Some(handle_time), Some(answer_probability), Some(deadline_s)) => {
                        Some(Channel::AgentCall {
                            handle_time,
                            answer_probability,
                            deadline_s,
                        })
                    }
                    _ => None,
                }
            }
            other => {
                self.problem(
                    p.channel.span(),
                    "proactive.channel",
                    format!("expected \"message\" or \"agent_call\", got \"{other}\""),
                );
                None
            }
        };
        let shares = shares?;
        if shares.iter().any(|x| !(0.0..=1.0).contains(x)) {
            return None;
        }
        Some(ProactivePolicy {
            predictable_share: shares,
            coverage: coverage?,
            channel: channel?,
            deflection: deflection?,
            churn_reduction: churn_reduction?,
            cost_per_contact: cost_per_contact?,
            handle_time_factor: factor?,
        })
    }

    fn costs(&mut self, costs: &S<RawCosts>) -> Option<CostModel> {
        let c = costs.get_ref();
        let shrinkage = match &c.shrinkage {
            Some(v) => {
                let x = *v.get_ref();
                if (0.0..1.0).contains(&x) {
                    Some(x)
                } else {
                    self.problem(v.span(), "costs.shrinkage", format!("expected a share of paid time off the phones, at least 0 and below 1 (such as 0.3), got {x}"));
                    None
                }
            }
            None => Some(0.0),
        };
        Some(CostModel {
            agent_per_hour: self.non_negative_or(
                c.agent_per_hour.as_ref(),
                "costs.agent_per_hour",
                0.0,
            )?,
            shrinkage: shrinkage?,
            per_minute: self.non_negative_or(c.per_minute.as_ref(), "costs.per_minute", 0.0)?,
            lost_customer_value: self.non_negative_or(
                c.lost_customer_value.as_ref(),
                "costs.lost_customer_value",
                0.0,
            )?,
            churn: self.probability_or(c.churn.as_ref(), "costs.churn", 1.0)?,
        })
    }

    /// A clock time `"HH:MM"` (up to 24:00), seconds after midnight.
    fn clock(&mut self, value: &S<String>, key: &str) -> Option<f64> {
        match parse_clock(value.get_ref()) {
            Ok(s) => Some(s),
            Err(m) => {
                self.problem(value.span(), key, m.to_string());
                None
            }
        }
    }

    /// `[precision]`: each key a whole-run KPI with its 95% half-width, or
    /// `max_replications`.
    fn precision(
        &mut self,
        section: &S<std::collections::BTreeMap<S<String>, S<RawDuration>>>,
    ) -> Option<Precision> {
        let mut max_replications = precision::DEFAULT_MAX_REPLICATIONS;
        let mut targets = Vec::new();
        let mut ok = true;
        for (name, value) in section.get_ref() {
            let key = format!("precision.{}", name.get_ref());
            if name.get_ref() == "max_replications" {
                match value.get_ref() {
                    RawDuration::Seconds(x)
                        if x.fract() == 0.0 && (2.0..=MAX_REPLICATIONS as f64).contains(x) =>
                    {
                        max_replications = *x as u32;
                    }
                    _ => {
                        ok = false;
                        self.problem(
                            value.span(),
                            &key,
                            format!(
                                "expected the most replications, a whole number from 2 to \
                                 {MAX_REPLICATIONS}"
                            ),
                        );
                    }
                }
                continue;
            }
            let Some(kpi) = Kpi::named(name.get_ref()) else {
                ok = false;
                let names = Kpi::ALL.iter().map(|k| k.name());
                let hint = super::deserialize::nearest_name(name.get_ref(), names)
                    .map_or(String::new(), |n| format!(": did you mean `{n}`?"));
                self.problem(
                    name.span(),
                    &key,
                    format!(
                        "`{}` is not a KPI{hint} (keys here: a KPI as in summary.json, such as \
                         service_level, abandon_rate or asa_s, and max_replications)",
                        name.get_ref()
                    ),
                );
                continue;
            };
            let half = match value.get_ref() {
                RawDuration::Seconds(x) if x.is_finite() && *x > 0.0 => Ok(HalfWidth::Absolute(*x)),
                RawDuration::Seconds(_) => Err(precision::HalfWidthError::NotPositive),
                RawDuration::Text(t) => HalfWidth::parse(t),
            };
            match half {
                Ok(h) => targets.push((kpi, h)),
                Err(why) => {
                    ok = false;
                    self.problem(
                        value.span(),
                        &key,
                        format!(
                            "{why}: the 95% half-width wanted, in the KPI's unit (0.005 is half a \
                             point of a share) or as a share of its mean (\"2%\")"
                        ),
                    );
                }
            }
        }
        if ok && targets.is_empty() {
            self.problem(
                section.span(),
                "precision",
                "name at least one KPI and its half-width, e.g. service_level = 0.005",
            );
            return None;
        }
        ok.then(|| Precision::new(targets, max_replications))
    }

    /// `[roster]` (keys prefixed `prefix`, "roster." in a scenario, "" in a shift file).
    fn roster(&mut self, roster: &S<RawRoster>, prefix: &str) -> Option<ShiftRules> {
        let r = roster.get_ref();
        let key = |k: &str| format!("{prefix}{k}");
        const DAY_S: f64 = 86_400.0;
        let lengths: Vec<Option<f64>> = r
            .shift_lengths
            .get_ref()
            .iter()
            .map(|l| {
                let v = self.duration(l, &key("shift_lengths"), true)?;
                if v > DAY_S {
                    self.problem(
                        l.span(),
                        &key("shift_lengths"),
                        format!("expected a shift of at most 24h, got {v} s"),
                    );
                    return None;
                }
                Some(v)
            })
            .collect();
        if lengths.is_empty() {
            self.problem(
                r.shift_lengths.span(),
                &key("shift_lengths"),
                "expected at least one shift length, such as [\"6h\", \"8h\"]",
            );
        }
        let lengths: Option<Vec<f64>> = lengths.into_iter().collect();
        if let Some(l) = &lengths
            && (1..l.len()).any(|i| l[..i].contains(&l[i]))
        {
            self.problem(
                r.shift_lengths.span(),
                &key("shift_lengths"),
                "expected each shift length once",
            );
        }
        let starts = match &r.starts {
            Some(st) => {
                let raw = st.get_ref();
                let from = raw
                    .from
                    .as_ref()
                    .map_or(Some(0.0), |v| self.clock(v, &key("starts.from")));
                let to = raw
                    .to
                    .as_ref()
                    .map_or(Some(DAY_S), |v| self.clock(v, &key("starts.to")));
                let every = match &raw.every {
                    Some(e) => self.duration(e, &key("starts.every"), true).map(Some),
                    None => Some(None),
                };
                match (from, to, every) {
                    (Some(from_s), Some(to_s), Some(_)) if to_s < from_s => {
                        let span = raw.to.as_ref().map_or(st.span(), |v| v.span());
                        self.problem(
                            span,
                            &key("starts.to"),
                            format!(
                                "the latest start ({}) is before the earliest ({}); give \
                                 from <= to",
                                format_clock(to_s),
                                format_clock(from_s)
                            ),
                        );
                        None
                    }
                    (Some(from_s), Some(to_s), Some(every_s)) => Some(Some(StartTimes {
                        from_s,
                        to_s,
                        every_s,
                    })),
                    _ => None,
                }
            }
            None => Some(None),
        };
        let hours = if r.open.is_some() || r.close.is_some() {
            let open = r
                .open
                .as_ref()
                .map_or(Some(0.0), |v| self.clock(v, &key("open")));
            let close = r
                .close
                .as_ref()
                .map_or(Some(DAY_S), |v| self.clock(v, &key("close")));
            match (open, close) {
                (Some(open_s), Some(close_s)) if close_s <= open_s => {
                    let span = r.close.as_ref().or(r.open.as_ref()).map(|v| v.span());
                    self.problem(
                        span.unwrap_or(roster.span()),
                        &key("close"),
                        format!(
                            "the closing ({}) must be after the opening ({}); for shifts round \
                             the clock (crossing midnight) leave open and close out",
                            format_clock(close_s),
                            format_clock(open_s)
                        ),
                    );
                    None
                }
                (Some(open_s), Some(close_s)) => Some(Some(OpeningHours { open_s, close_s })),
                _ => None,
            }
        } else {
            Some(None)
        };
        let break_rule = match &r.break_rule {
            Some(b) => self.roster_break(b, lengths.as_deref(), prefix),
            None => Some(None),
        };
        let max_shift_types = match &r.max_shift_types {
            Some(m) => self
                .whole(
                    m,
                    &key("max_shift_types"),
                    1..1_000_001,
                    "the most distinct shift types",
                )
                .map(|m| Some(m as usize)),
            None => Some(None),
        };
        let cost_per_hour = match &r.cost_per_hour {
            Some(c) => {
                let values = match c.get_ref() {
                    RawProbabilities::One(v) => vec![*v],
                    RawProbabilities::Many(v) => v.clone(),
                };
                let n = lengths.as_ref().map_or(0, Vec::len);
                let fine = values.iter().all(|v| v.is_finite() && *v >= 0.0)
                    && (values.len() == 1 || values.len() == n);
                if fine {
                    Some(Some(values))
                } else {
                    self.problem(
                        c.span(),
                        &key("cost_per_hour"),
                        format!(
                            "expected a cost per paid hour ≥ 0, or one per shift length ({n} \
                             values), got {:?}",
                            values
                        ),
                    );
                    None
                }
            }
            None => Some(None),
        };
        let week = match &r.week {
            Some(w) => {
                let values: Vec<f64> = w.get_ref().iter().map(|v| *v.get_ref()).collect();
                match <[f64; 7]>::try_from(values.as_slice()) {
                    Ok(days) if days.iter().all(|v| v.is_finite() && *v > 0.0) => Some(Some(days)),
                    _ => {
                        self.problem(
                            w.span(),
                            &key("week"),
                            format!(
                                "expected seven factors > 0 on the scenario's calls, Monday \
                                 first (such as [1.1, 1, 1, 1, 1.05, 0.7, 0.5]), got {values:?}"
                            ),
                        );
                        None
                    }
                }
            }
            None => Some(None),
        };
        let tours = self.roster_tours(roster, prefix);
        Some(ShiftRules {
            tours: tours?,
            lengths_s: lengths?,
            starts: starts?,
            hours: hours?,
            break_rule: break_rule?,
            max_shift_types: max_shift_types?,
            cost_per_hour: cost_per_hour?,
            week: week?,
        })
    }

    /// The tour rules of `[roster]` (`contract`, `days_off`, `min_rest`,
    /// `max_consecutive_days`, `start_band`): `Some(None)` when none is given.
    fn roster_tours(&mut self, roster: &S<RawRoster>, prefix: &str) -> Option<Option<TourRules>> {
        let r = roster.get_ref();
        let key = |k: &str| format!("{prefix}{k}");
        let spans = [
            r.contract
                .as_ref()
                .and_then(|c| c.first())
                .map(|c| (c.span(), "contract")),
            r.days_off.as_ref().map(|v| (v.span(), "days_off")),
            r.min_rest.as_ref().map(|v| (v.span(), "min_rest")),
            r.max_consecutive_days
                .as_ref()
                .map(|v| (v.span(), "max_consecutive_days")),
            r.start_band.as_ref().map(|v| (v.span(), "start_band")),
        ];
        let Some((span, first)) = spans.into_iter().flatten().next() else {
            return Some(None);
        };
        let mut ok = true;
        if r.week.is_none() {
            self.problem(
                span,
                &key(first),
                "tour rules are a week's: add week = [...] (one factor per weekday, Monday \
                 first), or leave the tour keys out for a day's shifts",
            );
            ok = false;
        }
        if let Some(m) = &r.max_shift_types {
            self.problem(
                m.span(),
                &key("max_shift_types"),
                "max_shift_types is not used with tours (contract, days_off, min_rest, \
                 max_consecutive_days, start_band): leave one of them out",
            );
            ok = false;
        }
        let contracts = match &r.contract {
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, c)| self.contract(c, &key("contract"), &list[..i]))
                .collect::<Option<Vec<_>>>(),
            None => Some(vec![Contract {
                name: "full-time".into(),
                days_min: 5,
                days_max: 5,
                hours_min: 0.0,
                hours_max: WEEK_H,
            }]),
        };
        let days_off = match &r.days_off {
            None => Some(DaysOff::Any),
            Some(v) => match v.get_ref().as_str() {
                "any" => Some(DaysOff::Any),
                "prefer_consecutive" => Some(DaysOff::PreferConsecutive),
                "consecutive" => Some(DaysOff::Consecutive),
                other => {
                    let hint = super::deserialize::nearest_name(
                        other,
                        ["any", "prefer_consecutive", "consecutive"].into_iter(),
                    )
                    .map_or(String::new(), |n| format!("; did you mean \"{n}\"?"));
                    self.problem(
                        v.span(),
                        &key("days_off"),
                        format!(
                            "expected \"consecutive\", \"prefer_consecutive\" or \"any\", \
                             got \"{other}\"{hint}"
                        ),
                    );
                    None
                }
            },
        };
        let day_or_less = |c: &mut Self, v: &S<RawDuration>, k: &str| {
            let d = c.duration(v, &key(k), false)?;
            if d > DAY_H * 3600.0 {
                c.problem(
                    v.span(),
                    &key(k),
                    format!(
                        "expected a duration of at most 24h, got {}",
                        format_duration(d)
                    ),
                );
                return None;
            }
            Some(d)
        };
        let min_rest = match &r.min_rest {
            Some(v) => day_or_less(self, v, "min_rest"),
            None => Some(0.0),
        };
        let start_band = match &r.start_band {
            Some(v) => day_or_less(self, v, "start_band").map(Some),
            None => Some(None),
        };
        let max_consecutive = match &r.max_consecutive_days {
            Some(m) => self
                .whole(
                    m,
                    &key("max_consecutive_days"),
                    1..8,
                    "the most working days in a row",
                )
                .map(|m| m as u32),
            None => Some(7),
        };
        let rules = TourRules {
            contracts: contracts?,
            days_off: days_off?,
            min_rest_s: min_rest?,
            max_consecutive_days: max_consecutive?,
            start_band_s: start_band?,
            staff: None,
        };
        ok.then_some(Some(rules))
    }

    /// One `[[roster.contract]]` (`before`: the contracts above it, whose names it must not
    /// repeat).
    fn contract(
        &mut self,
        c: &S<RawContract>,
        key: &str,
        before: &[S<RawContract>],
    ) -> Option<Contract> {
        let raw = c.get_ref();
        let name = raw.name.get_ref().trim().to_string();
        let mut ok = true;
        if name.is_empty()
            || before
                .iter()
                .any(|b| b.get_ref().name.get_ref().trim() == name)
        {
            self.problem(
                raw.name.span(),
                &format!("{key}.name"),
                format!("expected a contract name given once, not empty; got \"{name}\""),
            );
            ok = false;
        }
        let days = match raw.days.get_ref() {
            RawRange::One(d) => vec![*d, *d],
            RawRange::Many(d) => d.clone(),
        };
        let days = match days[..] {
            [lo, hi] if 1 <= lo && lo <= hi && hi <= 7 => Some((lo as u32, hi as u32)),
            _ => {
                self.problem(
                    raw.days.span(),
                    &format!("{key}.days"),
                    format!(
                        "expected the days worked in a week, a whole number from 1 to 7 or a \
                         range [least, most] such as [4, 5]; got {days:?}"
                    ),
                );
                None
            }
        };
        let hours = match &raw.hours {
            None => Some((0.0, WEEK_H)),
            Some(h) => {
                let values = match h.get_ref() {
                    RawRange::One(v) => vec![v.clone(), v.clone()],
                    RawRange::Many(v) => v.clone(),
                };
                let parsed: Vec<Option<f64>> = values
                    .iter()
                    .map(|v| match v {
                        RawDuration::Seconds(x) => Some(*x),
                        RawDuration::Text(t) => parse_duration(t).ok(),
                    })
                    .map(|x| x.filter(|x| (0.0..=WEEK_H * 3600.0).contains(x)))
                    .collect();
                match parsed[..] {
                    [Some(lo), Some(hi)] if lo <= hi => Some((lo / 3600.0, hi / 3600.0)),
                    _ => {
                        self.problem(
                            h.span(),
                            &format!("{key}.hours"),
                            "expected the paid hours of a week, one duration or a range \
                             [least, most] such as [\"38h\", \"40h\"], each from 0 to 168h",
                        );
                        None
                    }
                }
            }
        };
        let ((days_min, days_max), (hours_min, hours_max)) = (days?, hours?);
        ok.then_some(Contract {
            name,
            days_min,
            days_max,
            hours_min,
            hours_max,
        })
    }

    /// `break = { length, window = [earliest, latest_end], for_shifts_over }`.
    fn roster_break(
        &mut self,
        b: &S<super::raw::RawBreak>,
        lengths: Option<&[f64]>,
        prefix: &str,
    ) -> Option<Option<BreakRule>> {
        let raw = b.get_ref();
        let key = |k: &str| format!("{prefix}break.{k}");
        let length = self.duration(&raw.length, &key("length"), true);
        let window: Vec<Option<f64>> = raw
            .window
            .get_ref()
            .iter()
            .map(|w| self.duration(w, &key("window"), false))
            .collect();
        let over = match &raw.for_shifts_over {
            Some(o) => self.duration(o, &key("for_shifts_over"), false),
            None => Some(0.0),
        };
        let [Some(earliest_s), Some(latest_end_s)] = window[..] else {
            if window.len() != 2 {
                self.problem(
                    raw.window.span(),
                    &key("window"),
                    format!(
                        "expected two durations after the shift start: the earliest start \
                         and the latest end of the break, such as [\"2h\", \"5h\"]; got {} \
                         values",
                        window.len()
                    ),
                );
            }
            return None;
        };
        let (length_s, for_shifts_over_s) = (length?, over?);
        if latest_end_s - earliest_s < length_s {
            self.problem(
                raw.length.span(),
                &key("length"),
                format!(
                    "the break ({}) is longer than its window ({} to {} after the shift \
                     starts); widen the window or shorten the break",
                    format_duration(length_s),
                    format_duration(earliest_s),
                    format_duration(latest_end_s)
                ),
            );
            return None;
        }
        for &l in lengths.unwrap_or(&[]) {
            if l > for_shifts_over_s && latest_end_s > l {
                self.problem(
                    raw.window.span(),
                    &key("window"),
                    format!(
                        "the break window ends {} after the start, after the end of the {} \
                         shift that takes a break; end the window earlier or raise \
                         for_shifts_over",
                        format_duration(latest_end_s),
                        format_duration(l)
                    ),
                );
                return None;
            }
        }
        Some(Some(BreakRule {
            length_s,
            earliest_s,
            latest_end_s,
            for_shifts_over_s,
        }))
    }

    /// A list with one value per interval.
    fn per_interval_len<T>(&mut self, list: &S<Vec<T>>, key: &str, intervals: Option<usize>) {
        if let Some(n) = intervals
            && list.get_ref().len() != n
        {
            self.problem(
                list.span(),
                key,
                format!(
                    "expected one value per interval ({n} values, as [time] defines {n} \
                     intervals), got {}",
                    list.get_ref().len()
                ),
            );
        }
    }

    fn time(&mut self, time: &S<RawTime>) -> Option<Timeline> {
        let t = time.get_ref();
        let day_keys = t.open.is_some() || t.close.is_some() || t.intervals.is_some();
        let steady_keys = t.horizon.is_some() || t.warmup.is_some();
        let interval = t
            .interval
            .as_ref()
            .and_then(|v| self.duration(v, "time.interval", true));
        if day_keys && steady_keys {
            self.problem(
                time.span(),
                "time",
                "mixes a working day (open, close, intervals) with a steady state \
                 (horizon, warmup); keep the keys of one of them",
            );
            return None;
        }
        if let Some(horizon) = &t.horizon {
            let horizon = self.duration(horizon, "time.horizon", true)?;
            let warmup = match &t.warmup {
                Some(w) => self.duration(w, "time.warmup", false)?,
                None => 0.0,
            };
            if warmup >= horizon {
                let span = t.warmup.as_ref().map_or(time.span(), |w| w.span());
                self.problem(
                    span,
                    "time.warmup",
                    format!(
                        "the warm-up ({warmup} s) must be shorter than the horizon ({horizon} s)"
                    ),
                );
                return None;
            }
            let measured = horizon - warmup;
            let interval_s = match (interval, &t.interval) {
                (Some(i), _) => i,
                (None, None) => measured,
                (None, Some(_)) => return None,
            };
            let intervals = whole_intervals(measured, interval_s);
            if intervals.is_none() {
                self.problem(
                    t.interval.as_ref().map_or(time.span(), |v| v.span()),
                    "time.interval",
                    format!(
                        "the measured time (horizon − warmup = {measured} s) must be a whole \
                         number of intervals of {interval_s} s"
                    ),
                );
            }
            if let Some(days) = &t.days {
                self.problem(
                    days.span(),
                    "time.days",
                    "a run of several days needs a working day (open, interval, and intervals \
                     or close), not a steady state (horizon, warmup)",
                );
                return None;
            }
            return Some(Timeline {
                kind: RunKind::SteadyState { warmup_s: warmup },
                interval_s,
                intervals: intervals?,
                days: 1,
                carry_over: true,
            });
        }
        if t.warmup.is_some() {
            self.problem(
                time.span(),
                "time.horizon",
                "a warmup needs a horizon (steady state)",
            );
            return None;
        }
        let Some(open) = &t.open else {
            self.problem(
                time.span(),
                "time",
                "expected a working day (open = \"08:00\", interval = \"30m\", and intervals \
                 or close) or a steady state (horizon = \"200h\", warmup = \"5h\")",
            );
            return None;
        };
        let open_s = match parse_clock(open.get_ref()) {
            Ok(s) => Some(s),
            Err(m) => {
                self.problem(open.span(), "time.open", m.to_string());
                None
            }
        };
        let Some(interval_s) = interval else {
            if t.interval.is_none() {
                self.problem(
                    time.span(),
                    "time.interval",
                    "a working day needs an interval length, such as interval = \"30m\"",
                );
            }
            return None;
        };
        let intervals = match (&t.intervals, &t.close) {
            (Some(n), None) => self
                .whole(n, "time.intervals", 1..100_001, "the number of intervals")
                .map(|n| n as usize),
            (None, Some(close)) => {
                let close_s = match parse_clock(close.get_ref()) {
                    Ok(s) => s,
                    Err(m) => {
                        self.problem(close.span(), "time.close", m.to_string());
                        return None;
                    }
                };
                let open_s = open_s?;
                let n = if close_s > open_s {
                    whole_intervals(close_s - open_s, interval_s)
                } else {
                    None
                };
                if n.is_none() {
                    self.problem(
                        close.span(),
                        "time.close",
                        format!(
                            "expected a closing time after the opening, a whole number of \
                             intervals ({interval_s} s each) later"
                        ),
                    );
                }
                n
            }
            (Some(_), Some(close)) => {
                self.problem(
                    close.span(),
                    "time.close",
                    "give either intervals or close, not both",
                );
                None
            }
            (None, None) => {
                self.problem(
                    time.span(),
                    "time.intervals",
                    "a working day needs intervals = N or close = \"HH:MM\"",
                );
                None
            }
        };
        let intervals = intervals?;
        let days = match &t.days {
            None => 1,
            Some(days) => {
                let n = self.whole(days, "time.days", 1..MAX_DAYS + 1, "the number of days")?;
                let length = interval_s * intervals as f64;
                if n > 1 && length > crate::model::carry::DAY_S {
                    self.problem(
                        days.span(),
                        "time.days",
                        format!(
                            "a run of several days opens every 24 hours, so a day must be at \
                             most 24 hours long; this one is {} ({intervals} intervals of {})",
                            crate::units::format_duration(length),
                            crate::units::format_duration(interval_s)
                        ),
                    );
                    return None;
                }
                n as u32
            }
        };
        Some(Timeline {
            kind: RunKind::WorkingDay { open_s: open_s? },
            interval_s,
            intervals,
            days,
            carry_over: t.carry_over.as_ref().is_none_or(|c| *c.get_ref()),
        })
    }

    /// Arrival rate per interval, calls per second.
    fn arrivals(
        &mut self,
        arrivals: &S<RawArrivals>,
        key: &str,
        line: Option<&Timeline>,
    ) -> Option<Vec<f64>> {
        let a = arrivals.get_ref();
        let n = line.map(|l| l.intervals);
        match (&a.calls_per_hour, &a.per_interval) {
            (Some(rate), None) => {
                let per_hour =
                    self.bounded(rate, &format!("{key}.calls_per_hour"), MAX_CALLS_PER_HOUR)?;
                Some(vec![per_hour / 3600.0; n?])
            }
            (None, Some(list)) => {
                if let Some(Timeline {
                    kind: RunKind::SteadyState { .. },
                    ..
                }) = line
                {
                    self.problem(
                        list.span(),
                        &format!("{key}.per_interval"),
                        "a steady state needs a constant rate: use calls_per_hour",
                    );
                    return None;
                }
                let list_key = format!("{key}.per_interval");
                self.per_interval_len(list, &list_key, n);
                let values: Vec<Option<f64>> = list
                    .get_ref()
                    .iter()
                    .map(|v| self.bounded(v, &list_key, MAX_CALLS_PER_INTERVAL))
                    .collect();
                let interval_s = line?.interval_s;
                if list.get_ref().len() != n? {
                    return None;
                }
                values
                    .into_iter()
                    .map(|v| v.map(|calls| calls / interval_s))
                    .collect()
            }
            (Some(rate), Some(_)) => {
                self.problem(
                    rate.span(),
                    key,
                    "give either calls_per_hour or per_interval, not both",
                );
                None
            }
            (None, None) => {
                self.problem(arrivals.span(), key, "expected calls_per_hour = X or per_interval = [expected calls of each interval]");
                None
            }
        }
    }

    /// Agents per interval from a `staffing` table written at `key`. A single queue needs an
    /// agent in the last interval (`group` false); an agent group of a multi-skill center may
    /// have none (other groups serve the callers left at close).
    fn staffing(
        &mut self,
        staffing: &S<RawStaffing>,
        key: &str,
        n: Option<usize>,
        group: bool,
    ) -> Option<Vec<u32>> {
        let s = staffing.get_ref();
        const MAX: i64 = 1_000_001;
        let list_key = format!("{key}.per_interval");
        let agents = match (&s.agents, &s.per_interval) {
            (Some(a), None) => {
                let least = if group { 0 } else { 1 };
                let a = self.whole(
                    a,
                    &format!("{key}.agents"),
                    least..MAX,
                    "the number of agents",
                )?;
                vec![a as u32; n?]
            }
            (None, Some(list)) => {
                self.per_interval_len(list, &list_key, n);
                let values: Vec<Option<i64>> = list
                    .get_ref()
                    .iter()
                    .map(|v| self.whole(v, &list_key, 0..MAX, "agents"))
                    .collect();
                if list.get_ref().len() != n? {
                    return None;
                }
                let agents: Vec<u32> = values
                    .into_iter()
                    .map(|v| v.map(|a| a as u32))
                    .collect::<Option<_>>()?;
                if !group && agents.last() == Some(&0) {
                    self.problem(
                        list.span(),
                        &list_key,
                        "the last interval needs at least one agent: callers still waiting \
                         at close are served by the last interval's agents",
                    );
                    return None;
                }
                agents
            }
            (Some(a), Some(_)) => {
                self.problem(
                    a.span(),
                    key,
                    "give either agents or per_interval, not both",
                );
                return None;
            }
            (None, None) => {
                self.problem(
                    staffing.span(),
                    key,
                    "expected agents = N or per_interval = [agents of each interval]",
                );
                return None;
            }
        };
        Some(agents)
    }

    /// A distribution table. `Ok(None)` is `distribution = "none"`, allowed when `allow_none`.
    fn dist(&mut self, raw: &S<RawDist>, key: &str, allow_none: bool) -> Option<Option<Dist>> {
        let d = raw.get_ref();
        let family = d.distribution.get_ref().as_str();
        let name_key = format!("{key}.distribution");
        let families: &[(&str, &[&str])] = &[
            ("exponential", &["mean"]),
            ("lognormal", &["mean", "cv"]),
            ("gamma", &["mean", "cv", "shape"]),
            ("erlang", &["mean", "shape"]),
            ("weibull", &["mean", "cv", "shape"]),
            ("deterministic", &["mean"]),
            ("uniform", &["min", "max"]),
            ("empirical", &["file"]),
            ("none", &[]),
        ];
        let Some((_, allowed)) = families
            .iter()
            .find(|(name, _)| *name == family && (allow_none || *name != "none"))
        else {
            let names: Vec<&str> = families
                .iter()
                .map(|f| f.0)
                .filter(|n| allow_none || *n != "none")
                .collect();
            self.problem(
                d.distribution.span(),
                &name_key,
                format!(
                    "unknown distribution \"{family}\"; expected one of {}",
                    names.join(", ")
                ),
            );
            return None;
        };
        // keys present that this family does not use
        let present: [(&str, Option<Range<usize>>); 6] = [
            ("mean", d.mean.as_ref().map(|v| v.span())),
            ("cv", d.cv.as_ref().map(|v| v.span())),
            ("shape", d.shape.as_ref().map(|v| v.span())),
            ("min", d.min.as_ref().map(|v| v.span())),
            ("max", d.max.as_ref().map(|v| v.span())),
            ("file", d.file.as_ref().map(|v| v.span())),
        ];
        let mut ok = true;
        for (name, span) in present {
            if let Some(span) = span
                && !allowed.contains(&name)
            {
                self.problem(
                    span,
                    &format!("{key}.{name}"),
                    format!(
                        "a {family} distribution does not use `{name}`; it takes {}",
                        if allowed.is_empty() {
                            "no parameters".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                );
                ok = false;
            }
        }
        let mean = match &d.mean {
            Some(m) => self.duration(m, &format!("{key}.mean"), true),
            None => None,
        };
        let need = |c: &mut Self, what: &str| {
            c.problem(
                raw.span(),
                &format!("{key}.{what}"),
                format!("a {family} distribution needs `{what}`"),
            );
        };
        let number = |c: &mut Self, v: &S<f64>, what: &str| {
            let x = *v.get_ref();
            if x.is_finite() && x > 0.0 {
                Some(x)
            } else {
                c.problem(
                    v.span(),
                    &format!("{key}.{what}"),
                    format!("expected a number > 0, got {x}"),
                );
                None
            }
        };
        if family == "none" {
            return ok.then_some(None);
        }
        if allowed.contains(&"mean") && d.mean.is_none() {
            need(self, "mean");
            ok = false;
        }
        let built = match family {
            "exponential" => mean.map(Dist::exponential),
            "deterministic" => mean.map(Dist::deterministic),
            "lognormal" | "gamma" | "weibull" => {
                // a lognormal's `shape` was reported above as a key it does not use
                let shape = if family == "lognormal" {
                    None
                } else {
                    d.shape.as_ref()
                };
                let spread = match (&d.cv, shape) {
                    (Some(cv), None) => number(self, cv, "cv").map(|cv| (cv, false)),
                    (None, Some(shape)) => number(self, shape, "shape").map(|k| (k, true)),
                    (Some(cv), Some(_)) => {
                        self.problem(
                            cv.span(),
                            &format!("{key}.cv"),
                            "give either cv or shape, not both",
                        );
                        None
                    }
                    _ => {
                        need(self, "cv");
                        None
                    }
                };
                match (mean, spread) {
                    (Some(m), Some((cv, false))) => Some(match family {
                        "lognormal" => Dist::lognormal(m, cv),
                        "gamma" => Dist::gamma(m, cv),
                        _ => Dist::weibull(m, cv),
                    }),
                    (Some(m), Some((k, true))) => Some(match family {
                        "gamma" => Dist::gamma(m, 1.0 / k.sqrt()),
                        _ => Dist::weibull_shape(m, k),
                    }),
                    _ => None,
                }
            }
            "erlang" => match &d.shape {
                Some(k)
                    if k.get_ref().fract() == 0.0 && *k.get_ref() >= 1.0 && *k.get_ref() <= 1e6 =>
                {
                    mean.map(|m| Dist::erlang(m, *k.get_ref() as u32))
                }
                Some(k) => {
                    self.problem(
                        k.span(),
                        &format!("{key}.shape"),
                        format!(
                            "expected the number of phases, a whole number ≥ 1, got {}",
                            k.get_ref()
                        ),
                    );
                    None
                }
                None => {
                    need(self, "shape");
                    None
                }
            },
            "uniform" => {
                let min = d
                    .min
                    .as_ref()
                    .and_then(|v| self.duration(v, &format!("{key}.min"), false));
                let max = d
                    .max
                    .as_ref()
                    .and_then(|v| self.duration(v, &format!("{key}.max"), false));
                if d.min.is_none() {
                    need(self, "min");
                }
                if d.max.is_none() {
                    need(self, "max");
                }
                match (min, max) {
                    (Some(a), Some(b)) => Some(Dist::uniform(a, b)),
                    _ => None,
                }
            }
            "empirical" => match &d.file {
                Some(f) => match read_samples(&self.base_dir.join(f.get_ref())) {
                    Ok(samples) => Some(Dist::empirical(samples)),
                    Err(m) => {
                        self.problem(f.span(), &format!("{key}.file"), m);
                        None
                    }
                },
                None => {
                    need(self, "file");
                    None
                }
            },
            _ => None,
        };
        match built {
            Some(Ok(dist)) if ok => Some(Some(dist)),
            Some(Err(message)) => {
                self.problem(raw.span(), key, message.to_string());
                None
            }
            _ => None,
        }
    }
}

/// `total ÷ interval` when it is a whole number (to a relative 1e-9), at most 100,000.
fn whole_intervals(total: f64, interval: f64) -> Option<usize> {
    let n = total / interval;
    let rounded = n.round();
    ((n - rounded).abs() <= 1e-9 * n.max(1.0) && (1.0..=100_000.0).contains(&rounded))
        .then_some(rounded as usize)
}

/// Reads a one-column CSV of durations in seconds; a first line that is not a number is taken
/// for a header.
fn read_samples(path: &Path) -> Result<Vec<f64>, String> {
    let text = crate::input::read_csv_text(path)
        .map_err(|e| format!("cannot read the samples file {}: {e}", path.display()))?;
    let mut samples = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let field = line.split(',').next().unwrap_or("").trim();
        if field.is_empty() {
            continue;
        }
        match field.parse::<f64>() {
            Ok(x) => samples.push(x),
            Err(_) if i == 0 => {} // header
            Err(_) => {
                return Err(format!(
                    "{}:{}: expected a number of seconds, got \"{field}\"",
                    path.display(),
                    i + 1
                ));
            }
        }
    }
    Ok(samples)
}

/// Checks `raw` (read from `file`, whose text is `text`; relative paths inside it are taken
/// from `base_dir`) and builds the scenario, or returns every problem found.
pub fn validate(
    raw: RawScenario,
    text: &str,
    file: &str,
    base_dir: &Path,
    default_name: &str,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut c = Checker {
        file,
        text,
        base_dir,
        problems: Vec::new(),
        key_prefix: String::new(),
    };
    let name = match &raw.name {
        Some(n) => {
            let name = n.get_ref().trim();
            if !usable_name(name) {
                c.problem(
                    n.span(),
                    "name",
                    format!(
                        "expected a name usable as a folder: letters, digits, spaces, '-', '_' \
                         or '.', at most {MAX_NAME_BYTES} bytes"
                    ),
                );
            }
            name.to_string()
        }
        None => default_name.to_string(),
    };
    let seed = raw
        .seed
        .as_ref()
        .map_or(Some(DEFAULT_SEED as i64), |s| {
            c.whole(s, "seed", 0..i64::MAX, "the seed")
        })
        .map(|s| s as u64);
    let replications = raw
        .replications
        .as_ref()
        .map_or(Some(DEFAULT_REPLICATIONS as i64), |r| {
            c.whole(
                r,
                "replications",
                1..MAX_REPLICATIONS + 1,
                "the number of replications",
            )
        })
        .map(|r| r as u32);
    let precision = raw.precision.as_ref().map(|p| c.precision(p));
    let timeline = c.time(&raw.time);
    let n = timeline.as_ref().map(|t| t.intervals);
    let service_level = c.service_level(
        raw.service_level.as_ref(),
        "service_level",
        (DEFAULT_THRESHOLD_S, DEFAULT_TARGET),
    );
    let demand = match &raw.call_type {
        Some(types) => c.skill_demand(&raw, types, timeline.as_ref(), service_level),
        None => c.single_demand(&raw, timeline.as_ref()),
    };
    let (arrival_rate, busyness_cv, handle_time, patience, agents, skills) = match demand {
        Some(d) => (
            Some(d.arrival_rate),
            Some(d.busyness_cv),
            Some(d.handle_time),
            Some(d.patience),
            Some(d.agents),
            d.skills,
        ),
        None => (None, None, None, None, None, None),
    };
    let service_level = service_level.map(|sl| (sl.threshold_s, sl.target));

    let lines = raw.lines.as_ref().map(|l| c.lines(l));
    let balking = raw.balking.as_ref().map(|b| c.balking(b));
    let callback = raw.callback.as_ref().map(|cb| c.callback(cb));
    let retrials = raw.retrials.as_ref().map(|r| c.retrials(r));
    let proactive = raw.proactive.as_ref().map(|p| c.proactive(p, n));
    let costs = raw.costs.as_ref().map(|k| c.costs(k));
    // `[roster]` is checked with the rest of the file, but its rules belong to `callsim
    // roster` ([`shift_rules_of`]), not to the simulated scenario
    let roster_ok = raw
        .roster
        .as_ref()
        .is_none_or(|r| c.roster(r, "roster.").is_some());
    let (Some(proactive), Some(costs), true) = (
        proactive.map_or(Some(None), |p| p.map(Some)),
        costs.map_or(Some(None), |k| k.map(Some)),
        roster_ok,
    ) else {
        return Err(c.problems);
    };
    let (Some(lines), Some(balking), Some(callback), Some(retrials)) = (
        lines.map_or(Some(None), |l| l.map(Some)),
        balking.map_or(Some(None), |b| b.map(Some)),
        callback.map_or(Some(None), |cb| cb.map(Some)),
        retrials.map_or(Some(None), |r| r.map(Some)),
    ) else {
        return Err(c.problems);
    };
    let mut skills = skills;
    if let (Some(model), Some(types)) = (&mut skills, &raw.call_type) {
        let center = skills::Mechanisms {
            balking: &balking,
            callback: &callback,
            retrials: &retrials,
            proactive: &proactive,
        };
        c.type_mechanisms(types, model, center, n);
    }
    let (
        Some(seed),
        Some(replications),
        Some(timeline),
        Some(arrival_rate),
        Some(busyness_cv),
        Some(handle_time),
        Some(patience),
        Some(agents),
        Some((threshold_s, target)),
    ) = (
        seed,
        replications,
        timeline,
        arrival_rate,
        busyness_cv,
        handle_time,
        patience,
        agents,
        service_level,
    )
    else {
        return Err(c.problems);
    };
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let scenario = Scenario {
        name,
        description: raw.description.map(|d| d.into_inner()).unwrap_or_default(),
        source: None,
        seed,
        replications,
        precision: precision.flatten(),
        control_variate: false,
        stratified_days: false,
        kind: timeline.kind,
        days: timeline.days,
        carry_over: timeline.carry_over,
        interval_s: timeline.interval_s,
        arrival_rate,
        busyness_cv,
        handle_time,
        patience,
        agents,
        service_level: ServiceLevelGoal {
            threshold_s,
            target,
        },
        lines,
        balking,
        callback,
        retrials,
        proactive,
        costs,
        skills,
    };
    // Without patience, lines or balking nobody ever leaves the queue unserved.
    if let RunKind::SteadyState { .. } = scenario.kind
        && scenario.skills.is_none()
        && scenario.patience.is_none()
        && scenario.lines.is_none()
        && scenario.balking.is_none()
        && let Some(raw_staffing) = &raw.staffing
    {
        let load = scenario.arrival_rate[0] * scenario.handle_time.mean();
        let agents = scenario.agents[0];
        if load >= agents as f64 {
            let span = raw_staffing
                .get_ref()
                .agents
                .as_ref()
                .map_or(raw_staffing.span(), |a| a.span());
            c.problem(
                span,
                "staffing.agents",
                format!(
                    "no steady state exists: the offered load is {load:.2} Erlangs \
                     ({:.1} calls per hour × {:.1} s mean handle time), which {} agents cannot \
                     carry, and without [patience] nobody leaves the queue, so it grows \
                     forever. Staff more than {load:.2} agents, or add a [patience] section",
                    scenario.arrival_rate[0] * 3600.0,
                    scenario.handle_time.mean(),
                    agents
                ),
            );
            return Err(c.problems);
        }
    }
    // The same with call types: when no type's callers ever leave unserved, the center's
    // agents must carry its whole load (a necessary condition, whatever the routing).
    if let (RunKind::SteadyState { .. }, Some(model)) = (&scenario.kind, &scenario.skills)
        && scenario.lines.is_none()
        && model
            .types
            .iter()
            .all(|t| t.patience.is_none() && t.balking.is_none())
    {
        let load: f64 = (0..model.types.len()).map(|t| model.load(t, 0)).sum();
        let agents: u32 = model.groups.iter().map(|g| g.agents[0]).sum();
        if load >= agents as f64 {
            c.problem(
                0..0,
                "agent_group",
                format!(
                    "no steady state exists: the call types' offered load is {load:.2} Erlangs, \
                     which the {agents} agents of every group together cannot carry, and no \
                     caller ever hangs up, so the lines grow forever. Staff more than \
                     {load:.2} agents, or give the call types a patience"
                ),
            );
            return Err(c.problems);
        }
    }
    Ok(scenario)
}

/// The shift rules of a scenario file's `[roster]` section (whose text is `text`, named
/// `file`), `None` without one; the file is otherwise taken as valid (load it first).
pub fn shift_rules_of(text: &str, file: &str) -> Result<Option<ShiftRules>, Vec<Diagnostic>> {
    let raw: RawScenario = read_whole(text, file)?;
    raw.roster
        .as_ref()
        .map(|section| roster_rules(section, "roster.", text, file))
        .transpose()
}

/// Checks a shift file (`callsim roster --shifts FILE`: the keys of `[roster]` at the top
/// level) whose text is `text`, or returns every problem found, naming `file`.
pub fn shift_file(text: &str, file: &str) -> Result<ShiftRules, Vec<Diagnostic>> {
    let raw: S<RawRoster> = read_whole(text, file)?;
    roster_rules(&raw, "", text, file)
}

/// `text` read into `T`, or every problem serde finds.
fn read_whole<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, Vec<Diagnostic>> {
    let read = super::deserialize::read::<T>(text, file);
    match read.value {
        Some(value) if read.problems.is_empty() => Ok(value),
        _ => Err(Diagnostic::capped(read.problems)),
    }
}

/// The rules of a `[roster]` table (keys named with `prefix`), or its problems.
fn roster_rules(
    section: &S<RawRoster>,
    prefix: &str,
    text: &str,
    file: &str,
) -> Result<ShiftRules, Vec<Diagnostic>> {
    let mut c = Checker {
        file,
        text,
        base_dir: Path::new("."),
        problems: Vec::new(),
        key_prefix: String::new(),
    };
    match c.roster(section, prefix) {
        Some(rules) if c.problems.is_empty() => Ok(rules),
        _ => Err(c.problems),
    }
}

/// Longest scenario name, bytes: output files such as `NAME-planned.toml` must still fit
/// the 255 bytes of a file name.
pub const MAX_NAME_BYTES: usize = 200;

/// True for a scenario name usable as an output folder and in file names: not empty, not
/// `.` or `..`, letters, digits, spaces, `-`, `_` and `.` only, at most [`MAX_NAME_BYTES`].
pub fn usable_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= MAX_NAME_BYTES
        && name
            .chars()
            .all(|ch| ch.is_alphanumeric() || "-_. ".contains(ch))
}

/// The folder relative paths in a scenario file are taken from.
pub fn base_dir_of(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
