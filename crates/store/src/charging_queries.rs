//! The charging read side for the API: charge points and sessions, scoped by tenant and station in SQL.

use crate::charging_rows::{
    attach, charge_point_from_row, session_from_row, transition_from_row, CHARGE_POINT_COLUMNS, SESSION_COLUMNS,
    TRANSITION_COLUMNS,
};
use crate::rows::{db_err, parse_cursor};
use crate::scope_sql::station_clause;
use crate::Store;
use async_trait::async_trait;
use mgc_charging::{
    ChargePoint, ChargePointFilter, ChargePointId, ChargingQueries, ChargingSession, IdTag, IdTagFilter, IdToken,
    SessionId,
};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, TenantId};
use uuid::Uuid;

/// Which rows a query reads: one by id, or a page after a cursor (ids ascending or descending).
#[derive(Clone, Copy)]
enum Rows {
    One(Uuid),
    Page { after: Option<Uuid>, limit: u32, newest_first: bool },
}

/// `SELECT columns FROM table` in scope for `rows`: `$1` tenant, `$2` id or cursor, `$3` limit,
/// then the scope's stations.
fn scoped_sql(table: &str, columns: &str, scope: &Scope, rows: Rows) -> String {
    filtered_sql(table, columns, scope, rows, "")
}

/// [`scoped_sql`] with `condition` (SQL without parameters) added.
fn filtered_sql(table: &str, columns: &str, scope: &Scope, rows: Rows, condition: &str) -> String {
    let (filter, tail, first_station) = match rows {
        Rows::One(_) => ("id = $2", String::new(), 3),
        Rows::Page { newest_first: true, .. } => ("($2 IS NULL OR id < $2)", " ORDER BY id DESC LIMIT $3".into(), 4),
        Rows::Page { newest_first: false, .. } => ("($2 IS NULL OR id > $2)", " ORDER BY id LIMIT $3".into(), 4),
    };
    let stations = station_clause("station_id", scope.station_list(), first_station);
    format!("SELECT {columns} FROM {table} WHERE tenant_id = $1 AND {filter}{stations}{condition}{tail}")
}

/// Runs a [`scoped_sql`] query on the read pool and maps its rows with `$map`.
macro_rules! fetch_scoped {
    ($store:expr, $sql:expr, $scope:expr, $rows:expr, $map:expr) => {
        on_read!($store, p => {
            let mut q = sqlx::query($sql).bind($scope.tenant.as_str());
            q = match $rows {
                Rows::One(id) => q.bind(id),
                Rows::Page { after, limit, .. } => q.bind(after).bind(i64::from(limit) + 1),
            };
            for s in $scope.station_list().into_iter().flatten() {
                q = q.bind(s.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map($map).collect::<Result<Vec<_>, RepoError>>()
        })
    };
}

fn page_rows(page: &PageRequest, newest_first: bool) -> Result<Rows, RepoError> {
    Ok(Rows::Page { after: parse_cursor(page.cursor.as_deref())?, limit: page.limit, newest_first })
}

#[async_trait]
impl ChargingQueries for Store {
    async fn list_charge_points(
        &self,
        scope: &Scope,
        filter: ChargePointFilter,
        page: &PageRequest,
    ) -> Result<Page<ChargePoint>, RepoError> {
        let rows = page_rows(page, false)?;
        // The registration and the charger type are fixed names, never client text.
        let mut condition =
            filter.registration.map(|r| format!(" AND registration = '{}'", r.as_str())).unwrap_or_default();
        if let Some(t) = filter.charger_type {
            condition.push_str(&format!(" AND charger_type = '{}'", t.as_str()));
        }
        let sql = filtered_sql("charge_points", CHARGE_POINT_COLUMNS, scope, rows, &condition);
        let found = fetch_scoped!(self, &sql, scope, rows, charge_point_from_row)?;
        Ok(Page::from_overfetch(found, page.limit, |c| c.id.to_string()))
    }

    async fn get_charge_point(&self, scope: &Scope, id: ChargePointId) -> Result<Option<ChargePoint>, RepoError> {
        let rows = Rows::One(id.as_uuid());
        let sql = scoped_sql("charge_points", CHARGE_POINT_COLUMNS, scope, rows);
        Ok(fetch_scoped!(self, &sql, scope, rows, charge_point_from_row)?.pop())
    }

    async fn list_sessions(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ChargingSession>, RepoError> {
        let rows = page_rows(page, true)?;
        let sql = scoped_sql("charging_sessions", SESSION_COLUMNS, scope, rows);
        let found = fetch_scoped!(self, &sql, scope, rows, session_from_row)?;
        Ok(Page::from_overfetch(found, page.limit, |s| s.id.to_string()))
    }

    async fn get_session(&self, scope: &Scope, id: SessionId) -> Result<Option<ChargingSession>, RepoError> {
        let rows = Rows::One(id.as_uuid());
        let sql = scoped_sql("charging_sessions", SESSION_COLUMNS, scope, rows);
        let Some(mut session) = fetch_scoped!(self, &sql, scope, rows, session_from_row)?.pop() else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {TRANSITION_COLUMNS} FROM charging_session_transitions WHERE tenant_id = $1 AND session_id = $2
             ORDER BY position"
        );
        let transitions = on_read!(self, p => sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(transition_from_row).collect::<Result<Vec<_>, _>>()?);
        attach(std::slice::from_mut(&mut session), transitions);
        Ok(Some(session))
    }

    async fn list_id_tags(
        &self,
        tenant: &TenantId,
        filter: &IdTagFilter,
        page: &PageRequest,
    ) -> Result<Page<IdTag>, RepoError> {
        crate::charging_tag_queries::list(self, tenant, filter, page).await
    }

    async fn get_id_tag(&self, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError> {
        crate::charging_tag_queries::get(self, tenant, tag).await
    }
}
