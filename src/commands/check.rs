//! `check`: the rules and the export validated without planning; every rejected row listed.

use super::{report_read, write_stdout};
use crate::cli::CheckArgs;
use crate::config::Dedupe;
use crate::error::{Code, Failure};
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
    report_read(ui, &input, &stats, s.guard, true)
}
