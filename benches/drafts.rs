//! Criterion bench of drafting: every action of the example export due within a week,
//! drafted with the built-in templates, as a run drafts them and by MiniJinja alone. Run by
//! hand: `cargo bench --bench drafts`.

use std::hint::black_box;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followup::config::{Format, Rules};
use followup::drafts::Drafter;
use followup::engine::due_onto;
use followup::input::{Source, read};

fn drafts(c: &mut Criterion) {
    let text = std::fs::read_to_string("rules.toml").unwrap();
    let rules = Rules::parse("rules.toml", &text).unwrap();
    let now: DateTime<Utc> = "2026-11-23T14:00:00Z".parse().unwrap();
    let export = std::fs::read("examples/tickets.csv").unwrap();
    let mut work = Vec::new();
    read(
        &[Source::Bytes("tickets.csv".into(), export)],
        &rules,
        Some(Format::Csv),
        |t| {
            let mut actions = Vec::new();
            due_onto(&t, &rules, now, now + TimeDelta::days(7), &mut actions);
            let t = Arc::new(t);
            work.extend(actions.into_iter().map(|a| (a, t.clone())));
        },
    )
    .unwrap();
    let mut g = c.benchmark_group("drafts");
    g.throughput(Throughput::Elements(work.len() as u64));
    // As a run drafts, and with every template left to MiniJinja: what the direct path saves.
    let drafters = [
        ("", Drafter::new(&rules).unwrap()),
        (
            "_minijinja_only",
            Drafter::new(&rules).unwrap().without_direct_path(),
        ),
    ];
    for (name, drafter) in &drafters {
        g.bench_function(
            format!("example_export_{}_actions{name}", work.len()),
            |b| {
                b.iter(|| {
                    for (a, t) in &work {
                        black_box(drafter.render(a, t, &rules).unwrap());
                    }
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, drafts);
criterion_main!(benches);
