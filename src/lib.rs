//! `followup` plans customer follow-ups from a ticket export and a rules file.
//!
//! Data flows one way: `settings` resolves flags, environment and rules before a row is
//! read; `input` reads rows into `ticket::Ticket`s; the `pipeline` (the only room with
//! threads) hands them to the `engine`, which plans each under `config::Rules` at `now`;
//! `output` writes what it planned. `batch` keeps the nightly job's state beside them.

pub mod batch;
pub mod cli;
mod commands;
pub mod config;
pub mod drafts;
pub mod engine;
pub mod error;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod settings;
pub mod ticket;
pub mod time;
pub mod ui;
mod util;

use std::ffi::OsString;

use chrono::{DateTime, Utc};
use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Runs the command line `args` with `clock` telling the current instant (unless `--now` or
/// `FOLLOWUP_NOW` say otherwise) and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, clock: fn() -> DateTime<Utc>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::ValueValidation => {
            ui::line(&format!("error: {}", invalid_value(&e, &args)));
            return error::Code::Usage as i32;
        }
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                error::Code::Usage as i32
            } else {
                0
            };
        }
    };
    let ui = ui::Ui::new(&cli);
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

/// A flag's bad value, as `--flag: what is wrong and how to write it` (the value parsers
/// say what and how); a value from the environment names its variable.
fn invalid_value(e: &clap::Error, args: &[OsString]) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split(' ').next().unwrap_or(s).to_string(),
        _ => String::new(),
    };
    let given = args.iter().any(|a| {
        a.to_str()
            .is_some_and(|a| a == arg || a.starts_with(&format!("{arg}=")))
    });
    let name = if arg == "--now" && !given {
        "FOLLOWUP_NOW".to_string()
    } else {
        arg
    };
    let why = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_else(|| e.kind().to_string());
    format!("{name}: {why}")
}
