//! Timestamps in log files: whole fields (CSV cells, JSON values) and the
//! timestamp at the start of a text log line.
//!
//! Everything is hand-parsed from bytes (this runs on millions of lines):
//! no allocation, no regex, and no slicing of `str`s, so no input can panic.
//! All results are [`Millis`], milliseconds since the Unix epoch in UTC.
//!
//! Accepted shapes (each with an optional zone after the time: `Z`, an offset
//! such as `+02:00`/`+0200`/`+02`, or an abbreviation such as `CEST`, `IST`,
//! `GMT+0530`):
//! - `YYYY-MM-DD[T| ]HH:MM[:SS[(.|,)fraction]]` (ISO 8601 / RFC 3339 and the
//!   log4j/logback/python `2024-01-01 12:00:00,123` form), also `YYYY/MM/DD ...`
//! - `DD.MM.YYYY HH:MM[:SS[.fff]]` (German)
//! - `DD/MM/YYYY[,] hh:mm[:ss] [am|pm]` (day first; month first `MM/DD/YYYY`
//!   when the second number cannot be a month)
//! - epoch seconds (10 digits, optional fraction) and epoch milliseconds
//!   (13 digits), in [`parse_timestamp`] only
//!
//! A time without a zone is read in the source zone; a local time that a DST
//! change makes ambiguous is read as its earliest instant, and one that falls
//! in a DST gap is read with the offset in force before the change (as
//! JavaScript and Python do: `02:30` on a spring-forward day is `03:30` summer
//! time).

use super::swar;
use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;
use std::ops::Range;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// A line's timestamp must start within its first this many bytes.
const SCAN_START_LIMIT: usize = 80;
/// How far past [`SCAN_START_LIMIT`] a timestamp that started in time may run.
const SCAN_TAIL: usize = 48;

/// Parse a whole field (CSV cell, JSON string/number) as a timestamp.
/// `source_tz` is the zone of timestamps that carry no zone of their own.
///
/// Surrounding whitespace and quotes are ignored. Bare numbers are epoch
/// seconds (10 digits, optional fraction) or epoch milliseconds (13 digits).
pub fn parse_timestamp(text: &str, source_tz: Tz) -> Option<Millis> {
    // the common case, nothing to trim: it starts with a digit and ends with one or a letter
    let plain = text.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && text.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric);
    let t = if plain {
        text
    } else {
        text.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
        })
    };
    let b = t.as_bytes();
    if b.is_empty() {
        return None;
    }
    if let Some(ms) = parse_epoch(b) {
        return Some(ms);
    }
    let p = parse_at(b, 0)?;
    if p.end != b.len() {
        return None;
    }
    p.resolve(source_tz)
}

/// Find a timestamp at or near the start of a text log line (within its first
/// ~80 bytes, e.g. after a `[` or a level word) and return it with the byte
/// range it occupied in `line`.
///
/// Only the part of the line before the first OCPP-J frame start (`[2,`,
/// `[3,`, `[4,`) is looked at, and bare epoch numbers are not taken.
/// Forms without a year (syslog's `Mar 13 05:01:20`) give `None`.
pub fn scan_timestamp(line: &str, source_tz: Tz) -> Option<(Millis, Range<usize>)> {
    let all = line.as_bytes();
    scan_window(&all[..frame_start(all, all.len().min(SCAN_START_LIMIT + SCAN_TAIL))], source_tz)
}

/// [`scan_timestamp`] of the text before a line's first frame (which holds
/// no frame start to stop at).
pub fn scan_timestamp_before_frame(prefix: &str, source_tz: Tz) -> Option<(Millis, Range<usize>)> {
    let all = prefix.as_bytes();
    scan_window(&all[..all.len().min(SCAN_START_LIMIT + SCAN_TAIL)], source_tz)
}

fn scan_window(b: &[u8], source_tz: Tz) -> Option<(Millis, Range<usize>)> {
    let start_limit = b.len().min(SCAN_START_LIMIT);
    let mut i = 0;
    while i < start_limit {
        let c = b[i];
        if c.is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            if let Some(p) = parse_at(b, i) {
                // the timestamp must end at a word boundary
                if !b.get(p.end).is_some_and(u8::is_ascii_alphanumeric) {
                    if let Some(ms) = p.resolve(source_tz) {
                        return Some((ms, i..p.end));
                    }
                }
            }
            // skip the rest of this number
            while i < start_limit && b[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    None
}

/// RFC 3339 with milliseconds and `Z`, e.g. `2025-05-04T08:14:03.120Z` (the JSON output form).
pub fn format_rfc3339_ms(ms: Millis) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let secs = in_day / 1000;
    let milli = in_day % 1000;
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    } else {
        // RFC 3339 has no room for these; ISO 8601's expanded years do
        format!("{y:+07}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// Convert a wall-clock time in `tz` (given as milliseconds since the epoch
/// as if it were UTC) to real UTC milliseconds. Ambiguous times (DST end) give
/// their earliest instant; times in a DST gap are read with the offset in
/// force before the change. `None` only when chrono cannot represent the time.
pub fn local_to_utc_ms(naive_ms: i64, tz: Tz) -> Option<Millis> {
    if is_utc(tz) {
        return Some(naive_ms);
    }
    let secs = naive_ms.div_euclid(1000);
    let ndt: NaiveDateTime = DateTime::from_timestamp(secs, 0)?.naive_utc();
    let offset_s = match tz.offset_from_local_datetime(&ndt) {
        LocalResult::Single(o) => o.fix().local_minus_utc(),
        // the earliest instant is the one with the larger offset
        LocalResult::Ambiguous(a, b) => a.fix().local_minus_utc().max(b.fix().local_minus_utc()),
        LocalResult::None => {
            let before = ndt.checked_sub_signed(TimeDelta::days(1))?;
            tz.offset_from_utc_datetime(&before).fix().local_minus_utc()
        }
    };
    Some(naive_ms - offset_s as i64 * 1000)
}

#[inline]
fn is_utc(tz: Tz) -> bool {
    matches!(tz, Tz::UTC | Tz::Etc__UTC | Tz::GMT | Tz::Etc__GMT | Tz::Zulu | Tz::Etc__Zulu | Tz::Universal)
}

/// A parsed timestamp: the wall-clock time as if UTC, the zone offset it
/// carried (seconds east of UTC) if any, and where its text ended.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Parsed {
    naive_ms: i64,
    offset_s: Option<i32>,
    end: usize,
}

impl Parsed {
    #[inline]
    fn resolve(&self, tz: Tz) -> Option<Millis> {
        match self.offset_s {
            Some(o) => Some(self.naive_ms - o as i64 * 1000),
            None => local_to_utc_ms(self.naive_ms, tz),
        }
    }
}

/// The first frame start (`[` + optional blanks + `2`/`3`/`4` + optional
/// blanks + `,`) before `limit`, or `limit`.
fn frame_start(b: &[u8], limit: usize) -> usize {
    let b = &b[..limit.min(b.len())];
    for open in memchr::memchr_iter(b'[', b) {
        let mut j = skip_blanks(b, open + 1, usize::MAX);
        if !matches!(b.get(j), Some(b'2'..=b'4')) {
            continue;
        }
        j = skip_blanks(b, j + 1, usize::MAX);
        if b.get(j) == Some(&b',') {
            return open;
        }
    }
    b.len()
}

#[inline]
fn skip_blanks(b: &[u8], mut i: usize, max: usize) -> usize {
    let start = i;
    while i < b.len() && i - start < max && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Read `min..=max` ASCII digits at `i`: (value, digits read, index after).
#[inline]
fn digits(b: &[u8], i: usize, min: usize, max: usize) -> Option<(u32, usize, usize)> {
    let mut v: u32 = 0;
    let mut j = i;
    while j < b.len() && j - i < max && b[j].is_ascii_digit() {
        v = v * 10 + (b[j] - b'0') as u32;
        j += 1;
    }
    let n = j - i;
    (n >= min).then_some((v, n, j))
}

#[inline]
fn is_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits).
fn parse_epoch(b: &[u8]) -> Option<Millis> {
    let int_len = b.iter().position(|c| !c.is_ascii_digit()).unwrap_or(b.len());
    if int_len != 10 && int_len != 13 {
        return None;
    }
    let frac = &b[int_len..];
    let frac_digits = match frac.split_first() {
        None => &frac[..0],
        Some((b'.', rest)) if !rest.is_empty() && rest.iter().all(u8::is_ascii_digit) => rest,
        _ => return None,
    };
    let mut int: i64 = 0;
    for &c in &b[..int_len] {
        int = int * 10 + (c - b'0') as i64;
    }
    if int_len == 13 {
        return Some(int);
    }
    Some(int * 1000 + frac_millis(frac_digits) as i64)
}

/// The first three digits of a fraction as milliseconds (fewer digits padded).
#[inline]
fn frac_millis(d: &[u8]) -> u32 {
    let mut ms = 0;
    for k in 0..3 {
        ms = ms * 10 + d.get(k).map_or(0, |c| (c - b'0') as u32);
    }
    ms
}

/// A date, a separator and a time (with optional am/pm and zone) starting
/// exactly at `i`.
fn parse_at(b: &[u8], i: usize) -> Option<Parsed> {
    parse_iso_plain(b, i).or_else(|| parse_general(b, i))
}

/// [`parse_at`] for every form it reads.
fn parse_general(b: &[u8], i: usize) -> Option<Parsed> {
    let (y, m, d, p) = parse_date(b, i)?;
    let p = date_time_sep(b, p)?;
    let (mut h, mi, s, ms, mut p) = parse_time(b, p)?;

    // am / pm
    let q = skip_blanks(b, p, 2);
    if let Some((pm, q)) = am_pm(b, q) {
        if h > 12 {
            return None;
        }
        h = match (pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
        p = q;
    }

    // zone: directly after the time, or after a blank or two
    let mut offset_s = None;
    if let Some((o, q)) = parse_zone_suffix(b, p, true) {
        offset_s = Some(o);
        p = q;
    } else {
        let q = skip_blanks(b, p, 2);
        if q > p {
            if let Some((o, q)) = parse_zone_suffix(b, q, false) {
                offset_s = Some(o);
                p = q;
            }
        }
    }

    let days = days_from_civil(y as i64, m, d);
    let secs = days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64;
    Some(Parsed { naive_ms: secs * 1000 + ms as i64, offset_s, end: p })
}

/// The form nearly every log and payload uses, read without the general
/// parser's detours: `YYYY-MM-DD`, `T` or a blank, `HH:MM:SS`, an optional
/// fraction, then `Z` or nothing that could be a zone or am/pm. `None` leaves
/// the text to the general parser, which reads these the same way.
fn parse_iso_plain(b: &[u8], i: usize) -> Option<Parsed> {
    let d: &[u8; 19] = b.get(i..i + 19)?.try_into().ok()?;
    // `HH:MM:SS`, `YYYY-MM-` and `DD` as words: their separators and
    // digits checked at once (the date's only when its hour is not the one
    // read last, below)
    let word = |at: usize| u64::from_le_bytes(d[at..at + 8].try_into().expect("eight bytes"));
    let (date, day_on, time) = (word(0), word(8), word(11));
    const DATE_SEPS: u64 = 0xFF00_00FF_0000_0000;
    const TIME_SEPS: u64 = 0x0000_FF00_00FF_0000;
    const DAY: u64 = 0xFFFF;
    let digit = |k: usize| u32::from(d[k] - b'0');
    let two = |k: usize| digit(k) * 10 + digit(k + 1);
    // the time's separators and digits (the hour's too, which the key below holds)
    if time & TIME_SEPS != swar::splat(b':') & TIME_SEPS || !digits_at(time, !TIME_SEPS) {
        return None;
    }
    if !matches!(d[10], b'T' | b' ') {
        return None;
    }
    // `YYYY-MM-DD` and `HH` (bytes 0 to 13 but the separator: a log line's
    // time and its payload's differ there) as the last ones read on this
    // thread gave them: their seconds since 1970, or read and checked now
    const SEPARATOR: u64 = 0xFF << 40;
    let hour_key = (date, word(5) & !SEPARATOR);
    let hour = match LAST_HOUR.get() {
        (key, secs) if key == hour_key => secs,
        _ => {
            let seps_ok = date & DATE_SEPS == swar::splat(b'-') & DATE_SEPS;
            let digits_ok = digits_at(date, !DATE_SEPS) && digits_at(day_on, DAY);
            if !seps_ok || !digits_ok {
                return None;
            }
            let (y, m, day, h) = ((two(0) * 100 + two(2)) as i32, two(5), two(8), two(11));
            if !(1..=12).contains(&m) || day == 0 || day > days_in_month(y, m) || h > 23 {
                return None;
            }
            let secs = days_from_civil(y as i64, m, day) * 86_400 + h as i64 * 3600;
            LAST_HOUR.set((hour_key, secs));
            secs
        }
    };
    let (mi, s) = (two(14), two(17));
    if mi > 59 || s > 60 {
        return None;
    }
    let mut p = i + 19;
    let mut ms = 0;
    if matches!(b.get(p), Some(b'.' | b',')) && is_digit_at(b, p + 1) {
        let start = p + 1;
        p = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        ms = frac_millis(&b[start..p]);
    }
    // what follows must not be read as a zone, am/pm or more digits
    let maybe_more = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-');
    let offset_s = match b.get(p) {
        Some(b'Z') if !b.get(p + 1).is_some_and(maybe_more) => {
            p += 1;
            Some(0)
        }
        Some(b' ' | b'\t') if b.get(skip_blanks(b, p, 2)).is_some_and(maybe_more) => return None,
        Some(c) if maybe_more(c) => return None,
        _ => None,
    };
    let secs = hour + mi as i64 * 60 + s as i64;
    Some(Parsed { naive_ms: secs * 1000 + ms as i64, offset_s, end: p })
}

std::thread_local! {
    /// The date and hour [`parse_iso_plain`] read last on this thread (the
    /// text of bytes 0 to 13 as two words, the separator left out), with
    /// its seconds since 1970: the records a thread reads one after another
    /// are mostly of one hour.
    static LAST_HOUR: std::cell::Cell<((u64, u64), i64)> = const { std::cell::Cell::new(((0, 0), 0)) };
}

/// Whether the bytes of `w` that `mask` marks are all ASCII digits.
#[inline(always)]
fn digits_at(w: u64, mask: u64) -> bool {
    // a digit becomes 0..=9, which 0x76 does not lift to the high bit;
    // any other byte ends up with its high bit set (a carry out of such a
    // byte can only spoil the answer for bytes that are wrong already)
    let x = (w ^ swar::splat(b'0')) & mask;
    (x.wrapping_add(swar::splat(0x76)) | x) & swar::splat(0x80) & mask == 0
}

/// `YYYY-MM-DD`, `YYYY/MM/DD`, `DD.MM.YYYY`, `DD/MM/YYYY` or `MM/DD/YYYY`.
fn parse_date(b: &[u8], i: usize) -> Option<(i32, u32, u32, usize)> {
    let (a, n, p) = digits(b, i, 1, 4)?;
    let sep = *b.get(p)?;
    let (y, m, d, p) = match (n, sep) {
        (4, b'-') => {
            let (m, _, p) = digits(b, p + 1, 2, 2)?;
            if b.get(p) != Some(&b'-') {
                return None;
            }
            let (d, _, p) = digits(b, p + 1, 2, 2)?;
            (a as i32, m, d, p)
        }
        (4, b'/') => {
            let (m, _, p) = digits(b, p + 1, 1, 2)?;
            if b.get(p) != Some(&b'/') {
                return None;
            }
            let (d, _, p) = digits(b, p + 1, 1, 2)?;
            (a as i32, m, d, p)
        }
        (1 | 2, b'.') => {
            let (m, _, p) = digits(b, p + 1, 1, 2)?;
            if b.get(p) != Some(&b'.') {
                return None;
            }
            let (y, _, p) = digits(b, p + 1, 4, 4)?;
            (y as i32, m, a, p)
        }
        (1 | 2, b'/') => {
            let (second, _, p) = digits(b, p + 1, 1, 2)?;
            if b.get(p) != Some(&b'/') {
                return None;
            }
            let (y, _, p) = digits(b, p + 1, 4, 4)?;
            // day first unless the second number cannot be a month
            if second > 12 {
                (y as i32, a, second, p)
            } else {
                (y as i32, second, a, p)
            }
        }
        _ => return None,
    };
    if is_digit_at(b, p) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d, p))
}

/// `T`, or an optional comma and one to three blanks.
#[inline]
fn date_time_sep(b: &[u8], p: usize) -> Option<usize> {
    match b.get(p)? {
        b'T' | b't' => Some(p + 1),
        b',' => {
            let q = skip_blanks(b, p + 1, 3);
            (q > p + 1).then_some(q)
        }
        b' ' | b'\t' => Some(skip_blanks(b, p, 3)),
        _ => None,
    }
}

/// `H:MM` / `HH:MM[:SS[(.|,)fraction]]`: (h, m, s, ms, index after).
#[inline]
fn parse_time(b: &[u8], p: usize) -> Option<(u32, u32, u32, u32, usize)> {
    let (h, _, p) = digits(b, p, 1, 2)?;
    if b.get(p) != Some(&b':') {
        return None;
    }
    let (mi, _, mut p) = digits(b, p + 1, 2, 2)?;
    let mut s = 0;
    let mut ms = 0;
    if b.get(p) == Some(&b':') && is_digit_at(b, p + 1) {
        let (sec, _, q) = digits(b, p + 1, 2, 2)?;
        s = sec;
        p = q;
        if matches!(b.get(p), Some(b'.' | b',')) && is_digit_at(b, p + 1) {
            let start = p + 1;
            let mut q = start;
            while q < b.len() && b[q].is_ascii_digit() {
                q += 1;
            }
            ms = frac_millis(&b[start..q]);
            p = q;
        }
    }
    if is_digit_at(b, p) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some((h, mi, s, ms, p))
}

/// `am`/`pm` (any case) ending at a word boundary: (is pm, index after).
#[inline]
fn am_pm(b: &[u8], p: usize) -> Option<(bool, usize)> {
    let c0 = b.get(p)?.to_ascii_lowercase();
    let c1 = b.get(p + 1)?.to_ascii_lowercase();
    if c1 != b'm' || !matches!(c0, b'a' | b'p') || b.get(p + 2).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some((c0 == b'p', p + 2))
}

/// Zone abbreviations and their offsets in minutes east of UTC.
const ZONE_ABBREVIATIONS: &[(&[u8], i32)] = &[
    (b"Z", 0),
    (b"UT", 0),
    (b"UTC", 0),
    (b"GMT", 0),
    (b"CET", 60),
    (b"CEST", 120),
    (b"EET", 120),
    (b"EEST", 180),
    (b"WET", 0),
    (b"WEST", 60),
    (b"BST", 60),
    (b"IST", 330),
    (b"EST", -300),
    (b"EDT", -240),
    (b"CST", -360),
    (b"CDT", -300),
    (b"MST", -420),
    (b"MDT", -360),
    (b"PST", -480),
    (b"PDT", -420),
    (b"JST", 540),
    (b"AEST", 600),
    (b"AEDT", 660),
    (b"SGT", 480),
    (b"HKT", 480),
    (b"MSK", 180),
];

/// A zone at `p`: `Z`, a numeric offset (`+02:00`, `+0200`, `+02`; after a
/// blank only the four-digit forms) or an abbreviation, optionally
/// `UTC`/`GMT` followed by an offset (`GMT+0530`, `UTC+2`, `UTC+05:30`).
/// Returns (seconds east of UTC, index after).
fn parse_zone_suffix(b: &[u8], p: usize, adjacent: bool) -> Option<(i32, usize)> {
    let c = *b.get(p)?;
    if c == b'+' || c == b'-' {
        let (o, q, full) = numeric_offset(b, p)?;
        if !adjacent && !full {
            return None;
        }
        return Some((o, q));
    }
    if !c.is_ascii_alphabetic() {
        return None;
    }
    let mut q = p;
    while q < b.len() && q - p <= 4 && b[q].is_ascii_alphabetic() {
        q += 1;
    }
    let word = &b[p..q];
    if word.len() > 4 || b.get(q).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let minutes = ZONE_ABBREVIATIONS.iter().find(|(name, _)| name.eq_ignore_ascii_case(word))?.1;
    // UTC+2, GMT+0530, UTC+05:30
    if matches!(b.get(q), Some(b'+' | b'-')) && (word.eq_ignore_ascii_case(b"UTC") || word.eq_ignore_ascii_case(b"GMT"))
    {
        if let Some((o, r)) = gmt_offset(b, q) {
            return Some((o, r));
        }
    }
    Some((minutes * 60, q))
}

/// `+HH:MM`, `+HHMM` or `+HH` at `p`: (seconds, index after, is a four-digit form).
fn numeric_offset(b: &[u8], p: usize) -> Option<(i32, usize, bool)> {
    let sign = if b[p] == b'-' { -1 } else { 1 };
    let (h, _, mut q) = digits(b, p + 1, 2, 2)?;
    let mut m = 0;
    let mut full = false;
    if b.get(q) == Some(&b':') && is_digit_at(b, q + 1) {
        let (mm, _, r) = digits(b, q + 1, 2, 2)?;
        m = mm;
        q = r;
        full = true;
    } else if is_digit_at(b, q) {
        let (mm, _, r) = digits(b, q, 2, 2)?;
        m = mm;
        q = r;
        full = true;
    }
    if is_digit_at(b, q) || h > 18 || m > 59 {
        return None;
    }
    Some((sign * (h as i32 * 3600 + m as i32 * 60), q, full))
}

/// The offset after `UTC`/`GMT`: `+H`, `+HH`, `+HH:MM`, `+HHMM`, `+HMM`.
fn gmt_offset(b: &[u8], p: usize) -> Option<(i32, usize)> {
    let sign = if b[p] == b'-' { -1 } else { 1 };
    let (v, n, mut q) = digits(b, p + 1, 1, 4)?;
    let (h, m) = match n {
        1 | 2 => {
            if b.get(q) == Some(&b':') && is_digit_at(b, q + 1) {
                let (mm, _, r) = digits(b, q + 1, 2, 2)?;
                q = r;
                (v, mm)
            } else {
                (v, 0)
            }
        }
        _ => (v / 100, v % 100),
    };
    if is_digit_at(b, q) || b.get(q).is_some_and(u8::is_ascii_alphabetic) || h > 18 || m > 59 {
        return None;
    }
    Some((sign * (h as i32 * 3600 + m as i32 * 60), q))
}

#[inline]
fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
#[inline]
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::{America::New_York, Asia::Kolkata, Europe::Zurich, UTC};
    use proptest::prelude::*;

    proptest! {
        /// The plain ISO reader only ever reads what the general one reads, the same way.
        #[test]
        fn plain_iso_agrees_with_the_general_parser(
            text in r#"(19|20|99)[0-9]{2}-[01][0-9]-[0-3][0-9][T t][0-2][0-9]:[0-6][0-9]:[0-6][0-9]([.,][0-9]{0,4})?(Z|z|[+-][0-9]{2}:?[0-9]{2}| ?(UTC|PM|am|CET)| +\[|[\]\]\"|,]| [0-9]|[0-9]|)[A-Za-z0-9 +-]{0,3}"#
        ) {
            let b = text.as_bytes();
            if let Some(fast) = parse_iso_plain(b, 0) {
                prop_assert_eq!(Some(fast), parse_general(b, 0), "{:?}", text);
            }
        }
    }

    proptest! {
        /// What the plain ISO reader makes of a text does not depend on the
        /// date and hour it read before (kept per thread).
        #[test]
        fn plain_iso_reads_alike_after_any_other_text(
            before in r#"(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]"#,
            edits in proptest::collection::vec((0usize..19, proptest::sample::select(b"0129-: T:x".to_vec())), 0..3),
        ) {
            let mut text = before.clone().into_bytes();
            for (at, byte) in edits {
                text[at] = byte;
            }
            let fresh = {
                LAST_HOUR.set(((0, 0), 0));
                parse_iso_plain(&text, 0)
            };
            let after = {
                let _ = parse_iso_plain(before.as_bytes(), 0);
                parse_iso_plain(&text, 0)
            };
            prop_assert_eq!(fresh, after, "{:?} after {:?}", String::from_utf8_lossy(&text), before);
            if let Some(fast) = fresh {
                prop_assert_eq!(Some(fast), parse_general(&text, 0));
            }
        }
    }

    #[test]
    fn plain_iso_reads_only_digits_and_its_separators() {
        for sample in ["2025-05-04T08:14:03.120Z", "1999-12-31 23:59:60"] {
            assert!(parse_iso_plain(sample.as_bytes(), 0).is_some(), "{sample}");
            for at in 0..19 {
                for byte in 0..=255u8 {
                    let mut b = sample.as_bytes().to_vec();
                    b[at] = byte;
                    if let Some(fast) = parse_iso_plain(&b, 0) {
                        assert_eq!(Some(fast), parse_general(&b, 0), "byte {byte:#04x} at {at} of {sample}");
                        let kept = sample.as_bytes()[at];
                        assert!(byte.is_ascii_digit() == kept.is_ascii_digit() || (at == 10 && byte == b' '));
                    }
                }
            }
        }
    }

    /// Milliseconds of an RFC 3339 UTC text, via chrono (an independent reference).
    fn utc(s: &str) -> Millis {
        DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}")).timestamp_millis()
    }

    fn p(s: &str) -> Option<Millis> {
        parse_timestamp(s, UTC)
    }

    #[track_caller]
    fn check(s: &str, expected: &str) {
        assert_eq!(p(s), Some(utc(expected)), "{s:?}");
    }

    #[track_caller]
    fn scan(line: &str) -> Option<(Millis, String)> {
        scan_timestamp(line, UTC).map(|(ms, r)| (ms, line[r].to_string()))
    }

    #[track_caller]
    fn check_scan(line: &str, text: &str, expected: &str) {
        assert_eq!(scan(line), Some((utc(expected), text.to_string())), "{line:?}");
    }

    #[test]
    fn iso_forms() {
        check("2025-05-04T10:00:00Z", "2025-05-04T10:00:00Z");
        check("2025-05-04T10:00:00.123456Z", "2025-05-04T10:00:00.123Z");
        check("2025-05-04 10:00:00.123", "2025-05-04T10:00:00.123Z");
        check("2025-05-04T10:00:00+02:00", "2025-05-04T08:00:00Z");
        check("2025-05-04T10:00:00+0200", "2025-05-04T08:00:00Z");
        check("2025-05-04T10:00:00+02", "2025-05-04T08:00:00Z");
        check("2025-05-04T10:00:00-05:30", "2025-05-04T15:30:00Z");
        check("2025-08-11T08:32:27.262131Z", "2025-08-11T08:32:27.262Z");
        check("2025-08-11t08:32:27.9z", "2025-08-11T08:32:27.900Z");
        check("2025-05-04T10:00:00.1Z", "2025-05-04T10:00:00.100Z");
        check("2025-05-04T10:00:00.12Z", "2025-05-04T10:00:00.120Z");
        check("2025-05-04T10:00:00.999999999Z", "2025-05-04T10:00:00.999Z");
        check("2025-05-04 10:00", "2025-05-04T10:00:00Z");
        check("2025-05-04T10:00Z", "2025-05-04T10:00:00Z");
        check("2025-05-04 10:00:00,123", "2025-05-04T10:00:00.123Z");
        check("2025/05/04 10:00:00", "2025-05-04T10:00:00Z");
        check("2025-05-04 10:00:00 +0200", "2025-05-04T08:00:00Z");
        check("2025-05-04 10:00:00 UTC", "2025-05-04T10:00:00Z");
        check("2025-05-04T10:00:00.000+00:00", "2025-05-04T10:00:00Z");
        check("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z");
        check("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
        check("1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.500Z");
    }

    #[test]
    fn whitespace_and_quotes() {
        check("  2025-05-04T10:00:00Z\n", "2025-05-04T10:00:00Z");
        check("\"2025-05-04T10:00:00Z\"", "2025-05-04T10:00:00Z");
        check("'2025-05-04T10:00:00Z'", "2025-05-04T10:00:00Z");
        check("\u{201C}2025-08-14T11:40:44Z\u{201D}", "2025-08-14T11:40:44Z");
        check(" \"1714816800\" ", "2024-05-04T10:00:00Z");
    }

    #[test]
    fn german_forms() {
        check("14.08.2025 11:40:44", "2025-08-14T11:40:44Z");
        check("14.08.2025 11:40:44.5", "2025-08-14T11:40:44.500Z");
        check("14.08.2025 11:40", "2025-08-14T11:40:00Z");
        check("4.8.2025 09:05:01", "2025-08-04T09:05:01Z");
        assert_eq!(parse_timestamp("14.08.2025 11:40:44", Zurich), Some(utc("2025-08-14T09:40:44Z")));
        assert_eq!(parse_timestamp("14.01.2025 11:40:44", Zurich), Some(utc("2025-01-14T10:40:44Z")));
    }

    #[test]
    fn slash_forms() {
        check("22/09/2025, 11:59:31 pm IST", "2025-09-22T18:29:31Z");
        assert_eq!(parse_timestamp("22/09/2025, 11:59:31 pm IST", Zurich), Some(utc("2025-09-22T18:29:31Z")));
        check("22/09/2025, 11:59:31 PM", "2025-09-22T23:59:31Z");
        check("22/09/2025 11:59:31 am", "2025-09-22T11:59:31Z");
        check("22/09/2025 12:00:00 am", "2025-09-22T00:00:00Z");
        check("22/09/2025 12:00:00 pm", "2025-09-22T12:00:00Z");
        check("22/09/2025 11:59:31pm", "2025-09-22T23:59:31Z");
        check("22/09/2025 23:59:31", "2025-09-22T23:59:31Z");
        check("05/04/2025 10:00:00", "2025-04-05T10:00:00Z"); // day first
        check("09/22/2025 10:00:00", "2025-09-22T10:00:00Z"); // month first
        check("9/22/2025 1:05:00 PM EDT", "2025-09-22T17:05:00Z");
        check("22/09/2025, 11:59:31 pm ist", "2025-09-22T18:29:31Z");
        assert_eq!(p("13/13/2025 10:00:00"), None);
        assert_eq!(p("22/09/2025 13:00:00 pm"), None);
    }

    #[test]
    fn epoch_forms() {
        check("1714816800", "2024-05-04T10:00:00Z");
        check("1714816800.5", "2024-05-04T10:00:00.500Z");
        check("1714816800.123456", "2024-05-04T10:00:00.123Z");
        check("1714816800123", "2024-05-04T10:00:00.123Z");
        check("0000000000", "1970-01-01T00:00:00Z");
        for bad in [
            "171481680",
            "17148168001",
            "171481680012",
            "17148168001234",
            "1714816800.",
            "1714816800.5x",
            "12",
            "-1714816800",
            "1714816800123456",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn zone_abbreviations() {
        let cases = [
            ("UTC", 0),
            ("GMT", 0),
            ("Z", 0),
            ("CET", 60),
            ("CEST", 120),
            ("EET", 120),
            ("EEST", 180),
            ("WET", 0),
            ("WEST", 60),
            ("BST", 60),
            ("IST", 330),
            ("EST", -300),
            ("EDT", -240),
            ("CST", -360),
            ("CDT", -300),
            ("MST", -420),
            ("MDT", -360),
            ("PST", -480),
            ("PDT", -420),
            ("JST", 540),
            ("AEST", 600),
            ("AEDT", 660),
            ("SGT", 480),
            ("HKT", 480),
            ("MSK", 180),
            ("GMT+0530", 330),
            ("UTC+2", 120),
            ("UTC+05:30", 330),
            ("UTC-3", -180),
            ("GMT-0800", -480),
            ("utc+2", 120),
        ];
        let base = utc("2025-05-04T10:00:00Z");
        for (zone, minutes) in cases {
            for text in [format!("2025-05-04 10:00:00 {zone}"), format!("2025-05-04 10:00:00 {}", zone.to_lowercase())]
            {
                assert_eq!(parse_timestamp(&text, Zurich), Some(base - minutes as i64 * 60_000), "{text}");
            }
        }
        check("2025-05-04T10:00:00UTC", "2025-05-04T10:00:00Z");
        assert_eq!(p("2025-05-04 10:00:00 XYZ"), None);
        assert_eq!(p("2025-05-04 10:00:00 CESTX"), None);
        assert_eq!(p("2025-05-04 10:00:00 UTC+"), None);
        assert_eq!(p("2025-05-04 10:00:00+19:00"), None);
    }

    #[test]
    fn source_zone_and_dst() {
        // summer / winter in Zurich
        assert_eq!(parse_timestamp("2025-08-14 11:40:44", Zurich), Some(utc("2025-08-14T09:40:44Z")));
        assert_eq!(parse_timestamp("2025-01-14 11:40:44", Zurich), Some(utc("2025-01-14T10:40:44Z")));
        // a zone in the text wins over the source zone
        assert_eq!(parse_timestamp("2025-08-14T11:40:44Z", Zurich), Some(utc("2025-08-14T11:40:44Z")));
        // ambiguous (clocks go back 03:00 CEST -> 02:00 CET): the earliest instant
        assert_eq!(parse_timestamp("2025-10-26 02:30:00", Zurich), Some(utc("2025-10-26T00:30:00Z")));
        assert_eq!(parse_timestamp("2025-10-26 03:00:00", Zurich), Some(utc("2025-10-26T02:00:00Z")));
        // a DST gap (02:00 CET -> 03:00 CEST): read with the offset before the change
        assert_eq!(parse_timestamp("2025-03-30 02:30:00", Zurich), Some(utc("2025-03-30T01:30:00Z")));
        assert_eq!(parse_timestamp("2025-03-30 01:59:59", Zurich), Some(utc("2025-03-30T00:59:59Z")));
        assert_eq!(parse_timestamp("2025-03-30 03:00:00", Zurich), Some(utc("2025-03-30T01:00:00Z")));
        assert_eq!(parse_timestamp("2025-03-09 02:30:00", New_York), Some(utc("2025-03-09T07:30:00Z")));
        assert_eq!(parse_timestamp("2025-09-22 23:59:31", Kolkata), Some(utc("2025-09-22T18:29:31Z")));
        assert_eq!(local_to_utc_ms(0, chrono_tz::Etc::UTC), Some(0));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "   ",
            "\"\"",
            "2025-13-01T00:00:00Z",
            "2025-00-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2025-04-31 10:00:00",
            "2025-05-00 10:00:00",
            "2025-05-04T24:00:00Z",
            "2025-05-04T10:60:00Z",
            "2025-05-04T10:00:61Z",
            "25-05-04T10:00:00Z",
            "02025-05-04T10:00:00Z",
            "2025-5-4T10:00:00Z",
            "2025-05-04",
            "2025-05-04T",
            "2025-05-04T10",
            "2025-05-04T10:0",
            "2025-05-04T10:00:0",
            "2025-05-04T10:00:00.",
            "2025-05-04T10:00:00Zjunk",
            "2025-05-04T10:00:00 INFO",
            "2025-05-04X10:00:00",
            "14.08.25 11:40:44",
            "14.13.2025 11:40:44",
            "32.01.2025 11:40:44",
            "14.08.2025",
            "22/09/25 11:59:31",
            "Mar 13 05:01:20",
            "10:00:00",
            "hello",
            "CP-0001",
            "12345",
            "1e9",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
        assert_eq!(p("2000-02-29T00:00:00Z"), Some(utc("2000-02-29T00:00:00Z")));
        assert_eq!(p("2025-05-04T10:00:60Z"), Some(utc("2025-05-04T10:01:00Z")));
    }

    #[test]
    fn scan_prefixes() {
        check_scan(
            "[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: [2,\"a\",\"Heartbeat\",{}]",
            "2026-03-13T05:01:20.643Z",
            "2026-03-13T05:01:20.643Z",
        );
        check_scan(
            "2025-08-14 11:40:44.123 [CP-0001] <- [2,\"1\",\"Heartbeat\",{}]",
            "2025-08-14 11:40:44.123",
            "2025-08-14T11:40:44.123Z",
        );
        check_scan(
            "2024-01-01 12:00:00,123 INFO ocpp [3,\"1\",{}]",
            "2024-01-01 12:00:00,123",
            "2024-01-01T12:00:00.123Z",
        );
        check_scan(
            "14.08.2025 11:40:44 CP1 -> [2,\"1\",\"Heartbeat\",{}]",
            "14.08.2025 11:40:44",
            "2025-08-14T11:40:44Z",
        );
        check_scan(
            "2025-05-04T10:00:00+02:00 station=CP1 [2,\"1\",\"Heartbeat\",{}]",
            "2025-05-04T10:00:00+02:00",
            "2025-05-04T08:00:00Z",
        );
        check_scan(
            "2023-01-19T14:19:35.183Z: ChargePoint>CentralSystem Authorize",
            "2023-01-19T14:19:35.183Z",
            "2023-01-19T14:19:35.183Z",
        );
        check_scan(
            "INFO [2025-05-04 10:00:00] CP1 [2,\"1\",\"Heartbeat\",{}]",
            "2025-05-04 10:00:00",
            "2025-05-04T10:00:00Z",
        );
        check_scan("DEBUG 2025-05-04 10:00:00 UTC [2,", "2025-05-04 10:00:00 UTC", "2025-05-04T10:00:00Z");
        check_scan("22/09/2025, 11:59:31 pm IST | CP9 | [2,", "22/09/2025, 11:59:31 pm IST", "2025-09-22T18:29:31Z");
        check_scan("2025-05-04 10:00 CP1", "2025-05-04 10:00", "2025-05-04T10:00:00Z");
        check_scan("2025-05-04T10:00:00Z", "2025-05-04T10:00:00Z", "2025-05-04T10:00:00Z");
        check_scan("Ü 2025-05-04T10:00:00Z é", "2025-05-04T10:00:00Z", "2025-05-04T10:00:00Z");
        check_scan("[main] 2025-05-04 10:00:00 - msg", "2025-05-04 10:00:00", "2025-05-04T10:00:00Z");
        check_scan("[2025-05-04 10:00:00 +0200] x", "2025-05-04 10:00:00 +0200", "2025-05-04T08:00:00Z");
        // the source zone applies to zone-less prefixes
        let line = "14.08.2025 11:40:44 ...";
        assert_eq!(scan_timestamp(line, Zurich), Some((utc("2025-08-14T09:40:44Z"), 0..19)));
    }

    #[test]
    fn scan_rejects() {
        for line in [
            "I (12345) ocpp: [2,\"1\",\"Heartbeat\",{}]",
            "INFO:ocpp:Gresgying01: receive message [2,\"1\",\"Heartbeat\",{}]",
            "Mar 13 05:01:20 host ocpp[123]: [2,\"1\",\"Heartbeat\",{}]",
            "1714816800 [2,\"1\",\"Heartbeat\",{}]",
            "1714816800123 message",
            "<- [2,\"1\",\"StatusNotification\",{\"timestamp\":\"2025-05-04T10:00:00Z\"}]",
            "<- [ 2 , \"1\",\"StatusNotification\",{\"timestamp\":\"2025-05-04T10:00:00Z\"}]",
            "[3,\"1\",{\"currentTime\":\"2025-05-04T10:00:00Z\"}]",
            "CP-0001",
            "",
            "[",
            "2025-05-04",
            "x2025-05-04T10:00:00Z",
            "2025-05-04T10:00:00Zjunk",
            "2025-05-04 10:00:001",
            "12025-05-04 10:00:00",
        ] {
            assert_eq!(scan(line), None, "{line:?}");
        }
        // too far into the line
        let far = format!("{} 2025-05-04T10:00:00Z", "x".repeat(90));
        assert_eq!(scan(&far), None);
        let near = format!("{} 2025-05-04T10:00:00.123456Z", "x".repeat(70));
        assert_eq!(scan(&near).map(|(_, t)| t), Some("2025-05-04T10:00:00.123456Z".to_string()));
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(format_rfc3339_ms(utc("2025-05-04T08:14:03.120Z")), "2025-05-04T08:14:03.120Z");
        assert_eq!(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339_ms(utc("2024-02-29T23:59:59.999Z")), "2024-02-29T23:59:59.999Z");
        // extremes do not panic
        let _ = format_rfc3339_ms(i64::MAX);
        let _ = format_rfc3339_ms(i64::MIN);
        // round trip
        for ms in [0, 1, 999, 86_399_999, 1_714_816_800_123, 253_402_300_799_999, -62_135_596_800_000] {
            assert_eq!(p(&format_rfc3339_ms(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn civil_arithmetic_matches_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut date = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2500, 1, 1).unwrap();
        use chrono::Datelike;
        while date < end {
            let days = (date - epoch).num_days();
            let (y, m, d) = (date.year(), date.month(), date.day());
            assert_eq!(days_from_civil(y as i64, m, d), days);
            assert_eq!(civil_from_days(days), (y as i64, m, d));
            assert!(d <= days_in_month(y, m));
            date = date.succ_opt().unwrap();
        }
    }

    /// A tiny deterministic generator for the fuzz loops.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    const SAMPLES: &[&str] = &[
        "[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: [2,\"a\"",
        "2025-08-14 11:40:44.123 [CP-0001] <- [2,",
        "2024-01-01 12:00:00,123 INFO ...",
        "14.08.2025 11:40:44 ...",
        "2025-05-04T10:00:00+02:00 station=CP1 ...",
        "22/09/2025, 11:59:31 pm IST",
        "2025-05-04 10:00:00 GMT+0530",
        "2025-05-04 10:00:00 UTC+05:30",
        "1714816800.123",
        "1714816800123",
        "09/22/2025 1:05:00 PM EDT",
        "Ü 2025-05-04T10:00:00Z é ✓ 日本",
        "2025-10-26 02:30:00",
        "2025-03-30 02:30:00",
    ];

    fn exercise(s: &str) {
        for tz in [UTC, Zurich, New_York] {
            let _ = parse_timestamp(s, tz);
            if let Some((ms, r)) = scan_timestamp(s, tz) {
                assert!(r.start < r.end && r.end <= s.len(), "{s:?}");
                assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                let _ = format_rfc3339_ms(ms);
            }
        }
    }

    #[test]
    fn fuzz_truncations_do_not_panic() {
        for s in SAMPLES {
            for (i, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
                exercise(&s[..i]);
                exercise(&s[i..]);
            }
        }
    }

    #[test]
    fn fuzz_mutations_do_not_panic() {
        let alphabet: &[u8] = b"0123456789-:.,/+TZ zapmUTCGMIS[]\"'\t";
        let mut rng = Lcg(0x5eed);
        for _ in 0..20_000 {
            let s = SAMPLES[(rng.next() as usize) % SAMPLES.len()];
            let mut chars: Vec<char> = s.chars().collect();
            let edits = 1 + rng.next() % 4;
            for _ in 0..edits {
                let pos = (rng.next() as usize) % (chars.len() + 1);
                let c = match rng.next() % 8 {
                    0 => 'é',
                    1 => '日',
                    _ => alphabet[(rng.next() as usize) % alphabet.len()] as char,
                };
                match rng.next() % 3 {
                    0 if pos < chars.len() => chars[pos] = c,
                    1 if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    _ => chars.insert(pos, c),
                }
            }
            let m: String = chars.into_iter().collect();
            exercise(&m);
        }
    }

    #[test]
    fn parsed_values_are_consistent_with_chrono() {
        // random valid timestamps round-trip through our parser and chrono's
        let mut rng = Lcg(42);
        for _ in 0..5_000 {
            let ms = (rng.next() as i64 * 1_000_003) % 4_102_444_800_000; // 1970..2100
            let text = format_rfc3339_ms(ms);
            assert_eq!(p(&text), Some(ms), "{text}");
            assert_eq!(utc(&text), ms);
            let dt = DateTime::from_timestamp_millis(ms).unwrap().with_timezone(&Zurich);
            let local = dt.format("%d.%m.%Y %H:%M:%S%.3f").to_string();
            let back = parse_timestamp(&local, Zurich).unwrap();
            // ambiguous local times come back as their earliest instant
            assert!(back == ms || back == ms - 3_600_000, "{local} {ms} {back}");
        }
    }
}
