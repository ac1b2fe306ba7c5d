//! Nothing forged: values made of line breaks, quotes, delimiters, control characters,
//! formula starts and template syntax go through `plan`, `drafts` and `run`, and every
//! output parses back to exactly its records and fields: no value adds a row, a cell, a
//! header line of a draft or a file.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;

use crate::Case;

/// Pieces values are made of: what breaks csv, JSON, draft headers, terminals, templates
/// and file names.
const PIECES: [&str; 26] = [
    "a",
    "Z",
    ",",
    ";",
    "\"",
    "'",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "=",
    "+",
    "-",
    "@",
    "\\",
    "/",
    "..",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "é",
    " ",
    "{{ 7*7 }}{%",
    "\nTo: evil@example.com\n",
    "\n----- 9 of 9: X -----\n",
];

/// Starts of ids: the csv guard's characters among them.
const STARTS: [&str; 5] = ["", "=", "+", "-", "@"];

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(&PIECES[..]), 0..6).prop_map(|p| p.concat())
}

#[derive(Debug, Clone)]
struct Values {
    ids: Vec<String>,
    /// Per ticket: customer, e-mail, phone, subject, owner, last note, an extra column.
    texts: Vec<[String; 7]>,
}

fn values() -> impl Strategy<Value = Values> {
    let ticket = (
        prop::sample::select(&STARTS[..]),
        text(),
        proptest::array::uniform7(text()),
    );
    proptest::collection::vec(ticket, 5).prop_map(|ts| Values {
        // The number keeps ids unique; a letter around each text keeps it from being blank
        // or trimmed.
        ids: ts
            .iter()
            .enumerate()
            .map(|(i, (start, id, _))| format!("{start}{i}{id}x"))
            .collect(),
        texts: ts
            .iter()
            .map(|(_, _, t)| t.clone().map(|s| format!("v{s}w")))
            .collect(),
    })
}

/// The export: ticket 0 is due for resolution, the others for strike 1, all today.
fn export(v: &Values) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "status",
        "opened_at",
        "channel",
        "awaiting_since",
        "attempts",
        "last_attempt_at",
        "customer",
        "customer_email",
        "customer_phone",
        "subject",
        "owner",
        "last_note",
        "notes",
    ])
    .unwrap();
    for (i, (id, t)) in v.ids.iter().zip(&v.texts).enumerate() {
        let (attempts, last) = if i == 0 {
            ("3", "2026-11-16T10:00:00Z")
        } else {
            ("", "")
        };
        let mut row = vec![
            id.as_str(),
            "Pending",
            "2026-11-10T10:00:00Z",
            "email",
            "2026-11-18T10:00:00Z",
            attempts,
            last,
        ];
        row.extend(t.iter().map(String::as_str));
        w.write_record(&row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Reads a csv output back: its header and records, which must all be as wide.
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect::<Vec<_>>();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .collect::<Vec<_>>();
    for row in &rows {
        assert_eq!(
            row.len(),
            header.len(),
            "a record as wide as the header: {row:?}"
        );
    }
    (header, rows)
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header.iter().position(|h| h == name).expect(name);
    rows.iter().map(|r| r[i].as_str()).collect()
}

/// What the csv guard makes of a cell a spreadsheet would run.
fn guarded(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

const KEYS: [&str; 10] = [
    "Work note (for you, not the customer):",
    "Action:",
    "To:",
    "Channel:",
    "Suggested time:",
    "Assignee:",
    "Covering for:",
    "Subject:",
    "Window:",
    "Drafts for",
];

/// The header lines of one draft: each a known key, one `To:` and one `Subject:`.
fn check_header(header: &[&str], whole: &str) {
    for line in header {
        assert!(
            KEYS.iter().any(|k| line.starts_with(k)),
            "a forged header line {line:?} in\n{whole}"
        );
        assert!(
            !line.chars().any(char::is_control),
            "a control character in {line:?}"
        );
    }
    for key in ["To:", "Subject:", "Action:"] {
        assert_eq!(
            header.iter().filter(|l| l.starts_with(key)).count(),
            1,
            "one {key} in\n{whole}"
        );
    }
}

/// A file the tool wrote: a name of letters, digits, `.`, `-` and `_` not starting with a
/// dot (README, "Drafts"), so one path part inside `dir` on every system.
fn check_name(dir: &Path, name: &str) {
    assert!(
        !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
        "file name {name:?} in {}",
        dir.display()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn outputs_parse_back_to_exactly_their_records_whatever_the_values(v in values()) {
        let csv = export(&v);
        let ids: BTreeSet<&str> = v.ids.iter().map(String::as_str).collect();
        let plan = |format: &str| {
            Case::new(&["plan", "--format", format, "--drafts", "--within", "24h", "-"])
                .now()
                .stdin(&csv)
                .code(0)
                .run()
                .stdout
        };
        // csv: as wide as its header, one record per ticket, ids guarded.
        let out = plan("csv");
        let (header, rows) = read_csv(&out);
        prop_assert_eq!(rows.len(), 5, "{}", out);
        let got: BTreeSet<String> = column(&header, &rows, "ticket_id").into_iter().map(String::from).collect();
        prop_assert_eq!(got, v.ids.iter().map(|s| guarded(s)).collect::<BTreeSet<_>>());
        // ndjson: one JSON object a line, ids as written; subjects one line.
        let out = plan("ndjson");
        let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        prop_assert_eq!(lines.len(), 5);
        let got: BTreeSet<&str> = lines.iter().map(|l| l["ticket_id"].as_str().unwrap()).collect();
        prop_assert_eq!(&got, &ids);
        for l in &lines {
            let subject = l["draft_subject"].as_str().expect("a drafted subject");
            prop_assert!(!subject.chars().any(char::is_control), "{:?}", subject);
        }
        // json: one array of them.
        let all: Vec<serde_json::Value> = serde_json::from_str(&plan("json")).unwrap();
        prop_assert_eq!(all.len(), 5);

        // drafts: one file per action, each with one header.
        let dir = tempfile::tempdir().unwrap();
        let drafts = dir.path().join("drafts");
        Case::new(&["drafts", "--out", drafts.to_str().unwrap(), "-"]).now().stdin(&csv).code(0).run();
        let files: Vec<_> = std::fs::read_dir(&drafts).unwrap().map(|e| e.unwrap()).collect();
        prop_assert_eq!(files.len(), 5);
        for f in files {
            check_name(&drafts, &f.file_name().to_string_lossy());
            let text = std::fs::read_to_string(f.path()).unwrap();
            let header: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
            check_header(&header, &text);
        }

        // run: actions.csv parses back as plan's csv; resolutions.csv keeps the id as written;
        // each agent's drafts file holds one marked draft per action, each with one header.
        let out = dir.path().join("out");
        Case::new(&["run", "--out", out.to_str().unwrap(), "-"]).now().stdin(&csv).code(0).run();
        let day = out.join("2026-11-23");
        let (header, rows) = read_csv(&std::fs::read_to_string(day.join("actions.csv")).unwrap());
        prop_assert_eq!(rows.len(), 5);
        let got: BTreeSet<String> = column(&header, &rows, "ticket_id").into_iter().map(String::from).collect();
        prop_assert_eq!(got, v.ids.iter().map(|s| guarded(s)).collect::<BTreeSet<_>>());
        let (header, rows) = read_csv(&std::fs::read_to_string(day.join("resolutions.csv")).unwrap());
        prop_assert_eq!(column(&header, &rows, "id"), vec![v.ids[0].as_str()]);
        let mut marked = 0;
        for f in std::fs::read_dir(day.join("drafts")).unwrap() {
            let f = f.unwrap();
            check_name(&day, &f.file_name().to_string_lossy());
            let text = std::fs::read_to_string(f.path()).unwrap();
            let blocks: Vec<&str> = text.split("\n----- ").skip(1).collect();
            let n = blocks.len();
            for (k, block) in blocks.iter().enumerate() {
                let (mark, rest) = block.split_once('\n').unwrap();
                prop_assert!(mark.starts_with(&format!("{} of {n}: ", k + 1)), "{:?}", mark);
                let header: Vec<&str> = rest.lines().take_while(|l| !l.is_empty()).collect();
                check_header(&header, block);
            }
            marked += n;
        }
        prop_assert_eq!(marked, 5);
    }
}
