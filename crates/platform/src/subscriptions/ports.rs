//! Ports of the subscriptions (implemented by `mgc-store`): stored subscriptions, queued
//! notices (rows of the notification worker's queue) and their delivery figures.

use crate::subscriptions::domain::{Subscription, SubscriptionId};
use crate::OrderNo;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::SessionId;
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{RepoError, TenantId};
use serde_json::Value;

/// One notification to queue for a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Event type (`session.started`, `ping`, ...).
    pub event: String,
    /// Deliveries of one key reach a receiver in order (`session:<id>`, `charge_point:<id>`, ...).
    pub order_key: Option<String>,
    /// Short title.
    pub title: String,
    /// One line in words.
    pub text: String,
    /// The envelope's `data`.
    pub data: Value,
}

/// Subscriptions and their notices inside a unit of work.
#[async_trait]
pub trait SubscriptionRepository: Send {
    /// A subscription of the tenant.
    async fn subscription(&mut self, tenant: &TenantId, id: SubscriptionId) -> Result<Option<Subscription>, RepoError>;
    /// Inserts or updates a subscription (the secret sealed at rest).
    async fn save_subscription(&mut self, sub: &Subscription, is_new: bool) -> Result<(), RepoError>;
    /// Deletes a subscription (its deliveries stay as history); false when there was none.
    async fn delete_subscription(&mut self, tenant: &TenantId, id: SubscriptionId) -> Result<bool, RepoError>;
    /// The tenant's enabled subscriptions.
    async fn enabled_subscriptions(&mut self, tenant: &TenantId) -> Result<Vec<Subscription>, RepoError>;
    /// Queues `notice` for the subscription (pending, due at `at`); returns the delivery id.
    async fn queue_notice(
        &mut self,
        tenant: &TenantId,
        sub: SubscriptionId,
        notice: &Notice,
        at: DateTime<Utc>,
    ) -> Result<Uuid, RepoError>;
    /// When the latest notice of `event` with `order_key` was queued for the subscription.
    async fn last_notice_at(
        &mut self,
        sub: SubscriptionId,
        event: &str,
        order_key: &str,
    ) -> Result<Option<DateTime<Utc>>, RepoError>;
    /// The platform order whose session this is, if any.
    async fn order_of_session(&mut self, tenant: &TenantId, session: SessionId) -> Result<Option<OrderNo>, RepoError>;
}

/// The unit of work of the subscription use cases.
pub trait SubscriptionTx: SubscriptionRepository + UnitOfWork {}

impl<T> SubscriptionTx for T where T: SubscriptionRepository + UnitOfWork {}

/// Starts units of work for the subscription use cases.
#[async_trait]
pub trait SubscriptionUnits: Send + Sync {
    /// The unit of work.
    type Tx: SubscriptionTx;
    /// Starts one.
    async fn begin_subscription_tx(&self) -> Result<Self::Tx, RepoError>;
}

/// Raw delivery figures of one subscription.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryFigures {
    /// Waiting for a first attempt.
    pub pending: i64,
    /// Failed at least once, another attempt scheduled.
    pub retrying: i64,
    /// Accepted by the receiver.
    pub delivered: i64,
    /// Given up (dead letter).
    pub dead: i64,
    /// Attempts made over all deliveries.
    pub attempts: i64,
    /// Milliseconds from queueing to acceptance of the latest delivered ones (at most 10,000).
    pub latencies_ms: Vec<i64>,
}

/// Read side of subscriptions.
#[async_trait]
pub trait SubscriptionQueries: Send + Sync {
    /// The tenant's subscriptions, newest first.
    async fn list_subscriptions(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Subscription>, RepoError>;
    /// One subscription of the tenant.
    async fn get_subscription(&self, tenant: &TenantId, id: SubscriptionId) -> Result<Option<Subscription>, RepoError>;
    /// Delivery figures of a subscription of the tenant.
    async fn delivery_figures(&self, tenant: &TenantId, id: SubscriptionId) -> Result<DeliveryFigures, RepoError>;
}
