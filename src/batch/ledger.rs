//! The ledger: a plain, append-only record of every action a run issued, so that reruns
//! repeat themselves exactly and exports that never record attempts still advance.
//!
//! One tab-separated line per action and run date: run date, first run date, action id,
//! ticket, kind, step, due date, suggested time.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};

use crate::config::Rules;
use crate::engine::history::{Issued, recall};
use crate::engine::{Action, Kind};
use crate::error::Failure;
use crate::ticket::Ticket;
use crate::time::local_instant;

pub const FILE: &str = "ledger.tsv";

const HEADER: &str = "# followup ledger: one line per action issued by a run, appended, never rewritten.\n\
# run_date\tfirst_run\taction_id\tticket_id\tkind\tstep\tdue_date\tsuggested_at\n";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub run_date: NaiveDate,
    pub first_run: NaiveDate,
    pub action_id: String,
    pub ticket_id: String,
    pub kind: Kind,
    pub step: u32,
    pub due_date: NaiveDate,
    pub suggested_at: DateTime<FixedOffset>,
}

impl Entry {
    fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            self.run_date,
            self.first_run,
            clean(&self.action_id),
            clean(&self.ticket_id),
            self.kind.name(),
            self.step,
            self.due_date,
            self.suggested_at.format("%Y-%m-%dT%H:%M:%S%:z")
        )
    }

    fn parse(line: &str) -> Result<Entry, String> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 8 {
            return Err(format!(
                "expected 8 tab-separated fields, found {}",
                f.len()
            ));
        }
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("\"{s}\" is not a date"))
        };
        Ok(Entry {
            run_date: date(f[0])?,
            first_run: date(f[1])?,
            action_id: f[2].to_string(),
            ticket_id: f[3].to_string(),
            kind: Kind::from_name(f[4])
                .ok_or_else(|| format!("\"{}\" is not an action kind", f[4]))?,
            step: f[5]
                .parse()
                .map_err(|_| format!("\"{}\" is not a step number", f[5]))?,
            due_date: date(f[6])?,
            suggested_at: DateTime::parse_from_rfc3339(f[7])
                .map_err(|_| format!("\"{}\" is not a time", f[7]))?,
        })
    }
}

/// Tabs and line breaks would break the line format; ids keep everything else.
fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

pub struct Ledger {
    path: PathBuf,
    entries: Vec<Entry>,
    /// Whether the file's last line is complete (a run killed mid-append leaves it torn).
    torn: bool,
}

/// The ledger as it was before a run date: what every run of that date starts from.
pub struct Before<'l> {
    by_ticket: HashMap<&'l str, Vec<&'l Entry>>,
    first_run: HashMap<&'l str, NaiveDate>,
    /// Action ids issued by the latest earlier run.
    last_run: HashSet<&'l str>,
}

impl Ledger {
    pub fn load(dir: &Path) -> Result<Ledger, Failure> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Failure::io(format!("cannot read {}: {e}", path.display()))),
        };
        let torn = !text.is_empty() && !text.ends_with('\n');
        let mut entries = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() || (torn && i + 1 == lines.len()) {
                continue;
            }
            let e = Entry::parse(line).map_err(|e| {
                Failure::io(format!(
                    "{}:{}: {e}; the ledger is written by followup only: restore it from a backup or remove the line",
                    path.display(),
                    i + 1
                ))
            })?;
            entries.push(e);
        }
        Ok(Ledger {
            path,
            entries,
            torn,
        })
    }

    pub fn before(&self, date: NaiveDate) -> Before<'_> {
        let earlier: Vec<&Entry> = self.entries.iter().filter(|e| e.run_date < date).collect();
        let latest = earlier.iter().map(|e| e.run_date).max();
        let mut by_ticket: HashMap<&str, Vec<&Entry>> = HashMap::new();
        let mut first_run: HashMap<&str, NaiveDate> = HashMap::new();
        let mut last_run = HashSet::new();
        for e in earlier {
            by_ticket.entry(e.ticket_id.as_str()).or_default().push(e);
            let f = first_run.entry(e.action_id.as_str()).or_insert(e.first_run);
            *f = (*f).min(e.first_run);
            if Some(e.run_date) == latest {
                last_run.insert(e.action_id.as_str());
            }
        }
        Before {
            by_ticket,
            first_run,
            last_run,
        }
    }

    /// Appends the actions of a run not yet recorded for its date, in plan order, each with
    /// the date it was first issued (`first_runs`, from `Before::first_run`).
    pub fn append(
        &mut self,
        run_date: NaiveDate,
        actions: &[&Action],
        first_runs: &[NaiveDate],
    ) -> Result<usize, Failure> {
        let recorded: HashSet<&str> = self
            .entries
            .iter()
            .filter(|e| e.run_date == run_date)
            .map(|e| e.action_id.as_str())
            .collect();
        let mut new = Vec::new();
        for (a, first_run) in actions.iter().zip(first_runs) {
            let id = a.id();
            if recorded.contains(id.as_str()) {
                continue;
            }
            let first_run = *first_run;
            new.push(Entry {
                run_date,
                first_run,
                action_id: id,
                ticket_id: a.ticket_id.to_string(),
                kind: a.kind,
                step: a.step,
                due_date: a.due_date,
                suggested_at: a.suggested_at.with_timezone(&a.timezone).fixed_offset(),
            });
        }
        if new.is_empty() {
            return Ok(0);
        }
        let mut text = String::new();
        if self.entries.is_empty() && !self.path.exists() {
            text.push_str(HEADER);
        }
        if self.torn {
            // A run killed mid-append left half a line: end it, so it stays one bad line
            // (skipped on reading) instead of spoiling the next.
            text.push('\n');
            self.torn = false;
        }
        for e in &new {
            text.push_str(&e.line());
        }
        let fail = |e: std::io::Error| {
            Failure::io(format!("cannot append to {}: {e}", self.path.display()))
        };
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        let n = new.len();
        self.entries.extend(new);
        Ok(n)
    }
}

impl Before<'_> {
    /// The date an action was first issued, `run_date` when never before.
    pub fn first_run(&self, action_id: &str, run_date: NaiveDate) -> NaiveDate {
        self.first_run.get(action_id).copied().unwrap_or(run_date)
    }

    /// Whether the latest earlier run issued this action too.
    pub fn repeats(&self, action_id: &str) -> bool {
        self.last_run.contains(action_id)
    }

    /// Supplies what an export without attempt or follow-up columns cannot say (SPEC §8),
    /// from the actions earlier runs issued for the ticket: each made on its due date, at
    /// the time of day it was planned for.
    pub fn supply(&self, t: &mut Ticket, rules: &Rules) {
        let Some(entries) = self.by_ticket.get(t.id.as_str()) else {
            return;
        };
        let tz = t.customer_tz.unwrap_or(rules.default_tz);
        let issued: Vec<Issued<'_>> = entries
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
