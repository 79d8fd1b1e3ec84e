//! Given/when/then tests of the replay over tiny synthetic series.

use super::battery::{BatteryModel, SimBattery};
use super::replay::{DayInput, Replayer, SimulatedDay};
use super::report::day_report;
use crate::domain::params::{AntiBackflowParams, BatteryLimits, PeakShavingParams, StrategyParams};
use crate::domain::readings::DeviceReading;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 24, 0, 0, 0).unwrap()
}

fn reading(kind: &str, point: &str, minute: i64, value: f64) -> DeviceReading {
    DeviceReading {
        kind: kind.into(),
        device_id: format!("{kind}-1"),
        point: point.into(),
        value,
        ts: t0() + Duration::minutes(minute),
    }
}

/// One reading per minute of the hour: `grid(minute)` on the meter, `pv` when given.
fn hour(grid: impl Fn(i64) -> f64, pv: Option<f64>) -> Vec<DeviceReading> {
    let mut out = Vec::new();
    for m in 0..60 {
        out.push(reading("meter", "active_power_w", m, grid(m)));
        if let Some(pv) = pv {
            out.push(reading("pv_inverter", "pv_power_w", m, pv));
        }
    }
    out
}

fn battery(soc: f64, eta: f64) -> SimBattery {
    SimBattery::new(BatteryModel {
        capacity_wh: 100_000,
        max_charge_w: 10_000,
        max_discharge_w: 20_000,
        efficiency: eta,
        initial_soc: soc,
    })
}

fn peak_shaving() -> StrategyParams {
    StrategyParams::PeakShaving(PeakShavingParams {
        import_limit_w: 50_000,
        recharge_below_w: 25_000,
        battery: BatteryLimits { min_soc_pct: 10.0, max_soc_pct: 90.0, max_charge_w: 10_000, max_discharge_w: 20_000 },
    })
}

fn replay_hour(params: StrategyParams, b: SimBattery, readings: &[DeviceReading]) -> SimulatedDay {
    let mut r = Replayer::new(params, b, 60, Duration::minutes(5));
    r.day(&DayInput {
        day: NaiveDate::from_ymd_opt(2026, 2, 24).unwrap(),
        start: t0(),
        end: t0() + Duration::hours(1),
        tz: chrono_tz::UTC,
        readings,
        bands: &[],
    })
}

fn imports(slots: &[mgc_contracts::EnergySlot]) -> Vec<i64> {
    slots.iter().map(|s| s.energy.grid_import_wh).collect()
}

#[test]
fn given_half_hour_over_the_limit_when_peak_shaving_replayed_then_battery_shaves_and_recharges() {
    // 60 kW for 30 min, then 20 kW: discharge 10 kW, then recharge 5 kW (up to 25 kW).
    let readings = hour(|m| if m < 30 { 60_000.0 } else { 20_000.0 }, None);
    let day = replay_hour(peak_shaving(), battery(50.0, 1.0), &readings);
    assert_eq!(imports(&day.baseline), vec![15_000, 15_000, 5_000, 5_000]);
    assert_eq!(imports(&day.strategy), vec![12_500, 12_500, 6_250, 6_250]);
    let report = day_report(&day, None, 100_000);
    assert_eq!((report.baseline.peak_demand_w, report.strategy.peak_demand_w), (60_000, 50_000));
    assert_eq!(report.peak_reduction_w, 10_000);
    assert_eq!((report.battery.discharged_wh, report.battery.charged_wh), (5_000, 2_500));
    assert_eq!(report.battery.cycles, 0.05);
    assert_eq!((report.battery.soc_min, report.battery.soc_max, report.battery.soc_end), (45.0, 50.0, 47.5));
    assert!(!report.priced && report.savings_minor.is_none());
}

#[test]
fn given_sparse_readings_when_replayed_then_gaps_are_reported_and_not_counted() {
    // Readings at 00:00 and 00:30 only, held 5 minutes: 6 + 6 usable minutes, 48 gap minutes.
    let readings =
        vec![reading("meter", "active_power_w", 0, 30_000.0), reading("meter", "active_power_w", 30, 30_000.0)];
    let day = replay_hour(peak_shaving(), battery(50.0, 1.0), &readings);
    assert_eq!(day.gap_minutes, 48);
    assert_eq!(imports(&day.baseline).iter().sum::<i64>(), 6_000);
    assert_eq!(imports(&day.baseline), vec![3_000, 0, 3_000, 0]);
}

#[test]
fn given_export_over_the_threshold_when_anti_backflow_replayed_then_pv_is_curtailed_and_reported() {
    let params =
        StrategyParams::AntiBackflow(AntiBackflowParams { export_limit_w: 0, pv_rated_w: 10_000, margin_w: 0 });
    let readings = hour(|_| -3_000.0, Some(8_000.0));
    let day = replay_hour(params, battery(50.0, 1.0), &readings);
    let report = day_report(&day, None, 100_000);
    assert_eq!(report.baseline.export_wh, 3_000);
    assert_eq!(report.strategy.export_wh, 0);
    assert_eq!(report.curtailed_wh, 3_000);
    assert_eq!(day.strategy.iter().map(|s| s.energy.pv_generation_wh).sum::<i64>(), 5_000);
    assert_eq!(report.battery.discharged_wh, 0);
}

#[test]
fn given_lossy_battery_when_recharging_then_soc_rises_by_eta_of_the_grid_energy() {
    let readings = hour(|_| 20_000.0, None);
    let day = replay_hour(peak_shaving(), battery(50.0, 0.8), &readings);
    // 5 kW for an hour from the grid stores 4 kWh: 50 % → 54 %.
    assert_eq!(day.strategy.iter().map(|s| s.energy.battery_charge_wh).sum::<i64>(), 5_000);
    assert!((day.soc_end - 54.0).abs() < 1e-9, "{}", day.soc_end);
}

#[test]
fn given_odd_step_energies_when_cut_into_slots_then_slots_add_up_to_the_day_total() {
    // Between the recharge level and the limit the battery idles: strategy = baseline, exactly.
    let readings = hour(|m| 33_333.0 + (m % 7) as f64 * 0.37, None);
    let day = replay_hour(peak_shaving(), battery(50.0, 1.0), &readings);
    let exact: f64 = (0..60).map(|m| 33_333.0 + (m % 7) as f64 * 0.37).sum::<f64>() / 60.0;
    assert_eq!(imports(&day.baseline).iter().sum::<i64>(), exact.round() as i64);
    assert_eq!(imports(&day.strategy).iter().sum::<i64>(), exact.round() as i64);
}
