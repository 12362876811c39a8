//! `callsim check` and `callsim new`.

use crate::common::{callsim, repo};

#[test]
fn check_accepts_the_examples() {
    callsim()
        .arg("check")
        .arg(repo("scenarios"))
        .assert()
        .success()
        .stdout(predicates::str::contains("ok: "));
}

/// `callsim check` of the small business with each `(old, new)` text replaced: the file's
/// name and what check printed on stderr (it must fail with exit code 1).
fn check_small_business_with(edits: &[(&str, &str)]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    for (old, new) in edits {
        assert!(text.contains(old), "{old}");
        text = text.replace(old, new);
    }
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text).unwrap();
    let assert = callsim().arg("check").arg(&bad).assert().failure().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    (bad.display().to_string(), stderr)
}

#[test]
fn check_prints_every_problem_with_file_line_and_key() {
    let (name, stderr) =
        check_small_business_with(&[("cv = 0.9", "cv = -0.5"), ("target = 0.8", "target = 80")]);
    assert!(
        stderr.contains(&format!(
            "{name}:33:6: handle_time.cv: expected a number > 0, got -0.5"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{name}:44:10: service_level.target: expected a share"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("33 | cv = -0.5"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn check_goes_on_after_an_unknown_key_and_suggests_the_nearest() {
    let (name, stderr) = check_small_business_with(&[
        (
            "distribution = \"lognormal\"",
            "distributon = \"lognormal\"",
        ),
        ("agents = 2 ", "agents = 2.5 "),
        ("target = 0.8", "target = 80"),
    ]);
    for (line, key, said) in [
        (
            31,
            "handle_time.distributon",
            "unknown key `distributon`: did you mean `distribution`?",
        ),
        (
            40,
            "staffing.agents",
            "expected a whole number, got the number `2.5`",
        ),
        (44, "service_level.target", "expected a share"),
    ] {
        assert!(stderr.contains(&format!("{name}:{line}:")), "{stderr}");
        assert!(stderr.contains(&format!(": {key}: {said}")), "{stderr}");
    }
    // the misspelt section's missing `distribution` is not reported again; no Rust types
    assert!(stderr.contains("error: 3 problem(s) found"), "{stderr}");
    for rust in ["i64", "f64", "u32", "Raw", "unknown field"] {
        assert!(!stderr.contains(rust), "{rust} in {stderr}");
    }
}

#[test]
fn check_reports_toml_syntax_errors_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("syntax.toml");
    std::fs::write(&bad, "name = \"x\"\n[time\nopen = 1\n").unwrap();
    let assert = callsim().arg("check").arg(&bad).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("syntax.toml:2:"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn new_writes_a_scenario_that_checks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    callsim()
        .current_dir(dir.path())
        .args(["new", "my-shop"])
        .assert()
        .success();
    let file = dir.path().join("my-shop.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("name = \"my-shop\""));
    // its comments and description are its own, not an example's
    assert!(text.starts_with("# my-shop: "), "{text}");
    assert!(text.contains("description = \"my-shop: "), "{text}");
    for example in ["small-business", "survey", "shop,"] {
        assert!(!text.contains(example), "{example} in {text}");
    }
    callsim().arg("check").arg(&file).assert().success();
    // the optional sections it shows commented out are valid once uncommented
    let optional = text.find("# Optional mechanisms").unwrap();
    let uncommented: String = text[optional..]
        .lines()
        .skip(1)
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let full = dir.path().join("full.toml");
    std::fs::write(&full, format!("{}{uncommented}", &text[..optional])).unwrap();
    callsim().arg("check").arg(&full).assert().success();
    callsim()
        .current_dir(dir.path())
        .args(["run", "my-shop.toml", "--replications", "2"])
        .assert()
        .success();
    assert!(dir.path().join("output/my-shop/summary.json").exists());
    // never overwrites
    callsim()
        .current_dir(dir.path())
        .args(["new", "my-shop"])
        .assert()
        .failure();
}

/// Issue 18: a long line of bad values printed the whole line once per value (quadratic).
/// Each problem quotes at most 120 characters of its line, a file prints at most 50 problems,
/// and a file over 16 MiB is refused before it is parsed.
#[test]
fn check_output_is_bounded_and_huge_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    let start = text.find("per_interval = [").unwrap();
    let end = start + text[start..].find(']').unwrap() + 1;
    let bad = format!("per_interval = [{}]", vec!["-1"; 20_000].join(", "));
    let file = dir.path().join("wide.toml");
    std::fs::write(&file, format!("{}{bad}{}", &text[..start], &text[end..])).unwrap();
    let out = callsim().arg("check").arg(&file).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.len() < 60_000, "{} bytes", stderr.len());
    assert!(stderr.contains("wide.toml:"), "{stderr}");
    assert!(stderr.contains("more problems"), "{stderr}");

    let huge = dir.path().join("huge.toml");
    let mut padded = text.clone();
    padded.push_str(&"# padding\n".repeat(1_700_000));
    std::fs::write(&huge, padded).unwrap();
    for command in ["check", "run"] {
        callsim()
            .arg(command)
            .arg(&huge)
            .assert()
            .failure()
            .stderr(predicates::str::contains("huge.toml"))
            .stderr(predicates::str::contains("larger than 16 MiB"));
    }
}

/// Issue 18: rates, counts and durations far beyond any call center (a typo such as 1e300
/// calls an hour) are errors of check and run naming file, line, column and key, not a run
/// that never ends.
#[test]
fn absurd_rates_and_durations_are_errors_not_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    let start = text.find("per_interval = [").unwrap();
    let end = start + text[start..].find(']').unwrap() + 1;
    for (name, from, to, key) in [
        (
            "rate",
            &text[start..end],
            "calls_per_hour = 1e300",
            "arrivals.calls_per_hour",
        ),
        ("count", "12, 18,", "12, 1e8,", "arrivals.per_interval"),
        (
            "patience",
            "mean = \"2m\"",
            "mean = \"100000h\"",
            "patience.mean",
        ),
        (
            "busyness",
            "busyness_cv = 0.1",
            "busyness_cv = 50",
            "arrivals.busyness_cv",
        ),
    ] {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        for command in ["check", "run"] {
            let mut cmd = callsim();
            cmd.arg(command).arg(&file);
            if command == "run" {
                cmd.arg("--out").arg(dir.path().join("out"));
            }
            let out = cmd
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{name} {command}: {stderr}");
            let at = format!("{name}.toml:");
            assert!(
                stderr.contains(&at) && stderr.contains(&format!(": {key}: ")),
                "{stderr}"
            );
        }
    }
}

/// Issue 18: `callsim new .` wrote a file that check rejects; a name too long for a file
/// name failed only after simulating. Both are refused up front.
#[test]
fn new_refuses_names_check_would_reject_and_long_names_fail_in_check() {
    let dir = tempfile::tempdir().unwrap();
    for name in [".", "..", "a/b"] {
        callsim()
            .current_dir(dir.path())
            .args(["new", name])
            .assert()
            .failure()
            .stderr(predicates::str::contains("plain name"));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    callsim()
        .current_dir(dir.path())
        .args(["new", "shop"])
        .assert()
        .success();
    callsim()
        .current_dir(dir.path())
        .args(["check", "shop.toml"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("shop.toml")).unwrap();
    let long = dir.path().join("long.toml");
    std::fs::write(
        &long,
        text.replacen(
            "name = \"shop\"",
            &format!("name = \"{}\"", "x".repeat(300)),
            1,
        ),
    )
    .unwrap();
    callsim()
        .arg("check")
        .arg(&long)
        .assert()
        .failure()
        .stderr(predicates::str::contains("long.toml:"))
        .stderr(predicates::str::contains("at most 200 bytes"));
}

/// Issue 19: a legal but implausible value (a mean handle time of 4 s: minutes written as
/// seconds) is a warning that points at it; the file is still valid and runs. No example
/// warns.
#[test]
fn implausible_values_are_warnings_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/small-business.toml"))
        .unwrap()
        .replace("mean = \"4m\"", "mean = 4");
    let file = dir.path().join("seconds.toml");
    std::fs::write(&file, text).unwrap();
    let assert = callsim().arg("check").arg(&file).assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let name = file.display().to_string();
    assert!(
        stderr.contains(&format!(
            "warning: {name}:32:8: handle_time.mean: a mean handle time of 4 s is implausibly short"
        )),
        "{stderr}"
    );
    let assert = callsim()
        .arg("check")
        .arg(repo("scenarios"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("warning"), "{stderr}");
}
