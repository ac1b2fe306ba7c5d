//! `report`: the team lead's page, one self-contained HTML file: today's actions, the
//! forecast as a heat map, the strike pipeline, what the read rejected, the rules; with
//! `--replay`, a replay of the rules on the export as an event log.

use chrono::NaiveDate;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::replay::{assumptions, nights, read_log, within};
use super::{read_warnings, report_read, tell_if_terminal, write_file};
use crate::cli::ReportArgs;
use crate::engine::forecast::{self, Standing};
use crate::engine::replay::{Replayed, Totals, replay};
use crate::engine::{Action, Kind};
use crate::error::{Code, Failure};
use crate::input::Stats;
use crate::output::report::{self, Page};
use crate::output::{SummaryKey, forecast::Grid};
use crate::pipeline;
use crate::settings::{Input, Settings};
use crate::ticket::Ticket;
use crate::time::local_date;
use crate::ui::Ui;

pub(super) fn report(mut s: Settings, ui: &Ui, args: &ReportArgs) -> Result<Code, Failure> {
    if args.out.as_os_str() == "-" {
        return Err(Failure::usage(
            "--out -: the page is a file to open or attach; give a file name such as today.html",
        ));
    }
    let sel = s.select(&args.select, "0h");
    let stdin = sel
        .input
        .sources
        .iter()
        .any(|x| matches!(x, crate::input::Source::Stdin));
    if args.replay.is_some() && stdin {
        return Err(Failure::usage(
            "--replay reads the export a second time, as an event log, and stdin cannot be read twice; give the export as a file",
        ));
    }
    tell_if_terminal(ui, &sel.input);
    let (mut page, stats) = page(
        &s,
        &sel.input,
        &|a| sel.filters.keeps(a),
        args.days,
        &|_| {},
    )?;
    let mut code = report_read(ui, &s, &sel.input, &stats, false)?;
    if let Some((from, to)) = args.replay {
        let at = 6 * 60;
        let nights = nights(from, to, at, s.rules.default_tz)?;
        let (log, _, replay_code) = read_log(&mut s, ui, &sel.input)?;
        let r = replay(&log, &s.rules, &nights, within());
        if code == Code::Ok {
            code = replay_code;
        }
        page.replay = Some(replay_json(
            &s,
            from,
            to,
            &r,
            assumptions(&log, &r, &s.rules, at),
        ));
    }
    write_file(&args.out, Some(s.mode()), |w| write(w, &s, &page))?;
    ui.info(&format!("wrote {}", args.out.display()));
    Ok(code)
}

/// The page's name in the day's folder of `run`.
pub(super) const PAGE: &str = "report.html";

/// Writes the page with the rules' template, else the built-in one.
pub(super) fn write(w: &mut dyn std::io::Write, s: &Settings, page: &Page) -> std::io::Result<()> {
    let template = s
        .rules
        .report_template
        .as_deref()
        .unwrap_or(report::TEMPLATE);
    report::write(w, page, template)
}

/// The page for the export of `input` at the settings' `now`: every ticket read (with
/// `supply` filling in what the ledger knows, for `run`), the forecast of `days` days with
/// the actions `keep` wants, and what the read found (told by the caller).
pub(super) fn page(
    s: &Settings,
    input: &Input,
    keep: &(dyn Fn(&Action) -> bool + Sync),
    days: u32,
    supply: &(dyn Fn(&mut Ticket) + Sync),
) -> Result<(Page, Stats), Failure> {
    let rules = &s.rules;
    let mut standing = Standing::default();
    let ahead = pipeline::Ahead {
        sources: &input.sources,
        format: input.format,
        rules,
        threads: s.threads,
        now: s.now,
        days,
        keep,
        supply,
    };
    let add = |t: &Ticket, st: &mut Standing| st.add(t, rules, s.now);
    let (days, stats) = pipeline::forecast(&ahead, &add, |st| standing.merge(st))?;
    Ok((compose(s, &input.names, &days, standing, &stats), stats))
}

/// The page of the days forecast, where the tickets stand and what the read found.
pub(super) fn compose(
    s: &Settings,
    inputs: &[String],
    days: &[forecast::Day],
    standing: Standing,
    stats: &Stats,
) -> Page {
    let rules = &s.rules;
    let Standing { reached, holds } = standing;
    let grid = Grid::new(days, SummaryKey::Owner, rules);
    Page {
        now: s.now.to_rfc3339(),
        now_local: report::local(s.now, rules),
        timezone: rules.default_tz.name().to_string(),
        rules_path: rules.path.clone(),
        rules_sha256: Sha256::digest(s.rules_text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        rules_text: s.rules_text.clone(),
        inputs: inputs.to_vec(),
        days: days.len(),
        kinds: Kind::ALL.iter().map(|k| k.name()).collect(),
        today: report::today(local_date(s.now, rules.default_tz), days.first()),
        heat: report::heat(&grid, days, rules),
        pipeline: report::pipeline(&reached, days, holds),
        read: report::read(stats.rows, &stats.rejects, read_warnings(stats)),
        replay: None,
    }
}

/// The replay as the page shows it: a bar per night, its totals, its assumptions.
fn replay_json(
    s: &Settings,
    from: NaiveDate,
    to: NaiveDate,
    r: &Replayed,
    assumptions: Vec<String>,
) -> serde_json::Value {
    const HEIGHT: f64 = 160.0;
    let bar_w = (900 / r.nights.len().max(1)).clamp(2, 24);
    let max = r
        .nights
        .iter()
        .map(|n| n.count(Kind::Strike) + n.count(Kind::Resolve))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = HEIGHT / f64::from(max);
    let bars: Vec<serde_json::Value> = r
        .nights
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let (st, re) = (n.count(Kind::Strike), n.count(Kind::Resolve));
            let h_re = (f64::from(re) * scale).round();
            let h_st = (f64::from(st) * scale).round();
            let base = 20.0 + HEIGHT;
            json!({
                "date": n.date.to_string(),
                "strikes": st,
                "resolutions": re,
                "premature": n.premature,
                "awaiting": n.awaiting,
                "x": i * bar_w,
                "y_resolutions": base - h_re,
                "h_resolutions": h_re,
                "y_strikes": base - h_re - h_st,
                "h_strikes": h_st,
            })
        })
        .collect();
    let t = Totals::of(r);
    let totals = vec![
        ("strikes", t.kinds[Kind::Strike as usize].to_string()),
        ("auto-resolutions", t.resolutions.to_string()),
        (
            "premature (replied within the window)",
            format!("{} ({:.1}%)", t.premature, t.premature_rate() * 100.0),
        ),
        ("awaiting ticket-days saved", t.days_saved.to_string()),
        ("check-ins", t.kinds[Kind::CheckIn as usize].to_string()),
        (
            "busiest agent-day",
            t.busiest
                .as_ref()
                .map(|(who, d, n)| format!("{who} on {d}: {n}"))
                .unwrap_or_else(|| "none".into()),
        ),
    ];
    json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "rules": s.rules.path,
        "chart": {
            "width": r.nights.len() * bar_w + 4,
            "height": HEIGHT as usize + 24,
            "bar_w": bar_w.saturating_sub(1).max(1),
            "max": max,
            "bars": bars,
        },
        "totals": totals,
        "assumptions": assumptions,
    })
}
