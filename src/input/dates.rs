//! Day and month, decided per column from its values, never row by row: `11/03/2026` is
//! 11 March or 3 November depending on the column, and a column read both ways would plan
//! half its tickets from misread dates. What every time column's values said is gathered
//! as they are read, and decided once the export is read.

use super::record::Key;
use super::values::{Form, Listed, Order, Read, Seen};
use crate::error::Failure;
use crate::ticket::Field;

/// Whether the listed formats read day and month both ways round (`%d/%m/%Y` and
/// `%m/%d/%Y`): then a column's order is settled from its values before it is read.
pub fn both_ways(listed: &[Listed]) -> bool {
    let has = |o: Order| {
        listed
            .iter()
            .any(|l| l.order.as_ref().is_some_and(|x| x.0 == o))
    };
    has(Order::DayFirst) && has(Order::MonthFirst)
}

/// The columns read as times or dates: every field (by `Field as usize`), then the date
/// columns the rules read (`Field::ALL.len() + i`, in the order of `Rules::date_columns`).
pub fn column_of(f: Field) -> usize {
    f as usize
}

pub fn column_of_extra(i: usize) -> usize {
    Field::ALL.len() + i
}

/// The order each column is to be read in, when its values settled it before the read
/// (by the column's index); none for the others.
pub type Orders = Vec<Option<Order>>;

/// No column's order settled before the read.
pub static NO_ORDERS: Orders = Vec::new();

/// A value that said something of its column, and where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub key: Key,
    pub value: String,
    /// The listed format that read it (or whose swap would).
    pub format: usize,
}

/// What the values of one column said.
#[derive(Clone, Debug, Default)]
pub struct Column {
    /// The column's name in the export, for messages.
    pub name: String,
    /// How many values each form read: with an offset, ISO without, `YYYY-MM-DD`, then
    /// each listed format.
    pub forms: Vec<u64>,
    /// The first value read only in each order (by `Order as usize`).
    pub settles: [Option<Example>; 2],
    /// The first value read in each order that the other would read as another date.
    pub ambiguous: [Option<Example>; 2],
    /// The first value not read that would read in each order, and every such row.
    pub swapped: [Option<Example>; 2],
    pub swapped_rows: Vec<Key>,
}

fn earliest(slot: &mut Option<Example>, e: Example) {
    if slot.as_ref().is_none_or(|x| e.key < x.key) {
        *slot = Some(e);
    }
}

/// What every column's values said.
#[derive(Clone, Debug, Default)]
pub struct Dates {
    pub columns: Vec<Column>,
}

impl Dates {
    /// Notes how a value of column `c` (named `name`) was read.
    pub fn note<T>(
        &mut self,
        c: usize,
        name: &str,
        key: Key,
        value: &str,
        read: &Read<T>,
        listed: &[Listed],
    ) {
        if self.columns.len() <= c {
            self.columns.resize_with(c + 1, Column::default);
        }
        let col = &mut self.columns[c];
        if col.name.is_empty() {
            col.name = name.to_string();
        }
        if let Some(form) = read.form {
            if col.forms.len() < 3 + listed.len() {
                col.forms.resize(3 + listed.len(), 0);
            }
            let i = match form {
                Form::Offset => 0,
                Form::Iso => 1,
                Form::Date => 2,
                Form::Listed(i) => 3 + i,
            };
            if let Some(n) = col.forms.get_mut(i) {
                *n += 1;
            }
        }
        let format = match read.form {
            Some(Form::Listed(i)) => i,
            _ => listed.iter().position(|l| l.order.is_some()).unwrap_or(0),
        };
        let example = || Example {
            key,
            value: value.to_string(),
            format,
        };
        match read.seen {
            Seen::Nothing => {}
            Seen::Settles(o) => earliest(&mut col.settles[o as usize], example()),
            Seen::Ambiguous(o) => earliest(&mut col.ambiguous[o as usize], example()),
            Seen::Swapped(o) => {
                earliest(&mut col.swapped[o as usize], example());
                col.swapped_rows.push(key);
            }
        }
    }

    /// `n` values of column `c` read with an offset: counted, nothing more to note.
    pub fn offset(&mut self, c: usize, name: &str, n: u64) {
        if self.columns.len() <= c {
            self.columns.resize_with(c + 1, Column::default);
        }
        let col = &mut self.columns[c];
        if col.name.is_empty() {
            col.name = name.to_string();
        }
        if col.forms.is_empty() {
            col.forms = vec![0; 3];
        }
        col.forms[0] += n;
    }

    pub fn merge(&mut self, other: Dates) {
        if self.columns.len() < other.columns.len() {
            self.columns
                .resize_with(other.columns.len(), Column::default);
        }
        for (mine, theirs) in self.columns.iter_mut().zip(other.columns) {
            if mine.name.is_empty() {
                mine.name = theirs.name;
            }
            if mine.forms.len() < theirs.forms.len() {
                mine.forms.resize(theirs.forms.len(), 0);
            }
            for (a, b) in mine.forms.iter_mut().zip(theirs.forms) {
                *a += b;
            }
            for i in 0..2 {
                if let Some(e) = theirs.settles[i].clone() {
                    earliest(&mut mine.settles[i], e);
                }
                if let Some(e) = theirs.ambiguous[i].clone() {
                    earliest(&mut mine.ambiguous[i], e);
                }
                if let Some(e) = theirs.swapped[i].clone() {
                    earliest(&mut mine.swapped[i], e);
                }
            }
            mine.swapped_rows.extend(theirs.swapped_rows);
        }
    }
}

/// How a column ended up read, for `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadWith {
    pub column: String,
    /// Each form that read values, with how many.
    pub forms: Vec<(String, u64)>,
    /// The order of day and month, and the value that settles it.
    pub order: Option<(Order, Option<String>)>,
}

/// The rows a column's order rejects, with why; or the mistake in the rules it shows.
pub struct Decision {
    /// (row, reason) for each value that contradicts its column's order.
    pub contradictions: Vec<(Key, String)>,
    pub read_with: Vec<ReadWith>,
    /// The order each column's values settled (by the column's index).
    pub settled: Orders,
}

/// Decides every column's order from what its values said (`forced`: the orders settled
/// before the read). A column whose values read two ways with nothing to settle which is
/// a usage error naming the column, a value of each reading and the fix.
pub fn decide(
    dates: &Dates,
    listed: &[Listed],
    forced: &Orders,
    rules_line: &str,
) -> Result<Decision, Failure> {
    let mut out = Decision {
        contradictions: Vec::new(),
        read_with: Vec::new(),
        settled: vec![None; dates.columns.len()],
    };
    let orders: Vec<Order> = {
        let mut o: Vec<Order> = listed
            .iter()
            .filter_map(|l| l.order.as_ref().map(|x| x.0))
            .collect();
        o.sort();
        o.dedup();
        o
    };
    for (c, col) in dates.columns.iter().enumerate() {
        if col.name.is_empty() {
            continue;
        }
        let order = match forced.get(c).copied().flatten() {
            Some(o) => Some(o),
            None => settle(col, listed, &orders, rules_line)?,
        };
        out.settled[c] = order;
        if let Some(o) = order
            && let Some(by) = &col.settles[o as usize]
        {
            let x = o.other();
            for key in &col.swapped_rows {
                out.contradictions.push((
                    *key,
                    format!(
                        "reads only {}, but column {} is read {}, as \"{}\" shows: check the row",
                        x.name(),
                        col.name,
                        o.name(),
                        by.value
                    ),
                ));
            }
        }
        let mut forms = Vec::new();
        for (i, n) in col.forms.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let form = match i {
                0 => "ISO 8601 with an offset".to_string(),
                1 => "ISO 8601 without an offset".to_string(),
                2 => "YYYY-MM-DD".to_string(),
                i => format!("\"{}\"", listed[i - 3].text),
            };
            forms.push((form, *n));
        }
        let by = |o: Order| col.settles[o as usize].as_ref().map(|e| e.value.clone());
        let read_order = order.or_else(|| {
            (0..2)
                .map(|i| {
                    if i == 0 {
                        Order::DayFirst
                    } else {
                        Order::MonthFirst
                    }
                })
                .find(|o| col.ambiguous[*o as usize].is_some())
        });
        out.read_with.push(ReadWith {
            column: col.name.clone(),
            forms,
            order: read_order.map(|o| (o, by(o))),
        });
    }
    Ok(out)
}

/// The order a column's values settle, if any; a usage error when they read two ways and
/// nothing settles which.
fn settle(
    col: &Column,
    listed: &[Listed],
    orders: &[Order],
    rules_line: &str,
) -> Result<Option<Order>, Failure> {
    let swapped = |o: Order| col.swapped[o as usize].as_ref();
    let fmt = |e: &Example| listed.get(e.format).map_or("", |l| l.text.as_str());
    let swap_of = |e: &Example| {
        listed
            .get(e.format)
            .and_then(|l| l.order.as_ref())
            .map_or(String::new(), |(_, s)| s.clone())
    };
    match (col.settles[0].as_ref(), col.settles[1].as_ref()) {
        // Both settled: the first row to settle one decides; the others contradict it.
        (Some(d), Some(m)) => Ok(Some(if d.key <= m.key {
            Order::DayFirst
        } else {
            Order::MonthFirst
        })),
        (Some(_), None) => Ok(Some(Order::DayFirst)),
        (None, Some(_)) => Ok(Some(Order::MonthFirst)),
        (None, None) => {
            for o in [Order::DayFirst, Order::MonthFirst] {
                // Read one way, and a value that only reads the other: two readings.
                if let (Some(read), Some(other)) =
                    (col.ambiguous[o as usize].as_ref(), swapped(o.other()))
                {
                    return Err(Failure::usage(format!(
                        "column {} reads two ways: \"{}\" reads {} by \"{}\", but \"{}\" only {}; if the column is {}, list \"{}\" in [input].date_formats instead of \"{}\" ({rules_line})",
                        col.name,
                        read.value,
                        o.name(),
                        fmt(read),
                        other.value,
                        o.other().name(),
                        o.other().name(),
                        swap_of(read),
                        fmt(read),
                    )));
                }
            }
            if orders.len() == 2
                && let Some(a) = col.ambiguous[0].as_ref().or(col.ambiguous[1].as_ref())
            {
                return Err(Failure::usage(format!(
                    "column {}: \"{}\" fits both \"{}\" and \"{}\", which read it as different dates, and no value of the column settles which (a day above 12); keep the one the export uses in [input].date_formats ({rules_line})",
                    col.name,
                    a.value,
                    fmt(a),
                    swap_of(a),
                )));
            }
            Ok(None)
        }
    }
}
