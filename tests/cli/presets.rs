//! Real exports: each system's own format planned with only its preset and the zone set;
//! cuts of real event logs; encodings; formula injection; hostile files.

use crate::{Case, NOW, fixture, followup};

fn plan_preset(system: &str, file: &str) -> crate::Out {
    let rules = fixture(&format!("presets/{system}.toml"));
    followup(&[
        "--rules",
        &rules,
        "--now",
        "2026-11-23T15:00:00Z",
        "plan",
        &fixture(&format!("presets/{file}")),
        "--format",
        "csv",
        "--within",
        "24h",
    ])
}

#[test]
fn servicenow_incident_list() {
    let out = plan_preset("servicenow", "servicenow.csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn zendesk_json_and_csv_exports_plan_alike() {
    let json = plan_preset("zendesk", "zendesk.json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    insta::assert_snapshot!(json.stdout);
    let csv = plan_preset("zendesk", "zendesk.csv");
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let ids = |s: &str| {
        s.lines()
            .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&csv.stdout), ids(&json.stdout));
}

#[test]
fn jira_service_management_csv() {
    let out = plan_preset("jira", "jira.csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn freshdesk_csv_and_api_json() {
    let csv = plan_preset("freshdesk", "freshdesk.csv");
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    insta::assert_snapshot!(csv.stdout);
    let json = plan_preset("freshdesk", "freshdesk.json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    let ids: Vec<&str> = json
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["18.strike-1", "19.strike-1"],
        "numeric status codes 3 and 6 await the customer"
    );
}

#[test]
fn resolutions_use_the_system_column_names() {
    let rules = fixture("presets/jira.toml");
    let csv = fixture("presets/jira.csv");
    let out = followup(&[
        "--rules",
        &rules,
        "--now",
        "2026-12-01T15:00:00Z",
        "resolutions",
        &csv,
    ]);
    assert_eq!(
        out.stdout.lines().next(),
        Some("Issue key,Status,close_code,close_notes,resolved_at")
    );
}

#[test]
fn a_servicenow_event_log_cut_plans_with_the_worked_example() {
    let out = followup(&[
        "--rules",
        "examples/servicenow-eventlog.toml",
        "--now",
        "2016-03-03T12:00:00Z",
        "plan",
        &fixture("real/servicenow_eventlog.csv"),
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let check = followup(&[
        "--rules",
        "examples/servicenow-eventlog.toml",
        "check",
        &fixture("real/servicenow_eventlog.csv"),
    ]);
    assert!(
        check
            .stdout
            .contains("59 rows read: 59 accepted, 0 rejected; 13 tickets to plan"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_volvo_event_log_cut_plans_with_the_worked_example() {
    let out = followup(&[
        "--rules",
        "examples/volvo-eventlog.toml",
        "--now",
        "2012-05-21T09:00:00Z",
        "plan",
        &fixture("real/volvo_eventlog.csv"),
        "--format",
        "csv",
        "--within",
        "30d",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

/// Plans an event log (`dedupe = "last"`) as csv.
fn plan_event_log(log: &str) -> crate::Out {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.toml"),
        "[input]\ndedupe = \"last\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("log.csv"), log).unwrap();
    Case::new(&["--now", NOW, "plan", "log.csv", "--format", "csv"])
        .dir(dir.path())
        .run()
}

#[test]
fn event_logs_keep_the_newest_row_of_each_ticket() {
    let log = "id,status,opened_at,updated_at,awaiting_since\n\
        A,Open,2026-11-16T10:00:00Z,2026-11-16T10:00:00Z,\n\
        A,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n\
        B,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n\
        A,Open,2026-11-16T10:00:00Z,2026-11-18T10:00:00Z,\n\
        B,Closed,2026-11-16T10:00:00Z,2026-11-21T10:00:00Z,\n\
        C,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n\
        C,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-19T10:00:00Z\n";
    let out = plan_event_log(log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<String> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(","))
        .collect();
    // A: its newest row (by updated_at, not by order) awaits since the 20th; B is closed;
    // C: two rows at the same time, the later in the file wins (awaiting since the 19th).
    assert_eq!(
        rows,
        [
            "C.strike-1,C,strike,1,2026-11-20",
            "A.strike-1,A,strike,1,2026-11-23"
        ]
    );
}

#[test]
fn windows_1252_is_read_when_declared_and_refused_when_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"id,status,opened_at,customer,awaiting_since\n".to_vec();
    bytes.extend_from_slice(
        b"W1,Pending,2026-11-18T10:00:00Z,Jos\xe9 Mu\xf1oz,2026-11-20T10:00:00Z\n",
    );
    std::fs::write(dir.path().join("excel.csv"), &bytes).unwrap();
    std::fs::write(
        dir.path().join("rules.toml"),
        "[input]\nencoding = \"windows-1252\"\n",
    )
    .unwrap();
    let out = Case::new(&[
        "--now",
        NOW,
        "plan",
        "excel.csv",
        "--format",
        "json",
        "--drafts",
    ])
    .dir(dir.path())
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("José Muñoz"), "{}", out.stdout);
    std::fs::write(dir.path().join("rules.toml"), "").unwrap();
    let out = Case::new(&["--now", NOW, "plan", "excel.csv"])
        .dir(dir.path())
        .run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("excel.csv:2: the file is not UTF-8; if a spreadsheet saved it, set [input].encoding = \"windows-1252\""), "{}", out.stderr);
    std::fs::write(
        dir.path().join("rules.toml"),
        "[input]\nencoding = \"klingon\"\n",
    )
    .unwrap();
    let out = Case::new(&["rules", "check"]).dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("rules.toml:2:12: [input].encoding: \"klingon\" is not an encoding"),
        "{}",
        out.stderr
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "id,status,opened_at,customer,awaiting_since\nU1,Pending,2026-11-18T10:00:00Z,Zoë,2026-11-20T10:00:00Z\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.path().join("u16.csv"), &bytes).unwrap();
    let out = Case::new(&[
        "plan",
        dir.path().join("u16.csv").to_str().unwrap(),
        "--format",
        "csv",
    ])
    .now()
    .code(0)
    .run();
    assert!(out.stdout.contains("U1.strike-1"), "{}", out.stdout);
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_defused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.csv"),
        "id,status,opened_at,owner,awaiting_since,preferred_time\n=1+1,Pending,2026-11-18T10:00:00Z,@admin,2026-11-20T10:00:00Z,\nX2,Pending,2026-11-18T10:00:00Z,bob,2026-11-20T10:00:00Z,=cmd|' /C calc'!A0\n",
    )
    .unwrap();
    let p = dir.path().join("t.csv");
    let rejects = dir.path().join("rejects.csv");
    let out = Case::new(&[
        "plan",
        p.to_str().unwrap(),
        "--format",
        "csv",
        "--rejects",
        rejects.to_str().unwrap(),
    ])
    .now()
    .code(3)
    .run();
    assert!(
        out.stdout.contains("\n'=1+1.strike-1,'=1+1,strike,"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(",'@admin,"), "{}", out.stdout);
    let r = std::fs::read_to_string(&rejects).unwrap();
    assert!(r.contains(",'=cmd|"), "{r}");
    let raw = followup(&[
        "--no-csv-guard",
        "--now",
        NOW,
        "plan",
        p.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(
        raw.stdout.contains("\n=1+1.strike-1,=1+1,strike,"),
        "{}",
        raw.stdout
    );
    let json = Case::new(&["plan", p.to_str().unwrap(), "--format", "json"])
        .now()
        .run();
    assert!(
        json.stdout.contains("\"ticket_id\": \"=1+1\""),
        "json is data, never guarded"
    );
}

/// Broken files: each gives rejected rows or a clear error with its exit code, never a
/// panic, and every row read is accounted for.
#[test]
fn hostile_files_never_panic_or_lose_rows() {
    let dir = tempfile::tempdir().unwrap();
    let header = "id,status,opened_at,subject,awaiting_since\n";
    let good = "G1,Pending,2026-11-18T10:00:00Z,ok,2026-11-20T10:00:00Z\n";
    let big = "x".repeat(10 << 20);
    let deep = format!("[{}{}]", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(&str, Vec<u8>, &[i32])> = vec![
        ("empty.csv", b"".to_vec(), &[2]),
        ("header_only.csv", header.as_bytes().to_vec(), &[0]),
        ("truncated.csv", format!("{header}{good}G2,Pending,2026-11-18T1").into_bytes(), &[3]),
        ("open_quote.csv", format!("{header}{good}G2,Pending,2026-11-18T10:00:00Z,\"never closed,2026-11-20T10:00:00Z\nG3,Pending,2026-11-18T10:00:00Z,x,\n").into_bytes(), &[3]),
        ("ragged.csv", format!("{header}{good}G2,Pending\nG3,Pending,2026-11-18T10:00:00Z,x,2026-11-20T10:00:00Z,extra,more\n").into_bytes(), &[3]),
        ("nul.csv", format!("{header}G\u{0}1,Pending,2026-11-18T10:00:00Z,a\u{0}b,2026-11-20T10:00:00Z\n").into_bytes(), &[3]),
        ("big_field.csv", format!("{header}G1,Pending,2026-11-18T10:00:00Z,{big},2026-11-20T10:00:00Z\n").into_bytes(), &[3]),
        ("bad_dates.csv", format!("{header}G1,Pending,2026-02-30T10:00:00Z,x,\nG2,Pending,2026-11-18T25:00:00Z,x,\nG3,Pending,0000-00-00,x,\n").into_bytes(), &[3]),
        ("deep.json", deep.into_bytes(), &[1]),
        ("deep_line.ndjson", format!("{{\"id\":{}1{}}}\n", "[".repeat(5000), "]".repeat(5000)).into_bytes(), &[3]),
        ("numbers.json", b"[{\"id\": 17, \"status\": \"Pending\", \"opened_at\": \"2026-11-18T10:00:00Z\", \"attempts\": 1.5, \"last_attempt_at\": 5}]".to_vec(), &[3]),
        ("not_json.json", b"[{\"id\": \"A\", ".to_vec(), &[1]),
        ("object_without_tickets.json", b"{\"users\": [1, 2]}".to_vec(), &[1]),
        ("binary.csv", (0u8..=255).cycle().take(4096).collect(), &[2, 3]),
    ];
    for (name, bytes, codes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        for cmd in ["check", "plan"] {
            let out = followup(
                &["--now", NOW, cmd, p.to_str().unwrap(), "--format", "csv"]
                    .iter()
                    .copied()
                    .filter(|a| cmd == "plan" || !a.starts_with("--format") && *a != "csv")
                    .collect::<Vec<_>>(),
            );
            assert!(
                !out.stderr.contains("panicked"),
                "{name} {cmd}: {}",
                out.stderr
            );
            assert!(
                codes.contains(&out.code),
                "{name} {cmd}: exit {} ({})",
                out.code,
                out.stderr
            );
            if out.code != 0 {
                let said = if cmd == "check" {
                    format!("{}{}", out.stdout, out.stderr)
                } else {
                    out.stderr.clone()
                };
                assert!(!said.trim().is_empty(), "{name} {cmd}: an error says why");
            }
            if cmd == "check" && out.code == 3 {
                let summary = out.stdout.lines().last().unwrap_or("");
                let n = |word: &str| -> u64 {
                    summary
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .collect::<Vec<_>>()
                        .windows(2)
                        .find(|w| w[1] == word)
                        .and_then(|w| w[0].parse().ok())
                        .unwrap_or(u64::MAX)
                };
                let listed = out
                    .stdout
                    .lines()
                    .filter(|l| l.starts_with("rejected "))
                    .count() as u64;
                assert_eq!(
                    n("rejected"),
                    listed,
                    "{name}: every reject is listed: {}",
                    out.stdout
                );
                assert!(n("rows") >= listed, "{name}: {summary}");
            }
        }
    }
}

#[test]
fn servicenow_excel_export_with_labels() {
    let out = plan_preset("servicenow", "servicenow_labels.csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["INC0010102.strike-1"],
        "awaiting caller: a strike; awaiting vendor: on hold"
    );
}

/// Event log rows are parsed on other threads, a chunk at a time, and taken back in file
/// order: of two rows of a ticket at the same time, the later in the file wins, however far
/// apart they are.
#[test]
fn event_logs_keep_file_order_across_chunks() {
    let mut log = String::from("id,status,opened_at,updated_at,awaiting_since\n");
    for i in 1..=6000u32 {
        let row =
            match i {
                10 => "E1,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z"
                    .into(),
                4000 => "E1,Closed,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,".into(),
                20 => "E2,Closed,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,".into(),
                5999 => "E2,Pending,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z"
                    .into(),
                _ => format!("F{i},Closed,2026-11-16T10:00:00Z,2026-11-20T10:00:00Z,"),
            };
        log.push_str(&row);
        log.push('\n');
    }
    let out = plan_event_log(&log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| &l[..l.find(',').unwrap()])
        .collect();
    assert_eq!(ids, ["E2.strike-1"], "{}", out.stdout);
}
