//! OCPP 1.6-J payload validation (`schema-violation`, reference §4.1).
//!
//! Every action of OCPP 1.6 (the core feature profiles plus the OCA
//! "Improved security for OCPP 1.6-J" extension) is described once, as static
//! tables of [`Field`]s, and one generic walker checks a payload against them.
//! The rules follow the official 2019 JSON schemas with the leniencies of the
//! reference (§1.6):
//!
//! - `integer` accepts a whole-valued float (`300.0`), as the 2015 schema
//!   typed `interval` as `number`;
//! - the unit enumeration is the union of all schema generations (`Celcius`,
//!   `Celsius` and `Hertz` are accepted everywhere);
//! - `meterValue` / `sampledValue` must not be empty (the spec's 1..*);
//! - CiStringN limits count characters; no string has a minimum length;
//! - every object forbids unknown properties (`additionalProperties: false`).
//!
//! The happy path allocates nothing but the (empty) result `Vec`: JSON paths
//! are kept as a chain of borrowed segments on the stack and rendered to a
//! `String` only when a violation is reported.

use crate::ingest::json::{bytes_eq, value_numbers, Doc, Json, Shaped};
use serde_json::Value;
use std::fmt::Write as _;

/// What kind of rule a payload broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViolationKind {
    MissingField,
    WrongType,
    NotInEnum,
    TooLong,
    UnknownField,
    BadDateTime,
    EmptyArray,
    OutOfRange,
    NotAnObject,
}

/// One schema violation found in a payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// JSON path like `idTag`, `meterValue[0].sampledValue[1].unit`, `idTagInfo.status`
    /// (empty for the payload itself).
    pub path: String,
    /// Short human text, e.g. `"meterStart" must be an integer, got string "1234"`.
    pub detail: String,
}

/// true when the action is one of OCPP 1.6 (core profiles + security extension),
/// i.e. the validator knows it.
pub fn is_known_action(action: &str) -> bool {
    find_action(action).is_some()
}

/// Validate a CALL payload for `action`. Unknown action → empty Vec (the caller
/// reports unknown actions separately). A `payload` that is not an object gives
/// one `NotAnObject` violation (but `null` counts as `{}`).
pub fn check_request(action: &str, payload: Json<'_>) -> Vec<Violation> {
    check_request_shaped(action, payload, Shaped::NONE)
}

/// Validate a CALLRESULT payload for the CALL `action` it answers.
pub fn check_response(action: &str, payload: Json<'_>) -> Vec<Violation> {
    check_response_shaped(action, payload, Shaped::NONE)
}

/// [`check_request`] of a payload whose tape is a copy of a kept shape
/// (see [`crate::ingest::json::parse_shaped`]).
pub fn check_request_shaped(action: &str, payload: Json<'_>, shape: Shaped) -> Vec<Violation> {
    match find_action(action) {
        Some(a) => validate_shaped(a.req, payload, shape),
        None => Vec::new(),
    }
}

/// [`check_response`] of a payload whose tape is a copy of a kept shape.
pub fn check_response_shaped(action: &str, payload: Json<'_>, shape: Shaped) -> Vec<Violation> {
    match find_action(action) {
        Some(a) => validate_shaped(a.conf, payload, shape),
        None => Vec::new(),
    }
}

/// [`check_request`] of a `serde_json` value.
pub fn validate_request(action: &str, payload: &Value) -> Vec<Violation> {
    check_request(action, Doc::from_value(payload).root())
}

/// [`check_response`] of a `serde_json` value.
pub fn validate_response(action: &str, payload: &Value) -> Vec<Violation> {
    check_response(action, Doc::from_value(payload).root())
}

// ---------------------------------------------------------------------------
// Schema description
// ---------------------------------------------------------------------------

/// The type of a field's value.
#[derive(Clone, Copy, Debug)]
enum Ty {
    /// JSON integer (a whole-valued float is accepted).
    Int,
    /// JSON integer with a lower bound (`connectorId` ≥ 0 or > 0).
    IntMin(i64),
    /// Any JSON number.
    Num,
    /// String of at most this many characters (CiStringN and the security
    /// extension's `maxLength`s).
    Str(usize),
    /// String of any length (`data`, URIs, `sampledValue.value`).
    Text,
    /// String that must be one of these values (case-sensitive).
    Enum(&'static [&'static str]),
    /// RFC 3339 `date-time`, with a zone.
    DateTime,
    Bool,
    Obj(&'static [Field]),
    /// Array of the element type, with a minimum number of items.
    Arr(&'static Ty, usize),
}

/// One property of an object.
#[derive(Debug)]
struct Field {
    name: &'static str,
    ty: Ty,
    required: bool,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: true }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: false }
}

/// Request and response schema of one action.
struct Action {
    name: &'static str,
    req: &'static [Field],
    conf: &'static [Field],
}

/// Looked up on every frame: the actions are grouped by name length, so
/// a name is compared with the few of its length only.
fn find_action(name: &str) -> Option<&'static Action> {
    static BY_LEN: std::sync::OnceLock<Vec<Vec<&'static Action>>> = std::sync::OnceLock::new();
    let by_len = BY_LEN.get_or_init(|| {
        let mut by_len: Vec<Vec<&'static Action>> = Vec::new();
        for a in ACTIONS {
            if by_len.len() <= a.name.len() {
                by_len.resize_with(a.name.len() + 1, Vec::new);
            }
            by_len[a.name.len()].push(a);
        }
        by_len
    });
    by_len.get(name.len())?.iter().copied().find(|a| a.name == name)
}

// --- enumerations (reference §2.4 and the security extension) -------------

const ACCEPTED_REJECTED: &[&str] = &["Accepted", "Rejected"];
const REGISTRATION_STATUS: &[&str] = &["Accepted", "Pending", "Rejected"];
const AUTHORIZATION_STATUS: &[&str] = &["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"];
const CHARGE_POINT_STATUS: &[&str] = &[
    "Available",
    "Preparing",
    "Charging",
    "SuspendedEVSE",
    "SuspendedEV",
    "Finishing",
    "Reserved",
    "Unavailable",
    "Faulted",
];
const CHARGE_POINT_ERROR_CODE: &[&str] = &[
    "ConnectorLockFailure",
    "EVCommunicationError",
    "GroundFailure",
    "HighTemperature",
    "InternalError",
    "LocalListConflict",
    "NoError",
    "OtherError",
    "OverCurrentFailure",
    "PowerMeterFailure",
    "PowerSwitchFailure",
    "ReaderFailure",
    "ResetFailure",
    "UnderVoltage",
    "OverVoltage",
    "WeakSignal",
];
const REASON: &[&str] = &[
    "EmergencyStop",
    "EVDisconnected",
    "HardReset",
    "Local",
    "Other",
    "PowerLoss",
    "Reboot",
    "Remote",
    "SoftReset",
    "UnlockCommand",
    "DeAuthorized",
];
const MEASURAND: &[&str] = &[
    "Energy.Active.Export.Register",
    "Energy.Active.Import.Register",
    "Energy.Reactive.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Active.Export.Interval",
    "Energy.Active.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Power.Active.Export",
    "Power.Active.Import",
    "Power.Offered",
    "Power.Reactive.Export",
    "Power.Reactive.Import",
    "Power.Factor",
    "Current.Import",
    "Current.Export",
    "Current.Offered",
    "Voltage",
    "Frequency",
    "Temperature",
    "SoC",
    "RPM",
];
const READING_CONTEXT: &[&str] = &[
    "Interruption.Begin",
    "Interruption.End",
    "Sample.Clock",
    "Sample.Periodic",
    "Transaction.Begin",
    "Transaction.End",
    "Trigger",
    "Other",
];
const VALUE_FORMAT: &[&str] = &["Raw", "SignedData"];
const PHASE: &[&str] = &["L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"];
const LOCATION: &[&str] = &["Cable", "EV", "Inlet", "Outlet", "Body"];
/// Union of the 2015, 2019 and mobilityhouse generations (§1.6).
const UNIT_OF_MEASURE: &[&str] = &[
    "Wh",
    "kWh",
    "varh",
    "kvarh",
    "W",
    "kW",
    "VA",
    "kVA",
    "var",
    "kvar",
    "A",
    "V",
    "K",
    "Celcius",
    "Celsius",
    "Fahrenheit",
    "Percent",
    "Hertz",
];
const AVAILABILITY_TYPE: &[&str] = &["Inoperative", "Operative"];
const AVAILABILITY_STATUS: &[&str] = &["Accepted", "Rejected", "Scheduled"];
const CONFIGURATION_STATUS: &[&str] = &["Accepted", "Rejected", "RebootRequired", "NotSupported"];
const RESET_TYPE: &[&str] = &["Hard", "Soft"];
const UNLOCK_STATUS: &[&str] = &["Unlocked", "UnlockFailed", "NotSupported"];
const RESERVATION_STATUS: &[&str] = &["Accepted", "Faulted", "Occupied", "Rejected", "Unavailable"];
const CLEAR_CHARGING_PROFILE_STATUS: &[&str] = &["Accepted", "Unknown"];
const CHARGING_PROFILE_STATUS: &[&str] = &["Accepted", "Rejected", "NotSupported"];
const CHARGING_PROFILE_PURPOSE: &[&str] = &["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"];
const CHARGING_PROFILE_KIND: &[&str] = &["Absolute", "Recurring", "Relative"];
const RECURRENCY_KIND: &[&str] = &["Daily", "Weekly"];
const CHARGING_RATE_UNIT: &[&str] = &["A", "W"];
const DATA_TRANSFER_STATUS: &[&str] = &["Accepted", "Rejected", "UnknownMessageId", "UnknownVendorId"];
const DIAGNOSTICS_STATUS: &[&str] = &["Idle", "Uploaded", "UploadFailed", "Uploading"];
const FIRMWARE_STATUS: &[&str] =
    &["Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed", "Installing", "Installed"];
const MESSAGE_TRIGGER: &[&str] = &[
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
];
const TRIGGER_MESSAGE_STATUS: &[&str] = &["Accepted", "Rejected", "NotImplemented"];
const UPDATE_TYPE: &[&str] = &["Differential", "Full"];
const UPDATE_STATUS: &[&str] = &["Accepted", "Failed", "NotSupported", "VersionMismatch"];
// security extension
const CERTIFICATE_USE: &[&str] = &["CentralSystemRootCertificate", "ManufacturerRootCertificate"];
const INSTALL_CERTIFICATE_STATUS: &[&str] = &["Accepted", "Failed", "Rejected"];
const DELETE_CERTIFICATE_STATUS: &[&str] = &["Accepted", "Failed", "NotFound"];
const GET_INSTALLED_CERTIFICATE_STATUS: &[&str] = &["Accepted", "NotFound"];
const HASH_ALGORITHM: &[&str] = &["SHA256", "SHA384", "SHA512"];
const LOG_TYPE: &[&str] = &["DiagnosticsLog", "SecurityLog"];
const LOG_STATUS: &[&str] = &["Accepted", "Rejected", "AcceptedCanceled"];
const UPLOAD_LOG_STATUS: &[&str] =
    &["BadMessage", "Idle", "NotSupportedOperation", "PermissionDenied", "Uploaded", "UploadFailure", "Uploading"];
const UPDATE_FIRMWARE_STATUS: &[&str] =
    &["Accepted", "Rejected", "AcceptedCanceled", "InvalidCertificate", "RevokedCertificate"];
const SIGNED_FIRMWARE_STATUS: &[&str] = &[
    "Downloaded",
    "DownloadFailed",
    "Downloading",
    "DownloadScheduled",
    "DownloadPaused",
    "Idle",
    "InstallationFailed",
    "Installing",
    "Installed",
    "InstallRebooting",
    "InstallScheduled",
    "InstallVerificationFailed",
    "InvalidSignature",
    "SignatureVerified",
];
const EXTENDED_MESSAGE_TRIGGER: &[&str] = &[
    "BootNotification",
    "LogStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "SignChargePointCertificate",
    "StatusNotification",
];

// --- shared types (reference §2.3) ------------------------------------------

const ID_TOKEN: Ty = Ty::Str(20);

const ID_TAG_INFO: &[Field] =
    &[req("status", Ty::Enum(AUTHORIZATION_STATUS)), opt("expiryDate", Ty::DateTime), opt("parentIdTag", ID_TOKEN)];

const SAMPLED_VALUE: &[Field] = &[
    req("value", Ty::Text),
    opt("context", Ty::Enum(READING_CONTEXT)),
    opt("format", Ty::Enum(VALUE_FORMAT)),
    opt("measurand", Ty::Enum(MEASURAND)),
    opt("phase", Ty::Enum(PHASE)),
    opt("location", Ty::Enum(LOCATION)),
    opt("unit", Ty::Enum(UNIT_OF_MEASURE)),
];

const METER_VALUE: &[Field] =
    &[req("timestamp", Ty::DateTime), req("sampledValue", Ty::Arr(&Ty::Obj(SAMPLED_VALUE), 1))];

const CHARGING_SCHEDULE_PERIOD: &[Field] =
    &[req("startPeriod", Ty::Int), req("limit", Ty::Num), opt("numberPhases", Ty::Int)];

const CHARGING_SCHEDULE: &[Field] = &[
    opt("duration", Ty::Int),
    opt("startSchedule", Ty::DateTime),
    req("chargingRateUnit", Ty::Enum(CHARGING_RATE_UNIT)),
    req("chargingSchedulePeriod", Ty::Arr(&Ty::Obj(CHARGING_SCHEDULE_PERIOD), 0)),
    opt("minChargingRate", Ty::Num),
];

const CHARGING_PROFILE: &[Field] = &[
    req("chargingProfileId", Ty::Int),
    opt("transactionId", Ty::Int),
    req("stackLevel", Ty::IntMin(0)),
    req("chargingProfilePurpose", Ty::Enum(CHARGING_PROFILE_PURPOSE)),
    req("chargingProfileKind", Ty::Enum(CHARGING_PROFILE_KIND)),
    opt("recurrencyKind", Ty::Enum(RECURRENCY_KIND)),
    opt("validFrom", Ty::DateTime),
    opt("validTo", Ty::DateTime),
    req("chargingSchedule", Ty::Obj(CHARGING_SCHEDULE)),
];

const KEY_VALUE: &[Field] = &[req("key", Ty::Str(50)), req("readonly", Ty::Bool), opt("value", Ty::Str(500))];

const AUTHORIZATION_DATA: &[Field] = &[req("idTag", ID_TOKEN), opt("idTagInfo", Ty::Obj(ID_TAG_INFO))];

const CERTIFICATE_HASH_DATA: &[Field] = &[
    req("hashAlgorithm", Ty::Enum(HASH_ALGORITHM)),
    req("issuerNameHash", Ty::Str(128)),
    req("issuerKeyHash", Ty::Str(128)),
    req("serialNumber", Ty::Str(40)),
];

/// GetLog.req `log`.
const LOG_PARAMETERS: &[Field] =
    &[req("remoteLocation", Ty::Str(512)), opt("oldestTimestamp", Ty::DateTime), opt("latestTimestamp", Ty::DateTime)];

/// SignedUpdateFirmware.req `firmware`.
const FIRMWARE: &[Field] = &[
    req("location", Ty::Str(512)),
    req("retrieveDateTime", Ty::DateTime),
    opt("installDateTime", Ty::DateTime),
    req("signingCertificate", Ty::Str(5500)),
    req("signature", Ty::Str(800)),
];

/// Payload of a message with no fields (e.g. Heartbeat.req, StatusNotification.conf).
const EMPTY: &[Field] = &[];

// --- actions (reference §2.1/§2.2), sorted by name for binary search ------

const ACTIONS: &[Action] = &[
    Action { name: "Authorize", req: &[req("idTag", ID_TOKEN)], conf: &[req("idTagInfo", Ty::Obj(ID_TAG_INFO))] },
    Action {
        name: "BootNotification",
        req: &[
            req("chargePointVendor", Ty::Str(20)),
            req("chargePointModel", Ty::Str(20)),
            opt("chargePointSerialNumber", Ty::Str(25)),
            opt("chargeBoxSerialNumber", Ty::Str(25)),
            opt("firmwareVersion", Ty::Str(50)),
            opt("iccid", Ty::Str(20)),
            opt("imsi", Ty::Str(20)),
            opt("meterType", Ty::Str(25)),
            opt("meterSerialNumber", Ty::Str(25)),
        ],
        conf: &[
            req("status", Ty::Enum(REGISTRATION_STATUS)),
            req("currentTime", Ty::DateTime),
            req("interval", Ty::Int),
        ],
    },
    Action {
        name: "CancelReservation",
        req: &[req("reservationId", Ty::Int)],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "CertificateSigned",
        req: &[req("certificateChain", Ty::Str(10000))],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "ChangeAvailability",
        req: &[req("connectorId", Ty::IntMin(0)), req("type", Ty::Enum(AVAILABILITY_TYPE))],
        conf: &[req("status", Ty::Enum(AVAILABILITY_STATUS))],
    },
    Action {
        name: "ChangeConfiguration",
        req: &[req("key", Ty::Str(50)), req("value", Ty::Str(500))],
        conf: &[req("status", Ty::Enum(CONFIGURATION_STATUS))],
    },
    Action { name: "ClearCache", req: EMPTY, conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))] },
    Action {
        name: "ClearChargingProfile",
        req: &[
            opt("id", Ty::Int),
            opt("connectorId", Ty::IntMin(0)),
            opt("chargingProfilePurpose", Ty::Enum(CHARGING_PROFILE_PURPOSE)),
            opt("stackLevel", Ty::Int),
        ],
        conf: &[req("status", Ty::Enum(CLEAR_CHARGING_PROFILE_STATUS))],
    },
    Action {
        name: "DataTransfer",
        req: &[req("vendorId", Ty::Str(255)), opt("messageId", Ty::Str(50)), opt("data", Ty::Text)],
        conf: &[req("status", Ty::Enum(DATA_TRANSFER_STATUS)), opt("data", Ty::Text)],
    },
    Action {
        name: "DeleteCertificate",
        req: &[req("certificateHashData", Ty::Obj(CERTIFICATE_HASH_DATA))],
        conf: &[req("status", Ty::Enum(DELETE_CERTIFICATE_STATUS))],
    },
    Action { name: "DiagnosticsStatusNotification", req: &[req("status", Ty::Enum(DIAGNOSTICS_STATUS))], conf: EMPTY },
    Action {
        name: "ExtendedTriggerMessage",
        req: &[req("requestedMessage", Ty::Enum(EXTENDED_MESSAGE_TRIGGER)), opt("connectorId", Ty::IntMin(0))],
        conf: &[req("status", Ty::Enum(TRIGGER_MESSAGE_STATUS))],
    },
    Action { name: "FirmwareStatusNotification", req: &[req("status", Ty::Enum(FIRMWARE_STATUS))], conf: EMPTY },
    Action {
        name: "GetCompositeSchedule",
        req: &[
            req("connectorId", Ty::IntMin(0)),
            req("duration", Ty::Int),
            opt("chargingRateUnit", Ty::Enum(CHARGING_RATE_UNIT)),
        ],
        conf: &[
            req("status", Ty::Enum(ACCEPTED_REJECTED)),
            opt("connectorId", Ty::IntMin(0)),
            opt("scheduleStart", Ty::DateTime),
            opt("chargingSchedule", Ty::Obj(CHARGING_SCHEDULE)),
        ],
    },
    Action {
        name: "GetConfiguration",
        req: &[opt("key", Ty::Arr(&Ty::Str(50), 0))],
        conf: &[opt("configurationKey", Ty::Arr(&Ty::Obj(KEY_VALUE), 0)), opt("unknownKey", Ty::Arr(&Ty::Str(50), 0))],
    },
    Action {
        name: "GetDiagnostics",
        req: &[
            req("location", Ty::Text),
            opt("retries", Ty::Int),
            opt("retryInterval", Ty::Int),
            opt("startTime", Ty::DateTime),
            opt("stopTime", Ty::DateTime),
        ],
        conf: &[opt("fileName", Ty::Str(255))],
    },
    Action {
        name: "GetInstalledCertificateIds",
        req: &[req("certificateType", Ty::Enum(CERTIFICATE_USE))],
        conf: &[
            req("status", Ty::Enum(GET_INSTALLED_CERTIFICATE_STATUS)),
            opt("certificateHashData", Ty::Arr(&Ty::Obj(CERTIFICATE_HASH_DATA), 1)),
        ],
    },
    Action { name: "GetLocalListVersion", req: EMPTY, conf: &[req("listVersion", Ty::Int)] },
    Action {
        name: "GetLog",
        req: &[
            req("log", Ty::Obj(LOG_PARAMETERS)),
            req("logType", Ty::Enum(LOG_TYPE)),
            req("requestId", Ty::Int),
            opt("retries", Ty::Int),
            opt("retryInterval", Ty::Int),
        ],
        conf: &[req("status", Ty::Enum(LOG_STATUS)), opt("filename", Ty::Str(255))],
    },
    Action { name: "Heartbeat", req: EMPTY, conf: &[req("currentTime", Ty::DateTime)] },
    Action {
        name: "InstallCertificate",
        req: &[req("certificateType", Ty::Enum(CERTIFICATE_USE)), req("certificate", Ty::Str(5500))],
        conf: &[req("status", Ty::Enum(INSTALL_CERTIFICATE_STATUS))],
    },
    Action {
        name: "LogStatusNotification",
        req: &[req("status", Ty::Enum(UPLOAD_LOG_STATUS)), opt("requestId", Ty::Int)],
        conf: EMPTY,
    },
    Action {
        name: "MeterValues",
        req: &[
            req("connectorId", Ty::IntMin(0)),
            opt("transactionId", Ty::Int),
            req("meterValue", Ty::Arr(&Ty::Obj(METER_VALUE), 1)),
        ],
        conf: EMPTY,
    },
    Action {
        name: "RemoteStartTransaction",
        req: &[
            opt("connectorId", Ty::IntMin(1)),
            req("idTag", ID_TOKEN),
            opt("chargingProfile", Ty::Obj(CHARGING_PROFILE)),
        ],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "RemoteStopTransaction",
        req: &[req("transactionId", Ty::Int)],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "ReserveNow",
        req: &[
            req("connectorId", Ty::IntMin(0)),
            req("expiryDate", Ty::DateTime),
            req("idTag", ID_TOKEN),
            opt("parentIdTag", ID_TOKEN),
            req("reservationId", Ty::Int),
        ],
        conf: &[req("status", Ty::Enum(RESERVATION_STATUS))],
    },
    Action {
        name: "Reset",
        req: &[req("type", Ty::Enum(RESET_TYPE))],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "SecurityEventNotification",
        req: &[req("type", Ty::Str(50)), req("timestamp", Ty::DateTime), opt("techInfo", Ty::Str(255))],
        conf: EMPTY,
    },
    Action {
        name: "SendLocalList",
        req: &[
            req("listVersion", Ty::Int),
            opt("localAuthorizationList", Ty::Arr(&Ty::Obj(AUTHORIZATION_DATA), 0)),
            req("updateType", Ty::Enum(UPDATE_TYPE)),
        ],
        conf: &[req("status", Ty::Enum(UPDATE_STATUS))],
    },
    Action {
        name: "SetChargingProfile",
        req: &[req("connectorId", Ty::IntMin(0)), req("csChargingProfiles", Ty::Obj(CHARGING_PROFILE))],
        conf: &[req("status", Ty::Enum(CHARGING_PROFILE_STATUS))],
    },
    Action {
        name: "SignCertificate",
        req: &[req("csr", Ty::Str(5500))],
        conf: &[req("status", Ty::Enum(ACCEPTED_REJECTED))],
    },
    Action {
        name: "SignedFirmwareStatusNotification",
        req: &[req("status", Ty::Enum(SIGNED_FIRMWARE_STATUS)), opt("requestId", Ty::Int)],
        conf: EMPTY,
    },
    Action {
        name: "SignedUpdateFirmware",
        req: &[
            opt("retries", Ty::Int),
            opt("retryInterval", Ty::Int),
            req("requestId", Ty::Int),
            req("firmware", Ty::Obj(FIRMWARE)),
        ],
        conf: &[req("status", Ty::Enum(UPDATE_FIRMWARE_STATUS))],
    },
    Action {
        name: "StartTransaction",
        req: &[
            req("connectorId", Ty::IntMin(1)),
            req("idTag", ID_TOKEN),
            req("meterStart", Ty::Int),
            opt("reservationId", Ty::Int),
            req("timestamp", Ty::DateTime),
        ],
        conf: &[req("idTagInfo", Ty::Obj(ID_TAG_INFO)), req("transactionId", Ty::Int)],
    },
    Action {
        name: "StatusNotification",
        req: &[
            req("connectorId", Ty::IntMin(0)),
            req("errorCode", Ty::Enum(CHARGE_POINT_ERROR_CODE)),
            opt("info", Ty::Str(50)),
            req("status", Ty::Enum(CHARGE_POINT_STATUS)),
            opt("timestamp", Ty::DateTime),
            opt("vendorId", Ty::Str(255)),
            opt("vendorErrorCode", Ty::Str(50)),
        ],
        conf: EMPTY,
    },
    Action {
        name: "StopTransaction",
        req: &[
            opt("idTag", ID_TOKEN),
            req("meterStop", Ty::Int),
            req("timestamp", Ty::DateTime),
            req("transactionId", Ty::Int),
            opt("reason", Ty::Enum(REASON)),
            opt("transactionData", Ty::Arr(&Ty::Obj(METER_VALUE), 0)),
        ],
        conf: &[opt("idTagInfo", Ty::Obj(ID_TAG_INFO))],
    },
    Action {
        name: "TriggerMessage",
        req: &[req("requestedMessage", Ty::Enum(MESSAGE_TRIGGER)), opt("connectorId", Ty::IntMin(0))],
        conf: &[req("status", Ty::Enum(TRIGGER_MESSAGE_STATUS))],
    },
    Action {
        name: "UnlockConnector",
        req: &[req("connectorId", Ty::IntMin(1))],
        conf: &[req("status", Ty::Enum(UNLOCK_STATUS))],
    },
    Action {
        name: "UpdateFirmware",
        req: &[
            req("location", Ty::Text),
            opt("retries", Ty::Int),
            req("retrieveDate", Ty::DateTime),
            opt("retryInterval", Ty::Int),
        ],
        conf: EMPTY,
    },
];

// ---------------------------------------------------------------------------
// The walker
// ---------------------------------------------------------------------------

/// A JSON path as a chain of borrowed segments; rendered only on a violation.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match *self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_to(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write_to(out);
                let _ = write!(out, "[{i}]");
            }
        }
    }
}

fn validate_payload(fields: &'static [Field], payload: Json<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    if payload.is_object() || payload.is_null() {
        check_object(fields, payload, &Path::Root, &mut out);
    } else {
        out.push(Violation {
            kind: ViolationKind::NotAnObject,
            path: String::new(),
            detail: format!("payload must be a JSON object, got {}", describe(payload)),
        });
    }
    out
}

/// What a shape's payloads need to pass: the schema of one side of one
/// action, where the payload lies on the tape, and the type of each of its
/// scalars (a shape fixes everything else: the keys, the nesting, the array
/// lengths).
struct ShapeChecks {
    shape: u64,
    fields: &'static [Field],
    at: usize,
    scalars: Vec<Scalar>,
    /// The enum values of the payload that passed, side by side.
    seen: Vec<u8>,
    /// When the payload that passed was the shape's own text: which scalar
    /// each of the shape's values is (by value number, `u8::MAX`: none),
    /// and which values are scalars. A payload's values that are the
    /// shape's own then need no look.
    exact: Option<(Vec<u8>, u64)>,
}

/// A scalar of a shape: where it is on the tape, its type, and for an enum
/// the value that passed (where it is in [`ShapeChecks::seen`]): a payload
/// with that value again needs no search of the enum.
struct Scalar {
    at: u32,
    ty: &'static Ty,
    seen: (u32, u32),
}

impl ShapeChecks {
    /// The checks of a payload's shape, from a payload that passed in full;
    /// `None` when its members cannot be matched to fields one by one.
    fn of(fields: &'static [Field], payload: Json<'_>, shaped: Shaped) -> Option<ShapeChecks> {
        let mut found = Vec::new();
        if !payload.is_object() || object_scalars(fields, payload, &mut found).is_none() {
            return None;
        }
        let mut seen = Vec::new();
        let scalars: Vec<Scalar> = found
            .into_iter()
            .map(|(at, ty)| {
                let start = seen.len() as u32;
                if let (Ty::Enum(_), Some(b)) = (ty, payload.on_tape(at as usize).plain_bytes()) {
                    seen.extend_from_slice(b);
                }
                Scalar { at, ty, seen: (start, seen.len() as u32) }
            })
            .collect();
        let exact = (shaped.changed == 0).then(|| value_numbers(payload.tape())).flatten().map(|numbers| {
            let mut scalar_of = vec![u8::MAX; 64];
            let mut values = 0u64;
            for (i, s) in scalars.iter().enumerate() {
                if let Some(&k) = numbers.get(s.at as usize).filter(|&&k| k != u8::MAX) {
                    scalar_of[k as usize] = i as u8;
                    values |= 1 << k;
                }
            }
            (scalar_of, values)
        });
        Some(ShapeChecks { shape: shaped.id, fields, at: payload.index(), scalars, seen, exact })
    }

    fn passes(&self, payload: Json<'_>, changed: u64) -> bool {
        let valid = |s: &Scalar| {
            let value = payload.on_tape(s.at as usize);
            let seen = &self.seen[s.seen.0 as usize..s.seen.1 as usize];
            match s.ty {
                Ty::Enum(_) if value.plain_bytes().is_some_and(|b| bytes_eq(b, seen)) => true,
                ty => scalar_is_valid(ty, value),
            }
        };
        let Some((scalar_of, scalars)) = &self.exact else { return self.scalars.iter().all(valid) };
        let mut left = changed & scalars;
        while left != 0 {
            let k = left.trailing_zeros() as usize;
            left &= left - 1;
            if !valid(&self.scalars[scalar_of[k] as usize]) {
                return false;
            }
        }
        true
    }
}

/// Shapes whose checks are remembered per thread, by id.
const SHAPE_CHECKS: usize = 64;

std::thread_local! {
    static CHECKS: std::cell::RefCell<Vec<Option<ShapeChecks>>> =
        std::cell::RefCell::new((0..SHAPE_CHECKS).map(|_| None).collect());
}

/// [`validate_payload`] of a payload on a copy of a kept shape's tape. A
/// payload of a shape that passed once passes when each of its scalars is
/// plainly valid for its type (the one place where they differ), and when
/// the one that passed was the shape's own text, each scalar that is not
/// the shape's own. Anything else takes the full check.
fn validate_shaped(fields: &'static [Field], payload: Json<'_>, shaped: Shaped) -> Vec<Violation> {
    let shape = shaped.id;
    if shape == 0 {
        return validate_payload(fields, payload);
    }
    let slot = (shape % SHAPE_CHECKS as u64) as usize;
    let passes = CHECKS.with_borrow(|checks| match &checks[slot] {
        Some(c) if c.shape == shape && std::ptr::eq(c.fields, fields) && c.at == payload.index() => {
            Some(c.passes(payload, shaped.changed))
        }
        _ => None,
    });
    match passes {
        Some(true) => Vec::new(),
        Some(false) => validate_payload(fields, payload),
        None => {
            let found = validate_payload(fields, payload);
            if found.is_empty() {
                if let Some(checks) = ShapeChecks::of(fields, payload, shaped) {
                    CHECKS.with_borrow_mut(|all| all[slot] = Some(checks));
                }
            }
            found
        }
    }
}

/// The scalars of an object and the type each must have, as
/// [`check_object`] matches members to fields; `None` when a member has no
/// field or a value is not of its field's kind (the full check tells what).
fn object_scalars(fields: &'static [Field], obj: Json<'_>, out: &mut Vec<(u32, &'static Ty)>) -> Option<()> {
    for (key, value) in obj.members() {
        let key = key.plain_bytes()?;
        let field = fields.iter().find(|f| f.name.as_bytes() == key)?;
        value_scalars(&field.ty, value, out)?;
    }
    Some(())
}

fn value_scalars(ty: &'static Ty, value: Json<'_>, out: &mut Vec<(u32, &'static Ty)>) -> Option<()> {
    match ty {
        Ty::Obj(fields) if value.is_object() => object_scalars(fields, value, out),
        Ty::Arr(item, _) if value.is_array() => value.elements().try_for_each(|e| value_scalars(item, e, out)),
        Ty::Obj(_) | Ty::Arr(..) => None,
        _ => {
            out.push((value.index() as u32, ty));
            Some(())
        }
    }
}

fn report(out: &mut Vec<Violation>, kind: ViolationKind, path: &Path, detail: impl FnOnce(&str) -> String) {
    let path = path.render();
    let detail = detail(&path);
    out.push(Violation { kind, path, detail });
}

/// Fields of an object matched in one pass over its members (objects with
/// more fields are matched by lookup).
const MATCHED_FIELDS: usize = 16;

/// Checks the fields in schema order, then names unknown members in payload order.
fn check_object(fields: &[Field], obj: Json<'_>, path: &Path, out: &mut Vec<Violation>) {
    // where on the tape each field's value is (0, the root, is never a member's: none)
    let mut found = [0u32; MATCHED_FIELDS];
    let mut unknown = false;
    // members mostly come in the schema's order, with optional fields left
    // out: look from the field after the last one found on, then before it
    let mut next = 0;
    for (key, value) in obj.members() {
        // the key's text once, compared with each field's name
        let key = key.as_str();
        let key = key.as_deref().map(str::as_bytes);
        let is_key = |f: &Field| key.is_some_and(|k| bytes_eq(k, f.name.as_bytes()));
        let hit = match fields[next..].iter().position(is_key) {
            Some(i) => Some(next + i),
            None => fields[..next].iter().position(is_key),
        };
        if let Some(i) = hit {
            next = i + 1;
        }
        match hit {
            Some(i) if i < MATCHED_FIELDS => found[i] = value.index() as u32,
            Some(_) => {}
            None => unknown = true,
        }
    }
    for (i, field) in fields.iter().enumerate() {
        let here = Path::Key(path, field.name);
        let value = match found.get(i) {
            Some(0) => None,
            Some(&at) => Some(obj.on_tape(at as usize)),
            None => obj.get(field.name),
        };
        match value {
            // a plainly valid scalar needs no call
            Some(value) if scalar_is_valid(&field.ty, value) => {}
            Some(value) => check_value(&field.ty, value, &here, out),
            None if field.required => {
                report(out, ViolationKind::MissingField, &here, |p| format!("required field \"{p}\" is missing"))
            }
            None => {}
        }
    }
    if !unknown {
        return;
    }
    for (key, _) in obj.members() {
        let key = key.as_str().unwrap_or_default();
        if fields.iter().any(|f| f.name == key) {
            continue;
        }
        let hint = fields.iter().find(|f| f.name.eq_ignore_ascii_case(&key));
        report(out, ViolationKind::UnknownField, &Path::Key(path, &key), |p| match hint {
            Some(f) => format!("unknown field \"{p}\" (did you mean \"{}\"?)", f.name),
            None => format!("unknown field \"{p}\", not in the OCPP 1.6 schema"),
        });
    }
}

fn check_value(ty: &Ty, value: Json<'_>, path: &Path, out: &mut Vec<Violation>) {
    match *ty {
        Ty::Obj(fields) if value.is_object() => check_object(fields, value, path, out),
        Ty::Arr(item, min_items) if value.is_array() && value.len() >= min_items => {
            for (i, element) in value.elements().enumerate() {
                check_value(item, element, &Path::Index(path, i), out);
            }
        }
        _ if scalar_is_valid(ty, value) => {}
        // the rare value with something to report
        _ => report_value(ty, value, path, out),
    }
}

/// Whether a value of a scalar type is plainly valid; `false` leaves it to
/// [`report_value`], which finds what is wrong (or that nothing is).
#[inline]
fn scalar_is_valid(ty: &Ty, value: Json<'_>) -> bool {
    match *ty {
        Ty::Int => value.as_i64().is_some(),
        Ty::IntMin(min) => value.as_i64().is_some_and(|n| n >= min),
        Ty::Num => value.is_number(),
        Ty::Bool => value.is_bool(),
        Ty::Text => value.is_string(),
        // the byte length bounds the character count
        Ty::Str(max) => value.plain_bytes().is_some_and(|b| b.len() <= max),
        Ty::Enum(allowed) => value.plain_bytes().is_some_and(|b| allowed.iter().any(|a| bytes_eq(a.as_bytes(), b))),
        Ty::DateTime => value.plain_bytes().is_some() && value.as_str().is_some_and(|s| check_date_time(&s).is_ok()),
        Ty::Obj(_) | Ty::Arr(..) => false,
    }
}

/// [`check_value`] in full, with every report.
#[cold]
#[inline(never)]
fn report_value(ty: &Ty, value: Json<'_>, path: &Path, out: &mut Vec<Violation>) {
    match *ty {
        Ty::Int => {
            if whole_number(value).is_none() {
                wrong_type(out, path, ty, value);
            }
        }
        Ty::IntMin(min) => match whole_number(value) {
            None => wrong_type(out, path, ty, value),
            Some(n) if n < i128::from(min) => report(out, ViolationKind::OutOfRange, path, |p| {
                format!("{p} is {}, must be at least {min}", value.number().map(|n| n.to_string()).unwrap_or_default())
            }),
            Some(_) => {}
        },
        Ty::Num => {
            if !value.is_number() {
                wrong_type(out, path, ty, value);
            }
        }
        Ty::Bool => {
            if !value.is_bool() {
                wrong_type(out, path, ty, value);
            }
        }
        Ty::Text => {
            if !value.is_string() {
                wrong_type(out, path, ty, value);
            }
        }
        Ty::Str(max) => match value.as_str() {
            None => wrong_type(out, path, ty, value),
            // byte length bounds the character count: skip counting short strings
            Some(s) if s.len() > max => {
                let chars = s.chars().count();
                if chars > max {
                    report(out, ViolationKind::TooLong, path, |p| {
                        format!("{p} is {chars} characters, at most {max} allowed")
                    });
                }
            }
            Some(_) => {}
        },
        Ty::Enum(allowed) => match value.as_str() {
            None => wrong_type(out, path, ty, value),
            Some(s) if !allowed.iter().any(|a| bytes_eq(a.as_bytes(), s.as_bytes())) => {
                report(out, ViolationKind::NotInEnum, path, |p| not_in_enum(p, &s, allowed))
            }
            Some(_) => {}
        },
        Ty::DateTime => match value.as_str() {
            None => wrong_type(out, path, ty, value),
            Some(s) => match check_date_time(&s) {
                Ok(()) => {}
                Err(DateTimeError::NoZone) => report(out, ViolationKind::BadDateTime, path, |p| {
                    format!("{p} {} has no time zone (RFC 3339 needs Z or ±hh:mm)", quoted(&s))
                }),
                Err(DateTimeError::Invalid) => report(out, ViolationKind::BadDateTime, path, |p| {
                    format!("{p} {} is not an RFC 3339 date-time", quoted(&s))
                }),
            },
        },
        Ty::Obj(fields) => {
            if value.is_object() {
                check_object(fields, value, path, out)
            } else {
                wrong_type(out, path, ty, value)
            }
        }
        Ty::Arr(item, min_items) => {
            if !value.is_array() {
                return wrong_type(out, path, ty, value);
            }
            let items = value.len();
            if items < min_items {
                report(out, ViolationKind::EmptyArray, path, |p| {
                    let plural = if min_items == 1 { "entry" } else { "entries" };
                    format!("{p} has {items} entries, at least {min_items} {plural} required")
                });
            }
            for (i, element) in value.elements().enumerate() {
                check_value(item, element, &Path::Index(path, i), out);
            }
        }
    }
}

/// The value of an integer, also written as a whole-valued float (`300.0`).
fn whole_number(value: Json<'_>) -> Option<i128> {
    if !value.is_number() {
        return None;
    }
    if let Some(i) = value.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = value.as_u64() {
        return Some(i128::from(u));
    }
    let f = value.as_f64()?;
    // |f| < 2^100 keeps the cast exact and in range
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e30).then_some(f as i128)
}

fn wrong_type(out: &mut Vec<Violation>, path: &Path, ty: &Ty, value: Json<'_>) {
    let expected = match ty {
        Ty::Int | Ty::IntMin(_) => "an integer",
        Ty::Num => "a number",
        Ty::Str(_) | Ty::Text | Ty::Enum(_) | Ty::DateTime => "a string",
        Ty::Bool => "a boolean",
        Ty::Obj(_) => "an object",
        Ty::Arr(..) => "an array",
    };
    report(out, ViolationKind::WrongType, path, |p| format!("\"{p}\" must be {expected}, got {}", describe(value)));
}

/// `string "1234"`, `number 12.5`, `boolean true`, `null`, `array`, `object`.
fn describe(value: Json<'_>) -> String {
    use crate::ingest::json::Kind;
    match value.kind() {
        Kind::Null => "null".to_string(),
        Kind::Bool => format!("boolean {}", value.raw()),
        Kind::Num => format!("number {}", value.number().map(|n| n.to_string()).unwrap_or_default()),
        Kind::Str => format!("string {}", quoted(&value.as_str().unwrap_or_default())),
        Kind::Arr => "array".to_string(),
        Kind::Obj => "object".to_string(),
    }
}

/// A string value for a message, cut after 40 characters.
fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", &s[..cut]),
        None => format!("\"{s}\""),
    }
}

/// `errorCode "Error" is not one of ConnectorLockFailure, EVCommunicationError, ...`
fn not_in_enum(path: &str, got: &str, allowed: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut text = format!("{path} {} is not one of ", quoted(got));
    text.push_str(&allowed[..allowed.len().min(SHOWN)].join(", "));
    if allowed.len() > SHOWN {
        text.push_str(", ...");
    }
    if let Some(close) = allowed.iter().find(|a| a.eq_ignore_ascii_case(got)) {
        let _ = write!(text, " (did you mean \"{close}\"?)");
    }
    text
}

// ---------------------------------------------------------------------------
// RFC 3339 date-time
// ---------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
enum DateTimeError {
    /// A valid local date-time with nothing after it.
    NoZone,
    Invalid,
}

/// Checks `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (RFC 3339 §5.6; `t`/`z` may be
/// lower case, the fraction may have any length, a leap second `:60` passes).
fn check_date_time(s: &str) -> Result<(), DateTimeError> {
    use DateTimeError::Invalid;
    let mut c = Cursor { bytes: s.as_bytes(), pos: 0 };
    let year = c.number(4)?;
    c.expect(b"-")?;
    let month = c.number(2)?;
    c.expect(b"-")?;
    let day = c.number(2)?;
    c.expect(b"Tt")?;
    let hour = c.number(2)?;
    c.expect(b":")?;
    let minute = c.number(2)?;
    c.expect(b":")?;
    let second = c.number(2)?;
    if c.eat(b".") && c.digits() == 0 {
        return Err(Invalid);
    }
    let date_ok = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    if !date_ok || hour > 23 || minute > 59 || second > 60 {
        return Err(Invalid);
    }
    if c.at_end() {
        return Err(DateTimeError::NoZone);
    }
    if !c.eat(b"Zz") {
        c.expect(b"+-")?;
        let offset_hour = c.number(2)?;
        c.expect(b":")?;
        let offset_minute = c.number(2)?;
        if offset_hour > 23 || offset_minute > 59 {
            return Err(Invalid);
        }
    }
    if c.at_end() {
        Ok(())
    } else {
        Err(Invalid)
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// Consumes one byte if it is one of `any`.
    fn eat(&mut self, any: &[u8]) -> bool {
        match self.bytes.get(self.pos) {
            Some(b) if any.contains(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn expect(&mut self, any: &[u8]) -> Result<(), DateTimeError> {
        if self.eat(any) {
            Ok(())
        } else {
            Err(DateTimeError::Invalid)
        }
    }

    /// Exactly `len` ASCII digits.
    fn number(&mut self, len: usize) -> Result<u32, DateTimeError> {
        let mut n = 0;
        for _ in 0..len {
            match self.bytes.get(self.pos) {
                Some(b) if b.is_ascii_digit() => n = n * 10 + u32::from(b - b'0'),
                _ => return Err(DateTimeError::Invalid),
            }
            self.pos += 1;
        }
        Ok(n)
    }

    /// Skips a run of ASCII digits, returning its length.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A realistic request and response for every action.
    fn samples() -> Vec<(&'static str, Value, Value)> {
        let id_tag_info =
            json!({"status": "Accepted", "expiryDate": "2023-10-20T15:28:07.000Z", "parentIdTag": "FLEET-01"});
        let profile = json!({
            "chargingProfileId": 12,
            "transactionId": 4711,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxProfile",
            "chargingProfileKind": "Absolute",
            "validFrom": "2023-10-19T15:00:00Z",
            "validTo": "2023-10-19T23:00:00Z",
            "chargingSchedule": {
                "duration": 3600,
                "startSchedule": "2023-10-19T15:30:00Z",
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [
                    {"startPeriod": 0, "limit": 16.0, "numberPhases": 3},
                    {"startPeriod": 1800, "limit": 10.5}
                ],
                "minChargingRate": 6.0
            }
        });
        let hash = json!({
            "hashAlgorithm": "SHA256",
            "issuerNameHash": "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "issuerKeyHash": "f9e8d7c6b5a4938271605f4e3d2c1b0af9e8d7c6b5a4938271605f4e3d2c1b0a",
            "serialNumber": "4a3f1c"
        });
        vec![
            ("Authorize", json!({"idTag": "04A2C35A2B6780"}), json!({"idTagInfo": id_tag_info})),
            (
                "BootNotification",
                json!({
                    "chargePointVendor": "ABB", "chargePointModel": "Terra AC",
                    "chargePointSerialNumber": "TACW2244321", "chargeBoxSerialNumber": "TACW2244321",
                    "firmwareVersion": "1.6.9", "iccid": "89490200001234567890", "imsi": "262011234567890",
                    "meterType": "Eastron SDM630", "meterSerialNumber": "0012345678"
                }),
                json!({"status": "Accepted", "currentTime": "2023-10-19T15:28:07.123Z", "interval": 300}),
            ),
            ("CancelReservation", json!({"reservationId": 77}), json!({"status": "Accepted"})),
            (
                "CertificateSigned",
                json!({"certificateChain": "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----"}),
                json!({"status": "Accepted"}),
            ),
            ("ChangeAvailability", json!({"connectorId": 0, "type": "Inoperative"}), json!({"status": "Scheduled"})),
            (
                "ChangeConfiguration",
                json!({"key": "MeterValueSampleInterval", "value": "60"}),
                json!({"status": "RebootRequired"}),
            ),
            ("ClearCache", json!({}), json!({"status": "Rejected"})),
            (
                "ClearChargingProfile",
                json!({"connectorId": 1, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 2}),
                json!({"status": "Unknown"}),
            ),
            (
                "DataTransfer",
                json!({"vendorId": "com.vendor.charger", "messageId": "GetSessionInfo", "data": "{\"session\":12}"}),
                json!({"status": "Accepted", "data": "{\"kWh\":12.4}"}),
            ),
            ("DeleteCertificate", json!({"certificateHashData": hash}), json!({"status": "NotFound"})),
            ("DiagnosticsStatusNotification", json!({"status": "Uploaded"}), json!({})),
            (
                "ExtendedTriggerMessage",
                json!({"requestedMessage": "SignChargePointCertificate"}),
                json!({"status": "Accepted"}),
            ),
            ("FirmwareStatusNotification", json!({"status": "Installing"}), json!({})),
            (
                "GetCompositeSchedule",
                json!({"connectorId": 1, "duration": 86400, "chargingRateUnit": "W"}),
                json!({
                    "status": "Accepted", "connectorId": 1, "scheduleStart": "2023-10-19T00:00:00+02:00",
                    "chargingSchedule": {
                        "duration": 86400, "chargingRateUnit": "W",
                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000}]
                    }
                }),
            ),
            (
                "GetConfiguration",
                json!({"key": ["HeartbeatInterval", "MeterValueSampleInterval"]}),
                json!({
                    "configurationKey": [
                        {"key": "HeartbeatInterval", "readonly": false, "value": "300"},
                        {"key": "NumberOfConnectors", "readonly": true, "value": "2"},
                        {"key": "AuthorizationKey", "readonly": false}
                    ],
                    "unknownKey": ["VendorSecretKey"]
                }),
            ),
            (
                "GetDiagnostics",
                json!({
                    "location": "ftp://user:pw@diag.example.com/uploads/", "retries": 3, "retryInterval": 60,
                    "startTime": "2023-10-18T00:00:00Z", "stopTime": "2023-10-19T00:00:00Z"
                }),
                json!({"fileName": "diag-TACW2244321-20231019.tar.gz"}),
            ),
            (
                "GetInstalledCertificateIds",
                json!({"certificateType": "CentralSystemRootCertificate"}),
                json!({"status": "Accepted", "certificateHashData": [hash]}),
            ),
            ("GetLocalListVersion", json!({}), json!({"listVersion": -1})),
            (
                "GetLog",
                json!({
                    "log": {
                        "remoteLocation": "https://logs.example.com/upload",
                        "oldestTimestamp": "2023-10-01T00:00:00Z", "latestTimestamp": "2023-10-19T00:00:00Z"
                    },
                    "logType": "SecurityLog", "requestId": 42, "retries": 2, "retryInterval": 30
                }),
                json!({"status": "Accepted", "filename": "security-42.log"}),
            ),
            ("Heartbeat", json!({}), json!({"currentTime": "2023-10-19T15:28:07Z"})),
            (
                "InstallCertificate",
                json!({"certificateType": "ManufacturerRootCertificate", "certificate": "-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----"}),
                json!({"status": "Failed"}),
            ),
            ("LogStatusNotification", json!({"status": "Uploading", "requestId": 42}), json!({})),
            (
                "MeterValues",
                json!({
                    "connectorId": 1, "transactionId": 4711,
                    "meterValue": [{
                        "timestamp": "2023-10-19T15:30:00Z",
                        "sampledValue": [
                            {"value": "12345", "context": "Sample.Periodic", "measurand": "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh"},
                            {"value": "7360.5", "context": "Sample.Periodic", "format": "Raw", "measurand": "Power.Active.Import", "unit": "W"},
                            {"value": "16.02", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
                            {"value": "230.1", "measurand": "Voltage", "phase": "L1-N", "unit": "V"},
                            {"value": "41", "measurand": "Temperature", "location": "Body", "unit": "Celsius"},
                            {"value": "50.0", "measurand": "Frequency", "unit": "Hertz"},
                            {"value": "78", "measurand": "SoC", "location": "EV", "unit": "Percent"}
                        ]
                    }]
                }),
                json!({}),
            ),
            (
                "RemoteStartTransaction",
                json!({"connectorId": 2, "idTag": "APP-7f3a9c", "chargingProfile": {
                    "chargingProfileId": 1, "stackLevel": 1, "chargingProfilePurpose": "TxProfile",
                    "chargingProfileKind": "Relative",
                    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 32}]}
                }}),
                json!({"status": "Accepted"}),
            ),
            ("RemoteStopTransaction", json!({"transactionId": 4711}), json!({"status": "Rejected"})),
            (
                "ReserveNow",
                json!({"connectorId": 0, "expiryDate": "2023-10-19T16:00:00Z", "idTag": "04A2C35A2B6780", "parentIdTag": "FLEET-01", "reservationId": 77}),
                json!({"status": "Occupied"}),
            ),
            ("Reset", json!({"type": "Soft"}), json!({"status": "Accepted"})),
            (
                "SecurityEventNotification",
                json!({"type": "StartupOfTheDevice", "timestamp": "2023-10-19T15:27:58.4Z", "techInfo": "cold boot"}),
                json!({}),
            ),
            (
                "SendLocalList",
                json!({"listVersion": 5, "updateType": "Differential", "localAuthorizationList": [
                    {"idTag": "04A2C35A2B6780", "idTagInfo": {"status": "Accepted", "expiryDate": "2024-01-01T00:00:00Z"}},
                    {"idTag": "DEADBEEF"}
                ]}),
                json!({"status": "VersionMismatch"}),
            ),
            (
                "SetChargingProfile",
                json!({"connectorId": 1, "csChargingProfiles": profile}),
                json!({"status": "Accepted"}),
            ),
            (
                "SignCertificate",
                json!({"csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIC...\n-----END CERTIFICATE REQUEST-----"}),
                json!({"status": "Accepted"}),
            ),
            ("SignedFirmwareStatusNotification", json!({"status": "SignatureVerified", "requestId": 9}), json!({})),
            (
                "SignedUpdateFirmware",
                json!({"retries": 3, "retryInterval": 120, "requestId": 9, "firmware": {
                    "location": "https://fw.example.com/terra-1.7.0.bin",
                    "retrieveDateTime": "2023-10-19T22:00:00Z", "installDateTime": "2023-10-20T02:00:00Z",
                    "signingCertificate": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----",
                    "signature": "MEUCIQDx..."
                }}),
                json!({"status": "AcceptedCanceled"}),
            ),
            (
                "StartTransaction",
                json!({"connectorId": 1, "idTag": "04A2C35A2B6780", "meterStart": 1234, "reservationId": 77, "timestamp": "2023-10-19T15:28:07Z"}),
                json!({"idTagInfo": {"status": "Accepted"}, "transactionId": 4711}),
            ),
            (
                "StatusNotification",
                json!({
                    "connectorId": 1, "errorCode": "OtherError", "info": "RCD tripped", "status": "Faulted",
                    "timestamp": "2023-10-19T15:28:07+02:00", "vendorId": "com.abb", "vendorErrorCode": "0x3021"
                }),
                json!({}),
            ),
            (
                "StopTransaction",
                json!({
                    "idTag": "04A2C35A2B6780", "meterStop": 19876, "timestamp": "2023-10-19T17:02:44Z",
                    "transactionId": 4711, "reason": "EVDisconnected",
                    "transactionData": [
                        {"timestamp": "2023-10-19T15:28:07Z", "sampledValue": [
                            {"value": "1234", "context": "Transaction.Begin", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
                        ]},
                        {"timestamp": "2023-10-19T17:02:44Z", "sampledValue": [
                            {"value": "19.876", "context": "Transaction.End", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
                            {"value": "35", "context": "Transaction.End", "measurand": "Temperature", "unit": "Celcius"}
                        ]}
                    ]
                }),
                json!({"idTagInfo": {"status": "Accepted"}}),
            ),
            (
                "TriggerMessage",
                json!({"requestedMessage": "StatusNotification", "connectorId": 0}),
                json!({"status": "NotImplemented"}),
            ),
            ("UnlockConnector", json!({"connectorId": 2}), json!({"status": "Unlocked"})),
            (
                "UpdateFirmware",
                json!({"location": "https://fw.example.com/terra-1.7.0.bin", "retries": 3, "retrieveDate": "2023-10-19T22:00:00Z", "retryInterval": 300}),
                json!({}),
            ),
        ]
    }

    fn only(v: Vec<Violation>) -> Violation {
        assert_eq!(v.len(), 1, "expected exactly one violation, got {v:#?}");
        v.into_iter().next().unwrap()
    }

    fn req_one(action: &str, payload: Value) -> Violation {
        only(validate_request(action, &payload))
    }

    #[test]
    fn actions_table_is_sorted_and_complete() {
        assert!(ACTIONS.windows(2).all(|w| w[0].name < w[1].name), "ACTIONS must stay sorted by name");
        assert_eq!(ACTIONS.len(), 39);
        for a in ACTIONS {
            assert!(is_known_action(a.name));
        }
        assert!(!is_known_action("authorize"));
        assert!(!is_known_action("Get15118EVCertificate"));
        assert!(!is_known_action(""));
    }

    #[test]
    fn good_samples_of_every_action_pass() {
        let samples = samples();
        for a in ACTIONS {
            assert!(samples.iter().any(|(name, _, _)| *name == a.name), "no sample for {}", a.name);
        }
        for (action, request, response) in &samples {
            assert!(is_known_action(action), "{action}");
            assert_eq!(validate_request(action, request), vec![], "{action} request");
            assert_eq!(validate_response(action, response), vec![], "{action} response");
        }
    }

    #[test]
    fn minimal_payloads_pass() {
        let v = validate_request(
            "StopTransaction",
            &json!({"meterStop": 0, "timestamp": "2023-10-19T17:02:44Z", "transactionId": -1}),
        );
        assert_eq!(v, vec![]);
        assert_eq!(validate_response("StopTransaction", &json!({})), vec![]);
        assert_eq!(validate_request("GetConfiguration", &json!({})), vec![]);
        assert_eq!(validate_request("ClearChargingProfile", &json!({})), vec![]);
        assert_eq!(validate_response("GetDiagnostics", &json!({})), vec![]);
        // no string has a minimum length
        assert_eq!(validate_request("Authorize", &json!({"idTag": ""})), vec![]);
    }

    #[test]
    fn missing_required_field() {
        let v =
            req_one("StartTransaction", json!({"connectorId": 1, "idTag": "ABC", "timestamp": "2023-10-19T15:28:07Z"}));
        assert_eq!(v.kind, ViolationKind::MissingField);
        assert_eq!(v.path, "meterStart");
        assert_eq!(v.detail, "required field \"meterStart\" is missing");
    }

    #[test]
    fn missing_nested_field() {
        let v = only(validate_response("Authorize", &json!({"idTagInfo": {}})));
        assert_eq!(v.kind, ViolationKind::MissingField);
        assert_eq!(v.path, "idTagInfo.status");
    }

    #[test]
    fn string_for_integer_is_wrong_type() {
        let v = req_one(
            "StartTransaction",
            json!({"connectorId": 1, "idTag": "ABC", "meterStart": "1234", "timestamp": "2023-10-19T15:28:07Z"}),
        );
        assert_eq!(v.kind, ViolationKind::WrongType);
        assert_eq!(v.path, "meterStart");
        assert_eq!(v.detail, "\"meterStart\" must be an integer, got string \"1234\"");
    }

    #[test]
    fn other_wrong_types() {
        let v = req_one(
            "StartTransaction",
            json!({"connectorId": 1, "idTag": "ABC", "meterStart": 12.5, "timestamp": "2023-10-19T15:28:07Z"}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "meterStart"));
        assert_eq!(v.detail, "\"meterStart\" must be an integer, got number 12.5");

        let v = req_one("Authorize", json!({"idTag": 4711}));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "idTag"));

        let v = req_one("GetConfiguration", json!({"key": {"HeartbeatInterval": true}}));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "key"));
        assert_eq!(v.detail, "\"key\" must be an array, got object");

        let v = only(validate_response(
            "GetConfiguration",
            &json!({"configurationKey": [{"key": "K", "readonly": "false"}]}),
        ));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "configurationKey[0].readonly"));

        let v = req_one(
            "MeterValues",
            json!({"connectorId": 1, "transactionId": null, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [{"value": "1"}]}]}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "transactionId"));
        assert_eq!(v.detail, "\"transactionId\" must be an integer, got null");

        let v = only(validate_response("StartTransaction", &json!({"idTagInfo": "Accepted", "transactionId": 1})));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::WrongType, "idTagInfo"));
    }

    #[test]
    fn whole_valued_float_is_an_integer() {
        let conf = json!({"status": "Accepted", "currentTime": "2023-10-19T15:28:07Z", "interval": 300.0});
        assert_eq!(validate_response("BootNotification", &conf), vec![]);
        let conf = json!({"status": "Accepted", "currentTime": "2023-10-19T15:28:07Z", "interval": 300.5});
        assert_eq!(only(validate_response("BootNotification", &conf)).kind, ViolationKind::WrongType);
        // a number field takes integers and fractions alike
        let req = json!({"connectorId": 1, "csChargingProfiles": {
            "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Recurring", "recurrencyKind": "Daily",
            "chargingSchedule": {"chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0.0, "limit": 7400}]}
        }});
        assert_eq!(validate_request("SetChargingProfile", &req), vec![]);
    }

    #[test]
    fn sampled_value_must_be_a_string() {
        let v = req_one(
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [{"value": "1"}, {"value": 12345}]}]}),
        );
        assert_eq!(v.kind, ViolationKind::WrongType);
        assert_eq!(v.path, "meterValue[0].sampledValue[1].value");
        assert_eq!(v.detail, "\"meterValue[0].sampledValue[1].value\" must be a string, got number 12345");
    }

    #[test]
    fn not_in_enum() {
        let v = req_one("StatusNotification", json!({"connectorId": 1, "errorCode": "Error", "status": "Faulted"}));
        assert_eq!(v.kind, ViolationKind::NotInEnum);
        assert_eq!(v.path, "errorCode");
        assert_eq!(
            v.detail,
            "errorCode \"Error\" is not one of ConnectorLockFailure, EVCommunicationError, GroundFailure, \
             HighTemperature, InternalError, LocalListConflict, ..."
        );
    }

    #[test]
    fn enums_are_case_sensitive_and_hint_the_spelling() {
        let v = only(validate_response(
            "StartTransaction",
            &json!({"idTagInfo": {"status": "accepted"}, "transactionId": 1}),
        ));
        assert_eq!(v.kind, ViolationKind::NotInEnum);
        assert_eq!(v.path, "idTagInfo.status");
        assert_eq!(
            v.detail,
            "idTagInfo.status \"accepted\" is not one of Accepted, Blocked, Expired, Invalid, ConcurrentTx \
             (did you mean \"Accepted\"?)"
        );
    }

    #[test]
    fn nested_enum_path() {
        let v = req_one(
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [
                {"value": "1", "unit": "Wh"}, {"value": "2", "unit": "kwh"}
            ]}]}),
        );
        assert_eq!(v.kind, ViolationKind::NotInEnum);
        assert_eq!(v.path, "meterValue[0].sampledValue[1].unit");
    }

    #[test]
    fn all_unit_spellings_are_accepted_everywhere() {
        for unit in ["Celcius", "Celsius", "Hertz"] {
            let mv = json!([{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [{"value": "1", "unit": unit}]}]);
            let req = json!({"connectorId": 1, "meterValue": mv});
            assert_eq!(validate_request("MeterValues", &req), vec![], "{unit}");
            let req =
                json!({"meterStop": 5, "timestamp": "2023-10-19T17:02:44Z", "transactionId": 3, "transactionData": mv});
            assert_eq!(validate_request("StopTransaction", &req), vec![], "{unit}");
        }
    }

    #[test]
    fn too_long_id_tag() {
        let v = req_one("Authorize", json!({"idTag": "0123456789ABCDEF01234567"}));
        assert_eq!(v.kind, ViolationKind::TooLong);
        assert_eq!(v.path, "idTag");
        assert_eq!(v.detail, "idTag is 24 characters, at most 20 allowed");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 20 characters, 40 bytes
        assert_eq!(validate_request("Authorize", &json!({"idTag": "ääääääääääääääääääää"})), vec![]);
        let v = req_one("Authorize", json!({"idTag": "äääääääääääääääääääää"}));
        assert_eq!(v.detail, "idTag is 21 characters, at most 20 allowed");
    }

    #[test]
    fn unknown_fields_at_every_level() {
        let v = only(validate_response(
            "BootNotification",
            &json!({"status": "Accepted", "currentTime": "2023-10-19T15:28:07Z", "interval": 300, "heartbeatInterval": 300}),
        ));
        assert_eq!(v.kind, ViolationKind::UnknownField);
        assert_eq!(v.path, "heartbeatInterval");
        assert_eq!(v.detail, "unknown field \"heartbeatInterval\", not in the OCPP 1.6 schema");

        let v = only(validate_response(
            "StartTransaction",
            &json!({"idTagInfo": {"status": "Accepted", "note": "x"}, "transactionId": 1}),
        ));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::UnknownField, "idTagInfo.note"));

        let v = req_one(
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [{"value": "1", "quality": "good"}]}]}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::UnknownField, "meterValue[0].sampledValue[0].quality"));
    }

    #[test]
    fn members_in_any_order_are_matched_to_their_fields() {
        // schema order skipping optional fields, reversed, and shuffled: each field still checked
        for sample in [
            json!({"value": "1", "measurand": "Temperature", "unit": "Celsius"}),
            json!({"unit": "Celsius", "measurand": "Temperature", "value": "1"}),
            json!({"measurand": "Temperature", "value": "1", "unit": "Celsius"}),
        ] {
            let payload = json!({"connectorId": 1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [sample]}]});
            assert_eq!(validate_request("MeterValues", &payload), vec![]);
            let mut bad = payload.clone();
            bad["meterValue"][0]["sampledValue"][0]["unit"] = json!("celsius");
            let v = req_one("MeterValues", bad);
            assert_eq!((v.kind, v.path.as_str()), (ViolationKind::NotInEnum, "meterValue[0].sampledValue[0].unit"));
        }
    }

    #[test]
    fn unknown_field_with_wrong_case_hints_the_name() {
        let v = validate_request("UnlockConnector", &json!({"ConnectorId": 1}));
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].kind, v[0].path.as_str()), (ViolationKind::MissingField, "connectorId"));
        assert_eq!((v[1].kind, v[1].path.as_str()), (ViolationKind::UnknownField, "ConnectorId"));
        assert_eq!(v[1].detail, "unknown field \"ConnectorId\" (did you mean \"connectorId\"?)");
    }

    #[test]
    fn timestamp_without_zone() {
        let v = req_one(
            "StartTransaction",
            json!({"connectorId": 1, "idTag": "ABC", "meterStart": 0, "timestamp": "2023-10-19T15:28:07"}),
        );
        assert_eq!(v.kind, ViolationKind::BadDateTime);
        assert_eq!(v.path, "timestamp");
        assert_eq!(v.detail, "timestamp \"2023-10-19T15:28:07\" has no time zone (RFC 3339 needs Z or ±hh:mm)");
    }

    #[test]
    fn unparseable_date_time() {
        let v = only(validate_response("GetCompositeSchedule", &json!({"status": "Accepted", "scheduleStart": "0"})));
        assert_eq!(v.kind, ViolationKind::BadDateTime);
        assert_eq!(v.path, "scheduleStart");
        assert_eq!(v.detail, "scheduleStart \"0\" is not an RFC 3339 date-time");
    }

    #[test]
    fn date_time_checker() {
        for good in [
            "2023-10-19T15:28:07Z",
            "2023-10-19t15:28:07z",
            "2023-10-19T15:28:07.1Z",
            "2023-10-19T15:28:07.123456789012Z",
            "2023-10-19T15:28:07+02:00",
            "2023-10-19T15:28:07.5-05:30",
            "2024-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "1970-01-01T00:00:00Z",
        ] {
            assert_eq!(check_date_time(good), Ok(()), "{good}");
        }
        for no_zone in ["2023-10-19T15:28:07", "2023-10-19T15:28:07.123"] {
            assert_eq!(check_date_time(no_zone), Err(DateTimeError::NoZone), "{no_zone}");
        }
        for bad in [
            "",
            "0",
            "2023-10-19",
            "2023-10-19 15:28:07Z",
            "2023-10-19T15:28Z",
            "2023-10-19T15:28:07.Z",
            "2023-10-19T15:28:07+0200",
            "2023-10-19T15:28:07+02",
            "2023-10-19T15:28:07Z ",
            "2023-10-19T15:28:07ZZ",
            "2023-13-19T15:28:07Z",
            "2023-02-29T15:28:07Z",
            "1900-02-29T15:28:07Z",
            "2023-04-31T15:28:07Z",
            "2023-10-00T15:28:07Z",
            "2023-10-19T24:00:00Z",
            "2023-10-19T15:60:07Z",
            "2023-10-19T15:28:61Z",
            "2023-10-19T15:28:07+24:00",
            "23-10-19T15:28:07Z",
            "2023-10-19T15:28:07.١٢Z",
        ] {
            assert_eq!(check_date_time(bad), Err(DateTimeError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn empty_sampled_value() {
        let v = req_one(
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": []}]}),
        );
        assert_eq!(v.kind, ViolationKind::EmptyArray);
        assert_eq!(v.path, "meterValue[0].sampledValue");
        assert_eq!(v.detail, "meterValue[0].sampledValue has 0 entries, at least 1 entry required");
    }

    #[test]
    fn empty_meter_value_but_empty_transaction_data_is_fine() {
        let v = req_one("MeterValues", json!({"connectorId": 0, "meterValue": []}));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::EmptyArray, "meterValue"));
        let req =
            json!({"meterStop": 5, "timestamp": "2023-10-19T17:02:44Z", "transactionId": 3, "transactionData": []});
        assert_eq!(validate_request("StopTransaction", &req), vec![]);
        let req = json!({"meterStop": 5, "timestamp": "2023-10-19T17:02:44Z", "transactionId": 3,
            "transactionData": [{"timestamp": "2023-10-19T17:02:44Z", "sampledValue": []}]});
        assert_eq!(only(validate_request("StopTransaction", &req)).path, "transactionData[0].sampledValue");
    }

    #[test]
    fn connector_zero_in_start_transaction_is_out_of_range() {
        let v = req_one(
            "StartTransaction",
            json!({"connectorId": 0, "idTag": "ABC", "meterStart": 0, "timestamp": "2023-10-19T15:28:07Z"}),
        );
        assert_eq!(v.kind, ViolationKind::OutOfRange);
        assert_eq!(v.path, "connectorId");
        assert_eq!(v.detail, "connectorId is 0, must be at least 1");
    }

    #[test]
    fn connector_ranges() {
        let out_of_range = |action: &str, payload: Value| {
            let v = req_one(action, payload);
            assert_eq!((v.kind, v.path.as_str()), (ViolationKind::OutOfRange, "connectorId"), "{action}");
        };
        out_of_range("UnlockConnector", json!({"connectorId": 0}));
        out_of_range("RemoteStartTransaction", json!({"connectorId": 0, "idTag": "ABC"}));
        out_of_range("StatusNotification", json!({"connectorId": -1, "errorCode": "NoError", "status": "Available"}));
        out_of_range("ChangeAvailability", json!({"connectorId": -1, "type": "Operative"}));
        out_of_range(
            "ReserveNow",
            json!({"connectorId": -1, "expiryDate": "2023-10-19T16:00:00Z", "idTag": "A", "reservationId": 1}),
        );
        out_of_range("GetCompositeSchedule", json!({"connectorId": -1, "duration": 60}));
        out_of_range(
            "MeterValues",
            json!({"connectorId": -1, "meterValue": [{"timestamp": "2023-10-19T15:30:00Z", "sampledValue": [{"value": "1"}]}]}),
        );
        out_of_range(
            "StartTransaction",
            json!({"connectorId": -1.0, "idTag": "A", "meterStart": 0, "timestamp": "2023-10-19T15:28:07Z"}),
        );

        assert_eq!(
            validate_request("TriggerMessage", &json!({"requestedMessage": "Heartbeat", "connectorId": 0})),
            vec![]
        );
        assert_eq!(validate_request("RemoteStartTransaction", &json!({"idTag": "ABC"})), vec![]);
        assert_eq!(
            validate_request(
                "StatusNotification",
                &json!({"connectorId": 0, "errorCode": "NoError", "status": "Available"})
            ),
            vec![]
        );
    }

    #[test]
    fn non_object_payload() {
        let v = req_one("BootNotification", json!(["ABB", "Terra AC"]));
        assert_eq!(v.kind, ViolationKind::NotAnObject);
        assert_eq!(v.path, "");
        assert_eq!(v.detail, "payload must be a JSON object, got array");
        let v = only(validate_response("Heartbeat", &json!("2023-10-19T15:28:07Z")));
        assert_eq!(v.kind, ViolationKind::NotAnObject);
    }

    #[test]
    fn null_payload_counts_as_empty_object() {
        assert_eq!(validate_request("Heartbeat", &Value::Null), vec![]);
        assert_eq!(validate_response("StatusNotification", &Value::Null), vec![]);
        let v = only(validate_response("Heartbeat", &Value::Null));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::MissingField, "currentTime"));
    }

    #[test]
    fn unknown_action_is_not_validated() {
        assert_eq!(validate_request("FooBar", &json!([1, 2])), vec![]);
        assert_eq!(validate_response("FooBar", &json!({"x": 1})), vec![]);
    }

    #[test]
    fn empty_conf_rejects_fields() {
        let v = only(validate_response("StatusNotification", &json!({"status": "Accepted"})));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::UnknownField, "status"));
    }

    #[test]
    fn security_extension_nested_objects() {
        let v = req_one(
            "GetLog",
            json!({"log": {"oldestTimestamp": "2023-10-01T00:00:00Z"}, "logType": "SecurityLog", "requestId": 1}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::MissingField, "log.remoteLocation"));

        let v = req_one(
            "SignedUpdateFirmware",
            json!({"requestId": 1, "firmware": {"location": "https://x", "retrieveDateTime": "2023-10-19T22:00:00Z", "signingCertificate": "c"}}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::MissingField, "firmware.signature"));

        let v = only(validate_response(
            "GetInstalledCertificateIds",
            &json!({"status": "NotFound", "certificateHashData": []}),
        ));
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::EmptyArray, "certificateHashData"));

        let v = req_one(
            "DeleteCertificate",
            json!({"certificateHashData": {"hashAlgorithm": "MD5", "issuerNameHash": "a", "issuerKeyHash": "b", "serialNumber": "c"}}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::NotInEnum, "certificateHashData.hashAlgorithm"));
    }

    #[test]
    fn charging_profile_paths() {
        let v = req_one(
            "SetChargingProfile",
            json!({"connectorId": 1, "csChargingProfiles": {
                "chargingProfileId": 1, "stackLevel": -1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
                "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}
            }}),
        );
        assert_eq!((v.kind, v.path.as_str()), (ViolationKind::OutOfRange, "csChargingProfiles.stackLevel"));

        let v = req_one(
            "SetChargingProfile",
            json!({"connectorId": 1, "csChargingProfiles": {
                "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
                "chargingSchedule": {"chargingRateUnit": "", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}
            }}),
        );
        assert_eq!(v.kind, ViolationKind::NotInEnum);
        assert_eq!(v.path, "csChargingProfiles.chargingSchedule.chargingRateUnit");
        let all = validate_request(
            "SetChargingProfile",
            &json!({"connectorId": 1, "csChargingProfiles": {
                "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
                "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": "16"}]}
            }}),
        );
        assert_eq!(only(all).path, "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit");
    }

    #[test]
    fn several_violations_are_all_reported() {
        let v = validate_request(
            "StartTransaction",
            &json!({"connectorId": 0, "idTag": "0123456789ABCDEF01234567", "meterStart": "1234", "timestamp": "2023-10-19T15:28:07", "extra": 1}),
        );
        let kinds: Vec<_> = v.iter().map(|v| (v.kind, v.path.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (ViolationKind::OutOfRange, "connectorId"),
                (ViolationKind::TooLong, "idTag"),
                (ViolationKind::WrongType, "meterStart"),
                (ViolationKind::BadDateTime, "timestamp"),
                (ViolationKind::UnknownField, "extra"),
            ]
        );
    }

    #[test]
    fn long_values_are_cut_in_details() {
        let long = "x".repeat(100);
        let v = req_one("Reset", json!({"type": long}));
        assert_eq!(v.detail, format!("type \"{}…\" is not one of Hard, Soft", "x".repeat(40)));
    }

    /// Every scalar of `v`, in text order, replaced where `with` says.
    fn replace_scalars(v: &Value, with: &mut dyn FnMut() -> Option<Value>) -> Value {
        match v {
            Value::Array(items) => Value::Array(items.iter().map(|i| replace_scalars(i, with)).collect()),
            Value::Object(members) => {
                Value::Object(members.iter().map(|(k, m)| (k.clone(), replace_scalars(m, with))).collect())
            }
            scalar => with().unwrap_or_else(|| scalar.clone()),
        }
    }

    fn tricky_scalars() -> Vec<Value> {
        vec![
            json!(""),
            json!("x"),
            json!("accepted"),
            json!("Accepted"),
            json!("Wh"),
            json!("L1"),
            json!("x".repeat(21)),
            json!("ä".repeat(20)),
            json!("x".repeat(600)),
            json!("2023-10-19T15:30:00"),
            json!("2023-02-30T00:00:00Z"),
            json!("2023-10-19T15:30:00.5+02:00"),
            json!(-1),
            json!(0),
            json!(7),
            json!(1.5),
            json!(300.0),
            json!(u64::MAX),
            json!(true),
            json!(null),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        /// A payload read through a kept shape gets the verdict of the full
        /// check, whatever values replace the ones its shape was kept of.
        #[test]
        fn shaped_checks_are_the_full_checks(
            sample in proptest::prelude::any::<proptest::sample::Index>(),
            picks in proptest::collection::vec(0usize..40, 0..60),
        ) {
            use crate::ingest::json::{parse_into, parse_shaped, Tape};
            let samples = samples();
            let (action, req, conf) = &samples[sample.index(samples.len())];
            let pool = tricky_scalars();
            let mut picks = picks.into_iter();
            let mut with = || picks.next().and_then(|p| pool.get(p).cloned());
            for (payload, shaped_check, full_check) in [
                (req, check_request_shaped as fn(&str, Json<'_>, Shaped) -> Vec<Violation>, check_request as fn(&str, Json<'_>) -> Vec<Violation>),
                (conf, check_response_shaped, check_response),
            ] {
                let (template, text) = (payload.to_string(), replace_scalars(payload, &mut with).to_string());
                let mut nodes = Vec::new();
                // the first keeps the shape and its checks, the second is read through them
                for text in [&template, &text] {
                    let shape = parse_shaped(text, action.as_bytes(), &mut nodes).unwrap();
                    let shaped = shaped_check(action, Tape { text, nodes: &nodes }.root(), shape);
                    let mut parsed = Vec::new();
                    parse_into(text, &mut parsed).unwrap();
                    let full = full_check(action, Tape { text, nodes: &parsed }.root());
                    proptest::prop_assert_eq!(shaped, full, "{} {}", action, text);
                }
            }
        }
    }
}
