//! Proactive contact and costs: coverage 0 is the model without it, deflection removes the
//! share of calls it should, agent calls use idle time only, costs add up to the cent, and
//! paired comparisons are narrower than unpaired ones.

use crate::common::simulate;
use crate::common::{callsim, repo};
use callsim::scenario;
use callsim::simulate::ScenarioResult;
use callsim::stats::{Kpi, mean_ci};
use std::path::Path;

fn parse(text: &str) -> callsim::Scenario {
    scenario::parse(text, "test.toml", Path::new("."), "test")
        .unwrap_or_else(|e| panic!("{}", e[0]))
}

fn example(file: &str) -> String {
    std::fs::read_to_string(repo(&format!("scenarios/proactive-delay-notice/{file}"))).unwrap()
}

fn per_rep(r: &ScenarioResult, k: Kpi) -> Vec<f64> {
    r.per_replication(k)
        .unwrap_or_else(|| panic!("{} absent", k.name()))
}

#[test]
fn coverage_zero_is_the_model_without_proactive_contact() {
    let without = parse(&example("1-no-proactive.toml"));
    let zero = parse(&example("2-messages.toml").replace("coverage = 0.8", "coverage = 0.0"));
    let agent_zero =
        parse(&example("3-agent-calls.toml").replace("coverage = 0.8", "coverage = 0.0"));
    let results = simulate(&[without, zero, agent_zero]);
    for other in &results[1..] {
        let mut compared = 0;
        for (k, v) in results[0].total.iter() {
            let w = other.total.get(k).unwrap();
            assert_eq!(v.mean.to_bits(), w.mean.to_bits(), "{}", k.name());
            assert_eq!(v.ci95.to_bits(), w.ci95.to_bits(), "{}", k.name());
            compared += 1;
        }
        assert!(compared > 20);
        assert_eq!(other.total.get(Kpi::ProactiveContacts).unwrap().mean, 0.0);
    }
}

/// With a constant predictable share s, coverage k and deflection d (messages reach everyone
/// covered), a share s·k·d of first attempts disappears. Per replication, the share deflected
/// among all would-be callers; its mean must be within its own 95% CI of s·k·d. And because the
/// two runs share their callers, the customers without the campaign are exactly those with it
/// plus those deflected, day by day.
#[test]
fn deflection_removes_its_share_of_first_attempts() {
    let (s, k, d) = (0.3, 0.8, 0.7);
    let base = example("1-no-proactive.toml");
    let with = base.replace(
        "[costs]",
        &format!(
            "[proactive]\npredictable_share = {s}\ncoverage = {k}\nchannel = \"message\"\ndeflection = {d}\n\n[costs]"
        ),
    );
    let results = simulate(&[parse(&base), parse(&with)]);
    let (customers, deflected) = (
        per_rep(&results[1], Kpi::Customers),
        per_rep(&results[1], Kpi::CallsDeflected),
    );
    let share = mean_ci(customers.iter().zip(&deflected).map(|(c, x)| x / (c + x)));
    assert!(
        (share.mean - s * k * d).abs() <= share.ci95,
        "deflected share {} ± {} vs {}",
        share.mean,
        share.ci95,
        s * k * d
    );
    let before = per_rep(&results[0], Kpi::Customers);
    for ((b, c), x) in before.iter().zip(&customers).zip(&deflected) {
        assert_eq!(*b, c + x);
    }
}

#[test]
fn agent_calls_use_idle_time_and_respect_the_identities() {
    let results = simulate(&[parse(&example("3-agent-calls.toml"))]);
    let r = &results[0];
    let m = |k: Kpi| r.total.get(k).unwrap().mean;
    assert!(m(Kpi::ProactiveContacts) > 0.0);
    assert!(m(Kpi::ProactiveReached) <= m(Kpi::ProactiveContacts));
    assert!(m(Kpi::CallsDeflected) <= m(Kpi::ProactiveReached));
    assert!(m(Kpi::ProactiveAgentHours) > 0.0);
    assert!(m(Kpi::Occupancy) <= 1.0);
    let attempts = m(Kpi::Answered) + m(Kpi::Abandoned);
    assert!((m(Kpi::Offered) - attempts).abs() < 1e-9);
    let ended = m(Kpi::ServedCustomers) + m(Kpi::LostCustomers);
    assert!((m(Kpi::Customers) - ended).abs() < 1e-9);
}

#[test]
fn costs_add_up_to_the_cent() {
    // no calls at all: 10 agents for 2 hours, then 4 for 1 hour = 24 staffed hours,
    // ÷ (1 − 0.25) = 32 paid hours × 22.50 = 720.00
    let quiet = parse(
        "replications = 3\n[time]\nopen = \"08:00\"\ninterval = \"1h\"\nintervals = 3\n\
         [arrivals]\nper_interval = [0, 0, 0]\n[handle_time]\ndistribution = \"deterministic\"\nmean = 60\n\
         [staffing]\nper_interval = [10, 10, 4]\n\
         [costs]\nagent_per_hour = 22.5\nshrinkage = 0.25\nper_minute = 0.02\nlost_customer_value = 400\nchurn = 0.3\n",
    );
    let r = &simulate(&[quiet])[0];
    let cost = |k: Kpi| r.total.get(k).unwrap().mean;
    assert_eq!((cost(Kpi::CostAgents) * 100.0).round(), 72_000.0);
    assert_eq!(cost(Kpi::CostTelephony), 0.0);
    assert_eq!(cost(Kpi::TotalCost), cost(Kpi::CostAgents));

    // every day of the delivery example: the parts are priced exactly and add up
    let r = &simulate(&[parse(&example("2-messages.toml"))])[0];
    let parts = [
        Kpi::CostAgents,
        Kpi::CostTelephony,
        Kpi::CostProactive,
        Kpi::CostLostCustomers,
    ];
    let total = per_rep(r, Kpi::TotalCost);
    let contacts = per_rep(r, Kpi::ProactiveContacts);
    let proactive = per_rep(r, Kpi::CostProactive);
    for (day, t) in total.iter().enumerate() {
        let sum: f64 = parts.iter().map(|k| per_rep(r, *k)[day]).sum();
        assert!(
            (t - sum).abs() < 0.005,
            "day {day}: total {t} vs parts {sum}"
        );
        assert!((proactive[day] - 0.05 * contacts[day]).abs() < 0.005);
    }
    // lost customers cost 400 × 0.3 each, halved (churn_reduction 0.5) for those reached
    let lost = per_rep(r, Kpi::LostCustomers);
    let lost_cost = per_rep(r, Kpi::CostLostCustomers);
    for (l, c) in lost.iter().zip(&lost_cost) {
        assert!(
            *c <= 120.0 * l + 0.005 && *c >= 60.0 * l - 0.005,
            "{c} for {l} lost"
        );
    }
}

#[test]
fn compare_prints_paired_differences_narrower_than_unpaired() {
    let out = tempfile::tempdir().unwrap();
    let output = callsim()
        .arg("run")
        .arg(repo("scenarios/proactive-delay-notice"))
        .args(["--compare", "--no-charts", "--replications", "10", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("messages vs no-proactive"), "{stdout}");
    assert!(stdout.contains("agent-calls vs no-proactive"));
    let csv = std::fs::read_to_string(out.path().join("comparison.csv")).unwrap();
    let mut narrower = 0;
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[0], "no-proactive");
        if ["lost_customers", "total_cost", "customers", "offered"].contains(&f[2]) {
            let (paired, unpaired): (f64, f64) = (f[6].parse().unwrap(), f[7].parse().unwrap());
            rows += 1;
            narrower += usize::from(paired < unpaired);
        }
    }
    assert_eq!(rows, 8);
    assert_eq!(
        narrower, rows,
        "common random numbers make every paired CI narrower"
    );
}

#[test]
fn proactive_and_cost_problems_are_reported() {
    let base = example("2-messages.toml");
    let cases = [
        (
            "coverage = 0.8",
            "coverage = 1.8",
            "proactive.coverage: expected a probability",
        ),
        (
            "channel = \"message\"",
            "channel = \"pigeon\"",
            "proactive.channel: expected \"message\" or \"agent_call\"",
        ),
        (
            "deflection = 0.7",
            "deflection = -1",
            "proactive.deflection: expected a probability",
        ),
        (
            "cost_per_contact = 0.05",
            "cost_per_contact = -0.05",
            "proactive.cost_per_contact: expected a number ≥ 0",
        ),
        (
            "handle_time_factor = 0.8",
            "deadline = \"2h\"",
            "proactive.deadline: `deadline` is for channel = \"agent_call\"",
        ),
        (
            "shrinkage = 0.3",
            "shrinkage = 1.0",
            "costs.shrinkage: expected a share of paid time",
        ),
        (
            "churn = 0.3",
            "churn = 3",
            "costs.churn: expected a probability",
        ),
        (
            "agent_per_hour = 22.0",
            "agent_per_hour = -22.0",
            "costs.agent_per_hour: expected a number ≥ 0",
        ),
        (
            "agent_per_hour = 22.0",
            "agent_per_hr = 22.0",
            "unknown key `agent_per_hr`: did you mean `agent_per_hour`?",
        ),
    ];
    let start = base.find("predictable_share = [").unwrap();
    let end = start + base[start..].find(']').unwrap() + 1;
    let two_shares = format!(
        "{}predictable_share = [0.1, 0.2]{}",
        &base[..start],
        &base[end..]
    );
    let problems: Vec<String> = scenario::parse(&two_shares, "t.toml", Path::new("."), "t")
        .err()
        .unwrap_or_default()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let message =
        "proactive.predictable_share: expected one share, or one per interval (24 values), got 2";
    assert!(
        problems.iter().any(|p| p.contains(message)),
        "{problems:#?}"
    );
    for (old, new, message) in cases {
        let text = base.replacen(old, new, 1);
        assert_ne!(text, base, "{old}");
        let problems = match scenario::parse(&text, "t.toml", Path::new("."), "t") {
            Ok(_) => vec![],
            Err(d) => d.iter().map(|d| d.to_string()).collect(),
        };
        assert!(
            problems.iter().any(|p| p.contains(message)),
            "{message}: {problems:#?}"
        );
    }
    let agent = example("3-agent-calls.toml");
    for (old, message) in [
        (
            "deadline = \"2h\"",
            "proactive.deadline: channel = \"agent_call\" needs a deadline",
        ),
        (
            "handle_time = {",
            "proactive.handle_time: channel = \"agent_call\" needs handle_time",
        ),
    ] {
        let text: String = agent
            .lines()
            .filter(|l| !l.starts_with(old))
            .collect::<Vec<_>>()
            .join("\n");
        let problems: Vec<String> = scenario::parse(&text, "t.toml", Path::new("."), "t")
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert!(
            problems.iter().any(|p| p.contains(message)),
            "{message}: {problems:#?}"
        );
    }
}
