//! Stratified days: replication `i` of a run is in stratum `i mod K` of the day's busyness
//! (see [`crate::model::arrivals::stratified_busyness`]), so every block of `K` replications has one
//! day from each of `K` equally likely slices of the busyness distribution. The estimate is
//! the stratified mean (each stratum weighs `1/K`), optionally corrected by a control with a
//! known expectation through the regression with one intercept per stratum and a common
//! slope; its half-width uses the variance pooled within the strata.

use super::{MeanCi, mean_ci, student_t_975};

/// The stratified estimate of the mean of `y` (replication `i` in stratum `i mod strata`),
/// corrected by `control = (x, μ)` if given (`x` per replication, `μ` its expectation).
/// Undefined values are left out with their control. Every stratum needs 2 defined values
/// (3 with a control in one of them); otherwise the plain mean of `y`.
///
/// Estimate: `Σₕ (Ȳₕ − b (X̄ₕ − μ)) ÷ K`, `b` the slope of `y` on `x` within the strata.
/// 95% half-width: `t(N − K − c) · s · √(Σₕ 1/nₕ ÷ K² + (X̄ − μ)² ÷ Sxx)`, `s²` the residual
/// variance within the strata on `N − K − c` degrees of freedom (`c` = 1 with a control),
/// `X̄` the stratified mean of `x`, `Sxx` the within-strata sum of squares of `x`.
pub fn stratified_mean(y: &[f64], control: Option<(&[f64], f64)>, strata: usize) -> MeanCi {
    let k = strata.max(1);
    let plain = || mean_ci(y.iter().copied());
    // (stratum, y, x) of the defined values
    let values: Vec<(usize, f64, f64)> = y
        .iter()
        .enumerate()
        .map(|(i, &y)| {
            (
                i % k,
                y,
                control.map_or(0.0, |(x, _)| x.get(i).copied().unwrap_or(f64::NAN)),
            )
        })
        .filter(|(_, y, x)| y.is_finite() && x.is_finite())
        .collect();
    let mut count = vec![0usize; k];
    let (mut sy, mut sx) = (vec![0.0; k], vec![0.0; k]);
    for &(h, y, x) in &values {
        count[h] += 1;
        sy[h] += y;
        sx[h] += x;
    }
    let c = usize::from(control.is_some());
    let n = values.len();
    if count.iter().any(|&m| m < 2) || n < k + c + 1 {
        return plain();
    }
    let ybar: Vec<f64> = sy.iter().zip(&count).map(|(s, &m)| s / m as f64).collect();
    let xbar: Vec<f64> = sx.iter().zip(&count).map(|(s, &m)| s / m as f64).collect();
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for &(h, y, x) in &values {
        let (dy, dx) = (y - ybar[h], x - xbar[h]);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let kf = k as f64;
    let y_st = ybar.iter().sum::<f64>() / kf;
    let x_st = xbar.iter().sum::<f64>() / kf;
    let inverse_counts = count.iter().map(|&m| 1.0 / m as f64).sum::<f64>() / (kf * kf);
    let (mean, residual, slope_term) = match control {
        Some((_, mu)) if sxx > 0.0 => {
            let b = sxy / sxx;
            (
                y_st - b * (x_st - mu),
                syy - b * sxy,
                (x_st - mu).powi(2) / sxx,
            )
        }
        Some(_) => return plain(),
        None => (y_st, syy, 0.0),
    };
    let df = n - k - c;
    let s2 = residual.max(0.0) / df as f64;
    MeanCi {
        mean,
        ci95: student_t_975(df) * (s2 * (inverse_counts + slope_term)).sqrt(),
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::control_variate_mean;

    #[test]
    fn one_stratum_is_the_plain_mean_or_the_control_variate() {
        let x = [9.0, 11.0, 10.5, 8.0, 12.0, 10.0];
        let y = [3.0, 4.5, 4.0, 2.0, 6.0, 3.5];
        let (a, b) = (stratified_mean(&y, None, 1), mean_ci(y));
        assert!((a.mean - b.mean).abs() < 1e-12 && (a.ci95 - b.ci95).abs() < 1e-12);
        let (a, b) = (
            stratified_mean(&y, Some((&x, 10.0)), 1),
            control_variate_mean(&y, &x, 10.0),
        );
        assert!((a.mean - b.mean).abs() < 1e-12 && (a.ci95 - b.ci95).abs() < 1e-12);
    }

    /// Two strata 10 apart with the same small spread within each: the estimate is the closed
    /// form, worked by hand here, whose half-width holds only the spread within the strata.
    #[test]
    fn differences_between_strata_are_no_noise() {
        let y = [0.0, 10.0, 1.0, 11.0, 0.5, 10.5, 0.2, 10.2];
        let s = stratified_mean(&y, None, 2);
        // stratum 0: 0, 1, 0.5, 0.2 (mean 0.425); stratum 1: 10, 11, 10.5, 10.2 (mean
        // 10.425); the stratified mean (0.425 + 10.425) ÷ 2
        let mean = 5.425;
        // squares about each stratum's mean: 0.425² + 0.575² + 0.075² + 0.225² = 0.5675 in
        // each, pooled on N − K = 8 − 2 = 6 degrees of freedom
        let (n, k) = (8, 2);
        let s2 = 2.0 * 0.5675 / (n - k) as f64;
        // t(N − K) · s · √(Σₕ 1/nₕ ÷ K²), nₕ = 4
        let half = student_t_975(n - k) * (s2 * (0.25 + 0.25) / 4.0).sqrt();
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-12 * want.abs();
        assert!(
            close(s.mean, mean) && close(s.ci95, half),
            "{s:?}: {mean} ± {half}"
        );
        assert_eq!(s.n, n);
        // a stratum with one value: the plain mean
        assert_eq!(
            stratified_mean(&y[..3], None, 2),
            mean_ci(y[..3].iter().copied())
        );
    }
}
