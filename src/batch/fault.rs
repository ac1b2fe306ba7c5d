//! Test hooks that inject the faults a nightly job meets: a write that fails (a full disk)
//! and a process that dies (a kill, a power cut), at any write of a run.
//!
//! Every file a run writes, and every rename that commits it, passes a numbered point:
//! - `FOLLOWUP_TEST_FAIL_WRITE=N` makes the Nth point fail as a full disk does;
//! - `FOLLOWUP_TEST_KILL_AT=N` ends the process at the Nth point, as `kill -9` does;
//! - `FOLLOWUP_TEST_CRASH_AFTER=<name>` ends it once the point of that name is reached.
//!
//! Without them a point costs an atomic increment. One more hook checks the ledger's
//! compaction: `FOLLOWUP_TEST_LEDGER_FROM_ARCHIVE=1` plans every night from the archive's
//! full record instead of the compacted ledger, which must give the same actions.

use std::io;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

static PASSED: AtomicUsize = AtomicUsize::new(0);

/// The hooks asked for, read once.
struct Hooks {
    kill_at: Option<usize>,
    fail_at: Option<usize>,
    crash_after: Option<String>,
    from_archive: bool,
}

fn hooks() -> &'static Hooks {
    static HOOKS: OnceLock<Hooks> = OnceLock::new();
    HOOKS.get_or_init(|| {
        let number = |var: &str| std::env::var(var).ok()?.trim().parse().ok();
        Hooks {
            kill_at: number("FOLLOWUP_TEST_KILL_AT"),
            fail_at: number("FOLLOWUP_TEST_FAIL_WRITE"),
            crash_after: std::env::var("FOLLOWUP_TEST_CRASH_AFTER").ok(),
            from_archive: std::env::var_os("FOLLOWUP_TEST_LEDGER_FROM_ARCHIVE").is_some(),
        }
    })
}

/// One point of a run's writes, named after the file or step (`actions.csv`, `publish`).
pub fn point(name: &str) -> io::Result<()> {
    let n = PASSED.fetch_add(1, Ordering::Relaxed) + 1;
    let h = hooks();
    if h.kill_at == Some(n) || h.crash_after.as_deref() == Some(name) {
        std::process::abort();
    }
    if h.fail_at == Some(n) {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("No space left on device (injected at write {n}, {name})"),
        ));
    }
    Ok(())
}

/// Whether to plan from the archive's full record (`FOLLOWUP_TEST_LEDGER_FROM_ARCHIVE`).
pub fn ledger_from_archive() -> bool {
    hooks().from_archive
}
