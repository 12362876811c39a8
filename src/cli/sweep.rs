//! `callsim sweep FILE [--out DIR] [--threads N] [--shard I/N] [--resume | --force] [--replications N]
//! [--seed S] [--precision KPI=HW,... [--max-replications N]]`: validate every point, run them in parallel, write `OUT/<sweep>/sweep.csv`
//! and `sweep.json`, with a progress bar on stderr (only when stderr is a terminal).

use super::errln;
use crate::sweep::{self, Overrides, Progress, RunOptions, Shard};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Arguments of `callsim sweep`.
#[derive(Debug, clap::Args)]
pub(super) struct SweepArgs {
    /// The sweep file: a base scenario and [axes].
    pub file: PathBuf,
    /// Folder for the results: OUT/<sweep>/sweep.csv, sweep.json, points/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Run only the points whose index ≡ I (mod N), e.g. 3/64 (for job arrays); combine the
    /// shards' folders with `callsim merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Keep the points already written in OUT/<sweep>/ and run only the others.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Run every point again, replacing the results already in OUT/<sweep>/ (without it, or
    /// --resume, a folder holding results is refused).
    #[arg(long)]
    pub force: bool,
    /// Replications of every point, overriding the sweep and base files.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replications: Option<u32>,
    /// Seed of every point, overriding the sweep and base files.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Run every point until these whole-run KPIs are this precise (95% half-width), e.g.
    /// service_level=0.005 (± half a point) or asa_s=2% (± 2% of it), replacing the base's
    /// [precision]; --replications is then the first batch.
    #[arg(long, value_name = "KPI=HW,...")]
    pub precision: Option<String>,
    /// Most replications of a point run to a precision.
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    pub max_replications: Option<u32>,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// Runs `callsim sweep`.
pub(super) fn execute(args: SweepArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        replications: args.replications,
        seed: args.seed,
        precision: args.precision,
        max_replications: args.max_replications,
    };
    let spec = sweep::load(&args.file, overrides).map_err(|problems| {
        errln!("{problems}");
        anyhow::anyhow!(
            "{} problem(s) in the sweep {}; nothing was run",
            problems.0.len(),
            args.file.display()
        )
    })?;
    for note in &spec.notes {
        errln!("note: {note}");
    }
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let pool = super::thread_pool(args.threads)?;
    let threads = pool.current_num_threads();

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} points  {msg}  elapsed {elapsed}, left {eta}",
        )?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    // Called after every replication, from every worker: redraw at most every 100 ms.
    let last_update_ms = AtomicU64::new(0);
    let progress = |p: Progress| {
        let now_ms = started.elapsed().as_millis() as u64;
        let previous = last_update_ms.load(Ordering::Relaxed);
        if p.points_done < p.points_total && p.calls > 0 && now_ms < previous + 100 {
            return;
        }
        last_update_ms.store(now_ms, Ordering::Relaxed);
        bar.set_length(p.points_total as u64);
        bar.set_position(p.points_done as u64);
        let rate = p.calls as f64 / started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{:.2} M calls/s", rate / 1e6));
    };
    let options = RunOptions {
        shard,
        resume: args.resume,
        force: args.force,
    };
    let summary = pool.install(|| sweep::run(&spec, &args.out, options, &progress));
    bar.finish_and_clear();
    let summary = summary?;

    let elapsed = started.elapsed().as_secs_f64().max(1e-9);
    let shard_note = if shard.count > 1 {
        format!(" (shard {}/{})", shard.index, shard.count)
    } else {
        String::new()
    };
    errln!(
        "sweep {}{shard_note}: {} points, {} run now and {} already done; {} calls in {elapsed:.2} \
         s on {threads} thread(s): {:.1} points/s, {:.2} million calls/s",
        spec.name,
        summary.points_in_shard,
        summary.points_run,
        summary.points_resumed,
        summary.calls,
        summary.points_run as f64 / elapsed,
        summary.calls as f64 / elapsed / 1e6
    );
    warn_short_of_precision(&summary.short_of_precision, summary.points_in_shard);
    match &summary.table {
        Some(csv) => {
            errln!("wrote {}", csv.display());
            draw_charts(&summary.dir)?;
        }
        None => errln!(
            "wrote {}/points/; combine the shards' folders with `callsim merge DIR... --out OUT`",
            summary.dir.display()
        ),
    }
    Ok(())
}

/// Most points listed one by one in a warning.
pub(super) const LISTED: usize = 20;

/// Warns on stderr of the points (of `total`) that stopped at their maximum of replications
/// before every KPI was as precise as asked, with the half-widths they reached.
pub(super) fn warn_short_of_precision(short: &[sweep::ShortOfPrecision], total: usize) {
    if short.is_empty() {
        return;
    }
    errln!(
        "warning: {} of {total} points stopped at their maximum of replications before every \
         KPI was that precise (precision_met = false in sweep.csv; raise --max-replications, \
         or ask for less):",
        short.len()
    );
    for s in short.iter().take(LISTED) {
        let kpis = s.precision.kpis.iter().filter_map(|k| {
            let kpi = crate::stats::Kpi::named(&k.kpi)?;
            let number = |x: Option<f64>| x.unwrap_or(f64::NAN);
            Some((kpi, &k.asked, number(k.allowed), number(k.reached)))
        });
        errln!(
            "warning:   {} after {} replications: {}",
            s.point,
            s.replications,
            super::run::half_widths(kpis, false)
        );
    }
    if short.len() > LISTED {
        errln!("warning:   ... and {} more", short.len() - LISTED);
    }
}

/// Draws the headline chart and report page of a complete sweep in `dir` (the same files
/// whether the sweep ran whole, was resumed, or was merged from shards).
/// The folder's `index.html` is written anew too, so the page's link back to it holds.
pub(super) fn draw_charts(dir: &std::path::Path) -> anyhow::Result<()> {
    use crate::report::pages;
    pages::write_sweep_charts(dir)
        .map_err(|e| anyhow::anyhow!("cannot draw the sweep's charts in {}: {e}", dir.display()))?;
    errln!("wrote {}/headline.svg and report.html", dir.display());
    if let Some(out) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        pages::write_run_index(out, Vec::new(), pages::ReportOptions::default())
            .map_err(|e| anyhow::anyhow!("cannot write {}/index.html: {e}", out.display()))?;
    }
    Ok(())
}
