//! The built-in public holidays: `calendars show` against the `holidays` package's own
//! output (`tests/fixtures/holidays/reference.csv`, written by
//! `scripts/holidays_reference.py`), and calendars by code in planning.

use std::collections::BTreeMap;

use crate::{Case, followup};

#[test]
fn twenty_codes_over_six_years_match_the_package_date_for_date() {
    let mut want: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    let mut r = csv::Reader::from_path("tests/fixtures/holidays/reference.csv").unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        want.entry((rec[0].to_string(), rec[1][..4].to_string()))
            .or_default()
            .push((rec[1].to_string(), rec[2].to_string()));
    }
    let codes: std::collections::BTreeSet<&str> = want.keys().map(|k| k.0.as_str()).collect();
    assert_eq!(codes.len(), 20);
    // In one process: the table as `calendars show` reads it.
    let t = followup::time::holidays::table();
    for code in codes {
        let region = &t.regions[t.find(code).expect(code)];
        for year in [2000, 2010, 2024, 2026, 2035, 2050] {
            let got: Vec<(String, String)> = region
                .year(year)
                .map(|(d, n)| (d.to_string(), n.to_string()))
                .collect();
            let key = (code.to_string(), year.to_string());
            assert_eq!(
                got,
                want.get(&key).cloned().unwrap_or_default(),
                "{code} {year}"
            );
        }
    }
    // And through the command, for two of them.
    for (code, year) in [("DE-BY", "2026"), ("IN-KA", "2035")] {
        let out = followup(&["calendars", "show", code, "--year", year, "--format", "csv"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
        let got: Vec<(String, String)> = r
            .records()
            .map(|x| {
                let x = x.unwrap();
                (x[0].to_string(), x[2].to_string())
            })
            .collect();
        assert_eq!(Some(&got), want.get(&(code.to_string(), year.to_string())));
    }
}

#[test]
fn unknown_codes_and_years_are_refused_with_the_fix() {
    Case::new(&["calendars", "show", "XX-YY", "--year", "2026"])
        .code(2)
        .stderr_has("`followup calendars list` lists them")
        .run();
    Case::new(&["calendars", "show", "DE", "--year", "1990"])
        .code(2)
        .stderr_has("cover 2000 to 2050")
        .run();
    let out = followup(&["calendars", "list", "--format", "csv"]);
    assert!(
        out.stdout.contains("\nDE-BY,Bayern,sat sun\n"),
        "{}",
        &out.stdout[..200]
    );
    assert!(out.stdout.contains("\nSA,Saudi Arabia,fri sat\n"));
}

/// Tickets awaiting the customer since noon of each of `days` (Berlin), on `calendar`:
/// every action's contact day `plan` gives within 14 days.
fn contact_dates(calendar: &str, days: &[&str], now: &str) -> Vec<String> {
    let mut csv =
        String::from("id,status,opened_at,customer_tz,calendar,owner,awaiting_since,attempts\n");
    for (i, d) in days.iter().enumerate() {
        csv.push_str(&format!(
            "T{i},Pending,{d}T09:00:00+01:00,Europe/Berlin,{calendar},ana,{d}T12:00:00+01:00,0\n"
        ));
    }
    let out = Case::new(&[
        "--now", now, "plan", "-", "--within", "14d", "--format", "csv",
    ])
    .stdin(&csv)
    .code(0)
    .run();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = r.headers().unwrap().clone();
    // The customer's local day: the date of `suggested_at`, written in their offset.
    let col = h.iter().position(|c| c == "suggested_at").unwrap();
    r.records()
        .map(|x| x.unwrap()[col][..10].to_string())
        .collect()
}

#[test]
fn a_customer_in_bavaria_is_never_contacted_on_its_holidays() {
    // Awaiting since the day before: the first strike is due on the holiday itself.
    for (days, now, holiday) in [
        (&["2026-01-05"][..], "2026-01-05T20:00:00Z", "2026-01-06"),
        (&["2026-06-03"][..], "2026-06-03T20:00:00Z", "2026-06-04"),
    ] {
        let bavaria = contact_dates("DE-BY", days, now);
        assert!(!bavaria.is_empty());
        assert!(
            !bavaria.iter().any(|d| d == holiday),
            "DE-BY on {holiday}: {bavaria:?}"
        );
        // Berlin works that day: the same tickets are contacted on it there.
        let berlin = contact_dates("DE-BE", days, now);
        assert!(
            berlin.iter().any(|d| d == holiday),
            "DE-BE on {holiday}: {berlin:?}"
        );
    }
}

/// The due date of the first strike of a ticket awaiting since `since` (New York), under
/// `rules`.
fn first_strike(rules: &str, since: &str, now: &str) -> String {
    let csv = format!(
        "id,status,opened_at,customer_tz,owner,awaiting_since,attempts\nT1,Pending,{since},America/New_York,alice,{since},0\n"
    );
    let out = Case::new(&[
        "--now", now, "plan", "-", "--within", "14d", "--format", "csv",
    ])
    .rules(rules)
    .stdin(&csv)
    .code(0)
    .run();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "due_date").unwrap();
    r.records().next().expect("a strike").unwrap()[col].to_string()
}

#[test]
fn a_rules_calendar_starts_from_a_country_and_adjusts_it() {
    let rules = std::fs::read_to_string("rules.toml").unwrap().replace(
        "[calendars.us]\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nholidays = [\"2026-11-26\", \"2026-12-25\", \"2027-01-01\"]",
        "[calendars.us]\ncountry = \"US\"\nextra_holidays = [\"2026-11-27\"]\nnot_holidays = [\"2026-11-11\"]",
    );
    assert!(rules.contains("country = \"US\""));
    // Thanksgiving (the package's) and the day after (the desk's own) are off, then the
    // weekend: the first strike after Wednesday 25 November is on Monday 30.
    let day = first_strike(&rules, "2026-11-25T12:00:00-05:00", "2026-11-25T20:00:00Z");
    assert_eq!(day, "2026-11-30");
    // Veterans Day is the package's holiday, and the desk works it.
    let day = first_strike(&rules, "2026-11-10T12:00:00-05:00", "2026-11-10T20:00:00Z");
    assert_eq!(day, "2026-11-11");
    let plain = rules.replace("not_holidays = [\"2026-11-11\"]", "");
    let day = first_strike(&plain, "2026-11-10T12:00:00-05:00", "2026-11-10T20:00:00Z");
    assert_eq!(day, "2026-11-12");
    let bad = rules.replace("country = \"US\"", "country = \"ZZ\"");
    Case::new(&["rules", "check"])
        .rules(&bad)
        .code(2)
        .stderr_has("[calendars.us].country: \"ZZ\" is not a country code")
        .run();
}

#[test]
fn the_customers_country_chooses_the_calendar_and_explain_names_the_holiday() {
    // Awaiting since Christmas Eve in Bavaria: the 25th is Christmas Day, the 26th a
    // Saturday, so the first strike is due on Monday the 28th; in the US (26 December is
    // no holiday there, and Saturday either way) the same.
    let export = "id,status,opened_at,customer_tz,customer_country,calendar,owner,awaiting_since,attempts\n\
                  T1,Pending,2026-12-23T09:00:00+01:00,Europe/Berlin,DE-BY,,ana,2026-12-24T12:00:00+01:00,0\n\
                  T2,Pending,2026-12-23T09:00:00+01:00,Europe/Berlin,DE-BY,us,ana,2026-12-24T12:00:00+01:00,0\n\
                  T3,Pending,2026-12-23T09:00:00+01:00,Europe/Berlin,Narnia,,ana,2026-12-24T12:00:00+01:00,0\n";
    let out = Case::new(&["--now", "2026-12-24T20:00:00Z", "explain", "T1", "-"])
        .stdin(export)
        .code(0)
        .run();
    assert!(
        out.stdout
            .contains("calendar   DE-BY — the ticket's calendar"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("due 2026-12-28"));
    assert!(out.stdout.contains(
        "Holidays on the way, not counted as business days: 2026-12-25 is Christmas Day in DE-BY."
    ));
    // A calendar column wins over the country; the rules file's days have no names.
    let out = Case::new(&["--now", "2026-12-24T20:00:00Z", "explain", "T2", "-"])
        .stdin(export)
        .code(0)
        .run();
    assert!(
        out.stdout.contains("calendar   us — the ticket's calendar"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("2026-12-25 is a holiday of the calendar us")
    );
    Case::new(&["--now", "2026-12-24T20:00:00Z", "plan", "-"])
        .stdin(export)
        .code(3)
        .stderr_has("ticket T3: customer_country: not a country or subdivision code")
        .run();
}

#[test]
fn an_icalendar_files_days_are_days_off_and_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/holidays/desk.ics",
        dir.path().join("desk.ics"),
    )
    .unwrap();
    let rules = std::fs::read_to_string("rules.toml").unwrap().replace(
        "holidays = [\"2026-11-26\", \"2026-12-25\", \"2027-01-01\"]",
        "holidays = [\"2026-11-26\", \"2026-12-25\", \"2027-01-01\"]\nholidays_ics = \"desk.ics\"",
    );
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, &rules).unwrap();
    let p = path.to_str().unwrap();
    // Strike 1, due Monday 23 November and past its windows that evening, moves to
    // Wednesday: Tuesday is the desk's offsite.
    let out = Case::new(&[
        "--rules",
        p,
        "--now",
        "2026-11-23T20:00:00Z",
        "explain",
        "INC0010005",
        "examples/tickets.csv",
    ])
    .code(0)
    .run();
    assert!(
        out.stdout.contains("2026-11-24 is Desk offsite in us"),
        "{}",
        out.stdout
    );
    std::fs::write(
        dir.path().join("desk.ics"),
        "BEGIN:VEVENT\r\nDTSTART:someday\r\nEND:VEVENT\r\n",
    )
    .unwrap();
    Case::new(&["--rules", p, "rules", "check"])
        .code(2)
        .stderr_has("[calendars.us].holidays_ics:")
        .stderr_has("DTSTART \"someday\" is not a date")
        .run();
}
