//! Any bytes as a JSON or NDJSON export: a ticket, a reject or an error, never a panic.
//! The body is `followup::fuzzing::read_json`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::read_json(data));
