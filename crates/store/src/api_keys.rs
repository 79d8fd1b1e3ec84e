//! API key repository (write side on the unit of work, read side on the pool).

use crate::rows::{db_err, parse_cursor, RowExt};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_iam::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, Role};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{ApiKeyId, RepoError, StationId, TenantId};

const COLUMNS: &str = "id, tenant_id, name, role, prefix, secret_hash, created_by, created_at, revoked_at, station_ids";

/// The stored form of a key's station restriction: a JSON array of ids, NULL for none.
fn stations_text(stations: Option<&[StationId]>) -> Option<String> {
    stations.map(|ids| serde_json::Value::from(ids.iter().map(ToString::to_string).collect::<Vec<_>>()).to_string())
}

fn stations_of(text: Option<String>) -> Result<Option<Vec<StationId>>, RepoError> {
    let Some(text) = text else { return Ok(None) };
    let ids: Vec<String> =
        serde_json::from_str(&text).map_err(|e| RepoError::Backend(format!("api_keys.station_ids: {e}")))?;
    ids.iter()
        .map(|s| s.parse().map_err(|e: mgc_kernel::KernelError| RepoError::Backend(e.to_string())))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn api_key_from_row(r: &impl RowExt) -> Result<ApiKey, RepoError> {
    Ok(ApiKey {
        id: ApiKeyId::from_uuid(r.uuid("id")?),
        tenant: TenantId::parse(&r.text("tenant_id")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        name: r.text("name")?,
        role: r.text("role")?.parse::<Role>().map_err(RepoError::Backend)?,
        prefix: r.text("prefix")?,
        secret_hash: r.text("secret_hash")?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        revoked_at: r.opt_time("revoked_at")?,
        station_ids: stations_of(r.opt_text("station_ids")?)?,
    })
}

fn not_found(id: ApiKeyId) -> RepoError {
    RepoError::NotFound { what: "api key", id: id.to_string() }
}

#[async_trait]
impl ApiKeyRepository for StoreTx {
    async fn insert_api_key(&mut self, key: &ApiKey) -> Result<(), RepoError> {
        let sql = format!("INSERT INTO api_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        on_tx!(self, c => sqlx::query(&sql)
            .bind(key.id.as_uuid()).bind(key.tenant.as_str()).bind(&key.name).bind(key.role.as_str())
            .bind(&key.prefix).bind(&key.secret_hash).bind(&key.created_by).bind(key.created_at).bind(key.revoked_at)
            .bind(stations_text(key.station_ids.as_deref()))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        Ok(())
    }

    async fn get_api_key(&mut self, tenant: &TenantId, id: ApiKeyId) -> Result<ApiKey, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?
            .as_ref().map(api_key_from_row).transpose()?)
        .ok_or_else(|| not_found(id))
    }

    async fn set_api_key_revoked(
        &mut self,
        tenant: &TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2";
        let n = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(id.as_uuid()).bind(at)
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        if n == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }
}

#[async_trait]
impl ApiKeyLookupPort for Store {
    async fn list_api_keys(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<ApiKey>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        );
        let rows = on_read!(self, p => sqlx::query(&sql)
            .bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?
            .iter().map(api_key_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |k| k.id.to_string()))
    }

    async fn find_api_key(&self, tenant: &TenantId, id: ApiKeyId) -> Result<ApiKey, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2");
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?
            .as_ref().map(api_key_from_row).transpose()?)
        .ok_or_else(|| not_found(id))
    }

    async fn find_api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE prefix = $1");
        on_read!(self, p => sqlx::query(&sql).bind(prefix)
            .fetch_optional(p).await.map_err(db_err)?
            .as_ref().map(api_key_from_row).transpose())
    }
}
