//! The test kit's own helpers where the kit's examples do not reach them: a command to a
//! ThingsBoard device carried out by `run_until_quiet` against the fake ThingsBoard and read
//! back typed, and station-scoped tokens, on SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use mgc_commands::CommandState;
use mgc_iam::Role;
use mgc_testkit::{assert_error, t0, StationBuilder, TestApp};
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::FakeThingsBoard;
use serde_json::json;

const TB_DEVICE: &str = "5d1c6b1e-7a52-4c0e-9d8f-0a1b2c3d4e5f";

#[tokio::test]
async fn given_a_connected_fake_thingsboard_when_run_until_quiet_then_the_command_succeeds_and_reads_back_typed() {
    for db in all_databases().await {
        let mut app = TestApp::new(&db).await;
        let fake = FakeThingsBoard::start((t0() + Duration::hours(2)).timestamp()).await;
        app.connect_thingsboard(&fake.url);
        let admin = app.bearer("acme", Role::Admin);
        let builder =
            StationBuilder::new("cmd-01", "Europe/Berlin").thingsboard_device("pv-1", "pv_inverter", TB_DEVICE);
        let station = app.provision(&admin, &builder).await;
        let operator = app.bearer("acme", Role::Operator);
        let body =
            json!({"device_id": station.device("pv-1"), "method": "setPower", "params": {"w": 5000}, "timeout_s": 30});
        let issued = app.call_expecting(Method::POST, "/api/v1/commands", &operator, body, StatusCode::CREATED).await;

        let quiet = app.run_until_quiet().await;
        assert!(quiet.command_changes >= 1, "{}: {quiet:?}", db.backend);
        let command = app.command(&operator, issued["id"].as_str().unwrap()).await;
        assert_eq!(command.state, CommandState::Succeeded, "{}: {command:?}", db.backend);
        assert_eq!(command.states(), [CommandState::Pending, CommandState::Sent, CommandState::Succeeded]);
        assert_eq!((command.method.as_str(), &command.params), ("setPower", &json!({"w": 5000})));
        assert_eq!(command.response, Some(json!({"ok": true})));
        assert_eq!(fake.requests_to(&format!("/api/rpc/twoway/{TB_DEVICE}")).len(), 1);
        let listed = app.commands(&operator, &format!("?device_id={}", station.device("pv-1"))).await;
        assert_eq!(listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [command.id.as_str()]);
        // Nothing is left: a second run does no work.
        assert_eq!(app.run_until_quiet().await.command_changes, 0);
    }
}

#[tokio::test]
async fn given_a_token_scoped_to_one_station_then_it_reads_that_station_only() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let mine = app.provision(&admin, &StationBuilder::new("a", "UTC").device("meter-a", "meter")).await;
        let other = app.provision(&admin, &StationBuilder::new("b", "UTC").device("meter-b", "meter")).await;
        let scoped = app.bearer_for_stations("acme", Role::Viewer, &[&mine.id]);

        let (from, to) = (t0(), t0() + Duration::hours(1));
        assert!(app.stats(&scoped, &mine.id, "hour", from, to).await.is_empty(), "{}", db.backend);
        let path = format!(
            "/api/v1/stats?station_id={}&granularity=hour&from={}&to={}",
            other.id, "2026-03-01T12:00:00Z", "2026-03-01T13:00:00Z"
        );
        let (status, body) = app.call(Method::GET, &path, Some(&scoped), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}: {body}", db.backend);
        assert_error(&body, "not_found");
    }
}
