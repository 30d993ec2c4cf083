//! `call-error`: a request answered by a CALLERROR.

use crate::analysis::rules::{about, from_station};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::Direction;

pub struct CallError;

impl Rule for CallError {
    fn id(&self) -> &'static str {
        "call-error"
    }

    fn cost(&self) -> u32 {
        7
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for i in store.all() {
            let m = store.msg(i);
            if m.kind != MsgKind::Call {
                continue;
            }
            let Some(answer) = m.pair.opt().filter(|&p| store.msg(p).kind == MsgKind::Error) else { continue };
            let f = store.facts(answer);
            let sender = (m.dir != Direction::Unknown).then(|| from_station(store, i));
            let w = text::call_error(store.str(m.action), sender, store.str(f.error_code), store.str(f.info));
            out.push(about(store, self.id(), Severity::Error, i, w));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    #[test]
    fn fires_on_callerror_answers() {
        let s = log(&[
            r#"10:00:00 <- [2,"d1","DataTransfer",{"vendorId":"x"}]"#,
            r#"10:00:01 -> [4,"d1","NotImplemented","No handler",{}]"#,
        ]);
        let f = findings(&s, "call-error");
        assert_eq!(ids(&s, &f), vec![vec!["d1"]]);
        assert!(f[0].explanation.contains("back end answered the station's request"));
        assert!(f[0].explanation.contains("No handler"));
    }

    #[test]
    fn near_miss_result_or_orphan_error() {
        let s = log(&[
            r#"10:00:00 <- [2,"d1","DataTransfer",{"vendorId":"x"}]"#,
            r#"10:00:01 -> [3,"d1",{"status":"Accepted"}]"#,
            r#"10:00:02 -> [4,"zz","GenericError","",{}]"#,
        ]);
        assert!(findings(&s, "call-error").is_empty());
    }
}
