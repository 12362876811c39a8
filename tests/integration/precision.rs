//! Issue 22, precision on demand: `run --precision` and a scenario's `[precision]` run
//! replications until each named KPI's 95% half-width is within its target, write how far
//! they got, and refuse what cannot be made precise.

use crate::common::{callsim, repo};

fn summary(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(name).join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every KPI named reached its half-width, the replications it took are in summary.json and
/// the table, and 1 and 2 threads give the same bytes.
#[test]
fn a_run_to_a_precision_reaches_it_and_says_how_many_replications_it_took() {
    let run = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let assert = callsim()
            .arg("run")
            .arg(repo("scenarios/small-business.toml"))
            .args([
                "--precision",
                "service_level=0.01,asa_s=5%",
                "--no-charts",
                "--threads",
                threads,
                "--out",
            ])
            .arg(out.path())
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        (out, stdout)
    };
    let (one, stdout) = run("1");
    let (two, _) = run("2");
    let file = |d: &tempfile::TempDir| {
        std::fs::read(d.path().join("small-business/summary.json")).unwrap()
    };
    assert_eq!(file(&one), file(&two));
    let s = summary(one.path(), "small-business");
    let n = s["replications"].as_u64().unwrap();
    assert!(n > 10, "{n}");
    assert!(
        stdout.contains(&format!("precise enough after {n} replications")),
        "{stdout}"
    );
    let p = &s["precision"];
    assert_eq!(p["met"], true);
    assert_eq!(p["max_replications"], 10_000);
    let kpis = p["kpis"].as_array().unwrap();
    assert_eq!(kpis.len(), 2);
    for k in kpis {
        let name = k["kpi"].as_str().unwrap();
        let reached = k["reached"].as_f64().unwrap();
        assert!(reached <= k["allowed"].as_f64().unwrap(), "{k}");
        // the half-width reached is the one reported with the KPI
        assert_eq!(s["kpis"][name]["ci95"].as_f64().unwrap(), reached);
    }
    assert_eq!(kpis[0]["kpi"], "service_level");
    assert_eq!(kpis[0]["allowed"], 0.01);
    // asa_s: 5% of its mean
    let asa = s["kpis"]["asa_s"]["mean"].as_f64().unwrap();
    assert!((kpis[1]["allowed"].as_f64().unwrap() - 0.05 * asa).abs() < 1e-12);
}

/// The example file with a `[precision]` section runs to it; a maximum too low stops the
/// run there and says so; a scenario without the KPI named is refused while the others run.
#[test]
fn precision_from_a_file_a_maximum_and_a_kpi_the_scenario_lacks() {
    let out = tempfile::tempdir().unwrap();
    let assert = callsim()
        .arg("run")
        .arg(repo("scenarios/precise-erlang-a.toml"))
        .args(["--no-charts", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("precise enough after"), "{stdout}");
    let s = summary(out.path(), "precise-erlang-a");
    assert_eq!(s["precision"]["met"], true);
    assert_eq!(s["precision"]["max_replications"], 2000);
    // at the maximum
    let assert = callsim()
        .arg("run")
        .arg(repo("scenarios/small-business.toml"))
        .args([
            "--precision",
            "service_level=0.0001",
            "--max-replications",
            "30",
            "--no-charts",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("stopped at the maximum of 30 replications"),
        "{stdout}"
    );
    let s = summary(out.path(), "small-business");
    assert_eq!(
        (s["replications"].as_u64(), &s["precision"]["met"]),
        (Some(30), &false.into())
    );
    // total_cost needs [costs]: plan-day has them, small-business does not
    let assert = callsim()
        .arg("run")
        .arg(repo("scenarios/small-business.toml"))
        .arg(repo("scenarios/plan-day.toml"))
        .args(["--precision", "total_cost=5%", "--no-charts", "--out"])
        .arg(out.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "small-business: --precision names total_cost but this scenario has no such KPI"
        ),
        "{stderr}"
    );
    assert_eq!(summary(out.path(), "plan-day")["precision"]["met"], true);
}

#[test]
fn bad_precisions_are_clear_errors() {
    for (args, says) in [
        (&["--precision", "sl=0.01"][..], "`sl` is not a KPI"),
        (
            &["--precision", "service_level=0"][..],
            "must be a number > 0",
        ),
        (
            &["--precision", "service_level"][..],
            "expected KPI=HALF_WIDTH",
        ),
        (&["--max-replications", "50"][..], "--precision"),
        (
            &["--precision", "asa_s=1", "--max-replications", "1"][..],
            "--max-replications",
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let assert = callsim()
            .arg("run")
            .arg(repo("scenarios/small-business.toml"))
            .args(args)
            .arg("--out")
            .arg(out.path())
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!out.path().join("small-business").exists(), "{args:?}");
    }
    // in a file: each problem at its line, with the nearest KPI name
    let problems = crate::common::problems(
        &std::fs::read_to_string(repo("scenarios/small-business.toml"))
            .unwrap()
            .replace(
                "[staffing]",
                "[precision]\nservice_levl = 0.01\nabandon_rate = -1\nmax_replications = 1.5\n\n[staffing]",
            ),
    );
    for says in [
        "precision.service_levl: `service_levl` is not a KPI: did you mean `service_level`?",
        "precision.abandon_rate: a half-width must be a number > 0",
        "precision.max_replications: expected the most replications",
    ] {
        assert!(problems.contains(says), "{says}: {problems}");
    }
}

/// Issue 22: the control-variate estimator's 95% intervals cover the exact answer about 95%
/// of the time. 100 seeds of an Erlang A queue (10 replications of 20 measured hours each):
/// the service level's and abandonment's intervals from the control variate must cover
/// Erlang A's exact values between 90 and 99 times (the binomial band of 95% over 100 runs,
/// at about 1.5% in each tail), and be narrower than the plain ones on average.
#[test]
fn control_variate_intervals_cover_erlang_a_about_95_percent_of_the_time() {
    use callsim::erlang::{Model, Traffic, kpis};
    use callsim::stats::Kpi;
    let text = std::fs::read_to_string(repo("scenarios/steady-mmc-abandon.toml"))
        .unwrap()
        .replace("horizon = \"105h\"", "horizon = \"25h\"")
        .replace("interval = \"10h\"", "interval = \"20h\"")
        .replace("replications = 20", "replications = 10");
    let base = crate::common::parse(&text);
    let exact = kpis(
        &Traffic::new(360.0 / 3600.0, 240.0).unwrap(),
        25,
        Model::ErlangA { patience_s: 180.0 },
        20.0,
    )
    .unwrap();
    let scenarios: Vec<callsim::model::Scenario> = (0..100)
        .flat_map(|seed| {
            let mut sc = base.clone();
            sc.seed = 1000 + seed;
            sc.name = format!("seed-{seed}");
            let mut cv = sc.clone();
            cv.control_variate = true;
            [sc, cv]
        })
        .collect();
    let results = crate::common::simulate(&scenarios);
    for (kpi, truth) in [
        (Kpi::ServiceLevel, exact.service_level),
        (Kpi::AbandonRate, exact.abandon_rate),
    ] {
        let (covered_plain, width_plain) = coverage(&results, 2, 0, kpi, truth);
        let (covered, width_cv) = coverage(&results, 2, 1, kpi, truth);
        assert!(
            results
                .iter()
                .skip(1)
                .step_by(2)
                .all(|r| r.control_expected.is_some())
        );
        // the README's figures (cargo test --release --test integration control_variate --
        // --nocapture)
        eprintln!(
            "{}: covered {covered} of 100 with the control variate, {covered_plain} plain; \
             mean half-width {width_cv:.5} against {width_plain:.5}",
            kpi.name(),
        );
        assert!((90..=99).contains(&covered), "{kpi:?}: {covered} of 100");
        assert!(
            width_cv < width_plain,
            "{kpi:?}: {width_cv} vs {width_plain}"
        );
    }
}

/// Of the runs `first`, `first + stride`, ...: how many 95% intervals of `kpi` covered
/// `truth`, and their mean half-width.
fn coverage(
    results: &[callsim::simulate::ScenarioResult],
    stride: usize,
    first: usize,
    kpi: callsim::stats::Kpi,
    truth: f64,
) -> (usize, f64) {
    let runs: Vec<_> = results
        .iter()
        .skip(first)
        .step_by(stride)
        .map(|r| r.total.get(kpi).unwrap())
        .collect();
    let covered = runs
        .iter()
        .filter(|v| (v.mean - truth).abs() <= v.ci95)
        .count();
    let width = runs.iter().map(|v| v.ci95).sum::<f64>() / runs.len() as f64;
    (covered, width)
}

/// Issue 22: stratified days' 95% intervals cover the exact answer about 95% of the time. An
/// Erlang A queue whose days differ in busyness (gamma, cv 0.1, mean 1): a replication of
/// busyness `b` is Erlang A at `b` × 360 calls/h, so the expected service level (and
/// abandonment) of a replication is Erlang A's averaged over the gamma, computed here at 2,000
/// of its quantiles. 100 seeds of 40 replications (four blocks of 10) of 10 measured hours:
/// the intervals of the stratified mean, alone and with the control variate, must cover it
/// between 90 and 99 times of 100, and be narrower than the plain ones of independent days.
#[test]
fn stratified_days_intervals_cover_the_exact_answer_about_95_percent_of_the_time() {
    use callsim::erlang::{Model, Traffic, kpis};
    use callsim::model::arrivals::busyness_quantile;
    use callsim::stats::Kpi;
    let cv = 0.1;
    let text = std::fs::read_to_string(repo("scenarios/steady-mmc-abandon.toml"))
        .unwrap()
        .replace("horizon = \"105h\"", "horizon = \"25h\"")
        .replace("interval = \"10h\"", "interval = \"20h\"")
        .replace(
            "calls_per_hour = 360",
            &format!("calls_per_hour = 360\nbusyness_cv = {cv}"),
        );
    let base = crate::common::parse(&text);
    let quantiles = 2000;
    let exact = |kpi: Kpi| {
        (0..quantiles)
            .map(|i| {
                let b = busyness_quantile(cv, (i as f64 + 0.5) / quantiles as f64);
                let k = kpis(
                    &Traffic::new(b * 360.0 / 3600.0, 240.0).unwrap(),
                    25,
                    Model::ErlangA { patience_s: 180.0 },
                    20.0,
                )
                .unwrap();
                match kpi {
                    Kpi::ServiceLevel => k.service_level,
                    _ => k.abandon_rate,
                }
            })
            .sum::<f64>()
            / quantiles as f64
    };
    let scenarios: Vec<callsim::model::Scenario> = (0..100)
        .flat_map(|seed| {
            let mut sc = base.clone();
            sc.seed = 2000 + seed;
            sc.name = format!("seed-{seed}");
            sc.replications = 40;
            let mut stratified = sc.clone();
            stratified.stratify_days().unwrap();
            let mut both = stratified.clone();
            both.control_variate = true;
            [sc, stratified, both]
        })
        .collect();
    let results = crate::common::simulate(&scenarios);
    assert!(results.iter().all(|r| r.scenario.replications == 40));
    for kpi in [Kpi::ServiceLevel, Kpi::AbandonRate] {
        let truth = exact(kpi);
        let (covered_plain, width_plain) = coverage(&results, 3, 0, kpi, truth);
        // the README's figures (cargo test --release --test integration stratified_days --
        // --nocapture)
        eprintln!(
            "{}: exact {truth:.5}; plain: covered {covered_plain} of 100, mean half-width \
             {width_plain:.5}",
            kpi.name()
        );
        for (first, name) in [(1, "stratified"), (2, "stratified + control variate")] {
            let (covered, width) = coverage(&results, 3, first, kpi, truth);
            eprintln!("  {name}: covered {covered} of 100, mean half-width {width:.5}");
            assert!(
                (90..=99).contains(&covered),
                "{kpi:?} {name}: {covered} of 100"
            );
            assert!(
                width < width_plain,
                "{kpi:?} {name}: {width} vs {width_plain}"
            );
        }
    }
}

/// `run --stratified-days` rounds the replications up to whole blocks of 10, at least 4
/// (every batch of a run to a precision too), gives the same bytes for 1 and 2 threads, names
/// its estimator in summary.json, and refuses a run of several days with a warning.
#[test]
fn stratified_days_come_in_whole_blocks_the_same_for_any_thread_count() {
    let run = |file: &str, extra: &[&str], threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let assert = callsim()
            .arg("run")
            .arg(repo(file))
            .args(extra)
            .args(["--no-charts", "--threads", threads, "--out"])
            .arg(out.path())
            .assert()
            .success();
        let output = assert.get_output();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out, text(&output.stdout), text(&output.stderr))
    };
    let args = [
        "--stratified-days",
        "--control-variate",
        "--replications",
        "15",
        "--precision",
        "service_level=0.005",
    ];
    let (one, stdout, _) = run("scenarios/small-business.toml", &args, "1");
    let (two, _, _) = run("scenarios/small-business.toml", &args, "2");
    let file = |d: &tempfile::TempDir| {
        std::fs::read(d.path().join("small-business/summary.json")).unwrap()
    };
    assert_eq!(file(&one), file(&two));
    let s = summary(one.path(), "small-business");
    let n = s["replications"].as_u64().unwrap();
    assert!(n >= 40 && n.is_multiple_of(10), "{n}");
    assert_eq!(s["precision"]["met"], true);
    assert_eq!(s["estimator"]["method"], "stratified_days_control_variate");
    assert_eq!(s["estimator"]["strata"], 10);
    assert_eq!(s["estimator"]["control"], "customers");
    assert!(stdout.contains("estimator: stratified days"), "{stdout}");
    let (alone, _, _) = run("scenarios/small-business.toml", &["--stratified-days"], "2");
    let s = summary(alone.path(), "small-business");
    assert_eq!(
        s["estimator"],
        serde_json::json!({"method": "stratified_days", "strata": 10})
    );
    assert_eq!(s["replications"], 40); // the file's 20, up to the least: four whole blocks
    let (week, _, stderr) = run(
        "scenarios/week/carry-over.toml",
        &["--stratified-days"],
        "2",
    );
    assert!(
        stderr.contains("no stratified days in a run of several days"),
        "{stderr}"
    );
    let name = std::fs::read_dir(week.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let s = summary(week.path(), &name.to_string_lossy());
    assert!(s.get("estimator").is_none());
}

/// `run --control-variate` says in summary.json which estimator gave the CIs; a scenario with
/// proactive contact keeps plain means and says why; the CIs narrow where days differ.
#[test]
fn the_control_variate_is_named_in_the_summary_or_refused_with_proactive_contact() {
    let out = tempfile::tempdir().unwrap();
    let run = |file: &str, extra: &[&str]| {
        let assert = callsim()
            .arg("run")
            .arg(repo(file))
            .args(extra)
            .args(["--no-charts", "--out"])
            .arg(out.path())
            .assert()
            .success();
        String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
    };
    run("scenarios/small-business.toml", &[]);
    let plain = summary(out.path(), "small-business");
    assert!(plain.get("estimator").is_none());
    run("scenarios/small-business.toml", &["--control-variate"]);
    let cv = summary(out.path(), "small-business");
    assert_eq!(cv["estimator"]["method"], "control_variate");
    assert_eq!(cv["estimator"]["control"], "customers");
    assert_eq!(cv["estimator"]["expected"], 337.0); // the file's calls per day
    let hw = |s: &serde_json::Value| s["kpis"]["service_level"]["ci95"].as_f64().unwrap();
    assert!(hw(&cv) < hw(&plain), "{} vs {}", hw(&cv), hw(&plain));
    assert_eq!(cv["kpis"]["customers"], plain["kpis"]["customers"]);
    let stderr = run(
        "scenarios/proactive-delay-notice/2-messages.toml",
        &["--control-variate"],
    );
    assert!(
        stderr.contains("no control variate with proactive contact"),
        "{stderr}"
    );
    assert!(summary(out.path(), "messages").get("estimator").is_none());
}
