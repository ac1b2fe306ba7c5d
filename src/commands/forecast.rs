//! Team-lead views (SPEC §10): `forecast`, the days ahead simulated day by day, and
//! `diff`, what another policy would change on the same export and `now`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use comfy_table::{CellAlignment, Table, presets};
use serde_json::json;

use super::{Filters, Ui, load_rules, now, out_format, report_read, sources, within, write_stdout};
use crate::cli::{Cli, DiffArgs, ForecastArgs};
use crate::config::Rules;
use crate::engine::{self, Action, Detail, Kind, Overload};
use crate::error::{Code, Failure};
use crate::input;
use crate::output::SummaryKey;
use crate::output::{Format, guard_cell, local_rfc3339, summary_key};
use crate::ticket::{DateOrTime, State, Ticket};
use crate::time::local_date;

/// What an action does to its ticket once done on its contact date, with no reply.
fn done(t: &mut Ticket, a: &Action) {
    match &a.detail {
        Detail::Strike { .. } => {
            t.attempts = Some(a.step);
            t.last_attempt_at = Some(a.suggested_at);
        }
        Detail::Resolve(r) => {
            t.state = State::Resolved;
            t.status = (*r.status).into();
            t.resolved_at = Some(a.suggested_at);
        }
        Detail::Hold {
            reactivation_date, ..
        } => t.reactivation_at = Some(DateOrTime::Date(*reactivation_date)),
        Detail::CheckIn { .. } => t.last_followup_at = Some(a.suggested_at),
        Detail::None => {}
    }
}

/// One simulated day: its date (in `[defaults].timezone`), the actions listed, and who is
/// over capacity.
struct Day {
    date: NaiveDate,
    actions: Vec<Action>,
    over: Vec<Overload>,
}

/// Plans each day in turn, as if every action listed were done on its contact date and no
/// customer replied. Days are calendar days in `[defaults].timezone`: the first runs from
/// `now` to midnight, the others from midnight to midnight.
fn simulate(
    tickets: &mut [Ticket],
    rules: &Rules,
    now: DateTime<Utc>,
    days: u32,
    filters: &Filters,
) -> Vec<Day> {
    let index: HashMap<compact_str::CompactString, usize> = tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    // Alerts do not change their ticket: once issued, they are not issued again.
    let mut alerted: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let today = local_date(now, rules.default_tz);
    for k in 0..days {
        let date = today + TimeDelta::days(i64::from(k));
        let midnight = |d: NaiveDate| crate::time::local_instant(rules.default_tz, d, 0);
        let day_now = if k == 0 { now } else { midnight(date) };
        let horizon = midnight(date + TimeDelta::days(1)) - TimeDelta::seconds(1);
        let mut actions: Vec<Action> = Vec::new();
        for t in tickets.iter() {
            actions.extend(
                engine::due(t, rules, day_now, horizon)
                    .into_iter()
                    .filter(|a| !(a.kind == Kind::InternalAlert && alerted.contains(&a.id()))),
            );
        }
        let over = engine::level(&mut actions, rules, day_now);
        actions.retain(|a| a.is_due(horizon));
        engine::sort(&mut actions);
        for a in &actions {
            if a.kind == Kind::InternalAlert {
                alerted.insert(a.id());
            }
            if let Some(i) = index.get(a.ticket_id.as_str()) {
                done(&mut tickets[*i], a);
            }
        }
        // Every action is simulated; the filters choose what the grid counts.
        actions.retain(|a| filters.action(a));
        out.push(Day {
            date,
            actions,
            over,
        });
    }
    out
}

pub(super) fn forecast(
    cli: &Cli,
    ui: &Ui,
    clock: DateTime<Utc>,
    args: &ForecastArgs,
) -> Result<Code, Failure> {
    if args.by == SummaryKey::Date {
        return Err(Failure::usage(
            "--by date: the forecast's columns are the dates already; use owner, kind, type or channel",
        ));
    }
    if args.days == 0 || args.days > 366 {
        return Err(Failure::usage(format!(
            "--days {}: forecast 1 to 366 days",
            args.days
        )));
    }
    let rules = load_rules(cli)?;
    let now = now(cli, clock)?;
    let filters = Filters::new(&args.select)?;
    // The simulation changes every ticket day by day, so it holds them all.
    let mut tickets = Vec::new();
    let stats = input::read(
        &sources(&args.select.input),
        &rules,
        args.select.input.input_format,
        |t| tickets.push(t),
    )?;
    let code = report_read(ui, &args.select.input, &stats, false)?;
    let days = simulate(&mut tickets, &rules, now, args.days, &filters);

    let mut grid: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (i, d) in days.iter().enumerate() {
        for a in &d.actions {
            grid.entry(summary_key(a, args.by))
                .or_insert_with(|| vec![0; days.len()])[i] += 1;
        }
    }
    let over: BTreeSet<(usize, String)> = days
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.over.iter().map(move |o| (i, o.assignee.clone())))
        .collect();
    let over_day: Vec<bool> = (0..days.len())
        .map(|i| over.iter().any(|(d, _)| *d == i))
        .collect();
    let is_over = |i: usize, key: &str| match args.by {
        SummaryKey::Owner => over.contains(&(i, key.to_string())),
        _ => over_day[i],
    };
    let totals: Vec<u64> = (0..days.len())
        .map(|i| days[i].actions.len() as u64)
        .collect();
    let (format, width) = out_format(args.format);
    write_stdout(|w| match format {
        Format::Csv | Format::Ndjson => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(["date", "key", "actions", "over_capacity"])?;
            for (i, d) in days.iter().enumerate() {
                for (key, counts) in &grid {
                    let date = d.date.to_string();
                    let n = counts[i].to_string();
                    let over = is_over(i, key).to_string();
                    c.write_record([date.as_str(), &guard_cell(key), &n, &over])?;
                }
            }
            c.flush()
        }
        Format::Json => {
            let rows: Vec<_> = grid
                .iter()
                .map(|(key, counts)| {
                    let flags: Vec<bool> = (0..days.len()).map(|i| is_over(i, key)).collect();
                    json!({ "key": key, "actions": counts, "over_capacity": flags })
                })
                .collect();
            let overloads: Vec<&Overload> = days.iter().flat_map(|d| &d.over).collect();
            let doc = json!({
                "by": format!("{:?}", args.by).to_lowercase(),
                "days": days.iter().map(|d| d.date.to_string()).collect::<Vec<_>>(),
                "rows": rows,
                "totals": totals,
                "issued": totals.iter().sum::<u64>(),
                "over_capacity": overloads,
            });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        Format::Table => {
            write_grid(w, &days, &grid, &totals, &is_over)?;
            // On a terminal, a compact heat row per key: the weeks at a glance.
            if width.is_some() {
                write_heat(w, &days, &grid, &is_over)?;
            }
            Ok(())
        }
    })?;
    Ok(code)
}

fn write_grid(
    w: &mut dyn Write,
    days: &[Day],
    grid: &BTreeMap<String, Vec<u64>>,
    totals: &[u64],
    is_over: &dyn Fn(usize, &str) -> bool,
) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(presets::UTF8_HORIZONTAL_ONLY);
    let mut header = vec![String::new()];
    header.extend(days.iter().map(|d| d.date.format("%a %m-%d").to_string()));
    header.push("total".into());
    t.set_header(header);
    for (key, counts) in grid {
        let mut row = vec![key.clone()];
        for (i, n) in counts.iter().enumerate() {
            let mark = if is_over(i, key) { "!" } else { "" };
            row.push(if *n == 0 {
                ".".to_string()
            } else {
                format!("{n}{mark}")
            });
        }
        row.push(counts.iter().sum::<u64>().to_string());
        t.add_row(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(totals.iter().map(u64::to_string));
    row.push(totals.iter().sum::<u64>().to_string());
    t.add_row(row);
    for i in 1..=days.len() + 1 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(w, "{t}")?;
    if days.iter().any(|d| !d.over.is_empty()) {
        writeln!(w, "! over capacity:")?;
        for d in days {
            for o in &d.over {
                writeln!(
                    w,
                    "  {} {}: {} actions, capacity {}",
                    o.date, o.assignee, o.actions, o.capacity
                )?;
            }
        }
    }
    Ok(())
}

/// One line per key: a block per day, as high as its share of the busiest cell, `!` where
/// an agent is over capacity.
fn write_heat(
    w: &mut dyn Write,
    days: &[Day],
    grid: &BTreeMap<String, Vec<u64>>,
    is_over: &dyn Fn(usize, &str) -> bool,
) -> io::Result<()> {
    const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = grid.values().flatten().copied().max().unwrap_or(0).max(1);
    let width = grid.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    writeln!(w)?;
    for (key, counts) in grid {
        let row: String = counts
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if is_over(i, key) {
                    '!'
                } else if *n == 0 {
                    '·'
                } else {
                    BLOCKS[(1 + (*n * 7 / max) as usize).min(8)]
                }
            })
            .collect();
        writeln!(w, "  {key:width$}  {row}")?;
    }
    let first = days.first().map(|d| d.date.to_string()).unwrap_or_default();
    writeln!(w, "  {:width$}  from {first}, one column a day", "")
}

/// The parts of an action a policy change can change.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Side {
    id: String,
    kind: Kind,
    due: NaiveDate,
    contact: NaiveDate,
    suggested: String,
    channel: Option<&'static str>,
    assignee: String,
}

impl Side {
    fn of(a: &Action) -> Side {
        Side {
            id: a.id(),
            kind: a.kind,
            due: a.due_date,
            contact: a.contact_date,
            suggested: local_rfc3339(a.suggested_at, a.timezone),
            channel: a.channel.map(|c| c.name()),
            assignee: a.assignee.to_string(),
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "action_id": self.id,
            "kind": self.kind.name(),
            "due_date": self.due.to_string(),
            "contact_date": self.contact.to_string(),
            "suggested_at": self.suggested,
            "channel": self.channel,
            "assignee": self.assignee,
        })
    }
}

/// Every action of every ticket under one policy (not only those due: a policy change
/// shows in the dates ahead too), by ticket.
fn all_actions(
    rules: &Rules,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    args: &DiffArgs,
    ui: &Ui,
) -> Result<(BTreeMap<String, Vec<Side>>, Code), Failure> {
    let filters = Filters::new(&args.select)?;
    let mut by_ticket: BTreeMap<String, Vec<Side>> = BTreeMap::new();
    let stats = input::read(
        &sources(&args.select.input),
        rules,
        args.select.input.input_format,
        |t| {
            let sides: Vec<Side> = engine::evaluate(&t, rules, now, horizon, false)
                .actions
                .iter()
                .filter(|a| filters.action(a))
                .map(Side::of)
                .collect();
            by_ticket.insert(t.id.to_string(), sides);
        },
    )?;
    let code = report_read(ui, &args.select.input, &stats, false)?;
    Ok((by_ticket, code))
}

pub(super) fn diff(
    cli: &Cli,
    ui: &Ui,
    clock: DateTime<Utc>,
    args: &DiffArgs,
) -> Result<Code, Failure> {
    let left = load_rules(cli)?;
    let text = std::fs::read_to_string(&args.against).map_err(|e| {
        Failure::usage(format!(
            "--against: cannot read {}: {e}",
            args.against.display()
        ))
    })?;
    let right = Rules::parse(&args.against.display().to_string(), &text)?;
    let now = now(cli, clock)?;
    let horizon = now + within(&args.select.within, "0h")?;
    let (l, code_l) = all_actions(&left, now, horizon, args, ui)?;
    let (r, code_r) = all_actions(&right, now, horizon, args, ui)?;

    // (ticket, change, left, right) for every action that differs.
    let mut changes: Vec<(String, &'static str, Option<Side>, Option<Side>)> = Vec::new();
    let ids: BTreeSet<&String> = l.keys().chain(r.keys()).collect();
    for id in ids {
        let empty = Vec::new();
        let (a, b) = (l.get(id).unwrap_or(&empty), r.get(id).unwrap_or(&empty));
        for x in a {
            match b.iter().find(|y| y.id == x.id) {
                None => changes.push((id.clone(), "removed", Some(x.clone()), None)),
                Some(y) if y != x => {
                    let what = if y.due != x.due || y.contact != x.contact {
                        "moved"
                    } else {
                        "changed"
                    };
                    changes.push((id.clone(), what, Some(x.clone()), Some(y.clone())));
                }
                Some(_) => {}
            }
        }
        for y in b.iter().filter(|y| !a.iter().any(|x| x.id == y.id)) {
            changes.push((id.clone(), "added", None, Some(y.clone())));
        }
    }
    let count = |what: &str| changes.iter().filter(|c| c.1 == what).count();
    let tickets: BTreeSet<&String> = changes.iter().map(|c| &c.0).collect();
    let summary = format!(
        "{} ticket{} affected: {} action{} added, {} removed, {} moved, {} changed",
        tickets.len(),
        if tickets.len() == 1 { "" } else { "s" },
        count("added"),
        if count("added") == 1 { "" } else { "s" },
        count("removed"),
        count("moved"),
        count("changed")
    );
    let (format, _) = out_format(args.format);
    let cell =
        |s: &Option<Side>, f: &dyn Fn(&Side) -> String| s.as_ref().map(f).unwrap_or_default();
    write_stdout(|w| match format {
        Format::Csv | Format::Ndjson => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record([
                "ticket_id",
                "change",
                "left_action",
                "left_due_date",
                "left_suggested_at",
                "left_channel",
                "left_assignee",
                "right_action",
                "right_due_date",
                "right_suggested_at",
                "right_channel",
                "right_assignee",
            ])?;
            for (id, what, a, b) in &changes {
                let mut row = vec![guard_cell(id).into_owned(), what.to_string()];
                for s in [a, b] {
                    row.push(cell(s, &|x| guard_cell(&x.id).into_owned()));
                    row.push(cell(s, &|x| x.due.to_string()));
                    row.push(cell(s, &|x| x.suggested.clone()));
                    row.push(cell(s, &|x| x.channel.unwrap_or("").to_string()));
                    row.push(cell(s, &|x| guard_cell(&x.assignee).into_owned()));
                }
                c.write_record(row)?;
            }
            c.flush()
        }
        Format::Json => {
            let list: Vec<_> = changes
                .iter()
                .map(|(id, what, a, b)| {
                    json!({
                        "ticket_id": id,
                        "change": what,
                        "left": a.as_ref().map(Side::json),
                        "right": b.as_ref().map(Side::json),
                    })
                })
                .collect();
            let doc = json!({
                "left": left.path,
                "right": right.path,
                "changes": list,
                "summary": {
                    "tickets": tickets.len(),
                    "added": count("added"),
                    "removed": count("removed"),
                    "moved": count("moved"),
                    "changed": count("changed"),
                },
            });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_style(presets::UTF8_HORIZONTAL_ONLY);
            t.set_header(["ticket", "change", left.path.as_str(), right.path.as_str()]);
            let show = |s: &Option<Side>| {
                s.as_ref()
                    .map(|x| {
                        format!(
                            "{} due {}\n{} {}",
                            x.id,
                            x.due,
                            x.channel.unwrap_or("internal"),
                            x.assignee
                        )
                    })
                    .unwrap_or_else(|| "-".into())
            };
            for (id, what, a, b) in &changes {
                t.add_row([id.clone(), what.to_string(), show(a), show(b)]);
            }
            if !changes.is_empty() {
                writeln!(w, "{t}")?;
            }
            writeln!(w, "{summary}")
        }
    })?;
    if format != Format::Table {
        ui.info(&summary);
    }
    Ok(if code_l == Code::Ok { code_r } else { code_l })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_row_scales_to_the_busiest_cell_and_marks_overloads() {
        let day = |d: u32| Day {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            actions: Vec::new(),
            over: Vec::new(),
        };
        let days = vec![day(23), day(24), day(25), day(26)];
        let mut grid = BTreeMap::new();
        grid.insert("alice".to_string(), vec![0, 2, 8, 1]);
        grid.insert("bob".to_string(), vec![4, 0, 0, 8]);
        let over = |i: usize, key: &str| i == 3 && key == "bob";
        let mut out = Vec::new();
        write_heat(&mut out, &days, &grid, &over).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\n  alice  ·▂█▁\n  bob    ▄··!\n         from 2026-11-23, one column a day\n"
        );
    }
}
