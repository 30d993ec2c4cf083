//! A whole load (layout sniffing, CSV / text / JSON Lines record reading,
//! multi-line grouping, pairing, analysis) of arbitrary bytes: never a panic,
//! and every row is accounted for.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocpplens::analysis::{analyze, Thresholds};
use ocpplens::ingest::{load, LoadOptions};
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(data).expect("write");
    let name = f.path().to_string_lossy().into_owned();
    if let Ok(store) = load(&[name], LoadOptions::default(), &|_, _| {}) {
        let rows: usize = store.files.iter().map(|f| f.rows).sum();
        assert_eq!(rows, store.messages.len() + store.unparsed.len());
        let _ = analyze(&store, Thresholds::default());
        for i in store.all() {
            let _ = store.frame(i);
        }
    }
});
