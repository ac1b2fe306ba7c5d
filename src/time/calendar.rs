//! Business calendars: workdays and holidays, business-day arithmetic, and the local date
//! a duration after an anchor falls on.

use chrono::{Datelike, Days, NaiveDate};

use super::local::{local_date, local_instant};
use super::{DateOrTime, Span, Unit, Zone};

/// A business calendar: which weekdays are worked, and the holidays.
#[derive(Clone, Debug)]
pub struct Calendar {
    /// Indexed by `Weekday::num_days_from_monday`.
    pub workdays: [bool; 7],
    /// Sorted, without repeats.
    pub holidays: Vec<NaiveDate>,
    /// The names of the built-in holidays among them (sorted; the rules file's own days
    /// have none).
    pub names: Vec<(NaiveDate, std::borrow::Cow<'static, str>)>,
}

impl Calendar {
    pub fn new(workdays: [bool; 7], mut holidays: Vec<NaiveDate>) -> Self {
        holidays.sort();
        holidays.dedup();
        Calendar {
            workdays,
            holidays,
            names: Vec::new(),
        }
    }

    /// With the names of its built-in holidays (those still among its days are kept).
    pub fn with_names(
        mut self,
        mut names: Vec<(NaiveDate, std::borrow::Cow<'static, str>)>,
    ) -> Self {
        names.retain(|(d, _)| self.holidays.binary_search(d).is_ok());
        names.sort();
        self.names = names;
        self
    }

    /// The holidays on working weekdays after `from`, up to `to`: what business-day counts
    /// between them skipped, with their names where they are built-in ones.
    pub fn holidays_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, Option<&str>)> + '_ {
        let lo = self.holidays.partition_point(|h| *h <= from);
        let hi = self.holidays.partition_point(|h| *h <= to);
        self.holidays[lo..hi.max(lo)]
            .iter()
            .filter(|d| self.is_workday(**d))
            .map(|d| {
                let name = self
                    .names
                    .binary_search_by(|x| x.0.cmp(d))
                    .ok()
                    .map(|i| &*self.names[i].1);
                (*d, name)
            })
    }

    /// Whether `d` falls on one of the calendar's working weekdays (holidays aside).
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        self.workdays[d.weekday().num_days_from_monday() as usize]
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

/// The date `n` calendar days after `d`, or the last representable date.
pub fn days_after(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}
