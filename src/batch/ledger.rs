//! The ledger: what earlier runs issued, so that reruns repeat themselves exactly and
//! exports that never record attempts still advance (SPEC §8).
//!
//! `ledger.tsv` holds what later runs still need, compacted, and is rewritten whole by
//! every run: staged in the day's folder as `.ledger.tsv`, it becomes true when the folder
//! is published, and is moved into place right after (or by the next run). Every action
//! issued is also kept, one line per action and run date, in `archive/` (see `archive`);
//! lines not yet copied there wait in the ledger's queue.
//!
//! One tab-separated line per entry: run date, first run date, action id, ticket, kind,
//! step, due date, suggested time, channel. Ids are escaped (`\t`, `\n`, `\r`, `\0`, `\\`),
//! so every id comes back as it went in.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Timelike};

use super::archive;
use crate::config::Rules;
use crate::engine::history::{Issued, recall};
use crate::engine::{Action, Kind};
use crate::error::Failure;
use crate::ticket::{Channel, State, Ticket};
use crate::time::local_instant;

pub const FILE: &str = "ledger.tsv";
/// The next ledger, inside the day's folder until it is moved into place.
pub const STAGED: &str = ".ledger.tsv";

const HEADER: &str = "# followup ledger 2: what later runs still need of the actions earlier runs issued, rewritten whole by every run; every action issued is in archive/ (followup history)\n\
# run_date\tfirst_run\taction_id\tticket_id\tkind\tstep\tdue_date\tsuggested_at\tchannel\n";
const QUEUE: &str = "# issued by the latest run, to be copied to archive/ by the next";
const END: &str = "# end: ";
const TIME: &str = "%Y-%m-%dT%H:%M:%S%:z";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub run_date: NaiveDate,
    pub first_run: NaiveDate,
    pub action_id: String,
    pub ticket_id: String,
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
        use std::fmt::Write as _;
        let _ = write!(out, "{}\t{}\t", self.run_date, self.first_run);
        escape(&self.action_id, out);
        out.push('\t');
        escape(&self.ticket_id, out);
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}\t{}",
            self.kind.name(),
            self.step,
            self.due_date,
            self.suggested_at.format(TIME),
            self.channel.map_or("", |c| c.name())
        );
    }

    /// A line of this ledger (9 fields) or of the first one (8, ids unescaped).
    pub fn parse(line: &str) -> Result<Entry, String> {
        let f: Vec<&str> = line.split('\t').collect();
        let first = f.len() == 8;
        if f.len() != 9 && !first {
            return Err(format!(
                "expected 9 tab-separated fields, found {}",
                f.len()
            ));
        }
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("\"{s}\" is not a date"))
        };
        let text = |s: &str| {
            if first {
                Ok(s.to_string())
            } else {
                unescape(s)
            }
        };
        let channel = match f.get(8) {
            None | Some(&"") => None,
            Some(c) => {
                Some(Channel::from_name(c).ok_or_else(|| format!("\"{c}\" is not a channel"))?)
            }
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
            suggested_at: DateTime::parse_from_str(f[7], TIME)
                .map_err(|_| format!("\"{}\" is not a time", f[7]))?,
            channel,
        })
    }

    /// The entry of an action a run issues.
    pub fn of(a: &Action, run_date: NaiveDate, first_run: NaiveDate) -> Entry {
        Entry {
            run_date,
            first_run,
            action_id: a.id(),
            ticket_id: a.ticket_id.to_string(),
            kind: a.kind,
            step: a.step,
            due_date: a.due_date,
            suggested_at: a.suggested_at.with_timezone(&a.timezone).fixed_offset(),
            channel: a.channel,
        }
    }

    /// When, on its due date, it was planned for: what decides which of two is the later.
    fn when(&self) -> (NaiveDate, u32) {
        let t = self.suggested_at;
        (self.due_date, t.hour() * 60 + t.minute())
    }
}

fn escape(s: &str, out: &mut String) {
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

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
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

/// Lines of a ledger or archive file, the comments and a torn last line (what a write cut
/// short leaves: it is written again) left out. `Err` names the first bad line.
pub(super) fn parse_lines(path: &Path, text: &str) -> Result<(Vec<Entry>, Lines), Failure> {
    let mut entries = Vec::new();
    let mut lines = Lines::default();
    let torn = !text.is_empty() && !text.ends_with('\n');
    let count = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        if torn && i + 1 == count {
            lines.torn = Some(i + 1);
            break;
        }
        if let Some(n) = line.strip_prefix(END) {
            lines.end = n.split(' ').next().and_then(|n| n.parse().ok());
            continue;
        }
        if line == QUEUE {
            lines.queue_from = Some(entries.len());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let e = Entry::parse(line).map_err(|e| {
            Failure::io(format!(
                "{}:{}: {e}; the file is written by followup only: restore it from a backup or remove the line",
                path.display(),
                i + 1
            ))
        })?;
        entries.push(e);
    }
    Ok((entries, lines))
}

/// What the comment lines of a file said.
#[derive(Default)]
pub(super) struct Lines {
    /// The line number of a last line without its line break.
    pub torn: Option<usize>,
    /// Where the queue began (this ledger) and how many entries the end line counts.
    queue_from: Option<usize>,
    end: Option<usize>,
}

pub struct Ledger {
    dir: PathBuf,
    /// What later runs need, compacted: for each ticket still open (or lately seen) the
    /// strikes (one per step and due date), the latest of each other action, and
    /// everything the latest run issued.
    kept: Vec<Entry>,
    /// Entries not yet copied to the archive.
    queued: Vec<Entry>,
    /// What loading noticed and recovered from, to be told.
    pub warnings: Vec<String>,
    /// Every action issued, for a run dated before the latest one (read from the archive).
    history: Option<Vec<Entry>>,
}

/// The ledger's file: the staged one of a published folder not yet moved into place, else
/// `ledger.tsv`.
pub fn current(dir: &Path) -> PathBuf {
    staged(dir).unwrap_or_else(|| dir.join(FILE))
}

/// The ledger a published day's folder holds, when a run ended before moving it.
pub fn staged(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path().join(STAGED))
        .find(|p| p.is_file())
}

impl Ledger {
    pub fn load(dir: &Path) -> Result<Ledger, Failure> {
        let path = current(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Failure::io(format!("cannot read {}: {e}", path.display()))),
        };
        let (mut kept, lines) = parse_lines(&path, &text)?;
        let mut warnings = Vec::new();
        let first = !text.is_empty() && !text.starts_with("# followup ledger 2");
        if let Some(n) = lines.torn {
            warnings.push(format!(
                "{}:{n}: the last line was cut short (a write that did not finish); it is left out",
                path.display()
            ));
        }
        let queued = if first {
            // The first ledger kept everything, appended: all of it goes to the archive.
            kept.clone()
        } else {
            let from = lines.queue_from.unwrap_or(kept.len());
            if !text.is_empty() && lines.end != Some(kept.len()) && lines.torn.is_none() {
                warnings.push(format!(
                    "{} ends without its end line: it was cut short or edited; the {} entries read are used",
                    path.display(),
                    kept.len()
                ));
            }
            kept.split_off(from.min(kept.len()))
        };
        Ok(Ledger {
            dir: dir.to_path_buf(),
            kept,
            queued,
            warnings,
            history: None,
        })
    }

    /// The date of the latest run recorded.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.kept.iter().map(|e| e.run_date).max()
    }

    /// The ledger as it was before a run date: what every run of that date starts from. A
    /// date before the latest run's is worked out from the archive, which has everything.
    pub fn before(&mut self, date: NaiveDate) -> Result<Before<'_>, Failure> {
        if self.latest().is_some_and(|l| l > date) && self.history.is_none() {
            let mut all = archive::read(&self.dir)?;
            all.extend(self.queued.iter().cloned());
            self.history = Some(archive::distinct(all));
        }
        let source = self.history.as_deref().unwrap_or(&self.kept);
        Ok(Before::new(source, date))
    }

    /// The queued entries a run of `date` copies to the archive before staging the next
    /// ledger: those of earlier runs than the latest. The latest run's stay queued, so that
    /// rerunning it leaves the ledger and the archive byte for byte as they were.
    pub fn to_archive(&self, date: NaiveDate) -> Vec<Entry> {
        let latest = self.latest().map_or(date, |l| l.max(date));
        self.queued
            .iter()
            .filter(|e| e.run_date < latest)
            .cloned()
            .collect()
    }

    /// The next ledger: this one with a run's new entries, compacted for a run of `date`.
    /// Entries of tickets not seen open in the run's export stay `keep_days` after their
    /// latest run, in case the ticket comes back, then live on in the archive only.
    pub fn next(
        &self,
        date: NaiveDate,
        fresh: Vec<Entry>,
        live: &HashSet<String>,
        keep_days: u32,
    ) -> Next {
        let latest = self.latest().map_or(date, |l| l.max(date));
        let kept = compact(
            self.kept.iter().cloned().chain(fresh.iter().cloned()),
            latest,
            live,
            keep_days,
        );
        let added = fresh.len();
        let mut queued: Vec<Entry> = self
            .queued
            .iter()
            .filter(|e| e.run_date >= latest)
            .cloned()
            .collect();
        queued.extend(fresh);
        Next {
            kept,
            queued,
            added,
        }
    }
}

/// A ledger to be staged: what it keeps, and the entries the archive does not have yet.
pub struct Next {
    kept: Vec<Entry>,
    queued: Vec<Entry>,
    added: usize,
}

impl Next {
    /// How many entries the run adds.
    pub fn added(&self) -> usize {
        self.added
    }

    /// The file: the state, then the queue (the run's own entries again, as issued).
    pub fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut text = String::with_capacity(64 * 1024);
        text.push_str(HEADER);
        for (i, e) in self.kept.iter().chain(&self.queued).enumerate() {
            if i == self.kept.len() {
                text.push_str(QUEUE);
                text.push('\n');
            }
            e.line(&mut text);
            if text.len() > 60 * 1024 {
                w.write_all(text.as_bytes())?;
                text.clear();
            }
        }
        if self.queued.is_empty() {
            text.push_str(QUEUE);
            text.push('\n');
        }
        text.push_str(&format!(
            "{END}{} entries\n",
            self.kept.len() + self.queued.len()
        ));
        w.write_all(text.as_bytes())
    }
}

/// What later runs need of the entries, for runs dated `latest` or later: the latest run's
/// entries as they are; of the earlier ones, per ticket, every strike (one per step and due
/// date: each is an attempt) and the latest of every other action (a check-in counts as the
/// last follow-up; the others only say an action was issued before). Merged entries keep
/// their first run and their latest run date.
fn compact(
    entries: impl Iterator<Item = Entry>,
    latest: NaiveDate,
    live: &HashSet<String>,
    keep_days: u32,
) -> Vec<Entry> {
    type Key = (bool, String, String, Option<NaiveDate>);
    let mut groups: HashMap<Key, Entry> = HashMap::new();
    let mut newest: HashMap<String, NaiveDate> = HashMap::new();
    for e in entries {
        let n = newest.entry(e.ticket_id.clone()).or_insert(e.run_date);
        *n = (*n).max(e.run_date);
        let due = (e.kind == Kind::Strike).then_some(e.due_date);
        let key = (
            e.run_date == latest,
            e.ticket_id.clone(),
            e.action_id.clone(),
            due,
        );
        match groups.get_mut(&key) {
            None => {
                groups.insert(key, e);
            }
            Some(g) => {
                let (run_date, first_run) =
                    (g.run_date.max(e.run_date), g.first_run.min(e.first_run));
                if e.when() > g.when() {
                    *g = e;
                }
                g.run_date = run_date;
                g.first_run = first_run;
            }
        }
    }
    let horizon = latest - TimeDelta::days(keep_days.into());
    let mut kept: Vec<Entry> = groups
        .into_values()
        .filter(|e| live.contains(&e.ticket_id) || newest[&e.ticket_id] >= horizon)
        .collect();
    kept.sort_by(|a, b| {
        (a.run_date, &a.ticket_id, &a.action_id, a.due_date).cmp(&(
            b.run_date,
            &b.ticket_id,
            &b.action_id,
            b.due_date,
        ))
    });
    kept
}

/// A ticket's entries, and whether the run's export has it open.
struct Group<'l> {
    entries: Vec<&'l Entry>,
    open: AtomicBool,
}

/// The ledger as it was before a run date.
pub struct Before<'l> {
    by_ticket: HashMap<&'l str, Group<'l>>,
    first_run: HashMap<&'l str, NaiveDate>,
    /// Action ids issued by the latest earlier run.
    last_run: HashSet<&'l str>,
    /// Action ids already recorded for the run date.
    recorded: HashSet<&'l str>,
    date: NaiveDate,
}

impl<'l> Before<'l> {
    fn new(entries: &'l [Entry], date: NaiveDate) -> Before<'l> {
        let latest = entries
            .iter()
            .filter(|e| e.run_date < date)
            .map(|e| e.run_date)
            .max();
        let mut b = Before {
            by_ticket: HashMap::new(),
            first_run: HashMap::new(),
            last_run: HashSet::new(),
            recorded: HashSet::new(),
            date,
        };
        for e in entries {
            if e.run_date == date {
                b.recorded.insert(e.action_id.as_str());
            }
            if e.run_date >= date {
                continue;
            }
            b.by_ticket
                .entry(e.ticket_id.as_str())
                .or_insert_with(|| Group {
                    entries: Vec::new(),
                    open: AtomicBool::new(false),
                })
                .entries
                .push(e);
            let f = b
                .first_run
                .entry(e.action_id.as_str())
                .or_insert(e.first_run);
            *f = (*f).min(e.first_run);
            if Some(e.run_date) == latest {
                b.last_run.insert(e.action_id.as_str());
            }
        }
        b
    }

    /// Whether the latest earlier run issued this action too.
    pub fn repeats(&self, action_id: &str) -> bool {
        self.last_run.contains(action_id)
    }

    /// The entries a run adds for what it issued: those not recorded for its date yet.
    pub fn fresh(&self, actions: &[&Action]) -> Vec<Entry> {
        let mut fresh = Vec::new();
        for a in actions {
            let id = a.id();
            if self.recorded.contains(id.as_str()) {
                continue;
            }
            let first_run = self
                .first_run
                .get(id.as_str())
                .copied()
                .unwrap_or(self.date);
            fresh.push(Entry::of(a, self.date, first_run));
        }
        fresh
    }

    /// The tickets of the ledger that the run's export has open.
    pub fn live(&self) -> HashSet<String> {
        self.by_ticket
            .iter()
            .filter(|(_, g)| g.open.load(Ordering::Relaxed))
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// Supplies what an export without attempt or follow-up columns cannot say (SPEC §8),
    /// from the actions earlier runs issued for the ticket: each made on its due date, at
    /// the time of day it was planned for. Notes the ticket as open when it is.
    pub fn supply(&self, t: &mut Ticket, rules: &Rules) {
        let Some(group) = self.by_ticket.get(t.id.as_str()) else {
            return;
        };
        if matches!(
            t.state,
            State::Open | State::AwaitingCustomer | State::OnHold
        ) {
            group.open.store(true, Ordering::Relaxed);
        }
        let tz = t.customer_tz.unwrap_or(rules.default_tz);
        let issued: Vec<Issued<'_>> = group
            .entries
            .iter()
            .map(|e| {
                let minute = (e.suggested_at.hour() * 60 + e.suggested_at.minute()) as u16;
                Issued {
                    action_id: &e.action_id,
                    kind: e.kind,
                    due: e.due_date,
                    at: local_instant(tz, e.due_date, minute),
                }
            })
            .collect();
        recall(t, &issued);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(run: &str, id: &str, kind: Kind, due: &str, at: &str) -> Entry {
        let d = |s: &str| s.parse().unwrap();
        Entry {
            run_date: d(run),
            first_run: d(run),
            action_id: id.into(),
            ticket_id: id.split('.').next().unwrap().into(),
            kind,
            step: 1,
            due_date: d(due),
            suggested_at: DateTime::parse_from_str(at, TIME).unwrap(),
            channel: Some(Channel::Email),
        }
    }

    #[test]
    fn every_id_comes_back_as_it_went_in() {
        for id in [
            "plain",
            "tab\there",
            "line\nbreak\r\n",
            "nul\0",
            "back\\slash\\t",
            "",
        ] {
            let mut e = entry(
                "2026-11-23",
                "x.strike-1",
                Kind::Strike,
                "2026-11-23",
                "2026-11-23T10:00:00-05:00",
            );
            e.ticket_id = id.into();
            e.action_id = format!("{id}.strike-1");
            let mut line = String::new();
            e.line(&mut line);
            assert_eq!(line.matches('\n').count(), 1, "{line:?}");
            assert_eq!(Entry::parse(line.trim_end_matches('\n')), Ok(e), "{id:?}");
        }
    }

    #[test]
    fn far_dates_come_back_too() {
        let e = entry(
            "9999-12-31",
            "x.strike-1",
            Kind::Strike,
            "+10000-01-03",
            "+10000-01-03T09:00:00-23:59",
        );
        let mut line = String::new();
        e.line(&mut line);
        assert!(line.contains("+10000-01-03T09:00:00-23:59"), "{line}");
        assert_eq!(Entry::parse(line.trim_end()), Ok(e));
    }

    #[test]
    fn the_first_ledgers_lines_are_read() {
        let e = Entry::parse("2026-11-25\t2026-11-25\tN1.strike-3\tN1\tstrike\t3\t2026-11-25\t2026-11-25T10:00:00-05:00").unwrap();
        assert_eq!(e.action_id, "N1.strike-3");
        assert_eq!(e.channel, None);
    }

    #[test]
    fn compaction_keeps_each_strike_and_the_latest_of_the_rest() {
        let live: HashSet<String> = ["A".to_string()].into();
        let entries = vec![
            entry(
                "2026-11-20",
                "A.strike-1",
                Kind::Strike,
                "2026-11-20",
                "2026-11-20T10:00:00-05:00",
            ),
            entry(
                "2026-11-21",
                "A.strike-1",
                Kind::Strike,
                "2026-11-20",
                "2026-11-20T11:00:00-05:00",
            ),
            entry(
                "2026-11-22",
                "A.strike-1",
                Kind::Strike,
                "2026-11-22",
                "2026-11-22T09:00:00-05:00",
            ),
            entry(
                "2026-11-20",
                "A.check_in-1",
                Kind::CheckIn,
                "2026-11-20",
                "2026-11-20T10:00:00-05:00",
            ),
            entry(
                "2026-11-22",
                "A.check_in-1",
                Kind::CheckIn,
                "2026-11-22",
                "2026-11-22T10:00:00-05:00",
            ),
            entry(
                "2026-11-23",
                "A.check_in-1",
                Kind::CheckIn,
                "2026-11-23",
                "2026-11-23T10:00:00-05:00",
            ),
            // Gone from the export: kept for 30 days after its last run, then archived only.
            entry(
                "2026-10-01",
                "B.strike-1",
                Kind::Strike,
                "2026-10-01",
                "2026-10-01T10:00:00-05:00",
            ),
            entry(
                "2026-10-30",
                "C.strike-1",
                Kind::Strike,
                "2026-10-30",
                "2026-10-30T10:00:00-05:00",
            ),
        ];
        let kept = compact(
            entries.into_iter(),
            "2026-11-23".parse().unwrap(),
            &live,
            30,
        );
        let said: Vec<String> = kept
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {}",
                    e.run_date,
                    e.first_run,
                    e.action_id,
                    e.suggested_at.format("%d %H")
                )
            })
            .collect();
        assert_eq!(
            said,
            [
                "2026-10-30 2026-10-30 C.strike-1 30 10",
                "2026-11-21 2026-11-20 A.strike-1 20 11",
                "2026-11-22 2026-11-20 A.check_in-1 22 10",
                "2026-11-22 2026-11-22 A.strike-1 22 09",
                "2026-11-23 2026-11-23 A.check_in-1 23 10",
            ]
        );
    }
}
