//! The interval grid a roster covers and the heads each interval requires, and the candidate
//! shifts the rules allow on it: every allowed start × length × break position, each one a
//! column of the covering program.
//!
//! A **day** is the plan's intervals, from its opening to its closing: a shift lies inside
//! it. A **week** is 7 × (24 h ÷ interval) intervals from Monday 00:00, and wraps around: a
//! shift starting on Sunday at 22:00 ends on Monday morning, so shifts cross midnight.

use super::RosterError;
use super::rules::ShiftRules;
use crate::units::{WEEKDAYS, format_clock, format_duration};

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// What the roster must cover: scheduled heads per interval on a grid of intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// Length of one interval, seconds.
    pub interval_s: f64,
    /// Clock time of the start of interval 0, seconds after midnight (a week starts on
    /// Monday at 00:00).
    pub start_clock_s: f64,
    /// Heads that must be present (on the roster, not on break) in each interval.
    pub heads: Vec<u32>,
    /// True for a week: 7 days of 24 hours that wrap around (Sunday night runs into Monday).
    pub week: bool,
    /// Intervals in which people may be on shift when the rules give no opening hours (the
    /// working day of the plan).
    pub default_open: Vec<bool>,
}

impl Requirement {
    /// A one-day requirement: `heads` per interval of `interval_s` seconds from the clock time
    /// `open_s`; people may be on shift in every interval of it.
    pub fn day(interval_s: f64, open_s: f64, heads: Vec<u32>) -> Self {
        let n = heads.len();
        Requirement {
            interval_s,
            start_clock_s: open_s,
            heads,
            week: false,
            default_open: vec![true; n],
        }
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// True when there are no intervals.
    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Clock time (seconds after midnight, in [0, 24 h)) at which interval `k` starts.
    pub fn clock_of(&self, k: usize) -> f64 {
        (self.start_clock_s + self.interval_s * k as f64).rem_euclid(DAY_S)
    }

    /// The weekday index (0 = Monday) of interval `k` of a week; 0 in a day.
    pub fn day_of(&self, k: usize) -> usize {
        if self.week {
            ((self.interval_s * k as f64) / DAY_S).floor() as usize % 7
        } else {
            0
        }
    }

    /// The day of interval `k` as written in outputs: `Mon` … `Sun` in a week, `day` in a day.
    pub fn day_name(&self, k: usize) -> &'static str {
        if self.week {
            WEEKDAYS[self.day_of(k)]
        } else {
            "day"
        }
    }

    /// Interval `k` as people read it: `"Tue 03:00"` in a week, `"06:00"` in a day.
    pub fn label(&self, k: usize) -> String {
        let clock = format_clock(self.clock_of(k));
        if self.week {
            format!("{} {clock}", self.day_name(k))
        } else {
            clock
        }
    }

    /// Head-hours required: the paid hours of a roster without over-coverage or breaks, a
    /// lower bound of any roster's paid hours.
    pub fn head_hours(&self) -> f64 {
        let sum: u64 = self.heads.iter().map(|&h| u64::from(h)).sum();
        sum as f64 * self.interval_s / 3600.0
    }
}

/// One candidate shift: a column of the covering program.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Interval in which it starts.
    pub start: usize,
    /// Length, intervals.
    pub length: usize,
    /// Index of its length in the rules' `shift_lengths`.
    pub length_index: usize,
    /// Intervals from the shift start to its break, and the break's length in intervals.
    pub break_at: Option<(usize, usize)>,
    /// Cost of one such shift: paid hours × cost per hour.
    pub cost: f64,
    /// Paid hours (the whole shift, break included).
    pub paid_hours: f64,
}

impl Shift {
    /// The intervals in which one such shift covers (is present and not on break), on a grid
    /// of `n` intervals that wraps around when `wrap`.
    pub fn covered(&self, n: usize, wrap: bool) -> impl Iterator<Item = usize> + '_ {
        (0..self.length)
            .filter(move |i| match self.break_at {
                Some((b, len)) => !(b..b + len).contains(i),
                None => true,
            })
            .map(move |i| {
                if wrap {
                    (self.start + i) % n
                } else {
                    self.start + i
                }
            })
    }

    /// The shift type: start time of day (seconds) and length index.
    pub fn kind(&self, req: &Requirement) -> (u64, usize) {
        (req.clock_of(self.start).round() as u64, self.length_index)
    }
}

/// Heads present (on shift, not on break) in each interval of `req` when `counts[j]` people
/// work `shifts[j]`.
pub fn coverage(req: &Requirement, shifts: &[Shift], counts: &[u32]) -> Vec<u32> {
    let mut cov = vec![0u32; req.len()];
    for (s, &c) in shifts.iter().zip(counts) {
        if c > 0 {
            for t in s.covered(req.len(), req.week) {
                cov[t] += c;
            }
        }
    }
    cov
}

/// `seconds` as a whole number of intervals, or an error naming `key`.
fn whole(seconds: f64, interval_s: f64, key: &str) -> Result<usize, RosterError> {
    let n = (seconds / interval_s).round();
    if (n * interval_s - seconds).abs() > 1e-6 {
        return Err(RosterError::Rules(format!(
            "{key} = {} is not a whole number of intervals ({} each); the roster works \
             interval by interval",
            format_duration(seconds),
            format_duration(interval_s)
        )));
    }
    Ok(n as usize)
}

/// Every shift the rules allow on the grid of `req`, with its cost (`agent_per_hour`: the
/// scenario's `[costs]`, used when the rules give no cost). Fails when a duration is not a
/// whole number of intervals, or when an interval that requires heads has no allowed shift.
pub fn candidates(
    req: &Requirement,
    rules: &ShiftRules,
    agent_per_hour: Option<f64>,
) -> Result<Vec<Shift>, RosterError> {
    let n = req.len();
    let i_s = req.interval_s;
    if req.week && (DAY_S / i_s).fract() != 0.0 {
        return Err(RosterError::Rules(format!(
            "a week needs intervals that divide 24 hours, got {}",
            format_duration(i_s)
        )));
    }
    let open: Vec<bool> = match rules.hours {
        Some(h) => (0..n)
            .map(|k| {
                let c = req.clock_of(k);
                let inside = c + 1e-6 >= h.open_s && c + i_s <= h.close_s + 1e-6;
                inside && (req.week || req.default_open[k])
            })
            .collect(),
        None => req.default_open.clone(),
    };
    let lengths = rules
        .lengths_s
        .iter()
        .map(|&l| whole(l, i_s, "shift_lengths"))
        .collect::<Result<Vec<_>, _>>()?;
    let every = match rules.starts.and_then(|s| s.every_s) {
        Some(e) => whole(e, i_s, "starts.every")? as f64 * i_s,
        None => i_s,
    };
    let breaks = match rules.break_rule {
        Some(b) => Some((
            whole(b.earliest_s, i_s, "break.window")?,
            whole(b.latest_end_s, i_s, "break.window")?,
            whole(b.length_s, i_s, "break.length")?,
            b.for_shifts_over_s,
        )),
        None => None,
    };
    let start_allowed = |k: usize| -> bool {
        let c = req.clock_of(k);
        let (from, to) = rules.starts.map_or((0.0, DAY_S), |s| (s.from_s, s.to_s));
        // Without start times, a day's shifts start on its grid and a week's on `every`
        // from midnight.
        let from = if rules.starts.is_none() && !req.week {
            req.start_clock_s
        } else {
            from
        };
        let steps = ((c - from).rem_euclid(DAY_S) / every).round();
        let on_step = ((c - from).rem_euclid(DAY_S) - steps * every).abs() < 1e-6;
        c + 1e-6 >= from && c <= to + 1e-6 && on_step
    };
    let mut shifts = Vec::new();
    for k in 0..n {
        if !open[k] || !start_allowed(k) {
            continue;
        }
        for (li, &len) in lengths.iter().enumerate() {
            if len == 0 || len > n || (!req.week && k + len > n) {
                continue;
            }
            if !(0..len).all(|i| open[(k + i) % n]) {
                continue;
            }
            let paid_hours = len as f64 * i_s / 3600.0;
            let cost = paid_hours * rules.hourly_cost(li, agent_per_hour);
            let shift = |break_at| Shift {
                start: k,
                length: len,
                length_index: li,
                break_at,
                cost,
                paid_hours,
            };
            match breaks {
                Some((earliest, latest_end, blen, over)) if rules.lengths_s[li] > over => {
                    for b in earliest..=latest_end.saturating_sub(blen) {
                        shifts.push(shift(Some((b, blen))));
                    }
                }
                _ => shifts.push(shift(None)),
            }
        }
    }
    let covered = coverage(req, &shifts, &vec![1; shifts.len()]);
    if let Some(k) = (0..n).find(|&k| req.heads[k] > 0 && covered[k] == 0) {
        return Err(RosterError::Uncoverable {
            interval: req.label(k),
            heads: req.heads[k],
        });
    }
    Ok(shifts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::rules::{BreakRule, OpeningHours, StartTimes};

    #[test]
    fn a_day_has_every_start_that_fits() {
        // 07:00-11:00 in half hours, 2 h shifts: starts 07:00 .. 09:00 (5 of them).
        let req = Requirement::day(1800.0, 7.0 * 3600.0, vec![1; 8]);
        let shifts = candidates(&req, &ShiftRules::lengths_only(&[2.0]), None).unwrap();
        assert_eq!(shifts.len(), 5);
        assert!(shifts.iter().all(|s| s.start + s.length <= 8));
        assert_eq!(shifts[0].cost, 2.0);
    }

    #[test]
    fn breaks_lie_inside_their_window() {
        let mut r = ShiftRules::lengths_only(&[4.0]);
        r.break_rule = Some(BreakRule {
            length_s: 1800.0,
            earliest_s: 3600.0,
            latest_end_s: 3.0 * 3600.0,
            for_shifts_over_s: 0.0,
        });
        let req = Requirement::day(1800.0, 0.0, vec![1; 8]);
        let shifts = candidates(&req, &r, None).unwrap();
        // one start, breaks at 1h, 1h30, 2h, 2h30 after it
        let offsets: Vec<_> = shifts.iter().map(|s| s.break_at.unwrap().0).collect();
        assert_eq!(offsets, [2, 3, 4, 5]);
        assert_eq!(shifts[0].covered(8, false).count(), 7);
    }

    #[test]
    fn a_week_wraps_and_hours_close_the_night() {
        let mut req = Requirement {
            interval_s: 3600.0,
            start_clock_s: 0.0,
            heads: vec![0; 7 * 24],
            week: true,
            default_open: vec![true; 7 * 24],
        };
        let shifts = candidates(&req, &ShiftRules::lengths_only(&[8.0]), None).unwrap();
        assert_eq!(shifts.len(), 7 * 24);
        let sunday_night = shifts.iter().find(|s| s.start == 6 * 24 + 22).unwrap();
        assert_eq!(sunday_night.covered(7 * 24, true).last(), Some(5));
        let mut r = ShiftRules::lengths_only(&[8.0]);
        r.hours = Some(OpeningHours {
            open_s: 6.0 * 3600.0,
            close_s: 22.0 * 3600.0,
        });
        req.heads[24 + 3] = 2; // Tuesday 03:00
        match candidates(&req, &r, None) {
            Err(RosterError::Uncoverable { interval, heads }) => {
                assert_eq!((interval.as_str(), heads), ("Tue 03:00", 2));
            }
            other => panic!("expected an uncoverable interval, got {other:?}"),
        }
    }

    #[test]
    fn start_times_and_whole_intervals() {
        let mut r = ShiftRules::lengths_only(&[2.0]);
        r.starts = Some(StartTimes {
            from_s: 8.0 * 3600.0,
            to_s: 9.0 * 3600.0,
            every_s: Some(3600.0),
        });
        let req = Requirement::day(1800.0, 7.0 * 3600.0, vec![0; 10]);
        let starts: Vec<_> = candidates(&req, &r, None)
            .unwrap()
            .iter()
            .map(|s| s.start)
            .collect();
        assert_eq!(starts, [2, 4]);
        let bad = ShiftRules::lengths_only(&[2.25]);
        assert!(matches!(
            candidates(&req, &bad, None),
            Err(RosterError::Rules(m)) if m.contains("shift_lengths")
        ));
    }
}
