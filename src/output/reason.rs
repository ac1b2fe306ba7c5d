//! Reasons and resolution notes as sentences: the engine keeps them as data
//! (`engine::Reason`), and outputs write them here, without `std::fmt` where they are
//! written by the hundred thousand.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::engine::{Action, DayMoved, DayWhy, Detail, Moved, Resolution, Since, Why};
use crate::time::Span;

/// An action's reason as sentences.
pub fn text(a: &Action) -> String {
    let mut s = String::with_capacity(192);
    write(a, &mut s);
    s
}

/// The note a resolution closes its ticket with.
pub fn close_notes(r: &Resolution) -> String {
    let mut out = String::new();
    write_close_notes(r, &mut out);
    out
}

/// A piece of a reason, appended without `std::fmt`: hundreds of thousands of reasons are
/// written at a time, and its machinery costs more than the text.
trait Put {
    fn put(self, out: &mut String);
}

impl Put for &str {
    fn put(self, out: &mut String) {
        out.push_str(self);
    }
}

impl Put for u32 {
    fn put(self, out: &mut String) {
        out.push_str(crate::util::decimal(self, &mut [0; 10]));
    }
}

impl Put for NaiveDate {
    fn put(self, out: &mut String) {
        crate::time::push_date(out, self);
    }
}

impl Put for Span {
    fn put(self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

/// Appends each piece in turn.
macro_rules! put {
    ($out:expr, $($piece:expr),+ $(,)?) => {{
        $( Put::put($piece, $out); )+
    }};
}

/// Appends the note the ticket is closed with, without `std::fmt`: it is written on every
/// resolution line.
pub fn write_close_notes(r: &Resolution, out: &mut String) {
    put!(
        out,
        "Resolved without a reply from the customer after ",
        r.attempts,
        " contact attempt",
        plural(r.attempts),
        " (the last on ",
        r.last_attempt,
        "), following the ",
        r.count,
        "-strike follow-up process. Close code: ",
        &*r.close_code,
        "."
    );
}

/// The channels left out for a blank contact, and, when none was left, what to do.
fn skipped(a: &Action, out: &mut String) {
    let gone = &a.reason.skipped;
    if gone.is_empty() {
        return;
    }
    for (i, c) in gone.iter().enumerate() {
        put!(out, if i == 0 { " No " } else { ", no " }, c.name());
        if let Some(f) = crate::ticket::Reach::field(*c) {
            put!(out, " (", f.name(), " is blank)");
        }
    }
    if a.kind == crate::engine::Kind::FindContact {
        put!(
            out,
            ": no way is left to reach the customer; find their contact details in the ticket system and add them, then the ",
            a.reason.why_kind(),
            " goes out."
        );
    } else {
        put!(out, ": the next channel of the row is used.");
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "3 business days".
fn days(out: &mut String, n: u32) {
    put!(out, n, " business day", plural(n));
}

fn moved(out: &mut String, m: Option<Moved>) {
    match m {
        None => {}
        Some(Moved::Reactivation { to }) => {
            put!(out, " Moved to ", to, " by the ticket's reactivation date.");
        }
        Some(Moved::OutOfOffice { to, until }) => {
            put!(
                out,
                " Moved to ",
                to,
                ": the customer is out of office until ",
                until,
                "."
            );
        }
    }
}

fn day_moved(out: &mut String, m: &Option<Box<DayMoved>>) {
    if let Some(m) = m {
        put!(out, " On ", m.date, " rather than ", m.nominal, ": ");
        day_why(out, &m.why, m.nominal);
        out.push('.');
    }
}

/// Why a check-in is on another day of its window than its own (`nominal`).
pub fn day_why(out: &mut String, why: &DayWhy, nominal: NaiveDate) {
    match why {
        DayWhy::CustomerAway { until } => {
            put!(out, "the customer is out of office until ", *until)
        }
        DayWhy::Window {
            owner_out,
            email_days,
        } => {
            if let Some(owner) = owner_out {
                put!(out, owner.as_str(), " is out on ", nominal);
            }
            if let Some(days) = email_days {
                if owner_out.is_some() {
                    out.push_str("; ");
                }
                put!(
                    out,
                    "the customer's e-mail days are ",
                    &*weekday_names(days)
                );
            }
            if owner_out.is_none() && email_days.is_none() {
                out.push_str("the first day in its window that fits");
            }
        }
    }
}

/// `Tue/Wed` for the days set.
fn weekday_names(days: &[bool; 7]) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let names: Vec<&str> = NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| **on)
        .map(|(n, _)| *n)
        .collect();
    names.join("/")
}

/// Appends an action's reason as sentences to `out`. One arm per kind of reason: the
/// sentences read best side by side.
pub fn write(a: &Action, out: &mut String) {
    // A contact no channel can make (`find_contact`) is named by the channel it was for.
    let channel = a
        .channel
        .or_else(|| a.reason.skipped.first().copied())
        .map(|c| c.name())
        .unwrap_or("");
    let ty = a.ticket_type.as_str();
    match &a.reason.why {
        Why::Strike {
            since,
            moved: m,
            asks,
        } => {
            let (count, last) = match a.detail {
                Detail::Strike {
                    count,
                    resolution_date,
                } => (count, resolution_date),
                _ => (a.step, None),
            };
            put!(out, "Strike ", a.step, " of ", count, ": ");
            match *since {
                Since::Restarted { replied } => put!(
                    out,
                    "the customer replied on ",
                    replied,
                    ", after the last attempt, so the count restarts."
                ),
                Since::First {
                    anchor,
                    field,
                    after_bd,
                } => {
                    put!(
                        out,
                        "no reply since ",
                        anchor,
                        " (",
                        field.name(),
                        "); first attempt after "
                    );
                    days(out, after_bd);
                    out.push('.');
                }
                Since::NoReply { attempt, on } => {
                    put!(out, "attempt ", attempt, " on ", on, " got no reply.")
                }
            }
            moved(out, *m);
            if !asks {
                out.push_str(" Nothing is recorded of what we need from the customer (pending_info and last_public_comment are blank): read the ticket first, so that the contact asks for something.");
            }
            if let Some(on) = last {
                put!(
                    out,
                    " Last attempt: tell the customer the ticket will be resolved on ",
                    on,
                    " if they do not reply."
                );
            }
        }
        Why::Resolve { after_bd, moved: m } => {
            if let Detail::Resolve(r) = &a.detail {
                put!(
                    out,
                    "No reply to ",
                    r.attempts,
                    " attempt",
                    plural(r.attempts),
                    " (the last on ",
                    r.last_attempt,
                    ") after "
                );
                days(out, *after_bd);
                put!(out, ": resolve with close code \"", &*r.close_code, "\".");
            }
            moved(out, *m);
        }
        Why::Hold { until, next } => {
            let (status, reactivation) = match &a.detail {
                Detail::Hold {
                    status,
                    reactivation_date,
                } => (&**status, *reactivation_date),
                _ => ("", *until),
            };
            put!(
                out,
                "The customer is out of office until ",
                *until,
                ": set the ticket to \"",
                status,
                "\" with reactivation date ",
                reactivation,
                ", when "
            );
            match next {
                Some(n) => put!(out, "strike ", *n, " is due."),
                None => out.push_str("the resolution is due."),
            }
        }
        Why::CheckIn {
            what,
            anchor,
            moved: m,
        } => {
            let (of, missed) = match &a.detail {
                Detail::CheckIn { of, missed } => (*of, &missed[..]),
                _ => (a.step, &[][..]),
            };
            put!(
                out,
                "Check-in ",
                a.step,
                " of ",
                of,
                " (",
                ty,
                " ticket): ",
                &**what,
                " (",
                *anchor,
                "), by ",
                channel,
                ": ask whether the issue is solved and offer help."
            );
            day_moved(out, m);
            if let Some(((first, on), rest)) = missed.split_first() {
                put!(out, " Missed earlier: step ", *first, " (due ", *on, ")");
                for (step, on) in rest {
                    put!(out, ", step ", *step, " (due ", *on, ")");
                }
                out.push_str("; cover them in this contact.");
            }
        }
        Why::Recurring {
            every,
            from,
            anchor,
            moved: m,
        } => {
            put!(
                out,
                "Recurring check-in every ",
                *every,
                " (",
                ty,
                " account), by ",
                channel,
                ": the last follow-up was ",
                *anchor,
                " (",
                from.name(),
                "); ask how things are going and offer help."
            );
            day_moved(out, m);
        }
        Why::Alert { opened } => put!(
            out,
            "A ",
            ty,
            " ticket opened on ",
            *opened,
            ": tell the team this customer had a service failure, and that every further contact with them must be rechecked."
        ),
        Why::OwnerBack { covered_on } => put!(
            out,
            "The owner's own follow-up on their first day back, by ",
            channel,
            ": a colleague followed up for them on ",
            *covered_on,
            ", while they were out, and said they would be in touch; ask whether the issue is solved."
        ),
    }
    if let Some((due, n)) = a.reason.overdue {
        put!(
            out,
            " Due ",
            due,
            ", ",
            n,
            " business day",
            plural(n),
            " overdue."
        );
    }
    skipped(a, out);
    if a.reason.outside_hours {
        put!(
            out,
            " ",
            a.assignee.as_str(),
            "'s working hours do not reach the customer's windows in the days searched: the customer's window is kept."
        );
    }
    if let (Some(cap), Some(day)) = (a.reason.capacity, a.moved_from) {
        put!(
            out,
            " Moved from ",
            day,
            " to ",
            a.due_date,
            ": ",
            a.assignee.as_str(),
            " is at capacity (",
            cap,
            " a day) on ",
            day,
            "."
        );
    }
}
