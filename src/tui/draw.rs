//! The whole screen: panes, status bar, footer and the overlay on top.

use super::app::{App, Overlay};
use super::{detail_pane, findings_pane, layout, list_pane, overlays, status_bar};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget};

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let a = layout::areas(area);
        list_pane::render(self, a.list, buf);
        detail_pane::render(self, a.detail, buf);
        findings_pane::render(self, a.findings, buf);
        status_bar::render_status(self, a.status, buf);
        status_bar::render_footer(self, a.footer, buf);
        match &self.overlay {
            Overlay::None => {}
            Overlay::Help { scroll } => overlays::render_help(self, *scroll, area, buf),
            Overlay::Picker(p) => overlays::render_picker(self, p, area, buf),
            Overlay::Prompt(p) => overlays::render_prompt(self, p, area, buf),
        }
    }
}

/// The screen while the log loads: a progress bar that appears at once.
pub struct Loading<'a> {
    pub what: &'a str,
    pub files: &'a str,
    /// 0..=100
    pub percent: u16,
}

impl Widget for Loading<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let y = area.y + area.height / 2;
        let w = area.width.saturating_sub(8).min(70);
        let x = area.x + (area.width.saturating_sub(w)) / 2;
        let files = super::text::fit(self.files, w as usize);
        Paragraph::new(files).render(Rect::new(x, y.saturating_sub(2), w, 1), buf);
        let pct = self.percent.min(100) as usize;
        let bar_w = (w as usize).saturating_sub(self.what.len() + 10).max(10);
        let filled = bar_w * pct / 100;
        let bar = format!("{}… {pct:>3}% [{}{}]", self.what, "#".repeat(filled), ".".repeat(bar_w - filled));
        Paragraph::new(bar).render(Rect::new(x, y, w, 1), buf);
        Paragraph::new("q quits").render(Rect::new(x, y + 2, w, 1), buf);
    }
}
