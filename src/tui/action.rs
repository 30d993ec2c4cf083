//! Every user intent the explorer knows. The keymap maps keys to these;
//! [`App::apply`](super::app::App::apply) carries them out.

/// One user intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Move up one row (or line) in the focused pane or overlay.
    Up,
    /// Move down one row (or line).
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Go to the first row.
    Top,
    /// Go to the last row.
    Bottom,
    /// Focus the next pane: list → detail → findings.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// On a finding: jump to its first message; on a message: focus its detail.
    Activate,
    /// Select the next message that has a finding.
    NextFlagged,
    /// Select the previous message that has a finding.
    PrevFlagged,
    /// Jump between a request and its response.
    JumpPair,
    /// Open the action picker.
    PickAction,
    /// Open the idTag picker.
    PickIdTag,
    /// Open the station / connector picker.
    PickStation,
    /// Filter by the selected message's transaction, or pick one.
    FilterTransaction,
    /// Open the date-window prompt.
    DateWindow,
    /// Open the search prompt.
    Search,
    /// Select the next search match.
    NextMatch,
    /// Select the previous search match.
    PrevMatch,
    /// Toggle showing only messages with findings.
    ToggleFlagged,
    /// Toggle UTC / local time.
    ToggleZone,
    /// Toggle the findings pane between all findings and those in view.
    ToggleFindingsScope,
    /// Remove the most recent filter.
    ClearLast,
    /// Remove every filter.
    ClearAll,
    /// Copy the selected message's frame to the clipboard (OSC 52).
    Copy,
    /// Export the filtered messages to a file.
    Export,
    /// Show the help overlay.
    Help,
    /// Quit.
    Quit,
    /// Confirm the picker's choice or the prompt's text.
    Accept,
    /// Close the overlay without doing anything.
    Cancel,
    /// Delete the character before the cursor.
    Backspace,
    /// Clear the input field.
    ClearInput,
    /// Type a character into the input field.
    Insert(char),
}
