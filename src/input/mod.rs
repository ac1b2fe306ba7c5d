//! Reading exports: CSV, JSON arrays and NDJSON from files or stdin, mapped to canonical
//! tickets. A bad row becomes a `Reject` (with where and why) and reading goes on.

pub mod presets;
mod split;
pub mod values;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use crate::config::{Dedupe, Format, Rules};
use crate::error::Failure;
use crate::ticket::{Field, Origin, State, Ticket};
use crate::util::closest;
use values::Values;

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

impl Reader<'_> {
    fn read_all(
        &mut self,
        sources: &[Source],
        format: Option<Format>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let rules = self.rules;
        let stdin_only = [Source::Stdin];
        let sources = if sources.is_empty() {
            &stdin_only[..]
        } else {
            sources
        };
        for (seq, src) in sources.iter().enumerate() {
            self.seq = seq;
            let name = src.name();
            let raw: Box<dyn io::Read> = match src {
                Source::Stdin => Box::new(io::stdin()),
                Source::Path(p) => Box::new(
                    fs::File::open(p)
                        .map_err(|e| Failure::io(format!("cannot open {}: {e}", p.display())))?,
                ),
                Source::Bytes(_, b) => Box::new(io::Cursor::new(b.clone())),
            };
            let mut input = decoded(raw, rules.input.encoding)
                .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
            skip_bom(&mut input).map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
            let fmt = format
                .or(rules.input.format)
                .or_else(|| match src {
                    Source::Path(p) => by_extension(p),
                    Source::Stdin | Source::Bytes(..) => None,
                })
                .map(Ok)
                .unwrap_or_else(|| {
                    sniff(&mut input).map_err(|e| Failure::io(format!("cannot read {name}: {e}")))
                })?;
            match fmt {
                Format::Csv => {
                    let size = match src {
                        Source::Path(p) => fs::metadata(p).ok().map(|m| m.len()),
                        Source::Stdin | Source::Bytes(..) => None,
                    };
                    self.csv(&name, input, size, sink)?
                }
                Format::Ndjson => self.ndjson(&name, input, sink)?,
                Format::Json => self.json(&name, input, sink)?,
            }
            // The next source's ids and rows come after all of this one's.
            self.take_parsed(sink, true)?;
            self.flush_tickets(sink, 1)?;
        }
        // Event logs: the newest row of each id, in the order the ids first appeared.
        let mut latest: Vec<_> = self
            .latest
            .drain()
            .filter_map(|(_, (order, _, t))| Some((order, t?)))
            .collect();
        latest.sort_by_key(|(order, _)| *order);
        for (_, t) in latest {
            self.pending.push(t);
            self.flush_tickets(sink, BATCH)?;
        }
        self.flush_tickets(sink, 1)
    }
}

/// Rows or tickets handed to `sink` at a time.
const BATCH: usize = 2048;

/// An event log's newest row of an id: when the id first came, the newest time, and the
/// ticket unless it is closed.
type Latest = (u64, DateTime<Utc>, Option<Box<Ticket>>);

/// A run of input in reading order: tickets parsed already (JSON, event logs), or CSV rows
/// still to parse.
pub enum Chunk {
    #[allow(clippy::vec_box)]
    Tickets(Vec<Box<Ticket>>),
    Rows(Rows),
}

impl Chunk {
    /// Rows or tickets in the chunk.
    pub fn len(&self) -> usize {
        match self {
            Chunk::Tickets(t) => t.len(),
            Chunk::Rows(r) => r.at.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives each ticket of the chunk to `each`, in order, parsing rows with `parser`; bad
    /// rows go to `out`.
    pub fn tickets(self, parser: &Parser<'_>, out: &mut Parsed, each: &mut dyn FnMut(Box<Ticket>)) {
        match self {
            Chunk::Tickets(ts) => ts.into_iter().for_each(each),
            Chunk::Rows(rows) => rows.parse(parser, out, each),
        }
    }
}

/// CSV rows of one source as read: every row's cells in one buffer. The reading thread fills
/// it; any thread parses it.
pub struct Rows {
    layout: Arc<Layout>,
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes`; the next starts one byte later. Each row has
    /// `layout.width` cells.
    ends: Vec<usize>,
    /// Each row's line and record number, for rejects.
    at: Vec<(Option<u64>, u64)>,
}

/// How one CSV source maps its columns.
struct Layout {
    source: String,
    seq: usize,
    width: usize,
    index: [Option<usize>; Field::ALL.len()],
    /// The column each field is read from, for messages.
    names: Vec<String>,
    /// Columns the mapping does not use.
    extra: Vec<(usize, Arc<str>)>,
    /// Buffers of rows parsed already, for the reading thread to fill again: fresh ones
    /// would each cost a round of page faults.
    spares: std::sync::Mutex<Vec<Buffers>>,
}

type Buffers = (Vec<u8>, Vec<usize>, Vec<(Option<u64>, u64)>);

impl Drop for Rows {
    fn drop(&mut self) {
        // More spares than chunks in flight would only hold memory.
        const KEEP: usize = 16;
        if let Ok(mut spares) = self.layout.spares.lock()
            && spares.len() < KEEP
        {
            let mut b = (
                std::mem::take(&mut self.bytes),
                std::mem::take(&mut self.ends),
                std::mem::take(&mut self.at),
            );
            b.0.clear();
            b.1.clear();
            b.2.clear();
            spares.push(b);
        }
    }
}

impl Rows {
    fn new(layout: Arc<Layout>) -> Rows {
        Rows {
            layout,
            bytes: Vec::new(),
            ends: Vec::new(),
            at: Vec::new(),
        }
    }

    /// Rows of the same layout, with room for as many as `like` held.
    fn like(like: &Rows) -> Rows {
        let spare = like.layout.spares.lock().ok().and_then(|mut s| s.pop());
        let (bytes, ends, at) = spare.unwrap_or_else(|| {
            (
                Vec::with_capacity(like.bytes.len()),
                Vec::with_capacity(like.ends.len()),
                Vec::with_capacity(like.at.len()),
            )
        });
        Rows {
            layout: like.layout.clone(),
            bytes,
            ends,
            at,
        }
    }

    fn parse(self, p: &Parser<'_>, out: &mut Parsed, each: &mut dyn FnMut(Box<Ticket>)) {
        let seq = self.layout.seq;
        let mut found = Parsed::default();
        self.outcomes(p, out, &mut |o| match o.ticket {
            Ok(t) => {
                found.count_channel(&t);
                each(t)
            }
            Err(r) => found.reject(*r, seq),
        });
        out.merge(found);
    }

    /// Each row's outcome, in order (ids are left out: repeats are checked as rows are
    /// read); a row in another encoding fails in `out`.
    fn outcomes(self, p: &Parser<'_>, out: &mut Parsed, each: &mut dyn FnMut(Outcome)) {
        let l = &*self.layout;
        let extra: Vec<&(usize, Arc<str>)> =
            l.extra.iter().filter(|(_, h)| p.wants_extra(h)).collect();
        // Texts only drafts and `explain` show are not read without them.
        let mapped: Vec<(usize, usize)> = Field::ALL
            .iter()
            .filter(|f| p.texts || !f.is_text())
            .filter_map(|&f| Some((f as usize, l.index[f as usize]?)))
            .collect();
        // One check for the whole chunk; only a chunk that fails it is checked row by row,
        // to find the row at fault.
        let whole = std::str::from_utf8(&self.bytes).ok();
        // The extra cells present in a row, in one buffer for every row.
        let mut present: Vec<(&Arc<str>, &str)> = Vec::with_capacity(extra.len());
        for (row, &(line, record)) in self.at.iter().enumerate() {
            let at = At {
                source: &l.source,
                seq: l.seq,
                line,
                record,
            };
            let first = row * l.width;
            let begin = if first == 0 {
                0
            } else {
                self.ends[first - 1] + 1
            };
            let ends = &self.ends[first..first + l.width];
            // Cells end at one-byte separators, so each cell of UTF-8 text is UTF-8 too.
            // Only the cells read are cut out.
            let row = begin..ends[l.width - 1];
            let text = match whole {
                Some(all) => all.get(row),
                None => std::str::from_utf8(&self.bytes[row]).ok(),
            };
            let Some(text) = text else {
                // Not a bad row but a file in another encoding: every row would be mojibake.
                out.fail(
                    at.key(),
                    Failure::usage(format!(
                        "{}:{}: the file is not UTF-8; if a spreadsheet saved it, set [input].encoding = \"windows-1252\" (or re-save it as CSV UTF-8)",
                        l.source,
                        line.unwrap_or(record + 1)
                    )),
                );
                continue;
            };
            let cell = |i: usize| {
                let start = if i == 0 { 0 } else { ends[i - 1] + 1 - begin };
                text.get(start..ends[i] - begin).unwrap_or_default()
            };
            // A plain loop over the mapped fields: `array::from_fn` costs a call per field.
            let mut fields: [Option<&str>; Field::ALL.len()] = [None; Field::ALL.len()];
            for &(f, i) in &mapped {
                fields[f] = p.values.present(cell(i));
            }
            present.clear();
            present.extend(
                extra
                    .iter()
                    .filter_map(|(i, h)| Some((h, p.values.present(cell(*i))?))),
            );
            each(Outcome {
                line,
                record,
                id: None,
                ticket: p.outcome(at, &l.names, &fields, &present),
            });
        }
    }
}

/// Where a reject sorts: source, then record. Rows parsed on several threads still list
/// their rejects in file order.
type Key = (usize, u64);

/// What parsing found besides tickets. Merged from every thread, then closed into `Stats`.
#[derive(Default)]
pub struct Parsed {
    rejects: Vec<(Key, Reject)>,
    unknown_channels: HashMap<String, u64>,
    /// A row that is not UTF-8 (the file is in another encoding): the first one wins.
    fatal: Option<(Key, Failure)>,
}

impl Parsed {
    fn reject(&mut self, r: Reject, seq: usize) {
        self.rejects.push(((seq, r.record), r));
    }

    fn count_channel(&mut self, t: &Ticket) {
        if let Origin::Unknown(raw) = &t.origin {
            *self.unknown_channels.entry(raw.clone()).or_default() += 1;
        }
    }

    fn fail(&mut self, key: Key, f: Failure) {
        if self.fatal.as_ref().is_none_or(|(k, _)| key < *k) {
            self.fatal = Some((key, f));
        }
    }

    pub fn merge(&mut self, other: Parsed) {
        self.rejects.extend(other.rejects);
        for (raw, n) in other.unknown_channels {
            *self.unknown_channels.entry(raw).or_default() += n;
        }
        if let Some((k, f)) = other.fatal {
            self.fail(k, f);
        }
    }

    /// The read's `Stats`, rejects in file order; the first row in another encoding fails
    /// the whole read.
    pub fn close(mut self, mut stats: Stats) -> Result<Stats, Failure> {
        if let Some((_, f)) = self.fatal {
            return Err(f);
        }
        self.rejects.sort_by_key(|(k, _)| *k);
        stats.rejects = self.rejects.into_iter().map(|(_, r)| r).collect();
        stats.unknown_channels = self.unknown_channels;
        Ok(stats)
    }
}

/// Bits of an id's start kept per id (few in tests, so that they cover the rest).
#[cfg(not(test))]
const WRAP: u32 = 32;
#[cfg(test)]
const WRAP: u32 = 8;

/// A set of ticket ids in little memory: the ids' bytes in one buffer, the table holding
/// the number of each. Exact, unlike a set of hashes. While the ids come in ascending order
/// (by length, then bytes), as exports sorted by ticket number do, a new id is only compared
/// with the last and the table waits: it is built from the ids read once one comes out of
/// order. A table of a million ids costs a cache miss or two per id.
struct Ids {
    bytes: Vec<u8>,
    /// Where each id starts in `bytes`, modulo 2^WRAP; an id runs to the next one's start.
    starts: Vec<u32>,
    /// The ids at which `starts` passed another 2^WRAP: what the low bits leave out.
    wraps: Vec<usize>,
    table: hashbrown::HashTable<u32>,
    /// Every id so far was greater than the one before; the table is empty.
    ascending: bool,
    /// How many ids the input is expected to hold, to size the table.
    expected: usize,
}

impl Default for Ids {
    fn default() -> Ids {
        Ids {
            bytes: Vec::new(),
            starts: Vec::new(),
            wraps: Vec::new(),
            table: hashbrown::HashTable::new(),
            ascending: true,
            expected: 0,
        }
    }
}

/// The parts of `Ids` an id is read from, borrowed apart from the table that changes.
struct Spans<'a> {
    bytes: &'a [u8],
    starts: &'a [u32],
    wraps: &'a [usize],
}

impl<'a> Spans<'a> {
    fn start(&self, i: usize) -> usize {
        let high = self.wraps.partition_point(|&w| w <= i);
        (high << WRAP) | self.starts[i] as usize
    }

    fn get(&self, i: u32) -> &'a [u8] {
        let i = i as usize;
        let end = if i + 1 < self.starts.len() {
            self.start(i + 1)
        } else {
            self.bytes.len()
        };
        &self.bytes[self.start(i)..end]
    }
}

impl Ids {
    fn spans(&self) -> Spans<'_> {
        Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        }
    }

    fn hash(id: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// Room for `n` more ids.
    fn reserve(&mut self, n: usize) {
        self.starts.reserve(n);
        if self.ascending {
            self.expected = self.starts.len() + n;
            return;
        }
        let spans = Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        };
        self.table.reserve(n, |&i| Ids::hash(spans.get(i)));
    }

    /// Adds an id; false when it was there already.
    fn insert(&mut self, id: &str) -> bool {
        use std::cmp::Ordering;
        let id = id.as_bytes();
        if self.ascending {
            let last = self.starts.len().checked_sub(1).map(|n| {
                let last = self.spans().get(n as u32);
                (last.len(), last).cmp(&(id.len(), id))
            });
            match last {
                None | Some(Ordering::Less) => {
                    self.push(id);
                    return true;
                }
                Some(Ordering::Equal) => return false,
                Some(Ordering::Greater) => self.index(),
            }
        }
        let h = Ids::hash(id);
        let spans = self.spans();
        if self.table.find(h, |&i| spans.get(i) == id).is_some() {
            return false;
        }
        if let Some(n) = self.push(id) {
            let spans = Spans {
                bytes: &self.bytes,
                starts: &self.starts,
                wraps: &self.wraps,
            };
            self.table.insert_unique(h, n, |&i| Ids::hash(spans.get(i)));
        }
        true
    }

    /// Stores an id, and gives its number; none past four billion ids, far more than any
    /// export: then the set stops growing.
    fn push(&mut self, id: &[u8]) -> Option<u32> {
        let n = u32::try_from(self.starts.len()).ok()?;
        let start = self.bytes.len();
        while start >> WRAP > self.wraps.len() {
            self.wraps.push(self.starts.len());
        }
        self.starts.push((start & ((1 << WRAP) - 1)) as u32);
        self.bytes.extend_from_slice(id);
        Some(n)
    }

    /// An id came out of order: from now on ids are found in the table, which gets every
    /// id read so far (all different, as they ascended).
    fn index(&mut self) {
        self.ascending = false;
        let n = self.starts.len();
        let spans = Spans {
            bytes: &self.bytes,
            starts: &self.starts,
            wraps: &self.wraps,
        };
        self.table
            .reserve(self.expected.max(n + 1), |&i| Ids::hash(spans.get(i)));
        for i in 0..n as u32 {
            let id = spans.get(i);
            self.table
                .insert_unique(Ids::hash(id), i, |&j| Ids::hash(spans.get(j)));
        }
    }
}

/// The input as UTF-8: as it is when it is UTF-8 already, else transcoded from the
/// configured encoding (or from UTF-16 when a byte-order mark says so).
fn decoded(
    raw: Box<dyn io::Read>,
    encoding: &'static encoding_rs::Encoding,
) -> io::Result<Box<dyn BufRead>> {
    let mut input = BufReader::with_capacity(1 << 16, raw);
    let head = input.fill_buf()?;
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if encoding == encoding_rs::UTF_8 && !utf16 {
        return Ok(Box::new(input));
    }
    let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(input);
    Ok(Box::new(BufReader::with_capacity(1 << 16, decoder)))
}

fn skip_bom(input: &mut Box<dyn BufRead>) -> io::Result<()> {
    if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    Ok(())
}

fn by_extension(p: &Path) -> Option<Format> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "ndjson" | "jsonl" => Some(Format::Ndjson),
        _ => None,
    }
}

/// The first non-blank byte decides: `[` is a JSON array, `{` NDJSON, anything else CSV.
fn sniff(input: &mut Box<dyn BufRead>) -> io::Result<Format> {
    let buf = input.fill_buf()?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    let Some(start) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(Format::Csv);
    };
    Ok(match buf[start] {
        b'[' => Format::Json,
        // One object per line is NDJSON; an object across lines is a JSON export object.
        b'{' => match buf[start..].iter().position(|b| *b == b'\n') {
            Some(end)
                if serde_json::from_slice::<serde::de::IgnoredAny>(&buf[start..start + end])
                    .is_err() =>
            {
                Format::Json
            }
            _ => Format::Ndjson,
        },
        _ => Format::Csv,
    })
}

struct Reader<'r> {
    rules: &'r Rules,
    /// Parses, on the reading thread, the records of a JSON array and the first record of
    /// an NDJSON export (which stands for its header).
    parser: Parser<'r>,
    stats: Stats,
    parsed: Parsed,
    /// `dedupe = "reject"`: the ids read so far.
    seen: Ids,
    /// `dedupe = "last"`: id → (first order, newest ticket).
    latest: HashMap<compact_str::CompactString, Latest>,
    order: u64,
    /// The column each field is read from in the current source or record, for messages.
    names: Vec<String>,
    /// The source being read, by its place among the sources.
    seq: usize,
    /// Tickets parsed here, not yet handed on (boxed as parsed: they are not moved again).
    #[allow(clippy::vec_box)]
    pending: Vec<Box<Ticket>>,
    pool: Pool,
}

/// Where a row is, for rejects.
#[derive(Clone, Copy)]
struct At<'a> {
    source: &'a str,
    seq: usize,
    line: Option<u64>,
    record: u64,
}

impl<'a> At<'a> {
    fn key(&self) -> Key {
        (self.seq, self.record)
    }

    fn reject(
        &self,
        id: Option<&str>,
        field: &str,
        value: &str,
        reason: impl Into<String>,
    ) -> Reject {
        Reject {
            source: self.source.to_string(),
            line: self.line,
            record: self.record,
            ticket_id: id.map(str::to_string),
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl Reader<'_> {
    /// The column a field is read from in the current source, for messages.
    fn column_name(&self, f: Field) -> String {
        self.names[f as usize].clone()
    }

    /// The column names to try for a field, in order.
    fn candidates(&self, f: Field) -> &[String] {
        self.rules
            .input
            .columns
            .get(&f)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Back to the names the rules give, before a source says which it uses.
    fn reset_names(&mut self) {
        for f in Field::ALL {
            self.names[f as usize] = self
                .candidates(f)
                .first()
                .cloned()
                .unwrap_or_else(|| f.name().to_string());
        }
    }

    fn csv(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        size: Option<u64>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let mut rdr = split::Splitter::new(input);
        let mut rec = split::Record::default();
        let got = rdr
            .read(&mut rec)
            .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
        if !got {
            return Err(Failure::usage(format!(
                "{name} is empty: an export needs a header row with at least the columns {}",
                self.required_names().join(", ")
            )));
        }
        let headers = header_names(&rec);
        self.reset_names();
        let mut index: [Option<usize>; Field::ALL.len()] = [None; Field::ALL.len()];
        for f in Field::ALL {
            let found = self.candidates(f).iter().find_map(|want| {
                headers.iter().position(|h| h == want).or_else(|| {
                    headers
                        .iter()
                        .position(|h| h.trim().eq_ignore_ascii_case(want.trim()))
                })
            });
            if let Some(i) = found {
                index[f as usize] = Some(i);
                self.names[f as usize] = headers[i].clone();
            }
        }
        self.require(name, &index, &headers)?;
        if self.stats.columns.is_empty() {
            for f in Field::ALL {
                if index[f as usize].is_some() {
                    self.stats.columns.insert(f, self.names[f as usize].clone());
                }
            }
        }
        let used: HashSet<usize> = index.iter().flatten().copied().collect();
        let layout = Arc::new(Layout {
            source: name.to_string(),
            seq: self.seq,
            width: headers.len(),
            index,
            names: self.names.clone(),
            extra: headers
                .iter()
                .enumerate()
                .filter(|(i, _)| !used.contains(i))
                .map(|(i, h)| (i, Arc::from(h.as_str())))
                .collect(),
            spares: std::sync::Mutex::new(Vec::new()),
        });
        let id_cell = index[Field::Id as usize];
        let mut rows = Rows::new(layout.clone());
        let mut record = 0u64;
        let mut sized = false;
        loop {
            // The row is cut straight into the chunk, and taken back if it is not kept.
            let (kept, kept_ends) = (rows.bytes.len(), rows.ends.len());
            let onto = split::Onto {
                bytes: &mut rows.bytes,
                ends: &mut rows.ends,
            };
            let line = match rdr.read_onto(onto) {
                Ok(None) => break,
                Ok(Some(line)) => line,
                Err(e) => {
                    return Err(Failure::io(format!("cannot read {name}: {e}")));
                }
            };
            let ends = &rows.ends[kept_ends..];
            let cell = |i: usize| -> Option<&[u8]> {
                let end = *ends.get(i)?;
                let start = if i == 0 { kept } else { ends[i - 1] + 1 };
                rows.bytes.get(start..end)
            };
            record += 1;
            let at = At {
                source: name,
                seq: self.seq,
                line: Some(line),
                record,
            };
            let keep = if ends.len() == 1
                && cell(0).is_some_and(|c| c.iter().all(u8::is_ascii_whitespace))
            {
                record -= 1;
                false // a blank line is not a row
            } else if ends.len() != headers.len() {
                self.stats.rows += 1;
                let id = id_cell.and_then(cell).map(String::from_utf8_lossy);
                let r = at.reject(
                    id.as_deref(),
                    "",
                    "",
                    format!(
                        "the row has {} fields but the header has {}; check for an unquoted comma or a missing quote",
                        ends.len(),
                        headers.len()
                    ),
                );
                self.parsed.reject(r, self.seq);
                false
            } else {
                self.stats.rows += 1;
                // Ids repeat or not in reading order, so this check stays on the reading
                // thread.
                let id = id_cell
                    .and_then(cell)
                    .and_then(|c| std::str::from_utf8(c).ok());
                !self.repeated(at, id)
            };
            if !keep {
                rows.bytes.truncate(kept);
                rows.ends.truncate(kept_ends);
                continue;
            }
            rows.bytes.push(b',');
            rows.at.push((at.line, record));
            if rows.at.len() == BATCH {
                if let Some(size) = size.filter(|_| !sized) {
                    sized = true;
                    // The first rows tell how many the file holds: room for their ids now
                    // spares growing the set step by step.
                    // Rows hold their bytes as read, a comma for each line end; an eighth
                    // more room spares growing when later rows are shorter.
                    let per_row = rows.bytes.len() / BATCH + 1;
                    self.seen.reserve(size as usize / per_row * 9 / 8);
                }
                let next = Rows::like(&rows);
                let full = std::mem::replace(&mut rows, next);
                self.flush_rows(full, sink)?;
            }
        }
        self.flush_rows(rows, sink)
    }

    /// `dedupe = "reject"`: whether the row's id was read before (then rejected). Checked
    /// before the row is parsed: a row whose id repeats is rejected as such even when the
    /// earlier row was rejected for another reason.
    fn repeated(&mut self, at: At<'_>, id: Option<&str>) -> bool {
        if self.rules.input.dedupe != Dedupe::Reject {
            return false;
        }
        let Some(id) = id.and_then(|s| self.parser.values.present(s)) else {
            return false;
        };
        if self.seen.insert(id) {
            return false;
        }
        let r = at.reject(
            Some(id),
            &self.column_name(Field::Id),
            id,
            "this id repeats an earlier row; ids must be unique (for event logs set [input].dedupe = \"last\")",
        );
        self.parsed.reject(r, at.seq);
        true
    }

    /// Hands rows on to the caller, or, for event logs, to the parser threads: the newest
    /// row of an id wins, which needs the rows back in order.
    fn flush_rows(
        &mut self,
        rows: Rows,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        if rows.at.is_empty() {
            return Ok(());
        }
        if self.rules.input.dedupe == Dedupe::Reject {
            return sink(Chunk::Rows(rows));
        }
        self.hand(Job::Rows(rows), sink)
    }

    /// Hands records to the parser threads, and takes in order what they have parsed.
    fn hand(
        &mut self,
        job: Job,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.pool
            .jobs
            .send((self.pool.sent, job))
            .map_err(|_| Failure::io("a parser thread failed"))?;
        self.pool.sent += 1;
        self.take_parsed(sink, false)
    }

    /// Applies, in reading order, the records the parser threads are done with; with
    /// `all`, waits until they are done with every record handed to them.
    fn take_parsed(
        &mut self,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
        all: bool,
    ) -> Result<(), Failure> {
        loop {
            while let Ok((n, done)) = self.pool.done.try_recv() {
                self.pool.waiting.insert(n, done);
            }
            while let Some(done) = self.pool.waiting.remove(&self.pool.next) {
                self.pool.next += 1;
                let Done {
                    source,
                    seq,
                    outcomes,
                    mut parsed,
                } = done;
                if let Some((_, f)) = parsed.fatal.take() {
                    return Err(f);
                }
                self.parsed.merge(parsed);
                for o in outcomes {
                    self.apply(&source, seq, o);
                }
                self.flush_tickets(sink, BATCH)?;
            }
            if !all || self.pool.next == self.pool.sent {
                return Ok(());
            }
            let (n, done) = self
                .pool
                .done
                .recv()
                .map_err(|_| Failure::io("a parser thread failed"))?;
            self.pool.waiting.insert(n, done);
        }
    }

    /// Hands on the tickets parsed here once there are at least `min`.
    fn flush_tickets(
        &mut self,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
        min: usize,
    ) -> Result<(), Failure> {
        if self.pending.len() < min.max(1) {
            return Ok(());
        }
        sink(Chunk::Tickets(std::mem::take(&mut self.pending)))
    }

    fn required_names(&self) -> Vec<String> {
        Field::REQUIRED
            .iter()
            .map(|f| self.column_name(*f))
            .collect()
    }

    fn require(
        &self,
        name: &str,
        index: &[Option<usize>],
        headers: &[String],
    ) -> Result<(), Failure> {
        let missing: Vec<Field> = Field::REQUIRED
            .into_iter()
            .filter(|f| index[*f as usize].is_none())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut msg = format!("{name}: the export has no column for");
        for f in &missing {
            let tried = self.candidates(*f);
            let want = tried
                .first()
                .cloned()
                .unwrap_or_else(|| f.name().to_string());
            let hint = tried
                .iter()
                .find_map(|t| closest(t, headers.iter().map(String::as_str)))
                .map(|c| format!(" (closest: \"{c}\")"))
                .unwrap_or_default();
            let also = if tried.len() > 1 {
                format!(" (or {})", tried[1..].join(", "))
            } else {
                String::new()
            };
            msg.push_str(&format!(" \"{want}\"{also}{hint},"));
        }
        msg.pop();
        msg.push_str(&format!(
            "\n  its columns are: {}\n  map them in the rules file, e.g. [input.columns] {} = \"<column>\"",
            headers.join(", "),
            missing[0].name()
        ));
        Err(Failure::usage(msg))
    }

    fn ndjson(
        &mut self,
        name: &str,
        mut input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.reset_names();
        let mut buf = Vec::new();
        let mut line = 0u64;
        let mut record = 0u64;
        // The first record is parsed here (it stands for the header); the rest on the parser
        // threads, a chunk of lines at a time.
        let mut lines = Lines::new(name, self.seq);
        loop {
            buf.clear();
            let n = input
                .read_until(b'\n', &mut buf)
                .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
            if n == 0 {
                break;
            }
            line += 1;
            let text = &buf[..];
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            record += 1;
            self.stats.rows += 1;
            if record > 1 {
                lines.bytes.extend_from_slice(text);
                lines.ends.push(lines.bytes.len());
                lines.at.push((line, record));
                if lines.at.len() == BATCH {
                    let full = std::mem::replace(&mut lines, Lines::new(name, self.seq));
                    self.hand(Job::Lines(full), sink)?;
                }
                continue;
            }
            let at = At {
                source: name,
                seq: self.seq,
                line: Some(line),
                record,
            };
            match serde_json::from_slice::<Value>(text) {
                Ok(v) => {
                    self.require_keys(name, &v)?;
                    self.json_record(at, v);
                }
                Err(e) => {
                    let r = at.reject(None, "", "", format!("not valid JSON: {e}"));
                    self.parsed.reject(r, self.seq);
                }
            }
        }
        if !lines.at.is_empty() {
            self.hand(Job::Lines(lines), sink)?;
        }
        Ok(())
    }

    fn json(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.reset_names();
        let mut record = 0u64;
        let mut missing = None;
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_reader(input);
        let mut each = |v: Value| {
            record += 1;
            if record == 1 {
                missing = self.require_keys(name, &v).err();
            }
            if missing.is_some() || failed.is_some() {
                return;
            }
            self.stats.rows += 1;
            let at = At {
                source: name,
                seq: self.seq,
                line: None,
                record,
            };
            self.json_record(at, v);
            failed = self.flush_tickets(sink, BATCH).err();
        };
        let read = Each(&mut each).deserialize(&mut de).and_then(|_| de.end());
        if let Some(m) = missing.or(failed) {
            return Err(m);
        }
        read.map_err(|e| Failure::io(format!("cannot read {name}: not valid JSON tickets: {e}")))
    }

    /// The first record of a JSON export stands for its header: a required key that it
    /// lacks is a mapping problem, not a bad row.
    fn require_keys(&self, name: &str, v: &Value) -> Result<(), Failure> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        let mut index = [None; Field::ALL.len()];
        for f in Field::REQUIRED {
            if self.candidates(f).iter().any(|c| lookup(obj, c).is_some()) {
                index[f as usize] = Some(0);
            }
        }
        let keys: Vec<String> = obj.keys().cloned().collect();
        self.require(name, &index, &keys)
    }

    /// A JSON record parsed here: what it teaches about the export's keys, then its
    /// outcome applied in order.
    fn json_record(&mut self, at: At<'_>, v: Value) {
        let learn = Learn {
            columns: &mut self.stats.columns,
            names: &mut self.names,
        };
        let (id, ticket) = json_outcome(&self.parser, at, v, Some(learn));
        self.apply(
            at.source,
            at.seq,
            Outcome {
                line: at.line,
                record: at.record,
                id,
                ticket,
            },
        );
    }

    /// A record parsed, here or on another thread, taken in reading order: rejected when
    /// its id repeats an earlier record's, else kept.
    fn apply(&mut self, source: &str, seq: usize, o: Outcome) {
        let at = At {
            source,
            seq,
            line: o.line,
            record: o.record,
        };
        if self.repeated(at, o.id.as_deref()) {
            return;
        }
        match o.ticket {
            Ok(t) => {
                self.parsed.count_channel(&t);
                match self.rules.input.dedupe {
                    Dedupe::Reject => self.pending.push(t),
                    Dedupe::Last => self.keep_latest(t),
                }
            }
            Err(r) => self.parsed.reject(*r, seq),
        }
    }

    /// `dedupe = "last"`: keeps the newest row of each id.
    fn keep_latest(&mut self, ticket: Box<Ticket>) {
        self.order += 1;
        let order = self.order;
        let newest = ticket.updated_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
        // Closed and canceled tickets plan nothing: only their time is kept, so memory
        // follows the tickets still open, not the rows read.
        let done = matches!(ticket.state, State::Closed | State::Canceled);
        let id = ticket.id.clone();
        let keep = (!done).then_some(ticket);
        match self.latest.get_mut(&id) {
            Some(slot) => {
                if newest >= slot.1 {
                    slot.1 = newest;
                    slot.2 = keep;
                }
            }
            None => {
                self.latest.insert(id, (order, newest, keep));
            }
        }
    }
}

/// Maps rows to tickets: one per thread that parses (its lookups are cached per thread).
pub struct Parser<'r> {
    rules: &'r Rules,
    values: Values<'r>,
    /// Values that repeat on every row (statuses, channels, zones), looked up once each.
    cached: Cached<'r>,
    texts: bool,
    /// The keys each field may be read from, in order, and the first (or the field's own
    /// name): looked up once, not for every JSON record.
    candidates: [&'r [String]; Field::ALL.len()],
    names: [&'r str; Field::ALL.len()],
    /// The extra columns rules count from and test, named once for every ticket.
    date_columns: Vec<Arc<str>>,
    flag_columns: Vec<Arc<str>>,
}

impl<'r> Parser<'r> {
    /// `texts`: keep the fields only drafts and `explain` show.
    pub fn new(rules: &'r Rules, texts: bool) -> Parser<'r> {
        let candidates: [&[String]; Field::ALL.len()] =
            Field::ALL.map(|f| rules.input.columns.get(&f).map_or(&[][..], Vec::as_slice));
        Parser {
            rules,
            values: Values::new(&rules.input),
            cached: Cached::new(&rules.input),
            texts,
            candidates,
            names: Field::ALL.map(|f| {
                candidates[f as usize]
                    .first()
                    .map_or(f.name(), String::as_str)
            }),
            date_columns: rules
                .date_columns
                .iter()
                .map(|c| Arc::from(c.as_str()))
                .collect(),
            flag_columns: rules
                .flag_columns
                .iter()
                .map(|c| Arc::from(c.as_str()))
                .collect(),
        }
    }

    /// Whether an extra column is kept: always with texts, else when a rule reads it.
    fn wants_extra(&self, column: &str) -> bool {
        self.texts
            || self
                .rules
                .date_columns
                .iter()
                .chain(&self.rules.flag_columns)
                .any(|c| c.eq_ignore_ascii_case(column))
    }

    /// One row's cells as a ticket, or why not. `cells` and the `extra` values are
    /// trimmed, and left out when absent (`Values::present`).
    fn outcome(
        &self,
        at: At<'_>,
        names: &[impl AsRef<str>],
        cells: &[Option<&str>; Field::ALL.len()],
        present: &[(&Arc<str>, &str)],
    ) -> Result<Box<Ticket>, Box<Reject>> {
        let mut t = self.ticket(at, names, cells)?;
        self.rule_columns(at, &mut t, present)?;
        // The other columns only drafts and `explain` show.
        if self.texts {
            t.extra = present
                .iter()
                .map(|(k, v)| (Arc::clone(k), v.to_string()))
                .collect();
        }
        Ok(t)
    }

    /// Parses the extra columns the rules read: dates steps count from, yes/no conditions.
    /// `extra` are the columns the mapping does not use, present (trimmed, not null); a
    /// rule's column is found by its exact name, else in any case (as `Ticket::extra`).
    fn rule_columns(
        &self,
        at: At<'_>,
        t: &mut Ticket,
        extra: &[(&Arc<str>, &str)],
    ) -> Result<(), Box<Reject>> {
        let fail = |col: &str, value: &str, reason: String| {
            Box::new(at.reject(Some(&t.id), col, value, reason))
        };
        let find = |col: &str| {
            extra
                .iter()
                .find(|(k, _)| &***k == col)
                .or_else(|| extra.iter().find(|(k, _)| k.eq_ignore_ascii_case(col)))
                .map(|(_, v)| *v)
        };
        let mut dates = Vec::new();
        for col in &self.date_columns {
            if let Some(v) = find(col) {
                let d = self.values.date_or_time(v).map_err(|e| fail(col, v, e))?;
                dates.push((Arc::clone(col), d));
            }
        }
        let mut flags = Vec::new();
        for col in &self.flag_columns {
            if let Some(v) = find(col) {
                let b = values::boolean(v).map_err(|e| fail(col, v, e))?;
                flags.push((Arc::clone(col), b));
            }
        }
        t.dates = dates;
        t.flags = flags;
        Ok(())
    }

    /// Maps the cells of one row to a ticket, or says which field is wrong.
    fn ticket(
        &self,
        at: At<'_>,
        names: &[impl AsRef<str>],
        cells: &[Option<&str>; Field::ALL.len()],
    ) -> Result<Box<Ticket>, Box<Reject>> {
        let v = &self.values;
        let column = |f: Field| names[f as usize].as_ref();
        let get = |f: Field| cells[f as usize];
        let id = get(Field::Id);
        let fail = |f: Field, value: &str, reason: String| {
            Box::new(at.reject(id, column(f), value, reason))
        };
        let required = |f: Field| {
            get(f).ok_or_else(|| fail(f, "", format!("{} is required but blank", column(f))))
        };
        let id = required(Field::Id)?;
        let status = required(Field::Status)?;
        // A status with its detail ("On Hold" and "Awaiting Caller") is read as
        // "On Hold - Awaiting Caller" when that is mapped, else as the status alone.
        let combined = get(Field::StatusDetail).map(|d| format!("{status} - {d}"));
        let (status, state): (compact_str::CompactString, State) = match combined
            .and_then(|c| self.cached.state(&c).map(|s| (c.into(), s)))
        {
            Some(found) => found,
            None => {
                let state = self.cached.state(status).ok_or_else(|| {
                    fail(
                        Field::Status,
                        status,
                        format!("status \"{status}\" is not mapped to a state; add it under [input.status], e.g. awaiting_customer = [\"{status}\"]"),
                    )
                })?;
                (status.into(), state)
            }
        };
        let time = |f: Field| -> Result<Option<DateTime<Utc>>, Box<Reject>> {
            get(f)
                .map(|s| v.time(s).map_err(|e| fail(f, s, e)))
                .transpose()
        };
        let opened_at = v
            .time(required(Field::OpenedAt)?)
            .map_err(|e| fail(Field::OpenedAt, get(Field::OpenedAt).unwrap_or(""), e))?;
        // Texts only drafts and `explain` show are left out when not wanted.
        let text = |f: Field| {
            get(f)
                .filter(|_| self.texts && f.is_text())
                .map(str::to_string)
        };
        // Boxed: a ticket passes through several hands before it is planned.
        let mut t = Box::new(Ticket::new(id, state, opened_at));
        t.status = status;
        t.kind = get(Field::Type).map(Into::into);
        t.origin = match get(Field::Channel) {
            None => Origin::Absent,
            Some(raw) => match self.cached.channel(raw) {
                Some(c) => Origin::Known(c),
                None => Origin::Unknown(raw.to_string()),
            },
        };
        t.subject = text(Field::Subject);
        t.customer = text(Field::Customer);
        t.customer_email = text(Field::CustomerEmail);
        t.customer_phone = text(Field::CustomerPhone);
        t.customer_tz = get(Field::CustomerTz)
            .map(|s| {
                self.cached
                    .zone(s)
                    .map_err(|e| fail(Field::CustomerTz, s, e))
            })
            .transpose()?;
        t.segment = get(Field::CustomerSegment)
            .map(|s| values::segment(s).map_err(|e| fail(Field::CustomerSegment, s, e)))
            .transpose()?;
        t.customer_ooo_until = get(Field::CustomerOooUntil)
            .map(|s| v.date(s).map_err(|e| fail(Field::CustomerOooUntil, s, e)))
            .transpose()?;
        t.callback_requested = get(Field::CallbackRequested)
            .map(|s| values::boolean(s).map_err(|e| fail(Field::CallbackRequested, s, e)))
            .transpose()?
            .unwrap_or(false);
        t.preferred_time = get(Field::PreferredTime)
            .map(|s| values::time_of_day(s).map_err(|e| fail(Field::PreferredTime, s, e)))
            .transpose()?;
        t.calendar = get(Field::Calendar)
            .map(|s| {
                self.rules.calendar_index(s).ok_or_else(|| {
                    let names: Vec<&str> = self
                        .rules
                        .calendars
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect();
                    fail(
                        Field::Calendar,
                        s,
                        format!(
                            "no calendar \"{s}\" in the rules; known: {}",
                            names.join(", ")
                        ),
                    )
                })
            })
            .transpose()?;
        t.owner = get(Field::Owner).map(Into::into);
        t.updated_at = time(Field::UpdatedAt)?;
        t.awaiting_since = time(Field::AwaitingSince)?;
        t.last_customer_reply_at = time(Field::LastCustomerReplyAt)?;
        t.attempts = get(Field::Attempts)
            .map(|s| values::count(s).map_err(|e| fail(Field::Attempts, s, e)))
            .transpose()?;
        t.last_attempt_at = time(Field::LastAttemptAt)?;
        if t.attempts.unwrap_or(0) > 0 && t.last_attempt_at.is_none() {
            let n = t.attempts.unwrap_or(0).to_string();
            return Err(fail(
                Field::LastAttemptAt,
                "",
                format!(
                    "{n} attempts are recorded but {} is blank; give the time of the latest attempt",
                    column(Field::LastAttemptAt)
                ),
            ));
        }
        t.reactivation_at = get(Field::ReactivationAt)
            .map(|s| {
                v.date_or_time(s)
                    .map_err(|e| fail(Field::ReactivationAt, s, e))
            })
            .transpose()?;
        t.resolved_at = time(Field::ResolvedAt)?;
        t.last_followup_at = time(Field::LastFollowupAt)?;
        t.last_note = text(Field::LastNote);
        t.cadence = get(Field::Cadence)
            .map(|s| crate::time::Span::parse(s).map_err(|e| fail(Field::Cadence, s, e)))
            .transpose()?;
        Ok(t)
    }
}

/// Records parsed on other threads but taken back in reading order: NDJSON lines (their
/// ids are checked for repeats in that order) and event log rows (the newest row of each
/// id wins, then by order).
enum Job {
    Rows(Rows),
    Lines(Lines),
}

/// NDJSON lines of one source as read, all in one buffer.
struct Lines {
    source: Arc<str>,
    seq: usize,
    bytes: Vec<u8>,
    /// Where each line ends in `bytes`.
    ends: Vec<usize>,
    /// Each line's number and record number.
    at: Vec<(u64, u64)>,
}

impl Lines {
    fn new(source: &str, seq: usize) -> Lines {
        Lines {
            source: Arc::from(source),
            seq,
            bytes: Vec::new(),
            ends: Vec::new(),
            at: Vec::new(),
        }
    }
}

/// A job parsed: its records' outcomes in reading order, and what else parsing found.
struct Done {
    source: Arc<str>,
    seq: usize,
    outcomes: Vec<Outcome>,
    parsed: Parsed,
}

impl Job {
    fn run(self, parser: &Parser<'_>) -> Done {
        let mut parsed = Parsed::default();
        let mut outcomes = Vec::new();
        match self {
            Job::Rows(rows) => {
                let (source, seq) = (Arc::from(rows.layout.source.as_str()), rows.layout.seq);
                rows.outcomes(parser, &mut parsed, &mut |o| outcomes.push(o));
                Done {
                    source,
                    seq,
                    outcomes,
                    parsed,
                }
            }
            Job::Lines(lines) => {
                let mut start = 0;
                for (&end, &(line, record)) in lines.ends.iter().zip(&lines.at) {
                    let at = At {
                        source: &lines.source,
                        seq: lines.seq,
                        line: Some(line),
                        record,
                    };
                    let (id, ticket) =
                        match serde_json::from_slice::<Value>(&lines.bytes[start..end]) {
                            Ok(v) => json_outcome(parser, at, v, None),
                            Err(e) => {
                                let r = at.reject(None, "", "", format!("not valid JSON: {e}"));
                                (None, Err(Box::new(r)))
                            }
                        };
                    outcomes.push(Outcome {
                        line: Some(line),
                        record,
                        id,
                        ticket,
                    });
                    start = end;
                }
                Done {
                    source: lines.source,
                    seq: lines.seq,
                    outcomes,
                    parsed,
                }
            }
        }
    }
}

/// The reading thread's end of the parser threads.
struct Pool {
    jobs: std::sync::mpsc::SyncSender<(u64, Job)>,
    done: std::sync::mpsc::Receiver<(u64, Done)>,
    /// Jobs handed out, and the next one to take back.
    sent: u64,
    next: u64,
    /// Jobs done before the ones handed out ahead of them.
    waiting: std::collections::BTreeMap<u64, Done>,
}

/// One record parsed: where it was, its id (for the repeat check, made in reading order)
/// and the ticket, or why not.
struct Outcome {
    line: Option<u64>,
    record: u64,
    id: Option<CompactString>,
    ticket: Result<Box<Ticket>, Box<Reject>>,
}

/// What the records read on the reading thread teach: the export's key for each field (from
/// the first record) and the key each record used (for messages).
struct Learn<'a> {
    columns: &'a mut std::collections::BTreeMap<Field, String>,
    names: &'a mut [String],
}

/// One JSON record as its id and ticket (or reject).
fn json_outcome(
    parser: &Parser<'_>,
    at: At<'_>,
    v: Value,
    mut learn: Option<Learn<'_>>,
) -> (Option<CompactString>, Result<Box<Ticket>, Box<Reject>>) {
    let Value::Object(obj) = v else {
        let r = at.reject(None, "", "", "expected an object of ticket fields");
        return (None, Err(Box::new(r)));
    };
    let mut cells: [Option<Cow<str>>; Field::ALL.len()] = Default::default();
    // Messages name the key this record used (rarely not the first candidate).
    let mut names = parser.names;
    let mut used: Vec<&str> = Vec::new();
    let id_of = |cells: &[Option<Cow<str>>; Field::ALL.len()]| {
        cells[Field::Id as usize]
            .as_deref()
            .and_then(|s| parser.values.present(s))
            .map(CompactString::from)
    };
    for f in Field::ALL {
        let Some((col, (key, value))) = parser.candidates[f as usize]
            .iter()
            .find_map(|c| lookup(&obj, c).map(|hit| (c, hit)))
        else {
            continue;
        };
        if let Some(l) = learn.as_mut() {
            if at.record == 1 && !l.columns.contains_key(&f) {
                l.columns.insert(f, col.clone());
            }
            if l.names[f as usize] != *col {
                l.names[f as usize] = col.clone();
            }
        }
        names[f as usize] = col;
        used.push(key);
        match scalar(value) {
            Ok(s) => cells[f as usize] = s,
            Err(kind) => {
                let id = cells[Field::Id as usize].as_deref();
                let r = at.reject(
                    id,
                    col,
                    "",
                    format!("expected a single value, found {kind}"),
                );
                return (id_of(&cells), Err(Box::new(r)));
            }
        }
    }
    let owned: Vec<(Arc<str>, Cow<str>)> = obj
        .iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .filter(|(k, _)| parser.wants_extra(k))
        .filter_map(|(k, v)| Some((Arc::from(k.as_str()), scalar(v).ok().flatten()?)))
        .collect();
    let extra: Vec<(&Arc<str>, &str)> = owned
        .iter()
        .filter_map(|(k, v)| Some((k, parser.values.present(v)?)))
        .collect();
    let mut present: [Option<&str>; Field::ALL.len()] = [None; Field::ALL.len()];
    for (p, cell) in present.iter_mut().zip(&cells) {
        *p = cell.as_deref().and_then(|s| parser.values.present(s));
    }
    (id_of(&cells), parser.outcome(at, &names, &present, &extra))
}

/// Lookups of values that repeat from row to row, by their exact text.
struct Cached<'r> {
    rules: &'r crate::config::InputRules,
    states: RefCell<FxHashMap<Box<str>, Option<State>>>,
    channels: RefCell<FxHashMap<Box<str>, Option<crate::ticket::Channel>>>,
    zones: RefCell<FxHashMap<Box<str>, Result<chrono_tz::Tz, String>>>,
}

/// How many distinct values a cache keeps: exports repeat a few; a column of unique text
/// would otherwise grow it row by row.
const CACHE_LIMIT: usize = 4096;

fn cached<T: Clone>(
    map: &RefCell<FxHashMap<Box<str>, T>>,
    key: &str,
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(v) = map.borrow().get(key) {
        return v.clone();
    }
    let v = compute();
    let mut m = map.borrow_mut();
    if m.len() < CACHE_LIMIT {
        m.insert(Box::from(key), v.clone());
    }
    v
}

impl<'r> Cached<'r> {
    fn new(rules: &'r crate::config::InputRules) -> Self {
        Cached {
            rules,
            states: RefCell::default(),
            channels: RefCell::default(),
            zones: RefCell::default(),
        }
    }

    fn state(&self, raw: &str) -> Option<State> {
        cached(&self.states, raw, || {
            self.rules.status.get(&raw.to_lowercase()).copied()
        })
    }

    fn channel(&self, raw: &str) -> Option<crate::ticket::Channel> {
        cached(&self.channels, raw, || {
            self.rules.channels.get(&raw.to_lowercase()).copied()
        })
    }

    fn zone(&self, raw: &str) -> Result<chrono_tz::Tz, String> {
        cached(&self.zones, raw, || values::zone(raw))
    }
}

/// Header cells as names: trimmed, BOM removed, and a repeated name `N` read as `N#2`, `N#3`.
fn header_names(rec: &split::Record) -> Vec<String> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    rec.iter()
        .enumerate()
        .map(|(i, raw)| {
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let name = String::from_utf8_lossy(raw).trim().to_string();
            let n = counts.entry(name.clone()).or_default();
            *n += 1;
            if *n == 1 { name } else { format!("{name}#{n}") }
        })
        .collect()
}

/// The value at a key, or at a dotted path (`requester.time_zone`), with the top-level key used.
fn lookup<'v>(obj: &'v serde_json::Map<String, Value>, col: &str) -> Option<(&'v str, &'v Value)> {
    if let Some((k, v)) = obj.get_key_value(col) {
        return Some((k.as_str(), v));
    }
    let mut parts = col.split('.');
    let (key, mut cur) = obj.get_key_value(parts.next()?)?;
    let mut nested = false;
    for p in parts {
        cur = cur.get(p)?;
        nested = true;
    }
    nested.then_some((key.as_str(), cur))
}

/// A JSON value as cell text: `None` for null, `Err` (naming the kind) for arrays and objects.
fn scalar(v: &Value) -> Result<Option<Cow<'_, str>>, &'static str> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(Cow::Borrowed(s.as_str()))),
        Value::Bool(b) => Ok(Some(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Value::Number(n) => Ok(Some(Cow::Owned(n.to_string()))),
        Value::Array(_) => Err("a list"),
        Value::Object(_) => Err("an object"),
    }
}

/// Streams the elements of a JSON array to a closure, one value in memory at a time.
struct Each<'f, F>(&'f mut F);

/// Keys under which an export object holds its array of tickets (`{"tickets": [...]}`).
const ARRAY_KEYS: [&str; 7] = [
    "tickets",
    "results",
    "data",
    "records",
    "items",
    "incidents",
    "issues",
];

impl<'de, F: FnMut(Value)> DeserializeSeed<'de> for Each<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Value)> Visitor<'de> for Each<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an array of ticket objects, or an object holding one under one of the keys {}",
            ARRAY_KEYS.join(", ")
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            (self.0)(v);
        }
        Ok(())
    }

    /// `{"tickets": [...], "next_page": ...}`: the tickets are streamed, the rest skipped.
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if !found && ARRAY_KEYS.contains(&key.as_str()) {
                map.next_value_seed(Each(&mut *self.0))?;
                found = true;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        if found {
            Ok(())
        } else {
            Err(serde::de::Error::custom(format!(
                "the object holds no array of tickets under {}",
                ARRAY_KEYS.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn the_id_set_knows_each_id_exactly() {
        let mut ids = Ids::default();
        let all: Vec<String> = (0..50_000).map(|i| format!("INC{i:07}")).collect();
        for id in &all {
            assert!(ids.insert(id), "{id} is new");
        }
        for id in &all {
            assert!(!ids.insert(id), "{id} was read");
        }
        assert!(ids.wraps.len() > 1000, "starts passed 2^WRAP many times");
        // An id longer than 2^WRAP bytes, and the ids after it.
        let long = "x".repeat(700);
        assert!(ids.insert(&long) && ids.insert("after") && !ids.insert(&long));
        assert!(!ids.insert("after") && !ids.insert("INC0000007"));
        // Prefixes and extensions of known ids are other ids.
        for id in ["INC000001", "INC00000011", "", "inc0000001"] {
            assert!(ids.insert(id), "{id:?} is new");
        }
        assert!(!ids.insert(""));
    }

    proptest::proptest! {
        /// Ascending runs, repeats within them, ids out of order after them: the set agrees
        /// with a `HashSet`.
        #[test]
        fn the_id_set_agrees_with_a_hash_set(
            mut all in proptest::collection::vec("[ab]{0,3}", 0..200),
            sorted in 0usize..200,
            reserve in 0usize..300,
        ) {
            let k = sorted.min(all.len());
            all[..k].sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            let mut ids = Ids::default();
            ids.reserve(reserve);
            let mut want = std::collections::HashSet::new();
            for id in &all {
                proptest::prop_assert_eq!(ids.insert(id), want.insert(id.clone()), "{}", id);
            }
        }
    }
}
