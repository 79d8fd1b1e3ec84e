//! Deadline scanner, cancel, the per-device lock and persistent RPC advanced by forwarded state
//! messages at `POST /ingest/thingsboard/rpc`.

use crate::commands_support::{env, forward_rpc, states, CommandEnv, TB_PV};
use crate::ingest_support::post_with;
use crate::support::assert_error;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::Answer;
use serde_json::{json, Value};

async fn forward(e: &CommandEnv, body: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
    forward_rpc(&e.app.router, (&e.ingest.id, &e.ingest.secret), e.app.clock.now(), body, extra).await
}

#[tokio::test]
async fn scanner_expires_unsent_and_times_out_sent_commands() {
    for db in all_databases().await {
        let e = env(&db).await;
        let never_sent = e.issue_ok("setPower", 10).await;
        e.advance(9);
        assert_eq!(e.scan().await.expired, 0, "not before the deadline");
        e.advance(1);
        assert_eq!(e.round().await.claimed, 0, "an overdue command is not sent");
        let report = e.scan().await;
        assert_eq!((report.expired, report.timed_out), (1, 0), "{}", db.backend);
        let c = e.get(&never_sent).await;
        assert_eq!(states(&c), ["pending", "expired"]);

        e.fake.script(TB_PV, [Answer::RpcId("rpc-late".into())]);
        let sent = e.issue_ok("setMode", 30).await;
        e.round().await;
        assert_eq!(e.get(&sent).await["state"], "sent");
        e.advance(30);
        assert_eq!(e.scan().await.timed_out, 1);
        let c = e.get(&sent).await;
        assert_eq!(states(&c), ["pending", "sent", "timed_out"]);
        assert_eq!(e.scan().await, Default::default(), "idempotent");
    }
}

#[tokio::test]
async fn command_of_a_dispatcher_that_died_while_sending_is_timed_out_after_the_margin() {
    use mgc_commands::CommandUnits;
    for db in all_databases().await {
        let e = env(&db).await;
        let id = e.issue_ok("setPower", 10).await;
        let now = e.app.clock.now();
        let lease = now + chrono::Duration::hours(1);
        let claimed = e.app.store.claim_due_commands("dead-dispatcher", now, lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "{}", db.backend);
        let (s, b) = e.app.call(Method::POST, &format!("/api/v1/commands/{id}/cancel"), Some(&e.operator), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "being sent: {b}");
        assert_eq!(e.round().await.claimed, 0, "leased to the other dispatcher");
        e.advance(11);
        assert_eq!(e.scan().await, Default::default(), "its dispatcher may still answer");
        e.advance(30);
        assert_eq!(e.scan().await.timed_out, 1);
        let c = e.get(&id).await;
        assert_eq!(states(&c), ["pending", "timed_out"]);
        assert!(c["reason"].as_str().unwrap().contains("outcome is unknown"), "{c}");
    }
}

#[tokio::test]
async fn pending_command_can_be_cancelled_sent_one_cannot() {
    for db in all_databases().await {
        let e = env(&db).await;
        let id = e.issue_ok("setPower", 30).await;
        let path = format!("/api/v1/commands/{id}/cancel");
        let (s, _) = e.app.call(Method::POST, &path, Some(&e.viewer), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, b) = e.app.call(Method::POST, &path, Some(&e.operator), None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!(states(&b), ["pending", "cancelled"]);
        assert!(b["reason"].as_str().unwrap().contains("user-1"));
        let (s, b) = e.app.call(Method::POST, &path, Some(&e.operator), None).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_error(&b, "command_not_cancellable");
        assert_eq!(e.round().await.claimed, 0, "a cancelled command is never sent");
        assert!(e.fake.requests_to("/api/rpc/").is_empty());

        e.fake.script(TB_PV, [Answer::RpcId("rpc-c".into())]);
        let sent = e.issue_ok("setMode", 30).await;
        e.round().await;
        let (s, b) =
            e.app.call(Method::POST, &format!("/api/v1/commands/{sent}/cancel"), Some(&e.operator), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_error(&b, "command_not_cancellable");
        let (s, _) = e
            .app
            .call(
                Method::POST,
                &format!("/api/v1/commands/{}/cancel", mgc_kernel::DeviceId::new()),
                Some(&e.operator),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn second_command_waits_for_the_first_in_flight_then_goes() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-1".into())]);
        let first = e.issue_ok("setMode", 60).await;
        let second = e.issue_ok("setPower", 60).await;
        // One round: only the older command goes.
        assert_eq!(e.round().await.claimed, 1, "{}", db.backend);
        assert_eq!(e.get(&first).await["state"], "sent");
        assert_eq!(e.get(&second).await["state"], "pending");
        // While the first is in flight, the second waits; a parallel method does not.
        let parallel = e.issue_ok("getStatus", 60).await;
        assert_eq!(e.round().await.claimed, 1);
        assert_eq!(e.get(&parallel).await["state"], "succeeded");
        assert_eq!(e.get(&second).await["state"], "pending");
        assert_eq!(e.fake.requests_to("/api/rpc/").len(), 2);
        // The first finishes; the second goes.
        let (s, b) = forward(&e, r#"{"id": "rpc-1", "status": "SUCCESSFUL", "response": {"mode": "eco"}}"#, &[]).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(e.round().await.claimed, 1);
        assert_eq!(e.get(&second).await["state"], "succeeded");
        assert_eq!(e.fake.requests_to("/api/rpc/").len(), 3);
    }
}

#[tokio::test]
async fn persistent_rpc_advances_by_forwarded_state_messages() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-42".into())]);
        let id = e.issue_ok("setMode", 120).await;
        e.round().await;
        let rpc = &e.fake.requests_to("/api/rpc/")[0];
        assert_eq!(rpc.path, format!("/api/rpc/twoway/{TB_PV}"));
        assert_eq!(rpc.body["persistent"], true);
        assert!(rpc.body["expirationTime"].is_i64());
        let c = e.get(&id).await;
        assert_eq!((c["state"].as_str(), c["rpc_id"].as_str()), (Some("sent"), Some("rpc-42")), "{}", db.backend);

        let (s, b) = forward(&e, r#"{"id": {"entityType": "RPC", "id": "rpc-42"}, "status": "DELIVERED"}"#, &[]).await;
        assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("delivered")), "{b}");
        let (s, b) = forward(&e, r#"{"id": "rpc-42", "status": "DELIVERED"}"#, &[]).await;
        assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("delivered")), "repeat is a no-op");
        let (s, b) = forward(
            &e,
            r#"{"msg": {"status": "SUCCESSFUL", "response": {"mode": "eco"}}, "metadata": {"deviceName": "pv-1"}}"#,
            &[("x-rpc-id", "rpc-42")],
        )
        .await;
        assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("succeeded")), "{b}");
        assert_eq!(b["response"], json!({"mode": "eco"}));
        let (s, b) = forward(&e, r#"{"id": "rpc-42", "status": "SENT"}"#, &[]).await;
        assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("succeeded")), "never backwards");
        let c = e.get(&id).await;
        assert_eq!(states(&c), ["pending", "sent", "delivered", "succeeded"]);

        let (s, b) = forward(&e, r#"{"id": "rpc-unknown", "status": "DELIVERED"}"#, &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_error(&b, "unknown_rpc_id");
        for bad in [r#"{"status": "DELIVERED"}"#, r#"{"id": "rpc-42", "status": "DONE"}"#, "not json", "[1]"] {
            let (s, b) = forward(&e, bad, &[]).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {b}");
            assert_error(&b, "invalid_rpc_update");
        }
        let (s, _) = post_with(&e.app, "{}", &[("x-integration-id", &e.ingest.id)], &[]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "telemetry endpoint needs credentials too");
        let unsigned = Request::post("/ingest/thingsboard/rpc")
            .header("content-type", "application/json")
            .header("x-integration-id", &e.ingest.id)
            .body(Body::from(r#"{"id": "rpc-42", "status": "FAILED"}"#))
            .unwrap();
        let (s, _) = e.app.send(unsigned).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(e.get(&id).await["state"], "succeeded");
    }
}

#[tokio::test]
async fn concurrent_dispatchers_never_claim_two_commands_of_one_device() {
    use mgc_commands::CommandUnits;
    for db in all_databases().await {
        let e = env(&db).await;
        for _ in 0..4 {
            e.issue_ok("setPower", 60).await;
        }
        let parallel = e.issue_ok("getStatus", 60).await;
        let now = e.app.clock.now();
        let lease = now + chrono::Duration::minutes(5);
        let (a, b) = tokio::join!(
            e.app.store.claim_due_commands("dispatcher-a", now, lease, 10),
            e.app.store.claim_due_commands("dispatcher-b", now, lease, 10)
        );
        let claimed: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        let ids: Vec<String> = claimed.iter().map(|c| c.id.to_string()).collect();
        assert_eq!(claimed.len(), 2, "{}: the oldest setPower and the parallel getStatus: {ids:?}", db.backend);
        assert!(ids.contains(&parallel));
        assert_eq!(claimed.iter().filter(|c| !c.options.parallel).count(), 1);
    }
}

#[tokio::test]
async fn an_older_command_waits_while_a_newer_one_of_its_device_is_being_sent() {
    use mgc_commands::CommandUnits;
    for db in all_databases().await {
        let e = env(&db).await;
        let older = e.issue_ok("setPower", 600).await;
        let newer = e.issue_ok("setPower", 600).await;
        // On PostgreSQL the older issue can commit after a dispatcher claimed the newer one:
        // the newer one is held by that dispatcher (pending under a live lease).
        let now = e.app.clock.now();
        let lease = now + chrono::Duration::minutes(5);
        let sql = "UPDATE commands SET lease_owner = 'dispatcher-a', lease_until = $1 WHERE id = $2";
        let id = uuid::Uuid::parse_str(&newer).unwrap();
        if db.url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query(sql).bind(lease).bind(id).execute(&pool).await.unwrap();
        } else {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(sql).bind(lease).bind(id).execute(&pool).await.unwrap();
        }
        let claimed = e.app.store.claim_due_commands("dispatcher-b", now, lease, 10).await.unwrap();
        assert!(claimed.is_empty(), "{}: the older one was sent beside the newer one: {claimed:?}", db.backend);
        // Once the newer one's lease ran out (its dispatcher died), the older one goes first.
        e.advance(400);
        let later = e.app.clock.now();
        let claimed = e.app.store.claim_due_commands("dispatcher-b", later, later + chrono::Duration::minutes(5), 10);
        let ids: Vec<String> = claimed.await.unwrap().iter().map(|c| c.id.to_string()).collect();
        assert_eq!(ids, [older], "{}: after the newer one's lease ran out", db.backend);
    }
}
