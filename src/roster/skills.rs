//! Rosters per agent group, for a scenario with call types and agent groups.
//!
//! 1. **Plan** each day with the planner ([`crate::plan::plan`]): agents on the
//!    phones per group and interval meeting every call type's own target.
//! 2. **Requirement per group**: that group's planned agents ÷ (1 − shrinkage), rounded up.
//! 3. **Shifts per group**: a group's people take only the group's skills, so each group is
//!    its own covering program under the same shift rules (the programs share no variable:
//!    their optima add up to the optimum of the whole roster; `max_shift_types` is per group).
//! 4. **Check**: every group's coverage, less shrinkage, becomes that group's agents per
//!    interval, and the day is simulated with the seeds of the plan's check, so each call
//!    type's service level under the roster is compared with the plan's on the same callers.

use super::grid::Requirement;
use super::model::Solved;
use super::rules::ShiftRules;
use super::{Layout, RosterError, on_phones};
use crate::model::Scenario;
use crate::plan::skills::staffed;
use crate::plan::{Plan, PlanOptions};
use crate::simulate::{ScenarioResult, simulate};

/// The shifts of one agent group.
#[derive(Debug, Clone)]
pub struct GroupRoster {
    /// The group's name (`[[agent_group]] name`).
    pub name: String,
    /// Heads of this group required per interval.
    pub requirement: Requirement,
    /// The group's shifts and the program's figures.
    pub solved: Solved,
}

/// One day of a multi-skill roster: its plan and its check by simulation.
#[derive(Debug, Clone)]
pub struct SkillDay {
    /// `day`, or the weekday (`Mon` … `Sun`).
    pub day: String,
    /// The plan of that day (agents per interval and group, and its check with fresh seeds).
    pub plan: Plan,
    /// For each of the plan's intervals, the interval of the roster's grid it is.
    pub slots: Vec<usize>,
    /// The roster's coverage less shrinkage simulated with the seeds of the plan's check;
    /// `None` when not checked.
    pub check: Option<ScenarioResult>,
}

/// A roster of every agent group of a multi-skill scenario.
#[derive(Debug, Clone)]
pub struct SkillRoster {
    /// Name of the scenario.
    pub name: String,
    /// The rules used (the same for every group).
    pub rules: ShiftRules,
    /// Shrinkage: share of paid time off the phones besides the rostered breaks.
    pub shrinkage: f64,
    /// The shifts of each group, in the order of the scenario's `[[agent_group]]`s.
    pub groups: Vec<GroupRoster>,
    /// The days planned and checked.
    pub days: Vec<SkillDay>,
    /// Seconds the groups' covering programs took (wall clock: printed, never written to a
    /// file).
    pub solve_s: f64,
}

impl SkillRoster {
    /// The grid all groups share (the first group's; every group has the same grid).
    pub fn grid(&self) -> Option<&Requirement> {
        self.groups.first().map(|g| &g.requirement)
    }
}

/// Plans the day(s) of the multi-skill `scenario` with `replications` per evaluation and
/// builds each group's requirement: scheduled heads per interval (planned agents ÷ (1 −
/// `shrinkage`), rounded up). Runs on the current rayon pool.
pub fn plan_days(
    scenario: &Scenario,
    rules: &ShiftRules,
    replications: u32,
    shrinkage: f64,
) -> Result<(Vec<Requirement>, Vec<SkillDay>), RosterError> {
    let Some(model) = &scenario.skills else {
        return Err(RosterError::Scenario(format!(
            "{} has a single queue: roster it with roster::plan_days",
            scenario.name
        )));
    };
    let layout = Layout::of(scenario, rules)?;
    let plans = layout.plan_days(scenario, |sc| {
        let options = PlanOptions {
            replications,
            shrinkage: Some(shrinkage),
            ..PlanOptions::for_scenario(sc)
        };
        Ok(crate::plan::plan(sc, &options)?)
    })?;
    let requirements = (0..model.groups.len())
        .map(|g| layout.requirement(|d, k| plans[d].scheduled[k][g]))
        .collect();
    let days = layout
        .days
        .into_iter()
        .zip(plans)
        .map(|((day, _, slots), plan)| SkillDay {
            day,
            plan,
            slots,
            check: None,
        })
        .collect();
    Ok((requirements, days))
}

/// Rosters each group's requirement under `rules`; an error names the group.
pub fn solve_groups(
    scenario: &Scenario,
    requirements: Vec<Requirement>,
    rules: &ShiftRules,
) -> Result<Vec<GroupRoster>, RosterError> {
    let names = scenario
        .skills
        .iter()
        .flat_map(|m| m.groups.iter().map(|g| g.name.clone()));
    let agent_per_hour = scenario.costs.map(|c| c.agent_per_hour);
    names
        .zip(requirements)
        .map(
            |(name, requirement)| match super::solve(&requirement, rules, agent_per_hour) {
                Ok(solved) => Ok(GroupRoster {
                    name,
                    requirement,
                    solved,
                }),
                Err(e) => Err(RosterError::Group {
                    group: name,
                    source: Box::new(e),
                }),
            },
        )
        .collect()
}

/// Agents on the phones of each group (`[k][g]`) in each of the day's intervals, from the
/// groups' coverage less shrinkage.
pub fn day_agents(day: &SkillDay, groups: &[GroupRoster], shrinkage: f64) -> Vec<Vec<u32>> {
    day.slots
        .iter()
        .map(|&t| {
            groups
                .iter()
                .map(|g| on_phones(g.solved.covered[t], shrinkage))
                .collect()
        })
        .collect()
}

/// Simulates every day of the roster (all days in one parallel batch) with the seeds of the
/// plan's check, and stores the results in `days`.
pub fn check_days(
    days: &mut [SkillDay],
    groups: &[GroupRoster],
    shrinkage: f64,
) -> Result<(), crate::simulate::RunError> {
    let scenarios: Vec<Scenario> = days
        .iter()
        .map(|d| staffed(&d.plan.check.scenario, &day_agents(d, groups, shrinkage)))
        .collect();
    for (day, result) in days.iter_mut().zip(simulate(&scenarios)) {
        day.check = Some(result?);
    }
    Ok(())
}

/// Plans, rosters (per group) and checks the multi-skill `scenario` with `rules`:
/// `callsim roster FILE` for a scenario with call types. `check` simulates the roster.
pub fn roster_scenario(
    scenario: &Scenario,
    rules: &ShiftRules,
    replications: u32,
    shrinkage: f64,
    check: bool,
) -> Result<SkillRoster, RosterError> {
    let (requirements, mut days) = plan_days(scenario, rules, replications, shrinkage)?;
    let started = std::time::Instant::now();
    let groups = solve_groups(scenario, requirements, rules)?;
    let solve_s = started.elapsed().as_secs_f64();
    if check {
        check_days(&mut days, &groups, shrinkage)?;
    }
    Ok(SkillRoster {
        name: scenario.name.clone(),
        rules: rules.clone(),
        shrinkage,
        groups,
        days,
        solve_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::rules::StartTimes;

    fn two_groups() -> Scenario {
        let text = r#"
name = "two-groups"
seed = 5
replications = 4
[time]
open = "08:00"
interval = "30m"
intervals = 8
[service_level]
threshold = "20s"
target = 0.8
[[call_type]]
name = "sales"
arrivals = { per_interval = [20, 40, 60, 60, 40, 30, 20, 10] }
handle_time = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[call_type]]
name = "support"
arrivals = { per_interval = [10, 10, 20, 30, 40, 40, 30, 20] }
handle_time = { distribution = "exponential", mean = "5m" }
patience = { distribution = "exponential", mean = "3m" }
[[agent_group]]
name = "sales-team"
staffing = { agents = 1 }
skills = { sales = 1 }
[[agent_group]]
name = "support-team"
staffing = { agents = 1 }
skills = { support = 1 }
"#;
        crate::scenario::parse(
            text,
            "two-groups.toml",
            std::path::Path::new("."),
            "two-groups",
        )
        .expect("valid test scenario")
    }

    fn rules() -> ShiftRules {
        ShiftRules {
            starts: Some(StartTimes {
                from_s: 8.0 * 3600.0,
                to_s: 14.0 * 3600.0,
                every_s: None,
            }),
            ..ShiftRules::lengths_only(&[2.0, 3.0])
        }
    }

    #[test]
    fn each_group_is_covered_by_its_own_shifts_and_the_check_runs_every_type() {
        let sc = two_groups();
        let shrinkage = 0.2;
        let roster = roster_scenario(&sc, &rules(), 4, shrinkage, true).expect("rostered");
        assert_eq!(roster.groups.len(), 2);
        let day = &roster.days[0];
        for (g, group) in roster.groups.iter().enumerate() {
            let req = &group.requirement;
            for (k, &t) in day.slots.iter().enumerate() {
                let planned = day.plan.planned[k][g];
                assert_eq!(
                    req.heads[t],
                    crate::erlang::scheduled_agents(planned, shrinkage).unwrap()
                );
                assert!(
                    group.solved.covered[t] >= req.heads[t],
                    "{} {k}",
                    group.name
                );
                assert!(on_phones(group.solved.covered[t], shrinkage) >= planned);
            }
            // contiguous shifts on a day: the LP optimum is integral and reached
            assert!(group.solved.lp_integral);
            assert!((group.solved.cost - group.solved.lp_bound).abs() < 1e-6);
        }
        let check = day.check.as_ref().expect("checked");
        let skills = check.skills.as_ref().expect("per-type results");
        assert_eq!(skills.by_type.len(), 2);
        let agents = day_agents(day, &roster.groups, shrinkage);
        for (g, group) in check
            .scenario
            .skills
            .as_ref()
            .unwrap()
            .groups
            .iter()
            .enumerate()
        {
            let simulated: Vec<u32> = agents.iter().map(|row| row[g]).collect();
            assert_eq!(group.agents, simulated);
        }
        assert_eq!(check.scenario.seed, day.plan.check.scenario.seed);
    }

    #[test]
    fn a_group_no_shift_can_cover_is_named() {
        let sc = two_groups();
        let mut rules = rules();
        // shifts may start only from 10:00: the 08:00 intervals cannot be covered
        rules.starts = Some(StartTimes {
            from_s: 10.0 * 3600.0,
            to_s: 12.0 * 3600.0,
            every_s: None,
        });
        let err = roster_scenario(&sc, &rules, 4, 0.0, false).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("agent group sales-team"), "{text}");
        assert!(text.contains("08:00"), "{text}");
    }
}
