//! `callsim plan FILE` for a multi-skill scenario: agents per group and interval meeting every
//! call type's own service-level target (split-capacity linear program, then simulation with
//! common random numbers, then a check with fresh seeds); writes `plan-groups.csv` and
//! `plan-types.csv` and prints the plan next to planning each queue separately.

use super::plan::{CriterionArg, Optimize, PlanArgs};
use crate::model::Scenario;
use crate::plan::skills::{
    SkillPlan, check_staffing, plan_skills, shortcut_capacity, write_skill_plan,
};
use crate::stats::Kpi;
use crate::units::format_clock;
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::time::Instant;

/// Plans `scenario`, which has call types.
pub fn execute(args: &PlanArgs, scenario: &Scenario) -> anyhow::Result<()> {
    if args.target_sl.is_some()
        || args.threshold.is_some()
        || args.max_abandon.is_some()
        || args.max_asa.is_some()
        || args.max_occupancy.is_some()
        || args.write_scenario
        || args.json
        || args.shrinkage.is_some()
        || args.optimize != Optimize::Targets
        || args.criterion != CriterionArg::Mean
    {
        bail!(
            "{} has several call types: each type's target is its own [[call_type]] \
             service_level; --target-sl, --threshold, --max-abandon, --max-asa, \
             --max-occupancy, --shrinkage, --write-scenario, --optimize, --criterion and --json \
             apply to single-queue plans (this plan is in plan-groups.csv and plan-types.csv)",
            args.file.display()
        );
    }
    let pool = super::thread_pool(args.threads)?;
    let replications = args.replications.unwrap_or(scenario.replications);
    let started = Instant::now();
    let plan = pool
        .install(|| plan_skills(scenario, replications))
        .with_context(|| format!("cannot plan {}", args.file.display()))?;
    let elapsed = started.elapsed().as_secs_f64();
    let dir = write_skill_plan(&args.out, &plan)
        .with_context(|| format!("cannot write the plan of {}", scenario.name))?;
    eprintln!("wrote {}/plan-groups.csv and plan-types.csv", dir.display());
    print!("{}", render(scenario, &plan)?);
    eprintln!(
        "planned in {elapsed:.2} s: {} whole-day simulations of {replications} replications{}",
        plan.evaluations,
        if plan.capped {
            " (stopped lowering at the cap of simulations)"
        } else {
            ""
        }
    );
    Ok(())
}

/// The printed plan: agents per group and interval, each type's checked service level, and
/// the day's agent-hours by method.
fn render(scenario: &Scenario, plan: &SkillPlan) -> anyhow::Result<String> {
    let Some(model) = &scenario.skills else {
        bail!("not a multi-skill scenario");
    };
    let mut out = String::new();
    writeln!(
        out,
        "\n{}: planned agents per group (split-capacity LP → after simulation)",
        scenario.name
    )?;
    write!(out, "  {:<8}", "start")?;
    for g in &model.groups {
        write!(out, "{:>22}", g.name)?;
    }
    for t in &model.types {
        write!(out, "{:>16}", format!("SL {}", t.name))?;
    }
    writeln!(out)?;
    let check = plan.check.skills.as_ref();
    for k in 0..scenario.intervals() {
        write!(
            out,
            "  {:<8}",
            format_clock(scenario.interval_start_clock_s(k))
        )?;
        for g in 0..model.groups.len() {
            write!(
                out,
                "{:>22}",
                format!("{} → {}", plan.start[k][g], plan.agents[k][g])
            )?;
        }
        for t in 0..model.types.len() {
            let sl = check
                .and_then(|c| c.by_type[t].intervals[k].get(Kpi::ServiceLevel))
                .map_or("-".to_string(), |v| format!("{:.3}", v.mean));
            write!(out, "{sl:>16}")?;
        }
        writeln!(out)?;
    }
    let shortcut: Vec<Vec<u32>> = plan
        .needs
        .iter()
        .map(|row| {
            let needs: Vec<f64> = row.iter().map(|&n| f64::from(n)).collect();
            shortcut_capacity(&model.groups, &needs)
        })
        .collect::<Result<_, _>>()?;
    // the shortcut's staffing, simulated on the check's callers
    let shortcut_check = check_staffing(scenario, &shortcut, plan.check.scenario.replications)?;
    let sl_of = |result: &crate::simulate::ScenarioResult| {
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
            &plan.agents,
            sl_of(&plan.check),
        ),
    ] {
        writeln!(
            out,
            "  {label:<52}{:>8.1}    {simulated}",
            plan.agent_hours(staffing)
        )?;
    }
    writeln!(
        out,
        "  service level of each type over the day, fresh seeds ({} replications):",
        plan.check.scenario.replications
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
