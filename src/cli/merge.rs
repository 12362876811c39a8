//! `callsim merge DIR... [--out OUT]`: combine the folders of sweep shards into
//! `OUT/<sweep>/sweep.csv` and `sweep.json`, and say which points are missing (exit status
//! non-zero if any are).

use super::errln;
use super::sweep::{LISTED, warn_short_of_precision};
use crate::sweep;
use std::path::PathBuf;

/// Arguments of `callsim merge`.
#[derive(Debug, clap::Args)]
pub(super) struct MergeArgs {
    /// Shard folders: each an OUT/<sweep>/ written by `callsim sweep --shard I/N`, or an OUT
    /// holding such folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged results: OUT/<sweep>/sweep.csv, sweep.json, points/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
}

/// Runs `callsim merge`.
pub(super) fn execute(args: MergeArgs) -> anyhow::Result<()> {
    let report = sweep::merge(&args.dirs, &args.out)?;
    let total = report.manifest.points.len();
    errln!(
        "merged {} folder(s): {} of {total} points of sweep {}; wrote {}",
        report.folders.len(),
        report.points_present,
        report.manifest.sweep,
        report.table.display()
    );
    warn_short_of_precision(&report.short_of_precision, report.points_present);
    if report.missing.is_empty() {
        let dir = report.table.parent().unwrap_or(&args.out);
        return super::sweep::draw_charts(dir);
    }
    for &point in report.missing.iter().take(LISTED) {
        errln!("missing: {}", report.manifest.describe(point));
    }
    if report.missing.len() > LISTED {
        errln!("missing: ... and {} more", report.missing.len() - LISTED);
    }
    anyhow::bail!(
        "{} of {total} points are missing (the table holds only the others); run them with \
         `callsim sweep FILE --out {} --resume`, which keeps the points already there",
        report.missing.len(),
        args.out.display()
    )
}
