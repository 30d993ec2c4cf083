//! `connector-error`: StatusNotification with an errorCode other than NoError.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};

pub struct ConnectorError;

impl Rule for ConnectorError {
    fn id(&self) -> &'static str {
        "connector-error"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in calls(ctx, "StatusNotification") {
            let f = store.facts(i);
            let code = store.str(f.error_code);
            if f.error_code.is_none() || code == "NoError" || code.is_empty() {
                continue;
            }
            let w = text::connector_error(
                f.connector.max(0),
                store.str(f.status),
                code,
                store.str(f.info),
                store.str(f.vendor_id),
                store.str(f.vendor_error),
            );
            out.push(about(store, self.id(), Severity::Error, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_with_vendor_details_and_warning_wording() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"GroundFailure","status":"Available","vendorErrorCode":"RCD-30mA"}]"#,
            r#"10:00:09 <- [2,"n2","StatusNotification",{"connectorId":0,"errorCode":"OtherError","status":"Faulted","info":"EmergencyPressed","vendorErrorCode":"17"}]"#,
        ]);
        let f = findings(&s, "connector-error");
        assert_eq!(ids(&s, &f), vec![vec!["n1"], vec!["n2"]]);
        assert!(f[0].explanation.contains("charging is still possible"));
        assert!(f[0].title.contains("RCD-30mA"));
        assert!(f[1].explanation.contains("emergency stop"));
    }

    #[test]
    fn near_miss_no_error() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Faulted"}]"#,
        ]);
        assert!(findings(&s, "connector-error").is_empty());
    }
}
