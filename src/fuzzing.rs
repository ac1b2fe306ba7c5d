//! What the fuzz targets of `fuzz/` run, one function each, kept here so that `cargo test`
//! replays every file of `fuzz/corpus/` through its target (`tests/fuzz_corpus.rs`) and CI
//! keeps what fuzzing found without fuzzing. Each panics on a broken invariant: that is a
//! crash to the fuzzer and a failed test to `cargo test`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;

use crate::batch::ledger::{Entry, Ledger};
use crate::config::{Format, Rules};
use crate::drafts::Drafter;
use crate::engine::{Action, Kind, evaluate};
use crate::input::{Source, read};
use crate::output::actions::Layout;
use crate::output::{Draft, Guard, Row};
use crate::ticket::{Field, State, Ticket};

/// A fuzz target: any bytes, a panic on a broken invariant.
pub type Target = fn(&[u8]);

/// The targets, by name, for the corpus replay.
pub const TARGETS: [(&str, Target); 8] = [
    ("read_csv", read_csv),
    ("read_json", read_json),
    ("rules", rules),
    ("engine", engine),
    ("drafts", drafts),
    ("outputs", outputs),
    ("ledger", ledger),
    ("batch", batch),
];

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    Rules::parse("rules.toml", Rules::STARTER).expect("the bundled rules are valid")
});

/// Any bytes as a CSV export: a ticket, a reject or an error; every row read accounted for.
pub fn read_csv(data: &[u8]) {
    read_as(data, "fuzz.csv", Format::Csv);
}

/// Any bytes as a JSON array and as NDJSON, as `read_csv`.
pub fn read_json(data: &[u8]) {
    read_as(data, "fuzz.json", Format::Json);
    read_as(data, "fuzz.ndjson", Format::Ndjson);
}

fn read_as(data: &[u8], name: &str, format: Format) {
    let mut accepted = 0u64;
    if let Ok(stats) = read(
        &[Source::Bytes(name.into(), data.to_vec())],
        &RULES,
        Some(format),
        |_| accepted += 1,
    ) {
        // Every row read is accepted or rejected (repeated ids are rejected rows too).
        assert_eq!(stats.rows, accepted + stats.rejects.len() as u64);
    }
}

/// Any text as a rules file: valid rules, or errors with a line and column.
pub fn rules(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = Rules::parse("fuzz.toml", text)
    {
        assert!(!e.problems.is_empty());
        assert!(e.problems.iter().all(|p| p.line >= 1 && p.column >= 1));
    }
}

/// Tickets from CSV rows under a header of every field, at an instant the first four bytes
/// pick (any minute within ±4 years of 2026).
fn tickets(data: &[u8], rules: &Rules) -> Option<(DateTime<Utc>, Vec<Arc<Ticket>>)> {
    let (head, rows) = data.split_first_chunk::<4>()?;
    let offset = i32::from_le_bytes(*head) % (4 * 366 * 24 * 60);
    let now = DateTime::from_timestamp(1_795_000_000 + i64::from(offset) * 60, 0)?;
    let csv = export(rows);
    let mut out = Vec::new();
    let _ = read(
        &[Source::Bytes("fuzz.csv".into(), csv)],
        rules,
        Some(Format::Csv),
        |t| out.push(Arc::new(t)),
    );
    Some((now, out))
}

/// CSV rows under a header of every field.
fn export(rows: &[u8]) -> Vec<u8> {
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    let mut csv = header.join(",").into_bytes();
    csv.push(b'\n');
    csv.extend_from_slice(rows);
    csv
}

/// Each ticket's actions due within a day of `now`.
fn actions(ts: &[Arc<Ticket>], rules: &Rules, now: DateTime<Utc>) -> Vec<(Action, Arc<Ticket>)> {
    let horizon = now + TimeDelta::hours(24);
    ts.iter()
        .flat_map(|t| {
            evaluate(t, rules, now, horizon, false)
                .actions
                .into_iter()
                .map(|a| (a, t.clone()))
        })
        .collect()
}

/// Random tickets at a random instant: the engine is deterministic and its actions keep the
/// invariants of SPEC §3–4.
pub fn engine(data: &[u8]) {
    let rules = &*RULES;
    let Some((now, ts)) = tickets(data, rules) else {
        return;
    };
    let horizon = now + TimeDelta::hours(24);
    for t in &ts {
        let eval = evaluate(t, rules, now, horizon, false);
        assert_eq!(
            eval.actions,
            evaluate(t, rules, now, horizon, false).actions,
            "deterministic"
        );
        for a in &eval.actions {
            assert!(
                a.window_start <= a.suggested_at && a.suggested_at < a.window_end,
                "{a:?}"
            );
            assert!(a.contact_date >= a.due_date, "{a:?}");
            match a.kind {
                Kind::Strike => assert!(a.step >= 1 && a.step <= rules.strikes.count, "{a:?}"),
                Kind::Resolve => {
                    assert!(t.customer_ooo_until.is_none_or(|r| a.due_date > r), "{a:?}")
                }
                Kind::CheckIn => assert!(matches!(
                    t.state,
                    State::Open | State::OnHold | State::Resolved
                )),
                _ => {}
            }
        }
    }
}

/// The drafts of hostile tickets, under the built-in templates and under a template the
/// data writes (after byte 4, its length in byte 4): each renders within `[drafts]`'s limits
/// or fails saying so, and no value adds a line to a subject or a recipient.
pub fn drafts(data: &[u8]) {
    let Some((&len, rest)) = data.get(4..).and_then(<[u8]>::split_first) else {
        return;
    };
    let (template, rows) = rest.split_at(usize::from(len).min(rest.len()));
    let mut ticket_data = data[..4].to_vec();
    ticket_data.extend_from_slice(rows);
    let custom = std::str::from_utf8(template)
        .ok()
        .filter(|t| !t.contains("'''") && !t.ends_with('\''))
        .and_then(|t| {
            let text = format!(
                "{}\n[templates.strike]\nsubject = '''{t}'''\nbody = '''{t}'''\n[templates.checkin]\nbody = '''{t}'''\n",
                Rules::STARTER
            );
            Rules::parse("fuzz.toml", &text).ok()
        });
    for rules in std::iter::once(&*RULES).chain(custom.as_ref()) {
        let Ok(drafter) = Drafter::new(rules) else {
            continue;
        };
        let minijinja = Drafter::new(rules).unwrap().without_direct_path();
        let Some((now, ts)) = tickets(&ticket_data, rules) else {
            return;
        };
        for (a, t) in actions(&ts, rules, now) {
            let drafted = drafter.render(&a, &t, rules);
            // The direct path drafts exactly what MiniJinja does, errors included.
            assert_eq!(drafted, minijinja.render(&a, &t, rules));
            match drafted {
                Ok(d) => check_draft(&d, rules),
                Err(e) => assert!(!e.is_empty()),
            }
        }
    }
}

fn check_draft(d: &Draft, rules: &Rules) {
    assert!(!d.subject.chars().any(char::is_control), "{:?}", d.subject);
    assert!(!d.to.chars().any(char::is_control), "{:?}", d.to);
    assert!(d.subject.len() <= rules.drafts.max_bytes && d.body.len() <= rules.drafts.max_bytes);
}

/// The actions of hostile tickets, with their drafts, written as csv, ndjson and json and
/// read back: exactly one record per action, as wide as the header, ids as written (csv
/// ids guarded), drafts' subjects as drafted.
pub fn outputs(data: &[u8]) {
    let rules = &*RULES;
    let Some((now, ts)) = tickets(data, rules) else {
        return;
    };
    let Ok(drafter) = Drafter::new(rules) else {
        return;
    };
    let planned = actions(&ts, rules, now);
    let drafted: Vec<Option<Draft>> = planned
        .iter()
        .map(|(a, t)| drafter.render(a, t, rules).ok())
        .collect();
    let rows: Vec<Row<'_>> = planned
        .iter()
        .zip(&drafted)
        .map(|((a, _), d)| Row {
            action: a,
            draft: d.as_ref(),
        })
        .collect();
    let write = |format| {
        let layout = Layout {
            format,
            drafts: true,
            guard: Guard(true),
            width: None,
        };
        let mut out = Vec::new();
        layout.write(&mut out, &rows).expect("writing to memory");
        out
    };
    let csv_bytes = write(crate::output::Format::Csv);
    let mut csv = csv::Reader::from_reader(&csv_bytes[..]);
    let header = csv.headers().expect("a header").clone();
    let id = header
        .iter()
        .position(|h| h == "ticket_id")
        .expect("ticket_id");
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("a record")).collect();
    assert_eq!(records.len(), rows.len());
    for (r, row) in records.iter().zip(&rows) {
        assert_eq!(r.len(), header.len());
        assert_eq!(&r[id], Guard(true).cell(&row.action.ticket_id));
    }
    let ndjson = write(crate::output::Format::Ndjson);
    let lines: Vec<serde_json::Value> = ndjson
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), rows.len());
    for (l, row) in lines.iter().zip(&rows) {
        assert_eq!(l["ticket_id"].as_str(), Some(row.action.ticket_id.as_str()));
        if let Some(d) = row.draft {
            assert_eq!(l["draft_subject"].as_str(), Some(d.subject.as_str()));
        }
    }
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&write(crate::output::Format::Json)).expect("a JSON array");
    assert_eq!(json.len(), rows.len());
}

/// A folder of this process's own under the temporary directory, empty.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "followup-fuzz-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed) % 4
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// The ledger: entries of hostile tickets' actions read back as written; a ledger written
/// and torn at any byte (byte 4 and 5 pick where) loads, holding only entries written; and
/// any bytes as a ledger load or fail with a message, never panic.
pub fn ledger(data: &[u8]) {
    let rules = &*RULES;
    let Some((now, ts)) = tickets(data, rules) else {
        return;
    };
    let date = now.date_naive();
    let entries: Vec<Entry> = actions(&ts, rules, now)
        .iter()
        .map(|(a, _)| {
            Entry::of(
                &crate::engine::Head::of(a, 0),
                date,
                date - TimeDelta::days(3),
            )
        })
        .collect();
    let mut line = String::new();
    for e in &entries {
        line.clear();
        e.line(&mut line);
        assert_eq!(line.matches('\n').count(), 1, "one line: {line:?}");
        assert_eq!(
            &Entry::parse(line.trim_end_matches('\n')).expect("reads back"),
            e
        );
    }
    let dir = scratch("ledger");
    let live: Vec<CompactString> = {
        let mut l: Vec<CompactString> = entries.iter().map(|e| e.ticket_id.clone()).collect();
        l.sort();
        l.dedup();
        l
    };
    let next = Ledger::load(&dir)
        .expect("an empty folder")
        .next(date, entries.clone(), &live, 30);
    let mut text = Vec::new();
    next.write(&mut text).expect("writing to memory");
    let cut = usize::from(u16::from_le_bytes([
        data.get(4).copied().unwrap_or(0),
        data.get(5).copied().unwrap_or(0),
    ]));
    let cut = cut % (text.len() + 1);
    std::fs::write(dir.join("ledger.tsv"), &text[..cut]).expect("a scratch file");
    let loaded = Ledger::load(&dir).expect("a torn ledger loads");
    let written: Vec<String> = entries
        .iter()
        .map(|e| {
            let mut s = String::new();
            e.line(&mut s);
            s
        })
        .collect();
    for e in loaded.entries() {
        let mut s = String::new();
        e.line(&mut s);
        assert!(written.contains(&s), "an entry never written: {s:?}");
    }
    // The data itself as a ledger.
    std::fs::write(dir.join("ledger.tsv"), data).expect("a scratch file");
    if let Err(f) = Ledger::load(&dir) {
        assert!(f.message.contains("ledger.tsv"), "{}", f.message);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The nightly job's folder steps: a night of `run` on hostile tickets, a fault the data
/// picks (byte 4) on what it left, the next night's run. Each ends with a code of SPEC §6
/// other than 4 (no run finds the lock its predecessor left), and a night that succeeds
/// leaves a ledger that loads.
pub fn batch(data: &[u8]) {
    let Some((_, ts)) = tickets(data, &RULES) else {
        return;
    };
    if ts.is_empty() || data.len() > 4096 {
        return;
    }
    let dir = scratch("batch");
    let rules = dir.join("rules.toml");
    std::fs::write(&rules, Rules::STARTER).expect("a scratch file");
    let export = dir.join("export.csv");
    std::fs::write(&export, self::export(&data[4..])).expect("a scratch file");
    let out = dir.join("out");
    let night = |date: NaiveDate| {
        let now = format!("{date}T20:00:00Z");
        let args = [
            "followup",
            "--quiet",
            "--rules",
            path(&rules),
            "--now",
            &now,
            "run",
            "--out",
            path(&out),
            path(&export),
        ];
        let code = crate::run(args.iter().map(Into::into), Utc::now);
        assert!([0, 1, 2, 3, 5].contains(&code), "run exited {code}");
        code
    };
    let first = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    night(first);
    let pick = data.get(4).copied().unwrap_or(0);
    let victim = match pick % 4 {
        0 => out.join("ledger.tsv"),
        1 => out.join("runs.log"),
        2 => out.join("archive").join("2026-11.tsv"),
        _ => out.join(first.to_string()).join("actions.csv"),
    };
    if let Ok(bytes) = std::fs::read(&victim) {
        let cut = usize::from(data.get(5).copied().unwrap_or(0)) % (bytes.len() + 1);
        std::fs::write(&victim, &bytes[..cut]).expect("a scratch file");
    }
    if [0, 3, 5].contains(&night(first + TimeDelta::days(1))) {
        Ledger::load(&out).expect("the ledger a night leaves loads");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("a UTF-8 scratch path")
}
