//! Subscription commands: create, replace, delete, and the test ping (queued like any notice).

use crate::subscriptions::domain::{Subscription, SubscriptionId, SubscriptionInput, PING};
use crate::subscriptions::error::SubscriptionError;
use crate::subscriptions::ports::{Notice, SubscriptionTx};
use chrono::{DateTime, Utc};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::TenantId;
use serde_json::json;

/// Creates a subscription.
pub async fn create_subscription<T: SubscriptionTx>(
    mut tx: T,
    tenant: &TenantId,
    input: SubscriptionInput,
    now: DateTime<Utc>,
) -> Result<Subscription, SubscriptionError> {
    let sub = input.create(tenant, now)?;
    tx.save_subscription(&sub, true).await?;
    tx.commit().await?;
    Ok(sub)
}

async fn load<T: SubscriptionTx>(
    tx: &mut T,
    tenant: &TenantId,
    id: SubscriptionId,
) -> Result<Subscription, SubscriptionError> {
    tx.subscription(tenant, id).await?.ok_or(SubscriptionError::NotFound(id))
}

/// Replaces a subscription's settings; a secret left out is kept.
pub async fn update_subscription<T: SubscriptionTx>(
    mut tx: T,
    tenant: &TenantId,
    id: SubscriptionId,
    input: SubscriptionInput,
    now: DateTime<Utc>,
) -> Result<Subscription, SubscriptionError> {
    let mut sub = load(&mut tx, tenant, id).await?;
    input.apply_to(&mut sub)?;
    sub.updated_at = now;
    tx.save_subscription(&sub, false).await?;
    tx.commit().await?;
    Ok(sub)
}

/// Deletes a subscription; its unsent deliveries go to dead letter when next claimed.
pub async fn delete_subscription<T: SubscriptionTx>(
    mut tx: T,
    tenant: &TenantId,
    id: SubscriptionId,
) -> Result<(), SubscriptionError> {
    if !tx.delete_subscription(tenant, id).await? {
        return Err(SubscriptionError::NotFound(id));
    }
    Ok(tx.commit().await?)
}

/// Queues a `ping` to an enabled subscription, sent (signed, retried) like every notice; returns
/// the delivery id to follow at `/api/v1/notifications/{id}`.
pub async fn ping_subscription<T: SubscriptionTx>(
    mut tx: T,
    tenant: &TenantId,
    id: SubscriptionId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, SubscriptionError> {
    let sub = load(&mut tx, tenant, id).await?;
    if !sub.enabled {
        return Err(SubscriptionError::Disabled(id));
    }
    let notice = Notice {
        event: PING.into(),
        order_key: None,
        title: "Test ping".into(),
        text: format!("A test notification from microgrid-cloud, asked for by {by} at {now}."),
        data: json!({"subscription_id": id.to_string(), "requested_by": by}),
    };
    let delivery = tx.queue_notice(tenant, id, &notice, now).await?;
    tx.commit().await?;
    Ok(delivery)
}
