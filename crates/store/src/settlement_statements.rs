//! Monthly statements repository.

use crate::rows::{db_err, tenant_of, RowExt};
use crate::tariffs::{corrupt, version_of};
use crate::StoreTx;
use async_trait::async_trait;
use mgc_kernel::{RepoError, StationId, TenantId};
use mgc_settlement::{Statement, StatementId, StatementRepository};
use sqlx::types::Json;

pub(crate) const STATEMENT_COLUMNS: &str = "id, tenant_id, station_id, month, version, state, body, content_hash, \
     created_at, updated_at, issued_at, voided_at, void_reason";

pub(crate) fn statement_from_row(r: &impl RowExt) -> Result<Statement, RepoError> {
    Ok(Statement {
        id: StatementId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        month: r.text("month")?,
        version: version_of(r, "version")?,
        state: r.text("state")?.parse().map_err(|e: String| corrupt("statement state", e))?,
        content: serde_json::from_value(r.json("body")?).map_err(|e| corrupt("statement", e))?,
        content_hash: r.opt_text("content_hash")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        issued_at: r.opt_time("issued_at")?,
        voided_at: r.opt_time("voided_at")?,
        void_reason: r.opt_text("void_reason")?,
    })
}

#[async_trait]
impl StatementRepository for StoreTx {
    async fn statement(&mut self, tenant: &TenantId, id: StatementId) -> Result<Option<Statement>, RepoError> {
        let sql = format!("SELECT {STATEMENT_COLUMNS} FROM statements WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(statement_from_row).transpose())
    }

    async fn latest_statement(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        month: &str,
    ) -> Result<Option<Statement>, RepoError> {
        let sql = format!(
            "SELECT {STATEMENT_COLUMNS} FROM statements WHERE tenant_id = $1 AND station_id = $2 AND month = $3
             ORDER BY version DESC LIMIT 1"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(month)
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(statement_from_row).transpose())
    }

    async fn save_statement(&mut self, s: &Statement, is_new: bool) -> Result<(), RepoError> {
        let body = serde_json::to_value(&s.content).map_err(|e| RepoError::Backend(e.to_string()))?;
        let sql = if is_new {
            format!("INSERT INTO statements ({STATEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        } else {
            "UPDATE statements SET station_id = $3, month = $4, version = $5, state = $6, body = $7, content_hash = $8,
               created_at = $9, updated_at = $10, issued_at = $11, voided_at = $12, void_reason = $13
             WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        on_tx!(self, c => sqlx::query(&sql).bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(s.station_id.as_uuid())
            .bind(&s.month).bind(i64::from(s.version)).bind(s.state.as_str()).bind(Json(&body)).bind(&s.content_hash)
            .bind(s.created_at).bind(s.updated_at).bind(s.issued_at).bind(s.voided_at).bind(&s.void_reason)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}
