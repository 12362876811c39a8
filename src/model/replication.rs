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

#[derive(Debug, Clone, Copy)]
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
    calendar: Calendar<Event>,
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
            calendar.schedule(t, Event::Boundary { interval: k as u32 });
        }
        calendar.schedule(scenario.arrivals_end_s(), Event::Close);
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
            match event {
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
            self.calendar.schedule(t + p, Event::Abandon { ticket });
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
                    self.calendar.retain(|e| match e {
                        Event::Abandon { ticket } => line.is_waiting(*ticket),
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
        self.calendar.schedule(t + caller.handle, Event::ServiceEnd);
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
