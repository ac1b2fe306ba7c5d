//! `explain`: one ticket's facts, computed dates, decision and reasons, in plain sentences
//! or as json.

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{ExplainFormat, Row, local_rfc3339, reason};
use crate::config::Rules;
use crate::engine::facts::{Fact, NextRule, StepOutcome};
use crate::engine::{Action, Evaluation};
use crate::input::Reject;
use crate::ticket::{Field, Origin, State, Ticket};

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

/// The holidays of the ticket's calendar that an action's dates stepped over: after the
/// anchor (else today), up to the contact date, on working weekdays.
fn holidays_on_the_way(x: &Explained<'_>, a: &Action) -> Vec<(NaiveDate, String)> {
    let from = x
        .eval
        .facts
        .iter()
        .find_map(|f| match f {
            Fact::Anchor { date, .. } => Some(*date),
            Fact::Today { date, .. } => Some(*date),
            _ => None,
        })
        .unwrap_or(a.due_date);
    let (name, calendar) = x.rules.calendar(a.calendar);
    calendar
        .holidays_between(from, a.contact_date)
        .map(|(d, holiday)| {
            let what = match holiday {
                Some(h) => format!("{d} is {h} in {name}"),
                None => format!("{d} is a holiday of the calendar {name}"),
            };
            (d, what)
        })
        .collect()
}

/// What `explain` says of one ticket.
pub struct Explained<'a> {
    pub ticket: &'a Ticket,
    pub rules: &'a Rules,
    pub eval: &'a Evaluation,
    pub now: DateTime<Utc>,
    pub horizon: DateTime<Utc>,
}

pub fn write(w: &mut dyn Write, x: &Explained<'_>, format: ExplainFormat) -> io::Result<()> {
    match format {
        ExplainFormat::Json => write_json(w, x),
        ExplainFormat::Text => write_text(w, x),
    }
}

fn write_json(w: &mut dyn Write, x: &Explained<'_>) -> io::Result<()> {
    let (t, rules, eval, now, horizon) = (x.ticket, x.rules, x.eval, x.now, x.horizon);
    let tz = t.customer_tz.unwrap_or(rules.default_tz);
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
                let skipped: Vec<serde_json::Value> = holidays_on_the_way(x, a)
                    .into_iter()
                    .map(|(d, why)| json!({"date": d.to_string(), "why": why}))
                    .collect();
                o.insert("holidays_skipped".into(), json!(skipped));
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
        "computed": eval.facts.iter().map(|f| {
            let (name, value, why) = parts(f);
            json!({ "name": name, "value": value, "why": why })
        }).collect::<Vec<_>>(),
        "actions": actions,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

fn write_text(w: &mut dyn Write, x: &Explained<'_>) -> io::Result<()> {
    let (t, rules, eval, now, horizon) = (x.ticket, x.rules, x.eval, x.now, x.horizon);
    let tz = t.customer_tz.unwrap_or(rules.default_tz);
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
    let facts: Vec<_> = eval.facts.iter().map(parts).collect();
    let width = facts.iter().map(|x| x.0.len()).max().unwrap_or(0);
    for (name, value, why) in &facts {
        writeln!(w, "  {name:width$}  {value} — {why}")?;
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
        writeln!(w, "  Why: {}", reason::text(a))?;
        let skipped = holidays_on_the_way(x, a);
        if !skipped.is_empty() {
            let said: Vec<String> = skipped.into_iter().map(|(_, s)| s).collect();
            writeln!(
                w,
                "  Holidays on the way, not counted as business days: {}.",
                said.join("; ")
            )?;
        }
    }
    Ok(())
}

/// A ticket whose row (an event log's: whose newest row) was rejected: say so, and why.
pub fn write_rejected(
    w: &mut dyn Write,
    id: &str,
    rejects: &[&Reject],
    event_log: bool,
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
            if event_log {
                // The newest row of an event log decides; an older row is never planned
                // in its place.
                writeln!(
                    w,
                    "Ticket {id} is not planned: its newest row was rejected, and an event log's ticket is planned from its newest row or not at all."
                )?;
            } else {
                writeln!(w, "Ticket {id} is not planned: its row was rejected.")?;
            }
            for r in rejects {
                writeln!(w, "  {r}")?;
            }
            Ok(())
        }
    }
}

/// "3 business days".
fn days(n: u32) -> String {
    format!("{n} business day{}", if n == 1 { "" } else { "s" })
}

/// A fact as its name, its value and why. One arm per kind of fact: the sentences read
/// best side by side.
pub fn parts(f: &Fact) -> (String, String, String) {
    let none = || "none".to_string();
    let (name, value, why): (&str, String, String) = match f {
        Fact::Timezone { tz, from_ticket } => (
            "timezone",
            tz.name().to_string(),
            if *from_ticket {
                "the customer's zone (customer_tz)".into()
            } else {
                "[defaults].timezone: the export gives no customer zone".into()
            },
        ),
        Fact::Calendar { name, from_ticket } => (
            "calendar",
            name.clone(),
            if *from_ticket {
                "the ticket's calendar".into()
            } else {
                "[defaults].calendar".into()
            },
        ),
        Fact::Today { date, now, tz } => (
            "today",
            date.to_string(),
            format!("the local date of now ({}) in {}", now.to_rfc3339(), tz.name()),
        ),
        Fact::Anchor {
            at,
            date,
            field,
            awaiting_given,
        } => (
            "anchor",
            format!("{} ({date} local)", at.to_rfc3339()),
            match field {
                Field::LastCustomerReplyAt if *awaiting_given => {
                    "last_customer_reply_at, later than awaiting_since".into()
                }
                Field::LastCustomerReplyAt => "last_customer_reply_at (no awaiting_since)".into(),
                Field::AwaitingSince => {
                    "awaiting_since, the later of awaiting_since and last_customer_reply_at".into()
                }
                Field::UpdatedAt => {
                    "updated_at: the export has neither awaiting_since nor last_customer_reply_at"
                        .into()
                }
                _ => "opened_at: the export has no awaiting_since, last_customer_reply_at or updated_at"
                    .into(),
            },
        ),
        Fact::Attempts {
            k,
            recorded,
            restarted,
            absent,
        } => (
            "attempts",
            k.to_string(),
            if *restarted {
                format!("{recorded} recorded, but the customer replied after the last attempt, so the count restarts at 0")
            } else if *absent {
                "the export records no attempts".into()
            } else {
                format!("{recorded} unanswered attempts recorded")
            },
        ),
        Fact::NextDate { date, rule } => (
            "next date",
            date.to_string(),
            match *rule {
                NextRule::First { after_bd, anchor } => format!(
                    "{} after the anchor's date {anchor} ([strikes].first_after_bd)",
                    days(after_bd)
                ),
                NextRule::Spacing {
                    after_bd,
                    attempt,
                    on,
                } => format!(
                    "{} after attempt {attempt} on {on} ([strikes].spacing_bd)",
                    days(after_bd)
                ),
                NextRule::Resolve {
                    after_bd,
                    attempt,
                    on,
                } => format!(
                    "{} after attempt {attempt} on {on} ([strikes].resolve_after_bd)",
                    days(after_bd)
                ),
            },
        ),
        Fact::Reactivated { date, reactivation } => (
            "next date",
            date.to_string(),
            format!("moved: the ticket's reactivation date {reactivation} is later"),
        ),
        Fact::Away {
            date,
            until,
            after_bd,
        } => (
            "next date",
            date.to_string(),
            format!(
                "moved: the customer is out of office until {until}; {} after that",
                days(*after_bd)
            ),
        ),
        Fact::NoHold { already } => (
            "hold",
            none(),
            match already {
                Some(next) => format!("the ticket's reactivation date is already {next}"),
                None => "the customer is back: the next step is due now".into(),
            },
        ),
        Fact::AwayEnds { until, next } => (
            "out of office",
            until.to_string(),
            format!("ends before the next date {next}: no effect"),
        ),
        Fact::Channels {
            channels,
            row,
            step,
            portal_dropped,
        } => (
            "channels",
            channels.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
            format!(
                "row {step} of [strikes.ladder].{}{}",
                row.map_or("default", |c| c.name()),
                if *portal_dropped {
                    "; phone dropped: portal customers are called only when they ask (callback_requested)"
                } else {
                    ""
                }
            ),
        ),
        Fact::NoTypes => (
            "type",
            none(),
            "no [types.default] in the rules: no follow-ups by type".into(),
        ),
        Fact::Type { name, given } => (
            "type",
            name.clone(),
            match given {
                Some(k) if k.eq_ignore_ascii_case(name) => "the ticket's type".into(),
                Some(k) => format!("\"{k}\" is not in [types]: [types.default]"),
                None => "the export gives no type: [types.default]".into(),
            },
        ),
        Fact::NoCheckIns { state } => (
            "check-ins",
            none(),
            match state {
                State::AwaitingCustomer => "the ticket awaits the customer: strikes instead".into(),
                _ => format!("the ticket is {}: no follow-ups", state.name()),
            },
        ),
        Fact::Missed { steps, by } => (
            "missed",
            steps
                .iter()
                .map(|(step, on)| format!("step {step} (due {on})"))
                .collect::<Vec<_>>()
                .join(", "),
            format!("due and not done, superseded by step {by}"),
        ),
        Fact::Step { n, outcome } => {
            let (value, why) = match outcome {
                StepOutcome::NoAnchor { anchor } => (
                    "does not apply".to_string(),
                    format!("the ticket has no {anchor}"),
                ),
                StepOutcome::NotIf { condition } => (
                    "does not apply".to_string(),
                    format!("only if {condition}, which is not set"),
                ),
                StepOutcome::Done {
                    nominal,
                    what,
                    done,
                } => (
                    format!("{nominal}, done"),
                    format!("{what}; last_followup_at {done} is on or after it"),
                ),
                StepOutcome::Expired {
                    nominal,
                    what,
                    expires,
                } => (
                    format!("{nominal}, expired"),
                    format!("{what}; not done, and more than its window plus [defaults].checkin_expire_days past (on {expires})"),
                ),
                StepOutcome::Scheduled {
                    date,
                    nominal,
                    what,
                    moved,
                } => (
                    date.to_string(),
                    match moved {
                        Some(m) => {
                            let mut why = format!("{what} gives {nominal}; ");
                            reason::day_why(&mut why, m, *nominal);
                            why
                        }
                        None => what.to_string(),
                    },
                ),
            };
            return (format!("step {n}"), value, why);
        }
        Fact::NoRecurring { state } => (
            "check-ins",
            none(),
            format!(
                "recurring check-ins apply to open and on-hold accounts; the ticket is {}",
                state.name()
            ),
        ),
        Fact::Recurring {
            date,
            every,
            own_cadence,
            from,
            anchor,
            last,
        } => (
            "check-in",
            date.to_string(),
            format!(
                "every {every} ({}) after {} {anchor}; slack until {last}",
                if *own_cadence {
                    "the account's cadence"
                } else {
                    "the type's cadence"
                },
                from.name()
            ),
        ),
        Fact::NoAlert { state } => ("alert", none(), format!("the ticket is {}", state.name())),
        Fact::AlertPast { due, until } => (
            "alert",
            none(),
            format!("listed until {until}, one business day after {due}"),
        ),
        Fact::Alert { due, until, ty } => (
            "alert",
            due.to_string(),
            format!("[types.{ty}] alert = true; listed until {until}"),
        ),
    };
    (name.to_string(), value, why)
}
