//! Ports of the platform use cases: stored orders and the scoped pile lookup, on a unit of work
//! that is also the charging and commands contexts' one (an order and its command commit together).

use crate::{ChargeOrder, DeviceRef, OrderNo};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePoint, ChargePointId, ChargingSession, ChargingTx, Connector, SessionId};
use mgc_commands::{CommandId, CommandTx};
use mgc_kernel::{RepoError, Scope, TenantId};
use std::collections::HashMap;

/// Charge orders and the piles they address, inside a unit of work.
#[async_trait]
pub trait OrderRepository: Send {
    /// The pile `device` names, when it is in `scope` (tenant, and station for a scoped caller).
    async fn charge_point_in_scope(
        &mut self,
        scope: &Scope,
        device: &DeviceRef,
    ) -> Result<Option<ChargePoint>, RepoError>;
    /// Every connector a pile reported, by number.
    async fn connectors_of(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
    ) -> Result<Vec<Connector>, RepoError>;
    /// A pile's sessions, newest first: up to `limit` started before session `before` (none: the newest).
    async fn sessions_of(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        before: Option<SessionId>,
        limit: u32,
    ) -> Result<Vec<ChargingSession>, RepoError>;
    /// The tenant's order of this number.
    async fn order(&mut self, tenant: &TenantId, order_no: &OrderNo) -> Result<Option<ChargeOrder>, RepoError>;
    /// The latest order placed on a pile's port.
    async fn latest_order_on(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        port: u32,
    ) -> Result<Option<ChargeOrder>, RepoError>;
    /// Stores a new order (a used order number is a conflict).
    async fn insert_order(&mut self, order: &ChargeOrder) -> Result<(), RepoError>;
    /// Links the session that started on a pile's port at `started_at` to the order placed
    /// there for it: the latest order of the port not linked yet, placed at most 15 minutes
    /// before the start (or 5 after, for a pile's clock running behind); its number, if any.
    async fn link_session(
        &mut self,
        tenant: &TenantId,
        charge_point: ChargePointId,
        port: u32,
        session: SessionId,
        started_at: DateTime<Utc>,
    ) -> Result<Option<OrderNo>, RepoError>;
    /// Records the command that stops an order.
    async fn set_stop_command(
        &mut self,
        tenant: &TenantId,
        order_no: &OrderNo,
        command: CommandId,
    ) -> Result<(), RepoError>;
}

/// The unit of work of the platform use cases.
pub trait PlatformTx: OrderRepository + ChargingTx + CommandTx {}

impl<T> PlatformTx for T where T: OrderRepository + ChargingTx + CommandTx {}

/// Starts units of work for the platform use cases.
#[async_trait]
pub trait PlatformUnits: Send + Sync {
    /// The unit of work.
    type Tx: PlatformTx;
    /// Starts one.
    async fn begin_platform_tx(&self) -> Result<Self::Tx, RepoError>;
}

/// The read side of orders: which order started which session (a platform reconciles by order number).
#[async_trait]
pub trait OrderQueries: Send + Sync {
    /// The order numbers of those of `sessions` (the tenant's) an order started, by session.
    async fn order_nos_of(
        &self,
        tenant: &TenantId,
        sessions: &[SessionId],
    ) -> Result<HashMap<SessionId, OrderNo>, RepoError>;
    /// The session the tenant's order `order_no` started, once linked.
    async fn session_of_order(&self, tenant: &TenantId, order_no: &OrderNo) -> Result<Option<SessionId>, RepoError>;
}
