//! Tariff validation: overlaps, gaps, the 15-minute grid, seasons and day types are named.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{rejection, rules, tou_json};
use serde_json::json;

fn weekday_periods(periods: serde_json::Value) -> serde_json::Value {
    let mut t = tou_json();
    t["import"]["seasons"][0]["days"][0]["periods"] = periods;
    t
}

#[test]
fn given_the_reference_tou_tariff_when_validated_then_accepted() {
    let r = rules(&tou_json());
    assert_eq!(r.currency.code(), "CNY");
    assert_eq!(r.holidays.len(), 1);
}

#[test]
fn given_overlapping_periods_when_validated_then_message_names_both_and_the_overlap() {
    let t = weekday_periods(json!([
        {"from": "00:00", "to": "08:00", "band": "valley"},
        {"from": "07:00", "to": "24:00", "band": "flat"}
    ]));
    let msg = rejection(&t);
    assert!(msg.contains("import.seasons[0].days[0].periods[1]"), "{msg}");
    assert!(msg.contains("overlaps periods[0] (valley 00:00-08:00) at 07:00-08:00"), "{msg}");
}

#[test]
fn given_uncovered_time_when_validated_then_message_names_each_gap() {
    let t = weekday_periods(json!([
        {"from": "00:00", "to": "12:00", "band": "valley"},
        {"from": "13:00", "to": "17:45", "band": "flat"},
        {"from": "18:00", "to": "24:00", "band": "peak"}
    ]));
    let msg = rejection(&t);
    assert!(msg.contains("no period covers 12:00-13:00, 17:45-18:00"), "{msg}");
}

#[test]
fn given_a_boundary_off_the_15_minute_grid_when_validated_then_message_names_the_time() {
    let t = weekday_periods(json!([
        {"from": "00:00", "to": "07:10", "band": "valley"},
        {"from": "07:10", "to": "24:00", "band": "flat"}
    ]));
    let msg = rejection(&t);
    assert!(msg.contains("periods[0].to: 07:10 is not on the 15-minute grid"), "{msg}");
}

#[test]
fn given_malformed_times_when_validated_then_rejected_with_the_value() {
    for bad in ["7:00", "25:00", "12:60", "noon", "24:00"] {
        let t = weekday_periods(json!([{"from": bad, "to": "24:00", "band": "flat"}]));
        let msg = rejection(&t);
        assert!(msg.contains(&format!("'{bad}'")), "{bad}: {msg}");
    }
}

#[test]
fn given_an_unpriced_band_when_validated_then_named() {
    let t = weekday_periods(json!([{"from": "00:00", "to": "24:00", "band": "shoulder"}]));
    assert!(rejection(&t).contains("'shoulder' has no price"));
}

#[test]
fn given_seasons_with_a_gap_or_overlap_when_validated_then_months_are_named() {
    let mut t = tou_json();
    t["import"]["seasons"][0]["to_month"] = json!(9);
    assert!(rejection(&t).contains("no season covers month(s) 10, 11, 12"));

    let mut summer = t["import"]["seasons"][0].clone();
    summer["name"] = json!("summer");
    summer["from_month"] = json!(9);
    summer["to_month"] = json!(12);
    t["import"]["seasons"].as_array_mut().unwrap().push(summer);
    let msg = rejection(&t);
    assert!(msg.contains("season 'summer' overlaps season 'all year' in month 9"), "{msg}");
}

#[test]
fn given_seasons_wrapping_the_new_year_when_validated_then_accepted() {
    let mut t = tou_json();
    let mut winter = t["import"]["seasons"][0].clone();
    winter["name"] = json!("winter");
    winter["from_month"] = json!(11);
    winter["to_month"] = json!(2);
    t["import"]["seasons"][0]["from_month"] = json!(3);
    t["import"]["seasons"][0]["to_month"] = json!(10);
    t["import"]["seasons"].as_array_mut().unwrap().push(winter);
    rules(&t);
}

#[test]
fn given_day_types_not_covering_weekends_when_validated_then_named() {
    let mut t = tou_json();
    t["import"]["seasons"][0]["days"].as_array_mut().unwrap().remove(1);
    assert!(rejection(&t).contains("no layout for weekend days"));
    t["import"]["seasons"][0]["days"][0]["days"] = json!("all");
    rules(&t);
    let dup = t["import"]["seasons"][0]["days"][0].clone();
    t["import"]["seasons"][0]["days"].as_array_mut().unwrap().push(dup);
    assert!(rejection(&t).contains("the 'all' layout is defined twice"));
}

#[test]
fn given_bad_currency_price_or_dates_when_validated_then_named() {
    let mut t = tou_json();
    t["currency"] = json!("yuan");
    assert!(rejection(&t).starts_with("currency:"));
    let mut t = tou_json();
    t["export"]["price"] = json!("0.3920001");
    assert!(rejection(&t).starts_with("export.price:"));
    let mut t = tou_json();
    t["valid_to"] = json!("2025-12-31");
    assert!(rejection(&t).contains("valid_to: 2025-12-31 is before valid_from 2026-01-01"));
}

#[test]
fn given_padded_currency_price_or_time_or_an_overlong_name_when_validated_then_refused_as_sent() {
    let mut t = tou_json();
    t["currency"] = json!(" CNY");
    assert!(rejection(&t).starts_with("currency:"));
    let mut t = tou_json();
    t["export"]["price"] = json!("0.39 ");
    assert!(rejection(&t).starts_with("export.price:"));
    let t = weekday_periods(json!([{"from": " 00:00", "to": "24:00", "band": "flat"}]));
    assert!(rejection(&t).contains("periods[0].from: ' 00:00'"));
    let mut t = tou_json();
    t["name"] = json!(format!(" {}", "n".repeat(200)));
    assert!(rejection(&t).starts_with("name:"), "201 characters as sent");
    t["name"] = json!("\u{3000}");
    assert!(rejection(&t).starts_with("name:"), "blank");
}
