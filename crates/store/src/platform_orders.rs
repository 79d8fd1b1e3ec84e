//! Third-party platforms' charge orders and the scoped pile lookup on the unit of work.

use crate::charging_rows::{
    charge_point_from_row, connector_from_row, session_from_row, CHARGE_POINT_COLUMNS, CONNECTOR_COLUMNS,
    SESSION_COLUMNS,
};
use crate::rows::{db_err, tenant_of, to_u32, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mgc_charging::{ChargePoint, ChargePointId, ChargingSession, Connector, SessionId};
use mgc_commands::CommandId;
use mgc_kernel::{RepoError, Scope, TenantId};
use mgc_platform::{ChargeMode, ChargeOrder, DeviceRef, OrderNo, OrderQueries, OrderRepository, PlatformUnits};
use std::collections::HashMap;

const ORDER_COLUMNS: &str = "tenant_id, order_no, charge_point_id, port, mode, limit_value, id_tag, start_command_id,
    stop_command_id, created_at, session_id";

fn order_from_row(r: &impl RowExt) -> Result<ChargeOrder, RepoError> {
    let corrupt = |what: &str| RepoError::Backend(format!("charge order: stored {what} is not valid"));
    let limit = r.opt_int("limit_value")?.map(|l| u32::try_from(l).map_err(|_| corrupt("limit"))).transpose()?;
    let mode_name = r.text("mode")?;
    Ok(ChargeOrder {
        tenant: tenant_of(r)?,
        order_no: OrderNo::parse(&r.text("order_no")?).map_err(|_| corrupt("order_no"))?,
        charge_point_id: ChargePointId::from_uuid(r.uuid("charge_point_id")?),
        port: to_u32(r.int("port")?, "port")?,
        mode: ChargeMode::parse(&mode_name, limit).map_err(|_| corrupt("mode"))?,
        id_tag: r.text("id_tag")?,
        start_command_id: CommandId::from_uuid(r.uuid("start_command_id")?),
        stop_command_id: r.opt_uuid("stop_command_id")?.map(CommandId::from_uuid),
        session_id: r.opt_uuid("session_id")?.map(SessionId::from_uuid),
        created_at: r.time("created_at")?,
    })
}

#[async_trait]
impl OrderRepository for StoreTx {
    async fn charge_point_in_scope(
        &mut self,
        scope: &Scope,
        device: &DeviceRef,
    ) -> Result<Option<ChargePoint>, RepoError> {
        let stations = scope.stations.as_deref();
        let clause = station_clause("station_id", stations, 3);
        let (column, key) = match device {
            DeviceRef::Id(id) => ("id", Key::Id(id.as_uuid())),
            DeviceRef::Identity(identity) => ("identity", Key::Text(identity.as_str().to_owned())),
        };
        let sql =
            format!("SELECT {CHARGE_POINT_COLUMNS} FROM charge_points WHERE tenant_id = $1 AND {column} = $2{clause}");
        let tenant = scope.tenant.as_str();
        let stations = scope.stations.as_ref();
        let row = match key {
            Key::Id(id) => on_tx!(self, c => bind_stations!(sqlx::query(&sql).bind(tenant).bind(id), stations)
                .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(charge_point_from_row).transpose()),
            Key::Text(text) => {
                on_tx!(self, c => bind_stations!(sqlx::query(&sql).bind(tenant).bind(text.as_str()), stations)
                .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(charge_point_from_row).transpose())
            }
        };
        row
    }

    async fn connectors_of(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
    ) -> Result<Vec<Connector>, RepoError> {
        let sql = format!(
            "SELECT {CONNECTOR_COLUMNS} FROM charging_connectors WHERE tenant_id = $1 AND charge_point_id = $2 ORDER BY number"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(connector_from_row).collect())
    }

    async fn sessions_of(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        before: Option<SessionId>,
        limit: u32,
    ) -> Result<Vec<ChargingSession>, RepoError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM charging_sessions WHERE tenant_id = $1 AND charge_point_id = $2
             AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point.as_uuid())
            .bind(before.map(|s| s.as_uuid())).bind(i64::from(limit))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(session_from_row).collect())
    }

    async fn order(&mut self, tenant: &TenantId, order_no: &OrderNo) -> Result<Option<ChargeOrder>, RepoError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM charge_orders WHERE tenant_id = $1 AND order_no = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(order_no.as_str())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(order_from_row).transpose())
    }

    async fn latest_order_on(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        port: u32,
    ) -> Result<Option<ChargeOrder>, RepoError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM charge_orders WHERE tenant_id = $1 AND charge_point_id = $2 AND port = $3
             ORDER BY created_at DESC, order_no DESC LIMIT 1"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(charge_point.as_uuid()).bind(i64::from(port))
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(order_from_row).transpose())
    }

    async fn insert_order(&mut self, o: &ChargeOrder) -> Result<(), RepoError> {
        let sql = format!(
            "INSERT INTO charge_orders ({ORDER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_tx!(self, c => sqlx::query(&sql)
            .bind(o.tenant.as_str()).bind(o.order_no.as_str()).bind(o.charge_point_id.as_uuid()).bind(i64::from(o.port))
            .bind(o.mode.name()).bind(o.mode.limit().map(i64::from)).bind(o.id_tag.as_str())
            .bind(o.start_command_id.as_uuid()).bind(o.stop_command_id.map(|c| c.as_uuid())).bind(o.created_at)
            .bind(o.session_id.map(|s| s.as_uuid()))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn link_session(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        port: u32,
        session: SessionId,
        started_at: DateTime<Utc>,
    ) -> Result<Option<OrderNo>, RepoError> {
        let (earliest, latest) = (started_at - Duration::minutes(15), started_at + Duration::minutes(5));
        let sql = "SELECT order_no FROM charge_orders WHERE tenant_id = $1 AND charge_point_id = $2 AND port = $3
            AND session_id IS NULL AND created_at >= $4 AND created_at <= $5 ORDER BY created_at DESC, order_no DESC LIMIT 1";
        let found: Option<String> = on_tx!(self, c => sqlx::query_scalar(sql).bind(tenant.as_str())
            .bind(charge_point.as_uuid()).bind(i64::from(port)).bind(earliest).bind(latest)
            .fetch_optional(&mut *c).await.map_err(db_err)?);
        let Some(order_no) = found else { return Ok(None) };
        let sql =
            "UPDATE charge_orders SET session_id = $3 WHERE tenant_id = $1 AND order_no = $2 AND session_id IS NULL";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(order_no.as_str()).bind(session.as_uuid())
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        OrderNo::parse(&order_no).map(Some).map_err(|_| RepoError::Backend(format!("stored order number '{order_no}'")))
    }

    async fn set_stop_command(
        &mut self,
        tenant: &TenantId,
        order_no: &OrderNo,
        command: CommandId,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE charge_orders SET stop_command_id = $3 WHERE tenant_id = $1 AND order_no = $2";
        let updated = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(order_no.as_str())
            .bind(command.as_uuid()).execute(&mut *c).await.map_err(db_err)?.rows_affected());
        if updated != 1 {
            return Err(RepoError::Conflict(format!("charge order {order_no} is not stored")));
        }
        Ok(())
    }
}

/// The lookup key of a pile.
enum Key {
    Id(uuid::Uuid),
    Text(String),
}

#[async_trait]
impl PlatformUnits for Store {
    type Tx = StoreTx;

    async fn begin_platform_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }
}

#[async_trait]
impl OrderQueries for Store {
    async fn order_nos_of(
        &self,
        tenant: &TenantId,
        sessions: &[SessionId],
    ) -> Result<HashMap<SessionId, OrderNo>, RepoError> {
        let mut out = HashMap::new();
        for chunk in sessions.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT session_id, order_no FROM charge_orders WHERE tenant_id = $1 AND session_id IN ({})",
                marks.join(", ")
            );
            let rows = on_read!(self, p => {
                let mut q = sqlx::query(&sql).bind(tenant.as_str());
                for id in chunk {
                    q = q.bind(id.as_uuid());
                }
                q.fetch_all(p).await.map_err(db_err)?.iter().map(|r| {
                    let no = r.text("order_no")?;
                    let no = OrderNo::parse(&no).map_err(|_| RepoError::Backend(format!("stored order number '{no}'")))?;
                    Ok((SessionId::from_uuid(r.uuid("session_id")?), no))
                }).collect::<Result<Vec<_>, RepoError>>()?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    async fn session_of_order(&self, tenant: &TenantId, order_no: &OrderNo) -> Result<Option<SessionId>, RepoError> {
        let sql = "SELECT session_id FROM charge_orders WHERE tenant_id = $1 AND order_no = $2";
        let found = on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(order_no.as_str())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(|r| r.opt_uuid("session_id")).transpose()?);
        Ok(found.flatten().map(SessionId::from_uuid))
    }
}
