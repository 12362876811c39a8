//! Differences between two scenarios run with the same seed, replication by replication.
//!
//! Replication `r` of two scenarios with the same seed sees the same callers (common random
//! numbers), so the paired differences `b_r − a_r` vary far less than either KPI, and the
//! confidence interval of their mean is far narrower than the unpaired one computed from the
//! two samples' spreads.

use super::ci::{MeanCi, mean_ci, student_t_975};

/// Mean of `b_r − a_r` over the replications where both are defined, with its 95% paired
/// half-width.
pub fn paired_difference(a: &[f64], b: &[f64]) -> MeanCi {
    mean_ci(a.iter().zip(b).map(|(x, y)| y - x))
}

/// Mean of `b` minus mean of `a`, with the 95% half-width of two independent samples
/// (Welch), for comparison with [`paired_difference`].
pub fn unpaired_difference(a: &[f64], b: &[f64]) -> MeanCi {
    let (ma, mb) = (mean_ci(a.iter().copied()), mean_ci(b.iter().copied()));
    let se2 = |m: MeanCi| {
        let se = m.ci95 / student_t_975(m.n.saturating_sub(1));
        se * se
    };
    let (va, vb) = (se2(ma), se2(mb));
    let se = (va + vb).sqrt();
    // Welch–Satterthwaite degrees of freedom
    let df = (va + vb).powi(2) / (va * va / (ma.n as f64 - 1.0) + vb * vb / (mb.n as f64 - 1.0));
    let t = if df.is_finite() && df >= 1.0 {
        student_t_975(df.floor() as usize)
    } else {
        f64::NAN
    };
    MeanCi {
        mean: mb.mean - ma.mean,
        ci95: t * se,
        n: ma.n.min(mb.n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_removes_the_shared_noise() {
        // b = a + 1 exactly, a noisy: the paired difference is exactly 1 with no spread
        let a = [10.0, 14.0, 9.0, 13.0, 11.0];
        let b: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
        let paired = paired_difference(&a, &b);
        assert_eq!((paired.mean, paired.ci95), (1.0, 0.0));
        let unpaired = unpaired_difference(&a, &b);
        assert!((unpaired.mean - 1.0).abs() < 1e-12);
        assert!(unpaired.ci95 > 2.0, "{unpaired:?}");
    }
}
