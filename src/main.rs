//! ocpplens binary: parse arguments, load, run the chosen face, map errors to exit codes.

use clap::Parser;
use ocpplens::analysis::{analyze, flagged_set, rules, Finding};
use ocpplens::cli::{Cli, Config, Format, Mode};
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::query::Filter;
use ocpplens::{query, report};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let mut config = match cli.into_config() {
        Ok(c) => c,
        Err(msg) => return usage(&msg),
    };
    if config.files.is_empty() {
        if io::stdin().is_terminal() {
            return usage("no input: give one or more log files, or pipe a log in (ocpplens --help)");
        }
        config.files.push("-".to_string());
    }
    match run(&config) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ocpplens: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("ocpplens: {msg}");
    ExitCode::from(2)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

fn run(config: &Config) -> anyhow::Result<u8> {
    // the explorer loads in the background behind its own progress screen
    if config.mode == Mode::Explore && io::stdout().is_terminal() {
        return Ok(ocpplens::tui::run(config)?);
    }
    let show_progress = io::stderr().is_terminal();
    let progress = move |done: u64, total: u64| {
        if show_progress && total > 32 << 20 {
            eprint!("\rreading {:>3}% of {} MB", done * 100 / total.max(1), total >> 20);
            if done >= total {
                eprint!("\r\x1b[2K");
            }
        }
    };
    let timings = std::env::var_os("OCPPLENS_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let lap = |what: &str| {
        if timings {
            let mem = ocpplens::ingest::memory_status();
            eprintln!("[timing] {what}: {:.3} s {mem}", started.elapsed().as_secs_f64());
        }
    };
    let store = match load(&config.files, LoadOptions { source_tz: config.source_tz }, &progress) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ocpplens: {e}");
            return Ok(2);
        }
    };
    if timings {
        eprintln!(
            "[timing] store: {} messages (room {}), {} facts (room {}), {} readings (room {}), {} strings bytes, {} heap bytes",
            store.messages.len(),
            store.messages.capacity(),
            store.facts.len(),
            store.facts.capacity(),
            store.readings.len(),
            store.readings.capacity(),
            store.strings.heap_bytes(),
            store.heap_bytes()
        );
    }
    for w in &store.warnings {
        eprintln!("ocpplens: {}", ocpplens::sanitize::inert(w));
    }
    let filter = match config.resolved_filter(&store) {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("ocpplens: {msg}");
            return Ok(2);
        }
    };
    lap("loaded");
    let findings = analyze(&store, config.thresholds);
    lap("analysed");
    let flagged =
        (filter.only_flagged || !filter.rules.is_empty()).then(|| flagged_set(&store, &findings, &filter.rules));
    let view = query::apply(&store, &filter, flagged.as_ref());
    lap("filtered");
    let zone = config.display_zone();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mode = match config.mode {
        // the explorer needs a terminal (handled above); otherwise print the report
        Mode::Explore => Mode::Report,
        m => m,
    };
    match mode {
        Mode::List => report::write_list(&mut out, &store, &view, config.format, zone)?,
        _ => {
            let mut shown = findings_in_view(&findings, &view, &filter);
            shown.extend(rules::no_messages_in_view(&store, &filter, &view));
            match config.format {
                Format::Json => report::write_json(&mut out, &store, &view, &shown)?,
                Format::Markdown => report::write_markdown(&mut out, &store, &view, &shown, zone)?,
                _ => report::write_text(&mut out, &store, &view, &shown, zone)?,
            }
            out.flush()?;
            if let Some(level) = config.fail_on {
                if shown.iter().any(|f| f.severity >= level) {
                    return Ok(1);
                }
            }
        }
    }
    out.flush()?;
    lap("written");
    Ok(0)
}

/// With no filter, every finding; with filters, the findings with evidence in view.
fn findings_in_view(findings: &[Finding], view: &query::View, filter: &Filter) -> Vec<Finding> {
    if filter.is_empty() {
        return findings.to_vec();
    }
    findings.iter().filter(|f| f.evidence.iter().any(|&i| view.contains(i))).cloned().collect()
}
