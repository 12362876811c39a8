//! One replication of a multi-skill center: the event loop that routes calls of several types
//! to skilled agent groups.
//!
//! It is the single-queue loop ([`crate::model::replication`]) with routing added, built on
//! the same parts: the calendar and random streams of the engine, the arrival process (one
//! Poisson stream of all types, each arrival marked with its type in proportion to the
//! types' rates in that interval), one [`WaitingLine`] per type, an [`AgentPool`] per group,
//! lazily cancelled abandonment timers, and the same tallies. With one type and one group it
//! draws the same numbers in the same order and gives the single-queue results bit for bit.
//!
//! Routing never looks at every agent or every queue: an arriving call looks only at the
//! groups that take its type, best rank first, and stops at the first rank with a free agent;
//! a freed agent looks only at the queues of its group's types, best rank first, and only at
//! each queue's head (the oldest call of a type is the first to become eligible). A group that
//! takes a type after a delay learns of each call through a calendar event at arrival + delay.
//!
//! [`AgentPool`]: crate::model::agents::AgentPool

use super::config::{AgentSelect, CallSelect, SkillModel};
use super::group::GroupState;
use crate::engine::Stream;
use crate::engine::{Calendar, StreamRng, streams};
use crate::model::abandonment::StaleTimers;
use crate::model::arrivals::{ArrivalProcess, busyness_factor};
use crate::model::config::{RunKind, Scenario};
use crate::model::dist::unit_interval;
use crate::model::observer::{CallEvent, NoObserver, Observer};
use crate::model::queue::{Caller, WaitingLine};
use crate::model::replication::{
    ReplicationOutcome, STREAM_ARRIVALS, STREAM_BUSYNESS, STREAM_HANDLE_TIME, STREAM_PATIENCE,
};
use crate::stats::{IntervalTally, TimeWeighted};

/// Random stream of the call type of each arrival (not drawn with a single type).
pub const STREAM_CALL_TYPE: Stream = Stream(20);

/// Most call types and agent groups a scenario may have (they are packed into events).
pub const MAX_TYPES_OR_GROUPS: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    /// An agent of group `group` finishes a call.
    ServiceEnd { group: u32 },
    /// The patience of the caller of type `ty` holding `ticket` runs out.
    Abandon { ty: u32, ticket: u64 },
    /// A call of type `ty` holding `ticket` has waited long enough for the groups of delay
    /// level `level` of its type.
    Eligible { ty: u32, level: u32, ticket: u64 },
    /// Reporting interval `interval` starts.
    Boundary { interval: u32 },
    /// Arrivals stop.
    Close,
}

/// An [`Event`] packed into one word: kind in the top 3 bits, then the type (8 bits), the
/// delay level (8 bits) and the ticket in the low bits.
#[derive(Debug, Clone, Copy)]
struct PackedEvent(u64);

impl PackedEvent {
    const KIND_SHIFT: u32 = 61;
    const TYPE_SHIFT: u32 = 53;
    const LEVEL_SHIFT: u32 = 45;
    const LOW8: u64 = 0xff;

    #[inline]
    fn pack(event: Event) -> Self {
        let (kind, payload) = match event {
            Event::ServiceEnd { group } => (0, group as u64),
            Event::Abandon { ty, ticket } => (1, ((ty as u64) << Self::TYPE_SHIFT) | ticket),
            Event::Eligible { ty, level, ticket } => (
                2,
                ((ty as u64) << Self::TYPE_SHIFT) | ((level as u64) << Self::LEVEL_SHIFT) | ticket,
            ),
            Event::Boundary { interval } => (3, interval as u64),
            Event::Close => (4, 0),
        };
        PackedEvent((kind << Self::KIND_SHIFT) | payload)
    }

    #[inline]
    fn unpack(self) -> Event {
        let payload = self.0 & ((1 << Self::KIND_SHIFT) - 1);
        let ty = ((payload >> Self::TYPE_SHIFT) & Self::LOW8) as u32;
        match self.0 >> Self::KIND_SHIFT {
            0 => Event::ServiceEnd {
                group: payload as u32,
            },
            1 => Event::Abandon {
                ty,
                ticket: payload & ((1 << Self::TYPE_SHIFT) - 1),
            },
            2 => Event::Eligible {
                ty,
                level: ((payload >> Self::LEVEL_SHIFT) & Self::LOW8) as u32,
                ticket: payload & ((1 << Self::LEVEL_SHIFT) - 1),
            },
            3 => Event::Boundary {
                interval: payload as u32,
            },
            _ => Event::Close,
        }
    }
}

/// What one multi-skill replication produced.
#[derive(Debug, Clone)]
pub struct SkillOutcome {
    /// The whole center, one tally per interval (the same KPIs as a single-queue run).
    pub total: ReplicationOutcome,
    /// Per call type `t`, one tally per interval: `by_type[t][k]`. Service level counts
    /// calls answered within the type's own threshold.
    pub by_type: Vec<Vec<IntervalTally>>,
    /// Per agent group `g`, one tally per interval: `answered` is the calls the group handled
    /// (by the interval they arrived in); agent time as for the whole center.
    pub by_group: Vec<Vec<IntervalTally>>,
    /// Calls handled in the measured window by type and group: `handled[t][g]`.
    pub handled: Vec<Vec<u64>>,
}

/// Runs replication `replication` of the multi-skill `model` within `scenario` (time, seed,
/// costs).
pub fn run_skill_replication(
    scenario: &Scenario,
    model: &SkillModel,
    replication: u64,
) -> SkillOutcome {
    run_skill_replication_observed(scenario, model, replication, &mut NoObserver)
}

/// [`run_skill_replication`] with `observer` watching every call and every routing decision.
pub fn run_skill_replication_observed<O: Observer>(
    scenario: &Scenario,
    model: &SkillModel,
    replication: u64,
    observer: &mut O,
) -> SkillOutcome {
    let mut day = Replication::new(scenario, model, replication, observer);
    day.run();
    day.finish()
}

/// A group that may take a type, as the router sees it.
#[derive(Debug, Clone, Copy)]
struct Route {
    group: usize,
    rank: u32,
}

/// Precomputed routing tables: per type the groups by rank, per group the types by rank.
struct Tables {
    /// Per type: groups taking it at once, best rank first.
    immediate: Vec<Vec<Route>>,
    /// Per type: (delay in seconds, groups taking it after that delay, best rank first), by
    /// increasing delay.
    delayed: Vec<Vec<(f64, Vec<Route>)>>,
    /// Per type and interval: cumulative arrival rates of types 0..=t (calls per second).
    cumulative_rate: Vec<Vec<f64>>,
}

impl Tables {
    fn new(scenario: &Scenario, model: &SkillModel) -> Self {
        let n_types = model.types.len();
        let mut immediate = vec![Vec::new(); n_types];
        let mut delayed: Vec<Vec<(f64, Vec<Route>)>> = vec![Vec::new(); n_types];
        for (g, group) in model.groups.iter().enumerate() {
            for s in &group.skills {
                let route = Route {
                    group: g,
                    rank: s.rank,
                };
                if s.delay_s == 0.0 {
                    immediate[s.call_type].push(route);
                } else {
                    let levels = &mut delayed[s.call_type];
                    match levels.iter_mut().find(|(d, _)| *d == s.delay_s) {
                        Some((_, routes)) => routes.push(route),
                        None => levels.push((s.delay_s, vec![route])),
                    }
                }
            }
        }
        // stable sorts: equal ranks stay in file order
        for routes in &mut immediate {
            routes.sort_by_key(|r| r.rank);
        }
        for levels in &mut delayed {
            levels.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (_, routes) in levels.iter_mut() {
                routes.sort_by_key(|r| r.rank);
            }
        }
        let cumulative_rate = (0..scenario.intervals())
            .map(|k| {
                let mut sum = 0.0;
                model
                    .types
                    .iter()
                    .map(|ty| {
                        sum += ty.arrival_rate[k];
                        sum
                    })
                    .collect()
            })
            .collect();
        Tables {
            immediate,
            delayed,
            cumulative_rate,
        }
    }
}

/// The random streams of one replication.
struct Streams {
    arrivals: StreamRng,
    call_type: StreamRng,
    handle: StreamRng,
    patience: StreamRng,
}

struct Replication<'a, O: Observer> {
    scenario: &'a Scenario,
    model: &'a SkillModel,
    observer: &'a mut O,
    tables: Tables,
    calendar: Calendar<PackedEvent>,
    /// One line per call type.
    lines: Vec<WaitingLine>,
    /// Callers waiting over all lines.
    waiting: usize,
    groups: Vec<GroupState>,
    arrivals: ArrivalProcess,
    rng: Streams,
    stale: StaleTimers,
    intervals: usize,
    tallies: Vec<IntervalTally>,
    /// `type_tallies[t * intervals + k]`.
    type_tallies: Vec<IntervalTally>,
    /// `group_tallies[g * intervals + k]`.
    group_tallies: Vec<IntervalTally>,
    /// `handled[t * groups + g]`.
    handled: Vec<u64>,
    current: Option<usize>,
    interval_started: f64,
    busy: TimeWeighted,
    present: TimeWeighted,
    group_busy: Vec<TimeWeighted>,
    group_present: Vec<TimeWeighted>,
    /// (busy, present) of each group as last recorded, and their sums.
    recorded: Vec<(u32, u32)>,
    busy_total: u32,
    present_total: u32,
    last_event: f64,
    calls: u64,
    /// The next arrival, not yet arrived: (time, type, handle time, patience).
    drawn: Option<(f64, usize, f64, Option<f64>)>,
}

impl<'a, O: Observer> Replication<'a, O> {
    fn new(
        scenario: &'a Scenario,
        model: &'a SkillModel,
        replication: u64,
        observer: &'a mut O,
    ) -> Self {
        let seed = scenario.seed;
        let stream = |s| streams(seed, replication, s);
        let busyness = busyness_factor(scenario.busyness_cv, &mut stream(STREAM_BUSYNESS));
        let n = scenario.intervals();
        let first: Vec<u32> = model.groups.iter().map(|g| g.agents[0]).collect();
        let first_total: u32 = first.iter().sum();
        let mut calendar = Calendar::with_capacity(first_total as usize * 2 + n + 64);
        let start = scenario.measure_start_s();
        let first_boundary = if start > 0.0 { 0 } else { 1 };
        for k in first_boundary..n {
            let t = start + scenario.interval_s * k as f64;
            calendar.schedule(t, PackedEvent::pack(Event::Boundary { interval: k as u32 }));
        }
        calendar.schedule(scenario.arrivals_end_s(), PackedEvent::pack(Event::Close));
        let groups: Vec<GroupState> = model
            .groups
            .iter()
            .map(|g| {
                let most = g.agents.iter().copied().max().unwrap_or(0);
                let mut state = GroupState::with_capacity(most as usize);
                state.set_target(0.0, g.agents[0]);
                state
            })
            .collect();
        observer.agents(0.0, 0, first_total);
        let n_types = model.types.len();
        let n_groups = model.groups.len();
        Replication {
            scenario,
            model,
            observer,
            tables: Tables::new(scenario, model),
            calendar,
            lines: (0..n_types)
                .map(|_| WaitingLine::with_capacity(first_total as usize + 64))
                .collect(),
            waiting: 0,
            groups,
            arrivals: ArrivalProcess::new(scenario, busyness),
            rng: Streams {
                arrivals: stream(STREAM_ARRIVALS),
                call_type: stream(STREAM_CALL_TYPE),
                handle: stream(STREAM_HANDLE_TIME),
                patience: stream(STREAM_PATIENCE),
            },
            stale: StaleTimers::default(),
            intervals: n,
            tallies: vec![IntervalTally::default(); n],
            type_tallies: vec![IntervalTally::default(); n_types * n],
            group_tallies: vec![IntervalTally::default(); n_groups * n],
            handled: vec![0; n_types * n_groups],
            current: (start == 0.0).then_some(0),
            interval_started: 0.0,
            busy: TimeWeighted::new(0.0, 0.0),
            present: TimeWeighted::new(0.0, first_total as f64),
            group_busy: vec![TimeWeighted::new(0.0, 0.0); n_groups],
            group_present: first
                .iter()
                .map(|&a| TimeWeighted::new(0.0, a as f64))
                .collect(),
            recorded: first.iter().map(|&a| (0, a)).collect(),
            busy_total: 0,
            present_total: first_total,
            last_event: 0.0,
            calls: 0,
            drawn: None,
        }
    }

    fn run(&mut self) {
        self.drawn = self.draw_arrival();
        loop {
            // ties: the calendar first (a caller arriving exactly at an interval boundary
            // meets the new staffing)
            let calendar = self.calendar.next_time().unwrap_or(f64::INFINITY);
            let drawn = self.drawn.map_or(f64::INFINITY, |a| a.0);
            if calendar <= drawn {
                let Some((t, event)) = self.calendar.pop() else {
                    break; // every source is exhausted
                };
                match event.unpack() {
                    Event::ServiceEnd { group } => self.on_service_end(t, group as usize),
                    Event::Abandon { ty, ticket } => self.on_patience_end(t, ty as usize, ticket),
                    Event::Eligible { ty, level, ticket } => {
                        self.on_eligible(t, ty as usize, level as usize, ticket)
                    }
                    Event::Boundary { interval } => self.on_boundary(t, interval as usize),
                    Event::Close => self.on_close(t),
                }
            } else if let Some((t, ty, handle, patience)) = self.drawn.take() {
                self.drawn = self.draw_arrival();
                self.arrive(t, ty, handle, patience);
            }
        }
    }

    /// The next arrival: its time, type, talk time and patience (drawn for every caller, so
    /// that they do not depend on the staffing: common random numbers).
    #[inline]
    fn draw_arrival(&mut self) -> Option<(f64, usize, f64, Option<f64>)> {
        let t = self.arrivals.next(&mut self.rng.arrivals)?;
        let ty = if self.model.types.len() == 1 {
            0
        } else {
            // the warm-up runs at the first interval's rates
            let k = self.scenario.interval_of(t).unwrap_or(0);
            let cumulative = &self.tables.cumulative_rate[k];
            let total = cumulative.last().copied().unwrap_or(0.0);
            let u = unit_interval(&mut self.rng.call_type) * total;
            cumulative
                .iter()
                .position(|&c| u < c)
                .unwrap_or(cumulative.len() - 1)
        };
        let call_type = &self.model.types[ty];
        let handle = call_type.handle_time.sample(&mut self.rng.handle);
        let patience = call_type
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.rng.patience));
        Some((t, ty, handle, patience))
    }

    /// A call of type `ty` arrives at `t`: to a free agent of the best-ranked group that takes
    /// it at once, or into its type's line.
    fn arrive(&mut self, t: f64, ty: usize, handle: f64, patience: Option<f64>) {
        self.calls += 1;
        let attempt = self.calls;
        self.observer.call(t, attempt, CallEvent::Arrived);
        self.last_event = t;
        if let Some(k) = self.current {
            self.tallies[k].offered += 1;
            self.type_tallies[ty * self.intervals + k].offered += 1;
        }
        let caller = Caller {
            attempt,
            arrival: t,
            handle,
            interval: self.current.map(|k| k as u32),
            customer: None,
            callback: false,
            reached: false,
        };
        if let Some(g) = self.free_group(&self.tables.immediate[ty])
            && self.groups[g].seize()
        {
            self.start_call(t, caller, ty, g);
            self.levels_changed(t, g);
            return;
        }
        self.observer.call(t, attempt, CallEvent::Queued);
        let ticket = self.lines[ty].join(caller);
        self.waiting += 1;
        let ty32 = ty as u32;
        if let Some(p) = patience {
            self.calendar.schedule(
                t + p,
                PackedEvent::pack(Event::Abandon { ty: ty32, ticket }),
            );
        }
        for (level, (delay, _)) in self.tables.delayed[ty].iter().enumerate() {
            let event = Event::Eligible {
                ty: ty32,
                level: level as u32,
                ticket,
            };
            self.calendar.schedule(t + delay, PackedEvent::pack(event));
        }
        if let Some(k) = self.current {
            let holding = self.lines[ty].len() as u64;
            let type_tally = &mut self.type_tallies[ty * self.intervals + k];
            type_tally.queued += 1;
            type_tally.max_queue = type_tally.max_queue.max(holding);
            let tally = &mut self.tallies[k];
            tally.queued += 1;
            tally.max_queue = tally.max_queue.max(self.waiting as u64);
        }
    }

    /// Among `routes` (best rank first), the group of the best rank with a free agent, ties
    /// broken by `agent_select`; stops at the first rank that has one.
    #[inline]
    fn free_group(&self, routes: &[Route]) -> Option<usize> {
        let mut best: Option<(usize, u32)> = None;
        for r in routes {
            if let Some((b, rank)) = best {
                if r.rank > rank {
                    break;
                }
                let (candidate, incumbent) = (&self.groups[r.group], &self.groups[b]);
                let better = match self.model.routing.agent_select {
                    AgentSelect::LongestIdle => candidate
                        .longest_idle_since()
                        .zip(incumbent.longest_idle_since())
                        .is_some_and(|(c, i)| c < i),
                    AgentSelect::MostFreeGroup => candidate.pool.free() > incumbent.pool.free(),
                };
                if better {
                    best = Some((r.group, r.rank));
                }
            } else if self.groups[r.group].pool.free() > 0 {
                best = Some((r.group, r.rank));
            }
        }
        best.map(|(g, _)| g)
    }

    /// The call type whose head call an agent of group `g` takes at `t`: the best-ranked
    /// type with an eligible head (waited at least the group's delay), ties by `call_select`.
    #[inline]
    fn next_type(&self, g: usize, t: f64) -> Option<usize> {
        let mut best: Option<(usize, u32, f64)> = None; // (type, rank, key: larger is better)
        for s in &self.model.groups[g].skills {
            if let Some((_, rank, _)) = best
                && s.rank > rank
            {
                break;
            }
            let line = &self.lines[s.call_type];
            let Some(head) = line.first() else {
                continue;
            };
            if head.arrival + s.delay_s > t {
                continue;
            }
            let key = match self.model.routing.call_select {
                CallSelect::Oldest => -head.arrival,
                CallSelect::LongestQueue => line.len() as f64,
                CallSelect::WeightedWait => {
                    self.model.types[s.call_type].weight * (t - head.arrival)
                }
            };
            if best.is_none_or(|(_, _, b)| key > b) {
                best = Some((s.call_type, s.rank, key));
            }
        }
        best.map(|(ty, _, _)| ty)
    }

    /// A seized agent of group `g` starts talking to `caller` of type `ty`.
    #[inline]
    fn start_call(&mut self, t: f64, caller: Caller, ty: usize, g: usize) {
        let wait = t - caller.arrival;
        let factor = self.model.groups[g]
            .skill(ty)
            .map_or(1.0, |s| s.handle_time_factor);
        let talk = if factor == 1.0 {
            caller.handle
        } else {
            caller.handle * factor
        };
        self.observer.call(
            t,
            caller.attempt,
            CallEvent::Answered {
                wait_s: wait,
                talk_s: talk,
            },
        );
        self.observer.routed(t, caller.attempt, ty, g);
        if let Some(k) = caller.interval {
            let k = k as usize;
            let in_time = wait <= self.model.types[ty].service_level.threshold_s;
            for tally in [
                &mut self.tallies[k],
                &mut self.type_tallies[ty * self.intervals + k],
            ] {
                tally.answered += 1;
                tally.wait_answered_s += wait;
                tally.wait_all_s += wait;
                tally.answered_in_threshold += u64::from(in_time);
                tally.waits.record(wait);
            }
            self.group_tallies[g * self.intervals + k].answered += 1;
            self.handled[ty * self.model.groups.len() + g] += 1;
        }
        self.calendar.schedule(
            t + talk,
            PackedEvent::pack(Event::ServiceEnd { group: g as u32 }),
        );
    }

    fn on_service_end(&mut self, t: f64, g: usize) {
        self.last_event = t;
        let waiting = self.next_type(g, t).is_some();
        if self.groups[g].end_call(t, waiting) {
            self.agent_takes_next(t, g);
        }
        self.group_works(t, g);
    }

    fn on_patience_end(&mut self, t: f64, ty: usize, ticket: u64) {
        let Some(caller) = self.lines[ty].leave(ticket) else {
            self.stale.skipped();
            return;
        };
        self.waiting -= 1;
        self.last_event = t;
        let wait = t - caller.arrival;
        self.observer
            .call(t, caller.attempt, CallEvent::Abandoned { wait_s: wait });
        if let Some(k) = caller.interval {
            let k = k as usize;
            for tally in [
                &mut self.tallies[k],
                &mut self.type_tallies[ty * self.intervals + k],
            ] {
                tally.abandoned += 1;
                tally.wait_all_s += wait;
            }
        }
    }

    /// The call of type `ty` holding `ticket` has waited long enough for the groups of delay
    /// level `level`: one of them with a free agent takes it (or the head of a queue it ranks
    /// higher, which is then older or preferred).
    fn on_eligible(&mut self, t: f64, ty: usize, level: usize, ticket: u64) {
        if !self.lines[ty].is_waiting(ticket) {
            return; // answered or abandoned before its wait reached the delay
        }
        let routes = &self.tables.delayed[ty][level].1;
        if let Some(g) = self.free_group(routes)
            && self.groups[g].seize()
        {
            self.last_event = t;
            self.agent_takes_next(t, g);
            self.levels_changed(t, g);
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
                for g in 0..self.groups.len() {
                    self.group_busy[g].take_area(t);
                    self.group_present[g].take_area(t);
                }
                self.interval_started = t;
            }
        }
        self.current = Some(interval);
        for (g, group) in self.model.groups.iter().enumerate() {
            self.groups[g].set_target(t, group.agents[interval]);
        }
        for g in 0..self.groups.len() {
            self.group_works(t, g);
        }
    }

    /// Free agents of group `g` take the eligible calls waiting for them.
    fn group_works(&mut self, t: f64, g: usize) {
        while self.next_type(g, t).is_some() && self.groups[g].seize() {
            self.agent_takes_next(t, g);
        }
        self.levels_changed(t, g);
    }

    fn on_close(&mut self, t: f64) {
        self.last_event = t;
        if let RunKind::SteadyState { .. } = self.scenario.kind
            && let Some(k) = self.current.take()
        {
            self.close_books(k, t);
        }
        for g in 0..self.groups.len() {
            self.groups[g].close();
            self.levels_changed(t, g);
        }
    }

    /// Adds the agent time since the books were last closed to interval `k`.
    fn close_books(&mut self, k: usize, t: f64) {
        let duration = t - self.interval_started;
        let tally = &mut self.tallies[k];
        tally.busy_agent_s += self.busy.take_area(t);
        tally.available_agent_s += self.present.take_area(t);
        tally.duration_s += duration;
        for g in 0..self.groups.len() {
            let tally = &mut self.group_tallies[g * self.intervals + k];
            tally.busy_agent_s += self.group_busy[g].take_area(t);
            tally.available_agent_s += self.group_present[g].take_area(t);
            tally.duration_s += duration;
        }
        for ty in 0..self.model.types.len() {
            self.type_tallies[ty * self.intervals + k].duration_s += duration;
        }
        self.interval_started = t;
    }

    /// Records the agent levels of group `g` (and of the whole center) from `t`.
    #[inline]
    fn levels_changed(&mut self, t: f64, g: usize) {
        let pool = &self.groups[g].pool;
        let (busy, present) = (pool.busy(), pool.present());
        let (old_busy, old_present) = self.recorded[g];
        self.recorded[g] = (busy, present);
        self.busy_total = self.busy_total + busy - old_busy;
        self.present_total = self.present_total + present - old_present;
        self.group_busy[g].set(t, busy as f64);
        self.group_present[g].set(t, present as f64);
        self.busy.set(t, self.busy_total as f64);
        self.present.set(t, self.present_total as f64);
        self.observer.agents(t, self.busy_total, self.present_total);
    }

    /// An agent of group `g` (already counted busy) takes the head call of the best eligible
    /// queue; if there is none, the agent is released.
    fn agent_takes_next(&mut self, t: f64, g: usize) {
        let Some(ty) = self.next_type(g, t) else {
            self.groups[g].end_call(t, false);
            return;
        };
        let Some(caller) = self.lines[ty].take_first() else {
            self.groups[g].end_call(t, false);
            return;
        };
        self.waiting -= 1;
        if self.model.types[ty].patience.is_some() {
            self.stale.answered_before_timer();
            if self.stale.purge_due(self.calendar.len()) {
                let lines = &self.lines;
                self.calendar.retain(|e| match e.unpack() {
                    Event::Abandon { ty, ticket } | Event::Eligible { ty, ticket, .. } => {
                        lines[ty as usize].is_waiting(ticket)
                    }
                    _ => true,
                });
                self.stale.purged();
            }
        }
        self.start_call(t, caller, ty, g);
    }

    fn finish(mut self) -> SkillOutcome {
        if let Some(k) = self.current {
            // working day: the last interval's books stay open through the overtime
            let end = self.last_event.max(self.scenario.arrivals_end_s());
            self.close_books(k, end);
        }
        // one attempt per customer: the customer KPIs are those of the attempts
        for t in self.tallies.iter_mut().chain(self.type_tallies.iter_mut()) {
            t.customers = t.offered;
            t.customer_attempts = t.offered;
            t.served_customers = t.answered;
            t.served_first_attempt = t.answered;
            t.lost_customers = t.abandoned + t.balked + t.blocked;
        }
        if let Some(costs) = &self.scenario.costs {
            for t in &mut self.tallies {
                costs.apply(t, 0.0, 0.0);
            }
        }
        debug_assert!(self.waiting == 0, "every caller leaves the line");
        for tally in self.tallies.iter().chain(&self.type_tallies) {
            debug_assert!(tally.balances(), "every call ends once: {tally:?}");
        }
        let n = self.intervals;
        let split = |all: Vec<IntervalTally>| -> Vec<Vec<IntervalTally>> {
            all.chunks(n.max(1))
                .map(<[IntervalTally]>::to_vec)
                .collect()
        };
        let n_groups = self.model.groups.len();
        SkillOutcome {
            total: ReplicationOutcome {
                intervals: self.tallies,
                calls: self.calls,
            },
            by_type: split(self.type_tallies),
            by_group: split(self.group_tallies),
            handled: self
                .handled
                .chunks(n_groups.max(1))
                .map(<[u64]>::to_vec)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, run_replication, test_support};

    /// The shared test call center with lognormal talk times and some day-level busyness, so
    /// that every random draw of the loop is exercised.
    fn scenario(kind: RunKind, calls: &[f64], agents: &[u32], patience: Option<f64>) -> Scenario {
        let patience = patience.map(|p| Dist::exponential(p).unwrap());
        Scenario {
            seed: 5,
            busyness_cv: 0.2,
            handle_time: Dist::lognormal(240.0, 0.8).unwrap(),
            ..test_support::scenario(kind, calls, agents, patience)
        }
    }

    /// One call type served by one group draws the same numbers in the same order as the
    /// single-queue loop: every counter and every sum is the same, bit for bit.
    #[test]
    fn one_type_one_group_is_the_single_queue_loop() {
        let day = test_support::NINE_TO_CLOSE;
        let steady = RunKind::SteadyState { warmup_s: 1800.0 };
        let cases = [
            scenario(day.clone(), &[30.0, 80.0, 40.0], &[3, 5, 4], Some(90.0)),
            scenario(day.clone(), &[100.0, 100.0], &[2, 2], None),
            scenario(day, &[0.0, 20.0], &[0, 1], Some(30.0)),
            scenario(steady.clone(), &[400.0; 6], &[52; 6], Some(300.0)),
            // long patience: stale timers are purged along the way
            scenario(steady, &[427.5; 40], &[60; 40], Some(1e6)),
        ];
        for (i, sc) in cases.iter().enumerate() {
            let model = SkillModel::single(sc);
            for rep in 0..2 {
                let single = run_replication(sc, rep);
                let multi = run_skill_replication(sc, &model, rep);
                assert_eq!(single.calls, multi.total.calls, "case {i}");
                assert_eq!(
                    format!("{:?}", single.intervals),
                    format!("{:?}", multi.total.intervals),
                    "case {i}, replication {rep}"
                );
                let answered: u64 = single.intervals.iter().map(|t| t.answered).sum();
                assert_eq!(multi.handled, vec![vec![answered]]);
            }
        }
    }

    #[test]
    fn events_survive_packing() {
        for e in [
            Event::ServiceEnd { group: 254 },
            Event::Abandon { ty: 0, ticket: 0 },
            Event::Abandon {
                ty: 254,
                ticket: (1 << 53) - 1,
            },
            Event::Eligible {
                ty: 7,
                level: 254,
                ticket: (1 << 45) - 1,
            },
            Event::Boundary { interval: 47 },
            Event::Close,
        ] {
            assert_eq!(PackedEvent::pack(e).unpack(), e);
        }
    }
}
