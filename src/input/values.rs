//! Parsing one cell: times, dates, booleans, integers, zones. Errors are reasons a person
//! can act on; the caller adds where.

use crate::time::{fast_date, fast_rfc3339};
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

/// `str::trim`, without its Unicode tables for the common cell that starts and ends in a
/// visible ASCII character.
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The order of day and month in a listed format that writes both as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

impl Order {
    pub fn other(self) -> Order {
        match self {
            Order::DayFirst => Order::MonthFirst,
            Order::MonthFirst => Order::DayFirst,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Order::DayFirst => "day first",
            Order::MonthFirst => "month first",
        }
    }
}

/// A listed date format, with what the day/month question needs of it.
pub struct Listed {
    pub text: String,
    /// Whether it holds a time of day: a value it reads is a time, not a date.
    pub has_time: bool,
    /// The order of its numeric day and month, and the format with them swapped.
    pub order: Option<(Order, String)>,
}

impl Listed {
    fn new(text: &str) -> Listed {
        let has_time = [
            "%H", "%I", "%k", "%l", "%M", "%S", "%T", "%R", "%X", "%r", "%p", "%P", "%s",
        ]
        .iter()
        .any(|t| text.contains(t));
        let day = text.find("%d").or_else(|| text.find("%e"));
        let month = text.find("%m");
        // A year before both is ISO's order (`%Y-%m-%d`): no export writes `%Y-%d-%m`.
        let year = text.find("%Y").or_else(|| text.find("%y"));
        let iso = |d: usize, m: usize| year.is_some_and(|y| y < d && y < m);
        let order = match (day, month) {
            (Some(d), Some(m)) if !iso(d, m) => {
                let order = if d < m {
                    Order::DayFirst
                } else {
                    Order::MonthFirst
                };
                let day_code = &text[d..d + 2];
                let mut swapped = text.as_bytes().to_vec();
                swapped[d..d + 2].copy_from_slice(b"%m");
                swapped[m..m + 2].copy_from_slice(day_code.as_bytes());
                Some((order, String::from_utf8(swapped).unwrap_or_default()))
            }
            _ => None,
        };
        Listed {
            text: text.to_string(),
            has_time,
            order,
        }
    }
}

/// How a time or date was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// RFC 3339 or another ISO 8601 form with an offset.
    Offset,
    /// ISO 8601 without an offset, in `[input].timezone`.
    Iso,
    /// `YYYY-MM-DD`.
    Date,
    /// `[input].date_formats[i]`.
    Listed(usize),
}

/// What reading one value says of its column's order of day and month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Nothing: not read by a format with both, or day and month the same.
    Nothing,
    /// Read in this order, and only in it (a day above 12).
    Settles(Order),
    /// Read in this order, and in the other it would be another date.
    Ambiguous(Order),
    /// Not read, but it would be in this order (a listed format, day and month swapped).
    Swapped(Order),
}

/// A time or date value read, how it was read, and what it says of its column.
pub struct Read<T> {
    pub value: Result<T, String>,
    pub form: Option<Form>,
    pub seen: Seen,
}

impl<T> Read<T> {
    fn ok(value: T, form: Form, seen: Seen) -> Read<T> {
        Read {
            value: Ok(value),
            form: Some(form),
            seen,
        }
    }
}

pub struct Values<'r> {
    pub rules: &'r InputRules,
    /// `[input].date_formats`, with their days and months.
    pub listed: Vec<Listed>,
    /// Bit `n` is set when a null marker is `n` bytes long (63 for any longer): most cells
    /// are told apart from every marker by their length alone.
    null_lengths: u64,
}

impl<'r> Values<'r> {
    pub fn new(rules: &'r InputRules) -> Values<'r> {
        let null_lengths = rules
            .null_values
            .iter()
            .fold(0, |m, n| m | 1 << n.len().min(63));
        Values {
            rules,
            listed: rules.date_formats.iter().map(|f| Listed::new(f)).collect(),
            null_lengths,
        }
    }

    /// Whether a cell counts as absent (blank or a null marker).
    pub fn is_null(&self, s: &str) -> bool {
        self.present(s).is_none()
    }

    /// A cell trimmed, or `None` when it counts as absent.
    pub fn present<'s>(&self, s: &'s str) -> Option<&'s str> {
        let t = trim(s);
        let maybe_null = self.null_lengths >> t.len().min(63) & 1 == 1;
        let null = t.is_empty() || maybe_null && self.rules.null_values.iter().any(|n| n == t);
        (!null).then_some(t)
    }

    /// An instant: with an offset, or naive in `[input].timezone`; a bare date is midnight there.
    pub fn time(&self, s: &str) -> Result<DateTime<Utc>, String> {
        self.time_in(s, None).value
    }

    /// `time`, with how the value was read; `order` keeps the listed formats to those of
    /// one order of day and month (a column whose order its values settled).
    pub fn time_in(&self, s: &str, order: Option<Order>) -> Read<DateTime<Utc>> {
        let t = trim(s);
        if let Some(x) = fast_rfc3339(t) {
            return Read::ok(x, Form::Offset, Seen::Nothing);
        }
        for f in WITH_OFFSET {
            if let Ok(x) = DateTime::parse_from_str(t, f) {
                return Read::ok(x.with_timezone(&Utc), Form::Offset, Seen::Nothing);
            }
        }
        for f in NAIVE_ISO {
            if let Ok(x) = NaiveDateTime::parse_from_str(t, f) {
                return Read::ok(
                    resolve_local(&self.rules.timezone, x),
                    Form::Iso,
                    Seen::Nothing,
                );
            }
        }
        let tz = &self.rules.timezone;
        if let Some((x, i, seen)) = self.listed(t, order, true, |t, f| {
            NaiveDateTime::parse_from_str(t, f).ok()
        }) {
            return Read::ok(resolve_local(tz, x), Form::Listed(i), seen);
        }
        if let Some(d) = fast_date(t) {
            let midnight = resolve_local(tz, d.and_time(chrono::NaiveTime::MIN));
            return Read::ok(midnight, Form::Date, Seen::Nothing);
        }
        if let Some((d, i, seen)) =
            self.listed(t, order, false, |t, f| NaiveDate::parse_from_str(t, f).ok())
        {
            let midnight = resolve_local(tz, d.and_time(chrono::NaiveTime::MIN));
            return Read::ok(midnight, Form::Listed(i), seen);
        }
        self.unread(t, order, "time", || {
            format!(
                "\"{t}\" is not a time; write ISO 8601 such as 2026-11-20T14:05:00Z or \
                 2026-11-20 14:05:00+01:00, or add its format to [input].date_formats (now: {})",
                self.rules.date_formats.join(", ")
            )
        })
    }

    /// A value no format read: said so, and whether it would read with a listed format's
    /// day and month swapped (then its column may be read the other way round).
    fn unread<T>(
        &self,
        t: &str,
        order: Option<Order>,
        what: &str,
        plain: impl FnOnce() -> String,
    ) -> Read<T> {
        let fits = |l: &Listed, f: &str| {
            NaiveDateTime::parse_from_str(t, f).is_ok()
                || (!l.has_time && NaiveDate::parse_from_str(t, f).is_ok())
        };
        for l in &self.listed {
            let Some((o, swapped)) = &l.order else {
                continue;
            };
            // A listed format left out for its column's order reads it the other way.
            let (reads, by) = if order.is_some_and(|forced| forced != *o) && fits(l, &l.text) {
                (*o, l.text.as_str())
            } else if fits(l, swapped) {
                (o.other(), swapped.as_str())
            } else {
                continue;
            };
            return Read {
                value: Err(format!(
                    "\"{t}\" is not a {what} with [input].date_formats: it reads only {}, as \"{by}\"",
                    reads.name(),
                )),
                form: None,
                seen: Seen::Swapped(reads),
            };
        }
        Read {
            value: Err(plain()),
            form: None,
            seen: Seen::Nothing,
        }
    }

    /// The first listed format (with a time of day when `timed`, else without) that reads
    /// `t`, in `order` when given, and what the value says of day and month.
    fn listed<T: PartialEq>(
        &self,
        t: &str,
        order: Option<Order>,
        timed: bool,
        parse: impl Fn(&str, &str) -> Option<T>,
    ) -> Option<(T, usize, Seen)> {
        for (i, l) in self.listed.iter().enumerate() {
            if l.has_time != timed {
                continue;
            }
            if let (Some(forced), Some((o, _))) = (order, &l.order)
                && forced != *o
            {
                continue;
            }
            let Some(x) = parse(t, &l.text) else {
                continue;
            };
            let seen = match &l.order {
                None => Seen::Nothing,
                Some((o, swapped)) => match parse(t, swapped) {
                    None => Seen::Settles(*o),
                    Some(y) if y != x => Seen::Ambiguous(*o),
                    Some(_) => Seen::Nothing,
                },
            };
            return Some((x, i, seen));
        }
        None
    }

    /// A calendar date: `YYYY-MM-DD`, a listed format, or the date part of a time as written.
    pub fn date(&self, s: &str) -> Result<NaiveDate, String> {
        self.date_in(s, None).value
    }

    /// `date`, with how the value was read (as `time_in`).
    pub fn date_in(&self, s: &str, order: Option<Order>) -> Read<NaiveDate> {
        let t = trim(s);
        if let Some(d) = fast_date(t) {
            return Read::ok(d, Form::Date, Seen::Nothing);
        }
        if let Some((d, i, seen)) =
            self.listed(t, order, false, |t, f| NaiveDate::parse_from_str(t, f).ok())
        {
            return Read::ok(d, Form::Listed(i), seen);
        }
        for f in WITH_OFFSET {
            if let Ok(x) = DateTime::parse_from_str(t, f) {
                return Read::ok(x.date_naive(), Form::Offset, Seen::Nothing);
            }
        }
        for f in NAIVE_ISO {
            if let Ok(x) = NaiveDateTime::parse_from_str(t, f) {
                return Read::ok(x.date(), Form::Iso, Seen::Nothing);
            }
        }
        if let Some((x, i, seen)) = self.listed(t, order, true, |t, f| {
            NaiveDateTime::parse_from_str(t, f).ok()
        }) {
            return Read::ok(x.date(), Form::Listed(i), seen);
        }
        self.unread(t, order, "date", || {
            format!("\"{t}\" is not a date; write YYYY-MM-DD, e.g. 2026-11-27")
        })
    }

    /// `reactivation_at` and date columns: a date stays a date; anything else is an
    /// instant.
    pub fn date_or_time(&self, s: &str) -> Result<DateOrTime, String> {
        self.date_or_time_in(s, None).value
    }

    /// `date_or_time`, with how the value was read (as `time_in`).
    pub fn date_or_time_in(&self, s: &str, order: Option<Order>) -> Read<DateOrTime> {
        let t = trim(s);
        if let Some(d) = fast_date(t) {
            return Read::ok(DateOrTime::Date(d), Form::Date, Seen::Nothing);
        }
        if let Some((d, i, seen)) =
            self.listed(t, order, false, |t, f| NaiveDate::parse_from_str(t, f).ok())
        {
            return Read::ok(DateOrTime::Date(d), Form::Listed(i), seen);
        }
        let r = self.time_in(t, order);
        Read {
            value: r.value.map(DateOrTime::Time),
            form: r.form,
            seen: r.seen,
        }
    }
}

/// Whether `s` is one of `words`, in any case (without lowercasing a copy of every cell).
fn one_of(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.eq_ignore_ascii_case(w))
}

pub fn boolean(s: &str) -> Result<bool, String> {
    let t = trim(s);
    if one_of(t, &["", "false", "no", "n", "0"]) {
        Ok(false)
    } else if one_of(t, &["true", "yes", "y", "1"]) {
        Ok(true)
    } else {
        Err(format!(
            "\"{}\" is not a yes/no value; write true/false, yes/no, y/n or 1/0",
            t.to_ascii_lowercase()
        ))
    }
}

/// A count (`attempts`): plain decimal notation of a whole number from 0 to 4294967295,
/// the one rule for CSV cells, JSON strings and JSON numbers (as `serde_json` writes them:
/// `2.0` for a JSON `2.0`, `-0.0` for `-0`). Spaces around are trimmed as for every value; a
/// sign is read (`+2`, `-0`), and a fraction of zeros (`2.0`, as spreadsheets write whole
/// numbers); a negative number, another fraction, an exponent or a separator is not a count.
pub fn count(s: &str) -> Result<u32, String> {
    const MOST: u64 = u32::MAX as u64;
    let t = trim(s);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err(format!(
            "\"{t}\" is not a whole number written in digits; a count is 0, 1, 2, … (no exponent, no separators)"
        ));
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(format!(
            "\"{t}\" is not a whole number; a count is 0, 1, 2, …"
        ));
    }
    let significant = whole.trim_start_matches('0');
    let value = if significant.len() > 10 {
        u64::MAX
    } else {
        significant.parse::<u64>().unwrap_or(0)
    };
    if negative && value != 0 {
        return Err(format!("\"{t}\" is negative; a count is 0 or more"));
    }
    if value > MOST {
        return Err(format!(
            "\"{t}\" is more than {MOST}, the most a count may be"
        ));
    }
    Ok(value as u32)
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
    let t = trim(s);
    if one_of(t, &["business", "b2b"]) {
        Ok(Segment::Business)
    } else if one_of(t, &["consumer", "b2c"]) {
        Ok(Segment::Consumer)
    } else {
        Err(format!(
            "\"{}\" is not a segment; write business or consumer",
            t.to_ascii_lowercase()
        ))
    }
}

pub fn time_of_day(s: &str) -> Result<u16, String> {
    parse_hhmm(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path gives what chrono's RFC 3339 parser gives, or leaves the text to it.
    #[test]
    fn the_fast_time_path_agrees_with_chrono() {
        for t in [
            "2026-11-23T14:00:00Z",
            "2026-11-23T14:00:00z",
            "2026-11-23 14:00:00Z",
            "2026-12-31T23:30:00-05:00",
            "2027-01-01T00:15:00+05:30",
            "2026-11-23T14:00:00.123456789+01:00",
            "2026-11-23T14:00:00.5Z",
            "2026-11-23T14:00:00+0100",
            "0001-01-01T00:00:00+01:00",
        ] {
            let fast = fast_rfc3339(t);
            let chrono =
                DateTime::parse_from_rfc3339(&t.replace(' ', "T").replace("+0100", "+01:00"))
                    .map(|x| x.with_timezone(&Utc))
                    .ok();
            assert_eq!(fast, chrono, "{t}");
        }
        for t in [
            "2026-02-30T10:00:00Z",
            "2026-11-23T25:00:00Z",
            "2026-11-23T14:00:00+1:00",
        ] {
            assert_eq!(fast_rfc3339(t), None, "{t}");
        }
    }

    proptest::proptest! {
        /// Any date and time, valid or not, in any offset: the fast path gives chrono's
        /// answer, or (for leap seconds) leaves the text to chrono.
        #[test]
        fn the_fast_time_path_agrees_with_chrono_everywhere(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33,
            h in 0u32..26, mi in 0u32..62, sec in 0u32..62,
            off in proptest::sample::select(vec!["Z", "+01:00", "-05:30", "+14:00", "-12:00"]),
        ) {
            let t = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{off}");
            let chrono = DateTime::parse_from_rfc3339(&t).map(|x| x.with_timezone(&Utc)).ok();
            match fast_rfc3339(&t) {
                Some(fast) => proptest::prop_assert_eq!(Some(fast), chrono, "{}", t),
                None => proptest::prop_assert!(chrono.is_none() || sec == 60, "{}", t),
            }
            let day = format!("{y:04}-{mo:02}-{d:02}");
            proptest::prop_assert_eq!(
                fast_date(&day),
                NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok(),
                "{}", day
            );
        }
    }

    #[test]
    fn yes_no_and_segments_in_any_case() {
        for (s, b) in [
            ("YES", true),
            (" y ", true),
            ("1", true),
            ("No", false),
            ("", false),
        ] {
            assert_eq!(boolean(s), Ok(b), "{s:?}");
        }
        assert!(
            boolean("Maybe")
                .unwrap_err()
                .starts_with("\"maybe\" is not a yes/no value")
        );
        assert_eq!(segment(" B2B"), Ok(Segment::Business));
        assert_eq!(segment("Consumer"), Ok(Segment::Consumer));
        assert!(
            segment("Retail")
                .unwrap_err()
                .starts_with("\"retail\" is not a segment")
        );
    }
    use crate::config::Rules;

    /// Which listed formats read day and month in an order, and their swaps: a year first
    /// is ISO's order, never `%Y-%d-%m`.
    #[test]
    fn listed_formats_know_their_order_of_day_and_month() {
        let table = [
            ("%d/%m/%Y %H:%M", Some((Order::DayFirst, "%m/%d/%Y %H:%M"))),
            ("%m/%d/%Y", Some((Order::MonthFirst, "%d/%m/%Y"))),
            ("%e.%m.%y", Some((Order::DayFirst, "%m.%e.%y"))),
            ("%Y-%m-%d %H:%M:%S", None),
            ("%d/%b/%y %I:%M %p", None),
        ];
        for (text, want) in table {
            let l = Listed::new(text);
            let got = l.order.as_ref().map(|(o, s)| (*o, s.as_str()));
            assert_eq!(got, want, "{text}");
        }
        assert!(Listed::new("%d/%m/%Y %H:%M").has_time);
        assert!(!Listed::new("%d/%m/%Y").has_time);
    }

    /// What a value says of its column: settles (a day above 12), ambiguous (another date
    /// the other way round), nothing (day and month the same), or read only swapped.
    #[test]
    fn a_value_says_what_it_can_of_day_and_month() {
        let r = rules();
        let v = Values::new(&r.input);
        let seen = |s: &str| v.time_in(s, None).seen;
        assert_eq!(seen("25/03/2026 10:00"), Seen::Settles(Order::DayFirst));
        assert_eq!(seen("11/03/2026 10:00"), Seen::Ambiguous(Order::DayFirst));
        assert_eq!(seen("03/03/2026 10:00"), Seen::Nothing);
        assert_eq!(seen("11/20/2026 10:00"), Seen::Swapped(Order::MonthFirst));
        assert_eq!(seen("2026-11-20T10:00:00Z"), Seen::Nothing);
        assert_eq!(
            v.time_in("2026-11-20T10:00:00Z", None).form,
            Some(Form::Offset)
        );
        assert_eq!(v.time_in("2026-11-20", None).form, Some(Form::Date));
        assert!(matches!(
            v.time_in("25/03/2026 10:00", None).form,
            Some(Form::Listed(_))
        ));
        // A column settled month first reads no value day first.
        let forced = v.time_in("25/03/2026 10:00", Some(Order::MonthFirst));
        assert!(forced.value.is_err() && forced.seen == Seen::Swapped(Order::DayFirst));
    }

    fn rules() -> Rules {
        Rules::parse("t.toml", "[input]\ntimezone = \"Europe/Berlin\"\ndate_formats = [\"%d/%m/%Y %H:%M\", \"%d/%b/%y %I:%M %p\"]\n").unwrap()
    }

    #[test]
    fn times_with_offsets_and_naive_times_in_the_input_zone() {
        let r = rules();
        let v = Values::new(&r.input);
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
        let v = Values::new(&r.input);
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
        for (text, n) in [
            ("2", 2),
            (" 2 ", 2),
            ("+2", 2),
            ("2.0", 2),
            ("2.00", 2),
            ("2.", 2),
            ("-0", 0),
            ("-0.0", 0),
            ("007", 7),
            ("4294967295", u32::MAX),
            ("00000000004294967295", u32::MAX),
        ] {
            assert_eq!(count(text), Ok(n), "{text}");
        }
        for (text, why) in [
            ("-1", "negative"),
            ("2.5", "not a whole number;"),
            ("1e2", "written in digits"),
            ("1.8446744073709552e+19", "written in digits"),
            ("1,000", "written in digits"),
            ("0x2", "written in digits"),
            (".0", "written in digits"),
            ("+", "written in digits"),
            ("٣", "written in digits"),
            ("4294967296", "more than 4294967295"),
            ("99999999999999999999999", "more than"),
        ] {
            assert!(
                count(text).unwrap_err().contains(why),
                "{text}: {:?}",
                count(text)
            );
        }
        assert_eq!(
            zone("Eastern Time (US & Canada)"),
            Ok(chrono_tz::America::New_York)
        );
        assert!(zone("Europe/Berlni").unwrap_err().contains("Europe/Berlin"));
        assert_eq!(time_of_day("16:30"), Ok(990));
    }
}

#[cfg(test)]
mod fast_path {
    use super::*;

    /// The fast path agrees with chrono wherever both read a value, and leaves the rest to it.
    #[test]
    fn agrees_with_chrono() {
        let mut cases = vec![
            "2026-11-20T14:05:00Z",
            "2026-11-20 14:05:00Z",
            "2026-11-20T14:05:00.123456789+05:30",
            "2026-11-20T14:05:00-0500",
            "2024-02-29T23:59:59.5-12:00",
            "2026-02-30T10:00:00Z",
            "2026-11-20T24:00:00Z",
            "2026-11-20T14:05:00",
            "2026-11-20T14:05Z",
            "2026-11-20T14:05:00+5:30",
            "2026-11-20T14:05:00.Z",
            "x026-11-20T14:05:00Z",
        ];
        let generated: Vec<String> = (0..400)
            .map(|i| {
                let off: i32 = [0, 330, -300, 545, -570, 840][i % 6];
                let sign = if off < 0 { '-' } else { '+' };
                format!(
                    "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                    i % 100,
                    1 + i % 12,
                    1 + i % 28,
                    i % 24,
                    (i * 7) % 60,
                    (i * 13) % 60,
                    off.abs() / 60,
                    off.abs() % 60
                )
            })
            .collect();
        cases.extend(generated.iter().map(String::as_str));
        for c in cases {
            let slow = DateTime::parse_from_rfc3339(c)
                .ok()
                .map(|x| x.with_timezone(&Utc));
            if let (Some(fast), Some(slow)) = (fast_rfc3339(c), slow) {
                assert_eq!(fast, slow, "{c}");
            }
        }
        assert_eq!(
            fast_rfc3339("2026-11-20T14:05:00-0500")
                .unwrap()
                .to_rfc3339(),
            "2026-11-20T19:05:00+00:00"
        );
        assert!(fast_rfc3339("2026-02-30T10:00:00Z").is_none());
    }
}
