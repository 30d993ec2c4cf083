//! Facts about OCPP 1.6 actions that several modules need.

/// Who sends a CALL of this action (reference §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Station,
    CentralSystem,
    Either,
}

const FROM_STATION: &[&str] = &[
    "Authorize",
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
    "SecurityEventNotification",
    "SignCertificate",
    "LogStatusNotification",
    "SignedFirmwareStatusNotification",
];

const FROM_CENTRAL: &[&str] = &[
    "CancelReservation",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "ClearChargingProfile",
    "GetCompositeSchedule",
    "GetConfiguration",
    "GetDiagnostics",
    "GetLocalListVersion",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "ReserveNow",
    "Reset",
    "SendLocalList",
    "SetChargingProfile",
    "TriggerMessage",
    "UnlockConnector",
    "UpdateFirmware",
    "CertificateSigned",
    "DeleteCertificate",
    "ExtendedTriggerMessage",
    "GetInstalledCertificateIds",
    "GetLog",
    "InstallCertificate",
    "SignedUpdateFirmware",
];

/// The sender of an action's CALL, `None` for actions OCPP 1.6 does not define.
pub fn origin(action: &str) -> Option<Origin> {
    if FROM_STATION.contains(&action) {
        Some(Origin::Station)
    } else if FROM_CENTRAL.contains(&action) {
        Some(Origin::CentralSystem)
    } else if action == "DataTransfer" {
        Some(Origin::Either)
    } else {
        None
    }
}

/// Every action name OCPP 1.6 (with the security extension) defines.
pub fn all_actions() -> impl Iterator<Item = &'static str> {
    FROM_STATION.iter().chain(FROM_CENTRAL).copied().chain(std::iter::once("DataTransfer"))
}

/// Strip the suffixes that split-column exports add to action names:
/// `HeartbeatRequest`, `Heartbeat.req`, `HeartbeatResponse`, `HeartbeatConf`...
/// Returns the action and whether the suffix marked a response.
pub fn split_action_suffix(name: &str) -> (&str, Option<bool>) {
    let name = name.trim();
    // looked up on every CSV row: only the suffixes that end as the name does
    let suffixes: &[(&str, bool)] = match name.as_bytes().last() {
        Some(b't') => &[("Request", false), ("Result", true)],
        Some(b'q') => &[(".req", false), ("Req", false)],
        Some(b'e') => &[("Response", true)],
        Some(b'f') => &[(".conf", true), ("Conf", true)],
        Some(b'n') => &[("Confirmation", true)],
        _ => &[],
    };
    for &(suffix, is_response) in suffixes {
        if let Some(base) = name.strip_suffix(suffix) {
            if origin(base).is_some() {
                return (base, Some(is_response));
            }
        }
    }
    (name, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_and_suffixes() {
        assert_eq!(origin("StatusNotification"), Some(Origin::Station));
        assert_eq!(origin("Reset"), Some(Origin::CentralSystem));
        assert_eq!(origin("DataTransfer"), Some(Origin::Either));
        assert_eq!(origin("statusnotification"), None);
        assert_eq!(split_action_suffix("HeartbeatResponse"), ("Heartbeat", Some(true)));
        assert_eq!(split_action_suffix("BootNotificationRequest"), ("BootNotification", Some(false)));
        assert_eq!(split_action_suffix("Heartbeat"), ("Heartbeat", None));
        assert_eq!(split_action_suffix("FooRequest"), ("FooRequest", None));
        for (name, response) in [
            ("Authorize.req", false),
            ("AuthorizeReq", false),
            (" AuthorizeRequest ", false),
            ("Authorize.conf", true),
            ("AuthorizeConf", true),
            ("AuthorizeConfirmation", true),
            ("AuthorizeResult", true),
            ("AuthorizeResponse", true),
        ] {
            assert_eq!(split_action_suffix(name), ("Authorize", Some(response)), "{name}");
        }
        assert_eq!(all_actions().count(), 39);
    }
}
