//! Every refusal is the JSON error shape with a code: oversized bodies on routes that read a
//! body and on routes that take none, and a bad command cursor.

use crate::support::{assert_error, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_iam::Role;
use mgc_tests::all_databases;

const OVERSIZED: usize = 5 * 1024 * 1024;

fn post_big(path: &str, auth: &str) -> Request<Body> {
    Request::post(path)
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; OVERSIZED]))
        .unwrap()
}

#[tokio::test]
async fn given_oversized_body_on_body_and_no_body_routes_then_413_payload_too_large_json() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let id = uuid::Uuid::now_v7();
        for path in [
            format!("/api/v1/alarms/{id}/ack"),
            format!("/api/v1/alarms/{id}/clear"),
            format!("/api/v1/commands/{id}/cancel"),
            format!("/api/v1/alarm-rules/{id}/enable"),
            format!("/api/v1/events/dead-letters/{id}/replay"),
        ] {
            let (s, b) = app.send(post_big(&path, &admin)).await;
            assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{}: {path}: {b}", db.backend);
            assert_error(&b, "payload_too_large");
        }
    }
}

#[tokio::test]
async fn given_negative_or_foreign_command_cursor_then_400_invalid_query() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        for cursor in ["-1", "0", "abc"] {
            let (s, b) = app.call(Method::GET, &format!("/api/v1/commands?cursor={cursor}"), Some(&admin), None).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{}: cursor {cursor}: {b}", db.backend);
            assert_error(&b, "invalid_query");
        }
        let (s, b) = app.call(Method::GET, "/api/v1/commands?cursor=5", Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
    }
}

#[tokio::test]
async fn given_a_bad_integration_name_or_grace_then_422_invalid_integration_and_nothing_created() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        for name in ["   ", &"n".repeat(101)] {
            let body = serde_json::json!({"name": name});
            let (s, b) = app.call(Method::POST, "/api/v1/integrations", Some(&admin), Some(body)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {b}", db.backend);
            assert!(assert_error(&b, "invalid_integration").starts_with("name"), "{b}");
        }
        let (s, created) =
            app.call(Method::POST, "/api/v1/integrations", Some(&admin), Some(serde_json::json!({"name": "tb"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let path = format!("/api/v1/integrations/{}/rotate", created["id"].as_str().unwrap());
        let (s, b) = app.call(Method::POST, &path, Some(&admin), Some(serde_json::json!({"grace_secs": -1}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_integration").starts_with("grace_secs"), "{b}");
        let (_, list) = app.call(Method::GET, "/api/v1/integrations", Some(&admin), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "only the valid one: {list}");
    }
}
