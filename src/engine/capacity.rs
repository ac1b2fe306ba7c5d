//! Capacity levelling (SPEC §10): when an agent has more actions on a day than they can do,
//! check-ins with slack move to the next business day in their window that has room,
//! earliest due first, then by ticket; everything else stays and counts. What still does
//! not fit is reported, never dropped.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;

use super::{Action, Kind};
use crate::config::Rules;
use crate::time::{self, Interval, Zone};

/// An agent with more actions on a day than their capacity, after levelling.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Overload {
    pub assignee: String,
    pub date: NaiveDate,
    pub actions: usize,
    pub capacity: u32,
}

fn movable(a: &Action) -> bool {
    a.kind == Kind::CheckIn && a.slack_until.is_some_and(|last| last > a.contact_date)
}

/// Levels `actions` against each assignee's capacity, moving check-ins with slack (their
/// dates, times and reasons change). Deterministic: the same actions give the same result.
pub fn level(actions: &mut [Action], rules: &Rules, now: DateTime<Utc>) -> Vec<Overload> {
    if !rules.levels() {
        return Vec::new();
    }
    let mut load: HashMap<(CompactString, NaiveDate), usize> = HashMap::new();
    for a in actions.iter().filter(|a| !movable(a)) {
        *load
            .entry((a.assignee.clone(), a.contact_date))
            .or_default() += 1;
    }
    let mut order: Vec<usize> = (0..actions.len())
        .filter(|i| movable(&actions[*i]))
        .collect();
    order.sort_by(|x, y| {
        let (a, b) = (&actions[*x], &actions[*y]);
        (a.due_date, &a.ticket_id, a.step).cmp(&(b.due_date, &b.ticket_id, b.step))
    });
    for i in order {
        let a = &actions[i];
        let Some(cap) = rules.capacity(&a.assignee).map(|c| c as usize) else {
            *load
                .entry((a.assignee.clone(), a.contact_date))
                .or_default() += 1;
            continue;
        };
        let day = a.contact_date;
        if load.get(&(a.assignee.clone(), day)).copied().unwrap_or(0) < cap {
            *load.entry((a.assignee.clone(), day)).or_default() += 1;
            continue;
        }
        let calendar = rules.calendar(a.calendar).1;
        let zone = Zone {
            tz: a.timezone,
            calendar,
        };
        let windows: Vec<&[Interval]> = a.channels.iter().map(|c| rules.windows(*c)).collect();
        let last = a.slack_until.unwrap_or(day);
        let mut target = None;
        let mut d = calendar.add_bd(day, 1);
        while d <= last {
            if load.get(&(a.assignee.clone(), d)).copied().unwrap_or(0) < cap
                && let Some(slot) = time::schedule(zone, d, &windows, now, a.preferred)
                && slot.contact_date == d
            {
                target = Some((d, slot));
                break;
            }
            d = calendar.add_bd(d, 1);
        }
        let a = &mut actions[i];
        match target {
            Some((d, slot)) => {
                let primary = a.channels[slot.primary];
                a.reason.capacity = Some(cap as u32);
                a.moved_from = Some(day);
                a.due_date = d;
                a.overdue_days = 0;
                a.start = time::first_start(zone, d, &windows).unwrap_or(slot.window.start);
                a.contact_date = d;
                a.suggested_at = slot.suggested;
                a.window_start = slot.window.start;
                a.window_end = slot.window.end;
                a.channel = Some(primary);
                a.fallback_channels = a
                    .channels
                    .iter()
                    .copied()
                    .filter(|c| *c != primary)
                    .collect();
                *load.entry((a.assignee.clone(), d)).or_default() += 1;
            }
            None => *load.entry((a.assignee.clone(), day)).or_default() += 1,
        }
    }
    let mut over: Vec<Overload> = load
        .into_iter()
        .filter_map(|((assignee, date), n)| {
            let cap = rules.capacity(&assignee)?;
            (n > cap as usize).then_some(Overload {
                assignee: assignee.to_string(),
                date,
                actions: n,
                capacity: cap,
            })
        })
        .collect();
    over.sort_by(|a, b| (a.date, &a.assignee).cmp(&(b.date, &b.assignee)));
    over
}
