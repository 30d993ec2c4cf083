//! `duplicate-uid`: one sender of one station reuses a uniqueId for a
//! request with a different action or payload, with no BootNotification
//! between. An identical resend is a retry, not a duplicate.

use super::{about, calls};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::intern::FnvMap;
use crate::store::{Direction, LogStore, MsgIdx, Sym};

pub struct DuplicateUid;

/// Two requests carry the same content when their action and extracted payload fields agree.
fn same_request(store: &LogStore, a: MsgIdx, b: MsgIdx) -> bool {
    let (fa, fb) = (store.facts(a), store.facts(b));
    store.msg(a).action == store.msg(b).action
        && (fa.id_tag, fa.status, fa.error_code, fa.info, fa.key, fa.reason)
            == (fb.id_tag, fb.status, fb.error_code, fb.info, fb.key, fb.reason)
        && (fa.connector, fa.transaction, fa.value, fa.time) == (fb.connector, fb.transaction, fb.value, fb.time)
        && store.readings(a).len() == store.readings(b).len()
}

impl Rule for DuplicateUid {
    fn id(&self) -> &'static str {
        "duplicate-uid"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        // BootNotifications per station: a reboot opens a new id space
        let mut boots: FnvMap<Sym, Vec<MsgIdx>> = FnvMap::default();
        for i in calls(ctx, "BootNotification") {
            boots.entry(store.msg(i).station).or_default().push(i);
        }
        // the reuses of an id, found while the store was built
        for &(prev, i) in &store.uid_reuses {
            let station_boots = boots.get(&store.msg(i).station).map_or(&[][..], |b| b.as_slice());
            check_reuse(store, station_boots, prev, i, out);
        }
    }
}

/// A request reusing the uniqueId of `prev` (same station and sender) is a
/// duplicate unless the station rebooted between or it is a resend.
fn check_reuse(store: &LogStore, boots: &[MsgIdx], prev: MsgIdx, i: MsgIdx, out: &mut Vec<Finding>) {
    let after_prev = boots.partition_point(|&x| x <= prev);
    let rebooted = boots.get(after_prev).is_some_and(|&x| x <= i);
    if rebooted || same_request(store, prev, i) {
        return;
    }
    let m = store.msg(i);
    let sender = if m.dir == Direction::CsToCp { "back end" } else { "station" };
    let w = text::duplicate_uid(&store.unique_id(i), store.str(store.msg(prev).action), store.str(m.action), sender);
    let mut f = about(store, "duplicate-uid", Severity::Warning, i, w);
    f.evidence.splice(0..0, std::iter::once(prev).chain(store.msg(prev).pair.opt()));
    out.push(f);
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_a_reused_id_for_another_request() {
        let s = log(&[
            r#"10:00:00 <- [2,"7","Heartbeat",{}]"#,
            r#"10:00:01 -> [3,"7",{"currentTime":"2025-01-01T10:00:01Z"}]"#,
            r#"10:00:05 <- [2,"7","DataTransfer",{"vendorId":"v"}]"#,
            r#"10:00:06 -> [3,"7",{"status":"Accepted"}]"#,
        ]);
        let f = findings(&s, "duplicate-uid");
        assert_eq!(ids(&s, &f), vec![vec!["7"]]);
        assert_eq!(f[0].evidence.len(), 4);
    }

    #[test]
    fn near_misses_resend_other_sender_or_reboot() {
        let s = log(&[
            r#"10:00:00 <- [2,"7","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#,
            r#"10:00:30 <- [2,"7","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#,
            r#"10:00:31 -> [3,"7",{}]"#,
            r#"10:01:00 -> [2,"7","GetConfiguration",{}]"#,
            r#"10:01:01 <- [3,"7",{}]"#,
            r#"10:02:00 <- [2,"8","Heartbeat",{}]"#,
            r#"10:02:01 -> [3,"8",{}]"#,
            r#"10:03:00 <- [2,"1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:03:01 -> [3,"1",{"status":"Accepted","currentTime":"2025-01-01T10:03:01Z","interval":60}]"#,
            r#"10:03:05 <- [2,"8","Authorize",{"idTag":"T"}]"#,
        ]);
        assert!(findings(&s, "duplicate-uid").is_empty());
    }
}
