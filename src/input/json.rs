//! JSON arrays and NDJSON: records cut from the stream one at a time, each at most
//! `[input].max_row_bytes`, parsed on the parser threads and mapped by key or dotted path.
//! A record that does not parse, or holds a number that does not fit, costs its record; a
//! file whose structure breaks (cut short, a bracket that does not close) is an error.

use std::io::{self, BufRead};

use serde_json::Value;

use super::chunk::Chunk;
use super::jobs::{Job, Lines, Work, not_json};
use super::reader::{BATCH, CHUNK_BYTES, Reader};
use super::record::At;
use crate::error::Failure;

/// Keys under which an export object holds its array of tickets (`{"tickets": [...]}`).
pub(super) const ARRAY_KEYS: [&str; 7] = [
    "tickets",
    "results",
    "data",
    "records",
    "items",
    "incidents",
    "issues",
];

/// Brackets deeper than this are no ticket export (as `serde_json` refuses them).
const DEPTH: usize = 128;

/// One record cut from the stream: its bytes are in the caller's buffer.
pub(super) struct Piece {
    /// The line it starts on (NDJSON), none in an array (where every record of a
    /// minified export is on line 1, its record number says more).
    pub(super) line: Option<u64>,
    /// Longer than `[input].max_row_bytes`: read past, its bytes not kept.
    pub(super) too_long: bool,
}

impl Reader<'_> {
    pub(super) fn json(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let mut cut = Elements::new(input, self.rules.input.max_row);
        self.records(
            name,
            &mut |buf| cut.next(buf).map_err(|e| e.failure(name)),
            sink,
        )
    }

    /// Records in reading order: the first parsed here (it stands for the header), the
    /// rest on the parser threads, a chunk at a time. `next` cuts the next record into the
    /// buffer it is given.
    pub(super) fn records(
        &mut self,
        name: &str,
        next: &mut Cutter<'_>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.reset_names();
        let mut buf = Vec::new();
        let mut record = 0u64;
        let mut lines = Lines::new(name, self.seq);
        while let Some(piece) = next(&mut buf)? {
            record += 1;
            self.stats.rows += 1;
            let at = At {
                source: name,
                seq: self.seq,
                line: piece.line,
                record,
            };
            if piece.too_long {
                let r = at.reject(
                    None,
                    "",
                    "",
                    format!(
                        "the record is longer than [input].max_row_bytes ({} bytes); raise the limit if the export is right",
                        self.rules.input.max_row
                    ),
                );
                self.parsed.reject(r, self.seq);
                continue;
            }
            if record > 1 {
                lines.bytes.extend_from_slice(&buf);
                lines.ends.push(lines.bytes.len());
                lines.at.push((piece.line, record));
                if lines.at.len() == BATCH || lines.bytes.len() >= CHUNK_BYTES {
                    let full = std::mem::replace(&mut lines, Lines::new(name, self.seq));
                    self.hand(Job(Work::Lines(full)), sink)?;
                }
                continue;
            }
            match serde_json::from_slice::<Value>(&buf) {
                Ok(v) => {
                    self.note_keys(&v);
                    self.json_record(at, &buf, v);
                }
                Err(e) => {
                    let r = at.reject(None, "", "", not_json(&e, piece.line.is_some()));
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

/// Cuts the next record into the buffer it is given; none after the last.
pub(super) type Cutter<'a> = dyn FnMut(&mut Vec<u8>) -> Result<Option<Piece>, Failure> + 'a;

/// Where a JSON file's structure breaks, and why.
#[derive(Debug)]
pub(super) struct Broken {
    line: u64,
    column: u64,
    what: String,
}

impl Broken {
    fn failure(self, name: &str) -> Failure {
        Failure::io(format!(
            "cannot read {name}: not valid JSON tickets: {} at line {} column {}",
            self.what, self.line, self.column
        ))
    }
}

/// Where the reading is between records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At2 {
    /// Before the first byte.
    Start,
    /// Inside the array, before its first record or `]`.
    First,
    /// After a record, before `,` or `]`.
    After,
    /// After the array, in the object that holds it (`{"tickets": [...], ...}`) or at
    /// the top.
    Past,
    Done,
}

/// The records of a JSON array (at the top, or under one of `ARRAY_KEYS` of a top-level
/// object), cut by their brackets and strings without being parsed: what is held is one
/// record, at most `limit` bytes.
pub(super) struct Elements<R> {
    input: R,
    at: At2,
    /// The array is a value in an object.
    wrapped: bool,
    line: u64,
    column: u64,
    limit: usize,
}

impl<R: BufRead> Elements<R> {
    pub(super) fn new(input: R, limit: usize) -> Elements<R> {
        Elements {
            input,
            at: At2::Start,
            wrapped: false,
            line: 1,
            column: 1,
            limit,
        }
    }

    /// Cuts the next record into `out`; none after the last.
    pub(super) fn next(&mut self, out: &mut Vec<u8>) -> Result<Option<Piece>, Broken> {
        out.clear();
        loop {
            match self.at {
                At2::Start => {
                    match self.token()? {
                        Some(b'[') => self.at = At2::First,
                        Some(b'{') => {
                            self.wrapped = true;
                            self.find_array()?;
                        }
                        _ => return Err(self.broken(expecting())),
                    }
                    if self.at == At2::Start {
                        return Err(self.broken(format!(
                            "the object holds no array of tickets under {}",
                            ARRAY_KEYS.join(", ")
                        )));
                    }
                }
                At2::First => {
                    if self.peek_token()? == Some(b']') {
                        self.bump();
                        self.at = At2::Past;
                        continue;
                    }
                    return self.element(out).map(Some);
                }
                At2::After => match self.token()? {
                    Some(b',') => {
                        if self.peek_token()? == Some(b']') {
                            return Err(self.broken("a comma before ]".into()));
                        }
                        return self.element(out).map(Some);
                    }
                    Some(b']') => self.at = At2::Past,
                    Some(_) => return Err(self.broken("expected , or ] after a record".into())),
                    None => return Err(self.broken("the file ends inside the array".into())),
                },
                At2::Past => {
                    if self.wrapped {
                        self.rest_of_object()?;
                    }
                    if self.token()?.is_some() {
                        return Err(self.broken("trailing characters".into()));
                    }
                    self.at = At2::Done;
                }
                At2::Done => return Ok(None),
            }
        }
    }

    /// In the top-level object: skips keys and values up to the first array under one of
    /// `ARRAY_KEYS`, and stands inside it; at the end of the object, stays at `Start`.
    fn find_array(&mut self) -> Result<(), Broken> {
        let mut first = true;
        loop {
            match self.token()? {
                Some(b'}') if first => return Ok(()),
                Some(b'"') => {}
                _ => return Err(self.broken("expected a key in the object".into())),
            }
            let key = self.key()?;
            if self.token()? != Some(b':') {
                return Err(self.broken("expected : after a key".into()));
            }
            if ARRAY_KEYS.contains(&key.as_str()) && self.peek_token()? == Some(b'[') {
                self.bump();
                self.at = At2::First;
                return Ok(());
            }
            self.skip_value()?;
            first = false;
            match self.token()? {
                Some(b',') => {}
                Some(b'}') => return Ok(()),
                _ => return Err(self.broken("expected , or } in the object".into())),
            }
        }
    }

    /// After the array: the object's other keys and values, to its `}`.
    fn rest_of_object(&mut self) -> Result<(), Broken> {
        loop {
            match self.token()? {
                Some(b',') => {}
                Some(b'}') => return Ok(()),
                _ => return Err(self.broken("expected , or } in the object".into())),
            }
            if self.token()? != Some(b'"') {
                return Err(self.broken("expected a key in the object".into()));
            }
            self.key()?;
            if self.token()? != Some(b':') {
                return Err(self.broken("expected : after a key".into()));
            }
            self.skip_value()?;
        }
    }

    /// A key after its opening quote, as text (a long one is cut: no array key is long).
    fn key(&mut self) -> Result<String, Broken> {
        let mut raw = vec![b'"'];
        self.scan(&mut raw, 64, true)?;
        Ok(serde_json::from_slice::<String>(&raw).unwrap_or_default())
    }

    /// A value of the object that is not the array: read past.
    fn skip_value(&mut self) -> Result<(), Broken> {
        if self.peek_token()?.is_none() {
            return Err(self.broken("the file ends inside the object".into()));
        }
        let mut none = Vec::new();
        self.scan(&mut none, 0, false).map(|_| ())
    }

    /// One record, from its first byte to the `,` or `]` after it.
    fn element(&mut self, out: &mut Vec<u8>) -> Result<Piece, Broken> {
        self.at = At2::After;
        let kept = self.scan(out, self.limit, false)?;
        Ok(Piece {
            line: None,
            too_long: !kept,
        })
    }

    /// Reads one value (after its opening quote when `in_string`) into `out`, keeping at
    /// most `limit` bytes; false when it was longer (then `out` is cleared). A value ends
    /// at a `,`, `]` or `}` outside it, which is left unread, or after its closing quote.
    fn scan(&mut self, out: &mut Vec<u8>, limit: usize, in_string: bool) -> Result<bool, Broken> {
        let mut stack: Vec<u8> = Vec::new();
        let (mut string, mut escaped, mut kept) = (in_string, false, true);
        let mut taken = 0usize;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.broken(format!("cannot read: {e}"))),
            };
            if buf.is_empty() {
                if stack.is_empty() && !string && !in_string {
                    return Ok(kept);
                }
                return Err(self.broken("EOF while parsing: the file is cut short".into()));
            }
            let mut end = None;
            let (mut line, mut column) = (self.line, self.column);
            let mut bad = None;
            for (i, &b) in buf.iter().enumerate() {
                if string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        string = false;
                        if stack.is_empty() && in_string {
                            end = Some(i + 1);
                        }
                    }
                } else {
                    match b {
                        b'"' => string = true,
                        b'{' | b'[' => {
                            stack.push(b);
                            if stack.len() > DEPTH {
                                bad = Some("nested beyond 128 levels".to_string());
                            }
                        }
                        b'}' | b']' => match stack.pop() {
                            None => end = Some(i),
                            Some(open) if (open == b'{') != (b == b'}') => {
                                bad = Some(format!("{} closes a {}", b as char, open as char));
                            }
                            Some(_) => {}
                        },
                        b',' if stack.is_empty() => end = Some(i),
                        _ => {}
                    }
                }
                if bad.is_some() || end.is_some() {
                    // The position of the byte at fault, or after the value.
                    if end == Some(i + 1) {
                        column += 1;
                    }
                    break;
                }
                if b == b'\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            if let Some(what) = bad {
                self.line = line;
                self.column = column;
                return Err(self.broken(what));
            }
            let n = end.unwrap_or(buf.len());
            taken += n;
            if kept && taken <= limit {
                out.extend_from_slice(&buf[..n]);
            } else if kept {
                kept = false;
                out.clear();
            }
            self.input.consume(n);
            self.line = line;
            self.column = column;
            if end.is_some() {
                if !in_string && taken == 0 {
                    return Err(self.broken("expected a value".into()));
                }
                return Ok(kept);
            }
        }
    }

    /// Skips white space and takes the next byte.
    fn token(&mut self) -> Result<Option<u8>, Broken> {
        let b = self.peek_token()?;
        if b.is_some() {
            self.bump();
        }
        Ok(b)
    }

    /// Skips white space and looks at the next byte.
    fn peek_token(&mut self) -> Result<Option<u8>, Broken> {
        loop {
            let b = match self.input.fill_buf() {
                Ok(buf) => buf.first().copied(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.broken(format!("cannot read: {e}"))),
            };
            match b {
                Some(b' ' | b'\t' | b'\r') => self.bump(),
                Some(b'\n') => {
                    self.input.consume(1);
                    self.line += 1;
                    self.column = 1;
                }
                other => return Ok(other),
            }
        }
    }

    fn bump(&mut self) {
        self.input.consume(1);
        self.column += 1;
    }

    fn broken(&self, what: String) -> Broken {
        Broken {
            line: self.line,
            column: self.column,
            what,
        }
    }
}

fn expecting() -> String {
    format!(
        "expected an array of ticket objects, or an object holding one under one of the keys {}",
        ARRAY_KEYS.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The records cut from `text`, as text, `None` for one too long; or where it broke.
    fn cut(text: &str, limit: usize) -> Result<Vec<Option<String>>, String> {
        let mut e = Elements::new(text.as_bytes(), limit);
        let mut out = Vec::new();
        let mut got = Vec::new();
        loop {
            match e.next(&mut out) {
                Ok(Some(p)) => got.push(
                    (!p.too_long)
                        .then(|| String::from_utf8(out.clone()).unwrap().trim().to_string()),
                ),
                Ok(None) => return Ok(got),
                Err(b) => return Err(format!("{} at {}:{}", b.what, b.line, b.column)),
            }
        }
    }

    fn some(xs: &[&str]) -> Result<Vec<Option<String>>, String> {
        Ok(xs.iter().map(|s| Some(s.to_string())).collect())
    }

    #[test]
    fn records_of_an_array_and_of_a_wrapping_object() {
        assert_eq!(
            cut(r#" [ {"a": [1, "]"]} , 2,"x\"]" ] "#, 99),
            some(&[r#"{"a": [1, "]"]}"#, "2", r#""x\"]""#])
        );
        assert_eq!(cut("[]", 99), some(&[]));
        assert_eq!(
            cut(
                r#"{"next": {"tickets": [9]}, "tickets": [{"id": 1}], "count": 1}"#,
                99
            ),
            some(&[r#"{"id": 1}"#])
        );
        // A key that is not an array key, even holding an array, is skipped.
        assert_eq!(
            cut(r#"{"other": [1], "data": [1e400]}"#, 99),
            some(&["1e400"])
        );
        assert_eq!(
            cut(r#"[{"a": "0123456789"}, 1]"#, 10),
            Ok(vec![None, Some("1".into())])
        );
    }

    #[test]
    fn a_broken_structure_says_where() {
        assert_eq!(
            cut("[1,\n 2", 99),
            Err("the file ends inside the array at 2:3".into())
        );
        assert_eq!(
            cut("[{\"a\": \"b", 99),
            Err("EOF while parsing: the file is cut short at 1:10".into())
        );
        assert_eq!(cut("[{]", 99), Err("] closes a { at 1:3".into()));
        assert_eq!(cut("[1,]", 99), Err("a comma before ] at 1:4".into()));
        assert_eq!(cut("[1,,2]", 99), Err("expected a value at 1:4".into()));
        assert_eq!(cut("[1] x", 99), Err("trailing characters at 1:6".into()));
        assert!(cut("5", 99).unwrap_err().starts_with("expected an array"));
        assert!(
            cut(r#"{"a": 1}"#, 99)
                .unwrap_err()
                .starts_with("the object holds no array")
        );
        let deep = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
        assert!(
            cut(&deep, 1 << 20)
                .unwrap_err()
                .starts_with("nested beyond 128")
        );
    }

    proptest! {
        /// Every array serde_json writes is cut into exactly its elements, whatever the
        /// whitespace.
        #[test]
        fn cuts_what_serde_json_writes(values in proptest::collection::vec(any_json(), 0..8), pretty in any::<bool>()) {
            let array = Value::Array(values.clone());
            let text = if pretty { serde_json::to_string_pretty(&array) } else { serde_json::to_string(&array) }.unwrap();
            let got = cut(&text, 1 << 20).unwrap();
            let parsed: Vec<Value> = got.iter().map(|s| serde_json::from_str(s.as_deref().unwrap()).unwrap()).collect();
            prop_assert_eq!(parsed, values);
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[\\PC\"\\\\\\[\\]{},]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\"\\]]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
