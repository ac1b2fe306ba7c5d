//! Local wall time and instants: the one place DST gaps and folds are resolved.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use super::{DAY_MINUTES, memo};

/// The wall time of `t` in a zone whose offset at `t` is `off`.
pub(super) fn wall_time(t: DateTime<Utc>, tz: Tz, off: i32) -> NaiveDateTime {
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
