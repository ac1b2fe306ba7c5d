//! The auto-resolutions as a csv the ticket system can import (`resolutions`, `run`).

use std::io::{self, Write};

use super::{Guard, local_rfc3339, reason};
use crate::engine::{Action, Detail};

/// Writes the auto-resolutions as a CSV to import: the export's own id and status columns,
/// then `close_code`, `close_notes` and `resolved_at` (when the resolution is planned). The
/// id is the key the ticket system matches on, so it is written as the export had it: the
/// csv guard protects the cells a person reads, not the key.
pub fn write(
    w: &mut dyn Write,
    id_column: &str,
    status_column: &str,
    actions: &[&Action],
    guard: Guard,
) -> io::Result<()> {
    head(w, id_column, status_column)?;
    rows(w, actions, guard)
}

/// The header line of `write`.
pub fn head(w: &mut dyn Write, id_column: &str, status_column: &str) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        id_column,
        status_column,
        "close_code",
        "close_notes",
        "resolved_at",
    ])?;
    c.flush()
}

/// The lines of `write` after its header: one per resolution among `actions`.
pub fn rows(w: &mut dyn Write, actions: &[&Action], guard: Guard) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    for a in actions {
        if let Detail::Resolve(r) = &a.detail {
            let [status, code, notes, at] = <[String; 4]>::try_from(guard.cells([
                &*r.status,
                &r.close_code,
                &reason::close_notes(r),
                &local_rfc3339(a.suggested_at, a.timezone),
            ]))
            .unwrap_or_default();
            c.write_record([a.ticket_id.as_str(), &status, &code, &notes, &at])?;
        }
    }
    c.flush()
}
