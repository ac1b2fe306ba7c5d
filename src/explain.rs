//! `explain`: one ticket's facts, computed dates, decision and reasons, in plain sentences
//! or as json.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::config::Rules;
use crate::engine::{Action, Evaluation};
use crate::input::Reject;
use crate::output::ExplainFormat;
use crate::output::{Row, local_rfc3339};
use crate::ticket::{Field, Origin, Ticket};

/// The fields read from the export, as text, in SPEC §2 order; absent ones left out.
fn fields(t: &Ticket, tz: chrono_tz::Tz) -> Vec<(&'static str, String)> {
    Field::ALL
        .iter()
        .filter_map(|f| {
            let v = t.text(*f, tz)?;
            let v = match (f, &t.origin) {
                (Field::Status, _) => format!("{v} → {}", t.state.name()),
                (Field::Channel, Origin::Unknown(_)) => {
                    format!("\"{v}\" (not mapped: default ladder)")
                }
                _ => v,
            };
            Some((f.name(), v))
        })
        .collect()
}

/// Why an action is or is not listed at `horizon`.
fn listing(a: &Action, now: DateTime<Utc>, horizon: DateTime<Utc>) -> (bool, String) {
    let start = local_rfc3339(a.start, a.timezone);
    if a.is_due(horizon) {
        let when = if a.start <= now {
            "has opened"
        } else {
            "opens within the horizon"
        };
        (
            true,
            format!(
                "listed: its first window on {} {when} ({start})",
                a.due_date
            ),
        )
    } else {
        let limit = if horizon > now {
            "after the horizon (now + --within)"
        } else {
            "after now"
        };
        (
            false,
            format!(
                "not listed yet: its first window on {} opens at {start}, {limit}",
                a.due_date
            ),
        )
    }
}

pub fn write(
    w: &mut dyn Write,
    t: &Ticket,
    rules: &Rules,
    eval: &Evaluation,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    format: ExplainFormat,
) -> io::Result<()> {
    let tz = t.customer_tz.unwrap_or(rules.default_tz);
    match format {
        ExplainFormat::Json => {
            let read: serde_json::Map<String, serde_json::Value> = fields(t, tz)
                .into_iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let extra: serde_json::Map<String, serde_json::Value> = t
                .extra
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let actions: Vec<serde_json::Value> = eval
                .actions
                .iter()
                .map(|a| {
                    let (listed, why) = listing(a, now, horizon);
                    let mut v = serde_json::to_value(Row::new(a)).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("listed".into(), json!(listed));
                        o.insert("listed_why".into(), json!(why));
                        o.insert("contact_date".into(), json!(a.contact_date.to_string()));
                    }
                    v
                })
                .collect();
            let doc = json!({
                "ticket_id": t.id,
                "now": now.to_rfc3339(),
                "rules": rules.path,
                "read": read,
                "extra": extra,
                "computed": eval.facts,
                "actions": actions,
            });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        ExplainFormat::Text => {
            writeln!(
                w,
                "Ticket {} at {} (rules: {})",
                t.id,
                now.to_rfc3339(),
                rules.path
            )?;
            writeln!(w)?;
            writeln!(w, "Read from the export:")?;
            let f = fields(t, tz);
            let width = f
                .iter()
                .map(|(k, _)| k.len())
                .chain(t.extra.iter().map(|(k, _)| k.len()))
                .max()
                .unwrap_or(0);
            for (k, v) in &f {
                writeln!(w, "  {k:width$}  {v}")?;
            }
            for (k, v) in &t.extra {
                writeln!(w, "  {:width$}  {v}  (extra column)", k.to_string())?;
            }
            writeln!(w)?;
            writeln!(w, "Computed:")?;
            let width = eval.facts.iter().map(|x| x.name.len()).max().unwrap_or(0);
            for x in &eval.facts {
                writeln!(w, "  {:width$}  {} — {}", x.name, x.value, x.why)?;
            }
            writeln!(w)?;
            if eval.actions.is_empty() {
                writeln!(w, "Decision: nothing to do for this ticket.")?;
            }
            for a in &eval.actions {
                let (_, why) = listing(a, now, horizon);
                writeln!(
                    w,
                    "Decision: {} {} ({}), due {}, {why}.",
                    a.kind.name(),
                    a.step,
                    a.id(),
                    a.due_date
                )?;
                let local = |x| local_rfc3339(x, a.timezone);
                let channel = match a.channel {
                    Some(c) if a.fallback_channels.is_empty() => format!("by {c}"),
                    Some(c) => format!("by {c}, then {}", a.fallbacks(", ")),
                    None => "internal (no customer contact)".to_string(),
                };
                writeln!(
                    w,
                    "  Contact on {} at {} {channel}, in the window {} to {}.",
                    a.contact_date,
                    local(a.suggested_at),
                    local(a.window_start),
                    local(a.window_end)
                )?;
                match &a.covering_for {
                    Some(o) => writeln!(
                        w,
                        "  Assigned to {}, covering for {o}, who is out that day.",
                        a.assignee
                    )?,
                    None => writeln!(w, "  Assigned to {}.", a.assignee)?,
                }
                writeln!(w, "  Why: {}", a.reason_text())?;
            }
            Ok(())
        }
    }
}

/// A ticket whose rows were all rejected: say so, and why.
pub fn write_rejected(
    w: &mut dyn Write,
    id: &str,
    rejects: &[&Reject],
    format: ExplainFormat,
) -> io::Result<()> {
    match format {
        ExplainFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *w,
                &json!({ "ticket_id": id, "rejected": rejects }),
            )?;
            writeln!(w)
        }
        ExplainFormat::Text => {
            writeln!(w, "Ticket {id} is not planned: its row was rejected.")?;
            for r in rejects {
                writeln!(w, "  {r}")?;
            }
            Ok(())
        }
    }
}
