//! What a policy change changes (SPEC §10): the actions of each ticket under two rules
//! files, compared.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{Action, Kind};
use crate::ticket::Channel;

/// The parts of an action a policy change can change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    pub id: String,
    pub kind: Kind,
    pub due: NaiveDate,
    pub contact: NaiveDate,
    /// The suggested time as written (RFC 3339 in the customer's offset): the same
    /// instant in another zone is a change.
    pub suggested: String,
    pub channel: Option<Channel>,
    pub assignee: String,
}

impl Side {
    pub fn of(a: &Action) -> Side {
        Side {
            id: a.id(),
            kind: a.kind,
            due: a.due_date,
            contact: a.contact_date,
            suggested: crate::time::rfc3339_in(a.suggested_at, a.timezone),
            channel: a.channel,
            assignee: a.assignee.to_string(),
        }
    }
}

/// How an action differs between the two policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Only the other policy has it.
    Added,
    /// Only this policy has it.
    Removed,
    /// Its due or contact date differs.
    Moved,
    /// Its time, channel or assignee differs.
    Changed,
}

impl Change {
    pub const ALL: [Change; 4] = [
        Change::Added,
        Change::Removed,
        Change::Moved,
        Change::Changed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Moved => "moved",
            Change::Changed => "changed",
        }
    }
}

/// One action that differs, with both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub ticket_id: String,
    pub change: Change,
    pub left: Option<Side>,
    pub right: Option<Side>,
}

/// Every action that differs, ticket by ticket in id order; within a ticket, this
/// policy's actions in their order, then those only the other has.
pub fn diff(
    left: &BTreeMap<String, Vec<Side>>,
    right: &BTreeMap<String, Vec<Side>>,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let ids: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    let none = Vec::new();
    for id in ids {
        let (a, b) = (
            left.get(id).unwrap_or(&none),
            right.get(id).unwrap_or(&none),
        );
        let mut push = |change, l: Option<&Side>, r: Option<&Side>| {
            out.push(Difference {
                ticket_id: id.clone(),
                change,
                left: l.cloned(),
                right: r.cloned(),
            })
        };
        for x in a {
            match b.iter().find(|y| y.id == x.id) {
                None => push(Change::Removed, Some(x), None),
                Some(y) if y != x => {
                    let change = if y.due != x.due || y.contact != x.contact {
                        Change::Moved
                    } else {
                        Change::Changed
                    };
                    push(change, Some(x), Some(y));
                }
                Some(_) => {}
            }
        }
        for y in b.iter().filter(|y| !a.iter().any(|x| x.id == y.id)) {
            push(Change::Added, None, Some(y));
        }
    }
    out
}
