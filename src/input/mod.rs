//! Reading exports: CSV, JSON arrays and NDJSON from files or stdin, mapped to canonical
//! tickets. A bad row becomes a `Reject` (with where and why) and reading goes on.

mod chunk;
mod csv;
mod ids;
mod jobs;
mod json;
pub mod presets;
mod reader;
mod row;
mod sources;
mod split;
pub mod values;

pub use chunk::{Chunk, Parsed, Rows};
pub use row::Parser;

use ids::Ids;
use jobs::{Done, Job};
use reader::{Pool, Reader};

use std::collections::HashMap;

use std::path::PathBuf;

use crate::config::{Format, Rules};
use crate::error::Failure;
use crate::ticket::{Field, Ticket};

/// One input: a file, or stdin (`-`).
#[derive(Clone, Debug)]
pub enum Source {
    Stdin,
    Path(PathBuf),
    /// Bytes in memory, with a name for messages (tests and fuzzing).
    Bytes(String, Vec<u8>),
}

impl Source {
    pub fn from_arg(s: &str) -> Source {
        if s == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(s))
        }
    }

    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".into(),
            Source::Path(p) => p.display().to_string(),
            Source::Bytes(name, _) => name.clone(),
        }
    }
}

/// A row that could not be planned, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reject {
    pub source: String,
    /// Line where the row starts (CSV, NDJSON); absent inside a JSON array.
    pub line: Option<u64>,
    /// 1-based number of the data row or record in its source.
    pub record: u64,
    pub ticket_id: Option<String>,
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.source)?,
            None => write!(f, "{}: record {}", self.source, self.record)?,
        }
        if let Some(id) = &self.ticket_id {
            write!(f, ": ticket {id}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What a read produced besides tickets.
#[derive(Debug, Default)]
pub struct Stats {
    pub rows: u64,
    pub rejects: Vec<Reject>,
    /// Channel values no mapping knows, with how often each was seen.
    pub unknown_channels: HashMap<String, u64>,
    /// The export's column for each field found, as the first source names it.
    pub columns: std::collections::BTreeMap<Field, String>,
}

impl Stats {
    /// The export's own name for a field's column: as the export wrote it, else as the rules
    /// give it (what a file to re-import must use).
    pub fn column(&self, rules: &Rules, f: Field) -> String {
        self.columns
            .get(&f)
            .cloned()
            .unwrap_or_else(|| rules.column_name(f))
    }
}

/// Reads every source as one export and hands each accepted ticket to `sink`, in order.
pub fn read(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    mut sink: impl FnMut(Ticket),
) -> Result<Stats, Failure> {
    let parser = Parser::new(rules, true);
    let mut parsed = Parsed::default();
    let (stats, mine) = read_rows(sources, rules, format, true, |chunk| {
        chunk.tickets(&parser, &mut parsed, &mut |t| sink(*t));
        // A file in another encoding stops the read at its first row.
        match parsed.fatal.take() {
            Some((_, f)) => Err(f),
            None => Ok(()),
        }
    })?;
    parsed.merge(mine);
    parsed.close(stats)
}

/// Reads every source as one export and hands `sink` its tickets in order, in chunks. The
/// rows of a CSV export come unparsed, so that the caller's threads may parse them
/// (`Chunk::tickets`; their rejects are merged into the returned `Parsed`, and
/// `Parsed::close` gives the `Stats`). NDJSON lines and event log rows are parsed on threads
/// started here and come as tickets: their ids must be seen in reading order. `texts` keeps
/// the fields only drafts and `explain` show (subject, customer, notes, the columns no rule
/// reads).
pub fn read_rows(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    texts: bool,
    mut sink: impl FnMut(Chunk) -> Result<(), Failure>,
) -> Result<(Stats, Parsed), Failure> {
    let threads = crate::util::threads();
    let (jobs, to_parse) = std::sync::mpsc::sync_channel::<(u64, Job)>(threads * 2);
    let to_parse = std::sync::Mutex::new(to_parse);
    let (parsed, done) = std::sync::mpsc::channel::<(u64, Done)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (to_parse, parsed) = (&to_parse, parsed.clone());
            scope.spawn(move || {
                let parser = Parser::new(rules, texts);
                loop {
                    let next = to_parse.lock().map(|rx| rx.recv());
                    let Ok(Ok((n, job))) = next else { break };
                    if parsed.send((n, job.run(&parser))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(parsed);
        let mut r = Reader {
            rules,
            parser: Parser::new(rules, texts),
            stats: Stats::default(),
            parsed: Parsed::default(),
            seen: Ids::default(),
            latest: HashMap::new(),
            order: 0,
            names: Field::ALL.iter().map(|f| f.name().to_string()).collect(),
            seq: 0,
            pending: Vec::new(),
            pool: Pool {
                jobs,
                done,
                sent: 0,
                next: 0,
                waiting: std::collections::BTreeMap::new(),
            },
        };
        // Dropping the reader (its end of the channels) lets the parser threads finish.
        r.read_all(sources, format, &mut sink)?;
        Ok((r.stats, r.parsed))
    })
}
