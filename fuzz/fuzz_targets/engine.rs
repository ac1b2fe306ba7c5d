//! Random tickets (CSV rows under a header of every field) at a random instant: the engine
//! never panics and its actions keep the invariants of SPEC §3–4.
#![no_main]

use chrono::{DateTime, TimeDelta};
use followup::config::{Format, Rules};
use followup::engine::{Kind, evaluate};
use followup::input::{Source, read};
use followup::ticket::{Field, State};
use libfuzzer_sys::fuzz_target;

static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(|| {
    Rules::parse("rules.toml", Rules::STARTER).expect("the bundled rules are valid")
});

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let rules = &*RULES;
    // The first four bytes pick the instant: any minute within ±4 years of 2026.
    let offset = i32::from_le_bytes([data[0], data[1], data[2], data[3]]) % (4 * 366 * 24 * 60);
    let Some(now) = DateTime::from_timestamp(1_795_000_000 + i64::from(offset) * 60, 0) else {
        return;
    };
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    let mut csv = header.join(",").into_bytes();
    csv.push(b'\n');
    csv.extend_from_slice(&data[4..]);
    let _ = read(
        &[Source::Bytes("fuzz.csv".into(), csv)],
        rules,
        Some(Format::Csv),
        |t| {
            let horizon = now + TimeDelta::hours(24);
            let eval = evaluate(&t, rules, now, horizon, false);
            assert_eq!(
                eval.actions,
                evaluate(&t, rules, now, horizon, false).actions,
                "deterministic"
            );
            for a in &eval.actions {
                assert!(
                    a.window_start <= a.suggested_at && a.suggested_at < a.window_end,
                    "{a:?}"
                );
                assert!(a.contact_date >= a.due_date, "{a:?}");
                match a.kind {
                    Kind::Strike => assert!(a.step >= 1 && a.step <= rules.strikes.count, "{a:?}"),
                    Kind::Resolve => {
                        assert!(t.customer_ooo_until.is_none_or(|r| a.due_date > r), "{a:?}")
                    }
                    Kind::CheckIn => assert!(matches!(
                        t.state,
                        State::Open | State::OnHold | State::Resolved
                    )),
                    _ => {}
                }
            }
        },
    );
});
