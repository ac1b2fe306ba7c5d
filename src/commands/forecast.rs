//! Team-lead views (SPEC §10): `forecast`, the days ahead simulated day by day, and
//! `diff`, what another policy would change on the same export and `now`.

use std::collections::BTreeMap;

use super::{out_format, report_read, write_stdout};
use crate::cli::{DiffArgs, ForecastArgs};
use crate::config::Rules;
use crate::engine::diff::{Side, diff as compare};
use crate::engine::{Action, evaluate};
use crate::error::{Code, Failure};
use crate::output::{Format, SummaryKey, diff::Report, forecast::Grid};
use crate::pipeline;
use crate::settings::{Selection, Settings, load_other};
use crate::ui::Ui;

pub(super) fn forecast(s: &Settings, ui: &Ui, args: &ForecastArgs) -> Result<Code, Failure> {
    if args.by == SummaryKey::Date {
        return Err(Failure::usage(
            "--by date: the forecast's columns are the dates already; use owner, kind, type or channel",
        ));
    }
    let sel = s.select(&args.select, "0h");
    super::tell_if_terminal(ui, &sel.input);
    let keep = |a: &Action| sel.filters.keeps(a);
    let ahead = pipeline::Ahead {
        sources: &sel.input.sources,
        format: sel.input.format,
        rules: &s.rules,
        threads: s.threads,
        now: s.now,
        days: args.days,
        keep: &keep,
        supply: &|_| {},
    };
    let (days, stats) = pipeline::forecast(&ahead, &|_, _: &mut ()| {}, |()| {})?;
    let code = report_read(ui, s, &sel.input, &stats, false)?;
    let (format, width) = out_format(args.format);
    let grid = Grid::new(&days, args.by, &s.rules);
    write_stdout(|w| grid.write(w, format, width.is_some(), s.guard))?;
    Ok(code)
}

/// Every action of every ticket under one policy (not only those due: a policy change
/// shows in the dates ahead too), by ticket.
fn all_actions(
    s: &Settings,
    rules: &Rules,
    sel: &Selection,
    ui: &Ui,
) -> Result<(BTreeMap<String, Vec<Side>>, Code), Failure> {
    let mut by_ticket: BTreeMap<String, Vec<Side>> = BTreeMap::new();
    let stats = pipeline::read(
        &sel.input.sources,
        rules,
        sel.input.format,
        s.threads,
        |t| {
            let sides: Vec<Side> = evaluate(&t, rules, s.now, sel.horizon, false)
                .actions
                .iter()
                .filter(|a| sel.filters.keeps(a))
                .map(Side::of)
                .collect();
            by_ticket.insert(t.id.to_string(), sides);
        },
    )?;
    let code = report_read(ui, s, &sel.input, &stats, false)?;
    Ok((by_ticket, code))
}

pub(super) fn diff(s: &Settings, ui: &Ui, args: &DiffArgs) -> Result<Code, Failure> {
    let right = load_other(&args.against)?;
    let sel = s.select(&args.select, "0h");
    super::tell_if_terminal(ui, &sel.input);
    let (l, code_l) = all_actions(s, &s.rules, &sel, ui)?;
    let (r, code_r) = all_actions(s, &right, &sel, ui)?;
    let changes = compare(&l, &r);
    let report = Report {
        left: &s.rules.path,
        right: &right.path,
        changes: &changes,
    };
    let (format, _) = out_format(args.format);
    write_stdout(|w| report.write(w, format, s.guard))?;
    if format != Format::Table {
        ui.info(&report.summary());
    }
    Ok(if code_l == Code::Ok { code_r } else { code_l })
}
