//! Criterion benches of the engine per ticket (strike, check-in and cover paths) and of
//! reading rows. Run by hand: `cargo bench`.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use followup::config::{Format, Rules};
use followup::engine::evaluate;
use followup::input::{Source, read};
use followup::ticket::{Channel, Origin, State, Ticket};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn rules() -> Rules {
    Rules::parse("rules.toml", Rules::STARTER).unwrap()
}

fn engine(c: &mut Criterion) {
    let r = rules();
    let now = at("2026-11-23T14:00:00Z");
    let mut strike = Ticket::new(
        "S",
        State::AwaitingCustomer,
        at("2026-11-18T15:40:00-05:00"),
    );
    strike.origin = Origin::Known(Channel::Phone);
    strike.owner = Some("bob".into());
    strike.customer_tz = Some(chrono_tz::Europe::Berlin);
    strike.awaiting_since = Some(at("2026-11-20T15:10:00-05:00"));
    strike.attempts = Some(1);
    strike.last_attempt_at = Some(at("2026-11-20T16:00:00-05:00"));
    let mut checkin = Ticket::new("C", State::Resolved, at("2026-11-10T09:30:00-05:00"));
    checkin.kind = Some("complaint".into());
    checkin.origin = Origin::Known(Channel::Email);
    checkin.owner = Some("bob".into());
    checkin.resolved_at = Some(at("2026-11-16T10:00:00-05:00"));
    let mut cover = strike.clone();
    cover.owner = Some("alice".into());
    let cover_now = at("2026-11-27T14:00:00Z");
    cover.last_attempt_at = Some(at("2026-11-26T16:00:00-05:00"));
    c.bench_function("engine/strike", |b| {
        b.iter(|| evaluate(black_box(&strike), &r, now, now, false))
    });
    c.bench_function("engine/check_in", |b| {
        b.iter(|| evaluate(black_box(&checkin), &r, now, now, false))
    });
    c.bench_function("engine/cover", |b| {
        b.iter(|| evaluate(black_box(&cover), &r, cover_now, cover_now, false))
    });
}

fn parsing(c: &mut Criterion) {
    let r = rules();
    let mut csv = String::from(
        "id,status,opened_at,type,channel,customer,customer_tz,owner,awaiting_since,attempts,last_attempt_at\n",
    );
    for i in 0..1000 {
        csv.push_str(&format!(
            "T{i},Pending,2026-11-18T10:00:00Z,support,email,Maria Lopez,Europe/Berlin,bob,2026-11-20T10:00:00Z,1,2026-11-20T15:00:00+01:00\n"
        ));
    }
    let bytes = csv.into_bytes();
    c.bench_function("input/csv_1000_rows", |b| {
        b.iter(|| {
            let mut n = 0;
            read(
                &[Source::Bytes("bench.csv".into(), bytes.clone())],
                &r,
                Some(Format::Csv),
                |_| n += 1,
            )
            .unwrap();
            n
        })
    });
}

criterion_group!(benches, engine, parsing);
criterion_main!(benches);
