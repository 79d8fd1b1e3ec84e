//! Repository and port traits of the alarms context (implemented by `mgc-store`).

use crate::domain::alarm::{Alarm, HistoryEntry};
use crate::domain::channel::Channel;
use crate::domain::delivery::{Delivery, DeliveryState, NotificationRequest};
use crate::domain::evaluation::RuleState;
use crate::domain::rule::{AlarmRule, Scope};
use crate::{AlarmId, ChannelId, DeliveryId, RuleId, Severity};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{DeviceId, RepoError, StationId, StationTz, TenantId};

/// A device as alarms see it (read from masterdata tables).
#[derive(Debug, Clone, PartialEq)]
pub struct Originator {
    /// Device.
    pub device_id: DeviceId,
    /// Device name.
    pub device_name: String,
    /// Device kind (`pv_inverter`, ...).
    pub kind: String,
    /// Station.
    pub station_id: StationId,
    /// Station name.
    pub station_name: String,
    /// Station time zone.
    pub time_zone: StationTz,
    /// When the device was created.
    pub created_at: DateTime<Utc>,
}

/// One latest value of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestValue {
    /// Point.
    pub point: String,
    /// Its time.
    pub ts: DateTime<Utc>,
    /// Numeric value (none for text values).
    pub value: Option<f64>,
    /// Text stored with a derived point (e.g. a fault's error code); none for telemetry.
    pub detail: Option<String>,
    /// A derived point of the alarms context, not telemetry (no-data rules ignore it).
    pub derived: bool,
}

/// Read port onto masterdata and the latest-value read model.
#[async_trait]
pub trait Originators: Send {
    /// The tenant's devices among `ids` (unknown ids are left out).
    async fn originators(&mut self, tenant: &TenantId, ids: &[DeviceId]) -> Result<Vec<Originator>, RepoError>;
    /// The tenant's devices a scope covers.
    async fn originators_in_scope(&mut self, tenant: &TenantId, scope: &Scope) -> Result<Vec<Originator>, RepoError>;
    /// Stored values of a device with `from <= ts <= to` (the samples of one ingest batch),
    /// oldest first, at most `max`.
    async fn samples_between(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        max: u32,
    ) -> Result<Vec<LatestValue>, RepoError>;
    /// Latest values of a device.
    async fn latest_values(&mut self, tenant: &TenantId, device: DeviceId) -> Result<Vec<LatestValue>, RepoError>;
}

/// Rules, their per-device state, alarms and their history.
#[async_trait]
pub trait AlarmRepository: Send {
    /// Enabled rules of a tenant.
    async fn enabled_rules(&mut self, tenant: &TenantId) -> Result<Vec<AlarmRule>, RepoError>;
    /// Enabled no-data rules of every tenant.
    async fn enabled_no_data_rules(&mut self) -> Result<Vec<AlarmRule>, RepoError>;
    /// A rule of the tenant.
    async fn rule(&mut self, tenant: &TenantId, id: RuleId) -> Result<Option<AlarmRule>, RepoError>;
    /// Inserts or updates a rule.
    async fn save_rule(&mut self, rule: &AlarmRule, is_new: bool) -> Result<(), RepoError>;
    /// Deletes a rule and its per-device state.
    async fn delete_rule(&mut self, tenant: &TenantId, id: RuleId) -> Result<(), RepoError>;
    /// Persisted state of (rule, device).
    async fn rule_state(&mut self, rule: RuleId, device: DeviceId) -> Result<Option<RuleState>, RepoError>;
    /// Saves the state of (rule, device).
    async fn save_rule_state(
        &mut self,
        tenant: &TenantId,
        rule: RuleId,
        device: DeviceId,
        state: &RuleState,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// (tenant, rule, device) whose raising condition is pending (for the scheduler).
    async fn pending_states(&mut self, limit: u32) -> Result<Vec<(TenantId, RuleId, DeviceId)>, RepoError>;
    /// The open (not cleared) alarm of (rule, device).
    async fn open_alarm(
        &mut self,
        tenant: &TenantId,
        rule: RuleId,
        device: DeviceId,
    ) -> Result<Option<Alarm>, RepoError>;
    /// An alarm of the tenant.
    async fn alarm(&mut self, tenant: &TenantId, id: AlarmId) -> Result<Option<Alarm>, RepoError>;
    /// Inserts or updates an alarm (a second open alarm of one (rule, device) is a conflict).
    async fn save_alarm(&mut self, tenant: &TenantId, alarm: &Alarm, is_new: bool) -> Result<(), RepoError>;
    /// Appends a history entry (stream position assigned by the store).
    async fn append_history(&mut self, tenant: &TenantId, entry: &HistoryEntry) -> Result<(), RepoError>;
    /// Open alarms of a rule.
    async fn open_alarms_of_rule(&mut self, tenant: &TenantId, rule: RuleId) -> Result<Vec<Alarm>, RepoError>;
    /// Claims open, unacknowledged, not yet escalated alarms whose escalation time has come:
    /// marks them escalated at `now` in this unit of work and returns them.
    async fn alarms_to_escalate(&mut self, now: DateTime<Utc>, limit: u32)
        -> Result<Vec<(TenantId, Alarm)>, RepoError>;
}

/// Channels, written by the channel commands.
#[async_trait]
pub trait ChannelRepository: Send {
    /// A channel of the tenant.
    async fn channel(&mut self, tenant: &TenantId, id: ChannelId) -> Result<Option<Channel>, RepoError>;
    /// Inserts or updates a channel.
    async fn save_channel(&mut self, channel: &Channel, is_new: bool) -> Result<(), RepoError>;
    /// Deletes a channel (its deliveries stay as history).
    async fn delete_channel(&mut self, tenant: &TenantId, id: ChannelId) -> Result<(), RepoError>;
}

/// Creates delivery records in the same unit of work as the alarm change.
#[async_trait]
pub trait NotificationRequests: Send {
    /// One pending delivery per enabled channel of the tenant among `channels`; returns their ids.
    async fn request_notifications(
        &mut self,
        tenant: &TenantId,
        channels: &[ChannelId],
        request: &NotificationRequest,
        at: DateTime<Utc>,
    ) -> Result<Vec<DeliveryId>, RepoError>;
    /// Puts a delivery of the tenant back to pending with fresh attempts and age.
    async fn retry_delivery(&mut self, tenant: &TenantId, id: DeliveryId, at: DateTime<Utc>) -> Result<(), RepoError>;
}

/// Derived points (see [`crate::domain::derived`]) and what they are computed from.
#[async_trait]
pub trait DerivedFacts: Send {
    /// The masterdata device a charge point is linked to, as an originator (none while unlinked).
    async fn charge_point_originator(
        &mut self,
        tenant: &TenantId,
        charge_point: Uuid,
    ) -> Result<Option<Originator>, RepoError>;
    /// Stores a derived latest value of a device unless a newer one is stored.
    async fn put_derived(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        point: &str,
        value: f64,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Records the outcome of an ended session once; false when it was already recorded.
    async fn record_session_outcome(
        &mut self,
        tenant: &TenantId,
        session: Uuid,
        device: DeviceId,
        failed: bool,
        ended_at: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// Outcomes (true = failed) of the device's last `n` ended sessions, newest first.
    async fn recent_outcomes(&mut self, tenant: &TenantId, device: DeviceId, n: u32) -> Result<Vec<bool>, RepoError>;
    /// Deliveries of the tenant that are pending or retrying.
    async fn delivery_backlog(&mut self, tenant: &TenantId) -> Result<i64, RepoError>;
    /// Enabled threshold rules of every tenant.
    async fn enabled_threshold_rules(&mut self) -> Result<Vec<AlarmRule>, RepoError>;
}

/// Everything one alarm unit of work needs.
pub trait AlarmTx:
    AlarmRepository + Originators + DerivedFacts + NotificationRequests + ChannelRepository + OutboxWriter + UnitOfWork
{
}

impl<T> AlarmTx for T where
    T: AlarmRepository
        + Originators
        + DerivedFacts
        + NotificationRequests
        + ChannelRepository
        + OutboxWriter
        + UnitOfWork
{
}

/// Opens alarm units of work (the scheduler needs several per tick).
#[async_trait]
pub trait AlarmUnits: Send + Sync {
    /// The unit of work.
    type Tx: AlarmTx;
    /// Starts one.
    async fn begin_alarm_tx(&self) -> Result<Self::Tx, RepoError>;
}

/// Filters of the alarm list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlarmFilter {
    /// `active_unack`, `active_ack`, `cleared_unack`, `cleared_ack`, `active`, `cleared`, `ack`, `unack`.
    pub status: Option<String>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Station.
    pub station_id: Option<StationId>,
    /// Device.
    pub device_id: Option<DeviceId>,
    /// Rule.
    pub rule_id: Option<RuleId>,
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
}

/// Read side of alarms and notifications.
#[async_trait]
pub trait AlarmQueries: Send + Sync {
    /// Rules of the tenant, newest first.
    async fn list_rules(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<AlarmRule>, RepoError>;
    /// Alarms of the scope, newest first.
    async fn list_alarms(
        &self,
        scope: &mgc_kernel::Scope,
        f: &AlarmFilter,
        page: &PageRequest,
    ) -> Result<Page<Alarm>, RepoError>;
    /// One alarm within the scope (NotFound outside it).
    async fn get_alarm(&self, scope: &mgc_kernel::Scope, id: AlarmId) -> Result<Alarm, RepoError>;
    /// Its history, oldest first.
    async fn alarm_history(&self, tenant: &TenantId, id: AlarmId) -> Result<Vec<HistoryEntry>, RepoError>;
    /// History entries of the tenant after stream position `after`, oldest first, at most `limit`.
    async fn history_after(
        &self,
        scope: &mgc_kernel::Scope,
        after: i64,
        limit: u32,
    ) -> Result<Vec<HistoryEntry>, RepoError>;
    /// Highest stream position of the tenant (0 when none).
    async fn history_head(&self, tenant: &TenantId) -> Result<i64, RepoError>;
    /// Channels of the tenant.
    async fn list_channels(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Channel>, RepoError>;
    /// Deliveries visible in `scope`, newest first: a station-scoped reader sees the deliveries
    /// of its stations' alarms only (not channel tests, which belong to the whole tenant).
    async fn list_deliveries(
        &self,
        scope: &mgc_kernel::Scope,
        state: Option<DeliveryState>,
        alarm: Option<AlarmId>,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, RepoError>;
    /// One delivery visible in `scope`.
    async fn get_delivery(&self, scope: &mgc_kernel::Scope, id: DeliveryId) -> Result<Delivery, RepoError>;
}
