//! Where the panes go. Shared by drawing and by the state (page sizes).

use ratatui::layout::{Constraint, Layout, Rect};

/// The screen's regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub detail: Rect,
    pub findings: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// Wide screens get a findings sidebar; narrow ones put detail and findings
/// side by side under the list.
pub fn areas(screen: Rect) -> Areas {
    let [main, status, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)]).areas(screen);
    if screen.width >= 100 {
        let side = (screen.width * 3 / 10).clamp(30, 48);
        let [left, findings] = Layout::horizontal([Constraint::Min(20), Constraint::Length(side)]).areas(main);
        let [list, detail] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(left);
        Areas { list, detail, findings, status, footer }
    } else {
        let [list, bottom] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main);
        let [detail, findings] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(bottom);
        Areas { list, detail, findings, status, footer }
    }
}

/// Rows inside a bordered pane.
pub fn inner_rows(r: Rect) -> usize {
    r.height.saturating_sub(2) as usize
}
