//! `callsim fit` and `callsim run --calls-csv`: the bank's real counts, synthetic call logs
//! with known handle-time and patience distributions, and every malformed-input error.

use crate::common::{callsim, repo};
use callsim::fit::arrivals::fit_arrivals;
use callsim::fit::calls::{CallsFit, fit_calls, log_replication, read_calls};
use callsim::fit::counts::read_counts;
use callsim::fit::mle::{Estimate, Family, Fitted};
use callsim::fit::survival::{band_half_width, dkw_epsilon};
use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::gamma;
use std::path::Path;

const BANK: &str = "data/bank_calls_2003_mar_jun.csv";

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn bank_counts_give_profile_weekday_factors_busyness_and_reject_poisson() {
    let fit = fit_arrivals(Path::new(BANK), &read_counts(&repo(BANK)).unwrap(), 1800.0).unwrap();
    assert_eq!(fit.days.len(), 83);
    assert_eq!(fit.data_interval_s, 300.0);
    assert_eq!(fit.open_s, 7.0 * 3600.0);
    // 07:00-21:00; the lone 21:00 count of each day is not a whole half hour
    assert_eq!(fit.profile.len(), 28);
    assert_eq!(fit.counts_outside, 83);
    // the profile of scenarios/large-center.toml was made from the same data, to the call
    let large_center = [
        485, 542, 826, 1092, 1520, 1671, 1683, 1673, 1630, 1592, 1540, 1515, 1473, 1458, 1427,
        1432, 1395, 1362, 1278, 1152, 979, 863, 753, 668, 594, 545, 488, 447,
    ];
    for (fitted, rounded) in fit.profile.iter().zip(large_center) {
        assert!(
            (fitted - rounded as f64).abs() < 1.0,
            "{fitted} vs {rounded}"
        );
    }
    // every 5-minute count is in exactly one day and interval
    let counted: u64 = fit.days.iter().map(|d| d.total).sum();
    let all: u64 = read_counts(&repo(BANK))
        .unwrap()
        .iter()
        .map(|c| c.calls)
        .sum();
    let at_nine_pm: u64 = read_counts(&repo(BANK))
        .unwrap()
        .iter()
        .filter(|c| c.start.ms == 21 * 3_600_000)
        .map(|c| c.calls)
        .sum();
    assert_eq!(counted + at_nine_pm, all);
    // weekday factors: five weekdays, averaging 1 over the days
    let factors: Vec<f64> = fit.weekday_factors.iter().flatten().copied().collect();
    assert_eq!(factors.len(), 5);
    let weighted: f64 = (0..7)
        .filter_map(|w| fit.weekday_factors[w].map(|f| f * fit.weekday_days[w] as f64))
        .sum::<f64>()
        / 83.0;
    assert!((weighted - 1.0).abs() < 1e-12);
    // Mondays are the busiest day of a bank's week
    let monday = fit.weekday_factors[0].unwrap();
    assert!(factors.iter().all(|&f| f <= monday));
    // removing day-of-week effects leaves less day-to-day variation than the raw totals show
    assert!(fit.busyness_cv > 0.0 && fit.busyness_cv < fit.total_cv);
    // Poisson: the statistic would be near its 78 degrees of freedom; it is far beyond
    assert_eq!(fit.dispersion.df, 78.0);
    assert!(fit.dispersion.index > 10.0);
    assert!(fit.dispersion.p_value < 1e-12);
}

#[test]
fn fit_arrivals_writes_sections_that_make_a_valid_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("arrivals.toml");
    let chart = dir.path().join("profile.svg");
    let assert = callsim()
        .args(["fit", "arrivals"])
        .arg(repo(BANK))
        .args(["--interval", "1h", "--out"])
        .arg(&out)
        .arg("--chart")
        .arg(&chart)
        .assert()
        .success();
    let printed = stdout_of(&assert);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(printed, written);
    assert!(written.contains("intervals = 14"), "{written}");
    assert!(written.contains("# Poisson arrivals rejected"), "{written}");
    assert!(written.contains("Mon 1.1"), "{written}");
    roxmltree::Document::parse(&std::fs::read_to_string(&chart).unwrap()).unwrap();
    let scenario = dir.path().join("bank.toml");
    std::fs::write(
        &scenario,
        format!(
            "name = \"bank\"\n{written}\n[handle_time]\ndistribution = \"exponential\"\nmean = \"4m\"\n\n[staffing]\nagents = 300\n"
        ),
    )
    .unwrap();
    callsim().arg("check").arg(&scenario).assert().success();
}

#[test]
fn weekday_scales_the_profile_by_its_factor() {
    let all = stdout_of(
        &callsim()
            .args(["fit", "arrivals", BANK])
            .current_dir(repo("."))
            .assert()
            .success(),
    );
    let monday = stdout_of(
        &callsim()
            .args(["fit", "arrivals", BANK, "--weekday", "monday"])
            .current_dir(repo("."))
            .assert()
            .success(),
    );
    let first = |text: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with("per_interval = ["))
            .unwrap();
        line["per_interval = [".len()..]
            .split(',')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let fit = fit_arrivals(Path::new(BANK), &read_counts(&repo(BANK)).unwrap(), 1800.0).unwrap();
    let factor = fit.weekday_factors[0].unwrap();
    assert!((first(&monday) - first(&all) * factor).abs() < 0.1);
    assert!(monday.contains("on a Mon (x "), "{monday}");
    let a = callsim()
        .args(["fit", "arrivals", BANK, "--weekday", "Sat"])
        .current_dir(repo("."))
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("has no day of the week Sat"));
}

/// The truth of `tests/data/fit/weibull-patience.toml`: lognormal handle time (mean 240 s,
/// cv 0.8), Weibull patience (mean 300 s, shape 0.7).
struct Truth;

impl Truth {
    const HANDLE_MEAN: f64 = 240.0;
    const HANDLE_CV: f64 = 0.8;
    const PATIENCE_MEAN: f64 = 300.0;
    const PATIENCE_SHAPE: f64 = 0.7;

    fn sigma() -> f64 {
        (1.0 + Self::HANDLE_CV * Self::HANDLE_CV).ln().sqrt()
    }
    fn mu() -> f64 {
        Self::HANDLE_MEAN.ln() - 0.5 * Self::sigma().powi(2)
    }
    fn weibull_scale() -> f64 {
        Self::PATIENCE_MEAN / gamma(1.0 + 1.0 / Self::PATIENCE_SHAPE)
    }
    fn survival(t: f64) -> f64 {
        (-(t / Self::weibull_scale()).powf(Self::PATIENCE_SHAPE)).exp()
    }

    /// (what, estimate, truth) of every parameter the fit reports for the two distributions.
    fn compare(fit: &CallsFit) -> Vec<(&'static str, Estimate, f64)> {
        let handle = family(&fit.handle, Family::Lognormal);
        let patience = family(&fit.patience, Family::Weibull);
        vec![
            ("handle mu", handle.params[0], Self::mu()),
            ("handle sigma", handle.params[1], Self::sigma()),
            ("handle mean", handle.mean, Self::HANDLE_MEAN),
            ("handle cv", handle.cv, Self::HANDLE_CV),
            ("patience shape", patience.params[0], Self::PATIENCE_SHAPE),
            ("patience scale", patience.params[1], Self::weibull_scale()),
            ("patience mean", patience.mean, Self::PATIENCE_MEAN),
        ]
    }
}

fn family(fits: &[Fitted], f: Family) -> &Fitted {
    fits.iter().find(|x| x.family == f).expect("fitted")
}

/// Runs `callsim run --calls-csv` on a test scenario and returns the log's path.
fn simulated_log(dir: &Path, scenario: &str) -> std::path::PathBuf {
    let log = dir.join("calls.csv");
    callsim()
        .arg("run")
        .arg(repo(scenario))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--no-charts", "--calls-csv"])
        .arg(&log)
        .assert()
        .success();
    log
}

#[test]
fn a_simulated_log_gives_back_the_weibull_patience_and_lognormal_handle_times() {
    let dir = tempfile::tempdir().unwrap();
    let log = simulated_log(dir.path(), "tests/data/fit/weibull-patience.toml");
    let records = read_calls(&log).unwrap();
    let fit = fit_calls(&records).unwrap();
    // heavy censoring: most callers were answered, their patience never seen
    assert!(
        fit.patience_events * 5 < fit.patience_n,
        "{} of {}",
        fit.patience_events,
        fit.patience_n
    );
    // AIC picks the true families
    assert_eq!(fit.handle[0].family, Family::Lognormal);
    assert_eq!(fit.patience[0].family, Family::Weibull);
    // every parameter is within its CI of the truth; the 95% CIs of the fitter are made
    // simultaneous over the 7 comparisons (Bonferroni), so the test as a whole errs 5% of
    // the time, not 1 − 0.95^7 = 30%
    let compared = Truth::compare(&fit);
    let z95 = Normal::standard().inverse_cdf(0.975);
    let z = Normal::standard().inverse_cdf(1.0 - 0.05 / (2.0 * compared.len() as f64));
    for (what, e, truth) in &compared {
        let half = e.ci95 / z95 * z;
        println!(
            "{what}: {:.5} ± {:.5} (simultaneous), truth {truth:.5}",
            e.value, half
        );
        assert!(
            (e.value - truth).abs() <= half,
            "{what}: {e:?}, truth {truth}"
        );
    }
    // the Kaplan–Meier curve stays inside the DKW-style 95% band around the true survival,
    // both at each step and just before it
    let eps = dkw_epsilon(0.05);
    let mut before = (1.0, 0.0); // (survival, greenwood) on the stretch before the step
    for s in &fit.km {
        let truth = Truth::survival(s.t);
        let w_before = band_half_width(before.0, before.1, fit.patience_n, eps);
        let w_after = band_half_width(s.survival, s.greenwood, fit.patience_n, eps);
        assert!(
            (before.0 - truth).abs() <= w_before,
            "before {}: {} vs {truth}",
            s.t,
            before.0
        );
        assert!(
            (s.survival - truth).abs() <= w_after,
            "at {}: {} vs {truth}",
            s.t,
            s.survival
        );
        before = (s.survival, s.greenwood);
    }
}

#[test]
fn fit_calls_writes_sections_and_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let log = simulated_log(dir.path(), "tests/data/fit/weibull-patience.toml");
    let out = dir.path().join("calls.toml");
    let chart = dir.path().join("patience.svg");
    let assert = callsim()
        .args(["fit", "calls"])
        .arg(&log)
        .arg("--out")
        .arg(&out)
        .arg("--chart")
        .arg(&chart)
        .assert()
        .success();
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(stdout_of(&assert), written);
    assert!(
        written.contains("[handle_time]\ndistribution = \"lognormal\"\n"),
        "{written}"
    );
    assert!(
        written.contains("[patience]\ndistribution = \"weibull\"\n"),
        "{written}"
    );
    assert!(written.contains("#   exponential MLE: "), "{written}");
    roxmltree::Document::parse(&std::fs::read_to_string(&chart).unwrap()).unwrap();
    // the sections run as they are
    let scenario = dir.path().join("fitted.toml");
    std::fs::write(
        &scenario,
        format!("name = \"fitted\"\nreplications = 2\n[time]\nopen = \"09:00\"\ninterval = \"30m\"\nintervals = 4\n[arrivals]\ncalls_per_hour = 170\n[staffing]\nagents = 12\n{written}"),
    )
    .unwrap();
    callsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.path().join("run"))
        .arg("--no-charts")
        .assert()
        .success();
}

/// Coverage: over 20 independent simulated days the 95% CIs must cover the truth about 95%
/// of the time. Fewer than `k` covers out of 20 has probability < 0.1% if they are right.
#[test]
fn confidence_intervals_cover_the_truth_at_their_level() {
    let scenario =
        callsim::scenario::load(&repo("tests/data/fit/weibull-patience-short.toml")).unwrap();
    let n = 20;
    let fits: Vec<CallsFit> = (0..n)
        .map(|r| fit_calls(&log_replication(&scenario, r).unwrap()).unwrap())
        .collect();
    let binomial = statrs::distribution::Binomial::new(0.95, n).unwrap();
    use statrs::distribution::DiscreteCDF;
    let k = (0..=n).find(|&k| binomial.cdf(k) >= 1e-3).unwrap();
    let compared: Vec<_> = fits.iter().map(Truth::compare).collect();
    for i in 0..compared[0].len() {
        let covered = compared.iter().filter(|c| c[i].1.covers(c[i].2)).count() as u64;
        println!(
            "{}: {covered} of {n} intervals cover the truth",
            compared[0][i].0
        );
        assert!(covered >= k, "{}: only {covered} of {n}", compared[0][i].0);
    }
}

#[test]
fn the_exponential_mle_recovers_its_rate() {
    let dir = tempfile::tempdir().unwrap();
    let log = simulated_log(dir.path(), "tests/data/fit/exponential-patience.toml");
    let records = read_calls(&log).unwrap();
    let fit = fit_calls(&records).unwrap();
    let e = family(&fit.patience, Family::Exponential);
    let rate = 1.0 / 120.0;
    println!(
        "rate {:.6} ± {:.6}, truth {rate:.6}",
        e.params[0].value, e.params[0].ci95
    );
    assert!(e.params[0].covers(rate), "{:?}", e.params[0]);
    // abandonments ÷ total time waited, by hand
    let abandoned = records
        .iter()
        .filter(|r| r.outcome.name() == "abandoned" && r.wait_s > 0.0)
        .count();
    let waited: f64 = records
        .iter()
        .filter(|r| matches!(r.outcome.name(), "answered" | "abandoned"))
        .map(|r| r.wait_s)
        .sum();
    assert!((e.params[0].value - abandoned as f64 / waited).abs() < 1e-12);
}

#[test]
fn calls_csv_is_replication_zero_and_needs_one_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("calls.csv");
    let assert = callsim()
        .arg("run")
        .arg(repo("scenarios/small-business.toml"))
        .args(["--replications", "1", "--json", "--no-charts", "--out"])
        .arg(dir.path().join("out"))
        .arg("--calls-csv")
        .arg(&log)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    let kpi = |k: &str| json["scenarios"][0]["kpis"][k]["mean"].as_f64().unwrap();
    let records = read_calls(&log).unwrap();
    let count = |o: &str| records.iter().filter(|r| r.outcome.name() == o).count() as f64;
    assert_eq!(count("answered"), kpi("answered"));
    assert_eq!(count("abandoned"), kpi("abandoned"));
    assert_eq!(records.len() as f64, kpi("offered"));
    let asa: f64 = records
        .iter()
        .filter(|r| r.talk_s.is_some())
        .map(|r| r.wait_s)
        .sum::<f64>()
        / count("answered");
    assert!((asa - kpi("asa_s")).abs() < 1e-3, "{asa} {}", kpi("asa_s"));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("arrival,wait_s,outcome,talk_s\n"));

    let a = callsim()
        .arg("run")
        .arg(repo("scenarios/hold-or-callback"))
        .arg("--calls-csv")
        .arg(&log)
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("--calls-csv logs the calls of one scenario"),
        "{}",
        stderr_of(&a)
    );
}

/// Runs `callsim fit KIND` on a file with `content` and checks that it fails with exit code 1
/// (no panic) and the message `error: <the file's path><expected>`.
fn assert_fit_error(kind: &str, content: &str, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, content).unwrap();
    let a = callsim()
        .args(["fit", kind])
        .arg(&path)
        .assert()
        .failure()
        .code(1);
    let stderr = stderr_of(&a);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let want = format!("error: {}{expected}", path.display());
    assert!(stderr.contains(&want), "expected {want}\ngot {stderr}");
}

const COUNTS_OK: &str = "interval_start,calls\n2024-01-01 09:00,10\n2024-01-01 09:30,12\n2024-01-08 09:00,11\n2024-01-08 09:30,15\n";

#[test]
fn counts_errors_name_file_line_and_column() {
    let cases = [
        (
            COUNTS_OK.replace("2024-01-01 09:30,12", "2024-01-01 9h30,12"),
            ":3: column 1 (interval_start): expected a time such as \"2003-03-03 07:05\" or \"2003-03-03 07:05:00\", got \"2024-01-01 9h30\"",
        ),
        (
            COUNTS_OK.replace("09:30,15", "09:30,-3"),
            ":5: column 2 (calls): expected a whole number of calls ≥ 0, got \"-3\"",
        ),
        (
            COUNTS_OK.replace("09:30,15", "09:30,many"),
            ":5: column 2 (calls): expected a whole number of calls ≥ 0, got \"many\"",
        ),
        (
            COUNTS_OK.replace("interval_start,calls", "start,calls"),
            ":1: no column \"interval_start\" in the header; expected the columns interval_start,calls",
        ),
        (
            COUNTS_OK.replace("09:30,15", "09:30,15,2"),
            ":5: expected 2 fields like the header, found 3",
        ),
        (
            COUNTS_OK.replace("2024-01-08 09:30", "2024-01-08 09:00"),
            ":5: column 1 (interval_start): a second count for 2024-01-08 09:00 (the first is on line 4)",
        ),
        (
            format!("{COUNTS_OK}2024-01-15 09:10,3\n2024-01-15 09:40,3\n"),
            ":6: column 1 (interval_start): not on the grid of 30m intervals from 09:00",
        ),
        (
            "interval_start,calls\n".to_string(),
            ": no data rows after the header",
        ),
        (
            "interval_start,calls\n2024-01-01 09:00,10\n2024-01-08 09:00,11\n".to_string(),
            ": no day has two counts",
        ),
        (
            COUNTS_OK.replace("09:30", "09:20"),
            ": the counts are per 20m and cannot be summed to intervals of 30m",
        ),
        (
            "interval_start,calls\n2024-01-01 09:00,10\n2024-01-01 09:30,12\n".to_string(),
            ": day-to-day variation needs at least two complete days",
        ),
    ];
    for (content, expected) in cases {
        assert_fit_error("arrivals", &content, expected);
    }
}

const LOG_OK: &str =
    "arrival,wait_s,outcome,talk_s\n1.5,0,answered,200\n3,12.5,abandoned,\n9,4,answered,180.5\n";

#[test]
fn call_log_errors_name_file_line_and_column() {
    let cases = [
        (
            LOG_OK.replace("3,12.5,abandoned", "3,12.5,hung up"),
            ":3: column 3 (outcome): unknown outcome \"hung up\"; expected one of answered, abandoned, blocked, balked, callback",
        ),
        (
            LOG_OK.replace("\n3,12.5", "\nlater,12.5"),
            ":3: column 1 (arrival): expected a date and time such as",
        ),
        (
            LOG_OK.replace("3,12.5", "3,-2"),
            ":3: column 2 (wait_s): expected a wait in seconds ≥ 0, got \"-2\"",
        ),
        (
            LOG_OK.replace("3,12.5", "3,"),
            ":3: column 2 (wait_s): the wait is missing",
        ),
        (
            LOG_OK.replace("answered,180.5", "answered,"),
            ":4: column 4 (talk_s): an answered call needs its talk time in seconds > 0",
        ),
        (
            LOG_OK.replace("answered,180.5", "answered,soon"),
            ":4: column 4 (talk_s): expected a talk time in seconds > 0, got \"soon\"",
        ),
        (
            LOG_OK.replace("abandoned,", "abandoned,30"),
            ":3: column 4 (talk_s): a call that was abandoned has no talk time; leave it empty",
        ),
        (
            LOG_OK.replace("outcome", "result"),
            ":1: no column \"outcome\" in the header",
        ),
        (
            "arrival,wait_s,outcome,talk_s\n1,0,abandoned,\n".to_string(),
            ": handle times cannot be fitted",
        ),
    ];
    for (content, expected) in cases {
        assert_fit_error("calls", &content, expected);
    }
}

#[test]
fn missing_files_and_bad_options_are_errors() {
    let a = callsim()
        .args(["fit", "calls", "no-such-log.csv"])
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("error: no-such-log.csv: cannot read:"),
        "{}",
        stderr_of(&a)
    );
    let a = callsim()
        .args(["fit", "arrivals", BANK, "--interval", "soon"])
        .current_dir(repo("."))
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("--interval: expected a duration"));
    let a = callsim()
        .args(["fit", "arrivals", BANK, "--interval", "7m"])
        .current_dir(repo("."))
        .assert()
        .failure();
    assert!(
        stderr_of(&a).contains("the counts are per 5m and cannot be summed to intervals of 7m"),
        "{}",
        stderr_of(&a)
    );
}

#[test]
fn counts_that_cannot_make_an_interval_are_errors() {
    let cases = [
        (
            "interval_start,calls\n2024-01-01 09:00,1\n2024-01-01 09:05,2\n2024-01-08 09:00,3\n",
            ": the counts of a day span less than one interval of 30m",
        ),
        (
            "interval_start,calls\n2024-01-01 09:00,1\n2024-01-01 09:05,2\n2024-01-08 09:30,3\n2024-01-08 09:35,3\n",
            ": no day has a count for every interval",
        ),
    ];
    for (content, expected) in cases {
        assert_fit_error("arrivals", content, expected);
    }
}

#[test]
fn text_that_is_not_utf8_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.csv");
    std::fs::write(
        &path,
        b"interval_start,calls\n2024-01-01 09:00,1\n2024-01-01 09:30,\xe9\n",
    )
    .unwrap();
    let a = callsim()
        .args(["fit", "arrivals"])
        .arg(&path)
        .assert()
        .failure();
    let stderr = stderr_of(&a);
    assert!(
        stderr.contains(&format!(
            "error: {}:3: the text is not UTF-8",
            path.display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_unknown_weekday_is_an_error() {
    // text that is not a day, also with letters of more than one byte where the first three
    // letters of a day's name would be cut
    for day in ["Funday", "Mo", "ab€", "Mé", "Mon1"] {
        let a = callsim()
            .args(["fit", "arrivals", BANK, "--weekday", day])
            .current_dir(repo("."))
            .assert()
            .failure()
            .code(1);
        let stderr = stderr_of(&a);
        assert!(
            stderr.contains(&format!(
                "--weekday: expected Mon, Tue, Wed, Thu, Fri, Sat or Sun, got \"{day}\""
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_log_where_nobody_hung_up_writes_no_patience() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calm.csv");
    std::fs::write(
        &path,
        "arrival,wait_s,outcome,talk_s\n1,0,answered,200\n5,3,answered,100\n9,0,answered,150\n",
    )
    .unwrap();
    let a = callsim()
        .args(["fit", "calls"])
        .arg(&path)
        .assert()
        .success();
    assert!(
        stdout_of(&a).contains("[patience]\ndistribution = \"none\""),
        "{}",
        stdout_of(&a)
    );
}

/// A multi-skill scenario is logged too: every attempt of every call type, the same calls
/// that its replication 0 counts.
#[test]
fn a_multi_skill_day_is_logged_whole() {
    let text = r#"
seed = 5
replications = 1
[time]
open = "08:00"
interval = "30m"
intervals = 4
[[call_type]]
name = "sales"
arrivals = { per_interval = [40, 90, 70, 30] }
handle_time = { distribution = "gamma", mean = "4m", cv = 1.2 }
patience = { distribution = "weibull", mean = "2m", cv = 0.7 }
[[call_type]]
name = "support"
arrivals = { per_interval = [30, 50, 60, 20] }
handle_time = { distribution = "lognormal", mean = "6m", cv = 0.8 }
patience = { distribution = "exponential", mean = "3m" }
[[agent_group]]
name = "agents"
staffing = { per_interval = [6, 10, 9, 5] }
skills = { sales = 1, support = 2 }
"#;
    let scenario = callsim::scenario::parse(text, "t.toml", Path::new("."), "t").unwrap();
    assert!(scenario.skills.is_some());
    let records = log_replication(&scenario, 0).unwrap();
    let kpis = callsim::simulate::replication_kpis(&scenario, 0).unwrap();
    let value = |k: callsim::stats::Kpi| kpis.total[k.index()];
    let count = |o: &str| records.iter().filter(|r| r.outcome.name() == o).count() as f64;
    assert_eq!(records.len() as f64, value(callsim::stats::Kpi::Offered));
    assert_eq!(count("answered"), value(callsim::stats::Kpi::Answered));
    assert_eq!(count("abandoned"), value(callsim::stats::Kpi::Abandoned));
}

/// Issue 18, item 10: line numbers were one too small in files with CRLF line ends.
#[test]
fn errors_name_the_same_line_with_lf_crlf_or_cr_line_ends() {
    let calls = "arrival,wait_s,outcome,talk_s\n0,1,answered,100\n\n5,2,answered,xx\n";
    let counts = "interval_start,calls\n2024-01-01 09:00,3\n2024-01-01 09:30,x\n";
    let short = "arrival,wait_s,outcome,talk_s\n0,1,answered,100\n5,2,answered\n";
    for end in ["\n", "\r\n", "\r"] {
        let with = |t: &str| t.replace('\n', end);
        assert_fit_error(
            "calls",
            &with(calls),
            ":4: column 4 (talk_s): expected a talk time",
        );
        assert_fit_error("arrivals", &with(counts), ":3: column 2 (calls)");
        assert_fit_error(
            "calls",
            &with(short),
            ":3: expected 4 fields like the header, found 3",
        );
    }
}

/// Issue 18, item 10: absurd talk times gave `mean = inf`, which `check` rejects; what `fit`
/// would write must pass `check`, else it refuses and writes nothing.
#[test]
fn fit_refuses_sections_that_check_would_reject() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("huge.csv");
    std::fs::write(
        &log,
        "arrival,wait_s,outcome,talk_s\n0,1,answered,1e308\n5,2,answered,1e308\n6,2,answered,1e300\n7,1,abandoned,\n",
    )
    .unwrap();
    let out = dir.path().join("fitted.toml");
    let a = callsim()
        .args(["fit", "calls"])
        .arg(&log)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .code(1);
    let stderr = stderr_of(&a);
    assert!(
        stderr.contains("would not pass `callsim check`")
            && stderr.contains("handle_time.mean: expected a duration of at most a year"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stdout_of(&a).is_empty());
    assert!(!out.exists(), "a section check rejects was written");
}

/// Issue 19: a log written by a spreadsheet with `;` separators, and arrivals written as a
/// time of day alone, are read; the fit is the same as from the comma-separated seconds.
#[test]
fn semicolons_and_times_of_day_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let log = simulated_log(dir.path(), "tests/data/fit/weibull-patience.toml");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut other = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 {
            // seconds after the run's start, written as a time of day from 00:00
            let s: f64 = fields[0].parse().unwrap();
            let whole = s.floor() as u64 % 86_400;
            fields[0] = format!(
                "{:02}:{:02}:{:02}",
                whole / 3600,
                whole / 60 % 60,
                whole % 60
            );
        }
        other.push_str(&fields.join(";"));
        other.push('\n');
    }
    let semi = dir.path().join("semi.csv");
    std::fs::write(&semi, other).unwrap();
    let from = |path: &Path| {
        let fit = fit_calls(&read_calls(path).unwrap()).unwrap();
        (
            fit.outcomes,
            fit.handle[0].mean.value,
            fit.patience[0].mean.value,
        )
    };
    // arrival times do not enter the fits: the same fits
    assert_eq!(from(&log), from(&semi));
    let records = read_calls(&semi).unwrap();
    assert!(
        records
            .iter()
            .all(|r| r.arrival_s >= 0.0 && r.arrival_s < 86_400.0)
    );
}

/// Issue 19: `fit` warns (on stderr, still writing) when an estimate rests on too small a
/// sample: under 30 observations, or a 95% half-width over a fifth of the value; the bank's
/// 83 days and a simulated day's thousands of calls give no such warning for handle times.
#[test]
fn small_samples_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.csv");
    std::fs::write(
        &small,
        "arrival,wait_s,outcome,talk_s\n0,10,answered,200\n60,30,abandoned,\n120,0,answered,150\n",
    )
    .unwrap();
    let assert = callsim()
        .args(["fit", "calls"])
        .arg(&small)
        .assert()
        .success();
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("the handle-time mean rests on 2 answered calls"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the patience mean rests on 1 callers who hung up"),
        "{stderr}"
    );

    let assert = callsim()
        .args(["fit", "arrivals"])
        .arg(repo(BANK))
        .assert()
        .success();
    assert!(
        !stderr_of(&assert).contains("warning"),
        "{}",
        stderr_of(&assert)
    );
    let short = dir.path().join("short.csv");
    let bank = std::fs::read_to_string(repo(BANK)).unwrap();
    let two_weeks: String = bank
        .lines()
        .take(1 + 14 * 169)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&short, two_weeks).unwrap();
    let assert = callsim()
        .args(["fit", "arrivals"])
        .arg(&short)
        .assert()
        .success();
    assert!(
        stderr_of(&assert).contains("busyness_cv (how much whole days vary) rests on"),
        "{}",
        stderr_of(&assert)
    );

    let log = simulated_log(dir.path(), "tests/data/fit/weibull-patience.toml");
    let assert = callsim()
        .args(["fit", "calls"])
        .arg(&log)
        .assert()
        .success();
    assert!(
        !stderr_of(&assert).contains("handle-time mean rests"),
        "{}",
        stderr_of(&assert)
    );
}
