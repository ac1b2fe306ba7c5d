//! `run`: nights in a row on an export that never records attempts, reruns that change
//! nothing, kills that leave the previous outputs, one run at a time, the safety limit.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Case, Out, fixture_abs};

/// 02:00 in New York.
pub fn night(date: &str) -> String {
    format!("{date}T07:00:00Z")
}

/// A desk's folder: its export, the bundled rules, and `out/`, where its nights run.
pub struct Desk {
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        Desk::with(&fixture_abs("nights.csv"))
    }

    pub fn with(export: &str) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        fs::copy(export, dir.path().join("export.csv")).unwrap();
        fs::copy(
            format!("{}/rules.toml", env!("CARGO_MANIFEST_DIR")),
            dir.path().join("rules.toml"),
        )
        .unwrap();
        Desk { dir }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    pub fn run(&self, date: &str, extra: &[&str]) -> Out {
        self.run_with(date, extra, &[])
    }

    /// A night's run with environment variables (the fault hooks).
    pub fn run_with(&self, date: &str, extra: &[&str], env: &[(&str, &str)]) -> Out {
        let now = night(date);
        let args = [
            &["--now", now.as_str(), "run", "export.csv", "--out", "out"][..],
            extra,
        ]
        .concat();
        let mut case = Case::new(&args).dir(self.dir.path());
        for (k, v) in env {
            case = case.env(k, v);
        }
        case.run()
    }

    /// `out/` as the next run finds it: every file and its text.
    pub fn state(&self) -> Vec<(String, String)> {
        snapshot(&self.path("out"))
    }

    fn action_ids(&self, date: &str) -> Vec<String> {
        let text = fs::read_to_string(self.path(&format!("out/{date}/actions.csv"))).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.records().map(|x| x.unwrap()[0].to_string()).collect()
    }

    fn edit_export(&self, from: &str, to: &str) {
        let p = self.path("export.csv");
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(from));
        fs::write(&p, text.replace(from, to)).unwrap();
    }
}

/// Every file under a folder, with its text; `runs.log` and the lock aside, as they say
/// when and how long.
pub fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() != "runs.log" && e.file_name() != ".lock" {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    String::from_utf8_lossy(&fs::read(&p).unwrap()).into_owned(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Two states of `out/` are the same; else the first file that differs, shown.
pub fn same(got: &[(String, String)], want: &[(String, String)], what: &str) {
    let names = |s: &[(String, String)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{what}: the files");
    for ((p, g), (_, w)) in got.iter().zip(want) {
        assert!(g == w, "{what}: {p} differs\n--- got:\n{g}\n--- want:\n{w}");
    }
}

#[test]
fn three_nights_issue_strikes_one_two_three_then_the_resolution() {
    let desk = Desk::new();
    let expect = [
        ("2026-11-23", vec!["N1.strike-1", "N2.strike-1"]),
        ("2026-11-24", vec!["N1.strike-2", "N2.strike-2"]),
        ("2026-11-25", vec!["N1.strike-3", "N2.strike-3"]),
        // Thanksgiving: nothing; the resolution falls one business day after the last strike.
        ("2026-11-26", vec![]),
        ("2026-11-27", vec!["N1.resolve-3", "N2.resolve-3"]),
    ];
    for (date, ids) in expect {
        let out = desk.run(date, &[]);
        assert_eq!(out.code, 0, "{date}: {}", out.stderr);
        assert_eq!(desk.action_ids(date), ids, "{date}");
    }
    let resolutions = fs::read_to_string(desk.path("out/2026-11-27/resolutions.csv")).unwrap();
    assert!(
        resolutions.starts_with(
            "id,status,close_code,close_notes,resolved_at\nN1,Resolved,User not responded,"
        ),
        "{resolutions}"
    );
    assert!(
        resolutions.contains("3 contact attempts (the last on 2026-11-25)"),
        "{resolutions}"
    );
    // The resolution note read "- attempt 1 / - attempt 2 / - attempt 3 on 2026-11-25": it
    // names each attempt's day and channel, from the strikes the runs issued.
    let drafts = fs::read_dir(desk.path("out/2026-11-27/drafts"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    let note = drafts
        .split("Action: N1.resolve-3")
        .nth(1)
        .expect("N1's resolution note");
    for line in [
        "- attempt 1 on 2026-11-23 by chat\n",
        "- attempt 2 on 2026-11-24 by email\n",
        "- attempt 3 on 2026-11-25 by email\n",
    ] {
        assert!(note.contains(line), "{line}{note}");
    }
    assert!(
        note.contains("The ticket has been awaiting the customer since 2026-11-"),
        "{note}"
    );
    assert!(note.contains("reply to reopen it"), "{note}");
    // The archive has every action but the latest night's, which the ledger queues for it.
    let archive = fs::read_to_string(desk.path("out/archive/2026-11.tsv")).unwrap();
    assert_eq!(archive.lines().filter(|l| !l.starts_with('#')).count(), 6);
    assert!(archive.contains("2026-11-25\t2026-11-25\tN1.strike-3\tN1\tstrike\t3\t2026-11-25\t2026-11-25T10:00:00-05:00\temail\n"), "{archive}");
    let ledger = fs::read_to_string(desk.path("out/ledger.tsv")).unwrap();
    let queue = ledger.split("# issued by the latest run").nth(1).unwrap();
    assert_eq!(
        queue
            .lines()
            .filter(|l| l.starts_with("2026-11-27"))
            .count(),
        2,
        "{ledger}"
    );
    assert!(ledger.ends_with("# end: 10 entries\n"), "{ledger}");
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(desk.path("out/2026-11-27/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["by_kind"]["resolve"], 2);
    assert_eq!(summary["rows_read"], 3);
    assert_eq!(
        summary["new"],
        serde_json::json!(["N1.resolve-3", "N2.resolve-3"])
    );
}

#[test]
fn a_reply_between_nights_restarts_the_count() {
    let desk = Desk::new();
    desk.run("2026-11-23", &[]);
    desk.run("2026-11-24", &[]);
    // N1's customer answers on the afternoon of the 24th, after strike 2.
    desk.edit_export(
        "owner,awaiting_since,subject",
        "owner,awaiting_since,subject,last_customer_reply_at",
    );
    desk.edit_export("VPN drops", "VPN drops,2026-11-24T16:30:00-05:00");
    desk.edit_export("Printer offline", "Printer offline,");
    desk.edit_export("Laptop swap", "Laptop swap,");
    let out = desk.run("2026-11-25", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        desk.action_ids("2026-11-25"),
        ["N1.strike-1", "N2.strike-3"]
    );
    let out = desk.run("2026-11-27", &[]);
    assert_eq!(out.code, 0);
    assert_eq!(
        desk.action_ids("2026-11-27"),
        ["N1.strike-2", "N2.resolve-3"]
    );
}

/// summary.json whole, as a ticket system's dashboard reads it: keys sorted, the ids new
/// since the run before apart from those it issued too (the file is streamed, its ids made
/// as they are written).
#[test]
fn summary_json_is_whole_with_new_ids_apart_from_repeated_ones() {
    let desk = Desk::with(&fixture_abs("checkins.csv"));
    let mut text = String::new();
    for date in ["2026-11-23", "2026-11-24", "2026-11-25"] {
        let out = desk.run(date, &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        if date == "2026-11-23" {
            continue;
        }
        let file = fs::read_to_string(desk.path(&format!("out/{date}/summary.json"))).unwrap();
        // The rules' checksum changes with every edit of the bundled rules.
        let at = file.find("\"sha256\": \"").unwrap() + 11;
        let file = format!("{}<sha256 of rules.toml>{}", &file[..at], &file[at + 64..]);
        text.push_str(&format!("== {date}\n{file}"));
    }
    insta::assert_snapshot!(text);
}

/// A night keeps its actions by their heads and makes each again from its ticket as it
/// writes it: its actions.csv and actions.ndjson are what `plan` writes of the same export
/// and instant, which holds every action whole.
#[test]
fn the_nights_actions_made_again_from_their_tickets_are_the_plans() {
    for export in [
        "scenarios.csv",
        "checkins.csv",
        "nights.csv",
        "hostile_ids.csv",
    ] {
        let desk = Desk::with(&fixture_abs(export));
        let out = desk.run("2026-11-24", &[]);
        assert!(out.code == 0 || out.code == 3, "{export}: {}", out.stderr);
        let now = night("2026-11-24");
        for (format, file) in [("csv", "actions.csv"), ("ndjson", "actions.ndjson")] {
            let mut args = vec!["--now", &now, "plan", "export.csv", "--within", "24h"];
            args.extend(["--format", format]);
            if format == "ndjson" {
                args.push("--drafts");
            }
            let plan = Case::new(&args).dir(desk.dir.path()).run();
            let written = fs::read_to_string(desk.path(&format!("out/2026-11-24/{file}"))).unwrap();
            assert!(written.lines().count() > 1, "{export}: {written}");
            same_text(&written, &plan.stdout, &format!("{export}: {file}"));
        }
    }
}

fn same_text(got: &str, want: &str, what: &str) {
    assert!(got == want, "{what}:\n--- run\n{got}\n--- plan\n{want}");
}

#[test]
fn a_rerun_for_the_same_night_changes_nothing() {
    let desk = Desk::new();
    desk.run("2026-11-23", &[]);
    desk.run("2026-11-24", &[]);
    let first = snapshot(&desk.path("out"));
    let out = desk.run("2026-11-24", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    same(
        &snapshot(&desk.path("out")),
        &first,
        "outputs and ledger byte for byte",
    );
    // An earlier night rerun later still starts from the ledger as it was before it.
    desk.run("2026-11-23", &[]);
    assert_eq!(
        desk.action_ids("2026-11-23"),
        ["N1.strike-1", "N2.strike-1"]
    );
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(desk.path("out/2026-11-24/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        summary["new"],
        serde_json::json!(["N1.strike-2", "N2.strike-2"])
    );
}

#[test]
fn a_run_killed_mid_write_leaves_the_previous_outputs() {
    let desk = Desk::new();
    desk.run("2026-11-23", &[]);
    let before = snapshot(&desk.path("out"));
    // Something changed, and the run dies after writing half of the new folder.
    desk.edit_export("Maria Lopez", "Maria López");
    let killed = Case::new(&[
        "--now",
        &night("2026-11-23"),
        "run",
        "export.csv",
        "--out",
        "out",
    ])
    .dir(desk.dir.path())
    .env("FOLLOWUP_TEST_CRASH_AFTER", "resolutions.csv")
    .run();
    assert_ne!(killed.code, 0);
    let after: Vec<_> = snapshot(&desk.path("out"))
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".building."))
        .collect();
    same(
        &after,
        &before,
        "the day's folder and the ledger are as they were",
    );
    // The next run tidies up and publishes.
    let out = desk.run("2026-11-23", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let leftovers: Vec<String> = fs::read_dir(desk.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".building.") || n.starts_with(".old."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let draft = fs::read_to_string(desk.path("out/2026-11-23/drafts/bob.txt")).unwrap();
    assert!(
        draft.contains("Maria López"),
        "the new export's folder: {draft}"
    );
}

#[test]
fn a_second_run_while_one_holds_the_lock_exits_4() {
    let desk = Desk::new();
    fs::create_dir_all(desk.path("out")).unwrap();
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(desk.path("out/.lock"))
        .unwrap();
    lock.lock().unwrap();
    fs::write(
        desk.path("out/.lock"),
        "followup run (pid 4242, on nightly-host, started 2026-11-23T07:00:00+00:00)\n",
    )
    .unwrap();
    let out = desk.run("2026-11-23", &[]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr
            .contains("is locked by followup run (pid 4242, on nightly-host"),
        "{}",
        out.stderr
    );
    assert!(
        !desk.path("out/2026-11-23").exists(),
        "the second run wrote nothing"
    );
    let out = desk.run("2026-11-23", &["--wait", "1s"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("did not finish in time"),
        "{}",
        out.stderr
    );
    drop(lock);
    assert_eq!(desk.run("2026-11-23", &[]).code, 0);
}

#[test]
fn too_many_resolutions_are_held_back_and_the_rest_is_written() {
    let desk = Desk::new();
    let rules = fs::read_to_string(desk.path("rules.toml")).unwrap();
    fs::write(
        desk.path("rules.toml"),
        rules.replace("max_resolutions = 200", "max_resolutions = 1"),
    )
    .unwrap();
    desk.edit_export(
        "owner,awaiting_since,subject",
        "owner,awaiting_since,subject,attempts,last_attempt_at",
    );
    desk.edit_export("VPN drops", "VPN drops,3,2026-11-20T10:00:00-05:00");
    desk.edit_export(
        "Printer offline",
        "Printer offline,3,2026-11-20T10:00:00-05:00",
    );
    desk.edit_export("Laptop swap", "Laptop swap,,");
    let out = desk.run("2026-11-23", &[]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("2 auto-resolutions exceed [run].max_resolutions = 1"),
        "{}",
        out.stderr
    );
    let held = fs::read_to_string(desk.path("out/2026-11-23/resolutions.held.csv")).unwrap();
    assert_eq!(held.lines().count(), 3);
    let written = fs::read_to_string(desk.path("out/2026-11-23/resolutions.csv")).unwrap();
    assert_eq!(written.lines().count(), 1, "header only");
    assert!(desk.action_ids("2026-11-23").is_empty());
    let ledger = fs::read_to_string(desk.path("out/ledger.tsv")).unwrap_or_default();
    assert!(
        !ledger.contains("resolve"),
        "held resolutions were not issued"
    );
}

#[test]
fn a_bad_schedule_is_a_usage_error() {
    let desk = Desk::new();
    let out = Case::new(&[
        "run",
        "export.csv",
        "--out",
        "out",
        "--schedule",
        "every night",
    ])
    .dir(desk.dir.path())
    .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--schedule: \"every night\" is not a cron expression"),
        "{}",
        out.stderr
    );
    let out = desk.run("2026-11-23", &["--schedule", "0 2 * * *"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--schedule runs on the clock: leave out --now"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_scheduled_run_repeats_until_terminated_and_exits_0() {
    use std::time::{Duration, Instant};
    let desk = Desk::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
        .current_dir(desk.dir.path())
        .env_remove("FOLLOWUP_NOW")
        .args([
            "-q",
            "run",
            "export.csv",
            "--out",
            "out",
            "--schedule",
            "* * * * * *",
        ])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !desk.path("out/ledger.tsv").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: sending a signal to our own child.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert!(
        desk.path("out/ledger.tsv").exists(),
        "at least one run happened"
    );
    assert_eq!(status.code(), Some(0));
}

#[test]
fn drafts_are_laid_out_as_run_drafts_says() {
    let desk = Desk::new();
    desk.run("2026-11-23", &[]);
    let bob = fs::read_to_string(desk.path("out/2026-11-23/drafts/bob.txt")).unwrap();
    assert!(
        bob.starts_with("Drafts for Bob Okafor (bob): 1 action in contact order\n\n----- 1 of 1: N1.strike-1 -----\nAction: N1.strike-1\nTo: Maria Lopez <maria@acme.example>\n"),
        "{bob}"
    );
    for (layout, files) in [
        ("per_action", vec!["N1.strike-1.txt", "N2.strike-1.txt"]),
        ("none", vec![]),
    ] {
        let desk = Desk::new();
        let rules = fs::read_to_string(desk.path("rules.toml")).unwrap();
        fs::write(
            desk.path("rules.toml"),
            rules.replace(
                "drafts = \"by_assignee\"",
                &format!("drafts = \"{layout}\""),
            ),
        )
        .unwrap();
        assert_eq!(desk.run("2026-11-23", &[]).code, 0);
        let mut names: Vec<String> = fs::read_dir(desk.path("out/2026-11-23/drafts"))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        assert_eq!(names, files, "{layout}");
    }
}

#[test]
fn the_compacted_ledger_plans_every_night_as_the_full_record_does() {
    // Strikes (some restarted by a reply), recurring account check-ins and check-ins after
    // a resolution, none recorded in the export: every one comes from the ledger.
    let work = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "id,status,opened_at,type,channel,customer,customer_email,owner,awaiting_since,resolved_at,cadence,subject\n",
    );
    for i in 0..150 {
        let (status, ty, awaiting, resolved, cadence) = match i % 5 {
            0..=2 => (
                "Pending",
                "support",
                format!("2026-11-{:02}T10:00:00-05:00", 16 + i % 5),
                String::new(),
                "",
            ),
            3 => (
                "Open",
                "health_check",
                String::new(),
                String::new(),
                ["3d", "5d", ""][i % 3],
            ),
            _ => (
                "Resolved",
                "support",
                String::new(),
                format!("2026-11-{:02}T11:00:00-05:00", 14 + i % 7),
                "",
            ),
        };
        text.push_str(&format!(
            "C{i:04},{status},2026-10-01T10:00:00-05:00,{ty},email,Customer {i},c{i}@example.com,agent{},{awaiting},{resolved},{cadence},Issue {i}\n",
            i % 4
        ));
    }
    let export = work.path().join("mixed.csv");
    fs::write(&export, text).unwrap();
    let export = export.display().to_string();
    let compacted = Desk::with(&export);
    let full = Desk::with(&export);
    let from_archive = [("FOLLOWUP_TEST_LEDGER_FROM_ARCHIVE", "1")];
    for day in 23..=50 {
        let date =
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(day - 1);
        let date = date.to_string();
        if day == 27 {
            // Some customers answer: their strikes start over.
            for desk in [&compacted, &full] {
                let text = fs::read_to_string(desk.path("export.csv")).unwrap();
                let mut out = String::new();
                for (i, line) in text.lines().enumerate() {
                    let extra = match i {
                        0 => ",last_customer_reply_at",
                        _ if i % 5 == 1 => ",2026-11-26T15:00:00-05:00",
                        _ => ",",
                    };
                    out.push_str(&format!("{line}{extra}\n"));
                }
                fs::write(desk.path("export.csv"), out).unwrap();
            }
        }
        let a = compacted.run(&date, &[]);
        let b = full.run_with(&date, &[], &from_archive);
        assert_eq!(a.code, 0, "{date}: {}", a.stderr);
        assert_eq!(b.code, 0, "{date}: {}", b.stderr);
        for file in ["actions.csv", "summary.json"] {
            let path = format!("out/{date}/{file}");
            let (x, y) = (
                fs::read_to_string(compacted.path(&path)),
                fs::read_to_string(full.path(&path)),
            );
            assert!(x.is_ok() && x.ok() == y.ok(), "{path} differs");
        }
    }
    // The compacted ledger is smaller than the record it stands for.
    let ledger = fs::read_to_string(compacted.path("out/ledger.tsv"))
        .unwrap()
        .lines()
        .count();
    let archive: usize = fs::read_dir(compacted.path("out/archive"))
        .unwrap()
        .map(|e| {
            fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .count()
        })
        .sum();
    assert!(
        ledger * 2 < archive,
        "ledger {ledger} lines, archive {archive}"
    );
}

#[test]
fn history_lists_every_action_issued_for_a_ticket_archive_included() {
    let desk = Desk::new();
    for date in ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27"] {
        assert_eq!(desk.run(date, &[]).code, 0);
    }
    // The 27th's run dies after publishing, before moving its ledger into place.
    let _ = desk.run_with(
        "2026-11-27",
        &[],
        &[("FOLLOWUP_TEST_CRASH_AFTER", "ledger.tsv")],
    );
    let out = Case::new(&["history", "N1", "--out", "out", "--format", "csv"])
        .dir(desk.dir.path())
        .code(0)
        .run();
    assert_eq!(
        out.stdout,
        "run_date,action_id,kind,step,due_date,suggested_at,channel,first_run\n\
         2026-11-23,N1.strike-1,strike,1,2026-11-23,2026-11-23T10:00:00-05:00,chat,2026-11-23\n\
         2026-11-24,N1.strike-2,strike,2,2026-11-24,2026-11-24T10:00:00-05:00,email,2026-11-24\n\
         2026-11-25,N1.strike-3,strike,3,2026-11-25,2026-11-25T10:00:00-05:00,email,2026-11-25\n\
         2026-11-27,N1.resolve-3,resolve,3,2026-11-27,2026-11-27T10:00:00-05:00,,2026-11-27\n"
    );
    Case::new(&["history", "N9", "--out", "out"])
        .dir(desk.dir.path())
        .code(0)
        .stderr_has("no action was issued for N9 by the runs in out")
        .run();
    Case::new(&["history", "N1", "--out", "elsewhere"])
        .dir(desk.dir.path())
        .code(2)
        .stderr_has("elsewhere holds no ledger: give the folder `run --out` writes to")
        .run();
}

#[test]
fn a_line_break_in_a_value_forges_no_line_of_a_draft_file() {
    let desk = Desk::new();
    desk.edit_export(
        "maria@acme.example",
        "\"e@x.example\nTo: attacker@evil.example\"",
    );
    desk.edit_export("VPN drops", "\"VPN drops\n----- 2 of 9: X.strike-1 -----\"");
    assert_eq!(desk.run("2026-11-23", &[]).code, 0);
    let bob = fs::read_to_string(desk.path("out/2026-11-23/drafts/bob.txt")).unwrap();
    let to: Vec<&str> = bob.lines().filter(|l| l.starts_with("To:")).collect();
    assert_eq!(
        to,
        ["To: Maria Lopez <e@x.example To: attacker@evil.example>"],
        "{bob}"
    );
    let rules: Vec<&str> = bob.lines().filter(|l| l.starts_with("-----")).collect();
    assert_eq!(rules, ["----- 1 of 1: N1.strike-1 -----"], "{bob}");
}

/// The drafting threads take the next part as they finish one, ahead of the writer: a draft
/// failing far into a large night must still stop them all, fail the run and leave nothing.
#[test]
fn a_draft_failing_late_in_a_large_night_fails_it_and_publishes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let desk = Desk::with(&crate::faults::generated(work.path(), 4000));
    let rules = fs::read_to_string(desk.path("rules.toml")).unwrap();
    fs::write(
        desk.path("rules.toml"),
        format!(
            "{rules}\n[templates.strike.email]\nsubject = \"x\"\nbody = \"\"\"{{% if ticket.id == 'G03996' %}}{{% for a in range(10000) %}}{{% for b in range(10000) %}}{{% endfor %}}{{% endfor %}}{{% endif %}}ok\"\"\"\n"
        ),
    )
    .unwrap();
    let out = desk.run("2026-11-23", &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a draft could not be rendered: G03996.strike-")
            && out.stderr.contains("runs out of [drafts].fuel"),
        "{}",
        out.stderr
    );
    let left: Vec<String> = fs::read_dir(desk.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    assert!(left.is_empty(), "the failed night left {left:?}");
    fs::write(desk.path("rules.toml"), rules).unwrap();
    assert_eq!(desk.run("2026-11-23", &[]).code, 0);
}

#[test]
fn a_template_that_never_ends_fails_the_run_and_frees_the_lock() {
    let desk = Desk::new();
    assert_eq!(desk.run("2026-11-23", &[]).code, 0);
    let before = desk.state();
    let rules = fs::read_to_string(desk.path("rules.toml")).unwrap();
    fs::write(
        desk.path("rules.toml"),
        format!(
            "{rules}\n[templates.strike.email]\nsubject = \"x\"\nbody = \"\"\"{{% for a in range(10000) %}}{{% for b in range(10000) %}}{{% endfor %}}{{% endfor %}}\"\"\"\n"
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = desk.run("2026-11-24", &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a draft could not be rendered: N1.strike-2: template strike.email.body runs out of [drafts].fuel"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    same(&desk.state(), &before, "nothing was published");
    // The lock went with the run.
    fs::write(desk.path("rules.toml"), rules).unwrap();
    assert_eq!(desk.run("2026-11-24", &[]).code, 0);
}

#[test]
fn the_csv_guard_leaves_the_import_key_of_resolutions_as_it_was() {
    let desk = Desk::new();
    desk.edit_export("N1,Pending", "=14,Pending");
    desk.edit_export(
        "owner,awaiting_since,subject",
        "owner,awaiting_since,subject,attempts,last_attempt_at",
    );
    desk.edit_export("VPN drops", "VPN drops,3,2026-11-20T10:00:00-05:00");
    desk.edit_export("Printer offline", "Printer offline,,");
    desk.edit_export("Laptop swap", "Laptop swap,,");
    assert_eq!(desk.run("2026-11-23", &[]).code, 0);
    let csv = fs::read_to_string(desk.path("out/2026-11-23/resolutions.csv")).unwrap();
    assert!(csv.contains("\n=14,Resolved,"), "{csv}");
    let actions = fs::read_to_string(desk.path("out/2026-11-23/actions.csv")).unwrap();
    assert!(
        actions.contains("\n'=14.resolve-3,'=14,"),
        "a cell a person reads is guarded: {actions}"
    );
}

/// Seed 000: the colleague covering for an absent owner promises the owner's own follow-up;
/// nothing kept it. After a covered check-in, the owner's follow-up is planned on their
/// first day back, assigned to them, and issued into the ledger like any action.
#[test]
fn the_owners_follow_up_is_planned_on_their_first_day_back() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("covered.csv");
    fs::write(
        &export,
        "id,status,opened_at,type,channel,customer,customer_email,owner,resolved_at\n\
         R1,Resolved,2026-11-12T10:00:00-05:00,support,email,Pat Morgan,pat@example.com,alice,2026-11-20T10:00:00-05:00\n",
    )
    .unwrap();
    let desk = Desk::with(export.to_str().unwrap());
    // Alice is out on the 27th: Carol checks in for her.
    assert_eq!(desk.run("2026-11-27", &[]).code, 0);
    let day = fs::read_to_string(desk.path("out/2026-11-27/actions.csv")).unwrap();
    assert!(
        day.contains("R1.check_in-1,R1,check_in,1,2026-11-27"),
        "{day}"
    );
    assert!(day.contains(",carol,alice,"), "covered: {day}");
    // Back on Monday the 30th, Alice follows up herself.
    assert_eq!(desk.run("2026-11-30", &[]).code, 0);
    let day = fs::read_to_string(desk.path("out/2026-11-30/actions.csv")).unwrap();
    assert!(
        day.contains("R1.owner_follow_up-1,R1,owner_follow_up,1,2026-11-30"),
        "{day}"
    );
    assert!(day.contains(",alice,,\"The owner's own follow-up on their first day back, by email: a colleague followed up for them on 2026-11-27"), "{day}");
    let ledger = fs::read_to_string(desk.path("out/ledger.tsv")).unwrap();
    assert!(
        ledger.contains("\tR1.owner_follow_up-1\tR1\towner_follow_up\t"),
        "{ledger}"
    );
    let drafts = fs::read_to_string(desk.path("out/2026-11-30/drafts/alice.txt")).unwrap();
    assert!(
        drafts.contains("I am back in the office, and I am following up on it myself"),
        "{drafts}"
    );
    // Done: it is not due again.
    assert_eq!(desk.run("2026-12-01", &[]).code, 0);
    let ids = desk.action_ids("2026-12-01");
    assert!(!ids.iter().any(|i| i.starts_with("R1.")), "{ids:?}");
}

/// An owner's follow-up, like a check-in, is dropped once long past its day: an export whose
/// last follow-up fell in an old absence does not list it for ever.
#[test]
fn an_owners_follow_up_long_past_is_dropped() {
    let csv = "id,status,opened_at,channel,customer_email,owner,resolved_at,last_followup_at\n\
               R1,Resolved,2026-11-12T10:00:00-05:00,email,pat@example.com,alice,2026-11-20T10:00:00-05:00,2026-11-27T10:00:00-05:00\n";
    let plan = |now: &str| {
        Case::new(&["--now", now, "plan", "--format", "csv", "-"])
            .stdin(csv)
            .code(0)
            .run()
            .stdout
    };
    assert!(plan("2026-11-30T15:00:00Z").contains("R1.owner_follow_up-1"));
    assert!(!plan("2027-02-01T15:00:00Z").contains("owner_follow_up"));
}
