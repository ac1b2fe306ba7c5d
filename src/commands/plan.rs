//! `plan`, `summary`, `drafts` and `resolutions`: the actions due, planned by the pipeline
//! and written by an output.

use super::{out_format, report_hours, report_levelling, report_read, write_stdout};
use crate::cli::{DraftsArgs, PlanArgs, ResolutionsArgs, SummaryArgs};
use crate::drafts::Drafter;
use crate::engine::forecast::Days;
use crate::engine::{Action, Kind};
use crate::error::{Code, Failure};
use crate::output::actions::Layout;
use crate::output::{self, Row};
use crate::pipeline::{self, Drafting, Plan, Planned};
use crate::settings::{Selection, Settings};
use crate::ticket::{Field, Ticket};
use crate::ui::Ui;

/// The drafter for the rules' templates.
pub(super) fn drafter(s: &Settings) -> Result<Drafter, Failure> {
    Drafter::new(&s.rules).map_err(|e| Failure::usage(format!("{}: {e}", s.rules.path)))
}

/// Plans the selection (drafted when `drafter` is given, with `supply` filling in facts
/// first), says what the read and the levelling found, and gives the exit code so far.
pub(super) fn due(
    s: &Settings,
    ui: &Ui,
    sel: &Selection,
    drafter: Option<&Drafter>,
    supply: &(dyn Fn(&mut Ticket) + Sync),
) -> Result<(Planned, Code), Failure> {
    due_drafted_later(s, ui, sel, drafter, supply, Drafts::Now, None)
}

/// When the drafts are rendered: as the plan is made, or later, a window at a time as the
/// rows are written (the tickets kept for them, packed), the actions then kept whole or by
/// their heads (`engine::Head`, without levelling).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Drafts {
    Now,
    Later,
    LaterByHeads,
}

/// `due`, the tickets kept to be drafted as `drafts` says, and each followed through the
/// days of `follow` as it is read.
pub(super) fn due_drafted_later(
    s: &Settings,
    ui: &Ui,
    sel: &Selection,
    drafter: Option<&Drafter>,
    supply: &(dyn Fn(&mut Ticket) + Sync),
    drafts: Drafts,
    follow: Option<&Days>,
) -> Result<(Planned, Code), Failure> {
    super::tell_if_terminal(ui, &sel.input);
    let progress = ui.progress("reading rows");
    let keep = |a: &Action| sel.filters.keeps(a);
    let plan = Plan {
        rules: &s.rules,
        now: s.now,
        horizon: sel.horizon,
        keep: &keep,
        supply,
        drafter,
        later: drafts != Drafts::Now,
        heads: drafts == Drafts::LaterByHeads,
        threads: s.threads,
        progress: &|rows| progress.set_position(rows),
        assignees: sel.filters.by_owner(),
        follow,
    };
    let planned = pipeline::plan(&sel.input.sources, sel.input.format, &plan)?;
    progress.finish_and_clear();
    report_levelling(ui, &planned);
    report_hours(ui, &planned);
    report_owners(ui, s, sel, &planned);
    if drafter.is_some() {
        let unnamed =
            crate::drafts::unnamed(&s.rules, planned.assignees_kept().map(|(who, _)| who));
        if let Some(first) = unnamed.first() {
            ui.warn(&format!(
                "{} assignee{} named by a number only ({first}{}): their drafts are signed by the department; name them under [agents.<id>] name = \"…\"",
                unnamed.len(),
                if unnamed.len() == 1 { " is" } else { "s are" },
                if unnamed.len() > 1 { ", …" } else { "" },
            ));
        }
    }
    ui.info(&format!(
        "{} rows read, {} actions due by {}",
        planned.stats.rows,
        planned.kept(),
        sel.horizon.to_rfc3339()
    ));
    let code = report_read(ui, s, &sel.input, &planned.stats, false)?;
    Ok((planned, code))
}

pub(super) fn plan(s: &Settings, ui: &Ui, args: &PlanArgs) -> Result<Code, Failure> {
    let sel = s.select(&args.select, "0h");
    let drafter = args.drafts.then(|| drafter(s)).transpose()?;
    let (format, width) = out_format(args.format);
    let layout = Layout {
        format,
        drafts: args.drafts,
        guard: s.guard,
        width,
    };
    // Lines with drafts are drafted a part at a time as they are written: the drafts of a
    // large export need not all be held at once.
    let later = args.drafts && layout.by_line();
    let when = if later { Drafts::Later } else { Drafts::Now };
    let (p, code) = due_drafted_later(s, ui, &sel, drafter.as_ref(), &|_| {}, when, None)?;
    if let Some(d) = drafter.as_ref().filter(|_| later) {
        let drafting = Drafting {
            drafter: d,
            rules: &s.rules,
            actions: pipeline::Actions::Whole(&p.actions),
            tickets: &p.tickets,
            threads: s.threads,
        };
        pipeline::check_drafts(&drafting)?;
        write_drafted(&layout, &drafting, &p.order)?;
        std::mem::forget(p);
        return Ok(code);
    }
    let rows = p.rows();
    write_stdout(|w| pipeline::write(w, &layout, &rows, s.threads))?;
    drop(rows);
    // The process ends here: freeing a million small strings one by one would only cost time.
    std::mem::forget(p);
    Ok(code)
}

/// The lines of the actions `order` lists, with their drafts, on stdout, drafted a part at
/// a time while the parts before are written.
fn write_drafted(layout: &Layout, drafting: &Drafting<'_>, order: &[usize]) -> Result<(), Failure> {
    // A failed write is the pipe's or the disk's, told as `write_stdout` tells it; any
    // other failure is the drafting's.
    let mut failed_write = None;
    let mut failed = None;
    write_stdout(|w| {
        layout.head(w)?;
        let work = |rows: &[Row<'_>]| -> std::io::Result<Vec<u8>> {
            let mut lines = Vec::with_capacity(rows.len() * 1024);
            layout.lines(rows, &mut lines)?;
            Ok(lines)
        };
        let done = pipeline::windows(drafting, order, &work, &mut |_, lines| {
            w.write_all(&lines).map_err(|e| {
                failed_write = Some(e);
                Failure::io("")
            })
        });
        match (done, failed_write.take()) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(e)) => Err(e),
            (Err(f), None) => {
                failed = Some(f);
                Ok(())
            }
        }
    })?;
    failed.map_or(Ok(()), Err)
}

pub(super) fn summary(s: &Settings, ui: &Ui, args: &SummaryArgs) -> Result<Code, Failure> {
    let sel = s.select(&args.select, "0h");
    let (p, code) = due(s, ui, &sel, None, &|_| {})?;
    let (format, _) = out_format(args.format);
    let table = output::Summary::count(&p.actions, args.by);
    write_stdout(|w| table.write(w, format, s.guard))?;
    Ok(code)
}

pub(super) fn drafts(s: &Settings, ui: &Ui, args: &DraftsArgs) -> Result<Code, Failure> {
    not_stdout("--out", &args.out)?;
    let sel = s.select(&args.select, "0h");
    let d = drafter(s)?;
    let (p, code) = due(s, ui, &sel, Some(&d), &|_| {})?;
    let written = output::draft_files::write(&args.out, p.rows(), s.mode()).map_err(|e| {
        Failure::io(format!(
            "cannot write drafts to {}: {e}",
            args.out.display()
        ))
    })?;
    ui.say(&format!(
        "wrote {written} draft{} to {}",
        if written == 1 { "" } else { "s" },
        args.out.display()
    ));
    Ok(code)
}

pub(super) fn resolutions(s: &Settings, ui: &Ui, args: &ResolutionsArgs) -> Result<Code, Failure> {
    let sel = s.select(&args.select, "0h");
    let (p, code) = due(s, ui, &sel, None, &|_| {})?;
    let rows: Vec<&Action> = p
        .rows()
        .into_iter()
        .map(|r: Row<'_>| r.action)
        .filter(|a| a.kind == Kind::Resolve)
        .collect();
    let id = p.stats.column(&s.rules, Field::Id);
    let status = p.stats.column(&s.rules, Field::Status);
    write_stdout(|w| output::resolutions::write(w, &id, &status, &rows, s.guard))?;
    ui.say(&format!(
        "{} auto-resolution{} due by {}, as the export stands (overdue ones included; a strike not made yet brings none)",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        sel.horizon.to_rfc3339()
    ));
    Ok(code)
}

/// A folder of files cannot be stdout: `--out -` would make a folder named `-`; nor a link
/// that leads nowhere.
pub(super) fn not_stdout(flag: &str, dir: &std::path::Path) -> Result<(), Failure> {
    if let Some(problem) = crate::files::bad_link(dir) {
        return Err(Failure::usage(format!("{flag}: {problem}")));
    }
    if dir.as_os_str() == "-" {
        return Err(Failure::usage(format!(
            "{flag} -: this writes a folder of files, not a stream; give a folder, or use `followup plan --drafts --format ndjson` for the drafts on stdout"
        )));
    }
    Ok(())
}

/// Says which `--owner` matches no action, with the closest known owners: `[agents]` ids
/// and names, and the assignees planned.
fn report_owners(ui: &Ui, s: &Settings, sel: &Selection, p: &Planned) {
    if !sel.filters.by_owner() {
        return;
    }
    let mut kept: Vec<&str> = p.assignees_kept().map(|(who, _)| who).collect();
    kept.sort_unstable();
    kept.dedup();
    for missing in sel.filters.owners_missing(&kept) {
        // An agent or an assignee with nothing due is no mistake.
        let exists = s.rules.agent(missing).is_some()
            || p.assignees.iter().any(|a| a.eq_ignore_ascii_case(missing));
        if exists {
            continue;
        }
        let known: Vec<&str> = s
            .rules
            .agents
            .values()
            .flat_map(|a| std::iter::once(a.id.as_str()).chain(a.name.as_deref()))
            .chain(p.assignees.iter().map(|a| a.as_str()))
            .collect();
        let hint = crate::util::closest(missing, known.iter().copied())
            .map(|c| format!("; did you mean {c}?"))
            .unwrap_or_else(|| {
                let mut some: Vec<&str> = p.assignees.iter().map(|a| a.as_str()).collect();
                some.truncate(8);
                if some.is_empty() {
                    String::new()
                } else {
                    format!("; the assignees are {}", some.join(", "))
                }
            });
        ui.warn(&format!(
            "--owner {missing}: no action due is assigned to it{hint}"
        ));
    }
}
