//! The agents of one group during a replication: the shared [`AgentPool`] counters (staffing,
//! free, busy, overtime after close) plus the order in which the free agents fell idle, so
//! that "the longest-idle agent" is found in O(1) without looking at agents one by one.

use crate::model::agents::AgentPool;

/// One agent group at work.
#[derive(Debug)]
pub struct GroupState {
    /// Staffed, free and busy agents.
    pub pool: AgentPool,
    /// When each free agent fell idle (seconds), longest idle first; one entry per free agent.
    idle_since: IdleOrder,
}

impl GroupState {
    /// A group with room for `max_agents` idle agents before it reallocates.
    pub fn with_capacity(max_agents: usize) -> Self {
        GroupState {
            pool: AgentPool::default(),
            idle_since: IdleOrder::with_capacity(max_agents),
        }
    }

    /// Since when the longest-idle free agent has been idle (seconds); `None` if none is free.
    #[inline]
    pub fn longest_idle_since(&self) -> Option<f64> {
        self.idle_since.front()
    }

    /// The longest-idle free agent takes a call. Returns false when nobody is free.
    #[inline]
    pub fn seize(&mut self) -> bool {
        if !self.pool.seize() {
            return false;
        }
        self.idle_since.pop_front();
        true
    }

    /// An agent ends a call at `t`; true when they go straight on to a waiting call
    /// (`call_waiting`), see [`AgentPool::end_call`].
    #[inline]
    pub fn end_call(&mut self, t: f64, call_waiting: bool) -> bool {
        let takes_next = self.pool.end_call(call_waiting);
        // the free agents are one more (this one, idle from `t`) or as many as before
        if self.pool.free() as usize > self.idle_since.len() {
            self.idle_since.push_back(t);
        }
        takes_next
    }

    /// New staffing at `t` (an interval starts): arriving agents are idle from `t`; leaving
    /// free agents are the most recently idle ones.
    pub fn set_target(&mut self, t: f64, agents: u32) {
        self.pool.set_target(agents);
        let free = self.pool.free() as usize;
        while self.idle_since.len() < free {
            self.idle_since.push_back(t);
        }
        self.idle_since.truncate(free);
    }

    /// Closing time: free agents go home.
    pub fn close(&mut self) {
        self.pool.close();
        self.idle_since.truncate(0);
    }
}

/// Times in the order they were added, taken from the front: a ring buffer whose capacity
/// is a power of two, so that a position wraps with one mask (a group's free agents change
/// at every call: this is on the path of every answered call).
#[derive(Debug)]
struct IdleOrder {
    /// The ring; its length is a power of two.
    ring: Vec<f64>,
    /// Position of the front in `ring`.
    head: usize,
    len: usize,
}

impl IdleOrder {
    fn with_capacity(capacity: usize) -> Self {
        IdleOrder {
            ring: vec![0.0; capacity.max(1).next_power_of_two()],
            head: 0,
            len: 0,
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn front(&self) -> Option<f64> {
        (self.len > 0).then(|| self.ring[self.head])
    }

    #[inline]
    fn pop_front(&mut self) {
        if self.len > 0 {
            self.head = (self.head + 1) & (self.ring.len() - 1);
            self.len -= 1;
        }
    }

    #[inline]
    fn push_back(&mut self, t: f64) {
        if self.len == self.ring.len() {
            self.grow();
        }
        let mask = self.ring.len() - 1;
        self.ring[(self.head + self.len) & mask] = t;
        self.len += 1;
    }

    /// Keeps the first `len` times.
    #[inline]
    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Twice the room, the times kept in order from position 0.
    #[cold]
    fn grow(&mut self) {
        let mask = self.ring.len() - 1;
        let mut ring = vec![0.0; self.ring.len() * 2];
        for (i, slot) in ring.iter_mut().take(self.len).enumerate() {
            *slot = self.ring[(self.head + i) & mask];
        }
        self.ring = ring;
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_idle_agent_is_at_the_front() {
        let mut g = GroupState::with_capacity(4);
        g.set_target(0.0, 2);
        assert_eq!(g.longest_idle_since(), Some(0.0));
        assert!(g.seize() && g.seize() && !g.seize());
        assert_eq!(g.longest_idle_since(), None);
        assert!(!g.end_call(5.0, false));
        assert!(!g.end_call(7.0, false));
        assert_eq!(g.longest_idle_since(), Some(5.0));
        assert!(g.seize());
        assert_eq!(g.longest_idle_since(), Some(7.0));
        g.set_target(8.0, 3); // one busy, one idle since 7, one arrives at 8
        assert_eq!(g.pool.free(), 2);
        g.set_target(9.0, 2); // the most recently idle leaves
        assert_eq!(g.longest_idle_since(), Some(7.0));
        assert_eq!(g.pool.free(), 1);
        g.close();
        assert_eq!((g.pool.free(), g.longest_idle_since()), (0, None));
    }

    /// Against a `VecDeque`: pushes past the first capacity, wrapping, truncation.
    #[test]
    fn the_idle_order_is_a_queue() {
        use std::collections::VecDeque;
        let mut ring = IdleOrder::with_capacity(3);
        let mut model = VecDeque::new();
        for i in 0..200 {
            let t = i as f64;
            match i % 7 {
                0 | 2 | 4 | 5 => {
                    ring.push_back(t);
                    model.push_back(t);
                }
                1 | 3 => {
                    ring.pop_front();
                    model.pop_front();
                }
                _ => {
                    let keep = model.len() * 2 / 3;
                    ring.truncate(keep);
                    model.truncate(keep);
                }
            }
            assert_eq!(ring.len(), model.len());
            assert_eq!(ring.front(), model.front().copied());
        }
    }
}
