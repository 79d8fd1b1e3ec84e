//! Persistent-RPC state messages that overtake the dispatcher storing their RPC id: kept
//! (202 `accepted_pending`) and applied when the id is stored; never-stored ids purged after
//! the TTL; the buffer bounded per tenant; on SQLite and PostgreSQL.

use crate::commands_support::{env, env_with, forward_rpc, states, test_settings, CommandEnv, TB_PV};
use crate::ingest_support::{integration, pending_of};
use crate::support::{assert_error, tenant};
use async_trait::async_trait;
use axum::http::StatusCode;
use axum::Router;
use mgc_commands::{
    AdapterOutcome, AdapterRegistry, CommandSettings, CommandUnits, DeviceAdapter, EarlyRpcUpdates, RpcRequest,
};
use mgc_iam::Role;
use mgc_kernel::{Clock, SharedClock};
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::Answer;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The real ThingsBoard client, but ThingsBoard's rule chain forwards `messages` to us after
/// it accepted the RPC and before the dispatcher could store the RPC id.
struct OvertakingAdapter {
    inner: Arc<dyn DeviceAdapter>,
    router: Router,
    integration: (String, String),
    clock: SharedClock,
    messages: Vec<String>,
    answers: Mutex<Vec<(StatusCode, Value)>>,
}

#[async_trait]
impl DeviceAdapter for OvertakingAdapter {
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome {
        let outcome = self.inner.send(request).await;
        for m in &self.messages {
            let (id, secret) = (&self.integration.0, &self.integration.1);
            let answer = forward_rpc(&self.router, (id, secret), self.clock.now(), m, &[]).await;
            self.answers.lock().unwrap().push(answer);
        }
        outcome
    }
}

fn overtaking(e: &CommandEnv, messages: &[&str]) -> Arc<OvertakingAdapter> {
    Arc::new(OvertakingAdapter {
        inner: e.adapters.get("thingsboard").unwrap().clone(),
        router: e.app.router.clone(),
        integration: (e.ingest.id.clone(), e.ingest.secret.clone()),
        clock: e.app.clock.shared(),
        messages: messages.iter().map(|m| (*m).to_owned()).collect(),
        answers: Mutex::new(Vec::new()),
    })
}

async fn forward(e: &CommandEnv, body: &str) -> (StatusCode, Value) {
    forward_rpc(&e.app.router, (&e.ingest.id, &e.ingest.secret), e.app.clock.now(), body, &[]).await
}

#[tokio::test]
async fn state_messages_that_overtake_the_stored_rpc_id_are_applied_when_it_is_stored() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-77".into())]);
        let id = e.issue_ok("setMode", 120).await;
        let next = e.issue_ok("setPower", 120).await;
        let adapter = overtaking(
            &e,
            &[
                r#"{"id": "rpc-77", "status": "SUCCESSFUL", "response": {"mode": "eco"}}"#,
                r#"{"id": "rpc-77", "status": "QUEUED"}"#,
                r#"{"id": "rpc-77", "status": "DELIVERED"}"#,
                // The repeated message is a fresh request (an identical signature is a replay).
                r#"{"id": "rpc-77", "status": "SUCCESSFUL", "response": {"mode": "eco"}} "#,
            ],
        );
        let registry = AdapterRegistry::new().with("thingsboard", adapter.clone());
        let report = e.round_with(&registry).await;
        assert_eq!((report.claimed, report.advanced), (1, 1), "{}: setPower waits for the device lock", db.backend);

        let answers = adapter.answers.lock().unwrap().clone();
        assert_eq!(answers.len(), 4);
        for (s, b) in &answers {
            assert_eq!(*s, StatusCode::ACCEPTED, "{}: {b}", db.backend);
            assert_eq!((b["code"].as_str(), b["rpc_id"].as_str()), (Some("accepted_pending"), Some("rpc-77")), "{b}");
        }
        let c = e.get(&id).await;
        assert_eq!((c["state"].as_str(), c["rpc_id"].as_str()), (Some("succeeded"), Some("rpc-77")), "{}", db.backend);
        assert_eq!(c["response"], json!({"mode": "eco"}));
        assert_eq!(states(&c), ["pending", "sent", "delivered", "succeeded"]);
        assert_eq!(pending_of(&e.app, "commands.command_state_changed").await, 3, "one event per transition");

        // The device lock is free at once: the next command goes in the next round.
        assert_eq!(e.round().await.claimed, 1);
        assert_eq!(e.get(&next).await["state"], "succeeded");
        // Nothing stays buffered, and later messages find the command (never backwards).
        let (s, b) = forward(&e, r#"{"id": "rpc-77", "status": "SENT"}"#).await;
        assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("succeeded")), "{b}");
        let later = e.app.clock.now() + chrono::Duration::days(1);
        assert_eq!(mgc_commands::purge_early_updates(&e.app.store, &e.settings, later).await.unwrap(), 0);

        // Another tenant's integration neither reaches the command nor gets a message buffered.
        let globex = integration(&e.app, &e.app.bearer("globex", Role::Admin), false).await;
        let body = r#"{"id": "rpc-77", "status": "FAILED"}"#;
        let (s, b) = forward_rpc(&e.app.router, (&globex.id, &globex.secret), e.app.clock.now(), body, &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        assert_error(&b, "unknown_rpc_id");
        assert_eq!(e.get(&id).await["state"], "succeeded");
    }
}

#[tokio::test]
async fn an_overtaking_timeout_ends_the_command_and_frees_the_device() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-8".into())]);
        let id = e.issue_ok("setMode", 120).await;
        let adapter = overtaking(&e, &[r#"{"id": "rpc-8", "status": "TIMEOUT"}"#]);
        e.round_with(&AdapterRegistry::new().with("thingsboard", adapter)).await;
        let c = e.get(&id).await;
        assert_eq!(states(&c), ["pending", "sent", "timed_out"], "{}", db.backend);
        assert!(c["reason"].as_str().unwrap().contains("TIMEOUT"), "{c}");
        e.advance(121);
        assert_eq!(e.scan().await, Default::default(), "nothing left for the deadline scanner");
    }
}

#[tokio::test]
async fn state_messages_of_an_rpc_id_that_never_appears_are_bounded_and_purged() {
    for db in all_databases().await {
        let settings = CommandSettings { early_rpc_max_per_tenant: 2, ..test_settings() };
        let e = env_with(&db, settings).await;
        let acme = tenant("acme");
        // Nothing persistent is being sent: an unknown id is refused, not kept.
        let (s, b) = forward(&e, r#"{"id": "rpc-ghost", "status": "DELIVERED"}"#).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        assert_error(&b, "unknown_rpc_id");

        // A dispatcher is sending a persistent command (claimed, outcome not recorded yet).
        e.issue_ok("setMode", 3600).await;
        let now = e.app.clock.now();
        let claimed = e.app.store.claim_due_commands("dispatcher-x", now, now + chrono::Duration::hours(4), 10).await;
        assert_eq!(claimed.unwrap().len(), 1);
        for body in [
            // Repeated messages are fresh requests (an identical signature is a replay).
            r#"{"id": "rpc-ghost", "status": "DELIVERED"} "#,
            r#"{"id": "rpc-ghost", "status": "DELIVERED"}  "#,
            r#"{"id": "rpc-ghost-2", "status": "SENT"}"#,
        ] {
            let (s, b) = forward(&e, body).await;
            assert_eq!(
                (s, b["code"].as_str()),
                (StatusCode::ACCEPTED, Some("accepted_pending")),
                "{}: {b}",
                db.backend
            );
        }
        let (s, b) = forward(&e, r#"{"id": "rpc-ghost-3", "status": "SENT"}"#).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{}: {b}", db.backend);
        assert_error(&b, "rpc_update_buffer_full");

        let purge = |secs: i64| {
            let at = e.app.clock.now() + chrono::Duration::seconds(secs);
            mgc_commands::purge_early_updates(&e.app.store, &e.settings, at)
        };
        assert_eq!(purge(3599).await.unwrap(), 0, "kept for the TTL");
        assert_eq!(purge(3601).await.unwrap(), 2, "{}: the repeat was kept once", db.backend);
        assert_eq!(purge(3601).await.unwrap(), 0);

        // Expired messages of the tenant also make room when a new one arrives.
        // The repeated rpc-ghost-3 message is a fresh request (an identical signature is a replay).
        for body in [r#"{"id": "rpc-ghost-3", "status": "SENT"} "#, r#"{"id": "rpc-ghost-4", "status": "SENT"}"#] {
            assert_eq!(forward(&e, body).await.0, StatusCode::ACCEPTED);
        }
        e.advance(3601);
        let (s, b) = forward(&e, r#"{"id": "rpc-ghost-5", "status": "QUEUED"}"#).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{}: {b}", db.backend);
        let mut tx = e.app.store.begin().await.unwrap();
        assert!(tx.take_early_updates(&acme, "rpc-ghost-3").await.unwrap().is_empty(), "purged on insert");
        let kept = tx.take_early_updates(&acme, "rpc-ghost-5").await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].status, mgc_commands::RemoteRpcState::Queued);
        assert_eq!(kept[0].received_at, e.app.clock.now());
    }
}
