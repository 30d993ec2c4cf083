//! The real binary: output, stderr and exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> String {
    format!("{}/assets/sample-backend-export.csv", env!("CARGO_MANIFEST_DIR"))
}

fn ocpplens() -> Command {
    let mut c = Command::cargo_bin("ocpplens").unwrap();
    c.env_remove("TZ");
    c
}

fn json_of(args: &[&str]) -> Value {
    let out = ocpplens().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn jsonl_of(args: &[&str]) -> Vec<Value> {
    let out = ocpplens().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn report_json_has_the_contract_shape() {
    let v = json_of(&["report", "--format", "json", &fixture("backend-de-semicolon-bom.csv")]);
    assert_eq!(v["source"]["format"], "csv");
    assert_eq!(v["source"]["rows"], 9);
    assert_eq!(v["summary"]["messages"], 8);
    assert_eq!(v["summary"]["unparsed"], 1);
    assert_eq!(v["summary"]["stations"], serde_json::json!(["DE-BER-7"]));
    assert_eq!(v["summary"]["transactions"], 1);
    assert_eq!(v["summary"]["first"], "2025-08-14T11:40:40.000Z");
    assert_eq!(v["summary"]["last"], "2025-08-14T12:10:06.000Z");
    let unparsed: Vec<&Value> =
        v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "unparsed-row").collect();
    assert_eq!(unparsed.len(), 1);
    assert_eq!(unparsed[0]["severity"], "info");
    assert_eq!(unparsed[0]["lines"], serde_json::json!([6]));
}

#[test]
fn list_jsonl_fields() {
    let rows = jsonl_of(&["list", "--format", "jsonl", &fixture("split-columns-ist.csv")]);
    assert_eq!(rows.len(), 6);
    let first = &rows[0];
    assert_eq!(first["at"], "2025-09-22T17:49:57.000Z");
    assert_eq!(first["station"], "IN-PUN-04");
    assert_eq!(first["direction"], "cp-to-cs");
    assert_eq!(first["type"], "call");
    assert_eq!(first["uniqueId"], "a001");
    assert_eq!(first["action"], "Authorize");
    assert_eq!(first["payload"]["idTag"], "RF0099");
    assert_eq!(first["line"], 7);
    assert_eq!(first["pairLine"], 6);
    assert_eq!(rows[1]["type"], "result");
    assert_eq!(rows[1]["action"], "Authorize");
    assert_eq!(rows[1]["direction"], "cs-to-cp");
}

#[test]
fn a_callerror_lists_its_code_and_description() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("error.log");
    std::fs::write(
        &p,
        "2025-01-01 10:00:00.000 [CP1] -> [2,\"r1\",\"Reset\",{\"type\":\"Soft\"}]\n\
         2025-01-01 10:00:00.250 [CP1] <- [4,\"r1\",\"NotImplemented\",\"No handler\",{}]\n",
    )
    .unwrap();
    let p = p.to_str().unwrap();
    let rows = jsonl_of(&["list", "--format", "jsonl", p]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["type"], "error");
    assert_eq!((&rows[1]["errorCode"], &rows[1]["errorDescription"]), (&"NotImplemented".into(), &"No handler".into()));
    assert!(rows[0].get("errorCode").is_none(), "only a CALLERROR has an error code");
    ocpplens().args(["list", p]).assert().success().stdout(predicate::str::contains("NotImplemented \"No handler\""));
}

#[test]
fn list_filters_by_action_and_window() {
    let sample = sample();
    let rows = jsonl_of(&["list", "--format", "jsonl", "--action", "Authorize", &sample]);
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["action"] == "Authorize"));
    let rows =
        jsonl_of(&["list", "--format", "jsonl", "--from", "2025-08-14T09:00:00Z", "--to", "2025-08-14 10:00", &sample]);
    assert!(!rows.is_empty());
    for r in &rows {
        let at = r["at"].as_str().unwrap();
        assert!(("2025-08-14T09:00:00.000Z".."2025-08-14T10:00:00.000Z").contains(&at), "{at}");
    }
    // "10:00" means that time on the day of the first message
    let same = jsonl_of(&["list", "--format", "jsonl", "--from", "09:00", "--to", "10:00", &sample]);
    assert_eq!(same, rows);
}

#[test]
fn list_csv_and_text() {
    let out =
        ocpplens().args(["list", "--format", "csv", &fixture("headerless-tabs-newest-first.tsv")]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 4);
    assert_eq!(&recs[0][7], "Heartbeat");
    ocpplens()
        .args(["list", &fixture("headerless-tabs-newest-first.tsv")])
        .assert()
        .success()
        .stdout(predicate::str::contains("2025-06-01 09:00:00.400").and(predicate::str::contains("Reset")));
}

#[test]
fn stdin_is_read() {
    ocpplens()
        .args(["report", "--format", "json"])
        .write_stdin(std::fs::read(fixture("central-app.log")).unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("\"messages\": 6"));
}

#[test]
fn missing_file_directory_and_binary_exit_2() {
    ocpplens()
        .args(["report", "/no/such/file.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/file.csv").and(predicate::str::contains("no such file")));
    let dir = tempfile::tempdir().unwrap();
    ocpplens()
        .args(["report", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("directory"));
    let bin = dir.path().join("x.bin");
    std::fs::write(&bin, b"\x00\x01\x02\x03ELF\x00").unwrap();
    ocpplens().args(["list", bin.to_str().unwrap()]).assert().code(2).stderr(predicate::str::contains("binary"));
}

#[test]
fn usage_errors_exit_2() {
    ocpplens().args(["report", "--format", "csv", &sample()]).assert().code(2);
    ocpplens().args(["report", "--tz", "Nowhere/City", &sample()]).assert().code(2);
    ocpplens()
        .args(["list", "--from", "yesterday-ish", &sample()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from"));
    ocpplens().args(["report", "--bogus", &sample()]).assert().code(2);
}

#[test]
fn empty_file_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let out = ocpplens().args(["report", "--format", "json", empty.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["messages"], 0);
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.log");
    let mut bytes = b"2025-01-01 10:00:00 [CP1] <- [2,\"a\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Available\",\"info\":\"T\xfcr offen\"}]\n".to_vec();
    bytes.extend_from_slice(b"2025-01-01 10:00:01 [CP1] -> [3,\"a\",{}]\n");
    std::fs::write(&p, bytes).unwrap();
    let out = ocpplens().args(["report", "--format", "json", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["messages"], 2);
}

#[test]
fn utf16_with_bom_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("utf16.csv");
    let text = std::fs::read_to_string(fixture("split-columns-ist.csv")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, bytes).unwrap();
    let v = json_of(&["report", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(v["summary"]["messages"], 6);
}

#[test]
fn truncated_gzip_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&std::fs::read(sample()).unwrap()).unwrap();
    let gz = enc.finish().unwrap();
    std::fs::write(&p, &gz[..gz.len() / 2]).unwrap();
    let out = ocpplens().args(["report", "--format", "json", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut short"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = v["summary"]["messages"].as_u64().unwrap();
    assert!(m > 10 && m < 709, "{m}");
}

#[test]
fn a_ten_megabyte_line_is_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.log");
    let big = "x".repeat(10 << 20);
    let text = format!(
        "2025-01-01 10:00:00 [CP1] <- [2,\"a\",\"DataTransfer\",{{\"vendorId\":\"v\",\"data\":\"{big}\"}}]\n2025-01-01 10:00:01 [CP1] -> [3,\"a\",{{\"status\":\"Accepted\"}}]\n2025-01-01 10:00:02 [CP1] <- [2,\"b\",\"Heartbeat\",{{\n"
    );
    std::fs::write(&p, text).unwrap();
    let v = json_of(&["report", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(v["source"]["rows"], 3);
    assert_eq!(v["summary"]["messages"], 2);
    assert_eq!(v["summary"]["unparsed"], 1);
}

#[test]
fn not_a_terminal_prints_the_text_report() {
    ocpplens()
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains("ocpplens report").and(predicate::str::contains("709 messages")));
}

#[test]
fn input_files_are_never_modified() {
    let before = std::fs::read(sample()).unwrap();
    let meta = std::fs::metadata(sample()).unwrap().modified().unwrap();
    ocpplens().args(["list", "--format", "jsonl", &sample()]).assert().success();
    assert_eq!(std::fs::read(sample()).unwrap(), before);
    assert_eq!(std::fs::metadata(sample()).unwrap().modified().unwrap(), meta);
}

#[test]
fn terminal_controls_in_log_text_are_inert_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evil.csv");
    let station = "CP\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}";
    let mut text = String::from("Timestamp,Station,Message\n");
    for (i, frame) in ["[2,\"\"a\"\",\"\"Heartbeat\"\",{}]", "[3,\"\"a\"\",{}]"].iter().enumerate() {
        text.push_str(&format!("2025-01-01T10:00:0{i}Z,{station},\"{frame}\"\n"));
    }
    std::fs::write(&p, text).unwrap();
    for args in [vec!["list"], vec!["report"], vec!["report", "--format", "markdown"]] {
        let out = ocpplens().args(&args).arg(&p).output().unwrap();
        assert!(out.status.success());
        assert!(!out.stdout.contains(&0x1b), "raw ESC reached the terminal with {args:?}");
        assert!(!out.stdout.contains(&0x07), "raw BEL reached the terminal with {args:?}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{202e}'));
        assert!(String::from_utf8_lossy(&out.stdout).contains("CP\\e]52"), "{}", String::from_utf8_lossy(&out.stdout));
    }
}
