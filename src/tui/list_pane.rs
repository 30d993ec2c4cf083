//! The message list: one row per message in view, drawn only for the
//! visible rows (the view is a `Vec<MsgIdx>`; nothing is copied).

use super::app::{scroll_to, App, Focus};
use super::text::{fit, highlight, pad, shows_match, wrap};
use super::theme::severity_mark;
use crate::ingest::frame::MsgKind;
use crate::store::{LogStore, Measure, MsgIdx, NO_INT};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

/// A short payload summary from the message's facts (never re-reads the file).
pub fn summary(store: &LogStore, i: MsgIdx) -> String {
    let f = store.facts(i);
    let mut parts: Vec<String> = Vec::new();
    if f.connector != NO_INT {
        parts.push(format!("c{}", f.connector));
    }
    for s in [f.status, f.error_code] {
        let text = store.str(s);
        if !text.is_empty() && text != "NoError" {
            parts.push(text.to_string());
        }
    }
    if !f.id_tag.is_none() {
        parts.push(format!("tag {}", store.str(f.id_tag)));
    }
    if f.transaction != NO_INT {
        parts.push(format!("tx {}", f.transaction));
    }
    if let Some(r) = store.readings(i).iter().find(|r| r.measure == Measure::EnergyImport) {
        parts.push(format!("{:.0} Wh", r.value));
    }
    let reason = store.str(f.reason);
    if !reason.is_empty() {
        parts.push(reason.to_string());
    }
    if store.msg(i).kind == MsgKind::Error && !f.info.is_none() {
        parts.push(store.str(f.info).to_string());
    }
    parts.join(" ")
}

fn kind_word(k: MsgKind) -> &'static str {
    match k {
        MsgKind::Call => "req",
        MsgKind::Result => "res",
        MsgKind::Error => "ERR",
    }
}

/// One row of the list, `width` columns wide.
fn row(app: &App, i: MsgIdx, width: usize) -> Line<'static> {
    let store = &app.store;
    let t = &app.theme;
    let m = store.msg(i);
    let mark = match app.index.mark(&app.findings, i) {
        Some(s) => Span::styled(severity_mark(s), t.severity(s)),
        None => Span::raw(" "),
    };
    let wide = width >= 100;
    let time_w = if wide { 23 } else { 12 };
    let when = match m.time() {
        Some(ms) if wide => app.zone.format(ms),
        Some(ms) => app.zone.format_time(ms),
        None => "-".to_string(),
    };
    let action = store.str(m.action);
    let action_w = app.action_width.min(if width >= 76 { 24 } else { 18 });
    let used = 1 + 1 + time_w + 1 + app.station_width + 1 + 3 + 1 + 3 + 1 + action_w + 1;
    let mut spans = vec![
        mark,
        Span::raw(" "),
        Span::styled(pad(&when, time_w), t.time()),
        Span::raw(" "),
        Span::styled(pad(store.str(m.station), app.station_width), t.station()),
        Span::raw(" "),
        Span::raw(m.dir.arrow()),
        Span::raw(" "),
        Span::styled(kind_word(m.kind), if m.kind == MsgKind::Error { t.error() } else { t.dim() }),
        Span::raw(" "),
        Span::styled(pad(if action.is_empty() { "?" } else { action }, action_w), t.action()),
        Span::raw(" "),
    ];
    if width > used {
        spans.push(Span::raw(fit(&summary(store, i), width - used)));
    }
    let line = Line::from(spans);
    match &app.search {
        Some(s) if app.is_hit(i) => {
            let shown = shows_match(&line, &s.terms);
            let mut line = highlight(line, &s.terms, t.match_hit());
            if !shown {
                // the match is in text the row does not show: mark the time
                line.spans[2].style = line.spans[2].style.patch(t.match_hit());
            }
            line
        }
        _ => line,
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let title = format!(" Messages {}/{} ", app.view.len(), app.store.messages.len());
    let block = Block::bordered().title(title).border_style(t.border(app.focus == Focus::List));
    let inner = block.inner(area);
    block.render(area, buf);
    if app.view.is_empty() {
        let mut lines = vec![Line::styled("No message passes the filters.", t.heading())];
        if let Some(f) = &app.empty_note {
            lines.extend(wrap(&f.explanation, inner.width as usize).into_iter().map(Line::raw));
            lines.extend(wrap(&format!("What to do: {}", f.advice), inner.width as usize).into_iter().map(Line::raw));
        }
        lines.push(Line::raw("x clears the last filter, X all of them."));
        Paragraph::new(lines).render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let offset = scroll_to(app.list_offset, app.selected, rows);
    for (r, m) in app.view.iter().skip(offset).take(rows).enumerate() {
        let y = inner.y + r as u16;
        buf.set_line(inner.x, y, &row(app, m, inner.width as usize), inner.width);
        if offset + r == app.selected {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), t.selected());
        }
    }
}
