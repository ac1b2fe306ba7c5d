//! The day's folder, built aside and swapped into place, so that a reader sees the old
//! folder or the new one, never half of either. Publishing it is the run's commit point:
//! the next ledger is staged inside it (see `ledger`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::fault;
use super::flow::Flowing;
use super::ledger;
use crate::files::{self, Mode};

const BUILDING: &str = ".building.";
const OLD: &str = ".old.";

/// Finishes or undoes what a run that died left: half-built folders go, a previous folder
/// moved aside but not replaced is put back, and the ledger of a published folder is moved
/// into place.
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
    settle_ledger(dir)
}

/// Moves the ledger a published folder holds into place, synced: from then on it is the
/// ledger.
pub fn settle_ledger(dir: &Path) -> io::Result<()> {
    if let Some(staged) = ledger::staged(dir) {
        fault::point(ledger::FILE)?;
        fs::rename(&staged, dir.join(ledger::FILE))?;
        files::sync_dir(dir)?;
    }
    Ok(())
}

/// What stands where the day's folder goes, when it is not a folder: named before anything
/// is written, and never moved.
pub fn in_the_way(dir: &Path, name: &str) -> Option<String> {
    let p = dir.join(name);
    let m = fs::symlink_metadata(&p).ok()?;
    let what = if m.file_type().is_symlink() {
        "a link"
    } else if m.is_dir() {
        return None;
    } else {
        "a file"
    };
    Some(format!(
        "{} is {what}, where the day's folder goes: move it away or remove it (followup writes the day's outputs there and does not touch it)",
        p.display()
    ))
}

/// A folder under construction beside its final place; removed if dropped unpublished.
pub struct Staging {
    pub path: PathBuf,
    /// The folder, open from before its first file is written: a sync through it reports
    /// every write to disk that failed since (one opened later would miss those).
    root: Option<fs::File>,
    target: PathBuf,
    old: PathBuf,
    mode: Mode,
    published: bool,
}

impl Staging {
    pub fn new(dir: &Path, name: &str, mode: Mode) -> io::Result<Staging> {
        let pid = std::process::id();
        let path = dir.join(format!("{BUILDING}{name}.{pid}"));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        files::create_dir_all(&path, mode)?;
        let root = if cfg!(target_os = "linux") {
            Some(fs::File::open(&path)?)
        } else {
            None
        };
        Ok(Staging {
            path,
            root,
            target: dir.join(name),
            old: dir.join(format!("{OLD}{name}.{pid}")),
            mode,
            published: false,
        })
    }

    /// A folder inside, for files written with `write` under `name/`.
    pub fn folder(&self, name: &str) -> io::Result<()> {
        files::create_dir_all(&self.path.join(name), self.mode)
    }

    /// Writes a file in the staging folder as `body` streams it; on disk before the folder
    /// is published.
    pub fn write(
        &self,
        name: &str,
        body: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut f = self.create(name, false)?;
        body(&mut f.file)?;
        f.finish()
    }

    /// A file of the staging folder to write as it comes (created, or appended to when
    /// `again`); `finish` ends it.
    pub fn create(&self, name: &str, again: bool) -> io::Result<StagedFile> {
        let p = self.path.join(name);
        let (f, at) = if again {
            let f = files::append(&p, self.mode)?;
            let at = f.metadata()?.len();
            (f, at)
        } else {
            (files::create(&p, self.mode)?, 0)
        };
        Ok(StagedFile {
            file: io::BufWriter::with_capacity(128 * 1024, Flowing::new(f, at)),
            name: name.to_string(),
        })
    }

    /// Puts what is written so far on disk, so that `publish` has only what follows left
    /// to sync (a night's drafts are synced while its ledger is made). An error here is one
    /// `publish` may not see again: it fails the run as well.
    pub fn sync(&self) -> io::Result<()> {
        fault::point("sync")?;
        self.root.as_ref().map_or(Ok(()), sync_all_files)
    }

    /// Puts the folder in place of the previous one: the commit point of a run. An error
    /// means nothing changed; once the folder is in place, tidying what it replaced is left
    /// to the next run if it fails.
    pub fn publish(mut self) -> io::Result<()> {
        self.sync()?;
        // The folder's own descriptor is let go before it is moved (and, replacing a
        // folder, removed).
        self.root = None;
        sync_dir(&self.path)?;
        fault::point("publish")?;
        if self.target.exists() {
            if exchange(&self.path, &self.target).is_ok() {
                self.published = true;
                // The old folder now sits where the new one was built.
                let _ = fs::remove_dir_all(&self.path);
            } else {
                fs::rename(&self.target, &self.old)?;
                if let Err(e) = fs::rename(&self.path, &self.target) {
                    let _ = fs::rename(&self.old, &self.target);
                    return Err(e);
                }
                self.published = true;
                let _ = fs::remove_dir_all(&self.old);
            }
        } else {
            fs::rename(&self.path, &self.target)?;
            self.published = true;
        }
        if let Some(parent) = self.target.parent() {
            let _ = sync_dir(parent);
        }
        Ok(())
    }
}

/// A file being written in the staging folder.
pub struct StagedFile {
    pub file: io::BufWriter<Flowing>,
    name: String,
}

impl StagedFile {
    /// Flushes it; on disk before the folder is published.
    pub fn finish(self) -> io::Result<()> {
        let f = self.file.into_inner().map_err(|e| e.into_error())?.finish();
        fault::point(&self.name)?;
        // One sync of the file system before publishing does for every file (a sync per
        // file cost minutes on a folder of many files); elsewhere each file is synced.
        if cfg!(target_os = "linux") {
            Ok(())
        } else {
            f.sync_all()
        }
    }
}

impl Drop for Staging {
    /// A run that fails takes its half-built folder with it: a full disk does not stay full.
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

use files::sync_dir;

/// Everything written so far on the folder's file system, on disk (Linux `syncfs`).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn sync_all_files(d: &fs::File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: a valid open descriptor; the call only flushes.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_all_files(_: &fs::File) -> io::Result<()> {
    Ok(())
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
