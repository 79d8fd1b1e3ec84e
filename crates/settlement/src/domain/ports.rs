//! Ports of the settlement context, implemented by the store.

use super::ids::{SettlementId, StatementId, TariffId};
use super::listing::{SettlementFilter, StatementFilter};
use super::settlement::{Adjustment, DayInput, Settlement, SettlementVersion};
use super::statement::Statement;
use super::tariff::{Tariff, TariffAssignment};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId, StationTz, TenantId};

/// Read access to the stations of masterdata (only whether one exists and its zone).
#[async_trait]
pub trait StationDirectory: Send {
    /// The time zone of the tenant's station, or `None` when it has no such station.
    async fn station_zone(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationTz>, RepoError>;
}

/// Tariffs and assignments, on the unit of work.
#[async_trait]
pub trait TariffRepository: Send {
    /// Current version of a live tariff.
    async fn tariff(&mut self, tenant: &TenantId, id: TariffId) -> Result<Option<Tariff>, RepoError>;
    /// One stored version (also of a deleted tariff).
    async fn tariff_version(
        &mut self,
        tenant: &TenantId,
        id: TariffId,
        version: u32,
    ) -> Result<Option<Tariff>, RepoError>;
    /// Writes a new version (version 1 creates the tariff).
    async fn save_tariff(&mut self, tariff: &Tariff) -> Result<(), RepoError>;
    /// Marks a tariff deleted (its versions stay for audit).
    async fn delete_tariff(&mut self, tenant: &TenantId, id: TariffId, at: DateTime<Utc>) -> Result<(), RepoError>;
    /// Assignments of a station, oldest effective date first.
    async fn assignments(&mut self, tenant: &TenantId, station: StationId) -> Result<Vec<TariffAssignment>, RepoError>;
    /// Adds an assignment (replacing one with the same station and effective date).
    async fn save_assignment(&mut self, tenant: &TenantId, a: &TariffAssignment) -> Result<(), RepoError>;
    /// Every assignment of a tariff.
    async fn assignments_of_tariff(
        &mut self,
        tenant: &TenantId,
        id: TariffId,
    ) -> Result<Vec<TariffAssignment>, RepoError>;
}

/// Day inputs, settlements, versions and adjustments, on the unit of work.
#[async_trait]
pub trait SettlementRepository: Send {
    /// The stored input of a station's day.
    async fn day_input(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
    ) -> Result<Option<DayInput>, RepoError>;
    /// Inserts or replaces the input of a station's day.
    async fn save_day_input(&mut self, input: &DayInput) -> Result<(), RepoError>;
    /// Inputs of a station's days from `from` on, by date.
    async fn day_inputs_from(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        from: NaiveDate,
    ) -> Result<Vec<DayInput>, RepoError>;
    /// The settlement of a station's day with its current version.
    async fn settlement_of_day(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        day: NaiveDate,
    ) -> Result<Option<(Settlement, SettlementVersion)>, RepoError>;
    /// A settlement with its current version.
    async fn settlement(
        &mut self,
        tenant: &TenantId,
        id: SettlementId,
    ) -> Result<Option<(Settlement, SettlementVersion)>, RepoError>;
    /// Writes the settlement row and, when given, appends a version.
    async fn save_settlement(
        &mut self,
        s: &Settlement,
        is_new: bool,
        version: Option<&SettlementVersion>,
    ) -> Result<(), RepoError>;
    /// Adjustments of a settlement, oldest first.
    async fn adjustments_of(&mut self, tenant: &TenantId, id: SettlementId) -> Result<Vec<Adjustment>, RepoError>;
    /// Appends an adjustment.
    async fn add_adjustment(&mut self, a: &Adjustment) -> Result<(), RepoError>;
    /// `calculated` settlements (any tenant) whose day ended at or before `cutoff`.
    async fn due_for_freeze(
        &mut self,
        cutoff: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, SettlementId)>, RepoError>;
    /// Settlements of a station's days in `[from, to]` with their current versions.
    async fn settlements_between(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Settlement, SettlementVersion)>, RepoError>;
    /// Adjustments of a station not consumed by an issued statement, for days up to `until`.
    async fn pending_adjustments(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        until: NaiveDate,
    ) -> Result<Vec<Adjustment>, RepoError>;
    /// Marks adjustments consumed by `statement` (or pending again with `None`).
    async fn set_adjustments_statement(
        &mut self,
        tenant: &TenantId,
        ids: &[super::ids::AdjustmentId],
        statement: Option<StatementId>,
    ) -> Result<(), RepoError>;
    /// Releases every adjustment consumed by `statement`.
    async fn release_adjustments(&mut self, tenant: &TenantId, statement: StatementId) -> Result<(), RepoError>;
}

/// Statements, on the unit of work.
#[async_trait]
pub trait StatementRepository: Send {
    /// One statement version.
    async fn statement(&mut self, tenant: &TenantId, id: StatementId) -> Result<Option<Statement>, RepoError>;
    /// The newest version for a station and month.
    async fn latest_statement(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        month: &str,
    ) -> Result<Option<Statement>, RepoError>;
    /// Inserts (`is_new`) or updates a statement version.
    async fn save_statement(&mut self, s: &Statement, is_new: bool) -> Result<(), RepoError>;
}

/// Read side, on the pool.
#[async_trait]
pub trait SettlementQueries: Send + Sync {
    /// Live tariffs of the tenant, newest first.
    async fn list_tariffs(&self, tenant: &TenantId) -> Result<Vec<Tariff>, RepoError>;
    /// Current version of a live tariff.
    async fn get_tariff(&self, tenant: &TenantId, id: TariffId) -> Result<Tariff, RepoError>;
    /// All versions of a tariff, oldest first.
    async fn tariff_versions(&self, tenant: &TenantId, id: TariffId) -> Result<Vec<Tariff>, RepoError>;
    /// Assignment history of a station.
    async fn station_assignments(
        &self,
        tenant: &TenantId,
        station: StationId,
    ) -> Result<Vec<TariffAssignment>, RepoError>;
    /// Every settlement (current version) of the filter, by day and station (for exports).
    async fn list_settlements(
        &self,
        scope: &Scope,
        filter: &SettlementFilter,
    ) -> Result<Vec<(Settlement, SettlementVersion)>, RepoError>;
    /// One page of the filter's settlements (current versions), newest day first.
    async fn page_settlements(
        &self,
        scope: &Scope,
        filter: &SettlementFilter,
        page: &PageRequest,
    ) -> Result<Page<(Settlement, SettlementVersion)>, RepoError>;
    /// A settlement within the scope with every version and adjustment (NotFound outside it).
    async fn settlement_detail(
        &self,
        scope: &Scope,
        id: SettlementId,
    ) -> Result<(Settlement, Vec<SettlementVersion>, Vec<Adjustment>), RepoError>;
    /// One page of the filter's statements, newest month and version first.
    async fn list_statements(
        &self,
        scope: &Scope,
        filter: &StatementFilter,
        page: &PageRequest,
    ) -> Result<Page<Statement>, RepoError>;
    /// One statement within the scope (NotFound outside it).
    async fn get_statement(&self, scope: &Scope, id: StatementId) -> Result<Statement, RepoError>;
}
