//! Drafting on every core: each thread drafts a share of the actions, in order; all at
//! once (`all`), or a window at a time as the rows are written (`windows`), so that memory
//! holds one window's drafts.

use std::sync::Arc;

use crate::config::Rules;
use crate::drafts::Drafter;
use crate::engine::Action;
use crate::error::Failure;
use crate::output::{Draft, Row};
use crate::ticket::Ticket;

/// The draft of every action, in the actions' order; `tickets[i]` is the ticket of
/// `actions[i]`. Each share owns its tickets: a ticket is freed once its last action is
/// drafted, not after every draft exists.
pub fn all(
    d: &Drafter,
    rules: &Rules,
    actions: &[Action],
    mut tickets: Vec<Arc<Ticket>>,
    threads: usize,
) -> Result<Vec<Draft>, Failure> {
    let share = actions.len().div_ceil(threads.max(1)).max(1);
    let mut shares: Vec<Vec<Arc<Ticket>>> = Vec::new();
    while tickets.len() > share {
        let rest = tickets.split_off(share);
        shares.push(std::mem::replace(&mut tickets, rest));
    }
    shares.push(tickets);
    let draft_share = |acts: &[Action], ts: Vec<Arc<Ticket>>| {
        let mut drafts = Vec::with_capacity(acts.len());
        let mut failed = Vec::new();
        for (a, t) in acts.iter().zip(ts) {
            match d.render(a, &t, rules) {
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
    if let Some(first) = failed.first() {
        return Err(Failure::usage(format!(
            "{} draft{} could not be rendered; the first: {first}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(drafts)
}

/// Drafts the actions `order` lists (indices into `actions` and `tickets`), a window at a
/// time on `threads` threads, and hands each window's rows, drafted, to `f` in order.
pub fn windows(
    d: &Drafter,
    rules: &Rules,
    actions: &[Action],
    tickets: &[Arc<Ticket>],
    order: &[usize],
    threads: usize,
    f: &mut dyn FnMut(&[Row<'_>]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    const WINDOW: usize = 4096;
    let threads = threads.max(1);
    let draft = |part: &[usize]| -> Result<Vec<Draft>, Failure> {
        part.iter()
            .map(|&i| {
                d.render(&actions[i], &tickets[i], rules).map_err(|e| {
                    Failure::usage(format!(
                        "a draft could not be rendered: {}: {e}",
                        actions[i].id()
                    ))
                })
            })
            .collect()
    };
    for window in order.chunks(WINDOW) {
        let share = window.len().div_ceil(threads).max(1);
        let drafts: Vec<Draft> = if threads == 1 || window.len() < 64 {
            draft(window)?
        } else {
            let parts: Vec<Result<Vec<Draft>, Failure>> = std::thread::scope(|scope| {
                let drafting: Vec<_> = window
                    .chunks(share)
                    .map(|part| scope.spawn(move || draft(part)))
                    .collect();
                drafting
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err(Failure::io("a drafting thread failed")))
                    })
                    .collect()
            });
            let mut all = Vec::with_capacity(window.len());
            for p in parts {
                all.extend(p?);
            }
            all
        };
        let rows: Vec<Row<'_>> = window
            .iter()
            .zip(&drafts)
            .map(|(&i, draft)| Row {
                action: &actions[i],
                draft: Some(draft),
            })
            .collect();
        f(&rows)?;
    }
    Ok(())
}
