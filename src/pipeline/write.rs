//! Writing the actions report with its lines rendered on two threads, a window at a time,
//! and written in order: the same bytes as one thread's, one window in memory.

use std::io::{self, Write};

use crate::output::Row;
use crate::output::actions::Layout;

/// Writes `rows` as `layout` says; csv and ndjson lines on two threads when `threads > 1`.
pub fn write(
    w: &mut dyn Write,
    layout: &Layout,
    rows: &[Row<'_>],
    threads: usize,
) -> io::Result<()> {
    if !layout.by_line() || threads <= 1 {
        return layout.write(w, rows);
    }
    layout.head(w)?;
    write_lines(w, layout, rows, threads)
}

/// The lines of `rows` (csv or ndjson, no header), on two threads when `threads > 1`.
pub fn write_lines(
    w: &mut dyn Write,
    layout: &Layout,
    rows: &[Row<'_>],
    threads: usize,
) -> io::Result<()> {
    if threads <= 1 {
        let mut out = Vec::new();
        layout.lines(rows, &mut out)?;
        return w.write_all(&out);
    }
    const WINDOW: usize = 8192;
    // The two buffers serve every window: fresh ones would each cost page faults.
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    for window in rows.chunks(WINDOW) {
        let (first, second) = window.split_at(window.len() / 2);
        mine.clear();
        theirs.clear();
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| layout.lines(second, &mut theirs));
            (
                layout.lines(first, &mut mine),
                other
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("a writer thread failed"))),
            )
        });
        a?;
        b?;
        w.write_all(&mine)?;
        w.write_all(&theirs)?;
    }
    Ok(())
}
