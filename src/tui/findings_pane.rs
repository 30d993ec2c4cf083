//! The findings sidebar: findings grouped by severity and rule with counts.

use super::app::{scroll_to, App, Focus};
use super::findings::SideRow;
use super::text::{fit, pad};
use super::theme::severity_mark;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let count = app.side_rows.iter().filter(|r| matches!(r, SideRow::Finding(_))).count();
    let scope = if app.scope_in_view { "in view" } else { "all" };
    let title = format!(" Findings {count} ({scope}, F) ");
    let block = Block::bordered().title(title).border_style(t.border(app.focus == Focus::Findings));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width as usize;
    if app.side_rows.is_empty() {
        Paragraph::new("No findings.").render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let offset = scroll_to(app.side_offset, app.side_selected, rows);
    for (r, row) in app.side_rows.iter().enumerate().skip(offset).take(rows) {
        let line = match *row {
            SideRow::Group { severity, rule, count } => {
                let n = count.to_string();
                let name_w = width.saturating_sub(3 + n.len());
                Line::from(vec![
                    Span::styled(format!("{} ", severity_mark(severity)), t.severity(severity)),
                    Span::styled(pad(rule, name_w), t.severity(severity)),
                    Span::raw(format!(" {n}")),
                ])
            }
            SideRow::Finding(fi) => {
                let f = &app.findings[fi];
                let when = f.at.map_or_else(|| "--:--".to_string(), |ms| app.zone.format_time(ms));
                let when: String = when.chars().take(5).collect();
                let rest = format!("{} {}", f.station, f.title);
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled(when, t.time()),
                    Span::raw(" "),
                    Span::raw(fit(&rest, width.saturating_sub(8))),
                ])
            }
        };
        let y = inner.y + (r - offset) as u16;
        buf.set_line(inner.x, y, &line, inner.width);
        if r == app.side_selected {
            let style = if app.focus == Focus::Findings { t.selected() } else { t.heading() };
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        }
    }
}
