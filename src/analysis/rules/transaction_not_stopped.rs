//! `transaction-not-stopped`: a started transaction with no StopTransaction
//! by the end of the log or before the next start on its connector.

use super::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{LogStore, MsgIdx, Transaction};

pub struct TransactionNotStopped;

/// Why we are sure (or not) that the stop was lost.
fn reason(store: &LogStore, tx: &Transaction) -> &'static str {
    // the messages of a (time-ordered) list after the start: only those are looked at,
    // and the next start on the connector, when there is one, comes soon after it
    fn after(list: Option<&Vec<MsgIdx>>, start: MsgIdx) -> &[MsgIdx] {
        let list = list.map_or(&[][..], |v| v.as_slice());
        &list[list.partition_point(|&i| i <= start)..]
    }
    let later = |list| after(list, tx.start);
    let on_connector = later(store.index.by_connector.get(&(tx.station, tx.connector)));
    if on_connector.iter().any(|&i| store.is_call_of(i, "StartTransaction")) {
        return "next-start";
    }
    let station = later(store.index.by_station.get(&tx.station));
    if station.iter().any(|&i| store.is_call_of(i, "BootNotification")) {
        return "reboot";
    }
    let available = on_connector
        .iter()
        .any(|&i| store.is_call_of(i, "StatusNotification") && store.str(store.facts(i).status) == "Available");
    if available {
        "available"
    } else {
        "end"
    }
}

impl Rule for TransactionNotStopped {
    fn id(&self) -> &'static str {
        "transaction-not-stopped"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for tx in &store.transactions {
            if tx.stop.is_some() {
                continue;
            }
            let w = text::transaction_not_stopped(tx.id, reason(store, tx));
            let mut f = about(store, self.id(), Severity::Warning, tx.start, w);
            f.transaction = Some(tx.id);
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    const START: &str = r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#;
    const ANSWER: &str = r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#;

    #[test]
    fn fires_when_the_next_start_comes_first() {
        let s = log(&[
            START,
            ANSWER,
            r#"11:00:00 <- [2,"s2","StartTransaction",{"connectorId":1,"idTag":"U","meterStart":5,"timestamp":"2025-01-01T11:00:00Z"}]"#,
            r#"11:00:01 -> [3,"s2",{"transactionId":10,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"12:00:00 <- [2,"e2","StopTransaction",{"meterStop":50,"timestamp":"2025-01-01T12:00:00Z","transactionId":10}]"#,
        ]);
        let f = findings(&s, "transaction-not-stopped");
        assert_eq!(ids(&s, &f), vec![vec!["s1"]]);
        assert_eq!(f[0].transaction, Some(9));
        assert!(f[0].explanation.contains("certainly lost"));
    }

    #[test]
    fn the_reason_comes_from_what_followed_the_start_only() {
        const BOOT: &str = r#"<- [2,"b1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#;
        const AVAILABLE: &str =
            r#"<- [2,"a1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#;
        let reason_of = |before: &[&str], after: &[&str]| {
            let lines: Vec<String> = before
                .iter()
                .map(|l| format!("09:00:00 {l}"))
                .chain([START.to_string(), ANSWER.to_string()])
                .chain(after.iter().map(|l| format!("11:00:00 {l}")))
                .collect();
            let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
            let f = findings(&s, "transaction-not-stopped");
            assert_eq!(ids(&s, &f), vec![vec!["s1"]]);
            f[0].explanation.clone()
        };
        // a reboot or an Available before the start says nothing about it
        assert!(reason_of(&[BOOT, AVAILABLE], &[]).contains("by the end of the log"));
        assert!(reason_of(&[], &[BOOT]).contains("rebooted while it was open"));
        assert!(reason_of(&[BOOT], &[AVAILABLE]).contains("later reported Available"));
    }

    #[test]
    fn near_miss_stopped() {
        let s = log(&[
            START,
            ANSWER,
            r#"10:30:00 <- [2,"e1","StopTransaction",{"meterStop":50,"timestamp":"2025-01-01T10:30:00Z","transactionId":9}]"#,
        ]);
        assert!(findings(&s, "transaction-not-stopped").is_empty());
    }
}
