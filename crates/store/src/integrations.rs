//! Integration repository and the replay log of ingest signatures.

use crate::db::Inner;
use crate::rows::{db_err, parse_cursor, tenant_of, RowExt};
use crate::secrets_at_rest::{seal, seal_opt};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_iam::{Integration, IntegrationLookup, IntegrationRepository};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{IntegrationId, RepoError, TenantId};

const COLUMNS: &str =
    "id, tenant_id, name, secret, previous_secret, previous_valid_until, allow_static, created_by, created_at, revoked_at, legacy_signature";

fn integration_from_row(inner: &Inner, r: &impl RowExt) -> Result<Integration, RepoError> {
    let open = |v: String| crate::secrets_at_rest::open(inner, v);
    Ok(Integration {
        id: IntegrationId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        name: r.text("name")?,
        secret: open(r.text("secret")?)?,
        previous_secret: r.opt_text("previous_secret")?.map(open).transpose()?,
        previous_valid_until: r.opt_time("previous_valid_until")?,
        allow_static: r.boolean("allow_static")?,
        legacy_signature: r.boolean("legacy_signature")?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

#[async_trait]
impl IntegrationRepository for StoreTx {
    async fn insert_integration(&mut self, i: &Integration) -> Result<(), RepoError> {
        let sql = format!("INSERT INTO integrations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        let (secret, previous) = (seal(&self.store, &i.secret)?, seal_opt(&self.store, i.previous_secret.as_deref())?);
        on_tx!(self, c => sqlx::query(&sql)
            .bind(i.id.as_uuid()).bind(i.tenant.as_str()).bind(&i.name).bind(&secret).bind(&previous)
            .bind(i.previous_valid_until).bind(i.allow_static).bind(&i.created_by).bind(i.created_at).bind(i.revoked_at)
            .bind(i.legacy_signature).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn get_integration(&mut self, tenant: &TenantId, id: IntegrationId) -> Result<Integration, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM integrations WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| integration_from_row(&self.store, r)).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "integration", id: id.to_string() })
    }

    async fn update_integration(&mut self, i: &Integration) -> Result<(), RepoError> {
        let sql = "UPDATE integrations SET name = $3, secret = $4, previous_secret = $5, previous_valid_until = $6,
                   allow_static = $7, revoked_at = $8, legacy_signature = $9 WHERE tenant_id = $1 AND id = $2";
        let (secret, previous) = (seal(&self.store, &i.secret)?, seal_opt(&self.store, i.previous_secret.as_deref())?);
        on_tx!(self, c => sqlx::query(sql)
            .bind(i.tenant.as_str()).bind(i.id.as_uuid()).bind(&i.name).bind(&secret).bind(&previous)
            .bind(i.previous_valid_until).bind(i.allow_static).bind(i.revoked_at).bind(i.legacy_signature)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn remember_signatures(
        &mut self,
        entries: &[(IntegrationId, &str)],
        at: DateTime<Utc>,
    ) -> Result<Vec<bool>, RepoError> {
        // Old entries are purged by age (`Store::purge_ingest_signatures`), not here.
        let insert = "INSERT INTO ingest_signatures (integration_id, signature, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        match &mut self.conn {
            crate::tx::TxConn::Postgres(c) if entries.len() > 1 => {
                let ids: Vec<uuid::Uuid> = entries.iter().map(|(i, _)| i.as_uuid()).collect();
                let sigs: Vec<&str> = entries.iter().map(|(_, s)| *s).collect();
                let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(
                    "INSERT INTO ingest_signatures (integration_id, signature, seen_at)
                     SELECT u.i, u.s, $3 FROM UNNEST($1::uuid[], $2::text[]) AS u(i, s)
                     ON CONFLICT DO NOTHING RETURNING integration_id, signature",
                )
                .bind(&ids)
                .bind(&sigs)
                .bind(at)
                .fetch_all(&mut **c)
                .await
                .map_err(db_err)?;
                let fresh: std::collections::HashSet<(uuid::Uuid, &str)> =
                    rows.iter().map(|(i, s)| (*i, s.as_str())).collect();
                Ok(entries.iter().map(|(i, s)| fresh.contains(&(i.as_uuid(), *s))).collect())
            }
            _ => {
                let mut out = Vec::with_capacity(entries.len());
                for (id, signature) in entries {
                    let n = on_tx!(self, c => sqlx::query(insert)
                        .bind(id.as_uuid()).bind(*signature).bind(at).execute(&mut *c).await.map_err(db_err)?.rows_affected());
                    out.push(n == 1);
                }
                Ok(out)
            }
        }
    }
}

#[async_trait]
impl IntegrationLookup for Store {
    async fn find_integration(&self, id: IntegrationId) -> Result<Option<Integration>, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM integrations WHERE id = $1 AND revoked_at IS NULL");
        on_read!(self, p => sqlx::query(&sql).bind(id.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(|r| integration_from_row(&self.inner, r)).transpose())
    }

    async fn list_integrations(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Integration>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!("SELECT {COLUMNS} FROM integrations WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3");
        let rows = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| integration_from_row(&self.inner, r)).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |i| i.id.to_string()))
    }
}

impl Store {
    /// Forgets replay-log entries seen before `before`; returns how many. Signatures older than
    /// twice the replay window can never be replayed (their timestamp is stale by then).
    pub async fn purge_ingest_signatures(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        on_write!(self, c => Ok(sqlx::query("DELETE FROM ingest_signatures WHERE seen_at < $1")
            .bind(before).execute(c).await.map_err(db_err)?.rows_affected()))
    }
}
