//! Lines, retrials, callbacks and balking: each against theory where theory exists, each
//! reducing exactly to the model without it when switched off, and the accounting identities.

use crate::common::simulate;
use callsim::erlang::{Traffic, erlang_b, lines_abandon};
use callsim::scenario;
use callsim::simulate::{ScenarioResult, replication_kpis};
use callsim::stats::{Kpi, MeanCi, mean_ci};
use std::path::Path;

fn run(text: &str) -> ScenarioResult {
    let sc = scenario::parse(text, "test.toml", Path::new("."), "test")
        .unwrap_or_else(|e| panic!("{}", e[0]));
    simulate(&[sc]).remove(0)
}

fn kpi(r: &ScenarioResult, k: Kpi) -> MeanCi {
    r.total
        .get(k)
        .unwrap_or_else(|| panic!("{} absent", k.name()))
}

fn assert_within_ci(r: &ScenarioResult, k: Kpi, exact: f64) {
    let v = kpi(r, k);
    let inside = (v.mean - exact).abs() <= v.ci95;
    assert!(
        inside,
        "{}: theory {exact}, simulation {} ± {}",
        k.name(),
        v.mean,
        v.ci95
    );
}

const STEADY: &str = r#"
seed = 99
replications = 20
[time]
horizon = "205h"
warmup = "5h"
[arrivals]
calls_per_hour = 240
[handle_time]
distribution = "exponential"
mean = 120
[staffing]
agents = 10
"#;

/// As many lines as agents and no room to wait: the Erlang B loss system.
#[test]
fn lines_equal_to_agents_match_erlang_b() {
    // 240 calls/h × 120 s = 8 Erlangs on 10 lines
    let r = run(&format!("{STEADY}[lines]\ncapacity = 10\n"));
    assert_within_ci(&r, Kpi::BlockedRate, erlang_b(10, 8.0).unwrap());
    assert_eq!(kpi(&r, Kpi::ProbWait).mean, 0.0, "nobody can wait");
}

/// Finite lines with room to wait and abandonment (M/M/c/N+M) against the exact chain.
#[test]
fn lines_with_waiting_room_and_abandonment_match_the_exact_chain() {
    let text = STEADY.replace("calls_per_hour = 240", "calls_per_hour = 330")
        + "[lines]\ncapacity = 14\n[patience]\ndistribution = \"exponential\"\nmean = 60\n";
    let r = run(&text);
    let traffic = Traffic::from_calls_per_hour(330.0, 120.0).unwrap();
    let exact = lines_abandon(&traffic, 10, 14, 60.0, 20.0).unwrap();
    assert_within_ci(&r, Kpi::BlockedRate, exact.p_block);
    assert_within_ci(&r, Kpi::AbandonRate, exact.p_abandon_all_arrivals);
    assert_within_ci(&r, Kpi::ServiceLevel, exact.sl_offered);
    assert_within_ci(&r, Kpi::AsaS, exact.asa_served_s);
}

const DAY: &str = r#"
seed = 5
replications = 10
[time]
open = "09:00"
interval = "30m"
intervals = 8
[arrivals]
per_interval = [20, 30, 35, 30, 25, 30, 20, 10]
[handle_time]
distribution = "lognormal"
mean = "4m"
cv = 0.8
[patience]
distribution = "exponential"
mean = "90s"
[staffing]
agents = 3
"#;

/// The KPIs both results have must be bit-identical.
fn assert_identical(a: &ScenarioResult, b: &ScenarioResult) {
    let mut compared = 0;
    for (k, v) in a.total.iter() {
        if let Some(w) = b.total.get(k) {
            assert_eq!(v.mean.to_bits(), w.mean.to_bits(), "{}", k.name());
            assert_eq!(v.ci95.to_bits(), w.ci95.to_bits(), "{}", k.name());
            compared += 1;
        }
    }
    assert!(compared >= 20);
    for (x, y) in a.intervals.iter().zip(&b.intervals) {
        for (k, v) in x.iter() {
            if let Some(w) = y.get(k) {
                assert!(v.mean.to_bits() == w.mean.to_bits(), "{}", k.name());
            }
        }
    }
}

#[test]
fn retrial_probability_zero_is_the_model_without_retrials() {
    let plain = run(DAY);
    let zero = run(&format!(
        "{DAY}[retrials]\nprobability = 0.0\ndelay = {{ distribution = \"exponential\", mean = \"10m\" }}\n"
    ));
    assert_identical(&plain, &zero);
    assert_eq!(kpi(&zero, Kpi::Retrials).mean, 0.0);
}

#[test]
fn balking_probability_zero_is_the_model_without_balking() {
    let plain = run(DAY);
    let zero = run(&format!(
        "{DAY}[balking]\nannounced_wait = [\"30s\", \"5m\"]\nprobability = [0.0, 0.0]\n"
    ));
    assert_identical(&plain, &zero);
    assert_eq!(kpi(&zero, Kpi::Balked).mean, 0.0);
}

#[test]
fn retrials_bring_customers_back_and_every_one_is_accounted_for() {
    let with = run(&format!(
        "{DAY}[retrials]\nprobability = [0.7, 0.5]\ndelay = {{ distribution = \"exponential\", mean = \"10m\" }}\nmax_attempts = 4\n"
    ));
    let without = run(DAY);
    let m = |r: &ScenarioResult, k| kpi(r, k).mean;
    // a working day counts every attempt: first attempts plus retrials
    let attempts = m(&with, Kpi::Customers) + m(&with, Kpi::Retrials);
    assert!((m(&with, Kpi::Offered) - attempts).abs() < 1e-9);
    let ended = m(&with, Kpi::ServedCustomers) + m(&with, Kpi::LostCustomers);
    assert!((m(&with, Kpi::Customers) - ended).abs() < 1e-9);
    assert!(m(&with, Kpi::AttemptsPerCustomer) > 1.0);
    assert!(m(&with, Kpi::AttemptsPerCustomer) <= 4.0);
    // the same customers (common random numbers): fewer are lost when they can call back
    assert_eq!(m(&with, Kpi::Customers), m(&without, Kpi::Customers));
    assert!(m(&with, Kpi::LostCustomers) < m(&without, Kpi::LostCustomers));
    assert!(m(&with, Kpi::ServedFirstAttempt) <= m(&with, Kpi::ServedCustomers));
}

/// In steady state with retrials, what comes in goes out: the customers arriving in the
/// measured window are served or lost, and the retrial flow is half the failures when each
/// failure calls again with probability 0.5. The difference `retrials − failures / 2` is
/// computed per replication and its mean must be within its own 95% CI of 0 (the window's
/// edges balance in steady state: retrials of warm-up failures come in, retrials due after
/// the horizon are not made; the 10-attempt cap removes a share of 0.5^9 of them).
#[test]
fn retrials_in_steady_state_keep_the_throughput_balance() {
    let text = STEADY.replace("agents = 10", "agents = 8")
        + "[patience]\ndistribution = \"exponential\"\nmean = 60\n\
           [retrials]\nprobability = 0.5\ndelay = { distribution = \"exponential\", mean = \"5m\" }\n";
    let sc = scenario::parse(&text, "test.toml", Path::new("."), "test").unwrap();
    let at = |k: Kpi| Kpi::ALL.iter().position(|x| *x == k).unwrap();
    let reps: Vec<_> = (0..sc.replications as u64)
        .map(|i| replication_kpis(&sc, i).unwrap().total)
        .collect();
    for r in &reps {
        let ended = r[at(Kpi::ServedCustomers)] + r[at(Kpi::LostCustomers)];
        assert_eq!(r[at(Kpi::Customers)], ended);
    }
    let d = mean_ci(
        reps.iter()
            .map(|r| r[at(Kpi::Retrials)] - 0.5 * r[at(Kpi::Abandoned)]),
    );
    assert!(
        d.mean.abs() <= d.ci95,
        "retrials − failures/2 = {} ± {}",
        d.mean,
        d.ci95
    );
}

#[test]
fn callbacks_are_offered_accepted_and_completed_in_order() {
    let text = format!(
        "{DAY}[callback]\noffer_when_wait_exceeds = \"1m\"\naccept_probability = 0.6\n\
         answer_probability = 0.8\nretry_delay = {{ distribution = \"exponential\", mean = \"5m\" }}\nmax_attempts = 2\n"
    );
    let r = run(&text);
    let m = |k| kpi(&r, k).mean;
    assert!(m(Kpi::CallbacksOffered) > 0.0);
    assert!(m(Kpi::CallbacksOffered) >= m(Kpi::CallbacksAccepted));
    assert!(m(Kpi::CallbacksAccepted) >= m(Kpi::CallbacksCompleted));
    // every accepted callback ends completed or failed; none ends as an abandonment
    let ended = m(Kpi::CallbacksCompleted) + m(Kpi::CallbacksFailed);
    assert!((m(Kpi::CallbacksAccepted) - ended).abs() < 1e-9);
    let attempts = m(Kpi::Answered) + m(Kpi::Abandoned) + m(Kpi::CallbacksAccepted);
    assert!((m(Kpi::Offered) - attempts).abs() < 1e-9);
    assert!(m(Kpi::CallbackDelayS) > 0.0 && m(Kpi::CallbackDelayP90S) > 0.0);
    // compared with the same day without callbacks, fewer customers are lost
    let without = run(DAY);
    assert!(m(Kpi::LostCustomers) < kpi(&without, Kpi::LostCustomers).mean);
}

#[test]
fn every_callback_completes_when_customers_always_answer() {
    let text =
        format!("{DAY}[callback]\noffer_when_wait_exceeds = \"30s\"\naccept_probability = 1.0\n");
    let r = run(&text);
    let m = |k| kpi(&r, k).mean;
    assert_eq!(m(Kpi::CallbacksFailed), 0.0);
    assert_eq!(m(Kpi::CallbacksCompleted), m(Kpi::CallbacksAccepted));
    assert_eq!(m(Kpi::CallbacksOffered), m(Kpi::CallbacksAccepted));
}

#[test]
fn balking_turns_long_announced_waits_into_hang_ups() {
    let text = format!(
        "{DAY}[balking]\nannounced_wait = [\"30s\", \"2m\", \"5m\"]\nprobability = [0.05, 0.2, 0.5]\n"
    );
    let r = run(&text);
    let m = |k| kpi(&r, k).mean;
    assert!(m(Kpi::Balked) > 0.0);
    assert!(
        m(Kpi::Abandoned) >= m(Kpi::Balked),
        "balked callers count as abandoned"
    );
    let attempts = m(Kpi::Answered) + m(Kpi::Abandoned);
    assert!((m(Kpi::Offered) - attempts).abs() < 1e-9);
}

/// Records when the last agent went home: the last time the agents present fell to 0.
#[derive(Default)]
struct LastAgent {
    gone_at: Option<f64>,
}

impl callsim::model::Observer for LastAgent {
    fn agents(&mut self, t: f64, _busy: u32, present: u32) {
        self.gone_at = (present == 0).then_some(t);
    }
}

/// Issue 19: the last interval's time (and so the `agents` KPI) runs through the
/// overtime until the last agent has gone home, not on to a callback given up or a retrial
/// refused after that: on the example day with callbacks, some of which fall after
/// closing, each replication's last interval ends exactly when its last agent left (its
/// 40 days include one, replication 30, with a callback given up after that: before the
/// fix its last interval ran on to that event).
#[test]
fn the_last_interval_ends_when_the_last_agent_has_gone_home() {
    let sc = callsim::scenario::load(&crate::common::repo(
        "scenarios/hold-or-callback/callback.toml",
    ))
    .unwrap();
    let last_start = sc.interval_s * (sc.intervals() - 1) as f64;
    let mut later = 0;
    for r in 0..u64::from(sc.replications) {
        let mut seen = LastAgent::default();
        let out = callsim::model::replication::run_replication_observed(&sc, r, &mut seen).unwrap();
        let gone = seen.gone_at.expect("every agent goes home");
        let last = out.intervals.last().unwrap();
        let end = gone.max(sc.arrivals_end_s());
        assert!((last.duration_s - (end - last_start)).abs() < 1e-6, "{r}");
        later += usize::from(gone > sc.arrivals_end_s());
        // the agents present over that time: never more than were staffed
        assert!(
            last.available_agent_s
                <= last.duration_s * f64::from(sc.agents[sc.agents.len() - 1]) + 1e-6
        );
    }
    assert!(later > 0, "some day runs into overtime");
}
