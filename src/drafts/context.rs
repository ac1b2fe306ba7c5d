//! What a template sees (the variables listed in README.md), as objects that look a value
//! up when the template asks for it: nothing is built for a variable no template reads, and
//! drafting costs what the template does.

use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use chrono_tz::Tz;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};

use crate::engine::{Action, Detail};
use crate::output::{plain, reason};
use crate::ticket::{Field, Ticket};
use crate::time;

/// The values of the rules every draft shares, built once per run.
#[derive(Debug)]
pub struct Shared {
    pub department: Value,
    pub contact: Value,
    pub ways: Value,
    /// `[drafts].last_note = "public"`.
    pub last_note_public: bool,
}

/// One draft's variables: the action, its ticket, and what the rules say of its people.
#[derive(Debug)]
pub struct Context {
    pub action: Action,
    pub ticket: Arc<Ticket>,
    pub tz: Tz,
    /// `agent`: `{id, name}`.
    pub agent: Value,
    /// `covering`: `{id, name, back_on}`, or none.
    pub covering: Value,
    pub shared: Arc<Shared>,
}

impl Context {
    /// The context as MiniJinja reads it.
    pub fn value(c: &Arc<Context>) -> Value {
        let part = |w| Value::from_object(Part::new(c.clone(), w));
        Value::from_object(Root {
            parts: [
                part(Which::Ticket),
                part(Which::Customer),
                part(Which::Action),
            ],
            c: c.clone(),
        })
    }

    /// A variable as MiniJinja would find it in `value`: undefined where it finds nothing,
    /// and none where it would fail (an attribute of an undefined value).
    pub fn look_up(self: &Arc<Self>, key: &Key) -> Option<Value> {
        Some(match key {
            Key::Part(w) => Value::from_object(Part::new(self.clone(), *w)),
            Key::Top(top, None) => top_value(self, *top),
            Key::Top(top, Some(a)) => top_value(self, *top).get_attr(a).ok()?,
            Key::Ticket(k) => ticket(self, *k),
            Key::Customer(k) => customer(self, *k),
            Key::Action(k) => action(self, k).unwrap_or(Value::UNDEFINED),
            Key::Undefined => Value::UNDEFINED,
        })
    }
}

/// A variable a template names, a top-level name or an attribute of one (`ticket.id`),
/// found among the context's names once, when the template is compiled.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Part(Which),
    Top(Top, Option<Box<str>>),
    Ticket(TicketKey),
    Customer(CustomerKey),
    Action(&'static str),
    /// An attribute of a part that it does not have.
    Undefined,
}

impl Key {
    /// The key of `root` or `root.attr`, when `root` is one of `NAMES`.
    pub fn of(root: &str, attr: Option<&str>) -> Option<Key> {
        let part = match root {
            "ticket" => Which::Ticket,
            "customer" => Which::Customer,
            "action" => Which::Action,
            _ => return Some(Key::Top(Top::of(root)?, attr.map(Box::from))),
        };
        let Some(attr) = attr else {
            return Some(Key::Part(part));
        };
        let found = match part {
            Which::Ticket => TicketKey::of(attr).map(Key::Ticket),
            Which::Customer => CustomerKey::of(attr).map(Key::Customer),
            _ => action_key(attr).map(Key::Action),
        };
        Some(found.unwrap_or(Key::Undefined))
    }
}

/// The names at the top of the context other than its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Top {
    Agent,
    Covering,
    Department,
    Contact,
    Ways,
    Complaint,
}

impl Top {
    fn of(name: &str) -> Option<Top> {
        Some(match name {
            "agent" => Top::Agent,
            "covering" => Top::Covering,
            "department" => Top::Department,
            "contact" => Top::Contact,
            "ways" => Top::Ways,
            "complaint" => Top::Complaint,
            _ => return None,
        })
    }
}

fn top_value(c: &Context, top: Top) -> Value {
    match top {
        Top::Agent => c.agent.clone(),
        Top::Covering => c.covering.clone(),
        Top::Department => c.shared.department.clone(),
        Top::Contact => c.shared.contact.clone(),
        Top::Ways => c.shared.ways.clone(),
        Top::Complaint => Value::from(c.action.ticket_type.eq_ignore_ascii_case("complaint")),
    }
}

/// The names at the top of the context, sorted.
const NAMES: [&str; 9] = [
    "action",
    "agent",
    "complaint",
    "contact",
    "covering",
    "customer",
    "department",
    "ticket",
    "ways",
];

/// The top of the context, with its parts made once: templates name them again and again.
#[derive(Debug)]
struct Root {
    c: Arc<Context>,
    parts: [Value; 3],
}

/// A part of the context: `ticket`, `ticket.extra`, `customer` or `action`.
#[derive(Debug)]
struct Part {
    c: Arc<Context>,
    which: Which,
}

impl Part {
    fn new(c: Arc<Context>, which: Which) -> Part {
        Part { c, which }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Which {
    Ticket,
    Extra,
    Customer,
    Action,
}

impl Object for Root {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "ticket" => Some(self.parts[0].clone()),
            "customer" => Some(self.parts[1].clone()),
            "action" => Some(self.parts[2].clone()),
            name => Some(top_value(&self.c, Top::of(name)?)),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&NAMES)
    }
}

/// An export value as a template sees it: data on one line (`output::plain`).
fn value(s: &str) -> Value {
    Value::from(plain(s).as_ref())
}

fn text(s: Option<String>) -> Value {
    s.as_deref().map_or(Value::UNDEFINED, value)
}

fn some_text(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::UNDEFINED, value)
}

fn date(d: NaiveDate) -> Value {
    Value::from(d.to_string())
}

impl Object for Part {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.look_up(key.as_str()?)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let c = &self.c;
        match self.which {
            Which::Ticket => Enumerator::Str(ticket_keys()),
            Which::Extra => {
                let mut keys: Vec<&str> = c.ticket.extra.iter().map(|(k, _)| &**k).collect();
                keys.sort_unstable();
                keys.dedup();
                Enumerator::Values(keys.into_iter().map(Value::from).collect())
            }
            Which::Customer => Enumerator::Str(&[
                "email",
                "local_date",
                "local_time",
                "local_weekday",
                "name",
                "phone",
                "timezone",
            ]),
            Which::Action => Enumerator::Str(action_keys(&c.action.detail)),
        }
    }
}

impl Part {
    fn look_up(&self, key: &str) -> Option<Value> {
        let (c, which) = (&self.c, self.which);
        match which {
            Which::Ticket => Some(ticket(c, TicketKey::of(key)?)),
            Which::Extra => c
                .ticket
                .extra
                .iter()
                .find(|(k, _)| &**k == key)
                .map(|(_, v)| value(v)),
            Which::Customer => Some(customer(c, CustomerKey::of(key)?)),
            Which::Action => action(c, key),
        }
    }
}

/// Every canonical field, `state`, `type` and `extra`, sorted.
fn ticket_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut k: Vec<&'static str> = Field::ALL.iter().map(|f| f.name()).collect();
        k.extend(["state", "type", "extra", "asked_on"]);
        k.sort_unstable();
        k.dedup();
        k
    })
}

/// A name `ticket` has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TicketKey {
    State,
    Type,
    Extra,
    AskedOn,
    LastPublicComment,
    LastWorkNote,
    Field(Field),
}

impl TicketKey {
    fn of(key: &str) -> Option<TicketKey> {
        Some(match key {
            "state" => TicketKey::State,
            "type" => TicketKey::Type,
            "extra" => TicketKey::Extra,
            "asked_on" => TicketKey::AskedOn,
            "last_public_comment" => TicketKey::LastPublicComment,
            "last_work_note" => TicketKey::LastWorkNote,
            _ => TicketKey::Field(Field::from_name(key)?),
        })
    }
}

fn ticket(c: &Arc<Context>, key: TicketKey) -> Value {
    let t = &c.ticket;
    let public = c.shared.last_note_public;
    // A work note read to a customer is a breach: a draft the customer sees has none, in
    // the built-in templates and a rules file's alike.
    let facing = !c.action.kind.is_internal();
    match key {
        TicketKey::State => Value::from(t.state.name()),
        TicketKey::Type => value(&c.action.ticket_type),
        TicketKey::Extra => Value::from_object(Part::new(c.clone(), Which::Extra)),
        // When we asked: the day the ticket went to awaiting the customer, their date.
        TicketKey::AskedOn => t.awaiting_since.map_or(Value::UNDEFINED, |x| {
            date(x.with_timezone(&c.tz).date_naive())
        }),
        TicketKey::Field(Field::LastNote) if facing && !public => Value::UNDEFINED,
        TicketKey::LastWorkNote if facing => Value::UNDEFINED,
        TicketKey::LastPublicComment => text(
            t.last_public_comment
                .clone()
                .or_else(|| t.last_note.clone().filter(|_| public)),
        ),
        TicketKey::LastWorkNote => text(
            t.last_work_note
                .clone()
                .or_else(|| t.last_note.clone().filter(|_| !public)),
        ),
        TicketKey::Field(f) => t.text_ref(f, c.tz).map_or(Value::UNDEFINED, |s| value(&s)),
    }
}

/// A name `customer` has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CustomerKey {
    Name,
    Email,
    Phone,
    Timezone,
    LocalDate,
    LocalTime,
    LocalWeekday,
}

impl CustomerKey {
    fn of(key: &str) -> Option<CustomerKey> {
        Some(match key {
            "name" => CustomerKey::Name,
            "email" => CustomerKey::Email,
            "phone" => CustomerKey::Phone,
            "timezone" => CustomerKey::Timezone,
            "local_date" => CustomerKey::LocalDate,
            "local_time" => CustomerKey::LocalTime,
            "local_weekday" => CustomerKey::LocalWeekday,
            _ => return None,
        })
    }
}

fn customer(c: &Context, key: CustomerKey) -> Value {
    let t = &c.ticket;
    let local = || c.action.suggested_at.with_timezone(&c.tz);
    match key {
        CustomerKey::Name => some_text(&t.customer),
        CustomerKey::Email => some_text(&t.customer_email),
        CustomerKey::Phone => some_text(&t.customer_phone),
        CustomerKey::Timezone => Value::from(c.tz.name()),
        CustomerKey::LocalDate => date(local().date_naive()),
        CustomerKey::LocalTime => {
            let l = local();
            Value::from(format!("{:02}:{:02}", l.hour(), l.minute()))
        }
        CustomerKey::LocalWeekday => Value::from(weekday_name(local().weekday())),
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

const ACTION: [&str; 14] = [
    "channel",
    "contact_date",
    "due_date",
    "fallback_channels",
    "id",
    "kind",
    "last_strike",
    "missed",
    "overdue_days",
    "reason",
    "step",
    "suggested_at",
    "window_end",
    "window_start",
];

/// A resolution's attempts, each with its number, day and channel: from the strikes the
/// runs issued (the ledger) when they account for every attempt, else from the export, which
/// dates the last one only.
fn attempt_list(r: &crate::engine::Resolution, t: &Ticket) -> Vec<Value> {
    let logged = t.attempt_log.len() == r.attempts as usize;
    (1..=r.attempts)
        .map(|n| {
            let (when, channel) = match t.attempt_log.get(n as usize - 1).filter(|_| logged) {
                Some(&(d, c)) => (
                    date(d),
                    c.map_or(Value::UNDEFINED, |c| Value::from(c.name())),
                ),
                None if n == r.attempts => (date(r.last_attempt), Value::UNDEFINED),
                None => (Value::UNDEFINED, Value::UNDEFINED),
            };
            Value::from_pairs([
                ("channel", channel),
                ("date", when),
                ("number", Value::from(n)),
            ])
        })
        .collect()
}

/// The keys of `action` for its kind: the common ones and its detail's, sorted.
fn action_keys(d: &Detail) -> &'static [&'static str] {
    let i = match d {
        Detail::None => 0,
        Detail::Strike { .. } => 1,
        Detail::CheckIn { .. } => 2,
        Detail::Resolve(_) => 3,
        Detail::Hold { .. } => 4,
    };
    &every_action_keys()[i]
}

/// `key` as a key of `action` of some kind.
fn action_key(key: &str) -> Option<&'static str> {
    every_action_keys()
        .iter()
        .flatten()
        .copied()
        .find(|k| *k == key)
}

fn every_action_keys() -> &'static [Vec<&'static str>; 5] {
    static KEYS: OnceLock<[Vec<&'static str>; 5]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let with = |extra: &[&'static str]| {
            let mut k: Vec<&'static str> = ACTION.to_vec();
            k.extend_from_slice(extra);
            k.sort_unstable();
            k.dedup();
            k
        };
        [
            with(&[]),
            with(&["count", "resolution_date"]),
            with(&["count"]),
            with(&[
                "attempt_list",
                "attempts",
                "close_code",
                "close_notes",
                "resolve_status",
            ]),
            with(&["hold_status", "reactivation_date"]),
        ]
    })
}

fn action(c: &Context, key: &str) -> Option<Value> {
    let a = &c.action;
    let at = |t| Value::from(time::rfc3339_in(t, c.tz));
    let common = match key {
        "id" => Some(value(&a.id())),
        "kind" => Some(Value::from(a.kind.name())),
        "step" => Some(Value::from(a.step)),
        "channel" => Some(
            a.channel
                .map_or(Value::UNDEFINED, |ch| Value::from(ch.name())),
        ),
        "fallback_channels" => Some(Value::from(
            a.fallback_channels
                .iter()
                .map(|ch| Value::from(ch.name()))
                .collect::<Vec<_>>(),
        )),
        "due_date" => Some(date(a.due_date)),
        "overdue_days" => Some(Value::from(a.overdue_days)),
        "contact_date" => Some(date(a.contact_date)),
        "suggested_at" => Some(at(a.suggested_at)),
        "window_start" => Some(at(a.window_start)),
        "window_end" => Some(at(a.window_end)),
        "reason" => Some(Value::from(reason::text(a))),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match (&a.detail, key) {
        (
            Detail::Strike {
                resolution_date, ..
            },
            "last_strike",
        ) => Some(Value::from(resolution_date.is_some())),
        (_, "last_strike") => Some(Value::from(false)),
        (Detail::CheckIn { missed, .. }, "missed") => Some(Value::from(
            missed
                .iter()
                .map(|(n, d)| Value::from_pairs([("date", date(*d)), ("step", Value::from(*n))]))
                .collect::<Vec<_>>(),
        )),
        (_, "missed") => Some(Value::from(Vec::<Value>::new())),
        (Detail::Strike { count, .. }, "count") | (Detail::CheckIn { of: count, .. }, "count") => {
            Some(Value::from(*count))
        }
        (
            Detail::Strike {
                resolution_date, ..
            },
            "resolution_date",
        ) => Some(resolution_date.map_or(Value::UNDEFINED, date)),
        (Detail::Resolve(r), _) => match key {
            "resolve_status" => Some(Value::from(&*r.status)),
            "close_code" => Some(Value::from(&*r.close_code)),
            "close_notes" => Some(Value::from(reason::close_notes(r))),
            "attempts" => Some(Value::from(r.attempts)),
            "attempt_list" => Some(Value::from(attempt_list(r, &c.ticket))),
            _ => None,
        },
        (
            Detail::Hold {
                status,
                reactivation_date,
            },
            _,
        ) => match key {
            "hold_status" => Some(Value::from(&**status)),
            "reactivation_date" => Some(date(*reactivation_date)),
            _ => None,
        },
        _ => None,
    }
}
