//! Ingest signature v2 binds method, path, routing headers and body: a signature cannot be
//! replayed on another endpoint or with another device; the legacy v1 form only where the
//! integration allows it; the RPC endpoint refuses a replayed signature like telemetry.

use crate::ingest_support::{device_id, points, post_with, provisioned, Ingest, TELEMETRY};
use crate::support::{assert_error, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_iam::{sign_hex, sign_post};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

const RPC: &str = "/ingest/thingsboard/rpc";

async fn post_to(app: &TestApp, path: &str, body: &str, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut req = Request::post(path).header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::from(body.to_owned())).unwrap()).await
}

fn auth<'a>(ing: &'a Ingest, ts: &'a str, sig: &'a str) -> [(&'a str, &'a str); 3] {
    [("x-integration-id", ing.id.as_str()), ("x-timestamp", ts), ("x-signature", sig)]
}

#[tokio::test]
async fn given_signed_rpc_update_when_replayed_on_telemetry_for_a_chosen_device_then_refused() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        // A body that is both an RPC update and flat telemetry.
        let body = r#"{"id": "r-1", "status": "DELIVERED", "P": 99}"#;
        let ts = app.clock.now().timestamp().to_string();
        for sig in [
            format!("sha256={}", sign_hex(ing.secret.as_bytes(), &ts, body.as_bytes())),
            sign_post(ing.secret.as_bytes(), RPC, &ts, &[], body.as_bytes()),
        ] {
            post_to(&app, RPC, body, &auth(&ing, &ts, &sig)).await;
            let mut replay = auth(&ing, &ts, &sig).to_vec();
            replay.push(("x-device-name", "meter-1"));
            let (s, b) = post_to(&app, TELEMETRY, body, &replay).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: replay accepted: {b}", db.backend);
        }
        let meter = device_id(&app, &admin, "meter-1").await;
        assert!(points(&app, &admin, &meter).await.is_empty(), "{}: the replay stored points", db.backend);
    }
}

#[tokio::test]
async fn given_flat_body_when_device_header_is_changed_in_transit_then_invalid_signature() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let body = r#"{"P": 5}"#;
        let ts = app.clock.now().timestamp().to_string();
        let sig = sign_post(ing.secret.as_bytes(), TELEMETRY, &ts, &[("X-Device-Name", "pv-1")], body.as_bytes());
        let (s, b) = post_with(&app, body, &auth(&ing, &ts, &sig), &[("x-device-name", "meter-1")]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: {b}", db.backend);
        assert_error(&b, "invalid_signature");
        let (s, b) = post_with(&app, body, &auth(&ing, &ts, &sig), &[("x-device-name", "pv-1")]).await;
        assert_eq!(s, StatusCode::OK, "{}: the untouched request: {b}", db.backend);
        let meter = device_id(&app, &admin, "meter-1").await;
        assert!(points(&app, &admin, &meter).await.is_empty());
    }
}

#[tokio::test]
async fn given_new_integration_then_v1_refused_until_legacy_signature_is_enabled_by_patch() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let body = r#"{"P": 5}"#;
        let dev = [("x-device-name", "meter-1")];
        let v1 = |ts: &str| format!("sha256={}", sign_hex(ing.secret.as_bytes(), ts, body.as_bytes()));
        let ts = app.clock.now().timestamp().to_string();
        let (s, b) = post_with(&app, body, &auth(&ing, &ts, &v1(&ts)), &dev).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: {b}", db.backend);
        assert_error(&b, "legacy_signature_disabled");

        let path = format!("/api/v1/integrations/{}", ing.id);
        let (s, b) = app.call(Method::PATCH, &path, Some(&admin), Some(json!({"legacy_signature": true}))).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!(b["legacy_signature"], true);
        app.clock.advance(chrono::Duration::seconds(1));
        let ts = app.clock.now().timestamp().to_string();
        let (s, b) = post_with(&app, body, &auth(&ing, &ts, &v1(&ts)), &dev).await;
        assert_eq!(s, StatusCode::OK, "{}: v1 with legacy_signature: {b}", db.backend);

        let (_, list) = app.call(Method::GET, "/api/v1/integrations", Some(&admin), None).await;
        assert_eq!(list["items"][0]["legacy_signature"], true, "{list}");
        let (s, _) = app.call(Method::PATCH, &path, Some(&admin), Some(json!({"legacy_signature": false}))).await;
        assert_eq!(s, StatusCode::OK);
        app.clock.advance(chrono::Duration::seconds(1));
        let ts = app.clock.now().timestamp().to_string();
        let (_, b) = post_with(&app, body, &auth(&ing, &ts, &v1(&ts)), &dev).await;
        assert_error(&b, "legacy_signature_disabled");
    }
}

#[tokio::test]
async fn given_signed_rpc_update_when_sent_twice_then_second_is_replayed_signature() {
    for db in all_databases().await {
        let (app, _admin, ing) = provisioned(&db).await;
        let body = r#"{"id": "r-unknown", "status": "DELIVERED"}"#;
        let ts = app.clock.now().timestamp().to_string();
        let sig = sign_post(ing.secret.as_bytes(), RPC, &ts, &[], body.as_bytes());
        let (s, b) = post_to(&app, RPC, body, &auth(&ing, &ts, &sig)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        let (s, b) = post_to(&app, RPC, body, &auth(&ing, &ts, &sig)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: {b}", db.backend);
        assert_error(&b, "replayed_signature");
    }
}

/// Copies integration `from` as a row written without `legacy_signature` (as rows that existed
/// before the `signature_v2` migration): the column takes its default.
async fn copy_as_pre_v2_row(db: &mgc_tests::TestDatabase, from: &str) -> String {
    let id = uuid::Uuid::now_v7();
    let from: uuid::Uuid = from.parse().unwrap();
    let sql = "INSERT INTO integrations (id, tenant_id, name, secret, previous_secret, previous_valid_until, allow_static, created_by, created_at, revoked_at)
               SELECT $1, tenant_id, name, secret, previous_secret, previous_valid_until, allow_static, created_by, created_at, revoked_at
               FROM integrations WHERE id = $2";
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(id).bind(from).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(id).bind(from).execute(&pool).await.unwrap();
    }
    id.to_string()
}

#[tokio::test]
async fn given_integration_row_from_before_v2_then_legacy_signature_is_on() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let old = Ingest { id: copy_as_pre_v2_row(&db, &ing.id).await, secret: ing.secret.clone() };
        let body = r#"{"P": 5}"#;
        let ts = app.clock.now().timestamp().to_string();
        let v1 = format!("sha256={}", sign_hex(old.secret.as_bytes(), &ts, body.as_bytes()));
        let (s, b) = post_with(&app, body, &auth(&old, &ts, &v1), &[("x-device-name", "meter-1")]).await;
        assert_eq!(s, StatusCode::OK, "{}: an existing integration keeps v1: {b}", db.backend);
        let (_, list) = app.call(Method::GET, "/api/v1/integrations", Some(&admin), None).await;
        let listed = list["items"].as_array().unwrap().iter().find(|i| i["id"] == old.id.as_str()).cloned();
        assert_eq!(listed.unwrap()["legacy_signature"], true, "{}", db.backend);
    }
}
