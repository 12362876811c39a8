//! `callsim serve SCENARIO [--port 8080] [--host 127.0.0.1]`: the live what-if page.

use super::{errln, outln};
use crate::serve::{self, App, whatif::Baseline};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `callsim serve`.
#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// The scenario file the page starts from (the baseline).
    pub scenario: PathBuf,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; only loopback addresses unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Allow a --host that other machines can reach.
    #[arg(long)]
    pub allow_remote: bool,
    /// Replications of the baseline and of every what-if, overriding the file.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub replications: Option<u32>,
    /// Seed, overriding the file (at most 2^63 - 1, as a scenario file's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Longest a what-if may simulate (e.g. 30s, 2m; at most a day); it is stopped then
    /// (HTTP 503).
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = positive_seconds)]
    pub time_limit: f64,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match super::duration_arg(s) {
        Ok(x) if x > 0.0 && x <= 86_400.0 => Ok(x),
        _ => Err(format!(
            "expected a duration more than 0 and at most a day (such as 30s or 2m), got {s}"
        )),
    }
}

/// Runs `callsim serve` until interrupted.
pub(super) fn execute(args: ServeArgs) -> anyhow::Result<()> {
    let address = serve::bind_address(&args.host, args.port, args.allow_remote)?;
    let baseline =
        Baseline::load(&args.scenario, args.replications, args.seed).map_err(anyhow::Error::msg)?;
    errln!(
        "baseline: {} ({} replications, seed {})",
        baseline.scenario.name,
        baseline.scenario.replications,
        baseline.scenario.seed
    );
    let app = Arc::new(App::new(
        baseline,
        Duration::from_secs_f64(args.time_limit),
        args.allow_remote,
    )?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
        let bound = listener.local_addr()?;
        outln!("callsim serve: open http://{bound}/ (Ctrl-C stops it)");
        serve::serve(listener, app).await?;
        Ok(())
    })
}
