//! Scenario overlays: dotted-key overrides of a scenario file's TOML table, used by sweep
//! axes (each point is the base with the axis values set) and by `callsim serve`'s what-ifs
//! (each control is a key set on the loaded file).
//!
//! A key is dotted (`staffing.agents`, `patience.mean`); setting it creates the sections it
//! needs. A part `call_type[NAME]` or `agent_group[NAME]` addresses the `[[call_type]]` or
//! `[[agent_group]]` section whose `name` is `NAME`, as problems name it
//! (`call_type[billing].arrivals.per_interval`); dots inside the brackets do not split. Keys
//! that are alternatives of each other ([`ALTERNATIVES`]) replace one another, so that an
//! override `staffing.agents` removes the base's `staffing.per_interval`.

use crate::model::Scenario;
use std::path::Path;

/// Scenario keys that exclude each other: setting one removes the other from the point.
pub const ALTERNATIVES: [(&str, &str); 3] = [
    ("staffing.agents", "staffing.per_interval"),
    ("arrivals.calls_per_hour", "arrivals.per_interval"),
    ("time.intervals", "time.close"),
];

/// Why a dotted key cannot be set on a scenario's table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key is empty.
    #[error("an empty key")]
    Empty,
    /// A part of the key before its last is a value in the base, not a section.
    #[error("{value} is a value in the base scenario, not a section, so {key} cannot be set")]
    NotASection {
        /// The part of the key that is a value (`staffing.agents` of `staffing.agents.x`).
        value: String,
        /// The whole key.
        key: String,
    },
    /// `call_type[NAME]` (or `agent_group[NAME]`) where the base has no such sections.
    #[error("the base scenario has no [[{array}]] sections")]
    NoSections {
        /// `call_type` or `agent_group`.
        array: String,
    },
    /// `call_type[NAME]` where no section has that name.
    #[error("no [[{array}]] is named \"{name}\"; the base scenario has {}", names.join(", "))]
    NoSuchName {
        /// `call_type` or `agent_group`.
        array: String,
        /// The name asked for.
        name: String,
        /// The names there are, in file order.
        names: Vec<String>,
    },
}

/// Sets `value` at dotted `key` of `table`, creating the sections it needs and removing the
/// alternative key (see [`ALTERNATIVES`]). A part `call_type[billing]` (or
/// `agent_group[generalists]`) is the `[[call_type]]` section whose `name` is `billing`, as
/// problems name it: `call_type[billing].arrivals.per_interval`.
pub fn set_key(table: &mut toml::Table, key: &str, value: toml::Value) -> Result<(), KeyError> {
    let parts = key_parts(key);
    let (last, sections) = parts.split_last().ok_or(KeyError::Empty)?;
    let mut here = table;
    for (i, part) in sections.iter().enumerate() {
        let not_a_section = || KeyError::NotASection {
            value: parts[..=i].join("."),
            key: key.to_string(),
        };
        here = match part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            Some((array, name)) => named_section(here, array, name)?,
            None => here
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(not_a_section)?,
        };
    }
    // the alternative of a key inside a named section too (`agent_group[a].staffing.agents`)
    let tail = parts[parts.len().saturating_sub(2)..].join(".");
    for (a, b) in ALTERNATIVES.iter().flat_map(|&(a, b)| [(a, b), (b, a)]) {
        if tail == a {
            here.remove(b.rsplit('.').next().unwrap_or(b));
        }
    }
    here.insert(last.to_string(), value);
    Ok(())
}

/// The parts of a dotted key; dots inside `[...]` (a section's name) do not split.
pub(crate) fn key_parts(key: &str) -> Vec<&str> {
    let (mut parts, mut start, mut depth) = (Vec::new(), 0, 0usize);
    for (i, c) in key.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&key[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&key[start..]);
    parts
}

/// The table of array `array` (`[[call_type]]`) whose `name` is `name`.
fn named_section<'t>(
    table: &'t mut toml::Table,
    array: &str,
    name: &str,
) -> Result<&'t mut toml::Table, KeyError> {
    let Some(toml::Value::Array(items)) = table.get_mut(array) else {
        return Err(KeyError::NoSections {
            array: array.to_string(),
        });
    };
    let names: Vec<String> = items
        .iter()
        .filter_map(|t| t.get("name")?.as_str().map(str::to_string))
        .collect();
    items
        .iter_mut()
        .filter_map(toml::Value::as_table_mut)
        .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
        .ok_or_else(|| KeyError::NoSuchName {
            array: array.to_string(),
            name: name.to_string(),
            names,
        })
}

/// A problem of a scenario built with [`apply`]: the dotted key (empty when unknown) and
/// what is wrong, worded as `callsim check` words it.
pub type KeyProblem = (String, String);

/// The scenario `base` with each `(dotted key, value)` of `settings` set in turn (see
/// [`set_key`]), as TOML text, and that text validated as scenario file `file` (relative
/// paths taken from `base_dir`, `name` when it sets none): a sweep point, or the live page's
/// what-if. The text comes back whatever happens (a sweep hashes it); every problem names
/// its key, and an unknown key says which setting brought it.
pub fn apply(
    base: &toml::Table,
    settings: &[(&str, &toml::Value)],
    file: &str,
    base_dir: &Path,
    name: &str,
) -> (String, Result<Scenario, Vec<KeyProblem>>) {
    let mut table = base.clone();
    let mut found = Vec::new();
    for (key, value) in settings {
        if let Err(m) = set_key(&mut table, key, (*value).clone()) {
            found.push((key.to_string(), m.to_string()));
        }
    }
    let text = toml::to_string(&table).unwrap_or_else(|e| {
        found.push((
            String::new(),
            format!("cannot write the scenario as TOML: {e}"),
        ));
        String::new()
    });
    if !found.is_empty() {
        return (text, Err(found));
    }
    let outcome = super::parse(&text, file, base_dir, name).map_err(|diagnostics| {
        diagnostics
            .into_iter()
            .map(|d| {
                let message = explain_unknown(&d.key, d.message, settings.iter().map(|s| s.0));
                (d.key, message)
            })
            .collect()
    });
    (text, outcome)
}

/// Adds to serde's "unknown field" message which setting (sweep axis or override) brought
/// the unknown key.
fn explain_unknown<'k>(
    key: &str,
    message: String,
    mut keys: impl Iterator<Item = &'k str>,
) -> String {
    match keys.find(|k| related(k, key)) {
        Some(k) if message.starts_with("unknown key") => {
            format!("{message}; {k} is not a key of the scenario (check its spelling)")
        }
        _ => message,
    }
}

/// Whether dotted keys `a` and `b` are the same or one is a section of the other.
pub fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `call_type[NAME]` and `agent_group[NAME]` reach the section with that name; the
    /// alternative key inside it is removed; an unknown name lists the names there are.
    #[test]
    fn keys_reach_named_sections() {
        let mut t: toml::Table = toml::from_str(
            "[[agent_group]]\nname = \"a.1\"\nstaffing = { per_interval = [1, 2] }\n\
             [[agent_group]]\nname = \"b\"\nstaffing = { agents = 3 }\n",
        )
        .unwrap();
        set_key(
            &mut t,
            "agent_group[a.1].staffing.agents",
            toml::Value::Integer(4),
        )
        .unwrap();
        let groups = t["agent_group"].as_array().unwrap();
        assert_eq!(groups[0]["staffing"].to_string(), "{ agents = 4 }");
        assert_eq!(groups[1]["staffing"]["agents"].as_integer(), Some(3));
        let e = set_key(
            &mut t,
            "agent_group[c].staffing.agents",
            toml::Value::Integer(1),
        );
        assert_eq!(
            e.unwrap_err().to_string(),
            "no [[agent_group]] is named \"c\"; the base scenario has a.1, b"
        );
        let messages = [
            (
                "call_type[x].weight",
                "the base scenario has no [[call_type]] sections",
            ),
            (
                "agent_group[b].staffing.agents.x",
                "agent_group[b].staffing.agents is a value in the base scenario, not a \
                 section, so agent_group[b].staffing.agents.x cannot be set",
            ),
        ];
        for (key, message) in messages {
            let e = set_key(&mut t, key, toml::Value::Integer(1)).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
    }

    #[test]
    fn set_key_creates_sections_and_removes_the_alternative() {
        let mut t: toml::Table =
            toml::from_str("[arrivals]\nper_interval = [1, 2]\nbusyness_cv = 0.1").unwrap();
        set_key(&mut t, "arrivals.calls_per_hour", toml::Value::Integer(60)).unwrap();
        set_key(&mut t, "lines.count", toml::Value::Integer(3)).unwrap();
        assert_eq!(
            toml::to_string(&t).unwrap(),
            "[arrivals]\nbusyness_cv = 0.1\ncalls_per_hour = 60\n\n[lines]\ncount = 3\n"
        );
    }
}
