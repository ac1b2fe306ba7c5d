//! `rules check` renders every template on sample tickets under the limits of `[drafts]`,
//! so that a template that cannot finish (a loop without end, a draft of gigabytes) fails
//! the check, not a night's run.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::Drafter;
use crate::config::Rules;
use crate::engine::evaluate;
use crate::ticket::{Channel, Origin, State, Ticket};

/// The problems of rendering each kind's templates for every channel, one line each.
pub fn check(d: &Drafter, rules: &Rules) -> Vec<String> {
    // A Monday morning in New York.
    let now: DateTime<Utc> = "2026-11-23T14:00:00Z".parse().unwrap_or_default();
    let horizon = now + TimeDelta::days(60);
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let langs = std::iter::once(None).chain(super::languages(rules).into_iter().map(Some));
    for lang in langs {
        for mut t in samples(rules, now) {
            t.language = lang.clone();
            let t = Arc::new(t);
            for a in evaluate(&t, rules, now, horizon, false).actions {
                let channels: Vec<Option<Channel>> = match a.channel {
                    None => vec![None],
                    Some(_) => Channel::ALL.iter().copied().map(Some).collect(),
                };
                for c in channels {
                    if seen.contains(&(a.kind, c, lang.clone())) {
                        continue;
                    }
                    seen.push((a.kind, c, lang.clone()));
                    // Each channel's templates on their own: a draft of several channels is
                    // made of these parts.
                    let mut a = a.clone();
                    a.channel = c;
                    a.fallback_channels = crate::ticket::Channels::NONE;
                    if let Err(e) = d.render(&a, &t, rules)
                        && !problems.iter().any(|p: &String| p.ends_with(&e))
                    {
                        let mut how = c.map_or("internal".to_string(), |c| format!("by {c}"));
                        if let Some(l) = &lang {
                            how.push_str(&format!(", in {l}"));
                        }
                        problems.push(format!(
                            "{} ({how}, on a sample ticket): {e}",
                            a.kind.name()
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// Tickets that call for every kind of action: strikes (the first and the last), a
/// resolution, a hold, and a check-in of every type.
fn samples(rules: &Rules, now: DateTime<Utc>) -> Vec<Ticket> {
    let days = |n: i64| now - TimeDelta::days(n);
    let base = |id: &str, state: State| {
        let mut t = Ticket::new(id, state, days(20));
        t.origin = Origin::Known(Channel::Email);
        t.subject = Some("The VPN drops every few minutes".into());
        t.customer = Some("Maria Lopez".into());
        t.customer_email = Some("maria@example.com".into());
        t.customer_phone = Some("+1 212 555 0143".into());
        t.owner = rules.agents.keys().next().map(|a| a.as_str().into());
        t.pending_info = Some("the client log".into());
        t.last_public_comment = Some("Could you send us the client log?".into());
        t
    };
    let mut out = Vec::new();
    for attempts in [
        None,
        Some(rules.strikes.count.saturating_sub(1)),
        Some(rules.strikes.count),
    ] {
        let mut t = base("SAMPLE-STRIKE", State::AwaitingCustomer);
        t.awaiting_since = Some(days(3));
        t.attempts = attempts;
        t.last_attempt_at = attempts.map(|_| days(1));
        out.push(t);
    }
    let mut hold = base("SAMPLE-HOLD", State::AwaitingCustomer);
    hold.awaiting_since = Some(days(3));
    hold.customer_ooo_until = Some((now + TimeDelta::days(10)).date_naive());
    out.push(hold);
    for ty in &rules.types {
        let mut t = base("SAMPLE-CHECKIN", State::Resolved);
        t.kind = Some(ty.name.as_str().into());
        t.resolved_at = Some(days(8));
        out.push(t);
    }
    out
}
