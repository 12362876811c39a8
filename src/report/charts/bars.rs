//! Bar charts across scenarios, grouped (KPI comparison: service level, abandonment and
//! occupancy side by side for each scenario, with 95% whiskers) or stacked (cost breakdown:
//! agents, telephony, proactive contact and lost customers, one bar per scenario, the total
//! and its 95% whisker on top). Both are one [`BarChart`], so they look alike.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::report::load::{Estimate, SavedResult};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How the series of a group are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Side by side, each with its whisker.
    Grouped,
    /// On top of each other, the total on top.
    Stacked,
}

/// One series of bars: one value per group.
#[derive(Debug, Clone)]
pub struct BarSeries {
    /// The KPI it shows (fixes its colour).
    pub key: String,
    /// Legend entry.
    pub label: String,
    /// One value per group (absent where the scenario lacks the KPI).
    pub values: Vec<Option<Estimate>>,
}

/// A bar chart over groups (scenarios).
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Chart title.
    pub title: String,
    /// Title of the value axis, with its unit.
    pub value_title: String,
    /// Values are shares (axis 0–100%).
    pub shares: bool,
    /// Group names (scenarios), left to right.
    pub groups: Vec<String>,
    /// The series.
    pub series: Vec<BarSeries>,
    /// Placement of the series.
    pub layout: Layout,
    /// For stacked bars: the total of each group, drawn with its whisker.
    pub totals: Vec<Option<Estimate>>,
}

/// Cost components, in the order they are stacked, with their legend entries.
const COST_PARTS: [(&str, &str); 4] = [
    ("cost_agents", "Agents"),
    ("cost_telephony", "Telephony"),
    ("cost_proactive", "Proactive contact"),
    ("cost_lost_customers", "Lost customers"),
];

/// "cost_overtime_pay" → "Overtime pay".
fn cost_label(key: &str) -> String {
    if let Some((_, label)) = COST_PARTS.iter().find(|(k, _)| *k == key) {
        return label.to_string();
    }
    let words = key.trim_start_matches("cost_").replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn values(results: &[&SavedResult], key: &str) -> Vec<Option<Estimate>> {
    results
        .iter()
        .map(|r| r.kpi(key).filter(|e| e.value().is_some()))
        .collect()
}

/// The cost breakdown of those of `results` that have costs (stacked, one bar each), or
/// `None` when none has.
/// Every `cost_*` KPI present is a component (the known ones first, then any others), except
/// ratios (`cost_per_*`).
pub fn cost_breakdown(results: &[&SavedResult]) -> Option<BarChart> {
    let results: Vec<&SavedResult> = results
        .iter()
        .copied()
        .filter(|r| r.kpis.iter().any(|(k, _)| k.starts_with("cost_")))
        .collect();
    let results = results.as_slice();
    let mut keys: Vec<&str> = COST_PARTS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| results.iter().any(|r| r.kpi(k).is_some()))
        .collect();
    for r in results {
        for (k, _) in &r.kpis {
            // components add up to the total; ratios such as cost_per_call_handled do not
            if k.starts_with("cost_") && !k.contains("_per_") && !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        return None;
    }
    let per_day = results.iter().all(|r| r.kind == "working_day");
    let name = match results {
        [one] => format!("{}: ", one.name),
        _ => String::new(),
    };
    Some(BarChart {
        title: format!("{name}cost breakdown (mean, total with 95% CI)"),
        value_title: if per_day {
            "Cost per day (currency units)".into()
        } else {
            "Cost of the run (currency units)".into()
        },
        shares: false,
        groups: results.iter().map(|r| r.name.clone()).collect(),
        series: keys
            .iter()
            .map(|k| BarSeries {
                key: k.to_string(),
                label: cost_label(k),
                values: values(results, k),
            })
            .collect(),
        layout: Layout::Stacked,
        totals: values(results, "total_cost"),
    })
}

/// Service level, abandonment and occupancy of each of `results`, side by side.
pub fn kpi_comparison(results: &[&SavedResult]) -> BarChart {
    let threshold = results
        .first()
        .map(|r| r.threshold_s)
        .filter(|t| results.iter().all(|r| r.threshold_s == *t));
    let sl = match threshold {
        Some(t) => format!("Service level (answered within {t} s ÷ offered)"),
        None => "Service level (answered within the threshold ÷ offered)".into(),
    };
    let series = [
        ("service_level", sl),
        ("abandon_rate", "Abandoned ÷ offered".to_string()),
        ("occupancy", "Agent occupancy".to_string()),
    ]
    .into_iter()
    .filter(|(k, _)| results.iter().any(|r| r.kpi(k).is_some()))
    .map(|(key, label)| BarSeries {
        key: key.into(),
        label,
        values: values(results, key),
    })
    .collect();
    BarChart {
        title: "Scenarios compared (mean and 95% CI)".into(),
        value_title: "Share of offered calls / of agent time".into(),
        shares: true,
        groups: results.iter().map(|r| r.name.clone()).collect(),
        series,
        layout: Layout::Grouped,
        totals: Vec::new(),
    }
}

impl BarChart {
    /// The top of the value axis.
    fn value_max(&self) -> f64 {
        if self.shares {
            return 1.1; // room for the value labels above bars near 100%
        }
        let stacks = (0..self.groups.len()).map(|g| {
            let parts: f64 = self
                .series
                .iter()
                .filter_map(|s| s.values[g])
                .map(|e| e.mean.max(0.0))
                .sum();
            let total = self.totals.get(g).copied().flatten();
            total.map_or(parts, |t| parts.max(t.mean + t.half_width()))
        });
        let highest = match self.layout {
            Layout::Stacked => stacks.fold(0.0, f64::max),
            Layout::Grouped => self
                .series
                .iter()
                .flat_map(|s| s.values.iter().flatten())
                .map(|e| e.mean + e.half_width())
                .fold(0.0, f64::max),
        };
        super::nice_ceiling(highest * 1.3)
    }

    fn format(&self, x: f64) -> String {
        if self.shares {
            format!("{:.0}%", 100.0 * x)
        } else {
            super::number(&x.round())
        }
    }
}

impl Chart for BarChart {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let mut keys: Vec<Key> = self
            .series
            .iter()
            .map(|s| Key::new(s.label.as_str(), series_colour(&s.key), Mark::Swatch))
            .collect();
        if self.layout == Layout::Stacked && self.totals.iter().any(Option::is_some) {
            keys.push(Key::new(
                "Total with its 95% CI",
                palette::BLACK,
                Mark::Line,
            ));
        }
        let area = super::keyed(&area, &keys)?;
        let n = self.groups.len().max(1);
        let top = self.value_max();
        let mut plot = super::panel(&area, -0.5..n as f64 - 0.5, 0.0..top, false)?;
        let group_name = |x: &f64| {
            let k = x.round();
            if (x - k).abs() > 1e-6 || k < 0.0 {
                return String::new();
            }
            let name = self.groups.get(k as usize).cloned().unwrap_or_default();
            // names that would run into their neighbours are shortened (the pages and the
            // tables give them whole)
            let fits = (super::WIDTH as f64 - 200.0) / n as f64 / (0.6 * size::LABEL as f64);
            shorten(&name, fits.max(4.0) as usize)
        };
        let value_format = |x: &f64| {
            if self.shares {
                if *x > 1.0 + 1e-9 {
                    String::new()
                } else {
                    super::percent(x)
                }
            } else {
                super::number(x)
            }
        };
        super::axes(
            &mut plot,
            &Axis {
                title: "Scenario",
                ticks: n + 1,
                format: &group_name,
            },
            &Axis {
                title: &self.value_title,
                ticks: 6,
                format: &value_format,
            },
        )?;
        let slots = match self.layout {
            Layout::Grouped => self.series.len().max(1),
            Layout::Stacked => 1,
        };
        let slot = 0.8 / slots as f64;
        let label_style = super::font(size::LABEL - 2).pos(Pos::new(HPos::Center, VPos::Bottom));
        let show_values = self.groups.len() * slots <= 24;
        let mut base = vec![0.0; self.groups.len()];
        for (i, s) in self.series.iter().enumerate() {
            let colour = series_colour(&s.key);
            let mut bars = Vec::new();
            let mut marks = Vec::new();
            for (g, v) in s.values.iter().enumerate() {
                let Some(v) = v else { continue };
                let left = g as f64 - 0.4 + if slots > 1 { i as f64 * slot } else { 0.0 };
                let (low, high) = match self.layout {
                    Layout::Grouped => (0.0, v.mean),
                    Layout::Stacked => (base[g], base[g] + v.mean.max(0.0)),
                };
                base[g] = high;
                let mid = left + slot / 2.0;
                bars.push(Rectangle::new(
                    [(left + 0.04 * slot, low), (left + 0.96 * slot, high)],
                    colour.filled(),
                ));
                if self.layout == Layout::Grouped {
                    let whisker_top = v.mean + v.half_width();
                    marks.extend(super::whisker(
                        mid,
                        v.mean - v.half_width(),
                        whisker_top,
                        slot / 6.0,
                    ));
                    if show_values {
                        plot.draw_series(std::iter::once(Text::new(
                            self.format(v.mean),
                            (mid, whisker_top + 0.02 * top),
                            label_style.clone(),
                        )))?;
                    }
                }
            }
            plot.draw_series(bars)?;
            plot.draw_series(marks)?;
        }
        if self.layout == Layout::Stacked {
            for (g, total) in self.totals.iter().enumerate() {
                let Some(t) = total else { continue };
                let x = g as f64;
                plot.draw_series(super::whisker(
                    x,
                    t.mean - t.half_width(),
                    t.mean + t.half_width(),
                    0.05,
                ))?;
                plot.draw_series(std::iter::once(Text::new(
                    format!("total {}", self.format(t.mean)),
                    (x, t.mean.max(base[g]) + t.half_width() + 0.02 * top),
                    label_style.clone(),
                )))?;
            }
        }
        Ok(())
    }
}

/// `name` cut to at most `chars` characters: its start and its end, an ellipsis marking the
/// cut, so that names differing only at the end (`roster-day`, `roster-week`) stay apart.
fn shorten(name: &str, chars: usize) -> String {
    let n = name.chars().count();
    if n <= chars {
        return name.to_string();
    }
    let keep = chars.saturating_sub(1);
    let tail = keep / 2;
    let head = keep - tail;
    let mut short: String = name.chars().take(head).collect();
    short.push('…');
    short.extend(name.chars().skip(n - tail));
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_labels() {
        assert_eq!(cost_label("cost_agents"), "Agents");
        assert_eq!(cost_label("cost_overtime_pay"), "Overtime pay");
        assert_eq!(shorten("steady-mmc-abandon", 8), "stea…don");
        assert_ne!(shorten("roster-day", 5), shorten("roster-week", 5));
        assert_eq!(shorten("hold", 8), "hold");
    }
}
