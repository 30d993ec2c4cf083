//! One line per charging session: who, where, when, how much, how it ended.

use crate::ingest::frame::MsgKind;
use crate::ingest::timestamp::Millis;
use crate::store::{LogStore, MsgIdx, TxIdx, NO_INT, NO_TIME};

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Stopped normally (Local, Remote, EVDisconnected, or no reason).
    Completed,
    /// StartTransaction not answered, answered with an error, or refused.
    FailedToStart,
    /// Stopped for an abnormal reason, or lost: a later start or reboot came first.
    Interrupted,
    /// No StopTransaction by the end of the log.
    StillOpen,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::FailedToStart => "failed to start",
            Outcome::Interrupted => "interrupted",
            Outcome::StillOpen => "still open",
        }
    }
}

/// A session as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TxSummary {
    pub station: String,
    /// None when the start never got a transactionId.
    pub id: Option<i64>,
    pub connector: Option<i64>,
    pub id_tag: String,
    pub start: MsgIdx,
    pub stop: Option<MsgIdx>,
    /// Log times.
    pub started_at: Option<Millis>,
    pub stopped_at: Option<Millis>,
    /// Times the station put in StartTransaction / StopTransaction.
    pub payload_start: Option<Millis>,
    pub payload_stop: Option<Millis>,
    pub energy_kwh: Option<f64>,
    pub duration_s: Option<i64>,
    pub stop_reason: Option<String>,
    pub outcome: Outcome,
}

const NORMAL_REASONS: [&str; 4] = ["Local", "Remote", "EVDisconnected", "UnlockCommand"];

fn opt_time(t: Millis) -> Option<Millis> {
    (t != NO_TIME).then_some(t)
}

/// Every StartTransaction, in time order, summarised.
pub fn summarize(store: &LogStore) -> Vec<TxSummary> {
    summaries(store).collect()
}

/// [`summarize`], one session at a time (a big log has thousands, each
/// with texts of its own: a writer need not hold them all).
pub fn summaries(store: &LogStore) -> impl Iterator<Item = TxSummary> + '_ {
    let mut by_start: Vec<(MsgIdx, Option<TxIdx>)> =
        store.transactions.iter().enumerate().map(|(t, tx)| (tx.start, Some(TxIdx(t as u32)))).collect();
    // starts that never became a transaction (looked up in a sorted list: there are thousands)
    let mut made: Vec<MsgIdx> = by_start.iter().map(|&(s, _)| s).collect();
    made.sort_unstable();
    for &i in store.with_action("StartTransaction") {
        if store.msg(i).kind == MsgKind::Call && made.binary_search(&i).is_err() {
            by_start.push((i, None));
        }
    }
    by_start.sort_by_key(|(s, _)| *s);
    by_start.into_iter().map(move |(start, tx)| summarize_one(store, start, tx))
}

fn summarize_one(store: &LogStore, start: MsgIdx, tx: Option<TxIdx>) -> TxSummary {
    let m = store.msg(start);
    let f = store.facts(start);
    let mut s = TxSummary {
        station: store.str(m.station).to_string(),
        id: None,
        connector: (f.connector != NO_INT).then_some(f.connector),
        id_tag: store.str(f.id_tag).to_string(),
        start,
        stop: None,
        started_at: m.time(),
        stopped_at: None,
        payload_start: opt_time(f.time),
        payload_stop: None,
        energy_kwh: None,
        duration_s: None,
        stop_reason: None,
        outcome: Outcome::FailedToStart,
    };
    let Some(t) = tx else { return s };
    let tx = store.tx(t);
    s.id = Some(tx.id);
    let refused =
        store.msg(start).pair.opt().is_some_and(|a| !matches!(store.str(store.facts(a).status), "Accepted" | ""));
    let Some(stop) = tx.stop else {
        let later_start = store
            .index
            .by_connector
            .get(&(tx.station, tx.connector))
            // (the list is in time order: the next start, when there is one, comes soon after this one)
            .is_some_and(|l| {
                l[l.partition_point(|&j| j <= start)..].iter().any(|&j| store.is_call_of(j, "StartTransaction"))
            });
        s.outcome = if refused {
            Outcome::FailedToStart
        } else if later_start {
            Outcome::Interrupted
        } else {
            Outcome::StillOpen
        };
        return s;
    };
    let sf = store.facts(stop);
    s.stop = Some(stop);
    s.stopped_at = store.msg(stop).time();
    s.payload_stop = opt_time(sf.time);
    s.duration_s = match (s.payload_start, s.payload_stop) {
        (Some(a), Some(b)) if b >= a => Some((b - a) / 1000),
        _ => s.started_at.zip(s.stopped_at).map(|(a, b)| (b - a) / 1000),
    };
    if let Some((first, last)) = tx.register.ends {
        s.energy_kwh = Some((last - first) / 1000.0);
    }
    let reason = if sf.reason.is_none() { "Local".to_string() } else { store.str(sf.reason).to_string() };
    s.outcome = if refused {
        Outcome::FailedToStart
    } else if NORMAL_REASONS.contains(&reason.as_str()) {
        Outcome::Completed
    } else {
        Outcome::Interrupted
    };
    s.stop_reason = Some(reason);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::log;

    #[test]
    fn outcomes_energy_and_duration() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T1","meterStart":1000,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:30:00 <- [2,"e1","StopTransaction",{"meterStop":8500,"timestamp":"2025-01-01T10:30:00Z","transactionId":9}]"#,
            r#"11:00:00 <- [2,"s2","StartTransaction",{"connectorId":2,"idTag":"T2","meterStart":0,"timestamp":"2025-01-01T11:00:00Z"}]"#,
            r#"11:00:01 -> [4,"s2","InternalError","db down",{}]"#,
            r#"12:00:00 <- [2,"s3","StartTransaction",{"connectorId":1,"idTag":"T3","meterStart":8500,"timestamp":"2025-01-01T12:00:00Z"}]"#,
            r#"12:00:01 -> [3,"s3",{"transactionId":10,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"12:20:00 <- [2,"e3","StopTransaction",{"meterStop":9000,"timestamp":"2025-01-01T12:20:00Z","transactionId":10,"reason":"PowerLoss"}]"#,
            r#"13:00:00 <- [2,"s4","StartTransaction",{"connectorId":1,"idTag":"T4","meterStart":9000,"timestamp":"2025-01-01T13:00:00Z"}]"#,
            r#"13:00:01 -> [3,"s4",{"transactionId":11,"idTagInfo":{"status":"Accepted"}}]"#,
        ]);
        let t = summarize(&s);
        let outcomes: Vec<&str> = t.iter().map(|x| x.outcome.name()).collect();
        assert_eq!(outcomes, vec!["completed", "failed to start", "interrupted", "still open"]);
        assert_eq!(t[0].id, Some(9));
        assert_eq!(t[0].energy_kwh, Some(7.5));
        assert_eq!(t[0].duration_s, Some(1800));
        assert_eq!(t[0].stop_reason.as_deref(), Some("Local"));
        assert_eq!(t[1].id, None);
        assert_eq!(t[2].stop_reason.as_deref(), Some("PowerLoss"));
    }

    #[test]
    fn an_unstopped_session_is_interrupted_only_by_a_later_start_on_its_connector() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T1","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"11:00:00 <- [2,"s2","StartTransaction",{"connectorId":1,"idTag":"T2","meterStart":0,"timestamp":"2025-01-01T11:00:00Z"}]"#,
            r#"11:00:01 -> [3,"s2",{"transactionId":10,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"12:00:00 <- [2,"s3","StartTransaction",{"connectorId":2,"idTag":"T3","meterStart":0,"timestamp":"2025-01-01T12:00:00Z"}]"#,
            r#"12:00:01 -> [3,"s3",{"transactionId":11,"idTagInfo":{"status":"Accepted"}}]"#,
        ]);
        let outcomes: Vec<&str> = summarize(&s).iter().map(|x| x.outcome.name()).collect();
        // s2 follows s1 on connector 1; nothing follows s2 there, and s3 is alone on connector 2
        assert_eq!(outcomes, vec!["interrupted", "still open", "still open"]);
    }
}
