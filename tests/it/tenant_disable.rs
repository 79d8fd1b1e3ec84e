//! Credentials are checked against the tenants table: a token of a tenant that does not exist
//! is refused, and a disabled tenant's tokens, API keys and integrations are refused (403
//! `tenant_disabled`, audited, counted) until it is enabled again. The tenant state is cached
//! per instance for `TENANT_CACHE_TTL_SECS` on the injected clock.

use crate::ingest_support::{post_signed, provisioned};
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_eventing::UnitOfWork;
use mgc_iam::{Role, TENANT_CACHE_TTL_SECS};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

/// What `mgc tenant disable|enable` does to the database (another process: no cache is told).
async fn set_disabled(app: &TestApp, disabled: bool) {
    let mut tx = app.store.begin().await.unwrap();
    let at = disabled.then(|| app.clock.now());
    assert!(tx.set_tenant_disabled(&tenant("acme"), at).await.unwrap());
    tx.commit().await.unwrap();
}

fn past_the_cache(app: &TestApp) {
    app.clock.advance(chrono::Duration::seconds(TENANT_CACHE_TTL_SECS + 1));
}

async fn api_key(app: &TestApp, admin: &str) -> String {
    let body = json!({"name": "bridge", "role": "viewer"});
    let (s, b) = app.call(Method::POST, "/api/v1/api-keys", Some(admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    format!("ApiKey {}", b["key"].as_str().unwrap())
}

async fn me(app: &TestApp, auth: &str) -> (StatusCode, Value) {
    app.call(Method::GET, "/api/v1/me", Some(auth), None).await
}

#[tokio::test]
async fn given_token_of_a_tenant_that_does_not_exist_then_401_unknown_tenant() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (s, b) = me(&app, &app.bearer("ghost", Role::Admin)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}: {b}", db.backend);
        assert_error(&b, "unknown_tenant");
    }
}

#[tokio::test]
async fn given_disabled_tenant_then_tokens_keys_and_integrations_refused_until_enabled() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let key = api_key(&app, &admin).await;
        let other = app.bearer("globex", Role::Admin);
        assert_eq!(me(&app, &admin).await.0, StatusCode::OK);

        set_disabled(&app, true).await;
        past_the_cache(&app);
        for auth in [&admin, &key] {
            let (s, b) = me(&app, auth).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{}: {b}", db.backend);
            assert_error(&b, "tenant_disabled");
        }
        let (s, b) = app
            .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "x", "role": "viewer"})))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{}: {b}", db.backend);
        let (s, b) = post_signed(&app, &ing, r#"{"P": 1}"#, &[("x-device-name", "meter-1")]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{}: ingest of a disabled tenant: {b}", db.backend);
        assert_error(&b, "tenant_disabled");
        assert_eq!(me(&app, &other).await.0, StatusCode::OK, "{}: another tenant is untouched", db.backend);

        set_disabled(&app, false).await;
        past_the_cache(&app);
        assert_eq!(me(&app, &admin).await.0, StatusCode::OK, "{}", db.backend);
        assert_eq!(me(&app, &key).await.0, StatusCode::OK, "{}", db.backend);
        let (s, b) = post_signed(&app, &ing, r#"{"P": 2}"#, &[("x-device-name", "meter-1")]).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);

        // The refused mutating requests are in the tenant's audit log.
        let (_, log) = app.call(Method::GET, "/api/v1/audit?limit=100", Some(&admin), None).await;
        let denied: Vec<&Value> = log["items"].as_array().unwrap().iter().filter(|e| e["status"] == 403).collect();
        assert!(denied.iter().any(|e| e["action"] == "POST /api/v1/api-keys"), "{}: {log}", db.backend);
        assert!(denied.iter().any(|e| e["actor"] == format!("integration:{}", ing.id)), "{}: {log}", db.backend);
    }
}

#[tokio::test]
async fn given_active_tenant_cached_when_disabled_elsewhere_then_refused_once_the_cache_expires() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        assert_eq!(me(&app, &admin).await.0, StatusCode::OK);
        set_disabled(&app, true).await;
        // Within the cache's time to live the cached answer stands; after it, the new state.
        assert_eq!(me(&app, &admin).await.0, StatusCode::OK, "{}", db.backend);
        past_the_cache(&app);
        assert_eq!(me(&app, &admin).await.0, StatusCode::FORBIDDEN, "{}", db.backend);
    }
}
