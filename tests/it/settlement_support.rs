//! Helpers of the settlement tests: stations, tariffs, day events in the outbox, one
//! dispatcher run with the settlement consumer, and the auto-freeze run-once.

use crate::ingest_support::provision;
use crate::support::{tenant, TestApp};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mgc_contracts::{EnergySlot, EventEnvelope, FlowEnergy, SourceVersion, StatisticCalculated};
use mgc_eventing::{Dispatcher, DispatcherConfig, OutboxWriter, UnitOfWork};
use mgc_kernel::{Clock, Granularity, StationId, StationTz};
use mgc_settlement::DaySettlementConsumer;
use serde_json::{json, Value};
use std::sync::Arc;

/// Provisions a station in `zone` for the tenant of `admin`; returns its id.
pub async fn station(app: &TestApp, admin: &str, code: &str, zone: &str) -> String {
    let body = json!({"code": code, "name": format!("Station {code}"), "time_zone": zone, "devices": []});
    provision(app, admin, body).await["station"]["id"].as_str().unwrap().to_owned()
}

/// The reference tariff: four import bands on weekdays, two on weekends, fixed feed-in.
pub fn tou_tariff() -> Value {
    json!({
        "name": "Shenzhen commercial TOU", "currency": "CNY", "valid_from": "2026-01-01",
        "import": {"kind": "time_of_use", "bands": {"sharp": "1.30", "peak": "1.05", "flat": "0.65", "valley": "0.30"},
            "seasons": [{"name": "all year", "from_month": 1, "to_month": 12, "days": [
                {"days": "weekday", "periods": [
                    {"from": "22:00", "to": "08:00", "band": "valley"}, {"from": "08:00", "to": "10:00", "band": "flat"},
                    {"from": "10:00", "to": "11:30", "band": "peak"}, {"from": "11:30", "to": "13:00", "band": "sharp"},
                    {"from": "13:00", "to": "17:00", "band": "flat"}, {"from": "17:00", "to": "19:00", "band": "peak"},
                    {"from": "19:00", "to": "21:00", "band": "sharp"}, {"from": "21:00", "to": "22:00", "band": "flat"}]},
                {"days": "weekend", "periods": [
                    {"from": "23:00", "to": "07:00", "band": "valley"}, {"from": "07:00", "to": "23:00", "band": "flat"}]}
            ]}]},
        "export": {"kind": "fixed", "price": "0.392"}
    })
}

/// Creates a tariff; returns its id.
pub async fn create_tariff(app: &TestApp, admin: &str, body: Value) -> String {
    app.create_tariff(admin, body).await
}

/// Assigns a tariff to a station from `from`; returns the response body.
pub async fn assign(app: &TestApp, admin: &str, station: &str, tariff: &str, from: &str) -> Value {
    app.assign_tariff(admin, station, tariff, from).await
}

/// A day event for `day` in `zone`: uniform import/export per 15-minute slot.
pub fn day_event(
    station: &str,
    zone: &str,
    day: &str,
    version: u32,
    import_wh: i64,
    export_wh: i64,
) -> StatisticCalculated {
    let tz = StationTz::parse(zone).unwrap();
    let date: NaiveDate = day.parse().unwrap();
    let noon = tz.0.from_local_datetime(&date.and_hms_opt(12, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    let w = tz.window_containing(Granularity::Day, noon);
    let mut slots = Vec::new();
    let mut t: DateTime<Utc> = w.start;
    let mut total = FlowEnergy::default();
    while t < w.end {
        let energy = FlowEnergy { grid_import_wh: import_wh, grid_export_wh: export_wh, ..FlowEnergy::default() };
        total = total.plus(&energy);
        slots.push(EnergySlot { start: t, end: t + Duration::minutes(15), energy });
        t += Duration::minutes(15);
    }
    let sources = tz
        .windows_between(Granularity::Hour, w.start, w.end)
        .iter()
        .map(|h| SourceVersion { period: tz.local_label(h, Granularity::Hour), start: h.start, version })
        .collect();
    StatisticCalculated {
        station_id: station.parse::<StationId>().unwrap(),
        time_zone: zone.to_owned(),
        granularity: Granularity::Day,
        period: day.to_owned(),
        start: w.start,
        end: w.end,
        version,
        figures: total,
        coverage: 1.0,
        slots,
        sources,
    }
}

/// Appends an analytics event for `tenant_id` to the outbox.
pub async fn emit(app: &TestApp, tenant_id: &str, ev: &StatisticCalculated) {
    let envelope = EventEnvelope::wrap(&tenant(tenant_id), ev, app.clock.now()).unwrap();
    let mut tx = app.store.begin().await.unwrap();
    tx.append(envelope).await.unwrap();
    tx.commit().await.unwrap();
}

/// Runs a dispatcher with the settlement consumer until the outbox has nothing due.
pub async fn dispatch(app: &TestApp) {
    let mut d = Dispatcher::new(Arc::new(app.store.clone()), app.clock.shared(), DispatcherConfig::default());
    d.register(Arc::new(DaySettlementConsumer::new(app.clock.shared())));
    for _ in 0..20 {
        let report = d.tick().await.unwrap();
        assert_eq!(report.retried + report.dead_lettered, 0, "settlement consumer failed: {report:?}");
        if report.claimed == 0 {
            return;
        }
    }
    panic!("outbox did not drain");
}

/// Emits a day event and dispatches it.
pub async fn settle(app: &TestApp, tenant_id: &str, ev: &StatisticCalculated) {
    emit(app, tenant_id, ev).await;
    dispatch(app).await;
}

/// The auto-freeze run-once, at the app clock's time.
pub async fn auto_freeze(app: &TestApp, days: u32) -> usize {
    mgc_settlement::app::freeze::freeze_due(app.store.begin().await.unwrap(), app.clock.now(), days, 500).await.unwrap()
}

/// GET returning 200 with a JSON body.
pub async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    app.get_ok(token, path).await
}

/// The settlement list of a station over a range (one page of up to 500, oldest day first).
pub async fn settlements(app: &TestApp, token: &str, station: &str, from: &str, to: &str) -> Vec<Value> {
    let page =
        get_ok(app, token, &format!("/api/v1/settlements?station_id={station}&from={from}&to={to}&limit=500")).await;
    assert!(page["next_cursor"].is_null(), "more than one page: {page}");
    let mut items = page["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

/// Raw GET returning status, content type and bytes.
pub async fn download(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let req = axum::http::Request::builder()
        .uri(path)
        .header("authorization", token)
        .body(axum::body::Body::empty())
        .unwrap();
    app.send_raw(req).await
}
