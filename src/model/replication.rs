//! One replication: the event loop of the call center, from opening (or the start of the
//! warm-up) until the last caller has left. One loop for every call center: a single queue is
//! one call type served by one agent group, and the loop is generic over the `Router` that
//! says how calls meet agents, so the single queue (`OneQueue`) pays nothing for skills
//! (`Skills`).
//!
//! The life of an attempt (DESIGN.md): lines → a free agent of a group that takes the type? →
//! announced wait → balking → callback offer → the type's queue → answered, or abandoned when
//! patience runs out first. A failed attempt (blocked, balked, abandoned) may be retried; a
//! customer who never gets through is lost. Each mechanism is one module and a section of the
//! call type (a single queue's sections are its one type's); this file only calls them at
//! their place, and a mechanism whose section is absent costs nothing.
//!
//! With call types, the mechanisms act per type: each type has its own balking curve,
//! callback offer, retrials and proactive campaign; `[lines]` are trunks shared by every
//! type; a callback and a proactive call are made by an agent of a group that takes the type.
//! Calls are counted for the whole center and for their type (the accounting identities hold
//! for both), agent time for the whole center and for each group: with call types a call is
//! counted once, in its type's tally, and agent time once, in its group's; the center's are
//! their sums, added up as the books close.
//!
//! The next first-attempt arrival is kept beside the calendar rather than in it (one heap
//! operation less per call); on a tie the calendar goes first, so a caller arriving exactly at
//! an interval boundary already meets the new interval's staffing.

use super::abandonment::StaleTimers;
use super::arrivals::{ArrivalProcess, busyness_factor, stratified_busyness};
use super::callback::expected_wait_s;
use super::carry::{Due, Pending};
use super::config::{RunKind, Scenario};
use super::customers::{Customer, CustomerId, Customers};
use super::observer::{CallEvent, NoObserver, Observer};
use super::proactive::{Channel, Targeting};
use super::queue::Caller;
use super::routing::SkillModel;
use super::routing::router::{OneQueue, Router, Skills};
use crate::engine::{Calendar, Stream, StreamRng, Timers, streams};
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
    /// Reporting interval `interval` starts: its staffing takes over.
    Boundary { interval: u32 },
    /// Arrivals stop (close of the day, or end of the steady-state horizon).
    Close,
    /// A customer calls again.
    Retrial { customer: CustomerId },
    /// An unanswered callback is due to be tried again: the customer rejoins the line.
    CallbackRetry { customer: CustomerId },
}

/// An [`Event`] packed into one word for the calendar, which keeps calendar entries at 24
/// bytes (the calendar's speed is the simulator's speed): the kind in the top 3 bits, then
/// the type (8 bits) and the ticket in the low bits.
#[derive(Debug, Clone, Copy)]
struct PackedEvent(u64);

impl PackedEvent {
    const KIND_SHIFT: u32 = 61;
    const TYPE_SHIFT: u32 = 53;
    const LOW8: u64 = 0xff;

    #[inline]
    fn pack(event: Event) -> Self {
        let (kind, payload) = match event {
            Event::ServiceEnd { group } => (0, group as u64),
            Event::Abandon { ty, ticket } => (1, ((ty as u64) << Self::TYPE_SHIFT) | ticket),
            Event::Boundary { interval } => (3, interval as u64),
            Event::Close => (4, 0),
            Event::Retrial { customer } => (5, customer as u64),
            Event::CallbackRetry { customer } => (6, customer as u64),
        };
        debug_assert!(payload < 1 << Self::KIND_SHIFT);
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
            3 => Event::Boundary {
                interval: payload as u32,
            },
            4 => Event::Close,
            5 => Event::Retrial {
                customer: payload as CustomerId,
            },
            _ => Event::CallbackRetry {
                customer: payload as CustomerId,
            },
        }
    }
}

/// A delay level's walk along its type's line: the call of type `ty` holding `ticket` is
/// the next to have waited long enough for the groups of delay level `level` of its type.
///
/// A walk is only needed while some group of its level has a free agent: a free agent never
/// has an eligible call waiting (an agent who becomes free first looks for one), so a call
/// crossing the delay while every agent of the level is busy is taken by the first of them
/// to free up, not by the walk. The walk then pauses (`paused`: its timer is not set again)
/// and resumes at the head of the line when a group of the level goes from no free agent to
/// some ([`Replication::resume_walks`]). A walk is pending, or paused (no group of its level
/// has a free agent), or idle (its line is empty).
#[derive(Debug, Clone, Copy)]
struct Walk {
    ty: u32,
    level: u32,
    ticket: u64,
    /// The level's delay, seconds.
    delay_s: f64,
    /// The groups of the level: `level_groups[groups.0..groups.1]`.
    groups: (u32, u32),
    /// Paused: no group of the level had a free agent when last looked at, and the timer is
    /// not set.
    paused: bool,
}

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutcome {
    /// The whole center, one tally per reporting interval.
    pub intervals: Vec<IntervalTally>,
    /// Every call attempt simulated, warm-up included (for speed figures).
    pub calls: u64,
    /// Per call type `t`, one tally per interval: `by_type[t][k]` (scenarios with call types;
    /// empty for a single queue, whose one type is the whole center). Service level counts
    /// calls answered within the type's own threshold; agent time is the talk time of the
    /// type's calls, counted in the interval they arrived in.
    pub by_type: Vec<Vec<IntervalTally>>,
    /// Per agent group `g`, one tally per interval (empty for a single queue): `answered` is
    /// the calls the group handled, callbacks included (by the interval the call arrived in);
    /// agent time as for the whole center.
    pub by_group: Vec<Vec<IntervalTally>>,
    /// Calls handled in the measured window by type and group, `handled[t][g]` (empty for a
    /// single queue).
    pub handled: Vec<Vec<u64>>,
    /// Customers still due to call again or to be called back at closing, handed on to the
    /// next morning (empty unless the day was asked to hand them on: see [`Carry`]).
    pub carried: Vec<Pending>,
}

/// How a day of a run of several days begins and ends (see [`super::carry`]); the default
/// is a day alone: nobody from the day before, and customers still due at closing are lost.
#[derive(Debug, Clone, Default)]
pub struct Carry {
    /// Customers the day before handed on.
    pub from_yesterday: Vec<Pending>,
    /// Hand on the customers still due at closing (in [`ReplicationOutcome::carried`])
    /// instead of losing them.
    pub hand_on: bool,
}

/// Most callers one replication may hold at once (waiting in line, or followed between
/// attempts): past it the center is running away (far more calls than its agents can take,
/// and callers who never give up), and the replication stops with [`Stopped::RunAway`]
/// rather than exhaust memory (about 100 bytes a caller: 500 MB at the bound).
pub const MAX_CALLERS_HELD: usize = 5_000_000;

/// Every this many call attempts a replication asks whether it may go on (see
/// [`run_replication_until`]).
const ASK_EVERY_CALLS: u64 = 1 << 16;

/// Why a replication stopped before its end.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Stopped {
    /// Too many callers at once: the center never catches up.
    #[error(
        "the center runs away: {held} callers held at once after {t_s:.0} s of simulated time \
         (at most {MAX_CALLERS_HELD}); far more calls arrive than the agents can answer and \
         nobody gives up. Add agents, give callers a patience, or shorten the run"
    )]
    RunAway {
        /// Simulated time when the bound was passed, seconds.
        t_s: f64,
        /// Callers held then.
        held: usize,
    },
    /// The caller asked it to stop (a newer what-if, or a time limit).
    #[error("stopped before its end (a time limit, or a newer request)")]
    Interrupted,
}

/// Runs replication `replication` of `scenario`.
pub fn run_replication(
    scenario: &Scenario,
    replication: u64,
) -> Result<ReplicationOutcome, Stopped> {
    run_replication_observed(scenario, replication, &mut NoObserver)
}

/// Runs replication `replication` of `scenario` with `observer` watching every call attempt,
/// every routing decision and the agents' levels; the results are the same as
/// [`run_replication`]'s.
pub fn run_replication_observed<O: Observer>(
    scenario: &Scenario,
    replication: u64,
    observer: &mut O,
) -> Result<ReplicationOutcome, Stopped> {
    run_replication_until(scenario, replication, observer, &|| true)
}

/// [`run_replication_observed`], asking `go_on` every 65,536 call attempts whether to go on:
/// once it says no, the replication stops with [`Stopped::Interrupted`]. A replication that
/// is not stopped gives exactly what [`run_replication`] gives.
pub fn run_replication_until<O: Observer>(
    scenario: &Scenario,
    replication: u64,
    observer: &mut O,
    go_on: &dyn Fn() -> bool,
) -> Result<ReplicationOutcome, Stopped> {
    run_day_until(scenario, replication, Carry::default(), observer, go_on)
}

/// [`run_replication_until`] of one day of a run of several days (a working day): it starts
/// with the customers `carry` brings from the day before, and hands on those still due at
/// closing if `carry` says so.
pub fn run_day_until<O: Observer>(
    scenario: &Scenario,
    replication: u64,
    carry: Carry,
    observer: &mut O,
    go_on: &dyn Fn() -> bool,
) -> Result<ReplicationOutcome, Stopped> {
    match &scenario.skills {
        Some(model) => routed(
            scenario,
            model,
            Skills::new(scenario, model),
            replication,
            carry,
            observer,
            go_on,
        ),
        None => {
            let model = SkillModel::single(scenario);
            routed(
                scenario,
                &model,
                OneQueue::new(&model),
                replication,
                carry,
                observer,
                go_on,
            )
        }
    }
}

/// Runs one replication of the center `model` of `scenario` through `router`.
fn routed<R: Router, O: Observer>(
    scenario: &Scenario,
    model: &SkillModel,
    router: R,
    replication: u64,
    carry: Carry,
    observer: &mut O,
    go_on: &dyn Fn() -> bool,
) -> Result<ReplicationOutcome, Stopped> {
    let mut day = Replication::new(scenario, model, router, replication, observer, go_on);
    day.hand_on = carry.hand_on;
    day.morning(carry.from_yesterday);
    day.run();
    match day.stopped.take() {
        Some(why) => Err(why),
        None => Ok(day.finish()),
    }
}

/// The random streams of one replication.
struct Streams {
    arrivals: StreamRng,
    call_type: StreamRng,
    handle: StreamRng,
    patience: StreamRng,
    retrials: StreamRng,
    retrial_patience: StreamRng,
    callback: StreamRng,
    balking: StreamRng,
    proactive: StreamRng,
}

/// A first attempt as drawn from the arrival process: when, of which type, the caller's needs
/// (drawn for every caller, answered at once or not, so that they do not depend on the
/// staffing: common random numbers), and what proactive contact decided.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    t: f64,
    ty: usize,
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

/// What a caller who found no free agent does, once the announced wait is heard.
enum OnHold {
    Balks,
    /// Offered a callback; accepted or not.
    Offered(bool),
    Waits,
}

/// The time-weighted sums of one group's busy and present agents, and those levels as last
/// told to an observer that [watches them](Observer::WATCHES_AGENTS) (kept together: one
/// look-up per change of the group's levels).
struct GroupLevels {
    busy: u32,
    present: u32,
    busy_area: TimeWeighted,
    present_area: TimeWeighted,
    /// How many walks of the group's delay levels are paused (kept here: looked at as the
    /// group's levels change).
    paused_walks: u32,
    /// The walks of the group's delay levels: `group_walks[walks.0..walks.1]`.
    walks: (u32, u32),
}

struct Replication<'a, R: Router, O: Observer> {
    scenario: &'a Scenario,
    observer: &'a mut O,
    /// Asked every [`ASK_EVERY_CALLS`] attempts whether to go on.
    go_on: &'a dyn Fn() -> bool,
    /// Why the replication stopped early, if it did.
    stopped: Option<Stopped>,
    router: R,
    calendar: Calendar<PackedEvent>,
    /// Callback placeholders in the lines (customers not holding on), over all types.
    callbacks_in_line: usize,
    /// Callback placeholders in each type's line (with call types only).
    type_callbacks_in_line: Vec<usize>,
    /// Callers in every line, placeholders included (with call types only).
    waiting: usize,
    /// Per call type and delay level, one timer (see [`Walk`]): it walks the line in ticket
    /// order (calls reach a delay in the order they joined), instead of one event per waiting
    /// call. Timer `walk_base[ty] + level`; kept beside the calendar, not in it.
    walks: Timers,
    /// What each timer of `walks` is for.
    walk: Vec<Walk>,
    /// Per call type: the timer of its first delay level (and the number of timers at the
    /// end): type `ty`'s timers are `walk_base[ty]..walk_base[ty + 1]`.
    walk_base: Vec<usize>,
    /// The groups of each walk's delay level, one walk after the other (see
    /// [`Walk::groups`]).
    level_groups: Vec<u32>,
    /// The walks of each group's delay levels, one group after the other (see
    /// [`GroupLevels::walks`]).
    group_walks: Vec<u32>,
    arrivals: ArrivalProcess,
    rng: Streams,
    /// True when customers are followed across attempts (some type has retrials or
    /// callbacks).
    tracks_customers: bool,
    customers: Customers,
    stale: StaleTimers,
    /// Number of reporting intervals.
    n: usize,
    tallies: Vec<IntervalTally>,
    /// `type_tallies[t * n + k]` (with call types only).
    type_tallies: Vec<IntervalTally>,
    /// `group_tallies[g * n + k]` (with call types only).
    group_tallies: Vec<IntervalTally>,
    /// `handled[t * groups + g]` (with call types only).
    handled: Vec<u64>,
    /// The interval whose agent time is being measured; `None` in warm-up and after a
    /// steady-state horizon.
    current: Option<usize>,
    interval_started: f64,
    /// Busy and present agents of the whole center (a single queue; with call types the
    /// center's agent time is the sum of its groups', added up as each interval closes).
    busy: TimeWeighted,
    present: TimeWeighted,
    /// The agent levels of each group (with call types).
    group_levels: Vec<GroupLevels>,
    /// The sums of the groups' busy and present agents as last told to the observer (with
    /// call types, when it [watches them](Observer::WATCHES_AGENTS)).
    busy_total: u32,
    present_total: u32,
    /// Time of the last event that changed anything (stale timers do not count).
    last_event: f64,
    /// False once arrivals have stopped: retrials and callback retries are no longer made.
    open: bool,
    calls: u64,
    /// When the next arrival from the arrival process is due to be handled (seconds): when it
    /// calls, or with proactive agent calls when its need becomes known; infinity once
    /// arrivals have stopped.
    next_s: f64,
    /// With proactive agent calls, that next arrival, drawn whole ahead of time (its targeting
    /// comes before the outbound calls it leads to: the proactive stream's order).
    drawn: Option<Arrival>,
    /// The call-type mix changes between intervals (see [`Router::mix_varies`]).
    mix_varies: bool,
    /// With proactive agent calls: how long before a covered customer would call the need is
    /// known (seconds); arrivals are drawn that far ahead.
    lead_s: Option<f64>,
    /// Arrivals known ahead, in time order (proactive agent calls only).
    upcoming: VecDeque<Arrival>,
    /// Sequence number of the front of `upcoming`.
    upcoming_head: u64,
    /// Per call type: covered customers awaiting an outbound call, by sequence number.
    outbound_backlog: Vec<VecDeque<u64>>,
    /// Hand on the customers still due at closing to the next morning, instead of losing
    /// them.
    hand_on: bool,
    /// The customers handed on so far.
    handed_on: Vec<Pending>,
}

impl<'a, R: Router, O: Observer> Replication<'a, R, O> {
    fn new(
        scenario: &'a Scenario,
        model: &SkillModel,
        router: R,
        replication: u64,
        observer: &'a mut O,
        go_on: &'a dyn Fn() -> bool,
    ) -> Self {
        let seed = scenario.seed;
        let stream = |s| streams(seed, replication, s);
        let busyness = if scenario.stratified_days {
            stratified_busyness(
                scenario.busyness_cv,
                replication,
                &mut stream(STREAM_BUSYNESS),
            )
        } else {
            busyness_factor(scenario.busyness_cv, &mut stream(STREAM_BUSYNESS))
        };
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
        observer.agents(0.0, 0, first_total);
        let (n_types, n_groups) = if R::TYPED {
            (model.types.len(), model.groups.len())
        } else {
            (0, 0)
        };
        // validation allows agent calls with one deadline for every type
        let lead_s = model
            .types
            .iter()
            .filter_map(|ty| ty.proactive.as_ref().and_then(|p| p.deadline_s()))
            .reduce(f64::max);
        let mix_varies = router.mix_varies();
        let (mut walk, mut walk_base, mut level_groups) = (Vec::new(), Vec::new(), Vec::new());
        for ty in 0..n_types {
            walk_base.push(walk.len());
            for (level, (delay_s, routes)) in router.delays(ty).iter().enumerate() {
                let from = level_groups.len() as u32;
                level_groups.extend(routes.iter().map(|r| r.group() as u32));
                walk.push(Walk {
                    ty: ty as u32,
                    level: level as u32,
                    ticket: 0,
                    delay_s: *delay_s,
                    groups: (from, level_groups.len() as u32),
                    paused: false,
                });
            }
        }
        walk_base.push(walk.len());
        let mut group_walks = Vec::new();
        let walk_ranges: Vec<(u32, u32)> = (0..n_groups as u32)
            .map(|g| {
                let from = group_walks.len() as u32;
                group_walks.extend((0..walk.len() as u32).filter(|&slot| {
                    let (a, b) = walk[slot as usize].groups;
                    level_groups[a as usize..b as usize].contains(&g)
                }));
                (from, group_walks.len() as u32)
            })
            .collect();
        Replication {
            scenario,
            observer,
            go_on,
            stopped: None,
            router,
            calendar,
            callbacks_in_line: 0,
            type_callbacks_in_line: vec![0; n_types],
            waiting: 0,
            walks: Timers::new(walk.len()),
            walk,
            walk_base,
            level_groups,
            group_walks,
            arrivals: ArrivalProcess::new(scenario, busyness),
            rng: Streams {
                arrivals: stream(STREAM_ARRIVALS),
                call_type: stream(STREAM_CALL_TYPE),
                handle: stream(STREAM_HANDLE_TIME),
                patience: stream(STREAM_PATIENCE),
                retrials: stream(STREAM_RETRIALS),
                retrial_patience: stream(STREAM_RETRIAL_PATIENCE),
                callback: stream(STREAM_CALLBACK),
                balking: stream(STREAM_BALKING),
                proactive: stream(STREAM_PROACTIVE),
            },
            tracks_customers: model.types.iter().any(|ty| ty.tracks_customers()),
            customers: Customers::default(),
            stale: StaleTimers::default(),
            n,
            tallies: vec![IntervalTally::default(); n],
            type_tallies: vec![IntervalTally::default(); n_types * n],
            group_tallies: vec![IntervalTally::default(); n_groups * n],
            handled: vec![0; n_types * n_groups],
            current: (start == 0.0).then_some(0),
            interval_started: 0.0,
            busy: TimeWeighted::new(0.0, 0.0),
            present: TimeWeighted::new(0.0, first_total as f64),
            group_levels: first
                .iter()
                .zip(walk_ranges)
                .map(|(&a, walks)| GroupLevels {
                    busy: 0,
                    present: a,
                    busy_area: TimeWeighted::new(0.0, 0.0),
                    present_area: TimeWeighted::new(0.0, a as f64),
                    paused_walks: 0,
                    walks,
                })
                .collect(),
            busy_total: 0,
            present_total: first_total,
            last_event: 0.0,
            open: true,
            calls: 0,
            next_s: f64::INFINITY,
            drawn: None,
            mix_varies,
            lead_s,
            upcoming: VecDeque::new(),
            upcoming_head: 0,
            outbound_backlog: vec![VecDeque::new(); model.types.len()],
            hand_on: false,
            handed_on: Vec::new(),
        }
    }

    /// The customers the day before handed on come back: callbacks at the opening, first,
    /// in the order due; retrials at the part of their delay that fell after closing (still
    /// after this day's closing: handed on again, or lost). Each is counted in the interval
    /// they come back in, as a customer of that interval (`carried_in`).
    fn morning(&mut self, mut pending: Vec<Pending>) {
        Pending::morning_order(&mut pending);
        let close = self.scenario.arrivals_end_s();
        for p in pending {
            let at = p.at_s();
            let k = self.scenario.interval_of(at).unwrap_or(self.n - 1);
            let callback = matches!(p.due, Due::Callback { .. });
            let c = p.customer;
            let id = self.customers.insert(Customer {
                first_interval: Some(k as u32),
                callback_interval: if callback {
                    Some(k as u32)
                } else {
                    c.callback_interval
                },
                ..c
            });
            self.count(c.call_type as usize, k, |tally| {
                tally.carried_in += 1;
                tally.callbacks_carried_in += u64::from(callback);
            });
            let event = if callback {
                Event::CallbackRetry { customer: id }
            } else if at < close {
                Event::Retrial { customer: id }
            } else if self.hand_on {
                self.hand_on(id, at, false);
                continue;
            } else {
                self.tracked_customer_done(id, false);
                continue;
            };
            self.calendar.schedule(at, PackedEvent::pack(event));
        }
    }

    /// Customer `id` is due at `due_s`, after closing, to call again (or, `callback`, to be
    /// called back): handed on to the next morning (when the day hands on; a day alone, and
    /// the last day, lose them instead).
    fn hand_on(&mut self, id: CustomerId, due_s: f64, callback: bool) {
        let c = self.customers.remove(id);
        let ty = c.call_type as usize;
        if let Some(k) = c.first_interval {
            self.count(ty, k as usize, |tally| tally.carried_over += 1);
        }
        if callback && let Some(k) = c.callback_interval {
            self.count(ty, k as usize, |tally| tally.callbacks_carried_over += 1);
        }
        let close = self.scenario.arrivals_end_s();
        self.handed_on
            .push(Pending::handed_on(due_s, close, callback, c));
    }

    fn run(&mut self) {
        self.draw_next();
        loop {
            // ties: the calendar first (a caller arriving exactly at an interval boundary
            // meets the new staffing), then the drawn arrival, then those known ahead
            let mut calendar = self.calendar.next_time().unwrap_or(f64::INFINITY);
            // (the time first: one comparison in the common case)
            let walk_first = R::TYPED
                && self.walks.first_time() <= calendar
                && self.walks.precede(self.calendar.next_key());
            if walk_first {
                calendar = self.walks.first_time();
            }
            let drawn = self.next_s;
            let upcoming = self.upcoming.front().map_or(f64::INFINITY, |a| a.t);
            if calendar <= drawn && calendar <= upcoming {
                if walk_first {
                    if let Some((t, slot)) = self.walks.pop() {
                        let Walk {
                            ty, level, ticket, ..
                        } = self.walk[slot];
                        self.on_eligible(t, slot, ty as usize, level as usize, ticket);
                    }
                    continue;
                }
                let Some((t, event)) = self.calendar.pop() else {
                    break; // every source is exhausted
                };
                match event.unpack() {
                    Event::ServiceEnd { group } => self.on_service_end(t, group as usize),
                    Event::Abandon { ty, ticket } => self.on_patience_end(t, ty as usize, ticket),
                    Event::Boundary { interval } => self.on_boundary(t, interval as usize),
                    Event::Close => self.on_close(t),
                    Event::Retrial { customer } => self.on_retrial(t, customer),
                    Event::CallbackRetry { customer } => self.on_callback_retry(t, customer),
                }
            } else if drawn <= upcoming {
                if self.lead_s.is_some() {
                    let Some(arrival) = self.drawn.take() else {
                        break;
                    };
                    self.draw_next();
                    self.need_known(drawn, arrival);
                } else {
                    // the caller's needs are drawn now, their time already was: each random
                    // stream is drawn in the order of arrivals either way
                    self.draw_next();
                    let arrival = self.arrival_at(drawn);
                    self.first_attempt(arrival);
                }
            } else if let Some(arrival) = self.upcoming.pop_front() {
                self.upcoming_head += 1;
                self.first_attempt(arrival);
            }
        }
    }

    /// Applies `count` (calls, customers, their sums and histograms) to interval `k`'s tally
    /// of type `ty` with call types, else of the whole center: a call is counted once. With
    /// call types the center's counts are its types', added up in [`Replication::finish`].
    #[inline(always)]
    fn count(&mut self, ty: usize, k: usize, count: impl Fn(&mut IntervalTally)) {
        let tally = if R::TYPED {
            &mut self.type_tallies[ty * self.n + k]
        } else {
            &mut self.tallies[k]
        };
        count(tally);
    }

    /// Callers holding on in every line (callback placeholders hold no line).
    #[inline]
    fn holding(&self) -> usize {
        let all = if R::TYPED {
            self.waiting
        } else {
            self.router.line(0).len()
        };
        all - self.callbacks_in_line
    }

    /// Draws when the next arrival is due ([`Replication::next_s`]); with proactive agent
    /// calls, the whole arrival ahead of time.
    #[inline(always)]
    fn draw_next(&mut self) {
        let next = self.arrivals.next(&mut self.rng.arrivals);
        match (next, self.lead_s) {
            (None, _) => {
                self.next_s = f64::INFINITY;
                self.drawn = None;
            }
            (Some(t), None) => self.next_s = t,
            (Some(t), Some(lead)) => {
                self.next_s = (t - lead).max(0.0);
                self.drawn = Some(self.arrival_at(t));
            }
        }
    }

    /// Everything about a caller arriving at `t` that does not depend on the state of the
    /// center.
    #[inline(always)]
    fn arrival_at(&mut self, t: f64) -> Arrival {
        let ty = if R::TYPED {
            // the warm-up runs at the first interval's rates; with one mix for every
            // interval, there is nothing to look up
            let k = if self.mix_varies {
                self.scenario.interval_of(t).unwrap_or(0)
            } else {
                0
            };
            self.router.draw_type(k, &mut self.rng.call_type)
        } else {
            0
        };
        let call_type = self.router.call_type(ty);
        let handle = call_type.handle_time.sample(&mut self.rng.handle);
        let patience = call_type
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.rng.patience));
        let targeting = match &call_type.proactive {
            Some(policy) => policy.target(self.scenario.interval_of(t), &mut self.rng.proactive),
            None => Targeting::default(),
        };
        Arrival {
            t,
            ty,
            handle,
            patience,
            targeting,
        }
    }

    /// With proactive agent calls: a customer's need becomes known `lead_s` before they
    /// would call. A customer covered by an agent-call campaign joins its type's outbound
    /// backlog.
    fn need_known(&mut self, t: f64, arrival: Arrival) {
        let seq = self.upcoming_head + self.upcoming.len() as u64;
        self.upcoming.push_back(arrival);
        let by_agent = self
            .router
            .call_type(arrival.ty)
            .proactive
            .as_ref()
            .is_some_and(|p| matches!(p.channel, Channel::AgentCall { .. }));
        if arrival.targeting.covered && by_agent {
            self.outbound_backlog[arrival.ty].push_back(seq);
        }
        self.place_outbound_calls(t);
    }

    /// Call blending: while an agent of a group is idle and no inbound call waits for that
    /// group, the agent calls a covered customer of a type the group takes (best rank first)
    /// who has not called yet. A contact whose customer has already called is dropped.
    fn place_outbound_calls(&mut self, t: f64) {
        for g in 0..self.router.groups() {
            let busy_before = self.router.pool(g).busy();
            while self.open
                && self.router.next_type(g, t).is_none()
                && self.router.pool(g).free() > 0
            {
                let backlog = &self.outbound_backlog;
                let Some(ty) = self
                    .router
                    .skill_types(g)
                    .find(|&ty| !backlog[ty].is_empty())
                else {
                    break;
                };
                let Some(seq) = self.outbound_backlog[ty].pop_front() else {
                    break;
                };
                let Some(i) = seq.checked_sub(self.upcoming_head) else {
                    continue; // the customer called before the campaign reached them
                };
                let Some(policy) = &self.router.call_type(ty).proactive else {
                    break; // unreachable: only types with a campaign have a backlog
                };
                let answered = policy.outbound_call(&mut self.rng.proactive);
                self.router.seize(g);
                if let Some(k) = self.current {
                    self.count(ty, k, |tally| {
                        tally.proactive_contacts += 1;
                        if let Some((talk, _)) = answered {
                            tally.proactive_reached += 1;
                            tally.proactive_agent_s += talk;
                        }
                    });
                }
                match answered {
                    Some((talk, deflected)) => {
                        if let Some(a) = self.upcoming.get_mut(i as usize) {
                            a.targeting.reached = true;
                            a.targeting.deflected = deflected;
                        }
                        let end = Event::ServiceEnd { group: g as u32 };
                        self.calendar.schedule(t + talk, PackedEvent::pack(end));
                    }
                    None => {
                        // no answer: the agent is free again at once
                        self.router.end_call(g, t, false);
                    }
                }
            }
            // only when something changed: an extra breakpoint would change the rounding of
            // the time-weighted sums, and coverage 0 must give the very same bits as no
            // campaign
            if self.router.pool(g).busy() != busy_before {
                self.levels_changed(t, g);
            }
        }
    }

    /// A new customer's need arises: a deflected customer does not call; the others do.
    #[inline(always)]
    fn first_attempt(&mut self, arrival: Arrival) {
        let Arrival {
            t,
            ty,
            mut handle,
            patience,
            targeting,
        } = arrival;
        if let Some(policy) = &self.router.call_type(ty).proactive {
            let message = matches!(policy.channel, Channel::Message);
            let factor = policy.handle_time_factor;
            if let Some(k) = self.current {
                self.count(ty, k, |tally| {
                    tally.proactive_targets += u64::from(targeting.covered);
                    if message && targeting.covered {
                        tally.proactive_contacts += 1;
                        tally.proactive_reached += 1;
                    }
                    tally.calls_deflected += u64::from(targeting.deflected);
                });
            }
            if targeting.deflected {
                self.last_event = t;
                return;
            }
            if targeting.reached {
                handle *= factor;
            }
        }
        let customer = if self.tracks_customers {
            if let Some(k) = self.current {
                self.count(ty, k, |tally| tally.customers += 1);
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
                call_type: ty as u32,
            }))
        } else {
            None
        };
        self.attempt(t, ty, handle, patience, customer, targeting.reached);
    }

    /// A customer calls again (a retrial), with a fresh patience.
    fn on_retrial(&mut self, t: f64, customer: CustomerId) {
        let Customer {
            handle,
            reached,
            call_type,
            ..
        } = *self.customers.get(customer);
        let ty = call_type as usize;
        let patience = self
            .router
            .call_type(ty)
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.rng.retrial_patience));
        if let Some(k) = self.current {
            self.count(ty, k, |tally| tally.retrials += 1);
        }
        self.attempt(t, ty, handle, patience, Some(customer), reached);
    }

    /// One call attempt of type `ty` arrives at `t`. Always inlined (into a first attempt
    /// and a retrial): every call is one.
    #[inline(always)]
    fn attempt(
        &mut self,
        t: f64,
        ty: usize,
        handle: f64,
        patience: Option<f64>,
        customer: Option<CustomerId>,
        reached: bool,
    ) {
        self.calls += 1;
        if self.calls.is_multiple_of(ASK_EVERY_CALLS) && !(self.go_on)() {
            self.stop(Stopped::Interrupted);
            return;
        }
        let attempt = self.calls;
        self.observer.call(t, attempt, CallEvent::Arrived);
        self.last_event = t;
        if let Some(id) = customer {
            self.customers.get_mut(id).attempts += 1;
        }
        if let Some(k) = self.current {
            self.count(ty, k, |tally| tally.offered += 1);
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
            && !lines.admits(self.router.busy(), self.holding())
        {
            self.attempt_failed(t, caller, ty, Failure::Blocked);
            return;
        }
        if let Some(g) = self.router.seize_free(ty) {
            self.start_call(t, caller, ty, g);
            self.levels_changed(t, g);
            return;
        }
        match self.on_hold(ty) {
            OnHold::Balks => {
                self.attempt_failed(t, caller, ty, Failure::Balked);
                return;
            }
            OnHold::Offered(accepted) => {
                if let Some(k) = caller.interval {
                    self.count(ty, k as usize, |tally| {
                        tally.callbacks_offered += 1;
                        tally.callbacks_accepted += u64::from(accepted);
                    });
                }
                if accepted && let Some(id) = customer {
                    let c = self.customers.get_mut(id);
                    c.callback_requested_at = t;
                    c.callback_interval = caller.interval;
                    c.callback_attempts = 0;
                    c.callback_attempt = attempt;
                    self.observer.call(t, attempt, CallEvent::CallbackRequested);
                    self.join_for_callback(caller, ty);
                    return;
                }
            }
            OnHold::Waits => {}
        }
        self.observer.call(t, attempt, CallEvent::Queued);
        let ticket = self.router.join(ty, caller);
        if R::TYPED {
            self.waiting += 1;
        }
        let ty32 = ty as u32;
        if let Some(p) = patience {
            self.calendar.schedule(
                t + p,
                PackedEvent::pack(Event::Abandon { ty: ty32, ticket }),
            );
        }
        // (set after the abandonment timer: a caller whose patience ends at the very instant
        // a delay passes hangs up first)
        self.walk_from(ty, ticket, t);
        if let Some(k) = self.current {
            let holding = self.holding() as u64;
            let tally = &mut self.tallies[k];
            tally.max_queue = tally.max_queue.max(holding);
            if R::TYPED {
                let holding = self.router.line(ty).len() - self.type_callbacks_in_line[ty];
                let tally = &mut self.type_tallies[ty * self.n + k];
                tally.queued += 1;
                tally.max_queue = tally.max_queue.max(holding as u64);
            } else {
                tally.queued += 1;
            }
        }
        self.check_held(t);
    }

    /// Stops the replication as a runaway once it holds more than [`MAX_CALLERS_HELD`]
    /// callers (in line, or followed between attempts).
    #[inline]
    fn check_held(&mut self, t: f64) {
        let held = (self.holding() + self.callbacks_in_line).max(self.customers.len());
        if held > MAX_CALLERS_HELD {
            self.stop(Stopped::RunAway { t_s: t, held });
        }
    }

    /// Ends the replication now: nothing is left to happen, so the event loop ends at its
    /// next turn, and [`routed`] reports `why` instead of the results.
    #[cold]
    fn stop(&mut self, why: Stopped) {
        self.stopped = Some(why);
        self.calendar.clear();
        self.walks.clear();
        self.next_s = f64::INFINITY;
        self.drawn = None;
        self.upcoming.clear();
    }

    /// A caller of type `ty` found no free agent: with balking or callbacks, they hear the
    /// expected wait and may hang up at once or be offered a callback.
    #[inline(always)]
    fn on_hold(&mut self, ty: usize) -> OnHold {
        let call_type = self.router.call_type(ty);
        if call_type.balking.is_none() && call_type.callback.is_none() {
            return OnHold::Waits;
        }
        self.announce(ty)
    }

    /// [`Replication::on_hold`] for a type with balking or callbacks.
    #[inline(never)]
    fn announce(&mut self, ty: usize) -> OnHold {
        let call_type = self.router.call_type(ty);
        let announced = expected_wait_s(
            self.router.line(ty).len(),
            self.router.agents_for(ty),
            call_type.handle_time.mean(),
        );
        if let Some(curve) = &call_type.balking
            && curve.balks(announced, &mut self.rng.balking)
        {
            return OnHold::Balks;
        }
        match &call_type.callback {
            Some(policy) if policy.offered(announced) => {
                OnHold::Offered(policy.accepts(&mut self.rng.callback))
            }
            _ => OnHold::Waits,
        }
    }

    /// With delay levels: the caller of type `ty` holding `ticket` joined the line at `t`;
    /// each level's walk not already under way starts at them while a group of the level
    /// has a free agent (a later caller is reached by the walk in ticket order; see [`Walk`]).
    #[inline(always)]
    fn walk_from(&mut self, ty: usize, ticket: u64, t: f64) {
        if R::TYPED {
            for slot in self.walk_base[ty]..self.walk_base[ty + 1] {
                if self.walks.is_pending(slot) || self.walk[slot].paused {
                    continue;
                }
                if self.level_has_free(slot) {
                    let delay = self.walk[slot].delay_s;
                    self.walk[slot].ticket = ticket;
                    self.walks.set(slot, t + delay, &mut self.calendar);
                } else {
                    self.pause(slot);
                }
            }
        }
    }

    /// True when a group of the delay level of walk `slot` has a free agent.
    #[inline(always)]
    fn level_has_free(&self, slot: usize) -> bool {
        let (from, to) = self.walk[slot].groups;
        self.level_groups[from as usize..to as usize]
            .iter()
            .any(|&g| self.router.pool(g as usize).free() > 0)
    }

    /// Walk `slot` pauses: no group of its level has a free agent (see [`Walk`]).
    fn pause(&mut self, slot: usize) {
        let walk = &mut self.walk[slot];
        walk.paused = true;
        for &g in &self.level_groups[walk.groups.0 as usize..walk.groups.1 as usize] {
            self.group_levels[g as usize].paused_walks += 1;
        }
    }

    /// Group `g` has free agents, who found no eligible call at `t`: the paused walks of its
    /// delay levels resume at the head of their line (which has not waited the delay yet, or
    /// the group would have taken it).
    #[inline(always)]
    fn resume_walks(&mut self, t: f64, g: usize) {
        if R::TYPED && self.group_levels[g].paused_walks > 0 {
            self.resume_paused(t, g);
        }
    }

    /// [`Replication::resume_walks`] for a group with paused walks.
    #[inline(never)]
    fn resume_paused(&mut self, t: f64, g: usize) {
        let (from, to) = self.group_levels[g].walks;
        for i in from as usize..to as usize {
            let slot = self.group_walks[i] as usize;
            let walk = &mut self.walk[slot];
            if !walk.paused {
                continue;
            }
            walk.paused = false;
            let Walk {
                ty,
                delay_s,
                groups: (a, b),
                ..
            } = *walk;
            for &h in &self.level_groups[a as usize..b as usize] {
                self.group_levels[h as usize].paused_walks -= 1;
            }
            if let Some((ticket, arrival)) = self.router.line(ty as usize).head() {
                self.walk[slot].ticket = ticket;
                self.walks
                    .set(slot, (arrival + delay_s).max(t), &mut self.calendar);
            }
        }
    }

    /// A customer waiting for a callback takes a place at the end of their type's line; groups
    /// that take the type after a delay may call them back once it has passed, as for a caller
    /// holding on.
    fn join_for_callback(&mut self, caller: Caller, ty: usize) {
        let ticket = self.router.join(
            ty,
            Caller {
                callback: true,
                ..caller
            },
        );
        self.walk_from(ty, ticket, caller.arrival);
        self.callbacks_in_line += 1;
        if R::TYPED {
            self.type_callbacks_in_line[ty] += 1;
            self.waiting += 1;
        }
        self.check_held(caller.arrival);
    }

    /// An attempt of type `ty` ended without reaching an agent: count it, then the customer
    /// calls again later or is lost.
    fn attempt_failed(&mut self, t: f64, caller: Caller, ty: usize, how: Failure) {
        let event = match how {
            Failure::Blocked => CallEvent::Blocked,
            Failure::Balked => CallEvent::Balked,
            Failure::Abandoned => CallEvent::Abandoned {
                wait_s: t - caller.arrival,
            },
        };
        self.observer.call(t, caller.attempt, event);
        if let Some(k) = caller.interval {
            self.count(ty, k as usize, |tally| match how {
                Failure::Blocked => tally.blocked += 1,
                Failure::Balked => tally.balked += 1,
                Failure::Abandoned => {
                    tally.abandoned += 1;
                    tally.wait_all_s += t - caller.arrival;
                }
            });
        }
        if let (Some(policy), Some(id)) = (&self.router.call_type(ty).retrials, caller.customer) {
            let attempts = self.customers.get(id).attempts;
            if let Some(delay) = policy.next_attempt(attempts, &mut self.rng.retrials) {
                if t + delay < self.scenario.arrivals_end_s() {
                    self.calendar.schedule(
                        t + delay,
                        PackedEvent::pack(Event::Retrial { customer: id }),
                    );
                    return;
                }
                // a retrial that would come after closing: tomorrow, or lost for today
                if self.hand_on {
                    self.hand_on(id, t + delay, false);
                    return;
                }
            }
        }
        if caller.customer.is_none()
            && caller.reached
            && let Some(k) = caller.interval
        {
            self.count(ty, k as usize, |tally| tally.lost_reached_customers += 1);
        }
        self.customer_done(caller, false);
    }

    /// The tracked customer of `caller` is served (`served`) or lost for good. Untracked
    /// customers make exactly one attempt, and their KPIs are those of their attempts
    /// (see [`Replication::finish`]).
    #[inline(always)]
    fn customer_done(&mut self, caller: Caller, served: bool) {
        if let Some(id) = caller.customer {
            self.tracked_customer_done(id, served);
        }
    }

    /// [`Replication::customer_done`] for the tracked customer `id`.
    fn tracked_customer_done(&mut self, id: CustomerId, served: bool) {
        let c = self.customers.remove(id);
        if let Some(k) = c.first_interval {
            self.count(c.call_type as usize, k as usize, |tally| {
                tally.customer_attempts += u64::from(c.attempts);
                if served {
                    tally.served_customers += 1;
                    tally.served_first_attempt += u64::from(c.attempts == 1);
                } else {
                    tally.lost_customers += 1;
                    tally.lost_reached_customers += u64::from(c.reached);
                }
            });
        }
    }

    fn on_service_end(&mut self, t: f64, g: usize) {
        self.last_event = t;
        let next = self.router.next_type(g, t);
        if self.router.end_call(g, t, next.is_some()) {
            self.agent_takes(t, g, next);
        }
        if next.is_some() {
            self.group_works(t, g);
        } else {
            // no call waits for the group: its free agents have nothing to take
            self.levels_changed(t, g);
            // the agent freed resumes the paused walks of the group's levels (paused, they
            // wait for their first free agent)
            self.resume_walks(t, g);
        }
        if self.lead_s.is_some() {
            self.place_outbound_calls(t);
        }
    }

    fn on_patience_end(&mut self, t: f64, ty: usize, ticket: u64) {
        let Some(caller) = self.router.leave(ty, ticket) else {
            self.stale.skipped();
            return;
        };
        if R::TYPED {
            self.waiting -= 1;
        }
        self.last_event = t;
        self.attempt_failed(t, caller, ty, Failure::Abandoned);
    }

    /// The call of type `ty` holding `ticket` has waited long enough for the groups of delay
    /// level `level`: one of them with a free agent takes it (or the head of a queue it ranks
    /// higher, which is then older or preferred), unless it was answered or hung up before.
    /// Then the next call of the line is due at the same delay (timer `slot` of the walks),
    /// unless no group of the level has a free agent: the walk pauses (see [`Walk`]).
    fn on_eligible(&mut self, t: f64, slot: usize, ty: usize, level: usize, ticket: u64) {
        if self.router.line(ty).is_waiting(ticket) {
            let Some(g) = self.router.seize_free_after(ty, level) else {
                self.pause(slot);
                return;
            };
            self.last_event = t;
            let next = self.router.next_type(g, t);
            self.agent_takes(t, g, next);
            self.levels_changed(t, g);
        } else if !self.level_has_free(slot) {
            self.pause(slot);
            return;
        }
        if let Some((ticket, arrival)) = self.router.line(ty).next_after(ticket) {
            let walk = &mut self.walk[slot];
            walk.ticket = ticket;
            self.walks
                .set(slot, (arrival + walk.delay_s).max(t), &mut self.calendar);
        }
    }

    /// An unanswered callback is due again: the customer rejoins the end of their type's
    /// line, unless the center has closed, in which case the callback is given up.
    fn on_callback_retry(&mut self, t: f64, customer: CustomerId) {
        self.last_event = t;
        let c = *self.customers.get(customer);
        let ty = c.call_type as usize;
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
            if self.hand_on {
                self.hand_on(customer, t, true);
            } else {
                self.callback_failed(caller, ty);
            }
            return;
        }
        self.join_for_callback(caller, ty);
        if self.stopped.is_some() {
            return; // a runaway: nothing more happens
        }
        self.agents_work(t);
    }

    fn callback_failed(&mut self, caller: Caller, ty: usize) {
        if let Some(k) = caller.interval {
            self.count(ty, k as usize, |tally| tally.callbacks_failed += 1);
        }
        self.customer_done(caller, false);
    }

    fn on_boundary(&mut self, t: f64, interval: usize) {
        self.last_event = t;
        match self.current {
            Some(previous) => self.close_books(previous, t),
            None => {
                // end of the warm-up: forget the agent time spent so far
                if !R::TYPED {
                    self.busy.take_area(t);
                    self.present.take_area(t);
                }
                for levels in &mut self.group_levels {
                    levels.busy_area.take_area(t);
                    levels.present_area.take_area(t);
                }
                self.interval_started = t;
            }
        }
        self.current = Some(interval);
        self.router.set_staffing(t, interval);
        self.agents_work(t);
    }

    /// Free agents of every group take the calls waiting for them; agents still idle then
    /// place proactive calls (with agent-call campaigns).
    fn agents_work(&mut self, t: f64) {
        for g in 0..self.router.groups() {
            self.group_works(t, g);
            // new agents found nothing to take
            if self.router.pool(g).free() > 0 {
                self.resume_walks(t, g);
            }
        }
        if self.lead_s.is_some() {
            self.place_outbound_calls(t);
        }
    }

    /// Free agents of group `g` take the eligible calls waiting for them.
    #[inline(always)]
    fn group_works(&mut self, t: f64, g: usize) {
        while self.router.pool(g).free() > 0 {
            let next = self.router.next_type(g, t);
            if next.is_none() || !self.router.seize(g) {
                break;
            }
            self.agent_takes(t, g, next);
        }
        self.levels_changed(t, g);
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
        for g in 0..self.router.groups() {
            self.router.close(g);
            self.levels_changed(t, g);
        }
    }

    /// Adds the agent time since the books were last closed to interval `k`. With call types
    /// the center's agent time is the sum of its groups' (so a center of one group counts
    /// the very same bits as a single queue).
    fn close_books(&mut self, k: usize, t: f64) {
        let duration = t - self.interval_started;
        let (busy, present) = if R::TYPED {
            let n = self.n;
            let (mut busy, mut present) = (0.0, 0.0);
            for (g, levels) in self.group_levels.iter_mut().enumerate() {
                let tally = &mut self.group_tallies[g * n + k];
                let (b, p) = (
                    levels.busy_area.take_area(t),
                    levels.present_area.take_area(t),
                );
                tally.busy_agent_s += b;
                tally.available_agent_s += p;
                tally.duration_s += duration;
                busy += b;
                present += p;
            }
            for ty in 0..self.router.types() {
                self.type_tallies[ty * n + k].duration_s += duration;
            }
            (busy, present)
        } else {
            (self.busy.take_area(t), self.present.take_area(t))
        };
        let tally = &mut self.tallies[k];
        tally.busy_agent_s += busy;
        tally.available_agent_s += present;
        tally.duration_s += duration;
        self.interval_started = t;
    }

    /// Agents present in the whole center as last recorded, and since when (seconds): the
    /// time of the last change of any group's levels.
    fn present_since(&self) -> (f64, f64) {
        if R::TYPED {
            self.group_levels
                .iter()
                .map(|levels| levels.present_area.level_since())
                .fold((0.0, 0.0), |(p, s), (level, since)| {
                    (p + level, s.max(since))
                })
        } else {
            self.present.level_since()
        }
    }

    /// Records the agent levels of group `g` (of the whole center for a single queue) from
    /// `t`.
    #[inline(always)]
    fn levels_changed(&mut self, t: f64, g: usize) {
        let pool = self.router.pool(g);
        let (busy, present) = (pool.busy(), pool.present());
        if R::TYPED {
            let levels = &mut self.group_levels[g];
            levels.busy_area.set(t, busy as f64);
            levels.present_area.set(t, present as f64);
            if O::WATCHES_AGENTS {
                self.busy_total = self.busy_total + busy - levels.busy;
                self.present_total = self.present_total + present - levels.present;
                levels.busy = busy;
                levels.present = present;
                self.observer.agents(t, self.busy_total, self.present_total);
            }
        } else {
            self.busy.set(t, busy as f64);
            self.present.set(t, present as f64);
            self.observer.agents(t, busy, present);
        }
    }

    /// An agent of group `g` (already counted busy) takes the head call of line `next` (the
    /// best eligible one, as [`Router::next_type`] found it), and then of the best eligible
    /// line, until one is talking to them; if no line has one, the agent is released.
    /// Always inlined: a freed agent taking the next caller is the other half of most calls.
    #[inline(always)]
    fn agent_takes(&mut self, t: f64, g: usize, mut next: Option<usize>) {
        loop {
            let Some(ty) = next else {
                self.router.end_call(g, t, false);
                return;
            };
            let Some(caller) = self.router.take_first(ty) else {
                self.router.end_call(g, t, false);
                return;
            };
            if R::TYPED {
                self.waiting -= 1;
            }
            if caller.callback {
                self.callbacks_in_line -= 1;
                if R::TYPED {
                    self.type_callbacks_in_line[ty] -= 1;
                }
            } else if self.router.call_type(ty).patience.is_some() {
                self.stale.answered_before_timer();
                if self.stale.purge_due(self.calendar.len()) {
                    let router = &self.router;
                    self.calendar.retain(|e| match e.unpack() {
                        Event::Abandon { ty, ticket } => {
                            router.line(ty as usize).is_waiting(ticket)
                        }
                        _ => true,
                    });
                    self.stale.purged();
                }
            }
            if self.start_call(t, caller, ty, g) {
                return;
            }
            next = self.router.next_type(g, t);
        }
    }

    /// A seized agent of group `g` starts talking to `caller` of type `ty` (answering an
    /// inbound call, or calling a customer back). Returns false when a called-back customer
    /// does not pick up.
    #[inline(always)]
    fn start_call(&mut self, t: f64, caller: Caller, ty: usize, g: usize) -> bool {
        let factor = self.router.handle_time_factor(g, ty);
        let talk = if caller.callback {
            match self.call_back(t, caller, ty, g, factor) {
                Some(talk) => talk,
                None => return false,
            }
        } else {
            let wait = t - caller.arrival;
            // (a factor of 1 gives the very same bits)
            let talk = caller.handle * factor;
            self.observer.call(
                t,
                caller.attempt,
                CallEvent::Answered {
                    wait_s: wait,
                    talk_s: talk,
                },
            );
            if R::TYPED {
                self.observer.routed(t, caller.attempt, ty, g);
            }
            if let Some(k) = caller.interval {
                let k = k as usize;
                let threshold = self.router.call_type(ty).service_level.threshold_s;
                self.count(ty, k, |tally| {
                    tally.answered += 1;
                    tally.wait_answered_s += wait;
                    tally.wait_all_s += wait;
                    if wait <= threshold {
                        tally.answered_in_threshold += 1;
                    }
                    tally.waits.record(wait);
                    Self::talked(tally, talk);
                });
                self.handled_by(ty, g, k);
            }
            self.customer_done(caller, true);
            talk
        };
        let end = Event::ServiceEnd { group: g as u32 };
        self.calendar.schedule(t + talk, PackedEvent::pack(end));
        true
    }

    /// With call types: group `g` handled a call of type `ty` that arrived in interval `k`.
    #[inline]
    fn handled_by(&mut self, ty: usize, g: usize, k: usize) {
        if R::TYPED {
            self.group_tallies[g * self.n + k].answered += 1;
            self.handled[ty * self.router.groups() + g] += 1;
        }
    }

    /// With call types: a call of the type whose `tally` this is took `talk` seconds of an
    /// agent's time (counted in the interval it arrived in; the center's agent time is the
    /// time its agents were busy, measured apart).
    #[inline(always)]
    fn talked(tally: &mut IntervalTally, talk: f64) {
        if R::TYPED {
            tally.busy_agent_s += talk;
        }
    }

    /// An agent of group `g` calls back the customer of placeholder `caller` (type `ty`;
    /// the group talks `factor` times the customer's own handle time): the talk time if they
    /// pick up; otherwise a retry is scheduled (or the callback given up) and `None`
    /// returned.
    fn call_back(
        &mut self,
        t: f64,
        caller: Caller,
        ty: usize,
        g: usize,
        factor: f64,
    ) -> Option<f64> {
        let (Some(policy), Some(id)) = (&self.router.call_type(ty).callback, caller.customer)
        else {
            return None; // unreachable: placeholders exist only with [callback]
        };
        let c = self.customers.get_mut(id);
        c.callback_attempts += 1;
        let (attempts, requested_at) = (c.callback_attempts, c.callback_requested_at);
        if policy.answers(&mut self.rng.callback) {
            let talk = match &policy.talk_time {
                Some(d) => d.sample(&mut self.rng.callback),
                None if factor == 1.0 => caller.handle,
                None => caller.handle * factor,
            };
            self.observer
                .call(t, caller.attempt, CallEvent::CalledBack { talk_s: talk });
            if let Some(k) = caller.interval {
                let k = k as usize;
                self.count(ty, k, |tally| {
                    tally.callbacks_completed += 1;
                    tally.callback_delay_s += t - requested_at;
                    tally.callback_delays.record(t - requested_at);
                    Self::talked(tally, talk);
                });
                self.handled_by(ty, g, k);
            }
            self.customer_done(caller, true);
            return Some(talk);
        }
        self.observer
            .call(t, caller.attempt, CallEvent::CallbackUnanswered);
        let delay = policy.retry_delay.sample(&mut self.rng.callback);
        if attempts >= policy.max_attempts {
            self.callback_failed(caller, ty);
        } else if self.open {
            self.calendar.schedule(
                t + delay,
                PackedEvent::pack(Event::CallbackRetry { customer: id }),
            );
        } else if self.hand_on {
            self.hand_on(id, t + delay, true);
        } else {
            self.callback_failed(caller, ty);
        }
        // the agent may be left free, having found nothing else to take: the paused walks of
        // the group's levels go on (a walk may always be under way; see [`Walk`])
        self.resume_walks(t, g);
        None
    }

    fn finish(mut self) -> ReplicationOutcome {
        if let Some(k) = self.current {
            // working day: the last interval's books stay open through the overtime, until
            // the last agent has gone home (the agent levels change at agent events only, so
            // once nobody is present their last change is that time); what happens after
            // (a callback given up, a retrial after closing) adds no agent time
            let (present, since) = self.present_since();
            let end = if present == 0.0 {
                since
            } else {
                self.last_event
            };
            self.close_books(k, end.max(self.scenario.arrivals_end_s()));
        }
        let n = self.n;
        if R::TYPED {
            // the center's calls and customers are its types' (see `count`)
            for (k, center) in self.tallies.iter_mut().enumerate() {
                for ty in 0..self.router.types() {
                    center.add_calls(&self.type_tallies[ty * n + k]);
                }
            }
        }
        if !self.tracks_customers {
            // one attempt per customer: the customer KPIs are those of the attempts
            for t in self.tallies.iter_mut().chain(self.type_tallies.iter_mut()) {
                t.customers = t.offered;
                t.customer_attempts = t.offered;
                t.served_customers = t.answered;
                t.served_first_attempt = t.answered;
                t.lost_customers = t.abandoned + t.balked + t.blocked;
            }
        }
        let scenario = self.scenario;
        if let Some(costs) = &scenario.costs {
            self.price(costs);
        }
        debug_assert!(
            self.customers.is_empty(),
            "every customer ends, served or lost"
        );
        debug_assert!(self.holding() == 0, "every caller leaves the line");
        for tally in self.tallies.iter().chain(&self.type_tallies) {
            debug_assert!(
                tally.balances(),
                "every attempt and customer ends once: {tally:?}"
            );
        }
        let split = |all: Vec<IntervalTally>| -> Vec<Vec<IntervalTally>> {
            all.chunks(n.max(1))
                .map(<[IntervalTally]>::to_vec)
                .collect()
        };
        let n_groups = self.group_levels.len();
        ReplicationOutcome {
            intervals: self.tallies,
            calls: self.calls,
            by_type: split(self.type_tallies),
            by_group: split(self.group_tallies),
            handled: self
                .handled
                .chunks(n_groups.max(1))
                .map(<[u64]>::to_vec)
                .collect(),
            carried: self.handed_on,
        }
    }

    /// Fills the cost fields of every tally. Each type pays its own proactive contacts and
    /// the churn of its lost customers under its own campaign; when every type has the same
    /// prices (a single queue, or one `[proactive]` for all), the center is priced from its
    /// own counts, else its proactive and lost-customer costs are the sums of its types'.
    fn price(&mut self, costs: &super::costs::CostModel) {
        let prices = |ty: &super::routing::CallType| {
            ty.proactive
                .as_ref()
                .map_or((0.0, 0.0), |p| (p.cost_per_contact, p.churn_reduction))
        };
        let types = self.router.types();
        let first = prices(self.router.call_type(0));
        let uniform = (1..types).all(|ty| prices(self.router.call_type(ty)) == first);
        let n = self.n;
        // (a single queue keeps no tallies per type: its one type is the center)
        let typed = if R::TYPED { types } else { 0 };
        for ty in 0..typed {
            let (per_contact, churn_reduction) = prices(self.router.call_type(ty));
            for t in &mut self.type_tallies[ty * n..(ty + 1) * n] {
                costs.apply(t, per_contact, churn_reduction);
            }
        }
        for (k, t) in self.tallies.iter_mut().enumerate() {
            if uniform {
                costs.apply(t, first.0, first.1);
            } else {
                costs.apply(t, 0.0, 0.0);
                let of_types = (0..types).map(|ty| &self.type_tallies[ty * n + k]);
                t.cost_proactive = of_types.clone().map(|x| x.cost_proactive).sum();
                t.cost_lost_customers = of_types.map(|x| x.cost_lost_customers).sum();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::callback::CallbackPolicy;
    use crate::model::routing::{AgentGroup, CallType, Skill};
    use crate::model::test_support::{self, day, skill};
    use crate::model::{Dist, SkillModel};

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
            Event::ServiceEnd { group: 0 },
            Event::ServiceEnd { group: 254 },
            Event::Abandon { ty: 0, ticket: 0 },
            Event::Abandon {
                ty: 254,
                ticket: (1 << 53) - 1,
            },
            Event::Boundary { interval: 47 },
            Event::Close,
            Event::Retrial { customer: u32::MAX },
            Event::CallbackRetry { customer: 3 },
        ] {
            assert_eq!(PackedEvent::pack(e).unpack(), e);
        }
    }

    /// The shared test call center with lognormal talk times and some day-level busyness, so
    /// that every random draw of the loop is exercised.
    fn lognormal(kind: RunKind, calls: &[f64], agents: &[u32], patience: Option<f64>) -> Scenario {
        let patience = patience.map(|p| Dist::exponential(p).unwrap());
        Scenario {
            seed: 5,
            busyness_cv: 0.2,
            handle_time: Dist::lognormal(240.0, 0.8).unwrap(),
            ..test_support::scenario(kind, calls, agents, patience)
        }
    }

    /// One call type served by one group through the skills router draws the same numbers in
    /// the same order as the one-queue router: every counter and every sum is the same, bit
    /// for bit.
    #[test]
    fn one_type_one_group_routed_by_skill_is_the_single_queue() {
        let day = test_support::NINE_TO_CLOSE;
        let steady = RunKind::SteadyState { warmup_s: 1800.0 };
        let cases = [
            lognormal(day.clone(), &[30.0, 80.0, 40.0], &[3, 5, 4], Some(90.0)),
            lognormal(day.clone(), &[100.0, 100.0], &[2, 2], None),
            lognormal(day, &[0.0, 20.0], &[0, 1], Some(30.0)),
            lognormal(steady.clone(), &[400.0; 6], &[52; 6], Some(300.0)),
            // long patience: stale timers are purged along the way
            lognormal(steady, &[427.5; 40], &[60; 40], Some(1e6)),
        ];
        for (i, sc) in cases.iter().enumerate() {
            let skilled = Scenario {
                skills: Some(SkillModel::single(sc)),
                ..sc.clone()
            };
            for rep in 0..2 {
                let single = run_replication(sc, rep).unwrap();
                let multi = run_replication(&skilled, rep).unwrap();
                assert_eq!(single.calls, multi.calls, "case {i}");
                assert_eq!(
                    format!("{:?}", single.intervals),
                    format!("{:?}", multi.intervals),
                    "case {i}, replication {rep}"
                );
                let answered: u64 = single.intervals.iter().map(|t| t.answered).sum();
                assert_eq!(multi.handled, vec![vec![answered]]);
                assert!(single.by_type.is_empty() && single.handled.is_empty());
            }
        }
    }

    #[test]
    fn same_seed_same_day_and_replications_differ() {
        let sc = day(
            &[30.0, 60.0, 40.0],
            &[3, 5, 4],
            Some(Dist::exponential(60.0).unwrap()),
        );
        let a = run_replication(&sc, 0).unwrap();
        let b = run_replication(&sc, 0).unwrap();
        let c = run_replication(&sc, 1).unwrap();
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
        let plain = run_replication(&sc, 7).unwrap();
        let mut seen = Recorder::default();
        let watched = run_replication_observed(&sc, 7, &mut seen).unwrap();
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
        let thin = run_replication(&day(&[50.0, 80.0], &[2, 3], patience.clone()), 4).unwrap();
        let rich = run_replication(&day(&[50.0, 80.0], &[6, 8], patience), 4).unwrap();
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
        let out = run_replication(&sc, 0).unwrap();
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
        let out = run_replication(&day(&[0.0, 0.0], &[0, 1], None), 0).unwrap();
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
        let model = SkillModel::single(&sc);
        let mut nobody = NoObserver;
        let mut rep =
            Replication::new(&sc, &model, OneQueue::new(&model), 0, &mut nobody, &|| true);
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
        let model = SkillModel::single(&sc);
        let mut nobody = NoObserver;
        let mut rep =
            Replication::new(&sc, &model, OneQueue::new(&model), 0, &mut nobody, &|| true);
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
            ty: 0,
            handle: 60.0,
            patience: None,
            targeting: Targeting {
                covered: true,
                ..Targeting::default()
            },
        };
        rep.router.join(0, waiting);
        rep.need_known(10.0, known);
        assert_eq!(
            rep.router.pool(0).busy(),
            0,
            "an inbound caller waits: no outbound call"
        );
        assert_eq!(rep.tallies[0].proactive_contacts, 0);
        rep.router.take_first(0);
        rep.place_outbound_calls(20.0);
        assert_eq!(
            rep.router.pool(0).busy(),
            1,
            "idle agent, empty line: the call is placed"
        );
        assert_eq!(rep.tallies[0].proactive_contacts, 1);
        assert!(rep.upcoming[0].targeting.deflected);
    }

    /// A customer waiting for a callback is reached by a group that takes their type after a
    /// delay, once it has passed, as a caller holding on is: a backup group of ten agents,
    /// idle most of the day, calls back most customers within its 30 s while the one
    /// specialist is busy (before, nothing woke the backup group for a callback).
    #[test]
    fn a_delayed_group_calls_back_customers_waiting_for_a_callback() {
        // one 8-hour interval, 60 calls an hour of 5 minutes, everyone accepts a callback
        // offered past 10 s; one specialist, and ten backup agents after 30 s
        let mut sc = test_support::scenario(test_support::NINE_TO_CLOSE, &[480.0], &[11], None);
        sc.interval_s = 8.0 * 3600.0;
        sc.arrival_rate = vec![480.0 / sc.interval_s];
        sc.handle_time = Dist::exponential(300.0).unwrap();
        sc.callback = Some(CallbackPolicy {
            offer_when_wait_exceeds_s: 10.0,
            accept_probability: 1.0,
            answer_probability: 1.0,
            retry_delay: Dist::exponential(600.0).unwrap(),
            max_attempts: 3,
            talk_time: None,
        });
        let mut model = SkillModel::single(&sc);
        model.groups[0].agents = vec![1];
        model.groups.push(AgentGroup {
            name: "backup".into(),
            agents: vec![10],
            skills: vec![Skill {
                call_type: 0,
                rank: 2,
                delay_s: 30.0,
                handle_time_factor: 1.0,
            }],
        });
        sc.skills = Some(model);
        let out = run_replication(&sc, 0).unwrap();
        let day = &out.by_type[0][0];
        assert!(day.callbacks_accepted > 100, "{day:?}");
        assert!(
            out.handled[0][1] > 100,
            "the backup group calls back: {:?}",
            out.handled
        );
        // most are called back when the backup group's 30 s have passed (later only when all
        // ten are busy): a mean within twice that delay, where the specialist alone (4.6
        // Erlangs of callbacks for one agent) would leave them waiting for hours
        let mean = day.callback_delay_s / day.callbacks_completed as f64;
        assert!((30.0..60.0).contains(&mean), "mean callback delay {mean} s");
    }

    /// The walks of a delay level pause while no group of the level has a free agent and
    /// resume when one frees up: a backup group (one agent, its own type first, the
    /// specialist's type after 30 s) answers each call of the busy specialist's type at the
    /// exact moment the walk or its own end of call makes it eligible. Calls injected at set
    /// times with set talk times (as arrivals known ahead), so every route is known exactly.
    #[test]
    fn paused_walks_resume_when_a_group_of_their_level_frees_up() {
        use crate::model::observer::Recorder;
        let mut sc = test_support::scenario(test_support::NINE_TO_CLOSE, &[0.0], &[2], None);
        let mut model = SkillModel::single(&sc);
        let second = CallType {
            name: "support".into(),
            ..model.types[0].clone()
        };
        model.types.push(second);
        let (specialist, backup) = (0, 1);
        model.groups[specialist].agents = vec![1];
        model.groups.push(AgentGroup {
            name: "backup".into(),
            agents: vec![1],
            skills: vec![skill(1, 1, 0.0), skill(0, 2, 30.0)],
        });
        sc.skills = Some(model.clone());
        let mut seen = Recorder::default();
        let router = Skills::new(&sc, &model);
        let mut rep = Replication::new(&sc, &model, router, 0, &mut seen, &|| true);
        // (arrival, type, talk time); attempts are numbered 1, 2, ... in this order
        let calls = [
            (0.0, 1, 100.0),   // 1: the backup group takes it, busy until 100
            (1.0, 0, 1e4),     // 2: the specialist, busy all day
            (90.0, 0, 50.0),   // 3: waits; the walk pauses (backup busy)
            (130.0, 0, 20.0),  // 4: waits; eligible at 160, backup busy until 170
            (140.0, 1, 5.0),   // 5: the backup's own type: first at 170
            (300.0, 0, 10.0),  // 6: the walk is set (backup free) for 330
            (310.0, 1, 100.0), // 7: backup busy until 410: at 330 the walk pauses
            (340.0, 0, 10.0),  // 8: waits behind 6
            (500.0, 0, 10.0),  // 9: the walk is set for 530
            (505.0, 1, 10.0),  // 10: backup busy 505-515, free again before 530
            (510.0, 0, 10.0),  // 11: next on the walk, at 540
            (600.0, 0, 10.0),  // 12: the walk is set for 630
            (610.0, 1, 25.0),  // 13: backup busy 610-635: at 630 the walk pauses
            (620.0, 0, 10.0),  // 14: eligible at 650, after the backup freed up at 645
        ];
        rep.upcoming
            .extend(calls.iter().map(|&(t, ty, handle)| Arrival {
                t,
                ty,
                handle,
                patience: None,
                targeting: Targeting::default(),
            }));
        rep.run();
        // (answered at, attempt, type, group)
        let want = vec![
            (0.0, 1, 1, backup),
            (1.0, 2, 0, specialist),
            // freed at 100 with nothing eligible: the paused walk resumes at call 3 (120)
            (120.0, 3, 0, backup),
            // freed at 170: its own type first, then call 4, waiting since 160
            (170.0, 5, 1, backup),
            (175.0, 4, 0, backup),
            (310.0, 7, 1, backup),
            // the walk paused at 330 (call 6 waiting, backup busy): freed at 410, the backup
            // takes calls 6 and 8, both eligible by then
            (410.0, 6, 0, backup),
            (420.0, 8, 0, backup),
            (505.0, 10, 1, backup),
            (530.0, 9, 0, backup),
            // its end of call at 540 comes before the walk's step to call 11 at 540
            (540.0, 11, 0, backup),
            (610.0, 13, 1, backup),
            // the walk paused at 630 (call 12 waiting, backup busy); freed at 635 the backup
            // takes call 12, and freed at 645 with call 14 not yet eligible, it resumes the
            // walk, which hands it call 14 at 650
            (635.0, 12, 0, backup),
            (650.0, 14, 0, backup),
        ];
        assert_eq!(seen.routes, want);
    }

    /// Groups of the same skills share one idle order (their class): the routing must be
    /// the very same as with an order per group, call by call. Three groups of one skill set
    /// and two of another, staffing that rises and falls every interval (free agents sent
    /// home), a delay level, patience and close; under both agent policies. (The tie rule
    /// between agents idle since the same instant is tested on the router alone, in
    /// `router.rs`.)
    #[test]
    fn groups_of_the_same_skills_route_as_groups_apart() {
        use crate::model::observer::Recorder;
        use crate::model::routing::AgentSelect;
        let mut sc = test_support::scenario(
            test_support::NINE_TO_CLOSE,
            &[300.0, 500.0, 200.0, 400.0],
            &[1; 4],
            Some(Dist::exponential(120.0).unwrap()),
        );
        sc.handle_time = Dist::deterministic(120.0).unwrap();
        let sales = vec![skill(0, 1, 0.0), skill(1, 2, 20.0)];
        let support = vec![skill(1, 1, 0.0), skill(0, 2, 0.0)];
        let staffing = [
            [4, 9, 2, 6],
            [3, 3, 8, 1],
            [5, 2, 6, 4],
            [2, 7, 3, 5],
            [6, 1, 4, 3],
        ];
        let mut model = test_support::two_types(&sc, &staffing, |g| {
            if g % 2 == 0 { &sales } else { &support }.clone()
        });
        for select in [AgentSelect::LongestIdle, AgentSelect::MostFreeGroup] {
            model.routing.agent_select = select;
            sc.skills = Some(model.clone());
            let run = |router: Skills| {
                let mut seen = Recorder::default();
                let mut rep = Replication::new(&sc, &model, router, 0, &mut seen, &|| true);
                rep.morning(Vec::new());
                rep.run();
                let outcome = format!("{:?}", rep.finish());
                (seen.routes, seen.agents, outcome)
            };
            let merged = run(Skills::new(&sc, &model));
            let apart = run(Skills::unmerged(&sc, &model));
            assert!(merged.0.len() > 1000, "{} calls answered", merged.0.len());
            assert!(merged == apart, "{select:?}: the routes differ");
        }
    }
}
