//! The what-if behind the live page: the scenario as loaded (the baseline, simulated once at
//! start), and any setting of it given as dotted-key overrides (as in sweep files, applied by
//! [`crate::scenario::overlay::apply`]), simulated with the baseline's seed and replications so that
//! the difference is paired replication by replication.

use crate::model::Scenario;
use crate::report::charts::day_profile::DayProfile;
use crate::report::load::Estimate;
use crate::report::{compare, load, summary_json};
use crate::scenario;
use crate::scenario::overlay::apply;
use crate::simulate::{ScenarioResult, simulate_one, simulate_while};
use crate::stats::Kpi;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most replications a what-if may ask for (more when the baseline was served with more).
pub const MAX_REPLICATIONS: u32 = 1_000;

/// Most expected calls (arrival rates × interval length, summed over the day) of a day that
/// `/api/trace` records: the trace holds every event of every call.
pub const MAX_TRACE_CALLS: f64 = 200_000.0;

/// Most events (call events and agent levels) one `/api/trace` day may hold: a day of
/// [`MAX_TRACE_CALLS`] calls has about four events a call.
pub const MAX_TRACE_EVENTS: usize = 1_000_000;

/// Why a what-if could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// The overrides do not make a valid scenario (HTTP 400); the message is `check`'s.
    #[error("{0}")]
    Invalid(String),
    /// The request asks for more than one request may (HTTP 422).
    #[error("{0}")]
    OverBudget(String),
    /// A newer request from the same page replaced this one (HTTP 409).
    #[error("superseded by a newer request from the same page")]
    Superseded,
    /// The run took longer than the time limit (HTTP 503).
    #[error(
        "the run was stopped after {0:.0} s (the time limit of callsim serve): ask for fewer \
         replications or a smaller scenario"
    )]
    TooSlow(f64),
    /// Drawing a chart failed (HTTP 500).
    #[error("{0}")]
    Internal(String),
}

/// Why the page cannot start from a scenario file (`callsim serve FILE`): `check`'s words.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        /// The scenario file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A `file` setting leaves the scenario's folder.
    #[error(
        "{}: {key} = {file:?}: callsim serve reads only files inside the scenario's folder (a \
         relative path without \"..\")",
        path.display()
    )]
    FileOutside {
        /// The scenario file.
        path: PathBuf,
        /// The dotted key of the setting.
        key: String,
        /// The path it names.
        file: String,
    },
    /// The scenario has problems, as `callsim check` shows them.
    #[error("{}", diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n\n"))]
    Invalid {
        /// Each problem, with its place in the file.
        diagnostics: Vec<scenario::Diagnostic>,
    },
    /// `--seed` above what a scenario file can hold.
    #[error("the seed must be at most {}", i64::MAX)]
    Seed,
    /// The baseline's simulation ran away.
    #[error(transparent)]
    Run(#[from] crate::simulate::RunError),
}

/// The scenario the page was started with, and its baseline run.
#[derive(Debug)]
pub struct Baseline {
    /// The scenario file.
    pub path: PathBuf,
    /// The scenario file as a TOML table, with `replications` and `seed` as served.
    pub table: toml::Table,
    /// Folder that relative paths of the scenario (empirical samples) are taken from.
    pub base_dir: PathBuf,
    /// Name used when the file sets none (the file name).
    pub default_name: String,
    /// The scenario, validated.
    pub scenario: Scenario,
    /// The baseline run, every replication kept for paired differences.
    pub result: ScenarioResult,
}

impl Baseline {
    /// Reads the scenario file at `path`, sets replications and seed when given, and
    /// simulates it. Errors are `check`'s messages.
    pub fn load(
        path: &Path,
        replications: Option<u32>,
        seed: Option<u64>,
    ) -> Result<Self, BaselineError> {
        let text = crate::input::read_toml(path).map_err(|e| BaselineError::Read {
            path: path.to_path_buf(),
            source: e,
        })?;
        // a scenario that does not parse gets check's messages below
        let mut table: toml::Table = text.parse().unwrap_or_default();
        if let Some((key, file)) = file_settings(&table)
            .into_iter()
            .find(|(_, f)| !confined(f))
        {
            return Err(BaselineError::FileOutside {
                path: path.to_path_buf(),
                key,
                file,
            });
        }
        let mut scenario =
            scenario::load(path).map_err(|diagnostics| BaselineError::Invalid { diagnostics })?;
        if let Some(r) = replications {
            scenario.replications = r;
        }
        if let Some(s) = seed {
            scenario.seed = s;
        }
        table.insert(
            "replications".into(),
            toml::Value::Integer(scenario.replications.into()),
        );
        let seed = i64::try_from(scenario.seed).map_err(|_| BaselineError::Seed)?;
        table.insert("seed".into(), toml::Value::Integer(seed));
        let result = simulate_one(&scenario)?;
        Ok(Baseline {
            base_dir: scenario::validate::base_dir_of(path),
            default_name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into()),
            path: path.to_path_buf(),
            table,
            scenario,
            result,
        })
    }

    /// The scenario with `overrides` (dotted keys to JSON values) set; the problems as
    /// `callsim check` words them (`key: what was expected`).
    pub fn variant(&self, overrides: &Map<String, Value>) -> Result<Scenario, WhatIfError> {
        let mut settings = Vec::with_capacity(overrides.len());
        let mut problems = Vec::new();
        for (key, value) in overrides {
            match to_toml(value) {
                Some(v) if names_a_file(key, &v) => problems.push(format!(
                    "{key}: an override may not name a file (callsim serve reads only the \
                     scenario's own files)"
                )),
                Some(v) => settings.push((key.as_str(), v)),
                None => problems.push(format!(
                    "{key}: expected a number, a string, true/false, an array or a table, got {value}"
                )),
            }
        }
        if !problems.is_empty() {
            return Err(WhatIfError::Invalid(problems.join("\n")));
        }
        let settings: Vec<(&str, &toml::Value)> = settings.iter().map(|(k, v)| (*k, v)).collect();
        let label = format!("{} with overrides", self.path.display());
        let (_, outcome) = apply(
            &self.table,
            &settings,
            &label,
            &self.base_dir,
            &self.default_name,
        );
        match outcome {
            Ok(mut sc) => {
                let most = MAX_REPLICATIONS.max(self.scenario.replications);
                if sc.replications > most {
                    return Err(WhatIfError::OverBudget(format!(
                        "replications: {} asked, a what-if may run at most {most}",
                        sc.replications
                    )));
                }
                sc.source = Some(self.path.clone());
                Ok(sc)
            }
            Err(found) => Err(WhatIfError::Invalid(
                found
                    .iter()
                    .map(|(key, message)| match key.as_str() {
                        "" => message.clone(),
                        key => format!("{key}: {message}"),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
        }
    }

    /// What `GET /api/scenario` returns: the file, the scenario as a table (the page builds
    /// its controls from it), agents per interval, the mean patience, the baseline's
    /// summary (the shape of `summary.json`) and its day (as in [`answer`]).
    pub fn describe(&self) -> std::io::Result<Value> {
        Ok(json!({
            "file": self.path.display().to_string(),
            "name": self.scenario.name,
            "description": self.scenario.description,
            "scenario": self.table,
            "agents_per_interval": self.scenario.agents,
            "patience_mean_s": self.scenario.patience.as_ref().map(|d| d.mean()),
            "baseline": summary_json(&self.result),
            "day": day(&self.result)?,
        }))
    }
}

/// Every `file` setting of `table`, at any depth, as (dotted key, path).
fn file_settings(table: &toml::Table) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    match v {
                        toml::Value::String(path) if k == "file" => out.push((key, path.clone())),
                        _ => walk(&key, v, out),
                    }
                }
            }
            toml::Value::Array(a) => a.iter().for_each(|v| walk(prefix, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", &toml::Value::Table(table.clone()), &mut out);
    out
}

/// True when the override `key = value` sets a file path, at the key or anywhere inside.
fn names_a_file(key: &str, value: &toml::Value) -> bool {
    let mut table = toml::Table::new();
    table.insert(key.to_string(), value.clone());
    key.rsplit('.').next() == Some("file") || !file_settings(&table).is_empty()
}

/// True for a relative path that stays in its folder (no `..`, no root or prefix).
fn confined(file: &str) -> bool {
    Path::new(file).components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    })
}

/// Refuses a trace of a day with more than [`MAX_TRACE_CALLS`] expected calls.
pub fn check_trace_budget(scenario: &Scenario) -> Result<(), WhatIfError> {
    let expected: f64 = scenario.arrival_rate.iter().sum::<f64>() * scenario.interval_s;
    if expected.is_finite() && expected <= MAX_TRACE_CALLS {
        return Ok(());
    }
    Err(WhatIfError::OverBudget(format!(
        "this day would have about {expected:.0} calls; a day to watch may have at most \
         {MAX_TRACE_CALLS:.0} (lower the call volume)"
    )))
}

/// A JSON value as a TOML value; `None` for null (TOML has none).
fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().map(to_toml).collect::<Option<_>>()?),
        Value::Object(o) => toml::Value::Table(
            o.iter()
                .map(|(k, v)| Some((k.clone(), to_toml(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// Runs `scenario` while `go_on` says so and no longer than `limit`.
pub fn run_bounded(
    scenario: &Scenario,
    limit: Duration,
    go_on: impl Fn() -> bool + Sync,
) -> Result<ScenarioResult, WhatIfError> {
    let deadline = Instant::now() + limit;
    let mut timed_out = std::sync::atomic::AtomicBool::new(false);
    let result = simulate_while(std::slice::from_ref(scenario), || {
        if Instant::now() > deadline {
            timed_out.store(true, std::sync::atomic::Ordering::Relaxed);
            return false;
        }
        go_on()
    });
    match result.and_then(|mut r| r.pop()) {
        Some(Ok(r)) => Ok(r),
        Some(Err(e)) => Err(WhatIfError::OverBudget(format!("the what-if {e}"))),
        None if *timed_out.get_mut() => Err(WhatIfError::TooSlow(limit.as_secs_f64())),
        None => Err(WhatIfError::Superseded),
    }
}

/// The answer to `POST /api/run`: the summary (the shape of `summary.json`), and beside it
/// `comparison` (every KPI against the baseline, with the 95% CI of the paired difference)
/// and `day` (the what-if's day, interval by interval, which the page draws).
pub fn answer(
    baseline: &Baseline,
    result: ScenarioResult,
) -> Result<Map<String, Value>, WhatIfError> {
    let mut out = match serde_json::to_value(summary_json(&result)) {
        Ok(Value::Object(m)) => m,
        _ => return Err(WhatIfError::Internal("cannot write the summary".into())),
    };
    let day = day(&result).map_err(|e| WhatIfError::Internal(e.to_string()))?;
    let differences: Vec<Value> = compare::against(&baseline.result, &result)
        .iter()
        .map(|d| {
            json!({
                "kpi": d.kpi.name(),
                "baseline": finite(d.baseline),
                "value": finite(d.value),
                "difference": finite(d.paired.mean),
                "difference_ci95": finite(d.paired.ci95),
                "unpaired_ci95": finite(d.unpaired.ci95),
            })
        })
        .collect();
    out.insert("comparison".into(), Value::Array(differences));
    out.insert("day".into(), day);
    Ok(out)
}

/// `x`, or null when it is not a number.
fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The day of `result` as the page draws it: the interval boundaries
/// (`HH:MM`, one more than the intervals), and per interval the mean offered calls, the agents
/// staffed, the service level and the abandonment rate (shares of offered calls) with their
/// 95% CIs; the service-level target, and what the service level counts, in words. `per` is
/// `interval`; a run of several days is drawn day by day instead ([`by_day`]).
fn day(result: &ScenarioResult) -> std::io::Result<Value> {
    let mut profile = DayProfile::from_result(&load::from_memory(result)?)?;
    let mut per = "interval";
    let mut labels = Value::Null;
    if result.scenario.days > 1 {
        (profile, labels) = by_day(result, profile);
        per = "day";
    }
    let means = |e: &[Estimate]| e.iter().map(|e| finite(e.mean)).collect::<Vec<_>>();
    let cis = |e: &[Estimate]| e.iter().map(|e| finite(e.ci95)).collect::<Vec<_>>();
    let mut out = json!({
        "per": per,
        "boundaries": profile.boundaries,
        "time_title": profile.time_title,
        "offered": profile.offered.iter().map(|x| finite(*x)).collect::<Vec<_>>(),
        "agents": profile.agents.iter().map(|x| finite(*x)).collect::<Vec<_>>(),
        "service_level": means(&profile.service_level),
        "service_level_ci95": cis(&profile.service_level),
        "abandon_rate": means(&profile.abandon_rate),
        "abandon_rate_ci95": cis(&profile.abandon_rate),
        "target": finite(profile.target),
        "answered_within": answered_within(&result.scenario),
    });
    if let (Value::Object(o), false) = (&mut out, labels.is_null()) {
        o.insert("labels".into(), labels);
    }
    Ok(out)
}

/// A run of several days (`[time] days`) drawn day by day: per day, its mean offered calls,
/// the agents staffed on average over its intervals, and its service level and abandonment
/// rate with their 95% CIs (as in `days.csv`); `labels` numbers the days (`1`, `2`, ...),
/// and there are no interval boundaries.
fn by_day(result: &ScenarioResult, intervals: DayProfile) -> (DayProfile, Value) {
    let days = result.days.len();
    let per_day = intervals.agents.len() / days.max(1);
    let estimate = |set: &crate::simulate::KpiSet, kpi: Kpi| Estimate::of(set.get(kpi));
    let labels: Vec<String> = (1..=days).map(|d| d.to_string()).collect();
    let profile = DayProfile {
        time_title: "Day of the run".into(),
        boundaries: Vec::new(),
        offered: result
            .days
            .iter()
            .map(|set| estimate(set, Kpi::Offered).mean)
            .collect(),
        agents: intervals
            .agents
            .chunks(per_day.max(1))
            .take(days)
            .map(|day| day.iter().sum::<f64>() / day.len() as f64)
            .collect(),
        service_level: result
            .days
            .iter()
            .map(|set| estimate(set, Kpi::ServiceLevel))
            .collect(),
        abandon_rate: result
            .days
            .iter()
            .map(|set| estimate(set, Kpi::AbandonRate))
            .collect(),
        ..intervals
    };
    (profile, json!(labels))
}

/// What the service level counts, in words: "answered within 20 s", or with call types of
/// different thresholds "answered within its type's threshold (billing 20 s, technical 60 s)".
fn answered_within(scenario: &Scenario) -> String {
    let seconds = |s: f64| format!("{} s", s);
    let types = scenario
        .skills
        .as_ref()
        .map(|s| s.types.as_slice())
        .unwrap_or(&[]);
    let threshold = scenario.service_level.threshold_s;
    if types
        .iter()
        .all(|t| t.service_level.threshold_s == threshold)
    {
        return format!("answered within {}", seconds(threshold));
    }
    let each: Vec<String> = types
        .iter()
        .map(|t| format!("{} {}", t.name, seconds(t.service_level.threshold_s)))
        .collect();
    format!("answered within its type's threshold ({})", each.join(", "))
}
