//! The ledger: what earlier runs issued, so that reruns repeat themselves exactly and
//! exports that never record attempts still advance (SPEC §8).
//!
//! `ledger.tsv` holds what later runs still need, compacted, and is rewritten whole by
//! every run: staged in the day's folder as `.ledger.tsv`, it becomes true when the folder
//! is published, and is moved into place right after (or by the next run). Every action
//! issued is also kept, one line per action and run date, in `archive/` (see `archive`);
//! lines not yet copied there wait in the ledger's queue.
//!
//! One line per entry, as `entry` writes it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{NaiveDate, TimeDelta, Timelike};
use compact_str::CompactString;

use super::archive;
pub use super::entry::Entry;
use super::entry::{END, QUEUE, parse_each};
use crate::config::Rules;
use crate::engine::history::{Issued, recall};
use crate::engine::{Head, Kind};
use crate::error::Failure;
use crate::ticket::{State, Ticket};
use crate::time::local_instant;

pub const FILE: &str = "ledger.tsv";
/// The next ledger, inside the day's folder until it is moved into place.
pub const STAGED: &str = ".ledger.tsv";

const HEADER: &str = "# followup ledger 2: what later runs still need of the actions earlier runs issued, rewritten whole by every run; every action issued is in archive/ (followup history)\n\
# run_date\tfirst_run\taction_id\tticket_id\tkind\tstep\tdue_date\tsuggested_at\tchannel\n";

pub struct Ledger {
    dir: PathBuf,
    /// What later runs need, compacted and sorted (`Entry::key`): for each ticket still
    /// open (or lately seen) the strikes (one per step and due date), the latest of each
    /// other action, and everything the latest run issued.
    kept: Vec<Entry>,
    /// The latest run date of `kept`: its entries wait for the archive too.
    latest: Option<NaiveDate>,
    /// Entries waiting for the archive that `kept` holds merged (a rerun of an earlier
    /// night's).
    extra: Vec<Entry>,
    /// What loading noticed and recovered from, to be told.
    pub warnings: Vec<String>,
    /// Every action issued, sorted, for a run dated before the latest one (from the
    /// archive).
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

fn sort(entries: &mut [Entry]) {
    entries.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
}

impl Ledger {
    pub fn load(dir: &Path) -> Result<Ledger, Failure> {
        let path = current(dir);
        let file = match std::fs::File::open(&path) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Failure::io(format!("cannot read {}: {e}", path.display()))),
        };
        // The queue repeats the latest run's entries, which the state holds as they are:
        // those are told apart as they are read, so that a night's entries are not held
        // twice (the state is sorted, and its latest run known, by the queue line). Other
        // queued entries (an earlier night's rerun, the first ledger's) are kept apart.
        let (mut kept, mut queued) = (Vec::new(), Vec::new());
        let mut latest = None;
        let mut state_done = false;
        let mut read = 0;
        let input: Box<dyn io::BufRead> = match file {
            Some(f) => Box::new(io::BufReader::with_capacity(256 * 1024, f)),
            None => Box::new(io::empty()),
        };
        let lines = parse_each(&path, input, &mut |e, in_queue| {
            read += 1;
            if !in_queue {
                kept.push(e);
                return;
            }
            if !state_done {
                sort(&mut kept);
                latest = kept.iter().map(|e| e.run_date).max();
                state_done = true;
            }
            let in_kept = || kept.binary_search_by(|x| x.key().cmp(&e.key())).is_ok();
            if !(Some(e.run_date) == latest && in_kept()) {
                queued.push(e);
            }
        })?;
        let empty = lines.first.is_none();
        let first = lines
            .first
            .as_deref()
            .is_some_and(|l| !l.starts_with("# followup ledger 2"));
        let mut warnings = Vec::new();
        if let Some(n) = lines.torn {
            warnings.push(format!(
                "{}:{n}: the last line was cut short (a write that did not finish); it is left out",
                path.display()
            ));
        }
        if !first && !empty && lines.end != Some(read) && lines.torn.is_none() {
            warnings.push(format!(
                "{} ends without its end line: it was cut short or edited; the {read} entries read are used",
                path.display(),
            ));
        }
        let latest = kept.iter().map(|e| e.run_date).max();
        if first {
            // The first ledger kept everything, appended: all of it goes to the archive
            // (in the order it was appended), but for the latest run's, which the state
            // holds.
            queued = kept
                .iter()
                .filter(|e| Some(e.run_date) != latest)
                .cloned()
                .collect();
        }
        sort(&mut kept);
        kept.shrink_to_fit();
        queued.shrink_to_fit();
        Ok(Ledger {
            dir: dir.to_path_buf(),
            kept,
            latest,
            extra: queued,
            warnings,
            history: None,
        })
    }

    /// Every entry held: the state, and what waits for the archive.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.kept.iter().chain(&self.extra)
    }

    /// The date of the latest run recorded.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.latest
    }

    /// The entries of a ticket waiting for the archive (the latest night's).
    pub fn queued_for(&self, ticket: &str) -> Vec<Entry> {
        self.queued()
            .filter(|e| e.ticket_id == ticket)
            .cloned()
            .collect()
    }

    /// Every entry waiting for the archive.
    fn queued(&self) -> impl Iterator<Item = &Entry> {
        self.kept
            .iter()
            .filter(|e| Some(e.run_date) == self.latest)
            .chain(&self.extra)
    }

    /// The ledger as it was before a run date: what every run of that date starts from. A
    /// date before the latest run's is worked out from the archive, which has everything.
    pub fn before(&mut self, date: NaiveDate) -> Result<Before<'_>, Failure> {
        let earlier = self.latest.is_some_and(|l| l > date);
        if (earlier || super::fault::ledger_from_archive()) && self.history.is_none() {
            let mut all = archive::read(&self.dir)?;
            all.extend(self.queued().cloned());
            let mut all = archive::distinct(all);
            sort(&mut all);
            self.history = Some(all);
        }
        let source = self.history.as_deref().unwrap_or(&self.kept);
        Ok(Before::new(source, date))
    }

    /// The queued entries a run of `date` copies to the archive before staging the next
    /// ledger: those of earlier runs than the latest. The latest run's stay queued, so that
    /// rerunning it leaves the ledger and the archive byte for byte as they were.
    pub fn to_archive(&self, date: NaiveDate) -> Vec<&Entry> {
        let latest = self.latest.map_or(date, |l| l.max(date));
        let mut out: Vec<&Entry> = self.queued().filter(|e| e.run_date < latest).collect();
        // In the order they were issued: by run date, then as the ledger sorts.
        out.sort_by(|a, b| (a.run_date, a.key()).cmp(&(b.run_date, b.key())));
        out
    }

    /// The next ledger: this one with a run's new entries, compacted for a run of `date`.
    /// Entries of tickets not seen open in the run's export (`live`, sorted) stay
    /// `keep_days` after their latest run, in case the ticket comes back, then live on in
    /// the archive only.
    pub fn next(
        self,
        date: NaiveDate,
        mut fresh: Vec<Entry>,
        live: &[CompactString],
        keep_days: u32,
    ) -> Next {
        let latest = self.latest.map_or(date, |l| l.max(date));
        let added = fresh.len();
        sort(&mut fresh);
        let extra: Vec<Entry> = if date < latest {
            let mut e: Vec<Entry> = self
                .extra
                .into_iter()
                .filter(|e| e.run_date >= latest)
                .collect();
            e.extend(fresh.iter().cloned());
            e
        } else {
            Vec::new()
        };
        let merged = merge(self.kept, fresh);
        Next {
            kept: compact(merged, latest, live, keep_days),
            latest,
            extra,
            added,
        }
    }
}

/// Two sorted vectors as one.
fn merge(mut a: Vec<Entry>, mut b: Vec<Entry>) -> Vec<Entry> {
    if b.is_empty() {
        return a;
    }
    if a.is_empty() {
        return b;
    }
    // In `a`, grown by `b`'s length and filled from the back (the later of the two last
    // entries goes last; `a`'s first on a tie), so that the ledger is not held twice.
    let mut i = a.len();
    let filler = Entry {
        action_id: CompactString::default(),
        ticket_id: CompactString::default(),
        ..a[0].clone()
    };
    a.resize(i + b.len(), filler);
    while let Some(y) = b.last() {
        let k = i + b.len() - 1;
        if i > 0 && a[i - 1].key() > y.key() {
            a.swap(k, i - 1);
            i -= 1;
        } else if let Some(y) = b.pop() {
            a[k] = y;
        }
    }
    a
}

/// A ledger to be staged: what it keeps, and what waits for the archive.
pub struct Next {
    kept: Vec<Entry>,
    latest: NaiveDate,
    extra: Vec<Entry>,
    added: usize,
}

impl Next {
    /// How many entries the run adds.
    pub fn added(&self) -> usize {
        self.added
    }

    /// The file: the state, then the queue (the latest run's entries again, as issued).
    pub fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut text = String::with_capacity(64 * 1024);
        text.push_str(HEADER);
        let queue = self.kept.iter().filter(|e| e.run_date == self.latest);
        let mut n = 0;
        for (i, e) in self.kept.iter().chain(queue).chain(&self.extra).enumerate() {
            if i == self.kept.len() {
                text.push_str(QUEUE);
                text.push('\n');
            }
            e.line(&mut text);
            n += 1;
            if text.len() > 60 * 1024 {
                w.write_all(text.as_bytes())?;
                text.clear();
            }
        }
        if n == self.kept.len() {
            text.push_str(QUEUE);
            text.push('\n');
        }
        text.push_str(&format!("{END}{n} entries\n"));
        w.write_all(text.as_bytes())
    }
}

/// What later runs need of the entries (sorted), for runs dated `latest` or later: the
/// latest run's entries as they are; of the earlier ones, per ticket, every strike (one per
/// step and due date: each is an attempt) and the latest of every other action (a check-in
/// counts as the last follow-up; the others only say an action was issued before). Merged
/// entries keep their first run and their latest run date. Stays sorted.
fn compact(
    mut v: Vec<Entry>,
    latest: NaiveDate,
    live: &[CompactString],
    keep_days: u32,
) -> Vec<Entry> {
    let horizon = latest - TimeDelta::days(keep_days.into());
    // In place: what is kept (`v[..w]`) is written over what was read, never ahead of it,
    // so that a night's entries are not held twice.
    let mut w = 0;
    let mut ticket_from = 0;
    let mut newest = NaiveDate::MIN;
    // Where the merged entry of the current action (and due date, for strikes) is.
    let mut merging: Option<usize> = None;
    // Where the kept entries end once the ticket from `from` is closed.
    let close_ticket = |v: &[Entry], w: usize, from: usize, newest: NaiveDate| {
        let gone = from < w && newest < horizon && live.binary_search(&v[from].ticket_id).is_err();
        if gone { from } else { w }
    };
    for r in 0..v.len() {
        let same_ticket = ticket_from < w && v[ticket_from].ticket_id == v[r].ticket_id;
        if !same_ticket {
            w = close_ticket(&v, w, ticket_from, newest);
            ticket_from = w;
            newest = NaiveDate::MIN;
            merging = None;
        }
        newest = newest.max(v[r].run_date);
        if v[r].run_date == latest {
            v.swap(w, r);
            w += 1;
            continue;
        }
        let fits = merging.is_some_and(|m| {
            let (g, e) = (&v[m], &v[r]);
            g.action_id == e.action_id && (e.kind != Kind::Strike || g.due_date == e.due_date)
        });
        match merging {
            Some(m) if fits => {
                let run_date = v[m].run_date.max(v[r].run_date);
                let first_run = v[m].first_run.min(v[r].first_run);
                if v[r].when() > v[m].when() {
                    // The one replaced goes where `r` was read: never read again.
                    v.swap(m, r);
                }
                v[m].run_date = run_date;
                v[m].first_run = first_run;
            }
            _ => {
                merging = Some(w);
                v.swap(w, r);
                w += 1;
            }
        }
    }
    w = close_ticket(&v, w, ticket_from, newest);
    v.truncate(w);
    // A merged entry took the due date of its latest: back into order.
    sort(&mut v);
    v
}

/// What `Before::meet` found.
pub struct Met {
    pub repeats: Vec<bool>,
    pub fresh: Vec<Entry>,
}

/// The ledger as it was before a run date: lookups in the sorted entries, each ticket's
/// range found by bisection.
pub struct Before<'l> {
    entries: &'l [Entry],
    date: NaiveDate,
    /// The latest run date before `date`.
    last_run: Option<NaiveDate>,
    /// Set on the first entry of each ticket the run's export has open.
    open: Vec<AtomicBool>,
}

impl<'l> Before<'l> {
    fn new(entries: &'l [Entry], date: NaiveDate) -> Before<'l> {
        Before {
            entries,
            date,
            last_run: entries
                .iter()
                .map(|e| e.run_date)
                .filter(|d| *d < date)
                .max(),
            open: (0..entries.len()).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// The entries of a ticket, and where they start.
    fn ticket(&self, id: &str) -> (usize, &'l [Entry]) {
        let from = self.entries.partition_point(|e| e.ticket_id.as_str() < id);
        let len = self.entries[from..].partition_point(|e| e.ticket_id.as_str() == id);
        (from, &self.entries[from..from + len])
    }

    /// What a run's actions are to the ledger: whether the latest earlier run issued each
    /// too (in the actions' order), and the entries to add for those not recorded for the
    /// run's date yet, each with the date the action was first issued. The actions are
    /// taken in ticket order and met with the ledger's entries in one pass: looking each
    /// up in a large ledger would cost a cache miss per step.
    pub fn meet(&self, actions: &[&Head]) -> Met {
        let mut by_ticket: Vec<usize> = (0..actions.len()).collect();
        by_ticket.sort_unstable_by(|&i, &j| actions[i].ticket_id.cmp(&actions[j].ticket_id));
        let mut met = Met {
            repeats: vec![false; actions.len()],
            fresh: Vec::with_capacity(actions.len()),
        };
        let mut from = 0;
        for i in by_ticket {
            let a = actions[i];
            let ticket = a.ticket_id.as_str();
            while from < self.entries.len() && self.entries[from].ticket_id.as_str() < ticket {
                from += 1;
            }
            let id = a.id();
            let mut recorded = false;
            let mut first_run = self.date;
            for e in self.entries[from..]
                .iter()
                .take_while(|e| e.ticket_id.as_str() == ticket)
                .filter(|e| e.action_id == id)
            {
                if e.run_date == self.date {
                    recorded = true;
                } else if e.run_date < self.date {
                    first_run = first_run.min(e.first_run);
                    met.repeats[i] |= Some(e.run_date) == self.last_run;
                }
            }
            if !recorded {
                met.fresh.push(Entry::of(a, self.date, first_run));
            }
        }
        met
    }

    /// The tickets of the ledger that the run's export has open, sorted.
    pub fn live(&self) -> Vec<CompactString> {
        let mut live: Vec<CompactString> = self
            .open
            .iter()
            .zip(self.entries)
            .filter(|(o, _)| o.load(Ordering::Relaxed))
            .map(|(_, e)| e.ticket_id.clone())
            .collect();
        live.dedup();
        live
    }

    /// Supplies what an export without attempt or follow-up columns cannot say (SPEC §8),
    /// from the actions earlier runs issued for the ticket: each made on its due date, at
    /// the time of day it was planned for. Notes the ticket as open when it is.
    pub fn supply(&self, t: &mut Ticket, rules: &Rules) {
        let (from, entries) = self.ticket(&t.id);
        if entries.is_empty() {
            return;
        }
        if matches!(
            t.state,
            State::Open | State::AwaitingCustomer | State::OnHold
        ) {
            self.open[from].store(true, Ordering::Relaxed);
        }
        let tz = t.customer_tz.unwrap_or(rules.default_tz);
        let issued: Vec<Issued<'_>> = entries
            .iter()
            .filter(|e| e.run_date < self.date)
            .map(|e| {
                let minute = (e.suggested_at.hour() * 60 + e.suggested_at.minute()) as u16;
                Issued {
                    action_id: &e.action_id,
                    kind: e.kind,
                    due: e.due_date,
                    at: local_instant(tz, e.due_date, minute),
                    channel: e.channel,
                }
            })
            .collect();
        if !issued.is_empty() {
            recall(t, &issued);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::entry::TIME;
    use crate::ticket::Channel;
    use chrono::DateTime;

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
    fn two_ledgers_merged_in_place_are_their_entries_sorted_the_first_ones_first_on_a_tie() {
        // Entries of three tickets on two run dates, some alike in key (ticket, action,
        // dates) but told apart by their step, in every split between the two sides.
        let mut all: Vec<Entry> = Vec::new();
        for (n, ticket) in ["A1", "B2", "C3"].iter().enumerate() {
            for run in ["2026-11-23", "2026-11-24"] {
                let mut e = entry(
                    run,
                    &format!("{ticket}.strike-1"),
                    Kind::Strike,
                    run,
                    "2026-11-23T10:00:00-05:00",
                );
                e.step = n as u32;
                all.push(e.clone());
                e.step += 10;
                all.push(e);
            }
        }
        for mask in 0..(1u32 << all.len()) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (k, e) in all.iter().enumerate() {
                if mask & (1 << k) == 0 {
                    a.push(e.clone())
                } else {
                    b.push(e.clone())
                }
            }
            sort_stably(&mut a);
            sort_stably(&mut b);
            let mut want = a.clone();
            want.extend(b.iter().cloned());
            sort_stably(&mut want);
            assert_eq!(merge(a, b), want, "split {mask:b}");
        }
    }

    fn sort_stably(v: &mut [Entry]) {
        v.sort_by(|x, y| x.key().cmp(&y.key()));
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
            e.action_id = format!("{id}.strike-1").into();
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
    fn a_loaded_ledger_holds_the_latest_runs_entries_once_and_queues_the_rest_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let at = "2026-11-23T10:00:00-05:00";
        let night1 = [
            entry("2026-11-23", "B.strike-1", Kind::Strike, "2026-11-23", at),
            entry("2026-11-23", "A.strike-1", Kind::Strike, "2026-11-23", at),
        ];
        let night2 = entry("2026-11-24", "C.strike-1", Kind::Strike, "2026-11-24", at);
        let lines = |entries: &[&Entry]| {
            let mut text = String::new();
            for e in entries {
                e.line(&mut text);
            }
            text
        };
        let ids = |v: &[Entry]| {
            v.iter()
                .map(|e| e.action_id.to_string())
                .collect::<Vec<_>>()
        };
        // The first ledger: every entry appended, no header; the earlier nights' entries
        // wait for the archive in the order they were appended.
        let text = lines(&[&night1[0], &night2, &night1[1]]);
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let l = Ledger::load(dir.path()).unwrap();
        assert_eq!(ids(&l.kept), ["A.strike-1", "B.strike-1", "C.strike-1"]);
        assert_eq!(ids(&l.extra), ["B.strike-1", "A.strike-1"]);
        // This ledger: the state, then the queue repeating the latest run's entries (held
        // once) and an earlier night's rerun (kept apart).
        let (mut state, mut queue) = (night1.to_vec(), vec![night2.clone()]);
        state.push(night2.clone());
        sort(&mut state);
        let rerun = entry("2026-11-22", "D.strike-1", Kind::Strike, "2026-11-22", at);
        queue.push(rerun);
        let text = format!(
            "{HEADER}{}{QUEUE}\n{}{END}{} entries\n",
            lines(&state.iter().collect::<Vec<_>>()),
            lines(&queue.iter().collect::<Vec<_>>()),
            state.len() + queue.len()
        );
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let l = Ledger::load(dir.path()).unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        assert_eq!(ids(&l.kept), ids(&state));
        assert_eq!(ids(&l.extra), ["D.strike-1"]);
        assert_eq!(l.kept.capacity(), l.kept.len());
    }

    #[test]
    fn a_ledger_torn_inside_a_character_loads_without_its_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let at = "2026-11-23T10:00:00-05:00";
        let (kept, torn) = (
            entry("2026-11-23", "Ä1.strike-1", Kind::Strike, "2026-11-23", at),
            entry("2026-11-23", "Ä2.strike-1", Kind::Strike, "2026-11-23", at),
        );
        let mut text = HEADER.to_string();
        kept.line(&mut text);
        let whole = text.len();
        torn.line(&mut text);
        // Cut after the first byte of the second line's two-byte "Ä".
        let cut = whole + text[whole..].find('Ä').unwrap() + 1;
        std::fs::write(dir.path().join(FILE), &text.as_bytes()[..cut]).unwrap();
        let l = Ledger::load(dir.path()).unwrap();
        assert_eq!(l.kept, [kept]);
        assert!(l.warnings[0].contains("cut short"), "{:?}", l.warnings);
    }

    #[test]
    fn compaction_keeps_each_strike_and_the_latest_of_the_rest() {
        let live = [CompactString::from("A")];
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
        let mut entries = entries;
        sort(&mut entries);
        let kept = compact(entries, "2026-11-23".parse().unwrap(), &live, 30);
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
                "2026-11-22 2026-11-20 A.check_in-1 22 10",
                "2026-11-23 2026-11-23 A.check_in-1 23 10",
                "2026-11-21 2026-11-20 A.strike-1 20 11",
                "2026-11-22 2026-11-22 A.strike-1 22 09",
                "2026-10-30 2026-10-30 C.strike-1 30 10",
            ]
        );
    }
}
