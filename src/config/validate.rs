//! Validation of a rules file: every value checked, with the line and column of what is
//! wrong, and the resolved `Rules` built from what is right.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::NaiveDate;
use chrono_tz::Tz;
use toml::Spanned;

use super::file::{self, File};
use super::{
    Anchor, Contact, DEFAULT_CHANNELS, DEFAULT_STATUS, Dedupe, Defaults, DraftLayout, DraftLimits,
    Format, InputRules, Problem, ReplayRules, Rules, RunRules, Step, StrikeRules, TicketType,
};
use crate::input::presets;
use crate::ticket::{Channel, Field, State};
use crate::time::{Interval, Span, Unit, parse_interval, parse_weekday, parse_zone, subtract};
use crate::util::{closest, line_col};

mod calendars;

pub(super) struct Validator<'t> {
    pub(super) text: &'t str,
    /// The rules file's path: files it names are read beside it.
    pub(super) path: &'t str,
    pub(super) problems: Vec<Problem>,
    pub(super) warnings: Vec<Problem>,
}

impl Validator<'_> {
    pub(super) fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
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

    pub(super) fn rules(&mut self, path: &str, mut file: File) -> Rules {
        let default_tz = self.zone("[defaults].timezone", &file.defaults.timezone.clone());

        let (calendars, default_calendar) = self.calendars(&file);
        let (channel_windows, business) = self.windows(&file);

        let input = self.input(&file.input);
        let strikes = self.strikes(&mut file.strikes);
        let email_days = self.segments(&mut file);
        let types = self.types(&file);
        let (date_columns, flag_columns) = columns_read(&types);
        let desk_day = self.work_day(
            "[defaults].agent_",
            (
                file.defaults.agent_timezone.as_ref(),
                file.defaults.agent_hours.as_ref(),
                file.defaults.agent_calendar.as_ref(),
            ),
            None,
            (&calendars, default_calendar, default_tz, &business),
        );
        let agents = self.agents(
            &file,
            desk_day.as_ref(),
            (&calendars, default_calendar, default_tz, &business),
        );
        let templates = self.templates(&file);
        let (defaults, contact, mut run) = resolved(&file);
        self.run(&file, &mut run);
        let replay = self.replay(&file);
        let report_template = self.report_template(&file);

        let last_note_public = match file.drafts.last_note.get_ref().as_str() {
            "public" => true,
            "internal" => false,
            other => {
                self.err(
                    file.drafts.last_note.span(),
                    format!("[drafts].last_note: \"{other}\" is not a choice; use \"internal\" (a work note, never shown to the customer) or \"public\" (what the customer was told)"),
                );
                false
            }
        };
        let drafts = DraftLimits {
            fuel: file.drafts.fuel.max(1),
            max_bytes: usize::try_from(file.drafts.max_bytes.max(1)).unwrap_or(usize::MAX),
            last_note_public,
        };
        Rules {
            path: path.to_string(),
            defaults,
            contact,
            run,
            replay,
            desk_day,
            report_template,
            drafts,
            templates,
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

    /// `[hours].business` minus the quiet hours, per channel; and the business hours alone.
    fn windows(&mut self, file: &File) -> ([Vec<Interval>; 5], Vec<Interval>) {
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

        (channel_windows, business)
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
        let delimiter = match i.delimiter.get_ref().as_str() {
            "auto" => None,
            "," => Some(b','),
            ";" => Some(b';'),
            "\t" | "tab" => Some(b'\t'),
            "|" => Some(b'|'),
            other => {
                self.err(
                    i.delimiter.span(),
                    format!("[input].delimiter: \"{other}\" is not a delimiter; use \"auto\", \",\", \";\", \"\\t\" (or \"tab\") or \"|\""),
                );
                None
            }
        };
        let (max_field, max_row) = self.limits(i);
        let (columns, status, channels) = self.mappings(i, preset);
        InputRules {
            preset: i.preset.get_ref().clone(),
            encoding,
            format,
            timezone,
            date_formats,
            date_formats_at: match i.date_formats.first() {
                Some(f) if f.span() != (0..0) => format!(
                    "[input].date_formats, line {} of the rules file",
                    line_col(self.text, f.span().start).0
                ),
                _ => "[input].date_formats, not set in the rules file: the default".to_string(),
            },
            null_values: i
                .null_values
                .iter()
                .cloned()
                .chain(preset.null_values.iter().map(|n| n.to_string()))
                .collect(),
            dedupe,
            delimiter,
            sheet: i.sheet.clone(),
            max_field,
            max_row,
            columns,
            status,
            channels,
        }
    }

    /// `[input].max_field_bytes` and `max_row_bytes`: at least 1, a field within a row, and
    /// a row within 1 GiB (a longer one is no export).
    fn limits(&mut self, i: &file::Input) -> (usize, usize) {
        const MOST: u64 = 1 << 30;
        let (field, row) = (*i.max_field_bytes.get_ref(), *i.max_row_bytes.get_ref());
        for (name, v, span) in [
            ("max_field_bytes", field, i.max_field_bytes.span()),
            ("max_row_bytes", row, i.max_row_bytes.span()),
        ] {
            if v == 0 || v > MOST {
                self.err(
                    span,
                    format!("[input].{name}: {v} is out of range; give a number of bytes from 1 to {MOST} (the default: 1048576 for a field, 4194304 for a row)"),
                );
            }
        }
        if field > row {
            self.err(
                i.max_field_bytes.span(),
                format!("[input].max_field_bytes ({field}) is more than max_row_bytes ({row}); a field is part of a row: raise max_row_bytes too"),
            );
        }
        let clamp = |v: u64| usize::try_from(v.clamp(1, MOST)).unwrap_or(usize::MAX);
        (clamp(field), clamp(row))
    }

    /// The export's column for each field, and the raw statuses and channels mapped:
    /// the preset's, then the rules file's over them.
    #[allow(clippy::type_complexity)]
    fn mappings(
        &mut self,
        i: &file::Input,
        preset: &presets::Preset,
    ) -> (
        BTreeMap<Field, Vec<String>>,
        HashMap<String, State>,
        HashMap<String, Channel>,
    ) {
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
        (columns, status, channels)
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
}

impl Validator<'_> {
    /// `[run].mode` and `[run].drafts`.
    fn run(&mut self, file: &File, run: &mut RunRules) {
        let days = &file.run.report_days;
        if *days.get_ref() > 366 {
            self.err(
                days.span(),
                format!("[run].report_days: {} is more than a year; give 1 to 366 days ahead, or 0 for no report.html", days.get_ref()),
            );
        }
        let mode = &file.run.mode;
        let text = mode.get_ref().trim();
        match u32::from_str_radix(text, 8) {
            Ok(bits) if text.len() >= 3 && bits & 0o600 == 0o600 && bits & 0o7111 == 0 && bits & 0o002 == 0 => {
                run.mode = bits;
            }
            _ => self.err(
                mode.span(),
                format!("[run].mode: \"{text}\" is not a file mode followup writes with; use \"0600\" (the owner only), \"0640\" (the group reads) or \"0660\" (the group writes too); the owner must read and write, and nobody else write"),
            ),
        }
        let drafts = &file.run.drafts;
        run.drafts = match drafts.get_ref().as_str() {
            "by_assignee" => DraftLayout::ByAssignee,
            "per_action" => DraftLayout::PerAction,
            "none" => DraftLayout::None,
            other => {
                self.err(
                    drafts.span(),
                    format!("[run].drafts: \"{other}\" is not a choice; use \"by_assignee\", \"per_action\" or \"none\""),
                );
                DraftLayout::ByAssignee
            }
        };
    }
}

impl Validator<'_> {
    /// `[report].template`: compiled now, so that a broken page is a rules error.
    fn report_template(&mut self, file: &File) -> Option<String> {
        let t = file.report.template.as_ref()?;
        let mut env = minijinja::Environment::new();
        match env.add_template("report", t.get_ref()) {
            Ok(()) => Some(t.get_ref().clone()),
            Err(e) => {
                self.err(
                    t.span(),
                    format!("[report].template: {e}; fix the template, or remove it to use the built-in page"),
                );
                None
            }
        }
    }

    /// `[replay].reopen_window`: minutes, hours, days or weeks (business days would need
    /// a calendar, and a reply comes on any day).
    fn replay(&mut self, file: &File) -> ReplayRules {
        let w = &file.replay.reopen_window;
        let window = Span::parse(w.get_ref()).ok().and_then(|sp| {
            let n = sp.amount;
            let delta = match sp.unit {
                Unit::Seconds => chrono::TimeDelta::try_seconds(n),
                Unit::Minutes => chrono::TimeDelta::try_minutes(n),
                Unit::Hours => chrono::TimeDelta::try_hours(n),
                Unit::Days => chrono::TimeDelta::try_days(n),
                Unit::Weeks => chrono::TimeDelta::try_weeks(n),
                Unit::BusinessDays => None,
            }?;
            (n > 0 && delta <= chrono::TimeDelta::days(3660)).then_some(delta)
        });
        ReplayRules {
            reopen_window: window.unwrap_or_else(|| {
                self.err(
                    w.span(),
                    format!("[replay].reopen_window: \"{}\" is not a length of time after a resolution; write a positive number of minutes, hours, days or weeks, e.g. \"14d\" or \"2w\"", w.get_ref()),
                );
                chrono::TimeDelta::days(14)
            }),
        }
    }
}

fn closest_zone_hint(s: &str) -> String {
    crate::time::closest_zone(s)
        .map(|z| format!("; did you mean \"{z}\"?"))
        .unwrap_or_else(|| "; use an IANA name such as \"America/New_York\"".into())
}

/// The export columns the types read as dates (`from`) and as conditions (`only_if`).
fn columns_read(types: &[TicketType]) -> (Vec<String>, Vec<String>) {
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
    (date_columns, flag_columns)
}

/// `[defaults]`, `[contact]` and `[run]` as the engine and outputs read them.
fn resolved(file: &File) -> (Defaults, Contact, RunRules) {
    let d = &file.defaults;
    let defaults = Defaults {
        department: d.department.clone(),
        cover: d.cover.clone(),
        unassigned: d.unassigned.clone(),
        prefer_first_contact_time: d.prefer_first_contact_time,
        checkin_expire_days: d.checkin_expire_days,
        capacity: d.capacity,
    };
    let contact = Contact {
        phone: file.contact.phone.clone(),
        email: file.contact.email.clone(),
        web: file.contact.web.clone(),
    };
    let run = RunRules {
        max_resolutions: file.run.max_resolutions,
        mode: 0o600,
        drafts: DraftLayout::ByAssignee,
        keep_days: file.run.keep_days,
        report_days: *file.run.report_days.get_ref(),
    };

    (defaults, contact, run)
}
