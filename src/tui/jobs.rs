//! Work that scales with the log runs off the UI thread: the raw-text
//! search and the export. Results come back through a channel that the
//! run loop drains between key presses.

use crate::cli::Format;
use crate::query::View;
use crate::report;
use crate::store::{LogStore, MsgIdx};
use crate::time::DisplayZone;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;

/// A message from a background job.
#[derive(Debug)]
pub enum JobEvent {
    /// Matches found in the next part of the view, in view order.
    SearchHits { generation: u64, hits: Vec<MsgIdx>, scanned: usize, done: bool },
    /// An export finished.
    Exported { path: PathBuf, messages: usize, result: Result<(), String> },
}

/// Messages per search batch (one channel message each).
const BATCH: usize = 4096;

/// The search words, lower-cased; a message matches when its raw text holds them all.
pub fn search_terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Does `text` hold every term (case-insensitive)?
pub fn text_matches(text: &str, terms: &[String]) -> bool {
    if terms.is_empty() {
        return false;
    }
    let lower = text.to_lowercase();
    terms.iter().all(|t| lower.contains(t.as_str()))
}

/// Scan the raw text of `view` for `terms` in a background thread. It stops
/// early when `current` no longer holds `generation` (a newer search began).
pub fn spawn_search(
    store: Arc<LogStore>,
    view: View,
    terms: Vec<String>,
    generation: u64,
    current: Arc<AtomicU64>,
    tx: Sender<JobEvent>,
) {
    std::thread::spawn(move || {
        let mut scanned = 0;
        if view.is_empty() {
            let _ = tx.send(JobEvent::SearchHits { generation, hits: Vec::new(), scanned, done: true });
        }
        let mut rest = view.iter();
        while rest.len() > 0 {
            if current.load(Ordering::Relaxed) != generation {
                return;
            }
            let chunk: Vec<MsgIdx> = rest.by_ref().take(BATCH).collect();
            let hits: Vec<MsgIdx> =
                chunk.iter().copied().filter(|&i| text_matches(&store.raw_text(i), &terms)).collect();
            scanned += chunk.len();
            let done = scanned == view.len();
            if tx.send(JobEvent::SearchHits { generation, hits, scanned, done }).is_err() {
                return;
            }
        }
    });
}

/// The list format a file name asks for.
pub fn export_format(path: &std::path::Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        _ => None,
    }
}

/// Write `view` to `path` in a background thread (the same writer as `list`).
pub fn spawn_export(
    store: Arc<LogStore>,
    view: View,
    path: PathBuf,
    format: Format,
    overwrite: bool,
    zone: DisplayZone,
    tx: Sender<JobEvent>,
) {
    std::thread::spawn(move || {
        let result = write_export(&store, &view, &path, format, overwrite, zone);
        let _ = tx.send(JobEvent::Exported { path, messages: view.len(), result });
    });
}

fn write_export(
    store: &LogStore,
    view: &View,
    path: &std::path::Path,
    format: Format,
    overwrite: bool,
    zone: DisplayZone,
) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if overwrite {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    let file = opts.open(path).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(file);
    report::write_list(&mut out, store, view, format, zone).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_formats() {
        let t = search_terms("  Faulted  cp-0001 ");
        assert_eq!(t, vec!["faulted", "cp-0001"]);
        assert!(text_matches("CP-0001 ... \"status\":\"Faulted\"", &t));
        assert!(!text_matches("CP-0002 Faulted", &t));
        assert!(!text_matches("anything", &[]));
        assert_eq!(export_format(std::path::Path::new("a.CSV")), Some(Format::Csv));
        assert_eq!(export_format(std::path::Path::new("a.jsonl")), Some(Format::Jsonl));
        assert_eq!(export_format(std::path::Path::new("a.txt")), None);
    }
}
