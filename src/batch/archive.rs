//! The archive: every action a run issued, one line per action and run date, in
//! `archive/<YYYY-MM>.tsv` by the month of the run (old months can be compressed or moved
//! away; `history` reads those there). Appended only, never read by a night's run unless it
//! is dated before the latest run.
//!
//! Lines reach the archive from the ledger's queue, before the ledger that drops them is
//! staged. A run that dies after appending them meets them again: what the file already
//! ends with is not appended twice, and readers take each (run date, action) once anyway.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::entry::{Entry, escape, parse_each};
use super::fault;
use crate::error::Failure;
use crate::files::{self, Mode};

pub const DIR: &str = "archive";

const HEADER: &str = "# followup archive: every action issued by a run of this month, appended\n\
# run_date\tfirst_run\taction_id\tticket_id\tkind\tstep\tdue_date\tsuggested_at\tchannel\n";

/// Appends entries to their months' files, synced: each line made as it is written, so
/// that a night's entries are never held as text.
pub fn append(dir: &Path, entries: &[&Entry], mode: Mode) -> io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let folder = dir.join(DIR);
    files::create_dir_all(&folder, mode)?;
    let mut by_month: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for &e in entries {
        let month = e.run_date.format("%Y-%m").to_string();
        by_month.entry(month).or_default().push(e);
    }
    for (month, batch) in by_month {
        let path = folder.join(format!("{month}.tsv"));
        let mut f = files::append(&path, mode)?;
        let len = f.metadata()?.len();
        let there = if len == 0 {
            f.write_all(HEADER.as_bytes())?;
            0
        } else {
            let len = cut_torn_tail(&mut f, len)?;
            already_there(&mut f, len, &batch)?
        };
        let mut w = io::BufWriter::with_capacity(256 * 1024, &f);
        let mut line = String::new();
        for e in &batch[there..] {
            line.clear();
            e.line(&mut line);
            w.write_all(line.as_bytes())?;
        }
        w.flush()?;
        drop(w);
        fault::point("archive")?;
        f.sync_all()?;
    }
    files::sync_dir(&folder)
}

/// A write cut short leaves half a line at the end: its entries are still queued and come
/// again, so the half line goes. Returns the length left.
fn cut_torn_tail(f: &mut std::fs::File, len: u64) -> io::Result<u64> {
    let mut pos = len;
    let mut buf = [0u8; 4096];
    while pos > 0 {
        let start = pos.saturating_sub(buf.len() as u64);
        let n = (pos - start) as usize;
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if pos == len && buf[n - 1] == b'\n' {
            return Ok(len);
        }
        if let Some(i) = buf[..n].iter().rposition(|&b| b == b'\n') {
            let keep = start + i as u64 + 1;
            f.set_len(keep)?;
            return Ok(keep);
        }
        pos = start;
    }
    f.set_len(0)?;
    Ok(0)
}

/// How many of `batch`'s first entries the file (`len` bytes, ending with a line break)
/// already ends with, as whole lines: what a run that died after appending left. Only a
/// batch entry equal to the file's last line can end what is there, so the batch's lines
/// are made and the file read back only then.
fn already_there(f: &mut std::fs::File, len: u64, batch: &[&Entry]) -> io::Result<usize> {
    let last = last_line(f, len)?;
    let Some(last) = std::str::from_utf8(&last)
        .ok()
        .and_then(|l| Entry::parse(l.trim_end_matches('\n')).ok())
    else {
        return Ok(0);
    };
    let ends: Vec<usize> = (1..=batch.len())
        .filter(|&n| *batch[n - 1] == last)
        .collect();
    // The longest run of the batch that the file ends with.
    let mut line = String::new();
    for &n in ends.iter().rev() {
        let bytes: u64 = batch[..n]
            .iter()
            .map(|e| {
                line.clear();
                e.line(&mut line);
                line.len() as u64
            })
            .sum();
        let Some(start) = len.checked_sub(bytes) else {
            continue;
        };
        if start > 0 && read_at(f, start - 1, 1)? != b"\n" {
            continue;
        }
        if ends_with_lines(f, start, len, &batch[..n])? {
            return Ok(n);
        }
    }
    Ok(0)
}

/// `n` bytes of the file from `at`.
fn read_at(f: &mut std::fs::File, at: u64, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; n];
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(&mut buf)?;
    Ok(buf)
}

/// The file's last line, with its line break.
fn last_line(f: &mut std::fs::File, len: u64) -> io::Result<Vec<u8>> {
    let mut tail: Vec<u8> = Vec::new();
    let mut from = len;
    while from > 0 {
        let start = from.saturating_sub(4096);
        let mut chunk = read_at(f, start, (from - start) as usize)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        from = start;
        // A line break before the last one ends the search.
        if let Some(i) = tail[..tail.len() - 1].iter().rposition(|&b| b == b'\n') {
            return Ok(tail[i + 1..].to_vec());
        }
    }
    Ok(tail)
}

/// Whether the file's bytes from `start` to `len` are `lines`' lines, one after another.
fn ends_with_lines(
    f: &mut std::fs::File,
    start: u64,
    len: u64,
    lines: &[&Entry],
) -> io::Result<bool> {
    f.seek(SeekFrom::Start(start))?;
    let mut r = io::BufReader::new(f.take(len - start));
    let (mut line, mut there) = (String::new(), Vec::new());
    for e in lines {
        line.clear();
        e.line(&mut line);
        there.resize(line.len(), 0);
        r.read_exact(&mut there)?;
        if there != line.as_bytes() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The month files, in order.
fn months(dir: &Path) -> Result<Vec<std::path::PathBuf>, Failure> {
    let folder = dir.join(DIR);
    let mut paths: Vec<_> = match std::fs::read_dir(&folder) {
        Ok(d) => d
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Failure::io(format!(
                "cannot read {}: {e}",
                folder.display()
            )));
        }
    };
    paths.sort();
    Ok(paths)
}

/// Every entry of every month's file, in file order.
pub fn read(dir: &Path) -> Result<Vec<Entry>, Failure> {
    let paths = months(dir)?;
    let mut all = Vec::new();
    for p in paths {
        let f = std::fs::File::open(&p)
            .map_err(|e| Failure::io(format!("cannot read {}: {e}", p.display())))?;
        // Read as it comes: a torn last line (a run that died appending) is left out, even
        // one cut inside a character.
        parse_each(&p, io::BufReader::new(f), &mut |e, _| all.push(e))?;
    }
    Ok(all)
}

/// The entries of one ticket in every month's file, in file order: read line by line, and
/// only lines of the ticket parsed.
pub fn for_ticket(dir: &Path, ticket: &str) -> Result<Vec<Entry>, Failure> {
    use std::io::BufRead;
    let paths = months(dir)?;
    let mut field = String::new();
    escape(ticket, &mut field);
    let mut out = Vec::new();
    for p in paths {
        let fail = |e: io::Error| Failure::io(format!("cannot read {}: {e}", p.display()));
        let f = std::fs::File::open(&p).map_err(fail)?;
        for line in io::BufReader::new(f).lines() {
            let line = line.map_err(fail)?;
            if line.split('\t').nth(3) != Some(field.as_str()) {
                continue;
            }
            // A torn last line fails to parse: it is written again by the next run.
            if let Ok(e) = Entry::parse(&line) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Each (run date, action) once, in order of run date, then as read.
pub fn distinct(mut all: Vec<Entry>) -> Vec<Entry> {
    let mut seen = HashSet::new();
    all.retain(|e| seen.insert((e.run_date, e.action_id.clone())));
    all.sort_by_key(|e| e.run_date);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Kind;

    fn entry(run: &str, id: &str) -> Entry {
        Entry {
            run_date: run.parse().unwrap(),
            first_run: run.parse().unwrap(),
            action_id: format!("{id}.strike-1").into(),
            ticket_id: id.into(),
            kind: Kind::Strike,
            step: 1,
            due_date: run.parse().unwrap(),
            suggested_at: chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00-05:00")
                .unwrap(),
            channel: None,
        }
    }

    fn lines(dir: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(dir.join(DIR).join("2026-11.tsv")).unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l[..14].to_string() + &l[22..30])
            .collect()
    }

    #[test]
    fn an_append_that_died_is_neither_doubled_nor_left_torn() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let night1 = [entry("2026-11-23", "A"), entry("2026-11-23", "B")];
        let night2 = [
            entry("2026-11-24", "A"),
            entry("2026-11-24", "B"),
            entry("2026-11-24", "C"),
        ];
        let (night1, night2): (Vec<&Entry>, Vec<&Entry>) =
            (night1.iter().collect(), night2.iter().collect());
        append(d, &night1, Mode::default()).unwrap();
        // Night 2 appended, then the run died: the next one appends the same again.
        append(d, &night2, Mode::default()).unwrap();
        append(d, &night2, Mode::default()).unwrap();
        assert_eq!(lines(d).len(), 5);
        // A batch whose last line the file ends with, but not what comes before it: all
        // of it goes; then one whose first line the file ends with: the rest goes.
        let (d2, e2) = (entry("2026-11-24", "D"), entry("2026-11-24", "E"));
        append(d, &[&d2, night2[2]], Mode::default()).unwrap();
        assert_eq!(lines(d).len(), 7);
        append(d, &[night2[2], &e2], Mode::default()).unwrap();
        assert_eq!(lines(d).len(), 8);
        let path = d.join(DIR).join("2026-11.tsv");
        std::fs::write(&path, {
            let text = std::fs::read_to_string(&path).unwrap();
            let kept: Vec<&str> = text.split_inclusive('\n').collect();
            kept[..kept.len() - 3].concat()
        })
        .unwrap();
        // Cut short in the middle of night 2's second line.
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text.match_indices("2026-11-24").nth(2).unwrap().0 + 20;
        std::fs::write(&path, &text[..cut]).unwrap();
        append(d, &night2, Mode::default()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(read(d).unwrap().len(), 5);
    }

    #[test]
    fn an_archive_torn_inside_a_character_is_read_without_its_half_line() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (whole, torn) = (entry("2026-11-23", "Ö1"), entry("2026-11-23", "Ö2"));
        append(d, &[&whole, &torn], Mode::default()).unwrap();
        let path = d.join(DIR).join("2026-11.tsv");
        let text = std::fs::read(&path).unwrap();
        let cut = text.windows(3).position(|w| w == "Ö2".as_bytes()).unwrap() + 1;
        std::fs::write(&path, &text[..cut]).unwrap();
        let back = read(d).unwrap();
        assert_eq!(back, [whole]);
    }
}
