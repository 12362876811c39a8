//! Reading saved results back: a scenario folder (`summary.json`, `intervals.csv`,
//! `waits.csv`, `scenario.toml`) and a sweep table (`sweep.csv`). Charts and pages are drawn
//! from these files only, so `callsim report DIR` rebuilds exactly what `run` wrote.
//!
//! Everything here reads files a user may have edited: every problem is an `io::Error` whose
//! message names the file (and the row and column where it applies), never a panic. KPI lists
//! are never fixed: whatever KPIs the files hold are read, in file order.

use super::{intervals_csv, summary_json};
use crate::simulate::ScenarioResult;
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A KPI value: mean over replications and 95% confidence half-width (NaN where undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over replications; NaN when undefined (JSON null, empty CSV cell).
    pub mean: f64,
    /// 95% half-width; NaN when undefined.
    pub ci95: f64,
}

impl Estimate {
    /// A simulated mean and its 95% half-width; NaN when there is none.
    pub fn of(v: Option<crate::stats::MeanCi>) -> Self {
        v.map_or(
            Estimate {
                mean: f64::NAN,
                ci95: f64::NAN,
            },
            |v| Estimate {
                mean: v.mean,
                ci95: v.ci95,
            },
        )
    }

    /// The mean, if defined.
    pub fn value(self) -> Option<f64> {
        self.mean.is_finite().then_some(self.mean)
    }

    /// The half-width, or 0 when undefined (a band of no width).
    pub fn half_width(self) -> f64 {
        if self.ci95.is_finite() {
            self.ci95
        } else {
            0.0
        }
    }
}

/// One bucket of the pooled wait histogram (`waits.csv`): waits in `[from_s, to_s)`;
/// `from_s == to_s == 0` counts waits of exactly 0 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitBucket {
    /// Lower bound, seconds.
    pub from_s: f64,
    /// Upper bound, seconds.
    pub to_s: f64,
    /// Answered calls whose wait fell in the bucket (all replications pooled).
    pub calls: u64,
}

/// A CSV file kept as text: header and rows, with typed access that reports bad cells.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// The file it was read from (for error messages).
    pub path: PathBuf,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of cells, each as long as `columns`.
    pub rows: Vec<Vec<String>>,
}

/// An error about `path`.
pub(crate) fn file_error(path: &Path, message: impl fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {message}", path.display()),
    )
}

fn read_text(path: &Path) -> io::Result<String> {
    crate::input::read_csv_text(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))
}

impl CsvTable {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> io::Result<Self> {
        Self::parse(path, &read_text(path)?)
    }

    /// Parses CSV `text` read from `path`.
    pub fn parse(path: &Path, text: &str) -> io::Result<Self> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| file_error(path, e))?
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| file_error(path, e))?;
            rows.push(record.iter().map(|c| c.trim().to_string()).collect());
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            columns,
            rows,
        })
    }

    /// The position of column `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The text cells of column `name`, if there is one.
    pub fn texts(&self, name: &str) -> Option<Vec<&str>> {
        let i = self.index(name)?;
        Some(self.rows.iter().map(|r| r[i].as_str()).collect())
    }

    /// The numbers of column `i` (empty cells are NaN); an error names the bad cell.
    pub fn numbers_at(&self, i: usize) -> io::Result<Vec<f64>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let cell = row[i].as_str();
                if cell.is_empty() {
                    return Ok(f64::NAN);
                }
                cell.parse::<f64>().map_err(|_| {
                    file_error(
                        &self.path,
                        format!(
                            "row {}, column `{}`: `{cell}` is not a number",
                            r + 2,
                            self.columns[i]
                        ),
                    )
                })
            })
            .collect()
    }

    /// The numbers of column `name`, if there is one.
    pub fn numbers(&self, name: &str) -> io::Result<Option<Vec<f64>>> {
        self.index(name).map(|i| self.numbers_at(i)).transpose()
    }

    /// The KPI columns: every column `X` directly followed by `X_ci95`, in file order.
    pub fn kpi_columns(&self) -> Vec<&str> {
        self.columns
            .windows(2)
            .filter(|w| w[1] == format!("{}_ci95", w[0]))
            .map(|w| w[0].as_str())
            .collect()
    }

    /// Mean and half-width of KPI `name` in every row, if the table has that KPI.
    pub fn estimates(&self, name: &str) -> io::Result<Option<Vec<Estimate>>> {
        let (Some(means), Some(cis)) =
            (self.numbers(name)?, self.numbers(&format!("{name}_ci95"))?)
        else {
            return Ok(None);
        };
        Ok(Some(
            means
                .into_iter()
                .zip(cis)
                .map(|(mean, ci95)| Estimate { mean, ci95 })
                .collect(),
        ))
    }
}

/// The saved results of one scenario, as read back from its folder.
#[derive(Debug, Clone)]
pub struct SavedResult {
    /// The folder `OUT/<name>/`.
    pub dir: PathBuf,
    /// Scenario name.
    pub name: String,
    /// Replications averaged.
    pub replications: u64,
    /// Seed.
    pub seed: u64,
    /// `working_day` or `steady_state` (empty when the summary does not say).
    pub kind: String,
    /// Service-level threshold, seconds (NaN when the summary does not say).
    pub threshold_s: f64,
    /// Whole-run KPIs, in file order.
    pub kpis: Vec<(String, Estimate)>,
    /// Per-interval KPIs (`intervals.csv`).
    pub intervals: CsvTable,
    /// Pooled wait histogram of answered calls (`waits.csv`; empty when the file is absent).
    pub waits: Vec<WaitBucket>,
    /// The scenario file as run (`scenario.toml`), when it was saved.
    pub scenario_toml: Option<String>,
    /// `description` of the scenario file, when it has one.
    pub description: Option<String>,
    /// Service-level target (share), from the scenario file (80% when it does not say).
    pub target: f64,
}

impl SavedResult {
    /// The whole-run value of KPI `name`, if present.
    pub fn kpi(&self, name: &str) -> Option<Estimate> {
        self.kpis.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// `summary.json` as far as reports need it; unknown fields are ignored.
#[derive(Deserialize)]
struct RawSummary {
    scenario: String,
    replications: u64,
    seed: u64,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    service_level_threshold_s: Option<f64>,
    kpis: OrderedKpis,
}

#[derive(Deserialize)]
struct RawEstimate {
    mean: Option<f64>,
    ci95: Option<f64>,
}

/// The `kpis` object in document order (a map would sort it).
struct OrderedKpis(Vec<(String, Estimate)>);

impl<'de> Deserialize<'de> for OrderedKpis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedKpis;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of KPIs, each {\"mean\": .., \"ci95\": ..}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedKpis, A::Error> {
                let mut out = Vec::new();
                while let Some((name, v)) = map.next_entry::<String, RawEstimate>()? {
                    out.push((
                        name,
                        Estimate {
                            mean: v.mean.unwrap_or(f64::NAN),
                            ci95: v.ci95.unwrap_or(f64::NAN),
                        },
                    ));
                }
                Ok(OrderedKpis(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Service-level target when the scenario file does not give one (as in scenario validation).
const DEFAULT_TARGET: f64 = 0.8;

/// Reads the saved results in `dir` (a folder holding `summary.json`).
pub fn load_result(dir: &Path) -> io::Result<SavedResult> {
    let summary_path = dir.join("summary.json");
    let summary = read_text(&summary_path)?;
    let intervals = CsvTable::read(&dir.join("intervals.csv"))?;
    let waits_path = dir.join("waits.csv");
    let waits = if waits_path.exists() {
        read_waits(&waits_path)?
    } else {
        Vec::new()
    };
    let toml_path = dir.join("scenario.toml");
    let scenario_toml = if toml_path.exists() {
        Some(read_text(&toml_path)?)
    } else {
        None
    };
    assemble(
        dir,
        &summary_path,
        &summary,
        intervals,
        waits,
        scenario_toml,
    )
}

/// A result just simulated, as [`load_result`] would read it back from `summary.json` and
/// `intervals.csv` (without the wait histogram and the scenario file): for charts drawn
/// without writing files (the live what-if page).
pub fn from_memory(result: &ScenarioResult) -> io::Result<SavedResult> {
    let summary = serde_json::to_string(&summary_json(result)).map_err(io::Error::other)?;
    let intervals = CsvTable::parse(
        Path::new("intervals.csv"),
        &String::from_utf8_lossy(&intervals_csv(result)?),
    )?;
    let mut saved = assemble(
        Path::new(""),
        Path::new("summary.json"),
        &summary,
        intervals,
        Vec::new(),
        None,
    )?;
    saved.target = result.scenario.service_level.target;
    saved.description = Some(result.scenario.description.clone());
    Ok(saved)
}

/// A saved result from the text of its summary and its other parts.
fn assemble(
    dir: &Path,
    summary_path: &Path,
    summary: &str,
    intervals: CsvTable,
    waits: Vec<WaitBucket>,
    scenario_toml: Option<String>,
) -> io::Result<SavedResult> {
    let raw: RawSummary = serde_json::from_str(summary).map_err(|e| file_error(summary_path, e))?;
    for needed in ["start", "staffed_agents"] {
        if intervals.index(needed).is_none() {
            return Err(file_error(
                &intervals.path,
                format!("the column `{needed}` is missing"),
            ));
        }
    }
    // Tolerant look-ups: the schema grows, and a report must still open old results.
    let table: Option<toml::Table> = scenario_toml.as_deref().and_then(|t| t.parse().ok());
    let description = table
        .as_ref()
        .and_then(|t| t.get("description"))
        .and_then(|d| d.as_str())
        .map(str::to_string);
    let target = table
        .as_ref()
        .and_then(|t| t.get("service_level"))
        .and_then(|s| s.get("target"))
        .and_then(|t| t.as_float().or_else(|| t.as_integer().map(|i| i as f64)))
        .unwrap_or(DEFAULT_TARGET);
    Ok(SavedResult {
        dir: dir.to_path_buf(),
        name: raw.scenario,
        replications: raw.replications,
        seed: raw.seed,
        kind: raw.kind.unwrap_or_default(),
        threshold_s: raw.service_level_threshold_s.unwrap_or(f64::NAN),
        kpis: raw.kpis.0,
        intervals,
        waits,
        scenario_toml,
        description,
        target,
    })
}

/// Reads `waits.csv`: columns `wait_from_s, wait_to_s, calls`.
pub fn read_waits(path: &Path) -> io::Result<Vec<WaitBucket>> {
    let table = CsvTable::read(path)?;
    let column = |name: &str| {
        table
            .numbers(name)?
            .ok_or_else(|| file_error(path, format!("the column `{name}` is missing")))
    };
    let (from, to, calls) = (
        column("wait_from_s")?,
        column("wait_to_s")?,
        column("calls")?,
    );
    from.into_iter()
        .zip(to)
        .zip(calls)
        .enumerate()
        .map(|(r, ((from_s, to_s), calls))| {
            let ok = from_s >= 0.0 && to_s >= from_s && calls >= 0.0 && calls.fract() == 0.0;
            if ok {
                Ok(WaitBucket {
                    from_s,
                    to_s,
                    calls: calls as u64,
                })
            } else {
                Err(file_error(
                    path,
                    format!(
                        "row {}: expected 0 <= wait_from_s <= wait_to_s and a whole number of calls",
                        r + 2
                    ),
                ))
            }
        })
        .collect()
}

/// The sub-folders of `out` that hold saved scenario results (`summary.json`), by name.
pub fn result_dirs(out: &Path) -> io::Result<Vec<PathBuf>> {
    sub_dirs_with(out, "summary.json")
}

/// The sub-folders of `out` that hold a sweep table (`sweep.csv`), by name.
pub fn sweep_dirs(out: &Path) -> io::Result<Vec<PathBuf>> {
    sub_dirs_with(out, "sweep.csv")
}

fn sub_dirs_with(out: &Path, file: &str) -> io::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(out)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", out.display())))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry?;
        // a temporary sibling of an interrupted folder write is no result
        if entry
            .file_name()
            .to_str()
            .is_some_and(super::folder::is_temporary)
        {
            continue;
        }
        let path = entry.path();
        if path.is_dir() && path.join(file).is_file() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}
