//! The detail pane: the selected message's payload as coloured JSON, its
//! paired request or answer with the latency, the findings that name it
//! with explanation and advice, and where it is in the input.

use super::app::{App, Focus};
use super::text::{fit, highlight, json_line, wrap};
use super::theme::severity_mark;
use crate::ingest::frame::MsgKind;
use crate::sanitize::inert;
use crate::store::MsgIdx;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

fn kind_name(k: MsgKind) -> &'static str {
    match k {
        MsgKind::Call => "CALL",
        MsgKind::Result => "CALLRESULT",
        MsgKind::Error => "CALLERROR",
    }
}

/// Heading and payload lines of one message.
fn message_lines(app: &App, i: MsgIdx, out: &mut Vec<Line<'static>>) {
    let store = &app.store;
    let t = &app.theme;
    let m = store.msg(i);
    let action = store.str(m.action);
    let frame = store.frame(i);
    let uid = frame.as_ref().map_or("", |f| f.unique_id.as_ref());
    out.push(Line::from(vec![
        Span::styled(kind_name(m.kind), t.heading()),
        Span::raw(" "),
        Span::styled(fit(if action.is_empty() { "?" } else { action }, 40), t.action()),
        Span::raw(format!("  uid {}", fit(uid, 40))),
    ]));
    let when = m.time().map_or_else(|| "(no time)".to_string(), |ms| app.zone.format_with_zone(ms));
    out.push(Line::from(vec![
        Span::styled(when, t.time()),
        Span::raw(" "),
        Span::styled(fit(store.str(m.station), 30), t.station()),
        Span::raw(format!(" {}", m.dir.arrow())),
    ]));
    out.push(Line::styled(format!("{}:{}", fit(store.file_name(m.file), 200), m.line), t.dim()));
    match frame {
        Some(f) => {
            if f.kind == MsgKind::Error {
                let code = f.error_code().unwrap_or("");
                let desc = f.error_description().unwrap_or("");
                out.push(Line::styled(format!("{} {}", fit(code, 40), fit(desc, 200)), t.error()));
            }
            let pretty = serde_json::to_string_pretty(&f.payload.to_value()).unwrap_or_default();
            out.extend(pretty.lines().map(|l| json_line(&inert(l), t)));
        }
        None => {
            out.push(Line::styled("(the frame cannot be re-read; raw record:)", t.dim()));
            out.extend(store.raw_text(i).lines().map(|l| Line::raw(inert(l).into_owned())));
        }
    }
}

/// Every line of the detail of message `i`, for a pane `width` wide.
pub fn lines(app: &App, i: MsgIdx, width: usize) -> Vec<Line<'static>> {
    let store = &app.store;
    let t = &app.theme;
    let mut out = Vec::new();
    message_lines(app, i, &mut out);
    let m = store.msg(i);
    if let Some(p) = m.pair.opt() {
        let latency = match (m.time(), store.msg(p).time()) {
            (Some(a), Some(b)) => format!(" after {} ms", (b - a).abs()),
            _ => String::new(),
        };
        let what = if m.kind == MsgKind::Call { "answer" } else { "request" };
        out.push(Line::raw(""));
        out.push(Line::styled(format!("── {what}{latency} (p jumps) ──"), t.heading()));
        message_lines(app, p, &mut out);
    } else if m.kind == MsgKind::Call {
        out.push(Line::raw(""));
        out.push(Line::styled("── no answer in the log ──", t.dim()));
    }
    let names = app.index.of(i);
    if !names.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(format!("── findings ({}) ──", names.len()), t.heading()));
    }
    for &fi in names {
        let f = &app.findings[fi as usize];
        out.push(Line::from(vec![
            Span::styled(format!("{} {} ", severity_mark(f.severity), f.rule), t.severity(f.severity)),
            Span::styled(fit(&f.title, 200), t.heading()),
        ]));
        out.extend(wrap(&f.explanation, width).into_iter().map(Line::raw));
        out.extend(wrap(&format!("What to do: {}", f.advice), width).into_iter().map(Line::raw));
    }
    match &app.search {
        Some(s) => out.into_iter().map(|l| highlight(l, &s.terms, t.match_hit())).collect(),
        None => out,
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let block = Block::bordered().title(" Detail ").border_style(t.border(app.focus == Focus::Detail));
    let inner = block.inner(area);
    let Some(i) = app.selected_msg() else {
        Paragraph::new("").block(block).render(area, buf);
        return;
    };
    let all = lines(app, i, inner.width as usize);
    let scroll = app.detail_scroll.min(all.len().saturating_sub(1));
    let shown: Vec<Line> = all.into_iter().skip(scroll).collect();
    Paragraph::new(shown).block(block).render(area, buf);
}
