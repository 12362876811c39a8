//! `trace.jsonl`: one simulated working day, event by event, for the live page's "watch the
//! day" replay (`callsim run --trace FILE.jsonl` writes the same text).
//!
//! One JSON object per line. The first line describes the day:
//!
//! ```text
//! {"trace":"callsim","scenario":"small-business","replication":0,"seed":42,"open_s":32400.0,
//!  "interval_s":1800.0,"intervals":16,"agents":[2,2,...],"service_level_threshold_s":20.0}
//! ```
//!
//! then every event in time order, `t` in seconds from the opening: what happened to call
//! attempt `call` (`arrived`, `queued`, `answered` with `wait_s` and `talk_s`, `abandoned`
//! with `wait_s`, `blocked`, `balked`, `callback_requested`, `called_back` with `talk_s`,
//! `callback_unanswered`), and the agents' level whenever it changes
//! (`{"t":..,"event":"agents","busy":2,"present":2}`; at equal times, calls come first).
//! A trace is bounded by construction: one replication of one working day.

use crate::model::observer::{CallEvent, Observer, Recorder};
use crate::model::{RunKind, Scenario};
use serde_json::{Value, json};

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

/// A [`Recorder`] that keeps at most `cap` events (calls and agent levels) and notes that
/// there were more, so that memory stays bounded whatever the day.
struct CappedRecorder {
    inner: Recorder,
    cap: usize,
    over: bool,
}

impl CappedRecorder {
    fn room(&mut self) -> bool {
        let held = self.inner.calls.len() + self.inner.agents.len() + self.inner.routes.len();
        self.over |= held >= self.cap;
        !self.over
    }
}

impl Observer for CappedRecorder {
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

/// [`record_day`] with at most `max_events` events (else [`TraceError::TooLarge`]), asking
/// `go_on` every 65,536 calls whether to go on (else `Stopped::Interrupted`).
pub fn record_day_until(
    scenario: &Scenario,
    replication: u64,
    max_events: usize,
    go_on: &dyn Fn() -> bool,
) -> Result<Recorder, TraceError> {
    if let RunKind::SteadyState { .. } = scenario.kind {
        return Err(TraceError::SteadyState(scenario.name.clone()));
    }
    let mut recorder = CappedRecorder {
        inner: Recorder::default(),
        cap: max_events,
        over: false,
    };
    crate::model::replication::run_replication_until(scenario, replication, &mut recorder, go_on)
        .map_err(|why| TraceError::Stopped(scenario.name.clone(), why))?;
    if recorder.over {
        return Err(TraceError::TooLarge(scenario.name.clone(), max_events));
    }
    Ok(recorder.inner)
}

/// The name of an event in the trace.
fn event_name(event: &CallEvent) -> &'static str {
    match event {
        CallEvent::Arrived => "arrived",
        CallEvent::Blocked => "blocked",
        CallEvent::Balked => "balked",
        CallEvent::CallbackRequested => "callback_requested",
        CallEvent::Queued => "queued",
        CallEvent::Answered { .. } => "answered",
        CallEvent::Abandoned { .. } => "abandoned",
        CallEvent::CalledBack { .. } => "called_back",
        CallEvent::CallbackUnanswered => "callback_unanswered",
    }
}

/// One call event as a JSON object.
fn call_line(t: f64, call: u64, event: &CallEvent) -> Value {
    let mut line = json!({"t": t, "call": call, "event": event_name(event)});
    let extra = match *event {
        CallEvent::Answered { wait_s, talk_s } => json!({"wait_s": wait_s, "talk_s": talk_s}),
        CallEvent::Abandoned { wait_s } => json!({"wait_s": wait_s}),
        CallEvent::CalledBack { talk_s } => json!({"talk_s": talk_s}),
        _ => json!({}),
    };
    if let (Some(line), Value::Object(extra)) = (line.as_object_mut(), extra) {
        line.extend(extra);
    }
    line
}

/// The JSONL text of `recorder`, the record of replication `replication` of `scenario`.
pub fn trace_jsonl(scenario: &Scenario, replication: u64, recorder: &Recorder) -> Vec<u8> {
    let open_s = match scenario.kind {
        RunKind::WorkingDay { open_s } => open_s,
        RunKind::SteadyState { .. } => 0.0,
    };
    let header = json!({
        "trace": "callsim",
        "scenario": scenario.name,
        "replication": replication,
        "seed": scenario.seed,
        "open_s": open_s,
        "interval_s": scenario.interval_s,
        "intervals": scenario.intervals(),
        "agents": scenario.agents,
        "service_level_threshold_s": scenario.service_level.threshold_s,
    });
    let mut out = Vec::with_capacity(64 * (recorder.calls.len() + recorder.agents.len() + 1));
    let mut push = |v: &Value| {
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    };
    push(&header);
    let mut agents = recorder.agents.iter().peekable();
    for (t, call, event) in &recorder.calls {
        while let Some(&&(ta, busy, present)) = agents.peek() {
            if ta >= *t {
                break;
            }
            push(&json!({"t": ta, "event": "agents", "busy": busy, "present": present}));
            agents.next();
        }
        push(&call_line(*t, *call, event));
    }
    for &(ta, busy, present) in agents {
        push(&json!({"t": ta, "event": "agents", "busy": busy, "present": present}));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_merged_in_time_order_calls_first() {
        let mut sc = crate::scenario::parse(
            "[time]\nopen = \"09:00\"\ninterval = \"30m\"\nintervals = 1\n[arrivals]\n\
             calls_per_hour = 10\n[handle_time]\ndistribution = \"exponential\"\nmean = \"4m\"\n\
             [staffing]\nagents = 1\n",
            "t.toml",
            std::path::Path::new("."),
            "t",
        )
        .unwrap();
        sc.seed = 1;
        let rec = Recorder {
            calls: vec![
                (5.0, 1, CallEvent::Arrived),
                (
                    5.0,
                    1,
                    CallEvent::Answered {
                        wait_s: 0.0,
                        talk_s: 60.0,
                    },
                ),
            ],
            agents: vec![(0.0, 0, 1), (5.0, 1, 1), (65.0, 0, 1)],
            ..Recorder::default()
        };
        let text = String::from_utf8(trace_jsonl(&sc, 0, &rec)).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["trace"], "callsim");
        assert_eq!(lines[0]["open_s"], 32400.0);
        let events: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            events,
            ["agents", "arrived", "answered", "agents", "agents"]
        );
        assert_eq!(lines[3]["talk_s"], 60.0);
        assert_eq!(lines[4]["busy"], 1);
    }
}
