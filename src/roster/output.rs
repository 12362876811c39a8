//! The roster's files in `OUT/<name>/`: `roster.csv` (the shifts), `coverage.csv` (required
//! and covered heads per interval, with the simulated service level), `roster.json` (the
//! totals: paid hours and cost against the bounds, the gap, the check per day) and the
//! coverage chart `coverage.svg` (and `.png` on request). Files are written atomically.

use super::Roster;
use crate::report::charts::coverage::CoverageChart;
use crate::report::charts::render;
use crate::report::load::Estimate;
use crate::report::write_atomic;
use crate::scenario::duration::format_clock;
use crate::stats::{Kpi, MeanCi};
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};

/// A number for CSV: shortest round-trip form, empty when undefined.
fn number(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

fn csv_bytes(w: csv::Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `roster.csv`: `day, start, end, length_h, break_start, break_end, count, paid_hours,
/// cost`: one row per shift rostered (day and start of the shift; the break's clock times,
/// empty without a break; heads on it; their paid hours and cost).
pub fn roster_csv(roster: &Roster) -> io::Result<Vec<u8>> {
    let req = &roster.requirement;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "day",
        "start",
        "end",
        "length_h",
        "break_start",
        "break_end",
        "count",
        "paid_hours",
        "cost",
    ])?;
    let clock = |k: usize| format_clock(req.clock_of(k));
    for (s, count) in &roster.solved.shifts {
        let (b0, b1) = match s.break_at {
            Some((b, len)) => (clock(s.start + b), clock(s.start + b + len)),
            None => (String::new(), String::new()),
        };
        w.write_record([
            req.day_name(s.start).to_string(),
            clock(s.start),
            clock(s.start + s.length),
            number(s.paid_hours),
            b0,
            b1,
            count.to_string(),
            number(s.paid_hours * f64::from(*count)),
            number(s.cost * f64::from(*count)),
        ])?;
    }
    csv_bytes(w)
}

/// For each interval of the grid, the (day, interval of that day's plan) it is, if any.
fn plan_intervals(roster: &Roster) -> Vec<Option<(usize, usize)>> {
    let mut at = vec![None; roster.requirement.len()];
    for (d, day) in roster.days.iter().enumerate() {
        for (k, &t) in day.slots.iter().enumerate() {
            at[t] = Some((d, k));
        }
    }
    at
}

/// `coverage.csv`: `interval, day, start, required, covered, over, on_phones,
/// planned_agents, service_level, service_level_ci95, plan_service_level,
/// plan_service_level_ci95`: heads required and present (not on break), the agents on the
/// phones the check simulates (covered less shrinkage), the plan's agents, and the service
/// level of the roster's check against the plan's final check (same seeds). Columns the
/// roster does not know (no scenario, an interval outside the working day) are empty.
pub fn coverage_csv(roster: &Roster) -> io::Result<Vec<u8>> {
    let req = &roster.requirement;
    let at = plan_intervals(roster);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "interval",
        "day",
        "start",
        "required",
        "covered",
        "over",
        "on_phones",
        "planned_agents",
        "service_level",
        "service_level_ci95",
        "plan_service_level",
        "plan_service_level_ci95",
    ])?;
    let cell = |v: Option<MeanCi>| {
        v.map_or((String::new(), String::new()), |v| {
            (number(v.mean), number(v.ci95))
        })
    };
    for (t, slot) in at.iter().enumerate() {
        let covered = roster.solved.covered[t];
        let (mut planned, mut sl, mut plan_sl) = (String::new(), cell(None), cell(None));
        if let Some((d, k)) = *slot {
            let day = &roster.days[d];
            planned = day.plan.planned_agents[k].to_string();
            plan_sl = cell(day.plan.check.intervals[k].get(Kpi::ServiceLevel));
            if let Some(check) = &day.check {
                sl = cell(check.intervals[k].get(Kpi::ServiceLevel));
            }
        }
        w.write_record([
            t.to_string(),
            req.day_name(t).to_string(),
            format_clock(req.clock_of(t)),
            req.heads[t].to_string(),
            covered.to_string(),
            covered.saturating_sub(req.heads[t]).to_string(),
            super::on_phones(covered, roster.shrinkage).to_string(),
            planned,
            sl.0,
            sl.1,
            plan_sl.0,
            plan_sl.1,
        ])?;
    }
    csv_bytes(w)
}

/// One day's check, as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DayJson {
    /// `day`, or the weekday.
    pub day: String,
    /// Agent-hours on the phones of the plan.
    pub plan_agent_hours: f64,
    /// Agent-hours on the phones the roster gives (coverage less shrinkage).
    pub roster_agent_hours: f64,
    /// Whole-day service level of the plan's final check (answered within the threshold ÷
    /// offered).
    pub plan_service_level: Option<MeanCi>,
    /// Whole-day service level of the roster's check, same seeds.
    pub service_level: Option<MeanCi>,
    /// Whole-day abandonment of the plan's final check.
    pub plan_abandon_rate: Option<MeanCi>,
    /// Whole-day abandonment of the roster's check.
    pub abandon_rate: Option<MeanCi>,
}

/// `roster.json`: the roster's totals.
#[derive(Debug, Clone, Serialize)]
pub struct RosterJson {
    /// Scenario (or plan) name.
    pub scenario: String,
    /// `"day"` or `"week"`.
    pub kind: &'static str,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Shrinkage: share of paid time off the phones besides the rostered breaks.
    pub shrinkage: f64,
    /// Heads × hours required: the paid hours of a perfect fit, a lower bound.
    pub required_head_hours: f64,
    /// Paid hours of the roster (breaks included).
    pub paid_hours: f64,
    /// Heads × hours present beyond the requirement (breaks excluded).
    pub over_head_hours: f64,
    /// Cost of the roster (paid hours × cost per hour).
    pub cost: f64,
    /// Cost of the LP optimum: no roster under these rules costs less.
    pub lp_bound_cost: f64,
    /// (cost − LP bound) ÷ LP bound.
    pub gap: f64,
    /// True when the LP optimum was integral (the roster is optimal unless the number of
    /// shift types was limited).
    pub lp_integral: bool,
    /// Candidate shifts (columns of the program).
    pub columns: usize,
    /// Heads rostered (shifts worked).
    pub shifts: u32,
    /// Distinct shift types (start time of day × length) used.
    pub shift_types: usize,
    /// The check by simulation, per day.
    pub days: Vec<DayJson>,
}

/// The contents of `roster.json`.
pub fn roster_json(roster: &Roster) -> RosterJson {
    let req = &roster.requirement;
    let s = &roster.solved;
    let hours = req.interval_s / 3600.0;
    let over: u64 = s
        .covered
        .iter()
        .zip(&req.heads)
        .map(|(&c, &h)| u64::from(c.saturating_sub(h)))
        .sum();
    let days = roster
        .days
        .iter()
        .map(|d| {
            let roster_agents: u64 = super::check::day_agents(d, &s.covered, roster.shrinkage)
                .iter()
                .map(|&a| u64::from(a))
                .sum();
            DayJson {
                day: d.day.clone(),
                plan_agent_hours: d.plan.agent_hours(),
                roster_agent_hours: roster_agents as f64 * hours,
                plan_service_level: d.plan.check.total.get(Kpi::ServiceLevel),
                service_level: d
                    .check
                    .as_ref()
                    .and_then(|c| c.total.get(Kpi::ServiceLevel)),
                plan_abandon_rate: d.plan.check.total.get(Kpi::AbandonRate),
                abandon_rate: d.check.as_ref().and_then(|c| c.total.get(Kpi::AbandonRate)),
            }
        })
        .collect();
    RosterJson {
        scenario: roster.name.clone(),
        kind: if req.week { "week" } else { "day" },
        interval_s: req.interval_s,
        shrinkage: roster.shrinkage,
        required_head_hours: req.head_hours(),
        paid_hours: s.paid_hours,
        over_head_hours: over as f64 * hours,
        cost: s.cost,
        lp_bound_cost: s.lp_bound,
        gap: s.gap(),
        lp_integral: s.lp_integral,
        columns: s.columns,
        shifts: s.shifts.iter().map(|(_, c)| c).sum(),
        shift_types: s.shift_types(req),
        days,
    }
}

/// The coverage chart of a roster.
pub fn coverage_chart(roster: &Roster) -> CoverageChart {
    let req = &roster.requirement;
    let at = plan_intervals(roster);
    let estimate = |v: Option<MeanCi>| {
        v.map_or(
            Estimate {
                mean: f64::NAN,
                ci95: f64::NAN,
            },
            |v| Estimate {
                mean: v.mean,
                ci95: v.ci95,
            },
        )
    };
    let checked = roster.days.iter().any(|d| d.check.is_some());
    let (mut sl, mut plan_sl) = (Vec::new(), Vec::new());
    if checked {
        for slot in &at {
            let (r, p) = match *slot {
                Some((d, k)) => {
                    let day = &roster.days[d];
                    (
                        day.check
                            .as_ref()
                            .and_then(|c| c.intervals[k].get(Kpi::ServiceLevel)),
                        day.plan.check.intervals[k].get(Kpi::ServiceLevel),
                    )
                }
                None => (None, None),
            };
            sl.push(estimate(r));
            plan_sl.push(estimate(p));
        }
    }
    let goal = roster
        .days
        .first()
        .map(|d| d.plan.check.scenario.service_level);
    CoverageChart {
        title: format!(
            "{}: heads required and rostered, {} paid hours",
            roster.name,
            crate::report::charts::number(&roster.solved.paid_hours),
        ),
        labels: (0..req.len()).map(|t| req.label(t)).collect(),
        required: req.heads.iter().map(|&h| f64::from(h)).collect(),
        covered: roster
            .solved
            .covered
            .iter()
            .map(|&c| f64::from(c))
            .collect(),
        service_level: sl,
        plan_service_level: plan_sl,
        threshold_s: goal.map_or(f64::NAN, |g| g.threshold_s),
        target: goal.map_or(f64::NAN, |g| g.target),
        week_day: if req.week {
            (super::grid::DAY_S / req.interval_s).round() as usize
        } else {
            0
        },
    }
}

/// Writes `OUT/<name>/roster.csv`, `coverage.csv`, `roster.json` and `coverage.svg` (and
/// `coverage.png` when `png`); returns the folder.
pub fn write_roster(out: &Path, roster: &Roster, png: bool) -> io::Result<PathBuf> {
    let dir = out.join(&roster.name);
    std::fs::create_dir_all(&dir)?;
    write_atomic(&dir.join("roster.csv"), &roster_csv(roster)?)?;
    write_atomic(&dir.join("coverage.csv"), &coverage_csv(roster)?)?;
    let mut json = serde_json::to_vec_pretty(&roster_json(roster)).map_err(io::Error::other)?;
    json.push(b'\n');
    write_atomic(&dir.join("roster.json"), &json)?;
    let chart = render(&coverage_chart(roster), png)?;
    write_atomic(&dir.join("coverage.svg"), chart.svg.as_bytes())?;
    if let Some(png) = chart.png {
        write_atomic(&dir.join("coverage.png"), &png)?;
    }
    Ok(dir)
}
