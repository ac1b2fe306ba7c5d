//! Any bytes as a JSON or NDJSON export: a ticket, a reject or an error, never a panic.
#![no_main]

use followup::config::{Format, Rules};
use followup::input::{Source, read};
use libfuzzer_sys::fuzz_target;

static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(|| {
    Rules::parse("rules.toml", Rules::STARTER).expect("the bundled rules are valid")
});

fuzz_target!(|data: &[u8]| {
    let rules = &*RULES;
    for format in [Format::Json, Format::Ndjson] {
        let mut accepted = 0u64;
        if let Ok(stats) = read(
            &[Source::Bytes("fuzz.json".into(), data.to_vec())],
            rules,
            Some(format),
            |_| accepted += 1,
        ) {
            assert_eq!(stats.rows, accepted + stats.rejects.len() as u64);
        }
    }
});
