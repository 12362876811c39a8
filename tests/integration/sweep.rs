//! `callsim sweep` and `callsim merge` end to end: the example sweeps, identical output for
//! any thread count, shards merged, a killed sweep resumed, and a real Slurm job array
//! where a cluster answers.

use crate::common::{callsim, repo, tree};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXAMPLE: &str = "scenarios/sweeps/staffing-vs-patience.toml";

/// Runs `callsim sweep FILE --out OUT EXTRA...` and asserts success.
fn sweep(file: &Path, out: &Path, extra: &[&str]) {
    callsim()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// The bytes of `sweep.csv` and `sweep.json` in `OUT/<name>/`.
fn tables(out: &Path, name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = out.join(name);
    (
        std::fs::read(dir.join("sweep.csv")).unwrap(),
        std::fs::read(dir.join("sweep.json")).unwrap(),
    )
}

#[test]
fn every_example_sweep_runs_and_writes_one_row_per_point() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("scenarios/sweeps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let out = tempfile::tempdir().unwrap();
        sweep(&file, out.path(), &[]);
        let spec = callsim::sweep::load(&file, Default::default()).unwrap();
        let (csv, json) = tables(out.path(), &spec.name);
        let csv = String::from_utf8(csv).unwrap();
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header[0], "point");
        for (i, axis) in spec.axes.iter().enumerate() {
            assert_eq!(header[i + 1], axis.key);
        }
        assert!(header.contains(&"service_level") && header.contains(&"abandon_rate_ci95"));
        // a fixed number of replications: no precision columns, and no precision in the JSON
        assert!(!header.contains(&"precision_met") && !header.contains(&"replications"));
        assert!(!String::from_utf8_lossy(&json).contains("\"precision\""));
        assert_eq!(lines.count(), spec.points.len(), "{}", file.display());
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["points"].as_array().unwrap().len(), spec.points.len());
        assert_eq!(json["points_total"], spec.points.len());
    }
}

#[test]
fn more_agents_help_with_the_same_callers() {
    // Common random numbers: every point sees the same callers, so offered calls are equal
    // and the abandonment rate falls with every agent added, point after point.
    let out = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), out.path(), &["--replications", "4"]);
    let json: serde_json::Value =
        serde_json::from_slice(&tables(out.path(), "staffing-vs-patience").1).unwrap();
    let points = json["points"].as_array().unwrap();
    let kpi = |p: &serde_json::Value, k: &str| p["kpis"][k]["mean"].as_f64().unwrap();
    for p in points {
        assert_eq!(kpi(p, "offered"), kpi(&points[0], "offered"));
    }
    for patience in ["1m", "2m", "4m"] {
        let rates: Vec<f64> = points
            .iter()
            .filter(|p| p["axes"]["patience.mean"] == patience)
            .map(|p| kpi(p, "abandon_rate"))
            .collect();
        assert_eq!(rates.len(), 6);
        assert!(
            rates.windows(2).all(|w| w[1] < w[0]),
            "{patience}: {rates:?}"
        );
    }
}

#[test]
fn sweep_output_is_identical_for_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        sweep(
            &repo(EXAMPLE),
            dir.path(),
            &["--threads", threads, "--replications", "3"],
        );
    }
    let (a, b) = (tree(one.path()), tree(two.path()));
    assert_eq!(
        a.len(),
        18 + 6,
        "18 point files, manifest, sweep.csv, sweep.json, headline.svg, report.html, and the \
         folder's index.html"
    );
    assert_eq!(a, b, "files differ between --threads 1 and --threads 2");
}

#[test]
fn three_shards_merged_equal_the_unsharded_run() {
    let whole = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), whole.path(), &["--replications", "3"]);
    let shards = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for i in 0..3 {
        let out = shards.path().join(format!("shard-{i}"));
        sweep(
            &repo(EXAMPLE),
            &out,
            &["--replications", "3", "--shard", &format!("{i}/3")],
        );
        let dir = out.join("staffing-vs-patience");
        // A shard writes its own points only, and no table.
        assert_eq!(std::fs::read_dir(dir.join("points")).unwrap().count(), 6);
        assert!(!dir.join("sweep.csv").exists());
        dirs.push(dir);
    }
    let merged = tempfile::tempdir().unwrap();
    callsim()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(merged.path())
        .assert()
        .success()
        .stderr(predicates::str::contains("18 of 18 points"));
    assert_eq!(
        tree(merged.path()),
        tree(whole.path()),
        "merged shards differ from the unsharded run"
    );
}

#[test]
fn merge_says_which_points_are_missing() {
    let shards = tempfile::tempdir().unwrap();
    for i in [0, 2] {
        sweep(
            &repo(EXAMPLE),
            shards.path(),
            &["--replications", "2", "--shard", &format!("{i}/3")],
        );
    }
    let merged = tempfile::tempdir().unwrap();
    callsim()
        .arg("merge")
        .arg(shards.path())
        .arg("--out")
        .arg(merged.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "missing: point 1 (staffing.agents = 1, patience.mean = \"2m\")",
        ))
        .stderr(predicates::str::contains("missing: point 16 ("))
        .stderr(predicates::str::contains(
            "6 of 18 points are missing (the table holds only the others)",
        ))
        .stderr(predicates::str::contains("--resume"));
    // Running the rest into the merged folder completes it.
    sweep(
        &repo(EXAMPLE),
        merged.path(),
        &["--replications", "2", "--resume"],
    );
    let whole = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), whole.path(), &["--replications", "2"]);
    assert_eq!(tree(merged.path()), tree(whole.path()));
    callsim()
        .args(["merge", "--out"])
        .arg(merged.path())
        .arg(whole.path().join("no-such-sweep"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("no sweep results here"));
}

#[test]
fn a_killed_sweep_resumes_to_the_same_tables() {
    let file = repo("tests/data/sweeps/long.toml");
    let out = tempfile::tempdir().unwrap();
    let points = out.path().join("long/points");
    let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(out.path())
        .args(["--threads", "2"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let count = || {
        std::fs::read_dir(&points)
            .map(|d| {
                d.filter(|e| {
                    let name = e.as_ref().unwrap().file_name();
                    name.to_string_lossy().ends_with(".json")
                })
                .count()
            })
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while count() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = count();
    assert!(
        (2..30).contains(&done),
        "the sweep should have been killed part-way, with 2 to 29 of 30 points done; {done} were"
    );
    assert!(!out.path().join("long/sweep.csv").exists());
    // Every point file left is whole.
    for e in std::fs::read_dir(&points).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            serde_json::from_slice::<serde_json::Value>(&std::fs::read(&p).unwrap()).unwrap();
        }
    }
    callsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(out.path())
        .args(["--resume", "--threads", "1"])
        .assert()
        .success()
        .stderr(predicates::str::contains(format!(
            "30 points, {} run now and {done} already done",
            30 - done
        )));
    let whole = tempfile::tempdir().unwrap();
    sweep(&file, whole.path(), &[]);
    assert_eq!(tables(out.path(), "long"), tables(whole.path(), "long"));
    assert_eq!(tree(out.path()), tree(whole.path()));
}

#[test]
fn resume_refuses_results_of_another_sweep_definition() {
    let out = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), out.path(), &["--replications", "2"]);
    callsim()
        .arg("sweep")
        .arg(repo(EXAMPLE))
        .arg("--out")
        .arg(out.path())
        .args(["--replications", "3", "--resume"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "holds results of another sweep definition",
        ));
    // Without --resume or --force it refuses the folder's results, naming both ways on.
    callsim()
        .arg("sweep")
        .arg(repo(EXAMPLE))
        .arg("--out")
        .arg(out.path())
        .args(["--replications", "3"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "holds results of 18 point(s) of this sweep already: give --resume",
        ));
    // With --force it starts over, as a fresh folder would.
    sweep(
        &repo(EXAMPLE),
        out.path(),
        &["--replications", "3", "--force"],
    );
    let fresh = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), fresh.path(), &["--replications", "3"]);
    assert_eq!(tree(out.path()), tree(fresh.path()));
}

#[test]
fn invalid_points_are_reported_before_anything_runs() {
    let out = tempfile::tempdir().unwrap();
    callsim()
        .arg("sweep")
        .arg(repo("tests/data/sweeps/bad-agents.toml"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "bad-agents.toml:7:21: axes.\"staffing.agents\": point 1 (patience.mean = \"1m\", \
             staffing.agents = 0): staffing.agents: expected the number of agents, a whole number \
             from 1 to",
        ))
        .stderr(predicates::str::contains(
            "the same in 1 other point(s): point 4 (patience.mean = \"2m\", staffing.agents = 0)",
        ))
        .stderr(predicates::str::contains("nothing was run"));
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    callsim()
        .args(["sweep", "x.toml", "--shard", "3/3"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("expected I/N with 0 ≤ I < N"));
}

/// Runs `program args` and says whether it succeeded within `limit` (killed if not).
fn succeeds_within(program: &str, args: &[&str], limit: Duration) -> bool {
    let Ok(mut child) = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// The output of `program args`, if it succeeded.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn slurm_job_array_merged_equals_the_unsharded_run() {
    if !succeeds_within("sbatch", &["--version"], Duration::from_secs(5))
        || !succeeds_within("sinfo", &["-h"], Duration::from_secs(15))
    {
        eprintln!(
            "skipped: no Slurm cluster answers here (sbatch missing or sinfo fails); \
             scripts/slurm/local-cluster.sh up starts one on this machine (as root)"
        );
        return;
    }
    let states = output_of("sinfo", &["-h", "-o", "%T"]).unwrap_or_default();
    if !states
        .lines()
        .any(|s| s.starts_with("idle") || s.starts_with("mix"))
    {
        eprintln!("skipped: a Slurm cluster answers but has no idle node (sinfo: {states:?})");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let results = work.path().join("results");
    let job = output_of(
        "sbatch",
        &[
            "--parsable",
            "--array=0-2",
            "--cpus-per-task=1",
            &format!("--chdir={}", work.path().display()),
            &format!("--export=ALL,CALLSIM={}", env!("CARGO_BIN_EXE_callsim")),
            repo("scripts/slurm/sweep-array.sh").to_str().unwrap(),
            repo(EXAMPLE).to_str().unwrap(),
            results.to_str().unwrap(),
        ],
    )
    .expect("sbatch accepts the job array");
    let job = job.trim().split(';').next().unwrap_or_default().to_string();
    // Polling squeue is faster than sbatch --wait.
    let deadline = Instant::now() + Duration::from_secs(120);
    while output_of("squeue", &["-h", "-j", &job]).is_some_and(|s| !s.trim().is_empty()) {
        if Instant::now() > deadline {
            let _ = output_of("scancel", &[&job]);
            panic!("job array {job} did not finish within 120 s (squeue -j {job})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let logs: Vec<String> = (0..3)
        .map(|i| {
            std::fs::read_to_string(work.path().join(format!("slurm-{job}_{i}.out")))
                .unwrap_or_default()
        })
        .collect();
    let merged = work.path().join("merged");
    callsim()
        .arg("merge")
        .args((0..3).map(|i| results.join(format!("shard-{i}"))))
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    let whole = tempfile::tempdir().unwrap();
    sweep(&repo(EXAMPLE), whole.path(), &[]);
    assert_eq!(
        tables(&merged, "staffing-vs-patience"),
        tables(whole.path(), "staffing-vs-patience"),
        "task logs: {logs:#?}"
    );
    for (i, log) in logs.iter().enumerate() {
        assert!(log.contains(&format!("(shard {i}/3): 6 points")), "{log}");
    }
}

/// Issue 18, item 10: a sweep whose axes are all text (durations, distribution names) failed
/// at the charts; its x axis is now the first axis, one tick per level.
#[test]
fn a_sweep_of_text_axes_only_draws_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("text-axes.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"text-axes\"\nbase = {:?}\nreplications = 2\n[axes]\n\
             \"patience.mean\" = [\"1m\", \"2m\", \"4m\"]\n\
             \"handle_time.distribution\" = [\"gamma\", \"lognormal\"]\n",
            repo("scenarios/small-business.toml").display().to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    sweep(&file, &out, &[]);
    let svg = std::fs::read_to_string(out.join("text-axes/headline.svg")).unwrap();
    for label in [
        ">\n1m\n<",
        ">\n4m\n<",
        "handle time distribution = lognormal",
    ] {
        assert!(svg.contains(label), "{label} not in the chart");
    }
    callsim().arg("report").arg(&out).assert().success();
}

/// Issue 18, item 10: `merge` named the wrong file for a damaged point. A point file whose
/// values are not its point's is named itself; two copies of a point that differ are both
/// named, neither blamed.
#[test]
fn merge_names_the_damaged_point_file() {
    let shards = tempfile::tempdir().unwrap();
    for i in 0..2 {
        let out = shards.path().join(format!("shard-{i}"));
        sweep(
            &repo(EXAMPLE),
            &out,
            &["--replications", "2", "--shard", &format!("{i}/2")],
        );
    }
    let points = |i: usize| {
        shards
            .path()
            .join(format!("shard-{i}/staffing-vs-patience/points"))
    };
    let damaged = points(1).join("000003.json");
    let good = std::fs::read_to_string(&damaged).unwrap();
    let bad = good.replacen("\"values\":[2,", "\"values\":[5,", 1);
    assert_ne!(bad, good);
    std::fs::write(&damaged, &bad).unwrap();
    let merged = shards.path().join("merged");
    let a = callsim()
        .arg("merge")
        .arg(shards.path().join("shard-0"))
        .arg(shards.path().join("shard-1"))
        .arg("--out")
        .arg(&merged)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with(&format!("error: {}: holds the values", damaged.display())),
        "{stderr}"
    );

    // the same point in both shards, one copy altered: both files named
    std::fs::write(&damaged, &good).unwrap();
    let copy = points(0).join("000003.json");
    std::fs::write(&copy, good.replacen("\"seed\":", "\"seed\":9", 1)).unwrap();
    let a = callsim()
        .arg("merge")
        .arg(shards.path().join("shard-0"))
        .arg(shards.path().join("shard-1"))
        .arg("--out")
        .arg(&merged)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&damaged.display().to_string())
            && stderr.contains(&copy.display().to_string())
            && stderr.contains("one of the two files is damaged"),
        "{stderr}"
    );
}

/// A sweep file `dir/precise.toml` over the precise Erlang A example's staffing (`agents`,
/// such as `[25, 27]`).
pub(crate) fn precise_file(dir: &Path, agents: &str) -> PathBuf {
    let file = dir.join("precise.toml");
    let base = repo("scenarios/precise-erlang-a.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"precise\"\nbase = {:?}\n[axes]\n\"staffing.agents\" = {agents}\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    file
}

/// The sweep over the precise Erlang A example's staffing (25 and 27 agents) in `dir`,
/// with `args`; its sweep.json.
fn precise_sweep(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let file = precise_file(dir, "[25, 27]");
    callsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(dir)
        .args(args)
        .assert()
        .success();
    let json = std::fs::read_to_string(dir.join("precise/sweep.json")).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// A point's (replications, service level mean, its 95% half-width) in sweep.json.
fn point_precision(json: &serde_json::Value, point: usize) -> (u64, f64, f64) {
    let p = &json["points"][point];
    let sl = &p["kpis"]["service_level"];
    (
        p["replications"].as_u64().unwrap(),
        sl["mean"].as_f64().unwrap(),
        sl["ci95"].as_f64().unwrap(),
    )
}

/// Issue 22: every point of a sweep runs to its base's [precision], batch after batch, as
/// `callsim run` runs the base: point 0 (the base's own 25 agents) takes the replications run
/// takes and gives the same service level, bit for bit; each point's half-widths are within
/// the targets; the same bytes with 1 and 2 threads.
#[test]
fn a_sweep_runs_each_point_to_its_bases_precision() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let json = precise_sweep(one.path(), &["--threads", "1"]);
    precise_sweep(two.path(), &["--threads", "2"]);
    assert_eq!(
        std::fs::read(one.path().join("precise/sweep.csv")).unwrap(),
        std::fs::read(two.path().join("precise/sweep.csv")).unwrap()
    );
    for point in 0..2 {
        let (n, _, hw) = point_precision(&json, point);
        assert!(n > 20 && n < 2000, "point {point}: {n} replications");
        assert!(hw <= 0.002, "point {point}: ± {hw}");
        let p = &json["points"][point]["kpis"];
        assert!(p["abandon_rate"]["ci95"].as_f64().unwrap() <= 0.002);
        let asa = &p["asa_s"];
        assert!(asa["ci95"].as_f64().unwrap() <= 0.01 * asa["mean"].as_f64().unwrap());
    }
    let run = tempfile::tempdir().unwrap();
    callsim()
        .arg("run")
        .arg(repo("scenarios/precise-erlang-a.toml"))
        .args(["--no-charts", "--out"])
        .arg(run.path())
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.path().join("precise-erlang-a/summary.json")).unwrap(),
    )
    .unwrap();
    let (n, mean, hw) = point_precision(&json, 0);
    assert_eq!(summary["replications"].as_u64(), Some(n));
    let sl = &summary["kpis"]["service_level"];
    assert_eq!(sl["mean"].as_f64(), Some(mean));
    assert_eq!(sl["ci95"].as_f64(), Some(hw));
}

/// `sweep --precision` replaces the base's [precision] (here looser, capped at 40
/// replications by --max-replications), and is part of the sweep's definition: resuming the
/// folder with another precision is refused.
#[test]
fn sweep_precision_on_the_command_line_replaces_the_bases() {
    let dir = tempfile::tempdir().unwrap();
    let json = precise_sweep(
        dir.path(),
        &[
            "--precision",
            "service_level=0.01",
            "--max-replications",
            "40",
        ],
    );
    for point in 0..2 {
        let (n, _, hw) = point_precision(&json, point);
        assert!(n <= 40, "point {point}: {n} replications");
        assert!(hw <= 0.01 || n == 40, "point {point}: ± {hw} after {n}");
    }
    let refused = callsim()
        .arg("sweep")
        .arg(dir.path().join("precise.toml"))
        .arg("--out")
        .arg(dir.path())
        .args(["--resume", "--precision", "service_level=0.02"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("another sweep definition"), "{stderr}");
    let bad = callsim()
        .arg("sweep")
        .arg(dir.path().join("precise.toml"))
        .args(["--force", "--precision", "service_lvl=0.02"])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&bad.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--precision: `service_lvl` is not a KPI"),
        "{stderr}"
    );
}

/// A sweep to a precision says which points stopped at --max-replications before they got
/// there: at 25 agents, ±0.05 points of service level would take thousands of days (the
/// half-width after 12 is about 0.8 points), at 40 agents (service level ≈ 100%) the first
/// batch is enough. sweep.csv ends with `replications, precision_met`, sweep.json gives the
/// half-widths asked and reached, stderr names the point; `merge` of two shards writes the
/// same tables and the same warning.
#[test]
fn a_sweep_names_the_points_short_of_their_precision() {
    let dir = tempfile::tempdir().unwrap();
    let file = precise_file(dir.path(), "[25, 40]");
    let args = [
        "--precision",
        "service_level=0.0005",
        "--max-replications",
        "12",
    ];
    let run = callsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(dir.path())
        .args(args)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let warning = "warning: 1 of 2 points stopped at their maximum of replications before \
                   every KPI was that precise";
    assert!(stderr.contains(warning), "{stderr}");
    assert!(
        stderr.contains(
            "warning:   point 0 (staffing.agents = 25) after 12 replications: service_level ± "
        ) && !stderr.contains("point 1 ("),
        "{stderr}"
    );
    let (csv, json) = tables(dir.path(), "precise");
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0][rows[0].len() - 2..],
        ["replications", "precision_met"]
    );
    assert_eq!(rows[1][rows[1].len() - 2..], ["12", "false"]);
    assert_eq!(rows[2][rows[2].len() - 2..], ["12", "true"]);
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    for (point, met) in [(0, false), (1, true)] {
        let p = &json["points"][point]["precision"];
        assert_eq!(p["met"], met, "{p}");
        assert_eq!(p["max_replications"], 12);
        let sl = &p["kpis"][0];
        assert_eq!(sl["kpi"], "service_level");
        assert_eq!(sl["asked"], "±0.0005");
        let (allowed, reached) = (sl["allowed"].as_f64().unwrap(), sl["reached"].as_f64());
        assert_eq!(allowed, 0.0005);
        // the half-width reached is the table's service_level_ci95
        assert_eq!(
            reached,
            json["points"][point]["kpis"]["service_level"]["ci95"].as_f64()
        );
        assert_eq!(reached.unwrap() <= allowed, met);
    }

    // the same table and warning from two shards merged
    let shards = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for i in 0..2 {
        let out = shards.path().join(format!("shard-{i}"));
        callsim()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(args)
            .args(["--shard", &format!("{i}/2")])
            .assert()
            .success();
        dirs.push(out.join("precise"));
    }
    let merged = tempfile::tempdir().unwrap();
    let merge = callsim()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(merged.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&merge.get_output().stderr).into_owned();
    assert!(stderr.contains(warning), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(merged.path().join("precise/sweep.csv")).unwrap(),
        csv
    );
}
