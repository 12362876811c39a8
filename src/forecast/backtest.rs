//! The rolling-origin backtest: from each day of the history (after its first two weeks),
//! forecast the next days with only the days before it, and score each method by horizon
//! against what happened.

use super::quantiles::IntervalCalls;
use super::{History, Method};

/// Days of history before the first origin of the backtest.
pub const WARM_UP_DAYS: i64 = 14;

/// Least number of earlier forecast days an origin needs before its busyness cv (and so its
/// 80% intervals) counts in the coverage.
pub const MIN_DAYS_FOR_CV: usize = 7;

/// One method's scores at one horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonScore {
    /// The method.
    pub method: Method,
    /// Days ahead: 1 is the origin day itself (forecast the evening before).
    pub horizon_days: usize,
    /// Days forecast and compared.
    pub days: usize,
    /// Weighted absolute percentage error of the interval counts: Σ|y − ŷ| ÷ Σ y.
    pub wape: f64,
    /// Mean absolute percentage error of the day totals: mean of |T − T̂| ÷ T.
    pub mape: f64,
    /// Bias: Σ(ŷ − y) ÷ Σ y (positive: forecasts too high).
    pub bias: f64,
    /// Share of interval counts inside their 80% interval [p10, p90] (a count at an end
    /// counts in proportion, see [`IntervalCalls::inside`]); `None` when no origin had
    /// enough earlier forecasts to estimate the busyness cv.
    pub coverage80: Option<f64>,
}

/// What the backtest found.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// Every method at every horizon, methods in [`Method::ALL`] order.
    pub scores: Vec<HorizonScore>,
    /// Per method, in [`Method::ALL`] order.
    pub overall: Vec<Overall>,
    /// The method with the lowest overall WAPE.
    pub best: Method,
}

/// A method's scores over every horizon, and the spread of its errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overall {
    /// The method.
    pub method: Method,
    /// WAPE over every horizon.
    pub wape: f64,
    /// Busyness cv of its forecast days: the spread of a day's total around the forecast
    /// beyond Poisson's (the scenario's `busyness_cv`).
    pub day_cv: f64,
    /// The same for one interval's count: the day's busyness and the day's own intraday
    /// shape together (the interval quantiles use it).
    pub interval_cv: f64,
}

impl Backtest {
    /// The scores of `method` over every horizon.
    pub fn of(&self, method: Method) -> Overall {
        self.overall
            .iter()
            .copied()
            .find(|o| o.method == method)
            .unwrap_or(Overall {
                method,
                wape: f64::NAN,
                day_cv: 0.0,
                interval_cv: 0.0,
            })
    }
}

/// One forecast day of the backtest.
struct Scored {
    origin: i64,
    target: i64,
    horizon: usize,
    expected: Vec<f64>,
    actual: Vec<f64>,
}

/// The cv beyond Poisson of counts `y` around their forecasts `μ`, from pairs `(μ, y)`:
/// `cv² = mean((y/μ − 1)² − 1/μ)` over the pairs with `μ ≥ 1`, at least 0; and how many
/// pairs there were.
fn cv_of(pairs: impl Iterator<Item = (f64, f64)>) -> (f64, usize) {
    let (mut sum, mut n) = (0.0, 0usize);
    for (mu, y) in pairs.filter(|(mu, _)| *mu >= 1.0) {
        sum += (y / mu - 1.0).powi(2) - 1.0 / mu;
        n += 1;
    }
    if n == 0 {
        return (0.0, 0);
    }
    ((sum / n as f64).max(0.0).sqrt(), n)
}

/// Day totals (forecast, truth) of forecast days.
fn totals<'a>(days: impl Iterator<Item = &'a Scored>) -> impl Iterator<Item = (f64, f64)> {
    days.map(|d| (d.expected.iter().sum(), d.actual.iter().sum()))
}

/// Interval counts (forecast, truth) of forecast days.
fn counts<'a>(days: impl Iterator<Item = &'a Scored>) -> impl Iterator<Item = (f64, f64)> {
    days.flat_map(|d| d.expected.iter().copied().zip(d.actual.iter().copied()))
}

/// Backtests every method on `history` for horizons 1 to `horizon_days`.
pub fn backtest(history: &History, horizon_days: usize) -> Backtest {
    let first = history.days.first().map_or(0, |d| d.day);
    let mut scores = Vec::new();
    let mut overall = Vec::new();
    for method in Method::ALL {
        let mut scored: Vec<Scored> = Vec::new();
        for origin in history
            .days
            .iter()
            .filter(|d| d.day >= first + WARM_UP_DAYS)
        {
            let past = history.before(origin.day);
            for h in 1..=horizon_days {
                let target = origin.day + h as i64 - 1;
                let Ok(at) = history.days.binary_search_by_key(&target, |d| d.day) else {
                    continue;
                };
                let day = &history.days[at];
                if let Some(expected) = method.predict(past, day.weekday) {
                    scored.push(Scored {
                        origin: origin.day,
                        target,
                        horizon: h,
                        expected,
                        actual: day.calls.clone(),
                    });
                }
            }
        }
        // each origin's 80% intervals use the cv of the forecasts already judged by then
        let inside: Vec<Option<f64>> = scored
            .iter()
            .map(|s| {
                let known = || scored.iter().filter(|e| e.target < s.origin);
                let days = known().count();
                let (cv, _) = cv_of(counts(known()));
                (days >= MIN_DAYS_FOR_CV).then(|| {
                    let sum: f64 = s
                        .expected
                        .iter()
                        .zip(&s.actual)
                        .map(|(&mu, &y)| IntervalCalls::new(mu, cv).inside(y as u64, 0.1))
                        .sum();
                    sum / s.expected.len().max(1) as f64
                })
            })
            .collect();
        for h in 1..=horizon_days {
            let at: Vec<usize> = (0..scored.len())
                .filter(|&i| scored[i].horizon == h)
                .collect();
            if at.is_empty() {
                continue;
            }
            scores.push(score(
                method,
                h,
                at.iter().map(|&i| &scored[i]),
                at.iter().map(|&i| inside[i]),
            ));
        }
        let all = score(method, 0, scored.iter(), inside.iter().copied());
        overall.push(Overall {
            method,
            wape: all.wape,
            day_cv: cv_of(totals(scored.iter())).0,
            interval_cv: cv_of(counts(scored.iter())).0,
        });
    }
    let best = overall
        .iter()
        .filter(|o| o.wape.is_finite())
        .min_by(|a, b| a.wape.total_cmp(&b.wape))
        .map_or(Method::WeekdayAverage, |o| o.method);
    Backtest {
        scores,
        overall,
        best,
    }
}

/// The scores of some forecast days, with the inside weight of each (if known).
fn score<'a>(
    method: Method,
    horizon_days: usize,
    days: impl Iterator<Item = &'a Scored>,
    inside: impl Iterator<Item = Option<f64>>,
) -> HorizonScore {
    let (mut abs, mut signed, mut truth, mut ape, mut n) = (0.0, 0.0, 0.0, 0.0, 0usize);
    for d in days {
        for (e, a) in d.expected.iter().zip(&d.actual) {
            abs += (e - a).abs();
            signed += e - a;
            truth += a;
        }
        let (t, f): (f64, f64) = (d.actual.iter().sum(), d.expected.iter().sum());
        if t > 0.0 {
            ape += (t - f).abs() / t;
        }
        n += 1;
    }
    let known: Vec<f64> = inside.flatten().collect();
    HorizonScore {
        method,
        horizon_days,
        days: n,
        wape: abs / truth,
        mape: ape / n.max(1) as f64,
        bias: signed / truth,
        coverage80: (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64),
    }
}
