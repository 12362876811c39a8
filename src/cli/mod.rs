//! The command line: clap definitions and one file per command. The only module that prints
//! or decides the exit code.

mod check;
mod erlang;
mod fit;
mod inputs;
mod merge;
mod new;
mod plan;
mod plan_skills;
mod report;
mod roster;
mod run;
mod serve;
mod sweep;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// callsim: simulate call-center queues, compare with Erlang formulas, plan staffing.
#[derive(Debug, Parser)]
#[command(name = "callsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate scenario files (or every *.toml directly inside the folders given).
    Run(run::RunArgs),
    /// Validate scenario files and print every problem; runs nothing.
    Check(check::CheckArgs),
    /// Analytic Erlang C (or Erlang A with --patience) for one interval.
    Erlang(erlang::ErlangArgs),
    /// Write an annotated example scenario to start from.
    New(new::NewArgs),
    /// Plan the staffing of each interval: Erlang start, simulation refinement, final check.
    Plan(plan::PlanArgs),
    /// Turn the staffing plan into shifts at the least paid cost, and check them by simulation.
    Roster(roster::RosterArgs),
    /// Run a parameter sweep: a base scenario and axes of values, every point in parallel.
    Sweep(sweep::SweepArgs),
    /// Merge the outputs of sweep shards into one table.
    Merge(merge::MergeArgs),
    /// Rebuild charts and HTML pages from saved results, without simulating again.
    Report(report::ReportArgs),
    /// Fit scenario sections to real data: arrival counts, or a call-by-call log.
    Fit(fit::FitArgs),
    /// Serve a live what-if page for workshops: sliders re-simulate the day at once.
    Serve(serve::ServeArgs),
}

/// A duration flag (`--aht 4m`, `--threshold 20s`, `--patience 90`): written as in scenario
/// files (a number of seconds, or `"20s"`, `"4m"`, `"1h30m"`), at least 0 and at most a year.
/// Returns seconds.
fn duration_arg(text: &str) -> Result<f64, String> {
    const YEAR_S: f64 = 365.0 * 86_400.0;
    let s = crate::scenario::duration::parse_duration(text)?;
    if (0.0..=YEAR_S).contains(&s) {
        Ok(s)
    } else {
        Err(format!(
            "expected a duration from 0 to a year (365d), got \"{text}\""
        ))
    }
}

/// Parses the command line, runs the command, prints errors and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::execute(args),
        Command::Check(args) => check::execute(args),
        Command::Erlang(args) => erlang::execute(args),
        Command::New(args) => new::execute(args),
        Command::Plan(args) => plan::execute(args),
        Command::Roster(args) => roster::execute(args),
        Command::Sweep(args) => sweep::execute(args),
        Command::Merge(args) => merge::execute(args),
        Command::Report(args) => report::execute(args),
        Command::Fit(args) => fit::execute(args),
        Command::Serve(args) => serve::execute(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The worker threads of a command: `threads` of them (`--threads`), or one per core.
/// Results never depend on it.
fn thread_pool(threads: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n as usize);
    }
    Ok(pool.build()?)
}
