//! Tenants known to the service (the bootstrap tenant is ensured at start-up).

use crate::rows::db_err;
use crate::Store;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};

impl Store {
    /// Creates the tenant if it does not exist yet; returns true when it was created.
    pub async fn ensure_tenant(&self, id: &TenantId, name: &str, at: DateTime<Utc>) -> Result<bool, RepoError> {
        let sql = "INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";
        let n = on_write!(self, p => sqlx::query(sql).bind(id.as_str()).bind(name).bind(at)
            .execute(p).await.map_err(db_err)?.rows_affected());
        Ok(n == 1)
    }

    /// True when the tenant exists.
    pub async fn tenant_exists(&self, id: &TenantId) -> Result<bool, RepoError> {
        let n: i64 = on_read!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE id = $1")
            .bind(id.as_str()).fetch_one(p).await.map_err(db_err)?);
        Ok(n > 0)
    }

    /// Every tenant with its name and creation time, by id.
    pub async fn list_tenants(&self) -> Result<Vec<(TenantId, String, DateTime<Utc>)>, RepoError> {
        let rows: Vec<(String, String, DateTime<Utc>)> = on_read!(self, p => sqlx::query_as(
            "SELECT id, name, created_at FROM tenants ORDER BY id")
            .fetch_all(p).await.map_err(db_err)?);
        rows.into_iter()
            .map(|(id, name, at)| Ok((TenantId::parse(&id).map_err(|e| RepoError::Backend(e.to_string()))?, name, at)))
            .collect()
    }
}
