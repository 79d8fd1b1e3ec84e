//! Ports the store implements for the outbox, the processed-events table and dead letters.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::EventEnvelope;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeadLetterId, EventId, RepoError, TenantId};
use serde::Serialize;

/// A transaction spanning the repositories of one command and the outbox writer.
#[async_trait]
pub trait UnitOfWork: Send + Sized {
    /// Makes every write of this unit durable at once (dropping it rolls back).
    async fn commit(self) -> Result<(), RepoError>;
}

/// Appends integration events inside the current unit of work.
#[async_trait]
pub trait OutboxWriter: Send {
    /// Adds `event` to the outbox; it becomes visible to the dispatcher only on commit.
    async fn append(&mut self, event: EventEnvelope) -> Result<(), RepoError>;

    /// Adds several events (in order); stores may write them in fewer statements.
    async fn append_all(&mut self, events: Vec<EventEnvelope>) -> Result<(), RepoError> {
        for event in events {
            self.append(event).await?;
        }
        Ok(())
    }
}

/// Per-consumer record of processed events (idempotent consumers).
#[async_trait]
pub trait ProcessedEvents: Send {
    /// Marks `event_id` processed by `consumer`; `false` when it already was (skip the work).
    async fn mark_processed(&mut self, consumer: &str, event_id: EventId, at: DateTime<Utc>)
        -> Result<bool, RepoError>;
}

/// An event claimed by one dispatcher under a lease.
#[derive(Debug, Clone)]
pub struct ClaimedEvent {
    /// The event.
    pub envelope: EventEnvelope,
    /// Failed delivery attempts so far.
    pub attempts: u32,
}

/// Health figures of the outbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OutboxStats {
    /// Age in seconds of the oldest event that is due but not delivered (0 when none).
    pub lag_seconds: f64,
    /// Events not yet delivered (due or waiting for a retry).
    pub pending: i64,
    /// Dead letters not yet replayed.
    pub dead_letters: i64,
}

/// An event that exhausted its delivery attempts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadLetter {
    /// Dead-letter id.
    pub id: DeadLetterId,
    /// The event that failed.
    pub event: EventEnvelope,
    /// Attempts made.
    pub attempts: u32,
    /// The last error seen.
    pub last_error: String,
    /// Consumers that had not processed it.
    pub failed_consumers: Vec<String>,
    /// When it was dead-lettered.
    pub dead_at: DateTime<Utc>,
    /// When it was replayed, if it was.
    pub replayed_at: Option<DateTime<Utc>>,
    /// Who replayed it.
    pub replayed_by: Option<String>,
}

/// Dispatcher-side access to the outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// The unit of work handlers run in.
    type Tx: UnitOfWork + ProcessedEvents + Send;

    /// Starts a unit of work.
    async fn begin(&self) -> Result<Self::Tx, RepoError>;

    /// Claims up to `limit` due events for `owner` until `lease_until` (others skip them).
    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedEvent>, RepoError>;

    /// Records successful delivery to every consumer.
    async fn mark_delivered(&self, owner: &str, id: EventId, at: DateTime<Utc>) -> Result<(), RepoError>;

    /// Records successful delivery of several events; stores may do it in one statement.
    async fn mark_delivered_many(&self, owner: &str, ids: &[EventId], at: DateTime<Utc>) -> Result<(), RepoError> {
        for id in ids {
            self.mark_delivered(owner, *id, at).await?;
        }
        Ok(())
    }

    /// Releases the event for another attempt at `next_attempt_at`.
    async fn schedule_retry(
        &self,
        owner: &str,
        id: EventId,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), RepoError>;

    /// Moves the event to the dead-letter table.
    async fn dead_letter(
        &self,
        owner: &str,
        event: &ClaimedEvent,
        attempts: u32,
        error: &str,
        failed_consumers: &[String],
        at: DateTime<Utc>,
    ) -> Result<DeadLetterId, RepoError>;

    /// Deletes delivered events (and their processed marks) delivered before `before`;
    /// events that ever were dead letters are kept with them. Returns the events deleted.
    async fn purge_delivered(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;

    /// Current lag, pending and dead-letter counts.
    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, RepoError>;
}

/// Operator access to dead letters, always scoped to one tenant.
#[async_trait]
pub trait DeadLetterQueue: Send + Sync {
    /// Dead letters of `tenant`, newest first.
    async fn list_dead_letters(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<DeadLetter>, RepoError>;

    /// Puts the event back into the outbox for a fresh round of attempts.
    async fn replay_dead_letter(
        &self,
        tenant: &TenantId,
        id: DeadLetterId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<DeadLetter, RepoError>;
}

/// Wakes the dispatcher when new events are committed (or after `max` as a polling fallback).
#[async_trait]
pub trait Wakeup: Send {
    /// Returns when woken or after `max`, whichever is first.
    async fn wait(&mut self, max: std::time::Duration);
}
