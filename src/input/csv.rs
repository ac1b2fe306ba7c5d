//! CSV exports: the header mapped to fields, rows cut into chunks as read.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use super::chunk::{Chunk, Layout, Rows};
use super::reader::{BATCH, CHUNK_BYTES, Reader};
use super::record::At;
use super::split;
use crate::error::Failure;
use crate::ticket::Field;

impl Reader<'_> {
    pub(super) fn csv(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        size: Option<u64>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let mut input = input;
        let delimiter = self.delimiter(name, &mut input)?;
        self.stats.delimiters.push((name.to_string(), delimiter));
        let mut rdr = split::Splitter::new(input, delimiter, self.rules.input.max_row);
        let headers = self.header(name, &mut rdr)?;
        let layout = self.layout(name, &headers)?;
        let index = layout.index;
        let id_cell = index[Field::Id as usize];
        let mut rows = Rows::new(layout);
        let mut record = 0u64;
        let mut sized = false;
        loop {
            // The row is cut straight into the chunk, and taken back if it is not kept.
            let (kept, kept_ends) = (rows.bytes.len(), rows.ends.len());
            let onto = split::Onto {
                bytes: &mut rows.bytes,
                ends: &mut rows.ends,
            };
            let got = match rdr.read_onto(onto) {
                Ok(None) => break,
                Ok(Some(got)) => got,
                Err(e) => {
                    return Err(Failure::io(format!("cannot read {name}: {e}")));
                }
            };
            let line = got.line();
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
            let keep = if got == split::Got::TooLong(line) {
                self.stats.rows += 1;
                self.too_long(at);
                false
            } else if ends.len() == 1
                && cell(0).is_some_and(|c| c.iter().all(u8::is_ascii_whitespace))
            {
                record -= 1;
                false // a blank line is not a row
            } else if ends.len() != headers.len() {
                self.stats.rows += 1;
                let id = id_cell.and_then(cell).map(String::from_utf8_lossy);
                self.ragged(at, id.as_deref(), ends.len(), headers.len(), delimiter);
                false
            } else if let Some(bad) = self.unfit(&rows.bytes[kept..], ends, kept, &headers) {
                self.stats.rows += 1;
                let id = id_cell.and_then(cell).map(String::from_utf8_lossy);
                let r = at.reject(id.as_deref(), &bad.0, "", bad.1);
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
            if rows.at.len() == BATCH || rows.bytes.len() >= CHUNK_BYTES {
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

    /// The delimiter: `[input].delimiter`, else a tab for `.tsv` files, else the one the
    /// header line holds most of, outside quotes (a comma when it holds none).
    fn delimiter(&self, name: &str, input: &mut Box<dyn BufRead>) -> Result<u8, Failure> {
        if let Some(d) = self.rules.input.delimiter {
            return Ok(d);
        }
        if name.to_ascii_lowercase().ends_with(".tsv") {
            return Ok(b'\t');
        }
        let head = input
            .fill_buf()
            .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
        Ok(sniff_delimiter(head))
    }

    /// The header row, or a usage error when the export has none.
    fn header(
        &mut self,
        name: &str,
        rdr: &mut split::Splitter<Box<dyn BufRead>>,
    ) -> Result<Vec<String>, Failure> {
        let mut rec = split::Record::default();
        let got = rdr
            .read_header(&mut rec)
            .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
        match got {
            None => Err(Failure::usage(format!(
                "{name} is empty: an export needs a header row with at least the columns {}",
                self.required_names().join(", ")
            ))),
            Some(split::Got::TooLong(_)) => Err(Failure::usage(format!(
                "{name}: the header row is longer than [input].max_row_bytes ({} bytes): this is not a CSV export, or its first line is not the header",
                self.rules.input.max_row
            ))),
            Some(split::Got::Row(_)) => Ok(header_names(&rec)),
        }
    }

    /// A row longer than `[input].max_row_bytes`: rejected, its cells unread.
    fn too_long(&mut self, at: At<'_>) {
        let r = at.reject(
            None,
            "",
            "",
            format!(
                "the row is longer than [input].max_row_bytes ({} bytes); check for a quote left open, or raise the limit",
                self.rules.input.max_row
            ),
        );
        self.parsed.reject(r, self.seq);
    }

    /// Why a row's cells cannot be read as text: a cell longer than
    /// `[input].max_field_bytes`, or a NUL byte, which no export writes in text. The column
    /// and the reason.
    fn unfit(
        &self,
        row: &[u8],
        ends: &[usize],
        base: usize,
        headers: &[String],
    ) -> Option<(String, String)> {
        let max = self.rules.input.max_field;
        let column = |i: usize| headers.get(i).cloned().unwrap_or_default();
        if row.len() > max {
            let mut start = base;
            for (i, &end) in ends.iter().enumerate() {
                if end - start > max {
                    return Some((
                        column(i),
                        format!(
                            "the field is {} bytes, longer than [input].max_field_bytes ({max}); check for a quote left open, or raise the limit",
                            end - start
                        ),
                    ));
                }
                start = end + 1;
            }
        }
        let at = memchr::memchr(0, row)?;
        let i = ends.iter().position(|&e| e >= base + at).unwrap_or(0);
        Some((
            column(i),
            "the field holds a NUL byte, which no text holds: the file is binary or damaged; fix the row or re-export".to_string(),
        ))
    }

    /// A row with more or fewer fields than the header: rejected.
    fn ragged(&mut self, at: At<'_>, id: Option<&str>, fields: usize, width: usize, d: u8) {
        let delimiter = match d {
            b',' => "comma".to_string(),
            b'\t' => "tab".to_string(),
            other => format!("\"{}\"", other as char),
        };
        let r = at.reject(
            id,
            "",
            "",
            format!(
                "the row has {fields} fields but the header has {width}; check for an unquoted {delimiter} or a missing quote"
            ),
        );
        self.parsed.reject(r, self.seq);
    }

    /// How a source's header maps to fields: the first candidate column of each present,
    /// else a usage error naming what is missing.
    fn layout(&mut self, name: &str, headers: &[String]) -> Result<Arc<Layout>, Failure> {
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
        self.require(name, &index, headers)?;
        if self.stats.columns.is_empty() {
            for f in Field::ALL {
                if index[f as usize].is_some() {
                    self.stats.columns.insert(f, self.names[f as usize].clone());
                }
            }
        }
        let used: HashSet<usize> = index.iter().flatten().copied().collect();
        let read: Vec<bool> = (0..headers.len()).map(|i| used.contains(&i)).collect();
        let found: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| index[*f as usize].is_some())
            .collect();
        self.note_near(headers, &read, &found);
        Ok(Arc::new(Layout {
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
        }))
    }
}

/// Header cells as names: trimmed, BOM removed, and a repeated name `N` read as `N#2`, `N#3`.
pub(super) fn header_names(rec: &split::Record) -> Vec<String> {
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

/// The delimiter a header line holds most of, outside quotes: `,`, `;`, a tab or `|`; a
/// comma when it holds none (a one-column export) or ties.
pub(super) fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            b'|' if !quoted => counts[3] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t', b'|'];
    let best = (0..4)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}
