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
//! A trace is bounded by construction: one replication of one working day, recorded by
//! [`crate::simulate::record::record_day`] (at most a given number of events).

use crate::model::observer::{CallEvent, Recorder};
use crate::model::{RunKind, Scenario};
use serde_json::{Value, json};

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
