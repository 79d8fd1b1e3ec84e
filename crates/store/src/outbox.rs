//! The transactional outbox: append inside a unit of work; claim, complete and retry outside.

use crate::rows::{db_err, to_u32, RowExt};
use crate::{Backend, Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::EventEnvelope;
use mgc_eventing::{ClaimedEvent, OutboxStats, OutboxStore, OutboxWriter};
use mgc_kernel::{DeadLetterId, EventId, RepoError, TenantId};
use sqlx::types::Json;

/// Columns of an event, in the order [`envelope_from_row`] reads them.
pub(crate) const EVENT_COLUMNS: &str =
    "id, tenant_id, event_type, schema_version, aggregate_type, aggregate_id, occurred_at, payload, attempts";

pub(crate) fn envelope_from_row(r: &impl RowExt) -> Result<EventEnvelope, RepoError> {
    Ok(EventEnvelope {
        id: EventId::from_uuid(r.uuid("id")?),
        event_type: r.text("event_type")?,
        schema_version: to_u32(r.int("schema_version")?, "schema_version")?,
        tenant_id: TenantId::parse(&r.text("tenant_id")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        aggregate_type: r.text("aggregate_type")?,
        aggregate_id: r.text("aggregate_id")?,
        occurred_at: r.time("occurred_at")?,
        payload: r.json("payload")?,
    })
}

fn claimed_from_row(r: &impl RowExt) -> Result<ClaimedEvent, RepoError> {
    Ok(ClaimedEvent { envelope: envelope_from_row(r)?, attempts: to_u32(r.int("attempts")?, "attempts")? })
}

#[async_trait]
impl OutboxWriter for StoreTx {
    async fn append(&mut self, event: EventEnvelope) -> Result<(), RepoError> {
        let sql = "INSERT INTO outbox_events (id, tenant_id, event_type, schema_version, aggregate_type, aggregate_id, occurred_at, payload, status, attempts, next_attempt_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $7)";
        let first = !self.appended_events;
        on_tx!(self, c => {
            sqlx::query(sql)
                .bind(event.id.as_uuid())
                .bind(event.tenant_id.as_str())
                .bind(&event.event_type)
                .bind(i64::from(event.schema_version))
                .bind(&event.aggregate_type)
                .bind(&event.aggregate_id)
                .bind(event.occurred_at)
                .bind(Json(&event.payload))
                .execute(&mut *c)
                .await
                .map_err(db_err)?;
        });
        if first {
            self.announce_events().await?;
        }
        Ok(())
    }

    async fn append_all(&mut self, events: Vec<EventEnvelope>) -> Result<(), RepoError> {
        if events.is_empty() {
            return Ok(());
        }
        let first = !self.appended_events;
        for chunk in events.chunks(200) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 8;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, 'pending', 0, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO outbox_events (id, tenant_id, event_type, schema_version, aggregate_type, aggregate_id, occurred_at, payload, status, attempts, next_attempt_at) VALUES {}",
                rows.join(", ")
            );
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for e in chunk {
                    q = q.bind(e.id.as_uuid()).bind(e.tenant_id.as_str()).bind(&e.event_type)
                        .bind(i64::from(e.schema_version)).bind(&e.aggregate_type).bind(&e.aggregate_id)
                        .bind(e.occurred_at).bind(Json(&e.payload));
                }
                q.execute(&mut *c).await.map_err(db_err)?;
            });
        }
        if first {
            self.announce_events().await?;
        }
        Ok(())
    }
}

#[async_trait]
impl OutboxStore for Store {
    type Tx = StoreTx;

    async fn begin(&self) -> Result<StoreTx, RepoError> {
        Store::begin(self).await
    }

    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedEvent>, RepoError> {
        // PostgreSQL: rows locked by another claimer are skipped, so instances share work.
        // SQLite: a single writer connection makes the statement atomic on its own.
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox_events SET lease_owner = $1, lease_until = $2
             WHERE id IN (SELECT id FROM outbox_events
                            WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
                            ORDER BY next_attempt_at, id LIMIT $4 {lock})
             RETURNING {EVENT_COLUMNS}"
        );
        let mut claimed = on_write!(self, p => {
            sqlx::query(&sql)
                .bind(owner)
                .bind(lease_until)
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(p)
                .await
                .map_err(db_err)?
                .iter()
                .map(claimed_from_row)
                .collect::<Result<Vec<_>, _>>()?
        });
        claimed.sort_by_key(|c| c.envelope.id);
        Ok(claimed)
    }

    async fn mark_delivered(&self, owner: &str, id: EventId, at: DateTime<Utc>) -> Result<(), RepoError> {
        let sql = "UPDATE outbox_events SET status = 'delivered', delivered_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL
                   WHERE id = $1 AND lease_owner = $2";
        on_write!(self, p => sqlx::query(sql).bind(id.as_uuid()).bind(owner).bind(at).execute(p).await.map_err(db_err).map(|_| ()))?;
        Ok(())
    }

    async fn mark_delivered_many(&self, owner: &str, ids: &[EventId], at: DateTime<Utc>) -> Result<(), RepoError> {
        for chunk in ids.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "UPDATE outbox_events SET status = 'delivered', delivered_at = $2, lease_owner = NULL, lease_until = NULL,
                 last_error = NULL WHERE lease_owner = $1 AND id IN ({})",
                list.join(", ")
            );
            on_write!(self, p => {
                let mut q = sqlx::query(&sql).bind(owner).bind(at);
                for id in chunk {
                    q = q.bind(id.as_uuid());
                }
                q.execute(p).await.map_err(db_err)?;
            });
        }
        Ok(())
    }

    async fn schedule_retry(
        &self,
        owner: &str,
        id: EventId,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE outbox_events SET attempts = $3, next_attempt_at = $4, last_error = $5, lease_owner = NULL, lease_until = NULL
                   WHERE id = $1 AND lease_owner = $2";
        on_write!(self, p => sqlx::query(sql)
            .bind(id.as_uuid()).bind(owner).bind(i64::from(attempts)).bind(next_attempt_at).bind(error)
            .execute(p).await.map_err(db_err).map(|_| ()))?;
        Ok(())
    }

    async fn dead_letter(
        &self,
        owner: &str,
        event: &ClaimedEvent,
        attempts: u32,
        error: &str,
        failed_consumers: &[String],
        at: DateTime<Utc>,
    ) -> Result<DeadLetterId, RepoError> {
        let id = DeadLetterId::new();
        let consumers = serde_json::to_string(failed_consumers).map_err(|e| RepoError::Backend(e.to_string()))?;
        let mut tx = Store::begin(self).await?;
        let moved = on_tx!(tx, c => {
            let moved = sqlx::query(
                "UPDATE outbox_events SET status = 'dead', attempts = $3, last_error = $4, lease_owner = NULL, lease_until = NULL
                 WHERE id = $1 AND lease_owner = $2")
                .bind(event.envelope.id.as_uuid()).bind(owner).bind(i64::from(attempts)).bind(error)
                .execute(&mut *c).await.map_err(db_err)?.rows_affected();
            if moved == 1 {
                sqlx::query(
                    "INSERT INTO dead_letters (id, event_id, tenant_id, attempts, last_error, failed_consumers, dead_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(id.as_uuid()).bind(event.envelope.id.as_uuid()).bind(event.envelope.tenant_id.as_str())
                    .bind(i64::from(attempts)).bind(error).bind(&consumers).bind(at)
                    .execute(&mut *c).await.map_err(db_err)?;
            }
            moved
        });
        if moved != 1 {
            return Err(RepoError::Conflict(format!("event {} is no longer leased by {owner}", event.envelope.id)));
        }
        mgc_eventing::UnitOfWork::commit(tx).await?;
        Ok(id)
    }

    async fn purge_delivered(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let old = "SELECT id FROM outbox_events o WHERE o.status = 'delivered' AND o.delivered_at < $1
                   AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.event_id = o.id)";
        let mut tx = Store::begin(self).await?;
        let purged = on_tx!(tx, c => {
            sqlx::query(&format!("DELETE FROM processed_events WHERE event_id IN ({old})"))
                .bind(before).execute(&mut *c).await.map_err(db_err)?;
            sqlx::query(&format!("DELETE FROM outbox_events WHERE id IN ({old})"))
                .bind(before).execute(&mut *c).await.map_err(db_err)?.rows_affected()
        });
        mgc_eventing::UnitOfWork::commit(tx).await?;
        Ok(purged)
    }

    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, RepoError> {
        let (oldest, pending, dead) = on_read!(self, p => {
            let oldest: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT MIN(occurred_at) FROM outbox_events WHERE status = 'pending' AND next_attempt_at <= $1")
                .bind(now).fetch_one(p).await.map_err(db_err)?;
            let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_events WHERE status = 'pending'")
                .fetch_one(p).await.map_err(db_err)?;
            let dead: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL")
                .fetch_one(p).await.map_err(db_err)?;
            (oldest, pending, dead)
        });
        let lag_seconds = oldest.map_or(0.0, |t| ((now - t).num_milliseconds().max(0) as f64) / 1000.0);
        Ok(OutboxStats { lag_seconds, pending, dead_letters: dead })
    }
}
