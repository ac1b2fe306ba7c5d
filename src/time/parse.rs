//! Dates and RFC 3339 times read without the format machinery: exports and the ledger
//! carry them by the hundred thousand.

use chrono::{DateTime, NaiveDate, Timelike, Utc};

/// `YYYY-MM-DD` without the format machinery.
pub fn fast_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// `2026-11-20T14:05:00Z` / `…+01:00` / `…-0500` (fractions allowed) without going through
/// the format machinery: the common case of every export, parsed without allocating.
pub fn fast_rfc3339(t: &str) -> Option<DateTime<Utc>> {
    let b = t.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    if b[16] != b':' {
        return None;
    }
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let time = chrono::NaiveTime::from_hms_opt(h, m, sec)?;
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = (i - start).min(9) as u32;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits);
    }
    let offset = match &b[i..] {
        [b'Z' | b'z'] => 0i64,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (hh, mm) = match rest {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => ([*h1, *h2], [*m1, *m2]),
                _ => return None,
            };
            let two = |x: [u8; 2]| -> Option<i64> {
                (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                    .then(|| i64::from((x[0] - b'0') * 10 + (x[1] - b'0')))
            };
            let secs = two(hh)? * 3600 + two(mm)? * 60;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let naive = date.and_time(time).with_nanosecond(nanos)?;
    let utc = match offset {
        0 => naive,
        _ => {
            naive.checked_sub_offset(chrono::FixedOffset::east_opt(i32::try_from(offset).ok()?)?)?
        }
    };
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}
