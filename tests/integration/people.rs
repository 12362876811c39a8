//! `callsim roster FILE --agents agents.csv`: the week's tours given to named people, through
//! the binary. `schedule.csv` respects each person's agent group (skills), contract and
//! unavailable times, one shift a day at most, and the week's rules (days and hours of the
//! contract, rest, consecutive days, days off together, start band); a staff list too small for the week reports
//! its shortfall per interval, with why, and still writes the week; the files are the same
//! bytes for any `--threads`; bad staff lists are errors naming the file and line.

use crate::common::{callsim, repo, rows, tree};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The example week of tours and its example staff list.
fn week() -> PathBuf {
    repo("scenarios/roster-week-tours.toml")
}

fn staff() -> PathBuf {
    repo("scenarios/agents/help-desk-week.csv")
}

/// Minutes of the week from Monday 00:00 of weekday `day` at clock `"HH:MM"`.
fn week_minutes(day: &str, clock: &str) -> i64 {
    let d = callsim::units::weekday_index(day).unwrap() as i64;
    let (h, m) = clock.split_once(':').unwrap();
    d * 1440 + h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
}

/// The unavailable windows of a staff-list cell, in minutes of the week.
fn unavailable(cell: &str) -> Vec<(i64, i64)> {
    cell.split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(|item| match item.split_once(' ') {
            None => {
                let d = week_minutes(item, "00:00");
                (d, d + 1440)
            }
            Some((day, hours)) => {
                let (a, b) = hours.split_once('-').unwrap();
                (week_minutes(day, a), week_minutes(day, b))
            }
        })
        .collect()
}

/// Runs `callsim roster FILE --agents STAFF` into `out` with `extra` arguments.
fn roster(file: &Path, staff: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    callsim()
        .arg("roster")
        .arg(file)
        .arg("--agents")
        .arg(staff)
        .arg("--out")
        .arg(out)
        .args(extra)
        .timeout(std::time::Duration::from_secs(300))
        .assert()
}

/// Every shift of `schedule.csv` in `dir` belongs to a person of `staff` of the same group
/// and contract, touches none of their unavailable times, and each person works at most
/// one shift a day.
fn assert_schedule_respects(dir: &Path, staff: &Path) {
    let people: HashMap<String, HashMap<String, String>> = rows(staff)
        .into_iter()
        .map(|r| (r["name"].clone(), r))
        .collect();
    let schedule = rows(&dir.join("schedule.csv"));
    assert!(!schedule.is_empty());
    let mut days_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for shift in &schedule {
        let person = &people[&shift["agent"]];
        assert_eq!(shift["contract"], person["contract"], "{shift:?}");
        if let Some(group) = person.get("group") {
            assert_eq!(&shift["agent_group"], group, "{shift:?}");
        }
        let from = week_minutes(&shift["day"], &shift["start"]);
        let mut to = week_minutes(&shift["day"], &shift["end"]);
        if to <= from {
            to += 1440;
        }
        let away = unavailable(person.get("unavailable").map_or("", String::as_str));
        for (a, b) in away {
            // the shift, and its part running into Monday, clear of the window
            for shift_span in [(from, to), (from - 7 * 1440, to - 7 * 1440)] {
                assert!(
                    shift_span.1 <= a || shift_span.0 >= b,
                    "{} works {}-{} but is unavailable {a}-{b}",
                    shift["agent"],
                    from,
                    to
                );
            }
        }
        let days = days_of.entry(shift["agent"].as_str()).or_default();
        assert!(!days.contains(&shift["day"].as_str()), "{shift:?}");
        days.push(shift["day"].as_str());
    }
}

/// Every week in `csv` (`schedule.csv`, a person's by column `agent`; `tours.csv`, a tour's by
/// column `tour`) keeps the week's tour rules of the scenario `file` ([roster]) or of the
/// shift file `file`: days worked and paid hours within their contract's range, rest
/// between one shift's end and the next one's start at least `min_rest` (the week wraps
/// around: Sunday night's shift runs into Monday), at most `max_consecutive_days` working days
/// in a row, days off lying together, and start times of day within `start_band`.
pub(crate) fn assert_weeks_keep_the_rules(csv: &Path, who: &str, file: &Path) {
    let text = std::fs::read_to_string(file).unwrap();
    let rules = match callsim::scenario::validate::shift_rules_of(&text, "week") {
        Ok(rules) => rules.unwrap(),
        // a shift file: the keys of [roster] at the top level
        Err(_) => callsim::scenario::validate::shift_file(&text, "shifts").unwrap(),
    }
    .tours
    .unwrap();
    let mut weeks: HashMap<String, Vec<HashMap<String, String>>> = HashMap::new();
    for shift in rows(csv) {
        weeks.entry(shift[who].clone()).or_default().push(shift);
    }
    assert!(!weeks.is_empty());
    const WEEK: i64 = 7 * 1440;
    for (agent, shifts) in &weeks {
        let contract = rules
            .contracts
            .iter()
            .find(|c| c.name == shifts[0]["contract"])
            .unwrap();
        let days = shifts.len() as u32;
        assert!(
            (contract.days_min..=contract.days_max).contains(&days),
            "{agent} works {days} days"
        );
        let hours: f64 = shifts
            .iter()
            .map(|s| s["paid_hours"].parse::<f64>().unwrap())
            .sum();
        assert!(
            hours >= contract.hours_min - 1e-9 && hours <= contract.hours_max + 1e-9,
            "{agent} is paid {hours} h"
        );
        // (start, end) in minutes of the week, in order
        let mut spans: Vec<(i64, i64)> = shifts
            .iter()
            .map(|s| {
                let from = week_minutes(&s["day"], &s["start"]);
                let mut to = week_minutes(&s["day"], &s["end"]);
                if to <= from {
                    to += 1440;
                }
                (from, to)
            })
            .collect();
        spans.sort_unstable();
        for (k, &(_, end)) in spans.iter().enumerate() {
            let next = spans.get(k + 1).map_or(spans[0].0 + WEEK, |s| s.0);
            if spans.len() > 1 {
                assert!(
                    (next - end) * 60 >= rules.min_rest_s as i64,
                    "{agent}: {} min of rest",
                    next - end
                );
            }
        }
        let worked: Vec<bool> = (0..7)
            .map(|d| spans.iter().any(|s| s.0 / 1440 == d))
            .collect();
        // runs of working days, and of days off, around the week
        let runs = |want: bool| -> Vec<usize> {
            let start = (0..7).find(|&d| worked[d] != want).unwrap_or(0);
            let mut runs = Vec::new();
            let mut length = 0;
            for k in 1..=7 {
                if worked[(start + k) % 7] == want {
                    length += 1;
                } else if length > 0 {
                    runs.push(length);
                    length = 0;
                }
            }
            if length > 0 {
                runs.push(length);
            }
            runs
        };
        assert!(
            runs(true)
                .iter()
                .all(|&r| r as u32 <= rules.max_consecutive_days),
            "{agent}: {worked:?}"
        );
        if rules.days_off == callsim::roster::tours::DaysOff::Consecutive {
            assert!(
                runs(false).len() <= 1,
                "{agent}'s days off apart: {worked:?}"
            );
        }
        if let Some(band) = rules.start_band_s {
            // the narrowest window of the day holding every start time (it may cross midnight)
            let mut clocks: Vec<i64> = spans.iter().map(|s| s.0 % 1440).collect();
            clocks.sort_unstable();
            let widest_gap = (0..clocks.len())
                .map(|k| {
                    let next = clocks.get(k + 1).map_or(clocks[0] + 1440, |&c| c);
                    next - clocks[k]
                })
                .max()
                .unwrap();
            let window = 1440 - widest_gap;
            assert!(
                window * 60 <= band as i64,
                "{agent}: starts over {window} min"
            );
        }
    }
}

#[test]
fn a_week_for_named_people_respects_groups_contracts_and_unavailability_for_any_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let run = roster(&week(), &staff(), &one, &["--threads", "1"]).success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(stdout.contains("named people"), "{stdout}");
    assert!(stdout.contains("with the people"), "{stdout}");
    roster(&week(), &staff(), &two, &["--threads", "2"]).success();
    let folder = one.join("roster-week-tours");
    for file in [
        "schedule.csv",
        "shortfall.csv",
        "schedule.json",
        "schedule.html",
        "schedule.svg",
        "schedule-coverage.csv",
        "roster.csv",
    ] {
        assert!(folder.join(file).is_file(), "{file}");
    }
    // every tour staffed: the people cover what the roster does, so their check (same
    // callers) is the roster's, interval by interval, to the byte
    assert_eq!(
        std::fs::read(folder.join("schedule-coverage.csv")).unwrap(),
        std::fs::read(folder.join("coverage.csv")).unwrap()
    );
    assert_eq!(
        tree(&one),
        tree(&two),
        "the files differ between --threads 1 and 2"
    );
    assert_schedule_respects(&folder, &staff());
    assert_weeks_keep_the_rules(&folder.join("schedule.csv"), "agent", &week());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("schedule.json")).unwrap())
            .unwrap();
    assert_eq!(json["people"], rows(&staff()).len());
    // the example staff list covers the example week: every tour given, no interval short
    assert_eq!(json["unstaffed_tours"].as_array().unwrap().len(), 0);
    assert_eq!(rows(&folder.join("shortfall.csv")).len(), 0);
    let page = std::fs::read_to_string(folder.join("schedule.html")).unwrap();
    for part in [
        "Each person's week",
        "Each day: who works when",
        "Shortfall",
        "<svg",
    ] {
        assert!(page.contains(part), "{part}");
    }
    // the week checked by simulation with the people's coverage, each day
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert!(days.iter().all(|d| d["service_level"]["mean"].is_number()));
}

#[test]
fn too_few_people_leave_a_shortfall_reported_per_interval_with_why() {
    let dir = tempfile::tempdir().unwrap();
    // the first 30 people of the example, and nobody part time
    let text = std::fs::read_to_string(staff()).unwrap();
    let few: String = text
        .lines()
        .take(31)
        .filter(|l| !l.contains("part-time"))
        .map(|l| format!("{l}\n"))
        .collect();
    let list = dir.path().join("few.csv");
    std::fs::write(&list, few).unwrap();
    let out = dir.path().join("out");
    let run = roster(&week(), &list, &out, &[]).success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(stdout.contains("intervals short of heads"), "{stdout}");
    let folder = out.join("roster-week-tours");
    let short = rows(&folder.join("shortfall.csv"));
    assert!(!short.is_empty());
    for s in &short {
        let (required, covered, gap): (u32, u32, u32) = (
            s["required"].parse().unwrap(),
            s["covered"].parse().unwrap(),
            s["short"].parse().unwrap(),
        );
        assert!(covered < required && gap == required - covered, "{s:?}");
        assert!(!s["why"].is_empty());
    }
    let why: String = short.iter().map(|s| s["why"].as_str()).collect();
    assert!(
        why.contains("too few people of contract full-time"),
        "{why}"
    );
    assert!(why.contains("nobody of contract part-time"), "{why}");
    assert_schedule_respects(&folder, &list);
    // every interval's heads and service level with the people: the short ones as
    // shortfall.csv says, and the week's service level below the roster's
    let people = rows(&folder.join("schedule-coverage.csv"));
    let roster = rows(&folder.join("coverage.csv"));
    assert_eq!(people.len(), roster.len());
    for s in &short {
        let row = &people[s["interval"].parse::<usize>().unwrap()];
        assert_eq!(row["covered"], s["covered"], "{s:?}");
    }
    let mean = |rows: &[HashMap<String, String>]| {
        let sl: Vec<f64> = rows
            .iter()
            .filter_map(|r| r["service_level"].parse().ok())
            .collect();
        sl.iter().sum::<f64>() / sl.len() as f64
    };
    assert!(mean(&people) < mean(&roster));
}

#[test]
fn bad_staff_lists_are_errors_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("agents.csv");
    std::fs::write(
        &list,
        "name,contract,group,unavailable\nAda,full-time,agents,Sat\nBen,full-time,agents,Caturday\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = roster(&week(), &list, &out, &["--no-check"]).failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        stderr.contains(&format!("{}:3: column 4 (unavailable)", list.display())),
        "{stderr}"
    );
    assert!(!out.join("roster-week-tours").exists());
    // a day roster has no tours to give
    let run = roster(
        &repo("scenarios/roster-day.toml"),
        &list,
        &out,
        &["--no-check"],
    )
    .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(stderr.contains("--agents gives a week's tours"), "{stderr}");
}

#[test]
fn a_staff_list_far_too_small_gets_a_roster_and_the_shortfall_of_every_interval() {
    // three people for a week that needs over a hundred: the tours are capped at the
    // people of each contract, the program covers what they can, the rest is short
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("three.csv");
    std::fs::write(
        &list,
        "name,contract,group\nAda,full-time,agents\nBen,part-time,agents\nCleo,part-time,agents\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = roster(&week(), &list, &out, &["--no-check"]).success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(stdout.contains("tours: 3 people"), "{stdout}");
    assert!(
        stdout.contains("tours short of the requirement"),
        "{stdout}"
    );
    // the printed objective leaves the shortfall's penalty out: the tours' paid hours at
    // the scenario's 20 an hour (days off lie together, so no other penalty)
    let tours_line = stdout
        .lines()
        .find(|l| l.contains("tours: 3 people"))
        .unwrap();
    let number_after = |key: &str| -> f64 {
        let rest = &tours_line[tours_line.find(key).unwrap() + key.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    let paid: f64 = tours_line
        .split("), ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(number_after("objective "), 20.0 * paid, "{tours_line}");
    assert!(
        tours_line.contains("without the shortfall's penalty"),
        "{tours_line}"
    );
    // so does the cost line above it (one group: the same figure)
    let cost_line = stdout.lines().find(|l| l.contains("  cost: ")).unwrap();
    assert!(
        cost_line.contains("without the shortfall's penalty"),
        "{cost_line}"
    );
    let cost: String = cost_line["  cost: ".len()..]
        .split(" (")
        .next()
        .unwrap()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    assert_eq!(cost.parse::<f64>().unwrap(), 20.0 * paid, "{cost_line}");
    let folder = out.join("roster-week-tours");
    // roster.json's objective carries the penalty; its short head-hours are the heads
    // shortfall.csv says no tour covers (one source), half an hour each
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("roster.json")).unwrap())
            .unwrap();
    let tours = &json["tours"][0];
    assert!(tours["objective"].as_f64().unwrap() > 1e6, "{tours}");
    let no_tour: u32 = rows(&folder.join("shortfall.csv"))
        .iter()
        .filter_map(|r| r["why"].split(" head").next()?.parse::<u32>().ok())
        .sum();
    assert!(no_tour > 0);
    assert_eq!(
        tours["short_head_hours"].as_f64().unwrap(),
        f64::from(no_tour) * 0.5
    );
    assert_schedule_respects(&folder, &list);
    assert_weeks_keep_the_rules(&folder.join("schedule.csv"), "agent", &week());
    let people: std::collections::BTreeSet<String> = rows(&folder.join("schedule.csv"))
        .into_iter()
        .map(|r| r["agent"].clone())
        .collect();
    assert_eq!(people.len(), 3);
    // every interval whose coverage is below its requirement is short by the difference,
    // and no other
    let short: HashMap<String, HashMap<String, String>> = rows(&folder.join("shortfall.csv"))
        .into_iter()
        .map(|r| (r["interval"].clone(), r))
        .collect();
    let coverage = rows(&folder.join("coverage.csv"));
    assert_eq!(coverage.len(), 336);
    let mut listed = 0;
    for c in &coverage {
        let (required, covered): (u32, u32) = (
            c["required"].parse().unwrap(),
            c["covered"].parse().unwrap(),
        );
        match short.get(&c["interval"]) {
            Some(s) => {
                listed += 1;
                assert_eq!(s["required"], c["required"], "{s:?}");
                assert_eq!(s["covered"], c["covered"], "{s:?}");
                assert_eq!(s["short"], (required - covered).to_string(), "{s:?}");
                assert!(
                    s["why"].contains("no tour covers: too few people of contract"),
                    "{s:?}"
                );
            }
            None => assert!(covered >= required, "{c:?}"),
        }
    }
    assert_eq!(listed, short.len());
    assert!(listed > 300, "{listed}");
}

/// A week of tours for a center with call types: [`repo`]'s `separate-teams.toml` with a
/// shift file giving a week and one contract.
const TEAM_WEEK: &str = r#"
shift_lengths = ["4h", "8h"]
starts = { from = "08:00", to = "12:00", every = "1h" }
week = [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
days_off = "any"
min_rest = "11h"
max_consecutive_days = 6

[[contract]]
name = "full-time"
days = [3, 5]
hours = ["12h", "40h"]
"#;

#[test]
fn each_agent_group_gets_its_own_people_and_a_group_nobody_has_is_short_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let shifts = dir.path().join("week.toml");
    std::fs::write(&shifts, TEAM_WEEK).unwrap();
    let mut text = String::from("name,contract,group,unavailable\n");
    for i in 0..16 {
        let away = if i % 4 == 0 { "Sat;Sun" } else { "" };
        text.push_str(&format!("b{i},full-time,billing-specialists,{away}\n"));
        let away = if i % 5 == 0 { "Mon 00:00-12:00" } else { "" };
        text.push_str(&format!("t{i},full-time,technical-specialists,{away}\n"));
    }
    let list = dir.path().join("teams.csv");
    std::fs::write(&list, text).unwrap();
    let out = dir.path().join("out");
    let file = repo("scenarios/multi-skill/separate-teams.toml");
    let shifts_arg = shifts.display().to_string();
    let run = roster(&file, &list, &out, &["--shifts", &shifts_arg]).success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    // each call type's check with the people
    assert!(stdout.contains("Mon technical"), "{stdout}");
    let folder = out.join("separate-teams");
    assert_schedule_respects(&folder, &list);
    assert!(folder.join("schedule-generalists.svg").is_file());
    // nobody is a generalist: every generalist interval that needs heads is short, and says so
    let short = rows(&folder.join("shortfall.csv"));
    let generalists: Vec<_> = short
        .iter()
        .filter(|s| s["agent_group"] == "generalists")
        .collect();
    assert!(!generalists.is_empty());
    for s in generalists {
        assert_eq!(s["covered"], "0");
        assert!(
            s["why"].contains("nobody with the skills of generalists"),
            "{s:?}"
        );
    }
}
