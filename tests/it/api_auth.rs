//! Authentication and role checks through the HTTP router.

use crate::support::{assert_error, TestApp, SECRET};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mgc_iam::{Claims, JwtIssuer, Role};
use mgc_kernel::Clock;
use serde_json::json;

fn claims(app: &TestApp) -> Claims {
    let now = app.clock.now().timestamp();
    Claims {
        sub: "alice".into(),
        tenant_id: Some("acme".into()),
        role: "admin".into(),
        station_ids: None,
        exp: Some(now + 600),
        iat: Some(now),
        nbf: None,
    }
}

async fn me(app: &TestApp, auth: Option<&str>) -> (StatusCode, serde_json::Value) {
    app.call(Method::GET, "/api/v1/me", auth, None).await
}

#[tokio::test]
async fn given_valid_token_then_principal_is_tenant_scoped() {
    let app = TestApp::sqlite().await;
    let (status, body) = me(&app, Some(&app.bearer("acme", Role::Operator))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["tenant_id"], "acme");
    assert_eq!(body["role"], "operator");
    assert_eq!(body["credential"], "jwt");
}

#[tokio::test]
async fn given_bad_tokens_then_401_with_specific_codes() {
    let app = TestApp::sqlite().await;
    let (s, b) = me(&app, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "missing_credentials");

    let expired = Claims { exp: Some(app.clock.now().timestamp() - 1), ..claims(&app) };
    let (s, b) = me(&app, Some(&app.bearer_with(&expired))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "token_expired");

    let foreign = JwtIssuer::hs256(b"another-secret-another-secret-1234").sign(&claims(&app)).unwrap();
    let (s, b) = me(&app, Some(&format!("Bearer {foreign}"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "invalid_signature");

    let hs512 =
        jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims(&app), &EncodingKey::from_secret(SECRET)).unwrap();
    let (s, b) = me(&app, Some(&format!("Bearer {hs512}"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "algorithm_not_allowed");

    let no_tenant = Claims { tenant_id: None, ..claims(&app) };
    let (s, b) = me(&app, Some(&app.bearer_with(&no_tenant))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "missing_tenant");

    let (s, b) = me(&app, Some("Basic dXNlcjpwYXNz")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "malformed_credentials");

    let (s, b) = me(&app, Some("Bearer not-a-jwt")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "malformed_credentials");
}

#[tokio::test]
async fn given_clock_moves_past_exp_then_same_token_is_rejected() {
    let app = TestApp::sqlite().await;
    let token = app.bearer("acme", Role::Viewer);
    assert_eq!(me(&app, Some(&token)).await.0, StatusCode::OK);
    app.clock.advance(chrono::Duration::hours(2));
    let (s, b) = me(&app, Some(&token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "token_expired");
}

#[tokio::test]
async fn given_viewer_or_operator_on_admin_mutation_then_403_and_audited_as_denied() {
    let app = TestApp::sqlite().await;
    for role in [Role::Viewer, Role::Operator] {
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/api-keys",
                Some(&app.bearer("acme", role)),
                Some(json!({"name": "x", "role": "viewer"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}: {b}");
        assert!(assert_error(&b, "forbidden").contains("admin"));
    }
    let (s, b) = app.call(Method::GET, "/api/v1/audit", Some(&app.bearer("acme", Role::Admin)), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let items = b["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{b}");
    assert!(items
        .iter()
        .all(|e| e["outcome"] == "denied" && e["status"] == 403 && e["action"] == "POST /api/v1/api-keys"));
    assert!(items.iter().all(|e| e["request_id"].as_str().is_some_and(|r| !r.is_empty())));
}

#[tokio::test]
async fn given_api_key_then_it_authenticates_until_revoked() {
    let app = TestApp::sqlite().await;
    let admin = app.bearer("acme", Role::Admin);
    let (s, created) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&admin),
            Some(json!({"name": "charging seed", "role": "operator"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with(&format!("mgc_{}_", created["prefix"].as_str().unwrap())));

    // Both header forms work and carry the key's tenant and role.
    let (s, b) = me(&app, Some(&format!("ApiKey {key}"))).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["tenant_id"].as_str(), b["role"].as_str(), b["credential"].as_str()),
        (Some("acme"), Some("operator"), Some("api_key"))
    );
    let req = Request::get("/api/v1/me").header("x-api-key", &key).body(Body::empty()).unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::OK);

    // The key is never listed again.
    let (_, list) = app.call(Method::GET, "/api/v1/api-keys", Some(&admin), None).await;
    assert!(!list.to_string().contains(&key));
    assert_eq!(list["items"][0]["id"], id);

    // A tampered key is rejected.
    // (The last character changed to one it is not.)
    let last = if key.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &key[..key.len() - 1]);
    let (s, b) = me(&app, Some(&format!("ApiKey {tampered}"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "invalid_api_key");

    let (s, b) = app.call(Method::DELETE, &format!("/api/v1/api-keys/{id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["revoked_at"].is_string());
    let (s, b) = me(&app, Some(&format!("ApiKey {key}"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_error(&b, "api_key_revoked");
    let req = Request::get("/api/v1/me").header("x-api-key", &key).body(Body::empty()).unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::UNAUTHORIZED);
}
