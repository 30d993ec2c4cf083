//! Building the store: interning, ordering by time, resolving directions,
//! pairing requests with answers (reference §1.4), transactions, indexes.

use super::intern::{FnvMap, Interner, Sym};
use super::{
    Direction, FactTexts, Indexes, LogStore, Measure, Message, MeterReading, MsgIdx, PackedSpan, Register,
    SessionsById, StoredFacts, Transaction, TxIdx, Uid, Unparsed,
};
use super::{NO_INT, NO_TIME, TIME_ONLY};
use crate::analysis::schema::{check_response, check_response_shaped, Violation};
use crate::ingest::facts::Slot;
use crate::ingest::frame::with_tape;
use crate::ingest::frame::MsgKind;
use crate::ingest::hints::DirHint;
use crate::ingest::json::{self, Doc, Tape};
use crate::ingest::timestamp::Millis;
use crate::ingest::{Batch, Rec, SourceFile};
use crate::ocpp::{origin, Origin};
use std::sync::atomic::{AtomicU64, Ordering};

/// An answer may be logged up to this long before its request (different
/// threads stamping, merged files).
const PAIRING_TOLERANCE_MS: i64 = 2_000;
/// How far back an Authorize may lie before the StartTransaction it led to.
const AUTHORIZE_LOOKBACK_MS: i64 = 15 * 60_000;

/// Records reserved for up front at most (about 1.6 GB of address space).
const MAX_RESERVE: usize = 16 << 20;

/// The text slots of [`super::Facts`], in field order.
const FACT_SLOTS: [Slot; 8] = [
    Slot::IdTag,
    Slot::Status,
    Slot::ErrorCode,
    Slot::Info,
    Slot::VendorId,
    Slot::VendorError,
    Slot::Reason,
    Slot::Key,
];

/// Collects parsed records of all files, then builds the [`LogStore`].
pub struct StoreBuilder {
    pub files: Vec<SourceFile>,
    pub warnings: Vec<String>,
    messages: Vec<Message>,
    long_spans: Vec<(u64, u32)>,
    facts: Vec<StoredFacts>,
    fact_texts: Vec<FactTexts>,
    /// Where each set of fact texts is in `fact_texts`: the same few sets
    /// (status Available, errorCode NoError...) come back on most payloads.
    fact_text_slots: FnvMap<FactTexts, u32>,
    fact_times: Vec<Millis>,
    readings: Vec<MeterReading>,
    unparsed: Vec<Unparsed>,
    strings: Interner,
    /// The messages' uniqueIds, until pairing and the search for reused ids are done.
    uids: Vec<Uid>,
    violations: Vec<(u32, Violation)>,
    deviations: Vec<(u32, String)>,
    answer_payloads: Vec<(u32, Doc)>,
    /// Requests not answered yet, by (station, uniqueId), with their action:
    /// answers that follow their request are validated on arrival.
    open_calls: FnvMap<(Sym, Uid), Sym>,
    /// Answers validated on arrival that have violations, with the action
    /// they were validated for (the verdict of the others needs no undoing).
    early_validated: Vec<(u32, Sym)>,
    /// Per file, as its records arrive: its times and its direction votes.
    file_tallies: Vec<FileTally>,
    /// Which side sends each action (by symbol), looked up once.
    origins: Vec<Option<Option<Origin>>>,
    /// How many of the messages are requests.
    calls: usize,
}

/// What the store learns of a file while its records arrive, so that
/// finishing needs no pass over the messages for it.
#[derive(Clone, Copy, Debug)]
struct FileTally {
    /// The first and the last log time of its records (`NO_TIME`: none yet).
    first: Millis,
    last: Millis,
    /// Whether it has records, and whether their times and lines never went back.
    any: bool,
    in_order: bool,
    last_line: u32,
    /// Calls whose "in/out" word says the logger was the station (+1) or
    /// the central system (-1), by which side sends their action.
    logger_is_station: i64,
}

impl FileTally {
    const NEW: FileTally =
        FileTally { first: NO_TIME, last: NO_TIME, any: false, in_order: true, last_line: 0, logger_is_station: 0 };
}

impl Default for StoreBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl StoreBuilder {
    pub fn new() -> StoreBuilder {
        StoreBuilder {
            files: Vec::new(),
            warnings: Vec::new(),
            messages: Vec::new(),
            long_spans: Vec::new(),
            // slot 0: the shared empty facts of every payload that carries none
            facts: vec![StoredFacts::EMPTY],
            fact_texts: vec![[Sym::NONE; 8]],
            fact_text_slots: FnvMap::default(),
            fact_times: Vec::new(),
            readings: Vec::new(),
            unparsed: Vec::new(),
            strings: Interner::default(),
            uids: Vec::new(),
            violations: Vec::new(),
            deviations: Vec::new(),
            answer_payloads: Vec::new(),
            open_calls: FnvMap::default(),
            early_validated: Vec::new(),
            file_tallies: Vec::new(),
            origins: Vec::new(),
            calls: 0,
        }
    }

    /// Count a record of file `file` in that file's tally.
    fn tally(&mut self, file: u16, line: u32, at: Millis, kind: MsgKind, action: Sym, hint: DirHint) {
        let f = file as usize;
        if f >= self.file_tallies.len() {
            self.file_tallies.resize(f + 1, FileTally::NEW);
        }
        self.calls += usize::from(kind == MsgKind::Call);
        let vote = if kind == MsgKind::Call {
            match (origin_of(&mut self.origins, &self.strings, action), hint) {
                (Some(Origin::Station), DirHint::Out) | (Some(Origin::CentralSystem), DirHint::In) => 1,
                (Some(Origin::Station), DirHint::In) | (Some(Origin::CentralSystem), DirHint::Out) => -1,
                _ => 0,
            }
        } else {
            0
        };
        let t = &mut self.file_tallies[f];
        t.logger_is_station += vote;
        t.any = true;
        if line < t.last_line {
            t.in_order = false;
        }
        t.last_line = line;
        if at != NO_TIME {
            if t.first == NO_TIME {
                t.first = at;
            } else if at < t.last {
                t.in_order = false;
            }
            t.last = at;
        }
    }

    /// Make room for about `records` more messages up front, so the big
    /// arrays do not double (and copy) while a large file is read. Room that
    /// is never written costs address space, not memory; when even that is
    /// refused, the arrays simply grow as they go.
    pub fn reserve(&mut self, records: usize) {
        let records = records.min(MAX_RESERVE);
        let _ = self.messages.try_reserve(records);
        let _ = self.uids.try_reserve(records);
        // about half the messages carry facts, fewer carry meter readings
        let _ = self.facts.try_reserve(records / 2 + records / 8);
        let _ = self.readings.try_reserve(records / 2);
    }

    fn text(&mut self, b: &Batch, r: &Rec, slot: Slot) -> Sym {
        match b.text(r, slot) {
            Some(s) => self.strings.intern(s),
            None => Sym::NONE,
        }
    }

    /// Keep the facts of a record that has some; returns the message's `facts` slot.
    fn push_facts(&mut self, b: &Batch, r: &Rec) -> u32 {
        let texts = FACT_SLOTS.map(|slot| self.text(b, r, slot));
        let no_texts = texts.iter().all(|s| s.is_none());
        let time_only = r.connector == NO_INT && r.transaction == NO_INT && r.value == NO_INT;
        if no_texts && time_only && r.time != NO_TIME && b.readings(r).is_empty() {
            self.fact_times.push(r.time);
            return (self.fact_times.len() - 1) as u32 | TIME_ONLY;
        }
        let texts = if no_texts {
            0
        } else {
            let next = self.fact_texts.len() as u32;
            let slot = *self.fact_text_slots.entry(texts).or_insert(next);
            if slot == next {
                self.fact_texts.push(texts);
            }
            slot
        };
        let start = self.readings.len() as u32;
        self.readings.extend_from_slice(b.readings(r));
        self.facts.push(StoredFacts {
            texts,
            readings: start,
            connector: r.connector,
            transaction: r.transaction,
            value: r.value,
            time: r.time,
        });
        (self.facts.len() - 1) as u32
    }

    /// Take one record read from file number `file`.
    pub fn push(&mut self, file: u16, b: &Batch, r: &Rec) {
        let at = r.at;
        let Some(kind) = r.kind else {
            let reason = b.text(r, Slot::Unreadable).unwrap_or_default().to_string();
            self.unparsed.push(Unparsed { file, line: r.line, offset: r.offset, len: r.len, at, reason });
            return;
        };
        let idx = self.messages.len() as u32;
        let facts_slot = if r.no_facts { 0 } else { self.push_facts(b, r) };
        let station = self.strings.intern(b.text(r, Slot::Station).unwrap_or(""));
        let unique_id = r.uid;
        let mut action = self.text(b, r, Slot::Action);
        if kind != MsgKind::Call {
            // an answer's action comes from its request; until pairing, and
            // for an answer left unpaired, its slot holds the layout's hint
            let hint = self.text(b, r, Slot::ActionHint);
            if !hint.is_none() {
                action = hint;
            }
        }
        self.tally(file, r.line, at, kind, action, r.dir);
        self.messages.push(Message {
            at,
            span: PackedSpan::new(r.offset, r.len, &mut self.long_spans),
            line: r.line,
            file,
            kind,
            dir: Direction::Unknown,
            station,
            action,
            // until directions are resolved, the pair slot holds the direction hint
            pair: hint_slot(r.dir),
            facts: facts_slot,
        });
        self.uids.push(unique_id);
        if r.repaired {
            self.deviations.push((idx, "typographic quotes or invisible characters repaired".to_string()));
        }
        if let Some(notes) = &r.notes {
            let (violations, deviations) = &**notes;
            // (an answer's are those of the check made as it was read: taken below, or not)
            if kind == MsgKind::Call {
                self.violations.extend(violations.iter().map(|v| (idx, v.clone())));
            }
            self.deviations.extend(deviations.iter().map(|d| (idx, d.clone())));
        }
        match kind {
            MsgKind::Call => {
                self.open_calls.insert((station, unique_id), action);
            }
            _ => {
                let request = self.open_calls.remove(&(station, unique_id));
                if let Some(payload) = b.answer(r) {
                    match request {
                        // validated now; the final pairing (in time order) normally agrees
                        Some(a) => {
                            let action = self.strings.get(a);
                            let found = if b.checked_as(r) == Some(action) {
                                r.notes.as_ref().map_or_else(Vec::new, |notes| notes.0.clone())
                            } else {
                                with_tape(|tape| {
                                    json::parse_shaped(payload, action.as_bytes(), tape).map_or_else(
                                        |_| Vec::new(),
                                        |shape| {
                                            let root = Tape { text: payload, nodes: tape }.root();
                                            check_response_shaped(action, root, shape)
                                        },
                                    )
                                })
                            };
                            self.violations.extend(found.into_iter().map(|v| (idx, v)));
                            if self.violations.last().is_some_and(|&(i, _)| i == idx) {
                                self.early_validated.push((idx, a));
                            }
                        }
                        None => {
                            if let Ok(doc) = Doc::parse(payload.to_string()) {
                                self.answer_payloads.push((idx, doc));
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn finish(mut self) -> LogStore {
        self.fact_text_slots = FnvMap::default();
        if let Some(order) = self.time_order() {
            self.apply_order(&order);
        }
        let seen = self.pair();
        let uid_reuses = uid_reuses(&self.messages, &self.uids, seen);
        // let go of the uniqueIds (8 bytes a message) as soon as they have served
        self.uids = Vec::new();
        // an answer validated on arrival whose final request has another action (or none) loses that verdict
        let stale: std::collections::HashSet<u32> = self
            .early_validated
            .iter()
            .filter(|&&(i, action)| {
                let m = &self.messages[i as usize];
                m.pair == MsgIdx::NONE || m.action != action
            })
            .map(|&(i, _)| i)
            .collect();
        let mut violations: Vec<(MsgIdx, Violation)> = self
            .violations
            .drain(..)
            .filter(|(i, _)| !stale.contains(i) || self.messages[*i as usize].kind == MsgKind::Call)
            .map(|(i, v)| (MsgIdx(i), v))
            .collect();
        for (i, payload) in std::mem::take(&mut self.answer_payloads) {
            let m = &self.messages[i as usize];
            if m.pair != MsgIdx::NONE {
                let action = self.strings.get(m.action).to_string();
                violations.extend(check_response(&action, payload.root()).into_iter().map(|v| (MsgIdx(i), v)));
            }
        }
        violations.sort_by_key(|(i, _)| *i);
        let mut deviations: Vec<(MsgIdx, String)> = self.deviations.drain(..).map(|(i, d)| (MsgIdx(i), d)).collect();
        deviations.sort_by_key(|(i, _)| *i);
        self.unparsed.sort_by_key(|u| (u.file, u.line));

        let mut store = LogStore {
            files: self.files,
            messages: self.messages,
            long_spans: self.long_spans,
            facts: self.facts,
            fact_texts: self.fact_texts,
            fact_times: self.fact_times,
            readings: self.readings,
            unparsed: self.unparsed,
            strings: self.strings,
            violations,
            deviations,
            transactions: Vec::new(),
            uid_reuses,
            index: Indexes::default(),
            warnings: self.warnings,
        };
        build_indexes(&mut store);
        // (after the indexes: their lists are built while the store holds
        // no sessions yet, which keeps the peak lower)
        (store.transactions, store.index.by_tx_id) = transactions(&store);
        store
    }

    /// Sort by log time, file order breaking ties; a record without a time
    /// takes the time of the record before it in its file. `None` when the
    /// records are in that order already (the common case of one file).
    fn time_order(&self) -> Option<Vec<u32>> {
        // in order when each file's times and lines never went back and
        // each file's last time is at most the next one's first (a record
        // before a file's first time takes that time): told by the tallies
        let tallies: Vec<&FileTally> = self.file_tallies.iter().filter(|t| t.any).collect();
        if tallies.iter().all(|t| t.in_order) && tallies.windows(2).all(|w| w[0].last <= w[1].first) {
            return None;
        }
        // each record's time: its own, or the last one before it in its file
        // (the file's first for the records before that)
        let mut last: Vec<Millis> = self.file_tallies.iter().map(|t| t.first).collect();
        let eff: Vec<Millis> = self
            .messages
            .iter()
            .map(|m| {
                if m.at != NO_TIME {
                    last[m.file as usize] = m.at;
                }
                last[m.file as usize]
            })
            .collect();
        let key = |m: &Message, eff: Millis| (eff, m.file, m.line);
        let mut order: Vec<u32> = (0..self.messages.len() as u32).collect();
        order.sort_by_key(|&i| key(&self.messages[i as usize], eff[i as usize]));
        Some(order)
    }

    fn apply_order(&mut self, order: &[u32]) {
        let mut new_pos = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_pos[old as usize] = new as u32;
        }
        permute(&mut self.messages, &new_pos);
        permute(&mut self.uids, &new_pos);
        for (i, _) in &mut self.violations {
            *i = new_pos[*i as usize];
        }
        for (i, _) in &mut self.deviations {
            *i = new_pos[*i as usize];
        }
        for (i, _) in &mut self.answer_payloads {
            *i = new_pos[*i as usize];
        }
        for (i, _) in &mut self.early_validated {
            *i = new_pos[*i as usize];
        }
    }

    /// "in/out" words are relative to whoever wrote the log: per file,
    /// whether that was the station, by the calls whose action only one
    /// side sends (as counted while the records arrived).
    fn station_wrote(&self) -> Vec<bool> {
        let files = self.files.len().max(self.file_tallies.len());
        (0..files).map(|f| self.file_tallies.get(f).is_some_and(|t| t.logger_is_station > 0)).collect()
    }

    /// Pair each answer with the most recent unanswered request of the same
    /// (station, uniqueId) travelling the other way, at or before it (with a
    /// small tolerance for answers logged first).
    ///
    /// Each message's direction is settled from its hint on the way (see
    /// [`StoreBuilder::station_wrote`]): pairing looks at earlier messages only.
    ///
    /// Returns the keys of all the requests (see [`uid_reuses`]), each
    /// taken once its direction is final: when it is paired, or at the end.
    fn pair(&mut self) -> SeenTwice {
        const END: u32 = u32::MAX;
        let station_wrote = self.station_wrote();
        let (msgs, origins, strings, uids) = (&mut self.messages, &mut self.origins, &self.strings, &self.uids);
        let mut seen = SeenTwice::new(self.calls);
        let mut link = |msgs: &mut [Message], call: u32, answer: u32| {
            link(msgs, call, answer);
            seen.insert(request_key(msgs, uids, call as usize));
        };
        // the open requests of a key: the latest, and through `older` the
        // ones before it. An open request's pair slot holds its `older` link
        // (no list of links beside the messages); pairing sets it for good.
        let mut latest: FnvMap<(Sym, Uid), u32> = FnvMap::default();
        let older = |msgs: &[Message], c: u32| msgs[c as usize].pair.0;
        let mut early: FnvMap<(Sym, Uid), Vec<u32>> = FnvMap::default();
        let compatible = |a: Direction, b: Direction| a == Direction::Unknown || b == Direction::Unknown || a != b;
        // A station's latest request, held back from `latest` while no other
        // message of that station has come: most answers come right after
        // their request, and such an answer is paired with it with no
        // lookup in `latest` (the request is the latest open one of its key,
        // and taking it leaves `latest` as it was). Any other message of the
        // station (or of another station wanting the place) first puts the
        // held request into `latest`, where it would have been all along.
        let mut held: Vec<(Sym, u32)> = vec![(Sym::NONE, END); HELD];
        let put = |msgs: &mut [Message], latest: &mut FnvMap<(Sym, Uid), u32>, c: u32| {
            let key = (msgs[c as usize].station, uids[c as usize]);
            msgs[c as usize].pair = MsgIdx(latest.insert(key, c).unwrap_or(END));
        };
        for i in 0..msgs.len() {
            let m = &mut msgs[i];
            let hint = slot_hint(m.pair);
            m.pair = MsgIdx::NONE;
            m.dir = match hint {
                DirHint::Abs(d) => d,
                DirHint::In if station_wrote[m.file as usize] => Direction::CsToCp,
                DirHint::In => Direction::CpToCs,
                DirHint::Out if station_wrote[m.file as usize] => Direction::CpToCs,
                DirHint::Out => Direction::CsToCp,
                DirHint::None if m.kind == MsgKind::Call => match origin_of(origins, strings, m.action) {
                    Some(Origin::Station) => Direction::CpToCs,
                    Some(Origin::CentralSystem) => Direction::CsToCp,
                    _ => Direction::Unknown,
                },
                DirHint::None => Direction::Unknown,
            };
            let m = msgs[i];
            let key = (m.station, uids[i]);
            let place = held_place(m.station);
            let (station, c) = std::mem::replace(&mut held[place], (Sym::NONE, END));
            if c != END {
                let answers_it = station == m.station
                    && m.kind != MsgKind::Call
                    && uids[c as usize] == uids[i]
                    && compatible(msgs[c as usize].dir, m.dir);
                if answers_it {
                    link(msgs, c, i as u32);
                    continue;
                }
                put(msgs, &mut latest, c);
            }
            if m.kind == MsgKind::Call {
                // an answer logged just before its request
                if let Some(waiting) = early.get_mut(&key) {
                    if let Some(pos) = waiting.iter().position(|&r| {
                        let rm = &msgs[r as usize];
                        compatible(m.dir, rm.dir) && close_before(rm.at, m.at)
                    }) {
                        let r = waiting.remove(pos);
                        if waiting.is_empty() {
                            early.remove(&key);
                        }
                        link(msgs, i as u32, r);
                        continue;
                    }
                }
                held[place] = (m.station, i as u32);
                continue;
            }
            // exports sometimes label directions wrongly: with no request
            // travelling the other way, take the latest one with that id
            let Some(&head) = latest.get(&key) else {
                early.entry(key).or_default().push(i as u32);
                continue;
            };
            let (mut call, mut newer) = (head, END);
            let (mut c, mut after) = (head, END);
            while c != END {
                if compatible(msgs[c as usize].dir, m.dir) {
                    (call, newer) = (c, after);
                    break;
                }
                (after, c) = (c, older(msgs, c));
            }
            // answered requests leave the list, so it holds only open ones
            let rest = older(msgs, call);
            match (newer, rest) {
                (END, END) => {
                    latest.remove(&key);
                }
                (END, _) => {
                    latest.insert(key, rest);
                }
                _ => msgs[newer as usize].pair = MsgIdx(rest),
            }
            link(msgs, call, i as u32);
        }
        for &(_, c) in &held {
            if c != END {
                put(msgs, &mut latest, c);
            }
        }
        // the requests left open have no pair
        for (_, head) in latest {
            let mut c = head;
            while c != END {
                let next = older(msgs, c);
                msgs[c as usize].pair = MsgIdx::NONE;
                seen.insert(request_key(msgs, uids, c as usize));
                c = next;
            }
        }
        seen
    }
}

/// Places for held requests (see [`StoreBuilder::pair`]): a log has a few
/// stations or thousands; two that share a place only cost lookups.
const HELD: usize = 1024;
const _: () = assert!(HELD.is_power_of_two());

/// The place of a station's held request.
fn held_place(station: Sym) -> usize {
    (station.0.wrapping_mul(0x9E37_79B9) >> (32 - HELD.trailing_zeros())) as usize
}

/// Requests that reuse the uniqueId of an earlier request of the same
/// station and sender, as (earlier, later) pairs: requests sorted by
/// (station, sender, uniqueId, time) put the uses of an id side by side.
/// Only requests whose key may occur twice are sorted (most ids are used
/// once), which keeps the list small: `seen` has the keys of all the
/// requests (pairing fills it, see [`StoreBuilder::pair`]).
fn uid_reuses(messages: &[Message], uids: &[Uid], seen: SeenTwice) -> Vec<(MsgIdx, MsgIdx)> {
    use rayon::prelude::*;
    let key = |i: usize| (messages[i].station, messages[i].dir as u8, uids[i]);
    let requests = || (0..messages.len()).into_par_iter().filter(|&i| messages[i].kind == MsgKind::Call);
    // most of the keys `seen` may have had twice only share a slot with
    // another key: a second table over them alone, by other bits of the
    // key, leaves few (filled side by side; a key used twice is in both)
    let other = |k: u64| k.rotate_left(32);
    let again = SeenTwice::like(&seen);
    requests().for_each(|i| {
        let k = request_key(messages, uids, i);
        if seen.maybe_twice(k) {
            again.insert_shared(other(k));
        }
    });
    let reused: Vec<u32> = requests()
        .filter(|&i| {
            let k = request_key(messages, uids, i);
            seen.maybe_twice(k) && again.maybe_twice(other(k))
        })
        .map(|i| i as u32)
        .collect();
    drop((seen, again));
    // sorted with their keys beside them: a comparison then reads no message
    let mut keyed: Vec<((Sym, u8, Uid), u32)> = reused.into_iter().map(|i| (key(i as usize), i)).collect();
    keyed.sort_unstable();
    keyed.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| (MsgIdx(w[0].1), MsgIdx(w[1].1))).collect()
}

/// A request key folded into 64 bits: uniqueIds are hashed already; mix in
/// the station and the sender.
fn key_hash((station, dir, uid): (Sym, u8, Uid)) -> u64 {
    uid.0 ^ u64::from(station.0).rotate_left(32) ^ (u64::from(dir) << 62)
}

/// The folded key of message `i` (a request).
fn request_key(messages: &[Message], uids: &[Uid], i: usize) -> u64 {
    key_hash((messages[i].station, messages[i].dir as u8, uids[i]))
}

/// Which keys occur more than once, up to false positives: two bits per
/// slot of a table addressed by a hash of the key ("seen", "seen again"). A
/// key used twice is always reported; a key used once only when another key
/// shares its slot, and the exact sort that follows drops those.
struct SeenTwice {
    /// Per 64 slots: their "seen" bits and their "seen again" bits, side by
    /// side so that one slot costs one cache line. Atomic so that threads
    /// can fill one table side by side ([`SeenTwice::insert_shared`]); one
    /// thread alone fills it with plain writes ([`SeenTwice::insert`]).
    words: Vec<[AtomicU64; 2]>,
    shift: u32,
}

impl SeenTwice {
    /// An empty table for `count` keys.
    fn new(count: usize) -> SeenTwice {
        // 2 to 4 slots per key, a quarter of a megabyte per million keys
        // (the requests of a few million messages fit in a core's cache,
        // which pairing's inserts at random places need): a key used once
        // shares its slot now and then; the second table of `uid_reuses`,
        // over those alone, drops most of them
        let slots = (count * 2).next_power_of_two().max(64);
        SeenTwice::with_slots(slots)
    }

    fn with_slots(slots: usize) -> SeenTwice {
        let words = (0..slots / 64).map(|_| [AtomicU64::new(0), AtomicU64::new(0)]).collect();
        SeenTwice { words, shift: 64 - slots.trailing_zeros() }
    }

    /// An empty table as large as `other`.
    fn like(other: &SeenTwice) -> SeenTwice {
        SeenTwice::with_slots(other.words.len() * 64)
    }

    fn insert(&mut self, key: u64) {
        let (w, bit) = self.slot(key);
        let [once, twice] = &mut self.words[w];
        let (once, twice) = (once.get_mut(), twice.get_mut());
        *twice |= *once & bit;
        *once |= bit;
    }

    /// [`SeenTwice::insert`] while other threads insert too: of two
    /// inserts of one slot, the later sees the earlier's bit.
    fn insert_shared(&self, key: u64) {
        let (w, bit) = self.slot(key);
        let [once, twice] = &self.words[w];
        if once.fetch_or(bit, Ordering::Relaxed) & bit != 0 {
            twice.fetch_or(bit, Ordering::Relaxed);
        }
    }

    fn slot(&self, key: u64) -> (usize, u64) {
        // the top bits of a multiplicative hash
        let slot = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift;
        ((slot / 64) as usize, 1 << (slot % 64))
    }

    fn maybe_twice(&self, key: u64) -> bool {
        let (w, bit) = self.slot(key);
        self.words[w][1].load(Ordering::Relaxed) & bit != 0
    }
}

/// A direction hint as a message's pair slot holds it while the store is
/// built (no list of hints beside the messages).
fn hint_slot(hint: DirHint) -> MsgIdx {
    MsgIdx(match hint {
        DirHint::None => 0,
        DirHint::In => 1,
        DirHint::Out => 2,
        DirHint::Abs(d) => 3 + d as u32,
    })
}

/// The direction hint [`hint_slot`] put in a pair slot.
fn slot_hint(slot: MsgIdx) -> DirHint {
    match slot.0 {
        1 => DirHint::In,
        2 => DirHint::Out,
        3 => DirHint::Abs(Direction::Unknown),
        4 => DirHint::Abs(Direction::CpToCs),
        5 => DirHint::Abs(Direction::CsToCp),
        _ => DirHint::None,
    }
}

/// Which side sends an action, looked up once per action (`known` is
/// indexed by symbol).
fn origin_of(known: &mut Vec<Option<Option<Origin>>>, strings: &Interner, action: Sym) -> Option<Origin> {
    let i = action.0 as usize;
    if i >= known.len() && i < strings.len() {
        known.resize(strings.len(), None);
    }
    match known.get_mut(i) {
        Some(slot) => *slot.get_or_insert_with(|| origin(strings.get(action))),
        None => origin(strings.get(action)),
    }
}

/// Move `items[i]` to `items[new_pos[i]]`, in place (cycle by cycle), so
/// ordering the store needs no second copy of it.
fn permute<T>(items: &mut [T], new_pos: &[u32]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        // items[start] travels along its cycle until the cycle closes
        let mut at = start;
        loop {
            done[at] = true;
            let to = new_pos[at] as usize;
            if to == start {
                break;
            }
            items.swap(start, to);
            at = to;
        }
    }
}

fn close_before(answer_at: Millis, call_at: Millis) -> bool {
    answer_at == NO_TIME || call_at == NO_TIME || (call_at - answer_at) <= PAIRING_TOLERANCE_MS
}

/// Pair a request and its answer for good. The answer takes the request's
/// action, and a side whose direction is unknown the other's reversed
/// (an unpaired answer keeps the layout's action hint, put in its slot
/// when it was read). Both directions are settled by then: each is settled
/// when pairing reaches its message, and a pair is made at the later one.
fn link(msgs: &mut [Message], call: u32, answer: u32) {
    let (c, a) = (call as usize, answer as usize);
    msgs[c].pair = MsgIdx(answer);
    msgs[a].pair = MsgIdx(call);
    msgs[a].action = msgs[c].action;
    if msgs[a].dir == Direction::Unknown {
        msgs[a].dir = msgs[c].dir.reverse();
    } else if msgs[c].dir == Direction::Unknown {
        msgs[c].dir = msgs[a].dir.reverse();
    }
}

/// Lower-cased idTag symbols, each worked out once: the same few tags come
/// back on every Authorize, StartTransaction and their answers.
struct LowerTags {
    /// By symbol number of the tag as sent; `Sym::NONE` until first met.
    lower: Vec<Sym>,
}

impl LowerTags {
    fn get(&mut self, strings: &mut Interner, s: Sym) -> Sym {
        let Some(&known) = self.lower.get(s.0 as usize) else { return lower_sym(strings, s) };
        if !known.is_none() {
            return known;
        }
        let lower = lower_sym(strings, s);
        self.lower[s.0 as usize] = lower;
        lower
    }
}

fn lower_sym(strings: &mut Interner, s: Sym) -> Sym {
    let text = strings.get(s);
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        let lower = text.to_ascii_lowercase();
        strings.intern(&lower)
    } else {
        s
    }
}

/// Exact-length lists of messages, `list_of` naming a message's list by
/// number (`None`: in none): one pass counts how long each list will be, a
/// second fills them. Lists that grow by doubling would carry up to twice
/// that, plus the copies made while they grow, and between them the index
/// lists hold millions of messages.
fn exact_lists(store: &LogStore, mut list_of: impl FnMut(&Message) -> Option<usize>) -> Vec<Vec<MsgIdx>> {
    let mut lengths: Vec<usize> = Vec::new();
    for m in &store.messages {
        if let Some(at) = list_of(m) {
            if lengths.len() <= at {
                lengths.resize(at + 1, 0);
            }
            lengths[at] += 1;
        }
    }
    let mut lists: Vec<Vec<MsgIdx>> = lengths.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (i, m) in store.messages.iter().enumerate() {
        if let Some(at) = list_of(m) {
            lists[at].push(MsgIdx(i as u32));
        }
    }
    lists
}

/// Lists by a symbol of the message. Actions and stations are few: their
/// lists sit at their symbol's number (no hashing per message), the last
/// one for `Sym::NONE`.
fn symbol_lists(store: &LogStore, symbols: usize, symbol: impl Fn(&Message) -> Option<Sym>) -> Vec<(Sym, Vec<MsgIdx>)> {
    let lists = exact_lists(store, |m| symbol(m).map(|s| (s.0 as usize).min(symbols)));
    let sym = |at: usize| if at == symbols { Sym::NONE } else { Sym(at as u32) };
    lists.into_iter().enumerate().filter(|(_, l)| !l.is_empty()).map(|(at, l)| (sym(at), l)).collect()
}

/// Lists by a key found in a message's facts, numbered as first met.
fn keyed_lists<K: Copy + Eq + std::hash::Hash>(
    store: &LogStore,
    mut key_of: impl FnMut(&Message) -> Option<K>,
) -> Vec<(K, Vec<MsgIdx>)> {
    let mut numbers: FnvMap<K, usize> = FnvMap::default();
    // consecutive messages often have the same key: the last one looked up
    let mut last: Option<(K, usize)> = None;
    let lists = exact_lists(store, |m| {
        let key = key_of(m)?;
        let number = match last {
            Some((k, number)) if k == key => number,
            _ => {
                let next = numbers.len();
                *numbers.entry(key).or_insert(next)
            }
        };
        last = Some((key, number));
        Some(number)
    });
    let mut keys: Vec<Option<K>> = vec![None; numbers.len()];
    for (key, at) in numbers {
        keys[at] = Some(key);
    }
    keys.into_iter().map(|k| k.expect("every number has its key")).zip(lists).collect()
}

/// The index lists, built side by side: they only read the messages.
fn build_indexes(store: &mut LogStore) {
    let symbols = store.strings.len();
    // idTags are listed lower-cased (interned on the way, each worked out
    // once: the same few tags come back on every Authorize and
    // StartTransaction); the symbols taken out meanwhile, so that the store can be read
    let mut strings = std::mem::take(&mut store.strings);
    let mut lower_tags = LowerTags { lower: vec![Sym::NONE; symbols] };
    let store_ref = &*store;
    let ((by_action, by_station), (by_id_tag, by_connector)) = rayon::join(
        || {
            rayon::join(
                || symbol_lists(store_ref, symbols, |m| (!m.action.is_none()).then_some(m.action)),
                || symbol_lists(store_ref, symbols, |m| Some(m.station)),
            )
        },
        || {
            rayon::join(
                || {
                    keyed_lists(store_ref, |m| {
                        // (only the key is read, not the whole of `LogStore::facts`)
                        let [tag, ..] = store_ref.fact_texts[store_ref.stored_facts(m)?.texts as usize];
                        (!tag.is_none()).then(|| lower_tags.get(&mut strings, tag))
                    })
                },
                || {
                    keyed_lists(store_ref, |m| {
                        let connector = store_ref.stored_facts(m).filter(|_| m.kind == MsgKind::Call)?.connector;
                        (connector != NO_INT).then_some((m.station, connector))
                    })
                },
            )
        },
    );
    store.strings = strings;
    store.index = Indexes {
        by_action: by_action.into_iter().collect(),
        by_id_tag: by_id_tag.into_iter().collect(),
        by_station: by_station.into_iter().collect(),
        by_connector: by_connector.into_iter().collect(),
        by_tx_id: Default::default(),
    };
}

/// The charging sessions, in one pass in message order: a StartTransaction
/// request answered with a transactionId opens one (with the Authorize of
/// its idTag just before it); the MeterValues and StopTransaction requests
/// of that station and id after it join the latest one opened, their
/// readings with them (see `Register`). Also the sessions by (station, id).
fn transactions(store: &LogStore) -> (Vec<Transaction>, SessionsById) {
    let find = |action: &str| store.strings.find(action).unwrap_or(Sym::NONE);
    let (start_transaction, authorize) = (find("StartTransaction"), find("Authorize"));
    let (meter_values, stop_transaction) = (find("MeterValues"), find("StopTransaction"));
    let mut authorizes: Vec<MsgIdx> = Vec::new();
    let mut txs: Vec<Transaction> = Vec::new();
    let mut by_tx: FnvMap<(Sym, i64), Vec<TxIdx>> = FnvMap::default();
    // requests of one station and transaction come in runs: look the key up
    // once per run (the latest session of a key is the last opened so far)
    let mut last: Option<((Sym, i64), Option<TxIdx>)> = None;
    for (i, m) in store.messages.iter().enumerate() {
        if m.kind != MsgKind::Call || m.action.is_none() {
            continue;
        }
        let i = MsgIdx(i as u32);
        if m.action == authorize {
            authorizes.push(i);
            continue;
        }
        if m.action == start_transaction {
            let Some(answer) = m.pair.opt() else { continue };
            let id = store.facts(answer).transaction;
            if id == NO_INT {
                continue;
            }
            let f = store.facts(i);
            let t = TxIdx(txs.len() as u32);
            let mut register = Register::NONE;
            if f.value != NO_INT {
                let _ = register.add(m.at, f.value as f64);
            }
            txs.push(Transaction {
                station: m.station,
                id,
                connector: f.connector,
                id_tag: f.id_tag,
                start: i,
                stop: None,
                authorize: authorize_before(store, &authorizes, i),
                messages: Vec::new(),
                register,
            });
            by_tx.entry((m.station, id)).or_default().push(t);
            last = None;
            continue;
        }
        let is_stop = m.action == stop_transaction;
        if !(is_stop || m.action == meter_values) {
            continue;
        }
        let f = store.facts(i);
        let key = (m.station, f.transaction);
        let t = match last {
            Some((k, t)) if k == key => t,
            _ => {
                let t = by_tx.get(&key).and_then(|c| c.last().copied());
                last = Some((key, t));
                t
            }
        };
        let Some(t) = t else { continue };
        let tx = &mut txs[t.0 as usize];
        tx.messages.push(i);
        for r in store.readings(i).iter().filter(|r| r.measure == Measure::EnergyImport) {
            let _ = tx.register.add(m.at, r.value);
        }
        if is_stop && tx.stop.is_none() {
            tx.stop = Some(i);
            if f.value != NO_INT && f.value != -1 {
                let _ = tx.register.add(m.at, f.value as f64);
            }
        }
    }
    // the lists grew by doubling: give back the room they did not fill
    for tx in &mut txs {
        tx.messages.shrink_to_fit();
    }
    (txs, by_tx.into_iter().collect())
}

/// The latest Authorize of `start`'s idTag (any case) at its station shortly
/// before it, among `authorizes` (requests in message order).
fn authorize_before(store: &LogStore, authorizes: &[MsgIdx], start: MsgIdx) -> Option<MsgIdx> {
    let m = store.msg(start);
    let tag = store.str(store.facts(start).id_tag);
    let before = authorizes.partition_point(|&a| a < start);
    authorizes[..before]
        .iter()
        .rev()
        .take_while(|&&a| {
            m.at == NO_TIME || store.msg(a).at == NO_TIME || m.at - store.msg(a).at <= AUTHORIZE_LOOKBACK_MS
        })
        .find(|&&a| store.msg(a).station == m.station && store.str(store.facts(a).id_tag).eq_ignore_ascii_case(tag))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::permute;
    use crate::ingest::frame::MsgKind;
    use crate::store::{LogStore, MsgIdx, Sym, NO_INT};
    use std::collections::HashMap;

    /// Each index, worked out the plain way: message by message, into lists that grow.
    fn plain_indexes(s: &LogStore) -> [HashMap<String, Vec<MsgIdx>>; 4] {
        let mut lists: [HashMap<String, Vec<MsgIdx>>; 4] = Default::default();
        for i in s.all() {
            let (m, f) = (s.msg(i), s.facts(i));
            if !m.action.is_none() {
                lists[0].entry(s.str(m.action).to_string()).or_default().push(i);
            }
            lists[1].entry(s.str(m.station).to_string()).or_default().push(i);
            if !f.id_tag.is_none() {
                lists[2].entry(s.str(f.id_tag).to_ascii_lowercase()).or_default().push(i);
            }
            if m.kind == MsgKind::Call && f.connector != NO_INT {
                lists[3].entry(format!("{}/{}", s.str(m.station), f.connector)).or_default().push(i);
            }
        }
        lists
    }

    #[test]
    fn reused_ids_are_those_of_a_plain_search() {
        // 60,000 requests of two stations, both ways, with ids from a
        // range small enough that many are reused (and many more share a
        // slot of the search's tables by chance)
        let mut text = String::new();
        let mut x = 12345u64;
        for n in 0..60_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let (station, dir, uid) = (x >> 60 & 1, if x >> 59 & 1 == 0 { "<-" } else { "->" }, (x >> 20) % 40_000);
            text.push_str(&format!(
                "2025-01-01 10:00:{:02}.{:03} [CP{station}] {dir} [2,\"{uid}\",\"Heartbeat\",{{}}]\n",
                n / 1000,
                n % 1000
            ));
        }
        let s = crate::testutil::load_text(&text);
        let mut last: HashMap<(Sym, u8, String), MsgIdx> = HashMap::new();
        let mut plain = Vec::new();
        for i in s.all() {
            let m = s.msg(i);
            if let Some(prev) = last.insert((m.station, m.dir as u8, s.unique_id(i)), i) {
                plain.push((prev, i));
            }
        }
        let mut found = s.uid_reuses.clone();
        found.sort();
        plain.sort();
        assert!(plain.len() > 5_000, "{} reuses", plain.len());
        assert_eq!(found, plain);
    }

    type Session = (MsgIdx, Option<MsgIdx>, Option<MsgIdx>, Vec<MsgIdx>);

    /// The sessions worked out the plain way, in two passes: every answered
    /// StartTransaction request opens one; then each MeterValues and
    /// StopTransaction request joins the latest session of its station and
    /// id opened before it. (start, stop, authorize, messages) of each.
    fn plain_sessions(s: &LogStore) -> Vec<Session> {
        let calls = |action: &str| -> Vec<MsgIdx> {
            s.all().filter(|&i| s.msg(i).kind == MsgKind::Call && s.str(s.msg(i).action) == action).collect()
        };
        let authorizes = calls("Authorize");
        let mut sessions = Vec::new();
        for start in calls("StartTransaction") {
            let Some(answer) = s.msg(start).pair.opt() else { continue };
            let id = s.facts(answer).transaction;
            if id != NO_INT {
                let authorize = super::authorize_before(s, &authorizes, start);
                sessions.push(((s.msg(start).station, id), start, None, authorize, Vec::new()));
            }
        }
        for i in s.all() {
            let action = s.str(s.msg(i).action);
            if s.msg(i).kind != MsgKind::Call || !(action == "MeterValues" || action == "StopTransaction") {
                continue;
            }
            let key = (s.msg(i).station, s.facts(i).transaction);
            if let Some(t) = sessions.iter_mut().rev().find(|t| t.0 == key && t.1 < i) {
                t.4.push(i);
                if action == "StopTransaction" && t.2.is_none() {
                    t.2 = Some(i);
                }
            }
        }
        sessions.into_iter().map(|(_, start, stop, authorize, messages)| (start, stop, authorize, messages)).collect()
    }

    #[test]
    fn sessions_are_those_of_a_plain_two_pass_search() {
        // transaction 7 of CP1 twice (after a reset), a MeterValues before
        // any session of its id, an unanswered start, another station's 7
        let mut s = crate::testutil::log(&[
            "10:00:00 <- [2,\"a1\",\"Authorize\",{\"idTag\":\"TAG1\"}]",
            "10:00:01 -> [3,\"a1\",{\"idTagInfo\":{\"status\":\"Accepted\"}}]",
            "10:00:02 <- [2,\"m0\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":7,\"meterValue\":[]}]",
            "10:00:03 <- [2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"tag1\",\"meterStart\":0,\"timestamp\":\"2025-01-01T10:00:03Z\"}]",
            "10:00:04 -> [3,\"s1\",{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Accepted\"}}]",
            "CP2 10:00:05 <- [2,\"s9\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"X\",\"meterStart\":0,\"timestamp\":\"2025-01-01T10:00:05Z\"}]",
            "CP2 10:00:05.500 -> [3,\"s9\",{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Accepted\"}}]",
            "10:00:06 <- [2,\"m1\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":7,\"meterValue\":[]}]",
            "CP2 10:00:07 <- [2,\"m9\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":7,\"meterValue\":[]}]",
            "10:00:08 <- [2,\"x1\",\"StopTransaction\",{\"transactionId\":7,\"meterStop\":500,\"timestamp\":\"2025-01-01T10:00:08Z\"}]",
            "10:00:09 <- [2,\"s2\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\",\"meterStart\":500,\"timestamp\":\"2025-01-01T10:00:09Z\"}]",
            "10:00:10 <- [2,\"s3\",\"StartTransaction\",{\"connectorId\":2,\"idTag\":\"TAG2\",\"meterStart\":0,\"timestamp\":\"2025-01-01T10:00:10Z\"}]",
            "10:00:10.500 -> [3,\"s3\",{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Accepted\"}}]",
            "10:00:11 <- [2,\"m2\",\"MeterValues\",{\"connectorId\":2,\"transactionId\":7,\"meterValue\":[]}]",
            "10:00:12 <- [2,\"x2\",\"StopTransaction\",{\"transactionId\":7,\"meterStop\":900,\"timestamp\":\"2025-01-01T10:00:12Z\"}]",
        ]);
        let found = |s: &LogStore| -> Vec<_> {
            s.transactions.iter().map(|t| (t.start, t.stop, t.authorize, t.messages.clone())).collect()
        };
        let plain = plain_sessions(&s);
        assert_eq!(plain.len(), 3, "{plain:?}");
        assert_eq!(plain[0].3.len(), 2, "the first 7 of CP1 has its MeterValues and its stop: {plain:?}");
        // the Authorize of TAG1 (the first line) led to the start with tag1,
        // any case; TAG2's start had none
        assert_eq!(plain[0].2, Some(MsgIdx(0)), "{plain:?}");
        assert_eq!(plain[2].2, None, "{plain:?}");
        assert_eq!(found(&s), plain);
        // and on a generated log with faults
        let opts = crate::synth::SynthOptions { stations: 3, days: 2.0, fault_rate: 0.3, ..Default::default() };
        s = crate::testutil::load_text(&crate::synth::generate_string(&opts).0);
        let plain = plain_sessions(&s);
        assert!(plain.len() > 20, "{} sessions", plain.len());
        assert_eq!(found(&s), plain);
    }

    #[test]
    fn indexes_list_exactly_the_messages_of_each_key_in_order() {
        let opts = crate::synth::SynthOptions { stations: 3, days: 2.0, fault_rate: 0.3, ..Default::default() };
        let (text, _) = crate::synth::generate_string(&opts);
        let s = crate::testutil::load_text(&text);
        let named = |lists: &HashMap<Sym, Vec<MsgIdx>>| -> HashMap<String, Vec<MsgIdx>> {
            lists.iter().map(|(&k, v)| (s.str(k).to_string(), v.clone())).collect()
        };
        let connectors: HashMap<String, Vec<MsgIdx>> =
            s.index.by_connector.iter().map(|(&(st, c), v)| (format!("{}/{c}", s.str(st)), v.clone())).collect();
        let built = [named(&s.index.by_action), named(&s.index.by_station), named(&s.index.by_id_tag), connectors];
        let plain = plain_indexes(&s);
        for (what, (built, plain)) in ["action", "station", "idTag", "connector"].iter().zip(built.iter().zip(&plain)) {
            assert!(!plain.is_empty(), "the log has messages by {what}");
            assert_eq!(built, plain, "index by {what}");
        }
        // every list is exactly as long as it needs to be
        assert!(s.index.by_action.values().chain(s.index.by_station.values()).all(|l| l.capacity() == l.len()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Whatever the times of the records of one to three files (some
        /// without a time, some going back), the store holds them all, in
        /// time order, file order then line order breaking ties, a record
        /// without a time taking the time before it in its file.
        #[test]
        fn records_are_put_in_time_order(
            files in proptest::collection::vec(proptest::collection::vec(proptest::option::weighted(0.8, 0u32..4), 1..6), 1..4),
        ) {
            use crate::ingest::timestamp::Millis;
            use crate::store::NO_TIME;
            use std::io::Write;
            let dir = tempfile::tempdir().unwrap();
            let mut names = Vec::new();
            for (f, times) in files.iter().enumerate() {
                let mut text = String::new();
                for (n, t) in times.iter().enumerate() {
                    let stamp = t.map(|t| format!("2025-01-01 10:00:0{t}.000 ")).unwrap_or_default();
                    text.push_str(&format!("{stamp}[CP1] <- [2,\"{f}-{n}\",\"Heartbeat\",{{}}]\n"));
                }
                let name = dir.path().join(format!("{f}.log"));
                std::fs::File::create(&name).unwrap().write_all(text.as_bytes()).unwrap();
                names.push(name.to_string_lossy().into_owned());
            }
            let s = crate::ingest::load(&names, Default::default(), &|_, _| {}).unwrap();
            proptest::prop_assert_eq!(s.messages.len(), files.iter().map(Vec::len).sum::<usize>());
            // each record's effective time, as the files give them
            let mut want = Vec::new();
            for (f, times) in files.iter().enumerate() {
                let first = times.iter().flatten().next().map_or(NO_TIME, |&t| 1_735_725_600_000 + i64::from(t) * 1000);
                let mut last = first;
                for (n, t) in times.iter().enumerate() {
                    if let Some(t) = t {
                        last = 1_735_725_600_000 + i64::from(*t) * 1000;
                    }
                    want.push((last, f as u16, n as u32 + 1));
                }
            }
            want.sort();
            let got: Vec<(Millis, u16, u32)> = s
                .messages
                .iter()
                .zip(&want)
                .map(|(m, w)| (if m.at == NO_TIME { w.0 } else { m.at }, m.file, m.line))
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_direction_hint_comes_back_from_its_pair_slot() {
        use super::{hint_slot, slot_hint};
        use crate::ingest::hints::DirHint;
        use crate::store::Direction;
        let hints = [
            DirHint::None,
            DirHint::In,
            DirHint::Out,
            DirHint::Abs(Direction::Unknown),
            DirHint::Abs(Direction::CpToCs),
            DirHint::Abs(Direction::CsToCp),
        ];
        for h in hints {
            assert_eq!(slot_hint(hint_slot(h)), h);
        }
    }

    #[test]
    fn a_pair_settles_the_direction_one_side_lacks() {
        use crate::store::Direction::{CpToCs, CsToCp};
        // no arrows on the answer to a Heartbeat (only stations send one),
        // nor on a DataTransfer (either side sends one) whose answer has one
        let s = crate::testutil::log(&[
            r#"10:00:00 <- [2,"h","Heartbeat",{}]"#,
            r#"10:00:01 [3,"h",{"currentTime":"2025-01-01T10:00:01Z"}]"#,
            r#"10:00:02 [2,"d","DataTransfer",{"vendorId":"v"}]"#,
            r#"10:00:03 <- [3,"d",{"status":"Accepted"}]"#,
            r#"10:00:04 [3,"x",{}]"#,
        ]);
        let dirs: Vec<_> = s.all().map(|i| s.msg(i).dir).collect();
        assert_eq!(dirs[..4], [CpToCs, CsToCp, CsToCp, CpToCs]);
        let actions: Vec<&str> = s.all().map(|i| s.action_name(i)).collect();
        assert_eq!(actions[..4], ["Heartbeat", "Heartbeat", "DataTransfer", "DataTransfer"]);
        assert!(s.msg(MsgIdx(4)).pair.opt().is_none() && s.msg(MsgIdx(4)).action.is_none());
    }

    #[test]
    fn a_reused_id_is_found_under_the_direction_its_pair_settles() {
        // requests either side may send, without arrows: their answers
        // (from the station) tell they came from the back end; the last is
        // never answered and keeps no direction
        let s = crate::testutil::log(&[
            r#"10:00:00 [2,"d","DataTransfer",{"vendorId":"v"}]"#,
            r#"10:00:01 <- [3,"d",{"status":"Accepted"}]"#,
            r#"10:00:05 [2,"d","DataTransfer",{"vendorId":"w"}]"#,
            r#"10:00:06 <- [3,"d",{"status":"Accepted"}]"#,
            r#"10:00:09 [2,"d","DataTransfer",{"vendorId":"x"}]"#,
        ]);
        assert_eq!(s.uid_reuses, vec![(MsgIdx(0), MsgIdx(2))]);
    }

    #[test]
    fn requests_left_open_have_no_pair() {
        // two open requests of one key (the second a resend), one of
        // another, and an answered one between them
        let s = crate::testutil::log(&[
            r#"10:00:00 <- [2,"7","Heartbeat",{}]"#,
            r#"10:00:01 <- [2,"8","Heartbeat",{}]"#,
            r#"10:00:02 <- [2,"9","Heartbeat",{}]"#,
            r#"10:00:03 -> [3,"9",{"currentTime":"2025-01-01T10:00:03Z"}]"#,
            r#"10:00:04 <- [2,"7","Heartbeat",{}]"#,
        ]);
        let pairs: Vec<Option<u32>> = s.all().map(|i| s.msg(i).pair.opt().map(|p| p.0)).collect();
        assert_eq!(pairs, vec![None, None, Some(3), Some(2), None]);
    }

    /// A message as pairing sees it: station, uniqueId, whether it is a
    /// request, its direction, its time.
    type Seen = (u8, u8, bool, crate::store::Direction, crate::store::Millis);

    /// Pairing as a plain search over the messages before each one: a
    /// request takes the first waiting answer of its station and id logged
    /// just before it that travels the other way, or else stays open; an
    /// answer takes the latest open request of its station and id that
    /// travels the other way (the latest of them when none does), or else
    /// waits for one.
    fn plain_pairs(ms: &[Seen]) -> Vec<Option<usize>> {
        use crate::store::Direction::Unknown;
        let fits = |a: usize, b: usize| ms[a].3 == Unknown || ms[b].3 == Unknown || ms[a].3 != ms[b].3;
        let (mut pairs, mut open, mut waiting) = (vec![None; ms.len()], Vec::new(), Vec::new());
        for i in 0..ms.len() {
            let same = |j: &usize| ms[*j].0 == ms[i].0 && ms[*j].1 == ms[i].1;
            let found = if ms[i].2 {
                let pos = waiting.iter().position(|&r| same(&r) && fits(i, r) && super::close_before(ms[r].4, ms[i].4));
                pos.map(|p| waiting.remove(p))
            } else {
                let mine: Vec<usize> = open.iter().rev().copied().filter(same).collect();
                let call = mine.iter().copied().find(|&c| fits(c, i)).or(mine.first().copied());
                open.retain(|&c| Some(c) != call);
                call
            };
            match found {
                Some(j) => (pairs[i], pairs[j]) = (Some(j), Some(i)),
                None if ms[i].2 => open.push(i),
                None => waiting.push(i),
            }
        }
        pairs
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Requests and answers of a few stations and ids, in either
        /// direction or none, some logged at once, some seconds apart.
        #[test]
        fn pairs_are_those_of_a_plain_search(
            lines in proptest::collection::vec((0u8..3, 0u8..3, proptest::bool::ANY, 0u8..3, 0usize..3), 1..80)
        ) {
            use crate::store::Direction::{CpToCs, CsToCp, Unknown};
            let mut at = 0;
            let mut text = String::new();
            let mut seen: Vec<Seen> = Vec::new();
            for &(station, id, call, way, step) in &lines {
                at += [0, 1_500, 5_000][step];
                let (token, dir) = [("", Unknown), ("CP -> CS ", CpToCs), ("CS -> CP ", CsToCp)][way as usize];
                // either side may send a DataTransfer: with no token, no direction
                let frame = if call { format!(r#"[2,"u{id}","DataTransfer",{{"vendorId":"v"}}]"#) } else { format!(r#"[3,"u{id}",{{}}]"#) };
                let stamp = crate::ingest::timestamp::format_rfc3339_ms(1_735_725_600_000 + at);
                text.push_str(&format!("{} [CP{station}] {token}{frame}\n", stamp.trim_end_matches('Z').replace('T', " ")));
                seen.push((station, id, call, dir, 1_735_725_600_000 + at));
            }
            let s = crate::testutil::load_bytes(text.as_bytes(), ".log");
            proptest::prop_assert_eq!(s.messages.len(), lines.len());
            let got: Vec<Option<usize>> = s.all().map(|i| s.msg(i).pair.opt().map(|p| p.0 as usize)).collect();
            proptest::prop_assert_eq!(got, plain_pairs(&seen));
        }
    }

    #[test]
    fn stations_that_share_a_held_place_keep_their_own_pairs() {
        // more stations than places for held requests, all with the same id:
        // every answer pairs with the request of its own station
        let stations = 3 * super::HELD;
        let mut text = String::new();
        for (n, st) in (0..stations).chain(0..stations).enumerate() {
            let frame = if n < stations { r#"[2,"1","Heartbeat",{}]"# } else { r#"[3,"1",{}]"# };
            text.push_str(&format!("2025-01-01 10:00:00.000 [CP{st}] {frame}\n"));
        }
        let s = crate::testutil::load_bytes(text.as_bytes(), ".log");
        assert_eq!(s.messages.len(), 2 * stations);
        for i in s.all().take(stations) {
            let answer = s.msg(i).pair.opt().expect("answered");
            assert_eq!(answer.0 as usize, i.0 as usize + stations);
        }
    }

    #[test]
    fn keys_inserted_twice_side_by_side_are_seen_twice() {
        use rayon::prelude::*;
        // keys hashed as uniqueIds are (splitmix64), each inserted twice,
        // once from either half of the list (so from either thread)
        let mix = |k: u64| {
            let z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let keys: Vec<u64> = (0..100_000u64).map(mix).collect();
        let table = super::SeenTwice::new(keys.len());
        keys.par_iter().chain(keys.par_iter()).for_each(|&k| table.insert_shared(k));
        assert!(keys.iter().all(|&k| table.maybe_twice(k)));
        // a key inserted once is not, unless another shares its slot
        let once = super::SeenTwice::new(keys.len());
        keys.par_iter().for_each(|&k| once.insert_shared(k));
        assert!(keys.iter().filter(|&&k| once.maybe_twice(k)).count() < keys.len() / 2);
    }

    #[test]
    fn permute_moves_every_item_to_its_new_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // a→2, b→0, c→1 (one cycle), d stays, e↔f
        permute(&mut items, &[2, 0, 1, 3, 5, 4]);
        assert_eq!(items, vec!['b', 'c', 'a', 'd', 'f', 'e']);
    }
}
