//! Read side of alarms and notifications: lists with filters and cursors, history, streams.

use crate::alarms_rows::{
    alarm_from_row, channel_from_row, delivery_from_row, history_from_row, rule_from_row, ALARM_COLUMNS,
    CHANNEL_COLUMNS, DELIVERY_COLUMNS, HISTORY_COLUMNS, RULE_COLUMNS,
};
use crate::rows::{db_err, parse_cursor};
use crate::scope_sql::{bind_stations, station_clause};
use crate::Store;
use async_trait::async_trait;
use mgc_alarms::{
    Alarm, AlarmFilter, AlarmId, AlarmQueries, AlarmRule, Channel, Delivery, DeliveryId, DeliveryState, HistoryEntry,
};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, TenantId};

fn status_clause(status: Option<&str>) -> Result<&'static str, RepoError> {
    Ok(match status {
        None => "",
        Some("active_unack") => " AND NOT cleared AND NOT acknowledged",
        Some("active_ack") => " AND NOT cleared AND acknowledged",
        Some("cleared_unack") => " AND cleared AND NOT acknowledged",
        Some("cleared_ack") => " AND cleared AND acknowledged",
        Some("active") => " AND NOT cleared",
        Some("cleared") => " AND cleared",
        Some("unack") => " AND NOT acknowledged",
        Some("ack") => " AND acknowledged",
        Some(other) => return Err(RepoError::Invalid(format!("status: unknown alarm status '{other}'"))),
    })
}

/// Deliveries of alarms of the scope's stations (a delivery carries no station of its own).
fn alarm_station_clause(scope: &Scope, first: usize) -> String {
    match scope.station_list() {
        None => String::new(),
        Some(list) => format!(
            " AND alarm_id IN (SELECT id FROM alarms WHERE alarms.tenant_id = notification_deliveries.tenant_id{})",
            station_clause("station_id", Some(list), first)
        ),
    }
}

#[async_trait]
impl AlarmQueries for Store {
    async fn list_rules(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<AlarmRule>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!("SELECT {RULE_COLUMNS} FROM alarm_rules WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3");
        let rows = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(rule_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |r| r.id.to_string()))
    }

    async fn list_alarms(&self, scope: &Scope, f: &AlarmFilter, page: &PageRequest) -> Result<Page<Alarm>, RepoError> {
        let (tenant, stations) = (&scope.tenant, scope.stations.as_deref());
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {ALARM_COLUMNS} FROM alarms WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2)
             AND ($3 IS NULL OR severity = $3) AND ($4 IS NULL OR station_id = $4) AND ($5 IS NULL OR device_id = $5)
             AND ($6 IS NULL OR rule_id = $6) AND ($7 IS NULL OR started_at >= $7) AND ($8 IS NULL OR started_at < $8){}{}
             ORDER BY id DESC LIMIT $9",
            status_clause(f.status.as_deref())?,
            station_clause("station_id", stations, 10)
        );
        let rows = on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(f.severity.map(|s| s.as_str()))
                .bind(f.station_id.map(|s| s.as_uuid())).bind(f.device_id.map(|d| d.as_uuid()))
                .bind(f.rule_id.map(|r| r.as_uuid())).bind(f.from).bind(f.to).bind(i64::from(page.limit) + 1);
            bind_stations!(q, stations).fetch_all(p).await.map_err(db_err)?.iter().map(alarm_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |a| a.id.to_string()))
    }

    async fn get_alarm(&self, scope: &Scope, id: AlarmId) -> Result<Alarm, RepoError> {
        let sql = format!(
            "SELECT {ALARM_COLUMNS} FROM alarms WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid()), scope.station_list())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(alarm_from_row).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "alarm", id: id.to_string() })
    }

    async fn alarm_history(&self, tenant: &TenantId, id: AlarmId) -> Result<Vec<HistoryEntry>, RepoError> {
        let sql =
            format!("SELECT {HISTORY_COLUMNS} FROM alarm_history WHERE tenant_id = $1 AND alarm_id = $2 ORDER BY seq");
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(history_from_row).collect())
    }

    async fn history_after(&self, scope: &Scope, after: i64, limit: u32) -> Result<Vec<HistoryEntry>, RepoError> {
        let sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM alarm_history WHERE tenant_id = $1 AND seq > $2{} ORDER BY seq LIMIT $3",
            station_clause("station_id", scope.station_list(), 4)
        );
        on_read!(self, p => {
            let q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(after).bind(i64::from(limit));
            bind_stations!(q, scope.station_list())
                .fetch_all(p).await.map_err(db_err)?.iter().map(history_from_row).collect()
        })
    }

    async fn history_head(&self, tenant: &TenantId) -> Result<i64, RepoError> {
        let head: Option<i64> = on_read!(self, p => sqlx::query_scalar("SELECT MAX(seq) FROM alarm_history WHERE tenant_id = $1")
            .bind(tenant.as_str()).fetch_one(p).await.map_err(db_err)?);
        Ok(head.unwrap_or(0))
    }

    async fn list_channels(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Channel>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3");
        let inner = self.inner.clone();
        let rows = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| channel_from_row(&inner, r)).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |c| c.id.to_string()))
    }

    async fn list_deliveries(
        &self,
        scope: &Scope,
        state: Option<DeliveryState>,
        alarm: Option<AlarmId>,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM notification_deliveries WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2)
             AND ($3 IS NULL OR state = $3) AND ($4 IS NULL OR alarm_id = $4){} ORDER BY id DESC LIMIT $5",
            alarm_station_clause(scope, 6)
        );
        let rows = on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(cursor).bind(state.map(|s| s.as_str()))
                .bind(alarm.map(|a| a.as_uuid())).bind(i64::from(page.limit) + 1);
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(delivery_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |d| d.id.to_string()))
    }

    async fn get_delivery(&self, scope: &Scope, id: DeliveryId) -> Result<Delivery, RepoError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM notification_deliveries WHERE tenant_id = $1 AND id = $2{}",
            alarm_station_clause(scope, 3)
        );
        on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid());
            for s in scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_optional(p).await.map_err(db_err)?.as_ref().map(delivery_from_row).transpose()?
        })
        .ok_or_else(|| RepoError::NotFound { what: "notification", id: id.to_string() })
    }
}
