//! Timestamps in fields and line prefixes, and the user's TIME input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocpplens::ingest::timestamp::{format_rfc3339_ms, parse_timestamp, scan_timestamp};
use ocpplens::time::{parse_user_time, DisplayZone};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for tz in [chrono_tz::UTC, chrono_tz::Europe::Zurich, chrono_tz::Asia::Kolkata] {
        if let Some(ms) = parse_timestamp(&text, tz) {
            let _ = format_rfc3339_ms(ms);
        }
        if let Some((_, range)) = scan_timestamp(&text, tz) {
            assert!(range.end <= text.len());
        }
    }
    let _ = parse_user_time(&text, DisplayZone::Local(chrono_tz::Europe::Zurich), 1_746_316_800_000, 1_746_403_200_000);
});
