//! One replication: the event loop of the call center, from opening (or the start of the
//! warm-up) until the last caller has left.
//!
//! The next arrival is kept beside the calendar rather than in it (one heap operation less per
//! call); on a tie the calendar goes first, so a caller arriving exactly at an interval
//! boundary already meets the new interval's staffing.

use super::abandonment::StaleTimers;
use super::agents::AgentPool;
use super::arrivals::{ArrivalProcess, busyness_factor};
use super::config::{RunKind, Scenario};
use super::queue::{Caller, WaitingLine};
use crate::engine::{Calendar, Stream, StreamRng, streams};
use crate::stats::{IntervalTally, TimeWeighted};

/// Random stream of the arrival times.
pub const STREAM_ARRIVALS: Stream = Stream(0);
/// Random stream of the handle times.
pub const STREAM_HANDLE_TIME: Stream = Stream(1);
/// Random stream of the callers' patience.
pub const STREAM_PATIENCE: Stream = Stream(2);
/// Random stream of the day-level busyness factor.
pub const STREAM_BUSYNESS: Stream = Stream(3);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    /// An agent finishes a call.
    ServiceEnd,
    /// The patience of the caller holding `ticket` runs out.
    Abandon { ticket: u64 },
    /// Reporting interval `interval` starts: its staffing takes over.
    Boundary { interval: u32 },
    /// Arrivals stop (close of the day, or end of the steady-state horizon).
    Close,
}

/// An [`Event`] packed into one word for the calendar (the kind in the top two bits), which
/// keeps calendar entries at 24 bytes: the calendar's speed is the simulator's speed.
#[derive(Debug, Clone, Copy)]
struct PackedEvent(u64);

impl PackedEvent {
    const KIND_SHIFT: u32 = 62;
    const PAYLOAD: u64 = (1 << Self::KIND_SHIFT) - 1;

    #[inline]
    fn pack(event: Event) -> Self {
        let (kind, payload) = match event {
            Event::ServiceEnd => (0, 0),
            Event::Abandon { ticket } => (1, ticket),
            Event::Boundary { interval } => (2, interval as u64),
            Event::Close => (3, 0),
        };
        debug_assert!(payload <= Self::PAYLOAD);
        PackedEvent((kind << Self::KIND_SHIFT) | payload)
    }

    #[inline]
    fn unpack(self) -> Event {
        let payload = self.0 & Self::PAYLOAD;
        match self.0 >> Self::KIND_SHIFT {
            0 => Event::ServiceEnd,
            1 => Event::Abandon { ticket: payload },
            2 => Event::Boundary {
                interval: payload as u32,
            },
            _ => Event::Close,
        }
    }
}

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutcome {
    /// One tally per reporting interval.
    pub intervals: Vec<IntervalTally>,
    /// Every call simulated, warm-up included (for speed figures).
    pub calls: u64,
}

/// Runs replication `replication` of `scenario`.
pub fn run_replication(scenario: &Scenario, replication: u64) -> ReplicationOutcome {
    let mut day = Replication::new(scenario, replication);
    day.run();
    day.finish()
}

struct Replication<'a> {
    scenario: &'a Scenario,
    calendar: Calendar<PackedEvent>,
    line: WaitingLine,
    pool: AgentPool,
    arrivals: ArrivalProcess,
    arrivals_rng: StreamRng,
    handle_rng: StreamRng,
    patience_rng: StreamRng,
    stale: StaleTimers,
    tallies: Vec<IntervalTally>,
    /// The interval whose agent time is being measured; `None` in warm-up and after a
    /// steady-state horizon.
    current: Option<usize>,
    interval_started: f64,
    busy: TimeWeighted,
    present: TimeWeighted,
    /// Time of the last event that changed anything (stale timers do not count).
    last_event: f64,
    calls: u64,
}

impl<'a> Replication<'a> {
    fn new(scenario: &'a Scenario, replication: u64) -> Self {
        let seed = scenario.seed;
        let mut busyness_rng = streams(seed, replication, STREAM_BUSYNESS);
        let busyness = busyness_factor(scenario.busyness_cv, &mut busyness_rng);
        let n = scenario.intervals();
        let first_agents = scenario.agents[0];
        let mut calendar = Calendar::with_capacity(first_agents as usize * 2 + n + 64);
        let start = scenario.measure_start_s();
        let first_boundary = if start > 0.0 { 0 } else { 1 };
        for k in first_boundary..n {
            let t = start + scenario.interval_s * k as f64;
            calendar.schedule(t, PackedEvent::pack(Event::Boundary { interval: k as u32 }));
        }
        calendar.schedule(scenario.arrivals_end_s(), PackedEvent::pack(Event::Close));
        let mut pool = AgentPool::default();
        pool.set_target(first_agents);
        Replication {
            scenario,
            calendar,
            line: WaitingLine::with_capacity(first_agents as usize + 64),
            pool,
            arrivals: ArrivalProcess::new(scenario, busyness),
            arrivals_rng: streams(seed, replication, STREAM_ARRIVALS),
            handle_rng: streams(seed, replication, STREAM_HANDLE_TIME),
            patience_rng: streams(seed, replication, STREAM_PATIENCE),
            stale: StaleTimers::default(),
            tallies: vec![IntervalTally::default(); n],
            current: (start == 0.0).then_some(0),
            interval_started: 0.0,
            busy: TimeWeighted::new(0.0, 0.0),
            present: TimeWeighted::new(0.0, first_agents as f64),
            last_event: 0.0,
            calls: 0,
        }
    }

    fn run(&mut self) {
        let mut next_arrival = self.arrivals.next(&mut self.arrivals_rng);
        loop {
            let arrival_first = match (next_arrival, self.calendar.next_time()) {
                (Some(a), Some(c)) => a < c,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if arrival_first {
                if let Some(t) = next_arrival {
                    self.on_arrival(t);
                }
                next_arrival = self.arrivals.next(&mut self.arrivals_rng);
                continue;
            }
            let Some((t, event)) = self.calendar.pop() else {
                break;
            };
            match event.unpack() {
                Event::ServiceEnd => self.on_service_end(t),
                Event::Abandon { ticket } => self.on_patience_end(t, ticket),
                Event::Boundary { interval } => self.on_boundary(t, interval as usize),
                Event::Close => self.on_close(t),
            }
        }
    }

    fn on_arrival(&mut self, t: f64) {
        self.calls += 1;
        self.last_event = t;
        if let Some(k) = self.current {
            self.tallies[k].offered += 1;
        }
        // Every caller draws handle time and patience, answered at once or not, so that a
        // caller's needs do not depend on the staffing (common random numbers).
        let caller = Caller {
            arrival: t,
            handle: self.scenario.handle_time.sample(&mut self.handle_rng),
            interval: self.current.map(|k| k as u32),
        };
        let patience = self
            .scenario
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.patience_rng));
        if self.pool.seize() {
            self.answer(t, caller);
            self.levels_changed(t);
            return;
        }
        let ticket = self.line.join(caller);
        if let Some(p) = patience {
            self.calendar
                .schedule(t + p, PackedEvent::pack(Event::Abandon { ticket }));
        }
        if let Some(k) = self.current {
            let tally = &mut self.tallies[k];
            tally.queued += 1;
            tally.max_queue = tally.max_queue.max(self.line.len() as u64);
        }
    }

    fn on_service_end(&mut self, t: f64) {
        self.last_event = t;
        if self.pool.end_call(!self.line.is_empty()) {
            self.answer_next_in_line(t);
        }
        self.levels_changed(t);
    }

    fn on_patience_end(&mut self, t: f64, ticket: u64) {
        let Some(caller) = self.line.leave(ticket) else {
            self.stale.skipped();
            return;
        };
        self.last_event = t;
        if let Some(k) = caller.interval {
            let tally = &mut self.tallies[k as usize];
            tally.abandoned += 1;
            tally.wait_all_s += t - caller.arrival;
        }
    }

    fn on_boundary(&mut self, t: f64, interval: usize) {
        self.last_event = t;
        match self.current {
            Some(previous) => self.close_books(previous, t),
            None => {
                // end of the warm-up: forget the agent time spent so far
                self.busy.take_area(t);
                self.present.take_area(t);
                self.interval_started = t;
            }
        }
        self.current = Some(interval);
        self.pool.set_target(self.scenario.agents[interval]);
        while !self.line.is_empty() && self.pool.seize() {
            self.answer_next_in_line(t);
        }
        self.levels_changed(t);
    }

    fn on_close(&mut self, t: f64) {
        self.last_event = t;
        if let RunKind::SteadyState { .. } = self.scenario.kind {
            // the measured window ends here; waiting callers are still followed to the end
            if let Some(k) = self.current.take() {
                self.close_books(k, t);
            }
        }
        self.pool.close();
        self.levels_changed(t);
    }

    /// Adds the agent time since the interval's books were last closed to interval `k`.
    fn close_books(&mut self, k: usize, t: f64) {
        let tally = &mut self.tallies[k];
        tally.busy_agent_s += self.busy.take_area(t);
        tally.available_agent_s += self.present.take_area(t);
        tally.duration_s += t - self.interval_started;
        self.interval_started = t;
    }

    #[inline]
    fn levels_changed(&mut self, t: f64) {
        self.busy.set(t, self.pool.busy() as f64);
        self.present.set(t, self.pool.present() as f64);
    }

    /// An agent (already counted busy) takes the caller at the head of the line.
    fn answer_next_in_line(&mut self, t: f64) {
        if let Some(caller) = self.line.take_first() {
            if self.scenario.patience.is_some() {
                self.stale.answered_before_timer();
                if self.stale.purge_due(self.calendar.len()) {
                    let line = &self.line;
                    self.calendar.retain(|e| match e.unpack() {
                        Event::Abandon { ticket } => line.is_waiting(ticket),
                        _ => true,
                    });
                    self.stale.purged();
                }
            }
            self.answer(t, caller);
        }
    }

    /// Records the answer of `caller` at `t` and schedules the end of the call.
    #[inline]
    fn answer(&mut self, t: f64, caller: Caller) {
        if let Some(k) = caller.interval {
            let wait = t - caller.arrival;
            let tally = &mut self.tallies[k as usize];
            tally.answered += 1;
            tally.wait_answered_s += wait;
            tally.wait_all_s += wait;
            if wait <= self.scenario.service_level.threshold_s {
                tally.answered_in_threshold += 1;
            }
            tally.waits.record(wait);
        }
        self.calendar
            .schedule(t + caller.handle, PackedEvent::pack(Event::ServiceEnd));
    }

    fn finish(mut self) -> ReplicationOutcome {
        if let Some(k) = self.current {
            // working day: the last interval's books stay open through the overtime
            let end = self.last_event.max(self.scenario.arrivals_end_s());
            self.close_books(k, end);
        }
        for tally in &self.tallies {
            debug_assert_eq!(
                tally.offered,
                tally.answered + tally.abandoned,
                "every call attempt ends exactly once"
            );
        }
        ReplicationOutcome {
            intervals: self.tallies,
            calls: self.calls,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, ServiceLevelGoal};

    fn day(calls_per_interval: &[f64], agents: &[u32], patience: Option<Dist>) -> Scenario {
        let interval_s = 1800.0;
        Scenario {
            name: "t".into(),
            description: String::new(),
            source: None,
            seed: 11,
            replications: 1,
            kind: RunKind::WorkingDay {
                open_s: 9.0 * 3600.0,
            },
            interval_s,
            arrival_rate: calls_per_interval.iter().map(|c| c / interval_s).collect(),
            busyness_cv: 0.0,
            handle_time: Dist::exponential(240.0).unwrap(),
            patience,
            agents: agents.to_vec(),
            service_level: ServiceLevelGoal {
                threshold_s: 20.0,
                target: 0.8,
            },
        }
    }

    fn check_identities(out: &ReplicationOutcome) {
        for t in &out.intervals {
            assert_eq!(t.offered, t.answered + t.abandoned);
            assert!(t.queued <= t.offered);
            assert!(t.answered_in_threshold <= t.answered);
            assert!(t.busy_agent_s <= t.available_agent_s * (1.0 + 1e-12));
            assert_eq!(t.waits.count(), t.answered);
        }
    }

    #[test]
    fn events_survive_packing() {
        for e in [
            Event::ServiceEnd,
            Event::Abandon { ticket: 0 },
            Event::Abandon {
                ticket: (1 << 62) - 1,
            },
            Event::Boundary { interval: 47 },
            Event::Close,
        ] {
            assert_eq!(PackedEvent::pack(e).unpack(), e);
        }
    }

    #[test]
    fn same_seed_same_day_and_replications_differ() {
        let sc = day(
            &[30.0, 60.0, 40.0],
            &[3, 5, 4],
            Some(Dist::exponential(60.0).unwrap()),
        );
        let a = run_replication(&sc, 0);
        let b = run_replication(&sc, 0);
        let c = run_replication(&sc, 1);
        let key = |o: &ReplicationOutcome| {
            o.intervals
                .iter()
                .map(|t| {
                    (
                        t.offered,
                        t.answered,
                        t.wait_all_s.to_bits(),
                        t.busy_agent_s.to_bits(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        check_identities(&a);
        check_identities(&c);
    }

    #[test]
    fn staffing_changes_do_not_change_the_callers() {
        // common random numbers: the same arrivals whatever the staffing
        let patience = Some(Dist::exponential(60.0).unwrap());
        let thin = run_replication(&day(&[50.0, 80.0], &[2, 3], patience.clone()), 4);
        let rich = run_replication(&day(&[50.0, 80.0], &[6, 8], patience), 4);
        let offered =
            |o: &ReplicationOutcome| o.intervals.iter().map(|t| t.offered).collect::<Vec<_>>();
        assert_eq!(offered(&thin), offered(&rich));
        let answered_in_time = |o: &ReplicationOutcome| {
            o.intervals
                .iter()
                .map(|t| t.answered_in_threshold)
                .sum::<u64>()
        };
        assert!(answered_in_time(&rich) > answered_in_time(&thin));
    }

    #[test]
    fn an_overloaded_day_without_abandonment_serves_everyone_in_overtime() {
        // 100 calls per half hour, 4-minute calls, 2 agents: the line grows all day
        let sc = day(&[100.0, 100.0], &[2, 2], None);
        let out = run_replication(&sc, 0);
        check_identities(&out);
        let last = &out.intervals[1];
        assert!(
            last.duration_s > 10.0 * 1800.0,
            "overtime is counted in the last interval"
        );
        let offered: u64 = out.intervals.iter().map(|t| t.offered).sum();
        let answered: u64 = out.intervals.iter().map(|t| t.answered).sum();
        assert_eq!(offered, answered);
        assert!(out.intervals[1].max_queue > 50);
    }

    #[test]
    fn an_empty_interval_and_no_calls_are_fine() {
        let out = run_replication(&day(&[0.0, 0.0], &[0, 1], None), 0);
        assert_eq!(out.calls, 0);
        assert_eq!(out.intervals[0].available_agent_s, 0.0);
        assert_eq!(out.intervals[1].available_agent_s, 1800.0);
    }

    #[test]
    fn stale_timers_are_purged() {
        // 95% load and patience of 10^6 s: nearly every waiting caller is answered, and each
        // leaves a timer that would otherwise sit in the calendar for about 11 days
        let mut sc = day(
            &[427.5; 40],
            &[60; 40],
            Some(Dist::exponential(1e6).unwrap()),
        );
        sc.kind = RunKind::SteadyState { warmup_s: 0.0 };
        let mut rep = Replication::new(&sc, 0);
        rep.run();
        let purges = rep.stale.purges();
        let out = rep.finish();
        check_identities(&out);
        // each purge needs more than 4096 new stale timers: the sweeps cost O(1) per call
        let queued: u64 = out.intervals.iter().map(|t| t.queued).sum();
        assert!(
            purges >= 1 && purges <= queued / 4096,
            "{purges} purges, {queued} queued"
        );
    }
}
