//! Measures the variance-reduction factor of each way of drawing and estimating the days
//! (issue 22): `cargo run --release --example variance_reduction [-- REPLICATIONS SEEDS]`.
//!
//! For each example scenario and seed, the replications are run with independent,
//! stratified and antithetic busyness; each estimator's 95% half-width is compared with the
//! plain mean's of the independent days at the same number of replications:
//! (plain ÷ method)² is how many times fewer replications the method needs for the same
//! precision. The table gives the range over the seeds.

use callsim::model::arrivals::{DaySampling, STRATA};
use callsim::simulate::{expected_customers, simulate_one};
use callsim::stats::{Kpi, MeanCi, control_variate_mean, mean_ci, stratified_mean};
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

/// The means of consecutive groups of `size` values.
fn group_means(values: &[f64], size: usize) -> Vec<f64> {
    values
        .chunks_exact(size)
        .map(|g| g.iter().sum::<f64>() / size as f64)
        .collect()
}

/// One way of estimating: how the days were drawn, how many replications make one
/// independent observation, and whether the customers correct it.
struct Method {
    name: &'static str,
    sampling: DaySampling,
    /// Replications per independent observation (their mean); 0: the stratified estimator
    /// with the variance pooled within the strata.
    group: usize,
    control: bool,
}

fn estimate(y: &[f64], x: &[f64], mu: f64, m: &Method) -> MeanCi {
    if m.group == 0 {
        return stratified_mean(y, m.control.then_some((x, mu)), STRATA as usize);
    }
    let (y, x) = (group_means(y, m.group), group_means(x, m.group));
    if m.control {
        control_variate_mean(&y, &x, mu)
    } else {
        mean_ci(y.iter().copied())
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let replications: u32 = args.next().map_or(Ok(2000), |a| a.parse())?;
    let seeds: u64 = args.next().map_or(Ok(5), |a| a.parse())?;
    let methods = [
        Method {
            name: "control variate",
            sampling: DaySampling::Independent,
            group: 1,
            control: true,
        },
        Method {
            name: "stratified, blocks",
            sampling: DaySampling::Stratified,
            group: STRATA as usize,
            control: false,
        },
        Method {
            name: "stratified + CV, blocks",
            sampling: DaySampling::Stratified,
            group: STRATA as usize,
            control: true,
        },
        Method {
            name: "stratified",
            sampling: DaySampling::Stratified,
            group: 0,
            control: false,
        },
        Method {
            name: "stratified + CV",
            sampling: DaySampling::Stratified,
            group: 0,
            control: true,
        },
        Method {
            name: "antithetic",
            sampling: DaySampling::Antithetic,
            group: 2,
            control: false,
        },
        Method {
            name: "antithetic + CV",
            sampling: DaySampling::Antithetic,
            group: 2,
            control: true,
        },
    ];
    println!(
        "variance-reduction factor, (plain half-width ÷ method's)², {replications} replications, \
         range over {seeds} seeds"
    );
    print!("| example | KPI |");
    for m in &methods {
        print!(" {} |", m.name);
    }
    println!();
    println!("|{}", " --- |".repeat(2 + methods.len()));
    for name in EXAMPLES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        let base = callsim::scenario::load(&path)
            .map_err(|d| anyhow::anyhow!("{}: {d:?}", path.display()))?;
        let mu = expected_customers(&base).ok_or_else(|| anyhow::anyhow!("no control"))?;
        // vrf[method][kpi] over seeds
        let mut vrf = vec![vec![Vec::new(); KPIS.len()]; methods.len()];
        for s in 0..seeds {
            let run = |sampling| -> anyhow::Result<_> {
                let mut sc = base.clone();
                // a steady-state replication is 100 hours: a tenth as many
                sc.replications = if name.starts_with("steady") {
                    replications / 10
                } else {
                    replications
                };
                sc.precision = None;
                sc.seed = base.seed.wrapping_add(s);
                sc.day_sampling = sampling;
                Ok(simulate_one(&sc)?)
            };
            let plain = run(DaySampling::Independent)?;
            let mut runs = vec![(DaySampling::Independent, plain.clone())];
            for sampling in [DaySampling::Stratified, DaySampling::Antithetic] {
                runs.push((sampling, run(sampling)?));
            }
            for (mi, m) in methods.iter().enumerate() {
                let r = &runs.iter().find(|(s, _)| *s == m.sampling).unwrap().1;
                let x = r.per_replication(Kpi::Customers).unwrap_or_default();
                for (ki, &k) in KPIS.iter().enumerate() {
                    let (Some(y0), Some(y)) = (plain.per_replication(k), r.per_replication(k))
                    else {
                        continue;
                    };
                    let p = mean_ci(y0.iter().copied()).ci95;
                    let e = estimate(&y, &x, mu, m).ci95;
                    vrf[mi][ki].push((p / e).powi(2));
                }
            }
        }
        for (ki, k) in KPIS.iter().enumerate() {
            print!("| {name} | {} |", k.name());
            for v in &vrf {
                let v = &v[ki];
                if v.is_empty() {
                    print!(" – |");
                    continue;
                }
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                print!(" {lo:.1}–{hi:.1} |");
            }
            println!();
        }
    }
    Ok(())
}
