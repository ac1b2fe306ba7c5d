//! Planning: a pure function of (ticket, rules, now) to the actions due. No I/O, no clock.

mod capacity;
mod checkins;
mod reason;
mod strikes;

pub use reason::{DayMoved, Moved, Reason, Since, Why};

pub use capacity::{Overload, level};

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
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Strike,
        Kind::Resolve,
        Kind::CheckIn,
        Kind::OooHold,
        Kind::InternalAlert,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Strike => "strike",
            Kind::Resolve => "resolve",
            Kind::CheckIn => "check_in",
            Kind::OooHold => "ooo_hold",
            Kind::InternalAlert => "internal_alert",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Internal actions have no channel: their windows are the business hours alone.
    pub fn is_internal(self) -> bool {
        matches!(self, Kind::Resolve | Kind::OooHold | Kind::InternalAlert)
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

impl Resolution {
    /// The note the ticket is closed with.
    pub fn close_notes(&self) -> String {
        let mut out = String::new();
        self.write_close_notes(&mut out);
        out
    }
}

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
    /// The drafted message, when asked for (filled in after planning).
    pub draft: Option<Box<crate::drafts::Draft>>,
    /// The ticket's type as the rules resolve it (`default` for unknown types), for filters
    /// and summaries.
    pub ticket_type: CompactString,
}

impl Action {
    pub fn id(&self) -> String {
        format!("{}.{}-{}", self.ticket_id, self.kind.name(), self.step)
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

/// Sorts actions in the order of SPEC §7. Equal keys keep their order, as a stable sort
/// would. Each action moves once (`order`, then `permute`).
pub fn sort(actions: &mut [Action]) {
    let order = order(actions);
    permute(actions, &order);
}

/// The order of SPEC §7, as indices: `order[i]` is the action that comes `i`th. Equal keys
/// keep their order, as a stable sort would. Only indices are sorted, on two threads, next
/// to what settles most comparisons (the dates, the time and the id's first bytes).
pub fn order(actions: &[Action]) -> Vec<usize> {
    type Entry = ((NaiveDate, DateTime<Utc>, u128), usize);
    let entry = |(i, a): (usize, &Action)| -> Entry {
        // Sixteen bytes hold most ids whole: many actions share a date and a time.
        let mut head = [0u8; 16];
        let id = a.ticket_id.as_bytes();
        let n = id.len().min(16);
        head[..n].copy_from_slice(&id[..n]);
        ((a.due_date, a.suggested_at, u128::from_be_bytes(head)), i)
    };
    let all = actions;
    // A total order: ties end at the index.
    let cmp = |x: &Entry, y: &Entry| {
        x.0.cmp(&y.0)
            .then_with(|| all[x.1].sort_key().cmp(&all[y.1].sort_key()))
            .then(x.1.cmp(&y.1))
    };
    let mid = actions.len() / 2;
    // Each half is gathered and sorted on a thread of its own.
    let half = |from: usize, to: usize| {
        let mut e: Vec<Entry> = (from..to).map(|i| entry((i, &actions[i]))).collect();
        e.sort_unstable_by(cmp);
        e
    };
    let (left, right) = std::thread::scope(|scope| {
        let left = scope.spawn(|| half(0, mid));
        let right = half(mid, actions.len());
        (left.join().unwrap_or_else(|_| half(0, mid)), right)
    });
    // The halves merge on two threads too: the first half of the order takes the `i`
    // smallest of `left` and the `n / 2 - i` smallest of `right`, found by bisection.
    let n = actions.len();
    let first = n / 2;
    let (mut lo, mut hi) = (first.saturating_sub(right.len()), first.min(left.len()));
    while lo < hi {
        let i = (lo + hi) / 2;
        // Too few from `left` while its next is smaller than what `right` would give up.
        if cmp(&left[i], &right[first - i - 1]).is_lt() {
            lo = i + 1;
        } else {
            hi = i;
        }
    }
    let (l1, l2) = left.split_at(lo);
    let (r1, r2) = right.split_at(first - lo);
    let merge = |a: &[Entry], b: &[Entry], out: &mut [usize]| {
        let (mut i, mut j) = (0, 0);
        for slot in out {
            let take_a = j == b.len() || (i < a.len() && cmp(&a[i], &b[j]).is_lt());
            if take_a {
                *slot = a[i].1;
                i += 1;
            } else {
                *slot = b[j].1;
                j += 1;
            }
        }
    };
    let mut order = vec![0; n];
    let (o1, o2) = order.split_at_mut(first);
    std::thread::scope(|scope| {
        scope.spawn(|| merge(l1, r1, o1));
        merge(l2, r2, o2);
    });
    order
}

/// Puts the actions in `order` (from `order`): each cycle of the permutation is followed,
/// so that each action moves once.
pub fn permute(actions: &mut [Action], order: &[usize]) {
    let mut done = vec![false; actions.len()];
    for start in 0..actions.len() {
        if done[start] {
            continue;
        }
        let mut at = start;
        loop {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            actions.swap(at, from);
            at = from;
        }
    }
}

/// One computed value and why, for `explain`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fact {
    pub name: String,
    pub value: String,
    pub why: String,
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
    /// Whether facts are collected (`explain`).
    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    pub fn fact(
        &mut self,
        name: &str,
        value: impl FnOnce() -> String,
        why: impl FnOnce() -> String,
    ) {
        if let Some(v) = self.0.as_deref_mut() {
            v.push(Fact {
                name: name.to_string(),
                value: value(),
                why: why(),
            });
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
    let facts = plan_onto(t, rules, now, horizon, explain, false, &mut actions);
    Evaluation { actions, facts }
}

/// Appends a ticket's actions to `out`; the facts, when `explain` asks for them.
fn plan_onto(
    t: &Ticket,
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    explain: bool,
    only_due: bool,
    out: &mut Vec<Action>,
) -> Vec<Fact> {
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
    facts
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
    // Closed and canceled tickets get nothing: spared working out their zone and type.
    if matches!(t.state, State::Closed | State::Canceled) {
        return;
    }
    let from = out.len();
    plan_onto(t, rules, now, horizon, false, true, out);
    retain_from(out, from, |a| a.is_due(horizon));
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
        let (cal_name, calendar) = &rules.calendars[cal_idx.min(rules.calendars.len() - 1)];
        let zone = Zone { tz, calendar };
        let today = zone.today(now);
        trace.fact(
            "timezone",
            || tz.name().to_string(),
            || {
                if t.customer_tz.is_some() {
                    "the customer's zone (customer_tz)".into()
                } else {
                    "[defaults].timezone: the export gives no customer zone".into()
                }
            },
        );
        trace.fact(
            "calendar",
            || cal_name.clone(),
            || {
                if t.calendar.is_some() {
                    "the ticket's calendar".into()
                } else {
                    "[defaults].calendar".into()
                }
            },
        );
        trace.fact(
            "today",
            || today.to_string(),
            || {
                format!(
                    "the local date of now ({}) in {}",
                    now.to_rfc3339(),
                    tz.name()
                )
            },
        );
        Ctx {
            t,
            rules,
            now,
            horizon,
            zone,
            today,
            ty: rules.ticket_type(t.kind.as_deref()),
            only_due: false,
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
        let windows: smallvec::SmallVec<[&[Interval]; 5]> = if channels.is_empty() {
            smallvec::smallvec![&self.rules.internal_windows[..]]
        } else {
            channels.iter().map(|c| self.rules.windows(*c)).collect()
        };
        let start = time::first_start(self.zone, due, &windows)?;
        if self.only_due && start > self.horizon {
            return None;
        }
        let slot = time::schedule(self.zone, due, &windows, self.now, self.preferred_minute())?;
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
            reason: why.into(),
            detail,
            draft: None,
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

    /// Who does an action on `date`: the owner, or while the owner is out, the first of their
    /// cover chain who is in (SPEC §6); a ticket without owner goes to `[defaults].unassigned`.
    fn assign(&self, date: NaiveDate) -> (CompactString, Option<Box<str>>) {
        let defaults = &self.rules.defaults;
        let Some(owner) = self.t.owner.as_deref() else {
            return (defaults.unassigned.as_str().into(), None);
        };
        let Some(agent) = self.rules.agent(owner) else {
            return (owner.into(), None);
        };
        if !agent.is_out(date) {
            return (owner.into(), None);
        }
        let mut seen = vec![agent.id.as_str()];
        let mut cover = agent.cover.as_deref().unwrap_or(&defaults.cover);
        while let Some(next) = self.rules.agent(cover).filter(|a| a.is_out(date)) {
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
