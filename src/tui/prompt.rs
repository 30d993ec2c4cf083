//! One-line prompts: the date window, search and export.

use crate::ingest::timestamp::Millis;
use std::path::PathBuf;

/// What a prompt asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The window's start.
    From,
    /// The window's end, after the start was given.
    To { from: Option<Millis> },
    /// Words to search for.
    Search,
    /// The export file's name.
    ExportPath,
    /// The export file exists: overwrite it?
    ConfirmOverwrite(PathBuf),
}

/// An open prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// Shown under the input after a rejected entry.
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind) -> Prompt {
        Prompt { kind, input: String::new(), error: None }
    }

    /// The question (not yet sanitized).
    pub fn label(&self) -> String {
        match &self.kind {
            PromptKind::From => "from (2025-05-04 10:00, 10:00, -2h; empty: open)".to_string(),
            PromptKind::To { .. } => "to (2025-05-04 12:00, 12:00, +30m; empty: open)".to_string(),
            PromptKind::Search => "search".to_string(),
            PromptKind::ExportPath => "export to (.csv or .jsonl)".to_string(),
            PromptKind::ConfirmOverwrite(p) => format!("{} exists; type y to overwrite", p.display()),
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            PromptKind::From | PromptKind::To { .. } => "Date window",
            PromptKind::Search => "Search",
            PromptKind::ExportPath | PromptKind::ConfirmOverwrite(_) => "Export",
        }
    }
}
