//! Combining the folders of sweep shards (each `OUT/<sweep>/` of a `--shard I/N` run) into
//! one folder with every point file and the tables, identical to those of an unsharded run.

use super::SweepError;
use super::store::{self, MANIFEST, Manifest, StoredPoint};
use crate::report::write_atomic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a merge found and wrote.
#[derive(Debug, Clone)]
pub struct MergeReport {
    /// The merged sweep folder, `OUT/<sweep>/`.
    pub dir: PathBuf,
    /// The manifest the shards share.
    pub manifest: Manifest,
    /// Sweep folders read.
    pub folders: Vec<PathBuf>,
    /// Points found.
    pub points_present: usize,
    /// Points no folder holds, in index order.
    pub missing: Vec<usize>,
    /// The `sweep.csv` written (of the points present).
    pub table: PathBuf,
    /// The points present that stopped at their maximum of replications before every KPI
    /// was as precise as asked (a sweep run to a precision), by point.
    pub short_of_precision: Vec<store::ShortOfPrecision>,
}

/// The sweep folders an argument names: itself if it holds a manifest, else its
/// sub-folders that do (so that `shards/` and `shards/3/my-sweep/` both work).
pub fn sweep_folders(input: &Path) -> Result<Vec<PathBuf>, SweepError> {
    if input.join(MANIFEST).is_file() {
        return Ok(vec![input.to_path_buf()]);
    }
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(input) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.join(MANIFEST).is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(SweepError::NotASweep {
            path: input.to_path_buf(),
        });
    }
    Ok(found)
}

/// Merges the sweep folders named by `inputs` into `out/<sweep>/`: copies every point file
/// and writes `sweep.csv` and `sweep.json` of the points present. All folders must hold the
/// same sweep (equal manifests); a point found twice must have the same bytes. A
/// destination folder of the same sweep counts as one more input.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<MergeReport, SweepError> {
    let mut folders = Vec::new();
    for input in inputs {
        folders.extend(sweep_folders(input)?);
    }
    let mut manifest: Option<(Manifest, PathBuf)> = None;
    let mut points: BTreeMap<usize, StoredPoint> = BTreeMap::new();
    for folder in &folders {
        let Some(m) = store::read_manifest(folder)? else {
            return Err(SweepError::NotASweep {
                path: folder.clone(),
            });
        };
        if let Some((first, first_dir)) = &manifest
            && *first != m
        {
            return Err(SweepError::Mismatch {
                dir: folder.clone(),
                message: format!(
                    "it holds sweep \"{}\" (fingerprint {}, callsim {}), but {} holds sweep \
                     \"{}\" (fingerprint {}, callsim {}); merge only the shards of one run of \
                     one sweep file",
                    m.sweep,
                    m.fingerprint,
                    m.callsim_version,
                    first_dir.display(),
                    first.sweep,
                    first.fingerprint,
                    first.callsim_version
                ),
            });
        }
        for (point, stored) in store::read_points(folder, &m)? {
            match points.get(&point) {
                Some(seen) if seen.bytes != stored.bytes => {
                    // the two files are named, neither blamed: either may be the damaged one
                    return Err(SweepError::Mismatch {
                        dir: stored.path.clone(),
                        message: format!(
                            "point {point} differs from the same point in {}: one of the two \
                             files is damaged, or the shards were not run from the same sweep \
                             and callsim build; remove the wrong one (its point is run again \
                             with --resume)",
                            seen.path.display()
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    points.insert(point, stored);
                }
            }
        }
        manifest.get_or_insert((m, folder.clone()));
    }
    let Some((manifest, _)) = manifest else {
        return Err(SweepError::NotASweep {
            path: out.to_path_buf(),
        });
    };

    let dir = out.join(&manifest.sweep);
    let existing = store::read_manifest(&dir).unwrap_or(None);
    if existing.as_ref() != Some(&manifest) {
        store::remove_points(&dir, |_| true)?;
    }
    store::write_manifest(&dir, &manifest)?;
    for (&point, stored) in &points {
        let target = store::point_path(&dir, point);
        let same_file = match (target.canonicalize(), stored.path.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same_file {
            write_atomic(&target, &stored.bytes).map_err(|e| SweepError::Io {
                path: target.clone(),
                error: e,
            })?;
        }
    }
    let merged = store::read_points(&dir, &manifest)?;
    let table = store::write_tables(&dir, &manifest, &merged)?;
    let missing = (0..manifest.points.len())
        .filter(|p| !merged.contains_key(p))
        .collect();
    let short_of_precision =
        store::short_of_precision(&manifest, merged.values().map(|p| &p.record));
    Ok(MergeReport {
        dir,
        short_of_precision,
        points_present: merged.len(),
        manifest,
        folders,
        missing,
        table,
    })
}
