//! Planning: a pure function of (ticket, rules, now) to the actions due. It reads nothing
//! but its arguments and writes nothing but its result; reasons and facts are data that
//! `output` writes as sentences.

mod capacity;
mod checkins;
pub mod diff;
pub mod facts;
pub mod forecast;
mod head;
pub mod history;
mod reason;
pub mod replay;
mod strikes;

pub use head::{Head, Ordered};
pub use reason::{DayMoved, DayWhy, Moved, Reason, Since, Why};

pub use capacity::{Overload, level};
pub use facts::Fact;

pub use strikes::anchor as strike_anchor;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use compact_str::CompactString;

use crate::config::Rules;
use crate::ticket::{Channel, Channels, State, Ticket};
use crate::time::{self, Interval, Zone};

/// What an action asks the agent to do, in sorting order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Strike,
    Resolve,
    CheckIn,
    OooHold,
    InternalAlert,
    /// A contact is due but the customer has no way left to reach them (the export's
    /// contact columns are blank): find their details first.
    FindContact,
    /// The owner's own check-in on their first day back, after a colleague followed up
    /// for them while they were out.
    OwnerFollowUp,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Strike,
        Kind::Resolve,
        Kind::CheckIn,
        Kind::OooHold,
        Kind::InternalAlert,
        Kind::FindContact,
        Kind::OwnerFollowUp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Strike => "strike",
            Kind::Resolve => "resolve",
            Kind::CheckIn => "check_in",
            Kind::OooHold => "ooo_hold",
            Kind::InternalAlert => "internal_alert",
            Kind::FindContact => "find_contact",
            Kind::OwnerFollowUp => "owner_follow_up",
        }
    }

    /// The kind whose templates draft it: the owner's follow-up is a check-in.
    pub fn drafted_as(self) -> Kind {
        match self {
            Kind::OwnerFollowUp => Kind::CheckIn,
            k => k,
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Internal actions have no channel: their windows are the business hours alone.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            Kind::Resolve | Kind::OooHold | Kind::InternalAlert | Kind::FindContact
        )
    }
}

/// Fields only some kinds carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    None,
    Strike {
        count: u32,
        /// The last strike: the date the ticket will be resolved without a reply.
        resolution_date: Option<NaiveDate>,
    },
    CheckIn {
        /// Steps of the type.
        of: u32,
        /// Earlier steps due and not done, with their dates.
        missed: Box<[(u32, NaiveDate)]>,
    },
    /// Boxed: resolutions are few, and their texts would widen every action.
    Resolve(Box<Resolution>),
    Hold {
        status: std::sync::Arc<str>,
        reactivation_date: NaiveDate,
    },
}

/// What a resolution sets on the ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub status: std::sync::Arc<str>,
    pub close_code: std::sync::Arc<str>,
    /// Strikes in the process.
    pub count: u32,
    pub attempts: u32,
    pub last_attempt: NaiveDate,
}

/// How many of the customer's business days, from the first one possible, a schedule tries
/// for a window its assignee works in too: a time-zone edge or the assignee's weekend moves
/// an action by two days at most; beyond, the two never meet and the customer's window
/// stands.
const WORK_DAY_SEARCH: u32 = 3;

/// One follow-up action (SPEC §7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub ticket_id: CompactString,
    pub kind: Kind,
    pub step: u32,
    /// Nominal due date, customer local.
    pub due_date: NaiveDate,
    pub overdue_days: u32,
    /// The earliest window start on the due date: the action is listed once this is within
    /// the horizon.
    pub start: DateTime<Utc>,
    pub contact_date: NaiveDate,
    pub suggested_at: DateTime<Utc>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub timezone: Tz,
    pub channel: Option<Channel>,
    pub fallback_channels: Channels,
    pub assignee: CompactString,
    /// The assignee's own zone, when the rules give them a working day.
    pub agent_tz: Option<Tz>,
    /// Boxed: few actions have one, and it would widen every action.
    pub covering_for: Option<Box<str>>,
    pub reason: Reason,
    pub detail: Detail,
    /// Check-ins with slack: the last business day they may move to (capacity levelling).
    pub slack_until: Option<NaiveDate>,
    /// Set when levelling moved the action off an over-full day: that day.
    pub moved_from: Option<NaiveDate>,
    /// What rescheduling needs: the ticket's calendar, the customer's preferred minute,
    /// and the action's channels in their order.
    pub(crate) calendar: usize,
    pub(crate) preferred: Option<u16>,
    pub(crate) channels: Channels,
    /// The ticket's type as the rules resolve it (`default` for unknown types), for filters
    /// and summaries.
    pub ticket_type: CompactString,
}

impl Action {
    pub fn id(&self) -> String {
        action_id(&self.ticket_id, self.kind, self.step)
    }

    /// The fallback channels' names joined by `sep`.
    pub fn fallbacks(&self, sep: &str) -> String {
        let names: Vec<&str> = self.fallback_channels.iter().map(|c| c.name()).collect();
        names.join(sep)
    }

    /// Whether the action is due by `horizon` (`now + within`).
    pub fn is_due(&self, horizon: DateTime<Utc>) -> bool {
        self.start <= horizon
    }

    /// The sort order of SPEC §7: due date, suggested time, ticket, kind.
    pub fn sort_key(&self) -> (NaiveDate, DateTime<Utc>, &str, Kind, u32) {
        (
            self.due_date,
            self.suggested_at,
            &self.ticket_id,
            self.kind,
            self.step,
        )
    }
}

/// An action's id: `<ticket>.<kind>-<step>`.
pub fn action_id(ticket_id: &str, kind: Kind, step: u32) -> String {
    // Made for every action several times a night: built at its size, without `format!`.
    let (kind, mut digits) = (kind.name(), [0; 10]);
    let step = crate::util::decimal(step, &mut digits);
    let mut id = String::with_capacity(ticket_id.len() + kind.len() + step.len() + 2);
    id.push_str(ticket_id);
    id.push('.');
    id.push_str(kind);
    id.push('-');
    id.push_str(step);
    id
}

/// Sorts actions in the order of SPEC §7; equal keys keep their order.
pub fn sort(actions: &mut [Action]) {
    actions.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The engine's result for one ticket: its candidate actions (listed or not), and, when
/// asked for, every value computed on the way.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub actions: Vec<Action>,
    pub facts: Vec<Fact>,
}

/// Collects facts when `explain` asks for them; free otherwise.
pub struct Trace<'a>(Option<&'a mut Vec<Fact>>);

impl Trace<'_> {
    /// Notes a fact, built only when facts are collected.
    pub fn note(&mut self, fact: impl FnOnce() -> Fact) {
        if let Some(v) = self.0.as_deref_mut() {
            v.push(fact());
        }
    }
}

/// Every candidate action of a ticket at `now`, listed or not by `horizon` (`now + within`):
/// the horizon decides which check-in step is the one listed. Pure: the same inputs give
/// the same output.
pub fn evaluate(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    explain: bool,
) -> Evaluation {
    let mut actions = Vec::new();
    let (facts, _) = plan_onto(t, rules, now, horizon, explain, false, &mut actions);
    Evaluation { actions, facts }
}

/// Appends a ticket's actions to `out`; the facts, when `explain` asks for them, and with
/// `only_due` the earliest start of the actions left out for starting past the horizon.
fn plan_onto(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    explain: bool,
    only_due: bool,
    out: &mut Vec<Action>,
) -> (Vec<Fact>, Option<DateTime<Utc>>) {
    let mut facts = Vec::new();
    let mut trace = Trace(explain.then_some(&mut facts));
    let mut ctx = Ctx::new(t, rules, now, horizon, &mut trace);
    ctx.only_due = only_due;
    let from = out.len();
    strikes::plan(&ctx, &mut trace, out);
    checkins::plan(&ctx, &mut trace, out);
    for a in &mut out[from..] {
        if a.overdue_days > 0 {
            a.reason.overdue = Some((a.due_date, a.overdue_days));
        }
    }
    (facts, ctx.later.get())
}

/// The actions of a ticket that are due by `now + within`.
pub fn due(t: &Ticket, rules: &Rules, now: DateTime<Utc>, horizon: DateTime<Utc>) -> Vec<Action> {
    let mut actions = Vec::new();
    due_onto(t, rules, now, horizon, &mut actions);
    actions
}

/// `due`, appended to `out`: a ticket's actions go straight where they are kept.
pub fn due_onto(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    out: &mut Vec<Action>,
) {
    due_onto_next(t, rules, now, horizon, out);
}

/// `due_onto`, and the earliest start of the ticket's actions that start past the horizon:
/// until then (the ticket unchanged, `now` later) it has nothing due, since an action's
/// start depends on its due date, which stays or moves later as `now` does. `None`: nothing
/// ahead at all.
pub fn due_onto_next(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    out: &mut Vec<Action>,
) -> Option<DateTime<Utc>> {
    // Closed and canceled tickets get nothing: spared working out their zone and type.
    if matches!(t.state, State::Closed | State::Canceled) {
        return None;
    }
    let from = out.len();
    let (_, mut later) = plan_onto(t, rules, now, horizon, false, true, out);
    for a in &out[from..] {
        if !a.is_due(horizon) {
            later = Some(later.map_or(a.start, |l| l.min(a.start)));
        }
    }
    retain_from(out, from, |a| a.is_due(horizon));
    later
}

/// Keeps the items whose flag is set, in order (`keep` lines up with `v`: actions and
/// what goes with each are kept alike).
pub fn retain_by<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut k = keep.iter();
    v.retain(|_| *k.next().unwrap_or(&false));
}

/// Keeps, of the actions from `from` on, those `keep` wants, in order.
pub fn retain_from(v: &mut Vec<Action>, from: usize, keep: impl Fn(&Action) -> bool) {
    let mut kept = from;
    for i in from..v.len() {
        if keep(&v[i]) {
            if i != kept {
                v.swap(kept, i);
            }
            kept += 1;
        }
    }
    v.truncate(kept);
}

/// What every rule of one ticket needs: its zone, calendar and today.
pub(crate) struct Ctx<'a> {
    pub t: &'a Ticket,
    pub rules: &'a Rules,
    pub now: DateTime<Utc>,
    pub horizon: DateTime<Utc>,
    pub zone: Zone<'a>,
    pub today: NaiveDate,
    /// The ticket's type as the rules resolve it, looked up once per ticket.
    pub ty: Option<&'a crate::config::TicketType>,
    /// Only actions due by the horizon are wanted: the others are not scheduled.
    pub only_due: bool,
    /// The earliest start of the actions `only_due` left out.
    later: std::cell::Cell<Option<DateTime<Utc>>>,
}

impl<'a> Ctx<'a> {
    fn new(
        t: &'a Ticket,
        rules: &'a Rules,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
        trace: &mut Trace<'_>,
    ) -> Ctx<'a> {
        let tz = t.customer_tz.unwrap_or(rules.default_tz);
        let cal_idx = t.calendar.unwrap_or(rules.default_calendar);
        let (cal_name, calendar) = rules.calendar(cal_idx);
        let zone = Zone { tz, calendar };
        let today = zone.today(now);
        trace.note(|| Fact::Timezone {
            tz,
            from_ticket: t.customer_tz.is_some(),
        });
        trace.note(|| Fact::Calendar {
            name: cal_name.to_string(),
            from_ticket: t.calendar.is_some(),
        });
        trace.note(|| Fact::Today {
            date: today,
            now,
            tz,
        });
        Ctx {
            t,
            rules,
            now,
            horizon,
            zone,
            today,
            ty: rules.ticket_type(t.kind.as_deref()),
            only_due: false,
            later: std::cell::Cell::new(None),
        }
    }

    pub fn local_date(&self, x: DateTime<Utc>) -> NaiveDate {
        time::local_date(x, self.zone.tz)
    }

    pub fn add_bd(&self, d: NaiveDate, n: u32) -> NaiveDate {
        self.zone.calendar.add_bd(d, n)
    }

    /// The customer's preferred local minute of contact (SPEC §3).
    fn preferred_minute(&self) -> Option<u16> {
        self.t.preferred_time.or_else(|| {
            self.rules
                .defaults
                .prefer_first_contact_time
                .then(|| time::local_minute(self.t.opened_at, self.zone.tz))
        })
    }

    /// Schedules an action due on `due` through `channels` (none: an internal action) and
    /// fills in who does it. `None` when no window exists within years of `due`, or when
    /// only actions due by the horizon are wanted and this one is not.
    pub fn action(
        &self,
        kind: Kind,
        step: u32,
        due: NaiveDate,
        channels: &[Channel],
        why: Why,
        detail: Detail,
    ) -> Option<Action> {
        // A channel whose contact column the export has but leaves blank cannot reach the
        // customer: the next of the row is used; with none left, finding the details is the
        // action.
        let lacks = |c: &Channel| self.t.reach.lacks(*c);
        let skipped: Channels = channels.iter().copied().filter(lacks).collect();
        let reachable: Channels = channels.iter().copied().filter(|c| !lacks(c)).collect();
        let (kind, channels, detail) = if !channels.is_empty() && reachable.is_empty() {
            (Kind::FindContact, &[][..], Detail::None)
        } else {
            (kind, &reachable[..], detail)
        };
        let windows: smallvec::SmallVec<[&[Interval]; 5]> = if channels.is_empty() {
            smallvec::smallvec![&self.rules.internal_windows[..]]
        } else {
            channels.iter().map(|c| self.rules.windows(*c)).collect()
        };
        let start = time::first_start(self.zone, due, &windows)?;
        if self.only_due && start > self.horizon {
            let later = self.later.get().map_or(start, |l| l.min(start));
            self.later.set(Some(later));
            return None;
        }
        let mut slot = time::schedule(self.zone, due, &windows, self.now, self.preferred_minute())?;
        // A customer-facing action also falls in its assignee's working hours, where the two
        // meet within `WORK_DAY_SEARCH` days; else it keeps the customer's window and says so.
        let mut outside_hours = false;
        if !channels.is_empty() && self.any_work_day() {
            let theirs = |d: NaiveDate| {
                let (who, _) = self.assign(d);
                let day = self.rules.work_day(&who)?;
                let zone = Zone {
                    tz: day.tz,
                    calendar: self.rules.calendar(day.calendar).1,
                };
                Some(time::working_windows(zone, &day.hours, self.zone.tz, d))
            };
            let within = time::schedule_within(
                self.zone,
                due,
                &windows,
                self.now,
                self.preferred_minute(),
                &theirs,
                WORK_DAY_SEARCH,
            );
            match within {
                Some(s) => slot = s,
                None => outside_hours = true,
            }
        }
        let (channel, fallback_channels) = if channels.is_empty() {
            (None, Channels::NONE)
        } else {
            let primary = channels[slot.primary];
            (
                Some(primary),
                channels.iter().copied().filter(|c| *c != primary).collect(),
            )
        };
        let (assignee, covering_for) = self.assign(slot.contact_date);
        let overdue_days = self.zone.calendar.business_days_between(due, self.today);
        let agent_tz = (!channels.is_empty())
            .then(|| self.rules.work_day(&assignee).map(|d| d.tz))
            .flatten();
        Some(Action {
            ticket_id: self.t.id.clone(),
            kind,
            step,
            due_date: due,
            overdue_days,
            start,
            contact_date: slot.contact_date,
            suggested_at: slot.suggested,
            window_start: slot.window.start,
            window_end: slot.window.end,
            timezone: self.zone.tz,
            channel,
            fallback_channels,
            assignee,
            covering_for,
            reason: Reason {
                skipped,
                outside_hours,
                ..why.into()
            },
            agent_tz,
            detail,
            slack_until: None,
            moved_from: None,
            calendar: self.t.calendar.unwrap_or(self.rules.default_calendar),
            preferred: self.preferred_minute(),
            channels: channels.iter().copied().collect(),
            ticket_type: self.ty.map_or(CompactString::const_new("default"), |ty| {
                ty.name.as_str().into()
            }),
        })
    }

    /// Whether any assignee has a working day: only then is a schedule cut to one.
    fn any_work_day(&self) -> bool {
        self.rules.desk_day.is_some() || self.rules.agents.values().any(|a| a.day.is_some())
    }

    /// Who does an action on `date`: the owner, or while the owner is out (an absence, or a
    /// holiday of their own calendar), the first of their cover chain who is in (SPEC §6); a
    /// ticket without owner goes to `[defaults].unassigned`.
    fn assign(&self, date: NaiveDate) -> (CompactString, Option<Box<str>>) {
        let defaults = &self.rules.defaults;
        let Some(owner) = self.t.owner.as_deref() else {
            return (defaults.unassigned.as_str().into(), None);
        };
        let Some(agent) = self.rules.agent(owner) else {
            return (owner.into(), None);
        };
        let away = |a: &crate::config::Agent| {
            a.is_out(date)
                || a.day.as_ref().is_some_and(|d| {
                    let c = self.rules.calendar(d.calendar).1;
                    c.is_workday(date) && !c.is_business_day(date)
                })
        };
        if !away(agent) {
            return (owner.into(), None);
        }
        let mut seen = vec![agent.id.as_str()];
        let mut cover = agent.cover.as_deref().unwrap_or(&defaults.cover);
        while let Some(next) = self.rules.agent(cover).filter(|a| away(a)) {
            if seen.contains(&next.id.as_str()) {
                cover = &defaults.cover;
                break;
            }
            seen.push(next.id.as_str());
            cover = next.cover.as_deref().unwrap_or(&defaults.cover);
        }
        (cover.into(), Some(owner.into()))
    }
}

#[cfg(test)]
mod tests;
