//! `callsim roster`: the example day and week end to end (coverage, breaks, opening hours,
//! midnight, the bound and the simulated check), a hand-computed optimum from a plan table,
//! bit-identical output for any thread count, and bad rules as clear errors.

use crate::common::{callsim, repo, rows};
use std::path::Path;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Minutes after midnight of `"HH:MM"`.
fn minutes(clock: &str) -> i64 {
    let (h, m) = clock.split_once(':').unwrap();
    h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
}

fn roster(file: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    callsim()
        .arg("roster")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// Every interval is covered, and `over` is covered − required.
fn assert_covered(coverage: &[std::collections::HashMap<String, String>]) {
    for row in coverage {
        let (req, cov, over): (u32, u32, u32) = (
            row["required"].parse().unwrap(),
            row["covered"].parse().unwrap(),
            row["over"].parse().unwrap(),
        );
        assert!(
            cov >= req,
            "interval {} not covered: {row:?}",
            row["interval"]
        );
        assert_eq!(over, cov - req);
    }
}

#[test]
fn the_example_day_is_covered_inside_its_hours_with_breaks_in_their_window() {
    let tmp = tempfile::tempdir().unwrap();
    let out1 = tmp.path().join("t1");
    let out2 = tmp.path().join("t2");
    let file = repo("scenarios/roster-day.toml");
    roster(&file, &out1, &["--threads", "1"]).success();
    roster(&file, &out2, &["--threads", "2"]).success();
    let dir = out1.join("roster-day");
    for f in ["roster.csv", "coverage.csv", "roster.json", "coverage.svg"] {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(out2.join("roster-day").join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
    let coverage = rows(&dir.join("coverage.csv"));
    assert_eq!(coverage.len(), 24);
    assert_covered(&coverage);
    // the scheduled heads of the plan: planned agents ÷ (1 − 0.3), rounded up
    for row in &coverage {
        let planned: f64 = row["planned_agents"].parse().unwrap();
        let required: f64 = row["required"].parse().unwrap();
        assert_eq!(required, (planned / 0.7 - 1e-9).ceil());
        let on_phones: f64 = row["on_phones"].parse().unwrap();
        assert!(on_phones >= planned);
        assert!(!row["service_level"].is_empty());
    }
    let shifts = rows(&dir.join("roster.csv"));
    for s in &shifts {
        let (start, end) = (minutes(&s["start"]), minutes(&s["end"]));
        // starts from 07:00 to 15:00, shifts inside 07:00-19:00
        assert!((7 * 60..=15 * 60).contains(&start), "{s:?}");
        assert!(end <= 19 * 60 && end > start, "{s:?}");
        let length: f64 = s["length_h"].parse().unwrap();
        assert!([4.0, 6.0, 8.0].contains(&length));
        if length > 6.0 {
            // a 30-minute break between 3 h and 5 h after the start
            let (b0, b1) = (minutes(&s["break_start"]), minutes(&s["break_end"]));
            assert_eq!(b1 - b0, 30);
            assert!(b0 - start >= 180 && b1 - start <= 300, "{s:?}");
        } else {
            assert!(s["break_start"].is_empty());
        }
    }
    let summary = json(&dir.join("roster.json"));
    let cost = summary["cost"].as_f64().unwrap();
    let bound = summary["lp_bound_cost"].as_f64().unwrap();
    assert!(cost >= bound - 1e-6);
    // the goal for rosters with breaks: within 1% of the LP bound
    assert!(summary["gap"].as_f64().unwrap() < 0.01, "{summary}");
    let paid: f64 = shifts
        .iter()
        .map(|s| s["paid_hours"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(paid, summary["paid_hours"].as_f64().unwrap());
    assert!(paid >= summary["required_head_hours"].as_f64().unwrap());
    let svg = std::fs::read_to_string(dir.join("coverage.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("coverage.svg is valid XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    // Issue 19: the chart tells its series apart by colour, mark and legend: heads required
    // as sky-blue bars, rostered as a black line, on the phones as a dashed vermillion line;
    // the roster's service level with a filled band, the plan's in orange with dashed band
    // edges; one point per interval and series
    for expected in [
        "Heads required (plan ÷ (1 − shrinkage))",
        "Heads rostered, not on break",
        "On the phones (rostered less 30% shrinkage)",
        "Service level per interval with the roster",
        "with the plan, same callers",
        "95% band of the roster",
        "of the plan (its edges)",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(expected)),
            "{expected}: {texts:?}"
        );
    }
    for colour in [
        "fill=\"#56B4E9\"",
        "stroke=\"#000000\"",
        "stroke=\"#D55E00\"",
        "stroke=\"#E69F00\"",
    ] {
        assert!(svg.contains(colour), "{colour}");
    }
    assert_eq!(svg.matches("<circle").count(), 2 * 24);
    let day = &summary["days"][0];
    assert!(day["service_level"]["mean"].as_f64().unwrap() > 0.0);
    assert!(day["roster_agent_hours"].as_f64() >= day["plan_agent_hours"].as_f64());
}

#[test]
fn contiguous_shifts_reach_the_lp_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("shifts.toml");
    std::fs::write(
        &rules,
        "shift_lengths = [\"4h\", \"6h\", \"8h\"]\nstarts = { from = \"07:00\", to = \"15:00\" }\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    roster(
        &repo("scenarios/roster-day.toml"),
        &out,
        &["--shifts", rules.to_str().unwrap(), "--no-check"],
    )
    .success();
    let summary = json(&out.join("roster-day/roster.json"));
    assert_eq!(summary["lp_integral"], true, "{summary}");
    assert_eq!(summary["gap"].as_f64(), Some(0.0));
    assert_eq!(summary["cost"], summary["lp_bound_cost"]);
    assert_covered(&rows(&out.join("roster-day/coverage.csv")));
}

#[test]
fn a_plan_table_with_a_hand_computed_optimum() {
    // Heads [2, 3, 3, 1, 1, 2] from 08:00 in hours; shifts of 2 or 3 hours, cost = paid
    // hours. The 2 heads at 13:00 come from shifts starting at 11:00 (3 h) or 12:00 (2 h),
    // each also covering 12:00, which needs 1: at least 12 + 1 = 13 paid hours; and
    // 2 × 08-11, 09-11, 11-14, 12-14 has 13.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("small");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.csv");
    let mut text = String::from("interval,start,scheduled_agents\n");
    for (k, h) in [2, 3, 3, 1, 1, 2].iter().enumerate() {
        text.push_str(&format!("{k},{:02}:00,{h}\n", 8 + k));
    }
    std::fs::write(&plan, text).unwrap();
    let rules = tmp.path().join("shifts.toml");
    std::fs::write(&rules, "shift_lengths = [\"2h\", \"3h\"]\n").unwrap();
    let out = tmp.path().join("out");
    roster(&plan, &out, &["--shifts", rules.to_str().unwrap()]).success();
    let summary = json(&out.join("small/roster.json"));
    assert_eq!(summary["paid_hours"].as_f64(), Some(13.0));
    assert_eq!(summary["cost"].as_f64(), Some(13.0));
    assert_eq!(summary["required_head_hours"].as_f64(), Some(12.0));
    assert_covered(&rows(&out.join("small/coverage.csv")));
    // no scenario, no check: the service-level columns are empty
    assert!(
        rows(&out.join("small/coverage.csv"))
            .iter()
            .all(|r| r["service_level"].is_empty())
    );
    // a plan table needs rules
    roster(&plan, &out, &[])
        .failure()
        .stderr(predicates::str::contains(
            "give the shift rules with --shifts",
        ));
}

#[test]
fn the_example_week_crosses_midnight_within_one_percent_of_its_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    roster(&repo("scenarios/roster-week.toml"), &out, &[]).success();
    let dir = out.join("roster-week");
    let coverage = rows(&dir.join("coverage.csv"));
    assert_eq!(coverage.len(), 7 * 48);
    assert_covered(&coverage);
    assert_eq!(coverage[0]["day"], "Mon");
    assert_eq!(coverage[7 * 48 - 1]["day"], "Sun");
    let shifts = rows(&dir.join("roster.csv"));
    let crossing: Vec<_> = shifts
        .iter()
        .filter(|s| minutes(&s["end"]) < minutes(&s["start"]))
        .collect();
    assert!(!crossing.is_empty(), "no shift crosses midnight");
    // Sunday night runs into Monday: Monday 00:00 is covered by some Sunday shift
    assert!(
        shifts
            .iter()
            .any(|s| s["day"] == "Sun" && minutes(&s["end"]) < minutes(&s["start"]))
    );
    for s in &shifts {
        let length: f64 = s["length_h"].parse().unwrap();
        assert!([6.0, 8.0, 10.0].contains(&length));
        assert_eq!(s["break_start"].is_empty(), length <= 6.0, "{s:?}");
        if length > 6.0 {
            let after = (minutes(&s["break_start"]) - minutes(&s["start"])).rem_euclid(1440);
            assert!((180..=330).contains(&after), "{s:?}");
        }
    }
    // Issue 19: the week's service level is one point per day for the roster and one for the
    // plan (14 markers, where one per half hour made 2 × 336), with its whisker and the target
    let svg = std::fs::read_to_string(dir.join("coverage.svg")).unwrap();
    assert!(
        svg.contains("Mon") && svg.contains("Sun"),
        "the week chart names its days"
    );
    assert_eq!(
        svg.matches("<circle").count(),
        14,
        "one point per day and series"
    );
    for text in [
        "Service level of each day with the roster",
        "95% confidence whiskers",
        "Target 80%",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    let summary = json(&dir.join("roster.json"));
    assert_eq!(summary["kind"], "week");
    assert!(summary["gap"].as_f64().unwrap() < 0.01, "{summary}");
    let days = summary["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert!(days.iter().all(|d| d["service_level"]["mean"].is_number()));
}

#[test]
fn opening_hours_keep_the_night_empty() {
    // The week of the example with the day's calls from 06:00 only (36 half hours to 24:00)
    // and opening hours 06:00-23:00: nobody is rostered at night, even for the ramp at 06:00.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/roster-week.toml")).unwrap();
    let text = text
        .replace("open = \"00:00\"", "open = \"06:00\"")
        .replace("intervals = 48", "intervals = 34")
        .replace(
            "per_interval = [8, 8, 8, 8, 8, 8, 8, 8, 9, 10, 11, 14, ",
            "per_interval = [",
        )
        .replace(", 13, 11]", "]")
        .replace("replications = 6", "replications = 3")
        .replace(
            "week = [1.1, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6]",
            "week = [1, 1, 1, 1, 1, 1, 1]\nopen = \"06:00\"\nclose = \"23:00\"",
        );
    let file = tmp.path().join("day-hours.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    roster(&file, &out, &["--no-check"]).success();
    let dir = out.join("roster-week");
    for row in rows(&dir.join("coverage.csv")) {
        let m = minutes(&row["start"]);
        if !(6 * 60..23 * 60).contains(&m) {
            assert_eq!(row["covered"], "0", "{row:?}");
        }
    }
    for s in rows(&dir.join("roster.csv")) {
        let (start, end) = (minutes(&s["start"]), minutes(&s["end"]));
        assert!(start >= 6 * 60 && end <= 23 * 60 && end > start, "{s:?}");
    }
}

/// `[roster]` of the example day replaced by `section`, written to a temporary file.
fn with_roster(dir: &Path, section: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/roster-day.toml")).unwrap();
    let head = &text[..text.find("[roster]").unwrap()];
    let file = dir.join("bad.toml");
    std::fs::write(&file, format!("{head}[roster]\n{section}")).unwrap();
    file
}

/// The line after the `[roster]` header of the example day (1-based): the first of a
/// section written by [`with_roster`].
fn first_roster_line() -> usize {
    std::fs::read_to_string(repo("scenarios/roster-day.toml"))
        .unwrap()
        .lines()
        .position(|l| l == "[roster]")
        .unwrap()
        + 2
}

/// The example day with `[roster]` replaced by `section` is refused by `roster` and by
/// `check`, both saying `expected`.
fn refused(dir: &Path, out: &Path, section: &str, expected: &str) {
    let file = with_roster(dir, section);
    let assert = roster(&file, out, &[]).failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in:\n{stderr}"
    );
    callsim()
        .arg("check")
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicates::str::contains(expected));
}

#[test]
fn bad_rules_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let line = first_roster_line();
    let cases = [
        (
            "shift_lengths = [\"8h\"]\nbreak = { length = \"1h\", window = [\"3h\", \"3h30m\"] }\n",
            format!(
                "bad.toml:{}:20: roster.break.length: the break (1h) is longer than its window",
                line + 1
            ),
        ),
        (
            "shift_lengths = [\"8h\"]\nopen = \"19:00\"\nclose = \"07:00\"\n",
            format!(
                "bad.toml:{}:9: roster.close: the closing (07:00) must be after the opening (19:00)",
                line + 2
            ),
        ),
        (
            "shift_lengths = [\"8h\"]\nshift_types = 3\n",
            format!(
                "bad.toml:{}:1: roster.shift_types: unknown key `shift_types`",
                line + 1
            ),
        ),
    ];
    for (section, expected) in cases {
        refused(tmp.path(), &out, section, &expected);
    }
    // an interval no allowed shift can cover: the 07:00 opening when shifts start at 08:00
    let file = with_roster(
        tmp.path(),
        "shift_lengths = [\"4h\", \"8h\"]\nstarts = { from = \"08:00\", to = \"11:00\" }\n",
    );
    let assert = roster(&file, &out, &[]).failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("07:00 requires ") && stderr.contains("but no allowed shift covers it"),
        "{stderr}"
    );
    // a shift length that is not a whole number of intervals
    let file = with_roster(tmp.path(), "shift_lengths = [\"4h15m\"]\n");
    roster(&file, &out, &[])
        .failure()
        .stderr(predicates::str::contains(
            "shift_lengths = 4h15m is not a whole number of intervals (30m each)",
        ));
    // a shift file: problems name the file, line and key (no "roster." prefix)
    let shifts = tmp.path().join("shifts.toml");
    std::fs::write(&shifts, "shift_lengths = [\"8h\"]\nmax_shift_types = 0\n").unwrap();
    roster(
        &repo("scenarios/roster-day.toml"),
        &out,
        &["--shifts", shifts.to_str().unwrap()],
    )
    .failure()
    .stderr(predicates::str::contains(
        "shifts.toml:2:19: max_shift_types: expected the most distinct shift types",
    ));
    // a scenario without rules
    let text = std::fs::read_to_string(repo("scenarios/plan-day.toml")).unwrap();
    let file = tmp.path().join("norules.toml");
    std::fs::write(&file, text).unwrap();
    roster(&file, &out, &[])
        .failure()
        .stderr(predicates::str::contains(
            "has no shift rules: add a [roster] section",
        ));
}

/// Heads present (on shift, not on break) at each clock minute of `roster.csv`'s shifts of
/// `group` (a day: no shift crosses midnight), sampled at `clock`.
fn present_at(
    shifts: &[std::collections::HashMap<String, String>],
    group: &str,
    clock: i64,
) -> u32 {
    shifts
        .iter()
        .filter(|s| s["agent_group"] == group)
        .filter(|s| {
            let on = minutes(&s["start"]) <= clock && clock < minutes(&s["end"]);
            let on_break = !s["break_start"].is_empty()
                && minutes(&s["break_start"]) <= clock
                && clock < minutes(&s["break_end"]);
            on && !on_break
        })
        .map(|s| s["count"].parse::<u32>().unwrap())
        .sum()
}

#[test]
fn a_multi_skill_day_is_rostered_per_group_and_checked_per_call_type() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo("scenarios/multi-skill/separate-teams.toml");
    let (out1, out2) = (tmp.path().join("t1"), tmp.path().join("t2"));
    roster(&file, &out1, &["--threads", "1"])
        .success()
        .stdout(predicates::str::contains("roster of a day per agent group"));
    roster(&file, &out2, &["--threads", "2"]).success();
    let dir = out1.join("separate-teams");
    let groups = [
        "billing-specialists",
        "technical-specialists",
        "generalists",
    ];
    let mut files = vec![
        "roster.csv".to_string(),
        "coverage.csv".into(),
        "service.csv".into(),
        "roster.json".into(),
    ];
    files.extend(groups.iter().map(|g| format!("coverage-{g}.svg")));
    for f in &files {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(out2.join("separate-teams").join(f)).unwrap(),
            "{f} depends on the thread count"
        );
        if f.ends_with(".svg") {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
                "{f}"
            );
        }
    }

    // every group's coverage is what its own shifts give, covers its requirement, and puts
    // at least the planned agents on the phones
    let shifts = rows(&dir.join("roster.csv"));
    let coverage = rows(&dir.join("coverage.csv"));
    assert_covered(&coverage);
    assert_eq!(coverage.len(), groups.len() * 16);
    for row in &coverage {
        let group = row["agent_group"].as_str();
        assert!(groups.contains(&group), "{row:?}");
        let covered: u32 = row["covered"].parse().unwrap();
        assert_eq!(
            covered,
            present_at(&shifts, group, minutes(&row["start"])),
            "{row:?}"
        );
        let planned: u32 = row["planned_agents"].parse().unwrap();
        let on_phones: u32 = row["on_phones"].parse().unwrap();
        assert!(on_phones >= planned, "{row:?}");
        assert!(on_phones <= covered, "{row:?}");
    }
    for s in &shifts {
        assert!(
            minutes(&s["start"]) >= 8 * 60 && minutes(&s["end"]) <= 16 * 60,
            "{s:?}"
        );
    }

    // the totals add up over the groups; the roster never costs less than its bound
    let summary = json(&dir.join("roster.json"));
    let by_group = summary["by_group"].as_array().unwrap();
    assert_eq!(by_group.len(), groups.len());
    for key in ["paid_hours", "cost", "lp_bound_cost", "required_head_hours"] {
        let sum: f64 = by_group.iter().map(|g| g[key].as_f64().unwrap()).sum();
        assert!((sum - summary[key].as_f64().unwrap()).abs() < 1e-9, "{key}");
    }
    for g in by_group {
        let paid: f64 = shifts
            .iter()
            .filter(|s| s["agent_group"] == g["agent_group"].as_str().unwrap())
            .map(|s| s["paid_hours"].parse::<f64>().unwrap())
            .sum();
        assert!(
            (paid - g["paid_hours"].as_f64().unwrap()).abs() < 1e-9,
            "{g}"
        );
        assert!(g["cost"].as_f64().unwrap() >= g["lp_bound_cost"].as_f64().unwrap() - 1e-6);
        assert!(g["paid_hours"].as_f64().unwrap() >= g["required_head_hours"].as_f64().unwrap());
    }

    // the check simulated each call type in every interval of the day
    let by_type = summary["days"][0]["by_type"].as_array().unwrap();
    let types: Vec<&str> = by_type
        .iter()
        .map(|t| t["call_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["billing", "technical"]);
    for t in by_type {
        let sl = t["service_level"]["mean"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&sl), "{t}");
        assert!(t["plan_service_level"]["mean"].as_f64().is_some(), "{t}");
    }
    let service = rows(&dir.join("service.csv"));
    assert_eq!(service.len(), 2 * 16);
    assert!(service.iter().all(|r| !r["service_level"].is_empty()));
}

/// A multi-skill roster names the agent group it cannot cover, and refuses `--max-abandon`
/// and `--confidence` (each type's target is its own). Each error is said once, as `callsim
/// plan` says it (an error of the plan or of one group's shifts was repeated after itself,
/// once as the error and once as its source).
#[test]
fn a_multi_skill_roster_names_the_group_it_cannot_cover() {
    let tmp = tempfile::tempdir().unwrap();
    let shifts = tmp.path().join("late.toml");
    std::fs::write(
        &shifts,
        "shift_lengths = [\"4h\"]\nstarts = { from = \"10:00\", to = \"12:00\" }\n",
    )
    .unwrap();
    let file = repo("scenarios/multi-skill/separate-teams.toml");
    let once = |extra: &[&str], said: &str| {
        let assert = roster(&file, tmp.path(), extra).failure();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert_eq!(stderr.matches(said).count(), 1, "{said:?} in:\n{stderr}");
        stderr
    };
    let stderr = once(
        &["--shifts", shifts.to_str().unwrap(), "--no-check"],
        "but no allowed shift covers it",
    );
    assert!(
        stderr.contains("agent group technical-specialists: 08:00 requires"),
        "{stderr}"
    );
    let stderr = once(&["--max-abandon", "0.05"], "applies to a plan of one queue");
    assert!(stderr.contains("--max-abandon"), "{stderr}");
    once(&["--confidence", "0.9"], "applies to a plan of one queue");
}

#[test]
fn a_multi_skill_week_plans_each_weekday_and_covers_every_group() {
    let tmp = tempfile::tempdir().unwrap();
    let shifts = tmp.path().join("week.toml");
    std::fs::write(
        &shifts,
        "shift_lengths = [\"6h\", \"8h\"]\n\
         break = { length = \"30m\", window = [\"3h\", \"5h\"], for_shifts_over = \"6h\" }\n\
         week = [1.0, 0.9, 0.9, 0.95, 1.1, 0.6, 0.4]\n",
    )
    .unwrap();
    let file = repo("scenarios/multi-skill/separate-teams.toml");
    roster(&file, tmp.path(), &["--shifts", shifts.to_str().unwrap()]).success();
    let dir = tmp.path().join("separate-teams");
    let summary = json(&dir.join("roster.json"));
    assert_eq!(summary["kind"], "week");
    let days: Vec<&str> = summary["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    // a busier day is planned with more agents than a quieter one
    let hours = |d: usize| summary["days"][d]["plan_agent_hours"].as_f64().unwrap();
    assert!(hours(4) > hours(5) && hours(5) > hours(6), "{summary}");
    let coverage = rows(&dir.join("coverage.csv"));
    assert_eq!(coverage.len(), 3 * 7 * 48);
    assert_covered(&coverage);
    // breaks make the LP fractional: the rounded roster never costs less than the bound,
    // and the gap reported is measured against it
    for g in summary["by_group"].as_array().unwrap() {
        let (cost, bound) = (
            g["cost"].as_f64().unwrap(),
            g["lp_bound_cost"].as_f64().unwrap(),
        );
        assert!(cost >= bound - 1e-6, "{g}");
        let gap = g["gap"].as_f64().unwrap();
        if bound > 0.0 {
            assert!((gap - (cost - bound) / bound).abs() < 1e-12, "{g}");
        }
    }
}

/// Issue 19: the roster's summary comes first (paid hours with their unit, the cost with its
/// currency label, people and full-time equivalents per day), the shift list after.
#[test]
fn the_summary_comes_before_the_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let out = callsim()
        .arg("roster")
        .arg(crate::common::repo("scenarios/roster-day.toml"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let at = |text: &str| {
        stdout
            .find(text)
            .unwrap_or_else(|| panic!("{text} in {stdout}"))
    };
    assert!(at("  paid: ") < at("  the shifts:"));
    assert!(at("(currency units)") < at("  the shifts:"));
    assert!(at(" full-time equivalents (8 h days)") < at("  the shifts:"));
    assert!(at("  the shifts:") < at("  day  start  end"));
}

/// Issue 19: with agent groups too, the summary of all groups gives the people and
/// full-time equivalents of the day, and so does each group's before its shifts; the
/// groups' people add up to the whole.
#[test]
fn a_roster_of_groups_counts_people_for_all_and_for_each() {
    let dir = tempfile::tempdir().unwrap();
    let out = callsim()
        .arg("roster")
        .arg(crate::common::repo(
            "scenarios/multi-skill/separate-teams.toml",
        ))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let people: Vec<u32> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  day: "))
        .filter_map(|l| l.split_once(" people, "))
        .map(|(n, _)| n.parse().unwrap())
        .collect();
    // each group's heading, then its paid hours ("all groups:" comes before its own)
    let groups = stdout.matches(" shift types\n  paid: ").count();
    assert!(groups >= 2, "{stdout}");
    // the whole, then each group that has shifts
    assert_eq!(people.len(), 1 + groups, "{stdout}");
    assert_eq!(people[0], people[1..].iter().sum::<u32>(), "{stdout}");
    let all = stdout.find("  all groups:").unwrap();
    let first = stdout.find(" full-time equivalents").unwrap();
    assert!(all < first && first < stdout.find("  day  start").unwrap());
}

/// A week of tours (`scenarios/roster-week-tours.toml`) gives the same files for one
/// thread and for two; its `tours.csv` keeps the week's rules and agrees with `roster.json`
/// and `roster.csv`.
#[test]
fn tours_are_bit_identical_for_any_thread_count() {
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let dir = out.path().join(threads);
        callsim()
            .args(["roster", "--no-check", "--threads", threads, "--out"])
            .arg(&dir)
            .arg(repo("scenarios/roster-week-tours.toml"))
            .assert()
            .success()
            .stdout(predicates::str::contains("tours: "));
        files.push(crate::common::tree(&dir));
    }
    assert_eq!(files[0], files[1]);
    // tours.csv: every tour keeps the rules, and roster.json counts them and their hours
    let folder = out.path().join("1/roster-week-tours");
    let week = repo("scenarios/roster-week-tours.toml");
    crate::people::assert_weeks_keep_the_rules(&folder.join("tours.csv"), "tour", &week);
    let shifts = rows(&folder.join("tours.csv"));
    let tours: std::collections::BTreeSet<&str> =
        shifts.iter().map(|s| s["tour"].as_str()).collect();
    let summary = &json(&folder.join("roster.json"))["tours"][0];
    assert_eq!(summary["people"], tours.len());
    let per_contract: u64 = summary["per_contract"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["people"].as_u64().unwrap())
        .sum();
    assert_eq!(per_contract as usize, tours.len());
    let hours: f64 = shifts
        .iter()
        .map(|s| s["paid_hours"].parse::<f64>().unwrap())
        .sum();
    assert!((hours - summary["paid_hours"].as_f64().unwrap()).abs() < 1e-6);
    // as many shifts in roster.csv, the anonymous view of the same week
    let counted: u32 = rows(&folder.join("roster.csv"))
        .iter()
        .map(|s| s["count"].parse::<u32>().unwrap())
        .sum();
    assert_eq!(counted as usize, shifts.len());
}

/// Bad tour rules are errors naming file, line and key, from `roster` and from `check`.
#[test]
fn bad_tour_rules_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let line = first_roster_line();
    let week = "week = [1, 1, 1, 1, 1, 1, 1]\n";
    let cases = [
        (
            "shift_lengths = [\"8h\"]\nmin_rest = \"11h\"\n".to_string(),
            format!(
                "bad.toml:{}:12: roster.min_rest: tour rules are a week's",
                line + 1
            ),
        ),
        (
            format!("shift_lengths = [\"8h\"]\n{week}days_off = \"consecutiv\"\n"),
            format!(
                "bad.toml:{}:12: roster.days_off: expected \"consecutive\", \"prefer_consecutive\" \
                 or \"any\", got \"consecutiv\"; did you mean \"consecutive\"?",
                line + 2
            ),
        ),
        (
            format!(
                "shift_lengths = [\"8h\"]\n{week}[[roster.contract]]\nname = \"x\"\ndays = [5, 3]\n"
            ),
            format!(
                "bad.toml:{}:8: roster.contract.days: expected the days worked in a week",
                line + 4
            ),
        ),
        (
            format!("shift_lengths = [\"8h\"]\n{week}max_consecutive_days = 9\n"),
            format!(
                "bad.toml:{}:24: roster.max_consecutive_days: expected the most working days in \
                 a row, a whole number from 1 to 7, got 9",
                line + 2
            ),
        ),
    ];
    for (section, expected) in cases {
        refused(tmp.path(), &out, &section, &expected);
    }
}

/// Every shift file of `scenarios/shifts/` whose header gives a `callsim roster scenarios/...
/// --shifts` command runs as written there and writes its roster (`bank-day.toml`, for
/// `callsim forecast`'s days, is run by the forecast tests); a file with tour rules writes
/// tours that keep them.
#[test]
fn every_shift_file_runs_as_its_header_says() {
    let out = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for entry in std::fs::read_dir(repo("scenarios/shifts")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(command) = text
            .lines()
            .filter_map(|l| {
                l.trim_start_matches('#')
                    .trim()
                    .strip_prefix("callsim roster ")
            })
            .find(|c| c.starts_with("scenarios/"))
        else {
            continue;
        };
        let args: Vec<&str> = command.split_whitespace().collect();
        let dir = out.path().join(path.file_stem().unwrap());
        callsim()
            .arg("roster")
            .args(args.iter().map(|a| {
                if a.starts_with("scenarios/") {
                    repo(a).into_os_string()
                } else {
                    a.into()
                }
            }))
            .args(["--no-check", "--out"])
            .arg(&dir)
            .assert()
            .success();
        let name = format!("{}", path.display());
        let folder = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(folder.join("roster.csv").exists(), "{name}");
        if text.contains("[[contract]]") {
            crate::people::assert_weeks_keep_the_rules(&folder.join("tours.csv"), "tour", &path);
        }
        ran += 1;
    }
    assert!(ran >= 4, "{ran} shift files ran");
}

/// A scenario's own `[precision]` asks for `callsim run`'s whole-day KPIs: a roster, like a
/// plan, ignores it (the roster of the example day with one is the roster without it, to the
/// byte: the plan, the shifts and the check of `replications` days), and says so on stderr
/// with the note `callsim plan` prints.
#[test]
fn a_scenarios_own_precision_is_ignored_with_a_note_as_plan_does() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/roster-day.toml")).unwrap();
    let with = dir.path().join("with.toml");
    let without = dir.path().join("without.toml");
    std::fs::write(
        &with,
        format!("{text}\n[precision]\nservice_level = 0.002\nmax_replications = 2000\n"),
    )
    .unwrap();
    std::fs::write(&without, &text).unwrap();
    let outs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let with_run = roster(&with, outs[0].path(), &[]).success();
    let without_run = roster(&without, outs[1].path(), &[]).success();
    let (with_out, without_out) = (with_run.get_output(), without_run.get_output());
    assert_eq!(
        String::from_utf8_lossy(&with_out.stdout),
        String::from_utf8_lossy(&without_out.stdout)
    );
    for f in ["roster.csv", "coverage.csv", "roster.json"] {
        let read = |out: &tempfile::TempDir| std::fs::read(out.path().join("roster-day").join(f));
        assert_eq!(read(&outs[0]).unwrap(), read(&outs[1]).unwrap(), "{f}");
    }
    let stderr = String::from_utf8_lossy(&with_out.stderr);
    assert!(
        stderr.contains(&format!(
            "note: the [precision] of {} is for `callsim run` (the whole day's KPIs), not for a \
             plan: each evaluation, the plan's final check and the roster's check simulate 10 \
             replications (--replications)",
            with.display()
        )),
        "{stderr}"
    );
    let stderr = String::from_utf8_lossy(&without_out.stderr);
    assert!(!stderr.contains("note:"), "{stderr}");
}

/// The roster's check is judged as `callsim plan` judges its final check, on the same days:
/// `--confidence 0.9` plans the day exactly as `plan --confidence 0.9` does (the same agents
/// per interval, and the plan's days meeting every target in `coverage.csv` are `plan.csv`'s
/// `days_met`); the day's ± is the plan's, the 95% half-width of the mean over the check's
/// days (`roster.json` has `plan.json`'s whole-day service level and half-width, to the bit);
/// `roster.json` names the criterion and the share of days, and the intervals the roster
/// leaves short by it. With the mean criterion, an interval is short exactly when its mean
/// service level in the roster's check is below the target or its mean abandonment above
/// `--max-abandon` (both in `coverage.csv`, with the plan's beside them).
#[test]
fn the_check_is_judged_by_the_plans_criterion_on_the_plans_days() {
    let file = repo("scenarios/roster-day.toml");
    let dir = tempfile::tempdir().unwrap();
    let limits = ["--confidence", "0.9", "--max-abandon", "0.05"];
    let assert = roster(&file, dir.path(), &limits).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    callsim()
        .arg("plan")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("plan"))
        .args(limits)
        .assert()
        .success();
    let coverage = rows(&dir.path().join("roster-day/coverage.csv"));
    let planned = rows(&dir.path().join("plan/roster-day/plan.csv"));
    assert_eq!(coverage.len(), planned.len());
    for (c, p) in coverage.iter().zip(&planned) {
        assert_eq!(c["start"], p["start"]);
        assert_eq!(c["planned_agents"], p["planned_agents"], "{}", c["start"]);
        assert_eq!(c["plan_days_met"], p["days_met"], "{}", c["start"]);
        for column in ["service_level_ci95", "abandon_rate", "abandon_rate_ci95"] {
            assert_eq!(c[&format!("plan_{column}")], p[column], "{}", c["start"]);
        }
    }
    let roster_json = json(&dir.path().join("roster-day/roster.json"));
    let plan_json = json(&dir.path().join("plan/roster-day/plan.json"));
    let day = &roster_json["days"][0];
    assert_eq!(day["plan_service_level"], plan_json["day"]["service_level"]);
    assert_eq!(day["plan_abandon_rate"], plan_json["day"]["abandon_rate"]);
    assert_eq!(day["criterion"], "days");
    assert_eq!(day["confidence"], 0.9);
    // every target met at once on 9 of the 10 days: each target on its own on 9 days too
    let short: Vec<&str> = day["short_intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in &coverage {
        let met: f64 = c["days_met"].parse().unwrap();
        if met >= 0.9 {
            assert!(!short.contains(&c["start"].as_str()), "{c:?}");
        }
    }
    let judged = if short.is_empty() {
        "every interval meets its targets with the roster".to_string()
    } else {
        format!("{} interval(s) miss a target with the roster", short.len())
    };
    assert!(
        stdout.contains(&format!(
            "  day: by the plan's criterion (90% of days), {judged}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("  day: days meeting every target (the check's 10 days): "),
        "{stdout}"
    );

    // the mean: short where the mean service level is below the 80% target or the mean
    // abandonment above 5%, and without --max-abandon where the service level is below
    for (extra, max_abandon) in [(&[][..], 1.0), (&["--max-abandon", "0.05"][..], 0.05)] {
        let dir = tempfile::tempdir().unwrap();
        roster(&file, dir.path(), extra).success();
        let day = &json(&dir.path().join("roster-day/roster.json"))["days"][0];
        assert_eq!(day["criterion"], "mean");
        assert!(day.get("confidence").is_none());
        let short: Vec<String> = rows(&dir.path().join("roster-day/coverage.csv"))
            .into_iter()
            .filter(|c| {
                c["service_level"].parse::<f64>().unwrap() < 0.8
                    || c["abandon_rate"].parse::<f64>().unwrap() > max_abandon
            })
            .map(|c| c["start"].clone())
            .collect();
        assert_eq!(
            day["short_intervals"],
            serde_json::json!(short),
            "{extra:?}"
        );
    }
}
