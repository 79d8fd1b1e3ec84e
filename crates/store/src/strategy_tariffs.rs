//! The strategy context's view of tariffs, answered by the settlement context's pricing rules
//! over the stored tariffs (read only: the unit of work is rolled back).

use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_contracts::EnergySlot;
use mgc_kernel::{RepoError, StationId, TenantId};
use mgc_settlement::app::price_view;
use mgc_strategy::{DayCost, TariffView};

async fn finish<T>(tx: StoreTx, out: Result<T, RepoError>) -> Result<T, RepoError> {
    let closed = tx.rollback().await;
    let value = out?;
    closed.map(|()| value)
}

#[async_trait]
impl TariffView for Store {
    async fn import_bands(
        &self,
        tenant: &TenantId,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<Vec<(DateTime<Utc>, String)>>, RepoError> {
        let mut tx = self.begin().await?;
        let out = price_view::import_bands(&mut tx, tenant, station, from, to).await;
        finish(tx, out).await
    }

    async fn price_day(
        &self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
        slots: &[EnergySlot],
    ) -> Result<Option<DayCost>, RepoError> {
        let mut tx = self.begin().await?;
        let out = price_view::price_station_day(&mut tx, tenant, station, day, slots).await;
        let figures = finish(tx, out).await?;
        Ok(figures.map(|f| DayCost {
            currency: f.currency.code().to_owned(),
            import_wh: f.import_wh,
            export_wh: f.export_wh,
            import_cost_minor: f.import_cost_minor,
            export_revenue_minor: f.export_revenue_minor,
            net_minor: f.net_minor,
        }))
    }
}
