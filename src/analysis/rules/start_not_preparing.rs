//! `start-not-preparing`: StartTransaction on a connector whose last status
//! was Faulted or Unavailable, or Charging/Suspended with another
//! transaction open there. A status that follows within a few seconds may
//! have been reordered and makes it a near miss.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::NO_TIME;

pub struct StartNotPreparing;

const REORDER_MS: i64 = 5_000;

impl Rule for StartNotPreparing {
    fn id(&self) -> &'static str {
        "start-not-preparing"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in calls(ctx, "StartTransaction") {
            let m = store.msg(i);
            let connector = store.facts(i).connector;
            let statuses = ctx.statuses(m.station, connector);
            let split = statuses.partition_point(|&j| j < i);
            let Some(&last) = split.checked_sub(1).map(|k| &statuses[k]) else { continue };
            let status = store.str(store.facts(last).status);
            let busy = matches!(status, "Charging" | "SuspendedEV" | "SuspendedEVSE")
                && ctx.station_sessions.get(&m.station).is_some_and(|list| {
                    let before = list.partition_point(|s| s.start < i);
                    list[..before]
                        .iter()
                        .rev()
                        .take(16)
                        .any(|s| store.tx(s.tx).connector == connector && s.end.is_none_or(|e| e > i))
                });
            if !(matches!(status, "Faulted" | "Unavailable") || busy) {
                continue;
            }
            let reordered = statuses[split..].iter().take(3).any(|&j| {
                let (a, b) = (store.msg(j).at, m.at);
                a != NO_TIME && b != NO_TIME && a - b <= REORDER_MS
            });
            if reordered {
                continue;
            }
            out.push(about(store, self.id(), Severity::Info, i, text::start_not_preparing(connector, status)));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    const START: &str = r#"10:05:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2025-01-01T10:05:00Z"}]"#;

    #[test]
    fn fires_on_a_faulted_connector() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"GroundFailure","status":"Faulted"}]"#,
            START,
        ]);
        assert_eq!(ids(&s, &findings(&s, "start-not-preparing")), vec![vec!["s1"]]);
    }

    #[test]
    fn near_miss_preparing_or_reordered() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Preparing"}]"#,
            START,
        ]);
        assert!(findings(&s, "start-not-preparing").is_empty());
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Unavailable"}]"#,
            START,
            r#"10:05:02 <- [2,"n2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Preparing"}]"#,
        ]);
        assert!(findings(&s, "start-not-preparing").is_empty());
    }
}
