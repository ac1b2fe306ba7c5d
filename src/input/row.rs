//! One row's cells as a canonical ticket, or the reject that says which field is wrong.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::Reject;
use super::dates::{Dates, Orders, column_of, column_of_extra};
use super::record::Key;
use super::record::{At, Outcome, Updated};
use super::values::{self, Form, Order, Read, Seen, Values};
use crate::config::{Dedupe, Rules};
use crate::ticket::{Channel, Field, Origin, Reach, State, Ticket};

/// Maps rows to tickets: one per thread that parses (its lookups are cached per thread).
pub struct Parser<'r> {
    pub(super) rules: &'r Rules,
    pub(super) values: Values<'r>,
    /// Values that repeat on every row (statuses, channels, zones), looked up once each.
    pub(super) cached: Cached<'r>,
    pub(super) texts: bool,
    /// The keys each field may be read from, in order, and the first (or the field's own
    /// name): looked up once, not for every JSON record.
    pub(super) candidates: [&'r [String]; Field::ALL.len()],
    pub(super) names: [&'r str; Field::ALL.len()],
    /// The extra columns rules count from and test, named once for every ticket.
    pub(super) date_columns: Vec<Arc<str>>,
    pub(super) flag_columns: Vec<Arc<str>>,
    /// The order of day and month each time column is read in, when settled before.
    pub(super) orders: &'r Orders,
    /// What the time columns' values said, for the order of day and month.
    pub(super) dates: RefCell<Dates>,
    /// How many values of each time column were read with an offset (nearly all of most
    /// exports: counted without a borrow), and the column's name.
    pub(super) offsets: Vec<(Cell<u64>, OnceCell<String>)>,
}

impl<'r> Parser<'r> {
    /// `texts`: keep the fields only drafts and `explain` show; `orders`: the order of day
    /// and month of the columns whose values settled it before the read.
    pub fn new(rules: &'r Rules, texts: bool, orders: &'r Orders) -> Parser<'r> {
        let candidates: [&[String]; Field::ALL.len()] =
            Field::ALL.map(|f| rules.input.columns.get(&f).map_or(&[][..], Vec::as_slice));
        Parser {
            rules,
            values: Values::new(&rules.input),
            cached: Cached::new(&rules.input),
            texts,
            candidates,
            names: Field::ALL.map(|f| {
                candidates[f as usize]
                    .first()
                    .map_or(f.name(), String::as_str)
            }),
            date_columns: rules
                .date_columns
                .iter()
                .map(|c| Arc::from(c.as_str()))
                .collect(),
            flag_columns: rules
                .flag_columns
                .iter()
                .map(|c| Arc::from(c.as_str()))
                .collect(),
            orders,
            dates: RefCell::default(),
            offsets: (0..column_of_extra(rules.date_columns.len()))
                .map(|_| Default::default())
                .collect(),
        }
    }

    /// What the time columns' values said since the last time asked.
    pub fn take_dates(&self) -> Dates {
        let mut dates = std::mem::take(&mut *self.dates.borrow_mut());
        for (c, (n, name)) in self.offsets.iter().enumerate() {
            let n = n.take();
            if n > 0 {
                dates.offset(c, name.get().map_or("", String::as_str), n);
            }
        }
        dates
    }

    /// A time column's value (column `c`, named `name`), noted for the column's order of
    /// day and month.
    fn read<T>(
        &self,
        c: usize,
        name: &str,
        key: Key,
        s: &str,
        read: impl FnOnce(&Values<'r>, Option<Order>) -> Read<T>,
    ) -> Result<T, String> {
        let r = read(&self.values, self.orders.get(c).copied().flatten());
        if r.form == Some(Form::Offset) && r.seen == Seen::Nothing {
            self.count_offset(c, name);
        } else {
            self.dates
                .borrow_mut()
                .note(c, name, key, s, &r, &self.values.listed);
        }
        r.value
    }

    /// A value of column `c` read with an offset: counted for `check` (which reads with the
    /// texts), not for a plain plan, whose hot path it would only slow.
    fn count_offset(&self, c: usize, name: &str) {
        if !self.texts {
            return;
        }
        if let Some((n, named)) = self.offsets.get(c) {
            n.set(n.get() + 1);
            named.get_or_init(|| name.to_string());
        }
    }

    /// Whether an extra column is kept: always with texts, else when a rule reads it.
    pub(super) fn wants_extra(&self, column: &str) -> bool {
        self.texts
            || self
                .rules
                .date_columns
                .iter()
                .chain(&self.rules.flag_columns)
                .any(|c| c.eq_ignore_ascii_case(column))
    }

    /// One row's cells as a ticket, or why not. `cells` and the `extra` values are
    /// trimmed, and left out when absent (`Values::present`).
    /// When a rejected row says it was updated (event logs only: elsewhere it is not
    /// needed).
    pub(super) fn updated(
        &self,
        cells: &[Option<&str>; Field::ALL.len()],
        ticket: &Result<Box<Ticket>, Box<Reject>>,
    ) -> Updated {
        if ticket.is_ok() || self.rules.input.dedupe == Dedupe::Reject {
            return Updated::Absent;
        }
        match cells[Field::UpdatedAt as usize] {
            None => Updated::Absent,
            Some(s) => self.values.time(s).map_or(Updated::Unreadable, Updated::At),
        }
    }

    pub(super) fn outcome(
        &self,
        at: At<'_>,
        names: &[impl AsRef<str>],
        cells: &[Option<&str>; Field::ALL.len()],
        present: &[(&Arc<str>, &str)],
        known: u8,
    ) -> Result<Box<Ticket>, Box<Reject>> {
        let mut t = self.ticket(at, names, cells)?;
        // The contact details the export has, and which this ticket fills: a channel whose
        // column is there but blank cannot reach the customer.
        t.reach.known = known;
        for c in [Channel::Phone, Channel::Email, Channel::Mail] {
            if Reach::field(c).is_some_and(|f| cells[f as usize].is_some()) {
                t.reach.has |= Reach::bit(c);
            }
        }
        let public = self.rules.drafts.last_note_public;
        if asking(public).any(|f| cells[f as usize].is_some()) {
            t.reach.has |= Reach::ASK;
        }
        self.rule_columns(at, &mut t, present)?;
        // The other columns only drafts and `explain` show.
        if self.texts {
            t.extra = present
                .iter()
                .map(|(k, v)| (Arc::clone(k), v.to_string()))
                .collect();
        }
        Ok(t)
    }

    /// Parses the extra columns the rules read: dates steps count from, yes/no conditions.
    /// `extra` are the columns the mapping does not use, present (trimmed, not null); a
    /// rule's column is found by its exact name, else in any case (as `Ticket::extra`).
    pub(super) fn rule_columns(
        &self,
        at: At<'_>,
        t: &mut Ticket,
        extra: &[(&Arc<str>, &str)],
    ) -> Result<(), Box<Reject>> {
        let fail = |col: &str, value: &str, reason: String| {
            Box::new(at.reject(Some(&t.id), col, value, reason))
        };
        let find = |col: &str| {
            extra
                .iter()
                .find(|(k, _)| &***k == col)
                .or_else(|| extra.iter().find(|(k, _)| k.eq_ignore_ascii_case(col)))
                .map(|(_, v)| *v)
        };
        let mut dates = Vec::new();
        for (i, col) in self.date_columns.iter().enumerate() {
            if let Some(v) = find(col) {
                let d = self
                    .read(column_of_extra(i), col, at.key(), v, |x, o| {
                        x.date_or_time_in(v, o)
                    })
                    .map_err(|e| fail(col, v, e))?;
                dates.push((Arc::clone(col), d));
            }
        }
        let mut flags = Vec::new();
        for col in &self.flag_columns {
            if let Some(v) = find(col) {
                let b = values::boolean(v).map_err(|e| fail(col, v, e))?;
                flags.push((Arc::clone(col), b));
            }
        }
        t.dates = dates;
        t.flags = flags;
        Ok(())
    }

    /// Maps the cells of one row to a ticket, or says which field is wrong: one statement
    /// per field, in the order of SPEC §2, so the whole mapping reads in one place.
    pub(super) fn ticket(
        &self,
        at: At<'_>,
        names: &[impl AsRef<str>],
        cells: &[Option<&str>; Field::ALL.len()],
    ) -> Result<Box<Ticket>, Box<Reject>> {
        let column = |f: Field| names[f as usize].as_ref();
        let get = |f: Field| cells[f as usize];
        let id = get(Field::Id);
        let fail = |f: Field, value: &str, reason: String| {
            Box::new(at.reject(id, column(f), value, reason))
        };
        let required = |f: Field| {
            get(f).ok_or_else(|| fail(f, "", format!("{} is required but blank", column(f))))
        };
        let id = required(Field::Id)?;
        let status = required(Field::Status)?;
        // A status with its detail ("On Hold" and "Awaiting Caller") is read as
        // "On Hold - Awaiting Caller" when that is mapped, else as the status alone.
        let combined = get(Field::StatusDetail).map(|d| format!("{status} - {d}"));
        let (status, state): (compact_str::CompactString, State) =
            match combined.and_then(|c| self.cached.state(&c).map(|s| (c.into(), s))) {
                Some(found) => found,
                None => {
                    let state = self
                        .cached
                        .state(status)
                        .ok_or_else(|| fail(Field::Status, status, self.cached.unmapped(status)))?;
                    (status.into(), state)
                }
            };
        let read_time = |f: Field, s: &str| {
            // Nearly every time of an export is RFC 3339: counted and read at once.
            if let Some(x) = crate::time::fast_rfc3339(s) {
                self.count_offset(column_of(f), column(f));
                return Ok(x);
            }
            self.read(column_of(f), column(f), at.key(), s, |x, o| x.time_in(s, o))
        };
        let time = |f: Field| -> Result<Option<DateTime<Utc>>, Box<Reject>> {
            get(f)
                .map(|s| read_time(f, s).map_err(|e| fail(f, s, e)))
                .transpose()
        };
        let opened = required(Field::OpenedAt)?;
        let opened_at =
            read_time(Field::OpenedAt, opened).map_err(|e| fail(Field::OpenedAt, opened, e))?;
        // Texts only drafts and `explain` show are left out when not wanted.
        let text = |f: Field| {
            get(f)
                .filter(|_| self.texts && f.is_text())
                .map(str::to_string)
        };
        // Boxed: a ticket passes through several hands before it is planned.
        let mut t = Box::new(Ticket::new(id, state, opened_at));
        t.status = status;
        t.kind = get(Field::Type).map(Into::into);
        t.origin = match get(Field::Channel) {
            None => Origin::Absent,
            Some(raw) => match self.cached.channel(raw) {
                Some(c) => Origin::Known(c),
                None => Origin::Unknown(raw.to_string()),
            },
        };
        t.subject = text(Field::Subject);
        t.customer = text(Field::Customer);
        t.customer_email = text(Field::CustomerEmail);
        t.customer_phone = text(Field::CustomerPhone);
        t.customer_address = text(Field::CustomerAddress);
        t.language = text(Field::Language);
        t.customer_tz = get(Field::CustomerTz)
            .map(|s| {
                self.cached
                    .zone(s)
                    .map_err(|e| fail(Field::CustomerTz, s, e))
            })
            .transpose()?;
        t.segment = get(Field::CustomerSegment)
            .map(|s| values::segment(s).map_err(|e| fail(Field::CustomerSegment, s, e)))
            .transpose()?;
        t.customer_ooo_until = get(Field::CustomerOooUntil)
            .map(|s| {
                let c = column_of(Field::CustomerOooUntil);
                self.read(c, column(Field::CustomerOooUntil), at.key(), s, |x, o| {
                    x.date_in(s, o)
                })
                .map_err(|e| fail(Field::CustomerOooUntil, s, e))
            })
            .transpose()?;
        t.callback_requested = get(Field::CallbackRequested)
            .map(|s| values::boolean(s).map_err(|e| fail(Field::CallbackRequested, s, e)))
            .transpose()?
            .unwrap_or(false);
        t.preferred_time = get(Field::PreferredTime)
            .map(|s| values::time_of_day(s).map_err(|e| fail(Field::PreferredTime, s, e)))
            .transpose()?;
        t.calendar = get(Field::Calendar)
            .map(|s| {
                self.rules.calendar_index(s).ok_or_else(|| {
                    let names: Vec<&str> = self
                        .rules
                        .calendars
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect();
                    fail(
                        Field::Calendar,
                        s,
                        format!(
                            "no calendar \"{s}\" in the rules or the built-in holidays; known: {}, or a country or subdivision code such as US or DE-BY (`followup calendars list`)",
                            names.join(", ")
                        ),
                    )
                })
            })
            .transpose()?;
        t.customer_country = get(Field::CustomerCountry).map(Into::into);
        if t.calendar.is_none()
            && let Some(code) = get(Field::CustomerCountry)
        {
            t.calendar = Some(self.rules.code_calendar(code).ok_or_else(|| {
                fail(
                    Field::CustomerCountry,
                    code,
                    "not a country or subdivision code of the built-in holidays (ISO 3166, e.g. US, DE, DE-BY; `followup calendars list`)".to_string(),
                )
            })?);
        }
        t.owner = get(Field::Owner).map(Into::into);
        t.updated_at = time(Field::UpdatedAt)?;
        t.awaiting_since = time(Field::AwaitingSince)?;
        t.last_customer_reply_at = time(Field::LastCustomerReplyAt)?;
        t.attempts = get(Field::Attempts)
            .map(|s| values::count(s).map_err(|e| fail(Field::Attempts, s, e)))
            .transpose()?;
        t.last_attempt_at = time(Field::LastAttemptAt)?;
        if t.attempts.unwrap_or(0) > 0 && t.last_attempt_at.is_none() {
            let n = t.attempts.unwrap_or(0).to_string();
            return Err(fail(
                Field::LastAttemptAt,
                "",
                format!(
                    "{n} attempts are recorded but {} is blank; give the time of the latest attempt",
                    column(Field::LastAttemptAt)
                ),
            ));
        }
        t.reactivation_at = get(Field::ReactivationAt)
            .map(|s| {
                let c = column_of(Field::ReactivationAt);
                self.read(c, column(Field::ReactivationAt), at.key(), s, |x, o| {
                    x.date_or_time_in(s, o)
                })
                .map_err(|e| fail(Field::ReactivationAt, s, e))
            })
            .transpose()?;
        t.resolved_at = time(Field::ResolvedAt)?;
        t.last_followup_at = time(Field::LastFollowupAt)?;
        t.last_note = text(Field::LastNote);
        t.pending_info = text(Field::PendingInfo);
        t.last_public_comment = text(Field::LastPublicComment);
        t.last_work_note = text(Field::LastWorkNote);
        t.cadence = get(Field::Cadence)
            .map(|s| crate::time::Span::parse(s).map_err(|e| fail(Field::Cadence, s, e)))
            .transpose()?;
        Ok(t)
    }
}

/// Lookups of values that repeat from row to row, by their exact text.
pub(super) struct Cached<'r> {
    pub(super) rules: &'r crate::config::InputRules,
    pub(super) states: RefCell<FxHashMap<Box<str>, Option<State>>>,
    pub(super) channels: RefCell<FxHashMap<Box<str>, Option<crate::ticket::Channel>>>,
    pub(super) zones: RefCell<FxHashMap<Box<str>, Result<chrono_tz::Tz, String>>>,
    /// What to say of a status no mapping knows.
    pub(super) unmapped: RefCell<FxHashMap<Box<str>, String>>,
}

/// How many distinct values a cache keeps: exports repeat a few; a column of unique text
/// would otherwise grow it row by row.
pub(super) const CACHE_LIMIT: usize = 4096;

pub(super) fn cached<T: Clone>(
    map: &RefCell<FxHashMap<Box<str>, T>>,
    key: &str,
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(v) = map.borrow().get(key) {
        return v.clone();
    }
    let v = compute();
    let mut m = map.borrow_mut();
    if m.len() < CACHE_LIMIT {
        m.insert(Box::from(key), v.clone());
    }
    v
}

impl<'r> Cached<'r> {
    pub(super) fn new(rules: &'r crate::config::InputRules) -> Self {
        Cached {
            rules,
            states: RefCell::default(),
            channels: RefCell::default(),
            zones: RefCell::default(),
            unmapped: RefCell::default(),
        }
    }

    /// Why a status is not read, and the mapping that would read it: to the state of the
    /// closest known status or state name, when one is close; else the states to choose
    /// from.
    pub(super) fn unmapped(&self, raw: &str) -> String {
        cached(&self.unmapped, raw, || {
            let names = State::ALL.map(State::name);
            let known = self
                .rules
                .status
                .keys()
                .map(String::as_str)
                .chain(names.iter().copied());
            let guess = status_like(raw, known).and_then(|k| {
                let state = self.rules.status.get(k).copied().or(State::from_name(k))?;
                Some((k, state))
            });
            match guess {
                Some((k, state)) => format!(
                    "status \"{raw}\" is not mapped to a state; the closest known status is \"{k}\" ({}); if \"{raw}\" means that too, add it under [input.status]: {} = [\"{raw}\"]",
                    state.name(),
                    state.name()
                ),
                None => format!(
                    "status \"{raw}\" is not mapped to a state; add it under [input.status] to the state it means, one of {}: <state> = [\"{raw}\"]",
                    names.join(", ")
                ),
            }
        })
    }

    pub(super) fn state(&self, raw: &str) -> Option<State> {
        cached(&self.states, raw, || {
            self.rules.status.get(&raw.to_lowercase()).copied()
        })
    }

    pub(super) fn channel(&self, raw: &str) -> Option<crate::ticket::Channel> {
        cached(&self.channels, raw, || {
            self.rules.channels.get(&raw.to_lowercase()).copied()
        })
    }

    pub(super) fn zone(&self, raw: &str) -> Result<chrono_tz::Tz, String> {
        cached(&self.zones, raw, || values::zone(raw))
    }
}

/// What the records read on the reading thread teach: the export's key for each field (from
/// the first record) and the key each record used (for messages).
pub(super) struct Learn<'a> {
    pub(super) columns: &'a mut std::collections::BTreeMap<Field, String>,
    pub(super) names: &'a mut [String],
}

/// One JSON record as its id and ticket (or reject).
/// One JSON record parsed: its id, ticket (or reject), the required keys it lacks, and
/// when a rejected one was updated.
pub(super) fn json_outcome(
    parser: &Parser<'_>,
    at: At<'_>,
    raw: &[u8],
    v: Value,
    mut learn: Option<Learn<'_>>,
) -> Outcome {
    let outcome = |id, ticket, lacks, updated| Outcome {
        line: at.line,
        record: at.record,
        id,
        ticket,
        lacks,
        updated,
    };
    let Value::Object(obj) = v else {
        let r = at.reject(None, "", "", "expected an object of ticket fields");
        return outcome(None, Err(Box::new(r)), None, Updated::Absent);
    };
    // Only a record longer than a field, or with a NUL escape, can hold an unfit value.
    let max = parser.rules.input.max_field;
    let suspect = raw.len() > max || memchr::memmem::find(raw, b"\\u0000").is_some();
    if suspect && let Some((key, why)) = unfit(&obj, max) {
        let id = obj
            .get(parser.names[Field::Id as usize])
            .and_then(|v| scalar(v).ok().flatten())
            .filter(|s| s.len() <= parser.rules.input.max_field && !s.contains('\0'));
        let r = at.reject(id.as_deref(), key, "", why);
        return outcome(None, Err(Box::new(r)), None, Updated::Absent);
    }
    // Which required fields the record has no key for: a record without one is rejected,
    // an export none of whose records has one is a mapping to fix.
    let mut lacks = [false; Field::REQUIRED.len()];
    for (i, f) in Field::REQUIRED.iter().enumerate() {
        lacks[i] = !parser.candidates[*f as usize]
            .iter()
            .any(|c| lookup(&obj, c).is_some());
    }
    let mut cells: [Option<Cow<str>>; Field::ALL.len()] = std::array::from_fn(|_| None);
    // Messages name the key this record used (rarely not the first candidate).
    let mut names = parser.names;
    let mut used: Vec<&str> = Vec::new();
    let id_of = |cells: &[Option<Cow<str>>; Field::ALL.len()]| {
        cells[Field::Id as usize]
            .as_deref()
            .and_then(|s| parser.values.present(s))
            .map(CompactString::from)
    };
    for f in Field::ALL {
        let Some((col, (key, value))) = parser.candidates[f as usize]
            .iter()
            .find_map(|c| lookup(&obj, c).map(|hit| (c, hit)))
        else {
            continue;
        };
        if let Some(l) = learn.as_mut() {
            if at.record == 1 && !l.columns.contains_key(&f) {
                l.columns.insert(f, col.clone());
            }
            if l.names[f as usize] != *col {
                l.names[f as usize] = col.clone();
            }
        }
        names[f as usize] = col;
        used.push(key);
        match scalar(value) {
            Ok(s) => cells[f as usize] = s,
            Err(kind) => {
                let id = cells[Field::Id as usize].as_deref();
                let r = at.reject(
                    id,
                    col,
                    "",
                    format!("expected a single value, found {kind}"),
                );
                return outcome(
                    id_of(&cells),
                    Err(Box::new(r)),
                    Some(lacks),
                    Updated::Absent,
                );
            }
        }
    }
    let mut present: [Option<&str>; Field::ALL.len()] = [None; Field::ALL.len()];
    for (p, cell) in present.iter_mut().zip(&cells) {
        *p = cell.as_deref().and_then(|s| parser.values.present(s));
    }
    if let Some(i) = lacks.iter().position(|l| *l) {
        let f = Field::REQUIRED[i];
        let key = parser.names[f as usize];
        let id = cells[Field::Id as usize]
            .as_deref()
            .and_then(|s| parser.values.present(s));
        let r = at.reject(
            id,
            key,
            "",
            format!(
                "the record has no \"{key}\" key; give it one, or map {} to the export's key under [input.columns]",
                f.name()
            ),
        );
        let ticket = Err(Box::new(r));
        let updated = parser.updated(&present, &ticket);
        return outcome(id_of(&cells), ticket, Some(lacks), updated);
    }
    let owned: Vec<(Arc<str>, Cow<str>)> = obj
        .iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .filter(|(k, _)| parser.wants_extra(k))
        .filter_map(|(k, v)| Some((Arc::from(k.as_str()), scalar(v).ok().flatten()?)))
        .collect();
    let extra: Vec<(&Arc<str>, &str)> = owned
        .iter()
        .filter_map(|(k, v)| Some((k, parser.values.present(v)?)))
        .collect();
    let known = contact_columns(
        |f| {
            parser.candidates[f as usize]
                .iter()
                .any(|c| lookup(&obj, c).is_some())
        },
        parser.rules.drafts.last_note_public,
    );
    let ticket = parser.outcome(at, &names, &present, &extra, known);
    let updated = parser.updated(&present, &ticket);
    outcome(id_of(&cells), ticket, Some(lacks), updated)
}

/// Why a JSON record's text cannot be read, as `csv::unfit` says of a row: a string longer
/// than `[input].max_field_bytes`, or one holding a NUL. The top-level key it is under, and
/// the reason.
fn unfit(obj: &serde_json::Map<String, Value>, max: usize) -> Option<(&str, String)> {
    fn why(v: &Value, max: usize) -> Option<String> {
        match v {
            Value::String(s) if s.len() > max => Some(format!(
                "the field is {} bytes, longer than [input].max_field_bytes ({max}); raise the limit if the export is right",
                s.len()
            )),
            Value::String(s) if s.contains('\0') => Some(
                "the field holds a NUL byte, which no text holds: the export is damaged; fix the record or re-export"
                    .to_string(),
            ),
            Value::Array(xs) => xs.iter().find_map(|x| why(x, max)),
            Value::Object(m) => m.values().find_map(|x| why(x, max)),
            _ => None,
        }
    }
    obj.iter().find_map(|(k, v)| {
        let bad = if k.len() > max || k.contains('\0') {
            why(&Value::String(k.clone()), max)
        } else {
            why(v, max)
        };
        Some((k.as_str(), bad?))
    })
}

/// The `Reach::known` bits of the fields `has` says the source has: each channel's contact,
/// and what we ask the customer (`last_note` counts when it is public).
pub(super) fn contact_columns(has: impl Fn(Field) -> bool, public: bool) -> u8 {
    let contacts = [Channel::Phone, Channel::Email, Channel::Mail]
        .into_iter()
        .filter(|&c| Reach::field(c).is_some_and(&has))
        .fold(0, |bits, c| bits | Reach::bit(c));
    if asking(public).any(has) {
        contacts | Reach::ASK
    } else {
        contacts
    }
}

/// The fields that say what we ask the customer.
fn asking(public: bool) -> impl Iterator<Item = Field> {
    [Field::PendingInfo, Field::LastPublicComment]
        .into_iter()
        .chain(public.then_some(Field::LastNote))
}

/// The value at a key, or at a dotted path (`requester.time_zone`), with the top-level key used.
pub(super) fn lookup<'v>(
    obj: &'v serde_json::Map<String, Value>,
    col: &str,
) -> Option<(&'v str, &'v Value)> {
    if let Some((k, v)) = obj.get_key_value(col) {
        return Some((k.as_str(), v));
    }
    let mut parts = col.split('.');
    let (key, mut cur) = obj.get_key_value(parts.next()?)?;
    let mut nested = false;
    for p in parts {
        cur = cur.get(p)?;
        nested = true;
    }
    nested.then_some((key.as_str(), cur))
}

/// A JSON value as cell text: `None` for null, `Err` (naming the kind) for arrays and objects.
pub(super) fn scalar(v: &Value) -> Result<Option<Cow<'_, str>>, &'static str> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(Cow::Borrowed(s.as_str()))),
        Value::Bool(b) => Ok(Some(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Value::Number(n) => Ok(Some(Cow::Owned(n.to_string()))),
        Value::Array(_) => Err("a list"),
        Value::Object(_) => Err("an object"),
    }
}

/// The known status a raw value most likely means: one that holds it or that it holds (as
/// "Awaiting" and "awaiting caller"), else one a typo or two away. Statuses are short words:
/// a looser likeness would guess wrong ("Frozen" is not "open").
fn status_like<'k>(raw: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let r = norm(raw);
    known
        .filter_map(|k| {
            let n = norm(k);
            let (short, long) = if n.len() < r.len() {
                (&n, &r)
            } else {
                (&r, &n)
            };
            let score = if short.len() >= 4 && long.contains(short.as_str()) {
                long.len() - short.len()
            } else {
                let d = strsim::osa_distance(&r, &n);
                if r.len() < 5 || d > 2 {
                    return None;
                }
                100 + d
            };
            Some((score, k))
        })
        .min()
        .map(|(_, k)| k)
}
