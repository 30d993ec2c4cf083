//! Generate a synthetic OCPP 1.6-J log with labelled faults.
//!
//! ```text
//! cargo run --release --example synth -- --stations 20 --days 20 --dialect text -o big.log --truth truth.json
//! ```
//!
//! Options (all optional):
//!   --stations N          charge points (default 1)
//!   --days F              length of the log in days (default 2)
//!   --start DATE          start, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[Z]`, UTC (default 2025-05-04)
//!   --dialect D           csv | csv-de | text | jsonl (default csv)
//!   --seed N              generator seed (default 7)
//!   --fault-rate F        share of activities that carry a fault (default 0.15)
//!   --faults a,b          finding ids to inject (default: all)
//!   --smart-quotes F      share of frames written with typographic quotes (default 0)
//!   --sessions-per-day F  activities per station and day (default 6)
//!   --meter-interval S    seconds between MeterValues (default 60)
//!   --prefix P            station name prefix (default CP-)
//!   -o, --output FILE     write the log here instead of stdout
//!   --truth FILE          write the injected faults as JSON here
//!   --list-faults         print the finding ids that can be injected and exit

use ocpplens::synth::{self, Dialect, SynthOptions};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: synth [--stations N] [--days F] [--start DATE] [--dialect csv|csv-de|text|jsonl] \
[--seed N] [--fault-rate F] [--faults a,b] [--smart-quotes F] [--sessions-per-day F] \
[--meter-interval S] [--prefix P] [-o FILE] [--truth FILE] [--list-faults]";

struct Args {
    opts: SynthOptions,
    output: Option<String>,
    truth: Option<String>,
}

fn parse_num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: not a valid number: {value:?}"))
}

fn parse_share(flag: &str, value: &str) -> Result<f64, String> {
    let v: f64 = parse_num(flag, value)?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{flag}: expected a share between 0 and 1, got {value}"))
    }
}

/// `YYYY-MM-DD[THH:MM[:SS]][Z]` as epoch milliseconds (UTC).
fn parse_start(value: &str) -> Result<i64, String> {
    let bad = || format!("--start: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got {value:?}");
    let v = value.trim().trim_end_matches('Z');
    let (date, time) = v.split_once(['T', ' ']).unwrap_or((v, "00:00:00"));
    let d: Vec<i64> = date.split('-').map(|p| p.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let t: Vec<i64> = time.split(':').map(|p| p.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    if d.len() != 3 || t.is_empty() || t.len() > 3 || !(1..=12).contains(&d[1]) || !(1..=31).contains(&d[2]) {
        return Err(bad());
    }
    // days from civil (proleptic Gregorian)
    let (y, m, day) = (if d[1] <= 2 { d[0] - 1 } else { d[0] }, d[1], d[2]);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = t[0] * 3600 + t.get(1).copied().unwrap_or(0) * 60 + t.get(2).copied().unwrap_or(0);
    Ok((days * 86_400 + secs) * 1000)
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut opts = SynthOptions::default();
    let mut output = None;
    let mut truth = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // accept both `--flag value` and `--flag=value`
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        const VALUE_FLAGS: [&str; 14] = [
            "--stations",
            "--days",
            "--start",
            "--dialect",
            "--seed",
            "--fault-rate",
            "--smart-quotes",
            "--sessions-per-day",
            "--meter-interval",
            "--faults",
            "--prefix",
            "-o",
            "--output",
            "--truth",
        ];
        let takes_value = VALUE_FLAGS.contains(&flag.as_str());
        if !takes_value && !matches!(flag.as_str(), "-h" | "--help" | "--list-faults") {
            return Err(format!("unknown argument {arg:?}\n{USAGE}"));
        }
        let value = if takes_value {
            match inline.or_else(|| it.next()) {
                Some(v) => v,
                None => return Err(format!("{flag} needs a value\n{USAGE}")),
            }
        } else {
            String::new()
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--list-faults" => {
                for k in synth::FAULT_KINDS {
                    println!("{k}");
                }
                return Ok(None);
            }
            "--stations" => opts.stations = parse_num(&flag, &value)?,
            "--days" => {
                opts.days = parse_num(&flag, &value)?;
                if !(opts.days > 0.0 && opts.days.is_finite()) {
                    return Err(format!("--days: expected a positive number, got {value}"));
                }
            }
            "--start" => opts.start_ms = parse_start(&value)?,
            "--dialect" => {
                opts.dialect = Dialect::parse(&value)
                    .ok_or_else(|| format!("--dialect: expected csv, csv-de, text or jsonl, got {value:?}"))?
            }
            "--seed" => opts.seed = parse_num(&flag, &value)?,
            "--fault-rate" => opts.fault_rate = parse_share(&flag, &value)?,
            "--smart-quotes" => opts.smart_quotes = parse_share(&flag, &value)?,
            "--sessions-per-day" => {
                opts.sessions_per_day = parse_num(&flag, &value)?;
                if !(opts.sessions_per_day >= 0.0 && opts.sessions_per_day.is_finite()) {
                    return Err(format!("--sessions-per-day: expected a number >= 0, got {value}"));
                }
            }
            "--meter-interval" => {
                opts.meter_interval_s = parse_num(&flag, &value)?;
                if opts.meter_interval_s < 10 {
                    return Err(format!("--meter-interval: expected at least 10 seconds, got {value}"));
                }
            }
            "--faults" => {
                opts.faults.clear();
                for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let kind = synth::fault_kind(name).ok_or_else(|| {
                        format!("--faults: unknown finding id {name:?}; known: {}", synth::FAULT_KINDS.join(", "))
                    })?;
                    opts.faults.push(kind);
                }
            }
            "--prefix" => opts.prefix = value,
            "-o" | "--output" => output = Some(value).filter(|v| v != "-"),
            "--truth" => truth = Some(value),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Some(Args { opts, output, truth }))
}

fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let opts = &args.opts;
    let truth = match &args.output {
        Some(path) => {
            let mut f = std::fs::File::create(path).map_err(|e| format!("{path}: {e}"))?;
            let t = synth::generate(opts, &mut f).map_err(|e| format!("{path}: {e}"))?;
            f.flush().map_err(|e| format!("{path}: {e}"))?;
            t
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            let t = synth::generate(opts, &mut lock).map_err(|e| format!("stdout: {e}"))?;
            lock.flush().map_err(|e| format!("stdout: {e}"))?;
            t
        }
    };
    if let Some(path) = &args.truth {
        let json = serde_json::to_string_pretty(&truth.to_json()).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n").map_err(|e| format!("{path}: {e}"))?;
    }
    let kinds: std::collections::BTreeSet<&str> = truth.faults.iter().map(|f| f.rule).collect();
    eprintln!(
        "{} messages, {} labelled faults ({} kinds), {} stations x {} days, {}, seed {}, {:.2} s",
        truth.messages,
        truth.faults.len(),
        kinds.len(),
        opts.stations,
        opts.days,
        opts.dialect.name(),
        opts.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("synth: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::from(2)
        }
    }
}
