//! Why an action is listed. The engine keeps the reason as data and writes it out as
//! sentences only when an output asks (`Action::reason_text`): planned by the million,
//! actions hold no text. What the action itself records (its step, type, channel, detail)
//! is not repeated here.

use std::fmt::Write;

use chrono::NaiveDate;

use super::{Action, Detail};
use crate::ticket::Field;
use crate::time::Span;

/// The reason of one action: its kind's sentence, then what happened to it on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub why: Why,
    /// When it was overdue at planning: its nominal due date and business days overdue.
    pub overdue: Option<(NaiveDate, u32)>,
    /// When levelling moved it off a full day: the assignee's capacity a day.
    pub capacity: Option<u32>,
}

impl From<Why> for Reason {
    fn from(why: Why) -> Reason {
        Reason {
            why,
            overdue: None,
            capacity: None,
        }
    }
}

/// The sentence of each kind of action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    Strike {
        since: Since,
        moved: Option<Moved>,
    },
    Resolve {
        /// Business days waited after the last attempt.
        after_bd: u32,
        moved: Option<Moved>,
    },
    Hold {
        until: NaiveDate,
        /// The strike due on the reactivation date; `None`: the resolution.
        next: Option<u32>,
    },
    CheckIn {
        /// The step's rule, as "7d after opened_at".
        what: std::sync::Arc<str>,
        /// The local date the step counts from.
        anchor: NaiveDate,
        moved: Option<Box<DayMoved>>,
    },
    Recurring {
        every: Span,
        /// The field counted from.
        from: Field,
        anchor: NaiveDate,
        moved: Option<Box<DayMoved>>,
    },
    Alert {
        opened: NaiveDate,
    },
}

/// What a strike counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// The customer replied after the last attempt: the count restarts.
    Restarted { replied: NaiveDate },
    /// The first attempt, a number of business days after the anchor.
    First {
        anchor: NaiveDate,
        field: Field,
        after_bd: u32,
    },
    /// The attempt before went unanswered.
    NoReply { attempt: u32, on: NaiveDate },
}

/// Why a strike or resolution comes later than the process alone says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    Reactivation { to: NaiveDate },
    OutOfOffice { to: NaiveDate, until: NaiveDate },
}

/// A check-in placed on another day of its window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayMoved {
    pub date: NaiveDate,
    pub nominal: NaiveDate,
    pub why: String,
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

impl super::Resolution {
    /// Appends the note the ticket is closed with (`close_notes`), without `std::fmt`: it
    /// is written on every resolution line.
    pub fn write_close_notes(&self, out: &mut String) {
        put!(
            out,
            "Resolved without a reply from the customer after ",
            self.attempts,
            " contact attempt",
            plural(self.attempts),
            " (the last on ",
            self.last_attempt,
            "), following the ",
            self.count,
            "-strike follow-up process. Close code: ",
            &*self.close_code,
            "."
        );
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
        put!(
            out,
            " On ",
            m.date,
            " rather than ",
            m.nominal,
            ": ",
            m.why.as_str(),
            "."
        );
    }
}

impl Action {
    /// The reason as sentences.
    pub fn reason_text(&self) -> String {
        let mut s = String::with_capacity(192);
        self.write_reason(&mut s);
        s
    }

    /// Appends the reason as sentences to `out`.
    pub fn write_reason(&self, out: &mut String) {
        let channel = self.channel.map(|c| c.name()).unwrap_or("");
        let ty = self.ticket_type.as_str();
        match &self.reason.why {
            Why::Strike { since, moved: m } => {
                let (count, last) = match self.detail {
                    Detail::Strike {
                        count,
                        resolution_date,
                    } => (count, resolution_date),
                    _ => (self.step, None),
                };
                put!(out, "Strike ", self.step, " of ", count, ": ");
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
                if let Detail::Resolve(r) = &self.detail {
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
                let (status, reactivation) = match &self.detail {
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
                let (of, missed) = match &self.detail {
                    Detail::CheckIn { of, missed } => (*of, &missed[..]),
                    _ => (self.step, &[][..]),
                };
                put!(
                    out,
                    "Check-in ",
                    self.step,
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
        }
        if let Some((due, n)) = self.reason.overdue {
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
        if let (Some(cap), Some(day)) = (self.reason.capacity, self.moved_from) {
            put!(
                out,
                " Moved from ",
                day,
                " to ",
                self.due_date,
                ": ",
                self.assignee.as_str(),
                " is at capacity (",
                cap,
                " a day) on ",
                day,
                "."
            );
        }
    }
}
