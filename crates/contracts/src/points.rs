//! The catalogue of semantic points every statistic, settlement and alarm speaks in (the
//! published language of the contexts; masterdata validates mappings against it).
//!
//! Sign conventions: `active_power_w` is positive when the device consumes (imports) and
//! negative when it delivers; `battery_power_w` is positive when the battery **discharges**
//! and negative when it charges; `grid_import_power_w`/`grid_export_power_w`,
//! `charge_power_w`/`discharge_power_w` and `pv_power_w` are magnitudes (never negative).
//! Cumulative counters (`*_wh` meters) only grow; a drop is a meter reset.

use serde::Serialize;

/// How a point's values relate over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointNature {
    /// A sampled instantaneous value (power, voltage, temperature).
    Instantaneous,
    /// An ever-growing meter reading (energy counters).
    Cumulative,
    /// A state or level (state of charge, status code).
    State,
}

/// One semantic point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PointDef {
    /// Stable name, e.g. `active_power_w`.
    pub name: &'static str,
    /// Unit of its values.
    pub unit: &'static str,
    /// How values relate over time.
    pub nature: PointNature,
    /// What it measures.
    pub description: &'static str,
}

const fn def(name: &'static str, unit: &'static str, nature: PointNature, description: &'static str) -> PointDef {
    PointDef { name, unit, nature, description }
}

use PointNature::{Cumulative, Instantaneous, State};

static CATALOGUE: &[PointDef] = &[
    def("active_power_w", "W", Instantaneous, "active power, positive when consuming"),
    def("reactive_power_var", "var", Instantaneous, "reactive power"),
    def("energy_import_wh", "Wh", Cumulative, "imported energy meter reading"),
    def("energy_export_wh", "Wh", Cumulative, "exported energy meter reading"),
    def("soc_pct", "%", State, "battery state of charge"),
    def("voltage_v", "V", Instantaneous, "voltage"),
    def("current_a", "A", Instantaneous, "current"),
    def("frequency_hz", "Hz", Instantaneous, "grid frequency"),
    def("temperature_c", "°C", Instantaneous, "temperature"),
    def("grid_import_power_w", "W", Instantaneous, "power drawn from the grid (magnitude)"),
    def("grid_export_power_w", "W", Instantaneous, "power fed into the grid (magnitude)"),
    def("pv_power_w", "W", Instantaneous, "photovoltaic generation (magnitude)"),
    def("battery_power_w", "W", Instantaneous, "battery power, positive when discharging"),
    def("charge_power_w", "W", Instantaneous, "charging power (magnitude)"),
    def("discharge_power_w", "W", Instantaneous, "discharging power (magnitude)"),
    def("load_power_w", "W", Instantaneous, "site load (magnitude)"),
    def("status_code", "", State, "device status or fault code"),
];

/// Every semantic point.
pub fn catalogue() -> &'static [PointDef] {
    CATALOGUE
}

/// The point named `name`, if it is in the catalogue.
pub fn lookup_point(name: &str) -> Option<&'static PointDef> {
    CATALOGUE.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_catalogue_then_names_are_unique_and_lookup_finds_them() {
        let mut names: Vec<_> = catalogue().iter().map(|p| p.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        assert_eq!(lookup_point("energy_import_wh").map(|p| p.nature), Some(PointNature::Cumulative));
        assert!(lookup_point("power").is_none());
    }
}
