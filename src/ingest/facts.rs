//! Taking the fields the rules need out of a payload, once, by field name.

use super::frame::{Frame, MsgKind};
use super::json::{Json, Kind};
use super::timestamp::{parse_timestamp, Millis};
use crate::store::{Measure, MeterReading, NO_INT, NO_TIME};

/// Facts with owned strings, made in parallel and interned afterwards.
#[derive(Clone, Debug, Default)]
pub struct RawFacts {
    pub id_tag: Option<String>,
    pub status: Option<String>,
    pub error_code: Option<String>,
    pub info: Option<String>,
    pub vendor_id: Option<String>,
    pub vendor_error: Option<String>,
    pub reason: Option<String>,
    pub key: Option<String>,
    pub connector: Option<i64>,
    pub transaction: Option<i64>,
    pub value: Option<i64>,
    pub time: Option<Millis>,
    pub readings: Vec<MeterReading>,
}

impl RawFacts {
    pub fn connector_or_none(&self) -> i64 {
        self.connector.unwrap_or(NO_INT)
    }
}

pub fn extract(frame: &Frame) -> RawFacts {
    let mut f = RawFacts::default();
    if frame.kind == MsgKind::Error {
        f.error_code = frame.error_code.clone();
        f.info = frame.error_description.clone();
        return f;
    }
    let obj = frame.payload.root();
    for (k, v) in obj.members() {
        let Some(k) = k.as_str() else { continue };
        match k.as_ref() {
            "idTag" => f.id_tag = str_of(v),
            "status" => f.status = str_of(v),
            "idTagInfo" => {
                if let Some(s) = v.is_object().then(|| v.get("status")).flatten() {
                    f.status = f.status.take().or_else(|| str_of(s));
                }
            }
            "errorCode" => f.error_code = str_of(v),
            "info" | "chargePointModel" | "value" | "data" if f.info.is_none() => {
                f.info = str_of(v).map(|s| truncate(s, 200));
            }
            "vendorId" | "chargePointVendor" => f.vendor_id = str_of(v),
            "vendorErrorCode" => f.vendor_error = str_of(v),
            "reason" => f.reason = str_of(v),
            "key" | "type" | "requestedMessage" | "messageId" if f.key.is_none() => f.key = str_of(v),
            "connectorId" => f.connector = int_of(v),
            "transactionId" => f.transaction = int_of(v),
            "meterStart" | "meterStop" | "interval" | "listVersion" => f.value = int_of(v),
            "timestamp" | "currentTime" => {
                if let Some(s) = v.as_str() {
                    f.time = parse_timestamp(&s, chrono_tz::UTC);
                }
            }
            "meterValue" | "transactionData" => read_meter_values(v, k == "transactionData", &mut f),
            _ => {}
        }
    }
    // ChangeConfiguration of a number (e.g. HeartbeatInterval) keeps the number
    if f.value.is_none() && frame.action.as_deref() == Some("ChangeConfiguration") {
        f.value = f.info.as_deref().and_then(|s| s.trim().parse().ok());
    }
    f
}

fn str_of(v: Json<'_>) -> Option<String> {
    match v.kind() {
        Kind::Str => v.as_str().map(|s| s.into_owned()),
        Kind::Num => v.number().map(|n| n.to_string()),
        Kind::Bool => Some(v.raw().to_string()),
        _ => None,
    }
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let cut = (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Integers, also written as whole floats or as strings (schema rules report those).
fn int_of(v: Json<'_>) -> Option<i64> {
    match v.kind() {
        Kind::Num => v.as_i64().or_else(|| v.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9e15).map(|x| x as i64)),
        Kind::Str => v.as_str()?.trim().parse().ok(),
        _ => None,
    }
}

fn read_meter_values(v: Json<'_>, from_stop: bool, f: &mut RawFacts) {
    for mv in v.elements().filter(Json::is_object) {
        let at = mv.get("timestamp").and_then(|t| t.as_str()).and_then(|s| parse_timestamp(&s, chrono_tz::UTC));
        if f.time.is_none() && !from_stop {
            f.time = at;
        }
        let Some(samples) = mv.get("sampledValue") else { continue };
        for sv in samples.elements().filter(Json::is_object) {
            if let Some(r) = reading(sv, at.unwrap_or(NO_TIME), from_stop) {
                f.readings.push(r);
            }
        }
    }
}

fn reading(o: Json<'_>, at: Millis, from_stop: bool) -> Option<MeterReading> {
    // one pass over the sample's fields
    let (mut measurand, mut unit, mut location, mut context, mut value) = (None, None, None, None, None);
    for (k, v) in o.members() {
        let Some(k) = k.as_str() else { continue };
        match k.as_ref() {
            "format" if v.str_is("SignedData") => return None,
            "phase" => return None,
            "measurand" => measurand = v.as_str(),
            "unit" => unit = v.as_str(),
            "location" => location = v.as_str(),
            "context" => context = v.as_str(),
            "value" => value = Some(v),
            _ => {}
        }
    }
    let measurand = measurand.as_deref().unwrap_or("Energy.Active.Import.Register");
    let unit = unit.as_deref().unwrap_or("");
    let value_node = value?;
    let raw: f64 = match value_node.kind() {
        Kind::Str => value_node.as_str()?.trim().parse().ok()?,
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
    Some(MeterReading { at, value, measure, clock_aligned: context.as_deref() == Some("Sample.Clock"), from_stop })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::frame::parse_frame;

    #[test]
    fn status_notification_fields() {
        let f = parse_frame(r#"[2,"a","StatusNotification",{"connectorId":2,"errorCode":"OtherError","status":"Faulted","info":"EmergencyPressed","vendorErrorCode":"17","vendorId":"QUENCH","timestamp":"2026-03-13T05:01:20.643Z"}]"#).unwrap();
        let x = extract(&f);
        assert_eq!(x.connector, Some(2));
        assert_eq!(x.status.as_deref(), Some("Faulted"));
        assert_eq!(x.error_code.as_deref(), Some("OtherError"));
        assert_eq!(x.info.as_deref(), Some("EmergencyPressed"));
        assert_eq!(x.vendor_error.as_deref(), Some("17"));
        assert_eq!(x.vendor_id.as_deref(), Some("QUENCH"));
        assert!(x.time.is_some());
    }

    #[test]
    fn answers_and_errors() {
        let f = parse_frame(r#"[3,"a",{"transactionId":91262367,"idTagInfo":{"status":"Accepted"}}]"#).unwrap();
        let x = extract(&f);
        assert_eq!((x.transaction, x.status.as_deref()), (Some(91262367), Some("Accepted")));
        let e = parse_frame(r#"[4,"a","NotImplemented","No handler",{}]"#).unwrap();
        let x = extract(&e);
        assert_eq!((x.error_code.as_deref(), x.info.as_deref()), (Some("NotImplemented"), Some("No handler")));
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
        assert_eq!(x.transaction, Some(1));
    }

    #[test]
    fn string_meter_start_still_read() {
        let f = parse_frame(r#"[2,"a","StartTransaction",{"connectorId":1,"idTag":"X","meterStart":"1234","timestamp":"2025-01-01T00:00:00Z"}]"#).unwrap();
        assert_eq!(extract(&f).value, Some(1234));
    }
}
