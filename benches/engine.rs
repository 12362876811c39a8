//! Speed of the simulation engine: one steady-state replication of a large center on one
//! thread, reported as calls simulated per second (criterion's throughput).
//!
//!     cargo bench --bench engine
//!
//! The center: 1 call per second (3,600 calls per hour), exponential handle times of 240 s
//! (240 Erlangs), exponential patience of 120 s, 245 agents, 1,000,000 s of arrivals
//! (about 1,000,000 calls per replication). The multi-skill center splits the same load into
//! 10 call types answered by 20 agent groups with three skills each (ranks 1, 2, and 3 after
//! a 30-second delay): its throughput is compared with the single queue's.

use callsim::model::run_replication;
use callsim::scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// The benchmark scenario, also used to measure memory (see the README).
pub const LARGE_STEADY: &str = include_str!("large-steady.toml");
/// The multi-skill benchmark scenario: 10 types, 20 groups.
pub const MULTI_SKILL_STEADY: &str = include_str!("multi-skill-steady.toml");

fn large_center(c: &mut Criterion) {
    let sc = scenario::parse(LARGE_STEADY, "large-steady.toml", Path::new("."), "bench")
        .expect("the benchmark scenario is valid");
    let calls = run_replication(&sc, 0).expect("the benchmark runs").calls;
    let mut group = c.benchmark_group("steady_state");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls));
    group.bench_function("245_agents_1M_calls", |b| {
        b.iter(|| black_box(run_replication(black_box(&sc), 0)))
    });
    group.finish();
}

fn multi_skill_center(c: &mut Criterion) {
    let sc = scenario::parse(
        MULTI_SKILL_STEADY,
        "multi-skill-steady.toml",
        Path::new("."),
        "bench",
    )
    .expect("the multi-skill benchmark scenario is valid");
    assert!(sc.skills.is_some(), "call types");
    let calls = run_replication(&sc, 0).expect("the benchmark runs").calls;
    let mut group = c.benchmark_group("multi_skill");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls));
    group.bench_function("10_types_20_groups_1M_calls", |b| {
        b.iter(|| black_box(run_replication(black_box(&sc), 0)))
    });
    group.finish();
}

criterion_group!(benches, large_center, multi_skill_center);
criterion_main!(benches);
