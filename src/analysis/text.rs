//! Every sentence a user reads about a finding, in one place. Written for a
//! support engineer: what happened, why it matters, what to do next.

/// Title, explanation and advice of one finding.
pub struct Words {
    pub title: String,
    pub explanation: String,
    pub advice: String,
}

fn words(title: impl Into<String>, explanation: impl Into<String>, advice: impl Into<String>) -> Words {
    Words { title: title.into(), explanation: explanation.into(), advice: advice.into() }
}

fn tag_text(tag: &str) -> String {
    if tag.is_empty() {
        "(no idTag)".to_string()
    } else {
        format!("\"{tag}\"")
    }
}

pub fn duration(seconds: i64) -> String {
    let s = seconds.abs();
    let text = if s < 120 {
        format!("{s} s")
    } else if s < 2 * 3600 {
        format!("{} min", s / 60)
    } else if s < 2 * 86400 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else {
        format!("{} days {} h", s / 86400, (s % 86400) / 3600)
    };
    if seconds < 0 {
        format!("-{text}")
    } else {
        text
    }
}

pub fn empty_idtag(action: &str, connector: Option<i64>, accepted: Option<&str>) -> Words {
    let on = connector.map_or(String::new(), |c| format!(" on connector {c}"));
    let answer = match accepted {
        Some(s) => format!(" The back end answered {s}."),
        None => String::new(),
    };
    words(
        format!("{action} without idTag{on}"),
        format!(
            "The station sent {action} with an empty idTag: it started (or tried to authorise) a session without \
             saying who is charging, so the back end cannot bill it, apply access rules, or match it to a user or an \
             app start.{answer} This almost always means the station was not commissioned as the back end's OCPP \
             instructions say: its RFID reader or authorisation mode is not set to authorise through the back end \
             (it runs in a local free-charging or autostart mode)."
        ),
        "Check the station's configuration against the back end's OCPP commissioning instructions (authorisation \
         through the back end, not local/free mode; remote start enabled). If it is set up exactly as documented, \
         take it up with the station's manufacturer.",
    )
}

pub fn auth_rejected(action: &str, status: &str, tag: &str) -> Words {
    let tag = tag_text(tag);
    let meaning = match status {
        "Invalid" => format!(
            "The back end does not accept the card {tag} here. Either the card is linked to no account (check also \
             other spellings of its number: hex letter case, byte order, 4- vs 7-byte UID, separators, leading \
             zeros), or the account may not charge at this station (a private or restricted station whose access \
             list does not include it), or, at a paid station, the account has no valid payment card or has an \
             unpaid balance."
        ),
        "Blocked" => format!("The identifier {tag} has been blocked on purpose, for example a card reported lost or a suspended account."),
        "Expired" => format!("The identifier {tag} is no longer valid: its contract ended or its expiry date has passed."),
        "ConcurrentTx" => format!(
            "The identifier {tag} is already in another running session and parallel sessions are not allowed. \
             Often that other session is one whose StopTransaction never arrived, so the back end still thinks it runs."
        ),
        other => format!("The back end answered {other} for {tag}."),
    };
    let place = match action {
        "Authorize" => " Because it was refused at Authorize, the station did not start charging: to the driver, the card \"does nothing\".",
        "StartTransaction" => " It was refused only at StartTransaction, so charging had already begun (offline or local pre-authorisation); the station will now stop the session (reason DeAuthorized) or cut the energy, depending on StopTransactionOnInvalidId.",
        "StopTransaction" => " At StopTransaction this changes nothing but the station's cache: a stop cannot be refused.",
        _ => "",
    };
    let advice = match status {
        "ConcurrentTx" => "Find the other open session for this identifier in the back end and close it (see transaction-not-stopped findings).",
        "Blocked" | "Expired" => "Look the identifier up in the back end: unblock or renew it if the driver is entitled, or give the driver a valid card.",
        _ => "Look the card up in the back end (try the other spellings of its number), check that its account may use this station (access list, private/restricted station) and, at a paid station, that it has a valid payment method and no open balance. If the same card works at other stations, suspect this station's access or local list.",
    };
    words(format!("{action} refused: {status} for {tag}"), format!("{meaning}{place}"), advice)
}

/// What a StatusNotification errorCode usually means, and what to do.
pub fn error_code_meaning(code: &str) -> (&'static str, &'static str) {
    match code {
        "ConnectorLockFailure" => ("the cable lock of the socket could not lock or unlock (plug not fully in, dirt, worn lock actuator)", "re-insert the plug firmly, try UnlockConnector, inspect socket and actuator; service it if it repeats"),
        "EVCommunicationError" => ("the conversation with the car over the pilot line or PLC failed; not a station fault as such", "try another car or cable: one car always failing points to the car, all cars failing to the station's pilot circuit"),
        "GroundFailure" => ("the residual-current protection tripped: an insulation fault in car, cable or installation, or moisture. This is safety-relevant", "do not just reset it again and again: unplug and retry once; if it recurs, have an electrician test installation, cable and station"),
        "HighTemperature" => ("the station or the connector is too hot; charging is reduced or stopped", "check ventilation, direct sun and blocked vents; a hot plug points to loose terminals or worn contacts"),
        "InternalError" => ("a hardware or software fault inside the station", "soft reset, then hard reset; check and update the firmware; give the vendor code to the manufacturer's support"),
        "LocalListConflict" => ("the back end's answer for an idTag contradicts the station's local authorisation list", "send the full local list again (SendLocalList Full) and clear the cache"),
        "OtherError" => ("a vendor-specific error; its meaning is in vendorErrorCode and info", "look the vendor code up in the manufacturer's documentation or ask their support"),
        "OverCurrentFailure" => ("over-current protection tripped (a breaker, or the car drew more than allowed)", "re-arm the breaker on site; check car and cable; check the current limit and phase settings"),
        "OverVoltage" => ("the supply voltage is above the allowed range", "have the supply checked (lost neutral, grid problem, wiring)"),
        "UnderVoltage" => ("the supply voltage is below the allowed range", "weak supply, a long feed under load or a lost phase: electrician or grid operator"),
        "PowerMeterFailure" => ("the station cannot read its energy meter, so billing data is unreliable", "check the meter and its bus wiring; contact the manufacturer"),
        "PowerSwitchFailure" => ("the contactor or relay did not switch as commanded (for example a welded contactor)", "urgent service: take the connector out of service"),
        "ReaderFailure" => ("the RFID reader does not work, so cards cannot start sessions", "use app or remote start meanwhile; repair or replace the reader"),
        "ResetFailure" => ("a requested reset could not be carried out", "power-cycle the station on site"),
        "WeakSignal" => ("the mobile or WiFi signal is weak", "expect offline periods; check antenna, SIM and router placement"),
        _ => ("an error code OCPP 1.6 does not define", "look the code up in the manufacturer's documentation"),
    }
}

/// Well-known vendor meanings of vendorErrorCode (reference §5).
pub fn vendor_meaning(vendor_id: &str, vendor_code: &str, info: &str) -> Option<String> {
    let v = vendor_id.to_ascii_lowercase();
    if v.contains("easee") {
        let name = match vendor_code.trim() {
            "1" => "circuit limit too low in load balancing",
            "2" => "dynamic circuit limit too low",
            "3" => "offline fallback circuit current too low",
            "4" => "circuit fuse setting too low",
            "5" => "waiting in the load-balancing queue",
            "6" => "car likely full or using delayed charging",
            "7" => "grid type not allowed",
            "51" => "charger's maximum current too low",
            "52" => "charger's dynamic maximum current too low",
            "53" => "charger disabled",
            "54" => "waiting for a charging schedule",
            "55" => "waiting for authorisation (card, app or back end)",
            "56" => "charger in error",
            _ => return None,
        };
        return Some(format!("easee reason {vendor_code}: {name}"));
    }
    if v.contains("com.evgo.mrec") || vendor_code.starts_with("CX0") {
        if vendor_code.starts_with('A') {
            return Some(format!(
                "MREC code {vendor_code}: a user-actionable condition (A000 = plugged in but not authorised in time)"
            ));
        }
        if vendor_code.starts_with('F') {
            return Some(format!("MREC code {vendor_code}: a safety-related fault"));
        }
    }
    let both = format!("{vendor_code} {info}").to_ascii_lowercase();
    if both.contains("emergency") {
        return Some("the station's emergency stop button was used".to_string());
    }
    None
}

pub fn connector_error(
    connector: i64,
    status: &str,
    code: &str,
    info: &str,
    vendor_id: &str,
    vendor_code: &str,
) -> Words {
    let (meaning, todo) = error_code_meaning(code);
    let mut details = Vec::new();
    if !info.is_empty() {
        details.push(format!("info \"{info}\""));
    }
    if !vendor_code.is_empty() {
        details.push(format!("vendorErrorCode \"{vendor_code}\""));
    }
    if !vendor_id.is_empty() {
        details.push(format!("vendorId \"{vendor_id}\""));
    }
    let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join(", ")) };
    let vendor =
        vendor_meaning(vendor_id, vendor_code, info).map_or(String::new(), |m| format!(" Vendor meaning: {m}."));
    let whom = if connector == 0 {
        "the station as a whole (connector 0)".to_string()
    } else {
        format!("connector {connector}")
    };
    let still = if status == "Faulted" {
        String::new()
    } else {
        format!(" The station reports status {status}, not Faulted, so it treats this as a warning: charging is still possible.")
    };
    words(
        format!("{code} on {whom}{details}"),
        format!("The station reported error {code} on {whom}: {meaning}.{still}{vendor}"),
        format!("{}{}.", todo[..1].to_uppercase(), &todo[1..]),
    )
}

pub fn connector_faulted(connector: i64, code: &str, last_code: Option<&str>, until: Option<i64>) -> Words {
    let whom =
        if connector == 0 { "The whole station (connector 0)".to_string() } else { format!("Connector {connector}") };
    let code_text = match (code, last_code) {
        ("NoError", Some(prev)) => format!(" The message itself says NoError (some firmware drops the code on repeats); the last error reported for it was {prev}."),
        ("NoError", None) => " The message carries no error code.".to_string(),
        (c, _) => format!(" Error code: {c}."),
    };
    let dur = match until {
        Some(s) => format!(" It stayed faulted for {}.", duration(s)),
        None => " It had not recovered by the end of the log.".to_string(),
    };
    words(
        format!("{whom} Faulted"),
        format!(
            "{whom} reported that an error keeps it from delivering energy: a running session is interrupted and \
             no new session can start.{code_text}{dur}"
        ),
        "Read the error code and vendor code; see whether it clears by itself; try a soft, then a hard reset; if it \
         persists, arrange an on-site inspection or contact the manufacturer.",
    )
}

pub fn call_error(action: &str, from_station: Option<bool>, code: &str, description: &str) -> Words {
    let who = match from_station {
        Some(true) => "The back end answered the station's request with an error: it rejected the station's message (often a format problem in the station's firmware, or a back-end bug).",
        Some(false) => "The station answered the back end's command with an error: it could not handle it.",
        None => "The receiver answered with an error.",
    };
    let code_meaning = match code {
        "NotImplemented" => {
            " NotImplemented: the receiver does not know this action at all; the feature is missing on that side."
        }
        "NotSupported" => {
            " NotSupported: the action is known but this receiver does not support it (an optional feature profile)."
        }
        "InternalError" => " InternalError: the receiver failed while processing a valid request.",
        "ProtocolError" => " ProtocolError: the payload was incomplete.",
        "SecurityError" => {
            " SecurityError: refused for a security reason, for example a station that is not (yet) accepted."
        }
        "FormationViolation" | "FormatViolation" => {
            " FormationViolation: the payload is not valid for this action's structure."
        }
        "PropertyConstraintViolation" => {
            " PropertyConstraintViolation: a value is not allowed (for example a bad connectorId or enum value)."
        }
        "OccurenceConstraintViolation" | "OccurrenceConstraintViolation" => {
            " OccurenceConstraintViolation: a required field is missing or repeated."
        }
        "TypeConstraintViolation" => " TypeConstraintViolation: a field has the wrong JSON type.",
        _ => "",
    };
    let consequence = match action {
        "StartTransaction" | "StopTransaction" | "MeterValues" => " For transaction messages the station retries and eventually drops the message: the session may be missing or unbilled.",
        "BootNotification" => " The station is not registered and will keep retrying.",
        _ => "",
    };
    let desc = if description.is_empty() { String::new() } else { format!(" Description: \"{description}\".") };
    let advice = match code {
        "NotImplemented" | "NotSupported" => "Usually harmless, but the feature will not work: check the station's SupportedFeatureProfiles and firmware version, or whether the back end supports this message.",
        "InternalError" => "Escalate to the team of the side that failed, with the uniqueId and time.",
        _ => "Read the description; check the request against the OCPP 1.6 schema (see schema-violation findings) and report it to the sender's vendor.",
    };
    words(format!("{action} answered with CALLERROR {code}"), format!("{who}{code_meaning}{consequence}{desc}"), advice)
}

pub fn no_response(action: &str, from_station: Option<bool>, late_by: Option<i64>) -> Words {
    let what = match late_by {
        Some(s) => format!("The request was answered only after {}, longer than the response timeout; the sender had most likely given up.", duration(s)),
        None => "The request never got an answer.".to_string(),
    };
    let why = match from_station {
        Some(true) => " From the station to the back end: the back end did not reply (overload, crash, a bug on this message type) or the connection dropped right after sending.",
        Some(false) => " From the back end to the station: the station was not reachable (offline, half-open connection after a network change, modem asleep) or ignored the command.",
        None => "",
    };
    let tx = if action == "StartTransaction" {
        " Without the answer the station has no transactionId for the session (it may later report -1)."
    } else {
        ""
    };
    words(
        format!("{action} got no answer"),
        format!("{what}{why}{tx}"),
        "Look for an offline gap around this time and compare with the other side's own logs; if one action always goes unanswered, check whether the receiver supports it (it should have answered NotImplemented).",
    )
}

pub fn orphan_response(kind: &str) -> Words {
    words(
        format!("{kind} without a matching request"),
        "An answer arrived whose uniqueId matches no request in the log (or a request that was already answered). \
         Usually the log is incomplete (a filtered or cut export, lost lines); otherwise the id was altered on the \
         way or an answer was sent twice.",
        "Widen the export window and make sure it holds both directions; if the log is complete, report it to the side that sent the answer.",
    )
}

pub fn duplicate_uid(uid: &str, first: &str, second: &str, sender: &str) -> Words {
    let what = if first == second {
        format!("two different {first} requests")
    } else {
        format!("a {first} and then a {second} request")
    };
    words(
        format!("uniqueId \"{uid}\" reused for a different request"),
        format!(
            "The {sender} used the same message id for {what}, with no reboot in between. Answers carry only the id, \
             so the receiver (and this tool) cannot tell which request an answer belongs to. Typical cause: a message \
             counter that restarts or wraps without a reconnect."
        ),
        "Report it to the sender's vendor (firmware or back end) and ask for unique, e.g. UUID-based, message ids.",
    )
}

pub fn offline_gap(silence_s: i64, threshold_s: i64, after: Option<&str>, open_ended: bool) -> Words {
    let cause = match after {
        Some("BootNotification") => " It came back with a BootNotification, so it restarted: a power cut, a tripped breaker, a crash or watchdog, or a firmware update.",
        Some("queued") => " It came back sending transaction messages with old timestamps: it kept charging offline and is catching up.",
        Some(_) => " It came back without a BootNotification, so the connection was lost and restored: mobile signal, WiFi or router, internet line, firewall, or a back-end outage.",
        None => "",
    };
    let title = if open_ended {
        format!("Station silent for the last {} of the log", duration(silence_s))
    } else {
        format!("Station offline for {}", duration(silence_s))
    };
    words(
        title,
        format!(
            "The station sent nothing for {} (more than the {} expected from its heartbeat interval). During that \
             time the back end could not reach it and apps show it as offline (some mark a station out of service \
             after 15 minutes without connection).{cause}",
            duration(silence_s),
            duration(threshold_s)
        ),
        "Correlate with power and network events on site; check signal strength, SIM and data plan, router; if it rebooted, check the supply and look at the last messages before the silence.",
    )
}

pub fn boot_rejected(status: &str) -> Words {
    let explanation = if status == "Pending" {
        "The back end answered Pending: it wants to configure the station before accepting it. Until it is accepted the station may only answer the back end, not start sessions, and remote start and stop are refused. A station stuck in Pending means its onboarding in the back end is not finished."
    } else {
        "The back end refused to register the station (not set up or not activated in the portal, unknown identity or serial number, wrong account). The station must stay silent until the interval in the answer has passed, so nothing else works."
    };
    words(
        format!("BootNotification answered {status}"),
        explanation,
        "Check the station's registration in the back end: its identity exactly as configured on the station, activation, licence and assigned account. After fixing it, wait for the retry interval or power-cycle the station.",
    )
}

pub fn reboot_loop(count: usize, span_s: i64) -> Words {
    words(
        format!("{count} BootNotifications within {}", duration(span_s)),
        "The station keeps restarting. Usual causes: an unstable supply (breaker or RCD tripping, loose wiring, \
         under-voltage), a firmware crash or watchdog, the back end not answering BootNotification, or the back end \
         sending commands right after boot that the firmware cannot handle.",
        "Look at what happens just before each boot (Reset requests, CALLERRORs, UnderVoltage or InternalError statuses, back-end commands); check the supply and the firmware version; stop any back-end automation that resets the station.",
    )
}

pub fn transaction_not_stopped(tx: i64, reason: &str) -> Words {
    let why = match reason {
        "next-start" => "Another StartTransaction followed on the same connector, so the StopTransaction of this one was certainly lost.",
        "reboot" => "The station rebooted while it was open, and no StopTransaction came after.",
        "available" => "The connector later reported Available, yet no StopTransaction came.",
        _ => "No StopTransaction for it appears by the end of the log; if it started shortly before the end, it may simply still be running.",
    };
    words(
        format!("Transaction {tx} was never stopped"),
        format!(
            "{why} The back end still considers this session running: the app may show \"charging\", the card may be \
             refused with ConcurrentTx, and the session is not billed. Causes: a StopTransaction lost after retries \
             (offline, CALLERROR), a hard reset or power loss, or a firmware bug."
        ),
        "Check whether the car is still connected; look for a reboot or offline gap after the start; a station reset may make it send the pending stop; otherwise close the session in the back end with the last known meter value.",
    )
}

pub fn meter_backwards(tx: i64, from_wh: f64, to_wh: f64, what: &str) -> Words {
    words(
        format!("Energy register went down in transaction {tx}"),
        format!(
            "The energy register fell from {from_wh:.0} Wh to {to_wh:.0} Wh ({what}). A meter register never decreases \
             within a session, so the session's energy (stop minus start) is wrong or negative and billing breaks. \
             Causes: meter replaced or reset, the station rebasing the register (for example to 0 after a reboot), \
             kWh sent as Wh, or values from different meters mixed."
        ),
        "Look for a reboot or PowerMeterFailure near the drop; compare with the previous session's stop value; correct the session's energy by hand and report the readings to the manufacturer.",
    )
}

pub fn abnormal_stop(reason: &str, tx: i64) -> Words {
    let (meaning, todo) = match reason {
        "EmergencyStop" => (
            "the emergency stop button was pressed",
            "find out why it was pressed, release it and check the station for damage",
        ),
        "PowerLoss" => ("the station lost power completely", "a power cut or a tripped breaker/RCD: check the supply"),
        "Reboot" => (
            "the station restarted on its own (watchdog, crash, firmware)",
            "check the firmware and look for a reboot loop",
        ),
        "HardReset" | "SoftReset" => ("a Reset command stopped it", "find the Reset request and who sent it"),
        "DeAuthorized" => (
            "the back end did not accept the StartTransaction, so the station stopped the session",
            "see the refused authorisation on the StartTransaction",
        ),
        "Other" => ("the station gave no specific reason", "look at the statuses and vendor codes around the stop"),
        _ => ("an unusual reason", "look at the messages around the stop"),
    };
    words(
        format!("Transaction {tx} stopped: {reason}"),
        format!("The session ended abnormally: {meaning}. The driver may have received less energy than expected."),
        format!("{}{}.", todo[..1].to_uppercase(), &todo[1..]),
    )
}

pub fn clock_skew(action: &str, offset_s: i64, before_2010: bool, queued: bool) -> Words {
    let direction = if offset_s > 0 { "ahead of" } else { "behind" };
    let (title, detail) = if before_2010 {
        (
            format!("{action} carries a timestamp before 2010"),
            "The station's clock was never set (typically 1970-01-01): it has no battery-backed clock and charged before the back end's BootNotification answer set its time.".to_string(),
        )
    } else {
        let hours = offset_s.abs() as f64 / 3600.0;
        let whole = offset_s.abs() >= 3000 && (hours - hours.round()).abs() < 0.05;
        let zone = if whole {
            " An offset of whole hours points to a time-zone error: the station sends local time marked as UTC, or no zone at all."
        } else {
            ""
        };
        (
            format!("{action} timestamp {} {direction} the log time", duration(offset_s.abs())),
            format!(
                "The time inside the message is {} {direction} the time it was logged.{zone}",
                duration(offset_s.abs())
            ),
        )
    };
    let queued = if queued {
        " The station had been silent before, so the message may have been queued while it was offline; check that too."
    } else {
        ""
    };
    words(
        title,
        format!("{detail}{queued} Session start and stop times and durations become wrong, and on some back ends charging profiles and tariffs apply at the wrong time."),
        "Set the station's time zone and NTP correctly, make sure it adopts currentTime from the BootNotification and Heartbeat answers, update its firmware, and do not allow charging before the first accepted boot.",
    )
}

pub fn command_rejected(action: &str, status: &str) -> Words {
    let meaning = match (action, status) {
        ("RemoteStartTransaction", _) => "the station will not start: the connector is busy, faulted, unavailable or reserved, no connectorId was given, the station is Pending, remote start is disabled, or the idTag failed its own authorisation",
        ("RemoteStopTransaction", _) => "no transaction with that id is running on the station (already stopped, or the id does not match)",
        ("Reset", _) => "the station refuses to reset (for example while updating)",
        ("UnlockConnector", "UnlockFailed") => "the lock mechanism really failed (site visit needed)",
        ("UnlockConnector", _) => "the connector has no lock or is unknown (fixed cable)",
        ("ChangeConfiguration", "NotSupported") => "the configuration key is unknown to this model",
        ("ChangeConfiguration", _) => "the value was refused (format, range, unsupported measurand)",
        ("ChangeAvailability", _) => "the availability change was refused",
        ("TriggerMessage" | "ExtendedTriggerMessage", _) => "the station will not or cannot send that message",
        ("SetChargingProfile", "NotSupported") => "the station has no smart charging",
        ("SetChargingProfile", _) => "the charging profile was refused (for example a TxProfile with no running transaction, too many periods, an unsupported unit)",
        ("SendLocalList", _) => "the local list was not applied; the back end should send a Full list",
        ("ReserveNow", _) => "the reservation was not made",
        ("CancelReservation", _) => "there is no such reservation",
        ("ClearCache", _) => "the station has no authorisation cache",
        ("DataTransfer", _) => "the station does not understand this vendor extension",
        _ => "the command was refused",
    };
    words(
        format!("{action} answered {status}"),
        format!("The back end (or an operator) sent {action} and the station refused it: {meaning}. The intended action did not happen."),
        "Check the connector's status at that moment and the station's supported feature profiles; resend when the cause is fixed.",
    )
}

pub fn suspended_long(status: &str, connector: i64, seconds: i64) -> Words {
    let explanation = if status == "SuspendedEV" {
        "The car is not taking the energy the station offers. Normal when the battery is full or reached the car's charge limit, when the car's timer or departure schedule delays charging, when the battery is too cold or hot, or when the car went to sleep. The station and back end cannot change this. It is also reported when the cable was unplugged at the car while the session continues."
    } else {
        "The station is not offering energy: load management gave this connector too little current (below the 6 A minimum), a smart-charging profile or schedule limits it (solar surplus, off-peak timer), it waits for authorisation, or the StartTransaction answer was not Accepted and the station only cut the energy."
    };
    let advice = if status == "SuspendedEV" {
        "Check the car's charge limit, timer and app."
    } else {
        "Check load-management settings and the site limit, charging profiles sent by the back end (a SetChargingProfile with limit 0), schedules, and the vendorErrorCode."
    };
    words(format!("Connector {connector} {status} for {}", duration(seconds)), explanation, advice)
}

pub fn schema_violation(action: &str, kind: &str, sender: &str, problems: &[String]) -> Words {
    let list = problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    let more = if problems.len() > 5 { format!(" (and {} more)", problems.len() - 5) } else { String::new() };
    words(
        format!("{action} {kind} breaks the OCPP 1.6 schema"),
        format!(
            "The {sender}'s message does not follow OCPP 1.6: {list}{more}. Strict receivers answer such messages with \
             a CALLERROR and the action fails; lenient ones accept them but may misread them (for example a \
             truncated idTag no longer matches the account)."
        ),
        format!("Report the exact field and value to the {sender}'s vendor; a firmware update often fixes it. As a workaround some back ends can validate leniently."),
    )
}

pub fn unknown_transaction(action: &str, tx: i64, before_window: bool) -> Words {
    let special = match tx {
        -1 => " The id -1 means the station never received a transactionId: the StartTransaction answer was lost.",
        0 => " The id 0 often means the station could not understand the back end's StartTransaction answer and fell back to a default.",
        _ => "",
    };
    let why = if before_window {
        "The session probably started before the start of this log."
    } else {
        "Either the session started before this log, the StartTransaction answer never reached the station, or the station lost its transaction state (reboot, firmware bug)."
    };
    words(
        format!("{action} for transaction {tx}, which was never started in the log"),
        format!("The station reports meter data or a stop for a session the back end did not start in this log. {why}{special}"),
        "Widen the export window; otherwise look for an unanswered StartTransaction. The back end must still acknowledge such messages, or the station keeps retrying.",
    )
}

pub fn unparsed_row(file: &str, count: usize, reasons: &[&str]) -> Words {
    let plural = if count == 1 { "record" } else { "records" };
    let why = reasons.iter().take(3).copied().collect::<Vec<_>>().join("; ");
    words(
        format!("{count} {plural} in {file} hold no readable OCPP message"),
        format!(
            "These records could not be read as OCPP-J frames ({why}). They are kept and shown raw: \
             they may be portal rows such as connect/disconnect events, frames cut short by the export, \
             or invalid JSON sent by the station or back end (which is itself a firmware bug worth reporting)."
        ),
        "Check that the export is complete and in a supported layout; if the station sent invalid JSON, \
         report the raw line to its manufacturer.",
    )
}

pub fn no_messages(station: &str, window: bool) -> Words {
    let whom = if station.is_empty() { "the station".to_string() } else { format!("station {station}") };
    let place = if window { "in the chosen window" } else { "in this log" };
    words(
        format!("No OCPP messages from {whom} {place}"),
        format!(
            "There is no OCPP message from {whom} {place}: the station is not talking to the back end. The cause is on \
             the station's side or in its configuration: no power, no network, a wrong back-end URL or charge point \
             identity (the back end refuses unknown identities before any OCPP message is logged), a wrong security \
             profile or password, or TLS trouble."
        ),
        "Check power and network on site; compare the station's OCPP URL and identity with the back end's instructions character by character; check the station's own local log for connection errors.",
    )
}

pub fn authorize_without_start(tag: &str, window_s: i64) -> Words {
    words(
        format!("Card {} accepted, but no session started", tag_text(tag)),
        format!(
            "The back end accepted the identifier, yet no StartTransaction with it followed within {}. The driver \
             did not plug in (or not in time), used another station, the car did not respond, or the station failed \
             to start.",
            duration(window_s)
        ),
        "Check the connector's statuses after the Authorize (Faulted? Preparing then Available?), ask the driver what they saw, and check ConnectionTimeOut.",
    )
}

pub fn remote_start_no_transaction(tag: &str, window_s: i64) -> Words {
    words(
        format!("Remote start for {} accepted, but no session started", tag_text(tag)),
        format!(
            "The station promised to try a remote (app or QR code) start, but no StartTransaction followed within {}: \
             the cable was not plugged in in time, the car was not ready, the idTag then failed authorisation, or the \
             station could not start.",
            duration(window_s)
        ),
        "Check the connector's statuses after the command and look for a refused Authorize right after it.",
    )
}

pub fn zero_energy_session(tx: i64, wh: f64, seconds: i64) -> Words {
    words(
        format!("Transaction {tx} delivered almost no energy"),
        format!(
            "The session was open for {} but delivered only {wh:.0} Wh. Look at the status timeline: SuspendedEV \
             throughout means the car refused (full, timer, fault); SuspendedEVSE means the station or load \
             management never offered energy; Charging with no energy points to a meter problem.",
            duration(seconds)
        ),
        "Follow the dominant status as for suspended-long findings.",
    )
}

pub fn energy_implausible(tx: i64, kw: f64, limit_kw: f64) -> Words {
    words(
        format!("Implausible energy in transaction {tx}"),
        format!(
            "Between two meter readings the register rose at an average of {kw:.0} kW, more than the {limit_kw:.0} kW \
             that could physically have flowed. The meter data is wrong (unit confusion such as kWh sent as Wh, a meter \
             reset, mixed meters) and the billed energy is unreliable."
        ),
        "Compare with the station's display or meter, check the units in the MeterValues, and report it to the manufacturer.",
    )
}

pub fn start_not_preparing(connector: i64, status: &str) -> Words {
    words(
        format!("Session started on connector {connector} while it was {status}"),
        format!(
            "The station started a transaction on a connector that, by its own reports, was {status} and not ready \
             for one. Either statuses were lost or suppressed, or the station's state handling is inconsistent."
        ),
        "Look at the status timeline around the start; report persistent inconsistencies to the manufacturer.",
    )
}
