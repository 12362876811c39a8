//! `callsim forecast`: from counts of past calls to the expected calls of each interval of
//! the coming days, with the uncertainty of each day's volume.
//!
//! The history is the complete days of a counts file at the forecast's interval (read and
//! summed by [`crate::fit`]), holidays left out. Three methods forecast a day's counts from
//! the days before it ([`methods`]): the seasonal naive (the same day of the week, last
//! time), the weekday × interval average over the last weeks, and a smoothed daily level
//! (exponential smoothing of the day totals with their weekday factors removed) times the
//! weekday's intraday shape. A rolling-origin backtest on the history itself ([`backtest`](mod@backtest))
//! measures each method by horizon; the method with the lowest WAPE forecasts.
//!
//! **Uncertainty.** A count with forecast `μ` is taken as Poisson with mean `μB`, `B` gamma
//! with mean 1: negative binomial, whose quantiles are the p10, p50 and p90. The cv of `B`
//! comes from the backtest: for forecasts `μ` and truths `y`, `E[(y/μ − 1)²] = cv² + 1/μ`
//! (the second term is Poisson's own noise), so `cv² = mean((y/μ − 1)² − 1/μ)`. For day
//! totals that is the day's busyness (the scenario's `busyness_cv`); for single intervals it
//! also holds the day's own intraday shape, and is larger: the interval quantiles use it.

pub mod backtest;
pub mod methods;
pub mod quantiles;
pub mod write;

use crate::fit::arrivals::ArrivalFit;
pub use backtest::{Backtest, HorizonScore, Overall, backtest};
pub use methods::Method;

/// A day of the history: its date, day of the week and calls per interval.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryDay {
    /// Days since 1970-01-01.
    pub day: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Day of the week, 0 = Monday.
    pub weekday: usize,
    /// Calls in each interval of the day.
    pub calls: Vec<f64>,
}

impl HistoryDay {
    /// Calls of the day.
    pub fn total(&self) -> f64 {
        self.calls.iter().sum()
    }
}

/// The history a forecast is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Length of an interval, seconds.
    pub interval_s: f64,
    /// Start of the first interval of a day, seconds after midnight.
    pub open_s: f64,
    /// The complete days, holidays left out, in date order.
    pub days: Vec<HistoryDay>,
    /// Holidays found in the counts and left out (dates).
    pub holidays_left_out: Vec<String>,
}

impl History {
    /// The history of an arrivals fit, without the days in `holidays` (days since 1970).
    pub fn of(fit: &ArrivalFit, holidays: &[i64]) -> Self {
        let (kept, out): (Vec<_>, Vec<_>) =
            fit.days.iter().partition(|d| !holidays.contains(&d.day));
        History {
            interval_s: fit.interval_s,
            open_s: fit.open_s,
            days: kept
                .into_iter()
                .map(|d| HistoryDay {
                    day: d.day,
                    date: d.date.clone(),
                    weekday: d.weekday,
                    calls: d.calls.iter().map(|&c| c as f64).collect(),
                })
                .collect(),
            holidays_left_out: out.into_iter().map(|d| d.date.clone()).collect(),
        }
    }

    /// Intervals of a day.
    pub fn intervals(&self) -> usize {
        self.days.first().map_or(0, |d| d.calls.len())
    }

    /// The days before day `day` (days since 1970).
    pub fn before(&self, day: i64) -> &[HistoryDay] {
        let n = self.days.partition_point(|d| d.day < day);
        &self.days[..n]
    }
}

/// The dates of a holidays file (one `YYYY-MM-DD` a line; `#` starts a comment), as days
/// since 1970; a bad line is an error naming the file and line.
pub fn read_holidays(path: &std::path::Path) -> Result<Vec<i64>, crate::fit::FitError> {
    use crate::fit::FitError;
    let text = crate::input::read_csv_text(path)
        .map_err(|e| FitError::file(path, format!("cannot read the file: {e}")))?;
    let mut days = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let date = line.split('#').next().unwrap_or("").trim();
        if date.is_empty() {
            continue;
        }
        let day = crate::fit::parse_timestamp(&format!("{date} 00:00")).map_err(|_| {
            FitError::line(
                path,
                i as u64 + 1,
                format!(
                    "expected a date such as 2003-12-25, got \"{}\"",
                    date.chars().take(40).collect::<String>()
                ),
            )
        })?;
        days.push(day.day);
    }
    Ok(days)
}

/// The forecast of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayForecast {
    /// Days since 1970-01-01.
    pub day: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Day of the week, 0 = Monday.
    pub weekday: usize,
    /// True when the day is in the holidays file: forecast as an ordinary day, marked.
    pub holiday: bool,
    /// Expected calls in each interval (`None` for the whole day when the history has no
    /// day of this weekday).
    pub expected: Option<Vec<f64>>,
    /// p10, p50 and p90 of the calls in each interval.
    pub quantiles: Vec<[u64; 3]>,
}

/// A forecast of the coming days.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The method used (the backtest's best).
    pub method: Method,
    /// The busyness cv of a forecast day's total (from the backtest of `method`).
    pub busyness_cv: f64,
    /// The cv beyond Poisson of one interval's count (the interval quantiles use it).
    pub interval_cv: f64,
    /// Each day asked for.
    pub days: Vec<DayForecast>,
}

/// Forecasts `days` days from day `start` (days since 1970) with the backtest's best method
/// from the history before `start`, with the spreads the backtest found; `holidays` are
/// marked.
pub fn forecast(
    history: &History,
    backtest: &Backtest,
    start: i64,
    days: usize,
    holidays: &[i64],
) -> Forecast {
    let method = backtest.best;
    let scores = backtest.of(method);
    let days = (0..days as i64)
        .map(|i| {
            let day = start + i;
            let weekday = (day + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
            let expected = method.predict(history.before(start), weekday);
            let quantiles = expected.as_deref().map_or_else(Vec::new, |mu| {
                mu.iter()
                    .map(|&m| quantiles::counts_quantiles(m, scores.interval_cv))
                    .collect()
            });
            DayForecast {
                day,
                date: crate::fit::Timestamp { day, ms: 0 }.date(),
                weekday,
                holiday: holidays.contains(&day),
                expected,
                quantiles,
            }
        })
        .collect();
    Forecast {
        method,
        busyness_cv: scores.day_cv,
        interval_cv: scores.interval_cv,
        days,
    }
}

#[cfg(test)]
pub(crate) mod tests;
