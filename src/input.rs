//! Reading input files: every scenario, sweep, shift, sample and fit input is read here, with
//! a size limit, so that a huge file is a clear error naming it rather than exhausted memory.

use std::io::Read;
use std::path::Path;

/// Largest TOML input (scenario, sweep, shift rules), bytes: 16 MiB.
pub const MAX_TOML_BYTES: u64 = 16 * 1024 * 1024;

/// Largest CSV input (samples of an empirical distribution, call logs and counts for `fit`,
/// saved results), bytes: 1 GiB.
pub const MAX_CSV_BYTES: u64 = 1024 * 1024 * 1024;

/// An input file over its size limit (the `io::Error` of kind `FileTooLarge` carries it).
#[derive(Debug, thiserror::Error)]
#[error("the file is larger than {} MiB, the limit for {what} inputs", limit / (1024 * 1024))]
pub struct TooLarge {
    /// The limit, bytes.
    pub limit: u64,
    /// `TOML` or `CSV`.
    pub what: &'static str,
}

/// The bytes of `path`, at most `limit` of them (else an error of kind `FileTooLarge`).
/// Reads no more than `limit + 1` bytes whatever the file is (a FIFO or a device too).
pub fn read_limited(path: &Path, limit: u64, what: &'static str) -> std::io::Result<Vec<u8>> {
    let too_large =
        || std::io::Error::new(std::io::ErrorKind::FileTooLarge, TooLarge { limit, what });
    let file = std::fs::File::open(path)?;
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > limit)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A TOML input file as text (at most [`MAX_TOML_BYTES`], UTF-8).
pub fn read_toml(path: &Path) -> std::io::Result<String> {
    text(read_limited(path, MAX_TOML_BYTES, "TOML")?)
}

/// A CSV input file as text (at most [`MAX_CSV_BYTES`], UTF-8).
pub fn read_csv_text(path: &Path) -> std::io::Result<String> {
    text(read_limited(path, MAX_CSV_BYTES, "CSV")?)
}

fn text(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}
