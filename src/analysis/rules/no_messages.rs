//! `no-messages`: the log, or one station in it, holds no OCPP message from
//! the station at all: it is not talking to the back end. For a chosen
//! window or filter, [`no_messages_in_view`] says the same about the view.

use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::query::{Filter, View};
use crate::store::{Direction, LogStore, MsgIdx};

pub struct NoMessages;

fn finding(station: &str, window: bool, at: Option<i64>, evidence: Vec<MsgIdx>) -> Finding {
    let w = text::no_messages(station, window);
    Finding {
        rule: "no-messages",
        severity: Severity::Error,
        station: station.to_string(),
        connector: None,
        transaction: None,
        at,
        evidence,
        extra_lines: Vec::new(),
        title: w.title,
        explanation: w.explanation,
        advice: w.advice,
    }
}

impl Rule for NoMessages {
    fn id(&self) -> &'static str {
        "no-messages"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        if store.messages.is_empty() {
            out.push(finding("", false, None, Vec::new()));
            return;
        }
        // a station the back end talks to but that never says anything
        let mut stations: Vec<_> = store.index.by_station.iter().collect();
        stations.sort_by_key(|(_, list)| list.first().copied());
        for (&station, list) in stations {
            let silent = list.iter().all(|&i| store.msg(i).dir == Direction::CsToCp);
            if silent {
                let first = list.first().and_then(|&i| store.msg(i).time());
                out.push(finding(store.str(station), false, first, list.clone()));
            }
        }
    }
}

/// When the filtered view is empty: no message from the chosen station in
/// the chosen window.
pub fn no_messages_in_view(store: &LogStore, filter: &Filter, view: &View) -> Option<Finding> {
    let windowed = filter.from.is_some() || filter.to.is_some();
    let station_only =
        Filter { station: filter.station.clone(), from: filter.from, to: filter.to, ..Filter::default() };
    if !view.is_empty() || store.messages.is_empty() || filter.is_empty() || *filter != station_only {
        return None;
    }
    Some(finding(filter.station.as_deref().unwrap_or(""), windowed, filter.from, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query;
    use crate::testutil::{findings, load_text, log};

    #[test]
    fn fires_on_an_empty_log_and_a_station_that_never_answers() {
        let s = load_text("just noise\n");
        assert_eq!(findings(&s, "no-messages").len(), 1);
        let s = log(&[r#"CP1 10:00:00 <- [2,"h","Heartbeat",{}]"#, r#"CP2 10:00:00 -> [2,"g","GetConfiguration",{}]"#]);
        let f = findings(&s, "no-messages");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].station, "CP2");
        assert!(f[0].explanation.contains("not talking to the back end"));
    }

    #[test]
    fn an_empty_window_is_reported_and_a_busy_one_is_not() {
        let s = log(&[r#"CP1 10:00:00 <- [2,"h","Heartbeat",{}]"#]);
        assert!(findings(&s, "no-messages").is_empty());
        let at = s.messages[0].at;
        let empty = Filter { station: Some("CP1".into()), from: Some(at + 1), ..Filter::default() };
        let view = query::apply(&s, &empty, None);
        assert!(no_messages_in_view(&s, &empty, &view).is_some_and(|f| f.title.contains("window")));
        let busy = Filter { from: Some(at), ..Filter::default() };
        assert!(no_messages_in_view(&s, &busy, &query::apply(&s, &busy, None)).is_none());
    }
}
