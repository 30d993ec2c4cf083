//! Properties that hold for any input.

use ocpplens::ingest::{load, LoadOptions};
use ocpplens::query::{self, Filter};
use proptest::prelude::*;
use std::io::Write;

fn load_bytes(bytes: &[u8], ext: &str) -> ocpplens::store::LogStore {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
    f.write_all(bytes).unwrap();
    let name = f.path().to_string_lossy().into_owned();
    match load(&[name], LoadOptions::default(), &|_, _| {}) {
        Ok(s) => s,
        // refusing a binary input is fine; panicking is not
        Err(_) => load_bytes(b"", ext),
    }
}

fn identity(store: &ocpplens::store::LogStore) {
    let rows: usize = store.files.iter().map(|f| f.rows).sum();
    assert_eq!(rows, store.messages.len() + store.unparsed.len());
}

/// Lines that look like the real thing, mixed with damage.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2025-01-01 10:00:00.000 [CP1] <- [2,\"a\",\"Heartbeat\",{}]".to_string()),
        Just("2025-01-01 10:00:00.500 [CP1] -> [3,\"a\",{\"currentTime\":\"2025-01-01T10:00:00Z\"}]".to_string()),
        Just("[2,“b”,“Authorize”,{“idTag”:“X”}]".to_string()),
        Just("x: receive message [3,\"c\",".to_string()),
        Just("  {\"status\": \"Accepted\"}".to_string()),
        Just("]".to_string()),
        Just("[".to_string()),
        Just("2,".to_string()),
        Just("{\"ts\":\"2025-01-01T00:00:00Z\",\"frame\":[2,\"d\",\"Heartbeat\",{}]}".to_string()),
        Just("a,b,\"[2,\"\"e\"\",\"\"Heartbeat\"\",{}]\"".to_string()),
        Just("\"unterminated,".to_string()),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ]
}

#[test]
fn a_damaged_csv_export_is_read_as_csv_and_keeps_every_record() {
    let good = b"2025-01-01T10:00:00.000Z,CP1,Request In,Heartbeat,\"[2,\"\"a\"\",\"\"Heartbeat\"\",{}]\"";
    let mut bytes = b"Timestamp,ChargePoint,Direction,Action,Message\r\n".to_vec();
    for row in [&good[..], b"", b"a,\"b\"c,d", &good[..], b"2025-01-01T10:00:02Z,CP2,Request In,Authorize,\"[2,\"\"c"] {
        bytes.extend_from_slice(row);
        bytes.extend_from_slice(b"\r\n");
    }
    let s = load_bytes(&bytes, ".csv");
    assert!(matches!(s.files[0].layout, ocpplens::ingest::Layout::Csv(_)));
    identity(&s);
    // two messages; the stray row and the one whose quote never closes are unparsed
    assert_eq!((s.files[0].rows, s.messages.len()), (4, 2));
}

/// Rows of a back-end CSV export, whole and damaged (quotes left open, bytes
/// that are not UTF-8, blank lines, stray quotes in unquoted cells).
fn csv_row() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"2025-01-01T10:00:00.000Z,CP1,Request In,Heartbeat,\"[2,\"\"a\"\",\"\"Heartbeat\"\",{}]\"".to_vec()),
        Just(b"2025-01-01T10:00:00.400Z,CP1,Response Out,Heartbeat,\"[3,\"\"a\"\",{\"\"currentTime\"\":\"\"2025-01-01T10:00:00Z\"\"}]\"".to_vec()),
        Just(b"2025-01-01T10:00:01Z,CP2,Request In,Authorize,\"[2,\"\"b\"\",\"\"Authorize\"\",{\"\"idTag\"\":\"\"\xff\xfe\"\"}]\"".to_vec()),
        Just(b"2025-01-01T10:00:02Z,CP2,Request In,Authorize,\"[2,\"\"c\"\",\"\"Auth".to_vec()),
        Just(b"2025-01-01T10:00:03Z,CP3,Request In,Heartbeat,[2,\"d\",\"Heartbeat\",{}]".to_vec()),
        Just(b"".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"a,\"b\"c,d".to_vec()),
        proptest::collection::vec(prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), Just(b'a'), Just(b'['), Just(0xC3u8)], 0..30),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for ext in [".log", ".csv"] {
            let s = load_bytes(&bytes, ext);
            identity(&s);
        }
    }

    #[test]
    fn log_like_lines_keep_the_row_identity(lines in proptest::collection::vec(line(), 0..40), crlf in any::<bool>()) {
        let sep = if crlf { "\r\n" } else { "\n" };
        let s = load_bytes(lines.join(sep).as_bytes(), ".log");
        identity(&s);
        // every message can be re-read from its span
        for i in s.all() {
            let _ = s.frame(i);
        }
    }

    #[test]
    fn csv_exports_with_damage_keep_every_row(rows in proptest::collection::vec(csv_row(), 0..40), crlf in any::<bool>()) {
        let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut bytes = b"Timestamp,ChargePoint,Direction,Action,Message".to_vec();
        for row in &rows {
            bytes.extend_from_slice(sep);
            bytes.extend_from_slice(row);
        }
        let s = load_bytes(&bytes, ".csv");
        identity(&s);
        // read as that export: every record the csv crate sees past the header is a row
        if let Some(ocpplens::ingest::Layout::Csv(c)) = s.files.first().map(|f| &f.layout) {
            if c.has_header && c.preamble == 0 && c.answer.is_none() {
                let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(&bytes[..]);
                let records = rdr.byte_records().filter(Result::is_ok).count();
                prop_assert_eq!(s.files[0].rows, records);
            }
        }
        for i in s.all() {
            let _ = s.frame(i);
        }
    }

    #[test]
    fn pairing_never_crosses_stations(lines in proptest::collection::vec((0u8..3, 0u8..4, any::<bool>()), 1..60)) {
        let text: String = lines.iter().enumerate().map(|(n, (st, id, call))| {
            let frame = if *call { format!("[2,\"{id}\",\"Heartbeat\",{{}}]") } else { format!("[3,\"{id}\",{{}}]") };
            format!("2025-01-01 10:{:02}:{:02} [CP{st}] {} {frame}\n", n / 60, n % 60, if *call { "<-" } else { "->" })
        }).collect();
        let s = load_bytes(text.as_bytes(), ".log");
        identity(&s);
        for i in s.all() {
            if let Some(p) = s.msg(i).pair.opt() {
                prop_assert_eq!(s.msg(p).station, s.msg(i).station);
                prop_assert_eq!(s.unique_id(p), s.unique_id(i));
                prop_assert_eq!(s.msg(p).pair, i);
            }
        }
    }

    #[test]
    fn filters_are_idempotent_and_commute(a in 0usize..3, b in 0usize..3) {
        let path = format!("{}/assets/sample-backend-export.csv", env!("CARGO_MANIFEST_DIR"));
        let s = load(&[path], LoadOptions::default(), &|_, _| {}).unwrap();
        let pick = |k: usize| match k {
            0 => Filter { actions: vec!["StatusNotification".into()], ..Filter::default() },
            1 => Filter { station: Some("CP-ZH-0042".into()), ..Filter::default() },
            _ => Filter { connector: Some(1), ..Filter::default() },
        };
        let (fa, fb) = (pick(a), pick(b));
        let merge = |x: &Filter, y: &Filter| Filter {
            actions: [x.actions.clone(), y.actions.clone()].concat().into_iter().take(1).collect(),
            station: x.station.clone().or(y.station.clone()),
            connector: x.connector.or(y.connector),
            ..Filter::default()
        };
        let va = query::apply(&s, &fa, None);
        prop_assert_eq!(&query::apply(&s, &merge(&fa, &fa), None), &va);
        let ab = query::apply(&s, &merge(&fa, &fb), None);
        let ba = query::apply(&s, &merge(&fb, &fa), None);
        prop_assert_eq!(&ab, &ba);
        // AND: the combination is within each
        let vb = query::apply(&s, &fb, None);
        prop_assert!(ab.iter().all(|i| va.contains(i) && vb.contains(i)));
    }
}
