//! Abandonment: a caller who is still waiting when their patience runs out hangs up.
//!
//! Each caller who has to wait gets a timer in the calendar. When an agent answers first, the
//! timer goes stale; it is skipped when it comes up (lazy cancellation). With long patience
//! many stale timers could sit in the calendar, so they are counted and purged in one pass
//! once they make up most of it: memory stays proportional to the callers actually waiting.

/// Counts stale abandonment timers and says when to purge them.
#[derive(Debug, Default)]
pub struct StaleTimers {
    stale: usize,
    purges: u64,
}

/// Purge only past this many stale timers, so small calendars are never swept.
const PURGE_MIN: usize = 4096;

impl StaleTimers {
    /// A waiting caller was answered: their timer is now stale.
    #[inline]
    pub fn answered_before_timer(&mut self) {
        self.stale += 1;
    }

    /// A stale timer came up and was skipped.
    #[inline]
    pub fn skipped(&mut self) {
        self.stale -= 1;
    }

    /// True when stale timers are more than half of the `calendar_len` pending events; the
    /// caller then purges them and calls [`StaleTimers::purged`].
    #[inline]
    pub fn purge_due(&self, calendar_len: usize) -> bool {
        self.stale > PURGE_MIN && 2 * self.stale > calendar_len
    }

    /// Stale timers were removed from the calendar.
    pub fn purged(&mut self) {
        self.stale = 0;
        self.purges += 1;
    }

    /// How many purges ran (a diagnostic: nonzero only with long patience).
    pub fn purges(&self) -> u64 {
        self.purges
    }
}
