//! `GET /api/v1/stats?format=compact` through the router on both backends: the column arrays
//! carry exactly the numbers of the object form, window by window, for hours with a gap, days,
//! and every version; a format it does not know, or compact device point figures, is a 400.

use crate::analytics_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use mgc_tests::all_databases;
use serde_json::Value;

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

/// Field `name` of every item of the object form, as the compact form names it.
fn item_column(page: &Value, name: &str) -> Vec<Value> {
    let items = page["items"].as_array().expect("items");
    items
        .iter()
        .map(|i| match name {
            "start" | "end" | "period" | "version" | "current" | "coverage" | "calculated_at" => i[name].clone(),
            "quality" => i.get("quality").cloned().unwrap_or(Value::Null),
            flow => i["energy"][flow].clone(),
        })
        .collect()
}

const COLUMNS: [&str; 15] = [
    "period",
    "start",
    "end",
    "version",
    "current",
    "grid_import_wh",
    "grid_export_wh",
    "pv_generation_wh",
    "battery_charge_wh",
    "battery_discharge_wh",
    "load_wh",
    "charging_wh",
    "coverage",
    "quality",
    "calculated_at",
];

/// The compact page of `query` has the numbers of its object page, column by column.
async fn assert_same(s: &Site, query: &str, backend: &str) -> usize {
    let objects = stats(s, &s.admin, query).await;
    let compact = stats(s, &s.admin, &format!("{query}&format=compact")).await;
    assert!(compact.get("items").is_none(), "{backend} {query}: the compact form has no items");
    for key in ["station_id", "time_zone", "granularity"] {
        assert_eq!(compact[key], objects[key], "{backend} {query}: {key}");
    }
    let n = objects["items"].as_array().expect("items").len();
    for name in COLUMNS {
        let column = compact["columns"][name].as_array().unwrap_or_else(|| panic!("{backend}: column {name}"));
        assert_eq!(column, &item_column(&objects, name), "{backend} {query}: column {name}");
    }
    n
}

#[tokio::test]
async fn the_compact_form_gives_the_numbers_of_the_object_form_window_by_window() {
    for db in all_databases().await {
        let (start, end) = (utc(2026, 3, 1, 0), utc(2026, 3, 2, 0));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(10));
        let s = site(app, "cmp", "UTC").await;
        // A 40-minute gap in hour 05 (coverage below 1, with a quality note), the rest at 4 kW.
        post_minutes(&s, "cmp", start, utc(2026, 3, 1, 5) + Duration::minutes(10), 4.0, 1500.0).await;
        post_minutes(&s, "cmp", utc(2026, 3, 1, 5) + Duration::minutes(50), end, 4.0, 1500.0).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        // Late data for hour 10 makes version 2 of hours 09 and 10 and of the day.
        post_minutes(&s, "cmp", utc(2026, 3, 1, 10), utc(2026, 3, 1, 10) + Duration::minutes(29), 8.0, 1500.0).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        let range = format!(
            "from={}&to={}",
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let backend = db.backend.to_string();
        assert_eq!(assert_same(&s, &format!("granularity=hour&{range}"), &backend).await, 24, "{backend}");
        assert_eq!(assert_same(&s, &format!("granularity=hour&{range}&versions=all"), &backend).await, 26, "{backend}");
        assert_eq!(assert_same(&s, &format!("granularity=day&{range}"), &backend).await, 1, "{backend}");
        assert_eq!(assert_same(&s, &format!("granularity=day&{range}&versions=all"), &backend).await, 2, "{backend}");
        // The gap is there to compare: one hour below full coverage, with its reason.
        let hours = stats(&s, &s.admin, &format!("granularity=hour&{range}&format=compact")).await;
        let partial: Vec<&Value> =
            hours["columns"]["quality"].as_array().unwrap().iter().filter(|q| !q.is_null()).collect();
        assert!(!partial.is_empty(), "{backend}: a window with a quality note: {hours}");
        // format=json is the object form.
        let json = stats(&s, &s.admin, &format!("granularity=hour&{range}&format=json")).await;
        assert_eq!(json["items"].as_array().map(Vec::len), Some(24), "{backend}");
    }
}

#[tokio::test]
async fn an_unknown_format_or_compact_point_figures_are_refused_with_400() {
    let s = site(TestApp::sqlite().await, "fmt", "UTC").await;
    let range = "granularity=hour&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z";
    for query in [format!("{range}&format=csv"), format!("{range}&format=compact&point=active_power_w")] {
        let path = format!("/api/v1/stats?station_id={}&{query}", s.station);
        let (status, body) = s.app.call(Method::GET, &path, Some(&s.admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_error(&body, "invalid_query");
    }
}
