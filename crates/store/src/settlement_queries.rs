//! Read side of settlement: tariffs, assignments, settlements with versions, statements.

use crate::rows::{db_err, parse_cursor};
use crate::scope_sql::{bind_stations, station_clause};
use crate::settlement::{
    adjustment_from_row, settlement_from_row, version_from_row, ADJUSTMENT_COLUMNS, SETTLEMENT_COLUMNS, SETTLEMENT_FROM,
};
use crate::settlement_statements::{statement_from_row, STATEMENT_COLUMNS};
use crate::tariffs::{
    assignment_from_row, tariff_from_row, ASSIGNMENT_COLUMNS, TARIFF_COLUMNS, TARIFF_VERSION_COLUMNS,
};
use crate::Store;
use async_trait::async_trait;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId, TenantId};
use mgc_settlement::{
    Adjustment, Settlement, SettlementFilter, SettlementId, SettlementQueries, SettlementVersion, Statement,
    StatementFilter, StatementId, Tariff, TariffAssignment, TariffId,
};

/// Most rows one export query returns.
const LIST_LIMIT: i64 = 5000;

#[async_trait]
impl SettlementQueries for Store {
    async fn list_tariffs(&self, tenant: &TenantId) -> Result<Vec<Tariff>, RepoError> {
        let sql = format!(
            "SELECT {TARIFF_COLUMNS} FROM tariffs WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2"
        );
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(LIST_LIMIT)
            .fetch_all(p).await.map_err(db_err)?.iter().map(tariff_from_row).collect())
    }

    async fn get_tariff(&self, tenant: &TenantId, id: TariffId) -> Result<Tariff, RepoError> {
        let sql =
            format!("SELECT {TARIFF_COLUMNS} FROM tariffs WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL");
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(tariff_from_row).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "tariff", id: id.to_string() })
    }

    async fn tariff_versions(&self, tenant: &TenantId, id: TariffId) -> Result<Vec<Tariff>, RepoError> {
        let sql = format!(
            "SELECT {TARIFF_VERSION_COLUMNS} FROM tariff_versions v JOIN tariffs t ON t.id = v.tariff_id
             WHERE v.tenant_id = $1 AND v.tariff_id = $2 AND t.deleted_at IS NULL ORDER BY v.version"
        );
        let versions: Vec<Tariff> = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(tariff_from_row).collect::<Result<_, _>>()?);
        if versions.is_empty() {
            return Err(RepoError::NotFound { what: "tariff", id: id.to_string() });
        }
        Ok(versions)
    }

    async fn station_assignments(
        &self,
        tenant: &TenantId,
        station: StationId,
    ) -> Result<Vec<TariffAssignment>, RepoError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM station_tariffs WHERE tenant_id = $1 AND station_id = $2 ORDER BY effective_from"
        );
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(assignment_from_row).collect())
    }

    async fn list_settlements(
        &self,
        scope: &Scope,
        f: &SettlementFilter,
    ) -> Result<Vec<(Settlement, SettlementVersion)>, RepoError> {
        let tenant = &scope.tenant;
        let sql = format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM}
             WHERE s.tenant_id = $1 AND ($2 IS NULL OR s.station_id = $2) AND s.day >= $3 AND s.day <= $4{}
             ORDER BY s.day, s.station_id LIMIT $5",
            station_clause("s.station_id", scope.station_list(), 6)
        );
        on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(f.station.map(|s| s.as_uuid()))
                .bind(f.from.to_string()).bind(f.to.to_string()).bind(LIST_LIMIT);
            bind_stations!(q, scope.station_list()).fetch_all(p).await.map_err(db_err)?.iter().map(settlement_from_row).collect()
        })
    }

    async fn page_settlements(
        &self,
        scope: &Scope,
        f: &SettlementFilter,
        page: &PageRequest,
    ) -> Result<Page<(Settlement, SettlementVersion)>, RepoError> {
        let tenant = &scope.tenant;
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM}
             WHERE s.tenant_id = $1 AND ($2 IS NULL OR s.station_id = $2) AND s.day >= $3 AND s.day <= $4
             AND ($5 IS NULL OR (s.day, s.id) < (SELECT c.day, c.id FROM settlements c WHERE c.tenant_id = $1 AND c.id = $5)){}
             ORDER BY s.day DESC, s.id DESC LIMIT $6",
            station_clause("s.station_id", scope.station_list(), 7)
        );
        let rows = on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(f.station.map(|s| s.as_uuid()))
                .bind(f.from.to_string()).bind(f.to.to_string()).bind(cursor).bind(i64::from(page.limit) + 1);
            bind_stations!(q, scope.station_list()).fetch_all(p).await.map_err(db_err)?.iter().map(settlement_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |(s, _)| s.id.to_string()))
    }

    async fn settlement_detail(
        &self,
        scope: &Scope,
        id: SettlementId,
    ) -> Result<(Settlement, Vec<SettlementVersion>, Vec<Adjustment>), RepoError> {
        let tenant = &scope.tenant;
        let sql = format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM {SETTLEMENT_FROM} WHERE s.tenant_id = $1 AND s.id = $2{}",
            station_clause("s.station_id", scope.station_list(), 3)
        );
        let (settlement, _) = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()), scope.station_list())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(settlement_from_row).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "settlement", id: id.to_string() })?;
        let versions_sql =
            "SELECT body FROM settlement_versions WHERE tenant_id = $1 AND settlement_id = $2 ORDER BY version";
        let versions = on_read!(self, p => sqlx::query(versions_sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(version_from_row).collect::<Result<Vec<_>, _>>()?);
        let adjustments_sql = format!(
            "SELECT {ADJUSTMENT_COLUMNS} FROM settlement_adjustments WHERE tenant_id = $1 AND settlement_id = $2
             ORDER BY created_at, id"
        );
        let adjustments = on_read!(self, p => sqlx::query(&adjustments_sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(adjustment_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok((settlement, versions, adjustments))
    }

    async fn list_statements(
        &self,
        scope: &Scope,
        f: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, RepoError> {
        let tenant = &scope.tenant;
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {STATEMENT_COLUMNS} FROM statements s WHERE s.tenant_id = $1 AND ($2 IS NULL OR s.station_id = $2)
             AND ($3 IS NULL OR s.month = $3) AND ($4 IS NULL OR (s.month, s.version, s.id) <
                 (SELECT c.month, c.version, c.id FROM statements c WHERE c.tenant_id = $1 AND c.id = $4)){}
             ORDER BY s.month DESC, s.version DESC, s.id DESC LIMIT $5",
            station_clause("s.station_id", scope.station_list(), 6)
        );
        let rows = on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(f.station.map(|s| s.as_uuid()))
                .bind(f.month.as_deref()).bind(cursor).bind(i64::from(page.limit) + 1);
            bind_stations!(q, scope.station_list()).fetch_all(p).await.map_err(db_err)?.iter().map(statement_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |s| s.id.to_string()))
    }

    async fn get_statement(&self, scope: &Scope, id: StatementId) -> Result<Statement, RepoError> {
        let sql = format!(
            "SELECT {STATEMENT_COLUMNS} FROM statements WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid()), scope.station_list())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(statement_from_row).transpose()?)
        .ok_or_else(|| RepoError::NotFound { what: "statement", id: id.to_string() })
    }
}
