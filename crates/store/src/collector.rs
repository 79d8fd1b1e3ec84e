//! The pull collector's checkpoints: per source and device, the energy counters and the power
//! sample they end with.

use crate::rows::{db_err, RowExt};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_adapter_collector::{CollectorStore, DeviceCheckpoint};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{DeviceId, RepoError, TenantId};

fn checkpoint_from_row(tenant: &TenantId, source: &str, r: &impl RowExt) -> Result<DeviceCheckpoint, RepoError> {
    let last_ts = r.opt_time("last_ts")?;
    let last_power = r.opt_float("last_power_w")?;
    Ok(DeviceCheckpoint {
        tenant: tenant.clone(),
        source: source.to_owned(),
        device_id: DeviceId::from_uuid(r.uuid("device_id")?),
        reference: r.text("reference")?,
        import_wh: r.float("import_wh")?,
        export_wh: r.float("export_wh")?,
        last_sample: last_ts.zip(last_power),
    })
}

#[async_trait]
impl CollectorStore for Store {
    async fn collector_checkpoints(&self, tenant: &TenantId, source: &str) -> Result<Vec<DeviceCheckpoint>, RepoError> {
        let sql = "SELECT device_id, reference, import_wh, export_wh, last_ts, last_power_w FROM collector_checkpoints
            WHERE tenant_id = $1 AND source = $2 ORDER BY reference";
        on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(source).fetch_all(p).await.map_err(db_err)?
            .iter().map(|r| checkpoint_from_row(tenant, source, r)).collect())
    }

    async fn save_collector_checkpoints(&self, rows: &[DeviceCheckpoint], at: DateTime<Utc>) -> Result<(), RepoError> {
        let sql = "INSERT INTO collector_checkpoints
            (tenant_id, source, device_id, reference, import_wh, export_wh, last_ts, last_power_w, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (tenant_id, source, device_id) DO UPDATE SET reference = excluded.reference,
            import_wh = excluded.import_wh, export_wh = excluded.export_wh, last_ts = excluded.last_ts,
            last_power_w = excluded.last_power_w, updated_at = excluded.updated_at";
        let mut tx = self.begin().await?;
        for row in rows {
            let (ts, w) = row.last_sample.map_or((None, None), |(ts, w)| (Some(ts), Some(w)));
            on_tx!(tx, c => sqlx::query(sql).bind(row.tenant.as_str()).bind(row.source.as_str())
                .bind(row.device_id.as_uuid()).bind(row.reference.as_str()).bind(row.import_wh).bind(row.export_wh)
                .bind(ts).bind(w).bind(at).execute(&mut *c).await.map(|_| ()).map_err(db_err)?);
        }
        tx.commit().await
    }
}
