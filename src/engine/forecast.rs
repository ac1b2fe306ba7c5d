//! The forecast (SPEC §10): the days ahead planned one at a time, as if every action listed
//! were done on its contact date and no customer replied.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::history::{Effect, apply};
use super::{Action, Kind, due_onto, level, sort};
use crate::config::Rules;
use crate::ticket::Ticket;
use crate::time::{days_after, local_date, local_instant};

/// One simulated day: its date (in `[defaults].timezone`) and the actions listed that
/// `keep` wants, levelled against the agents' capacities.
pub struct Day {
    pub date: NaiveDate,
    pub actions: Vec<Action>,
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

/// Every ticket's actions due by `horizon` at `now`, in ticket order.
pub fn due_all(
    tickets: &[Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    for t in tickets {
        due_onto(t, rules, now, horizon, &mut actions);
    }
    actions
}

/// Plans a day: the tickets, `now` and the horizon in, their actions due out.
pub type DayPlanner<'a> = dyn Fn(&[Ticket], DateTime<Utc>, DateTime<Utc>) -> Vec<Action> + 'a;

/// `simulate`, each day's actions planned by `plan` (`due_all`, or the same spread over
/// threads by the caller: the order of the tickets is kept, so the days are the same).
pub fn simulate_with(
    tickets: &mut [Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
    plan: &DayPlanner<'_>,
) -> Vec<Day> {
    let index: HashMap<compact_str::CompactString, usize> = tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    // Alerts do not change their ticket: once issued, they are not issued again.
    let mut alerted: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let today = local_date(now, rules.default_tz);
    let midnight = |d: NaiveDate| local_instant(rules.default_tz, d, 0);
    for k in 0..days {
        let date = days_after(today, k);
        let day_now = if k == 0 { now } else { midnight(date) };
        let horizon = midnight(days_after(date, 1)) - TimeDelta::seconds(1);
        let mut actions = plan(tickets, day_now, horizon);
        if !alerted.is_empty() {
            actions.retain(|a| !(a.kind == Kind::InternalAlert && alerted.contains(&a.id())));
        }
        level(&mut actions, rules, day_now);
        actions.retain(|a| a.is_due(horizon));
        sort(&mut actions);
        for a in &actions {
            if a.kind == Kind::InternalAlert {
                alerted.insert(a.id());
            }
            if let Some(i) = index.get(a.ticket_id.as_str()) {
                apply(&mut tickets[*i], &Effect::of(a), a.suggested_at);
            }
        }
        actions.retain(|a| keep(a));
        out.push(Day { date, actions });
    }
    out
}
