//! `callsim roster FILE [--shifts SHIFTS.toml] [--out DIR] [--max-abandon P] [--confidence P]
//! [--replications N] [--shrinkage S] [--no-check] [--png] [--json] [--agents agents.csv]
//! [--threads N]`: turn a staffing plan into shifts at the least paid cost, check them by
//! simulation (judged against the plan's targets as the plan's final check is), write
//! `OUT/<name>/roster.csv`, `coverage.csv`, `roster.json` and `coverage.svg`, and print the
//! shifts and the totals. A scenario with call
//! types is rostered per agent group (`roster.csv` and `coverage.csv` gain an `agent_group`
//! column, `service.csv` holds each call type's check, and each group has its own chart
//! `coverage-<group>.svg`).

use super::inputs::print_problems;
use super::{errln, out};
use crate::model::Scenario;
use crate::plan::PlanOptions;
use crate::report::load::CsvTable;
use crate::roster::agents;
use crate::roster::agents::Agent;
use crate::roster::assign::Staffed;
use crate::roster::output::pct;
use crate::roster::rules::ShiftRules;
use crate::roster::tours::Tour;
use crate::roster::{self, GroupRoster, Roster, grid::Requirement, output};
use crate::scenario;
use crate::units::{format_clock, parse_clock};
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `callsim roster`.
#[derive(Debug, clap::Args)]
pub(super) struct RosterArgs {
    /// A scenario file (planned first, then rostered and checked) or a plan table
    /// (`plan.csv` written by `callsim plan`).
    pub file: PathBuf,
    /// Shift rules: a TOML file with the keys of a scenario's [roster] section at the top
    /// level [default: the scenario's [roster]].
    #[arg(long, value_name = "SHIFTS.toml")]
    pub shifts: Option<PathBuf>,
    /// Folder for the results: OUT/<name>/roster.csv, coverage.csv, roster.json, coverage.svg.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Maximum abandonment rate for the plan, a share in (0, 1), e.g. 0.05 (the scenario's
    /// service-level target is always a target).
    #[arg(long, value_name = "P", allow_negative_numbers = true, value_parser = super::max_abandon_arg)]
    pub max_abandon: Option<f64>,
    /// Plan each day so that every interval meets its targets on at least this share of
    /// simulated days, e.g. 0.9 (as `plan --confidence`), before rostering it.
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub confidence: Option<f64>,
    /// Replications per evaluation of a staffing and of the check [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub replications: Option<u32>,
    /// Shrinkage, a share in [0, 1) of paid time off the phones besides the rostered breaks
    /// [default: [costs], else 0; for a plan table: its plan.json].
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::shrinkage_arg)]
    pub shrinkage: Option<f64>,
    /// Do not simulate the roster.
    #[arg(long)]
    pub no_check: bool,
    /// Also write the coverage chart as PNG.
    #[arg(long)]
    pub png: bool,
    /// Print roster.json on stdout instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// Give the week's tours to the named people of this staff list (a CSV with a header
    /// `name,contract,group,unavailable,preferred`): writes schedule.csv, shortfall.csv,
    /// schedule.json, schedule.html and schedule.svg.
    #[arg(long, value_name = "agents.csv")]
    pub agents: Option<PathBuf>,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
}

/// Reads the shift rules of `--shifts`.
fn shift_file(path: &Path) -> anyhow::Result<ShiftRules> {
    let file = path.display().to_string();
    let text =
        crate::input::read_toml(path).with_context(|| format!("cannot read {file} (--shifts)"))?;
    scenario::validate::shift_file(&text, &file).map_err(|problems| {
        print_problems(&problems);
        anyhow::anyhow!("{file} holds no valid shift rules (see the problems above)")
    })
}

/// True when `path` looks like a plan table rather than a scenario.
fn is_plan_table(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Runs `callsim roster`.
pub(super) fn execute(args: RosterArgs) -> anyhow::Result<()> {
    let rules = args.shifts.as_deref().map(shift_file).transpose()?;
    let pool = super::thread_pool(args.threads)?;
    let started = Instant::now();
    let (roster, people) = if is_plan_table(&args.file) {
        let Some(rules) = rules else {
            bail!(
                "{} is a plan table: give the shift rules with --shifts SHIFTS.toml",
                args.file.display()
            );
        };
        if args.confidence.is_some() || args.max_abandon.is_some() {
            bail!(
                "{} is a plan table, already planned: --confidence and --max-abandon apply \
                 when planning (callsim plan FILE --confidence P, then roster its plan.csv)",
                args.file.display()
            );
        }
        if args.agents.is_some() {
            bail!(
                "--agents gives a week's tours to people: roster a scenario with a week and tour \
                 rules, not a plan table"
            );
        }
        (roster_table(&args, rules)?, None)
    } else {
        pool.install(|| roster_file(&args, rules))?
    };
    let staffing = Instant::now();
    let staffed = people
        .map(|list| {
            pool.install(|| staff(&roster, list.people, &list.path))
                .map(|staffed| (staffed, list.path))
        })
        .transpose()?;
    let staff_s = staffing.elapsed().as_secs_f64();
    let total_s = started.elapsed().as_secs_f64();
    let dir = output::write_roster(
        &args.out,
        &roster,
        staffed.as_ref().map(|(s, _)| s),
        args.png,
    )
    .with_context(|| format!("cannot write the roster of {}", roster.name))?;
    let files = if roster.has_call_types() {
        "roster.csv, coverage.csv, service.csv, roster.json and coverage-<group>.svg"
    } else {
        "roster.csv, coverage.csv, roster.json and coverage.svg"
    };
    let tours = if roster.rules.tours.is_some() {
        " (the tours in tours.csv)"
    } else {
        ""
    };
    errln!("wrote {}/{files}{tours}", dir.display());
    if staffed.is_some() {
        errln!(
            "wrote {}/schedule.csv, shortfall.csv, schedule-coverage.csv, schedule.json, \
             schedule.html and {}",
            dir.display(),
            if roster.has_call_types() {
                "schedule-<group>.svg (open schedule.html in a browser)"
            } else {
                "schedule.svg (open schedule.html in a browser)"
            }
        );
    }
    if args.json {
        // the file just written, as it is
        out!("{}", std::fs::read_to_string(dir.join("roster.json"))?);
    } else {
        out!("{}", render(&roster));
        if let Some((staffed, path)) = &staffed {
            out!("{}", render_people(&roster, staffed, path));
        }
    }
    let columns: usize = roster.groups.iter().map(|g| g.solved.columns).sum();
    let lp_solves: usize = roster.groups.iter().map(|g| g.solved.lp_solves).sum();
    errln!(
        "rostered in {:.3} s ({columns} candidate shifts, {lp_solves} LP solve(s)); \
         {total_s:.2} s in all with planning and the check",
        roster.solve_s
    );
    if let Some((staffed, _)) = &staffed {
        errln!(
            "{} people given the week's tours{} in {staff_s:.3} s (included above)",
            staffed.agents.len(),
            if staffed.days.iter().any(|d| d.check.is_some()) {
                " and the week checked again with their coverage"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// The staff list of `--agents`: its people, and the file they were read from.
struct StaffList {
    /// The people, in the file's order.
    people: Vec<Agent>,
    /// The file (`agents.csv`).
    path: PathBuf,
}

/// Reads the staff list `path` of `--agents` for `scenario` under `rules` (before anything is
/// solved, so that a bad list fails at once): the week's tour rules give the contracts, the
/// scenario the agent groups.
fn read_staff(scenario: &Scenario, rules: &ShiftRules, path: &Path) -> anyhow::Result<StaffList> {
    let (Some(tours), Some(_)) = (&rules.tours, &rules.week) else {
        bail!(
            "--agents gives a week's tours to people: the roster needs a week and tour rules in \
             [roster] (week = [...] and [[roster.contract]], see `callsim roster --help`)"
        );
    };
    let groups = agents::group_skills(scenario);
    let context = agents::StaffContext {
        contracts: &tours.contracts,
        groups: &groups,
    };
    Ok(StaffList {
        people: agents::read_agents(path, context)?,
        path: path.to_path_buf(),
    })
}

/// People of each contract (of `contracts`) in each agent group, at `[group][contract]`:
/// the caps of the week's tours.
fn staff_counts(people: &[Agent], contracts: usize) -> Vec<Vec<u32>> {
    let groups = people.iter().map(|a| a.group + 1).max().unwrap_or(0);
    let mut counts = vec![vec![0u32; contracts]; groups];
    for a in people {
        if let Some(n) = counts[a.group].get_mut(a.contract) {
            *n += 1;
        }
    }
    counts
}

/// Gives the week's tours of `roster` (every group's) to `people`, read from `path` (and
/// checks the week again with their coverage when the roster was checked).
fn staff(roster: &Roster, people: Vec<Agent>, path: &Path) -> anyhow::Result<Staffed> {
    let contracts = roster
        .rules
        .tours
        .as_ref()
        .map(|t| t.contracts.clone())
        .unwrap_or_default();
    let tours: Vec<Tour> = roster
        .groups
        .iter()
        .filter_map(|g| g.tours.as_ref())
        .flat_map(|t| t.tours.iter().cloned())
        .collect();
    roster::assign::staff_week(roster, tours, contracts, people)
        .with_context(|| format!("cannot check the week of {}", path.display()))
}

/// How many people or tours the summary names before "and N more".
const FEW: usize = 10;

/// The first [`FEW`] of `names`, and how many more.
fn first_few(names: &[String]) -> String {
    let mut text = names[..names.len().min(FEW)].join(", ");
    if names.len() > FEW {
        let _ = write!(text, " and {} more", names.len() - FEW);
    }
    text
}

/// The printed summary of the week given to named people.
fn render_people(roster: &Roster, staffed: &Staffed, path: &Path) -> String {
    let json = roster::week_output::schedule_json(roster, staffed);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n  named people ({}): {} of {} given a tour; {} tours, {} paid hours",
        path.display(),
        json.assigned,
        json.people,
        json.tours,
        crate::units::thousands(json.paid_hours, 1)
    );
    if !json.without_tour.is_empty() {
        let _ = writeln!(
            out,
            "  without a tour ({}): {}",
            json.without_tour.len(),
            first_few(&json.without_tour)
        );
    }
    let _ = writeln!(
        out,
        "  tours nobody works: {}; intervals short of heads: {} ({} head-hours)",
        json.unstaffed_tours.len(),
        json.shortfall_intervals,
        crate::units::thousands(json.short_head_hours, 1)
    );
    for u in json.unstaffed_tours.iter().take(FEW) {
        let _ = writeln!(
            out,
            "    {} {} tour ({}, {} h): {}",
            u.agent_group,
            u.contract,
            u.days.join(" "),
            u.paid_hours,
            u.why
        );
    }
    if json.unstaffed_tours.len() > FEW {
        let _ = writeln!(
            out,
            "    ... and {} more (schedule.json, schedule.html)",
            json.unstaffed_tours.len() - FEW
        );
    }
    let _ = writeln!(
        out,
        "  undesired shifts: {} at night, {} at weekends, {} outside a preferred start; at \
         most {} for one person",
        json.undesired.nights,
        json.undesired.weekends,
        json.undesired.off_preference,
        json.undesired.most_for_one_person
    );
    for day in &json.days {
        if let Some(c) = &day.check {
            let _ = writeln!(
                out,
                "  {}: service level {} with the people ({:.1} agent-hours on the phones), {} \
                 with the plan",
                day.day,
                pct(c.service_level),
                day.roster_agent_hours,
                pct(c.plan_service_level)
            );
        }
        for ty in &day.by_type {
            let _ = writeln!(
                out,
                "  {} {:<16} service level {} with the people, {} with the plan",
                day.day,
                ty.call_type,
                pct(ty.check.service_level),
                pct(ty.check.plan_service_level)
            );
        }
    }
    out
}

/// Plans, rosters and checks a scenario file: one queue, or per agent group; with the staff
/// list of `--agents`, read first.
fn roster_file(
    args: &RosterArgs,
    rules: Option<ShiftRules>,
) -> anyhow::Result<(Roster, Option<StaffList>)> {
    let scenario = match scenario::load(&args.file) {
        Ok(sc) => sc,
        Err(problems) => {
            print_problems(&problems);
            bail!(
                "{} cannot be rostered (see the problems above)",
                args.file.display()
            );
        }
    };
    super::inputs::one_day_only(&scenario, &args.file)?;
    let rules = match rules {
        Some(rules) => Some(rules),
        None => {
            let text = crate::input::read_toml(&args.file)?;
            let file = args.file.display().to_string();
            scenario::validate::shift_rules_of(&text, &file).map_err(|problems| {
                print_problems(&problems);
                anyhow::anyhow!("{}: its [roster] section has problems", args.file.display())
            })?
        }
    };
    let Some(rules) = rules else {
        bail!(
            "{} has no shift rules: add a [roster] section (shift_lengths = [\"6h\", \"8h\"], \
             ...) or give --shifts SHIFTS.toml",
            args.file.display()
        );
    };
    let context = || format!("cannot roster {}", args.file.display());
    let mut options = PlanOptions::for_scenario(&scenario);
    options.targets.max_abandon = args.max_abandon;
    options.replications = args.replications.unwrap_or(scenario.replications).max(2);
    options.shrinkage = args.shrinkage;
    if let Some(p) = args.confidence {
        options.criterion = super::plan::share_of_days(p)?;
    }
    if scenario.precision.is_some() {
        errln!(
            "{}",
            crate::plan::own_precision_note(
                &args.file,
                &format!(
                    "each evaluation, the plan's final check and the roster's check simulate {} \
                     replications (--replications); to hold each interval's KPIs to a \
                     precision, plan with `callsim plan --precision` (e.g. service_level=0.05)",
                    options.replications
                )
            )
        );
    }
    let people = args
        .agents
        .as_deref()
        .map(|path| read_staff(&scenario, &rules, path))
        .transpose()?;
    let mut rules = rules;
    if let (Some(list), Some(tours)) = (&people, &mut rules.tours) {
        tours.staff = Some(staff_counts(&list.people, tours.contracts.len()));
    }
    let roster = roster::roster_scenario(&scenario, &rules, &options, !args.no_check)
        .with_context(context)?;
    Ok((roster, people))
}

/// Rosters a plan table (`plan.csv`): its `scheduled_agents` per interval from its `start`
/// times. No simulated check: the table holds no scenario.
fn roster_table(args: &RosterArgs, rules: ShiftRules) -> anyhow::Result<Roster> {
    let path = &args.file;
    if rules.week.is_some() {
        bail!(
            "a week roster plans each weekday from a scenario: give the scenario file, not \
             {}",
            path.display()
        );
    }
    let table = CsvTable::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let starts = table.texts("start").with_context(|| {
        format!(
            "{}: expected a plan table with a `start` column",
            path.display()
        )
    })?;
    let heads = table.numbers("scheduled_agents")?.with_context(|| {
        format!(
            "{}: expected a plan table with a `scheduled_agents` column",
            path.display()
        )
    })?;
    let clocks = starts
        .iter()
        .map(|s| parse_clock(s))
        .collect::<Result<Vec<f64>, _>>()
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}: column `start`", path.display()))?;
    let interval_s = match clocks[..] {
        [a, b, ..] if b > a => b - a,
        _ => bail!(
            "{}: expected at least two intervals with increasing start times",
            path.display()
        ),
    };
    if let Some(k) = (1..clocks.len()).find(|&k| clocks[k] - clocks[k - 1] != interval_s) {
        bail!(
            "{}: the interval starting {} follows {}: expected intervals of equal length \
             ({} s, as the first two)",
            path.display(),
            starts[k],
            starts[k - 1],
            interval_s
        );
    }
    let heads = heads
        .iter()
        .map(|&h| {
            (h.is_finite() && h >= 0.0 && h.fract() == 0.0 && h <= f64::from(u32::MAX))
                .then_some(h as u32)
        })
        .collect::<Option<Vec<u32>>>()
        .with_context(|| {
            format!(
                "{}: column `scheduled_agents`: expected whole numbers of heads >= 0",
                path.display()
            )
        })?;
    let shrinkage = match args.shrinkage {
        Some(s) => s,
        None => plan_json_shrinkage(path).unwrap_or(0.0),
    };
    if !(0.0..1.0).contains(&shrinkage) {
        bail!("--shrinkage must be a share in [0, 1), got {shrinkage}");
    }
    let requirement = Requirement::day(interval_s, clocks[0], heads);
    let started = Instant::now();
    let solved = roster::solve(&requirement, &rules, None)
        .with_context(|| format!("cannot roster {}", path.display()))?;
    let solve_s = started.elapsed().as_secs_f64();
    let name = path
        .parent()
        .and_then(|p| p.file_name())
        .map_or_else(|| "plan".to_string(), |n| n.to_string_lossy().into_owned());
    Ok(Roster {
        name,
        grid: requirement.clone(),
        rules,
        shrinkage,
        groups: vec![GroupRoster {
            name: "agents".into(),
            requirement,
            solved,
            tours: None,
        }],
        days: Vec::new(),
        solve_s,
    })
}

/// The shrinkage recorded in the `plan.json` beside a plan table, if any.
fn plan_json_shrinkage(plan_csv: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(plan_csv.with_file_name("plan.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("shrinkage")?.as_f64()
}

/// The printed roster: the summary first (totals, heads per day, the check), the shift list
/// after. With call types: the totals of every group and each call type's check first, then
/// each group's totals and shifts.
fn render(roster: &Roster) -> String {
    let json = output::roster_json(roster);
    let typed = roster.has_call_types();
    let unlimited = roster.rules.max_shift_types.is_none();
    let priced = roster
        .days
        .first()
        .is_some_and(|d| d.plan.check.scenario.costs.is_some());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} — roster of {}{}: {} shifts, {} shift types",
        roster.name,
        if roster.grid.week { "a week" } else { "a day" },
        if typed { " per agent group" } else { "" },
        json.head.totals.shifts,
        json.head.totals.shift_types
    );
    if typed {
        let _ = writeln!(out, "\n  all groups:");
    }
    let penalty = |g: &crate::roster::GroupRoster| {
        g.tours
            .as_ref()
            .map_or(0.0, |t| t.cost - t.cost_without_short)
    };
    let all_penalty = roster.groups.iter().map(penalty).sum();
    totals(&mut out, &json.head.totals, all_penalty, unlimited, priced);
    tours_summary(&mut out, roster);
    heads_per_day(
        &mut out,
        roster.groups.iter().map(|g| (&g.requirement, &g.solved)),
    );
    for (day, d) in json.days.iter().zip(&roster.days) {
        if d.check.is_none() {
            continue;
        }
        if let Some(check) = &day.check {
            let _ = writeln!(
                out,
                "  {}: service level {} with the roster ({:.1} agent-hours on the phones), {} \
                 with the plan ({:.1}); abandonment {} vs {}",
                day.day,
                pct(check.service_level),
                day.roster_agent_hours,
                pct(check.plan_service_level),
                day.plan_agent_hours,
                pct(check.abandon_rate),
                pct(check.plan_abandon_rate)
            );
            out.push_str(&days_met_line(d));
            continue;
        }
        let _ = writeln!(
            out,
            "  {}: {:.1} agent-hours on the phones with the roster, {:.1} with the plan",
            day.day, day.roster_agent_hours, day.plan_agent_hours
        );
        for ty in &day.by_type {
            let _ = writeln!(
                out,
                "    {:<16} service level {} with the roster, {} with the plan (target \
                 {:.0}%); abandonment {} vs {}",
                ty.call_type,
                pct(ty.check.service_level),
                pct(ty.check.plan_service_level),
                ty.target * 100.0,
                pct(ty.check.abandon_rate),
                pct(ty.check.plan_abandon_rate)
            );
        }
    }
    if !typed {
        let _ = writeln!(out, "\n  the shifts:");
        for g in &roster.groups {
            shift_table(&mut out, &g.requirement, &g.solved);
        }
        return out;
    }
    for (g, gj) in roster.groups.iter().zip(&json.by_group) {
        if gj.totals.shifts == 0 {
            let _ = writeln!(
                out,
                "\n  {}: the plan needs none of them in any interval: no shifts",
                g.name
            );
            continue;
        }
        let _ = writeln!(
            out,
            "\n  {}: {} shifts, {} shift types",
            g.name, gj.totals.shifts, gj.totals.shift_types
        );
        totals(&mut out, &gj.totals, penalty(g), unlimited, priced);
        heads_per_day(&mut out, std::iter::once((&g.requirement, &g.solved)));
        shift_table(&mut out, &g.requirement, &g.solved);
    }
    out
}

/// On how many of the check's days the intervals of day `d` met every target of its plan at
/// once, with the roster and with the plan (the same days, counted as `callsim plan` counts
/// its final check's), and the interval that met them on the fewest days with the roster;
/// empty for call types (the plan counts no days there) or without the check.
fn days_met_line(d: &roster::DayCheck) -> String {
    let (Some(with_roster), Some(with_plan), Some((worst, fewest))) = (
        output::average(&d.days_met),
        output::average(&d.plan.days_met),
        output::fewest(&d.days_met),
    ) else {
        return String::new();
    };
    let sc = &d.plan.check.scenario;
    let clock = |k: usize| format_clock(sc.interval_start_clock_s(k));
    let judged = match d.short.as_deref() {
        None => String::new(),
        Some([]) => format!(
            "\n  {}: by the plan's criterion ({}), every interval meets its targets with the \
             roster",
            d.day,
            d.plan.options.criterion.describe()
        ),
        Some(short) => format!(
            "\n  {}: by the plan's criterion ({}), {} interval(s) miss a target with the \
             roster: {}",
            d.day,
            d.plan.options.criterion.describe(),
            short.len(),
            first_few(&short.iter().map(|&k| clock(k)).collect::<Vec<_>>())
        ),
    };
    format!(
        "  {}: days meeting every target (the check's {} days): {:.0}% of interval-days with \
         the roster, {:.0}% with the plan; fewest with the roster: {} on {:.0}% of \
         days{judged}\n",
        d.day,
        sc.replications,
        with_roster * 100.0,
        with_plan * 100.0,
        clock(worst),
        fewest * 100.0
    )
}

/// The tours of each group that has them: people per contract, paid hours, the objective,
/// the LP bound and the gap, tours whose days off lie apart, and the width of a start block.
/// Where the tours leave heads short, the objective is printed without the shortfall's
/// penalty (which the LP bound and gap carry, in `roster.json`), and the shortfall on its
/// own line, in head-hours.
fn tours_summary(out: &mut String, roster: &Roster) {
    let Some(rules) = &roster.rules.tours else {
        return;
    };
    for g in &roster.groups {
        let Some(t) = &g.tours else { continue };
        let people: Vec<String> = t
            .people_per_contract(rules.contracts.len())
            .iter()
            .zip(&rules.contracts)
            .map(|(n, c)| format!("{n} {}", c.name))
            .collect();
        let objective = if t.short_heads() > 0 {
            format!(
                "objective {:.2} without the shortfall's penalty (the LP bound and gap in \
                 roster.json include it)",
                t.cost_without_short
            )
        } else {
            format!(
                "objective {:.2}, LP bound {:.2}, gap {:.2}%",
                t.cost,
                t.lp_bound,
                t.gap() * 100.0
            )
        };
        let _ = writeln!(
            out,
            "  tours{}: {} people ({}), {:.1} paid hours; {objective}; {} with days off apart; \
             starts within {} of each other",
            if roster.groups.len() > 1 {
                format!(" of {}", g.name)
            } else {
                String::new()
            },
            t.tours.len(),
            people.join(", "),
            t.paid_hours,
            t.days_off_apart,
            crate::units::format_duration(
                (t.block_intervals.saturating_sub(1)) as f64 * g.requirement.interval_s
            )
        );
        if t.short_heads() > 0 {
            let _ = writeln!(
                out,
                "  tours short of the requirement: {} intervals, {:.1} head-hours ({})",
                t.short.iter().filter(|&&s| s > 0).count(),
                t.short_head_hours(g.requirement.interval_s),
                t.short_why(&g.name, &rules.contracts)
            );
        }
    }
}

/// Hours of a full-time day, for the full-time equivalents printed.
const FULL_TIME_DAY_H: f64 = 8.0;

/// Each day's heads (shifts starting that day), their paid hours and full-time equivalents,
/// over the groups given (each its requirement and shifts).
fn heads_per_day<'a>(
    out: &mut String,
    groups: impl Iterator<Item = (&'a Requirement, &'a roster::model::Solved)>,
) {
    let mut days: Vec<(&str, u32, f64)> = Vec::new();
    for (req, s) in groups {
        for (shift, count) in &s.shifts {
            let name = req.day_name(shift.start);
            let hours = shift.paid_hours * f64::from(*count);
            match days.iter_mut().find(|d| d.0 == name) {
                Some(d) => {
                    d.1 += count;
                    d.2 += hours;
                }
                None => days.push((name, *count, hours)),
            }
        }
    }
    for (name, heads, hours) in days {
        let _ = writeln!(
            out,
            "  {name}: {heads} people, {hours:.1} paid hours = {:.1} full-time equivalents \
             ({FULL_TIME_DAY_H} h days)",
            hours / FULL_TIME_DAY_H
        );
    }
}

/// The shifts of `solved` on the grid of `req`, a line each.
fn shift_table(out: &mut String, req: &Requirement, s: &roster::model::Solved) {
    let _ = writeln!(
        out,
        "  {:<5}{:<7}{:<7}{:>7}  {:<13}{:>6}",
        "day", "start", "end", "hours", "break", "heads"
    );
    let clock = |k: usize| format_clock(req.clock_of(k));
    for (shift, count) in &s.shifts {
        let brk = shift.break_at.map_or(String::new(), |(b, len)| {
            format!(
                "{}-{}",
                clock(shift.start + b),
                clock(shift.start + b + len)
            )
        });
        let _ = writeln!(
            out,
            "  {:<5}{:<7}{:<7}{:>7}  {:<13}{:>6}",
            req.day_name(shift.start),
            clock(shift.start),
            clock(shift.start + shift.length),
            shift.paid_hours,
            brk,
            count
        );
    }
}

/// Paid hours against the requirement, cost against the LP bound (`priced`: in currency
/// units; else the cost is the paid hours); `unlimited`: no limit on shift types (an
/// integral LP optimum then proves the roster optimal). `short_penalty`: the part of the
/// cost that prices heads left short by tours (printed without it: it runs into millions;
/// the LP bound and gap, which carry it, stay in `roster.json`).
fn totals(out: &mut String, t: &output::Totals, short_penalty: f64, unlimited: bool, priced: bool) {
    let _ = writeln!(
        out,
        "  paid: {:.1} h, for a requirement of {:.1} head-hours at least ({:.1} h over it)",
        t.paid_hours, t.required_head_hours, t.over_head_hours
    );
    let (unit, decimals) = if priced {
        (" (currency units)", 2)
    } else {
        (" paid hours", 1)
    };
    if short_penalty > 0.0 {
        let _ = writeln!(
            out,
            "  cost: {}{unit} without the shortfall's penalty (the LP bound and gap in \
             roster.json include it)",
            crate::units::thousands(t.cost - short_penalty, decimals),
        );
        return;
    }
    let _ = writeln!(
        out,
        "  cost: {}{unit}; LP bound: {}; gap {:.2}%{}",
        crate::units::thousands(t.cost, decimals),
        crate::units::thousands(t.lp_bound_cost, decimals),
        t.gap * 100.0,
        if t.lp_integral && unlimited {
            " (the LP optimum is integral: the roster is optimal)"
        } else {
            ""
        }
    );
}
