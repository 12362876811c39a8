//! The planner's files. One queue: `plan.csv` (the staffing table of DESIGN.md), `plan.json`
//! (the day's totals, targets and how the plan was found), `cost_curve.csv` (cost goal), and
//! the scenario written back with the planned staffing. Call types and agent groups:
//! `plan-groups.csv` (agents per group) and `plan-types.csv` (each type's need and checked
//! service level).

use super::{Goal, Plan};
use crate::report::charts::plan::PlanChart;
use crate::report::charts::render;
use crate::report::folder::{Owner, write_whole};
use crate::report::html::{Figure, escape, figure, page};
use crate::report::load::Estimate;
use crate::report::{PrecisionJson, csv_bytes, csv_number, write_atomic};
use crate::scenario;
use crate::stats::{Kpi, MeanCi};
use crate::units::format_clock;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};

/// The final check's value of `kpi` in interval `k`.
fn interval_kpi(plan: &Plan, k: usize, kpi: Kpi) -> Option<MeanCi> {
    plan.check.intervals[k].get(kpi)
}

/// Expected calls of interval `k`: arrival rate × interval length (before busyness).
pub fn expected_calls(plan: &Plan, k: usize) -> f64 {
    let sc = &plan.check.scenario;
    sc.arrival_rate[k] * sc.interval_s
}

/// `plan.csv`: `interval, start, expected_calls, erlang_agents, planned_agents, service_level,
/// service_level_ci95, abandon_rate, abandon_rate_ci95, occupancy, scheduled_agents,
/// days_met`. KPIs are those of the final check (fresh seeds): means and 95% half-widths;
/// empty when undefined. `days_met`: the share of the check's days on which the interval met
/// every target.
pub fn plan_csv(plan: &Plan) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "interval",
        "start",
        "expected_calls",
        "erlang_agents",
        "planned_agents",
        "service_level",
        "service_level_ci95",
        "abandon_rate",
        "abandon_rate_ci95",
        "occupancy",
        "scheduled_agents",
        "days_met",
    ])?;
    let sc = &plan.check.scenario;
    let (erlang, planned, scheduled) = (
        plan.erlang_agents(),
        plan.planned_agents(),
        plan.scheduled_agents(),
    );
    for k in 0..sc.intervals() {
        let kpi = |kpi| interval_kpi(plan, k, kpi);
        let mean = |kpi: Option<MeanCi>| kpi.map_or(String::new(), |v| csv_number(v.mean));
        let ci = |kpi: Option<MeanCi>| kpi.map_or(String::new(), |v| csv_number(v.ci95));
        w.write_record([
            k.to_string(),
            format_clock(sc.interval_start_clock_s(k)),
            csv_number(expected_calls(plan, k)),
            erlang[k].to_string(),
            planned[k].to_string(),
            mean(kpi(Kpi::ServiceLevel)),
            ci(kpi(Kpi::ServiceLevel)),
            mean(kpi(Kpi::AbandonRate)),
            ci(kpi(Kpi::AbandonRate)),
            mean(kpi(Kpi::Occupancy)),
            scheduled[k].to_string(),
            plan.days_met
                .get(k)
                .map_or(String::new(), |&d| csv_number(d)),
        ])?;
    }
    csv_bytes(w)
}

/// `cost_curve.csv`: `shift, agent_hours, total_cost, total_cost_ci95, lost_customers,
/// lost_customers_ci95`.
pub fn cost_curve_csv(plan: &Plan) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "shift",
        "agent_hours",
        "total_cost",
        "total_cost_ci95",
        "lost_customers",
        "lost_customers_ci95",
    ])?;
    for p in &plan.cost_curve {
        w.write_record([
            p.shift.to_string(),
            csv_number(p.agent_hours),
            csv_number(p.total_cost.mean),
            csv_number(p.total_cost.ci95),
            csv_number(p.lost_customers.mean),
            csv_number(p.lost_customers.ci95),
        ])?;
    }
    csv_bytes(w)
}

/// The targets, as written to `plan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TargetsJson {
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Minimum service level (answered within the threshold ÷ offered), if set.
    pub service_level: Option<f64>,
    /// Maximum abandonment rate, if set.
    pub max_abandon: Option<f64>,
    /// Maximum ASA, seconds, if set.
    pub max_asa_s: Option<f64>,
    /// Maximum occupancy, if set.
    pub max_occupancy: Option<f64>,
}

/// `plan.json`: the day's totals and how the plan was found.
#[derive(Debug, Clone, Serialize)]
pub struct PlanJson {
    /// Scenario name.
    pub scenario: String,
    /// `"targets"` (fewest agents meeting them) or `"cost"` (least total cost).
    pub goal: &'static str,
    /// Analytic model of the start: `"erlang_a"` or `"erlang_c"` (of the one call type).
    pub erlang_model: &'static str,
    /// The targets (hard constraints in the cost goal).
    pub targets: TargetsJson,
    /// `"mean"`: the mean over replications meets each target; `"ci95"`: the whole 95% CI;
    /// `"days"`: each target is met on at least `confidence` of the simulated days.
    pub criterion: &'static str,
    /// The share of days each interval must meet its targets on (`plan --confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Replications per evaluation, and in the final check unless it was topped up to a
    /// precision (then `precision.check_replications`).
    pub replications: u32,
    /// Seed of the refinement (the scenario's).
    pub seed: u64,
    /// Seed of the final check (derived from `seed`).
    pub check_seed: u64,
    /// Shrinkage used for the scheduled agents.
    pub shrinkage: f64,
    /// Agent-hours on the phones of the Erlang requirement.
    pub erlang_agent_hours: f64,
    /// Agent-hours on the phones of the plan.
    pub planned_agent_hours: f64,
    /// Scheduled agent-hours (after shrinkage).
    pub scheduled_agent_hours: f64,
    /// Total cost of the day in the final check (with `[costs]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_day: Option<MeanCi>,
    /// Whole-day KPIs of the final check.
    pub day: serde_json::Map<String, serde_json::Value>,
    /// Whole-day simulations run (refinement and final check).
    pub evaluations: usize,
    /// A plan at a precision (`--precision`): whether the final check's widest intervals
    /// reached it, and each named KPI's widest half-width asked, allowed and reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PlanPrecisionJson>,
    /// Intervals the final check found short and raised.
    pub raised_by_check: usize,
    /// Agents per interval of the plan for the hard targets alone (cost goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets_plan: Option<Vec<u32>>,
    /// Cost of the plan shifted by the same number of agents in every interval (cost goal).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cost_curve: Vec<super::CostPoint>,
}

/// `precision` of `plan.json`: that of `summary.json` in a run to a precision (`met`,
/// `max_replications`, each KPI's half-width `asked`, `allowed` and `reached`, here in the
/// final check's widest interval), and the days the final check took.
#[derive(Debug, Clone, Serialize)]
pub struct PlanPrecisionJson {
    /// Replications of the final check (topped up from `replications` while too wide).
    pub check_replications: u32,
    /// Met or not, the maximum, and each KPI's half-widths.
    #[serde(flatten)]
    pub reached: PrecisionJson,
}

impl PlanPrecisionJson {
    /// Of the plan's final check, when planned at a precision.
    fn of(plan: &Plan) -> Option<Self> {
        let reached = plan.precision.as_ref()?;
        let max = plan.options.precision.as_ref()?.max_replications;
        Some(PlanPrecisionJson {
            check_replications: reached.replications,
            reached: PrecisionJson::of(reached, max),
        })
    }
}

/// `precision.csv` (a plan at a precision, any center): `kpi, asked, allowed, reached, met,
/// check_replications, max_replications`: per KPI named, the half-width asked (as written),
/// allowed and reached in the final check's widest interval (in the KPI's unit; empty where
/// undefined), whether every interval is within it (`true`/`false`), the final check's
/// replications and the most it could take.
pub fn precision_csv(plan: &Plan) -> io::Result<Option<Vec<u8>>> {
    let Some(json) = PlanPrecisionJson::of(plan) else {
        return Ok(None);
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kpi",
        "asked",
        "allowed",
        "reached",
        "met",
        "check_replications",
        "max_replications",
    ])?;
    let number = |x: Option<f64>| x.map_or(String::new(), csv_number);
    for k in &json.reached.kpis {
        // a KPI no interval has a band for counts as met, as in the verdict
        let met = match (k.reached, k.allowed) {
            (Some(reached), Some(allowed)) => reached <= allowed,
            (None, _) => true,
            (Some(_), None) => false,
        };
        w.write_record([
            k.kpi.clone(),
            k.asked.clone(),
            number(k.allowed),
            number(k.reached),
            met.to_string(),
            json.check_replications.to_string(),
            json.reached.max_replications.to_string(),
        ])?;
    }
    csv_bytes(w).map(Some)
}

/// The contents of `plan.json`.
pub fn plan_json(plan: &Plan) -> PlanJson {
    let t = &plan.options.targets;
    let sc = &plan.check.scenario;
    let day = plan
        .check
        .total
        .iter()
        .filter_map(|(kpi, v)| Some((kpi.name().to_string(), serde_json::to_value(v).ok()?)))
        .collect();
    PlanJson {
        scenario: sc.name.clone(),
        goal: match plan.options.goal {
            Goal::Targets => "targets",
            Goal::Cost => "cost",
        },
        erlang_model: plan.models.first().map_or("", |m| m.name()),
        targets: TargetsJson {
            threshold_s: t.threshold_s,
            service_level: t.service_level,
            max_abandon: t.max_abandon,
            max_asa_s: t.max_asa_s,
            max_occupancy: t.max_occupancy,
        },
        criterion: plan.options.criterion.name(),
        confidence: plan.options.criterion.share_of_days(),
        replications: plan.options.replications,
        seed: plan.seed,
        check_seed: sc.seed,
        shrinkage: plan.shrinkage,
        erlang_agent_hours: plan.erlang_hours(),
        planned_agent_hours: plan.agent_hours(),
        scheduled_agent_hours: plan.scheduled_hours(),
        cost_per_day: plan.cost_per_day(),
        day,
        evaluations: plan.evaluations,
        precision: PlanPrecisionJson::of(plan),
        raised_by_check: plan.raised_by_check,
        targets_plan: plan.targets_plan.clone(),
        cost_curve: plan.cost_curve.clone(),
    }
}

/// `plan-groups.csv` (call types): `interval, start, agent_group, lp_agents,
/// planned_agents`.
pub fn groups_csv(plan: &Plan) -> io::Result<Vec<u8>> {
    let sc = &plan.check.scenario;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "interval",
        "start",
        "agent_group",
        "lp_agents",
        "planned_agents",
    ])?;
    for k in 0..sc.intervals() {
        let start = format_clock(sc.interval_start_clock_s(k));
        for (g, group) in sc.skills.iter().flat_map(|m| m.groups.iter().enumerate()) {
            w.write_record([
                k.to_string(),
                start.clone(),
                group.name.clone(),
                plan.start[k][g].to_string(),
                plan.planned[k][g].to_string(),
            ])?;
        }
    }
    csv_bytes(w)
}

/// `plan-types.csv` (call types): `interval, start, call_type, erlang_agents, service_level,
/// service_level_ci95, target`: each type's Erlang need and its service level in the
/// fresh-seed check.
pub fn types_csv(plan: &Plan) -> io::Result<Vec<u8>> {
    let sc = &plan.check.scenario;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "interval",
        "start",
        "call_type",
        "erlang_agents",
        "service_level",
        "service_level_ci95",
        "target",
    ])?;
    for k in 0..sc.intervals() {
        let start = format_clock(sc.interval_start_clock_s(k));
        let by_type = plan.check.skills.iter().flat_map(|s| s.by_type.iter());
        for (t, (ty, result)) in sc
            .skills
            .iter()
            .flat_map(|m| m.types.iter())
            .zip(by_type)
            .enumerate()
        {
            let sl = result.intervals[k].get(Kpi::ServiceLevel);
            w.write_record([
                k.to_string(),
                start.clone(),
                ty.name.clone(),
                plan.needs[k][t].to_string(),
                sl.map_or(String::new(), |v| csv_number(v.mean)),
                sl.map_or(String::new(), |v| csv_number(v.ci95)),
                ty.service_level.target.to_string(),
            ])?;
        }
    }
    csv_bytes(w)
}

/// The plan chart of a single-queue plan: Erlang's need, the plan and the heads to schedule
/// per interval, and the final check's service level against the target.
pub fn plan_chart(plan: &Plan) -> PlanChart {
    let sc = &plan.check.scenario;
    let as_f64 = |v: Vec<u32>| v.into_iter().map(f64::from).collect::<Vec<_>>();
    PlanChart {
        title: format!(
            "{}: agents per interval and the service level they give",
            sc.name
        ),
        labels: (0..sc.intervals())
            .map(|k| format_clock(sc.interval_start_clock_s(k)))
            .collect(),
        erlang: as_f64(plan.erlang_agents()),
        planned: as_f64(plan.planned_agents()),
        scheduled: as_f64(plan.scheduled_agents()),
        shrinkage: plan.shrinkage,
        service_level: (0..sc.intervals())
            .map(|k| Estimate::of(interval_kpi(plan, k, Kpi::ServiceLevel)))
            .collect(),
        threshold_s: plan.options.targets.threshold_s,
        target: plan.service_level_target(),
    }
}

/// `plan.html`: the plan in a page a planner can hand on: what it meets and costs, the chart,
/// and the table of `plan.csv` with every interval below the service-level target marked.
pub fn plan_page(plan: &Plan, chart: &PlanChart, svg: &str) -> String {
    let sc = &plan.check.scenario;
    let t = &plan.options.targets;
    let misses = chart.misses();
    let mut facts = Vec::new();
    facts.push(match t.service_level {
        Some(sl) => format!(
            "Target: {} of calls answered within {} in every interval ({} of {} replications; \
             final check on fresh callers).",
            crate::report::charts::percent(&sl),
            crate::units::format_duration(t.threshold_s),
            plan.options.criterion.describe(),
            plan.options.replications
        ),
        None => format!(
            "The least total cost, with no service-level target; the scenario's {} within {} \
             is shown for reference (final check on fresh callers, {} replications).",
            crate::report::charts::percent(&chart.target),
            crate::units::format_duration(t.threshold_s),
            sc.replications
        ),
    });
    facts.push(format!(
        "Agent-hours on the phones: {:.1} (Erlang: {:.1}); heads to schedule: {:.1} hours with \
         {} shrinkage.",
        plan.agent_hours(),
        plan.erlang_hours(),
        plan.scheduled_hours(),
        crate::report::charts::percent(&plan.shrinkage)
    ));
    if let Some(c) = plan.cost_per_day() {
        facts.push(format!(
            "Total cost per day: {} ± {}.",
            crate::units::thousands(c.mean, 0),
            crate::units::thousands(c.ci95, 0)
        ));
    }
    if !plan.days_met.is_empty() {
        let average = plan.days_met.iter().sum::<f64>() / plan.days_met.len() as f64;
        facts.push(format!(
            "Days meeting every target in the final check: {} of interval-days.",
            crate::report::charts::percent(&average)
        ));
    }
    facts.push(if misses.is_empty() {
        "Every interval meets the service-level target in the final check.".to_string()
    } else {
        format!(
            "✗ {} interval(s) below the service-level target in the final check (marked).",
            misses.len()
        )
    });
    let mut rows = String::new();
    let (erlang, planned, scheduled) = (&chart.erlang, &chart.planned, &chart.scheduled);
    for k in 0..sc.intervals() {
        let cell = |kpi: Kpi| {
            let v = interval_kpi(plan, k, kpi);
            let (mean, ci) = kpi.format(
                v.map_or(f64::NAN, |v| v.mean),
                v.map_or(f64::NAN, |v| v.ci95),
            );
            format!("<td>{mean}</td><td>± {ci}</td>")
        };
        let missed = misses.contains(&k);
        rows.push_str(&format!(
            "<tr{}><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td>{}{}<td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>\n",
            if missed { " style=\"background:#fde8e0\"" } else { "" },
            chart.labels[k],
            expected_calls(plan, k),
            erlang[k],
            planned[k],
            scheduled[k],
            cell(Kpi::ServiceLevel),
            cell(Kpi::AbandonRate),
            Kpi::Occupancy
                .format(
                    interval_kpi(plan, k, Kpi::Occupancy).map_or(f64::NAN, |v| v.mean),
                    f64::NAN
                )
                .0,
            plan.days_met
                .get(k)
                .map_or("–".to_string(), crate::report::charts::percent),
            if missed { "✗ below target" } else { "" }
        ));
    }
    let body = format!(
        "<h1>{name}: staffing plan</h1>\n<p class=\"facts\">{facts}</p>\n{figure}         <h2>Per interval</h2>\n<table>\n<thead><tr><th>start</th><th>calls</th>         <th>Erlang</th><th>planned</th><th>scheduled</th><th>service level</th><th></th>         <th>abandoned</th><th></th><th>occupancy</th><th>days met</th><th class=\"note\"></th>         </tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n<p class=\"facts\">The same          table is in <a href=\"plan.csv\">plan.csv</a>; the plan's settings and totals in          <a href=\"plan.json\">plan.json</a>.</p>\n",
        name = escape(&sc.name),
        facts = facts.iter().map(|f| escape(f)).collect::<Vec<_>>().join("<br>\n"),
        figure = figure(&Figure {
            svg: svg.to_string(),
            caption: "Bars: agents Erlang asks for; solid line: agents on the phones as                       planned; dashed: heads to schedule. Below: each interval's service                       level in the final check with its 95% band, the target dashed, and a                       ring on each interval below it."
                .into(),
        }),
    );
    page(&format!("{}: staffing plan", sc.name), &body)
}

/// The plan's two main files: `plan.csv` and `plan.json` for one queue, `plan-groups.csv`
/// and `plan-types.csv` for call types.
pub fn main_files(plan: &Plan) -> [&'static str; 2] {
    if plan.has_call_types() {
        ["plan-groups.csv", "plan-types.csv"]
    } else {
        ["plan.csv", "plan.json"]
    }
}

/// Where a plan was written: its folder and the files written into it.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenPlan {
    /// The plan's folder, `OUT/<name>/`.
    pub dir: PathBuf,
    /// The names of the files written there, in order: the two main files
    /// ([`main_files`]) first.
    pub files: Vec<&'static str>,
}

/// Writes the plan's files into `OUT/<name>/`; returns the folder and the files. One queue:
/// `plan.csv`, `plan.json`, the page `plan.html` and its chart `plan.svg` (`plan.png` too
/// when `png`); call types: `plan-groups.csv` and `plan-types.csv`; any center: (cost goal)
/// `cost_curve.csv` and (at a precision) `precision.csv`. The folder is written whole: the
/// files of an earlier plan do not survive, those of `run` and `roster` are kept (see
/// [`crate::report::folder`]).
pub fn write_plan(out: &Path, plan: &Plan, png: bool) -> io::Result<WrittenPlan> {
    let [first, second] = main_files(plan);
    let mut files = if plan.has_call_types() {
        vec![(first, groups_csv(plan)?), (second, types_csv(plan)?)]
    } else {
        let mut json = serde_json::to_vec_pretty(&plan_json(plan)).map_err(io::Error::other)?;
        json.push(b'\n');
        let chart = plan_chart(plan);
        let drawn = render(&chart, png)?;
        let mut files = vec![
            (first, plan_csv(plan)?),
            (second, json),
            (
                "plan.html",
                plan_page(plan, &chart, &drawn.svg).into_bytes(),
            ),
        ];
        if let Some(png) = drawn.png {
            files.push(("plan.png", png));
        }
        files.push(("plan.svg", drawn.svg.into_bytes()));
        files
    };
    if !plan.cost_curve.is_empty() {
        files.push(("cost_curve.csv", cost_curve_csv(plan)?));
    }
    if let Some(csv) = precision_csv(plan)? {
        files.push(("precision.csv", csv));
    }
    let name = &plan.check.scenario.name;
    let (dir, ()) = write_whole(out, name, Owner::Plan, |dir| {
        files
            .iter()
            .try_for_each(|(file, bytes)| write_atomic(&dir.join(file), bytes))
    })?;
    Ok(WrittenPlan {
        dir,
        files: files.into_iter().map(|(file, _)| file).collect(),
    })
}

/// A TOML line without its comment, trimmed (good enough for headers and keys: the scenario
/// keys hold no `#`).
fn code_of(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// The per-interval array, twelve values a line.
fn per_interval_lines(agents: &[u32]) -> String {
    let rows: Vec<String> = agents
        .chunks(12)
        .map(|c| c.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
        .collect();
    let indent = " ".repeat("per_interval = [".len());
    format!("per_interval = [{}]", rows.join(&format!(",\n{indent}")))
}

/// Why the planned scenario (`--write-scenario`) could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PlannedScenarioError {
    /// The scenario's staffing is not a `[staffing]` table whose keys can be replaced.
    #[error(
        "the scenario has no [staffing] table to fill in; write its staffing as a [staffing] \
         table (agents = N) to use --write-scenario"
    )]
    NoStaffingTable,
    /// The original scenario file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The original file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The planned scenario would not validate where it is to be written.
    #[error(
        "the planned scenario would not validate (file paths in it are relative to {}; make \
         them absolute to write it elsewhere):\n{}",
        dir.display(),
        problems.join("\n")
    )]
    Invalid {
        /// The folder it was to be written in.
        dir: PathBuf,
        /// `callsim check`'s problems, one each.
        problems: Vec<String>,
    },
    /// The planned scenario file could not be written.
    #[error("cannot write {file}: {source}")]
    Write {
        /// The file, as shown.
        file: String,
        /// What the system said.
        source: io::Error,
    },
}

/// `text` (a scenario file) with its `[staffing]` table replaced by `per_interval = agents`
/// and its name set to `name`; everything else as written. `note` becomes a comment above the
/// staffing. Fails if the file has no `[staffing]` table.
pub fn with_staffing(
    text: &str,
    agents: &[u32],
    name: &str,
    note: &str,
) -> Result<String, PlannedScenarioError> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| code_of(l) == "[staffing]")
        .ok_or(PlannedScenarioError::NoStaffingTable)?;
    let end = lines[header + 1..]
        .iter()
        .position(|l| code_of(l).starts_with('['))
        .map_or(lines.len(), |i| header + 1 + i);
    // Keep the comments and blank lines of the table, drop its keys (arrays may span lines).
    let mut kept: Vec<&str> = Vec::new();
    let mut depth = 0i32;
    for line in &lines[header + 1..end] {
        let code = code_of(line);
        let inside = depth > 0;
        depth += code.matches('[').count() as i32 - code.matches(']').count() as i32;
        if !inside && code.is_empty() {
            kept.push(line);
        }
    }
    let quoted = toml::Value::String(name.to_string()).to_string();
    let mut out: Vec<String> = Vec::new();
    let first_table = lines
        .iter()
        .position(|l| code_of(l).starts_with('['))
        .unwrap_or(lines.len());
    let name_line = lines[..first_table].iter().position(|l| {
        let code = code_of(l);
        code.strip_prefix("name")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    if name_line.is_none() {
        out.push(format!("name = {quoted}"));
    }
    for (i, line) in lines.iter().enumerate() {
        if Some(i) == name_line {
            out.push(format!("name = {quoted}"));
        } else if i == header {
            out.push(line.to_string());
            out.push(format!("# {note}"));
            out.push(per_interval_lines(agents));
            out.extend(kept.iter().map(|l| l.to_string()));
        } else if !(header < i && i < end) {
            out.push(line.to_string());
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

/// Writes the scenario of `plan` with the planned staffing as `dir/<name>-planned.toml`,
/// after checking that it validates (relative file paths are read from `dir`). `source` is
/// the original file.
pub fn write_planned_scenario(
    dir: &Path,
    plan: &Plan,
    source: &Path,
) -> Result<PathBuf, PlannedScenarioError> {
    let text = crate::input::read_toml(source).map_err(|e| PlannedScenarioError::Read {
        path: source.to_path_buf(),
        source: e,
    })?;
    let name = format!("{}-planned", plan.check.scenario.name);
    let t = &plan.options.targets;
    let mut goals = vec![format!("threshold {}s", t.threshold_s)];
    if let Some(sl) = t.service_level {
        goals.push(format!("service level >= {sl}"));
    }
    if let Some(a) = t.max_abandon {
        goals.push(format!("abandonment <= {a}"));
    }
    if let Some(a) = t.max_asa_s {
        goals.push(format!("ASA <= {a}s"));
    }
    if let Some(o) = t.max_occupancy {
        goals.push(format!("occupancy <= {o}"));
    }
    let note = format!(
        "agents on the phones, planned by `callsim plan` ({}; {})",
        match plan.options.goal {
            Goal::Targets => "fewest agents meeting the targets",
            Goal::Cost => "least total cost",
        },
        goals.join(", ")
    );
    let new_text = with_staffing(&text, &plan.planned_agents(), &name, &note)?;
    let path = dir.join(format!("{name}.toml"));
    let file = path.display().to_string();
    scenario::parse(&new_text, &file, dir, &name).map_err(|problems| {
        PlannedScenarioError::Invalid {
            dir: dir.to_path_buf(),
            problems: problems.iter().map(|p| p.to_string()).collect(),
        }
    })?;
    write_atomic(&path, new_text.as_bytes())
        .map_err(|e| PlannedScenarioError::Write { file, source: e })?;
    Ok(path)
}
