//! Watching one replication call by call: the hook behind per-call logs (`run --calls-csv`)
//! and the event trace of the live page's replay (`run --trace`).
//!
//! The event loop is generic over an [`Observer`]; the default [`NoObserver`] does nothing
//! and compiles away, so an ordinary run pays nothing for the hook. An observer only watches:
//! it draws no random numbers and changes nothing, so a run with an observer gives the very
//! same results as one without.

/// What happened to one call attempt. Attempts are numbered 1, 2, 3, ... in the order they
/// reach the center (a retrial is a new attempt; a callback keeps the number of the attempt
/// in which it was accepted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallEvent {
    /// The attempt reaches the center.
    Arrived,
    /// All lines were busy: the caller heard a busy signal.
    Blocked,
    /// The caller heard the announced wait and hung up at once.
    Balked,
    /// The caller accepted a callback and hung up, keeping a place in line.
    CallbackRequested,
    /// All agents were busy: the caller waits on hold.
    Queued,
    /// An agent answered after `wait_s` seconds on hold (0 when answered at once); the
    /// conversation lasts `talk_s` seconds.
    Answered {
        /// Seconds on hold.
        wait_s: f64,
        /// Seconds of conversation.
        talk_s: f64,
    },
    /// The caller hung up after `wait_s` seconds on hold.
    Abandoned {
        /// Seconds on hold before hanging up.
        wait_s: f64,
    },
    /// An agent called the customer back and they picked up; the conversation lasts
    /// `talk_s` seconds.
    CalledBack {
        /// Seconds of conversation.
        talk_s: f64,
    },
    /// An agent called the customer back and nobody picked up.
    CallbackUnanswered,
}

/// Receives the events of one replication, in time order.
pub trait Observer {
    /// False when [`Observer::agents`] does nothing: the event loop then does not add up the
    /// agent levels of its groups for it.
    const WATCHES_AGENTS: bool = true;

    /// Attempt `attempt` had `event` at time `t` (seconds from the start of the run).
    #[inline]
    fn call(&mut self, t: f64, attempt: u64, event: CallEvent) {
        let _ = (t, attempt, event);
    }

    /// Attempt `attempt`, a call of type `call_type`, was answered at `t` by an agent of
    /// group `group` (multi-skill scenarios; types and groups numbered in file order).
    #[inline]
    fn routed(&mut self, t: f64, attempt: u64, call_type: usize, group: usize) {
        let _ = (t, attempt, call_type, group);
    }

    /// From time `t`, `busy` agents are on a call (inbound, callback or proactive) out of
    /// `present` agents at work.
    #[inline]
    fn agents(&mut self, t: f64, busy: u32, present: u32) {
        let _ = (t, busy, present);
    }
}

/// The observer of an ordinary run: watches nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl Observer for NoObserver {
    const WATCHES_AGENTS: bool = false;
}

/// An observer that keeps every event: for tests and small traces.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// `(t, attempt, event)` in the order they happened.
    pub calls: Vec<(f64, u64, CallEvent)>,
    /// `(t, busy, present)` each time either changed.
    pub agents: Vec<(f64, u32, u32)>,
    /// `(t, attempt, call type, group)` of each answered call (multi-skill scenarios).
    pub routes: Vec<(f64, u64, usize, usize)>,
}

impl Observer for Recorder {
    fn call(&mut self, t: f64, attempt: u64, event: CallEvent) {
        self.calls.push((t, attempt, event));
    }

    fn routed(&mut self, t: f64, attempt: u64, call_type: usize, group: usize) {
        self.routes.push((t, attempt, call_type, group));
    }

    fn agents(&mut self, t: f64, busy: u32, present: u32) {
        if self.agents.last().map(|&(_, b, p)| (b, p)) != Some((busy, present)) {
            self.agents.push((t, busy, present));
        }
    }
}
