//! Every real log of `../shared/corpus/` is read with nothing lost. The folder
//! is not part of the repository: without it the test says it skipped.

use ocpplens::ingest::{load, LoadOptions};
use std::path::PathBuf;

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// Count, independently of the readers, the records that hold a frame start:
/// for line layouts the lines where a frame begins.
fn frame_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let b = l.as_bytes();
            (0..b.len()).any(|i| {
                b[i] == b'[' && matches!(b.get(i + 1), Some(b'2' | b'3' | b'4')) && b.get(i + 2) == Some(&b',')
            })
        })
        .count()
}

#[test]
fn every_corpus_file_is_read_without_loss() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: ../shared/corpus is not here (a fresh clone has no shared folder)");
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let name = path.to_string_lossy().into_owned();
        let store = load(std::slice::from_ref(&name), LoadOptions::default(), &|_, _| {})
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let rows: usize = store.files.iter().map(|f| f.rows).sum();
        assert_eq!(rows, store.messages.len() + store.unparsed.len(), "{name}: rows identity");
        assert!(!store.messages.is_empty(), "{name}: no message read");
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let expected = match store.files[0].layout.name() {
            // one record per non-empty line
            "jsonl" => text.lines().filter(|l| !l.trim().is_empty()).count(),
            // one record per data row (these exports have no line breaks in fields)
            "csv" | "csv-split" => text.lines().filter(|l| !l.trim().is_empty()).count() - 1,
            _ => frame_lines(&text),
        };
        assert_eq!(rows, expected, "{name}: rows read vs records in the file");
        assert_eq!(store.unparsed.len(), 0, "{name}: {:?}", store.unparsed.first());
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} corpus files found");
}
