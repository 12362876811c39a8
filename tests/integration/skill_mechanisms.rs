//! Every mechanism with call types: lines shared by every type, balking, callbacks, retrials,
//! proactive contact and costs, each per type. The accounting identities hold per type and
//! for the center; with dedicated groups each type behaves as its own single queue with the
//! same mechanisms; types pooled behind shared lines are one M/M/c/N+M queue.

use crate::common::simulate;
use crate::common::{parse, problems};
use callsim::erlang::{Traffic, lines_abandon};
use callsim::model::run_replication;
use callsim::simulate::ScenarioResult;
use callsim::stats::{IntervalTally, Kpi, MeanCi, student_t_975};
use statrs::distribution::{ContinuousCDF, Normal};

/// A working day of 8 half hours (the service-level threshold is the default 20 s).
fn day(replications: u32) -> String {
    format!(
        "seed = 7\nreplications = {replications}\n[time]\nopen = \"08:00\"\ninterval = \"30m\"\n\
         intervals = 8\n"
    )
}

/// Billing: lognormal 4-minute calls, callers who balk and are offered a callback.
const BILLING: &str = r#"
[[call_type]]
name = "billing"
arrivals = { per_interval = [40, 60, 80, 90, 90, 70, 60, 40] }
handle_time = { distribution = "lognormal", mean = "4m", cv = 0.8 }
patience = { distribution = "exponential", mean = "2m" }
balking = { announced_wait = ["1m", "5m"], probability = [0.1, 0.4] }
callback = { offer_when_wait_exceeds = "1m", accept_probability = 0.6, answer_probability = 0.8, max_attempts = 2 }
"#;

/// Technical: 8-minute calls and a proactive campaign of agent calls.
const TECHNICAL: &str = r#"
[[call_type]]
name = "technical"
arrivals = { per_interval = [20, 30, 40, 45, 45, 40, 35, 20] }
handle_time = { distribution = "lognormal", mean = "8m", cv = 0.9 }
patience = { distribution = "exponential", mean = "3m" }
service_level = { threshold = "60s", target = 0.8 }
proactive = { predictable_share = 0.3, coverage = 0.8, channel = "agent_call", deflection = 0.6, handle_time = { distribution = "exponential", mean = "2m" }, answer_probability = 0.7, deadline = "1h", cost_per_contact = 0.4 }
"#;

/// Both types call again after a failed attempt, and everything has a price.
const CENTER: &str = r#"
[retrials]
probability = 0.6
delay = { distribution = "exponential", mean = "10m" }
[costs]
agent_per_hour = 25
shrinkage = 0.3
per_minute = 0.02
lost_customer_value = 300
churn = 0.3
"#;

const DEDICATED: &str = r#"
[[agent_group]]
name = "billing-team"
staffing = { agents = 9 }
skills = { billing = 1 }
[[agent_group]]
name = "technical-team"
staffing = { agents = 12 }
skills = { technical = 1 }
"#;

/// Call counts of a tally that add up over types to the center's.
fn counts(t: &IntervalTally) -> [u64; 14] {
    [
        t.offered,
        t.queued,
        t.answered,
        t.abandoned,
        t.balked,
        t.blocked,
        t.retrials,
        t.callbacks_accepted,
        t.callbacks_completed,
        t.customers,
        t.served_customers,
        t.lost_customers,
        t.proactive_contacts,
        t.calls_deflected,
    ]
}

/// Two types, two groups (generalists overflow to billing after 30 s), shared lines and every
/// mechanism: in every replication and interval each type's attempts and customers end exactly
/// once, the types add up to the center, and the groups handled every answered call and
/// completed callback. Each mechanism is seen at work, so the identities are not vacuous.
#[test]
fn every_mechanism_with_two_types_balances_per_type_and_in_total() {
    let groups = r#"
[[agent_group]]
name = "billing-team"
staffing = { agents = 8 }
skills = { billing = 1 }
[[agent_group]]
name = "generalists"
staffing = { agents = 11 }
skills = { technical = 1, billing = 2 }
delay = { billing = "30s" }
[lines]
capacity = 24
"#;
    let sc = parse(&format!("{}{BILLING}{TECHNICAL}{CENTER}{groups}", day(1)));
    let mut seen = IntervalTally::default();
    for rep in 0..20 {
        let out = run_replication(&sc, rep).unwrap();
        assert_eq!(out.by_type.len(), 2);
        for (k, center) in out.intervals.iter().enumerate() {
            assert!(center.balances(), "center, interval {k}: {center:?}");
            let mut sum = [0u64; 14];
            for ty in &out.by_type {
                let t = &ty[k];
                assert!(t.balances(), "type, interval {k}: {t:?}");
                for (s, c) in sum.iter_mut().zip(counts(t)) {
                    *s += c;
                }
            }
            assert_eq!(
                sum,
                counts(center),
                "interval {k}: types add up to the center"
            );
            seen.merge(center);
        }
        let handled: u64 = out.handled.iter().flatten().sum();
        let answered: u64 = out
            .intervals
            .iter()
            .map(|t| t.answered + t.callbacks_completed)
            .sum();
        assert_eq!(handled, answered, "replication {rep}");
        let billing_proactive: u64 = out.by_type[0].iter().map(|t| t.proactive_contacts).sum();
        assert_eq!(billing_proactive, 0, "billing has no campaign");
    }
    for (what, n) in [
        ("blocked", seen.blocked),
        ("balked", seen.balked),
        ("retrials", seen.retrials),
        ("callbacks completed", seen.callbacks_completed),
        ("callbacks failed", seen.callbacks_failed),
        ("proactive contacts", seen.proactive_contacts),
        ("calls deflected", seen.calls_deflected),
        ("lost customers", seen.lost_customers),
    ] {
        assert!(n > 0, "{what} never happened: the test would prove nothing");
    }
}

/// The KPIs each type is compared on.
const COMPARED: &[Kpi] = &[
    Kpi::Offered,
    Kpi::Answered,
    Kpi::Abandoned,
    Kpi::Balked,
    Kpi::Retrials,
    Kpi::CallbacksAccepted,
    Kpi::CallbacksCompleted,
    Kpi::ServiceLevel,
    Kpi::AsaS,
    Kpi::LostCustomers,
    Kpi::ProactiveContacts,
    Kpi::CallsDeflected,
    Kpi::CostLostCustomers,
];

/// True when two independent estimates agree: their difference lies within the
/// `1 − alpha` confidence interval of a difference of means (standard errors recovered from
/// the 95% Student-t half-widths of `replications` replications).
fn agree(a: MeanCi, b: MeanCi, replications: usize, alpha: f64) -> bool {
    let t = student_t_975(replications - 1);
    let se = ((a.ci95 / t).powi(2) + (b.ci95 / t).powi(2)).sqrt();
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    (a.mean - b.mean).abs() <= z * se || (a.mean == b.mean && se == 0.0)
}

/// A type answered only by its own group is a single queue of its own: with the same
/// mechanisms (balking, callbacks, retrials, proactive agent calls, costs) each type of the
/// two-type center agrees with a single-queue run of that type alone. The runs draw different
/// random numbers (the types share one arrival stream), so they are compared statistically: 26
/// comparisons at a family-wise 5% level (Bonferroni).
#[test]
fn dedicated_groups_each_match_their_own_single_queue_with_the_same_mechanisms() {
    let replications = 150u32;
    let center = parse(&format!(
        "{}{BILLING}{TECHNICAL}{CENTER}{DEDICATED}",
        day(replications)
    ));
    let single = |call_type: &str, agents: u32| {
        // the type's table as top-level sections of a single-queue file
        let body: String = call_type
            .lines()
            .filter(|l| !l.starts_with("[[call_type]]") && !l.starts_with("name ="))
            .map(|l| match l.split_once(" = ") {
                Some((key, value)) => format!("[{key}]\n{}\n", table_body(value)),
                None => format!("{l}\n"),
            })
            .collect();
        parse(&format!(
            "{}{body}{CENTER}[staffing]\nagents = {agents}\n",
            day(replications)
        ))
    };
    let alone = simulate(&[single(BILLING, 9), single(TECHNICAL, 12)]);
    let together = &simulate(&[center])[0];
    let by_type = &together.skills.as_ref().unwrap().by_type;
    let comparisons = COMPARED.len() * 2;
    let alpha = 0.05 / comparisons as f64;
    let mut misses = Vec::new();
    for (ty, alone) in by_type.iter().zip(&alone) {
        for &kpi in COMPARED {
            let Some(a) = ty.total.get(kpi) else {
                panic!("{} {}: absent", ty.name, kpi.name());
            };
            // a mechanism the type does not have is absent from its own run, and zero here
            let b = alone.total.get(kpi).unwrap_or(MeanCi {
                mean: 0.0,
                ci95: 0.0,
                n: a.n,
            });
            println!(
                "{} {}: with types {:.3} ± {:.3}, alone {:.3} ± {:.3}",
                ty.name,
                kpi.name(),
                a.mean,
                a.ci95,
                b.mean,
                b.ci95
            );
            if !agree(a, b, replications as usize, alpha) {
                misses.push(format!("{} {}", ty.name, kpi.name()));
            }
        }
    }
    assert!(misses.is_empty(), "disagree: {misses:?}");
    // the campaign is technical's only, and only technical's agents place its calls
    let contacts = |r: &ScenarioResult| r.total.get(Kpi::ProactiveContacts).unwrap().mean;
    assert!(contacts(&alone[1]) > 0.0);
    assert_eq!(
        by_type[0].total.get(Kpi::ProactiveContacts).unwrap().mean,
        0.0
    );
}

/// `{ a = 1, b = { c = 2 } }` as the lines of a table body: `a = 1` and `b = { c = 2 }`.
fn table_body(inline: &str) -> String {
    let inner = inline.trim().trim_start_matches('{').trim_end_matches('}');
    let (mut out, mut depth, mut item) = (String::new(), 0, String::new());
    for ch in inner.chars() {
        match ch {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out += item.trim();
                out.push('\n');
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(ch);
    }
    out += item.trim();
    out
}

/// Two types with the same exponential handle time and patience, both groups taking both at
/// rank 1 in one global FIFO behind shared lines: the center is one M/M/c/N+M queue, and
/// blocking, abandonment, service level and ASA match the exact chain, for the center and
/// for each type.
#[test]
fn pooled_types_behind_shared_lines_match_the_exact_chain() {
    let text = r#"
seed = 31
replications = 20
[time]
horizon = "205h"
warmup = "5h"
[service_level]
threshold = 20
[[call_type]]
name = "billing"
arrivals = { calls_per_hour = 200 }
handle_time = { distribution = "exponential", mean = 120 }
patience = { distribution = "exponential", mean = 60 }
[[call_type]]
name = "tech"
arrivals = { calls_per_hour = 130 }
handle_time = { distribution = "exponential", mean = 120 }
patience = { distribution = "exponential", mean = 60 }
[[agent_group]]
name = "a"
staffing = { agents = 6 }
skills = { billing = 1, tech = 1 }
[[agent_group]]
name = "b"
staffing = { agents = 4 }
skills = { billing = 1, tech = 1 }
[routing]
call_select = "oldest"
[lines]
capacity = 14
"#;
    let result = &simulate(&[parse(text)])[0];
    let traffic = Traffic::from_calls_per_hour(330.0, 120.0).unwrap();
    let exact = lines_abandon(&traffic, 10, 14, 60.0, 20.0).unwrap();
    let expected = [
        (Kpi::BlockedRate, exact.p_block),
        (Kpi::AbandonRate, exact.p_abandon_all_arrivals),
        (Kpi::ServiceLevel, exact.sl_offered),
        (Kpi::AsaS, exact.asa_served_s),
    ];
    let mut sets = vec![("center".to_string(), &result.total)];
    for ty in &result.skills.as_ref().unwrap().by_type {
        sets.push((ty.name.clone(), &ty.total));
    }
    let mut misses = Vec::new();
    for (name, kpis) in sets {
        for (kpi, theory) in expected {
            let v = kpis.get(kpi).unwrap();
            println!(
                "{name} {}: theory {theory:.4}, simulation {:.4} ± {:.4}",
                kpi.name(),
                v.mean,
                v.ci95
            );
            if (v.mean - theory).abs() > v.ci95 {
                misses.push(format!(
                    "{name} {}: {theory} vs {} ± {}",
                    kpi.name(),
                    v.mean,
                    v.ci95
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

/// A mechanism switched off (retrials with probability 0, balking with probability 0, a
/// callback nobody accepts) gives the same KPIs as none, with call types as for one queue.
#[test]
fn switched_off_mechanisms_with_types_are_the_model_without_them() {
    let plain = format!(
        "{}{}{}{DEDICATED}",
        day(5),
        strip(BILLING),
        strip(TECHNICAL)
    );
    let off = format!(
        "{plain}[retrials]\nprobability = 0\ndelay = {{ distribution = \"exponential\", mean = 600 }}\n\
         [balking]\nannounced_wait = [\"1m\"]\nprobability = [0]\n\
         [callback]\noffer_when_wait_exceeds = \"1m\"\naccept_probability = 0\n"
    );
    let results = simulate(&[parse(&plain), parse(&off)]);
    let kpis = |r: &ScenarioResult| {
        Kpi::ALL
            .iter()
            .filter_map(|&k| Some((k, r.total.get(k)?)))
            .filter(|(k, _)| k.mechanism() == callsim::stats::Mechanism::Base)
            .collect::<Vec<_>>()
    };
    assert_eq!(kpis(&results[0]), kpis(&results[1]));
    let types = |r: &ScenarioResult| {
        r.skills
            .as_ref()
            .unwrap()
            .by_type
            .iter()
            .map(|t| t.total.get(Kpi::ServiceLevel))
            .collect::<Vec<_>>()
    };
    assert_eq!(types(&results[0]), types(&results[1]));
}

/// A call type's text without its own mechanisms.
fn strip(call_type: &str) -> String {
    call_type
        .lines()
        .filter(|l| {
            !["balking", "callback", "proactive"]
                .iter()
                .any(|m| l.starts_with(m))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A type's own section is checked like the center's, and its problems name the type; agent
/// calls of two types must share one deadline.
#[test]
fn a_types_own_sections_are_checked_and_named() {
    let text = problems(&format!(
        "{}{}{TECHNICAL}{DEDICATED}",
        day(1),
        BILLING.replace("accept_probability = 0.6", "accept_probability = 1.6")
    ));
    assert!(
        text.contains("call_type[billing].callback.accept_probability: expected a probability"),
        "{text}"
    );
    assert!(
        text.contains("t.toml:"),
        "the file and line are named: {text}"
    );
    let second = TECHNICAL
        .replace("\"technical\"", "\"returns\"")
        .replace("deadline = \"1h\"", "deadline = \"2h\"");
    let text = problems(&format!(
        "{}{TECHNICAL}{second}[[agent_group]]\nname = \"all\"\nstaffing = {{ agents = 9 }}\n\
         skills = {{ technical = 1, returns = 1 }}\n",
        day(1)
    ));
    assert!(
        text.contains("call_type[returns].proactive.deadline: proactive agent calls of every call type share one deadline"),
        "{text}"
    );
}
