//! Control variates: a KPI's mean over replications corrected by a quantity of the same
//! replications whose expectation is known. A day that brought more calls than expected has,
//! say, a lower service level; knowing by how much more (the number of customers who called,
//! whose mean is the scenario's arrival rates × the day) removes that part of the noise.
//!
//! The estimator (Lavenberg & Welch 1981; Law, *Simulation Modeling and Analysis*, §11.4) is
//! the regression of the KPI `Y` on the control `X` evaluated at `X`'s known mean `μ`:
//! `Ȳ − b (X̄ − μ)`, `b = Sxy ÷ Sxx`. Its 95% half-width is that of a regression prediction
//! at `μ`: `t(n − 2) × s × √(1/n + (X̄ − μ)² ÷ Sxx)`, `s²` the residual variance with `n − 2`
//! degrees of freedom, exact when `(X, Y)` are jointly normal.

use super::{MeanCi, mean_ci, student_t_975};

/// The control-variate estimate of the mean of `y` (one value per replication; undefined
/// values are left out with their `x`), corrected by `x` whose expectation is `mu`. With
/// fewer than 3 defined pairs, or a control that does not vary, the plain mean of `y`.
pub fn control_variate_mean(y: &[f64], x: &[f64], mu: f64) -> MeanCi {
    let pairs: Vec<(f64, f64)> = y
        .iter()
        .zip(x)
        .filter(|(y, x)| y.is_finite() && x.is_finite())
        .map(|(&y, &x)| (y, x))
        .collect();
    let n = pairs.len();
    let plain = || mean_ci(y.iter().copied());
    if n < 3 {
        return plain();
    }
    let nf = n as f64;
    let (ybar, xbar) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / nf,
        pairs.iter().map(|p| p.1).sum::<f64>() / nf,
    );
    let sxx: f64 = pairs.iter().map(|p| (p.1 - xbar).powi(2)).sum();
    if sxx <= 0.0 {
        return plain();
    }
    let sxy: f64 = pairs.iter().map(|p| (p.0 - ybar) * (p.1 - xbar)).sum();
    let b = sxy / sxx;
    let residual: f64 = pairs
        .iter()
        .map(|p| ((p.0 - ybar) - b * (p.1 - xbar)).powi(2))
        .sum();
    let s2 = residual / (nf - 2.0);
    let se = (s2 * (1.0 / nf + (xbar - mu).powi(2) / sxx)).sqrt();
    MeanCi {
        mean: ybar - b * (xbar - mu),
        ci95: student_t_975(n - 2) * se,
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kpi_that_is_a_line_of_the_control_is_estimated_exactly() {
        // y = 2 + 3x exactly: the estimate is 2 + 3μ with no spread left
        let x = [9.0, 11.0, 10.5, 8.0, 12.0];
        let y: Vec<f64> = x.iter().map(|x| 2.0 + 3.0 * x).collect();
        let e = control_variate_mean(&y, &x, 10.0);
        assert!((e.mean - 32.0).abs() < 1e-12, "{e:?}");
        assert!(e.ci95.abs() < 1e-9, "{e:?}");
    }

    #[test]
    fn an_unrelated_control_changes_little_and_too_few_values_fall_back() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let y = [5.0, 3.0, 4.0, 4.0, 3.0, 5.0]; // no trend in x
        let plain = mean_ci(y.iter().copied());
        let e = control_variate_mean(&y, &x, 3.5); // X̄ = μ: no correction
        assert!((e.mean - plain.mean).abs() < 1e-12);
        // one degree of freedom fewer, the same residual spread: a wider interval
        assert!(e.ci95 > plain.ci95, "{e:?} {plain:?}");
        // a value left out takes its control with it
        let e = control_variate_mean(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0], 2.0);
        assert_eq!((e.mean, e.n), (2.0, 2));
    }
}
