//! `callsim plan FILE [--target-sl P] [--threshold DUR] [--max-abandon P] [--max-asa DUR]
//! [--max-occupancy P] [--optimize targets|cost] [--criterion mean|ci95] [--out DIR]
//! [--replications N] [--precision KPI=HW,... [--max-replications N]] [--shrinkage S]
//! [--write-scenario] [--threads N]`: plan the staffing
//! of each interval. One queue: write `OUT/<name>/plan.csv` and `plan.json`, print the plan
//! next to what Erlang asks for. Call types and agent groups: agents per group meeting every
//! type's own target, written to `plan-groups.csv` and `plan-types.csv`, printed next to
//! planning each queue separately and to counting flexible agents for every skill.

use super::inputs::print_problems;
use super::{errln, out};
use crate::erlang::{Model, Targets};
use crate::plan::skills::shortcut_capacity;
use crate::plan::{self, Criterion, Goal, Plan, PlanOptions, output, skills};
use crate::scenario;
use crate::simulate::{ScenarioResult, simulate_one};
use crate::stats::{Kpi, Precision, PrecisionReached, precision};
use crate::units::{format_clock, format_duration, listed};
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// What the plan optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Optimize {
    /// The fewest agents that meet the targets.
    Targets,
    /// The least total cost (needs [costs]); targets given on the command line are hard limits.
    Cost,
}

/// How a simulated KPI is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum CriterionArg {
    /// The mean over replications meets the target.
    Mean,
    /// The whole 95% confidence interval meets it (more agents, more certainty).
    Ci95,
}

/// Arguments of `callsim plan`.
#[derive(Debug, clap::Args)]
pub(super) struct PlanArgs {
    /// The scenario file to plan (its staffing is ignored).
    pub file: PathBuf,
    /// Service-level target, a share in (0, 1): answered within the threshold ÷ offered
    /// [default: the scenario's [service_level] target].
    #[arg(long, value_name = "P", allow_negative_numbers = true, value_parser = super::target_sl_arg)]
    pub target_sl: Option<f64>,
    /// Service-level threshold, e.g. 20s [default: the scenario's].
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = super::duration_arg)]
    pub threshold: Option<f64>,
    /// Maximum abandonment rate, a share in (0, 1), e.g. 0.05.
    #[arg(long, value_name = "P", allow_negative_numbers = true, value_parser = super::max_abandon_arg)]
    pub max_abandon: Option<f64>,
    /// Maximum ASA (mean wait of answered calls), e.g. 30s.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = super::max_asa_arg)]
    pub max_asa: Option<f64>,
    /// Maximum occupancy, a share in (0, 1], e.g. 0.85.
    #[arg(long, value_name = "P", allow_negative_numbers = true, value_parser = super::max_occupancy_arg)]
    pub max_occupancy: Option<f64>,
    /// Fewest agents meeting the targets, or least total cost.
    #[arg(long, value_enum, default_value_t = Optimize::Targets)]
    pub optimize: Optimize,
    /// How a target counts as met in an interval: by the mean, or by the whole 95% CI.
    #[arg(long, value_enum, default_value_t = CriterionArg::Mean)]
    pub criterion: CriterionArg,
    /// Staff so that each interval meets its targets on at least this share of simulated
    /// days, in (0, 1), e.g. 0.9 (not only on the average day); the printout compares it with
    /// planning on the mean. Use with a scenario that has day-to-day busyness
    /// ([arrivals] busyness_cv, as `callsim forecast` writes it).
    #[arg(
        long,
        value_name = "P",
        allow_negative_numbers = true,
        conflicts_with = "criterion"
    )]
    pub confidence: Option<f64>,
    /// Folder for the results: OUT/<name>/plan.csv and plan.json.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replications per evaluation of a staffing [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub replications: Option<u32>,
    /// Replications enough for every interval's KPIs to be this precise (95% half-width),
    /// e.g. service_level=0.05 (± 5 points in the widest interval) or asa_s=10%, found by a
    /// pilot with --replications; the final check takes more fresh days until its widest
    /// interval is that precise or --max-replications is reached (and says which).
    #[arg(long, value_name = "KPI=HW,...")]
    pub precision: Option<String>,
    /// Most replications a plan at a precision may take, per evaluation and in the final
    /// check (at most 100000, as --replications) [default: 10000].
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub max_replications: Option<u32>,
    /// Shrinkage for scheduled agents, a share in [0, 1) [default: [costs], else 0].
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::shrinkage_arg)]
    pub shrinkage: Option<f64>,
    /// Also write OUT/<name>/<name>-planned.toml: the scenario with the planned staffing.
    #[arg(long)]
    pub write_scenario: bool,
    /// Also write the plan chart as PNG (plan.png; plan.svg is always written).
    #[arg(long)]
    pub png: bool,
    /// Print plan.json on stdout instead of the table (a plan of one queue).
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
}

/// Runs `callsim plan`.
pub(super) fn execute(args: PlanArgs) -> anyhow::Result<()> {
    let scenario = match scenario::load(&args.file) {
        Ok(sc) => sc,
        Err(problems) => {
            print_problems(&problems);
            bail!(
                "{} cannot be planned (see the problems above)",
                args.file.display()
            );
        }
    };
    super::inputs::one_day_only(&scenario, &args.file)?;
    // What only this command does with one queue; the planner refuses the rest itself.
    if scenario.skills.is_some()
        && (args.target_sl.is_some()
            || args.threshold.is_some()
            || args.shrinkage.is_some()
            || args.write_scenario
            || args.json)
    {
        bail!(
            "{} has several call types: each type's target is its own [[call_type]] \
             service_level; --target-sl, --threshold, --shrinkage, --write-scenario and --json \
             apply to single-queue plans (this plan is in plan-groups.csv and plan-types.csv)",
            args.file.display()
        );
    }
    let goal = match args.optimize {
        Optimize::Targets => Goal::Targets,
        Optimize::Cost => Goal::Cost,
    };
    let threshold = args.threshold.unwrap_or(scenario.service_level.threshold_s);
    // In the cost goal only targets given here are hard limits; otherwise the scenario's
    // service level is the default target.
    let target_sl = match goal {
        Goal::Targets => Some(args.target_sl.unwrap_or(scenario.service_level.target)),
        Goal::Cost => args.target_sl,
    };
    let options = PlanOptions {
        targets: Targets {
            service_level: target_sl,
            max_abandon: args.max_abandon,
            max_asa_s: args.max_asa,
            max_occupancy: args.max_occupancy,
            ..Targets::new(threshold)
        },
        criterion: match (args.confidence, args.criterion) {
            (Some(p), _) => share_of_days(p)?,
            (None, CriterionArg::Mean) => Criterion::Mean,
            (None, CriterionArg::Ci95) => Criterion::Ci95,
        },
        goal,
        replications: args.replications.unwrap_or(scenario.replications),
        shrinkage: args.shrinkage,
        min_agents: 1,
        precision: None,
    };
    if let Some(o) = args.max_occupancy.filter(|&o| o > MAX_PLAUSIBLE_OCCUPANCY) {
        errln!(
            "warning: --max-occupancy {o} allows agents busy more than {:.0}% of the time: no \
             slack for a peak, breaks or a long call (0.85 to 0.90 is usual)",
            MAX_PLAUSIBLE_OCCUPANCY * 100.0
        );
    }
    if scenario.precision.is_some() {
        let instead = match &args.precision {
            None => format!(
                "each evaluation and the final check simulate {} replications \
                 (--replications); to hold each interval's KPIs to a precision, give \
                 --precision (e.g. service_level=0.05)",
                options.replications
            ),
            Some(_) => "this plan is held to --precision".to_string(),
        };
        errln!("{}", plan::own_precision_note(&args.file, &instead));
    }
    let pool = super::thread_pool(args.threads)?;
    let started = Instant::now();
    let mut options = options;
    let pilot = match &args.precision {
        None => None,
        Some(text) => {
            let max = args
                .max_replications
                .unwrap_or(precision::DEFAULT_MAX_REPLICATIONS);
            let precision =
                Precision::parse(text, max).map_err(|e| anyhow::anyhow!("--precision: {e}"))?;
            if max < options.replications {
                bail!(
                    "--max-replications {max} is fewer than the pilot's {} replications \
                     (--replications, or the scenario's): give at least as many",
                    options.replications
                );
            }
            if let Some((kpi, _)) = precision
                .targets
                .iter()
                .find(|(k, _)| !plan::PLANNED_KPIS.contains(k))
            {
                bail!(
                    "--precision of a plan names the KPIs it plans each interval by \
                     (service_level, abandon_rate, asa_s, occupancy), not {}",
                    kpi.name()
                );
            }
            if scenario.skills.is_some()
                && let Some((kpi, _)) = precision
                    .targets
                    .iter()
                    .find(|(k, _)| *k != Kpi::ServiceLevel)
            {
                bail!(
                    "{}: a plan of call types plans each type by its service level: \
                     --precision names service_level only, not {}",
                    args.file.display(),
                    kpi.name()
                );
            }
            let pilot = pool
                .install(|| plan::replications_for(&scenario, &options, &precision))
                .with_context(|| format!("cannot plan {}", args.file.display()))?;
            options.replications = pilot.replications;
            options.precision = Some(precision);
            Some(pilot)
        }
    };
    let plan = pool
        .install(|| plan::plan(&scenario, &options))
        .with_context(|| format!("cannot plan {}", args.file.display()))?;
    // the same plan on the average day, to say what planning for most days costs
    let on_mean = match options.criterion {
        Criterion::ShareOfDays(_) => {
            let mean_options = PlanOptions {
                criterion: Criterion::Mean,
                ..options.clone()
            };
            Some(
                pool.install(|| plan::plan(&scenario, &mean_options))
                    .with_context(|| format!("cannot plan {} on the mean", args.file.display()))?,
            )
        }
        _ => None,
    };
    let elapsed = started.elapsed().as_secs_f64();
    let written = output::write_plan(&args.out, &plan, args.png)
        .with_context(|| format!("cannot write the plan of {}", scenario.name))?;
    let dir = written.dir;
    errln!(
        "wrote {}/{}{}",
        dir.display(),
        listed(&written.files),
        if written.files.contains(&"plan.html") {
            " (open plan.html in a browser)"
        } else {
            ""
        }
    );
    if args.write_scenario {
        let path = output::write_planned_scenario(&dir, &plan, &args.file)
            .map_err(anyhow::Error::msg)
            .context("--write-scenario")?;
        errln!(
            "wrote {} (run it with: callsim run {})",
            path.display(),
            path.display()
        );
    }
    if args.json {
        // the file just written, as it is
        out!("{}", std::fs::read_to_string(dir.join("plan.json"))?);
    } else {
        out!("{}", render(&plan, pilot.as_ref(), on_mean.as_ref())?);
    }
    if let Some(reached) = plan.precision.as_ref().filter(|r| !r.met) {
        warn_short_of_precision(reached);
    }
    let check_days = plan.check.scenario.replications;
    errln!(
        "planned in {elapsed:.2} s: {} whole-day simulations of {} replications{}{}",
        plan.evaluations + on_mean.as_ref().map_or(0, |p| p.evaluations),
        plan.options.replications,
        if check_days == plan.options.replications {
            String::new()
        } else {
            format!(" (final check: {check_days})")
        },
        if plan.capped {
            " (stopped lowering at the cap of simulations)"
        } else {
            ""
        }
    );
    Ok(())
}

/// How `--precision` went: the replications the pilot's widest bands asked for, then the
/// final check's widest bands against those asked (after the days it was topped up to), met
/// or not.
fn precision_line(pilot: &plan::PilotPrecision, check: &PrecisionReached) -> String {
    let widest: Vec<String> = pilot
        .pilot
        .kpis
        .iter()
        .map(|&(kpi, _, _, hw)| format!("{} ± {}", kpi.name(), kpi.format(0.0, hw).1))
        .collect();
    format!(
        "  precision: {} replications, from a pilot of {} ({} in the widest interval); final \
         check of {}: {} in the widest interval: {}\n",
        pilot.replications,
        pilot.pilot.replications,
        widest.join("; "),
        check.replications,
        super::run::half_widths(check.kpis.iter().copied(), check.met),
        if check.met {
            "met"
        } else {
            "not met (raise --max-replications, or ask for less)"
        }
    )
}

/// The warning of a plan whose final check stopped at the maximum of replications before its
/// widest intervals were as precise as asked: each KPI short of it, reached against allowed.
fn warn_short_of_precision(reached: &PrecisionReached) {
    let short: Vec<String> = reached
        .kpis
        .iter()
        .filter(|&&(_, _, allowed, hw)| hw > allowed)
        .map(|&(kpi, _, allowed, hw)| {
            format!(
                "{} ± {} against ± {} asked",
                kpi.name(),
                kpi.format(0.0, hw).1,
                kpi.format(0.0, allowed).1
            )
        })
        .collect();
    errln!(
        "warning: --precision not met: after {} replications (the maximum) the final check's \
         widest interval has {}; raise --max-replications, or ask for less",
        reached.replications,
        short.join(", ")
    );
}

/// The criterion of `--confidence P` (plan and roster), checked.
pub(super) fn share_of_days(p: f64) -> anyhow::Result<Criterion> {
    if !(p > 0.0 && p < 1.0) {
        bail!(
            "--confidence is a share of days between 0 and 1 (e.g. 0.9 for 9 days in 10), got {p}"
        );
    }
    Ok(Criterion::ShareOfDays(p))
}

/// Targets in words.
fn describe_targets(t: &Targets) -> String {
    let mut parts = Vec::new();
    if let Some(sl) = t.service_level {
        parts.push(format!(
            "service level >= {:.0}% within {}",
            sl * 100.0,
            format_duration(t.threshold_s)
        ));
    }
    if let Some(a) = t.max_abandon {
        parts.push(format!("abandonment <= {:.1}%", a * 100.0));
    }
    if let Some(a) = t.max_asa_s {
        parts.push(format!("ASA <= {a} s"));
    }
    if let Some(o) = t.max_occupancy {
        parts.push(format!("occupancy <= {:.0}%", o * 100.0));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// A share as a percentage, `-` when undefined.
fn pct(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{:.1}", x * 100.0),
        _ => "-".into(),
    }
}

/// The printed plan of any center: the heading, the table of intervals, then what the plan
/// says about the day (one queue: against Erlang, the days met, hours, cost and the final
/// check; call types: the day's agent-hours by method), the pilot of `--precision` and the
/// comparison with planning on the mean (`--confidence`).
fn render(
    plan: &Plan,
    pilot: Option<&plan::PilotPrecision>,
    on_mean: Option<&Plan>,
) -> anyhow::Result<String> {
    let mut out = heading(plan);
    if plan.has_call_types() {
        out.push_str(&table(plan, 8, &type_columns(plan)?));
        out.push_str(&overworked(plan));
        out.push_str(&hours_by_method(plan)?);
    } else {
        out.push_str(&table(plan, 6, &queue_columns(plan)));
        out.push_str(&queue_day(plan));
    }
    if let (Some(p), Some(check)) = (pilot, &plan.precision) {
        out.push_str(&precision_line(p, check));
    }
    if let Some(on_mean) = on_mean {
        out.push_str(&versus_mean(plan, on_mean));
    }
    Ok(out)
}

/// The plan's first line: its goal, its targets and how they are judged; for call types, what
/// the table's cells are.
fn heading(plan: &Plan) -> String {
    let sc = &plan.check.scenario;
    let goal = match plan.options.goal {
        Goal::Targets => "fewest agents meeting the targets",
        Goal::Cost => "least total cost",
    };
    let targets = match plan.has_call_types() {
        true => "each call type's own service level".to_string(),
        false => describe_targets(&plan.options.targets),
    };
    let mut out = format!(
        "\n{} — plan: {goal}; targets: {targets} (each interval, {} of {} replications; final \
         check with fresh seeds)\n",
        sc.name,
        plan.options.criterion.describe(),
        plan.options.replications
    );
    if plan.has_call_types() {
        out.push_str("  agents per group: split-capacity LP → after simulation\n");
    }
    out
}

/// One column of the printed plan table: its header and one cell per interval, right-aligned
/// in `width` characters.
struct Column {
    head: String,
    width: usize,
    cells: Vec<String>,
}

impl Column {
    fn new(head: impl Into<String>, width: usize, cells: Vec<String>) -> Self {
        Column {
            head: head.into(),
            width,
            cells,
        }
    }
}

/// The intervals of a plan as a table: the start time (`start_width` characters, left), the
/// columns, and a mark on each interval below a service-level target in the final check
/// (`misses`: `Some` of what is below, e.g. `"billing "`, or of nothing for a single queue),
/// then how many were.
fn table(
    plan: &Plan,
    start_width: usize,
    (columns, misses): &(Vec<Column>, Vec<Option<String>>),
) -> String {
    let sc = &plan.check.scenario;
    let mut out = format!("  {:<start_width$}", "start");
    for c in columns {
        let _ = write!(out, "{:>w$}", c.head, w = c.width);
    }
    out.push('\n');
    for (k, missed) in misses.iter().enumerate() {
        let _ = write!(
            out,
            "  {:<start_width$}",
            format_clock(sc.interval_start_clock_s(k))
        );
        for c in columns {
            let _ = write!(out, "{:>w$}", c.cells[k], w = c.width);
        }
        if let Some(what) = missed {
            let _ = write!(out, "  ✗ {what}below target");
        }
        out.push('\n');
    }
    let n = misses.iter().flatten().count();
    if n > 0 {
        let _ = writeln!(
            out,
            "  ✗ {n} interval(s) below the service-level target in the final check"
        );
    }
    out
}

/// The table of one queue: expected calls, load, Erlang's agents and the plan's, scheduled
/// heads, and the final check's service level, abandonment, occupancy and days meeting the
/// targets.
fn queue_columns(plan: &Plan) -> (Vec<Column>, Vec<Option<String>>) {
    let n = plan.check.scenario.intervals();
    let (load, erlang, planned, scheduled) = (
        plan.load_erlangs(),
        plan.erlang_agents(),
        plan.planned_agents(),
        plan.scheduled_agents(),
    );
    let kpi = |kpi: Kpi, ci: bool| -> Vec<String> {
        (0..n)
            .map(|k| {
                let v = plan.check.intervals[k].get(kpi);
                pct(v.map(|v| if ci { v.ci95 } else { v.mean }))
            })
            .collect()
    };
    let of = |f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>();
    let columns = vec![
        Column::new(
            "calls",
            8,
            of(&|k| format!("{:.1}", output::expected_calls(plan, k))),
        ),
        Column::new("load", 8, of(&|k| format!("{:.1}", load[k]))),
        Column::new("erlang", 8, of(&|k| erlang[k].to_string())),
        Column::new("plan", 6, of(&|k| planned[k].to_string())),
        Column::new(
            "diff",
            6,
            of(&|k| match i64::from(planned[k]) - i64::from(erlang[k]) {
                0 => "=".to_string(),
                d => format!("{d:+}"),
            }),
        ),
        Column::new("sched", 7, of(&|k| scheduled[k].to_string())),
        Column::new("SL%", 7, kpi(Kpi::ServiceLevel, false)),
        Column::new("±", 6, kpi(Kpi::ServiceLevel, true)),
        Column::new("aband%", 8, kpi(Kpi::AbandonRate, false)),
        Column::new("±", 6, kpi(Kpi::AbandonRate, true)),
        Column::new("occ%", 7, kpi(Kpi::Occupancy, false)),
        Column::new("days%", 7, of(&|k| pct(plan.days_met.get(k).copied()))),
    ];
    let target = plan.service_level_target();
    let misses = (0..n)
        .map(|k| {
            plan.check.intervals[k]
                .get(Kpi::ServiceLevel)
                .is_some_and(|v| v.mean.is_finite() && v.mean < target)
                .then(String::new)
        })
        .collect();
    (columns, misses)
}

/// What a plan of one queue says about its day: where it departs from Erlang, the days
/// meeting the targets, overworked intervals, agent-hours, cost, the final check, and the
/// cost goal's comparisons.
fn queue_day(plan: &Plan) -> String {
    let sc = &plan.check.scenario;
    let mut out = departures(plan);
    out.push_str(&days_line(plan));
    out.push_str(&overworked(plan));
    let _ = writeln!(
        out,
        "  agent-hours on the phones: {:.1} (Erlang {}: {:.1}); scheduled: {:.1} with {:.0}% shrinkage",
        plan.agent_hours(),
        match plan.models.first() {
            Some(Model::ErlangA { .. }) => "A",
            _ => "C",
        },
        plan.erlang_hours(),
        plan.scheduled_hours(),
        plan.shrinkage * 100.0
    );
    if let Some(c) = plan.cost_per_day() {
        let _ = writeln!(out, "  total cost per day: {:.0} ± {:.0}", c.mean, c.ci95);
    }
    let _ = writeln!(
        out,
        "  final check (seed {}): {}",
        sc.seed,
        if plan.raised_by_check == 0 {
            "every interval met the targets as planned".to_string()
        } else {
            format!(
                "{} time(s) an interval fell short with fresh callers and was raised by one \
                 agent, until every interval met the targets",
                plan.raised_by_check
            )
        }
    );
    if plan.raised_by_check > 0 && plan.options.precision.is_none() {
        // the check found what the plan's own simulations were too few to see: enough
        // replications for a 95% half-width of 5 points in the widest interval
        let widest = plan
            .check
            .intervals
            .iter()
            .filter_map(|i| i.get(Kpi::ServiceLevel))
            .map(|v| v.ci95)
            .filter(|c| c.is_finite())
            .fold(0.0, f64::max);
        let n = f64::from(sc.replications);
        let suggested = (n * (widest / 0.05).powi(2)).ceil();
        // (already narrower: the misses are the noise of single agents, nothing to suggest)
        if suggested > n {
            let _ = writeln!(
                out,
                "  to plan with less noise, give more replications: --replications {suggested:.0} \
             narrows the widest interval's service-level band (± {:.1} points) to about ± 5",
                widest * 100.0
            );
        }
    }
    if let Some(tp) = &plan.targets_plan {
        let total: u64 = tp.iter().map(|&a| u64::from(a)).sum();
        let _ = writeln!(
            out,
            "  the plan for the hard targets alone staffs {:.1} agent-hours",
            total as f64 * sc.interval_s / 3600.0
        );
    }
    if !plan.cost_curve.is_empty() {
        let _ = writeln!(
            out,
            "  cost curve (every interval shifted by the same agents):"
        );
        let _ = writeln!(
            out,
            "  {:>6}{:>12}{:>12}{:>8}{:>10}",
            "shift", "agent-h", "cost", "±", "lost"
        );
        for p in &plan.cost_curve {
            let _ = writeln!(
                out,
                "  {:>6}{:>12.1}{:>12.0}{:>8.0}{:>10.1}",
                format!("{:+}", p.shift),
                p.agent_hours,
                p.total_cost.mean,
                p.total_cost.ci95,
                p.lost_customers.mean
            );
        }
    }
    out
}
/// Highest occupancy of a plan not warned about: above it agents have no slack for a peak,
/// breaks or a long call.
const MAX_PLAUSIBLE_OCCUPANCY: f64 = 0.98;

/// A warning line when the plan keeps agents busy more than [`MAX_PLAUSIBLE_OCCUPANCY`] of
/// the time in some intervals (the cost goal can, when lost customers are cheap).
fn overworked(plan: &Plan) -> String {
    let sc = &plan.check.scenario;
    let over: Vec<String> = (0..sc.intervals())
        .filter(|&k| {
            plan.check.intervals[k]
                .get(Kpi::Occupancy)
                .is_some_and(|v| v.mean > MAX_PLAUSIBLE_OCCUPANCY)
        })
        .map(|k| format_clock(sc.interval_start_clock_s(k)))
        .collect();
    if over.is_empty() {
        return String::new();
    }
    format!(
        "  ⚠ occupancy above {:.0}% in {} interval(s) ({}): agents with no slack for a peak or a \
         break; --max-occupancy 0.9 caps it\n",
        MAX_PLAUSIBLE_OCCUPANCY * 100.0,
        over.len(),
        over.join(", ")
    )
}

/// On how many of the final check's days the intervals met every target: on average over
/// the intervals, and the interval that met them on the fewest days.
fn days_line(plan: &Plan) -> String {
    let sc = &plan.check.scenario;
    let Some((worst, &fewest)) = plan
        .days_met
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
    else {
        return String::new();
    };
    let average = plan.days_met.iter().sum::<f64>() / plan.days_met.len() as f64;
    let hint = match plan.options.criterion {
        Criterion::ShareOfDays(_) => "",
        _ if fewest < 0.9 => "; to staff for most days, not the average one: --confidence 0.9",
        _ => "",
    };
    format!(
        "  days meeting every target (final check, {} days): {:.0}% of interval-days; fewest: \
         {} on {:.0}% of days{hint}\n",
        sc.replications,
        average * 100.0,
        format_clock(sc.interval_start_clock_s(worst)),
        fewest * 100.0
    )
}

/// What planning for a share of days costs against planning on the mean (the same scenario,
/// targets and seeds): agent-hours, scheduled hours, cost, and the days each meets.
fn versus_mean(plan: &Plan, on_mean: &Plan) -> String {
    let share = |p: &Plan| {
        if p.days_met.is_empty() {
            f64::NAN
        } else {
            p.days_met.iter().sum::<f64>() / p.days_met.len() as f64
        }
    };
    let change = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:+.1} ({:+.1}%)", a - b, (a / b - 1.0) * 100.0)
        } else {
            format!("{:+.1}", a - b)
        }
    };
    let mut out = format!(
        "  against planning on the mean: {:.1} agent-hours on the phones {}, {:.1} scheduled \
         {}; interval-days meeting every target {:.0}% against {:.0}%\n",
        on_mean.agent_hours(),
        change(plan.agent_hours(), on_mean.agent_hours()),
        on_mean.scheduled_hours(),
        change(plan.scheduled_hours(), on_mean.scheduled_hours()),
        share(plan) * 100.0,
        share(on_mean) * 100.0
    );
    if let (Some(a), Some(b)) = (plan.cost_per_day(), on_mean.cost_per_day()) {
        let _ = writeln!(
            out,
            "  total cost per day: {:.0} against {:.0} on the mean ({:+.0}: {})",
            a.mean,
            b.mean,
            a.mean - b.mean,
            if a.mean < b.mean {
                "the lost customers it saves are worth more than its extra agents"
            } else {
                "its extra agents cost more than the lost customers they save"
            }
        );
    }
    out
}

/// Where and by how much the plan departs from Erlang, in one or two lines.
fn departures(plan: &Plan) -> String {
    let sc = &plan.check.scenario;
    let (planned, erlang) = (plan.planned_agents(), plan.erlang_agents());
    let diffs: Vec<i64> = (0..sc.intervals())
        .map(|k| i64::from(planned[k]) - i64::from(erlang[k]))
        .collect();
    let (more, fewer) = (
        diffs.iter().filter(|&&d| d > 0).count(),
        diffs.iter().filter(|&&d| d < 0).count(),
    );
    let mut out = format!(
        "  vs Erlang: {more} interval(s) need more agents, {fewer} fewer, {} the same",
        diffs.len() - more - fewer
    );
    let mut order: Vec<usize> = (0..diffs.len()).filter(|&k| diffs[k] != 0).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(diffs[k].abs()), k));
    if !order.is_empty() {
        let largest: Vec<String> = order
            .iter()
            .take(3)
            .map(|&k| {
                format!(
                    "{} {:+}",
                    format_clock(sc.interval_start_clock_s(k)),
                    diffs[k]
                )
            })
            .collect();
        let _ = write!(out, "; largest: {}", largest.join(", "));
    }
    out.push('\n');
    out
}

/// The table of call types and agent groups: each group's agents (the split-capacity
/// program's → the plan) and each type's service level in the final check.
fn type_columns(plan: &Plan) -> anyhow::Result<(Vec<Column>, Vec<Option<String>>)> {
    let scenario = &plan.check.scenario;
    let Some(model) = &scenario.skills else {
        bail!("not a multi-skill scenario");
    };
    let n = scenario.intervals();
    let check = plan.check.skills.as_ref();
    let sl =
        |t: usize, k: usize| check.and_then(|c| c.by_type[t].intervals[k].get(Kpi::ServiceLevel));
    let mut columns: Vec<Column> = model
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let cells = (0..n)
                .map(|k| format!("{} → {}", plan.start[k][g], plan.planned[k][g]))
                .collect();
            Column::new(group.name.clone(), 22, cells)
        })
        .collect();
    columns.extend(model.types.iter().enumerate().map(|(t, ty)| {
        let cells = (0..n)
            .map(|k| sl(t, k).map_or("-".to_string(), |v| format!("{:.3}", v.mean)))
            .collect();
        Column::new(format!("SL {}", ty.name), 16, cells)
    }));
    let misses = (0..n)
        .map(|k| {
            let below: Vec<&str> = model
                .types
                .iter()
                .enumerate()
                .filter(|(t, ty)| {
                    sl(*t, k)
                        .is_some_and(|v| v.mean.is_finite() && v.mean < ty.service_level.target)
                })
                .map(|(_, ty)| ty.name.as_str())
                .collect();
            (!below.is_empty()).then(|| format!("{} ", below.join(", ")))
        })
        .collect();
    Ok((columns, misses))
}

/// The day of a plan of call types: its agent-hours by method (each queue planned alone, the
/// shortcut of counting flexible agents for every skill simulated on the final check's
/// callers, the split-capacity program, the plan) and each type's service level over the day.
fn hours_by_method(plan: &Plan) -> anyhow::Result<String> {
    let scenario = &plan.check.scenario;
    let Some(model) = &scenario.skills else {
        bail!("not a multi-skill scenario");
    };
    let mut out = String::new();
    let check = plan.check.skills.as_ref();
    let shortcut: Vec<Vec<u32>> = plan
        .needs
        .iter()
        .map(|row| {
            let needs: Vec<f64> = row.iter().map(|&n| f64::from(n)).collect();
            shortcut_capacity(&model.groups, &needs)
        })
        .collect::<Result<_, _>>()?;
    // the shortcut's staffing, simulated on the check's callers
    let shortcut_check = simulate_one(&skills::staffed(scenario, &shortcut))?;
    let sl_of = |result: &ScenarioResult| {
        let by_type = result.skills.iter().flat_map(|s| s.by_type.iter());
        let parts: Vec<String> = by_type
            .map(|ty| {
                ty.total
                    .get(Kpi::ServiceLevel)
                    .map_or("-".into(), |v| format!("{} {:.3}", ty.name, v.mean))
            })
            .collect();
        parts.join(", ")
    };
    writeln!(
        out,
        "\n  agent-hours of the day{:>38}service level (simulated)",
        ""
    )?;
    for (label, staffing, simulated) in [
        (
            "each queue planned separately (Erlang per type)",
            &plan.needs,
            String::new(),
        ),
        (
            "shortcut: flexible agents counted for every skill",
            &shortcut,
            sl_of(&shortcut_check),
        ),
        (
            "split-capacity LP (each agent counted once)",
            &plan.start,
            String::new(),
        ),
        (
            "planned: LP refined by simulation",
            &plan.planned,
            sl_of(&plan.check),
        ),
    ] {
        writeln!(
            out,
            "  {label:<52}{:>8.1}    {simulated}",
            plan.hours(staffing)
        )?;
    }
    writeln!(
        out,
        "  service level of each type over the day, fresh seeds ({} replications):",
        scenario.replications
    )?;
    for (t, ty) in model.types.iter().enumerate() {
        if let Some(v) = check.and_then(|c| c.by_type[t].total.get(Kpi::ServiceLevel)) {
            writeln!(
                out,
                "    {:<20} {:.3} ± {:.3} (target {} within {} s)",
                ty.name, v.mean, v.ci95, ty.service_level.target, ty.service_level.threshold_s
            )?;
        }
    }
    Ok(out)
}
