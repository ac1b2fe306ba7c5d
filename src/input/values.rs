//! Parsing one cell: times, dates, booleans, integers, zones. Errors are reasons a person
//! can act on; the caller adds where.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::config::InputRules;
use crate::ticket::{DateOrTime, Segment};
use crate::time::{closest_zone, parse_hhmm, parse_zone, resolve_local};

/// Formats of a time with an offset (`%#z` takes `Z`, `+01`, `+0100` and `+01:00`).
const WITH_OFFSET: [&str; 5] = [
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// ISO 8601 forms without an offset, always accepted before `[input].date_formats`.
const NAIVE_ISO: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"];

pub struct Values<'r> {
    pub rules: &'r InputRules,
}

impl Values<'_> {
    /// Whether a cell counts as absent (blank or a null marker).
    pub fn is_null(&self, s: &str) -> bool {
        let t = s.trim();
        t.is_empty() || self.rules.null_values.iter().any(|n| n == t)
    }

    /// An instant: with an offset, or naive in `[input].timezone`; a bare date is midnight there.
    pub fn time(&self, s: &str) -> Result<DateTime<Utc>, String> {
        let t = s.trim();
        if let Some(x) = fast_rfc3339(t) {
            return Ok(x);
        }
        for f in WITH_OFFSET {
            if let Ok(x) = DateTime::parse_from_str(t, f) {
                return Ok(x.with_timezone(&Utc));
            }
        }
        for f in NAIVE_ISO
            .iter()
            .copied()
            .chain(self.rules.date_formats.iter().map(String::as_str))
        {
            if let Ok(x) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(resolve_local(&self.rules.timezone, x));
            }
        }
        if let Some(d) = self.plain_date(t) {
            return Ok(resolve_local(
                &self.rules.timezone,
                d.and_time(chrono::NaiveTime::MIN),
            ));
        }
        Err(format!(
            "\"{t}\" is not a time; write ISO 8601 such as 2026-11-20T14:05:00Z or \
             2026-11-20 14:05:00+01:00, or add its format to [input].date_formats (now: {})",
            self.rules.date_formats.join(", ")
        ))
    }

    fn plain_date(&self, t: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().or_else(|| {
            self.rules
                .date_formats
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        })
    }

    /// A calendar date: `YYYY-MM-DD`, a listed format, or the date part of a time as written.
    pub fn date(&self, s: &str) -> Result<NaiveDate, String> {
        let t = s.trim();
        if let Some(d) = self.plain_date(t) {
            return Ok(d);
        }
        for f in WITH_OFFSET {
            if let Ok(x) = DateTime::parse_from_str(t, f) {
                return Ok(x.date_naive());
            }
        }
        for f in NAIVE_ISO
            .iter()
            .copied()
            .chain(self.rules.date_formats.iter().map(String::as_str))
        {
            if let Ok(x) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(x.date());
            }
        }
        Err(format!(
            "\"{t}\" is not a date; write YYYY-MM-DD, e.g. 2026-11-27"
        ))
    }

    /// `reactivation_at`: a date stays a date; anything else is an instant.
    pub fn date_or_time(&self, s: &str) -> Result<DateOrTime, String> {
        let t = s.trim();
        if let Some(d) = self.plain_date(t) {
            return Ok(DateOrTime::Date(d));
        }
        self.time(t).map(DateOrTime::Time)
    }
}

/// `2026-11-20T14:05:00Z` / `…+01:00` without going through the format machinery: the
/// common case of every export, parsed without allocating.
fn fast_rfc3339(t: &str) -> Option<DateTime<Utc>> {
    let b = t.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|x| x.with_timezone(&Utc))
}

pub fn boolean(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" => Ok(false),
        "true" | "yes" | "y" | "1" => Ok(true),
        other => Err(format!(
            "\"{other}\" is not a yes/no value; write true/false, yes/no, y/n or 1/0"
        )),
    }
}

pub fn count(s: &str) -> Result<u32, String> {
    let t = s.trim();
    // Spreadsheets write whole numbers as "2.0".
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<u32>()
        .map_err(|_| format!("\"{}\" is not a whole number of 0 or more", s.trim()))
}

pub fn zone(s: &str) -> Result<Tz, String> {
    parse_zone(s).ok_or_else(|| {
        let hint = closest_zone(s)
            .map(|z| format!("; did you mean \"{z}\"?"))
            .unwrap_or_default();
        format!(
            "\"{}\" is not a time zone; write an IANA name such as Europe/Berlin{hint}",
            s.trim()
        )
    })
}

pub fn segment(s: &str) -> Result<Segment, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "business" | "b2b" => Ok(Segment::Business),
        "consumer" | "b2c" => Ok(Segment::Consumer),
        other => Err(format!(
            "\"{other}\" is not a segment; write business or consumer"
        )),
    }
}

pub fn time_of_day(s: &str) -> Result<u16, String> {
    parse_hhmm(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rules;

    fn rules() -> Rules {
        Rules::parse("t.toml", "[input]\ntimezone = \"Europe/Berlin\"\ndate_formats = [\"%d/%m/%Y %H:%M\", \"%d/%b/%y %I:%M %p\"]\n").unwrap()
    }

    #[test]
    fn times_with_offsets_and_naive_times_in_the_input_zone() {
        let r = rules();
        let v = Values { rules: &r.input };
        let utc = |s: &str| v.time(s).unwrap().to_rfc3339();
        assert_eq!(utc("2026-11-20T14:05:00Z"), "2026-11-20T14:05:00+00:00");
        assert_eq!(
            utc("2026-11-20 14:05:00+01:00"),
            "2026-11-20T13:05:00+00:00"
        );
        assert_eq!(
            utc("2026-11-20T14:05:00.250-0500"),
            "2026-11-20T19:05:00.250+00:00"
        );
        // Naive: Berlin is UTC+1 in November, UTC+2 in July.
        assert_eq!(utc("2026-11-20T14:05:00"), "2026-11-20T13:05:00+00:00");
        assert_eq!(utc("29/2/2016 1:16"), "2016-02-29T00:16:00+00:00");
        assert_eq!(utc("17/Jul/25 10:44 AM"), "2025-07-17T08:44:00+00:00");
        assert_eq!(utc("2026-11-20"), "2026-11-19T23:00:00+00:00");
        assert!(v.time("2026-02-30 10:00").is_err());
        assert!(v.time("yesterday").unwrap_err().contains("date_formats"));
    }

    #[test]
    fn dates_and_small_values() {
        let r = rules();
        let v = Values { rules: &r.input };
        assert_eq!(v.date("2026-11-27").unwrap().to_string(), "2026-11-27");
        assert_eq!(
            v.date("27/11/2026 00:00").unwrap().to_string(),
            "2026-11-27"
        );
        assert!(v.date("2026-02-30").is_err());
        assert!(matches!(
            v.date_or_time("2026-11-30"),
            Ok(DateOrTime::Date(_))
        ));
        assert!(matches!(
            v.date_or_time("2026-11-30T10:00:00Z"),
            Ok(DateOrTime::Time(_))
        ));
        assert_eq!(boolean("Yes"), Ok(true));
        assert_eq!(boolean(""), Ok(false));
        assert!(boolean("maybe").is_err());
        assert_eq!(count("2"), Ok(2));
        assert_eq!(count("2.0"), Ok(2));
        assert!(count("-1").is_err());
        assert_eq!(
            zone("Eastern Time (US & Canada)"),
            Ok(chrono_tz::America::New_York)
        );
        assert!(zone("Europe/Berlni").unwrap_err().contains("Europe/Berlin"));
        assert_eq!(time_of_day("16:30"), Ok(990));
    }
}
