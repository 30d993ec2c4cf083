//! `connector-faulted`: StatusNotification with status Faulted.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};

pub struct ConnectorFaulted;

impl Rule for ConnectorFaulted {
    fn id(&self) -> &'static str {
        "connector-faulted"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in calls(ctx, "StatusNotification") {
            let f = store.facts(i);
            if store.str(f.status) != "Faulted" {
                continue;
            }
            let m = store.msg(i);
            let statuses = || ctx.statuses(m.station, f.connector).iter().copied();
            let last_code = statuses()
                .rev()
                .filter(|&j| j < i)
                .map(|j| store.str(store.facts(j).error_code))
                .find(|c| !c.is_empty() && *c != "NoError");
            let recovered = statuses().find(|&j| j > i && store.str(store.facts(j).status) != "Faulted");
            let until = recovered.and_then(|j| Some((store.msg(j).time()? - m.time()?) / 1000));
            let w = text::connector_faulted(f.connector.max(0), store.str(f.error_code), last_code, until);
            out.push(about(store, self.id(), Severity::Error, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_and_recalls_the_last_error_code() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"HighTemperature","status":"SuspendedEVSE"}]"#,
            r#"10:01:00 <- [2,"n2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Faulted"}]"#,
            r#"10:11:00 <- [2,"n3","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#,
        ]);
        let f = findings(&s, "connector-faulted");
        assert_eq!(ids(&s, &f), vec![vec!["n2"]]);
        assert!(f[0].explanation.contains("HighTemperature"));
        assert!(f[0].explanation.contains("10 min"));
    }

    #[test]
    fn near_miss_other_statuses() {
        let s = log(&[
            r#"10:00:00 <- [2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Unavailable"}]"#,
        ]);
        assert!(findings(&s, "connector-faulted").is_empty());
    }
}
