//! Call-by-call logs: the format `callsim run --calls-csv` writes and `callsim fit calls`
//! reads, the observer that records one, and the fit of handle times and patience from it.
//!
//! Columns: `arrival` (seconds from the start of the run, or a time
//! `YYYY-MM-DD HH:MM:SS[.fff]`), `wait_s` (seconds on hold), `outcome` (`answered`,
//! `abandoned`, `blocked`, `balked` or `callback`) and `talk_s` (the conversation of an
//! answered call, seconds; empty otherwise).

use super::mle::{Family, Fitted, Sample, fit_all};
use super::survival::{KmStep, kaplan_meier};
use super::{FitError, parse_timestamp, read_table};
use crate::model::{CallEvent, Observer, Scenario};
use std::path::Path;

/// The header of a call log.
pub const HEADER: [&str; 4] = ["arrival", "wait_s", "outcome", "talk_s"];

/// How a call attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An agent answered after the wait.
    Answered,
    /// The caller hung up on hold after the wait.
    Abandoned,
    /// Busy signal: all lines were taken.
    Blocked,
    /// The caller hung up at once on the announced wait.
    Balked,
    /// The caller accepted a callback and hung up.
    Callback,
}

impl Outcome {
    const ALL: [Outcome; 5] = [
        Outcome::Answered,
        Outcome::Abandoned,
        Outcome::Blocked,
        Outcome::Balked,
        Outcome::Callback,
    ];

    /// The word in the log.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Blocked => "blocked",
            Outcome::Balked => "balked",
            Outcome::Callback => "callback",
        }
    }
}

/// One call attempt of a log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallRecord {
    /// Arrival, seconds (from the start of the run, or since 1970 for dated logs).
    pub arrival_s: f64,
    /// Time on hold, seconds.
    pub wait_s: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// Conversation, seconds (answered calls).
    pub talk_s: Option<f64>,
}

/// How an attempt ended: wait (seconds), outcome, talk time (seconds) if answered.
type Ending = (f64, Outcome, Option<f64>);

/// An observer that records every inbound attempt of one replication, in arrival order.
#[derive(Debug, Default, Clone)]
pub struct CallLogger {
    /// Attempt `i + 1` is `records[i]`: its arrival, and how it ended (once it has).
    records: Vec<(f64, Option<Ending>)>,
}

impl Observer for CallLogger {
    fn call(&mut self, t: f64, attempt: u64, event: CallEvent) {
        let index = attempt as usize - 1;
        let end = match event {
            CallEvent::Arrived => {
                // attempts are numbered 1, 2, 3, ... in the order they arrive
                if index >= self.records.len() {
                    self.records.resize(index + 1, (t, None));
                }
                self.records[index] = (t, None);
                return;
            }
            CallEvent::Answered { wait_s, talk_s } => (wait_s, Outcome::Answered, Some(talk_s)),
            CallEvent::Abandoned { wait_s } => (wait_s, Outcome::Abandoned, None),
            CallEvent::Blocked => (0.0, Outcome::Blocked, None),
            CallEvent::Balked => (0.0, Outcome::Balked, None),
            CallEvent::CallbackRequested => (0.0, Outcome::Callback, None),
            CallEvent::Queued | CallEvent::CalledBack { .. } | CallEvent::CallbackUnanswered => {
                return;
            }
        };
        if let Some(record) = self.records.get_mut(index) {
            record.1 = Some(end);
        }
    }
}

impl CallLogger {
    /// The attempts that ended (in a replication, all of them), in arrival order.
    pub fn records(&self) -> Vec<CallRecord> {
        self.records
            .iter()
            .filter_map(|&(arrival_s, end)| {
                end.map(|(wait_s, outcome, talk_s)| CallRecord {
                    arrival_s,
                    wait_s,
                    outcome,
                    talk_s,
                })
            })
            .collect()
    }
}

/// The calls of replication `replication` of `scenario` (the same calls as that
/// replication of `callsim run`: same seed, same streams), warm-up included; all call
/// types together in a multi-skill scenario.
pub fn log_replication(
    scenario: &Scenario,
    replication: u64,
) -> Result<Vec<CallRecord>, crate::model::replication::Stopped> {
    let mut logger = CallLogger::default();
    crate::model::run_replication_observed(scenario, replication, &mut logger)?;
    Ok(logger.records())
}

/// The log as CSV text (times in seconds, to the millisecond).
pub fn calls_csv(records: &[CallRecord]) -> String {
    let mut out = HEADER.join(",");
    out.push('\n');
    for r in records {
        let talk = r.talk_s.map(|t| format!("{t:.3}")).unwrap_or_default();
        out.push_str(&format!(
            "{:.3},{:.3},{},{talk}\n",
            r.arrival_s,
            r.wait_s,
            r.outcome.name()
        ));
    }
    out
}

/// Reads a call log; every bad field is an error naming the file, line and column.
pub fn read_calls(path: &Path) -> Result<Vec<CallRecord>, FitError> {
    let table = read_table(path, &HEADER)?;
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, record) in &table.rows {
        let line = *line;
        let seconds = |k: usize, what: &str| -> Result<Option<f64>, FitError> {
            let (col, text) = table.field(record, k);
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(FitError::field(
                    path,
                    line,
                    col,
                    HEADER[k],
                    format!("expected {what}, got \"{text}\""),
                )),
            }
        };
        let (col, text) = table.field(record, 0);
        // seconds, a date and time, or a time of day alone (seconds after midnight)
        let arrival_s = match text.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => parse_timestamp(text)
                .map(|t| t.seconds())
                .or_else(|_| crate::units::parse_clock(text))
                .map_err(|_| {
                    FitError::field(
                        path,
                        line,
                        col,
                        "arrival",
                        format!(
                            "expected a date and time such as \"2003-03-03 07:05:00\", a time \
                             of day such as \"09:00:05\", or a number of seconds, got \"{text}\""
                        ),
                    )
                })?,
        };
        let (col, word) = table.field(record, 2);
        let outcome = Outcome::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(word))
            .ok_or_else(|| {
                FitError::field(
                    path,
                    line,
                    col,
                    "outcome",
                    format!(
                        "unknown outcome \"{word}\"; expected one of answered, abandoned, blocked, balked, callback"
                    ),
                )
            })?;
        let (wait_col, _) = table.field(record, 1);
        let wait_s = seconds(1, "a wait in seconds ≥ 0")?.ok_or_else(|| {
            FitError::field(path, line, wait_col, "wait_s", "the wait is missing")
        })?;
        let (talk_col, _) = table.field(record, 3);
        let talk_s = seconds(3, "a talk time in seconds > 0")?;
        let talk_s = match (outcome, talk_s) {
            (Outcome::Answered, Some(t)) if t > 0.0 => Some(t),
            (Outcome::Answered, _) => {
                return Err(FitError::field(
                    path,
                    line,
                    talk_col,
                    "talk_s",
                    "an answered call needs its talk time in seconds > 0",
                ));
            }
            (_, None | Some(0.0)) => None,
            (other, Some(_)) => {
                return Err(FitError::field(
                    path,
                    line,
                    talk_col,
                    "talk_s",
                    format!(
                        "a call that was {} has no talk time; leave it empty",
                        other.name()
                    ),
                ));
            }
        };
        out.push(CallRecord {
            arrival_s,
            wait_s,
            outcome,
            talk_s,
        });
    }
    Ok(out)
}

/// Handle-time and patience fits of a call log.
#[derive(Debug, Clone, PartialEq)]
pub struct CallsFit {
    /// Attempts of each outcome, in the order of [`Outcome`]'s variants.
    pub outcomes: [usize; 5],
    /// Handle-time fits (exponential, lognormal, gamma), best AIC first.
    pub handle: Vec<Fitted>,
    /// Patience: exponential, Weibull and lognormal by censored maximum likelihood, best AIC
    /// first; empty when nobody hung up.
    pub patience: Vec<Fitted>,
    /// The Kaplan–Meier curve of patience.
    pub km: Vec<KmStep>,
    /// Callers in the patience data (answered, and abandoned after a wait > 0).
    pub patience_n: usize,
    /// Callers who hung up after a wait > 0 (patience observed).
    pub patience_events: usize,
    /// Abandonments with a wait of 0 s, left out of the patience fit (as balking would be).
    pub abandoned_at_once: usize,
}

/// Fits handle time and patience to `records`; `None` when no call was answered.
pub fn fit_calls(records: &[CallRecord]) -> Option<CallsFit> {
    let mut outcomes = [0; 5];
    for r in records {
        outcomes[r.outcome as usize] += 1;
    }
    let talks: Vec<f64> = records.iter().filter_map(|r| r.talk_s).collect();
    let handle = fit_all(
        &[Family::Exponential, Family::Lognormal, Family::Gamma],
        Sample {
            events: &talks,
            censored: &[],
        },
    );
    if handle.is_empty() {
        return None;
    }
    let events: Vec<f64> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Abandoned && r.wait_s > 0.0)
        .map(|r| r.wait_s)
        .collect();
    let abandoned_at_once = outcomes[Outcome::Abandoned as usize] - events.len();
    let answered_waits: Vec<f64> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Answered)
        .map(|r| r.wait_s)
        .collect();
    let km = kaplan_meier(&events, &answered_waits);
    let censored: Vec<f64> = answered_waits
        .iter()
        .copied()
        .filter(|&w| w > 0.0)
        .collect();
    let sample = Sample {
        events: &events,
        censored: &censored,
    };
    let patience = fit_all(
        &[Family::Exponential, Family::Weibull, Family::Lognormal],
        sample,
    );
    Some(CallsFit {
        outcomes,
        handle,
        patience,
        km,
        patience_n: events.len() + answered_waits.len(),
        patience_events: events.len(),
        abandoned_at_once,
    })
}

impl CallsFit {
    /// Warnings that the log is too small to trust what is written: the written handle-time
    /// (or patience) mean's 95% half-width is over a fifth of it.
    pub fn warnings(&self) -> Vec<String> {
        let answered = self.outcomes[Outcome::Answered as usize];
        let handle = &self.handle[0];
        let mut out: Vec<String> = super::imprecise(
            "the handle-time mean",
            handle.mean.value,
            handle.mean.ci95,
            answered,
            "answered calls",
        )
        .into_iter()
        .collect();
        if let Some(best) = self.patience.first() {
            out.extend(super::imprecise(
                "the patience mean",
                best.mean.value,
                best.mean.ci95,
                self.patience_events,
                "callers who hung up",
            ));
        }
        out
    }

    /// The patience fit of `family`, if the data determined it.
    pub fn patience_fit(&self, family: Family) -> Option<&Fitted> {
        self.patience.iter().find(|f| f.family == family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logger_keeps_each_attempt_once_in_arrival_order() {
        let mut log = CallLogger::default();
        log.call(1.0, 1, CallEvent::Arrived);
        log.call(2.0, 2, CallEvent::Arrived);
        log.call(2.0, 2, CallEvent::Queued);
        log.call(3.0, 3, CallEvent::Arrived);
        log.call(3.0, 3, CallEvent::Blocked);
        log.call(
            4.0,
            1,
            CallEvent::Answered {
                wait_s: 3.0,
                talk_s: 60.0,
            },
        );
        log.call(5.0, 4, CallEvent::Arrived);
        log.call(5.0, 4, CallEvent::CallbackRequested);
        log.call(9.0, 2, CallEvent::Abandoned { wait_s: 7.0 });
        log.call(20.0, 4, CallEvent::CalledBack { talk_s: 30.0 });
        let text = calls_csv(&log.records());
        assert_eq!(
            text,
            "arrival,wait_s,outcome,talk_s\n\
             1.000,3.000,answered,60.000\n\
             2.000,7.000,abandoned,\n\
             3.000,0.000,blocked,\n\
             5.000,0.000,callback,\n"
        );
    }
}
