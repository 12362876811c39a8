//! A run of several days ([`Scenario::days`]): the days of one replication run one after the
//! other on one thread, each handing on to the next the customers still due to call again or
//! to be called back at closing ([`crate::model::carry`]); the last day, having no next
//! morning, loses them as a day alone does. Day `d` of replication `r` draws the random
//! numbers of replication `r × days + d` of a day alone, so that a run of several days sees
//! the same new customers with and without carry-over (common random numbers), and a run
//! of one day is exactly a day alone.

use crate::model::replication::{Carry, Stopped, run_day_until};
use crate::model::{NoObserver, ReplicationOutcome, Scenario};
use crate::stats::IntervalTally;

/// The days of replication `replication` of `scenario`, in order (one day: the day alone),
/// asking `go_on` now and then whether to go on.
pub fn run_days(
    scenario: &Scenario,
    replication: u64,
    go_on: &dyn Fn() -> bool,
) -> Result<Vec<ReplicationOutcome>, Stopped> {
    let days = u64::from(scenario.days.max(1));
    let mut outcomes = Vec::with_capacity(days as usize);
    let mut from_yesterday = Vec::new();
    for d in 0..days {
        let carry = Carry {
            from_yesterday,
            hand_on: scenario.carry_over && d + 1 < days,
        };
        let mut day = run_day_until(
            scenario,
            replication * days + d,
            carry,
            &mut NoObserver,
            go_on,
        )?;
        from_yesterday = std::mem::take(&mut day.carried);
        outcomes.push(day);
    }
    Ok(outcomes)
}

/// The days of one replication as one outcome: their intervals one after the other (day
/// `d`'s interval `k` is interval `d × intervals + k`), the calls handled summed.
pub fn one_after_the_other(mut days: Vec<ReplicationOutcome>) -> ReplicationOutcome {
    if days.len() == 1 {
        return days.swap_remove(0);
    }
    let mut all = ReplicationOutcome {
        intervals: Vec::new(),
        calls: 0,
        by_type: Vec::new(),
        by_group: Vec::new(),
        handled: Vec::new(),
        carried: Vec::new(),
    };
    for day in days {
        all.intervals.extend(day.intervals);
        all.calls += day.calls;
        append(&mut all.by_type, day.by_type);
        append(&mut all.by_group, day.by_group);
        if all.handled.is_empty() {
            all.handled = day.handled;
        } else {
            for (sum, row) in all.handled.iter_mut().zip(&day.handled) {
                for (s, x) in sum.iter_mut().zip(row) {
                    *s += x;
                }
            }
        }
    }
    all
}

/// Appends each row of `day` (one per type or group) to the same row of `all`.
fn append(all: &mut Vec<Vec<IntervalTally>>, day: Vec<Vec<IntervalTally>>) {
    if all.is_empty() {
        *all = day;
    } else {
        for (rows, more) in all.iter_mut().zip(day) {
            rows.extend(more);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::callback::CallbackPolicy;
    use crate::model::retrials::RetrialPolicy;
    use crate::model::test_support;
    use crate::model::{Dist, run_replication};

    /// A small center short of agents all day, whose callers call again and accept
    /// callbacks, so that customers are still due at every closing.
    fn busy_week(days: u32, carry_over: bool) -> Scenario {
        let mut sc = test_support::day(
            &[40.0, 60.0, 50.0, 30.0],
            &[2, 3, 3, 1],
            Some(Dist::exponential(90.0).unwrap()),
        );
        sc.retrials = Some(RetrialPolicy {
            probability: vec![0.8, 0.6],
            delay: Dist::exponential(1800.0).unwrap(),
            max_attempts: 5,
        });
        sc.callback = Some(CallbackPolicy {
            offer_when_wait_exceeds_s: 120.0,
            accept_probability: 0.5,
            answer_probability: 0.6,
            retry_delay: Dist::exponential(1200.0).unwrap(),
            max_attempts: 3,
            talk_time: None,
        });
        sc.days = days;
        sc.carry_over = carry_over;
        sc
    }

    /// Issue 22: every customer ends exactly once over the whole run. Each day, the new
    /// customers and those from the day before are served, lost, or handed on; what one day
    /// hands on, the next takes in; the last day hands on nobody; so over the run the
    /// customers are the served and the lost. The same for callbacks.
    #[test]
    fn carry_over_conserves_customers_day_by_day_and_over_the_week() {
        let sc = busy_week(7, true);
        let mut handed_on_somewhere = 0;
        for rep in 0..5 {
            let days = run_days(&sc, rep, &|| true).unwrap();
            let totals: Vec<IntervalTally> = days
                .iter()
                .map(|d| IntervalTally::whole(&d.intervals))
                .collect();
            for (d, (day, t)) in days.iter().zip(&totals).enumerate() {
                for i in &day.intervals {
                    assert!(i.balances(), "day {d}: {i:?}");
                }
                assert!(t.balances(), "day {d}");
                let yesterday = match d {
                    0 => (0, 0),
                    _ => (
                        totals[d - 1].carried_over,
                        totals[d - 1].callbacks_carried_over,
                    ),
                };
                assert_eq!(
                    (t.carried_in, t.callbacks_carried_in),
                    yesterday,
                    "day {d}: what was handed on comes"
                );
                handed_on_somewhere += t.carried_over;
            }
            assert_eq!(totals[6].carried_over, 0, "the last day hands on nobody");
            let week = IntervalTally::whole(&totals);
            assert_eq!(week.carried_in, week.carried_over);
            assert_eq!(
                week.customers,
                week.served_customers + week.lost_customers,
                "every customer ends exactly once over the week"
            );
            assert_eq!(
                week.callbacks_accepted,
                week.callbacks_completed + week.callbacks_failed
            );
            assert_eq!(
                week.customer_attempts, week.offered,
                "every attempt is a customer's"
            );
        }
        assert!(handed_on_somewhere > 50, "{handed_on_somewhere}");
    }

    /// With call types, every type conserves its customers and callbacks over the days too:
    /// day by day and interval by interval (what the engine asserts in debug builds), and
    /// over the run.
    #[test]
    fn call_types_conserve_customers_over_the_days() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/multi-skill/callbacks-and-retrials.toml"
        );
        let text = std::fs::read_to_string(path).unwrap().replacen(
            "intervals = 16",
            "intervals = 16\ndays = 3",
            1,
        );
        let dir = std::path::Path::new(path).parent().unwrap();
        let sc = crate::scenario::parse(&text, path, dir, "t").unwrap();
        assert_eq!(sc.days, 3);
        let mut carried = 0;
        for rep in 0..16 {
            let days = run_days(&sc, rep, &|| true).unwrap();
            let week = one_after_the_other(days);
            for rows in week.by_type.iter().chain([&week.intervals]) {
                assert!(rows.iter().all(IntervalTally::balances));
                let t = &IntervalTally::whole(rows);
                assert_eq!(t.customers, t.served_customers + t.lost_customers);
                assert_eq!(t.carried_in, t.carried_over);
                assert_eq!(
                    t.callbacks_accepted,
                    t.callbacks_completed + t.callbacks_failed
                );
            }
            carried += IntervalTally::whole(&week.intervals).carried_over;
        }
        assert!(carried > 0, "some customers were handed on");
    }

    /// One day, or several days without carry-over, is a day alone: day `d` of replication
    /// `r` is replication `r × days + d`, bit for bit.
    #[test]
    fn without_carry_over_each_day_is_a_day_alone() {
        for (days, carry) in [(1, true), (3, false)] {
            let sc = busy_week(days, carry);
            let alone = busy_week(1, false);
            for rep in 0..2u64 {
                let week = run_days(&sc, rep, &|| true).unwrap();
                for (d, day) in week.iter().enumerate() {
                    let single = run_replication(&alone, rep * u64::from(days) + d as u64).unwrap();
                    assert_eq!(
                        format!("{:?}", day.intervals),
                        format!("{:?}", single.intervals)
                    );
                    assert!(day.carried.is_empty());
                }
            }
        }
    }

    /// Carrying over changes only what happens after the first closing: the first day is
    /// the day alone but for the customers it hands on instead of losing; new customers are
    /// the same every day (common random numbers), and fewer are lost.
    #[test]
    fn carry_over_loses_fewer_of_the_same_customers() {
        let (with, without) = (busy_week(5, true), busy_week(5, false));
        let (mut lost_with, mut lost_without) = (0, 0);
        for rep in 0..10 {
            let a = run_days(&with, rep, &|| true).unwrap();
            let b = run_days(&without, rep, &|| true).unwrap();
            for (x, y) in a.iter().zip(&b) {
                let (x, y) = (
                    IntervalTally::whole(&x.intervals),
                    IntervalTally::whole(&y.intervals),
                );
                assert_eq!(x.customers, y.customers);
                lost_with += x.lost_customers;
                lost_without += y.lost_customers;
            }
            let (x, y) = (
                IntervalTally::whole(&a[0].intervals),
                IntervalTally::whole(&b[0].intervals),
            );
            assert_eq!(x.offered, y.offered);
            assert_eq!(x.lost_customers + x.carried_over, y.lost_customers);
        }
        assert!(
            lost_with < lost_without,
            "{lost_with} against {lost_without}"
        );
    }
}
