//! `authorize-without-start`: a card accepted by Authorize with no
//! StartTransaction for it on that station within the start window.
//! Skipped while a transaction is open on the station (the card may have
//! been presented to stop it).

use super::{about, calls, result_of};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{LogStore, MsgIdx, NO_TIME};

pub struct AuthorizeWithoutStart;

/// How long a driver has to plug in after presenting the card.
pub(crate) const START_WINDOW_MS: i64 = 5 * 60_000;

/// A StartTransaction for this idTag on the station within the window after
/// `i`. A start with an empty or mangled tag (one that contains this one)
/// still counts: the session did begin, and other findings cover the tag.
pub(crate) fn start_follows(store: &LogStore, i: MsgIdx, tag: &str) -> bool {
    let m = store.msg(i);
    let tag = tag.trim().to_ascii_lowercase();
    let starts = store.with_action("StartTransaction");
    let from = starts.partition_point(|&s| s <= i);
    starts[from..].iter().take_while(|&&s| store.msg(s).at == NO_TIME || store.msg(s).at - m.at <= START_WINDOW_MS).any(
        |&s| {
            let sm = store.msg(s);
            let started = store.str(store.facts(s).id_tag).trim().to_ascii_lowercase();
            sm.station == m.station && sm.at != NO_TIME && (started.is_empty() || started.contains(&tag))
        },
    )
}

/// Requests of `action` answered Accepted whose idTag started no session
/// on the station within the window (those too close to the end of the log
/// to tell are left out).
pub(crate) fn accepted_without_start<'a>(ctx: &'a Context, action: &str) -> Vec<(MsgIdx, &'a str)> {
    let store = ctx.store;
    let end = store.messages.iter().rev().map(|m| m.at).find(|&t| t != NO_TIME);
    calls(ctx, action)
        .filter(|&i| {
            let at = store.msg(i).at;
            result_of(store, i).is_some_and(|a| store.str(store.facts(a).status) == "Accepted")
                && at != NO_TIME
                && end.is_some_and(|e| e - at >= START_WINDOW_MS)
        })
        .map(|i| (i, store.str(store.facts(i).id_tag)))
        .filter(|&(i, tag)| !start_follows(store, i, tag))
        .collect()
}

impl Rule for AuthorizeWithoutStart {
    fn id(&self) -> &'static str {
        "authorize-without-start"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for (i, tag) in accepted_without_start(ctx, "Authorize") {
            // a card presented while a session runs may have been for stopping it
            if tag.trim().is_empty() || ctx.session_running(store.msg(i).station, i, None) {
                continue;
            }
            let w = text::authorize_without_start(tag, START_WINDOW_MS / 1000);
            out.push(about(store, self.id(), Severity::Info, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_when_no_session_follows() {
        let s = log(&[
            r#"10:00:00 <- [2,"a1","Authorize",{"idTag":"T1"}]"#,
            r#"10:00:01 -> [3,"a1",{"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:20:00 <- [2,"h1","Heartbeat",{}]"#,
        ]);
        assert_eq!(ids(&s, &findings(&s, "authorize-without-start")), vec![vec!["a1"]]);
    }

    #[test]
    fn near_miss_start_follows_case_insensitively() {
        let s = log(&[
            r#"10:00:00 <- [2,"a1","Authorize",{"idTag":"t1"}]"#,
            r#"10:00:01 -> [3,"a1",{"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:01:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T1","meterStart":0,"timestamp":"2025-01-01T10:01:00Z"}]"#,
            r#"10:20:00 <- [2,"h1","Heartbeat",{}]"#,
        ]);
        assert!(findings(&s, "authorize-without-start").is_empty());
    }
}
