//! Patience seen through censoring: the Kaplan–Meier survival curve, with a confidence
//! band in the spirit of Dvoretzky–Kiefer–Wolfowitz.
//!
//! A caller who hung up after waiting `w` had patience `w`; a caller answered after `w` had
//! patience longer than `w` (censored). Kaplan–Meier multiplies, at each time someone hung
//! up, the share of those still waiting then who did not. The band is Hall and Wellner's:
//! `Ŝ(t) · (1 ± ε (1 + n σ²(t)) / √n)` with Greenwood's `σ²(t) = Σ d/(Y(Y − d))` and the DKW
//! constant `ε = √(ln(2/α)/2)` (1.358 for 95%). Without censoring it is exactly the DKW band
//! `Ŝ ± ε/√n`; with censoring it widens where few callers are still waiting.

/// The Kaplan–Meier curve just after one time at which callers hung up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    /// Time on hold, seconds.
    pub t: f64,
    /// Callers still waiting just before `t` (neither answered nor gone before it).
    pub at_risk: u64,
    /// Callers who hung up at `t`.
    pub events: u64,
    /// Estimated share of callers whose patience exceeds `t`.
    pub survival: f64,
    /// Greenwood's sum `Σ d/(Y(Y − d))` up to `t`.
    pub greenwood: f64,
}

/// The Kaplan–Meier curve from patience times seen (`events`) and lower bounds
/// (`censored`), seconds; one step per distinct event time, in time order.
pub fn kaplan_meier(events: &[f64], censored: &[f64]) -> Vec<KmStep> {
    let mut all: Vec<(f64, bool)> = events
        .iter()
        .map(|&t| (t, true))
        .chain(censored.iter().map(|&t| (t, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut at_risk = all.len() as u64;
    let (mut survival, mut greenwood) = (1.0, 0.0);
    let mut steps = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let t = all[i].0;
        let (mut d, mut leaving) = (0, 0);
        while i < all.len() && all[i].0 == t {
            d += u64::from(all[i].1);
            leaving += 1;
            i += 1;
        }
        if d > 0 {
            survival *= 1.0 - d as f64 / at_risk as f64;
            greenwood += if at_risk > d {
                d as f64 / (at_risk as f64 * (at_risk - d) as f64)
            } else {
                f64::INFINITY
            };
            steps.push(KmStep {
                t,
                at_risk,
                events: d,
                survival,
                greenwood,
            });
        }
        at_risk -= leaving;
    }
    steps
}

/// The DKW constant `√(ln(2/α)/2)` of a band of confidence `1 − α`.
pub fn dkw_epsilon(alpha: f64) -> f64 {
    ((2.0 / alpha).ln() / 2.0).sqrt()
}

/// Half-width of the band around a Kaplan–Meier value with Greenwood sum `greenwood`, out of
/// `n` callers, with the DKW constant `epsilon`.
pub fn band_half_width(survival: f64, greenwood: f64, n: usize, epsilon: f64) -> f64 {
    let n = n as f64;
    epsilon * survival * (1.0 + n * greenwood) / n.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A textbook example (Klein & Moeschberger style) worked by hand: times 3, 5+, 6, 6, 8+, 10.
    #[test]
    fn hand_worked_curve() {
        let km = kaplan_meier(&[3.0, 6.0, 6.0, 10.0], &[5.0, 8.0]);
        let s: Vec<f64> = km.iter().map(|s| s.survival).collect();
        let expected = [5.0 / 6.0, 5.0 / 6.0 * 2.0 / 4.0, 0.0];
        for (a, b) in s.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{s:?}");
        }
        assert_eq!(km[1].at_risk, 4);
        assert_eq!(km[2].at_risk, 1);
        assert!((km[1].greenwood - (1.0 / 30.0 + 2.0 / 8.0)).abs() < 1e-12);
    }

    #[test]
    fn without_censoring_the_band_is_dkw() {
        let x: Vec<f64> = (1..=100).map(f64::from).collect();
        let km = kaplan_meier(&x, &[]);
        let eps = dkw_epsilon(0.05);
        assert!((eps - 1.3581).abs() < 1e-4);
        for s in &km[..99] {
            let w = band_half_width(s.survival, s.greenwood, 100, eps);
            assert!((w - eps / 10.0).abs() < 1e-9, "{w}");
        }
    }
}
