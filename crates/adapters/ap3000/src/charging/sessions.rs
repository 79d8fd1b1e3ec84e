//! Sessions of a pile: start (the session is opened first, so that its transaction id is in
//! the order number the pile echoes; then 0x82 start), stop (0x82 stop with the running order),
//! power heartbeats as meter values, and the settlement that ends the session with the pile's
//! energy — the pile's energy and duration are recorded beside the computed ones (last power
//! heartbeat, wall-clock time since start) and a mismatch is flagged.

use super::tables::{order_for, stop_reason, stop_reason_name, transaction_of};
use super::{identity, lock, ChargingHandler, LivePort};
use crate::gateway::SendFailure;
use crate::messages::{charge_result_name, ChargeControl, Downlink, PowerHeartbeat, Settlement, Uplink};
use crate::PhysicalId;
use mgc_charging::SessionRepository;
use mgc_charging::{
    self as charging, AuthorizationStatus, ChargingError, FrameRef, IdToken, MeterSample, MeterValuesInput,
    SettlementUpload, StartRequest, StopReason, StopRequest, TransactionId,
};
use mgc_kernel::Wh;
use serde_json::json;

/// Counter of settlements whose pile figures disagree with the computed ones.
pub const MISMATCH_COUNTER: &str = "mgc_ap3000_settlement_mismatches_total";
/// Seconds the pile's duration may differ from the wall-clock one before it is a mismatch.
const DURATION_TOLERANCE_S: i64 = 120;

/// How a start limits the session (0x82 rate mode and limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeMode {
    /// Until full.
    Full,
    /// At most this many seconds.
    Seconds(u16),
    /// At most this much energy, in 0.01 kWh.
    CentiKwh(u16),
}

impl ChargeMode {
    fn wire(self) -> (u8, u16) {
        match self {
            Self::Full => (0, 0),
            Self::Seconds(s) => (0, s),
            Self::CentiKwh(e) => (2, e),
        }
    }
}

/// Why a start or stop did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SessionFailure {
    /// The charging context refused (unknown pile, tag refused, storage...).
    #[error(transparent)]
    Charging(#[from] ChargingError),
    /// The id tag is not accepted.
    #[error("id tag {0} is not accepted ({1})")]
    TagRefused(String, &'static str),
    /// No running session is known on the port.
    #[error("no running session is known on port {port} of pile {pile}")]
    NotCharging {
        /// The pile.
        pile: PhysicalId,
        /// The port, 1-based.
        port: u16,
    },
    /// The downlink failed.
    #[error(transparent)]
    Downlink(#[from] SendFailure),
    /// The pile answered and refused.
    #[error("pile {pile} refused: result {result} ({name})")]
    Refused {
        /// The pile.
        pile: PhysicalId,
        /// Its 0x82 result code.
        result: u8,
        /// The code's name.
        name: &'static str,
    },
}

impl<U: super::telemetry::PileUnits + 'static> ChargingHandler<U> {
    /// Starts charging on `port` (0-based) of `pile` for `tag`: opens the session, then sends
    /// 0x82 start; a start the pile refuses or never answers closes the session again.
    pub async fn start(
        &self,
        pile: PhysicalId,
        port: u8,
        tag: IdToken,
        mode: ChargeMode,
    ) -> Result<TransactionId, SessionFailure> {
        let id = identity(pile)?;
        let now = self.now();
        let req = StartRequest {
            connector: u32::from(port) + 1,
            id_tag: tag.clone(),
            meter_start: Wh(0),
            started_at: now,
            reservation_id: None,
        };
        let tx = self.inner.units.begin_charging_tx().await.map_err(ChargingError::from)?;
        let outcome = charging::start_transaction(tx, &self.inner.tenant, &id, req, now).await?;
        let transaction = outcome.transaction_id;
        if outcome.id_tag_info.status != AuthorizationStatus::Accepted {
            self.close(pile, transaction, "id tag refused").await;
            return Err(SessionFailure::TagRefused(tag.as_str().to_owned(), outcome.id_tag_info.status.as_str()));
        }
        let order = order_for(transaction);
        let live = LivePort { transaction, order, started: Some(now), energy_wh: 0 };
        lock(&self.inner.live).insert((pile, port), live);
        let (rate_mode, limit) = mode.wire();
        let answered = self.control(pile, port, 1, rate_mode, limit, order).await;
        self.start_answered(pile, transaction, &answered).await;
        match answered {
            Ok(()) => Ok(transaction),
            Err(e) => {
                lock(&self.inner.live).remove(&(pile, port));
                self.close(pile, transaction, "the pile did not start charging").await;
                Err(e)
            }
        }
    }

    /// Stops charging on `port` (0-based) of `pile` (0x82 stop with the running order); the
    /// session ends when the pile's settlement arrives.
    pub async fn stop(&self, pile: PhysicalId, port: u8) -> Result<TransactionId, SessionFailure> {
        let live = lock(&self.inner.live).get(&(pile, port)).cloned();
        let live = match live {
            Some(live) => live,
            // Started through another instance, or before a restart: the stored open session
            // of the port names the order (its number is derived from the transaction).
            None => self.stored_open(pile, port).await?,
        };
        let requested = async {
            let tx = self.inner.units.begin_charging_tx().await?;
            let details = json!({ "command": "0x82", "port": u16::from(port) + 1 });
            charging::stop_requested(tx, &self.inner.tenant, &identity(pile)?, live.transaction, details, self.now())
                .await
        };
        if let Err(e) = requested.await {
            tracing::warn!(%pile, transaction = %live.transaction, error = %e, "cannot record the stop request on the timeline");
        }
        self.control(pile, port, 0, 0, 0, live.order).await?;
        Ok(live.transaction)
    }

    /// The running session of `port` (0-based) as stored, as a live port; `NotCharging` without one.
    async fn stored_open(&self, pile: PhysicalId, port: u8) -> Result<LivePort, SessionFailure> {
        let not_charging = || SessionFailure::NotCharging { pile, port: u16::from(port) + 1 };
        let id = identity(pile)?;
        let cp = self.inner.units.find_charge_point(&self.inner.tenant, &id).await.map_err(ChargingError::from)?;
        let cp = cp.ok_or_else(not_charging)?;
        let mut tx = self.inner.units.begin_charging_tx().await.map_err(ChargingError::from)?;
        let open = tx.open_sessions(&self.inner.tenant, cp.id).await.map_err(ChargingError::from)?;
        let session = open.into_iter().find(|s| s.connector == u32::from(port) + 1).ok_or_else(not_charging)?;
        let live = LivePort {
            transaction: session.transaction_id,
            order: order_for(session.transaction_id),
            started: Some(session.started_at),
            energy_wh: session.energy().0,
        };
        lock(&self.inner.live).insert((pile, port), live.clone());
        Ok(live)
    }

    async fn control(
        &self,
        pile: PhysicalId,
        port: u8,
        command: u8,
        rate_mode: u8,
        limit: u16,
        order: [u8; 16],
    ) -> Result<(), SessionFailure> {
        let downlink = Downlink::ChargeControl(ChargeControl {
            rate_mode,
            balance: 0,
            port,
            command,
            limit,
            order,
            max_time_s: 0,
            overload_power_dw: 0,
            backlight: None,
            long_charge: None,
            float_time_s: None,
            short_check: None,
            unplug_detection: None,
            force_full_stop: None,
            full_power_w: None,
            full_judge_min: None,
            rest: Vec::new(),
        });
        match self.inner.registry.send(pile, downlink, self.inner.downlink_wait).await? {
            Some(Uplink::ChargeControlAck(ack)) if ack.done() => Ok(()),
            Some(Uplink::ChargeControlAck(ack)) => {
                Err(SessionFailure::Refused { pile, result: ack.result, name: charge_result_name(ack.result) })
            }
            _ => Err(SessionFailure::Refused { pile, result: 0xFF, name: "unexpected answer" }),
        }
    }

    /// Records the pile's answer to the 0x82 start of `transaction` on the timeline.
    async fn start_answered(&self, pile: PhysicalId, transaction: TransactionId, answer: &Result<(), SessionFailure>) {
        let (accepted, details) = match answer {
            Ok(()) => (true, json!({ "command": "0x82", "result": 0 })),
            Err(SessionFailure::Refused { result, name, .. }) => {
                (false, json!({ "command": "0x82", "result": result, "result_name": name }))
            }
            Err(e) => (false, json!({ "command": "0x82", "error": e.to_string() })),
        };
        let recorded = async {
            let tx = self.inner.units.begin_charging_tx().await?;
            charging::start_answered(
                tx,
                &self.inner.tenant,
                &identity(pile)?,
                transaction,
                accepted,
                details,
                self.now(),
            )
            .await
        };
        if let Err(e) = recorded.await {
            tracing::warn!(%pile, %transaction, error = %e, "cannot record the start answer on the timeline");
        }
    }

    /// Ends a session that never ran (the pile refused or did not answer the start).
    async fn close(&self, pile: PhysicalId, transaction: TransactionId, why: &str) {
        let now = self.now();
        let req = StopRequest {
            transaction_id: transaction,
            meter_stop: Wh(0),
            stopped_at: now,
            reason: Some(StopReason::Other),
            id_tag: None,
            transaction_data: Vec::new(),
        };
        let done = async {
            let tx = self.inner.units.begin_charging_tx().await?;
            charging::stop_transaction(tx, &self.inner.tenant, &identity(pile)?, req, now).await
        };
        if let Err(e) = done.await {
            tracing::warn!(%pile, %transaction, why, error = %e, "cannot close the AP3000 session that did not start");
        }
    }

    /// A power heartbeat: the session's energy so far as a meter value.
    pub(super) async fn power(
        &self,
        pile: PhysicalId,
        p: &PowerHeartbeat,
        frame: &FrameRef,
    ) -> Result<(), ChargingError> {
        let Some(transaction) = transaction_of(&p.order) else {
            tracing::debug!(%pile, port = p.port + 1, "power heartbeat of a session started offline; not mapped");
            return Ok(());
        };
        let now = self.now();
        if let Err(e) = self.record_power(pile, p, now).await {
            self.failed("power_telemetry", pile, &e);
        }
        let sample = MeterSample {
            at: now,
            energy_register: Some(Wh(p.energy_wh())),
            power_w: Some(i64::from(p.power_dw) / 10),
            soc_percent: None,
        };
        let input = MeterValuesInput {
            connector: u32::from(p.port) + 1,
            transaction_id: Some(transaction),
            samples: vec![sample],
        };
        let tx = self.framed_tx(frame).await?;
        charging::meter_values(tx, &self.inner.tenant, &identity(pile)?, input, &self.inner.settings, now).await?;
        let mut live = lock(&self.inner.live);
        let entry =
            live.entry((pile, p.port)).or_insert(LivePort { transaction, order: p.order, started: None, energy_wh: 0 });
        entry.energy_wh = entry.energy_wh.max(p.energy_wh());
        Ok(())
    }

    /// A settlement: ends the session with the pile's energy and records the pile's figures
    /// beside the computed ones (a duplicate is recorded again and changes nothing else).
    pub(super) async fn settle(&self, pile: PhysicalId, s: &Settlement, frame: &FrameRef) -> Result<(), ChargingError> {
        let id = identity(pile)?;
        let now = self.now();
        let transaction = transaction_of(&s.order);
        let live = lock(&self.inner.live).remove(&(pile, s.port));
        let live = live.filter(|l| Some(l.transaction) == transaction);
        if let Some(transaction) = transaction {
            let req = StopRequest {
                transaction_id: transaction,
                meter_stop: Wh(s.energy_wh()),
                stopped_at: now,
                reason: Some(stop_reason(s.stop_reason)),
                id_tag: None,
                transaction_data: Vec::new(),
            };
            let tx = self.framed_tx(frame).await?;
            match charging::stop_transaction(tx, &self.inner.tenant, &id, req, now).await {
                Ok(_) | Err(ChargingError::SessionEnded(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let computed_energy = live.as_ref().map(|l| l.energy_wh);
        let computed_duration = live.as_ref().and_then(|l| l.started).map(|t| (now - t).num_seconds());
        let mismatch = computed_energy.is_some_and(|e| s.energy_wh() < e)
            || computed_duration.is_some_and(|d| (d - i64::from(s.duration_s)).abs() > DURATION_TOLERANCE_S);
        if mismatch {
            metrics::counter!(MISMATCH_COUNTER).increment(1);
            tracing::warn!(%pile, port = s.port + 1, ?transaction, pile_wh = s.energy_wh(), ?computed_energy, "AP3000 settlement disagrees with the computed session");
        }
        let data = json!({
            "transaction_id": transaction.map(|t| t.0),
            "order": s.order.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "port": u16::from(s.port) + 1,
            "stop_reason": s.stop_reason,
            "stop_reason_name": stop_reason_name(s.stop_reason),
            "pile": {"energy_wh": s.energy_wh(), "duration_s": s.duration_s, "max_power_w": s.max_power_dw / 10, "amount_fen": null},
            "computed": {"energy_wh": computed_energy, "duration_s": computed_duration},
            "mismatch": mismatch,
        });
        let mismatch = mismatch.then(|| {
            json!({
                "pile": {"energy_wh": s.energy_wh(), "duration_s": s.duration_s},
                "computed": {"energy_wh": computed_energy, "duration_s": computed_duration},
                "duration_tolerance_s": DURATION_TOLERANCE_S,
            })
        });
        let upload =
            SettlementUpload { transaction_id: transaction, connector: u32::from(s.port) + 1, figures: data, mismatch };
        let tx = self.framed_tx(frame).await?;
        charging::settlement_uploaded(tx, &self.inner.tenant, &id, upload, &self.inner.settings, now).await
    }
}
