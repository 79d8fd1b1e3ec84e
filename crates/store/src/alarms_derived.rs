//! The alarms context's derived points on the unit of work: the charger device of a charge
//! point, derived latest values, session outcomes and the notification backlog.

use crate::alarms::{origin_from_row, ORIGIN_COLUMNS};
use crate::alarms_rows::{rule_from_row, RULE_COLUMNS};
use crate::rows::{db_err, RowExt};
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{AlarmRule, DerivedFacts, Originator};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{DeviceId, RepoError, TenantId};

#[async_trait]
impl DerivedFacts for StoreTx {
    async fn charge_point_originator(
        &mut self,
        tenant: &TenantId,
        charge_point: Uuid,
    ) -> Result<Option<Originator>, RepoError> {
        let sql = format!(
            "SELECT {ORIGIN_COLUMNS} FROM charge_points cp
             JOIN devices d ON d.id = cp.device_id AND d.tenant_id = cp.tenant_id
             JOIN stations s ON s.id = d.station_id
             WHERE cp.tenant_id = $1 AND cp.id = $2"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point)
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(origin_from_row).transpose())
    }

    async fn put_derived(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        point: &str,
        value: f64,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO alarm_derived_points (tenant_id, device_id, point, ts, num_value, detail)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (tenant_id, device_id, point) DO UPDATE
                   SET ts = excluded.ts, num_value = excluded.num_value, detail = excluded.detail
                   WHERE alarm_derived_points.ts <= excluded.ts";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid()).bind(point).bind(at)
            .bind(value).bind(detail).execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(())
    }

    async fn record_session_outcome(
        &mut self,
        tenant: &TenantId,
        session: Uuid,
        device: DeviceId,
        failed: bool,
        ended_at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let sql = "INSERT INTO alarm_session_outcomes (tenant_id, session_id, device_id, failed, ended_at)
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, session_id) DO NOTHING";
        let done = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(session).bind(device.as_uuid())
            .bind(failed).bind(ended_at).execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(done == 1)
    }

    async fn recent_outcomes(&mut self, tenant: &TenantId, device: DeviceId, n: u32) -> Result<Vec<bool>, RepoError> {
        let sql = "SELECT failed FROM alarm_session_outcomes WHERE tenant_id = $1 AND device_id = $2
                   ORDER BY ended_at DESC, session_id DESC LIMIT $3";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid()).bind(i64::from(n))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(|r| r.boolean("failed")).collect())
    }

    async fn delivery_backlog(&mut self, tenant: &TenantId) -> Result<i64, RepoError> {
        let sql = "SELECT COUNT(*) FROM notification_deliveries
                   WHERE tenant_id = $1 AND state IN ('pending', 'retrying')";
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(tenant.as_str())
            .fetch_one(&mut *c).await.map_err(db_err)?))
    }

    async fn enabled_threshold_rules(&mut self) -> Result<Vec<AlarmRule>, RepoError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM alarm_rules WHERE kind = 'threshold' AND enabled ORDER BY id");
        on_tx!(self, c => sqlx::query(&sql).fetch_all(&mut *c).await.map_err(db_err)?.iter().map(rule_from_row).collect())
    }
}
