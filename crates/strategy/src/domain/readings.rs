//! Turning device readings (device kind, semantic point, value, time) into a station's inputs:
//! which point of which kind of device feeds which input, summed over devices, stale values left
//! out. Live readings come from the latest values read model; shadow runs use history.

use super::inputs::StationInputs;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// One numeric reading of a device point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceReading {
    /// Device kind (`meter`, `pv_inverter`, `battery`, `pcs`, ...).
    pub kind: String,
    /// Device id (readings of one device are never counted twice).
    pub device_id: String,
    /// Semantic point (`active_power_w`, `soc_pct`, ...).
    pub point: String,
    /// Value.
    pub value: f64,
    /// When it was measured.
    pub ts: DateTime<Utc>,
}

/// Which reading feeds an input: the first rule a device has a reading for wins for that device.
fn grid_w(kind: &str, point: &str, v: f64) -> Option<(u8, f64)> {
    match (kind, point) {
        ("meter", "active_power_w") => Some((0, v)),
        ("meter", "grid_import_power_w") => Some((1, v)),
        ("meter", "grid_export_power_w") => Some((1, -v)),
        _ => None,
    }
}

fn pv_w(kind: &str, point: &str, v: f64) -> Option<(u8, f64)> {
    match (kind, point) {
        ("pv_inverter", "pv_power_w") => Some((0, v.abs())),
        ("pv_inverter", "active_power_w") => Some((1, (-v).max(0.0))),
        _ => None,
    }
}

fn battery_w(kind: &str, point: &str, v: f64) -> Option<(u8, f64)> {
    match (kind, point) {
        ("pcs" | "battery", "battery_power_w") => Some((0, v)),
        ("pcs" | "battery", "discharge_power_w") => Some((1, v)),
        ("pcs" | "battery", "charge_power_w") => Some((1, -v)),
        _ => None,
    }
}

/// Sums one input over devices: per device, only readings of its best-ranked rule count
/// (rank 1 rules add up, e.g. import − export).
fn sum_input(readings: &[&DeviceReading], rule: fn(&str, &str, f64) -> Option<(u8, f64)>) -> Option<f64> {
    let mut best: std::collections::BTreeMap<&str, (u8, f64)> = std::collections::BTreeMap::new();
    for r in readings {
        let Some((rank, v)) = rule(&r.kind, &r.point, r.value) else { continue };
        best.entry(r.device_id.as_str())
            .and_modify(|(b_rank, b_v)| {
                if rank < *b_rank {
                    (*b_rank, *b_v) = (rank, v);
                } else if rank == *b_rank && rank > 0 {
                    *b_v += v;
                }
            })
            .or_insert((rank, v));
    }
    (!best.is_empty()).then(|| best.values().map(|(_, v)| v).sum())
}

fn mean_soc(readings: &[&DeviceReading]) -> Option<f64> {
    let socs: Vec<f64> = readings
        .iter()
        .filter(|r| matches!(r.kind.as_str(), "battery" | "pcs") && r.point == "soc_pct")
        .map(|r| r.value)
        .collect();
    (!socs.is_empty()).then(|| socs.iter().sum::<f64>() / socs.len() as f64)
}

/// The station's inputs at `at` from `readings`, ignoring readings older than `max_age` or
/// not finite.
#[must_use]
pub fn assemble(
    readings: &[DeviceReading],
    at: DateTime<Utc>,
    local: NaiveDateTime,
    band: Option<String>,
    max_age: Duration,
) -> StationInputs {
    let fresh: Vec<&DeviceReading> =
        readings.iter().filter(|r| r.value.is_finite() && r.ts <= at && at - r.ts <= max_age).collect();
    StationInputs {
        at,
        local,
        grid_power_w: sum_input(&fresh, grid_w),
        pv_power_w: sum_input(&fresh, pv_w),
        battery_power_w: sum_input(&fresh, battery_w),
        soc_pct: mean_soc(&fresh),
        band,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn r(kind: &str, dev: &str, point: &str, value: f64, age_s: i64) -> DeviceReading {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        DeviceReading {
            kind: kind.into(),
            device_id: dev.into(),
            point: point.into(),
            value,
            ts: now - Duration::seconds(age_s),
        }
    }

    fn inputs(readings: &[DeviceReading]) -> StationInputs {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        assemble(readings, now, now.naive_utc(), None, Duration::seconds(300))
    }

    #[test]
    fn given_meter_pv_and_battery_when_assembled_then_each_input_from_its_point() {
        let i = inputs(&[
            r("meter", "m", "active_power_w", 42_000.0, 10),
            r("pv_inverter", "p", "pv_power_w", 8_000.0, 10),
            r("pcs", "c", "battery_power_w", -3_000.0, 10),
            r("battery", "b", "soc_pct", 55.0, 10),
        ]);
        assert_eq!(
            (i.grid_power_w, i.pv_power_w, i.battery_power_w, i.soc_pct),
            (Some(42_000.0), Some(8_000.0), Some(-3_000.0), Some(55.0))
        );
    }

    #[test]
    fn given_active_power_and_import_export_on_one_meter_then_active_power_wins() {
        let i = inputs(&[
            r("meter", "m", "grid_import_power_w", 5_000.0, 10),
            r("meter", "m", "grid_export_power_w", 0.0, 10),
            r("meter", "m", "active_power_w", 4_900.0, 10),
        ]);
        assert_eq!(i.grid_power_w, Some(4_900.0));
    }

    #[test]
    fn given_import_and_export_magnitudes_then_net_is_their_difference() {
        let i = inputs(&[
            r("meter", "m", "grid_import_power_w", 0.0, 10),
            r("meter", "m", "grid_export_power_w", 2_500.0, 10),
        ]);
        assert_eq!(i.grid_power_w, Some(-2_500.0));
    }

    #[test]
    fn given_stale_reading_then_input_is_unknown_not_zero() {
        let i = inputs(&[r("meter", "m", "active_power_w", 42_000.0, 900)]);
        assert_eq!(i.grid_power_w, None);
    }

    #[test]
    fn given_two_inverters_then_pv_is_summed() {
        let i = inputs(&[
            r("pv_inverter", "p1", "pv_power_w", 1_000.0, 1),
            r("pv_inverter", "p2", "active_power_w", -2_000.0, 1),
        ]);
        assert_eq!(i.pv_power_w, Some(3_000.0));
    }
}
