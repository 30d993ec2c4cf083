//! `remote-start-no-transaction`: RemoteStartTransaction accepted, but no
//! StartTransaction with its idTag within the start window.

use super::about;
use super::authorize_without_start::{accepted_without_start, START_WINDOW_MS};
use crate::analysis::{text, Context, Finding, Rule, Severity};

pub struct RemoteStartNoTransaction;

impl Rule for RemoteStartNoTransaction {
    fn id(&self) -> &'static str {
        "remote-start-no-transaction"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        for (i, tag) in accepted_without_start(ctx, "RemoteStartTransaction") {
            let w = text::remote_start_no_transaction(tag, START_WINDOW_MS / 1000);
            out.push(about(ctx.store, self.id(), Severity::Warning, i, w));
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
