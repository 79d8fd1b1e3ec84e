//! The statistics analytics keeps: one row per station window and per device point window,
//! versioned (a recompute that changes a figure adds version n+1; earlier ones stay readable).

use super::point_stats::PointFigures;
use chrono::{DateTime, Utc};
use mgc_contracts::{EnergySlot, FlowEnergy, SourceVersion};
use mgc_kernel::{DeviceId, Granularity, StationId, TenantId, Window};
use serde::Serialize;

/// Station figures of one window in one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationStat {
    /// Tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Station (the page carries it).
    #[serde(skip)]
    pub station_id: StationId,
    /// Window size (the page carries it).
    #[serde(skip)]
    pub granularity: Granularity,
    /// Local label (`2026-03-08T02`, `2026-03-08`, `2026-03`, `2026`).
    pub period: String,
    /// Window in UTC.
    #[serde(flatten)]
    pub window: Window,
    /// Version, 1 when first closed.
    pub version: u32,
    /// Whether this is the version queries serve.
    pub current: bool,
    /// Energy per flow.
    pub energy: FlowEnergy,
    /// Share of the window backed by data (mean over the sources used).
    pub coverage: f64,
    /// Why coverage is below 100 % (absent at full coverage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// 15-minute energy slots (hours and days only; not served by list queries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<EnergySlot>,
    /// Finer statistics it was built from (days and above).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceVersion>,
    /// When it was calculated.
    #[serde(serialize_with = "mgc_kernel::utc_text::serialize")]
    pub calculated_at: DateTime<Utc>,
}

impl StationStat {
    /// Whether `other` has the same figures (ignoring version, time and currency flag).
    #[must_use]
    pub fn same_figures(&self, other: &StationStat) -> bool {
        self.energy == other.energy
            && (self.coverage - other.coverage).abs() < 1e-9
            && self.quality == other.quality
            && self.slots == other.slots
    }
}

/// Figures of one device point over one window, in the version of its station window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointStat {
    /// Device.
    pub device_id: DeviceId,
    /// Semantic point.
    pub point: String,
    /// Window size.
    pub granularity: Granularity,
    /// Local label.
    pub period: String,
    /// Window in UTC.
    #[serde(flatten)]
    pub window: Window,
    /// Version (that of the station window it was computed with).
    pub version: u32,
    /// The figures.
    #[serde(flatten)]
    pub figures: PointFigures,
}

/// A newly computed window: the station figures and its device point figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// Station figures (version set when saved).
    pub station: StationStat,
    /// Device point figures.
    pub points: Vec<PointStat>,
}

/// A new version of a window to save: its station figures, point figures, and whether it
/// replaces a current version (which then stops being current).
#[derive(Debug, Clone, PartialEq)]
pub struct NewVersion {
    /// Station figures with the version set.
    pub stat: StationStat,
    /// Device point figures with the same version.
    pub points: Vec<PointStat>,
    /// True when an earlier version exists.
    pub replaces: bool,
}
