//! `rules check`, `rules show`, `rules init`.

use super::{write_file, write_stdout};
use crate::cli::{Cli, RulesCommand};
use crate::config::Rules;
use crate::error::{Code, Failure};
use crate::settings::load_rules;

pub(super) fn rules(cli: &Cli, cmd: &RulesCommand) -> Result<Code, Failure> {
    match cmd {
        RulesCommand::Check => {
            let (rules, _) = load_rules(cli)?;
            let drafter = crate::drafts::Drafter::new(&rules)
                .map_err(|e| Failure::usage(format!("{}: {e}", rules.path)))?;
            let problems = drafter.check(&rules);
            if !problems.is_empty() {
                return Err(Failure::usage(format!(
                    "{}: a template cannot be drafted under [drafts]:\n  {}",
                    rules.path,
                    problems.join("\n  ")
                )));
            }
            let agents = rules.agents.len();
            write_stdout(|w| {
                for p in &rules.warnings {
                    writeln!(
                        w,
                        "{}:{}:{}: warning: {}",
                        rules.path, p.line, p.column, p.message
                    )?;
                }
                writeln!(
                    w,
                    "{}: valid ({} calendar{}, {} strike{}, {agents} agent{})",
                    rules.path,
                    rules.calendars.len(),
                    if rules.calendars.len() == 1 { "" } else { "s" },
                    rules.strikes.count,
                    if rules.strikes.count == 1 { "" } else { "s" },
                    if agents == 1 { "" } else { "s" },
                )
            })?;
            Ok(Code::Ok)
        }
        RulesCommand::Show => {
            let (rules, _) = load_rules(cli)?;
            let text = toml::to_string(&rules.file)
                .map_err(|e| Failure::io(format!("cannot print the rules: {e}")))?;
            write_stdout(|w| w.write_all(text.as_bytes()))?;
            Ok(Code::Ok)
        }
        RulesCommand::Init { path, force } => {
            if path.exists() && !force {
                return Err(Failure::usage(format!(
                    "{} already exists; pass --force to replace it",
                    path.display()
                )));
            }
            write_file(path, None, |w| w.write_all(Rules::STARTER.as_bytes()))?;
            crate::ui::line(&format!(
                "wrote {}; check it with `followup rules check`",
                path.display()
            ));
            Ok(Code::Ok)
        }
    }
}
