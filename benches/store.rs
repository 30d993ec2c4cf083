//! Loading, analysis and filtering benchmarks (criterion).
//! Figures for large logs: see benches/compare.sh and the README.

use criterion::{criterion_group, criterion_main, Criterion};
use ocpplens::analysis::{analyze, Thresholds};
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::query::{self, Filter};

fn sample() -> String {
    format!("{}/assets/sample-backend-export.csv", env!("CARGO_MANIFEST_DIR"))
}

fn bench(c: &mut Criterion) {
    let path = sample();
    c.bench_function("load sample (709 messages)", |b| {
        b.iter(|| load(std::slice::from_ref(&path), LoadOptions::default(), &|_, _| {}).unwrap())
    });
    let store = load(&[path], LoadOptions::default(), &|_, _| {}).unwrap();
    c.bench_function("analyze sample", |b| b.iter(|| analyze(&store, Thresholds::default())));
    let filter = Filter { actions: vec!["StatusNotification".into()], ..Filter::default() };
    c.bench_function("filter by action", |b| b.iter(|| query::apply(&store, &filter, None)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
