//! The commands: load the rules, read the export, run the engine, write the outputs.
//! The edge of the program: the only place that reads the environment or writes files.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::cli::{
    CheckArgs, Cli, Color, Command, DraftsArgs, ExplainArgs, InputArgs, PlanArgs, ResolutionsArgs,
    RulesCommand, Selection, SummaryArgs,
};
use crate::config::Rules;
use crate::drafts::Drafter;
use crate::engine::{self, Action, Kind};
use crate::error::{Code, Failure};
use crate::input::{self, Reject, Source, Stats};
use crate::output::{self, Format};
use crate::ticket::{Channel, Ticket};
use crate::time::Span;

/// How messages reach stderr.
pub struct Ui {
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Ui {
    pub fn new(cli: &Cli) -> Ui {
        let color = match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Ui {
            quiet: cli.quiet,
            verbose: cli.verbose,
            color,
        }
    }

    fn paint(&self, label: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{label}\x1b[0m")
        } else {
            label.to_string()
        }
    }

    pub fn error(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint("error:", "1;31"));
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{} {msg}", self.paint("warning:", "1;33"));
        }
    }

    /// A spinner counting rows on a terminal; hidden elsewhere and with `-q`.
    pub fn progress(&self, what: &str) -> indicatif::ProgressBar {
        if self.quiet || !io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg}: {human_pos} ({per_sec})")
        {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    pub fn info(&self, msg: &str) {
        if self.verbose {
            eprintln!("{msg}");
        }
    }
}

mod forecast;
mod run;

pub fn dispatch(cli: &Cli, ui: &Ui, clock: fn() -> DateTime<Utc>) -> Result<Code, Failure> {
    output::set_csv_guard(!cli.no_csv_guard);
    match &cli.command {
        Command::Run(args) => run::run(cli, ui, clock, args),
        _ => dispatch_once(cli, ui, clock()),
    }
}

fn dispatch_once(cli: &Cli, ui: &Ui, clock: DateTime<Utc>) -> Result<Code, Failure> {
    match &cli.command {
        Command::Plan(args) => plan(cli, ui, clock, args),
        Command::Summary(args) => summary(cli, ui, clock, args),
        Command::Drafts(args) => drafts(cli, ui, clock, args),
        Command::Resolutions(args) => resolutions(cli, ui, clock, args),
        Command::Forecast(args) => forecast::forecast(cli, ui, clock, args),
        Command::Diff(args) => forecast::diff(cli, ui, clock, args),
        Command::Run(args) => run::run(cli, ui, || clock, args),
        Command::Explain(args) => explain(cli, ui, clock, args),
        Command::Check(args) => check(cli, ui, args),
        Command::Rules(cmd) => rules(cli, cmd),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            write_stdout(|w| {
                clap_complete::generate(*shell, &mut cmd, "followup", w);
                Ok(())
            })?;
            Ok(Code::Ok)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            write_stdout(|w| clap_mangen::Man::new(cmd).render(w))?;
            Ok(Code::Ok)
        }
    }
}

/// `--rules`, else `./rules.toml`, else `$FOLLOWUP_RULES`.
fn rules_path(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(p) = &cli.rules {
        return Ok(p.clone());
    }
    let local = PathBuf::from("rules.toml");
    if local.exists() {
        return Ok(local);
    }
    match std::env::var_os("FOLLOWUP_RULES") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => Err(Failure::usage(
            "no rules file: ./rules.toml does not exist and FOLLOWUP_RULES is not set; \
             pass --rules FILE, or write a starter file with `followup rules init`",
        )),
    }
}

fn load_rules(cli: &Cli) -> Result<Rules, Failure> {
    load_rules_text(cli).map(|(rules, _)| rules)
}

/// The rules, and the text they were read from.
fn load_rules_text(cli: &Cli) -> Result<(Rules, String), Failure> {
    let path = rules_path(cli)?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the rules file {}: {e}",
            path.display()
        ))
    })?;
    let rules = Rules::parse(&path.display().to_string(), &text)?;
    Ok((rules, text))
}

fn now(cli: &Cli, clock: DateTime<Utc>) -> Result<DateTime<Utc>, Failure> {
    let (text, from) = match &cli.now {
        Some(n) => (n.clone(), "--now"),
        None => match std::env::var("FOLLOWUP_NOW") {
            Ok(n) if !n.trim().is_empty() => (n, "FOLLOWUP_NOW"),
            _ => return Ok(clock),
        },
    };
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Failure::usage(format!(
                "{from}: \"{text}\" is not an RFC 3339 time ({e}); write e.g. 2026-11-23T09:00:00Z"
            ))
        })
}

/// `--within`, else the command's default horizon.
fn within(given: &Option<String>, default: &str) -> Result<TimeDelta, Failure> {
    length_of_time("--within", given.as_deref().unwrap_or(default))
}

/// A flag's length of time (`90m`, `24h`, `2d`): positive, without business days.
fn length_of_time(flag: &str, s: &str) -> Result<TimeDelta, Failure> {
    let span = Span::parse(s).map_err(|e| Failure::usage(format!("{flag}: {e}")))?;
    match span.to_delta() {
        Some(d) if span.amount >= 0 => Ok(d),
        _ => Err(Failure::usage(format!(
            "{flag}: \"{s}\" must be a positive length of time in s, m, h, d or w, e.g. 24h"
        ))),
    }
}

fn sources(args: &InputArgs) -> Vec<Source> {
    args.inputs.iter().map(|s| Source::from_arg(s)).collect()
}

/// Reports what the read rejected: on stderr (capped), to `--rejects`, and as the exit code.
fn report_read(ui: &Ui, args: &InputArgs, stats: &Stats, list_all: bool) -> Result<Code, Failure> {
    if let Some(path) = &args.rejects {
        write_file(path, |w| output::write_rejects(w, &stats.rejects))?;
    }
    if !stats.unknown_channels.is_empty() {
        let mut seen: Vec<_> = stats.unknown_channels.iter().collect();
        seen.sort();
        let list: Vec<String> = seen.iter().map(|(v, n)| format!("\"{v}\" ({n})")).collect();
        ui.warn(&format!(
            "channel values no mapping knows: {}; those tickets were planned with the default ladder \
             (map them under [input.channels])",
            list.join(", ")
        ));
    }
    if stats.rejects.is_empty() {
        return Ok(Code::Ok);
    }
    const SHOWN: usize = 20;
    if !list_all {
        for r in stats.rejects.iter().take(SHOWN) {
            ui.warn(&format!("rejected {r}"));
        }
        if stats.rejects.len() > SHOWN && !ui.quiet {
            eprintln!("  … and {} more", stats.rejects.len() - SHOWN);
        }
    }
    let hint = if args.rejects.is_none() {
        " (write them all with --rejects FILE)"
    } else {
        ""
    };
    let summary = format!(
        "{} of {} rows rejected; their tickets were not planned{hint}",
        stats.rejects.len(),
        stats.rows
    );
    if args.strict {
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

/// Writes a file whole, or not at all: a temporary file beside it is renamed into place.
fn write_file(
    path: &Path,
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
        let mut f = io::BufWriter::new(std::fs::File::create(&tmp)?);
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
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::new(Code::Ok, "")),
        Err(e) => Err(Failure::io(format!("cannot write to stdout: {e}"))),
    }
}

/// The filters of `plan`, checked against the rules before a row is read.
struct Filters {
    owners: Vec<String>,
    types: Vec<String>,
    kinds: Vec<Kind>,
    channels: Vec<Channel>,
}

impl Filters {
    fn new(args: &Selection) -> Result<Filters, Failure> {
        let kinds = args
            .kind
            .iter()
            .map(|k| {
                Kind::from_name(k).ok_or_else(|| {
                    Failure::usage(format!(
                        "--kind: \"{k}\" is not a kind; use strike, resolve, check_in, ooo_hold or internal_alert"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let channels = args
            .channel
            .iter()
            .map(|c| {
                Channel::from_name(&c.to_ascii_lowercase()).ok_or_else(|| {
                    Failure::usage(format!(
                        "--channel: \"{c}\" is not a channel; use phone, email, chat, portal or mail"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Filters {
            owners: args.owner.clone(),
            types: args.kind_of_ticket.clone(),
            kinds,
            channels,
        })
    }

    fn action(&self, a: &Action) -> bool {
        (self.owners.is_empty()
            || self
                .owners
                .iter()
                .any(|o| a.assignee.eq_ignore_ascii_case(o)))
            && (self.kinds.is_empty() || self.kinds.contains(&a.kind))
            && (self.types.is_empty()
                || self
                    .types
                    .iter()
                    .any(|x| a.ticket_type.eq_ignore_ascii_case(x)))
            && (self.channels.is_empty() || a.channel.is_some_and(|c| self.channels.contains(&c)))
    }
}

/// What a planning command works from: the rules, and the actions due by the horizon that
/// pass the filters with their order (SPEC §7), and their drafts when asked for. Memory
/// holds the actions kept, not the rows read.
struct Planned {
    rules: Rules,
    /// In planning order; `in_order` lists them sorted.
    actions: Vec<Action>,
    order: Vec<usize>,
    code: Code,
    /// What the read found: its columns name the fields in files to re-import.
    stats: Stats,
}

impl Planned {
    /// The actions in the order of SPEC §7.
    fn in_order(&self) -> Vec<&Action> {
        self.order.iter().map(|&i| &self.actions[i]).collect()
    }
}

/// The actions planned, in planning order, with their order of SPEC §7.
struct Sorted {
    actions: Vec<Action>,
    order: Vec<usize>,
    stats: Stats,
}

impl Sorted {
    /// The actions moved into their order.
    fn into_vec(mut self) -> (Vec<Action>, Stats) {
        engine::permute(&mut self.actions, &self.order);
        (self.actions, self.stats)
    }
}

fn due_actions(
    cli: &Cli,
    ui: &Ui,
    clock: DateTime<Utc>,
    args: &Selection,
    with_drafts: bool,
) -> Result<Planned, Failure> {
    let rules = load_rules(cli)?;
    let now = now(cli, clock)?;
    let horizon = now + within(&args.within, "0h")?;
    let drafter = with_drafts.then(|| drafter(&rules)).transpose()?;
    let Sorted {
        actions,
        order,
        stats,
    } = plan_export(&rules, now, horizon, args, drafter.as_ref(), |_| {}, ui)?;
    let code = report_read(ui, &args.input, &stats, false)?;
    Ok(Planned {
        rules,
        actions,
        order,
        code,
        stats,
    })
}

fn drafter(rules: &Rules) -> Result<Drafter, Failure> {
    Drafter::new(rules).map_err(|e| Failure::usage(format!("{}: {e}", rules.path)))
}

/// Reads the export and keeps the actions due by `horizon` that pass the filters, with
/// their order (SPEC §7), drafted when a drafter is given. `supply` may fill in facts before planning
/// (the ledger of `run`). Memory holds the actions kept, not the rows read.
fn plan_export(
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    args: &Selection,
    drafter: Option<&Drafter>,
    supply: impl Fn(&mut Ticket) + Sync,
    ui: &Ui,
) -> Result<Sorted, Failure> {
    let filters = Filters::new(args)?;
    let levelling = rules.levels();
    let progress = ui.progress("reading rows");
    // The read stays on this thread: it keeps rows in order, rejects repeated ids and hands
    // rows on in chunks. Planners on the other cores parse and plan them: the engine is
    // pure, rejects are sorted by row and actions at the end, so the result does not depend
    // on which planner did what.
    // One chunk planned: its actions, for drafts their tickets, and what parsing found.
    type PlannedChunk = (Vec<Action>, Vec<std::sync::Arc<Ticket>>, input::Parsed);
    let keep_tickets = drafter.is_some();
    let plan_chunk = |chunk: input::Chunk, parser: &input::Parser<'_>| -> PlannedChunk {
        // Room for an action for every other row, so that the vector seldom grows; tickets
        // plan straight into it.
        let mut actions = Vec::with_capacity(chunk.len() / 2);
        let mut tickets = Vec::new();
        let mut parsed = input::Parsed::default();
        chunk.tickets(parser, &mut parsed, &mut |mut t| {
            supply(&mut t);
            let before = actions.len();
            engine::due_onto(&t, rules, now, horizon, &mut actions);
            // Levelling counts every action of an agent's day, so filters apply after it.
            if !levelling {
                engine::retain_from(&mut actions, before, |a| filters.action(a));
            }
            if keep_tickets && actions.len() > before {
                let shared = std::sync::Arc::new(*t);
                tickets.extend((before..actions.len()).map(|_| shared.clone()));
            }
        });
        (actions, tickets, parsed)
    };
    // The reading thread plans too, whenever the planners have enough to do: one planner
    // fewer than cores, so that no thread waits for a core.
    let planners = crate::util::threads().saturating_sub(1).max(1);
    let mine_parser = input::Parser::new(rules, keep_tickets);
    let mut rows = 0u64;
    let (to_plan, chunks) = std::sync::mpsc::sync_channel::<input::Chunk>(planners * 2);
    let chunks = std::sync::Mutex::new(chunks);
    let (to_keep, planned) = std::sync::mpsc::channel::<PlannedChunk>();
    let mut actions: Vec<Action> = Vec::new();
    let mut tickets: Vec<std::sync::Arc<Ticket>> = Vec::new();
    let mut found = input::Parsed::default();
    // Planned chunks join one vector as they come: no second copy of a million actions.
    let mut keep = |(a, t, p): PlannedChunk| {
        actions.extend(a);
        tickets.extend(t);
        found.merge(p);
    };
    let (stats, mine) = std::thread::scope(|scope| -> Result<_, Failure> {
        let workers: Vec<_> = (0..planners)
            .map(|_| {
                let to_keep = to_keep.clone();
                let (chunks, plan_chunk) = (&chunks, &plan_chunk);
                scope.spawn(move || {
                    let parser = input::Parser::new(rules, keep_tickets);
                    loop {
                        let next = chunks.lock().map(|rx| rx.recv());
                        let Ok(Ok(chunk)) = next else { break };
                        if to_keep.send(plan_chunk(chunk, &parser)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(to_keep);
        let read = input::read_rows(
            &sources(&args.input),
            rules,
            args.input.input_format,
            keep_tickets,
            |chunk| {
                rows += chunk.len() as u64;
                progress.set_position(rows);
                match to_plan.try_send(chunk) {
                    Ok(()) | Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {}
                    // Its rows are in this core's cache: planned here, they stay there.
                    Err(std::sync::mpsc::TrySendError::Full(chunk)) => {
                        keep(plan_chunk(chunk, &mine_parser))
                    }
                }
                while let Ok(done) = planned.try_recv() {
                    keep(done);
                }
                Ok(())
            },
        );
        drop(to_plan);
        for done in planned.iter() {
            keep(done);
        }
        for w in workers {
            w.join()
                .map_err(|_| Failure::io("a planner thread failed"))?;
        }
        read
    })?;
    found.merge(mine);
    let stats = found.close(stats)?;
    // Planners finish in any order; levelling does not depend on it, and `finish` sorts.
    finish(
        rules, now, horizon, actions, tickets, &filters, levelling, drafter, stats, ui, progress,
    )
}

/// Levelling, filters, drafts and the order, once every action is planned.
#[allow(clippy::too_many_arguments)]
fn finish(
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    actions: Vec<Action>,
    tickets: Vec<std::sync::Arc<Ticket>>,
    filters: &Filters,
    levelling: bool,
    drafter: Option<&Drafter>,
    stats: Stats,
    ui: &Ui,
    progress: indicatif::ProgressBar,
) -> Result<Sorted, Failure> {
    progress.finish_and_clear();
    let (mut actions, mut tickets) = level(rules, now, horizon, actions, tickets, ui);
    if levelling {
        let keep: Vec<bool> = actions.iter().map(|a| filters.action(a)).collect();
        let mut k = keep.iter();
        actions.retain(|_| *k.next().unwrap_or(&false));
        if !tickets.is_empty() {
            let mut k = keep.iter();
            tickets.retain(|_| *k.next().unwrap_or(&false));
        }
    }
    if let Some(d) = drafter {
        // Templates render on every core, a share of the actions each; failures keep the
        // actions' order. Each share owns its tickets: a ticket is freed once its last
        // action is drafted, not after every draft exists.
        let threads = crate::util::threads();
        let share = actions.len().div_ceil(threads).max(1);
        let mut shares: Vec<Vec<std::sync::Arc<Ticket>>> = Vec::new();
        while tickets.len() > share {
            let rest = tickets.split_off(share);
            shares.push(std::mem::replace(&mut tickets, rest));
        }
        shares.push(std::mem::take(&mut tickets));
        let failed: Vec<String> = std::thread::scope(|scope| {
            let drafting: Vec<_> = actions
                .chunks_mut(share)
                .zip(shares)
                .map(|(acts, ts)| {
                    scope.spawn(move || {
                        let mut failed = Vec::new();
                        for (a, t) in acts.iter_mut().zip(ts) {
                            match d.render(a, &t, rules) {
                                Ok(draft) => a.draft = Some(Box::new(draft)),
                                Err(e) => failed.push(format!("{}: {e}", a.id())),
                            }
                        }
                        failed
                    })
                })
                .collect();
            drafting
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec!["a drafting thread failed".to_string()])
                })
                .collect()
        });
        if let Some(first) = failed.first() {
            return Err(Failure::usage(format!(
                "{} draft{} could not be rendered; the first: {first}",
                failed.len(),
                if failed.len() == 1 { "" } else { "s" }
            )));
        }
    }
    // The order only: moving every action into it is memory-bound work that an output
    // written through the order does not need.
    let order = engine::order(&actions);
    ui.info(&format!(
        "{} rows read, {} actions due by {}",
        stats.rows,
        actions.len(),
        horizon.to_rfc3339()
    ));
    Ok(Sorted {
        actions,
        order,
        stats,
    })
}

/// Levels the actions against the agents' capacities (SPEC §10) and keeps those still due
/// by the horizon; says on stderr what moved and what does not fit.
fn level(
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    mut actions: Vec<Action>,
    tickets: Vec<std::sync::Arc<Ticket>>,
    ui: &Ui,
) -> (Vec<Action>, Vec<std::sync::Arc<Ticket>>) {
    if !rules.levels() {
        // Planning kept only what is due, and without capacities nothing moves: no pass
        // over every action is needed.
        return (actions, tickets);
    }
    let over = engine::level(&mut actions, rules, now);
    for o in &over {
        ui.warn(&format!(
            "{} has {} actions on {}, over a capacity of {}: the rest cannot move (strikes, resolutions, holds, alerts, check-ins without slack left)",
            o.assignee, o.actions, o.date, o.capacity
        ));
    }
    let moved = actions
        .iter()
        .filter(|a| a.moved_from.is_some() && !a.is_due(horizon))
        .count();
    if moved > 0 {
        ui.warn(&format!(
            "{moved} check-in{} moved past the horizon to keep within capacity (`explain` says where)",
            if moved == 1 { "" } else { "s" }
        ));
    }
    if tickets.is_empty() {
        actions.retain(|a| a.is_due(horizon));
        return (actions, tickets);
    }
    actions
        .into_iter()
        .zip(tickets)
        .filter(|(a, _)| a.is_due(horizon))
        .unzip()
}

/// The format asked for, else a table on a terminal and csv elsewhere; and the width.
fn out_format(asked: Option<Format>) -> (Format, Option<u16>) {
    let terminal = io::stdout().is_terminal();
    let format = asked.unwrap_or(if terminal { Format::Table } else { Format::Csv });
    (format, if terminal { terminal_width() } else { None })
}

fn plan(cli: &Cli, ui: &Ui, clock: DateTime<Utc>, args: &PlanArgs) -> Result<Code, Failure> {
    let p = due_actions(cli, ui, clock, &args.select, args.drafts)?;
    let (format, width) = out_format(args.format);
    let sorted = p.in_order();
    write_stdout(|w| output::write_actions(w, format, &sorted, width, args.drafts))?;
    drop(sorted);
    let code = p.code;
    // The process ends here: freeing a million small strings one by one would only cost time.
    std::mem::forget(p);
    Ok(code)
}

fn summary(cli: &Cli, ui: &Ui, clock: DateTime<Utc>, args: &SummaryArgs) -> Result<Code, Failure> {
    let p = due_actions(cli, ui, clock, &args.select, false)?;
    let (format, _) = out_format(args.format);
    let table = output::Summary::count(&p.actions, args.by);
    write_stdout(|w| table.write(w, format))?;
    Ok(p.code)
}

fn drafts(cli: &Cli, ui: &Ui, clock: DateTime<Utc>, args: &DraftsArgs) -> Result<Code, Failure> {
    let p = due_actions(cli, ui, clock, &args.select, true)?;
    let written = output::write_draft_files(&args.out, p.in_order()).map_err(|e| {
        Failure::io(format!(
            "cannot write drafts to {}: {e}",
            args.out.display()
        ))
    })?;
    if !ui.quiet {
        eprintln!(
            "wrote {written} draft{} to {}",
            if written == 1 { "" } else { "s" },
            args.out.display()
        );
    }
    Ok(p.code)
}

fn resolutions(
    cli: &Cli,
    ui: &Ui,
    clock: DateTime<Utc>,
    args: &ResolutionsArgs,
) -> Result<Code, Failure> {
    let p = due_actions(cli, ui, clock, &args.select, false)?;
    let rows: Vec<&Action> = p
        .in_order()
        .into_iter()
        .filter(|a| a.kind == Kind::Resolve)
        .collect();
    let id = p.stats.column(&p.rules, crate::ticket::Field::Id);
    let status = p.stats.column(&p.rules, crate::ticket::Field::Status);
    write_stdout(|w| output::write_resolutions(w, &id, &status, &rows))?;
    Ok(p.code)
}

fn terminal_width() -> Option<u16> {
    let t = comfy_table::Table::new();
    t.width().or(Some(120))
}

fn check(cli: &Cli, ui: &Ui, args: &CheckArgs) -> Result<Code, Failure> {
    let rules = load_rules(cli)?;
    let mut accepted = 0u64;
    let stats = input::read(
        &sources(&args.input),
        &rules,
        args.input.input_format,
        |_| accepted += 1,
    )?;
    write_stdout(|w| {
        for r in &stats.rejects {
            writeln!(w, "rejected {r}")?;
        }
        let s = if accepted == 1 { "" } else { "s" };
        let good = stats.rows - stats.rejects.len() as u64;
        if rules.input.dedupe == crate::config::Dedupe::Last {
            // An event log: rows are updates; what is planned is the newest row of each
            // ticket that is not closed or canceled.
            writeln!(
                w,
                "{} rows read: {good} accepted, {} rejected; {accepted} ticket{s} to plan (the newest row of each ticket not closed or canceled)",
                stats.rows,
                stats.rejects.len()
            )
        } else {
            writeln!(
                w,
                "{} rows read: {accepted} ticket{s} accepted, {} rejected",
                stats.rows,
                stats.rejects.len()
            )
        }
    })?;
    report_read(ui, &args.input, &stats, true)
}

fn explain(cli: &Cli, ui: &Ui, clock: DateTime<Utc>, args: &ExplainArgs) -> Result<Code, Failure> {
    let rules = load_rules(cli)?;
    let now = now(cli, clock)?;
    let horizon = now + within(&args.within, "0h")?;
    let mut found: Option<Ticket> = None;
    let mut ids: Vec<String> = Vec::new();
    // With capacities, where an action lands depends on every other ticket's actions.
    let levelling = rules.levels();
    let mut all_due: Vec<Action> = Vec::new();
    let stats = input::read(
        &sources(&args.input),
        &rules,
        args.input.input_format,
        |t| {
            if levelling {
                all_due.extend(engine::due(&t, &rules, now, horizon));
            }
            if t.id == args.ticket_id {
                found = Some(t);
            } else if found.is_none() {
                ids.push(t.id.to_string());
            }
        },
    )?;
    let rejected: Vec<&Reject> = stats
        .rejects
        .iter()
        .filter(|r| r.ticket_id.as_deref() == Some(args.ticket_id.as_str()))
        .collect();
    let Some(ticket) = found else {
        if !rejected.is_empty() {
            write_stdout(|w| {
                crate::explain::write_rejected(w, &args.ticket_id, &rejected, args.format)
            })?;
            return Ok(Code::Rejected);
        }
        let hint = crate::util::closest(&args.ticket_id, ids.iter().map(String::as_str))
            .map(|c| format!("; did you mean {c}?"))
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "ticket {} is not in the export ({} rows read){hint}",
            args.ticket_id, stats.rows
        )));
    };
    let _ = ui;
    let mut eval = engine::evaluate(&ticket, &rules, now, horizon, true);
    if levelling {
        engine::level(&mut all_due, &rules, now);
        for moved in all_due
            .into_iter()
            .filter(|a| a.ticket_id == ticket.id && a.moved_from.is_some())
        {
            if let Some(a) = eval.actions.iter_mut().find(|a| a.id() == moved.id()) {
                *a = moved;
            }
        }
    }
    write_stdout(|w| crate::explain::write(w, &ticket, &rules, &eval, now, horizon, args.format))?;
    Ok(Code::Ok)
}

fn rules(cli: &Cli, cmd: &RulesCommand) -> Result<Code, Failure> {
    match cmd {
        RulesCommand::Check => {
            let rules = load_rules(cli)?;
            let agents = rules.agents.len();
            write_stdout(|w| {
                for p in &rules.warnings {
                    writeln!(
                        w,
                        "{}:{}:{}: warning: {}",
                        rules.path, p.line, p.column, p.message
                    )?;
                }
                writeln!(
                    w,
                    "{}: valid ({} calendar{}, {} strike{}, {agents} agent{})",
                    rules.path,
                    rules.calendars.len(),
                    if rules.calendars.len() == 1 { "" } else { "s" },
                    rules.strikes.count,
                    if rules.strikes.count == 1 { "" } else { "s" },
                    if agents == 1 { "" } else { "s" },
                )
            })?;
            Ok(Code::Ok)
        }
        RulesCommand::Show => {
            let rules = load_rules(cli)?;
            let text = toml::to_string(&rules.file)
                .map_err(|e| Failure::io(format!("cannot print the rules: {e}")))?;
            write_stdout(|w| w.write_all(text.as_bytes()))?;
            Ok(Code::Ok)
        }
        RulesCommand::Init { path, force } => {
            if path.exists() && !force {
                return Err(Failure::usage(format!(
                    "{} already exists; pass --force to replace it",
                    path.display()
                )));
            }
            write_file(path, |w| w.write_all(Rules::STARTER.as_bytes()))?;
            eprintln!(
                "wrote {}; check it with `followup rules check`",
                path.display()
            );
            Ok(Code::Ok)
        }
    }
}
