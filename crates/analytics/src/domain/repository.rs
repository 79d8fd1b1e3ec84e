//! Ports of the analytics context, implemented by the store.

use super::carry::Carries;
use super::hour::DeviceRef;
use super::samples::Sample;
use super::statistic::{NewVersion, PointStat, StationStat};
use super::tracking::StationCursor;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, Granularity, JobId, RepoError, StationId, StationTz, TenantId, Window};
use serde::Serialize;
use std::collections::BTreeMap;

/// Write-side access inside one unit of work.
#[async_trait]
pub trait AnalyticsRepository: Send {
    /// The station's closing cursor, if it is tracked.
    async fn cursor(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationCursor>, RepoError>;
    /// Creates or updates a cursor.
    async fn save_cursor(&mut self, cursor: &StationCursor, at: DateTime<Utc>) -> Result<(), RepoError>;
    /// Station and zone of each of `devices` that still exists.
    async fn stations_of(
        &mut self,
        tenant: &TenantId,
        devices: &[DeviceId],
    ) -> Result<Vec<(DeviceId, StationId, StationTz)>, RepoError>;
    /// The station's devices and their kinds.
    async fn station_devices(&mut self, tenant: &TenantId, station: StationId) -> Result<Vec<DeviceRef>, RepoError>;
    /// Numeric samples of `devices` in `[from, to)`, plus for each (device, point) the last one
    /// before `from` and the first one at or after `to`.
    async fn samples_around(
        &mut self,
        tenant: &TenantId,
        devices: &[DeviceId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DeviceId, String, Sample)>, RepoError>;
    /// For each of `points` of `device`: its last stored numeric sample before `from` and its
    /// first after `to` (either none when there is none).
    async fn samples_beside(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        points: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, Option<DateTime<Utc>>, Option<DateTime<Utc>>)>, RepoError>;
    /// The stored counter carries of the station's hours starting in `range`, by hour start.
    async fn meter_carries(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        range: &Window,
    ) -> Result<BTreeMap<DateTime<Utc>, Carries>, RepoError>;
    /// Replaces the stored counter carries of each hour (by start).
    async fn save_meter_carries(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        hours: &[(DateTime<Utc>, Carries)],
    ) -> Result<(), RepoError>;
    /// Marks hours (by start) of a station dirty.
    async fn mark_dirty(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        hours: &[DateTime<Utc>],
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Removes and returns the station's dirty hours (by start) that start before `before`.
    async fn take_dirty(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        before: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepoError>;
    /// Current station statistics of `granularity` starting in `[from, to)`, in time order
    /// (with slots when `with_slots`).
    async fn current_stats(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        granularity: Granularity,
        range: &Window,
        with_slots: bool,
    ) -> Result<Vec<StationStat>, RepoError>;
    /// Current device point statistics of `granularity` starting in `[from, to)`.
    async fn current_point_stats(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        granularity: Granularity,
        range: &Window,
    ) -> Result<Vec<PointStat>, RepoError>;
    /// Saves new versions of station windows with their point figures; the versions they
    /// replace stop being current.
    async fn save_stats(&mut self, versions: &[NewVersion]) -> Result<(), RepoError>;
    /// Removes the station's cursor, dirty marks and counter carries (statistics are kept).
    async fn forget_station(&mut self, tenant: &TenantId, station: StationId) -> Result<(), RepoError>;
}

/// A station with work for the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRef {
    /// Tenant.
    pub tenant: TenantId,
    /// Station.
    pub station_id: StationId,
}

/// State of a background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a runner.
    Queued,
    /// Being worked on.
    Running,
    /// Finished without errors.
    Succeeded,
    /// Finished with errors.
    Failed,
}

impl JobState {
    /// Lowercase name.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
        }
    }
}

/// A background job with progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// Tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// What it does, e.g. `analytics.recompute`.
    pub kind: String,
    /// Its parameters.
    pub params: serde_json::Value,
    /// State.
    pub state: JobState,
    /// Units of work done.
    pub done: u64,
    /// Units of work in all.
    pub total: u64,
    /// Errors met (unit and message).
    pub errors: Vec<String>,
    /// What the job produced, once finished.
    pub result: Option<serde_json::Value>,
    /// Who asked for it.
    pub created_by: String,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When a runner started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Scheduler-side access outside a unit of work.
#[async_trait]
pub trait AnalyticsScheduling: Send + Sync {
    /// The cursor of every tracked station (all tenants).
    async fn tracked_stations(&self) -> Result<Vec<StationCursor>, RepoError>;
    /// Stations with dirty hours (all tenants).
    async fn stations_with_dirty_hours(&self) -> Result<Vec<StationRef>, RepoError>;
    /// Saves a new or updated job.
    async fn save_job(&self, job: &Job) -> Result<(), RepoError>;
    /// Claims the oldest queued job (marks it running).
    async fn claim_job(&self, kind: &str, at: DateTime<Utc>) -> Result<Option<Job>, RepoError>;
}

/// What a statistics query asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsQuery {
    /// Station.
    pub station: StationId,
    /// Window size.
    pub granularity: Granularity,
    /// Windows starting in this range.
    pub range: Window,
    /// Only this device (point statistics).
    pub device: Option<DeviceId>,
    /// Only this point (point statistics).
    pub point: Option<String>,
    /// Every version instead of the current ones.
    pub all_versions: bool,
}

/// Read-side queries.
#[async_trait]
pub trait AnalyticsQueries: Send + Sync {
    /// Station statistics of the query (device and point are ignored).
    async fn station_stats(&self, tenant: &TenantId, q: &StatsQuery) -> Result<Vec<StationStat>, RepoError>;
    /// Device point statistics of the query.
    async fn point_stats(&self, tenant: &TenantId, q: &StatsQuery) -> Result<Vec<PointStat>, RepoError>;
    /// One job of the tenant.
    async fn job(&self, tenant: &TenantId, id: JobId) -> Result<Option<Job>, RepoError>;
    /// The station's statistics revision: bumped by every unit of work that writes a version of
    /// its statistics (0 before the first), so an answer built at revision r is current while
    /// this still says r.
    async fn stats_revision(&self, tenant: &TenantId, station: StationId) -> Result<i64, RepoError>;
}
