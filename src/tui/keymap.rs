//! The key table: which key does what in which mode, with the description
//! the help overlay shows and the short hint the footer shows. Nothing else
//! in the explorer names a key.

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which set of bindings is active.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Browsing the panes.
    Normal,
    /// A fuzzy picker is open (action, idTag, station, transaction).
    Picker,
    /// A one-line prompt is open (date window, search, export).
    Prompt,
    /// The help overlay is open.
    Help,
}

impl Mode {
    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Explorer",
            Mode::Picker => "In a picker",
            Mode::Prompt => "In a prompt",
            Mode::Help => "In this help",
        }
    }
}

/// A key with its modifiers (Shift is implied by the character itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
}

const fn c(ch: char) -> Key {
    k(KeyCode::Char(ch))
}

const fn ctrl(ch: char) -> Key {
    Key { code: KeyCode::Char(ch), mods: KeyModifiers::CONTROL }
}

impl Key {
    /// The key as a terminal reports it, normalised for lookup.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(ch) if mods.contains(KeyModifiers::CONTROL) => KeyCode::Char(ch.to_ascii_lowercase()),
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code, mods }
    }

    /// How the key is written in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(ch) => ch.to_string(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

/// One row of the key table.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub mode: Mode,
    pub keys: &'static [Key],
    pub action: Action,
    /// What the help overlay says.
    pub desc: &'static str,
    /// The footer's short word, for the bindings worth a hint.
    pub hint: Option<&'static str>,
}

const fn b(
    mode: Mode,
    keys: &'static [Key],
    action: Action,
    desc: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding { mode, keys, action, desc, hint }
}

use Mode::{Help, Normal, Picker, Prompt};

/// The explorer's default keys (the contract's table) and the overlays' keys.
pub const BINDINGS: &[Binding] = &[
    b(Normal, &[k(KeyCode::Up), c('k')], Action::Up, "move up in the focused pane", None),
    b(Normal, &[k(KeyCode::Down), c('j')], Action::Down, "move down in the focused pane", None),
    b(Normal, &[k(KeyCode::PageUp)], Action::PageUp, "one page up", None),
    b(Normal, &[k(KeyCode::PageDown)], Action::PageDown, "one page down", None),
    b(Normal, &[c('g'), k(KeyCode::Home)], Action::Top, "go to the first row", None),
    b(Normal, &[c('G'), k(KeyCode::End)], Action::Bottom, "go to the last row", None),
    b(Normal, &[k(KeyCode::Tab)], Action::FocusNext, "focus: message list → detail → findings", Some("pane")),
    b(Normal, &[k(KeyCode::BackTab)], Action::FocusPrev, "focus the previous pane", None),
    b(
        Normal,
        &[k(KeyCode::Enter)],
        Action::Activate,
        "on a finding: jump to its first message; on a message: focus its detail",
        None,
    ),
    b(Normal, &[c('n')], Action::NextFlagged, "next message that has a finding", Some("next finding")),
    b(Normal, &[c('N')], Action::PrevFlagged, "previous message that has a finding", None),
    b(Normal, &[c('p')], Action::JumpPair, "jump between a request and its response", Some("pair")),
    b(Normal, &[c('a')], Action::PickAction, "filter by action (picker with counts)", Some("action")),
    b(Normal, &[c('i')], Action::PickIdTag, "filter by idTag (picker with counts)", Some("idTag")),
    b(
        Normal,
        &[c('t')],
        Action::FilterTransaction,
        "filter by transaction (the selected message's, or a picker)",
        Some("tx"),
    ),
    b(Normal, &[c('s')], Action::PickStation, "filter by station / connector (picker)", Some("station")),
    b(Normal, &[c('d')], Action::DateWindow, "date window from / to (2025-05-04 10:00, 10:00, -2h ...)", Some("dates")),
    b(
        Normal,
        &[c('/')],
        Action::Search,
        "search the raw messages (all words, any case; matches highlighted)",
        Some("search"),
    ),
    b(Normal, &[ctrl('n')], Action::NextMatch, "next search match", None),
    b(Normal, &[ctrl('p')], Action::PrevMatch, "previous search match", None),
    b(Normal, &[c('f')], Action::ToggleFlagged, "show only messages with findings (toggle)", Some("flagged")),
    b(
        Normal,
        &[c('F')],
        Action::ToggleFindingsScope,
        "findings pane: all findings / only those in view (toggle)",
        None,
    ),
    b(Normal, &[c('z')], Action::ToggleZone, "toggle UTC / local time", Some("zone")),
    b(Normal, &[c('x'), k(KeyCode::Esc)], Action::ClearLast, "clear the last filter", Some("unfilter")),
    b(Normal, &[c('X')], Action::ClearAll, "clear all filters", None),
    b(Normal, &[c('y')], Action::Copy, "copy the selected message's frame (OSC 52)", None),
    b(Normal, &[c('e')], Action::Export, "export the filtered messages (.csv or .jsonl)", Some("export")),
    b(Normal, &[c('?')], Action::Help, "this help", Some("help")),
    b(Normal, &[c('q'), ctrl('c')], Action::Quit, "quit", Some("quit")),
    b(Picker, &[k(KeyCode::Up), ctrl('p')], Action::Up, "previous entry", None),
    b(Picker, &[k(KeyCode::Down), ctrl('n')], Action::Down, "next entry", None),
    b(Picker, &[k(KeyCode::PageUp)], Action::PageUp, "one page up", None),
    b(Picker, &[k(KeyCode::PageDown)], Action::PageDown, "one page down", None),
    b(Picker, &[k(KeyCode::Enter)], Action::Accept, "filter by the chosen entry", Some("choose")),
    b(Picker, &[k(KeyCode::Esc), ctrl('c')], Action::Cancel, "close without filtering", Some("cancel")),
    b(Picker, &[k(KeyCode::Backspace)], Action::Backspace, "delete a character", None),
    b(Picker, &[ctrl('u')], Action::ClearInput, "clear the typed text", None),
    b(Prompt, &[k(KeyCode::Enter)], Action::Accept, "confirm", Some("confirm")),
    b(Prompt, &[k(KeyCode::Esc), ctrl('c')], Action::Cancel, "cancel", Some("cancel")),
    b(Prompt, &[k(KeyCode::Backspace)], Action::Backspace, "delete a character", None),
    b(Prompt, &[ctrl('u')], Action::ClearInput, "clear the typed text", None),
    b(Help, &[k(KeyCode::Up), c('k')], Action::Up, "scroll up", None),
    b(Help, &[k(KeyCode::Down), c('j')], Action::Down, "scroll down", None),
    b(Help, &[k(KeyCode::PageUp)], Action::PageUp, "page up", None),
    b(Help, &[k(KeyCode::PageDown), c(' ')], Action::PageDown, "page down", None),
    b(Help, &[c('g'), k(KeyCode::Home)], Action::Top, "top", None),
    b(Help, &[c('G'), k(KeyCode::End)], Action::Bottom, "bottom", None),
    b(Help, &[k(KeyCode::Esc), c('?'), c('q')], Action::Cancel, "close this help", Some("close")),
];

/// The modes in help order.
pub const MODES: [Mode; 4] = [Normal, Picker, Prompt, Help];

/// What a key does in a mode. In pickers and prompts, other printable keys type.
pub fn action_for(mode: Mode, ev: &KeyEvent) -> Option<Action> {
    let key = Key::from_event(ev);
    let bound = BINDINGS.iter().find(|b| b.mode == mode && b.keys.contains(&key)).map(|b| b.action);
    if bound.is_some() {
        return bound;
    }
    match (mode, key.code) {
        (Picker | Prompt, KeyCode::Char(ch)) if !key.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(Action::Insert(ch))
        }
        _ => None,
    }
}

/// `keys  description` rows of one mode, for the help overlay.
pub fn help_rows(mode: Mode) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = BINDINGS
        .iter()
        .filter(|b| b.mode == mode)
        .map(|b| (b.keys.iter().map(Key::label).collect::<Vec<_>>().join(" "), b.desc))
        .collect();
    if matches!(mode, Picker | Prompt) {
        rows.push(("other keys".to_string(), "type into the field (pickers narrow fuzzily)"));
    }
    rows
}

/// `key hint` pairs for the footer of a mode, help and quit first (they
/// must survive a narrow terminal).
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    let mut v: Vec<(bool, String, &'static str)> = BINDINGS
        .iter()
        .filter(|b| b.mode == mode)
        .filter_map(|b| b.hint.map(|h| (!matches!(b.action, Action::Help | Action::Quit), b.keys[0].label(), h)))
        .collect();
    v.sort_by_key(|(later, _, _)| *later);
    v.into_iter().map(|(_, k, h)| (k, h)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_key_bound_twice_in_a_mode() {
        let mut seen = HashSet::new();
        for b in BINDINGS {
            for key in b.keys {
                assert!(seen.insert((b.mode, *key)), "{:?} bound twice in {:?}", key.label(), b.mode);
            }
        }
    }

    #[test]
    fn every_binding_is_described() {
        for b in BINDINGS {
            assert!(!b.desc.trim().is_empty(), "{:?} has no description", b.action);
            assert!(!b.keys.is_empty(), "{:?} has no key", b.action);
        }
        for mode in MODES {
            assert!(!help_rows(mode).is_empty());
        }
    }

    #[test]
    fn every_contract_key_is_present() {
        let contract: &[(Key, Action)] = &[
            (k(KeyCode::Up), Action::Up),
            (k(KeyCode::Down), Action::Down),
            (c('k'), Action::Up),
            (c('j'), Action::Down),
            (k(KeyCode::PageUp), Action::PageUp),
            (k(KeyCode::PageDown), Action::PageDown),
            (c('g'), Action::Top),
            (c('G'), Action::Bottom),
            (k(KeyCode::Home), Action::Top),
            (k(KeyCode::End), Action::Bottom),
            (k(KeyCode::Tab), Action::FocusNext),
            (k(KeyCode::BackTab), Action::FocusPrev),
            (k(KeyCode::Enter), Action::Activate),
            (c('n'), Action::NextFlagged),
            (c('N'), Action::PrevFlagged),
            (c('p'), Action::JumpPair),
            (c('a'), Action::PickAction),
            (c('i'), Action::PickIdTag),
            (c('t'), Action::FilterTransaction),
            (c('s'), Action::PickStation),
            (c('d'), Action::DateWindow),
            (c('/'), Action::Search),
            (ctrl('n'), Action::NextMatch),
            (ctrl('p'), Action::PrevMatch),
            (c('f'), Action::ToggleFlagged),
            (c('z'), Action::ToggleZone),
            (c('x'), Action::ClearLast),
            (k(KeyCode::Esc), Action::ClearLast),
            (c('X'), Action::ClearAll),
            (c('y'), Action::Copy),
            (c('e'), Action::Export),
            (c('?'), Action::Help),
            (c('q'), Action::Quit),
        ];
        for (key, action) in contract {
            let ev = KeyEvent::new(key.code, key.mods);
            assert_eq!(action_for(Normal, &ev), Some(*action), "{}", key.label());
        }
    }

    #[test]
    fn terminal_reports_are_normalised() {
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Normal, &shift_g), Some(Action::Bottom));
        let back = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action_for(Normal, &back), Some(Action::FocusPrev));
        let typed = KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Picker, &typed), Some(Action::Insert('H')));
        assert_eq!(
            action_for(Prompt, &KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Insert('q'))
        );
    }
}
