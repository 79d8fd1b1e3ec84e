//! The port the delivery worker reads and updates deliveries through (implemented by `mgc-store`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{Channel, Delivery, DeliveryId};
use mgc_kernel::{RepoError, TenantId};

/// A due delivery claimed under a lease, with its channel (None when the channel was deleted).
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// Tenant.
    pub tenant: TenantId,
    /// The delivery.
    pub delivery: Delivery,
    /// Its channel.
    pub channel: Option<Channel>,
    /// True when the channel is a platform subscription (its figures are kept per subscription).
    pub subscription: bool,
}

/// Worker-side access to persisted deliveries.
#[async_trait]
pub trait DeliveryQueue: Send + Sync + 'static {
    /// Claims up to `limit` due deliveries for `owner` until `lease_until`; only the oldest
    /// unfinished delivery of each (channel, alarm) is due, so one alarm's notifications reach
    /// an endpoint in order.
    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, RepoError>;

    /// The receiver accepted it.
    async fn delivery_succeeded(
        &self,
        owner: &str,
        id: DeliveryId,
        attempts: u32,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// An attempt failed; try again at `next_attempt_at`.
    async fn delivery_failed(
        &self,
        owner: &str,
        id: DeliveryId,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), RepoError>;

    /// Not attempted (breaker open, rate limited): release until `next_attempt_at`.
    async fn delivery_deferred(
        &self,
        owner: &str,
        id: DeliveryId,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// Gave up: dead letter until retried by hand.
    async fn delivery_dead(&self, owner: &str, id: DeliveryId, attempts: u32, error: &str) -> Result<(), RepoError>;
}
