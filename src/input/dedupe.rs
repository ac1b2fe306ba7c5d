//! Event logs (`dedupe = "last"`): the newest row of each ticket wins, by `updated_at`,
//! then by order in the file.

use std::collections::HashMap;

use compact_str::CompactString;

use super::record::Updated;
use crate::ticket::{State, Ticket};

/// An event log's newest row of an id: when the id first came, when the newest row was
/// updated, and its ticket unless it is closed, canceled or rejected.
pub(super) type Latest = (u64, Updated, Option<Box<Ticket>>);

/// The newest row of each id read so far.
#[derive(Default)]
pub(super) struct Newest {
    by_id: HashMap<CompactString, Latest>,
    order: u64,
}

impl Newest {
    /// `dedupe = "last"`: keeps the newest row of each id.
    pub(super) fn keep(&mut self, ticket: Box<Ticket>) {
        let newest = ticket.updated_at.map_or(Updated::Absent, Updated::At);
        // Closed and canceled tickets plan nothing: only their time is kept, so memory
        // follows the tickets still open, not the rows read.
        let done = matches!(ticket.state, State::Closed | State::Canceled);
        let id = ticket.id.clone();
        self.newer(id, newest, (!done).then_some(ticket));
    }

    /// A rejected row of an id: when it is the newest, the ticket is not planned at all. A
    /// row whose `updated_at` does not read may be the newest, so it counts as the newest.
    pub(super) fn rejected(&mut self, id: &str, updated: Updated) {
        self.newer(id.into(), updated, None);
    }

    /// A row of `id` updated at `newest`: it wins over the rows before it unless they are
    /// newer (a later row wins a tie, as the file order goes).
    fn newer(&mut self, id: CompactString, newest: Updated, keep: Option<Box<Ticket>>) {
        self.order += 1;
        match self.by_id.get_mut(&id) {
            Some(slot) => {
                if newest >= slot.1 {
                    slot.1 = newest;
                    slot.2 = keep;
                }
            }
            None => {
                self.by_id.insert(id, (self.order, newest, keep));
            }
        }
    }

    /// The newest row of each id not closed or canceled, in the order the ids first
    /// appeared.
    #[allow(clippy::vec_box)]
    pub(super) fn take(&mut self) -> Vec<Box<Ticket>> {
        let mut latest: Vec<_> = self
            .by_id
            .drain()
            .filter_map(|(_, (order, _, t))| Some((order, t?)))
            .collect();
        latest.sort_by_key(|(order, _)| *order);
        latest.into_iter().map(|(_, t)| t).collect()
    }
}
