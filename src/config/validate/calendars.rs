//! The rules about time off and time at work: the calendars (a country's built-in
//! holidays, an iCalendar file, the file's own days) and the agents (absences, working
//! days).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use toml::Spanned;

use super::super::file::{self, File};
use super::super::{Agent, WorkDay, calendar_named};
use super::Validator;
use crate::time::{Calendar, Interval};

/// A working day's settings as written: zone, hours, calendar.
pub(super) type WorkDaySettings<'a> = (
    Option<&'a Spanned<String>>,
    Option<&'a Spanned<Vec<Spanned<String>>>>,
    Option<&'a Spanned<String>>,
);

/// What a working day's missing settings come from: the calendars, the default one, the
/// desk's zone and business hours.
pub(super) type Known<'a> = (&'a [(String, Calendar)], usize, Tz, &'a [Interval]);

impl Validator<'_> {
    /// The days of a calendar's `holidays_ics` file, read beside the rules file.
    fn ics(&mut self, key: &str, path: &Spanned<String>) -> Vec<(NaiveDate, String)> {
        let base = std::path::Path::new(self.path)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        let file = base.join(path.get_ref());
        let read = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))
            .and_then(|text| {
                super::super::ics::days(&text).map_err(|e| format!("{}: {e}", file.display()))
            });
        match read {
            Ok(days) => days,
            Err(e) => {
                self.err(path.span(), format!("{key}.holidays_ics: {e}"));
                Vec::new()
            }
        }
    }

    /// A date of a calendar's list: a string or a TOML date.
    fn toml_date(&mut self, key: &str, h: &Spanned<toml::Value>) -> Option<NaiveDate> {
        let text = match h.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            other => other.to_string(),
        };
        self.date(key, h.span(), &text)
    }

    /// The built-in holidays a calendar starts from: its `country` (`DE`, or `DE-BY`) and
    /// `subdivision` (`BY`).
    fn region(&mut self, key: &str, def: &file::CalendarDef) -> Option<usize> {
        let Some(country) = &def.country else {
            if let Some(sub) = &def.subdivision {
                self.err(sub.span(), format!("{key}.subdivision needs a country, e.g. country = \"DE\", subdivision = \"BY\""));
            }
            return None;
        };
        let code = match &def.subdivision {
            Some(sub) => format!("{}-{}", country.get_ref().trim(), sub.get_ref().trim()),
            None => country.get_ref().trim().to_string(),
        };
        // The built-in table is read only for rules that name a country (about 17 MB).
        let table = crate::time::holidays::table();
        let found = table.find(&code);
        if found.is_none() {
            let span = def
                .subdivision
                .as_ref()
                .map_or(country.span(), |s| s.span());
            let known = table.find(country.get_ref()).is_some();
            self.err(
                span,
                if known {
                    format!("{key}: \"{code}\" is not a subdivision the built-in holidays know; `followup calendars list` lists them")
                } else {
                    format!("{key}.country: \"{}\" is not a country code the built-in holidays know (ISO 3166, e.g. \"US\", \"DE\"); `followup calendars list` lists them", country.get_ref())
                },
            );
        }
        found
    }

    /// The calendars; "default" (Monday to Friday) exists unless the file defines it.
    pub(super) fn calendars(&mut self, file: &File) -> (Vec<(String, Calendar)>, usize) {
        let mut calendars = Vec::new();
        for (name, def) in &file.calendars {
            let key = format!("[calendars.{}]", name.get_ref());
            let region = self.region(&key, def);
            let base = region.map(|r| crate::time::holidays::table().calendar(r));
            let workdays = match &def.workdays {
                Some(w) => self.weekdays(&format!("{key}.workdays"), w),
                None => base
                    .as_ref()
                    .map_or([true, true, true, true, true, false, false], |c| c.workdays),
            };
            if !workdays.iter().any(|w| *w) {
                self.err(name.span(), format!("{key}: no workdays; list at least one, e.g. workdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]"));
            }
            let mut holidays = base.map(|c| c.holidays).unwrap_or_default();
            for (list, h) in def
                .holidays
                .iter()
                .map(|h| ("holidays", h))
                .chain(def.extra_holidays.iter().map(|h| ("extra_holidays", h)))
            {
                if let Some(d) = self.toml_date(&format!("{key}.{list}"), h) {
                    holidays.push(d);
                }
            }
            let mut named = region
                .map(|r| crate::time::holidays::table().regions[r].named())
                .unwrap_or_default();
            if let Some(ics) = &def.holidays_ics {
                for (d, name) in self.ics(&key, ics) {
                    holidays.push(d);
                    named.push((d, name.into()));
                }
            }
            for h in &def.not_holidays {
                if let Some(d) = self.toml_date(&format!("{key}.not_holidays"), h) {
                    holidays.retain(|x| *x != d);
                }
            }
            calendars.push((
                name.get_ref().clone(),
                Calendar::new(workdays, holidays).with_names(named),
            ));
        }
        if !calendars.iter().any(|(n, _)| n == "default")
            && file.defaults.calendar.get_ref() == "default"
        {
            let mut wd = [true; 7];
            wd[5] = false;
            wd[6] = false;
            calendars.push(("default".into(), Calendar::new(wd, Vec::new())));
        }
        let default_calendar = match calendar_named(&calendars, file.defaults.calendar.get_ref()) {
            Some(i) => i,
            None => {
                let names: Vec<&str> = calendars.iter().map(|(n, _)| n.as_str()).collect();
                self.err(
                    file.defaults.calendar.span(),
                    format!(
                        "[defaults].calendar: no calendar \"{}\"; define [calendars.{}], use one of: {}, or a country or subdivision code (US, DE-BY; `followup calendars list`)",
                        file.defaults.calendar.get_ref(),
                        file.defaults.calendar.get_ref(),
                        if names.is_empty() { "(none defined)".to_string() } else { names.join(", ") }
                    ),
                );
                0
            }
        };

        (calendars, default_calendar)
    }

    /// A working day from its three settings, the missing ones from `desk` (else the
    /// desk's zone, business hours and calendar); none when nothing is set.
    pub(super) fn work_day(
        &mut self,
        key: &str,
        (tz, hours, calendar): WorkDaySettings<'_>,
        desk: Option<&WorkDay>,
        (calendars, default_calendar, default_tz, business): Known<'_>,
    ) -> Option<WorkDay> {
        if tz.is_none() && hours.is_none() && calendar.is_none() {
            return desk.cloned();
        }
        let tz = match tz {
            Some(z) => self.zone(&format!("{key}timezone"), z),
            None => desk.map_or(default_tz, |d| d.tz),
        };
        let hours = match hours {
            Some(h) => {
                let iv = self.intervals(&format!("{key}hours"), h.get_ref());
                if iv.is_empty() {
                    self.err(
                        h.span(),
                        format!(
                            "{key}hours: no hours; give at least one range, e.g. [\"09:00-17:00\"]"
                        ),
                    );
                }
                iv
            }
            None => desk.map_or_else(|| business.to_vec(), |d| d.hours.clone()),
        };
        let calendar = match calendar {
            Some(c) => {
                let name = c.get_ref();
                calendar_named(calendars, name).unwrap_or_else(|| {
                        self.err(c.span(), format!("{key}calendar: no calendar \"{name}\"; define [calendars.{name}] or give a country or subdivision code (US, DE-BY; `followup calendars list`)"));
                        default_calendar
                    })
            }
            None => desk.map_or(default_calendar, |d| d.calendar),
        };
        Some(WorkDay {
            tz,
            hours,
            calendar,
        })
    }

    pub(super) fn agents(
        &mut self,
        f: &File,
        desk: Option<&WorkDay>,
        known: Known<'_>,
    ) -> BTreeMap<String, Agent> {
        let mut out = BTreeMap::new();
        for (id, a) in &f.agents {
            let day = self.work_day(
                &format!("[agents.{}].", id.get_ref()),
                (a.timezone.as_ref(), a.hours.as_ref(), a.calendar.as_ref()),
                desk,
                known,
            );
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
                    day,
                },
            );
        }
        out
    }
}
