//! JSON Lines: one object per line holding the frame (an array, or a string
//! that holds it) and optional timestamp, station and direction fields under
//! whatever names.

use super::frame::{find_frame_start, frame_from_value, parse_frame, Frame, MsgKind};
use super::hints::{direction_word, is_station_key, DirHint};
use super::nesting::{Event, Nesting};
use super::timestamp::parse_timestamp;
use super::Extracted;
use chrono_tz::Tz;
use serde_json::{Map, Value};

const TIME_KEYS: [&str; 12] = [
    "timestamp",
    "ts",
    "time",
    "at",
    "date",
    "datetime",
    "@timestamp",
    "received_at",
    "receivedat",
    "created_at",
    "createdat",
    "logged_at",
];
/// `timestamp`, `ts`, `time_ms`, `receivedAt`, `logDate`...
fn is_time_key(key: &str) -> bool {
    TIME_KEYS.contains(&key) || key.contains("time") || key.contains("date")
}

const DIR_KEYS: [&str; 6] = ["direction", "dir", "flow", "msgflow", "origin", "way"];
const FRAME_KEYS: [&str; 7] = ["frame", "message", "msg", "raw", "ocpp", "data", "body"];

pub fn extract(raw: &str, tz: Tz) -> Extracted<'static> {
    let line = raw.trim().trim_start_matches('\u{FEFF}');
    let obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(Value::Array(_)) => {
            // a bare frame per line
            return Extracted { frame: parse_frame(line).map_err(|e| e.to_string()), ..Extracted::default() };
        }
        _ => {
            if let Some(p) = find_frame_start(line) {
                let mut ex = super::text::extract(line, tz);
                if ex.frame.is_err() {
                    ex.frame = parse_frame(&line[p..]).map_err(|e| e.to_string());
                }
                return ex;
            }
            return Extracted::unparsed("line is not a JSON object");
        }
    };
    let mut ex = Extracted { frame: find_frame(&obj), ..Extracted::default() };
    for (k, v) in &obj {
        let key = k.to_lowercase();
        if ex.at.is_none() && is_time_key(&key) {
            ex.at = match v {
                Value::String(s) => parse_timestamp(s, tz),
                Value::Number(n) => parse_timestamp(&n.to_string(), tz),
                _ => None,
            };
        } else if ex.station.is_none() && is_station_key(&key) {
            if let Value::String(s) = v {
                if !s.is_empty() {
                    ex.station = Some(s.clone().into());
                }
            }
        } else if ex.dir == DirHint::None && DIR_KEYS.contains(&key.as_str()) {
            if let Value::String(s) = v {
                ex.dir = direction_word(s);
            }
        }
    }
    ex
}

fn find_frame(obj: &Map<String, Value>) -> Result<Frame<'static>, String> {
    // 1. a field holding the frame array
    let mut first_err = None;
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort_by_key(|k| FRAME_KEYS.iter().position(|f| k.eq_ignore_ascii_case(f)).unwrap_or(FRAME_KEYS.len()));
    for k in &keys {
        if let Some(v @ Value::Array(items)) = obj.get(*k) {
            if matches!(items.first(), Some(Value::Number(_))) {
                match frame_from_value(v.clone()) {
                    Ok(f) => return Ok(f),
                    Err(e) => first_err = first_err.or(Some(e.to_string())),
                }
            }
        }
    }
    // 2. a string field holding the frame
    for k in &keys {
        if let Some(Value::String(s)) = obj.get(*k) {
            if let Some(p) = find_frame_start(s) {
                match parse_frame(s[p..].trim_end()) {
                    Ok(f) => return Ok(f),
                    Err(e) => first_err = first_err.or(Some(e.to_string())),
                }
            }
        }
    }
    // 3. the frame split into fields
    if let Some(f) = rebuild(obj) {
        return Ok(f);
    }
    Err(first_err.unwrap_or_else(|| "no OCPP-J frame in this JSON object".to_string()))
}

/// `{"messageType":"CALL","messageId":"..","action":"..","payload":{..}}` and similar.
fn rebuild(obj: &Map<String, Value>) -> Option<Frame<'static>> {
    let get = |names: &[&str]| -> Option<&Value> {
        obj.iter().find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n))).map(|(_, v)| v)
    };
    let kind = match get(&["messageType", "messageTypeId", "type", "msgType"])? {
        Value::Number(n) => match n.as_u64()? {
            2 => MsgKind::Call,
            3 => MsgKind::Result,
            4 => MsgKind::Error,
            _ => return None,
        },
        Value::String(s) => match s.to_uppercase().as_str() {
            "CALL" | "2" | "REQUEST" => MsgKind::Call,
            "CALLRESULT" | "3" | "RESPONSE" | "RESULT" => MsgKind::Result,
            "CALLERROR" | "4" | "ERROR" => MsgKind::Error,
            _ => return None,
        },
        _ => return None,
    };
    let uid = match get(&["messageId", "uniqueId", "msgId", "id", "message_id", "unique_id"])? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let payload = get(&["payload", "data", "body"]).cloned().unwrap_or(Value::Object(Map::new()));
    let frame = match kind {
        MsgKind::Call => {
            let action = get(&["action", "command"])?.as_str()?.to_string();
            Value::Array(vec![2.into(), uid.into(), action.into(), payload])
        }
        MsgKind::Result => Value::Array(vec![3.into(), uid.into(), payload]),
        MsgKind::Error => {
            let code = get(&["errorCode"]).and_then(Value::as_str).unwrap_or("GenericError").to_string();
            let desc = get(&["errorDescription"]).and_then(Value::as_str).unwrap_or("").to_string();
            Value::Array(vec![4.into(), uid.into(), code.into(), desc.into(), payload])
        }
    };
    frame_from_value(frame).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Direction;

    #[test]
    fn frame_as_array_field() {
        let ex = extract(
            r#"{"ts":"2025-05-04T00:00:01.000Z","station":"CP-1","dir":"in","frame":[2,"1","Heartbeat",{}]}"#,
            chrono_tz::UTC,
        );
        assert_eq!(ex.frame.unwrap().action.as_deref(), Some("Heartbeat"));
        assert_eq!(ex.station.as_deref(), Some("CP-1"));
        assert_eq!(ex.dir, DirHint::In);
        assert_eq!(ex.at, Some(1_746_316_801_000));
    }

    #[test]
    fn frame_as_string_field_and_trace_format() {
        let ex = extract(
            r#"{"timestamp":"2024-01-15T12:00:00.500Z","chargePointId":"CS-3","direction":"csms-to-cp","messageType":"CALLRESULT","messageId":"msg-001","payload":{"status":"Accepted"},"raw":"[3,\"msg-001\",{\"status\":\"Accepted\"}]"}"#,
            chrono_tz::UTC,
        );
        assert_eq!(ex.frame.unwrap().kind, MsgKind::Result);
        assert_eq!(ex.dir, DirHint::Abs(Direction::CsToCp));
        assert_eq!(ex.station.as_deref(), Some("CS-3"));
    }

    #[test]
    fn split_fields_are_rebuilt() {
        let ex = extract(
            r#"{"messageType":"CALL","messageId":"9","action":"Authorize","payload":{"idTag":"X"}}"#,
            chrono_tz::UTC,
        );
        let f = ex.frame.unwrap();
        assert_eq!((f.kind, f.unique_id.as_ref()), (MsgKind::Call, "9"));
        assert_eq!(f.payload.to_value()["idTag"], "X");
    }

    #[test]
    fn non_objects_are_unparsed() {
        assert!(extract("hello", chrono_tz::UTC).frame.is_err());
        assert!(extract(r#"{"a":1}"#, chrono_tz::UTC).frame.is_err());
    }
}

/// Splits a file that is one JSON array (`[{..},{..}]`, pretty-printed or on
/// one line) into its elements, each read like a JSON Lines record.
#[derive(Default)]
pub struct ArrayGrouper {
    nesting: Nesting,
    start: Option<(u32, u64)>,
}

impl ArrayGrouper {
    /// Feed one line (without its ending) that starts at byte `offset`.
    pub fn push(&mut self, line_no: u32, offset: u64, line: &[u8], out: &mut Vec<super::text::Span>) {
        for (k, &b) in line.iter().enumerate() {
            let at = offset + k as u64;
            // elements are what stands at depth 1, inside the outer array
            let depth_before = self.nesting.depth;
            match self.nesting.step(b) {
                Event::StringStart | Event::Open if depth_before == 1 => self.start = Some((line_no, at)),
                Event::StringEnd | Event::Close if self.nesting.depth == 1 => self.close(at, out),
                _ => {}
            }
        }
    }

    fn close(&mut self, at: u64, out: &mut Vec<super::text::Span>) {
        if let Some((line, start)) = self.start.take() {
            out.push(super::text::Span { line, start, end: at + 1 });
        }
    }

    /// An element still open at the end of the file is kept (it will not parse).
    pub fn finish(&mut self, end: u64, out: &mut Vec<super::text::Span>) {
        if self.nesting.depth > 1 {
            self.close(end.saturating_sub(1), out);
        }
    }

    /// The earliest byte an unfinished element needs.
    pub fn earliest_needed(&self) -> Option<u64> {
        self.start.map(|(_, s)| s)
    }
}

#[cfg(test)]
mod array_tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let mut g = ArrayGrouper::default();
        let mut out = Vec::new();
        let mut off = 0u64;
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches('\n');
            g.push(n as u32 + 1, off, body.as_bytes(), &mut out);
            off += line.len() as u64;
        }
        g.finish(off, &mut out);
        out.iter().map(|s| text[s.start as usize..s.end as usize].to_string()).collect()
    }

    #[test]
    fn elements_of_pretty_and_minified_arrays() {
        let pretty = "[\n  {\n    \"ts\": \"x]\",\n    \"frame\": [2, \"a\", \"Heartbeat\", {}]\n  },\n  {\"frame\": [3, \"a\", {}]}\n]\n";
        let parts = split(pretty);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with('{') && parts[0].ends_with('}'));
        assert_eq!(
            split("[[2,\"a\",\"Heartbeat\",{}],[3,\"a\",{}]]"),
            vec!["[2,\"a\",\"Heartbeat\",{}]", "[3,\"a\",{}]"]
        );
    }
}
