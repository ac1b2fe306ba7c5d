//! The three-strike process for tickets awaiting the customer (SPEC §4, seed 004).

use chrono::{DateTime, NaiveDate, Utc};

use super::facts::{Fact, NextRule};
use super::{Action, Ctx, Detail, Kind, Moved, Resolution, Since, Trace, Why};
use crate::ticket::{DateOrTime, Field, State, Ticket};

/// The anchor of the strike process (SPEC §4.1): the later of `awaiting_since` and
/// `last_customer_reply_at`, else `updated_at`, else `opened_at`, with the field it came from.
pub fn anchor(t: &Ticket) -> (Field, DateTime<Utc>) {
    match (t.awaiting_since, t.last_customer_reply_at) {
        (Some(a), Some(r)) if r > a => (Field::LastCustomerReplyAt, r),
        (Some(a), _) => (Field::AwaitingSince, a),
        (None, Some(r)) => (Field::LastCustomerReplyAt, r),
        (None, None) => match t.updated_at {
            Some(u) => (Field::UpdatedAt, u),
            None => (Field::OpenedAt, t.opened_at),
        },
    }
}

pub(super) fn plan(ctx: &Ctx<'_>, trace: &mut Trace<'_>, out: &mut Vec<Action>) {
    let t = ctx.t;
    if t.state != State::AwaitingCustomer {
        return;
    }
    let s = &ctx.rules.strikes;

    // 1. Anchor.
    let (anchor_field, anchor) = anchor(t);
    let anchor_date = ctx.local_date(anchor);
    trace.note(|| Fact::Anchor {
        at: anchor,
        date: anchor_date,
        field: anchor_field,
        awaiting_given: t.awaiting_since.is_some(),
    });

    // 2. Attempts, and the restart after a reply.
    let recorded = t.attempts.unwrap_or(0);
    let reply_after_attempt = match (t.last_customer_reply_at, t.last_attempt_at) {
        (Some(r), Some(a)) => r > a,
        _ => false,
    };
    let restarted = recorded > 0 && reply_after_attempt;
    let k = if restarted { 0 } else { recorded };
    trace.note(|| Fact::Attempts {
        k,
        recorded,
        restarted,
        absent: t.attempts.is_none(),
    });

    // 3. Next date.
    let last_attempt = t.last_attempt_at.unwrap_or(anchor);
    let last_date = ctx.local_date(last_attempt);
    let base = if k == 0 {
        ctx.add_bd(anchor_date, s.first_after_bd)
    } else if k < s.count {
        ctx.add_bd(last_date, s.spacing_bd)
    } else {
        ctx.add_bd(last_date, s.resolve_after_bd)
    };
    trace.note(|| Fact::NextDate {
        date: base,
        rule: if k == 0 {
            NextRule::First {
                after_bd: s.first_after_bd,
                anchor: anchor_date,
            }
        } else if k < s.count {
            NextRule::Spacing {
                after_bd: s.spacing_bd,
                attempt: k,
                on: last_date,
            }
        } else {
            NextRule::Resolve {
                after_bd: s.resolve_after_bd,
                attempt: k,
                on: last_date,
            }
        },
    });
    let mut next = base;
    let mut moved = None;
    let reactivation = t.reactivation_at.map(|r| match r {
        DateOrTime::Date(d) => d,
        DateOrTime::Time(x) => ctx.local_date(x),
    });
    if let Some(r) = reactivation
        && r > next
    {
        next = ctx.add_bd(r, 0);
        moved = Some(Moved::Reactivation { to: next });
        trace.note(|| Fact::Reactivated {
            date: next,
            reactivation: r,
        });
    }

    // 4. Customer out of office.
    let mut hold: Option<NaiveDate> = None;
    if let Some(until) = t.customer_ooo_until {
        if next <= until {
            // At least one business day: with first_after_bd = 0 the return date itself
            // would be the customer's last day away.
            next = ctx.add_bd(until, s.first_after_bd.max(1));
            moved = Some(Moved::OutOfOffice { to: next, until });
            trace.note(|| Fact::Away {
                date: next,
                until,
                after_bd: s.first_after_bd.max(1),
            });
            if reactivation == Some(next) {
                trace.note(|| Fact::NoHold {
                    already: Some(next),
                });
            } else if next <= ctx.today {
                trace.note(|| Fact::NoHold { already: None });
            } else {
                hold = Some(next);
            }
        } else {
            trace.note(|| Fact::AwayEnds { until, next });
        }
    }

    if let Some(reactivation_date) = hold {
        let reason = Why::Hold {
            until: t.customer_ooo_until.unwrap_or(reactivation_date),
            next: (k < s.count).then_some(k + 1),
        };
        let detail = Detail::Hold {
            status: s.hold_status.clone(),
            reactivation_date,
        };
        out.extend(ctx.action(
            Kind::OooHold,
            k + 1,
            ctx.add_bd(ctx.today, 0),
            &[],
            reason,
            detail,
        ));
    }

    if k < s.count {
        let n = k + 1;
        let origin = t.origin.channel();
        let channels = s.channels(origin, n, t.callback_requested);
        trace.note(|| Fact::Channels {
            channels,
            row: origin.filter(|c| s.ladder.contains_key(&Some(*c))),
            step: n,
            portal_dropped: origin == Some(crate::ticket::Channel::Portal) && !t.callback_requested,
        });
        let since = if k == 0 && restarted {
            Since::Restarted {
                replied: anchor_date,
            }
        } else if k == 0 {
            Since::First {
                anchor: anchor_date,
                field: anchor_field,
                after_bd: s.first_after_bd,
            }
        } else {
            Since::NoReply {
                attempt: k,
                on: last_date,
            }
        };
        let detail = Detail::Strike {
            count: s.count,
            resolution_date: None,
        };
        let why = Why::Strike { since, moved };
        let mut action = ctx.action(Kind::Strike, n, next, &channels, why, detail);
        if let Some(a) = action.as_mut()
            && n == s.count
        {
            // Done on its contact date, the last strike leaves this long for a reply.
            let resolve_on = ctx.add_bd(a.contact_date, s.resolve_after_bd);
            a.detail = Detail::Strike {
                count: s.count,
                resolution_date: Some(resolve_on),
            };
        }
        out.extend(action);
    } else {
        let reason = Why::Resolve {
            after_bd: s.resolve_after_bd,
            moved,
        };
        let detail = Detail::Resolve(Box::new(Resolution {
            status: s.resolve_status.clone(),
            close_code: s.close_code.clone(),
            count: s.count,
            attempts: k,
            last_attempt: last_date,
        }));
        out.extend(ctx.action(Kind::Resolve, k, next, &[], reason, detail));
    }
}
