//! Durations as scenario authors write them: `90`, `"20s"`, `"4m"`, `"1h30m"`, `"2.5h"`,
//! `"1d"`. Clock times, and durations written back for people, are [`crate::units`]'.

/// Why a text is not a duration; each holds the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a number of seconds nor `<number><unit>` parts.
    #[error(
        "expected a duration such as \"20s\", \"4m\", \"1h30m\" or a number of seconds, got \"{0}\""
    )]
    Invalid(String),
    /// Units repeated or not from largest to smallest (`"30m1h"`).
    #[error(
        "expected a duration such as \"20s\", \"4m\", \"1h30m\" or a number of seconds, got \"{0}\": \
         write the units from largest to smallest, each once"
    )]
    UnitOrder(String),
}

/// Parses a duration written as a string: one or more `<number><unit>` parts with units
/// `d`, `h`, `m`, `s` (largest first), or a plain number of seconds. Returns seconds.
pub fn parse_duration(text: &str) -> Result<f64, DurationError> {
    let explain = || DurationError::Invalid(text.to_string());
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
            return Err(DurationError::UnitOrder(text.to_string()));
        }
        last_unit = unit;
        total += number * unit;
        rest = &rest[number_len + 1..];
    }
    Ok(total)
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
        assert!(
            parse_duration("4q")
                .unwrap_err()
                .to_string()
                .contains("\"4q\"")
        );
        assert_eq!(
            parse_duration("30m1h").unwrap_err().to_string(),
            "expected a duration such as \"20s\", \"4m\", \"1h30m\" or a number of seconds, \
             got \"30m1h\": write the units from largest to smallest, each once"
        );
    }

    #[test]
    fn written_durations_read_back() {
        for (secs, text) in [
            (1800.0, "30m"),
            (5415.0, "1h30m15s"),
            (20.0, "20s"),
            (2.5, "2.5s"),
        ] {
            assert_eq!(crate::units::format_duration(secs), text);
            assert_eq!(parse_duration(text), Ok(secs));
        }
    }
}
