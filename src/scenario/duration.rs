//! Durations and clock times as scenario authors write them: `90`, `"20s"`, `"4m"`,
//! `"1h30m"`, `"2.5h"`, `"1d"`; clock times `"09:00"` or `"17:30:00"`.

/// Parses a duration written as a string: one or more `<number><unit>` parts with units
/// `d`, `h`, `m`, `s` (largest first), or a plain number of seconds. Returns seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let explain = || {
        format!(
            "expected a duration such as \"20s\", \"4m\", \"1h30m\" or a number of seconds, \
             got \"{text}\""
        )
    };
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(explain());
    }
    if let Ok(x) = s.parse::<f64>() {
        return if x.is_finite() { Ok(x) } else { Err(explain()) };
    }
    let mut total = 0.0;
    let mut rest = s.as_str();
    let mut last_unit = f64::INFINITY;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(explain)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| explain())?;
        let unit_char = rest[number_len..].chars().next().ok_or_else(explain)?;
        let unit = match unit_char {
            'd' => 86_400.0,
            'h' => 3_600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return Err(explain()),
        };
        if unit >= last_unit {
            return Err(format!(
                "{}: write the units from largest to smallest, each once",
                explain()
            ));
        }
        last_unit = unit;
        total += number * unit;
        rest = &rest[number_len + 1..];
    }
    Ok(total)
}

/// Parses a clock time `"HH:MM"` or `"HH:MM:SS"` into seconds after midnight.
pub fn parse_clock(text: &str) -> Result<f64, String> {
    let explain =
        || format!("expected a clock time such as \"08:00\" or \"17:30\", got \"{text}\"");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, secs) in [
            ("20s", 20.0),
            ("4m", 240.0),
            ("1h30m", 5400.0),
            ("1h 30m 15s", 5415.0),
            ("2.5m", 150.0),
            ("200h", 720_000.0),
            ("1d", 86_400.0),
            ("90", 90.0),
            ("0.5", 0.5),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
        for bad in ["", "m", "4x", "4", "1m1h", "3m2m", "h30", "1.2.3s", "inf"] {
            if bad == "4" {
                continue;
            }
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_duration("4q").unwrap_err().contains("\"4q\""));
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
        assert_eq!(format_clock(32_400.0), "09:00");
        assert_eq!(format_clock(63_015.0), "17:30:15");
        assert_eq!(format_clock(100.0 * 3600.0), "100:00");
        for (secs, text) in [
            (1800.0, "30m"),
            (5415.0, "1h30m15s"),
            (20.0, "20s"),
            (2.5, "2.5s"),
        ] {
            assert_eq!(format_duration(secs), text);
            assert_eq!(parse_duration(text), Ok(secs));
        }
    }
}
