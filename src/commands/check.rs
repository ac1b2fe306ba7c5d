//! `check`: the rules and the export validated without planning; every rejected row listed.

use super::{report_read, write_stdout};
use crate::cli::CheckArgs;
use crate::config::Dedupe;
use crate::error::{Code, Failure};
use crate::input::DECIDING;
use crate::pipeline;
use crate::settings::{Input, Settings};
use crate::ui::Ui;

pub(super) fn check(s: &Settings, ui: &Ui, args: &CheckArgs) -> Result<Code, Failure> {
    let rules = &s.rules;
    let input = Input::new(&args.input);
    super::tell_if_terminal(ui, &input);
    let mut accepted = 0u64;
    let stats = pipeline::read(&input.sources, rules, input.format, s.threads, |_| {
        accepted += 1
    })?;
    write_stdout(|w| {
        for r in &stats.rejects {
            writeln!(w, "rejected {r}")?;
        }
        for (source, d) in &stats.delimiters {
            if *d != b',' {
                let d = if *d == b'\t' {
                    "tab".to_string()
                } else {
                    format!("\"{}\"", *d as char)
                };
                writeln!(w, "{source}: cells separated by {d}")?;
            }
        }
        for r in &stats.read_with {
            let forms: Vec<String> = r.forms.iter().map(|(f, n)| format!("{f} ({n})")).collect();
            let order = match &r.order {
                Some((o, Some(by))) => format!("; {}, as \"{by}\" settles", o.name()),
                Some((o, None)) => format!("; {}, as listed (no value settles it)", o.name()),
                None => String::new(),
            };
            if !forms.is_empty() {
                writeln!(w, "{}: read as {}{order}", r.column, forms.join(", "))?;
            }
        }
        for (field, follows) in DECIDING {
            if !stats.columns.contains_key(&field) {
                writeln!(w, "no {}: {follows}", field.name())?;
            }
        }
        for (column, types) in rule_columns(rules) {
            let present = stats.headers.iter().any(|h| h.eq_ignore_ascii_case(column));
            if !present && !stats.headers.is_empty() {
                writeln!(
                    w,
                    "no column {column}: the steps of {} that read it never fall due",
                    types.join(", ")
                )?;
            }
        }
        let s = if accepted == 1 { "" } else { "s" };
        let good = stats.rows - stats.rejects.len() as u64;
        if rules.input.dedupe == Dedupe::Last {
            // An event log: rows are updates; what is planned is the newest row of each
            // ticket that is not closed or canceled.
            writeln!(
                w,
                "{} rows read: {good} accepted, {} rejected; {accepted} ticket{s} to plan (the newest row of each ticket not closed or canceled)",
                stats.rows,
                stats.rejects.len()
            )
        } else {
            writeln!(
                w,
                "{} rows read: {accepted} ticket{s} accepted, {} rejected",
                stats.rows,
                stats.rejects.len()
            )
        }
    })?;
    report_read(ui, s, &input, &stats, true)
}

/// The export columns the rules' steps read (as anchors or conditions), with the types
/// whose steps read each.
fn rule_columns(rules: &crate::config::Rules) -> Vec<(&str, Vec<String>)> {
    let mut out: Vec<(&str, Vec<String>)> = Vec::new();
    for ty in &rules.types {
        for step in &ty.steps {
            let anchor = match &step.from {
                crate::config::Anchor::Column(c) => Some(c.as_str()),
                crate::config::Anchor::Field(_) => None,
            };
            let flag = step
                .only_if
                .as_deref()
                .filter(|c| rules.flag_columns.iter().any(|f| f == c));
            for column in anchor.into_iter().chain(flag) {
                let name = format!("[types.{}]", ty.name);
                match out.iter_mut().find(|(c, _)| *c == column) {
                    Some((_, types)) if !types.contains(&name) => types.push(name),
                    Some(_) => {}
                    None => out.push((column, vec![name])),
                }
            }
        }
    }
    out
}
