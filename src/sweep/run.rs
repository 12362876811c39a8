//! Running a sweep: every (point × replication) is one task on the current rayon pool.
//!
//! Workers take tasks in order from a shared queue, so points finish roughly in order and
//! no worker waits for a slow chunk to end. Each replication is folded into its point's
//! streaming tally ([`crate::simulate::ScenarioTally`]) in replication order (one that
//! finishes ahead of an earlier one waits for it), so the result does not depend on the
//! number of threads and memory does not grow with the replications; when the last is in,
//! the point's file is written at once: a killed sweep loses only the points in flight.
//!
//! A point whose scenario asks for a precision (the base's `[precision]`) runs in batches,
//! as `run` does: when a batch is folded, its half-widths decide whether the point is done
//! or how many replications the next batch brings, whose tasks go to the front of the queue.
//! The decision reads only the replications folded in order, so the same seed and targets
//! give the same replications and bytes for any threads, and a resumed sweep runs a point
//! again to the same end.

use super::SweepError;
use super::spec::Sweep;
use super::store::{self, Manifest, PointRecord};
use crate::simulate::{Batches, ReplicationKpis, ScenarioTally, replication_kpis};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

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
    /// only then; a shard's folder is combined with the others by [`super::merge`]).
    pub table: Option<PathBuf>,
}

/// One point's replications folded in replication order as they finish (those that finish
/// ahead of an earlier one wait beside it: tasks are handed out in order, so only a few).
struct Pending {
    tally: ScenarioTally,
    next: u64,
    ahead: std::collections::BTreeMap<u64, ReplicationKpis>,
    /// The replications the point runs so far: all of them, or (to a precision) the end of
    /// its current batch.
    batches: Batches,
}

/// What is left to run: the tasks (slot, replication) in the order they are taken, and the
/// points not yet written (a point to a precision may add tasks when a batch is folded).
struct Queue {
    tasks: VecDeque<(usize, u64)>,
    open_points: usize,
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
    let slots: Vec<Mutex<Pending>> = pending
        .iter()
        .map(|&p| {
            let scenario = &sweep.points[p].scenario;
            Mutex::new(Pending {
                tally: ScenarioTally::new(scenario),
                next: 0,
                ahead: std::collections::BTreeMap::new(),
                batches: Batches::of(scenario),
            })
        })
        .collect();
    let tasks: VecDeque<(usize, u64)> = slots
        .iter()
        .enumerate()
        .flat_map(|(slot, p)| {
            let limit = p.lock().map_or(0, |p| p.batches.limit);
            (0..limit).map(move |r| (slot, r))
        })
        .collect();
    let any_task = !tasks.is_empty();
    let stop = AtomicBool::new(false);
    let failure: Mutex<Option<SweepError>> = Mutex::new(None);
    let queue = Mutex::new(Queue {
        tasks,
        open_points: pending.len(),
    });
    let changed = Condvar::new();
    // the next task, waiting while every task is taken but a point may still add some
    let take = || {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(task) = q.tasks.pop_front() {
                return Some(task);
            }
            if q.open_points == 0 {
                return None;
            }
            q = changed.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    };
    let fail = |e: SweepError| {
        stop.store(true, Ordering::Relaxed);
        failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(e);
        let _held = queue.lock();
        changed.notify_all();
    };

    let points_done = AtomicUsize::new(resumed);
    let calls = AtomicU64::new(0);
    let worker = || {
        while let Some((slot, rep)) = take() {
            let point = &sweep.points[pending[slot]];
            let kpis = match replication_kpis(&point.scenario, rep) {
                Ok(kpis) => kpis,
                Err(e) => {
                    fail(e.into());
                    break;
                }
            };
            let mut all_calls = calls.fetch_add(kpis.calls, Ordering::Relaxed) + kpis.calls;
            let (finished, more) = {
                let mut p = slots[slot].lock().unwrap_or_else(|e| e.into_inner());
                p.ahead.insert(rep, kpis);
                while let Some(kpis) = {
                    let next = p.next;
                    p.ahead.remove(&next)
                } {
                    p.tally.add(&kpis);
                    p.next += 1;
                }
                let p = &mut *p;
                let before = p.batches.limit;
                if !p.batches.settled && p.next == before {
                    // a batch all in: precise enough (or at the maximum), else the next
                    p.batches.decide(&mut p.tally);
                }
                let finished = (p.batches.settled && p.next == p.batches.limit)
                    .then(|| std::mem::replace(&mut p.tally, ScenarioTally::new(&point.scenario)));
                (finished, before..p.batches.limit)
            };
            if !more.is_empty() {
                let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                for r in more.rev() {
                    q.tasks.push_front((slot, r));
                }
                changed.notify_all();
            }
            let mut now_done = points_done.load(Ordering::Relaxed);
            if let Some(tally) = finished {
                let result = tally.finish(&point.scenario);
                let record = PointRecord::new(sweep, point.index, &result);
                if let Err(e) = store::write_point(&dir, &record) {
                    fail(e);
                    break;
                }
                now_done = points_done.fetch_add(1, Ordering::Relaxed) + 1;
                all_calls = calls.load(Ordering::Relaxed);
                let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                q.open_points -= 1;
                changed.notify_all();
            }
            progress(Progress {
                points_done: now_done,
                points_total: in_shard.len(),
                calls: all_calls,
            });
        }
    };
    progress(Progress {
        points_done: resumed,
        points_total: in_shard.len(),
        calls: 0,
    });
    rayon::scope(|s| {
        let workers = if any_task {
            rayon::current_num_threads()
        } else {
            0
        };
        for _ in 0..workers {
            s.spawn(|_| worker());
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }

    let stored = store::read_points(&dir, &manifest)?;
    let table = if stored.len() == manifest.points.len() {
        Some(store::write_tables(&dir, &manifest, &stored)?)
    } else {
        None
    };
    Ok(RunSummary {
        dir,
        points_in_shard: in_shard.len(),
        points_resumed: resumed,
        points_run: pending.len(),
        calls: calls.into_inner(),
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
