//! Scenario files: TOML read with serde (`raw`), checked and turned into a validated
//! [`Scenario`] ([`validate`]), with problems that name the file, line and key
//! ([`Diagnostic`]). Dotted-key overrides of a file (sweep axes, serve's what-ifs) are
//! [`overlay`]s.

pub mod deserialize;
pub mod diagnostic;
pub mod duration;
pub mod overlay;
pub mod plausible;
pub(crate) mod raw;
pub mod validate;

pub use diagnostic::Diagnostic;

use crate::model::Scenario;
use std::path::Path;

/// Reads and validates the scenario file at `path`; on failure, every problem found.
pub fn load(path: &Path) -> Result<Scenario, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let text = crate::input::read_toml(path).map_err(|e| {
        vec![Diagnostic::whole_file(
            &file,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let mut scenario = parse(&text, &file, &validate::base_dir_of(path), &default_name)?;
    scenario.source = Some(path.to_path_buf());
    Ok(scenario)
}

/// Validates scenario `text` (named `file` in messages; relative paths are taken from
/// `base_dir`; `default_name` is used when the file sets no `name`).
pub fn parse(
    text: &str,
    file: &str,
    base_dir: &Path,
    default_name: &str,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut read = deserialize::read::<raw::RawScenario>(text, file);
    let Some(raw) = read.value.take() else {
        return Err(Diagnostic::capped(read.problems));
    };
    let validated = validate::validate(raw, text, file, base_dir, default_name);
    if read.problems.is_empty() {
        return validated.map_err(Diagnostic::capped);
    }
    // problems stepped over, and validation's except those echoing them, in file order
    if let Err(more) = validated {
        let fresh: Vec<Diagnostic> = more.into_iter().filter(|d| !read.echoes(&d.key)).collect();
        read.problems.extend(fresh);
    }
    let mut problems = read.problems;
    problems.sort_by_key(|d| (d.line, d.column));
    Err(Diagnostic::capped(problems))
}

/// The dotted key written at byte `offset` of a TOML text: the section header above it plus
/// the key on its line (for errors that serde reports without a key).
pub(crate) fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    let line = if line.starts_with('#') { "" } else { line };
    // `[section]` or `[[section]]`, perhaps followed by a comment
    let header = |l: &str| {
        let inner = l.trim().strip_prefix('[')?;
        let inner = inner.strip_prefix('[').unwrap_or(inner);
        inner
            .split_once(']')
            .map(|(name, _)| name.trim().to_string())
    };
    if let Some(h) = header(line) {
        return h;
    }
    let key = line
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    let section = text[..line_start].lines().rev().find_map(header);
    match section {
        Some(s) if !key.is_empty() => format!("{s}.{key}"),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests;
