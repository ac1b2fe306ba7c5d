//! `explain`: one ticket, every value computed, the decision and why.

use super::write_stdout;
use crate::cli::{ExplainArgs, Length};
use crate::config::Dedupe;
use crate::engine::{self, Action};
use crate::error::{Code, Failure};
use crate::input::Reject;
use crate::output::explain;
use crate::pipeline;
use crate::settings::{Input, Settings};
use crate::ticket::Ticket;
use crate::ui::Ui;

pub(super) fn explain(s: &Settings, ui: &Ui, args: &ExplainArgs) -> Result<Code, Failure> {
    let rules = &s.rules;
    let now = s.now;
    let horizon = s.horizon(&args.within.clone().unwrap_or_else(|| Length::of("0h")));
    let input = Input::new(&args.input);
    super::tell_if_terminal(ui, &input);
    let mut found: Option<Ticket> = None;
    let mut ids: Vec<String> = Vec::new();
    // With capacities, where an action lands depends on every other ticket's actions.
    let levelling = rules.levels();
    let mut all_due: Vec<Action> = Vec::new();
    let stats = pipeline::read(&input.sources, rules, input.format, s.threads, |t| {
        if levelling {
            all_due.extend(engine::due(&t, rules, now, horizon));
        }
        if t.id == args.ticket_id {
            found = Some(t);
        } else if found.is_none() {
            ids.push(t.id.to_string());
        }
    })?;
    let rejected: Vec<&Reject> = stats
        .rejects
        .iter()
        .filter(|r| r.ticket_id.as_deref() == Some(args.ticket_id.as_str()))
        .collect();
    let Some(ticket) = found else {
        if !rejected.is_empty() {
            let event_log = rules.input.dedupe == Dedupe::Last;
            write_stdout(|w| {
                explain::write_rejected(w, &args.ticket_id, &rejected, event_log, args.format)
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
    let mut eval = engine::evaluate(&ticket, rules, now, horizon, true);
    if levelling {
        engine::level(&mut all_due, rules, now);
        for moved in all_due
            .into_iter()
            .filter(|a| a.ticket_id == ticket.id && a.moved_from.is_some())
        {
            if let Some(a) = eval.actions.iter_mut().find(|a| a.id() == moved.id()) {
                *a = moved;
            }
        }
    }
    let explained = explain::Explained {
        ticket: &ticket,
        rules,
        eval: &eval,
        now,
        horizon,
    };
    write_stdout(|w| explain::write(w, &explained, args.format))?;
    Ok(Code::Ok)
}
