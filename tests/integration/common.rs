//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The callsim binary built by cargo for these tests.
pub fn callsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("callsim").expect("the callsim binary is built")
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The first `lines` lines of the bank's counts (`data/bank_calls_2003_mar_jun.csv`, its
/// header and 169 five-minute intervals a day), joined by newlines.
pub fn bank_counts_head(lines: usize) -> String {
    std::fs::read_to_string(repo("data/bank_calls_2003_mar_jun.csv"))
        .unwrap()
        .lines()
        .take(lines)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every folder under `scenarios/` that holds example scenario files (sweep files excluded).
pub fn example_folders() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            out.push(dir.to_path_buf());
        }
        for sub in entries.iter().filter(|p| p.is_dir()) {
            // sweep files and shift files are not scenarios
            if sub
                .file_name()
                .is_some_and(|n| n != "sweeps" && n != "shifts")
            {
                walk(sub, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo("scenarios"), &mut out);
    out
}

/// The rows of a CSV file as maps from column name to cell.
pub fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Every file of a folder tree, as (relative path, bytes), sorted.
pub fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// The Chromium binary, if one is installed.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// True when the snapshots are to be rewritten (`UPDATE_SNAPSHOTS=1 cargo test --release`).
pub fn updating_snapshots() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some()
}

/// Compares `got` byte for byte with the committed snapshot file `path` (with
/// `UPDATE_SNAPSHOTS=1`, rewrites the file first). A difference names the file and its first
/// differing line, with both versions of that line.
pub fn assert_snapshot(path: &Path, got: &[u8]) {
    if updating_snapshots() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, got).unwrap();
    }
    let want = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: snapshot not committed ({e}); write it with UPDATE_SNAPSHOTS=1 cargo test --release",
            path.display()
        )
    });
    if want != got {
        panic!("{}", first_difference(path, &want, got));
    }
}

/// Where `got` first departs from `want`: the file, the line number and both lines.
fn first_difference(path: &Path, want: &[u8], got: &[u8]) -> String {
    let want_lines: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
    let got_lines: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
    let line = |lines: &[&[u8]], k: usize| {
        lines.get(k).map_or("<end of file>".to_string(), |l| {
            format!("{:?}", String::from_utf8_lossy(l))
        })
    };
    let k = (0..want_lines.len().max(got_lines.len()))
        .find(|&k| want_lines.get(k) != got_lines.get(k))
        .unwrap_or(0);
    let (a, b) = (want_lines.get(k), got_lines.get(k));
    let column = match (a, b) {
        (Some(a), Some(b)) => a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count() + 1,
        _ => 1,
    };
    format!(
        "{} differs from its snapshot at line {}, byte {column} of the line:\n  snapshot: {}\n  now:      {}\n(if the change is intended: UPDATE_SNAPSHOTS=1 cargo test --release, and say why in the commit)",
        path.display(),
        k + 1,
        line(&want_lines, k),
        line(&got_lines, k),
    )
}

/// The scenario of file text `text` (as `t.toml`, paths relative to the working folder);
/// panics with every problem found.
pub fn parse(text: &str) -> callsim::model::Scenario {
    callsim::scenario::parse(text, "t.toml", Path::new("."), "t").unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The problems validation finds in file text `text`, one per line; panics if it finds none.
pub fn problems(text: &str) -> String {
    match callsim::scenario::parse(text, "t.toml", Path::new("."), "t") {
        Ok(_) => panic!("expected validation problems in:\n{text}"),
        Err(problems) => problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Every scenario's result, as `callsim::simulate::simulate` gives them; panics if one ran
/// away (a test scenario never should).
pub fn simulate(scenarios: &[callsim::model::Scenario]) -> Vec<callsim::simulate::ScenarioResult> {
    callsim::simulate::simulate(scenarios)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}
