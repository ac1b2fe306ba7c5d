//! Exports as desks really have them: every doubt about the data resolved from the data or
//! reported with the row, the field and the fix, never planned from a misreading.

use crate::{Case, NOW};

/// A date column holding times without an offset (`next_billing_date = 2026-11-26
/// 11:40:20`) was counted on its wall-clock date: an Auckland customer's billing step came
/// a day early. The time is read in `[input].timezone` (UTC) and counted on the
/// customer's local date (27 November in Auckland), as every other time field is.
#[test]
fn a_naive_time_in_a_date_column_counts_on_the_customers_date() {
    let csv = "id,status,opened_at,type,customer_tz,next_billing_date\n\
               B1,open,2026-11-01T10:00:00Z,billing,Pacific/Auckland,2026-11-26 11:40:20\n\
               B2,open,2026-11-01T10:00:00Z,billing,Pacific/Auckland,2026-11-26\n";
    let out = Case::new(&[
        "plan", "--format", "csv", "--within", "7d", "--kind", "check_in",
    ])
    .now()
    .stdin(csv)
    .code(0)
    .run();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let due: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].to_string(), x[4].to_string())
        })
        .collect();
    assert_eq!(
        due,
        [
            ("B2.check_in-2".to_string(), "2026-11-23".to_string()),
            ("B1.check_in-2".to_string(), "2026-11-24".to_string()),
        ]
    );
}

/// A missed step was named by its date before moves ("step 1 (due 2026-11-09)") while
/// explain's own line for it said 2026-11-11: it is named by the day it was due, after the
/// customer's out-of-office move.
#[test]
fn a_missed_step_is_named_by_the_day_it_was_moved_to() {
    let rules = "[defaults]\ntimezone = \"America/New_York\"\n\
                 [types.default]\n\
                 steps = [{ after = \"7d\", from = \"opened_at\" }, { after = \"14d\", from = \"opened_at\" }]\n";
    let csv = "id,status,opened_at,customer_ooo_until\nM1,open,2026-11-02T15:00:00Z,2026-11-10\n";
    let now = "2026-11-17T15:00:00Z";
    let out = Case::new(&["--now", now, "plan", "--format", "csv"])
        .rules(rules)
        .stdin(csv)
        .code(0)
        .run();
    assert!(
        out.stdout
            .contains("Missed earlier: step 1 (due 2026-11-11)"),
        "{}",
        out.stdout
    );
    let out = Case::new(&["--now", now, "explain", "M1"])
        .rules(rules)
        .stdin(csv)
        .code(0)
        .run();
    assert!(
        out.stdout.contains("step 1    2026-11-11 —"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("missed    step 1 (due 2026-11-11)"),
        "{}",
        out.stdout
    );
}

/// A JSON record without a `status` key failed the whole file (exit 2) when it came
/// first. It is a rejected row with its record number; only an export none of whose
/// records has the key is a mapping to fix.
#[test]
fn a_json_record_without_a_required_key_costs_its_row() {
    let records = [
        r#"{"id": "A", "opened_at": "2026-11-20T10:00:00Z"}"#,
        r#"{"id": "B", "status": "Pending", "opened_at": "2026-11-20T10:00:00Z"}"#,
    ];
    let array = format!("[{}]", records.join(","));
    let lines = format!("{}\n", records.join("\n"));
    for (input, format, at) in [
        (&array, "json", "record 1"),
        (&lines, "ndjson", "<stdin>:1"),
    ] {
        let out = Case::new(&["plan", "--format", "csv", "--input-format", format])
            .now()
            .stdin(input)
            .code(3)
            .stderr_has("1 of 2 rows rejected")
            .stderr_has("ticket A: status: the record has no \"status\" key")
            .run();
        assert!(out.stderr.contains(at), "{format}: {}", out.stderr);
        assert!(
            out.stdout.contains("B.strike-1"),
            "{format}: {}",
            out.stdout
        );
    }
}

/// In an event log, the newest row of E1 (updated 11-20) has a status no mapping knows;
/// the ticket was planned from its older row (`E1.strike-1`) while stderr said its rows
/// were not planned. A ticket is planned from its newest row or not at all; a row whose
/// `updated_at` does not read may be the newest, so it keeps its ticket out too; an older
/// rejected row does not keep a newer good one out.
#[test]
fn an_event_log_ticket_whose_newest_row_is_rejected_is_not_planned() {
    let rules = "[input]\ndedupe = \"last\"\n";
    let csv = "id,status,opened_at,updated_at\n\
               E1,Pending,2026-11-10T10:00:00Z,2026-11-18T10:00:00Z\n\
               E1,Done-ish,2026-11-10T10:00:00Z,2026-11-20T10:00:00Z\n\
               E2,Pending,2026-11-10T10:00:00Z,2026-11-18T10:00:00Z\n\
               E2,Pending,2026-11-10T10:00:00Z,someday\n\
               E3,Done-ish,2026-11-10T10:00:00Z,2026-11-18T10:00:00Z\n\
               E3,Pending,2026-11-10T10:00:00Z,2026-11-19T10:00:00Z\n";
    let out = Case::new(&["plan", "--format", "csv", "--within", "7d"])
        .now()
        .rules(rules)
        .stdin(csv)
        .code(3)
        .stderr_has("<stdin>:3: ticket E1: status: status \"Done-ish\" is not mapped")
        .stderr_has("<stdin>:5: ticket E2: updated_at")
        .stderr_has("3 of 6 rows rejected; their tickets were not planned")
        .run();
    let planned: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(planned, ["E3.strike-1"]);
    Case::new(&["explain", "E1"])
        .now()
        .rules(rules)
        .stdin(csv)
        .code(3)
        .stdout_has("Ticket E1 is not planned: its newest row was rejected")
        .stdout_has("<stdin>:3: ticket E1: status")
        .run();
}

/// `followup completions bash | true` panicked with exit 101 about half the time: the
/// completion writer panics on a closed pipe. Every command that writes stdout ends
/// quietly with 0 when the reader has gone.
#[test]
fn a_closed_pipe_ends_every_output_quietly() {
    use std::process::{Command, Stdio};
    let cases: [&[&str]; 4] = [
        &["completions", "bash"],
        &["man"],
        &[
            "--now",
            NOW,
            "plan",
            "examples/tickets.csv",
            "--format",
            "json",
            "--within",
            "30d",
        ],
        &["--now", NOW, "check", "tests/fixtures/broken.csv"],
    ];
    for args in cases {
        for _ in 0..5 {
            let mut child = Command::new(env!("CARGO_BIN_EXE_followup"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            // The reader goes before the first byte is read.
            drop(child.stdout.take());
            let out = child.wait_with_output().unwrap();
            let code = out.status.code();
            assert!(
                code == Some(0) || (args.contains(&"check") && code == Some(3)),
                "{args:?}: {code:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
        }
    }
}

/// `drafts --out -` made a folder named `-`: a folder of files is not a stream.
#[test]
fn drafts_to_a_dash_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    Case::new(&["drafts", "examples/tickets.csv", "--out", "-"])
        .now()
        .dir(dir.path())
        .args(&["--rules", &crate::fixture_abs("../../rules.toml")])
        .code(2)
        .stderr_has("--out -: this writes a folder of files, not a stream")
        .run();
    assert!(!dir.path().join("-").exists());
}

/// `plan` on a terminal with no file waited for stdin without a word.
#[test]
fn reading_stdin_from_a_terminal_says_so() {
    // `script` (util-linux) gives the command a terminal for stdin.
    let csv = "id,status,opened_at\nA,open,2026-11-20T10:00:00Z\n";
    let bin = env!("CARGO_BIN_EXE_followup");
    let cmd = format!("{bin} --now {NOW} check");
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(csv.as_bytes()).unwrap();
    stdin.write_all(b"\x04").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reading the export from stdin (paste it and end with Ctrl-D"),
        "{text}"
    );
    assert!(text.contains("1 rows read: 1 ticket accepted"), "{text}");
    // Not on a pipe.
    Case::new(&["check"])
        .now()
        .stdin(csv)
        .code(0)
        .run()
        .stderr
        .is_empty()
        .then_some(())
        .expect("no hint when stdin is a pipe");
}

/// `--owner alcie` or `--owner "Alice Moreno"` printed an empty plan with no hint. A
/// display name matches as `[agents]` matches owners; a name nobody answers to is warned
/// about, with the closest known owner.
#[test]
fn an_owner_filter_matches_display_names_and_warns_on_strangers() {
    let by_id = Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "csv",
        "--owner",
        "alice",
    ])
    .now()
    .code(0)
    .run();
    assert!(by_id.stdout.lines().count() > 1);
    Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "csv",
        "--owner",
        "Alice Moreno",
    ])
    .now()
    .code(0)
    .stdout(&by_id.stdout)
    .run();
    let typo = Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "csv",
        "--owner",
        "alcie",
    ])
    .now()
    .code(0)
    .stderr_has("--owner alcie: no action due is assigned to it; did you mean alice?")
    .run();
    assert_eq!(typo.stdout.lines().count(), 1);
    Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "csv",
        "--owner",
        "nobody-at-all",
    ])
    .now()
    .code(0)
    .stderr_has("the assignees are")
    .run();
}

/// The hint for an unmapped status suggested `awaiting_customer = [...]` whatever the
/// value. It names the closest known status and its state, or lists the states.
#[test]
fn an_unmapped_status_is_hinted_by_its_likeness() {
    let csv = "id,status,opened_at\n\
               A,Sloved,2026-11-20T10:00:00Z\n\
               B,Awaiting,2026-11-20T10:00:00Z\n\
               C,Frozen,2026-11-20T10:00:00Z\n";
    Case::new(&["check"])
        .now()
        .stdin(csv)
        .code(3)
        .stdout_has("the closest known status is \"solved\" (resolved); if \"Sloved\" means that too, add it under [input.status]: resolved = [\"Sloved\"]")
        .stdout_has("\"awaiting caller\" (awaiting_customer)")
        .stdout_has("\"Frozen\" is not mapped to a state; add it under [input.status] to the state it means, one of open, awaiting_customer")
        .run();
}

/// A header a typo, case or separator away from a field (`last_customer_reply` for
/// `last_customer_reply_at`) was left unread without a word, and a reply could not restart
/// the count. It is named, with the mapping that fixes it, by every planning command and
/// by `check`; `check` also says what each missing deciding field means.
#[test]
fn columns_nobody_maps_are_noticed() {
    let csv = "id,status,opened_at,last_customer_reply,Customer TZ\n\
               A,pending,2026-11-18T10:00:00Z,2026-11-20T10:00:00Z,Europe/Berlin\n";
    let warned = "column \"last_customer_reply\" is not read, and it looks like last_customer_reply_at: if it is, map it with [input.columns] last_customer_reply_at = \"last_customer_reply\"";
    for cmd in [&["plan"][..], &["summary"], &["check"], &["resolutions"]] {
        Case::new(cmd)
            .now()
            .stdin(csv)
            .code(0)
            .stderr_has(warned)
            .stderr_has("column \"Customer TZ\" is not read, and it looks like customer_tz")
            .run();
    }
    let out = Case::new(&["check"]).now().stdin(csv).code(0).run();
    for says in [
        "no last_customer_reply_at: a reply cannot restart the count",
        "no attempts: attempts are taken as none made",
        "no customer_tz: every customer is planned in [defaults].timezone",
        "no owner: every action goes to [defaults].unassigned",
        "no column next_billing_date: the steps of [types.billing] that read it never fall due",
    ] {
        assert!(out.stdout.contains(says), "{says}: {}", out.stdout);
    }
    assert!(!out.stdout.contains("no opened_at"));
    // The bundled example maps every field by name: nothing to say.
    let out = Case::new(&["check", "examples/tickets.csv"])
        .now()
        .code(0)
        .run();
    assert_eq!(out.stderr, "");
}

/// Copies of the example export as desks save them: `;` between cells (Excel in most of
/// Europe), tabs, and workbooks (xlsx, xls, ods) with typed date cells in UTC (the zone the
/// bundled rules read times without an offset in). Each plans exactly as the CSV.
#[test]
fn delimited_and_spreadsheet_copies_plan_as_the_csv() {
    let plan = |file: &str| {
        Case::new(&[
            "plan", file, "--format", "json", "--drafts", "--within", "30d",
        ])
        .now()
        .code(0)
        .run()
        .stdout
    };
    let want = plan("examples/tickets.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut rows = csv::Reader::from_path("examples/tickets.csv").unwrap();
    let header = rows.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    for (name, d) in [
        ("semicolons.csv", b';'),
        ("tabs.txt", b'\t'),
        ("tabs.tsv", b'\t'),
    ] {
        let path = dir.path().join(name);
        let mut w = csv::WriterBuilder::new()
            .delimiter(d)
            .from_path(&path)
            .unwrap();
        w.write_record(&header).unwrap();
        for r in &records {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        assert_eq!(plan(path.to_str().unwrap()), want, "{name}");
    }
    for sheet in ["tickets.xlsx", "tickets.xls", "tickets.ods"] {
        assert_eq!(
            plan(&format!("tests/fixtures/sheets/{sheet}")),
            want,
            "{sheet}"
        );
    }
    // From stdin too, and with the delimiter named in the rules.
    let semicolons = std::fs::read_to_string(dir.path().join("semicolons.csv")).unwrap();
    let out = Case::new(&["plan", "--format", "json", "--drafts", "--within", "30d"])
        .now()
        .rules(&format!(
            "{}\n",
            std::fs::read_to_string("rules.toml").unwrap().replace(
                "dedupe = \"reject\"",
                "dedupe = \"reject\"\ndelimiter = \";\""
            )
        ))
        .stdin(&semicolons)
        .code(0)
        .run();
    assert_eq!(out.stdout, want);
}

/// A workbook's bad rows are named as the spreadsheet numbers them, whatever rows sit
/// above the header and whatever cell holds a line break; `[input].sheet` chooses the sheet.
#[test]
fn spreadsheet_rows_are_named_as_the_spreadsheet_numbers_them() {
    let out = Case::new(&["check", "tests/fixtures/sheets/broken.xlsx"])
        .now()
        .code(3)
        .run();
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("rejected tests/fixtures/sheets/broken.xlsx:"))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "17"
        ],
        "{}",
        out.stdout
    );
    Case::new(&["check", "tests/fixtures/sheets/tickets.xlsx"])
        .now()
        .rules("[input]\nsheet = \"Notes\"\n")
        .code(2)
        .stderr_has("the export has no column for \"id\"")
        .run();
    Case::new(&["check", "tests/fixtures/sheets/tickets.xlsx"])
        .now()
        .rules("[input]\nsheet = \"Tickts\"\n")
        .code(2)
        .stderr_has("tests/fixtures/sheets/tickets.xlsx has no sheet \"Tickts\"; its sheets are Tickets, Notes")
        .run();
}

/// A zip, a PDF or a web page given as the export gets an error that says what it is.
#[test]
fn files_that_are_no_export_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("tickets.csv");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n").unwrap();
    let html = dir.path().join("tickets.xls");
    std::fs::write(
        &html,
        "\n<!DOCTYPE html>\n<html><table><tr><td>id</td></tr></table></html>",
    )
    .unwrap();
    for (file, says) in [
        (
            "tests/fixtures/sheets/export.zip",
            "is a zip archive holding no spreadsheet, not an export; unzip it and give the export inside",
        ),
        (pdf.to_str().unwrap(), "is a PDF document, not an export"),
        (
            html.to_str().unwrap(),
            "is a web page (HTML), not an export",
        ),
    ] {
        Case::new(&["plan", file])
            .now()
            .code(2)
            .stderr_has(says)
            .run();
    }
}

/// With `%d/%m/%Y` among the bundled formats, `11/03/2026` was read as 11 March and
/// `11/20/2026` rejected: one column, two readings. Day and month are decided per column
/// from its values: two readings with nothing to settle which are a usage error naming the
/// column, a value of each and the fix; a column a value settles (a day above 12) is read
/// that way, and a row that contradicts it is rejected saying so; with both orders listed,
/// the values decide, and `check` says how each column was read.
#[test]
fn day_and_month_are_decided_per_column() {
    let two_ways = "id,status,opened_at\nA,open,11/03/2026 10:00\nB,open,11/20/2026 10:00\n";
    Case::new(&["plan"])
        .now()
        .stdin(two_ways)
        .code(2)
        .stderr_has("column opened_at reads two ways: \"11/03/2026 10:00\" reads day first by \"%d/%m/%Y %H:%M\", but \"11/20/2026 10:00\" only month first; if the column is month first, list \"%m/%d/%Y %H:%M\" in [input].date_formats instead of \"%d/%m/%Y %H:%M\" ([input].date_formats, line 23 of the rules file)")
        .run();
    let settled = "id,status,opened_at\nA,open,25/03/2026 10:00\nB,open,11/20/2026 10:00\nC,open,11/03/2026 10:00\n";
    let out = Case::new(&["check"])
        .now()
        .stdin(settled)
        .code(3)
        .stdout_has("ticket B: opened_at: \"11/20/2026 10:00\" reads only month first, but column opened_at is read day first, as \"25/03/2026 10:00\" shows: check the row")
        .stdout_has("opened_at: read as \"%d/%m/%Y %H:%M\" (2); day first, as \"25/03/2026 10:00\" settles")
        .run();
    assert!(!out.stdout.contains("ticket C"), "{}", out.stdout);
    Case::new(&["explain", "C"])
        .now()
        .stdin(settled)
        .code(0)
        .stdout_has("opened_at  2026-03-11T06:00:00-04:00")
        .run();
    // Both orders listed: the values settle each column (month first here, by 11/20), and a
    // column nothing settles is a usage error.
    let both = std::fs::read_to_string("rules.toml").unwrap().replace(
        "\"%d/%m/%Y %H:%M\"]",
        "\"%d/%m/%Y %H:%M\", \"%m/%d/%Y %H:%M\"]",
    );
    Case::new(&["explain", "A"])
        .now()
        .rules(&both)
        .stdin(two_ways)
        .code(0)
        .stdout_has("opened_at  2026-11-03T05:00:00-05:00")
        .run();
    Case::new(&["check"])
        .now()
        .rules(&both)
        .stdin("id,status,opened_at\nA,open,11/03/2026 10:00\nB,open,10/02/2026 10:00\n")
        .code(2)
        .stderr_has("column opened_at: \"11/03/2026 10:00\" fits both \"%d/%m/%Y %H:%M\" and \"%m/%d/%Y %H:%M\", which read it as different dates, and no value of the column settles which")
        .run();
    Case::new(&["check", "examples/tickets.csv"])
        .now()
        .code(0)
        .stdout_has("opened_at: read as ISO 8601 with an offset (42)")
        .stdout_has("reactivation_at: read as ISO 8601 with an offset (1), YYYY-MM-DD (1)")
        .run();
}

/// The same on a cut of the public ServiceNow event log: a newer update of INC0000070 with
/// a state no mapping knows keeps it from being planned from its older "Awaiting User
/// Info" row.
#[test]
fn a_real_event_log_ticket_is_planned_from_its_newest_row_or_not_at_all() {
    let log = std::fs::read_to_string("tests/fixtures/real/servicenow_eventlog.csv").unwrap();
    let last = log.lines().rfind(|l| l.starts_with("INC0000070,")).unwrap();
    let mut cells: Vec<&str> = last.split(',').collect();
    cells[1] = "Awaiting Something Else";
    cells[13] = "1/3/2016 09:00";
    let newer = cells.join(",");
    let cut = format!("{log}{newer}\n");
    let args = [
        "--rules",
        "examples/servicenow-eventlog.toml",
        "--now",
        "2016-03-03T12:00:00Z",
    ];
    let before = Case::new(&args)
        .args(&["plan", "--format", "csv", "--within", "30d"])
        .stdin(&log)
        .run();
    assert!(before.stdout.contains("INC0000070.strike-1"));
    let after = Case::new(&args)
        .args(&["plan", "--format", "csv", "--within", "30d"])
        .stdin(&cut)
        .code(3)
        .stderr_has(
            "ticket INC0000070: incident_state: status \"Awaiting Something Else\" is not mapped",
        )
        .run();
    assert!(!after.stdout.contains("INC0000070"), "{}", after.stdout);
    Case::new(&args)
        .args(&["explain", "INC0000070"])
        .stdin(&cut)
        .code(3)
        .stdout_has("Ticket INC0000070 is not planned: its newest row was rejected")
        .run();
}

#[test]
fn a_value_with_escape_sequences_and_line_breaks_reaches_stderr_escaped() {
    let csv = "id,status,opened_at\n\"X\x1b[31m\nforged: line\",Pending,2026-02-30T10:00:00Z\n";
    let out = Case::new(&["plan", "--format", "csv"])
        .now()
        .stdin(csv)
        .code(3)
        .run();
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
    let line = out.stderr.lines().find(|l| l.contains("rejected")).unwrap();
    assert!(
        line.contains("ticket X\\u{1b}[31m\\nforged: line: opened_at"),
        "{line}"
    );
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("forged")),
        "{}",
        out.stderr
    );
}
