//! The diff report: each action another policy would change, with both sides, and a summary
//! line; as a table, csv, json or ndjson.

use std::collections::BTreeSet;
use std::io::{self, Write};

use comfy_table::{Table, presets};
use serde_json::{Value, json};

use super::{Format, Guard};
use crate::engine::diff::{Change, Difference, Side};

/// The changes between two rules files (named as given).
pub struct Report<'a> {
    pub left: &'a str,
    pub right: &'a str,
    pub changes: &'a [Difference],
}

fn side_json(s: &Side) -> Value {
    json!({
        "action_id": s.id,
        "kind": s.kind.name(),
        "due_date": s.due.to_string(),
        "contact_date": s.contact.to_string(),
        "suggested_at": s.suggested,
        "channel": s.channel.map(|c| c.name()),
        "assignee": s.assignee,
    })
}

fn change_json(d: &Difference) -> Value {
    json!({
        "ticket_id": d.ticket_id,
        "change": d.change.name(),
        "left": d.left.as_ref().map(side_json),
        "right": d.right.as_ref().map(side_json),
    })
}

impl Report<'_> {
    fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|c| c.change == change).count()
    }

    fn tickets(&self) -> usize {
        let ids: BTreeSet<&String> = self.changes.iter().map(|c| &c.ticket_id).collect();
        ids.len()
    }

    /// "2 tickets affected: 3 actions added, 1 removed, 0 moved, 0 changed".
    pub fn summary(&self) -> String {
        let tickets = self.tickets();
        let added = self.count(Change::Added);
        format!(
            "{tickets} ticket{} affected: {added} action{} added, {} removed, {} moved, {} changed",
            if tickets == 1 { "" } else { "s" },
            if added == 1 { "" } else { "s" },
            self.count(Change::Removed),
            self.count(Change::Moved),
            self.count(Change::Changed)
        )
    }

    pub fn write(&self, w: &mut dyn Write, format: Format, guard: Guard) -> io::Result<()> {
        match format {
            Format::Csv => self.csv(w, guard),
            Format::Ndjson => {
                for d in self.changes {
                    serde_json::to_writer(&mut *w, &change_json(d))?;
                    writeln!(w)?;
                }
                Ok(())
            }
            Format::Json => {
                let list: Vec<Value> = self.changes.iter().map(change_json).collect();
                let mut summary = serde_json::Map::new();
                summary.insert("tickets".into(), self.tickets().into());
                for c in Change::ALL {
                    summary.insert(c.name().into(), self.count(c).into());
                }
                let doc = json!({
                    "left": self.left,
                    "right": self.right,
                    "changes": list,
                    "summary": summary,
                });
                serde_json::to_writer_pretty(&mut *w, &doc)?;
                writeln!(w)
            }
            Format::Table => self.table(w),
        }
    }

    fn csv(&self, w: &mut dyn Write, guard: Guard) -> io::Result<()> {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "ticket_id",
            "change",
            "left_action",
            "left_due_date",
            "left_suggested_at",
            "left_channel",
            "left_assignee",
            "right_action",
            "right_due_date",
            "right_suggested_at",
            "right_channel",
            "right_assignee",
        ])?;
        let cell =
            |s: &Option<Side>, f: &dyn Fn(&Side) -> String| s.as_ref().map(f).unwrap_or_default();
        for d in self.changes {
            let mut row = vec![
                guard.cell(&d.ticket_id).into_owned(),
                d.change.name().to_string(),
            ];
            for s in [&d.left, &d.right] {
                row.push(cell(s, &|x| guard.cell(&x.id).into_owned()));
                row.push(cell(s, &|x| x.due.to_string()));
                row.push(cell(s, &|x| x.suggested.clone()));
                row.push(cell(s, &|x| x.channel.map_or("", |c| c.name()).to_string()));
                row.push(cell(s, &|x| guard.cell(&x.assignee).into_owned()));
            }
            c.write_record(row)?;
        }
        c.flush()?;
        Ok(())
    }

    fn table(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut t = Table::new();
        t.load_style(presets::UTF8_HORIZONTAL_ONLY);
        t.set_header(["ticket", "change", self.left, self.right]);
        let show = |s: &Option<Side>| {
            s.as_ref()
                .map(|x| {
                    format!(
                        "{} due {}\n{} {}",
                        x.id,
                        x.due,
                        x.channel.map_or("internal", |c| c.name()),
                        x.assignee
                    )
                })
                .unwrap_or_else(|| "-".into())
        };
        for d in self.changes {
            t.add_row([
                d.ticket_id.clone(),
                d.change.name().to_string(),
                show(&d.left),
                show(&d.right),
            ]);
        }
        if !self.changes.is_empty() {
            writeln!(w, "{t}")?;
        }
        writeln!(w, "{}", self.summary())
    }
}
