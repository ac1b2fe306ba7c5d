//! Hand-worked strike scenarios (SPEC §3–4) on the bundled policy: New York by default,
//! the us calendar with Thanksgiving on 2026-11-26, business hours 09–17, lunch 12–13
//! quiet, no calls before 10.

use super::*;
use crate::ticket::{DateOrTime, Origin, State};
use chrono::NaiveDate;
use chrono_tz::{America, Asia};

fn rules() -> Rules {
    Rules::parse("rules.toml", Rules::STARTER).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Monday 2026-11-23, 09:00 in New York.
const NOW: &str = "2026-11-23T14:00:00Z";

fn awaiting(id: &str) -> Ticket {
    let mut t = Ticket::new(id, State::AwaitingCustomer, at("2026-11-18T15:40:00-05:00"));
    t.origin = Origin::Known(Channel::Phone);
    t.owner = Some("bob".into());
    t.awaiting_since = Some(at("2026-11-20T15:10:00-05:00"));
    t
}

fn plan_at(t: &Ticket, rules: &Rules, now: &str) -> Vec<Action> {
    evaluate(t, rules, at(now), at(now), false).actions
}

fn only(actions: &[Action], kind: Kind) -> &Action {
    let found: Vec<&Action> = actions.iter().filter(|a| a.kind == kind).collect();
    assert_eq!(found.len(), 1, "one {kind:?} in {actions:#?}");
    found[0]
}

#[test]
fn strike_one_falls_a_business_day_after_the_anchor_at_the_first_contact_time() {
    let r = rules();
    let a = plan_at(&awaiting("T1"), &r, NOW);
    assert_eq!(a.len(), 1);
    let s = &a[0];
    assert_eq!((s.kind, s.step), (Kind::Strike, 1));
    assert_eq!(s.due_date, d("2026-11-23"), "Friday + 1 business day");
    assert_eq!(
        s.start,
        at("2026-11-23T09:00:00-05:00"),
        "chat opens at 09:00"
    );
    assert!(s.is_due(at(NOW)));
    assert_eq!(s.channel, Some(Channel::Chat));
    assert_eq!(s.fallback_channels, vec![Channel::Phone, Channel::Email]);
    assert_eq!(
        s.suggested_at,
        at("2026-11-23T15:40:00-05:00"),
        "the local time the customer opened the ticket"
    );
    assert_eq!(
        (s.window_start, s.window_end),
        (
            at("2026-11-23T13:00:00-05:00"),
            at("2026-11-23T17:00:00-05:00")
        )
    );
    assert_eq!(s.assignee, "bob");
    assert_eq!(s.overdue_days, 0);
    assert_eq!(s.id(), "T1.strike-1");
}

#[test]
fn the_anchor_is_the_later_of_awaiting_since_and_the_last_reply() {
    let r = rules();
    let mut t = awaiting("T");
    t.last_customer_reply_at = Some(at("2026-11-23T10:30:00-05:00"));
    assert_eq!(plan_at(&t, &r, NOW)[0].due_date, d("2026-11-24"));
    t.awaiting_since = None;
    t.last_customer_reply_at = None;
    t.updated_at = Some(at("2026-11-19T12:00:00-05:00"));
    assert_eq!(
        plan_at(&t, &r, NOW)[0].due_date,
        d("2026-11-20"),
        "updated_at when both are absent"
    );
    t.updated_at = None;
    assert_eq!(
        plan_at(&t, &r, NOW)[0].due_date,
        d("2026-11-19"),
        "opened_at last of all"
    );
}

#[test]
fn strikes_two_and_three_follow_the_last_attempt_and_the_last_names_the_resolution_date() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(1);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!((s.step, s.due_date), (2, d("2026-11-23")));
    assert_eq!(
        s.channel,
        Some(Channel::Email),
        "ladder row 2 starts with e-mail"
    );
    assert!(!crate::output::reason::text(s).contains("resolved on"));

    t.attempts = Some(2);
    t.last_attempt_at = Some(at("2026-11-24T11:00:00-05:00"));
    let s = &plan_at(&t, &r, "2026-11-25T14:00:00Z")[0];
    assert_eq!((s.step, s.due_date), (3, d("2026-11-25")));
    assert!(
        crate::output::reason::text(s).contains("resolved on 2026-11-27"),
        "Thanksgiving skipped: {}",
        crate::output::reason::text(s)
    );
}

#[test]
fn the_resolution_comes_after_the_count_with_status_code_and_notes() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(3);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    let a = plan_at(&t, &r, NOW);
    let x = only(&a, Kind::Resolve);
    assert_eq!((x.step, x.due_date), (3, d("2026-11-23")));
    assert_eq!(x.channel, None);
    assert_eq!(
        x.suggested_at,
        at("2026-11-23T15:40:00-05:00"),
        "internal: business hours, at the customer's time like every action"
    );
    match &x.detail {
        Detail::Resolve(r) => {
            assert_eq!((r.attempts, r.last_attempt), (3, d("2026-11-20")));
            assert_eq!(&*r.status, "Resolved");
            assert_eq!(&*r.close_code, "User not responded");
            assert!(
                crate::output::reason::close_notes(r).contains("3 contact attempts")
                    && crate::output::reason::close_notes(r).contains("2026-11-20")
            );
        }
        other => panic!("{other:?}"),
    }
    t.attempts = Some(5);
    assert_eq!(
        only(&plan_at(&t, &r, NOW), Kind::Resolve).step,
        5,
        "attempts beyond the count still resolve"
    );
}

#[test]
fn a_reply_after_the_last_attempt_restarts_the_count() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(2);
    t.last_attempt_at = Some(at("2026-11-19T10:30:00-05:00"));
    t.last_customer_reply_at = Some(at("2026-11-20T16:20:00-05:00"));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(
        (s.kind, s.step, s.due_date),
        (Kind::Strike, 1, d("2026-11-23"))
    );
    assert!(crate::output::reason::text(s).contains("restarts"));
}

#[test]
fn a_later_reactivation_date_moves_the_next_step() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(1);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    t.reactivation_at = Some(DateOrTime::Date(d("2026-11-25")));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(s.due_date, d("2026-11-25"));
    assert!(!s.is_due(at(NOW)));
    assert_eq!(
        crate::output::reason::text(s),
        "Strike 2 of 3: attempt 1 on 2026-11-20 got no reply. Moved to 2026-11-25 by the ticket's reactivation date."
    );
    t.reactivation_at = Some(DateOrTime::Date(d("2026-11-28")));
    assert_eq!(
        plan_at(&t, &r, NOW)[0].due_date,
        d("2026-11-30"),
        "a Saturday moves to Monday"
    );
    t.reactivation_at = Some(DateOrTime::Time(at("2026-11-21T10:00:00-05:00")));
    assert_eq!(
        plan_at(&t, &r, NOW)[0].due_date,
        d("2026-11-23"),
        "an earlier one changes nothing"
    );
}

#[test]
fn a_customer_out_of_office_gets_a_hold_and_no_strike_until_back() {
    let r = rules();
    let mut t = awaiting("T");
    t.customer_ooo_until = Some(d("2026-11-30"));
    let a = plan_at(&t, &r, NOW);
    let hold = only(&a, Kind::OooHold);
    assert_eq!((hold.step, hold.due_date), (1, d("2026-11-23")));
    assert!(hold.is_due(at(NOW)));
    assert_eq!(
        hold.detail,
        Detail::Hold {
            status: "On Hold - Awaiting Caller".into(),
            reactivation_date: d("2026-12-01")
        }
    );
    let s = only(&a, Kind::Strike);
    assert_eq!(s.due_date, d("2026-12-01"));

    t.reactivation_at = Some(DateOrTime::Date(d("2026-12-01")));
    let a = plan_at(&t, &r, NOW);
    assert!(
        a.iter().all(|x| x.kind != Kind::OooHold),
        "the hold is already in place"
    );
}

#[test]
fn no_resolution_while_the_customer_is_away() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(3);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    t.customer_ooo_until = Some(d("2026-11-25"));
    let a = plan_at(&t, &r, NOW);
    assert_eq!(
        only(&a, Kind::Resolve).due_date,
        d("2026-11-27"),
        "first business day after the return"
    );
    assert_eq!(only(&a, Kind::OooHold).step, 4);
}

#[test]
fn an_absence_that_ended_moves_the_date_but_needs_no_hold() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(1);
    t.last_attempt_at = Some(at("2026-11-17T14:00:00-05:00"));
    t.customer_ooo_until = Some(d("2026-11-20"));
    let a = plan_at(&t, &r, NOW);
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].kind, a[0].due_date), (Kind::Strike, d("2026-11-23")));
}

#[test]
fn portal_customers_are_called_only_on_request() {
    let r = rules();
    let mut t = awaiting("T");
    t.origin = Origin::Known(Channel::Portal);
    t.attempts = Some(2);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(
        s.fallback_channels,
        vec![Channel::Chat],
        "email, chat; phone dropped"
    );
    t.callback_requested = true;
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(s.fallback_channels, vec![Channel::Chat, Channel::Phone]);
}

#[test]
fn unknown_origins_take_the_default_ladder() {
    let r = rules();
    let mut t = awaiting("T");
    t.origin = Origin::Unknown("fax".into());
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(s.channel, Some(Channel::Chat));
    assert_eq!(s.fallback_channels, vec![Channel::Phone, Channel::Email]);
}

#[test]
fn an_absent_owner_is_covered_and_the_strike_is_not_postponed() {
    let r = rules();
    let mut t = awaiting("T");
    t.owner = Some("Alice Moreno".into());
    t.attempts = Some(1);
    t.last_attempt_at = Some(at("2026-11-25T11:00:00-05:00"));
    let s = &plan_at(&t, &r, "2026-11-27T14:00:00Z")[0];
    assert_eq!(
        s.due_date,
        d("2026-11-27"),
        "Alice is out on the 27th; the strike stays"
    );
    assert_eq!(s.assignee, "carol");
    assert_eq!(s.covering_for.as_deref(), Some("Alice Moreno"));

    let text = format!(
        "{}\n[agents.carol]\nout = [\"2026-11-27\"]\n",
        Rules::STARTER.replace(
            "[agents.carol]\nname = \"Carol Jensen\"\ncover = \"team-lead\"\n",
            ""
        )
    );
    let r2 = Rules::parse("r.toml", &text).unwrap();
    let s = &plan_at(&t, &r2, "2026-11-27T14:00:00Z")[0];
    assert_eq!(
        s.assignee, "team-lead",
        "carol is out too: [defaults].cover"
    );
    t.owner = None;
    assert_eq!(
        plan_at(&t, &r, "2026-11-27T14:00:00Z")[0].assignee,
        "service-desk-queue"
    );
}

#[test]
fn overdue_strikes_stay_due_and_count_business_days() {
    let r = rules();
    let mut t = awaiting("T");
    t.attempts = Some(1);
    t.last_attempt_at = Some(at("2026-11-16T15:00:00-05:00"));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(
        (s.step, s.due_date, s.overdue_days),
        (2, d("2026-11-17"), 4)
    );
    assert_eq!(s.contact_date, d("2026-11-23"));
    assert!(crate::output::reason::text(s).ends_with("Due 2026-11-17, 4 business days overdue."));
}

#[test]
fn a_customer_east_of_utc_is_contacted_on_their_next_business_day() {
    let r = rules();
    let mut t = awaiting("T");
    t.customer_tz = Some(Asia::Tokyo);
    t.opened_at = at("2026-11-18T15:00:00+09:00");
    t.awaiting_since = Some(at("2026-11-20T15:00:00+09:00"));
    let s = &plan_at(&t, &r, NOW)[0];
    assert_eq!(s.due_date, d("2026-11-23"));
    assert_eq!(
        s.contact_date,
        d("2026-11-24"),
        "23:00 in Tokyo: today's windows are over"
    );
    assert_eq!(s.suggested_at, at("2026-11-24T15:00:00+09:00"));
    assert_eq!(s.overdue_days, 0);
    assert_eq!(s.timezone, Asia::Tokyo);
}

#[test]
fn only_awaiting_tickets_get_strikes() {
    let r = rules();
    for state in [
        State::Open,
        State::OnHold,
        State::Resolved,
        State::Closed,
        State::Canceled,
    ] {
        let mut t = awaiting("T");
        t.state = state;
        assert!(plan_at(&t, &r, NOW).is_empty(), "{state:?}");
    }
}

#[test]
fn explain_records_every_date_computed() {
    let r = rules();
    let mut t = awaiting("T");
    t.customer_tz = Some(America::Chicago);
    let e = evaluate(&t, &r, at(NOW), at(NOW), true);
    let names: Vec<String> = e
        .facts
        .iter()
        .map(|f| crate::output::explain::parts(f).0)
        .collect();
    assert_eq!(
        names,
        [
            "timezone",
            "calendar",
            "today",
            "anchor",
            "attempts",
            "next date",
            "channels",
            "type",
            "check-ins"
        ]
    );
    assert!(evaluate(&t, &r, at(NOW), at(NOW), false).facts.is_empty());
}

/// Follow-ups per ticket type (SPEC §5–6) on the bundled types: support 7d (+30d if
/// complex) after resolution; sales 7d and 30d after opening; billing 4d (1d slack) after
/// opening and 3d before the billing date; complaint 7d (7d slack) and 21d, with an alert.
mod checkins {
    use super::*;
    use crate::ticket::Segment;
    use std::sync::Arc;

    fn resolved(id: &str, kind: &str, resolved_at: &str) -> Ticket {
        let mut t = Ticket::new(id, State::Resolved, at("2026-11-02T11:20:00-05:00"));
        t.kind = Some(kind.into());
        t.origin = Origin::Known(Channel::Phone);
        t.owner = Some("bob".into());
        t.resolved_at = Some(at(resolved_at));
        t
    }

    fn checkins(actions: &[Action]) -> Vec<(u32, NaiveDate)> {
        actions
            .iter()
            .filter(|a| a.kind == Kind::CheckIn)
            .map(|a| (a.step, a.due_date))
            .collect()
    }

    fn listed(t: &Ticket, r: &Rules, now: &str, within_days: i64) -> Vec<Action> {
        let now = at(now);
        let mut a = evaluate(t, r, now, now + chrono::TimeDelta::days(within_days), false).actions;
        a.retain(|x| x.is_due(now + chrono::TimeDelta::days(within_days)));
        a
    }

    #[test]
    fn support_follows_up_a_week_after_resolution_on_the_same_medium() {
        let r = rules();
        let t = resolved("S", "support", "2026-11-16T10:00:00-05:00");
        let a = plan_at(&t, &r, NOW);
        assert_eq!(
            checkins(&a),
            [(1, d("2026-11-23"))],
            "the complex step does not apply"
        );
        let c = &a[0];
        assert_eq!(c.channel, Some(Channel::Phone));
        assert!(c.fallback_channels.is_empty());
        assert_eq!(
            c.start,
            at("2026-11-23T10:00:00-05:00"),
            "no calls before 10"
        );
        assert!(!c.is_due(at(NOW)), "09:00: the phone window has not opened");
        assert_eq!(
            c.suggested_at,
            at("2026-11-23T11:20:00-05:00"),
            "the time the customer called in"
        );
        assert_eq!(c.id(), "S.check_in-1");
    }

    #[test]
    fn a_condition_column_enables_a_step() {
        let r = rules();
        let mut t = resolved("S", "support", "2026-11-16T10:00:00-05:00");
        t.flags.push((Arc::from("complex"), true));
        let a = plan_at(&t, &r, NOW);
        assert_eq!(checkins(&a), [(1, d("2026-11-23")), (2, d("2026-12-16"))]);
    }

    #[test]
    fn a_follow_up_on_or_after_the_step_date_marks_it_done() {
        let r = rules();
        let mut t = resolved("S", "support", "2026-11-16T10:00:00-05:00");
        t.last_followup_at = Some(at("2026-11-23T08:00:00-05:00"));
        assert!(checkins(&plan_at(&t, &r, NOW)).is_empty());
        t.last_followup_at = Some(at("2026-11-20T16:00:00-05:00"));
        assert_eq!(
            checkins(&plan_at(&t, &r, NOW)),
            [(1, d("2026-11-23"))],
            "before the date: not done"
        );
    }

    #[test]
    fn the_latest_due_step_is_listed_and_earlier_ones_named_as_missed() {
        let r = rules();
        let mut t = resolved("C", "complaint", "2026-11-16T10:00:00-05:00");
        t.state = State::Open;
        t.resolved_at = None;
        t.origin = Origin::Known(Channel::Email);
        t.opened_at = at("2026-11-02T11:00:00-05:00");
        // Step 1: 2026-11-09 (slack to the 16th, expires after the 30th); step 2: 2026-11-23.
        let a = listed(&t, &r, NOW, 0);
        assert_eq!(checkins(&a), [(2, d("2026-11-23"))]);
        assert!(
            crate::output::reason::text(&a[0]).contains("Missed earlier: step 1 (due 2026-11-09)"),
            "{}",
            crate::output::reason::text(&a[0])
        );
        let all = plan_at(&t, &r, NOW);
        assert_eq!(
            checkins(&all),
            [(2, d("2026-11-23"))],
            "never two check-ins for one ticket"
        );
    }

    #[test]
    fn a_step_long_past_its_window_expires() {
        let r = rules();
        let t = resolved("S", "support", "2026-10-01T10:00:00-04:00");
        // 2026-10-08, no slack, + 14 days = 2026-10-22: expired by November.
        assert!(checkins(&plan_at(&t, &r, NOW)).is_empty());
        assert_eq!(
            checkins(&plan_at(&t, &r, "2026-10-22T14:00:00Z")),
            [(1, d("2026-10-08"))],
            "still on its last day"
        );
    }

    #[test]
    fn weekends_and_holidays_push_the_date_to_the_next_business_day() {
        let r = rules();
        let mut t = resolved("S", "sales", "2026-11-16T10:00:00-05:00");
        t.state = State::Open;
        t.opened_at = at("2026-11-19T11:00:00-05:00");
        // 7 days after Thursday the 19th is Thanksgiving: Friday the 27th.
        assert_eq!(checkins(&plan_at(&t, &r, NOW))[0], (1, d("2026-11-27")));
        t.opened_at = at("2026-11-21T11:00:00-05:00");
        assert_eq!(
            checkins(&plan_at(&t, &r, NOW))[0],
            (1, d("2026-11-30")),
            "Saturday to Monday"
        );
    }

    #[test]
    fn e_mail_steps_with_slack_prefer_the_segment_days() {
        let r = rules();
        let mut t = resolved("B", "billing", "2026-11-30T10:00:00-05:00");
        t.origin = Origin::Known(Channel::Email);
        t.opened_at = at("2026-11-19T09:30:00-05:00");
        // 4 days after Thursday the 19th: Monday the 23rd, with one day of slack.
        t.segment = Some(Segment::Business);
        assert_eq!(
            checkins(&plan_at(&t, &r, NOW))[0],
            (1, d("2026-11-24")),
            "Tuesday"
        );
        t.segment = Some(Segment::Consumer);
        assert_eq!(
            checkins(&plan_at(&t, &r, NOW))[0],
            (1, d("2026-11-23")),
            "no Friday in the window"
        );
        t.segment = None;
        assert_eq!(checkins(&plan_at(&t, &r, NOW))[0], (1, d("2026-11-23")));
        t.segment = Some(Segment::Business);
        t.origin = Origin::Known(Channel::Phone);
        assert_eq!(
            checkins(&plan_at(&t, &r, NOW))[0],
            (1, d("2026-11-23")),
            "a call ignores e-mail days"
        );
    }

    #[test]
    fn consumer_e_mail_lands_on_friday_within_a_week_of_slack() {
        let r = rules();
        let mut t = resolved("C", "complaint", "2026-11-30T10:00:00-05:00");
        t.origin = Origin::Known(Channel::Portal);
        t.segment = Some(Segment::Consumer);
        t.opened_at = at("2026-11-09T09:30:00-05:00");
        // 7 days after Monday the 9th: Monday the 16th, slack to the 23rd: Friday the 20th.
        let a = plan_at(&t, &r, NOW);
        assert_eq!(checkins(&a)[0], (1, d("2026-11-20")));
        assert_eq!(
            a.iter().find(|x| x.kind == Kind::CheckIn).unwrap().channel,
            Some(Channel::Email),
            "portal is answered by e-mail"
        );
    }

    #[test]
    fn a_date_column_can_anchor_a_step_before_it() {
        let r = rules();
        let mut t = resolved("B", "billing", "2026-11-30T10:00:00-05:00");
        t.opened_at = at("2026-11-02T09:30:00-05:00");
        t.dates.push((
            Arc::from("next_billing_date"),
            DateOrTime::Date(d("2026-12-15")),
        ));
        let a = plan_at(&t, &r, NOW);
        assert_eq!(
            checkins(&a),
            [(2, d("2026-12-14"))],
            "step 1 (Nov 6) expired; 3 days before Dec 15 is Saturday: Monday"
        );
    }

    #[test]
    fn a_check_in_with_slack_moves_to_a_day_the_owner_is_in() {
        let r = rules();
        let mut t = resolved("C", "complaint", "2026-11-30T10:00:00-05:00");
        t.owner = Some("alice".into());
        t.origin = Origin::Known(Channel::Phone);
        t.opened_at = at("2026-11-20T09:30:00-05:00");
        // 7 days after the 20th is the 27th, when Alice is out; the window runs to Dec 4.
        let c = plan_at(&t, &r, NOW)
            .into_iter()
            .find(|a| a.kind == Kind::CheckIn)
            .unwrap();
        assert_eq!(c.due_date, d("2026-11-30"));
        assert_eq!(c.assignee, "alice");
        assert!(c.covering_for.is_none());
        assert!(
            crate::output::reason::text(&c).contains("alice is out on 2026-11-27"),
            "{}",
            crate::output::reason::text(&c)
        );
    }

    #[test]
    fn without_slack_an_absent_owner_is_covered() {
        let r = rules();
        let mut t = resolved("S", "support", "2026-11-20T10:00:00-05:00");
        t.owner = Some("alice".into());
        let c = &plan_at(&t, &r, NOW)[0];
        assert_eq!(c.due_date, d("2026-11-27"));
        assert_eq!(
            (c.assignee.as_str(), c.covering_for.as_deref()),
            ("carol", Some("alice"))
        );
    }

    #[test]
    fn an_owner_out_for_a_whole_window_is_covered_on_the_first_day() {
        let r = rules();
        let mut t = resolved("C", "complaint", "2026-12-30T10:00:00-05:00");
        t.owner = Some("alice".into());
        t.opened_at = at("2026-12-14T09:30:00-05:00");
        // 7 days after: Dec 21, slack to Dec 28; Alice is out Dec 21 to Jan 2.
        let c = plan_at(&t, &r, "2026-12-21T14:00:00Z")
            .into_iter()
            .find(|a| a.kind == Kind::CheckIn)
            .unwrap();
        assert_eq!(c.due_date, d("2026-12-21"));
        assert_eq!(c.assignee, "carol");
    }

    #[test]
    fn complaints_alert_the_team_until_a_business_day_after_opening() {
        let r = rules();
        let mut t = resolved("C", "complaint", "2026-12-30T10:00:00-05:00");
        t.state = State::AwaitingCustomer;
        t.resolved_at = None;
        t.opened_at = at("2026-11-20T16:00:00-05:00");
        t.awaiting_since = Some(at("2026-11-20T16:30:00-05:00"));
        let a = plan_at(&t, &r, NOW);
        let alert = only(&a, Kind::InternalAlert);
        assert_eq!(
            (alert.step, alert.due_date, alert.channel),
            (1, d("2026-11-20"), None)
        );
        assert!(
            a.iter().all(|x| x.kind != Kind::CheckIn),
            "awaiting: strikes, not check-ins"
        );
        assert!(
            plan_at(&t, &r, "2026-11-24T14:00:00Z")
                .iter()
                .all(|x| x.kind != Kind::InternalAlert),
            "listed until the 23rd"
        );
        t.state = State::Resolved;
        assert!(
            plan_at(&t, &r, NOW)
                .iter()
                .all(|x| x.kind != Kind::InternalAlert)
        );
    }

    #[test]
    fn closed_and_canceled_tickets_get_nothing() {
        let r = rules();
        for state in [State::Closed, State::Canceled] {
            let mut t = resolved("S", "complaint", "2026-11-16T10:00:00-05:00");
            t.state = state;
            t.opened_at = at("2026-11-23T08:00:00-05:00");
            assert!(plan_at(&t, &r, NOW).is_empty(), "{state:?}");
        }
    }

    #[test]
    fn unknown_types_follow_the_default_type_and_unknown_channels_get_e_mail() {
        let r = rules();
        let mut t = resolved("S", "warranty", "2026-11-16T10:00:00-05:00");
        t.origin = Origin::Unknown("fax".into());
        let a = plan_at(&t, &r, NOW);
        assert_eq!(checkins(&a), [(1, d("2026-11-23"))]);
        assert_eq!(a[0].channel, Some(Channel::Email));
        assert_eq!(a[0].ticket_type, "default");
    }
}

/// Recurring check-ins (SPEC §10): `every` or the account's `cadence` after the last
/// follow-up, else after opening, on a business day, with the type's slack.
mod recurring {
    use super::*;

    fn account(cadence: Option<&str>, last: Option<&str>) -> Ticket {
        let mut t = Ticket::new("ACC", State::Open, at("2026-06-01T10:00:00-04:00"));
        t.kind = Some("health_check".into());
        t.origin = Origin::Known(Channel::Phone);
        t.owner = Some("bob".into());
        t.cadence = cadence.map(|c| crate::time::Span::parse(c).unwrap());
        t.last_followup_at = last.map(at);
        t
    }

    fn check_in(t: &Ticket, now: &str) -> Option<Action> {
        plan_at(t, &rules(), now)
            .into_iter()
            .find(|a| a.kind == Kind::CheckIn)
    }

    #[test]
    fn the_type_cadence_counts_from_the_last_follow_up_and_skips_holidays() {
        // 14 days after Thursday the 12th is Thanksgiving: Friday the 27th.
        let a = check_in(&account(None, Some("2026-11-12T15:00:00-05:00")), NOW).unwrap();
        assert_eq!((a.step, a.due_date), (1, d("2026-11-27")));
        assert_eq!(a.channel, Some(Channel::Email), "the type's channel");
        assert!(a.slack_until.is_some(), "4 days of slack");
        assert_eq!(
            crate::output::reason::text(&a),
            "Recurring check-in every 14d (health_check account), by email: the last follow-up was 2026-11-12 (last_followup_at); ask how things are going and offer help."
        );
    }

    #[test]
    fn an_account_cadence_overrides_the_type_and_crosses_months() {
        let a = check_in(
            &account(Some("30d"), Some("2026-11-05T15:00:00-05:00")),
            NOW,
        )
        .unwrap();
        assert_eq!(a.due_date, d("2026-12-07"), "Dec 5 is a Saturday");
        let a = check_in(
            &account(Some("21d"), Some("2026-12-10T15:00:00-05:00")),
            "2026-12-30T14:00:00Z",
        )
        .unwrap();
        assert_eq!(a.due_date, d("2026-12-31"));
        let a = check_in(
            &account(Some("7d"), Some("2026-12-25T15:00:00-05:00")),
            "2026-12-30T14:00:00Z",
        )
        .unwrap();
        assert_eq!(
            a.due_date,
            d("2027-01-04"),
            "New Year's Day, then the weekend"
        );
    }

    #[test]
    fn without_a_follow_up_it_counts_from_opening_and_stays_due() {
        let a = check_in(&account(Some("7d"), None), NOW).unwrap();
        assert_eq!(a.due_date, d("2026-06-08"));
        // Monday 8 June to Monday 23 November: 24 weeks of 5 business days, no holiday.
        assert_eq!(
            crate::output::reason::text(&a),
            "Recurring check-in every 7d (health_check account), by email: the last follow-up was 2026-06-01 (opened_at); ask how things are going and offer help. Due 2026-06-08, 120 business days overdue."
        );
        assert!(a.is_due(at(NOW)), "a recurring check-in never expires");
    }

    #[test]
    fn only_open_and_on_hold_accounts_recur() {
        let mut t = account(Some("7d"), Some("2026-11-12T15:00:00-05:00"));
        for (state, expect) in [
            (State::OnHold, true),
            (State::Resolved, false),
            (State::Closed, false),
            (State::AwaitingCustomer, false),
        ] {
            t.state = state;
            assert_eq!(check_in(&t, NOW).is_some(), expect, "{state:?}");
        }
    }
}

#[test]
fn sorting_orders_by_the_spec_key_and_keeps_equal_keys_in_order() {
    let r = rules();
    let one = plan_at(&awaiting("T1"), &r, NOW).remove(0);
    let mut actions = Vec::new();
    for (i, (id, day)) in [
        ("T9", 25),
        ("T2", 24),
        ("T5", 24),
        ("T2", 23),
        ("T9", 25),
        ("T1", 30),
        ("T2", 24),
    ]
    .into_iter()
    .enumerate()
    {
        let mut a = one.clone();
        a.ticket_id = id.into();
        a.due_date = d(&format!("2026-11-{day}"));
        // Not part of the key: marks where each action started.
        a.overdue_days = i as u32;
        actions.push(a);
    }
    let mut stable = actions.clone();
    stable.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    sort(&mut actions);
    let order = |v: &[Action]| v.iter().map(|a| a.overdue_days).collect::<Vec<_>>();
    assert_eq!(order(&actions), [3, 1, 6, 2, 0, 4, 5]);
    assert_eq!(order(&actions), order(&stable));
}

#[test]
fn sorting_many_actions_matches_a_stable_sort() {
    let r = rules();
    let one = plan_at(&awaiting("T1"), &r, NOW).remove(0);
    // Ids that share their first eight bytes, are shorter than eight, end in NUL, or whose
    // first and last bytes order them differently.
    let ids = [
        "INCIDENT-2",
        "INCIDENT-10",
        "INCIDENT",
        "INCIDEN",
        "A",
        "A\0",
        "",
        "INCIDENT-1",
        "AZ",
        "BA",
        // Sixteen bytes in common, then apart.
        "INCIDENT-0000001-B",
        "INCIDENT-0000001-A",
        "INCIDENT-0000001",
    ];
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut all = Vec::new();
    for i in 0..3001 {
        let mut a = one.clone();
        a.ticket_id = ids[next(ids.len() as u64) as usize].into();
        a.due_date = d("2026-11-23") + chrono::Days::new(next(3));
        a.suggested_at = at(NOW) + chrono::TimeDelta::minutes(next(4) as i64 * 30);
        a.kind = Kind::ALL[next(5) as usize];
        a.step = next(3) as u32;
        a.overdue_days = i;
        all.push(a);
    }
    // Halves of every size are sorted and merged on two threads.
    for n in [0, 1, 2, 3, 4, 5, 17, 3000, 3001] {
        let mut actions = all[..n].to_vec();
        let mut stable = actions.clone();
        stable.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        sort(&mut actions);
        assert_eq!(actions, stable, "{n} actions");
    }
}
/// Tickets plan straight into a chunk's actions; what is not kept of a ticket's own goes,
/// and the rest keep their order.
#[test]
fn retaining_a_tail_keeps_the_head_and_the_order() {
    let one = plan_at(&awaiting("T1"), &rules(), NOW).remove(0);
    let mut v: Vec<Action> = (0..9)
        .map(|i| {
            let mut a = one.clone();
            a.overdue_days = i;
            a
        })
        .collect();
    retain_from(&mut v, 3, |a| a.overdue_days % 3 != 1);
    let left: Vec<u32> = v.iter().map(|a| a.overdue_days).collect();
    assert_eq!(left, [0, 1, 2, 3, 5, 6, 8]);
}

/// Hundreds of thousands of actions are held until they are sorted: each byte of an action
/// is a few hundred kilobytes of memory on a large export.
#[test]
fn an_action_stays_within_its_memory_budget() {
    assert!(
        std::mem::size_of::<Action>() <= 272,
        "{}",
        std::mem::size_of::<Action>()
    );
}

/// A night holds the head of each of its actions until its outputs are written: under a
/// third of the action's memory.
#[test]
fn an_actions_head_stays_within_its_memory_budget() {
    let size = std::mem::size_of::<super::Head>();
    assert!(size <= 80, "{size}");
}

mod action_ids {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn read_ticket_kind_and_step(id in "\\PC{0,30}", step in any::<u32>(), k in 0..Kind::ALL.len()) {
            let r = rules();
            let mut a = plan_at(&awaiting("T1"), &r, NOW).remove(0);
            a.ticket_id = id.as_str().into();
            a.kind = Kind::ALL[k];
            a.step = step;
            prop_assert_eq!(a.id(), format!("{id}.{}-{step}", Kind::ALL[k].name()));
        }
    }
}
