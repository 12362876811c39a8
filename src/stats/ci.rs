//! Means over replications with a 95% Student-t confidence half-width.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A KPI over replications: the mean and the 95% confidence half-width (Student t with
/// n − 1 degrees of freedom). Replications where the KPI is undefined (say, the ASA of an
/// interval in which nobody was answered) are left out; `n` says how many counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanCi {
    /// Mean over the replications where the KPI is defined; NaN (JSON null) if none.
    #[serde(serialize_with = "finite_or_null")]
    pub mean: f64,
    /// 95% confidence half-width of the mean; NaN (JSON null) with fewer than 2 values.
    #[serde(serialize_with = "finite_or_null")]
    pub ci95: f64,
    /// Number of replications that gave a value.
    #[serde(skip)]
    pub n: usize,
}

fn finite_or_null<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else {
        s.serialize_none()
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (1.96 as df → ∞).
pub fn student_t_975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// Mean and 95% half-width of the finite values among `samples`, summed in the order given
/// (the caller fixes that order, so results are bit-identical across thread counts).
pub fn mean_ci(samples: impl IntoIterator<Item = f64>) -> MeanCi {
    let values: Vec<f64> = samples.into_iter().filter(|x| x.is_finite()).collect();
    let n = values.len();
    if n == 0 {
        return MeanCi {
            mean: f64::NAN,
            ci95: f64::NAN,
            n,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return MeanCi {
            mean,
            ci95: f64::NAN,
            n,
        };
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    MeanCi {
        mean,
        ci95: student_t_975(n - 1) * (var / n as f64).sqrt(),
        n,
    }
}

/// [`mean_ci`] kept as replications come, in the order they come, without keeping them: the
/// mean is the same sum in the same order (so the same bits as [`mean_ci`]); the variance is
/// Welford's, which differs from the two-pass one in the last bits only.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanCiTally {
    n: usize,
    sum: f64,
    /// Welford's running mean and sum of squared deviations.
    running: f64,
    m2: f64,
}

impl MeanCiTally {
    /// A tally of no values.
    pub fn new() -> Self {
        MeanCiTally {
            n: 0,
            // what `Iterator::sum` starts from, so that the sums agree to the bit
            sum: std::iter::empty::<f64>().sum(),
            running: 0.0,
            m2: 0.0,
        }
    }

    /// Counts `x` if it is finite (undefined values are left out, as [`mean_ci`] does).
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        self.sum += x;
        let delta = x - self.running;
        self.running += delta / self.n as f64;
        self.m2 += delta * (x - self.running);
    }

    /// The mean and its 95% half-width so far.
    pub fn mean_ci(&self) -> MeanCi {
        let n = self.n;
        let mean = if n == 0 {
            f64::NAN
        } else {
            self.sum / n as f64
        };
        let ci95 = if n < 2 {
            f64::NAN
        } else {
            let var = (self.m2 / (n - 1) as f64).max(0.0);
            student_t_975(n - 1) * (var / n as f64).sqrt()
        };
        MeanCi { mean, ci95, n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values of t_{0.975, df}.
        for (df, t) in [
            (1, 12.706),
            (4, 2.776),
            (9, 2.262),
            (19, 2.093),
            (29, 2.045),
        ] {
            assert!((student_t_975(df) - t).abs() < 5e-4, "df {df}");
        }
        assert!((student_t_975(100_000) - 1.95996).abs() < 1e-3);
    }

    #[test]
    fn mean_and_half_width() {
        let m = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(m.mean, 3.0);
        // s = sqrt(2.5), half-width = t_{0.975,4} * s / sqrt(5)
        assert!((m.ci95 - 2.776445 * (2.5f64).sqrt() / 5f64.sqrt()).abs() < 1e-5);
        assert_eq!(m.n, 5);
    }

    #[test]
    fn the_tally_agrees_with_mean_ci() {
        let values = [0.81, 0.79, f64::NAN, 0.84, 0.8, 0.77, 0.9, 0.65, 0.8];
        let whole = mean_ci(values);
        let mut tally = MeanCiTally::new();
        for x in values {
            tally.add(x);
        }
        let streamed = tally.mean_ci();
        assert_eq!(
            (streamed.mean.to_bits(), streamed.n),
            (whole.mean.to_bits(), whole.n)
        );
        assert!((streamed.ci95 - whole.ci95).abs() <= 1e-14 * whole.ci95);
        assert!(MeanCiTally::new().mean_ci().mean.is_nan());
        let mut one = MeanCiTally::new();
        one.add(7.0);
        assert_eq!(one.mean_ci().mean, 7.0);
        assert!(one.mean_ci().ci95.is_nan());
    }

    #[test]
    fn undefined_values_are_left_out() {
        let m = mean_ci([f64::NAN, 2.0, 4.0]);
        assert_eq!((m.mean, m.n), (3.0, 2));
        let one = mean_ci([7.0]);
        assert_eq!(one.mean, 7.0);
        assert!(one.ci95.is_nan());
        assert!(mean_ci([]).mean.is_nan());
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            r#"{"mean":7.0,"ci95":null}"#
        );
    }
}
