//! The interactive explorer.
//!
//! - [`action`]: every user intent; [`keymap`]: keys → actions with the
//!   descriptions that make the help and the footer hints.
//! - [`app`]: the state and `App::apply(Action)`, terminal-free.
//! - one widget per pane: [`list_pane`], [`detail_pane`], [`findings_pane`],
//!   [`status_bar`], [`overlays`]; [`draw`] puts them together.
//! - [`jobs`]: search and export off the UI thread; [`terminal`]: the run loop.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod detail_pane;
pub mod draw;
pub mod filters;
pub mod findings;
pub mod findings_pane;
pub mod jobs;
pub mod keymap;
pub mod layout;
pub mod list_pane;
pub mod overlays;
pub mod picker;
pub mod prompt;
pub mod status_bar;
pub mod terminal;
pub mod text;
pub mod theme;

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod state_tests;

pub use action::Action;
pub use app::App;
pub use terminal::run;
