//! `holidays_ics`: the days of an iCalendar file (as Jira Service Management and most
//! calendar programs export them), read with the `icalendar` crate's parser.

use chrono::NaiveDate;

/// The days of every event: all-day events from `DTSTART` up to `DTEND` (exclusive, one day
/// when absent), dated ones on their start's date; each with its `SUMMARY`. A repeating
/// event (`RRULE`) is an error: its days would be guessed, not read.
pub fn days(text: &str) -> Result<Vec<(NaiveDate, String)>, String> {
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .map_err(|e| format!("not an iCalendar file: {}", first_line(&e)))?;
    let mut out = Vec::new();
    for (n, event) in calendar
        .components
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
        .enumerate()
    {
        let summary = event
            .find_prop("SUMMARY")
            .map(|p| p.val.as_str().to_string())
            .unwrap_or_else(|| "a holiday".into());
        let which = format!("event {} (\"{summary}\")", n + 1);
        if event.find_prop("RRULE").is_some() {
            return Err(format!(
                "{which} repeats (RRULE); list each year's day as an event of its own"
            ));
        }
        let start = event
            .find_prop("DTSTART")
            .ok_or_else(|| format!("{which} has no DTSTART"))?;
        let start = date(start.val.as_str())
            .ok_or_else(|| format!("{which}: DTSTART \"{}\" is not a date", start.val.as_str()))?;
        let end = match event.find_prop("DTEND") {
            Some(p) => date(p.val.as_str())
                .ok_or_else(|| format!("{which}: DTEND \"{}\" is not a date", p.val.as_str()))?,
            None => start.succ_opt().unwrap_or(start),
        };
        if (end - start).num_days() > 366 {
            return Err(format!("{which} lasts more than a year"));
        }
        let mut d = start;
        loop {
            out.push((d, summary.clone()));
            match d.succ_opt() {
                Some(next) if next < end => d = next,
                _ => break,
            }
        }
    }
    Ok(out)
}

/// `20261225` or `20261225T000000Z`: the date part.
fn date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//desk//EN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Winter\r\n  break\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20260817\r\nSUMMARY:Founders' Day\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn all_day_events_give_their_days_dtend_exclusive() {
        let got = days(ICS).unwrap();
        let dates: Vec<String> = got.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(
            dates,
            ["2026-12-24", "2026-12-25", "2026-12-26", "2026-08-17"]
        );
        assert_eq!(got[0].1, "Winter break");
        assert_eq!(got[3].1, "Founders' Day");
    }

    #[test]
    fn a_repeating_event_or_a_broken_file_is_an_error_that_names_it() {
        let rrule = ICS.replace("UID:2\r\n", "UID:2\r\nRRULE:FREQ=YEARLY\r\n");
        let e = days(&rrule).unwrap_err();
        assert!(e.contains("event 2 (\"Founders' Day\") repeats"), "{e}");
        let e = days("BEGIN:VEVENT\r\nDTSTART:someday\r\nEND:VEVENT\r\n").unwrap_err();
        assert!(e.contains("DTSTART \"someday\" is not a date"), "{e}");
    }
}
