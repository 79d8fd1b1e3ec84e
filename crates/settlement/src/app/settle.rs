//! Settling a day: record the newest day input, price it with the tariff in force, and make a
//! new version (unfrozen day) or an adjustment (frozen day).

use crate::domain::figures::FigureDelta;
use crate::domain::ids::{AdjustmentId, SettlementId};
use crate::domain::pricing::price_day;
use crate::domain::settlement::{Adjustment, DayInput, Settlement, SettlementState, SettlementVersion, TariffRef};
use crate::domain::tariff::assignment_on;
use crate::{SettlementRepository, TariffRepository};
use chrono::{DateTime, NaiveDate, Utc};
use mgc_contracts::{DayAdjusted, DaySettled};
use mgc_eventing::{emit, OutboxWriter};
use mgc_kernel::{RepoError, StationId, TenantId};

/// What settling a day did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOutcome {
    /// The input was not newer than the stored one.
    Ignored,
    /// Nothing changed in the result.
    Unchanged,
    /// A settlement version was written.
    Versioned {
        /// Settlement.
        settlement_id: SettlementId,
        /// The new version.
        version: u32,
    },
    /// A frozen day got an adjustment.
    Adjusted {
        /// The adjustment.
        adjustment_id: AdjustmentId,
    },
}

/// Stores `input` when it is newer than the stored input of its day, then settles the day.
pub async fn record_day_input<U>(uow: &mut U, input: DayInput, at: DateTime<Utc>) -> Result<DayOutcome, RepoError>
where
    U: SettlementRepository + TariffRepository + OutboxWriter,
{
    if let Some(old) = uow.day_input(&input.tenant, input.station_id, input.day).await? {
        if old.stat_version >= input.stat_version {
            return Ok(DayOutcome::Ignored);
        }
    }
    uow.save_day_input(&input).await?;
    let cause = format!("statistic v{}", input.stat_version);
    settle_day(uow, &input, &cause, at).await
}

/// Re-prices the unfrozen days of a station from `from` on (after an assignment or a tariff
/// update); frozen days are never touched. Returns how many days got a new version.
pub async fn reprice_station<U>(
    uow: &mut U,
    tenant: &TenantId,
    station: StationId,
    from: NaiveDate,
    cause: &str,
    at: DateTime<Utc>,
) -> Result<usize, RepoError>
where
    U: SettlementRepository + TariffRepository + OutboxWriter,
{
    let mut changed = 0;
    for input in uow.day_inputs_from(tenant, station, from).await? {
        let existing = uow.settlement_of_day(tenant, station, input.day).await?;
        if existing.is_some_and(|(s, _)| s.state == SettlementState::Frozen) {
            continue;
        }
        if matches!(settle_day(uow, &input, cause, at).await?, DayOutcome::Versioned { .. }) {
            changed += 1;
        }
    }
    Ok(changed)
}

/// Settles the stored `input` of a day.
pub async fn settle_day<U>(
    uow: &mut U,
    input: &DayInput,
    cause: &str,
    at: DateTime<Utc>,
) -> Result<DayOutcome, RepoError>
where
    U: SettlementRepository + TariffRepository + OutboxWriter,
{
    let existing = uow.settlement_of_day(&input.tenant, input.station_id, input.day).await?;
    if let Some((s, frozen)) = &existing {
        if s.state == SettlementState::Frozen {
            return adjust_frozen(uow, s, frozen, input, at).await;
        }
    }
    let mut candidate = price_with_assignment(uow, input, cause, at).await?;
    let (mut settlement, is_new) = match existing {
        None => (
            Settlement {
                id: SettlementId::new(),
                tenant: input.tenant.clone(),
                station_id: input.station_id,
                day: input.day,
                time_zone: input.time_zone,
                day_start: input.start,
                day_end: input.end,
                state: candidate.state(),
                version: 0,
                frozen_at: None,
                created_at: at,
                updated_at: at,
            },
            true,
        ),
        Some((_, current)) if current.same_result(&candidate) => return Ok(DayOutcome::Unchanged),
        Some((s, _)) => (s, false),
    };
    settlement.version += 1;
    settlement.state = candidate.state();
    settlement.day_start = input.start;
    settlement.day_end = input.end;
    settlement.updated_at = at;
    candidate.version = settlement.version;
    uow.save_settlement(&settlement, is_new, Some(&candidate)).await?;
    let event = DaySettled {
        station_id: settlement.station_id,
        settlement_id: settlement.id.as_uuid(),
        day: settlement.day.to_string(),
        version: settlement.version,
        state: settlement.state.as_str().to_owned(),
        currency: candidate.figures.as_ref().map(|f| f.currency.to_string()),
        net_minor: candidate.figures.as_ref().map(|f| f.net_minor),
    };
    emit(uow, &settlement.tenant, &event, at).await?;
    Ok(DayOutcome::Versioned { settlement_id: settlement.id, version: settlement.version })
}

/// A version (without number) pricing `input` with the tariff in force on its day, or an
/// unpriced one saying why it cannot be priced.
async fn price_with_assignment<U>(
    uow: &mut U,
    input: &DayInput,
    cause: &str,
    at: DateTime<Utc>,
) -> Result<SettlementVersion, RepoError>
where
    U: TariffRepository,
{
    let mut version = SettlementVersion {
        version: 0,
        cause: cause.to_owned(),
        stat_version: input.stat_version,
        sources: input.sources.clone(),
        tariff: None,
        figures: None,
        unpriced_reason: None,
        calculated_at: at,
    };
    let assignments = uow.assignments(&input.tenant, input.station_id).await?;
    let Some(a) = assignment_on(&assignments, input.day) else {
        version.unpriced_reason = Some(format!("no tariff is assigned to the station on {}", input.day));
        return Ok(version);
    };
    let Some(tariff) = uow.tariff(&input.tenant, a.tariff_id).await? else {
        version.unpriced_reason =
            Some(format!("tariff {} assigned from {} no longer exists", a.tariff_id, a.effective_from));
        return Ok(version);
    };
    let rules = tariff
        .spec
        .validate()
        .map_err(|e| RepoError::Backend(format!("stored tariff {} v{} is invalid: {e}", tariff.id, tariff.version)))?;
    if let Some(reason) = rules.not_covering(input.day) {
        version.unpriced_reason = Some(format!("tariff '{}' ({}): {reason}", tariff.spec.name, tariff.id));
        return Ok(version);
    }
    let figures = price_day(&rules, input.day, input.time_zone, &input.slots).map_err(RepoError::Invalid)?;
    version.tariff = Some(TariffRef { tariff_id: tariff.id, tariff_version: tariff.version });
    version.figures = Some(figures);
    Ok(version)
}

/// Prices a new input of a frozen day with the frozen version's tariff and records the
/// difference against the frozen figures plus earlier adjustments.
async fn adjust_frozen<U>(
    uow: &mut U,
    s: &Settlement,
    frozen: &SettlementVersion,
    input: &DayInput,
    at: DateTime<Utc>,
) -> Result<DayOutcome, RepoError>
where
    U: SettlementRepository + TariffRepository + OutboxWriter,
{
    let broken = |what: &str| RepoError::Backend(format!("frozen settlement {} {what}", s.id));
    let (Some(tariff_ref), Some(frozen_figures)) = (frozen.tariff, frozen.figures.as_ref()) else {
        return Err(broken("has no priced figures"));
    };
    let tariff = uow
        .tariff_version(&s.tenant, tariff_ref.tariff_id, tariff_ref.tariff_version)
        .await?
        .ok_or_else(|| broken("refers to a missing tariff version"))?;
    let rules = tariff.spec.validate().map_err(|e| broken(&format!("has an invalid tariff: {e}")))?;
    let figures = price_day(&rules, input.day, input.time_zone, &input.slots).map_err(RepoError::Invalid)?;
    let earlier = uow.adjustments_of(&s.tenant, s.id).await?;
    let effective = earlier.last().map_or(frozen_figures, |a| &a.figures);
    let delta = FigureDelta::between(effective, &figures);
    if delta.is_zero() {
        return Ok(DayOutcome::Unchanged);
    }
    let adjustment = Adjustment {
        id: AdjustmentId::new(),
        tenant: s.tenant.clone(),
        settlement_id: s.id,
        station_id: s.station_id,
        day: s.day,
        frozen_version: s.version,
        reason: format!("statistic v{} after the day was frozen at settlement v{}", input.stat_version, s.version),
        stat_version: input.stat_version,
        sources: input.sources.clone(),
        tariff: tariff_ref,
        figures,
        delta,
        created_at: at,
        statement_id: None,
    };
    uow.add_adjustment(&adjustment).await?;
    let event = DayAdjusted {
        station_id: s.station_id,
        settlement_id: s.id.as_uuid(),
        adjustment_id: adjustment.id.as_uuid(),
        day: s.day.to_string(),
        currency: adjustment.delta.currency.to_string(),
        net_delta_minor: adjustment.delta.net_minor,
    };
    emit(uow, &s.tenant, &event, at).await?;
    Ok(DayOutcome::Adjusted { adjustment_id: adjustment.id })
}
