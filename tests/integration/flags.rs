//! Hostile command lines: every command of README's "Commands" section, from a valid command
//! line on tiny inputs, with the value of one of its flags (or arguments) replaced by a
//! hostile one: empty, signs, zero, u64's maximum and past it, NaN and infinities, not a
//! number, a 10,000-character string, unicode; for `--shard` fractions over zero; for
//! `--precision` KPIs and half-widths that cannot be read; for a file a folder or a path that
//! does not exist; for an output a regular file or a path below one. The values of each flag
//! are a fixed sample chosen by a fixed seed (mutation.rs's `Rng`), written `--flag value` or
//! `--flag=value` as the seed says. Every case must end within a minute, with success or
//! clap's usage error (2) or a failure (1), never a panic, and a failure must name the flag or
//! the value.
//!
//! `callsim serve` is given a port the test holds: every value is read and the baseline run
//! before it fails to listen there, which counts as its command line accepted (a valid value
//! would otherwise leave it serving; serve.rs sends it hostile requests).

use crate::common::{callsim, repo};
use crate::mutation::Rng;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a value stands for: it decides the hostile values tried beside the common ones.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// A number, a duration, a name or a choice.
    Value,
    /// `--shard I/N`.
    Shard,
    /// `--precision KPI=HW,...`.
    Precision,
    /// A file or folder that is read.
    Input,
    /// A folder that is written.
    OutDir,
    /// A file that is written.
    OutFile,
}

/// One word of a command line: a fixed word, or a value (of a flag, or an argument) that a
/// case replaces.
enum Word {
    Fixed(&'static str),
    Slot {
        /// The flag (`--out`), or clap's name of an argument (`<FILE>`).
        name: &'static str,
        /// An argument, not a flag: only its value is written.
        positional: bool,
        value: String,
        kind: Kind,
    },
}

use Word::{Fixed, Slot};

fn flag(name: &'static str, value: &str, kind: Kind) -> Word {
    Slot {
        name,
        positional: false,
        value: value.to_string(),
        kind,
    }
}

fn arg(name: &'static str, value: &str, kind: Kind) -> Word {
    Slot {
        name,
        positional: true,
        value: value.to_string(),
        kind,
    }
}

/// The hostile values every slot may get.
fn common_values() -> Vec<String> {
    [
        "",
        "-1",
        "0",
        "1e309",
        "NaN",
        "inf",
        "-0",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999",
        "abc",
        "é日本\u{202e}🙂",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(std::iter::once("9".repeat(10_000)))
    .collect()
}

/// The hostile values of a slot's kind (paths inside `work`), all tried.
fn kind_values(kind: Kind, work: &Path) -> Vec<String> {
    let at = |p: &str| work.join(p).display().to_string();
    match kind {
        Kind::Value => vec![],
        Kind::Shard => vec!["1/0".into(), "0/0".into(), "3/2".into()],
        Kind::Precision => vec![
            "KPI=".into(),
            "=0.01".into(),
            "service_level=-1".into(),
            "nosuch=0.1".into(),
        ],
        Kind::Input => vec![at("a-folder"), at("no/such/file.toml")],
        Kind::OutDir => vec![at("a-file"), at("a-file/below")],
        Kind::OutFile => vec![at("a-folder"), at("a-file/below")],
    }
}

/// What `callsim serve` says when it reaches the port the test holds: all its flags were
/// accepted.
const SERVE_REACHED: &str = "cannot listen on";

/// How many of the common values each slot gets (the product is too big for the suite).
const COMMON_PER_SLOT: usize = 4;

/// The valid command lines the cases start from, on the tiny inputs written into `work`.
fn commands(work: &Path, held_port: u16) -> Vec<Vec<Word>> {
    let p = |name: &str| work.join(name).display().to_string();
    let (tiny, plan, roster, sweep) = (
        p("tiny.toml"),
        p("plan.toml"),
        p("roster.toml"),
        p("sweep.toml"),
    );
    use Kind::*;
    vec![
        vec![
            Fixed("run"),
            arg("<PATHS>", &tiny, Input),
            flag("--out", &p("out-run"), OutDir),
            flag("--replications", "2", Value),
            flag("--seed", "7", Value),
            flag("--threads", "1", Value),
            flag("--calls-csv", &p("calls-out.csv"), OutFile),
            flag("--trace", &p("trace.jsonl"), OutFile),
            Fixed("--no-charts"),
        ],
        vec![
            Fixed("run"),
            arg("<PATHS>", &tiny, Input),
            flag("--out", &p("out-run"), OutDir),
            flag("--replications", "10", Value),
            flag("--precision", "service_level=0.2", Precision),
            flag("--max-replications", "12", Value),
            Fixed("--no-charts"),
        ],
        vec![Fixed("check"), arg("<PATHS>", &tiny, Input)],
        vec![
            Fixed("plan"),
            arg("<FILE>", &plan, Input),
            flag("--target-sl", "0.8", Value),
            flag("--threshold", "20s", Value),
            flag("--max-abandon", "0.1", Value),
            flag("--max-asa", "1m", Value),
            flag("--max-occupancy", "0.95", Value),
            flag("--optimize", "cost", Value),
            flag("--criterion", "mean", Value),
            flag("--replications", "10", Value),
            flag("--shrinkage", "0.2", Value),
            flag("--out", &p("out-plan"), OutDir),
            flag("--threads", "1", Value),
        ],
        vec![
            Fixed("plan"),
            arg("<FILE>", &plan, Input),
            flag("--confidence", "0.8", Value),
            flag("--precision", "service_level=0.2", Precision),
            flag("--max-replications", "12", Value),
            flag("--out", &p("out-plan"), OutDir),
        ],
        vec![
            Fixed("roster"),
            arg("<FILE>", &roster, Input),
            flag("--shifts", &p("shifts.toml"), Input),
            flag("--out", &p("out-roster"), OutDir),
            flag("--max-abandon", "0.1", Value),
            flag("--confidence", "0.8", Value),
            flag("--replications", "4", Value),
            flag("--shrinkage", "0.1", Value),
            flag("--threads", "1", Value),
        ],
        vec![Fixed("report"), arg("<DIR>", &p("report"), Input)],
        vec![
            Fixed("sweep"),
            arg("<FILE>", &sweep, Input),
            flag("--out", &p("out-sweep"), OutDir),
            flag("--threads", "1", Value),
            flag("--shard", "1/2", Shard),
            flag("--replications", "2", Value),
            flag("--seed", "7", Value),
            Fixed("--force"),
        ],
        vec![
            Fixed("sweep"),
            arg("<FILE>", &sweep, Input),
            flag("--out", &p("out-sweep"), OutDir),
            flag("--precision", "service_level=0.2", Precision),
            flag("--max-replications", "12", Value),
            Fixed("--force"),
        ],
        vec![
            Fixed("merge"),
            arg("<DIRS>", &p("shards/tiny-sweep"), Input),
            flag("--out", &p("out-merge"), OutDir),
        ],
        vec![Fixed("new"), arg("[NAME]", "a-new-shop", Value)],
        vec![
            Fixed("fit"),
            Fixed("arrivals"),
            arg("<COUNTS>", &p("counts.csv"), Input),
            flag("--interval", "1h", Value),
            flag("--weekday", "Mon", Value),
            flag("--out", &p("arrivals.toml"), OutFile),
            flag("--chart", &p("arrivals.svg"), OutFile),
        ],
        vec![
            Fixed("fit"),
            Fixed("calls"),
            arg("<LOG>", &p("calls.csv"), Input),
            flag("--out", &p("calls.toml"), OutFile),
            flag("--chart", &p("calls.svg"), OutFile),
        ],
        vec![
            Fixed("forecast"),
            arg("<COUNTS>", &p("counts.csv"), Input),
            flag("--start", "2003-04-01", Value),
            flag("--days", "3", Value),
            flag("--interval", "1h", Value),
            flag("--holidays", &p("holidays.txt"), Input),
            flag("--base", &tiny, Input),
            flag("--out", &p("out-forecast"), OutDir),
        ],
        vec![
            Fixed("erlang"),
            flag("--calls-per-hour", "200", Value),
            flag("--aht", "3m", Value),
            flag("--agents", "12", Value),
            flag("--patience", "3m", Value),
            flag("--threshold", "20s", Value),
            flag("--target-sl", "0.8", Value),
            flag("--sl-basis", "answered", Value),
            flag("--max-abandon", "0.1", Value),
            flag("--max-asa", "1m", Value),
            flag("--max-occupancy", "0.95", Value),
            flag("--shrinkage", "0.3", Value),
        ],
        vec![
            Fixed("serve"),
            arg("<SCENARIO>", &tiny, Input),
            flag("--port", &held_port.to_string(), Value),
            flag("--host", "127.0.0.1", Value),
            flag("--replications", "2", Value),
            flag("--seed", "7", Value),
            flag("--time-limit", "5s", Value),
        ],
        vec![Fixed("completions"), arg("<SHELL>", "bash", Value)],
        vec![Fixed("man"), flag("--out", &p("out-man"), OutDir)],
    ]
}

/// Writes the tiny inputs of [`commands`] into `work`: scenarios of two or three half hours,
/// a sweep of two points and its shards' folder, a run's saved results, a month of the bank's
/// counts, a call log, a holidays file, a folder and a regular file.
fn tiny_inputs(work: &Path) {
    let small = std::fs::read_to_string(repo("scenarios/small-business.toml")).unwrap();
    let tiny = small
        .replace("name = \"small-business\"", "name = \"tiny\"")
        .replace("replications = 20", "replications = 2")
        .replace("intervals = 16", "intervals = 2")
        .replace(
            "per_interval = [12, 18, 25, 30, 28, 22, 20, 26, 31, 29, 24, 20, 17, 15, 12, 8]",
            "per_interval = [12, 18]",
        );
    assert!(tiny.contains("intervals = 2") && tiny.contains("[12, 18]"));
    std::fs::write(work.join("tiny.toml"), tiny).unwrap();
    let day = "seed = 5\nreplications = 10\n[time]\nopen = \"09:00\"\ninterval = \"30m\"\n\
               intervals = 3\n[arrivals]\nper_interval = [30, 60, 30]\nbusyness_cv = 0.1\n\
               [handle_time]\ndistribution = \"exponential\"\nmean = \"4m\"\n\
               [patience]\ndistribution = \"exponential\"\nmean = \"3m\"\n[staffing]\n\
               agents = 5\n[service_level]\nthreshold = \"20s\"\ntarget = 0.8\n\
               [costs]\nagent_per_hour = 22.0\nper_minute = 0.02\n";
    std::fs::write(work.join("plan.toml"), format!("name = \"plan\"\n{day}")).unwrap();
    std::fs::write(
        work.join("roster.toml"),
        format!("name = \"roster\"\n{day}[roster]\nshift_lengths = [\"1h\", \"1h30m\"]\n"),
    )
    .unwrap();
    std::fs::write(
        work.join("shifts.toml"),
        "shift_lengths = [\"1h\", \"1h30m\"]\n",
    )
    .unwrap();
    std::fs::write(
        work.join("sweep.toml"),
        "name = \"tiny-sweep\"\nbase = \"tiny.toml\"\n[axes]\n\"staffing.agents\" = [2, 3]\n",
    )
    .unwrap();
    let counts = crate::common::bank_counts_head(1 + 20 * 169);
    std::fs::write(work.join("counts.csv"), counts).unwrap();
    std::fs::write(work.join("holidays.txt"), "2003-03-17\n").unwrap();
    let scenario = callsim::scenario::load(&repo("scenarios/small-business.toml")).unwrap();
    let log = callsim::fit::calls::log_replication(&scenario, 0).unwrap();
    std::fs::write(work.join("calls.csv"), callsim::fit::calls::calls_csv(&log)).unwrap();
    std::fs::create_dir(work.join("a-folder")).unwrap();
    std::fs::write(work.join("a-file"), "not a folder\n").unwrap();
    callsim()
        .current_dir(work)
        .args(["run", "tiny.toml", "--out", "report"])
        .assert()
        .success();
    callsim()
        .current_dir(work)
        .args(["sweep", "sweep.toml", "--out", "shards"])
        .assert()
        .success();
}

/// The command line of `words`, with slot `at` set to `value` (written `--flag=value` when
/// `joined`).
fn line(words: &[Word], at: usize, value: &str, joined: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (k, word) in words.iter().enumerate() {
        match word {
            Fixed(w) => out.push(w.to_string()),
            Slot {
                name,
                positional,
                value: v,
                ..
            } => {
                let v = if k == at { value } else { v.as_str() };
                if *positional {
                    out.push(v.to_string());
                } else if k == at && joined {
                    out.push(format!("{name}={v}"));
                } else {
                    out.push(name.to_string());
                    out.push(v.to_string());
                }
            }
        }
    }
    out
}

/// A command line as a shell would show it, long words shortened.
fn shown(args: &[String]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|a| match a.char_indices().nth(40) {
            Some((cut, _)) => format!("'{}…' ({} chars)", &a[..cut], a.chars().count()),
            None => format!("'{a}'"),
        })
        .collect();
    format!("callsim {}", words.join(" "))
}

/// True when `stderr` names the hostile `value` of the flag or argument `name`: the name
/// itself, or the value quoted, or a path heading a message (`0: ...`, `-1/sweep/points:
/// ...`), or (a short value such as `0` is found in any message) a value of 3 characters or
/// more as it is (its first 40 characters, for a message that shortens it).
fn names(stderr: &str, name: &str, value: &str) -> bool {
    let head: String = value.chars().take(40).collect();
    stderr.contains(name)
        || stderr.contains(&format!("'{value}'"))
        || stderr.contains(&format!("\"{value}\""))
        || stderr.contains(&format!(" {value}:"))
        || stderr.starts_with(&format!("{value}:"))
        || stderr.contains(&format!(" {value}/"))
        || (head.chars().count() >= 3 && stderr.contains(&head))
}

#[test]
fn hostile_flag_values_end_in_a_result_or_an_error_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    tiny_inputs(work);
    let cwd = work.join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let common = common_values();
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let held_port = held.local_addr().unwrap().port();
    let started = Instant::now();
    let (mut cases, mut ok, mut usage, mut failed) = (0, 0, 0, 0);
    let mut slowest = (Duration::ZERO, String::new());
    // every case that went wrong, reported together
    let mut wrong: Vec<String> = Vec::new();
    for (c, words) in commands(work, held_port).iter().enumerate() {
        let serve = matches!(words[0], Fixed("serve"));
        let accepted = |code: i32, stderr: &str| {
            code == 0 || (serve && code == 1 && stderr.contains(SERVE_REACHED))
        };
        // the command line as given is valid
        let valid = line(words, usize::MAX, "", false);
        let run = callsim()
            .current_dir(&cwd)
            .args(&valid)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status
                .code()
                .is_some_and(|code| accepted(code, &stderr)),
            "{}: {stderr}",
            shown(&valid)
        );
        for (at, word) in words.iter().enumerate() {
            let Slot {
                name,
                positional,
                kind,
                ..
            } = *word
            else {
                continue;
            };
            if serve && name == "--port" {
                continue; // a valid port (0) would leave serve serving
            }
            let mut rng = Rng(4_242_000 + 100 * c as u64 + at as u64);
            let mut values = kind_values(kind, work);
            let mut pool: Vec<&String> = common.iter().collect();
            for _ in 0..COMMON_PER_SLOT {
                values.push(pool.remove(rng.below(pool.len())).clone());
            }
            for value in &values {
                let joined = !positional && rng.below(2) == 0;
                let args = line(words, at, value, joined);
                let case = shown(&args);
                let begun = Instant::now();
                let run = callsim()
                    .current_dir(&cwd)
                    .args(&args)
                    .timeout(Duration::from_secs(60))
                    .output()
                    .unwrap();
                let took = begun.elapsed();
                if took > slowest.0 {
                    slowest = (took, case.clone());
                }
                cases += 1;
                let full = String::from_utf8_lossy(&run.stderr);
                let stderr: String = full.chars().take(2_000).collect();
                match run.status.code() {
                    None => wrong.push(format!(
                        "{case}: killed after {took:?} (60 s is the limit), or by a signal: {stderr}"
                    )),
                    _ if full.contains("panicked") => wrong.push(format!("{case}: {stderr}")),
                    Some(code) if accepted(code, &full) => ok += 1,
                    Some(code @ (1 | 2)) => {
                        if code == 1 {
                            failed += 1;
                        } else {
                            usage += 1;
                        }
                        if !full.contains("error") || !names(&full, name, value) {
                            wrong.push(format!(
                                "{case}: exit {code}, the error names neither the flag nor the \
                                 value: {stderr}"
                            ));
                        }
                    }
                    Some(code) => wrong.push(format!("{case}: exit code {code}: {stderr}")),
                }
            }
        }
    }
    eprintln!(
        "{cases} hostile command lines in {:?}: {ok} ran, {usage} usage errors, {failed} failures; \
         slowest {:?}: {}",
        started.elapsed(),
        slowest.0,
        slowest.1
    );
    drop(held);
    assert!(
        wrong.is_empty(),
        "{} of {cases} hostile command lines went wrong:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "{cases} cases took {:?}",
        started.elapsed()
    );
    assert!(
        cases >= 300 && ok > 0 && usage > 0 && failed > 0,
        "{cases} {ok} {usage} {failed}"
    );
}
