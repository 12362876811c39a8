//! Planning a center with several call types and agent groups (what [`super::plan`] does
//! for such a scenario): agents per group and interval that meet every call type's
//! service-level target.
//!
//! 1. **Erlang per type**: the agents each type would need on its own (Erlang A with the
//!    type's mean patience, Erlang C without), in agents of its own handle time.
//! 2. **Split-capacity linear program** per interval: each agent's time is split across the
//!    types of their group (`share[g][t]` agents of group `g` on type `t`), never counted
//!    twice (`Σ_t share[g][t] ≤ agents[g]`), and every type gets its need
//!    (`Σ_g share[g][t] ÷ handle_time_factor ≥ need[t]`), at the least cost (integer agents;
//!    an agent with more skills costs a thousandth more, so specialists are preferred on ties).
//!    The common shortcut of counting a flexible agent fully toward every type it can take is
//!    [`shortcut_capacity`]: it needs fewer agents on paper than can actually do the work.
//! 3. **Simulation refinement** with common random numbers (every evaluation sees the same
//!    callers): raise, one agent at a time, the best-ranked group of each type and interval
//!    that misses its target; then try to lower each group by one agent in every interval
//!    with room to spare, keeping the intervals where every type still meets its target
//!    (pooling usually lets the simulation go below the linear program, which knows nothing
//!    of economies of scale).
//! 4. **Final check** with fresh seeds the refinement never saw.
//!
//! Each type's target is its own `[[call_type]]` service level, met by the mean, with the
//! fewest agents: the options of [`PlanOptions`] beyond those (the cost goal, the 95% CI
//! criterion, limits on abandonment, ASA and occupancy, a center-wide target, a minimum of
//! agents) are refused with [`PlanError::NotForCallTypes`]. Shrinkage gives each group's
//! scheduled heads, as for one queue.

use super::evaluate::fresh_seed;
use super::{
    Criterion, Goal, Plan, PlanError, PlanOptions, check_precision, check_replications,
    scheduled_of, shrinkage_of,
};
use crate::erlang::{Model, Targets, Traffic, required_agents};
use crate::model::Scenario;
use crate::model::routing::{AgentGroup, SkillModel};
use crate::simulate::{ContinuedRun, ScenarioResult, simulate_one};
use crate::stats::Kpi;
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, microlp, variable};

/// Whole-day simulations the refinement may use before it stops (raising only by then).
const MAX_EVALUATIONS: usize = 80;

/// A split of agents over call types: integer agents per group and the share of them
/// working on each type.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Agents of each group.
    pub agents: Vec<u32>,
    /// `share[g][t]`: agents of group `g` working on type `t` (a fraction of their time).
    pub share: Vec<Vec<f64>>,
}

/// Cost of one agent of `group` in the linear program: 1, plus a thousandth per extra skill.
fn agent_cost(group: &AgentGroup) -> f64 {
    1.0 + 1e-3 * group.skills.len().saturating_sub(1) as f64
}

/// The split-capacity program: the cheapest integer agents per group whose time, split across
/// their skills and never counted twice, gives every type `needs[t]` agents (in agents of
/// the type's own handle time; a group with `handle_time_factor` f gives 1/f per agent).
pub fn split_capacity(groups: &[AgentGroup], needs: &[f64]) -> Result<Split, PlanError> {
    let mut vars = ProblemVariables::new();
    let agents: Vec<Variable> = groups
        .iter()
        .map(|_| vars.add(variable().integer().min(0)))
        .collect();
    let share: Vec<Vec<Option<Variable>>> = groups
        .iter()
        .map(|g| {
            (0..needs.len())
                .map(|t| g.skill(t).map(|_| vars.add(variable().min(0))))
                .collect()
        })
        .collect();
    let cost: Expression = groups
        .iter()
        .zip(&agents)
        .map(|(g, &x)| agent_cost(g) * x)
        .sum();
    let mut problem = vars.minimise(cost).using(microlp);
    for (g, &x) in agents.iter().enumerate() {
        let used: Expression = share[g]
            .iter()
            .flatten()
            .map(|&y| Expression::from(y))
            .sum();
        problem = problem.with(used.leq(x));
    }
    for (t, &need) in needs.iter().enumerate() {
        let given: Expression = groups
            .iter()
            .enumerate()
            .filter_map(|(g, group)| {
                let skill = group.skill(t)?;
                share[g][t].map(|y| (1.0 / skill.handle_time_factor) * y)
            })
            .sum();
        problem = problem.with(given.geq(need));
    }
    let solution = problem
        .solve()
        .map_err(|e| PlanError::Invalid(format!("the split-capacity program failed: {e}")))?;
    Ok(Split {
        agents: agents
            .iter()
            .map(|&x| solution.value(x).round().max(0.0) as u32)
            .collect(),
        share: share
            .iter()
            .map(|row| {
                row.iter()
                    .map(|y| y.map_or(0.0, |y| solution.value(y).max(0.0)))
                    .collect()
            })
            .collect(),
    })
}

/// The planning shortcut, for comparison: every agent counted fully toward every type their
/// group takes (`Σ_{g takes t} agents[g] ÷ factor ≥ needs[t]`), the cheapest integer agents.
/// Wrong whenever one agent is counted for two types: an agent takes one call at a time.
pub fn shortcut_capacity(groups: &[AgentGroup], needs: &[f64]) -> Result<Vec<u32>, PlanError> {
    let mut vars = ProblemVariables::new();
    let agents: Vec<Variable> = groups
        .iter()
        .map(|_| vars.add(variable().integer().min(0)))
        .collect();
    let cost: Expression = groups
        .iter()
        .zip(&agents)
        .map(|(g, &x)| agent_cost(g) * x)
        .sum();
    let mut problem = vars.minimise(cost).using(microlp);
    for (t, &need) in needs.iter().enumerate() {
        let counted: Expression = groups
            .iter()
            .zip(&agents)
            .filter_map(|(group, &x)| Some((1.0 / group.skill(t)?.handle_time_factor) * x))
            .sum();
        problem = problem.with(counted.geq(need));
    }
    let solution = problem
        .solve()
        .map_err(|e| PlanError::Invalid(format!("the shortcut program failed: {e}")))?;
    Ok(agents
        .iter()
        .map(|&x| solution.value(x).round().max(0.0) as u32)
        .collect())
}

/// The Erlang view of each type on its own: its model (A with the type's mean patience, C
/// without), its offered load per interval (`[k][t]`, Erlangs) and its need per interval
/// (`[k][t]`, agents against the type's own target; 0 without calls).
struct TypeNeeds {
    models: Vec<Model>,
    loads: Vec<Vec<f64>>,
    needs: Vec<Vec<u32>>,
}

/// The Erlang need of every type in every interval, against the type's own target.
fn erlang_needs(scenario: &Scenario, model: &SkillModel) -> Result<TypeNeeds, PlanError> {
    let models: Vec<Model> = model
        .types
        .iter()
        .map(|ty| match &ty.patience {
            Some(p) => Model::ErlangA {
                patience_s: p.mean(),
            },
            None => Model::ErlangC,
        })
        .collect();
    let loads = (0..scenario.intervals())
        .map(|k| {
            model
                .types
                .iter()
                .map(|ty| ty.arrival_rate[k] * ty.handle_time.mean())
                .collect()
        })
        .collect();
    let needs = (0..scenario.intervals())
        .map(|k| {
            model
                .types
                .iter()
                .zip(&models)
                .map(|(ty, &erlang)| {
                    let rate = ty.arrival_rate[k];
                    if rate <= 0.0 {
                        return Ok(0);
                    }
                    let traffic = Traffic::new(rate, ty.handle_time.mean())?;
                    let targets = Targets {
                        service_level: Some(ty.service_level.target),
                        ..Targets::new(ty.service_level.threshold_s)
                    };
                    Ok(required_agents(&traffic, erlang, &targets)?)
                })
                .collect()
        })
        .collect::<Result<_, PlanError>>()?;
    Ok(TypeNeeds {
        models,
        loads,
        needs,
    })
}

/// `scenario` with `agents[k][g]` on the phones of group `g` in interval `k` (and their sum
/// as the scenario's agents).
pub fn staffed(scenario: &Scenario, agents: &[Vec<u32>]) -> Scenario {
    let mut sc = scenario.clone();
    if let Some(model) = &mut sc.skills {
        for (g, group) in model.groups.iter_mut().enumerate() {
            group.agents = agents.iter().map(|row| row[g]).collect();
        }
    }
    sc.agents = agents.iter().map(|row| row.iter().sum()).collect();
    sc
}

/// The final check of `agents[k][g]` on `scenario`, with fresh seeds (callers the
/// refinement never saw), as a run that more days can take on.
fn checked_run(scenario: &Scenario, agents: &[Vec<u32>]) -> ContinuedRun {
    let mut sc = staffed(scenario, agents);
    sc.seed = fresh_seed(scenario.seed);
    ContinuedRun::new(sc)
}

/// `misses[k][t]`: type `t` misses its service-level target in interval `k` (by the mean;
/// an interval without calls of a type cannot miss).
fn misses(model: &SkillModel, result: &ScenarioResult) -> Vec<Vec<bool>> {
    let Some(skills) = &result.skills else {
        return Vec::new();
    };
    (0..result.intervals.len())
        .map(|k| {
            skills
                .by_type
                .iter()
                .zip(&model.types)
                .map(|(r, ty)| {
                    r.intervals[k]
                        .get(Kpi::ServiceLevel)
                        .is_some_and(|v| v.mean.is_finite() && v.mean < ty.service_level.target)
                })
                .collect()
        })
        .collect()
}

/// The group to raise for type `t`: the best rank for it, then the fewest skills, then the
/// first in the file.
fn group_for(model: &SkillModel, t: usize) -> Option<usize> {
    (0..model.groups.len())
        .filter_map(|g| {
            let s = model.groups[g].skill(t)?;
            Some((s.rank, s.delay_s > 0.0, model.groups[g].skills.len(), g))
        })
        .min()
        .map(|(.., g)| g)
}

/// Refuses the options the plan of call types cannot honour (see the module's doc).
fn refuse_unsupported(scenario: &Scenario, options: &PlanOptions) -> Result<(), PlanError> {
    let own = PlanOptions::for_scenario(scenario).targets;
    let t = &options.targets;
    let refused = [
        (
            options.goal == Goal::Cost,
            "the cost goal (--optimize cost)",
        ),
        (
            options.criterion == Criterion::Ci95,
            "the 95% CI criterion (--criterion ci95)",
        ),
        (
            options.criterion.share_of_days().is_some(),
            "a share of days (--confidence)",
        ),
        (
            t.max_abandon.is_some(),
            "a maximum abandonment rate (--max-abandon)",
        ),
        (t.max_asa_s.is_some(), "a maximum ASA (--max-asa)"),
        (
            t.max_occupancy.is_some(),
            "a maximum occupancy (--max-occupancy)",
        ),
        (
            t.service_level != own.service_level || t.threshold_s != own.threshold_s,
            "a service-level target for the whole center (--target-sl, --threshold)",
        ),
        (
            options.min_agents > 1,
            "a minimum of agents in every interval",
        ),
    ];
    match refused.into_iter().find(|&(refused, _)| refused) {
        Some((_, option)) => Err(PlanError::NotForCallTypes {
            scenario: scenario.name.clone(),
            option,
        }),
        None => Ok(()),
    }
}

/// Plans agents per group and interval for `scenario`, whose call types and agent groups
/// are `model` (see [`super::plan`]).
/// The staffing of a pilot for `--precision`: the split-capacity program's agents per group
/// for each type's Erlang need (the plan's own start).
pub(super) fn pilot_staffing(
    scenario: &Scenario,
    model: &SkillModel,
) -> Result<Vec<Vec<u32>>, PlanError> {
    lp_start(model, &erlang_needs(scenario, model)?.needs)
}

/// The split-capacity program's agents per group for the needs of each interval.
fn lp_start(model: &SkillModel, needs: &[Vec<u32>]) -> Result<Vec<Vec<u32>>, PlanError> {
    needs
        .iter()
        .map(|row| {
            let need: Vec<f64> = row.iter().map(|&n| f64::from(n)).collect();
            split_capacity(&model.groups, &need).map(|s| s.agents)
        })
        .collect()
}

pub(super) fn plan_types(
    scenario: &Scenario,
    model: &SkillModel,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    refuse_unsupported(scenario, options)?;
    check_replications(options)?;
    let shrinkage = shrinkage_of(scenario, options)?;
    let replications = options.replications;
    let TypeNeeds {
        models,
        loads,
        needs,
    } = erlang_needs(scenario, model)?;
    let start = lp_start(model, &needs)?;
    let mut base = scenario.clone();
    base.replications = replications;
    let evaluations = std::cell::Cell::new(0);
    let evaluate = |agents: &[Vec<u32>]| {
        evaluations.set(evaluations.get() + 1);
        let sc = staffed(&base, agents);
        simulate_one(&sc).map(|result| misses(model, &result))
    };
    let mut agents = start.clone();
    // raise until every type meets its target in every interval
    let mut missed = evaluate(&agents)?;
    while missed.iter().flatten().any(|&m| m) {
        if evaluations.get() >= MAX_EVALUATIONS {
            return Err(PlanError::Invalid(format!(
                "{}: some call types still miss their service-level target after {} \
                 simulated days; check that their groups can reach them",
                scenario.name,
                evaluations.get()
            )));
        }
        for (k, row) in missed.iter().enumerate() {
            for (t, &m) in row.iter().enumerate() {
                if let (true, Some(g)) = (m, group_for(model, t)) {
                    agents[k][g] += 1;
                }
            }
        }
        missed = evaluate(&agents)?;
    }
    // lower each group by one agent wherever the day still meets every target
    let mut capped = false;
    let mut tight = vec![vec![false; model.groups.len()]; agents.len()];
    'lowering: loop {
        let mut lowered_any = false;
        for g in 0..model.groups.len() {
            if evaluations.get() >= MAX_EVALUATIONS {
                capped = true;
                break 'lowering;
            }
            let mut trial = agents.clone();
            let tried: Vec<usize> = (0..trial.len())
                .filter(|&k| trial[k][g] > 0 && !tight[k][g])
                .collect();
            if tried.is_empty() {
                continue;
            }
            for &k in &tried {
                trial[k][g] -= 1;
            }
            let missed = evaluate(&trial)?;
            // undo where the interval (or the next one, which inherits its backlog) misses
            let mut undone = Vec::new();
            for &k in &tried {
                let hurt = |j: usize| missed.get(j).is_some_and(|row| row.iter().any(|&m| m));
                if hurt(k) || hurt(k + 1) {
                    trial[k][g] += 1;
                    tight[k][g] = true;
                    undone.push(k);
                }
            }
            if undone.len() < tried.len() {
                if !undone.is_empty() && evaluate(&trial)?.iter().flatten().any(|&m| m) {
                    // undoing the worst was not enough: keep the day as it was
                    for &k in &tried {
                        tight[k][g] = true;
                    }
                    continue;
                }
                agents = trial;
                lowered_any = true;
            }
        }
        if !lowered_any {
            break;
        }
    }
    // the final check, topped up with more fresh days while its widest interval is less
    // precise than asked, each top-up running only the days it adds (it raises nothing: the
    // plan is the refinement's)
    let mut run = checked_run(scenario, &agents);
    let mut days = replications;
    let (check, precision) = loop {
        let check = run.run_to(days, |_| {})?;
        match check_precision(options, &check) {
            (reached, None) => break (check, reached),
            (_, Some(more)) => days = more,
        }
    };
    Ok(Plan {
        options: options.clone(),
        models,
        loads,
        needs,
        start,
        scheduled: scheduled_of(&agents, shrinkage)?,
        planned: agents,
        shrinkage,
        seed: scenario.seed,
        check,
        days_met: Vec::new(),
        precision,
        evaluations: evaluations.get(),
        check_days_run: u64::from(run.replications()),
        raised_by_check: 0,
        capped,
        targets_plan: None,
        cost_curve: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::routing::Skill;

    fn group(name: &str, skills: &[(usize, f64)]) -> AgentGroup {
        AgentGroup {
            name: name.into(),
            agents: vec![1],
            skills: skills
                .iter()
                .map(|&(t, factor)| Skill {
                    call_type: t,
                    rank: 1,
                    delay_s: 0.0,
                    handle_time_factor: factor,
                })
                .collect(),
        }
    }

    /// The classic two-skill example: 3 positions of one type and 5 of the other, everyone
    /// cross-trained. Counting each agent fully toward both types needs 5 agents; an agent
    /// takes one call at a time, so the truth is 8 positions, and the split program never
    /// gives an agent's time to two types.
    #[test]
    fn the_split_never_counts_an_agent_twice() {
        let everyone = [group("generalists", &[(0, 1.0), (1, 1.0)])];
        let needs = [3.0, 5.0];
        assert_eq!(shortcut_capacity(&everyone, &needs).unwrap(), vec![5]);
        let split = split_capacity(&everyone, &needs).unwrap();
        assert_eq!(split.agents, vec![8]);
        let used: f64 = split.share[0].iter().sum();
        assert!(used <= 8.0 + 1e-9, "{used} agents' time from 8 agents");
        assert!((split.share[0][0] - 3.0).abs() < 1e-9 && (split.share[0][1] - 5.0).abs() < 1e-9);
    }

    /// Specialists and generalists: needs are met, no group's time is over-used, specialists
    /// are preferred on a tie, and a slower group needs more agents for the same work.
    #[test]
    fn splits_with_specialists_and_slower_generalists() {
        let groups = [
            group("a", &[(0, 1.0)]),
            group("b", &[(1, 1.0)]),
            group("ab", &[(0, 1.0), (1, 1.25)]),
        ];
        let needs = [4.0, 6.0];
        let split = split_capacity(&groups, &needs).unwrap();
        assert_eq!(split.agents, vec![4, 6, 0]);
        for (g, row) in split.share.iter().enumerate() {
            assert!(row.iter().sum::<f64>() <= f64::from(split.agents[g]) + 1e-9);
        }
        // only generalists, slower on type 1: 4 + 6 × 1.25 = 11.5 → 12 agents
        let only = [group("ab", &[(0, 1.0), (1, 1.25)])];
        assert_eq!(split_capacity(&only, &needs).unwrap().agents, vec![12]);
        assert_eq!(shortcut_capacity(&only, &needs).unwrap(), vec![8]);
    }
}
