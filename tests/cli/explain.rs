//! `explain`: the facts, the dates and the decision for one ticket.

use crate::{Case, fixture};

#[test]
fn explains_a_held_ticket_in_plain_sentences() {
    let out = Case::new(&["explain", "INC0010039", "examples/tickets.csv"])
        .now()
        .code(0)
        .run();
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn explains_as_json() {
    let out = Case::new(&[
        "explain",
        "INC0010041",
        "examples/tickets.csv",
        "--format",
        "json",
    ])
    .now()
    .code(0)
    .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["ticket_id"], "INC0010041");
    let a = &v["actions"][0];
    assert_eq!(a["action_id"], "INC0010041.check_in-1");
    assert_eq!(a["listed"], false);
    assert_eq!(a["due_date"], "2026-11-27");
    assert_eq!(a["assignee"], "carol", "Alice is out on the 27th");
    assert_eq!(a["covering_for"], "alice");
    let names: Vec<&str> = v["computed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"type") && names.contains(&"step 1") && names.contains(&"step 2"),
        "{names:?}"
    );
}

#[test]
fn a_ticket_with_nothing_to_do_says_why() {
    let out = Case::new(&["explain", "INC0010031", "examples/tickets.csv"])
        .now()
        .code(0)
        .run();
    assert!(
        out.stdout.contains("the ticket is closed: no follow-ups"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Decision: nothing to do"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rejected_ticket_is_explained_by_its_reject() {
    let out = Case::new(&["explain", "B05", &fixture("broken.csv")])
        .now()
        .code(3)
        .run();
    assert!(
        out.stdout.contains("its row was rejected"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\"Mars/Olympus\" is not a time zone"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unknown_ticket_suggests_the_closest_id() {
    let out = Case::new(&["explain", "INC001039", "examples/tickets.csv"])
        .now()
        .code(2)
        .run();
    assert!(
        out.stderr.contains(
            "ticket INC001039 is not in the export (42 rows read); did you mean INC0010039?"
        ),
        "{}",
        out.stderr
    );
}
