//! `followup` plans customer follow-ups from a ticket export and a rules file.
//!
//! Data flows one way: `input` reads rows into `ticket::Ticket`s, `engine` turns each into
//! actions under `config::Rules` at an instant `now`, `output` writes them.

pub mod batch;
pub mod cli;
mod commands;
pub mod config;
pub mod drafts;
pub mod engine;
pub mod error;
mod explain;
pub mod input;
pub mod output;
pub mod ticket;
pub mod time;
mod util;

use std::ffi::OsString;

use chrono::{DateTime, Utc};
use clap::Parser;

/// Runs the command line `args` with `clock` telling the current instant (unless `--now` or
/// `FOLLOWUP_NOW` say otherwise) and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, clock: fn() -> DateTime<Utc>) -> i32 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                error::Code::Usage as i32
            } else {
                0
            };
        }
    };
    let ui = commands::Ui::new(&cli);
    match commands::dispatch(&cli, &ui, clock) {
        Ok(code) => code as i32,
        Err(f) => {
            if !f.message.is_empty() {
                ui.error(&f.message);
            }
            f.code as i32
        }
    }
}
