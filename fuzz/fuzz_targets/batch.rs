//! A night of run, a fault on its folder, the next night.
//! The body is `followup::fuzzing::batch`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::batch(data));
