//! Frame detection and parsing, with typographic-quote repair.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocpplens::ingest::frame::{find_frame_start, frame_end, parse_frame, repair_quotes};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(start) = find_frame_start(&text) {
        let body = &text[start..];
        let end = frame_end(body).unwrap_or(body.len());
        let _ = parse_frame(&body[..end]);
    }
    let _ = parse_frame(&text);
    if let Some(fixed) = repair_quotes(&text) {
        let _ = parse_frame(&fixed);
    }
});
