//! State tests: an `App` over a generated log, driven by `Action`s, no terminal.

use super::action::Action;
use super::app::{App, Focus, Overlay};
use super::filters::Step;
use super::findings::SideRow;
use super::prompt::PromptKind;
use crate::analysis::{analyze, Thresholds};
use crate::cli::Cli;
use crate::ingest::frame::MsgKind;
use crate::query::{self, Filter};
use crate::synth::{generate_string, SynthOptions};
use crate::testutil::load_str;
use crate::time::DisplayZone;
use clap::Parser;
use std::sync::Arc;

/// Two stations, one day, plenty of faults; the file is called `sample.csv`.
pub(super) fn sample_app(args: &[&str]) -> App {
    let opts = SynthOptions { stations: 2, days: 1.0, fault_rate: 0.5, seed: 11, ..SynthOptions::default() };
    let (text, _) = generate_string(&opts);
    let mut store = load_str(&text, ".csv");
    store.files[0].name = "sample.csv".to_string();
    let findings = analyze(&store, Thresholds::default());
    let mut argv = vec!["ocpplens", "--tz", "Europe/Zurich"];
    argv.extend_from_slice(args);
    argv.push("sample.csv");
    let config = Cli::try_parse_from(argv).expect("arguments").into_config().expect("config");
    App::new(Arc::new(store), findings, &config).expect("app")
}

fn typed(app: &mut App, text: &str) {
    for ch in text.chars() {
        app.apply(Action::Insert(ch));
    }
}

#[test]
fn starts_with_everything_in_view() {
    let app = sample_app(&[]);
    assert_eq!(app.view.len(), app.store.messages.len());
    assert_eq!(app.selected, 0);
    assert_eq!(app.focus, Focus::List);
    assert_eq!(app.zone, DisplayZone::Utc);
    assert!(app.filters.is_empty());
    assert!(!app.findings.is_empty());
    assert!(matches!(app.side_rows.first(), Some(SideRow::Group { .. })));
}

#[test]
fn movement_in_the_list() {
    let mut app = sample_app(&[]);
    for _ in 0..3 {
        app.apply(Action::Down);
    }
    assert_eq!(app.selected, 3);
    app.apply(Action::Up);
    assert_eq!(app.selected, 2);
    app.apply(Action::Bottom);
    assert_eq!(app.selected, app.view.len() - 1);
    app.apply(Action::Down);
    assert_eq!(app.selected, app.view.len() - 1);
    app.apply(Action::Top);
    assert_eq!(app.selected, 0);
    app.apply(Action::Up);
    assert_eq!(app.selected, 0);
    app.apply(Action::PageDown);
    let page = app.selected;
    assert!(page > 3, "{page}");
    app.apply(Action::PageUp);
    assert_eq!(app.selected, 0);
}

#[test]
fn focus_cycles_list_detail_findings() {
    let mut app = sample_app(&[]);
    app.apply(Action::FocusNext);
    assert_eq!(app.focus, Focus::Detail);
    app.apply(Action::Down);
    assert_eq!(app.detail_scroll, 1);
    assert_eq!(app.selected, 0, "detail scrolling leaves the selection");
    app.apply(Action::FocusNext);
    assert_eq!(app.focus, Focus::Findings);
    app.apply(Action::FocusNext);
    assert_eq!(app.focus, Focus::List);
    app.apply(Action::FocusPrev);
    assert_eq!(app.focus, Focus::Findings);
    app.apply(Action::FocusPrev);
    app.apply(Action::FocusPrev);
    assert_eq!(app.focus, Focus::List);
    app.apply(Action::Activate);
    assert_eq!(app.focus, Focus::Detail);
}

#[test]
fn action_picker_filters_like_list_does() {
    let mut app = sample_app(&[]);
    app.apply(Action::PickAction);
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    typed(&mut app, "heartb");
    app.apply(Action::Accept);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.filters.steps(), &[Step::Actions(vec!["Heartbeat".to_string()])]);
    let want = query::apply(&app.store, &Filter { actions: vec!["Heartbeat".into()], ..Filter::default() }, None);
    assert_eq!(app.view, want);
    assert!(!app.view.is_empty());
    assert!(app.view.iter().all(|i| app.store.action_name(i) == "Heartbeat"));
    app.apply(Action::ClearLast);
    assert_eq!(app.view.len(), app.store.messages.len());
    assert!(app.filters.is_empty());
}

#[test]
fn picker_cancel_and_no_match() {
    let mut app = sample_app(&[]);
    app.apply(Action::PickStation);
    typed(&mut app, "zzzzqqq");
    app.apply(Action::Accept);
    assert!(matches!(app.overlay, Overlay::Picker(_)), "stays open when nothing matches");
    assert!(app.notice.as_ref().is_some_and(|n| n.error));
    app.apply(Action::Cancel);
    assert!(matches!(app.overlay, Overlay::None));
    assert!(app.filters.is_empty());
}

#[test]
fn station_idtag_and_clear_all() {
    let mut app = sample_app(&[]);
    app.apply(Action::PickStation);
    typed(&mut app, "CP-0002");
    app.apply(Action::Accept);
    let cp2 = app.store.strings.find("CP-0002").expect("station");
    assert!(app.view.iter().all(|i| app.store.msg(i).station == cp2));
    app.apply(Action::PickIdTag);
    app.apply(Action::Accept);
    assert_eq!(app.filters.steps().len(), 2);
    app.apply(Action::ClearAll);
    assert!(app.filters.is_empty());
    assert_eq!(app.view.len(), app.store.messages.len());
}

#[test]
fn command_line_filters_are_the_start_up_filters() {
    let app = sample_app(&["--action", "Heartbeat", "--station", "CP-0001"]);
    assert_eq!(app.filters.steps().len(), 2);
    let f = Filter { actions: vec!["Heartbeat".into()], station: Some("CP-0001".into()), ..Filter::default() };
    assert_eq!(app.view, query::apply(&app.store, &f, None));
}

#[test]
fn zone_toggle() {
    let mut app = sample_app(&[]);
    app.apply(Action::ToggleZone);
    assert_eq!(app.zone, DisplayZone::Local(chrono_tz::Europe::Zurich));
    app.apply(Action::ToggleZone);
    assert_eq!(app.zone, DisplayZone::Utc);
    let local = sample_app(&["--local"]);
    assert_eq!(local.zone, DisplayZone::Local(chrono_tz::Europe::Zurich));
}

#[test]
fn flagged_toggle_and_finding_steps() {
    let mut app = sample_app(&[]);
    app.apply(Action::NextFlagged);
    let first = app.selected_msg().expect("a flagged message");
    assert!(app.index.flagged.contains(first));
    app.apply(Action::NextFlagged);
    let second = app.selected_msg().expect("another");
    assert!(second > first && app.index.flagged.contains(second));
    app.apply(Action::PrevFlagged);
    assert_eq!(app.selected_msg(), Some(first));
    app.apply(Action::ToggleFlagged);
    assert_eq!(app.view.len(), app.index.flagged.len());
    assert_eq!(app.selected_msg(), Some(first), "the selection stays on its message");
    app.apply(Action::ToggleFlagged);
    assert_eq!(app.view.len(), app.store.messages.len());
}

#[test]
fn pair_jump() {
    let mut app = sample_app(&[]);
    let call = app.selected_msg().expect("first");
    let answer = app.store.msg(call).pair.opt().expect("answered");
    app.apply(Action::JumpPair);
    assert_eq!(app.selected_msg(), Some(answer));
    app.apply(Action::JumpPair);
    assert_eq!(app.selected_msg(), Some(call));
}

#[test]
fn findings_enter_jumps_to_evidence() {
    let mut app = sample_app(&[]);
    app.apply(Action::FocusPrev);
    assert_eq!(app.focus, Focus::Findings);
    app.apply(Action::Bottom);
    let SideRow::Finding(fi) = app.side_rows[app.side_selected] else { panic!("last row is a finding") };
    app.apply(Action::Activate);
    assert_eq!(app.focus, Focus::List);
    assert_eq!(app.selected_msg(), app.findings[fi].evidence.first().copied());
}

#[test]
fn findings_scope_follows_the_view() {
    let mut app = sample_app(&[]);
    let all = app.side_rows.len();
    app.apply(Action::PickAction);
    typed(&mut app, "Heartbeat");
    app.apply(Action::Accept);
    assert_eq!(app.side_rows.len(), all, "all findings by default");
    app.apply(Action::ToggleFindingsScope);
    assert!(app.side_rows.len() < all);
}

#[test]
fn date_window_prompt() {
    let mut app = sample_app(&[]);
    let last = app.store.messages.last().expect("messages").at;
    app.apply(Action::DateWindow);
    typed(&mut app, "tomorrow");
    app.apply(Action::Accept);
    match &app.overlay {
        Overlay::Prompt(p) => assert!(p.error.as_deref().is_some_and(|e| e.contains("-2h")), "{p:?}"),
        other => panic!("{other:?}"),
    }
    app.apply(Action::ClearInput);
    typed(&mut app, "-2h");
    app.apply(Action::Accept);
    assert!(matches!(&app.overlay, Overlay::Prompt(p) if matches!(p.kind, PromptKind::To { .. })));
    app.apply(Action::Accept);
    assert!(matches!(app.overlay, Overlay::None));
    assert!(!app.view.is_empty());
    assert!(app.view.iter().all(|i| app.store.msg(i).at >= last - 2 * 3_600_000));
    assert!(app.view.len() < app.store.messages.len());
    app.apply(Action::ClearLast);
    assert_eq!(app.view.len(), app.store.messages.len());
}

#[test]
fn search_runs_in_the_background_and_steps_through_matches() {
    let mut app = sample_app(&[]);
    app.apply(Action::Search);
    typed(&mut app, "faulted");
    app.apply(Action::Accept);
    app.settle();
    let s = app.search.clone().expect("search");
    assert!(s.done && !s.hits.is_empty());
    for &h in &s.hits {
        assert!(app.store.raw_text(h).to_lowercase().contains("faulted"));
    }
    assert_eq!(app.selected_msg(), Some(s.hits[0]));
    app.apply(Action::NextMatch);
    if s.hits.len() > 1 {
        assert_eq!(app.selected_msg(), Some(s.hits[1]));
        app.apply(Action::PrevMatch);
    }
    assert_eq!(app.selected_msg(), Some(s.hits[0]));
    app.apply(Action::NextFlagged);
    assert!(app.index.flagged.contains(app.selected_msg().expect("sel")), "n keeps meaning next finding");
    app.apply(Action::ClearLast);
    assert!(app.search.is_none());
}

#[test]
fn transaction_of_the_selected_message() {
    let mut app = sample_app(&[]);
    let start = app.store.transactions[0].start;
    let pos = app.view.binary_search(&start).expect("in view");
    for _ in 0..pos {
        app.apply(Action::Down);
    }
    app.apply(Action::FilterTransaction);
    let id = app.store.transactions[0].id;
    assert_eq!(app.filters.steps(), &[Step::Transaction(id)]);
    assert!(app.view.contains(start));
    // the same key again offers the picker
    app.apply(Action::FilterTransaction);
    assert!(matches!(app.overlay, Overlay::Picker(_)));
}

#[test]
fn export_never_overwrites_without_asking() {
    let mut app = sample_app(&["--action", "BootNotification"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.jsonl");
    app.apply(Action::Export);
    typed(&mut app, "out.txt");
    app.apply(Action::Accept);
    assert!(matches!(&app.overlay, Overlay::Prompt(p) if p.error.is_some()));
    app.apply(Action::ClearInput);
    typed(&mut app, &path.to_string_lossy());
    app.apply(Action::Accept);
    app.settle();
    let text = std::fs::read_to_string(&path).expect("exported");
    assert_eq!(text.lines().count(), app.view.len());
    std::fs::write(&path, "keep").expect("write");
    app.apply(Action::Export);
    typed(&mut app, &path.to_string_lossy());
    app.apply(Action::Accept);
    assert!(matches!(&app.overlay, Overlay::Prompt(p) if matches!(p.kind, PromptKind::ConfirmOverwrite(_))));
    app.apply(Action::Accept);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "keep");
    app.apply(Action::Export);
    typed(&mut app, &path.to_string_lossy());
    app.apply(Action::Accept);
    typed(&mut app, "y");
    app.apply(Action::Accept);
    app.settle();
    assert_eq!(std::fs::read_to_string(&path).expect("read").lines().count(), app.view.len());
}

#[test]
fn copy_help_and_quit() {
    let mut app = sample_app(&[]);
    app.apply(Action::Copy);
    let copied = app.pending_copy.take().expect("copied");
    assert!(copied.starts_with("[2,\"") && copied.contains("BootNotification"), "{copied}");
    app.apply(Action::Help);
    assert!(matches!(app.overlay, Overlay::Help { .. }));
    app.apply(Action::Quit);
    assert!(!app.quit, "in help, q is not bound to Quit");
    app.apply(Action::Cancel);
    app.apply(Action::Quit);
    assert!(app.quit);
}

#[test]
fn empty_view_explains_itself() {
    let mut app = sample_app(&["--station", "NOPE"]);
    assert!(app.view.is_empty());
    assert!(app.empty_note.is_some());
    for a in [Action::Down, Action::Bottom, Action::JumpPair, Action::NextFlagged, Action::Copy, Action::NextMatch] {
        app.apply(a);
    }
    assert_eq!(app.selected_msg(), None);
    let _ = MsgKind::Call;
}
