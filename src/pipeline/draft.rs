//! Drafting on every core: each thread drafts a share of the actions, in order; all at
//! once (`all`), or a part at a time as the rows are written (`windows`), so that memory
//! holds the few parts drafted ahead of the one written.

use super::Kept;
use super::remake::Remake;
use crate::config::Rules;
use crate::drafts::Drafter;
use crate::engine::{Action, Head};
use crate::error::Failure;
use crate::output::{Draft, Row};

/// The draft of every action, in the actions' order; `tickets[i]` is the ticket of
/// `actions[i]`. Each share owns its tickets: a ticket is freed once its last action is
/// drafted, not after every draft exists.
pub fn all(
    d: &Drafter,
    rules: &Rules,
    actions: &[Action],
    mut tickets: Vec<Kept>,
    threads: usize,
) -> Result<Vec<Draft>, Failure> {
    let share = actions.len().div_ceil(threads.max(1)).max(1);
    let mut shares: Vec<Vec<Kept>> = Vec::new();
    while tickets.len() > share {
        let rest = tickets.split_off(share);
        shares.push(std::mem::replace(&mut tickets, rest));
    }
    shares.push(tickets);
    let draft_share = |acts: &[Action], ts: Vec<Kept>| {
        let mut drafts = Vec::with_capacity(acts.len());
        let mut failed = Vec::new();
        for (a, t) in acts.iter().zip(ts) {
            match t.ticket().and_then(|t| d.render(a, &t, rules)) {
                Ok(draft) => drafts.push(draft),
                Err(e) => failed.push(format!("{}: {e}", a.id())),
            }
        }
        (drafts, failed)
    };
    let done: Vec<(Vec<Draft>, Vec<String>)> = if shares.len() <= 1 {
        vec![draft_share(actions, shares.pop().unwrap_or_default())]
    } else {
        std::thread::scope(|scope| {
            let drafting: Vec<_> = actions
                .chunks(share)
                .zip(shares)
                .map(|(acts, ts)| scope.spawn(move || draft_share(acts, ts)))
                .collect();
            drafting
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        (Vec::new(), vec!["a drafting thread failed".to_string()])
                    })
                })
                .collect()
        })
    };
    let mut drafts = Vec::with_capacity(actions.len());
    let mut failed = Vec::new();
    for (d, f) in done {
        drafts.extend(d);
        failed.extend(f);
    }
    said(&failed)?;
    Ok(drafts)
}

/// The drafts that could not be rendered, in the actions' order, as a failure.
fn said(failed: &[String]) -> Result<(), Failure> {
    match failed.first() {
        Some(first) => Err(Failure::usage(format!(
            "{} draft{} could not be rendered; the first: {first}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        ))),
        None => Ok(()),
    }
}

/// Renders the draft of every action on every core, keeping none, and fails as `all` does
/// when some cannot be rendered: run before the first line of drafts drafted a part at a
/// time is written, so that a draft failing on one ticket stops the output before it starts.
pub fn check(drafting: &Drafting<'_>) -> Result<(), Failure> {
    let n = drafting.actions.count();
    let share = n.div_ceil(drafting.threads.max(1)).max(1);
    let check_share = |from: usize| {
        let to = (from + share).min(n);
        (from..to)
            .filter_map(|i| {
                let ticket = &drafting.tickets[i];
                let rendered = drafting.actions.get(i, ticket).and_then(|a| {
                    ticket
                        .ticket()
                        .and_then(|t| drafting.drafter.render(&a, &t, drafting.rules))
                        .map_err(|e| Failure::usage(format!("{}: {e}", a.id())))
                });
                rendered.err().map(|f| f.message)
            })
            .collect::<Vec<String>>()
    };
    let starts: Vec<usize> = (0..n).step_by(share).collect();
    let failed: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = starts
            .iter()
            .map(|&from| scope.spawn(move || check_share(from)))
            .collect();
        running
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a drafting thread failed".to_string()])
            })
            .collect()
    });
    said(&failed)
}

/// The actions to draft: whole, or by their heads, each made again from its ticket as it
/// is drafted.
#[derive(Clone, Copy)]
pub enum Actions<'a> {
    Whole(&'a [Action]),
    Heads(&'a [Head], Remake<'a>),
}

impl Actions<'_> {
    pub fn count(&self) -> usize {
        match self {
            Actions::Whole(a) => a.len(),
            Actions::Heads(h, _) => h.len(),
        }
    }

    /// The `i`th action, `ticket` its ticket.
    pub fn get(&self, i: usize, ticket: &Kept) -> Result<std::borrow::Cow<'_, Action>, Failure> {
        match self {
            Actions::Whole(a) => Ok(std::borrow::Cow::Borrowed(&a[i])),
            Actions::Heads(h, remake) => remake.action(&h[i], ticket).map(std::borrow::Cow::Owned),
        }
    }
}

/// What drafting a plan's rows takes: the drafter, the rules, the plan's actions and their
/// tickets, and the threads to draft on.
#[derive(Clone, Copy)]
pub struct Drafting<'a> {
    pub drafter: &'a Drafter,
    pub rules: &'a Rules,
    pub actions: Actions<'a>,
    pub tickets: &'a [Kept],
    pub threads: usize,
}

/// A part drafted: its drafts, its actions when made again, and what `Work`
/// made of them.
type Drafted<T> = Result<(Vec<Draft>, Vec<Action>, T), Failure>;

/// What a drafting thread makes of a part's drafted rows.
pub type Work<'a, T> = dyn Fn(&[Row<'_>]) -> std::io::Result<T> + Sync + 'a;
/// What takes each share's rows and what was made of them, in order.
pub type Take<'a, T> = dyn FnMut(&[Row<'_>], T) -> Result<(), Failure> + 'a;

/// Drafts the actions `order` lists (indices into `actions` and `tickets`), a part at a
/// time: `threads` threads each take the next part not yet taken, draft it and hand its
/// rows, drafted, to `work` (rendering their lines, say); `take` then gets each part's rows
/// and what `work` made of them, in order, on this thread. A few parts are drafted ahead of
/// the one taken, so that memory holds those only, and no thread waits on another as long
/// as there is a part to draft.
pub fn windows<T: Send>(
    drafting: &Drafting<'_>,
    order: &[usize],
    work: &Work<'_, T>,
    take: &mut Take<'_, T>,
) -> Result<(), Failure> {
    // Rows a part: small enough that the threads finish close together, large enough that
    // handing parts over costs nothing beside drafting them.
    const PART: usize = 256;
    let Drafting {
        drafter: d,
        rules,
        actions,
        tickets,
        threads,
    } = *drafting;
    let threads = threads.max(1);
    // A part's rows: its actions whole (`remade` empty) or made again.
    fn rows_of<'r>(
        actions: Actions<'r>,
        part: &[usize],
        remade: &'r [Action],
        drafts: &'r [Draft],
    ) -> Vec<Row<'r>> {
        part.iter()
            .enumerate()
            .zip(drafts)
            .map(|((k, &i), draft)| Row {
                action: match actions {
                    Actions::Whole(a) => &a[i],
                    Actions::Heads(..) => &remade[k],
                },
                draft: Some(draft),
            })
            .collect()
    }
    let share = |part: &[usize]| -> Drafted<T> {
        if super::stopping() {
            return Err(stopped());
        }
        let mut remade = Vec::new();
        let mut drafts = Vec::with_capacity(part.len());
        for &i in part {
            // A ticket that does not unpack is a fault of ours, not of the templates.
            let t = tickets[i].ticket().map_err(Failure::io)?;
            // Kept by its head, the action is made again from the ticket unpacked for it.
            let a = match actions {
                Actions::Whole(a) => &a[i],
                Actions::Heads(heads, remake) => {
                    remade.push(remake.from_ticket(&heads[i], &t)?);
                    &remade[remade.len() - 1]
                }
            };
            let draft = d.render(a, &t, rules).map_err(|e| {
                Failure::usage(format!("a draft could not be rendered: {}: {e}", a.id()))
            })?;
            drafts.push(draft);
        }
        let rows = rows_of(actions, part, &remade, &drafts);
        let made =
            work(&rows).map_err(|e| Failure::io(format!("cannot write the drafted rows: {e}")))?;
        drop(rows);
        Ok((drafts, remade, made))
    };
    let parts: Vec<&[usize]> = order.chunks(PART).collect();
    if threads == 1 {
        for part in &parts {
            let (drafts, remade, made) = share(part)?;
            take(&rows_of(actions, part, &remade, &drafts), made)?;
        }
        return Ok(());
    }
    let ahead = 4 * threads;
    let queue = Queue::new();
    let drafter = || {
        while let Some(p) = queue.claim(parts.len(), ahead) {
            // A panic drafting a part fails the run, as an error of ours, and lets the
            // taker (waiting for this part) go on to say so.
            let drafted =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| share(parts[p])))
                    .unwrap_or_else(|_| Err(Failure::io("a drafting thread failed")));
            queue.hand(p, drafted);
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(drafter);
        }
        // Done, failed or unwinding, the drafting threads stop at their next part (the
        // scope waits for them).
        let _ending = Ending(&queue);
        for (p, part) in parts.iter().enumerate() {
            let (drafts, remade, made) = queue.next_done(p)?;
            take(&rows_of(actions, part, &remade, &drafts), made)?;
        }
        Ok(())
    })
}

/// Ends the queue when dropped.
struct Ending<'q, T>(&'q Queue<T>);

impl<T> Drop for Ending<'_, T> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// The parts of a plan's rows between the drafting threads and the taker.
struct Queue<T> {
    state: std::sync::Mutex<Parts<T>>,
    changed: std::sync::Condvar,
}

struct Parts<T> {
    /// The next part to draft.
    next: usize,
    /// The parts taken so far.
    taken: usize,
    /// Set when the taker is done (or failed): no more parts are drafted.
    over: bool,
    /// Parts drafted and not yet taken, by number.
    done: std::collections::BTreeMap<usize, Drafted<T>>,
}

impl<T> Queue<T> {
    fn new() -> Queue<T> {
        Queue {
            state: std::sync::Mutex::new(Parts {
                next: 0,
                taken: 0,
                over: false,
                done: std::collections::BTreeMap::new(),
            }),
            changed: std::sync::Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Parts<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next part of `n` to draft, once fewer than `ahead` are drafted ahead of the
    /// taker; `None` when there is none left, or the taker is over.
    fn claim(&self, n: usize, ahead: usize) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.over || s.next >= n {
                return None;
            }
            if s.next < s.taken + ahead {
                s.next += 1;
                return Some(s.next - 1);
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn hand(&self, p: usize, drafted: Drafted<T>) {
        self.lock().done.insert(p, drafted);
        self.changed.notify_all();
    }

    /// Part `p` drafted, waiting for it.
    fn next_done(&self, p: usize) -> Drafted<T> {
        let mut s = self.lock();
        let drafted = loop {
            if let Some(d) = s.done.remove(&p) {
                break d;
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        };
        s.taken = p + 1;
        drop(s);
        self.changed.notify_all();
        drafted
    }

    fn end(&self) {
        self.lock().over = true;
        self.changed.notify_all();
    }
}

fn stopped() -> Failure {
    Failure::io(
        "stopped by a signal while drafting, before the day's folder was published: the previous outputs stand",
    )
}
