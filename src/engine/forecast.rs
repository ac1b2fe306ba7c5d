//! The forecast (SPEC §10): the days ahead planned one at a time, as if every action listed
//! were done on its contact date and no customer replied.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;

use super::history::{Effect, apply};
use super::{Action, Kind, due_onto_next, evaluate, level, retain_by};
use crate::config::Rules;
use crate::ticket::{Channel, DateOrTime, Packed, State, Ticket};
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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
/// days report. The tickets are held packed (`Packed`), each unpacked on the days it is
/// planned or changed: a forecast holds many.
pub fn simulate(
    tickets: &mut [Packed],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
) -> Result<Vec<Day>, String> {
    simulate_with(
        tickets,
        rules,
        now,
        days,
        keep,
        &|tickets, now, horizon, done| due_all(tickets, rules, now, horizon, done),
    )
}

/// The tickets' actions due by `horizon` at `now`, in ticket order, each with the place of
/// its ticket in `tickets`, and for each ticket the earliest start of what it has beyond
/// the horizon (`due_onto_next`). With `done` (the alerts issued already), no levelling is
/// to come: the day's actions are done to their tickets here (but those alerts, which are
/// left out), and the tickets they change come back packed anew.
pub fn due_all(
    tickets: &[&Packed],
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    done: Option<&HashSet<String>>,
) -> Result<DayPlan, String> {
    let mut plan = DayPlan {
        later: Vec::with_capacity(tickets.len()),
        ..DayPlan::default()
    };
    for (i, p) in tickets.iter().enumerate() {
        let mut t = p.unpack()?;
        let from = plan.actions.len();
        let later = due_onto_next(&t, rules, now, horizon, &mut plan.actions);
        plan.later.push(later);
        if let Some(alerted) = done {
            super::retain_from(&mut plan.actions, from, |a| !alerted_before(a, alerted));
            let mine = &mut plan.actions[from..];
            if !mine.is_empty() {
                let mut order: Vec<usize> = (0..mine.len()).collect();
                order.sort_by(|&x, &y| mine[x].sort_key().cmp(&mine[y].sort_key()));
                for a in order.iter().map(|&x| &mine[x]) {
                    apply(&mut t, &Effect::of(a), a.suggested_at);
                }
                plan.changed.push((i, Packed::of(&t)));
            }
        }
        plan.owners.resize(plan.actions.len(), i);
    }
    Ok(plan)
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

/// The days a forecast plans: each one's date (in `[defaults].timezone`), the instant it is
/// planned at (`now` on the first, midnight on the others) and its horizon (its last second).
pub struct Days {
    dates: Vec<NaiveDate>,
    starts: Vec<DateTime<Utc>>,
    horizons: Vec<DateTime<Utc>>,
}

impl Days {
    pub fn new(rules: &Rules, now: DateTime<Utc>, days: u32) -> Days {
        let today = local_date(now, rules.default_tz);
        let midnight = |d: NaiveDate| local_instant(rules.default_tz, d, 0);
        let dates: Vec<NaiveDate> = (0..days).map(|k| days_after(today, k)).collect();
        let starts = dates
            .iter()
            .enumerate()
            .map(|(k, &d)| if k == 0 { now } else { midnight(d) })
            .collect();
        let horizons: Vec<DateTime<Utc>> = dates
            .iter()
            .map(|d| midnight(days_after(*d, 1)) - TimeDelta::seconds(1))
            .collect();
        debug_assert!(
            days == 0 || span(rules, now, days) == (horizons[0], horizons[days as usize - 1])
        );
        Days {
            dates,
            starts,
            horizons,
        }
    }

    fn len(&self) -> usize {
        self.dates.len()
    }

    /// The day a ticket planned on day `k` is planned again when nothing was done to it:
    /// the first day whose horizon the earliest start beyond day `k` is within, if any.
    fn next(&self, k: usize, later: Option<DateTime<Utc>>) -> usize {
        later.map_or(usize::MAX, |x| {
            self.horizons.partition_point(|h| *h < x).max(k + 1)
        })
    }
}

/// A forecast's days counted ticket by ticket (`follow`), added up across tickets: hashed as
/// they are counted (once for every action of every day), sorted once at the end.
#[derive(Default)]
pub struct Counts(Vec<TallyMap>);

type TallyMap = std::collections::HashMap<Tally, u64, rustc_hash::FxBuildHasher>;

impl Counts {
    fn add(&mut self, k: usize, a: &Action) {
        if self.0.len() <= k {
            self.0.resize_with(k + 1, TallyMap::default);
        }
        *self.0[k].entry(Tally::of(a)).or_default() += 1;
    }

    pub fn merge(&mut self, other: Counts) {
        if self.0.len() < other.0.len() {
            self.0.resize_with(other.0.len(), TallyMap::default);
        }
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            for (tally, n) in theirs {
                *mine.entry(tally).or_default() += n;
            }
        }
    }

    /// The days as `simulate` gives them.
    pub fn into_days(mut self, days: &Days) -> Vec<Day> {
        self.0.resize_with(days.len(), TallyMap::default);
        days.dates
            .iter()
            .zip(self.0)
            .map(|(&date, counts)| {
                let mut counts: Vec<(Tally, u64)> = counts.into_iter().collect();
                counts.sort_unstable_by(|x, y| x.0.cmp(&y.0));
                Day { date, counts }
            })
            .collect()
    }
}

/// One ticket's days ahead, counted onto `counts` (the actions `keep` wants): what
/// `simulate` finds of it when no capacity is levelled. Then nothing ties one ticket's days
/// to another's (every action a day lists is done that day, and an alert is its ticket's),
/// so a ticket can be followed through all the days as it is read, and none held. It is
/// copied only when an action changes it.
pub fn follow(
    t: &Ticket,
    rules: &Rules,
    days: &Days,
    keep: &dyn Fn(&Action) -> bool,
    counts: &mut Counts,
) {
    debug_assert!(!rules.levels());
    let mut t = std::borrow::Cow::Borrowed(t);
    let mut alerted: HashSet<String> = HashSet::new();
    let mut actions = Vec::new();
    let mut k = 0;
    while k < days.len() {
        actions.clear();
        let later = due_onto_next(&t, rules, days.starts[k], days.horizons[k], &mut actions);
        if !alerted.is_empty() {
            actions.retain(|a| !alerted_before(a, &alerted));
        }
        if actions.is_empty() {
            k = days.next(k, later);
            continue;
        }
        // Done in the order of SPEC §7, as `due_all` does them.
        actions.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        for a in &actions {
            apply(t.to_mut(), &Effect::of(a), a.suggested_at);
        }
        for a in &actions {
            if a.kind == Kind::InternalAlert {
                alerted.insert(a.id());
            }
            if keep(a) {
                counts.add(k, a);
            }
        }
        k += 1;
    }
}

/// Where the tickets stand now: the awaiting ones by strikes made (from their next step),
/// and the held ones with the date they come back.
#[derive(Default)]
pub struct Standing {
    pub reached: BTreeMap<u32, usize>,
    pub holds: Vec<(String, NaiveDate)>,
}

impl Standing {
    pub fn merge(&mut self, other: Standing) {
        for (k, n) in other.reached {
            *self.reached.entry(k).or_default() += n;
        }
        self.holds.extend(other.holds);
    }

    /// Counts `t` where it stands at `now`: by its next strike step when awaiting the
    /// customer, by its return date when on hold.
    pub fn add(&mut self, t: &Ticket, rules: &Rules, now: DateTime<Utc>) {
        match t.state {
            State::AwaitingCustomer => {
                let far = now + TimeDelta::days(366);
                let next = evaluate(t, rules, now, far, false)
                    .actions
                    .iter()
                    .find_map(|a| match a.kind {
                        Kind::Strike => Some(a.step - 1),
                        Kind::Resolve => Some(rules.strikes.count),
                        _ => None,
                    });
                if let Some(k) = next {
                    *self.reached.entry(k).or_default() += 1;
                }
            }
            State::OnHold => {
                if let Some(back) = t.reactivation_at.map(|r| match r {
                    DateOrTime::Date(d) => d,
                    DateOrTime::Time(x) => local_date(x, rules.default_tz),
                }) {
                    self.holds.push((t.id.to_string(), back));
                }
            }
            _ => {}
        }
    }
}

/// What following tickets as they are read finds (without levelling): their days ahead
/// counted, and where they stand now.
#[derive(Default)]
pub struct Followed {
    pub counts: Counts,
    pub standing: Standing,
}

impl Followed {
    pub fn add(
        &mut self,
        t: &Ticket,
        rules: &Rules,
        now: DateTime<Utc>,
        days: &Days,
        keep: &dyn Fn(&Action) -> bool,
    ) {
        self.standing.add(t, rules, now);
        follow(t, rules, days, keep, &mut self.counts);
    }

    pub fn merge(&mut self, other: Followed) {
        self.counts.merge(other.counts);
        self.standing.merge(other.standing);
    }
}

/// A day's tickets planned: their actions due, the place of each one's ticket among those
/// planned, and per ticket when it has more.
#[derive(Default)]
pub struct DayPlan {
    pub actions: Vec<Action>,
    pub owners: Vec<usize>,
    pub later: Vec<Option<DateTime<Utc>>>,
    /// The tickets the day's actions changed (by place), when they were done here.
    pub changed: Vec<(usize, Packed)>,
}

impl DayPlan {
    /// Joins the plan of the tickets after this one's.
    pub fn extend(&mut self, next: DayPlan) {
        let base = self.later.len();
        self.actions.extend(next.actions);
        self.owners
            .extend(next.owners.into_iter().map(|i| base + i));
        self.later.extend(next.later);
        self.changed
            .extend(next.changed.into_iter().map(|(i, p)| (base + i, p)));
    }
}

/// Plans a day as `due_all` does: the tickets, `now`, the horizon and the alerts done (when
/// their actions are to be done too) in, their plan out.
pub type DayPlanner<'a> = dyn Fn(
        &[&Packed],
        DateTime<Utc>,
        DateTime<Utc>,
        Option<&HashSet<String>>,
    ) -> Result<DayPlan, String>
    + 'a;

/// `simulate`, each day's tickets planned by `plan` (`due_all`, or the same spread over
/// threads by the caller: the order of the tickets is kept, so the days are the same).
///
/// A ticket changes only when one of its actions is done, and until then it has nothing due
/// before the earliest start planning it found beyond the day (`due_onto_next`): it is
/// planned again on the day of that start, or the day after one of its actions, and not on
/// the days between, which would find nothing.
pub fn simulate_with(
    tickets: &mut [Packed],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
    plan: &DayPlanner<'_>,
) -> Result<Vec<Day>, String> {
    // Alerts do not change their ticket: once issued, they are not issued again.
    let mut alerted: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let span = Days::new(rules, now, days);
    // The day each ticket is planned again: all on the first.
    let mut next: Vec<usize> = vec![0; tickets.len()];
    // Without levelling a ticket's actions of the day are all done: where it is planned.
    let here = !rules.levels();
    for k in 0..span.len() {
        let (date, day_now, horizon) = (span.dates[k], span.starts[k], span.horizons[k]);
        let due: Vec<usize> = (0..tickets.len()).filter(|&i| next[i] <= k).collect();
        let DayPlan {
            mut actions,
            owners,
            later,
            changed,
        } = {
            let refs: Vec<&Packed> = due.iter().map(|&i| &tickets[i]).collect();
            plan(&refs, day_now, horizon, here.then_some(&alerted))?
        };
        // From here on each action's ticket is its place in `tickets`.
        let mut owners: Vec<usize> = owners.into_iter().map(|j| due[j]).collect();
        if !here && !alerted.is_empty() {
            let keep: Vec<bool> = actions
                .iter()
                .map(|a| !alerted_before(a, &alerted))
                .collect();
            retain_by(&mut actions, &keep);
            retain_by(&mut owners, &keep);
        }
        for (&i, later) in due.iter().zip(&later) {
            next[i] = span.next(k, *later);
        }
        for &i in &owners {
            next[i] = k + 1;
        }
        for (j, p) in changed {
            tickets[due[j]] = p;
        }
        if !here {
            level(&mut actions, rules, day_now);
            let due_now: Vec<bool> = actions.iter().map(|a| a.is_due(horizon)).collect();
            retain_by(&mut actions, &due_now);
            retain_by(&mut owners, &due_now);
            // Done ticket by ticket, each ticket's in the order of SPEC §7; the places are
            // sorted, not the actions, which are wide.
            let mut order: Vec<usize> = (0..actions.len()).collect();
            order.sort_by(|&x, &y| {
                (owners[x], actions[x].sort_key()).cmp(&(owners[y], actions[y].sort_key()))
            });
            for group in order.chunk_by(|&x, &y| owners[x] == owners[y]) {
                let i = owners[group[0]];
                let mut t = tickets[i].unpack()?;
                for a in group.iter().map(|&x| &actions[x]) {
                    apply(&mut t, &Effect::of(a), a.suggested_at);
                }
                tickets[i] = Packed::of(&t);
            }
        }
        for a in actions.iter().filter(|a| a.kind == Kind::InternalAlert) {
            alerted.insert(a.id());
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
    Ok(out)
}

/// Whether `a` is an alert issued on an earlier day (alerts do not change their ticket:
/// once issued, they are not issued again).
fn alerted_before(a: &Action, alerted: &HashSet<String>) -> bool {
    a.kind == Kind::InternalAlert && alerted.contains(&a.id())
}
