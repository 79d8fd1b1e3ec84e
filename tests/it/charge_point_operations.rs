//! Operations on a charge point through the real router on both backends: each becomes the
//! OCPP command it names, validated before it is stored, only for charge points in the caller's
//! scope and linked to a charger device.

use crate::charging_store::booted;
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use mgc_charging::{put_id_tag, AuthorizationStatus, IdTag, IdToken};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

/// Station `ev-1` with the ocpp16 charger CP1 (booted, so linked); CP2 booted without a device.
/// Returns CP1's and CP2's charge point ids.
async fn site(app: &TestApp) -> (String, String) {
    let admin = app.bearer("acme", Role::Admin);
    let body =
        json!({"code": "ev-1", "name": "EV hub", "time_zone": "UTC", "devices": [{"name": "CP1", "kind": "charger"}]});
    let provisioned = crate::ingest_support::provision(app, &admin, body).await;
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let patch = Some(json!({"protocol": "ocpp16"}));
    let (s, b) = app.call(Method::PATCH, &format!("/api/v1/devices/{device}"), Some(&admin), patch).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    booted(&app.store, &tenant("acme"), "CP1").await;
    booted(&app.store, &tenant("acme"), "CP2").await;
    let (_, page) = app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
    let id_of = |identity: &str| {
        page["items"].as_array().unwrap().iter().find(|c| c["identity"] == identity).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id_of("CP1"), id_of("CP2"))
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), body).await
}

fn profile() -> Value {
    json!({"chargingProfileId": 5, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {"chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7400.0}]}})
}

#[tokio::test]
async fn given_a_linked_charge_point_when_operating_then_each_operation_is_its_ocpp_command() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (cp1, _) = site(&app).await;
        let t = tenant("acme");
        for (tag, status) in [("AA11", AuthorizationStatus::Accepted), ("BB22", AuthorizationStatus::Blocked)] {
            let tag = IdTag { token: IdToken::parse(tag).unwrap(), status, expires_at: None, parent: None };
            put_id_tag(app.store.begin().await.unwrap(), &t, tag).await.unwrap();
        }
        let op = app.bearer("acme", Role::Operator);
        let base = format!("/api/v1/charge-points/{cp1}");

        let (s, c) = post(&app, &op, &format!("{base}/local-list/sync"), None).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{}: {c}", db.backend);
        assert_eq!((c["method"].as_str(), c["state"].as_str()), (Some("SendLocalList"), Some("pending")));
        assert_eq!(c["params"]["listVersion"], 3, "the boot helper's TAG1 and the two tags: {c}");
        assert_eq!(c["params"]["updateType"], "Full");
        let tags: Vec<_> = c["params"]["localAuthorizationList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["idTagInfo"]["status"].clone())
            .collect();
        assert_eq!(tags, [json!("Accepted"), json!("Blocked"), json!("Accepted")], "AA11, BB22, TAG1");

        let expires = (app.clock.now() + Duration::hours(1)).to_rfc3339();
        let (s, c) = post(
            &app,
            &op,
            &format!("{base}/reservations"),
            Some(json!({"connector_id": 1, "id_tag": "AA11", "expires_at": expires, "reservation_id": 42})),
        )
        .await;
        assert_eq!((s, c["method"].as_str()), (StatusCode::ACCEPTED, Some("ReserveNow")), "{c}");
        assert_eq!((c["params"]["reservationId"].as_i64(), c["params"]["idTag"].as_str()), (Some(42), Some("AA11")));
        let (s, c) = app.call(Method::DELETE, &format!("{base}/reservations/42"), Some(&op), None).await;
        assert_eq!((s, c["method"].as_str()), (StatusCode::ACCEPTED, Some("CancelReservation")), "{c}");
        assert_eq!(c["params"], json!({"reservationId": 42}));

        let (s, c) = post(
            &app,
            &op,
            &format!("{base}/charging-profiles"),
            Some(json!({"connector_id": 1, "profile": profile()})),
        )
        .await;
        assert_eq!((s, c["method"].as_str()), (StatusCode::ACCEPTED, Some("SetChargingProfile")), "{c}");
        assert_eq!(c["params"]["csChargingProfiles"]["chargingProfileId"], 5);
        let (s, c) = app
            .call(
                Method::DELETE,
                &format!("{base}/charging-profiles?purpose=TxDefaultProfile&connector_id=1"),
                Some(&op),
                None,
            )
            .await;
        assert_eq!((s, c["method"].as_str()), (StatusCode::ACCEPTED, Some("ClearChargingProfile")), "{c}");
        assert_eq!(c["params"], json!({"connectorId": 1, "chargingProfilePurpose": "TxDefaultProfile"}));
        let (s, c) = post(
            &app,
            &op,
            &format!("{base}/composite-schedule"),
            Some(json!({"connector_id": 1, "duration_s": 3600, "rate_unit": "W"})),
        )
        .await;
        assert_eq!((s, c["method"].as_str()), (StatusCode::ACCEPTED, Some("GetCompositeSchedule")), "{c}");
        assert_eq!(c["params"], json!({"connectorId": 1, "duration": 3600, "chargingRateUnit": "W"}));

        let (_, list) = app.call(Method::GET, "/api/v1/commands", Some(&op), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 6, "{}: every operation is one stored command", db.backend);
    }
}

#[tokio::test]
async fn given_bad_input_or_no_right_when_operating_then_refused_and_nothing_is_stored() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (cp1, cp2) = site(&app).await;
        let op = app.bearer("acme", Role::Operator);
        let base = format!("/api/v1/charge-points/{cp1}");
        let past = (app.clock.now() - Duration::minutes(1)).to_rfc3339();
        let future = (app.clock.now() + Duration::hours(1)).to_rfc3339();

        let (s, b) = post(
            &app,
            &op,
            &format!("{base}/reservations"),
            Some(json!({"connector_id": 1, "id_tag": "AA11", "expires_at": past})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_request").starts_with("expires_at"));
        let long_tag = "X".repeat(21);
        let (s, b) = post(
            &app,
            &op,
            &format!("{base}/reservations"),
            Some(json!({"connector_id": 1, "id_tag": long_tag, "expires_at": future})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let mut bad = profile();
        bad["chargingProfilePurpose"] = json!("Whatever");
        let (s, b) =
            post(&app, &op, &format!("{base}/charging-profiles"), Some(json!({"connector_id": 1, "profile": bad})))
                .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {b}", db.backend);
        assert!(b["error"]["message"].as_str().unwrap().contains("chargingProfilePurpose"), "names the field: {b}");
        let (s, b) = app.call(Method::DELETE, &format!("{base}/charging-profiles?purpose=Nope"), Some(&op), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        let (s, b) = post(&app, &op, &format!("/api/v1/charge-points/{cp2}/local-list/sync"), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_error(&b, "charge_point_not_linked");
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, _) = post(&app, &viewer, &format!("{base}/local-list/sync"), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = app.bearer("beta", Role::Operator);
        let (s, b) = post(&app, &other, &format!("{base}/local-list/sync"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "tenant B cannot reach tenant A's charge point: {b}");

        let (_, list) = app.call(Method::GET, "/api/v1/commands", Some(&op), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{}: {list}", db.backend);
    }
}
