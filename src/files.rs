//! Files and folders created owner-only whatever the umask (drafts carry names, e-mail
//! addresses and phone numbers), or as `[run].mode` widens them for a shared team folder.

use std::fs;
use std::io;
use std::path::Path;

/// The permission bits of what is created: files as given, folders with the search bit
/// wherever a file may be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub file: u32,
}

impl Default for Mode {
    fn default() -> Mode {
        Mode { file: 0o600 }
    }
}

impl Mode {
    pub fn dir(self) -> u32 {
        let f = self.file & 0o666;
        f | ((f & 0o444) >> 2) | 0o700
    }
}

/// Creates (or truncates) a file with exactly the mode's bits.
pub fn create(path: &Path, mode: Mode) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    open(o, path, mode.file)
}

/// Opens a file to append to, created with exactly the mode's bits when new.
pub fn append(path: &Path, mode: Mode) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.read(true).append(true).create(true);
    open(o, path, mode.file)
}

/// Opens as `o` says, the file's bits set to exactly `bits`.
#[cfg(unix)]
pub fn open(mut o: fs::OpenOptions, path: &Path, bits: u32) -> io::Result<fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let f = o.mode(bits).open(path)?;
    // Set outright: the umask may have taken bits a shared folder asks for, and a file
    // that existed would keep its old ones.
    f.set_permissions(fs::Permissions::from_mode(bits))?;
    Ok(f)
}

#[cfg(not(unix))]
pub fn open(o: fs::OpenOptions, path: &Path, _: u32) -> io::Result<fs::File> {
    o.open(path)
}

/// Creates a folder and its missing parents, the new ones with the mode's folder bits.
pub fn create_dir_all(path: &Path, mode: Mode) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_all(parent, mode)?;
    }
    match create_dir(path, mode) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        r => r,
    }
}

#[cfg(unix)]
fn create_dir(path: &Path, mode: Mode) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new().mode(mode.dir()).create(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode.dir()))
}

#[cfg(not(unix))]
fn create_dir(path: &Path, _: Mode) -> io::Result<()> {
    fs::create_dir(path)
}

/// What is wrong with a folder to write into when it is a link that leads nowhere: a
/// dangling link, or one that loops (creating it would fail with a baffling "File exists").
pub fn bad_link(path: &Path) -> Option<String> {
    let m = fs::symlink_metadata(path).ok()?;
    if !m.file_type().is_symlink() {
        return None;
    }
    let to = fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    match fs::metadata(path) {
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some(format!(
            "{} is a link to {to}, which does not exist: create {to}, or give the folder itself",
            path.display()
        )),
        Err(_) => Some(format!(
            "{} is a link that loops (to {to}): give the folder itself",
            path.display()
        )),
    }
}

/// Syncs a folder's entries (a rename is durable once its folder is synced).
pub fn sync_dir(p: &Path) -> io::Result<()> {
    fs::File::open(p).and_then(|d| d.sync_all()).or(Ok(()))
}

/// Hands the memory freed so far back to the system, where the allocator would keep it for
/// later: `run` frees its page's tickets before it reads the plan's, and its peak should be
/// the larger of the two, not their sum.
#[allow(unsafe_code)]
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heaps to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Caps the allocator's arenas at one per working thread (`threads`, at least two). glibc
/// gives a new thread an arena of its own, up to eight per core, and keeps what each one
/// freed: threads started a window at a time once spread a night's memory over a dozen
/// arenas, and a later night, with the ledger to hold as well, peaked a third above the first.
/// `MALLOC_ARENA_MAX`, when set, has the last word.
#[allow(unsafe_code)]
pub fn cap_arenas(threads: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let n = i32::try_from(threads.max(2)).unwrap_or(i32::MAX);
        // SAFETY: mallopt only sets a limit the allocator reads when it makes an arena.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, n);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = threads;
}

#[cfg(test)]
mod tests {
    use super::Mode;

    #[test]
    fn folders_are_searchable_where_their_files_are_readable() {
        assert_eq!(Mode::default().dir(), 0o700);
        assert_eq!(Mode { file: 0o640 }.dir(), 0o750);
        assert_eq!(Mode { file: 0o660 }.dir(), 0o770);
        assert_eq!(Mode { file: 0o644 }.dir(), 0o755);
    }
}
