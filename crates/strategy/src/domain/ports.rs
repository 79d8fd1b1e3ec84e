//! Ports of the strategy context, implemented at the edges.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_contracts::EnergySlot;
use mgc_kernel::{RepoError, StationId, TenantId};
use serde::{Deserialize, Serialize};

/// What a day of grid energy costs under the station's tariff (settlement's rules and rounding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCost {
    /// ISO-4217 currency.
    pub currency: String,
    /// Energy drawn from the grid (Wh).
    pub import_wh: i64,
    /// Energy fed into the grid (Wh).
    pub export_wh: i64,
    /// Cost of the import (minor units).
    pub import_cost_minor: i64,
    /// Revenue of the export (minor units).
    pub export_revenue_minor: i64,
    /// Import cost − export revenue (minor units).
    pub net_minor: i64,
}

/// Read-only view of the station's tariff (implemented over the settlement context's tariffs).
#[async_trait]
pub trait TariffView: Send + Sync {
    /// The import band of every 15-minute slot starting in `[from, to)`; slots of days no
    /// tariff prices are left out. `Ok(None)` when the tenant has no such station.
    async fn import_bands(
        &self,
        tenant: &TenantId,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<Vec<(DateTime<Utc>, String)>>, RepoError>;

    /// What the 15-minute slots of the station's local `day` would cost (`Ok(None)` when no
    /// tariff prices that day).
    async fn price_day(
        &self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
        slots: &[EnergySlot],
    ) -> Result<Option<DayCost>, RepoError>;
}
