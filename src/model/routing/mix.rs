//! The type of each arriving call: drawn in proportion to the call types' arrival rates in
//! the interval, with one uniform number, in constant time.
//!
//! The type is the first whose cumulative rate passes `u × total` (`u` uniform in [0, 1)). A
//! guide table per interval says, for each of 2^B equal slices of [0, 1) (the top B bits of
//! `u`), the first type the search can give there, so the search starts at most a type or
//! two before its answer: the same type as a search from the first, for every `u`.

use crate::engine::StreamRng;
use crate::model::dist::unit_interval_bits;

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
    /// Cumulative arrival rates of types 0..=t (calls per second).
    cumulative: Vec<f64>,
    /// The guide table (2^`bits` entries): the first type the search can give in each slice.
    guide: Vec<u8>,
    /// The last type (the number of types − 1).
    last: usize,
    /// The total arrival rate (calls per second).
    total: f64,
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
        let mut cumulative: Vec<Vec<f64>> = (0..intervals)
            .map(|k| {
                let mut sum = 0.0;
                rates
                    .iter()
                    .map(|r| {
                        sum += r[k];
                        sum
                    })
                    .collect()
            })
            .collect();
        // the same mix all day (a steady state): one table, and no interval to look up
        if cumulative.windows(2).all(|w| w[0] == w[1]) {
            cumulative.truncate(1);
        }
        let tables = cumulative
            .into_iter()
            .map(|c: Vec<f64>| {
                let last = c.len().saturating_sub(1);
                let total = c.last().copied().unwrap_or(0.0);
                let guide = (0..slices)
                    .map(|j| {
                        // the smallest `u × total` of slice j, rounded as a draw is
                        let low = (j as f64 / slices as f64) * total;
                        c.partition_point(|&x| x <= low).min(last) as u8
                    })
                    .collect();
                MixTable {
                    cumulative: c,
                    guide,
                    last,
                    total,
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
        let (bits, unit) = unit_interval_bits(rng);
        let u = unit * table.total;
        let slice = (bits >> (53 - self.bits)) as usize;
        let mut ty = usize::from(table.guide[slice]);
        // (one check of the range, not one per step)
        for &c in &table.cumulative[ty..table.last] {
            if c > u {
                break;
            }
            ty += 1;
        }
        ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, streams};

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
                    searched(&mix.tables[k].cumulative, unit)
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
        assert_eq!(mix.tables[0].cumulative, vec![1.0, 3.0]);
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
                let u = unit * 3.0;
                let mut ty = mix.tables[0].guide[j as usize] as usize;
                while ty < 2 && mix.tables[0].cumulative[ty] <= u {
                    ty += 1;
                }
                assert_eq!(ty, searched(&mix.tables[0].cumulative, unit));
            }
        }
        let one = TypeMix::new(&[&[0.5]], 1);
        assert_eq!(one.draw(0, &mut streams(1, 0, Stream(20))), 0);
    }
}
