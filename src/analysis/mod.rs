//! Findings: what went wrong, explained, linked to the messages that show it.
//!
//! Each rule lives in its own file under `rules/` and reads the store's
//! indexes; user-facing wording lives in `text.rs`.

pub mod rules;
pub mod schema;
pub mod text;
pub mod transactions;

use crate::ingest::frame::MsgKind;
use crate::ingest::timestamp::Millis;
use crate::query::MsgSet;
use crate::store::intern::{FnvMap, Sym};
use crate::store::{LogStore, MsgIdx, TxIdx, NO_INT};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A place in an input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Line {
    pub file: u16,
    pub line: u32,
}

/// One diagnosed problem.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub station: String,
    pub connector: Option<i64>,
    pub transaction: Option<i64>,
    pub at: Option<Millis>,
    /// The messages that show it (requests before their answers).
    pub evidence: Vec<MsgIdx>,
    /// Lines of records that are not messages (unparsed rows).
    pub extra_lines: Vec<Line>,
    pub title: String,
    pub explanation: String,
    pub advice: String,
}

impl Finding {
    /// The uniqueIds of the evidence, a request/answer pair's shared id once.
    pub fn unique_ids(&self, store: &LogStore) -> Vec<String> {
        // a finding may have thousands of messages as evidence: ids seen are looked up, not searched
        let mut seen = std::collections::HashSet::new();
        let mut ids: Vec<String> = Vec::new();
        for &i in &self.evidence {
            let id = store.unique_id(i);
            if seen.insert(id.clone()) {
                ids.push(id);
            }
        }
        ids
    }

    /// Every evidence line, in file order.
    pub fn lines(&self, store: &LogStore) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .evidence
            .iter()
            .map(|&i| {
                let m = store.msg(i);
                Line { file: m.file, line: m.line }
            })
            .chain(self.extra_lines.iter().copied())
            .collect();
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

/// The numbers the rules use; the defaults are the contract's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Floor of the offline silence, in seconds (the silence is max(3 × heartbeat, this)).
    pub silence_s: i64,
    /// Payload vs log time difference that counts as clock skew, in seconds.
    pub skew_s: i64,
    /// Suspension during a transaction that is worth a note, in seconds.
    pub suspension_s: i64,
    /// BootNotifications within `reboot_window_s` that make a reboot loop.
    pub reboot_count: usize,
    pub reboot_window_s: i64,
    /// How long a request may wait for its answer, in seconds.
    pub response_timeout_s: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            silence_s: 15 * 60,
            skew_s: 5 * 60,
            suspension_s: 30 * 60,
            reboot_count: 3,
            reboot_window_s: 10 * 60,
            response_timeout_s: 60,
        }
    }
}

/// What the rules read.
pub struct Context<'a> {
    pub store: &'a LogStore,
    pub thresholds: Thresholds,
    /// Per station, its transactions in start order with the message that
    /// ended each: its StopTransaction, or the next start on its connector
    /// (then its stop was lost), or none (still open at the end).
    pub station_sessions: FnvMap<Sym, Vec<Session>>,
    /// StatusNotification requests by (station, connectorId), in time order:
    /// the connector index also lists every MeterValues, which rules that
    /// only want statuses would have to step over.
    statuses: FnvMap<(Sym, i64), Vec<MsgIdx>>,
}

/// A transaction's span, for "was a session running at this moment?".
#[derive(Clone, Copy, Debug)]
pub struct Session {
    pub tx: TxIdx,
    pub start: MsgIdx,
    pub end: Option<MsgIdx>,
}

impl Context<'_> {
    pub fn new(store: &LogStore, thresholds: Thresholds) -> Context<'_> {
        let mut station_sessions: FnvMap<Sym, Vec<Session>> = FnvMap::default();
        for (t, tx) in store.transactions.iter().enumerate() {
            let next_start = || {
                let list = store.index.by_connector.get(&(tx.station, tx.connector))?;
                let from = list.partition_point(|&i| i <= tx.start);
                list[from..].iter().copied().find(|&i| store.is_call_of(i, "StartTransaction"))
            };
            let end = tx.stop.or_else(next_start);
            station_sessions.entry(tx.station).or_default().push(Session { tx: TxIdx(t as u32), start: tx.start, end });
        }
        for list in station_sessions.values_mut() {
            list.sort_by_key(|s| s.start);
        }
        let mut statuses: FnvMap<(Sym, i64), Vec<MsgIdx>> = FnvMap::default();
        for &i in store.with_action("StatusNotification") {
            let (m, connector) = (store.msg(i), store.facts(i).connector);
            if m.kind == MsgKind::Call && connector != NO_INT {
                statuses.entry((m.station, connector)).or_default().push(i);
            }
        }
        Context { store, thresholds, station_sessions, statuses }
    }

    /// The StatusNotification requests of a connector, in time order.
    pub fn statuses(&self, station: Sym, connector: i64) -> &[MsgIdx] {
        self.statuses.get(&(station, connector)).map_or(&[], |v| v.as_slice())
    }

    /// A session of this station was running at message `i` (other than `except`).
    pub fn session_running(&self, station: Sym, i: MsgIdx, except: Option<TxIdx>) -> bool {
        let Some(list) = self.station_sessions.get(&station) else { return false };
        let before = list.partition_point(|s| s.start < i);
        // sessions of one station overlap only across its few connectors
        list[..before].iter().rev().take(16).any(|s| Some(s.tx) != except && s.end.is_none_or(|e| e > i))
    }
}

/// A detector.
pub trait Rule: Sync {
    fn id(&self) -> &'static str;
    fn check(&self, ctx: &Context, out: &mut Vec<Finding>);
    /// About how long the rule takes on a big log, relative to the others
    /// (1: it looks at a few messages; 10: it walks every message once):
    /// the costliest run first, so that the others fill the other cores.
    fn cost(&self) -> u32 {
        1
    }
}

/// Run every rule; findings come back sorted by time, then rule.
pub fn analyze(store: &LogStore, thresholds: Thresholds) -> Vec<Finding> {
    use rayon::prelude::*;
    let ctx = Context::new(store, thresholds);
    // the rules only read the store: run them side by side, the costliest
    // first; findings of different rules never tie, so their order is the sort's
    let mut rules = rules::all();
    rules.sort_by_key(|r| std::cmp::Reverse(r.cost()));
    let per_rule: Vec<Vec<Finding>> = rules
        .par_iter()
        .with_max_len(1)
        .map(|rule| {
            let mut out = Vec::new();
            rule.check(&ctx, &mut out);
            out
        })
        .collect();
    let mut findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    findings.sort_by(|a, b| {
        a.at.unwrap_or(i64::MIN)
            .cmp(&b.at.unwrap_or(i64::MIN))
            .then(a.rule.cmp(b.rule))
            .then(a.evidence.first().cmp(&b.evidence.first()))
    });
    findings
}

/// The messages that are evidence of the given findings.
pub fn flagged_set(store: &LogStore, findings: &[Finding], rules: &[String]) -> MsgSet {
    let mut set = MsgSet::new(store.messages.len());
    for f in findings {
        if rules.is_empty() || rules.iter().any(|r| r == f.rule) {
            for &i in &f.evidence {
                set.insert(i);
            }
        }
    }
    set
}
