//! Recording what happens in one replication, call by call: the call log (`run
//! --calls-csv`, `fit calls`) and the event trace of a day (`run --trace`, the live page's
//! replay). The run layer records; [`crate::fit::calls`] and [`crate::report::trace`] write.

use crate::model::observer::Recorder;
use crate::model::{CallEvent, Observer, RunKind, Scenario};

/// How a call attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An agent answered after the wait.
    Answered,
    /// The caller hung up on hold after the wait.
    Abandoned,
    /// Busy signal: all lines were taken.
    Blocked,
    /// The caller hung up at once on the announced wait.
    Balked,
    /// The caller accepted a callback and hung up.
    Callback,
}

impl Outcome {
    /// Every outcome, in the order of the log's summary.
    pub const ALL: [Outcome; 5] = [
        Outcome::Answered,
        Outcome::Abandoned,
        Outcome::Blocked,
        Outcome::Balked,
        Outcome::Callback,
    ];

    /// The word in the log.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::Blocked => "blocked",
            Outcome::Balked => "balked",
            Outcome::Callback => "callback",
        }
    }
}

/// One call attempt of a log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallRecord {
    /// Arrival, seconds (from the start of the run, or since 1970 for dated logs).
    pub arrival_s: f64,
    /// Time on hold, seconds.
    pub wait_s: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// Conversation, seconds (answered calls).
    pub talk_s: Option<f64>,
}

/// How an attempt ended: wait (seconds), outcome, talk time (seconds) if answered.
type Ending = (f64, Outcome, Option<f64>);

/// An observer that records every inbound attempt of one replication, in arrival order.
#[derive(Debug, Default, Clone)]
pub struct CallLogger {
    /// Attempt `i + 1` is `records[i]`: its arrival, and how it ended (once it has).
    records: Vec<(f64, Option<Ending>)>,
}

impl Observer for CallLogger {
    fn call(&mut self, t: f64, attempt: u64, event: CallEvent) {
        let index = attempt as usize - 1;
        let end = match event {
            CallEvent::Arrived => {
                // attempts are numbered 1, 2, 3, ... in the order they arrive
                if index >= self.records.len() {
                    self.records.resize(index + 1, (t, None));
                }
                self.records[index] = (t, None);
                return;
            }
            CallEvent::Answered { wait_s, talk_s } => (wait_s, Outcome::Answered, Some(talk_s)),
            CallEvent::Abandoned { wait_s } => (wait_s, Outcome::Abandoned, None),
            CallEvent::Blocked => (0.0, Outcome::Blocked, None),
            CallEvent::Balked => (0.0, Outcome::Balked, None),
            CallEvent::CallbackRequested => (0.0, Outcome::Callback, None),
            CallEvent::Queued | CallEvent::CalledBack { .. } | CallEvent::CallbackUnanswered => {
                return;
            }
        };
        if let Some(record) = self.records.get_mut(index) {
            record.1 = Some(end);
        }
    }
}

impl CallLogger {
    /// The attempts that ended (in a replication, all of them), in arrival order.
    pub fn records(&self) -> Vec<CallRecord> {
        self.records
            .iter()
            .filter_map(|&(arrival_s, end)| {
                end.map(|(wait_s, outcome, talk_s)| CallRecord {
                    arrival_s,
                    wait_s,
                    outcome,
                    talk_s,
                })
            })
            .collect()
    }
}

/// The calls of replication `replication` of `scenario` (the same calls as that
/// replication of `callsim run`: same seed, same streams), warm-up included; all call
/// types together in a multi-skill scenario.
pub fn log_replication(
    scenario: &Scenario,
    replication: u64,
) -> Result<Vec<CallRecord>, crate::model::replication::Stopped> {
    let mut logger = CallLogger::default();
    crate::model::run_replication_observed(scenario, replication, &mut logger)?;
    Ok(logger.records())
}

/// Why no trace can be written for a scenario.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Steady-state runs have no day to replay, and can be arbitrarily long.
    #[error(
        "scenario {0}: a trace replays one working day; this scenario is a steady state \
         (give [time] open and close or intervals instead of a horizon)"
    )]
    SteadyState(String),
    /// The day ran away, or was asked to stop (see [`crate::model::replication::Stopped`]).
    #[error("scenario {0}: {1}")]
    Stopped(String, crate::model::replication::Stopped),
    /// The day has more events than a trace may hold.
    #[error(
        "scenario {0}: the traced day has more than {1} events, more than a trace may hold \
         (lower the arrival rate or the number of intervals)"
    )]
    TooLarge(String, usize),
}

/// A [`Recorder`] that keeps at most `cap` events (calls and agent levels) and notes in
/// `over` that there were more, so that memory stays bounded whatever the day (and the day
/// can be stopped once a trace is refused anyway).
struct CappedRecorder<'a> {
    inner: Recorder,
    cap: usize,
    over: &'a std::cell::Cell<bool>,
}

impl CappedRecorder<'_> {
    fn room(&mut self) -> bool {
        let held = self.inner.calls.len() + self.inner.agents.len() + self.inner.routes.len();
        if held >= self.cap {
            self.over.set(true);
        }
        !self.over.get()
    }
}

impl Observer for CappedRecorder<'_> {
    fn call(&mut self, t: f64, attempt: u64, event: CallEvent) {
        if self.room() {
            self.inner.call(t, attempt, event);
        }
    }

    fn routed(&mut self, t: f64, attempt: u64, call_type: usize, group: usize) {
        if self.room() {
            self.inner.routed(t, attempt, call_type, group);
        }
    }

    fn agents(&mut self, t: f64, busy: u32, present: u32) {
        if self.room() {
            self.inner.agents(t, busy, present);
        }
    }
}

/// Records replication `replication` of `scenario` (a working day) with every event.
pub fn record_day(scenario: &Scenario, replication: u64) -> Result<Recorder, TraceError> {
    record_day_until(scenario, replication, usize::MAX, &|| true)
}

/// [`record_day`] with at most `max_events` events (else [`TraceError::TooLarge`], as soon
/// as the next 65,536 calls are in: the rest of the day is not simulated), asking `go_on`
/// every 65,536 calls whether to go on (else `Stopped::Interrupted`).
pub fn record_day_until(
    scenario: &Scenario,
    replication: u64,
    max_events: usize,
    go_on: &dyn Fn() -> bool,
) -> Result<Recorder, TraceError> {
    if let RunKind::SteadyState { .. } = scenario.kind {
        return Err(TraceError::SteadyState(scenario.name.clone()));
    }
    let over = std::cell::Cell::new(false);
    let mut recorder = CappedRecorder {
        inner: Recorder::default(),
        cap: max_events,
        over: &over,
    };
    // a day already over the cap is refused whatever follows: stop it there
    let stop_or_go_on = || !over.get() && go_on();
    let ran = crate::model::replication::run_replication_until(
        scenario,
        replication,
        &mut recorder,
        &stop_or_go_on,
    );
    if over.get() {
        return Err(TraceError::TooLarge(scenario.name.clone(), max_events));
    }
    ran.map_err(|why| TraceError::Stopped(scenario.name.clone(), why))?;
    Ok(recorder.inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A day over the trace's event cap is refused as soon as the next check comes (every
    /// 65,536 calls), not simulated to its end: `go_on` is not asked again once it is over.
    #[test]
    fn a_day_over_the_event_cap_stops_at_once() {
        let patience = crate::model::Dist::exponential(60.0).ok();
        // 400,000 calls: a whole day would ask `go_on` 6 times
        let sc = crate::model::test_support::day(&[100_000.0; 4], &[100; 4], patience);
        let asked = std::cell::Cell::new(0);
        let go_on = || {
            asked.set(asked.get() + 1);
            true
        };
        let refused = record_day_until(&sc, 0, 1_000, &go_on);
        assert!(
            matches!(refused, Err(TraceError::TooLarge(_, 1_000))),
            "{refused:?}"
        );
        assert_eq!(asked.get(), 0);
        // under the cap, the same day is recorded whole, asking at each check
        let whole = record_day_until(&sc, 0, usize::MAX, &go_on).unwrap();
        assert!(whole.calls.len() > 1_000);
        assert!(asked.get() >= 5, "{}", asked.get());
    }

    #[test]
    fn the_logger_keeps_each_attempt_once_in_arrival_order() {
        let mut log = CallLogger::default();
        log.call(1.0, 1, CallEvent::Arrived);
        log.call(2.0, 2, CallEvent::Arrived);
        log.call(2.0, 2, CallEvent::Queued);
        log.call(3.0, 3, CallEvent::Arrived);
        log.call(3.0, 3, CallEvent::Blocked);
        log.call(
            4.0,
            1,
            CallEvent::Answered {
                wait_s: 3.0,
                talk_s: 60.0,
            },
        );
        log.call(5.0, 4, CallEvent::Arrived);
        log.call(5.0, 4, CallEvent::CallbackRequested);
        log.call(9.0, 2, CallEvent::Abandoned { wait_s: 7.0 });
        log.call(20.0, 4, CallEvent::CalledBack { talk_s: 30.0 });
        let text = crate::fit::calls::calls_csv(&log.records());
        assert_eq!(
            text,
            "arrival,wait_s,outcome,talk_s\n\
             1.000,3.000,answered,60.000\n\
             2.000,7.000,abandoned,\n\
             3.000,0.000,blocked,\n\
             5.000,0.000,callback,\n"
        );
    }
}
