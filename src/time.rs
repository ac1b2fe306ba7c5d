//! Calendar and zone arithmetic: business days, local wall time to instants, contact windows.
//!
//! This is the only module that turns local dates and wall-clock times into instants, so the
//! DST rules (a time in a gap moves forward by the gap, a time in a fold takes the earlier
//! instant) live in exactly one place.

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use smallvec::SmallVec;

mod memo;

/// A value that may be a whole date or an instant (`reactivation_at`, date columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrTime {
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// Minutes in a day; `24:00` is a valid interval end.
pub const DAY_MINUTES: u16 = 24 * 60;

/// A half-open interval `[start, end)` of local wall-clock minutes within one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", fmt_minutes(self.start), fmt_minutes(self.end))
    }
}

/// `540` → `"09:00"`.
pub fn fmt_minutes(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Parses `HH:MM` (one or two hour digits) into minutes of the day; `24:00` only when
/// `allow_end_of_day`.
pub fn parse_hhmm(s: &str, allow_end_of_day: bool) -> Result<u16, String> {
    let s = s.trim();
    let (h, m) = s
        .split_once(':')
        .ok_or_else(|| format!("\"{s}\" is not a time of day; write HH:MM, e.g. 09:30"))?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(format!(
            "\"{s}\" is not a time of day; write HH:MM, e.g. 09:30"
        ));
    }
    let (h, m): (u16, u16) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    if m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_end_of_day)) {
        let max = if allow_end_of_day { "24:00" } else { "23:59" };
        return Err(format!(
            "\"{s}\" is out of range; times run from 00:00 to {max}"
        ));
    }
    Ok(h * 60 + m)
}

/// Parses `HH:MM-HH:MM`.
pub fn parse_interval(s: &str) -> Result<Interval, String> {
    let (a, b) = s.split_once('-').ok_or_else(|| {
        format!("\"{s}\" is not a time range; write HH:MM-HH:MM, e.g. 09:00-17:00")
    })?;
    let start = parse_hhmm(a, false)?;
    let end = parse_hhmm(b, true)?;
    if end <= start {
        return Err(format!(
            "\"{s}\" ends before it starts; a range cannot cross midnight, split it in two, \
             e.g. 21:00-24:00 and 00:00-08:00"
        ));
    }
    Ok(Interval { start, end })
}

/// Sorted `base` minus every interval of `cut`.
pub fn subtract(base: &[Interval], cut: &[Interval]) -> Vec<Interval> {
    let mut out: Vec<Interval> = base.to_vec();
    for c in cut {
        out = out
            .into_iter()
            .flat_map(|i| {
                let mut parts = Vec::with_capacity(2);
                if c.end <= i.start || c.start >= i.end {
                    parts.push(i);
                } else {
                    if c.start > i.start {
                        parts.push(Interval {
                            start: i.start,
                            end: c.start,
                        });
                    }
                    if c.end < i.end {
                        parts.push(Interval {
                            start: c.end,
                            end: i.end,
                        });
                    }
                }
                parts
            })
            .collect();
    }
    out.sort();
    out
}

/// A business calendar: which weekdays are worked, and the holidays.
#[derive(Clone, Debug)]
pub struct Calendar {
    /// Indexed by `Weekday::num_days_from_monday`.
    pub workdays: [bool; 7],
    /// Sorted, without repeats.
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    pub fn new(workdays: [bool; 7], mut holidays: Vec<NaiveDate>) -> Self {
        holidays.sort();
        holidays.dedup();
        Calendar { workdays, holidays }
    }

    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.workdays[d.weekday().num_days_from_monday() as usize]
            && self.holidays.binary_search(&d).is_err()
    }

    /// For `n ≥ 1` the n-th business day strictly after `d`; for `n = 0`, `d` if it is a
    /// business day, else the first business day after it. Saturates at the end of the
    /// representable calendar rather than panicking.
    pub fn add_bd(&self, d: NaiveDate, n: u32) -> NaiveDate {
        if !self.workdays.iter().any(|w| *w) {
            return d; // validation forbids this; stay total anyway
        }
        let mut day = d;
        if n == 0 {
            while !self.is_business_day(day) {
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => return day,
                }
            }
            return day;
        }
        self.walk(d, n, NaiveDate::succ_opt)
    }

    /// The n-th business day from `d` in the direction `step` goes (n ≥ 1), stopping at
    /// the edge of the representable calendar.
    fn walk(&self, d: NaiveDate, n: u32, step: fn(&NaiveDate) -> Option<NaiveDate>) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            match step(&day) {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The number of business days `x` with `a < x ≤ b` (0 when `b ≤ a`).
    pub fn business_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        if b <= a {
            return 0;
        }
        let days = (b - a).num_days();
        let weeks = days / 7;
        let per_week = self.workdays.iter().filter(|w| **w).count() as i64;
        let mut count = weeks * per_week;
        let mut day = a + Days::new((weeks * 7) as u64);
        while day < b {
            day = day.succ_opt().unwrap_or(day);
            if self.workdays[day.weekday().num_days_from_monday() as usize] {
                count += 1;
            }
        }
        // Holidays on workdays inside (a, b] are not business days.
        let lo = self.holidays.partition_point(|h| *h <= a);
        let hi = self.holidays.partition_point(|h| *h <= b);
        let off = self.holidays[lo..hi]
            .iter()
            .filter(|h| self.workdays[h.weekday().num_days_from_monday() as usize])
            .count() as i64;
        (count - off).max(0) as u32
    }
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

/// The wall time of `t` in a zone whose offset at `t` is `off`.
fn wall_time(t: DateTime<Utc>, tz: Tz, off: i32) -> NaiveDateTime {
    match chrono::FixedOffset::east_opt(off) {
        Some(fixed) => t.with_timezone(&fixed).naive_local(),
        None => t.with_timezone(&tz).naive_local(),
    }
}

/// The local date of an instant in a zone.
pub fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    wall_time(t, tz, memo::utc_offset(tz, t)).date()
}

/// The local wall-clock minute of the day of an instant (seconds dropped).
pub fn local_minute(t: DateTime<Utc>, tz: Tz) -> u16 {
    let l = wall_time(t, tz, memo::utc_offset(tz, t));
    (l.hour() * 60 + l.minute()) as u16
}

/// The instant of a local date and time in a zone: a time inside a DST gap moves forward
/// by the gap; a time inside a DST fold takes the earlier instant.
pub fn resolve_local<Z: TimeZone>(tz: &Z, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force before the gap. A day
            // earlier is before this transition and after the previous one in every zone.
            let before = local - chrono::TimeDelta::days(1);
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let utc = local - chrono::TimeDelta::seconds(i64::from(offset.local_minus_utc()));
            DateTime::from_naive_utc_and_offset(utc, Utc)
        }
    }
}

/// The instant of a local date and minute of the day (`1440` is the next midnight).
pub fn local_instant(tz: Tz, date: NaiveDate, minute: u16) -> DateTime<Utc> {
    let (date, minute) = if minute >= DAY_MINUTES {
        (date.succ_opt().unwrap_or(date), minute - DAY_MINUTES)
    } else {
        (date, minute)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
        .unwrap_or(NaiveTime::MIN);
    resolve_local(&tz, date.and_time(time))
}

/// An interval of instants `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Where and when the time rules of one ticket are evaluated.
#[derive(Clone, Copy)]
pub struct Zone<'a> {
    pub tz: Tz,
    pub calendar: &'a Calendar,
}

impl Zone<'_> {
    /// The windows of `intervals` on date `d`: none unless `d` is a business day. A window
    /// squeezed to nothing by a DST change is left out.
    pub fn windows(&self, d: NaiveDate, intervals: &[Interval]) -> Vec<Window> {
        if !self.calendar.is_business_day(d) {
            return Vec::new();
        }
        DayClock::new(self.tz, d)
            .windows(intervals)
            .into_iter()
            .collect()
    }

    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        local_date(now, self.tz)
    }
}

/// `t` rounded up to the next whole minute (unchanged when already whole).
pub fn ceil_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    let secs = t.timestamp();
    let whole = t.timestamp_subsec_nanos() == 0 && secs.rem_euclid(60) == 0;
    if whole {
        t
    } else {
        let up = secs.div_euclid(60) * 60 + 60;
        DateTime::from_timestamp(up, 0).unwrap_or(t)
    }
}

/// The outcome of scheduling one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The first business day on or after the due date with a usable window.
    pub contact_date: NaiveDate,
    /// Index into the channel list of the primary channel (0 for internal actions).
    pub primary: usize,
    pub suggested: DateTime<Utc>,
    /// The usable window holding `suggested`.
    pub window: Window,
}

/// How many business days past the due date the search for a usable window goes before it
/// gives up; only a rules file with no usable hours on any day can get that far.
const SEARCH_DAYS: u32 = 800;

/// Local minutes of one date as instants. A day without a DST change has one offset, so
/// its minutes convert with arithmetic; a day with one goes through the zone rules.
struct DayClock {
    tz: Tz,
    date: NaiveDate,
    /// Seconds of the day's 00:00 local in UTC, when the offset holds all day.
    midnight: Option<i64>,
}

impl DayClock {
    fn new(tz: Tz, date: NaiveDate) -> DayClock {
        DayClock {
            tz,
            date,
            midnight: memo::steady_midnight(tz, date),
        }
    }

    fn at(&self, minute: u16) -> DateTime<Utc> {
        match self.midnight {
            Some(m) => DateTime::from_timestamp(m + i64::from(minute) * 60, 0)
                .unwrap_or_else(|| local_instant(self.tz, self.date, minute)),
            None => local_instant(self.tz, self.date, minute),
        }
    }

    /// The start of the first of `windows(intervals)`, in seconds while the day keeps one
    /// offset: most of the actions planned are dropped on this alone.
    fn first(&self, intervals: &[Interval]) -> Option<DateTime<Utc>> {
        let Some(m) = self.midnight else {
            return self.windows(intervals).first().map(|w| w.start);
        };
        let at = |minute: u16| m + i64::from(minute) * 60;
        let i = intervals.iter().find(|i| at(i.start) < at(i.end))?;
        DateTime::from_timestamp(at(i.start), 0)
            .or_else(|| self.windows(intervals).first().map(|w| w.start))
    }

    fn windows(&self, intervals: &[Interval]) -> SmallVec<[Window; 4]> {
        intervals
            .iter()
            .map(|i| Window {
                start: self.at(i.start),
                end: self.at(i.end),
            })
            .filter(|w| w.start < w.end)
            .collect()
    }
}

/// The earliest window start on `due` over all channels (`channels[i]` are the intervals of
/// channel `i`). Falls forward to the next business day with any window should `due` have none.
pub fn first_start(
    zone: Zone<'_>,
    due: NaiveDate,
    channels: &[&[Interval]],
) -> Option<DateTime<Utc>> {
    let mut d = zone.calendar.add_bd(due, 0);
    for _ in 0..SEARCH_DAYS {
        let clock = DayClock::new(zone.tz, d);
        let start = channels.iter().filter_map(|iv| clock.first(iv)).min();
        if start.is_some() {
            return start;
        }
        d = zone.calendar.add_bd(d, 1);
    }
    None
}

/// The contact date, primary channel, suggested time and window of an action due on `due`
/// whose channels have the windows `channels`, for a customer who prefers local minute
/// `preferred` (SPEC §3).
pub fn schedule(
    zone: Zone<'_>,
    due: NaiveDate,
    channels: &[&[Interval]],
    now: DateTime<Utc>,
    preferred: Option<u16>,
) -> Option<Slot> {
    let from = ceil_minute(now);
    // Windows of days before today ended before now: start the search at today.
    let today = local_date(from, zone.tz);
    let mut d = zone
        .calendar
        .add_bd(due.max(today.pred_opt().unwrap_or(today)), 0);
    // On a day with one offset (nearly all), windows are reckoned in seconds and only the
    // one chosen becomes instants; the far ends of the calendar take the general path.
    let from_secs = (from.timestamp_subsec_nanos() == 0).then(|| from.timestamp());
    for _ in 0..SEARCH_DAYS {
        let clock = DayClock::new(zone.tz, d);
        let steady = clock.midnight.filter(|m| m.abs() < 1 << 40).zip(from_secs);
        for (idx, iv) in channels.iter().enumerate() {
            let chosen = match steady {
                Some((m, from_s)) => {
                    let at = |minute: u16| m + i64::from(minute) * 60;
                    let usable: SmallVec<[(i64, i64); 4]> = iv
                        .iter()
                        .map(|i| (at(i.start).max(from_s), at(i.end)))
                        .filter(|w| w.0 < w.1)
                        .collect();
                    pick(&usable, preferred.map(at)).and_then(|(s, (a, b))| {
                        let instant = |x: i64| DateTime::from_timestamp(x, 0);
                        Some((
                            instant(s)?,
                            Window {
                                start: instant(a)?,
                                end: instant(b)?,
                            },
                        ))
                    })
                }
                None => {
                    let usable: SmallVec<[(DateTime<Utc>, DateTime<Utc>); 4]> = clock
                        .windows(iv)
                        .into_iter()
                        .map(|w| (w.start.max(from), w.end))
                        .filter(|w| w.0 < w.1)
                        .collect();
                    pick(&usable, preferred.map(|m| clock.at(m)))
                        .map(|(s, (a, b))| (s, Window { start: a, end: b }))
                }
            };
            let Some((suggested, window)) = chosen else {
                continue;
            };
            return Some(Slot {
                contact_date: d,
                primary: idx,
                suggested,
                window,
            });
        }
        d = zone.calendar.add_bd(d, 1);
    }
    None
}

/// The suggested time and its window among the usable windows of a day, in order: the
/// preferred time when a window holds it, else the start of the first window after it,
/// else the first window's start.
fn pick<T: Ord + Copy>(usable: &[(T, T)], preferred: Option<T>) -> Option<(T, (T, T))> {
    let first = *usable.first()?;
    Some(match preferred {
        Some(p) => usable
            .iter()
            .find(|w| w.0 <= p && p < w.1)
            .map(|w| (p, *w))
            .or_else(|| usable.iter().find(|w| w.0 > p).map(|w| (w.0, *w)))
            .unwrap_or((first.0, first)),
        None => (first.0, first),
    })
}

#[cfg(test)]
mod tests;

/// The unit of a written duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    BusinessDays,
}

/// A written duration such as `36h`, `-3d`, `2w` or `5bd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub amount: i64,
    pub unit: Unit,
}

impl Span {
    /// Parses `<integer><unit>` with unit `m`, `h`, `d`, `w` or `bd`; a leading `-` is allowed.
    pub fn parse(s: &str) -> Result<Span, String> {
        let t = s.trim();
        let digits_end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(digits_end);
        let bad = || {
            format!(
                "\"{s}\" is not a duration; write a whole number and a unit: \
                 s, m, h, d, w or bd (business days), e.g. 36h, 7d, -3d, 5bd"
            )
        };
        let amount: i64 = num.parse().map_err(|_| bad())?;
        if amount.abs() > 100_000 {
            return Err(format!("\"{s}\" is too long a duration"));
        }
        let unit = match unit {
            "s" => Unit::Seconds,
            "m" | "min" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            "w" => Unit::Weeks,
            "bd" => Unit::BusinessDays,
            _ => return Err(bad()),
        };
        Ok(Span { amount, unit })
    }

    /// The elapsed time of a duration without business days.
    pub fn to_delta(self) -> Option<chrono::TimeDelta> {
        match self.unit {
            Unit::Seconds => chrono::TimeDelta::try_seconds(self.amount),
            Unit::Minutes => chrono::TimeDelta::try_minutes(self.amount),
            Unit::Hours => chrono::TimeDelta::try_hours(self.amount),
            Unit::Days => chrono::TimeDelta::try_days(self.amount),
            Unit::Weeks => chrono::TimeDelta::try_weeks(self.amount),
            Unit::BusinessDays => None,
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            Unit::Seconds => "s",
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::BusinessDays => "bd",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// Parses a weekday name: `mon`, `Monday`, `tue`, … (case-insensitive).
pub fn parse_weekday(s: &str) -> Option<chrono::Weekday> {
    let l = s.trim().to_ascii_lowercase();
    let days = [
        ("mon", "monday", chrono::Weekday::Mon),
        ("tue", "tuesday", chrono::Weekday::Tue),
        ("wed", "wednesday", chrono::Weekday::Wed),
        ("thu", "thursday", chrono::Weekday::Thu),
        ("fri", "friday", chrono::Weekday::Fri),
        ("sat", "saturday", chrono::Weekday::Sat),
        ("sun", "sunday", chrono::Weekday::Sun),
    ];
    days.iter()
        .find(|(a, b, _)| l == *a || l == *b)
        .map(|(_, _, w)| *w)
}

/// Parses an IANA zone name, or a Rails/Windows display name as Zendesk and Freshdesk write them.
pub fn parse_zone(s: &str) -> Option<Tz> {
    let t = s.trim();
    if let Ok(tz) = t.parse::<Tz>() {
        return Some(tz);
    }
    let bare = t
        .strip_prefix("(GMT")
        .and_then(|r| r.split_once(") "))
        .map(|(_, n)| n)
        .unwrap_or(t);
    RAILS_ZONES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(bare))
        .and_then(|(_, iana)| iana.parse().ok())
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|z| z.name().eq_ignore_ascii_case(t))
                .copied()
        })
}

/// The closest IANA zone name, for "did you mean" hints.
pub fn closest_zone(s: &str) -> Option<&'static str> {
    crate::util::closest(s, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
}

/// Rails `ActiveSupport::TimeZone` display names (as Zendesk and Freshdesk export them).
const RAILS_ZONES: &[(&str, &str)] = &[
    ("International Date Line West", "Etc/GMT+12"),
    ("American Samoa", "Pacific/Pago_Pago"),
    ("Midway Island", "Pacific/Midway"),
    ("Hawaii", "Pacific/Honolulu"),
    ("Alaska", "America/Juneau"),
    ("Pacific Time (US & Canada)", "America/Los_Angeles"),
    ("Tijuana", "America/Tijuana"),
    ("Arizona", "America/Phoenix"),
    ("Mazatlan", "America/Mazatlan"),
    ("Mountain Time (US & Canada)", "America/Denver"),
    ("Central America", "America/Guatemala"),
    ("Central Time (US & Canada)", "America/Chicago"),
    ("Chihuahua", "America/Chihuahua"),
    ("Guadalajara", "America/Mexico_City"),
    ("Mexico City", "America/Mexico_City"),
    ("Monterrey", "America/Monterrey"),
    ("Saskatchewan", "America/Regina"),
    ("Bogota", "America/Bogota"),
    ("Eastern Time (US & Canada)", "America/New_York"),
    ("Indiana (East)", "America/Indiana/Indianapolis"),
    ("Lima", "America/Lima"),
    ("Quito", "America/Lima"),
    ("Atlantic Time (Canada)", "America/Halifax"),
    ("Caracas", "America/Caracas"),
    ("Georgetown", "America/Guyana"),
    ("La Paz", "America/La_Paz"),
    ("Puerto Rico", "America/Puerto_Rico"),
    ("Santiago", "America/Santiago"),
    ("Newfoundland", "America/St_Johns"),
    ("Brasilia", "America/Sao_Paulo"),
    ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("Montevideo", "America/Montevideo"),
    ("Greenland", "America/Godthab"),
    ("Mid-Atlantic", "Atlantic/South_Georgia"),
    ("Azores", "Atlantic/Azores"),
    ("Cape Verde Is.", "Atlantic/Cape_Verde"),
    ("Casablanca", "Africa/Casablanca"),
    ("Dublin", "Europe/Dublin"),
    ("Edinburgh", "Europe/London"),
    ("Lisbon", "Europe/Lisbon"),
    ("London", "Europe/London"),
    ("Monrovia", "Africa/Monrovia"),
    ("UTC", "Etc/UTC"),
    ("Amsterdam", "Europe/Amsterdam"),
    ("Belgrade", "Europe/Belgrade"),
    ("Berlin", "Europe/Berlin"),
    ("Bern", "Europe/Zurich"),
    ("Bratislava", "Europe/Bratislava"),
    ("Brussels", "Europe/Brussels"),
    ("Budapest", "Europe/Budapest"),
    ("Copenhagen", "Europe/Copenhagen"),
    ("Ljubljana", "Europe/Ljubljana"),
    ("Madrid", "Europe/Madrid"),
    ("Paris", "Europe/Paris"),
    ("Prague", "Europe/Prague"),
    ("Rome", "Europe/Rome"),
    ("Sarajevo", "Europe/Sarajevo"),
    ("Skopje", "Europe/Skopje"),
    ("Stockholm", "Europe/Stockholm"),
    ("Vienna", "Europe/Vienna"),
    ("Warsaw", "Europe/Warsaw"),
    ("West Central Africa", "Africa/Algiers"),
    ("Zagreb", "Europe/Zagreb"),
    ("Zurich", "Europe/Zurich"),
    ("Athens", "Europe/Athens"),
    ("Bucharest", "Europe/Bucharest"),
    ("Cairo", "Africa/Cairo"),
    ("Harare", "Africa/Harare"),
    ("Helsinki", "Europe/Helsinki"),
    ("Jerusalem", "Asia/Jerusalem"),
    ("Kaliningrad", "Europe/Kaliningrad"),
    ("Kyiv", "Europe/Kiev"),
    ("Pretoria", "Africa/Johannesburg"),
    ("Riga", "Europe/Riga"),
    ("Sofia", "Europe/Sofia"),
    ("Tallinn", "Europe/Tallinn"),
    ("Vilnius", "Europe/Vilnius"),
    ("Baghdad", "Asia/Baghdad"),
    ("Istanbul", "Europe/Istanbul"),
    ("Kuwait", "Asia/Kuwait"),
    ("Minsk", "Europe/Minsk"),
    ("Moscow", "Europe/Moscow"),
    ("Nairobi", "Africa/Nairobi"),
    ("Riyadh", "Asia/Riyadh"),
    ("St. Petersburg", "Europe/Moscow"),
    ("Volgograd", "Europe/Volgograd"),
    ("Tehran", "Asia/Tehran"),
    ("Abu Dhabi", "Asia/Muscat"),
    ("Baku", "Asia/Baku"),
    ("Muscat", "Asia/Muscat"),
    ("Samara", "Europe/Samara"),
    ("Tbilisi", "Asia/Tbilisi"),
    ("Yerevan", "Asia/Yerevan"),
    ("Kabul", "Asia/Kabul"),
    ("Almaty", "Asia/Almaty"),
    ("Ekaterinburg", "Asia/Yekaterinburg"),
    ("Islamabad", "Asia/Karachi"),
    ("Karachi", "Asia/Karachi"),
    ("Tashkent", "Asia/Tashkent"),
    ("Chennai", "Asia/Kolkata"),
    ("Kolkata", "Asia/Kolkata"),
    ("Mumbai", "Asia/Kolkata"),
    ("New Delhi", "Asia/Kolkata"),
    ("Sri Jayawardenepura", "Asia/Colombo"),
    ("Kathmandu", "Asia/Kathmandu"),
    ("Astana", "Asia/Dhaka"),
    ("Dhaka", "Asia/Dhaka"),
    ("Urumqi", "Asia/Urumqi"),
    ("Rangoon", "Asia/Rangoon"),
    ("Bangkok", "Asia/Bangkok"),
    ("Hanoi", "Asia/Bangkok"),
    ("Jakarta", "Asia/Jakarta"),
    ("Krasnoyarsk", "Asia/Krasnoyarsk"),
    ("Novosibirsk", "Asia/Novosibirsk"),
    ("Beijing", "Asia/Shanghai"),
    ("Chongqing", "Asia/Chongqing"),
    ("Hong Kong", "Asia/Hong_Kong"),
    ("Irkutsk", "Asia/Irkutsk"),
    ("Kuala Lumpur", "Asia/Kuala_Lumpur"),
    ("Perth", "Australia/Perth"),
    ("Singapore", "Asia/Singapore"),
    ("Taipei", "Asia/Taipei"),
    ("Ulaanbaatar", "Asia/Ulaanbaatar"),
    ("Osaka", "Asia/Tokyo"),
    ("Sapporo", "Asia/Tokyo"),
    ("Seoul", "Asia/Seoul"),
    ("Tokyo", "Asia/Tokyo"),
    ("Yakutsk", "Asia/Yakutsk"),
    ("Adelaide", "Australia/Adelaide"),
    ("Darwin", "Australia/Darwin"),
    ("Brisbane", "Australia/Brisbane"),
    ("Canberra", "Australia/Melbourne"),
    ("Guam", "Pacific/Guam"),
    ("Hobart", "Australia/Hobart"),
    ("Melbourne", "Australia/Melbourne"),
    ("Port Moresby", "Pacific/Port_Moresby"),
    ("Sydney", "Australia/Sydney"),
    ("Vladivostok", "Asia/Vladivostok"),
    ("Magadan", "Asia/Magadan"),
    ("New Caledonia", "Pacific/Noumea"),
    ("Solomon Is.", "Pacific/Guadalcanal"),
    ("Srednekolymsk", "Asia/Srednekolymsk"),
    ("Auckland", "Pacific/Auckland"),
    ("Fiji", "Pacific/Fiji"),
    ("Kamchatka", "Asia/Kamchatka"),
    ("Marshall Is.", "Pacific/Majuro"),
    ("Wellington", "Pacific/Auckland"),
    ("Chatham Is.", "Pacific/Chatham"),
    ("Nuku'alofa", "Pacific/Tongatapu"),
    ("Samoa", "Pacific/Apia"),
    ("Tokelau Is.", "Pacific/Fakaofo"),
];

impl Calendar {
    /// The n-th business day strictly before `d` (n ≥ 1).
    pub fn sub_bd(&self, d: NaiveDate, n: u32) -> NaiveDate {
        if !self.workdays.iter().any(|w| *w) {
            return d;
        }
        self.walk(d, n, NaiveDate::pred_opt)
    }

    /// `d` moved by a duration counted in days: calendar days, weeks or business days
    /// (hours and minutes count as whole days only through `shift_instant`).
    pub fn shift_date(&self, d: NaiveDate, span: Span) -> NaiveDate {
        let days = match span.unit {
            Unit::BusinessDays => {
                let n = u32::try_from(span.amount.unsigned_abs()).unwrap_or(u32::MAX);
                return if span.amount >= 0 {
                    self.add_bd(d, n)
                } else {
                    self.sub_bd(d, n)
                };
            }
            Unit::Weeks => span.amount * 7,
            Unit::Days => span.amount,
            Unit::Hours | Unit::Minutes | Unit::Seconds => 0,
        };
        let step = Days::new(days.unsigned_abs());
        if days >= 0 {
            d.checked_add_days(step)
        } else {
            d.checked_sub_days(step)
        }
        .unwrap_or(d)
    }
}

/// The local date of `anchor + after` in `zone`: hours and minutes are elapsed time;
/// days and weeks are calendar days on the local date (so a DST change cannot shift the
/// day); business days count on the calendar.
pub fn anchor_date(zone: Zone<'_>, anchor: DateOrTime, after: Span) -> NaiveDate {
    match after.unit {
        Unit::Hours | Unit::Minutes | Unit::Seconds => {
            let start = match anchor {
                DateOrTime::Time(t) => t,
                DateOrTime::Date(d) => local_instant(zone.tz, d, 0),
            };
            let moved = after
                .to_delta()
                .and_then(|delta| start.checked_add_signed(delta))
                .unwrap_or(start);
            local_date(moved, zone.tz)
        }
        _ => {
            let d = match anchor {
                DateOrTime::Time(t) => local_date(t, zone.tz),
                DateOrTime::Date(d) => d,
            };
            zone.calendar.shift_date(d, after)
        }
    }
}
