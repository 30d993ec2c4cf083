//! Which message has which findings, and the findings pane's rows
//! (grouped by severity and rule, with counts).

use crate::analysis::{Finding, Severity};
use crate::query::{MsgSet, View};
use crate::store::{LogStore, MsgIdx};
use std::collections::HashMap;

/// Findings by message.
pub struct FindingIndex {
    by_msg: HashMap<MsgIdx, Vec<u32>>,
    /// Every message that is evidence of some finding.
    pub flagged: MsgSet,
}

impl FindingIndex {
    pub fn new(store: &LogStore, findings: &[Finding]) -> FindingIndex {
        let mut by_msg: HashMap<MsgIdx, Vec<u32>> = HashMap::new();
        let mut flagged = MsgSet::new(store.messages.len());
        for (fi, f) in findings.iter().enumerate() {
            for &i in &f.evidence {
                flagged.insert(i);
                let list = by_msg.entry(i).or_default();
                if !list.contains(&(fi as u32)) {
                    list.push(fi as u32);
                }
            }
        }
        FindingIndex { by_msg, flagged }
    }

    /// Indexes of the findings that name a message.
    pub fn of(&self, i: MsgIdx) -> &[u32] {
        self.by_msg.get(&i).map_or(&[], |v| v.as_slice())
    }

    /// The worst severity among a message's findings.
    pub fn mark(&self, findings: &[Finding], i: MsgIdx) -> Option<Severity> {
        self.of(i).iter().map(|&f| findings[f as usize].severity).max()
    }
}

/// A row of the findings pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideRow {
    /// A severity + rule heading with its count.
    Group { severity: Severity, rule: &'static str, count: usize },
    /// One finding (index into the findings).
    Finding(usize),
}

/// Is a finding shown in this view (some evidence in view, or no evidence at all)?
pub fn in_view(f: &Finding, view: &View) -> bool {
    f.evidence.is_empty() || f.evidence.iter().any(|&i| view.contains(i))
}

/// The pane's rows: groups by severity (worst first), then rule; findings in time order.
pub fn side_rows(findings: &[Finding], view: Option<&View>) -> Vec<SideRow> {
    let shown: Vec<usize> = (0..findings.len()).filter(|&i| view.is_none_or(|v| in_view(&findings[i], v))).collect();
    let mut groups: Vec<(Severity, &'static str, Vec<usize>)> = Vec::new();
    for i in shown {
        let f = &findings[i];
        match groups.iter_mut().find(|(s, r, _)| *s == f.severity && *r == f.rule) {
            Some(g) => g.2.push(i),
            None => groups.push((f.severity, f.rule, vec![i])),
        }
    }
    groups.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let mut rows = Vec::new();
    for (severity, rule, members) in groups {
        rows.push(SideRow::Group { severity, rule, count: members.len() });
        rows.extend(members.into_iter().map(SideRow::Finding));
    }
    rows
}
