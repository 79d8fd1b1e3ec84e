//! Pricing a day against hand-computed tables, to the minor unit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{date, day_window, rules, tou_json, uniform_slots};
use mgc_settlement::domain::pricing::price_day;
use mgc_settlement::DayFigures;
use serde_json::json;

/// (band, Wh, amount in minor units) of each line.
fn table(lines: &[mgc_settlement::BandLine]) -> Vec<(&str, i64, i64)> {
    lines.iter().map(|l| (l.band.as_str(), l.wh, l.amount_minor)).collect()
}

fn price(tariff: &serde_json::Value, zone: &str, day: &str, import_wh: i64, export_wh: i64) -> (DayFigures, usize) {
    let d = date(day);
    let (tz, start, end) = day_window(zone, d);
    let slots = uniform_slots(start, end, import_wh, export_wh);
    (price_day(&rules(tariff), d, tz, &slots).unwrap(), slots.len())
}

#[test]
fn given_a_weekday_with_all_four_bands_when_priced_then_hand_computed_table() {
    // Tuesday 2026-03-10 in Shanghai, 333 Wh import and 77 Wh export in each of 96 slots.
    // band    slots  Wh              price/kWh  exact fen    rounded (half-even, once per band and day)
    // sharp   14     14*333 = 4662   1.30       606.06       606
    // peak    14     4662            1.05       489.51       490
    // flat    28     9324            0.65       606.06       606
    // valley  40     13320           0.30       399.60       400
    // export  96     96*77 = 7392    0.392      289.7664     290   (per-slot rounding would give 96*3 = 288)
    let (f, n) = price(&tou_json(), "Asia/Shanghai", "2026-03-10", 333, 77);
    assert_eq!(n, 96);
    assert_eq!(
        table(&f.import),
        vec![("sharp", 4662, 606), ("peak", 4662, 490), ("flat", 9324, 606), ("valley", 13320, 400)]
    );
    assert_eq!(table(&f.export), vec![("fixed", 7392, 290)]);
    assert_eq!(f.import_wh, 31_968);
    assert_eq!((f.import_cost_minor, f.export_revenue_minor, f.net_minor), (2102, 290, 1812));
    assert_eq!(f.currency.code(), "CNY");
    assert_eq!(f.import[0].price_ten_thousandths, 1_300_000);
}

#[test]
fn given_a_saturday_when_priced_then_the_weekend_layout_applies() {
    // valley 23:00-07:00 = 32 slots: 10656 Wh * 0.30 = 319.68 -> 320
    // flat   07:00-23:00 = 64 slots: 21312 Wh * 0.65 = 1385.28 -> 1385
    let (f, _) = price(&tou_json(), "Asia/Shanghai", "2026-03-14", 333, 77);
    assert_eq!(table(&f.import), vec![("flat", 21312, 1385), ("valley", 10656, 320)]);
    assert_eq!(f.import_cost_minor, 1705);
}

#[test]
fn given_a_listed_holiday_without_a_holiday_layout_when_priced_then_like_a_weekend() {
    let (f, _) = price(&tou_json(), "Asia/Shanghai", "2026-03-11", 333, 77);
    assert_eq!(f.import_cost_minor, 1705);
    let mut t = tou_json();
    let holiday = json!({"days": "holiday", "periods": [{"from": "00:00", "to": "24:00", "band": "valley"}]});
    t["import"]["seasons"][0]["days"].as_array_mut().unwrap().push(holiday);
    let (f, _) = price(&t, "Asia/Shanghai", "2026-03-11", 333, 77);
    // 96 * 333 = 31968 Wh * 0.30 = 959.04 -> 959
    assert_eq!(table(&f.import), vec![("valley", 31968, 959)]);
}

#[test]
fn given_a_summer_season_when_priced_then_its_layout_applies_only_in_its_months() {
    let mut t = tou_json();
    let mut summer = t["import"]["seasons"][0].clone();
    summer["name"] = json!("summer");
    summer["from_month"] = json!(7);
    summer["to_month"] = json!(8);
    summer["days"] = json!([{"days": "all", "periods": [{"from": "00:00", "to": "24:00", "band": "sharp"}]}]);
    t["import"]["seasons"][0]["from_month"] = json!(9);
    t["import"]["seasons"][0]["to_month"] = json!(6);
    t["import"]["seasons"].as_array_mut().unwrap().push(summer);
    let (july, _) = price(&t, "Asia/Shanghai", "2026-07-14", 333, 0);
    assert_eq!(table(&july.import), vec![("sharp", 31968, 4156)]); // 31968 * 1.30 = 4155.84
    let (june, _) = price(&t, "Asia/Shanghai", "2026-06-16", 333, 0);
    assert_eq!(june.import_cost_minor, 2102);
}

fn berlin_tariff() -> serde_json::Value {
    json!({
        "name": "Berlin TOU", "currency": "EUR", "valid_from": "2026-01-01",
        "import": {"kind": "time_of_use", "bands": {"peak": "0.40", "valley": "0.20"}, "seasons": [
            {"name": "year", "from_month": 1, "to_month": 12, "days": [{"days": "all", "periods": [
                {"from": "22:00", "to": "08:00", "band": "valley"},
                {"from": "08:00", "to": "22:00", "band": "peak"}
            ]}]}
        ]},
        "export": {"kind": "fixed", "price": "0.08"}
    })
}

#[test]
fn given_the_spring_forward_day_in_berlin_when_priced_then_92_slots_and_the_missing_hour_is_not_billed() {
    // Local 02:00-03:00 does not exist: valley = 00:00-02:00 (8) + 03:00-08:00 (20) + 22:00-24:00 (8) = 36 slots.
    let (f, n) = price(&berlin_tariff(), "Europe/Berlin", "2026-03-29", 1000, 0);
    assert_eq!(n, 92);
    // peak 56 kWh * 0.40 = 22.40 EUR; valley 36 kWh * 0.20 = 7.20 EUR
    assert_eq!(table(&f.import), vec![("peak", 56_000, 2240), ("valley", 36_000, 720)]);
}

#[test]
fn given_the_fall_back_day_in_berlin_when_priced_then_100_slots_and_the_repeated_hour_is_valley_twice() {
    let (f, n) = price(&berlin_tariff(), "Europe/Berlin", "2026-10-25", 1000, 250);
    assert_eq!(n, 100);
    assert_eq!(table(&f.import), vec![("peak", 56_000, 2240), ("valley", 44_000, 880)]);
    // 100 * 250 Wh = 25 kWh * 0.08 = 2.00 EUR
    assert_eq!(table(&f.export), vec![("fixed", 25_000, 200)]);
}

#[test]
fn given_a_shanghai_day_when_priced_then_always_96_slots() {
    let (_, n) = price(&tou_json(), "Asia/Shanghai", "2026-03-29", 1, 0);
    assert_eq!(n, 96);
}
