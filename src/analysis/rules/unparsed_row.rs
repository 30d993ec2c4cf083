//! `unparsed-row`: records that hold no readable OCPP-J frame, one finding per file.

use crate::analysis::{text, Context, Finding, Line, Rule, Severity};

pub struct UnparsedRow;

impl Rule for UnparsedRow {
    fn id(&self) -> &'static str {
        "unparsed-row"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for (file_idx, file) in store.files.iter().enumerate() {
            let rows: Vec<_> = store.unparsed.iter().filter(|u| u.file as usize == file_idx).collect();
            if rows.is_empty() {
                continue;
            }
            let mut reasons: Vec<&str> = rows.iter().map(|u| u.reason.as_str()).collect();
            reasons.sort_unstable();
            reasons.dedup();
            let t = text::unparsed_row(&file.name, rows.len(), &reasons);
            out.push(Finding {
                rule: self.id(),
                severity: Severity::Info,
                station: String::new(),
                connector: None,
                transaction: None,
                at: rows.iter().map(|u| u.at).find(|&a| a != crate::store::NO_TIME),
                evidence: Vec::new(),
                extra_lines: rows.iter().map(|u| Line { file: u.file, line: u.line }).collect(),
                title: t.title,
                explanation: t.explanation,
                advice: t.advice,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Thresholds};
    use crate::testutil::load_text;

    #[test]
    fn one_finding_per_file_listing_lines() {
        let store = load_text(
            "2025-01-01 10:00:00 <- [2,\"a\",\"Heartbeat\",{}]\n2025-01-01 10:00:01 <- [2,\"b\",\"Heartbeat\",{\n2025-01-01 10:00:02 <- [7,\"c\",{}]\n",
        );
        let f: Vec<_> =
            analyze(&store, Thresholds::default()).into_iter().filter(|f| f.rule == "unparsed-row").collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].lines(&store).iter().map(|l| l.line).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn clean_log_has_none() {
        let store = load_text("2025-01-01 10:00:00 <- [2,\"a\",\"Heartbeat\",{}]\n");
        assert!(analyze(&store, Thresholds::default()).iter().all(|f| f.rule != "unparsed-row"));
    }
}
