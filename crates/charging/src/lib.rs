//! Charging context: charge points (OCPP identity, boot data, registration, online/offline),
//! their connectors (OCPP 1.6 status and status history), charging sessions with their state
//! machine (`starting` → `charging` ⇄ `suspended_ev`/`suspended_evse` → `finishing` →
//! `completed` | `failed`), id tags and the tenant's local authorization list.
//!
//! `domain/` is pure; `app/` holds one application service per charge-point → CSMS message
//! (boot, heartbeat, status notification, authorize, start/stop transaction, meter values) and
//! the connection services, each behind the ports in [`domain::ports`]. The services take domain
//! inputs, never JSON: the OCPP wire layer (`mgc-adapter-ocpp`) turns frames into these inputs.

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::authorize::authorize;
pub use app::boot::{boot, boot_as, BootDecision};
pub use app::connection::{connected, disconnected, sweep_offline, SweepReport};
pub use app::credentials::{set_password, set_passwords};
pub use app::device_reports::device_report;
pub use app::heartbeat::heartbeat;
pub use app::id_tags::{current_local_list, put_id_tag, remove_id_tag};
pub use app::meter_values::{meter_values, MeterValuesInput, MeterValuesOutcome};
pub use app::registration::{set_charger_type, set_registration};
pub use app::start::{start_transaction, StartOutcome, StartRequest};
pub use app::stats::{
    command_stats, fleet_stats, session_stats, utilisation_stats, SessionStatsRequest, UTILISATION_LOOKBACK_HOURS,
};
pub use app::status::{session_state_for, status_notification, StatusOutcome};
pub use app::steps::{settlement_uploaded, start_answered, stop_requested, SettlementUpload};
pub use app::stop::{stop_transaction, StopEffect, StopOutcome, StopRequest};
pub use app::timeline_sweep::{sweep_timeline, PURGE_BATCH};
pub use domain::charge_point::{BootInfo, ChargePoint, ChargerType, Connection, Protocol, RegistrationStatus};
pub use domain::command_stats::{
    command_figures, nearest_rank, CommandFact, CommandFigures, CommandOutcome, CommandStats,
};
pub use domain::connector::{Connector, ConnectorErrorCode, ConnectorStatus, ConnectorStatusEntry, StatusReport};
pub use domain::device_report::{
    DataTransferDecision, DeviceReport, DeviceReportRecord, ReportedStatus, MAX_REPORT_DATA_CHARS,
};
pub use domain::error::ChargingError;
pub use domain::id_tag::{AuthorizationStatus, IdTag, IdTagInfo, IdToken};
pub use domain::ids::{ChargePointId, OcppIdentity, SessionId, TransactionId};
pub use domain::local_list::LocalAuthorizationList;
pub use domain::meter::{MeterSample, SampleSummary};
pub use domain::password::{generate_password, PasswordHash};
pub use domain::ports::{
    ChargePointRepository, ChargerDirectory, ChargingTx, ChargingUnits, ConnectorRepository, DeviceReportRepository,
    IdTagRepository, SessionRepository, TimelineRepository,
};
pub use domain::queries::{ChargePointFilter, ChargingQueries, IdTagFilter};
pub use domain::session::{
    ChargingSession, NewSession, SessionChanges, SessionTransition, StopInput, StopReason, Stopped,
};
pub use domain::session_state::SessionState;
pub use domain::settings::ChargingSettings;
pub use domain::stats::{
    fleet_figures, session_figures, DeviceCounts, FleetByType, FleetFigures, SessionFact, SessionFigures,
};
pub use domain::stats_queries::ChargingStatsQueries;
pub use domain::timeline::{FrameRef, TimeRange, TimelineEvent, TimelineEventId, TimelineKind, TimelineRetention};
pub use domain::timeline_ports::{TimelinePurge, TimelineQueries};
pub use domain::unmatched_stop::{UnmatchedStop, UnmatchedStopKind};
pub use domain::utilisation::{utilisation_figures, UtilisationFigures};
