//! `replay`: the nights of a replayed policy, its totals, and what the customers did after
//! its auto-resolutions; with `--against`, two policies side by side.

use std::collections::BTreeSet;
use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use comfy_table::{CellAlignment, Table, presets};
use compact_str::CompactString;
use serde_json::{Value, json};

use super::{Format, Guard};
use crate::engine::Kind;
use crate::engine::replay::{Night, Replayed, Resolved, Totals};

/// The nightly counts, in their csv order.
pub const METRICS: [&str; 7] = [
    "strikes",
    "resolutions",
    "holds",
    "check_ins",
    "alerts",
    "premature_resolutions",
    "awaiting",
];

/// A night's count of `METRICS[i]`: check-ins include the owner's own follow-ups, alerts
/// the requests to find a contact.
fn metric(n: &Night, i: usize) -> u32 {
    match i {
        0 => n.count(Kind::Strike),
        1 => n.count(Kind::Resolve),
        2 => n.count(Kind::OooHold),
        3 => n.count(Kind::CheckIn) + n.count(Kind::OwnerFollowUp),
        4 => n.count(Kind::InternalAlert) + n.count(Kind::FindContact),
        5 => n.premature,
        _ => n.awaiting,
    }
}

/// One policy's replay.
pub struct Side<'a> {
    /// The rules file, as given.
    pub rules: &'a str,
    pub replayed: &'a Replayed,
    pub totals: Totals,
}

/// A replay, or two, and what frames them.
pub struct Report<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `HH:MM`.
    pub at: String,
    pub timezone: Tz,
    /// What the log could not tell and the replay assumed.
    pub assumptions: &'a [String],
    pub rows: u64,
    pub tickets: usize,
    pub first_seen_inside: usize,
    /// When the log's last row was written: outcomes are seen until then.
    pub last_row: Option<DateTime<Utc>>,
    /// A column per assignee in the nightly rows.
    pub by_owner: bool,
    /// The policy, then the one it is replayed against.
    pub sides: Vec<Side<'a>>,
}

impl Report<'_> {
    pub fn write(&self, w: &mut dyn Write, format: Format, guard: Guard) -> io::Result<()> {
        match format {
            Format::Csv => self.csv(w, guard),
            Format::Json | Format::Ndjson => {
                serde_json::to_writer_pretty(&mut *w, &self.json())?;
                writeln!(w)
            }
            Format::Table => self.table(w),
        }
    }

    /// Every assignee with an action on some night, on either side.
    fn assignees(&self) -> Vec<CompactString> {
        let mut all = BTreeSet::new();
        for s in &self.sides {
            for n in &s.replayed.nights {
                all.extend(n.by_assignee.keys().cloned());
            }
        }
        all.into_iter().collect()
    }

    fn csv(&self, w: &mut dyn Write, guard: Guard) -> io::Result<()> {
        let suffixes: Vec<&str> = ["", "_against"][..self.sides.len()].to_vec();
        let owners = if self.by_owner {
            self.assignees()
        } else {
            Vec::new()
        };
        let mut header = vec!["date".to_string()];
        for m in METRICS {
            header.extend(suffixes.iter().map(|s| format!("{m}{s}")));
        }
        // Prefixed: an assignee's name is a value, never one of the columns above.
        for o in &owners {
            header.extend(suffixes.iter().map(|s| format!("owner:{o}{s}")));
        }
        let mut c = csv::Writer::from_writer(w);
        c.write_record(guard.cells(&header))?;
        let nights = self.sides[0].replayed.nights.len();
        for i in 0..nights {
            let mut row = vec![self.sides[0].replayed.nights[i].date.to_string()];
            for m in 0..METRICS.len() {
                row.extend(
                    self.sides
                        .iter()
                        .map(|s| metric(&s.replayed.nights[i], m).to_string()),
                );
            }
            for o in &owners {
                row.extend(self.sides.iter().map(|s| {
                    let n = &s.replayed.nights[i];
                    n.by_assignee.get(o).copied().unwrap_or(0).to_string()
                }));
            }
            c.write_record(guard.cells(&row))?;
        }
        c.flush()
    }

    fn json(&self) -> Value {
        let side = |s: &Side<'_>| {
            json!({
                "rules": s.rules,
                "totals": totals_json(&s.totals),
                "nights": s.replayed.nights.iter().map(|n| night_json(n, self.by_owner)).collect::<Vec<_>>(),
                "resolutions": s.replayed.resolved.iter().map(resolved_json).collect::<Vec<_>>(),
            })
        };
        let mut out = json!({
            "from": self.from.to_string(),
            "to": self.to.to_string(),
            "at": self.at,
            "timezone": self.timezone.name(),
            "nights": self.sides[0].replayed.nights.len(),
            "assumptions": self.assumptions,
            "log": {
                "rows": self.rows,
                "tickets": self.tickets,
                "first_seen_inside": self.first_seen_inside,
                "last_row": self.last_row.map(|t| t.to_rfc3339()),
            },
            "policy": side(&self.sides[0]),
        });
        if let [a, b] = &self.sides[..] {
            out["against"] = side(b);
            out["difference"] = json!({
                "totals": difference(&a.totals, &b.totals),
                "tickets": tickets_differing(a.replayed, b.replayed),
            });
        }
        out
    }

    fn table(&self, w: &mut dyn Write) -> io::Result<()> {
        let nights = self.sides[0].replayed.nights.len();
        writeln!(
            w,
            "Replay of {}: {} to {}, {nights} night{} at {} {}",
            self.sides
                .iter()
                .map(|s| s.rules)
                .collect::<Vec<_>>()
                .join(" against "),
            self.from,
            self.to,
            if nights == 1 { "" } else { "s" },
            self.at,
            self.timezone.name()
        )?;
        writeln!(
            w,
            "Log: {} rows of {} tickets ({} first seen after the first night){}",
            self.rows,
            self.tickets,
            self.first_seen_inside,
            self.last_row
                .map(|t| format!("; outcomes read until {}", t.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default()
        )?;
        if !self.assumptions.is_empty() {
            writeln!(w, "Assumed:")?;
            for a in self.assumptions {
                writeln!(w, "  - {a}")?;
            }
        }
        let mut t = Table::new();
        t.load_style(presets::UTF8_HORIZONTAL_ONLY);
        let mut header = vec!["total".to_string()];
        header.extend(self.sides.iter().map(|s| s.rules.to_string()));
        if self.sides.len() == 2 {
            header.push("difference".into());
        }
        t.set_header(header);
        let lines = total_lines(&self.sides[0].totals);
        let others: Vec<Vec<(&str, String, f64)>> = self.sides[1..]
            .iter()
            .map(|s| total_lines(&s.totals))
            .collect();
        for (i, (name, text, value)) in lines.iter().enumerate() {
            let mut row = vec![name.to_string(), text.clone()];
            for o in &others {
                row.push(o[i].1.clone());
                let d = o[i].2 - value;
                row.push(if d == 0.0 {
                    "0".into()
                } else if d.fract() == 0.0 {
                    format!("{d:+}")
                } else {
                    format!("{d:+.1}")
                });
            }
            t.add_row(row);
        }
        for c in 1..=self.sides.len() + usize::from(self.sides.len() == 2) {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(w, "{t}")?;
        for s in &self.sides {
            match &s.totals.busiest {
                Some((who, date, n)) => writeln!(
                    w,
                    "Busiest agent-day ({}): {who} on {date}, {n} action{}",
                    s.rules,
                    if *n == 1 { "" } else { "s" }
                )?,
                None => writeln!(w, "Busiest agent-day ({}): none", s.rules)?,
            }
        }
        let busy: Vec<usize> = (0..nights)
            .filter(|&i| {
                self.sides.iter().any(|s| {
                    let n = &s.replayed.nights[i];
                    n.kinds.iter().any(|c| *c > 0) || n.held > 0
                })
            })
            .collect();
        writeln!(
            w,
            "\nNights that issued something: {} of {nights} (csv and json list every night){}",
            busy.len(),
            if self.sides.len() == 2 {
                "; each cell is policy / against"
            } else {
                ""
            }
        )?;
        if busy.is_empty() {
            return Ok(());
        }
        let mut t = Table::new();
        t.load_style(presets::UTF8_HORIZONTAL_ONLY);
        let mut header = vec!["date".to_string()];
        header.extend(METRICS.iter().map(|m| m.to_string()));
        t.set_header(header);
        for i in busy {
            let mut row = vec![self.sides[0].replayed.nights[i].date.to_string()];
            // Two policies share a cell: "policy / against".
            for m in 0..METRICS.len() {
                let cells: Vec<String> = self
                    .sides
                    .iter()
                    .map(|s| metric(&s.replayed.nights[i], m).to_string())
                    .collect();
                row.push(cells.join(" / "));
            }
            t.add_row(row);
        }
        for c in 1..=METRICS.len() {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(w, "{t}")
    }
}

/// The totals as table lines: name, as shown, and the value a difference is taken of.
fn total_lines(t: &Totals) -> Vec<(&'static str, String, f64)> {
    let n = |name, v: u64| (name, v.to_string(), v as f64);
    // Resolutions are the auto-resolutions line below.
    let mut lines: Vec<(&str, String, f64)> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Resolve)
        .map(|k| n(k.name(), t.kinds[*k as usize]))
        .collect();
    lines.push(n("auto-resolutions", t.resolutions));
    lines.push(n("premature (replied within the window)", t.premature));
    // The difference is taken of the rates as shown.
    let rate = (t.premature_rate() * 1000.0).round() / 10.0;
    lines.push(("premature rate (%)", format!("{rate:.1}"), rate));
    lines.push(n("replied at any time after", t.replied_after));
    lines.push(n("resolved by the desk later", t.really_resolved));
    lines.push((
        "awaiting ticket-days saved",
        t.days_saved.to_string(),
        t.days_saved as f64,
    ));
    lines.push(n("never resolved in the log", t.never_resolved));
    lines.push(n(
        "auto-resolutions of tickets first seen inside",
        t.resolutions_first_seen_inside,
    ));
    lines.push(n(
        "premature of tickets first seen inside",
        t.premature_first_seen_inside,
    ));
    lines.push(n("held back by [run].max_resolutions", t.held));
    lines
}

fn totals_json(t: &Totals) -> Value {
    let kinds: serde_json::Map<String, Value> = Kind::ALL
        .iter()
        .map(|k| (k.name().to_string(), json!(t.kinds[*k as usize])))
        .collect();
    json!({
        "actions": kinds,
        "auto_resolutions": t.resolutions,
        "premature_resolutions": t.premature,
        "premature_rate": (t.premature_rate() * 10_000.0).round() / 10_000.0,
        "replied_after": t.replied_after,
        "resolved_by_desk_later": t.really_resolved,
        "awaiting_days_saved": t.days_saved,
        "never_resolved_in_log": t.never_resolved,
        "first_seen_inside": {
            "auto_resolutions": t.resolutions_first_seen_inside,
            "premature_resolutions": t.premature_first_seen_inside,
        },
        "held_by_max_resolutions": {"resolutions": t.held, "nights": t.nights_held},
        "busiest_agent_day": t.busiest.as_ref().map(|(who, date, n)| json!({
            "assignee": who.as_str(), "date": date.to_string(), "actions": n,
        })),
    })
}

fn night_json(n: &Night, by_owner: bool) -> Value {
    let mut v = json!({ "date": n.date.to_string() });
    for (i, m) in METRICS.iter().enumerate() {
        v[*m] = json!(metric(n, i));
    }
    v["held_back"] = json!(n.held);
    if by_owner {
        v["by_owner"] = json!(n.by_assignee);
    }
    v
}

fn resolved_json(r: &Resolved) -> Value {
    json!({
        "ticket": r.ticket.as_str(),
        "night": r.night.to_string(),
        "date": r.date.to_string(),
        "assignee": r.assignee.as_str(),
        "replied_at": r.reply.map(|x| x.0.to_rfc3339()),
        "replied_after_days": r.reply.map(|x| x.1),
        "premature": r.premature,
        "resolved_by_desk_at": r.real.map(|x| x.0.to_rfc3339()),
        "days_saved": r.real.map(|x| x.1),
        "first_seen_inside": r.first_seen_inside,
    })
}

/// `against` minus `policy`, total by total.
fn difference(a: &Totals, b: &Totals) -> Value {
    let d = |x: u64, y: u64| y as i64 - x as i64;
    let kinds: serde_json::Map<String, Value> = Kind::ALL
        .iter()
        .map(|k| {
            let i = *k as usize;
            (k.name().to_string(), json!(d(a.kinds[i], b.kinds[i])))
        })
        .collect();
    json!({
        "actions": kinds,
        "auto_resolutions": d(a.resolutions, b.resolutions),
        "premature_resolutions": d(a.premature, b.premature),
        "premature_rate": ((b.premature_rate() - a.premature_rate()) * 10_000.0).round() / 10_000.0,
        "awaiting_days_saved": b.days_saved - a.days_saved,
        "held_by_max_resolutions": d(a.held, b.held),
    })
}

/// The tickets whose auto-resolution differs (made by one policy only, or on another
/// night), in ticket order.
fn tickets_differing(a: &Replayed, b: &Replayed) -> Vec<Value> {
    fn by_ticket(r: &Replayed) -> std::collections::BTreeMap<CompactString, &Resolved> {
        r.resolved.iter().map(|x| (x.ticket.clone(), x)).collect()
    }
    let (ma, mb) = (by_ticket(a), by_ticket(b));
    let ids: BTreeSet<&CompactString> = ma.keys().chain(mb.keys()).collect();
    let brief = |x: Option<&&Resolved>| {
        x.map(|r| json!({"night": r.night.to_string(), "date": r.date.to_string(), "premature": r.premature}))
    };
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (ma.get(id), mb.get(id));
            let same =
                matches!((x, y), (Some(p), Some(q)) if p.night == q.night && p.date == q.date);
            (!same).then(|| json!({"ticket": id.as_str(), "policy": brief(x), "against": brief(y)}))
        })
        .collect()
}
