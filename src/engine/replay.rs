//! Replay: a policy run night by night over a desk's event log, as `run` would have run it,
//! and what really happened afterwards. Pure: the log, the rules and the nights in, counts
//! and outcomes out.
//!
//! Each night sees every ticket as its newest row by that instant said, plans what is due
//! within the horizon, and takes what it plans as done: strikes and check-ins count as
//! made (the ledger's rules, `history::recall`), a hold holds, an auto-resolution resolves
//! the ticket for good in the replayed world. The rest of the real log is its outcome.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;

use super::history::{Effect, Issued, apply, recall};
use super::{Action, Detail, Kind, due_onto, level};
use crate::config::Rules;
use crate::ticket::{State, Ticket};
use crate::time::{local_date, local_instant, local_minute};

/// What the log's columns can tell, and so what the replay has to infer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Knows {
    /// Attempts or the last attempt are recorded.
    pub attempts: bool,
    /// `last_customer_reply_at` is recorded.
    pub replies: bool,
    /// `awaiting_since` is recorded.
    pub awaiting_since: bool,
}

/// One row of a ticket's history: when it was written, and the ticket it showed (none for
/// a rejected row: while it is the newest, the ticket is not planned).
struct Row {
    at: DateTime<Utc>,
    ticket: Option<Ticket>,
}

/// A ticket's history in time order, with the customer's real replies.
struct Story {
    id: CompactString,
    rows: Vec<Row>,
    replies: Vec<DateTime<Utc>>,
}

/// An event log read for replay: every ticket's rows in time order, and every row's place
/// in time.
pub struct Log {
    stories: Vec<Story>,
    /// Every row by time (ties in reading order): when, whose, which.
    events: Vec<(DateTime<Utc>, u32, u32)>,
    pub knows: Knows,
    /// Whether any row shows a ticket resolved or closed.
    pub resolves: bool,
    /// Rows without a time they were written, which no night can place.
    pub undated: usize,
    /// Rows whose `awaiting_since` or `last_customer_reply_at` the replay inferred.
    pub inferred_since: usize,
    pub inferred_replies: usize,
}

impl Log {
    /// The log from its accepted rows and its rejected ones (ticket and time), each in
    /// reading order. Where a column is missing, what it would say is inferred from the
    /// states: awaiting since the move into awaiting the customer, a reply at each move out
    /// of it to an open state.
    pub fn new(
        tickets: Vec<Ticket>,
        rejected: Vec<(CompactString, Option<DateTime<Utc>>)>,
        knows: Knows,
    ) -> Log {
        let mut index: HashMap<CompactString, u32> = HashMap::new();
        let mut stories: Vec<Story> = Vec::new();
        let mut undated = 0;
        let mut story = |id: &CompactString, stories: &mut Vec<Story>| -> usize {
            *index.entry(id.clone()).or_insert_with(|| {
                stories.push(Story {
                    id: id.clone(),
                    rows: Vec::new(),
                    replies: Vec::new(),
                });
                (stories.len() - 1) as u32
            }) as usize
        };
        let mut resolves = false;
        for t in tickets {
            let Some(at) = t.updated_at else {
                undated += 1;
                continue;
            };
            resolves |= matches!(t.state, State::Resolved | State::Closed);
            let s = story(&t.id, &mut stories);
            stories[s].rows.push(Row {
                at,
                ticket: Some(t),
            });
        }
        for (id, at) in rejected {
            let Some(at) = at else {
                undated += 1;
                continue;
            };
            let s = story(&id, &mut stories);
            stories[s].rows.push(Row { at, ticket: None });
        }
        let (mut inferred_since, mut inferred_replies) = (0, 0);
        for s in &mut stories {
            // Stable: rows written at the same instant keep their reading order (rejected
            // rows, read apart, come last).
            s.rows.sort_by_key(|r| r.at);
            let (n, m) = infer(s);
            inferred_since += n;
            inferred_replies += m;
        }
        let mut events: Vec<(DateTime<Utc>, u32, u32)> = stories
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.rows
                    .iter()
                    .enumerate()
                    .map(move |(j, r)| (r.at, i as u32, j as u32))
            })
            .collect();
        events.sort_unstable();
        Log {
            stories,
            events,
            knows,
            resolves,
            undated,
            inferred_since,
            inferred_replies,
        }
    }

    /// Tickets in the log.
    pub fn tickets(&self) -> usize {
        self.stories.len()
    }

    /// When the log's last row was written.
    pub fn last(&self) -> Option<DateTime<Utc>> {
        self.events.last().map(|e| e.0)
    }
}

/// Fills in, on one ticket's rows, the `awaiting_since` and `last_customer_reply_at` the
/// log does not record, and collects the customer's real replies. Returns how many rows got
/// each.
fn infer(s: &mut Story) -> (usize, usize) {
    let (mut since_n, mut reply_n) = (0, 0);
    let mut prev: Option<State> = None;
    let mut since: Option<DateTime<Utc>> = None;
    let mut latest_reply: Option<DateTime<Utc>> = None;
    for row in &mut s.rows {
        let Some(t) = row.ticket.as_mut() else {
            continue;
        };
        if t.state == State::AwaitingCustomer {
            if prev != Some(State::AwaitingCustomer) {
                since = Some(row.at);
            }
            if t.awaiting_since.is_none() {
                t.awaiting_since = since;
                since_n += 1;
            }
        }
        if t.state == State::Open && prev == Some(State::AwaitingCustomer) {
            s.replies.push(row.at);
            latest_reply = latest_reply.max(Some(row.at));
        }
        match t.last_customer_reply_at {
            Some(r) => {
                s.replies.push(r);
                latest_reply = latest_reply.max(Some(r));
            }
            None if latest_reply.is_some() => {
                t.last_customer_reply_at = latest_reply;
                reply_n += 1;
            }
            None => {}
        }
        prev = Some(t.state);
    }
    s.replies.sort_unstable();
    s.replies.dedup();
    (since_n, reply_n)
}

/// One replayed night: what it issued, by kind and by assignee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Night {
    pub date: NaiveDate,
    /// Actions issued, by `Kind as usize`.
    pub kinds: [u32; Kind::ALL.len()],
    /// Its auto-resolutions the customer answered within the reopen window.
    pub premature: u32,
    /// Tickets awaiting the customer that night, before its actions.
    pub awaiting: u32,
    /// Auto-resolutions the safety limit held back (`[run].max_resolutions`).
    pub held: u32,
    pub by_assignee: BTreeMap<CompactString, u32>,
}

impl Night {
    pub fn count(&self, k: Kind) -> u32 {
        self.kinds[k as usize]
    }
}

/// An auto-resolution the policy made, and what the real log shows after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub ticket: CompactString,
    /// The night that issued it, and its contact date.
    pub night: NaiveDate,
    pub date: NaiveDate,
    pub assignee: CompactString,
    /// The customer's first reply after the night, and how many days after the
    /// resolution's date.
    pub reply: Option<(DateTime<Utc>, i64)>,
    /// The reply came within the reopen window.
    pub premature: bool,
    /// The desk's own first resolution after the night, and the days the policy's came
    /// before it.
    pub real: Option<(DateTime<Utc>, i64)>,
    /// The ticket's first row came after the first night: its earlier history is not in
    /// the range.
    pub first_seen_inside: bool,
}

/// A whole replay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    pub nights: Vec<Night>,
    pub resolved: Vec<Resolved>,
    /// Tickets with a row by the last night, and those of them first seen after the first.
    pub tickets: usize,
    pub first_seen_inside: usize,
}

/// An action taken as done, as the ledger keeps it.
struct Made {
    action_id: String,
    kind: Kind,
    due: NaiveDate,
    at: DateTime<Utc>,
    channel: Option<crate::ticket::Channel>,
}

/// Replays `rules` on `log`, each night planning at its instant what is due within
/// `within` (as `run` does with `--within 24h`).
pub fn replay(
    log: &Log,
    rules: &Rules,
    nights: &[(NaiveDate, DateTime<Utc>)],
    within: TimeDelta,
) -> Replayed {
    let n = log.stories.len();
    let index: HashMap<&str, u32> = log
        .stories
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i as u32))
        .collect();
    let mut current: Vec<Option<u32>> = vec![None; n];
    let mut resolved = vec![false; n];
    let mut made: Vec<Vec<Made>> = (0..n).map(|_| Vec::new()).collect();
    let mut held_until: Vec<Option<NaiveDate>> = vec![None; n];
    let mut live: BTreeSet<u32> = BTreeSet::new();
    let mut cursor = 0;
    let mut out = Replayed::default();
    let window = rules.replay.reopen_window;
    let limit = rules.run.max_resolutions as usize;
    for &(date, now) in nights {
        while let Some(&(at, s, r)) = log.events.get(cursor)
            && at <= now
        {
            cursor += 1;
            current[s as usize] = Some(r);
            let open = log.stories[s as usize].rows[r as usize]
                .ticket
                .as_ref()
                .is_some_and(|t| !matches!(t.state, State::Closed | State::Canceled));
            if open && !resolved[s as usize] {
                live.insert(s);
            } else {
                live.remove(&s);
            }
        }
        let horizon = now + within;
        let mut night = Night {
            date,
            ..Night::default()
        };
        let mut actions: Vec<Action> = Vec::new();
        for &s in &live {
            let s = s as usize;
            let Some(t) = current[s].and_then(|r| log.stories[s].rows[r as usize].ticket.as_ref())
            else {
                continue;
            };
            if t.state == State::AwaitingCustomer {
                night.awaiting += 1;
            }
            if made[s].is_empty() && held_until[s].is_none() {
                due_onto(t, rules, now, horizon, &mut actions);
                continue;
            }
            let mut t = t.clone();
            let issued: Vec<Issued<'_>> = made[s]
                .iter()
                .map(|m| Issued {
                    action_id: &m.action_id,
                    kind: m.kind,
                    due: m.due,
                    at: m.at,
                    channel: m.channel,
                })
                .collect();
            recall(&mut t, &issued);
            if let Some(until) = held_until[s].filter(|u| *u >= date) {
                apply(&mut t, &Effect::Held { until }, now);
            }
            due_onto(&t, rules, now, horizon, &mut actions);
        }
        if rules.levels() {
            level(&mut actions, rules, now);
            actions.retain(|a| a.is_due(horizon));
        }
        let resolutions = actions.iter().filter(|a| a.kind == Kind::Resolve).count();
        let hold_back = resolutions > limit;
        for a in &actions {
            if a.kind == Kind::Resolve && hold_back {
                night.held += 1;
                continue;
            }
            night.kinds[a.kind as usize] += 1;
            *night.by_assignee.entry(a.assignee.clone()).or_default() += 1;
            let Some(&s) = index.get(a.ticket_id.as_str()) else {
                continue;
            };
            let s = s as usize;
            match &a.detail {
                Detail::Resolve(_) => {
                    resolved[s] = true;
                    live.remove(&(s as u32));
                    let r = outcome(&log.stories[s], a, (date, now), window, nights[0].1);
                    night.premature += u32::from(r.premature);
                    out.resolved.push(r);
                }
                Detail::Hold {
                    reactivation_date, ..
                } => held_until[s] = Some(*reactivation_date),
                _ => {
                    let id = a.id();
                    if !made[s]
                        .iter()
                        .any(|m| m.action_id == id && m.due == a.due_date)
                    {
                        // Made on its due date at the minute it was planned for, as the
                        // ledger's entries are.
                        let minute = local_minute(a.suggested_at, a.timezone);
                        made[s].push(Made {
                            action_id: id,
                            kind: a.kind,
                            due: a.due_date,
                            at: local_instant(a.timezone, a.due_date, minute),
                            channel: a.channel,
                        });
                    }
                }
            }
        }
        out.nights.push(night);
    }
    let (first, last) = match (nights.first(), nights.last()) {
        (Some(f), Some(l)) => (f.1, l.1),
        _ => return out,
    };
    for s in &log.stories {
        if let Some(row) = s.rows.first()
            && row.at <= last
        {
            out.tickets += 1;
            out.first_seen_inside += usize::from(row.at > first);
        }
    }
    out
}

/// What the real log shows after the night (`now`) that resolved the ticket.
fn outcome(
    s: &Story,
    a: &Action,
    (night, now): (NaiveDate, DateTime<Utc>),
    window: TimeDelta,
    first_night: DateTime<Utc>,
) -> Resolved {
    let tz = a.timezone;
    let days = |x: DateTime<Utc>| (local_date(x, tz) - a.contact_date).num_days();
    let reply = s.replies.iter().copied().find(|r| *r > now);
    let real = s
        .rows
        .iter()
        .filter(|r| r.at > now)
        .find(|r| {
            r.ticket
                .as_ref()
                .is_some_and(|t| matches!(t.state, State::Resolved | State::Closed))
        })
        .map(|r| r.at);
    Resolved {
        ticket: s.id.clone(),
        night,
        date: a.contact_date,
        assignee: a.assignee.clone(),
        reply: reply.map(|r| (r, days(r))),
        premature: reply.is_some_and(|r| r - now <= window),
        real: real.map(|r| (r, days(r))),
        first_seen_inside: s.rows.first().is_some_and(|r| r.at > first_night),
    }
}

/// A replay's totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    /// Actions issued, by `Kind as usize`.
    pub kinds: [u64; Kind::ALL.len()],
    pub resolutions: u64,
    pub premature: u64,
    /// Auto-resolutions the customer answered at any time after.
    pub replied_after: u64,
    /// Auto-resolutions the desk resolved later, and the days the policy's came sooner
    /// over them.
    pub really_resolved: u64,
    pub days_saved: i64,
    /// Auto-resolutions of tickets the log never shows resolved after.
    pub never_resolved: u64,
    /// The assignee with the most actions on one night, that night, and how many.
    pub busiest: Option<(CompactString, NaiveDate, u32)>,
    /// Auto-resolutions held back by the safety limit, and on how many nights.
    pub held: u64,
    pub nights_held: u64,
    /// Of the auto-resolutions, those of tickets first seen after the first night, and
    /// how many of them were premature.
    pub resolutions_first_seen_inside: u64,
    pub premature_first_seen_inside: u64,
}

impl Totals {
    pub fn of(r: &Replayed) -> Totals {
        let mut t = Totals::default();
        for n in &r.nights {
            for (k, c) in n.kinds.iter().enumerate() {
                t.kinds[k] += u64::from(*c);
            }
            t.held += u64::from(n.held);
            t.nights_held += u64::from(n.held > 0);
            for (who, c) in &n.by_assignee {
                // The first night of the most wins a tie; then the first name.
                if t.busiest.as_ref().is_none_or(|b| *c > b.2) {
                    t.busiest = Some((who.clone(), n.date, *c));
                }
            }
        }
        for x in &r.resolved {
            t.resolutions += 1;
            t.premature += u64::from(x.premature);
            t.replied_after += u64::from(x.reply.is_some());
            match x.real {
                Some((_, days)) => {
                    t.really_resolved += 1;
                    t.days_saved += days;
                }
                None => t.never_resolved += 1,
            }
            if x.first_seen_inside {
                t.resolutions_first_seen_inside += 1;
                t.premature_first_seen_inside += u64::from(x.premature);
            }
        }
        t
    }

    /// Premature auto-resolutions per auto-resolution.
    pub fn premature_rate(&self) -> f64 {
        if self.resolutions == 0 {
            0.0
        } else {
            self.premature as f64 / self.resolutions as f64
        }
    }
}
