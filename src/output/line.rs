//! One action as a JSON line, written straight into a buffer: the same bytes as
//! serializing `Row` with serde_json, without the strings a `Row` allocates. Exports of
//! millions of tickets write hundreds of thousands of these.

use crate::time::write_date as date;

use super::Detail;
use crate::engine::Action;

/// Appends `a` as one JSON object and a newline; `reason` is scratch space.
pub fn ndjson(a: &Action, out: &mut Vec<u8>, reason: &mut String) {
    out.extend_from_slice(b"{\"action_id\":");
    quoted_id(a, out);
    out.extend_from_slice(b",\"ticket_id\":");
    string(out, &a.ticket_id);
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(a.kind.name().as_bytes());
    out.extend_from_slice(b"\",\"step\":");
    number(out, a.step);
    out.extend_from_slice(b",\"due_date\":\"");
    date(out, a.due_date);
    out.extend_from_slice(b"\",\"overdue_days\":");
    number(out, a.overdue_days);
    out.extend_from_slice(b",\"suggested_at\":\"");
    let suggested = out.len();
    crate::time::write_rfc3339_in(out, a.suggested_at, a.timezone);
    let suggested = suggested..out.len();
    out.extend_from_slice(b"\",\"window_start\":\"");
    // Most windows open at the suggested time: its text serves again.
    if a.window_start == a.suggested_at {
        out.extend_from_within(suggested);
    } else {
        crate::time::write_rfc3339_in(out, a.window_start, a.timezone);
    }
    out.extend_from_slice(b"\",\"window_end\":\"");
    crate::time::write_rfc3339_in(out, a.window_end, a.timezone);
    out.extend_from_slice(b"\",\"timezone\":\"");
    out.extend_from_slice(a.timezone.name().as_bytes());
    out.extend_from_slice(b"\",\"channel\":");
    match a.channel {
        Some(c) => {
            out.push(b'"');
            out.extend_from_slice(c.name().as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"fallback_channels\":[");
    for (i, c) in a.fallback_channels.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(c.name().as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"],\"assignee\":");
    string(out, &a.assignee);
    out.extend_from_slice(b",\"covering_for\":");
    match &a.covering_for {
        Some(c) => string(out, c),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"reason\":");
    reason.clear();
    a.write_reason(reason);
    string(out, reason);
    match &a.detail {
        Detail::Resolve(r) => {
            out.extend_from_slice(b",\"resolve_status\":");
            string(out, &r.status);
            out.extend_from_slice(b",\"close_code\":");
            string(out, &r.close_code);
            out.extend_from_slice(b",\"close_notes\":");
            reason.clear();
            r.write_close_notes(reason);
            string(out, reason);
        }
        Detail::Hold {
            status,
            reactivation_date,
        } => {
            out.extend_from_slice(b",\"hold_status\":");
            string(out, status);
            out.extend_from_slice(b",\"reactivation_date\":\"");
            date(out, *reactivation_date);
            out.push(b'"');
        }
        Detail::None | Detail::Strike { .. } | Detail::CheckIn { .. } => {}
    }
    if let Some(d) = &a.draft {
        out.extend_from_slice(b",\"draft_subject\":");
        string(out, &d.subject);
        out.extend_from_slice(b",\"draft_body\":");
        string(out, &d.body);
    }
    out.extend_from_slice(b"}\n");
}

/// The action id, quoted: `Action::id` without its allocation.
fn quoted_id(a: &Action, out: &mut Vec<u8>) {
    out.push(b'"');
    escaped(out, &a.ticket_id);
    out.push(b'.');
    out.extend_from_slice(a.kind.name().as_bytes());
    out.push(b'-');
    number(out, a.step);
    out.push(b'"');
}

fn number(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(crate::util::decimal(n, &mut [0; 10]).as_bytes());
}

/// A JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escaped(out, s);
    out.push(b'"');
}

/// A string's JSON escapes as serde_json writes them: `"`, `\` and control characters.
fn escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most texts need no escape; a pass without branches (which vectorizes) tells.
    let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    if bytes.iter().fold(0u8, |any, &b| any | u8::from(special(b))) == 0 {
        out.extend_from_slice(bytes);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xF) as usize],
            ]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rules;
    use crate::ticket::{Origin, State, Ticket};
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
                let opened =
                    ["2026-10-01T15:40:00Z", "2026-11-20T15:40:00Z"][attempts as usize % 2];
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
                    if checked % 2 == 1 {
                        a.draft = Some(Box::new(crate::drafts::Draft {
                            to: String::new(),
                            subject: "Re: \"x\"".into(),
                            body: "Hi,\r\n\u{8}\u{c}\u{1f}ok".into(),
                        }));
                        a.covering_for = Some("carol".into());
                    }
                    if checked % 3 == 0 {
                        a.suggested_at = a.window_start;
                    }
                    opens_late += usize::from(a.window_start != a.suggested_at);
                    let mut want = serde_json::to_vec(&super::super::Row::new(&a)).unwrap();
                    want.push(b'\n');
                    let mut got = Vec::new();
                    ndjson(&a, &mut got, &mut String::new());
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
}
