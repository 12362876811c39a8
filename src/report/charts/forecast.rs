//! The forecast chart: the calls of each interval over the last weeks of history, then the
//! forecast days' expected calls with their 80% band (p10 to p90), one point per interval,
//! days marked on the x axis.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, size};
use crate::forecast::{Forecast, History};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Days of history shown before the forecast.
pub const HISTORY_DAYS: usize = 15;

/// The data of the forecast chart.
#[derive(Debug, Clone)]
pub struct ForecastChart {
    /// Title.
    pub title: String,
    /// Calls of each interval of the history shown, day after day.
    pub history: Vec<f64>,
    /// Expected, p10 and p90 of each interval of the forecast days shown, day after day.
    pub forecast: Vec<(f64, f64, f64)>,
    /// Intervals per day.
    pub per_day: usize,
    /// The label of each day shown (`Mon 06-02`), history first.
    pub days: Vec<String>,
}

impl ForecastChart {
    /// The chart of `forecast` after the last [`HISTORY_DAYS`] days of `history` before its
    /// first day (days of the week without a forecast are left out).
    pub fn of(history: &History, forecast: &Forecast, source: &str) -> Self {
        let start = forecast.days.first().map_or(i64::MAX, |d| d.day);
        let past = history.before(start);
        let shown = &past[past.len().saturating_sub(HISTORY_DAYS)..];
        let label = |weekday: usize, date: &str| {
            format!(
                "{} {}",
                crate::units::WEEKDAYS[weekday],
                date.get(5..).unwrap_or(date)
            )
        };
        let mut days: Vec<String> = shown.iter().map(|d| label(d.weekday, &d.date)).collect();
        let mut points = Vec::new();
        for day in &forecast.days {
            if let Some(expected) = &day.expected {
                days.push(label(day.weekday, &day.date));
                for (mu, q) in expected.iter().zip(&day.quantiles) {
                    points.push((*mu, q[0] as f64, q[2] as f64));
                }
            }
        }
        ForecastChart {
            title: format!(
                "{source}: calls per {}, then the forecast with its 80% band",
                crate::units::format_duration(history.interval_s),
            ),
            history: shown.iter().flat_map(|d| d.calls.iter().copied()).collect(),
            forecast: points,
            per_day: history.intervals().max(1),
            days,
        }
    }
}

impl Chart for ForecastChart {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let (seen, band, expected) = (palette::GREY, palette::SKY_BLUE, palette::BLUE);
        let keys = vec![
            Key::new("Calls that came (history)", seen, Mark::Line),
            Key::new("Expected calls (forecast)", expected, Mark::Line),
            Key::new("80% band: p10 to p90", band, Mark::Swatch),
        ];
        let area = super::keyed(&area, &keys)?;
        // x in days: interval k of day d is at d + (k + ½) / intervals per day
        let per_day = self.per_day as f64;
        let at = |i: usize| (i as f64 + 0.5) / per_day;
        let n_history = self.history.len();
        let days = self.days.len().max(1);
        let top = self
            .history
            .iter()
            .copied()
            .chain(self.forecast.iter().map(|f| f.2))
            .fold(1.0, f64::max);
        let mut plot = super::panel(
            &area,
            0.0..days as f64,
            0.0..super::nice_ceiling(top * 1.1),
            false,
        )?;
        // a day's label at its start
        let day_of = |x: &f64| {
            if (x - x.round()).abs() < 1e-9 && *x >= 0.0 {
                self.days
                    .get(x.round() as usize)
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            }
        };
        super::axes(
            &mut plot,
            &Axis {
                title: "Day (history, then forecast)",
                ticks: 10,
                format: &day_of,
            },
            &Axis {
                title: "Calls per interval",
                ticks: 6,
                format: &super::number,
            },
        )?;
        let x0 = n_history as f64 / per_day;
        let xs: Vec<f64> = (0..self.forecast.len())
            .map(|i| at(n_history + i))
            .collect();
        let low: Vec<f64> = self.forecast.iter().map(|f| f.1).collect();
        let high: Vec<f64> = self.forecast.iter().map(|f| f.2).collect();
        plot.draw_series(std::iter::once(super::band(&xs, &low, &high, band)))?;
        plot.draw_series(std::iter::once(PathElement::new(
            self.history
                .iter()
                .enumerate()
                .map(|(i, &c)| (at(i), c))
                .collect::<Vec<_>>(),
            seen.stroke_width(size::LINE / 2),
        )))?;
        plot.draw_series(std::iter::once(PathElement::new(
            xs.iter()
                .zip(&self.forecast)
                .map(|(&x, f)| (x, f.0))
                .collect::<Vec<_>>(),
            expected.stroke_width(size::LINE),
        )))?;
        plot.draw_series(std::iter::once(super::dashed(
            vec![(x0, 0.0), (x0, top * 1.1)],
            palette::BLACK,
        )))?;
        Ok(())
    }
}
