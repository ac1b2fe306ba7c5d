//! The forecast (SPEC §10): the days ahead planned one at a time, as if every action listed
//! were done on its contact date and no customer replied.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;

use super::history::{Effect, apply};
use super::{Action, Kind, due_onto_next, level};
use crate::config::Rules;
use crate::ticket::{Channel, Ticket};
use crate::time::{days_after, local_date, local_instant};

/// One simulated day: its date (in `[defaults].timezone`) and the actions listed that
/// `keep` wants, levelled against the agents' capacities, counted by what the grids and the
/// page tell them apart by (a day's actions themselves would be most of a forecast's
/// memory).
pub struct Day {
    pub date: NaiveDate,
    pub counts: Vec<(Tally, u64)>,
}

impl Day {
    /// The day's actions.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

/// What a forecast day counts an action under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tally {
    pub assignee: CompactString,
    pub ticket_type: CompactString,
    pub kind: Kind,
    pub channel: Option<Channel>,
    pub overdue: bool,
}

impl Tally {
    pub fn of(a: &Action) -> Tally {
        Tally {
            assignee: a.assignee.clone(),
            ticket_type: a.ticket_type.clone(),
            kind: a.kind,
            channel: a.channel,
            overdue: a.overdue_days > 0,
        }
    }
}

/// Plans each of `days` days in turn, doing what each lists before the next. Days are
/// calendar days in `[defaults].timezone`: the first runs from `now` to midnight, the
/// others from midnight to midnight. Every action is simulated; `keep` chooses those the
/// days report.
pub fn simulate(
    tickets: &mut [Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
) -> Vec<Day> {
    simulate_with(tickets, rules, now, days, keep, &|tickets, now, horizon| {
        due_all(tickets, rules, now, horizon)
    })
}

/// The tickets' actions due by `horizon` at `now`, in ticket order, and for each ticket the
/// earliest start of what it has beyond the horizon (`due_onto_next`).
pub fn due_all(
    tickets: &[&Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> DayPlan {
    let mut plan = DayPlan {
        actions: Vec::new(),
        later: Vec::with_capacity(tickets.len()),
    };
    for t in tickets {
        let later = due_onto_next(t, rules, now, horizon, &mut plan.actions);
        plan.later.push(later);
    }
    plan
}

/// Whether `t` can have an action on one of the `days` days from `now`: a ticket that has
/// nothing due on the first day and nothing starting before the last day ends stays as it
/// is (nothing is done to it), so a forecast need not hold it.
pub fn matters(t: &Ticket, rules: &Rules, now: DateTime<Utc>, days: u32) -> bool {
    let (first, last) = span(rules, now, days);
    let mut scratch = Vec::new();
    let later = due_onto_next(t, rules, now, first, &mut scratch);
    !scratch.is_empty() || later.is_some_and(|x| x <= last)
}

/// The horizons of the first and the last of `days` days from `now`.
fn span(rules: &Rules, now: DateTime<Utc>, days: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let today = local_date(now, rules.default_tz);
    let end = |k: u32| {
        local_instant(rules.default_tz, days_after(today, k + 1), 0) - TimeDelta::seconds(1)
    };
    (end(0), end(days.saturating_sub(1)))
}

/// A day's tickets planned: their actions due, and per ticket when it has more.
#[derive(Default)]
pub struct DayPlan {
    pub actions: Vec<Action>,
    pub later: Vec<Option<DateTime<Utc>>>,
}

/// Plans a day: the tickets, `now` and the horizon in, their actions due out.
pub type DayPlanner<'a> = dyn Fn(&[&Ticket], DateTime<Utc>, DateTime<Utc>) -> DayPlan + 'a;

/// `simulate`, each day's tickets planned by `plan` (`due_all`, or the same spread over
/// threads by the caller: the order of the tickets is kept, so the days are the same).
///
/// A ticket changes only when one of its actions is done, and until then it has nothing due
/// before the earliest start planning it found beyond the day (`due_onto_next`): it is
/// planned again on the day of that start, or the day after one of its actions, and not on
/// the days between, which would find nothing.
pub fn simulate_with(
    tickets: &mut [Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
    plan: &DayPlanner<'_>,
) -> Vec<Day> {
    let index: HashMap<CompactString, usize> = tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    // Alerts do not change their ticket: once issued, they are not issued again.
    let mut alerted: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let today = local_date(now, rules.default_tz);
    let midnight = |d: NaiveDate| local_instant(rules.default_tz, d, 0);
    let dates: Vec<NaiveDate> = (0..days).map(|k| days_after(today, k)).collect();
    let horizons: Vec<DateTime<Utc>> = dates
        .iter()
        .map(|d| midnight(days_after(*d, 1)) - TimeDelta::seconds(1))
        .collect();
    debug_assert!(
        days == 0 || span(rules, now, days) == (horizons[0], horizons[days as usize - 1])
    );
    // The first day whose horizon an instant is within.
    let day_of = |x: DateTime<Utc>| horizons.partition_point(|h| *h < x);
    // The day each ticket is planned again: all on the first.
    let mut next: Vec<usize> = vec![0; tickets.len()];
    for (k, (&date, &horizon)) in dates.iter().zip(&horizons).enumerate() {
        let day_now = if k == 0 { now } else { midnight(date) };
        let due: Vec<usize> = (0..tickets.len()).filter(|&i| next[i] <= k).collect();
        let DayPlan { mut actions, later } = {
            let refs: Vec<&Ticket> = due.iter().map(|&i| &tickets[i]).collect();
            plan(&refs, day_now, horizon)
        };
        if !alerted.is_empty() {
            actions.retain(|a| !(a.kind == Kind::InternalAlert && alerted.contains(&a.id())));
        }
        for (&i, later) in due.iter().zip(&later) {
            next[i] = later.map_or(usize::MAX, |x| day_of(x).max(k + 1));
        }
        for a in &actions {
            if let Some(&i) = index.get(a.ticket_id.as_str()) {
                next[i] = k + 1;
            }
        }
        level(&mut actions, rules, day_now);
        actions.retain(|a| a.is_due(horizon));
        // Done in the order of SPEC §7 (what matters is each ticket's own order); the
        // places are sorted, not the actions, which are wide.
        let mut order: Vec<usize> = (0..actions.len()).collect();
        order.sort_by(|&x, &y| actions[x].sort_key().cmp(&actions[y].sort_key()));
        for a in order.iter().map(|&i| &actions[i]) {
            if a.kind == Kind::InternalAlert {
                alerted.insert(a.id());
            }
            if let Some(i) = index.get(a.ticket_id.as_str()) {
                apply(&mut tickets[*i], &Effect::of(a), a.suggested_at);
            }
        }
        let mut counts: BTreeMap<Tally, u64> = BTreeMap::new();
        for a in actions.iter().filter(|a| keep(a)) {
            *counts.entry(Tally::of(a)).or_default() += 1;
        }
        out.push(Day {
            date,
            counts: counts.into_iter().collect(),
        });
    }
    out
}
