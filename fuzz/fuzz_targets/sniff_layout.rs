//! Layout sniffing on arbitrary file heads, then reading the head's lines
//! with the chosen layout.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ocpplens::ingest::sniff;

fuzz_target!(|data: &[u8]| {
    let layout = sniff(data);
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(64) {
        let _ = layout.extract_all(line, chrono_tz::UTC);
    }
});
