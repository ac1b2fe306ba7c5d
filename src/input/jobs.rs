//! Parse jobs: records parsed off the reading thread and taken back in reading order.

use std::sync::Arc;

use serde_json::Value;

use super::chunk::{Parsed, Rows};
use super::record::{At, Outcome, Updated};
use super::row::{Parser, json_outcome};

/// Records parsed on other threads but taken back in reading order: NDJSON lines (their
/// ids are checked for repeats in that order) and event log rows (the newest row of each
/// id wins, then by order).
pub struct Job(pub(super) Work);

/// What a job holds.
pub(super) enum Work {
    Rows(Rows),
    Lines(Lines),
}

/// JSON records (NDJSON lines, or the records of an array) of one source as cut, all in
/// one buffer.
pub(super) struct Lines {
    pub(super) source: Arc<str>,
    pub(super) seq: usize,
    pub(super) bytes: Vec<u8>,
    /// Where each line ends in `bytes`.
    pub(super) ends: Vec<usize>,
    /// Each record's line (none in a JSON array) and record number.
    pub(super) at: Vec<(Option<u64>, u64)>,
}

impl Lines {
    pub(super) fn new(source: &str, seq: usize) -> Lines {
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
pub struct Done {
    pub(super) source: Arc<str>,
    pub(super) seq: usize,
    pub(super) outcomes: Vec<Outcome>,
    pub(super) parsed: Parsed,
}

impl Job {
    pub fn run(self, parser: &Parser<'_>) -> Done {
        let mut parsed = Parsed::default();
        let mut outcomes = Vec::new();
        match self.0 {
            Work::Rows(rows) => {
                let (source, seq) = (Arc::from(rows.layout.source.as_str()), rows.layout.seq);
                rows.outcomes(parser, &mut parsed, &mut |o| outcomes.push(o));
                Done {
                    source,
                    seq,
                    outcomes,
                    parsed,
                }
            }
            Work::Lines(lines) => {
                let mut start = 0;
                for (&end, &(line, record)) in lines.ends.iter().zip(&lines.at) {
                    let at = At {
                        source: &lines.source,
                        seq: lines.seq,
                        line,
                        record,
                    };
                    let raw = &lines.bytes[start..end];
                    let outcome = match serde_json::from_slice::<Value>(raw) {
                        Ok(v) => json_outcome(parser, at, raw, v, None),
                        Err(e) => Outcome {
                            line,
                            record,
                            id: None,
                            ticket: Err(Box::new(at.reject(
                                None,
                                "",
                                "",
                                not_json(&e, line.is_some()),
                            ))),
                            lacks: None,
                            updated: Updated::Absent,
                        },
                    };
                    outcomes.push(outcome);
                    start = end;
                }
                parsed.dates.merge(parser.take_dates());
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

/// Why a record is not JSON. Within an array the parser's position counts from the
/// record's first byte, which would mislead: it is left out.
pub(super) fn not_json(e: &serde_json::Error, on_its_line: bool) -> String {
    if on_its_line {
        return format!("not valid JSON: {e}");
    }
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    format!("not valid JSON: {text}")
}
