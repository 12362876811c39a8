//! Speed of rostering (the covering program alone; the plans are made once, outside the
//! timing): the example day (`scenarios/roster-day.toml`: 24 half hours, about 70 heads at
//! the peak, 4/6/8-hour shifts, a break in the 8-hour ones) and the example week
//! (`scenarios/roster-week.toml`: 7 × 48 half hours round the clock, 6/8/10-hour shifts
//! starting at any half hour and crossing midnight, a break in the 8- and 10-hour ones).
//!
//!     cargo bench --bench roster
//!
//! Targets (issue 12): a day well under a second; a week with breaks within 1% of its LP
//! bound in under two minutes. The gap of each is printed once before timing.

use callsim::plan::PlanOptions;
use callsim::roster::{plan_days, requirements, solve};
use callsim::scenario;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const DAY: &str = include_str!("../scenarios/roster-day.toml");
const WEEK: &str = include_str!("../scenarios/roster-week.toml");

fn bench_roster(c: &mut Criterion) {
    let mut group = c.benchmark_group("roster");
    group.sample_size(10);
    for (name, text) in [
        ("day_24_intervals_breaks", DAY),
        ("week_336_intervals_breaks", WEEK),
    ] {
        let sc = scenario::parse(text, name, Path::new("scenarios"), name)
            .expect("the example scenario is valid");
        let rules = scenario::validate::shift_rules_of(text, name)
            .expect("a valid [roster]")
            .expect("the example has [roster]");
        let (grid, days) =
            plan_days(&sc, &rules, &PlanOptions::for_scenario(&sc)).expect("plannable");
        let req = requirements(&grid, &days).remove(0);
        let agent_per_hour = sc.costs.map(|c| c.agent_per_hour);
        let solved = solve(&req, &rules, agent_per_hour).expect("rosterable");
        eprintln!(
            "{name}: {} candidate shifts, paid hours {}, cost {} vs LP bound {} (gap {:.3}%)",
            solved.columns,
            solved.paid_hours,
            solved.cost,
            solved.lp_bound,
            solved.gap() * 100.0
        );
        group.bench_function(name, |b| {
            b.iter(|| black_box(solve(black_box(&req), &rules, agent_per_hour).expect("solves")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_roster);
criterion_main!(benches);
