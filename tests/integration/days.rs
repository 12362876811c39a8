//! Issue 22, days that carry over: `[time] days = N` runs N working days one after the
//! other in each replication, customers still due to call again or to be called back at
//! closing coming back the next morning (`carry_over`, default true). Through the binary: the
//! files it writes (per-day KPIs in `days.csv` and `by_day`, the week's totals in `kpis`), the
//! same bytes for 1 and 2 threads, customers conserved over the week, and clear errors.

use crate::common::{callsim, problems, repo, tree};

/// `callsim run scenarios/week/ --compare --no-charts --threads N` into a new folder.
fn run_week(threads: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let assert = callsim()
        .args(["run", repo("scenarios/week").to_str().unwrap(), "--compare"])
        .args(["--no-charts", "--threads", threads, "--out"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    (out, stdout)
}

fn summary(out: &std::path::Path, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join(name).join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn mean(v: &serde_json::Value, kpi: &str) -> f64 {
    v[kpi]["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("{kpi}: {v}"))
}

#[test]
fn a_week_carried_over_writes_days_and_totals_the_same_for_any_threads() {
    let (one, stdout) = run_week("1");
    let (two, _) = run_week("2");
    assert_eq!(tree(one.path()), tree(two.path()), "1 and 2 threads");
    let out = one.path();
    for name in ["carry-over", "each-day-alone"] {
        let s = summary(out, name);
        assert_eq!(s["days"], 7, "{name}");
        let kpis = &s["kpis"];
        // every customer ends exactly once over the week: served or lost (the last day
        // hands nobody on), and what one day hands on the next takes in
        let (customers, served, lost) = (
            mean(kpis, "customers"),
            mean(kpis, "served_customers"),
            mean(kpis, "lost_customers"),
        );
        assert!(
            (customers - served - lost).abs() <= 1e-9 * customers,
            "{name}: {customers} {served} {lost}"
        );
        assert_eq!(mean(kpis, "carried_in"), mean(kpis, "carried_over"));
        let days = s["by_day"].as_array().unwrap();
        assert_eq!(days.len(), 7);
        assert_eq!(mean(&days[0], "carried_in"), 0.0);
        assert_eq!(mean(&days[6], "carried_over"), 0.0);
        let per_day: f64 = days.iter().map(|d| mean(d, "customers")).sum();
        assert!((per_day - customers).abs() <= 1e-9 * customers);
        let days_csv = std::fs::read_to_string(out.join(name).join("days.csv")).unwrap();
        assert_eq!(days_csv.lines().count(), 1 + 7);
        assert!(days_csv.starts_with("day,offered,offered_ci95,"));
        let intervals = std::fs::read_to_string(out.join(name).join("intervals.csv")).unwrap();
        assert_eq!(intervals.lines().count(), 1 + 7 * 16);
        assert!(intervals.starts_with("day,interval,start,staffed_agents,"));
        assert!(intervals.lines().nth(17).unwrap().starts_with("2,0,09:00,"));
    }
    let (with, without) = (summary(out, "carry-over"), summary(out, "each-day-alone"));
    assert_eq!(with["carry_over"], true);
    assert_eq!(without["carry_over"], false);
    // the same new customers every day (common random numbers), fewer of them lost
    assert_eq!(
        mean(&with["kpis"], "customers"),
        mean(&without["kpis"], "customers")
    );
    assert!(mean(&with["kpis"], "lost_customers") < mean(&without["kpis"], "lost_customers"));
    assert!(mean(&with["kpis"], "carried_over") > 0.0);
    assert_eq!(mean(&without["kpis"], "carried_over"), 0.0);
    assert!(stdout.contains("carry-over — 7 days, each a working day 09:00–17:00"));
    assert!(stdout.contains("KPI (the 7 days)"));
    assert!(stdout.contains("\n  all "), "{stdout}");
    // one day alone writes none of it
    let single = tempfile::tempdir().unwrap();
    callsim()
        .args([
            "run",
            repo("scenarios/hold-or-callback/callback.toml")
                .to_str()
                .unwrap(),
        ])
        .args(["--no-charts", "--out"])
        .arg(single.path())
        .assert()
        .success();
    let s = summary(single.path(), "callback");
    assert!(s.get("days").is_none() && s.get("by_day").is_none());
    assert!(s["kpis"].get("carried_over").is_none());
    assert!(!single.path().join("callback/days.csv").exists());
}

const DAY: &str = r#"name = "t"
[time]
open = "09:00"
interval = "30m"
intervals = 16
days = 7
[arrivals]
calls_per_hour = 60
[handle_time]
distribution = "exponential"
mean = "4m"
[staffing]
agents = 6
"#;

#[test]
fn days_are_checked_with_file_line_and_key() {
    let p = problems(&DAY.replace("days = 7", "days = 0"));
    assert!(
        p.contains("t.toml:6:8: time.days: expected the number of days, a whole number from 1 to 366, got 0"),
        "{p}"
    );
    let p = problems(&DAY.replace("intervals = 16", "intervals = 49"));
    assert!(
        p.contains("t.toml:6:8: time.days: a run of several days opens every 24 hours, so a day must be at most 24 hours long"),
        "{p}"
    );
    let p = problems(&DAY.replace("days = 7", "days = 7\ncarry_over = \"yes\""));
    assert!(p.contains("t.toml:7:") && p.contains("carry_over"), "{p}");
    let steady = "name = \"t\"\n[time]\nhorizon = \"20h\"\ndays = 2\n[arrivals]\ncalls_per_hour = 60\n[handle_time]\ndistribution = \"exponential\"\nmean = \"4m\"\n[staffing]\nagents = 6\n";
    let p = problems(steady);
    assert!(
        p.contains("t.toml:4:8: time.days: a run of several days needs a working day"),
        "{p}"
    );
    // plan and roster staff one day: refused, naming the file
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("week.toml");
    std::fs::write(&file, DAY).unwrap();
    for command in ["plan", "roster"] {
        let assert = callsim().arg(command).arg(&file).assert().failure();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains("week.toml: time.days = 7: plan and roster staff one working day"),
            "{command}: {stderr}"
        );
    }
}
