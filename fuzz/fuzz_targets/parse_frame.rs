//! Frame detection and parsing, with typographic-quote repair; the load
//! path's JSON tape must accept exactly what serde_json accepts and read the
//! same value, and a text read through the shapes kept from earlier inputs
//! must give the parser's tape.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocpplens::ingest::frame::{find_frame_start, frame_end, parse_frame, parse_frame_prefix, repair_quotes};
use ocpplens::ingest::json::{parse_into, parse_prefix_into, parse_prefix_shaped, parse_shaped, Tape};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut nodes = Vec::new();
    let ours = parse_into(&text, &mut nodes);
    let theirs = serde_json::from_str::<serde_json::Value>(&text);
    assert_eq!(ours.is_ok(), theirs.is_ok(), "tape and serde disagree on {text:?}");
    if let Ok(v) = theirs {
        assert_eq!(Tape { text: &text, nodes: &nodes }.root().to_value(), v);
    }
    let mut shaped = Vec::new();
    let read = parse_shaped(&text, b"fuzz", &mut shaped);
    assert_eq!(read.is_ok(), ours.is_ok(), "shaped reading and parsing disagree on {text:?}");
    if read.is_ok() {
        assert_eq!(shaped, nodes, "shaped reading and parsing disagree on {text:?}");
    }
    let prefix = parse_prefix_into(&text, &mut nodes);
    if let Some(end) = prefix {
        assert!(end <= text.len() && text.is_char_boundary(end));
    }
    let read = parse_prefix_shaped(&text, b"fuzz", &mut shaped);
    assert_eq!(read.map(|(end, _)| end), prefix, "shaped reading and parsing disagree on {text:?}");
    if prefix.is_some() {
        assert_eq!(shaped, nodes, "shaped reading and parsing disagree on {text:?}");
    }
    let _ = parse_frame_prefix(&text);
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
