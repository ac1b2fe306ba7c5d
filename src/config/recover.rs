//! Reading a rules file past its first mistake: serde stops at the first unknown key or
//! value of the wrong type, so each one is reported, its key taken out of the text (its
//! bytes blanked, so that every line and column stays where it was) and the file read
//! again, until it reads or nothing more can be taken out.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::file::File;

/// More mistakes than any rules file a person wrote: then the rest is not worth reading.
const MOST: usize = 100;

/// The file as read once its mistakes are taken out (none when a mistake cannot be taken
/// out, as a syntax error), and every mistake: where it is and what is wrong.
pub(super) fn read(text: &str) -> (Option<File>, Vec<(usize, String)>) {
    let mut work = text.as_bytes().to_vec();
    let mut problems = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    for _ in 0..MOST {
        let Ok(current) = std::str::from_utf8(&work) else {
            break;
        };
        let e = match toml::from_str::<File>(current) {
            Ok(file) => return (Some(file), problems),
            Err(e) => e,
        };
        let message = e.message().trim().to_string();
        let Some(span) = e.span() else {
            problems.push((0, message));
            break;
        };
        // A field missing because its key was taken out was said already: the table that
        // misses it goes too.
        let follows = message.starts_with("missing field")
            && taken
                .iter()
                .any(|t| span.start <= t.start && t.end <= span.end);
        if !follows {
            problems.push((span.start, message));
        }
        match extent(current, span.start) {
            Some(r) if !taken.contains(&r) => {
                for b in &mut work[r.clone()] {
                    if *b != b'\n' && *b != b'\r' {
                        *b = b' ';
                    }
                }
                taken.push(r);
            }
            _ => break,
        }
    }
    (None, problems)
}

/// The bytes of the innermost key and its value around `at` (a table under a `[header]`
/// with its whole body), and the comma after it: what can be taken out of the text and
/// leave it TOML.
fn extent(text: &str, at: usize) -> Option<Range<usize>> {
    let table = DeTable::parse(text).ok()?;
    let mut found = None;
    innermost(table.get_ref(), at, &mut found);
    let mut r = found?;
    // The comma after a key of an inline table or an element of an array goes too.
    let rest = &text.as_bytes()[r.end..];
    let spaces = rest
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    if rest.get(spaces) == Some(&b',') {
        r.end += spaces + 1;
    }
    Some(r)
}

fn innermost(t: &DeTable<'_>, at: usize, found: &mut Option<Range<usize>>) {
    for (k, v) in t.iter() {
        let r = whole(k.span(), v);
        if !r.contains(&at) {
            continue;
        }
        *found = Some(r);
        within(v, at, found);
    }
}

fn within(v: &Spanned<DeValue<'_>>, at: usize, found: &mut Option<Range<usize>>) {
    match v.get_ref() {
        DeValue::Table(t) => innermost(t, at, found),
        DeValue::Array(items) => {
            for item in items.iter() {
                let r = whole(item.span(), item);
                if r.contains(&at) {
                    *found = Some(r);
                    within(item, at, found);
                }
            }
        }
        _ => {}
    }
}

/// The bytes a key and its value cover, from the first to the last of them: a table under
/// a header reaches from its header to its last key.
fn whole(key: Range<usize>, v: &Spanned<DeValue<'_>>) -> Range<usize> {
    let mut r = key.start.min(v.span().start)..key.end.max(v.span().end);
    grow(v, &mut r);
    r
}

fn grow(v: &Spanned<DeValue<'_>>, r: &mut Range<usize>) {
    let children: Vec<(Range<usize>, &Spanned<DeValue<'_>>)> = match v.get_ref() {
        DeValue::Table(t) => t.iter().map(|(k, v)| (k.span(), v)).collect(),
        DeValue::Array(items) => items.iter().map(|i| (i.span(), i)).collect(),
        _ => Vec::new(),
    };
    for (k, child) in children {
        r.start = r.start.min(k.start).min(child.span().start);
        r.end = r.end.max(k.end).max(child.span().end);
        grow(child, r);
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Rules;

    proptest::proptest! {
        /// Mistakes spliced into the bundled rules anywhere: the file reads or fails with
        /// every problem placed at a line and column of the file, and never panics.
        #[test]
        fn mistakes_anywhere_are_placed(
            at in proptest::collection::vec(0usize..120, 1..6),
            junk in proptest::collection::vec(proptest::sample::select(vec![
                "bogus = 1", "count = \"x\"", "[nowhere]", "x = { a = 1, b = 2 }",
                "steps = [{ after = 1 }]", "name = [1, 2", "\"\" = 3", "[types.t]\nalert = 7",
                "timezone = \"Mars\"", "= =", "[[agents]]", "out = [\"2026-13-01\"]",
            ]), 1..6),
        ) {
            let mut lines: Vec<String> = Rules::STARTER.lines().map(str::to_string).collect();
            for (i, j) in at.iter().zip(&junk) {
                let i = (*i).min(lines.len());
                lines.insert(i, j.to_string());
            }
            let text = lines.join("\n");
            if let Err(e) = Rules::parse("r.toml", &text) {
                proptest::prop_assert!(!e.problems.is_empty());
                let n = text.lines().count().max(1);
                for p in &e.problems {
                    proptest::prop_assert!(p.line >= 1 && p.line <= n + 1, "{p:?}");
                    proptest::prop_assert!(p.column >= 1);
                }
            }
        }
    }
}
