//! Why an action is listed, as data: the sentences are written by `output::reason` when
//! an output asks. Planned by the million, actions hold no text. What the action itself
//! records (its step, type, channel, detail) is not repeated here.

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::ticket::Field;
use crate::time::Span;

/// The reason of one action: its kind's sentence, then what happened to it on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub why: Why,
    /// When it was overdue at planning: its nominal due date and business days overdue.
    pub overdue: Option<(NaiveDate, u32)>,
    /// When levelling moved it off a full day: the assignee's capacity a day.
    pub capacity: Option<u32>,
    /// Channels of its row left out: the customer's contact for them is blank.
    pub skipped: crate::ticket::Channels,
    /// The assignee's working hours never meet the customer's windows in the days searched:
    /// the customer's window is kept.
    pub outside_hours: bool,
}

impl Reason {
    /// What the action was for, as a word: "strike", "check-in", ….
    pub fn why_kind(&self) -> &'static str {
        match self.why {
            Why::Strike { .. } => "strike",
            Why::Resolve { .. } => "resolution",
            Why::Hold { .. } => "hold",
            Why::CheckIn { .. } | Why::Recurring { .. } => "check-in",
            Why::Alert { .. } => "alert",
            Why::OwnerBack { .. } => "follow-up",
        }
    }
}

impl From<Why> for Reason {
    fn from(why: Why) -> Reason {
        Reason {
            why,
            overdue: None,
            capacity: None,
            skipped: crate::ticket::Channels::NONE,
            outside_hours: false,
        }
    }
}

/// The sentence of each kind of action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    Strike {
        since: Since,
        moved: Option<Moved>,
        /// False when the export has a column for what we wait for (`pending_info`) or
        /// what we last told the customer (`last_public_comment`) and this ticket's are
        /// blank: the contact has nothing recorded to ask.
        asks: bool,
    },
    Resolve {
        /// Business days waited after the last attempt.
        after_bd: u32,
        moved: Option<Moved>,
    },
    Hold {
        until: NaiveDate,
        /// The strike due on the reactivation date; `None`: the resolution.
        next: Option<u32>,
    },
    CheckIn {
        /// The step's rule, as "7d after opened_at".
        what: std::sync::Arc<str>,
        /// The local date the step counts from.
        anchor: NaiveDate,
        moved: Option<Box<DayMoved>>,
    },
    Recurring {
        every: Span,
        /// The field counted from.
        from: Field,
        anchor: NaiveDate,
        moved: Option<Box<DayMoved>>,
    },
    Alert {
        opened: NaiveDate,
    },
    /// The owner is back: the last follow-up was made for them on this day, while out.
    OwnerBack {
        covered_on: NaiveDate,
    },
}

/// What a strike counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// The customer replied after the last attempt: the count restarts.
    Restarted { replied: NaiveDate },
    /// The first attempt, a number of business days after the anchor.
    First {
        anchor: NaiveDate,
        field: Field,
        after_bd: u32,
    },
    /// The attempt before went unanswered.
    NoReply { attempt: u32, on: NaiveDate },
}

/// Why a strike or resolution comes later than the process alone says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    Reactivation { to: NaiveDate },
    OutOfOffice { to: NaiveDate, until: NaiveDate },
}

/// A check-in placed on another day of its window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayMoved {
    pub date: NaiveDate,
    pub nominal: NaiveDate,
    pub why: DayWhy,
}

/// Why a check-in is not on its own date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayWhy {
    /// Another day of its window fits better: the owner is out on the step's date, or it is
    /// not one of the customer's e-mail days (those days given); neither: the first day that
    /// fits.
    Window {
        owner_out: Option<CompactString>,
        email_days: Option<[bool; 7]>,
    },
    /// The customer is out of office until this date.
    CustomerAway { until: NaiveDate },
}
