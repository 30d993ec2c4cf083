//! `empty-idtag`: StartTransaction or Authorize with an empty idTag.

use super::{about, calls, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::NO_INT;

pub struct EmptyIdTag;

impl Rule for EmptyIdTag {
    fn id(&self) -> &'static str {
        "empty-idtag"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for action in ["StartTransaction", "Authorize"] {
            for i in calls(ctx, action) {
                let f = store.facts(i);
                if f.id_tag.is_none() || !store.str(f.id_tag).trim().is_empty() {
                    continue;
                }
                let answer = result_of(store, i).map(|r| store.str(store.facts(r).status)).filter(|s| !s.is_empty());
                let connector = (f.connector != NO_INT).then_some(f.connector);
                out.push(about(store, self.id(), Severity::Error, i, text::empty_idtag(action, connector, answer)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_empty_and_blank_tags() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":5,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:01:00 <- [2,"a1","Authorize",{"idTag":"  "}]"#,
        ]);
        let f = findings(&s, "empty-idtag");
        assert_eq!(ids(&s, &f), vec![vec!["s1"], vec!["a1"]]);
        assert_eq!(f[0].transaction, Some(5));
        assert_eq!(f[0].connector, Some(1));
        assert!(f[0].advice.contains("commission"));
    }

    #[test]
    fn near_miss_real_tag_or_stop_without_tag() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"ABC","meterStart":0,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:05:00 <- [2,"s2","StopTransaction",{"meterStop":10,"timestamp":"2025-01-01T10:05:00Z","transactionId":5}]"#,
        ]);
        assert!(findings(&s, "empty-idtag").is_empty());
    }
}
