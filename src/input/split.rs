//! CSV records cut the way the `csv` crate cuts them with its defaults (double quotes, CR,
//! LF or CRLF ending a record, blank lines skipped, a leading UTF-8 byte-order mark
//! dropped) and the export's delimiter (a comma, or `;` as Excel writes CSV in most of
//! Europe, or a tab), only faster: a record without a quote is found with `memchr` and cut
//! at its delimiters eight bytes at a time; one with a quote anywhere goes through
//! `csv_core`, which knows every rule of quoting. Each record also tells the line it starts on, counting blank
//! lines and CRLF line ends.

use std::io::{self, Read};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What reading a record gave: the line it starts on, and whether its cells were kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Got {
    Row(u64),
    /// A record longer than the limit: read to its end, its cells not kept.
    TooLong(u64),
}

impl Got {
    pub fn line(self) -> u64 {
        match self {
            Got::Row(line) | Got::TooLong(line) => line,
        }
    }
}

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
    /// The most bytes a record may hold; a longer one is read past, keeping nothing, so
    /// that what is held stays a small multiple of this whatever the input.
    limit: usize,
    /// Past the limit, stop at once rather than read on to the record's end: a header that
    /// long means the file is no export, and nothing after it is read.
    abandon: bool,
}

impl<R: Read> Splitter<R> {
    /// A splitter of records whose cells `delimiter` separates.
    /// A splitter of records whose cells `delimiter` separates, of at most `limit` bytes.
    pub fn new(input: R, delimiter: u8, limit: usize) -> Splitter<R> {
        Splitter::with_capacity(input, 1 << 18, delimiter, limit)
    }

    /// A splitter that reads `capacity` bytes at a time (more when a record is longer).
    pub fn with_capacity(input: R, capacity: usize, delimiter: u8, limit: usize) -> Splitter<R> {
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
            limit: limit.max(1),
            abandon: false,
        }
    }

    /// Reads the first record, the header, into `rec`, giving up as soon as it is longer
    /// than the limit; none for an empty input.
    pub fn read_header(&mut self, rec: &mut Record) -> io::Result<Option<Got>> {
        self.abandon = true;
        let got = self.read(rec);
        self.abandon = false;
        got
    }

    /// Reads the next record into `rec`; none at the end of the input.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<Option<Got>> {
        rec.bytes.clear();
        rec.ends.clear();
        let onto = Onto {
            bytes: &mut rec.bytes,
            ends: &mut rec.ends,
        };
        let got = self.read_onto(onto)?;
        if let Some(got) = got {
            rec.line = got.line();
        }
        Ok(got)
    }

    /// Appends the next record's cells to `onto` (its first cell starts where the buffer
    /// ends) and gives the line it starts on; none at the end of the input. Cutting rows
    /// straight into a chunk spares copying each twice. A record longer than the limit
    /// appends nothing.
    pub fn read_onto(&mut self, mut onto: Onto<'_>) -> io::Result<Option<Got>> {
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
                Some(i) if rest[i] == b'"' => return self.quoted(onto, line, false),
                Some(i) => {
                    let len = scanned + i;
                    let got = if len > self.limit {
                        Got::TooLong(line)
                    } else {
                        self.cut(&mut onto, len);
                        Got::Row(line)
                    };
                    self.line += u64::from(self.buf[self.pos + len] == b'\n');
                    self.pos += len + 1;
                    return Ok(Some(got));
                }
                None => {
                    scanned = self.end - self.pos;
                    if scanned > self.limit && self.abandon {
                        return Ok(Some(Got::TooLong(line)));
                    }
                    if scanned > self.limit {
                        // Too long already: `csv_core` reads on to its end, keeping nothing
                        // (the rest may hold a quoted line end).
                        return self.quoted(onto, line, true);
                    }
                    if !self.fill()? {
                        self.cut(&mut onto, scanned);
                        self.pos = self.end;
                        return Ok(Some(Got::Row(line)));
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

    /// A record with a quote, or one too long already (`over`): `csv_core` reads it from
    /// its first byte, refilling as it asks. Past the limit its cells are dropped as they
    /// come.
    fn quoted(&mut self, mut onto: Onto<'_>, line: u64, mut over: bool) -> io::Result<Option<Got>> {
        use csv_core::ReadRecordResult as Core;
        let (mut out, mut ends, mut taken) = (0, 0, 0usize);
        let mut last;
        self.core.set_line(self.line);
        let whole = loop {
            let (got, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.end],
                &mut self.cells[out..],
                &mut self.cell_ends[ends..],
            );
            self.pos += nin;
            taken += nin;
            last = nin;
            out += nout;
            ends += nend;
            // Past the limit with room for a line end: certainly too long.
            over |= taken > self.limit + 2;
            if over && self.abandon {
                return Ok(Some(Got::TooLong(line)));
            }
            match got {
                Core::InputEmpty => {
                    // At the end of the input an empty read tells `csv_core` to finish.
                    self.fill()?;
                }
                Core::OutputFull if over => out = 0,
                Core::OutputEndsFull if over => ends = 0,
                Core::OutputFull => self.cells.resize(self.cells.len() * 2, 0),
                Core::OutputEndsFull => self.cell_ends.resize(self.cell_ends.len() * 2, 0),
                Core::Record => break true,
                Core::End => break false,
            }
        };
        self.line = self.core.line();
        if !whole {
            return Ok(None);
        }
        // Its length without the line end `csv_core` took with it.
        // The line end is among the bytes of the last read.
        let (mut len, mut i) = (taken, self.pos);
        while len + 2 > taken && i > self.pos - last && matches!(self.buf[i - 1], b'\n' | b'\r') {
            len -= 1;
            i -= 1;
        }
        if over || len > self.limit {
            return Ok(Some(Got::TooLong(line)));
        }
        let mut start = 0;
        for (i, &end) in self.cell_ends[..ends].iter().enumerate() {
            onto.push(&self.cells[start..end], i == 0);
            start = end;
        }
        Ok(Some(Got::Row(line)))
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
        let mut s = Splitter::with_capacity(
            Trickle { bytes: input, step },
            capacity,
            delimiter,
            usize::MAX - 2,
        );
        let mut rec = Record::default();
        let mut out = Vec::new();
        while s.read(&mut rec).unwrap().is_some() {
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), rec.line()));
        }
        out
    }

    /// As `split`, with every record appended to one buffer after what it holds, a
    /// separator after each, as a chunk of rows keeps them.
    fn split_onto(input: &[u8], capacity: usize, step: usize) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut s = Splitter::with_capacity(
            Trickle { bytes: input, step },
            capacity,
            b',',
            usize::MAX - 2,
        );
        let (mut bytes, mut ends) = (b"junk,".to_vec(), vec![4]);
        let mut out = Vec::new();
        loop {
            let (start, first) = (bytes.len(), ends.len());
            let onto = Onto {
                bytes: &mut bytes,
                ends: &mut ends,
            };
            let Some(Got::Row(line)) = s.read_onto(onto).unwrap() else {
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
        reference_spans(input, delimiter)
            .into_iter()
            .map(|(cells, line, _)| (cells, line))
            .collect()
    }

    /// As `reference_by`, with each record's length in the input, its line end left out.
    fn reference_spans(input: &[u8], delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, usize)> {
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
            // The record runs to where the reader stopped, less its line end.
            let mut end = rdr.position().byte() as usize;
            for _ in 0..2 {
                if end > start && matches!(input[end - 1], b'\n' | b'\r') {
                    end -= 1;
                }
            }
            out.push((
                rec.iter().map(<[u8]>::to_vec).collect(),
                line,
                end.max(start) - start,
            ));
        }
        out
    }

    /// Each record as read with a limit of `limit` bytes: its cells, or none when too long.
    fn split_limited(
        input: &[u8],
        capacity: usize,
        step: usize,
        limit: usize,
    ) -> Vec<(Option<Vec<Vec<u8>>>, u64)> {
        let mut s = Splitter::with_capacity(Trickle { bytes: input, step }, capacity, b',', limit);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while let Some(got) = s.read(&mut rec).unwrap() {
            // What is held stays a small multiple of the limit, whatever the record.
            assert!(
                s.buf.len() <= 2 * (limit + capacity) + 8,
                "buffer {}",
                s.buf.len()
            );
            assert!(s.cells.len() <= 2 * limit + 256, "cells {}", s.cells.len());
            let cells = match got {
                Got::Row(_) => Some(rec.iter().map(<[u8]>::to_vec).collect()),
                Got::TooLong(_) => None,
            };
            out.push((cells, got.line()));
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

    #[test]
    fn a_row_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
        let cells = |c: &[&str]| Some(c.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>());
        for end in ["\n", "\r\n"] {
            // Ten bytes, plain then quoted; then eleven.
            let input = format!(
                "abcd,efghi{end}\"bb\",\"c,d\"{end}x,y{end}abcd,efghij{end}\"bb\",\"c,de\"{end}z"
            );
            assert_eq!(
                split_limited(input.as_bytes(), 4, 3, 10),
                vec![
                    (cells(&["abcd", "efghi"]), 1),
                    (cells(&["bb", "c,d"]), 2),
                    (cells(&["x", "y"]), 3),
                    (None, 4),
                    (None, 5),
                    (cells(&["z"]), 6),
                ],
                "line end {end:?}"
            );
        }
        // At the end of the input, with no line end.
        for (input, want) in [
            ("abcd,efghi", cells(&["abcd", "efghi"])),
            ("\"bb\",\"c,d\"", cells(&["bb", "c,d"])),
            ("abcd,efghij", None),
            ("\"bb\",\"c,de\"", None),
        ] {
            assert_eq!(
                split_limited(input.as_bytes(), 4, 3, 10),
                vec![(want, 1)],
                "{input}"
            );
        }
    }

    /// A 2 GB file of one line was read to its end before its header was refused: a header
    /// past the limit is refused having read little more than the limit.
    #[test]
    fn a_header_past_the_limit_is_refused_without_reading_on() {
        for text in [
            vec![b'x'; 1 << 20],
            [b"\"".to_vec(), vec![b'x'; 1 << 20]].concat(),
        ] {
            let mut input = Trickle {
                bytes: &text,
                step: 64,
            };
            let mut s = Splitter::with_capacity(&mut input, 16, b',', 100);
            let got = s.read_header(&mut Record::default()).unwrap();
            assert_eq!(got, Some(Got::TooLong(1)));
            drop(s);
            let read = text.len() - input.bytes.len();
            assert!(read < 1000, "read {read} bytes");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// With a limit, a record well within it reads as without one, one well past it is
        /// read past, and what is held stays bounded; the lines of the rest are unchanged.
        #[test]
        fn records_past_the_limit_are_read_past(
            parts in proptest::collection::vec(
                prop::sample::select(vec!["a", "bcdefgh", ",", "\"", "\"\"", "\n", "\r\n", " "]),
                0..60,
            ),
            capacity in 1usize..16,
            step in 1usize..8,
            limit in 1usize..24,
        ) {
            let input = parts.concat();
            let want = reference_spans(input.as_bytes(), b',');
            let got = split_limited(input.as_bytes(), capacity, step, limit);
            prop_assert_eq!(got.len(), want.len());
            for ((cells, line), (want_cells, want_line, len)) in got.into_iter().zip(want) {
                prop_assert_eq!(line, want_line);
                if len + 3 <= limit {
                    prop_assert_eq!(cells, Some(want_cells));
                } else if len > limit + 3 {
                    prop_assert_eq!(cells, None);
                } else if let Some(c) = cells {
                    prop_assert_eq!(c, want_cells);
                }
            }
        }

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
