//! Health, readiness, metrics and the OpenAPI document through the router, on both backends.

use crate::support::{append_event, t0, TestApp};
use axum::http::{Method, StatusCode};
use mgc_tests::all_databases;

#[tokio::test]
async fn given_fresh_service_then_healthy_ready_and_metrics_expose_outbox() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        assert_eq!(app.call(Method::GET, "/healthz", None, None).await.0, StatusCode::OK);
        let (s, b) = app.call(Method::GET, "/readyz", None, None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!((b["database"].as_bool(), b["migrations"].as_bool()), (Some(true), Some(true)));

        let resp = tower::ServiceExt::oneshot(
            app.router.clone(),
            axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let text =
            String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
        for metric in [
            "mgc_outbox_lag_seconds",
            "mgc_outbox_pending",
            "mgc_outbox_dead_letters",
            "mgc_db_pool_connections",
            "mgc_http_request_duration_seconds",
        ] {
            assert!(text.contains(metric), "{}: /metrics lacks {metric}", db.backend);
        }
    }
}

#[tokio::test]
async fn given_outbox_lag_above_bound_then_not_ready_until_drained() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        append_event(&app.store, "acme", t0()).await;
        app.clock.advance(chrono::Duration::seconds(301));
        let (s, b) = app.call(Method::GET, "/readyz", None, None).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{}: {b}", db.backend);
        assert!(b["problems"][0].as_str().unwrap().contains("outbox lag"), "{b}");
        let d = mgc_eventing::Dispatcher::new(
            std::sync::Arc::new(app.store.clone()),
            app.clock.shared(),
            Default::default(),
        );
        assert_eq!(d.tick().await.unwrap().delivered, 1);
        assert_eq!(app.call(Method::GET, "/readyz", None, None).await.0, StatusCode::OK, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_openapi_then_document_lists_every_route_and_docs_page_serves() {
    let db = mgc_tests::sqlite_database().await;
    let app = TestApp::new(&db).await;
    let (s, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/api-keys",
        "/api/v1/api-keys/{id}",
        "/api/v1/audit",
        "/api/v1/events/dead-letters",
        "/api/v1/events/dead-letters/{id}/replay",
        "/api/v1/me",
        "/api/v1/charge-points",
        "/api/v1/charge-points/{id}",
        "/api/v1/charging-sessions",
        "/api/v1/charging-sessions/{id}",
        "/api/v1/charge-points/{id}/registration",
        "/api/v1/id-tags",
        "/api/v1/id-tags/{id_tag}",
        "/healthz",
        "/readyz",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let resp = tower::ServiceExt::oneshot(
        app.router.clone(),
        axum::http::Request::get("/docs").body(axum::body::Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}
