//! Random tickets at a random instant: the engine never panics and keeps SPEC §3–4.
//! The body is `followup::fuzzing::engine`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::engine(data));
