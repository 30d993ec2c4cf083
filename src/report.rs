//! Writers for `report` (text, JSON, markdown) and `list` (text, JSONL, CSV).
//! They only format what the library computed.

use crate::analysis::transactions::{summaries, TxSummary};
use crate::analysis::{Finding, Line, Severity};
use crate::ingest::frame::{Frame, MsgKind};
use crate::ingest::timestamp::{format_rfc3339_ms, Millis};
use crate::query::View;
use crate::sanitize::inert;
use crate::store::{LogStore, MsgIdx, NO_TIME};
use crate::time::DisplayZone;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The `summary` of a report, over the messages in view.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub messages: usize,
    pub unparsed: usize,
    pub stations: Vec<String>,
    pub transactions: usize,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
}

impl Summary {
    pub fn of(store: &LogStore, view: &View) -> Summary {
        if view.len() == store.messages.len() {
            Summary::of_all(store)
        } else {
            Summary::of_view(store, view)
        }
    }

    /// The summary of the messages in view, found by a pass over them.
    fn of_view(store: &LogStore, view: &View) -> Summary {
        let mut stations: Vec<String> = Vec::new();
        // stations are interned: a flag per string says whether it was seen
        let mut seen = vec![false; store.strings.len()];
        for i in view.iter() {
            let s = store.msg(i).station;
            let Some(flag) = seen.get_mut(s.0 as usize) else { continue };
            if !*flag {
                *flag = true;
                if !store.str(s).is_empty() {
                    stations.push(store.str(s).to_string());
                }
            }
        }
        stations.sort();
        let times = view.iter().map(|i| store.msg(i).at).filter(|&t| t != NO_TIME);
        let (first, last) = times.fold((None, None), |(lo, hi): (Option<i64>, Option<i64>), t| {
            (Some(lo.map_or(t, |l| l.min(t))), Some(hi.map_or(t, |h| h.max(t))))
        });
        let all = view.len() == store.messages.len();
        let transactions = if all {
            store.transactions.len()
        } else {
            store.transactions.iter().filter(|t| view.contains(t.start)).count()
        };
        Summary { messages: view.len(), unparsed: store.unparsed.len(), stations, transactions, first, last }
    }

    /// The summary of every message, from the store's index of stations
    /// and its time order (no pass over the messages).
    fn of_all(store: &LogStore) -> Summary {
        let mut stations: Vec<String> =
            store.index.by_station.keys().map(|&s| store.str(s)).filter(|s| !s.is_empty()).map(String::from).collect();
        stations.sort();
        // messages with a time are in the order of their times
        let timed = |m: &&crate::store::Message| m.at != NO_TIME;
        let first = store.messages.iter().find(timed).map(|m| m.at);
        let last = store.messages.iter().rev().find(timed).map(|m| m.at);
        Summary {
            messages: store.messages.len(),
            unparsed: store.unparsed.len(),
            stations,
            transactions: store.transactions.len(),
            first,
            last,
        }
    }
}

fn lines_json(store: &LogStore, lines: &[Line]) -> Value {
    // with one input file, plain line numbers (the contract's shape)
    if store.files.len() <= 1 {
        json!(lines.iter().map(|l| l.line).collect::<Vec<_>>())
    } else {
        json!(lines.iter().map(|l| format!("{}:{}", store.file_name(l.file), l.line)).collect::<Vec<_>>())
    }
}

fn time_json(t: Option<Millis>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_rfc3339_ms(t)))
}

/// `report --format json`.
pub fn write_json(w: &mut dyn Write, store: &LogStore, view: &View, findings: &[Finding]) -> io::Result<()> {
    let s = Summary::of(store, view);
    // each finding and session is made into JSON only as it is written: a
    // big log's, all as JSON values at once, would take megabytes
    let finding_json = |f: &Finding| {
        json!({
            "rule": f.rule,
            "severity": f.severity.name(),
            "station": f.station,
            "at": time_json(f.at),
            "connector": f.connector,
            "transaction": f.transaction,
            "uniqueIds": f.unique_ids(store),
            "lines": lines_json(store, &f.lines(store)),
            "title": f.title,
            "explanation": f.explanation,
            "advice": f.advice,
        })
    };
    let sessions = in_view(store, view, summaries(store));
    let session_json = |t: &TxSummary| {
        json!({
            "station": t.station,
            "transaction": t.id,
            "connector": t.connector,
            "idTag": t.id_tag,
            "start": time_json(t.started_at),
            "stop": time_json(t.stopped_at),
            "payloadStart": time_json(t.payload_start),
            "payloadStop": time_json(t.payload_stop),
            "energyKwh": t.energy_kwh.map(|e| (e * 1000.0).round() / 1000.0),
            "durationSeconds": t.duration_s,
            "stopReason": t.stop_reason,
            "outcome": t.outcome.name(),
            "lines": lines_json(store, &tx_lines(store, t)),
        })
    };
    let doc = JsonReport {
        source: json!({
            "files": store.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            "format": store.format_name(),
            "rows": store.rows(),
            "context_lines": store.context_lines(),
            "warnings": store.warnings,
        }),
        summary: json!({
            "messages": s.messages,
            "unparsed": s.unparsed,
            "stations": s.stations,
            "transactions": s.transactions,
            "first": time_json(s.first),
            "last": time_json(s.last),
        }),
        findings: AsJsonArray(findings, finding_json),
        transactions: AsJsonSeq(std::cell::Cell::new(Some(sessions.map(|t| session_json(&t))))),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// The JSON report, its keys in the contract's order.
#[derive(serde::Serialize)]
struct JsonReport<F, T> {
    source: Value,
    summary: Value,
    findings: F,
    transactions: T,
}

/// Items written as a JSON array, each made into JSON as it is written.
struct AsJsonArray<'a, T, F>(&'a [T], F);

impl<T, F: Fn(&T) -> Value> serde::Serialize for AsJsonArray<'_, T, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(&self.1))
    }
}

/// Values written as a JSON array as an iterator makes them (once).
struct AsJsonSeq<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = Value>> serde::Serialize for AsJsonSeq<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// The sessions whose StartTransaction is in view.
fn in_view<'a>(
    store: &LogStore,
    view: &'a View,
    all: impl Iterator<Item = TxSummary> + 'a,
) -> impl Iterator<Item = TxSummary> + 'a {
    let every = view.len() == store.messages.len();
    all.filter(move |t| every || view.contains(t.start))
}

fn tx_lines(store: &LogStore, t: &TxSummary) -> Vec<Line> {
    [Some(t.start), t.stop]
        .into_iter()
        .flatten()
        .map(|i| Line { file: store.msg(i).file, line: store.msg(i).line })
        .collect()
}

/// One session on one line, for text and markdown.
fn tx_row(t: &TxSummary, zone: DisplayZone) -> [String; 8] {
    [
        inert(&t.station).into_owned(),
        t.id.map_or_else(|| "-".to_string(), |i| i.to_string()),
        t.connector.map_or_else(|| "-".to_string(), |c| c.to_string()),
        if t.id_tag.is_empty() { "(empty)".to_string() } else { inert(&t.id_tag).into_owned() },
        t.started_at.map_or_else(|| "-".to_string(), |a| zone.format(a)),
        t.duration_s.map_or_else(|| "-".to_string(), crate::analysis::text::duration),
        t.energy_kwh.map_or_else(|| "-".to_string(), |e| format!("{e:.3} kWh")),
        match &t.stop_reason {
            Some(r) => format!("{} ({r})", t.outcome.name()),
            None => t.outcome.name().to_string(),
        },
    ]
}

fn counts(findings: &[Finding]) -> Vec<(Severity, &'static str, usize)> {
    let mut c: Vec<(Severity, &'static str, usize)> = Vec::new();
    for f in findings {
        match c.iter_mut().find(|(s, r, _)| *s == f.severity && *r == f.rule) {
            Some(e) => e.2 += 1,
            None => c.push((f.severity, f.rule, 1)),
        }
    }
    c.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    c
}

fn line_refs(store: &LogStore, lines: &[Line], max: usize) -> String {
    let mut parts: Vec<String> =
        lines.iter().take(max).map(|l| format!("{}:{}", store.file_name(l.file), l.line)).collect();
    if lines.len() > max {
        parts.push(format!("… {} more", lines.len() - max));
    }
    parts.join(", ")
}

/// `report --format text`: counts first, then findings grouped by severity and rule.
pub fn write_text(
    w: &mut dyn Write,
    store: &LogStore,
    view: &View,
    findings: &[Finding],
    zone: DisplayZone,
) -> io::Result<()> {
    let s = Summary::of(store, view);
    let files: Vec<&str> = store.files.iter().map(|f| f.name.as_str()).collect();
    writeln!(w, "ocpplens report — {}", inert(&files.join(", ")))?;
    writeln!(
        w,
        "{} rows: {} messages, {} unparsed ({} layout); {} context lines",
        store.rows(),
        s.messages,
        s.unparsed,
        store.format_name(),
        store.context_lines()
    )?;
    if !s.stations.is_empty() {
        writeln!(w, "stations: {}", inert(&s.stations.join(", ")))?;
    }
    if let (Some(a), Some(b)) = (s.first, s.last) {
        writeln!(w, "window: {} — {} ({})", zone.format(a), zone.format(b), zone.name())?;
    }
    writeln!(w, "transactions: {}", s.transactions)?;
    for warning in &store.warnings {
        writeln!(w, "note: {}", inert(warning))?;
    }
    writeln!(w)?;
    let sessions: Vec<TxSummary> = in_view(store, view, summaries(store)).collect();
    if !sessions.is_empty() {
        writeln!(w, "Transactions")?;
        for t in &sessions {
            let r = tx_row(t, zone);
            writeln!(
                w,
                "  {:<12} #{:<8} c{:<2} {:<20} {} {:>12} {:>14}  {}",
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
            )?;
        }
        writeln!(w)?;
    }
    if findings.is_empty() {
        writeln!(w, "No findings.")?;
        return Ok(());
    }
    writeln!(w, "Findings")?;
    for (sev, rule, n) in counts(findings) {
        writeln!(w, "  {:<8} {:<24} {n}", sev.name(), rule)?;
    }
    for (sev, rule, _) in counts(findings) {
        writeln!(w)?;
        writeln!(w, "== {} · {rule}", sev.name().to_uppercase())?;
        for f in findings.iter().filter(|f| f.severity == sev && f.rule == rule) {
            let when = f.at.map_or_else(|| "(no time)".to_string(), |t| zone.format_with_zone(t));
            let station = if f.station.is_empty() { String::new() } else { format!(" [{}]", inert(&f.station)) };
            writeln!(w, "- {when}{station} {}", inert(&f.title))?;
            writeln!(w, "  {}", inert(&f.explanation))?;
            writeln!(w, "  What to do: {}", inert(&f.advice))?;
            let ids = f.unique_ids(store);
            if !ids.is_empty() {
                writeln!(w, "  uniqueIds: {}", inert(&ids.join(", ")))?;
            }
            writeln!(w, "  evidence: {}", inert(&line_refs(store, &f.lines(store), 12)))?;
        }
    }
    Ok(())
}

/// `report --format markdown`: a ticket-ready summary.
pub fn write_markdown(
    w: &mut dyn Write,
    store: &LogStore,
    view: &View,
    findings: &[Finding],
    zone: DisplayZone,
) -> io::Result<()> {
    let s = Summary::of(store, view);
    let files: Vec<&str> = store.files.iter().map(|f| f.name.as_str()).collect();
    writeln!(w, "## OCPP log diagnosis")?;
    writeln!(w)?;
    writeln!(w, "- **Log:** {}", md(&files.join(", ")))?;
    if !s.stations.is_empty() {
        writeln!(w, "- **Station(s):** {}", md(&s.stations.join(", ")))?;
    }
    if let (Some(a), Some(b)) = (s.first, s.last) {
        writeln!(w, "- **Window:** {} — {} ({})", zone.format(a), zone.format(b), zone.name())?;
    }
    writeln!(w, "- **Messages:** {} ({} unparsed rows), **transactions:** {}", s.messages, s.unparsed, s.transactions)?;
    writeln!(w)?;
    let sessions: Vec<TxSummary> = in_view(store, view, summaries(store)).collect();
    if !sessions.is_empty() {
        writeln!(w, "| station | transaction | connector | idTag | start | duration | energy | outcome |")?;
        writeln!(w, "|---|---|---|---|---|---|---|---|")?;
        for t in &sessions {
            let r = tx_row(t, zone).map(|c| md(&c));
            writeln!(w, "| {} |", r.join(" | "))?;
        }
        writeln!(w)?;
    }
    if findings.is_empty() {
        writeln!(w, "No findings.")?;
        return Ok(());
    }
    writeln!(w, "| severity | finding | count |")?;
    writeln!(w, "|---|---|---|")?;
    for (sev, rule, n) in counts(findings) {
        writeln!(w, "| {} | `{rule}` | {n} |", sev.name())?;
    }
    for f in findings {
        writeln!(w)?;
        let when = f.at.map_or_else(|| "no time".to_string(), |t| zone.format_with_zone(t));
        writeln!(w, "### {} — {} ({when})", f.severity.name(), md(&f.title))?;
        writeln!(w)?;
        writeln!(w, "{}", md(&f.explanation))?;
        writeln!(w)?;
        writeln!(w, "**What to do:** {}", md(&f.advice))?;
        writeln!(w)?;
        writeln!(w, "```")?;
        for &i in f.evidence.iter().take(20) {
            writeln!(w, "{}", list_line(store, i, zone))?;
        }
        for l in f.extra_lines.iter().take(20) {
            if let Some(u) = store.unparsed.iter().find(|u| u.file == l.file && u.line == l.line) {
                writeln!(w, "{}:{} {}", store.file_name(l.file), l.line, inert(store.unparsed_text(u).trim_end()))?;
            }
        }
        writeln!(w, "```")?;
    }
    Ok(())
}

fn md(s: &str) -> String {
    inert(s).replace('|', "\\|")
}

/// The payload written out for `list`: CALL/CALLRESULT payload, CALLERROR details.
fn payload_of(frame: &Option<Frame>) -> Value {
    frame.as_ref().map_or(Value::Null, |f| f.payload.to_value())
}

/// One message as a line of `list --format text`.
pub fn list_line(store: &LogStore, i: MsgIdx, zone: DisplayZone) -> String {
    let m = store.msg(i);
    let frame = store.frame(i);
    let when = m.time().map_or_else(|| "-".repeat(23), |t| zone.format(t));
    let station = store.str(m.station);
    let action = store.str(m.action);
    let body = match &frame {
        Some(f) if f.kind == MsgKind::Error => format!(
            "{} {:?} {}",
            f.error_code().unwrap_or(""),
            f.error_description().unwrap_or(""),
            f.payload.to_value()
        ),
        Some(f) => f.payload.to_value().to_string(),
        None => String::new(),
    };
    let line = format!(
        "{when} {station:<12} {} {:<6} {:<26} {:<12} {body}  ({}:{})",
        m.dir.arrow(),
        m.kind.name(),
        if action.is_empty() { "?" } else { action },
        frame.as_ref().map_or("", |f| f.unique_id.as_ref()),
        store.file_name(m.file),
        m.line
    );
    inert(&line).into_owned()
}

fn list_record(store: &LogStore, i: MsgIdx) -> Value {
    let m = store.msg(i);
    let frame = store.frame(i);
    let mut v = json!({
        "file": store.file_name(m.file),
        "line": m.line,
        "at": time_json(m.time()),
        "station": store.str(m.station),
        "direction": m.dir.name(),
        "type": m.kind.name(),
        "uniqueId": frame.as_ref().map(|f| f.unique_id.as_ref()),
        "action": if m.action.is_none() { Value::Null } else { Value::String(store.str(m.action).to_string()) },
        "payload": payload_of(&frame),
        "pairLine": m.pair.opt().map(|p| store.msg(p).line),
    });
    if let Some(f) = frame.filter(|f| f.kind == MsgKind::Error) {
        v["errorCode"] = json!(f.error_code());
        v["errorDescription"] = json!(f.error_description());
    }
    v
}

/// `list` in text, JSONL or CSV.
pub fn write_list(
    w: &mut dyn Write,
    store: &LogStore,
    view: &View,
    format: crate::cli::Format,
    zone: DisplayZone,
) -> io::Result<()> {
    use crate::cli::Format;
    match format {
        Format::Jsonl => {
            for i in view.iter() {
                serde_json::to_writer(&mut *w, &list_record(store, i))?;
                writeln!(w)?;
            }
        }
        Format::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record([
                "file",
                "line",
                "at",
                "station",
                "direction",
                "type",
                "uniqueId",
                "action",
                "payload",
                "pairLine",
            ])?;
            for i in view.iter() {
                let r = list_record(store, i);
                let text = |k: &str| match &r[k] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                c.write_record([
                    text("file"),
                    text("line"),
                    text("at"),
                    text("station"),
                    text("direction"),
                    text("type"),
                    text("uniqueId"),
                    text("action"),
                    r["payload"].to_string(),
                    text("pairLine"),
                ])?;
            }
            c.flush()?;
        }
        _ => {
            for i in view.iter() {
                writeln!(w, "{}", list_line(store, i, zone))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate_string, Dialect, SynthOptions};

    #[test]
    fn the_summary_of_every_message_is_that_of_a_pass_over_them() {
        let opts = |seed| SynthOptions { stations: 3, days: 1.0, seed, dialect: Dialect::Text, ..Default::default() };
        let (a, _) = generate_string(&opts(1));
        let (b, _) = generate_string(&opts(2));
        // two files whose times interleave, and lines without a time
        let mut one = tempfile::Builder::new().suffix(".log").tempfile().expect("temp file");
        let mut two = tempfile::Builder::new().suffix(".log").tempfile().expect("temp file");
        use std::io::Write;
        one.write_all(format!("no time here [CP-9] <- [2,\"x\",\"Heartbeat\",{{}}]\n{a}").as_bytes()).expect("write");
        two.write_all(b.as_bytes()).expect("write");
        let names = [one.path(), two.path()].map(|p| p.to_string_lossy().into_owned());
        let store = crate::ingest::load(&names, crate::ingest::LoadOptions::default(), &|_, _| {}).expect("load");
        assert!(store.messages.iter().any(|m| m.at == NO_TIME));
        let all = View::All(store.messages.len() as u32);
        let summary = Summary::of(&store, &all);
        assert_eq!(summary, Summary::of_view(&store, &all));
        assert_eq!(summary.stations.len(), 4);
    }
}
