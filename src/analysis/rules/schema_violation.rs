//! `schema-violation`: a payload that breaks the OCPP 1.6 schema, and
//! framing errors (numeric uniqueId, missing errorDetails...). One finding
//! per message, naming every problem with its JSON path.

use super::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, MsgIdx};

pub struct SchemaViolation;

/// Deviations that are copy-paste damage, not the sender's fault.
fn is_sender_fault(deviation: &str) -> bool {
    !deviation.starts_with("typographic quotes")
}

impl Rule for SchemaViolation {
    fn id(&self) -> &'static str {
        "schema-violation"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let mut problems: Vec<(MsgIdx, String)> = store
            .violations
            .iter()
            .map(|(i, v)| (*i, if v.path.is_empty() { v.detail.clone() } else { format!("{}: {}", v.path, v.detail) }))
            .collect();
        problems.extend(store.deviations.iter().filter(|(_, d)| is_sender_fault(d)).map(|(i, d)| (*i, d.clone())));
        problems.sort_by_key(|(i, _)| *i);
        for group in problems.chunk_by(|a, b| a.0 == b.0) {
            let i = group[0].0;
            let m = store.msg(i);
            let list: Vec<String> = group.iter().map(|(_, p)| p.clone()).collect();
            let kind = match m.kind {
                MsgKind::Call => "request",
                MsgKind::Result => "answer",
                MsgKind::Error => "error",
            };
            let sender = match m.dir {
                Direction::CpToCs => "station",
                Direction::CsToCp => "back end",
                Direction::Unknown => "sender",
            };
            let action = if m.action.is_none() { "message" } else { store.str(m.action) };
            let w = text::schema_violation(action, kind, sender, &list);
            out.push(about(store, self.id(), Severity::Error, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_requests_answers_and_framing() {
        let s = log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"ABCDEFGHIJKLMNOPQRSTUVWX","meterStart":"12","timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            r#"10:01:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:01:01 -> [3,"h1",{"heartbeatInterval":60}]"#,
            r#"10:02:00 <- [2,4711,"Heartbeat",{}]"#,
        ]);
        let f = findings(&s, "schema-violation");
        assert_eq!(ids(&s, &f), vec![vec!["s1"], vec!["h1"], vec!["4711"]]);
        assert!(f[0].explanation.contains("idTag") && f[0].explanation.contains("meterStart"), "{}", f[0].explanation);
        assert!(f[1].explanation.contains("currentTime"), "{}", f[1].explanation);
        assert!(f[1].title.contains("answer"));
    }

    #[test]
    fn answers_logged_before_their_request_are_validated_too() {
        // newest-first exports: the answer's line comes first
        let s = log(&[
            r#"10:00:01 -> [3,"h1",{"heartbeatInterval":60}]"#,
            r#"10:00:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:00:03 -> [3,"h2",{"currentTime":"2025-01-01T10:00:03Z"}]"#,
            r#"10:00:02 <- [2,"h2","Heartbeat",{}]"#,
        ]);
        assert_eq!(ids(&s, &findings(&s, "schema-violation")), vec![vec!["h1"]]);
    }

    #[test]
    fn near_miss_valid_payloads_and_repaired_quotes() {
        let s = log(&[
            "10:00:00 <- [2,\u{201C}a1\u{201D},\u{201C}Authorize\u{201D},{\u{201C}idTag\u{201D}:\u{201C}T\u{201D}}]",
            r#"10:00:01 -> [3,"a1",{"idTagInfo":{"status":"Accepted","expiryDate":"2026-01-01T00:00:00.000Z"}}]"#,
        ]);
        assert!(findings(&s, "schema-violation").is_empty());
    }

    #[test]
    fn an_answer_is_checked_against_the_request_the_store_pairs_it_with() {
        // the answer is read beside the one-line Heartbeat before it, but the
        // store's latest open request of that id is the StartTransaction
        // frame over two lines (read later): the answer is a good answer to that
        let text = "2025-01-01 10:00:00 [CP1] <- [2,\"u1\",\"Heartbeat\",{}]\n\
2025-01-01 10:00:01 [CP1] <- [2,\"u1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"T\",\n\
  \"meterStart\":0,\"timestamp\":\"2025-01-01T10:00:00Z\"}]\n\
2025-01-01 10:00:02 [CP1] -> [3,\"u1\",{\"transactionId\":9,\"idTagInfo\":{\"status\":\"Accepted\"}}]\n\
2025-01-01 10:01:00 [CP1] <- [2,\"h2\",\"Heartbeat\",{}]\n\
2025-01-01 10:01:01 [CP1] -> [3,\"h2\",{\"transactionId\":9}]\n";
        let s = crate::testutil::load_text(text);
        assert_eq!(s.messages.len(), 5);
        let answer = s.all().find(|&i| s.msg(i).line == 4).expect("the answer");
        assert_eq!(s.action_name(answer), "StartTransaction");
        // only the Heartbeat answer that lacks its currentTime breaks the schema
        assert_eq!(ids(&s, &findings(&s, "schema-violation")), vec![vec!["h2"]]);
    }
}
