//! Scenarios that pass validation but run away (far more calls than agents, and callers who
//! never hang up) stop with a clear error naming the scenario, in bounded memory; the other
//! scenarios of the same command keep their results.

use crate::common::callsim;
use callsim::model::Observer;
use callsim::model::replication::{MAX_CALLERS_HELD, Stopped, run_replication_until};
use std::fs;

/// Ten million calls an hour for one agent, and nobody hangs up: the line grows without end.
const RUNAWAY: &str = r#"
name = "runaway"
replications = 1
[time]
open = "09:00"
interval = "1h"
intervals = 1
[arrivals]
calls_per_hour = 10000000
[handle_time]
distribution = "exponential"
mean = 60
[staffing]
agents = 1
"#;

/// `callsim run` of the small business and the runaway (`runaway_first`: in that order, else
/// the other way) with `extra` flags, which must fail: the output folder and stderr.
fn batch(runaway_first: bool, extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let runaway = dir.path().join("runaway.toml");
    fs::write(&runaway, RUNAWAY).unwrap();
    let good = crate::common::repo("scenarios/small-business.toml");
    let mut files = [runaway, good];
    if !runaway_first {
        files.reverse();
    }
    let assert = callsim()
        .args(["run", "--no-charts", "--out"])
        .arg(dir.path().join("out"))
        .args(extra)
        .args(files)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    (dir, stderr)
}

#[test]
fn a_runaway_scenario_is_an_error_and_the_others_keep_their_results() {
    let (dir, stderr) = batch(true, &["--threads", "2"]);
    let out = dir.path().join("out");
    assert!(
        stderr.contains("scenario runaway, replication 0: the center runs away"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("at most {MAX_CALLERS_HELD}")),
        "{stderr}"
    );
    assert!(
        out.join("small-business/summary.json").is_file(),
        "{stderr}"
    );
    assert!(!out.join("runaway").exists());
}

/// Issue 18, item 5: a scenario is written as soon as its replications are in, before a
/// later scenario of the same command is simulated: the small business (300 replications,
/// more than one chunk) is written before the runaway after it stops.
#[test]
fn each_scenario_is_written_before_the_next_ones_are_done() {
    let (dir, stderr) = batch(false, &["--replications", "300"]);
    let wrote = stderr.find("small-business/").expect("written");
    let stopped = stderr
        .find("scenario runaway, replication 0")
        .expect("stopped");
    assert!(wrote < stopped, "{stderr}");
    assert!(dir.path().join("out/small-business/summary.json").is_file());
}

/// A replication asked to stop (a time limit, a newer what-if) stops inside the day, not at
/// its end.
#[test]
fn a_replication_stops_when_asked() {
    let sc = callsim::scenario::parse(
        &RUNAWAY.replace("agents = 1", "agents = 200000"),
        "t.toml",
        std::path::Path::new("."),
        "t",
    )
    .unwrap();
    struct Count(u64);
    impl Observer for Count {
        fn call(&mut self, _: f64, _: u64, _: callsim::model::CallEvent) {
            self.0 += 1;
        }
    }
    let mut seen = Count(0);
    let stopped = run_replication_until(&sc, 0, &mut seen, &|| false);
    assert_eq!(stopped.unwrap_err(), Stopped::Interrupted);
    assert!(seen.0 < 1_000_000, "stopped early: {} events seen", seen.0);
}

/// A multi-skill steady state whose callers never hang up and whose agents cannot carry the
/// load has no steady state: `check` says so before anything runs.
#[test]
fn an_overloaded_multi_skill_steady_state_without_patience_is_refused() {
    let text = r#"
[time]
horizon = "100h"
warmup = "1h"
[[call_type]]
name = "a"
arrivals = { calls_per_hour = 60 }
handle_time = { distribution = "exponential", mean = 300 }
[[call_type]]
name = "b"
arrivals = { calls_per_hour = 60 }
handle_time = { distribution = "exponential", mean = 300 }
[[agent_group]]
name = "all"
staffing = { agents = 9 }
skills = { a = 1, b = 1 }
"#;
    let problems = crate::common::problems(text);
    assert!(
        problems.contains("no steady state exists: the call types' offered load is 10.00 Erlangs"),
        "{problems}"
    );
    crate::common::parse(&text.replace("agents = 9", "agents = 11"));
}
