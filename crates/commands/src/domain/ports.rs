//! Repository and port traits of the commands context (implemented by `mgc-store`).

use crate::domain::command::{Command, Transition};
use crate::domain::early::EarlyRpcUpdate;
use crate::{CommandId, CommandState};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, RepoError, Scope, StationId, TenantId};

/// A device as commands see it (read from the masterdata tables).
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceTarget {
    /// Device.
    pub device_id: DeviceId,
    /// Its station.
    pub station_id: StationId,
    /// Device name (unique per tenant; a charge point's OCPP identity).
    pub name: String,
    /// Protocol (`thingsboard`, `ocpp16`, ...), chooses the adapter.
    pub protocol: String,
    /// ThingsBoard device UUID, when the device has one.
    pub tb_device_id: Option<String>,
}

/// Read port onto masterdata.
#[async_trait]
pub trait DeviceDirectory: Send {
    /// The device when it is in `scope` (its tenant and, when restricted, one of its stations), or None.
    async fn device_target(&mut self, scope: &Scope, device: DeviceId) -> Result<Option<DeviceTarget>, RepoError>;
}

/// Commands and their transitions, inside a unit of work.
#[async_trait]
pub trait CommandRepository: Send {
    /// A command of the tenant with its transitions.
    async fn command(&mut self, tenant: &TenantId, id: CommandId) -> Result<Option<Command>, RepoError>;
    /// The command holding an idempotency key of the tenant.
    async fn command_by_key(&mut self, tenant: &TenantId, key: &str) -> Result<Option<Command>, RepoError>;
    /// The command of a persistent RPC id of the tenant.
    async fn command_by_rpc_id(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<Option<Command>, RepoError>;
    /// Stores a new command and its transitions (a used idempotency key is a conflict).
    async fn insert_command(&mut self, command: &Command) -> Result<(), RepoError>;
    /// Saves a changed command and appends `new` transitions, releasing any lease; a conflict
    /// when the stored state is no longer `expected` or the lease owner is no longer the one
    /// loaded into `command` (someone else changed or claimed it).
    async fn save_command(
        &mut self,
        command: &Command,
        expected: CommandState,
        new: &[Transition],
    ) -> Result<(), RepoError>;
    /// Frees the idempotency key of an old command (its 24 h are over).
    async fn release_key(&mut self, tenant: &TenantId, id: CommandId) -> Result<(), RepoError>;
}

/// State messages of persistent RPCs whose id no command carries yet, inside a unit of work.
#[async_trait]
pub trait EarlyRpcUpdates: Send {
    /// Serializes, until the unit of work ends, every unit of work that records `rpc_id` on a
    /// command or receives a state message for it (so a message is either found by the
    /// dispatcher or finds the command, never neither).
    async fn lock_rpc_id(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<(), RepoError>;
    /// True while a persistent command of the tenant is being sent (leased at `now`): its RPC id
    /// may exist on the platform but not here yet.
    async fn awaiting_rpc_id(&mut self, tenant: &TenantId, now: DateTime<Utc>) -> Result<bool, RepoError>;
    /// Deletes the tenant's buffered messages received before `before`.
    async fn purge_tenant_early_updates(&mut self, tenant: &TenantId, before: DateTime<Utc>) -> Result<(), RepoError>;
    /// Number of buffered messages of the tenant.
    async fn count_early_updates(&mut self, tenant: &TenantId) -> Result<u64, RepoError>;
    /// Buffers a message (a repeat of the same rpc id and status keeps the first).
    async fn buffer_early_update(
        &mut self,
        tenant: &TenantId,
        rpc_id: &str,
        update: &EarlyRpcUpdate,
    ) -> Result<(), RepoError>;
    /// Removes and returns the buffered messages of `rpc_id`.
    async fn take_early_updates(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<Vec<EarlyRpcUpdate>, RepoError>;
}

/// Everything one command unit of work needs.
pub trait CommandTx: CommandRepository + EarlyRpcUpdates + DeviceDirectory + OutboxWriter + UnitOfWork {}

impl<T> CommandTx for T where T: CommandRepository + EarlyRpcUpdates + DeviceDirectory + OutboxWriter + UnitOfWork {}

/// A persistent command due for a check of its RPC state with the platform.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcCheck {
    /// Owner tenant.
    pub tenant: TenantId,
    /// The command.
    pub id: CommandId,
    /// Its platform RPC id.
    pub rpc_id: String,
    /// Its protocol (chooses the adapter).
    pub protocol: String,
}

/// Units of work and the queue of the background rounds.
#[async_trait]
pub trait CommandUnits: Send + Sync {
    /// The unit of work.
    type Tx: CommandTx;
    /// Starts one.
    async fn begin_command_tx(&self) -> Result<Self::Tx, RepoError>;
    /// Claims up to `limit` due pending commands (deadline not passed) for `owner` until
    /// `lease_until`, under the per-device lock: commands of one device that are not parallel
    /// go one at a time, in issue order, and never beside one that is in flight or being sent.
    async fn claim_due_commands(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Command>, RepoError>;
    /// Live commands whose deadline is at or before `now` and that no dispatcher holds, or
    /// whose deadline is before `stuck_before` (a dispatcher that died while sending).
    async fn overdue_commands(
        &self,
        now: DateTime<Utc>,
        stuck_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, CommandId)>, RepoError>;
    /// Makes the pending commands of the tenant's device addressed as `target` on `protocol`
    /// due at `now` (those waiting for a retry later); returns how many.
    async fn make_due(
        &self,
        tenant: &TenantId,
        protocol: &str,
        target: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
    /// Deletes buffered early RPC state messages (every tenant) received before `before`;
    /// returns how many.
    async fn purge_early_updates(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
    /// Marks checked at `now` and returns up to `limit` persistent commands with an RPC id,
    /// still `sent`/`delivered` before their deadline, unchanged and unchecked since `quiet_since`.
    async fn claim_rpc_checks(
        &self,
        now: DateTime<Utc>,
        quiet_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RpcCheck>, RepoError>;
}

/// Filters of the command list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandFilter {
    /// Device.
    pub device_id: Option<DeviceId>,
    /// Station.
    pub station_id: Option<StationId>,
    /// State.
    pub state: Option<CommandState>,
    /// Method (exactly, e.g. the OCPP action `GetConfiguration`).
    pub method: Option<String>,
    /// Issued at or after.
    pub from: Option<DateTime<Utc>>,
    /// Issued before.
    pub to: Option<DateTime<Utc>>,
}

/// Read side of commands.
#[async_trait]
pub trait CommandQueries: Send + Sync {
    /// Commands of the scope, newest first, with their transitions.
    async fn list_commands(
        &self,
        scope: &Scope,
        filter: &CommandFilter,
        page: &PageRequest,
    ) -> Result<Page<Command>, RepoError>;
    /// One command of the scope with its transitions (a command of a station outside the scope
    /// is `None`, like one of another tenant).
    async fn get_command(&self, scope: &Scope, id: CommandId) -> Result<Option<Command>, RepoError>;
}
