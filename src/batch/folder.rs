//! The day's folder, built aside and swapped into place, so that a reader sees the old
//! folder or the new one, never half of either.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const BUILDING: &str = ".building.";
const OLD: &str = ".old.";

/// Removes what killed runs left behind: half-built folders, and a previous folder moved
/// aside but not yet replaced (put back).
pub fn recover(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(BUILDING) {
            fs::remove_dir_all(entry.path())?;
        } else if let Some(rest) = name.strip_prefix(OLD) {
            let date = rest.split('.').next().unwrap_or("");
            let live = dir.join(date);
            if !date.is_empty() && !live.exists() {
                fs::rename(entry.path(), live)?;
            } else {
                fs::remove_dir_all(entry.path())?;
            }
        }
    }
    Ok(())
}

/// A folder under construction beside its final place.
pub struct Staging {
    pub path: PathBuf,
    target: PathBuf,
    old: PathBuf,
}

impl Staging {
    pub fn new(dir: &Path, name: &str) -> io::Result<Staging> {
        let pid = std::process::id();
        let path = dir.join(format!("{BUILDING}{name}.{pid}"));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(Staging {
            path,
            target: dir.join(name),
            old: dir.join(format!("{OLD}{name}.{pid}")),
        })
    }

    /// Writes a file in the staging folder as `body` streams it, synced to disk.
    pub fn write(
        &self,
        name: &str,
        body: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let p = self.path.join(name);
        let mut f = io::BufWriter::new(fs::File::create(&p)?);
        body(&mut f)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        crash_point(name);
        Ok(())
    }

    /// Puts the folder in place of the previous one.
    pub fn publish(self) -> io::Result<()> {
        sync_dir(&self.path)?;
        if self.target.exists() {
            if exchange(&self.path, &self.target).is_ok() {
                // The old folder now sits where the new one was built.
                fs::remove_dir_all(&self.path)?;
            } else {
                fs::rename(&self.target, &self.old)?;
                fs::rename(&self.path, &self.target)?;
                fs::remove_dir_all(&self.old)?;
            }
        } else {
            fs::rename(&self.path, &self.target)?;
        }
        if let Some(parent) = self.target.parent() {
            sync_dir(parent)?;
        }
        Ok(())
    }
}

fn sync_dir(p: &Path) -> io::Result<()> {
    fs::File::open(p).and_then(|d| d.sync_all()).or(Ok(()))
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; the call only reads them.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange on this system"))
}

/// A test hook: `FOLLOWUP_TEST_CRASH_AFTER=<file>` ends the process the moment that file
/// has been written, as a power cut or `kill -9` would.
fn crash_point(name: &str) {
    if std::env::var_os("FOLLOWUP_TEST_CRASH_AFTER").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
