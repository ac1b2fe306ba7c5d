//! Templates in a rules file: the `[templates]` tables flattened into named sources, each
//! compiled once to check it, and linted for what every customer-facing draft must name.

use minijinja::{AutoEscape, Environment};

use super::Problem;
use super::file::File;
use super::validate::Validator;
use crate::ticket::Channel;
use crate::util::line_col;

/// Kinds whose drafts the customer reads; their templates must name the ticket, the agent
/// and the ways to get in touch.
pub const CUSTOMER_FACING: [&str; 2] = ["strike", "check_in"];

/// One template source, named `<kind>.<channel>.<part>` or `<kind>.<part>`.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Flattens a `[templates]`-shaped table into named sources, or says what is wrong with it.
/// `kind` tables hold `subject` and `body`, or channel tables that do.
pub fn sources(kind: &str, table: &toml::Table) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for (key, value) in table {
        match (key.as_str(), value) {
            ("subject" | "body" | "voicemail", toml::Value::String(text)) => out.push(Source {
                name: format!("{kind}.{key}"),
                text: text.clone(),
            }),
            ("subject" | "body" | "voicemail", _) => {
                return Err(format!("[templates.{kind}].{key} must be a string"));
            }
            (channel, toml::Value::Table(t)) if Channel::from_name(channel).is_some() => {
                for (part, v) in t {
                    match (part.as_str(), v) {
                        ("subject" | "body" | "voicemail", toml::Value::String(text)) => {
                            out.push(Source {
                                name: format!("{kind}.{channel}.{part}"),
                                text: text.clone(),
                            })
                        }
                        _ => {
                            return Err(format!(
                                "[templates.{kind}.{channel}].{part}: only subject, body and voicemail (strings) are allowed"
                            ));
                        }
                    }
                }
            }
            (other, _) => {
                return Err(format!(
                    "[templates.{kind}]: \"{other}\" is neither subject, body, voicemail nor a channel (phone, email, chat, portal, mail)"
                ));
            }
        }
    }
    Ok(out)
}

/// The environment every template is compiled in.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Plain text, not HTML: nothing is escaped, and values are never re-read as templates.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // No block trimming: drafts fold the blank lines that conditionals leave behind.
    env
}

/// Compiles one template source; the error names the line within it.
pub fn compile(text: &str) -> Result<(), (Option<usize>, String)> {
    let env = environment();
    env.template_from_str(text).map(|_| ()).map_err(|e| {
        let detail = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        (e.line(), detail)
    })
}

impl Validator<'_> {
    pub(super) fn templates(&mut self, f: &File) -> Vec<Source> {
        let mut all = Vec::new();
        const KINDS: [&str; 5] = [
            "strike",
            "resolve",
            "check_in",
            "ooo_hold",
            "internal_alert",
        ];
        for (k, table) in &f.templates {
            let kind = k.get_ref().as_str();
            if !KINDS.contains(&kind) {
                self.err(
                    k.span(),
                    format!(
                        "[templates]: \"{kind}\" is not an action kind; kinds are {}",
                        KINDS.join(", ")
                    ),
                );
                continue;
            }
            let sources = match sources(kind, table) {
                Ok(s) => s,
                Err(e) => {
                    self.err(k.span(), e);
                    continue;
                }
            };
            all.extend(sources.iter().cloned());
            for src in &sources {
                // The line of the template in the file: where its text starts, when it can
                // be found as written; else the table's header.
                let start = self.text[k.span().start..]
                    .find(src.text.lines().next().unwrap_or(""))
                    .map(|o| k.span().start + o)
                    .filter(|_| !src.text.is_empty())
                    .unwrap_or(k.span().start);
                if let Err((line, msg)) = compile(&src.text) {
                    let (l, c) = line_col(self.text, start);
                    let l = l + line.unwrap_or(1) - 1;
                    let c = if line.unwrap_or(1) > 1 { 1 } else { c };
                    self.problems.push(Problem {
                        line: l,
                        column: c,
                        message: format!(
                            "[templates] {}: the template does not compile: {msg}",
                            src.name
                        ),
                    });
                    continue;
                }
                if CUSTOMER_FACING.contains(&kind) && src.name.ends_with(".body") {
                    let lacks: Vec<&str> = [
                        ("ticket.id", "the ticket number ({{ ticket.id }})"),
                        ("agent.", "the agent ({{ agent.name }})"),
                        ("department", "the department ({{ department }})"),
                    ]
                    .iter()
                    .filter(|(needle, _)| !src.text.contains(needle))
                    .map(|(_, what)| *what)
                    .chain(
                        (!(src.text.contains("ways") || src.text.contains("contact."))).then_some(
                            "the ways to get in touch ({{ ways }} or {{ contact.phone }}, …)",
                        ),
                    )
                    .collect();
                    if !lacks.is_empty() {
                        let (line, column) = line_col(self.text, start);
                        self.warnings.push(Problem {
                            line,
                            column,
                            message: format!(
                                "[templates] {}: the draft does not name {}",
                                src.name,
                                lacks.join(", ")
                            ),
                        });
                    }
                }
            }
        }
        all
    }
}
