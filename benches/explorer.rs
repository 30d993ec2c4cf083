//! Explorer key latency (criterion): every kind of key applied to the app and
//! the whole screen redrawn (100×30, ratatui's test backend), on a generated
//! log of about 1.2M messages. The target is 30 ms per key.
//!
//! `cargo bench --bench explorer`; `EXPLORER_DAYS=2` for a quick run on a
//! smaller log.

use clap::Parser;
use criterion::{criterion_group, criterion_main, Criterion};
use ocpplens::analysis::{analyze, Thresholds};
use ocpplens::cli::Cli;
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::synth::{generate, Dialect, SynthOptions};
use ocpplens::tui::{Action, App};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::io::BufWriter;
use std::sync::Arc;

fn big_app() -> App {
    let days: f64 = std::env::var("EXPLORER_DAYS").ok().and_then(|d| d.parse().ok()).unwrap_or(25.0);
    let file = tempfile::Builder::new().suffix(".log").tempfile().unwrap();
    let opts = SynthOptions { stations: 20, days, dialect: Dialect::Text, ..SynthOptions::default() };
    generate(&opts, &mut BufWriter::new(file.reopen().unwrap())).unwrap();
    let path = file.path().to_string_lossy().into_owned();
    let store = load(std::slice::from_ref(&path), LoadOptions::default(), &|_, _| {}).unwrap();
    eprintln!("explorer bench: {} messages", store.messages.len());
    let findings = analyze(&store, Thresholds::default());
    let config = Cli::try_parse_from(["ocpplens", "--tz", "Europe/Zurich", path.as_str()])
        .expect("arguments")
        .into_config()
        .expect("config");
    let mut app = App::new(Arc::new(store), findings, &config).expect("app");
    app.screen = Rect::new(0, 0, 100, 30);
    app
}

fn keys(app: &mut App, term: &mut Terminal<TestBackend>, actions: &[Action]) {
    for a in actions {
        app.apply(*a);
    }
    term.draw(|f| f.render_widget(&*app, f.area())).unwrap();
}

fn bench(c: &mut Criterion) {
    let mut app = big_app();
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut group = c.benchmark_group("explorer key + redraw");
    group.sample_size(20);
    let typed = |text: &str| text.chars().map(Action::Insert).collect::<Vec<_>>();
    let mut pick_action = vec![Action::PickAction];
    pick_action.extend(typed("StatusNot"));
    pick_action.push(Action::Accept);
    let cases: Vec<(&str, Vec<Action>)> = vec![
        ("move down", vec![Action::Down]),
        ("page down", vec![Action::PageDown]),
        ("to the end and back", vec![Action::Bottom, Action::Top]),
        ("next flagged", vec![Action::NextFlagged]),
        ("zone toggle", vec![Action::ToggleZone]),
        ("only flagged on and off", vec![Action::ToggleFlagged, Action::ToggleFlagged]),
        ("action filter (picker, type, accept) and clear", {
            let mut v = pick_action.clone();
            v.push(Action::ClearAll);
            v
        }),
        ("open the idTag picker and close it", vec![Action::PickIdTag, Action::Cancel]),
    ];
    for (name, actions) in &cases {
        group.bench_function(*name, |b| b.iter(|| keys(&mut app, &mut term, actions)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
