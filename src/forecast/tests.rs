//! The forecast on synthetic histories whose profile, weekday factors and busyness are
//! known.

use super::*;
use rand::SeedableRng;
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Expected calls of each of 16 intervals of a Monday; other days scale it.
const PROFILE: [f64; 16] = [
    40.0, 60.0, 90.0, 120.0, 130.0, 110.0, 90.0, 100.0, 120.0, 125.0, 110.0, 90.0, 70.0, 60.0,
    50.0, 30.0,
];
/// Day-of-week factors, Monday to Friday (weekends closed).
const WEEKDAY: [f64; 5] = [1.2, 1.0, 0.95, 1.0, 0.85];

fn weekday_of(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// `weeks` weeks of working days from Monday 2003-03-03 (day 12114), calls Poisson with mean
/// `B · factor · profile`, `B` gamma with mean 1 and cv `cv` (0: none).
fn synthetic(weeks: i64, cv: f64, seed: u64) -> History {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let first = 12114; // a Monday
    assert_eq!(weekday_of(first), 0);
    let mut days = Vec::new();
    for day in first..first + 7 * weeks {
        let w = weekday_of(day);
        if w > 4 {
            continue;
        }
        let b = if cv > 0.0 {
            Gamma::new(1.0 / (cv * cv), cv * cv)
                .unwrap()
                .sample(&mut rng)
        } else {
            1.0
        };
        let calls = PROFILE
            .iter()
            .map(|p| Poisson::new(b * WEEKDAY[w] * p).unwrap().sample(&mut rng))
            .collect();
        days.push(HistoryDay {
            day,
            date: crate::fit::Timestamp { day, ms: 0 }.date(),
            weekday: w,
            calls,
        });
    }
    History {
        interval_s: 1800.0,
        open_s: 8.0 * 3600.0,
        days,
        holidays_left_out: Vec::new(),
    }
}

#[test]
fn the_seasonal_naive_of_a_repeating_history_makes_no_error() {
    let mut history = synthetic(1, 0.0, 1);
    let week = history.days.clone();
    for k in 1..6 {
        history.days.extend(week.iter().map(|d| {
            HistoryDay {
                day: d.day + 7 * k,
                date: crate::fit::Timestamp {
                    day: d.day + 7 * k,
                    ms: 0,
                }
                .date(),
                ..d.clone()
            }
        }));
    }
    let b = backtest(&history, 7);
    for s in b
        .scores
        .iter()
        .filter(|s| s.method == Method::SeasonalNaive)
    {
        assert_eq!((s.wape, s.mape, s.bias), (0.0, 0.0, 0.0), "{s:?}");
        assert!(s.days > 0);
    }
    assert_eq!(b.of(Method::SeasonalNaive).day_cv, 0.0);
    assert_eq!(b.of(b.best).wape, 0.0);
}

/// The forecast recovers the profile × weekday factor (each interval within 4 standard
/// errors of an 8-day mean) and the busyness: the backtest's day cv² estimates
/// `cv² + (cv² + 1/μ_T)/w` averaged over its forecast days (`w`: the days averaged, up to 8:
/// the forecast's own error), within 4 standard errors `s²·√(2/n)`.
#[test]
fn the_backtest_recovers_profile_and_busyness() {
    let cv: f64 = 0.1;
    let history = synthetic(40, cv, 7);
    let b = backtest(&history, 1);
    // next Monday from the weekday average
    let start = history.days.last().unwrap().day + 3; // the last day is a Friday
    assert_eq!(weekday_of(start), 0);
    let f = forecast(
        &history,
        &Backtest {
            best: Method::WeekdayAverage,
            ..b.clone()
        },
        start,
        1,
        &[],
    );
    let expected = f.days[0].expected.as_ref().unwrap();
    for (k, (e, p)) in expected.iter().zip(PROFILE).enumerate() {
        let mu = WEEKDAY[0] * p;
        let se = ((mu + cv * cv * mu * mu) / 8.0).sqrt();
        assert!(
            (e - mu).abs() < 4.0 * se,
            "interval {k}: {e} against {mu} ± {se}"
        );
    }
    // the weekday average's day cv, against what it estimates
    let mut want = 0.0;
    let mut n = 0.0;
    for d in history
        .days
        .iter()
        .filter(|d| d.day >= history.days[0].day + backtest::WARM_UP_DAYS)
    {
        let w = history
            .before(d.day)
            .iter()
            .filter(|p| p.weekday == d.weekday)
            .count()
            .min(8) as f64;
        let mu_t = WEEKDAY[d.weekday] * PROFILE.iter().sum::<f64>();
        want += cv * cv + (cv * cv + 1.0 / mu_t) / w;
        n += 1.0;
    }
    want /= n;
    let got = b.of(Method::WeekdayAverage).day_cv.powi(2);
    let se = (want + 1.0 / 1500.0) * (2.0 / n).sqrt();
    assert!(
        (got - want).abs() < 4.0 * se,
        "cv² {got} against {want} ± {se}"
    );
}

/// Over many forecast days the counts fall inside their 80% interval 80% of the time: the
/// share is within 3 standard errors, counting the days (whose intervals share a busyness)
/// as the independent units: `√(0.25 / days)`.
#[test]
fn the_80_percent_band_holds_80_percent() {
    let history = synthetic(60, 0.1, 11);
    let b = backtest(&history, 1);
    for s in &b.scores {
        let inside = s.coverage80.expect("enough earlier days");
        let band = 3.0 * (0.25 / s.days as f64).sqrt();
        assert!(
            (inside - 0.8).abs() < band,
            "{}: {inside} ± {band}",
            s.method.name()
        );
    }
}

#[test]
fn holidays_are_left_out_and_marked() {
    let history = synthetic(6, 0.0, 3);
    let holiday = history.days[10].day;
    let fit_days: Vec<i64> = history.days.iter().map(|d| d.day).collect();
    assert!(fit_days.contains(&holiday));
    let b = backtest(&history, 3);
    let start = history.days.last().unwrap().day + 3;
    let f = forecast(&history, &b, start, 3, &[start + 1]);
    assert!(!f.days[0].holiday && f.days[1].holiday);
    assert_eq!(f.days[0].quantiles.len(), PROFILE.len());
    // a weekend day has no history to come from
    let sat = forecast(&history, &b, start - 2, 1, &[]);
    assert!(sat.days[0].expected.is_none());
}
