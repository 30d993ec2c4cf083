//! `boot-rejected`: BootNotification answered Rejected or Pending.

use super::{about, calls, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};

pub struct BootRejected;

impl Rule for BootRejected {
    fn id(&self) -> &'static str {
        "boot-rejected"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in calls(ctx, "BootNotification") {
            let Some(answer) = result_of(store, i) else { continue };
            let status = store.str(store.facts(answer).status);
            if matches!(status, "Rejected" | "Pending") {
                out.push(about(store, self.id(), Severity::Error, i, text::boot_rejected(status)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_rejected_and_pending() {
        let s = log(&[
            r#"10:00:00 <- [2,"b1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:00:01 -> [3,"b1",{"status":"Pending","currentTime":"2025-01-01T10:00:01Z","interval":60}]"#,
            r#"10:01:00 <- [2,"b2","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:01:01 -> [3,"b2",{"status":"Rejected","currentTime":"2025-01-01T10:01:01Z","interval":60}]"#,
        ]);
        let f = findings(&s, "boot-rejected");
        assert_eq!(ids(&s, &f), vec![vec!["b1"], vec!["b2"]]);
        assert!(f[0].explanation.contains("onboarding"));
    }

    #[test]
    fn near_miss_accepted() {
        let s = log(&[
            r#"10:00:00 <- [2,"b1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:00:01 -> [3,"b1",{"status":"Accepted","currentTime":"2025-01-01T10:00:01Z","interval":60}]"#,
        ]);
        assert!(findings(&s, "boot-rejected").is_empty());
    }
}
