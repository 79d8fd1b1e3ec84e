//! Helpers of the strategy tests: a station with a meter, a PCS, a battery and a PV inverter,
//! signed telemetry into the latest values, strategy bodies, one scheduler round, and the
//! `CommandRequested` events waiting in the outbox.

use crate::ingest_support::{device_id, integration, post_signed, provision, Ingest};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_contracts::{CommandRequested, IntegrationEvent};
use mgc_eventing::OutboxStore;
use mgc_kernel::Clock;
use mgc_strategy::{RoundReport, SchedulerConfig};
use serde_json::{json, Value};

/// A provisioned station: admin token, ingest integration, ids of the station and its devices.
pub struct Site {
    pub admin: String,
    pub ingest: Ingest,
    pub station: String,
    pub meter: String,
    pub pcs: String,
    pub battery: String,
    pub pv: String,
}

/// Provisions tenant `acme`'s station `code` in `zone` with meter-1 (P in kW), pcs-1, bess-1, pv-1.
pub async fn site(app: &TestApp, code: &str, zone: &str) -> Site {
    let admin = app.bearer("acme", mgc_iam::Role::Admin);
    let body = json!({
        "code": code, "name": format!("Station {code}"), "time_zone": zone,
        "devices": [
            {"name": format!("{code}-meter"), "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000, "unit": "kW"}]},
            {"name": format!("{code}-pcs"), "kind": "pcs"},
            {"name": format!("{code}-bess"), "kind": "battery"},
            {"name": format!("{code}-pv"), "kind": "pv_inverter"}
        ]
    });
    let station = provision(app, &admin, body).await["station"]["id"].as_str().unwrap().to_owned();
    let ingest = integration(app, &admin, false).await;
    Site {
        meter: device_id(app, &admin, &format!("{code}-meter")).await,
        pcs: device_id(app, &admin, &format!("{code}-pcs")).await,
        battery: device_id(app, &admin, &format!("{code}-bess")).await,
        pv: device_id(app, &admin, &format!("{code}-pv")).await,
        admin,
        ingest,
        station,
    }
}

/// Posts grid power (kW at the meter), SOC and battery power measured 10 s before the app clock.
pub async fn telemetry(app: &TestApp, s: &Site, code: &str, grid_kw: f64, soc: f64) {
    let ts = app.clock.now().timestamp_millis() - 10_000;
    let body = json!([
        {"device": format!("{code}-meter"), "ts": ts, "values": {"P": grid_kw}},
        {"device": format!("{code}-bess"), "ts": ts, "values": {"soc_pct": soc}},
        {"device": format!("{code}-pcs"), "ts": ts, "values": {"battery_power_w": 0}}
    ])
    .to_string();
    let (status, b) = post_signed(app, &s.ingest, &body, &[]).await;
    assert_eq!(status, StatusCode::OK, "{b}");
}

/// A peak-shaving body: limit 50 kW, recharge under 30 kW, battery 10-95 %, 20/25 kW.
pub fn peak_body(station: &str, enabled: bool) -> Value {
    json!({
        "station_id": station, "name": "Peak shaving 50 kW", "type": "peak_shaving", "enabled": enabled,
        "params": {"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}
    })
}

/// Creates a strategy; returns its body.
pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    app.create_strategy(token, body).await
}

/// One scheduler round at the app clock (what `mgc serve` runs every few seconds).
pub async fn round(app: &TestApp) -> RoundReport {
    let report = mgc_strategy::run_round(&app.store, app.clock.now(), &SchedulerConfig::default()).await.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    report
}

/// The strategy's executions, newest first.
pub async fn executions(app: &TestApp, token: &str, strategy: &str) -> Vec<Value> {
    let (s, b) = app.call(Method::GET, &format!("/api/v1/strategies/{strategy}/executions"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// `CommandRequested` events not yet delivered (left in the outbox for the next caller).
pub async fn requested(app: &TestApp) -> Vec<CommandRequested> {
    let now = app.clock.now();
    let claimed = app.store.claim("probe", now, now, 1000).await.unwrap();
    for c in &claimed {
        app.store.schedule_retry("probe", c.envelope.id, c.attempts, now, "probe").await.unwrap();
    }
    claimed
        .iter()
        .filter(|c| c.envelope.event_type == CommandRequested::TYPE)
        .map(|c| c.envelope.decode::<CommandRequested>().unwrap())
        .collect()
}
