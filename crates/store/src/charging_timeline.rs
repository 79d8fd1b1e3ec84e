//! The charging audit trail: appended on the unit of work, read scoped by the charge point or
//! session it belongs to, and purged by retention (never an open session's events).

use crate::commands_rows::corrupt;
use crate::rows::{db_err, parse_cursor, tenant_of, to_u32, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{
    ChargePointId, FrameRef, SessionId, TimeRange, TimelineEvent, TimelineEventId, TimelinePurge, TimelineQueries,
    TimelineRepository,
};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId};
use sqlx::types::Json;
use std::sync::atomic::Ordering;
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, charge_point_id, station_id, connector, session_id, kind, at, frame_protocol,
    frame_message_id, frame_action, details";

fn event_from_row(r: &impl RowExt) -> Result<TimelineEvent, RepoError> {
    let frame = match (r.opt_text("frame_protocol")?, r.opt_text("frame_message_id")?, r.opt_text("frame_action")?) {
        (Some(protocol), Some(message_id), Some(action)) => Some(FrameRef { protocol, message_id, action }),
        _ => None,
    };
    Ok(TimelineEvent {
        id: TimelineEventId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        charge_point_id: ChargePointId::from_uuid(r.uuid("charge_point_id")?),
        station_id: r.opt_uuid("station_id")?.map(StationId::from_uuid),
        connector: r.opt_int("connector")?.map(|c| to_u32(c, "connector")).transpose()?,
        session_id: r.opt_uuid("session_id")?.map(SessionId::from_uuid),
        kind: r.text("kind")?.parse().map_err(|e| corrupt("timeline kind", e))?,
        at: r.time("at")?,
        frame,
        details: r.json("details")?,
    })
}

#[async_trait]
impl TimelineRepository for StoreTx {
    async fn append_timeline(&mut self, e: &TimelineEvent) -> Result<(), RepoError> {
        if self.store.timeline_off.load(Ordering::Relaxed) {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO charging_timeline ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        let frame = e.frame.as_ref();
        on_tx!(self, c => sqlx::query(&sql)
            .bind(e.id.as_uuid()).bind(e.tenant.as_str()).bind(e.charge_point_id.as_uuid())
            .bind(e.station_id.map(|s| s.as_uuid())).bind(e.connector.map(i64::from))
            .bind(e.session_id.map(|s| s.as_uuid())).bind(e.kind.as_str()).bind(e.at)
            .bind(frame.map(|f| f.protocol.as_str())).bind(frame.map(|f| f.message_id.as_str()))
            .bind(frame.map(|f| f.action.as_str())).bind(Json(&e.details))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    fn set_frame(&mut self, frame: FrameRef) {
        self.charging_frame = Some(frame);
    }

    fn frame(&self) -> Option<FrameRef> {
        self.charging_frame.clone()
    }
}

/// Whose events a timeline query reads.
#[derive(Clone, Copy)]
enum Owner {
    ChargePoint(Uuid),
    Session(Uuid),
}

impl Owner {
    fn parts(self) -> (&'static str, &'static str, Uuid) {
        match self {
            Self::ChargePoint(id) => ("charge_points", "charge_point_id", id),
            Self::Session(id) => ("charging_sessions", "session_id", id),
        }
    }
}

impl Store {
    /// Switches the charging timeline (audit trail) on (the default) or off. Off, units of work
    /// append no timeline event and everything else commits as before: a benchmark and
    /// diagnostic switch (`charging.timeline_enabled`) to measure what the trail costs.
    pub fn set_charging_timeline(&self, enabled: bool) {
        self.inner.timeline_off.store(!enabled, Ordering::Relaxed);
    }

    /// True when the charging timeline is recorded (see [`Store::set_charging_timeline`]).
    pub fn charging_timeline_enabled(&self) -> bool {
        !self.inner.timeline_off.load(Ordering::Relaxed)
    }

    /// True when the owner row exists in `scope` (tenant, and station for a station-scoped caller).
    async fn owner_in_scope(&self, scope: &Scope, owner: Owner) -> Result<bool, RepoError> {
        let (table, _, id) = owner.parts();
        let stations = station_clause("station_id", scope.station_list(), 3);
        let sql = format!("SELECT id FROM {table} WHERE tenant_id = $1 AND id = $2{stations}");
        on_read!(self, p => {
            let q = bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id), scope.station_list());
            Ok(q.fetch_optional(p).await.map_err(db_err)?.is_some())
        })
    }

    async fn timeline(
        &self,
        scope: &Scope,
        owner: Owner,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Option<Page<TimelineEvent>>, RepoError> {
        let after = parse_cursor(page.cursor.as_deref())?;
        if !self.owner_in_scope(scope, owner).await? {
            return Ok(None);
        }
        let (_, column, id) = owner.parts();
        let sql = format!(
            "SELECT {COLUMNS} FROM charging_timeline WHERE tenant_id = $1 AND {column} = $2 AND ($3 IS NULL OR id > $3)
             AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5) ORDER BY id LIMIT $6"
        );
        let found = on_read!(self, p => sqlx::query(&sql)
            .bind(scope.tenant.as_str()).bind(id).bind(after).bind(range.from).bind(range.to)
            .bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(event_from_row).collect::<Result<Vec<_>, _>>())?;
        Ok(Some(Page::from_overfetch(found, page.limit, |e| e.id.to_string())))
    }
}

#[async_trait]
impl TimelineQueries for Store {
    async fn session_timeline(
        &self,
        scope: &Scope,
        id: SessionId,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Option<Page<TimelineEvent>>, RepoError> {
        self.timeline(scope, Owner::Session(id.as_uuid()), range, page).await
    }

    async fn charge_point_timeline(
        &self,
        scope: &Scope,
        id: ChargePointId,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Option<Page<TimelineEvent>>, RepoError> {
        self.timeline(scope, Owner::ChargePoint(id.as_uuid()), range, page).await
    }
}

#[async_trait]
impl TimelinePurge for Store {
    async fn purge_timeline(
        &self,
        sessions_before: DateTime<Utc>,
        events_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let sql = "DELETE FROM charging_timeline WHERE id IN (
            SELECT t.id FROM charging_timeline t
            WHERE (t.session_id IS NULL AND t.at < $2)
               OR (t.session_id IS NOT NULL AND t.at < $1 AND NOT EXISTS (
                   SELECT 1 FROM charging_sessions s
                   WHERE s.id = t.session_id AND s.state NOT IN ('completed', 'failed')))
            LIMIT $3)";
        on_write!(self, p => sqlx::query(sql).bind(sessions_before).bind(events_before).bind(i64::from(limit))
            .execute(p).await.map_err(db_err).map(|r| r.rows_affected()))
    }
}
