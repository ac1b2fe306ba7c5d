//! Files desks export that are not text: spreadsheets (xlsx, xlsm, xls, ods: the default
//! list export of ServiceNow, Freshdesk and Jira is Excel) read with `calamine` and handed
//! on as CSV, and files that are no export at all (a zip, a PDF, a web page) named as such.

use std::io::{self, BufRead, Cursor};

use calamine::{Data, Reader as _, open_workbook_auto_from_rs};

use crate::error::Failure;

/// What the first bytes of an input say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Text: CSV, JSON or NDJSON.
    Text,
    /// A zip archive: xlsx, xlsm and ods are zips.
    Zip,
    /// An OLE compound file: xls.
    Ole,
    Pdf,
    Html,
}

/// The kind of an input, from its first bytes (which stay in the buffer).
pub(super) fn kind(input: &mut dyn BufRead) -> io::Result<Kind> {
    let head = input.fill_buf()?;
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let lower: Vec<u8> = text[start..]
        .iter()
        .take(16)
        .map(u8::to_ascii_lowercase)
        .collect();
    Ok(if head.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Kind::Ole
    } else if head.starts_with(b"%PDF") {
        Kind::Pdf
    } else if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        Kind::Html
    } else {
        Kind::Text
    })
}

/// Why a file that is no export cannot be read, and what to give instead.
pub(super) fn not_an_export(name: &str, kind: Kind) -> Failure {
    let export = "export the tickets as CSV, JSON, NDJSON or a spreadsheet (xlsx, xls, ods)";
    let (what, fix) = match kind {
        Kind::Pdf => ("a PDF document", export),
        Kind::Html => ("a web page (HTML)", export),
        Kind::Zip => (
            "a zip archive holding no spreadsheet",
            "unzip it and give the export inside",
        ),
        Kind::Ole | Kind::Text => ("not a spreadsheet it can read", export),
    };
    Failure::usage(format!("{name} is {what}, not an export; {fix}"))
}

/// A spreadsheet's sheet as CSV, and the spreadsheet row each CSV line starts (`rows[l - 1]`
/// for line `l`), so that rejects name rows as the spreadsheet numbers them.
pub(super) struct AsCsv {
    pub(super) bytes: Vec<u8>,
    pub(super) rows: Vec<u64>,
}

/// The first sheet (or `sheet`) of a workbook as CSV: text as it is, typed dates and times
/// as ISO 8601 without an offset (read in `[input].timezone`), whole numbers without a
/// fraction (ids saved as numbers stay ids), booleans as `true`/`false`.
pub(super) fn to_csv(
    name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    kind: Kind,
) -> Result<AsCsv, Failure> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| match kind {
        // A zip that is no workbook is no export.
        Kind::Zip => not_an_export(name, kind),
        _ => Failure::usage(format!("{name}: cannot read the spreadsheet: {e}")),
    })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{name} has no sheet \"{s}\"; its sheets are {} (set [input].sheet)",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Failure::usage(format!("{name} holds no sheet")))?,
    };
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| Failure::usage(format!("{name}: cannot read sheet \"{chosen}\": {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut out = AsCsv {
        bytes: Vec::new(),
        rows: Vec::new(),
    };
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out.bytes);
        let mut text = String::new();
        let mut written = 0;
        for (i, row) in range.rows().enumerate() {
            for cell in row {
                text.clear();
                write_cell(&mut text, cell);
                w.write_field(&text)
                    .map_err(|e| Failure::io(format!("{name}: {e}")))?;
            }
            w.write_record(None::<&[u8]>)
                .map_err(|e| Failure::io(format!("{name}: {e}")))?;
            w.flush().map_err(|e| Failure::io(format!("{name}: {e}")))?;
            // The lines this record took, each of which it starts or continues.
            let excel_row = first_row + i as u64 + 1;
            let all = w.get_ref();
            let lines = all[written..].iter().filter(|b| **b == b'\n').count();
            written = all.len();
            let total = out.rows.len() + lines;
            out.rows.resize(total, excel_row);
        }
    }
    Ok(out)
}

fn write_cell(out: &mut String, cell: &Data) {
    use std::fmt::Write;
    match cell {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            let _ = write!(out, "{}", *f as i64);
        }
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // A date without a time of day stays a date (a reactivation date, an out-of-office
        // date); with one, it is a time without an offset.
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
            let _ = write!(out, "{y:04}-{mo:02}-{da:02}");
            if (h, mi, s) != (0, 0, 0) {
                let _ = write!(out, "T{h:02}:{mi:02}:{s:02}");
            }
        }
        Data::DateTime(d) => {
            let _ = write!(out, "{}", d.as_f64());
        }
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}
