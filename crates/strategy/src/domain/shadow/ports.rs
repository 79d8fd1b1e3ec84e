//! What a shadow run needs from outside: the station's history and zone, and the runs' storage
//! (with the jobs row and the completion notification written by the same transactions).

use super::run::{RunNotice, ShadowRun, ShadowRunId};
use crate::domain::readings::DeviceReading;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId, StationTz, TenantId};
use uuid::Uuid;

/// (device kind, point) of every reading a replay uses: grid and PV as measured. Battery
/// readings are not read: the baseline assumes no battery acted.
pub const HISTORY_POINTS: &[(&str, &str)] = &[
    ("meter", "active_power_w"),
    ("meter", "grid_import_power_w"),
    ("meter", "grid_export_power_w"),
    ("pv_inverter", "pv_power_w"),
    ("pv_inverter", "active_power_w"),
];

/// The station's historical telemetry.
#[async_trait]
pub trait HistoryReader: Send + Sync {
    /// The station's zone, or `None` when the tenant has no such station.
    async fn station_zone(&self, tenant: &TenantId, station: StationId) -> Result<Option<StationTz>, RepoError>;

    /// Numeric readings of [`HISTORY_POINTS`] of the station's devices with `from <= ts < to`,
    /// sorted by time.
    async fn history(
        &self,
        tenant: &TenantId,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DeviceReading>, RepoError>;
}

/// Storage of shadow runs (each run has a row of kind `shadow_run` in the jobs table, kept in
/// step by the same statements' transaction).
#[async_trait]
pub trait ShadowRunStore: Send + Sync {
    /// True when the tenant has this notification channel.
    async fn notify_channel_exists(&self, tenant: &TenantId, channel: Uuid) -> Result<bool, RepoError>;
    /// Saves a new queued run and its job.
    async fn queue_run(&self, run: &ShadowRun) -> Result<(), RepoError>;
    /// Claims the oldest queued run, or a running run whose lease ran out before `at` (its
    /// runner stopped), and marks it and its job running from `at`, leased until `lease_until`;
    /// one claimer wins.
    async fn claim_run(&self, at: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<Option<ShadowRun>, RepoError>;
    /// Saves the progress (days done) of a running run and its job and renews its lease;
    /// `RepoError::Conflict` when another runner has claimed it since (`run.started_at` differs).
    async fn save_progress(&self, run: &ShadowRun, lease_until: DateTime<Utc>) -> Result<(), RepoError>;
    /// Saves a finished run (report or error) and its job, and queues `notice`, in one
    /// transaction; `RepoError::Conflict` when another runner has claimed it since.
    async fn finish_run(&self, run: &ShadowRun, notice: Option<&RunNotice>) -> Result<(), RepoError>;
    /// One run within the scope.
    async fn shadow_run(&self, scope: &Scope, id: ShadowRunId) -> Result<Option<ShadowRun>, RepoError>;
    /// One page of the scope's runs, newest first.
    async fn shadow_runs(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ShadowRun>, RepoError>;
}
