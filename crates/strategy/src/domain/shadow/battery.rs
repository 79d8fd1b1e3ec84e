//! The simulated battery of a shadow run. The rule, written down once (docs/shadow-runs.md):
//! a set-point is clamped to the power limits; charging at |P| for Δt stores |P|·Δt·η,
//! discharging at P for Δt takes P·Δt; the stored energy stays within [0, capacity], and the
//! power is reduced for the step when a full step would cross a bound.

use serde::{Deserialize, Serialize};

/// The battery of a shadow run as the operator describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryModel {
    /// Usable energy (Wh, > 0).
    pub capacity_wh: i64,
    /// Largest charging power (W, > 0).
    pub max_charge_w: i64,
    /// Largest discharging power (W, > 0).
    pub max_discharge_w: i64,
    /// Charging efficiency, 0 < η ≤ 1 (round trip lumped into charging).
    pub efficiency: f64,
    /// State of charge at the start of the run (%, 0-100).
    pub initial_soc: f64,
}

const MAX_WH: i64 = 1_000_000_000_000;
const MAX_W: i64 = 1_000_000_000;

impl BatteryModel {
    /// Checks every field; the message names the field (`battery.<field>`).
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_WH).contains(&self.capacity_wh) {
            return Err(format!("battery.capacity_wh: must be between 1 and {MAX_WH} Wh, got {}", self.capacity_wh));
        }
        for (name, v) in [("max_charge_w", self.max_charge_w), ("max_discharge_w", self.max_discharge_w)] {
            if !(1..=MAX_W).contains(&v) {
                return Err(format!("battery.{name}: must be between 1 and {MAX_W} W, got {v}"));
            }
        }
        if !(self.efficiency.is_finite() && self.efficiency > 0.0 && self.efficiency <= 1.0) {
            return Err(format!("battery.efficiency: must be > 0 and <= 1, got {}", self.efficiency));
        }
        if !(self.initial_soc.is_finite() && (0.0..=100.0).contains(&self.initial_soc)) {
            return Err(format!("battery.initial_soc: must be between 0 and 100 %, got {}", self.initial_soc));
        }
        Ok(())
    }
}

/// What one step did to the battery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatteryStep {
    /// Power actually applied (W): positive discharges, negative charges.
    pub power_w: f64,
    /// True when the set-point was reduced (power limit or empty/full battery).
    pub limited: bool,
}

/// A battery being simulated: the model plus the energy it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct SimBattery {
    model: BatteryModel,
    stored_wh: f64,
}

impl SimBattery {
    /// A battery at the model's initial state of charge.
    #[must_use]
    pub fn new(model: BatteryModel) -> SimBattery {
        let stored_wh = model.capacity_wh as f64 * model.initial_soc / 100.0;
        SimBattery { model, stored_wh }
    }

    /// The state of charge (%).
    #[must_use]
    pub fn soc_pct(&self) -> f64 {
        self.stored_wh / self.model.capacity_wh as f64 * 100.0
    }

    /// Energy held (Wh).
    #[must_use]
    pub fn stored_wh(&self) -> f64 {
        self.stored_wh
    }

    /// The model.
    #[must_use]
    pub fn model(&self) -> &BatteryModel {
        &self.model
    }

    /// Holds `setpoint_w` (positive discharges) for `step_s` seconds, within the rule above.
    pub fn apply(&mut self, setpoint_w: i64, step_s: u32) -> BatteryStep {
        let hours = f64::from(step_s) / 3600.0;
        let capacity = self.model.capacity_wh as f64;
        if setpoint_w > 0 {
            let mut p = setpoint_w.min(self.model.max_discharge_w) as f64;
            let mut limited = setpoint_w > self.model.max_discharge_w;
            if p * hours > self.stored_wh {
                p = self.stored_wh / hours;
                limited = true;
            }
            self.stored_wh = (self.stored_wh - p * hours).max(0.0);
            BatteryStep { power_w: p, limited }
        } else if setpoint_w < 0 {
            let wanted = setpoint_w.unsigned_abs();
            let mut p = wanted.min(self.model.max_charge_w.unsigned_abs()) as f64;
            let mut limited = wanted > self.model.max_charge_w.unsigned_abs();
            let room = capacity - self.stored_wh;
            if p * hours * self.model.efficiency > room {
                p = room / (hours * self.model.efficiency);
                limited = true;
            }
            self.stored_wh = (self.stored_wh + p * hours * self.model.efficiency).min(capacity);
            BatteryStep { power_w: -p, limited }
        } else {
            BatteryStep { power_w: 0.0, limited: false }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(soc: f64, eta: f64) -> BatteryModel {
        BatteryModel {
            capacity_wh: 100_000,
            max_charge_w: 10_000,
            max_discharge_w: 20_000,
            efficiency: eta,
            initial_soc: soc,
        }
    }

    #[test]
    fn given_discharge_over_limit_when_applied_then_capped_at_max_discharge() {
        let mut b = SimBattery::new(model(50.0, 1.0));
        let s = b.apply(30_000, 3600);
        assert_eq!(s, BatteryStep { power_w: 20_000.0, limited: true });
        assert_eq!(b.stored_wh(), 30_000.0);
    }

    #[test]
    fn given_efficiency_when_charging_then_stores_power_times_time_times_eta() {
        let mut b = SimBattery::new(model(50.0, 0.8));
        let s = b.apply(-5_000, 3600);
        assert_eq!(s, BatteryStep { power_w: -5_000.0, limited: false });
        assert_eq!(b.stored_wh(), 54_000.0);
        assert_eq!(b.soc_pct(), 54.0);
    }

    #[test]
    fn given_discharging_when_applied_then_takes_power_times_time_without_losses() {
        let mut b = SimBattery::new(model(50.0, 0.8));
        b.apply(10_000, 1800);
        assert_eq!(b.stored_wh(), 45_000.0);
    }

    #[test]
    fn given_nearly_empty_battery_when_discharging_then_power_reduced_to_what_is_left() {
        let mut b = SimBattery::new(model(1.0, 1.0));
        let s = b.apply(20_000, 3600);
        assert_eq!(s, BatteryStep { power_w: 1_000.0, limited: true });
        assert_eq!(b.soc_pct(), 0.0);
        assert_eq!(b.apply(5_000, 60).power_w, 0.0);
    }

    #[test]
    fn given_nearly_full_battery_when_charging_then_stops_at_capacity() {
        let mut b = SimBattery::new(model(99.0, 0.5));
        let s = b.apply(-10_000, 3600);
        // 1 kWh of room at η 0.5 takes 2 kWh from the grid over the hour.
        assert_eq!(s, BatteryStep { power_w: -2_000.0, limited: true });
        assert_eq!(b.soc_pct(), 100.0);
    }

    #[test]
    fn given_bad_fields_when_validated_then_message_names_the_field() {
        let mut m = model(50.0, 0.0);
        assert!(m.validate().unwrap_err().starts_with("battery.efficiency"));
        m.efficiency = 0.9;
        m.initial_soc = 101.0;
        assert!(m.validate().unwrap_err().starts_with("battery.initial_soc"));
        m.initial_soc = 50.0;
        m.capacity_wh = 0;
        assert!(m.validate().unwrap_err().starts_with("battery.capacity_wh"));
        m.capacity_wh = 1;
        m.max_charge_w = -1;
        assert!(m.validate().unwrap_err().starts_with("battery.max_charge_w"));
    }
}
