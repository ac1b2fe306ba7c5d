//! Chunks of input on their way from the reading thread to the threads that parse and
//! plan them: CSV rows as read, or tickets parsed already; and what parsing found.

use std::collections::HashMap;
use std::sync::Arc;

use super::dates::{Dates, Orders, decide};
use super::record::{At, Key, Outcome};
use super::row::Parser;
use super::values::Values;
use super::{Reject, Stats};
use crate::config::InputRules;
use crate::error::Failure;
use crate::ticket::{Field, Origin, Ticket};

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
    pub(super) layout: Arc<Layout>,
    pub(super) bytes: Vec<u8>,
    /// Where each cell ends in `bytes`; the next starts one byte later. Each row has
    /// `layout.width` cells.
    pub(super) ends: Vec<usize>,
    /// Each row's line and record number, for rejects.
    pub(super) at: Vec<(Option<u64>, u64)>,
}

/// How one CSV source maps its columns.
pub(super) struct Layout {
    pub(super) source: String,
    pub(super) seq: usize,
    pub(super) width: usize,
    pub(super) index: [Option<usize>; Field::ALL.len()],
    /// The column each field is read from, for messages.
    pub(super) names: Vec<String>,
    /// Columns the mapping does not use.
    pub(super) extra: Vec<(usize, Arc<str>)>,
    /// Buffers of rows parsed already, for the reading thread to fill again: fresh ones
    /// would each cost a round of page faults.
    pub(super) spares: std::sync::Mutex<Vec<Buffers>>,
}

pub(super) type Buffers = (Vec<u8>, Vec<usize>, Vec<(Option<u64>, u64)>);

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
    pub(super) fn new(layout: Arc<Layout>) -> Rows {
        Rows {
            layout,
            bytes: Vec::new(),
            ends: Vec::new(),
            at: Vec::new(),
        }
    }

    /// Rows of the same layout, with room for as many as `like` held.
    pub(super) fn like(like: &Rows) -> Rows {
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

    pub(super) fn parse(self, p: &Parser<'_>, out: &mut Parsed, each: &mut dyn FnMut(Box<Ticket>)) {
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
    pub(super) fn outcomes(self, p: &Parser<'_>, out: &mut Parsed, each: &mut dyn FnMut(Outcome)) {
        let l = &*self.layout;
        let extra: Vec<&(usize, Arc<str>)> =
            l.extra.iter().filter(|(_, h)| p.wants_extra(h)).collect();
        let known = super::row::contact_columns(
            |f| l.index[f as usize].is_some(),
            p.rules.drafts.last_note_public,
        );
        // Texts only drafts and `explain` show are not read without them.
        let mapped: Vec<(usize, usize)> = Field::ALL
            .iter()
            // Texts whose presence decides the plan are read always.
            .filter(|f| p.texts || !f.is_text() || f.decides())
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
            let ticket = p.outcome(at, &l.names, &fields, &present, known);
            each(Outcome {
                line,
                record,
                id: None,
                updated: p.updated(&fields, &ticket),
                ticket,
                lacks: None,
            });
        }
        out.dates.merge(p.take_dates());
    }
}

/// What parsing found besides tickets. Merged from every thread, then closed into `Stats`.
#[derive(Default)]
pub struct Parsed {
    pub(super) rejects: Vec<(Key, Reject)>,
    pub(super) unknown_channels: HashMap<String, u64>,
    /// A row that is not UTF-8 (the file is in another encoding): the first one wins.
    pub(super) fatal: Option<(Key, Failure)>,
    /// What the time columns' values said of day and month.
    pub(super) dates: Dates,
}

impl Parsed {
    pub(super) fn reject(&mut self, r: Reject, seq: usize) {
        self.rejects.push(((seq, r.record), r));
    }

    pub(super) fn count_channel(&mut self, t: &Ticket) {
        if let Origin::Unknown(raw) = &t.origin {
            *self.unknown_channels.entry(raw.clone()).or_default() += 1;
        }
    }

    pub(super) fn fail(&mut self, key: Key, f: Failure) {
        if self.fatal.as_ref().is_none_or(|(k, _)| key < *k) {
            self.fatal = Some((key, f));
        }
    }

    pub fn merge(&mut self, other: Parsed) {
        self.dates.merge(other.dates);
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
    pub fn close(
        mut self,
        mut stats: Stats,
        rules: &InputRules,
        orders: &Orders,
    ) -> Result<Stats, Failure> {
        if let Some((_, f)) = self.fatal {
            return Err(f);
        }
        // Day and month, decided per column now that every value is read.
        let listed = Values::new(rules).listed;
        let decision = decide(&self.dates, &listed, orders, &rules.date_formats_at)?;
        if !decision.contradictions.is_empty() {
            let why: HashMap<Key, &str> = decision
                .contradictions
                .iter()
                .map(|(k, r)| (*k, r.as_str()))
                .collect();
            for (key, r) in &mut self.rejects {
                if let Some(reason) = why.get(key) {
                    r.reason = format!("\"{}\" {reason}", r.value);
                }
            }
        }
        stats.read_with = decision.read_with;
        stats.settled = decision.settled;
        self.rejects.sort_by_key(|(k, _)| *k);
        stats.rejects = self.rejects.into_iter().map(|(_, r)| r).collect();
        // A spreadsheet's rows are named as the spreadsheet numbers them.
        for r in &mut stats.rejects {
            if let Some((_, rows)) = stats.sheet_rows.iter().find(|(s, _)| *s == r.source)
                && let Some(line) = r.line
            {
                r.line = rows.get(line as usize - 1).copied().or(Some(line));
            }
        }
        stats.unknown_channels = self.unknown_channels;
        Ok(stats)
    }
}
