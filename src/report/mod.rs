//! Result files per scenario: `summary.json`, `intervals.csv`, `waits.csv` and a copy of the
//! scenario file (`scenario.toml`), from which charts and pages can be rebuilt without
//! simulating again. Reads results, never runs simulations. Every file is written whole or
//! not at all (temporary file, then rename).

pub mod charts;
pub mod compare;
mod csv;
pub mod html;
mod json;
pub mod load;
pub mod pages;
pub mod trace;

pub use self::csv::{
    csv_bytes, csv_number, groups_csv, handled_csv, intervals_csv, types_csv, waits_csv,
};
pub use json::{Summary, summary_json};

use crate::simulate::ScenarioResult;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: to a temporary file beside it, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Writes `OUT/<name>/summary.json`, `intervals.csv`, `waits.csv` and `scenario.toml` (and
/// for several call types `types.csv`, `groups.csv` and `handled.csv`); returns the folder.
pub fn write_scenario(out: &Path, result: &ScenarioResult) -> io::Result<PathBuf> {
    let dir = out.join(&result.scenario.name);
    std::fs::create_dir_all(&dir)?;
    let mut json = serde_json::to_vec_pretty(&summary_json(result)).map_err(io::Error::other)?;
    json.push(b'\n');
    write_atomic(&dir.join("summary.json"), &json)?;
    write_atomic(&dir.join("intervals.csv"), &intervals_csv(result)?)?;
    write_atomic(&dir.join("waits.csv"), &waits_csv(result)?)?;
    if let Some(skills) = &result.skills {
        write_atomic(&dir.join("types.csv"), &types_csv(result, skills)?)?;
        write_atomic(&dir.join("groups.csv"), &groups_csv(result, skills)?)?;
        write_atomic(&dir.join("handled.csv"), &handled_csv(skills)?)?;
    }
    if let Some(source) = &result.scenario.source {
        write_atomic(&dir.join("scenario.toml"), &std::fs::read(source)?)?;
    }
    Ok(dir)
}
