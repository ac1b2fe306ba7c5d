//! Calendar and zone arithmetic: business days, local wall time to instants, contact windows.
//!
//! This is the only module that turns local dates and wall-clock times into instants, so the
//! DST rules (a time in a gap moves forward by the gap, a time in a fold takes the earlier
//! instant) live in exactly one place.

use chrono::{DateTime, NaiveDate, Utc};

mod calendar;
mod format;
pub mod holidays;
mod local;
mod memo;
mod parse;
mod span;
mod window;
mod zone;

pub use calendar::{Calendar, anchor_date, days_after, parse_weekday};
pub use format::{fmt_minutes, push_date, rfc3339_in, write_date, write_rfc3339_in};
pub use local::{local_date, local_instant, local_minute, resolve_local};
pub use parse::{fast_date, fast_rfc3339};
pub use span::{Span, Unit};
pub use window::{
    Interval, Slot, Window, Zone, ceil_minute, first_start, parse_hhmm, parse_interval, schedule,
    schedule_within, subtract, working_windows,
};
pub use zone::{closest_zone, parse_zone};

/// A value that may be a whole date or an instant (`reactivation_at`, date columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DateOrTime {
    Date(#[serde(with = "crate::ticket::pack::day")] NaiveDate),
    Time(#[serde(with = "crate::ticket::pack::instant")] DateTime<Utc>),
}

/// Minutes in a day; `24:00` is a valid interval end.
pub const DAY_MINUTES: u16 = 24 * 60;

#[cfg(test)]
mod tests;
