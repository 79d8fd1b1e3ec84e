//! Connectors of charge points and their status history on the unit of work.

use crate::charging_rows::{connector_from_row, history_from_row, CONNECTOR_COLUMNS, HISTORY_COLUMNS};
use crate::rows::db_err;
use crate::StoreTx;
use async_trait::async_trait;
use mgc_charging::{ChargePointId, Connector, ConnectorRepository, ConnectorStatusEntry};
use mgc_kernel::{RepoError, TenantId};

/// History entries loaded with a connector (the most recent ones).
const HISTORY_TAIL: i64 = 20;

#[async_trait]
impl ConnectorRepository for StoreTx {
    async fn connector(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        number: u32,
    ) -> Result<Option<Connector>, RepoError> {
        let sql = format!(
            "SELECT {CONNECTOR_COLUMNS} FROM charging_connectors WHERE tenant_id = $1 AND charge_point_id = $2 AND number = $3"
        );
        let found = on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point.as_uuid())
            .bind(i64::from(number)).fetch_optional(&mut *c).await.map_err(db_err)?.as_ref()
            .map(connector_from_row).transpose()?);
        let Some(mut connector) = found else { return Ok(None) };
        let sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM charging_connector_history
             WHERE tenant_id = $1 AND charge_point_id = $2 AND number = $3 ORDER BY seq DESC LIMIT $4"
        );
        let mut history = on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point.as_uuid())
            .bind(i64::from(number)).bind(HISTORY_TAIL).fetch_all(&mut *c).await.map_err(db_err)?
            .iter().map(history_from_row).collect::<Result<Vec<_>, _>>()?);
        history.reverse();
        connector.history = history;
        Ok(Some(connector))
    }

    async fn save_connector(&mut self, k: &Connector, new: &[ConnectorStatusEntry]) -> Result<(), RepoError> {
        let sql = "INSERT INTO charging_connectors (charge_point_id, number, tenant_id, status, error_code, info, vendor_id,
            vendor_error_code, status_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (charge_point_id, number) DO UPDATE SET status = excluded.status, error_code = excluded.error_code,
            info = excluded.info, vendor_id = excluded.vendor_id, vendor_error_code = excluded.vendor_error_code,
            status_at = excluded.status_at WHERE charging_connectors.tenant_id = excluded.tenant_id";
        let saved = on_tx!(self, c => sqlx::query(sql)
            .bind(k.charge_point_id.as_uuid()).bind(i64::from(k.number)).bind(k.tenant.as_str()).bind(k.status.as_str())
            .bind(k.error_code.as_str()).bind(k.info.as_deref()).bind(k.vendor_id.as_deref())
            .bind(k.vendor_error_code.as_deref()).bind(k.status_at)
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        if saved != 1 {
            return Err(RepoError::Conflict(format!("connector {} belongs to another tenant", k.number)));
        }
        let sql = "INSERT INTO charging_connector_history (tenant_id, charge_point_id, number, from_status, status,
            error_code, info, vendor_id, vendor_error_code, at, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        for e in new {
            on_tx!(self, c => sqlx::query(sql)
                .bind(k.tenant.as_str()).bind(k.charge_point_id.as_uuid()).bind(i64::from(k.number))
                .bind(e.from.map(|s| s.as_str())).bind(e.status.as_str()).bind(e.error_code.as_str())
                .bind(e.info.as_deref()).bind(e.vendor_id.as_deref()).bind(e.vendor_error_code.as_deref())
                .bind(e.at).bind(e.received_at)
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }
}
