//! Issue 18, item 9: a scenario's output folder is whole or absent. A re-run leaves only the
//! new run's files (never a mix of two runs), keeps the files of the other commands, cleans
//! up the temporary folders an interrupted run left, and a kill -9 at any moment leaves the
//! old complete folder or the new complete one.

use crate::common::{callsim, repo, tree};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A pid no process can have (above Linux's largest `pid_max`).
const DEAD_PID: u32 = 4_194_305;

fn run(scenario: &Path, out: &Path, seed: u64, extra: &[&str]) {
    callsim()
        .arg("run")
        .arg(scenario)
        .args(["--replications", "2", "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .args(extra)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_rerun_leaves_only_the_new_runs_files_and_keeps_other_commands_files() {
    let small = repo("scenarios/small-business.toml");
    let fresh = tempfile::tempdir().unwrap();
    run(&small, fresh.path(), 2, &[]);
    let want = tree(&fresh.path().join("small-business"));

    let out = tempfile::tempdir().unwrap();
    // the old run: another seed, PNG charts, and a file of a multi-skill run
    run(&small, out.path(), 1, &["--png"]);
    let folder = out.path().join("small-business");
    std::fs::write(folder.join("types.csv"), "call_type\nold\n").unwrap();
    assert!(folder.join("waits.png").is_file());
    // files of `plan` and `roster`, and one of the user's, share the folder
    std::fs::write(folder.join("plan.csv"), "planned\n").unwrap();
    std::fs::write(folder.join("roster.json"), "{}\n").unwrap();
    std::fs::write(folder.join("notes.txt"), "mine\n").unwrap();

    run(&small, out.path(), 2, &[]);
    let mut got = tree(&folder);
    let kept: Vec<(PathBuf, Vec<u8>)> = ["notes.txt", "plan.csv", "roster.json"]
        .iter()
        .map(|f| (PathBuf::from(f), std::fs::read(folder.join(f)).unwrap()))
        .collect();
    got.retain(|(p, _)| !kept.iter().any(|(k, _)| k == p));
    assert_eq!(
        got.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        want.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        "a file of the old run survived (or one of the new is missing)"
    );
    assert!(
        got == want,
        "the folder differs from a fresh run of the new seed"
    );
    assert_eq!(kept[0].1, b"mine\n");
    assert_eq!(kept[1].1, b"planned\n");
    assert_eq!(kept[2].1, b"{}\n");
    // nothing is left beside the folder
    assert_eq!(names(out.path()), ["index.html", "small-business"]);
}

#[test]
fn leftover_temporary_folders_are_ignored_by_report_and_removed_by_the_next_run() {
    let small = repo("scenarios/small-business.toml");
    let out = tempfile::tempdir().unwrap();
    let donor = tempfile::tempdir().unwrap();
    run(&small, donor.path(), 1, &["--no-charts"]);
    // what a kill leaves: the new folder half written, or the old one renamed away
    for kind in ["new", "old"] {
        let stray = out
            .path()
            .join(format!(".small-business.callsim-{kind}-{DEAD_PID}"));
        std::fs::create_dir(&stray).unwrap();
        for f in ["summary.json", "intervals.csv"] {
            std::fs::copy(donor.path().join("small-business").join(f), stray.join(f)).unwrap();
        }
    }
    // a live process's temporary folder (this test's) is not touched
    let live = out.path().join(format!(
        ".small-business.callsim-new-{}",
        std::process::id()
    ));
    std::fs::create_dir(&live).unwrap();
    callsim()
        .arg("report")
        .arg(out.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("no saved results here"));

    run(&small, out.path(), 2, &[]);
    assert_eq!(
        names(out.path()),
        [
            format!(".small-business.callsim-new-{}", std::process::id()),
            "index.html".into(),
            "small-business".into()
        ]
    );
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        !index.contains("callsim-new"),
        "the index lists a temporary folder"
    );
    callsim().arg("report").arg(out.path()).assert().success();
    assert!(
        !live.join("report.html").exists(),
        "report drew into a temporary folder"
    );
}

/// The seed in a scenario folder's `summary.json`.
fn seed_of(folder: &Path) -> u64 {
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap()).unwrap();
    summary["seed"].as_u64().unwrap()
}

/// kill -9 while a run writes many scenario folders over a complete earlier run: every folder
/// is then byte for byte the old run's or the new run's, never a mix, and the next run leaves
/// no temporary folder behind.
#[test]
fn a_run_killed_while_writing_leaves_each_folder_old_or_new() {
    let text = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    let scenarios = tempfile::tempdir().unwrap();
    let count = 16;
    for i in 0..count {
        let named = text.replace(
            "name = \"small-business\"",
            &format!("name = \"sb-{i:02}\""),
        );
        assert_ne!(named, text);
        std::fs::write(scenarios.path().join(format!("sb-{i:02}.toml")), named).unwrap();
    }
    let seeds = [11, 12];
    let reference: Vec<tempfile::TempDir> = seeds
        .iter()
        .map(|&seed| {
            let dir = tempfile::tempdir().unwrap();
            run(scenarios.path(), dir.path(), seed, &["--png"]);
            dir
        })
        .collect();
    let want = |name: &str, seed: u64| {
        let k = seeds.iter().position(|&s| s == seed).expect("a known seed");
        tree(&reference[k].path().join(name))
    };

    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    run(scenarios.path(), out.path(), seeds[0], &["--png"]);
    let whole_run = started.elapsed();
    let bin = assert_cmd::cargo::cargo_bin("callsim");
    let attempts = 10;
    let mut seen_mixed_seeds = false;
    for attempt in 0..attempts {
        let seed = seeds[(attempt + 1) % 2];
        let mut child = std::process::Command::new(&bin)
            .arg("run")
            .arg(scenarios.path())
            .args(["--replications", "2", "--png", "--seed", &seed.to_string()])
            .arg("--out")
            .arg(out.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // kill at spread-out moments of the run (most of which is writing)
        std::thread::sleep(whole_run.mul_f64((attempt as f64 + 0.5) / attempts as f64));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut seeds_here = Vec::new();
        for i in 0..count {
            let name = format!("sb-{i:02}");
            let folder = out.path().join(&name);
            if !folder.exists() {
                // only in the instant between the two renames, the old folder kept aside
                let aside = names(out.path())
                    .iter()
                    .any(|n| n.starts_with(&format!(".{name}.callsim-old-")));
                assert!(aside, "attempt {attempt}: {name} vanished");
                continue;
            }
            let got_seed = seed_of(&folder);
            assert!(
                tree(&folder) == want(&name, got_seed),
                "attempt {attempt}: {name} mixes two runs (summary of seed {got_seed})"
            );
            seeds_here.push(got_seed);
        }
        seeds_here.dedup();
        seen_mixed_seeds |= seeds_here.len() > 1;
    }
    // the kills did land while folders were being written (some old, some new at once)
    eprintln!("a kill landed mid-batch: {seen_mixed_seeds}");

    run(scenarios.path(), out.path(), seeds[1], &["--png"]);
    let left: Vec<String> = names(out.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary folders left: {left:?}");
    for i in 0..count {
        let name = format!("sb-{i:02}");
        assert!(tree(&out.path().join(&name)) == want(&name, seeds[1]));
    }
}
