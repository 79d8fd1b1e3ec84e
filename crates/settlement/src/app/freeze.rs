//! Freezing daily settlements: by hand, or automatically a configured number of days after the
//! local day ended (the scheduler calls [`freeze_due`] with the injected clock's time).

use crate::domain::ids::SettlementId;
use crate::domain::settlement::{Settlement, SettlementState};
use crate::SettlementError;
use crate::SettlementRepository;
use chrono::{DateTime, Duration, Utc};
use mgc_contracts::DayFrozen;
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{RepoError, TenantId};

/// Freezes one `calculated` settlement (409 when unpriced or already frozen).
pub async fn freeze_settlement<U>(
    mut uow: U,
    tenant: &TenantId,
    id: SettlementId,
    at: DateTime<Utc>,
) -> Result<Settlement, SettlementError>
where
    U: SettlementRepository + OutboxWriter + UnitOfWork,
{
    let s = freeze_in(&mut uow, tenant, id, at).await?;
    uow.commit().await?;
    Ok(s)
}

/// Freezes inside the caller's unit of work.
pub async fn freeze_in<U>(
    uow: &mut U,
    tenant: &TenantId,
    id: SettlementId,
    at: DateTime<Utc>,
) -> Result<Settlement, SettlementError>
where
    U: SettlementRepository + OutboxWriter,
{
    let (mut s, current) = uow.settlement(tenant, id).await?.ok_or(SettlementError::SettlementNotFound(id))?;
    match s.state {
        SettlementState::Frozen => return Err(SettlementError::AlreadyFrozen { id, day: s.day }),
        SettlementState::Unpriced => {
            let reason = current.unpriced_reason.unwrap_or_default();
            return Err(SettlementError::Unpriced { id, day: s.day, reason });
        }
        SettlementState::Calculated => {}
    }
    s.state = SettlementState::Frozen;
    s.frozen_at = Some(at);
    s.updated_at = at;
    uow.save_settlement(&s, false, None).await?;
    let event = DayFrozen {
        station_id: s.station_id,
        settlement_id: s.id.as_uuid(),
        day: s.day.to_string(),
        version: s.version,
    };
    emit(uow, tenant, &event, at).await?;
    Ok(s)
}

/// Freezes up to `limit` `calculated` settlements whose local day ended at least
/// `freeze_after_days` days before `now`, in one unit of work; returns how many.
pub async fn freeze_due<U>(
    mut uow: U,
    now: DateTime<Utc>,
    freeze_after_days: u32,
    limit: u32,
) -> Result<usize, RepoError>
where
    U: SettlementRepository + OutboxWriter + UnitOfWork,
{
    let cutoff = now - Duration::days(i64::from(freeze_after_days));
    let due = uow.due_for_freeze(cutoff, limit).await?;
    let mut frozen = 0;
    for (tenant, id) in &due {
        match freeze_in(&mut uow, tenant, *id, now).await {
            Ok(_) => frozen += 1,
            Err(SettlementError::Repo(e)) => return Err(e),
            // Selected as calculated in this unit of work, so a refusal cannot happen; if it
            // does, that day stays as it is and the others are frozen.
            Err(e) => tracing::warn!(settlement_id = %id, code = e.code(), error = %e, "due settlement not frozen"),
        }
    }
    uow.commit().await?;
    Ok(frozen)
}
