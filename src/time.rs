//! Display and user-input time handling: the zone times are shown in, the
//! user's local zone, and the TIME values of `--from`/`--to` and the
//! explorer's date prompt.

use crate::ingest::timestamp::{format_rfc3339_ms, local_to_utc_ms, parse_timestamp, Millis};
use chrono::{DateTime, Datelike, NaiveDate, Offset, Timelike};
use chrono_tz::{OffsetName, Tz};
use std::fmt::Write as _;

/// The zone used to show times: UTC or a named local zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayZone {
    Utc,
    Local(Tz),
}

impl DisplayZone {
    /// Name shown in the status bar / reports: "UTC" or the IANA name e.g. "Europe/Zurich".
    pub fn name(&self) -> String {
        match self {
            DisplayZone::Utc => "UTC".to_string(),
            DisplayZone::Local(tz) => tz.name().to_string(),
        }
    }

    /// `2025-05-04 10:00:00.123` in this zone (milliseconds always shown, no zone suffix).
    pub fn format(&self, ms: Millis) -> String {
        let mut out = String::with_capacity(23);
        self.write_date_time(&mut out, ms);
        out
    }

    /// Same with the zone's abbreviation/offset suffix, e.g.
    /// `2025-05-04 12:00:00.123 CEST` or `... UTC`.
    pub fn format_with_zone(&self, ms: Millis) -> String {
        let mut out = String::with_capacity(30);
        let abbreviation = self.write_date_time(&mut out, ms);
        out.push(' ');
        out.push_str(&abbreviation);
        out
    }

    /// Short time-of-day form for narrow list columns: `12:00:00.123`.
    pub fn format_time(&self, ms: Millis) -> String {
        let mut out = String::with_capacity(23);
        self.write_date_time(&mut out, ms);
        match out.find(' ') {
            Some(space) => out.split_off(space + 1),
            None => out,
        }
    }

    /// The zone as a `chrono_tz` zone.
    fn tz(&self) -> Tz {
        match self {
            DisplayZone::Utc => chrono_tz::UTC,
            DisplayZone::Local(tz) => *tz,
        }
    }

    /// Write `YYYY-MM-DD HH:MM:SS.mmm` of `ms` in this zone to `out` and
    /// return the zone's abbreviation (or offset) at that instant.
    fn write_date_time(&self, out: &mut String, ms: Millis) -> String {
        let Some(utc) = DateTime::from_timestamp_millis(ms) else {
            // beyond what chrono can represent: show it in UTC
            let t = format_rfc3339_ms(ms);
            out.push_str(t.trim_end_matches('Z').replacen('T', " ", 1).as_str());
            return "UTC".to_string();
        };
        let (local, abbreviation) = match self {
            DisplayZone::Utc => (utc.naive_utc(), "UTC".to_string()),
            DisplayZone::Local(tz) => {
                let dt = utc.with_timezone(tz);
                let offset = dt.offset();
                let abbreviation = match offset.abbreviation() {
                    Some(a) if !a.is_empty() => a.to_string(),
                    _ => offset_text(offset.fix().local_minus_utc()),
                };
                (dt.naive_local(), abbreviation)
            }
        };
        let _ = write!(
            out,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            local.second(),
            local.and_utc().timestamp_subsec_millis().min(999),
        );
        abbreviation
    }
}

/// `+05:30` for an offset in seconds east of UTC.
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", s / 3600, s / 60 % 60)
}

/// Resolve the "local" zone: explicit `--tz` value, else the `TZ` environment
/// variable, else the system zone (read /etc/timezone or the /etc/localtime
/// symlink target under zoneinfo/), else UTC.
/// Returns Err with a clear message for an unknown zone name given explicitly.
/// (A `TZ` value that names no zone, e.g. a POSIX rule string, is passed over.)
pub fn resolve_local_zone(explicit: Option<&str>) -> Result<Tz, String> {
    if let Some(name) = explicit {
        return parse_zone(name);
    }
    if let Some(tz) = std::env::var("TZ").ok().as_deref().and_then(zone_from_tz_var) {
        return Ok(tz);
    }
    Ok(system_zone().unwrap_or(chrono_tz::UTC))
}

/// The zone named by a `TZ` value: `Europe/Zurich`, `:Europe/Zurich`, or a
/// path to a zoneinfo file (or a symlink to one).
fn zone_from_tz_var(value: &str) -> Option<Tz> {
    let v = value.trim();
    let v = v.strip_prefix(':').unwrap_or(v).trim();
    if v.is_empty() {
        return None;
    }
    if v.starts_with('/') {
        if let Some(tz) = zone_from_zoneinfo_path(v) {
            return Some(tz);
        }
        let target = std::fs::read_link(v).ok()?;
        return zone_from_zoneinfo_path(&target.to_string_lossy());
    }
    parse_zone(v).ok()
}

/// The zone of a path under a `zoneinfo/` folder, e.g.
/// `/usr/share/zoneinfo/Europe/Zurich` or `../usr/share/zoneinfo/posix/Europe/Zurich`.
fn zone_from_zoneinfo_path(path: &str) -> Option<Tz> {
    const MARK: &str = "zoneinfo/";
    let at = path.rfind(MARK)?;
    let name = &path[at + MARK.len()..];
    let name = name.strip_prefix("posix/").or_else(|| name.strip_prefix("right/")).unwrap_or(name);
    parse_zone(name).ok()
}

/// The system's zone from /etc/timezone or the /etc/localtime symlink.
fn system_zone() -> Option<Tz> {
    if let Ok(text) = std::fs::read_to_string("/etc/timezone") {
        if let Some(tz) = text.lines().next().and_then(|l| parse_zone(l).ok()) {
            return Some(tz);
        }
    }
    let target = std::fs::read_link("/etc/localtime").ok()?;
    zone_from_zoneinfo_path(&target.to_string_lossy())
}

/// Parse an IANA zone name (also accepts "UTC", "utc", "Z"; names in any
/// case; and whole-hour offsets such as `+02:00`, `UTC+2` or `-05`, which
/// become the matching `Etc/GMT∓N` zone).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("empty time zone name: use an IANA name such as Europe/Zurich, or UTC".to_string());
    }
    if ["utc", "z", "gmt", "zulu", "universal"].iter().any(|u| n.eq_ignore_ascii_case(u)) {
        return Ok(chrono_tz::UTC);
    }
    if let Ok(tz) = n.parse::<Tz>() {
        return Ok(tz);
    }
    if let Some(tz) = chrono_tz::TZ_VARIANTS.iter().find(|tz| tz.name().eq_ignore_ascii_case(n)) {
        return Ok(*tz);
    }
    if let Some(tz) = fixed_offset_zone(n) {
        return tz;
    }
    Err(format!("unknown time zone {n:?}: use an IANA name such as Europe/Zurich or America/New_York, or UTC"))
}

/// `+02:00`, `+0200`, `+02`, `+2`, `UTC+2`, `GMT-05:00` as an `Etc/GMT∓N`
/// zone (whole hours only; tzdata's `Etc/GMT` signs are inverted).
fn fixed_offset_zone(n: &str) -> Option<Result<Tz, String>> {
    let lower = n.to_ascii_lowercase();
    let rest = lower.strip_prefix("utc").or_else(|| lower.strip_prefix("gmt")).unwrap_or(&lower);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (h, m): (i32, i32) = match digits.split_once(':') {
        Some((h, m)) if (1..=2).contains(&h.len()) && m.len() == 2 => (h.parse().ok()?, m.parse().ok()?),
        None if (1..=2).contains(&digits.len()) => (digits.parse().ok()?, 0),
        None if digits.len() == 4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if m != 0 {
        return Some(Err(format!(
            "time zone {n:?}: only whole-hour offsets can be given as numbers; use an IANA name such as Asia/Kolkata"
        )));
    }
    let h = sign * h;
    if !(-12..=14).contains(&h) {
        return Some(Err(format!("time zone {n:?}: offset out of range")));
    }
    // Etc/GMT-2 is two hours east of UTC
    let etc = if h == 0 { "Etc/GMT".to_string() } else { format!("Etc/GMT{:+}", -h) };
    Some(etc.parse::<Tz>().map_err(|e| format!("time zone {n:?}: {e}")))
}

const USER_TIME_FORMS: &str = "use a date and time (2025-05-04T10:00:00Z, 2025-05-04 10:00, \
2025-05-04 10:00:00.5), a date (2025-05-04, meaning midnight), a time of day (10:00, 10:00:30) \
or an offset (-2h, +30m, -1d, -90s)";

/// Parse a user TIME (command line --from/--to and the explorer's date prompt):
/// `2025-05-04T10:00:00Z`, `2025-05-04 10:00`, `2025-05-04 10:00:00.5`, `2025-05-04` (midnight), `10:00` / `10:00:30`
/// (that time on the day of `base_day_ms` as seen in `zone`), and relative offsets `-2h`, `+30m`, `-1d`, `-90s`
/// (relative to `anchor_ms`, e.g. the log's last message or the other end of the window).
/// Forms without a zone are read in `zone`. Returns Err(message) describing what is accepted.
///
/// Local times that a DST change makes ambiguous are read as their earliest
/// instant; times in a DST gap with the offset in force before the change.
/// Offsets may combine units (`-1h30m`); units are `s`, `m`/`min`, `h`, `d`.
pub fn parse_user_time(
    text: &str,
    zone: DisplayZone,
    base_day_ms: Millis,
    anchor_ms: Millis,
) -> Result<Millis, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("empty time: {USER_TIME_FORMS}"));
    }
    let tz = zone.tz();
    if t.starts_with(['+', '-']) {
        let delta = parse_offset(t).ok_or_else(|| format!("{t:?} is not a time offset: {USER_TIME_FORMS}"))?;
        return anchor_ms.checked_add(delta).ok_or_else(|| format!("{t:?}: offset out of range"));
    }
    if let Some((h, m, s, ms)) = parse_time_of_day(t) {
        let day = DateTime::from_timestamp_millis(base_day_ms)
            .ok_or_else(|| format!("{t:?}: the day to apply it to is out of range"))?
            .with_timezone(&tz)
            .date_naive();
        return local_ms(tz, day, h, m, s, ms).ok_or_else(|| format!("{t:?}: time out of range"));
    }
    if let Some(day) = parse_date_only(t) {
        return local_ms(tz, day, 0, 0, 0, 0).ok_or_else(|| format!("{t:?}: date out of range"));
    }
    parse_timestamp(t, tz).ok_or_else(|| format!("{t:?} is not a time: {USER_TIME_FORMS}"))
}

/// A wall-clock time on `day` in `tz` as UTC milliseconds.
fn local_ms(tz: Tz, day: NaiveDate, h: u32, m: u32, s: u32, ms: u32) -> Option<Millis> {
    let naive = day.and_hms_milli_opt(h, m, s, ms)?.and_utc().timestamp_millis();
    local_to_utc_ms(naive, tz)
}

/// `-2h`, `+30m`, `-1d`, `-90s`, `-1h30m` as signed milliseconds.
fn parse_offset(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let sign: i64 = if b[0] == b'-' { -1 } else { 1 };
    let mut i = 1;
    let mut total: i64 = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 12 {
            return None;
        }
        let n: i64 = t[start..i].parse().ok()?;
        let unit_start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit_ms: i64 = match t[unit_start..i].to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" => 1_000,
            "m" | "min" | "mins" => 60_000,
            "h" | "hr" | "hrs" => 3_600_000,
            "d" | "day" | "days" => 86_400_000,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit_ms)?)?;
    }
    (i > 1).then_some(sign * total)
}

/// `H:MM`, `HH:MM`, `HH:MM:SS`, `HH:MM:SS.f…`: (h, m, s, ms).
fn parse_time_of_day(t: &str) -> Option<(u32, u32, u32, u32)> {
    let (hms, frac) = match t.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (t, None),
    };
    let mut parts = hms.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let s = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let num = |x: &str, min: usize, max: usize| -> Option<u32> {
        ((min..=max).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit())).then(|| x.parse().ok())?
    };
    let h = num(h, 1, 2)?;
    let m = num(m, 2, 2)?;
    let has_seconds = s.is_some();
    let s = match s {
        Some(s) => num(s, 2, 2)?,
        None => 0,
    };
    let ms = match frac {
        None => 0,
        Some(f) => {
            // a fraction only after seconds
            if !has_seconds || f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let mut v = 0;
            for k in 0..3 {
                v = v * 10 + f.as_bytes().get(k).map_or(0, |c| (c - b'0') as u32);
            }
            v
        }
    };
    (h <= 23 && m <= 59 && s <= 59).then_some((h, m, s, ms))
}

/// `YYYY-MM-DD`.
fn parse_date_only(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(t[..4].parse().ok()?, t[5..7].parse().ok()?, t[8..].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Asia::Kolkata, Europe::Zurich};

    fn utc(s: &str) -> Millis {
        DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}")).timestamp_millis()
    }

    const ZH: DisplayZone = DisplayZone::Local(Zurich);
    const U: DisplayZone = DisplayZone::Utc;

    #[test]
    fn names() {
        assert_eq!(U.name(), "UTC");
        assert_eq!(ZH.name(), "Europe/Zurich");
        assert_eq!(DisplayZone::Local(New_York).name(), "America/New_York");
    }

    #[test]
    fn formatting() {
        let summer = utc("2025-05-04T10:00:00.123Z");
        let winter = utc("2025-01-04T10:00:00.005Z");
        assert_eq!(U.format(summer), "2025-05-04 10:00:00.123");
        assert_eq!(ZH.format(summer), "2025-05-04 12:00:00.123");
        assert_eq!(ZH.format(winter), "2025-01-04 11:00:00.005");
        assert_eq!(U.format_with_zone(summer), "2025-05-04 10:00:00.123 UTC");
        assert_eq!(ZH.format_with_zone(summer), "2025-05-04 12:00:00.123 CEST");
        assert_eq!(ZH.format_with_zone(winter), "2025-01-04 11:00:00.005 CET");
        assert_eq!(DisplayZone::Local(Kolkata).format_with_zone(summer), "2025-05-04 15:30:00.123 IST");
        assert_eq!(U.format_time(summer), "10:00:00.123");
        assert_eq!(ZH.format_time(summer), "12:00:00.123");
        assert_eq!(U.format(0), "1970-01-01 00:00:00.000");
        assert_eq!(U.format(-1), "1969-12-31 23:59:59.999");
        // the repeated hour when clocks go back
        assert_eq!(ZH.format_with_zone(utc("2025-10-26T00:30:00Z")), "2025-10-26 02:30:00.000 CEST");
        assert_eq!(ZH.format_with_zone(utc("2025-10-26T01:30:00Z")), "2025-10-26 02:30:00.000 CET");
        // extremes do not panic
        for ms in [i64::MIN, i64::MAX, -8_334_632_851_200_001] {
            assert!(!U.format(ms).is_empty());
            assert!(!ZH.format_with_zone(ms).is_empty());
            assert!(!ZH.format_time(ms).is_empty());
        }
    }

    #[test]
    fn offsets_without_abbreviation() {
        assert_eq!(offset_text(19_800), "+05:30");
        assert_eq!(offset_text(-3 * 3600), "-03:00");
        assert_eq!(offset_text(0), "+00:00");
    }

    #[test]
    fn zones() {
        for u in ["UTC", "utc", "Z", "z", " UTC ", "Etc/UTC"] {
            let tz = parse_zone(u).unwrap();
            assert_eq!(tz.name().trim_start_matches("Etc/"), "UTC", "{u}");
        }
        assert_eq!(parse_zone("Europe/Zurich"), Ok(Zurich));
        assert_eq!(parse_zone("europe/zurich"), Ok(Zurich));
        assert_eq!(parse_zone("AMERICA/NEW_YORK"), Ok(New_York));
        assert_eq!(parse_zone("+02:00").unwrap().name(), "Etc/GMT-2");
        assert_eq!(parse_zone("UTC+2").unwrap().name(), "Etc/GMT-2");
        assert_eq!(parse_zone("-05").unwrap().name(), "Etc/GMT+5");
        assert_eq!(parse_zone("+0000").unwrap().name(), "Etc/GMT");
        assert!(parse_zone("+05:30").unwrap_err().contains("whole-hour"));
        assert!(parse_zone("+15").is_err());
        assert!(parse_zone("+2x").is_err());
        let e = parse_zone("Mars/Olympus").unwrap_err();
        assert!(e.contains("Mars/Olympus") && e.contains("Europe/Zurich"), "{e}");
        assert!(parse_zone("").is_err());
    }

    #[test]
    fn local_zone_resolution() {
        assert_eq!(resolve_local_zone(Some("Europe/Zurich")), Ok(Zurich));
        let e = resolve_local_zone(Some("Nowhere/Land")).unwrap_err();
        assert!(e.contains("Nowhere/Land"));
        // whatever the machine says, it resolves to some zone
        assert!(resolve_local_zone(None).is_ok());
        assert_eq!(zone_from_tz_var("Europe/Zurich"), Some(Zurich));
        assert_eq!(zone_from_tz_var(":Europe/Zurich"), Some(Zurich));
        assert_eq!(zone_from_tz_var(":/usr/share/zoneinfo/Europe/Zurich"), Some(Zurich));
        assert_eq!(zone_from_tz_var(""), None);
        assert_eq!(zone_from_tz_var("CET-1CEST,M3.5.0,M10.5.0/3"), None);
        assert_eq!(zone_from_zoneinfo_path("/usr/share/zoneinfo/Europe/Zurich"), Some(Zurich));
        assert_eq!(zone_from_zoneinfo_path("../usr/share/zoneinfo/posix/Europe/Zurich"), Some(Zurich));
        assert_eq!(zone_from_zoneinfo_path("/var/db/timezone/zoneinfo/America/New_York"), Some(New_York));
        assert_eq!(zone_from_zoneinfo_path("/etc/localtime"), None);
    }

    #[test]
    fn user_time_full_forms() {
        let base = utc("2025-05-04T00:00:00Z");
        let anchor = utc("2025-05-04T12:00:00Z");
        let p = |t: &str, z: DisplayZone| parse_user_time(t, z, base, anchor);
        assert_eq!(p("2025-05-04T10:00:00Z", ZH), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(p("2025-05-04T10:00:00+02:00", U), Ok(utc("2025-05-04T08:00:00Z")));
        assert_eq!(p("2025-05-04 10:00", U), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(p("2025-05-04 10:00", ZH), Ok(utc("2025-05-04T08:00:00Z")));
        assert_eq!(p("2025-01-04 10:00", ZH), Ok(utc("2025-01-04T09:00:00Z")));
        assert_eq!(p("2025-05-04 10:00:00.5", U), Ok(utc("2025-05-04T10:00:00.500Z")));
        assert_eq!(p("  2025-05-04T10:00  ", U), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(p("2025-05-04", U), Ok(utc("2025-05-04T00:00:00Z")));
        assert_eq!(p("2025-05-04", ZH), Ok(utc("2025-05-03T22:00:00Z")));
        assert_eq!(p("2025-01-04", ZH), Ok(utc("2025-01-03T23:00:00Z")));
        assert_eq!(p("14.08.2025 11:40", ZH), Ok(utc("2025-08-14T09:40:00Z")));
    }

    #[test]
    fn user_time_of_day() {
        let anchor = 0;
        // the day is the base's day as seen in the zone
        let base = utc("2025-05-04T23:30:00Z"); // 2025-05-05 01:30 in Zurich
        assert_eq!(parse_user_time("10:00", U, base, anchor), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(parse_user_time("10:00", ZH, base, anchor), Ok(utc("2025-05-05T08:00:00Z")));
        assert_eq!(parse_user_time("9:05", U, base, anchor), Ok(utc("2025-05-04T09:05:00Z")));
        assert_eq!(parse_user_time("10:00:30", U, base, anchor), Ok(utc("2025-05-04T10:00:30Z")));
        assert_eq!(parse_user_time("10:00:30.25", U, base, anchor), Ok(utc("2025-05-04T10:00:30.250Z")));
        assert_eq!(parse_user_time("00:00", ZH, base, anchor), Ok(utc("2025-05-04T22:00:00Z")));
        let winter = utc("2025-01-15T12:00:00Z");
        assert_eq!(parse_user_time("10:00", ZH, winter, anchor), Ok(utc("2025-01-15T09:00:00Z")));
    }

    #[test]
    fn user_time_dst_in_zurich() {
        // spring forward: 2025-03-30 02:00 CET -> 03:00 CEST
        let spring = utc("2025-03-30T10:00:00Z");
        let p = |t: &str| parse_user_time(t, ZH, spring, 0);
        assert_eq!(p("01:00"), Ok(utc("2025-03-30T00:00:00Z")));
        assert_eq!(p("02:30"), Ok(utc("2025-03-30T01:30:00Z"))); // in the gap: offset before the change
        assert_eq!(p("03:00"), Ok(utc("2025-03-30T01:00:00Z")));
        assert_eq!(p("04:00"), Ok(utc("2025-03-30T02:00:00Z")));
        assert_eq!(p("2025-03-30 02:30"), Ok(utc("2025-03-30T01:30:00Z")));
        // fall back: 2025-10-26 03:00 CEST -> 02:00 CET; 02:30 happens twice
        let autumn = utc("2025-10-26T10:00:00Z");
        let p = |t: &str| parse_user_time(t, ZH, autumn, 0);
        assert_eq!(p("02:30"), Ok(utc("2025-10-26T00:30:00Z"))); // the earliest
        assert_eq!(p("01:59"), Ok(utc("2025-10-25T23:59:00Z")));
        assert_eq!(p("03:00"), Ok(utc("2025-10-26T02:00:00Z")));
        assert_eq!(p("2025-10-26 02:30:00"), Ok(utc("2025-10-26T00:30:00Z")));
        assert_eq!(p("2025-10-26"), Ok(utc("2025-10-25T22:00:00Z")));
        // the day of a base just after local midnight of the change day
        let just_after_midnight = utc("2025-03-29T23:30:00Z"); // 2025-03-30 00:30 CET
        assert_eq!(parse_user_time("12:00", ZH, just_after_midnight, 0), Ok(utc("2025-03-30T10:00:00Z")));
    }

    #[test]
    fn user_time_offsets() {
        let anchor = utc("2025-05-04T12:00:00Z");
        let p = |t: &str| parse_user_time(t, ZH, 0, anchor);
        assert_eq!(p("-2h"), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(p("+30m"), Ok(utc("2025-05-04T12:30:00Z")));
        assert_eq!(p("-1d"), Ok(utc("2025-05-03T12:00:00Z")));
        assert_eq!(p("-90s"), Ok(utc("2025-05-04T11:58:30Z")));
        assert_eq!(p("-1h30m"), Ok(utc("2025-05-04T10:30:00Z")));
        assert_eq!(p("+15min"), Ok(utc("2025-05-04T12:15:00Z")));
        assert_eq!(p("-2H"), Ok(utc("2025-05-04T10:00:00Z")));
        assert_eq!(p("+0s"), Ok(anchor));
    }

    #[test]
    fn user_time_rejects() {
        let p = |t: &str| parse_user_time(t, ZH, 0, 0);
        for bad in [
            "",
            "  ",
            "tomorrow",
            "2h",
            "-",
            "+",
            "-2",
            "-2x",
            "-h",
            "--2h",
            "-99999999999999999d",
            "25:00",
            "10:60",
            "10:00:60",
            "10:0",
            "10",
            "10:00.5",
            "10:00:00.",
            "10:00:00.x",
            "1:2:3:4",
            "2025-13-01",
            "2025-02-30",
            "2025-05-04 25:00",
            "2025-05-04X10:00",
            "05/04",
        ] {
            let e = p(bad).expect_err(bad);
            assert!(!e.is_empty());
        }
        let e = p("tomorrow").unwrap_err();
        assert!(e.contains("2025-05-04 10:00") && e.contains("-2h") && e.contains("10:00"), "{e}");
        assert!(parse_user_time("10:00", ZH, i64::MAX, 0).is_err());
        assert!(parse_user_time("+1d", ZH, 0, i64::MAX).is_err());
    }

    #[test]
    fn fuzz_does_not_panic() {
        let samples = [
            "2025-05-04T10:00:00Z",
            "2025-05-04 10:00:00.5",
            "2025-05-04",
            "10:00:30.25",
            "-1h30m",
            "+02:00",
            "UTC+2",
            "Europe/Zurich",
            ":/usr/share/zoneinfo/Europe/Zurich",
        ];
        let alphabet = ['0', '1', '9', ':', '.', '-', '+', 'h', 'm', 'd', 's', 'T', 'Z', ' ', '/', 'é', '日'];
        let mut state: u64 = 7;
        let mut next = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for _ in 0..20_000 {
            let mut chars: Vec<char> = samples[next() % samples.len()].chars().collect();
            for _ in 0..1 + next() % 3 {
                let pos = next() % (chars.len() + 1);
                let c = alphabet[next() % alphabet.len()];
                match next() % 3 {
                    0 if pos < chars.len() => chars[pos] = c,
                    1 if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    _ => chars.insert(pos, c),
                }
            }
            let s: String = chars.into_iter().collect();
            for z in [U, ZH] {
                let _ = parse_user_time(&s, z, 1_746_352_800_000, 1_746_352_800_000);
            }
            let _ = parse_zone(&s);
            let _ = zone_from_tz_var(&s);
            let _ = zone_from_zoneinfo_path(&s);
        }
    }
}
