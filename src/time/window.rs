//! Contact windows: hours of the day as intervals, and the windows, contact date and
//! suggested time of an action (SPEC §3).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use smallvec::SmallVec;

use super::format::fmt_minutes;
use super::local::{local_date, local_instant};
use super::{Calendar, memo};

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

/// The first day a schedule tries: the due date, or when that is past, yesterday (a window
/// of an earlier day ended before `from`), on a business day.
fn first_day(zone: Zone<'_>, due: NaiveDate, from: DateTime<Utc>) -> NaiveDate {
    let today = local_date(from, zone.tz);
    zone.calendar
        .add_bd(due.max(today.pred_opt().unwrap_or(today)), 0)
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
    let mut d = first_day(zone, due, from);
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

/// `schedule`, with each day's windows cut to those of another party (`other(d)`: the
/// instants the assignee works on the customer's date `d`; none: not restricted that day),
/// searching `days` business days from the due date. None when the two never meet in them.
pub fn schedule_within(
    zone: Zone<'_>,
    due: NaiveDate,
    channels: &[&[Interval]],
    now: DateTime<Utc>,
    preferred: Option<u16>,
    other: &dyn Fn(NaiveDate) -> Option<SmallVec<[Window; 4]>>,
    days: u32,
) -> Option<Slot> {
    let from = ceil_minute(now);
    let mut d = first_day(zone, due, from);
    for _ in 0..days {
        let clock = DayClock::new(zone.tz, d);
        let theirs = other(d);
        for (idx, iv) in channels.iter().enumerate() {
            let mut usable: SmallVec<[(DateTime<Utc>, DateTime<Utc>); 4]> = SmallVec::new();
            for w in clock.windows(iv) {
                match &theirs {
                    None => usable.push((w.start, w.end)),
                    Some(ws) => usable.extend(
                        ws.iter()
                            .map(|o| (w.start.max(o.start), w.end.min(o.end)))
                            .filter(|x| x.0 < x.1),
                    ),
                }
            }
            let mut usable: SmallVec<[(DateTime<Utc>, DateTime<Utc>); 4]> = usable
                .into_iter()
                .map(|(a, b)| (a.max(from), b))
                .filter(|w| w.0 < w.1)
                .collect();
            usable.sort();
            if let Some((s, (a, b))) = pick(&usable, preferred.map(|m| clock.at(m))) {
                return Some(Slot {
                    contact_date: d,
                    primary: idx,
                    suggested: s,
                    window: Window { start: a, end: b },
                });
            }
        }
        d = zone.calendar.add_bd(d, 1);
    }
    None
}

/// The instants of `hours` on the working days of `zone` that overlap the local date `d`
/// of `tz` (a day in one zone can touch two or three in another).
pub fn working_windows(
    zone: Zone<'_>,
    hours: &[Interval],
    tz: Tz,
    d: NaiveDate,
) -> SmallVec<[Window; 4]> {
    let start = local_instant(tz, d, 0);
    let end = local_instant(tz, d.succ_opt().unwrap_or(d), 0);
    let (first, last) = (local_date(start, zone.tz), local_date(end, zone.tz));
    let mut out = SmallVec::new();
    let mut day = first;
    while day <= last {
        for w in zone.windows(day, hours) {
            let (a, b) = (w.start.max(start), w.end.min(end));
            if a < b {
                out.push(Window { start: a, end: b });
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}
