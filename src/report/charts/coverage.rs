//! The coverage chart of a roster: top, the heads each interval requires (bars) and the heads
//! the roster has present, not on break (step line); below, when the roster was checked by
//! simulation, the service level per interval the roster gives against the plan's (same
//! callers) and the target.

use super::day_profile::share_panel;
use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::report::load::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The data of a coverage chart.
#[derive(Debug, Clone)]
pub struct CoverageChart {
    /// Chart title.
    pub title: String,
    /// Each interval as people read it (`"07:00"`, `"Tue 03:00"`).
    pub labels: Vec<String>,
    /// Heads required per interval.
    pub required: Vec<f64>,
    /// Heads rostered and not on break per interval.
    pub covered: Vec<f64>,
    /// Service level per interval of the roster's check; empty when not checked.
    pub service_level: Vec<Estimate>,
    /// Service level per interval of the plan's final check; empty when not checked.
    pub plan_service_level: Vec<Estimate>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Service-level target (share).
    pub target: f64,
    /// Intervals per day when the chart shows a week (days are then marked and named, Monday
    /// first); 0 for one day.
    pub week_day: usize,
}

impl CoverageChart {
    fn checked(&self) -> bool {
        !self.service_level.is_empty()
    }
}

impl Chart for CoverageChart {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, if self.checked() { 1300 } else { 760 })
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let (top, bottom) = if self.checked() {
            let (t, b) = area.split_vertically(area.dim_in_pixel().1 / 2);
            (t, Some(b))
        } else {
            (area, None)
        };
        let n = self.required.len().max(1);
        let label = |x: &f64| super::interval_label(&self.labels, *x);
        // About 12 labelled ticks on whole intervals; a week names its days instead.
        let ticks = if self.week_day > 0 { 0 } else { n.min(12) + 1 };
        let time = Axis {
            title: if self.week_day > 0 {
                "Day of the week (from 00:00 each day)"
            } else {
                "Interval start"
            },
            ticks,
            format: &label,
        };
        let required = series_colour("offered");
        let covered = series_colour("agents");
        let top = super::keyed(
            &top,
            &[
                Key::new(
                    "Heads required (plan ÷ (1 − shrinkage))",
                    required,
                    Mark::Swatch,
                ),
                Key::new("Heads rostered, not on break", covered, Mark::Line),
            ],
        )?;
        let max = self
            .required
            .iter()
            .chain(&self.covered)
            .copied()
            .fold(0.0, f64::max);
        let y_top = super::nice_ceiling(max * 1.15);
        let mut plot = super::panel(&top, 0.0..n as f64, 0.0..y_top, false)?;
        super::axes(
            &mut plot,
            &time,
            &Axis {
                title: "Heads",
                ticks: 6,
                format: &super::number,
            },
        )?;
        plot.draw_series(super::interval_bars(&self.required, required))?;
        plot.draw_series(std::iter::once(super::step_line(&self.covered, covered)))?;
        self.mark_days(&mut plot, n, y_top)?;
        let Some(bottom) = bottom else {
            return Ok(());
        };
        let (sl, plan, grey) = (
            series_colour("service_level"),
            palette::DARK_GREY,
            palette::GREY,
        );
        let bottom = super::keyed(
            &bottom,
            &[
                Key::new(
                    format!(
                        "Service level of the roster (answered within {} s ÷ offered)",
                        self.threshold_s
                    ),
                    sl,
                    Mark::Line,
                ),
                Key::new("of the plan, same callers", plan, Mark::Line),
                Key::new(
                    format!("Target {}", super::percent(&self.target)),
                    grey,
                    Mark::Dashed,
                ),
                Key::new("95% confidence band", palette::BAND_GREY, Mark::Swatch),
            ],
        )?;
        let mut plot = share_panel(
            &bottom,
            &time,
            n as f64,
            false,
            &[(&self.plan_service_level, plan), (&self.service_level, sl)],
            (self.target, grey),
        )?;
        self.mark_days(&mut plot, n, 1.0)
    }
}

impl CoverageChart {
    /// In a week, a line at each midnight and the day's name under the axis.
    fn mark_days<DB: DrawingBackend>(
        &self,
        plot: &mut super::Plot<'_, DB>,
        n: usize,
        top: f64,
    ) -> DrawResult<DB> {
        if self.week_day == 0 {
            return Ok(());
        }
        let per_day = self.week_day;
        let midnights = (1..n.div_ceil(per_day)).map(|d| (d * per_day) as f64);
        plot.draw_series(
            midnights
                .map(|x| PathElement::new(vec![(x, 0.0), (x, top)], palette::GREY.stroke_width(1))),
        )?;
        let style = super::font(size::LABEL).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
        let names = crate::units::WEEKDAYS;
        plot.draw_series((0..n.div_ceil(per_day)).map(|d| {
            let x = (d * per_day) as f64 + per_day as f64 / 2.0;
            EmptyElement::at((x, 0.0)) + Text::new(names[d % 7].to_string(), (0, 12), style.clone())
        }))?;
        Ok(())
    }
}
