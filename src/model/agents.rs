//! The agent pool: how many agents are staffed, free and busy.
//!
//! Agents of one group are interchangeable, so the pool is three counters. When staffing drops
//! at an interval boundary, free agents leave at once and busy ones finish the call in hand
//! first. After close, agents keep taking waiting callers until the line is empty (overtime)
//! and then leave.

/// Agents of one group.
#[derive(Debug, Clone, Default)]
pub struct AgentPool {
    target: u32,
    free: u32,
    busy: u32,
    closed: bool,
}

impl AgentPool {
    /// Agents idle and ready to answer.
    #[inline]
    pub fn free(&self) -> u32 {
        self.free
    }

    /// Agents on a call.
    #[inline]
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Agents present: free plus busy (busy ones include those finishing after their shift).
    #[inline]
    pub fn present(&self) -> u32 {
        self.free + self.busy
    }

    /// Sets the staffing for a new interval: agents arrive, or free agents leave at once
    /// (busy ones leave when their call ends).
    pub fn set_target(&mut self, agents: u32) {
        self.target = agents;
        let present = self.present();
        if present > agents {
            self.free -= self.free.min(present - agents);
        } else {
            self.free += agents - present;
        }
    }

    /// Closing time: idle agents go home; busy ones serve the waiting callers, then leave.
    pub fn close(&mut self) {
        self.closed = true;
        self.target = 0;
        self.free = 0;
    }

    /// A free agent takes a call. Returns false when nobody is free.
    #[inline]
    pub fn seize(&mut self) -> bool {
        if self.free == 0 {
            return false;
        }
        self.free -= 1;
        self.busy += 1;
        true
    }

    /// An agent ends a call. Returns true when that agent goes straight on to the next waiting
    /// caller (`caller_waiting`); otherwise the agent becomes free, or leaves because the shift
    /// is over.
    #[inline]
    pub fn end_call(&mut self, caller_waiting: bool) -> bool {
        self.busy -= 1;
        let stays = if self.closed {
            caller_waiting
        } else {
            self.present() < self.target
        };
        if !stays {
            return false;
        }
        if caller_waiting {
            self.busy += 1;
            true
        } else {
            self.free += 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staffing_drops_let_calls_finish() {
        let mut p = AgentPool::default();
        p.set_target(3);
        assert!(p.seize() && p.seize());
        p.set_target(1); // one free leaves at once, one busy must go later
        assert_eq!((p.free(), p.busy()), (0, 2));
        assert!(
            !p.end_call(true),
            "excess agent leaves even with callers waiting"
        );
        assert_eq!(p.present(), 1);
        assert!(
            p.end_call(true),
            "the remaining agent takes the next caller"
        );
        assert!(!p.end_call(false));
        assert_eq!((p.free(), p.busy()), (1, 0));
    }

    #[test]
    fn staffing_rises_and_closing_serves_the_line() {
        let mut p = AgentPool::default();
        p.set_target(1);
        assert!(p.seize());
        p.set_target(4);
        assert_eq!((p.free(), p.busy()), (3, 1));
        assert!(p.seize());
        p.close();
        assert_eq!(p.present(), 2);
        assert!(p.end_call(true), "overtime: serve the waiting caller");
        assert!(!p.end_call(false), "nobody waiting: go home");
        assert!(!p.end_call(false));
        assert_eq!(p.present(), 0);
    }
}
