//! The simulator against queueing theory: steady-state M/M/c (Erlang C) and M/M/c+M
//! (Erlang A) from 2 to 500 agents. Every KPI must agree with the analytic value within the
//! simulation's own 95% confidence interval (Student t over independent replications, fixed
//! seeds, so the outcome is deterministic).
//!
//! `cargo test --release --test integration theory -- --nocapture` prints the table quoted in
//! the README.

use crate::common::simulate;
use callsim::erlang::{Traffic, erlang_a, erlang_c};
use callsim::scenario;
use callsim::stats::{Kpi, MeanCi};
use std::path::Path;

/// One validation case: Poisson arrivals, exponential handle times, `agents` agents and an
/// exponential patience (`None`: Erlang C).
struct Case {
    name: &'static str,
    calls_per_hour: f64,
    aht_s: f64,
    agents: u32,
    patience_s: Option<f64>,
    horizon_h: f64,
    warmup_h: f64,
    replications: u32,
}

const THRESHOLD_S: f64 = 20.0;

const CASES: [Case; 10] = [
    // Erlang C
    Case {
        name: "C  2 agents, load 1.4",
        calls_per_hour: 21.0,
        aht_s: 240.0,
        agents: 2,
        patience_s: None,
        horizon_h: 2000.0,
        warmup_h: 20.0,
        replications: 20,
    },
    Case {
        name: "C 14 agents, CCH example",
        calls_per_hour: 200.0,
        aht_s: 180.0,
        agents: 14,
        patience_s: None,
        horizon_h: 400.0,
        warmup_h: 10.0,
        replications: 20,
    },
    Case {
        name: "C 100 agents, load 92",
        calls_per_hour: 1380.0,
        aht_s: 240.0,
        agents: 100,
        patience_s: None,
        horizon_h: 100.0,
        warmup_h: 5.0,
        replications: 20,
    },
    // Erlang A: loads from 0.5 to 1.2 of the agents, patience from 20 s to 2 h
    Case {
        name: "A  2 agents, load 2.4, patience 1m",
        calls_per_hour: 36.0,
        aht_s: 240.0,
        agents: 2,
        patience_s: Some(60.0),
        horizon_h: 1500.0,
        warmup_h: 10.0,
        replications: 20,
    },
    Case {
        name: "A 10 agents, load 5, patience 30s",
        calls_per_hour: 150.0,
        aht_s: 120.0,
        agents: 10,
        patience_s: Some(30.0),
        horizon_h: 500.0,
        warmup_h: 5.0,
        replications: 20,
    },
    Case {
        name: "A 25 agents, load 24, patience 3m",
        calls_per_hour: 360.0,
        aht_s: 240.0,
        agents: 25,
        patience_s: Some(180.0),
        horizon_h: 300.0,
        warmup_h: 5.0,
        replications: 20,
    },
    Case {
        name: "A 50 agents, load 50, patience 10m",
        calls_per_hour: 600.0,
        aht_s: 300.0,
        agents: 50,
        patience_s: Some(600.0),
        horizon_h: 200.0,
        warmup_h: 10.0,
        replications: 20,
    },
    Case {
        name: "A 100 agents, load 90, patience 2h",
        calls_per_hour: 1350.0,
        aht_s: 240.0,
        agents: 100,
        patience_s: Some(7200.0),
        horizon_h: 200.0,
        warmup_h: 20.0,
        replications: 20,
    },
    Case {
        name: "A 250 agents, load 300, patience 20s",
        calls_per_hour: 4500.0,
        aht_s: 240.0,
        agents: 250,
        patience_s: Some(20.0),
        horizon_h: 20.0,
        warmup_h: 1.0,
        replications: 20,
    },
    Case {
        name: "A 500 agents, load 550, patience 3m",
        calls_per_hour: 8250.0,
        aht_s: 240.0,
        agents: 500,
        patience_s: Some(180.0),
        horizon_h: 20.0,
        warmup_h: 1.0,
        replications: 20,
    },
];

fn scenario_text(c: &Case) -> String {
    let patience = match c.patience_s {
        Some(p) => format!("[patience]\ndistribution = \"exponential\"\nmean = {p}\n"),
        None => String::new(),
    };
    format!(
        "seed = 20261123\nreplications = {}\n[time]\nhorizon = \"{}h\"\nwarmup = \"{}h\"\n\
         [arrivals]\ncalls_per_hour = {}\n[handle_time]\ndistribution = \"exponential\"\n\
         mean = {}\n{patience}[staffing]\nagents = {}\n[service_level]\nthreshold = {THRESHOLD_S}\n",
        c.replications,
        c.horizon_h + c.warmup_h,
        c.warmup_h,
        c.calls_per_hour,
        c.aht_s,
        c.agents
    )
}

/// (KPI, theory) pairs for a case.
fn theory(c: &Case) -> Vec<(Kpi, f64)> {
    let traffic = Traffic::from_calls_per_hour(c.calls_per_hour, c.aht_s).unwrap();
    match c.patience_s {
        None => {
            let e = erlang_c(&traffic, c.agents, THRESHOLD_S).unwrap();
            vec![
                (Kpi::ProbWait, e.prob_wait),
                (Kpi::ServiceLevel, e.service_level),
                (Kpi::AsaS, e.asa_s),
                (Kpi::Occupancy, e.occupancy),
            ]
        }
        Some(p) => {
            let e = erlang_a(&traffic, c.agents, p, THRESHOLD_S).unwrap();
            vec![
                (Kpi::ProbWait, e.prob_wait),
                (Kpi::ServiceLevel, e.sl_offered),
                (Kpi::AsaS, e.asa_s),
                (Kpi::AbandonRate, e.prob_abandon),
                (Kpi::Occupancy, e.occupancy),
            ]
        }
    }
}

#[test]
fn simulation_agrees_with_erlang_c_and_erlang_a() {
    let scenarios: Vec<_> = CASES
        .iter()
        .map(|c| scenario::parse(&scenario_text(c), c.name, Path::new("."), "case").unwrap())
        .collect();
    let results = simulate(&scenarios);
    let mut misses = Vec::new();
    println!("| case | KPI | theory | simulation ± 95% CI |\n| --- | --- | --- | --- |");
    for (case, result) in CASES.iter().zip(&results) {
        for (kpi, exact) in theory(case) {
            let MeanCi { mean, ci95, .. } = result.total.get(kpi).expect("KPI present");
            println!(
                "| {} | {} | {exact:.4} | {mean:.4} ± {ci95:.4} |",
                case.name,
                kpi.name()
            );
            let inside = (mean - exact).abs() <= ci95; // false for NaN too
            if !inside {
                misses.push(format!(
                    "{}: {} theory {exact} vs simulation {mean} ± {ci95}",
                    case.name,
                    kpi.name()
                ));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "outside the 95% CI:\n{}",
        misses.join("\n")
    );
}
