//! The audit trail of charging: every step of a charge point's life and of each session, as
//! append-only timeline events written in the unit of work of the state change they record.

use crate::domain::named::named_enum;
use crate::{ChargePoint, ChargePointId, ChargingError, ChargingSession, SessionId};
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{StationId, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mgc_kernel::define_id!(
    /// Identifies a timeline event (UUID v7: ids sort in append order).
    TimelineEventId
);

named_enum! {
    /// What a timeline event records.
    pub enum TimelineKind {
        /// The charge point's connection opened.
        Connected => "connected",
        /// A boot (BootNotification, AP3000 register) was answered: accepted, pending or rejected.
        Registered => "registered",
        /// The charge point went offline (connection closed, or silent past the timeout).
        Disconnected => "disconnected",
        /// A connector's status or error code changed.
        StatusChanged => "status_changed",
        /// An id tag was authorized (details: the result).
        Authorized => "authorized",
        /// A session was opened on a start request.
        StartRequested => "start_requested",
        /// The start was accepted (tag accepted; for AP3000 also the pile's start acknowledged).
        StartAccepted => "start_accepted",
        /// The start was refused (tag not accepted, or the pile refused or never answered).
        StartRefused => "start_refused",
        /// Meter values were recorded on the session.
        MeterProgress => "meter_progress",
        /// A stop was asked of the charge point.
        StopRequested => "stop_requested",
        /// The session ended.
        Stopped => "stopped",
        /// The pile uploaded its settlement record (AP3000 0x03).
        SettlementUploaded => "settlement_uploaded",
        /// Anomaly: the pile's figures disagree with the computed ones.
        EnergyMismatch => "energy_mismatch",
        /// Anomaly: the session was closed without a stop from the charge point.
        SessionWithoutStop => "session_without_stop",
        /// Anomaly: an energy register went below the highest one seen.
        NegativeMeterDelta => "negative_meter_delta",
    }
}

impl TimelineKind {
    /// True for the anomaly kinds.
    pub fn is_anomaly(self) -> bool {
        matches!(self, Self::EnergyMismatch | Self::SessionWithoutStop | Self::NegativeMeterDelta)
    }
}

/// The protocol frame a step came in (or went out) with: protocol, message id and action or command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameRef {
    /// `ocpp1.6j` or `ap3000`.
    pub protocol: String,
    /// The frame's message id (OCPP unique id; AP3000 message id as decimal).
    pub message_id: String,
    /// OCPP action, or AP3000 command as `0x..`.
    pub action: String,
}

impl FrameRef {
    /// An OCPP-J frame.
    pub fn ocpp(message_id: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            protocol: crate::Protocol::Ocpp16J.as_str().to_owned(),
            message_id: message_id.into(),
            action: action.into(),
        }
    }

    /// An AP3000 frame: its message id and command byte.
    pub fn ap3000(message_id: u16, command: u8) -> Self {
        Self {
            protocol: crate::Protocol::Ap3000.as_str().to_owned(),
            message_id: message_id.to_string(),
            action: format!("0x{command:02X}"),
        }
    }
}

/// One step of a charge point's or a session's life.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEvent {
    /// Id (append order).
    pub id: TimelineEventId,
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// The charge point.
    pub charge_point_id: ChargePointId,
    /// Its station when the event was recorded.
    pub station_id: Option<StationId>,
    /// The connector, when the step concerns one.
    pub connector: Option<u32>,
    /// The session, when the step concerns one.
    pub session_id: Option<SessionId>,
    /// What happened.
    pub kind: TimelineKind,
    /// When (UTC, the CSMS's clock).
    pub at: DateTime<Utc>,
    /// The protocol frame, when one carried the step.
    pub frame: Option<FrameRef>,
    /// Kind-specific figures (a JSON object).
    pub details: Value,
}

impl TimelineEvent {
    /// An event of `cp` (no connector or session yet); `details` must be a JSON object (anything
    /// else is kept under `value`).
    pub fn of_charge_point(cp: &ChargePoint, kind: TimelineKind, at: DateTime<Utc>, details: Value) -> Self {
        let details = if details.is_object() { details } else { serde_json::json!({ "value": details }) };
        Self {
            id: TimelineEventId::new(),
            tenant: cp.tenant.clone(),
            charge_point_id: cp.id,
            station_id: cp.station_id,
            connector: None,
            session_id: None,
            kind,
            at,
            frame: None,
            details,
        }
    }

    /// An event of session `s` (its charge point, station and connector).
    pub fn of_session(s: &ChargingSession, kind: TimelineKind, at: DateTime<Utc>, details: Value) -> Self {
        let details = if details.is_object() { details } else { serde_json::json!({ "value": details }) };
        Self {
            id: TimelineEventId::new(),
            tenant: s.tenant.clone(),
            charge_point_id: s.charge_point_id,
            station_id: s.station_id,
            connector: Some(s.connector),
            session_id: Some(s.id),
            kind,
            at,
            frame: None,
            details,
        }
    }

    /// The same event on `connector`.
    #[must_use]
    pub fn on_connector(mut self, connector: u32) -> Self {
        self.connector = Some(connector);
        self
    }

    /// The same event in `session` (when there is one).
    #[must_use]
    pub fn in_session(mut self, session: Option<SessionId>) -> Self {
        self.session_id = session;
        self
    }

    /// The same event carried by `frame`.
    #[must_use]
    pub fn with_frame(mut self, frame: Option<FrameRef>) -> Self {
        self.frame = frame;
        self
    }
}

/// How long the timeline is kept: events of ended sessions `session_days`, events without a
/// session `event_days`; events of a session that is still open are never dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineRetention {
    /// Days the events of an ended session are kept (counted from each event).
    pub session_days: u32,
    /// Days the charge point events (no session) are kept.
    pub event_days: u32,
}

impl Default for TimelineRetention {
    fn default() -> Self {
        Self { session_days: 30, event_days: 7 }
    }
}

impl TimelineRetention {
    /// Checks both periods are at least one day.
    pub fn validated(self) -> Result<Self, ChargingError> {
        if self.session_days == 0 || self.event_days == 0 {
            return Err(ChargingError::invalid("timeline retention", "days must be 1 or more"));
        }
        Ok(self)
    }

    /// The cut-offs at `now`: (events of ended sessions before, events without a session before).
    pub fn cutoffs(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (now - Duration::days(i64::from(self.session_days)), now - Duration::days(i64::from(self.event_days)))
    }
}

/// Time range of a timeline query: `from <= at < to`, each bound optional (`from` not before
/// `to` is an empty range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    /// Inclusive lower bound.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub to: Option<DateTime<Utc>>,
}

impl TimeRange {
    /// A range; refused when a bound is outside the years 0 to 9999 (what every backend stores).
    pub fn new(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Result<Self, ChargingError> {
        for (field, bound) in [("from", from), ("to", to)] {
            if bound.is_some_and(|b| !(0..=9999).contains(&chrono::Datelike::year(&b))) {
                return Err(ChargingError::invalid(field, "must be within the years 0 to 9999"));
            }
        }
        Ok(Self { from, to })
    }
}
