//! The envelope every integration event travels in.

use chrono::{DateTime, Utc};
use mgc_kernel::{EventId, TenantId};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A payload type that can travel between contexts: a stable type name and a schema version.
pub trait IntegrationEvent: Serialize + DeserializeOwned {
    /// Stable, dotted event type name, e.g. `iam.api_key_created`.
    const TYPE: &'static str;
    /// Schema version of the payload; bump on incompatible change.
    const VERSION: u32;
    /// The aggregate the event is about: its type name and id.
    fn aggregate(&self) -> (&'static str, String);
}

/// Why an envelope could not be built or decoded.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The envelope holds another event type than the one asked for.
    #[error("event type mismatch: envelope holds {actual}, expected {expected}")]
    TypeMismatch {
        /// Type asked for.
        expected: &'static str,
        /// Type found.
        actual: String,
    },
    /// The envelope's schema version is newer than this code understands.
    #[error("unsupported schema version {actual} of {event_type} (this build reads up to {supported})")]
    UnsupportedVersion {
        /// Event type.
        event_type: String,
        /// Version found.
        actual: u32,
        /// Highest version understood.
        supported: u32,
    },
    /// The payload JSON does not match the type.
    #[error("payload of {event_type} does not decode: {source}")]
    Payload {
        /// Event type.
        event_type: String,
        /// The serde error.
        source: serde_json::Error,
    },
}

/// One integration event as stored in the outbox and handed to consumers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Unique, time-ordered (UUID v7) id.
    pub id: EventId,
    /// Event type name ([`IntegrationEvent::TYPE`]).
    pub event_type: String,
    /// Payload schema version.
    pub schema_version: u32,
    /// Tenant the event belongs to.
    pub tenant_id: TenantId,
    /// Aggregate type name.
    pub aggregate_type: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// When the change happened.
    pub occurred_at: DateTime<Utc>,
    /// The payload as JSON.
    pub payload: serde_json::Value,
}

impl EventEnvelope {
    /// Wraps an event for `tenant` with a fresh UUID v7 id.
    pub fn wrap<E: IntegrationEvent>(
        tenant: &TenantId,
        event: &E,
        occurred_at: DateTime<Utc>,
    ) -> Result<Self, ContractError> {
        let (aggregate_type, aggregate_id) = event.aggregate();
        let payload = serde_json::to_value(event)
            .map_err(|source| ContractError::Payload { event_type: E::TYPE.to_owned(), source })?;
        Ok(Self {
            id: EventId::new(),
            event_type: E::TYPE.to_owned(),
            schema_version: E::VERSION,
            tenant_id: tenant.clone(),
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id,
            occurred_at,
            payload,
        })
    }

    /// Decodes the payload as `E`, checking type and version first.
    pub fn decode<E: IntegrationEvent>(&self) -> Result<E, ContractError> {
        if self.event_type != E::TYPE {
            return Err(ContractError::TypeMismatch { expected: E::TYPE, actual: self.event_type.clone() });
        }
        if self.schema_version > E::VERSION {
            return Err(ContractError::UnsupportedVersion {
                event_type: self.event_type.clone(),
                actual: self.schema_version,
                supported: E::VERSION,
            });
        }
        serde_json::from_value(self.payload.clone())
            .map_err(|source| ContractError::Payload { event_type: self.event_type.clone(), source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiKeyRevoked;
    use mgc_kernel::ApiKeyId;

    fn tenant() -> TenantId {
        TenantId::parse("acme").unwrap()
    }

    #[test]
    fn given_event_when_wrapped_then_decodes_back_with_type_and_version() {
        let ev = ApiKeyRevoked { api_key_id: ApiKeyId::new() };
        let env = EventEnvelope::wrap(&tenant(), &ev, Utc::now()).unwrap();
        assert_eq!(env.event_type, ApiKeyRevoked::TYPE);
        assert_eq!(env.schema_version, ApiKeyRevoked::VERSION);
        assert_eq!(env.aggregate_id, ev.api_key_id.to_string());
        assert_eq!(env.decode::<ApiKeyRevoked>().unwrap(), ev);
    }

    #[test]
    fn given_other_type_when_decoded_then_type_mismatch() {
        let ev = ApiKeyRevoked { api_key_id: ApiKeyId::new() };
        let mut env = EventEnvelope::wrap(&tenant(), &ev, Utc::now()).unwrap();
        env.event_type = "other".into();
        assert!(matches!(env.decode::<ApiKeyRevoked>(), Err(ContractError::TypeMismatch { .. })));
    }

    #[test]
    fn given_newer_schema_when_decoded_then_unsupported_version() {
        let ev = ApiKeyRevoked { api_key_id: ApiKeyId::new() };
        let mut env = EventEnvelope::wrap(&tenant(), &ev, Utc::now()).unwrap();
        env.schema_version = 99;
        assert!(matches!(env.decode::<ApiKeyRevoked>(), Err(ContractError::UnsupportedVersion { actual: 99, .. })));
    }
}
