//! Writing actions and rejects: one writer per format, the fields and order of SPEC §7.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::engine::{Action, Detail, Kind};
use crate::input::Reject;

mod line;

/// Whether csv cells that a spreadsheet would run as a formula are defused (the default).
static CSV_GUARD: AtomicBool = AtomicBool::new(true);

/// `--no-csv-guard`: cells as they are, for machine imports.
pub fn set_csv_guard(on: bool) {
    CSV_GUARD.store(on, Ordering::Relaxed);
}

/// Prefixes `'` to a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return,
/// so that a spreadsheet shows it instead of running it (formula injection).
pub fn guard_cell(cell: &str) -> Cow<'_, str> {
    if CSV_GUARD.load(Ordering::Relaxed) && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn guarded<T: AsRef<str>>(cells: impl IntoIterator<Item = T>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| guard_cell(c.as_ref()).into_owned())
        .collect()
}

/// An output format of the planning commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
}

/// The key of a summary row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryKey {
    /// The assignee
    Owner,
    /// The ticket type
    Type,
    /// The action kind
    Kind,
    /// The primary channel (`internal` for internal actions)
    Channel,
    /// The contact date, the customer's local day the action is scheduled on
    Date,
}

/// The formats of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// The csv columns, in order.
pub const COLUMNS: [&str; 20] = [
    "action_id",
    "ticket_id",
    "kind",
    "step",
    "due_date",
    "overdue_days",
    "suggested_at",
    "window_start",
    "window_end",
    "timezone",
    "channel",
    "fallback_channels",
    "assignee",
    "covering_for",
    "reason",
    "resolve_status",
    "close_code",
    "close_notes",
    "hold_status",
    "reactivation_date",
];

/// RFC 3339 in the customer's offset, to the second.
pub use crate::time::rfc3339_in as local_rfc3339;

/// One action as json: the common fields, then those of its kind.
#[derive(Serialize)]
pub struct Row<'a> {
    action_id: String,
    ticket_id: &'a str,
    kind: &'static str,
    step: u32,
    due_date: String,
    overdue_days: u32,
    suggested_at: String,
    window_start: String,
    window_end: String,
    timezone: &'static str,
    channel: Option<&'static str>,
    fallback_channels: Vec<&'static str>,
    assignee: &'a str,
    covering_for: Option<&'a str>,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolve_status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    close_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    close_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hold_status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reactivation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft_subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft_body: Option<&'a str>,
}

impl<'a> Row<'a> {
    pub fn new(a: &'a Action) -> Row<'a> {
        let (resolve_status, close_code, close_notes, hold_status, reactivation_date) =
            match &a.detail {
                Detail::None | Detail::Strike { .. } | Detail::CheckIn { .. } => {
                    (None, None, None, None, None)
                }
                Detail::Resolve(r) => (
                    Some(&*r.status),
                    Some(&*r.close_code),
                    Some(r.close_notes()),
                    None,
                    None,
                ),
                Detail::Hold {
                    status,
                    reactivation_date,
                } => (
                    None,
                    None,
                    None,
                    Some(&**status),
                    Some(reactivation_date.to_string()),
                ),
            };
        Row {
            action_id: a.id(),
            ticket_id: &a.ticket_id,
            kind: a.kind.name(),
            step: a.step,
            due_date: a.due_date.to_string(),
            overdue_days: a.overdue_days,
            suggested_at: local_rfc3339(a.suggested_at, a.timezone),
            window_start: local_rfc3339(a.window_start, a.timezone),
            window_end: local_rfc3339(a.window_end, a.timezone),
            timezone: a.timezone.name(),
            channel: a.channel.map(|c| c.name()),
            fallback_channels: a.fallback_channels.iter().map(|c| c.name()).collect(),
            assignee: &a.assignee,
            covering_for: a.covering_for.as_deref(),
            reason: a.reason_text(),
            resolve_status,
            close_code,
            close_notes,
            hold_status,
            reactivation_date,
            draft_subject: a.draft.as_ref().map(|d| d.subject.as_str()),
            draft_body: a.draft.as_ref().map(|d| d.body.as_str()),
        }
    }

    fn csv_record(&self, drafts: bool) -> Vec<String> {
        let o = |x: Option<&str>| x.unwrap_or("").to_string();
        [
            self.action_id.clone(),
            self.ticket_id.to_string(),
            self.kind.to_string(),
            self.step.to_string(),
            self.due_date.clone(),
            self.overdue_days.to_string(),
            self.suggested_at.clone(),
            self.window_start.clone(),
            self.window_end.clone(),
            self.timezone.to_string(),
            o(self.channel),
            self.fallback_channels.join(";"),
            self.assignee.to_string(),
            o(self.covering_for),
            self.reason.clone(),
            o(self.resolve_status),
            o(self.close_code),
            self.close_notes.clone().unwrap_or_default(),
            o(self.hold_status),
            self.reactivation_date.clone().unwrap_or_default(),
        ]
        .into_iter()
        .chain(
            drafts
                .then(|| [o(self.draft_subject), o(self.draft_body)])
                .into_iter()
                .flatten(),
        )
        .collect()
    }
}

/// Writes actions in a format. `width` is the terminal width for tables, if any; `drafts`
/// adds the drafted subject and body to csv (json and ndjson carry them when present).
pub fn write_actions(
    w: &mut dyn Write,
    format: Format,
    actions: &[&Action],
    width: Option<u16>,
    drafts: bool,
) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut c = csv::Writer::from_writer(&mut *w);
            let mut header = COLUMNS.to_vec();
            if drafts {
                header.extend(["draft_subject", "draft_body"]);
            }
            c.write_record(header)?;
            c.flush()?;
            drop(c);
            in_parallel(w, actions, |chunk, out| {
                let mut c = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                for a in chunk {
                    c.write_record(guarded(Row::new(a).csv_record(drafts)))?;
                }
                c.flush()
            })?;
        }
        Format::Json => {
            let rows: Vec<Row> = actions.iter().map(|a| Row::new(a)).collect();
            serde_json::to_writer_pretty(&mut *w, &rows)?;
            writeln!(w)?;
        }
        Format::Ndjson => in_parallel(w, actions, |chunk, out| {
            let mut reason = String::new();
            for a in chunk {
                line::ndjson(a, out, &mut reason);
            }
            Ok(())
        })?,
        Format::Table => write_table(w, actions, width)?,
    }
    Ok(())
}

/// Renders rows on two threads, a window at a time, and writes them in order: the output
/// is the same as one thread's, and only one window is held in memory.
fn in_parallel(
    w: &mut dyn Write,
    actions: &[&Action],
    render: impl Fn(&[&Action], &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    const WINDOW: usize = 8192;
    // The two buffers serve every window: fresh ones would each cost page faults.
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    for window in actions.chunks(WINDOW) {
        let (first, second) = window.split_at(window.len() / 2);
        mine.clear();
        theirs.clear();
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| render(second, &mut theirs));
            (
                render(first, &mut mine),
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

fn write_table(w: &mut dyn Write, actions: &[&Action], width: Option<u16>) -> io::Result<()> {
    if actions.is_empty() {
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
    for a in actions {
        let local = a.suggested_at.with_timezone(&a.timezone);
        let end = a.window_end.with_timezone(&a.timezone);
        let when = format!(
            "{} {}\n(until {}, {})",
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
            a.reason_text(),
        ]);
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "{} action{}",
        actions.len(),
        if actions.len() == 1 { "" } else { "s" }
    )
}

/// Writes rejected rows as CSV.
pub fn write_rejects(w: &mut dyn Write, rejects: &[Reject]) -> io::Result<()> {
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
        c.write_record(guarded([
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

/// What an action counts under in `summary` and `forecast`.
pub fn summary_key(a: &Action, by: SummaryKey) -> String {
    match by {
        SummaryKey::Owner => a.assignee.to_string(),
        SummaryKey::Type => a.ticket_type.to_string(),
        SummaryKey::Kind => a.kind.name().to_string(),
        SummaryKey::Channel => a
            .channel
            .map(|c| c.name())
            .unwrap_or("internal")
            .to_string(),
        SummaryKey::Date => a.contact_date.to_string(),
    }
}

/// Counts of actions per key and kind (`summary`).
pub struct Summary {
    by: SummaryKey,
    rows: Vec<(String, [u64; 5])>,
}

impl Summary {
    pub fn count(actions: &[Action], by: SummaryKey) -> Summary {
        let mut rows: std::collections::BTreeMap<String, [u64; 5]> =
            std::collections::BTreeMap::new();
        for a in actions {
            rows.entry(summary_key(a, by)).or_default()[a.kind as usize] += 1;
        }
        Summary {
            by,
            rows: rows.into_iter().collect(),
        }
    }

    fn key_name(&self) -> &'static str {
        match self.by {
            SummaryKey::Owner => "assignee",
            SummaryKey::Type => "type",
            SummaryKey::Kind => "kind",
            SummaryKey::Channel => "channel",
            SummaryKey::Date => "date",
        }
    }

    fn totals(&self) -> [u64; 5] {
        let mut t = [0; 5];
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

    fn cells(key: &str, counts: &[u64; 5]) -> Vec<String> {
        let mut row = vec![key.to_string()];
        row.extend(counts.iter().map(u64::to_string));
        row.push(counts.iter().sum::<u64>().to_string());
        row
    }

    fn json_row(key_name: &str, key: &str, counts: &[u64; 5]) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert(key_name.to_string(), key.into());
        for (k, n) in Kind::ALL.iter().zip(counts) {
            m.insert(k.name().to_string(), (*n).into());
        }
        m.insert("total".into(), counts.iter().sum::<u64>().into());
        serde_json::Value::Object(m)
    }

    /// csv and ndjson: one row per key; json: the rows and the totals; table: rows and a total line.
    pub fn write(&self, w: &mut dyn Write, format: Format) -> io::Result<()> {
        match format {
            Format::Csv => {
                let mut c = csv::Writer::from_writer(w);
                c.write_record(self.header())?;
                for (key, counts) in &self.rows {
                    c.write_record(guarded(Self::cells(key, counts)))?;
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
                writeln!(w, "{t}")
            }
        }
    }
}

/// Writes the auto-resolutions as a CSV to import: the export's own id and status columns,
/// then `close_code`, `close_notes` and `resolved_at` (when the resolution is planned).
pub fn write_resolutions(
    w: &mut dyn Write,
    id_column: &str,
    status_column: &str,
    actions: &[&Action],
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
            c.write_record(guarded([
                a.ticket_id.as_str(),
                &r.status,
                &r.close_code,
                &r.close_notes(),
                &local_rfc3339(a.suggested_at, a.timezone),
            ]))?;
        }
    }
    c.flush()
}

/// Writes one file per drafted action into `dir`: a header (to, channel, suggested time,
/// subject), a blank line, the body. Names come from action ids made safe; two ids that
/// map to one name both survive. Returns how many files were written.
/// Writes the drafts of `actions`, in their order (which decides the names of ids that
/// collide once made safe for file names).
pub fn write_draft_files<'a>(
    dir: &std::path::Path,
    actions: impl IntoIterator<Item = &'a Action>,
) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut used = std::collections::HashSet::new();
    let mut written = 0;
    for a in actions {
        let Some(d) = &a.draft else { continue };
        let base = crate::drafts::safe_file_name(&a.id());
        let mut name = format!("{base}.txt");
        let mut n = 1;
        while !used.insert(name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}-{n}.txt");
        }
        let to = match (a.channel, &d.to) {
            (None, _) => "(internal: the ticket system)".to_string(),
            (Some(_), to) => to.clone(),
        };
        let mut text = String::new();
        text.push_str(&format!("Action: {}\n", a.id()));
        text.push_str(&format!("To: {to}\n"));
        text.push_str(&format!(
            "Channel: {}\n",
            match a.channel {
                Some(c) if a.fallback_channels.is_empty() => c.to_string(),
                Some(c) => format!("{c} (then {})", a.fallbacks(", ")),
                None => "internal".into(),
            }
        ));
        text.push_str(&format!(
            "Suggested time: {} ({}; window until {})\n",
            local_rfc3339(a.suggested_at, a.timezone),
            a.timezone.name(),
            local_rfc3339(a.window_end, a.timezone)
        ));
        text.push_str(&format!("Assignee: {}", a.assignee));
        if let Some(o) = &a.covering_for {
            text.push_str(&format!(" (covering for {o})"));
        }
        text.push_str(&format!("\nSubject: {}\n\n{}", d.subject, d.body));
        let path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)?;
        written += 1;
    }
    Ok(written)
}
