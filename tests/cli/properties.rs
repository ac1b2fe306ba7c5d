//! Invariants over random tickets, rules and instants (SPEC §3–4): no suggested time in
//! quiet hours or off a business day, no strike beyond the count, no resolution before the
//! last attempt plus its wait or while the customer is away, and the same input always
//! gives the same output.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use followup::config::Rules;
use std::collections::BTreeMap;

use followup::engine::forecast::{self, Tally};
use followup::engine::history::{Effect, apply};
use followup::engine::{Detail, Kind, due, evaluate, level, sort};
use followup::ticket::{Channel, DateOrTime, Origin, Segment, State, Ticket};
use followup::time::{
    Interval, ceil_minute, days_after, local_date, local_instant, parse_interval,
};
use proptest::prelude::*;

const ZONES: [&str; 12] = [
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
];

#[derive(Debug, Clone)]
struct Policy {
    count: u32,
    first: u32,
    spacing: u32,
    resolve: u32,
    business: &'static str,
    quiet_all: &'static str,
    quiet_phone: &'static str,
    saturday: bool,
    zone: usize,
    /// Alice's absence: days from today, and length.
    alice_out: (i64, i64),
    carol_out: (i64, i64),
}

impl Policy {
    fn toml(&self, now: DateTime<Utc>) -> String {
        let today = now.date_naive();
        let range = |(from, len): (i64, i64)| {
            let a = today + TimeDelta::days(from);
            format!("\"{a}..{}\"", a + TimeDelta::days(len))
        };
        format!(
            "{}\n\
             [types.default]\nsteps = [{{ after = \"7d\", from = \"resolved_at\" }}]\n\
             [types.sales]\nsteps = [{{ after = \"7d\", from = \"opened_at\" }}, {{ after = \"30d\", from = \"opened_at\" }}]\n\
             [types.complaint]\nalert = true\nsteps = [{{ after = \"7d\", window = \"7d\", from = \"opened_at\" }}, {{ after = \"21d\", from = \"opened_at\" }}]\n\
             [types.billing]\nsteps = [{{ after = \"4d\", window = \"2bd\", from = \"opened_at\", channel = \"email\" }}]\n\
             [agents.alice]\ncover = \"carol\"\nout = [{}]\n\
             [agents.carol]\nout = [{}]\n",
            self.base(),
            range(self.alice_out),
            range(self.carol_out)
        )
    }

    fn base(&self) -> String {
        let row = "[\"chat\", \"phone\", \"email\"]";
        let rows = vec![row; self.count as usize].join(", ");
        format!(
            "[defaults]\ntimezone = \"{zone}\"\ncalendar = \"c\"\n\
             [calendars.c]\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"{sat}]\n\
             holidays = [\"2026-11-26\", \"2026-12-24\", \"2026-12-25\", \"2027-01-01\", \"2026-03-30\"]\n\
             [hours]\nbusiness = [{business}]\n\
             [quiet_hours]\nall = [{quiet_all}]\nphone = [{quiet_phone}]\n\
             [strikes]\ncount = {count}\nfirst_after_bd = {first}\nspacing_bd = {spacing}\nresolve_after_bd = {resolve}\n\
             [strikes.ladder]\ndefault = [{rows}]\nportal = [{rows}]\n",
            zone = ZONES[self.zone],
            sat = if self.saturday { ", \"sat\"" } else { "" },
            business = self.business,
            quiet_all = self.quiet_all,
            quiet_phone = self.quiet_phone,
            count = self.count,
            first = self.first,
            spacing = self.spacing,
            resolve = self.resolve,
        )
    }

    fn intervals(list: &str) -> Vec<Interval> {
        list.split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .map(|s| parse_interval(s).unwrap())
            .collect()
    }
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        1u32..=5,
        0u32..=3,
        0u32..=3,
        0u32..=3,
        prop::sample::select(vec![
            "\"09:00-17:00\"",
            "\"08:30-12:00\", \"13:30-18:00\"",
            "\"07:00-19:00\"",
        ]),
        prop::sample::select(vec![
            "",
            "\"12:00-13:00\"",
            "\"12:15-12:45\", \"16:30-17:00\"",
        ]),
        prop::sample::select(vec!["", "\"09:00-10:00\"", "\"07:00-10:30\""]),
        any::<bool>(),
        0..ZONES.len(),
        ((-10i64..20, 0i64..10), (-10i64..20, 0i64..10)),
    )
        .prop_map(
            |(
                count,
                first,
                spacing,
                resolve,
                business,
                quiet_all,
                quiet_phone,
                saturday,
                zone,
                (alice_out, carol_out),
            )| {
                Policy {
                    count,
                    first,
                    spacing,
                    resolve,
                    business,
                    quiet_all,
                    quiet_phone,
                    saturday,
                    zone,
                    alice_out,
                    carol_out,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Case {
    now: DateTime<Utc>,
    ticket: Ticket,
}

/// An instant in 2026, to the second, so both DST changes of every zone are covered.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_767_225_600i64..1_798_761_600).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn case() -> impl Strategy<Value = Case> {
    let origin = prop_oneof![
        Just(Origin::Absent),
        prop::sample::select(Channel::ALL.to_vec()).prop_map(Origin::Known),
        Just(Origin::Unknown("fax".into())),
    ];
    (
        instant(),
        (
            0i64..40 * 86_400,
            prop::option::of(0i64..30 * 86_400),
            prop::option::of(-5i64..20 * 86_400),
        ),
        (
            prop::option::of(0u32..8),
            prop::option::of(-20i64..3),
            prop::option::of(-10i64..25),
        ),
        (
            prop::option::of(-5i64..15),
            origin,
            any::<bool>(),
            prop::option::of(0u16..1440),
            prop::option::of(0..ZONES.len()),
            // Which contact columns the export has, and which of them this ticket fills.
            (0u8..8, 0u8..8),
        ),
        prop::sample::select(vec![
            State::AwaitingCustomer,
            State::AwaitingCustomer,
            State::Open,
            State::OnHold,
            State::Resolved,
            State::Resolved,
            State::Closed,
            State::Canceled,
        ]),
        (
            prop::option::of(prop::sample::select(vec![
                "sales",
                "complaint",
                "billing",
                "warranty",
            ])),
            prop::option::of(0i64..40 * 86_400),
            prop::option::of(0i64..40 * 86_400),
            prop::option::of(prop::sample::select(vec![
                Segment::Business,
                Segment::Consumer,
            ])),
            prop::sample::select(vec![None, Some("alice"), Some("carol"), Some("dan")]),
        ),
    )
        .prop_map(
            |(
                now,
                (opened_ago, awaiting_ago, reply_ago),
                (attempts, last_days, ooo_days),
                (react_days, origin, callback, preferred, tz, (known, has)),
                state,
                (kind, resolved_ago, followup_ago, segment, owner),
            )| {
                let secs = |s: i64| now - TimeDelta::seconds(s);
                let mut t = Ticket::new("P-1", state, secs(opened_ago));
                t.awaiting_since = awaiting_ago.map(secs);
                t.last_customer_reply_at = reply_ago.map(secs);
                t.attempts = attempts;
                t.last_attempt_at = match (attempts, last_days) {
                    (Some(n), _) if n > 0 => Some(
                        now + TimeDelta::days(last_days.unwrap_or(-1)) - TimeDelta::minutes(37),
                    ),
                    (_, d) => d.map(|d| now + TimeDelta::days(d)),
                };
                let today = now.date_naive();
                t.customer_ooo_until = ooo_days.map(|d| today + TimeDelta::days(d));
                t.reactivation_at =
                    react_days.map(|d| DateOrTime::Date(today + TimeDelta::days(d)));
                t.origin = origin;
                t.callback_requested = callback;
                t.reach = followup::ticket::Reach { known, has };
                t.preferred_time = preferred;
                t.customer_tz = tz.map(|i| ZONES[i].parse::<Tz>().unwrap());
                t.kind = kind.map(Into::into);
                t.resolved_at = resolved_ago.map(secs);
                t.last_followup_at = followup_ago.map(secs);
                t.segment = segment;
                t.owner = owner.map(Into::into);
                Case { now, ticket: t }
            },
        )
}

fn in_any(intervals: &[Interval], minute: u16) -> bool {
    intervals
        .iter()
        .any(|i| i.start <= minute && minute < i.end)
}

proptest! {
    // 400 cases by default; PROPTEST_CASES=100000 for a deeper run by hand.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(400)
    ))]

    #[test]
    fn actions_respect_windows_counts_and_absences(p in policy(), c in case()) {
        let rules = Rules::parse("p.toml", &p.toml(c.now)).expect("generated rules are valid");
        let eval = evaluate(&c.ticket, &rules, c.now, c.now, false);
        let again = evaluate(&c.ticket, &rules, c.now, c.now, false);
        prop_assert_eq!(&eval.actions, &again.actions, "the same input gives the same output");
        // `due` schedules only what is due by the horizon: the same actions as planning them
        // all and keeping those due.
        for days in [0, 3, 20] {
            let horizon = c.now + TimeDelta::days(days);
            let mut all = evaluate(&c.ticket, &rules, c.now, horizon, false).actions;
            all.retain(|a| a.is_due(horizon));
            prop_assert_eq!(due(&c.ticket, &rules, c.now, horizon), all, "within {}d", days);
        }

        let t = &c.ticket;
        if matches!(t.state, State::Closed | State::Canceled) {
            prop_assert!(eval.actions.is_empty(), "closed and canceled tickets get nothing");
        }
        let tz = t.customer_tz.unwrap_or(rules.default_tz);
        let cal = &rules.calendars[rules.default_calendar].1;
        let business = Policy::intervals(p.business);
        let quiet_all = Policy::intervals(p.quiet_all);
        let quiet_phone = Policy::intervals(p.quiet_phone);
        let replied = matches!((t.last_customer_reply_at, t.last_attempt_at), (Some(r), Some(a)) if r > a);
        let k = if replied { 0 } else { t.attempts.unwrap_or(0) };

        for a in &eval.actions {
            // Windows: the suggestion lies in a usable window, on a business day, in hours.
            prop_assert!(a.window_start <= a.suggested_at && a.suggested_at < a.window_end, "{a:?}");
            prop_assert!(a.window_start >= ceil_minute(c.now), "usable windows start at now: {a:?}");
            prop_assert!(cal.is_business_day(a.due_date), "due on a business day: {a:?}");
            let local = a.suggested_at.with_timezone(&tz);
            prop_assert_eq!(local.date_naive(), a.contact_date);
            prop_assert!(cal.is_business_day(a.contact_date), "contact on a business day: {a:?}");
            prop_assert!(a.contact_date >= a.due_date);
            let minute = (local.hour() * 60 + local.minute()) as u16;
            prop_assert!(in_any(&business, minute), "inside business hours: {a:?}");
            if let Some(ch) = a.channel {
                prop_assert!(!in_any(&quiet_all, minute), "not in quiet hours: {a:?}");
                if ch == Channel::Phone {
                    prop_assert!(!in_any(&quiet_phone, minute), "no call in phone quiet hours: {a:?}");
                }
                if t.origin == Origin::Known(Channel::Portal) && !t.callback_requested {
                    prop_assert!(ch != Channel::Phone && !a.fallback_channels.contains(&Channel::Phone));
                }
            }
            prop_assert_eq!(a.overdue_days, cal.business_days_between(a.due_date, local_date(c.now, tz)));

            match a.kind {
                Kind::Strike => {
                    prop_assert!(a.step >= 1 && a.step <= p.count, "no strike beyond the count: {a:?}");
                    prop_assert_eq!(a.step, k + 1);
                }
                Kind::Resolve => {
                    prop_assert!(k >= p.count && a.step == k);
                    let last = local_date(t.last_attempt_at.expect("resolutions follow attempts"), tz);
                    prop_assert!(a.due_date >= cal.add_bd(last, p.resolve), "not before the last attempt plus its wait: {a:?}");
                    let resolved = matches!(&a.detail, Detail::Resolve(r) if &*r.status == "Resolved");
                    prop_assert!(resolved, "resolves, never closes: {:?}", a);
                }
                Kind::OooHold => {
                    let Detail::Hold { reactivation_date, .. } = &a.detail else { panic!("{a:?}") };
                    prop_assert!(Some(*reactivation_date) > t.customer_ooo_until);
                }
                Kind::CheckIn => {
                    prop_assert!(
                        matches!(t.state, State::Open | State::OnHold | State::Resolved),
                        "never for awaiting, closed or canceled tickets: {:?}",
                        a
                    );
                }
                Kind::InternalAlert => {
                    prop_assert!(matches!(t.state, State::Open | State::OnHold | State::AwaitingCustomer));
                    prop_assert_eq!(a.step, 1);
                }
                Kind::FindContact => {
                    prop_assert!(a.channel.is_none() && !a.reason.skipped.is_empty(), "{a:?}");
                }
                Kind::OwnerFollowUp => {
                    prop_assert!(matches!(t.state, State::Open | State::OnHold | State::Resolved));
                    prop_assert_eq!(Some(a.assignee.as_str()), t.owner.as_deref(), "by the owner: {:?}", a);
                }
            }
            // Nothing goes to a channel the customer has no contact for.
            for ch in a.channel.iter().chain(a.fallback_channels.iter()) {
                prop_assert!(!t.reach.lacks(*ch), "{ch} without its contact: {a:?}");
            }
            // Nobody works on a day they are out: the owner is covered, and covers are in.
            if let Some(agent) = rules.agent(&a.assignee) {
                prop_assert!(!agent.is_out(a.contact_date), "assigned to someone out that day: {:?}", a);
            }
            if let Some(owner) = a.covering_for.as_deref() {
                prop_assert!(rules.agent(owner).is_some_and(|o| o.is_out(a.contact_date)), "covered only while the owner is out: {:?}", a);
            }
            if !matches!(a.kind, Kind::OooHold | Kind::InternalAlert)
                && let Some(until) = t.customer_ooo_until
            {
                prop_assert!(
                    a.due_date > until,
                    "nobody is chased, and nothing resolved, while the customer is away: {:?}",
                    a
                );
            }
        }
        let count = |k: Kind| eval.actions.iter().filter(|a| a.kind == k).count();
        prop_assert!(count(Kind::Strike) + count(Kind::Resolve) <= 1, "one strike process step at a time");
        prop_assert!(count(Kind::InternalAlert) <= 1);
        let horizon_due = eval.actions.iter().filter(|a| a.kind == Kind::CheckIn && a.is_due(c.now)).count();
        prop_assert!(horizon_due <= 1, "never two check-ins listed for one ticket");
    }
}

/// The cases' tickets, their ids made distinct.
fn numbered(cases: Vec<Case>) -> Vec<Ticket> {
    cases
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut t = c.ticket;
            t.id = format!("P-{i}").into();
            t
        })
        .collect()
}

/// The forecast as it was first written: every ticket planned every day. The forecast skips
/// a ticket until the day something can change it; it must find the same days.
fn forecast_every_ticket_every_day(
    tickets: &mut [Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
) -> Vec<BTreeMap<Tally, u64>> {
    let mut alerted = std::collections::HashSet::new();
    let today = local_date(now, rules.default_tz);
    let midnight = |d| local_instant(rules.default_tz, d, 0);
    let mut out = Vec::new();
    for k in 0..days {
        let date = days_after(today, k);
        let day_now = if k == 0 { now } else { midnight(date) };
        let horizon = midnight(days_after(date, 1)) - TimeDelta::seconds(1);
        let mut actions: Vec<_> = tickets
            .iter()
            .flat_map(|t| due(t, rules, day_now, horizon))
            .filter(|a| !(a.kind == Kind::InternalAlert && alerted.contains(&a.id())))
            .collect();
        level(&mut actions, rules, day_now);
        actions.retain(|a| a.is_due(horizon));
        sort(&mut actions);
        let mut counts = BTreeMap::new();
        for a in &actions {
            if a.kind == Kind::InternalAlert {
                alerted.insert(a.id());
            }
            let t = tickets.iter_mut().find(|t| t.id == a.ticket_id).unwrap();
            apply(t, &Effect::of(a), a.suggested_at);
            let tally = Tally {
                assignee: a.assignee.clone(),
                ticket_type: a.ticket_type.clone(),
                kind: a.kind,
                channel: a.channel,
                overdue: a.overdue_days > 0,
            };
            *counts.entry(tally).or_default() += 1;
        }
        out.push(counts);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(200)
    ))]

    /// Skipping a ticket until the day it can change, and leaving out the tickets nothing
    /// can happen to in the days ahead, change no day of the forecast.
    #[test]
    fn forecast_skipping_tickets_finds_the_same_days(
        p in policy(),
        cases in prop::collection::vec(case(), 1..10),
        days in 1u32..24,
        capacity in prop::option::of(1u32..4),
    ) {
        let now = cases[0].now;
        let mut toml = p.toml(now);
        if let Some(c) = capacity {
            toml = toml.replacen("[defaults]\n", &format!("[defaults]\ncapacity = {c}\n"), 1);
        }
        let rules = Rules::parse("p.toml", &toml).expect("generated rules are valid");
        let tickets = numbered(cases);
        let mut every = tickets.clone();
        let want = forecast_every_ticket_every_day(&mut every, &rules, now, days);
        let mut kept: Vec<followup::ticket::Packed> = tickets
            .iter()
            .filter(|t| forecast::matters(t, &rules, now, days))
            .map(followup::ticket::Packed::of)
            .collect();
        let got = forecast::simulate(&mut kept, &rules, now, days, &|_| true).unwrap();
        prop_assert_eq!(got.len(), want.len());
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            let g: BTreeMap<Tally, u64> = g.counts.iter().cloned().collect();
            prop_assert_eq!(&g, w, "day {}", k);
        }
        // And the tickets kept end as the plain forecast leaves them.
        for p in &kept {
            let t = p.unpack().unwrap();
            let e = every.iter().find(|e| e.id == t.id).unwrap();
            prop_assert_eq!(format!("{t:?}"), format!("{e:?}"));
        }
    }

    /// Without levelling, each ticket followed through the days alone, as it is read, and
    /// the counts of two shares of the tickets added up, find the days of the plain forecast.
    #[test]
    fn following_each_ticket_alone_finds_the_same_days(
        p in policy(),
        cases in prop::collection::vec(case(), 1..10),
        days in 1u32..24,
        split in 0usize..10,
    ) {
        let now = cases[0].now;
        let rules = Rules::parse("p.toml", &p.toml(now)).expect("generated rules are valid");
        prop_assume!(!rules.levels());
        let tickets = numbered(cases);
        let want = forecast_every_ticket_every_day(&mut tickets.clone(), &rules, now, days);
        let span = forecast::Days::new(&rules, now, days);
        let (first, second) = tickets.split_at(split.min(tickets.len()));
        let mut counts = forecast::Counts::default();
        for share in [first, second] {
            let mut mine = forecast::Counts::default();
            for t in share {
                forecast::follow(t, &rules, &span, &|_| true, &mut mine);
            }
            counts.merge(mine);
        }
        let got = counts.into_days(&span);
        prop_assert_eq!(got.len(), want.len());
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            let g: BTreeMap<Tally, u64> = g.counts.iter().cloned().collect();
            prop_assert_eq!(&g, w, "day {}", k);
        }
    }
}

proptest! {
    /// A night keeps its actions by their heads and makes each again from its packed ticket
    /// as it writes it: what comes back is the action planned, field for field.
    #[test]
    fn an_action_made_again_from_its_packed_ticket_is_the_one_planned(
        p in policy(),
        cases in prop::collection::vec(case(), 1..10),
        hours in 0i64..96,
    ) {
        let now = cases[0].now;
        let rules = Rules::parse("p.toml", &p.toml(now)).expect("generated rules are valid");
        prop_assume!(!rules.levels());
        let horizon = now + TimeDelta::hours(hours);
        let remake = followup::pipeline::Remake { rules: &rules, now, horizon, keep: &|_| true };
        let mut made = 0;
        for t in numbered(cases) {
            let mut planned = Vec::new();
            followup::engine::due_onto(&t, &rules, now, horizon, &mut planned);
            let kept = followup::pipeline::Kept::Packed(followup::ticket::Packed::of(&t));
            for (slot, a) in planned.iter().enumerate() {
                let again = remake.action(&followup::engine::Head::of(a, slot), &kept);
                prop_assert_eq!(again.as_ref().ok(), Some(a), "{}", a.id());
                made += 1;
            }
        }
        prop_assert!(made < 1000);
    }
}

proptest! {
    /// A ticket kept for drafting is packed until its drafts are written: every field, any
    /// text (tabs, line breaks, NUL) and any instant the product reads come back as they were.
    #[test]
    fn a_packed_ticket_unpacks_to_itself(
        c in case(),
        texts in prop::collection::vec(prop::option::of(".*"), 11),
        id in ".+",
        secs in -62_000_000_000i64..250_000_000_000,
        nanos in 0u32..1_000_000_000,
        log in prop::collection::vec((-700_000i32..3_000_000, prop::option::of(0..Channel::ALL.len())), 0..4),
        flag in any::<bool>(),
    ) {
        let mut t = c.ticket;
        t.id = id.as_str().into();
        let mut texts = texts.into_iter();
        let mut next = || texts.next().flatten();
        t.subject = next();
        t.customer = next();
        t.customer_email = next();
        t.customer_phone = next();
        t.customer_address = next();
        t.language = next();
        t.last_note = next();
        t.pending_info = next();
        t.last_public_comment = next();
        t.last_work_note = next();
        let at = DateTime::from_timestamp(secs, nanos).unwrap();
        t.updated_at = Some(at);
        t.origin = Origin::Unknown(next().unwrap_or_default());
        t.customer_country = Some("DE-BY".into());
        t.calendar = Some(7);
        t.cadence = followup::time::Span::parse("2w").ok();
        t.attempt_log = log
            .into_iter()
            .map(|(d, ch)| {
                (
                    chrono::NaiveDate::from_num_days_from_ce_opt(d).unwrap(),
                    ch.map(|i| Channel::ALL[i]),
                )
            })
            .collect();
        t.extra = vec![("col\tumn".into(), id.clone()), ("x".into(), String::new())];
        t.dates = vec![("renewal".into(), DateOrTime::Time(at))];
        t.flags = vec![("vip".into(), flag)];
        let packed = followup::ticket::Packed::of(&t);
        prop_assert!(!packed.is_empty());
        let back = packed.unpack().unwrap();
        prop_assert_eq!(format!("{back:?}"), format!("{t:?}"));
    }
}
