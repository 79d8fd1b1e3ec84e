//! Events about daily settlements and monthly statements.

use crate::IntegrationEvent;
use mgc_kernel::uuid::Uuid;
use mgc_kernel::StationId;
use serde::{Deserialize, Serialize};

/// A station's day got a new settlement version (priced or unpriced).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySettled {
    /// Station.
    pub station_id: StationId,
    /// Settlement id.
    pub settlement_id: Uuid,
    /// Local date `YYYY-MM-DD`.
    pub day: String,
    /// New settlement version.
    pub version: u32,
    /// `calculated` or `unpriced`.
    pub state: String,
    /// Currency when priced.
    pub currency: Option<String>,
    /// Net amount (import cost − export revenue) in minor units when priced.
    pub net_minor: Option<i64>,
}

impl IntegrationEvent for DaySettled {
    const TYPE: &'static str = "settlement.day_settled";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("settlement", self.settlement_id.to_string())
    }
}

/// A station's day settlement was frozen (final; later changes become adjustments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFrozen {
    /// Station.
    pub station_id: StationId,
    /// Settlement id.
    pub settlement_id: Uuid,
    /// Local date `YYYY-MM-DD`.
    pub day: String,
    /// Frozen version.
    pub version: u32,
}

impl IntegrationEvent for DayFrozen {
    const TYPE: &'static str = "settlement.day_frozen";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("settlement", self.settlement_id.to_string())
    }
}

/// A frozen day was recomputed: the difference is recorded as an adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayAdjusted {
    /// Station.
    pub station_id: StationId,
    /// Settlement id.
    pub settlement_id: Uuid,
    /// Adjustment id.
    pub adjustment_id: Uuid,
    /// Local date `YYYY-MM-DD`.
    pub day: String,
    /// Currency.
    pub currency: String,
    /// Net change in minor units.
    pub net_delta_minor: i64,
}

impl IntegrationEvent for DayAdjusted {
    const TYPE: &'static str = "settlement.day_adjusted";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("settlement", self.settlement_id.to_string())
    }
}

/// A monthly statement was issued (`issued`) or voided (`void`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementChanged {
    /// Station.
    pub station_id: StationId,
    /// Statement id.
    pub statement_id: Uuid,
    /// Local month `YYYY-MM`.
    pub month: String,
    /// Statement version.
    pub version: u32,
    /// `issued` or `void`.
    pub state: String,
    /// SHA-256 content hash (hex).
    pub content_hash: Option<String>,
    /// Currency.
    pub currency: String,
    /// Amount due in minor units.
    pub net_minor: i64,
}

impl IntegrationEvent for StatementChanged {
    const TYPE: &'static str = "settlement.statement_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("statement", self.statement_id.to_string())
    }
}
