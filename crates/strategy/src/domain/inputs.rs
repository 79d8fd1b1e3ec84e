//! What a decision sees of a station at one moment (from the latest values read model live,
//! from history in a shadow run). A missing value is `None`, never a silent zero.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// A station's state at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationInputs {
    /// The moment (UTC).
    pub at: DateTime<Utc>,
    /// The same moment on the station's wall clock.
    pub local: NaiveDateTime,
    /// Net power at the grid connection (W): positive imports, negative exports.
    pub grid_power_w: Option<f64>,
    /// PV generation (W, magnitude).
    pub pv_power_w: Option<f64>,
    /// Battery power (W): positive discharges, negative charges.
    pub battery_power_w: Option<f64>,
    /// Battery state of charge (%).
    pub soc_pct: Option<f64>,
    /// Import band of the station's tariff now (e.g. `valley`), when a tariff prices today.
    pub band: Option<String>,
}
