//! Event logs (`dedupe = "last"`): the newest row of each ticket wins, by `updated_at`,
//! then by order in the file.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use compact_str::CompactString;

use crate::ticket::{State, Ticket};

/// An event log's newest row of an id: when the id first came, the newest time, and the
/// ticket unless it is closed.
pub(super) type Latest = (u64, DateTime<Utc>, Option<Box<Ticket>>);

/// The newest row of each id read so far.
#[derive(Default)]
pub(super) struct Newest {
    by_id: HashMap<CompactString, Latest>,
    order: u64,
}

impl Newest {
    /// `dedupe = "last"`: keeps the newest row of each id.
    pub(super) fn keep(&mut self, ticket: Box<Ticket>) {
        self.order += 1;
        let order = self.order;
        let newest = ticket.updated_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
        // Closed and canceled tickets plan nothing: only their time is kept, so memory
        // follows the tickets still open, not the rows read.
        let done = matches!(ticket.state, State::Closed | State::Canceled);
        let id = ticket.id.clone();
        let keep = (!done).then_some(ticket);
        match self.by_id.get_mut(&id) {
            Some(slot) => {
                if newest >= slot.1 {
                    slot.1 = newest;
                    slot.2 = keep;
                }
            }
            None => {
                self.by_id.insert(id, (order, newest, keep));
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
