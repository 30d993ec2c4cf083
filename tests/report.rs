//! The report face on the bundled sample: snapshots of the text and markdown
//! reports, the JSON shape, --fail-on, flagged listings and thresholds.

use assert_cmd::Command;
use serde_json::Value;

/// Relative to the package root (the working directory of integration tests),
/// so snapshots do not depend on where the repository lives.
const SAMPLE: &str = "assets/sample-backend-export.csv";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("ocpplens").unwrap().env_remove("TZ").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn text_report_snapshot() {
    let (code, out, _) = run(&["report", SAMPLE]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("text_report", out);
}

#[test]
fn markdown_report_snapshot_in_local_time() {
    let (code, out, _) = run(&["report", "--format", "markdown", "--local", "--tz", "Europe/Zurich", SAMPLE]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("markdown_report_zurich", out);
}

#[test]
fn json_report_shape() {
    let (code, out, _) = run(&["report", "--format", "json", SAMPLE]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    for key in ["source", "summary", "findings", "transactions"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let findings = v["findings"].as_array().unwrap();
    for f in findings {
        for key in [
            "rule",
            "severity",
            "station",
            "at",
            "connector",
            "transaction",
            "uniqueIds",
            "lines",
            "title",
            "explanation",
            "advice",
        ] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
        let at = f["at"].as_str().unwrap();
        assert!(at.ends_with('Z') && at.len() == 24, "{at}");
    }
    let rules: Vec<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for expected in [
        "empty-idtag",
        "auth-rejected",
        "connector-error",
        "connector-faulted",
        "call-error",
        "no-response",
        "offline-gap",
        "command-rejected",
        "transaction-not-stopped",
    ] {
        assert!(rules.contains(&expected), "{expected} not found in {rules:?}");
    }
    let empty = findings.iter().find(|f| f["rule"] == "empty-idtag").unwrap();
    assert_eq!(empty["transaction"], 5812);
    assert_eq!(empty["connector"], 2);
    assert_eq!(empty["lines"], serde_json::json!([254, 255]));
    let tx = v["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 3);
    assert_eq!(tx[0]["transaction"], 5811);
    assert_eq!(tx[0]["outcome"], "completed");
    assert_eq!(tx[0]["energyKwh"], 13.79);
    assert_eq!(tx[2]["outcome"], "still open");
}

#[test]
fn fail_on_sets_the_exit_code() {
    assert_eq!(run(&["report", "--fail-on", "error", SAMPLE]).0, 1);
    assert_eq!(
        run(&["report", "--fail-on", "warning", "--station", "CP-ZH-0043", "--action", "Heartbeat", SAMPLE]).0,
        0
    );
    let clean = format!("{}/tests/fixtures/headerless-tabs-newest-first.tsv", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(run(&["report", "--fail-on", "info", &clean]).0, 0);
}

#[test]
fn only_flagged_and_rule_select_evidence() {
    let (_, out, _) = run(&["list", "--format", "jsonl", "--rule", "auth-rejected", SAMPLE]);
    let rows: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["action"] == "Authorize"));
    let (_, out, _) = run(&["list", "--format", "jsonl", "--only-flagged", SAMPLE]);
    let flagged = out.lines().count();
    assert!(flagged > 4 && flagged < 40, "{flagged}");
    let (code, _, err) = run(&["list", "--rule", "no-such-rule", SAMPLE]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule"));
}

#[test]
fn thresholds_change_what_is_flagged() {
    let count = |args: &[&str]| {
        let mut all = vec!["report", "--format", "json"];
        all.extend_from_slice(args);
        all.push(SAMPLE);
        let v: Value = serde_json::from_str(&run(&all).1).unwrap();
        v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "offline-gap").count()
    };
    assert_eq!(count(&[]), 1);
    assert_eq!(count(&["--silence", "2h"]), 0);
}

#[test]
fn an_empty_window_says_no_messages() {
    let (code, out, _) = run(&[
        "report",
        "--format",
        "json",
        "--station",
        "CP-ZH-0043",
        "--from",
        "2025-08-15",
        "--to",
        "2025-08-16",
        SAMPLE,
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"][0]["rule"], "no-messages");
    assert_eq!(v["findings"][0]["station"], "CP-ZH-0043");
}

#[test]
fn a_filtered_json_report_lists_only_the_sessions_in_view() {
    let sessions = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["report", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(SAMPLE);
        let v: Value = serde_json::from_str(&run(&args).1).unwrap();
        v["transactions"].as_array().unwrap().iter().map(|t| t["station"].as_str().unwrap().to_string()).collect()
    };
    // the sample's sessions are all on one of its two stations
    let all = sessions(&[]);
    assert!(!all.is_empty() && all.iter().all(|s| s == "CP-ZH-0042"), "{all:?}");
    assert_eq!(sessions(&["--station", "CP-ZH-0042"]), all);
    assert_eq!(sessions(&["--station", "CP-ZH-0043"]), Vec::<String>::new());
}
