//! `callsim report DIR [--png]`: rebuild the charts and HTML pages of saved results (a folder
//! written by `callsim run --out DIR`, one scenario folder, or one sweep folder) without
//! simulating again. The files written are byte-identical to those `run` wrote.

use super::errln;
use crate::report::pages::{ReportOptions, rebuild_report};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `callsim report`.
#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// Folder of saved results (as written by `callsim run --out DIR`), or one scenario or
    /// sweep folder in it.
    pub dir: PathBuf,
    /// Also write every chart as PNG (beside its SVG), for slides and documents.
    #[arg(long)]
    pub png: bool,
}

/// Runs `callsim report`.
pub(super) fn execute(args: ReportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let rebuilt = rebuild_report(&args.dir, ReportOptions { png: args.png })?;
    errln!(
        "rebuilt the charts and pages of {} scenario(s) and {} sweep(s) in {} in {:.2} s",
        rebuilt.scenarios,
        rebuilt.sweeps,
        args.dir.display(),
        started.elapsed().as_secs_f64()
    );
    if rebuilt.scenarios > 0 && !args.dir.join("summary.json").is_file() {
        errln!("open {}", args.dir.join("index.html").display());
    }
    Ok(())
}
