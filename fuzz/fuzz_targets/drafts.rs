//! Hostile ticket values and templates: every draft within [drafts]'s limits, one line where it must be.
//! The body is `followup::fuzzing::drafts`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::drafts(data));
