//! `command-rejected`: a central-system command answered with a negative status.

use super::{about, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::Direction;

pub struct CommandRejected;

/// The statuses that mean the command did not happen, per command.
fn is_refusal(action: &str, status: &str) -> bool {
    match action {
        "ReserveNow" => matches!(status, "Faulted" | "Occupied" | "Rejected" | "Unavailable"),
        "SendLocalList" => matches!(status, "Failed" | "NotSupported" | "VersionMismatch"),
        "DataTransfer" => matches!(status, "Rejected" | "UnknownMessageId" | "UnknownVendorId"),
        "ClearChargingProfile" => false,
        _ => matches!(
            status,
            "Rejected"
                | "NotSupported"
                | "Failed"
                | "UnlockFailed"
                | "NotImplemented"
                | "NotFound"
                | "InvalidCertificate"
                | "RevokedCertificate"
        ),
    }
}

impl Rule for CommandRejected {
    fn id(&self) -> &'static str {
        "command-rejected"
    }

    fn cost(&self) -> u32 {
        5
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in store.all() {
            let m = store.msg(i);
            if m.kind != MsgKind::Call || m.dir != Direction::CsToCp {
                continue;
            }
            let Some(answer) = result_of(store, i) else { continue };
            let (action, status) = (store.str(m.action), store.str(store.facts(answer).status));
            if is_refusal(action, status) {
                out.push(about(store, self.id(), Severity::Warning, i, text::command_rejected(action, status)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_refused_commands() {
        let s = log(&[
            r#"10:00:00 -> [2,"c1","UnlockConnector",{"connectorId":1}]"#,
            r#"10:00:01 <- [3,"c1",{"status":"UnlockFailed"}]"#,
            r#"10:01:00 -> [2,"c2","RemoteStartTransaction",{"connectorId":1,"idTag":"T"}]"#,
            r#"10:01:01 <- [3,"c2",{"status":"Rejected"}]"#,
            r#"10:02:00 -> [2,"c3","DataTransfer",{"vendorId":"x"}]"#,
            r#"10:02:01 <- [3,"c3",{"status":"UnknownVendorId"}]"#,
        ]);
        assert_eq!(ids(&s, &findings(&s, "command-rejected")), vec![vec!["c1"], vec!["c2"], vec!["c3"]]);
    }

    #[test]
    fn near_miss_accepted_informational_or_station_request() {
        let s = log(&[
            r#"10:00:00 -> [2,"c1","ChangeConfiguration",{"key":"K","value":"1"}]"#,
            r#"10:00:01 <- [3,"c1",{"status":"RebootRequired"}]"#,
            r#"10:01:00 -> [2,"c2","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]"#,
            r#"10:01:01 <- [3,"c2",{"status":"Scheduled"}]"#,
            r#"10:02:00 <- [2,"c3","DataTransfer",{"vendorId":"x"}]"#,
            r#"10:02:01 -> [3,"c3",{"status":"Rejected"}]"#,
        ]);
        assert!(findings(&s, "command-rejected").is_empty());
    }
}
