//! Draft files: the drafted messages as an agent opens them in the morning. `run` writes
//! one file per assignee, each agent's drafts in contact order (or one per action, as
//! `drafts --out` does), named after the assignee or action id made safe.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::Path;

use super::{Draft, Row, local_rfc3339, plain};
use crate::engine::Action;
use crate::files::{self, Mode};

/// Writes one file per drafted row into `dir`, in the rows' order (which decides the names
/// of ids that collide once made safe for file names), each written aside and renamed, so
/// that a reader of the folder never sees half a draft. Returns how many files were
/// written.
pub fn write<'a>(
    dir: &Path,
    rows: impl IntoIterator<Item = Row<'a>>,
    mode: Mode,
) -> io::Result<usize> {
    files::create_dir_all(dir, mode)?;
    per_action(rows, &mut Names::default(), &mut |name, text| {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut f = files::create(&tmp, mode)?;
        f.write_all(text)?;
        drop(f);
        std::fs::rename(&tmp, &path)
    })
}

/// One file per drafted row, handed to `put` with its name: a header (to, channel,
/// suggested time, subject), a blank line, the body. Two ids that map to one name both
/// survive (`names` holds the names taken so far).
pub fn per_action<'a>(
    rows: impl IntoIterator<Item = Row<'a>>,
    names: &mut Names,
    put: &mut dyn FnMut(&str, &[u8]) -> io::Result<()>,
) -> io::Result<usize> {
    let mut written = 0;
    let mut text = String::new();
    for row in rows {
        let (a, Some(d)) = (row.action, row.draft) else {
            continue;
        };
        let name = names.unique(&safe_file_name(&a.id()));
        text.clear();
        draft_text(a, d, &mut text);
        put(&name, text.as_bytes())?;
        written += 1;
    }
    Ok(written)
}

/// Each assignee (given once for each of their rows), with the name of their file and how
/// many rows are theirs.
pub fn assignee_files<'a>(
    assignees: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<&'a str, (String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for who in assignees {
        *counts.entry(who).or_default() += 1;
    }
    let mut names = Names::default();
    counts
        .into_iter()
        .map(|(who, n)| (who, (names.unique(&safe_file_name(who)), n)))
        .collect()
}

/// What an assignee's file starts with.
pub fn assignee_head(w: &mut dyn Write, who: &str, n: usize) -> io::Result<()> {
    writeln!(
        w,
        "Drafts for {}: {n} action{} in contact order",
        plain(who),
        if n == 1 { "" } else { "s" }
    )
}

/// The `i`th (from 1) of an assignee's `n` drafts (`text`, from `text`), under a rule
/// that numbers it.
pub fn assignee_entry(
    w: &mut dyn Write,
    i: usize,
    n: usize,
    row: Row<'_>,
    text: &str,
) -> io::Result<()> {
    write!(w, "\n----- {i} of {n}: {} -----\n", PlainId(row.action))?;
    w.write_all(text.as_bytes())
}

/// An action's id as a draft file shows it, written without building it first (it is
/// written twice for every action of a night): only the ticket id can hold a break.
struct PlainId<'a>(&'a Action);

impl std::fmt::Display for PlainId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0;
        write!(f, "{}.{}-{}", plain(&a.ticket_id), a.kind.name(), a.step)
    }
}

/// A drafted row as its file shows it, appended to `text` (nothing when not drafted).
pub fn text_onto(row: Row<'_>, text: &mut String) {
    if let (a, Some(d)) = (row.action, row.draft) {
        draft_text(a, d, text);
    }
}

/// A draft as a file shows it: who, how and when, the subject, a blank line, the body.
fn draft_text(a: &Action, d: &Draft, text: &mut String) {
    use std::fmt::Write as _;
    let to = match a.channel {
        None => "(internal: the ticket system)",
        Some(_) => d.to.as_str(),
    };
    // The header fields come to a few hundred bytes; the body is most of it.
    text.reserve(d.body.len() + d.subject.len() + 384);
    let _ = writeln!(text, "Action: {}", PlainId(a));
    let _ = writeln!(text, "To: {}", plain(to));
    let _ = match a.channel {
        Some(c) if a.fallback_channels.is_empty() => writeln!(text, "Channel: {c}"),
        Some(c) => writeln!(text, "Channel: {c} (then {})", a.fallbacks(", ")),
        None => writeln!(text, "Channel: internal"),
    };
    let _ = writeln!(
        text,
        "Suggested time: {} ({}; window until {})",
        local_rfc3339(a.suggested_at, a.timezone),
        a.timezone.name(),
        local_rfc3339(a.window_end, a.timezone)
    );
    let _ = write!(text, "Assignee: {}", plain(&a.assignee));
    if let Some(o) = &a.covering_for {
        let _ = write!(text, " (covering for {})", plain(o));
    }
    if let Some(n) = &d.note {
        let _ = write!(text, "\nWork note (for you, not the customer): {n}");
    }
    let _ = write!(text, "\nSubject: {}\n\n{}", plain(&d.subject), d.body);
}

/// File names taken so far, compared as a case-insensitive file system would.
#[derive(Default)]
pub struct Names(HashSet<String>);

impl Names {
    /// `base.txt`, or `base-2.txt`, … when taken.
    pub fn unique(&mut self, base: &str) -> String {
        let mut name = format!("{base}.txt");
        let mut n = 1;
        while !self.0.insert(name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}-{n}.txt");
        }
        name
    }
}

/// A file name for an action id that stays inside its folder on every system: only
/// letters, digits, `-`, `_` and `.`; no leading dot; no device names; at most 120 bytes.
pub fn safe_file_name(id: &str) -> String {
    let mut name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with('.') || name.is_empty() {
        name.insert(0, '_');
    }
    const DEVICES: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    if DEVICES.contains(&stem.as_str()) {
        name.insert(0, '_');
    }
    if name.len() > 120 {
        name.truncate(120);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn safe_file_names_stay_in_the_folder() {
        assert_eq!(safe_file_name("INC0042.strike-1"), "INC0042.strike-1");
        assert_eq!(
            safe_file_name("../../etc/x.strike-1"),
            "_.._.._etc_x.strike-1"
        );
        assert_eq!(safe_file_name("a/b.strike-1"), "a_b.strike-1");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("con.strike-1"), "_con.strike-1");
        assert_eq!(safe_file_name("x\u{1}y\n"), "x_y_");
        assert_eq!(safe_file_name(""), "_");
        assert_eq!(safe_file_name(".hidden"), "_.hidden");
        assert_eq!(safe_file_name("Ü"), "_");
        assert_eq!(safe_file_name(&"x".repeat(300)).len(), 120);
    }
}
