//! `run`: the nightly batch (SPEC §8). Safe to run twice (the ledger makes a rerun for the
//! same date repeat itself), safe to kill (the day's folder and the ledger are committed
//! together by one rename), and honest (summary.json says what happened; the exit code
//! says how it ended).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::plan::{Drafts, drafter, due_drafted_later};
use crate::batch::folder::{self, StagedFile, Staging};
use crate::batch::ledger::{self, Ledger};
use crate::batch::lock::Lock;
use crate::batch::{archive, fault};
use crate::cli::{Cli, RunArgs};
use crate::config::DraftLayout;
use crate::engine::forecast::{Days, Followed};
use crate::engine::{Action, Head, Kind};
use crate::error::{Code, Failure};
use crate::files::{self, Mode};
use crate::output::actions::Layout;
use crate::output::{self, Format, Row, draft_files};
use crate::pipeline::{self, Actions, Drafting, Remake};
use crate::settings::Settings;
use crate::ticket::{Field, Ticket};
use crate::time::local_date;
use crate::ui::Ui;

pub(super) fn run(
    cli: &Cli,
    ui: &Ui,
    clock: impl Fn() -> DateTime<Utc>,
    args: &RunArgs,
) -> Result<Code, Failure> {
    super::plan::not_stdout("--out", &args.out)?;
    let wait = args
        .wait
        .as_ref()
        .map(|w| {
            w.delta
                .to_std()
                .map_err(|_| Failure::usage(format!("--wait: \"{}\" is too long", w.text)))
        })
        .transpose()?;
    match &args.schedule {
        None => once(&Settings::new(cli, clock())?, ui, args, wait),
        Some(_) if cli.now.is_some_and(|n| n.0.is_some()) => Err(Failure::usage(
            "--schedule runs on the clock: leave out --now and FOLLOWUP_NOW (or run once with --now and no --schedule)",
        )),
        Some(expr) => scheduled(cli, ui, &clock, args, expr, wait),
    }
}

/// What a run issues: the actions in order (their places in the plan), and the
/// resolutions held back by the safety limit.
struct Issue {
    order: Vec<usize>,
    held: Vec<usize>,
    /// The auto-resolutions planned, written or held.
    resolutions: usize,
    limit: usize,
}

impl Issue {
    /// The safety limit: a broken export must not close the whole backlog overnight.
    fn new(heads: &[Head], planned: &[usize], limit: usize) -> Issue {
        let is_resolve = |&i: &usize| heads[i].kind == Kind::Resolve;
        let resolutions = planned.iter().filter(|i| is_resolve(i)).count();
        let (order, held): (Vec<usize>, Vec<usize>) = if resolutions > limit {
            planned.iter().partition(|i| !is_resolve(i))
        } else {
            (planned.to_vec(), Vec::new())
        };
        Issue {
            order,
            held,
            resolutions,
            limit,
        }
    }

    fn holds(&self) -> bool {
        !self.held.is_empty()
    }
}

/// One run for the settings' `now`. Everything it writes is staged in the day's folder,
/// the next ledger too, and publishing the folder commits the run: before it, a failure
/// leaves the previous state and exits 1; after it, the run's own exit code stands and
/// what is left to tidy is the next run's.
fn once(s: &Settings, ui: &Ui, args: &RunArgs, wait: Option<Duration>) -> Result<Code, Failure> {
    let started = Instant::now();
    let rules = &s.rules;
    let mode = Mode {
        file: rules.run.mode,
    };
    let date = local_date(s.now, rules.default_tz);
    let mut sel = s.select(&args.select, "24h");
    // Rejects go to the folder; the exit code still says some rows were rejected.
    sel.input.rejects = None;
    let dir = &args.out;
    let io_fail =
        |what: &str, e: std::io::Error| Failure::io(format!("{what} {}: {e}", dir.display()));
    files::create_dir_all(dir, mode).map_err(|e| io_fail("cannot create", e))?;
    let _lock = Lock::acquire(dir, wait, &s.now.to_rfc3339(), mode)?;
    folder::recover(dir).map_err(|e| io_fail("cannot tidy what an earlier run left in", e))?;
    let day = date.to_string();
    if let Some(problem) = folder::in_the_way(dir, &day) {
        return Err(Failure::io(problem));
    }
    let mut ledger = Ledger::load(dir)?;
    for w in &ledger.warnings {
        ui.warn(w);
    }
    let before = ledger.before(date)?;
    let drafter = drafter(s)?;

    let supply = |t: &mut Ticket| before.supply(t, rules);
    // The page's days: without levelling, each ticket is followed through them in the
    // plan's own read; with it, they are planned together, the export read for them first
    // (the page's tickets are gone by the time the plan's are kept).
    let report_days = rules.run.report_days;
    let follow = (report_days > 0 && !rules.levels()).then(|| Days::new(rules, s.now, report_days));
    let apart = match follow {
        None => team_page(s, ui, &sel, &supply)?,
        Some(_) => None,
    };
    if apart.is_some() {
        crate::files::give_back_freed_memory();
    }
    let (mut planned, mut code) = due_drafted_later(
        s,
        ui,
        &sel,
        Some(&drafter),
        &supply,
        Drafts::LaterByHeads,
        follow.as_ref(),
    )?;
    let page = match &follow {
        Some(span) => {
            let Followed { counts, standing } = std::mem::take(&mut planned.followed);
            let days = counts.into_days(span);
            let names = &sel.input.names;
            Some(super::report::compose(
                s,
                names,
                &days,
                standing,
                &planned.stats,
            ))
        }
        None => apart,
    };
    let read_done = started.elapsed();
    // The ledger is not needed while the drafts are written: what the read found of it
    // (the tickets it knows that the export has open) is kept, and the rest is read again
    // afterwards (the lock holds it as it was), so that a night's peak is the drafts' or
    // the ledger's, not both (on a large desk each weighs a hundred MB and more).
    let live = before.live();
    drop(before);
    drop(ledger);
    files::give_back_freed_memory();
    // Levelled actions are kept whole (levelling changes them after planning): their heads
    // are taken here.
    let heads = match std::mem::take(&mut planned.heads) {
        h if h.is_empty() => planned.actions.iter().map(|a| Head::of(a, 0)).collect(),
        h => h,
    };
    let keep = |a: &Action| sel.filters.keeps(a);
    let actions = if planned.actions.is_empty() {
        let remake = Remake {
            rules,
            now: s.now,
            horizon: sel.horizon,
            keep: &keep,
        };
        Actions::Heads(&heads, remake)
    } else {
        Actions::Whole(&planned.actions)
    };
    let limit = rules.run.max_resolutions as usize;
    let issue = Issue::new(&heads, &planned.order, limit);
    if issue.holds() {
        code = Code::Safety;
    }

    let staging = Staging::new(dir, &day, mode).map_err(|e| io_fail("cannot write in", e))?;
    let write = |name: &str,
                 body: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>|
     -> Result<(), Failure> {
        staging
            .write(name, body)
            .map_err(|e| io_fail(&format!("cannot write {name} in"), e))
    };
    let night = Night {
        s,
        issue: &issue,
        heads: &heads,
        drafting: Drafting {
            drafter: &drafter,
            rules,
            actions,
            tickets: &planned.tickets,
            threads: s.threads,
        },
        stats: &planned.stats,
    };
    write_issued(&night, &staging)?;
    write_held(&night, &write)?;
    write("rejects.csv", &|w| {
        output::rejects::write(w, &planned.stats.rejects, s.guard)
    })?;
    if let Some(page) = &page {
        write(super::report::PAGE, &|w| super::report::write(w, s, page))?;
    }
    // The tickets were kept for the actions and drafts only.
    drop(std::mem::take(&mut planned.tickets));
    files::give_back_freed_memory();
    // The ledger's side is made once the drafts are written, whose tickets and buffers it
    // would add to: a night's new entries weigh as much as a fifth of its actions.
    let issued: Vec<&Head> = issue.order.iter().map(|&i| &heads[i]).collect();
    let mut ledger = Ledger::load(dir)?;
    let met = ledger.before(date)?.meet(&issued);
    drop(issued);
    let repeats = met.repeats;
    let summary = Summary {
        date,
        within: &sel.within.text,
        inputs: &sel.input.names,
        stats: &planned.stats,
        issue: &issue,
        heads: &heads,
        repeats: &repeats,
        code,
    };
    // summary.json is written on a thread of its own while the ledger is made and written
    // (each takes a core for a few tenths of a second on a large night), and what is
    // written so far is synced on a third: the sync before publishing is then left with
    // the last few files.
    let next = std::thread::scope(|scope| {
        let synced = scope.spawn(|| {
            staging
                .sync()
                .map_err(|e| io_fail("cannot put the day's files on disk in", e))
        });
        let summarized = scope.spawn(|| write("summary.json", &|w| summary.write(w, s)));
        let ledgered = (|| {
            // What the archive lacks goes there before the ledger that no longer queues it.
            archive::append(dir, &ledger.to_archive(date), mode)
                .map_err(|e| io_fail("cannot append to the archive in", e))?;
            let next = ledger.next(date, met.fresh, &live, rules.run.keep_days);
            write(ledger::STAGED, &|w| next.write(w))?;
            Ok(next)
        })();
        let joined = |h: std::thread::ScopedJoinHandle<'_, Result<(), Failure>>| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        let summarized = joined(summarized);
        joined(synced).and(summarized).and(ledgered)
    })?;
    if pipeline::stopping() {
        return Err(Failure::io(
            "stopped by a signal before the day's folder was published: the previous outputs stand",
        ));
    }
    staging
        .publish()
        .map_err(|e| io_fail("cannot publish the day's folder in", e))?;

    // Committed: from here on, a failure is told and left to the next run.
    if let Err(e) = folder::settle_ledger(dir) {
        ui.warn(&format!(
            "{dir}/{day}/{} could not be moved to {dir}/{}: {e}; it is the ledger until the next run moves it",
            ledger::STAGED,
            ledger::FILE,
            dir = dir.display()
        ));
    }
    if issue.holds() {
        ui.error(&format!(
            "{} auto-resolutions exceed [run].max_resolutions = {}: held back in {}/{date}/resolutions.held.csv, not resolved; check the export (a lost reply column makes every ticket look abandoned), then raise the limit or resolve them by hand",
            issue.resolutions,
            issue.limit,
            dir.display()
        ));
    }
    let took = started.elapsed();
    // Timings differ from run to run, so they stay out of the day's folder, which must not.
    let logged = json!({
        "date": day,
        "now": s.now.to_rfc3339(),
        "rows": planned.stats.rows,
        "actions": issue.order.len(),
        "new_entries": next.added(),
        "exit_code": code as i32,
        "read_and_plan_ms": read_done.as_millis() as u64,
        "total_ms": took.as_millis() as u64,
    });
    if let Err(e) = log_run(dir, &logged, mode) {
        ui.warn(&format!(
            "cannot append to {}: {e}",
            dir.join(RUNS_LOG).display()
        ));
    }
    ui.say(&format!(
        "followup run {date}: {} rows, {} rejected, {} actions ({}; {} new), {} held; {}/{date} in {:.1}s",
        planned.stats.rows,
        planned.stats.rejects.len(),
        issue.order.len(),
        summary.kinds_said(),
        summary.new_count(),
        issue.held.len(),
        dir.display(),
        took.as_secs_f64()
    ));
    Ok(code)
}

/// The team lead's page of the day (`[run].report_days` ahead, 0 for none) when capacity is
/// levelled: the export read again, with what the ledger knows. Stdin cannot be read twice:
/// then there is no page.
fn team_page(
    s: &Settings,
    ui: &Ui,
    sel: &crate::settings::Selection,
    supply: &(dyn Fn(&mut Ticket) + Sync),
) -> Result<Option<crate::output::report::Page>, Failure> {
    let days = s.rules.run.report_days;
    if days == 0 {
        return Ok(None);
    }
    if sel
        .input
        .sources
        .iter()
        .any(|x| matches!(x, crate::input::Source::Stdin))
    {
        ui.warn("the export comes from stdin, which cannot be read twice, and capacity levelling reads it again for the page: no report.html today (give the export as a file, or set [run].report_days = 0)");
        return Ok(None);
    }
    let keep = |a: &Action| sel.filters.keeps(a);
    let (page, _) = super::report::page(s, &sel.input, &keep, days, supply)?;
    Ok(Some(page))
}

/// One line per run, appended: when it ran, what it did, how long it took.
const RUNS_LOG: &str = "runs.log";

fn log_run(dir: &std::path::Path, line: &serde_json::Value, mode: Mode) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = files::append(&dir.join(RUNS_LOG), mode)?;
    fault::point(RUNS_LOG)?;
    f.write_all(format!("{line}\n").as_bytes())
}

/// What a night writes of its actions: the settings, the issue, the actions' heads and how
/// to draft them, and what the read found.
struct Night<'n> {
    s: &'n Settings,
    issue: &'n Issue,
    heads: &'n [Head],
    drafting: Drafting<'n>,
    stats: &'n crate::input::Stats,
}

/// What a drafting thread makes of a part of the rows: the lines of `actions.csv`,
/// `actions.ndjson` and `resolutions.csv`, and the text of each draft file.
#[derive(Default)]
struct Made {
    csv: Vec<u8>,
    ndjson: Vec<u8>,
    resolutions: Vec<u8>,
    /// The draft files' texts one after another; `ends[i]` is where row `i`'s ends.
    texts: String,
    ends: Vec<usize>,
}

impl Made {
    fn texts(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.texts[a..b])
    }
}

/// `actions.csv`, `actions.ndjson`, `resolutions.csv` and the drafts (laid out as
/// `[run].drafts` says), in one pass over the issued actions: drafted (and, kept by their
/// heads, made again) a part at a time, so that memory holds the actions and drafts of the
/// few parts drafted ahead of the one written.
fn write_issued(night: &Night<'_>, staging: &Staging) -> Result<(), Failure> {
    let s = night.s;
    let fail = |what: &str| {
        let at = staging.path.display().to_string();
        let what = what.to_string();
        move |e: std::io::Error| Failure::io(format!("cannot write {what} in {at}: {e}"))
    };
    let layout = |format, drafts| Layout {
        format,
        drafts,
        guard: s.guard,
        width: None,
    };
    let (csv_layout, ndjson_layout) = (layout(Format::Csv, false), layout(Format::Ndjson, true));
    let mut csv = staging
        .create("actions.csv", false)
        .map_err(fail("actions.csv"))?;
    csv_layout
        .head(&mut csv.file)
        .map_err(fail("actions.csv"))?;
    let mut resolutions = staging
        .create("resolutions.csv", false)
        .map_err(fail("resolutions.csv"))?;
    let (id_col, status_col) = columns(night);
    output::resolutions::head(&mut resolutions.file, &id_col, &status_col)
        .map_err(fail("resolutions.csv"))?;
    let mut ndjson = staging
        .create("actions.ndjson", false)
        .map_err(fail("actions.ndjson"))?;
    let mut drafts = DraftFiles::new(night, staging).map_err(fail("drafts"))?;
    let files = drafts.layout != DraftLayout::None;
    // On the drafting threads: each row's lines and the text of its draft file.
    let work = |rows: &[Row<'_>]| -> std::io::Result<Made> {
        // Room for the lines as long as they come (about 1.6 KB, 360 B and 1.2 KB a row
        // on the bundled templates), so that they seldom grow and are copied.
        let mut made = Made {
            ndjson: Vec::with_capacity(rows.len() * 2048),
            csv: Vec::with_capacity(rows.len() * 512),
            texts: String::with_capacity(if files { rows.len() * 1536 } else { 0 }),
            ..Made::default()
        };
        ndjson_layout.lines(rows, &mut made.ndjson)?;
        csv_layout.lines(rows, &mut made.csv)?;
        let resolved: Vec<&Action> = rows
            .iter()
            .map(|r| r.action)
            .filter(|a| a.kind == Kind::Resolve)
            .collect();
        output::resolutions::rows(&mut made.resolutions, &resolved, s.guard)?;
        if files {
            made.ends.reserve(rows.len());
            for &row in rows {
                draft_files::text_onto(row, &mut made.texts);
                made.ends.push(made.texts.len());
            }
        }
        Ok(made)
    };
    pipeline::windows(
        &night.drafting,
        &night.issue.order,
        &work,
        &mut |rows, made| {
            use std::io::Write;
            csv.file.write_all(&made.csv).map_err(fail("actions.csv"))?;
            resolutions
                .file
                .write_all(&made.resolutions)
                .map_err(fail("resolutions.csv"))?;
            ndjson
                .file
                .write_all(&made.ndjson)
                .map_err(fail("actions.ndjson"))?;
            drafts.add(rows, made.texts()).map_err(fail("drafts"))
        },
    )?;
    csv.finish().map_err(fail("actions.csv"))?;
    resolutions.finish().map_err(fail("resolutions.csv"))?;
    ndjson.finish().map_err(fail("actions.ndjson"))?;
    drafts.finish().map_err(fail("drafts"))
}

/// The export's own names for the id and status columns, for the resolutions to import.
fn columns(night: &Night<'_>) -> (String, String) {
    let rules = &night.s.rules;
    (
        night.stats.column(rules, Field::Id),
        night.stats.column(rules, Field::Status),
    )
}

/// `resolutions.held.csv`, when the safety limit holds resolutions back: each made a
/// window at a time.
fn write_held(night: &Night<'_>, write: &WriteFile<'_>) -> Result<(), Failure> {
    if !night.issue.holds() {
        return Ok(());
    }
    let (id_col, status_col) = columns(night);
    let d = &night.drafting;
    let failed = std::cell::RefCell::new(None);
    let done = write("resolutions.held.csv", &|w| {
        output::resolutions::head(w, &id_col, &status_col)?;
        for window in night.issue.held.chunks(1024) {
            let made: Result<Vec<_>, Failure> = window
                .iter()
                .map(|&i| d.actions.get(i, &d.tickets[i]))
                .collect();
            let made = match made {
                Ok(m) => m,
                Err(f) => {
                    *failed.borrow_mut() = Some(f);
                    return Err(std::io::Error::other("an action could not be made again"));
                }
            };
            let refs: Vec<&Action> = made.iter().map(|a| a.as_ref()).collect();
            output::resolutions::rows(w, &refs, night.s.guard)?;
        }
        Ok(())
    });
    match failed.into_inner() {
        Some(f) => Err(f),
        None => done,
    }
}

/// The day's draft files, written as the drafted rows come.
struct DraftFiles<'s> {
    staging: &'s Staging,
    layout: DraftLayout,
    /// By assignee: the file's name, who it is for, how many drafts, how many written.
    assignees: HashMap<String, (String, String, usize, usize)>,
    open: HashMap<String, StagedFile>,
    names: draft_files::Names,
}

/// Files kept open at once; beyond, they are closed and appended to when needed again.
const OPEN_FILES: usize = 200;

impl<'s> DraftFiles<'s> {
    fn new(night: &Night<'_>, staging: &'s Staging) -> std::io::Result<DraftFiles<'s>> {
        let s = night.s;
        let layout = s.rules.run.drafts;
        if layout != DraftLayout::None {
            staging.folder("drafts")?;
        }
        let mut assignees = HashMap::new();
        if layout == DraftLayout::ByAssignee {
            let issued = night
                .issue
                .order
                .iter()
                .map(|&i| night.heads[i].assignee.as_str());
            for (id, (file, n)) in draft_files::assignee_files(issued) {
                let who = match s.rules.agent(id).and_then(|a| a.name.as_deref()) {
                    Some(name) if name != id => format!("{name} ({id})"),
                    _ => id.to_string(),
                };
                assignees.insert(id.to_string(), (format!("drafts/{file}"), who, n, 0));
            }
        }
        Ok(DraftFiles {
            staging,
            layout,
            assignees,
            open: HashMap::new(),
            names: draft_files::Names::default(),
        })
    }

    /// The rows' drafts, `texts` as `draft_files::text_onto` made them.
    fn add<'t>(
        &mut self,
        rows: &[Row<'_>],
        texts: impl Iterator<Item = &'t str>,
    ) -> std::io::Result<()> {
        match self.layout {
            DraftLayout::None => Ok(()),
            DraftLayout::PerAction => {
                for (row, text) in rows.iter().zip(texts) {
                    let name = self
                        .names
                        .unique(&draft_files::safe_file_name(&row.action.id()));
                    self.staging
                        .write(&format!("drafts/{name}"), |w| w.write_all(text.as_bytes()))?;
                }
                Ok(())
            }
            DraftLayout::ByAssignee => {
                for (&row, text) in rows.iter().zip(texts) {
                    let Some((file, who, n, done)) =
                        self.assignees.get_mut(row.action.assignee.as_str())
                    else {
                        continue;
                    };
                    if !self.open.contains_key(file.as_str()) {
                        if self.open.len() >= OPEN_FILES {
                            for (_, f) in self.open.drain() {
                                f.finish()?;
                            }
                        }
                        let mut f = self.staging.create(file, *done > 0)?;
                        if *done == 0 {
                            draft_files::assignee_head(&mut f.file, who, *n)?;
                        }
                        self.open.insert(file.clone(), f);
                    }
                    *done += 1;
                    if let Some(f) = self.open.get_mut(file.as_str()) {
                        draft_files::assignee_entry(&mut f.file, *done, *n, row, text)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn finish(mut self) -> std::io::Result<()> {
        let mut open: Vec<(String, StagedFile)> = self.open.drain().collect();
        open.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, f) in open {
            f.finish()?;
        }
        Ok(())
    }
}

/// A file of the day's folder, written whole.
type WriteFile<'a> = dyn Fn(&str, &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Failure>
    + 'a;

/// What `summary.json` says of a run.
struct Summary<'a> {
    date: chrono::NaiveDate,
    within: &'a str,
    inputs: &'a [String],
    stats: &'a crate::input::Stats,
    issue: &'a Issue,
    /// The heads of the plan's actions; whether the run before issued each issued one
    /// (`Met::repeats`, in the issue's order).
    heads: &'a [Head],
    repeats: &'a [bool],
    code: Code,
}

impl Summary<'_> {
    fn by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = [0; Kind::ALL.len()];
        for h in self.issued() {
            counts[Kind::ALL.iter().position(|k| *k == h.kind).unwrap_or(0)] += 1;
        }
        Kind::ALL.iter().map(|k| k.name()).zip(counts).collect()
    }

    /// "3 check_in, 23 strike", or "none".
    fn kinds_said(&self) -> String {
        let kinds: Vec<String> = self
            .by_kind()
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        }
    }

    fn issued(&self) -> impl Iterator<Item = &Head> {
        self.issue.order.iter().map(|&i| &self.heads[i])
    }

    /// How many actions the run before did not issue.
    fn new_count(&self) -> usize {
        self.repeats.iter().filter(|r| !**r).count()
    }

    /// The ids of the actions new (`repeated` false) or repeated, made as they are written:
    /// a night's ids would otherwise be held twice, as strings and as json.
    fn ids(&self, repeated: bool) -> Ids<'_> {
        Ids {
            summary: self,
            repeated,
        }
    }

    /// The file, streamed; its keys in the order of a json object's map (sorted).
    fn write(&self, w: &mut dyn std::io::Write, s: &Settings) -> std::io::Result<()> {
        let rules = &s.rules;
        let mut by_assignee: BTreeMap<&str, usize> = BTreeMap::new();
        for h in self.issued() {
            *by_assignee.entry(h.assignee.as_str()).or_default() += 1;
        }
        let written = self.issued().filter(|h| h.kind == Kind::Resolve).count();
        let file = SummaryFile {
            actions: self.issue.order.len(),
            by_assignee,
            by_kind: self.by_kind(),
            date: self.date.to_string(),
            exit_code: self.code as i32,
            inputs: self.inputs,
            new: self.ids(false),
            now: s.now.to_rfc3339(),
            repeated: self.ids(true),
            resolutions: Resolutions {
                held: self.issue.held.len(),
                max_resolutions: self.issue.limit,
                written,
            },
            rows_read: self.stats.rows,
            rows_rejected: self.stats.rejects.len(),
            rules: RulesFile {
                path: &rules.path,
                sha256: hex(&Sha256::digest(s.rules_text.as_bytes())),
            },
            timezone: rules.default_tz.name(),
            within: self.within,
        };
        serde_json::to_writer_pretty(&mut *w, &file)?;
        w.write_all(b"\n")
    }
}

/// `summary.json`, its fields in sorted order as a json map writes them.
#[derive(serde::Serialize)]
struct SummaryFile<'a> {
    actions: usize,
    by_assignee: BTreeMap<&'a str, usize>,
    by_kind: BTreeMap<&'static str, usize>,
    date: String,
    exit_code: i32,
    inputs: &'a [String],
    new: Ids<'a>,
    now: String,
    repeated: Ids<'a>,
    resolutions: Resolutions,
    rows_read: u64,
    rows_rejected: usize,
    rules: RulesFile<'a>,
    timezone: &'a str,
    within: &'a str,
}

#[derive(serde::Serialize)]
struct Resolutions {
    held: usize,
    max_resolutions: usize,
    written: usize,
}

#[derive(serde::Serialize)]
struct RulesFile<'a> {
    path: &'a str,
    sha256: String,
}

/// Action ids, new or repeated, written one by one.
struct Ids<'a> {
    summary: &'a Summary<'a>,
    repeated: bool,
}

impl serde::Serialize for Ids<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.summary
                .issued()
                .zip(self.summary.repeats)
                .filter(|(_, r)| **r == self.repeated)
                .map(|(h, _)| h.id()),
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stays running and runs at each time of the cron expression, in `[defaults].timezone`.
/// SIGINT or SIGTERM between runs ends it with 0; during a run, the run stops at its next
/// window of drafts (publishing nothing) and it ends with 1. The rules are read again for
/// each run, so an edited policy applies from the next run on.
fn scheduled(
    cli: &Cli,
    ui: &Ui,
    clock: &impl Fn() -> DateTime<Utc>,
    args: &RunArgs,
    expr: &str,
    wait: Option<Duration>,
) -> Result<Code, Failure> {
    let cron: croner::Cron = expr.parse().map_err(|e| {
        Failure::usage(format!("--schedule: \"{expr}\" is not a cron expression ({e}); write e.g. \"0 2 * * 1-5\" (02:00 Monday to Friday)"))
    })?;
    let tz = Settings::new(cli, clock())?.rules.default_tz;
    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Failure::io(format!("cannot handle signals: {e}")))?;
    }
    pipeline::stop_on(Arc::clone(&stop));
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
        let result = Settings::new(cli, clock()).and_then(|s| once(&s, ui, args, wait));
        let failed = result.is_err();
        if let Err(f) = result {
            ui.error(&f.message);
        }
        if stop.load(Ordering::SeqCst) {
            // A run the signal stopped published nothing: say so in the exit code.
            return Ok(if failed { Code::Failure } else { Code::Ok });
        }
    }
}
