//! Helpers for the library's unit tests: load a small literal log.

use crate::ingest::{load, LoadOptions};
use crate::store::LogStore;
use std::io::Write;

/// Load `text` as if it were a file with the given extension.
pub fn load_str(text: &str, ext: &str) -> LogStore {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().expect("temp file");
    f.write_all(text.as_bytes()).expect("write");
    let name = f.path().to_string_lossy().into_owned();
    let store = load(&[name], LoadOptions::default(), &|_, _| {}).expect("load");
    drop(f);
    store
}

pub fn load_text(text: &str) -> LogStore {
    load_str(text, ".log")
}
