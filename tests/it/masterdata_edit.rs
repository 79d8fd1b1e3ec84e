//! PATCH and DELETE of stations and devices through the router, on both backends.

use crate::ingest_support::*;
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_kernel::page::PageRequest;
use mgc_kernel::Clock;
use mgc_telemetry::domain::repository::{PointQuery, TelemetryQueries};
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn stations_and_devices_are_patched_and_deleted_with_clear_errors() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let provisioned = provision(&app, &admin, station_body()).await;
        let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
        let meter = device_id(&app, &admin, "meter-1").await;
        let path = format!("/api/v1/stations/{station}");

        // Absent fields stay, null clears, bad values name the field.
        let (s, b) = app
            .call(Method::PATCH, &path, Some(&admin), Some(json!({"name": "Shenzhen 2", "capacity_kw": null})))
            .await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!(
            (b["name"].as_str(), b["capacity_kw"].is_null(), b["code"].as_str()),
            (Some("Shenzhen 2"), true, Some("sz-01"))
        );
        let (s, b) = app.call(Method::PATCH, &path, Some(&admin), Some(json!({"time_zone": "Mars/Base"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_request").contains("time_zone"), "{b}");
        let (_, got) = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(got["time_zone"], "Asia/Shanghai", "{}: a refused patch changed the station", db.backend);

        // Renaming a device onto another's name is a conflict; a rename changes ingest routing.
        let dev_path = format!("/api/v1/devices/{meter}");
        let (s, b) = app.call(Method::PATCH, &dev_path, Some(&admin), Some(json!({"name": "pv-1"}))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{}: {b}", db.backend);
        let (s, b) = app.call(Method::PATCH, &dev_path, Some(&admin), Some(json!({"name": "meter-A"}))).await;
        assert_eq!((s, b["name"].as_str()), (StatusCode::OK, Some("meter-A")), "{b}");
        let ing = integration(&app, &admin, false).await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "meter-A", "ts": t, "values": {"P": 1}}, {"device": "meter-1", "ts": t, "values": {"P": 2}}]);
        let (_, r) = post_signed(&app, &ing, &body.to_string(), &[]).await;
        assert_eq!((r["accepted"].as_u64(), r["quarantined"].as_u64()), (Some(1), Some(1)), "{}: {r}", db.backend);

        // A station with devices cannot go; once they are deleted it can.
        let (s, b) = app.call(Method::DELETE, &path, Some(&admin), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert!(assert_error(&b, "station_has_devices").contains("2 device"), "{b}");
        let operator = app.bearer("acme", Role::Operator);
        assert_eq!(app.call(Method::DELETE, &dev_path, Some(&operator), None).await.0, StatusCode::FORBIDDEN);
        for name in ["meter-A", "pv-1"] {
            let id = device_id(&app, &admin, name).await;
            let (s, b) = app.call(Method::DELETE, &format!("/api/v1/devices/{id}"), Some(&admin), None).await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{}: {b}", db.backend);
        }
        assert_eq!(app.call(Method::GET, &dev_path, Some(&admin), None).await.0, StatusCode::NOT_FOUND);
        // The removed device's telemetry history stays stored.
        let q = PointQuery {
            device_id: meter.parse().unwrap(),
            point: None,
            from: app.clock.now() - chrono::Duration::days(1),
            to: app.clock.now() + chrono::Duration::days(1),
        };
        let kept = app.store.list_points(&tenant("acme"), &q, &PageRequest::first()).await.unwrap();
        assert_eq!(kept.items.len(), 1, "{}", db.backend);
        assert_eq!(app.call(Method::DELETE, &path, Some(&admin), None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(app.call(Method::GET, &path, Some(&admin), None).await.0, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn another_tenant_cannot_patch_or_delete_stations_or_devices() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let provisioned = provision(&app, &admin, station_body()).await;
        let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
        let meter = device_id(&app, &admin, "meter-1").await;
        let intruder = app.bearer("globex", Role::Admin);
        for (method, path, body) in [
            (Method::PATCH, format!("/api/v1/stations/{station}"), Some(json!({"name": "taken"}))),
            (Method::DELETE, format!("/api/v1/stations/{station}"), None),
            (Method::PATCH, format!("/api/v1/devices/{meter}"), Some(json!({"name": "taken"}))),
            (Method::DELETE, format!("/api/v1/devices/{meter}"), None),
        ] {
            let (s, b) = app.call(method.clone(), &path, Some(&intruder), body).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{}: {method} {path}: {b}", db.backend);
        }
        let (_, got) = app.call(Method::GET, &format!("/api/v1/devices/{meter}"), Some(&admin), None).await;
        assert_eq!(got["name"], "meter-1", "{}", db.backend);
    }
}

#[tokio::test]
async fn another_tenant_cannot_take_over_a_thingsboard_device_to_command_it() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        let taken = station_body()["devices"][1]["tb_device_id"].clone();
        let intruder = app.bearer("globex", Role::Admin);

        // Provisioning a device onto acme's ThingsBoard device: 409 naming the id, nothing stored.
        let mut body = station_body();
        body["code"] = json!("gx-01");
        let (s, b) = app.call(Method::POST, "/api/v1/provisioning/stations", Some(&intruder), Some(body)).await;
        assert_eq!(s, StatusCode::CONFLICT, "{}: {b}", db.backend);
        assert!(assert_error(&b, "conflict").contains(taken.as_str().unwrap()), "{b}");
        let (_, listed) = app.call(Method::GET, "/api/v1/devices", Some(&intruder), None).await;
        assert_eq!(listed["items"], json!([]), "{}: {listed}", db.backend);

        // Re-pointing one of its own devices at it: 409 as well.
        let mut own = station_body();
        own["code"] = json!("gx-02");
        own["devices"] =
            json!([{"name": "gx-pcs", "kind": "pcs", "tb_device_id": "9a0d7e55-0000-4000-8000-000000000001"}]);
        provision(&app, &intruder, own).await;
        let pcs = device_id(&app, &intruder, "gx-pcs").await;
        let (s, b) = app
            .call(
                Method::PATCH,
                &format!("/api/v1/devices/{pcs}"),
                Some(&intruder),
                Some(json!({"tb_device_id": taken})),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{}: {b}", db.backend);
        // The same tenant re-provisioning its own body stays idempotent.
        let (s, b) = app.call(Method::POST, "/api/v1/provisioning/stations", Some(&admin), Some(station_body())).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
}
