//! JSON arrays and NDJSON: records streamed one at a time, mapped by key or dotted path.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use compact_str::CompactString;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use super::Reject;
use super::chunk::Chunk;
use super::jobs::{Job, Lines, Outcome};
use super::reader::{At, BATCH, Reader};
use super::row::Parser;
use crate::error::Failure;
use crate::ticket::{Field, Ticket};

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
                    self.hand(Job::Lines(full), sink)?;
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
                    self.require_keys(name, &v)?;
                    self.json_record(at, v);
                }
                Err(e) => {
                    let r = at.reject(None, "", "", format!("not valid JSON: {e}"));
                    self.parsed.reject(r, self.seq);
                }
            }
        }
        if !lines.at.is_empty() {
            self.hand(Job::Lines(lines), sink)?;
        }
        Ok(())
    }

    pub(super) fn json(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.reset_names();
        let mut record = 0u64;
        let mut missing = None;
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_reader(input);
        let mut each = |v: Value| {
            record += 1;
            if record == 1 {
                missing = self.require_keys(name, &v).err();
            }
            if missing.is_some() || failed.is_some() {
                return;
            }
            self.stats.rows += 1;
            let at = At {
                source: name,
                seq: self.seq,
                line: None,
                record,
            };
            self.json_record(at, v);
            failed = self.flush_tickets(sink, BATCH).err();
        };
        let read = Each(&mut each).deserialize(&mut de).and_then(|_| de.end());
        if let Some(m) = missing.or(failed) {
            return Err(m);
        }
        read.map_err(|e| Failure::io(format!("cannot read {name}: not valid JSON tickets: {e}")))
    }

    /// The first record of a JSON export stands for its header: a required key that it
    /// lacks is a mapping problem, not a bad row.
    pub(super) fn require_keys(&self, name: &str, v: &Value) -> Result<(), Failure> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        let mut index = [None; Field::ALL.len()];
        for f in Field::REQUIRED {
            if self.candidates(f).iter().any(|c| lookup(obj, c).is_some()) {
                index[f as usize] = Some(0);
            }
        }
        let keys: Vec<String> = obj.keys().cloned().collect();
        self.require(name, &index, &keys)
    }

    /// A JSON record parsed here: what it teaches about the export's keys, then its
    /// outcome applied in order.
    pub(super) fn json_record(&mut self, at: At<'_>, v: Value) {
        let learn = Learn {
            columns: &mut self.stats.columns,
            names: &mut self.names,
        };
        let (id, ticket) = json_outcome(&self.parser, at, v, Some(learn));
        self.apply(
            at.source,
            at.seq,
            Outcome {
                line: at.line,
                record: at.record,
                id,
                ticket,
            },
        );
    }
}

/// What the records read on the reading thread teach: the export's key for each field (from
/// the first record) and the key each record used (for messages).
pub(super) struct Learn<'a> {
    pub(super) columns: &'a mut std::collections::BTreeMap<Field, String>,
    pub(super) names: &'a mut [String],
}

/// One JSON record as its id and ticket (or reject).
pub(super) fn json_outcome(
    parser: &Parser<'_>,
    at: At<'_>,
    v: Value,
    mut learn: Option<Learn<'_>>,
) -> (Option<CompactString>, Result<Box<Ticket>, Box<Reject>>) {
    let Value::Object(obj) = v else {
        let r = at.reject(None, "", "", "expected an object of ticket fields");
        return (None, Err(Box::new(r)));
    };
    let mut cells: [Option<Cow<str>>; Field::ALL.len()] = Default::default();
    // Messages name the key this record used (rarely not the first candidate).
    let mut names = parser.names;
    let mut used: Vec<&str> = Vec::new();
    let id_of = |cells: &[Option<Cow<str>>; Field::ALL.len()]| {
        cells[Field::Id as usize]
            .as_deref()
            .and_then(|s| parser.values.present(s))
            .map(CompactString::from)
    };
    for f in Field::ALL {
        let Some((col, (key, value))) = parser.candidates[f as usize]
            .iter()
            .find_map(|c| lookup(&obj, c).map(|hit| (c, hit)))
        else {
            continue;
        };
        if let Some(l) = learn.as_mut() {
            if at.record == 1 && !l.columns.contains_key(&f) {
                l.columns.insert(f, col.clone());
            }
            if l.names[f as usize] != *col {
                l.names[f as usize] = col.clone();
            }
        }
        names[f as usize] = col;
        used.push(key);
        match scalar(value) {
            Ok(s) => cells[f as usize] = s,
            Err(kind) => {
                let id = cells[Field::Id as usize].as_deref();
                let r = at.reject(
                    id,
                    col,
                    "",
                    format!("expected a single value, found {kind}"),
                );
                return (id_of(&cells), Err(Box::new(r)));
            }
        }
    }
    let owned: Vec<(Arc<str>, Cow<str>)> = obj
        .iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .filter(|(k, _)| parser.wants_extra(k))
        .filter_map(|(k, v)| Some((Arc::from(k.as_str()), scalar(v).ok().flatten()?)))
        .collect();
    let extra: Vec<(&Arc<str>, &str)> = owned
        .iter()
        .filter_map(|(k, v)| Some((k, parser.values.present(v)?)))
        .collect();
    let mut present: [Option<&str>; Field::ALL.len()] = [None; Field::ALL.len()];
    for (p, cell) in present.iter_mut().zip(&cells) {
        *p = cell.as_deref().and_then(|s| parser.values.present(s));
    }
    (id_of(&cells), parser.outcome(at, &names, &present, &extra))
}

/// The value at a key, or at a dotted path (`requester.time_zone`), with the top-level key used.
pub(super) fn lookup<'v>(
    obj: &'v serde_json::Map<String, Value>,
    col: &str,
) -> Option<(&'v str, &'v Value)> {
    if let Some((k, v)) = obj.get_key_value(col) {
        return Some((k.as_str(), v));
    }
    let mut parts = col.split('.');
    let (key, mut cur) = obj.get_key_value(parts.next()?)?;
    let mut nested = false;
    for p in parts {
        cur = cur.get(p)?;
        nested = true;
    }
    nested.then_some((key.as_str(), cur))
}

/// A JSON value as cell text: `None` for null, `Err` (naming the kind) for arrays and objects.
pub(super) fn scalar(v: &Value) -> Result<Option<Cow<'_, str>>, &'static str> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(Cow::Borrowed(s.as_str()))),
        Value::Bool(b) => Ok(Some(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Value::Number(n) => Ok(Some(Cow::Owned(n.to_string()))),
        Value::Array(_) => Err("a list"),
        Value::Object(_) => Err("an object"),
    }
}

/// Streams the elements of a JSON array to a closure, one value in memory at a time.
pub(super) struct Each<'f, F>(&'f mut F);

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

impl<'de, F: FnMut(Value)> DeserializeSeed<'de> for Each<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Value)> Visitor<'de> for Each<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an array of ticket objects, or an object holding one under one of the keys {}",
            ARRAY_KEYS.join(", ")
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            (self.0)(v);
        }
        Ok(())
    }

    /// `{"tickets": [...], "next_page": ...}`: the tickets are streamed, the rest skipped.
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if !found && ARRAY_KEYS.contains(&key.as_str()) {
                map.next_value_seed(Each(&mut *self.0))?;
                found = true;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        if found {
            Ok(())
        } else {
            Err(serde::de::Error::custom(format!(
                "the object holds no array of tickets under {}",
                ARRAY_KEYS.join(", ")
            )))
        }
    }
}
