//! The plan chart, beside `plan.csv`: top, the agents each interval needs by Erlang (bars),
//! the agents the plan puts on the phones (solid step line) and the heads to schedule after
//! shrinkage (dashed step line); below, the service level the final check gives each interval
//! with its 95% band, the target, and a red mark on every interval that misses it.

use super::day_profile::{Part, draw_share, share_panel};
use super::{Axis, Chart, DrawResult, Key, Mark, palette, size};
use crate::report::load::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Colours of the series: Erlang's need, the plan, the heads scheduled, the service level,
/// the target, a miss.
const ERLANG: RGBColor = palette::SKY_BLUE;
const PLANNED: RGBColor = palette::BLACK;
const SCHEDULED: RGBColor = palette::VERMILLION;
const SERVICE: RGBColor = palette::BLUE;
const TARGET: RGBColor = palette::GREY;
const MISS: RGBColor = palette::VERMILLION;

/// The data of a plan chart.
#[derive(Debug, Clone)]
pub struct PlanChart {
    /// Chart title.
    pub title: String,
    /// Each interval's start as people read it (`"07:00"`).
    pub labels: Vec<String>,
    /// Agents on the phones Erlang asks for, per interval.
    pub erlang: Vec<f64>,
    /// Agents on the phones the plan puts in each interval.
    pub planned: Vec<f64>,
    /// Heads to schedule per interval: planned ÷ (1 − shrinkage), rounded up.
    pub scheduled: Vec<f64>,
    /// Shrinkage, a share of paid time off the phones (0: the heads are the agents).
    pub shrinkage: f64,
    /// Service level of each interval in the final check (fresh seeds).
    pub service_level: Vec<Estimate>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Service-level target (a share).
    pub target: f64,
}

impl PlanChart {
    /// The intervals whose checked service level is below the target.
    pub fn misses(&self) -> Vec<usize> {
        (0..self.service_level.len())
            .filter(|&k| {
                self.service_level[k]
                    .value()
                    .is_some_and(|v| v < self.target)
            })
            .collect()
    }
}

impl Chart for PlanChart {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 1300)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        let n = self.planned.len().max(1);
        let label = |x: &f64| super::interval_label(&self.labels, *x);
        let time = Axis {
            title: "Interval start",
            ticks: n.min(12) + 1,
            format: &label,
        };
        let mut keys = vec![
            Key::new("Agents Erlang asks for", ERLANG, Mark::Swatch),
            Key::new("Agents on the phones, as planned", PLANNED, Mark::Line),
        ];
        if self.shrinkage > 0.0 {
            keys.push(Key::new(
                format!(
                    "Heads to schedule (planned ÷ (1 − {} shrinkage))",
                    super::percent(&self.shrinkage)
                ),
                SCHEDULED,
                Mark::Dashed,
            ));
        }
        let top = super::keyed(&top, &keys)?;
        let max = self
            .erlang
            .iter()
            .chain(&self.planned)
            .chain(&self.scheduled)
            .copied()
            .fold(0.0, f64::max);
        let mut plot = super::panel(
            &top,
            0.0..n as f64,
            0.0..super::nice_ceiling(max * 1.15),
            false,
        )?;
        super::axes(
            &mut plot,
            &time,
            &Axis {
                title: "Agents",
                ticks: 6,
                format: &super::number,
            },
        )?;
        plot.draw_series(super::interval_bars(&self.erlang, ERLANG))?;
        plot.draw_series(std::iter::once(super::step_line(&self.planned, PLANNED)))?;
        if self.shrinkage > 0.0 {
            plot.draw_series(std::iter::once(super::dashed_step_line(
                &self.scheduled,
                SCHEDULED,
            )))?;
        }
        let misses = self.misses();
        let mut keys = vec![
            Key::new(
                format!(
                    "Service level, final check (answered within {} s ÷ offered)",
                    self.threshold_s
                ),
                SERVICE,
                Mark::Line,
            ),
            Key::new("95% confidence band", super::tint(SERVICE), Mark::Swatch),
        ];
        keys.push(Key::new(
            format!("Target {}", super::percent(&self.target)),
            TARGET,
            Mark::Dashed,
        ));
        if !misses.is_empty() {
            keys.push(Key::new(
                format!("Below the target ({} intervals)", misses.len()),
                MISS,
                Mark::Ring,
            ));
        }
        let bottom = super::keyed(&bottom, &keys)?;
        let mut plot = share_panel(&bottom, &time, n as f64, false, &[], (self.target, TARGET))?;
        draw_share(&mut plot, &self.service_level, SERVICE, Part::Band)?;
        draw_share(&mut plot, &self.service_level, SERVICE, Part::Line)?;
        plot.draw_series(misses.iter().map(|&k| {
            Circle::new(
                (k as f64 + 0.5, self.service_level[k].mean),
                14,
                MISS.stroke_width(size::LINE),
            )
        }))?;
        Ok(())
    }
}
