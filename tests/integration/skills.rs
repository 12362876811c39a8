//! Several call types and skilled agent groups: the multi-skill loop against the single-queue
//! loop (bit for bit), against Erlang A (dedicated groups, and one universal group under a
//! global FIFO), overflow after a delay, and the validation errors of the schema.
//!
//! Statistical checks: the analytic value must lie within the simulation's own 95% confidence
//! interval (Student t over independent replications, fixed seeds).

use crate::common::simulate;
use crate::common::{parse, problems};
use callsim::erlang::{Traffic, erlang_a};
use callsim::model::CallEvent;
use callsim::model::observer::Recorder;
use callsim::simulate::ScenarioResult;
use callsim::stats::{Kpi, MeanCi};

/// Collects every (what, theory, simulation) that misses the CI, printing all of them.
#[derive(Default)]
struct Misses(Vec<String>);

impl Misses {
    fn check(&mut self, what: &str, exact: f64, sim: MeanCi) {
        println!(
            "{what}: theory {exact:.4}, simulation {:.4} ± {:.4}",
            sim.mean, sim.ci95
        );
        if (sim.mean - exact).abs() > sim.ci95 || !sim.mean.is_finite() {
            self.0.push(format!(
                "{what}: theory {exact} vs simulation {} ± {}",
                sim.mean, sim.ci95
            ));
        }
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "outside the 95% CI:\n{}",
            self.0.join("\n")
        );
    }
}

/// What the two forms of the test day share: seed, replications, day, goal and prices.
const DAY: &str = r#"
seed = 17
replications = 6
[time]
open = "08:00"
interval = "30m"
intervals = 4
[service_level]
threshold = "30s"
target = 0.8
[costs]
agent_per_hour = 25
per_minute = 0.03
lost_customer_value = 80
"#;

/// The test day's callers and agents as a single queue.
const SINGLE_QUEUE: &str = r#"
[arrivals]
per_interval = [40, 90, 70, 30]
busyness_cv = 0.15
[handle_time]
distribution = "gamma"
mean = "4m"
cv = 1.2
[patience]
distribution = "weibull"
mean = "2m"
cv = 0.7
[staffing]
per_interval = [5, 9, 8, 4]
"#;

/// The same callers and agents as one call type served by one agent group.
const ONE_TYPE_ONE_GROUP: &str = r#"
[arrivals]
busyness_cv = 0.15
[[call_type]]
name = "calls"
arrivals = { per_interval = [40, 90, 70, 30] }
handle_time = { distribution = "gamma", mean = "4m", cv = 1.2 }
patience = { distribution = "weibull", mean = "2m", cv = 0.7 }
[[agent_group]]
name = "agents"
staffing = { per_interval = [5, 9, 8, 4] }
skills = { calls = 1 }
"#;

/// A single-queue file and the same center written as one call type served by one group give
/// the same numbers, bit for bit: every KPI of every interval and replication.
#[test]
fn one_type_and_one_group_are_bit_identical_to_the_single_queue_model() {
    let single = parse(&format!("{DAY}{SINGLE_QUEUE}"));
    let skill = parse(&format!("{DAY}{ONE_TYPE_ONE_GROUP}"));
    assert!(single.skills.is_none() && skill.skills.is_some());
    let results = simulate(&[single, skill]);
    let bits = |r: &ScenarioResult| {
        let mut all: Vec<u64> = r
            .replications
            .iter()
            .flatten()
            .map(|x| x.to_bits())
            .collect();
        for set in std::iter::once(&r.total).chain(&r.intervals) {
            for (_, v) in set.iter() {
                all.extend([v.mean.to_bits(), v.ci95.to_bits()]);
            }
        }
        all
    };
    assert_eq!(results[0].total.kpis(), results[1].total.kpis());
    assert_eq!(bits(&results[0]), bits(&results[1]));
    assert_eq!(results[0].calls_simulated, results[1].calls_simulated);
    // the one type's KPIs are the center's; its telephony cost sums the talk of each call
    // where the center integrates the agents' busy time, the same to rounding
    let by_type = &results[1].skills.as_ref().unwrap().by_type[0];
    for (kpi, v) in by_type.total.iter() {
        let center = results[0].total.get(kpi).unwrap();
        if kpi == Kpi::CostTelephony {
            assert!(
                (v.mean - center.mean).abs() <= 1e-12 * center.mean,
                "{v:?} {center:?}"
            );
        } else {
            assert_eq!(v, center, "{}", kpi.name());
        }
    }
}

fn steady_type(name: &str, calls_per_hour: f64, aht_s: f64, patience_s: f64) -> String {
    format!(
        "[[call_type]]\nname = \"{name}\"\narrivals = {{ calls_per_hour = {calls_per_hour} }}\n\
         handle_time = {{ distribution = \"exponential\", mean = {aht_s} }}\n\
         patience = {{ distribution = \"exponential\", mean = {patience_s} }}\n"
    )
}

const STEADY_HEAD: &str = "seed = 20261123\nreplications = 20\n[time]\nhorizon = \"205h\"\n\
                           warmup = \"5h\"\n[service_level]\nthreshold = 20\n";

/// Two types, each answered only by its own group: each type is an M/M/c+M queue of its own
/// and must match Erlang A.
#[test]
fn two_types_with_dedicated_groups_each_match_erlang_a() {
    let cases = [
        ("billing", 300.0, 240.0, 180.0, 22),
        ("tech", 120.0, 300.0, 120.0, 11),
    ];
    let mut text = STEADY_HEAD.to_string();
    for (name, rate, aht, patience, _) in cases {
        text += &steady_type(name, rate, aht, patience);
    }
    for (name, _, _, _, agents) in cases {
        text += &format!(
            "[[agent_group]]\nname = \"{name}-team\"\nstaffing = {{ agents = {agents} }}\n\
             skills = {{ {name} = 1 }}\n"
        );
    }
    let result = &simulate(&[parse(&text)])[0];
    let skills = result.skills.as_ref().unwrap();
    let mut misses = Misses::default();
    for (t, (name, rate, aht, patience, agents)) in cases.into_iter().enumerate() {
        let traffic = Traffic::from_calls_per_hour(rate, aht).unwrap();
        let e = erlang_a(&traffic, agents, patience, 20.0).unwrap();
        let kpis = &skills.by_type[t].total;
        for (kpi, exact) in [
            (Kpi::ProbWait, e.prob_wait),
            (Kpi::ServiceLevel, e.sl_offered),
            (Kpi::AsaS, e.asa_s),
            (Kpi::AbandonRate, e.prob_abandon),
        ] {
            misses.check(
                &format!("{name} {}", kpi.name()),
                exact,
                kpis.get(kpi).unwrap(),
            );
        }
        let group = &skills.by_group[t].total;
        misses.check(
            &format!("{name}-team occupancy"),
            e.occupancy,
            group.occupancy,
        );
        // a dedicated group handles its own type only
        assert_eq!(skills.handled[1 - t][t].mean, 0.0);
    }
    misses.assert_none();
}

/// Two types with the same exponential handle time and patience, answered by one universal
/// group that takes the oldest call first (one global FIFO): the center is one M/M/c+M queue
/// with the pooled arrival rate, for the total and for each type.
#[test]
fn one_universal_group_under_global_fifo_matches_pooled_erlang_a() {
    let mut text = STEADY_HEAD.to_string();
    text += &steady_type("billing", 200.0, 240.0, 120.0);
    text += &steady_type("tech", 160.0, 240.0, 120.0);
    text += "[[agent_group]]\nname = \"everyone\"\nstaffing = { agents = 26 }\n\
             skills = { billing = 1, tech = 1 }\n[routing]\ncall_select = \"oldest\"\n";
    let result = &simulate(&[parse(&text)])[0];
    let traffic = Traffic::from_calls_per_hour(360.0, 240.0).unwrap();
    let e = erlang_a(&traffic, 26, 120.0, 20.0).unwrap();
    let expected = [
        (Kpi::ProbWait, e.prob_wait),
        (Kpi::ServiceLevel, e.sl_offered),
        (Kpi::AsaS, e.asa_s),
        (Kpi::AbandonRate, e.prob_abandon),
        (Kpi::Occupancy, e.occupancy),
    ];
    let mut misses = Misses::default();
    for (kpi, exact) in expected {
        misses.check(
            &format!("total {}", kpi.name()),
            exact,
            result.total.get(kpi).unwrap(),
        );
    }
    for ty in &result.skills.as_ref().unwrap().by_type {
        for &(kpi, exact) in &expected[..4] {
            misses.check(
                &format!("{} {}", ty.name, kpi.name()),
                exact,
                ty.total.get(kpi).unwrap(),
            );
        }
    }
    misses.assert_none();
}

/// Generalists take billing calls only after 45 s of waiting: every billing call they answer
/// has waited at least that long, and some do overflow (the check is not empty).
#[test]
fn overflow_after_a_delay_never_reaches_the_backup_group_earlier() {
    let text = r#"
seed = 4
replications = 1
[time]
open = "08:00"
interval = "1h"
intervals = 4
[[call_type]]
name = "billing"
arrivals = { calls_per_hour = 110 }
handle_time = { distribution = "exponential", mean = "4m" }
patience = { distribution = "exponential", mean = "5m" }
[[call_type]]
name = "tech"
arrivals = { calls_per_hour = 30 }
handle_time = { distribution = "exponential", mean = "6m" }
[[agent_group]]
name = "billing-team"
staffing = { agents = 7 }
skills = { billing = 1 }
[[agent_group]]
name = "generalists"
staffing = { agents = 5 }
skills = { tech = 1, billing = 2 }
delay = { billing = "45s" }
"#;
    let sc = parse(text);
    let mut seen = Recorder::default();
    for rep in 0..3 {
        callsim::model::run_replication_observed(&sc, rep, &mut seen).unwrap();
    }
    let waits: std::collections::HashMap<(u64, u64), f64> = seen
        .calls
        .iter()
        .filter_map(|&(t, attempt, e)| match e {
            CallEvent::Answered { wait_s, .. } => Some(((attempt, t.to_bits()), wait_s)),
            _ => None,
        })
        .collect();
    let (mut overflowed, mut specialists_fast) = (0, 0);
    for &(t, attempt, ty, group) in &seen.routes {
        let wait = waits[&(attempt, t.to_bits())];
        match (ty, group) {
            (0, 1) => {
                assert!(
                    wait >= 45.0,
                    "billing call answered by a generalist after {wait} s"
                );
                overflowed += 1;
            }
            (0, 0) if wait < 45.0 => specialists_fast += 1,
            (1, 0) => panic!("the billing team took a tech call"),
            _ => {}
        }
    }
    assert!(overflowed > 20, "only {overflowed} overflowed calls");
    assert!(specialists_fast > 100);
}

/// Delays of 0 and ranks: a rank-2 group with a free agent takes an arriving call when the
/// rank-1 group is busy; the matrix of handled calls adds up to the calls answered.
#[test]
fn the_handled_matrix_adds_up_and_secondary_skills_are_used() {
    let text = format!(
        "{}[[agent_group]]\nname = \"billing-team\"\nstaffing = {{ agents = 18 }}\n\
         skills = {{ billing = 1 }}\n[[agent_group]]\nname = \"tech-team\"\n\
         staffing = {{ agents = 9 }}\nskills = {{ tech = 1, billing = 2 }}\n",
        STEADY_HEAD
            .replace("205h", "25h")
            .replace("replications = 20", "replications = 4")
            + &steady_type("billing", 300.0, 240.0, 180.0)
            + &steady_type("tech", 100.0, 240.0, 180.0)
    );
    let result = &simulate(&[parse(&text)])[0];
    let skills = result.skills.as_ref().unwrap();
    let answered = result.total.get(Kpi::Answered).unwrap().mean;
    let matrix: f64 = skills.handled.iter().flatten().map(|v| v.mean).sum();
    assert!(
        (matrix - answered).abs() < 1e-6 * answered,
        "{matrix} vs {answered}"
    );
    assert!(
        skills.handled[0][1].mean > 0.0,
        "tech agents help with billing"
    );
    assert_eq!(
        skills.handled[1][0].mean, 0.0,
        "billing agents never take tech"
    );
    for (t, ty) in skills.by_type.iter().enumerate() {
        let row: f64 = skills.handled[t].iter().map(|v| v.mean).sum();
        let answered = ty.total.get(Kpi::Answered).unwrap().mean;
        assert!((row - answered).abs() < 1e-6 * answered.max(1.0));
    }
}

const TWO_TYPES: &str = r#"
[time]
open = "08:00"
interval = "30m"
intervals = 2
[[call_type]]
name = "billing"
arrivals = { per_interval = [10, 20] }
handle_time = { distribution = "exponential", mean = "4m" }
[[call_type]]
name = "tech"
arrivals = { calls_per_hour = 30 }
handle_time = { distribution = "exponential", mean = "6m" }
[[agent_group]]
name = "team"
staffing = { agents = 4 }
skills = { billing = 1, tech = 2 }
delay = { tech = "30s" }
"#;

#[test]
fn a_valid_two_type_file_sums_demand_and_staffing() {
    let sc = parse(&format!(
        "{TWO_TYPES}[[agent_group]]\nname = \"techs\"\nstaffing = {{ per_interval = [2, 3] }}\nskills = {{ tech = 1 }}\n"
    ));
    assert_eq!(sc.agents, vec![6, 7]);
    let calls: Vec<f64> = sc
        .arrival_rate
        .iter()
        .map(|r| (r * 1800.0).round())
        .collect();
    assert_eq!(calls, vec![25.0, 35.0]);
    let model = sc.skills.unwrap();
    assert_eq!(model.groups[0].skills[1].delay_s, 30.0);
}

#[test]
fn unknown_call_types_in_skills_are_errors_with_their_place() {
    let text = TWO_TYPES.replace(
        "skills = { billing = 1, tech = 2 }",
        "skills = { billing = 1, sales = 2 }",
    );
    assert_eq!(
        problems(&text).lines().next().unwrap(),
        "t.toml:17:25: agent_group[team].skills: unknown call type \"sales\"; the [[call_type]] \
         names are: billing, tech"
    );
}

#[test]
fn a_type_nobody_can_serve_is_an_error() {
    let text = TWO_TYPES
        .replace(
            "skills = { billing = 1, tech = 2 }",
            "skills = { billing = 1 }",
        )
        .replace("delay = { tech = \"30s\" }\n", "");
    let text = problems(&text);
    assert!(
        text.starts_with(
            "t.toml:11:8: call_type[tech]: nobody can take call type \"tech\": add it to the \
             skills of an [[agent_group]]"
        ),
        "{text}"
    );
}

#[test]
fn negative_delays_and_delays_of_types_not_taken_are_errors() {
    let text = problems(&TWO_TYPES.replace("\"30s\"", "-30"));
    assert!(
        text.starts_with(
            "t.toml:18:18: agent_group[team].delay: expected a duration ≥ 0, got -30 s"
        ),
        "{text}"
    );
    let text = problems(
        &TWO_TYPES
            .replace("skills = { billing = 1, tech = 2 }", "skills = { billing = 1 }")
            .replace("[[agent_group]]", "[[agent_group]]\nname = \"techs\"\nstaffing = { agents = 1 }\nskills = { tech = 1 }\n[[agent_group]]"),
    );
    assert!(
        text.contains("agent_group[team].delay: \"tech\" is not among this group's skills"),
        "{text}"
    );
}

#[test]
fn single_queue_sections_and_bad_routing_are_errors_with_call_types() {
    let text = problems(&format!(
        "{TWO_TYPES}[retrials]\nprobability = 0.5\ndelay = {{ distribution = \"exponential\", mean = \"5m\" }}\n\
         [handle_time]\ndistribution = \"exponential\"\nmean = 60\n[routing]\nagent_select = \"random\"\n"
    ));
    for expected in [
        "handle_time: with [[call_type]] sections, each call type has its own handle_time",
        "routing.agent_select: expected \"longest_idle\" or \"most_free_group\", got \"random\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let text = problems(&TWO_TYPES.replace("[[agent_group]]\nname = \"team\"", "[[agent_group]]\nname = \"billing\"\nstaffing = { agents = 1 }\nskills = { billing = 1 }\n[[agent_group]]\nname = \"billing\""));
    assert!(
        text.contains("\"billing\" names two [[agent_group]] sections"),
        "{text}"
    );
}

/// `callsim plan` on the example: agents per group and interval, written to plan-groups.csv
/// and plan-types.csv; checked on fresh seeds, each type meets its target over the day; the
/// shortcut of counting flexible agents for every skill is printed with its (failing)
/// simulated service level.
#[test]
fn plan_staffs_every_group_and_meets_each_types_target() {
    let out = tempfile::tempdir().unwrap();
    let output = crate::common::callsim()
        .arg("plan")
        .arg(crate::common::repo(
            "scenarios/multi-skill/specialists-and-generalists.toml",
        ))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let printed = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(
        printed.contains("shortcut: flexible agents counted for every skill"),
        "{printed}"
    );
    let dir = out.path().join("specialists-and-generalists");
    let groups = std::fs::read_to_string(dir.join("plan-groups.csv")).unwrap();
    assert!(groups.starts_with("interval,start,agent_group,lp_agents,planned_agents\n"));
    assert_eq!(groups.lines().count(), 1 + 16 * 3);
    let types = std::fs::read_to_string(dir.join("plan-types.csv")).unwrap();
    assert_eq!(types.lines().count(), 1 + 16 * 2);
    // the printed table marks exactly the intervals where a type's checked service level is
    // below its target in plan-types.csv, naming the type
    let mut below: Vec<String> = Vec::new();
    for line in types.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (sl, target): (f64, f64) = (f[4].parse().unwrap(), f[6].parse().unwrap());
        if sl < target {
            below.push(format!("{} {}", f[1], f[2]));
        }
    }
    let marked: Vec<String> = printed
        .lines()
        .filter_map(|l| l.split_once("  ✗ "))
        .filter_map(|(row, what)| {
            let start = row.split_whitespace().next()?;
            let names = what.strip_suffix(" below target")?;
            Some(names.split(", ").map(move |n| format!("{start} {n}")))
        })
        .flatten()
        .collect();
    assert_eq!(marked, below, "{printed}");
    let intervals_marked = printed
        .lines()
        .filter(|l| l.ends_with(" below target"))
        .count();
    if intervals_marked > 0 {
        assert!(
            printed.contains(&format!(
                "✗ {intervals_marked} interval(s) below the service-level target"
            )),
            "{printed}"
        );
    }
    // the library's plan: every type meets its target in every interval on the tuning seeds,
    // and over the day on fresh seeds
    let sc = callsim::scenario::load(&crate::common::repo(
        "scenarios/multi-skill/specialists-and-generalists.toml",
    ))
    .unwrap();
    let options = callsim::plan::PlanOptions {
        replications: 10,
        ..callsim::plan::PlanOptions::for_scenario(&sc)
    };
    let plan = callsim::plan::plan(&sc, &options).unwrap();
    let model = sc.skills.as_ref().unwrap();
    for (t, ty) in plan
        .check
        .skills
        .as_ref()
        .unwrap()
        .by_type
        .iter()
        .enumerate()
    {
        let sl = ty.total.get(Kpi::ServiceLevel).unwrap();
        assert!(
            sl.mean >= model.types[t].service_level.target,
            "{}: {sl:?}",
            ty.name
        );
    }
    // counting flexible agents for every skill asks for fewer agents than the plan needs
    let planned: u32 = plan.planned_agents().iter().sum();
    let shortcut: u32 = plan
        .needs
        .iter()
        .map(|row| {
            let needs: Vec<f64> = row.iter().map(|&n| f64::from(n)).collect();
            callsim::plan::skills::shortcut_capacity(&model.groups, &needs)
                .unwrap()
                .iter()
                .sum::<u32>()
        })
        .sum();
    assert!(planned > shortcut, "{planned} vs shortcut {shortcut}");
}

/// One entry point plans both forms of the test day, and the analytic side is the same
/// center's: the same Erlang model, loads, needs and start. The staffings found may differ,
/// by construction: the single-queue search steps each interval by what Erlang predicts and
/// raises whatever the fresh-seed check finds short; the call-type program raises and lowers
/// a group by one agent (lowering every interval of the group at once) and does not raise after
/// its check. What holds is that both plans are checked on the same callers of the same
/// center: each plan's staffing, simulated in the other form with the check's seeds, gives its
/// own check's numbers bit for bit, so the single-queue plan meets the target in every
/// interval of the call-type center too.
#[test]
fn one_type_and_one_group_plan_from_the_same_start_and_check_the_same_center() {
    use callsim::plan::{PlanOptions, plan, skills::staffed};
    let single = parse(&format!("{DAY}{SINGLE_QUEUE}"));
    let typed = parse(&format!("{DAY}{ONE_TYPE_ONE_GROUP}"));
    let plan_of = |sc: &callsim::Scenario| plan(sc, &PlanOptions::for_scenario(sc)).unwrap();
    let (queue, types) = (plan_of(&single), plan_of(&typed));
    assert!(!queue.has_call_types() && types.has_call_types());
    assert_eq!(queue.models, types.models);
    assert_eq!(queue.loads, types.loads);
    assert_eq!(queue.needs, types.needs);
    assert_eq!(queue.start, types.start);
    assert_eq!(queue.check.scenario.seed, types.check.scenario.seed);
    let kpis = [
        Kpi::ServiceLevel,
        Kpi::AbandonRate,
        Kpi::AsaS,
        Kpi::Occupancy,
    ];
    let same = |a: &ScenarioResult, b: &ScenarioResult, what: &str| {
        assert_eq!(a.intervals.len(), b.intervals.len());
        for (k, (x, y)) in a.intervals.iter().zip(&b.intervals).enumerate() {
            for kpi in kpis {
                assert_eq!(
                    x.get(kpi),
                    y.get(kpi),
                    "{what}, interval {k}, {}",
                    kpi.name()
                );
            }
        }
    };
    // the call-type plan as a single queue
    let mut as_queue = queue.check.scenario.clone();
    as_queue.agents = types.planned_agents();
    let simulated = callsim::simulate::simulate_one(&as_queue).unwrap();
    same(&simulated, &types.check, "call-type plan as one queue");
    // the single-queue plan as one call type served by one group
    let as_types = staffed(&types.check.scenario, &queue.planned);
    let simulated = callsim::simulate::simulate_one(&as_types).unwrap();
    same(&simulated, &queue.check, "single-queue plan as call types");
    for (k, set) in simulated.intervals.iter().enumerate() {
        let sl = set.get(Kpi::ServiceLevel).unwrap().mean;
        assert!(sl >= 0.8, "interval {k}: {sl}");
    }
}

/// The options a plan of call types cannot honour are typed errors that name them, before
/// anything is simulated; the command line says the same and writes nothing.
#[test]
fn a_plan_of_call_types_refuses_what_it_cannot_honour() {
    use callsim::erlang::Targets;
    use callsim::plan::{Criterion, Goal, PlanError, PlanOptions, plan};
    let sc = parse(&format!("{DAY}{ONE_TYPE_ONE_GROUP}"));
    let own = || PlanOptions::for_scenario(&sc);
    let cases: [(PlanOptions, &str); 7] = [
        (
            PlanOptions {
                goal: Goal::Cost,
                ..own()
            },
            "--optimize cost",
        ),
        (
            PlanOptions {
                criterion: Criterion::Ci95,
                ..own()
            },
            "--criterion ci95",
        ),
        (
            PlanOptions {
                targets: Targets {
                    max_abandon: Some(0.05),
                    ..own().targets
                },
                ..own()
            },
            "--max-abandon",
        ),
        (
            PlanOptions {
                targets: Targets {
                    max_asa_s: Some(30.0),
                    ..own().targets
                },
                ..own()
            },
            "--max-asa",
        ),
        (
            PlanOptions {
                targets: Targets {
                    max_occupancy: Some(0.85),
                    ..own().targets
                },
                ..own()
            },
            "--max-occupancy",
        ),
        (
            PlanOptions {
                targets: Targets {
                    service_level: Some(0.9),
                    ..own().targets
                },
                ..own()
            },
            "--target-sl",
        ),
        (
            PlanOptions {
                min_agents: 3,
                ..own()
            },
            "a minimum of agents",
        ),
    ];
    for (options, named) in cases {
        let err = plan(&sc, &options).expect_err(named);
        assert!(
            matches!(err, PlanError::NotForCallTypes { .. }),
            "{named}: {err:?}"
        );
        assert!(err.to_string().contains(named), "{named}: {err}");
    }
    // what it can honour: shrinkage gives each group's scheduled heads
    let options = PlanOptions {
        shrinkage: Some(0.25),
        ..own()
    };
    let p = plan(&sc, &options).unwrap();
    for (row, heads) in p.planned.iter().zip(&p.scheduled) {
        for (&a, &h) in row.iter().zip(heads) {
            assert_eq!(h, callsim::erlang::scheduled_agents(a, 0.25).unwrap());
        }
    }
    for (args, named) in [
        (&["--optimize", "cost"][..], "--optimize cost"),
        (&["--criterion", "ci95"][..], "--criterion ci95"),
        (&["--max-asa", "30s"][..], "--max-asa"),
        (&["--shrinkage", "0.2"][..], "--shrinkage"),
        (&["--json"][..], "--json"),
    ] {
        let stderr = crate::plan::refused(
            "scenarios/multi-skill/separate-teams.toml",
            "separate-teams",
            args,
        );
        assert!(
            stderr.contains("has several call types") && stderr.contains(named),
            "{args:?}: {stderr}"
        );
    }
}

/// A single-queue file with `[routing]` or without its sections says what is wrong.
#[test]
fn single_queue_files_without_call_types_reject_routing_and_name_missing_sections() {
    let text = problems(
        "[time]\nopen = \"08:00\"\ninterval = \"30m\"\nintervals = 2\n[routing]\n\
         call_select = \"oldest\"\n[staffing]\nagents = 3\n",
    );
    for expected in [
        "t.toml:5:1: routing: [routing] belongs to a center with several call types",
        "arrivals: missing section [arrivals]",
        "handle_time: missing section [handle_time]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// The most call types and groups a file may have (255 of each, numbered into 8 bits of an
/// event and into the router's tables of 256): each type goes to its own group at once and to
/// the group before it after 20 s. Every call is handled by exactly those two groups, also for
/// the last type and group and around type 63 (where the router's bit set of waiting types
/// folds the higher types into one bit).
#[test]
fn the_most_types_and_groups_route_every_call_where_its_skills_say() {
    const N: usize = callsim::model::routing::MAX_TYPES_OR_GROUPS;
    let mut text = "seed = 5\nreplications = 2\n[time]\nhorizon = \"12h\"\nwarmup = \"1h\"\n\
                    [service_level]\nthreshold = 20\n"
        .to_string();
    for t in 0..N {
        text += &steady_type(&format!("type{t}"), 30.0, 120.0, 90.0);
    }
    for g in 0..N {
        let next = (g + 1) % N;
        text += &format!(
            "[[agent_group]]\nname = \"group{g}\"\nstaffing = {{ agents = 1 }}\n\
             skills = {{ type{g} = 1, type{next} = 2 }}\ndelay = {{ type{next} = \"20s\" }}\n"
        );
    }
    let result = &simulate(&[parse(&text)])[0];
    let skills = result.skills.as_ref().unwrap();
    assert_eq!((skills.by_type.len(), skills.by_group.len()), (N, N));
    for t in 0..N {
        let before = (t + N - 1) % N;
        for g in 0..N {
            let handled = skills.handled[t][g].mean;
            if g != t && g != before {
                assert_eq!(handled, 0.0, "group {g} lacks type {t}'s skill");
            }
        }
        let answered = skills.by_type[t].total.get(Kpi::Answered).unwrap().mean;
        let row: f64 = skills.handled[t].iter().map(|v| v.mean).sum();
        assert_eq!(row, answered, "type {t}'s row of the handled matrix");
        assert!(
            skills.handled[t][t].mean > 100.0,
            "type {t} by its own group"
        );
    }
    for t in [0, 1, 62, 63, 64, 200, N - 1] {
        let before = (t + N - 1) % N;
        assert!(
            skills.handled[t][before].mean > 0.0,
            "type {t} overflows to group {before} after its delay"
        );
    }
}
