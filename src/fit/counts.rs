//! Reading arrival counts: a CSV file with the columns `interval_start,calls`, one row per
//! interval, timestamps `YYYY-MM-DD HH:MM[:SS]`, counts whole and ≥ 0.

use super::{FitError, Timestamp, parse_timestamp, read_table};
use std::path::Path;

/// The calls that arrived in one interval of the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count {
    /// Line of the file it was read from.
    pub line: u64,
    /// Start of the interval.
    pub start: Timestamp,
    /// Calls that arrived in it.
    pub calls: u64,
}

/// Reads a counts file; every bad field is an error naming the file, line and column.
pub fn read_counts(path: &Path) -> Result<Vec<Count>, FitError> {
    let table = read_table(path, &["interval_start", "calls"])?;
    let mut counts = Vec::with_capacity(table.rows.len());
    for (line, record) in &table.rows {
        let (col, text) = table.field(record, 0);
        let start = parse_timestamp(text)
            .map_err(|m| FitError::field(path, *line, col, "interval_start", m.to_string()))?;
        let (col, text) = table.field(record, 1);
        let calls = text.parse::<u64>().map_err(|_| {
            FitError::field(
                path,
                *line,
                col,
                "calls",
                format!("expected a whole number of calls ≥ 0, got \"{text}\""),
            )
        })?;
        counts.push(Count {
            line: *line,
            start,
            calls,
        });
    }
    Ok(counts)
}
