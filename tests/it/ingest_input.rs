//! Ingest input the database could not store is refused up front; cached routes follow
//! mapping changes made through the API at once; the quarantine sweep catches late points.

use crate::ingest_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn nul_characters_in_keys_values_or_device_names_are_422_with_the_path_and_store_nothing() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let t = app.clock.now().timestamp_millis();
        let cases = [
            (r#"[{"device":"meter-1","ts":T,"values":{"ok":1,"a\u0000b":2}}]"#, "invalid_key", "[0].values"),
            (r#"[{"device":"meter-1","ts":T,"values":{"ok":1,"s":"x\u0000"}}]"#, "invalid_value", "[0].values.s"),
            (r#"[{"device":"meter-1","ts":T,"values":{"j":{"k":["\u0000"]}}}]"#, "invalid_value", "[0].values.j"),
            (r#"[{"device":"meter\u0000","ts":T,"values":{"ok":1}}]"#, "invalid_shape", "[0].device"),
        ];
        for (body, code, path) in cases {
            let body = body.replace('T', &t.to_string());
            let (s, b) = post_signed(&app, &ing, &body, &[]).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body} -> {b}", db.backend);
            assert!(assert_error(&b, code).contains(path), "{}: {b}", db.backend);
        }
        let meter = device_id(&app, &admin, "meter-1").await;
        assert!(points(&app, &admin, &meter).await.is_empty(), "{}: a refused request stored points", db.backend);
    }
}

#[tokio::test]
async fn a_mapping_changed_through_the_api_applies_to_the_very_next_request() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let meter = device_id(&app, &admin, "meter-1").await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "meter-1", "ts": t, "values": {"P": 1}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);

        // The route of meter-1 is cached now; a new mapping for it must still apply at once.
        let mappings = json!({"mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1}]});
        let (s, b) = app
            .call(Method::PUT, &format!("/api/v1/point-mappings/device:{meter}"), Some(&admin), Some(mappings))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        app.clock.advance(chrono::Duration::seconds(1));
        let body = json!([{"device": "meter-1", "ts": t + 1000, "values": {"P": 1}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        let pts = points(&app, &admin, &meter).await;
        let power: Vec<f64> =
            pts.iter().filter(|p| p["point"] == "active_power_w").map(|p| p["num_value"].as_f64().unwrap()).collect();
        assert_eq!(power, vec![1000.0, 1.0], "{}: scale 1000 first, then the new scale 1: {pts:?}", db.backend);
    }
}

#[tokio::test]
async fn points_quarantined_while_their_device_was_provisioned_are_swept_in() {
    use mgc_eventing::UnitOfWork;
    use mgc_telemetry::domain::repository::TelemetryRepository;
    use mgc_telemetry::domain::stored::UnroutedPoint;
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        // The race: routed as unknown just before meter-1 existed, committed after its replay ran.
        let late = UnroutedPoint {
            device: "meter-1".into(),
            device_type: None,
            ts: app.clock.now(),
            raw_key: "P".into(),
            value: mgc_telemetry::RawValue::Number(2.0),
            reason: "no device named 'meter-1' in this tenant".into(),
        };
        let mut uow = app.store.begin().await.unwrap();
        uow.quarantine(&crate::support::tenant("acme"), &[late], app.clock.now()).await.unwrap();
        uow.commit().await.unwrap();

        assert_eq!(
            mgc_adapter_thingsboard::pipeline::sweep_quarantine(&app.store, app.clock.now()).await.unwrap(),
            1,
            "{}",
            db.backend
        );
        assert_eq!(
            mgc_adapter_thingsboard::pipeline::sweep_quarantine(&app.store, app.clock.now()).await.unwrap(),
            0,
            "{}",
            db.backend
        );
        let (_, unrouted) = app.call(Method::GET, "/api/v1/telemetry/unrouted", Some(&admin), None).await;
        assert_eq!(unrouted["items"].as_array().map(Vec::len), Some(0), "{}: {unrouted}", db.backend);
        let meter = device_id(&app, &admin, "meter-1").await;
        let pts = points(&app, &admin, &meter).await;
        assert_eq!(pts.len(), 1, "{}", db.backend);
        assert_eq!(pts[0]["num_value"], 2000.0, "{}: mapped with the device's mapping", db.backend);
    }
}
