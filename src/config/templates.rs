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
            (part, toml::Value::Table(t)) if Channel::from_name(part).is_some() => {
                parts(&format!("{kind}.{part}"), t, true, &mut out)?
            }
            (lang, toml::Value::Table(t)) if is_language(lang) => {
                parts(&format!("{kind}.{}", language(lang)), t, false, &mut out)?
            }
            (part, v) if PARTS.contains(&part) => out.push(part_source(kind, part, v)?),
            (other, _) => {
                return Err(format!(
                    "[templates.{kind}]: \"{other}\" is neither subject, body, voicemail, a channel (phone, email, chat, portal, mail) nor a language (de, pt-br, …)"
                ));
            }
        }
    }
    Ok(out)
}

/// What a template table holds: a subject, a body, a voicemail.
const PARTS: [&str; 3] = ["subject", "body", "voicemail"];

/// The templates of `[templates.<prefix>]`: its parts, and with `languages`, a table per
/// language (`[templates.strike.email.de]`).
fn parts(
    prefix: &str,
    table: &toml::Table,
    languages: bool,
    out: &mut Vec<Source>,
) -> Result<(), String> {
    for (key, v) in table {
        match (key.as_str(), v) {
            (part, v) if PARTS.contains(&part) => out.push(part_source(prefix, part, v)?),
            (lang, toml::Value::Table(t)) if languages && is_language(lang) => {
                parts(&format!("{prefix}.{}", language(lang)), t, false, out)?
            }
            (other, _) => {
                return Err(format!(
                    "[templates.{prefix}].{other}: only subject, body and voicemail (strings){} are allowed",
                    if languages {
                        ", and a table per language"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    Ok(())
}

fn part_source(prefix: &str, part: &str, v: &toml::Value) -> Result<Source, String> {
    match v {
        toml::Value::String(text) => Ok(Source {
            name: format!("{prefix}.{part}"),
            text: text.clone(),
        }),
        _ => Err(format!("[templates.{prefix}].{part} must be a string")),
    }
}

/// A language tag as exports write one: `de`, `pt-BR`, `pt_br`, `zh-Hant` (a two-letter
/// language, so that a misspelt channel such as `fax` is no language).
pub fn is_language(s: &str) -> bool {
    let mut it = s.split(['-', '_']);
    let primary = it.next().unwrap_or_default();
    primary.len() == 2
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && it.all(|sub| {
            (2..=8).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        && Channel::from_name(s).is_none()
        && !PARTS.contains(&s)
}

/// A language tag as templates are named by it: lower case, `-` between subtags.
pub fn language(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('_', "-")
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
