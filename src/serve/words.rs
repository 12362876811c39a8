//! The page's words for the server's messages. `callsim check` names the scenario file's keys
//! and sections (`agent_group[generalists].staffing.agents`, `[[agent_group]]`, `[time]`),
//! which is right for whoever edits the file; a trainer at the page sees the call center
//! instead ("agents in group generalists", "agent group", "the day").

/// `text` (lines of `key: problem`, as `check` words them) in the call center's words: each
/// leading dotted key, and each section or quoted key inside, said as the page says it.
pub fn for_people(text: &str) -> String {
    text.lines().map(line).collect::<Vec<_>>().join("\n")
}

/// One line of a message: its key (when it starts with one) and its sections in words.
fn line(text: &str) -> String {
    let body = |rest: &str| quoted_keys(&sections(rest));
    match text.split_once(": ") {
        Some((key, rest)) if parse_key(key).is_some() => {
            format!("{}: {}", capitalised(&key_words(key)), body(rest))
        }
        _ => capitalised(&body(text)),
    }
}

/// A dotted key as segments `(name, [selector])`: `agent_group[x].staffing.agents` is
/// `[("agent_group", Some("x")), ("staffing", None), ("agents", None)]`; `None` for text
/// that is not a key.
fn parse_key(key: &str) -> Option<Vec<(&str, Option<&str>)>> {
    let mut out = Vec::new();
    let mut rest = key;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        let is_ident = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !is_ident {
            return None;
        }
        rest = &rest[end..];
        let selector = match rest.strip_prefix('[') {
            Some(inner) => {
                let close = inner.find(']')?;
                rest = &inner[close + 1..];
                Some(&inner[..close])
            }
            None => None,
        };
        out.push((name, selector));
        match rest.strip_prefix('.') {
            Some(next) => rest = next,
            None if rest.is_empty() => return Some(out),
            None => return None,
        }
    }
}

/// What a setting (a dotted path without selectors, such as `staffing.agents`) is called at
/// the page; `None` for one it has no name for.
fn setting(path: &str) -> Option<&'static str> {
    Some(match path {
        "staffing" => "staffing",
        "staffing.agents" => "agents on the phones",
        "staffing.per_interval" => "agents per interval",
        "arrivals" => "calls",
        "arrivals.calls_per_hour" => "calls per hour",
        "arrivals.per_interval" => "calls per interval",
        "arrivals.busyness_cv" => "day-to-day swing of the call volume",
        "patience" => "patience",
        "patience.mean" => "mean patience",
        "handle_time" => "handle time",
        "handle_time.mean" => "mean handle time",
        "handle_time.cv" => "spread of handle times",
        "proactive" => "proactive contact",
        "proactive.coverage" => "proactive coverage",
        "callback" => "the callback offer",
        "callback.accept_probability" => "share of callers who accept a callback",
        "callback.offer_when_wait_exceeds" => "wait before a callback is offered",
        "service_level" => "service-level goal",
        "service_level.threshold" => "service-level threshold",
        "service_level.target" => "service-level target",
        "time" => "the day",
        "costs" => "costs",
        "lines" => "phone lines",
        "retrials" => "calling again",
        "balking" => "hanging up on hearing the wait",
        "routing" => "routing",
        "replications" => "simulated days",
        "seed" => "random seed",
        "agent_group" => "agent group",
        "call_type" => "call type",
        _ => return None,
    })
}

/// `path` said with its own words where there are some, else with its names
/// (`lines.count` is "count of lines").
fn path_words(path: &[&str]) -> String {
    let joined = path.join(".");
    if let Some(words) = setting(&joined) {
        return words.to_string();
    }
    path.iter()
        .rev()
        .map(|p| p.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" of ")
}

/// A dotted key in words: `agent_group[x].staffing.agents` is "agents in group x",
/// `call_type[billing].arrivals.per_interval` is "billing calls per interval".
fn key_words(key: &str) -> String {
    let Some(segments) = parse_key(key) else {
        return key.to_string();
    };
    let (owner, path): (Option<(&str, &str)>, Vec<&str>) = match segments.split_first() {
        Some(((kind, Some(name)), rest)) => {
            (Some((kind, name)), rest.iter().map(|(n, _)| *n).collect())
        }
        _ => (None, segments.iter().map(|(n, _)| *n).collect()),
    };
    let what = path_words(&path);
    match owner {
        None => what,
        Some(("agent_group", name)) if path.is_empty() => format!("group {name}"),
        Some(("agent_group", name)) => {
            format!(
                "{} in group {name}",
                what.trim_end_matches(" on the phones")
            )
        }
        Some(("call_type", name)) if path.is_empty() => format!("{name} calls"),
        Some(("call_type", name)) => match what.strip_prefix("calls") {
            Some(rest) => format!("{name} calls{rest}"),
            None => format!("{what} of {name} calls"),
        },
        Some((kind, name)) => format!("{what} of {} {name}", path_words(&[kind])),
    }
}

/// `[[name]]` and `[name]` (with a following " section", if any) in words.
fn sections(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let (inner, len) = match after.strip_prefix("[[") {
            Some(t) => (t.split_once("]]").map(|(i, _)| i), 4),
            None => (after[1..].split_once(']').map(|(i, _)| i), 2),
        };
        match inner.filter(|i| parse_key(i).is_some()) {
            Some(name) => {
                out.push_str(&path_words(&name.split('.').collect::<Vec<_>>()));
                rest = &after[name.len() + len..];
                rest = rest.strip_prefix(" section").unwrap_or(rest);
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Keys quoted with backticks (`` `predictable_share` ``) in words.
fn quoted_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        match (rest[i], rest.get(i + 1)) {
            (quoted, Some(after)) if parse_key(quoted).is_some() => {
                out.push_str(&key_words(quoted));
                out.push_str(after);
                i += 2;
            }
            (other, _) => {
                out.push('`');
                out.push_str(other);
                i += 1;
            }
        }
    }
    out.replace("the key ", "")
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_the_call_centers_words() {
        for (said, meant) in [
            (
                "staffing.agents: expected the number of agents, a whole number from 1 to \
                 1000000, got 0",
                "Agents on the phones: expected the number of agents, a whole number from 1 \
                 to 1000000, got 0",
            ),
            (
                "agent_group[generalists].staffing.agents: expected a whole number ≥ 0",
                "Agents in group generalists: expected a whole number ≥ 0",
            ),
            (
                "agent_group[nobody].staffing.agents: no [[agent_group]] is named \"nobody\"",
                "Agents in group nobody: no agent group is named \"nobody\"",
            ),
            (
                "call_type[billing].arrivals.per_interval: expected one value per interval \
                 (16 values, as [time] defines 16 intervals), got 2",
                "Billing calls per interval: expected one value per interval (16 values, as \
                 the day defines 16 intervals), got 2",
            ),
            (
                "call_type[billing]: callers of \"billing\" still waiting at close need agents",
                "Billing calls: callers of \"billing\" still waiting at close need agents",
            ),
            (
                "call_type[billing].patience.mean: expected a duration > 0",
                "Mean patience of billing calls: expected a duration > 0",
            ),
            (
                "proactive: the key `predictable_share` is required here",
                "Proactive contact: predictable share is required here",
            ),
            (
                "lines.count: expected a whole number",
                "Count of lines: expected a whole number",
            ),
            (
                "this scenario has no [costs] section",
                "This scenario has no costs",
            ),
            (
                "the request body: expected value at line 1 column 2",
                "The request body: expected value at line 1 column 2",
            ),
        ] {
            assert_eq!(for_people(said), meant);
        }
    }

    #[test]
    fn keys_parse_with_selectors_and_plain_words_do_not() {
        assert_eq!(
            parse_key("agent_group[a b].staffing.agents"),
            Some(vec![
                ("agent_group", Some("a b")),
                ("staffing", None),
                ("agents", None)
            ])
        );
        assert_eq!(parse_key("the request body"), None);
        assert_eq!(parse_key("staffing."), None);
        assert_eq!(parse_key("a[b"), None);
    }
}
