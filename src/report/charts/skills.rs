//! Charts of a multi-skill center, drawn from its saved `types.csv`, `groups.csv` and
//! `handled.csv`: each call type's service level per interval, each agent group's occupancy
//! per interval (lines with 95% bands, one colour per type or group), and the calls handled
//! by type × group as a heat map.

use super::day_profile::{Part, draw_share};
use super::{Axis, Chart, DrawResult, Key, Mark, palette, size};
use crate::report::load::{CsvTable, Estimate, file_error};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::io;

/// A share (0–1) per interval for several named series: lines through the interval
/// midpoints with their 95% bands.
#[derive(Debug, Clone)]
pub struct SharesPerInterval {
    /// Chart title.
    pub title: String,
    /// Title of the y axis.
    pub y_title: String,
    /// Interval start labels (`"08:00"`), one per interval.
    pub starts: Vec<String>,
    /// (series name, value per interval).
    pub series: Vec<(String, Vec<Estimate>)>,
}

impl SharesPerInterval {
    /// One series per value of column `key` of `table` (rows `interval, start, <key>, ...`),
    /// taking KPI `kpi` with its `_ci95`, in the order the names first appear.
    pub fn from_table(
        table: &CsvTable,
        key: &str,
        kpi: &str,
        title: String,
        y_title: &str,
    ) -> io::Result<Self> {
        let bad = |what: &str| file_error(&table.path, format!("no column {what}"));
        let names = table.texts(key).ok_or_else(|| bad(key))?;
        let starts_col = table.texts("start").ok_or_else(|| bad("start"))?;
        let intervals = table.numbers("interval")?.ok_or_else(|| bad("interval"))?;
        let values = table.estimates(kpi)?.ok_or_else(|| bad(kpi))?;
        // interval numbers are row positions of a day: whole, from 0, fewer than the rows
        if let Some(k) = intervals
            .iter()
            .find(|&&k| !(k >= 0.0 && k.fract() == 0.0 && k < intervals.len() as f64))
        {
            return Err(file_error(
                &table.path,
                format!("column interval: expected interval numbers 0, 1, 2, ..., got {k}"),
            ));
        }
        let n = intervals.iter().fold(0usize, |m, &k| m.max(k as usize + 1));
        let mut starts = vec![String::new(); n];
        let mut series: Vec<(String, Vec<Estimate>)> = Vec::new();
        let undefined = Estimate {
            mean: f64::NAN,
            ci95: f64::NAN,
        };
        for (((name, start), k), value) in names.iter().zip(&starts_col).zip(&intervals).zip(values)
        {
            let k = *k as usize;
            starts[k] = start.to_string();
            let i = match series.iter().position(|(s, _)| s == name) {
                Some(i) => i,
                None => {
                    series.push((name.to_string(), vec![undefined; n]));
                    series.len() - 1
                }
            };
            series[i].1[k] = value;
        }
        Ok(SharesPerInterval {
            title,
            y_title: y_title.to_string(),
            starts,
            series,
        })
    }

    fn colour(i: usize) -> RGBColor {
        palette::LEVELS[i % palette::LEVELS.len()]
    }
}

impl Chart for SharesPerInterval {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let mut keys: Vec<Key> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| Key::new(name.clone(), Self::colour(i), Mark::Line))
            .collect();
        keys.push(Key::new(
            "95% confidence band",
            palette::BAND_GREY,
            Mark::Swatch,
        ));
        let area = super::keyed(&area, &keys)?;
        let n = self.starts.len().max(1) as f64;
        let boundary = |x: &f64| super::interval_label(&self.starts, *x);
        let mut plot = super::panel(&area, 0.0..n, 0.0..1.0, false)?;
        super::axes(
            &mut plot,
            &Axis {
                title: "Interval start",
                ticks: self.starts.len().min(14) + 1,
                format: &boundary,
            },
            &Axis {
                title: &self.y_title,
                ticks: 6,
                format: &super::percent,
            },
        )?;
        for part in [Part::Band, Part::Line] {
            for (i, (_, values)) in self.series.iter().enumerate() {
                draw_share(&mut plot, values, Self::colour(i), part)?;
            }
        }
        Ok(())
    }
}

/// Calls handled by call type (rows) and agent group (columns), mean per replication.
#[derive(Debug, Clone)]
pub struct HandledMatrix {
    /// Chart title.
    pub title: String,
    /// Call type names (rows).
    pub types: Vec<String>,
    /// Agent group names (columns).
    pub groups: Vec<String>,
    /// `calls[t][g]`: mean calls handled.
    pub calls: Vec<Vec<f64>>,
}

impl HandledMatrix {
    /// From `handled.csv` (`call_type, agent_group, handled, handled_ci95`).
    pub fn from_table(table: &CsvTable, title: String) -> io::Result<Self> {
        let bad = || {
            file_error(
                &table.path,
                "expected columns call_type, agent_group, handled",
            )
        };
        let types_col = table.texts("call_type").ok_or_else(bad)?;
        let groups_col = table.texts("agent_group").ok_or_else(bad)?;
        let handled = table.numbers("handled")?.ok_or_else(bad)?;
        let mut types: Vec<String> = Vec::new();
        let mut groups: Vec<String> = Vec::new();
        for (t, g) in types_col.iter().zip(&groups_col) {
            if !types.iter().any(|x| x == t) {
                types.push(t.to_string());
            }
            if !groups.iter().any(|x| x == g) {
                groups.push(g.to_string());
            }
        }
        let mut calls = vec![vec![0.0; groups.len()]; types.len()];
        for ((t, g), h) in types_col.iter().zip(&groups_col).zip(handled) {
            let ti = types.iter().position(|x| x == t).ok_or_else(bad)?;
            let gi = groups.iter().position(|x| x == g).ok_or_else(bad)?;
            calls[ti][gi] = if h.is_finite() { h } else { 0.0 };
        }
        Ok(HandledMatrix {
            title,
            types,
            groups,
            calls,
        })
    }
}

impl Chart for HandledMatrix {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 300 + 110 * self.types.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let (cols, rows) = (
            self.groups.len().max(1) as f64,
            self.types.len().max(1) as f64,
        );
        let most = self.calls.iter().flatten().copied().fold(0.0, f64::max);
        let mut plot = ChartBuilder::on(&area)
            .margin_left(20)
            .margin_right(50)
            .margin_top(20)
            .margin_bottom(10)
            .x_label_area_size(90)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..cols, 0.0..rows)?;
        let group_label = |x: &f64| super::interval_label(&self.groups, x - 0.5);
        // the first type on top
        let type_label = |y: &f64| super::interval_label(&self.types, rows - 0.5 - y);
        plot.configure_mesh()
            .disable_mesh()
            .axis_style(palette::BLACK.stroke_width(2))
            .x_desc("Agent group")
            .y_desc("Call type")
            .x_labels(2 * self.groups.len() + 1)
            .y_labels(2 * self.types.len() + 1)
            .x_label_formatter(&group_label)
            .y_label_formatter(&type_label)
            .axis_desc_style(super::font(size::AXIS))
            .label_style(super::font(size::LABEL))
            .draw()?;
        let base = palette::BLUE;
        for (t, row) in self.calls.iter().enumerate() {
            let y = rows - 1.0 - t as f64;
            for (g, &calls) in row.iter().enumerate() {
                let x = g as f64;
                let share = if most > 0.0 { calls / most } else { 0.0 };
                plot.draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.02, y + 0.04), (x + 0.98, y + 0.96)],
                    base.mix(0.08 + 0.87 * share).filled(),
                )))?;
                let ink = if share > 0.5 { WHITE } else { palette::BLACK };
                plot.draw_series(std::iter::once(Text::new(
                    super::number(&calls),
                    (x + 0.5, y + 0.5),
                    super::font(size::LABEL)
                        .color(&ink)
                        .pos(text_anchor::Pos::new(
                            text_anchor::HPos::Center,
                            text_anchor::VPos::Center,
                        )),
                )))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn shares(text: &str) -> io::Result<SharesPerInterval> {
        let table = CsvTable::parse(Path::new("types.csv"), text)?;
        SharesPerInterval::from_table(&table, "call_type", "service_level", "t".into(), "y")
    }

    #[test]
    fn interval_numbers_that_are_not_rows_are_errors_not_panics() {
        let head = "interval,start,call_type,service_level,service_level_ci95\n";
        assert!(shares(&format!("{head}0,08:00,a,0.8,0.1\n1,08:30,a,0.9,0.1\n")).is_ok());
        for bad in ["1e30", "inf", "-1", "0.5", "2", ""] {
            let text = format!("{head}0,08:00,a,0.8,0.1\n{bad},08:30,a,0.9,0.1\n");
            let err = shares(&text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("types.csv: column interval"), "{bad}: {err}");
        }
    }
}
