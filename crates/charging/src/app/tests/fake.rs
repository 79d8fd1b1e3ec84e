//! In-memory fake of the charging ports: a unit of work works on a copy of the state and
//! publishes it on commit (dropping it rolls back).

use crate::{
    ChargePoint, ChargePointId, ChargePointRepository, ChargerDirectory, ChargingSession, ChargingUnits, Connector,
    ConnectorRepository, ConnectorStatusEntry, DeviceReportRecord, DeviceReportRepository, IdTag, IdTagRepository,
    IdToken, LocalAuthorizationList, MeterSample, OcppIdentity, SessionChanges, SessionRepository, SessionState,
    TransactionId, UnmatchedStop,
};
use crate::{FrameRef, TimelineEvent, TimelineKind, TimelineRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::{EventEnvelope, IntegrationEvent};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};
use std::sync::{Arc, Mutex};

/// Everything the fake stores.
#[derive(Debug, Clone, Default)]
pub struct FakeState {
    pub charge_points: Vec<ChargePoint>,
    pub connectors: Vec<Connector>,
    pub history: Vec<ConnectorStatusEntry>,
    pub sessions: Vec<ChargingSession>,
    pub samples: Vec<(TransactionId, MeterSample)>,
    pub unmatched: Vec<UnmatchedStop>,
    pub lists: Vec<LocalAuthorizationList>,
    pub outbox: Vec<EventEnvelope>,
    pub last_transaction_id: i32,
    /// Masterdata chargers: (tenant, name, device, station).
    pub chargers: Vec<(TenantId, String, DeviceId, StationId)>,
    pub reports: Vec<DeviceReportRecord>,
    pub timeline: Vec<TimelineEvent>,
}

/// The shared store.
#[derive(Debug, Clone, Default)]
pub struct FakeStore {
    pub state: Arc<Mutex<FakeState>>,
}

/// A unit of work on a copy of the state.
#[derive(Debug)]
pub struct FakeTx {
    shared: Arc<Mutex<FakeState>>,
    work: FakeState,
    frame: Option<FrameRef>,
}

impl FakeStore {
    pub fn tx(&self) -> FakeTx {
        FakeTx { shared: self.state.clone(), work: self.snapshot(), frame: None }
    }

    /// A unit of work handling `frame`.
    pub fn framed(&self, frame: FrameRef) -> FakeTx {
        let mut tx = self.tx();
        tx.frame = Some(frame);
        tx
    }

    /// The kinds on the committed timeline, in append order.
    pub fn timeline_kinds(&self) -> Vec<TimelineKind> {
        self.snapshot().timeline.iter().map(|e| e.kind).collect()
    }

    pub fn snapshot(&self) -> FakeState {
        self.state.lock().unwrap().clone()
    }

    /// Payloads of the committed events of type `E`, in order.
    pub fn events<E: IntegrationEvent>(&self) -> Vec<E> {
        self.snapshot().outbox.iter().filter(|e| e.event_type == E::TYPE).map(|e| e.decode::<E>().unwrap()).collect()
    }

    pub fn session(&self, id: TransactionId) -> ChargingSession {
        self.snapshot().sessions.into_iter().find(|s| s.transaction_id == id).unwrap()
    }

    pub fn charge_point(&self, identity: &str) -> ChargePoint {
        self.snapshot().charge_points.into_iter().find(|c| c.identity.as_str() == identity).unwrap()
    }
}

fn replace<T>(items: &mut [T], item: T, same: impl Fn(&T) -> bool) -> Result<(), RepoError> {
    let slot = items.iter_mut().find(|i| same(i)).ok_or_else(|| RepoError::Conflict("not stored".into()))?;
    *slot = item;
    Ok(())
}

#[async_trait]
impl ChargePointRepository for FakeTx {
    async fn charge_point_by_identity(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError> {
        Ok(self.work.charge_points.iter().find(|c| &c.tenant == tenant && &c.identity == identity).cloned())
    }

    async fn insert_charge_point(&mut self, cp: &ChargePoint) -> Result<(), RepoError> {
        if self.work.charge_points.iter().any(|c| c.tenant == cp.tenant && c.identity == cp.identity) {
            return Err(RepoError::Conflict("identity".into()));
        }
        self.work.charge_points.push(cp.clone());
        Ok(())
    }

    async fn save_charge_point(&mut self, cp: &ChargePoint) -> Result<(), RepoError> {
        replace(&mut self.work.charge_points, cp.clone(), |c| c.id == cp.id)
    }
}

#[async_trait]
impl ConnectorRepository for FakeTx {
    async fn connector(
        &mut self,
        tenant: &TenantId,
        cp: ChargePointId,
        number: u32,
    ) -> Result<Option<Connector>, RepoError> {
        Ok(self
            .work
            .connectors
            .iter()
            .find(|c| &c.tenant == tenant && c.charge_point_id == cp && c.number == number)
            .cloned())
    }

    async fn save_connector(&mut self, connector: &Connector, new: &[ConnectorStatusEntry]) -> Result<(), RepoError> {
        let same = |c: &Connector| c.charge_point_id == connector.charge_point_id && c.number == connector.number;
        if self.work.connectors.iter().any(same) {
            replace(&mut self.work.connectors, connector.clone(), same)?;
        } else {
            self.work.connectors.push(connector.clone());
        }
        self.work.history.extend_from_slice(new);
        Ok(())
    }
}

#[async_trait]
impl SessionRepository for FakeTx {
    async fn next_transaction_id(&mut self, _tenant: &TenantId) -> Result<Option<TransactionId>, RepoError> {
        let next = self.work.last_transaction_id.checked_add(1);
        if let Some(n) = next {
            self.work.last_transaction_id = n;
        }
        Ok(next.map(TransactionId))
    }

    async fn session_by_transaction(
        &mut self,
        tenant: &TenantId,
        id: TransactionId,
    ) -> Result<Option<ChargingSession>, RepoError> {
        Ok(self.work.sessions.iter().find(|s| &s.tenant == tenant && s.transaction_id == id).cloned())
    }

    async fn session_by_start(
        &mut self,
        tenant: &TenantId,
        cp: ChargePointId,
        connector: u32,
        started_at: DateTime<Utc>,
    ) -> Result<Option<ChargingSession>, RepoError> {
        Ok(self
            .work
            .sessions
            .iter()
            .find(|s| {
                &s.tenant == tenant && s.charge_point_id == cp && s.connector == connector && s.started_at == started_at
            })
            .cloned())
    }

    async fn open_sessions(&mut self, tenant: &TenantId, cp: ChargePointId) -> Result<Vec<ChargingSession>, RepoError> {
        Ok(self
            .work
            .sessions
            .iter()
            .filter(|s| &s.tenant == tenant && s.charge_point_id == cp && !s.state.is_terminal())
            .cloned()
            .collect())
    }

    async fn tag_has_open_session(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<bool, RepoError> {
        Ok(self.work.sessions.iter().any(|s| &s.tenant == tenant && &s.id_tag == tag && !s.state.is_terminal()))
    }

    async fn insert_session(&mut self, session: &ChargingSession) -> Result<(), RepoError> {
        if self.work.sessions.iter().any(|s| s.tenant == session.tenant && s.transaction_id == session.transaction_id) {
            return Err(RepoError::Conflict("transaction id".into()));
        }
        self.work.sessions.push(session.clone());
        Ok(())
    }

    async fn save_session(
        &mut self,
        session: &ChargingSession,
        expected: SessionState,
        changes: &SessionChanges,
    ) -> Result<(), RepoError> {
        let stored = self.work.sessions.iter().find(|s| s.id == session.id).map(|s| s.state);
        if stored != Some(expected) {
            return Err(RepoError::Conflict(format!("session is {stored:?}, expected {expected}")));
        }
        replace(&mut self.work.sessions, session.clone(), |s| s.id == session.id)?;
        self.work.samples.extend(changes.samples.iter().map(|m| (session.transaction_id, m.clone())));
        Ok(())
    }

    async fn record_unmatched_stop(&mut self, stop: &UnmatchedStop) -> Result<(), RepoError> {
        self.work.unmatched.push(stop.clone());
        Ok(())
    }
}

#[async_trait]
impl IdTagRepository for FakeTx {
    async fn id_tag(&mut self, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError> {
        let list = self.local_list(tenant).await?;
        Ok(list.get(tag).cloned())
    }

    async fn local_list(&mut self, tenant: &TenantId) -> Result<LocalAuthorizationList, RepoError> {
        Ok(self
            .work
            .lists
            .iter()
            .find(|l| &l.tenant == tenant)
            .cloned()
            .unwrap_or_else(|| LocalAuthorizationList::empty(tenant.clone())))
    }

    async fn save_local_list(&mut self, list: &LocalAuthorizationList) -> Result<(), RepoError> {
        self.work.lists.retain(|l| l.tenant != list.tenant);
        self.work.lists.push(list.clone());
        Ok(())
    }
}

#[async_trait]
impl ChargerDirectory for FakeTx {
    async fn charger_device(
        &mut self,
        tenant: &TenantId,
        identity: &OcppIdentity,
        _protocol: crate::Protocol,
    ) -> Result<Option<(DeviceId, StationId)>, RepoError> {
        Ok(self.work.chargers.iter().find(|c| &c.0 == tenant && c.1 == identity.as_str()).map(|c| (c.2, c.3)))
    }
}

#[async_trait]
impl DeviceReportRepository for FakeTx {
    async fn record_device_report(&mut self, record: &DeviceReportRecord) -> Result<(), RepoError> {
        self.work.reports.push(record.clone());
        Ok(())
    }
}

#[async_trait]
impl TimelineRepository for FakeTx {
    async fn append_timeline(&mut self, event: &TimelineEvent) -> Result<(), RepoError> {
        self.work.timeline.push(event.clone());
        Ok(())
    }

    fn set_frame(&mut self, frame: FrameRef) {
        self.frame = Some(frame);
    }

    fn frame(&self) -> Option<FrameRef> {
        self.frame.clone()
    }
}

#[async_trait]
impl OutboxWriter for FakeTx {
    async fn append(&mut self, event: EventEnvelope) -> Result<(), RepoError> {
        self.work.outbox.push(event);
        Ok(())
    }
}

#[async_trait]
impl UnitOfWork for FakeTx {
    async fn commit(self) -> Result<(), RepoError> {
        *self.shared.lock().unwrap() = self.work;
        Ok(())
    }
}

#[async_trait]
impl ChargingUnits for FakeStore {
    type Tx = FakeTx;

    async fn begin_charging_tx(&self) -> Result<FakeTx, RepoError> {
        Ok(self.tx())
    }

    async fn find_charge_point(
        &self,
        tenant: &TenantId,
        identity: &OcppIdentity,
    ) -> Result<Option<ChargePoint>, RepoError> {
        self.tx().charge_point_by_identity(tenant, identity).await
    }

    async fn silent_charge_points(
        &self,
        silent_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, OcppIdentity)>, RepoError> {
        Ok(self
            .snapshot()
            .charge_points
            .into_iter()
            .filter(|c| c.connected && c.last_seen.is_some_and(|s| s < silent_since))
            .take(limit as usize)
            .map(|c| (c.tenant, c.identity))
            .collect())
    }
}
