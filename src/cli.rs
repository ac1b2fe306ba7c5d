//! The command line (SPEC §1): flags, commands and help with examples.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Format as InputFormat;
use crate::engine::Kind;
use crate::output::{ExplainFormat, Format, SummaryKey};
use crate::ticket::Channel;
use crate::time::Span;

#[derive(Parser, Debug)]
#[command(
    name = "followup",
    version,
    about = "Plans customer follow-ups from a ticket export: three-strike contact attempts, holds and auto-resolutions, in each customer's business hours.",
    after_help = "Examples:\n  followup plan tickets.csv\n  followup --now 2026-11-23T14:00:00Z plan tickets.csv --format json\n  followup explain INC0012 tickets.csv\n  cat export.ndjson | followup plan --format csv --owner alice\n  followup rules check"
)]
pub struct Cli {
    /// The policy file [default: ./rules.toml, else $FOLLOWUP_RULES]
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// The instant to plan for, RFC 3339 (e.g. 2026-11-23T09:00:00Z) [default: the clock]
    #[arg(long, global = true, value_name = "TIME", env = "FOLLOWUP_NOW", value_parser = instant)]
    pub now: Option<Now>,

    /// Fewer messages on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More messages on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// When to colour messages
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write csv cells as they are: no `'` before a leading =, +, -, @ (for machine imports)
    #[arg(long, global = true)]
    pub no_csv_guard: bool,

    /// Threads to plan on [default: the cores, at most 8]; 1 does everything on one
    #[arg(long, global = true, value_name = "N", env = "FOLLOWUP_THREADS", value_parser = threads)]
    pub threads: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The actions due: strikes, check-ins, auto-resolutions, holds, alerts
    #[command(
        after_help = "Examples:\n  followup plan tickets.csv\n  followup plan tickets.csv --within 24h --format csv > today.csv\n  followup plan tickets.csv --owner alice --kind strike\n  followup plan tickets.csv --rejects rejects.csv --strict"
    )]
    Plan(PlanArgs),

    /// For one ticket: the facts read, every date computed, the decision and why
    #[command(
        after_help = "Examples:\n  followup explain INC0012 tickets.csv\n  followup explain INC0012 tickets.csv --format json"
    )]
    Explain(ExplainArgs),

    /// Write one drafted message file per action due
    #[command(
        after_help = "Examples:\n  followup drafts tickets.csv --out drafts/\n  followup drafts tickets.csv --out drafts/ --owner alice --within 24h"
    )]
    Drafts(DraftsArgs),

    /// The auto-resolutions due, as a CSV the ticket system can import
    #[command(
        after_help = "Examples:\n  followup resolutions tickets.csv > resolve.csv\n  followup resolutions tickets.csv --within 24h"
    )]
    Resolutions(ResolutionsArgs),

    /// The nightly batch: the day's actions, drafts and resolutions in DIR/<date>/, once or on a schedule
    #[command(
        after_help = "Examples:\n  followup run export.csv --out /var/lib/followup\n  followup run export.csv --out out/ --wait 10m\n  followup run export.csv --out out/ --schedule \"0 2 * * 1-5\"\n\nExit codes: 0 done, 1 failed (previous outputs intact), 2 usage or rules error, 3 done with rejected rows, 4 another run holds the lock, 5 resolutions held back by [run].max_resolutions"
    )]
    Run(RunArgs),

    /// Every action `run` issued for a ticket, night by night, from its ledger and archive
    #[command(
        after_help = "Examples:\n  followup history INC0012 --out /var/lib/followup\n  followup history INC0012 --out out/ --format json"
    )]
    History(HistoryArgs),

    /// A policy tried on an event log: each night planned as `run` would have, and what the customers did after
    #[command(
        after_help = "Examples:\n  followup --rules examples/servicenow-eventlog.toml replay log.csv --from 2016-03-01 --to 2016-12-31\n  followup replay log.csv --from 2016-03-01 --to 2016-12-31 --against rules-count2.toml --format json\n  followup replay log.csv --from 2016-03-01 --to 2016-03-31 --by owner --format csv"
    )]
    Replay(ReplayArgs),

    /// The team lead's page: today, the weeks ahead and the strike pipeline, as one HTML file
    #[command(
        after_help = "Examples:\n  followup report tickets.csv --out today.html\n  followup report tickets.csv --out today.html --days 14\n  followup --rules examples/servicenow-eventlog.toml report log.csv --out page.html --replay 2016-03-01..2016-03-31"
    )]
    Report(ReportArgs),

    /// The days ahead as a grid per agent, kind or type, simulated day by day; over-capacity days marked
    #[command(
        after_help = "Examples:\n  followup forecast accounts.csv --days 28\n  followup forecast tickets.csv --days 10 --by kind --format csv"
    )]
    Forecast(ForecastArgs),

    /// What a policy change would change: each ticket whose actions differ under another rules file
    #[command(
        after_help = "Examples:\n  followup diff --against rules-new.toml tickets.csv\n  followup diff --against rules-new.toml tickets.csv --format json"
    )]
    Diff(DiffArgs),

    /// Counts of due actions per assignee, type, kind, channel or date, by kind
    #[command(
        after_help = "Examples:\n  followup summary tickets.csv\n  followup summary tickets.csv --by date --within 7d\n  followup summary tickets.csv --by channel --format json"
    )]
    Summary(SummaryArgs),

    /// Validate the rules and the export without planning; report every rejected row
    #[command(
        after_help = "Examples:\n  followup check tickets.csv\n  followup check tickets.csv --rejects rejects.csv"
    )]
    Check(CheckArgs),

    /// Validate, show or create the rules file
    #[command(subcommand)]
    Rules(RulesCommand),

    /// The built-in public holidays: every country and subdivision, by code
    #[command(
        subcommand,
        after_help = "Examples:\n  followup calendars list\n  followup calendars show DE-BY --year 2026\n  followup calendars show US --year 2027 --format csv"
    )]
    Calendars(CalendarsCommand),

    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  followup completions bash > /etc/bash_completion.d/followup\n  followup completions zsh > ~/.zfunc/_followup"
    )]
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff)
    #[command(after_help = "Example:\n  followup man > /usr/local/share/man/man1/followup.1")]
    Man,
}

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Export files; `-` or none reads stdin. Several files are read as one export.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// The export's format [default: the rules file, else the extension, else sniffed]
    #[arg(long, value_parser = parse_input_format, value_name = "csv|json|ndjson")]
    pub input_format: Option<InputFormat>,

    /// Write rejected rows to this CSV file
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Any rejected row is fatal: nothing is written, exit 3
    #[arg(long)]
    pub strict: bool,
}

/// What the planning commands share: the export, the horizon and the filters.
#[derive(Args, Debug)]
pub struct Selection {
    #[command(flatten)]
    pub input: InputArgs,

    /// Also list actions whose first window opens within this horizon, e.g. 24h, 2d [default: 0h; run: 24h]
    #[arg(long, value_name = "DURATION", value_parser = length)]
    pub within: Option<Length>,

    /// Only actions assigned to this agent (repeatable)
    #[arg(long, value_name = "AGENT")]
    pub owner: Vec<String>,

    /// Only tickets of this type (repeatable)
    #[arg(long = "type", value_name = "TYPE")]
    pub kind_of_ticket: Vec<String>,

    /// Only actions of this kind: strike, resolve, check_in, ooo_hold, internal_alert (repeatable)
    #[arg(long, value_name = "KIND", value_parser = kind)]
    pub kind: Vec<Kind>,

    /// Only actions whose primary channel is this (repeatable)
    #[arg(long, value_name = "CHANNEL", value_parser = channel)]
    pub channel: Vec<Channel>,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub select: Selection,

    /// Output format [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Add the drafted subject and body of each action (csv, json, ndjson)
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Args, Debug)]
pub struct DraftsArgs {
    #[command(flatten)]
    pub select: Selection,

    /// The folder to write one file per action into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub select: Selection,

    /// The folder that keeps the day's outputs, the ledger and the lock
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// When another run holds the lock, wait this long for it (e.g. 30s, 10m) instead of exiting 4
    #[arg(long, value_name = "DURATION", value_parser = length)]
    pub wait: Option<Length>,

    /// Stay running and run at each time of this cron expression, in [defaults].timezone
    #[arg(long, value_name = "CRON")]
    pub schedule: Option<String>,
}

#[derive(Args, Debug)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub select: Selection,

    /// How many days ahead, today included (1 to 366)
    #[arg(long, default_value_t = 14, value_name = "N", value_parser = days)]
    pub days: u32,

    /// What each row of the grid counts
    #[arg(long, value_enum, default_value_t = SummaryKey::Owner)]
    pub by: SummaryKey,

    /// table, csv or json [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The other rules file: what would change if it were the policy
    #[arg(long, value_name = "RULES")]
    pub against: PathBuf,

    #[command(flatten)]
    pub select: Selection,

    /// table, csv or json [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Args, Debug)]
pub struct ResolutionsArgs {
    #[command(flatten)]
    pub select: Selection,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub select: Selection,

    /// What to count by
    #[arg(long, value_enum, default_value_t = SummaryKey::Owner)]
    pub by: SummaryKey,

    /// Output format [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The ticket to explain
    pub ticket_id: String,

    #[command(flatten)]
    pub input: InputArgs,

    /// The horizon used to decide what is listed, as for `plan` [default: 0h]
    #[arg(long, value_name = "DURATION", value_parser = length)]
    pub within: Option<Length>,

    /// text or json
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The ticket
    pub ticket_id: String,

    /// The folder `run` writes to (its --out)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// table, csv, json or ndjson [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub select: Selection,

    /// The HTML file to write
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,

    /// Days ahead in the heat map, today included (1 to 366)
    #[arg(long, default_value_t = 28, value_name = "N", value_parser = days)]
    pub days: u32,

    /// Also replay the rules on the export as an event log over these nights: FROM..TO
    #[arg(long, value_name = "FROM..TO", value_parser = date_range)]
    pub replay: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The first night, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub from: NaiveDate,

    /// The last night, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub to: NaiveDate,

    /// When each night runs, HH:MM in [defaults].timezone
    #[arg(long, value_name = "HH:MM", default_value = "06:00", value_parser = clock)]
    pub at: u16,

    /// Another rules file, replayed beside the first: both side by side and the difference
    #[arg(long, value_name = "RULES")]
    pub against: Option<PathBuf>,

    /// A column per assignee in the nightly rows
    #[arg(long, value_enum)]
    pub by: Option<ReplayBy>,

    /// table, csv or json [default: table on a terminal, else csv]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// What `replay --by` adds to each night.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReplayBy {
    /// The actions of each assignee
    Owner,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Validate the rules file; exit 2 with file:line:column on any problem
    Check,
    /// Print the effective rules, every default filled in
    Show,
    /// Write a starter rules file (the bundled policy)
    Init {
        /// Where to write it
        #[arg(default_value = "rules.toml")]
        path: PathBuf,
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CalendarsCommand {
    /// Every code (country, or country-subdivision) with its name and weekend
    List {
        /// table, csv or json [default: table on a terminal, else csv]
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// The holidays of one code in one year, date and name
    Show {
        /// A country or subdivision code: US, DE-BY, GB-SCT, BR-SP, IN-KA
        code: String,
        /// The year
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1..=9999))]
        year: i32,
        /// table, csv or json [default: table on a terminal, else csv]
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

// Value parsers: every flag is checked as clap reads it, before the rules or a row. Their
// messages follow the flag's name (`--kind: "x" is not a kind; ...`).

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    InputFormat::from_name(s)
        .ok_or_else(|| format!("\"{s}\" is not an input format; use csv, json or ndjson"))
}

/// A length of time as written (`90m`, `24h`, `2d`): positive, without business days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Length {
    pub delta: TimeDelta,
    /// As written, for `summary.json`.
    pub text: String,
}

impl Length {
    /// A length written in a default (`"24h"`).
    pub fn of(text: &str) -> Length {
        length(text).unwrap_or(Length {
            delta: TimeDelta::zero(),
            text: text.to_string(),
        })
    }
}

fn length(s: &str) -> Result<Length, String> {
    let span = Span::parse(s)?;
    match span.to_delta() {
        Some(delta) if span.amount >= 0 => Ok(Length {
            delta,
            text: s.to_string(),
        }),
        _ => Err(format!(
            "\"{s}\" must be a positive length of time in s, m, h, d or w, e.g. 24h"
        )),
    }
}

/// `--now` (or `FOLLOWUP_NOW`); a blank value is none, as if unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now(pub Option<DateTime<Utc>>);

fn instant(s: &str) -> Result<Now, String> {
    if s.trim().is_empty() {
        return Ok(Now(None));
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| Now(Some(t.with_timezone(&Utc))))
        .map_err(|e| {
            format!("\"{s}\" is not an RFC 3339 time ({e}); write e.g. 2026-11-23T09:00:00Z")
        })
}

fn kind(s: &str) -> Result<Kind, String> {
    Kind::from_name(s).ok_or_else(|| {
        format!("\"{s}\" is not a kind; use strike, resolve, check_in, ooo_hold or internal_alert")
    })
}

fn channel(s: &str) -> Result<Channel, String> {
    Channel::from_name(&s.to_ascii_lowercase())
        .ok_or_else(|| format!("\"{s}\" is not a channel; use phone, email, chat, portal or mail"))
}

fn threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(format!("\"{s}\" is not a number of threads from 1 to 64")),
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date; write YYYY-MM-DD, e.g. 2016-03-01"))
}

fn date_range(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (a, b) = s.split_once("..").ok_or_else(|| {
        format!("\"{s}\" is not a range of nights; write FROM..TO, e.g. 2016-03-01..2016-03-31")
    })?;
    Ok((date(a)?, date(b)?))
}

/// A time of day, `HH:MM`, as minutes after midnight.
fn clock(s: &str) -> Result<u16, String> {
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map(|t| (chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t)) as u16)
        .map_err(|_| format!("\"{s}\" is not a time of day; write HH:MM, e.g. 06:00"))
}

fn days(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=366).contains(&n) => Ok(n),
        _ => Err(format!("{s} is out of range; forecast 1 to 366 days")),
    }
}
