//! The reading thread: sources in order, rows cut and handed on, ids checked in reading
//! order, records parsed elsewhere taken back in order.

use std::fs;
use std::io;

use serde_json::Value;

use super::chunk::{Chunk, Parsed, Rows};
use super::dedupe::Newest;
use super::ids::Ids;
use super::jobs::{Done, Job, Work};
use super::names::near_misses;
use super::record::{At, Outcome, Updated};
use super::row::{Learn, Parser, json_outcome};
use super::sheet::{self, Kind};
use super::sources::{by_extension, decoded, skip_bom, sniff};
use super::{Source, Stats};
use crate::config::{Dedupe, Format, Rules};
use crate::error::Failure;
use crate::ticket::{Field, Ticket};
use crate::util::closest;

pub(super) struct Reader<'r> {
    pub(super) rules: &'r Rules,
    /// Parses, on the reading thread, the records of a JSON array and the first record of
    /// an NDJSON export (which stands for its header).
    pub(super) parser: Parser<'r>,
    pub(super) stats: Stats,
    pub(super) parsed: Parsed,
    /// `dedupe = "reject"`: the ids read so far.
    pub(super) seen: Ids,
    /// `dedupe = "last"`: the newest row of each id.
    pub(super) newest: Newest,
    /// The column each field is read from in the current source or record, for messages.
    pub(super) names: Vec<String>,
    /// The source being read, by its place among the sources.
    pub(super) seq: usize,
    /// What the records of the JSON source being read had of the required keys.
    pub(super) json: JsonKeys,
    /// Tickets parsed here, not yet handed on (boxed as parsed: they are not moved again).
    #[allow(clippy::vec_box)]
    pub(super) pending: Vec<Box<Ticket>>,
    pub(super) pool: Pool<'r>,
}

impl Reader<'_> {
    pub(super) fn read_all(
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
            let read_fail = |e: io::Error| Failure::io(format!("cannot read {name}: {e}"));
            let mut raw = io::BufReader::with_capacity(1 << 16, raw);
            let kind = sheet::kind(&mut raw).map_err(read_fail)?;
            let raw: Box<dyn io::Read> = match kind {
                Kind::Text => Box::new(raw),
                Kind::Zip | Kind::Ole => Box::new(io::Cursor::new(self.sheet(&name, raw, kind)?)),
                Kind::Pdf | Kind::Html => return Err(sheet::not_an_export(&name, kind)),
            };
            let spreadsheet = kind != Kind::Text;
            let mut input = decoded(raw, rules.input.encoding)
                .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
            skip_bom(&mut input).map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
            let fmt = spreadsheet
                .then_some(Format::Csv)
                .or(format)
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
            self.check_keys(&name)?;
            self.flush_tickets(sink, 1)?;
        }
        // Event logs: the newest row of each id, in the order the ids first appeared.
        for t in self.newest.take() {
            self.pending.push(t);
            self.flush_tickets(sink, BATCH)?;
        }
        self.flush_tickets(sink, 1)
    }
}

impl Reader<'_> {
    /// A spreadsheet source as CSV; the sheet row of each line kept for rejects.
    fn sheet(
        &mut self,
        name: &str,
        mut raw: impl io::Read,
        kind: Kind,
    ) -> Result<Vec<u8>, Failure> {
        let mut bytes = Vec::new();
        raw.read_to_end(&mut bytes)
            .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
        let sheet = self.rules.input.sheet.as_deref();
        let csv = sheet::to_csv(name, bytes, sheet, kind)?;
        self.stats.sheet_rows.push((name.to_string(), csv.rows));
        Ok(csv.bytes)
    }

    /// The keys of a JSON source's first record, for the message should no record have a
    /// required key.
    pub(super) fn note_keys(&mut self, v: &Value) {
        if let Value::Object(obj) = v {
            self.json.keys = obj.keys().cloned().collect();
        }
    }

    /// Columns of a source that look like fields no column is read for, kept once; and the
    /// first source's columns.
    pub(super) fn note_near(&mut self, headers: &[String], read: &[bool], found: &[Field]) {
        if self.stats.headers.is_empty() {
            self.stats.headers = headers.to_vec();
        }
        for n in near_misses(self.rules, headers, read, found) {
            if !self.stats.near.contains(&n) {
                self.stats.near.push(n);
            }
        }
    }

    /// A JSON source none of whose records has a key for a required field: a mapping to
    /// fix (exit 2), as a CSV header without the column is. Records that lack one among
    /// records that have it are rejected rows.
    pub(super) fn check_keys(&mut self, name: &str) -> Result<(), Failure> {
        let seen = std::mem::take(&mut self.json);
        if seen.objects == 0 {
            return Ok(());
        }
        // A key is read when a field is read from it or from a path under it.
        let tops: Vec<&str> = self
            .rules
            .input
            .columns
            .values()
            .flatten()
            .map(|c| c.split('.').next().unwrap_or(c))
            .collect();
        let read: Vec<bool> = seen
            .keys
            .iter()
            .map(|k| tops.contains(&k.as_str()))
            .collect();
        let found: Vec<Field> = self.stats.columns.keys().copied().collect();
        self.note_near(&seen.keys, &read, &found);
        let mut index = [None; Field::ALL.len()];
        for (f, lacking) in Field::REQUIRED.iter().zip(seen.lacking) {
            if lacking < seen.objects {
                index[*f as usize] = Some(0);
            }
        }
        self.require(name, &index, &seen.keys)
    }

    /// A JSON record parsed here: what it teaches about the export's keys, then its
    /// outcome applied in order.
    pub(super) fn json_record(&mut self, at: At<'_>, raw: &[u8], v: Value) {
        let learn = Learn {
            columns: &mut self.stats.columns,
            names: &mut self.names,
        };
        let outcome = json_outcome(&self.parser, at, raw, v, Some(learn));
        self.apply(at.source, at.seq, outcome);
    }

    /// The column a field is read from in the current source, for messages.
    pub(super) fn column_name(&self, f: Field) -> String {
        self.names[f as usize].clone()
    }

    /// The column names to try for a field, in order.
    pub(super) fn candidates(&self, f: Field) -> &[String] {
        self.rules
            .input
            .columns
            .get(&f)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Back to the names the rules give, before a source says which it uses.
    pub(super) fn reset_names(&mut self) {
        for f in Field::ALL {
            self.names[f as usize] = self
                .candidates(f)
                .first()
                .cloned()
                .unwrap_or_else(|| f.name().to_string());
        }
    }

    /// `dedupe = "reject"`: whether the row's id was read before (then rejected). Checked
    /// before the row is parsed: a row whose id repeats is rejected as such even when the
    /// earlier row was rejected for another reason.
    pub(super) fn repeated(&mut self, at: At<'_>, id: Option<&str>) -> bool {
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
    pub(super) fn flush_rows(
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
        self.hand(Job(Work::Rows(rows)), sink)
    }

    /// Hands records to the parser threads, and takes in order what they have parsed.
    pub(super) fn hand(
        &mut self,
        job: Job,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.pool.parse.send(self.pool.sent, job)?;
        self.pool.sent += 1;
        self.take_parsed(sink, false)
    }

    /// Applies, in reading order, the records the parser threads are done with; with
    /// `all`, waits until they are done with every record handed to them.
    pub(super) fn take_parsed(
        &mut self,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
        all: bool,
    ) -> Result<(), Failure> {
        loop {
            while let Some((n, done)) = self.pool.parse.recv(false)? {
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
                .parse
                .recv(true)?
                .ok_or_else(|| Failure::io("a parser thread failed"))?;
            self.pool.waiting.insert(n, done);
        }
    }

    /// Hands on the tickets parsed here once there are at least `min`.
    pub(super) fn flush_tickets(
        &mut self,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
        min: usize,
    ) -> Result<(), Failure> {
        if self.pending.len() < min.max(1) {
            return Ok(());
        }
        sink(Chunk::Tickets(std::mem::take(&mut self.pending)))
    }

    pub(super) fn required_names(&self) -> Vec<String> {
        Field::REQUIRED
            .iter()
            .map(|f| self.column_name(*f))
            .collect()
    }

    pub(super) fn require(
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
                .map(|c| format!(" (closest: \"{}\")", crate::util::prefix(c, 60)))
                .unwrap_or_default();
            let also = if tried.len() > 1 {
                format!(" (or {})", tried[1..].join(", "))
            } else {
                String::new()
            };
            msg.push_str(&format!(" \"{want}\"{also}{hint},"));
        }
        msg.pop();
        // A header is the export's text: a short prefix of each, and of the list.
        const SHOWN: usize = 40;
        let mut shown: Vec<String> = headers
            .iter()
            .take(SHOWN)
            .map(|h| crate::util::prefix(h, 60).into_owned())
            .collect();
        if headers.len() > SHOWN {
            shown.push(format!("… and {} more", headers.len() - SHOWN));
        }
        msg.push_str(&format!(
            "\n  its columns are: {}\n  map them in the rules file, e.g. [input.columns] {} = \"<column>\"",
            shown.join(", "),
            missing[0].name()
        ));
        Err(Failure::usage(msg))
    }

    /// A record parsed, here or on another thread, taken in reading order: rejected when
    /// its id repeats an earlier record's, else kept.
    pub(super) fn apply(&mut self, source: &str, seq: usize, o: Outcome) {
        let at = At {
            source,
            seq,
            line: o.line,
            record: o.record,
        };
        if let Some(lacks) = o.lacks {
            self.json.objects += 1;
            for (n, lacking) in self.json.lacking.iter_mut().zip(lacks) {
                *n += u64::from(lacking);
            }
        }
        if self.repeated(at, o.id.as_deref()) {
            return;
        }
        match o.ticket {
            Ok(t) => {
                self.parsed.count_channel(&t);
                match self.rules.input.dedupe {
                    Dedupe::Reject | Dedupe::Every => self.pending.push(t),
                    Dedupe::Last => self.newest.keep(t),
                }
            }
            Err(r) => {
                // An event log's rejected row may be its ticket's newest: then the ticket is
                // not planned from an older one.
                if let Some(id) = r.ticket_id.as_deref() {
                    match self.rules.input.dedupe {
                        Dedupe::Last => self.newest.rejected(id, o.updated),
                        Dedupe::Every => self.stats.rejected_at.push((
                            id.into(),
                            match o.updated {
                                Updated::At(at) => Some(at),
                                _ => None,
                            },
                        )),
                        Dedupe::Reject => {}
                    }
                }
                self.parsed.reject(*r, seq)
            }
        }
    }
}

/// Rows or tickets handed to `sink` at a time.
pub(super) const BATCH: usize = 2048;

/// A chunk of rows or records is handed on once it holds this many bytes, if not `BATCH`
/// of them before: long rows fill it sooner, so chunks in flight hold bounded bytes.
pub(super) const CHUNK_BYTES: usize = 2 << 20;

/// The required keys seen in the records of one JSON source.
#[derive(Default)]
pub(super) struct JsonKeys {
    /// The keys of its first record.
    pub(super) keys: Vec<String>,
    /// Records that are objects, and how many of them lack each required key.
    pub(super) objects: u64,
    pub(super) lacking: [u64; Field::REQUIRED.len()],
}

/// The reading thread's end of the parse jobs: handed on in reading order, taken back in it.
pub(super) struct Pool<'r> {
    pub(super) parse: Box<dyn super::Parse + 'r>,
    /// Jobs handed out, and the next one to take back.
    pub(super) sent: u64,
    pub(super) next: u64,
    /// Jobs done before the ones handed out ahead of them.
    pub(super) waiting: std::collections::BTreeMap<u64, Done>,
}
