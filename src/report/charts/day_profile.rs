//! The day profile of one scenario: top, offered calls per interval as bars with the agents
//! staffed as a step line on a second axis; below, the service level per interval (with its
//! 95% band) against the target line, and the abandonment rate.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::report::load::{Estimate, SavedResult, file_error};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;

/// The data of a day-profile chart.
#[derive(Debug, Clone)]
pub struct DayProfile {
    /// Chart title.
    pub title: String,
    /// Title of the time axis.
    pub time_title: String,
    /// Start of each interval, and after the last one its end (empty when unknown).
    pub boundaries: Vec<String>,
    /// Mean offered calls per interval.
    pub offered: Vec<f64>,
    /// Agents staffed per interval.
    pub agents: Vec<f64>,
    /// Service level per interval (answered within the threshold ÷ offered).
    pub service_level: Vec<Estimate>,
    /// Abandoned ÷ offered per interval.
    pub abandon_rate: Vec<Estimate>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Service-level target (share).
    pub target: f64,
}

/// Adds the end of the last interval to interval starts written as `HH:MM`, when possible.
fn with_end(starts: &[&str]) -> Vec<String> {
    let minutes = |s: &str| -> Option<i64> {
        let (h, m) = s.split_once(':')?;
        Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
    };
    let mut out: Vec<String> = starts.iter().map(|s| s.to_string()).collect();
    let end = match starts {
        [.., a, b] => minutes(a)
            .zip(minutes(b))
            .map(|(a, b)| 2 * b - a)
            .map(|m| crate::units::format_clock((m * 60) as f64)),
        _ => None,
    };
    out.push(end.unwrap_or_default());
    out
}

impl DayProfile {
    /// The day profile of a saved result.
    pub fn from_result(r: &SavedResult) -> io::Result<Self> {
        let t = &r.intervals;
        let need = |name: &str| -> io::Result<Vec<Estimate>> {
            t.estimates(name)?.ok_or_else(|| {
                file_error(
                    &t.path,
                    format!("the columns `{name}`, `{name}_ci95` are missing"),
                )
            })
        };
        let starts = t.texts("start").unwrap_or_default();
        let steady = r.kind == "steady_state";
        Ok(DayProfile {
            title: format!("{}: calls, agents and service per interval", r.name),
            time_title: if steady {
                "Interval start (hours:minutes since the start of the run)".into()
            } else {
                "Interval start (time of day)".into()
            },
            boundaries: with_end(&starts),
            offered: need("offered")?.iter().map(|e| e.mean).collect(),
            agents: t.numbers("staffed_agents")?.unwrap_or_default(),
            service_level: need("service_level")?,
            abandon_rate: need("abandon_rate")?,
            threshold_s: r.threshold_s,
            target: r.target,
        })
    }

    fn intervals(&self) -> usize {
        self.offered.len()
    }
}

impl Chart for DayProfile {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 1300)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        let n = self.intervals().max(1) as f64;
        let boundary = |x: &f64| super::interval_label(&self.boundaries, *x);
        let ticks = self.intervals().min(14) + 1;
        let time = Axis {
            title: &self.time_title,
            ticks,
            format: &boundary,
        };

        // Top: offered calls (bars, left axis) and agents (step line, right axis).
        let max_offered = self
            .offered
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        let max_agents = self
            .agents
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        let offered = series_colour("offered");
        let agents = series_colour("agents");
        let top = super::keyed(
            &top,
            &[
                Key::new("Offered calls (mean)", offered, Mark::Swatch),
                Key::new("Agents staffed (right axis)", agents, Mark::Line),
            ],
        )?;
        let mut plot = super::panel(
            &top,
            0.0..n,
            0.0..super::nice_ceiling(max_offered * 1.25),
            true,
        )?
        .set_secondary_coord(0.0..n, 0.0..super::nice_ceiling(max_agents * 1.25));
        super::axes(
            &mut plot,
            &time,
            &Axis {
                title: "Offered calls per interval",
                ticks: 6,
                format: &super::number,
            },
        )?;
        super::right_axis(
            &mut plot,
            &Axis {
                title: "Agents staffed",
                ticks: 6,
                format: &super::number,
            },
        )?;
        plot.draw_series(super::interval_bars(&self.offered, offered))?;
        plot.draw_secondary_series(std::iter::once(super::step_line(&self.agents, agents)))?;

        // Bottom: service level with its band, the target, abandonment.
        let sl_label = format!(
            "Service level: answered within {} s ÷ offered",
            self.threshold_s
        );
        let (sl, abandon, grey) = (
            series_colour("service_level"),
            series_colour("abandon_rate"),
            palette::GREY,
        );
        let bottom = super::keyed(
            &bottom,
            &[
                Key::new(sl_label, sl, Mark::Line),
                Key::new(
                    format!("Target {}", super::percent(&self.target)),
                    grey,
                    Mark::Dashed,
                ),
                Key::new("Abandoned ÷ offered", abandon, Mark::Line),
                Key::new("95% confidence band", palette::BAND_GREY, Mark::Swatch),
            ],
        )?;
        share_panel(
            &bottom,
            &time,
            n,
            true,
            &[(&self.service_level, sl), (&self.abandon_rate, abandon)],
            (self.target, grey),
        )?;
        Ok(())
    }
}

/// The lower panel of the per-interval charts: shares of offered calls (0 to 100%) per
/// interval over `n` intervals, each with its 95% band, and the `(target, colour)` as a dashed
/// line across.
/// Bands are drawn first, so that no band veils another line. `right_axis` leaves room for
/// a secondary axis, to line up with a panel above that has one. Returns the panel to draw
/// more on.
pub(crate) fn share_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    time: &Axis,
    n: f64,
    right_axis: bool,
    shares: &[(&[Estimate], RGBColor)],
    (target, target_colour): (f64, RGBColor),
) -> Result<super::Plot<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut plot = super::panel(area, 0.0..n, 0.0..1.0, right_axis)?;
    super::axes(
        &mut plot,
        time,
        &Axis {
            title: "Share of offered calls",
            ticks: 6,
            format: &super::percent,
        },
    )?;
    for &(values, colour) in shares {
        draw_share(&mut plot, values, colour, Part::Band)?;
    }
    plot.draw_series(std::iter::once(super::dashed(
        vec![(0.0, target), (n, target)],
        target_colour,
    )))?;
    for &(values, colour) in shares {
        draw_share(&mut plot, values, colour, Part::Line)?;
    }
    Ok(plot)
}

/// Which part of a share series to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The 95% band.
    Band,
    /// The line and its points.
    Line,
}

/// A share per interval: a line through the interval midpoints, or its 95% band; intervals
/// where the share is undefined (no calls) break the line.
pub(crate) fn draw_share<DB: DrawingBackend>(
    plot: &mut super::Plot<'_, DB>,
    values: &[Estimate],
    colour: RGBColor,
    part: Part,
) -> DrawResult<DB> {
    let runs = defined_runs(values);
    let mid = |k: usize| k as f64 + 0.5;
    if part == Part::Band {
        for run in &runs {
            let xs: Vec<f64> = run.iter().map(|(k, _)| mid(*k)).collect();
            let low: Vec<f64> = run
                .iter()
                .map(|(_, e)| (e.mean - e.half_width()).max(0.0))
                .collect();
            let high: Vec<f64> = run
                .iter()
                .map(|(_, e)| (e.mean + e.half_width()).min(1.0))
                .collect();
            plot.draw_series(std::iter::once(super::band(&xs, &low, &high, colour)))?;
        }
        return Ok(());
    }
    let points = runs
        .iter()
        .flatten()
        .map(|(k, e)| Circle::new((mid(*k), e.mean), 6, colour.filled()));
    plot.draw_series(points)?;
    let lines = runs.iter().map(|run| {
        PathElement::new(
            run.iter()
                .map(|(k, e)| (mid(*k), e.mean))
                .collect::<Vec<_>>(),
            colour.stroke_width(size::LINE),
        )
    });
    plot.draw_series(lines)?;
    Ok(())
}

/// The stretches of consecutive intervals where an estimate is defined.
pub(crate) fn defined_runs(values: &[Estimate]) -> Vec<Vec<(usize, Estimate)>> {
    let mut runs: Vec<Vec<(usize, Estimate)>> = Vec::new();
    let mut current = Vec::new();
    for (k, e) in values.iter().enumerate() {
        if e.value().is_some() {
            current.push((k, *e));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_the_day_is_extrapolated() {
        assert_eq!(with_end(&["09:00", "09:30"]), ["09:00", "09:30", "10:00"]);
        assert_eq!(with_end(&["5h", "15h"]), ["5h", "15h", ""]);
        assert_eq!(with_end(&["09:00"]), ["09:00", ""]);
    }

    #[test]
    fn undefined_intervals_break_the_line() {
        let e = |mean| Estimate { mean, ci95: 0.1 };
        let runs = defined_runs(&[e(0.5), e(f64::NAN), e(0.7), e(0.8)]);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1][0].0, 2);
    }
}
