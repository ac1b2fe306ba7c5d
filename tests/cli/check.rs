//! Bad rows: every one reported with its line, ticket, field and reason; the rest planned.

use crate::{Case, fixture, followup};

#[test]
fn check_reports_every_bad_row_with_its_line() {
    let out = followup(&["check", &fixture("broken.csv")]);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn plan_goes_on_past_bad_rows_and_exits_3() {
    let out = Case::new(&["plan", &fixture("broken.csv"), "--format", "csv"])
        .now()
        .code(3)
        .run();
    let ids: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["B01.strike-1", "B13.strike-1", "B15.strike-1"]);
    assert!(
        out.stderr.contains("12 of 15 rows rejected"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("\"fax\" (1)"),
        "unknown channels are counted: {}",
        out.stderr
    );
}

#[test]
fn rejects_file_lists_every_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.csv");
    Case::new(&[
        "plan",
        &fixture("broken.csv"),
        "--rejects",
        path.to_str().unwrap(),
        "--format",
        "csv",
    ])
    .now()
    .code(3)
    .run();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "source",
            "line",
            "record",
            "ticket_id",
            "field",
            "value",
            "reason"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let lines: Vec<&str> = rows.iter().map(|x| &x[1]).collect();
    assert_eq!(
        lines,
        [
            "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "16"
        ]
    );
    assert_eq!(&rows[3][5], "Mars/Olympus");
    assert_eq!(&rows[3][4], "customer_tz");
}

#[test]
fn strict_makes_any_reject_fatal_and_writes_nothing() {
    let out = Case::new(&[
        "plan",
        &fixture("broken.csv"),
        "--strict",
        "--format",
        "csv",
    ])
    .now()
    .code(3)
    .run();
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("--strict: nothing written"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_required_column_is_a_usage_error_naming_the_columns() {
    let out = followup(&["plan", &fixture("missing_column.csv")]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr.replace(&fixture(""), ""));
}

#[test]
fn empty_and_header_only_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let out = followup(&["plan", empty.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is empty"), "{}", out.stderr);
    let header = dir.path().join("header.csv");
    std::fs::write(&header, "id,status,opened_at\n").unwrap();
    let out = Case::new(&["plan", header.to_str().unwrap(), "--format", "csv"])
        .now()
        .code(0)
        .run();
    assert_eq!(out.stdout.lines().count(), 1, "the header alone");
}

#[test]
fn an_unreadable_input_is_a_runtime_failure() {
    let out = followup(&["plan", "no/such/file.csv"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot open no/such/file.csv"),
        "{}",
        out.stderr
    );
}
