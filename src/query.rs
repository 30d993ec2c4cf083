//! Filters → views. One implementation for `list`, `report` and the explorer.
//!
//! Each active filter becomes a set of messages (built from the store's
//! indexes, never by copying messages); a view is the AND of those sets, in
//! time order.

use crate::ingest::frame::MsgKind;
use crate::ingest::timestamp::Millis;
use crate::store::{LogStore, MsgIdx, TxIdx, NO_INT, NO_TIME};

/// The messages a filter keeps, in time order. When nothing narrows the
/// log it is every message, kept without a list of them (that list is 4
/// bytes a message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// Every message of a store of this many.
    All(u32),
    /// These messages (in time order).
    Only(Vec<MsgIdx>),
}

impl View {
    pub fn len(&self) -> usize {
        match self {
            View::All(n) => *n as usize,
            View::Only(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The message at position `k`.
    pub fn get(&self, k: usize) -> Option<MsgIdx> {
        match self {
            View::All(n) => (k < *n as usize).then_some(MsgIdx(k as u32)),
            View::Only(v) => v.get(k).copied(),
        }
    }

    pub fn iter(&self) -> ViewIter<'_> {
        match self {
            View::All(n) => ViewIter::All(0..*n),
            View::Only(v) => ViewIter::Only(v.iter()),
        }
    }

    /// Where message `m` is (`Ok`), or would be (`Err`), as `slice::binary_search`.
    pub fn binary_search(&self, m: &MsgIdx) -> Result<usize, usize> {
        match self {
            View::All(n) if m.0 < *n => Ok(m.ix()),
            View::All(n) => Err(*n as usize),
            View::Only(v) => v.binary_search(m),
        }
    }

    pub fn contains(&self, m: MsgIdx) -> bool {
        self.binary_search(&m).is_ok()
    }

    /// How many messages of the view come before message `m`.
    pub fn before(&self, m: MsgIdx) -> usize {
        self.binary_search(&m).unwrap_or_else(|at| at)
    }
}

/// The messages of a [`View`], in order.
#[derive(Clone)]
pub enum ViewIter<'a> {
    All(std::ops::Range<u32>),
    Only(std::slice::Iter<'a, MsgIdx>),
}

impl Iterator for ViewIter<'_> {
    type Item = MsgIdx;

    fn next(&mut self) -> Option<MsgIdx> {
        match self {
            ViewIter::All(r) => r.next().map(MsgIdx),
            ViewIter::Only(it) => it.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ViewIter::All(r) => r.size_hint(),
            ViewIter::Only(it) => it.size_hint(),
        }
    }

    fn nth(&mut self, n: usize) -> Option<MsgIdx> {
        match self {
            ViewIter::All(r) => r.nth(n).map(MsgIdx),
            ViewIter::Only(it) => it.nth(n).copied(),
        }
    }
}

impl DoubleEndedIterator for ViewIter<'_> {
    fn next_back(&mut self) -> Option<MsgIdx> {
        match self {
            ViewIter::All(r) => r.next_back().map(MsgIdx),
            ViewIter::Only(it) => it.next_back().copied(),
        }
    }
}

impl ExactSizeIterator for ViewIter<'_> {}

/// The user's filters. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Requests of these actions and their answers.
    pub actions: Vec<String>,
    /// Messages carrying the idTag, their answers, and every message of the
    /// transactions started with it (case-insensitive).
    pub id_tag: Option<String>,
    /// That transaction's messages, the Authorize before it, and its
    /// connector's status changes while it ran.
    pub transaction: Option<i64>,
    pub station: Option<String>,
    pub connector: Option<i64>,
    /// Own log timestamp >= from.
    pub from: Option<Millis>,
    /// Own log timestamp < to.
    pub to: Option<Millis>,
    /// Only messages that are evidence of a finding.
    pub only_flagged: bool,
    /// Only messages that are evidence of a finding of these rules.
    pub rules: Vec<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// A dense set of message indexes.
#[derive(Clone, Debug)]
pub struct MsgSet {
    words: Vec<u64>,
}

impl MsgSet {
    pub fn new(len: usize) -> MsgSet {
        MsgSet { words: vec![0; len.div_ceil(64)] }
    }

    pub fn insert(&mut self, i: MsgIdx) {
        if let Some(w) = self.words.get_mut(i.ix() / 64) {
            *w |= 1 << (i.ix() % 64);
        }
    }

    pub fn contains(&self, i: MsgIdx) -> bool {
        self.words.get(i.ix() / 64).is_some_and(|w| w & (1 << (i.ix() % 64)) != 0)
    }

    fn and(&mut self, other: &MsgSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Members in index (= time) order.
    pub fn iter(&self) -> impl Iterator<Item = MsgIdx> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut bits = w;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                Some(MsgIdx(wi as u32 * 64 + b))
            })
        })
    }
}

/// Add a message and its paired request or answer.
fn insert_with_pair(store: &LogStore, set: &mut MsgSet, i: MsgIdx) {
    set.insert(i);
    if let Some(p) = store.msg(i).pair.opt() {
        set.insert(p);
    }
}

/// Apply a filter. `flagged` is the set of messages that are evidence of
/// findings (of all rules, or of `filter.rules` when given); it is only
/// consulted when the filter asks for it.
pub fn apply(store: &LogStore, filter: &Filter, flagged: Option<&MsgSet>) -> View {
    let n = store.messages.len();
    let mut sets: Vec<MsgSet> = Vec::new();
    if !filter.actions.is_empty() {
        let mut s = MsgSet::new(n);
        for (&sym, list) in &store.index.by_action {
            let name = store.str(sym);
            if filter.actions.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                for &i in list {
                    insert_with_pair(store, &mut s, i);
                }
            }
        }
        // answers whose request is missing are kept only when the layout named their action
        sets.push(s);
    }
    if let Some(tag) = &filter.id_tag {
        sets.push(id_tag_set(store, tag));
    }
    if let Some(id) = filter.transaction {
        let mut s = MsgSet::new(n);
        for t in transactions_with_id(store, id) {
            add_transaction(store, &mut s, t);
        }
        sets.push(s);
    }
    if let Some(station) = &filter.station {
        let mut s = MsgSet::new(n);
        for (&sym, list) in &store.index.by_station {
            if store.str(sym).eq_ignore_ascii_case(station.trim()) {
                for &i in list {
                    s.insert(i);
                }
            }
        }
        sets.push(s);
    }
    if let Some(c) = filter.connector {
        let mut s = MsgSet::new(n);
        for (&(_, conn), list) in &store.index.by_connector {
            if conn == c {
                for &i in list {
                    insert_with_pair(store, &mut s, i);
                }
            }
        }
        for (t, tx) in store.transactions.iter().enumerate() {
            if tx.connector == c {
                add_transaction_messages(store, &mut s, TxIdx(t as u32));
            }
        }
        sets.push(s);
    }
    if filter.only_flagged || !filter.rules.is_empty() {
        sets.push(flagged.cloned().unwrap_or_else(|| MsgSet::new(n)));
    }
    let in_window = |i: MsgIdx| {
        if filter.from.is_none() && filter.to.is_none() {
            return true;
        }
        let at = store.msg(i).at;
        at != NO_TIME && filter.from.is_none_or(|f| at >= f) && filter.to.is_none_or(|t| at < t)
    };
    match sets.split_first_mut() {
        None if filter.from.is_none() && filter.to.is_none() => View::All(n as u32),
        None => View::Only(store.all().filter(|&i| in_window(i)).collect()),
        Some((first, rest)) => {
            for s in rest.iter() {
                first.and(s);
            }
            View::Only(first.iter().filter(|&i| in_window(i)).collect())
        }
    }
}

fn id_tag_set(store: &LogStore, tag: &str) -> MsgSet {
    let mut s = MsgSet::new(store.messages.len());
    let want = tag.trim().to_ascii_lowercase();
    if let Some(list) = store.strings.find(&want).and_then(|sym| store.index.by_id_tag.get(&sym)) {
        for &i in list {
            insert_with_pair(store, &mut s, i);
        }
    }
    for (t, tx) in store.transactions.iter().enumerate() {
        if store.str(tx.id_tag).eq_ignore_ascii_case(&want) {
            add_transaction_messages(store, &mut s, TxIdx(t as u32));
        }
    }
    s
}

/// The transactions with this id, on any station.
pub fn transactions_with_id(store: &LogStore, id: i64) -> Vec<TxIdx> {
    let mut v: Vec<TxIdx> = store
        .index
        .by_tx_id
        .iter()
        .filter(|((_, tx_id), _)| *tx_id == id)
        .flat_map(|(_, list)| list.iter().copied())
        .collect();
    v.sort_unstable();
    v
}

/// Start, answer, MeterValues, stop and their answers.
fn add_transaction_messages(store: &LogStore, s: &mut MsgSet, t: TxIdx) {
    let tx = store.tx(t);
    insert_with_pair(store, s, tx.start);
    for &i in &tx.messages {
        insert_with_pair(store, s, i);
    }
}

/// A transaction as `--transaction` shows it: its messages, the Authorize
/// that led to it, the connector's status changes while it ran, and the
/// central system's commands naming it.
pub fn add_transaction(store: &LogStore, s: &mut MsgSet, t: TxIdx) {
    add_transaction_messages(store, s, t);
    let tx = store.tx(t);
    if let Some(a) = tx.authorize {
        insert_with_pair(store, s, a);
    }
    let begin = tx.start;
    let end = tx.stop.map(|stop| store.msg(stop).pair.opt().unwrap_or(stop).max(stop));
    let within = |i: MsgIdx| i >= begin && end.is_none_or(|e| i <= e);
    if let Some(list) = store.index.by_connector.get(&(tx.station, tx.connector)) {
        for &i in list {
            if within(i) && store.is_call_of(i, "StatusNotification") {
                insert_with_pair(store, s, i);
            }
        }
    }
    if let Some(list) = store.index.by_station.get(&tx.station) {
        let from = list.partition_point(|&i| i < begin);
        for &i in &list[from..] {
            if !within(i) {
                break;
            }
            let m = store.msg(i);
            if m.kind == MsgKind::Call && store.facts(i).transaction == tx.id && tx.id != NO_INT {
                insert_with_pair(store, s, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_of_everything_behaves_as_the_list_of_everything() {
        for n in [0u32, 1, 7] {
            let (all, list) = (View::All(n), View::Only((0..n).map(MsgIdx).collect()));
            assert_eq!((all.len(), all.is_empty()), (list.len(), list.is_empty()));
            assert_eq!(all.iter().collect::<Vec<_>>(), list.iter().collect::<Vec<_>>());
            assert_eq!(all.iter().rev().collect::<Vec<_>>(), list.iter().rev().collect::<Vec<_>>());
            assert_eq!(all.iter().skip(2).take(3).collect::<Vec<_>>(), list.iter().skip(2).take(3).collect::<Vec<_>>());
            assert_eq!(all.iter().len(), n as usize);
            for k in 0..n + 2 {
                let m = MsgIdx(k);
                assert_eq!(all.get(k as usize), list.get(k as usize));
                assert_eq!(all.binary_search(&m), list.binary_search(&m));
                assert_eq!((all.contains(m), all.before(m)), (list.contains(m), list.before(m)));
            }
        }
        // a list with gaps
        let some = View::Only(vec![MsgIdx(2), MsgIdx(5)]);
        assert_eq!((some.before(MsgIdx(4)), some.before(MsgIdx(5)), some.contains(MsgIdx(4))), (1, 1, false));
    }

    #[test]
    fn only_a_filter_that_narrows_makes_a_list() {
        let s = crate::testutil::log(&[
            r#"10:00:00 <- [2,"1","Heartbeat",{}]"#,
            r#"10:00:01 -> [3,"1",{"currentTime":"2025-01-01T10:00:01Z"}]"#,
            r#"10:00:05 <- [2,"2","Authorize",{"idTag":"T"}]"#,
        ]);
        assert_eq!(apply(&s, &Filter::default(), None), View::All(3));
        let heartbeats = Filter { actions: vec!["Heartbeat".into()], ..Filter::default() };
        assert_eq!(apply(&s, &heartbeats, None), View::Only(vec![MsgIdx(0), MsgIdx(1)]));
    }

    #[test]
    fn msgset_basics() {
        let mut s = MsgSet::new(200);
        for i in [0u32, 5, 64, 130, 199] {
            s.insert(MsgIdx(i));
        }
        assert!(s.contains(MsgIdx(64)));
        assert!(!s.contains(MsgIdx(63)));
        assert_eq!(s.len(), 5);
        assert_eq!(s.iter().map(|i| i.0).collect::<Vec<_>>(), vec![0, 5, 64, 130, 199]);
        let mut t = MsgSet::new(200);
        t.insert(MsgIdx(5));
        t.insert(MsgIdx(6));
        s.and(&t);
        assert_eq!(s.iter().map(|i| i.0).collect::<Vec<_>>(), vec![5]);
    }
}
