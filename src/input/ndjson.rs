//! NDJSON exports: one record a line; the first parsed here (it stands for the header), the
//! rest on the parser threads, a chunk of lines at a time.

use std::io::BufRead;

use serde_json::Value;

use super::chunk::Chunk;
use super::jobs::{Job, Lines, Work};
use super::reader::{BATCH, Reader};
use super::record::At;
use crate::error::Failure;

impl Reader<'_> {
    pub(super) fn ndjson(
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
                    self.hand(Job(Work::Lines(full)), sink)?;
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
                    self.note_keys(&v);
                    self.json_record(at, v);
                }
                Err(e) => {
                    let r = at.reject(None, "", "", format!("not valid JSON: {e}"));
                    self.parsed.reject(r, self.seq);
                }
            }
        }
        if !lines.at.is_empty() {
            self.hand(Job(Work::Lines(lines)), sink)?;
        }
        Ok(())
    }
}
