//! Any text as a rules file: valid rules or errors with a line and column, never a panic.
//! The body is `followup::fuzzing::rules`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::rules(data));
