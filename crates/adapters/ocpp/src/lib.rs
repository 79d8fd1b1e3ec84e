//! OCPP-J 1.6 wire layer, pure (no sockets): [`frame`] parses and writes the CALL / CALLRESULT /
//! CALLERROR arrays; [`messages`] holds a typed request and response for every Core charge point →
//! CSMS message and every CSMS → charge point call, each validated against the OCPP 1.6 JSON
//! schema by [`schema`] with failures mapped onto the OCPP-J [`ErrorCode`]s; [`meter`] converts
//! sampled values into integer Wh and W without floating point; [`mapping`] turns validated
//! messages into the inputs of the charging context's application services and back; [`csms`]
//! is the WebSocket endpoint that owns the charge points' connections; [`commands`] sends the
//! commands context's commands to them as CSMS calls; [`ingest`] writes their meter readings as
//! telemetry.

#![warn(missing_docs)]

pub mod commands;
pub mod csms;
pub mod enums;
pub mod error_code;
pub mod frame;
pub mod incoming;
pub mod ingest;
pub mod mapping;
pub mod messages;
pub mod meter;
pub mod schema;

pub use error_code::ErrorCode;
pub use frame::{Frame, FrameError, MAX_MESSAGE_ID_LEN};
pub use incoming::ChargePointCall;
pub use messages::{OcppAction, OcppPayload};
pub use meter::{parse_decimal, Decimal, MeterValueError};
pub use schema::{Field, Ty, Violation};
