//! A few timers kept beside the [`Calendar`], each pending at most once, ordered with the
//! calendar's events exactly as if they had been scheduled in it.
//!
//! A timer takes its sequence number from the calendar ([`Calendar::take_seq`]) and is keyed
//! by (time, sequence number) like a calendar entry, so the event loop that handles the
//! smaller of [`Timers::first_key`] and [`Calendar::next_key`] sees every event in the same
//! order as with one calendar. It saves a heap push and pop per firing where a handful of
//! recurring timers fire often (the delay levels' walks along the waiting lines): the next
//! timer is found by looking at each of them, which for a few timers costs less than the heap.

use super::calendar::{Calendar, key};

/// Timers numbered `0..slots`, each pending at most once.
#[derive(Debug, Clone)]
pub struct Timers {
    /// Per timer: when it fires (seconds); infinity when not pending.
    times: Vec<f64>,
    /// Per timer: its sequence number from the calendar (ties of time: smaller first).
    seqs: Vec<u64>,
    /// The next timer to fire (any when none is pending), its time and sequence number.
    first: usize,
    first_time: f64,
    first_seq: u64,
}

impl Timers {
    /// `slots` timers, none pending.
    pub fn new(slots: usize) -> Self {
        Timers {
            times: vec![f64::INFINITY; slots],
            seqs: vec![0; slots],
            first: 0,
            first_time: f64::INFINITY,
            first_seq: 0,
        }
    }

    /// True while timer `slot` is pending.
    #[inline]
    pub fn is_pending(&self, slot: usize) -> bool {
        self.times[slot] != f64::INFINITY
    }

    /// Sets timer `slot`, not pending, to fire at `time` seconds (finite, non-negative),
    /// ordered among the events of `calendar` as if scheduled there now.
    #[inline]
    pub fn set<E: Copy>(&mut self, slot: usize, time: f64, calendar: &mut Calendar<E>) {
        debug_assert!(!self.is_pending(slot), "timer {slot} set twice");
        debug_assert!(time.is_finite() && time >= 0.0, "bad timer time {time}");
        let seq = calendar.take_seq();
        self.times[slot] = time;
        self.seqs[slot] = seq;
        // a later sequence number never wins a tie of time
        if time < self.first_time {
            (self.first, self.first_time, self.first_seq) = (slot, time, seq);
        }
    }

    /// Time of the next timer (seconds), infinity when none is pending.
    #[inline]
    pub fn first_time(&self) -> f64 {
        self.first_time
    }

    /// True when the next timer comes before the next event of the calendar whose key is
    /// `calendar_key` (see [`Calendar::next_key`]; `None`: the calendar is empty).
    #[inline]
    pub fn precede(&self, calendar_key: Option<u128>) -> bool {
        self.first_time != f64::INFINITY
            && calendar_key.is_none_or(|c| key(self.first_time, self.first_seq) < c)
    }

    /// Removes the next timer and returns its time and number.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, usize)> {
        if self.first_time == f64::INFINITY {
            return None;
        }
        let (time, slot) = (self.first_time, self.first);
        self.times[slot] = f64::INFINITY;
        let (mut first, mut first_time, mut first_seq) = (0, f64::INFINITY, 0);
        for (i, (&t, &seq)) in self.times.iter().zip(&self.seqs).enumerate() {
            // (one comparison for most timers: a tie of time is rare)
            if t <= first_time && (t < first_time || (t != f64::INFINITY && seq < first_seq)) {
                (first, first_time, first_seq) = (i, t, seq);
            }
        }
        (self.first, self.first_time, self.first_seq) = (first, first_time, first_seq);
        Some((time, slot))
    }

    /// No timer is pending any more.
    pub fn clear(&mut self) {
        self.times.fill(f64::INFINITY);
        self.first_time = f64::INFINITY;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calendar events and timers come out in one order: that of a single calendar holding
    /// both, ties by the order of scheduling.
    #[test]
    fn timers_and_events_interleave_as_in_one_calendar() {
        use rand::Rng;
        let mut rng = crate::engine::streams(9, 0, crate::engine::Stream(0));
        let mut split: Calendar<u32> = Calendar::with_capacity(8);
        let mut timers = Timers::new(5);
        let mut one: Calendar<(bool, u32)> = Calendar::with_capacity(8);
        let mut now = 0.0;
        let next = |split: &mut Calendar<u32>, timers: &mut Timers| {
            if timers.precede(split.next_key()) {
                timers.pop().map(|(t, slot)| (t, (true, slot as u32)))
            } else {
                split.pop().map(|(t, e)| (t, (false, e)))
            }
        };
        for id in 0..5_000u32 {
            // times on a coarse grid: many ties
            let time = now + (rng.next_u64() % 8) as f64;
            let slot = (rng.next_u64() % 5) as usize;
            if !timers.is_pending(slot) && rng.next_u64().is_multiple_of(2) {
                timers.set(slot, time, &mut split);
                one.schedule(time, (true, slot as u32));
            } else {
                split.schedule(time, id);
                one.schedule(time, (false, id));
            }
            if rng.next_u64().is_multiple_of(2) {
                let got = next(&mut split, &mut timers);
                let want = one.pop();
                assert_eq!(got, want);
                now = want.map_or(now, |w| w.0);
            }
        }
        loop {
            let (got, want) = (next(&mut split, &mut timers), one.pop());
            assert_eq!(got, want);
            if want.is_none() {
                break;
            }
        }
        timers.set(0, 1.0, &mut split);
        timers.clear();
        assert!(!timers.is_pending(0) && timers.pop().is_none());
        assert_eq!(timers.first_time(), f64::INFINITY);
    }
}
