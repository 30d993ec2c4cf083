//! Every input layout of the contract, read from fixtures written for it.

use ocpplens::ingest::frame::MsgKind;
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::query::{self, Filter};
use ocpplens::store::{Direction, LogStore};
use std::io::Write;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load_files(names: &[String]) -> LogStore {
    load(names, LoadOptions::default(), &|_, _| {}).expect("loads")
}

fn load_fixture(name: &str) -> LogStore {
    load_files(&[fixture(name)])
}

/// rows, messages, unparsed, context lines
fn counts(s: &LogStore) -> (usize, usize, usize, usize) {
    let rows: usize = s.files.iter().map(|f| f.rows).sum();
    assert_eq!(rows, s.messages.len() + s.unparsed.len(), "row identity");
    (rows, s.messages.len(), s.unparsed.len(), s.context_lines())
}

fn actions(s: &LogStore) -> Vec<String> {
    s.all().map(|i| format!("{}:{}", s.msg(i).kind.name(), s.action_name(i))).collect()
}

fn paired(s: &LogStore) -> usize {
    s.all().filter(|&i| s.msg(i).kind == MsgKind::Call && s.msg(i).pair.opt().is_some()).count()
}

#[test]
fn german_semicolon_csv_with_bom() {
    let s = load_fixture("backend-de-semicolon-bom.csv");
    assert_eq!(s.files[0].layout.name(), "csv");
    assert_eq!(counts(&s), (9, 8, 1, 0));
    assert_eq!(s.stations(), vec!["DE-BER-7"]);
    assert_eq!(s.unparsed[0].line, 6);
    assert_eq!(paired(&s), 4);
    let first = s.msg(ocpplens::store::MsgIdx(0));
    assert_eq!(first.at, 1_755_171_640_000); // 14.08.2025 11:40:40 UTC
    assert_eq!(first.dir, Direction::CpToCs);
    let remote_stop = s.with_action("RemoteStopTransaction")[0];
    assert_eq!(s.msg(remote_stop).dir, Direction::CsToCp);
    assert_eq!(s.transactions.len(), 1);
    assert_eq!(s.transactions[0].id, 77);
    assert!(s.transactions[0].stop.is_some());
}

#[test]
fn german_times_read_in_the_source_zone() {
    let s = load(
        &[fixture("backend-de-semicolon-bom.csv")],
        LoadOptions { source_tz: chrono_tz::Europe::Berlin },
        &|_, _| {},
    )
    .unwrap();
    assert_eq!(s.msg(ocpplens::store::MsgIdx(0)).at, 1_755_171_640_000 - 2 * 3_600_000);
}

#[test]
fn headerless_tabs_newest_first_are_put_in_time_order() {
    let s = load_fixture("headerless-tabs-newest-first.tsv");
    assert_eq!(counts(&s), (4, 4, 0, 0));
    assert_eq!(actions(&s), vec!["call:Heartbeat", "result:Heartbeat", "call:Reset", "result:Reset"]);
    assert_eq!(s.stations(), vec!["CP77"]);
    assert_eq!(paired(&s), 2);
    let times: Vec<i64> = s.messages.iter().map(|m| m.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn split_columns_are_rebuilt_into_frames() {
    let s = load_fixture("split-columns-ist.csv");
    assert_eq!(s.files[0].layout.name(), "csv-split");
    assert_eq!(counts(&s), (6, 6, 0, 0));
    assert_eq!(
        actions(&s),
        vec![
            "call:Authorize",
            "result:Authorize",
            "call:StartTransaction",
            "result:StartTransaction",
            "call:StopTransaction",
            "result:StopTransaction"
        ]
    );
    // 22/09/2025, 11:19:57 pm IST = 17:49:57Z
    assert_eq!(s.msg(ocpplens::store::MsgIdx(0)).at, 1_758_563_397_000);
    assert_eq!(s.transactions.len(), 1);
    assert_eq!(s.transactions[0].id, 31);
    assert!(s.transactions[0].authorize.is_some());
}

#[test]
fn web_page_copy_with_typographic_quotes() {
    let s = load_fixture("web-copy-typographic.txt");
    assert_eq!(counts(&s), (9, 8, 1, 0));
    assert_eq!(paired(&s), 4);
    let start = s.with_action("StartTransaction")[0];
    assert_eq!(s.str(s.facts(start).id_tag), "");
    assert_eq!(s.msg(start).dir, Direction::CpToCs);
    // a real typographic quote inside a value survives, as does an apostrophe
    let status = s.with_action("StatusNotification")[0];
    assert_eq!(s.str(s.facts(status).info), "Kunde sagt “schnell”");
    let dt = s.frame(s.with_action("DataTransfer")[0]).unwrap();
    assert_eq!(dt.payload.to_value()["data"], "driver’s car");
    assert_eq!(s.unparsed[0].line, 9);
}

#[test]
fn central_system_application_log() {
    let s = load_fixture("central-app.log");
    assert_eq!(counts(&s), (6, 6, 0, 3));
    assert_eq!(s.stations(), vec!["EVB-P2162", "EVB-P2163"]);
    let boot = s.with_action("BootNotification")[0];
    assert_eq!(s.msg(boot).dir, Direction::CpToCs);
    let get = s.with_action("GetConfiguration")[0];
    assert_eq!(s.msg(get).dir, Direction::CsToCp);
    assert_eq!(paired(&s), 3);
    // comma before the milliseconds
    assert_eq!(s.msg(boot).at % 1000, 412);
}

#[test]
fn pretty_printed_frames_in_an_integration_log() {
    let s = load_fixture("integration-multiline.log");
    assert_eq!(counts(&s), (6, 6, 0, 1));
    assert_eq!(s.stations(), vec!["charger_a1"]);
    let get = s.with_action("GetConfiguration");
    assert_eq!(get.len(), 2);
    assert_eq!(s.msg(get[0]).line, 4);
    assert_eq!(s.msg(get[1]).line, 12);
    assert_eq!(s.msg(get[0]).dir, Direction::CsToCp);
    assert_eq!(s.msg(get[1]).dir, Direction::CpToCs);
    let answer = s.frame(get[1]).unwrap();
    assert_eq!(answer.payload.to_value()["configurationKey"][1]["value"], "30");
}

#[test]
fn header_line_then_frame_message_log() {
    let s = load_fixture("station-message-log.log");
    assert_eq!(counts(&s), (2, 2, 0, 1));
    let lines: Vec<u32> = s.messages.iter().map(|m| m.line).collect();
    assert_eq!(lines, vec![3, 13]);
    assert_eq!(s.msg(ocpplens::store::MsgIdx(1)).dir, Direction::CsToCp);
    assert_eq!(s.str(s.facts(ocpplens::store::MsgIdx(1)).status), "Blocked");
}

#[test]
fn json_lines_with_string_frames_and_epoch_times() {
    let s = load_fixture("frames-as-strings.jsonl");
    assert_eq!(s.files[0].layout.name(), "jsonl");
    assert_eq!(counts(&s), (6, 4, 2, 0));
    assert_eq!(s.stations(), vec!["WB-01"]);
    assert_eq!(s.msg(ocpplens::store::MsgIdx(0)).at, 1_717_232_400_000);
    let unparsed: Vec<u32> = s.unparsed.iter().map(|u| u.line).collect();
    assert_eq!(unparsed, vec![4, 7]);
    let mv = s.with_action("MeterValues")[0];
    assert!((s.readings(mv)[0].value - 12_500.0).abs() < 1e-6);
}

#[test]
fn gzip_and_several_files_merge_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let gz_path = dir.path().join("tabs.tsv.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz_path).unwrap(), flate2::Compression::fast());
    enc.write_all(&std::fs::read(fixture("headerless-tabs-newest-first.tsv")).unwrap()).unwrap();
    enc.finish().unwrap();
    let other = dir.path().join("hb.log");
    std::fs::write(&other, "2025-06-01 09:00:01.000 [CP78] <- [2,\"z\",\"Heartbeat\",{}]\n").unwrap();
    let s = load_files(&[gz_path.to_string_lossy().into_owned(), other.to_string_lossy().into_owned()]);
    assert_eq!(counts(&s), (5, 5, 0, 0));
    let order: Vec<String> = s.all().map(|i| s.str(s.msg(i).station).to_string()).collect();
    assert_eq!(order, vec!["CP77", "CP77", "CP78", "CP77", "CP77"]);
    // the spooled gzip copy can be re-read
    assert!(s.raw_text(ocpplens::store::MsgIdx(0)).contains("Heartbeat"));
}

#[test]
fn filters_compose() {
    let s = load_fixture("backend-de-semicolon-bom.csv");
    let all = query::apply(&s, &Filter::default(), None);
    assert_eq!(all.len(), 8);
    let only = |f: Filter| query::apply(&s, &f, None).len();
    assert_eq!(only(Filter { actions: vec!["authorize".into()], ..Filter::default() }), 2);
    assert_eq!(only(Filter { transaction: Some(77), ..Filter::default() }), 6);
    assert_eq!(only(Filter { id_tag: Some("1a2b3c4d".into()), ..Filter::default() }), 2);
    let from = s.msg(ocpplens::store::MsgIdx(2)).at;
    let to = s.msg(ocpplens::store::MsgIdx(4)).at;
    assert_eq!(only(Filter { from: Some(from), to: Some(to), ..Filter::default() }), 2);
    assert_eq!(only(Filter { actions: vec!["StopTransaction".into()], transaction: Some(77), ..Filter::default() }), 2);
    assert_eq!(only(Filter { station: Some("nope".into()), ..Filter::default() }), 0);
}

#[test]
fn one_json_array_of_records() {
    let s = load_fixture("portal-export.json");
    assert_eq!(s.files[0].layout.name(), "json");
    assert_eq!(counts(&s), (4, 3, 1, 0));
    assert_eq!(s.stations(), vec!["NL-AMS-12"]);
    assert_eq!(s.messages.iter().map(|m| m.line).collect::<Vec<_>>(), vec![2, 8, 19]);
    assert_eq!(s.unparsed[0].line, 14);
    assert_eq!(paired(&s), 1);
    let answer = s.frame(ocpplens::store::MsgIdx(1)).unwrap();
    assert_eq!(answer.payload.to_value()["idTagInfo"]["status"], "Expired");
}

#[test]
fn request_and_response_in_the_same_row() {
    let s = load_files(&[fixture("request-response-rows.csv")]);
    // 4 rows, 3 of them with an answer; the unanswered Reset's placeholder is no message
    assert_eq!(counts(&s), (7, 7, 0, 0));
    assert_eq!(paired(&s), 3);
    let reset = s.with_action("Reset");
    assert_eq!(reset.len(), 1);
    assert_eq!(s.msg(reset[0]).dir, Direction::CsToCp);
    // the answer re-read from a shared row is the answer, not the request
    let hb = s.with_action("Heartbeat");
    let answer = hb.iter().copied().find(|&i| s.msg(i).kind == MsgKind::Result).unwrap();
    assert_eq!(s.frame(answer).unwrap().kind, MsgKind::Result);
    assert_eq!(s.msg(answer).line, s.msg(s.msg(answer).pair).line);
}
