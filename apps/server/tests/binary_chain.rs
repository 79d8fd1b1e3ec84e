//! The whole chain through the real `mgc serve` with its real clock and scheduler, on SQLite
//! and PostgreSQL: provision, a fixed tariff, a past day of signed minute telemetry, then the
//! service closes the hours and the day and settles it by itself.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use common::*;
use serde_json::{json, Value};
use std::path::Path;

fn chain(server: &Server, data: &Path) {
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data));
    let bearer = format!("Bearer {token}");
    let station = json!({"code": "chain", "name": "Chain", "time_zone": "UTC", "devices": [
        {"name": "chain-meter", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &bearer, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let station_id = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let tariff = json!({"name": "flat 0.80", "currency": "CNY", "valid_from": "2020-01-01",
        "import": {"kind": "fixed", "price": "0.80"}, "export": {"kind": "fixed", "price": "0.30"}});
    let (status, tariff) = call(server, "POST", "/api/v1/tariffs", &bearer, Some(&tariff));
    assert_eq!(status, 201, "{tariff}");
    let day = (Utc::now() - Duration::days(2)).date_naive();
    let assignment = json!({"tariff_id": tariff["id"], "effective_from": day.to_string()});
    let (status, body) =
        call(server, "PUT", &format!("/api/v1/stations/{station_id}/tariff"), &bearer, Some(&assignment));
    assert_eq!(status, 200, "{body}");
    let (status, integration) = call(server, "POST", "/api/v1/integrations", &bearer, Some(&json!({"name": "chain"})));
    assert_eq!(status, 201, "{integration}");

    // 4 kW from midnight to midnight of that day, one sample a minute, in two signed requests.
    let start = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
    for half in 0..2 {
        let rows: Vec<Value> = (half * 721..(half * 721 + 721).min(1441))
            .map(|m| json!({"device": "chain-meter", "ts": (start + Duration::minutes(m)).timestamp_millis(), "values": {"P": 4.0}}))
            .collect();
        let body = Value::Array(rows).to_string();
        let (status, raw) = post_telemetry(&server.addr, &integration, &body);
        assert_eq!(status, 200, "{raw}");
    }

    let stats =
        format!("/api/v1/stats?station_id={station_id}&granularity=day&from={day}T00:00:00Z&to={day}T23:59:59Z");
    let page = wait_for(server, &stats, &bearer, |b| b["items"].as_array().is_some_and(|i| !i.is_empty()));
    assert_eq!(page["items"][0]["energy"]["grid_import_wh"], 96_000, "{page}");
    assert_eq!(page["items"][0]["coverage"], 1.0, "{page}");
    let settlements = format!("/api/v1/settlements?station_id={station_id}&from={day}&to={day}");
    let list = wait_for(server, &settlements, &bearer, |b| b["items"].as_array().is_some_and(|i| !i.is_empty()));
    assert_eq!(list["items"][0]["current"]["figures"]["import_cost_minor"], 7680, "96 kWh at 0.80 CNY: {list}");
}

const FAST_SCHEDULER: [(&str, &str); 2] = [("MGC_ANALYTICS__TICK_SECS", "1"), ("MGC_ANALYTICS__GRACE_SECS", "0")];

#[test]
fn the_binary_closes_and_settles_a_past_day_by_itself_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(dir.path(), &[], &FAST_SCHEDULER);
    chain(&server, dir.path());
    assert!(server.stop().success());
}

#[tokio::test]
async fn the_binary_closes_and_settles_a_past_day_by_itself_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(dir.path(), &["--database-url", &db.url], &FAST_SCHEDULER);
    chain(&server, dir.path());
    assert!(server.stop().success());
}
