//! Reading direction words and station names out of columns and log prefixes.

use crate::store::Direction;

/// What a record says about its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DirHint {
    #[default]
    None,
    /// The layout names the direction outright ("CP→CS", "Request In" in a back-end export).
    Abs(Direction),
    /// "in"/"received"/"<-": into the program that wrote the log (which side that is, is decided per file).
    In,
    /// "out"/"sent"/"->": out of the program that wrote the log.
    Out,
}

/// A cell or word that names a direction.
pub fn direction_word(text: &str) -> DirHint {
    // a layout's direction column holds a handful of words: remember them
    const KEPT: usize = 16;
    std::thread_local! {
        static SEEN: std::cell::RefCell<Vec<(Box<str>, DirHint)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SEEN.with_borrow_mut(|seen| {
        if let Some((_, hint)) = seen.iter().find(|(word, _)| **word == *text) {
            return *hint;
        }
        let hint = read_direction_word(text);
        if seen.len() == KEPT {
            seen.clear();
        }
        seen.push((text.into(), hint));
        hint
    })
}

fn read_direction_word(text: &str) -> DirHint {
    let t: String = text.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() || t.len() > 40 {
        return DirHint::None;
    }
    // Back-end exports speak from the central system's point of view.
    match t.as_str() {
        "request in" | "anfrage ein" | "response in" | "antwort ein" => return DirHint::Abs(Direction::CpToCs),
        "request out" | "anfrage aus" | "response out" | "antwort aus" => return DirHint::Abs(Direction::CsToCp),
        _ => {}
    }
    if let Some(abs) = absolute_arrow(&t) {
        return DirHint::Abs(abs);
    }
    match t.as_str() {
        "in" | "incoming" | "inbound" | "received" | "receive" | "recv" | "rx" | "<-" | "<<" | "<--" | "←" | "ein"
        | "eingehend" | "eingang" | "rcv" | "req in" => DirHint::In,
        "out" | "outgoing" | "outbound" | "sent" | "send" | "sending" | "tx" | "->" | ">>" | "-->" | "→" | "aus"
        | "ausgehend" | "ausgang" | "snd" => DirHint::Out,
        _ => DirHint::None,
    }
}

const STATION_WORDS: [&str; 6] = ["chargepoint", "charge point", "charger", "station", "cp", "evse"];
const CENTRAL_WORDS: [&str; 6] = ["centralsystem", "central system", "csms", "cms", "cs", "server"];

/// "CP→CS", "CP-->CMS", "cp-to-csms", "ChargePoint>CentralSystem", "CMS-Charger"...
fn absolute_arrow(t: &str) -> Option<Direction> {
    let first = |words: &[&str]| -> Option<usize> { words.iter().filter_map(|w| find_word(t, w)).min() };
    let station = first(&STATION_WORDS)?;
    let central = first(&CENTRAL_WORDS)?;
    // both sides named: the first one is the sender
    Some(if station < central { Direction::CpToCs } else { Direction::CsToCp })
}

/// Position of `word` in `t` where it is not part of a longer alphanumeric word.
fn find_word(t: &str, word: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(p) = t[from..].find(word) {
        let at = from + p;
        let end = at + word.len();
        let before_ok = at == 0 || !b[at - 1].is_ascii_alphanumeric();
        let after_ok = end >= b.len() || !b[end].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + word.len().max(1);
        if from >= t.len() {
            break;
        }
    }
    None
}

/// The direction words in a log line's prefix (the text before the frame).
/// The word or arrow nearest to the frame wins. One pass, no allocation:
/// this runs for every line of a text log.
pub fn scan_prefix_direction(prefix: &str) -> DirHint {
    let b = prefix.as_bytes();
    let mut best: (usize, DirHint) = (0, DirHint::None);
    let mut note = |pos: usize, hint: DirHint| {
        if best.1 == DirHint::None || pos >= best.0 {
            best = (pos, hint);
        }
    };
    // "CP -> CS" written with spaces: close them up around the arrow first
    let arrow = memchr::memmem::find(b, b"->").or_else(|| memchr::memmem::find(b, "\u{2192}".as_bytes()));
    if let Some(at) = arrow {
        let (left, right) = (&prefix[..at], &prefix[at..]);
        let right = right.trim_start_matches(['-', '>', '\u{2192}']);
        let before = left.trim_end().rsplit(|c: char| c.is_whitespace() || matches!(c, '[' | '(')).next().unwrap_or("");
        let after =
            right.trim_start().split(|c: char| c.is_whitespace() || matches!(c, ']' | ')' | ':')).next().unwrap_or("");
        if !before.is_empty() && !after.is_empty() {
            if let Some(d) = absolute_arrow_token(&format!("{before}>{after}")) {
                return DirHint::Abs(d);
            }
        }
    }
    // "CP->CS"-like tokens name the direction outright
    for token in prefix.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')')) {
        if token.len() >= 4 && (token.contains('>') || token.contains('\u{2192}') || contains_ignore_case(token, "to"))
        {
            if let Some(d) = absolute_arrow_token(token) {
                return DirHint::Abs(d);
            }
        }
    }
    // arrows
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'<', Some(b'<' | b'-')) => note(i, DirHint::In),
            (b'>', Some(b'>')) => note(i, DirHint::Out),
            (b'-', Some(b'>')) => note(i, DirHint::Out),
            (0xE2, Some(0x86)) => match b.get(i + 2) {
                Some(0x90) => note(i, DirHint::In),
                Some(0x92) => note(i, DirHint::Out),
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    // words, and the back-end export phrases "Request In", "Antwort Aus"...
    let mut prev: &str = "";
    for (pos, word) in words(prefix) {
        if matches_any(prev, &["request", "response", "anfrage", "antwort"])
            && matches_any(word, &["in", "out", "ein", "aus"])
        {
            // the central system's point of view: whatever comes "in" comes from the station
            let phrase_is_in = word.eq_ignore_ascii_case("in") || word.eq_ignore_ascii_case("ein");
            return DirHint::Abs(if phrase_is_in { Direction::CpToCs } else { Direction::CsToCp });
        }
        let hint =
            if matches_any(word, &["received", "receive", "receiving", "recv", "rx", "incoming", "inbound", "in"]) {
                DirHint::In
            } else if matches_any(word, &["sent", "send", "sending", "tx", "outgoing", "outbound", "out"]) {
                DirHint::Out
            } else {
                DirHint::None
            };
        if hint != DirHint::None {
            note(pos, hint);
        }
        prev = word;
    }
    best.1
}

/// Alphanumeric words with their byte offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        Some((start, &s[start..i]))
    })
}

fn matches_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w))
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A token such as `CP->CS` or `cp-to-csms` or `ChargePoint>CentralSystem`.
fn absolute_arrow_token(token: &str) -> Option<Direction> {
    let lower = token.to_ascii_lowercase();
    absolute_arrow(&lower)
}

/// Keys whose value names the station, in `key=value` or JSON fields.
pub const STATION_KEYS: [&str; 16] = [
    "chargeboxid",
    "chargepointid",
    "chargepoint",
    "charge_point_id",
    "chargepoint_id",
    "cp_id",
    "cpid",
    "cp",
    "station",
    "stationid",
    "station_id",
    "identity",
    "charger",
    "chargerid",
    "charger_id",
    "ladestation",
];

pub fn is_station_key(key: &str) -> bool {
    let k = key.trim();
    STATION_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s))
}

/// The station named in a log line's prefix: `chargeBoxId=X`, `[CP-0001]`,
/// `ocpp:Gresgying01: receive`, `/ocpp/X`. Runs for every line: no allocation
/// until a station is found.
pub fn scan_prefix_station(prefix: &str) -> Option<&str> {
    let b = prefix.as_bytes();
    // key=value (or key:value for the known keys)
    for part in prefix.split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | ';')) {
        if let Some(sep) = part.find(['=', ':']) {
            let (k, v) = (&part[..sep], &part[sep + 1..]);
            let v = v.trim_matches(|c: char| c == '"' || c == '\'' || c == ',');
            if is_station_key(k) && is_identifier(v) {
                return Some(v);
            }
        }
    }
    // python logging "ocpp:<id>: receive message" / "<id>: send"
    for colon in memchr::memchr_iter(b':', b) {
        let after = &prefix[colon + 1..];
        let marker =
            [" receive", " send", " Received", " Sending", " received", " sent"].iter().any(|m| after.starts_with(m));
        if marker {
            let before = &prefix[..colon];
            let id = before.rsplit([':', ' ', '[', ']']).next().unwrap_or("");
            if is_identifier(id) && !is_logger_word(id) {
                return Some(id);
            }
        }
    }
    // /ocpp/<id>
    if let Some(p) = memchr::memmem::find(b, b"/ocpp/") {
        let rest = &prefix[p + 6..];
        let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ']' | ',' | '/' | '"')).unwrap_or(rest.len());
        if is_identifier(&rest[..end]) {
            return Some(&rest[..end]);
        }
    }
    // a bracketed token with a digit that is not a timestamp, thread or level
    let mut rest = prefix;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let token = &after[..close];
        if is_identifier(token)
            && token.bytes().any(|b| b.is_ascii_digit())
            && token.bytes().any(|b| b.is_ascii_alphabetic())
            && !is_logger_word(token)
            && crate::ingest::timestamp::scan_timestamp(token, chrono_tz::UTC).is_none()
        {
            return Some(token);
        }
        rest = &after[close + 1..];
    }
    None
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '#' | '@'))
}

fn is_logger_word(s: &str) -> bool {
    ["thread", "pool", "worker", "exec", "main", "info", "debug", "warn", "error", "trace", "ocpp", "root", "nio-"]
        .iter()
        .any(|w| contains_ignore_case(s, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_words() {
        assert_eq!(direction_word("Request In"), DirHint::Abs(Direction::CpToCs));
        assert_eq!(direction_word("Antwort Aus"), DirHint::Abs(Direction::CsToCp));
        assert_eq!(direction_word("CP-->CMS"), DirHint::Abs(Direction::CpToCs));
        assert_eq!(direction_word("CMS-->CP"), DirHint::Abs(Direction::CsToCp));
        assert_eq!(direction_word("cp-to-csms"), DirHint::Abs(Direction::CpToCs));
        assert_eq!(direction_word("csms-to-cp"), DirHint::Abs(Direction::CsToCp));
        assert_eq!(direction_word("CP→CS"), DirHint::Abs(Direction::CpToCs));
        assert_eq!(direction_word("Charger-CMS"), DirHint::Abs(Direction::CpToCs));
        assert_eq!(direction_word("in"), DirHint::In);
        assert_eq!(direction_word("OUT"), DirHint::Out);
        assert_eq!(direction_word("Heartbeat"), DirHint::None);
    }

    #[test]
    fn prefix_directions() {
        assert_eq!(scan_prefix_direction("2025-08-14 11:40:44.123 [CP-0001] <- "), DirHint::In);
        assert_eq!(scan_prefix_direction("[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: "), DirHint::Out);
        assert_eq!(scan_prefix_direction("INFO:ocpp:Gresgying01: receive message "), DirHint::In);
        assert_eq!(scan_prefix_direction("INFO:ocpp:Gresgying01: send "), DirHint::Out);
        assert_eq!(
            scan_prefix_direction("2023-01-19T14:19:35.183Z: ChargePoint>CentralSystem Authorize"),
            DirHint::Abs(Direction::CpToCs)
        );
        assert_eq!(scan_prefix_direction("INFO  Main - "), DirHint::None);
        assert_eq!(scan_prefix_direction("Response Out Authorize "), DirHint::Abs(Direction::CsToCp));
        assert_eq!(scan_prefix_direction("10:00:01 CP -> CS "), DirHint::Abs(Direction::CpToCs));
        assert_eq!(scan_prefix_direction("10:00:01 [CS \u{2192} CP] "), DirHint::Abs(Direction::CsToCp));
        assert_eq!(scan_prefix_direction("2025-08-14 11:40:44.123 [CP-0001] -> "), DirHint::Out);
    }

    #[test]
    fn prefix_stations() {
        assert_eq!(scan_prefix_station("2025-08-14 11:40:44.123 [CP-0001] <- "), Some("CP-0001"));
        assert_eq!(scan_prefix_station("INFO:ocpp:Gresgying01: receive message "), Some("Gresgying01"));
        assert_eq!(
            scan_prefix_station("[pool-2-thread-1] WebSocketLogger - [chargeBoxId=X12, sessionId=abc] Received: "),
            Some("X12")
        );
        assert_eq!(scan_prefix_station("[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: "), None);
        assert_eq!(scan_prefix_station("ws://host/ocpp/CP77 >> "), Some("CP77"));
    }
}
