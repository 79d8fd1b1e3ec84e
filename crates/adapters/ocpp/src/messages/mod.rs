//! Typed OCPP 1.6 messages, each with the schema it is validated against.

pub mod core;
pub mod firmware;
pub mod local_list;
pub mod remote;
pub mod reservation;
pub mod smart_charging;
#[cfg(test)]
mod tests;
pub mod transaction;
pub mod types;

use crate::schema::{validate, Field, Violation};
use crate::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use serde_json::Value;

/// A message payload with its OCPP 1.6 JSON schema.
pub trait OcppPayload: Serialize + DeserializeOwned {
    /// The schema's properties.
    const SCHEMA: &'static [Field];

    /// Validates `payload` against [`Self::SCHEMA`] and reads it.
    fn from_payload(payload: &Value) -> Result<Self, Violation> {
        validate(payload, Self::SCHEMA)?;
        Self::deserialize(payload).map_err(|e| Violation::new(ErrorCode::FormationViolation, "", e.to_string()))
    }

    /// The payload as JSON.
    fn to_payload(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
    }
}

/// A request: its action name and the type of its answer.
pub trait OcppAction: OcppPayload {
    /// The action name of the CALL.
    const ACTION: &'static str;
    /// The answer's payload.
    type Response: OcppPayload;
}

/// Declares a payload with no properties (`{}`).
macro_rules! empty_payload {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {}

        impl $crate::messages::OcppPayload for $name {
            const SCHEMA: &'static [$crate::schema::Field] = &[];
        }
    };
}
pub(crate) use empty_payload;

/// Declares a response whose only property is a required `status` of the given enum.
macro_rules! status_response {
    ($(#[$meta:meta])* $name:ident, $status:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// Status.
            pub status: $status,
        }

        impl $crate::messages::OcppPayload for $name {
            const SCHEMA: &'static [$crate::schema::Field] =
                &[$crate::schema::req("status", $crate::schema::Ty::Enum(<$status>::NAMES))];
        }
    };
}
pub(crate) use status_response;

/// Ties a request to its action name and answer.
macro_rules! action {
    ($request:ty, $name:literal, $response:ty) => {
        impl $crate::messages::OcppAction for $request {
            const ACTION: &'static str = $name;
            type Response = $response;
        }
    };
}
pub(crate) use action;
