//! The bare cost of the two benchmark centers: minimal hand-written simulators with only what
//! `benches/large-steady.toml` and `benches/multi-skill-steady.toml` need, to learn whether a
//! multi-skill loop can run at 0.8× the single queue's calls per second at all.
//!
//!     cargo bench --bench bare
//!
//! (a) the single queue M/M/245+M: 1 call per second, exponential 240 s handle times,
//! exponential 120 s patience, 1,000,000 s of arrivals. (b) the same load split into 10 call
//! types and 20 agent groups (group g: rank 1 on type g mod 10, rank 2 on the next type, rank 3
//! on the type three on after a caller has waited 30 s), routed as the engine routes: an
//! arriving call to the best rank with a free agent, between two groups of that rank to the one
//! whose longest-idle agent has been idle longest (first in file order on exact ties); a freed
//! agent to the head of its best-ranked non-empty eligible line. Two designs of (b): 20 groups
//! with idle rings, and groups of identical skills merged into 10 pools with an idle count
//! (which agent answers never changes a call's fate here, so both give the same counts).
//! All draw from xoshiro256++ and rand_distr's Exp1, as the engine does. Before benchmarking,
//! the main function checks them (see `sanity`).

use criterion::{Criterion, Throughput, criterion_group};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

/// Seconds of arrivals.
const HORIZON: f64 = 1_000_000.0;
/// Seconds before calls are counted.
const WARMUP: f64 = 10_000.0;
/// Mean seconds between arrivals (the whole center).
const INTERARRIVAL: f64 = 1.0;
/// Mean handle time in seconds.
const HANDLE: f64 = 240.0;
/// Mean patience in seconds.
const PATIENCE: f64 = 120.0;
/// Agents in the center.
const AGENTS: u32 = 245;
/// Service-level threshold in seconds.
const THRESHOLD: f64 = 20.0;
/// Seconds a caller waits before the rank-3 groups may take it.
const DELAY: f64 = 30.0;
/// Call types of (b).
const TYPES: usize = 10;
/// Agent groups of (b): groups g and g + 10 have the same skills.
const GROUPS: usize = 20;
/// A line's ring of waiting callers (power of two; far beyond the longest line seen, 52).
const LINE: usize = 1024;

/// The few counts both simulators keep (calls arriving after the warm-up).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Kpis {
    offered: u64,
    answered: u64,
    abandoned: u64,
    within: u64,
    wait_sum: f64,
}

impl Kpis {
    fn answer(&mut self, arrived: f64, now: f64) {
        if arrived >= WARMUP {
            let w = now - arrived;
            self.answered += 1;
            self.within += u64::from(w <= THRESHOLD);
            self.wait_sum += w;
        }
    }
}

/// The random streams: one generator per mechanism.
struct Rngs {
    arrivals: Xoshiro256PlusPlus,
    handle: Xoshiro256PlusPlus,
    patience: Xoshiro256PlusPlus,
    kind: Xoshiro256PlusPlus,
}

impl Rngs {
    fn new(seed: u64) -> Self {
        let s = |k: u64| {
            Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ k)
        };
        Rngs {
            arrivals: s(1),
            handle: s(2),
            patience: s(3),
            kind: s(4),
        }
    }
}

#[inline(always)]
fn exp(rng: &mut Xoshiro256PlusPlus, mean: f64) -> f64 {
    mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng)
}

/// A calendar entry: the time's bits (times are non-negative, so bits order as times) and
/// what happens.
type Entry = Reverse<(u64, u32)>;

#[inline(always)]
fn at(t: f64, what: u32) -> Entry {
    Reverse((t.to_bits(), what))
}

const END: u32 = 0;
const GONE: f64 = -1.0;

/// (a) the single queue: a count of free agents, one ring of waiting callers by ticket.
fn single(seed: u64) -> Kpis {
    let mut r = Rngs::new(seed);
    let mut k = Kpis::default();
    let mut cal: BinaryHeap<Entry> = BinaryHeap::with_capacity(1024);
    let mut ring = vec![GONE; LINE * 4];
    let mask = ring.len() - 1;
    let (mut head, mut tail) = (0usize, 0usize);
    let mut free = AGENTS;
    let mut next = exp(&mut r.arrivals, INTERARRIVAL);
    loop {
        let ev = cal.peek().map(|e| e.0);
        if next < HORIZON && ev.is_none_or(|(t, _)| next.to_bits() < t) {
            let now = next;
            next += exp(&mut r.arrivals, INTERARRIVAL);
            k.offered += u64::from(now >= WARMUP);
            if free > 0 {
                free -= 1;
                k.answer(now, now);
                cal.push(at(now + exp(&mut r.handle, HANDLE), END));
            } else {
                assert!(tail - head < mask, "line full");
                ring[tail & mask] = now;
                cal.push(at(now + exp(&mut r.patience, PATIENCE), 1 + tail as u32));
                tail += 1;
            }
            continue;
        }
        let Some(Reverse((t, what))) = cal.pop() else {
            break;
        };
        let now = f64::from_bits(t);
        if what == END {
            if head < tail {
                let arrived = ring[head & mask];
                ring[head & mask] = GONE;
                head += 1;
                while head < tail && ring[head & mask] == GONE {
                    head += 1;
                }
                k.answer(arrived, now);
                cal.push(at(now + exp(&mut r.handle, HANDLE), END));
            } else {
                free += 1;
            }
        } else {
            let ticket = (what - 1) as usize;
            let slot = ticket & mask;
            let arrived = ring[slot];
            if ticket >= head && arrived != GONE {
                k.abandoned += u64::from(arrived >= WARMUP);
                ring[slot] = GONE;
                while head < tail && ring[head & mask] == GONE {
                    head += 1;
                }
            }
        }
    }
    k
}

/// Who answers in (b): which group an arriving or a 30-second caller goes to, and the idle
/// agents of each group.
trait Staff {
    fn new() -> Self;
    /// The group (rank 1, else rank 2) with a free agent for a new caller of type `t`,
    /// one of its agents taken.
    fn arrive(&mut self, t: usize) -> Option<u32>;
    /// The rank-3 group with a free agent for a caller of type `t` who has waited 30 s.
    fn late(&mut self, t: usize) -> Option<u32>;
    /// An agent of group `g` becomes idle at `now`.
    fn release(&mut self, g: u32, now: f64);
    /// The type group `g` answers at rank 1.
    fn primary(g: u32) -> usize;
}

/// Agents per group, in file order.
const STAFFED: [u8; GROUPS] = [
    13, 13, 13, 13, 13, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
];
/// A group's ring of idle agents' idle-since times (power of two, more than 13).
const IDLE: usize = 16;

/// 20 groups, each with its idle agents in idle order (front = idle longest).
struct Groups<const BRANCH_FREE: bool> {
    since: [[f64; IDLE]; GROUPS],
    head: [u8; GROUPS],
    len: [u8; GROUPS],
}

impl<const BRANCH_FREE: bool> Groups<BRANCH_FREE> {
    /// Of the two groups with the same skills (g and g + 10), the one whose front agent has
    /// been idle longest, the first on exact ties; its agent taken.
    #[inline(always)]
    fn pick(&mut self, a: usize) -> Option<u32> {
        let b = a + TYPES;
        let g = if BRANCH_FREE {
            // the front of an empty ring is a stale time: read it anyway, key it out
            let key = |s: &Self, g: usize| {
                let f = s.since[g][s.head[g] as usize];
                std::hint::select_unpredictable(s.len[g] > 0, f, f64::INFINITY)
            };
            let (ka, kb) = (key(self, a), key(self, b));
            if ka == f64::INFINITY && kb == f64::INFINITY {
                return None;
            }
            std::hint::select_unpredictable(kb < ka, b, a)
        } else {
            let (na, nb) = (self.len[a] > 0, self.len[b] > 0);
            match (na, nb) {
                (false, false) => return None,
                (true, false) => a,
                (false, true) => b,
                (true, true) => {
                    let fa = self.since[a][self.head[a] as usize];
                    let fb = self.since[b][self.head[b] as usize];
                    if fb < fa { b } else { a }
                }
            }
        };
        self.head[g] = (self.head[g] + 1) & (IDLE as u8 - 1);
        self.len[g] -= 1;
        Some(g as u32)
    }
}

impl<const BRANCH_FREE: bool> Staff for Groups<BRANCH_FREE> {
    fn new() -> Self {
        let mut s = Groups {
            since: [[0.0; IDLE]; GROUPS],
            head: [0; GROUPS],
            len: [0; GROUPS],
        };
        s.len = STAFFED;
        s
    }
    #[inline(always)]
    fn arrive(&mut self, t: usize) -> Option<u32> {
        self.pick(t).or_else(|| self.pick((t + 9) % TYPES))
    }
    #[inline(always)]
    fn late(&mut self, t: usize) -> Option<u32> {
        self.pick((t + 7) % TYPES)
    }
    #[inline(always)]
    fn release(&mut self, g: u32, now: f64) {
        let g = g as usize;
        let i = (self.head[g] + self.len[g]) as usize & (IDLE - 1);
        self.since[g][i] = now;
        self.len[g] += 1;
    }
    #[inline(always)]
    fn primary(g: u32) -> usize {
        g as usize % TYPES
    }
}

/// Groups g and g + 10 merged into pool g with a count of idle agents.
struct Pools {
    idle: [u8; TYPES],
}

impl Staff for Pools {
    fn new() -> Self {
        let mut idle = [0; TYPES];
        for (g, n) in STAFFED.iter().enumerate() {
            idle[g % TYPES] += n;
        }
        Pools { idle }
    }
    #[inline(always)]
    fn arrive(&mut self, t: usize) -> Option<u32> {
        let p = if self.idle[t] > 0 {
            t
        } else {
            let p = (t + 9) % TYPES;
            if self.idle[p] == 0 {
                return None;
            }
            p
        };
        self.idle[p] -= 1;
        Some(p as u32)
    }
    #[inline(always)]
    fn late(&mut self, t: usize) -> Option<u32> {
        let p = (t + 7) % TYPES;
        if self.idle[p] == 0 {
            return None;
        }
        self.idle[p] -= 1;
        Some(p as u32)
    }
    #[inline(always)]
    fn release(&mut self, g: u32, _now: f64) {
        self.idle[g as usize] += 1;
    }
    #[inline(always)]
    fn primary(g: u32) -> usize {
        g as usize
    }
}

/// Calendar payloads of (b): a service end of group g is g; a caller's abandonment and its
/// 30-second mark carry its line and ticket.
const TIMER: u32 = 32;

#[inline(always)]
fn timer(t: usize, ticket: usize, late: bool) -> u32 {
    TIMER + (((ticket * TYPES + t) as u32) << 1) + u32::from(late)
}

/// Ten lines of waiting callers, each a ring addressed by ticket.
struct Lines {
    ring: Vec<f64>,
    head: [usize; TYPES],
    tail: [usize; TYPES],
}

impl Lines {
    #[inline(always)]
    fn slot(t: usize, ticket: usize) -> usize {
        t * LINE + (ticket & (LINE - 1))
    }
    /// The arrival time of the head of line `t`, if someone waits.
    #[inline(always)]
    fn front(&self, t: usize) -> Option<f64> {
        (self.head[t] < self.tail[t]).then(|| self.ring[Self::slot(t, self.head[t])])
    }
    #[inline(always)]
    fn skip(&mut self, t: usize) {
        while self.head[t] < self.tail[t] && self.ring[Self::slot(t, self.head[t])] == GONE {
            self.head[t] += 1;
        }
    }
    /// Takes caller `ticket` of line `t` out of its line; its arrival time if it was waiting.
    #[inline(always)]
    fn take(&mut self, t: usize, ticket: usize) -> Option<f64> {
        let s = Self::slot(t, ticket);
        let arrived = self.ring[s];
        if ticket < self.head[t] || arrived == GONE {
            return None;
        }
        self.ring[s] = GONE;
        self.skip(t);
        Some(arrived)
    }
}

/// (b) the multi-skill center, its agents kept by `S`; with `MARKS_APART` the callers'
/// 30-second marks wait in a queue of their own beside the calendar (they fall due in the
/// order callers arrived), otherwise in the calendar.
fn multi<S: Staff, const MARKS_APART: bool>(seed: u64) -> Kpis {
    let mut r = Rngs::new(seed);
    let mut k = Kpis::default();
    let mut staff = S::new();
    let mut cal: BinaryHeap<Entry> = BinaryHeap::with_capacity(1024);
    let mut lines = Lines {
        ring: vec![GONE; TYPES * LINE],
        head: [0; TYPES],
        tail: [0; TYPES],
    };
    let mut delays: VecDeque<(f64, u32)> = VecDeque::with_capacity(256);
    let mut next = exp(&mut r.arrivals, INTERARRIVAL);
    loop {
        let top = cal.peek().map_or(u64::MAX, |e| e.0.0);
        let arr = if next < HORIZON {
            next.to_bits()
        } else {
            u64::MAX
        };
        let mark = delays.front().map_or(u64::MAX, |d| d.0.to_bits());
        if arr < top && arr < mark {
            let now = next;
            next += exp(&mut r.arrivals, INTERARRIVAL);
            let t = ((u128::from(r.kind.next_u64()) * TYPES as u128) >> 64) as usize;
            k.offered += u64::from(now >= WARMUP);
            if let Some(g) = staff.arrive(t) {
                k.answer(now, now);
                cal.push(at(now + exp(&mut r.handle, HANDLE), g));
            } else {
                let ticket = lines.tail[t];
                assert!(ticket - lines.head[t] < LINE, "line full");
                lines.ring[Lines::slot(t, ticket)] = now;
                lines.tail[t] += 1;
                let patience = exp(&mut r.patience, PATIENCE);
                cal.push(at(now + patience, timer(t, ticket, false)));
                if patience > DELAY {
                    let mark = timer(t, ticket, true);
                    if MARKS_APART {
                        delays.push_back((now + DELAY, mark));
                    } else {
                        cal.push(at(now + DELAY, mark));
                    }
                }
            }
            continue;
        }
        let (now, what) = if mark < top {
            delays.pop_front().expect("a mark")
        } else {
            match cal.pop() {
                Some(Reverse((bits, what))) => (f64::from_bits(bits), what),
                None => break,
            }
        };
        if what < TIMER {
            let p = S::primary(what);
            let ranked = [p, (p + 1) % TYPES];
            let mut line = ranked.into_iter().find(|&t| lines.head[t] < lines.tail[t]);
            if line.is_none() {
                let t = (p + 3) % TYPES;
                if lines.front(t).is_some_and(|a| now >= a + DELAY) {
                    line = Some(t);
                }
            }
            match line {
                Some(t) => {
                    let arrived = lines.ring[Lines::slot(t, lines.head[t])];
                    lines.ring[Lines::slot(t, lines.head[t])] = GONE;
                    lines.skip(t);
                    k.answer(arrived, now);
                    cal.push(at(now + exp(&mut r.handle, HANDLE), what));
                }
                None => staff.release(what, now),
            }
        } else {
            let x = ((what - TIMER) >> 1) as usize;
            let (t, ticket) = (x % TYPES, x / TYPES);
            if what & 1 == 0 {
                if let Some(arrived) = lines.take(t, ticket) {
                    k.abandoned += u64::from(arrived >= WARMUP);
                }
            } else if lines.head[t] <= ticket
                && lines.ring[Lines::slot(t, ticket)] != GONE
                && let Some(g) = staff.late(t)
            {
                let arrived = lines.take(t, ticket).expect("waiting");
                k.answer(arrived, now);
                cal.push(at(now + exp(&mut r.handle, HANDLE), g));
            }
        }
    }
    k
}

fn report(name: &str, k: &Kpis) {
    let n = k.offered as f64;
    eprintln!(
        "{name}: offered {} answered {} abandoned {} service level {:.4}% abandon rate {:.4}% mean wait {:.4} s",
        k.offered,
        k.answered,
        k.abandoned,
        100.0 * k.within as f64 / n,
        100.0 * k.abandoned as f64 / n,
        k.wait_sum / n
    );
}

/// Erlang A's abandonment probability for (a): the birth-death chain of callers in the
/// center (arrivals 1/s; departures min(n, 245)/240 + max(n − 245, 0)/120 per second),
/// abandonments θ·E[callers waiting] over the arrival rate.
fn erlang_a_abandonment() -> f64 {
    let (lambda, mu, theta, c) = (
        1.0 / INTERARRIVAL,
        1.0 / HANDLE,
        1.0 / PATIENCE,
        AGENTS as usize,
    );
    let (mut p, mut total, mut waiting) = (1.0f64, 1.0f64, 0.0f64);
    for n in 1..2000 {
        let out = n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * theta;
        p *= lambda / out;
        total += p;
        waiting += n.saturating_sub(c) as f64 * p;
    }
    theta * waiting / total / lambda
}

/// Mean and standard deviation of one run's value over `xs`.
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// The checks run before benchmarking: the two designs of (b) give the same counts for every
/// seed (which agent answers never changes a call's fate); (a)'s abandonment lies within three
/// run-to-run standard deviations of Erlang A's; and the spread over seeds, to judge the
/// engine's runs of the two benchmark files against (printed, as the engine's numbers are not
/// at hand here).
fn sanity() {
    const SEEDS: u64 = 10;
    let (mut sl, mut ab, mut msl, mut mab) = (vec![], vec![], vec![], vec![]);
    for seed in 1..=SEEDS {
        let k = single(seed);
        sl.push(k.within as f64 / k.offered as f64);
        ab.push(k.abandoned as f64 / k.offered as f64);
        let (g, p) = (
            multi::<Groups<false>, false>(seed),
            multi::<Pools, false>(seed),
        );
        assert_eq!(
            g, p,
            "20 groups and 10 pools give the same counts (seed {seed})"
        );
        assert_eq!(
            g,
            multi::<Groups<true>, false>(seed),
            "branch-free choice (seed {seed})"
        );
        let (ga, pa) = (
            multi::<Groups<false>, true>(seed),
            multi::<Pools, true>(seed),
        );
        assert_eq!(
            g, ga,
            "marks beside the calendar change nothing (seed {seed})"
        );
        assert_eq!(
            g, pa,
            "marks beside the calendar change nothing (seed {seed})"
        );
        assert!(
            g.offered == g.answered + g.abandoned,
            "every call answered or lost"
        );
        msl.push(g.within as f64 / g.offered as f64);
        mab.push(g.abandoned as f64 / g.offered as f64);
    }
    let erlang = erlang_a_abandonment();
    let (m, sd) = mean_sd(&ab);
    eprintln!(
        "(a) abandonment {:.4}% ± {:.4}% (one run's sd, {SEEDS} seeds), Erlang A {:.4}%",
        100.0 * m,
        100.0 * sd,
        100.0 * erlang
    );
    assert!(
        (m - erlang).abs() < 3.0 * sd,
        "(a) abandons as Erlang A says"
    );
    let (m, sd) = mean_sd(&sl);
    eprintln!("(a) service level {:.4}% ± {:.4}%", 100.0 * m, 100.0 * sd);
    let (m, sd) = mean_sd(&msl);
    eprintln!("(b) service level {:.4}% ± {:.4}%", 100.0 * m, 100.0 * sd);
    let (m, sd) = mean_sd(&mab);
    eprintln!("(b) abandonment {:.4}% ± {:.4}%", 100.0 * m, 100.0 * sd);
}

fn bench(c: &mut Criterion) {
    let calls = single(1).offered;
    let mut group = c.benchmark_group("bare");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls));
    group.bench_function("single_queue", |b| {
        b.iter(|| black_box(single(black_box(1))))
    });
    group.bench_function("multi_groups", |b| {
        b.iter(|| black_box(multi::<Groups<false>, false>(black_box(1))))
    });
    group.bench_function("multi_pools", |b| {
        b.iter(|| black_box(multi::<Pools, false>(black_box(1))))
    });
    group.bench_function("multi_groups_marks_apart", |b| {
        b.iter(|| black_box(multi::<Groups<false>, true>(black_box(1))))
    });
    group.bench_function("multi_groups_branch_free", |b| {
        b.iter(|| black_box(multi::<Groups<true>, false>(black_box(1))))
    });
    group.bench_function("multi_groups_branch_free_marks_apart", |b| {
        b.iter(|| black_box(multi::<Groups<true>, true>(black_box(1))))
    });
    group.bench_function("multi_pools_marks_apart", |b| {
        b.iter(|| black_box(multi::<Pools, true>(black_box(1))))
    });
    group.finish();
}

criterion_group!(benches, bench);

/// A loop `BARE_ONLY` runs alone: its name, and the loop giving the name of the center it
/// simulates (`single` or `groups`/`pools`, as `report` prints it) and its counts.
type Variant = (&'static str, fn() -> (&'static str, Kpis));

/// The loops `BARE_ONLY` runs alone, in the README table's order.
const VARIANTS: [Variant; 7] = [
    ("single", || ("single", single(black_box(1)))),
    ("groups", || {
        ("groups", multi::<Groups<false>, false>(black_box(1)))
    }),
    ("groups_branch_free", || {
        ("groups", multi::<Groups<true>, false>(black_box(1)))
    }),
    ("pools", || ("pools", multi::<Pools, false>(black_box(1)))),
    ("groups_apart", || {
        ("groups", multi::<Groups<false>, true>(black_box(1)))
    }),
    ("groups_branch_free_apart", || {
        ("groups", multi::<Groups<true>, true>(black_box(1)))
    }),
    ("pools_apart", || {
        ("pools", multi::<Pools, true>(black_box(1)))
    }),
];

fn main() -> std::process::ExitCode {
    // unset or empty: the checks, then every benchmark; else the one loop named, alone
    let which = match std::env::var("BARE_ONLY") {
        Ok(which) => which,
        Err(std::env::VarError::NotPresent) => String::new(),
        Err(std::env::VarError::NotUnicode(raw)) => {
            eprintln!("error: BARE_ONLY={raw:?} is not UTF-8");
            return std::process::ExitCode::from(2);
        }
    };
    if which.is_empty() {
        sanity();
        benches();
        Criterion::default().configure_from_args().final_summary();
        return std::process::ExitCode::SUCCESS;
    }
    let Some((_, run)) = VARIANTS.iter().find(|(name, _)| *name == which) else {
        let names: Vec<&str> = VARIANTS.iter().map(|(name, _)| *name).collect();
        eprintln!(
            "error: BARE_ONLY={which:?} is not a variant; give one of: {} (or leave it unset for \
             the checks and every benchmark)",
            names.join(", ")
        );
        return std::process::ExitCode::from(2);
    };
    let (center, counts) = run();
    report(center, &black_box(counts));
    std::process::ExitCode::SUCCESS
}
