//! A seeded mutation test of validation: every example scenario, mutated a few thousand
//! times in reproducible ways (numbers set to 0, -1, 1e300, NaN-like and huge strings, lines
//! deleted or duplicated, values of another type, files truncated), goes through what
//! `callsim check` runs (`scenario::parse`, which `scenario::load` calls on the file's text).
//! Every case must end without a panic, either valid or with problems that each name the file.
//! Nothing is simulated: the time per case is that of validation.

use crate::common::{example_folders, repo};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// splitmix64: a tiny seeded generator, so that a failing case is reproducible by number.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub(crate) fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

pub(crate) const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "1e300",
    "-1e300",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "\"NaN\"",
    "\"inf\"",
    "\"-1s\"",
    "\"1e300h\"",
    "\"\"",
    "99999999999999999999",
    "-9223372036854775808",
    "0.0000001",
    "4294967296",
];
pub(crate) const VALUES: &[&str] = &[
    "true",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{ distribution = \"empirical\" }",
    "\"text\"",
    "[[1]]",
    "\"1h30m\"",
    "\"25:99\"",
    "0",
];

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return rng.pick(VALUES).to_string();
    }
    let at = rng.below(lines.len());
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match rng.below(7) {
        0 | 1 => {
            // a number of the file replaced
            let numbers: Vec<(usize, usize)> = number_spans(text);
            if let Some(&(start, end)) = numbers.get(rng.below(numbers.len())) {
                return format!("{}{}{}", &text[..start], rng.pick(NUMBERS), &text[end..]);
            }
        }
        2 => {
            out.remove(at);
        }
        3 => out.insert(at, lines[at].to_string()),
        4 => {
            if let Some((key, _)) = lines[at].split_once('=') {
                out[at] = format!("{key}= {}", rng.pick(VALUES));
            }
        }
        5 => {
            let cut = rng.below(text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            return text[..cut].to_string();
        }
        _ => {
            if let Some((key, _)) = lines[at].split_once('=') {
                out[at] = format!("{key}= \"{}\"", "x".repeat(100_000));
            }
        }
    }
    out.join("\n")
}

/// Byte ranges of the numbers written in `text` (digits, signs, dots and exponents).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if starts {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || b".-+_".contains(&bytes[j]))
            {
                j += 1;
            }
            spans.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    spans
}

#[test]
fn mutated_examples_are_valid_or_errors_naming_the_file_never_a_panic() {
    let mut files: Vec<_> = example_folders()
        .into_iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let started = std::time::Instant::now();
    let mut cases = 0;
    let (mut valid, mut refused) = (0, 0);
    for (f, path) in files.iter().enumerate() {
        let original = std::fs::read_to_string(path).unwrap();
        let base_dir = path.parent().unwrap_or(&repo(".")).to_path_buf();
        let file = path.display().to_string();
        for case in 0..250u64 {
            let mut rng = Rng(1000 * f as u64 + case);
            let mut text = original.clone();
            for _ in 0..1 + rng.below(3) {
                text = mutate(&text, &mut rng);
            }
            cases += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                callsim::scenario::parse(&text, &file, &base_dir, "mutant")
            }));
            match outcome {
                Err(_) => panic!("{file}, case {case}: validation panicked on:\n{text}"),
                Ok(Ok(_)) => valid += 1,
                Ok(Err(problems)) => {
                    refused += 1;
                    assert!(
                        !problems.is_empty(),
                        "{file}, case {case}: no problem given"
                    );
                    for p in &problems {
                        let shown = p.to_string();
                        assert!(shown.starts_with(&file), "{file}, case {case}: {shown}");
                        assert!(
                            shown.len() < 5_000,
                            "{file}, case {case}: {} bytes",
                            shown.len()
                        );
                    }
                }
            }
        }
    }
    assert!(
        cases >= 2_500 && valid > 0 && refused > 0,
        "{cases} {valid} {refused}"
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "{cases} cases took {:?}",
        started.elapsed()
    );
}

/// The same seeded mutator over the other TOML inputs: sweep files (`callsim sweep`, every
/// point built and validated; an axis mutated to a huge range must be refused, not expanded)
/// and shift files (`callsim roster --shifts`). Every case ends without a panic, in bounded
/// time, read or with problems that each start with the file's name.
#[test]
fn mutated_sweep_and_shift_files_are_read_or_errors_naming_the_file_never_a_panic() {
    let folder = |name: &str| -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(repo(name))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
    };
    let (sweeps, shifts) = (folder("scenarios/sweeps"), folder("scenarios/shifts"));
    assert!(!sweeps.is_empty() && !shifts.is_empty());
    let started = std::time::Instant::now();
    let (mut valid, mut refused) = (0, 0);
    for (f, path) in sweeps.iter().chain(&shifts).enumerate() {
        let original = std::fs::read_to_string(path).unwrap();
        let dir = path.parent().unwrap().to_path_buf();
        let file = path.display().to_string();
        let is_sweep = f < sweeps.len();
        for case in 0..150u64 {
            let mut rng = Rng(77_000 + 1000 * f as u64 + case);
            let mut text = original.clone();
            for _ in 0..1 + rng.below(3) {
                text = mutate(&text, &mut rng);
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                if is_sweep {
                    callsim::sweep::parse(&text, &file, &dir, "mutant", Default::default())
                        .map(|_| ())
                        .map_err(|p| p.0)
                } else {
                    callsim::scenario::validate::shift_file(&text, &file)
                        .map(|_| ())
                        .map_err(|p| p.iter().map(ToString::to_string).collect())
                }
            }));
            match outcome {
                Err(_) => panic!("{file}, case {case}: reading panicked on:\n{text}"),
                Ok(Ok(())) => valid += 1,
                Ok(Err(problems)) => {
                    refused += 1;
                    assert!(!problems.is_empty(), "{file}, case {case}: no problem");
                    for shown in &problems {
                        // a point's problem too: at the line of its axis, or of `base`
                        assert!(shown.starts_with(&file), "{file}, case {case}: {shown}");
                        assert!(shown.len() < 20_000, "{file}, case {case}: {shown}");
                    }
                }
            }
        }
    }
    assert!(valid > 0 && refused > 0, "{valid} {refused}");
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

/// The same seeded mutator over the CSV inputs of `callsim fit` (a simulated call log and the
/// bank's counts), with LF, CRLF or CR line ends: reading never panics, and every error names
/// the file and a line that holds the problem's row. Every 20th case also goes through the
/// binary: it succeeds with sections that `check` accepts, or fails naming the file.
#[test]
fn mutated_fit_inputs_are_read_or_errors_naming_the_file_never_a_panic() {
    let scenario = callsim::scenario::load(&repo("scenarios/small-business.toml")).unwrap();
    let log = callsim::fit::calls::calls_csv(
        &callsim::fit::calls::log_replication(&scenario, 0).unwrap(),
    );
    let counts = crate::common::bank_counts_head(400);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let mut through_binary = 0;
    for (k, (kind, original)) in [("calls", &log), ("arrivals", &counts)].iter().enumerate() {
        for case in 0..300u64 {
            let mut rng = Rng(77_000 + 1000 * k as u64 + case);
            let mut text = original.to_string();
            for _ in 0..1 + rng.below(3) {
                text = mutate(&text, &mut rng);
            }
            let end = rng.pick(&["\n", "\r\n", "\r"]);
            let text = text.replace('\n', end);
            let path = dir.path().join(format!("{kind}-{case}.csv"));
            std::fs::write(&path, &text).unwrap();
            let shown = path.display().to_string();
            let outcome = catch_unwind(AssertUnwindSafe(|| match *kind {
                "calls" => callsim::fit::calls::read_calls(&path)
                    .map(|r| callsim::fit::calls::fit_calls(&r).is_some()),
                _ => callsim::fit::counts::read_counts(&path).map(|_| true),
            }));
            match outcome {
                Err(_) => panic!("{kind} case {case}: reading panicked on:\n{text}"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    let message = e.to_string();
                    assert!(message.starts_with(&shown), "{kind} case {case}: {message}");
                    // a line number names a line of the file
                    if let Some(line) = e.line {
                        let lines = text.split(end).count() as u64;
                        assert!(
                            (1..=lines).contains(&line),
                            "{kind} case {case}: line {line} of {lines}: {message}"
                        );
                    }
                }
            }
            if case % 20 == 0 {
                through_binary += 1;
                let out = dir.path().join(format!("{kind}-{case}.toml"));
                let run = crate::common::callsim()
                    .args(["fit", kind])
                    .arg(&path)
                    .arg("--out")
                    .arg(&out)
                    .timeout(std::time::Duration::from_secs(60))
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&run.stderr);
                assert!(!stderr.contains("panicked"), "{kind} case {case}: {stderr}");
                if run.status.success() {
                    // what fit wrote passes check once completed to a scenario
                    let rest = if *kind == "calls" {
                        "[time]\nhorizon = \"1h\"\n[arrivals]\ncalls_per_hour = 1\n"
                    } else {
                        "[handle_time]\ndistribution = \"exponential\"\nmean = 180\n"
                    };
                    let sections = std::fs::read_to_string(&out).unwrap();
                    let full = format!("{rest}[staffing]\nagents = 1\n{sections}");
                    let checked = callsim::scenario::parse(&full, "fit", dir.path(), "fit");
                    assert!(
                        checked.is_ok(),
                        "{kind} case {case}: fit wrote what check rejects"
                    );
                } else {
                    assert!(
                        stderr.contains(&shown) && !out.exists(),
                        "{kind} case {case}: {stderr}"
                    );
                }
            }
        }
    }
    assert!(through_binary >= 30);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

/// `callsim forecast`'s inputs (a month of the bank's counts, and a holidays file) mutated:
/// the whole pipeline (read, sum, backtest, forecast) gives a forecast or an error naming
/// the file, never a panic; a few cases through the binary too.
#[test]
fn mutated_forecast_inputs_are_forecast_or_errors_naming_the_file_never_a_panic() {
    use callsim::forecast::{History, backtest, forecast, read_holidays};
    let counts = crate::common::bank_counts_head(1 + 20 * 169);
    let holidays = "# holidays\n2003-03-17\n2003-03-28 # a Friday\n";
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    for case in 0..150u64 {
        let mut rng = Rng(91_000 + case);
        let (mut c, mut h) = (counts.clone(), holidays.to_string());
        for _ in 0..1 + rng.below(3) {
            if rng.below(2) == 0 {
                c = mutate(&c, &mut rng);
            } else {
                h = mutate(&h, &mut rng);
            }
        }
        let (cp, hp) = (
            dir.path().join(format!("c{case}.csv")),
            dir.path().join(format!("h{case}.txt")),
        );
        std::fs::write(&cp, &c).unwrap();
        std::fs::write(&hp, &h).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let holidays = read_holidays(&hp)?;
            let read = callsim::fit::counts::read_counts(&cp)?;
            let fit = callsim::fit::arrivals::fit_arrivals(&cp, &read, 1800.0)?;
            let history = History::of(&fit, &holidays);
            let start = history.days.last().map_or(0, |d| d.day) + 1;
            let b = backtest(&history, 7);
            Ok::<_, callsim::fit::FitError>(forecast(&history, &b, start, 7, &holidays).days.len())
        }));
        match outcome {
            Err(_) => panic!("case {case}: the forecast panicked on:\n{h}\n{c:.2000}"),
            Ok(Ok(days)) => assert_eq!(days, 7),
            Ok(Err(e)) => {
                let message = e.to_string();
                let named = [&cp, &hp]
                    .iter()
                    .any(|p| message.starts_with(&p.display().to_string()));
                assert!(named && message.len() < 1000, "case {case}: {message}");
            }
        }
        if case % 25 == 0 {
            let run = crate::common::callsim()
                .arg("forecast")
                .arg(&cp)
                .args(["--start", "2003-04-01", "--days", "3", "--holidays"])
                .arg(&hp)
                .arg("--out")
                .arg(dir.path().join(format!("out{case}")))
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(!stderr.contains("panicked"), "case {case}: {stderr}");
            assert!(
                run.status.success() || stderr.starts_with("error: "),
                "case {case}: {stderr}"
            );
        }
    }
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

/// The staff list of `callsim roster --agents` (the example `help-desk-week.csv`) mutated,
/// with LF, CRLF or CR line ends, and a few hostile files (binary, a huge cell, unbalanced
/// quotes, more rows than the limit): reading gives people or an error naming the file (and a
/// line of it), never a panic, in a bounded message.
#[test]
fn mutated_staff_lists_are_read_or_errors_naming_the_file_never_a_panic() {
    use callsim::roster::agents::{GroupSkills, MAX_AGENTS, StaffContext, parse_agents};
    let original = std::fs::read_to_string(repo("scenarios/agents/help-desk-week.csv")).unwrap();
    // the contracts of the example week the list is for
    let week = repo("scenarios/roster-week-tours.toml");
    let rules = std::fs::read_to_string(&week).unwrap();
    let contracts = callsim::scenario::validate::shift_rules_of(&rules, "week")
        .unwrap()
        .and_then(|r| r.tours)
        .unwrap()
        .contracts;
    let groups = [GroupSkills {
        name: "agents".into(),
        skills: Vec::new(),
    }];
    let context = StaffContext {
        contracts: &contracts,
        groups: &groups,
    };
    let path = std::path::Path::new("staff/agents.csv");
    let shown = path.display().to_string();
    let mut hostile: Vec<String> = vec![
        String::new(),
        "\u{0}\u{1}\u{2}binary".into(),
        format!("name,contract\n{},full-time\n", "x".repeat(1_000_000)),
        "name,contract,group\n\"Ada,full-time,agents\n".into(),
        "name,contract,group\r\nAda,full-time,agents\r\n\r\n".into(),
        format!(
            "name,contract\n{}",
            (0..=MAX_AGENTS)
                .map(|i| format!("p{i},full-time\n"))
                .collect::<String>()
        ),
        "name,contract,unavailable\nAda,full-time,Mon 00:00-24:00;Tue 23:59-24:00\n".into(),
    ];
    let mut rng = Rng(123_000);
    for _ in 0..400 {
        let mut text = original.clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        let end = rng.pick(&["\n", "\r\n", "\r"]);
        hostile.push(text.replace('\n', end));
    }
    let started = std::time::Instant::now();
    let (mut read, mut refused) = (0, 0);
    for (case, text) in hostile.iter().enumerate() {
        let outcome = catch_unwind(AssertUnwindSafe(|| parse_agents(path, text, context)));
        match outcome {
            Err(_) => panic!("case {case}: reading panicked on:\n{text:.2000}"),
            Ok(Ok(people)) => {
                read += 1;
                assert!(!people.is_empty() && people.len() <= MAX_AGENTS);
            }
            Ok(Err(e)) => {
                refused += 1;
                let message = e.to_string();
                assert!(message.starts_with(&shown), "case {case}: {message}");
                assert!(message.len() < 1_000, "case {case}: {message:.2000}");
                if let Some(line) = e.line {
                    let lines = text.split(['\n', '\r']).count() as u64;
                    assert!(
                        (1..=lines).contains(&line),
                        "case {case}: line {line} of {lines}: {message}"
                    );
                }
            }
        }
    }
    assert!(read > 0 && refused > 0, "{read} {refused}");
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

/// The same seeded mutator over the point files of a sweep run to a precision (pretty-printed
/// so that it has lines), whose `precision` record (`met`, the half-widths asked and reached)
/// `--resume` and `merge` read back: reading never panics, and a point file that is not read
/// is named by its error; the tables and the list of points short of their precision are built
/// from whatever is read. Every 25th case also goes through `callsim merge`: it succeeds
/// (warning of the points short of their precision), or fails naming the damaged file.
#[test]
fn mutated_point_files_of_a_precise_sweep_are_read_or_errors_naming_the_file() {
    use callsim::sweep::store;
    let work = tempfile::tempdir().unwrap();
    let file = crate::sweep::precise_file(work.path(), "[25, 40]");
    let out = work.path().join("out");
    crate::common::callsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args([
            "--precision",
            "service_level=0.0005",
            "--max-replications",
            "12",
        ])
        .assert()
        .success();
    let dir = out.join("precise");
    let manifest = store::read_manifest(&dir).unwrap().unwrap();
    let point = store::point_path(&dir, 0);
    let shown_point = point.display().to_string();
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&point).unwrap()).unwrap();
    assert_eq!(original["precision"]["met"], false);
    let pretty = serde_json::to_string_pretty(&original).unwrap();
    let (mut read, mut refused) = (0, 0);
    for case in 0..300u64 {
        let mut rng = Rng(91_000 + case);
        let mut text = pretty.clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        std::fs::write(&point, &text).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            store::read_points(&dir, &manifest).map(|points| {
                let records: Vec<&store::PointRecord> =
                    points.values().map(|p| &p.record).collect();
                store::short_of_precision(&manifest, records.iter().copied());
                store::sweep_csv(&manifest, &records).unwrap();
                store::sweep_json(&manifest, &records).unwrap();
            })
        }));
        match outcome {
            Err(_) => panic!("case {case}: reading panicked on:\n{text}"),
            Ok(Ok(())) => read += 1,
            Ok(Err(e)) => {
                refused += 1;
                let shown = e.to_string();
                assert!(shown.starts_with(&shown_point), "case {case}: {shown}");
            }
        }
        if case % 25 == 0 {
            let merged = work.path().join("merged");
            let _ = std::fs::remove_dir_all(&merged);
            let run = crate::common::callsim()
                .arg("merge")
                .arg(&dir)
                .arg("--out")
                .arg(&merged)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(
                run.status.code().is_some() && !stderr.contains("panicked"),
                "case {case}: {stderr}"
            );
            assert!(
                run.status.success() || stderr.contains(&shown_point),
                "case {case}: {stderr}"
            );
        }
    }
    assert!(read > 0 && refused > 0, "{read} {refused}");
}

/// The lines of `text` with the value of every `key = ...` line set to `value` (the rest of
/// the line, a comment included, replaced).
fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    for line in &mut out {
        if line.split('=').next().is_some_and(|k| k.trim() == key) {
            *line = format!("{key} = {value}");
        }
    }
    out.join("\n")
}

/// `callsim run` of `file` with `args` (2 replications, no charts, into `out`), in at most a
/// minute: it ends without a panic, with results or an `error: ...`; its (success, stderr).
fn run_ends_cleanly(
    file: &std::path::Path,
    out: &std::path::Path,
    args: &[&str],
) -> (bool, String) {
    let run = crate::common::callsim()
        .arg("run")
        .arg(file)
        .args(["--replications", "2", "--no-charts", "--out"])
        .arg(out)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(
        run.status.code().is_some() && !stderr.contains("panicked"),
        "{} {args:?}: {stderr}",
        file.display()
    );
    assert!(
        run.status.success() || stderr.starts_with("error: "),
        "{} {args:?}: {stderr}",
        file.display()
    );
    (run.status.success(), stderr)
}

/// The keys of a run of several days, `[time] days` and `carry_over`, set to every hostile
/// number and value of the mutator (and `days` left out under `carry_over`): validation ends
/// without a panic, valid or with problems naming the file (a number of days refused beyond
/// its bounds). Every valid case also runs through the binary, plain and with
/// `--stratified-days`, which a run of several days refuses with a warning (independent days,
/// no stratified estimator), as the README says.
#[test]
fn hostile_days_and_carry_over_are_run_or_refused_never_a_panic() {
    let path = repo("scenarios/week/carry-over.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    let base_dir = path.parent().unwrap().to_path_buf();
    let file = path.display().to_string();
    let mut cases: Vec<(String, String)> = Vec::new();
    for value in NUMBERS.iter().chain(VALUES) {
        cases.push((format!("days = {value}"), set_key(&original, "days", value)));
        let with_carry =
            original.replacen("days = 7", &format!("days = 7\ncarry_over = {value}"), 1);
        cases.push((format!("carry_over = {value}"), with_carry));
    }
    for carry in ["true", "false"] {
        let without_days = set_key(&original, "days", "1").replacen(
            "days = 1",
            &format!("carry_over = {carry}"),
            1,
        );
        cases.push((format!("no days, carry_over = {carry}"), without_days));
        let two = original.replacen("days = 7", &format!("days = 2\ncarry_over = {carry}"), 1);
        cases.push((format!("days = 2, carry_over = {carry}"), two));
    }
    let work = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (mut valid, mut refused) = (0, 0);
    for (case, (what, text)) in cases.iter().enumerate() {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            callsim::scenario::parse(text, &file, &base_dir, "mutant")
        }));
        let scenario = match outcome {
            Err(_) => panic!("{what}: validation panicked"),
            Ok(Ok(scenario)) => scenario,
            Ok(Err(problems)) => {
                refused += 1;
                assert!(!problems.is_empty(), "{what}: no problem given");
                for p in &problems {
                    let shown = p.to_string();
                    assert!(
                        shown.starts_with(&file) && shown.len() < 5_000,
                        "{what}: {shown}"
                    );
                }
                continue;
            }
        };
        valid += 1;
        assert!(
            (1..=366).contains(&scenario.days),
            "{what}: {}",
            scenario.days
        );
        let mutant = work.path().join(format!("case{case}.toml"));
        std::fs::write(&mutant, text).unwrap();
        let (ran, _) = run_ends_cleanly(&mutant, &work.path().join(format!("plain{case}")), &[]);
        assert!(ran, "{what}: valid, yet not run");
        let out = work.path().join(format!("stratified{case}"));
        let (ran, stderr) = run_ends_cleanly(&mutant, &out, &["--stratified-days"]);
        assert!(ran, "{what}: {stderr}");
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(&scenario.name).join("summary.json")).unwrap(),
        )
        .unwrap();
        let warned = stderr.contains("no stratified days in a run of several days");
        assert_eq!(warned, scenario.days > 1, "{what}: {stderr}");
        assert_eq!(
            summary.get("estimator").is_some(),
            scenario.days == 1,
            "{what}: {summary}"
        );
    }
    assert!(valid >= 4 && refused > 0, "{valid} {refused}");
    assert!(
        started.elapsed().as_secs() < 120,
        "took {:?}",
        started.elapsed()
    );
}

/// Hostile `sweep --precision` text (no `=`, `:` for `=`, no KPI, a KPI not known, a
/// half-width empty, negative, zero, not a number, infinite, beyond f64, a KPI twice, a huge
/// string): read into the sweep's points, or refused naming `--precision`, never a panic; a
/// few through the binary too (huge and tiny half-widths that are valid run to their
/// maximum and end).
#[test]
fn hostile_sweep_precisions_are_run_or_refused_never_a_panic() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("hostile.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"hostile\"\nbase = {:?}\n[axes]\n\"staffing.agents\" = [3, 4]\n",
            repo("scenarios/small-business.toml").display().to_string()
        ),
    )
    .unwrap();
    let sweep_text = std::fs::read_to_string(&file).unwrap();
    let long = format!("service_level={}", "9".repeat(100_000));
    let texts: Vec<&str> = vec![
        "service_level:",
        "x:0.5",
        "service_level:-1",
        "service_level:nan",
        "service_level:0.01",
        "service_level=",
        "x=0.5",
        "=0.5",
        "=",
        "",
        ",",
        " , ,",
        "service_level=-1",
        "service_level=0",
        "service_level=-0",
        "service_level=nan",
        "service_level=NaN%",
        "service_level=inf",
        "service_level=-inf%",
        "service_level=1e309",
        "service_level=%",
        "service_level=5%%",
        "service_level=0x10",
        "service_level=0.01,service_level=0.02",
        "service_level=0.01,,asa_s=2%",
        "service_level=0.01=0.02",
        "service_level=99999999999999999999999999999999",
        "service_level=1e308",
        "service_level=1e-320",
        "asa_s=99999999999999999999%",
        "asa_s=1e-300%",
        "é=1",
        &long,
    ];
    let started = std::time::Instant::now();
    let (mut read, mut refused) = (0, 0);
    for text in &texts {
        let overrides = callsim::sweep::Overrides {
            precision: Some(text.to_string()),
            max_replications: Some(12),
            ..Default::default()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            callsim::sweep::parse(
                &sweep_text,
                "hostile.toml",
                work.path(),
                "hostile",
                overrides,
            )
        }));
        match outcome {
            Err(_) => panic!("{text:.80}: reading panicked"),
            Ok(Ok(sweep)) => {
                read += 1;
                for point in &sweep.points {
                    let p = point.scenario.precision.as_ref().unwrap();
                    assert_eq!(p.max_replications, 12, "{text:.80}");
                    assert!(
                        p.targets.iter().all(|&(_, half)| half.allowed(1.0) > 0.0),
                        "{text:.80}: {p:?}"
                    );
                }
            }
            Ok(Err(problems)) => {
                refused += 1;
                assert_eq!(problems.0.len(), 1, "{text:.80}: {problems}");
                let shown = &problems.0[0];
                assert!(
                    shown.starts_with("--precision: "),
                    "{text:.80}: {shown:.200}"
                );
                // a refused part is quoted back shortened: the message stays short
                assert!(shown.len() < 300, "{text:.80}: {shown:.400}");
            }
        }
    }
    assert!(read >= 5 && refused >= 20, "{read} {refused}");
    for (case, text) in [
        "service_level:",
        "x:0.5",
        "service_level=-1",
        "service_level=nan",
        "service_level=1e309",
        "service_level=1e308",
        "service_level=1e-320",
    ]
    .iter()
    .enumerate()
    {
        let valid = !text.contains(':') && !text.contains("-1") && !text.contains("nan");
        let valid = valid && !text.ends_with("309");
        let run = crate::common::callsim()
            .arg("sweep")
            .arg(&file)
            .args(["--precision", text, "--max-replications", "12", "--out"])
            .arg(work.path().join(format!("out{case}")))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status.code().is_some() && !stderr.contains("panicked"),
            "{text}: {stderr}"
        );
        assert_eq!(run.status.success(), valid, "{text}: {stderr}");
        if !valid {
            assert!(stderr.contains("--precision: "), "{text}: {stderr}");
        }
    }
    assert!(
        started.elapsed().as_secs() < 120,
        "took {:?}",
        started.elapsed()
    );
}

/// Hostile `plan --precision` and `--max-replications` (not numbers, signs, zero, one, below
/// the pilot's 10 replications, beyond the range, beyond u32, half-widths that cannot be
/// read, a KPI the plan does not plan by, a half-width so small the maximum stops it, one so
/// large the pilot meets it): planned (exit 0, with a warning when the maximum stopped the
/// final check) or refused naming the option, never a panic.
#[test]
fn hostile_plan_precisions_and_maxima_are_planned_or_refused_never_a_panic() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("hostile.toml");
    std::fs::write(
        &file,
        "seed = 5\nreplications = 10\n[time]\nopen = \"09:00\"\ninterval = \"30m\"\n\
         intervals = 3\n[arrivals]\nper_interval = [30, 60, 30]\n[handle_time]\n\
         distribution = \"exponential\"\nmean = \"4m\"\n[staffing]\nagents = 5\n\
         [service_level]\nthreshold = \"20s\"\ntarget = 0.8\n",
    )
    .unwrap();
    // (precision, maximum, what stderr must say: "" for a plan that met it)
    let cases: &[(&str, &str, &str)] = &[
        ("service_level=0.05", "0", "--max-replications"),
        ("service_level=0.05", "1", "--max-replications"),
        ("service_level=0.05", "-1", "unexpected argument '-1'"),
        ("service_level=0.05", "", "--max-replications"),
        ("service_level=0.05", "abc", "--max-replications"),
        ("service_level=0.05", "1e3", "--max-replications"),
        ("service_level=0.05", "100001", "--max-replications"),
        (
            "service_level=0.05",
            "99999999999999999999",
            "--max-replications",
        ),
        (
            "service_level=0.05",
            "9",
            "--max-replications 9 is fewer than the pilot's 10",
        ),
        ("service_level=1e-320", "10", "warning: --precision not met"),
        ("service_level=1e-320", "12", "warning: --precision not met"),
        ("asa_s=1e-300%", "12", "warning: --precision not met"),
        ("service_level=1e308", "12", ""),
        ("service_level=nan", "12", "--precision: "),
        ("service_level=", "12", "--precision: "),
        ("total_cost=5%", "12", "not total_cost"),
        (
            "service_level=0.05,service_level=0.1",
            "12",
            "--precision: ",
        ),
    ];
    for (case, &(precision, max, says)) in cases.iter().enumerate() {
        let run = crate::common::callsim()
            .arg("plan")
            .arg(&file)
            .args(["--precision", precision, "--max-replications", max, "--out"])
            .arg(work.path().join(format!("out{case}")))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        let what = format!("{precision} --max-replications {max:?}: {stderr}");
        assert!(
            run.status.code().is_some() && !stderr.contains("panicked"),
            "{what}"
        );
        let planned = says.is_empty() || says.starts_with("warning");
        assert_eq!(run.status.success(), planned, "{what}");
        assert!(stderr.contains(says), "{what}");
        if says.is_empty() {
            assert!(!stderr.contains("warning"), "{what}");
        }
    }
}
