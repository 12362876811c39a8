//! From the aggregate program's whole numbers to tours: each day's shifts of a start block
//! dealt to the people of that block who work the day, so that each person's weekly hours
//! lie within the contract. Within a block the start band and the rest between shifts hold
//! whatever the deal (the block's width sees to it); only the hours depend on who gets
//! which shift.
//!
//! The deal, day by day from Monday: the longest shift goes to the person furthest below
//! the middle of their contract's hours per day left; then, while some person's hours lie
//! outside their contract, two people of a block swap their shifts of a day when that brings
//! the hours outside the contracts down. Deterministic: ties go to the lower index.

use super::super::RosterError;
use super::super::grid::{Requirement, Shift};
use super::program::{Whole, block_of, blocks};
use super::{Contract, Pattern, Tour, WEEK_DAYS, works};

/// One person-to-be: a pattern, a start block, and the shifts dealt so far.
#[derive(Clone)]
struct Person {
    contract: usize,
    class: usize,
    days: u8,
    block: usize,
    /// The shift of each weekday worked (index in the candidates).
    shift: [Option<usize>; WEEK_DAYS],
}

/// Hours outside the contract: below its least or above its most.
fn outside(hours: f64, c: &Contract) -> f64 {
    (c.hours_min - hours).max(0.0) + (hours - c.hours_max).max(0.0)
}

impl Person {
    fn hours(&self, shifts: &[Shift]) -> f64 {
        self.shift
            .iter()
            .flatten()
            .map(|&j| shifts[j].paid_hours)
            .sum()
    }
}

/// The tours of the program's whole numbers `whole` for blocks `width` intervals wide: one
/// per person, for agent group `group`; the people of the (block, class) pairs marked in
/// `alone` (at `block * classes + class`) are dealt only their own class's shifts. Also
/// returns the (block, class) pairs, marked the same way, of the people whose weekly hours
/// lie outside their contract.
pub(super) fn tours(
    req: &Requirement,
    shifts: &[Shift],
    patterns: &[Pattern],
    contracts: &[Contract],
    (width, alone): (usize, &[bool]),
    whole: &Whole,
    group: usize,
) -> Result<(Vec<Tour>, Vec<bool>), RosterError> {
    let nb = blocks(req, width);
    let nc = patterns.iter().map(|p| p.class + 1).max().unwrap_or(0);
    let mut people: Vec<Person> = Vec::new();
    for b in 0..nb {
        for (p, pattern) in patterns.iter().enumerate() {
            for _ in 0..whole.y[p * nb + b] {
                people.push(Person {
                    contract: pattern.contract,
                    class: pattern.class,
                    days: pattern.days,
                    block: b,
                    shift: [None; WEEK_DAYS],
                });
            }
        }
    }
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); WEEK_DAYS * nb * nc];
    for (cj, &n) in whole.x.iter().enumerate() {
        let (c, j) = (cj / shifts.len(), cj % shifts.len());
        let s = &shifts[j];
        let b = block_of(req, s, width);
        buckets[(req.day_of(s.start) * nb + b) * nc + c].extend((0..n).map(|_| j));
    }
    // deal from each weekday in turn; the first deal whose hours all fit, else the one
    // whose hours lie least outside the contracts
    let mut best: Option<(f64, Vec<Person>)> = None;
    for first in 0..WEEK_DAYS {
        let mut dealt = people.clone();
        deal(
            &mut dealt,
            &mut buckets.clone(),
            first,
            (nb, nc),
            alone,
            shifts,
            contracts,
        )?;
        let left = repair(&mut dealt, shifts, contracts);
        if best.as_ref().is_none_or(|(b, _)| left < *b) {
            best = Some((left, dealt));
        }
        if left <= 1e-9 {
            break;
        }
    }
    let people = best.map(|(_, p)| p).unwrap_or_default();
    let mut failing = vec![false; nb * nc];
    for p in &people {
        if outside(p.hours(shifts), &contracts[p.contract]) > 1e-9 {
            failing[p.block * nc + p.class] = true;
        }
    }
    let tours = people
        .into_iter()
        .map(|p| {
            let mut list: Vec<Shift> = p
                .shift
                .iter()
                .flatten()
                .map(|&j| shifts[j].clone())
                .collect();
            list.sort_by_key(|s| s.start);
            Tour {
                group,
                contract: p.contract,
                shifts: list,
            }
        })
        .collect();
    Ok((tours, failing))
}

/// Deals each day's shifts (`buckets` by day, block and class) to the people working it,
/// days in order from weekday `first`: the longest shift to the person furthest below the
/// middle of their contract's hours per day left. The classes of a block marked in `alone`
/// are dealt each on its own, the others together.
fn deal(
    people: &mut [Person],
    buckets: &mut [Vec<usize>],
    first: usize,
    (nb, nc): (usize, usize),
    alone: &[bool],
    shifts: &[Shift],
    contracts: &[Contract],
) -> Result<(), RosterError> {
    for step in 0..WEEK_DAYS {
        let d = (first + step) % WEEK_DAYS;
        for (b, c) in (0..nb).flat_map(|b| (0..=nc).map(move |c| (b, c))) {
            // every class of the block together (c = nc), the program keeps their hours
            // apart, the deal may mix them; each class marked alone on its own (c < nc)
            let own = |k: usize| alone.get(b * nc + k).copied().unwrap_or(false);
            let classes: Vec<usize> = if c == nc {
                (0..nc).filter(|&k| !own(k)).collect()
            } else if own(c) {
                vec![c]
            } else {
                continue;
            };
            let mut todo: Vec<usize> = classes
                .iter()
                .flat_map(|&k| std::mem::take(&mut buckets[(d * nb + b) * nc + k]))
                .collect();
            todo.sort_by(|&a, &c| {
                shifts[c]
                    .paid_hours
                    .total_cmp(&shifts[a].paid_hours)
                    .then(a.cmp(&c))
            });
            let mut working: Vec<usize> = (0..people.len())
                .filter(|&i| {
                    let p = &people[i];
                    p.block == b && works(p.days, d) && classes.contains(&p.class)
                })
                .collect();
            if working.len() != todo.len() {
                return Err(RosterError::Tours(format!(
                    "internal: {} shifts for {} people on day {d}",
                    todo.len(),
                    working.len()
                )));
            }
            let need = |p: &Person| {
                let c = &contracts[p.contract];
                let left = (step..WEEK_DAYS)
                    .filter(|&e| works(p.days, (first + e) % WEEK_DAYS))
                    .count() as f64;
                ((c.hours_min + c.hours_max) / 2.0 - p.hours(shifts)) / left
            };
            let needs: Vec<f64> = working.iter().map(|&i| need(&people[i])).collect();
            let mut order: Vec<usize> = (0..working.len()).collect();
            order.sort_by(|&a, &c| needs[c].total_cmp(&needs[a]).then(a.cmp(&c)));
            working = order.iter().map(|&k| working[k]).collect();
            for (&i, &j) in working.iter().zip(&todo) {
                people[i].shift[d] = Some(j);
            }
        }
    }
    Ok(())
}

/// Most swaps in one chain of [`repair`].
const CHAIN: usize = 3;

/// Hours outside the contracts, summed over `people`.
fn total_outside(people: &[Person], shifts: &[Shift], contracts: &[Contract]) -> f64 {
    people
        .iter()
        .map(|p| outside(p.hours(shifts), &contracts[p.contract]))
        .sum()
}

/// Swaps person `a`'s shift of day `d` with person `b`'s.
fn swap(people: &mut [Person], a: usize, b: usize, d: usize) {
    let t = people[a].shift[d];
    people[a].shift[d] = people[b].shift[d];
    people[b].shift[d] = t;
}

/// Tries chains of swaps from person `from` (at most `depth` more), each passing hours on
/// to the next person; keeps the first chain that brings the hours outside the contracts
/// below `now`, and says whether it found one.
fn improve(
    people: &mut [Person],
    from: usize,
    depth: usize,
    now: f64,
    shifts: &[Shift],
    contracts: &[Contract],
) -> bool {
    if depth == 0 {
        return false;
    }
    for d in 0..WEEK_DAYS {
        let Some(x) = people[from].shift[d] else {
            continue;
        };
        for b in 0..people.len() {
            let differs =
                people[b].shift[d].is_some_and(|y| shifts[y].paid_hours != shifts[x].paid_hours);
            if b == from || people[b].block != people[from].block || !differs {
                continue;
            }
            swap(people, from, b, d);
            if total_outside(people, shifts, contracts) < now - 1e-9
                || improve(people, b, depth - 1, now, shifts, contracts)
            {
                return true;
            }
            swap(people, from, b, d);
        }
    }
    false
}

/// Swaps of one day's shifts between people of a block while some person's hours lie
/// outside the contract and a chain of up to [`CHAIN`] swaps (hours passed on from person
/// to person) brings the hours outside the contracts down. Returns the hours left outside.
fn repair(people: &mut [Person], shifts: &[Shift], contracts: &[Contract]) -> f64 {
    let mut now = total_outside(people, shifts, contracts);
    for depth in 1..=CHAIN {
        'search: while now > 1e-9 {
            for i in 0..people.len() {
                let off = outside(people[i].hours(shifts), &contracts[people[i].contract]);
                if off > 1e-9 && improve(people, i, depth, now, shifts, contracts) {
                    now = total_outside(people, shifts, contracts);
                    continue 'search;
                }
            }
            break;
        }
    }
    now
}
