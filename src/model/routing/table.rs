//! A table with one entry per call type or per agent group, looked up without a bounds check.
//!
//! The router looks up a type's line and routes, and a group's agents and skills, several
//! times per call. Types and groups are numbered from 0 and there are at most
//! [`MAX_TYPES_OR_GROUPS`] (255) of each, so a fixed table of 256 entries indexed by the
//! number's low 8 bits holds them all, and the compiler needs no bounds check to look one up
//! (in the multi-skill benchmark the checks were 8 M of 244 M instructions). The entries past
//! the scenario's types or groups are fillers that are never read.

use super::MAX_TYPES_OR_GROUPS;
use std::ops::{Index, IndexMut};

/// Entries in every table: one more than the largest type or group number.
const ENTRIES: usize = 256;
const _: () = assert!(MAX_TYPES_OR_GROUPS < ENTRIES);

/// One `T` per call type (or per agent group), numbered 0 to [`MAX_TYPES_OR_GROUPS`] − 1.
#[derive(Debug, Clone)]
pub(crate) struct Table<T>(Box<[T; ENTRIES]>);

impl<T> Table<T> {
    /// The table of `items` (entry `i` is the `i`-th item), the entries after them `filler`.
    ///
    /// # Panics
    /// With more than [`MAX_TYPES_OR_GROUPS`] items (validation refuses such scenarios).
    pub(crate) fn new(items: impl IntoIterator<Item = T>, filler: impl FnMut() -> T) -> Self {
        let mut entries: Vec<T> = items.into_iter().collect();
        assert!(
            entries.len() <= MAX_TYPES_OR_GROUPS,
            "at most {MAX_TYPES_OR_GROUPS} call types or agent groups, got {}",
            entries.len()
        );
        entries.resize_with(ENTRIES, filler);
        match entries.into_boxed_slice().try_into() {
            Ok(entries) => Table(entries),
            Err(_) => unreachable!("resized to {ENTRIES} entries"),
        }
    }

    /// The entries of the first `n` types (or groups).
    pub(crate) fn first(&self, n: usize) -> &[T] {
        &self.0[..n]
    }
}

impl<T> Index<usize> for Table<T> {
    type Output = T;

    /// The entry of type (or group) `i`.
    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        debug_assert!(i < MAX_TYPES_OR_GROUPS, "type or group {i}");
        &self.0[i & (ENTRIES - 1)]
    }
}

impl<T> IndexMut<usize> for Table<T> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        debug_assert!(i < MAX_TYPES_OR_GROUPS, "type or group {i}");
        &mut self.0[i & (ENTRIES - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_the_items_then_fillers() {
        let mut table = Table::new([10, 11, 12], || 0);
        assert_eq!((table[0], table[1], table[2], table[3]), (10, 11, 12, 0));
        table[254] = 7;
        assert_eq!(table[254], 7);
        assert_eq!(table.first(2), [10, 11]);
        let most = Table::new(0..MAX_TYPES_OR_GROUPS, || usize::MAX);
        assert_eq!(most[MAX_TYPES_OR_GROUPS - 1], MAX_TYPES_OR_GROUPS - 1);
    }

    #[test]
    #[should_panic(expected = "at most 255")]
    fn more_items_than_types_or_groups_are_refused() {
        Table::new(0..=MAX_TYPES_OR_GROUPS, || 0);
    }
}
