//! A token of tenant A can neither read nor change tenant B's resources.

use crate::support::{append_event, TestApp};
use axum::http::{Method, StatusCode};
use mgc_eventing::{Backoff, Dispatcher, DispatcherConfig, EventHandler, HandlerError};
use mgc_iam::Role;
use mgc_store::StoreTx;
use mgc_tests::all_databases;
use serde_json::json;
use std::sync::Arc;

struct Failing;

#[async_trait::async_trait]
impl EventHandler<StoreTx> for Failing {
    fn consumer(&self) -> &'static str {
        "failing"
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    async fn handle(&self, _tx: &mut StoreTx, _event: &mgc_contracts::EventEnvelope) -> Result<(), HandlerError> {
        Err(HandlerError::new("always"))
    }
}

#[tokio::test]
async fn given_resources_of_tenant_a_then_tenant_b_gets_404_and_sees_nothing() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let a = app.bearer("tenant-a", Role::Admin);
        let b = app.bearer("tenant-b", Role::Admin);
        let (s, created) = app
            .call(Method::POST, "/api/v1/api-keys", Some(&a), Some(json!({"name": "a-key", "role": "viewer"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {created}", db.backend);
        let id = created["id"].as_str().unwrap();
        let path = format!("/api/v1/api-keys/{id}");

        let (s, body) = app.call(Method::GET, &path, Some(&b), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: B read A's key: {body}", db.backend);
        let (s, _) = app.call(Method::DELETE, &path, Some(&b), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: B revoked A's key", db.backend);
        let (_, still) = app.call(Method::GET, &path, Some(&a), None).await;
        assert!(still["revoked_at"].is_null(), "{}: A's key was changed by B", db.backend);

        let (_, list) = app.call(Method::GET, "/api/v1/api-keys", Some(&b), None).await;
        assert_eq!(list["items"], json!([]), "{}", db.backend);
        let (_, audit_b) = app.call(Method::GET, "/api/v1/audit", Some(&b), None).await;
        // B's audit log holds only B's own (failed) attempt, never A's actions.
        let b_items = audit_b["items"].as_array().unwrap();
        assert_eq!(b_items.len(), 1, "{}: {audit_b}", db.backend);
        assert_eq!(b_items[0]["action"], "DELETE /api/v1/api-keys/{id}");
        assert_eq!(b_items[0]["status"], 404);
        let (_, audit_a) = app.call(Method::GET, "/api/v1/audit", Some(&a), None).await;
        assert_eq!(audit_a["items"].as_array().unwrap().len(), 1, "{}: {audit_a}", db.backend);
        assert_eq!(audit_a["items"][0]["action"], "POST /api/v1/api-keys");

        // Dead letters: A's is invisible to B and cannot be replayed by B.
        let store = app.store.clone();
        append_event(&store, "tenant-a", crate::support::t0()).await;
        let config = DispatcherConfig { max_attempts: 1, backoff: Backoff::default(), ..DispatcherConfig::default() };
        let mut d = Dispatcher::new(Arc::new(store.clone()), app.clock.shared(), config);
        d.register(Arc::new(Failing));
        assert_eq!(d.tick().await.unwrap().dead_lettered, 1, "{}", db.backend);
        let (_, dl_a) = app.call(Method::GET, "/api/v1/events/dead-letters", Some(&a), None).await;
        let dl_id = dl_a["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, dl_b) = app.call(Method::GET, "/api/v1/events/dead-letters", Some(&b), None).await;
        assert_eq!(dl_b["items"], json!([]), "{}", db.backend);
        let (s, _) =
            app.call(Method::POST, &format!("/api/v1/events/dead-letters/{dl_id}/replay"), Some(&b), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: B replayed A's dead letter", db.backend);
    }
}
