//! `summary`: counts of the actions due per key and kind, for team leads.

use std::io::{self, Write};

use comfy_table::{Table, presets};

use super::{Format, Guard, SummaryKey};
use crate::engine::{Action, Kind};

/// What the counts assume, said with them: a summary and a forecast of the same days can
/// differ, and a team lead must be able to tell why.
pub const ASSUMES: &str = "Counts what is due as the export stands: nothing listed is taken as done, so a strike due today brings no resolution tomorrow (forecast assumes it does). A date is the customer's own contact day.";

/// Counts of actions per key and kind (`summary`).
pub struct Summary {
    by: SummaryKey,
    rows: Vec<(String, [u64; Kind::ALL.len()])>,
}

impl Summary {
    pub fn count<'a>(actions: impl IntoIterator<Item = &'a Action>, by: SummaryKey) -> Summary {
        let mut rows: std::collections::BTreeMap<String, [u64; Kind::ALL.len()]> =
            std::collections::BTreeMap::new();
        for a in actions {
            rows.entry(by.of(a)).or_default()[a.kind as usize] += 1;
        }
        Summary {
            by,
            rows: rows.into_iter().collect(),
        }
    }

    fn key_name(&self) -> &'static str {
        self.by.name()
    }

    fn totals(&self) -> [u64; Kind::ALL.len()] {
        let mut t = [0; Kind::ALL.len()];
        for (_, counts) in &self.rows {
            for (i, n) in counts.iter().enumerate() {
                t[i] += n;
            }
        }
        t
    }

    fn header(&self) -> Vec<&'static str> {
        let mut h = vec![self.key_name()];
        h.extend(Kind::ALL.iter().map(|k| k.name()));
        h.push("total");
        h
    }

    fn cells(key: &str, counts: &[u64; Kind::ALL.len()]) -> Vec<String> {
        let mut row = vec![key.to_string()];
        row.extend(counts.iter().map(u64::to_string));
        row.push(counts.iter().sum::<u64>().to_string());
        row
    }

    fn json_row(key_name: &str, key: &str, counts: &[u64; Kind::ALL.len()]) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert(key_name.to_string(), key.into());
        for (k, n) in Kind::ALL.iter().zip(counts) {
            m.insert(k.name().to_string(), (*n).into());
        }
        m.insert("total".into(), counts.iter().sum::<u64>().into());
        serde_json::Value::Object(m)
    }

    /// csv and ndjson: one row per key; json: the rows and the totals; table: rows and a total line.
    pub fn write(&self, w: &mut dyn Write, format: Format, guard: Guard) -> io::Result<()> {
        match format {
            Format::Csv => {
                let mut c = csv::Writer::from_writer(w);
                c.write_record(self.header())?;
                for (key, counts) in &self.rows {
                    c.write_record(guard.cells(Self::cells(key, counts)))?;
                }
                c.flush()
            }
            Format::Ndjson => {
                for (key, counts) in &self.rows {
                    serde_json::to_writer(&mut *w, &Self::json_row(self.key_name(), key, counts))?;
                    writeln!(w)?;
                }
                Ok(())
            }
            Format::Json => {
                let rows: Vec<_> = self
                    .rows
                    .iter()
                    .map(|(k, c)| Self::json_row(self.key_name(), k, c))
                    .collect();
                let doc = serde_json::json!({
                    "by": self.key_name(),
                    "rows": rows,
                    "total": Self::json_row(self.key_name(), "total", &self.totals()),
                    "assumes": ASSUMES,
                });
                serde_json::to_writer_pretty(&mut *w, &doc)?;
                writeln!(w)
            }
            Format::Table => {
                let mut t = Table::new();
                t.load_style(presets::UTF8_HORIZONTAL_ONLY);
                t.set_header(self.header());
                for (key, counts) in &self.rows {
                    t.add_row(Self::cells(key, counts));
                }
                t.add_row(Self::cells("total", &self.totals()));
                for i in 1..=6 {
                    if let Some(col) = t.column_mut(i) {
                        col.set_cell_alignment(comfy_table::CellAlignment::Right);
                    }
                }
                writeln!(w, "{t}")?;
                writeln!(w, "{ASSUMES}")
            }
        }
    }
}
