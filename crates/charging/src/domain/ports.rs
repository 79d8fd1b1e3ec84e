//! Repository and unit-of-work ports of the charging context (implemented by `mgc-store`).

use crate::{
    ChargePoint, ChargePointId, ChargingSession, Connector, ConnectorStatusEntry, DeviceReportRecord, IdTag, IdToken,
    LocalAuthorizationList, OcppIdentity, SessionChanges, SessionState, TransactionId, UnmatchedStop,
};
use crate::{FrameRef, TimelineEvent};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};

/// Charge points, inside a unit of work.
#[async_trait]
pub trait ChargePointRepository: Send {
    /// The tenant's charge point with this identity.
    async fn charge_point_by_identity(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError>;
    /// Stores a new charge point (an identity already used in the tenant is a conflict).
    async fn insert_charge_point(&mut self, charge_point: &ChargePoint) -> Result<(), RepoError>;
    /// Saves a changed charge point.
    async fn save_charge_point(&mut self, charge_point: &ChargePoint) -> Result<(), RepoError>;
}

/// Connectors and their status history, inside a unit of work.
#[async_trait]
pub trait ConnectorRepository: Send {
    /// A connector of a charge point (with a recent tail of its history).
    async fn connector(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        number: u32,
    ) -> Result<Option<Connector>, RepoError>;
    /// Inserts or updates the connector and appends `new` history entries.
    async fn save_connector(&mut self, connector: &Connector, new: &[ConnectorStatusEntry]) -> Result<(), RepoError>;
}

/// Charging sessions, their transitions and samples, and unmatched stops, inside a unit of work.
#[async_trait]
pub trait SessionRepository: Send {
    /// Allocates the tenant's next transaction id (a positive 32-bit integer never used in the tenant).
    async fn next_transaction_id(&mut self, tenant: &TenantId) -> Result<Option<TransactionId>, RepoError>;
    /// The session with this transaction id.
    async fn session_by_transaction(
        &mut self,
        tenant: &TenantId,
        transaction: TransactionId,
    ) -> Result<Option<ChargingSession>, RepoError>;
    /// The session a charge point started on `connector` at `started_at` (to recognise a re-sent start).
    async fn session_by_start(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        connector: u32,
        started_at: DateTime<Utc>,
    ) -> Result<Option<ChargingSession>, RepoError>;
    /// Sessions of a charge point that have not ended, oldest first.
    async fn open_sessions(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
    ) -> Result<Vec<ChargingSession>, RepoError>;
    /// True when a session of the tenant started by `tag` has not ended.
    async fn tag_has_open_session(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<bool, RepoError>;
    /// Stores a new session with its first transition (a used transaction id is a conflict).
    async fn insert_session(&mut self, session: &ChargingSession) -> Result<(), RepoError>;
    /// Saves a changed session and appends `changes`; a conflict when the stored state is no
    /// longer `expected` (someone else changed it).
    async fn save_session(
        &mut self,
        session: &ChargingSession,
        expected: SessionState,
        changes: &SessionChanges,
    ) -> Result<(), RepoError>;
    /// Keeps a stop that matched no running session.
    async fn record_unmatched_stop(&mut self, stop: &UnmatchedStop) -> Result<(), RepoError>;
}

/// The tenant's id tags and local authorization list, inside a unit of work.
#[async_trait]
pub trait IdTagRepository: Send {
    /// One tag of the tenant's list.
    async fn id_tag(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError>;
    /// The whole list with its version (empty at version 0 when none was stored).
    async fn local_list(&mut self, tenant: &TenantId) -> Result<LocalAuthorizationList, RepoError>;
    /// Replaces the stored list and version.
    async fn save_local_list(&mut self, list: &LocalAuthorizationList) -> Result<(), RepoError>;
}

/// Masterdata's chargers as charging reads them (masterdata owns them; read-only here).
#[async_trait]
pub trait ChargerDirectory: Send {
    /// The tenant's masterdata device of kind `charger` whose name is `identity` (device names
    /// are unique per tenant) and whose protocol is the device protocol of `protocol`
    /// ([`crate::Protocol::device_protocol`]): its device and station.
    async fn charger_device(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
        protocol: crate::Protocol,
    ) -> Result<Option<(DeviceId, StationId)>, RepoError>;
}

/// Reports of charge points (DataTransfer, diagnostics and firmware status), inside a unit of work.
#[async_trait]
pub trait DeviceReportRepository: Send {
    /// Keeps one report.
    async fn record_device_report(&mut self, record: &DeviceReportRecord) -> Result<(), RepoError>;
}

/// The audit trail, inside a unit of work: events are appended with the state change they record.
#[async_trait]
pub trait TimelineRepository: Send {
    /// Appends one event.
    async fn append_timeline(&mut self, event: &TimelineEvent) -> Result<(), RepoError>;
    /// Names the protocol frame this unit of work handles (set by the adapter that began it);
    /// the events its services append carry it.
    fn set_frame(&mut self, frame: FrameRef);
    /// The frame named by [`TimelineRepository::set_frame`].
    fn frame(&self) -> Option<FrameRef>;
}

/// Everything one charging unit of work needs.
pub trait ChargingTx:
    ChargePointRepository
    + ConnectorRepository
    + SessionRepository
    + IdTagRepository
    + ChargerDirectory
    + DeviceReportRepository
    + TimelineRepository
    + OutboxWriter
    + UnitOfWork
{
}

impl<T> ChargingTx for T where
    T: ChargePointRepository
        + ConnectorRepository
        + SessionRepository
        + IdTagRepository
        + ChargerDirectory
        + DeviceReportRepository
        + TimelineRepository
        + OutboxWriter
        + UnitOfWork
{
}

/// Units of work and the queries of the background sweep.
#[async_trait]
pub trait ChargingUnits: Send + Sync {
    /// The unit of work.
    type Tx: ChargingTx;
    /// Starts one.
    async fn begin_charging_tx(&self) -> Result<Self::Tx, RepoError>;
    /// The tenant's charge point with this identity, read outside a unit of work (connection auth).
    async fn find_charge_point(
        &self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError>;
    /// Up to `limit` connected charge points (every tenant: the sweep is installation-wide) whose last message is before `silent_since`.
    async fn silent_charge_points(
        &self,
        silent_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, OcppIdentity)>, RepoError>;
}
