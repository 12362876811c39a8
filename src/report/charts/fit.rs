//! Charts of `callsim fit`: the fitted intraday profile with the day-to-day band, and the
//! Kaplan–Meier patience curve (with its confidence band) against the fitted curves.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::fit::arrivals::ArrivalFit;
use crate::fit::calls::CallsFit;
use crate::fit::survival::{band_half_width, dkw_epsilon};
use crate::units::{format_clock, format_duration};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The mean calls per interval over the days of the data, with the band from the 10th to
/// the 90th percentile of the days.
#[derive(Debug, Clone)]
pub struct ProfileBand {
    /// Chart title.
    pub title: String,
    /// Start of the first interval, hours after midnight.
    pub open_h: f64,
    /// Length of an interval, hours.
    pub interval_h: f64,
    /// Mean calls per interval.
    pub mean: Vec<f64>,
    /// 10th percentile of the days.
    pub low: Vec<f64>,
    /// 90th percentile of the days.
    pub high: Vec<f64>,
    /// Length of an interval as written (`"30m"`).
    pub interval: String,
}

impl ProfileBand {
    /// The chart of an arrivals fit of the file named `source`.
    pub fn from_fit(fit: &ArrivalFit, source: &str) -> Self {
        ProfileBand {
            title: format!(
                "{source}: calls per {} over {} days",
                format_duration(fit.interval_s),
                fit.days.len()
            ),
            open_h: fit.open_s / 3600.0,
            interval_h: fit.interval_s / 3600.0,
            mean: fit.profile.clone(),
            low: fit.low.clone(),
            high: fit.high.clone(),
            interval: format_duration(fit.interval_s),
        }
    }
}

impl Chart for ProfileBand {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let colour = series_colour("offered");
        let area = super::keyed(
            &area,
            &[
                Key::new("Mean of the days (the fitted profile)", colour, Mark::Line),
                Key::new("10%-90% of the days", super::tint(colour), Mark::Swatch),
            ],
        )?;
        let xs: Vec<f64> = (0..self.mean.len())
            .map(|k| self.open_h + (k as f64 + 0.5) * self.interval_h)
            .collect();
        let end = self.open_h + self.interval_h * self.mean.len() as f64;
        let top = self
            .high
            .iter()
            .chain(&self.mean)
            .copied()
            .fold(0.0, f64::max);
        let mut plot = super::panel(
            &area,
            self.open_h..end,
            0.0..super::nice_ceiling(top * 1.05),
            false,
        )?;
        let clock = |h: &f64| format_clock((h * 3600.0).round());
        super::axes(
            &mut plot,
            &Axis {
                title: "Time of day (interval midpoints)",
                ticks: 12,
                format: &clock,
            },
            &Axis {
                title: &format!("Calls per {}", self.interval),
                ticks: 8,
                format: &super::number,
            },
        )?;
        plot.draw_series(std::iter::once(super::band(
            &xs, &self.low, &self.high, colour,
        )))?;
        plot.draw_series(std::iter::once(PathElement::new(
            xs.iter()
                .copied()
                .zip(self.mean.iter().copied())
                .collect::<Vec<_>>(),
            colour.stroke_width(size::LINE),
        )))?;
        Ok(())
    }
}

/// The Kaplan–Meier curve of patience, its 95% band, and the fitted parametric curves.
#[derive(Debug, Clone)]
pub struct PatienceCurve {
    /// Chart title.
    pub title: String,
    /// `(t, survival)` just after each step of the Kaplan–Meier curve, from `(0, 1)`.
    pub km: Vec<(f64, f64)>,
    /// Lower and upper edge of the 95% band at each step.
    pub band: Vec<(f64, f64)>,
    /// Fitted curves: label and `P(patience > t)` on a grid of times.
    pub fits: Vec<(String, Vec<(f64, f64)>)>,
}

impl PatienceCurve {
    /// The chart of a call-log fit of the file named `source`.
    pub fn from_fit(fit: &CallsFit, source: &str) -> Self {
        let eps = dkw_epsilon(0.05);
        let mut km = vec![(0.0, 1.0)];
        let mut band = vec![(1.0, 1.0)];
        // the tail where fewer than 20 callers are still waiting says little: not drawn
        for s in fit.km.iter().take_while(|s| s.at_risk >= 20) {
            let w = band_half_width(s.survival, s.greenwood, fit.patience_n, eps);
            km.push((s.t, s.survival));
            band.push(((s.survival - w).max(0.0), (s.survival + w).min(1.0)));
        }
        let end = km.last().map_or(1.0, |p| p.0).max(1.0);
        let fits = fit
            .patience
            .iter()
            .map(|f| {
                let label = format!(
                    "{} (mean {:.0} s{})",
                    f.family.name(),
                    f.mean.value,
                    if f.family == crate::fit::mle::Family::Exponential {
                        String::new()
                    } else {
                        format!(", cv {:.2}", f.cv.value)
                    }
                );
                let curve = (0..=200)
                    .map(|i| {
                        let t = end * i as f64 / 200.0;
                        (t, f.survival(t))
                    })
                    .collect();
                (label, curve)
            })
            .collect();
        PatienceCurve {
            title: format!(
                "{source}: patience, {} of {} callers hung up",
                fit.patience_events, fit.patience_n
            ),
            km,
            band,
            fits,
        }
    }
}

impl Chart for PatienceCurve {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title)?;
        let mut keys = vec![
            Key::new(
                "Kaplan-Meier (answered callers censored)",
                palette::BLACK,
                Mark::Line,
            ),
            Key::new("95% band", super::tint(palette::GREY), Mark::Swatch),
        ];
        for (i, (label, _)) in self.fits.iter().enumerate() {
            keys.push(Key::new(
                label.clone(),
                palette::LEVELS[i % 6],
                Mark::Dashed,
            ));
        }
        let area = super::keyed(&area, &keys)?;
        let end = self.km.last().map_or(1.0, |p| p.0).max(1.0);
        let lowest = self.band.iter().map(|b| b.0).fold(1.0, f64::min);
        let bottom = ((lowest - 0.05) * 10.0).floor().max(0.0) / 10.0;
        let mut plot = super::panel(&area, 0.0..end, bottom..1.0, false)?;
        super::axes(
            &mut plot,
            &Axis {
                title: "Time on hold (seconds)",
                ticks: 10,
                format: &super::number,
            },
            &Axis {
                title: "Callers still willing to wait",
                ticks: 8,
                format: &super::percent,
            },
        )?;
        // step functions: each value holds until the next step
        let steps = |values: &[f64]| -> Vec<(f64, f64)> {
            let mut out = Vec::with_capacity(2 * values.len());
            for (i, &v) in values.iter().enumerate() {
                out.push((self.km[i].0, v));
                let next = self.km.get(i + 1).map_or(end, |p| p.0);
                out.push((next, v));
            }
            out
        };
        let survival: Vec<f64> = self.km.iter().map(|p| p.1).collect();
        let low: Vec<f64> = self.band.iter().map(|b| b.0).collect();
        let high: Vec<f64> = self.band.iter().map(|b| b.1).collect();
        let (low, high) = (steps(&low), steps(&high));
        let xs: Vec<f64> = low.iter().map(|p| p.0).collect();
        let (lo, hi): (Vec<f64>, Vec<f64>) = (
            low.iter().map(|p| p.1).collect(),
            high.iter().map(|p| p.1).collect(),
        );
        plot.draw_series(std::iter::once(super::band(&xs, &lo, &hi, palette::GREY)))?;
        for (i, (_, curve)) in self.fits.iter().enumerate() {
            plot.draw_series(std::iter::once(super::dashed(
                curve.clone(),
                palette::LEVELS[i % 6],
            )))?;
        }
        plot.draw_series(std::iter::once(PathElement::new(
            steps(&survival),
            palette::BLACK.stroke_width(size::LINE - 1),
        )))?;
        Ok(())
    }
}
