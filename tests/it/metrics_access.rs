//! `/metrics` with the optional bearer token: refused without it or with another, served with it.

use crate::support::{assert_error, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use mgc_api::ApiConfig;
use mgc_tests::all_databases;

#[tokio::test]
async fn given_metrics_token_then_metrics_answer_only_that_bearer_token() {
    for db in all_databases().await {
        let config = ApiConfig { metrics_token: Some("scrape-secret".into()), ..ApiConfig::default() };
        let app = TestApp::with_config(&db, config).await;
        let get = |auth: Option<&str>| {
            let mut req = Request::get("/metrics");
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            req.body(Body::empty()).unwrap()
        };
        let (s, b) = app.send(get(None)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}", db.backend);
        assert_error(&b, "missing_credentials");
        let (s, b) = app.send(get(Some("Bearer guess"))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{}", db.backend);
        assert_error(&b, "invalid_metrics_token");
        let (s, _) = app.send(get(Some("Bearer scrape-secret"))).await;
        assert_eq!(s, StatusCode::OK, "{}", db.backend);
    }
}
