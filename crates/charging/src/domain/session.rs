//! The charging session aggregate: one OCPP transaction on a connector, its meter readings and
//! every state change with its reason.
//!
//! Energy is `stop register − start register` and is never negative: a register below the highest
//! one seen (a meter replaced or reset, a charge point bug) is not applied and flags the session
//! (`meter_went_backwards`); a stop register below the start one ends the session with 0 Wh and the
//! same flag. The flag travels in `ChargingSessionEnded` so billing can hold the session for review.

use crate::domain::meter::{MeterSample, SampleSummary};
use crate::domain::named::named_enum;
use crate::{AuthorizationStatus, ChargePointId, ChargingError, IdToken, SessionId, SessionState, TransactionId};
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{StationId, TenantId, Wh};
use serde::{Deserialize, Serialize};

named_enum! {
    /// Why a session ended: the OCPP 1.6 stop reasons plus the CSMS's own.
    pub enum StopReason {
        /// Emergency stop button.
        EmergencyStop => "emergency_stop",
        /// Cable unplugged at the vehicle.
        EvDisconnected => "ev_disconnected",
        /// Hard reset.
        HardReset => "hard_reset",
        /// Stopped at the charge point (the OCPP default when no reason is given).
        Local => "local",
        /// Another reason.
        Other => "other",
        /// Power loss.
        PowerLoss => "power_loss",
        /// The charge point rebooted.
        Reboot => "reboot",
        /// RemoteStopTransaction.
        Remote => "remote",
        /// Soft reset.
        SoftReset => "soft_reset",
        /// UnlockConnector.
        UnlockCommand => "unlock_command",
        /// The tag was refused while charging.
        DeAuthorized => "de_authorized",
        /// Closed by the CSMS: the charge point booted while the session was still open.
        ClosedAtBoot => "closed_at_boot",
        /// Closed by the CSMS: a new transaction started on the same connector.
        Superseded => "superseded",
    }
}

/// One state change of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionTransition {
    /// State before (none for the creation).
    pub from: Option<SessionState>,
    /// State after.
    pub to: SessionState,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in words.
    pub reason: String,
}

/// What a unit of work must append for a session besides its new state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionChanges {
    /// New transitions.
    pub transitions: Vec<SessionTransition>,
    /// New meter samples.
    pub samples: Vec<MeterSample>,
}

/// What a new session is made of (from a StartTransaction).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    /// Owner tenant.
    pub tenant: TenantId,
    /// The charge point.
    pub charge_point_id: ChargePointId,
    /// Its station.
    pub station_id: Option<StationId>,
    /// Allocated transaction id.
    pub transaction_id: TransactionId,
    /// Connector number.
    pub connector: u32,
    /// Tag that started it.
    pub id_tag: IdToken,
    /// Decision answered for the tag.
    pub authorization: AuthorizationStatus,
    /// Reservation it used.
    pub reservation_id: Option<i32>,
    /// Register at start.
    pub meter_start: Wh,
    /// Start by the charge point's clock.
    pub started_at: DateTime<Utc>,
}

/// A StopTransaction as the session sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StopInput {
    /// Register at stop.
    pub meter_stop: Wh,
    /// Stop by the charge point's clock.
    pub stopped_at: DateTime<Utc>,
    /// Reason (OCPP: `local` when none is given).
    pub reason: Option<StopReason>,
    /// Tag that stopped it.
    pub id_tag: Option<IdToken>,
}

/// What a stop did.
#[derive(Debug, Clone, PartialEq)]
pub enum Stopped {
    /// The session ended now.
    Ended(SessionTransition),
    /// The same stop had already ended it (a re-sent StopTransaction).
    Repeated,
}

/// A charging session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargingSession {
    /// Id.
    pub id: SessionId,
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// The charge point.
    pub charge_point_id: ChargePointId,
    /// Its station.
    pub station_id: Option<StationId>,
    /// OCPP transaction id (unique per tenant).
    pub transaction_id: TransactionId,
    /// Connector number.
    pub connector: u32,
    /// Tag that started it.
    pub id_tag: IdToken,
    /// Decision answered for the tag at start.
    pub authorization: AuthorizationStatus,
    /// Reservation it used.
    pub reservation_id: Option<i32>,
    /// Current state.
    pub state: SessionState,
    /// Register at start.
    pub meter_start: Wh,
    /// Highest register seen (start, samples, stop).
    pub last_register: Wh,
    /// Register at stop (set when it ends).
    pub meter_stop: Option<Wh>,
    /// Start by the charge point's clock.
    pub started_at: DateTime<Utc>,
    /// End (the charge point's clock for a stop, the CSMS's for a close).
    pub stopped_at: Option<DateTime<Utc>>,
    /// Why it ended.
    pub stop_reason: Option<StopReason>,
    /// Tag that stopped it.
    pub stop_id_tag: Option<IdToken>,
    /// Highest active import power seen, in W.
    pub max_power_w: Option<i64>,
    /// A register went backwards (see the module docs).
    pub meter_went_backwards: bool,
    /// Meter samples recorded.
    pub samples_recorded: u64,
    /// When the last meter-value update event was emitted.
    pub last_update_event_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Every state change as loaded, oldest first.
    pub transitions: Vec<SessionTransition>,
}

impl ChargingSession {
    /// A session in `starting`, with its creation transition.
    pub fn start(new: NewSession, now: DateTime<Utc>) -> (Self, SessionTransition) {
        let first = SessionTransition {
            from: None,
            to: SessionState::Starting,
            at: now,
            reason: format!("StartTransaction with id tag {} ({})", new.id_tag, new.authorization),
        };
        let session = Self {
            id: SessionId::new(),
            tenant: new.tenant,
            charge_point_id: new.charge_point_id,
            station_id: new.station_id,
            transaction_id: new.transaction_id,
            connector: new.connector,
            id_tag: new.id_tag,
            authorization: new.authorization,
            reservation_id: new.reservation_id,
            state: SessionState::Starting,
            meter_start: new.meter_start,
            last_register: new.meter_start,
            meter_stop: None,
            started_at: new.started_at,
            stopped_at: None,
            stop_reason: None,
            stop_id_tag: None,
            max_power_w: None,
            meter_went_backwards: false,
            samples_recorded: 0,
            last_update_event_at: None,
            updated_at: now,
            transitions: vec![first.clone()],
        };
        (session, first)
    }

    /// Moves to `to`: none when already there, an error when the state machine forbids it.
    pub fn transition(
        &mut self,
        to: SessionState,
        reason: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<Option<SessionTransition>, ChargingError> {
        if self.state == to {
            return Ok(None);
        }
        if !self.state.may_become(to) {
            return Err(ChargingError::IllegalTransition { from: self.state, to });
        }
        let t = SessionTransition { from: Some(self.state), to, at, reason: reason.into() };
        self.state = to;
        self.updated_at = at;
        self.transitions.push(t.clone());
        Ok(Some(t))
    }

    /// Applies meter samples of a running session (see the module docs for registers going backwards).
    pub fn record_samples(
        &mut self,
        samples: &[MeterSample],
        now: DateTime<Utc>,
    ) -> Result<SampleSummary, ChargingError> {
        if self.state.is_terminal() {
            return Err(ChargingError::SessionEnded(self.transaction_id));
        }
        let mut summary = SampleSummary::default();
        for s in samples {
            if let Some(register) = s.energy_register {
                self.apply_register(register, &mut summary);
            }
            if let Some(p) = s.power_w {
                self.max_power_w = Some(self.max_power_w.map_or(p, |m| m.max(p)));
            }
            summary.recorded += 1;
        }
        self.samples_recorded = self.samples_recorded.saturating_add(summary.recorded as u64);
        self.updated_at = now;
        Ok(summary)
    }

    fn apply_register(&mut self, register: Wh, summary: &mut SampleSummary) {
        if register < self.last_register {
            summary.went_backwards = true;
            self.meter_went_backwards = true;
        } else {
            self.last_register = register;
        }
    }

    /// Ends the session with a StopTransaction: `completed`, or `failed` when its tag was not
    /// accepted at start. The same stop again is [`Stopped::Repeated`]; another stop of an ended
    /// session is [`ChargingError::SessionEnded`].
    pub fn stop(&mut self, input: &StopInput, now: DateTime<Utc>) -> Result<Stopped, ChargingError> {
        if self.state.is_terminal() {
            let same = self.meter_stop == Some(input.meter_stop) && self.stopped_at == Some(input.stopped_at);
            return if same { Ok(Stopped::Repeated) } else { Err(ChargingError::SessionEnded(self.transaction_id)) };
        }
        let reason = input.reason.unwrap_or(StopReason::Local);
        let (to, why) = if self.authorization == AuthorizationStatus::Accepted {
            (SessionState::Completed, format!("StopTransaction ({reason})"))
        } else {
            (SessionState::Failed, format!("StopTransaction ({reason}); id tag was {} at start", self.authorization))
        };
        let mut summary = SampleSummary::default();
        self.apply_register(input.meter_stop, &mut summary);
        self.meter_stop = Some(input.meter_stop);
        self.stopped_at = Some(input.stopped_at);
        self.stop_reason = Some(reason);
        self.stop_id_tag = input.id_tag.clone();
        self.end(to, why, now)
    }

    /// Ends a running session without a StopTransaction (`failed`, stop register = highest seen).
    pub fn close(
        &mut self,
        reason: StopReason,
        why: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Result<SessionTransition, ChargingError> {
        if self.state.is_terminal() {
            return Err(ChargingError::SessionEnded(self.transaction_id));
        }
        self.meter_stop = Some(self.last_register);
        self.stopped_at = Some(now);
        self.stop_reason = Some(reason);
        match self.end(SessionState::Failed, why.into(), now)? {
            Stopped::Ended(t) => Ok(t),
            Stopped::Repeated => Err(ChargingError::SessionEnded(self.transaction_id)),
        }
    }

    fn end(&mut self, to: SessionState, why: String, now: DateTime<Utc>) -> Result<Stopped, ChargingError> {
        match self.transition(to, why, now)? {
            Some(t) => Ok(Stopped::Ended(t)),
            None => Ok(Stopped::Repeated),
        }
    }

    /// Energy delivered so far (or in total once ended); never negative.
    pub fn energy(&self) -> Wh {
        let end = self.meter_stop.unwrap_or(self.last_register);
        Wh(end.0.saturating_sub(self.meter_start.0).max(0))
    }

    /// Seconds from start to stop (0 when the stop is before the start); none while running.
    pub fn duration_s(&self) -> Option<i64> {
        self.stopped_at.map(|stop| (stop - self.started_at).num_seconds().max(0))
    }

    /// True when a meter-value update event may be emitted at `now` (none yet, or the last one
    /// at least `min_interval` ago).
    pub fn update_due(&self, now: DateTime<Utc>, min_interval: Duration) -> bool {
        self.last_update_event_at.is_none_or(|last| now - last >= min_interval)
    }
}
