//! Byte-for-byte snapshots of what `callsim run`, `plan` and `roster` write today, taken before
//! the single-queue loop (`src/model/replication.rs`) and the multi-skill loop
//! (`src/model/routing/replication.rs`) are merged into one engine: the refactor must leave
//! every file below unchanged, or say in its commit why a number moved.
//!
//! Pinned, for every example scenario under `scenarios/` (sweeps excluded), with the files' own
//! replications and seeds: the files `callsim run FILE --no-charts --threads 2` writes
//! (`summary.json`, `intervals.csv`, `waits.csv`; with call types also `types.csv`, `groups.csv`,
//! `handled.csv`) in `tests/data/snapshots/run/<scenario name>/`; the files of `callsim plan`
//! (one queue: `plan.csv`, `plan.json`; call types: `plan-groups.csv`, `plan-types.csv`) in
//! `tests/data/snapshots/plan/<name>/`; and those of `callsim roster` (`roster.csv`,
//! `coverage.csv`, `roster.json`, with call types `service.csv`) in
//! `tests/data/snapshots/roster/<name>/`. Charts (SVG, PNG, HTML) are not pinned. The copy of
//! the input that run writes (`scenario.toml`) is compared with its source file instead.
//!
//! Nothing is masked: none of these files holds a wall-clock time, a duration of the run or an
//! absolute path (the timings and the `wrote DIR/` lines go to stderr only), and results do not
//! depend on the number of threads.
//!
//! Rewrite the snapshots on purpose only: `UPDATE_SNAPSHOTS=1 cargo test --release --test
//! integration snapshots`, and say why in the commit.

use crate::common::{assert_snapshot, callsim, example_folders, repo, tree, updating_snapshots};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every example scenario file (the `*.toml` files of [`example_folders`]), sorted.
fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = example_folders()
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Charts and pages: not pinned.
fn is_chart(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| ["svg", "png", "html"].iter().any(|c| e == *c))
}

/// Runs `callsim ARGS --out TMP` and returns the output folder.
fn outputs_of(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let output = callsim()
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "callsim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Compares every non-chart file under `out` (written by `callsim ARGS`) with the committed
/// `tests/data/snapshots/<kind>/<name>/...`, and checks that the pinned folders hold exactly the
/// files written (none missing, none new). `scenario.toml`, when written, must equal `source`.
fn pin(kind: &str, args: &[&str], out: &Path, source: &Path) {
    let root = repo("tests/data/snapshots").join(kind);
    let mut files = Vec::new();
    for (rel, bytes) in tree(out) {
        if is_chart(&rel) {
            continue;
        }
        if rel.file_name().is_some_and(|n| n == "scenario.toml") {
            assert_eq!(
                bytes,
                std::fs::read(source).unwrap(),
                "callsim {}: {} is not a copy of {}",
                args.join(" "),
                rel.display(),
                source.display()
            );
            continue;
        }
        files.push((rel, bytes));
    }
    assert!(
        !files.is_empty(),
        "callsim {} wrote nothing",
        args.join(" ")
    );
    let dirs: BTreeSet<PathBuf> = files
        .iter()
        .map(|(rel, _)| rel.parent().unwrap().to_path_buf())
        .collect();
    for dir in &dirs {
        let pinned = root.join(dir);
        if updating_snapshots() && pinned.is_dir() {
            std::fs::remove_dir_all(&pinned).unwrap();
        }
        for (rel, bytes) in files.iter().filter(|(rel, _)| rel.parent() == Some(dir)) {
            assert_snapshot(&root.join(rel), bytes);
        }
        let written: Vec<PathBuf> = files
            .iter()
            .filter(|(rel, _)| rel.parent() == Some(dir))
            .map(|(rel, _)| rel.strip_prefix(dir).unwrap().to_path_buf())
            .collect();
        let committed: Vec<PathBuf> = tree(&pinned).into_iter().map(|(rel, _)| rel).collect();
        assert_eq!(
            written,
            committed,
            "callsim {}: the files written (left) are not those pinned in {} (right)",
            args.join(" "),
            pinned.display()
        );
    }
}

#[test]
fn run_outputs_of_every_example_scenario_are_pinned() {
    let files = example_files();
    assert!(files.len() >= 13, "{files:?}");
    for file in &files {
        let path = file.to_str().unwrap();
        let args = ["run", path, "--threads", "2", "--no-charts"];
        let out = outputs_of(&args);
        pin("run", &args, out.path(), file);
    }
}

#[test]
fn plan_outputs_are_pinned() {
    // The commands of the README: one queue with an abandonment target, and call types.
    for (file, extra) in [
        ("scenarios/plan-day.toml", &["--max-abandon", "0.05"][..]),
        (
            "scenarios/multi-skill/specialists-and-generalists.toml",
            &[],
        ),
    ] {
        let source = repo(file);
        let mut args = vec!["plan", source.to_str().unwrap(), "--threads", "2"];
        args.extend_from_slice(extra);
        let out = outputs_of(&args);
        pin("plan", &args, out.path(), &source);
    }
}

#[test]
fn roster_outputs_are_pinned() {
    for file in [
        "scenarios/roster-day.toml",
        "scenarios/roster-week.toml",
        "scenarios/multi-skill/separate-teams.toml",
    ] {
        let source = repo(file);
        let args = ["roster", source.to_str().unwrap(), "--threads", "2"];
        let out = outputs_of(&args);
        pin("roster", &args, out.path(), &source);
    }
}
