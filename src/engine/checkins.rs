//! Follow-ups per ticket type (SPEC §5, seed 001): check-in steps, the e-mail day and
//! absent-owner preferences (SPEC §6, seed 000), and the internal alert after a service
//! failure (seed 002).

use chrono::{Datelike, NaiveDate};

use super::facts::{Fact, StepOutcome};
use super::{Action, Ctx, DayMoved, DayWhy, Detail, Kind, Trace, Why};
use crate::config::{Anchor, Step, TicketType};
use crate::ticket::{Channel, DateOrTime, Field, Segment, State, Ticket};
use crate::time::{Span, anchor_date, days_after};

/// The channel of a `same` step: the origin, portal answered by e-mail, e-mail when unknown.
fn same_medium(origin: Option<Channel>) -> Channel {
    match origin {
        Some(Channel::Portal) | None => Channel::Email,
        Some(c) => c,
    }
}

/// The last day of a window of slack starting on `d`.
fn window_last(ctx: &Ctx<'_>, d: NaiveDate, window: Span) -> NaiveDate {
    ctx.zone.calendar.shift_date(d, window)
}

/// One applicable, undone, unexpired step, scheduled.
struct Candidate {
    step: u32,
    action: Action,
}

pub(super) fn plan(ctx: &Ctx<'_>, trace: &mut Trace<'_>, out: &mut Vec<Action>) {
    let t = ctx.t;
    let Some(ty) = ctx.ty else {
        trace.note(|| Fact::NoTypes);
        return;
    };
    trace.note(|| Fact::Type {
        name: ty.name.clone(),
        given: t.kind.as_deref().map(str::to_string),
    });
    alert(ctx, ty, trace, out);
    owner_back(ctx, out);
    if let Some(every) = t.cadence.or(ty.every) {
        recurring(ctx, ty, every, trace, out);
        return;
    }
    if !matches!(t.state, State::Open | State::OnHold | State::Resolved) {
        trace.note(|| Fact::NoCheckIns { state: t.state });
        return;
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (i, step) in ty.steps.iter().enumerate() {
        let n = i as u32 + 1;
        if let Some(c) = schedule_step(ctx, ty, n, step, trace) {
            candidates.push(c);
        }
    }
    // The one listed: the due step with the latest date; earlier due ones were missed.
    let due: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].action.is_due(ctx.horizon))
        .collect();
    let Some(&latest) = due
        .iter()
        .max_by_key(|i| (candidates[**i].action.due_date, candidates[**i].step))
    else {
        out.extend(candidates.into_iter().map(|c| c.action));
        return;
    };
    let missed: Vec<(u32, NaiveDate)> = due
        .iter()
        .filter(|i| **i != latest)
        .map(|i| (candidates[*i].step, candidates[*i].action.due_date))
        .collect();
    if !missed.is_empty() {
        trace.note(|| Fact::Missed {
            steps: missed.clone(),
            by: candidates[latest].step,
        });
        if let Detail::CheckIn { missed: m, .. } = &mut candidates[latest].action.detail {
            *m = missed.into();
        }
    }
    for (i, c) in candidates.into_iter().enumerate() {
        if i == latest || !due.contains(&i) {
            out.push(c.action);
        }
    }
}

/// Seed 000: a colleague who followed up for an absent owner says they will be in touch
/// when back; the owner's own check-in on their first day back keeps that promise. Due when
/// the last follow-up fell on a day the owner was out, until one is made after it.
fn owner_back(ctx: &Ctx<'_>, out: &mut Vec<Action>) {
    let t = ctx.t;
    if !matches!(t.state, State::Open | State::OnHold | State::Resolved) {
        return;
    }
    let Some(covered_on) = t.last_followup_at.map(|x| ctx.local_date(x)) else {
        return;
    };
    let Some(agent) = t.owner.as_deref().and_then(|o| ctx.rules.agent(o)) else {
        return;
    };
    if !agent.is_out(covered_on) {
        return;
    }
    // Not while the customer is away, as every check-in; and, as a check-in, dropped once
    // long past.
    let (back, _) = wait_for_return(ctx, (ctx.add_bd(agent.back_on(covered_on), 0), None));
    if ctx.today > days_after(back, ctx.rules.defaults.checkin_expire_days) {
        return;
    }
    let channel = same_medium(t.origin.channel());
    let why = Why::OwnerBack { covered_on };
    let detail = Detail::CheckIn {
        of: 1,
        missed: Box::default(),
    };
    out.extend(ctx.action(Kind::OwnerFollowUp, 1, back, &[channel], why, detail));
}

fn schedule_step(
    ctx: &Ctx<'_>,
    ty: &TicketType,
    n: u32,
    step: &Step,
    trace: &mut Trace<'_>,
) -> Option<Candidate> {
    let t = ctx.t;
    let anchor = step_anchor(t, &step.from);
    let Some(anchor) = anchor else {
        trace.note(|| Fact::Step {
            n,
            outcome: StepOutcome::NoAnchor {
                anchor: step.from.name().to_string(),
            },
        });
        return None;
    };
    if let Some(cond) = &step.only_if
        && !holds(t, cond)
    {
        trace.note(|| Fact::Step {
            n,
            outcome: StepOutcome::NotIf {
                condition: cond.clone(),
            },
        });
        return None;
    }
    let nominal = ctx.add_bd(anchor_date(ctx.zone, anchor, step.after), 0);
    let what = &step.what;
    if let Some(done) = t
        .last_followup_at
        .map(|x| ctx.local_date(x))
        .filter(|d| *d >= nominal)
    {
        trace.note(|| Fact::Step {
            n,
            outcome: StepOutcome::Done {
                nominal,
                what: what.clone(),
                done,
            },
        });
        return None;
    }
    let channel = step
        .channel
        .unwrap_or_else(|| same_medium(t.origin.channel()));
    let last = window_last(ctx, nominal, step.window);
    let expires = days_after(last, ctx.rules.defaults.checkin_expire_days);
    if ctx.today > expires {
        trace.note(|| Fact::Step {
            n,
            outcome: StepOutcome::Expired {
                nominal,
                what: what.clone(),
                expires,
            },
        });
        return None;
    }
    let (date, why_moved) =
        wait_for_return(ctx, choose_day(ctx, nominal, last, channel, step.window));
    let count = ty.steps.len();
    let reason = Why::CheckIn {
        what: what.clone(),
        anchor: match anchor {
            DateOrTime::Date(d) => d,
            DateOrTime::Time(x) => ctx.local_date(x),
        },
        moved: why_moved
            .clone()
            .map(|why| Box::new(DayMoved { date, nominal, why })),
    };
    trace.note(|| Fact::Step {
        n,
        outcome: StepOutcome::Scheduled {
            date,
            nominal,
            what: what.clone(),
            moved: why_moved.clone(),
        },
    });
    let detail = Detail::CheckIn {
        of: count as u32,
        missed: Box::default(),
    };
    let action = ctx.action(Kind::CheckIn, n, date, &[channel], reason, detail)?;
    Some(Candidate { step: n, action })
}

/// The value a step counts from, when the ticket has it.
fn step_anchor(t: &Ticket, from: &Anchor) -> Option<DateOrTime> {
    match from {
        Anchor::Field(f) => match f {
            Field::OpenedAt => Some(DateOrTime::Time(t.opened_at)),
            Field::ResolvedAt => t.resolved_at.map(DateOrTime::Time),
            Field::LastCustomerReplyAt => t.last_customer_reply_at.map(DateOrTime::Time),
            Field::AwaitingSince => t.awaiting_since.map(DateOrTime::Time),
            Field::LastAttemptAt => t.last_attempt_at.map(DateOrTime::Time),
            Field::LastFollowupAt => t.last_followup_at.map(DateOrTime::Time),
            Field::ReactivationAt => t.reactivation_at,
            _ => None,
        },
        Anchor::Column(c) => t
            .dates
            .iter()
            .find(|(k, _)| &**k == c.as_str())
            .map(|(_, d)| *d),
    }
}

/// Whether a step's `only_if` holds: `callback_requested` or a yes/no column.
fn holds(t: &Ticket, cond: &str) -> bool {
    if cond == Field::CallbackRequested.name() {
        t.callback_requested
    } else {
        t.flags.iter().any(|(k, v)| &**k == cond && *v)
    }
}

/// Like strikes, check-ins wait for a customer who is out of office: a day on or before
/// `customer_ooo_until` moves to the first business day after it.
fn wait_for_return(
    ctx: &Ctx<'_>,
    (date, why): (NaiveDate, Option<DayWhy>),
) -> (NaiveDate, Option<DayWhy>) {
    match ctx.t.customer_ooo_until {
        Some(until) if date <= until => {
            (ctx.add_bd(until, 1), Some(DayWhy::CustomerAway { until }))
        }
        _ => (date, why),
    }
}

/// The day of a check-in within its window (SPEC §5–6): the first business day on which
/// the owner is in, on the segment's e-mail days for e-mail steps; failing that, the first
/// e-mail day; failing that, the step's own date.
fn choose_day(
    ctx: &Ctx<'_>,
    nominal: NaiveDate,
    last: NaiveDate,
    channel: Channel,
    window: Span,
) -> (NaiveDate, Option<DayWhy>) {
    let has_slack = window.amount > 0 && last > nominal;
    if !has_slack {
        return (nominal, None);
    }
    let mut days: smallvec::SmallVec<[NaiveDate; 16]> = smallvec::SmallVec::new();
    let mut d = nominal;
    while d <= last {
        if ctx.zone.calendar.is_business_day(d) {
            days.push(d);
        }
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    let email_days = match (channel, ctx.t.segment) {
        (Channel::Email, Some(Segment::Business)) => Some(ctx.rules.email_days[0]),
        (Channel::Email, Some(Segment::Consumer)) => Some(ctx.rules.email_days[1]),
        _ => None,
    };
    let is_email_day =
        |d: &NaiveDate| email_days.is_some_and(|e| e[d.weekday().num_days_from_monday() as usize]);
    let owner = ctx.t.owner.as_deref().and_then(|o| ctx.rules.agent(o));
    let owner_in = |d: &NaiveDate| owner.is_none_or(|a| !a.is_out(*d));
    let pick = days
        .iter()
        .find(|d| owner_in(d) && (email_days.is_none() || is_email_day(d)))
        .or_else(|| days.iter().find(|d| owner_in(d)))
        .or_else(|| days.iter().find(|d| is_email_day(d)))
        .copied()
        .unwrap_or(nominal);
    if pick == nominal {
        return (nominal, None);
    }
    let owner_out = (!owner_in(&nominal)).then(|| ctx.t.owner.clone().unwrap_or_default());
    let email_days = email_days.filter(|_| !is_email_day(&nominal) && is_email_day(&pick));
    (
        pick,
        Some(DayWhy::Window {
            owner_out,
            email_days,
        }),
    )
}

/// A recurring check-in (SPEC §10): `every` (or the ticket's own `cadence`) after the last
/// follow-up, else after opening, with the type's window of slack; for accounts that are
/// open or on hold. It never expires: an account is due until someone follows up.
fn recurring(
    ctx: &Ctx<'_>,
    ty: &TicketType,
    every: Span,
    trace: &mut Trace<'_>,
    out: &mut Vec<Action>,
) {
    let t = ctx.t;
    if !matches!(t.state, State::Open | State::OnHold) {
        trace.note(|| Fact::NoRecurring { state: t.state });
        return;
    }
    let (anchor, from) = match t.last_followup_at {
        Some(x) => (x, Field::LastFollowupAt),
        None => (t.opened_at, Field::OpenedAt),
    };
    let nominal = ctx.add_bd(anchor_date(ctx.zone, DateOrTime::Time(anchor), every), 0);
    let window = ty.window.unwrap_or(Span {
        amount: 0,
        unit: crate::time::Unit::Days,
    });
    let last = window_last(ctx, nominal, window);
    let channel = ty
        .channel
        .unwrap_or_else(|| same_medium(t.origin.channel()));
    let (date, why_moved) = wait_for_return(ctx, choose_day(ctx, nominal, last, channel, window));
    trace.note(|| Fact::Recurring {
        date,
        every,
        own_cadence: t.cadence.is_some(),
        from,
        anchor: ctx.local_date(anchor),
        last,
    });
    let reason = Why::Recurring {
        every,
        from,
        anchor: ctx.local_date(anchor),
        moved: why_moved.map(|why| Box::new(DayMoved { date, nominal, why })),
    };
    let detail = Detail::CheckIn {
        of: 1,
        missed: Box::default(),
    };
    if let Some(mut a) = ctx.action(Kind::CheckIn, 1, date, &[channel], reason, detail) {
        a.slack_until = (last > date).then_some(last);
        out.push(a);
    }
}

/// A type with `alert = true`: tell the team about the service failure while the ticket is
/// live, from the day it was opened until one business day after (SPEC §5, seed 002).
fn alert(ctx: &Ctx<'_>, ty: &TicketType, trace: &mut Trace<'_>, out: &mut Vec<Action>) {
    if !ty.alert {
        return;
    }
    let t = ctx.t;
    if !matches!(
        t.state,
        State::Open | State::AwaitingCustomer | State::OnHold
    ) {
        trace.note(|| Fact::NoAlert { state: t.state });
        return;
    }
    let opened = ctx.local_date(t.opened_at);
    let due = ctx.add_bd(opened, 0);
    let until = ctx.add_bd(due, 1);
    if ctx.today > until {
        trace.note(|| Fact::AlertPast { due, until });
        return;
    }
    trace.note(|| Fact::Alert {
        due,
        until,
        ty: ty.name.clone(),
    });
    let reason = Why::Alert { opened };
    out.extend(ctx.action(Kind::InternalAlert, 1, due, &[], reason, Detail::None));
}
