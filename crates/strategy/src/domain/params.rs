//! Typed parameters of each strategy type and their validation. Powers are whole watts;
//! battery power is positive when discharging (the catalogue's `battery_power_w` sign).

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// A strategy's type and parameters (`{"type": "peak_shaving", "params": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "params", rename_all = "snake_case")]
pub enum StrategyParams {
    /// Set-points at local times.
    Schedule(ScheduleParams),
    /// Keep grid import under a limit with the battery.
    PeakShaving(PeakShavingParams),
    /// Keep grid export under a threshold by curtailing PV.
    AntiBackflow(AntiBackflowParams),
    /// Charge in cheap tariff bands, discharge in expensive ones.
    TouArbitrage(TouArbitrageParams),
}

/// Battery bounds every battery strategy respects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryLimits {
    /// Never discharge at or below this state of charge (%).
    pub min_soc_pct: f64,
    /// Never charge at or above this state of charge (%).
    pub max_soc_pct: f64,
    /// Largest charging power (W, > 0).
    pub max_charge_w: i64,
    /// Largest discharging power (W, > 0).
    pub max_discharge_w: i64,
}

/// Which local days a schedule entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaySelector {
    /// Every day.
    All,
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday.
    Weekend,
    /// Mondays.
    Mon,
    /// Tuesdays.
    Tue,
    /// Wednesdays.
    Wed,
    /// Thursdays.
    Thu,
    /// Fridays.
    Fri,
    /// Saturdays.
    Sat,
    /// Sundays.
    Sun,
}

impl DaySelector {
    /// True when the selector covers `day`.
    #[must_use]
    pub fn covers(self, day: Weekday) -> bool {
        use DaySelector as D;
        match self {
            D::All => true,
            D::Weekday => !matches!(day, Weekday::Sat | Weekday::Sun),
            D::Weekend => matches!(day, Weekday::Sat | Weekday::Sun),
            D::Mon => day == Weekday::Mon,
            D::Tue => day == Weekday::Tue,
            D::Wed => day == Weekday::Wed,
            D::Thu => day == Weekday::Thu,
            D::Fri => day == Weekday::Fri,
            D::Sat => day == Weekday::Sat,
            D::Sun => day == Weekday::Sun,
        }
    }
}

/// One schedule entry: from local time `at` on the selected days, these set-points hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// Local time `HH:MM`.
    pub at: String,
    /// Days it applies to (default every day).
    #[serde(default = "all_days")]
    pub days: Vec<DaySelector>,
    /// Battery power set-point (W, positive discharges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_power_w: Option<i64>,
    /// PCS mode set-point (e.g. `grid_tied`, `standby`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcs_mode: Option<String>,
}

fn all_days() -> Vec<DaySelector> {
    vec![DaySelector::All]
}

impl ScheduleEntry {
    /// The parsed local time (validated by [`StrategyParams::validate`]).
    #[must_use]
    pub fn time(&self) -> Option<NaiveTime> {
        // Exactly two digits each: `9:05` or `09:5` are not taken (chrono alone would).
        let b = self.at.as_bytes();
        let digits = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
        digits.then(|| NaiveTime::parse_from_str(&self.at, "%H:%M").ok()).flatten()
    }
}

/// Parameters of a `schedule` strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleParams {
    /// Entries; at a moment the latest entry at or before the local time of a matching day holds.
    pub entries: Vec<ScheduleEntry>,
}

/// Parameters of a `peak_shaving` strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeakShavingParams {
    /// Grid import must stay at or under this (W, > 0).
    pub import_limit_w: i64,
    /// Recharge the battery only while grid import without it is under this level (W, < limit),
    /// and never so fast that import rises above it.
    pub recharge_below_w: i64,
    /// Battery bounds.
    pub battery: BatteryLimits,
}

/// Parameters of an `anti_backflow` strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntiBackflowParams {
    /// Grid export must stay at or under this (W, ≥ 0; 0 = no export at all).
    pub export_limit_w: i64,
    /// Rated PV power of the station (W, > 0): a limit at or above it means "no limit".
    pub pv_rated_w: i64,
    /// Safety margin kept under the export limit (W, ≥ 0).
    #[serde(default)]
    pub margin_w: i64,
}

/// Parameters of a `tou_arbitrage` strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TouArbitrageParams {
    /// Import bands of the station's tariff in which to charge (e.g. `["valley"]`).
    pub charge_bands: Vec<String>,
    /// Import bands in which to discharge (e.g. `["peak", "sharp"]`).
    pub discharge_bands: Vec<String>,
    /// Charging power (W, > 0, ≤ the battery's max).
    pub charge_w: i64,
    /// Discharging power (W, > 0, ≤ the battery's max).
    pub discharge_w: i64,
    /// When false (default) discharge no more than the site draws from the grid (no export).
    #[serde(default)]
    pub allow_export: bool,
    /// Battery bounds.
    pub battery: BatteryLimits,
}

impl BatteryLimits {
    fn validate(&self, path: &str) -> Result<(), String> {
        let soc_ok = |v: f64| v.is_finite() && (0.0..=100.0).contains(&v);
        if !soc_ok(self.min_soc_pct) || !soc_ok(self.max_soc_pct) {
            return Err(format!("{path}.min_soc_pct/max_soc_pct: must be between 0 and 100"));
        }
        if self.min_soc_pct >= self.max_soc_pct {
            return Err(format!(
                "{path}.min_soc_pct: {} must be below max_soc_pct {}",
                self.min_soc_pct, self.max_soc_pct
            ));
        }
        positive(&format!("{path}.max_charge_w"), self.max_charge_w)?;
        positive(&format!("{path}.max_discharge_w"), self.max_discharge_w)
    }
}

const MAX_W: i64 = 1_000_000_000;

fn positive(path: &str, v: i64) -> Result<(), String> {
    if v <= 0 || v > MAX_W {
        return Err(format!("{path}: must be between 1 and {MAX_W} W, got {v}"));
    }
    Ok(())
}

impl StrategyParams {
    /// Every type name.
    pub const TYPE_NAMES: [&'static str; 4] = ["schedule", "peak_shaving", "anti_backflow", "tou_arbitrage"];

    /// The type name (`schedule`, `peak_shaving`, `anti_backflow`, `tou_arbitrage`).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            StrategyParams::Schedule(_) => "schedule",
            StrategyParams::PeakShaving(_) => "peak_shaving",
            StrategyParams::AntiBackflow(_) => "anti_backflow",
            StrategyParams::TouArbitrage(_) => "tou_arbitrage",
        }
    }

    /// Builds typed parameters from a `type` name and a `params` object; the message names the
    /// field (`type`, or `params: ...` with serde's description of what is wrong).
    pub fn from_parts(type_name: &str, params: serde_json::Value) -> Result<StrategyParams, String> {
        if !Self::TYPE_NAMES.contains(&type_name) {
            return Err(format!(
                "type: unknown strategy type '{type_name}' (expected one of {})",
                Self::TYPE_NAMES.join(", ")
            ));
        }
        serde_json::from_value(serde_json::json!({"type": type_name, "params": params}))
            .map_err(|e| format!("params: {e}"))
    }

    /// Checks every field; the message names the field (`params.<field>`) and what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            StrategyParams::Schedule(p) => validate_schedule(p),
            StrategyParams::PeakShaving(p) => {
                positive("params.import_limit_w", p.import_limit_w)?;
                if p.recharge_below_w < 0 || p.recharge_below_w >= p.import_limit_w {
                    return Err(format!(
                        "params.recharge_below_w: must be between 0 and import_limit_w ({}) exclusive, got {}",
                        p.import_limit_w, p.recharge_below_w
                    ));
                }
                p.battery.validate("params.battery")
            }
            StrategyParams::AntiBackflow(p) => {
                if !(0..=MAX_W).contains(&p.export_limit_w) {
                    return Err(format!("params.export_limit_w: must be between 0 and {MAX_W} W"));
                }
                positive("params.pv_rated_w", p.pv_rated_w)?;
                if !(0..=p.pv_rated_w).contains(&p.margin_w) {
                    return Err(format!("params.margin_w: must be between 0 and pv_rated_w ({})", p.pv_rated_w));
                }
                Ok(())
            }
            StrategyParams::TouArbitrage(p) => validate_tou(p),
        }
    }
}

fn validate_schedule(p: &ScheduleParams) -> Result<(), String> {
    if p.entries.is_empty() || p.entries.len() > 200 {
        return Err("params.entries: must have 1-200 entries".to_owned());
    }
    for (i, e) in p.entries.iter().enumerate() {
        let path = format!("params.entries[{i}]");
        if e.time().is_none() {
            return Err(format!("{path}.at: '{}' is not a local time HH:MM", e.at));
        }
        if e.days.is_empty() {
            return Err(format!("{path}.days: must name at least one day selector"));
        }
        if e.battery_power_w.is_none() && e.pcs_mode.is_none() {
            return Err(format!("{path}: sets nothing (give battery_power_w and/or pcs_mode)"));
        }
        if let Some(w) = e.battery_power_w {
            if w.abs() > MAX_W {
                return Err(format!("{path}.battery_power_w: must be within ±{MAX_W} W"));
            }
        }
        if let Some(m) = &e.pcs_mode {
            if m.trim().is_empty() || m.chars().count() > 64 || m.chars().any(char::is_control) {
                return Err(format!("{path}.pcs_mode: must be 1-64 printable characters"));
            }
        }
    }
    Ok(())
}

fn validate_tou(p: &TouArbitrageParams) -> Result<(), String> {
    p.battery.validate("params.battery")?;
    if p.charge_bands.is_empty() || p.discharge_bands.is_empty() {
        return Err("params.charge_bands/discharge_bands: each must name at least one tariff band".to_owned());
    }
    for (field, bands) in [("charge_bands", &p.charge_bands), ("discharge_bands", &p.discharge_bands)] {
        if let Some((i, b)) = bands
            .iter()
            .enumerate()
            .find(|(_, b)| b.trim().is_empty() || b.chars().count() > 64 || b.chars().any(char::is_control))
        {
            return Err(format!(
                "params.{field}[{i}]: '{}' is not a band name (1-64 printable characters)",
                b.escape_debug()
            ));
        }
    }
    if let Some(b) = p.charge_bands.iter().find(|b| p.discharge_bands.contains(b)) {
        return Err(format!("params.charge_bands: band '{b}' is also a discharge band"));
    }
    positive("params.charge_w", p.charge_w)?;
    positive("params.discharge_w", p.discharge_w)?;
    if p.charge_w > p.battery.max_charge_w {
        return Err(format!("params.charge_w: {} exceeds battery.max_charge_w {}", p.charge_w, p.battery.max_charge_w));
    }
    if p.discharge_w > p.battery.max_discharge_w {
        return Err(format!(
            "params.discharge_w: {} exceeds battery.max_discharge_w {}",
            p.discharge_w, p.battery.max_discharge_w
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn peak(v: serde_json::Value) -> Result<StrategyParams, String> {
        let p: StrategyParams =
            serde_json::from_value(json!({"type": "peak_shaving", "params": v})).map_err(|e| e.to_string())?;
        p.validate().map(|()| p)
    }

    #[test]
    fn given_valid_peak_shaving_json_when_parsed_then_typed_and_valid() {
        let p = peak(json!({"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}))
        .unwrap();
        assert_eq!(p.type_name(), "peak_shaving");
    }

    #[test]
    fn given_recharge_level_above_limit_when_validated_then_message_names_field() {
        let err = peak(json!({"import_limit_w": 50000, "recharge_below_w": 60000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}))
        .unwrap_err();
        assert!(err.contains("params.recharge_below_w"), "{err}");
    }

    #[test]
    fn given_inverted_soc_bounds_when_validated_then_rejected() {
        let err = peak(json!({"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 90.0, "max_soc_pct": 20.0, "max_charge_w": 20000, "max_discharge_w": 25000}}))
        .unwrap_err();
        assert!(err.contains("params.battery.min_soc_pct"), "{err}");
    }

    #[test]
    fn given_schedule_with_bad_time_when_validated_then_entry_is_named() {
        let p: StrategyParams = serde_json::from_value(json!({"type": "schedule",
            "params": {"entries": [{"at": "07:00", "battery_power_w": 0}, {"at": "25:00", "battery_power_w": 1}]}}))
        .unwrap();
        assert!(p.validate().unwrap_err().contains("params.entries[1].at"));
    }

    #[test]
    fn given_tou_band_in_both_lists_when_validated_then_rejected() {
        let p: StrategyParams = serde_json::from_value(json!({"type": "tou_arbitrage", "params": {
            "charge_bands": ["valley"], "discharge_bands": ["peak", "valley"], "charge_w": 1000, "discharge_w": 1000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 2000, "max_discharge_w": 2000}}}))
        .unwrap();
        assert!(p.validate().unwrap_err().contains("'valley'"));
    }

    #[test]
    fn given_tou_band_with_control_character_when_validated_then_named() {
        let p: StrategyParams = serde_json::from_value(json!({"type": "tou_arbitrage", "params": {
            "charge_bands": ["valley"], "discharge_bands": ["peak", "pe\tak"], "charge_w": 1000, "discharge_w": 1000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 2000, "max_discharge_w": 2000}}}))
        .unwrap();
        assert!(p.validate().unwrap_err().contains("params.discharge_bands[1]"));
    }

    #[test]
    fn given_schedule_times_then_only_two_digit_hh_mm_is_a_time() {
        let entry =
            |at: &str| ScheduleEntry { at: at.into(), days: all_days(), battery_power_w: Some(1), pcs_mode: None };
        assert!(entry("09:05").time().is_some());
        assert!(entry("23:59").time().is_some());
        for bad in ["9:05", "09:5", "24:00", "0905", "09:05 ", "+9:05"] {
            assert!(entry(bad).time().is_none(), "{bad:?} taken as a time");
        }
    }
}
