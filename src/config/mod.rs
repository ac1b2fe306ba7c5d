//! The rules file: parsing, validation, and the resolved `Rules` the engine reads.
//!
//! Every check happens here, before the first row is read, and every error points at the
//! file, line and column of the value that is wrong.

pub mod file;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use toml::Spanned;

use crate::input::presets;
use crate::ticket::{Channel, Field, State};
use crate::time::{
    Calendar, Interval, Span, Unit, parse_interval, parse_weekday, parse_zone, subtract,
};
use crate::util::{closest, line_col};
pub use file::File;

/// One problem in a rules file, with where it is.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every problem found in a rules file.
#[derive(Debug)]
pub struct RulesError {
    pub path: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.path, p.line, p.column, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

/// Format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
}

impl Format {
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dedupe {
    Reject,
    Last,
}

/// How rows are read.
#[derive(Debug)]
pub struct InputRules {
    pub preset: String,
    /// The text encoding of exports (UTF-8 unless `[input].encoding` says otherwise).
    pub encoding: &'static encoding_rs::Encoding,
    pub format: Option<Format>,
    pub timezone: Tz,
    pub date_formats: Vec<String>,
    pub null_values: Vec<String>,
    pub dedupe: Dedupe,
    /// Export column names to try per canonical field, in order (`[input.columns]`, else
    /// the preset's).
    pub columns: BTreeMap<Field, Vec<String>>,
    /// Lower-cased raw status → state.
    pub status: HashMap<String, State>,
    /// Lower-cased raw channel → channel.
    pub channels: HashMap<String, Channel>,
}

#[derive(Debug)]
pub struct StrikeRules {
    pub count: u32,
    pub first_after_bd: u32,
    pub spacing_bd: u32,
    pub resolve_after_bd: u32,
    /// Shared with every hold and resolution planned.
    pub hold_status: Arc<str>,
    pub resolve_status: Arc<str>,
    pub close_code: Arc<str>,
    /// Ladder rows per origin channel; `None` key is the `default` row.
    pub ladder: HashMap<Option<Channel>, Vec<Vec<Channel>>>,
}

impl StrikeRules {
    /// The channels of strike `n` (1-based) for a ticket of this origin (SPEC §4.5).
    pub fn channels(
        &self,
        origin: Option<Channel>,
        n: u32,
        callback_requested: bool,
    ) -> crate::ticket::Channels {
        let rows = self.ladder.get(&origin).or_else(|| self.ladder.get(&None));
        let row = rows
            .and_then(|r| r.get(n.saturating_sub(1) as usize).or(r.last()))
            .map_or(&[Channel::Email][..], Vec::as_slice);
        // Phone only for portal customers who asked for a call; rows never repeat a channel.
        let portal = origin == Some(Channel::Portal) && !callback_requested;
        row.iter()
            .copied()
            .filter(|c| !(portal && *c == Channel::Phone))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub id: String,
    pub name: Option<String>,
    pub cover: Option<String>,
    /// Actions a day (`[agents.<id>].capacity`).
    pub capacity: Option<u32>,
    /// Inclusive date ranges.
    pub out: Vec<(NaiveDate, NaiveDate)>,
}

impl Agent {
    pub fn is_out(&self, d: NaiveDate) -> bool {
        self.out.iter().any(|(a, b)| *a <= d && d <= *b)
    }

    /// The first day on or after `d` on which the agent is in.
    pub fn back_on(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while self.is_out(day) {
            day = day.succ_opt().unwrap_or(day);
            if day == NaiveDate::MAX {
                break;
            }
        }
        day
    }
}

/// What a follow-up step counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Field(Field),
    /// A date column of the export that is not a canonical field.
    Column(String),
}

impl Anchor {
    pub fn name(&self) -> &str {
        match self {
            Anchor::Field(f) => f.name(),
            Anchor::Column(c) => c,
        }
    }
}

/// One follow-up step of a ticket type (SPEC §5).
#[derive(Debug, Clone)]
pub struct Step {
    pub after: Span,
    pub from: Anchor,
    /// Days of slack (`0d` when not given).
    pub window: Span,
    pub only_if: Option<String>,
    /// `None` is `same`: the ticket's origin channel.
    pub channel: Option<Channel>,
    /// The rule in words ("7d after opened_at"), written once for every check-in's reason.
    pub what: Arc<str>,
}

impl Step {
    fn what(after: Span, from: &Anchor) -> Arc<str> {
        if after.amount < 0 {
            let back = Span {
                amount: -after.amount,
                unit: after.unit,
            };
            format!("{back} before {}", from.name()).into()
        } else {
            format!("{after} after {}", from.name()).into()
        }
    }
}

/// The follow-up policy of one ticket type.
#[derive(Debug, Clone, Default)]
pub struct TicketType {
    pub name: String,
    pub alert: bool,
    /// Recurring check-ins: the cadence (a ticket's own `cadence` overrides it).
    pub every: Option<Span>,
    /// The slack of recurring check-ins.
    pub window: Option<Span>,
    /// The channel of recurring check-ins; `None` is the ticket's own medium.
    pub channel: Option<Channel>,
    pub steps: Vec<Step>,
}

/// The validated policy. Built once per run; the engine reads nothing else.
#[derive(Debug)]
pub struct Rules {
    /// Where the rules came from, for messages.
    pub path: String,
    /// The file as read, defaults filled in (`rules show`).
    pub file: File,
    pub default_tz: Tz,
    pub calendars: Vec<(String, Calendar)>,
    pub default_calendar: usize,
    /// `[hours].business` minus quiet hours, per channel (by `Channel::index`).
    pub channel_windows: [Vec<Interval>; 5],
    /// `[hours].business` alone, for internal actions.
    pub internal_windows: Vec<Interval>,
    pub strikes: StrikeRules,
    pub input: InputRules,
    pub agents: BTreeMap<String, Agent>,
    pub types: Vec<TicketType>,
    /// Preferred e-mail weekdays of business and consumer customers.
    pub email_days: [[bool; 7]; 2],
    /// Export columns the types read as dates (`from`) and as conditions (`only_if`).
    pub date_columns: Vec<String>,
    pub flag_columns: Vec<String>,
    /// What `rules check` warns about: valid, but probably not meant.
    pub warnings: Vec<Problem>,
}

impl Rules {
    pub fn calendar_index(&self, name: &str) -> Option<usize> {
        self.calendars.iter().position(|(n, _)| n == name)
    }

    /// The export's first column for a field (`[input.columns]`, else the preset's).
    pub fn column_name(&self, f: Field) -> String {
        self.input
            .columns
            .get(&f)
            .and_then(|c| c.first())
            .cloned()
            .unwrap_or_else(|| f.name().to_string())
    }

    /// Whether any agent has a capacity, so that actions are levelled.
    pub fn levels(&self) -> bool {
        self.file.defaults.capacity.is_some() || self.agents.values().any(|a| a.capacity.is_some())
    }

    /// How many actions an assignee can do in a day, if limited.
    pub fn capacity(&self, assignee: &str) -> Option<u32> {
        self.agent(assignee)
            .and_then(|a| a.capacity)
            .or(self.file.defaults.capacity)
    }

    /// The type a ticket's `type` names (exact, else case-insensitive), else `default`.
    pub fn ticket_type(&self, name: Option<&str>) -> Option<&TicketType> {
        let by = |n: &str| {
            self.types
                .iter()
                .find(|t| t.name == n)
                .or_else(|| self.types.iter().find(|t| t.name.eq_ignore_ascii_case(n)))
        };
        name.and_then(by).or_else(|| by("default"))
    }

    pub fn windows(&self, channel: Channel) -> &[Interval] {
        &self.channel_windows[channel.index()]
    }

    /// The agent an owner value names: by id, else by display name (case-insensitive).
    pub fn agent(&self, owner: &str) -> Option<&Agent> {
        self.agents.get(owner).or_else(|| {
            self.agents.values().find(|a| {
                a.id.eq_ignore_ascii_case(owner)
                    || a.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(owner))
            })
        })
    }

    /// Parses and validates a rules file's text.
    pub fn parse(path: &str, text: &str) -> Result<Rules, RulesError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            let message = e.message().trim().to_string();
            let message = if message.starts_with("unknown field") {
                format!("{message}; remove it or check its spelling (see `followup rules show`)")
            } else {
                message
            };
            RulesError {
                path: path.to_string(),
                problems: vec![Problem {
                    line,
                    column,
                    message,
                }],
            }
        })?;
        let mut v = Validator {
            text,
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        let mut rules = v.rules(path, file);
        rules.warnings = v.warnings;
        if v.problems.is_empty() {
            Ok(rules)
        } else {
            let mut problems = v.problems;
            problems.sort_by_key(|p| (p.line, p.column));
            Err(RulesError {
                path: path.to_string(),
                problems,
            })
        }
    }

    /// The starter rules file written by `rules init`: the bundled policy.
    pub const STARTER: &'static str = include_str!("../../rules.toml");
}

/// The default mapping of raw status values (SPEC §2).
pub const DEFAULT_STATUS: &[(&str, State)] = &[
    ("new", State::Open),
    ("open", State::Open),
    ("active", State::Open),
    ("in progress", State::Open),
    ("work in progress", State::Open),
    ("pending", State::AwaitingCustomer),
    ("awaiting caller", State::AwaitingCustomer),
    ("on hold - awaiting caller", State::AwaitingCustomer),
    ("awaiting user info", State::AwaitingCustomer),
    ("waiting for customer", State::AwaitingCustomer),
    ("waiting on customer", State::AwaitingCustomer),
    ("on hold", State::OnHold),
    ("hold", State::OnHold),
    ("resolved", State::Resolved),
    ("solved", State::Resolved),
    ("closed", State::Closed),
    ("canceled", State::Canceled),
    ("cancelled", State::Canceled),
];

/// The default mapping of raw channel values (SPEC §2).
pub const DEFAULT_CHANNELS: &[(&str, Channel)] = &[
    ("phone", Channel::Phone),
    ("email", Channel::Email),
    ("chat", Channel::Chat),
    ("portal", Channel::Portal),
    ("mail", Channel::Mail),
    ("voice", Channel::Phone),
    ("call", Channel::Phone),
    ("ivr", Channel::Phone),
    ("e-mail", Channel::Email),
    ("web", Channel::Portal),
    ("web form", Channel::Portal),
    ("self-service", Channel::Portal),
    ("self service", Channel::Portal),
    ("messaging", Channel::Chat),
    ("im", Channel::Chat),
    ("letter", Channel::Mail),
    ("post", Channel::Mail),
];

struct Validator<'t> {
    text: &'t str,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Validator<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    fn zone(&mut self, key: &str, v: &Spanned<String>) -> Tz {
        match parse_zone(v.get_ref()) {
            Some(tz) => tz,
            None => {
                let hint = closest_zone_hint(v.get_ref());
                self.err(
                    v.span(),
                    format!("{key}: unknown time zone \"{}\"{hint}", v.get_ref()),
                );
                Tz::UTC
            }
        }
    }

    fn intervals(&mut self, key: &str, xs: &[Spanned<String>]) -> Vec<Interval> {
        let mut out: Vec<(Interval, Range<usize>)> = Vec::new();
        for x in xs {
            match parse_interval(x.get_ref()) {
                Ok(i) => out.push((i, x.span())),
                Err(e) => self.err(x.span(), format!("{key}: {e}")),
            }
        }
        out.sort_by_key(|(i, _)| *i);
        for pair in out.windows(2) {
            if pair[1].0.start < pair[0].0.end {
                self.err(
                    pair[1].1.clone(),
                    format!(
                        "{key}: {} overlaps {}; merge them into one range",
                        pair[1].0, pair[0].0
                    ),
                );
            }
        }
        out.into_iter().map(|(i, _)| i).collect()
    }

    fn channel(&mut self, key: &str, v: &Spanned<String>) -> Option<Channel> {
        let c = Channel::from_name(&v.get_ref().to_ascii_lowercase());
        if c.is_none() {
            self.err(
                v.span(),
                format!(
                    "{key}: unknown channel \"{}\"; channels are phone, email, chat, portal, mail",
                    v.get_ref()
                ),
            );
        }
        c
    }

    fn date(&mut self, key: &str, span: Range<usize>, s: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(
                    span,
                    format!("{key}: \"{s}\" is not a date; write YYYY-MM-DD, e.g. 2026-12-25"),
                );
                None
            }
        }
    }

    fn span_value(&mut self, key: &str, v: &Spanned<String>) -> Option<Span> {
        match Span::parse(v.get_ref()) {
            Ok(s) => Some(s),
            Err(e) => {
                self.err(v.span(), format!("{key}: {e}"));
                None
            }
        }
    }

    fn weekdays(&mut self, key: &str, xs: &[Spanned<String>]) -> [bool; 7] {
        let mut days = [false; 7];
        for x in xs {
            match parse_weekday(x.get_ref()) {
                Some(w) => days[w.num_days_from_monday() as usize] = true,
                None => self.err(
                    x.span(),
                    format!(
                        "{key}: \"{}\" is not a weekday; write mon, tue, wed, thu, fri, sat or sun",
                        x.get_ref()
                    ),
                ),
            }
        }
        days
    }

    fn rules(&mut self, path: &str, mut file: File) -> Rules {
        let default_tz = self.zone("[defaults].timezone", &file.defaults.timezone.clone());

        // Calendars; "default" (Monday to Friday) exists unless the file defines it.
        let mut calendars = Vec::new();
        for (name, def) in &file.calendars {
            let key = format!("[calendars.{}]", name.get_ref());
            let workdays = self.weekdays(&format!("{key}.workdays"), &def.workdays);
            if !workdays.iter().any(|w| *w) {
                self.err(name.span(), format!("{key}: no workdays; list at least one, e.g. workdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]"));
            }
            let mut holidays = Vec::new();
            for h in &def.holidays {
                let text = match h.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
                        d.to_string()
                    }
                    other => other.to_string(),
                };
                if let Some(d) = self.date(&format!("{key}.holidays"), h.span(), &text) {
                    holidays.push(d);
                }
            }
            calendars.push((name.get_ref().clone(), Calendar::new(workdays, holidays)));
        }
        if !calendars.iter().any(|(n, _)| n == "default")
            && file.defaults.calendar.get_ref() == "default"
        {
            let mut wd = [true; 7];
            wd[5] = false;
            wd[6] = false;
            calendars.push(("default".into(), Calendar::new(wd, Vec::new())));
        }
        let default_calendar = match calendars
            .iter()
            .position(|(n, _)| n == file.defaults.calendar.get_ref())
        {
            Some(i) => i,
            None => {
                let names: Vec<&str> = calendars.iter().map(|(n, _)| n.as_str()).collect();
                self.err(
                    file.defaults.calendar.span(),
                    format!(
                        "[defaults].calendar: no calendar \"{}\"; define [calendars.{}] or use one of: {}",
                        file.defaults.calendar.get_ref(),
                        file.defaults.calendar.get_ref(),
                        if names.is_empty() { "(none defined)".to_string() } else { names.join(", ") }
                    ),
                );
                0
            }
        };

        // Hours and quiet hours → windows per channel.
        let business = self.intervals("[hours].business", file.hours.business.get_ref());
        if business.is_empty() && self.problems.is_empty() {
            self.err(file.hours.business.span(), "[hours].business: no business hours; give at least one range, e.g. [\"09:00-17:00\"]");
        }
        let mut quiet_all = Vec::new();
        let mut quiet: HashMap<Channel, (Vec<Interval>, Range<usize>)> = HashMap::new();
        for (key, xs) in &file.quiet_hours {
            let name = format!("[quiet_hours].{}", key.get_ref());
            let iv = self.intervals(&name, xs);
            if key.get_ref() == "all" {
                quiet_all = iv;
            } else if let Some(c) = self.channel("[quiet_hours]", key) {
                quiet.insert(c, (iv, key.span()));
            }
        }
        let after_all = subtract(&business, &quiet_all);
        let channel_windows = Channel::ALL.map(|c| match quiet.get(&c) {
            Some((iv, _)) => subtract(&after_all, iv),
            None => after_all.clone(),
        });
        for c in Channel::ALL {
            if channel_windows[c.index()].is_empty() && !business.is_empty() {
                let span = quiet.get(&c).map(|(_, s)| s.clone()).unwrap_or(0..0);
                self.err(
                    span,
                    format!(
                        "[quiet_hours]: channel {c} has no window left on any day ([hours].business minus quiet hours is empty); shorten the quiet hours"
                    ),
                );
            }
        }

        let input = self.input(&file.input);
        let strikes = self.strikes(&mut file.strikes);
        let email_days = self.segments(&mut file);
        let types = self.types(&file);
        let mut date_columns: Vec<String> = Vec::new();
        let mut flag_columns: Vec<String> = Vec::new();
        for step in types.iter().flat_map(|t| &t.steps) {
            if let Anchor::Column(c) = &step.from
                && !date_columns.contains(c)
            {
                date_columns.push(c.clone());
            }
            if let Some(c) = &step.only_if
                && Field::from_name(c).is_none()
                && !flag_columns.contains(c)
            {
                flag_columns.push(c.clone());
            }
        }
        let agents = self.agents(&file);
        self.templates(&file);

        Rules {
            path: path.to_string(),
            default_tz,
            calendars,
            default_calendar,
            channel_windows,
            internal_windows: business,
            strikes,
            input,
            agents,
            types,
            email_days,
            date_columns,
            flag_columns,
            warnings: Vec::new(),
            file,
        }
    }

    fn input(&mut self, i: &file::Input) -> InputRules {
        let preset = match presets::get(i.preset.get_ref()) {
            Some(p) => p,
            None => {
                self.err(
                    i.preset.span(),
                    format!(
                        "[input].preset: unknown preset \"{}\"; presets are {}",
                        i.preset.get_ref(),
                        presets::NAMES.join(", ")
                    ),
                );
                &presets::GENERIC
            }
        };
        let format = i.format.as_ref().and_then(|f| {
            let x = Format::from_name(f.get_ref());
            if x.is_none() {
                self.err(
                    f.span(),
                    format!(
                        "[input].format: \"{}\" is not a format; use csv, json or ndjson",
                        f.get_ref()
                    ),
                );
            }
            x
        });
        let timezone = self.zone("[input].timezone", &i.timezone);
        let encoding = match encoding_rs::Encoding::for_label(
            i.encoding.get_ref().trim().as_bytes(),
        ) {
            Some(e) => e,
            None => {
                self.err(
                    i.encoding.span(),
                    format!(
                        "[input].encoding: \"{}\" is not an encoding; use \"utf-8\" or \"windows-1252\" (as Excel saves CSV), or another WHATWG label",
                        i.encoding.get_ref()
                    ),
                );
                encoding_rs::UTF_8
            }
        };
        let mut date_formats: Vec<String> = Vec::new();
        for f in &i.date_formats {
            let bad = chrono::format::StrftimeItems::new(f.get_ref())
                .any(|item| matches!(item, chrono::format::Item::Error));
            if bad || f.get_ref().trim().is_empty() {
                self.err(f.span(), format!("[input].date_formats: \"{}\" is not a valid format; use strftime codes such as %Y-%m-%d %H:%M", f.get_ref()));
            } else {
                date_formats.push(f.get_ref().clone());
            }
        }
        let dedupe = match i.dedupe.get_ref().as_str() {
            "reject" => Dedupe::Reject,
            "last" => Dedupe::Last,
            other => {
                self.err(
                    i.dedupe.span(),
                    format!(
                        "[input].dedupe: \"{other}\" is not a choice; use \"reject\" or \"last\""
                    ),
                );
                Dedupe::Reject
            }
        };
        for f in preset.date_formats {
            if !date_formats.iter().any(|x| x == f) {
                date_formats.push(f.to_string());
            }
        }
        let mut columns: BTreeMap<Field, Vec<String>> = Field::ALL
            .iter()
            .map(|f| {
                (
                    *f,
                    preset
                        .candidates(*f)
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, c)| !c.is_empty())
            .collect();
        for (k, v) in &i.columns {
            match Field::from_name(k.get_ref()) {
                Some(f) => {
                    columns.insert(f, vec![v.clone()]);
                }
                None => {
                    let hint = closest(k.get_ref(), Field::ALL.iter().map(|f| f.name()))
                        .map(|c| format!("; did you mean \"{c}\"?"))
                        .unwrap_or_default();
                    self.err(
                        k.span(),
                        format!(
                            "[input.columns]: \"{}\" is not a ticket field{hint}",
                            k.get_ref()
                        ),
                    );
                }
            }
        }
        let mut status: HashMap<String, State> = DEFAULT_STATUS
            .iter()
            .chain(preset.status)
            .map(|(k, s)| (k.to_string(), *s))
            .collect();
        for (k, vals) in &i.status {
            match State::from_name(k.get_ref()) {
                Some(s) => {
                    for v in vals {
                        status.insert(v.trim().to_lowercase(), s);
                    }
                }
                None => self.err(
                    k.span(),
                    format!("[input.status]: \"{}\" is not a state; states are open, awaiting_customer, on_hold, resolved, closed, canceled", k.get_ref()),
                ),
            }
        }
        let mut channels: HashMap<String, Channel> = DEFAULT_CHANNELS
            .iter()
            .chain(preset.channels)
            .map(|(k, c)| (k.to_string(), *c))
            .collect();
        for (k, vals) in &i.channels {
            if let Some(c) = self.channel("[input.channels]", k) {
                for v in vals {
                    channels.insert(v.trim().to_lowercase(), c);
                }
            }
        }
        InputRules {
            preset: i.preset.get_ref().clone(),
            encoding,
            format,
            timezone,
            date_formats,
            null_values: i
                .null_values
                .iter()
                .cloned()
                .chain(preset.null_values.iter().map(|n| n.to_string()))
                .collect(),
            dedupe,
            columns,
            status,
            channels,
        }
    }

    fn strikes(&mut self, s: &mut file::Strikes) -> StrikeRules {
        let count = *s.count.get_ref();
        if count == 0 {
            self.err(
                s.count.span(),
                "[strikes].count: must be at least 1 (the seed process uses 3)",
            );
        }
        if s.ladder.is_empty() {
            s.ladder = file::default_ladder(count);
        }
        let mut ladder = HashMap::new();
        for (key, rows) in &s.ladder {
            let origin = if key.get_ref() == "default" {
                None
            } else {
                match self.channel("[strikes.ladder]", key) {
                    Some(c) => Some(c),
                    None => continue,
                }
            };
            let name = format!("[strikes.ladder].{}", key.get_ref());
            if (rows.get_ref().len() as u64) < u64::from(count) {
                self.err(
                    rows.span(),
                    format!(
                        "{name}: {} rows for {count} strikes; give one row of channels per strike",
                        rows.get_ref().len()
                    ),
                );
            }
            let mut parsed = Vec::new();
            for (i, row) in rows.get_ref().iter().enumerate() {
                if row.is_empty() {
                    self.err(
                        rows.span(),
                        format!("{name}: row {} is empty; list at least one channel", i + 1),
                    );
                }
                let mut cs: Vec<Channel> = Vec::new();
                for c in row {
                    if let Some(ch) = self.channel(&name, c) {
                        if cs.contains(&ch) {
                            self.err(
                                c.span(),
                                format!("{name}: {ch} appears twice in row {}", i + 1),
                            );
                        } else {
                            cs.push(ch);
                        }
                    }
                }
                parsed.push(cs);
            }
            ladder.insert(origin, (parsed, rows.span()));
        }
        if !ladder.contains_key(&None) {
            let span = s.ladder.keys().next().map(|k| k.span()).unwrap_or(0..0);
            self.err(span, "[strikes.ladder]: no `default` row; add one for tickets whose channel has no row of its own");
        }
        // Portal tickets drop phone unless the customer asked for a call: their rows need another channel.
        if let Some((rows, span)) = ladder
            .get(&Some(Channel::Portal))
            .or_else(|| ladder.get(&None))
            && let Some(i) = rows
                .iter()
                .position(|r| !r.is_empty() && r.iter().all(|c| *c == Channel::Phone))
        {
            self.err(
                    span.clone(),
                    format!("[strikes.ladder]: row {} reaches portal tickets by phone only, but portal customers are called only on request; add another channel", i + 1),
                );
        }
        StrikeRules {
            count: count.max(1),
            first_after_bd: s.first_after_bd,
            spacing_bd: s.spacing_bd,
            resolve_after_bd: s.resolve_after_bd,
            hold_status: s.hold_status.as_str().into(),
            resolve_status: s.resolve_status.as_str().into(),
            close_code: s.close_code.as_str().into(),
            ladder: ladder.into_iter().map(|(k, (rows, _))| (k, rows)).collect(),
        }
    }

    fn segments(&mut self, f: &mut File) -> [[bool; 7]; 2] {
        for (k, v) in file::default_segments() {
            f.segments.entry(k).or_insert(v);
        }
        let mut days = [[false; 7]; 2];
        for (k, v) in &f.segments {
            let slot = match k.get_ref().as_str() {
                "business" => 0,
                "consumer" => 1,
                _ => {
                    self.err(
                        k.span(),
                        format!(
                            "[segments]: \"{}\" is not a segment; segments are business and consumer",
                            k.get_ref()
                        ),
                    );
                    continue;
                }
            };
            days[slot] = self.weekdays(
                &format!("[segments.{}].email_days", k.get_ref()),
                &v.email_days,
            );
        }
        days
    }

    fn types(&mut self, f: &File) -> Vec<TicketType> {
        let mut out = Vec::new();
        for (name, t) in &f.types {
            let key = format!("[types.{}]", name.get_ref());
            let every = t.every.as_ref().and_then(|e| {
                let sp = self.span_value(&format!("{key}.every"), e)?;
                if sp.amount <= 0 {
                    self.err(e.span(), format!("{key}.every: must be positive"));
                }
                Some(sp)
            });
            let window = t
                .window
                .as_ref()
                .and_then(|w| self.window(&format!("{key}.window"), w));
            let mut steps = Vec::new();
            for (i, step) in t.steps.iter().enumerate() {
                let sk = format!("{key}.steps[{}]", i + 1);
                let after = self.span_value(&format!("{sk}.after"), &step.after);
                let window = match &step.window {
                    Some(w) => self.window(&format!("{sk}.window"), w),
                    None => Some(Span {
                        amount: 0,
                        unit: Unit::Days,
                    }),
                };
                let from = step.from.get_ref();
                let anchor = match Field::from_name(from) {
                    Some(Field::UpdatedAt) => {
                        self.err(
                            step.from.span(),
                            format!("{sk}.from: updated_at is not an anchor (a follow-up updates the ticket, so the step would never be done); use opened_at, resolved_at or last_customer_reply_at"),
                        );
                        None
                    }
                    Some(field) if !field.is_time() => {
                        self.err(
                            step.from.span(),
                            format!("{sk}.from: {from} is not a date; anchors are opened_at, resolved_at, last_customer_reply_at or a date column of the export"),
                        );
                        None
                    }
                    Some(field) => Some(Anchor::Field(field)),
                    None if from.trim().is_empty() => {
                        self.err(step.from.span(), format!("{sk}.from: name the date the step counts from, e.g. \"resolved_at\""));
                        None
                    }
                    None => Some(Anchor::Column(from.clone())),
                };
                if let Some(c) = &step.only_if
                    && let Some(field) = Field::from_name(c)
                    && field != Field::CallbackRequested
                {
                    self.err(
                        step.from.span(),
                        format!("{sk}.only_if: {c} is not a yes/no field; use callback_requested or a yes/no column of the export"),
                    );
                }
                let channel = match &step.channel {
                    Some(c) if c.get_ref() != "same" => self.channel(&format!("{sk}.channel"), c),
                    _ => None,
                };
                if let (Some(after), Some(from), Some(window)) = (after, anchor, window) {
                    steps.push(Step {
                        what: Step::what(after, &from),
                        after,
                        from,
                        window,
                        only_if: step.only_if.clone(),
                        channel,
                    });
                }
            }
            let channel = match &t.channel {
                Some(c) if c.get_ref() != "same" => self.channel(&format!("{key}.channel"), c),
                _ => None,
            };
            out.push(TicketType {
                name: name.get_ref().clone(),
                alert: t.alert,
                every,
                window,
                channel,
                steps,
            });
        }
        out
    }

    fn window(&mut self, key: &str, w: &Spanned<String>) -> Option<Span> {
        let sp = self.span_value(key, w)?;
        if sp.amount < 0 || !matches!(sp.unit, Unit::Days | Unit::Weeks | Unit::BusinessDays) {
            self.err(
                w.span(),
                format!("{key}: a window is days of slack, e.g. \"0d\", \"7d\", \"2bd\""),
            );
            return None;
        }
        Some(sp)
    }

    fn agents(&mut self, f: &File) -> BTreeMap<String, Agent> {
        let mut out = BTreeMap::new();
        for (id, a) in &f.agents {
            let key = format!("[agents.{}].out", id.get_ref());
            let mut ranges = Vec::new();
            for o in &a.out {
                let text = o.get_ref();
                let (from, to) = text.split_once("..").unwrap_or((text, text));
                if let (Some(x), Some(y)) = (
                    self.date(&key, o.span(), from),
                    self.date(&key, o.span(), to),
                ) {
                    if y < x {
                        self.err(
                            o.span(),
                            format!("{key}: \"{text}\" ends before it starts; write FIRST..LAST"),
                        );
                    } else {
                        ranges.push((x, y));
                    }
                }
            }
            out.insert(
                id.get_ref().clone(),
                Agent {
                    id: id.get_ref().clone(),
                    name: a.name.clone(),
                    cover: a.cover.clone(),
                    capacity: a.capacity,
                    out: ranges,
                },
            );
        }
        out
    }

    fn templates(&mut self, f: &File) {
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
            let sources = match crate::drafts::sources(kind, table) {
                Ok(s) => s,
                Err(e) => {
                    self.err(k.span(), e);
                    continue;
                }
            };
            for src in &sources {
                // The line of the template in the file: where its text starts, when it can
                // be found as written; else the table's header.
                let start = self.text[k.span().start..]
                    .find(src.text.lines().next().unwrap_or(""))
                    .map(|o| k.span().start + o)
                    .filter(|_| !src.text.is_empty())
                    .unwrap_or(k.span().start);
                if let Err((line, msg)) = crate::drafts::compile(&src.text) {
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
                if crate::drafts::CUSTOMER_FACING.contains(&kind) && src.name.ends_with(".body") {
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
    }
}

fn closest_zone_hint(s: &str) -> String {
    crate::time::closest_zone(s)
        .map(|z| format!("; did you mean \"{z}\"?"))
        .unwrap_or_else(|| "; use an IANA name such as \"America/New_York\"".into())
}
