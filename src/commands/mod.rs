//! The commands: each takes the settings, runs the pipeline, the engine and an output, and
//! says on stderr what the user must know. The edge of the program: the only place that
//! writes files or stdout.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::cli::{Cli, Command};
use crate::error::{Code, Failure};
use crate::input::{Source, Stats};
use crate::output::{self, Format};
use crate::pipeline::Planned;
use crate::settings::{Input, Settings};
use crate::ui::Ui;

mod calendars;
mod check;
mod explain;
mod forecast;
mod history;
mod plan;
mod replay;
mod report;
mod rules;
mod run;

pub fn dispatch(cli: &Cli, ui: &Ui, clock: fn() -> DateTime<Utc>) -> Result<Code, Failure> {
    let settings = || Settings::new(cli, clock());
    crate::files::cap_arenas(cli.threads.unwrap_or_else(crate::pipeline::threads));
    match &cli.command {
        Command::Run(args) => run::run(cli, ui, clock, args),
        Command::Plan(args) => plan::plan(&settings()?, ui, args),
        Command::Summary(args) => plan::summary(&settings()?, ui, args),
        Command::Drafts(args) => plan::drafts(&settings()?, ui, args),
        Command::Resolutions(args) => plan::resolutions(&settings()?, ui, args),
        Command::Forecast(args) => forecast::forecast(&settings()?, ui, args),
        Command::Diff(args) => forecast::diff(&settings()?, ui, args),
        Command::Explain(args) => explain::explain(&settings()?, ui, args),
        Command::Check(args) => check::check(&settings()?, ui, args),
        Command::Replay(args) => replay::replay(settings()?, ui, args),
        Command::Report(args) => report::report(settings()?, ui, args),
        Command::History(args) => history::history(cli, ui, args),
        Command::Rules(cmd) => rules::rules(cli, cmd),
        Command::Calendars(cmd) => calendars::calendars(cmd),
        Command::Completions { shell } => {
            // Rendered first: clap_complete panics when its writer fails (a closed pipe).
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "followup", &mut script);
            write_stdout(|w| w.write_all(&script))?;
            Ok(Code::Ok)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| Failure::io(format!("cannot render the man page: {e}")))?;
            write_stdout(|w| w.write_all(&page))?;
            Ok(Code::Ok)
        }
    }
}

/// Says so when the export is read from a terminal: a command waiting for input should
/// not look hung.
fn tell_if_terminal(ui: &Ui, input: &Input) {
    let stdin = input.sources.iter().any(|s| matches!(s, Source::Stdin));
    if stdin && io::stdin().is_terminal() {
        ui.say(
            "reading the export from stdin (paste it and end with Ctrl-D, or give a file: followup plan tickets.csv)",
        );
    }
}

/// Reports what the read rejected: on stderr (capped), to `--rejects`, and as the exit code.
fn report_read(
    ui: &Ui,
    s: &Settings,
    input: &Input,
    stats: &Stats,
    list_all: bool,
) -> Result<Code, Failure> {
    let (guard, mode) = (s.guard, s.mode());
    if let Some(path) = &input.rejects {
        write_file(path, Some(mode), |w| {
            output::rejects::write(w, &stats.rejects, guard)
        })?;
    }
    for w in read_warnings(stats) {
        ui.warn(&w);
    }
    if stats.rejects.is_empty() {
        return Ok(Code::Ok);
    }
    const SHOWN: usize = 20;
    if !list_all {
        for r in stats.rejects.iter().take(SHOWN) {
            ui.warn(&format!("rejected {r}"));
        }
        if stats.rejects.len() > SHOWN {
            ui.say(&format!("  … and {} more", stats.rejects.len() - SHOWN));
        }
    }
    let hint = if input.rejects.is_none() {
        " (write them all with --rejects FILE)"
    } else {
        ""
    };
    let summary = format!(
        "{} of {} rows rejected; their tickets were not planned{hint}",
        stats.rejects.len(),
        stats.rows
    );
    if input.strict {
        return Err(Failure::new(
            Code::Rejected,
            format!("{summary}; --strict: nothing written"),
        ));
    }
    if !list_all {
        ui.warn(&summary);
    }
    Ok(Code::Rejected)
}

/// What the read noticed besides rejects: columns that look like fields, channel values no
/// mapping knows.
fn read_warnings(stats: &Stats) -> Vec<String> {
    let mut out = Vec::new();
    for n in &stats.near {
        out.push(format!(
            "column \"{}\" is not read, and it looks like {}: if it is, map it with [input.columns] {} = \"{}\"",
            n.column,
            n.field.name(),
            n.field.name(),
            n.column
        ));
    }
    if !stats.unknown_channels.is_empty() {
        let mut seen: Vec<_> = stats.unknown_channels.iter().collect();
        seen.sort();
        let list: Vec<String> = seen.iter().map(|(v, n)| format!("\"{v}\" ({n})")).collect();
        out.push(format!(
            "channel values no mapping knows: {}; those tickets were planned with the default ladder \
             (map them under [input.channels])",
            list.join(", ")
        ));
    }
    out
}

/// Counts, per assignee, the actions whose working hours never meet the customer's
/// windows: they keep the customer's window, which the assignee may not be at work for.
fn report_hours(ui: &Ui, p: &Planned) {
    let mut by: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (who, _) in p.assignees_kept().filter(|(_, outside)| *outside) {
        *by.entry(who).or_default() += 1;
    }
    for (who, n) in by {
        ui.warn(&format!(
            "{who}: {n} action{} fall{} outside their working hours (the customer's windows and theirs never meet in the days searched): the customer's window is kept; `explain` shows each",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
        ));
    }
}

/// Says what levelling could not fit and what it moved past the horizon.
fn report_levelling(ui: &Ui, p: &Planned) {
    for o in &p.over {
        ui.warn(&format!(
            "{} has {} actions on {}, over a capacity of {}: the rest cannot move (strikes, resolutions, holds, alerts, check-ins without slack left)",
            o.assignee, o.actions, o.date, o.capacity
        ));
    }
    if p.moved_past > 0 {
        ui.warn(&format!(
            "{} check-in{} moved past the horizon to keep within capacity (`explain` says where)",
            p.moved_past,
            if p.moved_past == 1 { "" } else { "s" }
        ));
    }
}

/// Writes a file whole, or not at all: a temporary file beside it is renamed into place.
/// Writes a file aside and renames it into place; created with `mode` when given (what
/// holds customers' data), else as the umask says.
fn write_file(
    path: &Path,
    mode: Option<crate::files::Mode>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let fail = |e: io::Error| Failure::io(format!("cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let f = match mode {
            Some(m) => crate::files::create(&tmp, m)?,
            None => std::fs::File::create(&tmp)?,
        };
        let mut f = io::BufWriter::new(f);
        body(&mut f)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Writes to stdout; a closed pipe (`followup plan | head`) ends quietly with success.
fn write_stdout(body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut w = io::BufWriter::new(stdout.lock());
    let r = body(&mut w).and_then(|_| w.flush());
    match r {
        Ok(()) => Ok(()),
        Err(e) if broken_pipe(&e) => Err(Failure::new(Code::Ok, "")),
        Err(e) => Err(Failure::io(format!("cannot write to stdout: {e}"))),
    }
}

/// A closed pipe, also as the csv writer reports it (wrapped in its own error).
fn broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<csv::Error>())
            .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(x) if x.kind() == io::ErrorKind::BrokenPipe))
}

/// The format asked for, else a table on a terminal and csv elsewhere; and the width.
fn out_format(asked: Option<Format>) -> (Format, Option<u16>) {
    let terminal = io::stdout().is_terminal();
    let format = asked.unwrap_or(if terminal { Format::Table } else { Format::Csv });
    let width = terminal.then(|| comfy_table::Table::new().width().unwrap_or(120));
    (format, width)
}
