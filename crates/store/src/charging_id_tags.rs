//! The tenant's id tags and local authorization list version on the unit of work.

use crate::charging_rows::id_tag_from_row;
use crate::rows::{db_err, RowExt};
use crate::StoreTx;
use async_trait::async_trait;
use mgc_charging::{IdTag, IdTagRepository, IdToken, LocalAuthorizationList};
use mgc_kernel::{RepoError, TenantId};

const TAG_COLUMNS: &str = "token, status, expires_at, parent";

#[async_trait]
impl IdTagRepository for StoreTx {
    async fn id_tag(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError> {
        let sql = format!("SELECT {TAG_COLUMNS} FROM charging_id_tags WHERE tenant_id = $1 AND tag_key = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(tag.key())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(id_tag_from_row).transpose())
    }

    async fn local_list(&mut self, tenant: &TenantId) -> Result<LocalAuthorizationList, RepoError> {
        let version = on_tx!(self, c => sqlx::query("SELECT version FROM charging_local_lists WHERE tenant_id = $1")
            .bind(tenant.as_str()).fetch_optional(&mut *c).await.map_err(db_err)?
            .as_ref().map(|r| r.int("version")).transpose()?);
        let version =
            i32::try_from(version.unwrap_or(0)).map_err(|e| crate::commands_rows::corrupt("local list version", e))?;
        let sql = format!("SELECT {TAG_COLUMNS} FROM charging_id_tags WHERE tenant_id = $1 ORDER BY tag_key");
        let tags = on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).fetch_all(&mut *c).await
            .map_err(db_err)?.iter().map(id_tag_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(LocalAuthorizationList::from_parts(tenant.clone(), version, tags))
    }

    async fn save_local_list(&mut self, list: &LocalAuthorizationList) -> Result<(), RepoError> {
        let tenant = list.tenant.as_str();
        on_tx!(self, c => sqlx::query("DELETE FROM charging_id_tags WHERE tenant_id = $1").bind(tenant)
            .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        let sql = "INSERT INTO charging_id_tags (tenant_id, tag_key, token, status, expires_at, parent)
                   VALUES ($1, $2, $3, $4, $5, $6)";
        for t in list.tags() {
            on_tx!(self, c => sqlx::query(sql).bind(tenant).bind(t.token.key()).bind(t.token.as_str())
                .bind(t.status.as_str()).bind(t.expires_at).bind(t.parent.as_ref().map(|p| p.as_str()))
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        let sql = "INSERT INTO charging_local_lists (tenant_id, version) VALUES ($1, $2)
                   ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version";
        on_tx!(self, c => sqlx::query(sql).bind(tenant).bind(i64::from(list.version))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}
