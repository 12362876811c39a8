//! One replication: the event loop of the call center, from opening (or the start of the
//! warm-up) until the last caller has left.
//!
//! The life of an attempt (DESIGN.md): lines → all agents busy? → announced wait → balking →
//! callback offer → queue → answered, or abandoned when patience runs out first. A failed
//! attempt (blocked, balked, abandoned) may be retried; a customer who never gets through is
//! lost. Each mechanism is one module; this file only calls them at their place, and a
//! mechanism whose section is absent costs nothing.
//!
//! The next first-attempt arrival is kept beside the calendar rather than in it (one heap
//! operation less per call); on a tie the calendar goes first, so a caller arriving exactly at
//! an interval boundary already meets the new interval's staffing.

use super::abandonment::StaleTimers;
use super::agents::AgentPool;
use super::arrivals::{ArrivalProcess, busyness_factor};
use super::callback::expected_wait_s;
use super::config::{RunKind, Scenario};
use super::customers::{Customer, CustomerId, Customers};
use super::observer::{CallEvent, NoObserver, Observer};
use super::proactive::{Channel, Targeting};
use super::queue::{Caller, WaitingLine};
use crate::engine::{Calendar, Stream, StreamRng, streams};
use crate::stats::{IntervalTally, TimeWeighted};
use std::collections::VecDeque;

/// Random stream of the arrival times.
pub const STREAM_ARRIVALS: Stream = Stream(0);
/// Random stream of the handle times.
pub const STREAM_HANDLE_TIME: Stream = Stream(1);
/// Random stream of the callers' patience on their first attempt.
pub const STREAM_PATIENCE: Stream = Stream(2);
/// Random stream of the day-level busyness factor.
pub const STREAM_BUSYNESS: Stream = Stream(3);
/// Random stream of retrial decisions and delays.
pub const STREAM_RETRIALS: Stream = Stream(4);
/// Random stream of the patience on retrial attempts (kept apart so that retrials do not
/// shift the patience of first attempts: common random numbers across scenarios).
pub const STREAM_RETRIAL_PATIENCE: Stream = Stream(5);
/// Random stream of callback decisions, delays and talk times.
pub const STREAM_CALLBACK: Stream = Stream(6);
/// Random stream of balking decisions.
pub const STREAM_BALKING: Stream = Stream(7);
/// Random stream of proactive-contact decisions and outbound talk times.
pub const STREAM_PROACTIVE: Stream = Stream(8);

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
    /// A customer calls again.
    Retrial { customer: CustomerId },
    /// An unanswered callback is due to be tried again: the customer rejoins the line.
    CallbackRetry { customer: CustomerId },
}

/// An [`Event`] packed into one word for the calendar (the kind in the top three bits), which
/// keeps calendar entries at 24 bytes: the calendar's speed is the simulator's speed.
#[derive(Debug, Clone, Copy)]
struct PackedEvent(u64);

impl PackedEvent {
    const KIND_SHIFT: u32 = 61;
    const PAYLOAD: u64 = (1 << Self::KIND_SHIFT) - 1;

    #[inline]
    fn pack(event: Event) -> Self {
        let (kind, payload) = match event {
            Event::ServiceEnd => (0, 0),
            Event::Abandon { ticket } => (1, ticket),
            Event::Boundary { interval } => (2, interval as u64),
            Event::Close => (3, 0),
            Event::Retrial { customer } => (4, customer as u64),
            Event::CallbackRetry { customer } => (5, customer as u64),
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
            3 => Event::Close,
            4 => Event::Retrial {
                customer: payload as CustomerId,
            },
            _ => Event::CallbackRetry {
                customer: payload as CustomerId,
            },
        }
    }
}

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutcome {
    /// One tally per reporting interval.
    pub intervals: Vec<IntervalTally>,
    /// Every call attempt simulated, warm-up included (for speed figures).
    pub calls: u64,
}

/// Runs replication `replication` of `scenario`.
pub fn run_replication(scenario: &Scenario, replication: u64) -> ReplicationOutcome {
    run_replication_observed(scenario, replication, &mut NoObserver)
}

/// Runs replication `replication` of `scenario` with `observer` watching every call; the
/// results are the same as [`run_replication`]'s.
pub fn run_replication_observed<O: Observer>(
    scenario: &Scenario,
    replication: u64,
    observer: &mut O,
) -> ReplicationOutcome {
    let mut day = Replication::new(scenario, replication, observer);
    day.run();
    day.finish()
}

/// The random streams of one replication.
struct Streams {
    arrivals: StreamRng,
    handle: StreamRng,
    patience: StreamRng,
    retrials: StreamRng,
    retrial_patience: StreamRng,
    callback: StreamRng,
    balking: StreamRng,
    proactive: StreamRng,
}

/// A first attempt as drawn from the arrival process: when, the caller's needs (drawn for
/// every caller, answered at once or not, so that they do not depend on the staffing:
/// common random numbers), and what proactive contact decided.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    t: f64,
    handle: f64,
    patience: Option<f64>,
    targeting: Targeting,
}

/// How a customer's attempt ended, when it did not reach an agent.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    Blocked,
    Balked,
    Abandoned,
}

struct Replication<'a, O: Observer> {
    scenario: &'a Scenario,
    observer: &'a mut O,
    calendar: Calendar<PackedEvent>,
    line: WaitingLine,
    /// Callback placeholders in the line (customers not holding on).
    callbacks_in_line: usize,
    pool: AgentPool,
    arrivals: ArrivalProcess,
    rng: Streams,
    customers: Customers,
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
    /// False once arrivals have stopped: retrials and callback retries are no longer made.
    open: bool,
    calls: u64,
    /// The next arrival drawn from the arrival process, not yet arrived (or known).
    drawn: Option<Arrival>,
    /// With proactive agent calls: how long before a covered customer would call the need is
    /// known (seconds); arrivals are drawn that far ahead.
    lead_s: Option<f64>,
    /// Arrivals known ahead, in time order (proactive agent calls only).
    upcoming: VecDeque<Arrival>,
    /// Sequence number of the front of `upcoming`.
    upcoming_head: u64,
    /// Covered customers awaiting an outbound call, by sequence number.
    outbound_backlog: VecDeque<u64>,
}

impl<'a, O: Observer> Replication<'a, O> {
    fn new(scenario: &'a Scenario, replication: u64, observer: &'a mut O) -> Self {
        let seed = scenario.seed;
        let stream = |s| streams(seed, replication, s);
        let busyness = busyness_factor(scenario.busyness_cv, &mut stream(STREAM_BUSYNESS));
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
        observer.agents(0.0, 0, first_agents);
        Replication {
            scenario,
            observer,
            calendar,
            line: WaitingLine::with_capacity(first_agents as usize + 64),
            callbacks_in_line: 0,
            pool,
            arrivals: ArrivalProcess::new(scenario, busyness),
            rng: Streams {
                arrivals: stream(STREAM_ARRIVALS),
                handle: stream(STREAM_HANDLE_TIME),
                patience: stream(STREAM_PATIENCE),
                retrials: stream(STREAM_RETRIALS),
                retrial_patience: stream(STREAM_RETRIAL_PATIENCE),
                callback: stream(STREAM_CALLBACK),
                balking: stream(STREAM_BALKING),
                proactive: stream(STREAM_PROACTIVE),
            },
            customers: Customers::default(),
            stale: StaleTimers::default(),
            tallies: vec![IntervalTally::default(); n],
            current: (start == 0.0).then_some(0),
            interval_started: 0.0,
            busy: TimeWeighted::new(0.0, 0.0),
            present: TimeWeighted::new(0.0, first_agents as f64),
            last_event: 0.0,
            open: true,
            calls: 0,
            drawn: None,
            lead_s: scenario.proactive.as_ref().and_then(|p| p.deadline_s()),
            upcoming: VecDeque::new(),
            upcoming_head: 0,
            outbound_backlog: VecDeque::new(),
        }
    }

    fn run(&mut self) {
        self.drawn = self.draw_arrival();
        let lead = self.lead_s.unwrap_or(0.0);
        loop {
            // ties: the calendar first (a caller arriving exactly at an interval boundary
            // meets the new staffing), then the drawn arrival, then those known ahead
            let calendar = self.calendar.next_time().unwrap_or(f64::INFINITY);
            let drawn = self
                .drawn
                .as_ref()
                .map_or(f64::INFINITY, |a| (a.t - lead).max(0.0));
            let upcoming = self.upcoming.front().map_or(f64::INFINITY, |a| a.t);
            if calendar <= drawn && calendar <= upcoming {
                let Some((t, event)) = self.calendar.pop() else {
                    break; // every source is exhausted
                };
                match event.unpack() {
                    Event::ServiceEnd => self.on_service_end(t),
                    Event::Abandon { ticket } => self.on_patience_end(t, ticket),
                    Event::Boundary { interval } => self.on_boundary(t, interval as usize),
                    Event::Close => self.on_close(t),
                    Event::Retrial { customer } => self.on_retrial(t, customer),
                    Event::CallbackRetry { customer } => self.on_callback_retry(t, customer),
                }
            } else if drawn <= upcoming {
                let Some(arrival) = self.drawn.take() else {
                    break;
                };
                self.drawn = self.draw_arrival();
                if self.lead_s.is_some() {
                    self.need_known(drawn, arrival);
                } else {
                    self.first_attempt(arrival);
                }
            } else if let Some(arrival) = self.upcoming.pop_front() {
                self.upcoming_head += 1;
                self.first_attempt(arrival);
            }
        }
    }

    /// Draws the next arrival and everything about the caller that does not depend on the
    /// state of the center; `None` once arrivals have stopped.
    #[inline]
    fn draw_arrival(&mut self) -> Option<Arrival> {
        let t = self.arrivals.next(&mut self.rng.arrivals)?;
        let handle = self.scenario.handle_time.sample(&mut self.rng.handle);
        let patience = self
            .scenario
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.rng.patience));
        let targeting = match &self.scenario.proactive {
            Some(policy) => policy.target(self.scenario.interval_of(t), &mut self.rng.proactive),
            None => Targeting::default(),
        };
        Some(Arrival {
            t,
            handle,
            patience,
            targeting,
        })
    }

    /// With proactive agent calls: a customer's need becomes known `lead_s` before they
    /// would call. A covered customer joins the outbound backlog.
    fn need_known(&mut self, t: f64, arrival: Arrival) {
        let seq = self.upcoming_head + self.upcoming.len() as u64;
        self.upcoming.push_back(arrival);
        if arrival.targeting.covered {
            self.outbound_backlog.push_back(seq);
        }
        self.place_outbound_calls(t);
    }

    /// Call blending: while an agent is idle and nobody waits in the inbound line, agents
    /// call covered customers who have not called yet. A contact whose customer has already
    /// called is dropped.
    fn place_outbound_calls(&mut self, t: f64) {
        let Some(policy) = &self.scenario.proactive else {
            return;
        };
        let busy_before = self.pool.busy();
        while self.open && self.line.is_empty() && self.pool.free() > 0 {
            let Some(seq) = self.outbound_backlog.pop_front() else {
                break;
            };
            let Some(i) = seq.checked_sub(self.upcoming_head) else {
                continue; // the customer called before the campaign reached them
            };
            self.pool.seize();
            let answered = policy.outbound_call(&mut self.rng.proactive);
            if let Some(k) = self.current {
                let tally = &mut self.tallies[k];
                tally.proactive_contacts += 1;
                if let Some((talk, _)) = answered {
                    tally.proactive_reached += 1;
                    tally.proactive_agent_s += talk;
                }
            }
            match answered {
                Some((talk, deflected)) => {
                    if let Some(a) = self.upcoming.get_mut(i as usize) {
                        a.targeting.reached = true;
                        a.targeting.deflected = deflected;
                    }
                    self.calendar
                        .schedule(t + talk, PackedEvent::pack(Event::ServiceEnd));
                }
                None => {
                    // no answer: the agent is free again at once
                    self.pool.end_call(false);
                }
            }
        }
        // only when something changed: an extra breakpoint would change the rounding of the
        // time-weighted sums, and coverage 0 must give the very same bits as no campaign
        if self.pool.busy() != busy_before {
            self.levels_changed(t);
        }
    }

    /// A new customer's need arises: a deflected customer does not call; the others do.
    #[inline]
    fn first_attempt(&mut self, arrival: Arrival) {
        let Arrival {
            t,
            mut handle,
            patience,
            targeting,
        } = arrival;
        if let Some(policy) = &self.scenario.proactive {
            if let Some(k) = self.current {
                let tally = &mut self.tallies[k];
                tally.proactive_targets += u64::from(targeting.covered);
                if let Channel::Message = policy.channel
                    && targeting.covered
                {
                    tally.proactive_contacts += 1;
                    tally.proactive_reached += 1;
                }
                tally.calls_deflected += u64::from(targeting.deflected);
            }
            if targeting.deflected {
                self.last_event = t;
                return;
            }
            if targeting.reached {
                handle *= policy.handle_time_factor;
            }
        }
        let customer = if self.scenario.tracks_customers() {
            if let Some(k) = self.current {
                self.tallies[k].customers += 1;
            }
            Some(self.customers.insert(Customer {
                handle,
                first_interval: self.current.map(|k| k as u32),
                attempts: 0,
                callback_attempts: 0,
                callback_requested_at: 0.0,
                callback_interval: None,
                callback_attempt: 0,
                reached: targeting.reached,
            }))
        } else {
            None
        };
        self.attempt(t, handle, patience, customer, targeting.reached);
    }

    /// A customer calls again (a retrial), with a fresh patience.
    fn on_retrial(&mut self, t: f64, customer: CustomerId) {
        let Customer {
            handle, reached, ..
        } = *self.customers.get(customer);
        let patience = self
            .scenario
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.rng.retrial_patience));
        if let Some(k) = self.current {
            self.tallies[k].retrials += 1;
        }
        self.attempt(t, handle, patience, Some(customer), reached);
    }

    /// One call attempt arrives at `t`.
    fn attempt(
        &mut self,
        t: f64,
        handle: f64,
        patience: Option<f64>,
        customer: Option<CustomerId>,
        reached: bool,
    ) {
        self.calls += 1;
        let attempt = self.calls;
        self.observer.call(t, attempt, CallEvent::Arrived);
        self.last_event = t;
        if let Some(id) = customer {
            self.customers.get_mut(id).attempts += 1;
        }
        if let Some(k) = self.current {
            self.tallies[k].offered += 1;
        }
        let caller = Caller {
            attempt,
            arrival: t,
            handle,
            interval: self.current.map(|k| k as u32),
            customer,
            callback: false,
            reached,
        };
        if let Some(lines) = &self.scenario.lines
            && !lines.admits(self.pool.busy(), self.line.len() - self.callbacks_in_line)
        {
            self.attempt_failed(t, caller, Failure::Blocked);
            return;
        }
        if self.pool.seize() {
            self.start_call(t, caller);
            self.levels_changed(t);
            return;
        }
        if self.scenario.balking.is_some() || self.scenario.callback.is_some() {
            let announced = expected_wait_s(
                self.line.len(),
                self.pool.present(),
                self.scenario.handle_time.mean(),
            );
            if let Some(curve) = &self.scenario.balking
                && curve.balks(announced, &mut self.rng.balking)
            {
                self.attempt_failed(t, caller, Failure::Balked);
                return;
            }
            if let Some(policy) = &self.scenario.callback
                && policy.offered(announced)
            {
                let accepted = policy.accepts(&mut self.rng.callback);
                if let Some(k) = caller.interval {
                    let tally = &mut self.tallies[k as usize];
                    tally.callbacks_offered += 1;
                    tally.callbacks_accepted += u64::from(accepted);
                }
                if accepted && let Some(id) = customer {
                    let c = self.customers.get_mut(id);
                    c.callback_requested_at = t;
                    c.callback_interval = caller.interval;
                    c.callback_attempts = 0;
                    c.callback_attempt = attempt;
                    self.observer.call(t, attempt, CallEvent::CallbackRequested);
                    self.join_for_callback(caller);
                    return;
                }
            }
        }
        self.observer.call(t, attempt, CallEvent::Queued);
        let ticket = self.line.join(caller);
        if let Some(p) = patience {
            self.calendar
                .schedule(t + p, PackedEvent::pack(Event::Abandon { ticket }));
        }
        if let Some(k) = self.current {
            let tally = &mut self.tallies[k];
            tally.queued += 1;
            let holding = self.line.len() - self.callbacks_in_line;
            tally.max_queue = tally.max_queue.max(holding as u64);
        }
    }

    /// A customer waiting for a callback takes a place at the end of the line.
    fn join_for_callback(&mut self, caller: Caller) {
        self.line.join(Caller {
            callback: true,
            ..caller
        });
        self.callbacks_in_line += 1;
    }

    /// An attempt ended without reaching an agent: count it, then the customer calls again
    /// later or is lost.
    fn attempt_failed(&mut self, t: f64, caller: Caller, how: Failure) {
        let event = match how {
            Failure::Blocked => CallEvent::Blocked,
            Failure::Balked => CallEvent::Balked,
            Failure::Abandoned => CallEvent::Abandoned {
                wait_s: t - caller.arrival,
            },
        };
        self.observer.call(t, caller.attempt, event);
        if let Some(k) = caller.interval {
            let tally = &mut self.tallies[k as usize];
            match how {
                Failure::Blocked => tally.blocked += 1,
                Failure::Balked => tally.balked += 1,
                Failure::Abandoned => {
                    tally.abandoned += 1;
                    tally.wait_all_s += t - caller.arrival;
                }
            }
        }
        if let (Some(policy), Some(id)) = (&self.scenario.retrials, caller.customer) {
            let attempts = self.customers.get(id).attempts;
            // a retrial that would come after closing is not made: lost for today
            if let Some(delay) = policy.next_attempt(attempts, &mut self.rng.retrials)
                && t + delay < self.scenario.arrivals_end_s()
            {
                self.calendar.schedule(
                    t + delay,
                    PackedEvent::pack(Event::Retrial { customer: id }),
                );
                return;
            }
        }
        if caller.customer.is_none()
            && caller.reached
            && let Some(k) = caller.interval
        {
            self.tallies[k as usize].lost_reached_customers += 1;
        }
        self.customer_done(caller, false);
    }

    /// The tracked customer of `caller` is served (`served`) or lost for good. Untracked
    /// customers make exactly one attempt, and their KPIs are those of their attempts
    /// (see [`Replication::finish`]).
    #[inline]
    fn customer_done(&mut self, caller: Caller, served: bool) {
        let Some(id) = caller.customer else {
            return;
        };
        let c = self.customers.remove(id);
        if let Some(k) = c.first_interval {
            let tally = &mut self.tallies[k as usize];
            tally.customer_attempts += u64::from(c.attempts);
            if served {
                tally.served_customers += 1;
                tally.served_first_attempt += u64::from(c.attempts == 1);
            } else {
                tally.lost_customers += 1;
                tally.lost_reached_customers += u64::from(c.reached);
            }
        }
    }

    fn on_service_end(&mut self, t: f64) {
        self.last_event = t;
        if self.pool.end_call(!self.line.is_empty()) {
            self.agent_takes_next(t);
        }
        self.free_agents_work(t);
    }

    fn on_patience_end(&mut self, t: f64, ticket: u64) {
        let Some(caller) = self.line.leave(ticket) else {
            self.stale.skipped();
            return;
        };
        self.last_event = t;
        self.attempt_failed(t, caller, Failure::Abandoned);
    }

    /// An unanswered callback is due again: the customer rejoins the end of the line, unless
    /// the center has closed, in which case the callback is given up.
    fn on_callback_retry(&mut self, t: f64, customer: CustomerId) {
        self.last_event = t;
        let c = *self.customers.get(customer);
        let caller = Caller {
            attempt: c.callback_attempt,
            arrival: t,
            handle: c.handle,
            interval: c.callback_interval,
            customer: Some(customer),
            callback: true,
            reached: c.reached,
        };
        if !self.open {
            self.callback_failed(caller);
            return;
        }
        self.join_for_callback(caller);
        self.free_agents_work(t);
    }

    fn callback_failed(&mut self, caller: Caller) {
        if let Some(k) = caller.interval {
            self.tallies[k as usize].callbacks_failed += 1;
        }
        self.customer_done(caller, false);
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
        self.free_agents_work(t);
    }

    /// Free agents take the callers waiting in line; agents still idle then place proactive
    /// calls (with agent-call campaigns).
    fn free_agents_work(&mut self, t: f64) {
        while !self.line.is_empty() && self.pool.seize() {
            self.agent_takes_next(t);
        }
        self.levels_changed(t);
        if self.lead_s.is_some() {
            self.place_outbound_calls(t);
        }
    }

    fn on_close(&mut self, t: f64) {
        self.last_event = t;
        self.open = false;
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
        self.observer
            .agents(t, self.pool.busy(), self.pool.present());
    }

    /// An agent (already counted busy) takes callers from the head of the line until one is
    /// talking to them; if the line runs dry first, the agent is released.
    fn agent_takes_next(&mut self, t: f64) {
        loop {
            let Some(caller) = self.line.take_first() else {
                self.pool.end_call(false);
                return;
            };
            if caller.callback {
                self.callbacks_in_line -= 1;
            } else if self.scenario.patience.is_some() {
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
            if self.start_call(t, caller) {
                return;
            }
        }
    }

    /// A seized agent starts talking to `caller` (answering an inbound call, or calling a
    /// customer back). Returns false when a called-back customer does not pick up.
    #[inline]
    fn start_call(&mut self, t: f64, caller: Caller) -> bool {
        let talk = if caller.callback {
            match self.call_back(t, caller) {
                Some(talk) => talk,
                None => return false,
            }
        } else {
            self.observer.call(
                t,
                caller.attempt,
                CallEvent::Answered {
                    wait_s: t - caller.arrival,
                    talk_s: caller.handle,
                },
            );
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
            self.customer_done(caller, true);
            caller.handle
        };
        self.calendar
            .schedule(t + talk, PackedEvent::pack(Event::ServiceEnd));
        true
    }

    /// An agent calls back the customer of placeholder `caller`: the talk time if they pick
    /// up; otherwise a retry is scheduled (or the callback given up) and `None` returned.
    fn call_back(&mut self, t: f64, caller: Caller) -> Option<f64> {
        let (Some(policy), Some(id)) = (&self.scenario.callback, caller.customer) else {
            return None; // unreachable: placeholders exist only with [callback]
        };
        let c = self.customers.get_mut(id);
        c.callback_attempts += 1;
        let (attempts, requested_at) = (c.callback_attempts, c.callback_requested_at);
        if policy.answers(&mut self.rng.callback) {
            let talk = match &policy.talk_time {
                Some(d) => d.sample(&mut self.rng.callback),
                None => caller.handle,
            };
            self.observer
                .call(t, caller.attempt, CallEvent::CalledBack { talk_s: talk });
            if let Some(k) = caller.interval {
                let tally = &mut self.tallies[k as usize];
                tally.callbacks_completed += 1;
                tally.callback_delay_s += t - requested_at;
                tally.callback_delays.record(t - requested_at);
            }
            self.customer_done(caller, true);
            return Some(talk);
        }
        self.observer
            .call(t, caller.attempt, CallEvent::CallbackUnanswered);
        let delay = policy.retry_delay.sample(&mut self.rng.callback);
        if attempts < policy.max_attempts && self.open {
            self.calendar.schedule(
                t + delay,
                PackedEvent::pack(Event::CallbackRetry { customer: id }),
            );
        } else {
            self.callback_failed(caller);
        }
        None
    }

    fn finish(mut self) -> ReplicationOutcome {
        if let Some(k) = self.current {
            // working day: the last interval's books stay open through the overtime
            let end = self.last_event.max(self.scenario.arrivals_end_s());
            self.close_books(k, end);
        }
        if !self.scenario.tracks_customers() {
            // one attempt per customer: the customer KPIs are those of the attempts
            for t in &mut self.tallies {
                t.customers = t.offered;
                t.customer_attempts = t.offered;
                t.served_customers = t.answered;
                t.served_first_attempt = t.answered;
                t.lost_customers = t.abandoned + t.balked + t.blocked;
            }
        }
        if let Some(costs) = &self.scenario.costs {
            let (per_contact, churn_reduction) = self
                .scenario
                .proactive
                .as_ref()
                .map_or((0.0, 0.0), |p| (p.cost_per_contact, p.churn_reduction));
            for t in &mut self.tallies {
                costs.apply(t, per_contact, churn_reduction);
            }
        }
        debug_assert!(
            self.customers.is_empty(),
            "every customer ends, served or lost"
        );
        for tally in &self.tallies {
            debug_assert!(
                tally.balances(),
                "every attempt and customer ends once: {tally:?}"
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
    use crate::model::Dist;
    use crate::model::test_support::day;

    /// Offered, answered, total wait and busy time of each interval, to the bit.
    fn key(o: &ReplicationOutcome) -> Vec<(u64, u64, u64, u64)> {
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
            .collect()
    }

    fn check_identities(out: &ReplicationOutcome) {
        for t in &out.intervals {
            assert!(t.balances(), "{t:?}");
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
                ticket: PackedEvent::PAYLOAD,
            },
            Event::Boundary { interval: 47 },
            Event::Close,
            Event::Retrial { customer: u32::MAX },
            Event::CallbackRetry { customer: 3 },
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
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        check_identities(&a);
        check_identities(&c);
    }

    /// An observer only watches: the results are bit-identical, and every attempt it sees
    /// arrives once and ends once, with the waits and counts the tallies report.
    #[test]
    fn an_observer_sees_every_attempt_and_changes_nothing() {
        use crate::model::observer::Recorder;
        let sc = day(
            &[30.0, 60.0, 40.0],
            &[3, 4, 4],
            Some(Dist::exponential(60.0).unwrap()),
        );
        let plain = run_replication(&sc, 7);
        let mut seen = Recorder::default();
        let watched = run_replication_observed(&sc, 7, &mut seen);
        assert_eq!(key(&plain), key(&watched));
        let total = |f: fn(&IntervalTally) -> u64| plain.intervals.iter().map(f).sum::<u64>();
        let count = |want: fn(&CallEvent) -> bool| {
            seen.calls.iter().filter(|(_, _, e)| want(e)).count() as u64
        };
        assert_eq!(count(|e| *e == CallEvent::Arrived), total(|t| t.offered));
        assert_eq!(
            count(|e| matches!(e, CallEvent::Answered { .. })),
            total(|t| t.answered)
        );
        assert_eq!(
            count(|e| matches!(e, CallEvent::Abandoned { .. })),
            total(|t| t.abandoned)
        );
        assert_eq!(count(|e| *e == CallEvent::Queued), total(|t| t.queued));
        let waited: f64 = seen
            .calls
            .iter()
            .map(|(_, _, e)| match e {
                CallEvent::Answered { wait_s, .. } | CallEvent::Abandoned { wait_s } => *wait_s,
                _ => 0.0,
            })
            .sum();
        let tallied: f64 = plain.intervals.iter().map(|t| t.wait_all_s).sum();
        assert!(
            (waited - tallied).abs() <= 1e-6 * tallied.max(1.0),
            "{waited} vs {tallied}"
        );
        // attempts are numbered in order of arrival, and events come in time order
        let arrivals: Vec<u64> = seen
            .calls
            .iter()
            .filter(|(_, _, e)| *e == CallEvent::Arrived)
            .map(|&(_, a, _)| a)
            .collect();
        assert!(arrivals.iter().copied().eq(1..=arrivals.len() as u64));
        assert!(seen.calls.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(
            seen.agents
                .iter()
                .all(|&(_, busy, present)| busy <= present.max(busy))
        );
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
        let mut nobody = NoObserver;
        let mut rep = Replication::new(&sc, 0, &mut nobody);
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

    /// Call blending: an outbound proactive call is placed only while an agent is idle and
    /// nobody waits in the inbound line.
    #[test]
    fn outbound_calls_only_when_nobody_waits() {
        use crate::model::proactive::{Channel, ProactivePolicy};
        let mut sc = day(&[10.0], &[2], None);
        sc.proactive = Some(ProactivePolicy {
            predictable_share: vec![1.0],
            coverage: 1.0,
            channel: Channel::AgentCall {
                handle_time: Dist::deterministic(60.0).unwrap(),
                answer_probability: 1.0,
                deadline_s: 600.0,
            },
            deflection: 1.0,
            churn_reduction: 0.0,
            cost_per_contact: 0.0,
            handle_time_factor: 1.0,
        });
        let mut nobody = NoObserver;
        let mut rep = Replication::new(&sc, 0, &mut nobody);
        let waiting = Caller {
            attempt: 0,
            arrival: 0.0,
            handle: 60.0,
            interval: Some(0),
            customer: None,
            callback: false,
            reached: false,
        };
        let known = Arrival {
            t: 500.0,
            handle: 60.0,
            patience: None,
            targeting: Targeting {
                covered: true,
                ..Targeting::default()
            },
        };
        rep.line.join(waiting);
        rep.need_known(10.0, known);
        assert_eq!(
            rep.pool.busy(),
            0,
            "an inbound caller waits: no outbound call"
        );
        assert_eq!(rep.tallies[0].proactive_contacts, 0);
        rep.line.take_first();
        rep.place_outbound_calls(20.0);
        assert_eq!(
            rep.pool.busy(),
            1,
            "idle agent, empty line: the call is placed"
        );
        assert_eq!(rep.tallies[0].proactive_contacts, 1);
        assert!(rep.upcoming[0].targeting.deflected);
    }
}
