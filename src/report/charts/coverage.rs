//! The coverage chart of a roster: top, the heads each interval requires (bars), the heads the
//! roster has present, not on break (solid step line), and of them the agents on the phones,
//! less shrinkage (dashed step line); below, when the roster was checked by simulation, the
//! service level the roster gives against the plan's (same callers) and the target: per
//! interval on a day, per day on a week (seven points rather than 336).

use super::day_profile::{Part, defined_runs, draw_share, share_panel};
use super::{Axis, Chart, DrawResult, Key, Mark, palette, size};
use crate::report::load::Estimate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    /// Agents on the phones per interval: the heads rostered less shrinkage; empty without
    /// shrinkage (they are then the heads rostered).
    pub on_phones: Vec<f64>,
    /// Shrinkage, a share of paid time off the phones.
    pub shrinkage: f64,
    /// Service level of the roster's check: per interval for a day, per day for a week (in
    /// the order of `days`); empty when not checked.
    pub service_level: Vec<Estimate>,
    /// Service level of the plan's final check, as `service_level`.
    pub plan_service_level: Vec<Estimate>,
    /// The names of the week's days (`Mon` … `Sun`) whose service level is shown; empty for
    /// one day.
    pub days: Vec<String>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Service-level target (share).
    pub target: f64,
    /// Who covers the intervals, as the keys say it.
    pub covered_by: CoveredBy,
    /// Intervals per day when the chart shows a week (days are then marked and named, Monday
    /// first); 0 for one day.
    pub week_day: usize,
}

/// Who covers a coverage chart's intervals, in its keys: the roster's shifts, or the people
/// given the week's tours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoveredBy {
    /// The heads, after "Heads" (`rostered`).
    pub heads: &'static str,
    /// Whose service level, after "with" (`the roster`).
    pub check: &'static str,
}

impl CoveredBy {
    /// The roster's shifts.
    pub const ROSTER: CoveredBy = CoveredBy {
        heads: "rostered",
        check: "the roster",
    };
    /// The people given the week's tours.
    pub const PEOPLE: CoveredBy = CoveredBy {
        heads: "of the people",
        check: "the people",
    };
}

/// Colours of the series: required bars, rostered heads, agents on the phones, the roster's
/// service level, the plan's, the target.
const REQUIRED: RGBColor = palette::SKY_BLUE;
const ROSTERED: RGBColor = palette::BLACK;
const ON_PHONES: RGBColor = palette::VERMILLION;
const ROSTER_SL: RGBColor = palette::BLUE;
const PLAN_SL: RGBColor = palette::ORANGE;
const TARGET: RGBColor = palette::GREY;

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
        let mut keys = vec![
            Key::new(
                "Heads required (plan ÷ (1 − shrinkage))",
                REQUIRED,
                Mark::Swatch,
            ),
            Key::new(
                format!("Heads {}, not on break", self.covered_by.heads),
                ROSTERED,
                Mark::Line,
            ),
        ];
        if !self.on_phones.is_empty() {
            keys.push(Key::new(
                format!(
                    "On the phones ({} less {} shrinkage)",
                    self.covered_by.heads,
                    super::percent(&self.shrinkage)
                ),
                ON_PHONES,
                Mark::Dashed,
            ));
        }
        let top = super::keyed(&top, &keys)?;
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
        plot.draw_series(super::interval_bars(&self.required, REQUIRED))?;
        plot.draw_series(std::iter::once(super::step_line(&self.covered, ROSTERED)))?;
        if !self.on_phones.is_empty() {
            plot.draw_series(std::iter::once(super::dashed_step_line(
                &self.on_phones,
                ON_PHONES,
            )))?;
        }
        self.mark_days(&mut plot, n, y_top)?;
        let Some(bottom) = bottom else {
            return Ok(());
        };
        let bottom = super::keyed(&bottom, &self.service_keys())?;
        if self.week_day > 0 {
            return self.per_day(&bottom);
        }
        // the plan's band as dashed edges, so that it stays apart from the roster's filled one
        let mut plot = share_panel(&bottom, &time, n as f64, false, &[], (self.target, TARGET))?;
        draw_share(&mut plot, &self.service_level, ROSTER_SL, Part::Band)?;
        for run in defined_runs(&self.plan_service_level) {
            for edge in [-1.0, 1.0] {
                let points: Vec<(f64, f64)> = run
                    .iter()
                    .map(|&(k, e)| {
                        (
                            k as f64 + 0.5,
                            (e.mean + edge * e.half_width()).clamp(0.0, 1.0),
                        )
                    })
                    .collect();
                plot.draw_series(std::iter::once(DashedPathElement::new(
                    points,
                    8,
                    6,
                    PLAN_SL.stroke_width(2),
                )))?;
            }
        }
        draw_share(&mut plot, &self.plan_service_level, PLAN_SL, Part::Line)?;
        draw_share(&mut plot, &self.service_level, ROSTER_SL, Part::Line)
    }
}

impl CoverageChart {
    /// The legend of the service-level panel: each series, its band (a day) or whisker (a
    /// week) and the target.
    fn service_keys(&self) -> Vec<Key> {
        let week = self.week_day > 0;
        let mut keys = vec![
            Key::new(
                format!(
                    "Service level {} with {} (answered within {} s ÷ offered)",
                    if week { "of each day" } else { "per interval" },
                    self.covered_by.check,
                    self.threshold_s
                ),
                ROSTER_SL,
                Mark::Line,
            ),
            Key::new("with the plan, same callers", PLAN_SL, Mark::Line),
            Key::new(
                format!("Target {}", super::percent(&self.target)),
                TARGET,
                Mark::Dashed,
            ),
        ];
        if week {
            keys.push(Key::new(
                "95% confidence whiskers",
                palette::BLACK,
                Mark::Line,
            ));
        } else {
            keys.push(Key::new(
                "95% band of the roster",
                super::tint(ROSTER_SL),
                Mark::Swatch,
            ));
            keys.push(Key::new("of the plan (its edges)", PLAN_SL, Mark::Dashed));
        }
        keys
    }

    /// A week's service level, one point per day for the roster and one for the plan, each
    /// with its 95% whisker and the roster's value written above it, and the target.
    fn per_day<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let days = self.service_level.len().max(1);
        let series = [
            (&self.plan_service_level, PLAN_SL, 0.62),
            (&self.service_level, ROSTER_SL, 0.38),
        ];
        let low = series
            .iter()
            .flat_map(|(v, ..)| v.iter())
            .filter(|e| e.mean.is_finite())
            .map(|e| e.mean - e.half_width())
            .fold(self.target, f64::min);
        // a floor in whole tenths below every whisker and the target
        let floor = ((low - 0.05) * 10.0).floor().clamp(0.0, 9.0) / 10.0;
        let none = |_: &f64| String::new();
        let mut plot = super::panel(area, 0.0..days as f64, floor..1.0, false)?;
        super::axes(
            &mut plot,
            &Axis {
                title: "Day of the week (the whole day)",
                ticks: 0,
                format: &none,
            },
            &Axis {
                title: "Share of offered calls",
                ticks: 6,
                format: &super::percent,
            },
        )?;
        plot.draw_series(std::iter::once(super::dashed(
            vec![(0.0, self.target), (days as f64, self.target)],
            TARGET,
        )))?;
        for (values, colour, at) in series {
            let defined = values
                .iter()
                .enumerate()
                .filter(|(_, e)| e.mean.is_finite());
            for (d, e) in defined.clone() {
                let x = d as f64 + at;
                let (lo, hi) = (
                    (e.mean - e.half_width()).max(floor),
                    (e.mean + e.half_width()).min(1.0),
                );
                plot.draw_series(super::whisker(x, lo, hi, 0.06))?;
            }
            plot.draw_series(
                defined
                    .clone()
                    .map(|(d, e)| Circle::new((d as f64 + at, e.mean), 11, colour.filled())),
            )?;
            if colour == ROSTER_SL {
                // the roster's value above its whisker
                let style = super::font(size::LABEL).pos(Pos::new(HPos::Center, VPos::Bottom));
                plot.draw_series(defined.map(|(d, e)| {
                    let top = (e.mean + e.half_width()).min(1.0);
                    EmptyElement::at((d as f64 + at, top))
                        + Text::new(format!("{:.1}%", e.mean * 100.0), (0, -8), style.clone())
                }))?;
            }
        }
        let names = super::font(size::LABEL).pos(Pos::new(HPos::Center, VPos::Top));
        plot.draw_series(self.days.iter().enumerate().map(|(d, name)| {
            EmptyElement::at((d as f64 + 0.5, floor))
                + Text::new(name.clone(), (0, 12), names.clone())
        }))?;
        plot.draw_series((1..days).map(|d| {
            PathElement::new(
                vec![(d as f64, floor), (d as f64, 1.0)],
                palette::LIGHT_GREY.stroke_width(1),
            )
        }))?;
        Ok(())
    }

    /// In a week, a line at each midnight up to `top` and the day's name under the axis.
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
        let style = super::font(size::LABEL).pos(Pos::new(HPos::Center, VPos::Top));
        let names = crate::units::WEEKDAYS;
        plot.draw_series((0..n.div_ceil(per_day)).map(|d| {
            let x = (d * per_day) as f64 + per_day as f64 / 2.0;
            EmptyElement::at((x, 0.0)) + Text::new(names[d % 7].to_string(), (0, 12), style.clone())
        }))?;
        Ok(())
    }
}
