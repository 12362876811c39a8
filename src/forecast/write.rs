//! What `callsim forecast` writes: `forecast.csv`, `backtest.csv`, and the scenario sections
//! of each forecast day (or a whole scenario from a base file).

use super::{Backtest, DayForecast, Forecast, History};
use crate::units::{WEEKDAYS, format_clock};

/// `forecast.csv`: date, weekday, holiday, interval start, expected, p10, p50, p90.
pub fn forecast_csv(history: &History, forecast: &Forecast) -> String {
    let mut out = String::from("date,weekday,holiday,interval_start,expected,p10,p50,p90\n");
    for day in &forecast.days {
        let Some(expected) = &day.expected else {
            continue;
        };
        for (k, (mu, q)) in expected.iter().zip(&day.quantiles).enumerate() {
            out.push_str(&format!(
                "{},{},{},{},{:.3},{},{},{}\n",
                day.date,
                WEEKDAYS[day.weekday],
                u8::from(day.holiday),
                format_clock(history.open_s + k as f64 * history.interval_s),
                mu,
                q[0],
                q[1],
                q[2]
            ));
        }
    }
    out
}

/// `backtest.csv`: method, horizon in days, days compared, WAPE, MAPE, bias, 80% coverage.
pub fn backtest_csv(backtest: &Backtest) -> String {
    let mut out = String::from("method,horizon_days,days,wape,mape,bias,coverage80\n");
    for s in &backtest.scores {
        out.push_str(&format!(
            "{},{},{},{:.4},{:.4},{:.4},{}\n",
            s.method.name(),
            s.horizon_days,
            s.days,
            s.wape,
            s.mape,
            s.bias,
            s.coverage80.map_or(String::new(), |c| format!("{c:.4}"))
        ));
    }
    out
}

/// The `[time]` and `[arrivals]` sections of a forecast day, with a comment saying where
/// they come from (`source`: the counts file's name).
pub fn day_sections(
    history: &History,
    forecast: &Forecast,
    day: &DayForecast,
    source: &str,
) -> Option<String> {
    let expected = day.expected.as_ref()?;
    let values: Vec<String> = expected.iter().map(|x| format!("{:.1}", x)).collect();
    Some(format!(
        "# forecast by callsim forecast from {source}: {} ({}{}), method {}, busyness cv from its backtest\n\
         [time]\nopen = \"{}\"\ninterval = \"{}\"\nintervals = {}\n\n\
         [arrivals]\nper_interval = [{}]\nbusyness_cv = {:.4}\n",
        day.date,
        WEEKDAYS[day.weekday],
        if day.holiday {
            ", a holiday: forecast as an ordinary day"
        } else {
            ""
        },
        forecast.method.name(),
        format_clock(history.open_s),
        crate::units::format_duration(history.interval_s),
        expected.len(),
        values.join(", "),
        forecast.busyness_cv
    ))
}

/// A whole scenario for a forecast day: `base` (a scenario file's table) with the day's
/// `[time]` (a working day) and `[arrivals]`, named `<base name>-<date>`. Staffing given per
/// interval for another number of intervals becomes its largest value all day (plan and
/// roster replace it anyway).
pub fn day_scenario(
    base: &toml::Table,
    base_name: &str,
    history: &History,
    forecast: &Forecast,
    day: &DayForecast,
) -> Option<toml::Table> {
    let expected = day.expected.as_ref()?;
    let mut table = base.clone();
    if let Some(time) = table.get_mut("time").and_then(toml::Value::as_table_mut) {
        for key in ["horizon", "warmup", "close"] {
            time.remove(key);
        }
    }
    let intervals = expected.len();
    let staffing = table
        .get_mut("staffing")
        .and_then(toml::Value::as_table_mut);
    if let Some(staffing) = staffing
        && let Some(toml::Value::Array(agents)) = staffing.get("per_interval")
        && agents.len() != intervals
    {
        let most = agents
            .iter()
            .filter_map(toml::Value::as_integer)
            .max()
            .unwrap_or(1);
        staffing.remove("per_interval");
        staffing.insert("agents".into(), toml::Value::Integer(most));
    }
    let per_interval = expected
        .iter()
        .map(|x| toml::Value::Float((x * 10.0).round() / 10.0))
        .collect();
    let settings: [(&str, toml::Value); 6] = [
        (
            "name",
            toml::Value::String(format!("{base_name}-{}", day.date)),
        ),
        (
            "time.open",
            toml::Value::String(format_clock(history.open_s)),
        ),
        ("time.interval", toml::Value::Float(history.interval_s)),
        ("time.intervals", toml::Value::Integer(intervals as i64)),
        ("arrivals.per_interval", toml::Value::Array(per_interval)),
        (
            "arrivals.busyness_cv",
            toml::Value::Float((forecast.busyness_cv * 1e4).round() / 1e4),
        ),
    ];
    for (key, value) in settings {
        crate::scenario::overlay::set_key(&mut table, key, value).ok()?;
    }
    Some(table)
}
