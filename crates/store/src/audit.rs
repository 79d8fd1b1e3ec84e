//! Audit log repository.

use crate::rows::{db_err, parse_cursor, RowExt};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use mgc_iam::{AuditEntry, AuditLog, AuditRecorder};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{AuditId, RepoError, TenantId};

const COLUMNS: &str = "id, tenant_id, actor, action, target, outcome, status, request_id, at";

fn entry_from_row(r: &impl RowExt) -> Result<AuditEntry, RepoError> {
    Ok(AuditEntry {
        id: AuditId::from_uuid(r.uuid("id")?),
        tenant: TenantId::parse(&r.text("tenant_id")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        actor: r.text("actor")?,
        action: r.text("action")?,
        target: r.text("target")?,
        outcome: r.text("outcome")?,
        status: u16::try_from(r.int("status")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        request_id: r.text("request_id")?,
        at: r.time("at")?,
    })
}

#[async_trait]
impl AuditRecorder for StoreTx {
    async fn append_audit(&mut self, e: &AuditEntry) -> Result<(), RepoError> {
        let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        on_tx!(self, c => sqlx::query(&sql)
            .bind(e.id.as_uuid()).bind(e.tenant.as_str()).bind(&e.actor).bind(&e.action).bind(&e.target)
            .bind(&e.outcome).bind(i64::from(e.status)).bind(&e.request_id).bind(e.at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}

impl Store {
    /// Sets the status (and outcome) of an entry a unit of work appended before the response
    /// was known (see [`crate::request_audit`]).
    pub async fn settle_audit_status(&self, e: &AuditEntry, status: u16) -> Result<(), RepoError> {
        let sql = "UPDATE audit_log SET status = $3, outcome = $4 WHERE tenant_id = $1 AND id = $2";
        on_write!(self, p => sqlx::query(sql)
            .bind(e.tenant.as_str()).bind(e.id.as_uuid()).bind(i64::from(status)).bind(AuditEntry::outcome_for(status))
            .execute(p).await.map_err(db_err).map(|_| ()))
    }
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, e: &AuditEntry) -> Result<(), RepoError> {
        let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        on_write!(self, p => sqlx::query(&sql)
            .bind(e.id.as_uuid()).bind(e.tenant.as_str()).bind(&e.actor).bind(&e.action).bind(&e.target)
            .bind(&e.outcome).bind(i64::from(e.status)).bind(&e.request_id).bind(e.at)
            .execute(p).await.map_err(db_err).map(|_| ()))?;
        Ok(())
    }

    async fn list_audit(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<AuditEntry>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3");
        let rows = on_read!(self, p => sqlx::query(&sql)
            .bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?
            .iter().map(entry_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |e| e.id.to_string()))
    }
}
