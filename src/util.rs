//! Small helpers shared by the input and rules modules.

/// The candidate closest to `s` by edit distance (case-insensitive), if reasonably close.
pub fn closest<'a>(s: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let target = s.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&target, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(target.len()) / 2).max(2))
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Line and column (1-based, columns in characters) of a byte offset in a text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Text for a terminal or a log: control characters (escape sequences, line breaks unless
/// `lines`) written as `\n`, `\t`, `\r` or `\u{1b}`, so that no value can move the cursor,
/// recolour the terminal or add a line to a log.
pub fn printable(s: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !(lines && c == '\n');
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if !lines => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// At most `max` characters of `s`, with `…` when cut.
pub fn prefix(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// A number's decimal digits, written into `buf` without `std::fmt` (for output written by
/// the hundred thousand lines).
pub fn decimal(n: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_value_moves_the_cursor_or_adds_a_line() {
        use super::printable;
        assert_eq!(printable("plain", false), "plain");
        assert_eq!(printable("a\nb\tc\x1b[31m", false), "a\\nb\\tc\\u{1b}[31m");
        assert_eq!(printable("two\nlines\x07", true), "two\nlines\\u{7}");
        assert_eq!(super::prefix("abcdef", 3), "abc…");
        assert_eq!(super::prefix("abc", 3), "abc");
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 4_000_000_000, u32::MAX] {
            assert_eq!(super::decimal(n, &mut [0; 10]), n.to_string());
        }
    }
}
