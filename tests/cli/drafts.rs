//! Drafts in the plan, draft files that never leave their folder, and the resolutions file.

use crate::{Case, NOW, fixture, followup};

#[test]
fn plan_with_drafts_adds_subject_and_body() {
    let out = Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "csv",
        "--drafts",
    ])
    .now()
    .code(0)
    .run();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&header[20..], ["draft_subject", "draft_body"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let (id, assignee, body) = (&row[1], &row[12], &row[21]);
        assert!(body.contains(id), "{id}: {body}");
        let name = match assignee {
            "alice" => "Alice Moreno",
            "bob" => "Bob Okafor",
            "carol" => "Carol Jensen",
            // The queue is no person: the department signs.
            "service-desk-queue" => "Service Desk",
            other => other,
        };
        for needle in [
            name,
            "Service Desk",
            "+1 800 555 0100",
            "support@example.com",
            "https://support.example.com",
        ] {
            assert!(body.contains(needle), "{id} lacks {needle}: {body}");
        }
    }
    let json = Case::new(&[
        "plan",
        "examples/tickets.csv",
        "--format",
        "json",
        "--drafts",
    ])
    .now()
    .run();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v[0]["draft_subject"].is_string() && v[0]["draft_body"].is_string());
    let plain = Case::new(&["plan", "examples/tickets.csv", "--format", "json"])
        .now()
        .run();
    assert!(!plain.stdout.contains("draft_body"));
}

/// The covering check-in said the owner was out twice, dropped its question and promised
/// contact nothing scheduled ("they will be in touch when they are back"). It says once who
/// is out and until when, that there is no news, still asks whether the issue is solved, and
/// promises the owner's follow-up, which is planned (`the_owners_follow_up_is_planned_…`).
#[test]
fn a_covering_check_in_names_the_return_once_and_still_asks() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    std::fs::write(
        &csv,
        "id,status,opened_at,type,channel,customer,owner,resolved_at\nR1,Resolved,2026-11-12T10:00:00-05:00,support,email,Pat Morgan,alice,2026-11-20T10:00:00-05:00\n",
    )
    .unwrap();
    let out = followup(&[
        "--now",
        "2026-11-27T15:00:00Z",
        "plan",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--drafts",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let body = v[0]["draft_body"].as_str().unwrap();
    assert_eq!(v[0]["covering_for"], "alice");
    assert_eq!(
        body.matches("2026-11-30").count(),
        1,
        "the return date once: {body}"
    );
    assert_eq!(body.matches("out of the office").count(), 1, "{body}");
    assert!(
        body.contains("there is no news on it to give you"),
        "{body}"
    );
    assert!(body.contains("Is the issue resolved for you?"), "{body}");
    assert!(
        !body.contains("will be in touch"),
        "no promise nothing keeps: {body}"
    );
}

#[test]
fn draft_files_for_hostile_ids_stay_inside_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = Case::new(&[
        "drafts",
        &fixture("hostile_ids.csv"),
        "--out",
        out_dir.to_str().unwrap(),
    ])
    .now()
    .code(0)
    .run();
    assert!(out.stderr.contains("wrote 8 drafts"), "{}", out.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "_...strike-1.txt",
            "_.._.._etc_x.strike-1.txt",
            "_..strike-1.txt",
            "_CON.strike-1.txt",
            "___7_7___.strike-1.txt",
            "a_b.strike-1-2.txt",
            "a_b.strike-1.txt",
            "x_y.strike-1.txt",
        ]
    );
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top, ["out"], "nothing written beside the folder");
    let text = std::fs::read_to_string(out_dir.join("a_b.strike-1.txt")).unwrap();
    assert!(
        text.starts_with("Action: a/b.strike-1\nTo: {{ 7*7 }}"),
        "{text}"
    );
    assert!(
        text.contains("Hi {{ 7*7 }},") && text.contains("{% raw %}"),
        "{text}"
    );
}

#[test]
fn a_draft_file_has_a_header_and_the_body() {
    let dir = tempfile::tempdir().unwrap();
    Case::new(&[
        "drafts",
        "examples/tickets.csv",
        "--out",
        dir.path().to_str().unwrap(),
        "--owner",
        "alice",
    ])
    .now()
    .code(0)
    .run();
    let text = std::fs::read_to_string(dir.path().join("INC0010001.strike-1.txt")).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn resolutions_are_a_csv_to_import() {
    let out = Case::new(&["resolutions", "examples/tickets.csv"])
        .now()
        .code(0)
        .run();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "status", "close_code", "close_notes", "resolved_at"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|x| &x[0]).collect();
    assert_eq!(
        ids,
        ["INC0010010", "INC0010017", "INC0010004", "INC0010037"]
    );
    assert!(
        rows.iter()
            .all(|x| &x[1] == "Resolved" && &x[2] == "User not responded")
    );
    assert!(rows[0][3].contains("4 contact attempts"));
    assert_eq!(&rows[2][4], "2026-11-23T09:05:00-05:00");
}

#[test]
fn resolutions_use_the_export_column_names() {
    let out = followup(&[
        "--rules",
        &fixture("mapped.toml"),
        "--now",
        NOW,
        "resolutions",
        &fixture("mapped.csv"),
        "--within",
        "10d",
    ]);
    let first = out.stdout.lines().next().unwrap();
    assert_eq!(first, "Number,State,close_code,close_notes,resolved_at");
}

#[test]
fn rules_check_warns_about_incomplete_templates_and_fails_on_broken_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.toml");
    std::fs::write(&p, "[templates.strike.email]\nsubject = \"Hi\"\nbody = \"\"\"\nHello {{ customer.name }}.\n\"\"\"\n").unwrap();
    let out = crate::Case::new(&["rules", "check"]).dir(dir.path()).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("rules.toml:4:1: warning: [templates] strike.email.body: the draft does not name the ticket number"),
        "{}",
        out.stdout
    );
    std::fs::write(&p, "[templates.check_in]\nsubject = \"Hi\"\nbody = \"\"\"\nHello\n{% if x %}\nno end\n\"\"\"\n").unwrap();
    let out = crate::Case::new(&["rules", "check"]).dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("rules.toml:")
            && out
                .stderr
                .contains("check_in.body: the template does not compile"),
        "{}",
        out.stderr
    );
    std::fs::write(&p, "[templates.strike.fax]\nsubject = \"Hi\"\n").unwrap();
    let out = crate::Case::new(&["rules", "check"]).dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("\"fax\" is neither subject, body, voicemail, a channel"),
        "{}",
        out.stderr
    );
}

/// A check-in that supersedes an earlier missed step names it in its reason, and its draft
/// says the message also covers the follow-up that did not reach the customer.
#[test]
fn a_draft_covers_the_missed_step_its_reason_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(
        &p,
        "id,status,opened_at,type,channel,customer,owner\nS1,Open,2026-11-02T15:00:00Z,complaint,email,Ana Lima,bob\n",
    )
    .unwrap();
    let out = Case::new(&["plan", p.to_str().unwrap(), "--format", "json", "--drafts"])
        .now()
        .code(0)
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v[0]["action_id"], "S1.check_in-2", "{}", out.stdout);
    assert!(
        v[0]["reason"]
            .as_str()
            .unwrap()
            .contains(" Missed earlier: step 1 (due 2026-11-09); cover them in this contact."),
        "{}",
        out.stdout
    );
    assert!(
        v[0]["draft_body"]
            .as_str()
            .unwrap()
            .contains("(This also covers our earlier follow-up that did not reach you.)"),
        "{}",
        out.stdout
    );
}

/// Assignees a draft cannot name (bare numbers `[agents]` does not list) are counted once
/// in a warning, with the fix.
#[test]
fn numbered_assignees_are_named_in_one_warning() {
    let csv = "id,status,opened_at,channel,owner,awaiting_since\n\
               N1,Pending,2026-11-10T10:00:00Z,email,67013469919,2026-11-18T10:00:00Z\n\
               N2,Pending,2026-11-10T10:00:00Z,email,67013469919,2026-11-18T10:00:00Z\n\
               N3,Pending,2026-11-10T10:00:00Z,email,42,2026-11-18T10:00:00Z\n";
    let out = Case::new(&["plan", "--drafts", "--format", "ndjson", "-"])
        .now()
        .stdin(csv)
        .code(0)
        .stderr_has("2 assignees are named by a number only (42, …): their drafts are signed by the department; name them under [agents.<id>] name = \"…\"")
        .run();
    assert_eq!(out.stderr.matches("named by a number only").count(), 1);
    assert!(
        !out.stdout.contains("Kind regards,\\n67013469919"),
        "{}",
        out.stdout
    );
    // Without drafts nothing is signed: no warning.
    let out = Case::new(&["plan", "--format", "ndjson", "-"])
        .now()
        .stdin(csv)
        .code(0)
        .run();
    assert!(
        !out.stderr.contains("named by a number only"),
        "{}",
        out.stderr
    );
}

/// A phone check-in was drafted for a customer with no phone number ("Call the number on
/// the ticket"). Where the export has a contact column and a ticket leaves it blank, the
/// channel is skipped for the next of its row, and the reason says why; with no channel left
/// the action is to find the contact details. An export without the column is no evidence.
#[test]
fn nothing_is_drafted_to_a_channel_without_its_contact() {
    let rules = "[defaults]\ntimezone = \"America/New_York\"\n\
                 [types.default]\nsteps = [{ after = \"7d\", from = \"opened_at\", channel = \"phone\" }]\n";
    let csv = "id,status,opened_at,channel,customer_phone,customer_email,awaiting_since\n\
               F1,Open,2026-11-16T15:00:00Z,phone,,f1@example.com,\n\
               F2,Pending,2026-11-10T15:00:00Z,email,,f2@example.com,2026-11-18T15:00:00Z\n\
               F3,Open,2026-11-16T15:00:00Z,phone,+1 555 0100,,\n";
    let v = planned(rules, csv, &["--drafts"]);
    let by = |id: &str| v.iter().find(|a| a["ticket_id"] == id).unwrap();
    let (f1, f2, f3) = (by("F1"), by("F2"), by("F3"));
    assert_eq!(f1["kind"], "find_contact");
    assert_eq!(f1["channel"], serde_json::Value::Null);
    let reason = f1["reason"].as_str().unwrap();
    assert!(reason.contains("by phone: ask whether"), "{reason}");
    assert!(reason.contains("No phone (customer_phone is blank): no way is left to reach the customer; find their contact details"), "{reason}");
    assert!(!f1["draft_body"].as_str().unwrap().contains("\nCall\n"));
    assert_eq!(
        (&f2["channel"], &f2["fallback_channels"]),
        (&"chat".into(), &serde_json::json!(["email"]))
    );
    assert!(
        f2["reason"]
            .as_str()
            .unwrap()
            .ends_with("No phone (customer_phone is blank): the next channel of the row is used."),
        "{}",
        f2["reason"]
    );
    let body = f2["draft_body"].as_str().unwrap();
    assert!(
        !body.contains("\nCall\n") && !body.contains("Voicemail"),
        "{body}"
    );
    assert_eq!(f3["kind"], "check_in");
    // Without the column the export says nothing: the phone stays.
    let csv = "id,status,opened_at,channel\nF1,Open,2026-11-16T15:00:00Z,phone\n";
    let v = planned(rules, csv, &[]);
    assert_eq!(
        (&v[0]["kind"], &v[0]["channel"]),
        (&"check_in".into(), &"phone".into())
    );
    // `check` names the contact columns the export lacks.
    let out = Case::new(&["check", "-"])
        .now()
        .rules(rules)
        .stdin(csv)
        .code(0)
        .run();
    assert!(
        out.stdout
            .contains("no customer_phone: calls are planned without knowing there is a number"),
        "{}",
        out.stdout
    );
}

/// The actions `plan --format json` lists for an export on stdin under `rules`.
fn planned(rules: &str, csv: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let args = [&["plan", "--format", "json", "-"][..], extra].concat();
    let out = Case::new(&args).now().rules(rules).stdin(csv).code(0).run();
    serde_json::from_str(&out.stdout).unwrap()
}

/// The covering colleague reads the owner's work note in the draft file's header, for them
/// alone; the customer's text never holds it.
#[test]
fn the_covering_colleague_reads_the_work_note_the_customer_never_does() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,status,opened_at,type,channel,customer,customer_email,owner,resolved_at,last_work_note\n\
               R1,Resolved,2026-11-12T10:00:00-05:00,support,email,Pat Morgan,pat@example.com,alice,2026-11-20T10:00:00-05:00,Manager approval pending\n";
    let out = dir.path().join("d");
    Case::new(&[
        "--now",
        "2026-11-27T15:00:00Z",
        "drafts",
        "--out",
        out.to_str().unwrap(),
        "-",
    ])
    .stdin(csv)
    .code(0)
    .run();
    let text = std::fs::read_to_string(out.join("R1.check_in-1.txt")).unwrap();
    let (header, body) = text.split_once("\n\n").unwrap();
    assert!(
        header.contains("\nWork note (for you, not the customer): Manager approval pending"),
        "{text}"
    );
    assert!(!body.contains("Manager approval"), "{text}");
}

/// Drafted a window at a time, a plan once wrote the windows before a draft that fails:
/// nothing is written, as when every draft was rendered before the first line.
#[test]
fn a_draft_failing_on_one_ticket_of_many_writes_no_line_of_the_plan() {
    let rules = std::fs::read_to_string("rules.toml").unwrap();
    let rules = format!(
        "{rules}\n[templates.strike.email]\nsubject = \"x\"\nbody = \"\"\"{{% if ticket.id == 'N4999' %}}{{% for a in range(10000) %}}{{% for b in range(10000) %}}{{% endfor %}}{{% endfor %}}{{% endif %}}ok\"\"\"\n"
    );
    let export = std::fs::read_to_string("examples/tickets.csv").unwrap();
    let mut lines = export.lines();
    let header = lines.next().unwrap();
    let row = lines.find(|l| l.starts_with("INC0010002,")).unwrap();
    let mut csv = format!("{header}\n");
    for i in 0..5000 {
        csv.push_str(&row.replacen("INC0010002", &format!("N{i:04}"), 1));
        csv.push('\n');
    }
    for format in ["csv", "ndjson"] {
        let out = Case::new(&["plan", "-", "--format", format, "--drafts"])
            .now()
            .rules(&rules)
            .stdin(&csv)
            .code(2)
            .stdout("")
            .run();
        assert!(
            out.stderr
                .contains("1 draft could not be rendered; the first: N4999.strike-")
                && out.stderr.contains("runs out of [drafts].fuel"),
            "{}",
            out.stderr
        );
    }
}
