//! The auto-resolutions as a csv the ticket system can import (`resolutions`, `run`).

use std::io::{self, Write};

use super::{Guard, local_rfc3339, reason};
use crate::engine::{Action, Detail};

/// Writes the auto-resolutions as a CSV to import: the export's own id and status columns,
/// then `close_code`, `close_notes` and `resolved_at` (when the resolution is planned).
pub fn write(
    w: &mut dyn Write,
    id_column: &str,
    status_column: &str,
    actions: &[&Action],
    guard: Guard,
) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        id_column,
        status_column,
        "close_code",
        "close_notes",
        "resolved_at",
    ])?;
    for a in actions {
        if let Detail::Resolve(r) = &a.detail {
            c.write_record(guard.cells([
                a.ticket_id.as_str(),
                &r.status,
                &r.close_code,
                &reason::close_notes(r),
                &local_rfc3339(a.suggested_at, a.timezone),
            ]))?;
        }
    }
    c.flush()
}
