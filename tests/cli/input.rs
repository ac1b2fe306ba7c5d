//! Input formats: CSV, JSON array and NDJSON read the same tickets; naive times, null
//! markers, column overrides and repeated headers.

use crate::{Case, NOW, fixture, followup};

fn plan_csv(path: &str) -> String {
    let out = Case::new(&["plan", path, "--format", "csv", "--within", "30d"])
        .now()
        .code(0)
        .run();
    out.stdout
}

#[test]
fn json_ndjson_and_csv_give_the_same_plan() {
    let csv = plan_csv(&fixture("small.csv"));
    assert_eq!(
        csv.lines().count(),
        5,
        "J1 strike, J2 resolution, J3 hold and strike: {csv}"
    );
    assert_eq!(plan_csv(&fixture("small.json")), csv);
    assert_eq!(plan_csv(&fixture("small.ndjson")), csv);
}

#[test]
fn formats_are_sniffed_on_stdin_and_forced_by_flag() {
    let csv = plan_csv(&fixture("small.csv"));
    for name in ["small.json", "small.ndjson", "small.csv"] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let out = Case::new(&["--now", NOW, "plan", "--format", "csv", "--within", "30d"])
            .stdin(&text)
            .run();
        assert_eq!(out.stdout, csv, "{name}");
    }
    let out = Case::new(&[
        "plan",
        &fixture("small.ndjson.txt"),
        "--input-format",
        "ndjson",
        "--format",
        "csv",
        "--within",
        "30d",
    ])
    .now()
    .run();
    assert_eq!(out.stdout, csv);
}

#[test]
fn a_broken_json_array_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.json");
    std::fs::write(&p, r#"[{"id": "A", "status": "Pending", "opened_at": "2026-11-20T10:00:00Z"}, {"id": "B", "sta"#).unwrap();
    let out = Case::new(&["plan", p.to_str().unwrap()])
        .now()
        .code(1)
        .run();
    assert!(out.stderr.contains("line 1 column"), "{}", out.stderr);
    assert_eq!(out.stdout, "", "nothing partial");
}

#[test]
fn bad_ndjson_lines_are_rejected_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ndjson");
    std::fs::write(
        &p,
        "{\"id\": \"A\", \"status\": \"Pending\", \"opened_at\": \"2026-11-20T10:00:00Z\"}\n\n{\"id\": \"B\", oops}\n[1,2]\n{\"id\": {\"n\": 1}, \"status\": \"Pending\", \"opened_at\": \"2026-11-20T10:00:00Z\"}\n",
    )
    .unwrap();
    let out = Case::new(&["check", p.to_str().unwrap()])
        .now()
        .code(3)
        .run();
    insta::assert_snapshot!(out.stdout.replace(p.to_str().unwrap(), "x.ndjson"));
}

#[test]
fn naive_times_nulls_overrides_and_repeated_headers() {
    let out = followup(&[
        "--rules",
        &fixture("mapped.toml"),
        "--now",
        NOW,
        "plan",
        &fixture("mapped.csv"),
        "--format",
        "csv",
    ]);
    assert_eq!(
        out.code, 3,
        "M3's opened_at is a null marker: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("ticket M3: Opened: Opened is required but blank"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn a_json_export_without_a_required_key_is_a_usage_error() {
    let out = Case::new(&["--now", NOW, "plan"])
        .stdin("[{\"number\": \"A\", \"status\": \"Pending\", \"opened_at\": \"2026-11-20T10:00:00Z\"}]")
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("<stdin>: the export has no column for \"id\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("its columns are: number, opened_at, status"),
        "{}",
        out.stderr
    );
    let out = Case::new(&["--now", NOW, "plan", "--input-format", "ndjson"])
        .stdin("{\"id\": \"A\", \"state\": \"Pending\", \"opened_at\": \"2026-11-20T10:00:00Z\"}\n")
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("\"status\" (closest: \"state\")"),
        "{}",
        out.stderr
    );
}

/// Plans `inputs` with `--rejects`; the exit code, the plan, and the rejects file with each
/// reject as "source file:line:ticket".
fn plan_with_rejects(
    dir: &std::path::Path,
    inputs: &[&std::path::Path],
) -> (crate::Out, String, Vec<String>) {
    let rejects = dir.join("rejects.csv");
    let mut args = vec!["--now", NOW, "plan"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--format", "csv", "--rejects", rejects.to_str().unwrap()]);
    let out = followup(&args);
    let listed = std::fs::read_to_string(&rejects).unwrap_or_default();
    let rows = csv::Reader::from_reader(listed.as_bytes())
        .records()
        .map(|r| {
            let cells = r.unwrap();
            let file = cells[0].rsplit('/').next().unwrap_or_default();
            format!("{file}:{}:{}", &cells[1], &cells[3])
        })
        .collect();
    (out, listed, rows)
}

/// Rows are parsed on several threads in chunks; rejects still list in file order, and an id
/// that repeats an earlier row is rejected as such even when that row was rejected too.
#[test]
fn rejects_of_a_large_export_list_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,status,opened_at,awaiting_since\n");
    let mut want = Vec::new();
    for i in 1..=9000u32 {
        let (id, opened) = match i {
            // A bad date, then the same id again, far apart.
            17 | 4500 | 8999 => (format!("B{i}"), "2026-13-01T10:00:00Z".to_string()),
            6000 => ("B17".to_string(), "2026-11-18T10:00:00Z".to_string()),
            2048 | 2049 => ("T2048".to_string(), "2026-11-18T10:00:00Z".to_string()),
            _ => (format!("T{i}"), "2026-11-18T10:00:00Z".to_string()),
        };
        if matches!(i, 17 | 2049 | 4500 | 6000 | 8999) {
            want.push(format!("big.csv:{}:{id}", i + 1));
        }
        csv.push_str(&format!("{id},Pending,{opened},2026-11-20T10:00:00Z\n"));
    }
    let p = dir.path().join("big.csv");
    std::fs::write(&p, csv).unwrap();
    let (out, listed, got) = plan_with_rejects(dir.path(), &[&p]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("5 of 9000 rows rejected"),
        "{}",
        out.stderr
    );
    assert_eq!(got, want, "{listed}");
    assert!(
        listed
            .lines()
            .nth(4)
            .unwrap()
            .contains("repeats an earlier row"),
        "{listed}"
    );
    assert_eq!(
        out.stdout.lines().count(),
        1 + 9000 - 5,
        "one strike per ticket kept"
    );
}

/// A reject names the line its row starts on, as an editor counts lines: blank lines and
/// CRLF line ends count once each, and a quoted cell may span lines.
#[test]
fn reject_lines_count_blank_lines_crlf_and_quoted_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let csv = [
        "id,status,opened_at,awaiting_since",
        "T1,Pending,2026-11-18T10:00:00Z,2026-11-20T10:00:00Z",
        "",
        "T2,Pending,2026-13-01T10:00:00Z,2026-11-20T10:00:00Z",
        "\"T3\",Pending,2026-11-18T10:00:00Z,\"2026-13-20",
        "10:00\"",
        "T4,Pending,2026-13-01T10:00:00Z,2026-11-20T10:00:00Z",
        "",
        "",
        "T5,Pending,2026-13-01T10:00:00Z,2026-11-20T10:00:00Z",
    ]
    .join("\r\n");
    let p = dir.path().join("crlf.csv");
    std::fs::write(&p, csv).unwrap();
    let (out, listed, got) = plan_with_rejects(dir.path(), &[&p]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        got,
        [
            "crlf.csv:4:T2",
            "crlf.csv:5:T3",
            "crlf.csv:7:T4",
            "crlf.csv:10:T5"
        ],
        "{listed}"
    );
}

/// NDJSON lines are parsed on other threads, a chunk at a time, but their ids are checked in
/// reading order, also against the next source's: the first record with an id owns it.
#[test]
fn ndjson_ids_repeat_in_reading_order_across_chunks_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let mut ndjson = String::new();
    for i in 1..=5000u32 {
        let (id, opened) = match i {
            // A bad date owns its id all the same; a list is not a value.
            30 => ("N30".to_string(), "2026-13-01T10:00:00Z".to_string()),
            4000 => ("N30".to_string(), "2026-11-18T10:00:00Z".to_string()),
            2500 => ("N7".to_string(), "2026-11-18T10:00:00Z".to_string()),
            _ => (format!("N{i}"), "2026-11-18T10:00:00Z".to_string()),
        };
        if i == 3000 {
            ndjson.push_str("{\"id\": \"N3000\", \"status\": [\"Pending\"]}\n");
            continue;
        }
        ndjson.push_str(&format!(
            "{{\"id\": \"{id}\", \"status\": \"Pending\", \"opened_at\": \"{opened}\", \"awaiting_since\": \"2026-11-20T10:00:00Z\"}}\n"
        ));
    }
    let first = dir.path().join("a.ndjson");
    std::fs::write(&first, ndjson).unwrap();
    let second = dir.path().join("b.csv");
    std::fs::write(
        &second,
        "id,status,opened_at,awaiting_since\nN4999,Pending,2026-11-18T10:00:00Z,2026-11-20T10:00:00Z\nC1,Pending,2026-11-18T10:00:00Z,2026-11-20T10:00:00Z\n",
    )
    .unwrap();
    let (out, listed, got) = plan_with_rejects(dir.path(), &[&first, &second]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        got,
        [
            "a.ndjson:30:N30",
            "a.ndjson:2500:N7",
            "a.ndjson:3000:N3000",
            "a.ndjson:4000:N30",
            "b.csv:2:N4999"
        ],
        "{listed}"
    );
    assert!(
        listed.contains("expected a single value, found a list"),
        "{listed}"
    );
    assert_eq!(
        listed.matches("repeats an earlier row").count(),
        3,
        "{listed}"
    );
    assert_eq!(
        out.stdout.lines().count(),
        1 + 5000 + 2 - 5,
        "{}",
        out.stderr
    );
}
