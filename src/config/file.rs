//! The rules file as written: serde types with every default filled in, so that
//! `rules show` can print the effective policy by serializing what was read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

type S<T> = Spanned<T>;

fn s<T>(value: T) -> S<T> {
    Spanned::new(0..0, value)
}

fn strings(xs: &[&str]) -> Vec<S<String>> {
    xs.iter().map(|x| s(x.to_string())).collect()
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct File {
    pub defaults: Defaults,
    pub contact: Contact,
    pub input: Input,
    pub calendars: BTreeMap<S<String>, CalendarDef>,
    pub hours: Hours,
    pub quiet_hours: BTreeMap<S<String>, Vec<S<String>>>,
    pub strikes: Strikes,
    pub segments: BTreeMap<S<String>, SegmentDef>,
    pub types: BTreeMap<S<String>, TypeDef>,
    pub agents: BTreeMap<S<String>, AgentDef>,
    pub run: Run,
    pub replay: Replay,
    pub report: Report,
    pub drafts: Drafts,
    pub templates: BTreeMap<S<String>, toml::Table>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub timezone: S<String>,
    pub calendar: S<String>,
    pub department: String,
    pub cover: String,
    pub unassigned: String,
    pub prefer_first_contact_time: bool,
    pub checkin_expire_days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// The desk's working day, for every assignee whose `[agents]` entry sets none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_timezone: Option<S<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_hours: Option<S<Vec<S<String>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_calendar: Option<S<String>>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timezone: s("UTC".into()),
            calendar: s("default".into()),
            department: "Service Desk".into(),
            cover: "team-lead".into(),
            unassigned: "unassigned".into(),
            prefer_first_contact_time: true,
            checkin_expire_days: 14,
            capacity: None,
            agent_timezone: None,
            agent_hours: None,
            agent_calendar: None,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Input {
    pub preset: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<S<String>>,
    pub timezone: S<String>,
    pub encoding: S<String>,
    pub date_formats: Vec<S<String>>,
    pub null_values: Vec<String>,
    pub dedupe: S<String>,
    /// `auto` (from the extension, else the header line), or the delimiter itself.
    pub delimiter: S<String>,
    /// The sheet of a spreadsheet export to read (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The most bytes one field, and one row, may hold: a longer one is a rejected row.
    pub max_field_bytes: S<u64>,
    pub max_row_bytes: S<u64>,
    pub columns: BTreeMap<S<String>, String>,
    pub status: BTreeMap<S<String>, Vec<String>>,
    pub channels: BTreeMap<S<String>, Vec<String>>,
}

impl Default for Input {
    fn default() -> Self {
        Input {
            preset: s("generic".into()),
            format: None,
            timezone: s("UTC".into()),
            encoding: s("utf-8".into()),
            date_formats: strings(&["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]),
            null_values: ["", "NULL", "null", "N/A", "n/a"]
                .iter()
                .map(|x| x.to_string())
                .collect(),
            dedupe: s("reject".into()),
            delimiter: s("auto".into()),
            sheet: None,
            max_field_bytes: s(1 << 20),
            max_row_bytes: s(4 << 20),
            columns: BTreeMap::new(),
            status: BTreeMap::new(),
            channels: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarDef {
    /// A country's public holidays and weekend to start from (`DE`), and a subdivision's
    /// (`BY`, or `DE-BY` in `country`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<S<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subdivision: Option<S<String>>,
    /// Default: the country's working week, else Monday to Friday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workdays: Option<Vec<S<String>>>,
    /// Strings or TOML dates: `"2026-11-26"` and `2026-11-26` both work.
    pub holidays: Vec<S<toml::Value>>,
    /// Days off besides the country's (`holidays` says the same).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_holidays: Vec<S<toml::Value>>,
    /// The country's holidays the desk works.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_holidays: Vec<S<toml::Value>>,
    /// An iCalendar file whose events are days off too (relative to the rules file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holidays_ics: Option<S<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hours {
    pub business: S<Vec<S<String>>>,
}

impl Default for Hours {
    fn default() -> Self {
        Hours {
            business: s(strings(&["09:00-17:00"])),
        }
    }
}

pub type Ladder = BTreeMap<S<String>, S<Vec<Vec<S<String>>>>>;

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Strikes {
    pub count: S<u32>,
    pub first_after_bd: u32,
    pub spacing_bd: u32,
    pub resolve_after_bd: u32,
    pub hold_status: String,
    pub resolve_status: String,
    pub close_code: String,
    pub ladder: Ladder,
}

impl Default for Strikes {
    fn default() -> Self {
        Strikes {
            count: s(3),
            first_after_bd: 1,
            spacing_bd: 1,
            resolve_after_bd: 1,
            hold_status: "On Hold - Awaiting Caller".into(),
            resolve_status: "Resolved".into(),
            close_code: "User not responded".into(),
            ladder: Ladder::new(),
        }
    }
}

/// The seed 004 ladder, used when the rules file gives none: strike 1 by chat, then phone,
/// then e-mail; later strikes by e-mail with chat and phone optional; chat and portal
/// tickets start with chat and e-mail only.
pub fn default_ladder(count: u32) -> Ladder {
    let row = |xs: &[&str]| xs.iter().map(|x| s(x.to_string())).collect::<Vec<_>>();
    let rows = |first: &[&str]| {
        let mut v = vec![row(first)];
        for _ in 1..count.max(1) {
            v.push(row(&["email", "chat", "phone"]));
        }
        s(v)
    };
    let mut ladder = Ladder::new();
    ladder.insert(s("default".into()), rows(&["chat", "phone", "email"]));
    ladder.insert(s("chat".into()), rows(&["chat", "email"]));
    ladder.insert(s("portal".into()), rows(&["chat", "email"]));
    ladder
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentDef {
    pub email_days: Vec<S<String>>,
}

pub fn default_segments() -> BTreeMap<S<String>, SegmentDef> {
    let mut m = BTreeMap::new();
    m.insert(
        s("business".into()),
        SegmentDef {
            email_days: strings(&["tue", "wed"]),
        },
    );
    m.insert(
        s("consumer".into()),
        SegmentDef {
            email_days: strings(&["fri", "sat"]),
        },
    );
    m
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TypeDef {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub alert: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<S<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<S<String>>,
    /// The channel of a recurring check-in (default: the ticket's own medium).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<S<String>>,
    pub steps: Vec<StepDef>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub after: S<String>,
    pub from: S<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<S<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<S<String>>,
}

#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AgentDef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    pub out: Vec<S<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// The agent's own working day: their zone, hours and calendar (a name or a code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<S<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<S<Vec<S<String>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<S<String>>,
}

/// `[drafts]`: what one draft may cost.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Drafts {
    /// Template instructions one subject or body may run.
    pub fuel: u64,
    /// Bytes one subject or body may render.
    pub max_bytes: u64,
    /// What the export's `last_note` is: `internal` (never shown to the customer) or
    /// `public` (what the customer was told, may be quoted).
    pub last_note: S<String>,
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts {
            fuel: 50_000,
            max_bytes: 65_536,
            last_note: s("internal".into()),
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Run {
    pub max_resolutions: u32,
    /// The permission bits of what `run`, `drafts` and `--rejects` write, in octal.
    pub mode: S<String>,
    /// How the day's drafts are laid out: `by_assignee`, `per_action` or `none`.
    pub drafts: S<String>,
    /// How long the ledger keeps a ticket that left the export, after its last action.
    pub keep_days: u32,
    /// Days ahead on the day's `report.html`; 0 writes no page.
    pub report_days: S<u32>,
}

/// `[report]`: the team lead's page.
#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Report {
    /// The page's MiniJinja template, replacing the built-in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<S<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Replay {
    /// A customer reply this soon after an auto-resolution makes it premature.
    pub reopen_window: S<String>,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            reopen_window: s("14d".into()),
        }
    }
}

impl Default for Run {
    fn default() -> Self {
        Run {
            max_resolutions: 200,
            mode: s("0600".into()),
            drafts: s("by_assignee".into()),
            keep_days: 30,
            report_days: s(28),
        }
    }
}
