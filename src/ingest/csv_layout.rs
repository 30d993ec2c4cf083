//! CSV exports of charging back ends. Columns are recognised by what their
//! cells hold (a frame, a time, a direction word, an action name, a JSON
//! payload), with header names only as a tie-breaker, so unseen exports with
//! other headers or none still read.

use super::frame::{find_frame_start, frame_from_value, parse_frame_in, with_tape, MsgKind};
use super::hints::{direction_word, is_station_key, DirHint};
use super::json::Node;
use super::timestamp::parse_timestamp;
use super::Extracted;
use crate::ocpp::{origin, split_action_suffix, Origin};
use crate::store::Direction;
use chrono_tz::Tz;
use serde_json::Value;
use std::borrow::Cow;

/// The roles of a CSV file's columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvLayout {
    pub delimiter: u8,
    /// Records before the header or data that are neither (Excel's `sep=;`,
    /// report titles); counted as context lines.
    pub preamble: usize,
    pub has_header: bool,
    pub time: Option<usize>,
    pub station: Option<usize>,
    pub direction: Option<usize>,
    pub action: Option<usize>,
    pub body: Body,
    /// A second frame column with the answer to the row's request (request
    /// and response of one exchange in one row); placeholders such as
    /// "-Awaiting response from charger-" hold no frame and are no row.
    pub answer: Option<usize>,
}

/// Where the frame is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// One column holds the whole frame.
    Frame(usize),
    /// The frame is split into id / payload (+ action, direction or type) columns.
    Split { id: usize, payload: usize, kind: Option<usize> },
}

/// `str::trim`, with the common cell that has nothing to trim (an ASCII
/// byte that is not a blank at each end) told by two bytes.
#[inline]
fn trim(cell: &str) -> &str {
    let kept = |b: &u8| *b < 0x80 && !matches!(b, b'\t'..=b'\r' | b' ');
    match cell.as_bytes() {
        [first, .., last] if kept(first) && kept(last) => cell,
        [only] if kept(only) => cell,
        _ => cell.trim(),
    }
}

fn is_frame_cell(c: &str) -> bool {
    find_frame_start(c.trim_start()) == Some(0)
}

fn is_time_cell(c: &str) -> bool {
    let c = c.trim();
    // bare numbers are only times when they have an epoch's length
    !c.is_empty() && parse_timestamp(c, chrono_tz::UTC).is_some()
}

fn is_payload_cell(c: &str) -> bool {
    let c = c.trim();
    c == "null" || (c.starts_with('{') && serde_json::from_str::<Value>(c).is_ok_and(|v| v.is_object()))
}

fn is_action_cell(c: &str) -> bool {
    origin(split_action_suffix(c).0).is_some()
}

fn is_kind_cell(c: &str) -> bool {
    kind_word(c).is_some()
}

fn kind_word(c: &str) -> Option<MsgKind> {
    match c.trim().to_uppercase().as_str() {
        "CALL" | "2" | "REQUEST" | "REQ" => Some(MsgKind::Call),
        "CALLRESULT" | "3" | "RESPONSE" | "RESULT" | "CONF" | "CONFIRMATION" => Some(MsgKind::Result),
        "CALLERROR" | "4" | "ERROR" => Some(MsgKind::Error),
        _ => None,
    }
}

/// Share of non-empty cells of column `col` that pass `test` (0 when all empty).
fn share(rows: &[Vec<String>], col: usize, test: impl Fn(&str) -> bool) -> f64 {
    let mut hits = 0usize;
    let mut filled = 0usize;
    for r in rows {
        if let Some(c) = r.get(col) {
            if !c.trim().is_empty() {
                filled += 1;
                if test(c) {
                    hits += 1;
                }
            }
        }
    }
    if filled == 0 {
        0.0
    } else {
        hits as f64 / filled as f64
    }
}

/// Try to read `sample` (whole records from the start of the file) as CSV
/// with this delimiter; `None` when no column holds frames or split frames.
pub fn detect(sample: &str, delimiter: u8) -> Option<(CsvLayout, usize)> {
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(sample.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for rec in rdr.records().take(300) {
        let Ok(rec) = rec else { break };
        rows.push(rec.iter().map(|s| s.trim_start_matches('\u{FEFF}').to_string()).collect());
    }
    // a long sample may end inside a record
    if rows.len() > 20 {
        rows.pop();
    }
    if rows.is_empty() {
        return None;
    }
    let width = most_common_width(&rows);
    if width < 2 {
        return None;
    }
    // title lines or Excel's "sep=;" above the table
    let preamble = rows.iter().position(|r| r.len() == width).unwrap_or(0);
    if preamble > 10 || rows[..preamble].iter().flatten().any(|c| is_frame_cell(c)) {
        return None;
    }
    let rows = &rows[preamble..];
    let consistent = rows.iter().filter(|r| r.len() == width).count();
    if consistent * 10 < rows.len() * 7 {
        return None;
    }
    let header_names: Vec<String> = rows[0].iter().map(|s| s.trim().to_lowercase()).collect();
    let data = if rows.len() > 1 { &rows[1..] } else { rows };
    let best = |test: &dyn Fn(&str) -> bool, min: f64, skip: &[Option<usize>]| -> Option<usize> {
        (0..width)
            .filter(|c| !skip.contains(&Some(*c)))
            .map(|c| (c, share(data, c, test)))
            .filter(|&(_, s)| s >= min)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c)
    };
    let mut frame = best(&is_frame_cell, 0.5, &[]);
    let mut answer = frame.and_then(|f| best(&is_frame_cell, 0.2, &[Some(f)]));
    // the request column is the one holding CALLs
    let calls =
        |c: usize| share(data, c, |cell| cell.trim_start().trim_start_matches('[').trim_start().starts_with('2'));
    if let (Some(f), Some(a)) = (frame, answer) {
        if calls(a) > calls(f) {
            (frame, answer) = (Some(a), Some(f));
        }
    }
    if answer.is_some_and(|a| calls(a) > 0.5) {
        answer = None;
    }
    let time = (0..width).find(|&c| Some(c) != frame && share(data, c, is_time_cell) >= 0.8);
    let direction = best(&|c| direction_word(c) != DirHint::None, 0.8, &[frame, time]);
    let action = best(&is_action_cell, 0.8, &[frame, time, direction]);
    let body = match frame {
        Some(f) => Body::Frame(f),
        None => {
            let payload = best(&is_payload_cell, 0.8, &[time, direction, action])?;
            action?;
            let kind = best(&is_kind_cell, 0.9, &[time, direction, action, Some(payload)]);
            let id = header_names
                .iter()
                .position(|h| {
                    matches!(
                        h.as_str(),
                        "id" | "messageid" | "message_id" | "uniqueid" | "unique_id" | "msgid" | "msg_id" | "uid"
                    )
                })
                .filter(|c| ![time, direction, action, Some(payload), kind].contains(&Some(*c)))
                .or_else(|| most_distinct(data, width, &[time, direction, action, Some(payload), kind]))?;
            Body::Split { id, payload, kind }
        }
    };
    let used = |c: usize| {
        answer == Some(c)
            || match &body {
                Body::Frame(f) => *f == c,
                Body::Split { id, payload, kind } => *id == c || *payload == c || *kind == Some(c),
            }
            || [time, direction, action].contains(&Some(c))
    };
    let station = header_names
        .iter()
        .position(|h| is_station_key(h) || h == "id" || h == "name")
        .filter(|&c| !used(c))
        .or_else(|| station_by_content(data, width, &used));

    // a first row whose cells do not have their column's kind is a header
    let first = &rows[0];
    let has_header = match &body {
        Body::Frame(f) => !first.get(*f).is_some_and(|c| is_frame_cell(c)),
        Body::Split { payload, .. } => !first.get(*payload).is_some_and(|c| is_payload_cell(c)),
    } && !time.is_some_and(|t| first.get(t).is_some_and(|c| is_time_cell(c)));
    let score = data.len() * width;
    Some((CsvLayout { delimiter, preamble, has_header, time, station, direction, action, body, answer }, score))
}

fn most_common_width(rows: &[Vec<String>]) -> usize {
    let mut counts = std::collections::HashMap::new();
    for r in rows {
        *counts.entry(r.len()).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|&(w, n)| (n, w)).map_or(0, |(w, _)| w)
}

fn most_distinct(data: &[Vec<String>], width: usize, skip: &[Option<usize>]) -> Option<usize> {
    (0..width)
        .filter(|c| !skip.contains(&Some(*c)))
        .map(|c| {
            let mut vals: Vec<&str> = data.iter().filter_map(|r| r.get(c)).map(|s| s.as_str()).collect();
            let n = vals.len();
            vals.sort_unstable();
            vals.dedup();
            (c, vals.len() as f64 / n.max(1) as f64)
        })
        .filter(|&(_, d)| d > 0.3)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// A station column: short identifiers, few distinct values, not numbers.
fn station_by_content(data: &[Vec<String>], width: usize, used: &dyn Fn(usize) -> bool) -> Option<usize> {
    (0..width).filter(|&c| !used(c)).find(|&c| {
        let vals: Vec<&str> = data.iter().filter_map(|r| r.get(c)).map(|s| s.trim()).collect();
        if vals.is_empty() || vals.iter().any(|v| v.is_empty() || v.len() > 64 || v.contains(' ')) {
            return false;
        }
        if vals.iter().all(|v| v.parse::<f64>().is_ok()) {
            return false;
        }
        let mut distinct = vals.clone();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.len() <= 50.max(vals.len() / 20) && distinct.len() * 2 <= vals.len().max(2)
    })
}

impl CsvLayout {
    /// What a record's cells say besides its frame.
    fn head<'a>(&self, cells: &[&'a str], tz: Tz) -> Extracted<'a> {
        let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).map(|s| trim(s)).filter(|s| !s.is_empty());
        Extracted {
            at: cell(self.time).and_then(|t| parse_timestamp(t, tz)),
            station: cell(self.station).map(Cow::Borrowed),
            dir: cell(self.direction).map_or(DirHint::None, direction_word),
            action_hint: cell(self.action).map(|a| Cow::Borrowed(split_action_suffix(a).0)),
            frame: Err(String::new()),
        }
    }

    /// Read one record's cells onto the caller's tape, borrowing them.
    pub fn extract_cells_in<'a>(&self, cells: &[&'a str], tz: Tz, tape: &'a mut Vec<Node>) -> Extracted<'a> {
        let head = self.head(cells, tz);
        let frame = match &self.body {
            Body::Frame(c) => match cells.get(*c).map(|s| trim(s)) {
                Some(text) if !text.is_empty() => parse_frame_in(text, tape).map_err(|e| e.to_string()),
                _ => Err("the frame column is empty".to_string()),
            },
            Body::Split { id, payload, kind } => self.rebuild(cells, *id, *payload, *kind, head.dir),
        };
        // made in one expression (see `Batch::push_with`)
        Extracted { frame, ..head }
    }

    /// The answer in the row's second frame column, when there is one.
    pub fn extract_answer_cells_in<'a>(
        &self,
        cells: &[&'a str],
        tz: Tz,
        tape: &'a mut Vec<Node>,
    ) -> Option<Extracted<'a>> {
        let text = trim(cells.get(self.answer?)?);
        if !text.contains('[') {
            return None;
        }
        let head = self.head(cells, tz);
        let dir = match head.dir {
            DirHint::Abs(d) => DirHint::Abs(d.reverse()),
            DirHint::In => DirHint::Out,
            DirHint::Out => DirHint::In,
            DirHint::None => DirHint::None,
        };
        let frame = parse_frame_in(text, tape).map_err(|e| e.to_string());
        Some(Extracted { dir, frame, ..head })
    }

    /// Every message of one raw record: the request, and the answer when the row holds it too.
    /// The record is split as loading splits it (`split_record`, which
    /// the csv crate's reading is held to).
    pub fn extract_raw_all(&self, raw: &str, tz: Tz) -> Vec<Extracted<'static>> {
        let (mut unquoted, mut fields) = (Vec::new(), Vec::new());
        if !super::split_record(raw.as_bytes(), self.delimiter, &mut unquoted, &mut fields) {
            return vec![Extracted::unparsed("not a CSV record")];
        }
        // fields of a text cut at ASCII bytes are text too
        let text = String::from_utf8_lossy(&unquoted);
        let cells: Vec<&str> = fields.iter().map(|&(a, b)| text.get(a as usize..b as usize).unwrap_or("")).collect();
        let mut all = vec![with_tape(|t| self.extract_cells_in(&cells, tz, t).into_owned())];
        all.extend(with_tape(|t| self.extract_answer_cells_in(&cells, tz, t).map(Extracted::into_owned)));
        all
    }

    /// Read one raw record's request (for re-reading a message from its span).
    pub fn extract_raw(&self, raw: &str, tz: Tz) -> Extracted<'static> {
        self.extract_raw_all(raw, tz).swap_remove(0)
    }

    fn rebuild(
        &self,
        cells: &[&str],
        id: usize,
        payload: usize,
        kind: Option<usize>,
        dir: DirHint,
    ) -> Result<super::frame::Frame<'static>, String> {
        let get = |c: usize| cells.get(c).map(|s| s.trim()).unwrap_or("");
        let uid = get(id);
        if uid.is_empty() {
            return Err("the message id column is empty".to_string());
        }
        let action_cell = self.action.map(get).unwrap_or("");
        let (action, suffix_says_response) = split_action_suffix(action_cell);
        let body_text = get(payload);
        let body: Value = if body_text.is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_str(body_text)
                .or_else(|_| {
                    super::frame::repair_quotes(body_text).and_then(|t| serde_json::from_str(&t).ok()).ok_or(())
                })
                .map_err(|_| "the payload column is not valid JSON".to_string())?
        };
        let msg_kind = kind
            .and_then(|k| kind_word(get(k)))
            .or_else(|| suffix_says_response.map(|r| if r { MsgKind::Result } else { MsgKind::Call }))
            .or_else(|| {
                // a plain action name: a call when it travels the action's way
                let travels = match dir {
                    DirHint::Abs(d) => d,
                    _ => return None,
                };
                match origin(action)? {
                    Origin::Station => Some(if travels == Direction::CpToCs { MsgKind::Call } else { MsgKind::Result }),
                    Origin::CentralSystem => {
                        Some(if travels == Direction::CsToCp { MsgKind::Call } else { MsgKind::Result })
                    }
                    Origin::Either => None,
                }
            })
            .ok_or_else(|| "cannot tell whether this row is a request or a response".to_string())?;
        let frame = match msg_kind {
            MsgKind::Call => {
                if action.is_empty() {
                    return Err("request row without an action".to_string());
                }
                Value::Array(vec![2.into(), uid.into(), action.into(), body])
            }
            MsgKind::Result => Value::Array(vec![3.into(), uid.into(), body]),
            MsgKind::Error => Value::Array(vec![4.into(), uid.into(), "GenericError".into(), "".into(), body]),
        };
        frame_from_value(frame).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        let mut texts = vec![String::new()];
        for c in ['a', ' ', '\t', '\n', '\u{0B}', '\u{0C}', '\r', '\u{1F}', '\u{85}', '\u{A0}', '\u{3000}', 'é', '\0']
        {
            for t in texts.clone() {
                if t.chars().count() < 3 {
                    texts.push(format!("{t}{c}"));
                    texts.push(format!("{c}{t}"));
                }
            }
        }
        for t in &texts {
            assert_eq!(trim(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn frame_column_with_header_station_and_direction() {
        let s = "Timestamp,ChargePoint,Direction,Action,Message\n\
2025-05-04T00:00:01.000Z,CP-1,Request In,Heartbeat,\"[2,\"\"1\"\",\"\"Heartbeat\"\",{}]\"\n\
2025-05-04T00:00:01.500Z,CP-1,Response Out,Heartbeat,\"[3,\"\"1\"\",{}]\"\n\
2025-05-04T00:00:02.000Z,CP-2,Request In,Heartbeat,\"[2,\"\"2\"\",\"\"Heartbeat\"\",{}]\"\n";
        let (l, _) = detect(s, b',').unwrap();
        assert_eq!(l.body, Body::Frame(4));
        assert_eq!((l.time, l.station, l.direction, l.action), (Some(0), Some(1), Some(2), Some(3)));
        assert!(l.has_header);
    }

    #[test]
    fn headerless_semicolon_german() {
        let s = "04.05.2025 00:00:01;CP-1;Anfrage Ein;Heartbeat;\"[2,\"\"1\"\",\"\"Heartbeat\"\",{}]\"\n\
04.05.2025 00:00:02;CP-1;Antwort Aus;Heartbeat;\"[3,\"\"1\"\",{}]\"\n\
04.05.2025 00:00:03;CP-1;Anfrage Ein;Heartbeat;\"[2,\"\"2\"\",\"\"Heartbeat\"\",{}]\"\n";
        let (l, _) = detect(s, b';').unwrap();
        assert!(!l.has_header);
        assert_eq!(l.body, Body::Frame(4));
        let ex = l.extract_raw("04.05.2025 00:00:02;CP-1;Antwort Aus;Heartbeat;\"[3,\"\"1\"\",{}]\"", chrono_tz::UTC);
        assert_eq!(ex.frame.unwrap().kind, MsgKind::Result);
        assert_eq!(ex.dir, DirHint::Abs(Direction::CsToCp));
    }

    #[test]
    fn split_columns_are_rebuilt() {
        let s = "cp_id,real_time,received_time,Id,msgFlow,command,payLoadData\n\
CP9,\"22/09/2025, 11:59:31 pm IST\",\"22/09/2025, 11:59:31 pm IST\",u-2,CMS-->CP,HeartbeatResponse,\"{\"\"currentTime\"\":\"\"2025-09-22T18:29:31Z\"\"}\"\n\
CP9,\"22/09/2025, 11:59:30 pm IST\",\"22/09/2025, 11:59:30 pm IST\",u-2,CP-->CMS,HeartbeatRequest,{}\n\
CP9,\"22/09/2025, 11:58:30 pm IST\",\"22/09/2025, 11:58:30 pm IST\",u-1,CP-->CMS,HeartbeatRequest,{}\n";
        let (l, _) = detect(s, b',').unwrap();
        assert_eq!(l.body, Body::Split { id: 3, payload: 6, kind: None });
        assert_eq!(l.station, Some(0));
        let ex =
            l.extract_raw("CP9,\"22/09/2025, 11:59:30 pm IST\",x,u-2,CP-->CMS,HeartbeatRequest,{}", chrono_tz::UTC);
        let f = ex.frame.unwrap();
        assert_eq!((f.kind, f.action.as_deref()), (MsgKind::Call, Some("Heartbeat")));
    }

    #[test]
    fn request_and_response_in_one_row() {
        let s = "Event Name,Event Type,Request,Response,Created On\n\
Heartbeat,Charger-CMS,\"[2,\"\"h2\"\",\"\"Heartbeat\"\",{}]\",\"[3,\"\"h2\"\",{\"\"currentTime\"\":\"\"2025-09-22T10:00:00Z\"\"}]\",09/22/2025 15:30:00\n\
Reset,CMS-Charger,\"[2,\"\"r1\"\",\"\"Reset\"\",{\"\"type\"\":\"\"Soft\"\"}]\",-Awaiting response from charger-,09/22/2025 15:29:00\n\
Heartbeat,Charger-CMS,\"[2,\"\"h1\"\",\"\"Heartbeat\"\",{}]\",\"[3,\"\"h1\"\",{\"\"currentTime\"\":\"\"2025-09-22T09:55:00Z\"\"}]\",09/22/2025 15:25:00\n";
        let (l, _) = detect(s, b',').unwrap();
        assert_eq!((l.body.clone(), l.answer), (Body::Frame(2), Some(3)));
        let all = l.extract_raw_all(s.lines().nth(1).unwrap(), chrono_tz::UTC);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].frame.as_ref().unwrap().kind, MsgKind::Result);
        assert_eq!(all[1].dir, DirHint::Abs(Direction::CsToCp));
        assert_eq!(l.extract_raw_all(s.lines().nth(2).unwrap(), chrono_tz::UTC).len(), 1);
    }

    #[test]
    fn excel_separator_line_and_titles_are_skipped() {
        let s = "sep=;\nLadelog Export\nZeit;Station;Nachricht\n\
01.05.2025 10:00:00;CP1;\"[2,\"\"1\"\",\"\"Heartbeat\"\",{}]\"\n\
01.05.2025 10:00:01;CP1;\"[3,\"\"1\"\",{}]\"\n";
        let (l, _) = detect(s, b';').unwrap();
        assert_eq!((l.preamble, l.has_header, l.body.clone()), (2, true, Body::Frame(2)));
    }

    #[test]
    fn text_lines_are_not_csv() {
        let s = "2025-05-04 00:00:01.000 [CP-1] <- [2,\"1\",\"Heartbeat\",{}]\n2025-05-04 00:00:02.000 [CP-1] -> [3,\"1\",{}]\n";
        assert!(detect(s, b',').is_none());
    }
}
