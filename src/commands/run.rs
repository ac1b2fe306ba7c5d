//! `run`: the nightly batch (SPEC §8). Safe to run twice (the ledger makes a rerun for the
//! same date repeat itself), safe to kill (the day's folder is swapped in whole), and honest
//! (summary.json says what happened; the exit code says how it ended).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Ui, drafter, length_of_time, load_rules_text, now, plan_export, report_read, within};
use crate::batch::folder::{self, Staging};
use crate::batch::ledger::Ledger;
use crate::batch::lock::Lock;
use crate::cli::{Cli, RunArgs};
use crate::engine::{Action, Kind};
use crate::error::{Code, Failure};
use crate::output::{self, Format};
use crate::time::local_date;

pub(super) fn run(
    cli: &Cli,
    ui: &Ui,
    clock: impl Fn() -> DateTime<Utc>,
    args: &RunArgs,
) -> Result<Code, Failure> {
    match &args.schedule {
        None => once(cli, ui, now(cli, clock())?, args),
        Some(_) if cli.now.is_some() => Err(Failure::usage(
            "--schedule runs on the clock: leave out --now (or run once with --now and no --schedule)",
        )),
        Some(expr) => scheduled(cli, ui, &clock, args, expr),
    }
}

fn wait_for(args: &RunArgs) -> Result<Option<Duration>, Failure> {
    args.wait
        .as_deref()
        .map(|w| {
            let d = length_of_time("--wait", w)?;
            d.to_std()
                .map_err(|_| Failure::usage(format!("--wait: \"{w}\" is too long")))
        })
        .transpose()
}

/// One run for the instant `now`.
fn once(cli: &Cli, ui: &Ui, now: DateTime<Utc>, args: &RunArgs) -> Result<Code, Failure> {
    let started = Instant::now();
    let wait = wait_for(args)?;
    let (rules, rules_text) = load_rules_text(cli)?;
    let date = local_date(now, rules.default_tz);
    let within_text = args.select.within.clone().unwrap_or_else(|| "24h".into());
    let horizon = now + within(&args.select.within, "24h")?;
    let dir = &args.out;
    let io_fail =
        |what: &str, e: std::io::Error| Failure::io(format!("{what} {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(|e| io_fail("cannot create", e))?;
    let _lock = Lock::acquire(dir, wait, &now.to_rfc3339())?;
    folder::recover(dir).map_err(|e| io_fail("cannot tidy", e))?;
    let mut ledger = Ledger::load(dir)?;
    let before = ledger.before(date);
    let drafter = drafter(&rules)?;

    let (actions, stats) = plan_export(
        &rules,
        now,
        horizon,
        &args.select,
        Some(&drafter),
        |t| before.supply(t, &rules),
        ui,
    )?
    .into_vec();
    let read_done = started.elapsed();
    // Rejects go to the folder; the exit code still says some rows were rejected.
    let mut select = args.select.input.clone();
    select.rejects = None;
    let mut code = report_read(ui, &select, &stats, false)?;

    // Safety limit: a broken export must not close the whole backlog overnight.
    let limit = rules.run.max_resolutions as usize;
    let resolutions = actions.iter().filter(|a| a.kind == Kind::Resolve).count();
    let hold = resolutions > limit;
    // Without a hold the actions stay where they are: no second copy of them all.
    let (issued, held): (Vec<Action>, Vec<Action>) = if hold {
        actions.into_iter().partition(|a| a.kind != Kind::Resolve)
    } else {
        (actions, Vec::new())
    };

    let staging =
        Staging::new(dir, &date.to_string()).map_err(|e| io_fail("cannot write in", e))?;
    // Files stream to disk: an export's actions need not fit in memory twice.
    let write = |name: &str,
                 body: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>|
     -> Result<(), Failure> {
        staging
            .write(name, body)
            .map_err(|e| io_fail(&format!("cannot write {name} in"), e))
    };
    let listed: Vec<&Action> = issued.iter().collect();
    write("actions.csv", &|w| {
        output::write_actions(w, Format::Csv, &listed, None, false)
    })?;
    write("actions.ndjson", &|w| {
        output::write_actions(w, Format::Ndjson, &listed, None, true)
    })?;
    let id_col = stats.column(&rules, crate::ticket::Field::Id);
    let status_col = stats.column(&rules, crate::ticket::Field::Status);
    let resolved: Vec<&Action> = issued.iter().filter(|a| a.kind == Kind::Resolve).collect();
    write("resolutions.csv", &|w| {
        output::write_resolutions(w, &id_col, &status_col, &resolved)
    })?;
    if hold {
        let held_refs: Vec<&Action> = held.iter().collect();
        write("resolutions.held.csv", &|w| {
            output::write_resolutions(w, &id_col, &status_col, &held_refs)
        })?;
    }
    write("rejects.csv", &|w| output::write_rejects(w, &stats.rejects))?;
    output::write_draft_files(&staging.path.join("drafts"), &issued)
        .map_err(|e| io_fail("cannot write drafts in", e))?;

    let new: Vec<String> = issued
        .iter()
        .map(Action::id)
        .filter(|id| !before.repeats(id))
        .collect();
    let repeated: Vec<String> = issued
        .iter()
        .map(Action::id)
        .filter(|id| before.repeats(id))
        .collect();
    let mut by_kind: BTreeMap<&str, usize> = Kind::ALL.iter().map(|k| (k.name(), 0)).collect();
    let mut by_assignee: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &issued {
        *by_kind.entry(a.kind.name()).or_default() += 1;
        *by_assignee.entry(a.assignee.as_str()).or_default() += 1;
    }
    if hold {
        code = Code::Safety;
    }
    let inputs: Vec<String> = if args.select.input.inputs.is_empty() {
        vec!["-".into()]
    } else {
        args.select.input.inputs.clone()
    };
    let summary = json!({
        "date": date.to_string(),
        "now": now.to_rfc3339(),
        "timezone": rules.default_tz.name(),
        "within": within_text,
        "rules": { "path": rules.path, "sha256": hex(&Sha256::digest(rules_text.as_bytes())) },
        "inputs": inputs,
        "rows_read": stats.rows,
        "rows_rejected": stats.rejects.len(),
        "actions": issued.len(),
        "by_kind": by_kind,
        "by_assignee": by_assignee,
        "new": new,
        "repeated": repeated,
        "resolutions": { "written": resolved.len(), "held": held.len(), "max_resolutions": limit },
        "exit_code": code as i32,
    });
    write("summary.json", &|w| {
        serde_json::to_writer_pretty(&mut *w, &summary)?;
        w.write_all(b"\n")?;
        Ok(())
    })?;
    // Timings differ from run to run, so they stay out of summary.json, which must not.
    let timings = json!({
        "read_and_plan_ms": read_done.as_millis() as u64,
        "total_ms": started.elapsed().as_millis() as u64,
    });
    write("timings.json", &|w| {
        serde_json::to_writer_pretty(&mut *w, &timings)?;
        w.write_all(b"\n")?;
        Ok(())
    })?;
    let first_runs: Vec<_> = issued
        .iter()
        .map(|a| before.first_run(&a.id(), date))
        .collect();
    drop(before);
    staging
        .publish()
        .map_err(|e| io_fail("cannot publish the day's folder in", e))?;
    ledger.append(date, &issued, &first_runs)?;

    if hold {
        ui.error(&format!(
            "{resolutions} auto-resolutions exceed [run].max_resolutions = {limit}: held back in {}/{date}/resolutions.held.csv, not resolved; check the export (a lost reply column makes every ticket look abandoned), then raise the limit or resolve them by hand",
            dir.display()
        ));
    }
    if !ui.quiet {
        let kinds: Vec<String> = by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        eprintln!(
            "followup run {date}: {} rows, {} rejected, {} actions ({}; {} new), {} held; {}/{date} in {:.1}s",
            stats.rows,
            stats.rejects.len(),
            issued.len(),
            if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds.join(", ")
            },
            new.len(),
            held.len(),
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(code)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stays running and runs at each time of the cron expression, in `[defaults].timezone`.
/// SIGINT or SIGTERM between runs ends it with 0; during a run, after the run.
fn scheduled(
    cli: &Cli,
    ui: &Ui,
    clock: &impl Fn() -> DateTime<Utc>,
    args: &RunArgs,
    expr: &str,
) -> Result<Code, Failure> {
    let cron: croner::Cron = expr.parse().map_err(|e| {
        Failure::usage(format!("--schedule: \"{expr}\" is not a cron expression ({e}); write e.g. \"0 2 * * 1-5\" (02:00 Monday to Friday)"))
    })?;
    let (rules, _) = load_rules_text(cli)?;
    let tz = rules.default_tz;
    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Failure::io(format!("cannot handle signals: {e}")))?;
    }
    loop {
        let from = clock().with_timezone(&tz);
        let next = cron
            .find_next_occurrence(&from, false)
            .map_err(|e| Failure::usage(format!("--schedule: \"{expr}\" never runs ({e})")))?;
        ui.info(&format!("next run at {}", next.to_rfc3339()));
        while clock() < next.with_timezone(&Utc) {
            if stop.load(Ordering::SeqCst) {
                return Ok(Code::Ok);
            }
            let left = (next.with_timezone(&Utc) - clock())
                .to_std()
                .unwrap_or_default();
            std::thread::sleep(left.min(Duration::from_millis(250)));
        }
        // One failed run does not end the schedule: it is reported, and the next one comes.
        if let Err(f) = once(cli, ui, clock(), args) {
            ui.error(&f.message);
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(Code::Ok);
        }
    }
}
