//! Giving a week's tours to named people: each tour to at most one person and each person at
//! most one tour, only to a person of the tour's agent group (its skills) and contract, never
//! touching a time they are unavailable; among the assignments that staff the most work,
//! the one that spreads undesired shifts most evenly.
//!
//! **Undesired shifts.** A shift is undesired for a person when it works at night (any time
//! between 00:00 and 06:00), when it starts on a Saturday or Sunday, or when it starts
//! outside the person's preferred start times. Giving tour *t* to person *a* costs
//! (undesired shifts of *t* for *a*)²: the square makes two people with two undesired shifts
//! each cheaper than one with four and one with none, so the burden is spread.
//!
//! **The program.** Tours can only go to people of their (group, contract), so each such
//! block is an assignment problem on its own: tours are rows, people and one "left
//! unstaffed" column per tour are columns. Leaving a tour unstaffed costs its intervals
//! worked × more than any set of assignments, so the most work is staffed first (a long
//! tour before a short one when people are too few), then the burden is least. Solved
//! exactly by the Hungarian algorithm (Kuhn–Munkres with potentials, O(tours² × (people +
//! tours)) per block), written here on whole-number costs: no floating point, no ties broken
//! by the order of a hash or of threads, so the same input gives the same schedule whatever
//! `--threads`. (No crate: `pathfinding`'s kuhn_munkres wants a square-or-wider weight
//! matrix of one numeric type and maximises; the 60 lines here keep the forbidden pairs and
//! the unstaffed columns explicit.)
//!
//! **Shortfall.** Tours left unstaffed leave intervals short of heads; each interval short of
//! its requirement is reported with why: nobody with the group's skills, nobody or too few
//! people of the contract, or the people there are unavailable then (or have other tours).

use super::agents::Agent;
use super::grid::{DAY_S, Requirement};
use super::tours::{Contract, Tour};
use super::{DayCheck, Roster, RosterError};

/// Why a tour has nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Nobody on the staff list has the skills of the tour's agent group.
    NoSkill,
    /// People have the skills, but none has the tour's contract.
    NoContract,
    /// Fewer people of the group and contract than tours for them.
    TooFew {
        /// People of the group and contract.
        people: usize,
        /// Tours for them.
        tours: usize,
    },
    /// Enough people of the group and contract, but those free of other tours are
    /// unavailable at some of this tour's times.
    Unavailable,
}

impl Reason {
    /// The reason in words, for the tour's group and contract names.
    pub fn describe(&self, group: &str, contract: &str) -> String {
        match self {
            Reason::NoSkill => format!("nobody with the skills of {group}"),
            Reason::NoContract => format!("nobody of contract {contract} in {group}"),
            Reason::TooFew { people, tours } => format!(
                "too few people of contract {contract} in {group} ({people} for {tours} tours)"
            ),
            Reason::Unavailable => format!(
                "the people of contract {contract} in {group} free of other tours are \
                 unavailable then"
            ),
        }
    }
}

/// Undesired shifts of one tour for one person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Undesired {
    /// Shifts that work between 00:00 and 06:00.
    pub nights: u32,
    /// Shifts that start on a Saturday or Sunday.
    pub weekends: u32,
    /// Shifts that start outside the person's preferred start times.
    pub off_preference: u32,
}

impl Undesired {
    /// All undesired shifts (a shift may count more than once: a Saturday night).
    pub fn total(&self) -> u32 {
        self.nights + self.weekends + self.off_preference
    }
}

/// End of the night, seconds after midnight: a shift working before it works at night.
const NIGHT_END_S: f64 = 6.0 * 3600.0;

/// The week-second spans a shift of `grid` occupies (breaks included), split at the end of
/// the week when it runs into Monday.
fn spans(grid: &Requirement, start: usize, length: usize) -> [(f64, f64); 2] {
    let week = grid.len() as f64 * grid.interval_s;
    let from = start as f64 * grid.interval_s;
    let to = from + length as f64 * grid.interval_s;
    if to > week {
        [(from, week), (0.0, to - week)]
    } else {
        [(from, to), (0.0, 0.0)]
    }
}

/// The undesired shifts of `tour` on `grid` for `agent`.
pub fn undesired(grid: &Requirement, tour: &Tour, agent: Option<&Agent>) -> Undesired {
    let mut u = Undesired::default();
    for s in &tour.shifts {
        let start_clock = grid.clock_of(s.start);
        let night = spans(grid, s.start, s.length).iter().any(|&(a, b)| {
            // a night in the span: some midnight + [0, 6 h) overlaps [a, b)
            b > a && {
                let first_day = (a / DAY_S).floor();
                let last_day = ((b - 1e-9) / DAY_S).floor();
                (first_day as i64..=last_day as i64).any(|d| {
                    let night = (d as f64 * DAY_S, d as f64 * DAY_S + NIGHT_END_S);
                    a < night.1 && b > night.0
                })
            }
        });
        u.nights += u32::from(night);
        u.weekends += u32::from(grid.day_of(s.start) >= 5);
        let off = agent
            .and_then(|a| a.preferred)
            .is_some_and(|w| !w.contains(start_clock));
        u.off_preference += u32::from(off);
    }
    u
}

/// True when `agent` can work every shift of `tour` on `grid`.
pub fn can_work(grid: &Requirement, tour: &Tour, agent: &Agent) -> bool {
    tour.shifts.iter().all(|s| {
        spans(grid, s.start, s.length)
            .iter()
            .all(|&(a, b)| b <= a || agent.available(a, b))
    })
}

/// The week's tours given to people.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// For each tour, the person given it (index in the staff list), or `None`.
    pub agent_of: Vec<Option<usize>>,
    /// For each person, the tour given them, or `None`.
    pub tour_of: Vec<Option<usize>>,
    /// The tours nobody was given, each with why.
    pub unstaffed: Vec<(usize, Reason)>,
    /// Heads the assigned people cover in each interval, per agent group (`[g][t]`).
    pub covered: Vec<Vec<u32>>,
}

impl Assignment {
    /// The people given no tour (indices in the staff list).
    pub fn idle(&self) -> impl Iterator<Item = usize> + '_ {
        self.tour_of
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_none())
            .map(|(a, _)| a)
    }
}

/// Gives `tours` on `grid` to `agents` (see the module): deterministic, exact for each block
/// of (agent group, contract). `groups` is the number of agent groups.
pub fn assign(grid: &Requirement, tours: &[Tour], agents: &[Agent], groups: usize) -> Assignment {
    let mut agent_of = vec![None; tours.len()];
    let mut unstaffed = Vec::new();
    let mut blocks: Vec<(usize, usize)> = tours.iter().map(|t| (t.group, t.contract)).collect();
    blocks.sort_unstable();
    blocks.dedup();
    for (g, c) in blocks {
        let rows: Vec<usize> = (0..tours.len())
            .filter(|&t| (tours[t].group, tours[t].contract) == (g, c))
            .collect();
        let people: Vec<usize> = (0..agents.len())
            .filter(|&a| (agents[a].group, agents[a].contract) == (g, c))
            .collect();
        // forbidden pairs are None; the rest (undesired shifts)²
        let cost: Vec<Vec<Option<i64>>> = rows
            .iter()
            .map(|&t| {
                people
                    .iter()
                    .map(|&a| {
                        can_work(grid, &tours[t], &agents[a]).then(|| {
                            let u = i64::from(undesired(grid, &tours[t], Some(&agents[a])).total());
                            u * u
                        })
                    })
                    .collect()
            })
            .collect();
        let weight: Vec<i64> = rows
            .iter()
            .map(|&t| {
                let worked: usize = tours[t].shifts.iter().map(|s| s.length).sum();
                worked as i64
            })
            .collect();
        let chosen = least_cost(&cost, &weight);
        for (r, &t) in rows.iter().enumerate() {
            match chosen[r] {
                Some(p) => agent_of[t] = Some(people[p]),
                None => {
                    let reason = if !agents.iter().any(|a| a.group == g) {
                        Reason::NoSkill
                    } else if people.is_empty() {
                        Reason::NoContract
                    } else if people.len() < rows.len() {
                        Reason::TooFew {
                            people: people.len(),
                            tours: rows.len(),
                        }
                    } else {
                        Reason::Unavailable
                    };
                    unstaffed.push((t, reason));
                }
            }
        }
    }
    unstaffed.sort_by_key(|(t, _)| *t);
    let mut tour_of = vec![None; agents.len()];
    let mut covered = vec![vec![0u32; grid.len()]; groups];
    for (t, a) in agent_of.iter().enumerate() {
        if let Some(a) = *a {
            tour_of[a] = Some(t);
            if let Some(cov) = covered.get_mut(tours[t].group) {
                for s in &tours[t].shifts {
                    for k in s.covered(grid.len(), grid.week) {
                        cov[k] += 1;
                    }
                }
            }
        }
    }
    Assignment {
        agent_of,
        tour_of,
        unstaffed,
        covered,
    }
}

/// The least-cost assignment of rows to columns (`cost[r][c]`, `None`: not allowed), each
/// row to at most one column and each column to at most one row, staffing the most row
/// weight first (`weight[r]` ≥ 1: a tour's intervals worked): for each row, its column or
/// `None`. Hungarian algorithm with potentials on the matrix widened by one "unstaffed"
/// column per row.
fn least_cost(cost: &[Vec<Option<i64>>], weight: &[i64]) -> Vec<Option<usize>> {
    let n = cost.len();
    let m = cost.first().map_or(0, Vec::len);
    let max = cost.iter().flatten().flatten().copied().max().unwrap_or(0);
    // leaving a row unstaffed costs its weight × more than all the allowed costs of every
    // row together; a forbidden pair costs more than leaving every row unstaffed
    let unit = (max + 1) * (n as i64 + 1);
    let unstaffed: Vec<i64> = weight.iter().map(|&w| unit * w.max(1)).collect();
    let forbidden = unstaffed.iter().sum::<i64>() + 1;
    let width = m + n;
    let at = |r: usize, c: usize| -> i64 {
        if c < m {
            cost[r][c].unwrap_or(forbidden)
        } else {
            unstaffed[r]
        }
    };
    // 1-based, column 0 a sentinel (e-maxx's formulation)
    let inf = i64::MAX / 4;
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; width + 1];
    let mut row_of = vec![0usize; width + 1];
    let mut way = vec![0usize; width + 1];
    for r in 1..=n {
        row_of[0] = r;
        let mut c0 = 0;
        let mut min_v = vec![inf; width + 1];
        let mut used = vec![false; width + 1];
        loop {
            used[c0] = true;
            let r0 = row_of[c0];
            let (mut delta, mut c1) = (inf, 0);
            for c in 1..=width {
                if !used[c] {
                    let cur = at(r0 - 1, c - 1) - u[r0] - v[c];
                    if cur < min_v[c] {
                        min_v[c] = cur;
                        way[c] = c0;
                    }
                    if min_v[c] < delta {
                        delta = min_v[c];
                        c1 = c;
                    }
                }
            }
            for c in 0..=width {
                if used[c] {
                    u[row_of[c]] += delta;
                    v[c] -= delta;
                } else {
                    min_v[c] -= delta;
                }
            }
            c0 = c1;
            if row_of[c0] == 0 {
                break;
            }
        }
        while c0 != 0 {
            let c1 = way[c0];
            row_of[c0] = row_of[c1];
            c0 = c1;
        }
    }
    let mut chosen = vec![None; n];
    for c in 1..=m {
        if row_of[c] != 0 {
            chosen[row_of[c] - 1] = Some(c - 1);
        }
    }
    chosen
}

/// One interval of one agent group with fewer heads than it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Short {
    /// The agent group (index).
    pub group: usize,
    /// The interval of the week's grid.
    pub interval: usize,
    /// Heads required.
    pub required: u32,
    /// Heads the assigned people cover.
    pub covered: u32,
    /// Why, in words: each reason with the unstaffed tours working then.
    pub why: String,
}

/// The intervals short of heads, per group in order then interval: `required[g]` heads per
/// interval against the assignment's coverage, each with why: the heads no tour covers
/// (`no_tour[g]` per interval: the group's `TourRoster::short`; for a group missing there,
/// every head required), with `uncovered[g]`, why the group's
/// tours leave them, then the unstaffed tours that work then, counted per reason.
pub fn shortfall(
    grid: &Requirement,
    (required, no_tour): (&[&[u32]], &[&[u32]]),
    tours: &[Tour],
    assignment: &Assignment,
    names: (&[String], &[Contract], &[String]),
) -> Vec<Short> {
    let (groups, contracts, uncovered) = names;
    let n = grid.len();
    // the unstaffed tours working in each interval, per group
    let mut working: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); n]; required.len()];
    for (i, (t, _)) in assignment.unstaffed.iter().enumerate() {
        let tour = &tours[*t];
        if let Some(w) = working.get_mut(tour.group) {
            for s in &tour.shifts {
                for k in s.covered(n, grid.week) {
                    w[k].push(i);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (g, req) in required.iter().enumerate() {
        for (k, &heads) in req.iter().enumerate() {
            let covered = assignment.covered.get(g).map_or(0, |c| c[k]);
            if covered >= heads {
                continue;
            }
            let mut reasons: Vec<(String, u32)> = Vec::new();
            for &i in &working[g][k] {
                let (t, reason) = &assignment.unstaffed[i];
                let tour = &tours[*t];
                let text = reason.describe(
                    groups.get(tour.group).map_or("?", String::as_str),
                    contracts
                        .get(tour.contract)
                        .map_or("?", |c| c.name.as_str()),
                );
                match reasons.iter_mut().find(|(r, _)| *r == text) {
                    Some((_, count)) => *count += 1,
                    None => reasons.push((text, 1)),
                }
            }
            let no_tour = no_tour.get(g).map_or(heads, |short| short[k]);
            let mut parts: Vec<String> = Vec::new();
            if no_tour > 0 || reasons.is_empty() {
                parts.push(format!(
                    "{no_tour} head{} no tour covers: {}",
                    if no_tour == 1 { "" } else { "s" },
                    uncovered
                        .get(g)
                        .map_or("the tours do not cover it", String::as_str)
                ));
            }
            parts.extend(reasons.iter().map(|(r, c)| {
                format!("{c} unstaffed tour{}: {r}", if *c == 1 { "" } else { "s" })
            }));
            let why = parts.join("; ");
            out.push(Short {
                group: g,
                interval: k,
                required: heads,
                covered,
                why,
            });
        }
    }
    out
}

/// A week given to named people: the staff list, the tours, who works which, where the
/// week is short of heads and why, and the week simulated with the people's coverage.
#[derive(Debug, Clone)]
pub struct Staffed {
    /// The staff list, in the file's order.
    pub agents: Vec<Agent>,
    /// The week's tours of every group.
    pub tours: Vec<Tour>,
    /// The contracts the tours and people refer to.
    pub contracts: Vec<Contract>,
    /// Who works which tour.
    pub assignment: Assignment,
    /// The intervals short of heads, with why.
    pub shortfall: Vec<Short>,
    /// The roster's days, simulated with the heads the people cover less shrinkage (their
    /// `check` is `None` when not checked).
    pub days: Vec<DayCheck>,
}

impl Staffed {
    /// Heads the people cover per interval, per group, as slices.
    pub fn covered(&self) -> Vec<&[u32]> {
        self.assignment.covered.iter().map(Vec::as_slice).collect()
    }

    /// Paid hours of the tours given to people, per group (`groups` groups).
    pub fn paid_hours(&self, groups: usize) -> Vec<f64> {
        let mut paid = vec![0.0; groups];
        for (t, a) in self.assignment.agent_of.iter().enumerate() {
            if a.is_some()
                && let Some(p) = paid.get_mut(self.tours[t].group)
            {
                *p += self.tours[t].paid_hours();
            }
        }
        paid
    }

    /// Heads × hours short of the requirement over the week.
    pub fn short_head_hours(&self, interval_s: f64) -> f64 {
        let heads: u64 = self
            .shortfall
            .iter()
            .map(|s| u64::from(s.required - s.covered))
            .sum();
        heads as f64 * interval_s / 3600.0
    }
}

/// Gives the week's `tours` (for `contracts`) of `roster` to `agents`, finds the shortfall
/// and, when the roster's days were checked, simulates them again with the people's
/// coverage (same seeds: the plan's final check).
pub fn staff_week(
    roster: &Roster,
    tours: Vec<Tour>,
    contracts: Vec<Contract>,
    agents: Vec<Agent>,
) -> Result<Staffed, RosterError> {
    let grid = &roster.grid;
    let assignment = assign(grid, &tours, &agents, roster.groups.len());
    let names: Vec<String> = roster.groups.iter().map(|g| g.name.clone()).collect();
    let required: Vec<&[u32]> = roster
        .groups
        .iter()
        .map(|g| g.requirement.heads.as_slice())
        .collect();
    let uncovered: Vec<String> = roster
        .groups
        .iter()
        .map(|g| {
            g.tours.as_ref().map_or_else(
                || "the tours do not cover it".to_string(),
                |t| t.short_why(&g.name, &contracts),
            )
        })
        .collect();
    // the heads no tour covers: the tours' own figure, as their summary gives it
    let no_tour: Vec<&[u32]> = roster
        .groups
        .iter()
        .map(|g| {
            g.tours
                .as_ref()
                .map_or(g.requirement.heads.as_slice(), |t| t.short.as_slice())
        })
        .collect();
    let shortfall = shortfall(
        grid,
        (&required, &no_tour),
        &tours,
        &assignment,
        (&names, &contracts, &uncovered),
    );
    let mut days = roster.days.clone();
    for d in &mut days {
        d.check = None;
        d.days_met = Vec::new();
        d.short = None;
    }
    let mut staffed = Staffed {
        agents,
        tours,
        contracts,
        assignment,
        shortfall,
        days,
    };
    if roster.days.iter().any(|d| d.check.is_some()) {
        let covered: Vec<&[u32]> = staffed
            .assignment
            .covered
            .iter()
            .map(Vec::as_slice)
            .collect();
        super::check::check_days(&mut staffed.days, &covered, roster.shrinkage)?;
    }
    Ok(staffed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::agents::StartWindow;
    use crate::roster::grid::Shift;

    /// A week of hourly intervals.
    fn week() -> Requirement {
        Requirement {
            interval_s: 3600.0,
            start_clock_s: 0.0,
            heads: vec![0; 168],
            week: true,
            default_open: vec![true; 168],
        }
    }

    /// A shift of `hours` from hour `h` of day `d`, no break.
    fn shift(d: usize, h: usize, hours: usize) -> Shift {
        Shift {
            start: d * 24 + h,
            length: hours,
            length_index: 0,
            break_at: None,
            cost: hours as f64,
            paid_hours: hours as f64,
        }
    }

    /// A tour of group `g` working days `days` from hour `h` for 8 hours.
    fn tour(g: usize, days: &[usize], h: usize) -> Tour {
        Tour {
            group: g,
            contract: 0,
            shifts: days.iter().map(|&d| shift(d, h, 8)).collect(),
        }
    }

    fn agent(name: &str, group: usize, unavailable: Vec<(f64, f64)>) -> Agent {
        Agent {
            name: name.into(),
            contract: 0,
            group,
            unavailable,
            preferred: None,
            line: 2,
        }
    }

    #[test]
    fn the_hungarian_algorithm_finds_the_least_cost_and_staffs_the_most_rows() {
        let c = |v: &[i64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        // a 3 × 3 with a known optimum: 1 + 2 + 2 = 5 (rows to columns 1, 0, 2)
        let cost = vec![c(&[4, 1, 3]), c(&[2, 0, 5]), c(&[3, 2, 2])];
        let chosen = least_cost(&cost, &[1, 1, 1]);
        let total: i64 = chosen
            .iter()
            .enumerate()
            .map(|(r, c)| cost[r][c.unwrap()].unwrap())
            .sum();
        assert_eq!(total, 5);
        // every permutation is no cheaper
        for p in [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ] {
            let t: i64 = (0..3).map(|r| cost[r][p[r]].unwrap()).sum();
            assert!(t >= total);
        }
        // a forbidden pair is never chosen, even if it leaves a row unstaffed; the most rows
        // are staffed, however costly
        let cost = vec![vec![Some(100), None], vec![Some(0), None]];
        assert_eq!(least_cost(&cost, &[1, 1]), [None, Some(0)]);
        let cost = vec![vec![Some(0), Some(50)], vec![Some(0), None]];
        assert_eq!(least_cost(&cost, &[1, 1]), [Some(1), Some(0)]);
        // more rows than columns
        let cost = vec![vec![Some(1)], vec![Some(0)], vec![Some(2)]];
        assert_eq!(least_cost(&cost, &[1, 1, 1]), [None, Some(0), None]);
        // the heavier row first, however costly: the longer tour is staffed
        assert_eq!(least_cost(&cost, &[1, 1, 2]), [None, None, Some(0)]);
    }

    #[test]
    fn tours_go_to_available_people_of_their_group_and_the_shortfall_says_why() {
        let grid = week();
        let tours = vec![
            tour(0, &[0, 1, 2, 3, 4], 8),
            tour(0, &[2, 3, 4, 5, 6], 8),
            tour(1, &[0, 1, 2, 3, 4], 8),
        ];
        let saturday = (5.0 * DAY_S, 6.0 * DAY_S);
        let agents = vec![
            agent("weekend-off", 0, vec![saturday]),
            agent("anyone", 0, vec![]),
            agent("spare", 0, vec![saturday]),
        ];
        let a = assign(&grid, &tours, &agents, 2);
        // the weekend tour goes to the one person free on Saturday; group 1 has nobody
        assert_eq!(a.agent_of[1], Some(1));
        assert!(matches!(a.agent_of[0], Some(0) | Some(2)));
        assert_eq!(a.unstaffed, [(2, Reason::NoSkill)]);
        assert_eq!(a.idle().count(), 1);
        assert_eq!(a.covered[0][8], 1);
        assert_eq!(a.covered[0][2 * 24 + 8], 2);
        let mut req1 = vec![0u32; 168];
        req1[8] = 1;
        let req0 = vec![0u32; 168];
        let names = ["agents".to_string(), "tech".to_string()];
        let contracts = [Contract {
            name: "full-time".into(),
            days_min: 5,
            days_max: 5,
            hours_min: 40.0,
            hours_max: 40.0,
        }];
        // the tours cover every head required (group 1's tour works Monday 08:00)
        let none = vec![0u32; 168];
        let short = shortfall(
            &grid,
            (&[&req0, &req1], &[&none, &none]),
            &tours,
            &a,
            (&names, &contracts, &[]),
        );
        assert_eq!(short.len(), 1);
        assert_eq!((short[0].group, short[0].interval), (1, 8));
        assert_eq!(
            short[0].why,
            "1 unstaffed tour: nobody with the skills of tech"
        );
        // Wednesday 08:00 needs 3 heads of group 0 where its 2 tours work: the head no tour
        // covers is the one given (the tours' short), with why the tours leave it
        let mut req0 = req0;
        req0[2 * 24 + 8] = 3;
        let mut no_tour0 = none.clone();
        no_tour0[2 * 24 + 8] = 1;
        let why = ["too few people".to_string(), "nobody".to_string()];
        let short = shortfall(
            &grid,
            (&[&req0, &req1], &[&no_tour0, &none]),
            &tours,
            &a,
            (&names, &contracts, &why),
        );
        assert_eq!(short.len(), 2);
        assert_eq!(
            (short[0].group, short[0].interval, short[0].covered),
            (0, 2 * 24 + 8, 2)
        );
        assert_eq!(short[0].why, "1 head no tour covers: too few people");
        // a group with no short given: every head required is one no tour covers
        let short = shortfall(
            &grid,
            (&[&req0, &req1], &[&no_tour0]),
            &tours,
            &a,
            (&names, &contracts, &why),
        );
        assert_eq!(
            short[1].why,
            "1 head no tour covers: nobody; 1 unstaffed tour: nobody with the skills of tech"
        );
        // both unavailable on Saturday: the weekend tour is unstaffed for that reason
        let agents = vec![agent("a", 0, vec![saturday]), agent("b", 0, vec![saturday])];
        let a = assign(&grid, &tours[..2], &agents, 1);
        assert_eq!(a.unstaffed, [(1, Reason::Unavailable)]);
        let a = assign(&grid, &tours[..2], &agents[..1], 1);
        assert_eq!(a.unstaffed.len(), 1);
        assert!(matches!(
            a.unstaffed[0].1,
            Reason::TooFew {
                people: 1,
                tours: 2
            }
        ));
    }

    #[test]
    fn undesired_shifts_are_spread_and_preferences_followed() {
        let grid = week();
        // nights from 22:00 cross midnight; one early and one late tour
        let night = tour(0, &[0, 1, 2, 3, 4], 22);
        let u = undesired(&grid, &night, None);
        assert_eq!((u.nights, u.weekends), (5, 0));
        let sunday_night = tour(0, &[6], 22);
        let u = undesired(&grid, &sunday_night, None);
        assert_eq!((u.nights, u.weekends), (1, 1));
        let early = tour(0, &[0, 1, 2, 3, 4], 6);
        let late = tour(0, &[0, 1, 2, 3, 4], 14);
        let prefers = |from: f64, to: f64| StartWindow {
            from_s: from * 3600.0,
            to_s: to * 3600.0,
        };
        let mut owl = agent("owl", 0, vec![]);
        owl.preferred = Some(prefers(12.0, 20.0));
        let mut lark = agent("lark", 0, vec![]);
        lark.preferred = Some(prefers(5.0, 10.0));
        let a = assign(&grid, &[early.clone(), late.clone()], &[owl, lark], 1);
        assert_eq!(a.agent_of, [Some(1), Some(0)]);
        // squared burden: 2 and 2 undesired shifts rather than 3 and 0 (which a plain sum,
        // 4 against 3, would choose)
        let mut x = agent("x", 0, vec![]);
        x.preferred = Some(prefers(5.0, 10.0));
        let y = agent("y", 0, vec![]);
        let weekend = Tour {
            group: 0,
            contract: 0,
            shifts: vec![shift(0, 14, 8), shift(5, 6, 8), shift(6, 6, 8)],
        };
        let weekdays = tour(0, &[1, 2], 14);
        assert_eq!(undesired(&grid, &weekend, Some(&x)).total(), 3);
        assert_eq!(undesired(&grid, &weekdays, Some(&x)).total(), 2);
        assert_eq!(undesired(&grid, &weekend, Some(&y)).total(), 2);
        let a = assign(&grid, &[weekend, weekdays], &[x, y], 1);
        assert_eq!(a.agent_of, [Some(1), Some(0)]);
    }

    /// A small round-the-clock week, rostered (and checked); its shifts dealt one to a tour.
    fn small_week() -> (Roster, Vec<Tour>) {
        let text = r#"
name = "small-week"
seed = 3
replications = 3
[time]
open = "00:00"
interval = "1h"
intervals = 24
[arrivals]
per_interval = [2, 2, 2, 2, 2, 4, 8, 12, 16, 16, 16, 16, 12, 12, 12, 12, 12, 10, 8, 6, 4, 4, 2, 2]
[handle_time]
distribution = "exponential"
mean = "5m"
[patience]
distribution = "exponential"
mean = "4m"
[staffing]
agents = 1
[service_level]
threshold = "20s"
target = 0.8
[roster]
shift_lengths = ["8h"]
week = [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
"#;
        let sc = crate::scenario::parse(text, "small.toml", std::path::Path::new("."), "t")
            .expect("valid");
        let rules = crate::scenario::validate::shift_rules_of(text, "small.toml")
            .expect("valid rules")
            .expect("rules");
        let options = crate::plan::PlanOptions::for_scenario(&sc);
        let roster = super::super::roster_scenario(&sc, &rules, &options, true).expect("rostered");
        let tours = roster.groups[0]
            .solved
            .shifts
            .iter()
            .flat_map(|(s, count)| (0..*count).map(move |_| s.clone()))
            .map(|s| Tour {
                group: 0,
                contract: 0,
                shifts: vec![s],
            })
            .collect();
        (roster, tours)
    }

    fn contract() -> Vec<Contract> {
        vec![Contract {
            name: "day-a-week".into(),
            days_min: 1,
            days_max: 1,
            hours_min: 8.0,
            hours_max: 8.0,
        }]
    }

    #[test]
    fn a_week_of_people_covers_what_its_tours_cover_and_is_checked_again() {
        let (roster, tours) = small_week();
        let n = tours.len();
        // enough people, none free at the weekend but the last few
        let weekend = vec![(5.0 * DAY_S, 7.0 * DAY_S)];
        let people: Vec<Agent> = (0..n + 2)
            .map(|i| {
                agent(
                    &format!("p{i}"),
                    0,
                    if i < n / 2 { weekend.clone() } else { vec![] },
                )
            })
            .collect();
        let staffed = staff_week(&roster, tours.clone(), contract(), people.clone()).unwrap();
        assert!(staffed.assignment.unstaffed.is_empty());
        assert_eq!(staffed.assignment.idle().count(), 2);
        assert_eq!(
            staffed.assignment.covered[0],
            roster.groups[0].solved.covered
        );
        assert!(staffed.shortfall.is_empty());
        for (t, a) in staffed.assignment.agent_of.iter().enumerate() {
            assert!(can_work(&roster.grid, &tours[t], &people[a.unwrap()]));
        }
        // the same coverage, the same seeds: the same check as the roster's
        for (d, r) in staffed.days.iter().zip(&roster.days) {
            let (a, b) = (d.check.as_ref().unwrap(), r.check.as_ref().unwrap());
            assert_eq!(
                a.total.get(crate::stats::Kpi::ServiceLevel),
                b.total.get(crate::stats::Kpi::ServiceLevel)
            );
        }
        // everyone away at the weekend: every weekend interval that needs heads is short,
        // and says why
        let away: Vec<Agent> = (0..n)
            .map(|i| agent(&format!("p{i}"), 0, weekend.clone()))
            .collect();
        let staffed = staff_week(&roster, tours, contract(), away).unwrap();
        // (and the intervals of the shifts running into Saturday or out of Sunday)
        let weekend_needs: Vec<usize> = (5 * 24..7 * 24)
            .filter(|&k| roster.groups[0].requirement.heads[k] > 0)
            .collect();
        let short: Vec<usize> = staffed.shortfall.iter().map(|s| s.interval).collect();
        assert!(weekend_needs.iter().all(|k| short.contains(k)), "{short:?}");
        for s in &staffed.shortfall {
            assert!(s.covered < s.required, "{s:?}");
            assert!(s.why.contains("unavailable then"), "{}", s.why);
        }
        let csv =
            String::from_utf8(super::super::week_output::shortfall_csv(&roster, &staffed).unwrap())
                .unwrap();
        assert_eq!(csv.lines().count(), short.len() + 1);
        let first = short[0];
        let row = format!("agents,{first},{},", roster.grid.day_name(first));
        assert!(csv.lines().nth(1).unwrap().starts_with(&row), "{csv}");
        // the files, written with the roster's
        let dir = tempfile::tempdir().unwrap();
        let out =
            super::super::output::write_roster(dir.path(), &roster, Some(&staffed), false).unwrap();
        for file in [
            "roster.csv",
            "schedule.csv",
            "shortfall.csv",
            "schedule.json",
            "schedule.html",
            "schedule.svg",
        ] {
            assert!(out.join(file).is_file(), "{file}");
        }
        let page = std::fs::read_to_string(out.join("schedule.html")).unwrap();
        assert!(page.contains("Each person's week") && page.contains("<svg"));
        if let Some(eyeball) = std::env::var_os("CALLSIM_EYEBALL") {
            let _ = std::fs::remove_dir_all(&eyeball);
            std::fs::rename(&out, eyeball).unwrap();
        }
    }
}
