//! Commands context: commands sent to devices, their truthful state machine
//! (`pending` → `sent` → `delivered` → `succeeded` | `failed` | `timed_out` | `expired` | `cancelled`),
//! idempotent issue, the per-device lock, the dispatch round through protocol adapters, the
//! deadline scanner and persistent-RPC state updates.
//!
//! `domain/` is pure (aggregate, rules, settings, ports); `app/` holds the command handlers and
//! background rounds, each behind the ports in [`domain::ports`], implemented by `mgc-store`
//! (repositories) and the adapters (e.g. ThingsBoard RPC).

#![warn(missing_docs)]

pub mod app;
pub mod domain;

mgc_kernel::define_id!(
    /// Identifies a command.
    CommandId
);

pub use app::cancel::cancel;
pub use app::connections::{InstanceDirectory, WakeDispatcher};
pub use app::consumer::CommandRequestedConsumer;
pub use app::deadline::{scan_deadlines, ScanReport};
pub use app::dispatch::{run_dispatch_round, DispatchReport};
pub use app::issue::{issue, issue_committed, IssueRequest, Issued};
pub use app::online::device_online;
pub use app::reconcile::{reconcile_persistent_rpcs, ReconcileReport};
pub use app::rpc_update::{apply_rpc_update, purge_early_updates, RpcUpdateOutcome};
pub use domain::adapter::{
    AdapterOutcome, AdapterRegistry, DeviceAdapter, InvalidCommand, RpcRequest, RpcStatusLookup, PROTOCOL_AP3000,
    PROTOCOL_OCPP16,
};
pub use domain::command::{Command, RpcOptions, Transition};
pub use domain::connections::{
    lease_expired, may_claim, ConnectedDevice, ConnectionDirectory, ConnectionId, ConnectionRecords, ConnectionTicket,
    Holding, InstanceLease,
};
pub use domain::early::EarlyRpcUpdate;
pub use domain::error::CommandError;
pub use domain::ports::{
    CommandFilter, CommandQueries, CommandRepository, CommandTx, CommandUnits, DeviceDirectory, DeviceTarget,
    EarlyRpcUpdates, RpcCheck,
};
pub use domain::remote::RemoteRpcState;
pub use domain::settings::CommandSettings;
pub use domain::state::CommandState;
