//! Integration events exchanged between bounded contexts through the outbox.
//!
//! Every event is a payload type implementing [`IntegrationEvent`] (a stable name and a
//! schema version) wrapped in an [`EventEnvelope`] that carries id, tenant, aggregate and time.

#![warn(missing_docs)]

pub mod analytics_events;
pub mod envelope;
pub mod iam_events;
pub mod points;

pub use analytics_events::{EnergySlot, FlowEnergy, SourceVersion, StatisticCalculated};
pub use envelope::{ContractError, EventEnvelope, IntegrationEvent};
pub use iam_events::{ApiKeyCreated, ApiKeyRevoked};
pub mod masterdata_events;
pub mod settlement_events;
pub mod telemetry_events;

pub use masterdata_events::{DeviceProvisioned, DeviceRemoved, MappingsChanged, StationProvisioned, StationRemoved};
pub use settlement_events::{DayAdjusted, DayFrozen, DaySettled, StatementChanged};
pub use telemetry_events::{DeviceSpan, TelemetryReceived};
pub mod alarm_events;

pub use alarm_events::{AlarmAcknowledged, AlarmCleared, AlarmRaised, AlarmSeverityChanged};
pub mod command_events;

pub use command_events::{CommandIssued, CommandOrigin, CommandRequested, CommandStateChanged};
pub mod charging_events;

pub use charging_events::{
    ChargePointConnectionChanged, ChargePointRegistered, ChargingSessionEnded, ChargingSessionStarted,
    ChargingSessionUpdated, ChargingSettlementUploaded, ConnectorStatusChanged,
};
