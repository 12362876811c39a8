//! callsim erlang and the erlang module against golden values.
//!
//! The golden files in `tests/data/golden/` are copies of independent 60-digit values (see the
//! README there). Every case and every field is checked: relative error 1e-9, or absolute
//! 1e-12 for values below 1e-6. A golden field this file does not know is a failure too.

use callsim::erlang::{
    self, Model, SlDefinition, Targets, Traffic, erlang_a, erlang_b, erlang_c, lines_abandon,
    required_agents,
};
use serde_json::Value;
use std::path::PathBuf;

fn golden(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// Collects mismatches so that one run reports all of them.
#[derive(Default)]
struct Checker {
    failures: Vec<String>,
    checked: usize,
}

impl Checker {
    fn value(&mut self, case: &str, field: &str, got: f64, want: f64) {
        self.checked += 1;
        let ok = if want.abs() < 1e-6 {
            (got - want).abs() <= 1e-12
        } else {
            (got - want).abs() <= 1e-9 * want.abs()
        };
        if !ok {
            let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
            self.failures.push(format!(
                "{case}.{field}: got {got:e}, golden {want:e} (rel {rel:.2e})"
            ));
        }
    }

    fn integer(&mut self, case: &str, field: &str, got: u32, want: u64) {
        self.checked += 1;
        if u64::from(got) != want {
            self.failures
                .push(format!("{case}.{field}: got {got}, golden {want}"));
        }
    }

    /// Checks every field of a golden `section` against `got(field)`; a field `got` does not
    /// know (`None`) is a failure. Reported as `prefix.field` (or `field` without a prefix).
    fn section(
        &mut self,
        case: &str,
        prefix: &str,
        section: &Value,
        got: impl Fn(&str) -> Option<f64>,
    ) {
        for (k, want) in fields(section) {
            let want = want.as_f64().expect("number");
            match got(k.as_str()) {
                Some(value) if prefix.is_empty() => self.value(case, k, value, want),
                Some(value) => self.value(case, &format!("{prefix}.{k}"), value, want),
                None => self.unknown(case, k),
            }
        }
    }

    fn unknown(&mut self, case: &str, field: &str) {
        self.failures.push(format!(
            "{case}.{field}: golden field not checked by this test"
        ));
    }

    fn finish(self, min_checked: usize) {
        assert!(
            self.failures.is_empty(),
            "{} of {} golden values differ:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        assert!(
            self.checked >= min_checked,
            "only {} values checked",
            self.checked
        );
    }
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("golden field {key} is not a number: {v}"))
}

fn fields(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
    v.as_object().into_iter().flat_map(|m| m.iter())
}

#[test]
fn golden_erlang_b_c_a() {
    let data = golden("erlang_bca.json");
    let cases = data["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 25);
    let mut ck = Checker::default();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let inp = &case["inputs"];
        let traffic = Traffic::new(
            num(inp, "arrival_rate_per_s"),
            num(inp, "mean_handle_time_s"),
        )
        .expect("traffic");
        let agents = inp["agents"].as_u64().expect("agents") as u32;
        let t = num(inp, "sl_threshold_s");
        let patience = inp["mean_patience_s"].as_f64();
        let load = traffic.offered_load();

        ck.section(id, "", &case["derived"], |k| match k {
            "offered_load_erlangs" => Some(load),
            "rho" => Some(load / f64::from(agents)),
            _ => None,
        });
        ck.section(id, "", &case["erlang_b"], |k| match k {
            "blocking" => Some(erlang_b(agents, load).expect("B")),
            _ => None,
        });
        if case["erlang_c"].is_object() {
            let c = erlang_c(&traffic, agents, t).expect("erlang C");
            ck.section(id, "erlang_c", &case["erlang_c"], |k| {
                Some(match k {
                    "p_wait" => c.prob_wait,
                    "sl" => c.service_level,
                    "p_wait_gt_t" => c.prob_wait_gt_threshold,
                    "asa" => c.asa_s,
                    "mean_wait_if_delayed" => c.mean_wait_if_delayed_s,
                    "mean_queue_length" => c.mean_queue_length,
                    "occupancy" => c.occupancy,
                    _ => return None,
                })
            });
        }
        if case["erlang_a"].is_object() {
            let patience = patience.expect("Erlang A case has a patience");
            let a = erlang_a(&traffic, agents, patience, t).expect("erlang A");
            ck.section(id, "erlang_a", &case["erlang_a"], |k| {
                Some(match k {
                    "p_wait" => a.prob_wait,
                    "p_abandon" => a.prob_abandon,
                    "p_served" => a.prob_served,
                    "asa_all" => a.mean_wait_s,
                    "asa_served" => a.asa_s,
                    "mean_wait_abandoned" => a.mean_wait_abandoned_s,
                    "sl_answered" => a.sl_answered,
                    "sl_offered" => a.sl_offered,
                    "sl_virtual" => a.sl_virtual,
                    "sl_all_wait" => a.sl_all_wait,
                    "p_abandon_within_t" => a.prob_abandon_within_threshold,
                    "p_virtual_wait_gt_t" => a.prob_virtual_wait_gt_threshold,
                    "occupancy" => a.occupancy,
                    "mean_queue_length" => a.mean_queue_length,
                    _ => return None,
                })
            });
        }
        check_staffing(&mut ck, id, &traffic, patience, &case["staffing"]);
        for k in fields(case).map(|(k, _)| k) {
            let known = [
                "id",
                "model",
                "note",
                "inputs",
                "derived",
                "erlang_b",
                "erlang_c",
                "erlang_a",
                "staffing",
                "validation",
            ];
            if !known.contains(&k.as_str()) {
                ck.unknown(id, k);
            }
        }
    }
    ck.finish(500);
}

/// The staffing block: smallest agents for each target and the metric at c_min and c_min - 1.
fn check_staffing(ck: &mut Checker, id: &str, traffic: &Traffic, patience: Option<f64>, s: &Value) {
    let threshold = num(s, "threshold_s");
    let target_sl = num(s, "target_sl");
    let target_abandon = num(s, "target_abandon");
    let sl_targets = |definition| Targets {
        service_level: Some(target_sl),
        sl_definition: definition,
        ..Targets::new(threshold)
    };
    let abandon_targets = Targets {
        max_abandon: Some(target_abandon),
        ..Targets::new(threshold)
    };
    // (golden prefix, model, targets, metric)
    type Metric = fn(&Traffic, u32, Option<f64>, f64) -> f64;
    let c_sl: Metric = |tr, c, _, t| erlang_c(tr, c, t).expect("C").service_level;
    let a_ab: Metric = |tr, c, p, t| {
        erlang_a(tr, c, p.expect("patience"), t)
            .expect("A")
            .prob_abandon
    };
    let a_off: Metric = |tr, c, p, t| {
        erlang_a(tr, c, p.expect("patience"), t)
            .expect("A")
            .sl_offered
    };
    let a_ans: Metric = |tr, c, p, t| {
        erlang_a(tr, c, p.expect("patience"), t)
            .expect("A")
            .sl_answered
    };
    let a_vir: Metric = |tr, c, p, t| {
        erlang_a(tr, c, p.expect("patience"), t)
            .expect("A")
            .sl_virtual
    };
    let groups: Vec<(&str, &str, Model, Targets, Metric)> = {
        let mut g = vec![(
            "erlang_c_min_agents_sl",
            "erlang_c_sl_at_min",
            Model::ErlangC,
            sl_targets(SlDefinition::Offered),
            c_sl,
        )];
        if let Some(p) = patience {
            let a = Model::ErlangA { patience_s: p };
            g.push((
                "erlang_a_min_agents_abandon_le_5pct",
                "erlang_a_p_abandon_at_min",
                a,
                abandon_targets,
                a_ab,
            ));
            g.push((
                "erlang_a_min_agents_sl_offered",
                "erlang_a_sl_offered_at_min",
                a,
                sl_targets(SlDefinition::Offered),
                a_off,
            ));
            g.push((
                "erlang_a_min_agents_sl_answered",
                "erlang_a_sl_answered_at_min",
                a,
                sl_targets(SlDefinition::Answered),
                a_ans,
            ));
            g.push((
                "erlang_a_min_agents_sl_virtual",
                "erlang_a_sl_virtual_at_min",
                a,
                sl_targets(SlDefinition::Virtual),
                a_vir,
            ));
        }
        g
    };
    let mut known = vec![
        "target_sl",
        "target_abandon",
        "threshold_s",
        "near_target_flags",
    ];
    for (min_key, at_key, model, targets, metric) in &groups {
        known.push(min_key);
        known.push(at_key);
        let Some(want_min) = s[*min_key].as_u64() else {
            ck.unknown(id, min_key);
            continue;
        };
        let got = required_agents(traffic, *model, targets).expect("staffing");
        ck.integer(id, min_key, got, want_min);
        if let Some(want) = s[*at_key].as_f64() {
            ck.value(
                id,
                at_key,
                metric(traffic, want_min as u32, patience, threshold),
                want,
            );
        }
        let minus_key = format!("{at_key}_minus_1");
        if let Some(want) = s[minus_key.as_str()].as_f64() {
            ck.value(
                id,
                &minus_key,
                metric(traffic, want_min as u32 - 1, patience, threshold),
                want,
            );
        }
    }
    for (k, _) in fields(s) {
        let base = k.strip_suffix("_minus_1").unwrap_or(k);
        if !known.contains(&base) {
            ck.unknown(id, k);
        }
    }
}

#[test]
fn golden_finite_lines_with_abandonment() {
    let data = golden("lines_abandon.json");
    let cases = data["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 5);
    let mut ck = Checker::default();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let inp = &case["inputs"];
        let traffic = Traffic::new(
            num(inp, "arrival_rate_per_s"),
            num(inp, "mean_handle_time_s"),
        )
        .expect("traffic");
        let agents = inp["agents"].as_u64().expect("agents") as u32;
        let lines = inp["lines"].as_u64().expect("lines") as u32;
        assert_eq!(
            num(inp, "retrial_probability"),
            0.0,
            "{id}: retrials are not modelled"
        );
        let l = lines_abandon(
            &traffic,
            agents,
            lines,
            num(inp, "mean_patience_s"),
            num(inp, "sl_threshold_s"),
        )
        .expect("lines");
        ck.section(id, "", &case["outputs"], |k| {
            Some(match k {
                "p_block" => l.p_block,
                "p_wait_all_arrivals" => l.p_wait_all_arrivals,
                "p_wait_accepted" => l.p_wait_accepted,
                "p_abandon_all_arrivals" => l.p_abandon_all_arrivals,
                "p_abandon_accepted" => l.p_abandon_accepted,
                "p_served" => l.p_served,
                "asa_served" => l.asa_served_s,
                "asa_accepted" => l.asa_accepted_s,
                "sl_offered" => l.sl_offered,
                "sl_accepted" => l.sl_accepted,
                "sl_answered" => l.sl_answered,
                "sl_virtual_accepted" => l.sl_virtual_accepted,
                "occupancy" => l.occupancy,
                "mean_queue_length" => l.mean_queue_length,
                _ => return None,
            })
        });
    }
    ck.finish(70);
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn callsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("callsim").expect("callsim binary")
}

fn run_json(args: &[&str]) -> Value {
    let out = callsim()
        .arg("erlang")
        .args(args)
        .arg("--json")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn run_fails(args: &[&str]) -> String {
    let out = callsim()
        .arg("erlang")
        .args(args)
        .assert()
        .failure()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

const CCH: [&str; 4] = ["--calls-per-hour", "200", "--aht", "180"];

#[test]
fn cli_call_centre_helper_example_text() {
    // 100 calls per 30 minutes, AHT 180 s, 14 agents: SL 88.84 % in 20 s, ASA 7.84 s.
    let out = callsim()
        .arg("erlang")
        .args(CCH)
        .args(["--agents", "14"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Erlang C"), "{text}");
    assert!(text.contains("10.000 Erlangs"), "{text}");
    assert!(
        text.contains("answered within 20 s / offered calls"),
        "{text}"
    );
    assert!(text.contains("88.84%"), "{text}");
    assert!(text.contains("7.84"), "{text}");
    assert!(text.contains("71.43%"), "{text}");
}

#[test]
fn cli_call_centre_helper_example_json() {
    let v = run_json(&[&CCH[..], &["--agents", "14"]].concat());
    assert_eq!(v["model"], "erlang_c");
    assert_eq!(v["agents"], 14);
    assert_eq!(v["scheduled_agents"], 14);
    assert!(
        (v["service_level"].as_f64().unwrap() - 0.88835).abs() < 5e-6,
        "{v}"
    );
    assert!((v["asa_s"].as_f64().unwrap() - 7.836).abs() < 5e-4, "{v}");
    assert!(
        (v["prob_wait"].as_f64().unwrap() - 0.1741319336).abs() < 1e-9,
        "{v}"
    );
    assert!(
        (v["occupancy"].as_f64().unwrap() - 10.0 / 14.0).abs() < 1e-12,
        "{v}"
    );
    assert_eq!(v["abandon_rate"].as_f64(), Some(0.0));
    assert_eq!(v["offered_load_erlangs"].as_f64(), Some(10.0));
}

#[test]
fn cli_target_finds_agents_and_scheduled_heads() {
    let v = run_json(&[&CCH[..], &["--target-sl", "0.8", "--shrinkage", "0.3"]].concat());
    assert_eq!(v["agents"], 14);
    assert_eq!(v["scheduled_agents"], 20);
    let table = v["table"].as_array().expect("table around the requirement");
    let agents: Vec<u64> = table
        .iter()
        .map(|r| r["agents"].as_u64().unwrap())
        .collect();
    assert_eq!(agents, vec![11, 12, 13, 14, 15, 16, 17]);
    for row in table {
        let meets = row["meets_targets"].as_bool().unwrap();
        assert_eq!(meets, row["agents"].as_u64().unwrap() >= 14, "{row}");
    }
    // The text table marks the required row.
    let out = callsim()
        .arg("erlang")
        .args(CCH)
        .args(["--target-sl", "0.8"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let marked: Vec<&str> = text.lines().filter(|l| l.starts_with('*')).collect();
    assert_eq!(marked.len(), 2, "{text}");
    assert!(
        marked[0].contains("14") && marked[0].contains("88.84%"),
        "{text}"
    );
    assert!(text.contains("required: 14 agents"), "{text}");
}

#[test]
fn cli_targets_with_given_agents_and_occupancy_cap() {
    let v = run_json(
        &[
            &CCH[..],
            &[
                "--agents",
                "12",
                "--target-sl",
                "0.8",
                "--max-occupancy",
                "0.7",
            ],
        ]
        .concat(),
    );
    assert_eq!(v["agents"], 15, "{v}"); // 10 Erlangs at most 70 % busy
    assert_eq!(v["given"]["agents"], 12);
    assert_eq!(v["given"]["meets_targets"], false);
    let cph = v["max_calls_per_hour"].as_f64().unwrap();
    assert!(cph > 100.0 && cph < 200.0, "{v}");
    // ASA target alone.
    let v = run_json(&[&CCH[..], &["--max-asa", "15"]].concat());
    assert_eq!(v["agents"], 14);
}

#[test]
fn cli_erlang_a_matches_golden() {
    // Golden case A01: 14 agents, mean patience 120 s.
    let v = run_json(&[&CCH[..], &["--agents", "14", "--patience", "120"]].concat());
    assert_eq!(v["model"], "erlang_a");
    let close = |k: &str, want: f64| {
        let got = v[k].as_f64().unwrap_or(f64::NAN);
        assert!((got - want).abs() <= 1e-9 * want, "{k}: {got} vs {want}");
    };
    close("service_level", 0.9327295807);
    close("service_level_answered", 0.9545303734);
    close("abandon_rate", 0.02283928653);
    close("asa_s", 2.345375234);
    close("mean_wait_s", 2.740714384);
    close("prob_wait", 0.1269763401);
    close("occupancy", 0.6979719382);
    // Staffing: abandonment at most 5 % needs 13 agents; 80/20 over answered calls needs 11.
    let v = run_json(&[&CCH[..], &["--patience", "120", "--max-abandon", "0.05"]].concat());
    assert_eq!(v["agents"], 13);
    let v = run_json(
        &[
            &CCH[..],
            &[
                "--patience",
                "120",
                "--target-sl",
                "0.8",
                "--sl-basis",
                "answered",
            ],
        ]
        .concat(),
    );
    assert_eq!(v["agents"], 11);
    // Erlang A is defined above the number of agents.
    let v = run_json(&[&CCH[..], &["--agents", "8", "--patience", "60"]].concat());
    assert!(v["abandon_rate"].as_f64().unwrap() > 0.2, "{v}");
}

#[test]
fn cli_unstable_erlang_c_is_an_error() {
    let err = run_fails(&[&CCH[..], &["--agents", "10"]].concat());
    assert!(err.contains("unstable"), "{err}");
    assert!(err.contains("at least 11"), "{err}");
}

#[test]
fn cli_bad_input_is_a_clear_error() {
    // out of range: clap's usage error, naming the flag
    for (args, what) in [
        (["--calls-per-hour", "-5", "--aht", "180"], "calls per hour"),
        (
            ["--calls-per-hour", "2e7", "--aht", "180"],
            "calls per hour",
        ),
        (["--calls-per-hour", "200", "--aht", "0"], "handle time"),
    ] {
        let out = callsim()
            .arg("erlang")
            .args(args)
            .args(["--agents", "3"])
            .assert()
            .failure()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let flag = if what == "handle time" {
            "'--aht <DUR>'"
        } else {
            "'--calls-per-hour <X>'"
        };
        assert!(err.contains(what) && err.contains(flag), "{err}");
    }
    let err = run_fails(&[&CCH[..], &["--agents", "0"]].concat());
    assert!(err.contains("--agents"), "{err}");
    let err = run_fails(&CCH);
    assert!(err.contains("--target-sl"), "{err}");
    for bad in ["1.5", "0", "1", "-0.2"] {
        let err = run_fails(&[&CCH[..], &["--target-sl", bad]].concat());
        assert!(err.contains("--target-sl"), "{bad}: {err}");
    }
    for (flag, bad) in [
        ("--patience", "-3"),
        ("--aht", "-3m"),
        ("--threshold", "soon"),
        ("--max-asa", "2y"),
    ] {
        let out = callsim()
            .arg("erlang")
            .args(["--calls-per-hour", "200", "--target-sl", "0.8", flag, bad])
            .args(
                (flag != "--aht")
                    .then_some(["--aht", "180"])
                    .into_iter()
                    .flatten(),
            )
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(flag) && stderr.contains("expected a duration"),
            "{stderr}"
        );
    }
    let err = run_fails(&[&CCH[..], &["--target-sl", "0.8", "--shrinkage", "1"]].concat());
    assert!(err.contains("shrinkage"), "{err}");
}

/// Duration flags take what scenario files take: `--aht 3m` is `--aht 180`.
#[test]
fn duration_flags_accept_duration_strings() {
    let seconds = run_json(
        &[
            &CCH[..],
            &[
                "--patience",
                "120",
                "--threshold",
                "20",
                "--target-sl",
                "0.8",
                "--max-asa",
                "30",
            ],
        ]
        .concat(),
    );
    let words = run_json(&[
        "--calls-per-hour",
        "200",
        "--aht",
        "3m",
        "--patience",
        "2m",
        "--threshold",
        "20s",
        "--target-sl",
        "0.8",
        "--max-asa",
        "30s",
    ]);
    assert_eq!(seconds, words);
    assert_eq!(words["aht_s"], 180.0);
}

#[test]
fn erlang_module_reexports_are_usable() {
    // The staffing module is public for callers who want the details.
    let t = erlang::staffing::scheduled_agents(14, 0.3).expect("shrinkage");
    assert_eq!(t, 20);
}

/// Issue 18: Erlang A's mode guess overflowed for a long service-level threshold (a panic);
/// every route to it (erlang, plan, roster) now gives a number.
#[test]
fn a_long_threshold_is_a_number_through_erlang_plan_and_roster() {
    callsim()
        .args([
            "erlang",
            "--calls-per-hour",
            "200",
            "--aht",
            "180",
            "--patience",
            "120",
        ])
        .args(["--threshold", "7000", "--agents", "10"])
        .assert()
        .success()
        .stdout(predicates::str::contains("service level"));
    let dir = tempfile::tempdir().unwrap();
    let day = r#"seed = 11
replications = 4
[time]
open = "09:00"
interval = "30m"
intervals = 8
[arrivals]
per_interval = [40, 60, 90, 120, 110, 80, 60, 40]
[handle_time]
distribution = "exponential"
mean = "4m"
[patience]
distribution = "exponential"
mean = "2m"
[staffing]
agents = 10
[service_level]
threshold = "1h30m"
target = 0.8
[roster]
shift_lengths = ["4h"]
starts = { from = "09:00", to = "09:00", every = "30m" }
cost_per_hour = [22.0]
"#;
    let file = dir.path().join("long-threshold.toml");
    std::fs::write(&file, day).unwrap();
    for command in ["plan", "roster"] {
        callsim()
            .arg(command)
            .arg(&file)
            .arg("--out")
            .arg(dir.path().join(command))
            .assert()
            .success();
    }
}
