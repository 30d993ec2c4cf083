//! Command-line arguments → a validated [`Config`].

use crate::analysis::{Severity, Thresholds};
use crate::query::Filter;
use crate::store::LogStore;
use crate::time::{parse_user_time, parse_zone, resolve_local_zone, DisplayZone};
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "ocpplens",
    version,
    about = "Explore and diagnose OCPP 1.6-J charging-station logs",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the findings report (text, json or markdown), no TUI.
    Report(CommonArgs),
    /// Print the messages that pass the filters (text, jsonl or csv), no TUI.
    List(CommonArgs),
}

#[derive(Args, Debug, Default, Clone)]
pub struct CommonArgs {
    /// Log files (CSV, text, JSON Lines, gzip of these); "-" or none with a pipe reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// IANA zone for "local" time (default: TZ, else the system zone, else UTC).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Zone of input timestamps that carry none (default UTC).
    #[arg(long, value_name = "ZONE")]
    pub source_tz: Option<String>,
    /// Show times in the --tz zone from the start (default display is UTC).
    #[arg(long)]
    pub local: bool,
    /// Output format: report text|json|markdown, list text|jsonl|csv.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Keep requests of this action and their answers (repeatable).
    #[arg(long, value_name = "NAME")]
    pub action: Vec<String>,
    /// Keep messages carrying this idTag, their answers and its transactions.
    #[arg(long, value_name = "TAG")]
    pub idtag: Option<String>,
    /// Keep this transaction's messages.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub transaction: Option<i64>,
    /// Keep this station's messages.
    #[arg(long, value_name = "ID")]
    pub station: Option<String>,
    /// Keep messages about this connector.
    #[arg(long, value_name = "N")]
    pub connector: Option<i64>,
    /// Keep messages logged at or after TIME.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Keep messages logged before TIME.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Keep only messages that are evidence of a finding.
    #[arg(long)]
    pub only_flagged: bool,
    /// Keep only messages that are evidence of findings of this rule (repeatable).
    #[arg(long, value_name = "ID")]
    pub rule: Vec<String>,
    /// report: exit 1 when a finding of this severity or worse exists (info|warning|error).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Silence that counts as offline, at least (default 15m; 3 × heartbeat when longer).
    #[arg(long, value_name = "DURATION")]
    pub silence: Option<String>,
    /// Payload/log time difference that counts as clock skew (default 5m).
    #[arg(long, value_name = "DURATION")]
    pub skew: Option<String>,
    /// Suspension during a transaction worth a note (default 30m).
    #[arg(long, value_name = "DURATION")]
    pub suspension: Option<String>,
    /// BootNotifications that make a reboot loop (default 3) ...
    #[arg(long, value_name = "N")]
    pub reboot_burst: Option<usize>,
    /// ... within this window (default 10m).
    #[arg(long, value_name = "DURATION")]
    pub reboot_window: Option<String>,
    /// How long a request may wait for its answer (default 60s).
    #[arg(long, value_name = "DURATION")]
    pub response_timeout: Option<String>,
}

/// Which face runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Explore,
    Report,
    List,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
    Markdown,
}

/// Validated settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub files: Vec<String>,
    pub format: Format,
    pub source_tz: chrono_tz::Tz,
    pub local_zone: chrono_tz::Tz,
    pub start_local: bool,
    pub filter: Filter,
    /// `--from` / `--to` as typed; resolved against the log once loaded.
    pub from: Option<String>,
    pub to: Option<String>,
    pub fail_on: Option<Severity>,
    pub thresholds: Thresholds,
}

impl Config {
    pub fn display_zone(&self) -> DisplayZone {
        if self.start_local {
            DisplayZone::Local(self.local_zone)
        } else {
            DisplayZone::Utc
        }
    }

    /// The filter with `--from`/`--to` resolved ("10:00" means that time on
    /// the day of the log's first message).
    pub fn resolved_filter(&self, store: &LogStore) -> Result<Filter, String> {
        let mut f = self.filter.clone();
        let first = store.messages.iter().map(|m| m.at).find(|&t| t != crate::store::NO_TIME).unwrap_or(0);
        let last = store.messages.iter().rev().map(|m| m.at).find(|&t| t != crate::store::NO_TIME).unwrap_or(first);
        let zone = self.display_zone();
        if let Some(t) = &self.from {
            f.from = Some(parse_user_time(t, zone, first, last).map_err(|e| format!("--from {t:?}: {e}"))?);
        }
        if let Some(t) = &self.to {
            f.to = Some(parse_user_time(t, zone, first, last).map_err(|e| format!("--to {t:?}: {e}"))?);
        }
        Ok(f)
    }
}

/// Parse a duration: `90`, `90s`, `15m`, `2h`, `1d`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: i64 = num.parse().map_err(|_| format!("{s:?} is not a duration (use e.g. 90s, 15m, 2h)"))?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("{s:?} is not a duration (use e.g. 90s, 15m, 2h)")),
    };
    Ok(n * mult)
}

impl Cli {
    /// Validate into a [`Config`]; `Err` is a usage error (exit 2).
    pub fn into_config(self) -> Result<Config, String> {
        let (mode, args) = match self.command {
            None => (Mode::Explore, self.common),
            Some(Command::Report(a)) => (Mode::Report, a),
            Some(Command::List(a)) => (Mode::List, a),
        };
        let format = match (mode, args.format.as_deref().map(str::to_ascii_lowercase).as_deref()) {
            (_, None) => Format::Text,
            (Mode::List, Some("text")) | (Mode::Report | Mode::Explore, Some("text")) => Format::Text,
            (Mode::List, Some("jsonl")) => Format::Jsonl,
            (Mode::List, Some("csv")) => Format::Csv,
            (Mode::Report | Mode::Explore, Some("json")) => Format::Json,
            (Mode::Report | Mode::Explore, Some("markdown" | "md")) => Format::Markdown,
            (Mode::List, Some(f)) => return Err(format!("--format {f}: list writes text, jsonl or csv")),
            (_, Some(f)) => return Err(format!("--format {f}: report writes text, json or markdown")),
        };
        let source_tz = match &args.source_tz {
            Some(z) => parse_zone(z).map_err(|e| format!("--source-tz: {e}"))?,
            None => chrono_tz::UTC,
        };
        let local_zone = resolve_local_zone(args.tz.as_deref()).map_err(|e| format!("--tz: {e}"))?;
        let fail_on = match &args.fail_on {
            Some(s) => Some(Severity::parse(s).ok_or_else(|| format!("--fail-on {s}: use info, warning or error"))?),
            None => None,
        };
        let known = crate::analysis::rules::ids();
        for r in &args.rule {
            if !known.contains(&r.as_str()) {
                return Err(format!("--rule {r}: unknown rule id (known: {})", known.join(", ")));
            }
        }
        let mut th = Thresholds::default();
        let dur = |o: &Option<String>, name: &str, slot: &mut i64| -> Result<(), String> {
            if let Some(s) = o {
                *slot = parse_duration(s).map_err(|e| format!("--{name}: {e}"))?;
            }
            Ok(())
        };
        dur(&args.silence, "silence", &mut th.silence_s)?;
        dur(&args.skew, "skew", &mut th.skew_s)?;
        dur(&args.suspension, "suspension", &mut th.suspension_s)?;
        dur(&args.reboot_window, "reboot-window", &mut th.reboot_window_s)?;
        dur(&args.response_timeout, "response-timeout", &mut th.response_timeout_s)?;
        if let Some(n) = args.reboot_burst {
            if n < 2 {
                return Err("--reboot-burst: at least 2".to_string());
            }
            th.reboot_count = n;
        }
        let filter = Filter {
            actions: args.action.clone(),
            id_tag: args.idtag.clone(),
            transaction: args.transaction,
            station: args.station.clone(),
            connector: args.connector,
            from: None,
            to: None,
            only_flagged: args.only_flagged,
            rules: args.rule.clone(),
        };
        Ok(Config {
            mode,
            files: args.files,
            format,
            source_tz,
            local_zone,
            start_local: args.local,
            filter,
            from: args.from,
            to: args.to,
            fail_on,
            thresholds: th,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(args: &[&str]) -> Result<Config, String> {
        let mut v = vec!["ocpplens"];
        v.extend_from_slice(args);
        Cli::try_parse_from(v).map_err(|e| e.to_string())?.into_config()
    }

    #[test]
    fn modes_and_formats() {
        assert_eq!(cfg(&["a.csv"]).unwrap().mode, Mode::Explore);
        let c = cfg(&["report", "--format", "json", "a.csv"]).unwrap();
        assert_eq!((c.mode, c.format), (Mode::Report, Format::Json));
        assert_eq!(cfg(&["list", "--format", "csv", "a.csv"]).unwrap().format, Format::Csv);
        assert!(cfg(&["list", "--format", "json", "a.csv"]).is_err());
        assert!(cfg(&["report", "--format", "jsonl", "a.csv"]).is_err());
    }

    #[test]
    fn filters_and_thresholds() {
        let c = cfg(&[
            "list",
            "--action",
            "Heartbeat",
            "--action",
            "Authorize",
            "--transaction",
            "-1",
            "--silence",
            "20m",
            "x",
        ])
        .unwrap();
        assert_eq!(c.filter.actions, vec!["Heartbeat", "Authorize"]);
        assert_eq!(c.filter.transaction, Some(-1));
        assert_eq!(c.thresholds.silence_s, 1200);
        assert!(cfg(&["report", "--fail-on", "bad", "x"]).is_err());
        assert!(cfg(&["report", "--tz", "Mars/Base", "x"]).is_err());
        assert!(cfg(&["list", "--rule", "nope", "x"]).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert!(parse_duration("abc").is_err());
    }
}
