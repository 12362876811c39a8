//! `callsim sweep` (being built).

/// Arguments of `callsim sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {}

/// Runs `callsim sweep`.
pub fn execute(_args: SweepArgs) -> anyhow::Result<()> {
    anyhow::bail!("callsim sweep is not built yet")
}
