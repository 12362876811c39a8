//! The waiting line: one first-come-first-served queue of callers.
//!
//! Every caller who has to wait gets a ticket, a number that grows by one per caller. The
//! caller with ticket `t` sits at position `t − head_ticket` of a ring buffer, so an
//! abandonment timer finds its caller in O(1) without searching, and knows the timer is stale
//! when the ticket is below the head (already answered). A caller who abandons from the middle
//! of the line is only marked; the mark is dropped when it reaches the head. Memory is
//! proportional to the span of the line, never to the number of calls.

use super::customers::CustomerId;
use std::collections::VecDeque;

/// A caller waiting for an agent. Handle time is drawn at arrival, so that the same caller
/// needs the same talk time whatever the staffing (common random numbers).
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// Number of the attempt (1, 2, 3, ... in order of arrival; see [`super::observer`]).
    pub attempt: u64,
    /// Arrival time, seconds.
    pub arrival: f64,
    /// Talk time this caller will need once answered, seconds.
    pub handle: f64,
    /// Reporting interval the call arrived in; `None` during a steady-state warm-up.
    pub interval: Option<u32>,
    /// The customer's record when customers are tracked across attempts (retrials,
    /// callbacks); `None` when every customer makes exactly one attempt.
    pub customer: Option<CustomerId>,
    /// A customer waiting for a callback: keeps the place in line without holding on.
    pub callback: bool,
    /// A proactive contact reached this customer before they called.
    pub reached: bool,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    caller: Caller,
    gone: bool,
}

/// A FCFS queue of callers addressed by ticket.
#[derive(Debug)]
pub struct WaitingLine {
    slots: VecDeque<Slot>,
    head_ticket: u64,
    waiting: usize,
    /// Arrival of the caller at the head (seconds); infinity when nobody waits.
    head_arrival: f64,
}

impl WaitingLine {
    /// An empty line with room for `capacity` callers before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        WaitingLine {
            slots: VecDeque::with_capacity(capacity),
            head_ticket: 0,
            waiting: 0,
            head_arrival: f64::INFINITY,
        }
    }

    /// Callers waiting now.
    #[inline]
    pub fn len(&self) -> usize {
        self.waiting
    }

    /// True when nobody waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.waiting == 0
    }

    /// Puts a caller at the end of the line and returns their ticket.
    #[inline]
    pub fn join(&mut self, caller: Caller) -> u64 {
        if self.slots.is_empty() {
            self.head_arrival = caller.arrival;
        }
        self.slots.push_back(Slot {
            caller,
            gone: false,
        });
        self.waiting += 1;
        self.head_ticket + self.slots.len() as u64 - 1
    }

    /// Takes the caller at the head of the line (the one who has waited longest).
    #[inline]
    pub fn take_first(&mut self) -> Option<Caller> {
        let slot = self.slots.pop_front()?;
        self.head_ticket += 1;
        debug_assert!(!slot.gone, "the head is never a departed caller");
        self.waiting -= 1;
        self.drop_departed_at_head();
        Some(slot.caller)
    }

    /// When the caller at the head of the line arrived (seconds); infinity when nobody
    /// waits, so that "has the head waited `d` seconds by `t`" is one comparison.
    #[inline]
    pub fn head_arrival(&self) -> f64 {
        self.head_arrival
    }

    /// The caller at the head of the line (the one who has waited longest): their ticket
    /// and arrival time (seconds); `None` when nobody waits.
    #[inline]
    pub fn head(&self) -> Option<(u64, f64)> {
        (!self.is_empty()).then_some((self.head_ticket, self.head_arrival))
    }

    /// The first caller still in line whose ticket is after `ticket`: their ticket and
    /// arrival time (seconds).
    #[inline]
    pub fn next_after(&self, ticket: u64) -> Option<(u64, f64)> {
        let from = (ticket + 1).max(self.head_ticket);
        let skip = ((from - self.head_ticket) as usize).min(self.slots.len());
        self.slots
            .range(skip..)
            .zip(from..)
            .find(|(s, _)| !s.gone)
            .map(|(s, t)| (t, s.caller.arrival))
    }

    /// True while the caller with `ticket` is still in line.
    #[inline]
    pub fn is_waiting(&self, ticket: u64) -> bool {
        ticket
            .checked_sub(self.head_ticket)
            .and_then(|i| self.slots.get(i as usize))
            .is_some_and(|s| !s.gone)
    }

    /// Removes the caller with `ticket` from the line if still there (they hung up) and
    /// returns them; `None` if they were answered already (a stale timer).
    #[inline]
    pub fn leave(&mut self, ticket: u64) -> Option<Caller> {
        let i = ticket.checked_sub(self.head_ticket)? as usize;
        let slot = self.slots.get_mut(i)?;
        if slot.gone {
            return None;
        }
        slot.gone = true;
        self.waiting -= 1;
        let caller = slot.caller;
        self.drop_departed_at_head();
        Some(caller)
    }

    /// Drops the departed callers at the head: the head is then someone waiting, or nobody.
    fn drop_departed_at_head(&mut self) {
        while self.slots.front().is_some_and(|s| s.gone) {
            self.slots.pop_front();
            self.head_ticket += 1;
        }
        self.head_arrival = self
            .slots
            .front()
            .map_or(f64::INFINITY, |s| s.caller.arrival);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arrival: f64) -> Caller {
        Caller {
            attempt: 0,
            arrival,
            handle: 1.0,
            interval: Some(0),
            customer: None,
            callback: false,
            reached: false,
        }
    }

    #[test]
    fn first_come_first_served_with_departures() {
        let mut q = WaitingLine::with_capacity(2);
        assert_eq!(q.head_arrival(), f64::INFINITY);
        let tickets: Vec<u64> = (0..5).map(|i| q.join(caller(i as f64))).collect();
        assert_eq!(tickets, vec![0, 1, 2, 3, 4]);
        assert_eq!(q.head_arrival(), 0.0);
        assert_eq!(q.leave(2).map(|c| c.arrival), Some(2.0));
        assert_eq!(q.leave(2).map(|c| c.arrival), None, "leaving twice");
        assert_eq!(q.len(), 4);
        assert_eq!(q.take_first().map(|c| c.arrival), Some(0.0));
        assert!(!q.is_waiting(0), "answered");
        assert_eq!(q.take_first().map(|c| c.arrival), Some(1.0));
        // ticket 2 left, so the head is now ticket 3
        assert_eq!(q.head_arrival(), 3.0);
        assert_eq!(q.head(), Some((3, 3.0)));
        assert_eq!(q.take_first().map(|c| c.arrival), Some(3.0));
        assert!(q.leave(1).is_none(), "stale timer of an answered caller");
        assert!(q.is_waiting(4));
        assert_eq!(
            q.next_after(0),
            Some((4, 4.0)),
            "answered and departed are skipped"
        );
        assert_eq!(q.next_after(4), None);
        assert_eq!(q.leave(4).map(|c| c.arrival), Some(4.0));
        assert!(q.is_empty());
        assert_eq!(q.head_arrival(), f64::INFINITY);
        assert_eq!(q.head(), None);
        assert!(q.take_first().is_none());
        assert_eq!(q.join(caller(9.0)), 5);
    }
}
