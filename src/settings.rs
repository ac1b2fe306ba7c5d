//! Settings before work: the flags, the environment and the rules file resolved into one
//! validated value before a row is read (ripgrep's low args → high args). Commands receive
//! it and never derive it again.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::cli::{Cli, InputArgs, Length, Selection as SelectionArgs};
use crate::config::{Format as InputFormat, Rules};
use crate::engine::{Action, Kind};
use crate::error::Failure;
use crate::input::Source;
use crate::output::Guard;
use crate::ticket::Channel;

/// What every command that plans works from.
pub struct Settings {
    pub rules: Rules,
    /// The rules file's text, for its hash in `summary.json`.
    pub rules_text: String,
    pub now: DateTime<Utc>,
    pub guard: Guard,
    /// Threads the pipeline may use.
    pub threads: usize,
}

impl Settings {
    /// The rules and `now` (`--now`, `FOLLOWUP_NOW`, else `clock`), checked.
    pub fn new(cli: &Cli, clock: DateTime<Utc>) -> Result<Settings, Failure> {
        let (rules, rules_text) = load_rules(cli)?;
        Ok(Settings {
            rules,
            rules_text,
            now: cli.now.and_then(|n| n.0).unwrap_or(clock),
            guard: Guard(!cli.no_csv_guard),
            threads: cli.threads.unwrap_or_else(crate::pipeline::threads),
        })
    }

    /// The export and the actions to keep, with the horizon `now + --within` (else
    /// `default_within`).
    pub fn select(&self, args: &SelectionArgs, default_within: &str) -> Selection {
        let within = args
            .within
            .clone()
            .unwrap_or_else(|| Length::of(default_within));
        Selection {
            input: Input::new(&args.input),
            horizon: self.horizon(&within),
            within,
            filters: Filters::new(args, &self.rules),
        }
    }

    /// How the files written are created (`[run].mode`).
    pub fn mode(&self) -> crate::files::Mode {
        crate::files::Mode {
            file: self.rules.run.mode,
        }
    }

    /// `now + within`.
    pub fn horizon(&self, within: &Length) -> DateTime<Utc> {
        self.now + within.delta
    }
}

/// Where the export comes from, and what to do with its bad rows.
pub struct Input {
    pub sources: Vec<Source>,
    /// As given, for `summary.json` (`-` for stdin).
    pub names: Vec<String>,
    pub format: Option<InputFormat>,
    pub rejects: Option<PathBuf>,
    pub strict: bool,
}

impl Input {
    pub fn new(args: &InputArgs) -> Input {
        Input {
            sources: if args.inputs.is_empty() {
                vec![Source::Stdin]
            } else {
                args.inputs.iter().map(|s| Source::from_arg(s)).collect()
            },
            names: if args.inputs.is_empty() {
                vec!["-".into()]
            } else {
                args.inputs.clone()
            },
            format: args.input_format,
            rejects: args.rejects.clone(),
            strict: args.strict,
        }
    }
}

/// The export, the horizon and the filters of a planning command.
pub struct Selection {
    pub input: Input,
    pub within: Length,
    pub horizon: DateTime<Utc>,
    pub filters: Filters,
}

/// The filters of the planning commands (`--owner`, `--type`, `--kind`, `--channel`).
pub struct Filters {
    /// Each `--owner` as given, and the agent id it names (by id or display name, as
    /// `[agents]` matches owners).
    owners: Vec<(String, Option<String>)>,
    types: Vec<String>,
    kinds: Vec<Kind>,
    channels: Vec<Channel>,
}

impl Filters {
    fn new(args: &SelectionArgs, rules: &Rules) -> Filters {
        Filters {
            owners: args
                .owner
                .iter()
                .map(|o| (o.clone(), rules.agent(o).map(|a| a.id.clone())))
                .collect(),
            types: args.kind_of_ticket.clone(),
            kinds: args.kind.clone(),
            channels: args.channel.clone(),
        }
    }

    /// Whether an action passes every filter.
    pub fn keeps(&self, a: &Action) -> bool {
        (self.owners.is_empty() || self.owners.iter().any(|o| owns(o, &a.assignee)))
            && (self.kinds.is_empty() || self.kinds.contains(&a.kind))
            && (self.types.is_empty()
                || self
                    .types
                    .iter()
                    .any(|x| a.ticket_type.eq_ignore_ascii_case(x)))
            && (self.channels.is_empty() || a.channel.is_some_and(|c| self.channels.contains(&c)))
    }
}

/// Whether an `--owner` (as given, and the agent it names) is an action's assignee.
fn owns((given, agent): &(String, Option<String>), assignee: &str) -> bool {
    assignee.eq_ignore_ascii_case(given)
        || agent
            .as_deref()
            .is_some_and(|id| assignee.eq_ignore_ascii_case(id))
}

impl Filters {
    /// Whether any `--owner` is given.
    pub fn by_owner(&self) -> bool {
        !self.owners.is_empty()
    }

    /// The `--owner` values none of `assignees` answers to.
    pub fn owners_missing<'a>(&'a self, assignees: &[&str]) -> Vec<&'a str> {
        self.owners
            .iter()
            .filter(|o| !assignees.iter().any(|a| owns(o, a)))
            .map(|(given, _)| given.as_str())
            .collect()
    }
}

/// `--rules`, else `./rules.toml`, else `$FOLLOWUP_RULES`.
fn rules_path(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(p) = &cli.rules {
        return Ok(p.clone());
    }
    let local = PathBuf::from("rules.toml");
    if local.exists() {
        return Ok(local);
    }
    match std::env::var_os("FOLLOWUP_RULES") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => Err(Failure::usage(
            "no rules file: ./rules.toml does not exist and FOLLOWUP_RULES is not set; \
             pass --rules FILE, or write a starter file with `followup rules init`",
        )),
    }
}

/// The rules, and the text they were read from.
pub fn load_rules(cli: &Cli) -> Result<(Rules, String), Failure> {
    let path = rules_path(cli)?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the rules file {}: {e}",
            path.display()
        ))
    })?;
    let rules = Rules::parse(&path.display().to_string(), &text)?;
    Ok((rules, text))
}

/// Another rules file (`diff --against`).
pub fn load_other(path: &std::path::Path) -> Result<Rules, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--against: cannot read {}: {e}", path.display())))?;
    Ok(Rules::parse(&path.display().to_string(), &text)?)
}
