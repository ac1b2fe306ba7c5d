//! Where a record is in its source, and what parsing it gave: the pieces every reader and
//! parser shares.

use compact_str::CompactString;

use super::Reject;
use crate::ticket::{Field, Ticket};

/// Where a reject sorts: source, then record. Rows parsed on several threads still list
/// their rejects in file order.
pub(super) type Key = (usize, u64);

/// Where a row is, for rejects.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) source: &'a str,
    pub(super) seq: usize,
    pub(super) line: Option<u64>,
    pub(super) record: u64,
}

impl<'a> At<'a> {
    pub(super) fn key(&self) -> Key {
        (self.seq, self.record)
    }

    pub(super) fn reject(
        &self,
        id: Option<&str>,
        field: &str,
        value: &str,
        reason: impl Into<String>,
    ) -> Reject {
        Reject {
            source: self.source.to_string(),
            line: self.line,
            record: self.record,
            ticket_id: id.map(str::to_string),
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// One record parsed: where it was, its id (for the repeat check, made in reading order)
/// and the ticket, or why not.
pub(super) struct Outcome {
    pub(super) line: Option<u64>,
    pub(super) record: u64,
    pub(super) id: Option<CompactString>,
    pub(super) ticket: Result<Box<Ticket>, Box<Reject>>,
    /// JSON records: the required fields it has no key for.
    pub(super) lacks: Lacks,
    /// A rejected row of an event log: when it was updated, so that a rejected newest row
    /// keeps its ticket from being planned from an older one.
    pub(super) updated: Updated,
}

/// Per required field, whether a JSON record has no key for it; `None` for a record that is
/// not an object (or a CSV row, whose header was checked).
pub(super) type Lacks = Option<[bool; Field::REQUIRED.len()]>;

/// When a row was updated, for the newest-row rule of event logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Updated {
    /// No `updated_at`: the file order decides.
    Absent,
    At(chrono::DateTime<chrono::Utc>),
    /// An `updated_at` that does not read: it may be the newest.
    Unreadable,
}
