//! `unknown-transaction`: MeterValues or StopTransaction naming a
//! transactionId that no StartTransaction answer in the log assigned.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::query::MsgSet;
use crate::store::intern::FnvMap;
use crate::store::{LogStore, MsgIdx, Sym, NO_INT};

pub struct UnknownTransaction;

/// The MeterValues and StopTransaction requests that belong to a
/// transaction. The store attaches exactly those whose (station,
/// transactionId) a StartTransaction answer assigned before them, so one
/// pass over the transactions replaces a lookup per request.
fn attached(store: &LogStore) -> MsgSet {
    let mut set = MsgSet::new(store.messages.len());
    for tx in &store.transactions {
        for &i in &tx.messages {
            set.insert(i);
        }
    }
    set
}

impl Rule for UnknownTransaction {
    fn id(&self) -> &'static str {
        "unknown-transaction"
    }

    fn cost(&self) -> u32 {
        8
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let attached = attached(store);
        // the first StartTransaction request on each (station, connector), looked up per request
        let mut first_start: FnvMap<(Sym, i64), MsgIdx> = FnvMap::default();
        for i in calls(ctx, "StartTransaction") {
            let connector = store.facts(i).connector;
            if connector != NO_INT {
                first_start.entry((store.msg(i).station, connector)).or_insert(i);
            }
        }
        let meter_values = store.strings.find("MeterValues");
        let stop_transaction = store.strings.find("StopTransaction");
        // one pass over all messages: MeterValues are a large share of the
        // log, and reading it in order is faster than following the action lists
        for (i, m) in store.messages.iter().enumerate() {
            let i = MsgIdx(i as u32);
            let action = if Some(m.action) == meter_values {
                "MeterValues"
            } else if Some(m.action) == stop_transaction {
                "StopTransaction"
            } else {
                continue;
            };
            if m.kind != MsgKind::Call || attached.contains(i) {
                continue;
            }
            let f = store.facts(i);
            let tx_id = f.transaction;
            if tx_id == NO_INT {
                continue;
            }
            // the connector's first sighting precedes any start on it: the session began before the log
            let connector = if action == "MeterValues" { f.connector } else { NO_INT };
            let before_window =
                connector != NO_INT && first_start.get(&(m.station, connector)).is_none_or(|&start| start > i);
            let w = text::unknown_transaction(action, tx_id, before_window);
            let mut finding = about(store, self.id(), Severity::Warning, i, w);
            finding.transaction = Some(tx_id);
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_ids_never_started() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:05:00 <- [2,"m1","MeterValues",{"connectorId":1,"transactionId":100009,"meterValue":[{"timestamp":"2025-01-01T10:05:00Z","sampledValue":[{"value":"5"}]}]}]"#,
            r#"10:06:00 <- [2,"e1","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:06:00Z","transactionId":-1}]"#,
        ]);
        let f = findings(&s, "unknown-transaction");
        assert_eq!(ids(&s, &f), vec![vec!["m1"], vec!["e1"]]);
        assert!(f[1].explanation.contains("-1"));
    }

    #[test]
    fn says_the_session_began_before_the_log_when_no_start_on_its_connector_came_first() {
        let s = log(&[
            // connector 2: its unknown MeterValues come before any start on it (one follows later)
            r#"10:00:00 <- [2,"m2","MeterValues",{"connectorId":2,"transactionId":41,"meterValue":[{"timestamp":"2025-01-01T10:00:00Z","sampledValue":[{"value":"5"}]}]}]"#,
            r#"10:01:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:01:00Z"}]"#,
            r#"10:01:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            // connector 1: a start came first, so the unknown id has other explanations
            r#"10:05:00 <- [2,"m1","MeterValues",{"connectorId":1,"transactionId":77,"meterValue":[{"timestamp":"2025-01-01T10:05:00Z","sampledValue":[{"value":"5"}]}]}]"#,
            r#"10:06:00 <- [2,"s2","StartTransaction",{"connectorId":2,"idTag":"U","meterStart":0,"timestamp":"2025-01-01T10:06:00Z"}]"#,
            r#"10:06:01 -> [3,"s2",{"transactionId":10,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:07:00 <- [2,"m3","MeterValues",{"connectorId":2,"transactionId":42,"meterValue":[{"timestamp":"2025-01-01T10:07:00Z","sampledValue":[{"value":"5"}]}]}]"#,
        ]);
        let f = findings(&s, "unknown-transaction");
        assert_eq!(ids(&s, &f), vec![vec!["m2"], vec!["m1"], vec!["m3"]]);
        let began_before = |k: usize| f[k].explanation.contains("probably started before");
        assert_eq!((began_before(0), began_before(1), began_before(2)), (true, false, false));
    }

    #[test]
    fn near_miss_known_or_absent_ids() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:05:00 <- [2,"m1","MeterValues",{"connectorId":1,"transactionId":9,"meterValue":[{"timestamp":"2025-01-01T10:05:00Z","sampledValue":[{"value":"5"}]}]}]"#,
            r#"10:05:30 <- [2,"m2","MeterValues",{"connectorId":0,"meterValue":[{"timestamp":"2025-01-01T10:05:30Z","sampledValue":[{"value":"5"}]}]}]"#,
        ]);
        assert!(findings(&s, "unknown-transaction").is_empty());
    }
}
