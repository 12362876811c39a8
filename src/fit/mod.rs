//! Fitting scenario sections to real data (`callsim fit`): arrival counts per interval give
//! the intraday profile, day-of-week factors and the day-level busyness factor
//! ([`arrivals`]); a call-by-call log gives the handle-time distribution ([`mle`]) and the
//! patience distribution, seen only through censored waits ([`survival`]). [`write`](mod@write) turns
//! the fits into `[time]`, `[arrivals]`, `[handle_time]` and `[patience]` sections.
//!
//! Input files are read by [`counts`] and [`calls`]; bad data is a [`FitError`] naming the
//! file, the line and the column.

pub mod arrivals;
pub mod calls;
pub mod counts;
pub mod mle;
pub mod survival;
mod time;
pub mod write;

pub use time::{Timestamp, TimestampError, parse_timestamp};

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with an input file of `callsim fit`: where it is, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct FitError {
    /// The file.
    pub path: PathBuf,
    /// Line in the file (1 = the header), when the problem is on one line.
    pub line: Option<u64>,
    /// Column (1-based) and its name, when the problem is in one field.
    pub column: Option<(usize, String)>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl FitError {
    /// A problem with the file as a whole.
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        FitError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem on line `line`.
    pub fn line(path: &Path, line: u64, message: impl Into<String>) -> Self {
        FitError {
            line: Some(line),
            ..FitError::file(path, message)
        }
    }

    /// A problem in column `column` (1-based, named `name`) of line `line`.
    pub fn field(
        path: &Path,
        line: u64,
        column: usize,
        name: &str,
        message: impl Into<String>,
    ) -> Self {
        FitError {
            column: Some((column, name.to_string())),
            ..FitError::line(path, line, message)
        }
    }
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((column, name)) = &self.column {
            write!(f, ": column {column} ({name})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FitError {}

/// The rows of a CSV file with a header, each as (line number, fields), and the position of
/// each of the `wanted` columns (found by name, case-insensitively, in any order).
struct Table {
    /// Index of each wanted column in a row.
    columns: Vec<usize>,
    /// `(line, fields)` of every data row.
    rows: Vec<(u64, csv::StringRecord)>,
}

/// Reads `path` as CSV with a header line naming (at least) the `wanted` columns.
fn read_table(path: &Path, wanted: &[&str]) -> Result<Table, FitError> {
    let bytes = crate::input::read_limited(path, crate::input::MAX_CSV_BYTES, "CSV")
        .map_err(|e| FitError::file(path, format!("cannot read: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(&bytes))
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes.as_slice());
    // the csv crate counts a CRLF line end as no line: lines are counted here, from the
    // byte offset of each record (any of LF, CRLF and CR ends a line)
    let lines = LineCounter::new(&bytes);
    let csv_error = |e: csv::Error| {
        let line = e.position().map(|p| lines.line_at(p.byte()));
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("expected {expected_len} fields like the header, found {len}")
            }
            csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8".to_string(),
            _ => format!("not readable as CSV: {e}"),
        };
        match line {
            Some(line) => FitError::line(path, line, message),
            None => FitError::file(path, message),
        }
    };
    let header = reader.headers().map_err(csv_error)?.clone();
    let mut columns = Vec::with_capacity(wanted.len());
    for name in wanted {
        let found = header.iter().position(|h| h.eq_ignore_ascii_case(name));
        match found {
            Some(i) => columns.push(i),
            None => {
                return Err(FitError::line(
                    path,
                    1,
                    format!(
                        "no column \"{name}\" in the header; expected the columns {}",
                        wanted.join(",")
                    ),
                ));
            }
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record));
    }
    if rows.is_empty() {
        return Err(FitError::file(path, "no data rows after the header"));
    }
    Ok(Table { columns, rows })
}

/// The field separator of a CSV file, read from its header line: `;` (as spreadsheets write
/// where the comma is the decimal mark) or a tab when the header has more of them than
/// commas, else `,`.
fn delimiter_of(bytes: &[u8]) -> u8 {
    let header = bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .next()
        .unwrap_or(&[]);
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    [b';', b'\t']
        .into_iter()
        .filter(|&d| count(d) > count(b','))
        .max_by_key(|&d| count(d))
        .unwrap_or(b',')
}

/// Most relative 95% half-width (of a fitted mean, or of the busyness cv) before `fit` warns
/// that its sample is too small to trust.
pub const MAX_TRUSTED_HALF_WIDTH: f64 = 0.2;

/// Fewest observations behind an estimate before `fit` warns, whatever its half-width (with
/// very few, the half-width itself cannot be trusted).
pub const MIN_TRUSTED_SAMPLE: usize = 30;

/// A warning when `what` (value `value`, 95% half-width `ci95`) rests on fewer than
/// [`MIN_TRUSTED_SAMPLE`] `unit`, or is known only to more than [`MAX_TRUSTED_HALF_WIDTH`]
/// of itself.
fn imprecise(what: &str, value: f64, ci95: f64, n: usize, unit: &str) -> Option<String> {
    let relative = ci95 / value.abs();
    let precision = if relative.is_finite() {
        format!("known to ±{:.0}% (95% CI)", relative * 100.0)
    } else {
        "its precision unknown".to_string()
    };
    let trusted = n >= MIN_TRUSTED_SAMPLE && relative <= MAX_TRUSTED_HALF_WIDTH; // NaN: not
    (!trusted).then(|| {
        format!("{what} rests on {n} {unit}, {precision}: more data is needed to trust it")
    })
}

/// Line numbers (1-based) of byte offsets in a text: LF, CRLF and a lone CR each end a line.
/// Offsets asked in increasing order cost one pass over the text in all.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// The last offset asked and its line.
    at: std::cell::Cell<(usize, u64)>,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: std::cell::Cell::new((0, 1)),
        }
    }

    /// The line holding byte `offset`.
    fn line_at(&self, offset: u64) -> u64 {
        let bytes = self.bytes;
        let mut offset = usize::try_from(offset).map_or(bytes.len(), |o| o.min(bytes.len()));
        // the csv crate places a record where it began reading: before the blank lines it
        // skipped, and after a CRLF at its LF
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        let (mut from, mut line) = self.at.get();
        if offset < from {
            (from, line) = (0, 1);
        }
        line += (from..offset)
            .filter(|&i| {
                bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            })
            .count() as u64;
        self.at.set((offset, line));
        line
    }
}

impl Table {
    /// Field `k` of the wanted columns in `record`, with its 1-based column number.
    fn field<'r>(&self, record: &'r csv::StringRecord, k: usize) -> (usize, &'r str) {
        let i = self.columns[k];
        (i + 1, record.get(i).unwrap_or(""))
    }
}

#[cfg(test)]
mod line_tests {
    use super::LineCounter;

    #[test]
    fn lines_count_lf_crlf_and_cr() {
        let text = b"a\r\nb\nc\rd\r\n";
        let lines = LineCounter::new(text);
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2); // the LF of CRLF, where the csv crate puts b
        assert_eq!(lines.line_at(4), 3); // before c: where it would be after a skipped blank line
        assert_eq!(lines.line_at(3), 2); // b
        assert_eq!(lines.line_at(5), 3); // c
        assert_eq!(lines.line_at(7), 4); // d
        assert_eq!(lines.line_at(3), 2); // asked again, from the start
    }
}
