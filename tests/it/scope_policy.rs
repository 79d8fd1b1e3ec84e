//! The delegation and tenant-wide policy of docs/api.md ("Who may do what"), cell by cell: a
//! station-scoped admin never creates a credential broader than itself and never changes a
//! tenant-wide resource; a tenant-wide admin may.

use crate::ingest_support::provision;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

fn scoped_admin(app: &TestApp, stations: &[&str]) -> String {
    let now = app.clock.now().timestamp();
    let claims: Claims = serde_json::from_value(json!({
        "sub": "station-admin", "tenant_id": "acme", "role": "admin", "station_ids": stations,
        "exp": now + 3600, "iat": now,
    }))
    .unwrap();
    app.bearer_with(&claims)
}

async fn two_stations(app: &TestApp, admin: &str) -> (String, String) {
    let mut ids = Vec::new();
    for code in ["a1", "a2"] {
        let body = json!({"code": code, "name": code, "time_zone": "Asia/Shanghai", "devices": []});
        ids.push(provision(app, admin, body).await["station"]["id"].as_str().unwrap().to_owned());
    }
    (ids[0].clone(), ids[1].clone())
}

/// Every tenant-wide write of the policy table, with a body that passes validation.
fn tenant_wide_writes() -> Vec<(Method, String, Option<Value>)> {
    let some = "0190a6f8-0000-7000-8000-000000000000";
    let channel = json!({"name": "ops", "kind": "webhook", "config": {"url": "http://127.0.0.1:9/hook"}});
    let rule = json!({"name": "r", "scope": {"device_kind": "meter"}, "severity": "major",
        "condition": {"point": "active_power_w", "op": ">", "value": 1}, "message": "m", "channels": []});
    vec![
        (Method::POST, "/api/v1/integrations".into(), Some(json!({"name": "tb"}))),
        (Method::POST, format!("/api/v1/integrations/{some}/rotate"), Some(json!({}))),
        (Method::PATCH, format!("/api/v1/integrations/{some}"), Some(json!({"allow_static": true}))),
        (Method::POST, "/api/v1/tariffs".into(), Some(crate::settlement_support::tou_tariff())),
        (Method::DELETE, format!("/api/v1/tariffs/{some}"), None),
        (Method::POST, "/api/v1/notification-channels".into(), Some(channel)),
        (Method::DELETE, format!("/api/v1/notification-channels/{some}"), None),
        (Method::POST, format!("/api/v1/notification-channels/{some}/test"), None),
        (Method::POST, "/api/v1/alarm-rules".into(), Some(rule)),
        (Method::DELETE, format!("/api/v1/alarm-rules/{some}"), None),
        (Method::POST, format!("/api/v1/alarm-rules/{some}/enable"), None),
        (Method::POST, format!("/api/v1/alarm-rules/{some}/disable"), None),
        (Method::DELETE, format!("/api/v1/api-keys/{some}"), None),
        (Method::PUT, "/api/v1/point-mappings/kind:meter".into(), Some(json!({"mappings": []}))),
    ]
}

#[tokio::test]
async fn given_a_station_scoped_admin_when_changing_tenant_wide_resources_then_403_and_a_tenant_admin_is_not_refused() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (a1, _) = two_stations(&app, &admin).await;
        let scoped = scoped_admin(&app, &[&a1]);
        for (method, path, body) in tenant_wide_writes() {
            let (s, b) = app.call(method.clone(), &path, Some(&scoped), body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{} {method} {path}: {b}", db.backend);
            assert_error(&b, "station_scope_too_narrow");
            let (s, b) = app.call(method.clone(), &path, Some(&admin), body).await;
            assert_ne!(s, StatusCode::FORBIDDEN, "{} {method} {path} as tenant admin: {b}", db.backend);
        }
    }
}

#[tokio::test]
async fn given_a_station_scoped_admin_when_creating_an_api_key_then_the_key_is_never_broader_than_its_creator() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (a1, a2) = two_stations(&app, &admin).await;
        let scoped = scoped_admin(&app, &[&a1]);

        // Asked for nothing: the key inherits the creator's stations.
        let (s, b) = app
            .call(Method::POST, "/api/v1/api-keys", Some(&scoped), Some(json!({"name": "k", "role": "admin"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {b}", db.backend);
        assert_eq!(b["station_ids"], json!([a1]), "{}: {b}", db.backend);
        let key = format!("ApiKey {}", b["key"].as_str().unwrap());
        let (_, me) = app.call(Method::GET, "/api/v1/me", Some(&key), None).await;
        assert_eq!(me["station_ids"], json!([a1]), "{}: {me}", db.backend);
        let (s, _) = app.call(Method::GET, &format!("/api/v1/stations/{a2}"), Some(&key), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: the key reads beyond its creator", db.backend);
        let (s, _) = app
            .call(Method::PATCH, &format!("/api/v1/stations/{a2}"), Some(&key), Some(json!({"name": "renamed"})))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: the key renames beyond its creator", db.backend);

        // Asked for a station beyond its own: refused.
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/api-keys",
                Some(&scoped),
                Some(json!({"name": "k2", "role": "viewer", "station_ids": [a1, a2]})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{}: {b}", db.backend);
        assert_error(&b, "station_scope_too_narrow");

        // A tenant-wide admin may hand out any scope.
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/api-keys",
                Some(&admin),
                Some(json!({"name": "k3", "role": "viewer", "station_ids": [a2]})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {b}", db.backend);
        assert_eq!(b["station_ids"], json!([a2]));
    }
}

#[tokio::test]
async fn given_an_alarm_rule_naming_another_tenants_station_or_device_when_saved_then_422_names_the_field() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let globex = app.bearer("globex", Role::Admin);
        let body = json!({"code": "g1", "name": "g1", "time_zone": "Asia/Shanghai",
            "devices": [{"name": "g-meter", "kind": "meter"}]});
        let theirs = provision(&app, &globex, body).await;
        let station = theirs["station"]["id"].as_str().unwrap();
        let device = theirs["devices"][0]["id"].as_str().unwrap();
        for (field, scope) in
            [("scope.station_id", json!({"station_id": station})), ("scope.device_id", json!({"device_id": device}))]
        {
            let rule = json!({"name": "r", "scope": scope, "severity": "major",
                "condition": {"point": "active_power_w", "op": ">", "value": 1}, "message": "m", "channels": []});
            let (s, b) = app.call(Method::POST, "/api/v1/alarm-rules", Some(&admin), Some(rule)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {b}", db.backend);
            assert!(assert_error(&b, "invalid_request").starts_with(field), "{}: {b}", db.backend);
        }
    }
}
