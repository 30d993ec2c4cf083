//! Fuzzy pickers over what the log holds (actions, idTags, stations and
//! connectors, transactions), each entry with its message count.

use super::filters::Step;
use crate::store::LogStore;
use crate::time::DisplayZone;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One choice.
#[derive(Clone, Debug)]
pub struct PickItem {
    /// Text matched against and shown (not yet sanitized).
    pub label: String,
    pub count: usize,
    pub step: Step,
}

/// An open picker.
#[derive(Clone, Debug)]
pub struct Picker {
    pub title: &'static str,
    pub query: String,
    items: Vec<PickItem>,
    /// Matching items: (item index, matched char positions), best first.
    pub matches: Vec<(usize, Vec<usize>)>,
    pub selected: usize,
}

impl Picker {
    pub fn new(title: &'static str, items: Vec<PickItem>) -> Picker {
        let mut p = Picker { title, query: String::new(), items, matches: Vec::new(), selected: 0 };
        p.refilter();
        p
    }

    pub fn item(&self, i: usize) -> &PickItem {
        &self.items[i]
    }

    pub fn total(&self) -> usize {
        self.items.len()
    }

    pub fn chosen(&self) -> Option<&PickItem> {
        self.matches.get(self.selected).map(|(i, _)| &self.items[*i])
    }

    pub fn set_query(&mut self, q: String) {
        self.query = q;
        self.refilter();
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.matches.len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    fn refilter(&mut self) {
        self.selected = 0;
        let q = self.query.trim();
        if q.is_empty() {
            self.matches = (0..self.items.len()).map(|i| (i, Vec::new())).collect();
            return;
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut scored: Vec<(i64, usize, Vec<usize>)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| matcher.fuzzy_indices(&it.label, q).map(|(s, pos)| (s, i, pos)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.matches = scored.into_iter().map(|(_, i, pos)| (i, pos)).collect();
    }
}

fn by_count(mut items: Vec<PickItem>) -> Vec<PickItem> {
    items.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    items
}

/// The actions present, with their message counts (requests and answers).
pub fn actions(store: &LogStore) -> Picker {
    let items = store
        .index
        .by_action
        .iter()
        .map(|(&s, list)| (store.str(s), list.len()))
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, count)| PickItem { label: name.to_string(), count, step: Step::Actions(vec![name.to_string()]) })
        .collect();
    Picker::new("Filter by action", by_count(items))
}

/// The idTags present (compared without case).
pub fn id_tags(store: &LogStore) -> Picker {
    let items = store
        .index
        .by_id_tag
        .iter()
        .map(|(&s, list)| (store.str(s), list.len()))
        .filter(|(tag, _)| !tag.is_empty())
        .map(|(tag, count)| PickItem { label: tag.to_string(), count, step: Step::IdTag(tag.to_string()) })
        .collect();
    Picker::new("Filter by idTag", by_count(items))
}

/// Stations, then their connectors.
pub fn stations(store: &LogStore) -> Picker {
    let mut items: Vec<PickItem> = store
        .index
        .by_station
        .iter()
        .map(|(&s, list)| (store.str(s), list.len()))
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, count)| PickItem { label: name.to_string(), count, step: Step::Station(name.to_string()) })
        .collect();
    items.sort_by(|a, b| a.label.cmp(&b.label));
    let mut conns: Vec<PickItem> = store
        .index
        .by_connector
        .iter()
        .map(|(&(s, c), list)| {
            let name = store.str(s);
            let label = if name.is_empty() { format!("connector {c}") } else { format!("{name} connector {c}") };
            let station = (!name.is_empty()).then(|| name.to_string());
            PickItem { label, count: list.len(), step: Step::Connector(station, c) }
        })
        .collect();
    conns.sort_by(|a, b| a.label.cmp(&b.label));
    items.extend(conns);
    Picker::new("Filter by station / connector", items)
}

/// Transactions, in time order.
pub fn transactions(store: &LogStore, zone: DisplayZone) -> Picker {
    let items = store
        .transactions
        .iter()
        .map(|t| {
            let when = store.msg(t.start).time().map_or_else(String::new, |ms| zone.format(ms));
            let when: String = when.chars().take(16).collect();
            let label = format!("#{} {} c{} {} {when}", t.id, store.str(t.station), t.connector, store.str(t.id_tag));
            PickItem { label, count: t.messages.len() + 2, step: Step::Transaction(t.id) }
        })
        .collect();
    Picker::new("Filter by transaction", items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str, count: usize) -> PickItem {
        PickItem { label: label.into(), count, step: Step::Actions(vec![label.into()]) }
    }

    #[test]
    fn fuzzy_narrowing() {
        let mut p = Picker::new("t", vec![item("Heartbeat", 9), item("StatusNotification", 5), item("MeterValues", 3)]);
        assert_eq!(p.matches.len(), 3);
        p.set_query("stat".into());
        assert_eq!(p.chosen().map(|i| i.label.as_str()), Some("StatusNotification"));
        p.set_query("zzz".into());
        assert!(p.chosen().is_none());
        p.move_by(1);
        assert_eq!(p.selected, 0);
    }
}
