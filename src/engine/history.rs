//! What an action, once issued and done, does to its ticket: the one place both the
//! forecast (every action done on its contact date, no reply) and the ledger of `run`
//! (actions issued by earlier runs, for exports that never record them) take it from.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Action, Detail, Kind, strike_anchor};
use crate::ticket::{DateOrTime, State, Ticket};

/// What a done action changes on its ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// A contact attempt: the `number`th unanswered one since the customer last replied.
    Attempt { number: u32 },
    /// Resolved, with the status the resolution sets.
    Resolved { status: std::sync::Arc<str> },
    /// Put on hold until the reactivation date.
    Held { until: NaiveDate },
    /// A follow-up done.
    FollowedUp,
    /// Nothing the ticket records (an internal alert).
    Nothing,
}

impl Effect {
    /// The effect of an action done as planned.
    pub fn of(a: &Action) -> Effect {
        match &a.detail {
            Detail::Strike { .. } => Effect::Attempt { number: a.step },
            Detail::Resolve(r) => Effect::Resolved {
                status: r.status.clone(),
            },
            Detail::Hold {
                reactivation_date, ..
            } => Effect::Held {
                until: *reactivation_date,
            },
            Detail::CheckIn { .. } => Effect::FollowedUp,
            Detail::None => Effect::Nothing,
        }
    }
}

/// Applies an effect done at `at`.
pub fn apply(t: &mut Ticket, effect: &Effect, at: DateTime<Utc>) {
    match effect {
        Effect::Attempt { number } => {
            t.attempts = Some(*number);
            t.last_attempt_at = Some(at);
        }
        Effect::Resolved { status } => {
            t.state = State::Resolved;
            t.status = (**status).into();
            t.resolved_at = Some(at);
        }
        Effect::Held { until } => t.reactivation_at = Some(DateOrTime::Date(*until)),
        Effect::FollowedUp => t.last_followup_at = Some(at),
        Effect::Nothing => {}
    }
}

/// An action an earlier run issued: its id, kind, and when it was made.
pub struct Issued<'a> {
    pub action_id: &'a str,
    pub kind: Kind,
    /// The due date it was planned for.
    pub due: NaiveDate,
    pub at: DateTime<Utc>,
    /// The channel it went out by first.
    pub channel: Option<crate::ticket::Channel>,
}

/// Supplies what an export without attempt or follow-up columns cannot say (SPEC §8):
/// strikes issued since the anchor count as attempts made (a reply after them restarts the
/// count), and check-ins issued count as follow-ups done.
pub fn recall(t: &mut Ticket, issued: &[Issued<'_>]) {
    if t.state == State::AwaitingCustomer && t.attempts.is_none() && t.last_attempt_at.is_none() {
        let (_, anchor) = strike_anchor(t);
        let mut strikes: Vec<(&str, NaiveDate, DateTime<Utc>, _)> = issued
            .iter()
            .filter(|e| e.kind == Kind::Strike && e.at > anchor)
            .map(|e| (e.action_id, e.due, e.at, e.channel))
            .collect();
        strikes.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        strikes.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        if let Some(last) = strikes.iter().map(|s| s.2).max() {
            let number = strikes.len() as u32;
            apply(t, &Effect::Attempt { number }, last);
            // Each attempt's day and channel, for the resolution note.
            strikes.sort_by_key(|s| s.2);
            t.attempt_log = strikes.iter().map(|s| (s.1, s.3)).collect();
        }
    }
    if t.last_followup_at.is_none()
        && let Some(last) = issued
            .iter()
            .filter(|e| matches!(e.kind, Kind::CheckIn | Kind::OwnerFollowUp))
            .map(|e| e.at)
            .max()
    {
        apply(t, &Effect::FollowedUp, last);
    }
}
