//! The strategy scheduler inside the real `mgc serve` (real clock, 1 s slots), on SQLite and
//! PostgreSQL: a station with a meter at 62 kW, an enabled 50 kW peak-shaving strategy, and the
//! service records an execution requesting `setBatteryPower {"power_w": 12000}` by itself.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Utc;
use common::*;
use serde_json::json;
use std::path::Path;

fn peak_shaving(server: &Server, data: &Path) {
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data));
    let bearer = format!("Bearer {token}");
    let station = json!({"code": "ps", "name": "Peak", "time_zone": "Asia/Shanghai", "devices": [
        {"name": "ps-meter", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]},
        {"name": "ps-pcs", "kind": "pcs"}, {"name": "ps-bess", "kind": "battery"}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &bearer, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let station_id = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let (status, integration) = call(server, "POST", "/api/v1/integrations", &bearer, Some(&json!({"name": "ps"})));
    assert_eq!(status, 201, "{integration}");
    let now = Utc::now().timestamp_millis();
    let body = json!([{"device": "ps-meter", "ts": now, "values": {"P": 62.0}},
        {"device": "ps-bess", "ts": now, "values": {"soc_pct": 50.0}}])
    .to_string();
    let (status, raw) = post_telemetry(&server.addr, &integration, &body);
    assert_eq!(status, 200, "{raw}");

    let strategy = json!({"station_id": station_id, "name": "peak 50 kW", "type": "peak_shaving", "enabled": true,
        "params": {"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}});
    let (status, created) = call(server, "POST", "/api/v1/strategies", &bearer, Some(&strategy));
    assert_eq!(status, 201, "{created}");
    let executions = format!("/api/v1/strategies/{}/executions", created["id"].as_str().unwrap());
    let page = wait_for(server, &executions, &bearer, |b| b["items"].as_array().is_some_and(|i| !i.is_empty()));
    let first = page["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(first["outcome"], "commands_requested", "{page}");
    assert_eq!(first["commands"][0]["method"], "setBatteryPower");
    assert_eq!(first["commands"][0]["params"], json!({"power_w": 12000}));
    let (status, metrics) = server.get("/metrics", None);
    assert_eq!(status, 200);
    assert!(metrics.contains("mgc_strategy_executions_total{outcome=\"commands_requested\"}"), "{metrics}");
}

const FAST_SLOTS: [(&str, &str); 1] = [("MGC_STRATEGY__INTERVAL_SECS", "1")];

#[test]
fn the_binary_evaluates_an_enabled_strategy_by_itself_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(dir.path(), &[], &FAST_SLOTS);
    peak_shaving(&server, dir.path());
    assert!(server.stop().success());
}

#[tokio::test]
async fn the_binary_evaluates_an_enabled_strategy_by_itself_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(dir.path(), &["--database-url", &db.url], &FAST_SLOTS);
    peak_shaving(&server, dir.path());
    assert!(server.stop().success());
}
