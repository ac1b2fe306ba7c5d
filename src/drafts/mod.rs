//! Drafted messages: the built-in templates and those of the rules file, rendered with
//! MiniJinja. Values from the export are passed as data, never parsed as template code.

mod check;
mod context;
mod direct;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use memchr::memmem;

use minijinja::{Environment, Value};

use crate::config::templates::{environment, sources};
use crate::config::{DraftLimits, Rules};
use crate::engine::{Action, Kind};
use crate::output::{Draft, plain};
use crate::ticket::{Channel, Ticket};
use context::{Context, Shared};
use direct::{Program, Scope, Slots};

/// The built-in drafts, in the shape of `[templates]` in a rules file.
pub const BUILTIN: &str = include_str!("templates.toml");

/// Renders drafts for the actions of one run. Built once: every template compiled, the
/// template of each kind and channel chosen, the rules' shared values made.
pub struct Drafter {
    env: Environment<'static>,
    /// Subject, body and voicemail templates, by kind and channel (`None` first).
    names: Vec<[Option<Named>; 3]>,
    /// The same for each language the rules write templates in, falling back part by part
    /// to the default ones.
    by_language: HashMap<String, Vec<[Option<Named>; 3]>>,
    /// The templates the direct path renders, and the variables they read.
    programs: Vec<Program>,
    slots: Slots,
    shared: Arc<Shared>,
    /// `agent` of each agent the rules name.
    agents: HashMap<String, Value>,
    limits: DraftLimits,
}

impl Drafter {
    /// The same drafter with every template left to MiniJinja: what the direct path is
    /// checked against.
    pub fn without_direct_path(mut self) -> Drafter {
        self.programs.clear();
        self
    }

    /// Renders every kind's templates for every channel on sample tickets: the problems.
    pub fn check(&self, rules: &Rules) -> Vec<String> {
        check::check(self, rules)
    }
}

/// A template of the table: its name, and its program when the direct path renders it.
struct Named {
    name: String,
    program: Option<usize>,
}

/// Where a template renders, up to a size: past it the write fails, and rendering stops.
struct Capped {
    bytes: Vec<u8>,
    max: usize,
    full: bool,
}

impl Capped {
    fn new(max: usize) -> Capped {
        Capped {
            bytes: Vec::with_capacity(max.min(2048)),
            max,
            full: false,
        }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            self.full = true;
            return Err(std::io::Error::other("the draft is too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const PARTS: [&str; 3] = ["subject", "body", "voicemail"];

/// The line that begins a channel's part of a draft.
fn heading(c: Channel) -> &'static str {
    match c {
        Channel::Phone => "Call",
        Channel::Email => "E-mail",
        Channel::Chat => "Chat",
        Channel::Portal => "Portal",
        Channel::Mail => "Letter",
    }
}

impl Drafter {
    pub fn new(rules: &Rules) -> Result<Drafter, String> {
        let mut env = environment();
        env.set_fuel(Some(rules.drafts.fuel));
        let builtin: toml::Table =
            toml::from_str(BUILTIN).map_err(|e| format!("built-in templates: {e}"))?;
        // The shared parts first: every template after them has them written in place.
        let mut parts = Vec::new();
        if let Some(toml::Value::Table(table)) = builtin.get("part") {
            for (name, text) in table {
                if let toml::Value::String(text) = text {
                    parts.push((format!("{{% include \"part/{name}\" %}}"), text.clone()));
                    env.add_template_owned(format!("part/{name}"), text.clone())
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        for (kind, value) in &builtin {
            let toml::Value::Table(table) = value else {
                continue;
            };
            if kind == "part" {
                continue;
            }
            for s in sources(kind, table)? {
                env.add_template_owned(format!("builtin/{}", s.name), inline(&s.text, &parts))
                    .map_err(|e| e.to_string())?;
            }
        }
        for s in &rules.templates {
            let kind = s.name.split('.').next().unwrap_or_default();
            env.add_template_owned(s.name.clone(), inline(&s.text, &parts))
                .map_err(|e| format!("[templates.{kind}]: {e}"))?;
        }
        let channels = std::iter::once(None).chain(Channel::ALL.map(Some));
        let table = |lang: Option<&str>| -> Vec<[Option<String>; 3]> {
            Kind::ALL
                .iter()
                .flat_map(|&k| {
                    let env = &env;
                    channels.clone().map(move |c| {
                        PARTS.map(|part| {
                            lang.and_then(|l| language_name(env, k, c, l, part))
                                .or_else(|| template_name(env, k, c, part))
                        })
                    })
                })
                .collect()
        };
        let names = table(None);
        let by_language: Vec<(String, Vec<[Option<String>; 3]>)> = languages(rules)
            .into_iter()
            .map(|l| {
                let t = table(Some(&l));
                (l, t)
            })
            .collect();
        let c = &rules.contact;
        let shared = Arc::new(Shared {
            department: Value::from(rules.defaults.department.as_str()),
            contact: Value::from_pairs([
                ("email", opt(&c.email)),
                ("phone", opt(&c.phone)),
                ("web", opt(&c.web)),
            ]),
            ways: Value::from(ways(rules)),
            last_note_public: rules.drafts.last_note_public,
        });
        let agents = rules
            .agents
            .keys()
            .map(|id| (id.clone(), agent(id, &agent_name(rules, id))))
            .collect();
        // Each template compiled once, however many kinds, channels and languages use it.
        let mut slots = Slots::default();
        let mut programs = Vec::new();
        let mut compiled: HashMap<String, Option<usize>> = HashMap::new();
        let mut named = |table: Vec<[Option<String>; 3]>| -> Vec<[Option<Named>; 3]> {
            table
                .into_iter()
                .map(|row| {
                    row.map(|name| {
                        let name = name?;
                        let program = *compiled.entry(name.clone()).or_insert_with(|| {
                            let p = Program::compile(&env, &name, &mut slots)?;
                            programs.push(p);
                            Some(programs.len() - 1)
                        });
                        Some(Named { name, program })
                    })
                })
                .collect()
        };
        let names = named(names);
        let by_language = by_language
            .into_iter()
            .map(|(l, t)| (l, named(t)))
            .collect();
        Ok(Drafter {
            env,
            names,
            by_language,
            programs,
            slots,
            shared,
            agents,
            limits: rules.drafts,
        })
    }

    /// `agent` for an action: as `[agents]` names them, else by the assignee's id. A bare
    /// number is a system's user id, and the unassigned queue is no person: neither is a
    /// name to sign with, and the department signs.
    fn signer(&self, a: &Action, rules: &Rules) -> Value {
        if let Some(v) = self.agents.get(a.assignee.as_str()) {
            return v.clone();
        }
        let id = plain(&a.assignee);
        let queue = a.assignee == rules.defaults.unassigned.as_str();
        let name = if is_bare_number(&id) || queue {
            ""
        } else {
            &id
        };
        agent(&id, name)
    }

    /// The draft of one action for its ticket.
    pub fn render(&self, a: &Action, t: &Arc<Ticket>, rules: &Rules) -> Result<Draft, String> {
        let kind = Kind::ALL
            .iter()
            .position(|k| *k == a.kind.drafted_as())
            .unwrap_or(0);
        // The customer's language, when the rules write templates in it (or in its
        // language without the region: `pt` for `pt-BR`).
        let table = t
            .language
            .as_deref()
            .map(crate::config::templates::language)
            .and_then(|l| {
                self.by_language.get(&l).or_else(|| {
                    let primary = l.split('-').next().unwrap_or_default();
                    self.by_language.get(primary)
                })
            })
            .unwrap_or(&self.names);
        let names_of = |c: Option<Channel>| {
            let channel = c
                .and_then(|c| Channel::ALL.iter().position(|x| *x == c))
                .map_or(0, |i| i + 1);
            &table[kind * (Channel::ALL.len() + 1) + channel]
        };
        let names = names_of(a.channel);
        let covered = covering(a, t, rules);
        let context = |covering: Value, agent: Value| {
            Arc::new(Context {
                action: a.clone(),
                ticket: t.clone(),
                tz: a.timezone,
                agent,
                covering,
                shared: self.shared.clone(),
            })
        };
        let agent_value = self.signer(a, rules);
        let first = context(covered.clone(), agent_value.clone());
        // The draft names the absent owner's return once, in its first part: the parts
        // after it say only that they are out.
        let after = if a.covering_for.is_some() {
            let keep = ["id", "name"].map(|k| (k, covered.get_attr(k).unwrap_or_default()));
            context(Value::from_pairs(keep), agent_value)
        } else {
            first.clone()
        };
        let scope = Scope::new(&first, &self.slots);
        let after_scope = a
            .covering_for
            .is_some()
            .then(|| Scope::new(&after, &self.slots));
        let max_bytes = || {
            format!(
                "renders more than [drafts].max_bytes = {} bytes",
                self.limits.max_bytes
            )
        };
        // What is left of [drafts].max_bytes for the draft's next part.
        let left = std::cell::Cell::new(self.limits.max_bytes);
        // Renders part `i` of `names` onto `out` (cleared first): whether the template is.
        let render_in = |later: bool,
                         names: &[Option<Named>; 3],
                         i: usize,
                         out: &mut String|
         -> Result<bool, String> {
            out.clear();
            let Some(named) = &names[i] else {
                return if i == 2 {
                    Ok(false)
                } else {
                    Err(format!("no {} template for {}", PARTS[i], a.kind.name()))
                };
            };
            let name = named.name.as_str();
            let direct = named.program.and_then(|p| self.programs.get(p)).map(|p| {
                let scope = after_scope.as_ref().filter(|_| later).unwrap_or(&scope);
                p.render_into(scope, self.limits.fuel, out)
            });
            if let Some(Ok(())) = direct {
                if out.len() > left.get() {
                    return Err(format!("template {name} {}", max_bytes()));
                }
                left.set(left.get() - out.len());
                return Ok(true);
            }
            let tpl = self.env.get_template(name).map_err(|e| e.to_string())?;
            let mut capped = Capped::new(left.get());
            let ctx = Context::value(if later { &after } else { &first });
            match tpl.render_captured_to(&ctx, &mut capped) {
                Ok(_) => {
                    left.set(left.get() - capped.bytes.len());
                    let text = std::str::from_utf8(&capped.bytes).map_err(|e| e.to_string())?;
                    out.push_str(text);
                    Ok(true)
                }
                Err(_) if capped.full => Err(format!("template {name} {}", max_bytes())),
                Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(format!(
                    "template {name} runs out of [drafts].fuel = {} (a loop that does not end, or one far too long?)",
                    self.limits.fuel
                )),
                Err(e) => Err(format!("template {name}: {e:#}")),
            }
        };
        // Each part is rendered here, then tidied onto the body.
        let mut text = String::with_capacity(1024);
        render_in(false, names, 0, &mut text)?;
        let subject = words(&text);
        let mut body = String::with_capacity(2048);
        match a.channel.filter(|_| !a.kind.is_internal()) {
            None => {
                render_in(false, names, 1, &mut text)?;
                tidy_into(&mut body, &text);
            }
            // One part per channel of the action, in order, each headed by its name: the
            // agent whose chat goes unanswered has the call, its voicemail and the e-mail.
            Some(first) => {
                let mut seen = Vec::new();
                for c in std::iter::once(first).chain(a.fallback_channels.iter().copied()) {
                    if seen.contains(&c) {
                        continue;
                    }
                    let later = !seen.is_empty();
                    if later {
                        body.push_str("\n\n");
                    }
                    seen.push(c);
                    let names = names_of(Some(c));
                    body.push_str(heading(c));
                    body.push('\n');
                    if c != first && matches!(c, Channel::Email | Channel::Portal | Channel::Mail) {
                        if c == Channel::Email
                            && let Some(e) = &t.customer_email
                        {
                            body.push_str("Address: ");
                            body.push_str(&plain(e));
                            body.push('\n');
                        }
                        render_in(later, names, 0, &mut text)?;
                        body.push_str("Subject: ");
                        body.push_str(&words(&text));
                        body.push_str("\n\n");
                    }
                    render_in(later, names, 1, &mut text)?;
                    tidy_part(&mut body, &text);
                    if c == Channel::Phone && render_in(later, names, 2, &mut text)? {
                        body.push_str("\n\nVoicemail\n");
                        tidy_part(&mut body, &text);
                    }
                }
                body.push('\n');
            }
        }
        let name = plain(t.customer.as_deref().unwrap_or_default());
        let name = name.as_ref();
        let reach = match a.channel {
            Some(Channel::Phone) => t.customer_phone.as_deref().map(plain),
            Some(Channel::Email | Channel::Portal | Channel::Chat) => {
                t.customer_email.as_deref().map(plain)
            }
            _ => None,
        };
        let reach = reach.as_deref();
        let to = match (name.is_empty(), reach) {
            (false, Some(r)) if a.channel == Some(Channel::Phone) => format!("{name}, {r}"),
            (false, Some(r)) => format!("{name} <{r}>"),
            (true, Some(r)) => r.to_string(),
            (false, None) => name.to_string(),
            (true, None) => "(no contact details in the export)".into(),
        };
        // The covering colleague reads the owner's work note; the customer never does.
        let note = a
            .covering_for
            .as_ref()
            .and_then(|_| {
                t.last_work_note.clone().or_else(|| {
                    t.last_note
                        .clone()
                        .filter(|_| !self.shared.last_note_public)
                })
            })
            .map(|n| plain(&n).into_owned());
        Ok(Draft {
            to,
            subject,
            body,
            note,
        })
    }
}

/// The languages the rules file writes templates in.
fn languages(rules: &Rules) -> Vec<String> {
    let mut out: Vec<String> = rules
        .templates
        .iter()
        .filter_map(|s| {
            s.name
                .split('.')
                .find(|p| crate::config::templates::is_language(p))
                .map(str::to_string)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A rules file's template of a language for a part: for the kind and channel, then for
/// the kind; none when it writes neither (the default ones are used).
fn language_name(
    env: &Environment<'_>,
    kind: Kind,
    channel: Option<Channel>,
    lang: &str,
    part: &str,
) -> Option<String> {
    let k = kind.name();
    let mut names = Vec::new();
    if let Some(c) = channel {
        names.push(format!("{k}.{}.{lang}.{part}", c.name()));
    }
    names.push(format!("{k}.{lang}.{part}"));
    names.into_iter().find(|n| env.get_template(n).is_ok())
}

/// The most specific template for a part: the rules file's for the kind and channel, then
/// for the kind, then the built-in ones likewise, then an e-mail one.
fn template_name(
    env: &Environment<'_>,
    kind: Kind,
    channel: Option<Channel>,
    part: &str,
) -> Option<String> {
    let k = kind.name();
    let mut names = Vec::new();
    for prefix in ["", "builtin/"] {
        if let Some(c) = channel {
            names.push(format!("{prefix}{k}.{}.{part}", c.name()));
        }
        names.push(format!("{prefix}{k}.{part}"));
    }
    // The last resort only: the rules' own e-mail template is no call script, and an e-mail
    // has no voicemail.
    if part != "voicemail" {
        names.push(format!("builtin/{k}.email.{part}"));
        names.push(format!("{k}.email.{part}"));
    }
    names.into_iter().find(|n| env.get_template(n).is_ok())
}

fn opt(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::from(()), Value::from)
}

/// An assignee the export names by a number only (Freshdesk's `67013469919`).
pub fn is_bare_number(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// The assignees of `actions` a draft cannot name: bare numbers `[agents]` does not list,
/// each once, sorted.
pub fn unnamed<'a>(rules: &Rules, assignees: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = assignees
        .filter(|id| is_bare_number(id) && rules.agent(id).is_none())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn agent(id: &str, name: &str) -> Value {
    Value::from_pairs([("id", Value::from(id)), ("name", Value::from(name))])
}

/// `covering`: the owner an absent agent's colleague covers for, and when they are back.
fn covering(a: &Action, t: &Ticket, rules: &Rules) -> Value {
    let Some(owner) = a.covering_for.as_deref() else {
        return Value::from(());
    };
    let cal_idx = t.calendar.unwrap_or(rules.default_calendar);
    let back = rules
        .agent(owner)
        .map(|ag| ag.back_on(a.contact_date))
        .map(|d| rules.calendar(cal_idx).1.add_bd(d, 0))
        .unwrap_or(a.contact_date);
    Value::from_pairs([
        ("back_on", Value::from(back.to_string())),
        ("id", Value::from(plain(owner).as_ref())),
        (
            "name",
            Value::from(plain(&agent_name(rules, owner)).as_ref()),
        ),
    ])
}

/// A template with the built-in parts it includes written in place: the same text, without
/// an include's cost on every draft.
fn inline(text: &str, parts: &[(String, String)]) -> String {
    let mut text = text.to_string();
    for (include, part) in parts {
        if text.contains(include.as_str()) {
            text = text.replace(include.as_str(), part);
        }
    }
    text
}

/// Runs of white space down to one space.
fn words(text: &str) -> String {
    // Most subjects are printable ASCII with single spaces already: copied whole.
    let b = text.as_bytes();
    let mut after_space = true;
    let spaced = b.iter().all(|&c| {
        let ok = if c == b' ' {
            !after_space
        } else {
            c.is_ascii_graphic()
        };
        after_space = c == b' ';
        ok
    });
    if spaced && !after_space {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Trailing spaces off, runs of spaces inside a line and of blank lines (left by
/// conditionals) down to one: `text` tidied onto `out`, ending in one line break.
fn tidy_into(out: &mut String, text: &str) {
    static TWO_SPACES: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b"  "));
    let bytes = text.as_bytes();
    // The runs of spaces and the line ends are each found in one pass over the whole text
    // (most lines have no run at all), and the bytes between copied whole.
    let mut runs = TWO_SPACES.find_iter(bytes).peekable();
    let base = out.len();
    let mut blank = true;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        let raw = &text[start..end];
        let at = start;
        start = end + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let rest = raw.trim_start();
        if rest.trim_end().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        let indent = raw.len() - rest.len();
        out.push_str(&raw[..indent]);
        let (mut from, line_end) = (at + indent, at + raw.len());
        while let Some(&k) = runs.peek().filter(|&&k| k < line_end) {
            runs.next();
            // A run in the indent is kept, and one inside a run already folded is folded.
            if k < from {
                continue;
            }
            let run = k + 1;
            out.push_str(&text[from..run]);
            from = run
                + bytes[run..line_end]
                    .iter()
                    .take_while(|b| **b == b' ')
                    .count();
        }
        out.push_str(&text[from..line_end]);
        out.truncate(out.trim_end().len());
        out.push('\n');
        blank = false;
    }
    trim_from(out, base);
    out.push('\n');
}

/// `text` tidied onto `out` without its last line break: a part of a draft's body.
fn tidy_part(out: &mut String, text: &str) {
    let base = out.len();
    tidy_into(out, text);
    trim_from(out, base);
}

/// The white space at the end of `out` off, back to `base` at most.
fn trim_from(out: &mut String, base: usize) {
    let keep = out[base..].trim_end().len();
    out.truncate(base + keep);
}

#[cfg(test)]
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    tidy_into(&mut out, text);
    out
}

/// "call us at …, e-mail … or visit …", from `[contact]`.
fn ways(rules: &Rules) -> String {
    let c = &rules.contact;
    let mut parts = Vec::new();
    if let Some(p) = &c.phone {
        parts.push(format!("call us at {p}"));
    }
    if let Some(e) = &c.email {
        parts.push(format!("e-mail {e}"));
    }
    if let Some(w) = &c.web {
        parts.push(format!("visit {w}"));
    }
    match parts.len() {
        0 => "reply to this message".to_string(),
        1 => parts.remove(0),
        n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

fn agent_name(rules: &Rules, id: &str) -> String {
    rules
        .agent(id)
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| id.to_string())
}

#[cfg(test)]
mod tests;
