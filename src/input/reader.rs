//! The reading thread: sources in order, rows cut and handed on, ids checked in reading
//! order, records parsed elsewhere taken back in order.

use std::collections::HashMap;
use std::fs;
use std::io;

use chrono::{DateTime, Utc};

use super::chunk::{Chunk, Key, Parsed, Rows};
use super::ids::Ids;
use super::jobs::{Done, Job, Outcome};
use super::row::Parser;
use super::sources::{by_extension, decoded, skip_bom, sniff};
use super::{Reject, Source, Stats};
use crate::config::{Dedupe, Format, Rules};
use crate::error::Failure;
use crate::ticket::{Field, State, Ticket};
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
    /// `dedupe = "last"`: id → (first order, newest ticket).
    pub(super) latest: HashMap<compact_str::CompactString, Latest>,
    pub(super) order: u64,
    /// The column each field is read from in the current source or record, for messages.
    pub(super) names: Vec<String>,
    /// The source being read, by its place among the sources.
    pub(super) seq: usize,
    /// Tickets parsed here, not yet handed on (boxed as parsed: they are not moved again).
    #[allow(clippy::vec_box)]
    pub(super) pending: Vec<Box<Ticket>>,
    pub(super) pool: Pool,
}

/// Where a row is, for rejects.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) source: &'a str,
    pub(super) seq: usize,
    pub(super) line: Option<u64>,
    pub(super) record: u64,
}

impl<'a> At<'a> {
    pub(super) fn key(&self) -> Key {
        (self.seq, self.record)
    }

    pub(super) fn reject(
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

impl Reader<'_> {
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
        self.hand(Job::Rows(rows), sink)
    }

    /// Hands records to the parser threads, and takes in order what they have parsed.
    pub(super) fn hand(
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
    pub(super) fn take_parsed(
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

    /// A record parsed, here or on another thread, taken in reading order: rejected when
    /// its id repeats an earlier record's, else kept.
    pub(super) fn apply(&mut self, source: &str, seq: usize, o: Outcome) {
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
    pub(super) fn keep_latest(&mut self, ticket: Box<Ticket>) {
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

/// Rows or tickets handed to `sink` at a time.
pub(super) const BATCH: usize = 2048;

/// An event log's newest row of an id: when the id first came, the newest time, and the
/// ticket unless it is closed.
pub(super) type Latest = (u64, DateTime<Utc>, Option<Box<Ticket>>);

/// The reading thread's end of the parser threads.
pub(super) struct Pool {
    pub(super) jobs: std::sync::mpsc::SyncSender<(u64, Job)>,
    pub(super) done: std::sync::mpsc::Receiver<(u64, Done)>,
    /// Jobs handed out, and the next one to take back.
    pub(super) sent: u64,
    pub(super) next: u64,
    /// Jobs done before the ones handed out ahead of them.
    pub(super) waiting: std::collections::BTreeMap<u64, Done>,
}
