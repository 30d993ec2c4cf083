//! Loading, analysis, filtering and report benchmarks (criterion), on logs
//! made by the project's own generator. Whole-program figures for the
//! 1.2M-message log: see `benches/compare.sh` and the README.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ocpplens::analysis::{analyze, transactions, Thresholds};
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::query::{self, Filter};
use ocpplens::synth::{generate, Dialect, SynthOptions};
use std::io::BufWriter;

/// About 100k messages in the given layout, written once to a temp file.
fn generated(dialect: Dialect) -> (tempfile::NamedTempFile, usize) {
    let file = tempfile::Builder::new().suffix(".log").tempfile().unwrap();
    let opts = SynthOptions { stations: 4, days: 8.0, dialect, ..SynthOptions::default() };
    let truth = generate(&opts, &mut BufWriter::new(file.reopen().unwrap())).unwrap();
    (file, truth.messages)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for dialect in [Dialect::Text, Dialect::Csv, Dialect::Jsonl] {
        let (file, messages) = generated(dialect);
        let path = file.path().to_string_lossy().into_owned();
        group.throughput(Throughput::Elements(messages as u64));
        group.bench_function(format!("load {} ({messages} messages)", dialect.name()), |b| {
            b.iter(|| load(std::slice::from_ref(&path), LoadOptions::default(), &|_, _| {}).unwrap())
        });
    }
    group.finish();

    let (file, messages) = generated(Dialect::Text);
    let store = load(&[file.path().to_string_lossy().into_owned()], LoadOptions::default(), &|_, _| {}).unwrap();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages as u64));
    group.bench_function("all rules", |b| b.iter(|| analyze(&store, Thresholds::default())));
    group.bench_function("transaction summaries", |b| b.iter(|| transactions::summarize(&store)));
    group.finish();

    let mut group = c.benchmark_group("filter");
    let by_action = Filter { actions: vec!["StatusNotification".into()], ..Filter::default() };
    group.bench_function("by action", |b| b.iter(|| query::apply(&store, &by_action, None)));
    let by_station = Filter { station: Some("CP-0002".into()), connector: Some(1), ..Filter::default() };
    group.bench_function("by station and connector", |b| b.iter(|| query::apply(&store, &by_station, None)));
    let mid = store.messages[store.messages.len() / 2].at;
    let window = Filter { from: Some(mid), to: Some(mid + 3_600_000), ..Filter::default() };
    group.bench_function("by time window", |b| b.iter(|| query::apply(&store, &window, None)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
