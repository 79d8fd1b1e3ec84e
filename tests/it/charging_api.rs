//! The charging read side through the real router on both backends: charge points and sessions,
//! paginated, tenant- and station-scoped.

use crate::charging_store::{at, booted, cp, start_req, stop_req};
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_charging::{start_transaction, stop_transaction};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::Value;

async fn get(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    app.call(Method::GET, path, Some(token), None).await
}

/// Charge points CP1 and CP2 of `acme`, CP1 with one completed session (1000 → 3500 Wh) and a running one.
async fn charged(app: &TestApp) {
    let (s, t) = (&app.store, &tenant("acme"));
    booted(s, t, "CP1").await;
    booted(s, t, "CP2").await;
    let started = start_transaction(s.begin().await.unwrap(), t, &cp("CP1"), start_req(1_000, 2), at(2)).await.unwrap();
    stop_transaction(s.begin().await.unwrap(), t, &cp("CP1"), stop_req(started.transaction_id, 3_500, 60), at(60))
        .await
        .unwrap();
    let second = mgc_charging::StartRequest { connector: 2, ..start_req(0, 70) };
    start_transaction(s.begin().await.unwrap(), t, &cp("CP1"), second, at(70)).await.unwrap();
}

#[tokio::test]
async fn given_charged_tenant_when_listing_and_reading_then_pages_and_details_on_both_backends() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        charged(&app).await;
        let viewer = app.bearer("acme", Role::Viewer);

        let (s, first) = get(&app, "/api/v1/charge-points?limit=1", &viewer).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!(first["items"].as_array().unwrap().len(), 1);
        assert_eq!(first["items"][0]["identity"], "CP1", "{}", db.backend);
        assert_eq!(
            (first["items"][0]["vendor"].as_str(), first["items"][0]["has_password"].as_bool()),
            (Some("VendorX"), Some(false))
        );
        assert!(first["items"][0].get("password_hash").is_none());
        let cursor = first["next_cursor"].as_str().unwrap();
        let (_, rest) = get(&app, &format!("/api/v1/charge-points?limit=1&cursor={cursor}"), &viewer).await;
        assert_eq!(rest["items"][0]["identity"], "CP2");
        assert!(rest["next_cursor"].is_null());
        let id = first["items"][0]["id"].as_str().unwrap();
        let (s, one) = get(&app, &format!("/api/v1/charge-points/{id}"), &viewer).await;
        assert_eq!((s, one["registration"].as_str()), (StatusCode::OK, Some("accepted")));

        let (s, sessions) = get(&app, "/api/v1/charging-sessions", &viewer).await;
        assert_eq!(s, StatusCode::OK, "{sessions}");
        let items = sessions["items"].as_array().unwrap();
        let states: Vec<_> = items.iter().map(|i| i["state"].as_str().unwrap()).collect();
        assert_eq!(states, ["starting", "completed"], "newest first, {}", db.backend);
        let done = &items[1];
        assert_eq!((done["energy_wh"].as_i64(), done["meter_stop_wh"].as_i64()), (Some(2_500), Some(3_500)));
        let (s, detail) =
            get(&app, &format!("/api/v1/charging-sessions/{}", done["id"].as_str().unwrap()), &viewer).await;
        assert_eq!(s, StatusCode::OK);
        let moves: Vec<_> =
            detail["transitions"].as_array().unwrap().iter().map(|t| t["to"].as_str().unwrap()).collect();
        assert_eq!(moves, ["starting", "completed"]);
        let (s, bad) = get(&app, "/api/v1/charging-sessions/nope", &viewer).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_error(&bad, "invalid_id");
    }
}

#[tokio::test]
async fn given_other_tenant_or_station_scope_when_reading_then_nothing_of_acme_is_visible() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        charged(&app).await;
        let acme = app.bearer("acme", Role::Viewer);
        let (_, cps) = get(&app, "/api/v1/charge-points", &acme).await;
        let (_, sessions) = get(&app, "/api/v1/charging-sessions", &acme).await;
        let cp_id = cps["items"][0]["id"].as_str().unwrap().to_owned();
        let session_id = sessions["items"][0]["id"].as_str().unwrap().to_owned();

        let beta = app.bearer("beta", Role::Admin);
        for path in ["/api/v1/charge-points", "/api/v1/charging-sessions"] {
            let (s, page) = get(&app, path, &beta).await;
            assert_eq!((s, page["items"].as_array().unwrap().len()), (StatusCode::OK, 0), "{path} {}", db.backend);
        }
        let (s, body) = get(&app, &format!("/api/v1/charge-points/{cp_id}"), &beta).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_error(&body, "not_found");
        let (s, _) = get(&app, &format!("/api/v1/charging-sessions/{session_id}"), &beta).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // A station-scoped user of acme: the charge points have no station yet, so none is visible.
        let now = app.clock.now().timestamp();
        let scoped = Claims {
            sub: "site-user".into(),
            tenant_id: Some("acme".into()),
            role: "viewer".into(),
            station_ids: Some(vec![uuid::Uuid::now_v7().to_string()]),
            exp: Some(now + 600),
            iat: Some(now),
            nbf: None,
        };
        let scoped = app.bearer_with(&scoped);
        let (_, page) = get(&app, "/api/v1/charge-points", &scoped).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 0, "{}", db.backend);
        let (s, _) = get(&app, &format!("/api/v1/charging-sessions/{session_id}"), &scoped).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn given_masterdata_charger_named_like_the_identity_when_it_boots_then_it_carries_that_device_and_station() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let body = serde_json::json!({"code": "ev-1", "name": "EV hub", "time_zone": "UTC",
            "devices": [{"name": "CP9", "kind": "charger"}, {"name": "CP8", "kind": "charger"}]});
        let provisioned = crate::ingest_support::provision(&app, &admin, body).await;
        let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
        let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
        let patch = Some(serde_json::json!({"protocol": "ocpp16"}));
        let (s, b) = app.call(Method::PATCH, &format!("/api/v1/devices/{device}"), Some(&admin), patch).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        // CP9 is an ocpp16 charger in masterdata; CP8 keeps protocol thingsboard and is not linked.
        booted(&app.store, &tenant("acme"), "CP9").await;
        booted(&app.store, &tenant("acme"), "CP8").await;

        let now = app.clock.now().timestamp();
        let claims = Claims {
            sub: "site-user".into(),
            tenant_id: Some("acme".into()),
            role: "viewer".into(),
            station_ids: Some(vec![station.clone()]),
            exp: Some(now + 600),
            iat: Some(now),
            nbf: None,
        };
        let (_, page) = get(&app, "/api/v1/charge-points", &app.bearer_with(&claims)).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "only the linked charge point is in the station's scope, {}", db.backend);
        assert_eq!(
            (items[0]["identity"].as_str(), items[0]["device_id"].as_str()),
            (Some("CP9"), Some(device.as_str()))
        );
        assert_eq!(items[0]["station_id"], station);
    }
}
