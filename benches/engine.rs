//! Speed of the simulation engine: one steady-state replication of a large center on one
//! thread, reported as calls simulated per second (criterion's throughput).
//!
//!     cargo bench --bench engine
//!
//! The center: 1 call per second (3,600 calls per hour), exponential handle times of 240 s
//! (240 Erlangs), exponential patience of 120 s, 245 agents, 1,000,000 s of arrivals
//! (about 1,000,000 calls per replication).

use callsim::model::run_replication;
use callsim::scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// The benchmark scenario, also used to measure memory (see the README).
pub const LARGE_STEADY: &str = include_str!("large-steady.toml");

fn large_center(c: &mut Criterion) {
    let sc = scenario::parse(LARGE_STEADY, "large-steady.toml", Path::new("."), "bench")
        .expect("the benchmark scenario is valid");
    let calls = run_replication(&sc, 0).calls;
    let mut group = c.benchmark_group("steady_state");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls));
    group.bench_function("245_agents_1M_calls", |b| {
        b.iter(|| black_box(run_replication(black_box(&sc), 0)))
    });
    group.finish();
}

criterion_group!(benches, large_center);
criterion_main!(benches);
