//! Trunk lines: a finite number of calls can be in the center at once (answered or waiting).
//! A caller who finds every line taken hears a busy signal: the attempt is *blocked*.
//!
//! With as many lines as agents (no room to wait) and no retrials this is the Erlang B loss
//! system. Callers who accepted a callback hung up, so they hold no line while they wait
//! for it.

/// The `[lines]` section: how many calls the center can hold at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lines {
    /// Calls in progress plus calls waiting, at most.
    pub capacity: u32,
}

impl Lines {
    /// True when a new call finds a free line, given the calls being talked (`talking`) and
    /// the callers holding in the queue (`holding`).
    #[inline]
    pub fn admits(&self, talking: u32, holding: usize) -> bool {
        (talking as usize + holding) < self.capacity as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_when_every_line_is_taken() {
        let lines = Lines { capacity: 5 };
        assert!(lines.admits(3, 1));
        assert!(!lines.admits(3, 2));
        assert!(!lines.admits(5, 0));
    }
}
