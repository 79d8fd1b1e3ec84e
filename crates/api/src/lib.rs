//! HTTP edge of microgrid-cloud: the axum router with one JSON error shape, JWT/API-key
//! authentication, role checks, the audit log, request ids, metrics, health and OpenAPI.

pub mod auth;
pub mod consumers;
pub mod deadline;
pub mod error;
pub mod extract;
pub mod health;
pub mod http_metrics;
pub mod ingest;
pub mod openapi;
pub mod router;
pub mod routes;
pub mod state;

pub use consumers::register_consumers;
pub use error::ApiError;
pub use ingest::{IngestConfig, IngestPipeline};
pub use router::router;
pub use state::{ApiConfig, AppState};
