//! Rejected rows as csv (`--rejects`, `run`'s `rejects.csv`).

use std::io::{self, Write};

use super::Guard;
use crate::input::Reject;

/// Writes rejected rows as CSV.
pub fn write(w: &mut dyn Write, rejects: &[Reject], guard: Guard) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "source",
        "line",
        "record",
        "ticket_id",
        "field",
        "value",
        "reason",
    ])?;
    for r in rejects {
        c.write_record(guard.cells([
            r.source.as_str(),
            &r.line.map(|l| l.to_string()).unwrap_or_default(),
            &r.record.to_string(),
            r.ticket_id.as_deref().unwrap_or(""),
            &r.field,
            &r.value,
            &r.reason,
        ]))?;
    }
    c.flush()
}
