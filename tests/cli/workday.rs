//! The agent's working day: a customer-facing action falls where the customer's windows
//! and the assignee's hours meet, in both zones, through each side's clock changes; the
//! assignee's holidays are days out; where the two never meet, the customer's window stands
//! and the plan says so.

use crate::Case;

/// A New York desk (alice works 09:00-17:00 New York on US working days) for customers on
/// the British calendar, whose windows are 09:00-17:00 less 12:00-13:00 (and, by phone,
/// 09:00-10:00).
const RULES: &str = r#"
[defaults]
timezone = "America/New_York"
calendar = "GB"
cover = "team-lead"
[hours]
business = ["09:00-17:00"]
[quiet_hours]
all = ["12:00-13:00"]
phone = ["09:00-10:00"]
[agents.alice]
timezone = "America/New_York"
hours = ["09:00-17:00"]
calendar = "US"
[agents.team-lead]
"#;

/// The first strike's (window start, window end, suggested, assignee) of a ticket awaiting
/// since 10:00 local on `since`, planned that evening, in the customer's offset.
fn first_strike(rules: &str, tz: &str, since: &str) -> (String, String, String, String, String) {
    let csv = format!(
        "id,status,opened_at,customer_tz,owner,awaiting_since,attempts\nT1,Pending,{since}T10:00:00Z,{tz},alice,{since}T10:00:00Z,0\n"
    );
    let now = format!("{since}T22:00:00Z");
    let out = Case::new(&[
        "--now", &now, "plan", "-", "--within", "4d", "--format", "csv",
    ])
    .rules(rules)
    .stdin(&csv)
    .run();
    assert!(out.code == 0, "{}", out.stderr);
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = r.headers().unwrap().clone();
    let rec = r.records().next().expect("a strike").unwrap();
    let col = |n: &str| rec[h.iter().position(|c| c == n).unwrap()].to_string();
    (
        col("window_start"),
        col("window_end"),
        col("suggested_at"),
        col("assignee"),
        out.stderr,
    )
}

#[test]
fn a_new_york_agent_reaches_london_customers_in_the_afternoon_through_both_clock_changes() {
    // Winter, both on standard time (5 hours apart): 14:00-17:00 London is 09:00-12:00 in
    // New York.
    let (a, b, s, who, _) = first_strike(RULES, "Europe/London", "2026-02-09");
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("2026-02-10T14:00:00+00:00", "2026-02-10T17:00:00+00:00")
    );
    assert_eq!(
        (s.as_str(), who.as_str()),
        ("2026-02-10T14:00:00+00:00", "alice")
    );
    // New York has moved its clocks (8 March), London not yet (29 March): 4 hours apart,
    // 13:00-17:00 London is 09:00-13:00 New York.
    let (a, b, _, _, _) = first_strike(RULES, "Europe/London", "2026-03-16");
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("2026-03-17T13:00:00+00:00", "2026-03-17T17:00:00+00:00")
    );
    // Summer, both on daylight time: 5 hours apart again.
    let (a, b, _, _, _) = first_strike(RULES, "Europe/London", "2026-06-15");
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("2026-06-16T14:00:00+01:00", "2026-06-16T17:00:00+01:00")
    );
    // London has moved back (25 October), New York not yet (1 November): 4 hours apart.
    let (a, b, _, _, _) = first_strike(RULES, "Europe/London", "2026-10-26");
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("2026-10-27T13:00:00+00:00", "2026-10-27T17:00:00+00:00")
    );
}

#[test]
fn without_working_days_the_customers_windows_stand() {
    let plain = RULES.replace(
        "timezone = \"America/New_York\"\nhours = [\"09:00-17:00\"]\ncalendar = \"US\"\n",
        "",
    );
    let (a, b, s, _, _) = first_strike(&plain, "Europe/London", "2026-02-09");
    assert_eq!(
        (a.as_str(), b.as_str(), s.as_str()),
        (
            "2026-02-10T09:00:00+00:00",
            "2026-02-10T12:00:00+00:00",
            "2026-02-10T10:00:00+00:00"
        )
    );
}

#[test]
fn the_agents_own_holiday_is_a_day_out_that_the_cover_takes() {
    // Thanksgiving, Thursday 26 November: a working day in London, a holiday for alice.
    let (a, _, _, who, _) = first_strike(RULES, "Europe/London", "2026-11-25");
    assert_eq!(who, "team-lead");
    // The cover has no working day of their own: the customer's windows stand.
    assert_eq!(a, "2026-11-26T09:00:00+00:00");
}

#[test]
fn where_the_hours_never_meet_the_customers_window_stands_and_the_plan_says_so() {
    // Tokyo's 09:00-17:00 is 19:00-03:00 in New York: never inside alice's day.
    let (a, b, _, who, stderr) = first_strike(RULES, "Asia/Tokyo", "2026-02-09");
    assert_eq!(
        (a.as_str(), b.as_str(), who.as_str()),
        (
            "2026-02-10T09:00:00+09:00",
            "2026-02-10T12:00:00+09:00",
            "alice"
        )
    );
    assert!(
        stderr.contains("alice: 1 action falls outside their working hours"),
        "{stderr}"
    );
    let csv = "id,status,opened_at,customer_tz,owner,awaiting_since,attempts\nT1,Pending,2026-02-09T10:00:00Z,Asia/Tokyo,alice,2026-02-09T10:00:00Z,0\n";
    let out = Case::new(&[
        "--now",
        "2026-02-09T22:00:00Z",
        "plan",
        "-",
        "--within",
        "4d",
        "--format",
        "table",
    ])
    .rules(RULES)
    .stdin(csv)
    .code(0)
    .run();
    assert!(
        out.stdout.contains("09:00 Tokyo · 19:00 New York"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("alice's working hours do not reach the customer's windows")
    );
}

#[test]
fn a_working_day_that_names_an_unknown_zone_or_calendar_is_a_rules_error() {
    let bad = RULES.replace("calendar = \"US\"", "calendar = \"Atlantis\"");
    Case::new(&["rules", "check"])
        .rules(&bad)
        .code(2)
        .stderr_has("[agents.alice].calendar: no calendar \"Atlantis\"")
        .run();
    let bad = RULES.replace(
        "[agents.alice]\ntimezone = \"America/New_York\"",
        "[agents.alice]\ntimezone = \"Mars/Olympus\"",
    );
    Case::new(&["rules", "check"])
        .rules(&bad)
        .code(2)
        .stderr_has("[agents.alice].timezone")
        .run();
}

mod invariants {
    //! Over random customer and agent zones, hours and dates: a customer-facing action lies
    //! in the customer's window on a business day of the customer's calendar and, unless the
    //! plan says the two never meet, inside its assignee's hours on a working day of theirs;
    //! an agent's own holiday is never their contact date.

    use chrono::{DateTime, TimeDelta, Utc};
    use followup::config::Rules;
    use followup::engine::evaluate;
    use followup::ticket::{State, Ticket};
    use followup::time::{local_date, local_minute};
    use proptest::prelude::*;

    const ZONES: [&str; 8] = [
        "America/New_York",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Europe/London",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Asia/Tokyo",
        "Australia/Sydney",
    ];
    const CALENDARS: [&str; 6] = ["US", "GB", "DE-BY", "IN-KA", "JP", "AU-NSW"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn actions_fall_where_both_parties_are_at_work(
            customer in 0usize..8, agent in 0usize..8,
            customer_cal in 0usize..6, agent_cal in 0usize..6,
            start in 6u16..12, length in 4u16..12,
            day in 0i64..400, hour in 0i64..24, attempts in 0u32..3,
        ) {
            let end = (start + length).min(23);
            let toml = format!(
                "[defaults]\ntimezone = \"UTC\"\ncalendar = \"{}\"\n[hours]\nbusiness = [\"08:00-18:00\"]\n\
                 [agents.alice]\ntimezone = \"{}\"\nhours = [\"{start:02}:00-{end:02}:00\"]\ncalendar = \"{}\"\n\
                 [agents.team-lead]\n",
                CALENDARS[customer_cal], ZONES[agent], CALENDARS[agent_cal],
            );
            let rules = Rules::parse("p.toml", &toml).unwrap();
            let now: DateTime<Utc> = "2026-01-05T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
                + TimeDelta::days(day) + TimeDelta::hours(hour);
            let mut t = Ticket::new("P-1", State::AwaitingCustomer, now - TimeDelta::days(2));
            t.customer_tz = Some(ZONES[customer].parse().unwrap());
            t.owner = Some("alice".into());
            t.awaiting_since = Some(now - TimeDelta::days(1));
            t.attempts = Some(attempts);
            if attempts > 0 {
                t.last_attempt_at = Some(now - TimeDelta::hours(20));
            }
            let ev = evaluate(&t, &rules, now, now + TimeDelta::days(30), false);
            let cust_tz = t.customer_tz.unwrap();
            let cust_cal = rules.calendar(rules.default_calendar).1;
            let alice = rules.agent("alice").unwrap();
            let day = alice.day.as_ref().unwrap();
            let agent_cal = rules.calendar(day.calendar).1;
            for a in ev.actions.iter().filter(|a| a.channel.is_some()) {
                let s = a.suggested_at;
                prop_assert!(a.window_start <= s && s < a.window_end);
                prop_assert!(cust_cal.is_business_day(local_date(s, cust_tz)), "{a:?}");
                if a.assignee == "alice" {
                    // Her own holiday is a day out: the cover takes it.
                    let d = a.contact_date;
                    prop_assert!(!agent_cal.is_workday(d) || agent_cal.is_business_day(d), "alice on her holiday {d}");
                    if !a.reason.outside_hours {
                        let m = local_minute(s, day.tz);
                        prop_assert!(day.hours.iter().any(|i| i.start <= m && m < i.end), "at {m} outside alice's hours: {a:?}");
                        prop_assert!(agent_cal.is_business_day(local_date(s, day.tz)), "off alice's working days: {a:?}");
                        let w = local_minute(a.window_end - TimeDelta::minutes(1), day.tz);
                        prop_assert!(day.hours.iter().any(|i| i.start <= w && w < i.end), "window ends outside alice's hours: {a:?}");
                    }
                }
            }
        }
    }
}
