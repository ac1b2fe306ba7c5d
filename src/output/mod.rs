//! Everything a user reads: one place per report (actions, summary, forecast, diff,
//! explain, rejects, resolutions, draft files) and one writer per format, so that a column
//! is declared once (`columns`) and every format follows from it.

use std::borrow::Cow;

use crate::engine::Action;

pub mod actions;
pub mod calendars;
pub mod columns;
pub mod diff;
pub mod draft_files;
pub mod explain;
pub mod forecast;
pub mod history;
mod json;
pub mod reason;
pub mod rejects;
pub mod replay;
pub mod report;
pub mod resolutions;
pub mod summary;

pub use summary::Summary;

/// RFC 3339 in the customer's offset, to the second.
pub use crate::time::rfc3339_in as local_rfc3339;

/// An output format of the planning commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
}

/// The formats of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// The key of a summary row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryKey {
    /// The assignee
    Owner,
    /// The ticket type
    Type,
    /// The action kind
    Kind,
    /// The primary channel (`internal` for internal actions)
    Channel,
    /// The contact date, the customer's local day the action is scheduled on
    Date,
}

impl SummaryKey {
    /// The name of the key's column.
    pub fn name(self) -> &'static str {
        match self {
            SummaryKey::Owner => "assignee",
            SummaryKey::Type => "type",
            SummaryKey::Kind => "kind",
            SummaryKey::Channel => "channel",
            SummaryKey::Date => "date",
        }
    }

    /// What an action counts under.
    pub fn of(self, a: &Action) -> String {
        self.of_tally(&crate::engine::forecast::Tally::of(a), a.contact_date)
    }

    /// What a count of a forecast's day falls under (by date: `date`).
    pub fn of_tally(self, t: &crate::engine::forecast::Tally, date: chrono::NaiveDate) -> String {
        match self {
            SummaryKey::Owner => t.assignee.to_string(),
            SummaryKey::Type => t.ticket_type.to_string(),
            SummaryKey::Kind => t.kind.name().to_string(),
            SummaryKey::Channel => t
                .channel
                .map(|c| c.name())
                .unwrap_or("internal")
                .to_string(),
            SummaryKey::Date => date.to_string(),
        }
    }
}

/// Whether csv cells that a spreadsheet would run as a formula are defused (the default;
/// `--no-csv-guard` turns it off for machine imports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guard(pub bool);

impl Guard {
    /// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, with `'`
    /// before it, so that a spreadsheet shows it instead of running it.
    pub fn cell(self, cell: &str) -> Cow<'_, str> {
        if self.0 && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            Cow::Owned(format!("'{cell}"))
        } else {
            Cow::Borrowed(cell)
        }
    }

    /// Every cell guarded.
    pub fn cells<T: AsRef<str>>(self, cells: impl IntoIterator<Item = T>) -> Vec<String> {
        cells
            .into_iter()
            .map(|c| self.cell(c.as_ref()).into_owned())
            .collect()
    }
}

/// A value from the export as one line of text: control characters (line breaks, tabs,
/// escapes) and Unicode line separators become a space, so that a value can add no line
/// to a draft or a draft file's header.
pub fn plain(s: &str) -> Cow<'_, str> {
    let breaks = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    // Printable ASCII holds no break, and is checked a byte at a time.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(breaks) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if breaks(c) { ' ' } else { c }).collect())
}

/// A drafted message: a one-line subject and a body.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Draft {
    /// Who it goes to, as the agent needs it for the channel: an address, a number.
    #[serde(skip)]
    pub to: String,
    pub subject: String,
    pub body: String,
    /// For the agent alone: the owner's latest work note, when a colleague covers for them
    /// (never in the body, which the customer sees).
    #[serde(skip)]
    pub note: Option<String>,
}

/// One action as the outputs see it: the action, and its draft when drafted.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub action: &'a Action,
    pub draft: Option<&'a Draft>,
}

impl<'a> Row<'a> {
    pub fn new(action: &'a Action) -> Row<'a> {
        Row {
            action,
            draft: None,
        }
    }
}
