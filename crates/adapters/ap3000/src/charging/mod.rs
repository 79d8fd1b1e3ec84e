//! Piles onto the charging context: a pile is a charge point (protocol `ap3000`, identity = its
//! physical id as 8 hex digits) and its ports are connectors 1..n. Register → boot; heartbeats →
//! seen + connector status of each port that changed; card swipe → id-tag authorization (and a
//! start on that port when accepted); power heartbeats → meter values; settlement → the session
//! ends with the pile's energy, and the pile's figures are kept beside the computed ones
//! (`sessions`); a closed connection → offline.

mod presence;
mod sessions;
pub mod tables;
pub mod telemetry;

pub use sessions::{ChargeMode, SessionFailure};

use crate::gateway::{card_reply, protocol_reply, PileHandler, Registry};
use crate::messages::{cmd, Ack, CardSwipe, Downlink, Register, Uplink};
use crate::PhysicalId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{
    self as charging, AuthorizationStatus, BootInfo, ChargingError, ChargingSettings, ChargingUnits, FrameRef, IdToken,
    OcppIdentity, Protocol, RegistrationStatus, StatusReport, TimelineRepository, TransactionId,
};
use mgc_kernel::{SharedClock, TenantId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Counter of pile reports the charging context refused or failed on, labelled `report`.
pub const FAILED_COUNTER: &str = "mgc_ap3000_report_failures_total";

/// What the gateway knows of a port with a running session.
#[derive(Debug, Clone)]
struct LivePort {
    transaction: TransactionId,
    order: crate::messages::OrderNumber,
    started: Option<DateTime<Utc>>,
    energy_wh: i64,
}

#[derive(Debug)]
struct Inner<U> {
    units: U,
    clock: SharedClock,
    tenant: TenantId,
    settings: ChargingSettings,
    registry: Registry,
    downlink_wait: Duration,
    ports: Mutex<HashMap<PhysicalId, Vec<u8>>>,
    live: Mutex<HashMap<(PhysicalId, u8), LivePort>>,
    directory: std::sync::OnceLock<Arc<dyn mgc_commands::ConnectionDirectory>>,
    tickets: Mutex<HashMap<PhysicalId, mgc_commands::ConnectionTicket>>,
}

/// The charging mapping of the gateway (also the way the command adapter starts and stops sessions).
#[derive(Debug)]
pub struct ChargingHandler<U> {
    inner: Arc<Inner<U>>,
}

impl<U> Clone for ChargingHandler<U> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The charge point identity of `pile`.
pub fn identity(pile: PhysicalId) -> Result<OcppIdentity, ChargingError> {
    OcppIdentity::parse(&pile.identity())
}

impl<U: telemetry::PileUnits + 'static> ChargingHandler<U> {
    /// Piles of `tenant` stored through `units`; downlinks go through `registry` and wait
    /// `downlink_wait` at most (enough for the protocol's send + one resend).
    pub fn new(
        units: U,
        clock: SharedClock,
        tenant: TenantId,
        settings: ChargingSettings,
        registry: Registry,
        downlink_wait: Duration,
    ) -> Self {
        let inner = Inner {
            units,
            clock,
            tenant,
            settings,
            registry,
            downlink_wait,
            ports: Mutex::default(),
            live: Mutex::default(),
            directory: std::sync::OnceLock::new(),
            tickets: Mutex::default(),
        };
        Self { inner: Arc::new(inner) }
    }

    /// The connections the downlinks go through.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The tenant owning the piles.
    pub fn tenant(&self) -> &TenantId {
        &self.inner.tenant
    }

    fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// A charging unit of work carrying `frame` onto the timeline.
    async fn framed_tx(&self, frame: &FrameRef) -> Result<<U as ChargingUnits>::Tx, ChargingError> {
        let mut tx = self.inner.units.begin_charging_tx().await?;
        tx.set_frame(frame.clone());
        Ok(tx)
    }

    fn failed(&self, report: &'static str, pile: PhysicalId, e: &ChargingError) {
        metrics::counter!(FAILED_COUNTER, "report" => report).increment(1);
        tracing::warn!(%pile, report, error = %e, "AP3000 report not applied");
    }

    async fn register(
        &self,
        pile: PhysicalId,
        r: &Register,
        frame: &FrameRef,
    ) -> Result<RegistrationStatus, ChargingError> {
        let info = BootInfo {
            vendor: "AP3000".into(),
            model: format!("type 0x{:02X}, {} ports", r.device_type, r.ports),
            serial_number: Some(pile.number().to_string()),
            firmware_version: Some(format!("V{}.{:02}", r.firmware / 100, r.firmware % 100)),
            meter_type: None,
            meter_serial_number: None,
        };
        let tx = self.framed_tx(frame).await?;
        let id = identity(pile)?;
        let decision =
            charging::boot_as(tx, &self.inner.tenant, &id, Protocol::Ap3000, info, &self.inner.settings, self.now())
                .await?;
        lock(&self.inner.ports).remove(&pile);
        Ok(decision.status)
    }

    async fn heartbeat(&self, pile: PhysicalId, ports: &[u8], frame: &FrameRef) -> Result<(), ChargingError> {
        let id = identity(pile)?;
        let now = self.now();
        charging::heartbeat(self.inner.units.begin_charging_tx().await?, &self.inner.tenant, &id, now).await?;
        let known = lock(&self.inner.ports).get(&pile).cloned().unwrap_or_default();
        for (i, code) in ports.iter().enumerate() {
            if known.get(i) == Some(code) {
                continue;
            }
            let Some((status, error_code)) = tables::connector_status(*code) else { continue };
            let report = StatusReport {
                connector: u32::try_from(i + 1).unwrap_or(u32::MAX),
                status,
                error_code,
                info: Some(format!("ap3000 port status 0x{code:02X}")),
                vendor_id: None,
                vendor_error_code: None,
                timestamp: Some(now),
            };
            let tx = self.framed_tx(frame).await?;
            charging::status_notification(tx, &self.inner.tenant, &id, report, now).await?;
        }
        lock(&self.inner.ports).insert(pile, ports.to_vec());
        Ok(())
    }

    async fn card(&self, pile: PhysicalId, swipe: &CardSwipe, frame: &FrameRef) -> Result<Downlink, ChargingError> {
        let id = identity(pile)?;
        let tag = IdToken::parse(&swipe.card_number().to_string())?;
        let tx = self.framed_tx(frame).await?;
        let info = charging::authorize(tx, &self.inner.tenant, &id, &tag, self.now()).await?;
        let status = match info.status {
            AuthorizationStatus::Accepted => 0,
            AuthorizationStatus::ConcurrentTx => 4,
            AuthorizationStatus::Blocked | AuthorizationStatus::Expired | AuthorizationStatus::Invalid => 1,
        };
        if status == 0 && swipe.port != 0xFF {
            // The reply does not start charging: a 0x82 follows it (fact sheet §5.1).
            let (me, port) = (self.clone(), swipe.port);
            tokio::spawn(async move {
                if let Err(e) = me.start(pile, port, tag, ChargeMode::Full).await {
                    tracing::warn!(%pile, port = port + 1, error = %e, "AP3000 card start failed");
                }
            });
        }
        Ok(card_reply(swipe.card, swipe.port, status, 0))
    }
}

fn one_byte(command: u8, ok: bool) -> Option<Downlink> {
    Some(Downlink::Reply { command, ack: Ack { result: u8::from(!ok), rest: Vec::new() } })
}

#[async_trait]
impl<U: telemetry::PileUnits + 'static> PileHandler for ChargingHandler<U> {
    async fn report(&self, pile: PhysicalId, message_id: u16, report: Uplink) -> Option<Downlink> {
        let frame = |command| FrameRef::ap3000(message_id, command);
        match report {
            Uplink::Register(r) => {
                let accepted = match self.register(pile, &r, &frame(cmd::REGISTER)).await {
                    Ok(status) => status == RegistrationStatus::Accepted,
                    Err(e) => {
                        self.failed("register", pile, &e);
                        false
                    }
                };
                one_byte(cmd::REGISTER, accepted)
            }
            Uplink::Heartbeat(h) => {
                let ok = self
                    .heartbeat(pile, &h.port_status, &frame(cmd::HEARTBEAT))
                    .await
                    .inspect_err(|e| self.failed("heartbeat", pile, e));
                one_byte(cmd::HEARTBEAT, ok.is_ok())
            }
            Uplink::LegacyHeartbeat(h) => {
                let ok = self
                    .heartbeat(pile, &h.port_status, &frame(cmd::LEGACY_HEARTBEAT))
                    .await
                    .inspect_err(|e| self.failed("heartbeat", pile, e));
                one_byte(cmd::LEGACY_HEARTBEAT, ok.is_ok())
            }
            Uplink::CardSwipe(s) => match self.card(pile, &s, &frame(cmd::CARD_SWIPE)).await {
                Ok(reply) => Some(reply),
                Err(e) => {
                    self.failed("card_swipe", pile, &e);
                    Some(card_reply(s.card, s.port, 0x0C, 0))
                }
            },
            Uplink::PowerHeartbeat(p) => {
                if let Err(e) = self.power(pile, &p, &frame(cmd::POWER_HEARTBEAT)).await {
                    self.failed("power_heartbeat", pile, &e);
                }
                None
            }
            Uplink::Settlement(s) => {
                // Always acknowledged: an unanswered record blocks the pile's later ones (§8.4).
                if let Err(e) = self.settle(pile, &s, &frame(cmd::SETTLEMENT)).await {
                    self.failed("settlement", pile, &e);
                }
                one_byte(cmd::SETTLEMENT, true)
            }
            Uplink::Alarm(a) => {
                tracing::warn!(%pile, alarm = a.kind_name(), port = a.port, "AP3000 alarm");
                None
            }
            other => {
                let unix = u32::try_from(self.now().timestamp()).unwrap_or(0);
                protocol_reply(&other, unix)
            }
        }
    }

    async fn gone(&self, piles: Vec<PhysicalId>) {
        let now = self.now();
        for pile in piles {
            lock(&self.inner.ports).remove(&pile);
            if !self.still_held_here(pile).await {
                // The pile reconnected to another instance, which keeps it online.
                continue;
            }
            let done = async {
                let tx = self.inner.units.begin_charging_tx().await?;
                charging::disconnected(tx, &self.inner.tenant, &identity(pile)?, now).await
            };
            if let Err(e) = done.await {
                self.failed("disconnect", pile, &e);
            }
        }
    }
}
