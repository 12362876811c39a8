//! The variance-reduction factor of each estimator of the whole-run KPIs on the example
//! scenarios (issue 22; the README's table in "Precision on demand"):
//!
//! ```text
//! cargo run --release --example variance_reduction [-- REPLICATIONS SEEDS]
//! ```
//!
//! For each example and seed, the replications are run with independent days and with
//! stratified days (`run --stratified-days`). Each estimator's 95% half-width is compared with
//! the plain mean's of the independent days at the same number of replications: (plain ÷
//! estimator)² is how many times fewer replications it needs for the same precision. The
//! estimators are the library's, as `callsim run` applies them. Each cell is the range over
//! the seeds (the scenario's seed, +1, +2, ...); the last column is the stratified days with
//! the control variate against the control variate alone, seed by seed. Defaults: 2,000
//! replications (200 for the steady-state example, whose replications are 100 hours), 5 seeds.

use callsim::model::Scenario;
use callsim::model::arrivals::STRATA;
use callsim::simulate::{ScenarioResult, expected_customers, simulate_one};
use callsim::stats::{Kpi, control_variate_mean, mean_ci, stratified_mean};
use std::path::Path;

const EXAMPLES: [&str; 4] = [
    "small-business",
    "plan-day",
    "large-center",
    "steady-mmc-abandon",
];
const KPIS: [Kpi; 4] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaS,
    Kpi::LostCustomers,
];
const COLUMNS: [&str; 4] = [
    "control variate",
    "stratified days",
    "stratified days + control variate",
    "stratified + CV ÷ CV",
];

/// Per KPI, the four columns' variance-reduction factors of one seed.
fn factors(plain: &ScenarioResult, stratified: &ScenarioResult, mu: f64) -> Vec<[f64; 4]> {
    let column = |r: &ScenarioResult, k| r.per_replication(k).unwrap_or_default();
    let (x0, x1) = (
        column(plain, Kpi::Customers),
        column(stratified, Kpi::Customers),
    );
    let k = STRATA as usize;
    KPIS.iter()
        .map(|&kpi| {
            let (y0, y1) = (column(plain, kpi), column(stratified, kpi));
            let base = mean_ci(y0.iter().copied()).ci95;
            let vrf = |hw: f64| (base / hw).powi(2);
            let cv = vrf(control_variate_mean(&y0, &x0, mu).ci95);
            let both = vrf(stratified_mean(&y1, Some((&x1, mu)), k).ci95);
            [cv, vrf(stratified_mean(&y1, None, k).ci95), both, both / cv]
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let replications: u32 = args.next().map_or(Ok(2000), |a| a.parse())?;
    let seeds: u64 = args.next().map_or(Ok(5), |a| a.parse())?;
    println!(
        "variance-reduction factor (plain half-width ÷ the estimator's)², {replications} \
         replications (steady state: {}), range over {seeds} seeds\n",
        replications / 10
    );
    println!("| example | KPI | {} |", COLUMNS.join(" | "));
    println!("|{}", " --- |".repeat(2 + COLUMNS.len()));
    for name in EXAMPLES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        let base = callsim::scenario::load(&path)
            .map_err(|d| anyhow::anyhow!("{}: {d:?}", path.display()))?;
        let mu = expected_customers(&base)
            .ok_or_else(|| anyhow::anyhow!("{name}: no control variate"))?;
        // per seed, per KPI, per column
        let mut all = Vec::new();
        for s in 0..seeds {
            let mut plain = Scenario {
                seed: base.seed.wrapping_add(s),
                replications: if matches!(base.kind, callsim::model::RunKind::SteadyState { .. }) {
                    replications / 10
                } else {
                    replications
                },
                precision: None,
                ..base.clone()
            };
            plain.replications = plain.replications.next_multiple_of(STRATA);
            let mut stratified = plain.clone();
            stratified
                .stratify_days()
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            all.push(factors(
                &simulate_one(&plain)?,
                &simulate_one(&stratified)?,
                mu,
            ));
        }
        for (ki, kpi) in KPIS.iter().enumerate() {
            let cells: Vec<String> = (0..COLUMNS.len())
                .map(|c| {
                    let v = all.iter().map(|seed| seed[ki][c]);
                    let lo = v.clone().fold(f64::INFINITY, f64::min);
                    let hi = v.fold(f64::NEG_INFINITY, f64::max);
                    format!("{lo:.1}–{hi:.1}")
                })
                .collect();
            println!("| {name} | {} | {} |", kpi.name(), cells.join(" | "));
        }
    }
    Ok(())
}
