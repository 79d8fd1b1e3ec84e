//! Refused authentication: a token before its `nbf`, refusals counted by reason, and refused
//! mutating requests of a known tenant audited (at a bounded rate per tenant).

use crate::ingest_support::{post_signed, provisioned};
use crate::support::{assert_error, TestApp, SECRET};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

async fn metrics(app: &TestApp) -> String {
    let resp = tower::ServiceExt::oneshot(app.router.clone(), Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

/// `mgc_auth_refused_total{reason}` as exposed (0 when absent).
async fn refused(app: &TestApp, reason: &str) -> u64 {
    let needle = format!("mgc_auth_refused_total{{reason=\"{reason}\"}} ");
    metrics(app)
        .await
        .lines()
        .find_map(|l| l.strip_prefix(&needle).map(|n| n.trim().parse::<f64>().unwrap() as u64))
        .unwrap_or(0)
}

async fn audit(app: &TestApp, admin: &str) -> Vec<Value> {
    let (s, b) = app.call(Method::GET, "/api/v1/audit?limit=500", Some(admin), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn given_token_before_its_nbf_then_401_token_not_yet_valid_until_the_time_comes() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let now = app.clock.now().timestamp();
        let claims = json!({"sub": "alice", "tenant_id": "acme", "role": "admin", "exp": now + 600, "nbf": now + 60});
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        let bearer = format!("Bearer {token}");
        let (s, b) = app.call(Method::GET, "/api/v1/me", Some(&bearer), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: {b}", db.backend);
        assert_error(&b, "token_not_yet_valid");
        app.clock.advance(chrono::Duration::seconds(60));
        let (s, b) = app.call(Method::GET, "/api/v1/me", Some(&bearer), None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
    }
}
#[tokio::test]
async fn given_refused_credentials_then_counted_by_reason_and_audited_for_the_known_tenant() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let foreign = mgc_iam::JwtIssuer::hs256(b"another-secret-another-secret-1234")
            .issue("x", &crate::support::tenant("acme"), Role::Admin, None, app.clock.now(), chrono::Duration::hours(1))
            .unwrap();
        let before = refused(&app, "invalid_signature").await;
        let (s, _) =
            app.call(Method::POST, "/api/v1/tariffs", Some(&format!("Bearer {foreign}")), Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(refused(&app, "invalid_signature").await > before, "{}: bad JWT not counted", db.backend);

        let body = r#"{"ts": 1772366400000, "values": {"P": 1}}"#;
        assert_eq!(post_signed(&app, &ing, body, &[("x-device-name", "meter-1")]).await.0, StatusCode::OK);
        let before = refused(&app, "replayed_signature").await;
        let (s, b) = post_signed(&app, &ing, body, &[("x-device-name", "meter-1")]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        assert!(refused(&app, "replayed_signature").await > before, "{}: replay not counted", db.backend);

        let expired = mgc_iam::JwtIssuer::hs256(SECRET)
            .issue(
                "mallory",
                &crate::support::tenant("acme"),
                Role::Admin,
                None,
                app.clock.now(),
                chrono::Duration::seconds(-60),
            )
            .unwrap();
        let (s, b) =
            app.call(Method::POST, "/api/v1/tariffs", Some(&format!("Bearer {expired}")), Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");

        let (_, key) =
            app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "k", "role": "admin"}))).await;
        let key_id = key["id"].as_str().unwrap();
        app.call(Method::DELETE, &format!("/api/v1/api-keys/{key_id}"), Some(&admin), None).await;
        let before = refused(&app, "api_key_revoked").await;
        let revoked = format!("ApiKey {}", key["key"].as_str().unwrap());
        for _ in 0..25 {
            let (s, b) = app.call(Method::POST, "/api/v1/tariffs", Some(&revoked), Some(json!({}))).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        }
        assert!(refused(&app, "api_key_revoked").await >= before + 25, "{}: revoked key not counted", db.backend);

        let entries = audit(&app, &admin).await;
        let refusals: Vec<&Value> = entries.iter().filter(|e| e["status"] == 401).collect();
        assert!(
            refusals.iter().any(|e| e["action"] == "POST /ingest/thingsboard/telemetry"
                && e["actor"] == format!("integration:{}", ing.id)
                && e["outcome"] == "denied"),
            "{}: replay not audited: {entries:?}",
            db.backend
        );
        assert!(
            refusals.iter().any(|e| e["actor"] == "mallory" && e["action"] == "POST /api/v1/tariffs"),
            "{}: a genuine but expired token's refusal not audited",
            db.backend
        );
        let by_key: Vec<&&Value> = refusals.iter().filter(|e| e["actor"] == format!("api-key:{key_id}")).collect();
        assert!(!by_key.is_empty(), "{}: revoked key not audited", db.backend);
        assert!(by_key.iter().all(|e| e["action"] == "POST /api/v1/tariffs" && e["outcome"] == "denied"));
        assert!(refusals.len() < 26, "{}: a flood fills the audit log: {}", db.backend, refusals.len());

        app.clock.advance(chrono::Duration::minutes(1));
        app.call(Method::POST, "/api/v1/tariffs", Some(&revoked), Some(json!({}))).await;
        let later = audit(&app, &admin).await.iter().filter(|e| e["status"] == 401).count();
        assert_eq!(later, refusals.len() + 1, "{}: the budget refills with time", db.backend);
    }
}

/// `mgc_unauthenticated_mutating_requests_total{status}` as exposed (0 when absent).
async fn unauthenticated(app: &TestApp, status: u16) -> u64 {
    let needle = format!("mgc_unauthenticated_mutating_requests_total{{status=\"{status}\"}} ");
    metrics(app)
        .await
        .lines()
        .find_map(|l| l.strip_prefix(&needle).map(|n| n.trim().parse::<f64>().unwrap() as u64))
        .unwrap_or(0)
}

#[tokio::test]
async fn given_mutating_requests_without_credentials_then_counted_by_status() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let before = unauthenticated(&app, 401).await;
        let (s, _) = app.call(Method::POST, "/api/v1/tariffs", None, Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) =
            app.call(Method::DELETE, "/api/v1/api-keys/0190b5a8-0000-7000-8000-000000000000", None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(unauthenticated(&app, 401).await >= before + 2, "{}: not counted", db.backend);
    }
}
