//! The status bar (file, filter chips, shown/total, zone, position) and
//! the footer (a notice, or key hints from the keymap).

use super::app::App;
use super::keymap;
use super::text::fit;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    buf.set_style(area, t.status_bar());
    let pos = if app.view.is_empty() { 0 } else { app.selected + 1 };
    let right = format!(
        " {}/{} msgs │ {} │ {}/{} ",
        app.view.len(),
        app.store.messages.len(),
        app.zone.name(),
        pos,
        app.view.len()
    );
    let right_w = right.chars().count();
    let width = area.width as usize;
    let left_w = width.saturating_sub(right_w);
    let mut spans = vec![Span::raw(format!(" {} ", fit(&app.source_name, (left_w / 3).max(8))))];
    for step in app.filters.steps() {
        spans.push(Span::styled(format!("[{}]", fit(&step.chip(app.zone), 30)), t.chip()));
        spans.push(Span::raw(" "));
    }
    if let Some(s) = &app.search {
        let progress = if s.done { String::new() } else { format!(" {}%", s.scanned * 100 / s.total.max(1)) };
        let chip = format!("/{} {} hits{progress}", fit(&s.query, 20), s.hits.len());
        spans.push(Span::styled(chip, t.chip()));
    }
    Line::from(spans).render(Rect { width: left_w as u16, ..area }, buf);
    let x = area.x + left_w as u16;
    buf.set_string(x, area.y, fit(&right, width), t.status_bar());
}

pub fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    if let Some(n) = &app.notice {
        let style = if n.error { t.error() } else { t.heading() };
        spans.push(Span::styled(fit(&n.text, area.width as usize), style));
        spans.push(Span::raw("  "));
    }
    for (key, hint) in keymap::hints(app.mode()) {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    Line::from(spans).render(area, buf);
}
