//! Turning the paths on the command line into scenario files, and loading them.

use super::errln;
use crate::model::Scenario;
use crate::scenario::{self, Diagnostic};
use std::path::{Path, PathBuf};

/// The scenario files named by `paths`: files as given, and for a folder the `*.toml` files
/// directly inside it (not sub-folders), sorted by name; and the problems of folders that
/// cannot be read or hold no scenario (the other paths still count).
pub(super) fn scenario_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut found: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                    .collect();
                found.sort();
                if found.is_empty() {
                    problems.push(whole(path, "the folder holds no *.toml scenario file"));
                }
                files.extend(found);
            }
            Err(e) => problems.push(whole(path, &format!("cannot read the folder: {e}"))),
        }
    }
    (files, problems)
}

fn whole(path: &Path, message: &str) -> Diagnostic {
    Diagnostic::whole_file(&path.display().to_string(), message.to_string())
}

/// Loads every file; returns the scenarios that are valid and the problems of the others.
/// Two scenarios with the same name would write the same output folder: the later is refused.
pub(super) fn load_all(files: &[PathBuf]) -> (Vec<Scenario>, Vec<Diagnostic>) {
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match scenario::load(file) {
            Ok(sc) => {
                if let Some(first) = scenarios.iter().find(|s| s.name == sc.name) {
                    let first = first.source.as_deref().unwrap_or(Path::new("?"));
                    problems.push(whole(
                        file,
                        &format!(
                            "the name \"{}\" is already used by {}; outputs would collide: \
                             give this scenario another name",
                            sc.name,
                            first.display()
                        ),
                    ));
                } else {
                    warn_implausible(file, &sc);
                    scenarios.push(sc);
                }
            }
            Err(mut d) => problems.append(&mut d),
        }
    }
    (scenarios, problems)
}

/// Prints on stderr the values of `scenario` (read from `path`) that are legal but
/// implausible for a call center ([`scenario::plausible`]); the scenario still runs.
fn warn_implausible(path: &Path, scenario: &Scenario) {
    let Ok(text) = crate::input::read_toml(path) else {
        return; // it was read a moment ago; a file gone since has nothing to warn about
    };
    for w in scenario::plausible::warnings(scenario, &text, &path.display().to_string()) {
        errln!("warning: {w}\n");
    }
}

/// Prints problems to stderr, one block each.
pub(super) fn print_problems(problems: &[Diagnostic]) {
    for p in problems {
        errln!("error: {p}\n");
    }
}

/// `plan` and `roster` staff one working day: a scenario of several days (`[time] days`) is
/// refused, naming the file.
pub(super) fn one_day_only(scenario: &Scenario, file: &Path) -> anyhow::Result<()> {
    if scenario.days > 1 {
        anyhow::bail!(
            "{}: time.days = {}: plan and roster staff one working day; run several days with \
             `callsim run` (remove days, or set it to 1, to plan)",
            file.display(),
            scenario.days
        );
    }
    Ok(())
}
