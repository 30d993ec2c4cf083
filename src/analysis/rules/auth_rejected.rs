//! `auth-rejected`: idTagInfo status Invalid, Blocked, Expired or ConcurrentTx.

use super::{about, calls, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};

pub struct AuthRejected;

const REFUSALS: [&str; 4] = ["Invalid", "Blocked", "Expired", "ConcurrentTx"];

impl Rule for AuthRejected {
    fn id(&self) -> &'static str {
        "auth-rejected"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for action in ["Authorize", "StartTransaction", "StopTransaction"] {
            for i in calls(ctx, action) {
                let Some(answer) = result_of(store, i) else { continue };
                let status = store.str(store.facts(answer).status);
                if !REFUSALS.contains(&status) {
                    continue;
                }
                let tag = store.str(store.facts(i).id_tag);
                out.push(about(store, self.id(), Severity::Warning, i, text::auth_rejected(action, status, tag)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_each_refusal_with_the_user_knowledge() {
        let s = log(&[
            r#"10:00:00 <- [2,"a1","Authorize",{"idTag":"E2C9A1F0"}]"#,
            r#"10:00:01 -> [3,"a1",{"idTagInfo":{"status":"Invalid"}}]"#,
            r#"10:01:00 <- [2,"a2","Authorize",{"idTag":"X"}]"#,
            r#"10:01:01 -> [3,"a2",{"idTagInfo":{"status":"ConcurrentTx"}}]"#,
        ]);
        let f = findings(&s, "auth-rejected");
        assert_eq!(ids(&s, &f), vec![vec!["a1"], vec!["a2"]]);
        let e = &f[0].explanation;
        assert!(e.contains("linked to no account") && e.contains("private") && e.contains("payment card"), "{e}");
        assert!(f[1].explanation.contains("another running session"));
    }

    #[test]
    fn near_miss_accepted_or_unanswered() {
        let s = log(&[
            r#"10:00:00 <- [2,"a1","Authorize",{"idTag":"E2C9A1F0"}]"#,
            r#"10:00:01 -> [3,"a1",{"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:02:00 <- [2,"a2","Authorize",{"idTag":"E2C9A1F0"}]"#,
        ]);
        assert!(findings(&s, "auth-rejected").is_empty());
    }
}
