//! CSV of a charging timeline: one row per event in append order, details as compact JSON.

use crate::ReportError;
use mgc_charging::{SessionId, TimelineEvent};
use std::collections::HashMap;

/// Columns of the timeline CSV exports, in order.
pub const TIMELINE_CSV_COLUMNS: [&str; 12] = [
    "id",
    "at",
    "kind",
    "charge_point_id",
    "station_id",
    "connector",
    "session_id",
    "order_no",
    "frame_protocol",
    "frame_message_id",
    "frame_action",
    "details",
];

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The events as CSV (UTF-8 with BOM, CRLF, RFC 3339 UTC times); `order_nos` holds the order
/// number of each session a third-party platform's order started.
pub fn timeline_csv(events: &[TimelineEvent], order_nos: &HashMap<SessionId, String>) -> Result<Vec<u8>, ReportError> {
    let err = |e: csv::Error| ReportError(e.to_string());
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
    w.write_record(TIMELINE_CSV_COLUMNS).map_err(err)?;
    for e in events {
        let frame = e.frame.as_ref();
        w.write_record([
            e.id.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            e.kind.as_str().to_owned(),
            e.charge_point_id.to_string(),
            e.station_id.map(|s| s.to_string()).unwrap_or_default(),
            e.connector.map(|c| c.to_string()).unwrap_or_default(),
            e.session_id.map(|s| s.to_string()).unwrap_or_default(),
            e.session_id.and_then(|s| order_nos.get(&s).cloned()).unwrap_or_default(),
            frame.map(|f| f.protocol.clone()).unwrap_or_default(),
            frame.map(|f| f.message_id.clone()).unwrap_or_default(),
            frame.map(|f| f.action.clone()).unwrap_or_default(),
            e.details.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| ReportError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mgc_charging::{ChargePoint, FrameRef, OcppIdentity, RegistrationStatus, TimelineKind};
    use mgc_kernel::TenantId;

    #[test]
    fn given_an_event_with_a_frame_then_one_quoted_row_after_the_header() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z").unwrap().to_utc();
        let cp = ChargePoint::register(
            TenantId::parse("acme").unwrap(),
            OcppIdentity::parse("CP-1").unwrap(),
            RegistrationStatus::Accepted,
            at,
        );
        let e = TimelineEvent::of_charge_point(&cp, TimelineKind::Authorized, at, serde_json::json!({"a": "x,y"}))
            .with_frame(Some(FrameRef::ocpp("m1", "Authorize")));
        let text = String::from_utf8(timeline_csv(&[e], &HashMap::new()).unwrap()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], TIMELINE_CSV_COLUMNS.join(","));
        assert!(lines[1].contains(",2026-03-01T12:00:00.000Z,authorized,"), "{}", lines[1]);
        assert!(lines[1].ends_with(",ocpp1.6j,m1,Authorize,\"{\"\"a\"\":\"\"x,y\"\"}\""), "{}", lines[1]);
    }
}
