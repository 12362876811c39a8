//! `callsim merge` (being built).

/// Arguments of `callsim merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {}

/// Runs `callsim merge`.
pub fn execute(_args: MergeArgs) -> anyhow::Result<()> {
    anyhow::bail!("callsim merge is not built yet")
}
