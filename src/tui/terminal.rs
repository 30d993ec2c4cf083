//! The run loop: terminal set-up and restore, loading in a background
//! thread behind a progress screen, then keys → actions → draw.

use super::app::App;
use super::clipboard::osc52;
use super::draw::Loading;
use super::keymap::action_for;
use super::theme::Theme;
use crate::analysis::{analyze, Finding};
use crate::cli::Config;
use crate::ingest::{load, LoadOptions};
use crate::store::LogStore;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::DefaultTerminal;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

type Loaded = Result<(LogStore, Vec<Finding>), String>;

/// Progress shared with the loading thread.
#[derive(Default)]
struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    /// 0 reading, 1 analysing.
    phase: AtomicU8,
}

/// Run the explorer; returns the exit code. The terminal is restored on
/// return, on error and (through ratatui's hook) on panic.
pub fn run(config: &Config) -> io::Result<u8> {
    let progress = Arc::new(Progress::default());
    let rx = spawn_loader(config, progress.clone());
    let mut terminal = ratatui::init();
    let result = run_loop(&mut terminal, config, &rx, &progress);
    ratatui::restore();
    match result {
        Ok(Outcome::Quit) => Ok(0),
        Ok(Outcome::Failed(msg)) => {
            eprintln!("ocpplens: {msg}");
            Ok(2)
        }
        Err(e) => Err(e),
    }
}

enum Outcome {
    Quit,
    Failed(String),
}

fn spawn_loader(config: &Config, progress: Arc<Progress>) -> Receiver<Loaded> {
    let (tx, rx) = channel();
    let files = config.files.clone();
    let opts = LoadOptions { source_tz: config.source_tz };
    let thresholds = config.thresholds;
    std::thread::spawn(move || {
        let report = |done: u64, total: u64| {
            progress.done.store(done, Ordering::Relaxed);
            progress.total.store(total, Ordering::Relaxed);
        };
        let loaded = load(&files, opts, &report).map_err(|e| e.to_string()).map(|store| {
            progress.phase.store(1, Ordering::Relaxed);
            let findings = analyze(&store, thresholds);
            (store, findings)
        });
        let _ = tx.send(loaded);
    });
    rx
}

/// Is this key a request to leave while loading?
fn wants_out(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind == KeyEventKind::Press
        && (k.code == KeyCode::Char('q') || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL))))
}

fn run_loop(
    terminal: &mut DefaultTerminal,
    config: &Config,
    rx: &Receiver<Loaded>,
    progress: &Progress,
) -> io::Result<Outcome> {
    let files = config.files.join(", ");
    let (store, findings) = loop {
        let total = progress.total.load(Ordering::Relaxed);
        let percent = (progress.done.load(Ordering::Relaxed) * 100).checked_div(total).unwrap_or(0) as u16;
        let (what, percent) = match progress.phase.load(Ordering::Relaxed) {
            0 => ("loading", percent),
            _ => ("analysing", 100),
        };
        terminal.draw(|f| f.render_widget(Loading { what, files: &files, percent }, f.area()))?;
        match rx.try_recv() {
            Ok(Ok(loaded)) => break loaded,
            Ok(Err(msg)) => return Ok(Outcome::Failed(msg)),
            Err(TryRecvError::Disconnected) => return Ok(Outcome::Failed("loading stopped".to_string())),
            Err(TryRecvError::Empty) => {}
        }
        if event::poll(Duration::from_millis(50))? && wants_out(&event::read()?) {
            return Ok(Outcome::Quit);
        }
    };
    let mut app = match App::new(Arc::new(store), findings, config) {
        Ok(a) => a,
        Err(msg) => return Ok(Outcome::Failed(msg)),
    };
    app.theme = Theme::from_env();
    loop {
        let size = terminal.size()?;
        app.screen = Rect::new(0, 0, size.width, size.height);
        terminal.draw(|f| f.render_widget(&app, f.area()))?;
        if let Some(text) = app.pending_copy.take() {
            let mut out = io::stdout();
            out.write_all(osc52(&text).as_bytes())?;
            out.flush()?;
        }
        if app.quit {
            return Ok(Outcome::Quit);
        }
        let wait = Duration::from_millis(if app.busy() { 50 } else { 250 });
        if event::poll(wait)? {
            if let Event::Key(k) = event::read()? {
                if k.kind == KeyEventKind::Press {
                    if let Some(action) = action_for(app.mode(), &k) {
                        app.apply(action);
                    }
                }
            }
        }
        app.poll_jobs();
    }
}
