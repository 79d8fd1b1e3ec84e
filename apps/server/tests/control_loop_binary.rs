//! The whole control loop inside the real `mgc serve` (real clock, 1 s strategy slots), on SQLite
//! and PostgreSQL: signed telemetry puts a station's grid import at 62 kW, an enabled 50 kW
//! peak-shaving strategy decides by itself, its execution requests `setBatteryPower 12000` for
//! the PCS, the command reaches a fake ThingsBoard as two-way RPC and comes back `succeeded`,
//! traceable to the execution; later slots with the same inputs send nothing more.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Utc;
use common::*;
use mgc_tests::fake_thingsboard::{Answer, FakeThingsBoard, PASSWORD, USERNAME};
use serde_json::{json, Value};
use std::path::Path;

const PCS_TB: &str = "7f3a9c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b";

fn start(dir: &Path, fake: &FakeThingsBoard, extra: &[&str]) -> Server {
    let envs = [
        ("MGC_THINGSBOARD__URL", fake.url.as_str()),
        ("MGC_THINGSBOARD__USERNAME", USERNAME),
        ("MGC_THINGSBOARD__PASSWORD", PASSWORD),
        ("MGC_STRATEGY__INTERVAL_SECS", "1"),
    ];
    Server::start_with_env(dir, extra, &envs)
}

fn post_telemetry(server: &Server, integration: &Value, body: &Value) {
    let (status, raw) = common::post_telemetry(&server.addr, integration, &body.to_string());
    assert_eq!(status, 200, "{raw}");
}

fn control_loop(server: &Server, fake: &FakeThingsBoard, data: &Path) {
    let bearer = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data)));
    let station = json!({"code": "loop", "name": "Loop", "time_zone": "Europe/Berlin", "devices": [
        {"name": "loop-meter", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]},
        {"name": "loop-pcs", "kind": "pcs", "tb_device_id": PCS_TB},
        {"name": "loop-bess", "kind": "battery"}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &bearer, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let station_id = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let pcs = provisioned["devices"].as_array().unwrap().iter().find(|d| d["kind"] == "pcs").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, integration) = call(server, "POST", "/api/v1/integrations", &bearer, Some(&json!({"name": "loop"})));
    assert_eq!(status, 201, "{integration}");
    let now = Utc::now().timestamp_millis();
    post_telemetry(
        server,
        &integration,
        &json!([{"device": "loop-meter", "ts": now, "values": {"P": 62.0}},
            {"device": "loop-bess", "ts": now, "values": {"soc_pct": 50.0}}]),
    );
    fake.script(PCS_TB, [Answer::Json(json!({"accepted": true, "power_w": 12000}))]);

    let strategy = json!({"station_id": station_id, "name": "peak 50 kW", "type": "peak_shaving", "enabled": true,
        "params": {"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}});
    let (status, created) = call(server, "POST", "/api/v1/strategies", &bearer, Some(&strategy));
    assert_eq!(status, 201, "{created}");
    let strategy_id = created["id"].as_str().unwrap().to_owned();
    let executions = format!("/api/v1/strategies/{strategy_id}/executions");
    let page = wait_for(server, &executions, &bearer, |b| {
        b["items"].as_array().is_some_and(|i| i.iter().any(|e| e["outcome"] == "commands_requested"))
    });
    let decided =
        page["items"].as_array().unwrap().iter().find(|e| e["outcome"] == "commands_requested").unwrap().clone();

    // The requested command reaches ThingsBoard and comes back with the device's reply.
    let commands = format!("/api/v1/commands?device_id={pcs}");
    let listed = wait_for(server, &commands, &bearer, |b| {
        b["items"].as_array().is_some_and(|i| i.iter().any(|c| c["state"] == "succeeded"))
    });
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one command for one decision: {listed}");
    let command = &items[0];
    assert_eq!((command["method"].as_str(), &command["params"]), (Some("setBatteryPower"), &json!({"power_w": 12000})));
    assert_eq!(command["response"], json!({"accepted": true, "power_w": 12000}), "{command}");
    assert_eq!(command["origin"]["kind"], "strategy", "{command}");
    assert_eq!(command["origin"]["strategy_id"].as_str(), Some(strategy_id.as_str()));
    assert_eq!(command["origin"]["execution_id"], decided["id"], "traceable to the execution: {command}");
    let rpcs = fake.requests_to("/api/rpc/");
    assert_eq!(rpcs.len(), 1, "{rpcs:?}");
    assert_eq!(rpcs[0].path, format!("/api/rpc/twoway/{PCS_TB}"));
    assert_eq!(
        (rpcs[0].body["method"].as_str(), &rpcs[0].body["params"]),
        (Some("setBatteryPower"), &json!({"power_w": 12000}))
    );

    // Two more slots with the same inputs: executions say so, and nothing more is sent.
    let later = wait_for(server, &executions, &bearer, |b| {
        b["items"].as_array().is_some_and(|i| i.iter().filter(|e| e["outcome"] == "no_change").count() >= 2)
    });
    assert_eq!(
        later["items"].as_array().unwrap().iter().filter(|e| e["outcome"] == "commands_requested").count(),
        1,
        "{later}"
    );
    assert_eq!(fake.requests_to("/api/rpc/").len(), 1);
    let (_, again) = call(server, "GET", &commands, &bearer, None);
    assert_eq!(again["items"].as_array().map(Vec::len), Some(1), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strategy_drives_a_real_command_to_thingsboard_on_sqlite() {
    let fake = FakeThingsBoard::start(Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &[]);
    control_loop(&server, &fake, dir.path());
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strategy_drives_a_real_command_to_thingsboard_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let fake = FakeThingsBoard::start(Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &["--database-url", &db.url]);
    control_loop(&server, &fake, dir.path());
    assert!(server.stop().success());
}
