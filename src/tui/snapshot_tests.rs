//! Whole screens drawn into ratatui's `TestBackend`, compared with insta
//! snapshots (fixed data, fixed zones: UTC and Europe/Zurich).

use super::action::Action;
use super::app::App;
use super::state_tests::sample_app;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    app.screen = Rect::new(0, 0, w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| f.render_widget(&*app, f.area())).expect("draw");
    t.backend().to_string()
}

#[test]
fn first_screen_80x24_utc() {
    let mut app = sample_app(&[]);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn first_screen_120x40_utc() {
    let mut app = sample_app(&[]);
    insta::assert_snapshot!(screen(&mut app, 120, 40));
}

#[test]
fn flagged_message_120x40_zurich() {
    let mut app = sample_app(&["--local"]);
    app.screen = Rect::new(0, 0, 120, 40);
    app.apply(Action::NextFlagged);
    insta::assert_snapshot!(screen(&mut app, 120, 40));
}

#[test]
fn filtered_80x24_zurich() {
    let mut app = sample_app(&["--local", "--action", "StatusNotification"]);
    app.apply(Action::ToggleFindingsScope);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn help_overlay_80x24() {
    let mut app = sample_app(&[]);
    app.apply(Action::Help);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn action_picker_80x24() {
    let mut app = sample_app(&[]);
    app.apply(Action::PickAction);
    app.apply(Action::Insert('s'));
    app.apply(Action::Insert('t'));
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn date_prompt_error_80x24() {
    let mut app = sample_app(&[]);
    app.apply(Action::DateWindow);
    for ch in "soon".chars() {
        app.apply(Action::Insert(ch));
    }
    app.apply(Action::Accept);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn resize_redraws() {
    let mut app = sample_app(&[]);
    for _ in 0..30 {
        app.apply(Action::Down);
    }
    let big = screen(&mut app, 120, 40);
    let small = screen(&mut app, 80, 24);
    let tiny = screen(&mut app, 40, 10);
    assert!(big.contains("Findings") && small.contains("Findings"));
    assert!(!tiny.is_empty());
    // the selected row stays visible after shrinking
    let sel = app.selected_msg().expect("selected");
    let when = app.zone.format_time(app.store.msg(sel).at);
    assert!(small.contains(&when), "{small}");
}

/// Log text with terminal controls (clear screen, OSC 52 clipboard write,
/// title change, BEL, backspace, bidi override) is drawn inert everywhere.
#[test]
fn terminal_controls_in_log_text_are_drawn_inert() {
    use crate::analysis::{analyze, Thresholds};
    use crate::cli::Cli;
    use clap::Parser;
    let evil_station = "CP\u{1b}[2J\u{1b}]0;pwned\u{7}";
    let info = r"\u001b]52;c;aGk=\u0007\u001b[31mred\u0008\u202e";
    let text = format!(
        "Timestamp,Station,Message\n\
         2025-01-01T10:00:00Z,{evil_station},\"[2,\"\"a\"\",\"\"StatusNotification\"\",{{\"\"connectorId\"\":1,\"\"errorCode\"\":\"\"OtherError\"\",\"\"status\"\":\"\"Faulted\"\",\"\"info\"\":\"\"{info}\"\"}}]\"\n\
         2025-01-01T10:00:01Z,{evil_station},\"[3,\"\"a\"\",{{}}]\"\n"
    );
    let store = crate::testutil::load_str(&text, ".csv");
    assert_eq!(store.messages.len(), 2, "the hostile rows are read");
    let findings = analyze(&store, Thresholds::default());
    let config = Cli::try_parse_from(["ocpplens", "x.csv"]).unwrap().into_config().unwrap();
    let mut app = App::new(std::sync::Arc::new(store), findings, &config).unwrap();
    for (w, h) in [(80, 24), (120, 40)] {
        let drawn = screen(&mut app, w, h);
        for bad in ['\u{1b}', '\u{7}', '\u{8}', '\u{202e}'] {
            assert!(!drawn.contains(bad), "{bad:?} reached the screen at {w}x{h}:\n{drawn}");
        }
        assert!(drawn.contains("CP\\e[2J"), "{drawn}");
    }
}
