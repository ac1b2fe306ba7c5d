//! Hostile input costs its row, within the limits `[input]` sets: a giant line, a giant
//! field, a NUL byte, a number that does not fit.

use crate::Case;

/// Limits small enough that a fixture of a few lines passes them.
const SMALL: &str = "[input]\nmax_field_bytes = 24\nmax_row_bytes = 100\n";

/// A 200 MB file of one line took 2.5 GB and echoed the whole line to stderr; a 2 GB one
/// was killed by the kernel. The header is refused at the row limit, having read no more
/// than that.
#[test]
fn a_file_of_one_giant_line_is_refused_at_the_row_limit_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("z.csv");
    // Sparse: 1 GiB of NUL bytes that take no room on disk.
    std::fs::File::create(&p).unwrap().set_len(1 << 30).unwrap();
    let out = Case::new(&["plan", p.to_str().unwrap()])
        .now()
        .code(2)
        .stderr_has("the header row is longer than [input].max_row_bytes (4194304 bytes)")
        .run();
    assert!(out.stderr.len() < 400, "{}", out.stderr);
    // A header of a thousand long names is named by a short prefix of each, and of the list.
    let names: Vec<String> = (0..1000)
        .map(|i| format!("{i}{}", "n".repeat(200)))
        .collect();
    std::fs::write(&p, format!("{}\n", names.join(","))).unwrap();
    let out = Case::new(&["plan", p.to_str().unwrap()])
        .now()
        .code(2)
        .stderr_has("… and 960 more")
        .run();
    assert!(out.stderr.len() < 4000, "{} bytes", out.stderr.len());
}

/// A row past `max_row_bytes` (a quote left open swallows the file, or a giant cell), a field
/// past `max_field_bytes` and a NUL byte each cost their row, named by its line; the rows
/// after them are read as if they were not there.
#[test]
fn a_row_or_field_past_the_limits_or_holding_nul_costs_its_row() {
    let csv = "id,status,opened_at,subject\n\
               A1,Pending,2026-11-18T10:00:00Z,ok\n\
               A2,Pending,2026-11-18T10:00:00Z,\"a quoted cell\nover lines, that goes on and on and on and on and on and on\"\n\
               A3,Pending,2026-11-18T10:00:00Z,twenty-five bytes long!!!\n\
               A4,Pending,2026-11-18T10:00:00Z,twenty-four bytes long!!\n\
               A5,Pending,2026-11-18T10:00:00Z,a\0b\n\
               A6,Pending,2026-11-18T10:00:00Z,an unquoted cell that goes on and on and on and on and on and on and on\n\
               A7,Pending,2026-11-18T10:00:00Z,ok\n";
    let out = Case::new(&["check", "-"])
        .now()
        .rules(SMALL)
        .stdin(csv)
        .code(3)
        .run();
    insta::assert_snapshot!(out.stdout);
    let plan = Case::new(&["plan", "--format", "csv", "--within", "30d"])
        .now()
        .rules(SMALL)
        .stdin(csv)
        .code(3)
        .run();
    for id in ["A1", "A4", "A7"] {
        assert!(
            plan.stdout.contains(&format!("{id}.strike-1")),
            "{id}: {}",
            plan.stdout
        );
    }
    for id in ["A2", "A3", "A5", "A6"] {
        assert!(
            !plan.stdout.contains(&format!("{id}.")),
            "{id}: {}",
            plan.stdout
        );
    }
    assert!(!plan.stdout.contains('\0'), "no NUL reaches an output");
}

/// At the default limits a 10 MB field, which the README promised was a rejected row, went
/// through `run` into the outputs; it costs its row, and the reader holds no more than a
/// small multiple of the row limit for it.
#[test]
fn a_ten_megabyte_field_is_a_rejected_row_at_the_default_limits() {
    let big = "x".repeat(10 << 20);
    let csv = format!(
        "id,status,opened_at,subject\nB1,Pending,2026-11-18T10:00:00Z,{big}\nB2,Pending,2026-11-18T10:00:00Z,\"{big}\"\nB3,Pending,2026-11-18T10:00:00Z,ok\n"
    );
    let out = Case::new(&["check", "-"]).now().stdin(&csv).code(3).run();
    assert!(
        out.stdout.contains(
            "rejected <stdin>:2: the row is longer than [input].max_row_bytes (4194304 bytes)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("rejected <stdin>:3: the row is longer"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("3 rows read: 1 ticket accepted, 2 rejected\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() < 8000);
}

/// One `1e400` in a JSON array refused the whole file (exit 1); a record too long, a number
/// that does not fit and a NUL escape each cost their record, in arrays and NDJSON alike.
#[test]
fn a_json_value_that_does_not_fit_costs_its_record_not_the_file() {
    let records = [
        r#"{"id": "J1", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z"}"#,
        r#"{"id": "J2", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z", "score": 1e400}"#,
        r#"{"id": "J3", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z", "subject": "twenty-five bytes long!!!"}"#,
        r#"{"id": "J4", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z", "subject": "a\u0000b"}"#,
        r#"{"id": "J5", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z", "subject": "a record of more than a hundred bytes"}"#,
        r#"{"id": "J6", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z"}"#,
    ];
    let rules = SMALL.replace("100", "110");
    let array = format!(
        "{{\"tickets\": [\n{}\n], \"next_page\": null}}",
        records.join(",\n")
    );
    let lines = format!("{}\n", records.join("\n"));
    let check = |input: &str, format: &str| {
        Case::new(&["check", "--input-format", format, "-"])
            .now()
            .rules(&rules)
            .stdin(input)
            .code(3)
            .run()
            .stdout
    };
    insta::assert_snapshot!("json_array", check(&array, "json"));
    insta::assert_snapshot!("ndjson", check(&lines, "ndjson"));
}

/// `attempts` read `+0`, `1.0` and ` 1` but refused a JSON `-0`: one rule for a count in
/// CSV and JSON alike, each value that breaks it costing its row.
#[test]
fn a_count_is_read_by_one_rule_in_csv_and_json() {
    let values = [
        "2",
        " 2 ",
        "+2",
        "2.0",
        "-0",
        "-1",
        "2.5",
        "1e2",
        "1,000",
        "4294967296",
    ];
    let csv: String = std::iter::once("id,status,opened_at,attempts,last_attempt_at\n".to_string())
        .chain(values.iter().enumerate().map(|(i, v)| {
            format!("C{i},Pending,2026-11-18T10:00:00Z,\"{v}\",2026-11-20T10:00:00Z\n")
        }))
        .collect();
    let out = Case::new(&["check", "-"]).now().stdin(&csv).code(3).run();
    insta::assert_snapshot!("csv", out.stdout);
    // JSON numbers, and JSON strings, by the same rule.
    let json: Vec<String> = [
        "2", "2.0", "-0", "-1", "2.5", "1e2", "4294967296", "\"+2\"", "\" 2 \"", "\"1e2\"",
    ]
    .iter()
    .enumerate()
    .map(|(i, v)| {
        format!(r#"{{"id": "N{i}", "status": "Pending", "opened_at": "2026-11-18T10:00:00Z", "attempts": {v}, "last_attempt_at": "2026-11-20T10:00:00Z"}}"#)
    })
    .collect();
    let out = Case::new(&["check", "--input-format", "ndjson", "-"])
        .now()
        .stdin(&(json.join("\n") + "\n"))
        .code(3)
        .run();
    insta::assert_snapshot!("json", out.stdout);
}

/// The limits are settings, checked like the others.
#[test]
fn limits_out_of_range_are_rule_errors() {
    for (rules, says) in [
        (
            "[input]\nmax_field_bytes = 0\n",
            "[input].max_field_bytes: 0 is out of range",
        ),
        (
            "[input]\nmax_row_bytes = 2000000000\n",
            "[input].max_row_bytes: 2000000000 is out of range",
        ),
        (
            "[input]\nmax_field_bytes = 200\nmax_row_bytes = 100\n",
            "max_field_bytes (200) is more than max_row_bytes (100)",
        ),
    ] {
        Case::new(&["rules", "check"])
            .rules(rules)
            .code(2)
            .stderr_has(says)
            .run();
    }
}
