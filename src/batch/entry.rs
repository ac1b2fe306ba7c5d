//! The line a ledger or archive file holds per action issued: run date, first run date,
//! action id, ticket, kind, step, due date, suggested time, channel, tab-separated. Ids are
//! escaped (`\t`, `\n`, `\r`, `\0`, `\\`), so every id comes back as it went in.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use compact_str::CompactString;

use crate::engine::{Head, Kind};
use crate::error::Failure;
use crate::ticket::Channel;
use crate::time::{fast_date, fast_rfc3339, push_date};

pub(super) const QUEUE: &str = "# issued by the latest run, to be copied to archive/ by the next";
pub(super) const END: &str = "# end: ";
pub(super) const TIME: &str = "%Y-%m-%dT%H:%M:%S%:z";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub run_date: NaiveDate,
    pub first_run: NaiveDate,
    pub action_id: CompactString,
    pub ticket_id: CompactString,
    pub kind: Kind,
    pub step: u32,
    pub due_date: NaiveDate,
    /// In the customer's zone, as planned.
    pub suggested_at: DateTime<FixedOffset>,
    /// None for internal actions (and entries of the first ledger, which had no channel).
    pub channel: Option<Channel>,
}

impl Entry {
    pub fn line(&self, out: &mut String) {
        push_date(out, self.run_date);
        out.push('\t');
        push_date(out, self.first_run);
        out.push('\t');
        escape(&self.action_id, out);
        out.push('\t');
        escape(&self.ticket_id, out);
        out.push('\t');
        out.push_str(self.kind.name());
        out.push('\t');
        out.push_str(crate::util::decimal(self.step, &mut [0; 10]));
        out.push('\t');
        push_date(out, self.due_date);
        out.push('\t');
        push_time(out, self.suggested_at);
        out.push('\t');
        out.push_str(self.channel.map_or("", |c| c.name()));
        out.push('\n');
    }

    /// A line of this ledger (9 fields) or of the first one (8, ids unescaped).
    pub fn parse(line: &str) -> Result<Entry, String> {
        let mut f = [""; 9];
        let mut n = 0;
        for field in line.split('\t') {
            if n < 9 {
                f[n] = field;
            }
            n += 1;
        }
        let first = n == 8;
        if n != 9 && !first {
            return Err(format!("expected 9 tab-separated fields, found {n}"));
        }
        let date = |s: &str| {
            fast_date(s)
                .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .ok_or_else(|| format!("\"{s}\" is not a date"))
        };
        let text = |s: &str| {
            if first {
                Ok(CompactString::from(s))
            } else {
                unescape(s)
            }
        };
        let channel = match f[8] {
            "" => None,
            c => Some(Channel::from_name(c).ok_or_else(|| format!("\"{c}\" is not a channel"))?),
        };
        Ok(Entry {
            run_date: date(f[0])?,
            first_run: date(f[1])?,
            action_id: text(f[2])?,
            ticket_id: text(f[3])?,
            kind: Kind::from_name(f[4])
                .ok_or_else(|| format!("\"{}\" is not an action kind", f[4]))?,
            step: f[5]
                .parse()
                .map_err(|_| format!("\"{}\" is not a step number", f[5]))?,
            due_date: date(f[6])?,
            suggested_at: parse_time(f[7]).ok_or_else(|| format!("\"{}\" is not a time", f[7]))?,
            channel,
        })
    }

    /// The entry of an action a run issues.
    pub fn of(a: &Head, run_date: NaiveDate, first_run: NaiveDate) -> Entry {
        Entry {
            run_date,
            first_run,
            action_id: a.id().into(),
            ticket_id: a.ticket_id.clone(),
            kind: a.kind,
            step: a.step,
            due_date: a.due_date,
            suggested_at: a.suggested_at.with_timezone(&a.timezone).fixed_offset(),
            channel: a.channel,
        }
    }

    /// The order of the ledger: by ticket, action, due date and run date.
    pub(super) fn key(&self) -> (&str, &str, NaiveDate, NaiveDate) {
        (
            &self.ticket_id,
            &self.action_id,
            self.due_date,
            self.run_date,
        )
    }

    /// When, on its due date, it was planned for: what decides which of two is the later.
    pub(super) fn when(&self) -> (NaiveDate, u32) {
        let t = self.suggested_at;
        (self.due_date, t.hour() * 60 + t.minute())
    }
}

/// `2026-11-23T10:00:00-05:00`, without the format machinery in four-digit years.
fn push_time(out: &mut String, t: DateTime<FixedOffset>) {
    use chrono::Datelike;
    if !(0..=9999).contains(&t.year()) {
        out.push_str(&t.format(TIME).to_string());
        return;
    }
    push_date(out, t.date_naive());
    let two = |out: &mut String, n: u32| {
        out.push((b'0' + (n / 10 % 10) as u8) as char);
        out.push((b'0' + (n % 10) as u8) as char);
    };
    out.push('T');
    two(out, t.hour());
    out.push(':');
    two(out, t.minute());
    out.push(':');
    two(out, t.second());
    let off = t.offset().local_minus_utc();
    out.push(if off < 0 { '-' } else { '+' });
    let off = off.unsigned_abs();
    two(out, off / 3600);
    out.push(':');
    two(out, off / 60 % 60);
}

fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let fast = || {
        let b = s.as_bytes();
        let utc = fast_rfc3339(s)?;
        let [.., sign, h1, h2, b':', m1, m2] = b else {
            return None;
        };
        let digit = |c: &u8| c.is_ascii_digit().then(|| i32::from(c - b'0'));
        let secs = (digit(h1)? * 10 + digit(h2)?) * 3600 + (digit(m1)? * 10 + digit(m2)?) * 60;
        let off = match sign {
            b'+' => FixedOffset::east_opt(secs)?,
            b'-' => FixedOffset::west_opt(secs)?,
            _ => return None,
        };
        Some(utc.with_timezone(&off))
    };
    fast().or_else(|| DateTime::parse_from_str(s, TIME).ok())
}

pub(super) fn escape(s: &str, out: &mut String) {
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r' | 0))
    {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
}

fn unescape(s: &str) -> Result<CompactString, String> {
    if !s.contains('\\') {
        return Ok(CompactString::from(s));
    }
    let mut out = CompactString::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('\\') => '\\',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('0') => '\0',
            other => {
                return Err(format!(
                    "\"\\{}\" is not an escape this ledger writes",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        });
    }
    Ok(out)
}

/// The entries of a ledger or archive file, read as it comes (a large one is never held as
/// text), each handed to `each` with whether it comes after the queue line
/// (`Lines::queue_from` counts the entries before it); the comments and a torn last line
/// (what a write cut short leaves: it is written again) left out. `Err` names the first bad
/// line.
pub(super) fn parse_each(
    path: &Path,
    mut input: impl std::io::BufRead,
    each: &mut dyn FnMut(Entry, bool),
) -> Result<Lines, Failure> {
    let mut read = 0;
    let mut lines = Lines::default();
    let mut bytes = Vec::new();
    for i in 1.. {
        bytes.clear();
        let n = input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| Failure::io(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        if i == 1 {
            lines.first = Some(String::from_utf8_lossy(&bytes).trim_end().to_string());
        }
        // A torn last line may end inside a character: it is left out unread.
        let Some(line) = bytes.strip_suffix(b"\n") else {
            lines.torn = Some(i);
            break;
        };
        let line = std::str::from_utf8(line).map_err(|_| {
            Failure::io(format!(
                "{}:{i}: not UTF-8 text; the file is written by followup only: restore it from a backup or remove the line",
                path.display(),
            ))
        })?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(n) = line.strip_prefix(END) {
            lines.end = n.split(' ').next().and_then(|n| n.parse().ok());
            continue;
        }
        if line == QUEUE {
            lines.queue_from = Some(read);
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let e = Entry::parse(line).map_err(|e| {
            Failure::io(format!(
                "{}:{i}: {e}; the file is written by followup only: restore it from a backup or remove the line",
                path.display(),
            ))
        })?;
        read += 1;
        each(e, lines.queue_from.is_some());
    }
    Ok(lines)
}

/// What the comment lines of a file said.
#[derive(Default)]
pub(super) struct Lines {
    /// The first line (the file's header), none for an empty file.
    pub first: Option<String>,
    /// The line number of a last line without its line break.
    pub torn: Option<usize>,
    /// Where the queue began (this ledger) and how many entries the end line counts.
    pub queue_from: Option<usize>,
    pub end: Option<usize>,
}
