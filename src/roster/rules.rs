//! The shift rules of a roster, as validated from a scenario's `[roster]` section or from a
//! separate shift file (the same keys at the top level): which shift lengths exist, when
//! shifts may start, the opening hours people may be present in, the break of long shifts,
//! how many distinct shift types a roster may use, what a paid hour costs, and (for a week)
//! how busy each weekday is. Checks that need the interval grid (durations in whole
//! intervals, a requirement no shift can cover) are made when the roster is built.

/// When shifts may start: every `every_s` seconds from `from_s` to `to_s` (clock times,
/// seconds after midnight, both included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartTimes {
    /// Earliest start, seconds after midnight.
    pub from_s: f64,
    /// Latest start, seconds after midnight (not before `from_s`).
    pub to_s: f64,
    /// Spacing of the allowed starts, seconds (a whole number of intervals); `None`: one
    /// interval.
    pub every_s: Option<f64>,
}

/// The hours of the day people may be on shift: from `open_s` to `close_s` (seconds after
/// midnight, `open_s < close_s`). No shift starts before the opening or ends after closing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpeningHours {
    /// Opening, seconds after midnight.
    pub open_s: f64,
    /// Closing, seconds after midnight (up to 86,400 for 24:00).
    pub close_s: f64,
}

/// The break of a long shift: `length_s` seconds, lying inside the window from
/// `earliest_s` to `latest_end_s` after the shift starts, for shifts longer than
/// `for_shifts_over_s`. An agent on break is on the roster but covers nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakRule {
    /// Length of the break, seconds.
    pub length_s: f64,
    /// Earliest start of the break, seconds after the shift starts.
    pub earliest_s: f64,
    /// Latest end of the break, seconds after the shift starts.
    pub latest_end_s: f64,
    /// Shifts longer than this (seconds) take the break; shorter ones have none.
    pub for_shifts_over_s: f64,
}

/// Validated shift rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRules {
    /// Allowed shift lengths, paid seconds (breaks included), in the order written.
    pub lengths_s: Vec<f64>,
    /// When shifts may start; `None`: at the start of any interval.
    pub starts: Option<StartTimes>,
    /// Hours people may be on shift; `None`: the scenario's (or plan's) working day, or round
    /// the clock when that day lasts 24 hours.
    pub hours: Option<OpeningHours>,
    /// The break of long shifts; `None`: no breaks.
    pub break_rule: Option<BreakRule>,
    /// Most distinct shift types (start time of day × length) the roster may use.
    pub max_shift_types: Option<usize>,
    /// Cost of a paid hour: one value for every length, or one per length (in the order of
    /// `lengths_s`); `None`: `[costs] agent_per_hour`, else 1 (cost = paid hours).
    pub cost_per_hour: Option<Vec<f64>>,
    /// A week: the factor on the scenario's calls on each weekday, Monday first (each day is
    /// planned from its own volume); `None`: one day.
    pub week: Option<[f64; 7]>,
    /// The week's rules for tours of people (contracts, days off, rest, start band); `None`:
    /// anonymous shifts only. Only with `week`.
    pub tours: Option<super::tours::TourRules>,
}

impl ShiftRules {
    /// Cost of one paid hour of a shift of `length_s` seconds (its index in `lengths_s` is
    /// `index`), given the scenario's agent cost per hour if any.
    pub fn hourly_cost(&self, index: usize, agent_per_hour: Option<f64>) -> f64 {
        match &self.cost_per_hour {
            Some(costs) if costs.len() == 1 => costs[0],
            Some(costs) => costs.get(index).copied().unwrap_or(1.0),
            None => agent_per_hour.filter(|c| *c > 0.0).unwrap_or(1.0),
        }
    }

    /// Rules with these shift lengths (hours) and nothing else: any start, no break, no
    /// limits, one day.
    #[cfg(test)]
    pub fn lengths_only(lengths_h: &[f64]) -> Self {
        ShiftRules {
            lengths_s: lengths_h.iter().map(|h| h * 3600.0).collect(),
            starts: None,
            hours: None,
            break_rule: None,
            max_shift_types: None,
            cost_per_hour: None,
            week: None,
            tours: None,
        }
    }

    /// True when the rules describe a week (seven days, Monday first).
    pub fn is_week(&self) -> bool {
        self.week.is_some()
    }
}
