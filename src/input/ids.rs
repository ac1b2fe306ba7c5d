//! The set of ticket ids read so far, for the repeat check of `dedupe = "reject"`.

/// Bits of an id's start kept per id (few in tests, so that they cover the rest).
#[cfg(not(test))]
pub(super) const WRAP: u32 = 32;
#[cfg(test)]
pub(super) const WRAP: u32 = 8;

/// A set of ticket ids in little memory: the ids' bytes in one buffer, the table holding
/// the number of each. Exact, unlike a set of hashes. While the ids come in ascending order
/// (by length, then bytes), as exports sorted by ticket number do, a new id is only compared
/// with the last and the table waits: it is built from the ids read once one comes out of
/// order. A table of a million ids costs a cache miss or two per id.
pub(super) struct Ids {
    pub(super) bytes: Vec<u8>,
    /// Where each id starts in `bytes`, modulo 2^WRAP; an id runs to the next one's start.
    pub(super) starts: Vec<u32>,
    /// The ids at which `starts` passed another 2^WRAP: what the low bits leave out.
    pub(super) wraps: Vec<usize>,
    pub(super) table: hashbrown::HashTable<u32>,
    /// Every id so far was greater than the one before; the table is empty.
    pub(super) ascending: bool,
    /// How many ids the input is expected to hold, to size the table.
    pub(super) expected: usize,
}

impl Default for Ids {
    fn default() -> Ids {
        Ids {
            bytes: Vec::new(),
            starts: Vec::new(),
            wraps: Vec::new(),
            table: hashbrown::HashTable::new(),
            ascending: true,
            expected: 0,
        }
    }
}

/// The parts of `Ids` an id is read from, borrowed apart from the table that changes.
pub(super) struct Spans<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) starts: &'a [u32],
    pub(super) wraps: &'a [usize],
}

impl<'a> Spans<'a> {
    pub(super) fn start(&self, i: usize) -> usize {
        let high = self.wraps.partition_point(|&w| w <= i);
        (high << WRAP) | self.starts[i] as usize
    }

    pub(super) fn get(&self, i: u32) -> &'a [u8] {
        let i = i as usize;
        let end = if i + 1 < self.starts.len() {
            self.start(i + 1)
        } else {
            self.bytes.len()
        };
        &self.bytes[self.start(i)..end]
    }
}

impl Ids {
    pub(super) fn spans(&self) -> Spans<'_> {
        Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        }
    }

    pub(super) fn hash(id: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// Room for `n` more ids.
    pub(super) fn reserve(&mut self, n: usize) {
        self.starts.reserve(n);
        if self.ascending {
            self.expected = self.starts.len() + n;
            return;
        }
        let spans = Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        };
        self.table.reserve(n, |&i| Ids::hash(spans.get(i)));
    }

    /// Adds an id; false when it was there already.
    pub(super) fn insert(&mut self, id: &str) -> bool {
        use std::cmp::Ordering;
        let id = id.as_bytes();
        if self.ascending {
            let last = self.starts.len().checked_sub(1).map(|n| {
                let last = self.spans().get(n as u32);
                (last.len(), last).cmp(&(id.len(), id))
            });
            match last {
                None | Some(Ordering::Less) => {
                    self.push(id);
                    return true;
                }
                Some(Ordering::Equal) => return false,
                Some(Ordering::Greater) => self.index(),
            }
        }
        let h = Ids::hash(id);
        let spans = self.spans();
        if self.table.find(h, |&i| spans.get(i) == id).is_some() {
            return false;
        }
        if let Some(n) = self.push(id) {
            let spans = Spans {
                bytes: &self.bytes,
                starts: &self.starts,
                wraps: &self.wraps,
            };
            self.table.insert_unique(h, n, |&i| Ids::hash(spans.get(i)));
        }
        true
    }

    /// Stores an id, and gives its number; none past four billion ids, far more than any
    /// export: then the set stops growing.
    pub(super) fn push(&mut self, id: &[u8]) -> Option<u32> {
        let n = u32::try_from(self.starts.len()).ok()?;
        let start = self.bytes.len();
        while start >> WRAP > self.wraps.len() {
            self.wraps.push(self.starts.len());
        }
        self.starts.push((start & ((1 << WRAP) - 1)) as u32);
        self.bytes.extend_from_slice(id);
        Some(n)
    }

    /// An id came out of order: from now on ids are found in the table, which gets every
    /// id read so far (all different, as they ascended).
    pub(super) fn index(&mut self) {
        self.ascending = false;
        let n = self.starts.len();
        let spans = Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        };
        self.table
            .reserve(self.expected.max(n + 1), |&i| Ids::hash(spans.get(i)));
        for i in 0..n as u32 {
            let id = spans.get(i);
            self.table
                .insert_unique(Ids::hash(id), i, |&j| Ids::hash(spans.get(j)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    pub(super) fn the_id_set_knows_each_id_exactly() {
        let mut ids = Ids::default();
        let all: Vec<String> = (0..50_000).map(|i| format!("INC{i:07}")).collect();
        for id in &all {
            assert!(ids.insert(id), "{id} is new");
        }
        for id in &all {
            assert!(!ids.insert(id), "{id} was read");
        }
        assert!(ids.wraps.len() > 1000, "starts passed 2^WRAP many times");
        // An id longer than 2^WRAP bytes, and the ids after it.
        let long = "x".repeat(700);
        assert!(ids.insert(&long) && ids.insert("after") && !ids.insert(&long));
        assert!(!ids.insert("after") && !ids.insert("INC0000007"));
        // Prefixes and extensions of known ids are other ids.
        for id in ["INC000001", "INC00000011", "", "inc0000001"] {
            assert!(ids.insert(id), "{id:?} is new");
        }
        assert!(!ids.insert(""));
    }

    proptest::proptest! {
        /// Ascending runs, repeats within them, ids out of order after them: the set agrees
        /// with a `HashSet`.
        #[test]
        fn the_id_set_agrees_with_a_hash_set(
            mut all in proptest::collection::vec("[ab]{0,3}", 0..200),
            sorted in 0usize..200,
            reserve in 0usize..300,
        ) {
            let k = sorted.min(all.len());
            all[..k].sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            let mut ids = Ids::default();
            ids.reserve(reserve);
            let mut want = std::collections::HashSet::new();
            for id in &all {
                proptest::prop_assert_eq!(ids.insert(id), want.insert(id.clone()), "{}", id);
            }
        }
    }
}
