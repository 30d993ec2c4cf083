//! The in-memory log: a compact arena of messages with interned strings,
//! typed indexes, request/response pairing and transactions.
//!
//! A message keeps where its record lies in the source (file, line, byte
//! span) instead of a copy of the text; the frame is re-read and re-parsed on
//! demand for the one message being shown. Everything the rules need is
//! extracted once at load time into [`Facts`] and [`MeterReading`]s.

mod build;
pub mod intern;

pub use build::StoreBuilder;
pub use intern::{Interner, Sym};

use crate::analysis::schema::Violation;
use crate::ingest::frame::{parse_frame, Frame, MsgKind};
use crate::ingest::timestamp::Millis;
use crate::ingest::SourceFile;
use std::collections::HashMap;

/// "No timestamp" in an `i64` time slot.
pub const NO_TIME: Millis = i64::MIN;
/// "Absent" in an integer slot.
pub const NO_INT: i64 = i64::MIN;

/// Index of a message in [`LogStore::messages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgIdx(pub u32);

impl MsgIdx {
    pub const NONE: MsgIdx = MsgIdx(u32::MAX);

    pub fn opt(self) -> Option<MsgIdx> {
        (self != MsgIdx::NONE).then_some(self)
    }

    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// A uniqueId as the store builder keeps it, a 64-bit hash of its text:
/// pairing and the search for reused ids only compare ids. (Two different
/// ids of one station colliding is a 1 in 10^7 event even for a month of a
/// busy site.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uid(pub u64);

impl Uid {
    pub fn of(text: &str) -> Uid {
        use std::hash::Hasher;
        let mut h = intern::Fnv::default();
        h.write(text.as_bytes());
        Uid(h.finish())
    }
}

/// Index of a transaction in [`LogStore::transactions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxIdx(pub u32);

/// Which way a message travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Direction {
    Unknown,
    CpToCs,
    CsToCp,
}

impl Direction {
    /// The contract's spelling: `cp-to-cs` / `cs-to-cp`.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Direction::CpToCs => Some("cp-to-cs"),
            Direction::CsToCp => Some("cs-to-cp"),
            Direction::Unknown => None,
        }
    }

    pub fn reverse(self) -> Direction {
        match self {
            Direction::CpToCs => Direction::CsToCp,
            Direction::CsToCp => Direction::CpToCs,
            Direction::Unknown => Direction::Unknown,
        }
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Direction::CpToCs => "→CS",
            Direction::CsToCp => "←CS",
            Direction::Unknown => " ? ",
        }
    }
}

/// Where a record lies in its source, packed into 64 bits: the byte offset
/// in the low 40 bits (up to 1 TiB), the length in the high 24 (up to 16 MiB
/// less one byte). That is every record of any real log; a record that does
/// not fit is kept whole in [`LogStore::long_spans`], and its packed value
/// holds [`PackedSpan::LONG`] as the length and its place in that list as
/// the offset. Read it back with [`LogStore::span`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedSpan(u64);

impl PackedSpan {
    const OFFSET_BITS: u32 = 40;
    const OFFSET_MASK: u64 = (1 << Self::OFFSET_BITS) - 1;
    /// The length that says "look in the list of long spans".
    const LONG: u64 = (1 << (64 - Self::OFFSET_BITS)) - 1;

    /// Pack `(offset, len)`, adding it to `long` when it does not fit.
    pub fn new(offset: u64, len: u32, long: &mut Vec<(u64, u32)>) -> PackedSpan {
        if offset <= Self::OFFSET_MASK && u64::from(len) < Self::LONG {
            PackedSpan(u64::from(len) << Self::OFFSET_BITS | offset)
        } else {
            long.push((offset, len));
            PackedSpan(Self::LONG << Self::OFFSET_BITS | (long.len() - 1) as u64)
        }
    }

    /// The `(offset, len)` packed, with the list `new` added long spans to.
    pub fn get(self, long: &[(u64, u32)]) -> (u64, u32) {
        let (len, offset) = (self.0 >> Self::OFFSET_BITS, self.0 & Self::OFFSET_MASK);
        if len == Self::LONG {
            long[offset as usize]
        } else {
            (offset, len as u32)
        }
    }
}

/// One OCPP message (one readable frame). 40 bytes: the uniqueId is not
/// kept (pairing and the search for reused ids are done while the store is
/// built; the text is re-read from the source when it is shown).
#[derive(Clone, Copy, Debug)]
pub struct Message {
    /// Log timestamp (UTC ms), `NO_TIME` when the layout has none.
    pub at: Millis,
    /// Byte span of the whole record in the (possibly spooled) source; see
    /// [`LogStore::span`].
    pub span: PackedSpan,
    /// 1-based line of the record's first line.
    pub line: u32,
    pub file: u16,
    pub kind: MsgKind,
    pub dir: Direction,
    pub station: Sym,
    /// The CALL's action; for answers the paired request's (NONE when orphan).
    pub action: Sym,
    /// The paired request or answer.
    pub pair: MsgIdx,
    /// Index into [`LogStore::facts`], or with [`TIME_ONLY`] set into
    /// [`LogStore::fact_times`]; read them with [`LogStore::facts`].
    pub facts: u32,
}

impl Message {
    pub fn time(&self) -> Option<Millis> {
        (self.at != NO_TIME).then_some(self.at)
    }
}

/// The payload fields the rules and filters use, taken once at load time,
/// as [`LogStore::facts`] gives them.
/// Slots are filled by field name, whatever the action (see `ingest::facts`).
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    pub id_tag: Sym,
    /// `status`, or `idTagInfo.status` in answers.
    pub status: Sym,
    /// StatusNotification `errorCode`, CALLERROR errorCode.
    pub error_code: Sym,
    /// `info`, CALLERROR errorDescription, ChangeConfiguration `value`, BootNotification model.
    pub info: Sym,
    /// `vendorId`, BootNotification vendor.
    pub vendor_id: Sym,
    pub vendor_error: Sym,
    /// StopTransaction `reason`.
    pub reason: Sym,
    /// `key`, `type`, `requestedMessage`, `messageId`.
    pub key: Sym,
    pub connector: i64,
    pub transaction: i64,
    /// `meterStart`, `meterStop`, `interval`, `listVersion`.
    pub value: i64,
    /// Payload time: `timestamp`, `currentTime`, or the first meterValue's.
    pub time: Millis,
}

impl Facts {
    /// A payload that gives no fact at all.
    pub const NONE: Facts = Facts {
        id_tag: Sym::NONE,
        status: Sym::NONE,
        error_code: Sym::NONE,
        info: Sym::NONE,
        vendor_id: Sym::NONE,
        vendor_error: Sym::NONE,
        reason: Sym::NONE,
        key: Sym::NONE,
        connector: NO_INT,
        transaction: NO_INT,
        value: NO_INT,
        time: NO_TIME,
    };
}

/// Set in a [`Message`]'s `facts` when its payload gave only a time: the rest
/// is an index into [`LogStore::fact_times`] (8 bytes instead of 40).
pub const TIME_ONLY: u32 = 1 << 31;

/// The text slots of [`Facts`], in field order.
pub type FactTexts = [Sym; 8];

/// [`Facts`] as kept, 40 bytes instead of 72: most payloads with facts name
/// no text at all (MeterValues, for one) or the same few (Available,
/// NoError), so the eight text slots live in [`LogStore::fact_texts`], each
/// distinct set once.
#[derive(Clone, Copy, Debug)]
pub struct StoredFacts {
    /// Index into [`LogStore::fact_texts`]; 0 is "no text at all".
    pub texts: u32,
    /// Start of the payload's readings in [`LogStore::readings`]. Facts are
    /// added in order along with their readings, so the next facts' start is
    /// this one's end.
    pub readings: u32,
    pub connector: i64,
    pub transaction: i64,
    pub value: i64,
    pub time: Millis,
}

impl StoredFacts {
    /// The facts of a payload that carries none (slot 0 of [`LogStore::facts`]).
    pub const EMPTY: StoredFacts =
        StoredFacts { texts: 0, readings: 0, connector: NO_INT, transaction: NO_INT, value: NO_INT, time: NO_TIME };
}

/// What a sampled value measures, for the meter rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Measure {
    /// Energy.Active.Import.Register, whole (no phase), in Wh.
    EnergyImport,
    /// Power.Active.Import in W.
    PowerImport,
    /// Power.Offered in W.
    PowerOffered,
    /// State of charge in percent.
    Soc,
}

/// One normalised meter sample (its time is the message's facts' time; the
/// raw payload, re-read from the source, has each sample's own).
#[derive(Clone, Copy, Debug)]
pub struct MeterReading {
    pub value: f64,
    pub measure: Measure,
    /// True for `Sample.Clock` readings (they carry their interval's start).
    pub clock_aligned: bool,
    /// True when the reading came from StopTransaction.transactionData.
    pub from_stop: bool,
}

/// A record that holds no readable frame.
#[derive(Clone, Debug)]
pub struct Unparsed {
    pub file: u16,
    pub line: u32,
    pub offset: u64,
    pub len: u32,
    pub at: Millis,
    pub reason: String,
}

/// A charging session: StartTransaction, the id in its answer, and what names it.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub station: Sym,
    pub id: i64,
    pub connector: i64,
    pub id_tag: Sym,
    pub start: MsgIdx,
    pub stop: Option<MsgIdx>,
    /// The Authorize (with the same idTag, before the start) that led to it.
    pub authorize: Option<MsgIdx>,
    /// MeterValues and StopTransaction requests naming it, in time order.
    pub messages: Vec<MsgIdx>,
    /// Its energy register readings, summed up as its messages were found.
    pub register: Register,
}

/// A transaction's energy register readings summed up: meterStart, each
/// sampled `Energy.Active.Import.Register` value and meterStop (not -1), in
/// that order (the order `register_readings` walks them in). Gathered in
/// the one pass over the messages that finds the transaction's messages, so
/// that the rules and the session summaries, which each read these numbers,
/// need not walk the readings scattered through the store again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Register {
    /// The first and the last reading, when there is one.
    pub ends: Option<(f64, f64)>,
    /// Some reading is below the one before it.
    pub falls: bool,
    /// The fastest rise, in watts, from the highest reading before (the
    /// first time it was reached) to a later higher one, both with a time;
    /// a rise within a second counts as taking a second. 0 when none.
    pub fastest_rise_w: f64,
    /// The highest reading so far and the time of the message it was first seen in.
    best: Option<(Millis, f64)>,
}

impl Register {
    pub const NONE: Register = Register { ends: None, falls: false, fastest_rise_w: 0.0, best: None };

    /// The next reading, from a message logged at `at`; its rise in watts
    /// from the highest reading before, when it rose above it and both have a time.
    pub fn add(&mut self, at: Millis, value: f64) -> Option<f64> {
        self.ends = Some(match self.ends {
            None => (value, value),
            Some((first, last)) => {
                self.falls |= value < last;
                (first, value)
            }
        });
        let rise = self
            .best
            .filter(|&(best_at, best)| value > best && at != NO_TIME && best_at != NO_TIME)
            .map(|(best_at, best)| rise_watts(best_at, best, at, value));
        if let Some(watts) = rise {
            self.fastest_rise_w = self.fastest_rise_w.max(watts);
        }
        if self.best.is_none_or(|(_, v)| value > v) {
            self.best = Some((at, value));
        }
        rise
    }
}

/// The power of a register rise from `(from_at, from)` to `(at, value)`, in
/// watts; a rise within a second counts as taking a second.
fn rise_watts(from_at: Millis, from: f64, at: Millis, value: f64) -> f64 {
    let hours = ((at - from_at) as f64 / 3_600_000.0).max(1.0 / 3600.0);
    (value - from) / hours
}

/// Secondary indexes. Lists are in time order.
#[derive(Default)]
pub struct Indexes {
    /// By action; answers are listed under their request's action.
    pub by_action: HashMap<Sym, Vec<MsgIdx>>,
    /// By lower-cased idTag (CiString comparisons are case-insensitive):
    /// the messages that carry it.
    pub by_id_tag: HashMap<Sym, Vec<MsgIdx>>,
    pub by_station: HashMap<Sym, Vec<MsgIdx>>,
    /// StatusNotification / MeterValues / StartTransaction by (station, connectorId).
    pub by_connector: HashMap<(Sym, i64), Vec<MsgIdx>>,
    /// By (station, transactionId) → transactions with that id (ids may repeat after resets).
    pub by_tx_id: SessionsById,
}

/// Transactions by (station, transactionId), as [`Indexes::by_tx_id`].
pub type SessionsById = HashMap<(Sym, i64), Vec<TxIdx>>;

/// Everything loaded from the inputs.
pub struct LogStore {
    pub files: Vec<SourceFile>,
    pub messages: Vec<Message>,
    /// Byte spans too long or too far into their file to pack in a [`Message`].
    pub long_spans: Vec<(u64, u32)>,
    /// Read them with [`LogStore::facts`].
    pub facts: Vec<StoredFacts>,
    /// The text slots of the facts that have any, each set once; 0: none at all.
    pub fact_texts: Vec<FactTexts>,
    /// The facts of payloads that give only a time (Heartbeat answers, most
    /// of all), by a message's `facts` with [`TIME_ONLY`] set.
    pub fact_times: Vec<Millis>,
    pub readings: Vec<MeterReading>,
    pub unparsed: Vec<Unparsed>,
    pub strings: Interner,
    /// Schema violations, by message.
    pub violations: Vec<(MsgIdx, Violation)>,
    /// Framing deviations (numeric uniqueId, repaired quotes...), by message.
    pub deviations: Vec<(MsgIdx, String)>,
    pub transactions: Vec<Transaction>,
    /// Requests reusing the uniqueId of an earlier request from the same
    /// sender of the same station: (earlier, later), each the next use of
    /// the id after the one before, in order of the later.
    pub uid_reuses: Vec<(MsgIdx, MsgIdx)>,
    pub index: Indexes,
    /// Non-fatal problems met while reading (lossy decoding, truncated gzip...).
    pub warnings: Vec<String>,
}

impl LogStore {
    pub fn msg(&self, i: MsgIdx) -> &Message {
        &self.messages[i.ix()]
    }

    /// A message's facts as stored; `None` when its payload gave none, or
    /// only a time (most messages: the index passes look no further).
    pub fn stored_facts(&self, m: &Message) -> Option<&StoredFacts> {
        (m.facts != 0 && m.facts & TIME_ONLY == 0).then(|| &self.facts[m.facts as usize])
    }

    pub fn facts(&self, i: MsgIdx) -> Facts {
        let m = &self.messages[i.ix()];
        let Some(f) = self.stored_facts(m) else {
            let time =
                if m.facts & TIME_ONLY != 0 { self.fact_times[(m.facts & !TIME_ONLY) as usize] } else { NO_TIME };
            return Facts { time, ..Facts::NONE };
        };
        let [id_tag, status, error_code, info, vendor_id, vendor_error, reason, key] =
            self.fact_texts[f.texts as usize];
        Facts {
            id_tag,
            status,
            error_code,
            info,
            vendor_id,
            vendor_error,
            reason,
            key,
            connector: f.connector,
            transaction: f.transaction,
            value: f.value,
            time: f.time,
        }
    }

    pub fn str(&self, s: Sym) -> &str {
        self.strings.get(s)
    }

    pub fn readings(&self, i: MsgIdx) -> &[MeterReading] {
        let m = &self.messages[i.ix()];
        let Some(f) = self.stored_facts(m) else { return &[] };
        let start = f.readings as usize;
        let end = self.facts.get(m.facts as usize + 1).map_or(self.readings.len(), |next| next.readings as usize);
        &self.readings[start..end]
    }

    pub fn action_name(&self, i: MsgIdx) -> &str {
        self.str(self.msg(i).action)
    }

    pub fn is_call_of(&self, i: MsgIdx, action: &str) -> bool {
        let m = self.msg(i);
        m.kind == MsgKind::Call && self.str(m.action) == action
    }

    /// All message indexes in time order.
    pub fn all(&self) -> impl Iterator<Item = MsgIdx> + '_ {
        (0..self.messages.len() as u32).map(MsgIdx)
    }

    /// Messages of a call action and their answers.
    pub fn with_action(&self, action: &str) -> &[MsgIdx] {
        self.strings.find(action).and_then(|s| self.index.by_action.get(&s)).map_or(&[], |v| v.as_slice())
    }

    pub fn stations(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.index.by_station.keys().map(|&s| self.str(s)).filter(|s| !s.is_empty()).collect();
        v.sort_unstable();
        v
    }

    /// Rows read: messages plus unparsed records.
    pub fn rows(&self) -> usize {
        self.messages.len() + self.unparsed.len()
    }

    /// The uniqueId's text, re-read from the source.
    pub fn unique_id(&self, i: MsgIdx) -> String {
        self.frame(i).map(|f| f.unique_id.into_owned()).unwrap_or_default()
    }

    /// Byte offset and length of a message's record in its source.
    pub fn span(&self, i: MsgIdx) -> (u64, u32) {
        self.msg(i).span.get(&self.long_spans)
    }

    /// The raw record text, re-read from the source.
    pub fn raw_text(&self, i: MsgIdx) -> String {
        let (offset, len) = self.span(i);
        self.files[self.msg(i).file as usize].read_span(offset, len)
    }

    /// The raw text of an unparsed record.
    pub fn unparsed_text(&self, u: &Unparsed) -> String {
        self.files[u.file as usize].read_span(u.offset, u.len)
    }

    /// The frame, re-read and re-parsed from the source.
    pub fn frame(&self, i: MsgIdx) -> Option<Frame<'static>> {
        let m = self.msg(i);
        let file = &self.files[m.file as usize];
        let (offset, len) = self.span(i);
        let raw = file.read_span(offset, len);
        let mut frames: Vec<Frame<'static>> =
            file.layout.extract_all(&raw, file.source_tz).into_iter().filter_map(|e| e.frame.ok()).collect();
        // a record may hold a request and its answer: take the one this
        // message is, the k-th of its kind when the messages of the record
        // before it (they sit just before it) hold k of that kind
        let same_record = |j: usize| {
            self.messages[j].file == m.file && self.messages[j].span == m.span && self.messages[j].kind == m.kind
        };
        let k = (0..i.ix()).rev().take_while(|&j| same_record(j)).count();
        let mut of_kind = frames.iter().enumerate().filter(|(_, f)| f.kind == m.kind).map(|(at, _)| at);
        let first = of_kind.clone().next();
        let pick = of_kind.nth(k).or(first).unwrap_or(0);
        if frames.is_empty() {
            return parse_frame(raw.trim()).ok();
        }
        Some(frames.swap_remove(pick))
    }

    pub fn file_name(&self, file: u16) -> &str {
        &self.files[file as usize].name
    }

    /// Layout of the inputs, for the report's `source.format`.
    pub fn format_name(&self) -> String {
        let mut names: Vec<&str> = self.files.iter().map(|f| f.layout.name()).collect();
        names.dedup();
        if names.len() == 1 {
            names[0].to_string()
        } else if names.is_empty() {
            "none".to_string()
        } else {
            "mixed".to_string()
        }
    }

    pub fn context_lines(&self) -> usize {
        self.files.iter().map(|f| f.context_lines).sum()
    }

    /// The transaction a StartTransaction / MeterValues / StopTransaction belongs to.
    pub fn transaction_of(&self, i: MsgIdx) -> Option<TxIdx> {
        let m = self.msg(i);
        let call = if m.kind == MsgKind::Call { i } else { m.pair.opt()? };
        let f = self.facts(call);
        let action = self.action_name(call);
        let tx_id = if action == "StartTransaction" {
            let answer = self.msg(call).pair.opt()?;
            self.facts(answer).transaction
        } else {
            f.transaction
        };
        if tx_id == NO_INT {
            return None;
        }
        let station = self.msg(call).station;
        let candidates = self.index.by_tx_id.get(&(station, tx_id))?;
        // the latest transaction with that id that started at or before this message
        candidates.iter().rev().find(|t| self.transactions[t.0 as usize].start <= call).or(candidates.first()).copied()
    }

    pub fn tx(&self, t: TxIdx) -> &Transaction {
        &self.transactions[t.0 as usize]
    }

    /// Approximate heap bytes held by the store (for the benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.messages.capacity() * std::mem::size_of::<Message>()
            + self.facts.capacity() * std::mem::size_of::<StoredFacts>()
            + self.fact_times.capacity() * std::mem::size_of::<Millis>()
            + self.fact_texts.capacity() * std::mem::size_of::<FactTexts>()
            + self.readings.capacity() * std::mem::size_of::<MeterReading>()
            + self.strings.heap_bytes()
            + self.index.by_action.values().map(|v| v.capacity() * 4).sum::<usize>()
            + self.index.by_id_tag.values().map(|v| v.capacity() * 4).sum::<usize>()
            + self.index.by_station.values().map(|v| v.capacity() * 4).sum::<usize>()
            + self.index.by_connector.values().map(|v| v.capacity() * 4).sum::<usize>()
            + self.transactions.iter().map(|t| t.messages.capacity() * 4 + 64).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_stays_compact() {
        assert!(std::mem::size_of::<Message>() <= 40, "{}", std::mem::size_of::<Message>());
        assert!(std::mem::size_of::<StoredFacts>() <= 40, "{}", std::mem::size_of::<StoredFacts>());
        assert!(std::mem::size_of::<MeterReading>() <= 16, "{}", std::mem::size_of::<MeterReading>());
    }

    #[test]
    fn a_payload_that_gives_only_a_time_keeps_it_apart() {
        let log = "2025-01-01 10:00:00.000 [CP1] <- [2,\"a\",\"Heartbeat\",{}]\n\
                   2025-01-01 10:00:00.100 [CP1] -> [3,\"a\",{\"currentTime\":\"2025-01-01T10:00:00.100Z\"}]\n\
                   2025-01-01 10:00:01.000 [CP1] <- [2,\"b\",\"MeterValues\",{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"2025-01-01T10:00:01Z\",\"sampledValue\":[{\"value\":\"5\"}]}]}]\n";
        let s = crate::testutil::load_text(log);
        let (answer, meter) = (MsgIdx(1), MsgIdx(2));
        assert_ne!(s.msg(answer).facts & TIME_ONLY, 0);
        assert_eq!(s.fact_times.len(), 1);
        let f = s.facts(answer);
        assert_eq!(f.time, s.msg(answer).at);
        assert_eq!((f.connector, f.id_tag), (NO_INT, Sym::NONE));
        assert!(s.readings(answer).is_empty());
        // other facts are kept whole, their readings with them
        assert_eq!(s.msg(meter).facts & TIME_ONLY, 0);
        assert_eq!(s.facts(meter).connector, 1);
        assert_eq!(s.readings(meter).len(), 1);
        assert_eq!(s.readings(meter)[0].value, 5.0);
    }

    #[test]
    fn spans_come_back_as_they_went_in() {
        let mut long = Vec::new();
        let cases = [
            (0, 0),
            (7, 300),
            ((1 << 40) - 1, (1 << 24) - 2),
            // too far, too long, both
            (1 << 40, 5),
            (12, (1 << 24) - 1),
            (12, 50 << 20),
            (u64::MAX, u32::MAX),
        ];
        let packed: Vec<PackedSpan> = cases.iter().map(|&(o, l)| PackedSpan::new(o, l, &mut long)).collect();
        assert_eq!(long.len(), 4, "only the spans that do not fit go to the side list");
        for (p, want) in packed.iter().zip(cases) {
            assert_eq!(p.get(&long), want);
        }
    }
}
