//! Speed of the planner: a 24-interval working day of a center of about 50 agents at the
//! peak (`scenarios/plan-day.toml`: a real intraday curve, lognormal handle times, Weibull
//! patience, retrials, day-level busyness), 10 replications per evaluation of a staffing,
//! targets 80% within 20 s and at most 5% abandonment.
//!
//!     cargo bench --bench plan
//!
//! Target: under 10 s per plan.

use callsim::erlang::Targets;
use callsim::plan::{PlanOptions, plan};
use callsim::scenario;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const PLAN_DAY: &str = include_str!("../scenarios/plan-day.toml");

fn plan_day(c: &mut Criterion) {
    let sc = scenario::parse(
        PLAN_DAY,
        "plan-day.toml",
        Path::new("scenarios"),
        "plan-day",
    )
    .expect("the example scenario is valid");
    let options = PlanOptions {
        targets: Targets {
            max_abandon: Some(0.05),
            ..PlanOptions::for_scenario(&sc).targets
        },
        replications: 10,
        ..PlanOptions::for_scenario(&sc)
    };
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("24_intervals_50_agents_10_reps", |b| {
        b.iter(|| black_box(plan(black_box(&sc), &options).expect("plannable")))
    });
    group.finish();
}

criterion_group!(benches, plan_day);
criterion_main!(benches);
