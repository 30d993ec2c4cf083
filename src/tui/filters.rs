//! The explorer's filters as a stack of steps, so "clear the last filter"
//! means something; the stack folds into the library's [`Filter`].

use crate::ingest::timestamp::Millis;
use crate::query::Filter;
use crate::time::DisplayZone;

/// One filter the user set (or that came from the command line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Actions(Vec<String>),
    IdTag(String),
    Transaction(i64),
    Station(String),
    /// A connector, optionally of one station.
    Connector(Option<String>, i64),
    Window {
        from: Option<Millis>,
        to: Option<Millis>,
    },
    OnlyFlagged,
    Rules(Vec<String>),
}

impl Step {
    /// Steps of the same kind replace each other.
    fn kind(&self) -> u8 {
        match self {
            Step::Actions(_) => 0,
            Step::IdTag(_) => 1,
            Step::Transaction(_) => 2,
            Step::Station(_) | Step::Connector(..) => 3,
            Step::Window { .. } => 4,
            Step::OnlyFlagged => 5,
            Step::Rules(_) => 6,
        }
    }

    /// The chip shown in the status bar (not yet sanitized).
    pub fn chip(&self, zone: DisplayZone) -> String {
        match self {
            Step::Actions(a) => format!("action:{}", a.join("|")),
            Step::IdTag(t) => format!("idTag:{t}"),
            Step::Transaction(t) => format!("tx:{t}"),
            Step::Station(s) => format!("station:{s}"),
            Step::Connector(Some(s), c) => format!("station:{s}/c{c}"),
            Step::Connector(None, c) => format!("connector:{c}"),
            Step::Window { from, to } => {
                let f = from.map_or_else(|| "…".to_string(), |t| zone.format(t).chars().take(16).collect());
                let t = to.map_or_else(|| "…".to_string(), |t| zone.format(t).chars().take(16).collect());
                format!("{f}→{t}")
            }
            Step::OnlyFlagged => "flagged".to_string(),
            Step::Rules(r) => format!("rule:{}", r.join("|")),
        }
    }
}

/// The active filters, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterStack {
    steps: Vec<Step>,
}

impl FilterStack {
    /// The command line's filter as steps.
    pub fn from_filter(f: &Filter) -> FilterStack {
        let mut s = FilterStack::default();
        if !f.actions.is_empty() {
            s.push(Step::Actions(f.actions.clone()));
        }
        if let Some(t) = &f.id_tag {
            s.push(Step::IdTag(t.clone()));
        }
        if let Some(t) = f.transaction {
            s.push(Step::Transaction(t));
        }
        match (&f.station, f.connector) {
            (st, Some(c)) => s.push(Step::Connector(st.clone(), c)),
            (Some(st), None) => s.push(Step::Station(st.clone())),
            (None, None) => {}
        }
        if f.from.is_some() || f.to.is_some() {
            s.push(Step::Window { from: f.from, to: f.to });
        }
        if f.only_flagged {
            s.push(Step::OnlyFlagged);
        }
        if !f.rules.is_empty() {
            s.push(Step::Rules(f.rules.clone()));
        }
        s
    }

    /// Add a step, replacing an earlier one of the same kind.
    pub fn push(&mut self, step: Step) {
        self.steps.retain(|s| s.kind() != step.kind());
        self.steps.push(step);
    }

    pub fn pop(&mut self) -> Option<Step> {
        self.steps.pop()
    }

    pub fn clear(&mut self) {
        self.steps.clear();
    }

    pub fn remove_flagged(&mut self) -> bool {
        let before = self.steps.len();
        self.steps.retain(|s| *s != Step::OnlyFlagged);
        before != self.steps.len()
    }

    pub fn remove_window(&mut self) {
        self.steps.retain(|s| !matches!(s, Step::Window { .. }));
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The library filter these steps mean.
    pub fn to_filter(&self) -> Filter {
        let mut f = Filter::default();
        for s in &self.steps {
            match s {
                Step::Actions(a) => f.actions = a.clone(),
                Step::IdTag(t) => f.id_tag = Some(t.clone()),
                Step::Transaction(t) => f.transaction = Some(*t),
                Step::Station(st) => f.station = Some(st.clone()),
                Step::Connector(st, c) => {
                    f.station = st.clone();
                    f.connector = Some(*c);
                }
                Step::Window { from, to } => {
                    f.from = *from;
                    f.to = *to;
                }
                Step::OnlyFlagged => f.only_flagged = true,
                Step::Rules(r) => f.rules = r.clone(),
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_replace() {
        let f = Filter {
            actions: vec!["Heartbeat".into()],
            station: Some("CP1".into()),
            connector: Some(2),
            from: Some(5),
            only_flagged: true,
            ..Filter::default()
        };
        let mut s = FilterStack::from_filter(&f);
        assert_eq!(s.to_filter(), f);
        s.push(Step::Actions(vec!["Authorize".into()]));
        assert_eq!(s.steps().len(), 4);
        assert_eq!(s.steps().last(), Some(&Step::Actions(vec!["Authorize".into()])));
        assert_eq!(s.pop(), Some(Step::Actions(vec!["Authorize".into()])));
        assert!(s.to_filter().actions.is_empty());
    }
}
