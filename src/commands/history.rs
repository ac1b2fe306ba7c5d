//! `history`: every action `run` issued for a ticket, from the archive and the ledger's
//! latest night. Reads, never writes: it can run while a run holds the lock.

use super::{out_format, write_stdout};
use crate::batch::archive;
use crate::batch::ledger::{self, Ledger};
use crate::cli::{Cli, HistoryArgs};
use crate::error::{Code, Failure};
use crate::output::Guard;
use crate::output::history::{self, Issued};
use crate::ui::Ui;

pub(super) fn history(cli: &Cli, ui: &Ui, args: &HistoryArgs) -> Result<Code, Failure> {
    let dir = &args.out;
    let known = dir.join(archive::DIR).is_dir() || ledger::current(dir).is_file();
    if !known {
        return Err(Failure::usage(format!(
            "{} holds no ledger: give the folder `run --out` writes to",
            dir.display()
        )));
    }
    let ledger = Ledger::load(dir)?;
    for w in &ledger.warnings {
        ui.warn(w);
    }
    let mut all = archive::for_ticket(dir, &args.ticket_id)?;
    all.extend(ledger.queued_for(&args.ticket_id));
    let mut all = archive::distinct(all);
    all.sort_by(|a, b| {
        (a.run_date, a.due_date, a.suggested_at, &a.action_id).cmp(&(
            b.run_date,
            b.due_date,
            b.suggested_at,
            &b.action_id,
        ))
    });
    let rows: Vec<Issued> = all
        .iter()
        .map(|e| Issued {
            run_date: e.run_date.to_string(),
            action_id: e.action_id.to_string(),
            kind: e.kind.name(),
            step: e.step,
            due_date: e.due_date.to_string(),
            suggested_at: e.suggested_at.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            channel: e.channel.map_or("", |c| c.name()),
            first_run: e.first_run.to_string(),
        })
        .collect();
    if rows.is_empty() {
        ui.say(&format!(
            "no action was issued for {} by the runs in {}",
            args.ticket_id,
            dir.display()
        ));
    }
    let (format, _) = out_format(args.format);
    let guard = Guard(!cli.no_csv_guard);
    write_stdout(|w| history::write(w, &rows, format, guard))?;
    Ok(Code::Ok)
}
