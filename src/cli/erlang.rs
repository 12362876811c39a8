//! `callsim erlang`: analytic Erlang C / Erlang A for one interval.

/// Arguments of `callsim erlang`.
#[derive(Debug, clap::Args)]
pub struct ErlangArgs {}

/// Runs `callsim erlang`.
pub fn execute(_args: ErlangArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
