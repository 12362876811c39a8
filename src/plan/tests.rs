//! Unit tests of the planner: the scenario written back, criteria, seeds, Erlang steps.

use super::evaluate::fresh_seed;
use super::output::with_staffing;
use super::*;
use crate::scenario;
use std::path::Path;

const DAY: &str = r#"# a comment
name = "day"
seed = 3
replications = 4

[time]
open = "08:00"
interval = "1h"
intervals = 3

[arrivals]
per_interval = [60, 120, 60]

[handle_time]
distribution = "exponential"
mean = "3m"

[staffing]   # the roster
# comment kept
agents = 4

[service_level]
threshold = "20s"
target = 0.8
"#;

fn day() -> Scenario {
    scenario::parse(DAY, "day.toml", Path::new("."), "day").unwrap()
}

#[test]
fn staffing_table_is_replaced_and_the_rest_kept() {
    let text = with_staffing(DAY, &[3, 5, 4], "day-planned", "planned").unwrap();
    assert!(text.contains("name = \"day-planned\"\n"));
    assert!(text.contains(
        "[staffing]   # the roster\n# planned\nper_interval = [3, 5, 4]\n# comment kept\n\n\
         [service_level]"
    ));
    assert!(!text.contains("agents = 4"));
    let sc = scenario::parse(&text, "x.toml", Path::new("."), "x").unwrap();
    assert_eq!(sc.agents, vec![3, 5, 4]);
    assert_eq!(sc.name, "day-planned");
}

#[test]
fn multi_line_arrays_are_replaced_and_a_missing_name_added() {
    let text = DAY
        .replace("name = \"day\"\n", "")
        .replace("agents = 4", "per_interval = [1,\n   2,\n   3]");
    let agents: Vec<u32> = (1..=13).collect();
    let out = with_staffing(&text, &agents, "n", "note").unwrap();
    assert!(out.starts_with("name = \"n\"\n"));
    assert!(
        out.contains("per_interval = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,\n                13]")
    );
    assert!(!out.contains("   2,\n"));
    assert!(with_staffing("seed = 1\nstaffing = { agents = 3 }\n", &[1], "n", "").is_err());
}

#[test]
fn criteria_read_the_right_end_of_the_interval() {
    let v = MeanCi {
        mean: 0.8,
        ci95: 0.05,
        n: 10,
    };
    assert_eq!(Criterion::Mean.low(v), 0.8);
    assert!((Criterion::Ci95.low(v) - 0.75).abs() < 1e-12);
    assert!((Criterion::Ci95.high(v) - 0.85).abs() < 1e-12);
    let no_ci = MeanCi {
        ci95: f64::NAN,
        ..v
    };
    assert_eq!(Criterion::Ci95.low(no_ci), 0.8);
}

#[test]
fn the_final_check_seed_differs_and_is_stable() {
    assert_ne!(fresh_seed(42), 42);
    assert_eq!(fresh_seed(42), fresh_seed(42));
    assert_ne!(fresh_seed(42), fresh_seed(43));
}

#[test]
fn plans_are_reproducible_and_meet_the_targets() {
    let sc = day();
    let options = PlanOptions::for_scenario(&sc);
    let a = plan(&sc, &options).unwrap();
    let b = plan(&sc, &options).unwrap();
    assert_eq!(a.planned, b.planned);
    assert_eq!(a.erlang_agents().len(), 3);
    let planned = a.planned_agents();
    assert!(planned[1] > planned[0]);
    assert_eq!(a.scheduled, a.planned, "no shrinkage without [costs]");
    for set in &a.check.intervals {
        assert!(set.get(Kpi::ServiceLevel).unwrap().mean >= 0.8);
    }
    assert!((a.agent_hours() - f64::from(planned.iter().sum::<u32>())).abs() < 1e-9);
}

#[test]
fn shrinkage_and_occupancy_are_respected() {
    let sc = day();
    let options = PlanOptions {
        targets: Targets {
            max_occupancy: Some(0.5),
            ..PlanOptions::for_scenario(&sc).targets
        },
        shrinkage: Some(0.25),
        ..PlanOptions::for_scenario(&sc)
    };
    let p = plan(&sc, &options).unwrap();
    for (k, set) in p.check.intervals.iter().enumerate() {
        assert!(set.get(Kpi::Occupancy).unwrap().mean <= 0.5, "interval {k}");
        assert_eq!(
            p.scheduled_agents()[k],
            (f64::from(p.planned_agents()[k]) / 0.75 - 1e-9).ceil() as u32
        );
    }
}

#[test]
fn bad_options_are_errors_that_say_what_to_do() {
    let sc = day();
    let bad = |f: &dyn Fn(&mut PlanOptions)| {
        let mut o = PlanOptions::for_scenario(&sc);
        f(&mut o);
        plan(&sc, &o)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(bad(&|o| o.targets.service_level = Some(1.0)).contains("(0, 1)"));
    assert!(bad(&|o| o.targets.threshold_s = -1.0).contains(">= 0"));
    assert!(bad(&|o| o.replications = 1).contains("at least 2 replications"));
    assert!(bad(&|o| o.goal = Goal::Cost).contains("[costs]"));
    assert!(bad(&|o| o.shrinkage = Some(-0.1)).contains("shrinkage"));
    assert!(
        bad(&|o| {
            o.targets.service_level = None;
        })
        .contains("give a target")
    );
}

/// A half-hour day of about 20 agents whose volume varies from day to day (busyness cv 0.15),
/// with impatient callers: the case `plan --confidence` is for.
const BUSY_DAYS: &str = r#"name = "busy-days"
seed = 5
replications = 200

[time]
open = "09:00"
interval = "30m"
intervals = 6

[arrivals]
per_interval = [180, 240, 260, 240, 200, 160]
busyness_cv = 0.15

[handle_time]
distribution = "exponential"
mean = "4m"

[patience]
distribution = "exponential"
mean = "3m"

[staffing]
agents = 20

[service_level]
threshold = "20s"
target = 0.8
"#;

/// The lowest true share of days an interval can have and still have passed the plan's own
/// check of `n` days (at least ceil(p·n) meeting) with probability `alpha`: below it, a pass
/// is too unlikely to be the planner's luck.
fn lowest_share_passing(p: f64, n: u64, alpha: f64) -> f64 {
    use statrs::distribution::{Binomial, DiscreteCDF};
    let need = (p * n as f64 - 1e-9).ceil() as u64;
    (0..=1000)
        .map(|i| f64::from(i) / 1000.0)
        .find(|&q| Binomial::new(q, n).is_ok_and(|b| 1.0 - b.cdf(need.saturating_sub(1)) >= alpha))
        .unwrap_or(p)
}

#[test]
fn a_plan_for_nine_days_in_ten_meets_its_targets_on_nine_days_in_ten_with_fresh_callers() {
    let sc = scenario::parse(BUSY_DAYS, "busy.toml", Path::new("."), "busy-days").unwrap();
    let p = 0.9;
    let options = |criterion| PlanOptions {
        criterion,
        ..PlanOptions::for_scenario(&sc)
    };
    let for_days = plan(&sc, &options(Criterion::ShareOfDays(p))).unwrap();
    let on_mean = plan(&sc, &options(Criterion::Mean)).unwrap();
    // the plan's own check: every interval met the target on at least 90% of its 200 days
    let n_check = u64::from(for_days.check.scenario.replications);
    for (k, &d) in for_days.days_met.iter().enumerate() {
        assert!(d >= p - 1e-12, "interval {k}: {d}");
    }
    // fresh callers: 4,000 days no plan has seen, every interval judged day by day
    let fresh_days = 4000u32;
    let share_met = |planned: &Plan| {
        let mut fresh = sc.clone();
        fresh.seed = fresh_seed(fresh_seed(sc.seed));
        fresh.replications = fresh_days;
        fresh.agents = planned.planned_agents();
        let guide = guide::Guide::new(&fresh, planned.options.targets, Criterion::Mean).unwrap();
        let agents = fresh.agents.clone();
        let mut eval = evaluate::Evaluator::new(fresh, &guide);
        eval.run(&agents).unwrap().days_met
    };
    let fresh = share_met(&for_days);
    // Each interval's true share is at least what could still pass the check by luck
    // (probability 0.001 over the six intervals), less three standard errors of 4,000 days.
    let q = lowest_share_passing(p, n_check, 0.001 / 6.0);
    let se = (q * (1.0 - q) / f64::from(fresh_days)).sqrt();
    for (k, &f) in fresh.iter().enumerate() {
        assert!(
            f >= q - 3.0 * se,
            "interval {k}: met on {f} of fresh days (bound {q})"
        );
    }
    // ... which planning on the mean does not: it meets on far fewer days, with fewer agents
    let mean_fresh = share_met(&on_mean);
    // the README's figures (cargo test --release --lib nine_days_in_ten -- --nocapture)
    eprintln!(
        "share of fresh days meeting the target, per interval: 9 in 10 plan {fresh:?}, mean \
         plan {mean_fresh:?} (bound {:.3})",
        q - 3.0 * se
    );
    let average = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        average(&mean_fresh) < average(&fresh),
        "{mean_fresh:?} {fresh:?}"
    );
    assert!(on_mean.agent_hours() < for_days.agent_hours());
    // the analytic start is Erlang on a day as busy as 90% of days stay under
    assert!(
        for_days
            .start
            .iter()
            .zip(&on_mean.start)
            .all(|(a, b)| a[0] >= b[0])
    );
    assert!(
        for_days
            .start
            .iter()
            .zip(&on_mean.start)
            .any(|(a, b)| a[0] > b[0])
    );
}

/// One interval's abandonment: its mean and 95% half-width over `n` days.
fn abandonment(mean: f64, ci95: f64, n: usize) -> KpiSet {
    KpiSet::new(vec![Kpi::AbandonRate], vec![MeanCi { mean, ci95, n }])
}

/// The widest interval is the one whose band is widest against what is allowed around its
/// own mean: for a share of the mean, a quiet interval's narrow band can be the widest; a
/// band of zero where nothing is allowed (abandonment 0 on every day) never hides a band
/// that is too wide; intervals without a band are left out.
#[test]
fn the_widest_interval_is_judged_against_what_its_own_mean_allows() {
    let sets = [
        abandonment(0.10, 0.02, 40),  // 20% of its mean
        abandonment(0.02, 0.008, 40), // 40% of its mean
        abandonment(0.0, 0.0, 40),    // never abandoned: 0 allowed, 0 reached
        abandonment(0.05, f64::NAN, 1),
    ];
    let sets: Vec<&KpiSet> = sets.iter().collect();
    let relative = widest_interval(&sets, Kpi::AbandonRate, HalfWidth::Relative(0.25)).unwrap();
    assert_eq!((relative.mean, relative.ci95), (0.02, 0.008));
    let absolute = widest_interval(&sets, Kpi::AbandonRate, HalfWidth::Absolute(0.01)).unwrap();
    assert_eq!((absolute.mean, absolute.ci95), (0.10, 0.02));
    assert_eq!(excess(0.0, 0.0), 0.0);
    assert_eq!(excess(0.01, 0.0), f64::INFINITY);
    assert_eq!(excess(0.01, 0.02), 0.5);
    // no interval with a band: nothing to judge
    assert!(widest_interval(&sets[3..], Kpi::AbandonRate, HalfWidth::Absolute(0.01)).is_none());
    assert!(widest_interval(&sets, Kpi::ServiceLevel, HalfWidth::Absolute(0.01)).is_none());
}

/// The final check of a plan at a precision reads the widest interval of a real simulated
/// day, by the rule of runs to a precision: too wide after 4 days, it asks for at most twice
/// as many, at least 10 more (14), never past the maximum; met, or at the maximum, it asks
/// for nothing more; without a precision there is nothing to say.
#[test]
fn the_final_check_is_topped_up_by_the_rule_of_runs_to_a_precision() {
    let mut staffed = day();
    staffed.agents = vec![5, 8, 5];
    let result = crate::simulate::simulate_one(&staffed).unwrap();
    let options = |text: &str, max: u32| PlanOptions {
        precision: Some(Precision::parse(text, max).unwrap()),
        ..PlanOptions::for_scenario(&day())
    };
    let widest = result
        .intervals
        .iter()
        .filter_map(|i| i.get(Kpi::ServiceLevel))
        .map(|v| v.ci95)
        .fold(0.0, f64::max);
    assert!(widest > 0.01, "{widest}");
    let (reached, more) = check_precision(&options("service_level=0.01", 1000), &result);
    let reached = reached.unwrap();
    assert_eq!(reached.replications, 4);
    assert!(!reached.met);
    assert_eq!(reached.kpis[0].2, 0.01);
    assert_eq!(reached.kpis[0].3, widest);
    assert_eq!(more, Some(14));
    // at the maximum already: nothing more, and not met
    let (reached, more) = check_precision(&options("service_level=0.01", 4), &result);
    assert!(!reached.unwrap().met);
    assert_eq!(more, None);
    // as wide as the widest band allows: met
    let (reached, more) =
        check_precision(&options(&format!("service_level={widest}"), 1000), &result);
    assert!(reached.unwrap().met);
    assert_eq!(more, None);
    let none = check_precision(&PlanOptions::for_scenario(&day()), &result);
    assert_eq!(none, (None, None));
}

/// A top-up of an evaluation takes the same staffing on to more days without running the
/// days it has again: after 4 days, topped up to 14 and then to 300 (past a chunk of
/// replications), it has simulated 300 days, and its averages, day values (the 9-in-10
/// reading) and days met are, to the bit, those of 300 days run from the first. Another
/// staffing starts again from the first day.
#[test]
fn a_top_up_runs_only_the_new_days_and_equals_a_run_of_them_all() {
    let sc = day();
    let options = PlanOptions::for_scenario(&sc);
    let guide = guide::Guide::new(&sc, options.targets, Criterion::ShareOfDays(0.9)).unwrap();
    let agents = [5, 8, 5];
    let mut topped = evaluate::Evaluator::new(sc.clone(), &guide);
    let first = topped.run(&agents).unwrap();
    assert_eq!(first.result.replications.len(), 4);
    topped.top_up(&agents, 14).unwrap();
    let evaluation = topped.top_up(&agents, 300).unwrap();
    assert_eq!(topped.replications_run, 300);
    assert_eq!(topped.evaluations, 3);
    let mut all = sc.clone();
    all.replications = 300;
    let mut whole = evaluate::Evaluator::new(all, &guide);
    let from_the_first = whole.run(&agents).unwrap();
    assert_eq!(whole.replications_run, 300);
    assert_eq!(format!("{evaluation:?}"), format!("{from_the_first:?}"));
    // another staffing is not a top-up: all its days are run
    topped.top_up(&[6, 8, 5], 300).unwrap();
    assert_eq!(topped.replications_run, 600);
}
