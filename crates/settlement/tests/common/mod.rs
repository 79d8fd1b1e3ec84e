//! Helpers of the settlement domain tests: tariffs from JSON and days of uniform slots.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mgc_contracts::{EnergySlot, FlowEnergy};
use mgc_kernel::{Granularity, StationTz};
use mgc_settlement::{TariffRules, TariffSpec};
use serde_json::{json, Value};

/// A CNY tariff with four bands on weekdays, two on weekends, and a fixed feed-in price.
pub fn tou_json() -> Value {
    json!({
        "name": "Shenzhen commercial TOU",
        "currency": "CNY",
        "valid_from": "2026-01-01",
        "holidays": ["2026-03-11"],
        "import": {
            "kind": "time_of_use",
            "bands": {"sharp": "1.30", "peak": "1.05", "flat": "0.65", "valley": "0.30"},
            "seasons": [{
                "name": "all year", "from_month": 1, "to_month": 12,
                "days": [
                    {"days": "weekday", "periods": [
                        {"from": "22:00", "to": "08:00", "band": "valley"},
                        {"from": "08:00", "to": "10:00", "band": "flat"},
                        {"from": "10:00", "to": "11:30", "band": "peak"},
                        {"from": "11:30", "to": "13:00", "band": "sharp"},
                        {"from": "13:00", "to": "17:00", "band": "flat"},
                        {"from": "17:00", "to": "19:00", "band": "peak"},
                        {"from": "19:00", "to": "21:00", "band": "sharp"},
                        {"from": "21:00", "to": "22:00", "band": "flat"}
                    ]},
                    {"days": "weekend", "periods": [
                        {"from": "23:00", "to": "07:00", "band": "valley"},
                        {"from": "07:00", "to": "23:00", "band": "flat"}
                    ]}
                ]
            }]
        },
        "export": {"kind": "fixed", "price": "0.392"}
    })
}

/// Parses and validates a tariff body.
pub fn rules(v: &Value) -> TariffRules {
    spec(v).validate().unwrap()
}

/// Parses a tariff body.
pub fn spec(v: &Value) -> TariffSpec {
    serde_json::from_value(v.clone()).unwrap()
}

/// The validation message of an invalid tariff body.
pub fn rejection(v: &Value) -> String {
    spec(v).validate().expect_err("tariff should be rejected")
}

/// The local day window of `date` in `zone`.
pub fn day_window(zone: &str, date: NaiveDate) -> (StationTz, DateTime<Utc>, DateTime<Utc>) {
    let tz = StationTz::parse(zone).unwrap();
    let probe = tz.0.from_local_datetime(&date.and_hms_opt(12, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    let w = tz.window_containing(Granularity::Day, probe);
    (tz, w.start, w.end)
}

/// 15-minute UTC slots over `[start, end)` with the same import and export in each.
pub fn uniform_slots(start: DateTime<Utc>, end: DateTime<Utc>, import_wh: i64, export_wh: i64) -> Vec<EnergySlot> {
    let mut slots = Vec::new();
    let mut t = start;
    while t < end {
        let next = (t + Duration::minutes(15)).min(end);
        let energy = FlowEnergy { grid_import_wh: import_wh, grid_export_wh: export_wh, ..FlowEnergy::default() };
        slots.push(EnergySlot { start: t, end: next, energy });
        t = next;
    }
    slots
}

/// A local date.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
