//! Unit tests of tours: every rule holds in every tour, a hand-computable week reaches its
//! optimum, and rules no week can meet are clear errors.

use super::*;
use crate::roster::grid::candidates;
use crate::roster::rules::ShiftRules;

/// A week of hourly intervals needing `heads` every hour from 08:00 to 16:00 each day (8
/// hours), shifts of `lengths_h` that may start at any hour.
fn week(heads: u32, lengths_h: &[f64]) -> (Requirement, Vec<Shift>) {
    let n = 7 * 24;
    let req = Requirement {
        interval_s: 3600.0,
        start_clock_s: 0.0,
        heads: (0..n)
            .map(|k| {
                if (8..16).contains(&(k % 24)) {
                    heads
                } else {
                    0
                }
            })
            .collect(),
        week: true,
        default_open: vec![true; n],
    };
    let shifts = candidates(&req, &ShiftRules::lengths_only(lengths_h), None).unwrap();
    (req, shifts)
}

fn full_time(days: u32, hours: (f64, f64)) -> Contract {
    Contract {
        name: "full-time".into(),
        days_min: days,
        days_max: days,
        hours_min: hours.0,
        hours_max: hours.1,
    }
}

fn rules(contracts: Vec<Contract>) -> TourRules {
    TourRules {
        contracts,
        days_off: DaysOff::Consecutive,
        min_rest_s: 11.0 * 3600.0,
        max_consecutive_days: 5,
        start_band_s: Some(2.0 * 3600.0),
        staff: None,
    }
}

#[test]
fn patterns_keep_days_worked_days_off_together_and_runs() {
    let r = rules(vec![full_time(5, (0.0, 168.0))]);
    let p = r.patterns(&[8.0]);
    // 5 of 7 with the two days off together: 7 weeks (one per first day off)
    assert_eq!(p.len(), 7);
    assert!(
        p.iter()
            .all(|p| day_count(p.days) == 5 && days_off_together(p.days))
    );
    let mut any = r.clone();
    any.days_off = DaysOff::Any;
    // any 2 days off of 7 = 21, less none: a 5-day week never has more than 5 in a row
    assert_eq!(any.patterns(&[8.0]).len(), 21);
    any.max_consecutive_days = 3;
    assert!(
        any.patterns(&[8.0])
            .iter()
            .all(|p| longest_run(p.days) <= 3)
    );
    // weekly hours out of reach of 5 shifts of 8 hours: no pattern
    let far = rules(vec![full_time(5, (41.0, 45.0))]);
    assert!(far.patterns(&[8.0]).is_empty());
}

#[test]
fn a_hand_computed_week_reaches_its_optimum() {
    // 3 heads 08:00-16:00 every day, 8-hour shifts only: at least 21 shifts of 8 hours (168
    // paid hours), and 3-to-5-day tours of 24 to 40 hours can work exactly those (e.g. three
    // people of 5 days and two of 3), so the optimum is 168 paid hours, the LP bound too.
    let (req, shifts) = week(3, &[8.0]);
    let r = rules(vec![Contract {
        name: "flex".into(),
        days_min: 3,
        days_max: 5,
        hours_min: 24.0,
        hours_max: 40.0,
    }]);
    let t = solve(&req, &shifts, &r, 0).unwrap();
    assert_eq!(t.paid_hours, 168.0);
    assert_eq!(t.lp_bound, 168.0);
    assert_eq!(t.gap(), 0.0);
    // nothing short: no penalty in the objective
    assert_eq!(t.short_head_hours(3600.0), 0.0);
    assert_eq!(t.cost_without_short, t.cost);
    let solved = t.solved(&req);
    assert!(solved.covered.iter().zip(&req.heads).all(|(c, h)| c >= h));
    assert!(t.tours.iter().all(|x| violations(x, &r, &req).is_empty()));
}

#[test]
fn caps_from_a_staff_list_bound_the_tours_and_leave_the_rest_short() {
    // the hand-computed week needs 21 shifts of 8 hours; one person of the flex contract
    // works at most 5 of them: one tour, 5 × 8 head-hours covered, the rest short
    let (req, shifts) = week(3, &[8.0]);
    let mut r = rules(vec![Contract {
        name: "flex".into(),
        days_min: 3,
        days_max: 5,
        hours_min: 24.0,
        hours_max: 40.0,
    }]);
    r.staff = Some(vec![vec![1]]);
    let t = solve(&req, &shifts, &r, 0).unwrap();
    assert_eq!(t.tours.len(), 1);
    assert_eq!(t.paid_hours, 40.0);
    let covered = t.solved(&req).covered;
    for (k, (&need, &got)) in req.heads.iter().zip(&covered).enumerate() {
        assert_eq!(t.short[k], need.saturating_sub(got), "interval {k}");
    }
    assert_eq!(t.short_heads(), 168 - 40);
    // 128 heads short for an hour each; on half-hour intervals they would be half as long
    assert_eq!(t.short_head_hours(3600.0), 128.0);
    assert_eq!(t.short_head_hours(1800.0), 64.0);
    // the objective without the shortfall is the one tour's 5 shifts of 8 paid hours (at 1
    // an hour, days off together); each head-interval short costs twice a week of the
    // dearest shift (2 × 7 × 8)
    assert_eq!(t.cost_without_short, 40.0);
    assert_eq!(t.cost, 40.0 + 112.0 * 128.0);
    assert!(
        t.short_why("agents", &r.contracts)
            .contains("too few people of contract flex")
    );
    // nobody of the group: no tour, every interval that needs heads short, and why
    r.staff = Some(vec![vec![0]]);
    let t = solve(&req, &shifts, &r, 0).unwrap();
    assert!(t.tours.is_empty());
    assert_eq!(t.short, req.heads);
    assert_eq!(
        t.short_why("agents", &r.contracts),
        "nobody with the skills of agents"
    );
}

/// A busier, uneven week: heads vary by hour and day, shifts of 6, 8 and 10 hours.
fn uneven_week() -> (Requirement, Vec<Shift>) {
    let n = 7 * 24;
    let mut req = week(0, &[6.0]).0;
    for k in 0..n {
        let (d, h) = (k / 24, k % 24);
        req.heads[k] = match h {
            7..=9 => 4 + d as u32 % 3,
            10..=17 => 7 - (d as u32 / 3),
            18..=21 => 3,
            _ => 1,
        };
    }
    let shifts = candidates(&req, &ShiftRules::lengths_only(&[6.0, 8.0, 10.0]), None).unwrap();
    (req, shifts)
}

/// Full time of 5 days and 38 to 40 hours, part time of 3 to 4 days and `part_h` hours.
fn full_and_part_time(part_h: (f64, f64)) -> TourRules {
    rules(vec![
        full_time(5, (38.0, 40.0)),
        Contract {
            name: "part-time".into(),
            days_min: 3,
            days_max: 4,
            hours_min: part_h.0,
            hours_max: part_h.1,
        },
    ])
}

/// Solves `req` under `r` and checks that the tours cover it and keep every rule.
fn solve_and_check(req: &Requirement, shifts: &[Shift], r: &TourRules) -> TourRoster {
    let t = solve(req, shifts, r, 0).unwrap();
    let solved = t.solved(req);
    assert!(solved.covered.iter().zip(&req.heads).all(|(c, h)| c >= h));
    assert!(t.cost >= t.lp_bound - 1e-6);
    for tour in &t.tours {
        assert_eq!(violations(tour, r, req), Vec::<String>::new());
        let c = &r.contracts[tour.contract];
        let days = tour.days(req);
        assert!((c.days_min..=c.days_max).contains(&day_count(days)));
        assert!(days_off_together(days) && longest_run(days) <= 5);
        assert!((c.hours_min..=c.hours_max).contains(&tour.paid_hours()));
    }
    t
}

#[test]
fn every_rule_holds_in_every_tour() {
    let (req, shifts) = uneven_week();
    let r = full_and_part_time((18.0, 30.0));
    let t = solve_and_check(&req, &shifts, &r);
    // the same week gives the same tours
    assert_eq!(solve(&req, &shifts, &r, 0).unwrap(), t);
}

#[test]
fn tight_part_time_hours_still_give_tours() {
    // part time of 20-24 or 20-30 hours: a first deal of the program's shifts leaves some
    // people's weeks short where a block's long shifts fall on days others work; those
    // blocks are solved again on shift lengths that fit however dealt
    let (req, shifts) = uneven_week();
    for part_h in [(20.0, 24.0), (20.0, 30.0)] {
        let r = full_and_part_time(part_h);
        let t = solve_and_check(&req, &shifts, &r);
        assert_eq!(solve(&req, &shifts, &r, 0).unwrap(), t);
    }
}

#[test]
fn the_checker_finds_every_broken_rule() {
    let (req, shifts) = week(1, &[8.0, 10.0]);
    let r = rules(vec![full_time(5, (38.0, 40.0))]);
    let at = |day: usize, hour: usize, len: usize| {
        shifts
            .iter()
            .find(|s| s.start == day * 24 + hour && s.length == len)
            .unwrap()
            .clone()
    };
    // Mon, Tue 22:00 (10 h: 8 hours' rest to Wed 08:00), Wed, Fri, Sat: days off apart, starts
    // 14 hours apart, 42 hours
    let tour = Tour {
        group: 0,
        contract: 0,
        shifts: vec![
            at(0, 8, 8),
            at(1, 22, 10),
            at(2, 8, 8),
            at(4, 8, 8),
            at(5, 8, 8),
        ],
    };
    let found = violations(&tour, &r, &req).join("; ");
    for expected in [
        "42 paid hours",
        "days off apart",
        "rest after",
        "starts spread",
    ] {
        assert!(found.contains(expected), "{expected}: {found}");
    }
    // six days in a row
    let six = Tour {
        group: 0,
        contract: 0,
        shifts: (0..6).map(|d| at(d, 8, 8)).collect(),
    };
    let found = violations(&six, &r, &req).join("; ");
    assert!(found.contains("6 working days in a row") && found.contains("works 6 days"));
}

#[test]
fn rules_no_week_can_meet_are_clear_errors() {
    let (req, shifts) = week(2, &[8.0]);
    let far = rules(vec![full_time(5, (41.0, 45.0))]);
    match solve(&req, &shifts, &far, 0) {
        Err(RosterError::Tours(m)) => assert!(m.contains("no week fits the rules"), "{m}"),
        other => panic!("expected an error, got {other:?}"),
    }
    let mut rest = rules(vec![full_time(5, (0.0, 168.0))]);
    rest.min_rest_s = 20.0 * 3600.0;
    match solve(&req, &shifts, &rest, 0) {
        Err(RosterError::Tours(m)) => assert!(m.contains("min_rest"), "{m}"),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Every valid tour of one person of `contract` on the week `req` from `shifts`: one shift on
/// each day of a days-off pattern, kept when [`violations`] finds nothing.
fn every_tour(req: &Requirement, shifts: &[Shift], r: &TourRules) -> Vec<Tour> {
    let mut by_day: Vec<Vec<&Shift>> = vec![Vec::new(); WEEK_DAYS];
    for s in shifts {
        by_day[req.day_of(s.start)].push(s);
    }
    let mut tours = Vec::new();
    for days in 1u8..0x80 {
        let worked: Vec<usize> = (0..WEEK_DAYS).filter(|&d| works(days, d)).collect();
        let choices: Vec<&Vec<&Shift>> = worked.iter().map(|&d| &by_day[d]).collect();
        let combos: usize = choices.iter().map(|c| c.len()).product();
        for mut pick in 0..combos {
            let mut tour = Tour {
                group: 0,
                contract: 0,
                shifts: Vec::new(),
            };
            for c in &choices {
                tour.shifts.push((*c[pick % c.len()]).clone());
                pick /= c.len();
            }
            tour.shifts.sort_by_key(|s| s.start);
            if violations(&tour, r, req).is_empty() {
                tours.push(tour);
            }
        }
    }
    tours
}

/// The fewest of `tours` (repeats allowed) that cover `deficit` (heads still needed per
/// interval), at most `depth`: branch on the tours covering the first interval short.
fn fewest_tours(tours: &[Vec<usize>], deficit: &mut [u32], depth: usize) -> Option<usize> {
    let Some(t) = deficit.iter().position(|&d| d > 0) else {
        return Some(0);
    };
    if depth == 0 {
        return None;
    }
    let mut best: Option<usize> = None;
    for cover in tours.iter().filter(|c| c.contains(&t)) {
        let taken: Vec<usize> = cover.iter().copied().filter(|&k| deficit[k] > 0).collect();
        for &k in &taken {
            deficit[k] -= 1;
        }
        let limit = best.map_or(depth - 1, |b| b.saturating_sub(2).min(depth - 1));
        if let Some(n) = fewest_tours(tours, deficit, limit) {
            best = Some(best.map_or(n + 1, |b| b.min(n + 1)));
        }
        for &k in &taken {
            deficit[k] += 1;
        }
        if best == Some(1) {
            break;
        }
    }
    best
}

/// The LP bound of tours is a lower bound of every tour roster, by brute force on small
/// weeks: 6-hour intervals, 12-hour shifts starting at 00:00 or 12:00, people of 3 days of
/// 36 hours, and the rules the bound does not see (rest, start band) from none to tight. On
/// each week the cheapest set of valid tours, found by trying every one, costs at least the
/// bound, and the bound at least the covering program's (anonymous shifts). The bound sees
/// the contracts (here it is above the covering optimum when a few heads need a person's 3
/// shifts) and misses rest and start band (here it is below the cheapest tours).
#[test]
fn the_lp_bound_never_exceeds_the_cheapest_tours_by_brute_force() {
    let n = 7 * 4;
    let mut seed = 12345u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let (mut above_covering, mut below_tours, mut cases) = (0, 0, 0);
    for case in 0..24 {
        let mut heads = vec![0u32; n];
        for _ in 0..2 + case % 3 {
            heads[next() % n] += 1;
        }
        let req = Requirement {
            interval_s: 6.0 * 3600.0,
            start_clock_s: 0.0,
            heads,
            week: true,
            default_open: vec![true; n],
        };
        let shifts: Vec<Shift> = candidates(&req, &ShiftRules::lengths_only(&[12.0]), None)
            .unwrap()
            .into_iter()
            .filter(|s| s.start % 2 == 0)
            .collect();
        let mut r = rules(vec![full_time(3, (36.0, 36.0))]);
        r.days_off = DaysOff::Any;
        r.max_consecutive_days = 7;
        (r.min_rest_s, r.start_band_s) = match case % 4 {
            0 => (0.0, None),
            1 => (6.0 * 3600.0, None),
            2 => (0.0, Some(6.0 * 3600.0)),
            _ => (12.0 * 3600.0, Some(6.0 * 3600.0)),
        };
        let valid = every_tour(&req, &shifts, &r);
        let covers: Vec<Vec<usize>> = valid
            .iter()
            .map(|t| t.shifts.iter().flat_map(|s| s.covered(n, true)).collect())
            .collect();
        let Some(fewest) = fewest_tours(&covers, &mut req.heads.clone(), 4) else {
            continue;
        };
        cases += 1;
        let cheapest = fewest as f64 * 36.0;
        let t = solve(&req, &shifts, &r, 0).unwrap();
        let covering = crate::roster::model::solve(&req, shifts.clone(), None).unwrap();
        assert!(
            t.lp_bound <= cheapest + 1e-6,
            "case {case}: bound {} above the cheapest tours {cheapest}",
            t.lp_bound
        );
        assert!(
            covering.lp_bound <= t.lp_bound + 1e-6,
            "case {case}: covering {} above the tours' bound {}",
            covering.lp_bound,
            t.lp_bound
        );
        if t.short_heads() == 0 {
            assert!(
                t.cost >= cheapest - 1e-6,
                "case {case}: {} < {cheapest}",
                t.cost
            );
        }
        above_covering += usize::from(t.lp_bound > covering.lp_bound + 1e-6);
        below_tours += usize::from(t.lp_bound < cheapest - 1e-6);
    }
    assert!(cases >= 20, "only {cases} weeks solved by brute force");
    assert!(above_covering > 0, "the bound never saw the contract");
    assert!(below_tours > 0, "the rules never cost anything");
    println!("{cases} weeks: bound above covering {above_covering}, below tours {below_tours}");
}
