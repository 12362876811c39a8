//! The forecasting methods: each turns the days before a target day into the expected calls
//! of each interval of a day of a given weekday.

use super::HistoryDay;

/// Weeks of same-weekday days the averages look back over.
pub const WINDOW_WEEKS: usize = 8;

/// Smoothing constants tried for the daily level (the one with the least one-step squared
/// error on the history is used).
const ALPHAS: [f64; 19] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
    0.9, 0.95,
];

/// A forecasting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The last day of the same weekday, as it was.
    SeasonalNaive,
    /// The mean of the last [`WINDOW_WEEKS`] days of the same weekday, interval by interval.
    WeekdayAverage,
    /// A smoothed daily level: day totals with their weekday factor divided out, smoothed
    /// exponentially, times the weekday's factor and intraday shape (over the last
    /// [`WINDOW_WEEKS`] days of that weekday).
    SmoothedLevel,
}

impl Method {
    /// Every method, in the order they are reported.
    pub const ALL: [Method; 3] = [
        Method::SeasonalNaive,
        Method::WeekdayAverage,
        Method::SmoothedLevel,
    ];

    /// The name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Method::SeasonalNaive => "seasonal_naive",
            Method::WeekdayAverage => "weekday_average",
            Method::SmoothedLevel => "smoothed_level",
        }
    }

    /// The expected calls of each interval of a day of `weekday`, from `past` (days in date
    /// order, all before the day forecast); `None` when `past` has no day of that weekday.
    pub fn predict(self, past: &[HistoryDay], weekday: usize) -> Option<Vec<f64>> {
        let same: Vec<&HistoryDay> = past.iter().rev().filter(|d| d.weekday == weekday).collect();
        let last = *same.first()?;
        match self {
            Method::SeasonalNaive => Some(last.calls.clone()),
            Method::WeekdayAverage => Some(mean_calls(&same[..same.len().min(WINDOW_WEEKS)])),
            Method::SmoothedLevel => {
                let factors = weekday_factors(past);
                let recent = &same[..same.len().min(WINDOW_WEEKS)];
                let shape = mean_calls(recent);
                let shape_total: f64 = shape.iter().sum();
                let total = smoothed_level(past, &factors) * factors[weekday]?;
                Some(if shape_total > 0.0 {
                    shape.iter().map(|c| total * c / shape_total).collect()
                } else {
                    shape
                })
            }
        }
    }
}

/// The mean calls per interval of `days` (at least one).
fn mean_calls(days: &[&HistoryDay]) -> Vec<f64> {
    let n = days.len() as f64;
    let mut sum = vec![0.0; days[0].calls.len()];
    for d in days {
        for (s, c) in sum.iter_mut().zip(&d.calls) {
            *s += c;
        }
    }
    sum.iter().map(|s| s / n).collect()
}

/// The mean day total of each weekday ÷ the mean of those means (`None`: weekday unseen).
fn weekday_factors(past: &[HistoryDay]) -> [Option<f64>; 7] {
    let mut sum = [0.0; 7];
    let mut n = [0usize; 7];
    for d in past {
        sum[d.weekday] += d.total();
        n[d.weekday] += 1;
    }
    let means: Vec<(usize, f64)> = (0..7)
        .filter(|&w| n[w] > 0)
        .map(|w| (w, sum[w] / n[w] as f64))
        .collect();
    let overall = means.iter().map(|(_, m)| m).sum::<f64>() / means.len().max(1) as f64;
    let mut factors = [None; 7];
    for (w, m) in means {
        if overall > 0.0 {
            factors[w] = Some(m / overall);
        }
    }
    factors
}

/// The exponentially smoothed level of the day totals of `past` with their weekday factor
/// divided out, the smoothing constant chosen by the least one-step squared error.
fn smoothed_level(past: &[HistoryDay], factors: &[Option<f64>; 7]) -> f64 {
    let levels: Vec<f64> = past
        .iter()
        .map(|d| match factors[d.weekday] {
            Some(f) if f > 0.0 => d.total() / f,
            _ => 0.0,
        })
        .collect();
    let start = levels.iter().take(7).sum::<f64>() / levels.len().clamp(1, 7) as f64;
    let run = |alpha: f64| {
        let (mut level, mut squares) = (start, 0.0);
        for &z in &levels {
            squares += (z - level).powi(2);
            level += alpha * (z - level);
        }
        (squares, level)
    };
    ALPHAS
        .iter()
        .map(|&a| run(a))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(start, |(_, level)| level)
}
