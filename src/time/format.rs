//! Times and dates as text, written without the format machinery: outputs write them by
//! the hundred thousand.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::local::wall_time;
use super::memo;

/// `540` → `"09:00"`.
pub fn fmt_minutes(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// RFC 3339 in a zone's offset, to the second: `2026-11-23T10:00:00-05:00`.
pub fn rfc3339_in(t: DateTime<Utc>, tz: Tz) -> String {
    let mut out = Vec::with_capacity(25);
    write_rfc3339_in(&mut out, t, tz);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `rfc3339_in(t, tz)` to `out`, without allocating.
pub fn write_rfc3339_in(out: &mut Vec<u8>, t: DateTime<Utc>, tz: Tz) {
    let off = memo::utc_offset(tz, t);
    let local = wall_time(t, tz, off);
    let (sign, off) = if off < 0 { (b'-', -off) } else { (b'+', off) };
    let year = local.year();
    if !(0..=9999).contains(&year) {
        // Far outside any export: chrono's own forms (a sign before years past 9999).
        out.extend_from_slice(
            format!(
                "{}{}{:02}:{:02}",
                local.format("%Y-%m-%dT%H:%M:%S"),
                sign as char,
                off / 3600,
                off / 60 % 60
            )
            .as_bytes(),
        );
        return;
    }
    write_date(out, local.date());
    let off = off as u32;
    let [h1, h2] = two_digits(off / 3600);
    let [m1, m2] = two_digits(off / 60 % 60);
    let [hh1, hh2] = two_digits(local.hour());
    let [mi1, mi2] = two_digits(local.minute());
    let [s1, s2] = two_digits(local.second());
    out.extend_from_slice(&[
        b'T', hh1, hh2, b':', mi1, mi2, b':', s1, s2, sign, h1, h2, b':', m1, m2,
    ]);
}

fn two_digits(n: u32) -> [u8; 2] {
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// A date's `YYYY-MM-DD`, in four-digit years.
fn date_digits(d: NaiveDate) -> Option<[u8; 10]> {
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let [m1, m2] = two_digits(d.month());
    let [d1, d2] = two_digits(d.day());
    Some([
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        m1,
        m2,
        b'-',
        d1,
        d2,
    ])
}

/// Appends a date as chrono writes it (`YYYY-MM-DD`), without allocating in four-digit
/// years.
pub fn write_date(out: &mut Vec<u8>, d: NaiveDate) {
    match date_digits(d) {
        Some(digits) => out.extend_from_slice(&digits),
        None => out.extend_from_slice(d.to_string().as_bytes()),
    }
}

/// Appends a date as chrono writes it (`YYYY-MM-DD`) to a string.
pub fn push_date(out: &mut String, d: NaiveDate) {
    match date_digits(d) {
        Some(digits) => out.push_str(std::str::from_utf8(&digits).unwrap_or_default()),
        None => out.push_str(&d.to_string()),
    }
}
