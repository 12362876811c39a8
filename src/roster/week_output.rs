//! The files of a week given to named people (`callsim roster FILE --agents agents.csv`), in
//! `OUT/<name>/` beside the roster's: `schedule.csv` (one row per shift of each person),
//! `shortfall.csv` (each interval short of heads, with why), `schedule-coverage.csv` (the
//! columns of `coverage.csv` for the people's heads and their check), `schedule.json` (who has no
//! tour, which tours nobody works, the undesired shifts, the check per day), the page
//! `schedule.html` (the week per person, each day's people, the shortfall, the chart) and the
//! chart `schedule.svg` (heads required and covered by the people, with the check; with call
//! types `schedule-<group>.svg` per group). Written with the roster's files, whole or not at
//! all.

use super::Roster;
use super::assign::{Staffed, Undesired, undesired};
use super::grid::{Requirement, Shift};
use super::output::{Covering, DayJson, charts, day_checks, pct};
use super::tours::{Contract, Tour};
use crate::report::charts::coverage::CoverageChart;
use crate::report::html::{Figure, escape, figure, page};
use crate::report::{csv_bytes, csv_number};
use crate::units::{WEEKDAYS, format_clock};
use serde::Serialize;
use std::fmt::Write as _;
use std::io;

/// The stem of the people's chart files.
pub const CHART_STEM: &str = "schedule";

/// A shift's day, start, end and break (empty without one), as clock times `HH:MM`.
fn shift_times(grid: &Requirement, s: &Shift) -> [String; 5] {
    let clock = |k: usize| format_clock(grid.clock_of(k));
    let (b0, b1) = match s.break_at {
        Some((b, len)) => (clock(s.start + b), clock(s.start + b + len)),
        None => (String::new(), String::new()),
    };
    [
        grid.day_name(s.start).to_string(),
        clock(s.start),
        clock(s.start + s.length),
        b0,
        b1,
    ]
}

/// The name of group `g` of `roster`.
fn group_name(roster: &Roster, g: usize) -> &str {
    roster.groups.get(g).map_or("?", |g| g.name.as_str())
}

/// The columns of `schedule.csv` and `tours.csv` after the first (the person, or the tour's
/// number).
const SHIFT_COLUMNS: [&str; 8] = [
    "agent_group",
    "contract",
    "day",
    "start",
    "end",
    "break_start",
    "break_end",
    "paid_hours",
];

/// Writes one row per shift of `tour`, the first cell `who`.
fn write_tour_rows(
    w: &mut csv::Writer<Vec<u8>>,
    roster: &Roster,
    contracts: &[Contract],
    who: &str,
    tour: &Tour,
) -> io::Result<()> {
    let contract = contracts
        .get(tour.contract)
        .map_or("?", |c| c.name.as_str());
    for s in &tour.shifts {
        let cells = [who, group_name(roster, tour.group), contract]
            .into_iter()
            .map(str::to_string)
            .chain(shift_times(&roster.grid, s))
            .chain([csv_number(s.paid_hours)]);
        w.write_record(cells)?;
    }
    Ok(())
}

/// `schedule.csv`: `agent, agent_group, contract, day, start, end, break_start, break_end,
/// paid_hours`: one row per shift of each person given a tour, people in the staff list's
/// order, shifts in the order of the week (day of the start; a shift past midnight ends the
/// next day).
pub fn schedule_csv(roster: &Roster, staffed: &Staffed) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(std::iter::once("agent").chain(SHIFT_COLUMNS))?;
    for (a, agent) in staffed.agents.iter().enumerate() {
        if let Some(t) = staffed.assignment.tour_of[a] {
            let tour = &staffed.tours[t];
            write_tour_rows(&mut w, roster, &staffed.contracts, &agent.name, tour)?;
        }
    }
    csv_bytes(w)
}

/// `tours.csv`: `tour, agent_group, contract, day, start, end, break_start, break_end,
/// paid_hours`: one row per shift of each tour of the week (one person's week each, numbered
/// from 1 group after group), as `schedule.csv` gives them to named people; `None` when the
/// roster has no tours.
pub fn tours_csv(roster: &Roster) -> io::Result<Option<Vec<u8>>> {
    let Some(rules) = &roster.rules.tours else {
        return Ok(None);
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(std::iter::once("tour").chain(SHIFT_COLUMNS))?;
    let tours = roster.groups.iter().filter_map(|g| g.tours.as_ref());
    for (n, tour) in tours.flat_map(|t| &t.tours).enumerate() {
        write_tour_rows(&mut w, roster, &rules.contracts, &(n + 1).to_string(), tour)?;
    }
    csv_bytes(w).map(Some)
}

/// `shortfall.csv`: `agent_group, interval, day, start, required, covered, short, why`: each
/// interval of each group with fewer heads than required (header only when none is).
pub fn shortfall_csv(roster: &Roster, staffed: &Staffed) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "agent_group",
        "interval",
        "day",
        "start",
        "required",
        "covered",
        "short",
        "why",
    ])?;
    let grid = &roster.grid;
    for s in &staffed.shortfall {
        w.write_record([
            group_name(roster, s.group).to_string(),
            s.interval.to_string(),
            grid.day_name(s.interval).to_string(),
            format_clock(grid.clock_of(s.interval)),
            s.required.to_string(),
            s.covered.to_string(),
            (s.required - s.covered).to_string(),
            s.why.clone(),
        ])?;
    }
    csv_bytes(w)
}

/// A tour nobody was given, as written to `schedule.json`.
#[derive(Debug, Clone, Serialize)]
pub struct UnstaffedJson {
    /// Its agent group.
    pub agent_group: String,
    /// Its contract.
    pub contract: String,
    /// The days it works (`Mon` … `Sun`).
    pub days: Vec<&'static str>,
    /// Its paid hours.
    pub paid_hours: f64,
    /// Why nobody works it.
    pub why: String,
}

/// Undesired shifts of the week, as written to `schedule.json`.
#[derive(Debug, Clone, Serialize)]
pub struct UndesiredJson {
    /// Shifts working between 00:00 and 06:00.
    pub nights: u32,
    /// Shifts starting on a Saturday or Sunday.
    pub weekends: u32,
    /// Shifts starting outside their person's preferred start times.
    pub off_preference: u32,
    /// The most any one person has (nights + weekends + off preference).
    pub most_for_one_person: u32,
}

/// `schedule.json`: the week given to people in figures.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleJson {
    /// Scenario name.
    pub scenario: String,
    /// People on the staff list.
    pub people: usize,
    /// People given a tour.
    pub assigned: usize,
    /// People given no tour (more people than tours, or none they can work).
    pub without_tour: Vec<String>,
    /// Tours of the week.
    pub tours: usize,
    /// Tours nobody was given, with why.
    pub unstaffed_tours: Vec<UnstaffedJson>,
    /// Paid hours of the tours given (breaks included).
    pub paid_hours: f64,
    /// Intervals (of any group) short of heads; `shortfall.csv` lists them.
    pub shortfall_intervals: usize,
    /// Heads × hours short of the requirement.
    pub short_head_hours: f64,
    /// Undesired shifts of the people's tours.
    pub undesired: UndesiredJson,
    /// The check by simulation of each day with the people's coverage, against the plan's.
    pub days: Vec<DayJson>,
}

/// The undesired shifts of each person's tour (`None` for people without one).
fn burdens(roster: &Roster, staffed: &Staffed) -> Vec<Option<Undesired>> {
    staffed
        .assignment
        .tour_of
        .iter()
        .zip(&staffed.agents)
        .map(|(t, a)| t.map(|t| undesired(&roster.grid, &staffed.tours[t], Some(a))))
        .collect()
}

/// The contents of `schedule.json`.
pub fn schedule_json(roster: &Roster, staffed: &Staffed) -> ScheduleJson {
    let grid = &roster.grid;
    let people = burdens(roster, staffed);
    let sum = |f: fn(&Undesired) -> u32| people.iter().flatten().map(f).sum::<u32>();
    ScheduleJson {
        scenario: roster.name.clone(),
        people: staffed.agents.len(),
        assigned: people.iter().flatten().count(),
        without_tour: staffed
            .assignment
            .idle()
            .map(|a| staffed.agents[a].name.clone())
            .collect(),
        tours: staffed.tours.len(),
        unstaffed_tours: staffed
            .assignment
            .unstaffed
            .iter()
            .map(|(t, why)| {
                let tour = &staffed.tours[*t];
                let group = group_name(roster, tour.group);
                let contract = staffed
                    .contracts
                    .get(tour.contract)
                    .map_or("?", |c| c.name.as_str());
                UnstaffedJson {
                    agent_group: group.to_string(),
                    contract: contract.to_string(),
                    days: tour.shifts.iter().map(|s| grid.day_name(s.start)).collect(),
                    paid_hours: tour.paid_hours(),
                    why: why.describe(group, contract),
                }
            })
            .collect(),
        paid_hours: staffed.paid_hours(roster.groups.len()).iter().sum(),
        shortfall_intervals: staffed.shortfall.len(),
        short_head_hours: staffed.short_head_hours(grid.interval_s),
        undesired: UndesiredJson {
            nights: sum(|u| u.nights),
            weekends: sum(|u| u.weekends),
            off_preference: sum(|u| u.off_preference),
            most_for_one_person: people
                .iter()
                .flatten()
                .map(Undesired::total)
                .max()
                .unwrap_or(0),
        },
        days: day_checks(roster, &staffed.covered(), &staffed.days),
    }
}

/// The people's charts, each with the stem of its file (see [`charts`]).
pub fn schedule_charts(roster: &Roster, staffed: &Staffed) -> Vec<(String, CoverageChart)> {
    charts(
        roster,
        &Covering {
            stem: CHART_STEM,
            what: "covered by the people",
            covered_by: crate::report::charts::coverage::CoveredBy::PEOPLE,
            covered: &staffed.covered(),
            paid_hours: &staffed.paid_hours(roster.groups.len()),
            days: &staffed.days,
        },
    )
}

/// A shift in a cell of the page: `07:00–15:00`, with its break in small type.
fn shift_cell(grid: &Requirement, s: &Shift) -> String {
    let [_, start, end, b0, _] = shift_times(grid, s);
    if b0.is_empty() {
        format!("{start}–{end}")
    } else {
        format!("{start}–{end}<br><small>break {b0}</small>")
    }
}

/// `schedule.html`: the week for named people: the figures, the chart(s) (given drawn, with
/// their captions), the week of each person (rows people, columns days: the shift or `off`),
/// each day's people by start time, the shortfall and the tours nobody works.
pub fn schedule_page(roster: &Roster, staffed: &Staffed, drawn: &[Figure]) -> String {
    let grid = &roster.grid;
    let json = schedule_json(roster, staffed);
    let typed = roster.has_call_types();
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>{}: the week for named people</h1>",
        escape(&roster.name)
    );
    let mut facts = vec![
        format!(
            "{} of {} people given a tour ({} tours; {} paid hours).",
            json.assigned,
            json.people,
            json.tours,
            crate::units::thousands(json.paid_hours, 1)
        ),
        if json.shortfall_intervals == 0 {
            "Every interval has the heads it requires.".to_string()
        } else {
            format!(
                "✗ {} interval(s) short of heads, {} head-hours in all (see the shortfall).",
                json.shortfall_intervals,
                crate::units::thousands(json.short_head_hours, 1)
            )
        },
        format!(
            "Undesired shifts: {} at night, {} at weekends, {} outside a preferred start; at \
             most {} for one person.",
            json.undesired.nights,
            json.undesired.weekends,
            json.undesired.off_preference,
            json.undesired.most_for_one_person
        ),
    ];
    if !json.without_tour.is_empty() {
        facts.push(format!("Without a tour: {}.", json.without_tour.join(", ")));
    }
    for day in &json.days {
        if let Some(c) = &day.check {
            facts.push(format!(
                "{}: service level {} with the people, {} with the plan.",
                day.day,
                pct(c.service_level),
                pct(c.plan_service_level)
            ));
        }
        for ty in &day.by_type {
            facts.push(format!(
                "{} {}: service level {} with the people, {} with the plan.",
                day.day,
                ty.call_type,
                pct(ty.check.service_level),
                pct(ty.check.plan_service_level)
            ));
        }
    }
    let _ = writeln!(
        body,
        "<p class=\"facts\">{}</p>",
        facts
            .iter()
            .map(|f| escape(f))
            .collect::<Vec<_>>()
            .join("<br>\n")
    );
    for f in drawn {
        body.push_str(&figure(f));
    }
    // the week of each person
    let _ = writeln!(
        body,
        "<h2>Each person's week</h2>\n<table>\n<thead><tr><th>agent</th>"
    );
    if typed {
        body.push_str("<th>group</th>");
    }
    body.push_str("<th>contract</th>");
    for d in WEEKDAYS {
        let _ = write!(body, "<th>{d}</th>");
    }
    body.push_str("<th>paid hours</th><th>undesired</th></tr></thead>\n<tbody>\n");
    let burden = burdens(roster, staffed);
    for (a, agent) in staffed.agents.iter().enumerate() {
        let tour = staffed.assignment.tour_of[a].map(|t| &staffed.tours[t]);
        let _ = write!(body, "<tr><td>{}</td>", escape(&agent.name));
        if typed {
            let _ = write!(body, "<td>{}</td>", escape(group_name(roster, agent.group)));
        }
        let contract = staffed
            .contracts
            .get(agent.contract)
            .map_or("?", |c| c.name.as_str());
        let _ = write!(body, "<td>{}</td>", escape(contract));
        for d in 0..7 {
            let cell = tour
                .and_then(|t| t.shifts.iter().find(|s| grid.day_of(s.start) == d))
                .map_or_else(
                    || if tour.is_some() { "off" } else { "–" }.to_string(),
                    |s| shift_cell(grid, s),
                );
            let _ = write!(body, "<td>{cell}</td>");
        }
        match (tour, burden[a]) {
            (Some(t), Some(u)) => {
                let _ = writeln!(
                    body,
                    "<td>{}</td><td>{}</td></tr>",
                    csv_number(t.paid_hours()),
                    u.total()
                );
            }
            _ => body.push_str("<td class=\"note\" colspan=\"2\">no tour</td></tr>\n"),
        }
    }
    body.push_str("</tbody>\n</table>\n");
    // each day's people, by start time
    let _ = writeln!(body, "<h2>Each day: who works when</h2>");
    for (d, day) in WEEKDAYS.iter().enumerate() {
        let mut rows: Vec<(usize, &str, &Shift, usize)> = Vec::new();
        for (a, agent) in staffed.agents.iter().enumerate() {
            if let Some(t) = staffed.assignment.tour_of[a] {
                let tour = &staffed.tours[t];
                for s in tour.shifts.iter().filter(|s| grid.day_of(s.start) == d) {
                    rows.push((s.start, agent.name.as_str(), s, tour.group));
                }
            }
        }
        rows.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
        let _ = writeln!(
            body,
            "<h3>{day}: {} people</h3>\n<table>\n<thead><tr><th>agent</th>{}<th>start</th>\
             <th>end</th><th>break</th></tr></thead>\n<tbody>",
            rows.len(),
            if typed { "<th>group</th>" } else { "" }
        );
        for (_, name, s, g) in rows {
            let [_, start, end, b0, b1] = shift_times(grid, s);
            let group = if typed {
                format!("<td>{}</td>", escape(group_name(roster, g)))
            } else {
                String::new()
            };
            let pause = if b0.is_empty() {
                String::new()
            } else {
                format!("{b0}–{b1}")
            };
            let _ = writeln!(
                body,
                "<tr><td>{}</td>{group}<td>{start}</td><td>{end}</td><td>{pause}</td></tr>",
                escape(name)
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    // the shortfall
    let _ = writeln!(body, "<h2>Shortfall</h2>");
    if staffed.shortfall.is_empty() {
        body.push_str("<p>None: every interval has the heads it requires.</p>\n");
    } else {
        let _ = writeln!(
            body,
            "<table>\n<thead><tr><th>interval</th>{}<th>required</th><th>covered</th>\
             <th>short</th><th class=\"note\">why</th></tr></thead>\n<tbody>",
            if typed { "<th>group</th>" } else { "" }
        );
        for s in &staffed.shortfall {
            let group = if typed {
                format!("<td>{}</td>", escape(group_name(roster, s.group)))
            } else {
                String::new()
            };
            let _ = writeln!(
                body,
                "<tr><td>{}</td>{group}<td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
                grid.label(s.interval),
                s.required,
                s.covered,
                s.required - s.covered,
                escape(&s.why)
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    if !json.unstaffed_tours.is_empty() {
        let _ = writeln!(
            body,
            "<h2>Tours nobody works</h2>\n<table>\n<thead><tr><th>group</th><th>contract</th>\
             <th>days</th><th>paid hours</th><th class=\"note\">why</th></tr></thead>\n<tbody>"
        );
        for u in &json.unstaffed_tours {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
                escape(&u.agent_group),
                escape(&u.contract),
                u.days.join(" "),
                csv_number(u.paid_hours),
                escape(&u.why)
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str(
        "<p class=\"facts\">The shifts are in <a href=\"schedule.csv\">schedule.csv</a>, the \
         intervals short of heads in <a href=\"shortfall.csv\">shortfall.csv</a>, every \
         interval's heads and simulated service level with the people in \
         <a href=\"schedule-coverage.csv\">schedule-coverage.csv</a>, the figures in \
         <a href=\"schedule.json\">schedule.json</a>.</p>\n",
    );
    page(
        &format!("{}: the week for named people", roster.name),
        &body,
    )
}

/// The caption of the people's chart.
pub const CAPTION: &str = "Bars: heads required per interval; solid line: heads the people \
     given tours have present, not on break; dashed: of them on the phones, less shrinkage. \
     Below (one queue): each day's service level with the people's coverage (blue) and with \
     the plan (orange), same callers, against the target.";
