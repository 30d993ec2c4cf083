//! Plain text logs: a frame after a prefix on one line, or a frame that
//! starts after a prefix and continues pretty-printed over further lines.
//! Lines with no frame are context, not rows.

use super::frame::{find_frame_start, parse_body_in};
use super::hints::{scan_prefix_direction, scan_prefix_station, DirHint};
use super::json::Node;
use super::nesting::{Event, Nesting};
use super::timestamp::{scan_timestamp, scan_timestamp_before_frame};
use super::Extracted;
use crate::store::intern::FnvMap;
use chrono_tz::Tz;
use std::borrow::Cow;
use std::ops::Range;

/// A multi-line frame is given up (and kept as an unparsed row) past these sizes.
const MAX_RECORD_LINES: usize = 100_000;
const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// Read one text record (one or more lines).
pub fn extract(raw: &str, tz: Tz) -> Extracted<'static> {
    super::frame::with_tape(|tape| extract_in(raw, tz, tape).into_owned())
}

/// [`extract`] onto the caller's tape, borrowing the record.
pub fn extract_in<'a>(raw: &'a str, tz: Tz, tape: &'a mut Vec<Node>) -> Extracted<'a> {
    match find_record_frame(raw) {
        Some(start) => extract_at(raw, start, tz, tape),
        None => Extracted::unparsed("no OCPP-J frame in this record"),
    }
}

/// [`extract_in`] of a record whose frame starts at byte `start`.
#[inline]
pub fn extract_at<'a>(raw: &'a str, start: usize, tz: Tz, tape: &'a mut Vec<Node>) -> Extracted<'a> {
    let prefix = &raw[..start];
    let body = &raw[start..];
    let stamp = scan_timestamp_before_frame(prefix, tz);
    let (station, dir) = prefix_hints(prefix, stamp.as_ref().map(|(_, r)| r.clone()));
    let frame = parse_body_in(body, tape);
    Extracted {
        at: stamp.map(|(t, _)| t),
        station: station.map(|r| Cow::Borrowed(&prefix[r])),
        dir,
        action_hint: None,
        frame,
    }
}

/// Prefixes that differ only in their timestamp, remembered per thread.
const PREFIX_MEMO_CAP: usize = 1024;

/// Where a prefix names its station (a byte range of the prefix), and its direction.
type PrefixHints = (Option<Range<usize>>, DirHint);

/// A scratch key and the remembered hints of each prefix shape.
type PrefixMemo = (String, FnvMap<Box<str>, PrefixHints>);

std::thread_local! {
    static PREFIX_MEMO: std::cell::RefCell<PrefixMemo> = std::cell::RefCell::new((String::new(), FnvMap::default()));
}

/// The station and direction a prefix names, read with its timestamp blanked
/// out (so digits of a time are never taken for a station). The lines of a
/// log mostly share a few prefix shapes, so the answers are remembered; the
/// blanked key is as long as the prefix, so a station's place in one is its
/// place in the other.
fn prefix_hints(prefix: &str, stamp: Option<Range<usize>>) -> PrefixHints {
    PREFIX_MEMO.with_borrow_mut(|(key, memo)| {
        key.clear();
        match stamp {
            Some(r) => {
                key.push_str(&prefix[..r.start]);
                const BLANKS: &str = "                                                                ";
                let mut left = r.len();
                while left > 0 {
                    let n = left.min(BLANKS.len());
                    key.push_str(&BLANKS[..n]);
                    left -= n;
                }
                key.push_str(&prefix[r.end..]);
            }
            None => key.push_str(prefix),
        }
        if let Some(hit) = memo.get(key.as_str()) {
            return hit.clone();
        }
        let station = scan_prefix_station(key).map(|s| {
            let at = s.as_ptr() as usize - key.as_ptr() as usize;
            at..at + s.len()
        });
        let found = (station, scan_prefix_direction(key));
        if memo.len() >= PREFIX_MEMO_CAP {
            memo.clear();
        }
        memo.insert(key.as_str().into(), found.clone());
        found
    })
}

/// The frame start of a record: on its first line, or (when the first line is
/// a header such as `...: ChargePoint>CentralSystem Authorize`) on a line
/// that holds only `[`.
fn find_record_frame(raw: &str) -> Option<usize> {
    let first_end = raw.find('\n').unwrap_or(raw.len());
    if let Some(p) = find_frame_start(&raw[..first_end]) {
        return Some(p);
    }
    // header line followed by a bracket line
    let mut offset = 0;
    for line in raw.split_inclusive('\n') {
        if line.trim() == "[" {
            return Some(offset + line.find('[').unwrap_or(0));
        }
        if let Some(p) = find_frame_start(line) {
            return Some(offset + p);
        }
        offset += line.len();
    }
    None
}

/// Incremental bracket balance over the bytes of a frame that spans lines.
#[derive(Default)]
pub struct Balance {
    nesting: Nesting,
    started: bool,
}

impl Balance {
    /// Feed bytes; true once the outermost bracket has closed.
    pub fn feed(&mut self, bytes: &[u8]) -> bool {
        for &b in bytes {
            match self.nesting.step(b) {
                Event::Open => self.started = true,
                Event::Close if self.started && self.nesting.depth == 0 => return true,
                _ => {}
            }
        }
        false
    }
}

/// What a line is, for grouping lines into records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRole {
    /// A frame starts at this byte offset; `closed` when it ends on the same
    /// line; `bare` when nothing but blanks stands before it.
    FrameStart {
        at: usize,
        closed: bool,
        bare: bool,
    },
    /// The line is only `[`: a pretty-printed frame may start here.
    OpenBracket,
    Context {
        blank: bool,
    },
}

pub fn classify(line: &str) -> LineRole {
    match find_frame_start(line) {
        Some(at) => frame_role(line, at, super::frame::frame_end(&line[at..]).is_ok()),
        None => no_frame_role(line),
    }
}

/// The role of a line whose frame starts at `at`.
pub fn frame_role(line: &str, at: usize, closed: bool) -> LineRole {
    LineRole::FrameStart { at, closed, bare: line[..at].trim().is_empty() }
}

/// The role of a line that holds no frame start.
pub fn no_frame_role(line: &str) -> LineRole {
    match line.trim() {
        "[" => LineRole::OpenBracket,
        t => LineRole::Context { blank: t.is_empty() },
    }
}

/// A line may continue a pretty-printed frame: JSON-looking, no log prefix of its own.
pub fn is_continuation(line: &str) -> bool {
    let t = line.trim_start();
    if t.is_empty() {
        return true;
    }
    let first = t.as_bytes()[0];
    let jsonish = matches!(first, b']' | b'}' | b'[' | b'{' | b'"' | b',' | b'-' | b'0'..=b'9')
        || t.starts_with("true")
        || t.starts_with("false")
        || t.starts_with("null")
        || t.starts_with('\u{201C}')
        || t.starts_with('\u{2018}');
    jsonish
        && (line.starts_with([' ', '\t', ']', '}', '"', '\u{201C}']) || scan_timestamp(line, chrono_tz::UTC).is_none())
}

/// Groups lines into records. Feed lines in order; get back finished records
/// as (first line number, first byte offset, end byte offset) and context
/// counts.
pub struct Grouper {
    open: Option<OpenRecord>,
    /// The previous line, when it was a non-blank context line (a possible header).
    prev_context: Option<(u32, u64)>,
    pending_bracket: Option<PendingBracket>,
    pub context_lines: usize,
}

/// A line holding only `[` (line, start, end) and the header line before it, if any.
type PendingBracket = (u32, u64, u64, Option<(u32, u64)>);

struct OpenRecord {
    line: u32,
    start: u64,
    end: u64,
    lines: usize,
    balance: Balance,
}

/// A finished record span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub start: u64,
    pub end: u64,
}

impl Default for Grouper {
    fn default() -> Self {
        Self::new()
    }
}

impl Grouper {
    pub fn new() -> Grouper {
        Grouper { open: None, prev_context: None, pending_bracket: None, context_lines: 0 }
    }

    /// `text` is the line without its line ending; `start..end` its bytes
    /// without the ending.
    pub fn push(&mut self, line_no: u32, start: u64, end: u64, text: &str, out: &mut Vec<Span>) {
        self.push_role(line_no, start, end, text, classify(text), out);
    }

    /// Whether [`Grouper::push_role`] will look at the text of a line of this
    /// role (most lines are grouped by their role alone).
    pub fn needs_text(&self, role: LineRole) -> bool {
        self.open.is_some()
            || self.pending_bracket.is_some()
            || matches!(role, LineRole::FrameStart { closed: false, .. })
    }

    /// [`Grouper::push`] with the line's role known; `text` may be empty
    /// when [`Grouper::needs_text`] said so.
    pub fn push_role(&mut self, line_no: u32, start: u64, end: u64, text: &str, role: LineRole, out: &mut Vec<Span>) {
        if let Some(open) = &mut self.open {
            let too_big = open.lines >= MAX_RECORD_LINES || (end - open.start) as usize > MAX_RECORD_BYTES;
            if is_continuation(text) && !too_big {
                open.end = end;
                open.lines += 1;
                if open.balance.feed(text.as_bytes()) {
                    out.push(Span { line: open.line, start: open.start, end: open.end });
                    self.open = None;
                }
                return;
            }
            // the frame never closed: keep what we have as one (unparsed) record
            out.push(Span { line: open.line, start: open.start, end: open.end });
            self.open = None;
        }
        if let Some((b_line, b_start, b_end, header)) = self.pending_bracket.take() {
            let t = text.trim_start();
            let frame_follows =
                matches!(t.as_bytes().first(), Some(b'2' | b'3' | b'4')) && t[1..].trim_start().starts_with(',');
            if frame_follows {
                let (line, rec_start) = match header {
                    Some((h_line, h_start)) => {
                        self.context_lines -= 1;
                        (h_line, h_start)
                    }
                    None => (b_line, b_start),
                };
                let mut balance = Balance::default();
                balance.feed(b"[");
                balance.feed(text.as_bytes());
                self.open = Some(OpenRecord { line, start: rec_start, end, lines: 2, balance });
                let _ = b_end;
                return;
            }
            self.context_lines += 1;
        }
        match role {
            LineRole::FrameStart { at, closed, bare } => {
                let (line, rec_start) = match (bare, self.prev_context) {
                    (true, Some((h_line, h_start))) => {
                        self.context_lines -= 1;
                        (h_line, h_start)
                    }
                    _ => (line_no, start),
                };
                self.prev_context = None;
                if closed {
                    out.push(Span { line, start: rec_start, end });
                } else {
                    let mut balance = Balance::default();
                    balance.feed(&text.as_bytes()[at..]);
                    self.open = Some(OpenRecord { line, start: rec_start, end, lines: 1, balance });
                }
            }
            LineRole::OpenBracket => {
                self.pending_bracket = Some((line_no, start, end, self.prev_context.take()));
            }
            LineRole::Context { blank } => {
                if blank {
                    self.prev_context = None;
                } else {
                    self.context_lines += 1;
                    self.prev_context = Some((line_no, start));
                }
            }
        }
    }

    /// The earliest byte a future record may still start at (an open record,
    /// a pending bracket line, or a context line that may turn out to be a header).
    pub fn earliest_needed(&self) -> Option<u64> {
        [
            self.open.as_ref().map(|o| o.start),
            self.pending_bracket.map(|(_, s, _, h)| h.map_or(s, |(_, hs)| hs)),
            self.prev_context.map(|(_, s)| s),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// End of input: close what is open.
    pub fn finish(&mut self, out: &mut Vec<Span>) {
        if let Some(open) = self.open.take() {
            out.push(Span { line: open.line, start: open.start, end: open.end });
        }
        if self.pending_bracket.take().is_some() {
            self.context_lines += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_a_timestamp_are_never_a_station() {
        let ex = extract("2023-01-19T14:19:35: receive message [2,\"a\",\"Heartbeat\",{}]", chrono_tz::UTC);
        assert_eq!(ex.station, None);
        assert!(ex.at.is_some());
        assert_eq!(ex.dir, DirHint::In);
        // the same prefix shape at another time: same station, its own time
        let a = extract("2025-08-14 11:40:44.123 [CP-0001] <- [2,\"a\",\"Heartbeat\",{}]", chrono_tz::UTC);
        let b = extract("2025-08-14 11:40:45.456 [CP-0001] <- [2,\"b\",\"Heartbeat\",{}]", chrono_tz::UTC);
        assert_eq!((a.station.as_deref(), b.station.as_deref()), (Some("CP-0001"), Some("CP-0001")));
        assert_eq!(b.at.unwrap() - a.at.unwrap(), 1_333);
    }

    fn group(text: &str) -> (Vec<Span>, usize) {
        let mut g = Grouper::new();
        let mut out = Vec::new();
        let mut off = 0u64;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            g.push(i as u32 + 1, off, off + body.len() as u64, body, &mut out);
            off += line.len() as u64;
        }
        g.finish(&mut out);
        (out, g.context_lines)
    }

    #[test]
    fn single_line_frames_and_context() {
        let log = "INFO start\n2025-01-01 10:00:00 [CP1] <- [2,\"a\",\"Heartbeat\",{}]\nnoise\n";
        let (spans, ctx) = group(log);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].line, 2);
        assert_eq!(ctx, 2);
    }

    #[test]
    fn pretty_printed_frame_is_one_record() {
        let log = "12:00 X: receive message [3,\"id1\",\n  {\n    \"status\": \"Accepted\"\n  }\n]\nINFO next\n";
        let (spans, ctx) = group(log);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].line, spans[0].start), (1, 0));
        let raw = &log[spans[0].start as usize..spans[0].end as usize];
        let ex = extract(raw, chrono_tz::UTC);
        let f = ex.frame.unwrap();
        assert_eq!(f.payload.to_value()["status"], "Accepted");
        assert_eq!(ctx, 1);
    }

    #[test]
    fn header_line_then_bracket_line() {
        let log = "2023-01-19T14:19:35.183Z: ChargePoint>CentralSystem Authorize\n[\n  2,\n  \"abc\",\n  \"Authorize\",\n  {\n    \"idTag\": \"T1\"\n  }\n]\n\n";
        let (spans, ctx) = group(log);
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!(spans[0].line, 1);
        assert_eq!(ctx, 0);
        let raw = &log[spans[0].start as usize..spans[0].end as usize];
        let ex = extract(raw, chrono_tz::UTC);
        assert_eq!(ex.frame.unwrap().action.as_deref(), Some("Authorize"));
        assert!(ex.at.is_some());
        assert_eq!(ex.dir, super::super::hints::DirHint::Abs(crate::store::Direction::CpToCs));
    }

    #[test]
    fn truncated_frame_stops_at_next_log_line() {
        let log =
            "2025-01-01 10:00:00 <- [2,\"a\",\"Heartbeat\",{\n2025-01-01 10:00:01 <- [2,\"b\",\"Heartbeat\",{}]\n";
        let (spans, _) = group(log);
        assert_eq!(spans.len(), 2);
        let raw = &log[spans[0].start as usize..spans[0].end as usize];
        assert!(extract(raw, chrono_tz::UTC).frame.is_err());
    }
}
