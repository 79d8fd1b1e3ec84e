//! Re-mapping stored telemetry after a mapping change, through the router on both backends.

use crate::ingest_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

#[tokio::test]
async fn points_stored_under_raw_keys_are_remapped_once_a_mapping_exists() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let station = provision(&app, &admin, station_body()).await["station"]["id"].as_str().unwrap().to_owned();
        let ing = integration(&app, &admin, false).await;
        let meter = device_id(&app, &admin, "meter-1").await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "meter-1", "ts": t, "values": {"P": 1.5, "U": 115}},
                          {"device": "meter-1", "ts": t + 1000, "values": {"U": 116}}]);
        assert_eq!(post_signed(&app, &ing, &body.to_string(), &[]).await.0, StatusCode::OK);
        let (_, unmapped) =
            app.call(Method::GET, &format!("/api/v1/devices/{meter}/unmapped-keys"), Some(&admin), None).await;
        assert!(unmapped.to_string().contains("\"U\""), "{}: {unmapped}", db.backend);

        // U was a raw key; now it is the grid voltage, doubled (a 1:2 transformer).
        let rules = json!({"mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000},
                                        {"raw_key": "U", "point": "voltage_v", "scale": 2}]});
        let path = format!("/api/v1/point-mappings/device:{meter}");
        assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(rules)).await.0, StatusCode::OK);
        let remap = format!("/api/v1/devices/{meter}/remap");
        let range = json!({"from": "2020-01-01T00:00:00Z", "to": "2030-01-01T00:00:00Z"});
        let (s, report) = app.call(Method::POST, &remap, Some(&admin), Some(range.clone())).await;
        assert_eq!(s, StatusCode::OK, "{}: {report}", db.backend);
        assert_eq!((report["examined"].as_u64(), report["remapped"].as_u64()), (Some(3), Some(2)), "{}", db.backend);

        let pts = points(&app, &admin, &meter).await;
        let voltage: Vec<f64> =
            pts.iter().filter(|p| p["point"] == "voltage_v").map(|p| p["num_value"].as_f64().unwrap()).collect();
        assert_eq!(voltage, vec![230.0, 232.0], "{}: {pts:?}", db.backend);
        assert!(pts.iter().all(|p| p["point"] != "U"), "{}: raw-key rows left: {pts:?}", db.backend);
        let first = pts.iter().find(|p| p["point"] == "voltage_v").unwrap();
        assert!(first["value"].to_string().contains("115"), "{}: the raw value must be kept: {first}", db.backend);
        let (_, latest) =
            app.call(Method::GET, &format!("/api/v1/telemetry/latest?station_id={station}"), Some(&admin), None).await;
        let names: Vec<&str> = latest.as_array().unwrap().iter().filter_map(|v| v["point"].as_str()).collect();
        assert!(names.contains(&"voltage_v") && !names.contains(&"U"), "{}: {latest}", db.backend);

        // Idempotent; a backwards range and another tenant are refused.
        let (_, again) = app.call(Method::POST, &remap, Some(&admin), Some(range)).await;
        assert_eq!(again["remapped"], 0, "{}: {again}", db.backend);
        let backwards = json!({"from": "2030-01-01T00:00:00Z", "to": "2020-01-01T00:00:00Z"});
        let (s, b) = app.call(Method::POST, &remap, Some(&admin), Some(backwards)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(assert_error(&b, "invalid_request").contains("after"), "{b}");
        let other = app.bearer("globex", Role::Admin);
        let (s, _): (StatusCode, Value) = app
            .call(
                Method::POST,
                &remap,
                Some(&other),
                Some(json!({"from": "2020-01-01T00:00:00Z", "to": "2030-01-01T00:00:00Z"})),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", db.backend);
    }
}
