//! The sweep file and its points: reading the file (a base scenario and axes), expanding the
//! axes into points (full grid or zip), and validating every point through
//! [`crate::scenario::parse`] so that every scenario rule applies to every point, before
//! anything runs.
//!
//! A point is the base scenario's TOML table with each axis value set at its dotted key.
//! Setting a key creates the sections it needs. Keys that are alternatives of each other
//! ([`ALTERNATIVES`], see [`crate::scenario::overlay`]) replace one another: an axis `staffing.agents` removes the base's
//! `staffing.per_interval`, so that the point is a valid scenario.

use crate::model::Scenario;
use crate::scenario::overlay::{ALTERNATIVES, apply, related};
use crate::scenario::{self, Diagnostic};
use crate::stats::precision::PrecisionError;
use crate::stats::{HalfWidth, Precision};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Most points a sweep may have (a guard against a range with a tiny step).
pub const MAX_POINTS: usize = 1_000_000;

/// How axes combine into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every combination of the axes' values; the last axis varies fastest.
    Grid,
    /// The i-th values of all axes together (all axes have the same number of values).
    Zip,
}

impl Mode {
    /// The name written in sweep files and outputs: `grid` or `zip`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Grid => "grid",
            Mode::Zip => "zip",
        }
    }
}

/// One axis: a dotted scenario key and the values it takes, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted key of the scenario, such as `staffing.agents`.
    pub key: String,
    /// The values, as TOML values (integers, floats, strings such as `"2m"`, arrays, ...).
    pub values: Vec<toml::Value>,
}

/// One point of a sweep: its index, its axis values and the validated scenario.
#[derive(Debug, Clone)]
pub struct Point {
    /// 0-based index in expansion order (the row of `sweep.csv`).
    pub index: usize,
    /// The value of each axis, in the order of [`Sweep::axes`].
    pub values: Vec<toml::Value>,
    /// The scenario of this point, validated.
    pub scenario: Scenario,
}

/// A sweep read from its file, every point expanded and validated.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// Name of the sweep: its output folder `OUT/<name>/` (defaults to the file name).
    pub name: String,
    /// Grid or zip.
    pub mode: Mode,
    /// The axes, in the order of the file.
    pub axes: Vec<Axis>,
    /// Every point, in index order.
    pub points: Vec<Point>,
    /// FNV-1a hash (16 hex digits) of every point's scenario text: two runs with the same
    /// fingerprint simulate exactly the same points, so their results may be combined.
    pub fingerprint: String,
    /// What the expansion did that a user may not expect (an axis replacing a base key).
    pub notes: Vec<String>,
}

/// Settings given on the command line that apply to every point (before the axes).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replications of every point, overriding the sweep and base files.
    pub replications: Option<u32>,
    /// Seed of every point, overriding the sweep and base files.
    pub seed: Option<u64>,
    /// The precision every point is run to, as `run --precision` reads it
    /// (`service_level=0.005,asa_s=2%`), replacing the base's `[precision]`.
    pub precision: Option<String>,
    /// Most replications of a point run to a precision (with `precision`).
    pub max_replications: Option<u32>,
}

/// Why a sweep file cannot be run: every problem found, each rendered on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecProblems(pub Vec<String>);

impl fmt::Display for SpecProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// The sweep file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: Option<Spanned<String>>,
    #[allow(dead_code)] // free text for people reading the file
    description: Option<String>,
    base: Option<Spanned<toml::Value>>,
    mode: Option<Spanned<String>>,
    replications: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    axes: Option<Spanned<OrderedAxes>>,
}

/// The `[axes]` table with its entries in file order (a `toml::Table` sorts them by key).
#[derive(Debug)]
struct OrderedAxes(Vec<(String, Spanned<toml::Value>)>);

impl<'de> Deserialize<'de> for OrderedAxes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedAxes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of axes: \"dotted.key\" = [values] or { from, to, step }")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrderedAxes, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Spanned<toml::Value>>()? {
                    out.push((k, v));
                }
                // The TOML reader hands keys over sorted; their places give the file order.
                out.sort_by_key(|(_, v)| v.span().start);
                Ok(OrderedAxes(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Collects the problems of one sweep file.
struct Problems<'a> {
    file: &'a str,
    text: &'a str,
    list: Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, key: &str, message: impl Into<String>) {
        let d = Diagnostic::at(self.file, self.text, span, key, message.into());
        self.list.push(d.to_string());
    }
}

/// Reads the sweep file at `path`, expands and validates every point.
pub fn load(path: &Path, overrides: Overrides) -> Result<Sweep, SpecProblems> {
    let file = path.display().to_string();
    let text = crate::input::read_toml(path)
        .map_err(|e| SpecProblems(vec![format!("{file}: cannot read the sweep file: {e}")]))?;
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep".into());
    parse(
        &text,
        &file,
        &scenario::validate::base_dir_of(path),
        &default_name,
        overrides,
    )
}

/// Reads sweep `text` (named `file` in messages; a base path is taken from `dir`), expands
/// and validates every point. Every problem is returned, not only the first.
pub fn parse(
    text: &str,
    file: &str,
    dir: &Path,
    default_name: &str,
    overrides: Overrides,
) -> Result<Sweep, SpecProblems> {
    let mut problems = Problems {
        file,
        text,
        list: Vec::new(),
    };
    let raw: RawSweep = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let d = Diagnostic::at(file, text, span, "", e.message().trim().to_string());
        SpecProblems(vec![d.to_string()])
    })?;
    let name = match &raw.name {
        Some(n) if valid_name(n.get_ref()) => n.get_ref().clone(),
        Some(n) => {
            problems.at(
                n.span(),
                "name",
                "expected a name usable as a folder: letters, digits, '-', '_' or '.', not \
                 starting with '.'",
            );
            String::new()
        }
        None => default_name.to_string(),
    };
    let mode = match &raw.mode {
        None => Mode::Grid,
        Some(m) => match m.get_ref().as_str() {
            "grid" => Mode::Grid,
            "zip" => Mode::Zip,
            other => {
                problems.at(
                    m.span(),
                    "mode",
                    format!("expected \"grid\" (every combination) or \"zip\", got \"{other}\""),
                );
                Mode::Grid
            }
        },
    };
    let base = base_table(&raw, dir, &mut problems);
    let mut settings = toml::Table::new();
    let mut whole = |v: &Option<Spanned<i64>>, key: &str, min: i64, max: i64| {
        if let Some(v) = v {
            if (min..=max).contains(v.get_ref()) {
                settings.insert(key.into(), toml::Value::Integer(*v.get_ref()));
            } else {
                problems.at(
                    v.span(),
                    key,
                    format!("expected a whole number from {min} to {max}"),
                );
            }
        }
    };
    whole(&raw.replications, "replications", 1, 1_000_000);
    whole(&raw.seed, "seed", 0, i64::MAX);
    if let Some(r) = overrides.replications {
        settings.insert("replications".into(), toml::Value::Integer(r.into()));
    }
    match overrides.seed.map(i64::try_from) {
        Some(Ok(s)) => {
            settings.insert("seed".into(), toml::Value::Integer(s));
        }
        Some(Err(_)) => problems.list.push(format!(
            "the seed given on the command line must be at most {}",
            i64::MAX
        )),
        None => {}
    }
    if let Some(text) = &overrides.precision {
        match precision_table(text, overrides.max_replications) {
            Ok(table) => {
                settings.insert("precision".into(), toml::Value::Table(table));
            }
            Err(e) => problems.list.push(format!("--precision: {e}")),
        }
    }
    let axes = axes(&raw, &mut problems);
    if !problems.list.is_empty() {
        return Err(SpecProblems(problems.list));
    }
    let Some((mut base, base_label)) = base else {
        return Err(SpecProblems(problems.list));
    };
    base.extend(settings);
    let combos = combinations(&axes, mode).map_err(|m| {
        let span = raw.axes.as_ref().map_or(0..0, |a| a.span());
        problems.at(span, "axes", m);
        SpecProblems(problems.list.clone())
    })?;
    let notes = notes(&base, &axes);
    match build_points(&base, &base_label.1, &name, &axes, combos) {
        Ok((points, fingerprint)) => Ok(Sweep {
            name,
            mode,
            axes,
            points,
            fingerprint,
            notes,
        }),
        Err((found, total)) => {
            // each problem at the line of the axis that set the faulty key, or of `base`
            for p in &found {
                let message = render_problem(p, total, &base_label.0, &axes);
                let axis = raw
                    .axes
                    .iter()
                    .flat_map(|a| &a.get_ref().0)
                    .find(|(key, _)| axes.iter().any(|a| a.key == *key) && related(key, &p.key));
                match (axis, &raw.base) {
                    (Some((key, value)), _) => {
                        problems.at(value.span(), &format!("axes.\"{key}\""), message)
                    }
                    (None, Some(b)) => problems.at(b.span(), "base", message),
                    (None, None) => problems.at(0..0, "", message),
                }
            }
            Err(SpecProblems(problems.list))
        }
    }
}

/// The `[precision]` table of `--precision KPI=HW,...` and `--max-replications`, read and
/// checked as `run` reads them ([`Precision::typed_targets`]), with each half-width as typed: a
/// number in the KPI's unit, or a percentage of the mean as text (`"2%"`).
fn precision_table(
    text: &str,
    max_replications: Option<u32>,
) -> Result<toml::Table, PrecisionError> {
    let mut table = toml::Table::new();
    for (kpi, half, typed) in Precision::typed_targets(text)? {
        let value = match half {
            HalfWidth::Absolute(x) => toml::Value::Float(x),
            HalfWidth::Relative(_) => toml::Value::String(typed.to_string()),
        };
        table.insert(kpi.name().to_string(), value);
    }
    if let Some(n) = max_replications {
        table.insert("max_replications".into(), toml::Value::Integer(n.into()));
    }
    Ok(table)
}

/// A name that can be a folder name on every system.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The base scenario as a TOML table, with the folder its relative paths are taken from
/// and a label for messages. `None` after recording a problem.
fn base_table(
    raw: &RawSweep,
    dir: &Path,
    problems: &mut Problems,
) -> Option<(toml::Table, (String, PathBuf))> {
    let Some(base) = &raw.base else {
        problems.at(
            0..0,
            "base",
            "a sweep needs a base scenario: base = \"path/to/scenario.toml\" (relative to the \
             sweep file) or an inline [base] table",
        );
        return None;
    };
    match base.get_ref() {
        toml::Value::Table(t) => Some((t.clone(), ("the inline [base]".into(), dir.into()))),
        toml::Value::String(rel) => {
            let path = dir.join(rel);
            let label = path.display().to_string();
            let text = match crate::input::read_toml(&path) {
                Ok(text) => text,
                Err(e) => {
                    problems.at(
                        base.span(),
                        "base",
                        format!(
                            "cannot read the base scenario {label}: {e} (the path is relative \
                             to the sweep file)"
                        ),
                    );
                    return None;
                }
            };
            match toml::from_str::<toml::Table>(&text) {
                Ok(t) => Some((t, (label, scenario::validate::base_dir_of(&path)))),
                Err(e) => {
                    let span = e.span().unwrap_or(0..0);
                    let d = Diagnostic::at(&label, &text, span, "", e.message().trim().into());
                    problems.list.push(d.to_string());
                    None
                }
            }
        }
        _ => {
            problems.at(
                base.span(),
                "base",
                "expected a path (base = \"../shop.toml\") or an inline [base] table",
            );
            None
        }
    }
}

/// The axes of the file, each checked, in file order.
fn axes(raw: &RawSweep, problems: &mut Problems) -> Vec<Axis> {
    let Some(table) = &raw.axes else {
        problems.at(
            0..0,
            "axes",
            "a sweep needs [axes], such as \"staffing.agents\" = { from = 4, to = 14, step = 1 }",
        );
        return Vec::new();
    };
    if table.get_ref().0.is_empty() {
        problems.at(
            table.span(),
            "axes",
            "[axes] is empty; add at least one, such as \"staffing.agents\" = [3, 4, 5]",
        );
    }
    let mut out: Vec<Axis> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in &table.get_ref().0 {
        let label = format!("axes.\"{key}\"");
        if key
            .split('.')
            .any(|part| part.trim().is_empty() || part != part.trim())
        {
            problems.at(
                value.span(),
                &label,
                "expected a dotted key of the scenario, such as \"staffing.agents\"",
            );
            continue;
        }
        for &other in &seen {
            if related(other, key) {
                problems.at(
                    value.span(),
                    &label,
                    format!("overlaps the axis {other}; sweep one or the other"),
                );
            }
            if ALTERNATIVES
                .iter()
                .any(|&(a, b)| (a, b) == (key, other) || (b, a) == (key, other))
            {
                problems.at(
                    value.span(),
                    &label,
                    format!(
                        "{key} and {other} are alternatives (a scenario has one or the other); \
                         sweep only one of them"
                    ),
                );
            }
        }
        seen.push(key);
        match axis_values(value.get_ref()) {
            Ok(values) => out.push(Axis {
                key: key.clone(),
                values,
            }),
            Err(m) => problems.at(value.span(), &label, m),
        }
    }
    out
}

/// The values of one axis: a non-empty list, or a range `{ from, to, step }`.
fn axis_values(value: &toml::Value) -> Result<Vec<toml::Value>, String> {
    const EXPECTED: &str =
        "expected a list of values, such as [1, 2, 3], or a range { from = 4, to = 14, step = 1 }";
    match value {
        toml::Value::Array(values) if values.is_empty() => {
            Err(format!("the list of values is empty; {EXPECTED}"))
        }
        toml::Value::Array(values) => Ok(values.clone()),
        toml::Value::Table(t) => range(t).map_err(|m| format!("{m}; {EXPECTED}")),
        _ => Err(EXPECTED.into()),
    }
}

/// The values of a range `{ from, to, step }`: from, from + step, ... up to `to` included.
/// Integers stay integers; floats are rounded to 12 significant digits (so that 0.1 · 3 is
/// 0.3, not 0.30000000000000004).
fn range(t: &toml::Table) -> Result<Vec<toml::Value>, String> {
    if let Some(k) = t
        .keys()
        .find(|k| !["from", "to", "step"].contains(&k.as_str()))
    {
        return Err(format!("a range takes from, to and step, not `{k}`"));
    }
    let get = |k: &str| match t.get(k) {
        Some(toml::Value::Integer(i)) => Ok((*i as f64, true)),
        Some(toml::Value::Float(x)) if x.is_finite() => Ok((*x, false)),
        Some(_) => Err(format!("the range's `{k}` must be a number")),
        None => Err(format!("the range needs `{k}`")),
    };
    let ((from, fi), (to, ti), (step, si)) = (get("from")?, get("to")?, get("step")?);
    if step <= 0.0 {
        return Err(format!("the range's step must be > 0, got {step}"));
    }
    if to < from {
        return Err(format!(
            "the range's `to` ({to}) is below its `from` ({from})"
        ));
    }
    let steps = ((to - from) / step + 1e-9).floor();
    if steps + 1.0 > MAX_POINTS as f64 {
        return Err(format!(
            "the range has more than {MAX_POINTS} values; use a larger step"
        ));
    }
    Ok((0..=steps as usize)
        .map(|i| {
            let x = from + i as f64 * step;
            if fi && ti && si {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float(format!("{x:.11e}").parse().unwrap_or(x))
            }
        })
        .collect())
}

/// For each point, the index of each axis's value: grid (last axis fastest) or zip.
fn combinations(axes: &[Axis], mode: Mode) -> Result<Vec<Vec<usize>>, String> {
    match mode {
        Mode::Zip => {
            let n = axes.first().map_or(0, |a| a.values.len());
            if let Some(a) = axes.iter().find(|a| a.values.len() != n) {
                let lengths: Vec<String> = axes
                    .iter()
                    .map(|a| format!("{} has {}", a.key, a.values.len()))
                    .collect();
                return Err(format!(
                    "mode = \"zip\" takes the i-th value of every axis together, so every axis \
                     needs the same number of values, but {}; make them equal or use \
                     mode = \"grid\" (axis {} differs)",
                    lengths.join(", "),
                    a.key
                ));
            }
            Ok((0..n).map(|i| vec![i; axes.len()]).collect())
        }
        Mode::Grid => {
            let total = axes
                .iter()
                .try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()))
                .filter(|&n| n <= MAX_POINTS)
                .ok_or_else(|| {
                    format!(
                        "the grid has more than {MAX_POINTS} points; split it into several \
                         sweeps or use fewer values"
                    )
                })?;
            Ok((0..total)
                .map(|mut i| {
                    let mut digits = vec![0; axes.len()];
                    for (d, a) in digits.iter_mut().zip(axes).rev() {
                        *d = i % a.values.len();
                        i /= a.values.len();
                    }
                    digits
                })
                .collect())
        }
    }
}

/// Notes on base keys that axes replace.
fn notes(base: &toml::Table, axes: &[Axis]) -> Vec<String> {
    let mut out = Vec::new();
    for axis in axes {
        for (a, b) in ALTERNATIVES.iter().flat_map(|&(a, b)| [(a, b), (b, a)]) {
            if axis.key == a && lookup(base, b).is_some() {
                out.push(format!(
                    "the axis {a} replaces the base's {b} in every point (they are alternatives)"
                ));
            }
        }
    }
    out
}

/// The value at a dotted key of `table`, if there is one.
fn lookup<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// `key = value` as written in TOML, for messages and tables.
pub fn show(key: &str, value: &toml::Value) -> String {
    format!("{key} = {value}")
}

/// The problems of one or more points that share the same key and message.
struct PointProblem {
    key: String,
    message: String,
    /// `point N (axis = value, ...)` of each point concerned, in index order.
    points: Vec<String>,
}

/// Builds and validates every point; on failure, the problems of every point (identical
/// problems of many points are reported once, with the points they concern) and how many
/// points there are.
fn build_points(
    base: &toml::Table,
    base_dir: &Path,
    name: &str,
    axes: &[Axis],
    combos: Vec<Vec<usize>>,
) -> Result<(Vec<Point>, String), (Vec<PointProblem>, usize)> {
    let total = combos.len();
    let mut points = Vec::with_capacity(total);
    let mut problems: Vec<PointProblem> = Vec::new();
    let mut hash = Fnv::default();
    for (index, combo) in combos.into_iter().enumerate() {
        let values: Vec<toml::Value> = combo
            .iter()
            .zip(axes)
            .map(|(&i, a)| a.values[i].clone())
            .collect();
        let settings: Vec<(&str, &toml::Value)> =
            axes.iter().map(|a| a.key.as_str()).zip(&values).collect();
        let (text, outcome) = apply(base, &settings, &format!("point {index}"), base_dir, name);
        hash.write(text.as_bytes());
        hash.write(&[0]);
        let found = match outcome {
            Ok(scenario) => {
                points.push(Point {
                    index,
                    values,
                    scenario,
                });
                continue;
            }
            Err(found) => found,
        };
        let shown: Vec<String> = axes
            .iter()
            .zip(&combo)
            .map(|(a, &i)| show(&a.key, &a.values[i]))
            .collect();
        let described = format!("point {index} ({})", shown.join(", "));
        for (key, message) in found {
            match problems
                .iter_mut()
                .find(|p| p.key == key && p.message == message)
            {
                Some(p) => p.points.push(described.clone()),
                None => problems.push(PointProblem {
                    key,
                    message,
                    points: vec![described.clone()],
                }),
            }
        }
    }
    if problems.is_empty() {
        return Ok((points, format!("{:016x}", hash.0)));
    }
    Err((problems, total))
}

/// One problem, with the points it concerns: `point 7 (staffing.agents = 0):
/// staffing.agents: expected ...`.
fn render_problem(p: &PointProblem, total: usize, base_label: &str, axes: &[Axis]) -> String {
    const SHOWN: usize = 3;
    let mut s = format!("{}: {}: {}", p.points[0], p.key, p.message);
    if p.points.len() == total && !axes.iter().any(|a| related(&a.key, &p.key)) {
        s = format!(
            "every point: {}: {} (no axis sets this key: fix it in the base scenario, {base_label})",
            p.key, p.message
        );
    } else if p.points.len() > 1 {
        let others = &p.points[1..];
        s.push_str(&format!(
            "\n  the same in {} other point(s): {}{}",
            others.len(),
            others[..others.len().min(SHOWN)].join(", "),
            if others.len() > SHOWN { ", ..." } else { "" }
        ));
    }
    s
}

/// 64-bit FNV-1a: a small, stable hash (the standard library's may change between releases).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny valid base scenario, inline.
    const BASE: &str = r#"
[base]
seed = 7
replications = 2
[base.time]
open = "09:00"
interval = "30m"
intervals = 2
[base.arrivals]
per_interval = [10, 12]
[base.handle_time]
distribution = "exponential"
mean = "3m"
[base.staffing]
per_interval = [1, 2]
"#;

    fn sweep(text: &str) -> Result<Sweep, SpecProblems> {
        parse(text, "s.toml", Path::new("."), "s", Overrides::default())
    }

    fn values(s: &Sweep) -> Vec<String> {
        s.points
            .iter()
            .map(|p| {
                let v: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
                v.join(" ")
            })
            .collect()
    }

    #[test]
    fn grid_varies_the_last_axis_fastest_in_file_order() {
        let s = sweep(&format!(
            "{BASE}[axes]\n\"staffing.agents\" = {{ from = 1, to = 3, step = 1 }}\n\
             \"handle_time.mean\" = [\"2m\", 150]\n"
        ))
        .unwrap();
        assert_eq!(s.mode, Mode::Grid);
        assert_eq!(s.axes[0].key, "staffing.agents");
        assert_eq!(
            values(&s),
            [
                "1 \"2m\"", "1 150", "2 \"2m\"", "2 150", "3 \"2m\"", "3 150"
            ]
        );
        // The axis replaced per_interval (and says so); the values reached the scenario.
        assert_eq!(s.points[5].scenario.agents, [3, 3]);
        assert_eq!(s.points[5].scenario.handle_time.mean(), 150.0);
        assert_eq!(s.points[0].scenario.handle_time.mean(), 120.0);
        assert!(s.notes[0].contains("staffing.agents replaces the base's staffing.per_interval"));
        // Common random numbers: every point has the base's seed.
        assert!(s.points.iter().all(|p| p.scenario.seed == 7));
    }

    #[test]
    fn zip_pairs_values_and_needs_equal_lengths() {
        let s = sweep(&format!(
            "mode = \"zip\"\nseed = 9\n{BASE}[axes]\n\"staffing.agents\" = [1, 2, 3]\n\
             \"arrivals.calls_per_hour\" = [20, 40, 60.5]\n"
        ))
        .unwrap();
        assert_eq!(values(&s), ["1 20", "2 40", "3 60.5"]);
        assert!(s.points.iter().all(|p| p.scenario.seed == 9));
        let err = sweep(&format!(
            "mode = \"zip\"\n{BASE}[axes]\n\"staffing.agents\" = [1, 2, 3]\n\
             \"handle_time.mean\" = [60]\n"
        ))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("staffing.agents has 3, handle_time.mean has 1"),
            "{err}"
        );
    }

    #[test]
    fn float_ranges_are_rounded_and_include_the_end() {
        let t: toml::Table = toml::from_str("from = 0.0\nto = 0.5\nstep = 0.1").unwrap();
        let v: Vec<String> = range(&t).unwrap().iter().map(|v| v.to_string()).collect();
        assert_eq!(v, ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"]);
        let t: toml::Table = toml::from_str("from = 4\nto = 14\nstep = 5").unwrap();
        let v: Vec<String> = range(&t).unwrap().iter().map(|v| v.to_string()).collect();
        assert_eq!(v, ["4", "9", "14"]);
        let t: toml::Table = toml::from_str("from = 1\nto = 2\nstep = 0").unwrap();
        assert!(range(&t).unwrap_err().contains("step must be > 0"));
    }

    #[test]
    fn a_bad_value_names_the_point_and_the_axis() {
        let err = sweep(&format!(
            "{BASE}[axes]\n\"staffing.agents\" = [2, 0]\n\"handle_time.mean\" = [\"1m\", \"2m\"]\n"
        ))
        .unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        // at the sweep file's line of the axis that set the value
        assert!(
            err.0[0].starts_with(
                "s.toml:17:21: axes.\"staffing.agents\": point 2 (staffing.agents = 0, \
                 handle_time.mean = \"1m\"): staffing.agents: expected the number of agents"
            ),
            "{err}"
        );
        assert!(
            err.0[0].contains(
                "the same in 1 other point(s): point 3 (staffing.agents = 0, handle_time.mean = \"2m\")"
            ),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_key_names_its_axis() {
        let err = sweep(&format!("{BASE}[axes]\n\"staffing.agentz\" = [2]\n")).unwrap_err();
        assert!(
            err.0[0].starts_with(
                "s.toml:17:21: axes.\"staffing.agentz\": point 0 (staffing.agentz = 2): staffing.agentz: unknown key `agentz`: did you mean `agents`? (keys here: `agents`, `per_interval`)"
            ),
            "{err}"
        );
        assert!(err.0[0].contains("staffing.agentz is not a key of the scenario"));
        let err = sweep(&format!("{BASE}[axes]\n\"handle_time.mean.x\" = [2]\n")).unwrap_err();
        assert!(
            err.0[0].contains("handle_time.mean is a value in the base scenario, not a section")
        );
    }

    #[test]
    fn a_problem_no_axis_touches_points_at_the_base() {
        let base = BASE.replace("mean = \"3m\"", "mean = \"-3m\"");
        let err = sweep(&format!("{base}[axes]\n\"staffing.agents\" = [1, 2]\n")).unwrap_err();
        assert!(
            err.0[0].starts_with("s.toml:2:1: base: every point: handle_time.mean:"),
            "{err}"
        );
        assert!(err.0[0].contains("fix it in the base scenario, the inline [base]"));
    }

    #[test]
    fn sweep_file_problems_point_at_line_and_key() {
        let err = sweep(&format!(
            "mode = \"cross\"\n{BASE}[axes]\n\"staffing.agents\" = 3\n\"staffing.per_interval\" = [[1, 1]]\n"
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("s.toml:1:8: mode: expected \"grid\""),
            "{text}"
        );
        assert!(text.contains("axes.\"staffing.agents\": expected a list of values"));
        assert!(text.contains("are alternatives"), "{text}");
        let err = sweep("[axes]\n\"staffing.agents\" = [1]\n").unwrap_err();
        assert!(err.to_string().contains("a sweep needs a base scenario"));
    }

    #[test]
    fn fingerprints_follow_the_points() {
        let a = sweep(&format!("{BASE}[axes]\n\"staffing.agents\" = [1, 2]\n")).unwrap();
        let b = sweep(&format!("{BASE}[axes]\n\"staffing.agents\" = [1, 2]\n")).unwrap();
        let c = sweep(&format!("{BASE}[axes]\n\"staffing.agents\" = [1, 3]\n")).unwrap();
        let d = parse(
            &format!("{BASE}[axes]\n\"staffing.agents\" = [1, 2]\n"),
            "s.toml",
            Path::new("."),
            "s",
            Overrides {
                replications: Some(5),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_ne!(a.fingerprint, d.fingerprint);
        assert_eq!(d.points[0].scenario.replications, 5);
    }

    /// `--precision` goes into every point as the `[precision]` table of what was typed: a
    /// number in the KPI's unit as a number, a percentage as its text (the points' text, so
    /// the fingerprint, says what was asked), the maximum when given; refused as `run` refuses.
    #[test]
    fn the_precision_table_is_what_was_typed() {
        let table = precision_table(" service_level = 5e-3 , asa_s = 2 % ", Some(12)).unwrap();
        let want: toml::Table =
            toml::from_str("service_level = 0.005\nasa_s = \"2 %\"\nmax_replications = 12\n")
                .unwrap();
        assert_eq!(table, want);
        let table = precision_table("abandon_rate=1%", None).unwrap();
        assert_eq!(table.to_string(), "abandon_rate = \"1%\"\n");
        let e = precision_table("service_level:0.01", None).unwrap_err();
        assert!(e.to_string().contains("expected KPI=HALF_WIDTH"), "{e}");
    }
}
