//! Refused authentication: a token before its `nbf`, refusals counted by reason, and refused
//! mutating requests of a known tenant audited (at a bounded rate per tenant).

use crate::support::{assert_error, TestApp, SECRET};
use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::json;

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
