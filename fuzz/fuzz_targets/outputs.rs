//! The outputs written and read back: exactly their records and fields.
//! The body is `followup::fuzzing::outputs`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::outputs(data));
