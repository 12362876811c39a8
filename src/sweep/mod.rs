//! Parameter sweeps: a base scenario and axes of values ([`spec`]), every point run in
//! parallel with common random numbers ([`run`](mod@run)), results stored point by point so that a
//! killed sweep resumes where it stopped ([`store`]), and shards of a sweep run on a cluster
//! merged into one table ([`merge`](mod@merge)).
//!
//! ```toml
//! name = "staffing-vs-patience"
//! base = "../small-business.toml"       # or an inline [base] table
//! mode = "grid"                         # every combination (default), or "zip"
//! replications = 10                     # optional: override the base's
//! [axes]
//! "staffing.agents" = { from = 1, to = 6, step = 1 }
//! "patience.mean" = ["1m", "2m", "4m"]
//! ```
//!
//! Every point uses the same seed (the sweep's, or the base's): points differ only by their
//! parameters, so their differences have far less noise than independent runs would give.

pub mod merge;
pub mod run;
pub mod spec;
pub mod store;

pub use merge::{MergeReport, merge};
pub use run::{Progress, RunOptions, RunSummary, Shard, run};
pub use spec::{Axis, Mode, Overrides, Point, SpecProblems, Sweep, load, parse};
pub use store::ShortOfPrecision;

use std::path::PathBuf;

/// Why a sweep could not be run, resumed or merged.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file or folder could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said (in the message, not a source: `{:#}` says it once).
        error: std::io::Error,
    },
    /// A result file is not what callsim writes.
    #[error(
        "{}: {message}; remove the file (its point will be run again with --resume)",
        path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A folder holds results that do not belong with the others.
    #[error("{}: {message}", dir.display())]
    Mismatch {
        /// The sweep folder.
        dir: PathBuf,
        /// What differs and what to do.
        message: String,
    },
    /// A folder given to merge holds no sweep results.
    #[error(
        "{}: no sweep results here (no manifest.json in it or in its sub-folders); give the \
         OUT/<sweep>/ folders that `callsim sweep --shard I/N --out OUT` wrote, or their OUT",
        path.display()
    )]
    NotASweep {
        /// The folder.
        path: PathBuf,
    },
    /// A point's simulation ran away.
    #[error(transparent)]
    Run(#[from] crate::simulate::RunError),
}
