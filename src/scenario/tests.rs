//! Scenario parsing and every validation error: each case changes one line of a valid file
//! and checks the line, the key and the message of the problem reported.

use super::parse;
use crate::model::{Dist, RunKind};
use std::path::Path;

const DAY: &str = r#"
name = "t"
seed = 3
replications = 4
[time]
open = "08:00"
interval = "30m"
intervals = 3
[arrivals]
per_interval = [10, 20, 30]
[handle_time]
distribution = "lognormal"
mean = "4m"
cv = 0.9
[patience]
distribution = "exponential"
mean = 90
[staffing]
per_interval = [2, 3, 4]
[service_level]
threshold = "20s"
target = 0.8
"#;

const STEADY: &str = r#"
[time]
horizon = "100h"
warmup = "5h"
[arrivals]
calls_per_hour = 100
[handle_time]
distribution = "exponential"
mean = "3m"
[staffing]
agents = 6
"#;

fn problems(text: &str) -> Vec<String> {
    match parse(text, "t.toml", Path::new("."), "t") {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| d.to_string()).collect(),
    }
}

/// Replaces the line starting with `old` (first match) with `new` and returns the problems.
fn with(base: &str, old: &str, new: &str) -> Vec<String> {
    let mut found = false;
    let text: Vec<String> = base
        .lines()
        .map(|l| {
            if !found && l.starts_with(old) {
                found = true;
                new.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(found, "no line starts with {old}");
    problems(&text.join("\n"))
}

fn assert_problem(problems: &[String], location: &str, message: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(location) && p.contains(message)),
        "expected a problem at {location} saying {message:?}, got {problems:#?}"
    );
}

#[test]
fn valid_day_and_steady_state() {
    let day = parse(DAY, "t.toml", Path::new("."), "t").unwrap();
    assert_eq!(
        day.kind,
        RunKind::WorkingDay {
            open_s: 8.0 * 3600.0
        }
    );
    assert_eq!(day.intervals(), 3);
    assert_eq!(
        day.arrival_rate,
        vec![10.0 / 1800.0, 20.0 / 1800.0, 30.0 / 1800.0]
    );
    assert_eq!(day.agents, vec![2, 3, 4]);
    assert_eq!((day.seed, day.replications), (3, 4));
    assert!(matches!(
        day.handle_time,
        Dist::LogNormal {
            mean: 240.0,
            cv: 0.9,
            ..
        }
    ));
    assert!(matches!(
        day.patience,
        Some(Dist::Exponential { mean: 90.0 })
    ));

    let steady = parse(STEADY, "s.toml", Path::new("."), "s").unwrap();
    assert_eq!(steady.name, "s", "name defaults to the file name");
    assert_eq!(
        steady.kind,
        RunKind::SteadyState {
            warmup_s: 5.0 * 3600.0
        }
    );
    assert_eq!((steady.intervals(), steady.interval_s), (1, 95.0 * 3600.0));
    assert!(steady.patience.is_none(), "no [patience]: nobody abandons");
    assert_eq!(steady.service_level.threshold_s, 20.0);
    assert_eq!(steady.service_level.target, 0.8);
    assert_eq!(steady.agents, vec![6]);
}

#[test]
fn close_gives_the_number_of_intervals() {
    let sc = parse(
        &DAY.replace("intervals = 3", "close = \"09:30\""),
        "t.toml",
        Path::new("."),
        "t",
    )
    .unwrap();
    assert_eq!(sc.intervals(), 3);
}

#[test]
fn every_distribution_family_parses() {
    for (table, mean) in [
        ("distribution = \"exponential\"\nmean = \"2m\"", 120.0),
        ("distribution = \"gamma\"\nmean = 100\ncv = 0.5", 100.0),
        ("distribution = \"gamma\"\nmean = 100\nshape = 4", 100.0),
        ("distribution = \"erlang\"\nmean = 100\nshape = 3", 100.0),
        ("distribution = \"weibull\"\nmean = 100\ncv = 0.7", 100.0),
        ("distribution = \"weibull\"\nmean = 100\nshape = 1.5", 100.0),
        ("distribution = \"deterministic\"\nmean = \"1m30s\"", 90.0),
        (
            "distribution = \"uniform\"\nmin = \"1m\"\nmax = \"3m\"",
            120.0,
        ),
    ] {
        let text = STEADY.replace("distribution = \"exponential\"\nmean = \"3m\"", table);
        let sc = parse(&text, "t.toml", Path::new("."), "t")
            .unwrap_or_else(|e| panic!("{table}: {}", e[0]));
        assert!((sc.handle_time.mean() - mean).abs() < 1e-9, "{table}");
    }
}

#[test]
fn empirical_samples_are_read_relative_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aht.csv"), "seconds\n100\n200\n300\n").unwrap();
    let text = STEADY.replace(
        "distribution = \"exponential\"\nmean = \"3m\"",
        "distribution = \"empirical\"\nfile = \"aht.csv\"",
    );
    let sc = parse(&text, "t.toml", dir.path(), "t").unwrap();
    assert_eq!(sc.handle_time.mean(), 200.0);
    let missing = parse(&text, "t.toml", Path::new("/nonexistent"), "t").unwrap_err();
    assert!(
        missing[0]
            .to_string()
            .contains("handle_time.file: cannot read the samples file")
    );
    std::fs::write(dir.path().join("aht.csv"), "100\nabc\n").unwrap();
    let bad = parse(&text, "t.toml", dir.path(), "t").unwrap_err();
    assert!(
        bad[0]
            .to_string()
            .contains("aht.csv:2: expected a number of seconds, got \"abc\"")
    );
}

#[test]
fn type_and_key_errors_point_at_the_line() {
    let p = with(DAY, "cv = 0.9", "cvv = 0.9");
    assert_problem(
        &p,
        "t.toml:14:1: handle_time.cvv",
        "unknown key `cvv`: did you mean `cv`?",
    );
    assert_eq!(p.len(), 1, "the missing `cv` echoes the misspelling: {p:?}");
    let p = with(DAY, "seed = 3", "seed = \"three\"");
    assert_problem(
        &p,
        "t.toml:3:8: seed",
        "expected a whole number, got the text \"three\"",
    );
    let p = with(DAY, "[staffing]", "[staff]");
    assert_problem(&p, "t.toml:", "unknown key `staff`");
    let p = problems("name = \"x\"\n[time\n");
    assert_problem(&p, "t.toml:2:", "");
}

#[test]
fn every_semantic_problem_is_reported_at_once() {
    let text = DAY
        .replace("cv = 0.9", "cv = -0.5")
        .replace("target = 0.8", "target = 1.5")
        .replace("per_interval = [2, 3, 4]", "per_interval = [2, 3]");
    let p = problems(&text);
    assert_problem(
        &p,
        "t.toml:14:6: handle_time.cv",
        "expected a number > 0, got -0.5",
    );
    assert_problem(&p, "t.toml:22:10: service_level.target", "between 0 and 1");
    assert_problem(&p, "t.toml:19:16: staffing.per_interval", "3 values");
    assert_eq!(p.len(), 3, "{p:#?}");
}

#[test]
fn semantic_errors_each_have_a_clear_message() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("seed = 3", "seed = -1", "t.toml:3:8: seed", "the seed"),
        (
            "replications = 4",
            "replications = 0",
            "t.toml:4:16: replications",
            "from 1",
        ),
        (
            "open = ",
            "open = \"8h\"",
            "t.toml:6:8: time.open",
            "clock time",
        ),
        (
            "interval = ",
            "interval = \"half an hour\"",
            "t.toml:7:12: time.interval",
            "expected a duration",
        ),
        (
            "interval = ",
            "interval = 0",
            "t.toml:7:12: time.interval",
            "duration > 0",
        ),
        (
            "intervals = ",
            "intervals = 0",
            "t.toml:8:13: time.intervals",
            "from 1",
        ),
        (
            "intervals = ",
            "close = \"07:00\"",
            "t.toml:8:9: time.close",
            "after the opening",
        ),
        (
            "intervals = ",
            "horizon = \"10h\"",
            "t.toml:",
            "mixes a working day",
        ),
        (
            "per_interval = [10",
            "per_interval = [10, 20]",
            "t.toml:10:16: arrivals.per_interval",
            "3 values",
        ),
        (
            "per_interval = [10",
            "per_interval = [10, -20, 30]",
            "t.toml:10:21: arrivals.per_interval",
            "≥ 0, got -20",
        ),
        (
            "per_interval = [10",
            "calls_per_hour = -5",
            "t.toml:10:18: arrivals.calls_per_hour",
            "≥ 0",
        ),
        (
            "distribution = \"lognormal\"",
            "distribution = \"normal\"",
            "t.toml:12:16: handle_time.distribution",
            "unknown distribution \"normal\"; expected one of exponential",
        ),
        (
            "distribution = \"lognormal\"",
            "distribution = \"none\"",
            "t.toml:12:16: handle_time.distribution",
            "unknown distribution \"none\"",
        ),
        (
            "mean = \"4m\"",
            "mean = \"-4m\"",
            "t.toml:13:8: handle_time.mean",
            "expected a duration",
        ),
        (
            "mean = \"4m\"",
            "mean = 0",
            "t.toml:13:8: handle_time.mean",
            "duration > 0",
        ),
        (
            "mean = \"4m\"",
            "shape = 2",
            "t.toml:13:9: handle_time.shape",
            "does not use `shape`",
        ),
        (
            "cv = 0.9",
            "cv = 0",
            "t.toml:14:6: handle_time.cv",
            "> 0, got 0",
        ),
        (
            "cv = 0.9",
            "min = 1",
            "t.toml:14:7: handle_time.min",
            "does not use `min`",
        ),
        (
            "distribution = \"exponential\"",
            "distribution = \"erlang\"",
            "t.toml:",
            "needs `shape`",
        ),
        (
            "per_interval = [2, 3, 4]",
            "per_interval = [2, 3, 0]",
            "t.toml:19:16: staffing.per_interval",
            "last interval needs at least one agent",
        ),
        (
            "per_interval = [2, 3, 4]",
            "per_interval = [2, -3, 4]",
            "t.toml:19:20: staffing.per_interval",
            "got -3",
        ),
        (
            "per_interval = [2, 3, 4]",
            "agents = 0",
            "t.toml:19:10: staffing.agents",
            "from 1",
        ),
        (
            "threshold = ",
            "threshold = \"-5s\"",
            "t.toml:21:13: service_level.threshold",
            "expected a duration",
        ),
        (
            "target = ",
            "target = 0",
            "t.toml:22:10: service_level.target",
            "between 0 and 1",
        ),
        (
            "name = ",
            "name = \"../escape\"",
            "t.toml:2:8: name",
            "usable as a folder",
        ),
    ];
    for (old, new, location, message) in cases {
        assert_problem(&with(DAY, old, new), location, message);
    }
    let erlang = DAY
        .replace("cv = 0.9", "shape = 2.5")
        .replace("lognormal", "erlang");
    assert_problem(
        &problems(&erlang),
        "t.toml:14:9: handle_time.shape",
        "whole number",
    );
    let uniform = DAY.replace(
        "distribution = \"lognormal\"\nmean = \"4m\"\ncv = 0.9",
        "distribution = \"uniform\"\nmin = 50\nmax = 10",
    );
    assert_problem(&problems(&uniform), "t.toml:", "0 ≤ min ≤ max");
}

#[test]
fn steady_state_problems() {
    let p = with(STEADY, "warmup", "warmup = \"200h\"");
    assert_problem(&p, "t.toml:4:10: time.warmup", "shorter than the horizon");
    let p = with(STEADY, "calls_per_hour", "per_interval = [100]");
    assert_problem(&p, "t.toml:6:16: arrivals.per_interval", "constant rate");
    let p = with(STEADY, "warmup", "warmup = \"5h\"\ninterval = \"7h\"");
    assert_problem(
        &p,
        "t.toml:5:12: time.interval",
        "whole number of intervals",
    );
}

#[test]
fn an_impossible_steady_state_is_refused_with_an_explanation() {
    // 100 calls/h × 3 min = 5 Erlangs on 5 agents, and nobody abandons
    let p = with(STEADY, "agents = 6", "agents = 5");
    assert_problem(
        &p,
        "t.toml:11:10: staffing.agents",
        "no steady state exists: the offered load is 5.00 Erlangs",
    );
    assert!(p[0].contains("add a [patience] section"));
    // with patience the same load is fine
    let text = STEADY.replace("agents = 6", "agents = 5")
        + "[patience]\ndistribution = \"exponential\"\nmean = \"1m\"\n";
    assert!(problems(&text).is_empty());
}

#[test]
fn optional_sections_parse() {
    let text = format!(
        "{DAY}[lines]\ncapacity = 8\n\
         [retrials]\nprobability = [0.7, 0.5, 0.3]\ndelay = {{ distribution = \"exponential\", mean = \"10m\" }}\nmax_attempts = 5\n\
         [callback]\noffer_when_wait_exceeds = \"2m\"\naccept_probability = 0.6\nanswer_probability = 0.9\n\
         retry_delay = {{ distribution = \"exponential\", mean = \"5m\" }}\nmax_attempts = 3\n\
         [balking]\nannounced_wait = [\"30s\", \"2m\", \"5m\"]\nprobability = [0.05, 0.2, 0.5]\n"
    );
    let sc = parse(&text, "t.toml", Path::new("."), "t").unwrap();
    assert_eq!(sc.lines.map(|l| l.capacity), Some(8));
    let r = sc.retrials.as_ref().unwrap();
    assert_eq!(
        (r.probability.clone(), r.max_attempts),
        (vec![0.7, 0.5, 0.3], 5)
    );
    assert_eq!(r.delay.mean(), 600.0);
    let cb = sc.callback.as_ref().unwrap();
    assert_eq!(
        (
            cb.offer_when_wait_exceeds_s,
            cb.accept_probability,
            cb.answer_probability
        ),
        (120.0, 0.6, 0.9)
    );
    assert!(cb.talk_time.is_none());
    let b = sc.balking.as_ref().unwrap();
    assert_eq!(b.announced_wait_s, vec![30.0, 120.0, 300.0]);
    // defaults
    let minimal = format!(
        "{DAY}[retrials]\nprobability = 0.5\ndelay = {{ distribution = \"deterministic\", mean = 60 }}\n\
         [callback]\noffer_when_wait_exceeds = 60\naccept_probability = 1\n"
    );
    let sc = parse(&minimal, "t.toml", Path::new("."), "t").unwrap();
    assert_eq!(sc.retrials.unwrap().max_attempts, 10);
    let cb = sc.callback.unwrap();
    assert_eq!(
        (
            cb.answer_probability,
            cb.max_attempts,
            cb.retry_delay.mean()
        ),
        (1.0, 3, 300.0)
    );
}

#[test]
fn optional_section_problems_are_reported() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[lines]\ncapacity = 0\n",
            "t.toml:24:12: lines.capacity",
            "from 1",
        ),
        (
            "[lines]\nsize = 3\n",
            "t.toml:24:1: lines.size",
            "unknown key `size`",
        ),
        (
            "[retrials]\nprobability = 1.5\ndelay = { distribution = \"exponential\", mean = 60 }\n",
            "t.toml:24:15: retrials.probability",
            "between 0 and 1",
        ),
        (
            "[retrials]\nprobability = [0.5, -0.1]\ndelay = { distribution = \"exponential\", mean = 60 }\n",
            "t.toml:24:15: retrials.probability",
            "[-0.1]",
        ),
        (
            "[retrials]\nprobability = 0.5\ndelay = { distribution = \"exponential\", mean = -60 }\n",
            "t.toml:25:",
            "retrials.delay.mean: expected a duration > 0",
        ),
        (
            "[retrials]\nprobability = 0.5\ndelay = { distribution = \"exponential\", mean = 60 }\nmax_attempts = 0\n",
            "t.toml:26:16: retrials.max_attempts",
            "from 1",
        ),
        (
            "[retrials]\nprobability = 0.5\n",
            "t.toml:",
            "the key `delay` is required here",
        ),
        (
            "[callback]\noffer_when_wait_exceeds = \"2m\"\naccept_probability = 2\n",
            "t.toml:25:22: callback.accept_probability",
            "between 0 and 1",
        ),
        (
            "[callback]\noffer_when_wait_exceeds = \"soon\"\naccept_probability = 0.5\n",
            "t.toml:24:27: callback.offer_when_wait_exceeds",
            "expected a duration",
        ),
        (
            "[callback]\noffer_when_wait_exceeds = 60\naccept_probability = 0.5\nanswer_probability = -1\n",
            "t.toml:26:22: callback.answer_probability",
            "between 0 and 1",
        ),
        (
            "[callback]\noffer_when_wait_exceeds = 60\naccept_probability = 0.5\nretry_delay = { distribution = \"weird\" }\n",
            "t.toml:26:32: callback.retry_delay.distribution",
            "unknown distribution",
        ),
        (
            "[balking]\nannounced_wait = [\"30s\", \"2m\"]\nprobability = [0.1]\n",
            "t.toml:25:15: balking.probability",
            "one probability per announced wait (2 waits), got 1",
        ),
        (
            "[balking]\nannounced_wait = [\"2m\", \"30s\"]\nprobability = [0.1, 0.2]\n",
            "t.toml:24:18: balking.announced_wait",
            "increasing order",
        ),
        (
            "[balking]\nannounced_wait = [\"30s\", \"2m\"]\nprobability = [0.1, 1.2]\n",
            "t.toml:25:21: balking.probability",
            "between 0 and 1, got 1.2",
        ),
    ];
    for (section, location, message) in cases {
        assert_problem(&problems(&format!("{DAY}{section}")), location, message);
    }
}
