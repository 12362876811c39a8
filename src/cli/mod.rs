//! The command line: clap definitions and one file per command. The only module that prints
//! or decides the exit code.

mod erlang;

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
    /// Analytic Erlang C (or Erlang A with --patience) for one interval.
    Erlang(erlang::ErlangArgs),
}

/// Parses the command line, runs the command, prints errors and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Erlang(args) => erlang::execute(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
