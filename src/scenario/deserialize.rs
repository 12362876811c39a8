//! TOML text into its serde mirror (`super::raw`), reporting *every* problem serde finds,
//! not only the first: after each problem the offending key is taken out of the parsed
//! document and the rest is read again, so an unknown key on line 3 does not hide a wrong
//! value on line 30. Messages speak of keys and values as a user writes them ("expected a
//! whole number", "did you mean `distribution`?"), never of Rust types.

use super::Diagnostic;
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What reading a TOML text into `T` gave: the value (when every problem could be stepped
/// over), the problems, and the keys they cover.
#[derive(Debug)]
pub struct Read<T> {
    /// The value read from what is left of the document, if anything could be read.
    pub value: Option<T>,
    /// Every problem found, in the order found.
    pub problems: Vec<Diagnostic>,
    /// Dotted keys whose problems are already reported: those taken out of the document to
    /// step over a problem, and those a misspelt key most likely meant.
    pub covered: Vec<String>,
}

impl<T> Read<T> {
    /// True when `key` (a validation problem's dotted key) is covered, lies inside a covered
    /// key, or is a section holding one: its problem would only echo one already reported.
    pub fn echoes(&self, key: &str) -> bool {
        let under = |a: &str, b: &str| {
            a.len() > b.len() && a.starts_with(b) && a[b.len()..].starts_with('.')
        };
        self.covered
            .iter()
            .any(|d| d == key || under(key, d) || under(d, key))
    }
}

/// Reads `text` (named `file` in messages) into `T`, stepping over each problem serde reports
/// by removing the key (or the section missing a key) it points at, up to the per-file cap of
/// problems. A TOML syntax error, or a problem no removal steps over (a missing top-level
/// key), ends the reading with no value.
pub fn read<T: DeserializeOwned>(text: &str, file: &str) -> Read<T> {
    let mut out = Read {
        value: None,
        problems: Vec::new(),
        covered: Vec::new(),
    };
    let mut doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            out.problems.push(problem(text, file, &e, None));
            return out;
        }
    };
    loop {
        let attempt = T::deserialize(toml::de::Deserializer::from(doc.clone()));
        let e = match attempt {
            Ok(value) => {
                out.value = Some(value);
                return out;
            }
            Err(e) => e,
        };
        let dropped = e
            .span()
            .and_then(|span| remove_at(doc.get_mut(), &span, ""));
        // a section left without a required key because its misspelt or mistyped key was
        // taken out goes too, and its "missing field" only echoes the problem reported
        let echo = missing_field(e.message()).is_some_and(|field| {
            out.echoes(
                &dropped
                    .as_deref()
                    .map_or(field.to_string(), |s| format!("{s}.{field}")),
            )
        });
        if !echo {
            // a key missing from the top level is named by no key of the file
            let key = match dropped.as_deref() {
                None if missing_field(e.message()).is_some() => Some(""),
                key => key,
            };
            out.problems.push(problem(text, file, &e, key));
        }
        // validation's "`cv` is needed" only echoes the misspelt `cvv`
        if let (Some(key), Some(meant)) = (&dropped, meant_key(e.message())) {
            let section = key.rsplit_once('.').map_or("", |(s, _)| s);
            let meant = if section.is_empty() {
                meant
            } else {
                format!("{section}.{meant}")
            };
            out.covered.push(meant);
        }
        match dropped {
            Some(key) if out.problems.len() <= super::diagnostic::MAX_PER_FILE => {
                out.covered.push(key)
            }
            _ => return out,
        }
    }
}

/// The diagnostic of serde's error `e`, keyed `key` when known (else the key written at its
/// place in the text).
fn problem(text: &str, file: &str, e: &toml::de::Error, key: Option<&str>) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let key = key.map_or_else(|| super::key_at(text, span.start), str::to_string);
    Diagnostic::at(file, text, span, &key, plain(e.message().trim()))
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Removes from `table` the entry that an error at `span` points at (a key, a value, or an
/// element of a list of values) and returns its dotted key below `prefix`; `None` when no
/// entry is at `span`. Sections are searched whatever their own spans (a `[section]`'s span is
/// its header, not its keys).
fn remove_at(table: &mut DeTable<'_>, span: &Range<usize>, prefix: &str) -> Option<String> {
    let mut found = None;
    for (i, (key, value)) in table.iter_mut().enumerate() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        let here = key.span() == *span || value.span() == *span;
        let holds = contains(&value.span(), span);
        let deeper = match value.get_mut() {
            _ if here => None,
            DeValue::Table(inner) => remove_at(inner, span, &path),
            DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => {
                items.iter_mut().enumerate().find_map(|(j, item)| {
                    let label = element_label(item, j);
                    match item.get_mut() {
                        DeValue::Table(inner) => {
                            remove_at(inner, span, &format!("{path}[{label}]"))
                        }
                        _ => None,
                    }
                })
            }
            _ => None,
        };
        if deeper.is_some() {
            return deeper;
        }
        if here || (holds && !value.get_ref().is_table()) {
            found = Some((i, key.get_ref().to_string(), path));
            break;
        }
    }
    let (_, name, path) = found?;
    table.remove(name.as_str());
    Some(path)
}

/// The byte range of the value at dotted key `key` of TOML `text` (`handle_time.mean`,
/// `call_type[billing].patience.mean`), if it is written there.
pub fn span_of(text: &str, key: &str) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = doc.get_ref();
    let parts = super::overlay::key_parts(key);
    let (last, sections) = parts.split_last()?;
    for part in sections {
        let (name, label) = match part.split_once('[') {
            Some((name, rest)) => (name, Some(rest.trim_end_matches(']'))),
            None => (*part, None),
        };
        let value = table.get(name)?;
        table = match (value.get_ref(), label) {
            (DeValue::Table(t), None) => t,
            (DeValue::Array(items), Some(label)) => {
                items
                    .iter()
                    .enumerate()
                    .find_map(|(i, item)| match item.get_ref() {
                        DeValue::Table(t) if element_label(item, i) == label => Some(t),
                        _ => None,
                    })?
            }
            _ => return None,
        };
    }
    table.get(*last).map(|v| v.span())
}

/// How an element of an array of tables is named in a dotted key: its `name`, as
/// `call_type[billing]` (validation's spelling), else its position from 1.
fn element_label(item: &Spanned<DeValue<'_>>, i: usize) -> String {
    item.get_ref()
        .get("name")
        .and_then(|n| n.get_ref().as_str())
        .map_or_else(|| format!("#{}", i + 1), str::to_string)
}

/// serde's message in a call-center user's words: Rust type names replaced by what to
/// write, and an unknown key answered with the nearest known one.
pub fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(rest);
    }
    if let Some(key) = missing_field(message) {
        return format!("the key `{key}` is required here");
    }
    let mut m = message.to_string();
    for (rust, words) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected a sequence", "expected a list such as [1, 2, 3]"),
        ("expected a map", "expected a table"),
        ("invalid type: floating point", "got the number"),
        ("invalid type: integer", "got the whole number"),
        ("invalid type: string", "got the text"),
        ("invalid type: boolean", "got"),
        ("invalid type: sequence", "got a list"),
        ("invalid type: map", "got a table"),
    ] {
        m = m.replace(rust, words);
    }
    if m.starts_with("data did not match any variant of untagged enum") {
        return "expected a number or a list of numbers".to_string();
    }
    // "got X, expected Y" reads better as "expected Y, got X" (as validation says it)
    if let Some((got, expected)) = m.split_once(", expected ")
        && got.starts_with("got ")
    {
        m = format!("expected {expected}, {got}");
    }
    if let Some(struct_name) = m.find("struct Raw") {
        // "expected struct RawTime": a section
        let end = m[struct_name..]
            .find(|c: char| !c.is_alphanumeric() && c != ' ' && c != '_')
            .map_or(m.len(), |i| struct_name + i);
        m.replace_range(struct_name..end, "a table of keys");
    }
    m
}

/// The key a "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// The key an "unknown field" message most likely meant, if one is near enough.
fn meant_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    nearest(rest).map(|(_, k)| k.to_string())
}

/// The unknown key of the rest of an "unknown field `x`, expected ..." message, the keys
/// known there, and the nearest of them (within a third of the key's length in edits).
fn nearest(rest: &str) -> Option<(usize, &str)> {
    let (key, known) = rest.split_once('`')?;
    let k = nearest_name(key, known.split('`').skip(1).step_by(2))?;
    Some((edit_distance(key, k), k))
}

/// "unknown key `x`; did you mean `y`?" from the rest of serde's "unknown field `x`, expected
/// one of `a`, `b`" (or "expected `a` or `b`", "there are no fields").
fn unknown_key(rest: &str) -> String {
    let (key, known) = rest.split_once('`').unwrap_or((rest, ""));
    let known: Vec<&str> = known.split('`').skip(1).step_by(2).collect();
    let list = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match (nearest(rest), known.is_empty()) {
        (Some((_, k)), _) => {
            format!("unknown key `{key}`: did you mean `{k}`? (keys here: {list})")
        }
        (None, false) => format!("unknown key `{key}` (keys here: {list})"),
        (None, true) => format!("unknown key `{key}`: this table takes no keys"),
    }
}

/// The name among `known` nearest to `name` (within a third of its length in edits), for a
/// "did you mean" of keys that are names rather than fields (KPIs, call types).
pub fn nearest_name<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= (k.len().max(name.len()) / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance between two keys, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_key_is_suggested() {
        let m = plain("unknown field `distributon`, expected one of `distribution`, `mean`, `cv`");
        assert_eq!(
            m,
            "unknown key `distributon`: did you mean `distribution`? (keys here: `distribution`, `mean`, `cv`)"
        );
        let m = plain("unknown field `zzz`, expected `open` or `close`");
        assert_eq!(m, "unknown key `zzz` (keys here: `open`, `close`)");
    }

    #[test]
    fn rust_types_are_not_named() {
        assert_eq!(
            plain("invalid type: floating point `2.5`, expected i64"),
            "expected a whole number, got the number `2.5`"
        );
        assert_eq!(
            plain("invalid type: string \"x\", expected f64"),
            "expected a number, got the text \"x\""
        );
    }

    const SHOP: &str = r#"
seed = "x"
[time]
horizon = "10h"
[handle_time]
distributon = "exponential"
mean = 180
[staffing]
agents = 2.5
"#;

    #[test]
    fn every_problem_is_reported_and_stepped_over() {
        let r = read::<crate::scenario::raw::RawScenario>(SHOP, "shop.toml");
        let found: Vec<(usize, &str)> = r
            .problems
            .iter()
            .map(|d| (d.line, d.key.as_str()))
            .collect();
        // the misspelt key's section loses its required `distribution`: not reported again
        assert_eq!(
            found,
            [
                (6, "handle_time.distributon"),
                (2, "seed"),
                (9, "staffing.agents")
            ]
        );
        assert!(
            r.problems[0]
                .message
                .contains("did you mean `distribution`?")
        );
        assert!(r.value.is_some(), "what is left is read");
        assert!(r.echoes("handle_time"));
        assert!(r.echoes("seed"));
        assert!(!r.echoes("time"));
    }

    #[test]
    fn a_missing_top_level_key_ends_the_reading() {
        let r = read::<crate::scenario::raw::RawScenario>("seed = 1\n", "x.toml");
        assert!(r.value.is_none());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].message, "the key `time` is required here");
        assert_eq!(r.problems[0].key, "");
        // a mistyped `time` is reported once, not again as missing
        let r = read::<crate::scenario::raw::RawScenario>("time = 3\n", "x.toml");
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].key, "time");
    }

    #[test]
    fn a_key_of_a_call_type_is_named_by_the_type() {
        let text = "[time]\nhorizon = 10\n[[call_type]]\nname = \"billing\"\nweigth = 2\n";
        let r = read::<crate::scenario::raw::RawScenario>(text, "x.toml");
        assert_eq!(r.problems[0].key, "call_type[billing].weigth");
        assert!(r.problems[0].message.contains("did you mean `weight`?"));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("mean", "mean"), 0);
    }
}
