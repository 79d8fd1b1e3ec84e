//! A shadow run through the real `mgc serve` on SQLite and PostgreSQL: provision, a fixed
//! tariff, a past day of signed minute telemetry, a peak-shaving run queued over HTTP; the
//! server's runner replays it and the report downloads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

fn shadow(server: &Server, data: &Path) {
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "operator"], data));
    let bearer = format!("Bearer {token}");
    let admin = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data)));
    let station = json!({"code": "shadow", "name": "Shadow", "time_zone": "UTC", "devices": [
        {"name": "shadow-meter", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &admin, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let station_id = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let tariff = json!({"name": "flat 0.80", "currency": "CNY", "valid_from": "2020-01-01",
        "import": {"kind": "fixed", "price": "0.80"}, "export": {"kind": "fixed", "price": "0.30"}});
    let (status, tariff) = call(server, "POST", "/api/v1/tariffs", &admin, Some(&tariff));
    assert_eq!(status, 201, "{tariff}");
    let day = (Utc::now() - Duration::days(2)).date_naive();
    let assignment = json!({"tariff_id": tariff["id"], "effective_from": day.to_string()});
    let (status, body) =
        call(server, "PUT", &format!("/api/v1/stations/{station_id}/tariff"), &admin, Some(&assignment));
    assert_eq!(status, 200, "{body}");
    let (status, integration) = call(server, "POST", "/api/v1/integrations", &admin, Some(&json!({"name": "shadow"})));
    assert_eq!(status, 201, "{integration}");

    // 40 kW all day but 70 kW from 10:00 to 11:00, one sample a minute.
    let start = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
    for half in 0..2 {
        let rows: Vec<Value> = (half * 720..half * 720 + 720)
            .map(|m| {
                let kw = if (600..660).contains(&m) { 70.0 } else { 40.0 };
                json!({"device": "shadow-meter", "ts": (start + Duration::minutes(m)).timestamp_millis(), "values": {"P": kw}})
            })
            .collect();
        let body = Value::Array(rows).to_string();
        assert_eq!(post_telemetry(&server.addr, &integration, &body).0, 200);
    }

    // Peak shaving at 60 kW: 10 kW discharged for the hour, never recharged (40 kW is over the
    // 30 kW recharge level). Baseline 40 × 23 + 70 = 990 kWh × 0.80 = 792.00 CNY; strategy
    // 980 kWh = 784.00 CNY; savings 8.00 CNY; peak 70 kW → 60 kW; 10 kWh of 100 kWh = 0.1 cycle,
    // SOC 50 % → 40 %.
    let run = json!({"station_id": station_id, "from": day.to_string(), "to": day.to_string(),
        "strategy": {"type": "peak_shaving", "params": {"import_limit_w": 60000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 20000, "max_discharge_w": 20000}}},
        "battery": {"capacity_wh": 100000, "max_charge_w": 20000, "max_discharge_w": 20000, "efficiency": 1.0, "initial_soc": 50.0}});
    let (status, queued) = call(server, "POST", "/api/v1/shadow-runs", &bearer, Some(&run));
    assert_eq!(status, 202, "{queued}");
    let path = format!("/api/v1/shadow-runs/{}", queued["id"].as_str().unwrap());
    let started = Instant::now();
    let finished = loop {
        let (status, body) = call(server, "GET", &path, &bearer, None);
        if status == 200 && body["state"] != "queued" && body["state"] != "running" {
            break body;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "gave up waiting on {path}: {body}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(finished["state"], "succeeded", "{finished}");
    assert_eq!(finished["totals"]["savings_minor"], 800, "{finished}");
    let (status, csv) =
        http(&server.addr, "GET", &format!("{path}/report.csv"), Some(("Authorization", &bearer)), None);
    assert_eq!(status, 200, "{csv}");
    let day_row = csv.lines().find(|l| l.starts_with("day,")).unwrap();
    assert_eq!(day_row, format!("day,{day},true,CNY,990000,0,70000,792.00,980000,0,60000,784.00,8.00,10000,0,10000,0.1000,40.00,50.00,40.00,0,0"));
    let (status, pdf) =
        http(&server.addr, "GET", &format!("{path}/report.pdf"), Some(("Authorization", &bearer)), None);
    assert_eq!(status, 200);
    assert!(pdf.starts_with("%PDF"), "{}", &pdf[..20.min(pdf.len())]);
}

#[test]
fn the_binary_runs_a_queued_shadow_run_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    shadow(&server, dir.path());
    assert!(server.stop().success());
}

#[tokio::test]
async fn the_binary_runs_a_queued_shadow_run_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--database-url", &db.url]);
    shadow(&server, dir.path());
    assert!(server.stop().success());
}
