//! Maximum likelihood fits of duration distributions, with censoring: a handle time is
//! observed whole, a patience only as "longer than the wait" when the caller was answered.
//!
//! The log-likelihood of times seen whole (`events`) and times known only to exceed a value
//! (`censored`) is `Σ ln f(events) + Σ ln S(censored)`. It is maximised in closed form where
//! one exists (exponential; lognormal without censoring), else by Nelder–Mead on the
//! logarithms of the positive parameters. Confidence intervals come from the observed Fisher
//! information (the negative Hessian of the log-likelihood at the maximum, by central
//! differences), and for the mean and cv by the delta method. Families are compared by AIC;
//! without censoring the Kolmogorov–Smirnov distance says how far the best one is from the
//! data.

use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};
use std::f64::consts::{PI, SQRT_2};

/// A family of distributions of durations (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Parameter: rate (per second).
    Exponential,
    /// Parameters: μ and σ of the logarithm of the duration in seconds.
    Lognormal,
    /// Parameters: shape k and scale θ (seconds).
    Gamma,
    /// Parameters: shape k and scale λ (seconds).
    Weibull,
}

impl Family {
    /// The name scenario files use (`distribution = "..."`).
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Lognormal => "lognormal",
            Family::Gamma => "gamma",
            Family::Weibull => "weibull",
        }
    }

    /// Names of the parameters, in order.
    pub fn parameter_names(self) -> &'static [&'static str] {
        match self {
            Family::Exponential => &["rate_per_s"],
            Family::Lognormal => &["mu", "sigma"],
            Family::Gamma | Family::Weibull => &["shape", "scale_s"],
        }
    }

    /// `ln f(x)`.
    pub fn ln_pdf(self, x: f64, p: &[f64]) -> f64 {
        match self {
            Family::Exponential => p[0].ln() - p[0] * x,
            Family::Lognormal => {
                let z = (x.ln() - p[0]) / p[1];
                -0.5 * z * z - (p[1] * x).ln() - 0.5 * (2.0 * PI).ln()
            }
            Family::Gamma => (p[0] - 1.0) * x.ln() - x / p[1] - ln_gamma(p[0]) - p[0] * p[1].ln(),
            Family::Weibull => {
                let r = x / p[1];
                p[0].ln() - p[1].ln() + (p[0] - 1.0) * r.ln() - r.powf(p[0])
            }
        }
    }

    /// `ln S(x) = ln P(duration > x)`.
    pub fn ln_sf(self, x: f64, p: &[f64]) -> f64 {
        match self {
            Family::Exponential => -p[0] * x,
            Family::Lognormal => ln_normal_sf((x.ln() - p[0]) / p[1]),
            Family::Gamma => gamma_ur(p[0], x / p[1]).ln(),
            Family::Weibull => -(x / p[1]).powf(p[0]),
        }
    }

    /// `F(x) = P(duration ≤ x)`.
    pub fn cdf(self, x: f64, p: &[f64]) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match self {
            Family::Exponential => -(-p[0] * x).exp_m1(),
            Family::Lognormal => 0.5 * erfc(-(x.ln() - p[0]) / p[1] / SQRT_2),
            Family::Gamma => gamma_lr(p[0], x / p[1]),
            Family::Weibull => -(-(x / p[1]).powf(p[0])).exp_m1(),
        }
    }

    /// Mean (seconds) and coefficient of variation of the distribution.
    pub fn mean_cv(self, p: &[f64]) -> (f64, f64) {
        match self {
            Family::Exponential => (1.0 / p[0], 1.0),
            Family::Lognormal => (
                (p[0] + 0.5 * p[1] * p[1]).exp(),
                (p[1] * p[1]).exp_m1().sqrt(),
            ),
            Family::Gamma => (p[0] * p[1], 1.0 / p[0].sqrt()),
            Family::Weibull => {
                let g1 = ln_gamma(1.0 + 1.0 / p[0]);
                let g2 = ln_gamma(1.0 + 2.0 / p[0]);
                (p[1] * g1.exp(), (g2 - 2.0 * g1).exp_m1().max(0.0).sqrt())
            }
        }
    }

    /// Which parameters are positive (fitted on the log scale).
    fn positive(self, i: usize) -> bool {
        !(self == Family::Lognormal && i == 0)
    }
}

/// `ln P(Z > z)` for a standard normal `Z`, accurate far into the tail.
fn ln_normal_sf(z: f64) -> f64 {
    if z < 30.0 {
        (0.5 * erfc(z / SQRT_2)).ln()
    } else {
        // Mills' ratio: P(Z > z) = φ(z)/z · (1 − 1/z² + 3/z⁴ − ...)
        -0.5 * z * z - z.ln() - 0.5 * (2.0 * PI).ln() + (-1.0 / (z * z) + 3.0 / z.powi(4)).ln_1p()
    }
}

/// A number with its 95% confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The maximum likelihood estimate.
    pub value: f64,
    /// Half-width of the 95% confidence interval (1.96 standard errors).
    pub ci95: f64,
}

impl Estimate {
    /// True when `x` lies in the 95% confidence interval.
    pub fn covers(&self, x: f64) -> bool {
        (x - self.value).abs() <= self.ci95
    }
}

/// A fitted distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Its family.
    pub family: Family,
    /// The parameters (see [`Family::parameter_names`]).
    pub params: Vec<Estimate>,
    /// Mean, seconds.
    pub mean: Estimate,
    /// Coefficient of variation (standard deviation ÷ mean).
    pub cv: Estimate,
    /// Log-likelihood at the maximum.
    pub log_likelihood: f64,
    /// Akaike's information criterion, `2·parameters − 2·log-likelihood`: lower is better.
    pub aic: f64,
    /// Kolmogorov–Smirnov distance to the data (`None` with censored data).
    pub ks: Option<f64>,
}

impl Fitted {
    /// The parameter values.
    pub fn values(&self) -> Vec<f64> {
        self.params.iter().map(|e| e.value).collect()
    }

    /// `P(duration > x)` under the fit.
    pub fn survival(&self, x: f64) -> f64 {
        1.0 - self.family.cdf(x, &self.values())
    }
}

/// Durations seen whole (`events`) and durations known only to be longer (`censored`),
/// seconds; zero and negative values must already be left out.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// Durations observed (a handle time; the patience of a caller who hung up).
    pub events: &'a [f64],
    /// Lower bounds (the wait of a caller who was answered before giving up).
    pub censored: &'a [f64],
}

/// A sample made ready for many evaluations of the log-likelihood: the sums that the
/// exponential, gamma and uncensored lognormal likelihoods need, and the logarithms of
/// every duration, computed once.
struct Prepared {
    /// Observed durations: count, Σ x, Σ ln x, Σ (ln x)².
    n: f64,
    sum: f64,
    sum_ln: f64,
    sum_ln2: f64,
    /// Σ of the censored durations.
    censored_sum: f64,
    /// `ln x` of each observed duration, and of each censored one.
    ln_events: Vec<f64>,
    ln_censored: Vec<f64>,
    /// The censored durations themselves (for families without a shortcut).
    censored: Vec<f64>,
}

impl Prepared {
    fn new(sample: Sample) -> Self {
        let ln_events: Vec<f64> = sample.events.iter().map(|x| x.ln()).collect();
        Prepared {
            n: sample.events.len() as f64,
            sum: sample.events.iter().sum(),
            sum_ln: ln_events.iter().sum(),
            sum_ln2: ln_events.iter().map(|l| l * l).sum(),
            censored_sum: sample.censored.iter().sum(),
            ln_events,
            ln_censored: sample.censored.iter().map(|x| x.ln()).collect(),
            censored: sample.censored.to_vec(),
        }
    }

    /// `Σ ln f(events) + Σ ln S(censored)`; −∞ outside the parameter space.
    fn log_likelihood(&self, family: Family, p: &[f64]) -> f64 {
        let valid = p
            .iter()
            .enumerate()
            .all(|(i, &v)| v.is_finite() && (!family.positive(i) || v > 0.0));
        if !valid {
            return f64::NEG_INFINITY;
        }
        let n = self.n;
        let total = match family {
            Family::Exponential => n * p[0].ln() - p[0] * (self.sum + self.censored_sum),
            Family::Lognormal => {
                let (mu, sigma) = (p[0], p[1]);
                let squares = self.sum_ln2 - 2.0 * mu * self.sum_ln + n * mu * mu;
                let events = -0.5 * squares / (sigma * sigma)
                    - n * sigma.ln()
                    - self.sum_ln
                    - 0.5 * n * (2.0 * PI).ln();
                let censored: f64 = self
                    .ln_censored
                    .iter()
                    .map(|l| ln_normal_sf((l - mu) / sigma))
                    .sum();
                events + censored
            }
            Family::Gamma => {
                let (k, theta) = (p[0], p[1]);
                let events =
                    (k - 1.0) * self.sum_ln - self.sum / theta - n * (ln_gamma(k) + k * theta.ln());
                let censored: f64 = self.censored.iter().map(|&x| family.ln_sf(x, p)).sum();
                events + censored
            }
            Family::Weibull => {
                let (k, lambda) = (p[0], p[1]);
                let ln_lambda = lambda.ln();
                let power = |l: &f64| (k * (l - ln_lambda)).exp();
                let all: f64 = self
                    .ln_events
                    .iter()
                    .chain(&self.ln_censored)
                    .map(power)
                    .sum();
                n * (k.ln() - ln_lambda) + (k - 1.0) * (self.sum_ln - n * ln_lambda) - all
            }
        };
        if total.is_nan() {
            f64::NEG_INFINITY
        } else {
            total
        }
    }
}

/// Fits `family` to `sample` by maximum likelihood; `None` when the data cannot determine it
/// (fewer than two distinct observed durations, or no observed duration at all).
pub fn fit(family: Family, sample: Sample) -> Option<Fitted> {
    let events = sample.events;
    let n = events.len() as f64;
    if events.is_empty() {
        return None;
    }
    let prepared = Prepared::new(sample);
    let exp_rate = n / (prepared.sum + prepared.censored_sum);
    let p = match family {
        Family::Exponential => vec![exp_rate],
        _ => {
            let first = events[0];
            if events.iter().all(|&x| x == first) {
                return None;
            }
            let logs: Vec<f64> = events.iter().map(|x| x.ln()).collect();
            let mu = logs.iter().sum::<f64>() / n;
            let sigma = (logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n).sqrt();
            match family {
                Family::Lognormal if sample.censored.is_empty() => vec![mu, sigma],
                Family::Lognormal => maximise(family, &prepared, vec![mu, sigma]),
                Family::Gamma => {
                    let mean = events.iter().sum::<f64>() / n;
                    let s = mean.ln() - mu;
                    let k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
                    maximise(family, &prepared, vec![k, mean / k])
                }
                _ => maximise(family, &prepared, vec![1.0, 1.0 / exp_rate]),
            }
        }
    };
    let ll = prepared.log_likelihood(family, &p);
    if !ll.is_finite() {
        return None;
    }
    let cov = covariance(family, &prepared, &p)?;
    let params = p
        .iter()
        .enumerate()
        .map(|(i, &v)| Estimate {
            value: v,
            ci95: 1.96 * cov[i][i].sqrt(),
        })
        .collect();
    let delta = |g: &dyn Fn(&[f64]) -> f64| -> Estimate {
        let grad = gradient(g, &p);
        let var: f64 = (0..p.len())
            .flat_map(|i| (0..p.len()).map(move |j| (i, j)))
            .map(|(i, j)| grad[i] * cov[i][j] * grad[j])
            .sum();
        Estimate {
            value: g(&p),
            ci95: 1.96 * var.max(0.0).sqrt(),
        }
    };
    let mean = delta(&|q| family.mean_cv(q).0);
    let cv = delta(&|q| family.mean_cv(q).1);
    let ks = sample
        .censored
        .is_empty()
        .then(|| ks_distance(events, |x| family.cdf(x, &p)));
    Some(Fitted {
        family,
        params,
        mean,
        cv,
        log_likelihood: ll,
        aic: 2.0 * p.len() as f64 - 2.0 * ll,
        ks,
    })
}

/// Fits every family of `families` that the data determine, best (lowest AIC) first.
pub fn fit_all(families: &[Family], sample: Sample) -> Vec<Fitted> {
    let mut fits: Vec<Fitted> = families.iter().filter_map(|&f| fit(f, sample)).collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

/// The Kolmogorov–Smirnov distance between the empirical distribution of `data` and `cdf`.
pub fn ks_distance(data: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// Parameters ↔ the unconstrained scale of the search (logarithms of positive parameters).
fn to_search(family: Family, p: &[f64]) -> Vec<f64> {
    p.iter()
        .enumerate()
        .map(|(i, &v)| if family.positive(i) { v.ln() } else { v })
        .collect()
}

fn from_search(family: Family, u: &[f64]) -> Vec<f64> {
    u.iter()
        .enumerate()
        .map(|(i, &v)| if family.positive(i) { v.exp() } else { v })
        .collect()
}

/// Nelder–Mead from `start`, maximising the log-likelihood.
fn maximise(family: Family, sample: &Prepared, start: Vec<f64>) -> Vec<f64> {
    let f = |u: &[f64]| -sample.log_likelihood(family, &from_search(family, u));
    let x0 = to_search(family, &start);
    let dim = x0.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = vec![(x0.clone(), f(&x0))];
    for i in 0..dim {
        let mut x = x0.clone();
        x[i] += 0.1;
        let fx = f(&x);
        simplex.push((x, fx));
    }
    for _ in 0..5000 {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[dim].1);
        let spread = simplex
            .iter()
            .flat_map(|(x, _)| x.iter().zip(&simplex[0].0).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if (worst - best).abs() <= 1e-12 * best.abs().max(1.0) && spread < 1e-9 {
            break;
        }
        let centroid: Vec<f64> = (0..dim)
            .map(|j| simplex[..dim].iter().map(|(x, _)| x[j]).sum::<f64>() / dim as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&simplex[dim].0)
                .map(|(c, w)| c + t * (w - c))
                .collect()
        };
        let reflected = along(-1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = along(-2.0);
            let fe = f(&expanded);
            simplex[dim] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < simplex[dim - 1].1 {
            simplex[dim] = (reflected, fr);
        } else {
            let contracted = if fr < worst { along(-0.5) } else { along(0.5) };
            let fc = f(&contracted);
            if fc < worst.min(fr) {
                simplex[dim] = (contracted, fc);
            } else {
                let best_x = simplex[0].0.clone();
                for (x, fx) in simplex.iter_mut().skip(1) {
                    for (xi, bi) in x.iter_mut().zip(&best_x) {
                        *xi = bi + 0.5 * (*xi - bi);
                    }
                    *fx = f(x);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    from_search(family, &simplex[0].0)
}

/// Step for numerical derivatives with respect to a parameter of value `v`.
fn step(v: f64) -> f64 {
    1e-4 * v.abs().max(1e-3)
}

/// Central-difference gradient of `g` at `p`.
fn gradient(g: &dyn Fn(&[f64]) -> f64, p: &[f64]) -> Vec<f64> {
    (0..p.len())
        .map(|i| {
            let h = step(p[i]);
            let (mut up, mut down) = (p.to_vec(), p.to_vec());
            up[i] += h;
            down[i] -= h;
            (g(&up) - g(&down)) / (2.0 * h)
        })
        .collect()
}

/// The inverse of the observed Fisher information at `p` (1 or 2 parameters); `None` when
/// it is not positive definite (the data do not determine the parameters).
fn covariance(family: Family, sample: &Prepared, p: &[f64]) -> Option<Vec<Vec<f64>>> {
    let ll = |q: &[f64]| sample.log_likelihood(family, q);
    let k = p.len();
    let mut info = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            let (hi, hj) = (step(p[i]), step(p[j]));
            let at = |di: f64, dj: f64| {
                let mut q = p.to_vec();
                q[i] += di;
                q[j] += dj;
                ll(&q)
            };
            info[i][j] = -(at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4.0 * hi * hj);
        }
    }
    match k {
        1 => (info[0][0] > 0.0).then(|| vec![vec![1.0 / info[0][0]]]),
        2 => {
            let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
            (info[0][0] > 0.0 && det > 0.0 && det.is_finite()).then(|| {
                vec![
                    vec![info[1][1] / det, -info[0][1] / det],
                    vec![-info[1][0] / det, info[0][0] / det],
                ]
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp, LogNormal};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn draw(d: impl Distribution<f64>, n: usize) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    #[test]
    fn closed_forms_and_fisher_information() {
        let x = draw(Exp::new(1.0 / 200.0).unwrap(), 2000);
        let f = fit(
            Family::Exponential,
            Sample {
                events: &x,
                censored: &[],
            },
        )
        .unwrap();
        let mean = x.iter().sum::<f64>() / 2000.0;
        assert!((f.mean.value - mean).abs() < 1e-9 * mean);
        // Fisher information of the rate: n / rate²
        let se = f.params[0].value / 2000f64.sqrt();
        assert!((f.params[0].ci95 / 1.96 - se).abs() < 1e-4 * se);
        let g = fit(
            Family::Gamma,
            Sample {
                events: &x,
                censored: &[],
            },
        )
        .unwrap();
        assert!((g.params[0].value - 1.0).abs() < g.params[0].ci95);
    }

    #[test]
    fn lognormal_data_pick_lognormal() {
        let x = draw(LogNormal::new(5.0, 0.8).unwrap(), 3000);
        let fits = fit_all(
            &[Family::Exponential, Family::Lognormal, Family::Gamma],
            Sample {
                events: &x,
                censored: &[],
            },
        );
        assert_eq!(fits[0].family, Family::Lognormal);
        assert!(fits[0].params[0].covers(5.0) && fits[0].params[1].covers(0.8));
        assert!(fits[0].ks.unwrap() < 1.36 / 3000f64.sqrt());
        let censored_fit = fit(
            Family::Lognormal,
            Sample {
                events: &x[..1000],
                censored: &x[1000..],
            },
        )
        .unwrap();
        assert!(censored_fit.log_likelihood.is_finite());
    }

    /// The shortcuts of [`Prepared`] give the same log-likelihood as the densities term by term.
    #[test]
    fn prepared_sums_match_the_densities() {
        let x = draw(LogNormal::new(4.0, 1.0).unwrap(), 500);
        let sample = Sample {
            events: &x[..200],
            censored: &x[200..],
        };
        let prepared = Prepared::new(sample);
        for (family, p) in [
            (Family::Exponential, vec![0.02]),
            (Family::Lognormal, vec![4.2, 0.9]),
            (Family::Gamma, vec![1.5, 40.0]),
            (Family::Weibull, vec![0.8, 70.0]),
        ] {
            let direct: f64 = sample
                .events
                .iter()
                .map(|&t| family.ln_pdf(t, &p))
                .sum::<f64>()
                + sample
                    .censored
                    .iter()
                    .map(|&t| family.ln_sf(t, &p))
                    .sum::<f64>();
            let fast = prepared.log_likelihood(family, &p);
            assert!(
                (direct - fast).abs() < 1e-9 * direct.abs(),
                "{family:?}: {direct} {fast}"
            );
        }
    }

    #[test]
    fn the_normal_tail_is_continuous_where_the_formula_changes() {
        let (a, b) = (ln_normal_sf(30.0 - 1e-9), ln_normal_sf(30.0 + 1e-9));
        assert!((a - b).abs() < 1e-6, "{a} {b}");
    }
}
