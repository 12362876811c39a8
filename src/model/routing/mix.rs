//! The type of each arriving call: drawn in proportion to the call types' arrival rates in
//! the interval, with one uniform number, in constant time.
//!
//! The type is the first whose cumulative rate passes `u × total` (`u` uniform in [0, 1), 53
//! random bits). That search is done once, when the mix is built: each type's cumulative
//! rate becomes the first 53-bit draw that passes it, rounded as a draw is, so a draw
//! compares integers. A guide table per interval says, for each of 2^B equal slices of the
//! draws (their top B bits), the type of the slice's first draw and the first draw of the
//! type after it: most draws are one look-up and one comparison, and every draw gives the
//! same type as the search.

use crate::engine::StreamRng;
use rand::Rng;

/// The call-type mix of every interval.
#[derive(Debug, Clone)]
pub(crate) struct TypeMix {
    /// Per interval, the table of its mix; one table for every interval when the mix never
    /// changes (see [`TypeMix::varies`]).
    tables: Vec<MixTable>,
    /// Bits of `u` that choose the guide entry.
    bits: u32,
}

/// The mix of one interval: what a draw reads, kept together (one look-up per draw).
#[derive(Debug, Clone)]
struct MixTable {
    /// Per type but the last: the first 53-bit draw that gives a later type.
    next_from: Vec<u64>,
    /// The guide table (2^`bits` entries): per slice, the type of its first draw and the
    /// first draw of a later type (`u64::MAX` for the last type).
    guide: Vec<(usize, u64)>,
    /// The last type (the number of types − 1).
    last: usize,
}

/// The cumulative arrival rates of types 0, 0..=1, ... in interval `k` (calls per second), of
/// `rates[t][k]`.
fn cumulative_rates(rates: &[&[f64]], k: usize) -> Vec<f64> {
    let mut sum = 0.0;
    rates
        .iter()
        .map(|r| {
            sum += r[k];
            sum
        })
        .collect()
}

/// A 53-bit draw as the uniform number in [0, 1) it stands for, times `total`.
#[inline(always)]
fn scaled(bits: u64, total: f64) -> f64 {
    bits as f64 * (1.0 / (1u64 << 53) as f64) * total
}

/// The first 53-bit draw whose [`scaled`] value reaches `c` (`u64::MAX` when none does).
fn first_draw_reaching(c: f64, total: f64) -> u64 {
    let (mut low, mut high) = (0u64, 1u64 << 53); // the answer is in low..=high
    while low < high {
        let mid = low + (high - low) / 2;
        if c <= scaled(mid, total) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    if low == 1 << 53 { u64::MAX } else { low }
}

impl TypeMix {
    /// The mix of `rates[t][k]` (type `t`'s arrival rate in interval `k`, calls per second)
    /// over `intervals` intervals; at most 256 types.
    pub(crate) fn new(rates: &[&[f64]], intervals: usize) -> Self {
        debug_assert!(rates.len() <= 256);
        // about four slices per type: the search rarely takes a step
        let bits = (4 * rates.len())
            .next_power_of_two()
            .trailing_zeros()
            .min(10);
        let slices = 1u64 << bits;
        let mut cumulative: Vec<Vec<f64>> =
            (0..intervals).map(|k| cumulative_rates(rates, k)).collect();
        // the same mix all day (a steady state): one table, and no interval to look up
        if cumulative.windows(2).all(|w| w[0] == w[1]) {
            cumulative.truncate(1);
        }
        let tables = cumulative
            .into_iter()
            .map(|c: Vec<f64>| {
                let last = c.len().saturating_sub(1);
                let total = c.last().copied().unwrap_or(0.0);
                let next_from: Vec<u64> = c[..last]
                    .iter()
                    .map(|&c| first_draw_reaching(c, total))
                    .collect();
                let guide = (0..slices)
                    .map(|j| {
                        let first = j << (53 - bits);
                        let ty = next_from.partition_point(|&b| b <= first);
                        (ty, next_from.get(ty).copied().unwrap_or(u64::MAX))
                    })
                    .collect();
                MixTable {
                    next_from,
                    guide,
                    last,
                }
            })
            .collect();
        TypeMix { tables, bits }
    }

    /// False when every interval has the same mix: then `k` is always 0 in
    /// [`TypeMix::draw`], and a caller need not find the interval of an arrival.
    #[inline]
    pub(crate) fn varies(&self) -> bool {
        self.tables.len() > 1
    }

    /// The type of a call arriving in interval `k` (0 when the mix never
    /// [varies](TypeMix::varies)), drawn from `rng` (nothing is drawn with a single type).
    #[inline(always)]
    pub(crate) fn draw(&self, k: usize, rng: &mut StreamRng) -> usize {
        let table = &self.tables[k];
        if table.last == 0 {
            return 0;
        }
        table.type_of(rng.next_u64() >> 11, self.bits)
    }
}

impl MixTable {
    /// The type of the 53-bit draw `bits`, the guide having 2^`guide_bits` slices.
    #[inline(always)]
    fn type_of(&self, bits: u64, guide_bits: u32) -> usize {
        let (mut ty, next) = self.guide[(bits >> (53 - guide_bits)) as usize];
        if bits >= next {
            // the slice holds a boundary between types, and this draw is past it
            ty += 1;
            while ty < self.last && bits >= self.next_from[ty] {
                ty += 1;
            }
        }
        ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, streams};
    use crate::model::dist::unit_interval_bits;

    /// The first type whose cumulative rate passes `u × total`, searched from the first.
    fn searched(cumulative: &[f64], unit: f64) -> usize {
        let u = unit * cumulative[cumulative.len() - 1];
        cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(cumulative.len() - 1)
    }

    #[test]
    fn the_guide_gives_the_searched_type_for_every_draw() {
        let rates: [&[f64]; 5] = [
            &[0.1, 0.0, 1.0],
            &[0.0, 0.0, 1e-9],
            &[0.37, 0.0, 3.0],
            &[0.0, 0.0, 0.5],
            &[2.1, 0.0, 1e-12],
        ];
        let mix = TypeMix::new(&rates, 3);
        for k in 0..3 {
            let (mut a, mut b) = (streams(3, 0, Stream(20)), streams(3, 0, Stream(20)));
            for _ in 0..100_000 {
                let (_, unit) = unit_interval_bits(&mut b);
                assert_eq!(
                    mix.draw(k, &mut a),
                    searched(&cumulative_rates(&rates, k), unit)
                );
            }
        }
    }

    /// The draws on either side of each boundary between types give the searched type: the
    /// integer boundaries are exact, not off by one draw.
    #[test]
    fn boundaries_are_exact_draws() {
        let rates: [&[f64]; 4] = [&[0.1], &[1e-9], &[0.37], &[1.0 / 3.0]];
        let mix = TypeMix::new(&rates, 1);
        let table = &mix.tables[0];
        let c = cumulative_rates(&rates, 0);
        for &b in &table.next_from {
            for bits in [b - 1, b] {
                let unit = bits as f64 * (1.0 / (1u64 << 53) as f64);
                assert_eq!(
                    table.type_of(bits, mix.bits),
                    searched(&c, unit),
                    "draw {bits}"
                );
            }
        }
    }

    #[test]
    fn a_mix_that_never_changes_keeps_one_table() {
        let steady: [&[f64]; 2] = [&[1.0, 1.0, 1.0], &[2.0, 2.0, 2.0]];
        let mix = TypeMix::new(&steady, 3);
        assert!(!mix.varies());
        assert_eq!(mix.tables.len(), 1);
        assert_eq!(mix.tables[0].next_from.len(), 1);
        let (mut a, mut b) = (streams(3, 0, Stream(20)), streams(3, 0, Stream(20)));
        let full = TypeMix {
            tables: vec![mix.tables[0].clone(); 3],
            bits: mix.bits,
        };
        for _ in 0..10_000 {
            assert_eq!(mix.draw(0, &mut a), full.draw(2, &mut b));
        }
        let changing: [&[f64]; 2] = [&[1.0, 1.0, 1.0], &[2.0, 2.0, 2.5]];
        assert!(TypeMix::new(&changing, 3).varies());
    }

    #[test]
    fn slice_edges_and_a_single_type() {
        let rates: [&[f64]; 3] = [&[1.0], &[1.0], &[1.0]];
        let mix = TypeMix::new(&rates, 1);
        for j in 0..(1u64 << mix.bits) {
            for bits in [j << (53 - mix.bits), ((j + 1) << (53 - mix.bits)) - 1] {
                let unit = bits as f64 * (1.0 / (1u64 << 53) as f64);
                assert_eq!(
                    mix.tables[0].type_of(bits, mix.bits),
                    searched(&cumulative_rates(&rates, 0), unit)
                );
            }
        }
        let one = TypeMix::new(&[&[0.5]], 1);
        assert_eq!(one.draw(0, &mut streams(1, 0, Stream(20))), 0);
    }
}
