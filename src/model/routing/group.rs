//! The free agents of the groups that share one set of skills, in the order the routing
//! policy picks them.
//!
//! Groups whose skills are the same (the same call types, at the same ranks and delays) are
//! offered every call together. Their free agents wait in one [`IdleAgents`] order, each
//! agent carrying its group, so that "the longest-idle agent of the groups of the best rank"
//! is the front of one order instead of a comparison between groups at every call. Each
//! group still has its own [`AgentPool`](crate::model::agents::AgentPool) counters (its
//! staffing, free and busy agents), and every statistic stays per group.

/// One free agent: idle since `since` (seconds), of group `group`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Idle {
    since: f64,
    group: u32,
}

impl Idle {
    /// True when this agent comes before `other` in the idle order: idle longer, or as long
    /// and of a group earlier in the file.
    #[inline(always)]
    fn before(&self, other: &Idle) -> bool {
        self.since < other.since || (self.since == other.since && self.group < other.group)
    }
}

/// The free agents of one or more groups with the same skills, ordered by (idle since, group
/// number): the front is the agent the policy "longest idle" takes among them, a tie going to
/// the group first in the file. One entry per free agent.
///
/// A ring whose capacity is a power of two, so that a position wraps with one mask (this is
/// on the path of every answered call). Taking a free agent of a group named in advance (a
/// group put to work as a whole, staffing leaving, closing time) looks for its entries: that
/// happens at interval boundaries and rarely otherwise, and the orders are short (the free
/// agents of a few groups).
#[derive(Debug)]
pub(crate) struct IdleAgents {
    /// The ring; its length is a power of two.
    ring: Vec<Idle>,
    /// Position of the front in `ring`.
    head: usize,
    len: usize,
}

impl IdleAgents {
    /// An empty order with room for `capacity` free agents before it reallocates.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let empty = Idle {
            since: 0.0,
            group: 0,
        };
        IdleAgents {
            ring: vec![empty; capacity.max(1).next_power_of_two()],
            head: 0,
            len: 0,
        }
    }

    /// Free agents in the order.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The entry at position `i` from the front (`i` < [`IdleAgents::len`]).
    #[inline(always)]
    fn at(&self, i: usize) -> &Idle {
        &self.ring[(self.head + i) & (self.ring.len() - 1)]
    }

    #[inline(always)]
    fn at_mut(&mut self, i: usize) -> &mut Idle {
        let mask = self.ring.len() - 1;
        &mut self.ring[(self.head + i) & mask]
    }

    /// True when the front agent of this order comes before the front agent of `other` (see
    /// [`IdleAgents`]); false when this order is empty, true when only `other` is.
    #[inline(always)]
    pub(crate) fn front_before(&self, other: &IdleAgents) -> bool {
        match (self.len, other.len) {
            (0, _) => false,
            (_, 0) => true,
            _ => self.at(0).before(other.at(0)),
        }
    }

    /// Since when the front agent has been idle (seconds), and their group.
    #[cfg(test)]
    pub(crate) fn front(&self) -> Option<(f64, u32)> {
        (self.len > 0).then(|| (self.at(0).since, self.at(0).group))
    }

    /// The front agent takes a call: their group, or `None` when nobody is free.
    #[inline(always)]
    pub(crate) fn pop_front(&mut self) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let group = self.at(0).group;
        self.head = (self.head + 1) & (self.ring.len() - 1);
        self.len -= 1;
        Some(group as usize)
    }

    /// An agent of `group` is free from `since` (seconds, no earlier than the agents already
    /// in the order, as time runs forward): it goes last, before the agents free since the
    /// same instant of groups later in the file.
    #[inline(always)]
    pub(crate) fn push(&mut self, since: f64, group: usize) {
        if self.len == self.ring.len() {
            self.grow();
        }
        let new = Idle {
            since,
            group: group as u32,
        };
        let mut i = self.len;
        self.len += 1;
        while i > 0 && new.before(self.at(i - 1)) {
            *self.at_mut(i) = *self.at(i - 1);
            i -= 1;
        }
        *self.at_mut(i) = new;
    }

    /// The longest-idle free agent of `group` takes a call; false when the group has none in
    /// the order.
    pub(crate) fn take_first_of(&mut self, group: usize) -> bool {
        match (0..self.len).find(|&i| self.at(i).group as usize == group) {
            Some(i) => {
                self.remove(i);
                true
            }
            None => false,
        }
    }

    /// Keeps `keep` free agents of `group`, its longest idle: the most recently idle ones
    /// leave (staffing falls).
    pub(crate) fn keep_of(&mut self, group: usize, keep: usize) {
        let mut seen = 0;
        self.retain(|idle| {
            let of_group = idle.group as usize == group;
            seen += usize::from(of_group);
            !of_group || seen <= keep
        });
    }

    /// Number of free agents of `group` in the order.
    #[cfg(test)]
    pub(crate) fn count_of(&self, group: usize) -> usize {
        (0..self.len)
            .filter(|&i| self.at(i).group as usize == group)
            .count()
    }

    /// Removes the entry at position `i` from the front, the later ones moving up.
    fn remove(&mut self, i: usize) {
        for j in i..self.len - 1 {
            *self.at_mut(j) = *self.at(j + 1);
        }
        self.len -= 1;
    }

    /// Keeps the entries for which `keep` is true, in order.
    fn retain(&mut self, mut keep: impl FnMut(&Idle) -> bool) {
        let mut kept = 0;
        for i in 0..self.len {
            let idle = *self.at(i);
            if keep(&idle) {
                *self.at_mut(kept) = idle;
                kept += 1;
            }
        }
        self.len = kept;
    }

    /// Twice the room, the entries kept in order from position 0.
    #[cold]
    fn grow(&mut self) {
        let mut ring = Vec::with_capacity(self.ring.len() * 2);
        ring.extend((0..self.len).map(|i| *self.at(i)));
        ring.resize(self.ring.len() * 2, self.ring[0]);
        self.ring = ring;
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_idle_agent_is_at_the_front_ties_to_the_first_group() {
        let mut idle = IdleAgents::with_capacity(2);
        idle.push(0.0, 1);
        idle.push(0.0, 0); // as long idle, a group earlier in the file: goes first
        idle.push(3.0, 0);
        idle.push(5.0, 1);
        assert_eq!(idle.front(), Some((0.0, 0)));
        assert_eq!(idle.pop_front(), Some(0));
        assert_eq!(idle.front(), Some((0.0, 1)));
        assert!(idle.take_first_of(0), "group 0's agent idle since 3");
        assert_eq!(idle.count_of(0), 0);
        assert!(!idle.take_first_of(0));
        assert_eq!(idle.pop_front(), Some(1));
        assert_eq!(idle.front(), Some((5.0, 1)));
        assert_eq!(idle.pop_front(), Some(1));
        assert_eq!(idle.pop_front(), None);
    }

    #[test]
    fn staffing_that_falls_sends_home_the_most_recently_idle() {
        let mut idle = IdleAgents::with_capacity(4);
        for (t, g) in [(1.0, 0), (2.0, 1), (3.0, 0), (4.0, 0), (5.0, 1)] {
            idle.push(t, g);
        }
        idle.keep_of(0, 1);
        assert_eq!((idle.count_of(0), idle.count_of(1)), (1, 2));
        assert_eq!(idle.front(), Some((1.0, 0)));
        idle.keep_of(1, 0);
        assert_eq!(idle.len(), 1);
        let mut other = IdleAgents::with_capacity(1);
        assert!(idle.front_before(&other) && !other.front_before(&idle));
        other.push(1.0, 3);
        assert!(idle.front_before(&other), "as long idle: group 0 first");
    }

    /// Against a sorted list of (since, group): pushes past the first capacity, wrapping,
    /// taking from the front and from the middle.
    #[test]
    fn the_order_is_by_idle_time_then_group() {
        let mut idle = IdleAgents::with_capacity(3);
        let mut model: Vec<(f64, usize)> = Vec::new();
        let mut t = 0.0;
        for i in 0..400usize {
            match i % 9 {
                0 | 2 | 4 | 5 | 7 => {
                    // several agents free at one instant, groups in any order
                    t += f64::from(u8::from(i % 4 == 0));
                    let g = (i * 7) % 5;
                    idle.push(t, g);
                    model.push((t, g));
                    model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                }
                1 | 6 => {
                    let expected = (!model.is_empty()).then(|| model.remove(0).1);
                    assert_eq!(idle.pop_front(), expected);
                }
                3 => {
                    let g = i % 5;
                    let expected = model.iter().position(|e| e.1 == g);
                    assert_eq!(idle.take_first_of(g), expected.is_some());
                    if let Some(at) = expected {
                        model.remove(at);
                    }
                }
                _ => {
                    let g = i % 5;
                    idle.keep_of(g, 1);
                    let mut seen = 0;
                    model.retain(|e| {
                        seen += usize::from(e.1 == g);
                        e.1 != g || seen <= 1
                    });
                }
            }
            assert_eq!(idle.len(), model.len());
            let listed: Vec<(f64, usize)> = (0..idle.len())
                .map(|i| (idle.at(i).since, idle.at(i).group as usize))
                .collect();
            assert_eq!(listed, model, "step {i}");
        }
    }
}
