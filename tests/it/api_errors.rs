//! Client mistakes get a clear 4xx in the one JSON error shape, never a 500.

use crate::support::{assert_error, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_iam::Role;
use serde_json::json;

fn post(path: &str, auth: &str, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut r = Request::post(path).header("authorization", auth);
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    r.body(body.into()).unwrap()
}

#[tokio::test]
async fn given_bad_bodies_then_400_415_422_413_with_codes() {
    let app = TestApp::sqlite().await;
    let admin = app.bearer("acme", Role::Admin);
    let json_ct = Some("application/json");

    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, "{\"name\": ")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&b, "malformed_json");

    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, r#"{"name":"x","role":"viewer","extra":1}"#)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_body").contains("extra"));

    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, r#"{"name":"x","role":"root"}"#)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_body").contains("role"));

    // An array of the fields' values would be read as the struct by serde: refused, as the schema says.
    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, r#"["x", "viewer"]"#)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_body").contains("must be a JSON object"), "{b}");

    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, r#"{"role":"viewer"}"#)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_body").contains("name"));

    let (s, b) = app.send(post("/api/v1/api-keys", &admin, None, r#"{"name":"x","role":"viewer"}"#)).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(&b, "unsupported_media_type");

    let (s, b) =
        app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "  ", "role": "viewer"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_request").contains("name"));

    let huge = format!(r#"{{"name":"{}","role":"viewer"}}"#, "x".repeat(mgc_api::router::MAX_BODY_BYTES + 1));
    let (s, b) = app.send(post("/api/v1/api-keys", &admin, json_ct, huge)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
    assert_error(&b, "payload_too_large");
}

#[tokio::test]
async fn given_bad_paths_and_queries_then_clear_4xx() {
    let app = TestApp::sqlite().await;
    let admin = app.bearer("acme", Role::Admin);

    let (s, b) = app.call(Method::GET, "/api/v1/api-keys/not-a-uuid", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(assert_error(&b, "invalid_id").contains("not-a-uuid"));

    let (s, b) = app.call(Method::GET, &format!("/api/v1/api-keys/{}", uuid::Uuid::now_v7()), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_error(&b, "not_found");

    let (s, b) = app.call(Method::GET, "/api/v1/api-keys?limit=0", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(assert_error(&b, "invalid_query").contains("limit"));

    let (s, b) = app.call(Method::GET, "/api/v1/api-keys?limit=abc", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&b, "invalid_query");

    let (s, b) = app.call(Method::GET, "/api/v1/api-keys?cursor=garbage", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(assert_error(&b, "invalid_query").contains("cursor"));

    let (s, b) = app.call(Method::GET, "/api/v1/api-keys?colour=red", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(assert_error(&b, "invalid_query").contains("colour"));

    let (s, b) = app.call(Method::GET, "/api/v1/nothing-here", Some(&admin), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&b, "not_found");

    let (s, b) = app.call(Method::PUT, "/api/v1/api-keys", Some(&admin), None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&b, "method_not_allowed");

    let (s, b) = app.call(Method::POST, "/api/v1/events/dead-letters/bad/replay", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&b, "invalid_id");
}

#[tokio::test]
async fn given_any_response_then_request_id_is_returned_or_propagated() {
    let app = TestApp::sqlite().await;
    let resp = tower::ServiceExt::oneshot(app.router.clone(), Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(resp.headers().get("x-request-id").is_some_and(|v| !v.is_empty()));
    let req = Request::get("/api/v1/me").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(resp.headers().get("x-request-id").unwrap(), "abc-123");
}
