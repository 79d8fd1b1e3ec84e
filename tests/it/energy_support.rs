//! Helpers of the energy exactness scenarios: a one-device station with a tariff, raw readings
//! posted in signed batches, hour and day figures, and the day's settlement.

use crate::analytics_support::Site;
use crate::ingest_support::{integration, post_signed, provision};
use crate::settlement_support::{assign, create_tariff, get_ok, settlements, tou_tariff};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, SecondsFormat, Utc};
use mgc_iam::Role;
use serde_json::{json, Value};

/// Provisions station `code` in Asia/Shanghai with one device `dev-<code>` of `kind` (no
/// mappings: values are posted under their semantic point names) and the reference tariff
/// assigned from 2026-03-01.
pub async fn one_device_site(app: TestApp, code: &str, kind: &str) -> Site {
    let admin = app.bearer("acme", Role::Admin);
    let body = json!({
        "code": code, "name": format!("station {code}"), "time_zone": "Asia/Shanghai",
        "devices": [{"name": format!("dev-{code}"), "kind": kind}]
    });
    let station = provision(&app, &admin, body).await["station"]["id"].as_str().unwrap().to_owned();
    let ing = integration(&app, &admin, false).await;
    let tariff = create_tariff(&app, &admin, tou_tariff()).await;
    assign(&app, &admin, &station, &tariff, "2026-03-01").await;
    Site { app, admin, station, ing }
}

/// Posts `readings` of `point` of `dev-<code>` in signed batches of at most 500.
pub async fn post_readings(s: &Site, code: &str, point: &str, readings: &[(DateTime<Utc>, f64)]) {
    for chunk in readings.chunks(500) {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|(ts, v)| json!({"device": format!("dev-{code}"), "ts": ts.timestamp_millis(), "values": {point: v}}))
            .collect();
        let (status, body) = post_signed(&s.app, &s.ing, &Value::Array(rows).to_string(), &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// The current station statistics of `granularity` starting in `[from, to)`.
pub async fn windows(s: &Site, granularity: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Value> {
    let path = format!(
        "/api/v1/stats?station_id={}&granularity={granularity}&from={}&to={}",
        s.station,
        from.to_rfc3339_opts(SecondsFormat::Secs, true),
        to.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let admin = s.app.bearer("acme", Role::Admin); // tokens follow the moved clock
    let (status, body) = s.app.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["items"].as_array().unwrap().clone()
}

/// The settlement of local day `date` with every version and adjustment.
pub async fn day_settlement(s: &Site, date: &str) -> Value {
    let admin = s.app.bearer("acme", Role::Admin);
    let list = settlements(&s.app, &admin, &s.station, date, date).await;
    assert_eq!(list.len(), 1, "{list:?}");
    get_ok(&s.app, &admin, &format!("/api/v1/settlements/{}", list[0]["id"].as_str().unwrap())).await
}

/// Freezes the settlement `id` now.
pub async fn freeze(s: &Site, id: &str) {
    let admin = s.app.bearer("acme", Role::Admin);
    let (status, body) =
        s.app.call(Method::POST, &format!("/api/v1/settlements/{id}/freeze"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
