//! The time arithmetic, pinned: business days, holidays, DST gaps and folds, windows and
//! quiet hours, in zones on both sides of UTC and with half-hour offsets.

use super::*;
use chrono::{Days, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;
use chrono_tz::{America, Asia, Australia, Europe, Pacific};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn us() -> Calendar {
    Calendar::new(
        [true, true, true, true, true, false, false],
        vec![d("2026-11-26"), d("2026-12-25"), d("2027-01-01")],
    )
}

fn local(tz: Tz, date: &str, hhmm: &str) -> DateTime<Utc> {
    local_instant(tz, d(date), parse_hhmm(hhmm, true).unwrap())
}

/// `add_bd` on the US calendar (Thanksgiving, Christmas, New Year's Day): from, n, want.
#[test]
fn add_bd_skips_weekends_and_holidays() {
    let c = us();
    let table = [
        ("2026-11-20", 1, "2026-11-23", "Friday + 1 is Monday"),
        ("2026-11-25", 1, "2026-11-27", "Thanksgiving is skipped"),
        (
            "2026-11-25",
            2,
            "2026-11-30",
            "Thanksgiving and the weekend",
        ),
        ("2026-11-21", 0, "2026-11-23", "n = 0 on a Saturday: Monday"),
        (
            "2026-11-26",
            0,
            "2026-11-27",
            "n = 0 on a holiday: the next day",
        ),
        (
            "2026-11-24",
            0,
            "2026-11-24",
            "n = 0 on a business day: itself",
        ),
        ("2026-11-22", 1, "2026-11-23", "Sunday + 1 is Monday"),
        (
            "2026-11-23",
            1,
            "2026-11-24",
            "strictly after: Monday + 1 is Tuesday",
        ),
        ("2026-12-24", 1, "2026-12-28", "Christmas and the weekend"),
        (
            "2026-12-31",
            1,
            "2027-01-04",
            "across the year and New Year's Day",
        ),
    ];
    for (from, n, want, why) in table {
        assert_eq!(c.add_bd(d(from), n), d(want), "{from} + {n}: {why}");
    }
}

/// Business days `x` with `a < x <= b`: a, b, count.
#[test]
fn business_days_between_counts_the_half_open_range() {
    let c = us();
    let table = [
        ("2026-11-17", "2026-11-23", 4, "Wed to Mon"),
        ("2026-11-23", "2026-11-23", 0, "an empty range"),
        ("2026-11-24", "2026-11-23", 0, "a range backwards"),
        ("2026-11-25", "2026-11-30", 2, "Thu holiday, weekend"),
        ("2026-11-01", "2026-12-31", 42, "two months"),
    ];
    for (a, b, want, why) in table {
        assert_eq!(c.business_days_between(d(a), d(b)), want, "{a}..{b}: {why}");
    }
}

#[test]
fn business_days_between_agrees_with_counting_one_by_one() {
    let c = us();
    let start = d("2026-11-01");
    for span in 0..120u64 {
        let end = start + Days::new(span);
        let mut n = 0;
        let mut x = start;
        while x < end {
            x = x.succ_opt().unwrap();
            if c.is_business_day(x) {
                n += 1;
            }
        }
        assert_eq!(c.business_days_between(start, end), n, "{start}..{end}");
    }
}

/// Local wall times as instants, across DST changes on both sides of UTC, with half-hour
/// offsets and without DST: a time in a gap moves forward by the gap, one in a fold takes
/// the earlier instant.
#[test]
fn local_times_across_dst_gaps_and_folds() {
    use America::{New_York, Sao_Paulo};
    use Australia::Lord_Howe;
    use Europe::Berlin;
    use Pacific::Auckland;
    let table = [
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        (
            New_York,
            "2026-03-08",
            "02:30",
            "2026-03-08T07:30:00Z",
            "gap: 03:30 EDT",
        ),
        (
            New_York,
            "2026-03-08",
            "03:00",
            "2026-03-08T07:00:00Z",
            "after the gap",
        ),
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        (
            New_York,
            "2026-11-01",
            "01:30",
            "2026-11-01T05:30:00Z",
            "fold: the EDT one",
        ),
        (
            New_York,
            "2026-11-02",
            "09:00",
            "2026-11-02T14:00:00Z",
            "the day after: EST",
        ),
        (
            Berlin,
            "2026-03-29",
            "02:30",
            "2026-03-29T01:30:00Z",
            "gap: 03:30 CEST",
        ),
        (
            Berlin,
            "2026-10-25",
            "02:30",
            "2026-10-25T00:30:00Z",
            "fold: the CEST one",
        ),
        (
            Berlin,
            "2026-03-27",
            "09:00",
            "2026-03-27T08:00:00Z",
            "Friday before: CET",
        ),
        (
            Berlin,
            "2026-03-30",
            "09:00",
            "2026-03-30T07:00:00Z",
            "Monday after: CEST",
        ),
        (
            Asia::Kolkata,
            "2026-11-23",
            "09:00",
            "2026-11-23T03:30:00Z",
            "+05:30",
        ),
        (
            Asia::Kolkata,
            "2026-06-23",
            "09:00",
            "2026-06-23T03:30:00Z",
            "no DST",
        ),
        // 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00).
        (
            Lord_Howe,
            "2026-10-04",
            "02:15",
            "2026-10-03T15:45:00Z",
            "30-minute gap",
        ),
        // 2026-04-05: 02:00 (+11:00) falls back to 01:30 (+10:30); 01:45 happens twice.
        (
            Lord_Howe,
            "2026-04-05",
            "01:45",
            "2026-04-04T14:45:00Z",
            "fold: the +11 one",
        ),
        (
            Lord_Howe,
            "2026-11-23",
            "09:00",
            "2026-11-22T22:00:00Z",
            "summer: +11",
        ),
        (
            Lord_Howe,
            "2026-06-23",
            "09:00",
            "2026-06-22T22:30:00Z",
            "winter: +10:30",
        ),
        // 2026-09-27: 02:00 NZST jumps to 03:00 NZDT.
        (
            Auckland,
            "2026-09-27",
            "02:30",
            "2026-09-26T14:30:00Z",
            "gap: 03:30 NZDT",
        ),
        // 2026-04-05: 03:00 NZDT falls back to 02:00 NZST.
        (
            Auckland,
            "2026-04-05",
            "02:30",
            "2026-04-04T13:30:00Z",
            "fold: the NZDT one",
        ),
        (
            Auckland,
            "2026-11-24",
            "09:00",
            "2026-11-23T20:00:00Z",
            "summer: +13",
        ),
        (
            Sao_Paulo,
            "2026-11-23",
            "09:00",
            "2026-11-23T12:00:00Z",
            "-03:00",
        ),
        (
            Sao_Paulo,
            "2026-01-15",
            "09:00",
            "2026-01-15T12:00:00Z",
            "no DST",
        ),
    ];
    for (tz, date, hhmm, want, why) in table {
        assert_eq!(
            local(tz, date, hhmm),
            utc(want),
            "{tz} {date} {hhmm}: {why}"
        );
    }
}

/// The local date of an instant near midnight: instant, zone, date.
#[test]
fn local_dates_turn_at_local_midnight() {
    let table = [
        ("2026-11-23T18:29:00Z", Asia::Kolkata, "2026-11-23"),
        ("2026-11-23T18:30:00Z", Asia::Kolkata, "2026-11-24"),
        ("2026-11-24T02:59:00Z", America::Sao_Paulo, "2026-11-23"),
    ];
    for (at, tz, want) in table {
        assert_eq!(local_date(utc(at), tz), d(want), "{at} in {tz}");
    }
}

fn iv(s: &str) -> Interval {
    parse_interval(s).unwrap()
}

#[test]
fn windows_are_business_hours_minus_quiet_hours() {
    let business = [iv("09:00-17:00")];
    let all = subtract(&business, &[iv("12:00-13:00")]);
    assert_eq!(all, vec![iv("09:00-12:00"), iv("13:00-17:00")]);
    let phone = subtract(&all, &[iv("09:00-10:00")]);
    assert_eq!(phone, vec![iv("10:00-12:00"), iv("13:00-17:00")]);
    assert_eq!(subtract(&business, &[iv("08:00-18:00")]), vec![]);
    assert_eq!(
        subtract(&business, &[iv("17:00-18:00"), iv("06:00-09:00")]),
        business.to_vec()
    );
}

#[test]
fn no_windows_on_weekends_or_holidays() {
    let c = us();
    let z = Zone {
        tz: America::New_York,
        calendar: &c,
    };
    let hours = [iv("09:00-17:00")];
    assert!(z.windows(d("2026-11-21"), &hours).is_empty(), "Saturday");
    assert!(
        z.windows(d("2026-11-26"), &hours).is_empty(),
        "Thanksgiving"
    );
    assert_eq!(
        z.windows(d("2026-11-25"), &hours),
        vec![Window {
            start: utc("2026-11-25T14:00:00Z"),
            end: utc("2026-11-25T22:00:00Z")
        }]
    );
}

#[test]
fn a_window_on_a_dst_day_keeps_its_wall_clock_bounds() {
    let mut c = us();
    c.workdays = [true; 7];
    let z = Zone {
        tz: America::New_York,
        calendar: &c,
    };
    let day = z.windows(d("2026-03-08"), &[iv("00:00-24:00")]);
    assert_eq!(
        day[0].end - day[0].start,
        chrono::TimeDelta::hours(23),
        "spring-forward day has 23 hours"
    );
    let day = z.windows(d("2026-11-01"), &[iv("00:00-24:00")]);
    assert_eq!(
        day[0].end - day[0].start,
        chrono::TimeDelta::hours(25),
        "fall-back day has 25 hours"
    );
    let w = z.windows(d("2026-03-08"), &[iv("02:30-05:00")]);
    assert_eq!(
        w[0].start,
        utc("2026-03-08T07:30:00Z"),
        "a window opening in the gap opens at 03:30 EDT"
    );
    assert!(
        z.windows(d("2026-03-08"), &[iv("02:00-03:00")]).is_empty(),
        "a window inside the gap vanishes"
    );
}

#[test]
fn interval_parsing_rejects_what_cannot_be_meant() {
    assert!(
        parse_interval("25:00-17:00")
            .unwrap_err()
            .contains("out of range")
    );
    assert!(
        parse_interval("17:00-09:00")
            .unwrap_err()
            .contains("split it in two")
    );
    assert!(parse_interval("9-17").is_err());
    assert!(parse_interval("09:00-24:00").is_ok());
    assert!(parse_interval("24:00-24:00").is_err());
    assert_eq!(
        parse_interval("9:30-10:00").unwrap(),
        Interval {
            start: 570,
            end: 600
        }
    );
}

#[test]
fn spans() {
    assert_eq!(
        Span::parse("-3d").unwrap(),
        Span {
            amount: -3,
            unit: Unit::Days
        }
    );
    assert_eq!(
        Span::parse("5bd").unwrap(),
        Span {
            amount: 5,
            unit: Unit::BusinessDays
        }
    );
    assert_eq!(
        Span::parse("36h").unwrap().to_delta(),
        Some(chrono::TimeDelta::hours(36))
    );
    assert!(Span::parse("3 days").is_err());
    assert!(Span::parse("d").is_err());
    assert_eq!(Span::parse("2w").unwrap().to_string(), "2w");
}

#[test]
fn ceil_minute_rounds_up_only_partial_minutes() {
    assert_eq!(
        ceil_minute(utc("2026-11-23T14:00:00Z")),
        utc("2026-11-23T14:00:00Z")
    );
    assert_eq!(
        ceil_minute(utc("2026-11-23T14:00:01Z")),
        utc("2026-11-23T14:01:00Z")
    );
    assert_eq!(
        ceil_minute(utc("2026-11-23T14:00:00.5Z")),
        utc("2026-11-23T14:01:00Z")
    );
}

mod schedule {
    use super::*;

    fn z(c: &Calendar) -> Zone<'_> {
        Zone {
            tz: America::New_York,
            calendar: c,
        }
    }

    const CHAT: [Interval; 2] = [
        Interval {
            start: 540,
            end: 720,
        },
        Interval {
            start: 780,
            end: 1020,
        },
    ];
    const PHONE: [Interval; 2] = [
        Interval {
            start: 600,
            end: 720,
        },
        Interval {
            start: 780,
            end: 1020,
        },
    ];

    #[test]
    fn preferred_time_inside_a_window_is_kept() {
        let c = us();
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&CHAT],
            utc("2026-11-23T14:00:00Z"),
            Some(15 * 60 + 40),
        )
        .unwrap();
        assert_eq!(s.contact_date, d("2026-11-23"));
        assert_eq!(s.suggested, utc("2026-11-23T20:40:00Z"));
        assert_eq!(
            s.window,
            Window {
                start: utc("2026-11-23T18:00:00Z"),
                end: utc("2026-11-23T22:00:00Z")
            }
        );
    }

    #[test]
    fn preferred_time_in_quiet_hours_moves_to_the_next_window() {
        let c = us();
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&CHAT],
            utc("2026-11-23T14:00:00Z"),
            Some(12 * 60 + 15),
        )
        .unwrap();
        assert_eq!(
            s.suggested,
            utc("2026-11-23T18:00:00Z"),
            "13:00 local, after lunch"
        );
    }

    #[test]
    fn preferred_time_after_every_window_takes_the_first() {
        let c = us();
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&CHAT],
            utc("2026-11-23T14:00:00Z"),
            Some(20 * 60),
        )
        .unwrap();
        assert_eq!(s.suggested, utc("2026-11-23T14:00:00Z"));
    }

    #[test]
    fn usable_windows_start_at_now_rounded_up() {
        let c = us();
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&CHAT],
            utc("2026-11-23T15:20:30Z"),
            None,
        )
        .unwrap();
        assert_eq!(s.suggested, utc("2026-11-23T15:21:00Z"));
        assert_eq!(s.window.start, utc("2026-11-23T15:21:00Z"));
        assert_eq!(s.window.end, utc("2026-11-23T17:00:00Z"));
    }

    #[test]
    fn a_channel_without_a_usable_window_falls_to_the_next() {
        let c = us();
        // 09:30 local: phone opens at 10:00, but chat is open now; chat is first either way.
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&PHONE, &CHAT],
            utc("2026-11-23T21:30:00Z"),
            None,
        )
        .unwrap();
        assert_eq!(s.primary, 0, "phone still has 16:30-17:00");
        let late = [Interval {
            start: 540,
            end: 600,
        }];
        let s = schedule(
            z(&c),
            d("2026-11-23"),
            &[&late, &CHAT],
            utc("2026-11-23T16:00:00Z"),
            None,
        )
        .unwrap();
        assert_eq!(s.primary, 1, "the first channel's window has ended");
        assert_eq!(s.suggested, utc("2026-11-23T16:00:00Z"));
    }

    #[test]
    fn after_hours_the_contact_date_is_the_next_business_day() {
        let c = us();
        // Wednesday 17:30 before Thanksgiving: next is Friday.
        let s = schedule(
            z(&c),
            d("2026-11-25"),
            &[&CHAT],
            utc("2026-11-25T22:30:00Z"),
            Some(9 * 60 + 30),
        )
        .unwrap();
        assert_eq!(s.contact_date, d("2026-11-27"));
        assert_eq!(s.suggested, utc("2026-11-27T14:30:00Z"));
    }

    #[test]
    fn first_start_is_the_earliest_window_over_all_channels() {
        let c = us();
        assert_eq!(
            first_start(z(&c), d("2026-11-23"), &[&PHONE, &CHAT]),
            Some(utc("2026-11-23T14:00:00Z"))
        );
        assert_eq!(
            first_start(z(&c), d("2026-11-23"), &[&PHONE]),
            Some(utc("2026-11-23T15:00:00Z"))
        );
    }

    #[test]
    fn zones_east_of_utc_are_a_day_ahead() {
        let c = us();
        let tokyo = Zone {
            tz: Asia::Tokyo,
            calendar: &c,
        };
        // 14:00Z Monday is 23:00 Monday in Tokyo: the next window is Tuesday 09:00 JST.
        let s = schedule(
            tokyo,
            d("2026-11-23"),
            &[&CHAT],
            utc("2026-11-23T14:00:00Z"),
            None,
        )
        .unwrap();
        assert_eq!(s.contact_date, d("2026-11-24"));
        assert_eq!(
            s.suggested,
            Asia::Tokyo
                .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        );
    }
}

#[test]
fn counting_back_and_step_dates() {
    let c = us();
    assert_eq!(
        c.sub_bd(d("2026-11-30"), 1),
        d("2026-11-27"),
        "Monday - 1 is Friday"
    );
    assert_eq!(
        c.sub_bd(d("2026-11-27"), 1),
        d("2026-11-25"),
        "Thanksgiving is skipped"
    );
    assert_eq!(
        c.shift_date(d("2026-12-15"), Span::parse("-3d").unwrap()),
        d("2026-12-12")
    );
    assert_eq!(
        c.shift_date(d("2026-11-20"), Span::parse("2w").unwrap()),
        d("2026-12-04")
    );
    assert_eq!(
        c.shift_date(d("2026-11-25"), Span::parse("-2bd").unwrap()),
        d("2026-11-23")
    );
    let z = Zone {
        tz: America::New_York,
        calendar: &c,
    };
    use crate::ticket::DateOrTime::{Date, Time};
    // 23:30 on the Saturday before the clocks fall back: 7 days is the next Saturday,
    // 168 hours is an hour earlier on the clock, still that Saturday.
    let t = utc("2026-11-01T03:30:00Z");
    assert_eq!(
        anchor_date(z, Time(t), Span::parse("7d").unwrap()),
        d("2026-11-07")
    );
    assert_eq!(
        anchor_date(z, Time(t), Span::parse("168h").unwrap()),
        d("2026-11-07")
    );
    assert_eq!(
        anchor_date(z, Time(t), Span::parse("36h").unwrap()),
        d("2026-11-02"),
        "Sat 23:30 EDT + 36h: Mon 10:30 EST"
    );
    assert_eq!(
        anchor_date(z, Date(d("2026-11-20")), Span::parse("4d").unwrap()),
        d("2026-11-24")
    );
    assert_eq!(
        anchor_date(z, Date(d("2026-11-20")), Span::parse("5bd").unwrap()),
        d("2026-11-30")
    );
}

#[test]
fn instants_are_written_in_the_local_offset_to_the_second() {
    let t = DateTime::parse_from_rfc3339("2026-03-08T06:59:05Z")
        .unwrap()
        .with_timezone(&Utc);
    for (tz, want) in [
        (chrono_tz::UTC, "2026-03-08T06:59:05+00:00"),
        (chrono_tz::America::New_York, "2026-03-08T01:59:05-05:00"),
        (chrono_tz::America::St_Johns, "2026-03-08T04:29:05-02:30"),
        (chrono_tz::Asia::Kolkata, "2026-03-08T12:29:05+05:30"),
        (chrono_tz::Pacific::Chatham, "2026-03-08T20:44:05+13:45"),
        (chrono_tz::Pacific::Kiritimati, "2026-03-08T20:59:05+14:00"),
    ] {
        assert_eq!(rfc3339_in(t, tz), want, "{tz}");
    }
    // A minute later New York has sprung forward.
    let after = t + chrono::TimeDelta::minutes(1);
    assert_eq!(
        rfc3339_in(after, chrono_tz::America::New_York),
        "2026-03-08T03:00:05-04:00"
    );
    let mut out = Vec::new();
    write_date(&mut out, NaiveDate::from_ymd_opt(7, 2, 3).unwrap());
    assert_eq!(out, b"0007-02-03");
}

proptest::proptest! {
    /// Any instant from before year 0 to after 9999, in zones either side of UTC, is written
    /// as chrono writes it.
    #[test]
    fn instants_are_written_as_chrono_writes_them(
        secs in -70_000_000_000i64..260_000_000_000,
        zone in 0usize..5,
    ) {
        let tz = [
            chrono_tz::UTC,
            chrono_tz::America::St_Johns,
            chrono_tz::Pacific::Chatham,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::Los_Angeles,
        ][zone];
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        // Offsets of local mean time in seconds (St John's until 1935) have no RFC 3339
        // form: chrono rounds them to the minute, followup keeps the whole minutes.
        let offset = t.with_timezone(&tz).offset().fix().local_minus_utc();
        proptest::prop_assume!(offset % 60 == 0);
        proptest::prop_assert_eq!(
            rfc3339_in(t, tz),
            t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
        );
    }
}

#[test]
fn days_display_as_chrono_displays_dates() {
    for (y, m, d) in [
        (2026, 11, 23),
        (1, 1, 1),
        (9999, 12, 31),
        (10000, 1, 1),
        (-5, 3, 4),
    ] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut written = String::new();
        push_date(&mut written, date);
        assert_eq!(written, date.to_string());
    }
}

/// Remembered offsets give what chrono-tz gives: every third zone (some 200), instants
/// around each of its transitions in 2020–2030 and spread between them, in any order.
#[test]
fn remembered_offsets_match_the_zone_rules_everywhere() {
    let start = utc("2020-01-01T00:00:00Z").timestamp();
    let end = utc("2030-12-31T00:00:00Z").timestamp();
    let mut checked = 0u32;
    for tz in chrono_tz::TZ_VARIANTS.into_iter().step_by(3) {
        let direct = |s: i64| {
            let t = DateTime::from_timestamp(s, 0).unwrap();
            (t, t.with_timezone(&tz))
        };
        // Instants every 11 days and 7 hours and 13 minutes, and either side of each change.
        let mut instants = Vec::new();
        let mut s = start;
        let mut last = direct(s).1.offset().fix();
        while s < end {
            let next = s + 11 * 86_400 + 7 * 3600 + 13 * 60;
            let off = direct(next).1.offset().fix();
            if off != last {
                // Narrow down to the second of the change.
                let (mut lo, mut hi) = (s, next);
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2;
                    if direct(mid).1.offset().fix() == last {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                instants.extend([lo - 1, lo, hi, hi + 1]);
            }
            instants.push(next);
            last = off;
            s = next;
        }
        // Backwards too: a remembered day must not leak into its neighbours.
        for s in instants.iter().rev().chain(instants.iter()) {
            let (t, local) = direct(*s);
            assert_eq!(local_date(t, tz), local.date_naive(), "{tz} at {t}");
            assert_eq!(
                rfc3339_in(t, tz),
                local.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "{tz} at {t}"
            );
            checked += 1;
        }
    }
    assert!(checked > 130_000, "{checked}");
}
