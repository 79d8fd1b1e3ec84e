//! Energy of a simulated day in 15-minute slots, in integer Wh with cumulative rounding: the
//! energy of each flow is accumulated exactly (W·s) over the day, and a slot's Wh is
//! `round(cumulative at its end) − round(cumulative at its start)`, so slots add up to the
//! rounded day total exactly.

use chrono::{DateTime, Utc};
use mgc_contracts::{EnergySlot, FlowEnergy};

/// The flows a shadow run meters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Grid import.
    Import,
    /// Grid export.
    Export,
    /// PV generation (after curtailment).
    Pv,
    /// Energy into the battery (from the AC side).
    Charge,
    /// Energy out of the battery.
    Discharge,
}

const FLOWS: usize = 5;

fn index(f: Flow) -> usize {
    match f {
        Flow::Import => 0,
        Flow::Export => 1,
        Flow::Pv => 2,
        Flow::Charge => 3,
        Flow::Discharge => 4,
    }
}

/// Accumulates power × time per flow and cuts it into slots.
#[derive(Debug, Clone, Default)]
pub struct SlotMeter {
    cumulative_ws: [f64; FLOWS],
    emitted_wh: [i64; FLOWS],
    slots: Vec<EnergySlot>,
}

/// Powers above this (10 GW) are taken as this: a corrupt reading must not overflow a sum.
pub const MAX_POWER_W: f64 = 1e10;

fn wh(ws: f64) -> i64 {
    (ws / 3600.0).round() as i64
}

impl SlotMeter {
    /// Adds `power_w` (≥ 0) of `flow` held for `seconds`.
    pub fn add(&mut self, flow: Flow, power_w: f64, seconds: u32) {
        if power_w.is_finite() && power_w > 0.0 {
            self.cumulative_ws[index(flow)] += power_w.min(MAX_POWER_W) * f64::from(seconds);
        }
    }

    /// Closes the slot `[start, end)` with the energy added since the last close.
    pub fn close(&mut self, start: DateTime<Utc>, end: DateTime<Utc>) {
        let mut out = [0_i64; FLOWS];
        for (i, slot) in out.iter_mut().enumerate() {
            let now = wh(self.cumulative_ws[i]);
            *slot = now - self.emitted_wh[i];
            self.emitted_wh[i] = now;
        }
        let energy = FlowEnergy {
            grid_import_wh: out[0],
            grid_export_wh: out[1],
            pv_generation_wh: out[2],
            battery_charge_wh: out[3],
            battery_discharge_wh: out[4],
            ..FlowEnergy::default()
        };
        self.slots.push(EnergySlot { start, end, energy });
    }

    /// The closed slots.
    #[must_use]
    pub fn into_slots(self) -> Vec<EnergySlot> {
        self.slots
    }
}

/// The largest 15-minute average import of `slots` (W): slot Wh × 3600 / slot seconds.
#[must_use]
pub fn peak_import_w(slots: &[EnergySlot]) -> i64 {
    slots
        .iter()
        .filter_map(|s| {
            let secs = (s.end - s.start).num_seconds();
            (secs > 0).then(|| s.energy.grid_import_wh.saturating_mul(3600) / secs)
        })
        .max()
        .unwrap_or(0)
}

/// Sums one flow over slots.
#[must_use]
pub fn total(slots: &[EnergySlot], f: fn(&FlowEnergy) -> i64) -> i64 {
    slots.iter().fold(0_i64, |acc, s| acc.saturating_add(f(&s.energy)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn given_an_absurd_power_when_metered_then_it_is_capped_not_overflowing() {
        let t0 = Utc.with_ymd_and_hms(2026, 2, 24, 0, 0, 0).unwrap();
        let mut m = SlotMeter::default();
        m.add(Flow::Import, 1e300, 900);
        m.close(t0, t0 + Duration::minutes(15));
        let slots = m.into_slots();
        assert_eq!(slots[0].energy.grid_import_wh, 2_500_000_000);
        assert_eq!(total(&[slots[0], slots[0]], |e| e.grid_import_wh), 5_000_000_000);
    }

    #[test]
    fn given_thirds_of_a_wh_when_cut_into_slots_then_slots_add_up_to_the_rounded_total() {
        let t0 = Utc.with_ymd_and_hms(2026, 2, 24, 0, 0, 0).unwrap();
        let mut m = SlotMeter::default();
        // 1 W for 1200 s = 1/3 Wh per slot; ten slots = 3.33 Wh.
        for k in 0..10 {
            m.add(Flow::Import, 1.0, 1200);
            let start = t0 + Duration::minutes(15 * k);
            m.close(start, start + Duration::minutes(15));
        }
        let slots = m.into_slots();
        let each: Vec<i64> = slots.iter().map(|s| s.energy.grid_import_wh).collect();
        assert_eq!(each, vec![0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
        assert_eq!(total(&slots, |e| e.grid_import_wh), 3);
    }

    #[test]
    fn given_slots_when_peak_asked_then_largest_average_power() {
        let t0 = Utc.with_ymd_and_hms(2026, 2, 24, 0, 0, 0).unwrap();
        let mut m = SlotMeter::default();
        m.add(Flow::Import, 20_000.0, 900);
        m.close(t0, t0 + Duration::minutes(15));
        m.add(Flow::Import, 60_000.0, 900);
        m.add(Flow::Export, 5_000.0, 900);
        m.close(t0 + Duration::minutes(15), t0 + Duration::minutes(30));
        let slots = m.into_slots();
        assert_eq!(peak_import_w(&slots), 60_000);
        assert_eq!(slots[1].energy.grid_export_wh, 1_250);
    }

    #[test]
    fn given_negative_power_when_added_then_ignored() {
        let t0 = Utc.with_ymd_and_hms(2026, 2, 24, 0, 0, 0).unwrap();
        let mut m = SlotMeter::default();
        m.add(Flow::Import, -5.0, 900);
        m.close(t0, t0 + Duration::minutes(15));
        assert_eq!(m.into_slots()[0].energy.grid_import_wh, 0);
    }
}
