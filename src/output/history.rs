//! `history`: every action `run` issued for a ticket, one row per action and night.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use serde::Serialize;

use super::{Format, Guard};

/// One action as a night's run issued it.
#[derive(Debug, Serialize)]
pub struct Issued {
    pub run_date: String,
    pub action_id: String,
    pub kind: &'static str,
    pub step: u32,
    pub due_date: String,
    /// In the customer's offset, as planned.
    pub suggested_at: String,
    /// Empty for internal actions.
    pub channel: &'static str,
    /// The night the action was first issued.
    pub first_run: String,
}

const HEADER: [&str; 8] = [
    "run_date",
    "action_id",
    "kind",
    "step",
    "due_date",
    "suggested_at",
    "channel",
    "first_run",
];

impl Issued {
    fn cells(&self) -> [String; 8] {
        [
            self.run_date.clone(),
            self.action_id.clone(),
            self.kind.to_string(),
            self.step.to_string(),
            self.due_date.clone(),
            self.suggested_at.clone(),
            self.channel.to_string(),
            self.first_run.clone(),
        ]
    }
}

pub fn write(w: &mut dyn Write, rows: &[Issued], format: Format, guard: Guard) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(HEADER)?;
            for r in rows {
                c.write_record(guard.cells(r.cells()))?;
            }
            c.flush()
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, rows)?;
            writeln!(w)
        }
        Format::Ndjson => {
            for r in rows {
                serde_json::to_writer(&mut *w, r)?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_style(presets::UTF8_HORIZONTAL_ONLY);
            t.set_header(HEADER);
            for r in rows {
                t.add_row(r.cells());
            }
            writeln!(w, "{t}")
        }
    }
}
