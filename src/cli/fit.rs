//! `callsim fit arrivals COUNTS.csv` and `callsim fit calls LOG.csv`: scenario sections from
//! real data. The sections are printed (their comment lines are the summary of the fit) and,
//! with `--out`, written to a file; `--chart` draws the fit.

use super::{errln, out};
use crate::fit::arrivals::fit_arrivals;
use crate::fit::calls::{fit_calls, read_calls};
use crate::fit::counts::read_counts;
use crate::fit::write::{arrivals_toml, calls_toml};
use crate::report::charts::{self, fit as fit_charts};
use crate::report::write_atomic;
use std::path::{Path, PathBuf};

/// Arguments of `callsim fit`.
#[derive(Debug, clap::Args)]
pub(super) struct FitArgs {
    #[command(subcommand)]
    what: FitCommand,
}

#[derive(Debug, clap::Subcommand)]
enum FitCommand {
    /// Intraday profile, day-of-week factors and busyness from counts per interval
    /// (CSV columns interval_start,calls); writes [time] and [arrivals].
    Arrivals(ArrivalsArgs),
    /// Handle time and patience from a call-by-call log (CSV columns
    /// arrival,wait_s,outcome,talk_s, as run --calls-csv writes); writes [handle_time] and
    /// [patience].
    Calls(CallsArgs),
}

/// Arguments of `callsim fit arrivals`.
#[derive(Debug, clap::Args)]
struct ArrivalsArgs {
    /// The counts: interval_start (YYYY-MM-DD HH:MM[:SS]), calls.
    counts: PathBuf,
    /// Length of the scenario's intervals; a multiple of the counts' interval.
    #[arg(long, default_value = "30m")]
    interval: String,
    /// Scale the profile to one day of the week (Mon, Tue, ...) by its factor.
    #[arg(long)]
    weekday: Option<String>,
    /// Write the sections to this file too.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Draw the profile with its day-to-day band to this SVG file.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Also write the chart as PNG (beside the SVG).
    #[arg(long)]
    png: bool,
}

/// Arguments of `callsim fit calls`.
#[derive(Debug, clap::Args)]
struct CallsArgs {
    /// The call log: arrival, wait_s, outcome (answered/abandoned/blocked/balked/callback), talk_s.
    log: PathBuf,
    /// Write the sections to this file too.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Draw the Kaplan–Meier patience curve with the fitted curves to this SVG file.
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Also write the chart as PNG (beside the SVG).
    #[arg(long)]
    png: bool,
}

/// Runs `callsim fit`.
pub(super) fn execute(args: FitArgs) -> anyhow::Result<()> {
    match args.what {
        FitCommand::Arrivals(a) => arrivals(a),
        FitCommand::Calls(a) => calls(a),
    }
}

fn arrivals(args: ArrivalsArgs) -> anyhow::Result<()> {
    let interval_s = super::duration_arg(&args.interval)
        .ok()
        .filter(|s| *s > 0.0)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--interval: expected a duration such as \"30m\", got \"{}\"",
                args.interval
            )
        })?;
    let weekday = match &args.weekday {
        None => None,
        Some(w) => Some(crate::units::weekday_index(w).ok_or_else(|| {
            anyhow::anyhow!("--weekday: expected Mon, Tue, Wed, Thu, Fri, Sat or Sun, got \"{w}\"")
        })?),
    };
    let counts = read_counts(&args.counts)?;
    let fit = fit_arrivals(&args.counts, &counts, interval_s)?;
    if let Some(w) = weekday
        && fit.weekday_factors[w].is_none()
    {
        anyhow::bail!(
            "--weekday: {} has no day of the week {}",
            args.counts.display(),
            crate::units::WEEKDAYS[w]
        );
    }
    warn(&args.counts, fit.warnings());
    let text = arrivals_toml(&fit, &file_name(&args.counts), weekday);
    passes_check(
        &text,
        "[handle_time]\ndistribution = \"exponential\"\nmean = 180\n[staffing]\nagents = 1\n",
        &args.counts,
    )?;
    finish(&text, args.out.as_deref())?;
    if let Some(path) = &args.chart {
        let chart = fit_charts::ProfileBand::from_fit(&fit, &file_name(&args.counts));
        write_chart(path, &chart, args.png)?;
    }
    Ok(())
}

fn calls(args: CallsArgs) -> anyhow::Result<()> {
    let records = read_calls(&args.log)?;
    let fit = fit_calls(&records).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: handle times cannot be fitted: fewer than two answered calls with different talk times",
            args.log.display()
        )
    })?;
    warn(&args.log, fit.warnings());
    let text = calls_toml(&fit, &file_name(&args.log));
    passes_check(
        &text,
        "[time]\nhorizon = \"1h\"\n[arrivals]\ncalls_per_hour = 1\n[staffing]\nagents = 1\n",
        &args.log,
    )?;
    finish(&text, args.out.as_deref())?;
    if let Some(path) = &args.chart {
        let chart = fit_charts::PatienceCurve::from_fit(&fit, &file_name(&args.log));
        write_chart(path, &chart, args.png)?;
    }
    Ok(())
}

/// Refuses fitted sections that `callsim check` would reject in a scenario (a mean of `inf`
/// or of more than a year from absurd durations, counts past the limits): nothing is
/// printed or written. `rest` completes them to a scenario.
fn passes_check(sections: &str, rest: &str, data: &Path) -> anyhow::Result<()> {
    let text = format!("name = \"fit\"\n{rest}{sections}");
    let Err(problems) = crate::scenario::parse(&text, "fit", Path::new("."), "fit") else {
        return Ok(());
    };
    let list: Vec<String> = problems
        .iter()
        .map(|p| format!("  {}: {}", p.key, p.message))
        .collect();
    anyhow::bail!(
        "{}: the fitted sections would not pass `callsim check`, so none are printed or \
         written (are the durations in seconds, and plausible?):\n{}",
        data.display(),
        list.join("\n")
    )
}

/// Prints each warning about the data of `path` on stderr.
fn warn(path: &Path, warnings: Vec<String>) {
    for w in warnings {
        errln!("warning: {}: {w}", path.display());
    }
}

/// Prints the sections and writes them to `out` when given.
fn finish(text: &str, out: Option<&Path>) -> anyhow::Result<()> {
    out!("{text}");
    if let Some(path) = out {
        write_atomic(path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        errln!("wrote {}", path.display());
    }
    Ok(())
}

fn write_chart(path: &Path, chart: &impl charts::Chart, png: bool) -> anyhow::Result<()> {
    let rendered = charts::render(chart, png)?;
    write_atomic(path, rendered.svg.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    errln!("wrote {}", path.display());
    if let Some(png) = rendered.png {
        let png_path = path.with_extension("png");
        write_atomic(&png_path, &png)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", png_path.display()))?;
        errln!("wrote {}", png_path.display());
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
