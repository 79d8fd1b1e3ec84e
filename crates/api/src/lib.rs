//! HTTP edge of microgrid-cloud: the axum router with one JSON error shape, JWT/API-key
//! authentication, role checks, the audit log, request ids, metrics, health and OpenAPI.

#![warn(missing_docs)]

pub mod auth;
pub mod body_limit;
pub mod console;
pub mod deadline;
pub mod error;
#[cfg(test)]
mod error_catalogue_tests;
pub mod extract;
pub mod health;
pub mod http_metrics;
pub mod metrics_catalogue;
pub mod metrics_token;
pub mod ocpp_schema;
pub mod openapi;
#[cfg(test)]
mod openapi_bodies_tests;
pub mod openapi_contract;
pub mod openapi_rules;
pub mod refusal_audit;
pub mod router;
pub mod routes;
pub mod schema_enums;
pub mod state;
pub mod stats_cache;
pub mod whole_number;

pub use error::ApiError;
pub use mgc_adapter_thingsboard::{IngestConfig, IngestService};
pub use router::router;
pub use state::{ApiConfig, AppState};
