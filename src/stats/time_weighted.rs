//! Time-weighted averages of a level that changes at events (busy agents, staffed agents,
//! callers waiting).

/// Integrates a piecewise-constant level over time: the area under it, in level × seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeWeighted {
    level: f64,
    since: f64,
    area: f64,
}

impl TimeWeighted {
    /// Starts at `level` at time `now` (seconds) with no area yet.
    pub fn new(now: f64, level: f64) -> Self {
        TimeWeighted {
            level,
            since: now,
            area: 0.0,
        }
    }

    /// The level changes to `level` at `now`; the area up to `now` is added first.
    #[inline]
    pub fn set(&mut self, now: f64, level: f64) {
        self.area += self.level * (now - self.since);
        self.since = now;
        self.level = level;
    }

    /// The level now, and the time (seconds) it was last set.
    pub fn level_since(&self) -> (f64, f64) {
        (self.level, self.since)
    }

    /// Returns the area since the last take, up to `now`, and starts a new accumulation there
    /// (keeps the level). Used to close one interval and open the next.
    pub fn take_area(&mut self, now: f64) -> f64 {
        self.set(now, self.level);
        std::mem::take(&mut self.area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_steps() {
        let mut tw = TimeWeighted::new(10.0, 2.0);
        tw.set(12.0, 5.0); // 2 × 2
        tw.set(13.0, 0.0); // 5 × 1
        assert_eq!(tw.take_area(20.0), 9.0);
        tw.set(21.0, 3.0); // 0 × 1
        assert_eq!(tw.take_area(23.0), 6.0);
    }
}
