//! Stations: a site with its own time zone, where devices live.

use chrono::{DateTime, Utc};
use mgc_kernel::{StationId, StationTz, TenantId};
use serde::{Deserialize, Serialize};

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude in degrees (-90..=90).
    pub latitude: f64,
    /// Longitude in degrees (-180..=180).
    pub longitude: f64,
}

impl GeoPoint {
    /// Checks the ranges; the message names the bad coordinate.
    pub fn validate(&self) -> Result<(), String> {
        if !(-90.0..=90.0).contains(&self.latitude) {
            return Err(format!("latitude {} is outside -90..90", self.latitude));
        }
        if !(-180.0..=180.0).contains(&self.longitude) {
            return Err(format!("longitude {} is outside -180..180", self.longitude));
        }
        Ok(())
    }
}

/// A station (site) of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Station {
    /// Id.
    pub id: StationId,
    /// Owner.
    pub tenant: TenantId,
    /// The caller's own stable key (idempotent provisioning matches on it).
    pub code: String,
    /// Display name.
    pub name: String,
    /// IANA time zone: windows and tariffs are computed in it.
    pub time_zone: StationTz,
    /// Where it is.
    pub location: Option<GeoPoint>,
    /// Rated capacity in kW.
    pub capacity_kw: Option<f64>,
    /// ThingsBoard asset id.
    pub tb_asset_id: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Station {
    /// True when the descriptive fields equal `other`'s (ids and times aside).
    pub fn same_content(&self, other: &Station) -> bool {
        self.code == other.code
            && self.name == other.name
            && self.time_zone == other.time_zone
            && self.location == other.location
            && self.capacity_kw == other.capacity_kw
            && self.tb_asset_id == other.tb_asset_id
    }
}
