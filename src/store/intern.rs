//! Interned strings: every station, action, idTag, status... is kept once
//! (uniqueIds are hashed instead, see `store::Uid`).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// An interned string. `Sym::NONE` stands for "absent".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    pub const NONE: Sym = Sym(u32::MAX);

    pub fn is_none(self) -> bool {
        self == Sym::NONE
    }

    pub fn opt(self) -> Option<Sym> {
        (!self.is_none()).then_some(self)
    }
}

/// A multiplicative hash in the manner of FNV-1a, taking eight bytes a
/// step: tiny, deterministic, good enough for short identifiers. Integers
/// (symbols, hashed uniqueIds) take one step.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// 2^64 / φ: odd, with bits spread over the whole word.
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

impl Fnv {
    #[inline]
    fn step(&mut self, x: u64) {
        let h = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        self.0 = (h ^ x).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for Fnv {
    /// A multiply carries low bits up only: fold the high bits down, before
    /// and after one more, so that both ends of the hash (a table's bucket
    /// and its tag) depend on every bit of the keys.
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 32);
        let h = h.wrapping_mul(MULTIPLIER);
        h ^ (h >> 32)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.step(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        let mut tail = [0u8; 8];
        tail[..rest.len()].copy_from_slice(rest);
        // the length tells "ab" from "ab\0"
        self.step(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59));
    }
    #[inline]
    fn write_u8(&mut self, x: u8) {
        self.step(u64::from(x));
    }
    #[inline]
    fn write_u16(&mut self, x: u16) {
        self.step(u64::from(x));
    }
    #[inline]
    fn write_u32(&mut self, x: u32) {
        self.step(u64::from(x));
    }
    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.step(x);
    }
    #[inline]
    fn write_i64(&mut self, x: i64) {
        self.step(x as u64);
    }
    #[inline]
    fn write_usize(&mut self, x: usize) {
        self.step(x as u64);
    }
}

#[derive(Default, Clone, Copy)]
pub struct FnvBuild;

impl BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv::default()
    }
}

pub type FnvMap<K, V> = HashMap<K, V, FnvBuild>;

/// One contiguous text buffer plus offsets; lookup by hash of the text.
#[derive(Default)]
pub struct Interner {
    text: String,
    spans: Vec<(u32, u32)>,
    by_hash: FnvMap<u64, u32>,
    /// Strings whose hash collided with a different earlier string.
    collisions: HashMap<Box<str>, u32>,
    /// Short strings interned lately, by their bytes (see [`ShortKey`]):
    /// stations and actions come back on every message.
    recent: Vec<(ShortKey, Sym)>,
}

/// A string of at most 16 bytes as its length and the two words that hold
/// all its bytes (`swar::short_words`): equal keys, equal strings; and the
/// slot of the recent table it goes in.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct ShortKey(u64, u64, usize);

impl ShortKey {
    fn of(s: &str) -> Option<(ShortKey, usize)> {
        use crate::ingest::swar;
        let (a, z) = swar::short_words(s.as_bytes())?;
        let slot = (swar::hash_short_words((a, z), s.len()) >> (64 - RECENT_BITS)) as usize;
        Some((ShortKey(a, z, s.len()), slot))
    }
}

const RECENT_BITS: u32 = 8;

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        let Some((key, slot)) = ShortKey::of(s) else { return self.intern_by_hash(s) };
        if self.recent.is_empty() {
            self.recent = vec![(ShortKey(0, 0, usize::MAX), Sym::NONE); 1 << RECENT_BITS];
        }
        match self.recent[slot] {
            (k, sym) if k == key => sym,
            _ => {
                let sym = self.intern_by_hash(s);
                self.recent[slot] = (key, sym);
                sym
            }
        }
    }

    fn intern_by_hash(&mut self, s: &str) -> Sym {
        let h = hash_str(s);
        if let Some(&id) = self.by_hash.get(&h) {
            if self.get(Sym(id)) == s {
                return Sym(id);
            }
            if let Some(&id) = self.collisions.get(s) {
                return Sym(id);
            }
            let id = self.push(s);
            self.collisions.insert(s.into(), id);
            return Sym(id);
        }
        let id = self.push(s);
        self.by_hash.insert(h, id);
        Sym(id)
    }

    /// Look a string up without adding it.
    pub fn find(&self, s: &str) -> Option<Sym> {
        let id = *self.by_hash.get(&hash_str(s))?;
        if self.get(Sym(id)) == s {
            Some(Sym(id))
        } else {
            self.collisions.get(s).map(|&id| Sym(id))
        }
    }

    fn push(&mut self, s: &str) -> u32 {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.spans.push((start, s.len() as u32));
        (self.spans.len() - 1) as u32
    }

    /// The text of a symbol; "" for `Sym::NONE` or an unknown id.
    pub fn get(&self, sym: Sym) -> &str {
        match self.spans.get(sym.0 as usize) {
            Some(&(start, len)) => &self.text[start as usize..(start + len) as usize],
            None => "",
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.spans.capacity() * 8 + self.by_hash.capacity() * 16
    }
}

pub fn hash_str(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_deduplicated() {
        let mut i = Interner::default();
        let a = i.intern("CP-0001");
        let b = i.intern("Heartbeat");
        assert_eq!(i.intern("CP-0001"), a);
        assert_ne!(a, b);
        assert_eq!(i.get(b), "Heartbeat");
        assert_eq!(i.find("Heartbeat"), Some(b));
        assert_eq!(i.find("nope"), None);
        assert_eq!(i.get(Sym::NONE), "");
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn short_strings_of_every_length_intern_to_themselves() {
        let mut i = Interner::default();
        // all lengths around the key's word sizes, and strings alike but for one byte
        let texts: Vec<String> = (0..=20)
            .flat_map(|n| (0..n.max(1)).map(move |k| (0..n).map(|j| if j == k { 'b' } else { 'a' }).collect()))
            .collect();
        let syms: Vec<Sym> = texts.iter().map(|t| i.intern(t)).collect();
        for _ in 0..2 {
            for (t, &s) in texts.iter().zip(&syms) {
                assert_eq!(i.intern(t), s, "{t:?}");
                assert_eq!(i.get(s), t);
            }
        }
        let distinct: std::collections::HashSet<&String> = texts.iter().collect();
        assert_eq!(i.len(), distinct.len());
    }

    #[test]
    fn word_at_a_time_hash_tells_lengths_and_words_apart() {
        let texts =
            ["", "\0", "a", "a\0", "abcdefg", "abcdefgh", "abcdefgh\0", "abcdefgi", "bbcdefgh", "CP-0001", "CP-0002"];
        let hashes: std::collections::HashSet<u64> = texts.iter().map(|t| hash_str(t)).collect();
        assert_eq!(hashes.len(), texts.len());
        // integers take one step each, and both ends of the hash (a hash
        // table's bucket and its tag) spread over small and over large keys
        let of = |x: u64| FnvBuild.hash_one(x);
        for keys in [(0..1000u64).collect::<Vec<_>>(), (0..1000u64).map(|k| k << 40).collect()] {
            let tags: std::collections::HashSet<u64> = keys.iter().map(|&k| of(k) >> 57).collect();
            let buckets: std::collections::HashSet<u64> = keys.iter().map(|&k| of(k) & 1023).collect();
            assert!(tags.len() > 100 && buckets.len() > 500, "{} tags, {} buckets", tags.len(), buckets.len());
        }
    }
}
