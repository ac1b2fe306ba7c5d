//! `replay`: a policy tried on a desk's event log before it touches a customer. Each night
//! of the range is planned as `run` would have planned it on the log as it stood then,
//! in memory; nothing is written but the report.

use chrono::{NaiveDate, TimeDelta};

use super::{out_format, report_read, tell_if_terminal, write_stdout};
use crate::cli::{ReplayArgs, ReplayBy};
use crate::config::{Dedupe, Rules};
use crate::engine::replay::{Knows, Log, Replayed, Totals, replay as replay_nights};
use crate::error::{Code, Failure};
use crate::output::Format;
use crate::output::replay::{Report, Side};
use crate::pipeline;
use crate::settings::{Input, Settings, load_other};
use crate::ticket::Field;
use crate::time::{days_after, fmt_minutes, local_instant};
use crate::ui::Ui;

/// The longest range replayed: ten years of nights.
const MAX_NIGHTS: i64 = 3660;

/// Each night plans what `run` plans: what is due within a day.
const WITHIN_HOURS: i64 = 24;

pub(super) fn within() -> TimeDelta {
    TimeDelta::hours(WITHIN_HOURS)
}

pub(super) fn replay(mut s: Settings, ui: &Ui, args: &ReplayArgs) -> Result<Code, Failure> {
    let tz = s.rules.default_tz;
    let nights = nights(args.from, args.to, args.at, tz)?;
    let against = args.against.as_deref().map(load_other).transpose()?;
    let input = Input::new(&args.input);
    tell_if_terminal(ui, &input);
    let (log, stats, code) = read_log(&mut s, ui, &input)?;
    let within = within();
    let mine = replay_nights(&log, &s.rules, &nights, within);
    let theirs = against
        .as_ref()
        .map(|r| replay_nights(&log, r, &nights, within));
    let assumptions = assumptions(&log, &mine, &s.rules, args.at);
    let mut sides = vec![side(&s.rules, &mine)];
    if let (Some(r), Some(t)) = (&against, &theirs) {
        sides.push(side(r, t));
    }
    let policies = std::iter::once(&s.rules).chain(against.as_ref());
    for (rules, side) in policies.zip(&sides) {
        let t = &side.totals;
        if t.held > 0 {
            ui.warn(&format!(
                "{}: on {} night{} more auto-resolutions were due than [run].max_resolutions ({}) allows, and {} were held back as run holds them; raise the limit to replay them",
                rules.path,
                t.nights_held,
                if t.nights_held == 1 { "" } else { "s" },
                rules.run.max_resolutions,
                t.held
            ));
        }
    }
    let report = Report {
        from: args.from,
        to: args.to,
        at: fmt_minutes(args.at),
        timezone: tz,
        assumptions: &assumptions,
        rows: stats.rows,
        tickets: mine.tickets,
        first_seen_inside: mine.first_seen_inside,
        last_row: log.last(),
        by_owner: args.by == Some(ReplayBy::Owner),
        sides,
    };
    let (format, _) = out_format(args.format);
    write_stdout(|w| report.write(w, format, s.guard))?;
    // The csv holds the nights only: what frames them is told on stderr.
    if format == Format::Csv {
        for a in &assumptions {
            ui.say(&format!("assumed: {a}"));
        }
        for side in &report.sides {
            let t = &side.totals;
            ui.say(&format!(
                "{}: {} auto-resolutions, {} premature ({:.1}%), {} awaiting ticket-days saved",
                side.rules,
                t.resolutions,
                t.premature,
                t.premature_rate() * 100.0,
                t.days_saved
            ));
        }
    }
    Ok(code)
}

/// The nights from `from` to `to`, each at `at` (minutes) in `tz`; a range backwards or
/// longer than `MAX_NIGHTS` is refused.
pub(super) fn nights(
    from: NaiveDate,
    to: NaiveDate,
    at: u16,
    tz: chrono_tz::Tz,
) -> Result<Vec<(NaiveDate, chrono::DateTime<chrono::Utc>)>, Failure> {
    let span = (to - from).num_days();
    if span < 0 {
        return Err(Failure::usage(format!(
            "--to {to} is before --from {from}; give the first night first"
        )));
    }
    if span >= MAX_NIGHTS {
        return Err(Failure::usage(format!(
            "--from {from} --to {to} is {} nights; replay at most {MAX_NIGHTS} at a time",
            span + 1
        )));
    }
    Ok((0..=span as u32)
        .map(|k| {
            let d = days_after(from, k);
            (d, local_instant(tz, d, at))
        })
        .collect())
}

/// Reads every row of the export as an update of its ticket (the rules' `[input]` with
/// every row kept), tells what the read rejected, and gives the log.
pub(super) fn read_log(
    s: &mut Settings,
    ui: &Ui,
    input: &Input,
) -> Result<(Log, crate::input::Stats, Code), Failure> {
    if s.rules.input.dedupe == Dedupe::Reject {
        ui.say(
            "the rules read exports of one row per ticket ([input].dedupe = \"reject\"); replay reads every row as an update of its ticket",
        );
    }
    // Every row, in order: the log as it stood each night is chosen from them.
    let dedupe = std::mem::replace(&mut s.rules.input.dedupe, Dedupe::Every);
    let mut tickets = Vec::new();
    let read = pipeline::read_texts(
        &input.sources,
        &s.rules,
        input.format,
        s.threads,
        false,
        |t| tickets.push(t),
    );
    s.rules.input.dedupe = dedupe;
    let stats = read?;
    let code = report_read(ui, s, input, &stats, false)?;
    let has = |f: Field| stats.columns.contains_key(&f);
    if !has(Field::UpdatedAt) {
        return Err(Failure::usage(format!(
            "replay reads an event log by when each row was written, and the export has no {} column; map it with [input.columns] updated_at = \"<column>\"",
            s.rules.column_name(Field::UpdatedAt)
        )));
    }
    let knows = Knows {
        attempts: has(Field::Attempts) || has(Field::LastAttemptAt),
        replies: has(Field::LastCustomerReplyAt),
        awaiting_since: has(Field::AwaitingSince),
    };
    let log = Log::new(tickets, stats.rejected_at.clone(), knows);
    Ok((log, stats, code))
}

fn side<'a>(rules: &'a Rules, replayed: &'a Replayed) -> Side<'a> {
    Side {
        rules: &rules.path,
        replayed,
        totals: Totals::of(replayed),
    }
}

/// What the replay took for granted, in the words the report prints.
pub(super) fn assumptions(log: &Log, r: &Replayed, rules: &Rules, at: u16) -> Vec<String> {
    let mut out = vec![format!(
        "each night plans at {} {} what is due within {WITHIN_HOURS}h, as run does, and takes it as done: strikes and check-ins as made on their due dates, holds as set, an auto-resolution as resolving the ticket for good",
        fmt_minutes(at),
        rules.default_tz.name()
    )];
    if !log.knows.attempts {
        out.push(
            "attempts: the log records none; each strike the replay issues counts as made, and a customer reply after it starts the count again"
                .into(),
        );
    }
    if !log.knows.replies {
        out.push(
            "replies inferred from state changes: a move out of awaiting the customer to an open state is a customer reply".into(),
        );
    }
    if !log.knows.awaiting_since && log.inferred_since > 0 {
        out.push(
            "awaiting since: the time of the move into awaiting the customer (the log has no awaiting_since)".into(),
        );
    }
    if !log.resolves {
        out.push(
            "the log shows no ticket resolved or closed: when the desk really resolved a ticket is unknown, and no days saved are counted".into(),
        );
    }
    if r.first_seen_inside > 0 {
        out.push(format!(
            "{} of {} tickets were first seen after the first night: what happened to them before is not in the log, and their auto-resolutions are also counted apart",
            r.first_seen_inside, r.tickets
        ));
    }
    if log.undated > 0 {
        out.push(format!(
            "{} row{} without a readable updated_at cannot be placed in time and are left out",
            log.undated,
            if log.undated == 1 { "" } else { "s" }
        ));
    }
    out
}
