//! The ndjson lines against serde_json, and dates at the far ends of the calendar.
use crate::config::Rules;
use crate::output::columns::{Scratch, ndjson_line};
use crate::output::{Draft, Row};
use crate::ticket::{Origin, State, Ticket};
use crate::time::write_date as date;
use chrono::{DateTime, NaiveDate, Utc};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// `Row` through serde_json is the reference for every kind, odd texts and drafts.
#[test]
fn lines_are_what_serde_json_writes_of_a_row() {
    let rules = Rules::parse("rules.toml", Rules::STARTER).unwrap();
    let now = at("2026-11-23T14:00:00Z");
    let mut checked = 0;
    let mut opens_late = 0;
    let types = [
        "support",
        "complaint",
        "sales",
        "suggestion",
        "health_check",
    ];
    for (i, (state, kind)) in [State::AwaitingCustomer, State::Resolved, State::Open]
        .into_iter()
        .flat_map(|s| types.map(|k| (s, k)))
        .enumerate()
    {
        for attempts in 0..4 {
            let id = format!("A\"q\\{i}\u{1}\u{7f}é\n{attempts}");
            let opened = ["2026-10-01T15:40:00Z", "2026-11-20T15:40:00Z"][attempts as usize % 2];
            let mut t = Ticket::new(&id, state, at(opened));
            t.origin = Origin::Known(crate::ticket::Channel::Phone);
            t.owner = Some("bob\t".into());
            t.kind = Some(kind.into());
            t.awaiting_since = Some(at("2026-11-02T15:10:00Z"));
            t.resolved_at = Some(at("2026-11-10T15:10:00Z"));
            t.attempts = Some(attempts);
            t.last_attempt_at = (attempts > 0).then(|| at("2026-11-10T15:10:00Z"));
            t.customer_ooo_until = (attempts == 2).then(|| d("2026-11-30"));
            for mut a in crate::engine::evaluate(&t, &rules, now, now, false).actions {
                let draft = Draft {
                    to: String::new(),
                    subject: "Re: \"x\"".into(),
                    body: "Hi,\r\n\u{8}\u{c}\u{1f}ok".into(),
                    note: None,
                };
                if checked % 2 == 1 {
                    a.covering_for = Some("carol".into());
                }
                if checked % 3 == 0 {
                    a.suggested_at = a.window_start;
                }
                opens_late += usize::from(a.window_start != a.suggested_at);
                let row = Row {
                    action: &a,
                    draft: (checked % 2 == 1).then_some(&draft),
                };
                let mut want = serde_json::to_vec(&row).unwrap();
                want.push(b'\n');
                let mut got = Vec::new();
                ndjson_line(row, &mut got, &mut Scratch::default());
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} actions compared");
    // The suggested time's text serves for the window's start only when they agree.
    assert!(
        opens_late > 0 && opens_late < checked,
        "{opens_late} of {checked}"
    );
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn dates_outside_four_digit_years_are_written_as_chrono_writes_them() {
    for s in ["0001-01-01", "2026-11-23", "9999-12-31"] {
        let mut out = Vec::new();
        date(&mut out, d(s));
        assert_eq!(out, s.as_bytes());
    }
    let far = NaiveDate::from_ymd_opt(12345, 6, 7).unwrap();
    let mut out = Vec::new();
    date(&mut out, far);
    assert_eq!(String::from_utf8(out).unwrap(), far.to_string());
}
