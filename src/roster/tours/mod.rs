//! Tours: a week of work for one person. A week roster of anonymous shifts says how many
//! people each interval needs; a tour roster says, for each person-to-be, which days they
//! work, which shift on each, and which days they are off, under the week's rules (days
//! worked per contract, rest between shifts, consecutive working days, weekly hours, a
//! stable start time). Named agents are then given tours (see `--agents`).
//!
//! The types here are the interface between the tour solver (which builds [`Tour`]s from a
//! week's requirement and [`TourRules`]) and everything downstream (assigning tours to named
//! agents, `schedule.csv`, the per-agent and per-day pages, the simulated check of the week).
//!
//! How tours are built ([`solve`]): a week's days-off patterns (which of the 7 days a person
//! works, under the contract's days, the days-off rule and the most consecutive days) are
//! the people; each person's shifts start within one **start block** of the day, a window no
//! wider than the start band and narrow enough that the rest between two days' shifts is
//! always at least `min_rest` (24 h − the longest shift − the widest start difference). The
//! aggregate program (`program`) chooses how many of each candidate shift and how many
//! people of each pattern and block, so that every interval is covered, each day and block
//! has one shift per person working it, and each block's paid hours lie within its people's
//! contracts; its relaxation without blocks bounds every tour roster from below (the LP
//! bound), and the program with blocks is dived to whole numbers. The shifts of each day
//! and block are then dealt to its people so that each person's weekly hours lie within the
//! contract (`assign`), and every tour is checked against every rule ([`violations`]).

use super::RosterError;
use super::grid::{DAY_S, Requirement, Shift};
use super::model::Solved;

mod assign;
mod program;
#[cfg(test)]
mod tests;

/// Days in the week of tours.
pub const WEEK_DAYS: usize = 7;

/// Most rounds of program and deal: the first free, the next with the blocks and classes
/// whose deal missed a contract on safe shift lengths, the last with all of them so.
const DEAL_ROUNDS: usize = 5;

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
    /// People of each contract in each agent group, at `[group][contract]`, from the staff
    /// list given with `--agents`: a group's tours of a contract are at most its people of
    /// that contract (a group or contract missing: nobody). `None`: tours are not capped.
    pub staff: Option<Vec<Vec<u32>>>,
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

impl Tour {
    /// The weekdays worked, as a bit set (bit 0 = Monday), on the week grid of `req`.
    pub fn days(&self, req: &Requirement) -> u8 {
        self.shifts
            .iter()
            .fold(0, |m, s| m | 1 << req.day_of(s.start))
    }
}

/// Weekdays in a bit set (bit 0 = Monday).
fn day_count(days: u8) -> u32 {
    (days & 0x7f).count_ones()
}

/// True when day `d` (0 = Monday) is in the bit set.
fn works(days: u8, d: usize) -> bool {
    days >> d & 1 == 1
}

/// Most working days in a row in a week that wraps around (7 when every day is worked).
fn longest_run(days: u8) -> u32 {
    if days & 0x7f == 0x7f {
        return 7;
    }
    let (mut best, mut run) = (0, 0);
    for d in 0..2 * WEEK_DAYS {
        if works(days, d % WEEK_DAYS) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// True when the days off lie together (Sunday and Monday are neighbours): at most one
/// change from working to off round the week.
fn days_off_together(days: u8) -> bool {
    (0..WEEK_DAYS)
        .filter(|&d| works(days, d) && !works(days, (d + 1) % WEEK_DAYS))
        .count()
        <= 1
}

/// A kind of person of the aggregate program: a contract and the weekdays worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    /// Index in [`TourRules::contracts`].
    pub contract: usize,
    /// Weekdays worked (bit 0 = Monday).
    pub days: u8,
    /// The pattern's class: people of the same contract working as many days (index in
    /// order of first appearance); the program keeps each class's shifts and hours apart.
    pub class: usize,
}

impl TourRules {
    /// Every pattern the rules allow (contracts in order, weekday sets in increasing order):
    /// the contract's days, the most consecutive days, days off together when required,
    /// and weekly hours the shift lengths `lengths_h` (paid hours) can add up to.
    pub fn patterns(&self, lengths_h: &[f64]) -> Vec<Pattern> {
        let mut out: Vec<Pattern> = Vec::new();
        let mut classes: Vec<(usize, u32)> = Vec::new();
        for (c, contract) in self.contracts.iter().enumerate() {
            for days in 1u8..0x80 {
                let n = day_count(days);
                let fits = (contract.days_min..=contract.days_max).contains(&n)
                    && longest_run(days) <= self.max_consecutive_days
                    && (self.days_off != DaysOff::Consecutive || days_off_together(days))
                    && hours_reachable(lengths_h, n, (contract.hours_min, contract.hours_max));
                if fits {
                    let class = match classes.iter().position(|&k| k == (c, n)) {
                        Some(k) => k,
                        None => {
                            classes.push((c, n));
                            classes.len() - 1
                        }
                    };
                    out.push(Pattern {
                        contract: c,
                        days,
                        class,
                    });
                }
            }
        }
        out
    }

    /// Extra cost of a pattern in the program: one paid hour at `hour_cost` for days off
    /// apart when consecutive ones are preferred, else 0.
    fn penalty(&self, days: u8, hour_cost: f64) -> f64 {
        if self.days_off == DaysOff::PreferConsecutive && !days_off_together(days) {
            hour_cost
        } else {
            0.0
        }
    }
}

/// True when `n` shifts of the lengths `lengths_h` (paid hours, repeats allowed) can add up
/// to paid hours within `(least, most)`.
fn hours_reachable(lengths_h: &[f64], n: u32, (least, most): (f64, f64)) -> bool {
    // sums in hundredths of an hour, so that half hours add up exactly
    let units = |h: f64| (h * 100.0).round() as i64;
    let mut sums = std::collections::BTreeSet::from([0i64]);
    for _ in 0..n {
        sums = sums
            .iter()
            .flat_map(|s| lengths_h.iter().map(move |l| s + units(*l)))
            .collect();
    }
    sums.range(units(least)..=units(most)).next().is_some()
}

/// The tours of one agent group's week and the program's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct TourRoster {
    /// The tours, by start block, then contract, then weekdays worked.
    pub tours: Vec<Tour>,
    /// Cost of the program's objective: the shifts' cost, plus one paid hour for each tour
    /// whose days off lie apart when consecutive ones are preferred, plus, for each
    /// head-interval the tours leave uncovered, more than a week of the dearest shifts.
    pub cost: f64,
    /// The objective less the shortfall's penalty: the shifts' cost plus one paid hour for
    /// each tour whose days off lie apart when consecutive ones are preferred (currency
    /// units, paid hours when no cost per hour is given). Equal to `cost` when nothing is
    /// short.
    pub cost_without_short: f64,
    /// Paid hours of every tour.
    pub paid_hours: f64,
    /// Cost of the LP relaxation without start blocks: no tour roster under the rules costs
    /// less.
    pub lp_bound: f64,
    /// Tours whose days off lie apart.
    pub days_off_apart: usize,
    /// Width of a start block, intervals: each tour's shifts start within one.
    pub block_intervals: usize,
    /// Candidate shifts (columns of the program, besides the patterns).
    pub columns: usize,
    /// LP solves made.
    pub lp_solves: usize,
    /// Heads each interval of the week needs beyond what the tours cover (0 where they
    /// cover it): what the staff list's people or the rules leave uncovered.
    pub short: Vec<u32>,
    /// The people of each contract the tours were capped at (`--agents`), `None`: no cap.
    pub caps: Option<Vec<u32>>,
}

impl TourRoster {
    /// Head-intervals the tours leave uncovered over the week.
    pub fn short_heads(&self) -> u64 {
        self.short.iter().map(|&s| u64::from(s)).sum()
    }

    /// Head-hours the tours leave uncovered over the week: [`TourRoster::short_heads`] ×
    /// the interval's length `interval_s` (seconds) in hours.
    pub fn short_head_hours(&self, interval_s: f64) -> f64 {
        self.short_heads() as f64 * (interval_s / 3600.0)
    }

    /// Why the tours leave intervals uncovered, in words, for agent group `group` and the
    /// contracts' names `contracts`: the contracts whose every person got a tour (nobody of
    /// it, too few), nobody with the group's skills, or else the rules.
    pub fn short_why(&self, group: &str, contracts: &[Contract]) -> String {
        let Some(caps) = &self.caps else {
            return "the rules leave no tour for it (days, hours, rest, start band)".into();
        };
        if caps.iter().all(|&c| c == 0) {
            return format!("nobody with the skills of {group}");
        }
        let used = self.people_per_contract(caps.len());
        let capped: Vec<String> = caps
            .iter()
            .zip(&used)
            .zip(contracts)
            .filter(|((cap, n), _)| **n as u32 >= **cap)
            .map(|((&cap, _), c)| match cap {
                0 => format!("nobody of contract {} in {group}", c.name),
                _ => format!(
                    "too few people of contract {} in {group} (all {cap} given tours)",
                    c.name
                ),
            })
            .collect();
        if capped.is_empty() {
            "the rules leave no tour for it (days, hours, rest, start band)".into()
        } else {
            capped.join(", ")
        }
    }

    /// (cost − LP bound) ÷ LP bound: how far the tours may be from the optimum at most.
    pub fn gap(&self) -> f64 {
        super::model::gap(self.cost, self.lp_bound)
    }

    /// People of each contract (in the order of [`TourRules::contracts`]).
    pub fn people_per_contract(&self, contracts: usize) -> Vec<usize> {
        let mut n = vec![0; contracts];
        for t in &self.tours {
            n[t.contract] += 1;
        }
        n
    }

    /// The tours as anonymous shifts with their counts (in grid order) and their coverage:
    /// what the week's files, charts and simulated check read. The cost and bound are the
    /// tours'; the LP optimum is never taken as integral.
    pub fn solved(&self, req: &Requirement) -> Solved {
        let (shifts, covered) = by_kind(req, &self.tours);
        Solved {
            covered,
            shifts,
            cost: self.cost,
            paid_hours: self.paid_hours,
            lp_bound: self.lp_bound,
            lp_integral: false,
            columns: self.columns,
            lp_solves: self.lp_solves,
        }
    }
}

/// The shifts of `tours` with their counts (in grid order), and the heads they cover in each
/// interval of `req` ([`super::grid::coverage`]).
fn by_kind(req: &Requirement, tours: &[Tour]) -> (Vec<(Shift, u32)>, Vec<u32>) {
    let mut shifts: Vec<(Shift, u32)> = Vec::new();
    let mut all: Vec<&Shift> = tours.iter().flat_map(|t| &t.shifts).collect();
    all.sort_by_key(|s| (s.start, s.length_index, s.break_at));
    for s in all {
        match shifts.last_mut() {
            Some((last, n)) if last == s => *n += 1,
            _ => shifts.push((s.clone(), 1)),
        }
    }
    let (list, counts): (Vec<Shift>, Vec<u32>) = shifts.iter().cloned().unzip();
    let covered = super::grid::coverage(req, &list, &counts);
    (shifts, covered)
}

/// The widest spread of one tour's start times (intervals, the block width) that keeps the
/// start band and, between any two days' shifts, `min_rest`: a day later, a shift starting
/// at most `w − 1` intervals later than the day before ends at least 24 h − longest shift −
/// (w − 1) intervals before the next starts.
fn block_width(req: &Requirement, rules: &TourRules, longest_s: f64) -> Result<usize, RosterError> {
    let per_day = (DAY_S / req.interval_s).round() as usize;
    let mut w = per_day;
    if let Some(band) = rules.start_band_s {
        w = w.min((band / req.interval_s + 1e-9).floor() as usize + 1);
    }
    // always, also without min_rest: two days' shifts of a tour never overlap
    let spread = DAY_S - longest_s - rules.min_rest_s;
    if spread < -1e-9 {
        return Err(RosterError::Tours(format!(
            "min_rest = {} after a shift of {} leaves less than 24 hours between the \
             starts of two days' shifts: shorten min_rest or the longest shift_length",
            crate::units::format_duration(rules.min_rest_s),
            crate::units::format_duration(longest_s)
        )));
    }
    w = w.min((spread / req.interval_s + 1e-9).floor() as usize + 1);
    Ok(w.max(1))
}

/// Builds the tours of one agent group (`group`) covering `req` (a week) from the candidate
/// `shifts`, under `rules`.
pub fn solve(
    req: &Requirement,
    shifts: &[Shift],
    rules: &TourRules,
    group: usize,
) -> Result<TourRoster, RosterError> {
    if !req.week {
        return Err(RosterError::Tours(
            "tours are a week's: give [roster] week = [...] with the tour rules".into(),
        ));
    }
    let mut lengths_h: Vec<f64> = shifts.iter().map(|s| s.paid_hours).collect();
    lengths_h.sort_by(f64::total_cmp);
    lengths_h.dedup();
    let patterns = rules.patterns(&lengths_h);
    if patterns.is_empty() {
        return Err(RosterError::Tours(
            "no week fits the rules: no set of working days meets a contract's days, \
             max_consecutive_days and days_off with weekly hours the shift lengths can add \
             up to; widen a contract's days or hours, or allow more consecutive days"
                .into(),
        ));
    }
    let longest_s = shifts
        .iter()
        .map(|s| s.length as f64 * req.interval_s)
        .fold(0.0, f64::max);
    let width = block_width(req, rules, longest_s)?;
    let hour_cost = shifts
        .iter()
        .filter(|s| s.paid_hours > 0.0)
        .map(|s| s.cost / s.paid_hours)
        .fold(f64::INFINITY, f64::min);
    let hour_cost = if hour_cost.is_finite() {
        hour_cost
    } else {
        1.0
    };
    let penalties: Vec<f64> = patterns
        .iter()
        .map(|p| rules.penalty(p.days, hour_cost))
        .collect();
    let caps: Option<Vec<u32>> = rules.staff.as_ref().map(|staff| {
        let of_group = staff.get(group);
        (0..rules.contracts.len())
            .map(|c| of_group.and_then(|g| g.get(c)).copied().unwrap_or(0))
            .collect()
    });
    let max_cost = shifts.iter().map(|s| s.cost).fold(0.0, f64::max);
    let max_penalty = penalties.iter().copied().fold(0.0, f64::max);
    // a head-interval short costs more than a whole week of the dearest shifts: the
    // program covers every interval it can
    let short_cost = 2.0 * (WEEK_DAYS as f64 * max_cost + max_penalty).max(1.0);
    let program = program::Program::new(
        req,
        shifts,
        (&patterns, &penalties),
        &rules.contracts,
        caps.as_deref(),
        short_cost,
    );
    let classes = program.classes;
    let (lp_bound, mut lp_solves) = program.bound()?;
    // deal the program's shifts; where some person's weekly hours miss the contract, solve
    // again with that block and class on shifts of safe lengths only, dealt on their own
    // (a week of those fits however dealt), and at the last round every block and class so
    let pairs = program::blocks(req, width) * classes;
    let mut safe_only = vec![false; pairs];
    let mut round = 1;
    let tours = loop {
        let Some(whole) = program.whole(width, &safe_only)? else {
            // a dive that ran away on the contracts' hours: every block and class on safe
            // lengths, whose hours need no rounding
            if safe_only.contains(&false) {
                safe_only = vec![true; pairs];
                round = DEAL_ROUNDS;
                continue;
            }
            return Err(RosterError::Tours(
                "the program did not reach whole numbers; loosen a rule (a contract's \
                 hours, start_band or min_rest)"
                    .into(),
            ));
        };
        lp_solves += whole.solves;
        let (tours, failing) = assign::tours(
            req,
            shifts,
            &patterns,
            &rules.contracts,
            (width, &safe_only),
            &whole,
            group,
        )?;
        if !failing.contains(&true) || round == DEAL_ROUNDS {
            break tours;
        }
        round += 1;
        for (only, fails) in safe_only.iter_mut().zip(failing) {
            *only |= fails || round == DEAL_ROUNDS;
        }
    };
    let problems: Vec<String> = tours
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            violations(t, rules, req)
                .into_iter()
                .map(move |v| format!("tour {}: {v}", i + 1))
        })
        .collect();
    if let Some(first) = problems.first() {
        return Err(RosterError::Tours(format!(
            "{} tour rule(s) not met, first: {first}",
            problems.len()
        )));
    }
    let days_off_apart = tours
        .iter()
        .filter(|t| !days_off_together(t.days(req)))
        .count();
    let (_, covered) = by_kind(req, &tours);
    let short: Vec<u32> = req
        .heads
        .iter()
        .zip(&covered)
        .map(|(&need, &got)| need.saturating_sub(got))
        .collect();
    let short_heads: u32 = short.iter().sum();
    // from +0: an empty sum is −0, which would print as "-0.00"
    let cost_without_short = 0.0
        + tours.iter().map(Tour::cost).sum::<f64>()
        + tours
            .iter()
            .map(|t| rules.penalty(t.days(req), hour_cost))
            .sum::<f64>();
    Ok(TourRoster {
        // (from +0.0: an empty sum of f64 is −0.0, which a group without tours would print)
        paid_hours: tours.iter().map(Tour::paid_hours).fold(0.0, |a, h| a + h),
        tours,
        cost: cost_without_short + short_cost * f64::from(short_heads),
        cost_without_short,
        lp_bound,
        days_off_apart,
        block_intervals: width,
        columns: shifts.len(),
        lp_solves,
        short,
        caps,
    })
}

/// Every rule `tour` breaks on the week grid of `req`, as people read it (empty when it
/// keeps them all): one shift a day, the contract's days and weekly hours, days off
/// together when required, the most consecutive days, the rest between shifts (the week
/// wraps around) and the start band.
pub fn violations(tour: &Tour, rules: &TourRules, req: &Requirement) -> Vec<String> {
    let mut out = Vec::new();
    let Some(contract) = rules.contracts.get(tour.contract) else {
        return vec![format!("contract {} does not exist", tour.contract)];
    };
    let days = tour.days(req);
    let n = day_count(days);
    if n as usize != tour.shifts.len() {
        out.push("more than one shift starts on a day".into());
    }
    if !(contract.days_min..=contract.days_max).contains(&n) {
        out.push(format!(
            "works {n} days, the {} contract {} to {}",
            contract.name, contract.days_min, contract.days_max
        ));
    }
    let hours = tour.paid_hours();
    if hours < contract.hours_min - 1e-9 || hours > contract.hours_max + 1e-9 {
        out.push(format!(
            "{hours} paid hours, the {} contract {} to {}",
            contract.name, contract.hours_min, contract.hours_max
        ));
    }
    if rules.days_off == DaysOff::Consecutive && !days_off_together(days) {
        out.push("days off apart".into());
    }
    if longest_run(days) > rules.max_consecutive_days {
        out.push(format!(
            "{} working days in a row, at most {}",
            longest_run(days),
            rules.max_consecutive_days
        ));
    }
    let week_s = req.len() as f64 * req.interval_s;
    let mut spans: Vec<(f64, f64)> = tour
        .shifts
        .iter()
        .map(|s| {
            let start = s.start as f64 * req.interval_s;
            (start, start + s.length as f64 * req.interval_s)
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (i, &(_, end)) in spans.iter().enumerate() {
        let next = match spans.get(i + 1) {
            Some(&(start, _)) => start,
            None => spans[0].0 + week_s,
        };
        if next - end < rules.min_rest_s - 1e-6 {
            out.push(format!(
                "{} rest after the shift ending {}, at least {}",
                crate::units::format_duration((next - end).max(0.0)),
                req.label(((end / req.interval_s).round() as usize) % req.len()),
                crate::units::format_duration(rules.min_rest_s)
            ));
        }
    }
    if let Some(band) = rules.start_band_s {
        let mut clocks: Vec<f64> = tour.shifts.iter().map(|s| req.clock_of(s.start)).collect();
        clocks.sort_by(f64::total_cmp);
        // the smallest arc of the clock holding every start: a day less the widest gap
        let widest_gap = (0..clocks.len())
            .map(|i| match clocks.get(i + 1) {
                Some(next) => next - clocks[i],
                None => clocks[0] + DAY_S - clocks[i],
            })
            .fold(0.0, f64::max);
        let spread = if clocks.is_empty() {
            0.0
        } else {
            DAY_S - widest_gap
        };
        if spread > band + 1e-6 {
            out.push(format!(
                "starts spread over {}, the band {}",
                crate::units::format_duration(spread),
                crate::units::format_duration(band)
            ));
        }
    }
    out
}
