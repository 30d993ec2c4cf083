//! A small JSON reader for the load path.
//!
//! One pass over the text builds a flat tape of nodes that point back into
//! the text: no map, no string copy, no allocation per value. Facts and the
//! schema checks walk the tape through [`Json`] cursors. It accepts exactly
//! what `serde_json` accepts (same nesting limit, same escapes, same number
//! grammar), so a frame reads the same whichever reader looks at it; the
//! explorer still uses `serde_json::Value` for the one message it shows.

use super::shape;
pub use super::shape::{value_numbers, Shaped};
use serde_json::Value;
use std::borrow::Cow;

/// `serde_json`'s nesting limit: a 128th open bracket is an error.
const MAX_DEPTH: usize = 127;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Null,
    Bool,
    Num,
    Str,
    Arr,
    Obj,
}

/// One value (or object key) on the tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub(super) kind: Kind,
    /// Strings: holds a backslash escape. Numbers: not a plain integer.
    pub(super) flag: bool,
    /// Byte span in the text (strings with their quotes).
    pub(super) start: u32,
    pub(super) end: u32,
    /// Index of the node after this one's subtree.
    pub(super) next: u32,
    /// Members of an object, elements of an array.
    pub(super) count: u32,
}

/// Why a text is not JSON (the message is `serde_json`'s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parse `text` (one JSON value, blanks around it allowed) onto `nodes`.
pub fn parse_into(text: &str, nodes: &mut Vec<Node>) -> Result<(), JsonError> {
    nodes.clear();
    if text.len() > u32::MAX as usize - 1 {
        return Err(JsonError("text too large for one JSON value".to_string()));
    }
    match (Parser { b: text.as_bytes(), nodes }).run(true) {
        Ok(_) => Ok(()),
        // the tape only says that the text is bad; serde says where and why
        Err(()) => Err(JsonError(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(e) => e.to_string(),
            Ok(_) => "not valid JSON".to_string(),
        })),
    }
}

/// Parse the JSON value at the start of `text` onto `nodes`, whatever
/// follows it; returns where the value ends. `None` when it is not JSON.
pub fn parse_prefix_into(text: &str, nodes: &mut Vec<Node>) -> Option<usize> {
    nodes.clear();
    if text.len() > u32::MAX as usize - 1 {
        return None;
    }
    (Parser { b: text.as_bytes(), nodes }).run(false).ok()
}

/// [`parse_into`] through the thread's kept shapes (see [`super::shape`]):
/// a text of a shape kept under `key` is read without parsing, any other is
/// parsed and its shape kept. Returns the shape the tape is a copy of.
pub fn parse_shaped(text: &str, key: &[u8], nodes: &mut Vec<Node>) -> Result<Shaped, JsonError> {
    if let Some((end, shaped)) = shape::read(text.as_bytes(), key, nodes) {
        if (Parser { b: text.as_bytes(), nodes }).ws(end) == text.len() {
            return Ok(shaped);
        }
    }
    parse_into(text, nodes)?;
    let end = nodes.first().map_or(0, |root| root.end as usize);
    Ok(shape::keep(&text.as_bytes()[..end], key, nodes))
}

/// [`parse_prefix_into`] through the thread's kept shapes (see [`parse_shaped`]):
/// returns where the value ends and the shape its tape is a copy of.
pub fn parse_prefix_shaped(text: &str, key: &[u8], nodes: &mut Vec<Node>) -> Option<(usize, Shaped)> {
    if let Some(hit) = shape::read(text.as_bytes(), key, nodes) {
        return Some(hit);
    }
    let end = parse_prefix_into(text, nodes)?;
    Some((end, shape::keep(&text.as_bytes()[..end], key, nodes)))
}

struct Parser<'a, 'n> {
    b: &'a [u8],
    nodes: &'n mut Vec<Node>,
}

impl Parser<'_, '_> {
    #[inline(always)]
    fn ws(&self, mut i: usize) -> usize {
        // (compact JSON has none: one comparison tells)
        while let Some(&c) = self.b.get(i) {
            if c > b' ' || !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            i += 1;
        }
        i
    }

    #[inline(always)]
    fn push(&mut self, kind: Kind, flag: bool, start: usize, end: usize) {
        let next = self.nodes.len() as u32 + 1;
        self.nodes.push(Node { kind, flag, start: start as u32, end: end as u32, next, count: 0 });
    }

    /// Returns the end of the value; `whole`: only blanks may follow it.
    fn run(mut self, whole: bool) -> Result<usize, ()> {
        let mut stack = [0u32; MAX_DEPTH];
        let mut depth = 0usize;
        let mut i = self.ws(0);
        loop {
            // a value starts at i
            match *self.b.get(i).ok_or(())? {
                open @ (b'[' | b'{') => {
                    if depth == MAX_DEPTH {
                        return Err(());
                    }
                    let kind = if open == b'[' { Kind::Arr } else { Kind::Obj };
                    stack[depth] = self.nodes.len() as u32;
                    depth += 1;
                    self.push(kind, false, i, i + 1);
                    i = self.ws(i + 1);
                    let close = if kind == Kind::Arr { b']' } else { b'}' };
                    if self.b.get(i) == Some(&close) {
                        depth -= 1;
                        self.close(stack[depth], i);
                        i += 1;
                    } else if kind == Kind::Obj {
                        i = self.key(i)?;
                        continue;
                    } else {
                        continue;
                    }
                }
                b'"' => i = self.string(i)?,
                b't' => i = self.word(i, b"true", Kind::Bool)?,
                b'f' => i = self.word(i, b"false", Kind::Bool)?,
                b'n' => i = self.word(i, b"null", Kind::Null)?,
                b'-' | b'0'..=b'9' => i = self.number(i)?,
                _ => return Err(()),
            }
            // a value ended just before i: count it, then a comma or a close
            loop {
                if depth == 0 {
                    let end = i;
                    return if !whole || self.ws(i) == self.b.len() { Ok(end) } else { Err(()) };
                }
                i = self.ws(i);
                let top = stack[depth - 1] as usize;
                self.nodes[top].count += 1;
                let is_obj = self.nodes[top].kind == Kind::Obj;
                match self.b.get(i) {
                    Some(b',') => {
                        i = self.ws(i + 1);
                        if is_obj {
                            i = self.key(i)?;
                        }
                        break;
                    }
                    Some(b']') if !is_obj => {}
                    Some(b'}') if is_obj => {}
                    _ => return Err(()),
                }
                depth -= 1;
                self.close(top as u32, i);
                i += 1;
            }
        }
    }

    fn close(&mut self, at: u32, close_pos: usize) {
        let next = self.nodes.len() as u32;
        let n = &mut self.nodes[at as usize];
        n.end = close_pos as u32 + 1;
        n.next = next;
    }

    /// An object key and its colon; returns where the value starts.
    #[inline(always)]
    fn key(&mut self, i: usize) -> Result<usize, ()> {
        if self.b.get(i) != Some(&b'"') {
            return Err(());
        }
        let after = self.string(i)?;
        let i = self.ws(after);
        if self.b.get(i) != Some(&b':') {
            return Err(());
        }
        Ok(self.ws(i + 1))
    }

    #[inline(always)]
    fn string(&mut self, start: usize) -> Result<usize, ()> {
        let (end, escaped) = string_end(self.b, start)?;
        self.push(Kind::Str, escaped, start, end);
        Ok(end)
    }

    fn word(&mut self, i: usize, word: &[u8], kind: Kind) -> Result<usize, ()> {
        if !self.b[i..].starts_with(word) {
            return Err(());
        }
        self.push(kind, false, i, i + word.len());
        Ok(i + word.len())
    }

    fn number(&mut self, start: usize) -> Result<usize, ()> {
        let (end, flag) = number_end(self.b, start)?;
        self.push(Kind::Num, flag, start, end);
        Ok(end)
    }
}

/// Where the string whose opening quote is at `start` ends (after its
/// closing quote), and whether it holds a backslash escape (the tape's flag).
#[inline(always)]
pub(super) fn string_end(b: &[u8], start: usize) -> Result<(usize, bool), ()> {
    if b.get(start) != Some(&b'"') {
        return Err(());
    }
    let mut i = start + 1;
    let mut escaped = false;
    loop {
        i = skip_plain(b, i);
        match *b.get(i).ok_or(())? {
            b'"' => break,
            b'\\' => {
                escaped = true;
                i += 2;
            }
            0..=0x1F => return Err(()),
            _ => i += 1,
        }
    }
    let end = i + 1;
    if escaped {
        check_escapes(&b[start..end])?;
    }
    Ok((end, escaped))
}

/// Escapes are rare: serde checks them (`\u` surrogates and all).
#[cold]
#[inline(never)]
fn check_escapes(string: &[u8]) -> Result<(), ()> {
    let text = std::str::from_utf8(string).map_err(|_| ())?;
    serde_json::from_str::<String>(text).map(|_| ()).map_err(|_| ())
}

/// Where the number that starts at `start` ends, and whether it is not a
/// plain integer (the tape's flag): `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`,
/// finite, as `serde_json` reads numbers.
#[inline]
pub(super) fn number_end(b: &[u8], start: usize) -> Result<(usize, bool), ()> {
    let digits = |mut i: usize| {
        let from = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - from)
    };
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let (after, n) = digits(i);
    if n == 0 || (n > 1 && b[i] == b'0') {
        return Err(());
    }
    i = after;
    let mut plain = true;
    if b.get(i) == Some(&b'.') {
        let (after, n) = digits(i + 1);
        if n == 0 {
            return Err(());
        }
        i = after;
        plain = false;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let (after, n) = digits(i);
        if n == 0 {
            return Err(());
        }
        i = after;
        plain = false;
    }
    // at most 18 digits always fit an i64 (the common case: no parse)
    if plain && i - start <= 18 {
        return Ok((i, false));
    }
    let text = std::str::from_utf8(&b[start..i]).map_err(|_| ())?;
    let integer = plain && (text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok());
    // serde reads every other number as an f64 and refuses infinities
    if !integer && !text.parse::<f64>().is_ok_and(f64::is_finite) {
        return Err(());
    }
    Ok((i, !integer))
}

/// Skip the bytes of a string that need no look (not `"`, `\\` or a control
/// byte), eight at a time; returns where the first byte that does stands
/// (or where fewer than eight bytes are left).
#[inline(always)]
fn skip_plain(b: &[u8], mut i: usize) -> usize {
    use super::swar;
    while let Some(w) = swar::word(b, i) {
        // with bit 1 flipped, `"` (0x22) becomes 0x20 while the control
        // bytes stay below it and nothing else falls there: one test for both
        let special = swar::below(w ^ swar::splat(0x02), 0x21) | swar::equal(w, b'\\');
        if special != 0 {
            return i + swar::first(special);
        }
        i += 8;
    }
    i
}

/// Byte-slice equality that compares short slices (the keys and enum
/// values of payloads) with a few word loads instead of a call to `memcmp`.
#[inline]
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match (super::swar::short_words(a), super::swar::short_words(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A parsed text and its tape, borrowed.
pub struct Tape<'a> {
    pub text: &'a str,
    pub nodes: &'a [Node],
}

impl<'a> Tape<'a> {
    pub fn root(&self) -> Json<'a> {
        Json { text: self.text, nodes: self.nodes, i: 0 }
    }
}

/// An owned JSON value: its text and tape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    text: String,
    nodes: Vec<Node>,
}

impl Default for Doc {
    /// `{}`
    fn default() -> Self {
        Doc {
            text: "{}".to_string(),
            nodes: vec![Node { kind: Kind::Obj, flag: false, start: 0, end: 2, next: 1, count: 0 }],
        }
    }
}

impl Doc {
    pub fn parse(text: String) -> Result<Doc, JsonError> {
        let mut nodes = Vec::new();
        parse_into(&text, &mut nodes)?;
        Ok(Doc { text, nodes })
    }

    /// A copy of one value of a tape.
    pub fn copy_of(v: Json<'_>) -> Doc {
        let n = v.node();
        let (from, to) = (v.i, n.next as usize);
        let (base_text, base_node) = (n.start, v.i as u32);
        let nodes = v.nodes[from..to]
            .iter()
            .map(|m| Node { start: m.start - base_text, end: m.end - base_text, next: m.next - base_node, ..*m })
            .collect();
        Doc { text: v.raw().to_string(), nodes }
    }

    /// The JSON text of a `serde_json` value.
    pub fn from_value(v: &Value) -> Doc {
        Doc::parse(v.to_string()).unwrap_or_default()
    }

    pub fn root(&self) -> Json<'_> {
        Json { text: &self.text, nodes: &self.nodes, i: 0 }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }
}

/// The tape of `{}`, for payloads that are absent or `null`.
static EMPTY_OBJECT: [Node; 1] = [Node { kind: Kind::Obj, flag: false, start: 0, end: 2, next: 1, count: 0 }];

impl Json<'static> {
    /// `{}`, without a tape of its own.
    pub fn empty_object() -> Json<'static> {
        Json { text: "{}", nodes: &EMPTY_OBJECT, i: 0 }
    }
}

/// A cursor on one value of a tape.
#[derive(Clone, Copy, Debug)]
pub struct Json<'a> {
    text: &'a str,
    nodes: &'a [Node],
    i: usize,
}

impl<'a> Json<'a> {
    #[inline]
    fn node(&self) -> Node {
        self.nodes[self.i]
    }

    #[inline]
    pub fn kind(&self) -> Kind {
        self.node().kind
    }

    /// The value's exact text.
    pub fn raw(&self) -> &'a str {
        let n = self.node();
        &self.text[n.start as usize..n.end as usize]
    }

    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    pub fn is_number(&self) -> bool {
        self.kind() == Kind::Num
    }

    pub fn is_string(&self) -> bool {
        self.kind() == Kind::Str
    }

    pub fn is_bool(&self) -> bool {
        self.kind() == Kind::Bool
    }

    pub fn is_object(&self) -> bool {
        self.kind() == Kind::Obj
    }

    pub fn is_array(&self) -> bool {
        self.kind() == Kind::Arr
    }

    /// A string's value, unescaped.
    #[inline]
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        let n = self.node();
        if n.kind != Kind::Str {
            return None;
        }
        if n.flag {
            return self.unescaped();
        }
        // the quotes are ASCII: the bytes between them start and end on characters
        self.text.get(n.start as usize + 1..n.end as usize - 1).map(Cow::Borrowed)
    }

    /// A string with a backslash escape, unescaped (rare: kept out of line).
    #[cold]
    #[inline(never)]
    fn unescaped(&self) -> Option<Cow<'a, str>> {
        serde_json::from_str::<String>(self.raw()).ok().map(Cow::Owned)
    }

    /// The bytes of a string without escapes, between its quotes; `None`
    /// for other values and for strings with an escape (see [`Json::as_str`]).
    #[inline]
    pub fn plain_bytes(&self) -> Option<&'a [u8]> {
        let n = self.node();
        (n.kind == Kind::Str && !n.flag).then(|| &self.text.as_bytes()[n.start as usize + 1..n.end as usize - 1])
    }

    /// Whether a string value equals `s`.
    #[inline]
    pub fn str_is(&self, s: &str) -> bool {
        let n = self.node();
        if n.kind != Kind::Str {
            return false;
        }
        if n.flag {
            return self.as_str().is_some_and(|v| v == s);
        }
        // the quotes are bytes too: compare lengths before any bytes
        let (start, end) = (n.start as usize + 1, n.end as usize - 1);
        end - start == s.len() && bytes_eq(&self.text.as_bytes()[start..end], s.as_bytes())
    }

    /// Where this value stands on its tape (see [`Json::on_tape`]).
    pub fn index(&self) -> usize {
        self.i
    }

    /// The whole tape the value is on.
    pub fn tape(&self) -> &'a [Node] {
        self.nodes
    }

    /// The value at `index` of the same tape, as [`Json::index`] gave it.
    pub fn on_tape(&self, index: usize) -> Json<'a> {
        self.at(index)
    }

    pub fn as_bool(&self) -> Option<bool> {
        (self.kind() == Kind::Bool).then(|| self.raw() == "true")
    }

    /// An integer that fits an `i64` (not a float, even a whole one).
    #[inline]
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.node();
        if n.kind != Kind::Num || n.flag {
            return None;
        }
        let digits = &self.text.as_bytes()[n.start as usize..n.end as usize];
        match digits {
            // a plain integer of up to 18 characters (the tape checked its
            // grammar) fits; add its digits up without a parser
            [b'-', rest @ ..] if digits.len() <= 18 => {
                Some(-rest.iter().fold(0i64, |v, d| v * 10 + i64::from(d - b'0')))
            }
            _ if digits.len() <= 18 => Some(digits.iter().fold(0i64, |v, d| v * 10 + i64::from(d - b'0'))),
            _ => self.raw().parse().ok(),
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        let n = self.node();
        (n.kind == Kind::Num && !n.flag).then(|| self.raw().parse().ok()).flatten()
    }

    pub fn as_f64(&self) -> Option<f64> {
        (self.kind() == Kind::Num).then(|| self.raw().parse().ok()).flatten()
    }

    /// The number as `serde_json` holds it (for messages that show it).
    pub fn number(&self) -> Option<serde_json::Number> {
        (self.kind() == Kind::Num).then(|| serde_json::from_str(self.raw()).ok()).flatten()
    }

    /// Members of an object, elements of an array; 0 otherwise.
    pub fn len(&self) -> usize {
        self.node().count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn at(&self, i: usize) -> Json<'a> {
        Json { text: self.text, nodes: self.nodes, i }
    }

    /// An object's members, keys as cursors on their strings.
    pub fn members(&self) -> impl Iterator<Item = (Json<'a>, Json<'a>)> + 'a {
        let n = self.node();
        let this = *self;
        let mut i = self.i + 1;
        let mut left = if n.kind == Kind::Obj { n.count } else { 0 };
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let key = this.at(i);
            let value = this.at(i + 1);
            i = value.node().next as usize;
            Some((key, value))
        })
    }

    pub fn elements(&self) -> impl Iterator<Item = Json<'a>> + 'a {
        let n = self.node();
        let this = *self;
        let mut i = self.i + 1;
        let mut left = if n.kind == Kind::Arr { n.count } else { 0 };
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let element = this.at(i);
            i = element.node().next as usize;
            Some(element)
        })
    }

    /// An object's member by key (the last one, as `serde_json` keeps it).
    pub fn get(&self, key: &str) -> Option<Json<'a>> {
        self.members().filter(|(k, _)| k.str_is(key)).map(|(_, v)| v).last()
    }

    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.raw()).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tape(text: &str) -> Result<Vec<Node>, JsonError> {
        let mut nodes = Vec::new();
        parse_into(text, &mut nodes).map(|_| nodes)
    }

    #[test]
    fn walks_objects_arrays_and_scalars() {
        let text = r#" {"a": [1, -2.5e3, "x\"y", true, null, {}], "b": {"c": "d"}, "a": 7} "#;
        let nodes = tape(text).unwrap();
        let root = Tape { text, nodes: &nodes }.root();
        assert_eq!(root.len(), 3);
        let keys: Vec<String> = root.members().map(|(k, _)| k.as_str().unwrap().into_owned()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
        // the last duplicate wins, as in serde_json
        assert_eq!(root.get("a").unwrap().as_i64(), Some(7));
        assert_eq!(root.get("b").unwrap().get("c").unwrap().as_str().as_deref(), Some("d"));
        let first: Vec<Json> = root.members().next().unwrap().1.elements().collect();
        assert_eq!(first.len(), 6);
        assert_eq!(first[0].as_i64(), Some(1));
        assert_eq!(first[1].as_i64(), None);
        assert_eq!(first[1].as_f64(), Some(-2500.0));
        assert_eq!(first[2].as_str().as_deref(), Some("x\"y"));
        assert!(first[2].str_is("x\"y"));
        assert_eq!(first[3].as_bool(), Some(true));
        assert!(first[4].is_null());
        assert!(first[5].is_object() && first[5].is_empty());
        assert_eq!(root.to_value(), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn a_copied_value_stands_alone() {
        let text = r#"[2,"a","X",{"k":[{"v":"1"},{"v":"2"}],"n":3}]"#;
        let nodes = tape(text).unwrap();
        let payload = Tape { text, nodes: &nodes }.root().elements().nth(3).unwrap();
        let doc = Doc::copy_of(payload);
        assert_eq!(doc.text(), r#"{"k":[{"v":"1"},{"v":"2"}],"n":3}"#);
        let k: Vec<String> = doc
            .root()
            .get("k")
            .unwrap()
            .elements()
            .map(|e| e.get("v").unwrap().as_str().unwrap().into_owned())
            .collect();
        assert_eq!(k, ["1", "2"]);
        assert_eq!(doc.root().get("n").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn skip_plain_stops_at_the_first_byte_that_needs_a_look() {
        for special in [b'"', b'\\', b'\n', 0x1F] {
            for at in 0..20 {
                let mut text = vec![b'a'; 24];
                text[at] = special;
                // a later special byte never hides the first one
                text[at.max(22) + 1] = b'"';
                let stop = skip_plain(&text, 0);
                // it stops at the byte, or hands over the last few bytes before it
                assert!(stop == at || (stop < at && text.len() - stop < 8), "{special} at {at}: {stop}");
            }
        }
        // high bytes (UTF-8) are plain
        assert_eq!(skip_plain("éééééééé\"aaaaaaaa".as_bytes(), 0), 16);
    }

    #[test]
    fn nesting_limit_is_serdes() {
        for depth in [126, 127, 128, 129, 200_000] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(tape(&text).is_ok(), serde_json::from_str::<Value>(&text).is_ok(), "depth {depth}");
        }
    }

    #[test]
    fn rejects_what_serde_rejects() {
        for bad in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "[01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[-]",
            "{a:1}",
            "[\"\u{1}\"]",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "[1e400]",
            "[1] x",
            "[tru]",
            "nul",
            "{\"a\" 1}",
            "[1 2]",
            "\"abc",
        ] {
            assert!(tape(bad).is_err(), "{bad:?} must be refused");
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad:?} (serde)");
        }
        for good in ["1", "-0", "0.5e-3", "\"\\ud83d\\ude00\"", "18446744073709551615", "1e300", " [ ] ", "{}"] {
            assert!(tape(good).is_ok(), "{good:?} must be read");
        }
    }

    #[test]
    fn skip_plain_stops_at_quotes_backslashes_and_control_bytes_only() {
        for byte in 0..=255u8 {
            let special = byte == b'"' || byte == b'\\' || byte < 0x20;
            for at in 0..16 {
                let mut b = vec![b'a'; 24];
                b[at] = byte;
                let stop = skip_plain(&b, 0);
                if special {
                    assert_eq!(stop, at, "byte {byte:#04x} at {at}");
                } else {
                    // eight bytes at a time: stops only where fewer than eight are left
                    assert!(stop > at && stop + 8 > b.len(), "byte {byte:#04x} at {at}: stopped at {stop}");
                }
            }
        }
    }

    #[test]
    fn integers_short_and_long() {
        let int = |text: &str| {
            let nodes = tape(text).unwrap();
            let v = Tape { text, nodes: &nodes }.root();
            (v.as_i64(), v.as_u64(), v.as_f64().is_some())
        };
        // up to 18 characters are taken without parsing; longer ones are parsed
        assert_eq!(int("-12345678901234567"), (Some(-12345678901234567), None, true));
        assert_eq!(int("123456789012345678"), (Some(123456789012345678), Some(123456789012345678), true));
        assert_eq!(int("9223372036854775807"), (Some(i64::MAX), Some(i64::MAX as u64), true));
        assert_eq!(int("18446744073709551615"), (None, Some(u64::MAX), true));
        // too large for any integer: a float
        assert_eq!(int("99999999999999999999"), (None, None, true));
        assert_eq!(int("-9223372036854775809"), (None, None, true));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        /// Short-slice equality is plain equality.
        #[test]
        fn bytes_eq_is_equality(a in prop::collection::vec(0u8..4, 0..40), b in prop::collection::vec(0u8..4, 0..40)) {
            prop_assert_eq!(bytes_eq(&a, &b), a == b);
            prop_assert!(bytes_eq(&a, &a.clone()));
        }

        /// Same acceptance and the same value as serde_json, for JSON-ish text.
        #[test]
        fn agrees_with_serde(text in r#"[\[\]{}",:0-9a-z\\. eE+-]{0,24}"#) {
            let ours = tape(&text);
            let theirs = serde_json::from_str::<Value>(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
            if let (Ok(nodes), Ok(v)) = (ours, theirs) {
                prop_assert_eq!(Tape { text: &text, nodes: &nodes }.root().to_value(), v);
            }
        }

        #[test]
        fn agrees_with_serde_on_values(v in json_value()) {
            let text = v.to_string();
            let nodes = tape(&text).unwrap();
            // (serde's own float reading is not exact: compare with it, not with v)
            let theirs: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(Tape { text: &text, nodes: &nodes }.root().to_value(), theirs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        /// A text read through a kept shape reads to the parser's tape, or
        /// is parsed: whatever the edits to the text the shape was kept of.
        #[test]
        fn shaped_reading_is_parsing(
            v in json_value(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop::sample::select(
                &['"', '\\', '0', '1', '9', '-', '.', 'e', 'a', 'é', ' ', ',', ':', '[', ']', '{', '}'][..])), 0..4),
            tail in "[ x\\]]{0,2}",
        ) {
            let template = v.to_string();
            let mut chars: Vec<char> = template.chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 if i < chars.len() => chars[i] = c,
                    1 => chars.insert(i, c),
                    _ if i < chars.len() => { chars.remove(i); }
                    _ => {}
                }
            }
            let text: String = chars.into_iter().collect::<String>() + &tail;
            let mut nodes = Vec::new();
            parse_prefix_shaped(&template, b"prop", &mut nodes);
            let shaped = parse_prefix_shaped(&text, b"prop", &mut nodes).map(|(end, _)| (end, nodes.clone()));
            let parsed = parse_prefix_into(&text, &mut nodes).map(|end| (end, nodes.clone()));
            prop_assert_eq!(shaped, parsed, "{:?} after {:?}", text, template);
            parse_shaped(&template, b"prop", &mut nodes).ok();
            let shaped = parse_shaped(&text, b"prop", &mut nodes).map(|_| nodes.clone());
            let parsed = parse_into(&text, &mut nodes).map(|()| nodes.clone());
            prop_assert_eq!(shaped, parsed, "{:?} after {:?}", text, template);
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((".{0,4}", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }
}
