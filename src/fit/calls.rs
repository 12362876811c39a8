//! Call-by-call logs: the format `callsim run --calls-csv` writes and `callsim fit calls`
//! reads, and the fit of handle times and patience from it (the log of a simulated day is
//! recorded by [`crate::simulate::record`]).
//!
//! Columns: `arrival` (seconds from the start of the run, or a time
//! `YYYY-MM-DD HH:MM:SS[.fff]`), `wait_s` (seconds on hold), `outcome` (`answered`,
//! `abandoned`, `blocked`, `balked` or `callback`) and `talk_s` (the conversation of an
//! answered call, seconds; empty otherwise).

use super::mle::{Family, Fitted, Sample, fit_all};
use super::survival::{KmStep, kaplan_meier};
use super::{FitError, parse_timestamp, read_table};
pub use crate::simulate::record::{CallLogger, CallRecord, Outcome, log_replication};
use std::path::Path;

/// The header of a call log.
pub const HEADER: [&str; 4] = ["arrival", "wait_s", "outcome", "talk_s"];

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
