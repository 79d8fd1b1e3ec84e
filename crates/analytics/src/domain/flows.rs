//! Semantic energy flows of a station and which device points measure them.
//!
//! For each device and flow the first source in the list that has data is used, so a
//! device with both a meter and a power point is counted once, from the meter. Sign
//! conventions follow the point catalogue (`active_power_w` positive when consuming,
//! `battery_power_w` positive when discharging; the `*_power_w` magnitudes never negative).

use super::integrate::PowerPart;
use mgc_contracts::FlowEnergy;
use serde::{Deserialize, Serialize};

/// A semantic flow of station energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Energy drawn from the grid.
    GridImport,
    /// Energy fed into the grid.
    GridExport,
    /// Photovoltaic generation.
    PvGeneration,
    /// Energy put into batteries.
    BatteryCharge,
    /// Energy taken out of batteries.
    BatteryDischarge,
    /// Site load.
    Load,
    /// EV charging.
    Charging,
}

impl Flow {
    /// Every flow.
    pub const ALL: [Flow; 7] = [
        Flow::GridImport,
        Flow::GridExport,
        Flow::PvGeneration,
        Flow::BatteryCharge,
        Flow::BatteryDischarge,
        Flow::Load,
        Flow::Charging,
    ];

    /// Adds `wh` to this flow's field of `energy` (saturating).
    pub fn add_to(self, energy: &mut FlowEnergy, wh: i64) {
        let field = match self {
            Flow::GridImport => &mut energy.grid_import_wh,
            Flow::GridExport => &mut energy.grid_export_wh,
            Flow::PvGeneration => &mut energy.pv_generation_wh,
            Flow::BatteryCharge => &mut energy.battery_charge_wh,
            Flow::BatteryDischarge => &mut energy.battery_discharge_wh,
            Flow::Load => &mut energy.load_wh,
            Flow::Charging => &mut energy.charging_wh,
        };
        *field = field.saturating_add(wh);
    }
}

/// Where a device's contribution to a flow comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Growth of a cumulative meter point.
    Meter(&'static str),
    /// Integral of (a part of) a power point.
    Power(&'static str, PowerPart),
}

impl Source {
    /// The point read.
    #[must_use]
    pub fn point(&self) -> &'static str {
        match self {
            Source::Meter(p) | Source::Power(p, _) => p,
        }
    }
}

use PowerPart::{Negative, Positive, Signed};
use Source::{Meter, Power};

/// Candidate sources of `flow` for a device of `kind`, best first.
#[must_use]
pub fn sources(kind: &str, flow: Flow) -> &'static [Source] {
    match (kind, flow) {
        ("meter", Flow::GridImport) => {
            &[Meter("energy_import_wh"), Power("grid_import_power_w", Signed), Power("active_power_w", Positive)]
        }
        ("meter", Flow::GridExport) => {
            &[Meter("energy_export_wh"), Power("grid_export_power_w", Signed), Power("active_power_w", Negative)]
        }
        ("pv_inverter", Flow::PvGeneration) => {
            &[Meter("energy_export_wh"), Power("pv_power_w", Signed), Power("active_power_w", Negative)]
        }
        ("battery" | "pcs", Flow::BatteryCharge) => &[
            Meter("energy_import_wh"),
            Power("charge_power_w", Signed),
            Power("battery_power_w", Negative),
            Power("active_power_w", Positive),
        ],
        ("battery" | "pcs", Flow::BatteryDischarge) => &[
            Meter("energy_export_wh"),
            Power("discharge_power_w", Signed),
            Power("battery_power_w", Positive),
            Power("active_power_w", Negative),
        ],
        ("load", Flow::Load) => {
            &[Meter("energy_import_wh"), Power("load_power_w", Signed), Power("active_power_w", Positive)]
        }
        ("charger", Flow::Charging) => {
            &[Meter("energy_import_wh"), Power("charge_power_w", Signed), Power("active_power_w", Positive)]
        }
        // Site-level magnitudes any device (an EMS, a gateway) may report.
        (_, Flow::GridImport) => &[Power("grid_import_power_w", Signed)],
        (_, Flow::GridExport) => &[Power("grid_export_power_w", Signed)],
        (_, Flow::PvGeneration) => &[Power("pv_power_w", Signed)],
        (_, Flow::Load) => &[Power("load_power_w", Signed)],
        _ => &[],
    }
}
