//! Reading logs: opening inputs, sniffing the layout, splitting records,
//! parsing frames (in parallel) and handing them to the store builder.

pub mod csv_layout;
pub mod facts;
pub mod frame;
pub mod hints;
pub mod json;
pub mod jsonl;
pub mod nesting;
pub mod source;
pub mod text;
pub mod timestamp;

use crate::analysis::schema::{check_request, Violation};
use crate::store::{LogStore, StoreBuilder};
use crate::store::{Uid, NO_TIME};
use chrono_tz::Tz;
use csv_layout::CsvLayout;
use facts::{RawFacts, Slot};
use frame::{Frame, MsgKind};
use hints::DirHint;
use json::Doc;
use rayon::prelude::*;
pub use source::InputError;
use source::{open_input, SpanReader};
use std::io::Read;
use timestamp::Millis;

/// What one record says, before interning.
#[derive(Debug)]
pub struct Extracted {
    pub at: Option<Millis>,
    pub station: Option<String>,
    pub dir: DirHint,
    /// An action named by the layout (CSV action column), used for answers that lack one.
    pub action_hint: Option<String>,
    pub frame: Result<Frame, String>,
}

impl Default for Extracted {
    fn default() -> Self {
        Extracted { at: None, station: None, dir: DirHint::None, action_hint: None, frame: Err(String::new()) }
    }
}

impl Extracted {
    pub fn unparsed(reason: &str) -> Extracted {
        Extracted { frame: Err(reason.to_string()), ..Extracted::default() }
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
    pub fn extract_all(&self, raw: &str, tz: Tz) -> Vec<Extracted> {
        match self {
            Layout::Csv(c) => c.extract_raw_all(raw, tz),
            _ => vec![self.extract(raw, tz)],
        }
    }

    /// Read one raw record; the same code path as loading.
    pub fn extract(&self, raw: &str, tz: Tz) -> Extracted {
        match self {
            Layout::Text => text::extract(raw, tz),
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
        // the store takes parsed batches on its own thread while the next batch
        // is parsed; emptied batches come back to be filled again
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(2);
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<Parsed>>();
        let file_no = file_idx as u16;
        let result = std::thread::scope(|scope| {
            let pusher = scope.spawn(|| {
                for mut batch in rx {
                    for p in batch.drain(..) {
                        builder.push(file_no, p);
                    }
                    let _ = back_tx.send(batch);
                }
            });
            let mut pipe = Pipe { tx, back: back_rx };
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

/// A record read and parsed, ready for the store: kept small, as batches of
/// them travel between threads.
pub struct Parsed {
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
    /// The payload's facts, and the station, action and action hint texts.
    pub facts: RawFacts,
    /// A CALLRESULT's payload, kept until pairing tells which schema applies.
    pub answer: Option<Box<Doc>>,
    /// Schema violations of a CALL and framing deviations (both rare).
    pub notes: Option<Box<(Vec<Violation>, Vec<String>)>>,
}

fn parse_record(line: u32, offset: u64, raw: &str, layout: &Layout, tz: Tz) -> Parsed {
    let ex = layout.extract(raw, tz);
    finish_record(line, offset, raw.len(), ex)
}

fn finish_record(line: u32, offset: u64, len: usize, ex: Extracted) -> Parsed {
    let mut facts = RawFacts::default();
    if let Some(station) = &ex.station {
        facts.texts.set(Slot::Station, station);
    }
    if let Some(hint) = &ex.action_hint {
        facts.texts.set(Slot::ActionHint, hint);
    }
    let mut p = Parsed {
        offset,
        line,
        len: len.min(u32::MAX as usize) as u32,
        at: ex.at.unwrap_or(NO_TIME),
        kind: None,
        dir: ex.dir,
        repaired: false,
        uid: Uid(0),
        facts,
        answer: None,
        notes: None,
    };
    let frame = match ex.frame {
        Ok(frame) => frame,
        Err(reason) => {
            p.facts.texts.set(Slot::Unreadable, &reason);
            return p;
        }
    };
    p.kind = Some(frame.kind);
    p.repaired = frame.repaired;
    p.uid = Uid::of(&frame.unique_id);
    if let Some(action) = &frame.action {
        p.facts.texts.set(Slot::Action, action);
    }
    facts::extract_into(&frame, &mut p.facts);
    let violations = match (&frame.action, frame.kind) {
        (Some(action), MsgKind::Call) => check_request(action, frame.payload.root()),
        _ => Vec::new(),
    };
    if !violations.is_empty() || !frame.deviations.is_empty() {
        p.notes = Some(Box::new((violations, frame.deviations)));
    }
    let payload = frame.payload.root();
    if frame.kind == MsgKind::Result && payload.is_object() && !payload.is_empty() {
        p.answer = Some(Box::new(frame.payload));
    }
    p
}

/// Parsed batches on their way to the store builder. Batches are recycled:
/// a fresh 10 MB buffer per batch would cost a page fault for every page.
struct Pipe {
    tx: std::sync::mpsc::SyncSender<Vec<Parsed>>,
    back: std::sync::mpsc::Receiver<Vec<Parsed>>,
}

impl Pipe {
    /// An empty batch, with room from an earlier one when there is one.
    fn empty(&self) -> Vec<Parsed> {
        self.back.try_recv().unwrap_or_default()
    }

    fn send(&self, batch: Vec<Parsed>) {
        let _ = self.tx.send(batch);
    }
}

const BATCH: usize = 16 * 1024;
const BLOCK: usize = 4 * 1024 * 1024;

/// One line of a block: its number and its bytes (without the line ending).
struct Line {
    no: u32,
    start: u64,
    end: u64,
}

/// What the parallel pass learned of a line: its role and, when the line is
/// a whole record by itself, the record already read.
struct Seen {
    role: text::LineRole,
    lossy: bool,
    parsed: Option<Parsed>,
}

fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// A text or JSON Lines line, looked at on its own (in parallel): most lines
/// are one whole record, read here once.
fn see_line(l: &Line, bytes: &[u8], layout: &Layout, tz: Tz) -> Seen {
    let (text, lossy) = decode(bytes);
    if *layout == Layout::Jsonl {
        let blank = text.trim().is_empty();
        let parsed = (!blank).then(|| parse_record(l.no, l.start, &text, layout, tz));
        return Seen { role: text::LineRole::Context { blank }, lossy, parsed };
    }
    let Some(at) = frame::find_frame_start(&text) else {
        return Seen { role: text::no_frame_role(&text), lossy, parsed: None };
    };
    let role = text::frame_role(&text, at, true);
    if matches!(role, text::LineRole::FrameStart { bare: true, .. }) {
        // a bare frame may belong to the header line before it: read it later
        return Seen { role: text::frame_role(&text, at, frame::frame_end(&text[at..]).is_ok()), lossy, parsed: None };
    }
    let parsed = parse_record(l.no, l.start, &text, layout, tz);
    if parsed.kind.is_some() || frame::frame_end(&text[at..]).is_ok() {
        Seen { role, lossy, parsed: Some(parsed) }
    } else {
        // the frame goes on over further lines
        Seen { role: text::frame_role(&text, at, false), lossy, parsed: None }
    }
}

/// Text and JSON Lines: lines are looked at in parallel, grouped into
/// records in order, and records not read yet are parsed in parallel.
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
    // records found, with the record already read when its line was
    let mut spans: Vec<text::Span> = Vec::new();
    let mut ready: Vec<Option<Parsed>> = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut seen: Vec<Seen> = Vec::new();
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
        let old = buf.len();
        buf.resize(old + BLOCK, 0);
        let n = read_full(&mut input, &mut buf[old..])?;
        buf.truncate(old + n);
        if n == 0 {
            eof = true;
        }
        progress(buf_start + buf.len() as u64);
        // the complete lines of the block
        lines.clear();
        loop {
            let rest = &buf[scan_from..];
            let (line_end, next) = match memchr::memchr(b'\n', rest) {
                Some(p) => (scan_from + p, scan_from + p + 1),
                None if eof && !rest.is_empty() => (buf.len(), buf.len()),
                None => break,
            };
            line_no += 1;
            let mut end = line_end;
            if end > scan_from && buf[end - 1] == b'\r' {
                end -= 1;
            }
            lines.push(Line { no: line_no, start: buf_start + scan_from as u64, end: buf_start + end as u64 });
            scan_from = next;
            if next >= buf.len() {
                break;
            }
        }
        let bytes = |l: &Line| &buf[(l.start - buf_start) as usize..(l.end - buf_start) as usize];
        if *layout == Layout::JsonArray {
            for l in &lines {
                lossy |= std::str::from_utf8(bytes(l)).is_err();
                array.push(l.no, l.start, bytes(l), &mut spans);
            }
            ready.resize_with(spans.len(), || None);
        } else {
            lines.par_iter().map(|l| see_line(l, bytes(l), layout, tz)).collect_into_vec(&mut seen);
            for (l, s) in lines.iter().zip(seen.drain(..)) {
                lossy |= s.lossy;
                if *layout == Layout::Jsonl {
                    if let Some(p) = s.parsed {
                        spans.push(text::Span { line: l.no, start: l.start, end: l.end });
                        ready.push(Some(p));
                    }
                    continue;
                }
                let text = if grouper.needs_text(s.role) { decode(bytes(l)).0 } else { "".into() };
                grouper.push_role(l.no, l.start, l.end, &text, s.role, &mut spans);
                ready.resize_with(spans.len(), || None);
                let whole_line = text::Span { line: l.no, start: l.start, end: l.end };
                if spans.last() == Some(&whole_line) {
                    *ready.last_mut().expect("one per span") = s.parsed;
                }
            }
        }
        if eof {
            grouper.finish(&mut spans);
            array.finish(buf_start + buf.len() as u64, &mut spans);
            ready.resize_with(spans.len(), || None);
        }
        if spans.len() >= BATCH || eof {
            rows += spans.len();
            let mut parsed = pipe.empty();
            spans
                .par_drain(..)
                .zip(ready.par_drain(..))
                .map(|(s, done)| {
                    done.unwrap_or_else(|| {
                        let lo = (s.start - buf_start) as usize;
                        let hi = (s.end - buf_start) as usize;
                        let raw = decode(&buf[lo..hi.min(buf.len())]).0;
                        parse_record(s.line, s.start, &raw, layout, tz)
                    })
                })
                .collect_into_vec(&mut parsed);
            pipe.send(parsed);
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

fn read_full(r: &mut impl Read, mut buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while !buf.is_empty() {
        match r.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                total += n;
                buf = &mut buf[n..];
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(total)
}

/// A batch of CSV records: their cells' bytes in one buffer (no allocation
/// per record on the reading thread).
#[derive(Default)]
struct CsvBatch {
    bytes: Vec<u8>,
    cells: Vec<(u32, u32)>,
    rows: Vec<CsvRow>,
}

struct CsvRow {
    line: u32,
    offset: u64,
    len: u32,
    /// Range in `cells`; `None` for a record the csv reader could not read.
    cells: Option<(u32, u32)>,
}

impl CsvBatch {
    fn push(&mut self, line: u32, offset: u64, len: u32, record: Option<&csv::ByteRecord>) {
        let cells = record.map(|r| {
            let first = self.cells.len() as u32;
            for cell in r {
                let start = self.bytes.len() as u32;
                self.bytes.extend_from_slice(cell);
                self.cells.push((start, self.bytes.len() as u32));
            }
            (first, self.cells.len() as u32)
        });
        self.rows.push(CsvRow { line, offset, len, cells });
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.cells.clear();
        self.rows.clear();
    }

    /// Cells of a row as text (invalid UTF-8 replaced); the flag says so.
    fn cells(&self, row: &CsvRow) -> Option<(Vec<std::borrow::Cow<'_, str>>, bool)> {
        let (a, b) = row.cells?;
        let mut lossy = false;
        let cells = self.cells[a as usize..b as usize]
            .iter()
            .map(|&(s, e)| {
                let (text, bad) = decode(&self.bytes[s as usize..e as usize]);
                lossy |= bad;
                text
            })
            .collect();
        Some((cells, lossy))
    }
}

/// Batches above this many bytes of cells are sent early (huge records).
const CSV_BATCH_BYTES: usize = 16 << 20;

/// CSV: the csv crate splits records (quoted fields may span lines); the
/// records are read in parallel.
fn read_csv(
    input: impl Read,
    layout: &CsvLayout,
    tz: Tz,
    progress: &dyn Fn(u64),
    pipe: &mut Pipe,
) -> std::io::Result<(usize, usize, bool)> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut batch = CsvBatch::default();
    let mut rows = 0usize;
    let lossy = std::sync::atomic::AtomicBool::new(false);
    let mut first = true;
    let mut preamble_left = layout.preamble;
    loop {
        let start = rdr.position().clone();
        let more = match rdr.read_byte_record(&mut record) {
            Ok(m) => m,
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => return Err(std::io::Error::other(e.to_string())),
                // an unreadable record (e.g. an unterminated quote): keep it as unparsed
                _ => {
                    let end = rdr.position().byte();
                    batch.push(start.line() as u32, start.byte(), (end - start.byte()) as u32, None);
                    rows += 1;
                    continue;
                }
            },
        };
        if !more {
            break;
        }
        let end = rdr.position().byte();
        if preamble_left > 0 {
            preamble_left -= 1;
            continue;
        }
        if first {
            first = false;
            if layout.has_header {
                continue;
            }
        }
        let has_answer = layout.answer.and_then(|c| record.get(c)).is_some_and(|c| c.contains(&b'['));
        batch.push(start.line() as u32, start.byte(), trimmed_len(end - start.byte()), Some(&record));
        rows += 1 + usize::from(has_answer);
        if batch.rows.len() >= BATCH || batch.bytes.len() >= CSV_BATCH_BYTES {
            progress(end);
            let out = parse_csv_batch(&batch, layout, tz, pipe.empty(), &lossy);
            pipe.send(out);
            batch.clear();
        }
    }
    pipe.send(parse_csv_batch(&batch, layout, tz, pipe.empty(), &lossy));
    Ok((rows, layout.preamble, lossy.into_inner()))
}

fn trimmed_len(n: u64) -> u32 {
    // the record's span includes its line ending; the re-read trims it
    n.min(u32::MAX as u64) as u32
}

fn parse_csv_batch(
    batch: &CsvBatch,
    layout: &CsvLayout,
    tz: Tz,
    mut out: Vec<Parsed>,
    lossy: &std::sync::atomic::AtomicBool,
) -> Vec<Parsed> {
    let cells = |row: &CsvRow| {
        let (cells, bad) = batch.cells(row)?;
        if bad {
            lossy.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Some(cells)
    };
    batch
        .rows
        .par_iter()
        .map(|row| {
            let ex = match cells(row) {
                Some(cells) => layout.extract_cells(&cells.iter().map(|c| c.as_ref()).collect::<Vec<&str>>(), tz),
                None => Extracted::unparsed("not a readable CSV record"),
            };
            finish_record(row.line, row.offset, row.len as usize, ex)
        })
        .collect_into_vec(&mut out);
    // a row may also hold the answer (layouts with an answer column)
    if layout.answer.is_some() {
        let answers: Vec<Parsed> = batch
            .rows
            .par_iter()
            .filter_map(|row| {
                let cells = batch.cells(row)?.0;
                let ex = layout.extract_answer_cells(&cells.iter().map(|c| c.as_ref()).collect::<Vec<&str>>(), tz)?;
                Some(finish_record(row.line, row.offset, row.len as usize, ex))
            })
            .collect();
        out.extend(answers);
    }
    out
}
