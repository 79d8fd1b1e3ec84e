//! Settlement tariffs, their versions and station assignments; the station directory port.

use crate::rows::{db_err, tenant_of, RowExt};
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_kernel::{RepoError, StationId, StationTz, TenantId};
use mgc_settlement::{StationDirectory, Tariff, TariffAssignment, TariffId, TariffRepository};
use sqlx::types::Json;

/// Columns of the current tariff version (`tariffs` row).
pub(crate) const TARIFF_COLUMNS: &str = "id, tenant_id, version, spec, created_at, updated_at";
/// The same columns read from `tariff_versions v` joined with `tariffs t`.
pub(crate) const TARIFF_VERSION_COLUMNS: &str =
    "v.tariff_id AS id, v.tenant_id, v.version, v.spec, t.created_at, v.created_at AS updated_at";
pub(crate) const ASSIGNMENT_COLUMNS: &str = "station_id, tariff_id, effective_from, assigned_at, assigned_by";

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(format!("stored {what} does not decode: {e}"))
}

pub(crate) fn date_of(r: &impl RowExt, col: &str) -> Result<NaiveDate, RepoError> {
    let raw = r.text(col)?;
    raw.parse().map_err(|e| corrupt(col, e))
}

pub(crate) fn version_of(r: &impl RowExt, col: &str) -> Result<u32, RepoError> {
    crate::rows::to_u32(r.int(col)?, col)
}

pub(crate) fn tariff_from_row(r: &impl RowExt) -> Result<Tariff, RepoError> {
    Ok(Tariff {
        id: TariffId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        version: version_of(r, "version")?,
        spec: serde_json::from_value(r.json("spec")?).map_err(|e| corrupt("tariff", e))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn assignment_from_row(r: &impl RowExt) -> Result<TariffAssignment, RepoError> {
    Ok(TariffAssignment {
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        tariff_id: TariffId::from_uuid(r.uuid("tariff_id")?),
        effective_from: date_of(r, "effective_from")?,
        assigned_at: r.time("assigned_at")?,
        assigned_by: r.text("assigned_by")?,
    })
}

#[async_trait]
impl StationDirectory for StoreTx {
    async fn station_zone(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationTz>, RepoError> {
        let zone: Option<String> = on_tx!(self, c => sqlx::query_scalar("SELECT time_zone FROM stations WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(station.as_uuid()).fetch_optional(&mut *c).await.map_err(db_err)?);
        zone.map(|z| StationTz::parse(&z).map_err(|e| corrupt("station time zone", e))).transpose()
    }
}

#[async_trait]
impl TariffRepository for StoreTx {
    async fn tariff(&mut self, tenant: &TenantId, id: TariffId) -> Result<Option<Tariff>, RepoError> {
        let sql =
            format!("SELECT {TARIFF_COLUMNS} FROM tariffs WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(tariff_from_row).transpose())
    }

    async fn tariff_version(
        &mut self,
        tenant: &TenantId,
        id: TariffId,
        version: u32,
    ) -> Result<Option<Tariff>, RepoError> {
        let sql = format!(
            "SELECT {TARIFF_VERSION_COLUMNS} FROM tariff_versions v JOIN tariffs t ON t.id = v.tariff_id
             WHERE v.tenant_id = $1 AND v.tariff_id = $2 AND v.version = $3"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()).bind(i64::from(version))
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(tariff_from_row).transpose())
    }

    async fn save_tariff(&mut self, t: &Tariff) -> Result<(), RepoError> {
        let spec = serde_json::to_value(&t.spec).map_err(|e| RepoError::Backend(e.to_string()))?;
        let current = if t.version == 1 {
            "INSERT INTO tariffs (id, tenant_id, name, currency, version, spec, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        } else {
            "UPDATE tariffs SET name = $3, currency = $4, version = $5, spec = $6, created_at = $7, updated_at = $8
             WHERE id = $1 AND tenant_id = $2"
        };
        on_tx!(self, c => {
            sqlx::query(current).bind(t.id.as_uuid()).bind(t.tenant.as_str()).bind(&t.spec.name).bind(&t.spec.currency)
                .bind(i64::from(t.version)).bind(Json(&spec)).bind(t.created_at).bind(t.updated_at)
                .execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("INSERT INTO tariff_versions (tariff_id, version, tenant_id, spec, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(t.id.as_uuid()).bind(i64::from(t.version)).bind(t.tenant.as_str()).bind(Json(&spec)).bind(t.updated_at)
                .execute(&mut *c).await.map_err(db_err)?;
        });
        Ok(())
    }

    async fn delete_tariff(&mut self, tenant: &TenantId, id: TariffId, at: DateTime<Utc>) -> Result<(), RepoError> {
        on_tx!(self, c => sqlx::query("UPDATE tariffs SET deleted_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).bind(at).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn assignments(&mut self, tenant: &TenantId, station: StationId) -> Result<Vec<TariffAssignment>, RepoError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM station_tariffs WHERE tenant_id = $1 AND station_id = $2 ORDER BY effective_from"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(assignment_from_row).collect())
    }

    async fn save_assignment(&mut self, tenant: &TenantId, a: &TariffAssignment) -> Result<(), RepoError> {
        let sql =
            "INSERT INTO station_tariffs (station_id, effective_from, tenant_id, tariff_id, assigned_at, assigned_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (station_id, effective_from) DO UPDATE SET tariff_id = excluded.tariff_id,
               assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by";
        on_tx!(self, c => sqlx::query(sql).bind(a.station_id.as_uuid()).bind(a.effective_from.to_string())
            .bind(tenant.as_str()).bind(a.tariff_id.as_uuid()).bind(a.assigned_at).bind(&a.assigned_by)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn assignments_of_tariff(
        &mut self,
        tenant: &TenantId,
        id: TariffId,
    ) -> Result<Vec<TariffAssignment>, RepoError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM station_tariffs WHERE tenant_id = $1 AND tariff_id = $2
             ORDER BY station_id, effective_from"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(assignment_from_row).collect())
    }
}
