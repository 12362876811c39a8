//! Days that carry over: customers who, when the center closes, are still due to call again
//! (a retrial) or to be called back (a callback not yet made) are handed on to the next
//! morning instead of being lost for the day.
//!
//! The night does not count in a retrial's delay: a customer who would have called again
//! 10 minutes after closing calls 10 minutes after the next opening (callers wait for the
//! center to open, then call as they meant to). Callbacks promised but not made by closing
//! are made first the next morning: they are at the head of the line at opening, in the
//! order they were due. Their delay (request to talk) is counted across the night: the next
//! opening is a day ([`DAY_S`]) after this one.

use super::customers::Customer;

/// From one opening to the next, seconds: a working day opens at the same time every day.
pub const DAY_S: f64 = 86_400.0;

/// What a customer handed on to the next morning is still due to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// Call again this many seconds after the next opening (the part of the retrial's delay
    /// that fell after closing).
    Retrial {
        /// Seconds after the next opening.
        after_open_s: f64,
    },
    /// Be called back at the next opening, before anything else, in the order due.
    Callback {
        /// When the next callback attempt was due, seconds after closing (orders the
        /// morning's callbacks).
        after_close_s: f64,
    },
}

/// A customer still in play when the center closed.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    /// What they are due to do.
    pub due: Due,
    /// The customer: their need, their attempts so far (retrial and callback limits count
    /// across days), their call type.
    pub customer: Customer,
}

impl Pending {
    /// A customer whose next attempt was due at `due_s` (seconds after this day's opening)
    /// when the center closed at `close_s`, as the next morning sees them: times moved by a
    /// day, and (for a callback) the request kept, a day earlier.
    pub fn handed_on(due_s: f64, close_s: f64, callback: bool, customer: Customer) -> Self {
        let late = (due_s - close_s).max(0.0);
        let due = if callback {
            Due::Callback {
                after_close_s: late,
            }
        } else {
            Due::Retrial { after_open_s: late }
        };
        Pending {
            due,
            customer: Customer {
                callback_requested_at: customer.callback_requested_at - DAY_S,
                ..customer
            },
        }
    }

    /// When this customer comes back, seconds after the opening: a retrial at the part of
    /// its delay that fell after closing, a callback at the opening.
    pub fn at_s(&self) -> f64 {
        match self.due {
            Due::Retrial { after_open_s } => after_open_s,
            Due::Callback { .. } => 0.0,
        }
    }

    /// The order of the next morning: callbacks first, in the order due, then retrials in
    /// time order (a stable sort: ties keep the order of closing).
    pub fn morning_order(pending: &mut [Pending]) {
        let key = |p: &Pending| match p.due {
            Due::Callback { after_close_s } => (0, after_close_s),
            Due::Retrial { after_open_s } => (1, after_open_s),
        };
        pending.sort_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> Customer {
        Customer {
            handle: 60.0,
            first_interval: Some(3),
            attempts: 2,
            callback_attempts: 1,
            callback_requested_at: 1000.0,
            callback_interval: Some(3),
            callback_attempt: 7,
            reached: false,
            call_type: 0,
        }
    }

    #[test]
    fn the_night_does_not_count_in_a_retrial_and_counts_in_a_callback() {
        let r = Pending::handed_on(8.0 * 3600.0 + 600.0, 8.0 * 3600.0, false, customer());
        assert_eq!(
            r.due,
            Due::Retrial {
                after_open_s: 600.0
            }
        );
        assert_eq!(r.at_s(), 600.0);
        assert_eq!(r.customer.attempts, 2, "attempts count across days");
        let c = Pending::handed_on(8.0 * 3600.0 + 60.0, 8.0 * 3600.0, true, customer());
        assert_eq!(c.at_s(), 0.0);
        assert_eq!(c.customer.callback_requested_at, 1000.0 - DAY_S);
        let mut morning = [r, c];
        Pending::morning_order(&mut morning);
        assert!(
            matches!(morning[0].due, Due::Callback { .. }),
            "callbacks first"
        );
    }
}
