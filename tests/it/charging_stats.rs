//! Charging statistics through the router on both backends: a small fleet in Berlin over the
//! 23-hour DST day, against hand-computed figures; tenant B and another station's user see none of it.

use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use mgc_charging::{
    AuthorizationStatus, ChargePoint, ChargePointRepository, ChargingSession, IdToken, NewSession, OcppIdentity,
    RegistrationStatus, SessionRepository, SessionState, StopReason,
};
use mgc_eventing::UnitOfWork;
use mgc_iam::Role;
use mgc_kernel::{StationId, Wh};
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// (start, stop, state, energy Wh, reason) of the sessions of one pile.
pub(crate) type Row = (&'static str, Option<&'static str>, SessionState, i64, Option<StopReason>);

pub(crate) async fn fleet(app: &TestApp, station: StationId, rows: &[Row]) {
    let mut tx = app.store.begin().await.unwrap();
    let mut piles = Vec::new();
    for (name, connected) in [("BER-1", true), ("BER-2", false)] {
        let mut cp = ChargePoint::register(
            tenant("acme"),
            OcppIdentity::parse(name).unwrap(),
            RegistrationStatus::Accepted,
            at("2026-03-01T00:00:00Z"),
        );
        cp.station_id = Some(station);
        cp.connected = connected;
        tx.insert_charge_point(&cp).await.unwrap();
        piles.push(cp);
    }
    for (start, stop, state, wh, reason) in rows {
        let transaction_id = tx.next_transaction_id(&tenant("acme")).await.unwrap().unwrap();
        let new = NewSession {
            tenant: tenant("acme"),
            charge_point_id: piles[0].id,
            station_id: Some(station),
            transaction_id,
            connector: 1,
            id_tag: IdToken::parse("TAG").unwrap(),
            authorization: AuthorizationStatus::Accepted,
            reservation_id: None,
            meter_start: Wh(10_000),
            started_at: at(start),
        };
        let (mut s, _) = ChargingSession::start(new, at(start));
        s.state = *state;
        s.last_register = Wh(10_000 + wh);
        if let Some(stop) = stop {
            s.meter_stop = Some(Wh(10_000 + wh));
            s.stopped_at = Some(at(stop));
            s.stop_reason = *reason;
        }
        tx.insert_session(&s).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Four sessions around the Berlin DST day of 2026-03-29: one running, one failed, two completed.
pub(crate) fn dst_day_rows() -> [Row; 4] {
    [
        ("2026-03-28T23:30:00Z", Some("2026-03-29T00:30:00Z"), SessionState::Completed, 7_000, Some(StopReason::Local)),
        (
            "2026-03-29T21:59:00Z",
            Some("2026-03-29T22:29:00Z"),
            SessionState::Failed,
            500,
            Some(StopReason::EvDisconnected),
        ),
        ("2026-03-29T22:00:00Z", None, SessionState::Charging, 1_200, None),
        (
            "2026-03-28T22:59:00Z",
            Some("2026-03-28T23:59:00Z"),
            SessionState::Completed,
            9_999,
            Some(StopReason::Remote),
        ),
    ]
}

/// A viewer API key of `tenant_id` (limited to `stations` when given), as `Authorization` value.
pub(crate) async fn viewer_key(app: &TestApp, tenant_id: &str, stations: Option<Vec<String>>) -> String {
    let admin = app.bearer(tenant_id, Role::Admin);
    let mut body = json!({"name": "platform", "role": "viewer"});
    if let Some(s) = stations {
        body["station_ids"] = json!(s);
    }
    let (s, created) = app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    format!("ApiKey {}", created["key"].as_str().unwrap())
}

#[tokio::test]
async fn given_a_fleet_over_the_dst_day_when_counted_then_the_hand_computed_figures() {
    for db in mgc_tests::all_databases().await {
        let app = TestApp::new(&db).await;
        let b = db.backend;
        let admin = app.bearer("acme", Role::Admin);
        let body = json!({"code": "ber", "name": "Berlin", "time_zone": "Europe/Berlin", "devices": []});
        let provisioned = crate::ingest_support::provision(&app, &admin, body).await;
        let station: StationId = provisioned["station"]["id"].as_str().unwrap().parse().unwrap();
        let rows = dst_day_rows();
        fleet(&app, station, &rows).await;
        let viewer = app.bearer("acme", Role::Viewer);
        let path = format!(
            "/api/v1/stats/charging/sessions?station_id={station}&granularity=day&from=2026-03-29T00:00:00Z&to=2026-03-30T12:00:00Z"
        );
        let (s, days) = app.call(Method::GET, &path, Some(&viewer), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {days}");
        let got: Vec<Value> = days
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                json!([
                    d["label"],
                    d["sessions"],
                    d["completed"],
                    d["failed"],
                    d["running"],
                    d["energy_wh"],
                    d["avg_duration_s"],
                    d["success_permille"]
                ])
            })
            .collect();
        // The 29th is the whole local day (from 28 March 23:00 UTC), 23 hours long.
        assert_eq!(
            got,
            [
                json!(["2026-03-29", 2, 1, 1, 0, 7_500, 2_700, 500]),
                json!(["2026-03-30", 1, 0, 0, 1, 1_200, null, null])
            ],
            "{b}: {days}"
        );
        assert_eq!(days[0]["start"], "2026-03-28T23:00:00Z", "{b}");
        assert_eq!(days[0]["stop_reasons"], json!({"ev_disconnected": 1, "local": 1}), "{b}");

        let (s, fleet) = app
            .call(Method::GET, &format!("/api/v1/stats/charging/fleet?station_id={station}"), Some(&viewer), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{fleet}");
        assert_eq!(
            (fleet["total"].as_u64(), fleet["online"].as_u64(), fleet["offline"].as_u64()),
            (Some(2), Some(1), Some(1)),
            "{b}: {fleet}"
        );
        let key_path = "/api/third/v1/stats/charging/fleet";
        assert_eq!(app.call(Method::GET, key_path, Some(&viewer), None).await.1, fleet, "{b}: the same for platforms");

        // Tenant B: its own (empty) fleet, and not the station.
        let other = app.bearer("other", Role::Viewer);
        let (_, theirs) = app.call(Method::GET, "/api/v1/stats/charging/fleet", Some(&other), None).await;
        assert_eq!(theirs["total"], 0, "{b}: {theirs}");
        assert_eq!(app.call(Method::GET, &path, Some(&other), None).await.0, StatusCode::NOT_FOUND, "{b}");
        // A range backwards is refused with the field.
        let backwards = format!("/api/v1/stats/charging/sessions?station_id={station}&granularity=day&from=2026-03-30T00:00:00Z&to=2026-03-29T00:00:00Z");
        let (s, e) = app.call(Method::GET, &backwards, Some(&viewer), None).await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_charging_input")),
            "{e}"
        );
    }
}
