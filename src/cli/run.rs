//! `callsim run FILES_OR_DIRS... [--out DIR] [--replications N] [--seed S] [--threads N]
//! [--json]`: simulate, write `OUT/<name>/summary.json` and `intervals.csv`, print a table.

use super::inputs::{load_all, print_problems, scenario_files};
use super::{errln, outln};
use crate::model::RunKind;
use crate::report::{self, summary_json};
use crate::simulate::{ScenarioResult, simulate_each};
use crate::stats::{Kpi, Precision, precision};
use crate::units::{format_clock, format_duration};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `callsim run`.
#[derive(Debug, clap::Args)]
pub(super) struct RunArgs {
    /// Scenario files, or folders whose *.toml files (not sub-folders) are all run.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Folder for the results: OUT/<name>/summary.json and intervals.csv.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replications per scenario, overriding the files.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replications: Option<u32>,
    /// Run replications until these whole-run KPIs are this precise (95% half-width), e.g.
    /// service_level=0.005,abandon_rate=0.002 (in the KPI's unit: 0.005 is half a point) or
    /// asa_s=2% (of its mean); --replications is then the first batch (at least 10).
    #[arg(long, value_name = "KPI=HW,...")]
    pub precision: Option<String>,
    /// Most replications a run to a precision may take.
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    pub max_replications: Option<u32>,
    /// Estimate the whole-run KPIs with a control variate: each corrected by how many
    /// customers called against how many the arrival rates expect (narrower intervals when
    /// days differ in volume; not for scenarios with proactive contact).
    #[arg(long)]
    pub control_variate: bool,
    /// Stratified days: each block of 10 replications has one day from each tenth of the
    /// busyness distribution (quietest to busiest), and the whole-run KPIs are stratified means
    /// (with --control-variate, corrected by the customers too). Replications are rounded up
    /// to whole blocks, at least 40. Not for runs of several days.
    #[arg(long)]
    pub stratified_days: bool,
    /// Seed, overriding the files.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Print {"scenarios": [summary, ...]} on stdout instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// Do not draw charts or write the HTML report.
    #[arg(long)]
    pub no_charts: bool,
    /// Also write every chart as PNG (SVG is always written).
    #[arg(long)]
    pub png: bool,
    /// Compare every scenario with the first: KPI differences with the 95% CI of paired
    /// replications (same seed, same callers); also writes OUT/comparison.csv.
    #[arg(long)]
    pub compare: bool,
    /// Also write the call-by-call log of replication 0 (the first day) to this CSV file
    /// (arrival, wait_s, outcome, talk_s); needs exactly one scenario.
    #[arg(long)]
    pub calls_csv: Option<PathBuf>,
    /// Write the event trace of one simulated day (replication 0) to this JSONL file: every
    /// call's arrival, wait, answer or hang-up and the agents' level; needs exactly one scenario.
    #[arg(long, value_name = "FILE.jsonl")]
    pub trace: Option<PathBuf>,
}

/// Runs `callsim run`.
pub(super) fn execute(args: RunArgs) -> anyhow::Result<()> {
    let (files, mut problems) = scenario_files(&args.paths);
    let unreadable_folders = problems.len();
    let (mut scenarios, mut load_problems) = load_all(&files);
    problems.append(&mut load_problems);
    print_problems(&problems);
    if args.calls_csv.is_some() && files.len() != 1 {
        anyhow::bail!(
            "--calls-csv logs the calls of one scenario: give exactly one scenario file ({} given)",
            files.len()
        );
    }
    if args.trace.is_some() && files.len() != 1 {
        anyhow::bail!(
            "--trace records one day of one scenario: give exactly one scenario file ({} given)",
            files.len()
        );
    }
    let precision = args
        .precision
        .as_deref()
        .map(|text| {
            Precision::parse(
                text,
                args.max_replications
                    .unwrap_or(precision::DEFAULT_MAX_REPLICATIONS),
            )
        })
        .transpose()
        .map_err(|e| anyhow::anyhow!("--precision: {e}"))?;
    for sc in &mut scenarios {
        if let Some(r) = args.replications {
            sc.replications = r;
        }
        if let Some(p) = &precision {
            sc.precision = Some(p.clone());
        }
        sc.control_variate |= args.control_variate;
        if let Some(s) = args.seed {
            sc.seed = s;
        }
        if args.stratified_days
            && let Err(why) = sc.stratify_days()
        {
            errln!("warning: {}: {why}: independent days", sc.name);
        }
    }
    for sc in scenarios.iter_mut().filter(|sc| sc.control_variate) {
        if crate::simulate::expected_customers(sc).is_none() {
            errln!(
                "warning: {}: no control variate with proactive contact (it changes how many \
                 customers call): plain means",
                sc.name
            );
            sc.control_variate = false;
        }
    }
    // a KPI the scenario does not produce cannot be made precise: that scenario is not run
    scenarios.retain(|sc| {
        let produced = crate::simulate::kpis_of(sc);
        let missing: Vec<&str> = sc
            .precision
            .iter()
            .flat_map(|p| &p.targets)
            .map(|&(k, _)| k)
            .filter(|k| !produced.contains(k))
            .map(|k| k.name())
            .collect();
        if !missing.is_empty() {
            errln!(
                "error: {}: --precision names {} but this scenario has no such KPI (its \
                 mechanism is not in the file)",
                sc.name,
                missing.join(", ")
            );
        }
        missing.is_empty()
    });
    let pool = super::thread_pool(args.threads)?;
    let started = Instant::now();
    // each scenario is written as soon as its last replication is in, so that a later
    // scenario that runs away (or a kill) leaves the earlier ones' folders whole
    let mut results: Vec<ScenarioResult> = Vec::with_capacity(scenarios.len());
    let (mut run_failures, mut write_failures) = (0, 0);
    let mut writing_s = 0.0;
    let options = report::pages::ReportOptions { png: args.png };
    let charts = (!args.no_charts).then_some(options);
    let mut drawn = Vec::new();
    pool.install(|| {
        simulate_each(
            &scenarios,
            || true,
            |_, outcome| {
                let result = match outcome {
                    Ok(result) => result,
                    Err(e) => {
                        // a scenario that ran away is reported; the others keep their results
                        run_failures += 1;
                        errln!("error: {e}");
                        return;
                    }
                };
                let write_started = Instant::now();
                match report::write_scenario_with(&args.out, &result, charts) {
                    Ok((dir, figures)) => {
                        errln!("wrote {}/", dir.display());
                        drawn.extend(figures);
                    }
                    Err(e) => {
                        write_failures += 1;
                        errln!(
                            "error: cannot write the results of {}: {e}",
                            result.scenario.name
                        );
                    }
                }
                writing_s += write_started.elapsed().as_secs_f64();
                if !args.json {
                    outln!("{}", table(&result));
                }
                results.push(result);
            },
        )
    });
    let elapsed = started.elapsed().as_secs_f64() - writing_s;

    if !args.no_charts
        && write_failures == 0
        && let Err(e) = report::pages::write_run_index(&args.out, drawn, options)
    {
        write_failures += 1;
        errln!("error: cannot write the charts and report: {e}");
    }
    if args.compare && results.len() < 2 {
        errln!(
            "note: nothing to compare: --compare needs two scenarios or more ({} ran)",
            results.len()
        );
    }
    if args.compare && results.len() >= 2 {
        let base = &results[0].scenario;
        for other in &results[1..] {
            let sc = &other.scenario;
            if (sc.seed, sc.replications) != (base.seed, base.replications) {
                errln!(
                    "warning: {} has seed {} and {} replications, {} has seed {} and {}: they \
                     do not see the same callers, so the difference's CI is the unpaired one",
                    sc.name,
                    sc.seed,
                    sc.replications,
                    base.name,
                    base.seed,
                    base.replications
                );
            }
        }
        let diffs = report::compare::differences(&results);
        let baseline = &results[0].scenario.name;
        let csv = report::compare::comparison_csv(baseline, &diffs)?;
        if let Err(e) = report::write_atomic(&args.out.join("comparison.csv"), &csv) {
            write_failures += 1;
            errln!("error: cannot write the comparison: {e}");
        }
        if !args.json {
            outln!("{}", comparison_table(baseline, &diffs));
        }
    }
    if let (Some(path), Some(sc)) = (&args.calls_csv, scenarios.first()) {
        let log = crate::fit::calls::calls_csv(
            &crate::simulate::record::log_replication(sc, 0)
                .map_err(|why| anyhow::anyhow!("scenario {}: {why}", sc.name))?,
        );
        match report::write_atomic(path, log.as_bytes()) {
            Ok(()) => errln!("wrote {}", path.display()),
            Err(e) => {
                write_failures += 1;
                errln!("error: cannot write {}: {e}", path.display());
            }
        }
    }
    if let (Some(path), Some(first)) = (&args.trace, scenarios.first())
        && let Err(e) = write_trace(path, first)
    {
        write_failures += 1;
        errln!("error: cannot write the trace {}: {e}", path.display());
    }
    if args.json {
        let summaries: Vec<_> = results.iter().map(summary_json).collect();
        outln!("{}", serde_json::json!({ "scenarios": summaries }));
    }
    let calls: u64 = results.iter().map(|r| r.calls_simulated).sum();
    if !results.is_empty() {
        errln!(
            "simulated {calls} calls in {elapsed:.2} s ({:.1} million calls/s)",
            calls as f64 / elapsed.max(1e-9) / 1e6
        );
    }
    let not_run = files.len() - scenarios.len() + unreadable_folders + run_failures;
    if not_run == 0 && write_failures == 0 {
        Ok(())
    } else {
        anyhow::bail!(
            "{} scenario(s) ran and were written; {not_run} could not be run and {write_failures} \
             could not be written (see the errors above)",
            results.len() - write_failures
        )
    }
}

/// Writes the event trace of replication 0 of `scenario` to `path`.
fn write_trace(path: &std::path::Path, scenario: &crate::model::Scenario) -> anyhow::Result<()> {
    let recorder = crate::simulate::record::record_day(scenario, 0)?;
    report::write_atomic(path, &report::trace::trace_jsonl(scenario, 0, &recorder))?;
    errln!("wrote {}", path.display());
    Ok(())
}

/// The comparison printed by `--compare`: one block per scenario against the baseline.
fn comparison_table(baseline: &str, diffs: &[report::compare::Difference]) -> String {
    let mut out = String::new();
    let mut current = "";
    for d in diffs {
        if d.scenario != current {
            current = &d.scenario;
            out.push_str(&format!(
                "\n{} vs {baseline} (difference = {} − {baseline}; 95% CI of paired replications, unpaired for reference)\n  {:<24}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
                d.scenario, d.scenario, "KPI", baseline_short(baseline), "scenario", "difference", "± paired", "± unpaired"
            ));
        }
        // every number of a row to the decimals of the paired half-width, in the KPI's format
        let f = |x: f64| d.kpi.format(x, d.paired.ci95).0;
        let (difference, paired) = d.kpi.format(d.paired.mean, d.paired.ci95);
        out.push_str(&format!(
            "  {:<24}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
            d.kpi.name(),
            f(d.baseline),
            f(d.value),
            difference,
            paired,
            d.kpi.format(d.unpaired.mean, d.unpaired.ci95).1
        ));
    }
    out
}

/// A column title for the baseline: its name, cut to fit.
fn baseline_short(name: &str) -> String {
    name.chars().take(11).collect()
}

/// The compact table printed for one scenario.
fn table(result: &ScenarioResult) -> String {
    let sc = &result.scenario;
    let span = match sc.kind {
        RunKind::WorkingDay { .. } => format!(
            "working day {}–{}, {} intervals of {}",
            format_clock(sc.interval_start_clock_s(0)),
            format_clock(sc.interval_start_clock_s(sc.intervals())),
            sc.intervals(),
            format_duration(sc.interval_s)
        ),
        RunKind::SteadyState { warmup_s } => format!(
            "steady state, {:.1} h measured after {:.1} h warm-up",
            sc.interval_s * sc.intervals() as f64 / 3600.0,
            warmup_s / 3600.0
        ),
    };
    let (span, whole) = if sc.days > 1 {
        let carry = if sc.carry_over {
            "customers due at closing carried over to the next morning"
        } else {
            "each day alone"
        };
        (
            format!("{} days, each a {span}, {carry}", sc.days),
            format!("KPI (the {} days)", sc.days),
        )
    } else {
        (span, "KPI (whole run)".to_string())
    };
    let mut out = format!(
        "\n{} — {span}; {} replications, seed {}\n  {:<24}{:>12}{:>12}\n",
        sc.name, sc.replications, sc.seed, whole, "mean", "± 95% CI"
    );
    let threshold = match sc.skills {
        Some(_) => "its type's threshold".to_string(),
        None => format!("{} s", sc.service_level.threshold_s),
    };
    for (kpi, v) in result.total.iter() {
        let target = sc.service_level.target;
        let note = match kpi {
            Kpi::ServiceLevel if sc.skills.is_none() && v.mean < target => format!(
                "answered within {threshold} ÷ offered   ✗ below its {:.0}% target",
                100.0 * target
            ),
            Kpi::ServiceLevel => format!("answered within {threshold} ÷ offered"),
            Kpi::ServiceLevelAnswered => format!("answered within {threshold} ÷ answered"),
            _ => String::new(),
        };
        let (mean, ci) = kpi.format(v.mean, v.ci95);
        let line = format!("  {:<24}{:>12}{:>12}  {note}", kpi.name(), mean, ci);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(skills) = &result.skills {
        out.push_str(&skill_tables(sc, skills));
    }
    if !result.days.is_empty() {
        out.push_str(&day_table(result));
    }
    if sc.stratified_days {
        out.push_str(&format!(
            "  estimator: stratified days, blocks of {} replications with one day from each \
             tenth of the busyness distribution\n",
            crate::model::arrivals::STRATA
        ));
    }
    if let Some(mu) = result.control_expected {
        out.push_str(&format!(
            "  estimator: control variate, every KPI but customers corrected by the customers \
             who called against the {} expected\n",
            crate::units::thousands(mu, 1)
        ));
    }
    if let Some(reached) = &result.precision {
        out.push_str(&precision_line(reached));
    }
    out
}

/// Several days: each day's main KPIs (means ± 95% CI), and the whole run's.
fn day_table(result: &ScenarioResult) -> String {
    let columns: Vec<Kpi> = [
        Kpi::Customers,
        Kpi::ServiceLevel,
        Kpi::AbandonRate,
        Kpi::Retrials,
        Kpi::LostCustomers,
        Kpi::CarriedIn,
        Kpi::CarriedOver,
    ]
    .into_iter()
    .filter(|k| result.total.get(*k).is_some())
    .collect();
    let mut out = format!("  {:<8}", "day");
    for k in &columns {
        out.push_str(&format!("{:>20}", k.name()));
    }
    out.push('\n');
    let rows = result
        .days
        .iter()
        .enumerate()
        .map(|(d, set)| ((d + 1).to_string(), set))
        .chain([("all".to_string(), &result.total)]);
    for (day, set) in rows {
        out.push_str(&format!("  {day:<8}"));
        for &k in &columns {
            let cell = set.get(k).map_or(String::new(), |v| {
                let (mean, ci) = k.format(v.mean, v.ci95);
                format!("{mean} ± {ci}")
            });
            out.push_str(&format!("{cell:>20}"));
        }
        out.push('\n');
    }
    out
}

/// How precise the run got: the replications it took, each KPI's half-width against the one
/// asked, and what to do when the maximum stopped it.
fn precision_line(reached: &crate::stats::PrecisionReached) -> String {
    let verdict = if reached.met {
        format!("precise enough after {} replications", reached.replications)
    } else {
        format!(
            "stopped at the maximum of {} replications before every KPI was that precise \
             (raise --max-replications, or ask for less)",
            reached.replications
        )
    };
    format!(
        "  precision: {verdict}: {}\n",
        half_widths(reached.kpis.iter().copied(), reached.met)
    )
}

/// Each named KPI's 95% half-width reached against the one asked, as people read them:
/// `service_level ± 0.83% (asked ±0.0005: ± 0.050%) ✗, ...`; ✗ marks a half-width wider than
/// allowed (none when the precision was `met`: a KPI no replication defined counts as met).
pub(super) fn half_widths<A: std::fmt::Display>(
    kpis: impl IntoIterator<Item = (Kpi, A, f64, f64)>,
    met: bool,
) -> String {
    let parts: Vec<String> = kpis
        .into_iter()
        .map(|(kpi, asked, allowed, got)| {
            let mark = if met || got <= allowed { "" } else { " ✗" };
            let (_, got) = kpi.format(0.0, got);
            let (_, allowed) = kpi.format(0.0, allowed);
            format!("{} ± {got} (asked {asked}: ± {allowed}){mark}", kpi.name())
        })
        .collect();
    parts.join(", ")
}

/// Per call type and per agent group (multi-skill scenarios): means ± 95% CI.
fn skill_tables(sc: &crate::model::Scenario, skills: &crate::simulate::SkillResult) -> String {
    let cell = |kpi: Kpi, v: crate::stats::MeanCi| {
        let (mean, ci) = kpi.format(v.mean, v.ci95);
        format!("{mean} ± {ci}")
    };
    let mut out = format!(
        "  {:<20}{:>18}{:>18}{:>18}{:>18}{:>18}\n",
        "call type", "offered", "service_level", "asa_s", "abandon_rate", "lost_customers"
    );
    for (t, ty) in skills.by_type.iter().enumerate() {
        let get = |k: Kpi| ty.total.get(k).map(|v| cell(k, v)).unwrap_or_default();
        let threshold = sc
            .skills
            .as_ref()
            .map_or(0.0, |m| m.types[t].service_level.threshold_s);
        out.push_str(&format!(
            "  {:<20}{:>18}{:>18}{:>18}{:>18}{:>18}  (within {threshold} s)\n",
            ty.name,
            get(Kpi::Offered),
            get(Kpi::ServiceLevel),
            get(Kpi::AsaS),
            get(Kpi::AbandonRate),
            get(Kpi::LostCustomers)
        ));
    }
    out.push_str(&format!(
        "  {:<20}{:>18}{:>18}{:>18}  handled by type\n",
        "agent group", "staffed_agents", "occupancy", "handled"
    ));
    for (g, group) in skills.by_group.iter().enumerate() {
        let by_type: Vec<String> = skills
            .by_type
            .iter()
            .enumerate()
            .filter(|(t, _)| skills.handled[*t][g].mean > 0.0)
            .map(|(t, ty)| {
                let handled = skills.handled[t][g];
                format!(
                    "{} {}",
                    ty.name,
                    Kpi::Answered.format(handled.mean, handled.ci95).0
                )
            })
            .collect();
        out.push_str(&format!(
            "  {:<20}{:>18}{:>18}{:>18}  {}\n",
            group.name,
            cell(Kpi::Agents, group.total.staffed_agents),
            cell(Kpi::Occupancy, group.total.occupancy),
            cell(Kpi::Answered, group.total.handled),
            by_type.join(", ")
        ));
    }
    out
}
