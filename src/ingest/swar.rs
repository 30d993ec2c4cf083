//! Looking at eight bytes at a time ("SIMD within a register"): the load
//! path's searches in short texts, where a general search's set-up costs
//! more than the search; and every match in a block of 64 bytes at once, as
//! bits (for texts with a match every few bytes, such as the quotes of JSON
//! in a CSV cell).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `b` from `i`, when there are eight.
#[inline(always)]
pub fn word(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().expect("eight bytes")))
}

/// `byte` in every byte of a word.
#[inline(always)]
pub const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// The high bit of each byte of `x` below `n` (`n` at most 128). A borrow
/// can mark a byte above a marked one too, never one below it: the lowest
/// mark (see [`first`]) is always exact.
#[inline(always)]
pub fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(splat(n)) & !x & HIGH
}

/// The high bit of each byte of `w` equal to `byte` (the lowest is exact).
#[inline(always)]
pub fn equal(w: u64, byte: u8) -> u64 {
    below(w ^ splat(byte), 1)
}

/// The high bits of a word's bytes gathered into its low byte: byte `j`'s
/// into bit `j` (each byte's bit lands on a place of its own, so the
/// product has no carries).
#[inline(always)]
pub fn gather(marks: u64) -> u64 {
    ((marks & HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit `k` set for each byte `k` of a block of 64 equal to `byte`: the
/// bytes compared one by one, which the compiler does sixteen at a time
/// (SSE2), then the marks gathered eight at a time.
#[inline(always)]
pub fn bits_equal(block: &[u8; 64], byte: u8) -> u64 {
    let marks: [u8; 64] = std::array::from_fn(|k| if block[k] == byte { 0x80 } else { 0 });
    let mut bits = 0;
    for (j, w) in marks.chunks_exact(8).enumerate() {
        bits |= gather(u64::from_le_bytes(w.try_into().expect("eight bytes"))) << (8 * j);
    }
    bits
}

/// The place of the lowest marked byte of a non-zero mark.
#[inline(always)]
pub fn first(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

/// A text of at most 16 bytes as two words that hold all its bytes (two
/// overlapping loads, or the first, middle and last byte of a shorter one):
/// with the length, equal words mean equal texts.
#[inline]
pub fn short_words(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    let word4 = |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes")));
    let word8 = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"));
    match n {
        0 => Some((0, 0)),
        1..=3 => Some((u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16, 0)),
        4..=7 => Some((word4(0), word4(n - 4))),
        8..=16 => Some((word8(0), word8(n - 8))),
        _ => None,
    }
}

/// A text of at most 16 bytes hashed from its [`short_words`] and length
/// (a multiplicative hash: take its top bits).
#[inline]
pub fn short_hash(b: &[u8]) -> Option<u64> {
    short_words(b).map(|words| hash_short_words(words, b.len()))
}

/// [`short_hash`] of words [`short_words`] gave for a text of `len` bytes.
#[inline]
pub fn hash_short_words((x, y): (u64, u64), len: usize) -> u64 {
    (x ^ y.rotate_left(29) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_find_the_first_byte_looked_for() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut b = [b'a'; 8];
                b[at] = byte;
                let w = word(&b, 0).unwrap();
                let eq = equal(w, b'"');
                assert_eq!(eq != 0 && first(eq) == at, byte == b'"', "byte {byte:#04x} at {at}");
                let lo = below(w, 0x20);
                assert_eq!(lo != 0 && first(lo) == at, byte < 0x20, "byte {byte:#04x} at {at}");
            }
        }
        assert_eq!(word(b"1234567", 0), None);
    }

    #[test]
    fn block_bits_mark_every_byte_looked_for() {
        // every byte value at every place, alone and among quotes
        for byte in 0..=255u8 {
            for at in 0..64 {
                for fill in [b'a', b'"'] {
                    let mut b = [fill; 64];
                    b[at] = byte;
                    let want = b.iter().enumerate().fold(0u64, |m, (k, &c)| m | u64::from(c == b'"') << k);
                    assert_eq!(bits_equal(&b, b'"'), want, "byte {byte:#04x} at {at} among {fill}");
                }
            }
        }
    }

    #[test]
    fn short_words_tell_texts_of_one_length_apart() {
        let texts: Vec<Vec<u8>> = (0..=16)
            .flat_map(|n| (0..n.max(1)).map(move |k| (0..n).map(|j| if j == k { b'b' } else { b'a' }).collect()))
            .collect();
        for a in &texts {
            for b in &texts {
                let same = a.len() == b.len() && short_words(a) == short_words(b);
                assert_eq!(same, a == b, "{a:?} {b:?}");
            }
        }
        assert_eq!(short_words(&[b'a'; 17]), None);
    }
}
