//! The roster's files in `OUT/<name>/`, one writer each for every center: `roster.csv` (the
//! shifts), `coverage.csv` (required and covered heads per interval, with the simulated
//! service level), `roster.json` (the totals: paid hours and cost against the bounds, the gap,
//! the check per day) and the coverage chart `coverage.svg` (and `.png` on request). With call
//! types and agent groups, the tables gain an `agent_group` column, `service.csv` holds each
//! call type's service level, `roster.json` the totals per group and the check per type, and
//! each group has its chart `coverage-<group>.svg`. Files are written atomically.

use super::assign::Staffed;
use super::grid::Requirement;
use super::model::Solved;
use super::{DayCheck, Roster};
use crate::report::charts::coverage::{CoverageChart, CoveredBy};
use crate::report::charts::render;
use crate::report::folder::{Owner, write_whole};
use crate::report::html::Figure;
use crate::report::load::Estimate;
use crate::report::{csv_bytes, csv_number, write_atomic};
use crate::simulate::{KpiSet, ScenarioResult};
use crate::stats::{Kpi, MeanCi};
use crate::units::format_clock;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};

/// The columns of `roster.csv` for one shift.
const SHIFT_COLUMNS: [&str; 9] = [
    "day",
    "start",
    "end",
    "length_h",
    "break_start",
    "break_end",
    "count",
    "paid_hours",
    "cost",
];

/// One row per shift of `solved` on the grid of `req`, after the cell `group` if any.
fn write_shifts(
    w: &mut csv::Writer<Vec<u8>>,
    group: Option<&str>,
    req: &Requirement,
    solved: &Solved,
) -> io::Result<()> {
    let clock = |k: usize| format_clock(req.clock_of(k));
    for (s, count) in &solved.shifts {
        let (b0, b1) = match s.break_at {
            Some((b, len)) => (clock(s.start + b), clock(s.start + b + len)),
            None => (String::new(), String::new()),
        };
        let cells = [
            req.day_name(s.start).to_string(),
            clock(s.start),
            clock(s.start + s.length),
            csv_number(s.paid_hours),
            b0,
            b1,
            count.to_string(),
            csv_number(s.paid_hours * f64::from(*count)),
            csv_number(s.cost * f64::from(*count)),
        ];
        w.write_record(group.into_iter().chain(cells.iter().map(String::as_str)))?;
    }
    Ok(())
}

/// `roster.csv`: `day, start, end, length_h, break_start, break_end, count, paid_hours,
/// cost`: one row per shift rostered (day and start of the shift; the break's clock times,
/// empty without a break; heads on it; their paid hours and cost). With call types, an
/// `agent_group` column first, and the shifts of each group in the scenario's order.
pub fn roster_csv(roster: &Roster) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let typed = roster.has_call_types();
    w.write_record(typed.then_some("agent_group").iter().chain(&SHIFT_COLUMNS))?;
    for g in &roster.groups {
        let group = typed.then_some(g.name.as_str());
        write_shifts(&mut w, group, &g.requirement, &g.solved)?;
    }
    csv_bytes(w)
}

/// For each interval of a grid of `len` intervals, the (day, interval of that day's plan) it
/// is, if any, from each day's `slots`.
fn plan_intervals<'a>(
    len: usize,
    slots: impl Iterator<Item = &'a [usize]>,
) -> Vec<Option<(usize, usize)>> {
    let mut at = vec![None; len];
    for (d, day) in slots.enumerate() {
        for (k, &t) in day.iter().enumerate() {
            at[t] = Some((d, k));
        }
    }
    at
}

/// The columns of `coverage.csv` every roster has for an interval.
const COVERAGE_COLUMNS: [&str; 7] = [
    "interval",
    "day",
    "start",
    "required",
    "covered",
    "over",
    "on_phones",
];

/// Those cells for interval `t` of `req` with `covered` heads present (on the phones:
/// covered less `shrinkage`).
fn coverage_cells(req: &Requirement, t: usize, covered: u32, shrinkage: f64) -> [String; 7] {
    [
        t.to_string(),
        req.day_name(t).to_string(),
        format_clock(req.clock_of(t)),
        req.heads[t].to_string(),
        covered.to_string(),
        covered.saturating_sub(req.heads[t]).to_string(),
        super::on_phones(covered, shrinkage).to_string(),
    ]
}

/// `coverage.csv`: `interval, day, start, required, covered, over, on_phones,
/// planned_agents, service_level, service_level_ci95, plan_service_level,
/// plan_service_level_ci95, abandon_rate, abandon_rate_ci95, plan_abandon_rate,
/// plan_abandon_rate_ci95, days_met, plan_days_met`: heads required and present (not on
/// break), the agents on the phones the check simulates (covered less shrinkage), the plan's
/// agents, the service level and abandonment of the roster's check against the plan's final
/// check (same seeds; means and 95% half-widths), and the share of those days on which the interval met
/// every target of the plan with the roster and with the plan ([`DayCheck::days_met`],
/// [`crate::plan::Plan::days_met`]). Columns the
/// roster does not know (no scenario, an interval outside the working day) are empty. With
/// call types: `agent_group` first, a row per group and interval, and no service-level
/// columns (each type's are in [`service_csv`]).
pub fn coverage_csv(roster: &Roster) -> io::Result<Vec<u8>> {
    coverage_csv_of(roster, &super::check::covered(&roster.groups), &roster.days)
}

/// The same columns for the heads `covered[g][t]` (the roster's shifts, or the people given
/// tours) and the check `days` simulated with them.
pub fn coverage_csv_of(
    roster: &Roster,
    covered: &[&[u32]],
    days: &[DayCheck],
) -> io::Result<Vec<u8>> {
    let typed = roster.has_call_types();
    let at = plan_intervals(roster.grid.len(), days.iter().map(|d| d.slots.as_slice()));
    let sl_columns: &[&str] = if typed {
        &[]
    } else {
        &[
            "service_level",
            "service_level_ci95",
            "plan_service_level",
            "plan_service_level_ci95",
            "abandon_rate",
            "abandon_rate_ci95",
            "plan_abandon_rate",
            "plan_abandon_rate_ci95",
            "days_met",
            "plan_days_met",
        ]
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(
        typed
            .then_some("agent_group")
            .iter()
            .chain(&COVERAGE_COLUMNS)
            .chain(&["planned_agents"])
            .chain(sl_columns),
    )?;
    let cells = |v: Option<MeanCi>| {
        v.map_or([String::new(), String::new()], |v| {
            [csv_number(v.mean), csv_number(v.ci95)]
        })
    };
    for (g, group) in roster.groups.iter().enumerate() {
        let name = typed.then(|| group.name.clone());
        for (t, slot) in at.iter().enumerate() {
            let (mut planned, mut sl) = (String::new(), Vec::new());
            if let Some((d, k)) = *slot {
                let day = &days[d];
                planned = day.plan.planned[k][g].to_string();
                if !typed {
                    let check = day.check.as_ref();
                    for kpi in [Kpi::ServiceLevel, Kpi::AbandonRate] {
                        sl.extend(cells(check.and_then(|c| c.intervals[k].get(kpi))));
                        sl.extend(cells(day.plan.check.intervals[k].get(kpi)));
                    }
                    let share = |v: &[f64]| v.get(k).map_or_else(String::new, |&m| csv_number(m));
                    sl.extend([share(&day.days_met), share(&day.plan.days_met)]);
                }
            }
            sl.resize(sl_columns.len(), String::new());
            let row = coverage_cells(&group.requirement, t, covered[g][t], roster.shrinkage);
            w.write_record(
                name.clone()
                    .into_iter()
                    .chain(row)
                    .chain([planned])
                    .chain(sl),
            )?;
        }
    }
    csv_bytes(w)
}

/// `service.csv` (call types only): `call_type, interval, day, start, service_level,
/// service_level_ci95, plan_service_level, plan_service_level_ci95, target`: each call
/// type's service level per interval of the working day(s) under the roster's check against
/// the plan's check (same seeds); the roster's columns are empty when not checked.
pub fn service_csv(roster: &Roster) -> io::Result<Vec<u8>> {
    let req = &roster.grid;
    let at = plan_intervals(req.len(), roster.days.iter().map(|d| d.slots.as_slice()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "call_type",
        "interval",
        "day",
        "start",
        "service_level",
        "service_level_ci95",
        "plan_service_level",
        "plan_service_level_ci95",
        "target",
    ])?;
    let sl = |r: &ScenarioResult, t: usize, k: usize| {
        r.skills
            .as_ref()
            .and_then(|s| s.by_type.get(t))
            .and_then(|ty| ty.intervals.get(k))
            .and_then(|v| v.get(Kpi::ServiceLevel))
    };
    let cells = |v: Option<MeanCi>| {
        v.map_or([String::new(), String::new()], |v| {
            [csv_number(v.mean), csv_number(v.ci95)]
        })
    };
    let types = roster
        .days
        .first()
        .and_then(|d| d.plan.check.scenario.skills.as_ref())
        .map_or(&[][..], |m| m.types.as_slice());
    for (t, ty) in types.iter().enumerate() {
        for (i, slot) in at.iter().enumerate() {
            let Some((d, k)) = *slot else { continue };
            let day = &roster.days[d];
            let [r, r_ci] = cells(day.check.as_ref().and_then(|c| sl(c, t, k)));
            let [p, p_ci] = cells(sl(&day.plan.check, t, k));
            w.write_record([
                ty.name.clone(),
                i.to_string(),
                req.day_name(i).to_string(),
                format_clock(req.clock_of(i)),
                r,
                r_ci,
                p,
                p_ci,
                csv_number(ty.service_level.target),
            ])?;
        }
    }
    csv_bytes(w)
}

/// The roster's check against the plan's over a whole day (same seeds), as written to
/// `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Versus {
    /// Service level of the plan's final check (answered within the threshold ÷ offered).
    pub plan_service_level: Option<MeanCi>,
    /// Service level of the roster's check.
    pub service_level: Option<MeanCi>,
    /// Abandonment of the plan's final check.
    pub plan_abandon_rate: Option<MeanCi>,
    /// Abandonment of the roster's check.
    pub abandon_rate: Option<MeanCi>,
}

impl Versus {
    /// From the whole-day KPIs of the plan's check and of the roster's (if checked).
    fn of(plan: Option<&KpiSet>, roster: Option<&KpiSet>) -> Self {
        let get = |k: Option<&KpiSet>, kpi: Kpi| k.and_then(|k| k.get(kpi));
        Versus {
            plan_service_level: get(plan, Kpi::ServiceLevel),
            service_level: get(roster, Kpi::ServiceLevel),
            plan_abandon_rate: get(plan, Kpi::AbandonRate),
            abandon_rate: get(roster, Kpi::AbandonRate),
        }
    }
}

/// One day's check, as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DayJson {
    /// `day`, or the weekday.
    pub day: String,
    /// Agent-hours on the phones of the plan (every group).
    pub plan_agent_hours: f64,
    /// Agent-hours on the phones the roster gives (every group, coverage less shrinkage).
    pub roster_agent_hours: f64,
    /// The check, roster against plan, of the center (one queue; with call types each
    /// type's is in `by_type`).
    #[serde(flatten)]
    pub check: Option<Versus>,
    /// Share of the check's interval-days on which the roster met every target of the plan
    /// (one queue with targets, checked): the mean over the intervals of
    /// [`DayCheck::days_met`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_met: Option<f64>,
    /// The same share for the plan in its final check (same days): the mean over the
    /// intervals of [`crate::plan::Plan::days_met`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_days_met: Option<f64>,
    /// How the check is judged against the plan's targets, as in `plan.json`: `"mean"`,
    /// `"ci95"` or `"days"` (one queue with targets, checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<&'static str>,
    /// The share of days of `"days"` (`--confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Start times of the intervals in which the roster's check misses a target of the plan
    /// as `criterion` reads it ([`DayCheck::short`]); empty: every interval meets them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_intervals: Option<Vec<String>>,
    /// Each call type's check (call types only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_type: Vec<TypeCheckJson>,
}

/// One call type's whole-day check, as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCheckJson {
    /// The call type.
    pub call_type: String,
    /// Its service-level target (share answered within its threshold).
    pub target: f64,
    /// Its check, roster against plan.
    #[serde(flatten)]
    pub check: Versus,
}

/// The totals of a roster (of one agent group, or of all of them), as written to
/// `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
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
}

impl Totals {
    /// The totals of the roster `solved` of the requirement `req`.
    pub fn of(req: &Requirement, solved: &Solved) -> Self {
        let over: u64 = solved
            .covered
            .iter()
            .zip(&req.heads)
            .map(|(&c, &h)| u64::from(c.saturating_sub(h)))
            .sum();
        Totals {
            required_head_hours: req.head_hours(),
            paid_hours: solved.paid_hours,
            over_head_hours: over as f64 * req.interval_s / 3600.0,
            cost: solved.cost,
            lp_bound_cost: solved.lp_bound,
            gap: solved.gap(),
            lp_integral: solved.lp_integral,
            columns: solved.columns,
            shifts: solved.shifts.iter().map(|(_, c)| c).sum(),
            shift_types: solved.shift_types(req),
        }
    }

    /// The totals of several independent rosters together (the gap of their sums).
    fn sum(parts: &[Totals]) -> Self {
        let add = |f: fn(&Totals) -> f64| parts.iter().map(f).sum::<f64>();
        let (cost, bound) = (add(|t| t.cost), add(|t| t.lp_bound_cost));
        Totals {
            required_head_hours: add(|t| t.required_head_hours),
            paid_hours: add(|t| t.paid_hours),
            over_head_hours: add(|t| t.over_head_hours),
            cost,
            lp_bound_cost: bound,
            gap: if bound > 0.0 {
                (cost - bound).max(0.0) / bound
            } else {
                0.0
            },
            lp_integral: parts.iter().all(|t| t.lp_integral),
            columns: parts.iter().map(|t| t.columns).sum(),
            shifts: parts.iter().map(|t| t.shifts).sum(),
            shift_types: parts.iter().map(|t| t.shift_types).sum(),
        }
    }
}

/// What every `roster.json` starts with: what was rostered and its totals.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// Scenario (or plan) name.
    pub scenario: String,
    /// `"day"` or `"week"`.
    pub kind: &'static str,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Shrinkage: share of paid time off the phones besides the rostered breaks.
    pub shrinkage: f64,
    /// Hours, cost, bound and gap.
    #[serde(flatten)]
    pub totals: Totals,
}

/// One agent group's totals, as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct GroupJson {
    /// The group.
    pub agent_group: String,
    /// Its hours, cost, bound and gap.
    #[serde(flatten)]
    pub totals: Totals,
}

/// `roster.json`: what was rostered, the totals, each group's (call types only) and the
/// check per day.
#[derive(Debug, Clone, Serialize)]
pub struct RosterJson {
    /// What was rostered, and the totals of every group together.
    #[serde(flatten)]
    pub head: Heading,
    /// The same per agent group (call types only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_group: Vec<GroupJson>,
    /// The week's tours of each group that has them (tour rules only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tours: Vec<ToursJson>,
    /// The check by simulation, per day.
    pub days: Vec<DayJson>,
}

/// One group's tours (one person's week each), as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ToursJson {
    /// The group whose people work them.
    pub agent_group: String,
    /// Tours, so people needed.
    pub people: usize,
    /// Tours of each contract, in the contracts' order.
    pub per_contract: Vec<ContractTours>,
    /// Paid hours of every tour, breaks included.
    pub paid_hours: f64,
    /// The program's objective: the shifts' cost, and any penalty for days off apart or heads
    /// left short.
    pub objective: f64,
    /// The LP relaxation's cost without start blocks (no tour roster costs less; it ignores
    /// rest, start band, days off and each person's hours).
    pub lp_bound: f64,
    /// (objective − LP bound) ÷ LP bound: an upper limit of the distance to the best roster.
    pub gap: f64,
    /// Tours whose days off lie apart.
    pub days_off_apart: usize,
    /// Head-hours of the requirement no tour covers (the staff list's caps or the rules).
    pub short_head_hours: f64,
}

/// How many of a group's tours are of one contract, as written to `roster.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ContractTours {
    /// The contract's name (`[[roster.contract]]`).
    pub contract: String,
    /// Its tours, so people of that contract needed.
    pub people: usize,
}

/// The tours of each group of `roster` that has them.
fn tours_json(roster: &Roster) -> Vec<ToursJson> {
    let Some(rules) = &roster.rules.tours else {
        return Vec::new();
    };
    roster
        .groups
        .iter()
        .filter_map(|g| g.tours.as_ref().map(|t| (g, t)))
        .map(|(g, t)| ToursJson {
            agent_group: g.name.clone(),
            people: t.tours.len(),
            per_contract: rules
                .contracts
                .iter()
                .zip(t.people_per_contract(rules.contracts.len()))
                .map(|(c, people)| ContractTours {
                    contract: c.name.clone(),
                    people,
                })
                .collect(),
            paid_hours: t.paid_hours,
            objective: t.cost,
            lp_bound: t.lp_bound,
            gap: t.gap(),
            days_off_apart: t.days_off_apart,
            short_head_hours: t.short_head_hours(roster.grid.interval_s),
        })
        .collect()
}

/// The whole-day KPIs of call type `t` in `result`.
fn type_total(result: Option<&ScenarioResult>, t: usize) -> Option<&KpiSet> {
    result
        .and_then(|r| r.skills.as_ref())
        .and_then(|s| s.by_type.get(t))
        .map(|ty| &ty.total)
}

/// The check of each of `days` (simulated with the heads `covered[g][t]` of `roster`'s grid
/// less shrinkage) against its plan's, as written to the JSON files.
pub fn day_checks(roster: &Roster, covered: &[&[u32]], days: &[DayCheck]) -> Vec<DayJson> {
    let typed = roster.has_call_types();
    days.iter()
        .map(|d| {
            let agents = super::check::day_agents(d, covered, roster.shrinkage);
            let check = d.check.as_ref();
            let types = d
                .plan
                .check
                .scenario
                .skills
                .as_ref()
                .map_or(&[][..], |m| m.types.as_slice());
            DayJson {
                day: d.day.clone(),
                plan_agent_hours: d.plan.agent_hours(),
                roster_agent_hours: d.plan.hours(&agents),
                check: (!typed)
                    .then(|| Versus::of(Some(&d.plan.check.total), check.map(|c| &c.total))),
                days_met: average(&d.days_met),
                plan_days_met: average(&d.plan.days_met),
                criterion: d.short.as_ref().map(|_| d.plan.options.criterion.name()),
                confidence: d
                    .short
                    .as_ref()
                    .and(d.plan.options.criterion.share_of_days()),
                short_intervals: d.short.as_ref().map(|short| {
                    let sc = &d.plan.check.scenario;
                    short
                        .iter()
                        .map(|&k| format_clock(sc.interval_start_clock_s(k)))
                        .collect()
                }),
                by_type: types
                    .iter()
                    .enumerate()
                    .map(|(t, ty)| TypeCheckJson {
                        call_type: ty.name.clone(),
                        target: ty.service_level.target,
                        check: Versus::of(type_total(Some(&d.plan.check), t), type_total(check, t)),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The mean of `shares` (of the intervals' days met); `None` when there is none.
pub fn average(shares: &[f64]) -> Option<f64> {
    (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
}

/// The interval of `shares` (of the intervals' days met) with the smallest share, and that
/// share (the first of equals); `None` when there is none.
pub fn fewest(shares: &[f64]) -> Option<(usize, f64)> {
    shares
        .iter()
        .copied()
        .enumerate()
        .reduce(|low, next| if next.1 < low.1 { next } else { low })
}

/// The contents of `roster.json`.
pub fn roster_json(roster: &Roster) -> RosterJson {
    let typed = roster.has_call_types();
    let by_group: Vec<GroupJson> = roster
        .groups
        .iter()
        .map(|g| GroupJson {
            agent_group: g.name.clone(),
            totals: Totals::of(&g.requirement, &g.solved),
        })
        .collect();
    let parts: Vec<Totals> = by_group.iter().map(|g| g.totals.clone()).collect();
    let days = day_checks(roster, &super::check::covered(&roster.groups), &roster.days);
    RosterJson {
        head: Heading {
            scenario: roster.name.clone(),
            kind: if roster.grid.week { "week" } else { "day" },
            interval_s: roster.grid.interval_s,
            shrinkage: roster.shrinkage,
            totals: Totals::sum(&parts),
        },
        by_group: if typed { by_group } else { Vec::new() },
        tours: tours_json(roster),
        days,
    }
}

/// The coverage charts of a roster, each with the stem of its file: one queue, `coverage`
/// with the service level of the check (per interval on a day, per day on a week); with call
/// types, `coverage-<group>` for each group, heads only (each type's service level is in
/// `service.csv`).
pub fn coverage_charts(roster: &Roster) -> Vec<(String, CoverageChart)> {
    let paid: Vec<f64> = roster.groups.iter().map(|g| g.solved.paid_hours).collect();
    charts(
        roster,
        &Covering {
            stem: "coverage",
            what: "rostered",
            covered_by: CoveredBy::ROSTER,
            covered: &super::check::covered(&roster.groups),
            paid_hours: &paid,
            days: &roster.days,
        },
    )
}

/// Heads that cover a roster's grid, drawn in charts: the roster's shifts, or the people
/// given tours.
pub struct Covering<'a> {
    /// Stem of the chart files (`coverage`: `coverage.svg`, `coverage-<group>.svg`).
    pub stem: &'a str,
    /// Who covers, after "heads required and" in the title (`rostered`).
    pub what: &'a str,
    /// Who covers, as the chart's keys say it.
    pub covered_by: CoveredBy,
    /// Heads covering each interval, per group (`[g][t]`).
    pub covered: &'a [&'a [u32]],
    /// Paid hours of each group.
    pub paid_hours: &'a [f64],
    /// The days, checked by simulation with this coverage (or not checked).
    pub days: &'a [DayCheck],
}

/// The charts of `covering` on `roster`'s grid, each with the stem of its file: one queue,
/// `<stem>` with the service level of the days' check (per interval on a day, per day on a
/// week); with call types, `<stem>-<group>` for each group, heads only.
pub fn charts(roster: &Roster, covering: &Covering) -> Vec<(String, CoverageChart)> {
    let chart_of =
        |who: &str, g: usize| heads_chart(who, &roster.groups[g].requirement, covering, g, roster);
    if roster.has_call_types() {
        let stems = file_stems(roster.groups.iter().map(|g| g.name.as_str()));
        return roster
            .groups
            .iter()
            .zip(stems)
            .enumerate()
            .map(|(i, (g, stem))| {
                let who = format!("{} / {}", roster.name, g.name);
                (format!("{}-{stem}", covering.stem), chart_of(&who, i))
            })
            .collect();
    }
    if roster.groups.is_empty() {
        return Vec::new();
    }
    let mut chart = chart_of(&roster.name, 0);
    let days = covering.days;
    if days.iter().any(|d| d.check.is_some()) {
        let sl = |r: Option<&KpiSet>| Estimate::of(r.and_then(|r| r.get(Kpi::ServiceLevel)));
        if roster.grid.week {
            for day in days {
                chart.days.push(day.day.clone());
                chart
                    .service_level
                    .push(sl(day.check.as_ref().map(|c| &c.total)));
                chart
                    .plan_service_level
                    .push(sl(Some(&day.plan.check.total)));
            }
        } else {
            let at = plan_intervals(roster.grid.len(), days.iter().map(|d| d.slots.as_slice()));
            for slot in at {
                let day = slot.map(|(d, k)| (&days[d], k));
                let check = day.and_then(|(d, k)| Some(&d.check.as_ref()?.intervals[k]));
                chart.service_level.push(sl(check));
                chart
                    .plan_service_level
                    .push(sl(day.map(|(d, k)| &d.plan.check.intervals[k])));
            }
        }
    }
    if let Some(goal) = days.first().map(|d| d.plan.check.scenario.service_level) {
        chart.threshold_s = goal.threshold_s;
        chart.target = goal.target;
    }
    vec![(covering.stem.to_string(), chart)]
}

/// The chart (titled `who`) of requirement `req` of group `g` and the heads `covering`
/// gives it, heads only.
fn heads_chart(
    who: &str,
    req: &Requirement,
    covering: &Covering,
    g: usize,
    roster: &Roster,
) -> CoverageChart {
    let covered = covering.covered.get(g).copied().unwrap_or(&[]);
    let paid_hours = covering.paid_hours.get(g).copied().unwrap_or(0.0);
    let (what, shrinkage) = (covering.what, roster.shrinkage);
    let on_phones = if shrinkage > 0.0 {
        let on = |&c: &u32| f64::from(super::on_phones(c, shrinkage));
        covered.iter().map(on).collect()
    } else {
        Vec::new()
    };
    CoverageChart {
        title: format!(
            "{who}: heads required and {what}, {} paid hours",
            crate::report::charts::number(&paid_hours),
        ),
        labels: (0..req.len()).map(|t| req.label(t)).collect(),
        required: req.heads.iter().map(|&h| f64::from(h)).collect(),
        covered: covered.iter().map(|&c| f64::from(c)).collect(),
        on_phones,
        shrinkage,
        service_level: Vec::new(),
        plan_service_level: Vec::new(),
        days: Vec::new(),
        threshold_s: f64::NAN,
        target: f64::NAN,
        covered_by: covering.covered_by,
        week_day: if req.week {
            (super::grid::DAY_S / req.interval_s).round() as usize
        } else {
            0
        },
    }
}

/// Writes `value` as pretty JSON with a final newline to `path`, atomically.
fn write_json(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let mut json = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    json.push(b'\n');
    write_atomic(path, &json)
}

/// Renders `chart` to `dir/<stem>.svg` (and `.png` when `png`); returns the SVG.
fn write_chart(dir: &Path, stem: &str, chart: &CoverageChart, png: bool) -> io::Result<String> {
    let chart = render(chart, png)?;
    write_atomic(&dir.join(format!("{stem}.svg")), chart.svg.as_bytes())?;
    if let Some(png) = chart.png {
        write_atomic(&dir.join(format!("{stem}.png")), &png)?;
    }
    Ok(chart.svg)
}

/// A share with its half-width, in the shares' one format ([`Kpi::format`]); `-` when
/// unknown.
pub fn pct(v: Option<MeanCi>) -> String {
    match v {
        Some(v) if v.mean.is_finite() => {
            let (mean, ci) = Kpi::ServiceLevel.format(v.mean, v.ci95);
            format!("{mean} ± {ci}")
        }
        _ => "-".into(),
    }
}

/// Writes the files of the week given to named people into `dir` (see
/// [`super::week_output`]).
fn write_schedule(dir: &Path, roster: &Roster, staffed: &Staffed, png: bool) -> io::Result<()> {
    use super::week_output as week;
    write_atomic(
        &dir.join("schedule.csv"),
        &week::schedule_csv(roster, staffed)?,
    )?;
    write_atomic(
        &dir.join("shortfall.csv"),
        &week::shortfall_csv(roster, staffed)?,
    )?;
    write_atomic(
        &dir.join("schedule-coverage.csv"),
        &coverage_csv_of(roster, &staffed.covered(), &staffed.days)?,
    )?;
    write_json(
        &dir.join("schedule.json"),
        &week::schedule_json(roster, staffed),
    )?;
    let mut figures = Vec::new();
    for (stem, chart) in week::schedule_charts(roster, staffed) {
        figures.push(Figure {
            svg: write_chart(dir, &stem, &chart, png)?,
            caption: week::CAPTION.to_string(),
        });
    }
    let page = week::schedule_page(roster, staffed, &figures);
    write_atomic(&dir.join("schedule.html"), page.as_bytes())
}

/// Writes `OUT/<name>/roster.csv`, `coverage.csv`, `roster.json` and the coverage charts
/// (`coverage.svg`; with call types `service.csv` and `coverage-<group>.svg`; `.png` too
/// when `png`), with tour rules `tours.csv` (each tour's shifts), and with `staffed` the week
/// of named people (`schedule.csv`, `shortfall.csv`, `schedule-coverage.csv`,
/// `schedule.json`, `schedule.html`, `schedule.svg`); returns the folder.
pub fn write_roster(
    out: &Path,
    roster: &Roster,
    staffed: Option<&Staffed>,
    png: bool,
) -> io::Result<PathBuf> {
    // written whole: an earlier roster's files do not survive, run's and plan's are kept
    let (dir, ()) = write_whole(out, &roster.name, Owner::Roster, |dir| {
        write_atomic(&dir.join("roster.csv"), &roster_csv(roster)?)?;
        write_atomic(&dir.join("coverage.csv"), &coverage_csv(roster)?)?;
        if roster.has_call_types() {
            write_atomic(&dir.join("service.csv"), &service_csv(roster)?)?;
        }
        write_json(&dir.join("roster.json"), &roster_json(roster))?;
        if let Some(tours) = super::week_output::tours_csv(roster)? {
            write_atomic(&dir.join("tours.csv"), &tours)?;
        }
        for (stem, chart) in coverage_charts(roster) {
            write_chart(dir, &stem, &chart, png)?;
        }
        match staffed {
            Some(staffed) => write_schedule(dir, roster, staffed, png),
            None => Ok(()),
        }
    })?;
    Ok(dir)
}

/// The groups' names as parts of file names: letters, digits, `-` and `_` kept, anything
/// else `_`; a name that would give the same part as an earlier group's gets its position
/// (1 = first group) appended, so no chart overwrites another.
pub fn file_stems<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut stems: Vec<String> = Vec::new();
    for (g, name) in names.enumerate() {
        let stem: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let stem = if stems.contains(&stem) {
            format!("{stem}-{}", g + 1)
        } else {
            stem
        };
        stems.push(stem);
    }
    stems
}

#[cfg(test)]
mod tests {
    use super::file_stems;

    #[test]
    fn group_names_give_distinct_file_names() {
        let names = [
            "billing team",
            "billing_team",
            "tech/2",
            "tech-2",
            "billing team?",
        ];
        let stems = file_stems(names.into_iter());
        assert_eq!(
            stems,
            [
                "billing_team",
                "billing_team-2",
                "tech_2",
                "tech-2",
                "billing_team_"
            ]
        );
    }
}
