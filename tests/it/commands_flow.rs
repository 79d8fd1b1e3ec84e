//! Commands through the router: issue → dispatch → fake ThingsBoard → final state, idempotency,
//! validation, tenancy and the strategy consumer, on SQLite and PostgreSQL.

use crate::commands_support::{env, states, CommandEnv, TB_PV};
use crate::ingest_support::pending_of;
use crate::support::{assert_error, tenant};
use axum::http::{Method, StatusCode};
use mgc_contracts::{CommandRequested, EventEnvelope};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_iam::Role;
use mgc_kernel::{Clock, DeviceId, StationId};
use mgc_tests::all_databases;
use serde_json::{json, Value};

#[tokio::test]
async fn issued_command_reaches_thingsboard_and_comes_back_succeeded() {
    for db in all_databases().await {
        let e = env(&db).await;
        let (s, b) =
            e.issue(json!({"device_id": e.pv, "method": "setPower", "params": {"w": 5000}, "timeout_s": 30})).await;
        assert_eq!(s, StatusCode::CREATED, "{}: {b}", db.backend);
        assert_eq!(b["state"], "pending");
        assert_eq!(states(&b), ["pending"]);
        assert_eq!(b["origin"], json!({"kind": "api", "subject": "user-1"}));
        let id = b["id"].as_str().unwrap().to_owned();

        let report = e.round().await;
        assert_eq!((report.claimed, report.advanced), (1, 1), "{}", db.backend);
        let rpcs = e.fake.requests_to("/api/rpc/");
        assert_eq!(rpcs.len(), 1);
        assert_eq!(rpcs[0].path, format!("/api/rpc/twoway/{TB_PV}"));
        assert_eq!(rpcs[0].body, json!({"method": "setPower", "params": {"w": 5000}, "timeout": 30000}));
        let login = &e.fake.requests_to("/api/auth/login")[0];
        assert_eq!(login.body["username"], mgc_tests::fake_thingsboard::USERNAME);
        let auth = rpcs[0].headers["x-authorization"].clone();
        assert!(auth.starts_with("Bearer ") && auth.len() > 20, "{auth}");

        let c = e.get(&id).await;
        assert_eq!(c["state"], "succeeded", "{}: {c}", db.backend);
        assert_eq!(c["response"], json!({"ok": true}));
        assert_eq!(states(&c), ["pending", "sent", "succeeded"]);
        assert!(c["transitions"].as_array().unwrap().iter().all(|t| t["at"].is_string() && t["reason"].is_string()));
        assert_eq!(pending_of(&e.app, "commands.command_issued").await, 1);
        assert_eq!(pending_of(&e.app, "commands.command_state_changed").await, 2);

        // Nothing left to send.
        assert_eq!(e.round().await.claimed, 0);
        let (s, list) = e
            .app
            .call(Method::GET, &format!("/api/v1/commands?device_id={}&state=succeeded", e.pv), Some(&e.viewer), None)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        // The method filter is exact: another method lists nothing, an empty one is refused.
        for (method, n) in [("setPower", 1), ("setpower", 0), ("Reset", 0)] {
            let (s, list) =
                e.app.call(Method::GET, &format!("/api/v1/commands?method={method}"), Some(&e.viewer), None).await;
            assert_eq!((s, list["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(n)), "{method}: {list}");
        }
        let (s, b) = e.app.call(Method::GET, "/api/v1/commands?method=", Some(&e.viewer), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        assert!(assert_error(&b, "invalid_query").contains("method"), "{b}");
    }
}

#[tokio::test]
async fn short_timeout_is_raised_to_thingsboard_minimum() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.issue_ok("setPower", 2).await;
        e.round().await;
        assert_eq!(e.fake.requests_to("/api/rpc/")[0].body["timeout"], 5000, "{}", db.backend);
    }
}

#[tokio::test]
async fn same_idempotency_key_returns_existing_within_24h_and_conflicts_on_other_body() {
    for db in all_databases().await {
        let e = env(&db).await;
        let body = json!({"device_id": e.pv, "method": "setPower", "params": {"w": 1}, "timeout_s": 30, "idempotency_key": "k-1"});
        let (s1, b1) = e.issue(body.clone()).await;
        assert_eq!(s1, StatusCode::CREATED, "{b1}");
        e.advance(3600);
        let (s2, b2) = e.issue(body.clone()).await;
        assert_eq!(s2, StatusCode::OK, "{}: {b2}", db.backend);
        assert_eq!(b1["id"], b2["id"]);
        let mut other = body.clone();
        other["params"] = json!({"w": 2});
        let (s3, b3) = e.issue(other).await;
        assert_eq!(s3, StatusCode::CONFLICT);
        assert_error(&b3, "idempotency_key_reused");
        // The header works like the body field.
        let (s4, b4) = e
            .app
            .send(
                axum::http::Request::post("/api/v1/commands")
                    .header("authorization", e.app.bearer("acme", Role::Operator))
                    .header("content-type", "application/json")
                    .header("idempotency-key", "k-1")
                    .body(axum::body::Body::from(
                        json!({"device_id": e.pv, "method": "setPower", "params": {"w": 1}, "timeout_s": 30})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!((s4, &b4["id"]), (StatusCode::OK, &b1["id"]));
        // A header that is not ASCII, or that contradicts the body, is refused rather than ignored.
        for (header, field) in [(&b"k\xff"[..], "Idempotency-Key header"), (&b"k-2"[..], "differ")] {
            let (s, b) = e
                .app
                .send(
                    axum::http::Request::post("/api/v1/commands")
                        .header("authorization", e.app.bearer("acme", Role::Operator))
                        .header("content-type", "application/json")
                        .header("idempotency-key", axum::http::HeaderValue::from_bytes(header).unwrap())
                        .body(axum::body::Body::from(body.to_string()))
                        .unwrap(),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert!(assert_error(&b, "invalid_command").contains(field), "{b}");
        }
        // After 24 h the key is free again.
        e.advance(24 * 3600);
        let (s5, b5) = e.issue(body).await;
        assert_eq!(s5, StatusCode::CREATED, "{b5}");
        assert_ne!(b5["id"], b1["id"]);
        let viewer = e.app.bearer("acme", Role::Viewer);
        let (_, list) = e.app.call(Method::GET, "/api/v1/commands", Some(&viewer), None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2, "{}", db.backend);
    }
}

#[tokio::test]
async fn bad_commands_are_refused_with_codes() {
    for db in all_databases().await {
        let e = env(&db).await;
        let cases = [
            (json!({"device_id": DeviceId::new(), "method": "m"}), StatusCode::UNPROCESSABLE_ENTITY, "unknown_device"),
            (json!({"device_id": "nope", "method": "m"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_command"),
            (json!({"device_id": e.meter, "method": "m"}), StatusCode::UNPROCESSABLE_ENTITY, "device_not_controllable"),
            (json!({"device_id": e.pv, "method": ""}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_command"),
            (
                json!({"device_id": e.pv, "method": "x".repeat(101)}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_command",
            ),
            (
                json!({"device_id": e.pv, "method": "m", "params": [1]}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_command",
            ),
            (
                json!({"device_id": e.pv, "method": "m", "timeout_s": 0}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_command",
            ),
            (
                json!({"device_id": e.pv, "method": "m", "timeout_s": 3601}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_command",
            ),
            (json!({"device_id": e.pv, "method": "m", "colour": 1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            // NUL cannot be stored by PostgreSQL (text or jsonb): refused before it gets there.
            (
                json!({"device_id": e.pv, "method": "m", "params": {"mode": "a\u{0}b"}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_value",
            ),
            (json!({"device_id": e.pv, "method": "m\u{0}"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
            (json!({"device_id": e.pv, "method": "m\u{7}x"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_command"),
            (
                json!({"device_id": e.pv, "method": "m", "idempotency_key": "k\u{7}"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_command",
            ),
        ];
        for (body, status, code) in cases {
            let (s, b) = e.issue(body.clone()).await;
            assert_eq!(s, status, "{}: {body} → {b}", db.backend);
            let message = assert_error(&b, code);
            assert!(!message.contains("internal"), "{message}");
        }
        let (s, b) = e
            .app
            .call(Method::POST, "/api/v1/commands", Some(&e.viewer), Some(json!({"device_id": e.pv, "method": "m"})))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, b) = e.app.call(Method::GET, "/api/v1/commands?state=done", Some(&e.viewer), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        let (s, _) = e.app.call(Method::GET, "/api/v1/commands/not-a-uuid", Some(&e.viewer), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // Nothing was stored by the refusals.
        let (_, list) = e.app.call(Method::GET, "/api/v1/commands", Some(&e.viewer), None).await;
        assert!(list["items"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn tenant_b_cannot_see_or_cancel_or_target_tenant_a_commands() {
    for db in all_databases().await {
        let e = env(&db).await;
        let id = e.issue_ok("setPower", 30).await;
        let other = e.app.bearer("globex", Role::Operator);
        let (s, b) = e.app.call(Method::GET, &format!("/api/v1/commands/{id}"), Some(&other), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        let (s, _) = e.app.call(Method::POST, &format!("/api/v1/commands/{id}/cancel"), Some(&other), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = e.app.call(Method::GET, "/api/v1/commands", Some(&other), None).await;
        assert!(list["items"].as_array().unwrap().is_empty());
        let (s, b) = e
            .app
            .call(Method::POST, "/api/v1/commands", Some(&other), Some(json!({"device_id": e.pv, "method": "m"})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_error(&b, "unknown_device");
        // A station-scoped operator of tenant A does not see other stations' commands either.
        let claims = mgc_iam::Claims {
            sub: "scoped".into(),
            tenant_id: Some("acme".into()),
            role: "operator".into(),
            station_ids: Some(vec![StationId::new().to_string()]),
            exp: Some((e.app.clock.now() + chrono::Duration::hours(1)).timestamp()),
            iat: None,
            nbf: None,
        };
        let scoped = e.app.bearer_with(&claims);
        let (s, _) = e.app.call(Method::GET, &format!("/api/v1/commands/{id}"), Some(&scoped), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // ... nor can it command a device of a station outside its scope.
        let (s, b) = e
            .app
            .call(Method::POST, "/api/v1/commands", Some(&scoped), Some(json!({"device_id": e.pv, "method": "m"})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {b}", db.backend);
        assert_error(&b, "unknown_device");
        assert_eq!(e.get(&id).await["state"], "pending", "untouched");
    }
}

/// What a strategy execution would request for the PV inverter of `e`.
async fn strategy_request(e: &CommandEnv, method: &str, params: Value, timeout_s: u32) -> CommandRequested {
    let execution = mgc_kernel::uuid::Uuid::now_v7();
    let (_, device) = e.app.call(Method::GET, &format!("/api/v1/devices/{}", e.pv), Some(&e.admin), None).await;
    CommandRequested {
        strategy_id: mgc_kernel::uuid::Uuid::now_v7(),
        strategy_version: 1,
        execution_id: execution,
        station_id: device["station_id"].as_str().unwrap().parse().unwrap(),
        device_id: e.pv.parse().unwrap(),
        method: method.into(),
        params,
        timeout_s,
        idempotency_key: format!("{execution}:{}", e.pv),
    }
}

#[tokio::test]
async fn command_requested_by_a_strategy_becomes_exactly_one_command() {
    for db in all_databases().await {
        let e = env(&db).await;
        let mut requested = strategy_request(&e, "setPower", json!({"w": -2000}), 60).await;
        requested.strategy_version = 3;
        // The same decision delivered twice (two envelopes, as a replayed strategy round would).
        for _ in 0..2 {
            let mut tx = e.app.store.begin().await.unwrap();
            tx.append(EventEnvelope::wrap(&tenant("acme"), &requested, e.app.clock.now()).unwrap()).await.unwrap();
            tx.commit().await.unwrap();
            e.app.pump().await;
        }
        let (_, list) = e.app.call(Method::GET, "/api/v1/commands", Some(&e.viewer), None).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}: {list}", db.backend);
        assert_eq!(items[0]["origin"]["kind"], "strategy");
        assert_eq!(items[0]["origin"]["strategy_version"], 3);
        assert_eq!(items[0]["params"], json!({"w": -2000}));
        e.round().await;
        assert_eq!(e.get(items[0]["id"].as_str().unwrap()).await["state"], "succeeded");
    }
}

#[tokio::test]
async fn a_strategy_decision_older_than_its_timeout_is_recorded_expired_and_never_sent() {
    for db in all_databases().await {
        let e = env(&db).await;
        let requested = strategy_request(&e, "setBatteryPower", json!({"power_w": 5000}), 30).await;
        // Decided now, delivered 31 s later (a backlog): the decision is stale.
        let mut tx = e.app.store.begin().await.unwrap();
        tx.append(EventEnvelope::wrap(&tenant("acme"), &requested, e.app.clock.now()).unwrap()).await.unwrap();
        tx.commit().await.unwrap();
        e.app.clock.advance(chrono::Duration::seconds(31));
        e.app.pump().await;
        let (_, list) = e.app.call(Method::GET, "/api/v1/commands", Some(&e.viewer), None).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}: {list}", db.backend);
        let command = e.get(items[0]["id"].as_str().unwrap()).await;
        assert_eq!(command["state"], "expired", "{}: {command}", db.backend);
        assert!(command["reason"].as_str().unwrap().contains("older than its 30 s timeout"), "{command}");
        e.round().await;
        assert!(e.fake.requests_to("/api/rpc/").is_empty(), "a stale decision reached ThingsBoard");
    }
}

#[tokio::test]
async fn openapi_documents_the_command_routes() {
    let db = mgc_tests::sqlite_database().await;
    let app = crate::support::TestApp::new(&db).await;
    let (s, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    for (path, method) in [
        ("/api/v1/commands", "post"),
        ("/api/v1/commands", "get"),
        ("/api/v1/commands/{id}", "get"),
        ("/api/v1/commands/{id}/cancel", "post"),
        ("/ingest/thingsboard/rpc", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "OpenAPI lacks {method} {path}");
    }
    assert!(doc["components"]["schemas"]["IssueBody"]["properties"]["idempotency_key"].is_object());
}
