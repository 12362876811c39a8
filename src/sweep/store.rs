//! The results folder of a sweep, `OUT/<sweep>/`, and the tables built from it.
//!
//! ```text
//! OUT/<sweep>/manifest.json      what the sweep is: axes, every point's values, fingerprint
//! OUT/<sweep>/points/000007.json one file per finished point, written whole (temp + rename)
//! OUT/<sweep>/sweep.csv          one row per point: point, axis values, KPI means and _ci95
//! OUT/<sweep>/sweep.json         the same, as JSON
//! ```
//!
//! A point file is the only record of a point's result, and the tables are always built
//! from the point files (sorted by point), never from memory: an uninterrupted run, a
//! resumed one and a merge of shards therefore read the same bytes and write the same
//! tables. A killed process leaves at most a hidden temporary file, never half a point.

use super::SweepError;
use super::spec::Sweep;
use crate::report::{PrecisionJson, write_atomic};
use crate::simulate::ScenarioResult;
use crate::stats::Kpi;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name of the manifest inside a sweep folder.
pub const MANIFEST: &str = "manifest.json";
/// Folder of the point files inside a sweep folder.
pub const POINTS: &str = "points";

/// What a sweep folder holds results of: identical for every shard of one sweep, so that
/// folders can be checked to belong together before they are resumed or merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Sweep name (the folder's name).
    pub sweep: String,
    /// Version of callsim that wrote it (results of different versions are not mixed).
    pub callsim_version: String,
    /// `grid` or `zip`.
    pub mode: String,
    /// Fingerprint of every point's scenario (see [`Sweep::fingerprint`]).
    pub fingerprint: String,
    /// Axis keys, in file order.
    pub axes: Vec<String>,
    /// Every point's axis values (in axis order), indexed by point.
    pub points: Vec<Vec<serde_json::Value>>,
}

impl Manifest {
    /// The manifest of `sweep`.
    pub fn of(sweep: &Sweep) -> Self {
        Manifest {
            sweep: sweep.name.clone(),
            callsim_version: env!("CARGO_PKG_VERSION").into(),
            mode: sweep.mode.name().into(),
            fingerprint: sweep.fingerprint.clone(),
            axes: sweep.axes.iter().map(|a| a.key.clone()).collect(),
            points: sweep
                .points
                .iter()
                .map(|p| p.values.iter().map(json_of).collect())
                .collect(),
        }
    }

    /// `point 7 (staffing.agents = 5, patience.mean = "2m")`.
    pub fn describe(&self, point: usize) -> String {
        let values = self.points.get(point).map_or(String::new(), |values| {
            let shown: Vec<String> = self
                .axes
                .iter()
                .zip(values)
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            format!(" ({})", shown.join(", "))
        });
        format!("point {point}{values}")
    }
}

/// An axis value as JSON (TOML values map one to one; a non-finite float becomes null).
fn json_of(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// One KPI of a point: mean and 95% half-width over its replications (None where undefined).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredKpi {
    /// KPI name ([`Kpi::name`]).
    pub kpi: String,
    /// Mean over replications.
    pub mean: Option<f64>,
    /// 95% confidence half-width of the mean.
    pub ci95: Option<f64>,
}

/// The result of one point, as stored in `points/NNNNNN.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    /// Point index.
    pub point: usize,
    /// Fingerprint of the sweep it belongs to.
    pub sweep_fingerprint: String,
    /// Axis values, in axis order.
    pub values: Vec<serde_json::Value>,
    /// Seed of every random stream (the same for every point: common random numbers).
    pub seed: u64,
    /// Replications averaged.
    pub replications: u32,
    /// Calls simulated over all replications.
    pub calls_simulated: u64,
    /// Whole-run KPIs, in output order.
    pub kpis: Vec<StoredKpi>,
    /// Run to a precision: whether it was met, and each named KPI's half-width allowed and
    /// reached (`replications` is then the number it took). Absent for a fixed number of
    /// replications, so those point files are as they always were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionJson>,
}

impl PointRecord {
    /// The record of point `point` of `sweep`, from its simulation result.
    pub fn new(sweep: &Sweep, point: usize, result: &ScenarioResult) -> Self {
        let finite = |x: f64| x.is_finite().then_some(x);
        PointRecord {
            point,
            sweep_fingerprint: sweep.fingerprint.clone(),
            values: sweep.points[point].values.iter().map(json_of).collect(),
            seed: result.scenario.seed,
            replications: result.scenario.replications,
            calls_simulated: result.calls_simulated,
            kpis: result
                .total
                .iter()
                .map(|(kpi, v)| StoredKpi {
                    kpi: kpi.name().into(),
                    mean: finite(v.mean),
                    ci95: finite(v.ci95),
                })
                .collect(),
            precision: result.precision.as_ref().map(|reached| {
                let max = result
                    .scenario
                    .precision
                    .as_ref()
                    .map_or(reached.replications, |p| p.max_replications);
                PrecisionJson::of(reached, max)
            }),
        }
    }
}

/// A point run to a precision that stopped at its maximum of replications before every
/// named KPI was as precise as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortOfPrecision {
    /// The point and its axis values: `point 7 (staffing.agents = 5)`.
    pub point: String,
    /// Replications it ran (its maximum).
    pub replications: u32,
    /// The half-widths asked and reached.
    pub precision: PrecisionJson,
}

/// The points among `records` (of the sweep of `manifest`) that stopped short of their
/// precision, in the order given.
pub fn short_of_precision<'r>(
    manifest: &Manifest,
    records: impl IntoIterator<Item = &'r PointRecord>,
) -> Vec<ShortOfPrecision> {
    records
        .into_iter()
        .filter_map(|r| {
            let p = r.precision.as_ref().filter(|p| !p.met)?;
            Some(ShortOfPrecision {
                point: manifest.describe(r.point),
                replications: r.replications,
                precision: p.clone(),
            })
        })
        .collect()
}

/// The file of point `point` inside sweep folder `dir`.
pub fn point_path(dir: &Path, point: usize) -> PathBuf {
    dir.join(POINTS).join(format!("{point:06}.json"))
}

fn io_error(path: &Path, error: std::io::Error) -> SweepError {
    SweepError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes `record` into sweep folder `dir`, whole or not at all.
pub fn write_point(dir: &Path, record: &PointRecord) -> Result<(), SweepError> {
    let path = point_path(dir, record.point);
    let mut bytes = serde_json::to_vec(record).map_err(|e| io_error(&path, e.into()))?;
    bytes.push(b'\n');
    write_atomic(&path, &bytes).map_err(|e| io_error(&path, e))
}

/// Writes `manifest` into sweep folder `dir` (creating it and its `points/`).
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SweepError> {
    std::fs::create_dir_all(dir.join(POINTS)).map_err(|e| io_error(dir, e))?;
    let path = dir.join(MANIFEST);
    let mut bytes = serde_json::to_vec_pretty(manifest).map_err(|e| io_error(&path, e.into()))?;
    bytes.push(b'\n');
    write_atomic(&path, &bytes).map_err(|e| io_error(&path, e))
}

/// Reads the manifest of sweep folder `dir`; `None` if it has none.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, SweepError> {
    let path = dir.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SweepError::Corrupt {
                path,
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(&path, e)),
    }
}

/// The point index of a point file name (`000007.json` → 7).
fn point_of(name: &str) -> Option<usize> {
    name.strip_suffix(".json")?.parse().ok()
}

/// Removes the point files of sweep folder `dir` whose index satisfies `which`.
pub fn remove_points(dir: &Path, which: impl Fn(usize) -> bool) -> Result<(), SweepError> {
    for (point, path) in point_files(dir)? {
        if which(point) {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        }
    }
    Ok(())
}

/// The point files in sweep folder `dir`, with their point numbers (none when it has no
/// `points/` folder).
pub fn point_files(dir: &Path) -> Result<Vec<(usize, PathBuf)>, SweepError> {
    let points_dir = dir.join(POINTS);
    let entries = match std::fs::read_dir(&points_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&points_dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| io_error(&points_dir, e))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(point) = name.as_deref().and_then(point_of) {
            out.push((point, path));
        }
    }
    Ok(out)
}

/// A point file as read: its path, its bytes and its record.
#[derive(Debug, Clone)]
pub struct StoredPoint {
    /// Where it was read.
    pub path: PathBuf,
    /// The file's bytes (copied as they are by a merge).
    pub bytes: Vec<u8>,
    /// The parsed record.
    pub record: PointRecord,
}

/// Every point file of sweep folder `dir` (belonging to `manifest`), by point. Removes the
/// temporary files a killed process may have left.
pub fn read_points(
    dir: &Path,
    manifest: &Manifest,
) -> Result<BTreeMap<usize, StoredPoint>, SweepError> {
    let points_dir = dir.join(POINTS);
    let entries = match std::fs::read_dir(&points_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io_error(&points_dir, e)),
    };
    let mut out = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| io_error(&points_dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') && name.contains(".tmp") {
            // Left by a process killed between writing and renaming: not a result.
            let _ = std::fs::remove_file(&path);
            continue;
        }
        let Some(point) = point_of(&name) else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
        let corrupt = |message: String| SweepError::Corrupt {
            path: path.clone(),
            message,
        };
        let record: PointRecord =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
        if record.point != point || point >= manifest.points.len() {
            return Err(corrupt(format!(
                "holds point {} of a sweep of {} points",
                record.point,
                manifest.points.len()
            )));
        }
        if record.values != manifest.points[point] {
            return Err(corrupt(format!(
                "holds the values {}, but the sweep has {}",
                serde_json::Value::from(record.values.clone()),
                manifest.describe(point)
            )));
        }
        if record.sweep_fingerprint != manifest.fingerprint {
            return Err(corrupt(format!(
                "belongs to another version of the sweep (fingerprint {}, expected {})",
                record.sweep_fingerprint, manifest.fingerprint
            )));
        }
        out.insert(
            point,
            StoredPoint {
                path,
                bytes,
                record,
            },
        );
    }
    Ok(out)
}

/// The KPI columns of `records`: every KPI any point has, in output order ([`Kpi::ALL`]),
/// then any name this version does not know, in order of appearance.
fn kpi_columns<'r>(records: impl Iterator<Item = &'r PointRecord> + Clone) -> Vec<String> {
    let present = |name: &str| {
        records
            .clone()
            .any(|r| r.kpis.iter().any(|k| k.kpi == name))
    };
    let mut columns: Vec<String> = Kpi::ALL
        .iter()
        .map(|k| k.name())
        .filter(|name| present(name))
        .map(String::from)
        .collect();
    for r in records {
        for k in &r.kpis {
            if !columns.contains(&k.kpi) {
                columns.push(k.kpi.clone());
            }
        }
    }
    columns
}

/// A number for CSV: shortest round-trip text, empty when undefined.
fn cell(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// An axis value for CSV: strings without quotes, anything else as JSON text.
fn value_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `sweep.csv`: columns `point`, each axis key, then `<kpi>, <kpi>_ci95` for every KPI, and
/// for a sweep run to a precision `replications` and `precision_met` (`true`, or `false`
/// where the point stopped at its maximum of replications); one row per record, in the
/// order given (sorted by point).
pub fn sweep_csv(manifest: &Manifest, records: &[&PointRecord]) -> std::io::Result<Vec<u8>> {
    let columns = kpi_columns(records.iter().copied());
    let to_precision = records.iter().any(|r| r.precision.is_some());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(manifest.axes.iter().cloned());
    for c in &columns {
        header.push(c.clone());
        header.push(format!("{c}_ci95"));
    }
    if to_precision {
        header.extend(["replications".into(), "precision_met".into()]);
    }
    w.write_record(&header)?;
    for r in records {
        let mut row = vec![r.point.to_string()];
        row.extend(r.values.iter().map(value_cell));
        for c in &columns {
            let k = r.kpis.iter().find(|k| k.kpi == *c);
            row.push(cell(k.and_then(|k| k.mean)));
            row.push(cell(k.and_then(|k| k.ci95)));
        }
        if to_precision {
            row.push(r.replications.to_string());
            row.push(
                r.precision
                    .as_ref()
                    .map_or(String::new(), |p| p.met.to_string()),
            );
        }
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Pairs serialized as a JSON object in their order.
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One KPI in `sweep.json`, as in `summary.json`.
#[derive(Serialize)]
struct JsonKpi {
    mean: Option<f64>,
    ci95: Option<f64>,
}

/// One point in `sweep.json`.
#[derive(Serialize)]
struct JsonPoint<'a> {
    point: usize,
    axes: Ordered<'a, &'a serde_json::Value>,
    seed: u64,
    replications: u32,
    calls_simulated: u64,
    kpis: Ordered<'a, JsonKpi>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'a PrecisionJson>,
}

/// The whole of `sweep.json`.
#[derive(Serialize)]
struct JsonSweep<'a> {
    sweep: &'a str,
    mode: &'a str,
    axes: &'a [String],
    points_total: usize,
    points: Vec<JsonPoint<'a>>,
}

/// `sweep.json`: `{"sweep", "mode", "axes", "points_total", "points": [{"point", "axes":
/// {key: value}, "seed", "replications", "calls_simulated", "kpis": {name: {"mean",
/// "ci95"}}, "precision"}]}`, points in the order given; `precision` (run to a precision
/// only) as in `summary.json`: `{"met", "max_replications", "kpis": [{"allowed", "asked",
/// "kpi", "reached"}]}`.
pub fn sweep_json(manifest: &Manifest, records: &[&PointRecord]) -> std::io::Result<Vec<u8>> {
    let points = records
        .iter()
        .map(|r| JsonPoint {
            point: r.point,
            axes: Ordered(
                manifest
                    .axes
                    .iter()
                    .map(String::as_str)
                    .zip(r.values.iter())
                    .collect(),
            ),
            seed: r.seed,
            replications: r.replications,
            calls_simulated: r.calls_simulated,
            kpis: Ordered(
                r.kpis
                    .iter()
                    .map(|k| {
                        (
                            k.kpi.as_str(),
                            JsonKpi {
                                mean: k.mean,
                                ci95: k.ci95,
                            },
                        )
                    })
                    .collect(),
            ),
            precision: r.precision.as_ref(),
        })
        .collect();
    let doc = JsonSweep {
        sweep: &manifest.sweep,
        mode: &manifest.mode,
        axes: &manifest.axes,
        points_total: manifest.points.len(),
        points,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `sweep.csv` and `sweep.json` of the `points` into sweep folder `dir`; returns the
/// path of `sweep.csv`.
pub fn write_tables(
    dir: &Path,
    manifest: &Manifest,
    points: &BTreeMap<usize, StoredPoint>,
) -> Result<PathBuf, SweepError> {
    let records: Vec<&PointRecord> = points.values().map(|p| &p.record).collect();
    let csv_path = dir.join("sweep.csv");
    let json_path = dir.join("sweep.json");
    let csv = sweep_csv(manifest, &records).map_err(|e| io_error(&csv_path, e))?;
    write_atomic(&csv_path, &csv).map_err(|e| io_error(&csv_path, e))?;
    let json = sweep_json(manifest, &records).map_err(|e| io_error(&json_path, e))?;
    write_atomic(&json_path, &json).map_err(|e| io_error(&json_path, e))?;
    Ok(csv_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(point: usize, kpis: &[(&str, Option<f64>)]) -> PointRecord {
        PointRecord {
            point,
            sweep_fingerprint: "f".into(),
            values: vec![serde_json::json!(point + 1), serde_json::json!("2m")],
            seed: 1,
            replications: 2,
            calls_simulated: 10,
            precision: None,
            kpis: kpis
                .iter()
                .map(|&(k, mean)| StoredKpi {
                    kpi: k.into(),
                    mean,
                    ci95: mean.map(|m| m / 10.0),
                })
                .collect(),
        }
    }

    #[test]
    fn csv_has_axes_then_every_kpi_in_output_order() {
        let manifest = Manifest {
            sweep: "s".into(),
            callsim_version: "0".into(),
            mode: "grid".into(),
            fingerprint: "f".into(),
            axes: vec!["staffing.agents".into(), "patience.mean".into()],
            points: vec![vec![], vec![]],
        };
        // KPIs in another order, one absent in a point, one this version does not know.
        let a = record(0, &[("answered", Some(2.5)), ("offered", Some(3.0))]);
        let b = record(1, &[("offered", None), ("future_kpi", Some(1.0))]);
        let csv = String::from_utf8(sweep_csv(&manifest, &[&a, &b]).unwrap()).unwrap();
        assert_eq!(
            csv,
            "point,staffing.agents,patience.mean,offered,offered_ci95,answered,answered_ci95,\
             future_kpi,future_kpi_ci95\n\
             0,1,2m,3,0.3,2.5,0.25,,\n\
             1,2,2m,,,,,1,0.1\n"
        );
        let json = String::from_utf8(sweep_json(&manifest, &[&a]).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["points"][0]["axes"]["patience.mean"], "2m");
        assert_eq!(v["points"][0]["kpis"]["answered"]["ci95"], 0.25);
        assert!(
            json.find("staffing.agents\": 1").unwrap()
                < json.find("patience.mean\": \"2m").unwrap()
        );
    }
}
