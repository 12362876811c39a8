//! A scenario's output folder, written whole or not at all.
//!
//! A command writes its files into a fresh temporary sibling folder, then swaps it in: the
//! old folder is renamed away, the new one renamed in, the old one removed. A kill at any
//! moment leaves the old complete folder or the new complete one (or, in the instant
//! between the two renames, neither, the old one kept aside), never a folder mixing two
//! runs; what is left behind is a temporary sibling (`.<name>.callsim-new-<pid>` or
//! `.<name>.callsim-old-<pid>`), which the next write of that folder removes and reports
//! ignore.
//!
//! Several commands share `OUT/<name>/` (`run`, `plan`, `roster`): each owns its own files
//! (see [`Owner`]), and the files of the others (and anything else found there) are carried
//! into the new folder by hard links (copies where the file system has none), untouched.

use super::refuse_special;
use std::io;
use std::path::{Path, PathBuf};

/// The command whose files a folder write replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `callsim run`: results, the scenario copy, charts and `report.html`.
    Run,
    /// `callsim plan`: `plan.csv`, `plan.json`, `plan.html`, `plan.svg`, `plan.png`,
    /// `cost_curve.csv`, `plan-groups.csv`, `plan-types.csv` and `<name>-planned.toml`.
    Plan,
    /// `callsim roster`: `roster.csv`, `coverage.csv`, `service.csv`, `roster.json` and the
    /// coverage charts; with `--agents`, `schedule.csv`, `shortfall.csv`, `schedule.json`,
    /// `schedule.html` and the schedule charts.
    Roster,
}

/// Charts `run` draws into a scenario's folder (each `.svg`, and `.png` when asked).
const RUN_CHARTS: [&str; 6] = [
    "day-profile",
    "waits",
    "cost-breakdown",
    "service-level-by-type",
    "occupancy-by-group",
    "handled-matrix",
];

impl Owner {
    /// Whether the file `file` of the folder of scenario `name` belongs to this command
    /// (and so is replaced, not carried over, by its next write).
    pub fn owns(self, name: &str, file: &str) -> bool {
        // a temporary left by an interrupted atomic write (`.<file>.tmp<pid>`)
        if file.starts_with('.') && file.contains(".tmp") {
            return true;
        }
        let chart = |stem: &str| {
            file.strip_suffix(".svg")
                .or_else(|| file.strip_suffix(".png"))
                .is_some_and(|s| s == stem)
        };
        match self {
            Owner::Run => {
                matches!(
                    file,
                    "summary.json"
                        | "intervals.csv"
                        | "days.csv"
                        | "waits.csv"
                        | "scenario.toml"
                        | "types.csv"
                        | "groups.csv"
                        | "handled.csv"
                        | "report.html"
                ) || RUN_CHARTS.iter().any(|s| chart(s))
            }
            Owner::Plan => {
                matches!(
                    file,
                    "plan.csv"
                        | "plan.json"
                        | "cost_curve.csv"
                        | "plan-groups.csv"
                        | "plan-types.csv"
                        | "plan.html"
                        | "plan.svg"
                        | "plan.png"
                ) || file == format!("{name}-planned.toml")
            }
            Owner::Roster => {
                matches!(
                    file,
                    "roster.csv"
                        | "coverage.csv"
                        | "service.csv"
                        | "roster.json"
                        | "schedule.csv"
                        | "shortfall.csv"
                        | "schedule.json"
                        | "schedule.html"
                ) || file
                    .strip_suffix(".svg")
                    .or_else(|| file.strip_suffix(".png"))
                    .is_some_and(|s| {
                        ["coverage", "schedule"].iter().any(|c| {
                            s == *c || s.strip_prefix(c).is_some_and(|r| r.starts_with('-'))
                        })
                    })
            }
        }
    }
}

/// Marks the temporary siblings of a folder: `.<name>.callsim-new-<pid>`, `...-old-<pid>`.
const MARK: &str = ".callsim-";

/// The longest part of a folder name kept in its temporary siblings' names (file names are
/// at most 255 bytes).
const NAME_PART: usize = 200;

/// Whether `file_name` is a temporary sibling left by an interrupted folder write.
pub fn is_temporary(file_name: &str) -> bool {
    file_name.starts_with('.') && temporary_of(file_name).is_some()
}

/// For a temporary sibling's name, the (shortened) folder name it belongs to and its pid.
fn temporary_of(file_name: &str) -> Option<(&str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let at = rest.rfind(MARK)?;
    let (name, tail) = (&rest[..at], &rest[at + MARK.len()..]);
    let pid = tail
        .strip_prefix("new-")
        .or_else(|| tail.strip_prefix("old-"))?;
    Some((name, pid.parse().ok()?))
}

/// `name` cut to at most [`NAME_PART`] bytes, at a character boundary.
fn name_part(name: &str) -> &str {
    let mut end = name.len().min(NAME_PART);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Whether process `pid` is alive (another run writing the same folder now); `false` where
/// that cannot be told.
fn alive(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes `path` whatever it is, never following a symlink.
fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the temporary siblings of `dir` left by interrupted writes (not those of a live
/// process).
fn remove_stale(parent: &Path, name: &str) -> io::Result<()> {
    let part = name_part(name);
    for entry in std::fs::read_dir(parent)? {
        let entry = entry?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        if let Some((owner, pid)) = temporary_of(file)
            && owner == part
            && !alive(pid)
        {
            remove_any(&entry.path()).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot remove the leftover {}: {e}", entry.path().display()),
                )
            })?;
        }
    }
    Ok(())
}

/// Hard-links (or copies) `from` to `to`.
fn carry(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}

/// Writes the folder `out/<name>` whole: `fill` writes `owner`'s files into a fresh
/// temporary folder, the other files of the existing folder are carried over, and the new
/// folder replaces the old. If `fill` fails, the old folder is left as it was. An existing
/// `out/<name>` that is not a folder, or whose file of `owner` is a symlink, FIFO or device,
/// is refused and left as it is. Returns the folder and what `fill` returned.
pub fn write_whole<T>(
    out: &Path,
    name: &str,
    owner: Owner,
    fill: impl FnOnce(&Path) -> io::Result<T>,
) -> io::Result<(PathBuf, T)> {
    let dir = out.join(name);
    refuse_special(&dir, true)?;
    let exists = dir.is_dir();
    if exists {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry
                .file_name()
                .to_str()
                .is_some_and(|f| owner.owns(name, f) && !f.starts_with('.'))
            {
                refuse_special(&entry.path(), false)?;
            }
        }
    }
    // a folder, or a symlink to one, is used as it is
    std::fs::create_dir_all(out).map_err(|e| {
        let why = if out.is_file() {
            "it is a file, not a folder".to_string()
        } else {
            e.to_string()
        };
        io::Error::new(
            e.kind(),
            format!("cannot make the output folder {}: {why}", out.display()),
        )
    })?;
    remove_stale(out, name)?;
    let part = name_part(name);
    let pid = std::process::id();
    let new = out.join(format!(".{part}{MARK}new-{pid}"));
    let old = out.join(format!(".{part}{MARK}old-{pid}"));
    remove_any(&new)?;
    std::fs::create_dir(&new)?;
    let filled = (|| {
        let value = fill(&new)?;
        if exists {
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let file = entry.file_name();
                let keep = file.to_str().is_none_or(|f| !owner.owns(name, f));
                let target = new.join(&file);
                if keep && std::fs::symlink_metadata(&target).is_err() {
                    if entry.file_type()?.is_dir() {
                        copy_tree(&entry.path(), &target)?;
                    } else {
                        carry(&entry.path(), &target)?;
                    }
                }
            }
        }
        Ok(value)
    })();
    let value = match filled {
        Ok(value) => value,
        Err(e) => {
            let _ = remove_any(&new);
            return Err(e);
        }
    };
    if exists {
        std::fs::rename(&dir, &old).inspect_err(|_| {
            let _ = remove_any(&new);
        })?;
    }
    if let Err(e) = std::fs::rename(&new, &dir) {
        if exists {
            let _ = std::fs::rename(&old, &dir);
        }
        let _ = remove_any(&new);
        return Err(e);
    }
    if exists {
        // the new folder is in place: a failure to remove the old one is only a leftover
        let _ = remove_any(&old);
    }
    Ok((dir, value))
}

/// Copies the folder `from` to `to` (files hard-linked where possible; symlinks as they are).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            carry(&entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_round_trip() {
        assert_eq!(
            temporary_of(".small-business.callsim-new-42"),
            Some(("small-business", 42))
        );
        assert_eq!(
            temporary_of(".a.callsim-b.callsim-old-7"),
            Some(("a.callsim-b", 7))
        );
        assert!(!is_temporary("small-business"));
        assert!(!is_temporary(".small-business.callsim-new-x"));
        let long = "é".repeat(200);
        assert!(name_part(&long).len() <= NAME_PART);
    }

    #[test]
    fn each_command_owns_its_files() {
        assert!(Owner::Run.owns("a", "summary.json"));
        assert!(Owner::Run.owns("a", "waits.png"));
        assert!(!Owner::Run.owns("a", "plan.csv"));
        assert!(!Owner::Run.owns("a", "coverage.svg"));
        assert!(Owner::Plan.owns("a", "a-planned.toml"));
        assert!(!Owner::Plan.owns("a", "b-planned.toml"));
        assert!(Owner::Roster.owns("a", "coverage-billing.svg"));
        assert!(!Owner::Roster.owns("a", "intervals.csv"));
        assert!(Owner::Roster.owns("a", ".roster.csv.tmp123"));
    }
}
