//! The ledger written, torn at any byte, and read back; any bytes as a ledger.
//! The body is `followup::fuzzing::ledger`, which `cargo test` runs on this target's corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup::fuzzing::ledger(data));
