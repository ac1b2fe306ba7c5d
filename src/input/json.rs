//! JSON arrays and NDJSON: records streamed one at a time, mapped by key or dotted path.

use std::io::BufRead;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use super::chunk::Chunk;
use super::reader::{BATCH, Reader};
use super::record::At;
use crate::error::Failure;

impl Reader<'_> {
    pub(super) fn json(
        &mut self,
        name: &str,
        input: Box<dyn BufRead>,
        sink: &mut impl FnMut(Chunk) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.reset_names();
        let mut record = 0u64;
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_reader(input);
        let mut each = |v: Value| {
            record += 1;
            if record == 1 {
                self.note_keys(&v);
            }
            if failed.is_some() {
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
        if let Some(f) = failed {
            return Err(f);
        }
        read.map_err(|e| Failure::io(format!("cannot read {name}: not valid JSON tickets: {e}")))
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
