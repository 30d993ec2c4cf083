//! Taking the fields the rules need out of a payload, once, by field name.

use super::frame::{Frame, MsgKind};
use super::json::{Json, Kind};
use super::timestamp::{parse_timestamp, Millis};
use crate::store::{Measure, MeterReading, NO_INT, NO_TIME};
use std::borrow::Cow;

/// The short texts of one record, in one buffer: the payload's facts, the
/// station, the action, and why a record could not be read.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    buf: String,
    spans: [(u32, u32); SLOTS],
}

/// What a text of [`Texts`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Slot {
    IdTag,
    Status,
    ErrorCode,
    Info,
    VendorId,
    VendorError,
    Reason,
    Key,
    Station,
    Action,
    ActionHint,
    /// Why the record is not a readable frame.
    Unreadable,
}

pub const SLOTS: usize = 12;
const ABSENT: (u32, u32) = (u32::MAX, 0);

impl Texts {
    pub fn new() -> Texts {
        Texts { buf: String::new(), spans: [ABSENT; SLOTS] }
    }

    pub fn set(&mut self, slot: Slot, text: &str) {
        let start = self.buf.len();
        self.buf.push_str(text);
        self.spans[slot as usize] = (start as u32, self.buf.len() as u32);
    }

    pub fn get(&self, slot: Slot) -> Option<&str> {
        let (a, b) = self.spans[slot as usize];
        (a != u32::MAX).then(|| &self.buf[a as usize..b as usize])
    }

    /// All the texts, side by side (each slot's span is a range of it).
    pub fn buffer(&self) -> &str {
        &self.buf
    }

    /// Each slot's byte range in [`Texts::buffer`]; `u32::MAX` starts an absent one.
    pub fn spans(&self) -> &[(u32, u32); SLOTS] {
        &self.spans
    }

    pub fn has(&self, slot: Slot) -> bool {
        self.spans[slot as usize].0 != u32::MAX
    }

    /// True when none of the payload's facts (slots before `Station`) is set.
    pub fn no_facts(&self) -> bool {
        self.spans[..Slot::Station as usize].iter().all(|s| s.0 == u32::MAX)
    }
}

/// The fields the rules need, taken once from a payload (in parallel) and
/// interned by the store afterwards. Absent numbers are `NO_INT`/`NO_TIME`.
#[derive(Clone, Debug)]
pub struct RawFacts {
    pub texts: Texts,
    pub connector: i64,
    pub transaction: i64,
    pub value: i64,
    pub time: Millis,
    pub readings: Vec<MeterReading>,
}

impl Default for RawFacts {
    fn default() -> Self {
        RawFacts {
            texts: Texts::new(),
            connector: NO_INT,
            transaction: NO_INT,
            value: NO_INT,
            time: NO_TIME,
            readings: Vec::new(),
        }
    }
}

impl RawFacts {
    /// Empty again, keeping the buffers' room.
    pub fn clear(&mut self) {
        self.texts.buf.clear();
        self.texts.spans = [ABSENT; SLOTS];
        self.connector = NO_INT;
        self.transaction = NO_INT;
        self.value = NO_INT;
        self.time = NO_TIME;
        self.readings.clear();
    }

    pub fn text(&self, slot: Slot) -> Option<&str> {
        self.texts.get(slot)
    }

    /// True when the payload gave no fact at all.
    pub fn is_empty(&self) -> bool {
        self.texts.no_facts()
            && self.connector == NO_INT
            && self.transaction == NO_INT
            && self.value == NO_INT
            && self.time == NO_TIME
            && self.readings.is_empty()
    }
}

pub fn extract(frame: &Frame) -> RawFacts {
    let mut f = RawFacts::default();
    extract_into(frame, &mut f);
    f
}

/// [`extract`] into facts that may already hold other texts (station, action).
///
/// The facts are read by a [`Plan`]: which member of the payload gives
/// which fact, worked out from its keys. A payload on a copy of a kept
/// shape's tape has the keys and the tape of that shape, so the plan made
/// for the shape is used again (each thread keeps the plans of its last shapes).
pub fn extract_into(frame: &Frame, f: &mut RawFacts) {
    if frame.kind == MsgKind::Error {
        if let Some(error) = &frame.error {
            f.texts.set(Slot::ErrorCode, &error.code);
            f.texts.set(Slot::Info, &error.description);
        }
        return;
    }
    let obj = frame.payload.root();
    let shape = frame.payload.shape().id;
    PLANS.with_borrow_mut(|plans| {
        let slot = &mut plans[(shape % KEPT_PLANS as u64) as usize];
        if shape == 0 || slot.0 != shape {
            slot.1.clear();
            slot.1.make(obj);
            slot.0 = shape;
        }
        slot.1.run(obj, f);
    });
    // ChangeConfiguration of a number (e.g. HeartbeatInterval) keeps the number
    if f.value == NO_INT && frame.action.as_deref() == Some("ChangeConfiguration") {
        f.value = f.texts.get(Slot::Info).and_then(|s| s.trim().parse().ok()).unwrap_or(NO_INT);
    }
}

/// Plans kept per thread, by shape id.
const KEPT_PLANS: usize = 64;

std::thread_local! {
    /// Each slot's shape id (0: the plan of the last payload of no shape) and plan.
    static PLANS: std::cell::RefCell<Vec<(u64, Plan)>> =
        std::cell::RefCell::new((0..KEPT_PLANS).map(|_| (u64::MAX, Plan::default())).collect());
}

/// The steps that read a payload's facts, each naming the tape node it
/// reads: the facts' keys matched once. Steps read values with the same
/// functions, in the same order and on the same conditions, whatever text
/// the tape is of, so a plan made from one text of a shape reads any other.
#[derive(Default)]
struct Plan {
    steps: Vec<Step>,
    /// The members of meter samples, for [`Step::Reading`].
    sample_members: Vec<(SampleKey, u32)>,
}

#[derive(Clone, Copy)]
enum Step {
    /// The text of the value (see `str_of`), into the slot; when
    /// `if_unset`, only while the slot is still empty; `Info` texts are cut
    /// to 200 bytes.
    Text {
        slot: Slot,
        node: u32,
        if_unset: bool,
    },
    Int {
        field: IntField,
        node: u32,
    },
    /// A `timestamp` or `currentTime`.
    Time {
        node: u32,
    },
    /// A meter value's timestamp (`None`: it has none), read while no time is known.
    MeterTime {
        node: Option<u32>,
    },
    /// A meter sample: its members `sample_members[from..to]`.
    Reading {
        from: u32,
        to: u32,
        from_stop: bool,
    },
}

#[derive(Clone, Copy)]
enum IntField {
    Connector,
    Transaction,
    Value,
}

/// The members of a meter sample that a reading looks at.
#[derive(Clone, Copy)]
enum SampleKey {
    Format,
    Phase,
    Measurand,
    Unit,
    Location,
    Context,
    Value,
}

impl Plan {
    fn clear(&mut self) {
        self.steps.clear();
        self.sample_members.clear();
    }

    /// The steps for a payload with these keys.
    fn make(&mut self, obj: Json<'_>) {
        let text = |slot, v: Json<'_>, if_unset| Step::Text { slot, node: v.index() as u32, if_unset };
        let int = |field, v: Json<'_>| Step::Int { field, node: v.index() as u32 };
        for (k, v) in obj.members() {
            let Some(k) = k.as_str() else { continue };
            let step = match k.as_ref() {
                "idTag" => text(Slot::IdTag, v, false),
                "status" => text(Slot::Status, v, false),
                "idTagInfo" => match v.is_object().then(|| v.get("status")).flatten() {
                    Some(s) => text(Slot::Status, s, true),
                    None => continue,
                },
                "errorCode" => text(Slot::ErrorCode, v, false),
                "info" | "chargePointModel" | "value" | "data" => text(Slot::Info, v, true),
                "vendorId" | "chargePointVendor" => text(Slot::VendorId, v, false),
                "vendorErrorCode" => text(Slot::VendorError, v, false),
                "reason" => text(Slot::Reason, v, false),
                "key" | "type" | "requestedMessage" | "messageId" => text(Slot::Key, v, true),
                "connectorId" => int(IntField::Connector, v),
                "transactionId" => int(IntField::Transaction, v),
                "meterStart" | "meterStop" | "interval" | "listVersion" => int(IntField::Value, v),
                "timestamp" | "currentTime" if v.is_string() => Step::Time { node: v.index() as u32 },
                "meterValue" | "transactionData" => {
                    self.make_meter_values(v, k == "transactionData");
                    continue;
                }
                _ => continue,
            };
            self.steps.push(step);
        }
    }

    fn make_meter_values(&mut self, v: Json<'_>, from_stop: bool) {
        for mv in v.elements().filter(Json::is_object) {
            // one pass over the members (the last of a repeated key counts, as in `Json::get`)
            let (mut timestamp, mut samples) = (None, None);
            for (k, v) in mv.members() {
                if k.str_is("timestamp") {
                    timestamp = Some(v);
                } else if k.str_is("sampledValue") {
                    samples = Some(v);
                }
            }
            // the payload's time is the first meterValue's
            if !from_stop {
                self.steps.push(Step::MeterTime { node: timestamp.map(|t| t.index() as u32) });
            }
            let Some(samples) = samples else { continue };
            for sv in samples.elements().filter(Json::is_object) {
                let from = self.sample_members.len() as u32;
                for (k, v) in sv.members() {
                    let Some(k) = k.as_str() else { continue };
                    let key = match k.as_ref() {
                        "format" => SampleKey::Format,
                        "phase" => SampleKey::Phase,
                        "measurand" => SampleKey::Measurand,
                        "unit" => SampleKey::Unit,
                        "location" => SampleKey::Location,
                        "context" => SampleKey::Context,
                        "value" => SampleKey::Value,
                        _ => continue,
                    };
                    self.sample_members.push((key, v.index() as u32));
                }
                self.steps.push(Step::Reading { from, to: self.sample_members.len() as u32, from_stop });
            }
        }
    }

    /// Read the facts of a payload with the keys the plan was made for.
    fn run(&self, obj: Json<'_>, f: &mut RawFacts) {
        let at = |node: u32| obj.on_tape(node as usize);
        for &step in &self.steps {
            match step {
                Step::Text { slot, node, if_unset } => {
                    if if_unset && f.texts.has(slot) {
                        continue;
                    }
                    if let Some(s) = str_of(at(node)) {
                        let s = if slot == Slot::Info { truncate(s, 200) } else { s };
                        f.texts.set(slot, &s);
                    }
                }
                Step::Int { field, node } => {
                    let n = int_of(at(node)).unwrap_or(NO_INT);
                    match field {
                        IntField::Connector => f.connector = n,
                        IntField::Transaction => f.transaction = n,
                        IntField::Value => f.value = n,
                    }
                }
                Step::Time { node } => {
                    if let Some(s) = at(node).as_str() {
                        f.time = parse_timestamp(&s, chrono_tz::UTC).unwrap_or(NO_TIME);
                    }
                }
                Step::MeterTime { node } => {
                    if f.time == NO_TIME {
                        let s = node.and_then(|n| at(n).as_str());
                        f.time = s.and_then(|s| parse_timestamp(&s, chrono_tz::UTC)).unwrap_or(NO_TIME);
                    }
                }
                Step::Reading { from, to, from_stop } => {
                    let members = self.sample_members[from as usize..to as usize].iter().map(|&(k, n)| (k, at(n)));
                    if let Some(r) = reading(members, from_stop) {
                        f.readings.push(r);
                    }
                }
            }
        }
    }
}

fn str_of(v: Json<'_>) -> Option<Cow<'_, str>> {
    match v.kind() {
        Kind::Str => v.as_str(),
        Kind::Num => v.number().map(|n| n.to_string().into()),
        Kind::Bool => Some(v.raw().into()),
        _ => None,
    }
}

fn truncate(s: Cow<'_, str>, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return s;
    }
    let cut = (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    format!("{}…", &s[..cut]).into()
}

/// Integers, also written as whole floats or as strings (schema rules report those).
fn int_of(v: Json<'_>) -> Option<i64> {
    match v.kind() {
        Kind::Num => v.as_i64().or_else(|| v.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9e15).map(|x| x as i64)),
        Kind::Str => v.as_str()?.trim().parse().ok(),
        _ => None,
    }
}

/// `str::parse::<f64>`, with the common short decimals (`1568001`,
/// `10.7`) read directly: a whole number below 2^53 and a power of ten up
/// to 10^22 are exact as floats, so their quotient is rounded once, as the
/// parser's result is (here at most 15 digits and 10^15).
fn parse_f64(s: &str) -> Option<f64> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let b = s.as_bytes();
    let (negative, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    let (mut whole, mut decimals, mut seen_dot, mut count) = (0u64, 0usize, false, 0usize);
    for &c in digits {
        match c {
            b'0'..=b'9' if count < 15 => {
                whole = whole * 10 + u64::from(c - b'0');
                count += 1;
                decimals += usize::from(seen_dot);
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return s.parse().ok(),
        }
    }
    // "", "-", ".", "5." and ".5" are the parser's to judge
    if count == 0 || digits.first() == Some(&b'.') || digits.last() == Some(&b'.') {
        return s.parse().ok();
    }
    let x = whole as f64 / POW10[decimals];
    Some(if negative { -x } else { x })
}

/// A sample's reading, from its members (in order; the last of a repeated key counts).
fn reading<'a>(members: impl Iterator<Item = (SampleKey, Json<'a>)>, from_stop: bool) -> Option<MeterReading> {
    // one pass over the sample's fields
    let (mut measurand, mut unit, mut location, mut context, mut value) = (None, None, None, None, None);
    for (k, v) in members {
        match k {
            SampleKey::Format if v.str_is("SignedData") => return None,
            SampleKey::Format => {}
            SampleKey::Phase => return None,
            SampleKey::Measurand => measurand = v.as_str(),
            SampleKey::Unit => unit = v.as_str(),
            SampleKey::Location => location = v.as_str(),
            SampleKey::Context => context = v.as_str(),
            SampleKey::Value => value = Some(v),
        }
    }
    let measurand = measurand.as_deref().unwrap_or("Energy.Active.Import.Register");
    let unit = unit.as_deref().unwrap_or("");
    let value_node = value?;
    let raw: f64 = match value_node.kind() {
        Kind::Str => parse_f64(value_node.as_str()?.trim())?,
        Kind::Num => value_node.as_f64()?,
        _ => return None,
    };
    if !raw.is_finite() {
        return None;
    }
    let kilo = unit.starts_with('k');
    let (measure, value) = match measurand {
        "Energy.Active.Import.Register" => {
            if !matches!(location.as_deref(), None | Some("Outlet") | Some("Inlet")) {
                return None;
            }
            (Measure::EnergyImport, if kilo { raw * 1000.0 } else { raw })
        }
        "Power.Active.Import" => (Measure::PowerImport, if kilo { raw * 1000.0 } else { raw }),
        "Power.Offered" => (Measure::PowerOffered, if kilo { raw * 1000.0 } else { raw }),
        "SoC" => (Measure::Soc, raw),
        _ => return None,
    };
    Some(MeterReading { value, measure, clock_aligned: context.as_deref() == Some("Sample.Clock"), from_stop })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::frame::parse_frame;

    #[test]
    fn status_notification_fields() {
        let f = parse_frame(r#"[2,"a","StatusNotification",{"connectorId":2,"errorCode":"OtherError","status":"Faulted","info":"EmergencyPressed","vendorErrorCode":"17","vendorId":"QUENCH","timestamp":"2026-03-13T05:01:20.643Z"}]"#).unwrap();
        let x = extract(&f);
        assert_eq!(x.connector, 2);
        assert_eq!(x.text(Slot::Status), Some("Faulted"));
        assert_eq!(x.text(Slot::ErrorCode), Some("OtherError"));
        assert_eq!(x.text(Slot::Info), Some("EmergencyPressed"));
        assert_eq!(x.text(Slot::VendorError), Some("17"));
        assert_eq!(x.text(Slot::VendorId), Some("QUENCH"));
        assert_ne!(x.time, NO_TIME);
        assert_eq!(x.text(Slot::IdTag), None);
    }

    #[test]
    fn answers_and_errors() {
        let f = parse_frame(r#"[3,"a",{"transactionId":91262367,"idTagInfo":{"status":"Accepted"}}]"#).unwrap();
        let x = extract(&f);
        assert_eq!((x.transaction, x.text(Slot::Status)), (91262367, Some("Accepted")));
        let e = parse_frame(r#"[4,"a","NotImplemented","No handler",{}]"#).unwrap();
        let x = extract(&e);
        assert_eq!((x.text(Slot::ErrorCode), x.text(Slot::Info)), (Some("NotImplemented"), Some("No handler")));
    }

    #[test]
    fn meter_values_are_normalised() {
        let f = parse_frame(r#"[2,"a","MeterValues",{"connectorId":2,"transactionId":1,"meterValue":[{"timestamp":"2025-08-11T08:33:07.131Z","sampledValue":[{"value":"140.703","unit":"kWh","measurand":"Energy.Active.Import.Register"},{"value":"7.4","unit":"kW","measurand":"Power.Active.Import"},{"value":"12","phase":"L1","measurand":"Current.Import"},{"value":"55"}]}]}]"#).unwrap();
        let x = extract(&f);
        assert_eq!(x.readings.len(), 3);
        assert!((x.readings[0].value - 140_703.0).abs() < 0.01);
        assert_eq!(x.readings[1].measure, Measure::PowerImport);
        assert!((x.readings[1].value - 7400.0).abs() < 0.01);
        assert_eq!(x.readings[2].measure, Measure::EnergyImport);
        assert_eq!(x.transaction, 1);
    }

    /// Facts read through the plan kept for a shape are those of a plan
    /// made for the text itself, whatever its values: other numbers and
    /// texts, escapes, a time that is none, a sample that is signed.
    #[test]
    fn a_shapes_plan_reads_any_text_of_that_shape() {
        use crate::ingest::frame::{parse_body_in, with_tape};
        let templates = [
            r#"[2,"1","MeterValues",{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2025-05-04T00:20:03Z","sampledValue":[{"value":"2330048","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"},{"value":"14.0","measurand":"Current.Import","phase":"L1","unit":"A"},{"value":"7.1","measurand":"Power.Active.Import","unit":"kW","format":"Raw","location":"Outlet"}]},{"timestamp":"2025-05-04T00:21:03Z","sampledValue":[{"value":"2330050"}]}]}]"#,
            r#"[2,"1","StopTransaction",{"transactionId":7,"meterStop":2330090,"timestamp":"2025-05-04T00:30:00Z","reason":"Local","idTag":"AB12","transactionData":[{"timestamp":"2025-05-04T00:30:00Z","sampledValue":[{"value":"2330090","unit":"Wh"}]}]}]"#,
            r#"[2,"1","StatusNotification",{"connectorId":2,"errorCode":"OtherError","status":"Faulted","info":"EmergencyPressed","vendorErrorCode":"17","vendorId":"QUENCH","timestamp":"2026-03-13T05:01:20.643Z"}]"#,
            r#"[3,"1",{"transactionId":91262367,"idTagInfo":{"status":"Accepted","expiryDate":"2026-01-01T00:00:00Z"}}]"#,
            r#"[3,"1",{"interval":60,"currentTime":"2025-05-04T00:00:14.000Z","status":"Accepted"}]"#,
            r#"[2,"1","BootNotification",{"chargePointVendor":"Voltiq","chargePointModel":"AC22-T2","chargePointSerialNumber":"SN1"}]"#,
            r#"[2,"1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"300"}]"#,
            r#"[2,"1","DataTransfer",{"vendorId":"v","messageId":"m","data":"some text","info":"more"}]"#,
        ];
        let variants = |t: &str| -> Vec<String> {
            let mut v = vec![t.to_string()];
            for (from, to) in [
                ("2330048", "2330048123"),
                ("\"14.0\"", "\"-0.5\""),
                ("Sample.Periodic", "Sample.Clock"),
                ("\"Wh\"", "\"kWh\""),
                ("Energy.Active.Import.Register", "SoC"),
                ("2025-05-04T00:20:03Z", "not a time"),
                ("2025-05-04T00:30:00Z", "2025-05-04T00:30:00\\u005a"),
                (":7,", ":7000000000,"),
                (":7,", ":7.5,"),
                (":1,", ":12,"),
                ("Accepted", "Blocked"),
                ("Accepted", "Acc\\u0065pted"),
                ("\"Raw\"", "\"SignedData\""),
                ("\"Outlet\"", "\"Body\""),
                ("EmergencyPressed", "Emergency\\u00e9 \\\"pressed\\\""),
                ("AB12", ""),
                ("\"300\"", "\" 42 \""),
                ("some text", &"x".repeat(300)),
                ("2025-05-04T00:00:14.000Z", "2025-05-04T00:00:14.000+02:00"),
            ] {
                if t.contains(from) {
                    v.push(t.replacen(from, to, 1));
                }
            }
            v
        };
        let facts_of = |frame: &Frame| {
            let mut f = RawFacts::default();
            extract_into(frame, &mut f);
            format!("{f:?}")
        };
        for template in templates {
            let kept = with_tape(|tape| parse_body_in(template, tape).map(|f| f.payload.shape().id)).unwrap();
            assert_ne!(kept, 0, "{template}");
            for text in variants(template) {
                let (shape, through_plan) = with_tape(|tape| {
                    let frame = parse_body_in(&text, tape).expect(&text);
                    (frame.payload.shape().id, facts_of(&frame))
                });
                assert_eq!(shape, kept, "read through the shape: {text}");
                // a frame of its own (not on a shape's tape) gets a plan made for it
                let own = crate::ingest::frame::parse_frame(&text).unwrap();
                assert_eq!(own.payload.shape().id, 0);
                assert_eq!(through_plan, facts_of(&own), "{text}");
            }
        }
    }

    proptest::proptest! {
        /// The direct reading of short decimals is the parser's, bit for bit.
        #[test]
        fn parse_f64_is_the_parser(s in "-?[0-9]{0,17}(\\.[0-9]{0,17})?|[-+.eE0-9a-z ]{0,12}") {
            let ours = parse_f64(&s);
            let theirs: Option<f64> = s.parse().ok();
            proptest::prop_assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "{:?}", s);
        }
    }

    #[test]
    fn parse_f64_reads_meter_values() {
        for (s, want) in [("1568001", 1568001.0), ("10.7", 10.7), ("-0.5", -0.5), ("007", 7.0), ("-0", -0.0)] {
            assert_eq!(parse_f64(s).map(f64::to_bits), Some(f64::to_bits(want)), "{s}");
        }
        for s in ["", "-", ".", "5.", ".5", "1.2.3", "1e3", "inf", "NaN"] {
            assert_eq!(parse_f64(s).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits), "{s}");
        }
    }

    #[test]
    fn the_payload_time_is_the_first_meter_values_or_its_own() {
        let f = parse_frame(r#"[2,"a","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"bad","sampledValue":[]},{"timestamp":"2025-01-01T00:00:01Z","sampledValue":[]},{"timestamp":"2025-01-01T00:00:02Z","sampledValue":[]}]}]"#).unwrap();
        assert_eq!(extract(&f).time, parse_timestamp("2025-01-01T00:00:01Z", chrono_tz::UTC).unwrap());
        let f = parse_frame(r#"[2,"a","StopTransaction",{"timestamp":"2025-01-01T00:00:05Z","transactionData":[{"timestamp":"2025-01-01T00:00:09Z","sampledValue":[{"value":"5"}]}]}]"#).unwrap();
        let x = extract(&f);
        assert_eq!(x.time, parse_timestamp("2025-01-01T00:00:05Z", chrono_tz::UTC).unwrap());
        assert!(x.readings[0].from_stop);
    }

    #[test]
    fn string_meter_start_still_read() {
        let f = parse_frame(r#"[2,"a","StartTransaction",{"connectorId":1,"idTag":"X","meterStart":"1234","timestamp":"2025-01-01T00:00:00Z"}]"#).unwrap();
        assert_eq!(extract(&f).value, 1234);
    }
}
