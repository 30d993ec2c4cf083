//! Synthetic OCPP 1.6-J traffic logs with labelled, injected faults.
//!
//! The generator simulates what a central system sees from a fleet of charge
//! points: boots, heartbeats, charging sessions with meter values, the odd
//! back-end command, and — at a chosen rate — faults taken from the findings
//! catalogue (`docs/ocpp16-reference.md` §4.1). Every injected fault is
//! recorded in a [`Truth`] with the uniqueIds of the messages that show it,
//! so a test or benchmark can score a findings engine: a finding of the same
//! rule naming one of a fault's uniqueIds counts as found.
//!
//! Apart from the injected faults the traffic is clean: sessions never
//! overlap on a connector, registers never go down, every request is
//! answered, every transaction is stopped before the end of the log, payload
//! clocks agree with the log clock, stations never fall silent, suspensions
//! stay short, and BootNotifications are far apart.
//!
//! Output is streamed. Each station is a small simulation that is advanced
//! one hour of log time at a time; the frames it has already rendered for
//! the future (a running session, say) wait in a per-station heap, and each
//! hour the due frames of all stations are merged by time and written. Memory
//! therefore stays at a few in-flight sessions per station, whatever the
//! length of the log.
//!
//! Deterministic for a given [`SynthOptions::seed`]; only `std` and
//! `serde_json` are used (with a small SplitMix64 generator).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Finding ids the generator can inject, in catalogue order.
pub const FAULT_KINDS: [&str; 19] = [
    "empty-idtag",
    "auth-rejected",
    "connector-error",
    "connector-faulted",
    "call-error",
    "no-response",
    "orphan-response",
    "duplicate-uid",
    "offline-gap",
    "boot-rejected",
    "reboot-loop",
    "transaction-not-stopped",
    "meter-backwards",
    "abnormal-stop",
    "clock-skew",
    "command-rejected",
    "suspended-long",
    "schema-violation",
    "unknown-transaction",
];

/// The `&'static str` of a known finding id (for building [`SynthOptions::faults`]
/// from user input), or `None` if the generator does not know it.
pub fn fault_kind(name: &str) -> Option<&'static str> {
    FAULT_KINDS.iter().copied().find(|k| *k == name.trim())
}

/// Output layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `Timestamp,ChargePoint,Direction,Action,Message`, ISO times with ms.
    Csv,
    /// German export: BOM, `;`, `DD.MM.YYYY HH:MM:SS` (UTC), `Anfrage Ein`….
    CsvDe,
    /// `2025-05-04 00:02:34.120 [CP-0001] <- [2,...]`.
    Text,
    /// `{"ts":..,"station":..,"dir":"in"|"out","frame":[..]}` per line.
    Jsonl,
}

impl Dialect {
    /// Parse `csv`, `csv-de`, `text` or `jsonl` (also `csvde`, `txt`, `json`).
    pub fn parse(name: &str) -> Option<Dialect> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Dialect::Csv),
            "csv-de" | "csvde" | "csv_de" | "de" => Some(Dialect::CsvDe),
            "text" | "txt" | "log" => Some(Dialect::Text),
            "jsonl" | "json" | "ndjson" => Some(Dialect::Jsonl),
            _ => None,
        }
    }

    /// The canonical name accepted by [`Dialect::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Csv => "csv",
            Dialect::CsvDe => "csv-de",
            Dialect::Text => "text",
            Dialect::Jsonl => "jsonl",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct SynthOptions {
    /// Number of charge points (`CP-0001`, `CP-0002`, …).
    pub stations: usize,
    /// Length of the log in days.
    pub days: f64,
    /// Start of the log, epoch milliseconds (UTC).
    pub start_ms: i64,
    /// Mean number of activities (sessions, incidents) per station and day.
    pub sessions_per_day: f64,
    /// Seconds between periodic MeterValues during a transaction (at least 10).
    pub meter_interval_s: i64,
    /// Share of activities that carry a fault.
    pub fault_rate: f64,
    /// Which finding ids to inject; empty = all of [`FAULT_KINDS`].
    pub faults: Vec<&'static str>,
    /// Output layout.
    pub dialect: Dialect,
    /// Share of frames written with typographic quotes (ignored for Jsonl).
    pub smart_quotes: f64,
    /// Seed of the deterministic generator.
    pub seed: u64,
    /// Station name prefix.
    pub prefix: String,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            stations: 1,
            days: 2.0,
            start_ms: days_from_civil(2025, 5, 4) * DAY,
            sessions_per_day: 6.0,
            meter_interval_s: 60,
            fault_rate: 0.15,
            faults: Vec::new(),
            dialect: Dialect::Csv,
            smart_quotes: 0.0,
            seed: 7,
            prefix: "CP-".to_string(),
        }
    }
}

/// One injected fault: the finding a diagnoser should report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InjectedFault {
    /// Finding id (one of [`FAULT_KINDS`]).
    pub rule: &'static str,
    /// Station name.
    pub station: String,
    /// Log time of the (first) message showing it, epoch ms.
    pub at_ms: i64,
    /// uniqueIds of the messages that show it.
    pub unique_ids: Vec<String>,
    /// Short human note (status, reason, variant).
    pub note: String,
}

/// Ground truth of one generated log.
#[derive(Clone, Debug)]
pub struct Truth {
    /// Number of messages (log lines without the header).
    pub messages: usize,
    /// Injected faults, ordered by time.
    pub faults: Vec<InjectedFault>,
}

impl Truth {
    /// `{"messages":N,"faults":[{"finding","station","at","uniqueIds","note"}]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let faults: Vec<serde_json::Value> = self
            .faults
            .iter()
            .map(|f| {
                serde_json::json!({
                    "finding": f.rule,
                    "station": f.station,
                    "at": rfc3339_ms(f.at_ms),
                    "uniqueIds": f.unique_ids,
                    "note": f.note,
                })
            })
            .collect();
        serde_json::json!({ "messages": self.messages, "faults": faults })
    }
}

/// Epoch milliseconds as `2025-05-04T00:02:34.120Z`.
pub fn rfc3339_ms(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    push_iso_ms(&mut s, ms);
    s
}

/// Write the log to `out` and return the ground truth.
pub fn generate(opts: &SynthOptions, out: &mut dyn Write) -> io::Result<Truth> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    match opts.dialect {
        Dialect::Csv => w.write_all(b"Timestamp,ChargePoint,Direction,Action,Message\n")?,
        Dialect::CsvDe => w.write_all("\u{feff}Zeitpunkt;Station;Richtung;Aktion;Nachricht\n".as_bytes())?,
        Dialect::Text | Dialect::Jsonl => {}
    }
    let kinds: Vec<&'static str> = if opts.faults.is_empty() {
        FAULT_KINDS.to_vec()
    } else {
        opts.faults.iter().filter_map(|f| fault_kind(f)).collect()
    };
    let mut deck = Deck::new(Rng::new(opts.seed ^ 0xD1CE_D1CE_D1CE_D1CE), kinds);
    let days = if opts.days.is_finite() && opts.days > 0.0 { opts.days } else { 0.0 };
    let end = opts.start_ms + (days * DAY as f64) as i64;
    let mut stations: Vec<Station> = (0..opts.stations).map(|i| Station::new(opts, i, end)).collect();
    let names: Vec<Names> = stations.iter().map(|s| Names::new(&s.name)).collect();
    let smart_share = if opts.dialect == Dialect::Jsonl { 0.0 } else { opts.smart_quotes };
    let mut wrng = Rng::new(opts.seed.wrapping_mul(31).wrapping_add(0x5A17));
    let mut batch: Vec<(usize, Ev)> = Vec::new();
    let mut line = String::with_capacity(1024);
    let mut messages = 0usize;
    let mut until = opts.start_ms + HOUR;
    loop {
        for st in stations.iter_mut() {
            st.advance(until, &mut deck);
        }
        batch.clear();
        for (i, st) in stations.iter_mut().enumerate() {
            while st.heap.peek().is_some_and(|e| e.t < until) {
                let mut ev = st.heap.pop().expect("peeked");
                st.resolve(&mut ev);
                batch.push((i, ev));
            }
            st.prune(until - 2 * HOUR);
        }
        batch.sort_unstable_by_key(|(i, e)| (e.t, *i, e.seq));
        for (i, ev) in &batch {
            let smart;
            let frame: &str = if smart_share > 0.0 && wrng.chance(smart_share) {
                smart = smart_quotes(&ev.frame, &mut wrng);
                &smart
            } else {
                &ev.frame
            };
            line.clear();
            render(&mut line, opts.dialect, &names[*i], ev, frame);
            w.write_all(line.as_bytes())?;
            messages += 1;
        }
        if stations.iter().all(|s| s.finished()) {
            break;
        }
        until += HOUR;
    }
    w.flush()?;
    let mut faults: Vec<InjectedFault> = stations.iter_mut().flat_map(|s| s.take_faults()).collect();
    faults.sort_by(|a, b| (a.at_ms, &a.station).cmp(&(b.at_ms, &b.station)));
    Ok(Truth { messages, faults })
}

/// The whole log as a String (for tests and small fixtures).
pub fn generate_string(opts: &SynthOptions) -> (String, Truth) {
    let mut buf: Vec<u8> = Vec::new();
    let truth = generate(opts, &mut buf).expect("writing to a Vec cannot fail");
    (String::from_utf8(buf).expect("generator writes UTF-8"), truth)
}

// ---------------------------------------------------------------------------
// time

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day, hour, minute, second, millisecond) of epoch ms.
fn civil(ms: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let days = ms.div_euclid(DAY);
    let rem = ms.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let secs = rem / SEC;
    (y, m, d, (secs / 3600) as u32, (secs / 60 % 60) as u32, (secs % 60) as u32, (rem % SEC) as u32)
}

fn push_iso_ms(buf: &mut String, ms: i64) {
    let (y, mo, d, h, mi, s, milli) = civil(ms);
    let _ = write!(buf, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z");
}

fn push_iso_s(buf: &mut String, ms: i64) {
    let (y, mo, d, h, mi, s, _) = civil(ms);
    let _ = write!(buf, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
}

fn iso_s(ms: i64) -> String {
    let mut s = String::with_capacity(20);
    push_iso_s(&mut s, ms);
    s
}

// ---------------------------------------------------------------------------
// randomness

/// SplitMix64: tiny, fast, good enough for traffic synthesis.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn float(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in [lo, hi); lo when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo) as u64) as i64
        }
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.float()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.float() < p
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// Exponentially distributed with the given mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.float()).ln()
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// A random version-4 UUID, lower case.
    fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            8 + (b >> 62),
            (b >> 48) & 0x0fff,
            b & 0xffff_ffff_ffff
        )
    }

    /// `n` random upper-case hex digits.
    fn hex(&mut self, n: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        (0..n).map(|_| DIGITS[self.below(16) as usize] as char).collect()
    }
}

/// Faults are dealt from a shuffled deck shared by all stations, so a run
/// with enough faulty activities covers every kind instead of leaving it to
/// chance. A fault that cannot be placed goes back on top.
struct Deck {
    rng: Rng,
    kinds: Vec<&'static str>,
    cards: Vec<&'static str>,
}

impl Deck {
    fn new(rng: Rng, kinds: Vec<&'static str>) -> Deck {
        Deck { rng, kinds, cards: Vec::new() }
    }

    fn draw(&mut self) -> Option<&'static str> {
        if self.kinds.is_empty() {
            return None;
        }
        if self.cards.is_empty() {
            self.cards = self.kinds.clone();
            self.rng.shuffle(&mut self.cards);
        }
        self.cards.pop()
    }

    fn put_back(&mut self, kind: &'static str) {
        self.cards.push(kind);
    }
}

// ---------------------------------------------------------------------------
// events and output

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    /// CALL from the station.
    ReqIn,
    /// Central system's answer to it.
    RespOut,
    /// CALL from the central system.
    ReqOut,
    /// Station's answer to it.
    RespIn,
}

impl Dir {
    fn is_from_station(self) -> bool {
        matches!(self, Dir::ReqIn | Dir::RespIn)
    }
}

/// One rendered frame waiting for its time.
struct Ev {
    t: i64,
    seq: u64,
    dir: Dir,
    action: &'static str,
    frame: String,
}

// Reversed: BinaryHeap pops the earliest (t, seq) first.
impl Ord for Ev {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.t, other.seq).cmp(&(self.t, self.seq))
    }
}
impl PartialOrd for Ev {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Ev {
    fn eq(&self, other: &Self) -> bool {
        (self.t, self.seq) == (other.t, other.seq)
    }
}
impl Eq for Ev {}

/// A station's name as each layout writes it.
struct Names {
    plain: String,
    csv: String,
    csv_de: String,
    json: String,
}

impl Names {
    fn new(name: &str) -> Names {
        let quote = |sep: char| {
            if name.contains([sep, '"', '\n', '\r']) {
                format!("\"{}\"", name.replace('"', "\"\""))
            } else {
                name.to_string()
            }
        };
        Names {
            plain: name.to_string(),
            csv: quote(','),
            csv_de: quote(';'),
            json: serde_json::to_string(name).unwrap_or_else(|_| "\"?\"".to_string()),
        }
    }
}

fn push_csv_frame(line: &mut String, frame: &str) {
    line.push('"');
    for (i, part) in frame.split('"').enumerate() {
        if i > 0 {
            line.push_str("\"\"");
        }
        line.push_str(part);
    }
    line.push_str("\"\n");
}

fn render(line: &mut String, dialect: Dialect, names: &Names, ev: &Ev, frame: &str) {
    match dialect {
        Dialect::Csv => {
            push_iso_ms(line, ev.t);
            let dir = match ev.dir {
                Dir::ReqIn => "Request In",
                Dir::RespOut => "Response Out",
                Dir::ReqOut => "Request Out",
                Dir::RespIn => "Response In",
            };
            let _ = write!(line, ",{},{dir},{},", names.csv, ev.action);
            push_csv_frame(line, frame);
        }
        Dialect::CsvDe => {
            let (y, mo, d, h, mi, s, _) = civil(ev.t);
            let dir = match ev.dir {
                Dir::ReqIn => "Anfrage Ein",
                Dir::RespOut => "Antwort Aus",
                Dir::ReqOut => "Anfrage Aus",
                Dir::RespIn => "Antwort Ein",
            };
            let _ = write!(line, "{d:02}.{mo:02}.{y:04} {h:02}:{mi:02}:{s:02};{};{dir};{};", names.csv_de, ev.action);
            push_csv_frame(line, frame);
        }
        Dialect::Text => {
            let (y, mo, d, h, mi, s, ms) = civil(ev.t);
            let arrow = if ev.dir.is_from_station() { "<-" } else { "->" };
            let _ =
                writeln!(line, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03} [{}] {arrow} {frame}", names.plain);
        }
        Dialect::Jsonl => {
            line.push_str("{\"ts\":\"");
            push_iso_ms(line, ev.t);
            let dir = if ev.dir.is_from_station() { "in" } else { "out" };
            let _ = writeln!(line, "\",\"station\":{},\"dir\":\"{dir}\",\"frame\":{frame}}}", names.json);
        }
    }
}

/// Rewrite a frame as if pasted from a word processor: “ ” instead of ",
/// and sometimes ‘timestamp’ with single quotes.
fn smart_quotes(frame: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(frame.len() + frame.len() / 2);
    let mut open = true;
    for ch in frame.chars() {
        if ch == '"' {
            out.push(if open { '\u{201c}' } else { '\u{201d}' });
            open = !open;
        } else {
            out.push(ch);
        }
    }
    if rng.chance(0.3) {
        out = out.replacen("\u{201c}timestamp\u{201d}", "\u{2018}timestamp\u{2019}", 1);
    }
    out
}

// ---------------------------------------------------------------------------
// the station simulation

/// Marks a placeholder uniqueId (see [`Station::new_uid`]).
const UID_TOKEN: char = '\u{1}';

fn slot_of(uid: &str) -> Option<u64> {
    uid.strip_prefix(UID_TOKEN).and_then(|s| s.parse().ok())
}

/// How a request is answered.
enum Ans<'a> {
    Ok(&'a str),
    Err(&'static str, &'static str),
    Never,
}

#[derive(Clone, Copy, Debug)]
enum Act {
    Session,
    Noise,
    Fault(&'static str),
}

enum Outcome {
    /// Done; the next activity is drawn after the given time.
    Done(i64),
    /// Not possible yet; try the same activity again at the given time.
    Defer(i64),
    /// Not possible at all (too close to the end of the log).
    Skip,
}

/// (errorCode, vendorErrorCode, info)
const CONNECTOR_ERRORS: [(&str, &str, &str); 9] = [
    ("GroundFailure", "RCD-30mA", "residual current device tripped"),
    ("HighTemperature", "T>85C", "connector temperature too high"),
    ("OverCurrentFailure", "I>32A", "overcurrent protection"),
    ("PowerMeterFailure", "MB-TIMEOUT", "energy meter not responding"),
    ("ConnectorLockFailure", "LOCK-02", "lock motor did not reach end position"),
    ("ReaderFailure", "RFID-01", "RFID module not responding"),
    ("UnderVoltage", "U<190V", "supply voltage low"),
    ("WeakSignal", "RSSI-101", "weak cellular signal"),
    ("OtherError", "EmergencyButtonReleased", "emergency button released"),
];

const MODELS: [(&str, &str, &str); 4] = [
    ("Voltiq", "AC22-T2", "4.12.3"),
    ("Ampero", "WallBox-11", "2.8.0-rc4"),
    ("Kelvion", "Pillar-AC22", "1.0.77"),
    ("Nordwatt", "NW-Home", "6.3.1"),
];

struct Station {
    name: String,
    rng: Rng,
    connectors: usize,
    hb_s: i64,
    max_power: f64,
    numeric_uids: bool,
    /// Numeric stations: the counter's last value (assigned in log order).
    uid_next: u64,
    /// Numeric stations: last placeholder slot handed out.
    slot_next: u64,
    /// slot -> (counter value, log time it was assigned), recent ones only.
    slot_values: std::collections::HashMap<u64, (u64, i64)>,
    /// Labelled slots not resolved yet.
    keep: std::collections::HashSet<u64>,
    /// Labelled slots and their counter values.
    kept: std::collections::HashMap<u64, u64>,
    next_tx: i64,
    boot_payload: String,
    tags: Vec<String>,
    /// Energy register per connector (index 1..=connectors), Wh.
    reg: Vec<f64>,
    /// Connector busy until (index 1..=connectors).
    busy: Vec<i64>,
    /// Tag in use by the connector's current session (index into `tags`).
    busy_tag: Vec<usize>,
    next_hb: i64,
    next_act: i64,
    pending: Option<Act>,
    /// Latest time of any emitted non-heartbeat message.
    act_horizon: i64,
    /// Latest station-originated message (time, uniqueId).
    last_cp: (i64, String),
    last_boot: i64,
    heap: BinaryHeap<Ev>,
    seq: u64,
    faults: Vec<InjectedFault>,
    // settings
    start: i64,
    end: i64,
    /// Activities (sessions, incidents) must be over by this time.
    limit: i64,
    meter_ms: i64,
    mean_gap_ms: f64,
    fault_rate: f64,
}

impl Station {
    fn new(opts: &SynthOptions, index: usize, end: i64) -> Station {
        let mut rng = Rng::new(opts.seed ^ (index as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F));
        let name = format!("{}{:04}", opts.prefix, index + 1);
        let connectors = if rng.chance(0.5) { 1 } else { 2 };
        let hb_s = rng.pick(&[60, 300, 600]);
        let (vendor, model, fw) = rng.pick(&MODELS);
        let serial = format!("SN{}", rng.hex(10));
        let boot_payload = format!(
            "{{\"chargePointVendor\":\"{vendor}\",\"chargePointModel\":\"{model}\",\"chargePointSerialNumber\":\"{serial}\",\"firmwareVersion\":\"{fw}\"}}"
        );
        let ntags = rng.range(6, 26) as usize;
        let tags = (0..ntags).map(|_| if rng.chance(0.7) { rng.hex(8) } else { rng.hex(14) }).collect();
        let reg = (0..=connectors).map(|_| rng.range(100_000, 9_000_000) as f64).collect();
        let spd = if opts.sessions_per_day.is_finite() { opts.sessions_per_day } else { 0.0 };
        let mut st = Station {
            name,
            connectors,
            hb_s,
            max_power: rng.pick(&[11_000.0, 22_000.0]),
            numeric_uids: rng.chance(0.5),
            uid_next: rng.range(1, 2_000_000) as u64,
            slot_next: 0,
            slot_values: std::collections::HashMap::new(),
            keep: std::collections::HashSet::new(),
            kept: std::collections::HashMap::new(),
            next_tx: rng.range(1_000, 90_000),
            boot_payload,
            tags,
            reg,
            busy: vec![opts.start_ms; connectors + 1],
            busy_tag: vec![usize::MAX; connectors + 1],
            next_hb: i64::MAX,
            next_act: i64::MAX,
            pending: None,
            act_horizon: opts.start_ms,
            last_cp: (opts.start_ms, String::new()),
            last_boot: opts.start_ms,
            heap: BinaryHeap::new(),
            seq: 0,
            faults: Vec::new(),
            start: opts.start_ms,
            end,
            limit: end - 20 * MIN,
            meter_ms: opts.meter_interval_s.max(10) * SEC,
            mean_gap_ms: if spd > 0.0 { DAY as f64 / spd } else { f64::INFINITY },
            fault_rate: opts.fault_rate.clamp(0.0, 1.0),
            rng,
        };
        let t0 = st.start + st.rng.range(0, 10 * MIN);
        if t0 < st.end {
            let (_, done) = st.boot(t0, "Accepted", st.hb_s);
            st.next_act = done + st.gap();
        }
        st
    }

    fn finished(&self) -> bool {
        self.heap.is_empty() && self.next_hb >= self.end && (self.next_act >= self.limit || self.next_act >= self.end)
    }

    fn gap(&mut self) -> i64 {
        let g = self.rng.exp(self.mean_gap_ms);
        if g.is_finite() && g < 1e15 {
            g as i64 + 1
        } else {
            i64::MAX / 4
        }
    }

    /// Run the simulation for every heartbeat and activity due before `until`.
    fn advance(&mut self, until: i64, deck: &mut Deck) {
        loop {
            if self.next_act >= self.limit {
                if let Some(Act::Fault(k)) = self.pending.take() {
                    deck.put_back(k);
                }
            }
            let hb = if self.next_hb < self.end { self.next_hb } else { i64::MAX };
            let act = if self.next_act < self.limit { self.next_act } else { i64::MAX };
            let t = hb.min(act);
            if t >= until || t == i64::MAX {
                return;
            }
            if hb <= act {
                self.heartbeat(hb);
            } else {
                self.run_act(act, deck);
            }
        }
    }

    fn run_act(&mut self, t: i64, deck: &mut Deck) {
        let act = match self.pending.take() {
            Some(a) => a,
            None => {
                if self.fault_rate > 0.0 && self.rng.chance(self.fault_rate) {
                    deck.draw().map_or(Act::Session, Act::Fault)
                } else if self.rng.chance(0.08) {
                    Act::Noise
                } else {
                    Act::Session
                }
            }
        };
        match self.try_act(t, act) {
            Outcome::Done(after) => self.next_act = after.max(t) + self.gap(),
            Outcome::Defer(t2) if t2 > t && t2 < self.limit => {
                self.pending = Some(act);
                self.next_act = t2;
            }
            Outcome::Defer(_) | Outcome::Skip => {
                if let Act::Fault(k) = act {
                    deck.put_back(k);
                }
                self.next_act = t + self.gap();
            }
        }
    }

    fn try_act(&mut self, t: i64, act: Act) -> Outcome {
        match act {
            Act::Session => self.session_act(t, None),
            Act::Noise => {
                self.noise(t);
                Outcome::Done(t)
            }
            Act::Fault(k) => match k {
                "empty-idtag"
                | "transaction-not-stopped"
                | "meter-backwards"
                | "abnormal-stop"
                | "clock-skew"
                | "suspended-long"
                | "schema-violation"
                | "unknown-transaction" => self.session_act(t, Some(k)),
                "auth-rejected" => self.auth_rejected(t),
                "connector-error" | "connector-faulted" => self.connector_fault(t, k),
                "call-error" => self.call_error(t),
                "no-response" => self.no_response(t),
                "orphan-response" => self.orphan_response(t),
                "duplicate-uid" => self.duplicate_uid(t),
                "command-rejected" => self.command_rejected(t),
                "offline-gap" | "boot-rejected" | "reboot-loop" => self.silence(t, k),
                _ => Outcome::Skip,
            },
        }
    }

    // -- framing ------------------------------------------------------------

    /// A new uniqueId for a station-originated request. Numeric stations get
    /// a placeholder (`\u{1}` + slot number) that [`Station::resolve`] turns
    /// into the next counter value when the frame is written, so the counter
    /// runs up in log order although sessions are simulated ahead of time.
    fn new_uid(&mut self) -> String {
        if self.numeric_uids {
            self.slot_next += 1;
            format!("{UID_TOKEN}{}", self.slot_next)
        } else {
            self.rng.uuid()
        }
    }

    fn latency(&mut self) -> i64 {
        self.rng.range(40, 901)
    }

    fn push(&mut self, t: i64, dir: Dir, action: &'static str, frame: String, uid: &str) {
        self.seq += 1;
        if dir.is_from_station() && t >= self.last_cp.0 {
            self.last_cp = (t, uid.to_string());
        }
        if action != "Heartbeat" && t > self.act_horizon {
            self.act_horizon = t;
        }
        self.heap.push(Ev { t, seq: self.seq, dir, action, frame });
    }

    fn answer(&mut self, t: i64, dir: Dir, action: &'static str, uid: &str, ans: Ans) -> i64 {
        let rt = t + self.latency();
        match ans {
            Ans::Ok(payload) => self.push(rt, dir, action, format!("[3,\"{uid}\",{payload}]"), uid),
            Ans::Err(code, desc) => {
                self.push(rt, dir, action, format!("[4,\"{uid}\",\"{code}\",\"{desc}\",{{}}]"), uid)
            }
            Ans::Never => return t,
        }
        rt
    }

    /// Station → central system request (and its answer). Returns (uid, answer time).
    fn cp_call(&mut self, t: i64, action: &'static str, payload: &str, ans: Ans) -> (String, i64) {
        let uid = self.new_uid();
        self.cp_call_uid(t, action, payload, ans, uid)
    }

    fn cp_call_uid(&mut self, t: i64, action: &'static str, payload: &str, ans: Ans, uid: String) -> (String, i64) {
        self.push(t, Dir::ReqIn, action, format!("[2,\"{uid}\",\"{action}\",{payload}]"), &uid);
        let rt = self.answer(t, Dir::RespOut, action, &uid, ans);
        (uid, rt)
    }

    /// Central system → station request (always a UUID) and the station's answer.
    fn cs_call(&mut self, t: i64, action: &'static str, payload: &str, ans: Ans) -> (String, i64) {
        let uid = self.rng.uuid();
        self.push(t, Dir::ReqOut, action, format!("[2,\"{uid}\",\"{action}\",{payload}]"), &uid);
        let rt = self.answer(t, Dir::RespIn, action, &uid, ans);
        (uid, rt)
    }

    fn status(&mut self, t: i64, c: usize, status: &str, error: &str, extra: &str) -> (String, i64) {
        let mut p = String::with_capacity(128);
        let _ = write!(p, "{{\"connectorId\":{c},\"errorCode\":\"{error}\",\"status\":\"{status}\",\"timestamp\":\"");
        push_iso_s(&mut p, t);
        p.push('"');
        p.push_str(extra);
        p.push('}');
        self.cp_call(t, "StatusNotification", &p, Ans::Ok("{}"))
    }

    fn authorize(&mut self, t: i64, tag: &str, status: &str) -> (String, i64) {
        let p = format!("{{\"idTag\":\"{tag}\"}}");
        let mut a = format!("{{\"idTagInfo\":{{\"status\":\"{status}\"");
        if status == "Accepted" {
            a.push_str(",\"expiryDate\":\"");
            push_iso_s(&mut a, t + 30 * DAY);
            a.push('"');
        }
        a.push_str("}}");
        self.cp_call(t, "Authorize", &p, Ans::Ok(&a))
    }

    /// BootNotification; when accepted, the connector statuses follow and the
    /// heartbeat clock restarts. Returns (uid, time the sequence is done).
    fn boot(&mut self, t: i64, status: &str, interval: i64) -> (String, i64) {
        let mut a = format!("{{\"status\":\"{status}\",\"currentTime\":\"");
        push_iso_ms(&mut a, t);
        let _ = write!(a, "\",\"interval\":{interval}}}");
        let payload = std::mem::take(&mut self.boot_payload);
        let (uid, rt) = self.cp_call(t, "BootNotification", &payload, Ans::Ok(&a));
        self.boot_payload = payload;
        self.last_boot = t;
        let mut done = rt;
        if status == "Accepted" {
            for c in 0..=self.connectors {
                let at = done + self.rng.range(SEC, 3 * SEC);
                done = self.status(at, c, "Available", "NoError", "").1;
            }
            self.next_hb = done + self.hb_s * SEC + self.rng.range(-1_500, 1_501);
        }
        (uid, done)
    }

    fn heartbeat(&mut self, t: i64) {
        let mut a = String::from("{\"currentTime\":\"");
        push_iso_ms(&mut a, t);
        a.push_str("\"}");
        self.cp_call(t, "Heartbeat", "{}", Ans::Ok(&a));
        self.next_hb = t + self.hb_s * SEC + self.rng.range(-1_500, 1_501);
    }

    fn label(&mut self, rule: &'static str, at_ms: i64, unique_ids: Vec<String>, note: String) {
        for uid in &unique_ids {
            if let Some(slot) = slot_of(uid) {
                match self.slot_values.get(&slot) {
                    Some(&(value, _)) => {
                        self.kept.insert(slot, value);
                    }
                    None => {
                        self.keep.insert(slot);
                    }
                }
            }
        }
        self.faults.push(InjectedFault { rule, station: self.name.clone(), at_ms, unique_ids, note });
    }

    /// Replace a uid placeholder in a frame about to be written.
    fn resolve(&mut self, ev: &mut Ev) {
        if ev.frame.as_bytes().get(4) != Some(&(UID_TOKEN as u8)) {
            return;
        }
        let end = 4 + ev.frame[4..].find('"').expect("uid is a JSON string");
        let slot: u64 = ev.frame[5..end].parse().expect("placeholder slot");
        let value = match self.slot_values.get(&slot) {
            Some(&(v, _)) => v,
            None => {
                self.uid_next += 1;
                self.slot_values.insert(slot, (self.uid_next, ev.t));
                if self.keep.remove(&slot) {
                    self.kept.insert(slot, self.uid_next);
                }
                self.uid_next
            }
        };
        ev.frame.replace_range(4..end, &value.to_string());
    }

    /// Forget placeholder values assigned before `before` (a uid's request,
    /// answer and any reuse all lie within seconds of each other).
    fn prune(&mut self, before: i64) {
        if self.slot_values.len() > 4_096 {
            self.slot_values.retain(|_, v| v.1 >= before);
        }
    }

    /// The station's faults with placeholders replaced by the uids written.
    fn take_faults(&mut self) -> Vec<InjectedFault> {
        let mut faults = std::mem::take(&mut self.faults);
        for f in &mut faults {
            for uid in &mut f.unique_ids {
                if let Some(slot) = slot_of(uid) {
                    *uid = self.kept.get(&slot).expect("labelled uid was written").to_string();
                }
            }
        }
        faults
    }

    // -- connectors ---------------------------------------------------------

    fn free_connector(&mut self, t: i64) -> Option<usize> {
        let free: Vec<usize> = (1..=self.connectors).filter(|&c| self.busy[c] <= t).collect();
        if free.is_empty() {
            None
        } else {
            Some(self.rng.pick(&free))
        }
    }

    fn wait_for_connector(&mut self) -> Outcome {
        let soonest = (1..=self.connectors).map(|c| self.busy[c]).min().unwrap_or(self.start);
        Outcome::Defer(soonest + self.rng.range(MIN, 10 * MIN))
    }

    /// A tag of the pool not used by a session running on another connector.
    fn pick_tag(&mut self, t: i64, c: usize) -> usize {
        loop {
            let i = self.rng.below(self.tags.len() as u64) as usize;
            let clash = (1..=self.connectors).any(|o| o != c && self.busy[o] > t && self.busy_tag[o] == i);
            if !clash {
                return i;
            }
        }
    }

    fn meter_values(&mut self, t: i64, c: usize, tx: i64, wh: i64, power: f64, phases: usize) -> String {
        let mut p = String::with_capacity(520);
        let _ = write!(p, "{{\"connectorId\":{c},\"transactionId\":{tx},\"meterValue\":[{{\"timestamp\":\"");
        push_iso_s(&mut p, t);
        let _ = write!(
            p,
            "\",\"sampledValue\":[{{\"value\":\"{wh}\",\"context\":\"Sample.Periodic\",\"measurand\":\"Energy.Active.Import.Register\",\"location\":\"Outlet\",\"unit\":\"Wh\"}},{{\"value\":\"{power:.0}\",\"context\":\"Sample.Periodic\",\"measurand\":\"Power.Active.Import\",\"location\":\"Outlet\",\"unit\":\"W\"}}"
        );
        let amps = power / 230.0 / phases as f64;
        for phase in &["L1", "L2", "L3"][..phases] {
            let _ = write!(
                p,
                ",{{\"value\":\"{amps:.1}\",\"context\":\"Sample.Periodic\",\"measurand\":\"Current.Import\",\"location\":\"Outlet\",\"phase\":\"{phase}\",\"unit\":\"A\"}}"
            );
        }
        p.push_str("]}]}");
        self.cp_call(t, "MeterValues", &p, Ans::Ok("{}")).0
    }

    // -- sessions -----------------------------------------------------------

    fn session_act(&mut self, t: i64, fault: Option<&'static str>) -> Outcome {
        let Some(c) = self.free_connector(t) else {
            return self.wait_for_connector();
        };
        let deauth = if fault == Some("abnormal-stop") && self.rng.chance(1.0 / 7.0) {
            Some(self.rng.pick(&["Invalid", "Blocked", "Expired"]))
        } else {
            None
        };
        match self.session(t, c, fault, deauth) {
            Some(done) => {
                self.busy[c] = done + MIN;
                Outcome::Done(t)
            }
            None => Outcome::Skip,
        }
    }

    /// One charging session on connector `c` from `t0`. `deauth` = the
    /// negative idTagInfo status of the StartTransaction answer (the station
    /// then stops at once with reason DeAuthorized). Returns the time the
    /// connector is Available again, or None if the session cannot end before
    /// the end of the log (nothing is emitted then).
    fn session(&mut self, t0: i64, c: usize, fault: Option<&'static str>, deauth: Option<&'static str>) -> Option<i64> {
        let f = fault.unwrap_or("");
        let mi = self.meter_ms;
        let needs_samples = matches!(f, "meter-backwards" | "unknown-transaction" | "suspended-long");
        let min_charge = if needs_samples { (8 * mi).max(20 * MIN) } else { 10 * MIN };
        let long_susp = if f == "suspended-long" { self.rng.range(35 * MIN, 121 * MIN) } else { 0 };
        let mid_susp = if deauth.is_none() && long_susp == 0 && self.rng.chance(0.12) {
            self.rng.range(2 * MIN, 20 * MIN)
        } else {
            0
        };
        let mut charge = self.rng.range(20 * MIN, 241 * MIN).max(min_charge);
        let room = self.limit - t0 - 20 * MIN - long_susp - mid_susp;
        if deauth.is_some() {
            if room < 0 {
                return None;
            }
        } else if charge > room {
            if room < min_charge {
                return None;
            }
            charge = room;
        }
        // schema-violation variants: 0 meterStart missing, 1 meterStart a string, 2 idTag of 24 characters
        let sv = if f == "schema-violation" { self.rng.range(0, 3) } else { -1 };

        let tag_i = self.pick_tag(t0, c);
        self.busy_tag[c] = tag_i;
        let tag = self.tags[tag_i].clone();
        let no_auth = f == "empty-idtag" || deauth.is_some() || sv == 2;
        let remote = !no_auth && sv < 0 && self.rng.chance(0.25);

        // -- start
        let mut t = t0;
        if remote {
            let p = format!("{{\"connectorId\":{c},\"idTag\":\"{tag}\"}}");
            let (_, rt) = self.cs_call(t, "RemoteStartTransaction", &p, Ans::Ok("{\"status\":\"Accepted\"}"));
            let at = rt + self.rng.range(SEC, 8 * SEC);
            let (_, rt) = self.status(at, c, "Preparing", "NoError", "");
            t = rt + self.rng.range(5 * SEC, 40 * SEC);
        } else if no_auth {
            let (_, rt) = self.status(t, c, "Preparing", "NoError", "");
            t = rt + self.rng.range(3 * SEC, 20 * SEC);
        } else if self.rng.chance(0.5) {
            let (_, rt) = self.status(t, c, "Preparing", "NoError", "");
            let at = rt + self.rng.range(5 * SEC, 40 * SEC);
            let (_, rt) = self.authorize(at, &tag, "Accepted");
            t = rt + self.rng.range(SEC, 10 * SEC);
        } else {
            let (_, rt) = self.authorize(t, &tag, "Accepted");
            let at = rt + self.rng.range(2 * SEC, 20 * SEC);
            let (_, rt) = self.status(at, c, "Preparing", "NoError", "");
            t = rt + self.rng.range(2 * SEC, 30 * SEC);
        }

        let meter_start = self.reg[c].floor() as i64;
        let start_tag = match (f, sv) {
            ("empty-idtag", _) => String::new(),
            (_, 2) => format!("{tag}{}", self.rng.hex(24 - tag.len())),
            _ => tag.clone(),
        };
        let mut skew_note = String::new();
        let stamp = if f == "clock-skew" {
            if self.rng.chance(0.4) {
                let s = t.rem_euclid(DAY);
                skew_note = format!("payload time {} (clock never set)", iso_s(s));
                s
            } else {
                let h = self.rng.range(1, 4);
                skew_note = format!("payload time {h} h ahead of the log time");
                t + h * HOUR
            }
        } else {
            t
        };
        let mut p = String::with_capacity(128);
        let _ = write!(p, "{{\"connectorId\":{c},\"idTag\":\"{start_tag}\"");
        match sv {
            0 => {}
            1 => {
                let _ = write!(p, ",\"meterStart\":\"{meter_start}\"");
            }
            _ => {
                let _ = write!(p, ",\"meterStart\":{meter_start}");
            }
        }
        p.push_str(",\"timestamp\":\"");
        push_iso_s(&mut p, stamp);
        p.push_str("\"}");
        let tx = self.next_tx;
        self.next_tx += self.rng.range(1, 5);
        let a = format!("{{\"idTagInfo\":{{\"status\":\"{}\"}},\"transactionId\":{tx}}}", deauth.unwrap_or("Accepted"));
        let (start_uid, rt) = self.cp_call(t, "StartTransaction", &p, Ans::Ok(&a));
        match f {
            "empty-idtag" => self.label(f, t, vec![start_uid.clone()], "StartTransaction idTag \"\"".into()),
            "clock-skew" => self.label(f, t, vec![start_uid.clone()], skew_note),
            "schema-violation" => {
                let note = match sv {
                    0 => "StartTransaction without meterStart",
                    1 => "StartTransaction meterStart is a string",
                    _ => "StartTransaction idTag longer than 20 characters",
                };
                self.label(f, t, vec![start_uid.clone()], note.into());
            }
            _ => {}
        }

        if let Some(neg) = deauth {
            // the back end refused the tag: the station stops straight away
            let st = rt + self.rng.range(3 * SEC, 30 * SEC);
            let mut p = format!("{{\"meterStop\":{meter_start},\"timestamp\":\"");
            push_iso_s(&mut p, st);
            let _ = write!(p, "\",\"transactionId\":{tx},\"reason\":\"DeAuthorized\"}}");
            let (stop_uid, srt) = self.cp_call(st, "StopTransaction", &p, Ans::Ok("{}"));
            self.label("auth-rejected", t, vec![start_uid], format!("StartTransaction answered {neg}"));
            self.label("abnormal-stop", st, vec![stop_uid], "reason DeAuthorized".into());
            return Some(self.finish(srt, c, false));
        }

        // -- charging
        let cb = rt + self.rng.range(SEC, 3 * SEC);
        self.status(cb, c, "Charging", "NoError", "");
        let mut off: Vec<(i64, i64)> = Vec::with_capacity(3);
        if long_susp > 0 {
            let a = cb + charge / 3 + self.rng.range(0, mi);
            let kind = self.rng.pick(&["SuspendedEV", "SuspendedEVSE"]);
            let (uid, _) = self.status(a, c, kind, "NoError", "");
            self.status(a + long_susp, c, "Charging", "NoError", "");
            self.label(f, a, vec![uid], format!("{kind} for {} min", long_susp / MIN));
            off.push((a, a + long_susp));
        }
        if mid_susp > 0 {
            let a = cb + charge * self.rng.range(20, 60) / 100;
            let kind = self.rng.pick(&["SuspendedEV", "SuspendedEVSE"]);
            self.status(a, c, kind, "NoError", "");
            self.status(a + mid_susp, c, "Charging", "NoError", "");
            off.push((a, a + mid_susp));
        }
        let ce = cb + charge + long_susp + mid_susp;

        // how it ends
        let (reason, end_susp, remote_stop) = match f {
            "transaction-not-stopped" => ("", 0, false),
            "abnormal-stop" => {
                (self.rng.pick(&["EmergencyStop", "PowerLoss", "Reboot", "Other", "HardReset", "SoftReset"]), 0, false)
            }
            _ => {
                let end_susp = if self.rng.chance(0.7) { self.rng.range(30 * SEC, 10 * MIN) } else { 0 };
                if remote && self.rng.chance(0.6) {
                    ("Remote", end_susp, true)
                } else if self.rng.chance(0.55) {
                    ("Local", end_susp, false)
                } else {
                    ("EVDisconnected", end_susp, false)
                }
            }
        };
        let st = ce + end_susp;
        if end_susp > 0 {
            self.status(ce, c, "SuspendedEV", "NoError", "");
            off.push((ce, st));
        }

        // meter values
        let nominal = {
            let choices: Vec<f64> =
                [3_700.0, 7_400.0, 11_000.0, 22_000.0].into_iter().filter(|p| *p <= self.max_power).collect();
            self.rng.pick(&choices) * self.rng.uniform(0.85, 1.0)
        };
        let phases = if nominal > 8_000.0 { 3 } else { 1 };
        let on_share = |a: i64, b: i64| -> f64 {
            let dead: i64 = off.iter().map(|&(x, y)| (b.min(y) - a.max(x)).max(0)).sum();
            (b - a - dead).max(0) as f64 / (b - a).max(1) as f64
        };
        let n = if st > cb { (st - cb - 1) / mi } else { 0 };
        let back_k = if f == "meter-backwards" { self.rng.range(2, n.max(3)) } else { -1 };
        let unknown_k = if f == "unknown-transaction" { self.rng.range(1, n + 1) } else { -1 };
        let mut energy = self.reg[c];
        let mut prev_t = cb;
        let mut prev_reading = meter_start;
        for k in 1..=n {
            let x = cb + k * mi;
            let power = nominal * self.rng.uniform(0.96, 1.0) * on_share(prev_t, x);
            energy += power * (x - prev_t) as f64 / HOUR as f64;
            let reading = energy.floor() as i64;
            if k == back_k {
                let drop = self.rng.range(3_000, 30_001);
                let uid = self.meter_values(x, c, tx, prev_reading - drop, power, phases);
                self.label(f, x, vec![uid], format!("register {} Wh after {prev_reading} Wh", prev_reading - drop));
            } else if k == unknown_k {
                let bogus = 10_000_000 + self.rng.range(0, 1_000_000);
                let uid = self.meter_values(x, c, bogus, reading, power, phases);
                self.label(f, x, vec![uid], format!("transactionId {bogus} never started (running: {tx})"));
            } else {
                self.meter_values(x, c, tx, reading, power, phases);
            }
            prev_reading = reading;
            prev_t = x;
        }
        energy += nominal * on_share(prev_t, st) * (st - prev_t).max(0) as f64 / HOUR as f64;
        self.reg[c] = energy;
        let meter_stop = energy.floor() as i64;

        if f == "transaction-not-stopped" {
            // the station forgets the transaction: no StopTransaction, the connector frees up
            self.label(f, t, vec![start_uid], format!("transaction {tx} never stopped"));
            return Some(self.finish(st, c, false));
        }

        // -- stop
        let mut ts = st;
        if remote_stop {
            let p = format!("{{\"transactionId\":{tx}}}");
            let (_, rt) = self.cs_call(st, "RemoteStopTransaction", &p, Ans::Ok("{\"status\":\"Accepted\"}"));
            ts = rt + self.rng.range(SEC, 4 * SEC);
        }
        let with_tag = matches!(reason, "Local" | "Remote");
        let mut p = String::with_capacity(160);
        p.push('{');
        if with_tag {
            let _ = write!(p, "\"idTag\":\"{tag}\",");
        }
        let _ = write!(p, "\"meterStop\":{meter_stop},\"timestamp\":\"");
        push_iso_s(&mut p, ts);
        let _ = write!(p, "\",\"transactionId\":{tx}");
        // "Local" may be omitted (spec): do so now and then
        if !(reason == "Local" && self.rng.chance(0.15)) {
            let _ = write!(p, ",\"reason\":\"{reason}\"");
        }
        p.push('}');
        let a = if with_tag { "{\"idTagInfo\":{\"status\":\"Accepted\"}}" } else { "{}" };
        let (stop_uid, srt) = self.cp_call(ts, "StopTransaction", &p, Ans::Ok(a));
        if f == "abnormal-stop" {
            self.label(f, ts, vec![stop_uid], format!("reason {reason}"));
        }
        Some(self.finish(srt, c, reason == "EVDisconnected"))
    }

    /// Finishing, then Available. Returns the time it is done.
    fn finish(&mut self, t: i64, c: usize, quick: bool) -> i64 {
        let at = t + self.rng.range(SEC, 3 * SEC);
        let (_, rt) = self.status(at, c, "Finishing", "NoError", "");
        let at = rt + if quick { self.rng.range(5 * SEC, 60 * SEC) } else { self.rng.range(20 * SEC, 300 * SEC) };
        self.status(at, c, "Available", "NoError", "").1
    }

    // -- incidents ----------------------------------------------------------

    fn auth_rejected(&mut self, t: i64) -> Outcome {
        let neg = self.rng.pick(&["Invalid", "Blocked", "Expired", "ConcurrentTx"]);
        if neg != "ConcurrentTx" && self.rng.chance(0.3) {
            if let Some(c) = self.free_connector(t) {
                if let Some(done) = self.session(t, c, Some("auth-rejected"), Some(neg)) {
                    self.busy[c] = done + MIN;
                    return Outcome::Done(t);
                }
            }
        }
        let tag = if neg == "ConcurrentTx" {
            let i = self.rng.below(self.tags.len() as u64) as usize;
            self.tags[i].clone()
        } else {
            self.rng.hex(8)
        };
        let plug_first = if self.rng.chance(0.5) { self.free_connector(t) } else { None };
        let uid = if let Some(c) = plug_first {
            let (_, rt) = self.status(t, c, "Preparing", "NoError", "");
            let at = rt + self.rng.range(5 * SEC, 40 * SEC);
            let (uid, rt) = self.authorize(at, &tag, neg);
            let at = rt + self.rng.range(30 * SEC, 120 * SEC);
            let (_, rt) = self.status(at, c, "Available", "NoError", "");
            self.busy[c] = rt + MIN;
            uid
        } else {
            self.authorize(t, &tag, neg).0
        };
        self.label("auth-rejected", t, vec![uid], format!("Authorize {tag} answered {neg}"));
        Outcome::Done(t)
    }

    fn connector_fault(&mut self, t: i64, kind: &'static str) -> Outcome {
        let Some(c) = self.free_connector(t) else {
            return self.wait_for_connector();
        };
        let faulted = kind == "connector-faulted";
        let dur = if faulted { self.rng.range(2 * MIN, 60 * MIN) } else { self.rng.range(MIN, 25 * MIN) };
        if t + dur + 5 * MIN > self.limit {
            return Outcome::Skip;
        }
        let (code, vendor_code, info) = self.rng.pick(&CONNECTOR_ERRORS);
        let status = if faulted { "Faulted" } else { self.rng.pick(&["Available", "Available", "Unavailable"]) };
        let extra = format!(",\"info\":\"{info}\",\"vendorId\":\"com.voltiq\",\"vendorErrorCode\":\"{vendor_code}\"");
        let (uid, _) = self.status(t, c, status, code, &extra);
        self.label("connector-error", t, vec![uid.clone()], format!("connector {c} {status} {code}"));
        if faulted {
            self.label("connector-faulted", t, vec![uid], format!("connector {c} Faulted {code}"));
        }
        let (_, rt) = self.status(t + dur, c, "Available", "NoError", "");
        self.busy[c] = rt + MIN;
        Outcome::Done(t)
    }

    fn call_error(&mut self, t: i64) -> Outcome {
        let c = self.rng.range(1, self.connectors as i64 + 1);
        let (uid, note) = match self.rng.range(0, 4) {
            0 => {
                let p = "{\"vendorId\":\"com.voltiq\",\"messageId\":\"DiagUpload\",\"data\":\"level=2\"}";
                let ans = Ans::Err("NotImplemented", "DataTransfer not implemented");
                (
                    self.cp_call(t, "DataTransfer", p, ans).0,
                    "DataTransfer answered NotImplemented by the central system",
                )
            }
            1 => {
                let p = "{\"requestedMessage\":\"DiagnosticsStatusNotification\"}";
                let ans = Ans::Err("NotSupported", "Requested message not supported");
                (self.cs_call(t, "TriggerMessage", p, ans).0, "TriggerMessage answered NotSupported by the station")
            }
            2 => {
                let p = format!("{{\"connectorId\":{c},\"duration\":3600,\"chargingRateUnit\":\"A\"}}");
                let ans = Ans::Err("NotSupported", "SmartCharging not supported");
                (
                    self.cs_call(t, "GetCompositeSchedule", &p, ans).0,
                    "GetCompositeSchedule answered NotSupported by the station",
                )
            }
            _ => {
                let mut p = String::from("{\"type\":\"StartupOfTheDevice\",\"timestamp\":\"");
                push_iso_s(&mut p, t);
                p.push_str("\"}");
                let ans = Ans::Err("NotImplemented", "");
                (
                    self.cp_call(t, "SecurityEventNotification", &p, ans).0,
                    "SecurityEventNotification answered NotImplemented by the central system",
                )
            }
        };
        self.label("call-error", t, vec![uid], note.into());
        Outcome::Done(t)
    }

    fn no_response(&mut self, t: i64) -> Outcome {
        let (uid, note) = match self.rng.range(0, 3) {
            0 => (
                self.cs_call(t, "GetConfiguration", "{\"key\":[\"HeartbeatInterval\"]}", Ans::Never).0,
                "GetConfiguration never answered by the station",
            ),
            1 => (
                self.cs_call(t, "GetLocalListVersion", "{}", Ans::Never).0,
                "GetLocalListVersion never answered by the station",
            ),
            _ => {
                let p = "{\"vendorId\":\"com.voltiq\",\"messageId\":\"Telemetry\",\"data\":\"temp=44;rssi=-93\"}";
                (self.cp_call(t, "DataTransfer", p, Ans::Never).0, "DataTransfer never answered by the central system")
            }
        };
        self.label("no-response", t, vec![uid], note.into());
        Outcome::Done(t + 2 * MIN)
    }

    fn orphan_response(&mut self, t: i64) -> Outcome {
        if t < self.start + 10 * MIN {
            return Outcome::Defer(self.start + 10 * MIN + self.rng.range(0, 5 * MIN));
        }
        let uid = if self.rng.chance(0.5) {
            let uid = self.rng.uuid();
            self.push(t, Dir::RespIn, "", format!("[3,\"{uid}\",{{\"status\":\"Accepted\"}}]"), &uid);
            uid
        } else {
            let uid = self.new_uid();
            self.push(t, Dir::RespOut, "", format!("[3,\"{uid}\",{{}}]"), &uid);
            uid
        };
        self.label("orphan-response", t, vec![uid], "response to no request".into());
        Outcome::Done(t)
    }

    fn duplicate_uid(&mut self, t: i64) -> Outcome {
        let uid = self.new_uid();
        let mut a = String::from("{\"currentTime\":\"");
        push_iso_ms(&mut a, t);
        a.push_str("\"}");
        let (uid, rt) = self.cp_call_uid(t, "Heartbeat", "{}", Ans::Ok(&a), uid);
        let t2 = rt + self.rng.range(2 * SEC, 20 * SEC);
        let p = "{\"vendorId\":\"com.voltiq\",\"messageId\":\"Telemetry\",\"data\":\"temp=38;rssi=-71\"}";
        self.cp_call_uid(t2, "DataTransfer", p, Ans::Ok("{\"status\":\"Accepted\"}"), uid.clone());
        self.label("duplicate-uid", t2, vec![uid], "Heartbeat and DataTransfer share a uniqueId".into());
        Outcome::Done(t2)
    }

    fn command_rejected(&mut self, t: i64) -> Outcome {
        let c = self.rng.range(1, self.connectors as i64 + 1);
        let (action, p, status): (&'static str, String, &str) = match self.rng.range(0, 5) {
            0 => {
                let i = self.rng.below(self.tags.len() as u64) as usize;
                (
                    "RemoteStartTransaction",
                    format!("{{\"connectorId\":{c},\"idTag\":\"{}\"}}", self.tags[i]),
                    "Rejected",
                )
            }
            1 => (
                "UnlockConnector",
                format!("{{\"connectorId\":{c}}}"),
                self.rng.pick(&["UnlockFailed", "NotSupported"]),
            ),
            2 => ("Reset", format!("{{\"type\":\"{}\"}}", self.rng.pick(&["Soft", "Hard"])), "Rejected"),
            3 => {
                if self.rng.chance(0.5) {
                    (
                        "ChangeConfiguration",
                        "{\"key\":\"MeterValuesSampledData\",\"value\":\"SoC,Temperature\"}".into(),
                        "Rejected",
                    )
                } else {
                    ("ChangeConfiguration", "{\"key\":\"FreeVendActive\",\"value\":\"true\"}".into(), "NotSupported")
                }
            }
            _ => ("ChangeAvailability", format!("{{\"connectorId\":{c},\"type\":\"Inoperative\"}}"), "Rejected"),
        };
        let a = format!("{{\"status\":\"{status}\"}}");
        let (uid, rt) = self.cs_call(t, action, &p, Ans::Ok(&a));
        self.label("command-rejected", t, vec![uid], format!("{action} answered {status}"));
        Outcome::Done(rt)
    }

    /// Ordinary back-end chatter, all answered positively.
    fn noise(&mut self, t: i64) {
        match self.rng.range(0, 6) {
            0 => {
                let a = format!(
                    "{{\"configurationKey\":[{{\"key\":\"HeartbeatInterval\",\"readonly\":false,\"value\":\"{}\"}},{{\"key\":\"MeterValueSampleInterval\",\"readonly\":false,\"value\":\"{}\"}}]}}",
                    self.hb_s,
                    self.meter_ms / SEC
                );
                self.cs_call(
                    t,
                    "GetConfiguration",
                    "{\"key\":[\"HeartbeatInterval\",\"MeterValueSampleInterval\"]}",
                    Ans::Ok(&a),
                );
            }
            1 => {
                let p = format!("{{\"key\":\"MeterValueSampleInterval\",\"value\":\"{}\"}}", self.meter_ms / SEC);
                self.cs_call(t, "ChangeConfiguration", &p, Ans::Ok("{\"status\":\"Accepted\"}"));
            }
            2 => {
                let p = "{\"requestedMessage\":\"Heartbeat\"}";
                let (_, rt) = self.cs_call(t, "TriggerMessage", p, Ans::Ok("{\"status\":\"Accepted\"}"));
                let at = rt + self.rng.range(200, 2_000);
                let mut a = String::from("{\"currentTime\":\"");
                push_iso_ms(&mut a, at);
                a.push_str("\"}");
                self.cp_call(at, "Heartbeat", "{}", Ans::Ok(&a));
            }
            3 => {
                let p = format!(
                    "{{\"vendorId\":\"com.voltiq\",\"messageId\":\"Telemetry\",\"data\":\"temp={};rssi=-{}\"}}",
                    self.rng.range(20, 50),
                    self.rng.range(55, 90)
                );
                self.cp_call(t, "DataTransfer", &p, Ans::Ok("{\"status\":\"Accepted\"}"));
            }
            4 => {
                let a = format!("{{\"listVersion\":{}}}", self.rng.range(1, 40));
                self.cs_call(t, "GetLocalListVersion", "{}", Ans::Ok(&a));
            }
            _ => {
                self.cs_call(t, "ClearCache", "{}", Ans::Ok("{\"status\":\"Accepted\"}"));
            }
        }
    }

    /// Incidents that silence or restart the station. They need every
    /// connector idle, no other activity in flight, and no BootNotification
    /// within 20 minutes before (so boots never pile up into a burst by
    /// accident); they end with an accepted boot.
    fn silence(&mut self, t: i64, kind: &'static str) -> Outcome {
        let idle = (1..=self.connectors).map(|c| self.busy[c]).max().unwrap_or(t);
        let ready = t.max(self.act_horizon + 2 * MIN).max(idle + 2 * MIN).max(self.last_boot + 20 * MIN);
        if ready > t {
            return Outcome::Defer(ready);
        }
        let b0 = t + self.rng.range(5 * SEC, 60 * SEC);
        let hb = self.hb_s;
        let done = match kind {
            "offline-gap" => {
                let (last_t, last_uid) = self.last_cp.clone();
                let threshold = (3 * hb * SEC).max(15 * MIN);
                let back = (last_t + threshold + self.rng.range(10 * MIN, 4 * HOUR)).max(b0);
                if back + 10 * MIN > self.limit || last_uid.is_empty() {
                    return Outcome::Skip;
                }
                let (uid, done) = self.boot(back, "Accepted", hb);
                let note = format!("silent for {} min, then BootNotification", (back - last_t) / MIN);
                self.label(kind, last_t, vec![last_uid, uid], note);
                done
            }
            "boot-rejected" => {
                if b0 + 10 * MIN > self.limit {
                    return Outcome::Skip;
                }
                let status = self.rng.pick(&["Rejected", "Pending"]);
                let wait = if status == "Rejected" { 60 * self.rng.range(1, 6) } else { 60 };
                let (uid, mut rt) = self.boot(b0, status, wait);
                self.label(kind, b0, vec![uid], format!("BootNotification answered {status}"));
                if status == "Pending" {
                    let a = format!(
                        "{{\"configurationKey\":[{{\"key\":\"MeterValueSampleInterval\",\"readonly\":false,\"value\":\"{}\"}}]}}",
                        self.meter_ms / SEC
                    );
                    let at = rt + self.rng.range(2 * SEC, 10 * SEC);
                    rt =
                        self.cs_call(at, "GetConfiguration", "{\"key\":[\"MeterValueSampleInterval\"]}", Ans::Ok(&a)).1;
                }
                let again = (b0 + wait * SEC + self.rng.range(5 * SEC, 60 * SEC)).max(rt + SEC);
                self.boot(again, "Accepted", hb).1
            }
            _ => {
                // reboot-loop
                let n = self.rng.range(3, 6);
                if b0 + 10 * MIN > self.limit {
                    return Outcome::Skip;
                }
                let mut uids = Vec::new();
                let mut bt = b0;
                let mut done = b0;
                for i in 0..n {
                    if i > 0 {
                        bt += self.rng.range(40 * SEC, 121 * SEC);
                    }
                    let (uid, d) = self.boot(bt, "Accepted", hb);
                    uids.push(uid);
                    done = d;
                }
                self.label(kind, b0, uids, format!("{n} BootNotifications within {} s", (bt - b0) / SEC));
                done
            }
        };
        for c in 1..=self.connectors {
            self.busy[c] = done + MIN;
        }
        Outcome::Done(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::{HashMap, HashSet};

    fn small(dialect: Dialect) -> SynthOptions {
        SynthOptions { stations: 2, days: 1.0, meter_interval_s: 300, dialect, ..Default::default() }
    }

    fn faulty() -> SynthOptions {
        SynthOptions {
            stations: 4,
            days: 4.0,
            fault_rate: 0.6,
            meter_interval_s: 300,
            dialect: Dialect::Jsonl,
            seed: 11,
            ..Default::default()
        }
    }

    /// The faulty run, generated, checked and parsed once for several tests.
    fn faulty_run() -> &'static (String, Truth, Vec<Msg>) {
        static RUN: std::sync::OnceLock<(String, Truth, Vec<Msg>)> = std::sync::OnceLock::new();
        RUN.get_or_init(|| {
            let (log, truth) = generate_string(&faulty());
            let msgs = parse_jsonl(&log);
            assert_truthful(&truth, &msgs);
            (log, truth, msgs)
        })
    }

    fn parse_ts(s: &str) -> i64 {
        let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
        let days = days_from_civil(n(0, 4), n(5, 7) as u32, n(8, 10) as u32);
        let mut ms = days * DAY + n(11, 13) * HOUR + n(14, 16) * MIN + n(17, 19) * SEC;
        if s.as_bytes().get(19) == Some(&b'.') {
            ms += n(20, 23);
        }
        ms
    }

    struct Msg {
        t: i64,
        station: String,
        from_station: bool,
        frame: Value,
    }

    fn parse_jsonl(log: &str) -> Vec<Msg> {
        log.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("jsonl line");
                Msg {
                    t: parse_ts(v["ts"].as_str().unwrap()),
                    station: v["station"].as_str().unwrap().to_string(),
                    from_station: v["dir"] == "in",
                    frame: v["frame"].clone(),
                }
            })
            .collect()
    }

    #[test]
    fn time_helpers_round_trip() {
        assert_eq!(SynthOptions::default().start_ms, 1_746_316_800_000);
        assert_eq!(rfc3339_ms(1_746_316_954_120), "2025-05-04T00:02:34.120Z");
        assert_eq!(iso_s(0), "1970-01-01T00:00:00Z");
        for ms in [0, 951_782_400_000, 1_709_164_800_123, 4_102_444_799_999] {
            assert_eq!(parse_ts(&rfc3339_ms(ms)), ms);
        }
    }

    #[test]
    fn deterministic_for_a_seed() {
        let o = small(Dialect::Csv);
        let (a, ta) = generate_string(&o);
        let (b, tb) = generate_string(&o);
        assert_eq!(a, b);
        assert_eq!(ta.faults, tb.faults);
        let (c, _) = generate_string(&SynthOptions { seed: 8, ..o });
        assert_ne!(a, c);
    }

    #[test]
    fn dialect_shapes_and_counts() {
        for d in [Dialect::Csv, Dialect::CsvDe, Dialect::Text, Dialect::Jsonl] {
            let (log, truth) = generate_string(&small(d));
            let lines: Vec<&str> = log.lines().collect();
            let header = usize::from(matches!(d, Dialect::Csv | Dialect::CsvDe));
            assert_eq!(lines.len() - header, truth.messages, "{d:?}");
            assert!(truth.messages > 500, "{d:?}: {}", truth.messages);
            assert!(log.ends_with('\n'));
            match d {
                Dialect::Csv => {
                    assert_eq!(lines[0], "Timestamp,ChargePoint,Direction,Action,Message");
                    assert!(lines[1].starts_with("2025-05-04T00:"), "{}", lines[1]);
                    assert!(lines[1].contains(",CP-000"));
                    assert!(lines[1].contains(",Request In,BootNotification,\"[2,\"\""));
                }
                Dialect::CsvDe => {
                    assert!(log.starts_with('\u{feff}'));
                    assert_eq!(lines[0], "\u{feff}Zeitpunkt;Station;Richtung;Aktion;Nachricht");
                    assert!(lines[1].starts_with("04.05.2025 00:"), "{}", lines[1]);
                    assert_eq!(&lines[1][19..20], ";");
                    assert!(log.contains(";Anfrage Ein;") && log.contains(";Antwort Aus;"));
                }
                Dialect::Text => {
                    let l = lines[0];
                    assert!(l.starts_with("2025-05-04 00:"), "{l}");
                    assert_eq!(&l[23..25], " [");
                    assert!(l[25..].starts_with("CP-000"));
                    assert!(log.contains("] <- [2,") && log.contains("] -> [3,"));
                }
                Dialect::Jsonl => {
                    for l in &lines {
                        let v: Value = serde_json::from_str(l).unwrap();
                        assert!(v["ts"].as_str().unwrap().ends_with('Z'));
                        assert!(v["dir"] == "in" || v["dir"] == "out");
                    }
                }
            }
        }
    }

    #[test]
    fn frames_valid_timestamps_sorted() {
        for d in [Dialect::Text, Dialect::Jsonl] {
            let (log, _) = generate_string(&SynthOptions { fault_rate: 0.5, ..small(d) });
            let mut prev = i64::MIN;
            for l in log.lines() {
                let (ts, frame) = match d {
                    Dialect::Text => {
                        let ts = format!("{}T{}Z", &l[..10], &l[11..23]);
                        (parse_ts(&ts), serde_json::from_str::<Value>(&l[l.find("] ").unwrap() + 5..]).unwrap())
                    }
                    _ => {
                        let v: Value = serde_json::from_str(l).unwrap();
                        (parse_ts(v["ts"].as_str().unwrap()), v["frame"].clone())
                    }
                };
                assert!(ts >= prev, "not sorted at {l}");
                prev = ts;
                let a = frame.as_array().expect("frame is an array");
                let n = match a[0].as_i64() {
                    Some(2) => 4,
                    Some(3) => 3,
                    Some(4) => 5,
                    other => panic!("type id {other:?}"),
                };
                assert_eq!(a.len(), n, "{l}");
                assert!(a[1].is_string());
                assert!(a.last().unwrap().is_object());
            }
        }
    }

    #[test]
    fn smart_quotes_when_asked() {
        let (log, truth) = generate_string(&SynthOptions { smart_quotes: 0.3, ..small(Dialect::Csv) });
        let n = log.lines().skip(1).filter(|l| l.contains('\u{201c}')).count();
        let share = n as f64 / truth.messages as f64;
        assert!(share > 0.2 && share < 0.4, "{share}");
        assert!(log.contains("\u{2018}timestamp\u{2019}"));
        // normalising the quotes gives valid frames back
        let (text, _) = generate_string(&SynthOptions { smart_quotes: 1.0, ..small(Dialect::Text) });
        for l in text.lines().take(2000) {
            let f = l[l.find("] ").unwrap() + 5..].replace(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}'], "\"");
            serde_json::from_str::<Value>(&f).unwrap();
        }
        let (plain, _) = generate_string(&small(Dialect::Csv));
        assert!(!plain.contains('\u{201c}'));
        let (jsonl, _) = generate_string(&SynthOptions { smart_quotes: 1.0, ..small(Dialect::Jsonl) });
        assert!(!jsonl.contains('\u{201c}'));
    }

    #[test]
    fn fault_selection_and_rate_zero() {
        let (_, t) = generate_string(&SynthOptions { fault_rate: 0.0, ..small(Dialect::Csv) });
        assert!(t.faults.is_empty());
        let o = SynthOptions { fault_rate: 0.5, faults: vec!["reboot-loop", "meter-backwards"], ..small(Dialect::Csv) };
        let (_, t) = generate_string(&o);
        assert!(!t.faults.is_empty());
        assert!(t.faults.iter().all(|f| f.rule == "reboot-loop" || f.rule == "meter-backwards"));
        assert_eq!(fault_kind("offline-gap"), Some("offline-gap"));
        assert_eq!(fault_kind("nope"), None);
        let json = t.to_json();
        assert_eq!(json["messages"], t.messages);
        assert!(json["faults"][0]["at"].as_str().unwrap().ends_with('Z'));
    }

    /// A CALL seen by the checker: (action, payload, answered, boot epoch, time).
    type Call = (String, Value, bool, usize, i64);

    /// A small, strict findings engine for the generator's own output: every
    /// injected fault must be detected, and nothing else may be.
    fn check(msgs: &[Msg]) -> HashSet<(&'static str, String)> {
        let mut found: HashSet<(&'static str, String)> = HashSet::new();
        let log_end = msgs.last().map_or(0, |m| m.t);
        let log_start = msgs.first().map_or(0, |m| m.t);
        let mut by_station: HashMap<&str, Vec<&Msg>> = HashMap::new();
        for m in msgs {
            by_station.entry(&m.station).or_default().push(m);
        }
        for (_, ms) in by_station {
            // (call from station?, uid) -> (action, payload, answered, boot epoch, time)
            let mut calls: HashMap<(bool, String), Call> = HashMap::new();
            let mut epoch = 0usize;
            let mut boots: Vec<(i64, String)> = Vec::new();
            let mut hb = 15 * MIN / SEC;
            let mut last_cp: Option<(i64, String)> = None;
            let mut started: HashSet<i64> = HashSet::new();
            let mut open: HashMap<i64, (i64, i64, String)> = HashMap::new(); // tx -> (connector, last reading, start uid)
            let mut pending_start: HashMap<String, (i64, i64)> = HashMap::new(); // uid -> (connector, meterStart)
            let mut susp: HashMap<i64, (i64, String)> = HashMap::new(); // connector -> (since, uid)
            for m in ms {
                let a = m.frame.as_array().unwrap();
                let uid = a[1].as_str().unwrap().to_string();
                if m.from_station {
                    if let Some((lt, lu)) = &last_cp {
                        if m.t - lt > (3 * hb * SEC).max(15 * MIN) {
                            found.insert(("offline-gap", lu.clone()));
                            found.insert(("offline-gap", uid.clone()));
                        }
                    }
                    last_cp = Some((m.t, uid.clone()));
                }
                match a[0].as_i64().unwrap() {
                    2 => {
                        let action = a[2].as_str().unwrap().to_string();
                        let p = a[3].clone();
                        let key = (m.from_station, uid.clone());
                        if let Some((prev, _, _, e, _)) = calls.get(&key) {
                            if *prev != action && *e == epoch {
                                found.insert(("duplicate-uid", uid.clone()));
                            }
                        }
                        if action == "BootNotification" {
                            epoch += 1;
                            boots.push((m.t, uid.clone()));
                        }
                        calls.insert(key, (action.clone(), p.clone(), false, epoch, m.t));
                        let stamp = p.get("timestamp").and_then(Value::as_str).map(parse_ts);
                        let stamp = stamp
                            .or_else(|| p.pointer("/meterValue/0/timestamp").and_then(Value::as_str).map(parse_ts));
                        if let Some(s) = stamp {
                            if s < parse_ts("2010-01-01T00:00:00Z") || (s - m.t).abs() > 5 * MIN {
                                found.insert(("clock-skew", uid.clone()));
                            }
                        }
                        match action.as_str() {
                            "Authorize" | "StartTransaction" => {
                                let tag = p.get("idTag").and_then(Value::as_str);
                                if tag.is_some_and(|t| t.trim().is_empty()) {
                                    found.insert(("empty-idtag", uid.clone()));
                                }
                                if tag.is_some_and(|t| t.len() > 20)
                                    || (action == "StartTransaction" && !p["meterStart"].is_i64())
                                {
                                    found.insert(("schema-violation", uid.clone()));
                                }
                                if action == "StartTransaction" {
                                    let c = p["connectorId"].as_i64().unwrap();
                                    let ms = p["meterStart"]
                                        .as_i64()
                                        .or_else(|| p["meterStart"].as_str().and_then(|s| s.parse().ok()));
                                    let old = open.iter().find(|(_, (oc, _, _))| *oc == c).map(|(k, _)| *k);
                                    if let Some(old) = old {
                                        let (_, _, su) = open.remove(&old).unwrap();
                                        found.insert(("transaction-not-stopped", su));
                                    }
                                    pending_start.insert(uid.clone(), (c, ms.unwrap_or(0)));
                                }
                            }
                            "StatusNotification" => {
                                let c = p["connectorId"].as_i64().unwrap();
                                let st = p["status"].as_str().unwrap();
                                if p["errorCode"] != "NoError" {
                                    found.insert(("connector-error", uid.clone()));
                                }
                                if st == "Faulted" {
                                    found.insert(("connector-faulted", uid.clone()));
                                }
                                if let Some((since, su)) = susp.remove(&c) {
                                    if m.t - since > 30 * MIN {
                                        found.insert(("suspended-long", su));
                                    }
                                }
                                if st.starts_with("Suspended") && open.values().any(|(oc, _, _)| *oc == c) {
                                    susp.insert(c, (m.t, uid.clone()));
                                }
                            }
                            "MeterValues" => {
                                let tx = p["transactionId"].as_i64().unwrap();
                                if !started.contains(&tx) {
                                    found.insert(("unknown-transaction", uid.clone()));
                                }
                                let v: i64 =
                                    p["meterValue"][0]["sampledValue"][0]["value"].as_str().unwrap().parse().unwrap();
                                if let Some((_, last, _)) = open.get_mut(&tx) {
                                    if v < *last - 1 {
                                        found.insert(("meter-backwards", uid.clone()));
                                    }
                                    *last = v;
                                }
                            }
                            "StopTransaction" => {
                                let tx = p["transactionId"].as_i64().unwrap();
                                if !started.contains(&tx) {
                                    found.insert(("unknown-transaction", uid.clone()));
                                }
                                let reason = p.get("reason").and_then(Value::as_str).unwrap_or("Local");
                                if !matches!(reason, "Local" | "EVDisconnected" | "Remote") {
                                    found.insert(("abnormal-stop", uid.clone()));
                                }
                                if let Some((c, last, _)) = open.remove(&tx) {
                                    if p["meterStop"].as_i64().unwrap() < last - 1 {
                                        found.insert(("meter-backwards", uid.clone()));
                                    }
                                    if let Some((since, su)) = susp.remove(&c) {
                                        if m.t - since > 30 * MIN {
                                            found.insert(("suspended-long", su));
                                        }
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    k @ (3 | 4) => {
                        let key = (!m.from_station, uid.clone());
                        let Some(call) = calls.get_mut(&key).filter(|c| !c.2) else {
                            if m.t - log_start > 60 * SEC {
                                found.insert(("orphan-response", uid.clone()));
                            }
                            continue;
                        };
                        call.2 = true;
                        let action = call.0.clone();
                        if k == 4 {
                            found.insert(("call-error", uid.clone()));
                            continue;
                        }
                        let r = &a[2];
                        let status = r.get("status").and_then(Value::as_str).unwrap_or("");
                        let id_status = r.pointer("/idTagInfo/status").and_then(Value::as_str).unwrap_or("Accepted");
                        if id_status != "Accepted" {
                            found.insert(("auth-rejected", uid.clone()));
                        }
                        if !m.from_station && action == "BootNotification" {
                            if status != "Accepted" {
                                found.insert(("boot-rejected", uid.clone()));
                            } else {
                                hb = r["interval"].as_i64().unwrap();
                            }
                        }
                        if m.from_station
                            && matches!(
                                status,
                                "Rejected" | "NotSupported" | "Failed" | "UnlockFailed" | "NotImplemented"
                            )
                        {
                            found.insert(("command-rejected", uid.clone()));
                        }
                        if action == "StartTransaction" {
                            let tx = r["transactionId"].as_i64().unwrap();
                            assert!(started.insert(tx), "transactionId {tx} reused");
                            let (c, ms) = pending_start.remove(&uid).unwrap();
                            open.insert(tx, (c, ms, uid.clone()));
                        }
                    }
                    other => panic!("type {other}"),
                }
            }
            for (_, (_, _, su)) in open {
                found.insert(("transaction-not-stopped", su));
            }
            for ((_, uid), (_, _, answered, _, t)) in calls {
                if !answered && t < log_end - 60 * SEC {
                    found.insert(("no-response", uid));
                }
            }
            if let Some((lt, _)) = last_cp {
                assert!(log_end - lt < (3 * hb * SEC).max(15 * MIN), "open-ended silence");
            }
            for (i, (t, _)) in boots.iter().enumerate() {
                let burst: Vec<&(i64, String)> = boots[i..].iter().take_while(|(b, _)| b - t <= 10 * MIN).collect();
                if burst.len() >= 3 {
                    for (_, u) in burst {
                        found.insert(("reboot-loop", u.clone()));
                    }
                }
            }
        }
        found
    }

    fn assert_truthful(truth: &Truth, msgs: &[Msg]) {
        assert_eq!(msgs.len(), truth.messages);
        let found = check(msgs);
        let labelled: HashSet<(&'static str, String)> =
            truth.faults.iter().flat_map(|f| f.unique_ids.iter().map(move |u| (f.rule, u.clone()))).collect();
        for f in &truth.faults {
            assert!(
                f.unique_ids.iter().any(|u| found.contains(&(f.rule, u.clone()))),
                "injected fault not detectable: {f:?}"
            );
        }
        let mut extra: Vec<_> = found.difference(&labelled).collect();
        extra.sort();
        assert!(extra.is_empty(), "unlabelled findings: {extra:?}");
    }

    fn generate_checked(opts: &SynthOptions) -> Truth {
        let (log, truth) = generate_string(opts);
        assert_truthful(&truth, &parse_jsonl(&log));
        truth
    }

    #[test]
    fn every_fault_kind_injected_and_nothing_else() {
        let (_, truth, _) = faulty_run();
        let kinds: HashSet<&str> = truth.faults.iter().map(|f| f.rule).collect();
        let missing: Vec<&str> = FAULT_KINDS.iter().copied().filter(|k| !kinds.contains(k)).collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }

    #[test]
    fn clean_traffic_has_no_findings() {
        let t = generate_checked(&SynthOptions { fault_rate: 0.0, stations: 2, days: 2.0, seed: 3, ..faulty() });
        assert!(t.faults.is_empty());
    }

    #[test]
    fn numeric_uids_count_up_in_log_order() {
        let (log, truth, msgs) = faulty_run();
        assert!(!log.contains(UID_TOKEN));
        let dup: HashSet<&str> = truth
            .faults
            .iter()
            .filter(|f| f.rule == "duplicate-uid")
            .flat_map(|f| f.unique_ids.iter().map(String::as_str))
            .collect();
        let mut last: HashMap<String, u64> = HashMap::new();
        let mut numeric_stations = 0;
        for m in msgs {
            let a = m.frame.as_array().unwrap();
            let Ok(n) = a[1].as_str().unwrap().parse::<u64>() else { continue };
            if !m.from_station || a[0] != 2 {
                continue;
            }
            if let Some(prev) = last.get(&m.station) {
                if n <= *prev && dup.contains(a[1].as_str().unwrap()) {
                    continue; // the injected reuse
                }
                assert!(n > *prev, "{} {n} after {prev}", m.station);
            } else {
                numeric_stations += 1;
            }
            last.insert(m.station.clone(), n);
        }
        assert!(numeric_stations > 0);
        for f in &truth.faults {
            assert!(f.unique_ids.iter().all(|u| !u.is_empty() && !u.contains(UID_TOKEN)));
        }
    }

    /// Many seeds and settings through the strict checker (slow: `--ignored`).
    #[test]
    #[ignore]
    fn stress_many_seeds() {
        for seed in 0..60u64 {
            let mut o = faulty();
            o.seed = seed;
            o.stations = 1 + (seed % 4) as usize;
            o.days = 1.0 + (seed % 5) as f64;
            o.fault_rate = [0.15, 0.6, 1.0][(seed % 3) as usize];
            o.meter_interval_s = [10, 60, 300, 900][(seed % 4) as usize];
            o.sessions_per_day = [3.0, 6.0, 20.0][(seed % 3) as usize];
            generate_checked(&o);
        }
    }

    #[test]
    fn requests_answered_except_no_response() {
        let (_, truth, msgs) = faulty_run();
        let mut open: HashMap<(String, bool, String), i64> = HashMap::new();
        for m in msgs {
            let a = m.frame.as_array().unwrap();
            let uid = a[1].as_str().unwrap().to_string();
            if a[0] == 2 {
                open.insert((m.station.clone(), m.from_station, uid), m.t);
            } else {
                open.remove(&(m.station.clone(), !m.from_station, uid));
            }
        }
        let mut unanswered: Vec<String> = open.into_keys().map(|k| k.2).collect();
        let mut labelled: Vec<String> =
            truth.faults.iter().filter(|f| f.rule == "no-response").flat_map(|f| f.unique_ids.clone()).collect();
        unanswered.sort();
        labelled.sort();
        assert!(!labelled.is_empty());
        assert_eq!(unanswered, labelled);
    }
}
