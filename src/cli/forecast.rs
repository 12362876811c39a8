//! `callsim forecast COUNTS.csv --start DATE --days N [--interval 30m] [--holidays FILE]
//! [--base SCENARIO.toml] [--out DIR] [--png]`: backtest the methods on the history before
//! DATE, forecast the days from DATE with the best, and write the tables, the chart and a
//! scenario (or its sections) per day.

use super::{out, outln};
use crate::fit::arrivals::fit_arrivals;
use crate::fit::counts::read_counts;
use crate::forecast::{self, History, quantiles::counts_quantiles, write};
use crate::report::write_atomic;
use crate::units::WEEKDAYS;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// Arguments of `callsim forecast`.
#[derive(Debug, clap::Args)]
pub(super) struct ForecastArgs {
    /// The counts: interval_start (YYYY-MM-DD HH:MM[:SS]), calls (as `fit arrivals` reads).
    pub counts: PathBuf,
    /// The first day to forecast (YYYY-MM-DD); only the history before it is used.
    #[arg(long, value_name = "DATE")]
    pub start: String,
    /// Days to forecast (1 to 366); the backtest scores horizons up to this many days (28 at
    /// most).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// Length of the forecast's intervals; a multiple of the counts' interval.
    #[arg(long, value_name = "DUR", default_value = "30m", allow_hyphen_values = true, value_parser = super::duration_arg)]
    pub interval: f64,
    /// Dates to leave out of the history and to mark in the forecast: one YYYY-MM-DD a line
    /// (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub holidays: Option<PathBuf>,
    /// A scenario whose other sections (handle time, patience, staffing, costs...) complete
    /// each day's scenario; without it only the [time] and [arrivals] sections are written.
    #[arg(long, value_name = "SCENARIO")]
    pub base: Option<PathBuf>,
    /// Folder for forecast.csv, backtest.csv, forecast.svg and days/DATE.toml.
    #[arg(long, default_value = "output/forecast")]
    pub out: PathBuf,
    /// Also write the chart as PNG.
    #[arg(long)]
    pub png: bool,
}

/// Longest horizon the backtest scores, days.
const MAX_BACKTEST_HORIZON: u32 = 28;

/// Runs `callsim forecast`.
pub(super) fn execute(args: ForecastArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let start = crate::fit::parse_timestamp(&format!("{} 00:00", args.start.trim()))
        .map_err(|_| {
            anyhow::anyhow!(
                "--start: expected a date such as 2003-06-02, got \"{}\"",
                args.start
            )
        })?
        .day;
    if args.interval <= 0.0 {
        bail!("--interval must be longer than 0");
    }
    let holidays = match &args.holidays {
        Some(path) => forecast::read_holidays(path)?,
        None => Vec::new(),
    };
    let counts = read_counts(&args.counts)?;
    let fit = fit_arrivals(&args.counts, &counts, args.interval)?;
    let history = History::of(&fit, &holidays);
    let past = History {
        days: history.before(start).to_vec(),
        ..history.clone()
    };
    if past.days.len() < 15 {
        bail!(
            "{}: only {} complete day(s) before {}: the backtest needs at least 15 (two weeks \
             and a day)",
            args.counts.display(),
            past.days.len(),
            args.start
        );
    }
    let backtest = forecast::backtest(&past, args.days.min(MAX_BACKTEST_HORIZON) as usize);
    let result = forecast::forecast(&past, &backtest, start, args.days as usize, &holidays);

    std::fs::create_dir_all(args.out.join("days"))
        .with_context(|| format!("cannot make {}", args.out.display()))?;
    let write = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let path = args.out.join(name);
        write_atomic(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    write(
        "forecast.csv",
        write::forecast_csv(&past, &result).as_bytes(),
    )?;
    write("backtest.csv", write::backtest_csv(&backtest).as_bytes())?;
    let source = file_name(&args.counts);
    let chart = crate::report::charts::forecast::ForecastChart::of(&history, &result, &source);
    let rendered = crate::report::charts::render(&chart, args.png)?;
    write("forecast.svg", rendered.svg.as_bytes())?;
    if let Some(png) = rendered.png {
        write("forecast.png", &png)?;
    }
    let base = match &args.base {
        Some(path) => Some(read_base(path)?),
        None => None,
    };
    let mut written = 0;
    for day in &result.days {
        let text = match &base {
            Some((table, name)) => write::day_scenario(table, name, &past, &result, day)
                .map(|t| toml::to_string(&t))
                .transpose()?
                .map(|text| {
                    format!(
                        "# {}: {} with [time] and [arrivals] from callsim forecast of {source} \
                         (method {}), written by callsim forecast\n{text}",
                        day.date,
                        args.base.as_deref().map_or(String::new(), file_name),
                        result.method.name()
                    )
                }),
            None => write::day_sections(&past, &result, day, &source),
        };
        if let Some(text) = text {
            write(&format!("days/{}.toml", day.date), text.as_bytes())?;
            written += 1;
        }
    }

    print_backtest(&backtest);
    print_days(&history, &result);
    outln!(
        "\nwrote {}: forecast.csv, backtest.csv, forecast.svg, days/ ({written} {}) in {:.2} s",
        args.out.display(),
        if base.is_some() {
            "scenarios"
        } else {
            "scenario sections"
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The backtest table: WAPE by method at a few horizons, and the 80% coverage.
fn print_backtest(backtest: &forecast::Backtest) {
    let best = backtest.best;
    let horizons: Vec<usize> = {
        let mut h: Vec<usize> = backtest.scores.iter().map(|s| s.horizon_days).collect();
        h.sort_unstable();
        h.dedup();
        let last = h.last().copied().unwrap_or(1);
        h.into_iter()
            .filter(|&d| d == 1 || d == 7 || d == 14 || d == last)
            .collect()
    };
    outln!("backtest on the history (rolling origin): WAPE of the interval counts by days ahead");
    out!("  {:<16}", "method");
    for h in &horizons {
        out!(" {:>8}", format!("{h} d"));
    }
    outln!(" {:>8} {:>12}", "all", "80% inside");
    for o in &backtest.overall {
        let (method, wape) = (&o.method, o.wape);
        out!("  {:<16}", method.name());
        for h in &horizons {
            let s = backtest
                .scores
                .iter()
                .find(|s| s.method == *method && s.horizon_days == *h);
            out!(
                " {:>8}",
                s.map_or("–".into(), |s| format!("{:.1}%", 100.0 * s.wape))
            );
        }
        let inside: Vec<f64> = backtest
            .scores
            .iter()
            .filter(|s| s.method == *method)
            .filter_map(|s| s.coverage80)
            .collect();
        let inside = if inside.is_empty() {
            "–".to_string()
        } else {
            format!(
                "{:.1}%",
                100.0 * inside.iter().sum::<f64>() / inside.len() as f64
            )
        };
        outln!(
            " {:>8} {:>12}{}",
            format!("{:.1}%", 100.0 * wape),
            inside,
            if *method == best { "  <- used" } else { "" }
        );
    }
    let o = backtest.of(best);
    outln!(
        "spread beyond Poisson (from the backtest of {}): cv {:.3} of a day's total (the \
         scenario's busyness_cv), {:.3} of one interval's count (the 80% bands)",
        best.name(),
        o.day_cv,
        o.interval_cv
    );
}

/// One line per forecast day: expected calls and the day's 80% band.
fn print_days(history: &History, result: &forecast::Forecast) {
    outln!(
        "\n  {:<10} {:<4} {:>10} {:>17}  what happened",
        "date",
        "day",
        "expected",
        "80% band"
    );
    let mut unseen: Vec<&str> = Vec::new();
    // against the truth, where the counts file holds the forecast days
    let (mut abs, mut truth, mut inside, mut known) = (0.0, 0.0, 0, 0);
    for day in &result.days {
        let Some(expected) = &day.expected else {
            let name = WEEKDAYS[day.weekday];
            if !unseen.contains(&name) {
                unseen.push(name);
            }
            continue;
        };
        let total: f64 = expected.iter().sum();
        let [lo, _, hi] = counts_quantiles(total, result.busyness_cv);
        let actual = history
            .days
            .binary_search_by_key(&day.day, |d| d.day)
            .ok()
            .map(|i| &history.days[i]);
        if let Some(a) = actual {
            abs += expected
                .iter()
                .zip(&a.calls)
                .map(|(e, y)| (e - y).abs())
                .sum::<f64>();
            truth += a.total();
            inside += usize::from((lo as f64..=hi as f64).contains(&a.total()));
            known += 1;
        }
        outln!(
            "  {:<10} {:<4} {:>10.0} {:>17}  {}{}",
            day.date,
            WEEKDAYS[day.weekday],
            total,
            format!("{lo} – {hi}"),
            actual.map_or(String::new(), |a| format!("{:.0}", a.total())),
            if day.holiday { " (holiday)" } else { "" }
        );
    }
    if !unseen.is_empty() {
        outln!(
            "  not forecast (no such day of the week in the history): {}",
            unseen.join(", ")
        );
    }
    if known > 0 {
        outln!(
            "against what happened ({known} day(s) in the counts file): WAPE {:.1}% of the \
             interval counts; {inside} of {known} day totals inside their 80% band",
            100.0 * abs / truth
        );
    }
}

/// A base scenario: its table and its name, checked as `callsim check` would.
fn read_base(path: &Path) -> anyhow::Result<(toml::Table, String)> {
    let scenario = crate::scenario::load(path).map_err(|problems| {
        super::inputs::print_problems(&problems);
        anyhow::anyhow!("--base {}: {} problem(s)", path.display(), problems.len())
    })?;
    let text = crate::input::read_toml(path)?;
    let table: toml::Table = toml::from_str(&text)?;
    Ok((table, scenario.name))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
