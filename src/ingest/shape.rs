//! Frames of a shape seen before, read without parsing them again.
//!
//! A station sends the same few messages over and over: the same keys in
//! the same order, the same brackets and blanks, with other values. The
//! first frame of a shape is parsed onto a tape, and the text and tape are
//! kept as its shape. A later frame that matches the shape byte for byte
//! outside its strings and numbers (its values) takes a copy of the shape's
//! tape, with every node moved to where it lies in the new text. Only the
//! values are read, each with the parser's own rules, so the copy is the tape
//! the parser would have built (a property test holds it to that).

use super::json::{number_end, string_end, Kind, Node};
use super::swar;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Texts longer than this, or with more nodes or values, are not kept.
const MAX_TEXT: usize = 2048;
const MAX_NODES: usize = 192;
const MAX_VALUES: usize = 64;
/// Shapes kept per key (most recently used first), and sets of keys.
const WAYS: usize = 4;
const SETS: usize = 64;
const _: () = assert!(SETS.is_power_of_two());

/// A text and its tape, kept to read texts of the same shape.
struct Shape {
    id: u64,
    text: Box<[u8]>,
    nodes: Box<[Node]>,
    /// Where each node's start and end lie in a text of this shape: after
    /// how many of its values (they move as those before them grow or
    /// shrink; a value's own start and end are after as many as its number).
    moves: Box<[(u8, u8)]>,
    /// The values, in text order.
    values: Box<[Value]>,
}

/// A value of a shape: its node, its span, and whether it is a number.
#[derive(Clone, Copy, Debug)]
struct Value {
    node: u32,
    start: u32,
    /// Where a difference is past the value: its end, or one further for a
    /// number (a number that differs just after its end has grown).
    past: u32,
    end: u32,
    number: bool,
}

/// Shape ids are unique in the process (0 is none).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Shape {
    /// The shape of a parsed text; `None` when it is too large or not a
    /// container.
    fn of(text: &[u8], nodes: &[Node]) -> Option<Shape> {
        if text.len() > MAX_TEXT || nodes.len() > MAX_NODES || !matches!(nodes.first()?.kind, Kind::Arr | Kind::Obj) {
            return None;
        }
        let numbers = value_numbers(nodes)?;
        let values: Vec<Value> = nodes
            .iter()
            .zip(&numbers)
            .enumerate()
            .filter(|&(_, (_, &k))| k != u8::MAX)
            .map(|(i, (n, _))| {
                let number = n.kind == Kind::Num;
                Value { node: i as u32, start: n.start, past: n.end + u32::from(number), end: n.end, number }
            })
            .collect();
        let ends: Vec<u32> = values.iter().map(|v| v.end).collect();
        let before = |at: u32| ends.partition_point(|&e| e <= at) as u8;
        let moves = nodes
            .iter()
            .zip(&numbers)
            .map(|(n, &k)| match k {
                u8::MAX => (before(n.start), before(n.end)),
                k => (k, k),
            })
            .collect();
        Some(Shape {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            text: text.into(),
            nodes: nodes.into(),
            moves,
            values: values.into(),
        })
    }

    /// Read the value at the start of `p` onto `nodes` when it has this
    /// shape; returns where it ends and which values (by number) were read
    /// anew: the others are the shape's own, byte for byte. `None` (with
    /// `nodes` untouched or partly written) when it does not have the shape.
    ///
    /// The texts are compared sixteen bytes at a time; only a value where
    /// they differ is read (most values are the same as the shape's: the
    /// units, measurands, statuses). A value whose bytes are all the same is
    /// the same token, as everything before it matched.
    #[inline]
    fn read(&self, p: &[u8], nodes: &mut Vec<Node>, scratch: &mut Scratch) -> Option<(usize, u64)> {
        let t = &self.text[..];
        // the values read anew: their span and flag; how far the text after
        // the first k values has moved
        let Scratch { spans, moved } = scratch;
        let (mut read, mut flags) = (0u64, 0u64);
        moved[0] = 0;
        let mut delta = 0u32;
        let (mut tp, mut pp) = (0usize, 0usize);
        let mut k = 0usize;
        loop {
            let same = common_prefix(&t[tp..], p.get(pp..)?);
            (tp, pp) = (tp + same, pp + same);
            if tp == t.len() {
                break;
            }
            // the bytes differ at tp: within a value (or just after a
            // number, which may have grown), or the shape is not this one
            while self.values.get(k).is_some_and(|v| v.past <= tp as u32) {
                k += 1;
                moved[k] = delta;
            }
            let n = *self.values.get(k)?;
            if n.start > tp as u32 {
                return None;
            }
            let from = n.start.wrapping_add(delta) as usize;
            let (end, flag) = if n.number { number_end(p, from) } else { string_end(p, from) }.ok()?;
            spans[k] = (from as u32, end as u32);
            read |= 1 << k;
            flags |= u64::from(flag) << k;
            delta = (end as u32).wrapping_sub(n.end);
            k += 1;
            moved[k] = delta;
            (tp, pp) = (n.end as usize, end);
        }
        nodes.clear();
        if delta == 0 && moved[..=k].iter().all(|&m| m == 0) {
            // no value changed its length: the shape's tape, new flags
            nodes.extend_from_slice(&self.nodes);
            let mut left = read;
            while left != 0 {
                let k = left.trailing_zeros() as usize;
                left &= left - 1;
                nodes[self.values[k].node as usize].flag = flags & (1 << k) != 0;
            }
            return Some((pp, read));
        }
        for m in &mut moved[k + 1..] {
            *m = delta;
        }
        // the shape's tape, each node moved as the values before it grew or
        // shrank, then the values read anew
        nodes.extend_from_slice(&self.nodes);
        for (n, &(start, end)) in nodes.iter_mut().zip(self.moves.iter()) {
            n.start = n.start.wrapping_add(moved[start as usize]);
            n.end = n.end.wrapping_add(moved[end as usize]);
        }
        let mut left = read;
        while left != 0 {
            let k = left.trailing_zeros() as usize;
            left &= left - 1;
            let n = &mut nodes[self.values[k].node as usize];
            (n.start, n.end) = spans[k];
            n.flag = flags & (1 << k) != 0;
        }
        Some((pp, read))
    }
}

/// How many bytes `a` and `b` have in common from their starts, sixteen at a time.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut i = 0;
    while i + 16 <= n {
        let word = |s: &[u8]| u128::from_le_bytes(s[i..i + 16].try_into().expect("sixteen bytes"));
        let diff = word(a) ^ word(b);
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    i + a[i..].iter().zip(&b[i..]).take_while(|(x, y)| x == y).count()
}

/// Room for [`Shape::read`]'s bookkeeping (only the parts it writes are read).
struct Scratch {
    spans: [(u32, u32); MAX_VALUES],
    moved: [u32; MAX_VALUES + 1],
}

/// The shapes a thread keeps, by key.
struct Shapes {
    sets: Vec<[Option<Box<Shape>>; WAYS]>,
    scratch: Scratch,
}

std::thread_local! {
    static SHAPES: RefCell<Shapes> = RefCell::new(Shapes {
        sets: (0..SETS).map(|_| Default::default()).collect(),
        scratch: Scratch { spans: [(0, 0); MAX_VALUES], moved: [0; MAX_VALUES + 1] },
    });
}

/// The set of a key: its first sixteen bytes, hashed.
fn set_of(key: &[u8]) -> usize {
    let h = swar::short_hash(&key[..key.len().min(16)]).expect("at most sixteen bytes");
    (h >> (64 - SETS.trailing_zeros())) as usize
}

/// Read the value at the start of `text` onto `nodes` through a shape kept
/// under `key`; returns where it ends and how (see [`Shaped`]).
pub fn read(text: &[u8], key: &[u8], nodes: &mut Vec<Node>) -> Option<(usize, Shaped)> {
    SHAPES.with_borrow_mut(|shapes| {
        let set = &mut shapes.sets[set_of(key)];
        for way in 0..WAYS {
            let shape = set[way].as_ref()?;
            if let Some((end, changed)) = shape.read(text, nodes, &mut shapes.scratch) {
                let id = shape.id;
                set[..=way].rotate_right(1);
                return Some((end, Shaped { id, changed }));
            }
        }
        None
    })
}

/// Keep the shape of a text just parsed onto `nodes` under `key` (its
/// values are all its own).
pub fn keep(text: &[u8], key: &[u8], nodes: &[Node]) -> Shaped {
    let Some(shape) = Shape::of(text, nodes) else { return Shaped::NONE };
    let id = shape.id;
    SHAPES.with_borrow_mut(|shapes| {
        let set = &mut shapes.sets[set_of(key)];
        set.rotate_right(1);
        set[0] = Some(Box::new(shape));
    });
    Shaped { id, changed: 0 }
}

/// How a tape was read: as a copy of the shape with this id (0: none),
/// with these of the shape's values (by number, see [`value_numbers`])
/// read anew; the others are the shape's own, byte for byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shaped {
    pub id: u64,
    pub changed: u64,
}

impl Shaped {
    pub const NONE: Shaped = Shaped { id: 0, changed: u64::MAX };
}

/// The number of each value of a tape as its shape counts them (strings
/// that are not keys, and numbers, in text order); `u8::MAX` for other
/// nodes. `None` when the tape has more values than a shape may have.
pub fn value_numbers(nodes: &[Node]) -> Option<Vec<u8>> {
    let is_key = keys(nodes);
    let mut values = 0;
    let numbers = nodes
        .iter()
        .zip(&is_key)
        .map(|(n, &key)| {
            if (n.kind == Kind::Str && !key) || n.kind == Kind::Num {
                values += 1;
                values.min(MAX_VALUES + 1) as u8 - 1
            } else {
                u8::MAX
            }
        })
        .collect();
    (values <= MAX_VALUES).then_some(numbers)
}

/// Which nodes of a tape are object keys (the first node of each member).
fn keys(nodes: &[Node]) -> Vec<bool> {
    let mut is_key = vec![false; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if n.kind == Kind::Obj {
            let mut k = i + 1;
            for _ in 0..n.count {
                is_key[k] = true;
                k = nodes[k + 1].next as usize;
            }
        }
    }
    is_key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json::{parse_into, parse_prefix_into, parse_prefix_shaped, parse_shaped};

    const FRAME: &str = r#"[2,"10171145","MeterValues",{"connectorId":1,"transactionId":15899,"meterValue":[{"timestamp":"2025-05-04T00:13:37Z","sampledValue":[{"value":"7112578","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"},{"value":"27.2","phase":"L1","unit":"A"}]}]}]"#;

    /// Where a value ends, and its tape.
    type Read = Option<(usize, Vec<Node>)>;

    /// The shaped reading of `text` (after `template`, kept under the same
    /// key) and the parser's, and whether it was read through the shape.
    fn both(template: &str, text: &str) -> (Read, Read, bool) {
        let key = b"test";
        let mut nodes = Vec::new();
        let kept = parse_prefix_shaped(template, key, &mut nodes).map(|(_, s)| s.id);
        let shaped = parse_prefix_shaped(text, key, &mut nodes);
        let hit = shaped.is_some_and(|(_, s)| s.id != 0 && Some(s.id) == kept);
        let shaped = shaped.map(|(end, _)| (end, nodes.clone()));
        let parsed = parse_prefix_into(text, &mut nodes).map(|end| (end, nodes.clone()));
        (shaped, parsed, hit)
    }

    #[test]
    fn frames_of_a_kept_shape_read_to_the_parsers_tape() {
        let variants = [
            // other values of the same lengths, longer ones, shorter ones
            FRAME.replace("15899", "15900"),
            FRAME.replace("15899", "158990001").replace("10171145", "b80503d1-0263-4adb-a090-8d17e9bbc2da"),
            FRAME.replace(":1,", ":12345,").replace("27.2", "7"),
            FRAME.replace("7112578", "").replace("Sample.Periodic", "Sample.Clock"),
            // a number that grows a fraction or an exponent, a negative one
            FRAME.replace(":1,", ":1.5e3,"),
            FRAME.replace(":15899,", ":-0.25,"),
            // non-ASCII text in a value, escapes
            FRAME.replace("L1", "L1 ✓ Grüße"),
            FRAME.replace("Sample.Periodic", "Sample\\nPeriodic \\u00e9"),
            // text after the frame (a text log's tail)
            format!("{FRAME} trailing words"),
        ];
        for text in &variants {
            let (shaped, parsed, hit) = both(FRAME, text);
            assert!(hit, "not read through the shape: {text}");
            assert_eq!(shaped, parsed, "{text}");
        }
    }

    #[test]
    fn texts_of_another_shape_are_parsed() {
        let variants = [
            // another key, a string where a number was, another nesting
            FRAME.replace("\"unit\"", "\"units\""),
            FRAME.replace(":15899,", ":\"15899\","),
            FRAME.replace("\"L1\"", "[\"L1\"]"),
            FRAME.replace(":1,", ":true,"),
            // a number that runs into what follows, a string left open, a bad escape, a cut
            FRAME.replace(":1,", ":01,"),
            FRAME.replace("\"Wh\"", "\"Wh"),
            FRAME.replace("Wh", "W\\x"),
            FRAME[..FRAME.len() - 3].to_string(),
            // a blank where the shape has none
            FRAME.replace(":1,", ": 1,"),
        ];
        for text in &variants {
            let (shaped, parsed, hit) = both(FRAME, text);
            assert!(!hit, "read through a shape it does not have: {text}");
            assert_eq!(shaped, parsed, "{text}");
        }
    }

    #[test]
    fn a_read_tells_which_values_are_new() {
        let mut nodes = Vec::new();
        let kept = parse_shaped(FRAME, b"c", &mut nodes).unwrap();
        assert_eq!(kept.changed, 0, "a kept text's values are its own");
        let numbers = value_numbers(&nodes).unwrap();
        let number_of = |text: &str, value: &str| {
            let at = nodes.iter().position(|n| &text[n.start as usize..n.end as usize] == value).unwrap();
            numbers[at]
        };
        let (uid, tx) = (number_of(FRAME, "\"10171145\""), number_of(FRAME, "15899"));
        assert_eq!((uid, tx), (1, 4), "type, uniqueId, action, connectorId, transactionId");
        let text = FRAME.replace("15899", "15900000");
        let read = parse_shaped(&text, b"c", &mut nodes).unwrap();
        assert_eq!(read, Shaped { id: kept.id, changed: 1 << tx });
        let text = text.replace("10171145", "10171146");
        assert_eq!(parse_shaped(&text, b"c", &mut nodes).unwrap().changed, 1 << uid | 1 << tx);
    }

    #[test]
    fn whole_texts_allow_only_blanks_after_the_value() {
        let mut nodes = Vec::new();
        let id = parse_shaped(FRAME, b"w", &mut nodes).unwrap().id;
        assert_ne!(id, 0);
        assert_eq!(parse_shaped(&format!("{FRAME} \n"), b"w", &mut nodes).unwrap().id, id);
        let mut parsed = Vec::new();
        parse_into(&format!("{FRAME} \n"), &mut parsed).unwrap();
        assert_eq!(nodes, parsed);
        assert!(parse_shaped(&format!("{FRAME} x"), b"w", &mut nodes).is_err());
    }

    #[test]
    fn large_texts_and_scalars_are_not_kept() {
        let mut nodes = Vec::new();
        assert_eq!(parse_shaped("\"just a string\"", b"s", &mut nodes).unwrap(), Shaped::NONE);
        let big = format!("[{}]", vec!["1"; MAX_NODES].join(","));
        assert_eq!(parse_shaped(&big, b"s", &mut nodes).unwrap(), Shaped::NONE);
        let many = format!("[{}]", vec!["[]"; MAX_VALUES].join(","));
        assert_ne!(parse_shaped(&many, b"s", &mut nodes).unwrap().id, 0, "containers are not values");
    }

    #[test]
    fn a_key_holds_the_shapes_it_saw_last() {
        let texts: Vec<String> = (0..WAYS + 1).map(|n| format!("[{}]", vec!["1"; n + 1].join(","))).collect();
        let mut nodes = Vec::new();
        let ids: Vec<u64> = texts.iter().map(|t| parse_shaped(t, b"k", &mut nodes).unwrap().id).collect();
        // the last WAYS are still kept (and read through), the first is not
        for (t, &id) in texts.iter().zip(&ids).skip(1).rev() {
            assert_eq!(parse_shaped(t, b"k", &mut nodes).unwrap().id, id);
        }
        assert_ne!(parse_shaped(&texts[0], b"k", &mut nodes).unwrap().id, ids[0]);
    }
}
