//! The forecast report: a grid of actions per key and day, over-capacity cells marked, as a
//! table (with a heat row per key on a terminal), csv, json or ndjson.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};
use serde_json::json;

use super::{Format, Guard, SummaryKey, json};
use crate::config::Rules;
use crate::engine::Overload;
use crate::engine::forecast::Day;

/// What the forecast assumes, said with it.
pub const ASSUMES: &str = "Assumes every action listed is done on its day and no customer replies: a strike made today brings its resolution on the day after; days are the desk's ([defaults].timezone).";

/// The days counted per key.
pub struct Grid<'d> {
    by: SummaryKey,
    days: &'d [Day],
    rows: BTreeMap<String, Vec<u64>>,
    /// (day, assignee) over capacity.
    over: BTreeSet<(usize, String)>,
    /// The same, with the load and the capacity, in day order: what the list says is what
    /// the grid marks.
    overloads: Vec<Overload>,
    /// Days on which any agent is over capacity.
    over_day: Vec<bool>,
    totals: Vec<u64>,
}

impl<'d> Grid<'d> {
    pub fn new(days: &'d [Day], by: SummaryKey, rules: &Rules) -> Grid<'d> {
        let mut rows: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (i, d) in days.iter().enumerate() {
            for (t, n) in &d.counts {
                rows.entry(by.of_tally(t, d.date))
                    .or_insert_with(|| vec![0; days.len()])[i] += n;
            }
        }
        // An agent is over capacity on a day of the grid when the actions the grid counts
        // for them that day are more than they can do: counted once, where they are shown.
        let mut overloads = Vec::new();
        for d in days {
            let mut load: BTreeMap<&str, usize> = BTreeMap::new();
            for (t, n) in &d.counts {
                *load.entry(t.assignee.as_str()).or_default() += *n as usize;
            }
            for (assignee, actions) in load {
                if let Some(capacity) = rules.capacity(assignee)
                    && actions > capacity as usize
                {
                    overloads.push(Overload {
                        assignee: assignee.to_string(),
                        date: d.date,
                        actions,
                        capacity,
                    });
                }
            }
        }
        let over: BTreeSet<(usize, String)> = overloads
            .iter()
            .filter_map(|o| {
                Some((
                    days.iter().position(|d| d.date == o.date)?,
                    o.assignee.clone(),
                ))
            })
            .collect();
        let over_day = (0..days.len())
            .map(|i| over.iter().any(|(d, _)| *d == i))
            .collect();
        let totals = days.iter().map(Day::total).collect();
        Grid {
            by,
            days,
            rows,
            over,
            overloads,
            over_day,
            totals,
        }
    }

    /// Whether the cell of `key` on day `i` is over capacity: the agent's own, or with other
    /// keys, any agent's that day.
    fn is_over(&self, i: usize, key: &str) -> bool {
        match self.by {
            SummaryKey::Owner => self.over.contains(&(i, key.to_string())),
            _ => self.over_day[i],
        }
    }

    /// Every cell, key by key, day by day: the key, the day's index, its actions, and whether
    /// it is over capacity (what the csv writes, in another order).
    pub fn cells(&self) -> impl Iterator<Item = (&str, usize, u64, bool)> + '_ {
        self.rows.iter().flat_map(move |(key, counts)| {
            counts
                .iter()
                .enumerate()
                .map(move |(i, n)| (key.as_str(), i, *n, self.is_over(i, key)))
        })
    }

    pub fn overloads(&self) -> &[Overload] {
        &self.overloads
    }

    /// Writes the grid; `heat` adds a heat row per key to the table (on a terminal).
    pub fn write(
        &self,
        w: &mut dyn Write,
        format: Format,
        heat: bool,
        guard: Guard,
    ) -> io::Result<()> {
        let days = self.days;
        match format {
            Format::Csv => {
                let mut c = csv::Writer::from_writer(w);
                c.write_record(["date", "key", "actions", "over_capacity"])?;
                for (i, d) in days.iter().enumerate() {
                    for (key, counts) in &self.rows {
                        let date = d.date.to_string();
                        let n = counts[i].to_string();
                        let over = self.is_over(i, key).to_string();
                        c.write_record([date.as_str(), &guard.cell(key), &n, &over])?;
                    }
                }
                c.flush()
            }
            Format::Ndjson => {
                let mut out = Vec::new();
                for (i, d) in days.iter().enumerate() {
                    for (key, counts) in &self.rows {
                        out.extend_from_slice(b"{\"date\":\"");
                        crate::time::write_date(&mut out, d.date);
                        out.extend_from_slice(b"\",\"key\":");
                        json::string(&mut out, key);
                        out.extend_from_slice(b",\"actions\":");
                        out.extend_from_slice(counts[i].to_string().as_bytes());
                        out.extend_from_slice(b",\"over_capacity\":");
                        out.extend_from_slice(if self.is_over(i, key) {
                            b"true"
                        } else {
                            b"false"
                        });
                        out.extend_from_slice(b"}\n");
                    }
                }
                w.write_all(&out)
            }
            Format::Json => {
                let rows: Vec<_> = self
                    .rows
                    .iter()
                    .map(|(key, counts)| {
                        let flags: Vec<bool> =
                            (0..days.len()).map(|i| self.is_over(i, key)).collect();
                        json!({ "key": key, "actions": counts, "over_capacity": flags })
                    })
                    .collect();
                let overloads = &self.overloads;
                let doc = json!({
                    "by": format!("{:?}", self.by).to_lowercase(),
                    "days": days.iter().map(|d| d.date.to_string()).collect::<Vec<_>>(),
                    "rows": rows,
                    "totals": self.totals,
                    "issued": self.totals.iter().sum::<u64>(),
                    "over_capacity": overloads,
                    "assumes": ASSUMES,
                });
                serde_json::to_writer_pretty(&mut *w, &doc)?;
                writeln!(w)
            }
            Format::Table => {
                let is_over = |i: usize, key: &str| self.is_over(i, key);
                write_grid(w, days, &self.rows, &self.totals, &is_over, &self.overloads)?;
                writeln!(w, "{ASSUMES}")?;
                // On a terminal, a compact heat row per key: the weeks at a glance.
                if heat {
                    write_heat(w, days, &self.rows, &is_over)?;
                }
                Ok(())
            }
        }
    }
}

fn write_grid(
    w: &mut dyn Write,
    days: &[Day],
    grid: &BTreeMap<String, Vec<u64>>,
    totals: &[u64],
    is_over: &dyn Fn(usize, &str) -> bool,
    overloads: &[Overload],
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
    if !overloads.is_empty() {
        writeln!(w, "! over capacity:")?;
        for o in overloads {
            writeln!(
                w,
                "  {} {}: {} actions, capacity {}",
                o.date, o.assignee, o.actions, o.capacity
            )?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_heat_row_scales_to_the_busiest_cell_and_marks_overloads() {
        let day = |d: u32| Day {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            counts: Vec::new(),
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
