//! `callsim check FILES...`: validate scenario files, print every problem, run nothing.

use super::inputs::{load_all, print_problems, scenario_files};
use super::outln;
use std::path::PathBuf;

/// Arguments of `callsim check`.
#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Scenario files, or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Runs `callsim check`.
pub(super) fn execute(args: CheckArgs) -> anyhow::Result<()> {
    let (files, mut problems) = scenario_files(&args.paths);
    let (scenarios, mut load_problems) = load_all(&files);
    problems.append(&mut load_problems);
    for sc in &scenarios {
        if let Some(source) = &sc.source {
            outln!("ok: {} ({})", source.display(), sc.name);
        }
    }
    print_problems(&problems);
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} problem(s) found; {} of {} file(s) valid",
            problems.len(),
            scenarios.len(),
            files.len()
        )
    }
}
