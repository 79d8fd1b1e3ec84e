//! Repository and read ports of the strategy context (implemented by `mgc-store`).

use super::decision::{Actuator, Setpoint};
use super::execution::{Execution, SentSetpoint};
use super::readings::DeviceReading;
use super::strategy::Strategy;
use super::targets::StationSite;
use crate::{ExecutionId, StrategyId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId, TenantId};

/// The last set-point sent for one actuator of a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct LastSent {
    /// The actuator.
    pub actuator: Actuator,
    /// What was sent and to which devices.
    pub sent: SentSetpoint,
    /// The execution that sent it.
    pub execution_id: ExecutionId,
}

/// Strategies, their versions, last-sent set-points and executions, in one unit of work.
#[async_trait]
pub trait StrategyRepository: Send {
    /// A strategy of the tenant (deleted ones too).
    async fn strategy(&mut self, tenant: &TenantId, id: StrategyId) -> Result<Option<Strategy>, RepoError>;
    /// Inserts or updates a strategy and keeps its version; `next_due_at` (when given) is when
    /// the scheduler should evaluate it next.
    async fn save_strategy(
        &mut self,
        s: &Strategy,
        is_new: bool,
        next_due_at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError>;
    /// The tenant's station with its devices (`None` when the tenant has no such station).
    async fn station_site(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationSite>, RepoError>;
    /// Claims the evaluation slot of a strategy: moves `next_due_at` to `next` when the
    /// strategy is still enabled, at `version` and due at `now`; false when another evaluation
    /// (or a change) got there first. Claims roll back with the unit of work.
    async fn claim_slot(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        version: i64,
        now: DateTime<Utc>,
        next: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// The last set-points sent per actuator.
    async fn last_sent(&mut self, tenant: &TenantId, id: StrategyId) -> Result<Vec<LastSent>, RepoError>;
    /// Records a set-point as sent for its actuator (replacing the previous one).
    async fn save_last_sent(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        last: &LastSent,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Forgets the last set-point of an actuator, so the next evaluation sends it again.
    async fn forget_last_sent(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        actuator: Actuator,
    ) -> Result<(), RepoError>;
    /// Stores an execution.
    async fn save_execution(&mut self, tenant: &TenantId, e: &Execution) -> Result<(), RepoError>;
}

/// Everything one strategy unit of work needs.
pub trait StrategyTx: StrategyRepository + OutboxWriter + UnitOfWork {}

impl<T> StrategyTx for T where T: StrategyRepository + OutboxWriter + UnitOfWork {}

/// Opens strategy units of work (the scheduler needs one per evaluation).
#[async_trait]
pub trait StrategyUnits: Send + Sync {
    /// The unit of work.
    type Tx: StrategyTx;
    /// Starts one.
    async fn begin_strategy_tx(&self) -> Result<Self::Tx, RepoError>;
}

/// The latest numeric value of every point of a station's devices (the latest values read model).
#[async_trait]
pub trait LatestReadings: Send + Sync {
    /// Readings of the tenant's station, with each device's kind.
    async fn latest_readings(&self, tenant: &TenantId, station: StationId) -> Result<Vec<DeviceReading>, RepoError>;
}

/// Filters of the strategy list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrategyFilter {
    /// Station.
    pub station_id: Option<StationId>,
    /// Type name (`peak_shaving`, ...).
    pub type_name: Option<String>,
    /// Enabled or disabled.
    pub enabled: Option<bool>,
}

/// Read side of strategies and executions.
#[async_trait]
pub trait StrategyQueries: Send + Sync {
    /// A live (not deleted) strategy within the scope, read outside a unit of work.
    async fn get_strategy(&self, scope: &Scope, id: StrategyId) -> Result<Option<Strategy>, RepoError>;
    /// Strategies of the scope (not deleted), newest first.
    async fn list_strategies(
        &self,
        scope: &mgc_kernel::Scope,
        f: &StrategyFilter,
        page: &PageRequest,
    ) -> Result<Page<Strategy>, RepoError>;
    /// Every version of a strategy, oldest first.
    async fn strategy_versions(&self, tenant: &TenantId, id: StrategyId) -> Result<Vec<Strategy>, RepoError>;
    /// Executions of a strategy with `from <= at < to`, newest first.
    async fn list_executions(
        &self,
        tenant: &TenantId,
        id: StrategyId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Page<Execution>, RepoError>;
    /// One execution of a strategy.
    async fn execution(
        &self,
        tenant: &TenantId,
        id: StrategyId,
        execution: ExecutionId,
    ) -> Result<Option<Execution>, RepoError>;
    /// Enabled, not deleted strategies of every tenant due at `now`, most overdue first.
    async fn due_strategies(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Strategy>, RepoError>;
    /// The tenant's station with its devices, read outside a unit of work.
    async fn site_of(&self, tenant: &TenantId, station: StationId) -> Result<Option<StationSite>, RepoError>;
}

/// Helper: the set-points of `last`.
#[must_use]
pub fn setpoints_of(last: &[LastSent]) -> Vec<Setpoint> {
    last.iter().map(|l| l.sent.setpoint.clone()).collect()
}
