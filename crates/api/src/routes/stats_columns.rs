//! The compact form of `GET /api/v1/stats` (`format=compact`): station windows as column
//! arrays, one array per field, index i of every array describing window i. The same numbers as
//! the object form in a fraction of the bytes and serialization time (no repeated keys).

use chrono::{DateTime, Utc};
use mgc_analytics::domain::statistic::StationStat;
use serde::Serialize;
use utoipa::ToSchema;

/// Station windows as column arrays (`format=compact`); every array has one entry per window,
/// in the order of the object form's `items`.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatsColumns {
    /// Local labels (`2026-03-08T02`, `2026-03-08`, `2026-03`, `2026`).
    pub period: Vec<String>,
    /// Window starts (UTC).
    #[serde(serialize_with = "mgc_kernel::utc_text::serialize_all")]
    pub start: Vec<DateTime<Utc>>,
    /// Window ends (UTC).
    #[serde(serialize_with = "mgc_kernel::utc_text::serialize_all")]
    pub end: Vec<DateTime<Utc>>,
    /// Versions.
    pub version: Vec<u32>,
    /// Whether each is the version queries serve.
    pub current: Vec<bool>,
    /// Energy drawn from the grid (Wh).
    pub grid_import_wh: Vec<i64>,
    /// Energy fed into the grid (Wh).
    pub grid_export_wh: Vec<i64>,
    /// Photovoltaic generation (Wh).
    pub pv_generation_wh: Vec<i64>,
    /// Energy put into batteries (Wh).
    pub battery_charge_wh: Vec<i64>,
    /// Energy taken out of batteries (Wh).
    pub battery_discharge_wh: Vec<i64>,
    /// Site load (Wh).
    pub load_wh: Vec<i64>,
    /// Energy delivered to EV chargers (Wh).
    pub charging_wh: Vec<i64>,
    /// Share of each window backed by data.
    pub coverage: Vec<f64>,
    /// Why coverage is below 100 % (null at full coverage).
    pub quality: Vec<Option<String>>,
    /// When each was calculated.
    #[serde(serialize_with = "mgc_kernel::utc_text::serialize_all")]
    pub calculated_at: Vec<DateTime<Utc>>,
}

impl StatsColumns {
    /// The columns of `items`, moved out of them.
    #[must_use]
    pub fn of(items: Vec<StationStat>) -> Self {
        let n = items.len();
        let mut c = StatsColumns {
            period: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            version: Vec::with_capacity(n),
            current: Vec::with_capacity(n),
            grid_import_wh: Vec::with_capacity(n),
            grid_export_wh: Vec::with_capacity(n),
            pv_generation_wh: Vec::with_capacity(n),
            battery_charge_wh: Vec::with_capacity(n),
            battery_discharge_wh: Vec::with_capacity(n),
            load_wh: Vec::with_capacity(n),
            charging_wh: Vec::with_capacity(n),
            coverage: Vec::with_capacity(n),
            quality: Vec::with_capacity(n),
            calculated_at: Vec::with_capacity(n),
        };
        for s in items {
            let e = s.energy;
            c.period.push(s.period);
            c.start.push(s.window.start);
            c.end.push(s.window.end);
            c.version.push(s.version);
            c.current.push(s.current);
            c.grid_import_wh.push(e.grid_import_wh);
            c.grid_export_wh.push(e.grid_export_wh);
            c.pv_generation_wh.push(e.pv_generation_wh);
            c.battery_charge_wh.push(e.battery_charge_wh);
            c.battery_discharge_wh.push(e.battery_discharge_wh);
            c.load_wh.push(e.load_wh);
            c.charging_wh.push(e.charging_wh);
            c.coverage.push(s.coverage);
            c.quality.push(s.quality);
            c.calculated_at.push(s.calculated_at);
        }
        c
    }
}
