//! Unit tests of the roster: heads on the phones, per-group covering programs and their check,
//! and a single queue rostered as one call type served by one group.

use super::rules::StartTimes;
use super::*;
use crate::stats::Kpi;

#[test]
fn heads_on_the_phones_never_fall_below_the_plan() {
    for planned in 0..200u32 {
        for s in [0.0, 0.1, 0.25, 0.3, 0.35] {
            let heads = crate::erlang::scheduled_agents(planned, s).unwrap();
            assert!(on_phones(heads, s) >= planned, "{planned} {s}");
        }
    }
}

fn parse(text: &str) -> Scenario {
    crate::scenario::parse(text, "test.toml", std::path::Path::new("."), "test")
        .expect("valid test scenario")
}

const DAY: &str = r#"
name = "day"
seed = 5
replications = 4
[time]
open = "08:00"
interval = "30m"
intervals = 8
[service_level]
threshold = "20s"
target = 0.8
"#;

/// The sales calls: one call type, and the day's first in [`two_groups`].
const SALES: &str = r#"
[[call_type]]
name = "sales"
arrivals = { per_interval = [20, 40, 60, 60, 40, 30, 20, 10] }
handle_time = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
"#;

fn two_groups() -> Scenario {
    parse(&format!(
        "{DAY}{SALES}{}",
        r#"
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
"#
    ))
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

/// The scenario's own targets, `replications` per evaluation, `shrinkage`.
fn options(sc: &Scenario, replications: u32, shrinkage: f64) -> PlanOptions {
    PlanOptions {
        replications,
        shrinkage: Some(shrinkage),
        ..PlanOptions::for_scenario(sc)
    }
}

#[test]
fn each_group_is_covered_by_its_own_shifts_and_the_check_runs_every_type() {
    let sc = two_groups();
    let shrinkage = 0.2;
    let roster =
        roster_scenario(&sc, &rules(), &options(&sc, 4, shrinkage), true).expect("rostered");
    assert!(roster.has_call_types());
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
    let agents = check::day_agents(day, &check::covered(&roster.groups), shrinkage);
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
    let err = roster_scenario(&sc, &rules, &options(&sc, 4, 0.0), false).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("agent group sales-team"), "{text}");
    assert!(text.contains("08:00"), "{text}");
}

/// A single queue rostered as itself and as one call type served by one agent group, from
/// the same plan (the two planners' searches may settle on different staffings: issue 17),
/// gives the same shifts, the same totals in `roster.json`, and a check with the same
/// numbers bit for bit (the one type's service level and abandonment are the center's; each
/// plan's own final check is left as its planner made it).
#[test]
fn one_type_served_by_one_group_is_rostered_as_the_single_queue() {
    // the sales calls as a single queue
    let queue = parse(&format!(
        "{DAY}{}",
        r#"
[arrivals]
per_interval = [20, 40, 60, 60, 40, 30, 20, 10]
[handle_time]
distribution = "exponential"
mean = "3m"
[patience]
distribution = "exponential"
mean = "2m"
[staffing]
agents = 1
"#
    ));
    let typed = parse(&format!(
        "{DAY}{SALES}{}",
        "[[agent_group]]\nname = \"agents\"\nstaffing = { agents = 1 }\nskills = { sales = 1 }\n"
    ));
    let shrinkage = 0.25;
    let (grid, queue_days) = plan_days(&queue, &rules(), &options(&queue, 4, shrinkage)).unwrap();
    let (typed_grid, mut typed_days) =
        plan_days(&typed, &rules(), &options(&typed, 4, shrinkage)).unwrap();
    assert_eq!(grid, typed_grid);
    for (t, q) in typed_days.iter_mut().zip(&queue_days) {
        assert_eq!(t.plan.check.scenario.seed, q.plan.check.scenario.seed);
        t.plan.planned.clone_from(&q.plan.planned);
        t.plan.scheduled.clone_from(&q.plan.scheduled);
    }
    let a = roster_days(&queue, grid, queue_days, &rules(), true).unwrap();
    let b = roster_days(&typed, typed_grid, typed_days, &rules(), true).unwrap();
    assert!(!a.has_call_types() && b.has_call_types());
    assert_eq!(a.groups.len(), 1);
    assert_eq!(b.groups.len(), 1);
    assert_eq!(a.groups[0].requirement, b.groups[0].requirement);
    assert_eq!(a.groups[0].solved, b.groups[0].solved);
    assert!(a.groups[0].solved.paid_hours > 0.0);
    let (ja, jb) = (output::roster_json(&a), output::roster_json(&b));
    let totals = |j: &output::RosterJson| serde_json::to_value(&j.head).unwrap();
    assert_eq!(totals(&ja), totals(&jb));
    for (da, db) in ja.days.iter().zip(&jb.days) {
        assert_eq!(da.roster_agent_hours, db.roster_agent_hours);
        assert_eq!(da.plan_agent_hours, db.plan_agent_hours);
        let center = da.check.as_ref().expect("one queue: the center's check");
        let calls = &db.by_type[0].check;
        assert!(center.service_level.is_some());
        assert_eq!(center.service_level, calls.service_level);
        assert_eq!(center.abandon_rate, calls.abandon_rate);
    }
    let sl = |r: &Roster| {
        r.days[0].check.as_ref().unwrap().intervals[3]
            .get(Kpi::ServiceLevel)
            .unwrap()
    };
    assert_eq!(sl(&a), sl(&b));
}
