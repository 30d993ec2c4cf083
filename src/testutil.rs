//! Helpers for the library's unit tests: small literal logs.

use crate::analysis::{analyze, Finding, Thresholds};
use crate::ingest::{load, LoadOptions};
use crate::store::LogStore;
use std::io::Write;

/// Load `text` as if it were a file with the given extension.
pub fn load_str(text: &str, ext: &str) -> LogStore {
    load_bytes(text.as_bytes(), ext)
}

/// [`load_str`] of bytes that need not be UTF-8.
pub fn load_bytes(bytes: &[u8], ext: &str) -> LogStore {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().expect("temp file");
    f.write_all(bytes).expect("write");
    let name = f.path().to_string_lossy().into_owned();
    let store = load(&[name], LoadOptions::default(), &|_, _| {}).expect("load");
    drop(f);
    store
}

pub fn load_text(text: &str) -> LogStore {
    load_str(text, ".log")
}

/// A text log from short lines: `"10:00:00 <- [2,...]"` (station CP1, day
/// 2025-01-01) or `"CP2 10:00:00.250 -> [3,...]"` or `"CP1 2025-01-02T10:00:00 <- ..."`.
/// `<-` is from the station, `->` from the central system.
pub fn log(lines: &[&str]) -> LogStore {
    let mut text = String::new();
    for l in lines {
        let mut parts = l.splitn(2, ' ');
        let first = parts.next().unwrap_or("");
        let (station, rest) = if first.starts_with(|c: char| c.is_ascii_digit()) {
            ("CP1", *l)
        } else {
            (first, parts.next().unwrap_or(""))
        };
        let (time, frame) = rest.split_once(' ').unwrap_or((rest, ""));
        let stamp = if time.contains('T') { time.replace('T', " ") } else { format!("2025-01-01 {time}") };
        text.push_str(&format!("{stamp} [{station}] {frame}\n"));
    }
    load_text(&text)
}

/// The findings of one rule.
pub fn findings(store: &LogStore, rule: &str) -> Vec<Finding> {
    findings_with(store, rule, Thresholds::default())
}

pub fn findings_with(store: &LogStore, rule: &str, th: Thresholds) -> Vec<Finding> {
    analyze(store, th).into_iter().filter(|f| f.rule == rule).collect()
}

/// uniqueIds of each finding, for compact assertions.
pub fn ids(store: &LogStore, fs: &[Finding]) -> Vec<Vec<String>> {
    fs.iter().map(|f| f.unique_ids(store)).collect()
}
