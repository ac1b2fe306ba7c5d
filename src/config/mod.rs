//! The rules file: parsing, validation, and the resolved `Rules` the engine reads.
//!
//! Every check happens here, before the first row is read, and every error points at the
//! file, line and column of the value that is wrong.

pub mod file;
mod ics;
mod recover;
pub mod templates;
mod validate;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::ticket::{Channel, Field, State};
use crate::time::{Calendar, Interval, Span};
use crate::util::line_col;
pub use file::File;
use validate::Validator;

/// One problem in a rules file, with where it is.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every problem found in a rules file.
#[derive(Debug)]
pub struct RulesError {
    pub path: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.path, p.line, p.column, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

/// Format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
}

impl Format {
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dedupe {
    Reject,
    Last,
    /// Every row of an event log, in order, rejected rows noted with their time (`replay`,
    /// which sees the log as it stood each night; not a rules-file choice).
    Every,
}

/// How rows are read.
#[derive(Debug)]
pub struct InputRules {
    pub preset: String,
    /// The text encoding of exports (UTF-8 unless `[input].encoding` says otherwise).
    pub encoding: &'static encoding_rs::Encoding,
    pub format: Option<Format>,
    pub timezone: Tz,
    pub date_formats: Vec<String>,
    /// Where `date_formats` is written ("rules.toml line 23"), for messages that fix it.
    pub date_formats_at: String,
    pub null_values: Vec<String>,
    pub dedupe: Dedupe,
    /// The CSV delimiter; `None`: from the extension, else sniffed from the header line.
    pub delimiter: Option<u8>,
    /// The sheet of a spreadsheet export; `None`: the first.
    pub sheet: Option<String>,
    /// The most bytes a field, and a row, may hold (`[input].max_field_bytes`,
    /// `max_row_bytes`); the reader holds a small multiple of the row limit at most.
    pub max_field: usize,
    pub max_row: usize,
    /// Export column names to try per canonical field, in order (`[input.columns]`, else
    /// the preset's).
    pub columns: BTreeMap<Field, Vec<String>>,
    /// Lower-cased raw status → state.
    pub status: HashMap<String, State>,
    /// Lower-cased raw channel → channel.
    pub channels: HashMap<String, Channel>,
}

#[derive(Debug)]
pub struct StrikeRules {
    pub count: u32,
    pub first_after_bd: u32,
    pub spacing_bd: u32,
    pub resolve_after_bd: u32,
    /// Shared with every hold and resolution planned.
    pub hold_status: Arc<str>,
    pub resolve_status: Arc<str>,
    pub close_code: Arc<str>,
    /// Ladder rows per origin channel; `None` key is the `default` row.
    pub ladder: HashMap<Option<Channel>, Vec<Vec<Channel>>>,
}

impl StrikeRules {
    /// The channels of strike `n` (1-based) for a ticket of this origin (SPEC §4.5).
    pub fn channels(
        &self,
        origin: Option<Channel>,
        n: u32,
        callback_requested: bool,
    ) -> crate::ticket::Channels {
        let rows = self.ladder.get(&origin).or_else(|| self.ladder.get(&None));
        let row = rows
            .and_then(|r| r.get(n.saturating_sub(1) as usize).or(r.last()))
            .map_or(&[Channel::Email][..], Vec::as_slice);
        // Phone only for portal customers who asked for a call; rows never repeat a channel.
        let portal = origin == Some(Channel::Portal) && !callback_requested;
        row.iter()
            .copied()
            .filter(|c| !(portal && *c == Channel::Phone))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub id: String,
    pub name: Option<String>,
    pub cover: Option<String>,
    /// Actions a day (`[agents.<id>].capacity`).
    pub capacity: Option<u32>,
    /// Inclusive date ranges.
    pub out: Vec<(NaiveDate, NaiveDate)>,
    /// When the agent works, if the rules say (theirs, else the desk's).
    pub day: Option<WorkDay>,
}

/// An assignee's working day: customer-facing actions fall inside it where it meets the
/// customer's windows, and its calendar's holidays are days out.
#[derive(Debug, Clone)]
pub struct WorkDay {
    pub tz: Tz,
    pub hours: Vec<Interval>,
    /// Index of `Rules::calendar`.
    pub calendar: usize,
}

impl Agent {
    pub fn is_out(&self, d: NaiveDate) -> bool {
        self.out.iter().any(|(a, b)| *a <= d && d <= *b)
    }

    /// The first day on or after `d` on which the agent is in.
    pub fn back_on(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while self.is_out(day) {
            day = day.succ_opt().unwrap_or(day);
            if day == NaiveDate::MAX {
                break;
            }
        }
        day
    }
}

/// What a follow-up step counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Field(Field),
    /// A date column of the export that is not a canonical field.
    Column(String),
}

impl Anchor {
    pub fn name(&self) -> &str {
        match self {
            Anchor::Field(f) => f.name(),
            Anchor::Column(c) => c,
        }
    }
}

/// One follow-up step of a ticket type (SPEC §5).
#[derive(Debug, Clone)]
pub struct Step {
    pub after: Span,
    pub from: Anchor,
    /// Days of slack (`0d` when not given).
    pub window: Span,
    pub only_if: Option<String>,
    /// `None` is `same`: the ticket's origin channel.
    pub channel: Option<Channel>,
    /// The rule in words ("7d after opened_at"), written once for every check-in's reason.
    pub what: Arc<str>,
}

impl Step {
    fn what(after: Span, from: &Anchor) -> Arc<str> {
        if after.amount < 0 {
            let back = Span {
                amount: -after.amount,
                unit: after.unit,
            };
            format!("{back} before {}", from.name()).into()
        } else {
            format!("{after} after {}", from.name()).into()
        }
    }
}

/// The follow-up policy of one ticket type.
#[derive(Debug, Clone, Default)]
pub struct TicketType {
    pub name: String,
    pub alert: bool,
    /// Recurring check-ins: the cadence (a ticket's own `cadence` overrides it).
    pub every: Option<Span>,
    /// The slack of recurring check-ins.
    pub window: Option<Span>,
    /// The channel of recurring check-ins; `None` is the ticket's own medium.
    pub channel: Option<Channel>,
    pub steps: Vec<Step>,
}

/// `[defaults]`, resolved.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub department: String,
    /// Covers an absent agent that has no `cover` of their own.
    pub cover: String,
    /// Takes tickets without an owner.
    pub unassigned: String,
    /// Contact at the local time of day the customer first reached us.
    pub prefer_first_contact_time: bool,
    pub checkin_expire_days: u32,
    /// Actions a day for agents without a capacity of their own.
    pub capacity: Option<u32>,
}

/// `[contact]`: the ways to get in touch that every customer-facing draft gives.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub web: Option<String>,
}

/// `[run]`: the nightly batch's limits, files and state.
#[derive(Debug, Clone)]
pub struct RunRules {
    pub max_resolutions: u32,
    /// Permission bits of the files written (folders get the search bit where readable).
    pub mode: u32,
    pub drafts: DraftLayout,
    pub keep_days: u32,
    /// Days ahead on the day's `report.html`; 0 writes none.
    pub report_days: u32,
}

/// `[replay]`: how a replay judges what its policy did.
#[derive(Debug, Clone, Copy)]
pub struct ReplayRules {
    /// A reply within this long after an auto-resolution makes it premature.
    pub reopen_window: chrono::TimeDelta,
}

/// `[drafts]`: the limits every template renders under.
#[derive(Debug, Clone, Copy)]
pub struct DraftLimits {
    pub fuel: u64,
    pub max_bytes: usize,
    /// `[drafts].last_note = "public"`: the export's `last_note` is what the customer was
    /// told; else it is an internal note.
    pub last_note_public: bool,
}

/// How `run` lays out the day's drafts (all of them are in `actions.ndjson` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftLayout {
    /// `drafts/<assignee>.txt`: each agent's drafts in contact order.
    ByAssignee,
    /// `drafts/<action id>.txt`: one file per action.
    PerAction,
    /// No draft files.
    None,
}

/// The validated policy. Built once per run; the engine reads nothing else.
#[derive(Debug)]
pub struct Rules {
    /// Where the rules came from, for messages.
    pub path: String,
    /// The file as read, defaults filled in (`rules show`); nothing else reads it.
    pub file: File,
    pub defaults: Defaults,
    pub contact: Contact,
    pub run: RunRules,
    pub replay: ReplayRules,
    /// The desk's working day (`[defaults].agent_*`), for assignees without their own.
    pub desk_day: Option<WorkDay>,
    /// `[report].template`: the team lead's page, when the rules replace it.
    pub report_template: Option<String>,
    pub drafts: DraftLimits,
    /// The rules file's own templates, flattened and compiled once to check them.
    pub templates: Vec<templates::Source>,
    pub default_tz: Tz,
    pub calendars: Vec<(String, Calendar)>,
    pub default_calendar: usize,
    /// `[hours].business` minus quiet hours, per channel (by `Channel::index`).
    pub channel_windows: [Vec<Interval>; 5],
    /// `[hours].business` alone, for internal actions.
    pub internal_windows: Vec<Interval>,
    pub strikes: StrikeRules,
    pub input: InputRules,
    pub agents: BTreeMap<String, Agent>,
    pub types: Vec<TicketType>,
    /// Preferred e-mail weekdays of business and consumer customers.
    pub email_days: [[bool; 7]; 2],
    /// Export columns the types read as dates (`from`) and as conditions (`only_if`).
    pub date_columns: Vec<String>,
    pub flag_columns: Vec<String>,
    /// What `rules check` warns about: valid, but probably not meant.
    pub warnings: Vec<Problem>,
}

/// A calendar by name among `calendars` (the file's), else a code of the built-in holidays,
/// numbered after the file's.
fn calendar_named(calendars: &[(String, Calendar)], name: &str) -> Option<usize> {
    calendars.iter().position(|(n, _)| n == name).or_else(|| {
        crate::time::holidays::table()
            .find(name)
            .map(|r| calendars.len() + r)
    })
}

impl Rules {
    /// A calendar by name: the rules file's, else a country or subdivision code of the
    /// built-in holidays (`US`, `DE-BY`), numbered after the rules file's.
    pub fn calendar_index(&self, name: &str) -> Option<usize> {
        calendar_named(&self.calendars, name)
    }

    /// The working day of an assignee: their own, else the desk's; none leaves them
    /// unrestricted.
    pub fn work_day(&self, assignee: &str) -> Option<&WorkDay> {
        match self.agent(assignee) {
            Some(a) => a.day.as_ref(),
            None => self.desk_day.as_ref(),
        }
    }

    /// The calendar of a country or subdivision code of the built-in holidays (never one of
    /// the file's, which a ticket's `calendar` names).
    pub fn code_calendar(&self, code: &str) -> Option<usize> {
        crate::time::holidays::table()
            .find(code)
            .map(|r| self.calendars.len() + r)
    }

    /// Calendar `i` (`calendar_index`), with its name; the default one for an index out of
    /// range.
    pub fn calendar(&self, i: usize) -> (&str, &Calendar) {
        if let Some((n, c)) = self.calendars.get(i) {
            return (n, c);
        }
        let table = crate::time::holidays::table();
        match i
            .checked_sub(self.calendars.len())
            .and_then(|r| table.regions.get(r).map(|x| (r, x)))
        {
            Some((r, region)) => (region.code, crate::time::holidays::calendar_of(r)),
            None if i != self.default_calendar => self.calendar(self.default_calendar),
            None => {
                let (n, c) = &self.calendars[0];
                (n, c)
            }
        }
    }

    /// The export's first column for a field (`[input.columns]`, else the preset's).
    pub fn column_name(&self, f: Field) -> String {
        self.input
            .columns
            .get(&f)
            .and_then(|c| c.first())
            .cloned()
            .unwrap_or_else(|| f.name().to_string())
    }

    /// Whether any agent has a capacity, so that actions are levelled.
    pub fn levels(&self) -> bool {
        self.defaults.capacity.is_some() || self.agents.values().any(|a| a.capacity.is_some())
    }

    /// How many actions an assignee can do in a day, if limited.
    pub fn capacity(&self, assignee: &str) -> Option<u32> {
        self.agent(assignee)
            .and_then(|a| a.capacity)
            .or(self.defaults.capacity)
    }

    /// The type a ticket's `type` names (exact, else case-insensitive), else `default`.
    pub fn ticket_type(&self, name: Option<&str>) -> Option<&TicketType> {
        let by = |n: &str| {
            self.types
                .iter()
                .find(|t| t.name == n)
                .or_else(|| self.types.iter().find(|t| t.name.eq_ignore_ascii_case(n)))
        };
        name.and_then(by).or_else(|| by("default"))
    }

    pub fn windows(&self, channel: Channel) -> &[Interval] {
        &self.channel_windows[channel.index()]
    }

    /// The agent an owner value names: by id, else by display name (case-insensitive).
    pub fn agent(&self, owner: &str) -> Option<&Agent> {
        self.agents.get(owner).or_else(|| {
            self.agents.values().find(|a| {
                a.id.eq_ignore_ascii_case(owner)
                    || a.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(owner))
            })
        })
    }

    /// Parses and validates a rules file's text, reporting every problem it finds.
    pub fn parse(path: &str, text: &str) -> Result<Rules, RulesError> {
        let (file, read) = recover::read(text);
        let mut problems: Vec<Problem> = read
            .into_iter()
            .map(|(at, message)| {
                let (line, column) = line_col(text, at);
                let message = if message.starts_with("unknown field") {
                    match spelling(&message) {
                        Some(c) => format!(
                            "{message}; did you mean `{c}`? (`followup rules show` prints every key)"
                        ),
                        None => format!(
                            "{message}; remove it or check its spelling (see `followup rules show`)"
                        ),
                    }
                } else {
                    message
                };
                Problem {
                    line,
                    column,
                    message,
                }
            })
            .collect();
        let mut rules = None;
        if let Some(file) = file {
            let mut v = Validator {
                text,
                path,
                problems: Vec::new(),
                warnings: Vec::new(),
            };
            let mut r = v.rules(path, file);
            r.warnings = v.warnings;
            problems.extend(v.problems);
            rules = Some(r);
        }
        match rules {
            Some(r) if problems.is_empty() => Ok(r),
            _ => {
                problems.sort_by_key(|p| (p.line, p.column));
                Err(RulesError {
                    path: path.to_string(),
                    problems,
                })
            }
        }
    }

    /// The starter rules file written by `rules init`: the bundled policy.
    pub const STARTER: &'static str = include_str!("../../rules.toml");
}

/// The known key closest to an unknown one, from serde's "unknown field `x`, expected one
/// of `a`, `b`".
fn spelling(message: &str) -> Option<String> {
    let mut quoted = message.split('`').skip(1).step_by(2);
    let unknown = quoted.next()?;
    let known: Vec<&str> = quoted.collect();
    crate::util::closest(unknown, known.iter().copied()).map(str::to_string)
}

/// The default mapping of raw status values (SPEC §2).
pub const DEFAULT_STATUS: &[(&str, State)] = &[
    ("new", State::Open),
    ("open", State::Open),
    ("active", State::Open),
    ("in progress", State::Open),
    ("work in progress", State::Open),
    ("pending", State::AwaitingCustomer),
    ("awaiting caller", State::AwaitingCustomer),
    ("on hold - awaiting caller", State::AwaitingCustomer),
    ("awaiting user info", State::AwaitingCustomer),
    ("waiting for customer", State::AwaitingCustomer),
    ("waiting on customer", State::AwaitingCustomer),
    ("on hold", State::OnHold),
    ("hold", State::OnHold),
    ("resolved", State::Resolved),
    ("solved", State::Resolved),
    ("closed", State::Closed),
    ("canceled", State::Canceled),
    ("cancelled", State::Canceled),
];

/// The default mapping of raw channel values (SPEC §2).
pub const DEFAULT_CHANNELS: &[(&str, Channel)] = &[
    ("phone", Channel::Phone),
    ("email", Channel::Email),
    ("chat", Channel::Chat),
    ("portal", Channel::Portal),
    ("mail", Channel::Mail),
    ("voice", Channel::Phone),
    ("call", Channel::Phone),
    ("ivr", Channel::Phone),
    ("e-mail", Channel::Email),
    ("web", Channel::Portal),
    ("web form", Channel::Portal),
    ("self-service", Channel::Portal),
    ("self service", Channel::Portal),
    ("messaging", Channel::Chat),
    ("im", Channel::Chat),
    ("letter", Channel::Mail),
    ("post", Channel::Mail),
];
