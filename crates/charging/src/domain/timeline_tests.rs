//! Timeline value objects: kind names, frames, retention cut-offs and time ranges.

use crate::{
    ChargePoint, FrameRef, OcppIdentity, RegistrationStatus, TimeRange, TimelineEvent, TimelineKind, TimelineRetention,
};
use chrono::{Duration, TimeZone, Utc};
use mgc_kernel::TenantId;
use serde_json::json;

#[test]
fn given_every_kind_then_names_round_trip_and_only_three_are_anomalies() {
    for kind in TimelineKind::ALL {
        assert_eq!(kind.as_str().parse::<TimelineKind>().unwrap(), *kind);
    }
    let anomalies: Vec<_> = TimelineKind::ALL.iter().filter(|k| k.is_anomaly()).map(|k| k.as_str()).collect();
    assert_eq!(anomalies, ["energy_mismatch", "session_without_stop", "negative_meter_delta"]);
    assert!("exploded".parse::<TimelineKind>().is_err());
}

#[test]
fn given_frames_then_protocol_id_and_action_are_named() {
    let f = FrameRef::ap3000(258, 0x03);
    assert_eq!((f.protocol.as_str(), f.message_id.as_str(), f.action.as_str()), ("ap3000", "258", "0x03"));
    let f = FrameRef::ocpp("m-1", "StartTransaction");
    assert_eq!((f.protocol.as_str(), f.action.as_str()), ("ocpp1.6j", "StartTransaction"));
}

#[test]
fn given_a_charge_point_when_an_event_is_made_then_it_carries_its_ids_and_object_details() {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let identity = OcppIdentity::parse("CP-1").unwrap();
    let cp = ChargePoint::register(TenantId::parse("acme").unwrap(), identity, RegistrationStatus::Accepted, now);
    let e = TimelineEvent::of_charge_point(&cp, TimelineKind::Connected, now, json!(5)).on_connector(2);
    assert_eq!((e.charge_point_id, e.connector, e.session_id), (cp.id, Some(2), None));
    assert_eq!(e.details, json!({"value": 5}));
    let later = TimelineEvent::of_charge_point(&cp, TimelineKind::Disconnected, now, json!({}));
    assert!(later.id > e.id, "ids sort in append order");
}

#[test]
fn given_retention_when_cut_then_days_back_from_now_and_zero_days_refused() {
    let now = Utc.with_ymd_and_hms(2026, 3, 31, 0, 0, 0).unwrap();
    let (sessions, events) = TimelineRetention::default().cutoffs(now);
    assert_eq!(sessions, now - Duration::days(30));
    assert_eq!(events, now - Duration::days(7));
    assert!(TimelineRetention { session_days: 0, event_days: 7 }.validated().is_err());
    assert!(TimelineRetention { session_days: 30, event_days: 0 }.validated().is_err());
}

#[test]
fn given_a_range_then_any_order_is_a_range_but_not_beyond_what_the_backends_store() {
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    assert!(TimeRange::new(Some(t), Some(t)).is_ok(), "empty, not refused");
    assert!(TimeRange::new(Some(t), Some(t + Duration::seconds(1))).is_ok());
    assert!(TimeRange::new(None, Some(t)).is_ok());
    let far = Utc.with_ymd_and_hms(20_000, 1, 1, 0, 0, 0).unwrap();
    assert!(TimeRange::new(Some(far), None).is_err(), "beyond what PostgreSQL stores");
}
