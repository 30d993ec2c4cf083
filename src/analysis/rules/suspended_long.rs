//! `suspended-long`: a connector SuspendedEV/SuspendedEVSE for longer than
//! the threshold while a transaction is open on it.

use super::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{MsgIdx, NO_TIME};

pub struct SuspendedLong;

impl Rule for SuspendedLong {
    fn id(&self) -> &'static str {
        "suspended-long"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let limit = ctx.thresholds.suspension_s * 1000;
        let log_end = store.messages.iter().rev().map(|m| m.at).find(|&t| t != NO_TIME);
        for tx in &store.transactions {
            let timeline = ctx.statuses(tx.station, tx.connector);
            let end = tx.stop;
            // the connector's statuses while the transaction ran (timelines are in time order)
            let from = timeline.partition_point(|&i| i <= tx.start);
            let to = end.map_or(timeline.len(), |e| timeline.partition_point(|&i| i < e));
            let statuses = &timeline[from..to.max(from)];
            // a run of suspended statuses (SuspendedEVSE then SuspendedEV...) counts from its first one
            let suspended = |i: MsgIdx| matches!(store.str(store.facts(i).status), "SuspendedEV" | "SuspendedEVSE");
            let mut k = 0;
            while k < statuses.len() {
                let i = statuses[k];
                if !suspended(i) || store.msg(i).at == NO_TIME {
                    k += 1;
                    continue;
                }
                let mut next = k + 1;
                while next < statuses.len() && suspended(statuses[next]) {
                    next += 1;
                }
                let until = statuses.get(next).copied().or(end).map(|j| store.msg(j).at).or(log_end).unwrap_or(NO_TIME);
                let lasted = until - store.msg(i).at;
                if until != NO_TIME && lasted > limit {
                    let status = store.str(store.facts(i).status);
                    let w = text::suspended_long(status, tx.connector, lasted / 1000);
                    let mut f = about(store, self.id(), Severity::Info, i, w);
                    f.transaction = Some(tx.id);
                    out.push(f);
                }
                k = next;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    fn session(suspended_until: &str) -> crate::store::LogStore {
        let resume = format!(
            r#"{suspended_until} <- [2,"n3","StatusNotification",{{"connectorId":1,"errorCode":"NoError","status":"Charging"}}]"#
        );
        log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:00:02 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Charging"}]"#,
            r#"10:10:00 <- [2,"n2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"SuspendedEVSE"}]"#,
            &resume,
            r#"13:00:00 <- [2,"e1","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T13:00:00Z","transactionId":9}]"#,
        ])
    }

    #[test]
    fn fires_after_thirty_minutes() {
        let s = session("11:00:00");
        let f = findings(&s, "suspended-long");
        assert_eq!(ids(&s, &f), vec![vec!["n2"]]);
        assert!(f[0].explanation.contains("station is not offering"));
    }

    #[test]
    fn near_miss_short_suspension() {
        let s = session("10:30:00");
        assert!(findings(&s, "suspended-long").is_empty());
    }
}
