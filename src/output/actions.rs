//! The actions report (`plan`, `run`'s `actions.*`): csv, json, ndjson and a table, all
//! from the columns of `columns`.

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets};

use super::columns::{self, Scratch};
use super::{Format, Guard, Row, reason};

/// How the actions are written: the format, whether drafts are columns (csv), the csv
/// guard, and the terminal's width for tables.
#[derive(Clone, Copy)]
pub struct Layout {
    pub format: Format,
    pub drafts: bool,
    pub guard: Guard,
    pub width: Option<u16>,
}

impl Layout {
    /// Whether rows are written one line each, so that lines may be rendered apart and
    /// joined in order.
    pub fn by_line(&self) -> bool {
        matches!(self.format, Format::Csv | Format::Ndjson)
    }

    /// What comes before the lines: the csv header.
    pub fn head(&self, w: &mut dyn Write) -> io::Result<()> {
        if self.format == Format::Csv {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(columns::header(self.drafts))?;
            c.flush()?;
        }
        Ok(())
    }

    /// The lines of `rows` (csv or ndjson), appended to `out`.
    pub fn lines(&self, rows: &[Row<'_>], out: &mut Vec<u8>) -> io::Result<()> {
        let mut scratch = Scratch::default();
        match self.format {
            Format::Csv => {
                let mut c = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                for r in rows {
                    columns::csv_record(&mut c, *r, self.drafts, self.guard, &mut scratch)?;
                }
                c.flush()
            }
            Format::Ndjson => {
                for r in rows {
                    columns::ndjson_line(*r, out, &mut scratch);
                }
                Ok(())
            }
            Format::Json | Format::Table => Ok(()),
        }
    }

    /// Writes the whole report on this thread (`pipeline::write` spreads the lines over two).
    pub fn write(&self, w: &mut dyn Write, rows: &[Row<'_>]) -> io::Result<()> {
        match self.format {
            Format::Csv | Format::Ndjson => {
                self.head(w)?;
                let mut out = Vec::new();
                self.lines(rows, &mut out)?;
                w.write_all(&out)
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut *w, rows)?;
                writeln!(w)
            }
            Format::Table => write_table(w, rows, self.width),
        }
    }
}

fn write_table(w: &mut dyn Write, rows: &[Row<'_>], width: Option<u16>) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(w, "Nothing due.");
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_HORIZONTAL_ONLY);
    match width {
        Some(wd) => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(wd);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t.set_header([
        "due",
        "ticket",
        "action",
        "local time",
        "channel",
        "assignee",
        "reason",
    ]);
    for r in rows {
        let a = r.action;
        let local = a.suggested_at.with_timezone(&a.timezone);
        let end = a.window_end.with_timezone(&a.timezone);
        // Both local times when the assignee has a zone of their own: "Mon 15:00 Tokyo ·
        // 01:00 New York".
        let theirs = match a.agent_tz {
            Some(tz) if tz != a.timezone => format!(
                " {} · {} {}",
                city(a.timezone),
                a.suggested_at.with_timezone(&tz).format("%H:%M"),
                city(tz)
            ),
            _ => String::new(),
        };
        let when = format!(
            "{} {}{theirs}\n(until {}, {})",
            local.format("%a %Y-%m-%d"),
            local.format("%H:%M"),
            end.format("%H:%M"),
            a.timezone.name()
        );
        let due = if a.overdue_days > 0 {
            format!("{}\n{}d late", a.due_date, a.overdue_days)
        } else {
            a.due_date.to_string()
        };
        let channel = match a.channel {
            None => "internal".to_string(),
            Some(c) if a.fallback_channels.is_empty() => c.to_string(),
            Some(c) => format!("{c}\nthen {}", a.fallbacks(", ")),
        };
        let assignee = match &a.covering_for {
            Some(o) => format!("{}\n(for {o})", a.assignee),
            None => a.assignee.to_string(),
        };
        t.add_row([
            due,
            a.ticket_id.to_string(),
            format!("{} {}", a.kind.name(), a.step),
            when,
            channel,
            assignee,
            reason::text(a),
        ]);
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "{} action{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests;

/// The city of a zone's name, as people say it: `America/New_York` is "New York".
fn city(tz: chrono_tz::Tz) -> String {
    let name = tz.name();
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}
