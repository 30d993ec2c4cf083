//! OCPP-J frames: finding them in text, repairing copy-paste damage, parsing them.
//!
//! A frame is one JSON array: `[2,"id","Action",{..}]`, `[3,"id",{..}]` or
//! `[4,"id","code","description",{..}]` (reference §1.2). Parsing is strict
//! first; only when that fails are typographic quotes and invisible
//! characters repaired, so a real `“` inside a string value survives.

use super::json::{self, Doc, Json, Tape};
use super::nesting::{Event, Nesting};
use serde_json::Value;
use std::borrow::Cow;

/// The three OCPP-J message types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum MsgKind {
    Call = 2,
    Result = 3,
    Error = 4,
}

impl MsgKind {
    pub fn name(self) -> &'static str {
        match self {
            MsgKind::Call => "call",
            MsgKind::Result => "result",
            MsgKind::Error => "error",
        }
    }
}

/// A parsed frame. While a file is loaded it borrows the record text and
/// the tape it was read onto (no copy per message); [`Frame::into_owned`]
/// makes one that stands alone, as [`parse_frame`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame<'a> {
    pub kind: MsgKind,
    pub unique_id: Cow<'a, str>,
    /// The action of a CALL.
    pub action: Option<Cow<'a, str>>,
    /// CALLERROR errorCode and errorDescription (boxed: they are rare, and
    /// a frame is moved several times on its way into the store).
    pub error: Option<Box<CallError<'a>>>,
    /// CALL / CALLRESULT payload, CALLERROR errorDetails (`null` is read as `{}`).
    pub payload: Payload<'a>,
    /// Framing deviations worth reporting (numeric uniqueId, details not an object...).
    pub deviations: Vec<String>,
    /// True when typographic quotes or invisible characters had to be repaired.
    pub repaired: bool,
}

/// The errorCode and errorDescription of a CALLERROR.
#[derive(Clone, Debug, PartialEq)]
pub struct CallError<'a> {
    pub code: Cow<'a, str>,
    pub description: Cow<'a, str>,
}

/// A frame's payload: a value of the tape it was read onto, or its own copy.
#[derive(Clone, Debug)]
pub enum Payload<'a> {
    Tape(Json<'a>),
    /// On a tape that is a copy of a kept shape's (see [`json::parse_shaped`]).
    Shaped(Json<'a>, json::Shaped),
    Own(Doc),
}

impl Payload<'_> {
    pub fn root(&self) -> Json<'_> {
        match self {
            Payload::Tape(j) | Payload::Shaped(j, _) => *j,
            Payload::Own(d) => d.root(),
        }
    }

    /// The kept shape the payload's tape is a copy of.
    pub fn shape(&self) -> json::Shaped {
        match self {
            Payload::Shaped(_, shaped) => *shaped,
            _ => json::Shaped::NONE,
        }
    }

    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }

    /// `{}` (no allocation: most frames replace it with their own payload)
    fn empty() -> Payload<'static> {
        Payload::Tape(Json::empty_object())
    }
}

impl PartialEq for Payload<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.root().raw() == other.root().raw()
    }
}

impl<'a> Frame<'a> {
    /// A CALLERROR's errorCode.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_ref())
    }

    /// A CALLERROR's errorDescription.
    pub fn error_description(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.description.as_ref())
    }

    /// The same frame, owning all its parts.
    pub fn into_owned(self) -> Frame<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Frame {
            kind: self.kind,
            unique_id: own(self.unique_id),
            action: self.action.map(own),
            error: self.error.map(|e| Box::new(CallError { code: own(e.code), description: own(e.description) })),
            payload: match self.payload {
                Payload::Tape(j) | Payload::Shaped(j, _) => Payload::Own(Doc::copy_of(j)),
                Payload::Own(d) => Payload::Own(d),
            },
            deviations: self.deviations,
            repaired: self.repaired,
        }
    }
}

/// Why a candidate frame could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    NotJson(String),
    NotAnArray,
    UnknownType(String),
    WrongLength { kind: MsgKind, got: usize },
    BadUniqueId,
    BadAction,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::NotJson(e) => write!(f, "not valid JSON ({e})"),
            FrameError::NotAnArray => write!(f, "not a JSON array"),
            FrameError::UnknownType(t) => write!(f, "unknown message type id {t}"),
            FrameError::WrongLength { kind, got } => {
                let want = match kind {
                    MsgKind::Call => 4,
                    MsgKind::Result => 3,
                    MsgKind::Error => 5,
                };
                write!(f, "{} frame with {got} elements, expected {want}", kind.name())
            }
            FrameError::BadUniqueId => write!(f, "uniqueId is missing or not a string"),
            FrameError::BadAction => write!(f, "action is not a string"),
        }
    }
}

const TYPO_QUOTES: [char; 6] = ['\u{201C}', '\u{201D}', '\u{201E}', '\u{2018}', '\u{2019}', '\u{201F}'];

fn is_quote(c: char) -> bool {
    c == '"' || TYPO_QUOTES.contains(&c)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Parse frame text. Strict JSON first, then one repair attempt.
pub fn parse_frame(text: &str) -> Result<Frame<'static>, FrameError> {
    with_tape(|nodes| parse_frame_in(text, nodes).map(Frame::into_owned))
}

/// [`parse_frame`] onto the caller's tape: the frame borrows `text` and the
/// tape (a repaired frame owns its parts, as the repaired text is its own).
pub fn parse_frame_in<'a>(text: &'a str, nodes: &'a mut Vec<json::Node>) -> Result<Frame<'a>, FrameError> {
    match json::parse_shaped(text, shape_key(text), nodes) {
        Ok(shape) => from_tape(Tape { text, nodes }.root(), false, shape),
        Err(strict_err) => {
            let needs_repair = text.chars().any(|c| TYPO_QUOTES.contains(&c) || is_invisible(c));
            if needs_repair {
                if let Some(fixed) = repair_quotes(text) {
                    if json::parse_into(&fixed, nodes).is_ok() {
                        return from_tape(Tape { text: &fixed, nodes }.root(), true, json::Shaped::NONE)
                            .map(Frame::into_owned);
                    }
                }
            }
            Err(FrameError::NotJson(strict_err.to_string()))
        }
    }
}

/// Read the frame at the start of `text` when it is strict JSON, whatever
/// follows it; returns the frame (or why it is not one) and its length.
/// `None` when the text needs the slower path (repair, an unclosed frame).
pub fn parse_frame_prefix(text: &str) -> Option<(Result<Frame<'static>, FrameError>, usize)> {
    with_tape(|nodes| {
        let end = json::parse_prefix_into(text, nodes)?;
        Some((
            from_tape(Tape { text: &text[..end], nodes }.root(), false, json::Shaped::NONE).map(Frame::into_owned),
            end,
        ))
    })
}

/// A frame that starts a text record's body and may be followed by other
/// text: strict JSON first, then up to its closing bracket (repaired when it
/// has to be), then the whole body. The error is the row's reason.
pub fn parse_body_in<'a>(body: &'a str, nodes: &'a mut Vec<json::Node>) -> Result<Frame<'a>, String> {
    if let Some((end, shape)) = json::parse_prefix_shaped(body, shape_key(body), nodes) {
        return from_tape(Tape { text: &body[..end], nodes }.root(), false, shape).map_err(|e| e.to_string());
    }
    match frame_end(body) {
        Ok(end) => parse_frame_in(&body[..end], nodes).map_err(|e| e.to_string()),
        Err(_) => parse_frame_in(body.trim_end(), nodes)
            .map_err(|_| "frame is cut off (its brackets never close)".to_string()),
    }
}

/// What a frame's shape is kept under: the bytes after its uniqueId's
/// closing quote (`,"MeterValues",{` or `,{"currentTime":`), which tell the
/// message apart; any key is right, as a shape is only used when it matches.
fn shape_key(text: &str) -> &[u8] {
    let b = text.as_bytes();
    let head = &b[..b.len().min(64)];
    let second = memchr::memchr(b'"', head).and_then(|q| memchr::memchr(b'"', &head[q + 1..]).map(|r| q + 1 + r));
    match second {
        Some(q) => &b[q + 1..b.len().min(q + 17)],
        None => &b[..b.len().min(16)],
    }
}

/// The thread's tape, reused from frame to frame; a tape grown by a huge
/// frame is let go afterwards, so a one-off does not hold its memory.
pub fn with_tape<R>(f: impl FnOnce(&mut Vec<json::Node>) -> R) -> R {
    TAPE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut nodes) => {
            let r = f(&mut nodes);
            if nodes.capacity() > KEPT_NODES {
                *nodes = Vec::new();
            }
            r
        }
        // already lent further up this thread's stack: a tape of its own
        Err(_) => f(&mut Vec::new()),
    })
}

/// A tape larger than this many nodes is not kept for the next frame.
pub const KEPT_NODES: usize = 1 << 16;

std::thread_local! {
    /// The tape of the frame being read, reused from frame to frame.
    static TAPE: std::cell::RefCell<Vec<json::Node>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Turn typographic quotes that stand in structural positions into `"`, drop
/// invisible characters outside strings. Quotes inside a string that are not
/// followed by a structural character stay as they are (escaped when ASCII).
pub fn repair_quotes(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            if c == '\\' {
                out.push(c);
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            if is_quote(c) && closes_here(&chars, i + 1) {
                out.push('"');
                in_string = false;
            } else if c == '"' {
                out.push_str("\\\"");
            } else {
                out.push(c);
            }
        } else if is_quote(c) {
            out.push('"');
            in_string = true;
        } else if is_invisible(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
        i += 1;
    }
    if in_string {
        return None;
    }
    Some(out)
}

/// A quote closes a string when the next non-blank character is structural.
fn closes_here(chars: &[char], from: usize) -> bool {
    for &c in &chars[from.min(chars.len())..] {
        if c.is_whitespace() || is_invisible(c) {
            continue;
        }
        return matches!(c, ',' | ':' | ']' | '}');
    }
    true
}

/// Read an already parsed JSON value as a frame.
pub fn frame_from_value(v: Value) -> Result<Frame<'static>, FrameError> {
    let text = v.to_string();
    let mut nodes = Vec::new();
    json::parse_into(&text, &mut nodes).map_err(|e| FrameError::NotJson(e.to_string()))?;
    from_tape(Tape { text: &text, nodes: &nodes }.root(), false, json::Shaped::NONE).map(Frame::into_owned)
}

/// Read a frame from its tape; `shaped` tells how the tape was read (see
/// [`json::parse_shaped`]; [`json::Shaped::NONE`] when it was parsed).
fn from_tape(v: Json<'_>, repaired: bool, shaped: json::Shaped) -> Result<Frame<'_>, FrameError> {
    if !v.is_array() {
        return Err(FrameError::NotAnArray);
    }
    // a frame has at most five elements: keep the first five, count them all
    let mut items: [Option<Json>; 5] = [None; 5];
    for (slot, e) in items.iter_mut().zip(v.elements()) {
        *slot = Some(e);
    }
    let count = v.len();
    let Some(first) = items[0] else { return Err(FrameError::NotAnArray) };
    let kind = match first.raw() {
        // the common case, a bare digit
        "2" => MsgKind::Call,
        "3" => MsgKind::Result,
        "4" => MsgKind::Error,
        _ => {
            let type_text: Cow<str> =
                if first.is_string() { first.as_str().unwrap_or_default() } else { first.raw().into() };
            match type_text.trim() {
                "2" if first.is_number() || first.is_string() => MsgKind::Call,
                "3" if first.is_number() || first.is_string() => MsgKind::Result,
                "4" if first.is_number() || first.is_string() => MsgKind::Error,
                _ => return Err(FrameError::UnknownType(short(&first.to_value()))),
            }
        }
    };
    let want = match kind {
        MsgKind::Call => 4,
        MsgKind::Result => 3,
        MsgKind::Error => 5,
    };
    let mut deviations = Vec::new();
    if first.is_string() {
        deviations.push("message type id written as a string".to_string());
    }
    // A missing errorDetails is a common, harmless deviation; anything else is malformed.
    let details_missing = kind == MsgKind::Error && count == 4;
    if details_missing {
        deviations.push("CALLERROR without errorDetails".to_string());
    } else if count != want {
        return Err(FrameError::WrongLength { kind, got: count });
    }
    let item = |i: usize| items[i].expect("length checked");
    let id = item(1);
    let unique_id: Cow<str> = if id.is_string() {
        id.as_str().unwrap_or_default()
    } else if id.is_number() {
        deviations.push("uniqueId is a number, not a string".to_string());
        id.number().map_or_else(|| id.raw().into(), |n| n.to_string().into())
    } else {
        return Err(FrameError::BadUniqueId);
    };
    let (mut action, mut error) = (None, None);
    match kind {
        MsgKind::Call => match item(2).as_str() {
            Some(a) => action = Some(a),
            None => return Err(FrameError::BadAction),
        },
        MsgKind::Result => {}
        MsgKind::Error => {
            error = Some(Box::new(CallError { code: string_or_text(item(2)), description: string_or_text(item(3)) }));
        }
    }
    let payload = match (!details_missing).then(|| item(count - 1)) {
        None => Payload::empty(),
        Some(p) if p.is_null() => Payload::empty(),
        Some(p) if p.is_string() && kind == MsgKind::Error => {
            deviations.push("errorDetails is a string, not an object".to_string());
            let s = p.as_str().unwrap_or_default().into_owned();
            Payload::Own(Doc::parse(s.clone()).unwrap_or_else(|_| Doc::from_value(&Value::String(s))))
        }
        Some(p) if shaped.id != 0 => Payload::Shaped(p, shaped),
        Some(p) => Payload::Tape(p),
    };
    if unique_id.is_empty() {
        deviations.push("empty uniqueId".to_string());
    } else if unique_id.len() > 36 && unique_id.chars().count() > 36 {
        deviations.push("uniqueId longer than 36 characters".to_string());
    }
    // built in one expression, so that it is written where the caller wants it
    Ok(Frame { kind, unique_id, action, error, payload, deviations, repaired })
}

fn string_or_text(v: Json<'_>) -> Cow<'_, str> {
    match v.as_str() {
        Some(s) => s,
        None => v.to_value().to_string().into(),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 20 {
        format!("{}…", &s[..s.char_indices().nth(20).map_or(s.len(), |(i, _)| i)])
    } else {
        s
    }
}

/// Where a frame starts in `line`: the first `[` followed by optional blanks,
/// a message type digit 2/3/4, optional blanks and a comma. Returns the byte
/// offset of the `[`.
pub fn find_frame_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(pos) = memchr::memchr(b'[', &bytes[from..]) {
        let at = from + pos;
        if looks_like_frame_head(&bytes[at + 1..]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// After the `[`: blanks, a message type digit (optionally quoted), blanks,
/// a comma and the start of the uniqueId. Types 2/3/4 also accept a numeric
/// uniqueId; other digits (malformed frames, OCPP 2.1 types) need a quoted
/// one, so that ordinary bracketed lists are not taken for frames.
fn looks_like_frame_head(rest: &[u8]) -> bool {
    let mut i = skip_blanks(rest, 0);
    let quoted = rest.get(i) == Some(&b'"');
    if quoted {
        i += 1;
    }
    let Some(&digit) = rest.get(i).filter(|b| b.is_ascii_digit()) else {
        return false;
    };
    i += 1;
    if quoted {
        if rest.get(i) != Some(&b'"') {
            return false;
        }
        i += 1;
    }
    i = skip_blanks(rest, i);
    if rest.get(i) != Some(&b',') {
        return false;
    }
    let known = matches!(digit, b'2' | b'3' | b'4');
    let j = skip_blanks(rest, i + 1);
    match rest.get(j) {
        None | Some(b'\r') => known,
        Some(b'"') | Some(b'\'') => true,
        Some(0xE2) => true, // U+201C and the other typographic quotes
        Some(b'0'..=b'9') => known,
        _ => false,
    }
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// Scan from a frame's `[` for its matching `]`, aware of strings.
/// Returns the end offset (exclusive) when the frame closes within `text`,
/// or the nesting depth still open at the end of `text`.
pub fn frame_end(text: &str) -> Result<usize, usize> {
    let mut n = Nesting::default();
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if n.step(b) == Event::Close && n.depth == 0 {
            return Ok(i + 1);
        }
    }
    Err(n.depth.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_types() {
        let c = parse_frame(r#"[2,"a1","Heartbeat",{}]"#).unwrap();
        assert_eq!((c.kind, c.action.as_deref(), c.unique_id.as_ref()), (MsgKind::Call, Some("Heartbeat"), "a1"));
        let r = parse_frame(r#"[3, "a1", {"currentTime": "2025-01-01T00:00:00Z"}]"#).unwrap();
        assert_eq!(r.kind, MsgKind::Result);
        assert_eq!(r.payload.to_value()["currentTime"], "2025-01-01T00:00:00Z");
        let e = parse_frame(r#"[4,"a1","NotImplemented","No handler",{}]"#).unwrap();
        let error = e.error.as_deref().unwrap();
        assert_eq!((error.code.as_ref(), error.description.as_ref()), ("NotImplemented", "No handler"));
    }

    #[test]
    fn numeric_uid_is_normalised_and_reported() {
        let f = parse_frame(r#"[2,12345,"Heartbeat",{}]"#).unwrap();
        assert_eq!(f.unique_id, "12345");
        assert_eq!(f.deviations.len(), 1);
    }

    #[test]
    fn null_payload_reads_as_empty_object() {
        let f = parse_frame(r#"[2,"x","Heartbeat",null]"#).unwrap();
        assert!(f.payload.to_value().as_object().unwrap().is_empty());
    }

    #[test]
    fn wrong_shapes_are_errors() {
        assert!(matches!(parse_frame("[2,\"x\",{}]"), Err(FrameError::WrongLength { .. })));
        assert!(matches!(parse_frame("[5,\"x\",{}]"), Err(FrameError::UnknownType(_))));
        assert!(matches!(parse_frame("{\"a\":1}"), Err(FrameError::NotAnArray)));
        assert!(matches!(parse_frame("[2,\"x\",\"A\",{"), Err(FrameError::NotJson(_))));
        assert!(matches!(parse_frame("[2,[1],\"A\",{}]"), Err(FrameError::BadUniqueId)));
    }

    #[test]
    fn typographic_quotes_are_repaired() {
        let t = "[2,\u{201C}33736216\u{201D},\u{201C}StartTransaction\u{201D},{\u{201C}idTag\u{201D}:\u{201C}\u{201D},\u{2018}timestamp\u{2019}:\u{201C}2025-08-14T11:40:44Z\u{201D}}]";
        let f = parse_frame(t).unwrap();
        assert!(f.repaired);
        assert_eq!(f.unique_id, "33736216");
        assert_eq!(f.payload.to_value()["idTag"], "");
        assert_eq!(f.payload.to_value()["timestamp"], "2025-08-14T11:40:44Z");
    }

    #[test]
    fn real_typographic_quote_in_a_value_survives() {
        // strict JSON: no repair, the quote stays
        let f =
            parse_frame("[2,\"a\",\"DataTransfer\",{\"vendorId\":\"x\",\"data\":\"say \u{201C}hi\u{201D}\"}]").unwrap();
        assert!(!f.repaired);
        assert_eq!(f.payload.to_value()["data"], "say \u{201C}hi\u{201D}");
        // repaired frame: an apostrophe inside a value survives
        let t = "[2,\u{201C}a\u{201D},\u{201C}StatusNotification\u{201D},{\u{201C}info\u{201D}:\u{201C}driver\u{2019}s car\u{201D}}]";
        let f = parse_frame(t).unwrap();
        assert_eq!(f.payload.to_value()["info"], "driver\u{2019}s car");
    }

    #[test]
    fn nbsp_between_tokens_is_repaired() {
        let f = parse_frame("[2,\u{00A0}\"a\",\"Heartbeat\",{}]").unwrap();
        assert!(f.repaired);
    }

    #[test]
    fn frame_start_detection() {
        assert_eq!(find_frame_start("x [2,\"a\",\"B\",{}]"), Some(2));
        assert_eq!(find_frame_start("[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: [2,\"a\""), Some(59));
        assert_eq!(find_frame_start("[OCPPClient] << PONG"), None);
        assert_eq!(find_frame_start("receive message [3,"), Some(16));
        assert_eq!(find_frame_start("a [ 3 , \u{201C}x\u{201D}"), Some(2));
        assert_eq!(find_frame_start("list [2, foo]"), None);
        assert_eq!(find_frame_start("x [7,\"c\",{}]"), Some(2));
        assert_eq!(find_frame_start("values [1, 2, 3]"), None);
    }

    #[test]
    fn frame_end_handles_strings_and_open_frames() {
        let t = "[2,\"a]\",\"B\",{\"x\":\"}\"}] trailing";
        assert_eq!(frame_end(t), Ok(22));
        assert!(frame_end("[3,\"a\",{").is_err());
    }
}
