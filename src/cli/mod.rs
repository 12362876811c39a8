//! The command line: clap definitions and one file per command. The only module that prints
//! or decides the exit code.

mod check;
mod erlang;
mod fit;
mod forecast;
mod inputs;
mod merge;
mod new;
mod plan;
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
    #[command(after_help = "Examples:
  callsim run scenarios/small-business.toml
  callsim run scenarios/hold-or-callback/ --compare --replications 40")]
    Run(run::RunArgs),
    /// Validate scenario files and print every problem; runs nothing.
    #[command(after_help = "Examples:
  callsim check scenarios/small-business.toml
  callsim check scenarios/")]
    Check(check::CheckArgs),
    /// Analytic Erlang C (or Erlang A with --patience) for one interval.
    #[command(after_help = "Examples:
  callsim erlang --calls-per-hour 200 --aht 3m --target-sl 0.8 --threshold 20s
  callsim erlang --calls-per-hour 360 --aht 4m --agents 25 --patience 3m")]
    Erlang(erlang::ErlangArgs),
    /// Write an annotated scenario to start from.
    #[command(after_help = "Example:
  callsim new my-shop && callsim run my-shop.toml")]
    New(new::NewArgs),
    /// Plan the staffing of each interval: Erlang start, simulation refinement, final check.
    #[command(after_help = "Examples:
  callsim plan scenarios/plan-day.toml
  callsim plan scenarios/plan-day.toml --optimize cost")]
    Plan(plan::PlanArgs),
    /// Turn the staffing plan into shifts at the least paid cost, and check them by simulation.
    #[command(after_help = "Examples:
  callsim roster scenarios/roster-day.toml
  callsim roster scenarios/roster-week.toml
  callsim roster scenarios/roster-week-tours.toml --agents scenarios/agents/help-desk-week.csv")]
    Roster(roster::RosterArgs),
    /// Run a parameter sweep: a base scenario and axes of values, every point in parallel.
    #[command(after_help = "Examples:
  callsim sweep scenarios/sweeps/staffing-vs-proactive.toml
  callsim sweep scenarios/sweeps/staffing-vs-proactive.toml --shard 1/4 --out shards/1")]
    Sweep(sweep::SweepArgs),
    /// Merge the outputs of sweep shards into one table.
    #[command(after_help = "Example:
  callsim merge shards/1 shards/2 shards/3 shards/4 --out output")]
    Merge(merge::MergeArgs),
    /// Rebuild charts and HTML pages from saved results, without simulating again.
    #[command(after_help = "Example:
  callsim report output --png")]
    Report(report::ReportArgs),
    /// Fit scenario sections to real data: arrival counts, or a call-by-call log.
    #[command(after_help = "Examples:
  callsim fit arrivals data/bank_calls_2003_mar_jun.csv --weekday Mon --out arrivals.toml
  callsim fit calls calls.csv --out calls.toml --chart patience.svg")]
    Fit(fit::FitArgs),
    /// Forecast the calls of each interval of the coming days from history, with their
    /// uncertainty, after a backtest of the methods on that history.
    #[command(after_help = "Example:
  callsim forecast data/bank_calls_2003_mar_jun.csv --start 2003-06-02 --days 7 --base scenarios/plan-day.toml")]
    Forecast(forecast::ForecastArgs),
    /// Serve a live what-if page for workshops: sliders re-simulate the day at once.
    #[command(after_help = "Example:
  callsim serve scenarios/small-business.toml   (then open http://127.0.0.1:8080)")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    #[command(after_help = "Examples:
  callsim completions bash > ~/.local/share/bash-completion/completions/callsim
  callsim completions zsh > ~/.zfunc/_callsim")]
    Completions(CompletionsArgs),
    /// Write man pages: callsim.1 and one per command (callsim-run.1, ...).
    #[command(after_help = "Example:
  callsim man --out man/ && man man/callsim-run.1")]
    Man(ManArgs),
}

/// Arguments of `callsim completions`.
#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

/// Arguments of `callsim man`.
#[derive(Debug, clap::Args)]
struct ManArgs {
    /// Folder to write the pages into (made if missing).
    #[arg(long, default_value = "man")]
    out: std::path::PathBuf,
}

/// Prints the completion script of `shell` for the whole command line.
fn completions(args: CompletionsArgs) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "callsim", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(())
}

/// Writes `callsim.1` and one page per command (and per `fit` subcommand) into `out`.
fn man_pages(args: ManArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    use clap::CommandFactory;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot make the folder {} (--out)", args.out.display()))?;
    let command = Cli::command();
    let mut written = 0;
    let mut write = |name: String, page: clap::Command| -> anyhow::Result<()> {
        let mut bytes = Vec::new();
        clap_mangen::Man::new(page.name(name.clone())).render(&mut bytes)?;
        crate::report::write_atomic(&args.out.join(format!("{name}.1")), &bytes)?;
        written += 1;
        Ok(())
    };
    write("callsim".into(), command.clone())?;
    for sub in command.get_subcommands() {
        let name = format!("callsim-{}", sub.get_name());
        for inner in sub.get_subcommands() {
            write(format!("{name}-{}", inner.get_name()), inner.clone())?;
        }
        write(name, sub.clone())?;
    }
    outln!("wrote {written} man pages into {}", args.out.display());
    Ok(())
}

/// A duration flag (`--aht 4m`, `--threshold 20s`, `--patience 90`): written as in scenario
/// files (a number of seconds, or `"20s"`, `"4m"`, `"1h30m"`), at least 0 and at most a year.
/// Returns seconds.
fn duration_arg(text: &str) -> Result<f64, String> {
    const YEAR_S: f64 = 365.0 * 86_400.0;
    let s = crate::scenario::duration::parse_duration(text).map_err(|e| e.to_string())?;
    if (0.0..=YEAR_S).contains(&s) {
        Ok(s)
    } else {
        Err(format!(
            "expected a duration from 0 to a year (365d), got \"{text}\""
        ))
    }
}

/// A number flag (`--calls-per-hour`, a share): a decimal number.
fn number_arg(text: &str) -> Result<f64, String> {
    text.trim()
        .parse()
        .map_err(|_| "expected a number such as 0.8".to_string())
}

/// A target flag of `plan` and `roster`: `text` read by `read`, then checked as the
/// planner and the calculator check their targets ([`crate::erlang::Targets::validate`]), so
/// that a value out of range is clap's error, naming the flag.
fn target_arg(
    text: &str,
    read: fn(&str) -> Result<f64, String>,
    set: fn(&mut crate::erlang::Targets, f64),
) -> Result<f64, String> {
    let value = read(text)?;
    let mut targets = crate::erlang::Targets::new(20.0);
    set(&mut targets, value);
    targets.validate().map_err(erlang_message)?;
    Ok(value)
}

/// The text of an Erlang error, without its `invalid input: ` heading.
fn erlang_message(e: crate::erlang::ErlangError) -> String {
    match e {
        crate::erlang::ErlangError::InvalidInput(message) => message,
        other => other.to_string(),
    }
}

/// `--target-sl P`: a share in (0, 1).
fn target_sl_arg(text: &str) -> Result<f64, String> {
    target_arg(text, number_arg, |t, v| t.service_level = Some(v))
}

/// `--max-abandon P`: a share in (0, 1).
fn max_abandon_arg(text: &str) -> Result<f64, String> {
    target_arg(text, number_arg, |t, v| t.max_abandon = Some(v))
}

/// `--max-occupancy P`: a share in (0, 1].
fn max_occupancy_arg(text: &str) -> Result<f64, String> {
    target_arg(text, number_arg, |t, v| t.max_occupancy = Some(v))
}

/// `--max-asa DUR`: a duration over 0 (and at most a year). Returns seconds.
fn max_asa_arg(text: &str) -> Result<f64, String> {
    target_arg(text, duration_arg, |t, v| t.max_asa_s = Some(v))
}

/// `--shrinkage S`: a share in [0, 1) of paid time off the phones, checked as heads are
/// scheduled ([`crate::erlang::scheduled_agents`]).
fn shrinkage_arg(text: &str) -> Result<f64, String> {
    let value = number_arg(text)?;
    crate::erlang::scheduled_agents(1, value).map_err(erlang_message)?;
    Ok(value)
}

/// Set when standard output could not be written for another reason than a reader that has
/// gone (a full disk behind `> file`): the command then ends with a failure.
static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes `text` to standard output (`out` for stdout, else stderr), as `print!` does, but a
/// reader that has gone (`callsim run x | head -1`) is not an error: the text is dropped and
/// the command goes on, so its files are still written and its exit code is its own. Any
/// other error on standard output is said on stderr once and makes the command fail.
pub(crate) fn write_text(out: bool, text: std::fmt::Arguments) {
    use std::io::Write;
    let written = if out {
        std::io::stdout().lock().write_fmt(text)
    } else {
        std::io::stderr().lock().write_fmt(text)
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) if out && !STDOUT_FAILED.swap(true, std::sync::atomic::Ordering::Relaxed) => {
            write_text(
                false,
                format_args!("error: writing to standard output: {e}\n"),
            );
        }
        _ => {}
    }
}

/// `print!` for the command line: see [`write_text`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_text(true, format_args!($($arg)*)) };
}
/// `println!` for the command line: see [`write_text`].
macro_rules! outln {
    () => { $crate::cli::write_text(true, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::write_text(true, format_args!("{}\n", format_args!($($arg)*))) };
}
/// `eprintln!` for the command line: a stderr that has gone (`2>&1 | head`) is not an error.
macro_rules! errln {
    () => { $crate::cli::write_text(false, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::write_text(false, format_args!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use {errln, out, outln};

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
        Command::Forecast(args) => forecast::execute(args),
        Command::Serve(args) => serve::execute(args),
        Command::Completions(args) => completions(args),
        Command::Man(args) => man_pages(args),
    };
    match result {
        Ok(()) if !STDOUT_FAILED.load(std::sync::atomic::Ordering::Relaxed) => ExitCode::SUCCESS,
        Ok(()) => ExitCode::FAILURE,
        Err(err) => {
            errln!("error: {err:#}");
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
