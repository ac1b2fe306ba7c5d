//! Why an action is listed. The engine keeps the reason as data and writes it out as
//! sentences only when an output asks (`Action::reason_text`): planned by the million,
//! actions hold no text. What the action itself records (its step, type, channel, detail)
//! is not repeated here.

use std::fmt::Write;

use chrono::NaiveDate;

use super::{Action, Detail};
use crate::ticket::Field;
use crate::time::{Day, Span};

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

fn days(n: u32) -> String {
    format!("{n} business day{}", plural(n))
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn moved(out: &mut String, m: Option<Moved>) {
    match m {
        None => {}
        Some(Moved::Reactivation { to }) => {
            let _ = write!(
                out,
                " Moved to {} by the ticket's reactivation date.",
                Day(to)
            );
        }
        Some(Moved::OutOfOffice { to, until }) => {
            let _ = write!(
                out,
                " Moved to {}: the customer is out of office until {}.",
                Day(to),
                Day(until)
            );
        }
    }
}

fn day_moved(out: &mut String, m: &Option<Box<DayMoved>>) {
    if let Some(m) = m {
        let _ = write!(
            out,
            " On {} rather than {}: {}.",
            Day(m.date),
            Day(m.nominal),
            m.why
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
        let _ = match &self.reason.why {
            Why::Strike { since, moved: m } => {
                let (count, last) = match self.detail {
                    Detail::Strike {
                        count,
                        resolution_date,
                    } => (count, resolution_date),
                    _ => (self.step, None),
                };
                let _ = write!(out, "Strike {} of {count}: ", self.step);
                let _ = match *since {
                    Since::Restarted { replied } => write!(
                        out,
                        "the customer replied on {}, after the last attempt, so the count restarts.",
                        Day(replied)
                    ),
                    Since::First {
                        anchor,
                        field,
                        after_bd,
                    } => write!(
                        out,
                        "no reply since {} ({}); first attempt after {}.",
                        Day(anchor),
                        field.name(),
                        days(after_bd)
                    ),
                    Since::NoReply { attempt, on } => {
                        write!(out, "attempt {attempt} on {} got no reply.", Day(on))
                    }
                };
                moved(out, *m);
                match last {
                    Some(on) => write!(
                        out,
                        " Last attempt: tell the customer the ticket will be resolved on {} if they do not reply.",
                        Day(on)
                    ),
                    None => Ok(()),
                }
            }
            Why::Resolve { after_bd, moved: m } => {
                if let Detail::Resolve(r) = &self.detail {
                    let _ = write!(
                        out,
                        "No reply to {} attempt{} (the last on {}) after {}: resolve with close code \"{}\".",
                        r.attempts,
                        plural(r.attempts),
                        Day(r.last_attempt),
                        days(*after_bd),
                        r.close_code
                    );
                }
                moved(out, *m);
                Ok(())
            }
            Why::Hold { until, next } => {
                let (status, reactivation) = match &self.detail {
                    Detail::Hold {
                        status,
                        reactivation_date,
                    } => (&**status, *reactivation_date),
                    _ => ("", *until),
                };
                let _ = write!(
                    out,
                    "The customer is out of office until {}: set the ticket to \"{status}\" with reactivation date {}, when ",
                    Day(*until),
                    Day(reactivation)
                );
                match next {
                    Some(n) => write!(out, "strike {n} is due."),
                    None => write!(out, "the resolution is due."),
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
                let _ = write!(
                    out,
                    "Check-in {} of {of} ({} ticket): {what} ({}), by {channel}: ask whether the issue is solved and offer help.",
                    self.step,
                    self.ticket_type,
                    Day(*anchor)
                );
                day_moved(out, m);
                if let Some(((first, on), rest)) = missed.split_first() {
                    let _ = write!(out, " Missed earlier: step {first} (due {})", Day(*on));
                    for (step, on) in rest {
                        let _ = write!(out, ", step {step} (due {})", Day(*on));
                    }
                    out.push_str("; cover them in this contact.");
                }
                Ok(())
            }
            Why::Recurring {
                every,
                from,
                anchor,
                moved: m,
            } => {
                let _ = write!(
                    out,
                    "Recurring check-in every {every} ({} account), by {channel}: the last follow-up was {} ({}); ask how things are going and offer help.",
                    self.ticket_type,
                    Day(*anchor),
                    from.name()
                );
                day_moved(out, m);
                Ok(())
            }
            Why::Alert { opened } => write!(
                out,
                "A {} ticket opened on {}: tell the team this customer had a service failure, and that every further contact with them must be rechecked.",
                self.ticket_type,
                Day(*opened)
            ),
        };
        if let Some((due, n)) = self.reason.overdue {
            let _ = write!(
                out,
                " Due {}, {n} business day{} overdue.",
                Day(due),
                plural(n)
            );
        }
        if let (Some(cap), Some(day)) = (self.reason.capacity, self.moved_from) {
            let _ = write!(
                out,
                " Moved from {} to {}: {} is at capacity ({cap} a day) on {}.",
                Day(day),
                Day(self.due_date),
                self.assignee,
                Day(day)
            );
        }
    }
}
