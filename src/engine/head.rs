//! An action's head: what orders, counts, names and records it, under a third of its
//! memory. A night's outputs keep the heads of its actions and make each action again from
//! its ticket when it is written (`pipeline::Remake`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use compact_str::CompactString;

use super::{Action, Kind};
use crate::ticket::Channel;

/// What the outputs of a night need of an action before it is made again: its order
/// (SPEC §7), its kind, its assignee, its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub ticket_id: CompactString,
    pub assignee: CompactString,
    pub suggested_at: DateTime<Utc>,
    pub due_date: NaiveDate,
    pub step: u32,
    pub kind: Kind,
    /// The assignee's hours never meet the customer's windows (`Reason::outside_hours`).
    pub outside_hours: bool,
    /// For its ledger entry.
    pub timezone: Tz,
    pub channel: Option<Channel>,
    /// Which of its ticket's actions kept it is, in planning order.
    slot: u16,
}

impl Head {
    pub fn of(a: &Action, slot: usize) -> Head {
        Head {
            ticket_id: a.ticket_id.clone(),
            assignee: a.assignee.clone(),
            suggested_at: a.suggested_at,
            due_date: a.due_date,
            step: a.step,
            kind: a.kind,
            outside_hours: a.reason.outside_hours,
            timezone: a.timezone,
            channel: a.channel,
            slot: u16::try_from(slot).unwrap_or(u16::MAX),
        }
    }

    /// Which of its ticket's actions kept it is.
    pub fn slot(&self) -> usize {
        usize::from(self.slot)
    }

    pub fn id(&self) -> String {
        super::action_id(&self.ticket_id, self.kind, self.step)
    }
}

/// The keys the order of SPEC §7 compares.
pub trait Ordered {
    fn sort_key(&self) -> (NaiveDate, DateTime<Utc>, &str, Kind, u32);
}

impl Ordered for Action {
    fn sort_key(&self) -> (NaiveDate, DateTime<Utc>, &str, Kind, u32) {
        Action::sort_key(self)
    }
}

impl Ordered for Head {
    fn sort_key(&self) -> (NaiveDate, DateTime<Utc>, &str, Kind, u32) {
        (
            self.due_date,
            self.suggested_at,
            &self.ticket_id,
            self.kind,
            self.step,
        )
    }
}
