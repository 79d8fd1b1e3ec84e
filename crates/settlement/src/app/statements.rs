//! Statement commands: generate (draft; a new version after a void), issue (freezes its days,
//! consumes its adjustments, stamps the content hash) and void (releases the adjustments).

use super::freeze::freeze_in;
use crate::domain::ids::StatementId;
use crate::domain::settlement::SettlementState;
use crate::domain::statement::{build_content, content_hash, month_range, Statement, StatementContent, StatementState};
use crate::SettlementError;
use crate::{SettlementRepository, StatementRepository, StationDirectory};
use chrono::{DateTime, Utc};
use mgc_contracts::StatementChanged;
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{StationId, TenantId};

async fn current_content<U>(
    uow: &mut U,
    tenant: &TenantId,
    station: StationId,
    month: &str,
    version: u32,
) -> Result<StatementContent, SettlementError>
where
    U: SettlementRepository,
{
    let (first, last) = month_range(month).map_err(SettlementError::InvalidMonth)?;
    let settlements = uow.settlements_between(tenant, station, first, last).await?;
    let adjustments = uow.pending_adjustments(tenant, station, last).await?;
    build_content(station, month, version, &settlements, &adjustments).map_err(SettlementError::Content)
}

/// Builds the draft of `month` for a station: refreshes an existing draft, or starts version
/// n+1 after a void; 409 while an issued statement exists for the month.
pub async fn generate_statement<U>(
    mut uow: U,
    tenant: &TenantId,
    station: StationId,
    month: &str,
    at: DateTime<Utc>,
) -> Result<Statement, SettlementError>
where
    U: StationDirectory + SettlementRepository + StatementRepository + UnitOfWork,
{
    month_range(month).map_err(SettlementError::InvalidMonth)?;
    uow.station_zone(tenant, station).await?.ok_or(SettlementError::StationNotFound(station))?;
    let latest = uow.latest_statement(tenant, station, month).await?;
    let (mut statement, is_new) = match latest {
        Some(s) if s.state == StatementState::Issued => {
            return Err(SettlementError::StatementIssued { id: s.id, version: s.version, month: month.to_owned() });
        }
        Some(s) if s.state == StatementState::Draft => (s, false),
        other => {
            let version = other.map_or(1, |s| s.version + 1);
            let content = current_content(&mut uow, tenant, station, month, version).await?;
            let s = Statement {
                id: StatementId::new(),
                tenant: tenant.clone(),
                station_id: station,
                month: month.to_owned(),
                version,
                state: StatementState::Draft,
                content,
                content_hash: None,
                created_at: at,
                updated_at: at,
                issued_at: None,
                voided_at: None,
                void_reason: None,
            };
            (s, true)
        }
    };
    if !is_new {
        statement.content = current_content(&mut uow, tenant, station, month, statement.version).await?;
        statement.updated_at = at;
    }
    uow.save_statement(&statement, is_new).await?;
    uow.commit().await?;
    Ok(statement)
}

/// Issues a draft that is still current: freezes its calculated days, consumes its
/// adjustments and stamps the SHA-256 content hash (409 when stale or not a draft).
pub async fn issue_statement<U>(
    mut uow: U,
    tenant: &TenantId,
    id: StatementId,
    at: DateTime<Utc>,
) -> Result<Statement, SettlementError>
where
    U: SettlementRepository + StatementRepository + OutboxWriter + UnitOfWork,
{
    let mut s = uow.statement(tenant, id).await?.ok_or(SettlementError::StatementNotFound(id))?;
    if s.state != StatementState::Draft {
        return Err(SettlementError::StatementState {
            id,
            state: s.state.to_string(),
            needed: "only a draft can be issued",
        });
    }
    let now = current_content(&mut uow, tenant, s.station_id, &s.month, s.version).await?;
    if now != s.content {
        return Err(SettlementError::StatementOutdated(id));
    }
    for day in &s.content.days {
        if let Some((settlement, _)) = uow.settlement(tenant, day.settlement_id).await? {
            if settlement.state == SettlementState::Calculated {
                freeze_in(&mut uow, tenant, settlement.id, at).await?;
            }
        }
    }
    let ids: Vec<_> = s.content.adjustments.iter().map(|a| a.adjustment_id).collect();
    uow.set_adjustments_statement(tenant, &ids, Some(id)).await?;
    s.state = StatementState::Issued;
    s.content_hash = Some(content_hash(&s.content));
    s.issued_at = Some(at);
    s.updated_at = at;
    uow.save_statement(&s, false).await?;
    emit(&mut uow, tenant, &changed(&s), at).await?;
    uow.commit().await?;
    Ok(s)
}

/// Voids an issued statement with a reason; its adjustments become pending again.
pub async fn void_statement<U>(
    mut uow: U,
    tenant: &TenantId,
    id: StatementId,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Statement, SettlementError>
where
    U: SettlementRepository + StatementRepository + OutboxWriter + UnitOfWork,
{
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(SettlementError::InvalidReason);
    }
    let mut s = uow.statement(tenant, id).await?.ok_or(SettlementError::StatementNotFound(id))?;
    if s.state != StatementState::Issued {
        return Err(SettlementError::StatementState {
            id,
            state: s.state.to_string(),
            needed: "only an issued statement can be voided (a draft is regenerated instead)",
        });
    }
    uow.release_adjustments(tenant, id).await?;
    s.state = StatementState::Void;
    s.voided_at = Some(at);
    s.void_reason = Some(reason.to_owned());
    s.updated_at = at;
    uow.save_statement(&s, false).await?;
    emit(&mut uow, tenant, &changed(&s), at).await?;
    uow.commit().await?;
    Ok(s)
}

fn changed(s: &Statement) -> StatementChanged {
    StatementChanged {
        station_id: s.station_id,
        statement_id: s.id.as_uuid(),
        month: s.month.clone(),
        version: s.version,
        state: s.state.as_str().to_owned(),
        content_hash: s.content_hash.clone(),
        currency: s.content.currency.to_string(),
        net_minor: s.content.totals.net_minor,
    }
}
