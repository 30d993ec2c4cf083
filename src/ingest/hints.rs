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
/// The word nearest to the frame wins.
pub fn scan_prefix_direction(prefix: &str) -> DirHint {
    let lower = prefix.to_lowercase();
    // back-end export words, e.g. lines copied from a portal: "Request In Authorize [2,..."
    for phrase in [
        "request in",
        "response out",
        "request out",
        "response in",
        "anfrage ein",
        "antwort aus",
        "anfrage aus",
        "antwort ein",
    ] {
        if find_word(&lower, phrase).is_some() {
            return direction_word(phrase);
        }
    }
    // explicit "CP->CS"-like tokens first
    for token in lower.split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '(' || c == ')') {
        if token.len() >= 4 {
            if let Some(d) = absolute_arrow(token) {
                if token.contains('>') || token.contains('→') || token.contains("to") || token.contains('-') {
                    return DirHint::Abs(d);
                }
            }
        }
    }
    let mut best: (usize, DirHint) = (0, DirHint::None);
    let mut note = |pos: usize, hint: DirHint| {
        if pos >= best.0 || best.1 == DirHint::None {
            best = (pos, hint);
        }
    };
    for (arrow, hint) in [
        ("<<", DirHint::In),
        (">>", DirHint::Out),
        ("<-", DirHint::In),
        ("->", DirHint::Out),
        ("←", DirHint::In),
        ("→", DirHint::Out),
    ] {
        if let Some(p) = lower.rfind(arrow) {
            note(p, hint);
        }
    }
    let mut pos = 0;
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        let hint = match word {
            "received" | "receive" | "receiving" | "recv" | "rx" | "incoming" | "inbound" | "in" => DirHint::In,
            "sent" | "send" | "sending" | "tx" | "outgoing" | "outbound" | "out" => DirHint::Out,
            _ => DirHint::None,
        };
        if hint != DirHint::None {
            note(pos, hint);
        }
        pos += word.len() + 1;
    }
    best.1
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
    let k = key.trim().to_lowercase();
    STATION_KEYS.contains(&k.as_str())
}

/// The station named in a log line's prefix: `chargeBoxId=X`, `[CP-0001]`,
/// `ocpp:Gresgying01: receive`, `/ocpp/X`.
pub fn scan_prefix_station(prefix: &str) -> Option<String> {
    // key=value
    for part in prefix.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == ';') {
        if let Some((k, v)) = part.split_once('=').or_else(|| part.split_once(':').filter(|(k, _)| is_station_key(k))) {
            let v = v.trim_matches(|c: char| c == '"' || c == '\'' || c == ',');
            if is_station_key(k) && is_identifier(v) {
                return Some(v.to_string());
            }
        }
    }
    // python logging "ocpp:<id>: receive message" / "<id>: send"
    for marker in [": receive", ": send", ": Received", ": Sending", ": received", ": sent"] {
        if let Some(p) = prefix.find(marker) {
            let before = &prefix[..p];
            let id = before.rsplit([':', ' ', '[', ']']).next().unwrap_or("");
            if is_identifier(id) && !is_logger_word(id) {
                return Some(id.to_string());
            }
        }
    }
    // /ocpp/<id>
    if let Some(p) = prefix.find("/ocpp/") {
        let rest = &prefix[p + 6..];
        let id: String =
            rest.chars().take_while(|c| !c.is_whitespace() && !matches!(c, ']' | ',' | '/' | '"')).collect();
        if is_identifier(&id) {
            return Some(id);
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
            return Some(token.to_string());
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
    let l = s.to_lowercase();
    ["thread", "pool", "worker", "exec", "main", "info", "debug", "warn", "error", "trace", "ocpp", "root", "nio-"]
        .iter()
        .any(|w| l.contains(w))
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
    }

    #[test]
    fn prefix_stations() {
        assert_eq!(scan_prefix_station("2025-08-14 11:40:44.123 [CP-0001] <- ").as_deref(), Some("CP-0001"));
        assert_eq!(scan_prefix_station("INFO:ocpp:Gresgying01: receive message ").as_deref(), Some("Gresgying01"));
        assert_eq!(
            scan_prefix_station("[pool-2-thread-1] WebSocketLogger - [chargeBoxId=X12, sessionId=abc] Received: ")
                .as_deref(),
            Some("X12")
        );
        assert_eq!(scan_prefix_station("[2026-03-13T05:01:20.643Z] %c[OCPPClient] >> message sent: "), None);
        assert_eq!(scan_prefix_station("ws://host/ocpp/CP77 >> ").as_deref(), Some("CP77"));
    }
}
