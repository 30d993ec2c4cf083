//! `orphan-response`: an answer whose uniqueId matches no request (or one
//! already answered). Answers in the first timeout-span of the log are left
//! out: their request is probably just before the log starts.

use super::log_span;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::NO_INT;

pub struct OrphanResponse;

impl Rule for OrphanResponse {
    fn id(&self) -> &'static str {
        "orphan-response"
    }

    fn cost(&self) -> u32 {
        5
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let timeout_ms = ctx.thresholds.response_timeout_s * 1000;
        let start = log_span(store).map(|(first, _)| first);
        for i in store.all() {
            let m = store.msg(i);
            if m.kind == MsgKind::Call || m.pair.opt().is_some() {
                continue;
            }
            match (m.time(), start) {
                (Some(t), Some(s)) if t - s < timeout_ms => continue,
                (None, _) if i.ix() < 3 => continue,
                _ => {}
            }
            let kind = if m.kind == MsgKind::Error { "CALLERROR" } else { "CALLRESULT" };
            let w = text::orphan_response(kind);
            let f = store.facts(i);
            out.push(Finding {
                rule: self.id(),
                severity: Severity::Warning,
                station: store.str(m.station).to_string(),
                connector: (f.connector != NO_INT).then_some(f.connector),
                transaction: None,
                at: m.time(),
                evidence: vec![i],
                extra_lines: Vec::new(),
                title: w.title,
                explanation: w.explanation,
                advice: w.advice,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_unmatched_and_second_answers() {
        let s = log(&[
            r#"10:00:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:05:00 <- [2,"h2","Heartbeat",{}]"#,
            r#"10:05:01 -> [3,"h2",{"currentTime":"2025-01-01T10:05:01Z"}]"#,
            r#"10:05:02 -> [3,"h2",{"currentTime":"2025-01-01T10:05:02Z"}]"#,
            r#"10:06:00 <- [3,"zz",{"status":"Accepted"}]"#,
        ]);
        let f = findings(&s, "orphan-response");
        assert_eq!(ids(&s, &f), vec![vec!["h2"], vec!["zz"]]);
    }

    #[test]
    fn near_miss_answer_at_the_start_of_the_log() {
        let s =
            log(&[r#"10:00:00 -> [3,"x",{}]"#, r#"10:05:00 <- [2,"h1","Heartbeat",{}]"#, r#"10:05:01 -> [3,"h1",{}]"#]);
        assert!(findings(&s, "orphan-response").is_empty());
    }
}
