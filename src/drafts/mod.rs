//! Drafted messages: the built-in templates and those of the rules file, rendered with
//! MiniJinja. Values from the export are passed as data, never parsed as template code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use minijinja::Environment;
use serde_json::{Value, json};

use crate::config::Rules;
use crate::config::templates::{environment, sources};
use crate::engine::{Action, Detail, Kind};
use crate::output::{Draft, reason};
use crate::ticket::{Channel, Field, Ticket};
use crate::time;

/// The built-in drafts, in the shape of `[templates]` in a rules file.
pub const BUILTIN: &str = include_str!("templates.toml");

/// Renders drafts for the actions of one run. Built once; every template compiled.
pub struct Drafter {
    env: Environment<'static>,
}

impl Drafter {
    pub fn new(rules: &Rules) -> Result<Drafter, String> {
        let mut env = environment();
        let builtin: toml::Table =
            toml::from_str(BUILTIN).map_err(|e| format!("built-in templates: {e}"))?;
        for (kind, value) in &builtin {
            let toml::Value::Table(table) = value else {
                continue;
            };
            if kind == "part" {
                for (name, text) in table {
                    if let toml::Value::String(text) = text {
                        env.add_template_owned(format!("part/{name}"), text.clone())
                            .map_err(|e| e.to_string())?;
                    }
                }
                continue;
            }
            for s in sources(kind, table)? {
                env.add_template_owned(format!("builtin/{}", s.name), s.text)
                    .map_err(|e| e.to_string())?;
            }
        }
        for s in &rules.templates {
            let kind = s.name.split('.').next().unwrap_or_default();
            env.add_template_owned(s.name.clone(), s.text.clone())
                .map_err(|e| format!("[templates.{kind}]: {e}"))?;
        }
        Ok(Drafter { env })
    }

    /// The most specific template for a part: the rules file's for the kind and channel,
    /// then for the kind, then the built-in ones likewise.
    fn template_name(&self, kind: Kind, channel: Option<Channel>, part: &str) -> Option<String> {
        let k = kind.name();
        let mut names = Vec::new();
        for prefix in ["", "builtin/"] {
            if let Some(c) = channel {
                names.push(format!("{prefix}{k}.{}.{part}", c.name()));
            }
            names.push(format!("{prefix}{k}.{part}"));
            names.push(format!("{prefix}{k}.email.{part}"));
        }
        names.into_iter().find(|n| self.env.get_template(n).is_ok())
    }

    /// The draft of one action for its ticket.
    pub fn render(&self, a: &Action, t: &Ticket, rules: &Rules) -> Result<Draft, String> {
        let ctx = minijinja::Value::from(minijinja::value::Serde(context(a, t, rules)));
        let render = |part: &str| -> Result<String, String> {
            let name = self
                .template_name(a.kind, a.channel, part)
                .ok_or_else(|| format!("no {part} template for {}", a.kind.name()))?;
            let tpl = self.env.get_template(&name).map_err(|e| e.to_string())?;
            tpl.render(&ctx)
                .map_err(|e| format!("template {name}: {e:#}"))
        };
        let subject = render("subject")?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let body = tidy(&render("body")?);
        let name = t.customer.clone().unwrap_or_default();
        let reach = match a.channel {
            Some(Channel::Phone) => t.customer_phone.clone(),
            Some(Channel::Email | Channel::Portal | Channel::Chat) => t.customer_email.clone(),
            _ => None,
        };
        let to = match (name.is_empty(), reach) {
            (false, Some(r)) if a.channel == Some(Channel::Phone) => format!("{name}, {r}"),
            (false, Some(r)) => format!("{name} <{r}>"),
            (true, Some(r)) => r,
            (false, None) => name,
            (true, None) => "(no contact details in the export)".into(),
        };
        Ok(Draft { to, subject, body })
    }
}

/// Trailing spaces off, runs of spaces inside a line and of blank lines (left by
/// conditionals) down to one.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = true;
    for raw in text.lines() {
        let indent = raw.len() - raw.trim_start().len();
        let words: Vec<&str> = raw.split(' ').filter(|w| !w.is_empty()).collect();
        let line = format!("{}{}", &raw[..indent], words.join(" ").trim_start());
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    out.trim_end().to_string() + "\n"
}

/// "call us at …, e-mail … or visit …", from `[contact]`.
fn ways(rules: &Rules) -> String {
    let c = &rules.contact;
    let mut parts = Vec::new();
    if let Some(p) = &c.phone {
        parts.push(format!("call us at {p}"));
    }
    if let Some(e) = &c.email {
        parts.push(format!("e-mail {e}"));
    }
    if let Some(w) = &c.web {
        parts.push(format!("visit {w}"));
    }
    match parts.len() {
        0 => "reply to this message".to_string(),
        1 => parts.remove(0),
        n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

fn agent_name(rules: &Rules, id: &str) -> String {
    rules
        .agent(id)
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// `action.*`: the action as a template sees it.
fn action_context(a: &Action, tz: chrono_tz::Tz) -> Value {
    let date = |d: NaiveDate| d.to_string();
    let mut action = json!({
        "id": a.id(),
        "kind": a.kind.name(),
        "step": a.step,
        "channel": a.channel.map(|c| c.name()),
        "fallback_channels": a.fallback_channels.iter().map(|c| c.name()).collect::<Vec<_>>(),
        "due_date": date(a.due_date),
        "overdue_days": a.overdue_days,
        "contact_date": date(a.contact_date),
        "suggested_at": time::rfc3339_in(a.suggested_at, tz),
        "window_start": time::rfc3339_in(a.window_start, tz),
        "window_end": time::rfc3339_in(a.window_end, tz),
        "reason": reason::text(a),
        "last_strike": false,
        "missed": [],
    });
    if let Some(m) = action.as_object_mut() {
        match &a.detail {
            Detail::None => {}
            Detail::Strike {
                count,
                resolution_date,
            } => {
                m.insert("count".into(), json!(count));
                m.insert("last_strike".into(), json!(resolution_date.is_some()));
                m.insert("resolution_date".into(), json!(resolution_date.map(date)));
            }
            Detail::CheckIn { of, missed } => {
                m.insert("count".into(), json!(of));
                let list: Vec<Value> = missed
                    .iter()
                    .map(|(n, d)| json!({ "step": n, "date": date(*d) }))
                    .collect();
                m.insert("missed".into(), Value::Array(list));
            }
            Detail::Resolve(r) => {
                m.insert("resolve_status".into(), json!(&*r.status));
                m.insert("close_code".into(), json!(&*r.close_code));
                m.insert("close_notes".into(), json!(reason::close_notes(r)));
                m.insert("attempts".into(), json!(r.attempts));
                let list: Vec<Value> = (1..=r.attempts)
                    .map(|n| {
                        let when = (n == r.attempts).then(|| date(r.last_attempt));
                        json!({ "number": n, "date": when, "channel": null })
                    })
                    .collect();
                m.insert("attempt_list".into(), Value::Array(list));
            }
            Detail::Hold {
                status,
                reactivation_date,
            } => {
                m.insert("hold_status".into(), json!(&**status));
                m.insert("reactivation_date".into(), json!(date(*reactivation_date)));
            }
        }
    }
    action
}

/// The variables a template sees (documented in README.md).
pub fn context(a: &Action, t: &Ticket, rules: &Rules) -> Value {
    let tz = a.timezone;
    let mut ticket: serde_json::Map<String, Value> = Field::ALL
        .iter()
        .map(|f| {
            (
                f.name().to_string(),
                t.text(*f, tz).map(Value::from).unwrap_or(Value::Null),
            )
        })
        .collect();
    ticket.insert("state".into(), t.state.name().into());
    ticket.insert("type".into(), a.ticket_type.as_str().into());
    let extra: BTreeMap<&str, &str> = t.extra.iter().map(|(k, v)| (&**k, v.as_str())).collect();
    ticket.insert("extra".into(), json!(extra));

    let local = a.suggested_at.with_timezone(&tz);
    let customer = json!({
        "name": t.customer,
        "email": t.customer_email,
        "phone": t.customer_phone,
        "timezone": tz.name(),
        "local_date": local.date_naive().to_string(),
        "local_time": local.format("%H:%M").to_string(),
        "local_weekday": local.format("%A").to_string(),
    });
    let covering = a.covering_for.as_deref().map(|owner| {
        let cal_idx = t.calendar.unwrap_or(rules.default_calendar);
        let back = rules
            .agent(owner)
            .map(|ag| ag.back_on(a.contact_date))
            .map(|d| {
                rules.calendars[cal_idx.min(rules.calendars.len() - 1)]
                    .1
                    .add_bd(d, 0)
            })
            .unwrap_or(a.contact_date);
        json!({ "id": owner, "name": agent_name(rules, owner), "back_on": back.to_string() })
    });
    let action = action_context(a, tz);
    json!({
        "ticket": ticket,
        "customer": customer,
        "agent": { "id": a.assignee, "name": agent_name(rules, &a.assignee) },
        "covering": covering,
        "department": rules.defaults.department,
        "contact": {
            "phone": rules.contact.phone,
            "email": rules.contact.email,
            "web": rules.contact.web,
        },
        "ways": ways(rules),
        "complaint": a.ticket_type.eq_ignore_ascii_case("complaint"),
        "action": action,
    })
}

#[cfg(test)]
mod tests;
