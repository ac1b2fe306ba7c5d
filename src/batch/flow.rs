//! Files that go to disk as they are written. A large night writes 1.5 GB: left to the
//! sync before publishing, the disk would start on it only then, and the pages it passed
//! through would push the machine's other files out of memory. Each file is instead sent
//! to disk a few MB at a time as it is written (Linux `sync_file_range`, which does not
//! wait), and what the disk has taken is let go of (`posix_fadvise`): the night keeps a few
//! MB a file in the page cache, not all it wrote, and reuses the same pages.
//!
//! Only a head start: the sync before publishing still waits for every byte, and reports
//! any write to disk that failed (these calls' own errors are left to it).

use std::fs;
use std::io;

/// A file being written, sent to disk as it comes.
pub struct Flowing {
    file: fs::File,
    /// Where in the file this writing began (its end, when appended to).
    at: u64,
    written: u64,
    /// How much of what is written has been sent to disk, and how much of that is on
    /// disk and let go of.
    started: u64,
    settled: u64,
}

/// Bytes written between two starts of writing them to disk.
const FLOW: u64 = 8 << 20;
/// The least a finished file's last bytes are started for: one file per action is left to
/// the sync before publishing, as a call per file would cost more than it saves.
const TAIL: u64 = 64 << 10;

impl Flowing {
    /// `file`, written from `at` on.
    pub fn new(file: fs::File, at: u64) -> Flowing {
        Flowing {
            file,
            at,
            written: 0,
            started: 0,
            settled: 0,
        }
    }

    /// The file, its last bytes sent to disk.
    pub fn finish(mut self) -> fs::File {
        if self.written - self.started >= TAIL {
            self.start();
        }
        self.file
    }

    /// Waits for the range sent before to be on disk and lets go of its pages (the disk is
    /// well ahead by then: it has had the time of the last range's writing), then sends
    /// what was written since.
    fn start(&mut self) {
        if self.started > self.settled {
            sys::settle(
                &self.file,
                self.at + self.settled,
                self.started - self.settled,
            );
            self.settled = self.started;
        }
        if self.written > self.started {
            sys::start(
                &self.file,
                self.at + self.started,
                self.written - self.started,
            );
            self.started = self.written;
        }
    }
}

impl io::Write for Flowing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= FLOW {
            self.start();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod sys {
    use std::fs;
    use std::os::fd::AsRawFd;

    /// Starts writing a range to disk, and returns at once.
    pub fn start(f: &fs::File, from: u64, len: u64) {
        range(f, from, len, libc::SYNC_FILE_RANGE_WRITE);
    }

    /// Writes a range to disk, waits for it, and drops its pages from the page cache.
    pub fn settle(f: &fs::File, from: u64, len: u64) {
        use libc::{
            SYNC_FILE_RANGE_WAIT_AFTER, SYNC_FILE_RANGE_WAIT_BEFORE, SYNC_FILE_RANGE_WRITE,
        };
        range(
            f,
            from,
            len,
            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER,
        );
        let (from, len) = (from as libc::off_t, len as libc::off_t);
        // SAFETY: a valid open descriptor; the call only advises the page cache.
        unsafe {
            libc::posix_fadvise(f.as_raw_fd(), from, len, libc::POSIX_FADV_DONTNEED);
        }
    }

    fn range(f: &fs::File, from: u64, len: u64, flags: libc::c_uint) {
        let (from, len) = (from as libc::off64_t, len as libc::off64_t);
        // SAFETY: a valid open descriptor; the call only writes back the file's own pages.
        unsafe {
            libc::sync_file_range(f.as_raw_fd(), from, len, flags);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    pub fn start(_: &std::fs::File, _: u64, _: u64) {}
    pub fn settle(_: &std::fs::File, _: u64, _: u64) {}
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn a_file_sent_to_disk_as_it_is_written_holds_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"before\n").unwrap();
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        let mut w = super::Flowing::new(file, 7);
        // Past two starts and a settle, and a tail.
        let line: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let mut want = b"before\n".to_vec();
        while want.len() < (super::FLOW as usize) * 2 + 100_000 {
            w.write_all(&line).unwrap();
            want.extend_from_slice(&line);
        }
        drop(w.finish());
        assert_eq!(std::fs::read(&path).unwrap(), want);
    }
}
