//! Export columns that no mapping reads but that look like a field's: a header a typo,
//! case or separator away from a field's name or a preset's column is probably that
//! field, and a plan that leaves it unread may decide wrong without a word.

use crate::config::Rules;
use crate::ticket::Field;

/// A column that looks like a field's, and the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    pub column: String,
    pub field: Field,
}

/// Letters and digits only, lower case: `Last-Customer Reply` and `last_customer_reply`
/// read the same.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How far a column name is from `want` when it is probably `want` written another way
/// (lower is closer): the same letters (0), one holding the other but for a short suffix,
/// as `last_customer_reply` for `last_customer_reply_at` (1 to 3), or a typo or two away
/// (11, 12).
fn likeness(column: &str, want: &str) -> Option<usize> {
    let (c, w) = (norm(column), norm(want));
    if c.is_empty() || w.is_empty() {
        return None;
    }
    if c == w {
        return Some(0);
    }
    let (short, long) = if c.len() < w.len() {
        (&c, &w)
    } else {
        (&w, &c)
    };
    let extra = long.len() - short.len();
    if short.len() >= 6 && extra <= 3 && long.starts_with(short.as_str()) {
        return Some(extra);
    }
    let d = strsim::osa_distance(&c, &w);
    (short.len() >= 6 && d <= 2).then_some(10 + d)
}

/// The columns of `headers` that no field is read from (`read[i]`) but that look like a
/// field that is not read either.
pub fn near_misses(
    rules: &Rules,
    headers: &[String],
    read: &[bool],
    found: &[Field],
) -> Vec<NearMiss> {
    let mut out = Vec::new();
    for (column, _) in headers.iter().zip(read).filter(|(_, r)| !**r) {
        let hit = Field::ALL
            .iter()
            .copied()
            .filter(|f| !found.contains(f))
            .filter_map(|f| {
                let mapped = rules
                    .input
                    .columns
                    .get(&f)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let best = std::iter::once(f.name())
                    .chain(mapped.iter().map(String::as_str))
                    .filter_map(|m| likeness(column, m))
                    .min()?;
                Some((best, f))
            })
            .min()
            .map(|(_, f)| f);
        if let Some(field) = hit {
            out.push(NearMiss {
                column: column.clone(),
                field,
            });
        }
    }
    out
}

/// Optional fields that change decisions, and what follows when the export lacks them.
pub const DECIDING: [(Field, &str); 11] = [
    (
        Field::LastCustomerReplyAt,
        "a reply cannot restart the count: the strikes go on as if the customer never answered",
    ),
    (
        Field::Attempts,
        "attempts are taken as none made (run's ledger counts the strikes it issued)",
    ),
    (
        Field::LastAttemptAt,
        "the last attempt's date is unknown: strikes count from the anchor",
    ),
    (
        Field::CustomerTz,
        "every customer is planned in [defaults].timezone",
    ),
    (
        Field::CustomerOooUntil,
        "a customer out of office is chased as if in",
    ),
    (Field::Owner, "every action goes to [defaults].unassigned"),
    (
        Field::ResolvedAt,
        "steps counted from resolved_at never fall due",
    ),
    (
        Field::PendingInfo,
        "a strike cannot say what we wait for from the customer; its draft says since when we wait",
    ),
    (
        Field::CustomerPhone,
        "calls are planned without knowing there is a number: the agent looks it up in the ticket system",
    ),
    (
        Field::CustomerEmail,
        "e-mails are planned without knowing there is an address: the agent looks it up in the ticket system",
    ),
    (
        Field::CustomerAddress,
        "letters are planned without knowing there is an address: the agent looks it up in the ticket system",
    ),
];

#[cfg(test)]
mod tests {
    fn looks_like(column: &str, want: &str) -> bool {
        super::likeness(column, want).is_some()
    }

    #[test]
    fn columns_a_typo_case_or_separator_away_look_alike() {
        for (column, want) in [
            ("last_customer_reply", "last_customer_reply_at"),
            ("Last Customer Reply At", "last_customer_reply_at"),
            ("LAST-CUSTOMER-REPLY-AT", "last_customer_reply_at"),
            ("custmer_tz", "customer_tz"),
            ("awaitng_since", "awaiting_since"),
            ("Opened At", "opened_at"),
        ] {
            assert!(looks_like(column, want), "{column} ~ {want}");
        }
        for (column, want) in [
            ("subject", "status"),
            ("owner_team", "owner"),
            ("id", "sid"),
            ("notes", "last_note"),
        ] {
            assert!(!looks_like(column, want), "{column} !~ {want}");
        }
    }
}
