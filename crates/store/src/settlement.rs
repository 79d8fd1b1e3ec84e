//! Settlement repository: day inputs, settlements with their versions, adjustments.

use crate::rows::{db_err, tenant_of, RowExt};
use crate::tariffs::{corrupt, date_of, version_of};
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_kernel::{RepoError, StationId, StationTz, TenantId};
use mgc_settlement::{
    Adjustment, AdjustmentId, DayInput, Settlement, SettlementId, SettlementRepository, SettlementVersion, StatementId,
};
use sqlx::types::Json;

/// Settlement columns plus the current version's body (`s` joined with `v`).
pub(crate) const SETTLEMENT_COLUMNS: &str = "s.id, s.tenant_id, s.station_id, s.day, s.time_zone, s.day_start, \
     s.day_end, s.state, s.version, s.frozen_at, s.created_at, s.updated_at, v.body";
/// `FROM` clause joining each settlement with its current version.
pub(crate) const SETTLEMENT_FROM: &str =
    "settlements s JOIN settlement_versions v ON v.settlement_id = s.id AND v.version = s.version";
const INPUT_COLUMNS: &str =
    "tenant_id, station_id, day, time_zone, day_start, day_end, stat_version, slots, sources, received_at";
pub(crate) const ADJUSTMENT_COLUMNS: &str = "body, statement_id";

fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}

fn zone_of(r: &impl RowExt) -> Result<StationTz, RepoError> {
    StationTz::parse(&r.text("time_zone")?).map_err(|e| corrupt("time zone", e))
}

pub(crate) fn settlement_from_row(r: &impl RowExt) -> Result<(Settlement, SettlementVersion), RepoError> {
    let s = Settlement {
        id: SettlementId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        day: date_of(r, "day")?,
        time_zone: zone_of(r)?,
        day_start: r.time("day_start")?,
        day_end: r.time("day_end")?,
        state: r.text("state")?.parse().map_err(|e: String| corrupt("settlement state", e))?,
        version: version_of(r, "version")?,
        frozen_at: r.opt_time("frozen_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    };
    Ok((s, version_from_row(r)?))
}

pub(crate) fn version_from_row(r: &impl RowExt) -> Result<SettlementVersion, RepoError> {
    serde_json::from_value(r.json("body")?).map_err(|e| corrupt("settlement version", e))
}

pub(crate) fn adjustment_from_row(r: &impl RowExt) -> Result<Adjustment, RepoError> {
    let mut a: Adjustment = serde_json::from_value(r.json("body")?).map_err(|e| corrupt("adjustment", e))?;
    a.statement_id = r.opt_uuid("statement_id")?.map(StatementId::from_uuid);
    Ok(a)
}

fn input_from_row(r: &impl RowExt) -> Result<DayInput, RepoError> {
    Ok(DayInput {
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        day: date_of(r, "day")?,
        time_zone: zone_of(r)?,
        start: r.time("day_start")?,
        end: r.time("day_end")?,
        stat_version: version_of(r, "stat_version")?,
        slots: serde_json::from_value(r.json("slots")?).map_err(|e| corrupt("slots", e))?,
        sources: serde_json::from_value(r.json("sources")?).map_err(|e| corrupt("sources", e))?,
        received_at: r.time("received_at")?,
    })
}

#[async_trait]
impl SettlementRepository for StoreTx {
    async fn day_input(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
    ) -> Result<Option<DayInput>, RepoError> {
        let sql = format!(
            "SELECT {INPUT_COLUMNS} FROM settlement_inputs WHERE tenant_id = $1 AND station_id = $2 AND day = $3"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(day.to_string())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(input_from_row).transpose())
    }

    async fn save_day_input(&mut self, i: &DayInput) -> Result<(), RepoError> {
        let (slots, sources) = (json(&i.slots)?, json(&i.sources)?);
        let sql = format!(
            "INSERT INTO settlement_inputs ({INPUT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (station_id, day) DO UPDATE SET time_zone = excluded.time_zone, day_start = excluded.day_start,
               day_end = excluded.day_end, stat_version = excluded.stat_version, slots = excluded.slots,
               sources = excluded.sources, received_at = excluded.received_at"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(i.tenant.as_str()).bind(i.station_id.as_uuid()).bind(i.day.to_string())
            .bind(i.time_zone.name()).bind(i.start).bind(i.end).bind(i64::from(i.stat_version)).bind(Json(&slots))
            .bind(Json(&sources)).bind(i.received_at).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn day_inputs_from(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        from: NaiveDate,
    ) -> Result<Vec<DayInput>, RepoError> {
        let sql = format!(
            "SELECT {INPUT_COLUMNS} FROM settlement_inputs WHERE tenant_id = $1 AND station_id = $2 AND day >= $3 ORDER BY day"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(from.to_string())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(input_from_row).collect())
    }

    async fn settlement_of_day(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
    ) -> Result<Option<(Settlement, SettlementVersion)>, RepoError> {
        let sql = format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM} WHERE s.tenant_id = $1 AND s.station_id = $2 AND s.day = $3"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(day.to_string())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(settlement_from_row).transpose())
    }

    async fn settlement(
        &mut self,
        tenant: &TenantId,
        id: SettlementId,
    ) -> Result<Option<(Settlement, SettlementVersion)>, RepoError> {
        let sql = format!("SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM} WHERE s.tenant_id = $1 AND s.id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(settlement_from_row).transpose())
    }

    async fn save_settlement(
        &mut self,
        s: &Settlement,
        is_new: bool,
        version: Option<&SettlementVersion>,
    ) -> Result<(), RepoError> {
        let sql = if is_new {
            "INSERT INTO settlements (id, tenant_id, station_id, day, time_zone, day_start, day_end, day_end_epoch, state,
               version, frozen_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        } else {
            "UPDATE settlements SET station_id = $3, day = $4, time_zone = $5, day_start = $6, day_end = $7,
               day_end_epoch = $8, state = $9, version = $10, frozen_at = $11, created_at = $12, updated_at = $13
             WHERE id = $1 AND tenant_id = $2"
        };
        let body = version.map(json).transpose()?;
        on_tx!(self, c => {
            sqlx::query(sql).bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(s.station_id.as_uuid()).bind(s.day.to_string())
                .bind(s.time_zone.name()).bind(s.day_start).bind(s.day_end).bind(s.day_end.timestamp()).bind(s.state.as_str())
                .bind(i64::from(s.version)).bind(s.frozen_at).bind(s.created_at).bind(s.updated_at)
                .execute(&mut *c).await.map_err(db_err)?;
            if let (Some(v), Some(body)) = (version, &body) {
                sqlx::query("INSERT INTO settlement_versions (settlement_id, version, tenant_id, body, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(s.id.as_uuid()).bind(i64::from(v.version)).bind(s.tenant.as_str()).bind(Json(body)).bind(v.calculated_at)
                    .execute(&mut *c).await.map_err(db_err)?;
            }
        });
        Ok(())
    }

    async fn adjustments_of(&mut self, tenant: &TenantId, id: SettlementId) -> Result<Vec<Adjustment>, RepoError> {
        let sql = format!(
            "SELECT {ADJUSTMENT_COLUMNS} FROM settlement_adjustments WHERE tenant_id = $1 AND settlement_id = $2
             ORDER BY created_at, id"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(adjustment_from_row).collect())
    }

    async fn add_adjustment(&mut self, a: &Adjustment) -> Result<(), RepoError> {
        let body = json(a)?;
        on_tx!(self, c => sqlx::query("INSERT INTO settlement_adjustments (id, tenant_id, settlement_id, station_id, day, body, statement_id, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(a.id.as_uuid()).bind(a.tenant.as_str()).bind(a.settlement_id.as_uuid()).bind(a.station_id.as_uuid())
            .bind(a.day.to_string()).bind(Json(&body)).bind(a.statement_id.map(|s| s.as_uuid())).bind(a.created_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn due_for_freeze(
        &mut self,
        cutoff: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, SettlementId)>, RepoError> {
        let sql = "SELECT tenant_id, id FROM settlements WHERE state = 'calculated' AND day_end_epoch <= $1
                   ORDER BY day_end_epoch, id LIMIT $2";
        on_tx!(self, c => sqlx::query(sql).bind(cutoff.timestamp()).bind(i64::from(limit))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok((tenant_of(r)?, SettlementId::from_uuid(r.uuid("id")?)))).collect())
    }

    async fn settlements_between(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Settlement, SettlementVersion)>, RepoError> {
        let sql = format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM}
             WHERE s.tenant_id = $1 AND s.station_id = $2 AND s.day >= $3 AND s.day <= $4 ORDER BY s.day"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(from.to_string()).bind(to.to_string())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(settlement_from_row).collect())
    }

    async fn pending_adjustments(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        until: NaiveDate,
    ) -> Result<Vec<Adjustment>, RepoError> {
        let sql = format!(
            "SELECT {ADJUSTMENT_COLUMNS} FROM settlement_adjustments
             WHERE tenant_id = $1 AND station_id = $2 AND statement_id IS NULL AND day <= $3 ORDER BY day, id"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(until.to_string())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(adjustment_from_row).collect())
    }

    async fn set_adjustments_statement(
        &mut self,
        tenant: &TenantId,
        ids: &[AdjustmentId],
        statement: Option<StatementId>,
    ) -> Result<(), RepoError> {
        for id in ids {
            on_tx!(self, c => sqlx::query("UPDATE settlement_adjustments SET statement_id = $3 WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(id.as_uuid()).bind(statement.map(|s| s.as_uuid()))
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }

    async fn release_adjustments(&mut self, tenant: &TenantId, statement: StatementId) -> Result<(), RepoError> {
        on_tx!(self, c => sqlx::query("UPDATE settlement_adjustments SET statement_id = NULL WHERE tenant_id = $1 AND statement_id = $2")
            .bind(tenant.as_str()).bind(statement.as_uuid()).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}
