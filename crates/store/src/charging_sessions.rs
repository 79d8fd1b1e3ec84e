//! Charging sessions, their transitions and samples, unmatched stops and transaction ids on the unit of work.

use crate::charging_rows::{attach, session_from_row, transition_from_row, SESSION_COLUMNS, TRANSITION_COLUMNS};
use crate::rows::{db_err, RowExt};
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{
    ChargePointId, ChargingSession, IdToken, SessionChanges, SessionRepository, SessionState, SessionTransition,
    TransactionId, UnmatchedStop,
};
use mgc_kernel::{RepoError, TenantId};

/// How sessions are looked up.
enum Lookup {
    Transaction(TransactionId),
    Start(ChargePointId, u32, DateTime<Utc>),
    Open(ChargePointId),
}

impl StoreTx {
    /// The tenant's sessions found by `lookup` (oldest start first), with their transitions.
    async fn sessions_where(&mut self, tenant: &TenantId, lookup: Lookup) -> Result<Vec<ChargingSession>, RepoError> {
        let clause = match lookup {
            Lookup::Transaction(_) => "transaction_id = $2",
            Lookup::Start(..) => "charge_point_id = $2 AND connector = $3 AND started_at = $4",
            Lookup::Open(_) => "charge_point_id = $2 AND state NOT IN ('completed', 'failed')",
        };
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM charging_sessions WHERE tenant_id = $1 AND {clause} ORDER BY started_at, id"
        );
        let mut sessions = on_tx!(self, c => {
            let q = sqlx::query(&sql).bind(tenant.as_str());
            let q = match &lookup {
                Lookup::Transaction(t) => q.bind(i64::from(t.0)),
                Lookup::Start(cp, connector, at) => q.bind(cp.as_uuid()).bind(i64::from(*connector)).bind(*at),
                Lookup::Open(cp) => q.bind(cp.as_uuid()),
            };
            q.fetch_all(&mut *c).await.map_err(db_err)?.iter().map(session_from_row).collect::<Result<Vec<_>, _>>()?
        });
        for s in &mut sessions {
            let sql = format!(
                "SELECT {TRANSITION_COLUMNS} FROM charging_session_transitions
                 WHERE tenant_id = $1 AND session_id = $2 ORDER BY position"
            );
            let transitions = on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(s.id.as_uuid())
                .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(transition_from_row)
                .collect::<Result<Vec<_>, _>>()?);
            attach(std::slice::from_mut(s), transitions);
        }
        Ok(sessions)
    }

    /// Appends transitions after the session's last stored position.
    async fn append_transitions(&mut self, s: &ChargingSession, new: &[SessionTransition]) -> Result<(), RepoError> {
        let sql = "INSERT INTO charging_session_transitions (session_id, position, tenant_id, from_state, to_state, at, reason)
            VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM charging_session_transitions WHERE session_id = $1),
            $2, $3, $4, $5, $6)";
        for t in new {
            on_tx!(self, c => sqlx::query(sql).bind(s.id.as_uuid()).bind(s.tenant.as_str())
                .bind(t.from.map(|f| f.as_str())).bind(t.to.as_str()).bind(t.at).bind(&t.reason)
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }

    /// Writes every changeable column of a session whose stored state is `expected`; rows changed.
    async fn update_session(&mut self, s: &ChargingSession, expected: SessionState) -> Result<u64, RepoError> {
        let sql = "UPDATE charging_sessions SET state = $3, last_register_wh = $4, meter_stop_wh = $5, stopped_at = $6,
            stop_reason = $7, stop_id_tag = $8, max_power_w = $9, meter_went_backwards = $10, samples_recorded = $11,
            last_update_event_at = $12, updated_at = $13
            WHERE tenant_id = $1 AND id = $2 AND state = $14";
        let samples = i64::try_from(s.samples_recorded).unwrap_or(i64::MAX);
        Ok(on_tx!(self, c => sqlx::query(sql)
            .bind(s.tenant.as_str()).bind(s.id.as_uuid()).bind(s.state.as_str()).bind(s.last_register.0)
            .bind(s.meter_stop.map(|w| w.0)).bind(s.stopped_at).bind(s.stop_reason.map(|r| r.as_str()))
            .bind(s.stop_id_tag.as_ref().map(|t| t.as_str())).bind(s.max_power_w).bind(s.meter_went_backwards)
            .bind(samples).bind(s.last_update_event_at).bind(s.updated_at).bind(expected.as_str())
            .execute(&mut *c).await.map_err(db_err)?.rows_affected()))
    }
}

#[async_trait]
impl SessionRepository for StoreTx {
    async fn next_transaction_id(&mut self, tenant: &TenantId) -> Result<Option<TransactionId>, RepoError> {
        let sql = "INSERT INTO charging_transaction_ids (tenant_id, last_id) VALUES ($1, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET last_id = charging_transaction_ids.last_id + 1
            WHERE charging_transaction_ids.last_id < $2 RETURNING last_id";
        let next = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(i64::from(i32::MAX))
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| r.int("last_id")).transpose()?);
        Ok(next.and_then(|n| i32::try_from(n).ok()).map(TransactionId))
    }

    async fn session_by_transaction(
        &mut self,
        tenant: &TenantId,
        transaction: TransactionId,
    ) -> Result<Option<ChargingSession>, RepoError> {
        Ok(self.sessions_where(tenant, Lookup::Transaction(transaction)).await?.pop())
    }

    async fn session_by_start(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        connector: u32,
        started_at: DateTime<Utc>,
    ) -> Result<Option<ChargingSession>, RepoError> {
        Ok(self.sessions_where(tenant, Lookup::Start(charge_point, connector, started_at)).await?.into_iter().next())
    }

    async fn open_sessions(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
    ) -> Result<Vec<ChargingSession>, RepoError> {
        self.sessions_where(tenant, Lookup::Open(charge_point)).await
    }

    async fn tag_has_open_session(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<bool, RepoError> {
        let sql = "SELECT 1 AS one FROM charging_sessions
                   WHERE tenant_id = $1 AND id_tag_key = $2 AND state NOT IN ('completed', 'failed') LIMIT 1";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(tag.key())
            .fetch_optional(&mut *c).await.map_err(db_err).map(|r| r.is_some()))
    }

    async fn insert_session(&mut self, s: &ChargingSession) -> Result<(), RepoError> {
        // The identity row first (a used transaction id is a conflict here); every changeable
        // column then through the UPDATE that saving uses.
        let sql = "INSERT INTO charging_sessions (id, tenant_id, charge_point_id, station_id, transaction_id, connector,
            id_tag, id_tag_key, authorization_status, reservation_id, state, meter_start_wh, last_register_wh, started_at,
            meter_went_backwards, samples_recorded, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, 0, $15)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(s.charge_point_id.as_uuid())
            .bind(s.station_id.map(|st| st.as_uuid())).bind(i64::from(s.transaction_id.0)).bind(i64::from(s.connector))
            .bind(s.id_tag.as_str()).bind(s.id_tag.key()).bind(s.authorization.as_str())
            .bind(s.reservation_id.map(i64::from)).bind(s.state.as_str()).bind(s.meter_start.0).bind(s.started_at)
            .bind(false).bind(s.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        self.update_session(s, s.state).await?;
        self.append_transitions(s, &s.transitions).await
    }

    async fn save_session(
        &mut self,
        s: &ChargingSession,
        expected: SessionState,
        changes: &SessionChanges,
    ) -> Result<(), RepoError> {
        if self.update_session(s, expected).await? != 1 {
            return Err(RepoError::Conflict(format!("session {} is no longer {expected}", s.transaction_id)));
        }
        self.append_transitions(s, &changes.transitions).await?;
        let sql =
            "INSERT INTO charging_session_samples (tenant_id, session_id, at, energy_register_wh, power_w, soc_percent)
            VALUES ($1, $2, $3, $4, $5, $6)";
        for m in &changes.samples {
            on_tx!(self, c => sqlx::query(sql).bind(s.tenant.as_str()).bind(s.id.as_uuid()).bind(m.at)
                .bind(m.energy_register.map(|w| w.0)).bind(m.power_w).bind(m.soc_percent)
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }

    async fn record_unmatched_stop(&mut self, u: &UnmatchedStop) -> Result<(), RepoError> {
        let sql =
            "INSERT INTO charging_unmatched_stops (tenant_id, charge_point_id, transaction_id, kind, meter_stop_wh,
            stopped_at, reason, id_tag, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(u.tenant.as_str()).bind(u.charge_point_id.as_uuid()).bind(i64::from(u.transaction_id.0))
            .bind(u.kind.as_str()).bind(u.meter_stop.0).bind(u.stopped_at).bind(u.reason.map(|r| r.as_str()))
            .bind(u.id_tag.as_ref().map(|t| t.as_str())).bind(u.received_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}
