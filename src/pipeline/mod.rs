//! The pipeline: the one room that starts threads. Rows are read and cut on one thread (in
//! order: ids are checked for repeats as read), parsed and planned on the others, merged,
//! levelled, drafted on every core, sorted on two, and written on two, in order. With one
//! thread everything runs on the caller's; the results do not depend on how many there are.

mod draft;
mod parse;
mod remake;
mod sort;
mod write;

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::mpsc::{self, TrySendError};

use chrono::{DateTime, Utc};
use compact_str::CompactString;

use crate::config::{Format, Rules};
use crate::drafts::Drafter;
use crate::engine::forecast::Followed;
use crate::engine::{self, Action, Head, Overload};
use crate::error::Failure;
use crate::input::{self, Chunk, Orders, Parsed, Parser, Source, Stats};
use crate::output::{Draft, Row};
use crate::ticket::{Packed, Ticket};

pub use draft::{Actions, Drafting, check as check_drafts, windows};
pub use remake::Remake;
pub use sort::order;
pub use write::{write, write_lines};

/// Set by SIGINT or SIGTERM under `run --schedule`: long work stops at its next window.
static STOP: std::sync::OnceLock<Arc<std::sync::atomic::AtomicBool>> = std::sync::OnceLock::new();

/// Makes `flag` the one long work checks (`stopping`).
pub fn stop_on(flag: Arc<std::sync::atomic::AtomicBool>) {
    let _ = STOP.set(flag);
}

/// Whether a signal asked the work to stop.
pub fn stopping() -> bool {
    STOP.get()
        .is_some_and(|f| f.load(std::sync::atomic::Ordering::SeqCst))
}

/// Threads for work spread over the cores (at most eight: beyond that the reading thread
/// cannot keep them busy).
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
}

/// What to plan: the rules, the instant and horizon, which actions to keep, and what to do
/// on the way.
pub struct Plan<'a> {
    pub rules: &'a Rules,
    pub now: DateTime<Utc>,
    pub horizon: DateTime<Utc>,
    /// The filters; applied after levelling, which counts every action of an agent's day.
    pub keep: &'a (dyn Fn(&Action) -> bool + Sync),
    /// Fills in facts before planning (the ledger of `run`).
    pub supply: &'a (dyn Fn(&mut Ticket) + Sync),
    /// Drafts every action kept, when given.
    pub drafter: Option<&'a Drafter>,
    /// Keeps the tickets for drafting later, a window at a time as the rows are written
    /// (`draft::windows`), instead of drafting every action now.
    pub later: bool,
    pub threads: usize,
    /// Told the rows read so far, from the reading thread.
    pub progress: &'a dyn Fn(u64),
    /// Whether to note every assignee before the filters (to tell an `--owner` that
    /// matches nobody).
    pub assignees: bool,
    /// Days ahead to follow each ticket through as it is read, the actions the filters keep
    /// counted (`forecast::follow`: only without levelling), for the day's page of `run`.
    pub follow: Option<&'a engine::forecast::Days>,
    /// Keeps each action by its head only (`Planned::heads`), to be made again from its
    /// ticket as it is written (`Remake`): with `later`, and only without levelling, which
    /// changes actions after they are planned.
    pub heads: bool,
}

/// A ticket kept for drafting: whole when drafted straight away, packed when drafting waits
/// for every action to be planned and written (a fifth of the memory).
#[derive(Clone, Debug)]
pub enum Kept {
    Whole(Arc<Ticket>),
    Packed(Packed),
}

impl Kept {
    pub fn ticket(&self) -> Result<Arc<Ticket>, String> {
        match self {
            Kept::Whole(t) => Ok(t.clone()),
            Kept::Packed(p) => p.unpack().map(Arc::new),
        }
    }
}

/// The actions due by the horizon that pass the filters, with their drafts, their order
/// (SPEC §7), and what the read and the levelling found. Memory holds the actions kept, not
/// the rows read.
pub struct Planned {
    /// In planning order; `order` lists them sorted.
    pub actions: Vec<Action>,
    /// One per action when drafted, else none.
    pub drafts: Vec<Draft>,
    /// One per action when drafting is left for later (`Plan::later`), else none.
    pub tickets: Vec<Kept>,
    pub order: Vec<usize>,
    pub stats: Stats,
    /// Agents over capacity after levelling.
    pub over: Vec<Overload>,
    /// Check-ins levelling moved past the horizon.
    pub moved_past: usize,
    /// Every assignee of the actions before the filters, when asked for.
    pub assignees: BTreeSet<CompactString>,
    /// The tickets followed through the days ahead, when asked for (`Plan::follow`).
    pub followed: Followed,
    /// The actions by their heads (`Plan::heads`), in planning order, `actions` then empty.
    pub heads: Vec<Head>,
}

impl Planned {
    /// The actions (and drafts) in the order of SPEC §7.
    pub fn rows(&self) -> Vec<Row<'_>> {
        self.order
            .iter()
            .map(|&i| Row {
                action: &self.actions[i],
                draft: self.drafts.get(i),
            })
            .collect()
    }

    /// How many actions are kept.
    pub fn kept(&self) -> usize {
        self.actions.len().max(self.heads.len())
    }

    /// The assignee of each action kept, and whether the action falls outside their hours.
    pub fn assignees_kept(&self) -> Box<dyn Iterator<Item = (&str, bool)> + '_> {
        if self.heads.is_empty() {
            Box::new(
                self.actions
                    .iter()
                    .map(|a| (a.assignee.as_str(), a.reason.outside_hours)),
            )
        } else {
            Box::new(
                self.heads
                    .iter()
                    .map(|h| (h.assignee.as_str(), h.outside_hours)),
            )
        }
    }
}

/// One chunk planned: its actions, for drafts their tickets, what parsing found, the
/// assignees of its actions before the filters (when asked for) and its tickets followed
/// through the days ahead (likewise).
type PlannedChunk = (
    Vec<Action>,
    Vec<Kept>,
    Parsed,
    BTreeSet<CompactString>,
    Followed,
    Vec<Head>,
);

/// Reads the export and plans it (SPEC §3–6), levels, drafts and sorts what is kept. One
/// function for the read: its threads, channels and closures share one scope.
pub fn plan(sources: &[Source], format: Option<Format>, p: &Plan<'_>) -> Result<Planned, Failure> {
    let rules = p.rules;
    let (orders, spooled) = settle(sources, rules, format, p.threads)?;
    let sources = spooled.as_deref().unwrap_or(sources);
    let orders = &orders;
    let levelling = rules.levels();
    let keep_tickets = p.drafter.is_some();
    let later = p.later;
    // What the planner threads share (the progress callback stays on this thread).
    let (supply, filter, now, horizon, follow) = (p.supply, p.keep, p.now, p.horizon, p.follow);
    let note_assignees = p.assignees && !levelling;
    debug_assert!(p.follow.is_none() || !levelling);
    let by_heads = p.heads && later && keep_tickets && !levelling;
    let plan_chunk = |chunk: Chunk, parser: &Parser<'_>| -> PlannedChunk {
        // Room for an action for every other row, so that the vector seldom grows; tickets
        // plan straight into it (kept by their heads, it holds one ticket's at a time).
        let mut actions = Vec::with_capacity(if by_heads { 8 } else { chunk.len() / 2 });
        let mut heads = Vec::new();
        let mut tickets = Vec::new();
        let mut parsed = Parsed::default();
        let mut assignees = BTreeSet::new();
        let mut followed = Followed::default();
        chunk.tickets(parser, &mut parsed, &mut |mut t| {
            supply(&mut t);
            if let Some(days) = follow {
                followed.add(&t, rules, now, days, filter);
            }
            let before = actions.len();
            let seen = note_assignees.then_some(&mut assignees);
            remake::due_kept(&t, rules, now, horizon, filter, &mut actions, seen);
            if keep_tickets && actions.len() > before {
                let shared = if later {
                    Kept::Packed(Packed::of(&t))
                } else {
                    Kept::Whole(Arc::new(*t))
                };
                tickets.extend((before..actions.len()).map(|_| shared.clone()));
            }
            if by_heads {
                heads.extend(
                    actions
                        .drain(before..)
                        .enumerate()
                        .map(|(slot, a)| Head::of(&a, slot)),
                );
            }
        });
        (actions, tickets, parsed, assignees, followed, heads)
    };
    let mut actions: Vec<Action> = Vec::new();
    let mut heads: Vec<Head> = Vec::new();
    let mut tickets: Vec<Kept> = Vec::new();
    let mut found = Parsed::default();
    let mut assignees = BTreeSet::new();
    let mut followed = Followed::default();
    // Planned chunks join one vector as they come: no second copy of a million actions.
    let mut keep = |(a, t, f, seen, days, h): PlannedChunk| {
        actions.extend(a);
        tickets.extend(t);
        found.merge(f);
        assignees.extend(seen);
        followed.merge(days);
        heads.extend(h);
    };
    let mine_parser = Parser::new(rules, keep_tickets, orders);
    let mut rows = 0u64;
    // The reading thread plans too, whenever the planners have enough to do: one planner
    // fewer than cores, so that no thread waits for a core.
    let planners = p.threads.saturating_sub(1);
    let (to_plan, chunks) = mpsc::sync_channel::<Chunk>(planners.max(1) * 2);
    let chunks = std::sync::Mutex::new(chunks);
    let (to_keep, planned) = mpsc::channel::<PlannedChunk>();
    let (stats, mine) = std::thread::scope(|scope| -> Result<_, Failure> {
        let workers: Vec<_> = (0..planners)
            .map(|_| {
                let to_keep = to_keep.clone();
                let (chunks, plan_chunk) = (&chunks, &plan_chunk);
                scope.spawn(move || {
                    let parser = Parser::new(rules, keep_tickets, orders);
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
        let read = parse::with_parsers(rules, keep_tickets, orders, p.threads, |parse| {
            input::read_rows(
                sources,
                rules,
                format,
                keep_tickets,
                orders,
                parse,
                |chunk| {
                    rows += chunk.len() as u64;
                    (p.progress)(rows);
                    if planners == 0 {
                        keep(plan_chunk(chunk, &mine_parser));
                        return Ok(());
                    }
                    match to_plan.try_send(chunk) {
                        Ok(()) | Err(TrySendError::Disconnected(_)) => {}
                        // Its rows are in this core's cache: planned here, they stay there.
                        Err(TrySendError::Full(chunk)) => keep(plan_chunk(chunk, &mine_parser)),
                    }
                    while let Ok(done) = planned.try_recv() {
                        keep(done);
                    }
                    Ok(())
                },
            )
        });
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
    let stats = found.close(stats, &rules.input, orders)?;
    // Planners finish in any order; levelling does not depend on it, and the order is
    // sorted.
    let mut planned = finish(p, actions, tickets, stats, assignees, heads)?;
    planned.followed = followed;
    Ok(planned)
}

/// Levelling, filters, drafts and the order, once every action is planned.
fn finish(
    p: &Plan<'_>,
    mut actions: Vec<Action>,
    mut tickets: Vec<Kept>,
    stats: Stats,
    mut assignees: BTreeSet<CompactString>,
    mut heads: Vec<Head>,
) -> Result<Planned, Failure> {
    let (mut over, mut moved_past) = (Vec::new(), 0);
    // Planning kept only what is due, and without capacities nothing moves: no pass over
    // every action is needed.
    if p.rules.levels() {
        over = engine::level(&mut actions, p.rules, p.now);
        moved_past = actions
            .iter()
            .filter(|a| a.moved_from.is_some() && !a.is_due(p.horizon))
            .count();
        if p.assignees {
            assignees.extend(actions.iter().map(|a| a.assignee.clone()));
        }
        let keep: Vec<bool> = actions
            .iter()
            .map(|a| a.is_due(p.horizon) && (p.keep)(a))
            .collect();
        engine::retain_by(&mut actions, &keep);
        if !tickets.is_empty() {
            engine::retain_by(&mut tickets, &keep);
        }
    }
    let (drafts, mut tickets) = match p.drafter {
        Some(_) if p.later => (Vec::new(), tickets),
        Some(d) => (
            draft::all(d, p.rules, &actions, tickets, p.threads)?,
            Vec::new(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    // Held until the outputs are written: without the room their growth left.
    actions.shrink_to_fit();
    tickets.shrink_to_fit();
    heads.shrink_to_fit();
    // The order only: moving every action into it is memory-bound work that an output
    // written through the order does not need.
    let order = if heads.is_empty() {
        order(&actions, p.threads)
    } else {
        order(&heads, p.threads)
    };
    Ok(Planned {
        actions,
        drafts,
        tickets,
        order,
        stats,
        over,
        moved_past,
        assignees,
        followed: Followed::default(),
        heads,
    })
}

/// The forecast's days (`engine::forecast::simulate`), each day's tickets planned on
/// `threads` threads in slices, in order: the same days as on one.
pub fn simulate(
    tickets: &mut [Packed],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    keep: &dyn Fn(&Action) -> bool,
    threads: usize,
) -> Result<Vec<engine::forecast::Day>, Failure> {
    let plan = |tickets: &[&Packed], now, horizon, done: Option<&HashSet<String>>| {
        let per = tickets.len().div_ceil(threads.max(1)).max(1);
        // Small days are planned here: a thread costs more than they do.
        if threads <= 1 || tickets.len() < 4096 {
            return engine::forecast::due_all(tickets, rules, now, horizon, done);
        }
        std::thread::scope(|scope| {
            let parts: Vec<_> = tickets
                .chunks(per)
                .map(|part| {
                    scope.spawn(move || engine::forecast::due_all(part, rules, now, horizon, done))
                })
                .collect();
            let mut all = engine::forecast::DayPlan::default();
            for p in parts {
                // Planning panics only by a bug: the panic goes on as on one thread.
                all.extend(p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?);
            }
            Ok(all)
        })
    };
    engine::forecast::simulate_with(tickets, rules, now, days, keep, &plan).map_err(Failure::io)
}

/// What a forecast reads and plans: the export, and the days ahead.
pub struct Ahead<'a> {
    pub sources: &'a [Source],
    pub format: Option<Format>,
    pub rules: &'a Rules,
    pub threads: usize,
    pub now: DateTime<Utc>,
    pub days: u32,
    /// The actions the days count.
    pub keep: &'a (dyn Fn(&Action) -> bool + Sync),
    /// What the ledger knows of a ticket, filled in as it is read (for `run`).
    pub supply: &'a (dyn Fn(&mut Ticket) + Sync),
}

/// The forecast of the export's days ahead, each ticket read also handed to `add` (with
/// what its share of the tickets adds up, given to `merge`). Without levelling each ticket
/// is followed through the days as it is read (`forecast::follow`), and none is held; with
/// it, the tickets a day can change are held, packed, and the days simulated together.
pub fn forecast<A: Default + Send>(
    ahead: &Ahead<'_>,
    add: &(dyn Fn(&Ticket, &mut A) + Sync),
    mut merge: impl FnMut(A),
) -> Result<(Vec<engine::forecast::Day>, Stats), Failure> {
    use engine::forecast::{Counts, Days, follow, matters};
    let Ahead {
        rules, now, days, ..
    } = *ahead;
    let span = Days::new(rules, now, days);
    let apart = !rules.levels();
    let mut counts = Counts::default();
    let (mut kept, stats) = read_kept(
        ahead.sources,
        rules,
        ahead.format,
        ahead.threads,
        false,
        ahead.supply,
        &|t, (mine, c): &mut (A, Counts)| {
            add(t, mine);
            if apart {
                follow(t, rules, &span, ahead.keep, c);
                false
            } else {
                matters(t, rules, now, days)
            }
        },
        |(mine, c)| {
            merge(mine);
            counts.merge(c);
        },
    )?;
    let days = if apart {
        counts.into_days(&span)
    } else {
        simulate(&mut kept, rules, now, days, ahead.keep, ahead.threads)?
    };
    Ok((days, stats))
}

/// Reads every source as one export and hands each accepted ticket to `sink`, in order:
/// NDJSON lines and event log rows are parsed on every core, CSV rows on this thread.
pub fn read(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    threads: usize,
    sink: impl FnMut(Ticket),
) -> Result<Stats, Failure> {
    read_texts(sources, rules, format, threads, true, sink)
}

/// `read`; without `texts`, the tickets keep only what planning reads (no subjects,
/// names, notes or unmapped columns), for work that holds many and drafts none.
pub fn read_texts(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    threads: usize,
    texts: bool,
    sink: impl FnMut(Ticket),
) -> Result<Stats, Failure> {
    let (orders, spooled) = settle(sources, rules, format, threads)?;
    let sources = spooled.as_deref().unwrap_or(sources);
    parse::with_parsers(rules, texts, &orders, threads, |parse| {
        input::read_with(sources, rules, format, texts, &orders, parse, sink)
    })
}

/// `read_texts`, keeping the tickets `judge` wants, packed: each ticket is judged (and
/// packed) on one of `threads` cores, a batch at a time, with the share's `A` (what the
/// judging adds up, given to `merge`). The tickets kept are in reading order.
#[allow(clippy::too_many_arguments)]
pub fn read_kept<A: Default + Send>(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    threads: usize,
    texts: bool,
    supply: &(dyn Fn(&mut Ticket) + Sync),
    judge: &(dyn Fn(&Ticket, &mut A) -> bool + Sync),
    mut merge: impl FnMut(A),
) -> Result<(Vec<Packed>, Stats), Failure> {
    const BATCH: usize = 8192;
    let mut kept = Vec::new();
    let mut batch: Vec<Ticket> = Vec::with_capacity(BATCH);
    let mut judge_batch = |batch: &mut Vec<Ticket>, kept: &mut Vec<Packed>| {
        let per = batch.len().div_ceil(threads.max(1)).max(1);
        let share = |part: &[Ticket]| {
            let mut a = A::default();
            let keep: Vec<Packed> = part
                .iter()
                .filter(|t| judge(t, &mut a))
                .map(Packed::of)
                .collect();
            (a, keep)
        };
        let judged: Vec<(A, Vec<Packed>)> = if threads <= 1 || batch.len() < 2 * 1024 {
            vec![share(batch)]
        } else {
            std::thread::scope(|scope| {
                let running: Vec<_> = batch
                    .chunks(per)
                    .map(|part| scope.spawn(move || share(part)))
                    .collect();
                running
                    .into_iter()
                    // Judging panics only by a bug: the panic goes on as on one thread.
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        for (a, keep) in judged {
            merge(a);
            kept.extend(keep);
        }
        batch.clear();
    };
    let stats = read_texts(sources, rules, format, threads, texts, |mut t| {
        supply(&mut t);
        batch.push(t);
        if batch.len() == BATCH {
            judge_batch(&mut batch, &mut kept);
        }
    })?;
    judge_batch(&mut batch, &mut kept);
    Ok((kept, stats))
}

/// When the rules read day and month both ways round (`%d/%m/%Y` and `%m/%d/%Y`), the
/// export is read once first for what each column's values settle, so that every value of
/// a column is read in one order (a row that contradicts it is rejected saying so). Stdin,
/// read twice, is held in memory for it (given back as the sources to read).
fn settle(
    sources: &[Source],
    rules: &Rules,
    format: Option<Format>,
    threads: usize,
) -> Result<(Orders, Option<Vec<Source>>), Failure> {
    if !input::both_ways(&input::Values::new(&rules.input).listed) {
        return Ok((Vec::new(), None));
    }
    let stdin = [Source::Stdin];
    let given = if sources.is_empty() {
        &stdin[..]
    } else {
        sources
    };
    let spooled = given
        .iter()
        .any(|s| matches!(s, Source::Stdin))
        .then(|| {
            given
                .iter()
                .map(|s| match s {
                    Source::Stdin => {
                        let mut bytes = Vec::new();
                        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                            .map(|_| Source::Bytes("<stdin>".into(), bytes))
                            .map_err(|e| Failure::io(format!("cannot read <stdin>: {e}")))
                    }
                    other => Ok(other.clone()),
                })
                .collect::<Result<Vec<_>, Failure>>()
        })
        .transpose()?;
    let read_from = spooled.as_deref().unwrap_or(given);
    let none = input::NO_ORDERS.clone();
    let stats = parse::with_parsers(rules, false, &none, threads, |parse| {
        input::read_with(read_from, rules, format, false, &none, parse, |_| {})
    })?;
    Ok((stats.settled, spooled))
}
