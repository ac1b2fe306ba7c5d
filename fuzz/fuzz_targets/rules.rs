//! Any text as a rules file: valid rules or errors with a line and column, never a panic.
#![no_main]

use followup::config::Rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = Rules::parse("fuzz.toml", text)
    {
        assert!(!e.problems.is_empty());
        assert!(e.problems.iter().all(|p| p.line >= 1 && p.column >= 1));
    }
});
