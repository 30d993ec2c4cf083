//! `remote-start-no-transaction`: RemoteStartTransaction accepted, but no
//! StartTransaction with its idTag within the start window.

use super::authorize_without_start::{start_follows, START_WINDOW_MS};
use super::{about, calls, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::NO_TIME;

pub struct RemoteStartNoTransaction;

impl Rule for RemoteStartNoTransaction {
    fn id(&self) -> &'static str {
        "remote-start-no-transaction"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let end = store.messages.iter().rev().map(|m| m.at).find(|&t| t != NO_TIME);
        for i in calls(ctx, "RemoteStartTransaction") {
            let Some(answer) = result_of(store, i) else { continue };
            let m = store.msg(i);
            if store.str(store.facts(answer).status) != "Accepted" || m.at == NO_TIME {
                continue;
            }
            if end.is_some_and(|e| e - m.at < START_WINDOW_MS) {
                continue;
            }
            let tag = store.str(store.facts(i).id_tag);
            if start_follows(store, i, tag) {
                continue;
            }
            let w = text::remote_start_no_transaction(tag, START_WINDOW_MS / 1000);
            out.push(about(store, self.id(), Severity::Warning, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_when_no_session_follows() {
        let s = log(&[
            r#"10:00:00 -> [2,"r1","RemoteStartTransaction",{"connectorId":1,"idTag":"APP1"}]"#,
            r#"10:00:01 <- [3,"r1",{"status":"Accepted"}]"#,
            r#"10:30:00 <- [2,"h1","Heartbeat",{}]"#,
        ]);
        assert_eq!(ids(&s, &findings(&s, "remote-start-no-transaction")), vec![vec!["r1"]]);
    }

    #[test]
    fn near_miss_session_follows_or_rejected() {
        let s = log(&[
            r#"10:00:00 -> [2,"r1","RemoteStartTransaction",{"connectorId":1,"idTag":"APP1"}]"#,
            r#"10:00:01 <- [3,"r1",{"status":"Accepted"}]"#,
            r#"10:00:30 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"APP1","meterStart":0,"timestamp":"2025-01-01T10:00:30Z"}]"#,
            r#"10:10:00 -> [2,"r2","RemoteStartTransaction",{"connectorId":2,"idTag":"APP2"}]"#,
            r#"10:10:01 <- [3,"r2",{"status":"Rejected"}]"#,
            r#"10:30:00 <- [2,"h1","Heartbeat",{}]"#,
        ]);
        assert!(findings(&s, "remote-start-no-transaction").is_empty());
    }
}
