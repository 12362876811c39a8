//! Tours: a week of work for one person. A week roster of anonymous shifts says how many
//! people each interval needs; a tour roster says, for each person-to-be, which days they
//! work, which shift on each, and which days they are off, under the week's rules (days
//! worked per contract, rest between shifts, consecutive working days, weekly hours, a
//! stable start time). Named agents are then given tours (see `--agents`).
//!
//! The types here are the interface between the tour solver (which builds [`Tour`]s from a
//! week's requirement and [`TourRules`]) and everything downstream (assigning tours to named
//! agents, `schedule.csv`, the per-agent and per-day pages, the simulated check of the week).

use super::grid::Shift;

/// What one kind of contract allows in a week: e.g. full time works 5 days and 38 to 40 paid
/// hours, part time 3 to 4 days and 20 to 24 paid hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// The contract's name as written in the file and in `agents.csv` (`full-time`).
    pub name: String,
    /// Fewest days worked in a week.
    pub days_min: u32,
    /// Most days worked in a week.
    pub days_max: u32,
    /// Fewest paid hours in a week (breaks included).
    pub hours_min: f64,
    /// Most paid hours in a week (breaks included).
    pub hours_max: f64,
}

/// How a tour's days off must lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaysOff {
    /// Anywhere in the week.
    Any,
    /// Consecutive days off are preferred: allowed apart, at a cost.
    PreferConsecutive,
    /// The days off of a week are consecutive (Sunday and Monday count as consecutive: the
    /// week wraps around).
    Consecutive,
}

/// The week's rules for tours, from `[roster]`: on top of the shift rules, which say what
/// one shift may be.
#[derive(Debug, Clone, PartialEq)]
pub struct TourRules {
    /// The contracts people may have; at least one.
    pub contracts: Vec<Contract>,
    /// How days off must lie.
    pub days_off: DaysOff,
    /// Least rest between the end of one shift and the start of the next, seconds (e.g.
    /// 39,600 for 11 hours).
    pub min_rest_s: f64,
    /// Most working days in a row (the week wraps around).
    pub max_consecutive_days: u32,
    /// Most difference between a tour's earliest and latest start time of day, seconds;
    /// `None`: starts may vary freely.
    pub start_band_s: Option<f64>,
}

/// One person's week: the shifts they work, on the week's grid of 7 × 24 h from Monday
/// 00:00, at most one starting on each day, in the order of their start.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    /// The agent group whose skills the tour's person needs (index in the scenario's
    /// `[[agent_group]]`s; 0 for a single queue).
    pub group: usize,
    /// The contract the tour is for (index in [`TourRules::contracts`]).
    pub contract: usize,
    /// The shifts worked, in order of start.
    pub shifts: Vec<Shift>,
}

impl Tour {
    /// Paid hours of the week (breaks included).
    pub fn paid_hours(&self) -> f64 {
        self.shifts.iter().map(|s| s.paid_hours).sum()
    }

    /// Cost of the week: the sum of its shifts' costs.
    pub fn cost(&self) -> f64 {
        self.shifts.iter().map(|s| s.cost).sum()
    }
}
