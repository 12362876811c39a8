//! Waiting-time histogram with fixed relative resolution, for percentiles without storing
//! every wait.
//!
//! Resolution: waits of exactly 0 s (answered at once) are counted apart; below 8 s the
//! buckets are 1/16 s wide; above, each doubling of the wait is split into 64 buckets, so a
//! bucket is at most 1/64 (1.6%) of its lower bound wide. A percentile is reported as the
//! midpoint of its bucket: off by at most 1/32 s below 8 s and 0.8% above. Waits beyond
//! 2^36 / 16 s (about 136 years) share the last bucket.

/// Sub-buckets per doubling (6 significant bits).
const SUB: u64 = 64;
/// Buckets per second below the logarithmic range.
const UNITS_PER_S: f64 = 16.0;
/// Largest unit value tracked (2^36 sixteenths of a second).
const MAX_UNITS: u64 = (1 << 36) - 1;

/// Counts of waits (seconds) in fixed-resolution buckets.
#[derive(Debug, Clone, Default)]
pub struct WaitHistogram {
    zeros: u64,
    counts: Vec<u64>,
    total: u64,
}

fn bucket_of(units: u64) -> usize {
    if units < 2 * SUB {
        units as usize
    } else {
        let msb = 63 - units.leading_zeros() as u64; // >= 7
        let shift = msb - 6;
        (2 * SUB + (msb - 7) * SUB + ((units >> shift) - SUB)) as usize
    }
}

/// The [low, high) range of a bucket, in seconds.
fn bucket_range(index: usize) -> (f64, f64) {
    let i = index as u64;
    let (low, width) = if i < 2 * SUB {
        (i, 1)
    } else {
        let octave = (i - 2 * SUB) / SUB; // msb - 7
        let shift = octave + 1;
        let mantissa = SUB + (i - 2 * SUB) % SUB;
        (mantissa << shift, 1u64 << shift)
    };
    (low as f64 / UNITS_PER_S, (low + width) as f64 / UNITS_PER_S)
}

impl WaitHistogram {
    /// Records one wait of `seconds` (≥ 0).
    #[inline]
    pub fn record(&mut self, seconds: f64) {
        self.total += 1;
        if seconds <= 0.0 {
            self.zeros += 1;
            return;
        }
        let units = ((seconds * UNITS_PER_S) as u64).min(MAX_UNITS);
        let b = bucket_of(units);
        if b >= self.counts.len() {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
    }

    /// Number of waits recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 < q ≤ 1) of the recorded waits, in seconds: the wait that a share
    /// `q` of callers did not exceed. NaN when nothing was recorded.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        if rank <= self.zeros {
            return 0.0;
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = bucket_range(i);
                return 0.5 * (lo + hi);
            }
        }
        f64::NAN // unreachable: the counts add up to total
    }

    /// The non-empty buckets as (from seconds, to seconds, count), in order; waits of exactly
    /// 0 s come first as (0, 0, count).
    pub fn buckets(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let zeros = (self.zeros > 0).then_some((0.0, 0.0, self.zeros));
        zeros
            .into_iter()
            .chain(
                self.counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| {
                        let (lo, hi) = bucket_range(i);
                        (lo, hi, c)
                    }),
            )
    }

    /// Adds the counts of `other` (merging intervals into a whole run).
    pub fn merge(&mut self, other: &WaitHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.zeros += other.zeros;
        self.total += other.total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_line_without_gaps() {
        let mut prev_hi = 0.0;
        for i in 0..(2 * SUB as usize + 30 * SUB as usize) {
            let (lo, hi) = bucket_range(i);
            assert_eq!(lo, prev_hi, "bucket {i}");
            assert!(hi > lo);
            // every value inside maps back to this bucket
            assert_eq!(bucket_of((lo * UNITS_PER_S) as u64), i);
            assert_eq!(bucket_of((hi * UNITS_PER_S) as u64 - 1), i);
            if lo >= 8.0 {
                assert!((hi - lo) / lo <= 1.0 / 64.0 + 1e-12);
            }
            prev_hi = hi;
        }
    }

    #[test]
    fn quantiles_within_stated_resolution() {
        let mut h = WaitHistogram::default();
        // waits 0.1, 0.2, ..., 1000.0 s: the exact q-quantile is 0.1 * ceil(q * 10000)
        for i in 1..=10_000 {
            h.record(i as f64 * 0.1);
        }
        for q in [0.01, 0.5, 0.9, 0.99, 1.0] {
            let exact = 0.1 * (q * 10_000.0f64).ceil();
            let got = h.quantile(q);
            let tol = if exact < 8.0 {
                1.0 / 32.0
            } else {
                exact / 128.0
            };
            assert!((got - exact).abs() <= tol + 1e-9, "q {q}: {got} vs {exact}");
        }
    }

    #[test]
    fn zero_waits_are_exact_and_merge_adds() {
        let mut a = WaitHistogram::default();
        for _ in 0..6 {
            a.record(0.0);
        }
        let mut b = WaitHistogram::default();
        for _ in 0..4 {
            b.record(30.0);
        }
        assert_eq!(a.quantile(0.5), 0.0);
        a.merge(&b);
        assert_eq!(a.count(), 10);
        let buckets: Vec<_> = a.buckets().collect();
        assert_eq!(buckets[0], (0.0, 0.0, 6));
        assert_eq!(buckets.len(), 2);
        assert!(buckets[1].0 <= 30.0 && 30.0 < buckets[1].1 && buckets[1].2 == 4);
        assert_eq!(a.quantile(0.6), 0.0);
        assert!((a.quantile(0.61) - 30.0).abs() < 30.0 / 128.0);
        assert!(WaitHistogram::default().quantile(0.5).is_nan());
        // absurdly long waits do not overflow
        a.record(1e30);
        assert!(a.quantile(1.0).is_finite());
    }
}
