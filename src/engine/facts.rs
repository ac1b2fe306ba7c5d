//! What the engine computed on the way to a ticket's actions, for `explain`: each value and
//! what it came from, as data (`output::explain` writes them as sentences).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::DayWhy;
use crate::ticket::{Channel, Channels, Field, State};
use crate::time::Span;

/// One value computed for a ticket, and why it is what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// The zone the ticket's dates are counted in.
    Timezone { tz: Tz, from_ticket: bool },
    /// The business calendar.
    Calendar { name: String, from_ticket: bool },
    /// The customer's local date of `now`.
    Today {
        date: NaiveDate,
        now: DateTime<Utc>,
        tz: Tz,
    },
    /// The strike process counts from here (SPEC §4.1).
    Anchor {
        at: DateTime<Utc>,
        date: NaiveDate,
        field: Field,
        /// Whether the ticket gives `awaiting_since`.
        awaiting_given: bool,
    },
    /// Unanswered attempts counted.
    Attempts {
        k: u32,
        recorded: u32,
        restarted: bool,
        /// The export records no attempts at all.
        absent: bool,
    },
    /// The next date of the strike process, before any move.
    NextDate { date: NaiveDate, rule: NextRule },
    /// The next date moved to the ticket's later reactivation date.
    Reactivated {
        date: NaiveDate,
        reactivation: NaiveDate,
    },
    /// The next date moved past the customer's return.
    Away {
        date: NaiveDate,
        until: NaiveDate,
        after_bd: u32,
    },
    /// The customer is away, but back before the next date.
    AwayEnds { until: NaiveDate, next: NaiveDate },
    /// No hold is needed: the reactivation date is set already, or the customer is back.
    NoHold { already: Option<NaiveDate> },
    /// The channels of the strike due.
    Channels {
        channels: Channels,
        /// The ladder row used: the origin's own, or `default` (`None`).
        row: Option<Channel>,
        step: u32,
        /// Phone left out: a portal customer who did not ask for a call.
        portal_dropped: bool,
    },
    /// No `[types.default]`: no follow-ups by type.
    NoTypes,
    /// The ticket's type as the rules resolve it.
    Type {
        name: String,
        /// The export's own type value, when it gives one.
        given: Option<String>,
    },
    /// No check-ins in this state.
    NoCheckIns { state: State },
    /// Earlier steps due and not done, superseded by `by`.
    Missed {
        steps: Vec<(u32, NaiveDate)>,
        by: u32,
    },
    /// A step, and what became of it.
    Step { n: u32, outcome: StepOutcome },
    /// Recurring check-ins apply to open and on-hold accounts only.
    NoRecurring { state: State },
    /// The date of a recurring check-in.
    Recurring {
        date: NaiveDate,
        every: Span,
        own_cadence: bool,
        from: Field,
        anchor: NaiveDate,
        last: NaiveDate,
    },
    /// No alert: the ticket is not live.
    NoAlert { state: State },
    /// No alert: its days are past.
    AlertPast { due: NaiveDate, until: NaiveDate },
    /// The internal alert of a type with `alert = true`.
    Alert {
        due: NaiveDate,
        until: NaiveDate,
        ty: String,
    },
}

/// The rule that gives the strike process's next date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextRule {
    /// `first_after_bd` after the anchor's date.
    First { after_bd: u32, anchor: NaiveDate },
    /// `spacing_bd` after attempt `k`.
    Spacing {
        after_bd: u32,
        attempt: u32,
        on: NaiveDate,
    },
    /// `resolve_after_bd` after the last attempt.
    Resolve {
        after_bd: u32,
        attempt: u32,
        on: NaiveDate,
    },
}

/// What became of one follow-up step of a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// Its anchor is absent.
    NoAnchor { anchor: String },
    /// Its `only_if` does not hold.
    NotIf { condition: String },
    /// Done: `last_followup_at` is on or after its date.
    Done {
        nominal: NaiveDate,
        what: Arc<str>,
        done: NaiveDate,
    },
    /// Past its window plus `checkin_expire_days`.
    Expired {
        nominal: NaiveDate,
        what: Arc<str>,
        expires: NaiveDate,
    },
    /// Scheduled on `date` (another day than `nominal` when `moved` says why).
    Scheduled {
        date: NaiveDate,
        nominal: NaiveDate,
        what: Arc<str>,
        moved: Option<DayWhy>,
    },
}
