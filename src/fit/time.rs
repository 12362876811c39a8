//! Timestamps of real data: `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with a `T`), as calendar days
//! and milliseconds, without a date library.

/// A moment of a calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Milliseconds after midnight.
    pub ms: i64,
}

impl Timestamp {
    /// Day of the week: 0 = Monday ... 6 = Sunday.
    pub fn weekday(&self) -> usize {
        // 1970-01-01 was a Thursday
        (self.day + 3).rem_euclid(7) as usize
    }

    /// Seconds since 1970-01-01 00:00.
    pub fn seconds(&self) -> f64 {
        self.day as f64 * 86_400.0 + self.ms as f64 / 1000.0
    }

    /// The date as `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let (y, m, d) = civil_from_days(self.day);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl std::fmt::Display for Timestamp {
    /// `YYYY-MM-DD HH:MM`, with `:SS` when the seconds are not 0.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let clock = crate::units::format_clock((self.ms / 1000) as f64);
        write!(f, "{} {clock}", self.date())
    }
}

/// A text that is not a timestamp `YYYY-MM-DD HH:MM[:SS[.fff]]` of a real calendar day;
/// holds the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a time such as \"2003-03-03 07:05\" or \"2003-03-03 07:05:00\", got \"{0}\"")]
pub struct TimestampError(pub String);

/// Parses `YYYY-MM-DD HH:MM[:SS[.fff]]` (a `T` may stand for the space).
pub fn parse_timestamp(text: &str) -> Result<Timestamp, TimestampError> {
    let explain = || TimestampError(text.to_string());
    let text = text.trim();
    let (date, clock) = text.split_once([' ', 'T']).ok_or_else(explain)?;
    let d: Vec<&str> = date.split('-').collect();
    let [y, m, dd] = d.as_slice() else {
        return Err(explain());
    };
    let number =
        |s: &str, digits: std::ops::RangeInclusive<usize>| -> Result<i64, TimestampError> {
            if !digits.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(explain());
            }
            s.parse().map_err(|_| explain())
        };
    let (y, m, dd) = (number(y, 4..=4)?, number(m, 1..=2)?, number(dd, 1..=2)?);
    if !(1..=12).contains(&m) || dd < 1 || dd > days_in_month(y, m) {
        return Err(explain());
    }
    let c: Vec<&str> = clock.trim().split(':').collect();
    let (h, mi, s_ms) = match c.as_slice() {
        [h, mi] => (number(h, 1..=2)?, number(mi, 2..=2)?, 0),
        [h, mi, s] => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            let mut ms = number(whole, 2..=2)? * 1000;
            if !frac.is_empty() {
                let f = number(frac, 1..=9)?;
                ms += (f as f64 / 10f64.powi(frac.len() as i32) * 1000.0).round() as i64;
            }
            (number(h, 1..=2)?, number(mi, 2..=2)?, ms)
        }
        _ => return Err(explain()),
    };
    if h > 23 || mi > 59 || s_ms >= 60_000 {
        return Err(explain());
    }
    Ok(Timestamp {
        day: days_from_civil(y, m, dd),
        ms: (h * 3600 + mi * 60) * 1000 + s_ms,
    })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::WEEKDAYS;

    #[test]
    fn dates_and_weekdays() {
        let t = parse_timestamp("2003-03-03 07:05:00").unwrap();
        assert_eq!(WEEKDAYS[t.weekday()], "Mon");
        assert_eq!(t.ms, (7 * 3600 + 5 * 60) * 1000);
        assert_eq!(t.date(), "2003-03-03");
        assert_eq!(parse_timestamp("2003-03-03T07:05").unwrap(), t);
        assert_eq!(
            WEEKDAYS[parse_timestamp("2024-02-29 00:00").unwrap().weekday()],
            "Thu"
        );
        assert_eq!(
            parse_timestamp("1970-01-01 00:00:01.5").unwrap().seconds(),
            1.5
        );
        for bad in [
            "2003-02-29 07:00",
            "2003-03-03",
            "03/03/2003 07:00",
            "2003-03-03 25:00",
            "2003-03-03 07:5",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
            assert_eq!(
                parse_timestamp(bad).unwrap_err().to_string(),
                format!(
                    "expected a time such as \"2003-03-03 07:05\" or \"2003-03-03 07:05:00\", \
                     got \"{bad}\""
                )
            );
        }
    }
}
