//! `callsim run` end to end, the way a user runs it.

use crate::common::{assert_snapshot, callsim, example_folders, repo, tree};
use callsim::stats::{Kpi, Mechanism};

/// The contract's KPI keys every summary has (DESIGN.md).
const CONTRACT_KPIS: [&str; 8] = [
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "wait_p90_s",
];

#[test]
fn every_example_scenario_runs_and_writes_its_files() {
    for folder in example_folders() {
        let out = tempfile::tempdir().unwrap();
        callsim()
            .arg("run")
            .arg(&folder)
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let scenario = callsim::scenario::load(&file).unwrap();
            let dir = out.path().join(&scenario.name);
            let summary: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
            assert_eq!(summary["scenario"], scenario.name.as_str());
            match &scenario.precision {
                // a run to a precision: at least its first batch, at most its maximum
                Some(p) => {
                    let n = summary["replications"].as_u64().unwrap();
                    assert!(n >= u64::from(scenario.replications), "{n}");
                    assert!(n <= u64::from(p.max_replications), "{n}");
                    assert_eq!(summary["precision"]["met"], true);
                }
                None => assert_eq!(summary["replications"], scenario.replications),
            }
            assert_eq!(summary["seed"], scenario.seed);
            for key in CONTRACT_KPIS {
                let kpi = &summary["kpis"][key];
                assert!(kpi["mean"].is_number(), "{}: {key} {kpi}", file.display());
                assert!(kpi["ci95"].is_number(), "{}: {key} {kpi}", file.display());
            }
            let mean = |k: &str| summary["kpis"][k]["mean"].as_f64().unwrap_or(0.0);
            // every call attempt and every customer ends exactly once
            let ended =
                mean("answered") + mean("abandoned") + mean("blocked") + mean("callbacks_accepted");
            assert!(
                (mean("offered") - ended).abs() < 1e-9 * mean("offered"),
                "{}",
                file.display()
            );
            let customers = mean("served_customers") + mean("lost_customers");
            assert!((mean("customers") - customers).abs() < 1e-9 * mean("customers"));
            assert!((0.0..=1.0).contains(&mean("service_level")));
            assert!((0.0..=1.0).contains(&mean("occupancy")));

            let csv = std::fs::read_to_string(dir.join("intervals.csv")).unwrap();
            let mut lines = csv.lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            // a run of several days puts each interval's day first
            let header = match header[0] {
                "day" => &header[1..],
                _ => &header[..],
            };
            assert_eq!(&header[..3], ["interval", "start", "staffed_agents"]);
            for kpi in Kpi::ALL.iter().filter(|k| k.mechanism() == Mechanism::Base) {
                assert!(header.contains(&kpi.name()));
                assert!(header.contains(&format!("{}_ci95", kpi.name()).as_str()));
            }
            assert_eq!(
                lines.count(),
                scenario.run_intervals(),
                "{}",
                file.display()
            );
        }
    }
}

#[test]
fn output_is_identical_for_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        callsim()
            .args(["run", "--threads", threads, "--out"])
            .arg(dir.path())
            .arg(repo("scenarios"))
            .assert()
            .success();
    }
    let (a, b) = (tree(one.path()), tree(two.path()));
    assert!(a.len() >= 6);
    assert_eq!(a, b, "files differ between --threads 1 and --threads 2");
}

#[test]
fn json_on_stdout_and_overrides() {
    let out = tempfile::tempdir().unwrap();
    let output = callsim()
        .args([
            "run",
            "--json",
            "--replications",
            "3",
            "--seed",
            "9",
            "--out",
        ])
        .arg(out.path())
        .arg(repo("scenarios/small-business.toml"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary = &json["scenarios"][0];
    assert_eq!(summary["scenario"], "small-business");
    assert_eq!(summary["replications"], 3);
    assert_eq!(summary["seed"], 9);
    let on_disk: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("small-business/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary, &on_disk);
}

/// Value stability of a whole run: the KPIs of a fixed seed are pinned. Any change to the
/// model, the samplers or the streams shows here; update the snapshot only on purpose
/// (`UPDATE_SNAPSHOTS=1 cargo test --release`) and say why in the commit.
#[test]
fn whole_run_kpis_are_value_stable() {
    let out = tempfile::tempdir().unwrap();
    callsim()
        .args(["run", "--replications", "3", "--out"])
        .arg(out.path())
        .arg(repo("scenarios/small-business.toml"))
        .assert()
        .success();
    let got = std::fs::read(out.path().join("small-business/summary.json")).unwrap();
    assert_snapshot(
        &repo("tests/data/snapshots/small-business-3-replications.json"),
        &got,
    );
}

#[test]
fn a_broken_file_in_a_batch_is_reported_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    std::fs::write(
        dir.path().join("a-good.toml"),
        good.replace("replications = 20", "replications = 2"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b-bad.toml"),
        good.replace("cv = 0.9", "cv = -1"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let assert = callsim()
        .arg("run")
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("b-bad.toml:33:6: handle_time.cv: expected a number > 0, got -1"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert!(out.path().join("small-business/summary.json").exists());
    assert!(out.path().join("small-business/intervals.csv").exists());
}

#[test]
fn missing_files_and_names_that_collide_are_errors() {
    let out = tempfile::tempdir().unwrap();
    let small = repo("scenarios/small-business.toml");
    let assert = callsim()
        .arg("run")
        .arg("no-such-file.toml")
        .arg(&small)
        .arg(&small)
        .args(["--replications", "2", "--out"])
        .arg(out.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("no-such-file.toml: cannot read the file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the name \"small-business\" is already used"),
        "{stderr}"
    );
    assert!(out.path().join("small-business/summary.json").exists());
}

/// Issue 18: the atomic write renamed over a symlink, a FIFO or a device. An existing output
/// that is not a regular file (not a folder where a folder goes) is refused, named, untouched.
#[test]
fn outputs_do_not_replace_symlinks_fifos_or_foreign_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let folder = out.join("small-business");
    std::fs::create_dir_all(&folder).unwrap();
    let target = dir.path().join("precious.txt");
    std::fs::write(&target, "keep me").unwrap();
    let link = folder.join("summary.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let run = || {
        callsim()
            .arg("run")
            .arg(repo("scenarios/small-business.toml"))
            .args(["--replications", "2", "--out"])
            .arg(&out)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .failure()
    };
    run()
        .stderr(predicates::str::contains(link.display().to_string()))
        .stderr(predicates::str::contains("symbolic link"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    std::fs::remove_file(&link).unwrap();
    let fifo = folder.join("intervals.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    run()
        .stderr(predicates::str::contains(fifo.display().to_string()))
        .stderr(predicates::str::contains("special file"));
    assert!(
        !std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_file()
    );

    // the scenario's folder itself a symlink to elsewhere
    std::fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(dir.path(), &folder).unwrap();
    run().stderr(predicates::str::contains("not a folder"));
}

/// Issue 19: one number format per KPI (shares as percentages, the mean to the decimals of
/// its half-width), a mark on a service level below its target, and `--compare` saying when
/// there is nothing to compare or when different seeds void the pairing.
#[test]
fn tables_show_percentages_misses_and_compare_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let out = callsim()
        .arg("run")
        .arg(repo("scenarios/small-business.toml"))
        .args(["--no-charts", "--compare", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {stdout}"))
            .to_string()
    };
    let sl = row("service_level");
    assert!(
        sl.contains('%') && sl.contains("✗ below its 80% target"),
        "{sl}"
    );
    assert!(row("abandon_rate").matches('%').count() == 2, "{stdout}");
    // "183.3 ± 4.9": as many decimals in the mean as in the half-width
    let answered_row = row("answered");
    let answered: Vec<&str> = answered_row.split_whitespace().skip(1).collect();
    let decimals = |x: &str| x.split_once('.').map_or(0, |(_, d)| d.len());
    assert_eq!(decimals(answered[0]), decimals(answered[1]), "{answered:?}");
    assert!(stderr.contains("nothing to compare"), "{stderr}");

    let other = dir.path().join("other-seed.toml");
    let text = std::fs::read_to_string(repo("scenarios/small-business.toml"))
        .unwrap()
        .replace("seed = 42", "seed = 7")
        .replace("name = \"small-business\"", "name = \"other-seed\"");
    std::fs::write(&other, text).unwrap();
    let out = callsim()
        .arg("run")
        .arg(repo("scenarios/small-business.toml"))
        .arg(&other)
        .args(["--no-charts", "--compare", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("warning: other-seed has seed 7"),
        "{stderr}"
    );
    assert!(stderr.contains("the unpaired one"), "{stderr}");
}

/// A reader that goes away (`callsim run x | head -1`, or `2>&1 | head`) is not a failure:
/// no panic, the exit code is the command's own, and the files are written all the same.
/// The pipes are closed before the program writes (it takes milliseconds to start; were it
/// faster, the pipe's buffer would take the text and the test would still hold).
#[test]
fn a_closed_pipe_on_stdout_or_stderr_is_not_a_failure() {
    use std::process::{Command, Stdio};
    let bin = assert_cmd::cargo::cargo_bin!("callsim");
    let dir = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 4] = [
        &[
            "run",
            "scenarios/small-business.toml",
            "--replications",
            "3",
        ],
        &[
            "erlang",
            "--calls-per-hour",
            "200",
            "--aht",
            "3m",
            "--agents",
            "12",
        ],
        &["check", "scenarios/small-business.toml"],
        &["completions", "bash"],
    ];
    for (i, args) in commands.iter().enumerate() {
        for also_stderr in [false, true] {
            let out = dir.path().join(format!("{i}-{also_stderr}"));
            let mut child = Command::new(bin)
                .args(*args)
                .args(if args[0] == "run" {
                    vec!["--out".as_ref(), out.as_os_str()]
                } else {
                    vec![]
                })
                .current_dir(repo("."))
                .stdout(Stdio::piped())
                .stderr(if also_stderr {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .spawn()
                .unwrap();
            drop(child.stdout.take());
            drop(child.stderr.take());
            let status = child.wait().unwrap();
            assert!(
                status.success(),
                "callsim {args:?} (stderr closed: {also_stderr}): {status}"
            );
            if args[0] == "run" {
                for file in ["summary.json", "intervals.csv", "report.html"] {
                    assert!(out.join("small-business").join(file).is_file(), "{file}");
                }
            }
        }
    }
    // and a panic would have said so on a stderr that is still read
    let output = Command::new(bin)
        .args([
            "run",
            "scenarios/small-business.toml",
            "--replications",
            "3",
            "--out",
        ])
        .arg(dir.path().join("read"))
        .current_dir(repo("."))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            drop(child.stdout.take());
            child.wait_with_output()
        })
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("wrote"), "{stderr}");
}
