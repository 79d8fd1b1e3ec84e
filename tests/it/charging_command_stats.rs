//! Command figures of the charging statistics through the real router on both backends:
//! commands to a charge point's device issued and answered through the fake ThingsBoard at
//! manual clock steps, counted with their response times; other devices and tenants not.

use crate::charging_store::booted;
use crate::commands_support::{env, forward_rpc, CommandEnv};
use crate::ingest_support::provision;
use crate::support::{assert_error, t0, tenant};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::Answer;
use serde_json::{json, Value};

/// ThingsBoard id of the charger CP1.
const TB_CP: &str = "0b6a3f7e-2c1d-4e5f-8a9b-1c2d3e4f5a6b";

async fn forward(e: &CommandEnv, body: &str) {
    let (s, b) = forward_rpc(&e.app.router, (&e.ingest.id, &e.ingest.secret), e.app.clock.now(), body, &[]).await;
    assert!(s.is_success(), "{s}: {b}");
}

async fn issue_to(e: &CommandEnv, device: &str, method: &str) -> String {
    let (s, b) = e.issue(json!({"device_id": device, "method": method, "params": {"p": 1}, "timeout_s": 30})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

/// Station `ev-1` with the charger CP1 (ThingsBoard first, then OCPP and booted, so linked to a
/// charge point) and four commands to it: setMode answered after 2 s (succeeded), setMode
/// answered after 4 s (failed), setPower answered at once (succeeded), setMode never answered
/// (timed out); and one to pv-1 (no charge point). Returns the station id.
async fn site(e: &CommandEnv) -> String {
    let body = json!({"code": "ev-1", "name": "EV hub", "time_zone": "UTC",
        "devices": [{"name": "CP1", "kind": "charger", "tb_device_id": TB_CP}]});
    let provisioned = provision(&e.app, &e.admin, body).await;
    let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let cp = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();

    for (rpc, status, wait) in [("rpc-a", "SUCCESSFUL", 2), ("rpc-b", "FAILED", 4)] {
        e.fake.script(TB_CP, [Answer::RpcId(rpc.into())]);
        issue_to(e, &cp, "setMode").await;
        assert_eq!(e.round().await.advanced, 1);
        e.advance(wait);
        forward(e, &format!(r#"{{"id": "{rpc}", "status": "{status}"}}"#)).await;
    }
    issue_to(e, &cp, "setPower").await;
    assert_eq!(e.round().await.advanced, 1, "two-way: answered in the same call");
    e.fake.script(TB_CP, [Answer::RpcId("rpc-d".into())]);
    let silent = issue_to(e, &cp, "setMode").await;
    assert_eq!(e.round().await.advanced, 1);
    e.advance(60);
    assert_eq!(e.scan().await.timed_out, 1);
    assert_eq!(e.get(&silent).await["state"], "timed_out");
    issue_to(e, &e.pv, "setPower").await;
    e.round().await;

    let patch = Some(json!({"protocol": "ocpp16"}));
    let (s, b) = e.app.call(Method::PATCH, &format!("/api/v1/devices/{cp}"), Some(&e.admin), patch).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    booted(&e.app.store, &tenant("acme"), "CP1").await;
    station
}

fn range() -> String {
    let from = (t0() - Duration::hours(1)).to_rfc3339().replace('+', "%2B");
    let to = (t0() + Duration::days(1)).to_rfc3339().replace('+', "%2B");
    format!("from={from}&to={to}")
}

async fn stats(e: &CommandEnv, prefix: &str, token: &str, query: &str) -> (StatusCode, Value) {
    e.app.call(Method::GET, &format!("{prefix}/stats/charging/commands?{query}"), Some(token), None).await
}

#[tokio::test]
async fn command_figures_count_outcomes_and_response_times_of_charge_point_commands_only() {
    for db in all_databases().await {
        let e = env(&db).await;
        let station = site(&e).await;
        let viewer = e.app.bearer("acme", Role::Viewer);
        for prefix in ["/api/v1", "/api/third/v1"] {
            let (s, b) = stats(&e, prefix, &viewer, &format!("station_id={station}&{}", range())).await;
            assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
            let total = &b["total"];
            assert_eq!(
                (&total["count"], &total["succeeded"], &total["failed"], &total["timed_out"], &total["open"]),
                (&json!(4), &json!(2), &json!(1), &json!(1), &json!(0)),
                "{}: {b}",
                db.backend
            );
            assert_eq!(total["success_permille"], 500, "2 of 4 ended");
            assert_eq!(total["answered"], 3, "the timed out one has no response time");
            // Response times 0, 2000, 4000 ms: nearest rank 2 of 3 and 3 of 3.
            assert_eq!((&total["response_p50_ms"], &total["response_p95_ms"]), (&json!(2000), &json!(4000)));
            assert_eq!(total["response_max_ms"], 4000);
            let set_mode = &b["by_method"]["setMode"];
            assert_eq!((&set_mode["count"], &set_mode["success_permille"]), (&json!(3), &json!(333)), "{b}");
            assert_eq!((&set_mode["response_p50_ms"], &set_mode["response_p95_ms"]), (&json!(2000), &json!(4000)));
            let set_power = &b["by_method"]["setPower"];
            assert_eq!((&set_power["count"], &set_power["response_max_ms"]), (&json!(1), &json!(0)), "{b}");
        }
        let query = format!("station_id={station}&{}", range());
        let platform = crate::charging_stats::viewer_key(&e.app, "acme", None).await;
        for (prefix, token) in [("/api/v1", &viewer), ("/api/third/v1", &platform)] {
            crate::charging_stats_exports::check_command_exports(&e.app, prefix, token, &station, &query).await;
        }
        let beta = crate::charging_stats::viewer_key(&e.app, "beta", None).await;
        let path = format!("/api/third/v1/stats/charging/commands/export?{query}&format=csv");
        let (s, _, body) = crate::settlement_support::download(&e.app, &beta, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "tenant B's key: {}", String::from_utf8_lossy(&body));
        let (s, all) = stats(&e, "/api/v1", &viewer, &range()).await;
        assert_eq!((s, &all["total"]["count"]), (StatusCode::OK, &json!(4)), "pv-1's command is not a charge point's");

        let other = e.app.bearer("other", Role::Viewer);
        let (s, b) = stats(&e, "/api/v1", &other, &range()).await;
        assert_eq!(
            (s, &b["total"]["count"], &b["total"]["success_permille"]),
            (StatusCode::OK, &json!(0), &Value::Null)
        );
        let (s, b) = stats(&e, "/api/v1", &other, &format!("station_id={station}&{}", range())).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");

        let to = t0().to_rfc3339().replace('+', "%2B");
        let (s, b) = stats(&e, "/api/v1", &viewer, &format!("from={to}&to={to}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_error(&b, "invalid_charging_input");
    }
}
