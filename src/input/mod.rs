//! Reading exports: CSV, JSON arrays and NDJSON from files or stdin, mapped to canonical
//! tickets. A bad row becomes a `Reject` (with where and why) and reading goes on.

mod chunk;
mod csv;
mod dates;
mod dedupe;
mod ids;
mod jobs;
mod json;
mod names;
mod ndjson;
pub mod presets;
mod reader;
mod record;
mod row;
mod sheet;
mod sources;
mod split;
pub mod values;

pub use chunk::{Chunk, Parsed, Rows};
pub use dates::{NO_ORDERS, Orders, ReadWith, both_ways};
pub use jobs::{Done, Job};
pub use names::{DECIDING, NearMiss};
pub use row::Parser;
pub use values::Values;

use dedupe::Newest;
use ids::Ids;
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
    /// One line, whatever the values: escaped, and the long ones cut.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::util::{prefix, printable};
        let shown = |s: &str, max| printable(&prefix(s, max), false).into_owned();
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.source)?,
            None => write!(f, "{}: record {}", self.source, self.record)?,
        }
        if let Some(id) = &self.ticket_id {
            write!(f, ": ticket {}", shown(id, 200))?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", shown(&self.field, 200))?;
        }
        write!(f, ": {}", shown(&self.reason, 1000))
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
    /// The first source's columns (a JSON source's: the keys of its first record).
    pub headers: Vec<String>,
    /// Columns no field is read from that look like a field's.
    pub near: Vec<NearMiss>,
    /// The delimiter each CSV source was read with.
    pub delimiters: Vec<(String, u8)>,
    /// Spreadsheet sources, and the sheet row each line of their CSV starts.
    pub(crate) sheet_rows: Vec<(String, Vec<u64>)>,
    /// How each time column was read.
    pub read_with: Vec<ReadWith>,
    /// The order of day and month each time column's values settled.
    pub settled: Orders,
    /// `Dedupe::Every`: each rejected row's ticket and when it was updated (when that
    /// reads), in reading order.
    pub rejected_at: Vec<(
        compact_str::CompactString,
        Option<chrono::DateTime<chrono::Utc>>,
    )>,
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

/// Where the reader's parse jobs run (NDJSON lines and event log rows, parsed apart but
/// taken back in reading order): the pipeline's threads, or `Inline`.
pub trait Parse {
    /// Hands on a job, numbered in reading order.
    fn send(&mut self, n: u64, job: Job) -> Result<(), Failure>;
    /// A job done, if one is; with `wait`, once one is.
    fn recv(&mut self, wait: bool) -> Result<Option<(u64, Done)>, Failure>;
}

/// Parse jobs run at once, on the reading thread: the one-thread path.
pub struct Inline<'r> {
    parser: Parser<'r>,
    done: std::collections::VecDeque<(u64, Done)>,
}

impl<'r> Inline<'r> {
    pub fn new(rules: &'r Rules, texts: bool, orders: &'r Orders) -> Inline<'r> {
        Inline {
            parser: Parser::new(rules, texts, orders),
            done: Default::default(),
        }
    }
}

impl Parse for Inline<'_> {
    fn send(&mut self, n: u64, job: Job) -> Result<(), Failure> {
        self.done.push_back((n, job.run(&self.parser)));
        Ok(())
    }

    fn recv(&mut self, _wait: bool) -> Result<Option<(u64, Done)>, Failure> {
        Ok(self.done.pop_front())
    }
}

/// Reads every source as one export on this thread alone and hands each accepted ticket to
/// `sink`, in order. (`pipeline::read` does the same on every core.)
pub fn read(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    sink: impl FnMut(Ticket),
) -> Result<Stats, Failure> {
    let inline = Box::new(Inline::new(rules, true, &NO_ORDERS));
    read_with(sources, rules, format, true, &NO_ORDERS, inline, sink)
}

/// `read`, with the parse jobs run by `parse`; CSV rows are parsed on this thread. `texts`
/// as for `read_rows`.
pub fn read_with<'r>(
    sources: &[Source],
    rules: &'r Rules,
    format: Option<Format>,
    texts: bool,
    orders: &'r Orders,
    parse: Box<dyn Parse + 'r>,
    mut sink: impl FnMut(Ticket),
) -> Result<Stats, Failure> {
    let parser = Parser::new(rules, texts, orders);
    let mut parsed = Parsed::default();
    let (stats, mine) = read_rows(sources, rules, format, texts, orders, parse, |chunk| {
        chunk.tickets(&parser, &mut parsed, &mut |t| sink(*t));
        // A file in another encoding stops the read at its first row.
        match parsed.fatal.take() {
            Some((_, f)) => Err(f),
            None => Ok(()),
        }
    })?;
    parsed.merge(mine);
    parsed.close(stats, &rules.input, orders)
}

/// Reads every source as one export and hands `sink` its tickets in order, in chunks. The
/// rows of a CSV export come unparsed, so that the caller's threads may parse them
/// (`Chunk::tickets`; their rejects are merged into the returned `Parsed`, and
/// `Parsed::close` gives the `Stats`). NDJSON lines and event log rows are parsed by
/// `parse` and come as tickets: their ids must be seen in reading order. `texts` keeps the
/// fields only drafts and `explain` show (subject, customer, notes, the columns no rule
/// reads).
#[allow(clippy::too_many_arguments)]
pub fn read_rows<'r>(
    sources: &[Source],
    rules: &'r Rules,
    format: Option<Format>,
    texts: bool,
    orders: &'r Orders,
    parse: Box<dyn Parse + 'r>,
    mut sink: impl FnMut(Chunk) -> Result<(), Failure>,
) -> Result<(Stats, Parsed), Failure> {
    let mut r = Reader {
        rules,
        parser: Parser::new(rules, texts, orders),
        stats: Stats::default(),
        parsed: Parsed::default(),
        seen: Ids::default(),
        newest: Newest::default(),
        names: Field::ALL.iter().map(|f| f.name().to_string()).collect(),
        seq: 0,
        json: Default::default(),
        pending: Vec::new(),
        pool: Pool {
            parse,
            sent: 0,
            next: 0,
            waiting: std::collections::BTreeMap::new(),
        },
    };
    r.read_all(sources, format, &mut sink)?;
    r.parsed.dates.merge(r.parser.take_dates());
    Ok((r.stats, r.parsed))
}
