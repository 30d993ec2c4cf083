//! What is drawn over the panes: the help (generated from the keymap), the
//! fuzzy pickers and the one-line prompts.

use super::app::App;
use super::keymap::{self, MODES};
use super::picker::Picker;
use super::prompt::Prompt;
use super::text::{fit, pad, wrap};
use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// A box of at most `w`×`h` in the middle of `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// The help text, from the keymap's descriptions, for a box `width` wide.
pub fn help_lines(theme: &Theme, key_w: usize, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for mode in MODES {
        lines.push(Line::styled(mode.title(), theme.heading()));
        for (keys, desc) in keymap::help_rows(mode) {
            for (n, part) in wrap(desc, width.saturating_sub(key_w)).into_iter().enumerate() {
                let k = if n == 0 { pad(&keys, key_w) } else { " ".repeat(key_w) };
                lines.push(Line::from(vec![Span::styled(k, theme.key()), Span::raw(part)]));
            }
        }
        lines.push(Line::raw(""));
    }
    lines
}

pub fn render_help(app: &App, scroll: usize, area: Rect, buf: &mut Buffer) {
    let r = centered(area, 84, area.height.saturating_sub(2));
    Clear.render(r, buf);
    let block = Block::bordered()
        .title(" Keys — Esc closes ")
        .title_bottom(" the status bar: file · filters · shown/total · zone · position ")
        .border_style(app.theme.border(true));
    let lines: Vec<Line> =
        help_lines(&app.theme, 16, r.width.saturating_sub(2) as usize).into_iter().skip(scroll).collect();
    Paragraph::new(lines).block(block).render(r, buf);
}

pub fn render_picker(app: &App, p: &Picker, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let r = centered(area, 64, (p.total() as u16 + 3).clamp(6, area.height.saturating_sub(4).max(6)));
    Clear.render(r, buf);
    let title = format!(" {} — {}/{} ", p.title, p.matches.len(), p.total());
    let block = Block::bordered().title(title).border_style(t.border(true));
    let inner = block.inner(r);
    block.render(r, buf);
    let width = inner.width as usize;
    let input = Line::from(vec![
        Span::styled("> ", t.key()),
        Span::raw(fit(&p.query, width.saturating_sub(3))),
        Span::styled("▏", t.key()),
    ]);
    buf.set_line(inner.x, inner.y, &input, inner.width);
    let rows = inner.height.saturating_sub(1) as usize;
    let offset = p.selected.saturating_sub(rows.saturating_sub(1));
    for (r_i, (item_i, positions)) in p.matches.iter().enumerate().skip(offset).take(rows) {
        let it = p.item(*item_i);
        let count = it.count.to_string();
        let label_w = width.saturating_sub(count.len() + 3);
        let label = pad(&it.label, label_w);
        let spans: Vec<Span> = label
            .chars()
            .enumerate()
            .map(|(ci, ch)| {
                let style = if positions.contains(&ci) { t.match_hit() } else { ratatui::style::Style::new() };
                Span::styled(ch.to_string(), style)
            })
            .collect();
        let mut line = Line::from(spans);
        line.spans.push(Span::styled(format!("  {count}"), t.dim()));
        let y = inner.y + 1 + (r_i - offset) as u16;
        buf.set_line(inner.x + 1, y, &line, inner.width.saturating_sub(1));
        if r_i == p.selected {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), t.selected());
        }
    }
    if p.matches.is_empty() {
        buf.set_string(inner.x + 1, inner.y + 1, "(no match)", t.dim());
    }
}

pub fn render_prompt(app: &App, p: &Prompt, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let width = area.width.saturating_sub(4).min(90);
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::raw(fit(&p.label(), inner_w)),
        Line::from(vec![
            Span::styled("> ", t.key()),
            Span::raw(fit(&p.input, inner_w.saturating_sub(3))),
            Span::styled("▏", t.key()),
        ]),
    ];
    if let Some(e) = &p.error {
        lines.extend(wrap(e, inner_w).into_iter().map(|l| Line::styled(l, t.error())));
    }
    let r = centered(area, width, lines.len() as u16 + 2);
    Clear.render(r, buf);
    let block =
        Block::bordered().title(format!(" {} — Enter confirms, Esc cancels ", p.title())).border_style(t.border(true));
    Paragraph::new(lines).block(block).render(r, buf);
}
