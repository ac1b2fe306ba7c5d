//! The built-in holidays as `calendars list` and `calendars show` write them.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use serde_json::json;

use super::Format;
use crate::time::holidays::{Region, Table as Holidays};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn weekend(r: &Region) -> String {
    (0..7)
        .filter(|d| r.weekend[*d])
        .map(|d| DAYS[d])
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn list(w: &mut dyn Write, t: &Holidays, format: Format) -> io::Result<()> {
    let rows: Vec<[String; 3]> = t
        .regions
        .iter()
        .map(|r| [r.code.to_string(), r.name.to_string(), weekend(r)])
        .collect();
    write(
        w,
        &["code", "name", "weekend"],
        &rows,
        format,
        |r| json!({"code": r[0], "name": r[1], "weekend": r[2].split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>()}),
    )?;
    if format == Format::Table {
        writeln!(
            w,
            "{} calendars, {} to {}, from the holidays package {}",
            t.regions.len(),
            t.first_year,
            t.last_year,
            t.version
        )?;
    }
    Ok(())
}

pub fn show(w: &mut dyn Write, r: &Region, year: i32, format: Format) -> io::Result<()> {
    let rows: Vec<[String; 3]> = r
        .year(year)
        .map(|(d, n)| [d.to_string(), d.format("%a").to_string(), n.to_string()])
        .collect();
    write(
        w,
        &["date", "weekday", "name"],
        &rows,
        format,
        |x| json!({"date": x[0], "weekday": x[1], "name": x[2]}),
    )
}

fn write(
    w: &mut dyn Write,
    header: &[&str; 3],
    rows: &[[String; 3]],
    format: Format,
    object: impl Fn(&[String; 3]) -> serde_json::Value,
) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(header)?;
            for r in rows {
                c.write_record(r)?;
            }
            c.flush()
        }
        Format::Json => {
            let all: Vec<_> = rows.iter().map(&object).collect();
            serde_json::to_writer_pretty(&mut *w, &all)?;
            writeln!(w)
        }
        Format::Ndjson => {
            for r in rows {
                serde_json::to_writer(&mut *w, &object(r))?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Table => {
            let mut t = Table::new();
            t.load_style(presets::NOTHING);
            t.set_header(header);
            for r in rows {
                t.add_row(r);
            }
            writeln!(w, "{t}")
        }
    }
}
