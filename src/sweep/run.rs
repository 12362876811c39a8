//! Running a sweep: its points are the scenarios of one streaming run
//! ([`crate::simulate::simulate_fold`]): their replications run in parallel on the current
//! rayon pool and are folded into each point's tally in replication order, so the result
//! does not depend on the number of threads and memory does not grow with the replications.
//! A point to a precision (its base's `[precision]`, or `--precision`) runs batch after
//! batch until its KPIs are precise enough. When a point's last replication is in, its file
//! is written at once: a killed sweep loses only the points in flight.

use super::SweepError;
use super::spec::Sweep;
use super::store::{self, Manifest, PointRecord, ShortOfPrecision};
use crate::model::Scenario;
use crate::simulate::simulate_fold;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

/// The part of a sweep one process runs: the points whose index ≡ `index` (mod `count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0 to `count` − 1.
    pub index: usize,
    /// Number of shards (1: the whole sweep).
    pub count: usize,
}

impl Shard {
    /// The whole sweep in one process.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether point `point` belongs to this shard.
    pub fn has(self, point: usize) -> bool {
        point % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Reads `I/N`, such as `3/64`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("expected I/N with 0 ≤ I < N, such as 0/4 (the first of 4 shards), got \"{s}\"")
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// How to run a sweep.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Which points to run.
    pub shard: Shard,
    /// Keep the points already in the folder and run only the others.
    pub resume: bool,
    /// Start this shard over, removing its points already in the folder. Without it (and
    /// without `resume`), a folder that holds any of them is refused.
    pub force: bool,
}

/// Progress reported after each replication.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Points of this shard done, those found by `--resume` included.
    pub points_done: usize,
    /// Points of this shard.
    pub points_total: usize,
    /// Calls simulated by this process so far.
    pub calls: u64,
}

/// What a sweep run did.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The sweep folder, `OUT/<sweep>/`.
    pub dir: PathBuf,
    /// Points of this shard.
    pub points_in_shard: usize,
    /// Points of this shard found done (with `--resume`) and not run again.
    pub points_resumed: usize,
    /// Points simulated by this run.
    pub points_run: usize,
    /// Calls simulated by this run.
    pub calls: u64,
    /// `sweep.csv`, when the folder now holds every point of the sweep (tables are written
    /// only then; a shard's folder is combined with the others by [`super::merge`](fn@super::merge)).
    pub table: Option<PathBuf>,
    /// This shard's points in the folder that stopped at their maximum of replications
    /// before every KPI was as precise as asked (a sweep run to a precision), by point.
    pub short_of_precision: Vec<ShortOfPrecision>,
}

/// Runs this shard's points of `sweep` into `out/<sweep>/` on the current rayon pool,
/// calling `progress` after each replication (from any worker thread).
pub fn run(
    sweep: &Sweep,
    out: &Path,
    options: RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RunSummary, SweepError> {
    let dir = out.join(&sweep.name);
    let manifest = Manifest::of(sweep);
    let shard = options.shard;
    let existing = match store::read_manifest(&dir) {
        Ok(m) => m,
        Err(e) if options.resume => return Err(e),
        Err(_) => None, // starting over: a damaged manifest is simply replaced
    };
    let same = existing.as_ref() == Some(&manifest);
    if let Some(m) = existing.as_ref().filter(|_| options.resume && !same) {
        return Err(SweepError::Mismatch {
            dir: dir.clone(),
            message: format!(
                "it holds results of another sweep definition (fingerprint {}, this one is \
                 {}): the sweep file, its base scenario or the callsim version changed. Run \
                 without --resume to start over, or use another --out",
                m.fingerprint, manifest.fingerprint
            ),
        });
    }
    if !options.resume && !options.force {
        let held = store::point_files(&dir)?
            .iter()
            .filter(|(p, _)| shard.has(*p))
            .count();
        if held > 0 {
            return Err(SweepError::Mismatch {
                dir: dir.clone(),
                message: format!(
                    "it holds results of {held} point(s) of this sweep already: give --resume \
                     to keep them and run the others, --force to run them all again, or \
                     another --out"
                ),
            });
        }
    }
    if !options.resume || !same {
        // Start this shard over. Points of other shards stay (several shards may share a
        // folder, and one may have started first); those of another sweep definition go.
        let other_sweep = existing.is_some() && !same;
        store::remove_points(&dir, |p| other_sweep || shard.has(p))?;
    }
    store::write_manifest(&dir, &manifest)?;
    let done = store::read_points(&dir, &manifest)?;

    let in_shard: Vec<usize> = (0..sweep.points.len()).filter(|&p| shard.has(p)).collect();
    let pending: Vec<usize> = in_shard
        .iter()
        .copied()
        .filter(|p| !done.contains_key(p))
        .collect();
    let resumed = in_shard.len() - pending.len();
    // the points to run, each folded and written as soon as its replications are in (to a
    // precision: batch after batch, until its KPIs are precise enough)
    let scenarios: Vec<Scenario> = pending
        .iter()
        .map(|&p| sweep.points[p].scenario.clone())
        .collect();
    let calls = Cell::new(0u64);
    let points_done = Cell::new(resumed);
    let report = || {
        progress(Progress {
            points_done: points_done.get(),
            points_total: in_shard.len(),
            calls: calls.get(),
        })
    };
    let stop = AtomicBool::new(false);
    let mut failure: Option<SweepError> = None;
    report();
    simulate_fold(
        &scenarios,
        || !stop.load(Ordering::Relaxed),
        |slot, result| {
            if failure.is_some() {
                return;
            }
            let written = result.map_err(SweepError::from).and_then(|result| {
                let record = PointRecord::new(sweep, pending[slot], &result);
                store::write_point(&dir, &record)
            });
            match written {
                Ok(()) => {
                    points_done.set(points_done.get() + 1);
                    report();
                }
                Err(e) => {
                    failure = Some(e);
                    stop.store(true, Ordering::Relaxed);
                }
            }
        },
        |_, kpis| {
            calls.set(calls.get() + kpis.calls);
            report();
        },
    );
    if let Some(e) = failure {
        return Err(e);
    }

    let stored = store::read_points(&dir, &manifest)?;
    let table = if stored.len() == manifest.points.len() {
        Some(store::write_tables(&dir, &manifest, &stored)?)
    } else {
        None
    };
    let short_of_precision = store::short_of_precision(
        &manifest,
        stored
            .iter()
            .filter(|(p, _)| shard.has(**p))
            .map(|(_, s)| &s.record),
    );
    Ok(RunSummary {
        dir,
        short_of_precision,
        points_in_shard: in_shard.len(),
        points_resumed: resumed,
        points_run: pending.len(),
        calls: calls.get(),
        table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_from_i_slash_n() {
        assert_eq!(
            "3/64".parse(),
            Ok(Shard {
                index: 3,
                count: 64
            })
        );
        assert_eq!(" 0 / 1 ".parse(), Ok(Shard::WHOLE));
        for bad in ["4/4", "1/0", "-1/3", "2", "a/b", "1/2/3"] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("expected I/N with 0 ≤ I < N"), "{bad}: {err}");
        }
        let s = Shard { index: 1, count: 3 };
        let mine: Vec<usize> = (0..8).filter(|&p| s.has(p)).collect();
        assert_eq!(mine, [1, 4, 7]);
    }
}
