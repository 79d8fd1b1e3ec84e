//! `emit`: wrap an integration event and append it to the unit of work's outbox.

use crate::OutboxWriter;
use chrono::{DateTime, Utc};
use mgc_contracts::{EventEnvelope, IntegrationEvent};
use mgc_kernel::{RepoError, TenantId};

/// Wraps `event` for `tenant` (fresh UUID v7 id, `at` as occurrence time) and appends it.
pub async fn emit<W, E>(outbox: &mut W, tenant: &TenantId, event: &E, at: DateTime<Utc>) -> Result<(), RepoError>
where
    W: OutboxWriter + ?Sized,
    E: IntegrationEvent,
{
    let envelope = EventEnvelope::wrap(tenant, event, at)
        .map_err(|e| RepoError::Backend(format!("cannot encode {}: {e}", E::TYPE)))?;
    outbox.append(envelope).await
}
