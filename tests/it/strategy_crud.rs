//! `/api/v1/strategies` through the router into both backends: create, read, replace (versions),
//! enable/disable, list filters, soft delete, 422s naming the field, roles and tenant isolation.

use crate::strategy_support::*;
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

async fn expect_422(app: &TestApp, token: &str, body: Value, field: &str) {
    let code = match field {
        "station_id" => "unknown_station",
        f if f.starts_with("targets.") => "invalid_targets",
        _ => "invalid_strategy",
    };
    let (s, b) = app.call(Method::POST, "/api/v1/strategies", Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let message = assert_error(&b, code);
    assert!(message.starts_with(field), "expected '{field}' in: {message}");
}

#[tokio::test]
async fn strategies_are_created_versioned_listed_validated_and_soft_deleted() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "crud", "Europe/Berlin").await;
        let op = app.bearer("acme", Role::Operator);
        let created = create(&app, &op, peak_body(&site.station, false)).await;
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!((&created["version"], &created["enabled"]), (&json!(1), &json!(false)), "{}", db.backend);
        assert_eq!((&created["deadband_w"], &created["command_timeout_s"]), (&json!(100), &json!(30)));
        assert_eq!(created["params"]["import_limit_w"], 50000);

        // Replace: version 2 with the new parameters and explicit targets.
        let mut body = peak_body(&site.station, false);
        body["params"]["import_limit_w"] = json!(60000);
        body["targets"] = json!({"battery_device_id": site.battery, "pv_device_ids": [site.pv]});
        let (s, b) = app.call(Method::PUT, &format!("/api/v1/strategies/{id}"), Some(&op), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!((&b["version"], &b["params"]["import_limit_w"]), (&json!(2), &json!(60000)));
        assert_eq!(b["targets"]["battery_device_id"], site.battery);
        let (s, b) = app.call(Method::POST, &format!("/api/v1/strategies/{id}/enable"), Some(&op), None).await;
        assert_eq!((s, &b["version"], &b["enabled"]), (StatusCode::OK, &json!(3), &json!(true)));
        let (_, b) = app.call(Method::POST, &format!("/api/v1/strategies/{id}/enable"), Some(&op), None).await;
        assert_eq!(b["version"], 3, "enabling an enabled strategy changes nothing");
        let (s, v) = app.call(Method::GET, &format!("/api/v1/strategies/{id}/versions"), Some(&op), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let versions: Vec<_> = v.as_array().unwrap().iter().map(|x| x["version"].as_i64().unwrap()).collect();
        assert_eq!(versions, vec![1, 2, 3], "{}", db.backend);
        assert_eq!(v[0]["params"]["import_limit_w"], 50000, "version 1 kept as it was");

        // List filters.
        let list = |q: &str| format!("/api/v1/strategies{q}");
        let count = |b: &Value| b["items"].as_array().unwrap().len();
        let (_, b) = app.call(Method::GET, &list(""), Some(&op), None).await;
        assert_eq!(count(&b), 1, "{b}");
        let q = format!("?station_id={}&type=peak_shaving&enabled=true", site.station);
        assert_eq!(count(&app.call(Method::GET, &list(&q), Some(&op), None).await.1), 1);
        assert_eq!(count(&app.call(Method::GET, &list("?type=schedule"), Some(&op), None).await.1), 0);
        assert_eq!(count(&app.call(Method::GET, &list("?enabled=false"), Some(&op), None).await.1), 0);
        let (s, b) = app.call(Method::GET, &list("?enabled=maybe"), Some(&op), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        let (s, b) = app.call(Method::GET, &list("?type=peak_shaver"), Some(&op), None).await;
        assert!(assert_error(&b, "invalid_query").starts_with("type:"), "{b}");
        assert_eq!(s, StatusCode::BAD_REQUEST);

        // 422s name the field.
        let mut bad = peak_body(&site.station, true);
        bad["params"]["recharge_below_w"] = json!(70000);
        expect_422(&app, &op, bad, "params.recharge_below_w").await;
        let mut bad = peak_body(&site.station, true);
        bad["type"] = json!("peak_shaver");
        expect_422(&app, &op, bad, "type").await;
        let mut bad = peak_body(&site.station, true);
        bad["params"] = json!({"import_limit_w": 50000});
        expect_422(&app, &op, bad, "params").await;
        let mut bad = peak_body(&site.station, true);
        bad["targets"] = json!({"battery_device_id": site.meter});
        expect_422(&app, &op, bad, "targets.battery_device_id").await;
        let mut bad = peak_body(&site.station, true);
        bad["targets"] = json!({"pv_device_ids": [site.pv, site.pcs]});
        expect_422(&app, &op, bad, "targets.pv_device_ids[1]").await;
        expect_422(&app, &op, peak_body(&uuid::Uuid::now_v7().to_string(), true), "station_id").await;
        let mut bad = peak_body(&site.station, true);
        bad["deadband_w"] = json!(-1);
        expect_422(&app, &op, bad, "deadband_w").await;
        let mut other = peak_body(&site.station, true);
        other["station_id"] = json!(uuid::Uuid::now_v7().to_string());
        let (s, b) = app.call(Method::PUT, &format!("/api/v1/strategies/{id}"), Some(&op), Some(other)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        // Viewers read but do not write.
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, _) = app.call(Method::GET, &format!("/api/v1/strategies/{id}"), Some(&viewer), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, b) =
            app.call(Method::POST, "/api/v1/strategies", Some(&viewer), Some(peak_body(&site.station, true))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

        // Soft delete: gone from reads and the list, never evaluated.
        let (s, _) = app.call(Method::DELETE, &format!("/api/v1/strategies/{id}"), Some(&op), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, b) = app.call(Method::GET, &format!("/api/v1/strategies/{id}"), Some(&op), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(count(&app.call(Method::GET, &list(""), Some(&op), None).await.1), 0);
        assert_eq!(round(&app).await.executions(), 0, "{}", db.backend);
    }
}

#[tokio::test]
async fn another_tenant_or_station_scope_cannot_read_or_change_strategies_or_executions() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "iso", "Asia/Shanghai").await;
        let op = app.bearer("acme", Role::Operator);
        telemetry(&app, &site, "iso", 62.0, 50.0).await;
        let id = create(&app, &op, peak_body(&site.station, true)).await["id"].as_str().unwrap().to_owned();
        round(&app).await;
        let exec = executions(&app, &op, &id).await[0]["id"].as_str().unwrap().to_owned();

        let other = app.bearer("globex", Role::Admin);
        let elsewhere = Some(vec![mgc_kernel::StationId::new()]);
        let token =
            app.issuer.issue("u2", &tenant("acme"), Role::Admin, elsewhere, app.clock.now(), Duration::hours(1));
        let scoped = format!("Bearer {}", token.unwrap());
        for token in [&other, &scoped] {
            for (method, path) in [
                (Method::GET, format!("/api/v1/strategies/{id}")),
                (Method::PUT, format!("/api/v1/strategies/{id}")),
                (Method::DELETE, format!("/api/v1/strategies/{id}")),
                (Method::POST, format!("/api/v1/strategies/{id}/enable")),
                (Method::POST, format!("/api/v1/strategies/{id}/disable")),
                (Method::GET, format!("/api/v1/strategies/{id}/versions")),
                (Method::GET, format!("/api/v1/strategies/{id}/executions")),
                (Method::GET, format!("/api/v1/strategies/{id}/executions/{exec}")),
            ] {
                let body = (method == Method::PUT).then(|| peak_body(&site.station, false));
                let (s, b) = app.call(method.clone(), &path, Some(token), body).await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{}: {method} {path}: {b}", db.backend);
            }
            let (s, b) = app.call(Method::GET, "/api/v1/strategies", Some(token), None).await;
            assert_eq!((s, b["items"].as_array().unwrap().len()), (StatusCode::OK, 0), "{b}");
        }
        // Nothing changed for the owner.
        let (s, b) = app.call(Method::GET, &format!("/api/v1/strategies/{id}"), Some(&op), None).await;
        assert_eq!((s, &b["version"], &b["enabled"]), (StatusCode::OK, &json!(1), &json!(true)), "{b}");
        let (s, b) =
            app.call(Method::POST, "/api/v1/strategies", Some(&other), Some(peak_body(&site.station, true))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    }
}
