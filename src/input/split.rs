//! CSV records cut the way the `csv` crate cuts them with its defaults (double quotes, CR,
//! LF or CRLF ending a record, blank lines skipped, a leading UTF-8 byte-order mark
//! dropped) and the export's delimiter (a comma, or `;` as Excel writes CSV in most of
//! Europe, or a tab), only faster: a record without a quote is found with `memchr` and cut
//! at its delimiters eight bytes at a time; one with a quote anywhere goes through
//! `csv_core`, which knows every rule of quoting. Each record also tells the line it starts on, counting blank
//! lines and CRLF line ends.

use std::io::{self, Read};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record's cells, one byte apart, and the line it starts on. A record without quotes
/// is held as read, commas and all: one copy.
#[derive(Default)]
pub struct Record {
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes`; the next starts one byte later.
    ends: Vec<usize>,
    line: u64,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        Some(&self.bytes[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The line the record starts on, from 1.
    #[cfg(test)]
    pub fn line(&self) -> u64 {
        self.line
    }
}

/// Where a record's cells go: appended to a buffer, one byte apart, with where each ends.
pub struct Onto<'a> {
    pub bytes: &'a mut Vec<u8>,
    pub ends: &'a mut Vec<usize>,
}

impl Onto<'_> {
    fn push(&mut self, cell: &[u8], first: bool) {
        if !first {
            self.bytes.push(b',');
        }
        self.bytes.extend_from_slice(cell);
        self.ends.push(self.bytes.len());
    }
}

pub struct Splitter<R> {
    input: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    core: csv_core::Reader,
    /// What `csv_core` reads: cells back to back, and where each ends.
    cells: Vec<u8>,
    cell_ends: Vec<usize>,
    /// The line `buf[pos]` is on.
    line: u64,
    started: bool,
    delimiter: u8,
}

impl<R: Read> Splitter<R> {
    /// A splitter of records whose cells `delimiter` separates.
    pub fn new(input: R, delimiter: u8) -> Splitter<R> {
        Splitter::with_capacity(input, 1 << 18, delimiter)
    }

    /// A splitter that reads `capacity` bytes at a time (more when a record is longer).
    pub fn with_capacity(input: R, capacity: usize, delimiter: u8) -> Splitter<R> {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // `csv_core` drops a byte-order mark at the start of the first input it sees, which
        // here may be a record in the middle of the file: a blank line goes first.
        let _ = core.read_record(b"\n", &mut [], &mut []);
        Splitter {
            input,
            buf: vec![0; capacity.max(1)],
            pos: 0,
            end: 0,
            eof: false,
            core,
            cells: vec![0; 256],
            cell_ends: vec![0; 32],
            line: 1,
            started: false,
            delimiter,
        }
    }

    /// Reads the next record into `rec`; false at the end of the input.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<bool> {
        rec.bytes.clear();
        rec.ends.clear();
        let onto = Onto {
            bytes: &mut rec.bytes,
            ends: &mut rec.ends,
        };
        Ok(match self.read_onto(onto)? {
            Some(line) => {
                rec.line = line;
                true
            }
            None => false,
        })
    }

    /// Appends the next record's cells to `onto` (its first cell starts where the buffer
    /// ends) and gives the line it starts on; none at the end of the input. Cutting rows
    /// straight into a chunk spares copying each twice.
    pub fn read_onto(&mut self, mut onto: Onto<'_>) -> io::Result<Option<u64>> {
        if !self.started {
            self.started = true;
            while self.end - self.pos < BOM.len() && self.fill()? {}
            if self.buf[self.pos..self.end].starts_with(BOM) {
                self.pos += BOM.len();
            }
        }
        // Blank lines are no records, but they count as lines.
        loop {
            while let Some(&b) = self.buf[self.pos..self.end].first() {
                if b != b'\n' && b != b'\r' {
                    break;
                }
                self.line += u64::from(b == b'\n');
                self.pos += 1;
            }
            if self.pos < self.end {
                break;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
        let line = self.line;
        let mut scanned = 0;
        loop {
            let rest = &self.buf[self.pos + scanned..self.end];
            match memchr::memchr3(b'"', b'\n', b'\r', rest) {
                Some(i) if rest[i] == b'"' => {
                    return Ok(self.quoted(onto)?.then_some(line));
                }
                Some(i) => {
                    let len = scanned + i;
                    self.cut(&mut onto, len);
                    self.line += u64::from(self.buf[self.pos + len] == b'\n');
                    self.pos += len + 1;
                    return Ok(Some(line));
                }
                None => {
                    scanned = self.end - self.pos;
                    if !self.fill()? {
                        self.cut(&mut onto, scanned);
                        self.pos = self.end;
                        return Ok(Some(line));
                    }
                }
            }
        }
    }

    /// Cuts the next `len` bytes, which hold no quote and no line end, at their delimiters.
    fn cut(&self, onto: &mut Onto<'_>, len: usize) {
        let row = &self.buf[self.pos..self.pos + len];
        let base = onto.bytes.len();
        onto.bytes.extend_from_slice(row);
        delimiters(row, self.delimiter, |i| onto.ends.push(base + i));
        onto.ends.push(base + len);
    }

    /// A record with a quote: `csv_core` reads it, refilling as it asks.
    fn quoted(&mut self, mut onto: Onto<'_>) -> io::Result<bool> {
        use csv_core::ReadRecordResult as Got;
        let (mut out, mut ends) = (0, 0);
        self.core.set_line(self.line);
        let got = loop {
            let (got, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.end],
                &mut self.cells[out..],
                &mut self.cell_ends[ends..],
            );
            self.pos += nin;
            out += nout;
            ends += nend;
            match got {
                Got::InputEmpty => {
                    // At the end of the input an empty read tells `csv_core` to finish.
                    self.fill()?;
                }
                Got::OutputFull => self.cells.resize(self.cells.len() * 2, 0),
                Got::OutputEndsFull => self.cell_ends.resize(self.cell_ends.len() * 2, 0),
                Got::Record => break true,
                Got::End => break false,
            }
        };
        self.line = self.core.line();
        let mut start = 0;
        for (i, &end) in self.cell_ends[..ends].iter().enumerate() {
            onto.push(&self.cells[start..end], i == 0);
            start = end;
        }
        Ok(got)
    }

    /// Reads more input after what is buffered, first moving the unread bytes to the front,
    /// and growing the buffer when they fill it; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Calls `each` with where each `delimiter` is in `row`, looking at eight bytes at a time.
fn delimiters(row: &[u8], delimiter: u8, mut each: impl FnMut(usize)) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let all = u64::from(delimiter) * 0x0101_0101_0101_0101;
    let mut words = row.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let x = u64::from_le_bytes(w) ^ all;
        // The top bit of each byte that was a comma (zero now): no carry crosses a byte.
        let mut hits = !(((x & LOW7) + LOW7) | x | LOW7);
        while hits != 0 {
            each(base + hits.trailing_zeros() as usize / 8);
            hits &= hits - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            each(base + i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hands out at most `step` bytes per read, to cut records across refills.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn split(input: &[u8], capacity: usize, step: usize) -> Vec<(Vec<Vec<u8>>, u64)> {
        split_by(input, capacity, step, b',')
    }

    fn split_by(
        input: &[u8],
        capacity: usize,
        step: usize,
        delimiter: u8,
    ) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut s = Splitter::with_capacity(Trickle { bytes: input, step }, capacity, delimiter);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while s.read(&mut rec).unwrap() {
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), rec.line()));
        }
        out
    }

    /// As `split`, with every record appended to one buffer after what it holds, a
    /// separator after each, as a chunk of rows keeps them.
    fn split_onto(input: &[u8], capacity: usize, step: usize) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut s = Splitter::with_capacity(Trickle { bytes: input, step }, capacity, b',');
        let (mut bytes, mut ends) = (b"junk,".to_vec(), vec![4]);
        let mut out = Vec::new();
        loop {
            let (start, first) = (bytes.len(), ends.len());
            let onto = Onto {
                bytes: &mut bytes,
                ends: &mut ends,
            };
            let Some(line) = s.read_onto(onto).unwrap() else {
                break;
            };
            let mut cells = Vec::new();
            let mut from = start;
            for &end in &ends[first..] {
                cells.push(bytes[from..end].to_vec());
                from = end + 1;
            }
            bytes.push(b',');
            out.push((cells, line));
        }
        out
    }

    /// What the `csv` crate reads, with each record's line counted from its first byte: `csv`
    /// itself tells the line where the previous record ended, which is off after blank lines
    /// and CRLF.
    fn reference(input: &[u8]) -> Vec<(Vec<Vec<u8>>, u64)> {
        reference_by(input, b',')
    }

    fn reference_by(input: &[u8], delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            let mut start = rec.position().map_or(0, |p| p.byte()) as usize;
            if start == 0 && input.starts_with(BOM) {
                start = BOM.len();
            }
            while matches!(input.get(start), Some(b'\n' | b'\r')) {
                start += 1;
            }
            let line = 1 + input[..start].iter().filter(|&&b| b == b'\n').count() as u64;
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), line));
        }
        out
    }

    #[test]
    fn lines_count_blank_lines_and_crlf() {
        let got = split(b"a,b\r\n\r\nc,\"d\r\ne\"\r\nf\n", 64, 64);
        let cells = |c: &[&str]| c.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                (cells(&["a", "b"]), 1),
                (cells(&["c", "d\r\ne"]), 3),
                (cells(&["f"]), 5)
            ]
        );
    }

    #[test]
    fn byte_order_mark_dropped_only_at_the_start() {
        // The second record has a quote, so `csv_core` reads it.
        let got = split(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb,\"c\"\n", 64, 64);
        assert_eq!(got[0].0, vec![b"a".to_vec()]);
        assert_eq!(got[1].0, vec![b"\xEF\xBB\xBFb".to_vec(), b"c".to_vec()]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn cuts_as_the_csv_crate_does(
            parts in proptest::collection::vec(
                prop::sample::select(vec!["a", "bc", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "é", "\u{feff}"]),
                0..40,
            ),
            capacity in 1usize..16,
            step in 1usize..8,
        ) {
            let input = parts.concat();
            let want = reference(input.as_bytes());
            prop_assert_eq!(&split(input.as_bytes(), capacity, step), &want);
            prop_assert_eq!(split_onto(input.as_bytes(), capacity, step), want);
        }

        /// Semicolons and tabs cut as the csv crate cuts them with that delimiter, commas
        /// then being text.
        #[test]
        fn other_delimiters_cut_as_the_csv_crate_does(
            parts in proptest::collection::vec(
                prop::sample::select(vec!["a", "bc", ",", ";", "\t", "\"", "\n", "\r\n", " ", "é"]),
                0..40,
            ),
            capacity in 1usize..16,
            step in 1usize..8,
            tab in proptest::bool::ANY,
        ) {
            let input = parts.concat();
            let d = if tab { b'\t' } else { b';' };
            prop_assert_eq!(
                split_by(input.as_bytes(), capacity, step, d),
                reference_by(input.as_bytes(), d)
            );
        }
    }
}
