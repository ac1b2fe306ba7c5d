//! The team lead's page: today's actions, the weeks ahead as a heat map, the strike
//! pipeline, what the read rejected, and the rules it was planned under, in one
//! self-contained HTML file (styles and pictures inline, no script, no other address).
//!
//! The page is a MiniJinja template (`report.html`, or `[report].template`) rendered with
//! HTML escaping from the data here; every picture is drawn by the template from numbers
//! this module lays out, and every figure has its numbers in a table beside it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::forecast::Grid;
use crate::config::Rules;
use crate::engine::Kind;
use crate::engine::forecast::Day;
use crate::input::Reject;

/// The built-in page.
pub const TEMPLATE: &str = include_str!("report.html");

/// The rejects listed on the page; the rest are counted.
const REJECTS_SHOWN: usize = 50;
/// The holds listed; the rest are counted.
const HOLDS_SHOWN: usize = 100;

/// The heat map's geometry, in SVG units.
const LABEL: usize = 140;
const CELL_W: usize = 24;
const CELL_H: usize = 20;
const HEAD: usize = 46;

#[derive(Serialize)]
pub struct Page {
    pub now: String,
    pub now_local: String,
    pub timezone: String,
    pub rules_path: String,
    pub rules_sha256: String,
    pub rules_text: String,
    pub inputs: Vec<String>,
    pub days: usize,
    pub kinds: Vec<&'static str>,
    pub today: Today,
    pub heat: Heat,
    pub pipeline: Pipeline,
    pub read: Read,
    pub replay: Option<serde_json::Value>,
}

#[derive(Serialize, Default)]
pub struct Today {
    pub date: String,
    /// Per assignee: actions by kind (in `Page::kinds` order), total, overdue.
    pub rows: Vec<TodayRow>,
    pub totals: Vec<usize>,
    pub total: usize,
    pub overdue: usize,
}

#[derive(Serialize)]
pub struct TodayRow {
    pub assignee: String,
    pub kinds: Vec<usize>,
    pub total: usize,
    pub overdue: usize,
}

#[derive(Serialize)]
pub struct Heat {
    pub width: usize,
    pub height: usize,
    pub label: usize,
    pub cell_w: usize,
    pub cell_h: usize,
    pub head: usize,
    pub max: u64,
    pub dates: Vec<HeatDate>,
    pub rows: Vec<HeatRow>,
    pub overloads: Vec<crate::engine::Overload>,
}

#[derive(Serialize)]
pub struct HeatDate {
    pub date: String,
    pub weekday: String,
    pub day: String,
    pub x: usize,
    /// Not a working weekday of the desk's calendar, or one of its holidays.
    pub weekend: bool,
    pub holiday: bool,
}

#[derive(Serialize)]
pub struct HeatRow {
    pub key: String,
    pub y: usize,
    pub total: u64,
    pub cells: Vec<HeatCell>,
}

#[derive(Serialize)]
pub struct HeatCell {
    pub date: String,
    pub actions: u64,
    pub over: bool,
    pub x: usize,
    /// The fill, from the share of the busiest cell.
    pub fill: String,
    pub off: bool,
}

#[derive(Serialize, Default)]
pub struct Pipeline {
    /// Tickets awaiting the customer, by strikes already made (0 to the count; at the count,
    /// the resolution is next).
    pub reached: Vec<Reached>,
    pub awaiting: usize,
    /// Auto-resolutions in the days ahead, by day (as the forecast plans them).
    pub resolutions_due: Vec<(String, u64)>,
    /// Tickets on hold and when they come back.
    pub holds: Vec<(String, String)>,
    pub holds_total: usize,
}

#[derive(Serialize)]
pub struct Reached {
    pub strikes: u32,
    pub tickets: usize,
    /// The bar's length, out of 100.
    pub bar: usize,
}

#[derive(Serialize, Default)]
pub struct Read {
    pub rows: u64,
    pub rejected: usize,
    pub rejects: Vec<RejectRow>,
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
pub struct RejectRow {
    pub place: String,
    pub ticket: String,
    pub field: String,
    pub reason: String,
}

/// Today's actions per assignee and kind.
pub fn today(date: NaiveDate, day: Option<&Day>) -> Today {
    let mut by: BTreeMap<&str, TodayRow> = BTreeMap::new();
    let mut totals = vec![0; Kind::ALL.len()];
    let (mut overdue, mut total) = (0, 0);
    for (t, n) in day.map(|d| &d.counts[..]).unwrap_or(&[]) {
        let n = *n as usize;
        let row = by.entry(t.assignee.as_str()).or_insert_with(|| TodayRow {
            assignee: t.assignee.to_string(),
            kinds: vec![0; Kind::ALL.len()],
            total: 0,
            overdue: 0,
        });
        row.kinds[t.kind as usize] += n;
        row.total += n;
        totals[t.kind as usize] += n;
        total += n;
        if t.overdue {
            row.overdue += n;
            overdue += n;
        }
    }
    Today {
        date: date.to_string(),
        rows: by.into_values().collect(),
        total,
        totals,
        overdue,
    }
}

/// The heat map of the forecast grid, assignee by day.
pub fn heat(grid: &Grid<'_>, days: &[Day], rules: &Rules) -> Heat {
    let calendar = rules.calendar(rules.default_calendar).1;
    let dates: Vec<HeatDate> = days
        .iter()
        .enumerate()
        .map(|(i, d)| HeatDate {
            date: d.date.to_string(),
            weekday: d.date.format("%a").to_string(),
            day: format!("{:02}", d.date.day()),
            x: LABEL + i * CELL_W,
            weekend: !calendar.is_workday(d.date),
            holiday: calendar.is_workday(d.date) && !calendar.is_business_day(d.date),
        })
        .collect();
    let max = grid.cells().map(|c| c.2).max().unwrap_or(0).max(1);
    let mut rows: Vec<HeatRow> = Vec::new();
    for (key, i, n, over) in grid.cells() {
        if rows.last().is_none_or(|r| r.key != key) {
            rows.push(HeatRow {
                key: key.to_string(),
                y: HEAD + rows.len() * CELL_H,
                total: 0,
                cells: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed above");
        row.total += n;
        row.cells.push(HeatCell {
            date: dates[i].date.clone(),
            actions: n,
            over,
            x: dates[i].x,
            fill: fill(n, max),
            off: dates[i].weekend || dates[i].holiday,
        });
    }
    Heat {
        width: LABEL + days.len() * CELL_W + 8,
        height: HEAD + rows.len() * CELL_H + 8,
        label: LABEL,
        cell_w: CELL_W,
        cell_h: CELL_H,
        head: HEAD,
        max,
        dates,
        rows,
        overloads: grid.overloads().to_vec(),
    }
}

/// White for none, then lighter to darker blue as the share of the busiest cell grows.
fn fill(n: u64, max: u64) -> String {
    if n == 0 {
        return "#f7f9fb".into();
    }
    let share = n as f64 / max as f64;
    let mix = |from: u8, to: u8| (from as f64 + (to as f64 - from as f64) * share).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(0xdb, 0x08),
        mix(0xe9, 0x30),
        mix(0xf6, 0x6b)
    )
}

/// The strike pipeline from each awaiting ticket's next step, the resolutions the forecast
/// plans, and the holds.
pub fn pipeline(
    reached: &BTreeMap<u32, usize>,
    days: &[Day],
    holds: Vec<(String, NaiveDate)>,
) -> Pipeline {
    let most = reached.values().copied().max().unwrap_or(0).max(1);
    let mut holds = holds;
    holds.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let holds_total = holds.len();
    Pipeline {
        reached: reached
            .iter()
            .map(|(k, n)| Reached {
                strikes: *k,
                tickets: *n,
                bar: n * 100 / most,
            })
            .collect(),
        awaiting: reached.values().sum(),
        resolutions_due: days
            .iter()
            .map(|d| {
                let n: u64 = d
                    .counts
                    .iter()
                    .filter(|(t, _)| t.kind == Kind::Resolve)
                    .map(|(_, n)| n)
                    .sum();
                (d.date.to_string(), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect(),
        holds: holds
            .into_iter()
            .take(HOLDS_SHOWN)
            .map(|(t, d)| (t, d.to_string()))
            .collect(),
        holds_total,
    }
}

/// What the read rejected, and what it warned of.
pub fn read(rows: u64, rejects: &[Reject], warnings: Vec<String>) -> Read {
    Read {
        rows,
        rejected: rejects.len(),
        rejects: rejects
            .iter()
            .take(REJECTS_SHOWN)
            .map(|r| RejectRow {
                place: match r.line {
                    Some(l) => format!("{}:{l}", r.source),
                    None => format!("{} record {}", r.source, r.record),
                },
                ticket: r.ticket_id.clone().unwrap_or_default(),
                field: r.field.clone(),
                reason: r.reason.clone(),
            })
            .collect(),
        warnings,
    }
}

/// The instant, in the desk's zone, as the page heads it.
pub fn local(now: DateTime<Utc>, rules: &Rules) -> String {
    now.with_timezone(&rules.default_tz)
        .format("%A %Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Renders the page with `template` (HTML-escaped).
pub fn write(w: &mut dyn Write, page: &Page, template: &str) -> io::Result<()> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let html = env
        .render_str(template, minijinja::value::Serde(page))
        .map_err(|e| io::Error::other(format!("the report template: {e:#}")))?;
    w.write_all(html.as_bytes())
}
