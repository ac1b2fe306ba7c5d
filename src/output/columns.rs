//! The fields of an action (SPEC §7), declared once: csv columns in this order, json keys
//! by these names. Every format writes from this list, so a new field is one line here.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::ser::{SerializeMap, SerializeSeq};

use super::{Guard, Row, json, reason};
use crate::engine::{Action, Detail, Resolution};
use crate::ticket::Channel;

/// One field of one action, as data: each format writes it its own way.
pub enum Cell<'a> {
    Text(&'a str),
    /// A name of ours (a kind, a zone, a channel): never escaped.
    Name(&'static str),
    /// Empty in csv, `null` in json.
    Optional(Option<&'a str>),
    /// A channel, or none (empty in csv, `null` in json).
    Channel(Option<Channel>),
    Number(u32),
    Date(NaiveDate),
    /// RFC 3339 in the zone's offset.
    Time(DateTime<Utc>, Tz),
    /// `;`-joined in csv, an array in json.
    Channels(&'a [Channel]),
    ActionId(&'a Action),
    Reason(&'a Action),
    CloseNotes(&'a Resolution),
    /// A field of other kinds (or a draft not asked for): empty in csv, left out of json.
    Absent,
}

/// A field's name and where its value comes from.
pub struct Column {
    pub name: &'static str,
    pub cell: for<'a> fn(Row<'a>) -> Cell<'a>,
}

fn resolution<'a>(r: Row<'a>) -> Option<&'a Resolution> {
    match &r.action.detail {
        Detail::Resolve(x) => Some(x),
        _ => None,
    }
}

fn hold(r: Row<'_>) -> Option<(&str, NaiveDate)> {
    match &r.action.detail {
        Detail::Hold {
            status,
            reactivation_date,
        } => Some((status, *reactivation_date)),
        _ => None,
    }
}

/// The fields of every action and of its draft, in csv order, each with where its value
/// comes from: the one list every format writes from. Handed to `$then`, which builds the
/// column tables or the straight-line ndjson writer from it.
macro_rules! columns {
    ($then:ident) => {
        $then! {
            action [20] {
                action_id => |r| Cell::ActionId(r.action),
                ticket_id => |r| Cell::Text(&r.action.ticket_id),
                kind => |r| Cell::Name(r.action.kind.name()),
                step => |r| Cell::Number(r.action.step),
                due_date => |r| Cell::Date(r.action.due_date),
                overdue_days => |r| Cell::Number(r.action.overdue_days),
                suggested_at => |r| Cell::Time(r.action.suggested_at, r.action.timezone),
                window_start => |r| Cell::Time(r.action.window_start, r.action.timezone),
                window_end => |r| Cell::Time(r.action.window_end, r.action.timezone),
                timezone => |r| Cell::Name(r.action.timezone.name()),
                channel => |r| Cell::Channel(r.action.channel),
                fallback_channels => |r| Cell::Channels(&r.action.fallback_channels),
                assignee => |r| Cell::Text(&r.action.assignee),
                covering_for => |r| Cell::Optional(r.action.covering_for.as_deref()),
                reason => |r| Cell::Reason(r.action),
                resolve_status => |r| resolution(r).map_or(Cell::Absent, |x| Cell::Text(&x.status)),
                close_code => |r| resolution(r).map_or(Cell::Absent, |x| Cell::Text(&x.close_code)),
                close_notes => |r| resolution(r).map_or(Cell::Absent, Cell::CloseNotes),
                hold_status => |r| hold(r).map_or(Cell::Absent, |(status, _)| Cell::Text(status)),
                reactivation_date => |r| hold(r).map_or(Cell::Absent, |(_, d)| Cell::Date(d)),
            }
            draft [2] {
                draft_subject => |r| r.draft.map_or(Cell::Absent, |d| Cell::Text(&d.subject)),
                draft_body => |r| r.draft.map_or(Cell::Absent, |d| Cell::Text(&d.body)),
            }
        }
    };
}

/// The column tables, `ACTION` and `DRAFT`.
macro_rules! tables {
    (action [$n:literal] { $($a:ident => $fa:expr,)* } draft [$m:literal] { $($d:ident => $fd:expr,)* }) => {
        /// The fields of every action, in csv order.
        pub const ACTION: [Column; $n] = [$(Column { name: stringify!($a), cell: $fa }),*];
        /// The drafted message, with `--drafts` (and in `run`'s `actions.ndjson`).
        pub const DRAFT: [Column; $m] = [$(Column { name: stringify!($d), cell: $fd }),*];
    };
}

columns!(tables);

/// `ndjson_line`, one column after another: each column's cell is built and written in
/// place, so the compiler sees which kind of cell each is (lines are written by the hundred
/// thousand).
macro_rules! ndjson_writer {
    (action [$n:literal] { $($a:ident => $fa:expr,)* } draft [$m:literal] { $($d:ident => $fd:expr,)* }) => {
        /// Appends one row as a JSON object and a newline: the same bytes as serde_json
        /// writes of the row, without the strings a value tree would allocate.
        pub fn ndjson_line(row: Row<'_>, out: &mut Vec<u8>, scratch: &mut Scratch) {
            let mut line = Line { first: true, last_time: None };
            out.push(b'{');
            $( {
                let cell: for<'a> fn(Row<'a>) -> Cell<'a> = $fa;
                line.cell(out, scratch, concat!(",\"", stringify!($a), "\":"), cell(row));
            } )*
            $( {
                let cell: for<'a> fn(Row<'a>) -> Cell<'a> = $fd;
                line.cell(out, scratch, concat!(",\"", stringify!($d), "\":"), cell(row));
            } )*
            out.extend_from_slice(b"}\n");
        }
    };
}

columns!(ndjson_writer);

/// The columns of a row: the action's, then the draft's when drafts are asked for (json
/// leaves absent ones out, so it may always ask).
pub fn of(drafts: bool) -> impl Iterator<Item = &'static Column> {
    ACTION
        .iter()
        .chain(DRAFT.iter().take(if drafts { 2 } else { 0 }))
}

/// The csv header.
pub fn header(drafts: bool) -> Vec<&'static str> {
    of(drafts).map(|c| c.name).collect()
}

/// Scratch space for writing cells, reused from row to row.
#[derive(Default)]
pub struct Scratch {
    text: String,
    bytes: Vec<u8>,
}

impl Cell<'_> {
    /// The cell's text as csv writes it, in `scratch` when it is not borrowed.
    fn text<'s>(&'s self, scratch: &'s mut Scratch) -> &'s str {
        let s = &mut scratch.text;
        s.clear();
        match self {
            Cell::Text(t) => return t,
            Cell::Name(t) => return t,
            Cell::Optional(t) => return t.unwrap_or(""),
            Cell::Channel(c) => return c.map_or("", Channel::name),
            Cell::Absent => return "",
            Cell::Number(n) => s.push_str(crate::util::decimal(*n, &mut [0; 10])),
            Cell::Date(d) => crate::time::push_date(s, *d),
            Cell::Time(t, tz) => {
                let b = &mut scratch.bytes;
                b.clear();
                crate::time::write_rfc3339_in(b, *t, *tz);
                return std::str::from_utf8(b).unwrap_or_default();
            }
            Cell::Channels(cs) => {
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        s.push(';');
                    }
                    s.push_str(c.name());
                }
            }
            Cell::ActionId(a) => push_id(s, a),
            Cell::Reason(a) => reason::write(a, s),
            Cell::CloseNotes(r) => reason::write_close_notes(r, s),
        }
        s
    }
}

/// `<ticket_id>.<kind>-<step>`, without `format!`.
fn push_id(s: &mut String, a: &Action) {
    s.push_str(&a.ticket_id);
    s.push('.');
    s.push_str(a.kind.name());
    s.push('-');
    s.push_str(crate::util::decimal(a.step, &mut [0; 10]));
}

/// Writes one row's cells as a csv record (every cell guarded).
pub fn csv_record<W: std::io::Write>(
    c: &mut csv::Writer<W>,
    row: Row<'_>,
    drafts: bool,
    guard: Guard,
    scratch: &mut Scratch,
) -> csv::Result<()> {
    for col in of(drafts) {
        let cell = (col.cell)(row);
        c.write_field(guard.cell(cell.text(scratch)).as_bytes())?;
    }
    c.write_record(None::<&[u8]>)
}

/// One ndjson line being written.
struct Line {
    first: bool,
    /// The last time written, and where: most windows open at the suggested time, whose
    /// text serves again.
    last_time: Option<(DateTime<Utc>, Range<usize>)>,
}

impl Line {
    /// Writes a cell after its key, `,"name":` (the comma left out before the first).
    #[inline(always)]
    fn cell(&mut self, out: &mut Vec<u8>, scratch: &mut Scratch, key: &str, cell: Cell<'_>) {
        if matches!(cell, Cell::Absent) {
            return;
        }
        let key = if self.first { &key[1..] } else { key };
        self.first = false;
        out.extend_from_slice(key.as_bytes());
        let last_time = &mut self.last_time;
        match cell {
            Cell::Text(t) => json::string(out, t),
            Cell::Name(t) => {
                out.push(b'"');
                out.extend_from_slice(t.as_bytes());
                out.push(b'"');
            }
            Cell::Optional(None) | Cell::Channel(None) | Cell::Absent => {
                out.extend_from_slice(b"null")
            }
            Cell::Channel(Some(c)) => {
                out.push(b'"');
                out.extend_from_slice(c.name().as_bytes());
                out.push(b'"');
            }
            Cell::Optional(Some(t)) => json::string(out, t),
            Cell::Number(n) => json::number(out, n),
            Cell::Date(d) => {
                out.push(b'"');
                crate::time::write_date(out, d);
                out.push(b'"');
            }
            Cell::Time(t, tz) => {
                out.push(b'"');
                match last_time {
                    Some((at, range)) if *at == t => out.extend_from_within(range.clone()),
                    _ => {
                        let start = out.len();
                        crate::time::write_rfc3339_in(out, t, tz);
                        *last_time = Some((t, start..out.len()));
                    }
                }
                out.push(b'"');
            }
            Cell::Channels(cs) => {
                out.push(b'[');
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.push(b'"');
                    out.extend_from_slice(c.name().as_bytes());
                    out.push(b'"');
                }
                out.push(b']');
            }
            Cell::ActionId(a) => {
                out.push(b'"');
                json::escaped(out, &a.ticket_id);
                out.push(b'.');
                out.extend_from_slice(a.kind.name().as_bytes());
                out.push(b'-');
                json::number(out, a.step);
                out.push(b'"');
            }
            Cell::Reason(a) => {
                scratch.text.clear();
                reason::write(a, &mut scratch.text);
                json::string(out, &scratch.text);
            }
            Cell::CloseNotes(r) => {
                scratch.text.clear();
                reason::write_close_notes(r, &mut scratch.text);
                json::string(out, &scratch.text);
            }
        }
    }
}

/// A row as a json object, for `serde_json` (pretty json, and `explain`).
impl serde::Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let mut scratch = Scratch::default();
        for col in of(true) {
            let cell = (col.cell)(*self);
            match &cell {
                Cell::Absent => {}
                Cell::Optional(t) => m.serialize_entry(col.name, t)?,
                Cell::Channel(c) => m.serialize_entry(col.name, &c.map(Channel::name))?,
                Cell::Number(n) => m.serialize_entry(col.name, n)?,
                Cell::Channels(cs) => m.serialize_entry(col.name, &Names(cs))?,
                _ => m.serialize_entry(col.name, cell.text(&mut scratch))?,
            }
        }
        m.end()
    }
}

/// Channels as an array of their names.
struct Names<'a>(&'a [Channel]);

impl serde::Serialize for Names<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for c in self.0 {
            seq.serialize_element(c.name())?;
        }
        seq.end()
    }
}
