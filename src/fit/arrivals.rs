//! Arrival counts → the intraday profile, day-of-week factors and the day-level busyness
//! factor, and a test of plain Poisson arrivals.
//!
//! The model behind it is the scenario's: the calls of interval `k` of day `d` are Poisson
//! with mean `B_d · w(d) · p_k`, where `p_k` is the mean profile, `w` the factor of the day of
//! the week and `B_d` the busyness factor of the day (gamma, mean 1, coefficient of variation
//! `c`). A day's total `N_d` then has variance `λ + c²λ²` around its weekday's mean `λ`:
//! Poisson alone would give `λ`. The method of moments pools, over the days of the week,
//! the sample variance of the totals around their own weekday's mean (so the weekday effect
//! is removed), and solves for `c²`. The dispersion index `Σ (N_d − λ̂_w)² / λ̂_w` is χ² with
//! `Σ (n_w − 1)` degrees of freedom under Poisson arrivals: its upper tail is the p-value.

use super::FitError;
use super::counts::Count;
use crate::units::WEEKDAYS;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::collections::BTreeMap;
use std::path::Path;

/// One day of the data used in the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// The same date as days since 1970-01-01 (consecutive days differ by 1).
    pub day: i64,
    /// Day of the week, 0 = Monday.
    pub weekday: usize,
    /// Calls of that day in each target interval.
    pub calls: Vec<u64>,
    /// Calls of the day (in the complete intervals).
    pub total: u64,
}

/// The test of plain Poisson arrivals on day totals (day-of-week effects removed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dispersion {
    /// `Σ (N_d − λ̂_w)² / λ̂_w` over the days.
    pub statistic: f64,
    /// Degrees of freedom: days − days of the week seen (those with at least two days).
    pub df: f64,
    /// Statistic ÷ degrees of freedom: about 1 for Poisson arrivals.
    pub index: f64,
    /// Probability of a statistic at least this large if arrivals were Poisson.
    pub p_value: f64,
}

/// What the counts say about arrivals.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalFit {
    /// Length of one interval of the data, seconds (e.g. 300).
    pub data_interval_s: f64,
    /// Length of the target interval, seconds (e.g. 1800).
    pub interval_s: f64,
    /// Start of the first target interval, seconds after midnight.
    pub open_s: f64,
    /// Mean calls per target interval over the days used: the intraday profile.
    pub profile: Vec<f64>,
    /// 10th percentile over days of the calls in each target interval.
    pub low: Vec<f64>,
    /// 90th percentile over days of the calls in each target interval.
    pub high: Vec<f64>,
    /// The days used (complete), in date order.
    pub days: Vec<Day>,
    /// Days left out because counts were missing: date and how many were missing.
    pub incomplete_days: Vec<(String, usize)>,
    /// Counts after the last complete target interval, left out (e.g. a lone 21:00 count).
    pub counts_outside: usize,
    /// Day total of each day of the week ÷ mean day total (`None`: no such day in the data).
    pub weekday_factors: [Option<f64>; 7],
    /// Days of each day of the week used.
    pub weekday_days: [usize; 7],
    /// Coefficient of variation of the busyness factor, day-of-week effects removed.
    pub busyness_cv: f64,
    /// Coefficient of variation of the day totals as they are (weekday effects included).
    pub total_cv: f64,
    /// The test of plain Poisson arrivals.
    pub dispersion: Dispersion,
}

/// Fits the counts of `path` to intervals of `interval_s` seconds.
pub fn fit_arrivals(
    path: &Path,
    counts: &[Count],
    interval_s: f64,
) -> Result<ArrivalFit, FitError> {
    let mut counts = counts.to_vec();
    counts.sort_by_key(|c| (c.start, c.line));
    for pair in counts.windows(2) {
        if pair[0].start == pair[1].start {
            let (first, second) = if pair[0].line < pair[1].line {
                (pair[0], pair[1])
            } else {
                (pair[1], pair[0])
            };
            return Err(FitError::field(
                path,
                second.line,
                1,
                "interval_start",
                format!(
                    "a second count for {} (the first is on line {})",
                    first.start, first.line
                ),
            ));
        }
    }
    let step_ms = counts
        .windows(2)
        .filter(|p| p[0].start.day == p[1].start.day)
        .map(|p| p[1].start.ms - p[0].start.ms)
        .min()
        .ok_or_else(|| {
            FitError::file(
                path,
                "no day has two counts: the length of an interval cannot be told",
            )
        })?;
    let target_ms = (interval_s * 1000.0).round() as i64;
    if target_ms <= 0 || target_ms % step_ms != 0 {
        return Err(FitError::file(
            path,
            format!(
                "the counts are per {} and cannot be summed to intervals of {}: give --interval a multiple of {}",
                fmt_ms(step_ms),
                fmt_ms(target_ms),
                fmt_ms(step_ms)
            ),
        ));
    }
    let open_ms = counts.iter().map(|c| c.start.ms).min().unwrap_or(0);
    let end_ms = counts.iter().map(|c| c.start.ms).max().unwrap_or(0) + step_ms;
    for c in &counts {
        if (c.start.ms - open_ms) % step_ms != 0 {
            return Err(FitError::field(
                path,
                c.line,
                1,
                "interval_start",
                format!(
                    "not on the grid of {} intervals from {} that the other counts follow",
                    fmt_ms(step_ms),
                    crate::units::format_clock(open_ms as f64 / 1000.0)
                ),
            ));
        }
    }
    let intervals = ((end_ms - open_ms) / target_ms) as usize;
    if intervals == 0 {
        return Err(FitError::file(
            path,
            format!(
                "the counts of a day span less than one interval of {}",
                fmt_ms(target_ms)
            ),
        ));
    }
    let slots = (target_ms / step_ms) as usize;

    // per day: calls and counts seen in each target interval
    let mut by_day: BTreeMap<i64, (usize, Vec<u64>, Vec<usize>)> = BTreeMap::new();
    let mut counts_outside = 0;
    for c in &counts {
        let k = ((c.start.ms - open_ms) / target_ms) as usize;
        let entry = by_day
            .entry(c.start.day)
            .or_insert_with(|| (c.start.weekday(), vec![0; intervals], vec![0; intervals]));
        if k >= intervals {
            counts_outside += 1;
            continue;
        }
        entry.1[k] += c.calls;
        entry.2[k] += 1;
    }
    let mut days = Vec::new();
    let mut incomplete_days = Vec::new();
    for (day, (weekday, calls, seen)) in by_day {
        let date = super::Timestamp { day, ms: 0 }.date();
        let missing: usize = seen.iter().map(|&s| slots - s).sum();
        if missing > 0 {
            incomplete_days.push((date, missing));
        } else {
            let total = calls.iter().sum();
            days.push(Day {
                date,
                day,
                weekday,
                calls,
                total,
            });
        }
    }
    if days.is_empty() {
        return Err(FitError::file(
            path,
            "no day has a count for every interval",
        ));
    }

    let n = days.len() as f64;
    let profile: Vec<f64> = (0..intervals)
        .map(|k| days.iter().map(|d| d.calls[k] as f64).sum::<f64>() / n)
        .collect();
    let (low, high) = (0..intervals)
        .map(|k| {
            let mut v: Vec<f64> = days.iter().map(|d| d.calls[k] as f64).collect();
            v.sort_by(f64::total_cmp);
            (quantile(&v, 0.1), quantile(&v, 0.9))
        })
        .unzip();

    let totals: Vec<f64> = days.iter().map(|d| d.total as f64).collect();
    let mean_total = totals.iter().sum::<f64>() / n;
    let total_cv = if days.len() > 1 {
        (totals.iter().map(|t| (t - mean_total).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            / mean_total
    } else {
        0.0
    };
    let mut weekday_factors = [None; 7];
    let mut weekday_days = [0; 7];
    // pooled moments over the days of the week (method of moments for c²)
    let (mut excess, mut scale, mut statistic, mut df) = (0.0, 0.0, 0.0, 0.0);
    for w in 0..7 {
        let group: Vec<f64> = days
            .iter()
            .filter(|d| d.weekday == w)
            .map(|d| d.total as f64)
            .collect();
        weekday_days[w] = group.len();
        if group.is_empty() {
            continue;
        }
        let m = group.iter().sum::<f64>() / group.len() as f64;
        weekday_factors[w] = Some(m / mean_total);
        if group.len() < 2 || m <= 0.0 {
            continue;
        }
        let squares: f64 = group.iter().map(|t| (t - m).powi(2)).sum();
        let dof = group.len() as f64 - 1.0;
        excess += squares - dof * m;
        scale += dof * m * m;
        statistic += squares / m;
        df += dof;
    }
    if df < 1.0 {
        return Err(FitError::file(
            path,
            "day-to-day variation needs at least two complete days of the same day of the week",
        ));
    }
    let busyness_cv = if scale > 0.0 {
        (excess / scale).max(0.0).sqrt()
    } else {
        0.0
    };
    let p_value = ChiSquared::new(df)
        .map(|chi| chi.sf(statistic))
        .unwrap_or(f64::NAN);
    Ok(ArrivalFit {
        data_interval_s: step_ms as f64 / 1000.0,
        interval_s: target_ms as f64 / 1000.0,
        open_s: open_ms as f64 / 1000.0,
        profile,
        low,
        high,
        days,
        incomplete_days,
        counts_outside,
        weekday_factors,
        weekday_days,
        busyness_cv,
        total_cv,
        dispersion: Dispersion {
            statistic,
            df,
            index: statistic / df,
            p_value,
        },
    })
}

impl ArrivalFit {
    /// Warnings that the history is too short to trust what is written: the busyness cv's
    /// 95% half-width (about `1.96 · cv / √(2 (days − 1))` for a cv estimated from that many
    /// days) is over a fifth of it.
    pub fn warnings(&self) -> Vec<String> {
        let days = self.days.len();
        let half_width = if days > 1 && self.busyness_cv > 0.0 {
            1.96 * self.busyness_cv / (2.0 * (days - 1) as f64).sqrt()
        } else {
            f64::INFINITY
        };
        super::imprecise(
            "busyness_cv (how much whole days vary)",
            self.busyness_cv,
            half_width,
            days,
            "complete days",
        )
        .into_iter()
        .collect()
    }

    /// The weekday factors as text: `Mon 1.12, Tue 0.99, ...` (days of the week in the data).
    pub fn weekday_text(&self) -> String {
        self.weekday_factors
            .iter()
            .enumerate()
            .filter_map(|(w, f)| f.map(|f| format!("{} {f:.3}", WEEKDAYS[w])))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The `q` quantile of sorted values (linear between order statistics).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q * (sorted.len() - 1) as f64;
    let (i, frac) = (h.floor() as usize, h.fract());
    let next = sorted.get(i + 1).copied().unwrap_or(sorted[i]);
    sorted[i] + frac * (next - sorted[i])
}

/// A length of time in milliseconds as a duration (`"5m"`, `"30m"`).
fn fmt_ms(ms: i64) -> String {
    crate::units::format_duration(ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::parse_timestamp;

    fn count(line: u64, at: &str, calls: u64) -> Count {
        Count {
            line,
            start: parse_timestamp(at).unwrap(),
            calls,
        }
    }

    /// Two Mondays and two Tuesdays of 15-minute counts, summed to half hours.
    #[test]
    fn profile_factors_and_moments_by_hand() {
        let mut counts = Vec::new();
        let days = [
            ("2024-01-01", [10, 20, 30, 40]),
            ("2024-01-08", [14, 22, 34, 50]),
            ("2024-01-02", [5, 5, 10, 10]),
            ("2024-01-09", [6, 4, 12, 8]),
        ];
        let mut line = 2;
        for (date, calls) in days {
            for (i, c) in calls.iter().enumerate() {
                counts.push(count(line, &format!("{date} 09:{:02}", 15 * i), *c));
                line += 1;
            }
        }
        let fit = fit_arrivals(Path::new("x.csv"), &counts, 1800.0).unwrap();
        assert_eq!(fit.data_interval_s, 900.0);
        assert_eq!(fit.open_s, 9.0 * 3600.0);
        // day totals: Mon 100, 120; Tue 30, 30; per half hour Mon 30/36, 70/84; Tue 10/10, 20/20
        assert_eq!(
            fit.profile,
            vec![
                (30.0 + 36.0 + 10.0 + 10.0) / 4.0,
                (70.0 + 84.0 + 20.0 + 20.0) / 4.0
            ]
        );
        let mean = (100.0 + 120.0 + 30.0 + 30.0) / 4.0;
        assert_eq!(fit.weekday_factors[0], Some(110.0 / mean));
        assert_eq!(fit.weekday_factors[1], Some(30.0 / mean));
        // Mon: squares 200, mean 110; Tue: squares 0, mean 30
        let c2: f64 = (200.0 - 110.0 + 0.0 - 30.0) / (110.0f64.powi(2) + 30.0f64.powi(2));
        assert!((fit.busyness_cv - c2.sqrt()).abs() < 1e-12);
        assert!((fit.dispersion.statistic - 200.0 / 110.0).abs() < 1e-12);
        assert_eq!(fit.dispersion.df, 2.0);
    }

    #[test]
    fn a_day_with_a_missing_count_is_left_out() {
        let mut counts = Vec::new();
        for (i, date) in ["2024-01-01", "2024-01-08", "2024-01-15"]
            .iter()
            .enumerate()
        {
            for m in [0, 30] {
                if !(i == 2 && m == 30) {
                    counts.push(count(2, &format!("{date} 09:{m:02}"), 10 + i as u64));
                }
            }
        }
        let fit = fit_arrivals(Path::new("x.csv"), &counts, 1800.0).unwrap();
        assert_eq!(fit.days.len(), 2);
        assert_eq!(fit.incomplete_days, vec![("2024-01-15".to_string(), 1)]);
    }
}
