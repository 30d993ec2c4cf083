//! The explorer's state and what each [`Action`] does to it. Nothing here
//! knows about the terminal: the run loop feeds actions in and draws `&App`.

use super::action::Action;
use super::filters::{FilterStack, Step};
use super::findings::{side_rows, FindingIndex, SideRow};
use super::jobs::{self, JobEvent};
use super::keymap::Mode;
use super::layout;
use super::picker::{self, Picker};
use super::prompt::{Prompt, PromptKind};
use super::theme::Theme;
use crate::analysis::{flagged_set, rules, Finding};
use crate::cli::Config;
use crate::ingest::frame::MsgKind;
use crate::ingest::timestamp::Millis;
use crate::query::{self, View};
use crate::store::{LogStore, MsgIdx, NO_TIME};
use crate::time::{parse_user_time, DisplayZone};
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

/// The pane that movement keys act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
    Findings,
}

/// What is drawn over the panes.
#[derive(Clone, Debug)]
pub enum Overlay {
    None,
    Help { scroll: usize },
    Picker(Picker),
    Prompt(Prompt),
}

/// A one-line message in the footer until the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The search in progress or done.
#[derive(Clone, Debug)]
pub struct Search {
    pub query: String,
    pub terms: Vec<String>,
    /// Matching messages, in view (= time) order.
    pub hits: Vec<MsgIdx>,
    pub scanned: usize,
    pub total: usize,
    pub done: bool,
    generation: u64,
    /// Jump to the first match once it arrives.
    jump_pending: bool,
}

/// The explorer.
pub struct App {
    pub store: Arc<LogStore>,
    pub findings: Vec<Finding>,
    pub index: FindingIndex,
    pub filters: FilterStack,
    /// The messages that pass the filters, in time order.
    pub view: View,
    /// Position in `view`.
    pub selected: usize,
    pub list_offset: usize,
    pub detail_scroll: usize,
    pub side_rows: Vec<SideRow>,
    pub side_selected: usize,
    pub side_offset: usize,
    /// Findings pane: only the findings with evidence in view.
    pub scope_in_view: bool,
    pub focus: Focus,
    pub zone: DisplayZone,
    pub local_zone: chrono_tz::Tz,
    pub overlay: Overlay,
    pub search: Option<Search>,
    pub notice: Option<Notice>,
    /// Why the view is empty, when the filters leave nothing.
    pub empty_note: Option<Finding>,
    pub theme: Theme,
    /// Screen size, for page movements.
    pub screen: Rect,
    /// Text for the run loop to put on the clipboard (OSC 52).
    pub pending_copy: Option<String>,
    pub quit: bool,
    /// Widest station name (capped), for the list's column.
    pub station_width: usize,
    pub action_width: usize,
    /// The file name(s) for the status bar.
    pub source_name: String,
    jobs_tx: Sender<JobEvent>,
    jobs_rx: Receiver<JobEvent>,
    search_generation: Arc<AtomicU64>,
    exports_running: usize,
}

impl App {
    /// Build the explorer over a loaded and analysed log; the command line's
    /// filters are the start-up filters.
    pub fn new(store: Arc<LogStore>, findings: Vec<Finding>, config: &Config) -> Result<App, String> {
        let filter = config.resolved_filter(&store)?;
        let index = FindingIndex::new(&store, &findings);
        let station_width = store.stations().iter().map(|s| s.chars().count()).max().unwrap_or(1).clamp(1, 14);
        let action_width =
            store.index.by_action.keys().map(|&s| store.str(s).chars().count()).max().unwrap_or(1).clamp(8, 24);
        let names: Vec<&str> = store.files.iter().map(|f| f.name.as_str()).collect();
        let source_name = match names.as_slice() {
            [] => "(no input)".to_string(),
            [one] => one.to_string(),
            [first, rest @ ..] => format!("{first} +{}", rest.len()),
        };
        let (jobs_tx, jobs_rx) = channel();
        let mut app = App {
            store,
            findings,
            index,
            filters: FilterStack::from_filter(&filter),
            view: View::Only(Vec::new()),
            selected: 0,
            list_offset: 0,
            detail_scroll: 0,
            side_rows: Vec::new(),
            side_selected: 0,
            side_offset: 0,
            scope_in_view: false,
            focus: Focus::List,
            zone: config.display_zone(),
            local_zone: config.local_zone,
            overlay: Overlay::None,
            search: None,
            notice: None,
            empty_note: None,
            theme: Theme::default(),
            screen: Rect::new(0, 0, 80, 24),
            pending_copy: None,
            quit: false,
            station_width,
            action_width,
            source_name,
            jobs_tx,
            jobs_rx,
            search_generation: Arc::new(AtomicU64::new(0)),
            exports_running: 0,
        };
        app.refresh_view();
        if let Some(w) = app.store.warnings.first() {
            app.notify(format!("note: {w}"), false);
        }
        Ok(app)
    }

    /// Which key table applies now.
    pub fn mode(&self) -> Mode {
        match self.overlay {
            Overlay::None => Mode::Normal,
            Overlay::Help { .. } => Mode::Help,
            Overlay::Picker(_) => Mode::Picker,
            Overlay::Prompt(_) => Mode::Prompt,
        }
    }

    pub fn selected_msg(&self) -> Option<MsgIdx> {
        self.view.get(self.selected)
    }

    pub fn is_hit(&self, i: MsgIdx) -> bool {
        self.search.as_ref().is_some_and(|s| s.hits.binary_search(&i).is_ok())
    }

    fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice { text: text.into(), error });
    }

    fn areas(&self) -> layout::Areas {
        layout::areas(self.screen)
    }

    fn page(&self) -> usize {
        let a = self.areas();
        let r = match self.focus {
            Focus::List => a.list,
            Focus::Detail => a.detail,
            Focus::Findings => a.findings,
        };
        layout::inner_rows(r).max(1)
    }

    /// Carry out one user intent.
    pub fn apply(&mut self, action: Action) {
        if !matches!(action, Action::Insert(_) | Action::Backspace) {
            self.notice = None;
        }
        match self.mode() {
            Mode::Normal => self.apply_normal(action),
            Mode::Help => self.apply_help(action),
            Mode::Picker => self.apply_picker(action),
            Mode::Prompt => self.apply_prompt(action),
        }
    }

    fn apply_normal(&mut self, action: Action) {
        match action {
            Action::Up => self.move_focused(-1),
            Action::Down => self.move_focused(1),
            Action::PageUp => self.move_focused(-(self.page() as isize)),
            Action::PageDown => self.move_focused(self.page() as isize),
            Action::Top => self.move_focused(isize::MIN / 2),
            Action::Bottom => self.move_focused(isize::MAX / 2),
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::List => Focus::Detail,
                    Focus::Detail => Focus::Findings,
                    Focus::Findings => Focus::List,
                }
            }
            Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::List => Focus::Findings,
                    Focus::Detail => Focus::List,
                    Focus::Findings => Focus::Detail,
                }
            }
            Action::Activate => self.activate(),
            Action::NextFlagged => self.step_flagged(true),
            Action::PrevFlagged => self.step_flagged(false),
            Action::JumpPair => self.jump_pair(),
            Action::PickAction => self.overlay = Overlay::Picker(picker::actions(&self.store)),
            Action::PickIdTag => self.overlay = Overlay::Picker(picker::id_tags(&self.store)),
            Action::PickStation => self.overlay = Overlay::Picker(picker::stations(&self.store)),
            Action::FilterTransaction => self.filter_transaction(),
            Action::DateWindow => self.overlay = Overlay::Prompt(Prompt::new(PromptKind::From)),
            Action::Search => {
                let mut p = Prompt::new(PromptKind::Search);
                p.input = self.search.as_ref().map(|s| s.query.clone()).unwrap_or_default();
                self.overlay = Overlay::Prompt(p);
            }
            Action::NextMatch => self.step_match(true),
            Action::PrevMatch => self.step_match(false),
            Action::ToggleFlagged => {
                if !self.filters.remove_flagged() {
                    self.filters.push(Step::OnlyFlagged);
                }
                self.refresh_view();
            }
            Action::ToggleZone => self.toggle_zone(),
            Action::ToggleFindingsScope => {
                self.scope_in_view = !self.scope_in_view;
                self.refresh_side();
                let what = if self.scope_in_view { "findings in view" } else { "all findings" };
                self.notify(format!("findings pane: {what}"), false);
            }
            Action::ClearLast => self.clear_last(),
            Action::ClearAll => {
                self.filters.clear();
                self.refresh_view();
                self.notify("all filters cleared", false);
            }
            Action::Copy => self.copy(),
            Action::Export => self.overlay = Overlay::Prompt(Prompt::new(PromptKind::ExportPath)),
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::Quit => self.quit = true,
            Action::Accept | Action::Cancel | Action::Backspace | Action::ClearInput | Action::Insert(_) => {}
        }
    }

    fn apply_help(&mut self, action: Action) {
        let Overlay::Help { scroll } = &mut self.overlay else { return };
        let total = super::overlays::help_lines(&self.theme, 16, self.screen.width.min(84) as usize - 2).len();
        let page = (self.screen.height as usize).saturating_sub(6).max(1);
        let max = total.saturating_sub(page);
        *scroll = match action {
            Action::Up => scroll.saturating_sub(1),
            Action::Down => (*scroll + 1).min(max),
            Action::PageUp => scroll.saturating_sub(page),
            Action::PageDown => (*scroll + page).min(max),
            Action::Top => 0,
            Action::Bottom => max,
            _ => *scroll,
        };
        if action == Action::Cancel {
            self.overlay = Overlay::None;
        }
    }

    fn apply_picker(&mut self, action: Action) {
        let Overlay::Picker(p) = &mut self.overlay else { return };
        let page = (self.screen.height as isize - 8).max(1);
        match action {
            Action::Up => p.move_by(-1),
            Action::Down => p.move_by(1),
            Action::PageUp => p.move_by(-page),
            Action::PageDown => p.move_by(page),
            Action::Backspace => {
                let mut q = p.query.clone();
                q.pop();
                p.set_query(q);
            }
            Action::ClearInput => p.set_query(String::new()),
            Action::Insert(ch) => {
                let q = format!("{}{ch}", p.query);
                p.set_query(q);
            }
            Action::Cancel => self.overlay = Overlay::None,
            Action::Accept => {
                let chosen = p.chosen().map(|it| it.step.clone());
                match chosen {
                    Some(step) => {
                        self.overlay = Overlay::None;
                        self.filters.push(step);
                        self.refresh_view();
                    }
                    None => self.notify("nothing matches; Backspace to widen, Esc to close", true),
                }
            }
            _ => {}
        }
    }

    fn apply_prompt(&mut self, action: Action) {
        let Overlay::Prompt(p) = &mut self.overlay else { return };
        match action {
            Action::Backspace => {
                p.input.pop();
            }
            Action::ClearInput => p.input.clear(),
            Action::Insert(ch) => p.input.push(ch),
            Action::Cancel => self.overlay = Overlay::None,
            Action::Accept => {
                let p = p.clone();
                self.accept_prompt(p);
            }
            _ => {}
        }
    }

    fn accept_prompt(&mut self, p: Prompt) {
        let text = p.input.trim().to_string();
        match p.kind {
            PromptKind::From => match self.parse_time(&text, self.last_time()) {
                Ok(from) => self.overlay = Overlay::Prompt(Prompt::new(PromptKind::To { from })),
                Err(e) => self.prompt_error(e),
            },
            PromptKind::To { from } => match self.parse_time(&text, from.unwrap_or(self.last_time())) {
                Ok(to) => {
                    self.overlay = Overlay::None;
                    if from.is_none() && to.is_none() {
                        self.filters.remove_window();
                    } else {
                        self.filters.push(Step::Window { from, to });
                    }
                    self.refresh_view();
                }
                Err(e) => self.prompt_error(e),
            },
            PromptKind::Search => {
                self.overlay = Overlay::None;
                self.start_search(&text);
            }
            PromptKind::ExportPath => self.export(&text, false),
            PromptKind::ConfirmOverwrite(path) => {
                if text.eq_ignore_ascii_case("y") || text.eq_ignore_ascii_case("yes") {
                    self.export(&path.to_string_lossy(), true);
                } else {
                    self.overlay = Overlay::None;
                    self.notify("export cancelled", false);
                }
            }
        }
    }

    fn prompt_error(&mut self, e: String) {
        if let Overlay::Prompt(p) = &mut self.overlay {
            p.error = Some(e);
        }
    }

    fn first_time(&self) -> Millis {
        self.store.messages.iter().map(|m| m.at).find(|&t| t != NO_TIME).unwrap_or(0)
    }

    fn last_time(&self) -> Millis {
        self.store.messages.iter().rev().map(|m| m.at).find(|&t| t != NO_TIME).unwrap_or(0)
    }

    /// Empty text is an open end.
    fn parse_time(&self, text: &str, anchor: Millis) -> Result<Option<Millis>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        parse_user_time(text, self.zone, self.first_time(), anchor).map(Some)
    }

    // ---------------------------------------------------------------- view

    /// Re-apply the filters (the library's `query::apply`, as `list` does),
    /// keeping the selected message when it stays in view.
    pub fn refresh_view(&mut self) {
        let keep = self.selected_msg();
        let filter = self.filters.to_filter();
        let flagged = if !filter.rules.is_empty() {
            Some(flagged_set(&self.store, &self.findings, &filter.rules))
        } else if filter.only_flagged {
            Some(self.index.flagged.clone())
        } else {
            None
        };
        self.view = query::apply(&self.store, &filter, flagged.as_ref());
        self.empty_note = rules::no_messages_in_view(&self.store, &filter, &self.view);
        self.selected = match keep {
            Some(m) => self.view.before(m).min(self.view.len().saturating_sub(1)),
            None => 0,
        };
        self.detail_scroll = 0;
        self.scroll_list_into_view();
        self.refresh_side();
        if let Some(s) = &self.search {
            let q = s.query.clone();
            self.start_search_quiet(&q, false);
        }
    }

    fn refresh_side(&mut self) {
        let scope = self.scope_in_view.then_some(&self.view);
        self.side_rows = side_rows(&self.findings, scope);
        self.side_selected = self.side_selected.min(self.side_rows.len().saturating_sub(1));
        self.side_offset = self.side_offset.min(self.side_selected);
    }

    fn scroll_list_into_view(&mut self) {
        let rows = layout::inner_rows(self.areas().list).max(1);
        self.list_offset = scroll_to(self.list_offset, self.selected, rows);
    }

    fn select(&mut self, pos: usize) {
        if pos != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = pos.min(self.view.len().saturating_sub(1));
        self.scroll_list_into_view();
    }

    /// Jump to a message if it is in view (centred when it was off screen); false otherwise.
    fn select_msg(&mut self, m: MsgIdx) -> bool {
        match self.view.binary_search(&m) {
            Ok(pos) => {
                let rows = layout::inner_rows(self.areas().list).max(1);
                if pos < self.list_offset || pos >= self.list_offset + rows {
                    self.list_offset = pos.saturating_sub(rows / 2);
                }
                self.select(pos);
                true
            }
            Err(_) => false,
        }
    }

    fn move_focused(&mut self, delta: isize) {
        match self.focus {
            Focus::List => {
                if self.view.is_empty() {
                    return;
                }
                let pos = (self.selected as isize).saturating_add(delta).clamp(0, self.view.len() as isize - 1);
                self.select(pos as usize);
            }
            Focus::Detail => {
                let pos = (self.detail_scroll as isize).saturating_add(delta).clamp(0, 100_000);
                self.detail_scroll = pos as usize;
            }
            Focus::Findings => {
                if self.side_rows.is_empty() {
                    return;
                }
                let pos =
                    (self.side_selected as isize).saturating_add(delta).clamp(0, self.side_rows.len() as isize - 1);
                self.side_selected = pos as usize;
                let rows = layout::inner_rows(self.areas().findings).max(1);
                self.side_offset = scroll_to(self.side_offset, self.side_selected, rows);
            }
        }
    }

    fn activate(&mut self) {
        match self.focus {
            Focus::List | Focus::Detail => self.focus = Focus::Detail,
            Focus::Findings => {
                let fi = match self.side_rows.get(self.side_selected) {
                    Some(SideRow::Finding(fi)) => *fi,
                    Some(SideRow::Group { .. }) => match self.side_rows.get(self.side_selected + 1) {
                        Some(SideRow::Finding(fi)) => *fi,
                        _ => return,
                    },
                    None => return,
                };
                let evidence = self.findings[fi].evidence.clone();
                if evidence.is_empty() {
                    self.notify("this finding names no message (see the detail of its lines in `report`)", false);
                } else if evidence.iter().any(|&m| self.select_msg(m)) {
                    self.focus = Focus::List;
                } else {
                    self.notify("its messages are not in view: x clears the last filter, X all", true);
                }
            }
        }
    }

    fn step_flagged(&mut self, forward: bool) {
        let flagged = &self.index.flagged;
        let found = if forward {
            self.view.iter().enumerate().skip(self.selected + 1).find(|&(_, m)| flagged.contains(m)).map(|(p, _)| p)
        } else {
            self.view.iter().take(self.selected).rposition(|m| flagged.contains(m))
        };
        match found {
            Some(p) => {
                if let Some(m) = self.view.get(p) {
                    self.select_msg(m);
                }
                self.focus = Focus::List;
            }
            None => self.notify(if forward { "no later message with a finding" } else { "no earlier one" }, false),
        }
    }

    fn step_match(&mut self, forward: bool) {
        let Some(s) = &self.search else {
            self.notify("no search: / starts one", false);
            return;
        };
        let cur = self.selected_msg();
        let view = &self.view;
        let candidate = if forward {
            s.hits.iter().find(|&&h| cur.is_none_or(|c| h > c) && view.binary_search(&h).is_ok())
        } else {
            s.hits.iter().rev().find(|&&h| cur.is_none_or(|c| h < c) && view.binary_search(&h).is_ok())
        };
        match candidate.copied() {
            Some(h) => {
                self.select_msg(h);
            }
            None => {
                let more = if s.done { "" } else { " (still searching)" };
                self.notify(format!("no further match{more}"), false);
            }
        }
    }

    fn jump_pair(&mut self) {
        let Some(m) = self.selected_msg() else { return };
        match self.store.msg(m).pair.opt() {
            Some(p) if self.select_msg(p) => {}
            Some(_) => self.notify("its pair is not in view", true),
            None => self.notify("this message has no paired request or answer", false),
        }
    }

    fn filter_transaction(&mut self) {
        let current = self.filters.to_filter().transaction;
        let tx_id = self.selected_msg().and_then(|m| self.store.transaction_of(m)).map(|t| self.store.tx(t).id);
        match tx_id {
            Some(id) if current != Some(id) => {
                self.filters.push(Step::Transaction(id));
                self.refresh_view();
            }
            _ if self.store.transactions.is_empty() => self.notify("the log holds no transactions", false),
            _ => self.overlay = Overlay::Picker(picker::transactions(&self.store, self.zone)),
        }
    }

    fn toggle_zone(&mut self) {
        self.zone = match self.zone {
            DisplayZone::Utc => DisplayZone::Local(self.local_zone),
            DisplayZone::Local(_) => DisplayZone::Utc,
        };
        let mut text = format!("times in {}", self.zone.name());
        if matches!(self.zone, DisplayZone::Local(tz) if tz == chrono_tz::UTC) {
            text.push_str(" (the local zone is UTC; set --tz or TZ)");
        }
        self.notify(text, false);
    }

    fn clear_last(&mut self) {
        if let Some(step) = self.filters.pop() {
            let chip = step.chip(self.zone);
            self.refresh_view();
            self.notify(format!("cleared {chip}"), false);
        } else if self.search.take().is_some() {
            self.search_generation.fetch_add(1, Ordering::Relaxed);
            self.notify("search cleared", false);
        } else {
            self.notify("no filter to clear", false);
        }
    }

    // ---------------------------------------------------------------- copy / export / search

    fn copy(&mut self) {
        let Some(m) = self.selected_msg() else { return };
        let Some(f) = self.store.frame(m) else {
            self.notify("this message's frame cannot be re-read", true);
            return;
        };
        let payload = f.payload.to_value();
        let arr = match f.kind {
            MsgKind::Call => serde_json::json!([2, f.unique_id, f.action, payload]),
            MsgKind::Result => serde_json::json!([3, f.unique_id, payload]),
            MsgKind::Error => serde_json::json!([4, f.unique_id, f.error_code(), f.error_description(), payload]),
        };
        let text = arr.to_string();
        self.notify(format!("copied the frame ({} bytes) to the clipboard (OSC 52)", text.len()), false);
        self.pending_copy = Some(text);
    }

    fn export(&mut self, name: &str, overwrite: bool) {
        if name.is_empty() {
            self.prompt_error("type a file name ending in .csv or .jsonl".to_string());
            return;
        }
        let path = PathBuf::from(name);
        let Some(format) = jobs::export_format(&path) else {
            self.prompt_error("the name must end in .csv or .jsonl".to_string());
            return;
        };
        if path.exists() && !overwrite {
            let mut p = Prompt::new(PromptKind::ConfirmOverwrite(path));
            p.input.clear();
            self.overlay = Overlay::Prompt(p);
            return;
        }
        self.overlay = Overlay::None;
        self.exports_running += 1;
        self.notify(format!("exporting {} messages to {name}…", self.view.len()), false);
        jobs::spawn_export(
            self.store.clone(),
            self.view.clone(),
            path,
            format,
            overwrite,
            self.zone,
            self.jobs_tx.clone(),
        );
    }

    fn start_search(&mut self, query: &str) {
        if query.trim().is_empty() {
            self.search = None;
            self.search_generation.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.start_search_quiet(query, true);
    }

    fn start_search_quiet(&mut self, query: &str, jump: bool) {
        let generation = self.search_generation.fetch_add(1, Ordering::Relaxed) + 1;
        let terms = jobs::search_terms(query);
        self.search = Some(Search {
            query: query.trim().to_string(),
            terms: terms.clone(),
            hits: Vec::new(),
            scanned: 0,
            total: self.view.len(),
            done: false,
            generation,
            jump_pending: jump,
        });
        jobs::spawn_search(
            self.store.clone(),
            self.view.clone(),
            terms,
            generation,
            self.search_generation.clone(),
            self.jobs_tx.clone(),
        );
    }

    /// Take in what background jobs have finished; true when something changed.
    pub fn poll_jobs(&mut self) -> bool {
        let mut changed = false;
        while let Ok(ev) = self.jobs_rx.try_recv() {
            self.on_job(ev);
            changed = true;
        }
        changed
    }

    /// Are background jobs still running?
    pub fn busy(&self) -> bool {
        self.exports_running > 0 || self.search.as_ref().is_some_and(|s| !s.done)
    }

    fn on_job(&mut self, ev: JobEvent) {
        match ev {
            JobEvent::SearchHits { generation, hits, scanned, done } => {
                let cur = self.selected_msg();
                let Some(s) = &mut self.search else { return };
                if s.generation != generation {
                    return;
                }
                s.hits.extend(hits);
                s.scanned = scanned;
                s.done = done;
                if s.jump_pending {
                    let first = s.hits.iter().find(|&&h| cur.is_none_or(|c| h >= c)).or(s.hits.first()).copied();
                    if let Some(h) = first {
                        s.jump_pending = false;
                        self.select_msg(h);
                    } else if done {
                        s.jump_pending = false;
                        let q = s.query.clone();
                        self.notify(format!("no message holds {q:?}"), false);
                    }
                }
            }
            JobEvent::Exported { path, messages, result } => {
                self.exports_running = self.exports_running.saturating_sub(1);
                match result {
                    Ok(()) => self.notify(format!("exported {messages} messages to {}", path.display()), false),
                    Err(e) => self.notify(format!("export to {} failed: {e}", path.display()), true),
                }
            }
        }
    }

    /// Wait for the background jobs (tests).
    #[cfg(test)]
    pub fn settle(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.busy() && std::time::Instant::now() < deadline {
            if let Ok(ev) = self.jobs_rx.recv_timeout(std::time::Duration::from_millis(50)) {
                self.on_job(ev);
            }
        }
    }
}

/// The first visible row so that `selected` is on screen, moving as little as possible.
pub fn scroll_to(offset: usize, selected: usize, rows: usize) -> usize {
    if selected < offset {
        selected
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}
