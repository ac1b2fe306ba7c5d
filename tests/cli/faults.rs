//! The nightly job under faults, injected: a full disk at every write of a run, a kill at
//! every write and at random instants, torn files, hostile ids, a file where the day's
//! folder goes. After each, the next night must give what a clean sequence gives.

use std::fs;
use std::time::Instant;

use crate::run::{Desk, night, same};

const EXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tickets.csv");
const NIGHTS: [&str; 3] = ["2026-11-23", "2026-11-24", "2026-11-25"];

type State = Vec<(String, String)>;

/// `out/` after these nights, run cleanly on `export`.
fn clean(export: &str, nights: &[&str]) -> State {
    let desk = Desk::with(export);
    for n in nights {
        let out = desk.run(n, &[]);
        assert!(matches!(out.code, 0 | 3), "{n}: {}", out.stderr);
    }
    desk.state()
}

/// The two clean sequences a faulty second night may end in: with it, and without it.
struct Sequences {
    with: State,
    without: State,
}

impl Sequences {
    fn of(export: &str) -> Sequences {
        Sequences {
            with: clean(export, &NIGHTS),
            without: clean(export, &[NIGHTS[0], NIGHTS[2]]),
        }
    }

    /// What the third night must give after a fault on the second: the clean sequence when
    /// the second night was committed, else the sequence without it (its folder never
    /// appeared).
    fn check_the_night_after(&self, desk: &Desk, what: &str) {
        let committed = desk.path("out").join(NIGHTS[1]).is_dir();
        let out = desk.run(NIGHTS[2], &[]);
        assert!(matches!(out.code, 0 | 3), "{what}: {}", out.stderr);
        let want = if committed { &self.with } else { &self.without };
        same(&desk.state(), want, what);
    }
}

/// Faults at write 1, 2, … of the second night, until a run passes them all.
fn at_every_write(var: &str, check: impl Fn(&Desk, &crate::Out, usize)) -> usize {
    let sequences = Sequences::of(EXPORT);
    for n in 1.. {
        let desk = Desk::with(EXPORT);
        desk.run(NIGHTS[0], &[]);
        let out = desk.run_with(NIGHTS[1], &[], &[(var, &n.to_string())]);
        if matches!(out.code, 0 | 3) && !out.stderr.contains("injected") {
            return n - 1;
        }
        check(&desk, &out, n);
        sequences.check_the_night_after(&desk, &format!("{var}={n}"));
    }
    unreachable!()
}

#[test]
fn a_full_disk_at_any_write_leaves_the_previous_state_or_the_new_one() {
    let before = clean(EXPORT, &NIGHTS[..1]);
    let points = at_every_write("FOLLOWUP_TEST_FAIL_WRITE", |desk, out, n| {
        assert!(out.stderr.contains("injected"), "write {n}: {}", out.stderr);
        let leftovers: Vec<String> = fs::read_dir(desk.path("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && n != ".lock")
            .collect();
        assert!(leftovers.is_empty(), "write {n} left {leftovers:?}");
        if out.code == 1 {
            // The archive may have been given the first night's entries early: they are
            // committed ones, which the next run copies there anyway.
            let state: State = desk
                .state()
                .into_iter()
                .filter(|(p, _)| !p.starts_with("archive/"))
                .collect();
            same(
                &state,
                &before,
                &format!("write {n} failed the run: nothing changed"),
            );
        }
    });
    assert!(points >= 8, "a night passes {points} writes");
}

#[test]
fn a_kill_at_any_write_leaves_the_previous_state_or_the_new_one() {
    at_every_write("FOLLOWUP_TEST_KILL_AT", |_, out, n| {
        assert_ne!(out.code, 0, "write {n}: the run was killed");
    });
}

/// An export of `n` tickets awaiting the customer, none recording attempts: every night's
/// strikes come from the ledger.
pub fn generated(dir: &std::path::Path, n: usize) -> String {
    let mut text = String::from(
        "id,status,opened_at,channel,customer,customer_email,customer_phone,owner,awaiting_since,subject\n",
    );
    let channels = ["email", "phone", "chat", "portal"];
    for i in 0..n {
        text.push_str(&format!(
            "G{i:05},Pending,2026-11-10T10:00:00-05:00,{},Customer {i},c{i}@example.com,+1 212 555 {:04},agent{},2026-11-{:02}T1{}:00:00-05:00,Issue {i}\n",
            channels[i % 4],
            i % 10000,
            i % 7,
            16 + i % 5,
            i % 8
        ));
    }
    let path = dir.join("generated.csv");
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_random_instants_never_changes_the_nights_after() {
    let work = tempfile::tempdir().unwrap();
    let export = generated(work.path(), 4000);
    // How long the second night takes, to spread the kills over it.
    let sequences = Sequences::of(&export);
    let desk = Desk::with(&export);
    desk.run(NIGHTS[0], &[]);
    let started = Instant::now();
    desk.run(NIGHTS[1], &[]);
    let took = started.elapsed();
    // A fixed sequence of instants, spread over the run and beyond its ends.
    let mut seed = 0x9e37_79b9_u64;
    for k in 0..10 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = took.mul_f64((seed % 1000) as f64 / 900.0);
        let desk = Desk::with(&export);
        desk.run(NIGHTS[0], &[]);
        let now = night(NIGHTS[1]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
            .current_dir(desk.dir.path())
            .env_remove("FOLLOWUP_NOW")
            .args(["-q", "--now", &now, "run", "export.csv", "--out", "out"])
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        sequences.check_the_night_after(&desk, &format!("kill {k} after {at:?} of {took:?}"));
    }
}

#[test]
fn a_torn_last_ledger_line_is_recovered_from_not_a_failure_forever() {
    let desk = Desk::with(EXPORT);
    desk.run(NIGHTS[0], &[]);
    desk.run(NIGHTS[1], &[]);
    // What a disk that lost the end of the file leaves: half a line, no end line.
    let path = desk.path("out/ledger.tsv");
    let text = fs::read_to_string(&path).unwrap();
    let cut = text.rfind("\n2026-11-24").unwrap() + 30;
    fs::write(&path, &text[..cut]).unwrap();
    let out = desk.run(NIGHTS[2], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("ledger.tsv:"), "{}", out.stderr);
    assert!(out.stderr.contains("cut short"), "{}", out.stderr);
    let out = desk.run("2026-11-27", &[]);
    assert_eq!(out.code, 0, "the next night is clean: {}", out.stderr);
    assert!(!out.stderr.contains("cut short"), "{}", out.stderr);
}

#[test]
fn ids_with_tabs_and_line_breaks_advance_like_any_other() {
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("hostile.csv");
    fs::write(
        &export,
        "id,status,opened_at,channel,customer,customer_email,owner,awaiting_since,subject\n\
         \"T\tAB\",Pending,2026-11-18T10:00:00-05:00,email,Ann,ann@example.com,bob,2026-11-20T10:00:00-05:00,One\n\
         \"L\nB\",Pending,2026-11-18T10:00:00-05:00,email,Ben,ben@example.com,bob,2026-11-20T10:00:00-05:00,Two\n\
         \"S\\\\t\",Pending,2026-11-18T10:00:00-05:00,email,Cy,cy@example.com,bob,2026-11-20T10:00:00-05:00,Three\n",
    )
    .unwrap();
    let desk = Desk::with(&export.display().to_string());
    let steps = |date: &str| -> Vec<String> {
        let out = desk.run(date, &[]);
        assert_eq!(out.code, 0, "{date}: {}", out.stderr);
        let text = fs::read_to_string(desk.path(&format!("out/{date}/actions.ndjson"))).unwrap();
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["action_id"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(
        steps(NIGHTS[0]),
        ["L\nB.strike-1", "S\\\\t.strike-1", "T\tAB.strike-1"]
    );
    let ledger = fs::read(desk.path("out/ledger.tsv")).unwrap();
    let first = ledger.clone();
    // A rerun appends nothing and changes nothing.
    steps(NIGHTS[0]);
    assert_eq!(fs::read(desk.path("out/ledger.tsv")).unwrap(), first);
    assert_eq!(
        steps(NIGHTS[1]),
        ["L\nB.strike-2", "S\\\\t.strike-2", "T\tAB.strike-2"]
    );
    assert_eq!(
        steps(NIGHTS[2]),
        ["L\nB.strike-3", "S\\\\t.strike-3", "T\tAB.strike-3"]
    );
}

#[test]
fn a_far_future_now_writes_a_ledger_the_next_run_reads() {
    let desk = Desk::with(EXPORT);
    for _ in 0..2 {
        let out = crate::Case::new(&[
            "--now",
            "9999-12-31T23:59:59-23:59",
            "run",
            "export.csv",
            "--out",
            "out",
        ])
        .dir(desk.dir.path())
        .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    }
    assert!(desk.path("out/+10000-01-01/actions.csv").is_file());
}

#[test]
fn a_file_where_the_days_folder_goes_is_named_and_left_alone() {
    for link in [false, true] {
        let desk = Desk::with(EXPORT);
        desk.run(NIGHTS[0], &[]);
        let before = desk.state();
        let spot = desk.path(&format!("out/{}", NIGHTS[1]));
        if link {
            #[cfg(unix)]
            std::os::unix::fs::symlink(desk.path("rules.toml"), &spot).unwrap();
        } else {
            fs::write(&spot, "notes\n").unwrap();
        }
        let out = desk.run(NIGHTS[1], &[]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let what = if link { "a link" } else { "a file" };
        assert!(
            out.stderr.contains(&format!(
                "out/{} is {what}, where the day's folder goes",
                NIGHTS[1]
            )),
            "{}",
            out.stderr
        );
        if !link {
            assert_eq!(fs::read_to_string(&spot).unwrap(), "notes\n");
        }
        fs::remove_file(&spot).unwrap();
        same(&desk.state(), &before, "nothing was written");
        assert_eq!(desk.run(NIGHTS[1], &[]).code, 0, "once it is moved away");
    }
}

#[cfg(unix)]
#[test]
fn what_run_writes_is_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let modes = |desk: &Desk| -> Vec<(String, u32)> {
        let mut out = Vec::new();
        let mut stack = vec![desk.path("out")];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let m = fs::symlink_metadata(&p).unwrap();
                out.push((
                    p.strip_prefix(desk.path("out"))
                        .unwrap()
                        .display()
                        .to_string(),
                    m.permissions().mode() & 0o777,
                ));
                if m.is_dir() {
                    stack.push(p);
                }
            }
        }
        out
    };
    let desk = Desk::with(EXPORT);
    desk.run(NIGHTS[0], &[]);
    desk.run(NIGHTS[1], &[]);
    // The other commands that write what holds customers' data: drafts and rejects.
    let now = night(NIGHTS[1]);
    for args in [
        ["plan", "export.csv", "--rejects", "out/rejects.csv"],
        ["drafts", "export.csv", "--out", "out/drafts"],
    ] {
        let out = crate::Case::new(&[&["--now", now.as_str()][..], &args[..]].concat())
            .dir(desk.dir.path())
            .run();
        assert!(matches!(out.code, 0 | 3), "{args:?}: {}", out.stderr);
    }
    assert!(desk.path("out/rejects.csv").is_file() && desk.path("out/drafts").is_dir());
    for (p, m) in modes(&desk) {
        let want = if desk.path("out").join(&p).is_dir() {
            0o700
        } else {
            0o600
        };
        assert_eq!(m, want, "{p}: {m:o}");
    }
    let top = fs::metadata(desk.path("out")).unwrap().permissions().mode() & 0o777;
    assert_eq!(top, 0o700, "the folder run created");

    // A shared team folder: the group reads.
    let desk = Desk::with(EXPORT);
    let rules = fs::read_to_string(desk.path("rules.toml")).unwrap();
    fs::write(
        desk.path("rules.toml"),
        rules.replace("mode = \"0600\"", "mode = \"0640\""),
    )
    .unwrap();
    desk.run(NIGHTS[0], &[]);
    for (p, m) in modes(&desk) {
        let want = if desk.path("out").join(&p).is_dir() {
            0o750
        } else {
            0o640
        };
        assert_eq!(m, want, "{p}: {m:o}");
    }
}

#[cfg(unix)]
#[test]
fn an_out_link_that_leads_nowhere_is_named_for_what_it_is() {
    let desk = Desk::with(EXPORT);
    std::os::unix::fs::symlink(desk.path("nowhere"), desk.path("out")).unwrap();
    std::os::unix::fs::symlink("loop2", desk.path("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", desk.path("loop2")).unwrap();
    let out = desk.run(NIGHTS[0], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("nowhere, which does not exist: create"),
        "{}",
        out.stderr
    );
    let now = night(NIGHTS[0]);
    crate::Case::new(&["--now", &now, "drafts", "export.csv", "--out", "loop1"])
        .dir(desk.dir.path())
        .code(2)
        .stderr_has("--out: loop1 is a link that loops (to loop2): give the folder itself")
        .run();
}
