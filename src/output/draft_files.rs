//! Draft files: one drafted message per action in a folder (`drafts --out`, `run`'s
//! `drafts/`), named after its action id made safe.

use std::io;
use std::path::Path;

use super::{Row, local_rfc3339};

/// Writes one file per drafted row into `dir`, in the rows' order (which decides the names
/// of ids that collide once made safe for file names): a header (to, channel, suggested
/// time, subject), a blank line, the body. Two ids that map to one name both survive.
/// Returns how many files were written.
pub fn write<'a>(dir: &Path, rows: impl IntoIterator<Item = Row<'a>>) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut used = std::collections::HashSet::new();
    let mut written = 0;
    for row in rows {
        let (a, Some(d)) = (row.action, row.draft) else {
            continue;
        };
        let base = safe_file_name(&a.id());
        let mut name = format!("{base}.txt");
        let mut n = 1;
        while !used.insert(name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}-{n}.txt");
        }
        let to = match (a.channel, &d.to) {
            (None, _) => "(internal: the ticket system)".to_string(),
            (Some(_), to) => to.clone(),
        };
        let mut text = String::new();
        text.push_str(&format!("Action: {}\n", a.id()));
        text.push_str(&format!("To: {to}\n"));
        text.push_str(&format!(
            "Channel: {}\n",
            match a.channel {
                Some(c) if a.fallback_channels.is_empty() => c.to_string(),
                Some(c) => format!("{c} (then {})", a.fallbacks(", ")),
                None => "internal".into(),
            }
        ));
        text.push_str(&format!(
            "Suggested time: {} ({}; window until {})\n",
            local_rfc3339(a.suggested_at, a.timezone),
            a.timezone.name(),
            local_rfc3339(a.window_end, a.timezone)
        ));
        text.push_str(&format!("Assignee: {}", a.assignee));
        if let Some(o) = &a.covering_for {
            text.push_str(&format!(" (covering for {o})"));
        }
        text.push_str(&format!("\nSubject: {}\n\n{}", d.subject, d.body));
        let path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)?;
        written += 1;
    }
    Ok(written)
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
