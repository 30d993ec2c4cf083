//! `no-response`: a request with no answer within the response timeout.
//! Requests in the last timeout-span of the log may still be waiting and are left out.

use super::{about, from_station, log_span};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, NO_TIME};

pub struct NoResponse;

impl Rule for NoResponse {
    fn id(&self) -> &'static str {
        "no-response"
    }

    fn cost(&self) -> u32 {
        5
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let timeout_ms = ctx.thresholds.response_timeout_s * 1000;
        let end = log_span(store).map(|(_, last)| last);
        let n = store.messages.len();
        for i in store.all() {
            let m = store.msg(i);
            if m.kind != MsgKind::Call {
                continue;
            }
            let late_by = match m.pair.opt() {
                Some(p) => {
                    let (a, b) = (m.at, store.msg(p).at);
                    if a == NO_TIME || b == NO_TIME || b - a <= timeout_ms {
                        continue;
                    }
                    Some((b - a) / 1000)
                }
                None => {
                    let still_waiting = match (m.time(), end) {
                        (Some(t), Some(end)) => end - t < timeout_ms,
                        // no times: only the very last messages may still be waiting
                        _ => i.ix() + 3 >= n,
                    };
                    if still_waiting {
                        continue;
                    }
                    None
                }
            };
            let sender = (m.dir != Direction::Unknown).then(|| from_station(store, i));
            out.push(about(
                store,
                self.id(),
                Severity::Warning,
                i,
                text::no_response(store.str(m.action), sender, late_by),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_unanswered_and_late_answers() {
        let s = log(&[
            r#"10:00:00 -> [2,"g1","GetConfiguration",{}]"#,
            r#"10:00:10 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:02:30 -> [3,"h1",{"currentTime":"2025-01-01T10:02:30Z"}]"#,
            r#"10:10:00 <- [2,"h2","Heartbeat",{}]"#,
            r#"10:10:01 -> [3,"h2",{"currentTime":"2025-01-01T10:10:01Z"}]"#,
        ]);
        let f = findings(&s, "no-response");
        assert_eq!(ids(&s, &f), vec![vec!["g1"], vec!["h1"]]);
        assert!(f[0].explanation.contains("station was not reachable"));
        assert!(f[1].explanation.contains("only after"));
    }

    #[test]
    fn near_miss_pending_at_the_end_of_the_log() {
        let s = log(&[
            r#"10:00:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:00:01 -> [3,"h1",{"currentTime":"2025-01-01T10:00:01Z"}]"#,
            r#"10:00:30 -> [2,"g1","GetConfiguration",{}]"#,
            r#"10:00:45 <- [2,"h2","Heartbeat",{}]"#,
        ]);
        assert!(findings(&s, "no-response").is_empty());
    }
}
