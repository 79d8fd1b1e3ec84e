//! Events about energy statistics of stations.

use crate::IntegrationEvent;
use chrono::{DateTime, Utc};
use mgc_kernel::{Granularity, StationId};
use serde::{Deserialize, Serialize};

/// Energy of a station per semantic flow over some interval, in integer Wh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowEnergy {
    /// Energy drawn from the grid.
    pub grid_import_wh: i64,
    /// Energy fed into the grid.
    pub grid_export_wh: i64,
    /// Photovoltaic generation.
    pub pv_generation_wh: i64,
    /// Energy put into batteries.
    pub battery_charge_wh: i64,
    /// Energy taken out of batteries.
    pub battery_discharge_wh: i64,
    /// Site load.
    pub load_wh: i64,
    /// Energy delivered to EV chargers.
    pub charging_wh: i64,
}

impl FlowEnergy {
    /// Flow-by-flow sum (saturating).
    #[must_use]
    pub fn plus(&self, other: &FlowEnergy) -> FlowEnergy {
        FlowEnergy {
            grid_import_wh: self.grid_import_wh.saturating_add(other.grid_import_wh),
            grid_export_wh: self.grid_export_wh.saturating_add(other.grid_export_wh),
            pv_generation_wh: self.pv_generation_wh.saturating_add(other.pv_generation_wh),
            battery_charge_wh: self.battery_charge_wh.saturating_add(other.battery_charge_wh),
            battery_discharge_wh: self.battery_discharge_wh.saturating_add(other.battery_discharge_wh),
            load_wh: self.load_wh.saturating_add(other.load_wh),
            charging_wh: self.charging_wh.saturating_add(other.charging_wh),
        }
    }
}

/// Station energy in one 15-minute slot of local time (shorter only where a UTC-offset
/// change clips an hour); tariffs price energy slot by slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnergySlot {
    /// First instant of the slot (UTC).
    pub start: DateTime<Utc>,
    /// First instant after the slot (UTC).
    pub end: DateTime<Utc>,
    /// Energy per flow inside the slot.
    pub energy: FlowEnergy,
}

/// Which version of an hour statistic a day (or month) figure was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceVersion {
    /// Local label of the source window (`2026-03-08T02`, `2026-03-08`).
    pub period: String,
    /// First instant of the source window (UTC).
    pub start: DateTime<Utc>,
    /// Version of the source statistic.
    pub version: u32,
}

/// A station statistic window of a day, month or year was closed (version 1) or recomputed
/// (version n+1). Hour windows are not announced (nothing consumes them; read them through the
/// stats API).
///
/// Day events carry the day's 15-minute energy slots so settlement can price them without
/// reading analytics tables; month/year events none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatisticCalculated {
    /// Station.
    pub station_id: StationId,
    /// IANA time zone the window is aligned to.
    pub time_zone: String,
    /// Window size.
    pub granularity: Granularity,
    /// Local label of the window (`2026-03-08T02`, `2026-03-08`, `2026-03`, `2026`).
    pub period: String,
    /// First instant of the window (UTC).
    pub start: DateTime<Utc>,
    /// First instant after the window (UTC).
    pub end: DateTime<Utc>,
    /// Version of this statistic (1 when first closed).
    pub version: u32,
    /// Station energy per flow over the window.
    pub figures: FlowEnergy,
    /// Share of the window backed by data (0.0 ..= 1.0), averaged over devices and points.
    pub coverage: f64,
    /// 15-minute slots (day windows only).
    #[serde(default)]
    pub slots: Vec<EnergySlot>,
    /// Finer statistics this one was built from (empty for hours).
    #[serde(default)]
    pub sources: Vec<SourceVersion>,
}

impl IntegrationEvent for StatisticCalculated {
    const TYPE: &'static str = "analytics.statistic_calculated";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("statistic", format!("{}/{}/{}", self.station_id, self.granularity, self.period))
    }
}
