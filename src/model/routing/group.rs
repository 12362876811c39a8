//! The agents of one group during a replication: the shared [`AgentPool`] counters (staffing,
//! free, busy, overtime after close) plus the order in which the free agents fell idle, so
//! that "the longest-idle agent" is found in O(1) without looking at agents one by one.

use crate::model::agents::AgentPool;
use std::collections::VecDeque;

/// One agent group at work.
#[derive(Debug)]
pub struct GroupState {
    /// Staffed, free and busy agents.
    pub pool: AgentPool,
    /// When each free agent fell idle (seconds), longest idle first; one entry per free agent.
    idle_since: VecDeque<f64>,
}

impl GroupState {
    /// A group with room for `max_agents` idle agents before it reallocates.
    pub fn with_capacity(max_agents: usize) -> Self {
        GroupState {
            pool: AgentPool::default(),
            idle_since: VecDeque::with_capacity(max_agents),
        }
    }

    /// Since when the longest-idle free agent has been idle (seconds); `None` if none is free.
    #[inline]
    pub fn longest_idle_since(&self) -> Option<f64> {
        self.idle_since.front().copied()
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
        self.sync(t);
        takes_next
    }

    /// New staffing at `t` (an interval starts): arriving agents are idle from `t`; leaving
    /// free agents are the most recently idle ones.
    pub fn set_target(&mut self, t: f64, agents: u32) {
        self.pool.set_target(agents);
        self.sync(t);
    }

    /// Closing time: free agents go home.
    pub fn close(&mut self) {
        self.pool.close();
        self.idle_since.clear();
    }

    /// Brings the idle order in line with the pool's count of free agents.
    #[inline]
    fn sync(&mut self, t: f64) {
        let free = self.pool.free() as usize;
        while self.idle_since.len() < free {
            self.idle_since.push_back(t);
        }
        self.idle_since.truncate(free);
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
}
