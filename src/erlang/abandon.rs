//! Erlang A (M/M/c+M: exponential patience) and finite lines with abandonment (M/M/c/N+M).
//!
//! Both come from one birth–death chain: `n` callers in the system, arrivals at rate `lambda`
//! (while fewer than `N` lines are busy), departures at rate `n mu` for `n <= c` and
//! `c mu + (n - c) theta` above, where `theta = 1 / mean patience`. The chain is summed from
//! its most likely state outwards, so every unnormalised term is at most 1 and nothing
//! overflows, and it is cut where the remaining terms are below 1e-20 of the total.
//!
//! A caller who arrives with `j` callers waiting ahead has an offered (virtual) wait `V_j`,
//! the sum of exponential stages with rates `r_k = c mu + k theta`, `k = j+1 .. 1` (those
//! ahead may abandon too), and is served if `V_j` is shorter than his own patience. Then
//! (with `a = c mu / theta`):
//!
//! - `P(served | j) = c mu / r_{j+1}`, `E[V_j; served] = (c mu / r_{j+1}) sum_k 1 / r_k`,
//!   `E[patience; abandoned] = (1 / r_{j+1}) sum_k k theta / r_k`;
//! - `exp(-theta V_j)` is Beta(a, j+1) distributed, so `P(V_j > t)` is the sum of the first
//!   `j+1` terms of a negative binomial law, and `P(served, V_j > t)` likewise with `a + 1`;
//! - `P(abandoned within t | j) = sum_{n<=j} c mu theta / (r_n r_{n+1}) P(NB(a+1) > n)`.
//!
//! Every probability is therefore a sum of positive terms.

use super::{ErlangError, Traffic, check_agents, check_patience, check_threshold};

/// Largest number of chain states (or negative-binomial terms) we agree to hold in memory.
const MAX_STATES: usize = 20_000_000;

/// Relative size below which the tail of a sum is dropped.
const TAIL_EPS: f64 = 1e-20;

/// Steady-state Erlang A (M/M/c+M) results: Poisson arrivals, exponential handle times and
/// exponential patience, infinite queue, first come first served, no retrials.
///
/// Probabilities are shares of all arriving callers unless the name says otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Number of agents on the phones.
    pub agents: u32,
    /// Offered load, Erlangs.
    pub offered_load_erlangs: f64,
    /// Mean patience, seconds (infinite: nobody abandons, which is Erlang C).
    pub patience_s: f64,
    /// Service-level threshold used, seconds.
    pub threshold_s: f64,
    /// Probability that a caller finds all agents busy and has to wait.
    pub prob_wait: f64,
    /// Abandonment rate: share of callers who hang up before being answered.
    pub prob_abandon: f64,
    /// Share of callers who are answered, `1 - prob_abandon`.
    pub prob_served: f64,
    /// Mean wait over all callers (answered or abandoned, zero waits included), seconds.
    pub mean_wait_s: f64,
    /// ASA: mean wait of answered calls, seconds.
    pub asa_s: f64,
    /// Mean time abandoned callers waited before hanging up, seconds.
    pub mean_wait_abandoned_s: f64,
    /// Service level over all callers: answered within the threshold ÷ all callers
    /// (abandoned callers count as failures). This is `service_level` in callsim's KPIs.
    pub sl_offered: f64,
    /// Service level over answered calls: answered within the threshold ÷ answered.
    pub sl_answered: f64,
    /// Share of callers whose offered wait (the wait they would have had with infinite
    /// patience) is within the threshold.
    pub sl_virtual: f64,
    /// Share of callers whose wait (until answer or hang-up) is within the threshold;
    /// callers who abandon within the threshold count as successes.
    pub sl_all_wait: f64,
    /// Share of callers who abandon within the threshold.
    pub prob_abandon_within_threshold: f64,
    /// Share of callers whose offered wait exceeds the threshold (complement of `sl_virtual`).
    pub prob_virtual_wait_gt_threshold: f64,
    /// Occupancy: share of agent time spent handling calls, `A (1 - prob_abandon) / c`.
    pub occupancy: f64,
    /// Mean number of callers waiting in the queue.
    pub mean_queue_length: f64,
}

/// Erlang A: `agents` agents facing `traffic` whose callers hang up after an exponential
/// patience with mean `patience_s` seconds; service level with `threshold_s` seconds.
///
/// Defined for any load, also above the number of agents. An infinite patience gives
/// Erlang C (and then [`ErlangError::Unstable`] when load >= agents).
pub fn erlang_a(
    traffic: &Traffic,
    agents: u32,
    patience_s: f64,
    threshold_s: f64,
) -> Result<ErlangA, ErlangError> {
    check_agents(agents)?;
    check_threshold(threshold_s)?;
    check_patience(patience_s)?;
    let r = solve(traffic, agents, None, patience_s, threshold_s)?;
    Ok(ErlangA {
        agents,
        offered_load_erlangs: traffic.offered_load(),
        patience_s,
        threshold_s,
        prob_wait: r.wait,
        prob_abandon: r.abandon,
        prob_served: r.served,
        mean_wait_s: r.wait_all,
        asa_s: ratio(r.wait_served, r.served),
        mean_wait_abandoned_s: ratio(r.wait_abandoned, r.abandon),
        sl_offered: r.served_within,
        sl_answered: ratio(r.served_within, r.served).min(1.0),
        sl_virtual: r.virtual_within,
        sl_all_wait: r.all_wait_within,
        prob_abandon_within_threshold: r.abandon_within,
        prob_virtual_wait_gt_threshold: r.virtual_beyond,
        occupancy: r.occupancy,
        mean_queue_length: r.mean_queue,
    })
}

/// Finite trunk lines with abandonment (M/M/c/N+M, no redials): `lines` callers at most in
/// the system (being served or waiting); a caller who finds every line busy gets a busy
/// signal and is lost. With `lines == agents` this is Erlang B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FiniteLines {
    /// Number of agents on the phones.
    pub agents: u32,
    /// Number of lines (at least the number of agents).
    pub lines: u32,
    /// Offered load, Erlangs.
    pub offered_load_erlangs: f64,
    /// Share of arriving callers who find all lines busy (blocked).
    pub p_block: f64,
    /// Share of arriving callers who get a line and have to wait.
    pub p_wait_all_arrivals: f64,
    /// Share of callers who get a line and have to wait, among those who get a line.
    pub p_wait_accepted: f64,
    /// Abandoned ÷ all arriving callers.
    pub p_abandon_all_arrivals: f64,
    /// Abandoned ÷ callers who got a line.
    pub p_abandon_accepted: f64,
    /// Answered ÷ all arriving callers.
    pub p_served: f64,
    /// ASA: mean wait of answered calls, seconds.
    pub asa_served_s: f64,
    /// Mean wait of callers who got a line (abandoned included), seconds.
    pub asa_accepted_s: f64,
    /// Answered within the threshold ÷ all arriving callers (blocked and abandoned fail).
    pub sl_offered: f64,
    /// Answered within the threshold ÷ callers who got a line.
    pub sl_accepted: f64,
    /// Answered within the threshold ÷ answered.
    pub sl_answered: f64,
    /// Share of callers who got a line whose offered wait is within the threshold.
    pub sl_virtual_accepted: f64,
    /// Occupancy, `A p_served / c`.
    pub occupancy: f64,
    /// Mean number of callers waiting in the queue.
    pub mean_queue_length: f64,
}

/// Finite lines with abandonment: `agents` agents, `lines` lines (>= agents), exponential
/// patience with mean `patience_s` seconds (infinite: nobody abandons, M/M/c/N), service
/// level with `threshold_s` seconds.
pub fn lines_abandon(
    traffic: &Traffic,
    agents: u32,
    lines: u32,
    patience_s: f64,
    threshold_s: f64,
) -> Result<FiniteLines, ErlangError> {
    check_agents(agents)?;
    check_threshold(threshold_s)?;
    check_patience(patience_s)?;
    if lines < agents {
        return Err(ErlangError::InvalidInput(format!(
            "the number of lines ({lines}) must be at least the number of agents ({agents})"
        )));
    }
    let r = solve(traffic, agents, Some(lines), patience_s, threshold_s)?;
    let accepted = 1.0 - r.block;
    Ok(FiniteLines {
        agents,
        lines,
        offered_load_erlangs: traffic.offered_load(),
        p_block: r.block,
        p_wait_all_arrivals: r.wait,
        p_wait_accepted: ratio(r.wait, accepted).min(1.0),
        p_abandon_all_arrivals: r.abandon,
        p_abandon_accepted: ratio(r.abandon, accepted).min(1.0),
        p_served: r.served,
        asa_served_s: ratio(r.wait_served, r.served),
        asa_accepted_s: ratio(r.wait_all, accepted),
        sl_offered: r.served_within,
        sl_accepted: ratio(r.served_within, accepted).min(1.0),
        sl_answered: ratio(r.served_within, r.served).min(1.0),
        sl_virtual_accepted: ratio(r.virtual_within, accepted).min(1.0),
        occupancy: r.occupancy,
        mean_queue_length: r.mean_queue,
    })
}

/// `num / den`, or 0 when the denominator is 0 (nothing to average over).
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { 0.0 }
}

/// Everything the chain gives, as shares of (or means over) all arriving callers.
#[derive(Debug, Default)]
struct ChainResult {
    block: f64,
    wait: f64,
    served: f64,
    abandon: f64,
    served_within: f64,
    virtual_within: f64,
    virtual_beyond: f64,
    all_wait_within: f64,
    abandon_within: f64,
    wait_all: f64,
    wait_served: f64,
    wait_abandoned: f64,
    occupancy: f64,
    mean_queue: f64,
}

/// A unimodal sequence `p_0, p_1, ...` given by its ratios `p_n / p_{n-1}` (decreasing in
/// `n` around the mode), built from its mode (value 1) outwards, unnormalised.
///
/// `max_n` bounds the index (finite chains); without it the sequence is cut when the tail is
/// negligible, which needs the ratios to fall below 1 eventually. Returns `None` when more
/// than `limit` terms would be needed.
fn from_mode(
    ratio_at: impl Fn(usize) -> f64,
    mode_guess: f64,
    max_n: Option<usize>,
    limit: usize,
) -> Option<Vec<f64>> {
    let cap = max_n.unwrap_or(usize::MAX);
    // The guess is clamped to the chain before it is compared with the limit, so an
    // unbounded sequence with a far (or infinite) mode is refused, never indexed.
    let guess = if mode_guess.is_nan() || mode_guess <= 0.0 {
        0
    } else if mode_guess >= cap as f64 {
        cap
    } else {
        mode_guess as usize
    };
    if guess > limit {
        return None;
    }
    let mut mode = guess;
    while mode > 0 && ratio_at(mode) < 1.0 {
        mode -= 1;
    }
    while mode < cap && ratio_at(mode + 1) >= 1.0 {
        mode += 1;
        if mode > limit {
            return None;
        }
    }
    let mut values = vec![0.0; mode + 1];
    values[mode] = 1.0;
    for n in (1..=mode).rev() {
        values[n - 1] = values[n] / ratio_at(n);
    }
    let mut sum: f64 = values.iter().sum();
    let mut n = mode;
    let mut last = 1.0;
    while n < cap {
        let next = last * ratio_at(n + 1);
        if next == 0.0 || !next.is_finite() {
            break;
        }
        values.push(next);
        sum += next;
        last = next;
        n += 1;
        if values.len() > limit {
            return None;
        }
        let r_next = ratio_at(n + 1);
        if max_n.is_none() && r_next < 1.0 && next * r_next / (1.0 - r_next) < TAIL_EPS * sum {
            break;
        }
    }
    Some(values)
}

/// A probability law on 0, 1, 2, ... with its cumulative sums: `head[n] = P(X <= n)`,
/// `tail[n] = P(X > n)`.
struct Cumulative {
    head: Vec<f64>,
    tail: Vec<f64>,
}

impl Cumulative {
    /// The law with ratios `ratio_at(n) = p_n / p_{n-1}` and `ln p_0 = ln_p0`, needed for
    /// `n < needed`.
    ///
    /// Normally built from its mode outwards and normalised by its sum, so that heads and
    /// tails are both sums of positive terms. When the mode lies far beyond the indices
    /// needed (a patience much shorter than the threshold), the first `needed` terms are
    /// built forwards from the exact `p_0` in scaled arithmetic instead, and the tails are
    /// `1 - head` (then the heads are small and the tails close to 1).
    fn new(ratio_at: impl Fn(usize) -> f64, mode_guess: f64, ln_p0: f64, needed: usize) -> Self {
        let limit = needed.saturating_mul(4).clamp(1_000_000, MAX_STATES);
        match from_mode(&ratio_at, mode_guess, None, limit) {
            Some(pmf) => Self::from_pmf(pmf),
            None => Self::anchored(ratio_at, ln_p0, needed),
        }
    }

    fn from_pmf(mut pmf: Vec<f64>) -> Self {
        let total: f64 = pmf.iter().sum();
        for p in &mut pmf {
            *p /= total;
        }
        let mut head = Vec::with_capacity(pmf.len());
        let mut acc = 0.0;
        for p in &pmf {
            acc += p;
            head.push(acc.min(1.0));
        }
        let mut tail = vec![0.0; pmf.len()];
        let mut acc = 0.0;
        for n in (0..pmf.len()).rev() {
            tail[n] = acc;
            acc += pmf[n];
        }
        Self { head, tail }
    }

    fn anchored(ratio_at: impl Fn(usize) -> f64, ln_p0: f64, needed: usize) -> Self {
        // p_n = mantissa * 2^exponent, rescaled by exact powers of two.
        let ln2 = std::f64::consts::LN_2;
        let mut exponent = (ln_p0 / ln2).floor();
        let mut mantissa = (ln_p0 - exponent * ln2).exp();
        let mut head = Vec::with_capacity(needed);
        let mut acc = 0.0;
        for n in 0..needed.max(1) {
            if n > 0 {
                mantissa *= ratio_at(n);
                if mantissa == 0.0 {
                    break;
                }
                let shift = mantissa.log2().floor();
                if shift.abs() > 64.0 {
                    mantissa *= (-shift).exp2();
                    exponent += shift;
                }
            }
            let value = if exponent < -1100.0 {
                0.0
            } else {
                mantissa * exponent.exp2()
            };
            acc += value;
            head.push(acc.min(1.0));
        }
        while head.len() < needed {
            head.push(acc.min(1.0));
        }
        let tail = head.iter().map(|h| 1.0 - h).collect();
        // Beyond `needed` nothing is asked for; keep the arrays short.
        Self { head, tail }
    }

    /// `P(X <= n)`.
    fn head(&self, n: usize) -> f64 {
        self.head.get(n).copied().unwrap_or(1.0)
    }

    /// `P(X > n)`.
    fn tail(&self, n: usize) -> f64 {
        self.tail.get(n).copied().unwrap_or(0.0)
    }
}

/// Solves the chain: infinite queue when `lines` is `None`.
fn solve(
    traffic: &Traffic,
    agents: u32,
    lines: Option<u32>,
    patience_s: f64,
    t: f64,
) -> Result<ChainResult, ErlangError> {
    let lambda = traffic.arrival_rate_per_s;
    let mu = traffic.service_rate();
    let c = agents as usize;
    let cf = f64::from(agents);
    let cmu = cf * mu;
    let theta = 1.0 / patience_s; // 0 for infinite patience
    if lines.is_none() && theta == 0.0 && lambda >= cmu {
        return Err(ErlangError::Unstable {
            load_erlangs: traffic.offered_load(),
            agents,
            min_agents: (traffic.offered_load().floor() as u64).saturating_add(1),
        });
    }
    // Rate of the k-th stage ahead of a waiting caller: r_k = c mu + k theta.
    let rate = |k: usize| cmu + k as f64 * theta;

    // The chain of callers in the system.
    let death = |n: usize| {
        if n <= c { n as f64 * mu } else { rate(n - c) }
    };
    let mode_guess = if lambda < cmu {
        lambda / mu
    } else if theta > 0.0 {
        cf + (lambda - cmu) / theta
    } else {
        f64::INFINITY
    };
    let max_n = lines.map(|n| n as usize);
    let mut pi = from_mode(
        |n| if n == 0 { 0.0 } else { lambda / death(n) },
        mode_guess,
        max_n,
        MAX_STATES,
    )
    .ok_or_else(|| {
        ErlangError::InvalidInput(format!(
            "more than {MAX_STATES} queue states would be needed: the queue would be \
             extremely long (far more calls than agents with a very long patience); \
             this calculator does not support such inputs"
        ))
    })?;
    let total: f64 = pi.iter().sum();
    for p in &mut pi {
        *p /= total;
    }

    // Negative-binomial laws of the waiting-time representation (Poisson when theta = 0):
    // d: P(V_j > t) = P(D <= j); e: P(served, V_j > t) = (c mu / r_{j+1}) P(E <= j).
    let needed = pi.len().saturating_sub(c) + 1;
    let zeta = if theta > 0.0 {
        -(-theta * t).exp_m1() / theta
    } else {
        t
    };
    let growth = if theta > 0.0 { (theta * t).exp() } else { 1.0 };
    let d_law = Cumulative::new(
        |n| zeta * (cmu + (n as f64 - 1.0) * theta) / n as f64,
        zeta * (cmu - theta) * growth,
        -cmu * t,
        needed,
    );
    let e_law = Cumulative::new(
        |n| zeta * rate(n) / n as f64,
        zeta * cmu * growth,
        -(cmu + theta) * t,
        needed,
    );

    let mut r = ChainResult::default();
    // Arrivals are blocked in state N (finite lines); they see the stationary law (PASTA).
    let accept_below = match max_n {
        Some(n) => {
            r.block = pi.get(n).copied().unwrap_or(0.0);
            n
        }
        None => usize::MAX,
    };
    let mut busy = 0.0; // mean number of busy agents
    let mut harmonic = 0.0; // sum_{k=1}^{j+1} 1 / r_k
    let mut abandon_stage = 0.0; // sum_{k=1}^{j+1} k theta / r_k
    let mut abandon_within_j = 0.0; // P(abandon within t | j ahead)
    for (n, &p) in pi.iter().enumerate() {
        busy += p * n.min(c) as f64;
        if n > c {
            r.mean_queue += p * (n - c) as f64;
        }
        if n >= accept_below {
            continue;
        }
        if n < c {
            r.served += p;
            r.served_within += p;
            r.virtual_within += p;
            continue;
        }
        let j = n - c;
        let r_next = rate(j + 1);
        let p_served = cmu / r_next;
        let p_abandon = (j + 1) as f64 * theta / r_next;
        harmonic += 1.0 / r_next;
        abandon_stage += (j + 1) as f64 * theta / r_next;
        abandon_within_j += cmu * theta / (rate(j) * r_next) * e_law.tail(j);

        r.wait += p;
        r.served += p * p_served;
        r.abandon += p * p_abandon;
        r.served_within += p * p_served * e_law.tail(j);
        r.virtual_beyond += p * d_law.head(j);
        r.virtual_within += p * d_law.tail(j);
        r.abandon_within += p * abandon_within_j;
        r.wait_all += p * (j + 1) as f64 / r_next;
        r.wait_served += p * p_served * harmonic;
        r.wait_abandoned += p * abandon_stage / r_next;
    }
    r.virtual_within = r.virtual_within.min(1.0);
    r.served_within = r.served_within.min(1.0);
    r.served = r.served.min(1.0);
    r.wait = r.wait.min(1.0);
    r.abandon = r.abandon.min(1.0);
    r.virtual_beyond = r.virtual_beyond.min(1.0);
    r.abandon_within = r.abandon_within.min(1.0);
    // P(W <= t): offered wait within t, or beyond t but patience ran out before t.
    r.all_wait_within = (r.virtual_within + r.virtual_beyond * -(-theta * t).exp_m1()).min(1.0);
    r.occupancy = (busy / cf).min(1.0);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::super::erlang_c;
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn near_infinite_patience_approaches_erlang_c() {
        let traffic = Traffic::from_calls_per_hour(200.0, 180.0).unwrap();
        let c = erlang_c(&traffic, 14, 20.0).unwrap();
        let a = erlang_a(&traffic, 14, 1e9, 20.0).unwrap();
        assert!(rel(a.prob_wait, c.prob_wait) < 1e-6, "{a:?} {c:?}");
        assert!(rel(a.sl_offered, c.service_level) < 1e-6);
        assert!(rel(a.asa_s, c.asa_s) < 1e-6);
        assert!(a.prob_abandon < 1e-7);
        // Infinite patience is exactly Erlang C through the same chain.
        let inf = erlang_a(&traffic, 14, f64::INFINITY, 20.0).unwrap();
        assert!(rel(inf.prob_wait, c.prob_wait) < 1e-12);
        assert!(rel(inf.sl_offered, c.service_level) < 1e-12);
        assert!(rel(inf.asa_s, c.asa_s) < 1e-12);
        assert_eq!(inf.prob_abandon, 0.0);
        assert!(erlang_a(&traffic, 10, f64::INFINITY, 20.0).is_err());
    }

    #[test]
    fn defined_above_the_number_of_agents() {
        let traffic = Traffic::new(0.04, 300.0).unwrap(); // 12 Erlangs on 10 agents
        let a = erlang_a(&traffic, 10, 120.0, 20.0).unwrap();
        assert!((a.prob_abandon - 0.2390472094).abs() < 1e-9);
        assert!(a.occupancy < 1.0 && a.occupancy > 0.9);
        // Conservation: what is not answered is abandoned.
        assert!((a.prob_served + a.prob_abandon - 1.0).abs() < 1e-14);
        assert!(a.sl_offered <= a.sl_answered && a.sl_offered <= a.sl_virtual);
    }

    #[test]
    fn stable_at_ten_thousand_agents() {
        let traffic = Traffic::new(9990.0 / 300.0, 300.0).unwrap();
        for patience in [1.0, 60.0, 600.0, 1e6] {
            let a = erlang_a(&traffic, 10_000, patience, 20.0).unwrap();
            for v in [
                a.prob_wait,
                a.prob_abandon,
                a.sl_offered,
                a.sl_answered,
                a.asa_s,
            ] {
                assert!(v.is_finite() && v >= 0.0, "{patience}: {a:?}");
            }
            assert!(a.sl_offered > 0.0 && a.sl_offered <= 1.0);
        }
        // Far overloaded, many agents.
        let over = Traffic::new(12_000.0 / 300.0, 300.0).unwrap();
        let a = erlang_a(&over, 10_000, 300.0, 20.0).unwrap();
        assert!((a.prob_abandon - 2000.0 / 12_000.0).abs() < 0.01, "{a:?}");
    }

    #[test]
    fn lines_equal_to_agents_is_erlang_b() {
        let traffic = Traffic::from_calls_per_hour(200.0, 180.0).unwrap();
        let l = lines_abandon(&traffic, 11, 11, 120.0, 20.0).unwrap();
        let b = super::super::erlang_b(11, 10.0).unwrap();
        assert!(rel(l.p_block, b) < 1e-13);
        assert_eq!(l.p_wait_all_arrivals, 0.0);
        assert!(lines_abandon(&traffic, 11, 10, 120.0, 20.0).is_err());
        // No abandonment and many lines: Erlang C.
        let l = lines_abandon(&traffic, 14, 400, f64::INFINITY, 20.0).unwrap();
        let c = erlang_c(&traffic, 14, 20.0).unwrap();
        assert!(rel(l.sl_offered, c.service_level) < 1e-12);
    }

    #[test]
    fn both_constructions_of_the_waiting_time_law_agree() {
        // A negative binomial law with its mode near 2,000: built from the mode, and forwards
        // from the exact p_0 (the route used when the mode is out of reach).
        let (cmu, theta, t): (f64, f64, f64) = (100.0, 1.0, 3.0);
        let zeta = -(-theta * t).exp_m1() / theta;
        let ratio = |n: usize| zeta * (cmu + (n as f64 - 1.0) * theta) / n as f64;
        let mode = zeta * (cmu - theta) * (theta * t).exp();
        let pmf = from_mode(ratio, mode, None, MAX_STATES).unwrap();
        let from_mode = Cumulative::from_pmf(pmf);
        let anchored = Cumulative::anchored(ratio, -cmu * t, 2500);
        for n in (0..2500).step_by(50) {
            let (a, b) = (from_mode.head(n), anchored.head(n));
            assert!(
                (a - b).abs() <= 1e-12 * b.max(1e-300) || b < 1e-290,
                "{n}: {a} {b}"
            );
        }
        assert!(from_mode.head(1800) > 0.0 && from_mode.head(1800) < 1.0);
    }

    #[test]
    fn more_agents_better_service() {
        let traffic = Traffic::new(0.2, 300.0).unwrap(); // 60 Erlangs
        let mut last: Option<ErlangA> = None;
        for c in 30..90 {
            let a = erlang_a(&traffic, c, 90.0, 20.0).unwrap();
            if let Some(l) = last {
                assert!(a.sl_offered > l.sl_offered, "{c}");
                assert!(a.sl_answered >= l.sl_answered, "{c}");
                assert!(a.prob_abandon < l.prob_abandon, "{c}");
                assert!(a.asa_s < l.asa_s, "{c}");
            }
            last = Some(a);
        }
    }

    #[test]
    fn zero_traffic_and_zero_threshold() {
        let none = Traffic::new(0.0, 300.0).unwrap();
        let a = erlang_a(&none, 3, 60.0, 20.0).unwrap();
        assert_eq!(a.prob_wait, 0.0);
        assert_eq!(a.sl_offered, 1.0);
        let traffic = Traffic::new(0.04, 300.0).unwrap();
        let a = erlang_a(&traffic, 14, 120.0, 0.0).unwrap();
        assert!(rel(a.sl_virtual, 1.0 - a.prob_wait) < 1e-14);
    }

    /// Log-uniform over `[10^lo, 10^hi]`.
    fn log_uniform(lo: f64, hi: f64) -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        (lo..hi).prop_map(|e: f64| 10f64.powf(e))
    }

    fn assert_sane(name: &str, probabilities: &[f64], means: &[f64]) {
        for &p in probabilities {
            assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{name}: {p}");
        }
        for &m in means {
            assert!(m.is_finite() && m >= 0.0, "{name}: {m}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Any finite input gives a number or an error, never a panic, and every probability
        /// is finite and in [0, 1] (issue 18: the mode guess overflowed for long thresholds).
        #[test]
        fn any_input_gives_sane_numbers_or_an_error(
            agents in proptest::prop_oneof![1u32..50, 50u32..5_000, 5_000u32..200_000],
            load_per_agent in log_uniform(-4.0, 1.5),
            aht in log_uniform(0.0, 5.0),
            patience in proptest::prop_oneof![log_uniform(-3.0, 12.0), proptest::strategy::Just(f64::INFINITY)],
            threshold in proptest::prop_oneof![log_uniform(-3.0, 9.0), proptest::strategy::Just(0.0)],
            extra_lines in 0u32..1_000,
        ) {
            let rate = load_per_agent * f64::from(agents) / aht;
            let traffic = Traffic::new(rate, aht).unwrap();
            if let Ok(a) = erlang_a(&traffic, agents, patience, threshold) {
                assert_sane(
                    "erlang_a",
                    &[a.prob_wait, a.prob_abandon, a.prob_served, a.sl_offered, a.sl_answered,
                      a.sl_virtual, a.sl_all_wait, a.prob_abandon_within_threshold,
                      a.prob_virtual_wait_gt_threshold, a.occupancy],
                    &[a.mean_wait_s, a.asa_s, a.mean_wait_abandoned_s, a.mean_queue_length],
                );
            }
            let lines = agents.saturating_add(extra_lines);
            if let Ok(l) = lines_abandon(&traffic, agents, lines, patience, threshold) {
                assert_sane(
                    "lines_abandon",
                    &[l.p_block, l.p_wait_all_arrivals, l.p_wait_accepted,
                      l.p_abandon_all_arrivals, l.p_abandon_accepted, l.p_served, l.sl_offered,
                      l.sl_accepted, l.sl_answered, l.sl_virtual_accepted, l.occupancy],
                    &[l.asa_served_s, l.asa_accepted_s, l.mean_queue_length],
                );
            }
        }
    }

    #[test]
    fn long_threshold_is_a_number() {
        // Issue 18: panicked (index out of bounds) in the mode guess.
        let traffic = Traffic::from_calls_per_hour(200.0, 180.0).unwrap();
        let a = erlang_a(&traffic, 10, 120.0, 7000.0).unwrap();
        assert!(a.sl_offered > 0.0 && a.sl_offered <= 1.0, "{a:?}");
        let a = erlang_a(&traffic, 10, 120.0, 5400.0).unwrap();
        assert!(a.sl_offered > 0.0 && a.sl_offered <= 1.0, "{a:?}");
    }
}
