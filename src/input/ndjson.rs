//! NDJSON exports: one record a line, each at most `[input].max_row_bytes`; read as the
//! records of a JSON array are.

use std::io::{self, BufRead};

use super::chunk::Chunk;
use super::json::Piece;
use super::reader::Reader;
use crate::error::Failure;

impl Reader<'_> {
    pub(super) fn ndjson(
        &mut self,
        name: &str,
        mut input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let limit = self.rules.input.max_row;
        let mut line = 0u64;
        let mut next = |buf: &mut Vec<u8>| -> Result<Option<Piece>, Failure> {
            loop {
                buf.clear();
                let Some(too_long) = read_line(&mut input, buf, limit)
                    .map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?
                else {
                    return Ok(None);
                };
                line += 1;
                if too_long || !buf.iter().all(u8::is_ascii_whitespace) {
                    return Ok(Some(Piece {
                        line: Some(line),
                        too_long,
                    }));
                }
            }
        };
        self.records(name, &mut next, sink)
    }
}

/// Reads one line into `buf`, its line end dropped, keeping at most `limit` bytes: whether
/// it was longer (then `buf` is cleared); none at the end of the input.
pub(super) fn read_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    let (mut any, mut over) = (false, false);
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if buf.len() > limit {
                over = true;
                buf.clear();
            }
            return Ok(any.then_some(over));
        }
        any = true;
        let (n, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !over {
            buf.extend_from_slice(&chunk[..n]);
            if done && buf.last() == Some(&b'\r') {
                buf.pop();
            }
            // A CR may be the first byte of a CRLF the next read completes.
            if buf.len() > limit + usize::from(!done) {
                over = true;
                buf.clear();
            }
        }
        input.consume(n + usize::from(done));
        if done {
            return Ok(Some(over));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_past_the_limit_are_read_past() {
        let text = b"0123\r\n01234\n\n012\r\n01234";
        // Read a byte at a time too, so that a CRLF is cut between reads.
        for step in [1, text.len()] {
            let mut input = std::io::BufReader::with_capacity(step, &text[..]);
            let mut buf = Vec::new();
            let mut got = Vec::new();
            while let Some(over) = read_line(&mut input, &mut buf, 4).unwrap() {
                got.push((String::from_utf8(buf.clone()).unwrap(), over));
                buf.clear();
            }
            let want = [
                ("0123", false),
                ("", true),
                ("", false),
                ("012", false),
                ("", true),
            ];
            assert_eq!(got, want.map(|(s, o)| (s.to_string(), o)), "step {step}");
        }
    }
}
