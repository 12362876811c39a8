//! `callsim report` (being built).

/// Arguments of `callsim report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {}

/// Runs `callsim report`.
pub fn execute(_args: ReportArgs) -> anyhow::Result<()> {
    anyhow::bail!("callsim report is not built yet")
}
