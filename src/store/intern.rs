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

/// FNV-1a: tiny, deterministic, good enough for short identifiers.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
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
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
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
}
