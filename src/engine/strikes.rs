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

/// Where a ticket stands in the process: what it counts from, the attempts made, and the
/// date of its next step with what moved it.
struct Standing {
    anchor_field: Field,
    anchor_date: NaiveDate,
    /// Unanswered attempts counted (0 after a reply).
    k: u32,
    /// The customer replied after the last attempt.
    restarted: bool,
    last_date: NaiveDate,
    next: NaiveDate,
    moved: Option<Moved>,
    /// The reactivation date a hold would set, when one is due.
    hold: Option<NaiveDate>,
}

pub(super) fn plan(ctx: &Ctx<'_>, trace: &mut Trace<'_>, out: &mut Vec<Action>) {
    if ctx.t.state != State::AwaitingCustomer {
        return;
    }
    let mut st = standing(ctx, trace);
    move_next(ctx, trace, &mut st);
    let s = &ctx.rules.strikes;
    if let Some(reactivation_date) = st.hold {
        let reason = Why::Hold {
            until: ctx.t.customer_ooo_until.unwrap_or(reactivation_date),
            next: (st.k < s.count).then_some(st.k + 1),
        };
        let detail = Detail::Hold {
            status: s.hold_status.clone(),
            reactivation_date,
        };
        let today = ctx.add_bd(ctx.today, 0);
        out.extend(ctx.action(Kind::OooHold, st.k + 1, today, &[], reason, detail));
    }
    if st.k < s.count {
        out.extend(strike(ctx, trace, &st));
    } else {
        let reason = Why::Resolve {
            after_bd: s.resolve_after_bd,
            moved: st.moved,
        };
        let detail = Detail::Resolve(Box::new(Resolution {
            status: s.resolve_status.clone(),
            close_code: s.close_code.clone(),
            count: s.count,
            attempts: st.k,
            last_attempt: st.last_date,
        }));
        out.extend(ctx.action(Kind::Resolve, st.k, st.next, &[], reason, detail));
    }
}

/// Steps 1–3 of SPEC §4: the anchor, the attempts (restarted by a reply) and the next date
/// the process alone gives.
fn standing(ctx: &Ctx<'_>, trace: &mut Trace<'_>) -> Standing {
    let t = ctx.t;
    let s = &ctx.rules.strikes;
    let (anchor_field, anchor) = anchor(t);
    let anchor_date = ctx.local_date(anchor);
    trace.note(|| Fact::Anchor {
        at: anchor,
        date: anchor_date,
        field: anchor_field,
        awaiting_given: t.awaiting_since.is_some(),
    });
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
    let last_date = ctx.local_date(t.last_attempt_at.unwrap_or(anchor));
    let rule = if k == 0 {
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
    };
    let next = match rule {
        NextRule::First { after_bd, anchor } => ctx.add_bd(anchor, after_bd),
        NextRule::Spacing { after_bd, on, .. } | NextRule::Resolve { after_bd, on, .. } => {
            ctx.add_bd(on, after_bd)
        }
    };
    trace.note(|| Fact::NextDate { date: next, rule });
    Standing {
        anchor_field,
        anchor_date,
        k,
        restarted,
        last_date,
        next,
        moved: None,
        hold: None,
    }
}

/// Steps 3–4: a later reactivation date moves the next date, and so does a customer out of
/// office, with a hold due until the moved date.
fn move_next(ctx: &Ctx<'_>, trace: &mut Trace<'_>, st: &mut Standing) {
    let t = ctx.t;
    let s = &ctx.rules.strikes;
    let reactivation = t.reactivation_at.map(|r| match r {
        DateOrTime::Date(d) => d,
        DateOrTime::Time(x) => ctx.local_date(x),
    });
    if let Some(r) = reactivation
        && r > st.next
    {
        st.next = ctx.add_bd(r, 0);
        st.moved = Some(Moved::Reactivation { to: st.next });
        trace.note(|| Fact::Reactivated {
            date: st.next,
            reactivation: r,
        });
    }
    let Some(until) = t.customer_ooo_until else {
        return;
    };
    if st.next > until {
        let next = st.next;
        trace.note(|| Fact::AwayEnds { until, next });
        return;
    }
    // At least one business day: with first_after_bd = 0 the return date itself would be
    // the customer's last day away.
    let next = ctx.add_bd(until, s.first_after_bd.max(1));
    st.next = next;
    st.moved = Some(Moved::OutOfOffice { to: next, until });
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
        st.hold = Some(next);
    }
}

/// Step 5: strike `k + 1`, by its row of the ladder; the last one names the day the ticket
/// will be resolved.
fn strike(ctx: &Ctx<'_>, trace: &mut Trace<'_>, st: &Standing) -> Option<Action> {
    let t = ctx.t;
    let s = &ctx.rules.strikes;
    let n = st.k + 1;
    let origin = t.origin.channel();
    let channels = s.channels(origin, n, t.callback_requested);
    trace.note(|| Fact::Channels {
        channels,
        row: origin.filter(|c| s.ladder.contains_key(&Some(*c))),
        step: n,
        portal_dropped: origin == Some(crate::ticket::Channel::Portal) && !t.callback_requested,
    });
    let since = if st.k == 0 && st.restarted {
        Since::Restarted {
            replied: st.anchor_date,
        }
    } else if st.k == 0 {
        Since::First {
            anchor: st.anchor_date,
            field: st.anchor_field,
            after_bd: s.first_after_bd,
        }
    } else {
        Since::NoReply {
            attempt: st.k,
            on: st.last_date,
        }
    };
    let detail = Detail::Strike {
        count: s.count,
        resolution_date: None,
    };
    let why = Why::Strike {
        since,
        moved: st.moved,
        asks: !t.reach.asks_nothing(),
    };
    let mut action = ctx.action(Kind::Strike, n, st.next, &channels, why, detail)?;
    if n == s.count {
        // Done on its contact date, the last strike leaves this long for a reply.
        let resolve_on = ctx.add_bd(action.contact_date, s.resolve_after_bd);
        action.detail = Detail::Strike {
            count: s.count,
            resolution_date: Some(resolve_on),
        };
    }
    Some(action)
}
