//! Clock times, durations for people and weekday names: the one place they are formatted
//! and parsed. Below everything: it uses nothing else of callsim.
//!
//! - clock times `HH:MM` (`:SS` when needed; hours past 24 for long runs): [`format_clock`],
//!   [`parse_clock`];
//! - durations in seconds written as scenario files write them (`"30m"`, `"1h30m"`):
//!   [`format_duration`] (reading them is [`crate::scenario::duration`]'s);
//! - weekday names, Monday first: [`WEEKDAYS`], [`weekday_index`];
//! - text a message quotes back, cut to a length: [`shortened`].

/// A text that is not a clock time `"HH:MM"` or `"HH:MM:SS"` (up to 24:00); holds the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a clock time such as \"08:00\" or \"17:30\", got \"{0}\"")]
pub struct ClockError(pub String);

/// Parses a clock time `"HH:MM"` or `"HH:MM:SS"` into seconds after midnight.
pub fn parse_clock(text: &str) -> Result<f64, ClockError> {
    let explain = || ClockError(text.to_string());
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(explain());
    }
    let mut values = [0u32; 3];
    for (value, part) in values.iter_mut().zip(&parts) {
        if part.is_empty() || part.len() > 2 {
            return Err(explain());
        }
        *value = part.parse().map_err(|_| explain())?;
    }
    let [h, m, s] = values;
    if h > 24 || m > 59 || s > 59 || (h == 24 && (m > 0 || s > 0)) {
        return Err(explain());
    }
    Ok((h * 3600 + m * 60 + s) as f64)
}

/// `x` with `decimals` decimals and its thousands set apart by a thin space (`22 739.5`):
/// the one way numbers are written for people, in tables, pages and charts.
pub fn thousands(x: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut out = String::new();
    if x < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// Formats seconds after midnight (or elapsed seconds) as `HH:MM`, with `:SS` when needed.
/// Hours go past 24 for long runs.
pub fn format_clock(seconds: f64) -> String {
    let total = seconds.round() as i64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Formats a duration in seconds the way scenario files write it: `"30m"`, `"1h30m"`,
/// `"20s"`, `"2.5s"`.
pub fn format_duration(seconds: f64) -> String {
    if seconds.fract() != 0.0 || seconds < 1.0 {
        return format!("{seconds}s");
    }
    let total = seconds as u64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let mut out = String::new();
    for (value, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            out.push_str(&format!("{value}{unit}"));
        }
    }
    out
}

/// Short English names of the days of the week, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The day of the week named `name` (`Mon`, `monday`, ...; any case): 0 = Monday.
pub fn weekday_index(name: &str) -> Option<usize> {
    let name = name.trim().to_ascii_lowercase();
    if !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let first_three = name.get(..3)?;
    WEEKDAYS
        .iter()
        .position(|w| w.eq_ignore_ascii_case(first_three))
}

/// The `len` characters of `text` from character `from`, with `…` where it was cut (a
/// message quoting what a user typed stays short, however long that was).
pub fn shortened(text: &str, from: usize, len: usize) -> String {
    let mut out = if from > 0 {
        "…".to_string()
    } else {
        String::new()
    };
    out.extend(text.chars().skip(from).take(len));
    if text.chars().skip(from).nth(len).is_some() {
        out.push('…');
    }
    out
}

/// Names as a sentence lists them: `a`, `a and b`, `a, b and c` (empty for none).
pub fn listed(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_as_a_sentence() {
        assert_eq!(listed(&[]), "");
        assert_eq!(listed(&["plan.csv"]), "plan.csv");
        assert_eq!(listed(&["a", "b"]), "a and b");
        assert_eq!(listed(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn clock_times() {
        assert_eq!(parse_clock("09:00"), Ok(32_400.0));
        assert_eq!(parse_clock("17:30:15"), Ok(63_015.0));
        assert_eq!(parse_clock("24:00"), Ok(86_400.0));
        for bad in [
            "9",
            "25:00",
            "12:60",
            "ab:cd",
            "12:00:00:00",
            "24:01",
            "123:00",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_clock("25:00").unwrap_err().to_string(),
            "expected a clock time such as \"08:00\" or \"17:30\", got \"25:00\""
        );
        assert_eq!(format_clock(32_400.0), "09:00");
        assert_eq!(format_clock(63_015.0), "17:30:15");
        assert_eq!(format_clock(100.0 * 3600.0), "100:00");
    }

    #[test]
    fn durations_for_people() {
        for (secs, text) in [(90.0, "1m30s"), (3600.0, "1h"), (0.5, "0.5s")] {
            assert_eq!(format_duration(secs), text);
        }
    }

    #[test]
    fn weekday_names_in_any_case_and_text_that_is_not_one() {
        assert_eq!(weekday_index("Mon"), Some(0));
        assert_eq!(weekday_index(" monday "), Some(0));
        assert_eq!(weekday_index("SUNDAY"), Some(6));
        for bad in ["", "Mo", "Funday", "Mon1", "ab€", "Mé", "€uro"] {
            assert_eq!(weekday_index(bad), None, "{bad}");
        }
        assert_eq!(WEEKDAYS[6], "Sun");
    }
}
