//! The event calendar: a binary heap ordered by (time, sequence number).
//!
//! Events scheduled for the same instant come out in the order they were scheduled, so a run
//! is deterministic even with ties (deterministic handle times, interval boundaries).
//! Cancellation is lazy: the owner of an event knows when it has gone stale and skips it when
//! it is popped; [`Calendar::retain`] purges stale events in one pass when they pile up.

/// One scheduled event, ordered by (time, sequence number). Times are finite and
/// non-negative, and for such `f64` the bit pattern orders exactly like the value, so the
/// order is that of the integer `time_bits << 64 | seq`.
#[derive(Clone, Copy)]
struct Entry<E> {
    time_bits: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// The sort key as one integer: compared without branches.
    #[inline(always)]
    fn key(&self) -> u128 {
        ((self.time_bits as u128) << 64) | self.seq as u128
    }
}

/// The sort key of an event at `time` seconds (finite, non-negative) with sequence number
/// `seq`, as one integer (see [`Entry`]).
#[inline(always)]
pub(super) fn key(time: f64, seq: u64) -> u128 {
    ((time.to_bits() as u128) << 64) | seq as u128
}

/// A future-event list: schedule events at times (seconds), pop them in time order.
///
/// An implicit binary min-heap in one `Vec`. `pop` moves the hole left by the minimum down to
/// a leaf along the smaller children (one comparison per level) and then lets the last entry
/// rise from there: fewer comparisons than a classic sift-down, since the last entry of a heap
/// usually belongs near the bottom.
pub struct Calendar<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E: Copy> Calendar<E> {
    /// An empty calendar with room for `capacity` pending events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        Calendar {
            heap: Vec::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time` seconds. `time` must be finite and non-negative.
    #[inline]
    pub fn schedule(&mut self, time: f64, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "bad event time {time}");
        let entry = Entry {
            time_bits: time.to_bits(),
            seq: self.next_seq,
            event,
        };
        self.next_seq += 1;
        self.heap.push(entry);
        self.sift_up(self.heap.len() - 1, entry);
    }

    /// The time of the earliest pending event, if any.
    #[inline]
    pub fn next_time(&self) -> Option<f64> {
        self.heap.first().map(|e| f64::from_bits(e.time_bits))
    }

    /// The (time, sequence number) key of the earliest pending event, if any, as one integer
    /// that orders like the events (to compare with [`Timers`](super::Timers)).
    #[inline]
    pub fn next_key(&self) -> Option<u128> {
        self.heap.first().map(Entry::key)
    }

    /// The sequence number the next scheduled event would get, for an event kept outside
    /// the calendar (a [`Timers`](super::Timers) timer) that must come out in the same
    /// order as if it were scheduled here now.
    #[inline]
    pub fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq - 1
    }

    /// Removes and returns the earliest event with its time; ties come out first-in-first-out.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some((f64::from_bits(last.time_bits), last.event));
        };
        // move the hole at the root down to a leaf along the smaller children
        let n = self.heap.len();
        let mut hole = 0;
        let mut child = 1;
        while child + 1 < n {
            child += (self.heap[child + 1].key() < self.heap[child].key()) as usize;
            self.heap[hole] = self.heap[child];
            hole = child;
            child = 2 * hole + 1;
        }
        if child < n {
            self.heap[hole] = self.heap[child];
            hole = child;
        }
        self.sift_up(hole, last);
        Some((f64::from_bits(top.time_bits), top.event))
    }

    /// Number of pending events, stale ones included.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Keeps only the events for which `live` is true (purges lazily cancelled events), then
    /// rebuilds the heap. Survivors keep their keys, so their order is unchanged.
    pub fn retain(&mut self, mut live: impl FnMut(&E) -> bool) {
        self.heap.retain(|e| live(&e.event));
        let entries = std::mem::take(&mut self.heap);
        for (i, e) in entries.into_iter().enumerate() {
            self.heap.push(e);
            self.sift_up(i, e);
        }
    }

    /// Forgets every pending event and restarts the sequence numbers, keeping the allocation.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.next_seq = 0;
    }

    /// Places `entry` at `hole` or above it, moving larger parents down.
    #[inline(always)]
    fn sift_up(&mut self, mut hole: usize, entry: Entry<E>) {
        let key = entry.key();
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if self.heap[parent].key() <= key {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = entry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order() {
        let mut cal = Calendar::with_capacity(8);
        for (t, e) in [(5.0, 'c'), (1.0, 'a'), (3.0, 'b'), (0.0, 'z'), (1e9, 'y')] {
            cal.schedule(t, e);
        }
        let order: Vec<char> = std::iter::from_fn(|| cal.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['z', 'a', 'b', 'c', 'y']);
    }

    #[test]
    fn ties_come_out_first_in_first_out() {
        let mut cal = Calendar::with_capacity(8);
        for i in 0..100 {
            cal.schedule(if i % 2 == 0 { 2.0 } else { 1.0 }, i);
        }
        let popped: Vec<(f64, i32)> = std::iter::from_fn(|| cal.pop()).collect();
        let odd: Vec<i32> = (0..100).filter(|i| i % 2 == 1).collect();
        let even: Vec<i32> = (0..100).filter(|i| i % 2 == 0).collect();
        assert_eq!(
            popped.iter().map(|p| p.1).collect::<Vec<_>>(),
            [odd, even].concat()
        );
        assert!(popped[..50].iter().all(|p| p.0 == 1.0));
    }

    #[test]
    fn next_time_and_retain() {
        let mut cal = Calendar::with_capacity(4);
        assert_eq!(cal.next_time(), None);
        cal.schedule(2.5, 1);
        cal.schedule(0.5, 2);
        cal.schedule(1.5, 3);
        assert_eq!(cal.next_time(), Some(0.5));
        cal.retain(|e| *e != 2);
        assert_eq!(cal.len(), 2);
        assert_eq!(cal.pop(), Some((1.5, 3)));
        assert_eq!(cal.pop(), Some((2.5, 1)));
        assert!(cal.is_empty());
    }

    /// Against a sorted list: random times with many ties, interleaved pushes and pops,
    /// and a purge in the middle.
    #[test]
    fn agrees_with_sorting_under_random_use() {
        use rand::Rng;
        let mut rng = crate::engine::streams(5, 0, crate::engine::Stream(0));
        let mut cal = Calendar::with_capacity(4);
        let mut model: Vec<(u64, u64, u32)> = Vec::new(); // (time bits, seq, id)
        for (seq, id) in (0..20_000u32).enumerate() {
            let time = (rng.next_u64() % 500) as f64 * 0.5;
            cal.schedule(time, id);
            model.push((time.to_bits(), seq as u64, id));
            if rng.next_u64().is_multiple_of(3) {
                model.sort();
                let (t, _, want) = model.remove(0);
                assert_eq!(cal.pop(), Some((f64::from_bits(t), want)));
            }
            if id == 10_000 {
                cal.retain(|e| e % 7 != 0);
                model.retain(|m| m.2 % 7 != 0);
            }
        }
        model.sort();
        let rest: Vec<u32> = std::iter::from_fn(|| cal.pop().map(|p| p.1)).collect();
        assert_eq!(rest, model.iter().map(|m| m.2).collect::<Vec<_>>());
    }

    #[test]
    fn tiny_and_huge_times_order_correctly() {
        let mut cal = Calendar::with_capacity(4);
        cal.schedule(1e-300, 'b');
        cal.schedule(0.0, 'a');
        cal.schedule(f64::MAX, 'd');
        cal.schedule(1e300, 'c');
        let order: Vec<char> = std::iter::from_fn(|| cal.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
    }
}
