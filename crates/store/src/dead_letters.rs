//! Dead letters: listing and replay, scoped to one tenant.

use crate::outbox::envelope_from_row;
use crate::rows::{db_err, parse_cursor, to_u32, RowExt};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::{DeadLetter, DeadLetterQueue, UnitOfWork};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeadLetterId, RepoError, TenantId};

const SELECT: &str = "SELECT d.id AS dl_id, d.attempts AS dl_attempts, d.last_error, d.failed_consumers, d.dead_at, d.replayed_at, d.replayed_by,
        o.id, o.tenant_id, o.event_type, o.schema_version, o.aggregate_type, o.aggregate_id, o.occurred_at, o.payload
        FROM dead_letters d JOIN outbox_events o ON o.id = d.event_id";

fn dead_letter_from_row(r: &impl RowExt) -> Result<DeadLetter, RepoError> {
    let consumers: Vec<String> =
        serde_json::from_str(&r.text("failed_consumers")?).map_err(|e| RepoError::Backend(e.to_string()))?;
    Ok(DeadLetter {
        id: DeadLetterId::from_uuid(r.uuid("dl_id")?),
        event: envelope_from_row(r)?,
        attempts: to_u32(r.int("dl_attempts")?, "attempts")?,
        last_error: r.text("last_error")?,
        failed_consumers: consumers,
        dead_at: r.time("dead_at")?,
        replayed_at: r.opt_time("replayed_at")?,
        replayed_by: r.opt_text("replayed_by")?,
    })
}

#[async_trait]
impl DeadLetterQueue for Store {
    async fn list_dead_letters(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<DeadLetter>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!("{SELECT} WHERE d.tenant_id = $1 AND ($2 IS NULL OR d.id < $2) ORDER BY d.id DESC LIMIT $3");
        let rows = on_read!(self, p => sqlx::query(&sql)
            .bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?
            .iter().map(dead_letter_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |d| d.id.to_string()))
    }

    async fn replay_dead_letter(
        &self,
        tenant: &TenantId,
        id: DeadLetterId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<DeadLetter, RepoError> {
        let mut tx = self.begin().await?;
        let sql = format!("{SELECT} WHERE d.tenant_id = $1 AND d.id = $2");
        let mut dl = on_tx!(tx, c => sqlx::query(&sql)
            .bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?
            .as_ref().map(dead_letter_from_row).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "dead letter", id: id.to_string() })?;
        if dl.replayed_at.is_some() {
            return Err(RepoError::Conflict(format!("dead letter {id} was already replayed")));
        }
        on_tx!(tx, c => {
            sqlx::query("UPDATE dead_letters SET replayed_at = $2, replayed_by = $3 WHERE id = $1")
                .bind(id.as_uuid()).bind(at).bind(by).execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("UPDATE outbox_events SET status = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1")
                .bind(dl.event.id.as_uuid()).bind(at).execute(&mut *c).await.map_err(db_err)?;
        });
        tx.announce_events().await?;
        tx.commit().await?;
        dl.replayed_at = Some(at);
        dl.replayed_by = Some(by.to_owned());
        Ok(dl)
    }
}
