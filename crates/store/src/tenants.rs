//! Tenants known to the service (the bootstrap tenant is ensured at start-up).

use crate::rows::db_err;
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_iam::{TenantDirectory, TenantState};
use mgc_kernel::{RepoError, TenantId};

/// id, name, created_at, disabled_at as read.
type TenantTuple = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);

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

    /// Every tenant by id.
    pub async fn list_tenants(&self) -> Result<Vec<TenantRow>, RepoError> {
        let rows: Vec<TenantTuple> = on_read!(self, p => sqlx::query_as(
            "SELECT id, name, created_at, disabled_at FROM tenants ORDER BY id")
            .fetch_all(p).await.map_err(db_err)?);
        rows.into_iter()
            .map(|(id, name, created_at, disabled_at)| {
                let id = TenantId::parse(&id).map_err(|e| RepoError::Backend(e.to_string()))?;
                Ok(TenantRow { id, name, created_at, disabled_at })
            })
            .collect()
    }
}

/// A tenant as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRow {
    /// Id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was disabled (None = active).
    pub disabled_at: Option<DateTime<Utc>>,
}

impl StoreTx {
    /// Disables `tenant` at `at` (Some) or enables it (None); false when it does not exist.
    pub async fn set_tenant_disabled(
        &mut self,
        tenant: &TenantId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, RepoError> {
        let sql = "UPDATE tenants SET disabled_at = $2 WHERE id = $1";
        let n = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(at)
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(n == 1)
    }
}

#[async_trait]
impl TenantDirectory for Store {
    async fn tenant_state(&self, tenant: &TenantId) -> Result<TenantState, RepoError> {
        let row: Option<Option<DateTime<Utc>>> = on_read!(self, p => sqlx::query_scalar(
            "SELECT disabled_at FROM tenants WHERE id = $1")
            .bind(tenant.as_str()).fetch_optional(p).await.map_err(db_err)?);
        Ok(match row {
            None => TenantState::Missing,
            Some(None) => TenantState::Active,
            Some(Some(_)) => TenantState::Disabled,
        })
    }
}
