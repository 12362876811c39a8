//! The headline chart of a sweep over agents (and proactive coverage when swept): agents on
//! the x axis; stacked panels of the service level (when the results have it), lost
//! customers (or the abandonment rate where the results have no lost customers), and the
//! total cost (when the results have costs). One line per level of the other axes (proactive
//! coverage), each with its 95% band, and the cost-optimal point marked in every panel.
//!
//! Drawn from `sweep.csv` only: the point index, one column per axis, then every KPI as
//! `<kpi>, <kpi>_ci95`. Axes are the columns between the first and the first KPI column.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::report::load::{CsvTable, Estimate, file_error};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;

/// One line of the chart: the points of one level of the non-x axes, by increasing x.
#[derive(Debug, Clone)]
pub struct SweepLine {
    /// Legend entry ("proactive coverage 25%"); empty when only x was swept.
    pub label: String,
    /// x values (agents).
    pub x: Vec<f64>,
    /// Lost customers (or abandonment) at each x.
    pub loss: Vec<Estimate>,
    /// Total cost at each x, when the sweep has costs.
    pub cost: Vec<Estimate>,
    /// Service level at each x, when the sweep has it.
    pub service: Vec<Estimate>,
}

impl SweepLine {
    /// The values `panel` shows.
    fn values(&self, panel: Panel) -> &[Estimate] {
        match panel {
            Panel::Service => &self.service,
            Panel::Loss => &self.loss,
            Panel::Cost => &self.cost,
        }
    }
}

/// The data of the headline chart of a sweep.
#[derive(Debug, Clone)]
pub struct SweepChart {
    /// Sweep name (folder).
    pub name: String,
    /// Title of the x axis.
    pub x_title: String,
    /// The levels of a text x axis (x = 0, 1, ... in order of first appearance); `None` when
    /// x is numbers.
    pub x_levels: Option<Vec<String>>,
    /// The loss KPI shown (`lost_customers`, `abandon_rate` or `abandoned`).
    pub loss_kpi: &'static str,
    /// Whether the sweep has `total_cost`.
    pub has_cost: bool,
    /// Whether the sweep has `service_level`.
    pub has_service: bool,
    /// One line per level.
    pub lines: Vec<SweepLine>,
}

/// Which panel is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    /// Service level (a share, axis from 0).
    Service,
    /// Lost customers or abandonment (axis from 0).
    Loss,
    /// Total cost (axis from near the cheapest point).
    Cost,
}

/// The cost-optimal point: (line, index in the line).
type Optimum = (usize, usize);

/// "0.25" on an axis named like `proactive.coverage` → "proactive coverage 25%".
fn level_label(axis: &str, value: &str) -> String {
    let name = axis.replace(['.', '_'], " ");
    if axis.contains("coverage")
        && let Ok(v) = value.parse::<f64>()
        && (0.0..=1.0).contains(&v)
    {
        return format!("{name} {}", super::percent(&v));
    }
    format!("{name} = {value}")
}

impl SweepChart {
    /// Reads the sweep table `table` (of the sweep named `name`).
    pub fn from_table(name: &str, table: &CsvTable) -> io::Result<Self> {
        let kpis = table.kpi_columns();
        let first_kpi = kpis
            .first()
            .and_then(|k| table.index(k))
            .ok_or_else(|| file_error(&table.path, "no KPI columns (`<kpi>, <kpi>_ci95`) found"))?;
        let axes: Vec<&str> = table.columns[1.min(first_kpi)..first_kpi]
            .iter()
            .map(String::as_str)
            .collect();
        // x: an axis of numbers (agents first); where every axis is text (distribution
        // names, durations such as "2m"), the first, its levels evenly spaced
        let numeric = |a: &str| {
            table
                .numbers(a)
                .is_ok_and(|v| v.is_some_and(|v| v.iter().any(|x| x.is_finite())))
        };
        let x_axis = axes
            .iter()
            .find(|a| a.ends_with("agents") && numeric(a))
            .or_else(|| axes.iter().find(|a| numeric(a)))
            .or_else(|| axes.first())
            .copied()
            .ok_or_else(|| file_error(&table.path, "no axis columns before the KPI columns"))?;
        let (x, x_levels) = if numeric(x_axis) {
            (table.numbers(x_axis)?.unwrap_or_default(), None)
        } else {
            let cells = table.texts(x_axis).unwrap_or_default();
            let mut levels: Vec<String> = Vec::new();
            let x = cells
                .iter()
                .map(|c| {
                    let at = levels.iter().position(|l| l == c).unwrap_or_else(|| {
                        levels.push(c.to_string());
                        levels.len() - 1
                    });
                    at as f64
                })
                .collect();
            (x, Some(levels))
        };
        // lost customers where the results count them (some non-zero), else abandonment
        let counted = |k: &str| -> io::Result<bool> {
            Ok(table
                .numbers(k)?
                .is_some_and(|v| v.iter().any(|x| x.is_finite() && *x != 0.0)))
        };
        let lost = kpis.contains(&"lost_customers") && counted("lost_customers")?;
        let loss_kpi = ["lost_customers", "abandon_rate", "abandoned"]
            .into_iter()
            .filter(|k| *k != "lost_customers" || lost)
            .find(|k| kpis.contains(k))
            .ok_or_else(|| {
                file_error(
                    &table.path,
                    "neither lost_customers nor abandon_rate is in the table",
                )
            })?;
        let loss = table.estimates(loss_kpi)?.unwrap_or_default();
        let cost = table.estimates("total_cost")?;
        let has_cost = cost.is_some();
        let cost = cost.unwrap_or_default();
        let service = table.estimates("service_level")?;
        let has_service = service.is_some();
        let service = service.unwrap_or_default();

        // one line per combination of the other axes, in order of first appearance
        let others: Vec<usize> = axes
            .iter()
            .filter(|a| **a != x_axis)
            .filter_map(|a| table.index(a))
            .collect();
        let mut lines: Vec<(Vec<String>, SweepLine)> = Vec::new();
        for (r, row) in table.rows.iter().enumerate() {
            if !x[r].is_finite() {
                continue;
            }
            let key: Vec<String> = others.iter().map(|&i| row[i].clone()).collect();
            let at = match lines.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    let label = others
                        .iter()
                        .map(|&i| level_label(&table.columns[i], &row[i]))
                        .collect::<Vec<_>>()
                        .join(", ");
                    lines.push((
                        key,
                        SweepLine {
                            label,
                            x: vec![],
                            loss: vec![],
                            cost: vec![],
                            service: vec![],
                        },
                    ));
                    lines.len() - 1
                }
            };
            let line = &mut lines[at].1;
            line.x.push(x[r]);
            line.loss.push(loss[r]);
            if has_cost {
                line.cost.push(cost[r]);
            }
            if has_service {
                line.service.push(service[r]);
            }
        }
        let mut lines: Vec<SweepLine> = lines.into_iter().map(|(_, l)| l).collect();
        for line in &mut lines {
            let mut order: Vec<usize> = (0..line.x.len()).collect();
            order.sort_by(|&a, &b| line.x[a].total_cmp(&line.x[b]));
            line.x = order.iter().map(|&i| line.x[i]).collect();
            line.loss = order.iter().map(|&i| line.loss[i]).collect();
            if has_cost {
                line.cost = order.iter().map(|&i| line.cost[i]).collect();
            }
            if has_service {
                line.service = order.iter().map(|&i| line.service[i]).collect();
            }
        }
        let x_title = if x_axis.ends_with("agents") && x_levels.is_none() {
            "Agents staffed".to_string()
        } else {
            x_axis.replace(['.', '_'], " ")
        };
        Ok(SweepChart {
            name: name.to_string(),
            x_title,
            x_levels,
            loss_kpi,
            has_cost,
            has_service,
            lines,
        })
    }

    /// The point of lowest mean total cost, if the sweep has costs.
    pub fn optimum(&self) -> Option<Optimum> {
        let mut best: Option<(Optimum, f64)> = None;
        for (l, line) in self.lines.iter().enumerate() {
            for (i, c) in line.cost.iter().enumerate() {
                if c.mean.is_finite() && best.is_none_or(|(_, b)| c.mean < b) {
                    best = Some(((l, i), c.mean));
                }
            }
        }
        best.map(|(at, _)| at)
    }

    fn loss_title(&self) -> &'static str {
        match self.loss_kpi {
            "lost_customers" => "Lost customers (mean per run)",
            "abandon_rate" => "Abandoned ÷ offered calls",
            _ => "Abandoned calls (mean per run)",
        }
    }

    /// The chart title: what is shown.
    pub fn title(&self) -> String {
        let loss = match self.loss_kpi {
            "lost_customers" => "lost customers",
            _ => "abandonment",
        };
        let shown: Vec<&str> = self
            .panels()
            .iter()
            .map(|p| match p {
                Panel::Service => "service level",
                Panel::Loss => loss,
                Panel::Cost => "total cost",
            })
            .collect();
        let shown = crate::units::listed(&shown);
        format!("{}: {shown} by {}", self.name, self.x_title.to_lowercase())
    }

    /// "Cost optimum: 6 agents staffed, proactive coverage 50%", when the sweep has costs.
    pub fn optimum_text(&self) -> Option<String> {
        let (l, i) = self.optimum()?;
        let line = &self.lines[l];
        let level = if line.label.is_empty() {
            String::new()
        } else {
            format!(", {}", line.label)
        };
        let x = match &self.x_levels {
            Some(_) => format!(
                "{} = {}",
                self.x_title.to_lowercase(),
                self.x_text(line.x[i])
            ),
            None => format!(
                "{} {}",
                super::number(&line.x[i]),
                self.x_title.to_lowercase()
            ),
        };
        Some(format!("Cost optimum: {x}{level}"))
    }

    /// The tick label of `x`: a level of a text axis (nothing between levels), else the number.
    fn x_text(&self, x: f64) -> String {
        match &self.x_levels {
            Some(levels) if (x - x.round()).abs() < 1e-9 && x >= 0.0 => {
                levels.get(x.round() as usize).cloned().unwrap_or_default()
            }
            Some(_) => String::new(),
            None => super::number(&x),
        }
    }

    fn x_range(&self) -> std::ops::Range<f64> {
        let xs = self.lines.iter().flat_map(|l| l.x.iter().copied());
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        if lo.is_finite() && hi > lo {
            let pad = (hi - lo) * 0.03;
            lo - pad..hi + pad
        } else if lo.is_finite() {
            lo - 1.0..lo + 1.0
        } else {
            0.0..1.0
        }
    }

    /// The colour of line `l` (the loss or cost colour when there is a single line).
    fn line_colour(&self, l: usize, single: RGBColor) -> RGBColor {
        if self.lines.len() == 1 {
            single
        } else {
            palette::LEVELS[l % palette::LEVELS.len()]
        }
    }

    /// The legend of a panel: one entry per line, the band, the optimum.
    fn keys(&self, y_title: &str, single: RGBColor) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .lines
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let label = if line.label.is_empty() {
                    y_title
                } else {
                    &line.label
                };
                Key::new(label, self.line_colour(l, single), Mark::Line)
            })
            .collect();
        keys.push(Key::new(
            "95% confidence band",
            palette::BAND_GREY,
            Mark::Swatch,
        ));
        if let Some(text) = self.optimum_text() {
            keys.push(Key::new(text, palette::BLACK, Mark::Ring));
        }
        keys
    }

    /// The panels drawn, top to bottom.
    fn panels(&self) -> Vec<Panel> {
        let mut panels = Vec::with_capacity(3);
        if self.has_service {
            panels.push(Panel::Service);
        }
        panels.push(Panel::Loss);
        if self.has_cost {
            panels.push(Panel::Cost);
        }
        panels
    }

    /// One panel: a line with its band per level, and the optimum. `first`: the top panel,
    /// whose legend names the lines for every panel.
    fn draw_panel<'a, DB: DrawingBackend>(
        &'a self,
        area: &DrawingArea<DB, Shift>,
        panel: Panel,
        first: bool,
    ) -> DrawResult<DB> {
        let (y_title, shares, single) = match panel {
            Panel::Service => (
                "Service level (answered in time ÷ offered)",
                true,
                series_colour("service_level"),
            ),
            Panel::Loss => (
                self.loss_title(),
                self.loss_kpi == "abandon_rate",
                series_colour(self.loss_kpi),
            ),
            Panel::Cost => (
                "Total cost (mean per run, currency units)",
                false,
                series_colour("total_cost"),
            ),
        };
        let values = |l: &'a SweepLine| l.values(panel);
        let keys = if !first && self.lines.len() > 1 {
            Vec::new() // the panel above already names the lines
        } else {
            self.keys(y_title, single)
        };
        let area = super::keyed(area, &keys)?;
        let defined = || {
            self.lines
                .iter()
                .flat_map(|l| values(l).iter())
                .filter(|e| e.value().is_some())
        };
        let top = defined()
            .map(|e| e.mean + e.half_width())
            .fold(0.0, f64::max);
        let y = if shares {
            0.0..super::nice_ceiling((top * 1.1).clamp(0.05, 1.0))
        } else if panel == Panel::Cost {
            // costs: the axis starts near the cheapest point, so the optimum stands out
            let low = defined()
                .map(|e| e.mean - e.half_width())
                .fold(f64::INFINITY, f64::min);
            let span = super::nice_ceiling((top - low).max(1e-9));
            let step = span / 5.0;
            let floor = ((low - 0.1 * span) / step).floor().max(0.0) * step;
            floor..(floor + super::nice_ceiling(top * 1.05 - floor)).max(top)
        } else {
            0.0..super::nice_ceiling(top * 1.1)
        };
        let mut plot = super::panel(&area, self.x_range(), y, false)?;
        let value_format = |x: &f64| {
            if shares {
                super::percent(x)
            } else {
                super::number(x)
            }
        };
        // agents are whole: label whole numbers only
        let whole = self
            .lines
            .iter()
            .flat_map(|l| &l.x)
            .all(|x| x.fract() == 0.0);
        let x_format = |x: &f64| {
            if whole && (x - x.round()).abs() > 1e-9 {
                String::new()
            } else {
                self.x_text(*x)
            }
        };
        super::axes(
            &mut plot,
            &Axis {
                title: &self.x_title,
                ticks: 12,
                format: &x_format,
            },
            &Axis {
                title: y_title,
                ticks: 6,
                format: &value_format,
            },
        )?;
        let lines: Vec<(RGBColor, Vec<(f64, Estimate)>)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let points = line
                    .x
                    .iter()
                    .copied()
                    .zip(values(line).iter().copied())
                    .filter(|(_, e)| e.value().is_some())
                    .collect();
                (self.line_colour(l, single), points)
            })
            .collect();
        // every band first, so that no band veils another level's line
        for (colour, points) in &lines {
            let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
            let low: Vec<f64> = points
                .iter()
                .map(|(_, e)| (e.mean - e.half_width()).max(0.0))
                .collect();
            let high: Vec<f64> = points
                .iter()
                .map(|(_, e)| e.mean + e.half_width())
                .collect();
            plot.draw_series(std::iter::once(super::band(&xs, &low, &high, *colour)))?;
        }
        for (colour, points) in &lines {
            plot.draw_series(
                points
                    .iter()
                    .map(|(x, e)| Circle::new((*x, e.mean), 7, colour.filled())),
            )?;
            plot.draw_series(std::iter::once(PathElement::new(
                points.iter().map(|(x, e)| (*x, e.mean)).collect::<Vec<_>>(),
                colour.stroke_width(size::LINE),
            )))?;
        }
        if let Some((l, i)) = self.optimum() {
            let line = &self.lines[l];
            let x = line.x[i];
            let y = values(line)[i].mean;
            let top = plot.y_range().end;
            plot.draw_series(std::iter::once(super::dashed(
                vec![(x, 0.0), (x, top)],
                palette::GREY,
            )))?;
            plot.draw_series(std::iter::once(Circle::new(
                (x, y),
                16,
                palette::BLACK.stroke_width(4),
            )))?;
        }
        Ok(())
    }
}

impl Chart for SweepChart {
    /// 900 pixels high for one panel, 500 more for each further one.
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 400 + 500 * self.panels().len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title())?;
        let panels = self.panels();
        let areas = area.split_evenly((panels.len(), 1));
        for (i, (panel, area)) in panels.iter().zip(&areas).enumerate() {
            self.draw_panel(area, *panel, i == 0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const TABLE: &str = "\
point,staffing.agents,proactive.coverage,lost_customers,lost_customers_ci95,total_cost,total_cost_ci95
0,4,0.0,30,3,900,20
1,5,0.0,20,2,800,20
2,4,0.5,20,2,850,20
3,5,0.5,10,1,780,20
4,6,0.0,10,1,820,20
";

    #[test]
    fn lines_per_coverage_level_and_the_optimum() {
        let table = CsvTable::parse(Path::new("sweep.csv"), TABLE).unwrap();
        let chart = SweepChart::from_table("s", &table).unwrap();
        assert_eq!(chart.lines.len(), 2);
        assert_eq!(chart.lines[0].label, "proactive coverage 0%");
        assert_eq!(chart.lines[0].x, [4.0, 5.0, 6.0]);
        assert_eq!(chart.optimum(), Some((1, 1)));
        assert_eq!(
            chart.optimum_text().unwrap(),
            "Cost optimum: 5 agents staffed, proactive coverage 50%"
        );
    }

    #[test]
    fn abandonment_when_no_customer_was_counted_lost() {
        let text = "point,staffing.agents,lost_customers,lost_customers_ci95,abandon_rate,abandon_rate_ci95\n\
                    0,1,0,0,0.5,0.1\n1,2,0,0,0.3,0.1\n";
        let table = CsvTable::parse(Path::new("sweep.csv"), text).unwrap();
        let chart = SweepChart::from_table("s", &table).unwrap();
        assert_eq!(chart.loss_kpi, "abandon_rate");
        assert_eq!(chart.lines.len(), 1);
        assert!(chart.optimum().is_none());
    }

    #[test]
    fn a_table_without_kpis_is_an_error_naming_the_file() {
        let table = CsvTable::parse(Path::new("x/sweep.csv"), "point,a\n0,1\n").unwrap();
        let err = SweepChart::from_table("s", &table).unwrap_err();
        assert!(err.to_string().starts_with("x/sweep.csv: "), "{err}");
    }
}
