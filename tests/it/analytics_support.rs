//! Helpers of the analytics tests: a station with a meter and a PV inverter, minute data, stats.

use crate::ingest_support::{integration, post_signed, provision, Ingest};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use mgc_iam::Role;
use serde_json::{json, Value};

/// A provisioned station: app, admin token, station id, integration.
pub struct Site {
    pub app: TestApp,
    pub admin: String,
    pub station: String,
    pub ing: Ingest,
}

/// Provisions station `code` in `zone` with `meter-<code>` (P in kW → active_power_w) and
/// `pv-<code>` (pv_power_w as sent) for tenant acme.
pub async fn site(app: TestApp, code: &str, zone: &str) -> Site {
    let admin = app.bearer("acme", Role::Admin);
    let body = json!({
        "code": code, "name": format!("station {code}"), "time_zone": zone,
        "devices": [
            {"name": format!("meter-{code}"), "kind": "meter",
             "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000, "unit": "kW"}]},
            {"name": format!("pv-{code}"), "kind": "pv_inverter"}
        ]
    });
    let station = provision(&app, &admin, body).await["station"]["id"].as_str().unwrap().to_owned();
    let ing = integration(&app, &admin, false).await;
    Site { app, admin, station, ing }
}

/// Posts one sample per minute in `[from, to]` (inclusive): meter P = `meter_kw`, PV = `pv_w`,
/// in requests of at most 720 minutes.
pub async fn post_minutes(s: &Site, code: &str, from: DateTime<Utc>, to: DateTime<Utc>, meter_kw: f64, pv_w: f64) {
    let mut t = from;
    while t <= to {
        let mut rows = Vec::new();
        for _ in 0..720 {
            if t > to {
                break;
            }
            let ms = t.timestamp_millis();
            rows.push(json!({"device": format!("meter-{code}"), "ts": ms, "values": {"P": meter_kw}}));
            rows.push(json!({"device": format!("pv-{code}"), "ts": ms, "values": {"pv_power_w": pv_w}}));
            t += Duration::minutes(1);
        }
        let (status, body) = post_signed(&s.app, &s.ing, &Value::Array(rows).to_string(), &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// `GET /api/v1/stats` with `query` appended; asserts 200.
pub async fn stats(s: &Site, token: &str, query: &str) -> Value {
    let path = format!("/api/v1/stats?station_id={}&{query}", s.station);
    let (status, body) = s.app.call(Method::GET, &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// A figure of every item: `items[i].energy.<field>`.
pub fn energy(page: &Value, field: &str) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|i| i["energy"][field].as_i64().unwrap()).collect()
}
