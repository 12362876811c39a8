//! The wait distribution of answered calls: a histogram of waits in equal bins (answered
//! calls per bin, mean per run: a count, so that it is not mistaken for the other axis), the
//! cumulative share on a second axis (a percentage), the service-level threshold marked, and
//! in the title the share of answered calls within it, named as such beside the service
//! level of offered calls.

use super::{Axis, Chart, DrawResult, Key, Mark, palette, series_colour, size};
use crate::report::load::{SavedResult, WaitBucket};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Bins of the histogram.
const BINS: usize = 30;

/// The data of a wait-distribution chart.
#[derive(Debug, Clone)]
pub struct WaitDistribution {
    /// Scenario name.
    pub name: String,
    /// Pooled histogram buckets (`waits.csv`).
    pub buckets: Vec<WaitBucket>,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Replications pooled in `buckets` (bars are per run).
    pub replications: u64,
    /// The service level of offered calls (`service_level`), for the title.
    pub service_level: Option<f64>,
}

impl WaitDistribution {
    /// The wait distribution of a saved result.
    pub fn from_result(r: &SavedResult) -> Self {
        WaitDistribution {
            name: r.name.clone(),
            buckets: r.waits.clone(),
            threshold_s: r.threshold_s,
            replications: r.replications,
            service_level: r.kpi("service_level").map(|e| e.mean),
        }
    }

    fn total(&self) -> f64 {
        self.buckets.iter().map(|b| b.calls as f64).sum()
    }

    /// Calls with a wait of at most `x` seconds (a bucket straddling `x` counts in
    /// proportion, as if its waits were spread evenly).
    fn calls_within(&self, x: f64) -> f64 {
        self.buckets
            .iter()
            .map(|b| {
                let c = b.calls as f64;
                if b.to_s <= x {
                    c
                } else if b.from_s >= x {
                    0.0
                } else {
                    c * (x - b.from_s) / (b.to_s - b.from_s)
                }
            })
            .sum()
    }

    /// The share of answered calls that waited at most the threshold, if any were answered.
    pub fn share_within_threshold(&self) -> Option<f64> {
        let total = self.total();
        (total > 0.0 && self.threshold_s.is_finite())
            .then(|| self.calls_within(self.threshold_s) / total)
    }

    /// The right end of the wait axis: the 99th percentile, and at least 1.5 × the threshold.
    fn axis_end(&self) -> f64 {
        let total = self.total();
        let mut seen = 0.0;
        let mut p99 = 0.0;
        for b in &self.buckets {
            seen += b.calls as f64;
            p99 = b.to_s;
            if seen >= 0.99 * total {
                break;
            }
        }
        let threshold = if self.threshold_s.is_finite() {
            self.threshold_s
        } else {
            0.0
        };
        super::nice_ceiling(p99.max(threshold * 1.5).max(1.0))
    }

    /// The title, with the share of answered calls within the threshold (the service
    /// level of answered calls, said as such).
    pub fn title(&self) -> String {
        match self.share_within_threshold() {
            Some(share) => format!(
                "{}: waits of answered calls, {} of them within {} s",
                self.name,
                percent1(share),
                self.threshold_s
            ),
            None => format!("{}: waits of answered calls (none answered)", self.name),
        }
    }

    /// The threshold's legend entry: the service level of offered calls beside it, so that
    /// the title's share of answered calls is not taken for it.
    fn threshold_key(&self) -> String {
        match self.service_level.filter(|s| s.is_finite()) {
            Some(s) => format!(
                "Threshold {} s (service level of offered calls: {})",
                self.threshold_s,
                percent1(s)
            ),
            None => format!("Threshold {} s", self.threshold_s),
        }
    }
}

fn percent1(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

impl Chart for WaitDistribution {
    fn size(&self) -> (u32, u32) {
        (super::WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = super::titled(root, &self.title())?;
        let end = self.axis_end();
        let width = end / BINS as f64;
        let total = self.total().max(1.0);
        let runs = self.replications.max(1) as f64;
        let per_run: Vec<f64> = (0..BINS)
            .map(|i| {
                let (a, b) = (i as f64 * width, (i + 1) as f64 * width);
                // the first bin also holds the waits of exactly 0 s
                let below = if i == 0 { 0.0 } else { self.calls_within(a) };
                (self.calls_within(b) - below) / runs
            })
            .collect();
        let top = per_run.iter().copied().fold(0.0, f64::max);
        let (bars, line, grey) = (series_colour("answered"), palette::BLACK, palette::GREY);
        let mut keys = vec![
            Key::new(
                "Answered calls in the bin, mean per run (left axis, calls)",
                bars,
                Mark::Swatch,
            ),
            Key::new("Share answered within x (right axis, %)", line, Mark::Line),
        ];
        let share = self.share_within_threshold();
        if share.is_some() {
            keys.push(Key::new(self.threshold_key(), grey, Mark::Dashed));
        }
        let area = super::keyed(&area, &keys)?;
        let mut plot = super::panel(
            &area,
            0.0..end,
            0.0..super::nice_ceiling((top * 1.15).max(1e-9)),
            true,
        )?
        .set_secondary_coord(0.0..end, 0.0..1.0);
        super::axes(
            &mut plot,
            &Axis {
                title: "Wait before answer (seconds)",
                ticks: 12,
                format: &super::number,
            },
            &Axis {
                title: &format!(
                    "Answered calls per {} s bin (mean per run)",
                    super::number(&width)
                ),
                ticks: 6,
                format: &super::number,
            },
        )?;
        super::right_axis(
            &mut plot,
            &Axis {
                title: "Share of answered calls that waited at most x",
                ticks: 6,
                format: &super::percent,
            },
        )?;
        plot.draw_series(per_run.iter().enumerate().map(|(i, &s)| {
            let x = i as f64 * width;
            Rectangle::new(
                [(x + 0.05 * width, 0.0), (x + 0.95 * width, s)],
                bars.filled(),
            )
        }))?;
        let cdf: Vec<(f64, f64)> = (0..=4 * BINS)
            .map(|i| {
                let x = i as f64 * end / (4 * BINS) as f64;
                (x, self.calls_within(x) / total)
            })
            .collect();
        plot.draw_secondary_series(std::iter::once(PathElement::new(
            cdf,
            line.stroke_width(size::LINE),
        )))?;
        if share.is_some() {
            let t = self.threshold_s;
            plot.draw_secondary_series(std::iter::once(super::dashed(
                vec![(t, 0.0), (t, 1.0)],
                grey,
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_within_counts_straddling_buckets_in_proportion() {
        let w = WaitDistribution {
            name: "x".into(),
            buckets: vec![
                WaitBucket {
                    from_s: 0.0,
                    to_s: 0.0,
                    calls: 50,
                },
                WaitBucket {
                    from_s: 10.0,
                    to_s: 30.0,
                    calls: 40,
                },
                WaitBucket {
                    from_s: 30.0,
                    to_s: 40.0,
                    calls: 10,
                },
            ],
            threshold_s: 20.0,
            replications: 4,
            service_level: Some(0.6),
        };
        assert_eq!(w.share_within_threshold(), Some(0.7));
        assert_eq!(
            w.title(),
            "x: waits of answered calls, 70.0% of them within 20 s"
        );
        assert_eq!(
            w.threshold_key(),
            "Threshold 20 s (service level of offered calls: 60.0%)"
        );
    }
}
