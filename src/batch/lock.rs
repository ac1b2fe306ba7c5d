//! The lock on an output folder: one run at a time, the holder named for the next.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Code, Failure};
use crate::files::{self, Mode};

pub const FILE: &str = ".lock";

/// Held for the whole run; released when dropped (or when the process ends, however it ends).
pub struct Lock {
    _file: File,
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this host".into())
}

impl Lock {
    /// Takes the lock on `dir`, waiting up to `wait` for another run to finish.
    pub fn acquire(
        dir: &Path,
        wait: Option<Duration>,
        started: &str,
        mode: Mode,
    ) -> Result<Lock, Failure> {
        let path = dir.join(FILE);
        let fail = |e: std::io::Error| Failure::io(format!("cannot lock {}: {e}", path.display()));
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        let mut file = files::open(options, &path, mode.file).map_err(fail)?;
        let deadline = wait.map(|w| Instant::now() + w);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    if deadline.is_some_and(|d| Instant::now() < d) {
                        std::thread::sleep(Duration::from_millis(200));
                        continue;
                    }
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let holder = if holder.is_empty() {
                        "another run".to_string()
                    } else {
                        holder.to_string()
                    };
                    let hint = if wait.is_some() {
                        "it did not finish in time"
                    } else {
                        "wait for it with --wait 10m"
                    };
                    return Err(Failure::new(
                        Code::Locked,
                        format!("{} is locked by {holder}; {hint}", dir.display()),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(fail(e)),
            }
        }
        // Name the holder for whoever comes next.
        let me = format!(
            "followup run (pid {}, on {}, started {started})\n",
            std::process::id(),
            hostname()
        );
        file.set_len(0).map_err(fail)?;
        file.seek(SeekFrom::Start(0)).map_err(fail)?;
        file.write_all(me.as_bytes()).map_err(fail)?;
        Ok(Lock { _file: file })
    }
}
