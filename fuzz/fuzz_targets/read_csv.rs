//! Any bytes as a CSV export: a ticket, a reject or an error, never a panic.
#![no_main]

use followup::config::{Format, Rules};
use followup::input::{Source, read};
use libfuzzer_sys::fuzz_target;

static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(|| {
    Rules::parse("rules.toml", Rules::STARTER).expect("the bundled rules are valid")
});

fuzz_target!(|data: &[u8]| {
    let rules = &*RULES;
    let mut accepted = 0u64;
    if let Ok(stats) = read(
        &[Source::Bytes("fuzz.csv".into(), data.to_vec())],
        rules,
        Some(Format::Csv),
        |_| accepted += 1,
    ) {
        // Every row read is accepted or rejected (repeated ids are rejected rows too).
        assert_eq!(stats.rows, accepted + stats.rejects.len() as u64);
    }
});
