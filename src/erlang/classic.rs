//! Erlang B (blocking, no queue) and Erlang C (queue, infinite patience).

use super::{ErlangError, Traffic, check_agents, check_threshold};

/// Erlang B: the probability that a call finds all `lines` busy and is blocked, for an
/// offered load in Erlangs, when blocked calls are lost (M/M/c/c).
///
/// Computed with the recursion `B_0 = 1`, `B_k = A B_{k-1} / (k + A B_{k-1})`, which never
/// overflows; tiny results underflow gracefully towards 0.
pub fn erlang_b(lines: u32, load_erlangs: f64) -> Result<f64, ErlangError> {
    if !(load_erlangs.is_finite() && load_erlangs >= 0.0) {
        return Err(ErlangError::InvalidInput(format!(
            "the offered load must be a finite number of Erlangs >= 0, got {load_erlangs}"
        )));
    }
    Ok(erlang_b_unchecked(lines, load_erlangs))
}

/// Erlang B recursion without input checks (load finite and >= 0).
pub(crate) fn erlang_b_unchecked(lines: u32, load: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=lines {
        b = erlang_b_step(b, k, load);
    }
    b
}

/// One step of the Erlang B recursion: `B(k)` from `B(k - 1)`.
pub(crate) fn erlang_b_step(b_prev: f64, k: u32, load: f64) -> f64 {
    let ab = load * b_prev;
    ab / (f64::from(k) + ab)
}

/// Steady-state Erlang C (M/M/c) results for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Number of agents on the phones.
    pub agents: u32,
    /// Offered load, Erlangs.
    pub offered_load_erlangs: f64,
    /// Service-level threshold used, seconds.
    pub threshold_s: f64,
    /// Probability that a caller has to wait, `C(c, A) = P(W > 0)`.
    pub prob_wait: f64,
    /// Service level: share of callers answered within the threshold, `P(W <= t)`.
    pub service_level: f64,
    /// `P(W > t)`, the complement of the service level, to full precision.
    pub prob_wait_gt_threshold: f64,
    /// Average speed of answer: mean wait over all callers (all are answered), seconds.
    pub asa_s: f64,
    /// Mean wait of the callers who wait at all, `E[W | W > 0]`, seconds.
    pub mean_wait_if_delayed_s: f64,
    /// Mean number of callers waiting in the queue.
    pub mean_queue_length: f64,
    /// Occupancy: share of agent time spent handling calls, `A / c`.
    pub occupancy: f64,
}

/// Erlang C: waiting, service level within `threshold_s` seconds, ASA and occupancy of
/// `agents` agents facing `traffic`, when nobody abandons.
///
/// Returns [`ErlangError::Unstable`] when the offered load is at or above the number of agents.
pub fn erlang_c(traffic: &Traffic, agents: u32, threshold_s: f64) -> Result<ErlangC, ErlangError> {
    check_agents(agents)?;
    check_threshold(threshold_s)?;
    let b = erlang_b_unchecked(agents, traffic.offered_load());
    erlang_c_from_b(traffic, agents, threshold_s, b)
}

/// Erlang C given the Erlang B value of the same agents and load (lets staffing searches
/// step the agents up in O(1) each).
pub(crate) fn erlang_c_from_b(
    traffic: &Traffic,
    agents: u32,
    threshold_s: f64,
    b: f64,
) -> Result<ErlangC, ErlangError> {
    let load = traffic.offered_load();
    let c = f64::from(agents);
    if load >= c {
        return Err(ErlangError::Unstable {
            load_erlangs: load,
            agents,
            min_agents: (load.floor() as u64).saturating_add(1),
        });
    }
    let prob_wait = if b == 0.0 {
        0.0
    } else {
        (c * b / (c - load * (1.0 - b))).min(1.0)
    };
    // Rate at which the queue drains when all agents are busy: c mu - lambda, per second.
    let drain = (c - load) / traffic.aht_s;
    let prob_wait_gt_threshold = prob_wait * (-drain * threshold_s).exp();
    let asa_s = prob_wait / drain;
    Ok(ErlangC {
        agents,
        offered_load_erlangs: load,
        threshold_s,
        prob_wait,
        service_level: 1.0 - prob_wait_gt_threshold,
        prob_wait_gt_threshold,
        asa_s,
        mean_wait_if_delayed_s: 1.0 / drain,
        mean_queue_length: traffic.arrival_rate_per_s * asa_s,
        occupancy: load / c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn erlang_b_small_known_values() {
        // B(1, A) = A / (1 + A); B(2, 1) = 1/5; B(3, 2) = 4/19.
        assert!(close(erlang_b(1, 0.5).unwrap(), 1.0 / 3.0, 1e-15));
        assert!(close(erlang_b(2, 1.0).unwrap(), 0.2, 1e-15));
        assert!(close(erlang_b(3, 2.0).unwrap(), 4.0 / 19.0, 1e-15));
        // Textbook table value: 10 lines, 5 Erlangs -> 1.8385 %.
        assert!((erlang_b(10, 5.0).unwrap() - 0.018385).abs() < 5e-7);
        assert_eq!(erlang_b(5, 0.0).unwrap(), 0.0);
        assert_eq!(erlang_b(0, 3.0).unwrap(), 1.0);
        assert!(erlang_b(3, -1.0).is_err());
        assert!(erlang_b(3, f64::NAN).is_err());
    }

    #[test]
    fn call_centre_helper_example() {
        // 100 calls per 30 minutes, AHT 180 s, 80 % in 20 s -> 14 agents, SL 88.835 %, ASA 7.836 s.
        let traffic = Traffic::from_calls_per_hour(200.0, 180.0).unwrap();
        let r = erlang_c(&traffic, 14, 20.0).unwrap();
        assert!((r.service_level - 0.88835).abs() < 5e-6, "{r:?}");
        assert!((r.asa_s - 7.836).abs() < 5e-4, "{r:?}");
        assert!((r.occupancy - 10.0 / 14.0).abs() < 1e-12);
        let r13 = erlang_c(&traffic, 13, 20.0).unwrap();
        assert!(r13.service_level < 0.8);
    }

    #[test]
    fn unstable_is_an_error_that_says_how_to_fix_it() {
        let traffic = Traffic::from_calls_per_hour(200.0, 180.0).unwrap();
        let err = erlang_c(&traffic, 10, 20.0).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unstable"), "{msg}");
        assert!(msg.contains("at least 11"), "{msg}");
        assert!(erlang_c(&traffic, 0, 20.0).is_err());
        assert!(erlang_c(&traffic, 12, -1.0).is_err());
    }

    #[test]
    fn stable_at_ten_thousand_agents() {
        let traffic = Traffic::new(9990.0 / 300.0, 300.0).unwrap();
        let r = erlang_c(&traffic, 10_000, 20.0).unwrap();
        for v in [r.prob_wait, r.service_level, r.asa_s, r.occupancy] {
            assert!(v.is_finite() && v >= 0.0, "{r:?}");
        }
        assert!(r.prob_wait > 0.0 && r.prob_wait < 1.0);
        // Heavy traffic (Halfin-Whitt) with beta = 10 / sqrt(9990) ~ 0.1: P(wait) is near 0.9.
        assert!(r.prob_wait > 0.8, "{r:?}");
        let b = erlang_b(10_000, 9990.0).unwrap();
        assert!(b > 0.0 && b < 0.01);
        // Tiny load on many agents underflows to 0 without NaN.
        let tiny = erlang_c(&Traffic::new(0.01, 1.0).unwrap(), 10_000, 20.0).unwrap();
        assert_eq!(tiny.prob_wait, 0.0);
        assert_eq!(tiny.service_level, 1.0);
    }

    #[test]
    fn service_level_increases_with_agents() {
        let traffic = Traffic::from_calls_per_hour(1200.0, 240.0).unwrap();
        let mut last = 0.0;
        for c in 81..120 {
            let r = erlang_c(&traffic, c, 20.0).unwrap();
            assert!(r.service_level > last);
            last = r.service_level;
        }
    }
}
