//! Reading logs: opening inputs, sniffing the layout, splitting records,
//! parsing frames (in parallel) and handing them to the store builder.

pub mod csv_layout;
pub mod facts;
pub mod frame;
pub mod hints;
pub mod json;
pub mod jsonl;
pub mod nesting;
mod shape;
pub mod source;
pub mod swar;
pub mod text;
pub mod timestamp;

use crate::analysis::schema::{check_request_shaped, check_response_shaped, Violation};
use crate::store::MeterReading;
use crate::store::{LogStore, StoreBuilder};
use crate::store::{Uid, NO_TIME};
use chrono_tz::Tz;
use csv_layout::CsvLayout;
use facts::SLOTS;
use facts::{RawFacts, Slot};
use frame::{Frame, MsgKind};
use hints::DirHint;
use rayon::prelude::*;
pub use source::InputError;
use source::{open_input, SpanReader};
use std::borrow::Cow;
use std::io::Read;
use timestamp::Millis;

/// What one record says, before interning. While a file is loaded it
/// borrows the record's text and the tape its frame was read onto.
#[derive(Debug)]
pub struct Extracted<'a> {
    pub at: Option<Millis>,
    pub station: Option<Cow<'a, str>>,
    pub dir: DirHint,
    /// An action named by the layout (CSV action column), used for answers that lack one.
    pub action_hint: Option<Cow<'a, str>>,
    pub frame: Result<Frame<'a>, String>,
}

impl Default for Extracted<'_> {
    fn default() -> Self {
        Extracted { at: None, station: None, dir: DirHint::None, action_hint: None, frame: Err(String::new()) }
    }
}

impl Extracted<'_> {
    pub fn unparsed(reason: &str) -> Extracted<'static> {
        Extracted { frame: Err(reason.to_string()), ..Extracted::default() }
    }

    /// The same record, owning all its parts.
    pub fn into_owned(self) -> Extracted<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Extracted {
            at: self.at,
            station: self.station.map(own),
            dir: self.dir,
            action_hint: self.action_hint.map(own),
            frame: self.frame.map(Frame::into_owned),
        }
    }
}

/// How a file's records are laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    Text,
    Jsonl,
    /// The whole file is one JSON array of records or frames.
    JsonArray,
    Csv(CsvLayout),
}

impl Layout {
    /// The report's `source.format` word.
    pub fn name(&self) -> &'static str {
        match self {
            Layout::Text => "text",
            Layout::Jsonl => "jsonl",
            Layout::JsonArray => "json",
            Layout::Csv(c) if matches!(c.body, csv_layout::Body::Split { .. }) => "csv-split",
            Layout::Csv(_) => "csv",
        }
    }

    /// Every message of one raw record (a CSV row may hold a request and its answer).
    pub fn extract_all(&self, raw: &str, tz: Tz) -> Vec<Extracted<'static>> {
        match self {
            Layout::Csv(c) => c.extract_raw_all(raw, tz),
            _ => vec![self.extract(raw, tz)],
        }
    }

    /// Read one raw record; the same code path as loading.
    pub fn extract(&self, raw: &str, tz: Tz) -> Extracted<'static> {
        frame::with_tape(|tape| self.extract_in(raw, tz, tape).into_owned())
    }

    /// [`Layout::extract`] onto the caller's tape, borrowing the record.
    pub fn extract_in<'a>(&self, raw: &'a str, tz: Tz, tape: &'a mut Vec<json::Node>) -> Extracted<'a> {
        match self {
            Layout::Text => text::extract_in(raw, tz, tape),
            Layout::Jsonl | Layout::JsonArray => jsonl::extract(raw, tz),
            Layout::Csv(c) => c.extract_raw(raw, tz),
        }
    }
}

/// One input as loaded: its name, layout and a handle to re-read records.
pub struct SourceFile {
    pub name: String,
    pub layout: Layout,
    pub source_tz: Tz,
    pub rows: usize,
    pub context_lines: usize,
    pub bytes: u64,
    reader: SpanReader,
}

impl SourceFile {
    pub fn read_span(&self, offset: u64, len: u32) -> String {
        self.reader.read(offset, len)
    }
}

/// Options for loading.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Zone of timestamps that carry none.
    pub source_tz: Tz,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { source_tz: chrono_tz::UTC }
    }
}

/// Progress of a load: bytes read so far of all inputs, and the total when known.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Load every input into one store. Fails only when an input cannot be read at all.
pub fn load(inputs: &[String], opts: LoadOptions, progress: Progress) -> Result<LogStore, InputError> {
    let mut opened = Vec::new();
    for name in inputs {
        opened.push(open_input(name)?);
    }
    let total: u64 = opened.iter().map(|o| o.len).sum();
    let mut builder = StoreBuilder::new();
    let mut done = 0u64;
    for (file_idx, o) in opened.into_iter().enumerate() {
        builder.warnings.extend(o.warnings.iter().cloned());
        let reread =
            o.file.try_clone().map_err(|e| InputError::Unreadable { name: o.name.clone(), reason: e.to_string() })?;
        let mut reader = o.file;
        let head = read_head(&mut reader, &o.name)?;
        let layout = sniff(&head);
        if o.len == 0 || head.iter().all(|b| b.is_ascii_whitespace()) {
            builder.warnings.push(format!("{}: the file is empty (no log entries at all)", o.name));
        }
        let mut file = SourceFile {
            name: o.name.clone(),
            layout: layout.clone(),
            source_tz: opts.source_tz,
            rows: 0,
            context_lines: 0,
            bytes: o.len,
            reader: SpanReader::new(reread),
        };
        builder.reserve(estimate_records(&head, o.len));
        let stream = std::io::Cursor::new(head).chain(reader);
        let base = done;
        let report = |n: u64| progress(base + n, total);
        // the store takes parsed records on its own thread while the next ones are parsed
        let (tx, rx) = std::sync::mpsc::sync_channel::<Delivery>(1);
        let file_no = file_idx as u16;
        let result = std::thread::scope(|scope| {
            let pusher = scope.spawn(|| {
                for delivery in rx {
                    delivery.for_each(|batch, rec| builder.push(file_no, batch, rec));
                }
            });
            let mut pipe = Pipe { tx };
            let result = match &layout {
                Layout::Csv(c) => read_csv(stream, c, opts.source_tz, &report, &mut pipe),
                _ => read_lines(stream, &layout, opts.source_tz, &report, &mut pipe),
            };
            drop(pipe);
            let _ = pusher.join();
            result
        });
        let (rows, context, lossy) =
            result.map_err(|e| InputError::Unreadable { name: o.name.clone(), reason: e.to_string() })?;
        if lossy {
            builder.warnings.push(format!("{}: holds bytes that are not UTF-8; they are shown as \u{FFFD}", o.name));
        }
        file.rows = rows;
        file.context_lines = context;
        done += o.len;
        builder.files.push(file);
    }
    progress(total, total);
    let timings = std::env::var_os("OCPPLENS_TIMINGS").is_some();
    if timings {
        eprintln!("[timing] read: {}", memory_status());
    }
    let started = std::time::Instant::now();
    let store = builder.finish();
    if timings {
        eprintln!("[timing] store built in {:.3} s after reading", started.elapsed().as_secs_f64());
    }
    Ok(store)
}

/// VmRSS and VmHWM of this process (Linux), for `OCPPLENS_TIMINGS`.
pub fn memory_status() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mem: Vec<&str> = status.lines().filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM")).collect();
    mem.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

const HEAD: usize = 256 * 1024;

fn read_head(r: &mut std::fs::File, name: &str) -> Result<Vec<u8>, InputError> {
    let mut head = Vec::with_capacity(HEAD);
    r.by_ref()
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| InputError::Unreadable { name: name.to_string(), reason: e.to_string() })?;
    Ok(head)
}

/// About how many records a file of `len` bytes holds, from its first bytes
/// (one per line is the common case; a few too many costs nothing).
fn estimate_records(head: &[u8], len: u64) -> usize {
    let lines = memchr::memchr_iter(b'\n', head).count() as u64 + 1;
    let guess = if (head.len() as u64) < len { len.saturating_mul(lines) / head.len().max(1) as u64 } else { lines };
    (guess + guess / 16).min(len / 8 + 16) as usize
}

/// Decide the layout from the first bytes of a file.
pub fn sniff(head: &[u8]) -> Layout {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{FEFF}');
    // whole lines only
    let text = match text.rfind('\n') {
        Some(p) if p + 1 < text.len() && head.len() >= HEAD => &text[..p + 1],
        _ => text,
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(200).collect();
    if lines.is_empty() {
        return Layout::Text;
    }
    // one JSON array of objects or of frames
    let mut chars = text.trim_start().chars().filter(|c| !c.is_whitespace());
    if chars.next() == Some('[') && matches!(chars.next(), Some('{') | Some('[')) {
        return Layout::JsonArray;
    }
    let objects = lines.iter().filter(|l| l.starts_with('{')).count();
    if objects * 10 >= lines.len() * 6 {
        return Layout::Jsonl;
    }
    [b',', b';', b'\t']
        .into_iter()
        .filter_map(|d| csv_layout::detect(text, d))
        .max_by_key(|(_, score)| *score)
        .map_or(Layout::Text, |(l, _)| Layout::Csv(l))
}

/// Records read by one task of the parallel pass, in file order. A record
/// holds no allocation of its own: its short texts and meter readings lie in
/// the batch's buffers, so reading a record allocates nothing.
#[derive(Default)]
pub struct Batch {
    pub recs: Vec<Rec>,
    texts: String,
    readings: Vec<MeterReading>,
}

/// A record read and parsed, ready for the store.
pub struct Rec {
    pub offset: u64,
    pub line: u32,
    pub len: u32,
    pub at: Millis,
    /// `None` when the record holds no readable frame (the reason is the
    /// `Unreadable` text).
    pub kind: Option<MsgKind>,
    pub dir: DirHint,
    pub repaired: bool,
    pub uid: Uid,
    /// The payload's facts, and the station, action and action hint texts
    /// (spans in the batch's texts).
    texts: [(u32, u32); SLOTS],
    pub connector: i64,
    pub transaction: i64,
    pub value: i64,
    pub time: Millis,
    readings: (u32, u32),
    /// True when the payload gave no fact at all.
    pub no_facts: bool,
    /// A CALLRESULT's payload text, kept until pairing tells which schema applies.
    answer: (u32, u32),
    /// The action a CALLRESULT was checked against where it was read (the
    /// request before it in the same batch); its violations are then in
    /// `notes`. The store takes that check when its own request is of that
    /// action, and checks the payload itself otherwise.
    checked: (u32, u32),
    /// Schema violations of a CALL (or of a CALLRESULT, see `checked`) and
    /// framing deviations (all rare).
    pub notes: Option<Box<(Vec<Violation>, Vec<String>)>>,
}

const NO_SPAN: (u32, u32) = (u32::MAX, 0);

/// How many records back an answer's request is looked for in its batch.
const REQUEST_LOOK_BACK: usize = 64;

impl Batch {
    fn with_room(records: usize) -> Batch {
        Batch { recs: Vec::with_capacity(records), texts: String::with_capacity(records * 32), readings: Vec::new() }
    }

    pub fn text(&self, rec: &Rec, slot: Slot) -> Option<&str> {
        self.span(rec.texts[slot as usize])
    }

    fn span(&self, (a, b): (u32, u32)) -> Option<&str> {
        (a != u32::MAX).then(|| &self.texts[a as usize..b as usize])
    }

    pub fn readings(&self, rec: &Rec) -> &[MeterReading] {
        &self.readings[rec.readings.0 as usize..rec.readings.1 as usize]
    }

    /// The CALLRESULT payload of a record, when it is a non-empty object.
    pub fn answer(&self, rec: &Rec) -> Option<&str> {
        self.span(rec.answer)
    }

    /// The action a CALLRESULT was checked against as it was read, if any.
    pub fn checked_as(&self, rec: &Rec) -> Option<&str> {
        self.span(rec.checked)
    }

    /// The action of the request that an answer from `station` with this
    /// uniqueId answers, when it is among the last records of the batch:
    /// the latest record of that station and id, when it is a request (as
    /// the store pairs them on arrival). Its span in the batch's texts.
    fn request_before(&self, station: &str, uid: Uid) -> Option<(u32, u32)> {
        let prev = self
            .recs
            .iter()
            .rev()
            .take(REQUEST_LOOK_BACK)
            .find(|p| p.uid == uid && p.kind.is_some() && self.text(p, Slot::Station).unwrap_or("") == station)?;
        let action = prev.texts[Slot::Action as usize];
        (prev.kind == Some(MsgKind::Call) && action != NO_SPAN).then_some(action)
    }

    fn put(&mut self, text: &str) -> (u32, u32) {
        let start = self.texts.len() as u32;
        self.texts.push_str(text);
        (start, self.texts.len() as u32)
    }

    /// Read one record (the same code path as [`Layout::extract`]) into the batch.
    fn read(&mut self, line: u32, offset: u64, raw: &str, layout: &Layout, tz: Tz) {
        frame::with_tape(|tape| {
            let ex = layout.extract_in(raw, tz, tape);
            self.push(line, offset, raw.len(), ex);
        })
    }

    /// Read a one-line text record whose frame starts at byte `at`.
    fn read_text_at(&mut self, line: u32, offset: u64, raw: &str, at: usize, tz: Tz) {
        frame::with_tape(|tape| {
            let ex = text::extract_at(raw, at, tz, tape);
            self.push(line, offset, raw.len(), ex);
        })
    }

    /// Add a record from what its layout extracted.
    #[inline(always)]
    fn push(&mut self, line: u32, offset: u64, len: usize, ex: Extracted<'_>) {
        SCRATCH.with_borrow_mut(|f| self.push_with(line, offset, len, ex, f))
    }

    #[inline(always)]
    fn push_with(&mut self, line: u32, offset: u64, len: usize, ex: Extracted<'_>, f: &mut RawFacts) {
        f.clear();
        if let Some(station) = &ex.station {
            f.texts.set(Slot::Station, station);
        }
        if let Some(hint) = &ex.action_hint {
            f.texts.set(Slot::ActionHint, hint);
        }
        let (mut kind, mut repaired, mut uid) = (None, false, Uid(0));
        let (mut answer, mut checked, mut notes) = (NO_SPAN, NO_SPAN, None);
        match ex.frame {
            Err(reason) => f.texts.set(Slot::Unreadable, &reason),
            Ok(frame) => {
                kind = Some(frame.kind);
                repaired = frame.repaired;
                uid = Uid::of(&frame.unique_id);
                if let Some(action) = &frame.action {
                    f.texts.set(Slot::Action, action);
                }
                facts::extract_into(&frame, f);
                let payload = frame.payload.root();
                let is_answer = frame.kind == MsgKind::Result && payload.is_object() && !payload.is_empty();
                let violations = match (&frame.action, frame.kind) {
                    (Some(action), MsgKind::Call) => check_request_shaped(action, payload, frame.payload.shape()),
                    // an answer to a request just before it is checked here, on the tape it was read onto
                    _ if is_answer => {
                        let station = ex.station.as_deref().unwrap_or("");
                        match self.request_before(station, uid) {
                            Some(action) => {
                                checked = action;
                                let action = &self.texts[action.0 as usize..action.1 as usize];
                                check_response_shaped(action, payload, frame.payload.shape())
                            }
                            None => Vec::new(),
                        }
                    }
                    _ => Vec::new(),
                };
                if !violations.is_empty() || !frame.deviations.is_empty() {
                    notes = Some(Box::new((violations, frame.deviations)));
                }
                if is_answer {
                    answer = self.put(payload.raw());
                }
            }
        }
        // the record's texts lie side by side in the scratch buffer: one copy
        let base = self.texts.len() as u32;
        self.texts.push_str(f.texts.buffer());
        let mut texts = [NO_SPAN; SLOTS];
        for (span, &(a, b)) in texts.iter_mut().zip(f.texts.spans()) {
            if a != u32::MAX {
                *span = (base + a, base + b);
            }
        }
        let start = self.readings.len() as u32;
        self.readings.extend_from_slice(&f.readings);
        // made in one expression, where it is kept (a record built up field
        // by field and then moved into place is a copy that waits on every
        // one of those writes)
        self.recs.push(Rec {
            offset,
            line,
            len: len.min(u32::MAX as usize) as u32,
            at: ex.at.unwrap_or(NO_TIME),
            kind,
            dir: ex.dir,
            repaired,
            uid,
            texts,
            connector: f.connector,
            transaction: f.transaction,
            value: f.value,
            time: f.time,
            readings: (start, self.readings.len() as u32),
            no_facts: f.is_empty(),
            answer,
            checked,
            notes,
        });
    }
}

std::thread_local! {
    /// The facts of the record being read, reused from record to record.
    static SCRATCH: std::cell::RefCell<RawFacts> = std::cell::RefCell::new(RawFacts::default());
}

/// Parsed records on their way to the store builder, in file order: the
/// records of `pre` (read while lines were looked at; some of them turn out
/// not to be records) and of `post` (read once lines were grouped),
/// interleaved as `order` says; without `order`, every record of `pre` in turn.
#[derive(Default)]
struct Delivery {
    pre: Vec<Batch>,
    post: Vec<Batch>,
    order: Option<Vec<Src>>,
}

/// Where the next record of a [`Delivery`] comes from.
#[derive(Clone, Copy)]
enum Src {
    /// The record numbered so among all of `pre`.
    Pre(u32),
    /// The next record of `post`.
    Post,
}

impl Delivery {
    fn for_each(&self, mut f: impl FnMut(&Batch, &Rec)) {
        let Some(order) = &self.order else {
            for b in &self.pre {
                b.recs.iter().for_each(|r| f(b, r));
            }
            return;
        };
        let (mut pre, mut post) = (records(&self.pre), records(&self.post));
        let mut next_pre = 0u32;
        for src in order {
            let item = match *src {
                Src::Pre(k) => {
                    let skip = (k - next_pre) as usize;
                    next_pre = k + 1;
                    pre.nth(skip)
                }
                Src::Post => post.next(),
            };
            if let Some((b, r)) = item {
                f(b, r);
            }
        }
    }
}

fn records(batches: &[Batch]) -> impl Iterator<Item = (&Batch, &Rec)> {
    batches.iter().flat_map(|b| b.recs.iter().map(move |r| (b, r)))
}

/// Deliveries on their way to the store builder.
struct Pipe {
    tx: std::sync::mpsc::SyncSender<Delivery>,
}

impl Pipe {
    fn send(&self, d: Delivery) {
        let _ = self.tx.send(d);
    }
}

/// Records sent to the store at a time, and bytes read at a time: small
/// enough that little is in flight, large enough to keep both cores busy.
const BATCH: usize = 4 * 1024;
const BLOCK: usize = 1024 * 1024;

/// One line of a block: its number and its bytes (without the line ending).
struct Line {
    no: u32,
    start: u64,
    end: u64,
}

/// Bytes of lines looked at by one task of the parallel pass.
const LINE_PIECE: usize = 64 * 1024;

/// The lines of `buf[range]` (which ends after a line end, or at the end of
/// the input), numbered on from `before`, without their line endings.
fn split_lines(buf: &[u8], buf_start: u64, range: std::ops::Range<usize>, before: u32, out: &mut Vec<Line>) {
    let (mut from, to) = (range.start, range.end);
    let mut no = before;
    while from < to {
        let (line_end, next) = match memchr::memchr(b'\n', &buf[from..to]) {
            Some(p) => (from + p, from + p + 1),
            None => (to, to),
        };
        no += 1;
        let mut end = line_end;
        if end > from && buf[end - 1] == b'\r' {
            end -= 1;
        }
        out.push(Line { no, start: buf_start + from as u64, end: buf_start + end as u64 });
        from = next;
    }
}

/// Where to cut `buf[from..to]` into pieces of at least `piece` bytes
/// (the last one may be shorter): just after line ends, from `from` to `to`.
fn line_cuts(buf: &[u8], from: usize, to: usize, piece: usize) -> Vec<usize> {
    let mut cuts = vec![from];
    let mut at = from + piece;
    while at < to {
        match memchr::memchr(b'\n', &buf[at..to]) {
            Some(p) if at + p + 1 < to => {
                cuts.push(at + p + 1);
                at += p + 1 + piece;
            }
            _ => break,
        }
    }
    cuts.push(to);
    cuts
}

/// What the parallel pass learned of a line: its role and whether the line,
/// being a whole record by itself, was read already (into the line's batch).
struct Seen {
    role: text::LineRole,
    lossy: bool,
    read: bool,
}

fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// Records read by one task of the parallel pass after grouping.
const LINE_CHUNK: usize = 1024;

/// A text or JSON Lines line, looked at on its own (in parallel): most lines
/// are one whole record, read here once into `batch`.
fn see_line(l: &Line, (text, lossy): (Cow<'_, str>, bool), layout: &Layout, tz: Tz, batch: &mut Batch) -> Seen {
    if *layout == Layout::Jsonl {
        let blank = text.trim().is_empty();
        if !blank {
            batch.read(l.no, l.start, &text, layout, tz);
        }
        return Seen { role: text::LineRole::Context { blank }, lossy, read: !blank };
    }
    let Some(at) = frame::find_frame_start(&text) else {
        return Seen { role: text::no_frame_role(&text), lossy, read: false };
    };
    let role = text::frame_role(&text, at, true);
    if matches!(role, text::LineRole::FrameStart { bare: true, .. }) {
        // a bare frame may belong to the header line before it: read it later
        return Seen { role: text::frame_role(&text, at, frame::frame_end(&text[at..]).is_ok()), lossy, read: false };
    }
    batch.read_text_at(l.no, l.start, &text, at, tz);
    let parsed = batch.recs.last().is_some_and(|r| r.kind.is_some());
    if parsed || frame::frame_end(&text[at..]).is_ok() {
        Seen { role, lossy, read: true }
    } else {
        // the frame goes on over further lines
        batch.recs.pop();
        Seen { role: text::frame_role(&text, at, false), lossy, read: false }
    }
}

/// Text and JSON Lines: lines are looked at in parallel, grouped into
/// records in order, and records not read yet are read in parallel.
/// Returns (rows, context lines, saw invalid UTF-8).
fn read_lines(
    mut input: impl Read,
    layout: &Layout,
    tz: Tz,
    progress: &dyn Fn(u64),
    pipe: &mut Pipe,
) -> std::io::Result<(usize, usize, bool)> {
    let mut grouper = text::Grouper::new();
    let mut array = jsonl::ArrayGrouper::default();
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut buf_start = 0u64; // file offset of buf[0]
    let mut line_no = 0u32;
    let mut rows = 0usize;
    let mut lossy = false;
    // records found, with the number of the record already read when its line was
    let mut spans: Vec<text::Span> = Vec::new();
    let mut ready: Vec<Option<u32>> = Vec::new();
    // the records read while looking at lines, and how many
    let mut pre: Vec<Batch> = Vec::new();
    let mut pre_count = 0u32;
    let mut lines: Vec<Line> = Vec::new();
    let mut seen: Vec<(Vec<Line>, Vec<Seen>, Batch)> = Vec::new();
    let mut eof = false;
    let mut scan_from = 0usize; // offset in buf of the next unread line
    while !eof {
        // refill: keep the unread tail and any open record
        let mut keep_from = keep_from(&grouper, &spans, buf_start, scan_from);
        if let Some(open) = array.earliest_needed() {
            keep_from = keep_from.min(open.saturating_sub(buf_start) as usize);
        }
        if keep_from > 0 {
            buf.drain(..keep_from);
            buf_start += keep_from as u64;
            scan_from -= keep_from;
        }
        let n = read_block(&mut input, &mut buf)?;
        if n == 0 {
            eof = true;
        }
        progress(buf_start + buf.len() as u64);
        // the complete lines of the block (the last one too at the end of the input)
        let upto = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf[scan_from..]).map_or(scan_from, |p| scan_from + p + 1)
        };
        let bytes = |l: &Line| &buf[(l.start - buf_start) as usize..(l.end - buf_start) as usize];
        if *layout == Layout::JsonArray {
            lines.clear();
            split_lines(&buf, buf_start, scan_from..upto, line_no, &mut lines);
            line_no += lines.len() as u32;
            for l in &lines {
                lossy |= std::str::from_utf8(bytes(l)).is_err();
                array.push(l.no, l.start, bytes(l), &mut spans);
            }
            ready.resize(spans.len(), None);
        } else {
            // pieces of whole lines, each cut into lines and looked at side
            // by side, with lines numbered from the piece's start
            let cuts = line_cuts(&buf, scan_from, upto, LINE_PIECE);
            cuts.par_windows(2)
                .map(|w| {
                    let mut lines = Vec::new();
                    split_lines(&buf, buf_start, w[0]..w[1], 0, &mut lines);
                    let mut batch = Batch::with_room(lines.len());
                    if lines.is_empty() {
                        return (lines, Vec::new(), batch);
                    }
                    // the piece's text checked as UTF-8 at once (lines end at
                    // ASCII bytes, so each line of valid text is valid text);
                    // line by line only when it is not
                    let (first, last) = (lines[0].start, lines[lines.len() - 1].end);
                    let whole = std::str::from_utf8(&buf[(first - buf_start) as usize..(last - buf_start) as usize]);
                    let text = |l: &Line| match whole {
                        Ok(t) => (Cow::Borrowed(&t[(l.start - first) as usize..(l.end - first) as usize]), false),
                        Err(_) => decode(bytes(l)),
                    };
                    let seen = lines.iter().map(|l| see_line(l, text(l), layout, tz, &mut batch)).collect();
                    (lines, seen, batch)
                })
                .collect_into_vec(&mut seen);
            for (mut piece_lines, piece_seen, mut batch) in seen.drain(..) {
                // numbered from the file's start
                for l in &mut piece_lines {
                    l.no += line_no;
                }
                for r in &mut batch.recs {
                    r.line += line_no;
                }
                line_no += piece_lines.len() as u32;
                pre.push(batch);
                for (l, s) in piece_lines.iter().zip(piece_seen) {
                    lossy |= s.lossy;
                    let read = s.read.then(|| {
                        pre_count += 1;
                        pre_count - 1
                    });
                    if *layout == Layout::Jsonl {
                        if read.is_some() {
                            spans.push(text::Span { line: l.no, start: l.start, end: l.end });
                            ready.push(read);
                        }
                        continue;
                    }
                    let text = if grouper.needs_text(s.role) { decode(bytes(l)).0 } else { "".into() };
                    grouper.push_role(l.no, l.start, l.end, &text, s.role, &mut spans);
                    ready.resize(spans.len(), None);
                    let whole_line = text::Span { line: l.no, start: l.start, end: l.end };
                    if spans.last() == Some(&whole_line) {
                        *ready.last_mut().expect("one per span") = read;
                    }
                }
            }
        }
        scan_from = upto;
        if eof {
            grouper.finish(&mut spans);
            array.finish(buf_start + buf.len() as u64, &mut spans);
            ready.resize(spans.len(), None);
        }
        if spans.len() >= BATCH || eof {
            rows += spans.len();
            // the records not read yet, read in parallel
            let todo: Vec<text::Span> =
                spans.iter().zip(&ready).filter(|(_, r)| r.is_none()).map(|(s, _)| *s).collect();
            let mut post = Vec::new();
            todo.par_chunks(LINE_CHUNK)
                .map(|chunk| {
                    let mut batch = Batch::default();
                    for s in chunk {
                        let lo = (s.start - buf_start) as usize;
                        let hi = (s.end - buf_start) as usize;
                        let raw = decode(&buf[lo..hi.min(buf.len())]).0;
                        batch.read(s.line, s.start, &raw, layout, tz);
                    }
                    batch
                })
                .collect_into_vec(&mut post);
            let in_turn =
                pre_count as usize == ready.len() && ready.iter().enumerate().all(|(i, r)| *r == Some(i as u32));
            let order = (!in_turn).then(|| ready.iter().map(|r| r.map_or(Src::Post, Src::Pre)).collect());
            pipe.send(Delivery { pre: std::mem::take(&mut pre), post, order });
            spans.clear();
            ready.clear();
            pre_count = 0;
        }
    }
    Ok((rows, grouper.context_lines, lossy))
}

/// How much of the buffer can be dropped: everything before the next unread
/// line, the earliest unfinished record and the spans not yet parsed.
fn keep_from(g: &text::Grouper, pending: &[text::Span], buf_start: u64, scan_from: usize) -> usize {
    let mut keep = buf_start + scan_from as u64;
    if let Some(open) = g.earliest_needed() {
        keep = keep.min(open);
    }
    if let Some(first) = pending.first() {
        keep = keep.min(first.start);
    }
    (keep.saturating_sub(buf_start)) as usize
}

/// Append the next [`BLOCK`] bytes of `r` (fewer at its end) to `buf`;
/// returns how many. Read straight into the buffer's spare room, which is
/// not zeroed first.
fn read_block(r: &mut impl Read, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    buf.reserve(BLOCK);
    r.by_ref().take(BLOCK as u64).read_to_end(buf)
}

/// CSV: records are found by a scan that quotes the way the csv crate does,
/// then cut into pieces that are read in parallel, each by a csv reader of
/// its own. Returns (rows, context lines, saw invalid UTF-8).
fn read_csv(
    mut input: impl Read,
    layout: &CsvLayout,
    tz: Tz,
    progress: &dyn Fn(u64),
    pipe: &mut Pipe,
) -> std::io::Result<(usize, usize, bool)> {
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut buf_start = 0u64; // file offset of buf[0]
    let mut buf_line = 1u64; // line number of buf[0]
    let mut scan = CsvScan::default();
    let mut scanned = 0usize;
    let mut ends: Vec<usize> = Vec::new();
    // the preamble and the header are the first records of the file
    let mut skip = layout.preamble + usize::from(layout.has_header);
    let mut rows = 0usize;
    let mut lossy = false;
    let mut eof = false;
    let mut one_pass = true;
    // lines counted from each piece's start, then numbered from the file's
    let mut deliver = |read: Vec<(Batch, u64)>, pipe: &mut Pipe| {
        let read: Vec<Batch> = read
            .into_iter()
            .map(|(mut batch, newlines)| {
                let before = u32::try_from(buf_line - 1).unwrap_or(u32::MAX);
                batch.recs.iter_mut().for_each(|r| r.line = r.line.saturating_add(before));
                buf_line += newlines;
                batch
            })
            .collect();
        rows += read.iter().map(|b| b.recs.len()).sum::<usize>();
        pipe.send(Delivery { pre: read, post: Vec::new(), order: None });
    };
    while !eof {
        let n = read_block(&mut input, &mut buf)?;
        eof = n == 0;
        // nearly every block: its records found and read in one pass, in
        // pieces side by side (a block that starts in a record, or holds the
        // preamble or header, goes the long way). Once a block's guesses
        // fail, the file's cells hold line ends: the rest goes the long way
        // too, rather than reading each block twice.
        if one_pass && skip == 0 && scanned == 0 {
            match read_csv_block(&buf, buf_start, eof, layout, tz) {
                Some(BlockRead { read, cut, lossy: bad }) => {
                    progress(buf_start + cut as u64);
                    lossy |= bad;
                    deliver(read, pipe);
                    buf.drain(..cut);
                    buf_start += cut as u64;
                    continue;
                }
                None => one_pass = false,
            }
        }
        scan.scan_in_pieces(&buf, scanned, layout.delimiter, SCAN_PIECES, SCAN_PIECE_MIN, &mut ends);
        scanned = buf.len();
        // read up to the last record end (a record longer than the block waits for more)
        let cut = match ends.last() {
            _ if eof => buf.len(),
            Some(&end) => end,
            None => continue,
        };
        progress(buf_start + cut as u64);
        let mut bounds: Vec<usize> = std::iter::once(0).chain(ends.chunks(ROW_CHUNK).map(|c| c[c.len() - 1])).collect();
        if bounds.last() != Some(&cut) {
            bounds.push(cut);
        }
        let record_at = |offset: usize| ends.partition_point(|&e| e <= offset);
        let mut pieces: Vec<Piece> = bounds
            .windows(2)
            .map(|w| Piece { start: w[0], end: w[1], ends: record_at(w[0])..record_at(w[1]), skip: 0 })
            .collect();
        // the records each piece skips (the preamble and header come first)
        for p in &mut pieces {
            p.skip = skip.min(if p.end == cut && eof { usize::MAX } else { p.ends.len() });
            skip -= p.skip;
        }
        // each piece ends where a record does (or with the input)
        let mut read: Vec<(Batch, u64, usize, bool)> = Vec::new();
        pieces
            .par_iter()
            .map(|p| read_csv_run(&buf, buf_start, p.start..p.end, eof && p.end == cut, p.skip, layout, tz))
            .collect_into_vec(&mut read);
        lossy |= read.iter().any(|r| r.3);
        deliver(read.into_iter().map(|(batch, lines, _, _)| (batch, lines)).collect(), pipe);
        buf.drain(..cut);
        buf_start += cut as u64;
        // a record starts at the cut: the rest is scanned again with the next block
        scanned = 0;
        scan = CsvScan::default();
        ends.clear();
    }
    Ok((rows, layout.preamble, lossy))
}

/// Bytes per piece of a block read in one pass.
const RUN_BYTES: usize = 64 * 1024;

/// Find and read the records of a block that starts with a record, in
/// pieces side by side. Each piece but the first starts after a line end
/// that follows other text, guessed to end a record; the guesses all held
/// when each piece's last record ends where the next piece starts. `None`
/// when one did not hold (a quoted cell holds the line end) or no record
/// ends in the block: the caller then scans the block for its record ends
/// first.
fn read_csv_block(buf: &[u8], buf_start: u64, eof: bool, layout: &CsvLayout, tz: Tz) -> Option<BlockRead> {
    let cuts = record_cuts(buf, buf.len() / RUN_BYTES);
    let runs: Vec<(Batch, u64, usize, bool)> = cuts
        .par_windows(2)
        .map(|w| read_csv_run(buf, buf_start, w[0]..w[1], eof && w[1] == buf.len(), 0, layout, tz))
        .collect();
    let held = runs.iter().zip(&cuts[1..]).rev().skip(1).all(|(run, &next)| run.2 == next);
    let cut = runs.last().map_or(0, |run| run.2);
    if !held || cut == 0 {
        return None;
    }
    let lossy = runs.iter().any(|run| run.3);
    Some(BlockRead { read: runs.into_iter().map(|(batch, lines, _, _)| (batch, lines)).collect(), cut, lossy })
}

/// A block's records read in one pass: each piece's records and line
/// endings, where the last whole record ends, and whether some cell was not UTF-8.
struct BlockRead {
    read: Vec<(Batch, u64)>,
    cut: usize,
    lossy: bool,
}

/// Where to cut `b` into about `pieces` pieces: offsets just past a `\r` or
/// `\n` that follows a byte that is neither, from 0 to `b.len()`.
fn record_cuts(b: &[u8], pieces: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    for k in 1..pieces {
        let mut at = (b.len() * k / pieces).max(cuts[cuts.len() - 1]);
        let cut = loop {
            let Some(p) = memchr::memchr2(b'\r', b'\n', &b[at..]).map(|p| at + p) else { break None };
            if p > 0 && !matches!(b[p - 1], b'\r' | b'\n') {
                break Some(p + 1);
            }
            at = p + 1;
        };
        match cut {
            Some(c) if c < b.len() => cuts.push(c),
            _ => break,
        }
    }
    cuts.push(b.len());
    cuts
}

/// Read the records of `buf[run]`, the first starting where the run does,
/// passing over the first `skip` (preamble and header): (the records, their
/// line endings, where the last whole record ends, some cell was not
/// UTF-8). A record still open at the run's end is left for later, unless
/// that is the end of the input (`last`).
fn read_csv_run(
    buf: &[u8],
    buf_start: u64,
    run: std::ops::Range<usize>,
    last: bool,
    skip: usize,
    layout: &CsvLayout,
    tz: Tz,
) -> (Batch, u64, usize, bool) {
    let mut r = RecordReader::new(buf, buf_start, layout, tz, skip);
    let reached = each_record(&buf[..run.end], run.start, last, layout.delimiter, |a, z, cells| r.record(a, z, cells));
    (r.out, r.line - 1, reached, r.lossy)
}

/// The cells of a record, unquoted side by side, and their ranges.
type Cells<'c> = (&'c [u8], &'c [(u32, u32)]);

/// Find the records of `b` from `start` (where one starts) one after
/// another and give each to `each`: its start, its end and its cells (none:
/// blank lines only). Returns where the last whole record ends: a record
/// still open at the end of `b` is left out, unless `b` ends the input
/// (`last`).
fn each_record(
    b: &[u8],
    start: usize,
    last: bool,
    delimiter: u8,
    mut each: impl FnMut(usize, usize, Option<Cells>),
) -> usize {
    let (mut unquoted, mut fields) = (Vec::new(), Vec::new());
    let mut i = start;
    while i < b.len() {
        let (next, split) = split_next(b, i, delimiter, &mut unquoted, &mut fields);
        match split {
            Split::Record => {}
            // the input's last record (with no line end), or blank lines at its end
            Split::Open | Split::Blank if last => {}
            // a record, or the blank lines before one, that goes on past the piece
            Split::Open | Split::Blank => break,
        }
        each(i, next, (split != Split::Blank).then_some((&unquoted[..], &fields[..])));
        i = next;
    }
    i
}

/// A run of whole CSV records in the buffer (bytes `start..end`, the
/// records ending at `ends` of the block's record ends: their count tells
/// how many it skips), and how many of its first records are preamble or
/// header.
#[derive(Clone)]
struct Piece {
    start: usize,
    end: usize,
    ends: std::ops::Range<usize>,
    skip: usize,
}

/// Where CSV records end, found the way the csv crate reads them: a quote
/// opens a quoted field only at a field's start, `""` inside it is a quote,
/// `\r`, `\n` (or both) outside quotes end the record, and blank lines are
/// no record. The state carries over from one block to the next.
#[derive(Default)]
struct CsvScan {
    state: ScanState,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    #[default]
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// A block's scan for record ends is cut into this many pieces, of at least
/// this many bytes, scanned side by side.
const SCAN_PIECES: usize = 4;
const SCAN_PIECE_MIN: usize = 64 * 1024;

impl CsvScan {
    /// [`CsvScan::scan`], side by side on up to `pieces` pieces of at least
    /// `min` bytes. Each piece but the first starts after a line end and is
    /// scanned as if a record started there; that guess holds when the
    /// pieces before it, scanned from where they truly started, end at a
    /// record's start. A piece whose guess fails (a quoted cell holds the
    /// line end) is scanned again from the state the one before ended in,
    /// so the ends are exactly those of one scan from `from`.
    fn scan_in_pieces(
        &mut self,
        b: &[u8],
        from: usize,
        delimiter: u8,
        pieces: usize,
        min: usize,
        ends: &mut Vec<usize>,
    ) {
        use rayon::prelude::*;
        let len = b.len().saturating_sub(from);
        let pieces = pieces.min(len / min.max(1)).max(1);
        let cuts = line_cuts(b, from, b.len(), (len / pieces).max(1));
        let first = self.state;
        let scan_piece = |k: usize, state: ScanState| {
            let mut scan = CsvScan { state };
            let mut found = Vec::new();
            scan.scan(&b[..cuts[k + 1]], cuts[k], delimiter, &mut found);
            (found, scan.state)
        };
        let guessed: Vec<(Vec<usize>, ScanState)> = (0..cuts.len() - 1)
            .into_par_iter()
            .map(|k| scan_piece(k, if k == 0 { first } else { ScanState::RecordStart }))
            .collect();
        let mut state = first;
        for (k, (found, end)) in guessed.into_iter().enumerate() {
            let (found, end) =
                if k == 0 || state == ScanState::RecordStart { (found, end) } else { scan_piece(k, state) };
            ends.extend_from_slice(&found);
            state = end;
        }
        self.state = state;
    }

    /// Scan `b` from `from`, adding the offset just past each record's last
    /// byte (the byte that ends it) to `ends`.
    fn scan(&mut self, b: &[u8], from: usize, delimiter: u8, ends: &mut Vec<usize>) {
        use ScanState::*;
        let mut i = from;
        while i < b.len() {
            let c = b[i];
            self.state = match self.state {
                RecordStart if matches!(c, b'\r' | b'\n') => {
                    i += 1;
                    RecordStart
                }
                RecordStart => FieldStart,
                FieldStart | QuoteInQuoted if matches!(c, b'\r' | b'\n') => {
                    i += 1;
                    ends.push(i);
                    RecordStart
                }
                FieldStart | QuoteInQuoted if c == delimiter => {
                    i += 1;
                    FieldStart
                }
                FieldStart | QuoteInQuoted if c == b'"' => {
                    i += 1;
                    Quoted
                }
                FieldStart | QuoteInQuoted => {
                    i += 1;
                    Unquoted
                }
                Unquoted => match find_any3(&b[i..], delimiter, b'\n', b'\r') {
                    None => {
                        i = b.len();
                        Unquoted
                    }
                    Some(p) if b[i + p] == delimiter => {
                        i += p + 1;
                        FieldStart
                    }
                    Some(p) => {
                        i += p + 1;
                        ends.push(i);
                        RecordStart
                    }
                },
                // a `""` inside the field is passed over here, not through two states
                Quoted => loop {
                    match next_quote(b, i) {
                        None => {
                            i = b.len();
                            break Quoted;
                        }
                        Some(q) if b.get(q + 1) == Some(&b'"') => i = q + 2,
                        Some(q) => {
                            i = q + 1;
                            break QuoteInQuoted;
                        }
                    }
                },
            };
        }
    }
}

/// Where the first of bytes `a`, `b` or `c` stands in `hay`. Cells are
/// short: eight bytes are looked at a time, without a general search's
/// set-up.
fn find_any3(hay: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = swar::word(hay, i) {
        // the lowest mark of each is exact, so the lowest of all three is too
        let hit = swar::equal(w, a) | swar::equal(w, b) | swar::equal(w, c);
        if hit != 0 {
            return Some(i + swar::first(hit));
        }
        i += 8;
    }
    hay[i..].iter().position(|&x| x == a || x == b || x == c).map(|p| i + p)
}

/// The next `"` at or after `i`. JSON in a CSV cell has one every few
/// bytes, so this looks at eight bytes at a time itself rather than pay for
/// a general search's set-up at every quote.
fn next_quote(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(w) = swar::word(b, i) {
        let quotes = swar::equal(w, b'"');
        if quotes != 0 {
            return Some(i + swar::first(quotes));
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c == b'"').map(|p| i + p)
}

/// Copy a quoted field from `i` (just after its opening quote) into `out`,
/// `""` as one quote; returns where the field goes on after its closing
/// quote (the record's end when it has none). JSON in a CSV cell has a
/// quote every few bytes: the quotes of 64 bytes are found at once, as bits,
/// and each pair costs a look at the next bit and one short copy.
fn unquote(record: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    // `from`: the first byte not copied yet; `at`: where the block starts
    let (mut from, mut at) = (i, i);
    loop {
        let (mut quotes, whole) = match record.get(at..at + 64) {
            Some(block) => (swar::bits_equal(block.try_into().expect("64 bytes"), b'"'), true),
            None => {
                let mut block = [0; 64];
                block[..record.len() - at].copy_from_slice(&record[at..]);
                (swar::bits_equal(&block, b'"'), false)
            }
        };
        // the second quote of a pair the last block ended on is taken
        if from > at {
            quotes &= !1;
        }
        while quotes != 0 {
            let k = quotes.trailing_zeros() as usize;
            let q = at + k;
            if record.get(q + 1) != Some(&b'"') {
                copy_short(record, from..q, out);
                return q + 1;
            }
            // `""`: the bytes up to it and one quote
            copy_short(record, from..q + 1, out);
            from = q + 2;
            quotes &= !(3 << k);
        }
        if !whole {
            copy_short(record, from..record.len(), out);
            return record.len();
        }
        at += 64;
    }
}

/// Append `b[r]` to `out`, sixteen bytes at a time (the last copy cut back
/// when it went too far): the few bytes between two quotes cost one copy
/// of a fixed size, not a call to copy a slice of any length.
#[inline(always)]
fn copy_short(b: &[u8], r: std::ops::Range<usize>, out: &mut Vec<u8>) {
    // (an empty range backwards would cut bytes copied before)
    debug_assert!(r.start <= r.end, "copy_short({r:?})");
    let mut s = r.start;
    while s + 16 <= r.end {
        out.extend_from_slice(&b[s..s + 16]);
        s += 16;
    }
    match b.get(s..s + 16) {
        Some(chunk) => {
            out.extend_from_slice(chunk);
            out.truncate(out.len() - (s + 16 - r.end));
        }
        None => out.extend_from_slice(&b[s..r.end]),
    }
}

fn trimmed_len(n: u64) -> u32 {
    // the record's span includes its line ending; the re-read trims it
    n.min(u32::MAX as u64) as u32
}

/// CSV records handled by one task of the parallel pass.
const ROW_CHUNK: usize = 512;

/// Reads CSV records one after another into a batch, numbering their lines
/// from 1 at the first one's start.
struct RecordReader<'a> {
    buf: &'a [u8],
    buf_start: u64,
    layout: &'a CsvLayout,
    tz: Tz,
    /// Records still to pass over (preamble and header).
    skip: usize,
    line: u64,
    out: Batch,
    /// The cells of a record, in a list whose room serves record after record.
    spare_cells: Vec<&'static str>,
    /// Some cell was not UTF-8.
    lossy: bool,
}

impl<'a> RecordReader<'a> {
    fn new(buf: &'a [u8], buf_start: u64, layout: &'a CsvLayout, tz: Tz, skip: usize) -> Self {
        RecordReader {
            buf,
            buf_start,
            layout,
            tz,
            skip,
            line: 1,
            out: Batch::with_room(ROW_CHUNK),
            spare_cells: Vec::new(),
            lossy: false,
        }
    }

    /// The record of `buf[start..end]` (from the end of the one before,
    /// blank lines and all), with its cells (none: blank lines only).
    fn record(&mut self, start: usize, end: usize, cells: Option<Cells>) {
        if let Some((unquoted, fields)) = cells {
            if self.skip > 0 {
                self.skip -= 1;
            } else {
                // the record starts after the line ends before it: blank
                // lines, or the `\n` of the `\r\n` that ended the one before
                let blank = self.buf[start..end].iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
                let line = (self.line + newlines(&self.buf[start..start + blank])) as u32;
                let (at, len) = (self.buf_start + (start + blank) as u64, trimmed_len((end - start - blank) as u64));
                let (layout, tz) = (self.layout, self.tz);
                let span = |&(a, b): &(u32, u32)| a as usize..b as usize;
                let mut cells = emptied(std::mem::take(&mut self.spare_cells));
                // the fields side by side are checked at once; a field then
                // must start and end on characters of that text
                if let Ok(text) = std::str::from_utf8(unquoted) {
                    cells.extend(fields.iter().map_while(|f| text.get(span(f))));
                }
                if cells.len() == fields.len() {
                    read_csv_row(&mut self.out, line, at, len, &cells, layout, tz);
                } else {
                    self.lossy = true;
                    let owned: Vec<String> =
                        fields.iter().map(|f| String::from_utf8_lossy(&unquoted[span(f)]).into_owned()).collect();
                    let cells: Vec<&str> = owned.iter().map(String::as_str).collect();
                    read_csv_row(&mut self.out, line, at, len, &cells, layout, tz);
                }
                self.spare_cells = emptied(cells);
            }
        }
        self.line += newlines(&self.buf[start..end]);
    }
}

/// The line ends in a record: nearly always one, the last byte (a search
/// finds it; counting is the exception, for line ends inside quotes).
fn newlines(record: &[u8]) -> u64 {
    match memchr::memchr(b'\n', record) {
        None => 0,
        Some(p) => 1 + memchr::memchr_iter(b'\n', &record[p + 1..]).count() as u64,
    }
}

/// `v` emptied, its room kept, for borrows that live elsewhere (the cells
/// of the next record). Collecting in place reuses the allocation.
fn emptied<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// Split one record into its fields (see [`split_next`]). False when the
/// record is only blank lines (no record).
pub(crate) fn split_record(record: &[u8], delimiter: u8, out: &mut Vec<u8>, fields: &mut Vec<(u32, u32)>) -> bool {
    split_next(record, 0, delimiter, out, fields).1 != Split::Blank
}

/// What [`split_next`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    /// A record and the line end that ends it.
    Record,
    /// A record that the bytes end before its line end.
    Open,
    /// Only line ends, to the end of the bytes.
    Blank,
}

/// Split the record that starts at `b[i..]` (after any blank lines) into
/// its fields as the csv crate does (quotes open a quoted field only at its
/// start, `""` inside one is a quote, anything after a closing quote is
/// kept, `\r` or `\n` outside quotes ends the record), unquoted into `out`,
/// their ranges into `fields`; returns where it ends (just past its line
/// end, or `b.len()`) and what was found.
fn split_next(
    b: &[u8],
    mut i: usize,
    delimiter: u8,
    out: &mut Vec<u8>,
    fields: &mut Vec<(u32, u32)>,
) -> (usize, Split) {
    out.clear();
    fields.clear();
    let is_end = |c: u8| c == b'\r' || c == b'\n';
    i += b[i..].iter().take_while(|&&c| is_end(c)).count();
    if i == b.len() {
        return (i, Split::Blank);
    }
    // at the start of a field
    loop {
        let from = out.len() as u32;
        if b.get(i) == Some(&b'"') {
            i = unquote(b, i + 1, out);
        }
        // unquoted, or what follows a closing quote: kept as it stands
        let rest = &b[i..];
        let stop = find_any3(rest, delimiter, b'\r', b'\n').unwrap_or(rest.len());
        out.extend_from_slice(&rest[..stop]);
        i += stop;
        fields.push((from, out.len() as u32));
        match b.get(i) {
            Some(&c) if c == delimiter => i += 1,
            Some(_) => return (i + 1, Split::Record),
            None => return (i, Split::Open),
        }
    }
}

/// One CSV row's request, and its answer when the row holds one too.
fn read_csv_row(out: &mut Batch, line: u32, offset: u64, len: u32, cells: &[&str], layout: &CsvLayout, tz: Tz) {
    frame::with_tape(|tape| {
        let ex = layout.extract_cells_in(cells, tz, tape);
        out.push(line, offset, len as usize, ex);
    });
    if layout.answer.is_some() {
        frame::with_tape(|tape| {
            if let Some(ex) = layout.extract_answer_cells_in(cells, tz, tape) {
                out.push(line, offset, len as usize, ex);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where the csv crate's records end (the offset after each read).
    fn csv_crate_ends(b: &[u8], delimiter: u8) -> Vec<usize> {
        let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(b);
        let mut record = csv::ByteRecord::new();
        let mut ends = Vec::new();
        while let Ok(true) = rdr.read_byte_record(&mut record) {
            ends.push(rdr.position().byte() as usize);
        }
        ends
    }

    fn scan_ends(b: &[u8], delimiter: u8, block: usize) -> Vec<usize> {
        scan_ends_in_pieces(b, delimiter, block, 1)
    }

    /// [`scan_ends`], each block scanned in `pieces` pieces (of at least a byte).
    fn scan_ends_in_pieces(b: &[u8], delimiter: u8, block: usize, pieces: usize) -> Vec<usize> {
        let mut scan = CsvScan::default();
        let mut ends = Vec::new();
        // fed in blocks, as the reader does
        let mut upto = 0;
        while upto < b.len() {
            let next = (upto + block).min(b.len());
            if pieces == 1 {
                scan.scan(&b[..next], upto, delimiter, &mut ends);
            } else {
                scan.scan_in_pieces(&b[..next], upto, delimiter, pieces, 1, &mut ends);
            }
            upto = next;
        }
        // the last record may end with the input
        if ends.last().map_or(!b.is_empty(), |&e| e < b.len()) && scan.state != ScanState::RecordStart {
            ends.push(b.len());
        }
        ends
    }

    #[test]
    fn csv_scan_finds_quoted_line_ends_and_blank_lines() {
        let t = b"a,\"x\ny\",b\r\n\n\"q\"\"\",c\nlast";
        assert_eq!(scan_ends(t, b',', 3), csv_crate_ends(t, b','));
        assert_eq!(scan_ends(t, b',', 100), vec![10, 20, t.len()]);
    }

    fn csv_crate_fields(b: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(b);
        let mut record = csv::ByteRecord::new();
        let mut all = Vec::new();
        while let Ok(true) = rdr.read_byte_record(&mut record) {
            all.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        all
    }

    fn split_fields(b: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let (mut out, mut fields) = (Vec::new(), Vec::new());
        let mut all = Vec::new();
        let mut start = 0;
        for end in scan_ends(b, delimiter, 64) {
            if split_record(&b[start..end], delimiter, &mut out, &mut fields) {
                all.push(fields.iter().map(|&(a, z)| out[a as usize..z as usize].to_vec()).collect());
            }
            start = end;
        }
        all
    }

    #[test]
    fn next_quote_finds_the_first_quote_from_where_it_starts() {
        for len in 0..20 {
            for at in 0..len {
                let mut b = vec![b'a'; len];
                b[at] = b'"';
                if at + 3 < len {
                    b[at + 3] = b'"';
                }
                for from in 0..=at {
                    assert_eq!(next_quote(&b, from), Some(at), "len {len} quote at {at} from {from}");
                }
                assert_eq!(next_quote(&b, at + 4), None);
            }
        }
    }

    #[test]
    fn split_record_unquotes_like_the_csv_crate() {
        let t = b"a,\"[2,\"\"x\"\"]\",\"\"\r\n\n\"q\"tail,c\n";
        assert_eq!(split_fields(t, b','), csv_crate_fields(t, b','));
        assert_eq!(split_fields(t, b',')[0][1], b"[2,\"x\"]".to_vec());
    }

    proptest! {
        #[test]
        fn find_any3_finds_the_first_of_three(hay in prop::collection::vec(prop::sample::select(vec![b'a', b',', b'\n', b'\r', 0x80, 0xff, 0]), 0..40)) {
            let want = hay.iter().position(|&c| c == b',' || c == b'\n' || c == b'\r');
            prop_assert_eq!(find_any3(&hay, b',', b'\n', b'\r'), want);
        }
    }

    #[test]
    fn cells_split_inside_a_character_are_read_lossily() {
        // "CP\xE2" and "\x82\xAC" are not UTF-8 each, though side by side
        // they make "CP€": each cell is read on its own, lossily
        let csv = b"Timestamp,ChargePoint,Note,Message\n\
2025-01-01T00:00:00Z,CP\xE2,\x82\xAC,\"[2,\"\"a\"\",\"\"Heartbeat\"\",{}]\"\n\
2025-01-01T00:00:01Z,CP1,ok,\"[2,\"\"b\"\",\"\"Heartbeat\"\",{}]\"\n";
        let store = crate::testutil::load_bytes(csv, ".csv");
        let stations: Vec<&str> = store.messages.iter().map(|m| store.str(m.station)).collect();
        assert_eq!(stations, ["CP\u{FFFD}", "CP1"]);
        assert!(store.warnings.iter().any(|w| w.contains("not UTF-8")), "{:?}", store.warnings);
    }

    #[test]
    fn csv_records_are_numbered_by_their_first_line() {
        assert_eq!([b"a,b\n".as_slice(), b"a,\"x\ny\"\r\n", b"last", b"\n\n"].map(newlines), [1, 2, 0, 2]);
        let csv = "Timestamp,ChargePoint,Message\n\
2025-01-01T00:00:00Z,CP1,\"[2,\"\"a\"\",\"\"DataTransfer\"\",{\"\"vendorId\"\":\"\"x\"\",\n\"\"data\"\":\"\"two lines\"\"}]\"\n\
2025-01-01T00:00:01Z,CP1,\"[2,\"\"b\"\",\"\"Heartbeat\"\",{}]\"\n";
        let store = crate::testutil::load_str(csv, "csv");
        let lines: Vec<u32> = store.messages.iter().map(|m| m.line).collect();
        assert_eq!(lines, [2, 4]);
    }

    proptest! {
        /// Lines cut into pieces and split piece by piece are the lines of
        /// one split, numbered the same way once each piece's count is added.
        #[test]
        fn lines_split_in_pieces_are_those_of_one_split(text in r#"([ab\r]{0,6}\n?){0,40}"#, piece in 1usize..40, eof: bool) {
            let b = text.as_bytes();
            let upto = if eof { b.len() } else { memchr::memrchr(b'\n', b).map_or(0, |p| p + 1) };
            let mut want = Vec::new();
            split_lines(b, 100, 0..upto, 7, &mut want);
            let cuts = line_cuts(b, 0, upto, piece);
            prop_assert!(cuts.windows(2).all(|w| w[0] < w[1]) || upto == 0);
            let mut got = Vec::new();
            for w in cuts.windows(2) {
                prop_assert!(w[0] == 0 || b[w[0] - 1] == b'\n');
                let mut lines = Vec::new();
                split_lines(b, 100, w[0]..w[1], 0, &mut lines);
                let before = 7 + got.len() as u32;
                got.extend(lines.into_iter().map(|l| (l.no + before, l.start, l.end)));
            }
            prop_assert_eq!(got, want.iter().map(|l| (l.no, l.start, l.end)).collect::<Vec<_>>());
            // one line per line end, and one more for text after the last
            let ends = b[..upto].iter().filter(|&&c| c == b'\n').count();
            prop_assert_eq!(want.len(), ends + usize::from(upto > 0 && b[upto - 1] != b'\n'));
        }
    }

    #[test]
    fn big_text_logs_keep_their_lines_and_text() {
        // many pieces in several blocks, with Windows line ends, blank lines
        // and frames over two lines among them
        let mut log = String::new();
        let mut want: Vec<(u32, String)> = Vec::new();
        let mut line = 1;
        for n in 0..50_000 {
            let stamp = format!("2025-01-01 {:02}:{:02}:{:02}.{:03}", n / 3600 % 24, n / 60 % 60, n % 60, n % 1000);
            let ending = if n % 3 == 0 { "\r\n" } else { "\n" };
            if n % 997 == 0 {
                log.push_str(ending);
                line += 1;
            }
            let record = if n % 501 == 0 {
                format!("{stamp} [CP1] <- [2,\"u{n}\",\"Heartbeat\",\n  {{}}]")
            } else {
                format!("{stamp} [CP{}] <- [2,\"u{n}\",\"Heartbeat\",{{}}]", n % 4)
            };
            want.push((line, record.replace('\n', ending)));
            line += 1 + record.matches('\n').count() as u32;
            log.push_str(&record.replace('\n', ending));
            log.push_str(ending);
        }
        let store = crate::testutil::load_text(&log);
        assert!(log.len() > 2 * BLOCK, "{} bytes", log.len());
        assert_eq!(store.messages.len(), want.len());
        for (i, (line, record)) in store.all().zip(&want) {
            assert_eq!((store.msg(i).line, store.raw_text(i).trim_end()), (*line, record.as_str()));
        }
    }

    #[test]
    fn big_csv_records_keep_their_lines_and_text() {
        // blocks of pieces read side by side, with Windows line ends, blank
        // lines, and cells holding line ends (where a cut guesses wrong)
        for cell_breaks in [false, true] {
            let mut csv = String::from("Timestamp,ChargePoint,Message\r\n");
            let mut want: Vec<(u32, String)> = Vec::new();
            let mut line = 2;
            for n in 0..12_000 {
                if n % 1000 == 999 {
                    csv.push_str("\r\n");
                    line += 1;
                }
                let gap = if cell_breaks && n % 7 == 0 { "\n" } else { "" };
                let record = format!(
                    "2025-01-01T00:00:{:02}.{:03}Z,CP{},\"[2,\"\"u{n}\"\",\"\"Heartbeat\"\",{{{gap}}}]\"",
                    n / 1000 % 60,
                    n % 1000,
                    n % 3
                );
                want.push((line, record.clone()));
                line += 1 + gap.len() as u32;
                csv.push_str(&record);
                csv.push_str("\r\n");
            }
            let store = crate::testutil::load_str(&csv, "csv");
            assert_eq!(store.messages.len(), want.len(), "cells with line ends: {cell_breaks}");
            for (i, (line, record)) in store.all().zip(&want) {
                assert_eq!((store.msg(i).line, store.raw_text(i).trim_end()), (*line, record.as_str()));
            }
        }
    }

    #[test]
    fn quoted_fields_with_long_runs_between_quotes() {
        // quotes at every place among the eight bytes copied at a time, and none at all
        for n in 0..20 {
            for m in 0..20 {
                let (x, y) = ("x".repeat(n), "y".repeat(m));
                let t = format!("\"{x}\"\"{y}\",\"{y}\"\"\"\"{x}\",\"{x}{y}\n");
                let fields = split_fields(t.as_bytes(), b',');
                assert_eq!(fields, csv_crate_fields(t.as_bytes(), b','), "{t:?}");
                assert_eq!(fields[0][0], format!("{x}\"{y}").into_bytes());
            }
        }
    }

    proptest! {
        /// Records split into the same fields as the csv crate's.
        #[test]
        fn split_record_agrees_with_the_csv_crate(text in r#"[a",;\r\n ]{0,40}"#, semicolon: bool) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(split_fields(text.as_bytes(), delimiter), csv_crate_fields(text.as_bytes(), delimiter));
        }

        /// The same for long quoted cells, full of `""` pairs, whose quotes
        /// are found 64 bytes at a time (a pair may straddle two blocks).
        #[test]
        fn long_quoted_cells_split_as_the_csv_crate_does(text in r#"("([a,;\r\n ]|""){0,200}"?[a"]{0,2}|[a;\n]{0,3},?){1,5}"#, semicolon: bool) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(split_fields(text.as_bytes(), delimiter), csv_crate_fields(text.as_bytes(), delimiter));
        }

        /// The scan cuts records exactly where the csv crate ends them, however the input is split into blocks.
        #[test]
        fn csv_scan_agrees_with_the_csv_crate(text in r#"[a",;\r\n ]{0,40}"#, block in 1usize..12, semicolon: bool) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(scan_ends(text.as_bytes(), delimiter, block), csv_crate_ends(text.as_bytes(), delimiter));
        }

        /// A block read in one pass, cut into pieces after line ends, finds
        /// the records (and blank lines) that scanning for record ends first
        /// finds, exactly when every cut falls where a record ends; when
        /// one does not, the guess is seen to fail.
        #[test]
        fn records_read_in_pieces_are_those_of_the_scan(text in r#"([a",;\r\n ]|"[a,\n]*"|\r\n){0,60}"#, pieces in 1usize..9, semicolon: bool) {
            let delimiter = if semicolon { b';' } else { b',' };
            let b = text.as_bytes();
            type Found = Vec<(usize, usize, Option<Vec<Vec<u8>>>)>;
            let cells_of = |c: Option<Cells>| c.map(|(u, f)| f.iter().map(|&(a, z)| u[a as usize..z as usize].to_vec()).collect());
            // the long way: record ends scanned, then each record split
            let ends = scan_ends(b, delimiter, b.len().max(1));
            let mut want: Found = Vec::new();
            let (mut unquoted, mut fields) = (Vec::new(), Vec::new());
            let mut start = 0;
            let last = (ends.last().copied().unwrap_or(0) < b.len()).then_some(b.len());
            for end in ends.iter().copied().chain(last) {
                let is_record = split_record(&b[start..end], delimiter, &mut unquoted, &mut fields);
                want.push((start, end, cells_of(is_record.then_some((&unquoted[..], &fields[..])))));
                start = end;
            }
            // in one pass, piece by piece
            let cuts = record_cuts(b, pieces);
            prop_assert!(cuts.windows(2).all(|w| w[0] < w[1]) || b.is_empty());
            let mut got: Found = Vec::new();
            let mut held = true;
            for w in cuts.windows(2) {
                let reached = each_record(&b[..w[1]], w[0], w[1] == b.len(), delimiter, |a, z, c| got.push((a, z, cells_of(c))));
                held &= reached == w[1];
            }
            let cuts_end_records = cuts[1..cuts.len() - 1].iter().all(|c| ends.contains(c));
            prop_assert_eq!(held, cuts_end_records, "cuts {:?}, record ends {:?}", cuts, ends);
            if held {
                prop_assert_eq!(got, want);
            }
        }

        /// Pieces scanned side by side find the ends one scan finds,
        /// whichever pieces start inside a quoted cell.
        #[test]
        fn csv_scan_in_pieces_agrees_with_one_scan(text in r#"([a",;\r\n ]|"[a,\n]*"){0,60}"#, block in 1usize..80, pieces in 2usize..9, semicolon: bool) {
            let delimiter = if semicolon { b';' } else { b',' };
            let b = text.as_bytes();
            prop_assert_eq!(scan_ends_in_pieces(b, delimiter, block, pieces), scan_ends(b, delimiter, block));
        }
    }
}
