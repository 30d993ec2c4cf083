//! `abnormal-stop`: StopTransaction with reason EmergencyStop, PowerLoss,
//! Reboot, HardReset, SoftReset, Other or DeAuthorized.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::NO_INT;

pub struct AbnormalStop;

const ABNORMAL: [&str; 7] = ["EmergencyStop", "PowerLoss", "Reboot", "HardReset", "SoftReset", "Other", "DeAuthorized"];

impl Rule for AbnormalStop {
    fn id(&self) -> &'static str {
        "abnormal-stop"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in calls(ctx, "StopTransaction") {
            let f = store.facts(i);
            let reason = store.str(f.reason);
            if !ABNORMAL.contains(&reason) {
                continue;
            }
            let tx_id = if f.transaction != NO_INT { f.transaction } else { -1 };
            let mut finding = about(store, self.id(), Severity::Warning, i, text::abnormal_stop(reason, tx_id));
            if let Some(t) = store.transaction_of(i) {
                finding.connector = Some(store.tx(t).connector);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_abnormal_reasons() {
        let s = log(&[
            r#"10:00:00 <- [2,"e1","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:00:00Z","transactionId":1,"reason":"EmergencyStop"}]"#,
            r#"10:10:00 <- [2,"e2","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:10:00Z","transactionId":2,"reason":"PowerLoss"}]"#,
        ]);
        let f = findings(&s, "abnormal-stop");
        assert_eq!(ids(&s, &f), vec![vec!["e1"], vec!["e2"]]);
        assert!(f[0].explanation.contains("emergency stop"));
    }

    #[test]
    fn near_miss_normal_reasons() {
        let s = log(&[
            r#"10:00:00 <- [2,"e1","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:00:00Z","transactionId":1,"reason":"Local"}]"#,
            r#"10:10:00 <- [2,"e2","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:10:00Z","transactionId":2}]"#,
            r#"10:20:00 <- [2,"e3","StopTransaction",{"meterStop":5,"timestamp":"2025-01-01T10:20:00Z","transactionId":3,"reason":"EVDisconnected"}]"#,
        ]);
        assert!(findings(&s, "abnormal-stop").is_empty());
    }
}
