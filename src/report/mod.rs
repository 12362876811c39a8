//! Result files per scenario: `summary.json`, `intervals.csv`, `waits.csv` and a copy of the
//! scenario file (`scenario.toml`), from which charts and pages can be rebuilt without
//! simulating again. Reads results, never runs simulations. Every file is written whole or
//! not at all (temporary file, then rename).

pub mod charts;
pub mod compare;
mod csv;
pub mod folder;
pub mod html;
mod json;
pub mod load;
pub mod pages;
pub mod trace;

pub use self::csv::{
    csv_bytes, csv_number, days_csv, groups_csv, handled_csv, intervals_csv, types_csv, waits_csv,
};
pub use json::{PrecisionJson, PrecisionKpiJson, Summary, summary_json};

use crate::simulate::ScenarioResult;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: to a temporary file beside it, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    refuse_special(path, false)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    // a stale temporary (or anything planted there) is removed, never written through
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| io::Write::write_all(&mut f, bytes));
    written
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// Refuses an existing `path` that is not a regular file (a folder when `folder`): a
/// symlink, a FIFO, a device or a socket is not replaced.
pub fn refuse_special(path: &Path, folder: bool) -> io::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // absent: it is created
    };
    let kind = meta.file_type();
    if (folder && kind.is_dir()) || (!folder && kind.is_file()) {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_file() {
        "a file"
    } else {
        "a special file (FIFO, device or socket)"
    };
    let expected = if folder { "a folder" } else { "a regular file" };
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} is {what}, not {expected}: callsim does not replace it; remove it or choose \
             another --out",
            path.display()
        ),
    ))
}

/// Writes `OUT/<name>/summary.json`, `intervals.csv`, `waits.csv` and `scenario.toml` (and
/// for several call types `types.csv`, `groups.csv` and `handled.csv`; for several days
/// `days.csv`); returns the folder.
/// The folder is written whole (see [`folder`]).
pub fn write_scenario(out: &Path, result: &ScenarioResult) -> io::Result<PathBuf> {
    write_scenario_with(out, result, None).map(|(dir, _)| dir)
}

/// [`write_scenario`], and with `charts` the scenario's charts and `report.html` too, in the
/// same whole folder; returns the folder and the saved result with its charts.
pub fn write_scenario_with(
    out: &Path,
    result: &ScenarioResult,
    charts: Option<pages::ReportOptions>,
) -> io::Result<(PathBuf, Option<pages::Drawn>)> {
    let name = &result.scenario.name;
    let (dir, drawn) = folder::write_whole(out, name, folder::Owner::Run, |dir| {
        write_results(dir, result)?;
        charts
            .map(|options| {
                let saved = load::load_result(dir)?;
                let figures = pages::write_scenario_report(&saved, options)?;
                Ok((saved, figures))
            })
            .transpose()
    })?;
    let drawn = drawn.map(|(mut saved, figures)| {
        saved.dir.clone_from(&dir);
        (saved, figures)
    });
    Ok((dir, drawn))
}

/// The result files of one scenario, into the (new) folder `dir`.
fn write_results(dir: &Path, result: &ScenarioResult) -> io::Result<()> {
    let mut json = serde_json::to_vec_pretty(&summary_json(result)).map_err(io::Error::other)?;
    json.push(b'\n');
    write_atomic(&dir.join("summary.json"), &json)?;
    write_atomic(&dir.join("intervals.csv"), &intervals_csv(result)?)?;
    write_atomic(&dir.join("waits.csv"), &waits_csv(result)?)?;
    if result.scenario.days > 1 {
        write_atomic(&dir.join("days.csv"), &days_csv(result)?)?;
    }
    if let Some(skills) = &result.skills {
        write_atomic(&dir.join("types.csv"), &types_csv(result, skills)?)?;
        write_atomic(&dir.join("groups.csv"), &groups_csv(result, skills)?)?;
        write_atomic(&dir.join("handled.csv"), &handled_csv(skills)?)?;
    }
    if let Some(source) = &result.scenario.source {
        write_atomic(
            &dir.join("scenario.toml"),
            crate::input::read_toml(source)?.as_bytes(),
        )?;
    }
    Ok(())
}
