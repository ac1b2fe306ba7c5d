//! `calendars list`, `calendars show CODE --year YYYY`: the built-in public holidays.

use super::{out_format, write_stdout};
use crate::cli::CalendarsCommand;
use crate::error::{Code, Failure};
use crate::output::calendars as out;
use crate::time::holidays::table;

pub(super) fn calendars(cmd: &CalendarsCommand) -> Result<Code, Failure> {
    let t = table();
    match cmd {
        CalendarsCommand::List { format } => {
            let (format, _) = out_format(*format);
            write_stdout(|w| out::list(w, t, format))?;
        }
        CalendarsCommand::Show { code, year, format } => {
            let Some(i) = t.find(code) else {
                return Err(Failure::usage(format!(
                    "\"{code}\" is not a country or subdivision code of the built-in holidays; `followup calendars list` lists them (ISO 3166: US, DE-BY, GB-SCT)"
                )));
            };
            if !(t.first_year..=t.last_year).contains(year) {
                return Err(Failure::usage(format!(
                    "--year {year}: the built-in holidays cover {} to {}",
                    t.first_year, t.last_year
                )));
            }
            let (format, _) = out_format(*format);
            write_stdout(|w| out::show(w, &t.regions[i], *year, format))?;
        }
    }
    Ok(Code::Ok)
}
