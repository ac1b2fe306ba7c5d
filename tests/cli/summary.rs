//! `summary`: counts per key and kind that add up to what `plan` lists.

use crate::{Case, NOW, followup};

fn plan_rows(extra: &[&str]) -> usize {
    let out = followup(
        &[
            &[
                "--now",
                NOW,
                "plan",
                "examples/tickets.csv",
                "--format",
                "csv",
            ],
            extra,
        ]
        .concat(),
    );
    out.stdout.lines().count() - 1
}

#[test]
fn by_owner_as_a_table() {
    let out = Case::new(&["summary", "examples/tickets.csv", "--format", "table"])
        .now()
        .code(0)
        .run();
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn totals_equal_the_rows_plan_lists_for_every_key() {
    for within in ["0h", "24h", "7d"] {
        let rows = plan_rows(&["--within", within]);
        for by in ["owner", "type", "kind", "channel", "date"] {
            let out = Case::new(&[
                "summary",
                "examples/tickets.csv",
                "--by",
                by,
                "--within",
                within,
                "--format",
                "json",
            ])
            .now()
            .code(0)
            .run();
            let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            assert_eq!(
                v["total"]["total"], rows as u64,
                "--by {by} --within {within}"
            );
            let sum: u64 = v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["total"].as_u64().unwrap())
                .sum();
            assert_eq!(sum, rows as u64);
        }
    }
}

#[test]
fn csv_rows_count_each_kind() {
    let out = Case::new(&[
        "summary",
        "examples/tickets.csv",
        "--by",
        "kind",
        "--within",
        "7d",
        "--format",
        "csv",
    ])
    .now()
    .run();
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn filters_apply_before_counting() {
    let out = Case::new(&[
        "summary",
        "examples/tickets.csv",
        "--owner",
        "alice",
        "--format",
        "csv",
    ])
    .now()
    .run();
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].starts_with("alice,"));
    assert_eq!(
        rows[1].rsplit(',').next().unwrap(),
        plan_rows(&["--owner", "alice"]).to_string()
    );
}
