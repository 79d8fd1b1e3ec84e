//! Per-consumer processed-event marks, written in the consumer's own transaction.

use crate::rows::db_err;
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::ProcessedEvents;
use mgc_kernel::{EventId, RepoError};

#[async_trait]
impl ProcessedEvents for StoreTx {
    async fn mark_processed(
        &mut self,
        consumer: &str,
        event_id: EventId,
        at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        // A concurrent insert of the same key waits for the other transaction and then does
        // nothing, so two deliveries can never both see "first time".
        let sql = "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        let inserted = on_tx!(self, c => sqlx::query(sql)
            .bind(consumer).bind(event_id.as_uuid()).bind(at)
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(inserted == 1)
    }
}
