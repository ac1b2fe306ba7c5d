//! Actions kept by their heads (`engine::Head`), made again from their tickets when they
//! are written. The engine is a pure function of (ticket, rules, now), so the action made
//! again is the action planned; each is checked against its head.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use compact_str::CompactString;

use super::Kept;
use crate::config::Rules;
use crate::engine::{self, Action, Head};
use crate::error::Failure;
use crate::ticket::Ticket;

/// The actions of a ticket that a plan keeps, onto `out`: planned and remade the same way.
/// `seen` notes the assignees of every action due, before the filters.
pub(super) fn due_kept(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    keep: &(dyn Fn(&Action) -> bool + Sync),
    out: &mut Vec<Action>,
    seen: Option<&mut BTreeSet<CompactString>>,
) {
    let before = out.len();
    engine::due_onto(t, rules, now, horizon, out);
    if let Some(seen) = seen {
        seen.extend(out[before..].iter().map(|a| a.assignee.clone()));
    }
    // Levelling counts every action of an agent's day, so filters apply after it.
    if !rules.levels() {
        engine::retain_from(out, before, keep);
    }
}

/// Makes the actions of a plan kept by their heads again (`Plan::heads`), as it planned them.
#[derive(Clone, Copy)]
pub struct Remake<'a> {
    pub rules: &'a Rules,
    pub now: DateTime<Utc>,
    pub horizon: DateTime<Utc>,
    pub keep: &'a (dyn Fn(&Action) -> bool + Sync),
}

impl Remake<'_> {
    /// The action `head` stands for, from its ticket.
    pub fn action(&self, head: &Head, ticket: &Kept) -> Result<Action, Failure> {
        let t = ticket.ticket().map_err(Failure::io)?;
        self.from_ticket(head, &t)
    }

    /// The action `head` stands for, from its ticket unpacked.
    pub fn from_ticket(&self, head: &Head, t: &Ticket) -> Result<Action, Failure> {
        let mut out = Vec::new();
        due_kept(
            t,
            self.rules,
            self.now,
            self.horizon,
            self.keep,
            &mut out,
            None,
        );
        let slot = head.slot();
        match out.into_iter().nth(slot) {
            Some(a) if Head::of(&a, slot) == *head => Ok(a),
            _ => Err(Failure::io(format!(
                "{}: planned again from its ticket, the action came out otherwise; this is a fault of followup, not of the export: please report it",
                head.id()
            ))),
        }
    }
}
